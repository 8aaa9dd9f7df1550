"""Copie locale des feuilles de style, scripts et polices que les Data Docs de Great Expectations chargent depuis
des CDN, pour qu'elles s'affichent hors ligne (``politique_ville.clean.datadocs``).

    python scripts/vendoriser_datadocs.py            # télécharge (npm pack) et écrit les fichiers
    python scripts/vendoriser_datadocs.py --verifier # vérifie les empreintes des fichiers déjà copiés

Les fichiers viennent des paquets npm publiés (``npm pack``, le registre npm), aux versions exactes que les Data Docs
demandent ; ils sont écrits dans ``src/politique_ville/clean/templates/datadocs/vendor/`` avec leurs licences, et
``FICHIERS.tsv`` garde pour chacun le paquet, le chemin dans le paquet et l'empreinte SHA-256. À relancer seulement
si une nouvelle version de Great Expectations change ses adresses (``datadocs.RESSOURCES``).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
DESTINATION = RACINE / "src" / "politique_ville" / "clean" / "templates" / "datadocs" / "vendor"

#: paquet npm -> [(chemin dans le paquet, chemin sous vendor/)] ; licences comprises
PAQUETS = {
    "bootstrap@4.3.1": [
        ("dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
        ("dist/js/bootstrap.min.js", "bootstrap/bootstrap.min.js"),
        ("LICENSE", "bootstrap/LICENSE"),
    ],
    "jquery@3.7.1": [("dist/jquery.min.js", "jquery/jquery.min.js"), ("LICENSE.txt", "jquery/LICENSE.txt")],
    "popper.js@1.12.9": [("dist/umd/popper.min.js", "popper/popper.min.js")],  # licence MIT dans l'en-tête
    "bootstrap-table@1.19.1": [
        ("dist/bootstrap-table.min.css", "bootstrap-table/bootstrap-table.min.css"),
        ("dist/bootstrap-table.min.js", "bootstrap-table/bootstrap-table.min.js"),
        (
            "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
            "bootstrap-table/bootstrap-table-filter-control.min.css",
        ),
        (
            "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
            "bootstrap-table/bootstrap-table-filter-control.min.js",
        ),
        # textes de la table en français (« Rechercher », « Affichage des lignes 1 à 10 sur 31 »)
        ("dist/locale/bootstrap-table-fr-FR.min.js", "bootstrap-table/bootstrap-table-fr-FR.min.js"),
        ("LICENSE", "bootstrap-table/LICENSE"),
    ],
    "bootstrap-datepicker@1.9.0": [
        ("dist/css/bootstrap-datepicker.min.css", "bootstrap-datepicker/bootstrap-datepicker.min.css"),
        ("dist/js/bootstrap-datepicker.min.js", "bootstrap-datepicker/bootstrap-datepicker.min.js"),
        ("LICENSE", "bootstrap-datepicker/LICENSE"),
    ],
    "@fortawesome/fontawesome-free@6.6.0": [
        ("css/all.min.css", "fontawesome/css/all.min.css"),
        ("webfonts/fa-solid-900.woff2", "fontawesome/webfonts/fa-solid-900.woff2"),
        ("webfonts/fa-regular-400.woff2", "fontawesome/webfonts/fa-regular-400.woff2"),
        ("webfonts/fa-brands-400.woff2", "fontawesome/webfonts/fa-brands-400.woff2"),
        ("webfonts/fa-v4compatibility.woff2", "fontawesome/webfonts/fa-v4compatibility.woff2"),
        ("LICENSE.txt", "fontawesome/LICENSE.txt"),
    ],
}


def _empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def telecharger() -> None:
    lignes = ["paquet\tchemin_dans_le_paquet\tfichier\tsha256"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for paquet, fichiers in PAQUETS.items():
            nom = (
                subprocess.run(["npm", "pack", "--silent", paquet], cwd=tmp, check=True, capture_output=True, text=True)
                .stdout.strip()
                .splitlines()[-1]
            )
            extrait = tmp / nom.removesuffix(".tgz")
            with tarfile.open(tmp / nom) as tar:
                tar.extractall(extrait, filter="data")
            for dans_paquet, cible in fichiers:
                dst = DESTINATION / cible
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(extrait / "package" / dans_paquet, dst)
                lignes.append(f"{paquet}\t{dans_paquet}\t{cible}\t{_empreinte(dst)}")
    (DESTINATION / "FICHIERS.tsv").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    print(f"{len(lignes) - 1} fichiers écrits dans {DESTINATION}")


def verifier() -> int:
    lignes = (DESTINATION / "FICHIERS.tsv").read_text(encoding="utf-8").splitlines()[1:]
    fautifs = [
        f
        for _, _, f, h in (ligne.split("\t") for ligne in lignes)
        if not (DESTINATION / f).is_file() or _empreinte(DESTINATION / f) != h
    ]
    print(f"{len(lignes)} fichiers, {len(fautifs)} différent(s) de FICHIERS.tsv" + (f" : {fautifs}" if fautifs else ""))
    return 1 if fautifs else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--verifier", action="store_true", help="vérifie les empreintes au lieu de télécharger")
    args = p.parse_args(argv)
    if args.verifier:
        return verifier()
    telecharger()
    return 0


if __name__ == "__main__":
    sys.exit(main())
