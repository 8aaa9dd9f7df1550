"""Data Docs de Great Expectations lisibles hors ligne.

Great Expectations écrit des pages qui chargent leurs feuilles de style, leurs scripts (dont celui qui AFFICHE la
table de la page d'accueil) et son logo depuis des CDN et un serveur de Great Expectations (adresse du logo suivie
d'un identifiant du contexte). Ouvertes sans Internet, ou transmises à un partenaire, elles seraient vides ou sans
mise en forme. :func:`rendre_hors_ligne` copie les fichiers gardés dans le paquet (``templates/datadocs/vendor``,
produits par ``scripts/vendoriser_datadocs.py`` depuis les paquets npm, licences jointes) dans
``static/vendor/`` des Data Docs et réécrit chaque page pour y renvoyer. Les graphiques Vega (aucune page des suites
du projet n'en contient), le thème sombre facultatif et le pied de page publicitaire sont retirés.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDOR = Path(__file__).parent / "templates" / "datadocs" / "vendor"

#: adresse (sans sa requête « ?… ») -> fichier sous static/ des Data Docs
RESSOURCES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "vendor/bootstrap/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "vendor/bootstrap/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "vendor/popper/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "vendor/bootstrap-table/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "vendor/bootstrap-table/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "vendor/bootstrap-table/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "vendor/bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "vendor/bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "vendor/bootstrap-datepicker/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "vendor/bootstrap-datepicker/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "vendor/fontawesome/css/all.min.css",
    # logos servis par Great Expectations (avec l'identifiant du contexte) : celui que les Data Docs embarquent
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "images/logo-long.png",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": "images/logo-long.png",
}
#: balises retirées : graphiques Vega (inutilisés par les suites du projet) et thème sombre facultatif
A_RETIRER = (
    re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/vega(?:-lite|-embed)?@\d+"></script>\s*'),
    re.compile(r'<link [^>]*href="https://cdn\.jsdelivr\.net/npm/@forevolve/bootstrap-dark@[^"]*"[^>]*>\s*'),
    # pied de page publicitaire (lettre d'information de Great Expectations) : rien à faire dans un rapport partagé
    re.compile(
        r"<footer>\s*<p>Stay current on everything GX with our newsletter <a [^>]*>Subscribe</a></p>\s*"
        r"</footer>\s*"
    ),
)
_ADRESSE = re.compile(r"""(?P<avant>(?:src|href)=["']|url\(['"]?)(?P<url>https://[^"')?\s]+)(?:\?[^"')\s]*)?""")
_SRI = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
_RESSOURCE_DISTANTE = re.compile(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["']https?://|url\(['"]?https?://""")


def rendre_hors_ligne(docs_dir: Path) -> int:
    """Copie les ressources locales dans ``docs_dir/static/vendor`` et réécrit les pages ; renvoie le nombre de
    pages réécrites. Idempotent."""
    docs_dir = Path(docs_dir)
    static = docs_dir / "static"
    shutil.copytree(VENDOR, static / "vendor", dirs_exist_ok=True, ignore=shutil.ignore_patterns("FICHIERS.tsv"))
    n = 0
    for page in docs_dir.rglob("*.html"):
        texte = page.read_text(encoding="utf-8")
        nouveau = _reecrire(texte, os.path.relpath(static, page.parent).replace(os.sep, "/"))
        if nouveau != texte:
            page.write_text(nouveau, encoding="utf-8")
            n += 1
    return n


def _reecrire(texte: str, vers_static: str) -> str:
    if "vegaEmbed(" not in texte:
        for motif in A_RETIRER:
            texte = motif.sub("", texte)
    else:  # une page avec un graphique garde Vega (en ligne)
        for motif in A_RETIRER[1:]:
            texte = motif.sub("", texte)

    def local(m: re.Match) -> str:
        cible = RESSOURCES.get(m.group("url"))
        return m.group(0) if cible is None else f"{m.group('avant')}{vers_static}/{cible}"

    texte = _ADRESSE.sub(local, texte)
    # l'intégrité (SRI) et « crossorigin » visaient les CDN : sur un fichier local, ils bloqueraient le chargement
    return re.sub(r"<(script|link)\b[^>]*>", lambda m: _SRI.sub("", m.group(0)), texte)


def ressources_distantes(texte: str) -> list[str]:
    """Balises d'une page qui chargent encore quelque chose depuis Internet (les simples liens ``<a>`` n'en sont
    pas)."""
    return [texte[m.start() : m.start() + 160] for m in _RESSOURCE_DISTANTE.finditer(texte)]
