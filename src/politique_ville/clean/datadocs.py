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


#: libellés des Data Docs en français (texte exact d'un élément, tel que Great Expectations l'écrit) ; les noms de
#: colonnes, de types et de tables restent tels quels
LIBELLES = {
    "Status": "Statut",
    "Expectation": "Attente",
    "Observed Value": "Valeur observée",
    "value types must belong to this set:": "le type des valeurs doit être l'un de :",
    "is a required field.": "est une colonne obligatoire.",
    "values must be greater than or equal to": "les valeurs doivent être supérieures ou égales à",
    "Overview": "Vue d'ensemble",
    "Table-Level Expectations": "Attentes sur la table",
    "values must never be null.": "les valeurs ne doivent jamais être vides.",
    "Data documentation compiled by Great Expectations": "Documentation des données produite par Great Expectations",
    "Home": "Accueil des Data Docs",
    "Table of Contents": "Sommaire",
    "Info": "Informations",
    "Great Expectations Version": "Version de Great Expectations",
    "rows.": "lignes.",
    "and less than or equal to": "et inférieures ou égales à",
    "Expectation Suite": "Suite d'attentes",
    "A collection of Expectations defined for batches of data.": "Les attentes déclarées pour une table.",
    "Expectation Suite Name": "Nom de la suite d'attentes",
    "Notes": "Notes",
    "Expectation Validation Result": "Résultat de la validation",
    "Evaluates whether a batch of data matches expectations.": "Dit si la table satisfait ses attentes.",
    "Actions": "Actions",
    "Validation Filter:": "Filtre :",
    "Show All": "Tout montrer",
    "Failed Only": "Échecs seulement",
    "Expectation Suite:": "Suite d'attentes :",
    "Status:": "Statut :",
    "Succeeded": "Réussie",
    "Failed": "Échec",
    "Statistics": "Statistiques",
    "Evaluated Expectations": "Attentes évaluées",
    "Successful Expectations": "Attentes satisfaites",
    "Unsuccessful Expectations": "Attentes non satisfaites",
    "Success Percent": "Part des attentes satisfaites",
    "Show more info...": "Plus d'informations…",
    "Run Name": "Nom de l'exécution",
    "Run Time": "Heure de l'exécution",
    "Batch Markers": "Marques du lot",
    "Batch Parameters": "Paramètres du lot",
    "Batch Spec": "Description du lot",
    "Must have exactly": "Doit avoir exactement",
    "Must have greater than or equal to": "Doit avoir au moins",
    "values must belong to this set:": "les valeurs doivent appartenir à l'ensemble :",
    "sum must be greater than or equal to": "la somme doit être supérieure ou égale à",
    "values must be unique.": "les valeurs doivent être uniques.",
    ", then values must be greater than or equal to": ", alors les valeurs doivent être supérieures ou égales à",
    ", then values must never be null.": ", alors les valeurs ne doivent jamais être vides.",
    "Validation Results": "Résultats de validation",
    "Expectation Suites": "Suites d'attentes",
    "Clear Filters": "Effacer les filtres",
    "Data Docs autogenerated using": "Data Docs produites par",
    "Data Docs": "Data Docs (rapport de validation)",
}
#: intitulés des colonnes de la table de la page d'accueil des Data Docs
TITRES_COLONNES = {
    "Status": "Statut",
    "Run Time": "Heure",
    "Run Name": "Exécution",
    "Asset Name": "Table",
    "Batch ID": "Lot",
    "Batch Spec": "Lot",
    # écrits dans une chaîne JavaScript entre apostrophes droites : sans apostrophe
    "Expectation Suite": "Suite des attentes",
    "Expectation Suites": "Suites des attentes",
    "Validation Result": "Résultat",
}
_TEXTE_ELEMENT = re.compile(r">(\s*)([^<>]{2,120}?)(\s*)<")
_POURCENTS = (
    (re.compile(r">(\s*)(\d+(?:\.\d+)?)% unexpected(\s*)<"), r">\1\2 % inattendues\3<"),
    (re.compile(r">(\s*)(\d+(?:\.\d+)?)% not null(\s*)<"), r">\1\2 % non vides\3<"),
)
MARQUE_RETOUR = "politique-ville-retour"


def franciser(texte: str) -> str:
    """Les libellés de Great Expectations en français (:data:`LIBELLES`), page en langue française."""

    def traduire(m: re.Match) -> str:
        francais = LIBELLES.get(m.group(2))
        return m.group(0) if francais is None else f">{m.group(1)}{francais}{m.group(3)}<"

    texte = _TEXTE_ELEMENT.sub(traduire, texte)
    # intitulés des colonnes de la table de la page d'accueil (écrits dans sa configuration JavaScript)
    texte = re.sub(
        r"'title': '([^']*)'",
        lambda m: f"'title': '{TITRES_COLONNES.get(m.group(1), m.group(1)).replace(chr(39), chr(8217))}'",
        texte,
    )
    for motif, remplacement in _POURCENTS:
        texte = motif.sub(remplacement, texte)
    return re.sub(r"<html(?![^>]*\blang=)", '<html lang="fr"', texte, count=1)


def lien_vers_le_rapport(texte: str, vers_index: str) -> str:
    """Un lien « ← Retour au rapport » en tête de page (après la barre de Great Expectations) ; idempotent."""
    if MARQUE_RETOUR in texte:
        return texte
    lien = (
        f'<p class="{MARQUE_RETOUR}" style="margin:.5rem 1.5rem;font-size:1rem">'
        f'<a href="{vers_index}">← Retour au rapport</a></p>'
    )
    barre = re.search(r'<nav class="navbar\b.*?</nav>\s*</div>\s*</nav>', texte, re.S)
    if barre:
        return texte[: barre.end()] + lien + texte[barre.end() :]
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + lien, texte, count=1)


def rendre_hors_ligne(docs_dir: Path) -> int:
    """Copie les ressources locales dans ``docs_dir/static/vendor`` et réécrit les pages (hors ligne, en français,
    avec un lien vers l'index du rapport, dossier parent de ``docs_dir``) ; renvoie le nombre de pages réécrites.
    Idempotent."""
    docs_dir = Path(docs_dir)
    static = docs_dir / "static"
    shutil.copytree(VENDOR, static / "vendor", dirs_exist_ok=True, ignore=shutil.ignore_patterns("FICHIERS.tsv"))
    n = 0
    for page in docs_dir.rglob("*.html"):
        texte = page.read_text(encoding="utf-8")
        nouveau = _reecrire(texte, os.path.relpath(static, page.parent).replace(os.sep, "/"))
        nouveau = franciser(nouveau)
        vers_index = os.path.relpath(docs_dir.parent / "index.html", page.parent).replace(os.sep, "/")
        nouveau = lien_vers_le_rapport(nouveau, vers_index)
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
    # textes de la table de bootstrap-table en français : sa traduction, chargée juste après lui
    locale = f'<script src="{vers_static}/vendor/bootstrap-table/bootstrap-table-fr-FR.min.js"></script>'
    if locale not in texte:
        texte = re.sub(
            r'(<script src="[^"]*/bootstrap-table/bootstrap-table\.min\.js"[^>]*></script>)',
            lambda m: m.group(1) + locale,
            texte,
            count=1,
        )
    # l'intégrité (SRI) et « crossorigin » visaient les CDN : sur un fichier local, ils bloqueraient le chargement
    return re.sub(r"<(script|link)\b[^>]*>", lambda m: _SRI.sub("", m.group(0)), texte)


def ressources_distantes(texte: str) -> list[str]:
    """Balises d'une page qui chargent encore quelque chose depuis Internet (les simples liens ``<a>`` n'en sont
    pas)."""
    return [texte[m.start() : m.start() + 160] for m in _RESSOURCE_DISTANTE.finditer(texte)]
