"""Copie locale de DataTables (tri, recherche et pages des grands tableaux des chapitres ; extension Responsive pour
les écrans étroits) et de MiniSearch (recherche dans tout le rapport, hors ligne), pour des pages HTML autonomes,
lisibles hors ligne (``politique_ville.report.export``, ``politique_ville.report.recherche``).

    python scripts/vendoriser_datatables.py            # télécharge (npm pack), vérifie et écrit les fichiers
    python scripts/vendoriser_datatables.py --verifier # vérifie les empreintes des fichiers déjà copiés

Les fichiers viennent des paquets npm publiés (``npm pack``, registre npm) aux versions épinglées ci-dessous ; chaque
fichier extrait doit avoir l'empreinte SHA-256 attendue (sinon rien n'est écrit). Ils sont écrits dans
``src/politique_ville/report/templates/rapport/vendor/`` avec leur licence, et ``FICHIERS.tsv`` garde pour chacun le nom du
paquet, sa version, sa source, le chemin dans le paquet, l'empreinte et la licence.

DataTables 3 n'a besoin d'aucune autre bibliothèque (les versions 1 et 2 demandaient jQuery). Pour changer de
version : modifier la version d'un paquet dans ``PAQUETS``, lancer ``--mettre-a-jour`` (écrit les nouveaux fichiers et affiche les empreintes à
recopier dans ``PAQUETS``), relire les fichiers, puis relancer sans option.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
DESTINATION = RACINE / "src" / "politique_ville" / "report" / "templates" / "rapport" / "vendor"
LICENCE = "MIT"
VERSION = "3.1.2"  # DataTables
VERSION_RESPONSIVE = "4.1.0"  # extension Responsive (demande DataTables ^3.1)
VERSION_MINISEARCH = "7.2.0"

#: paquet npm -> (version, [(chemin dans le paquet, chemin sous vendor/, empreinte SHA-256 attendue)])
PAQUETS = {
    "datatables.net": (
        VERSION,
        [
            (
                "js/dataTables.min.js",
                "datatables/dataTables.min.js",
                "2050bcff007823d21472681c2e74b1eaf96893830a92acf9f6bb961a58f5c617",
            ),
            (
                "License.txt",
                "datatables/License.txt",
                "62b5fdd54371b4f6bd07a60dbc78b38814f49a8028213f540dc2733cad605382",
            ),
        ],
    ),
    "datatables.net-dt": (
        VERSION,
        [
            (
                "css/dataTables.dataTables.min.css",
                "datatables/dataTables.dataTables.min.css",
                "156624d53bf9385a37f857fbc290361d4104d3536d30930fb86bce5cc0f19387",
            )
        ],
    ),
    "datatables.net-responsive": (
        VERSION_RESPONSIVE,
        [
            (
                "js/dataTables.responsive.min.js",
                "datatables/dataTables.responsive.min.js",
                "fa4a325810ed63b345a8cf7240c13891f5a5e9674ab2d8ab7aa2ad5c629744f6",
            ),
            (
                "License.txt",
                "datatables/License-responsive.txt",
                "62b5fdd54371b4f6bd07a60dbc78b38814f49a8028213f540dc2733cad605382",
            ),
        ],
    ),
    "datatables.net-responsive-dt": (
        VERSION_RESPONSIVE,
        [
            (
                "css/responsive.dataTables.min.css",
                "datatables/responsive.dataTables.min.css",
                "62d0c523d873aa0404c90365ce2370880ea4ce7a34a81da80a44ffa9dbb974bc",
            ),
        ],
    ),
    "minisearch": (
        VERSION_MINISEARCH,
        [
            (
                "dist/umd/index.js",
                "minisearch/minisearch.js",
                "03c27931eb603af1d3358579e9885eafdb6a2f5fa9929557b3e77d7e99d06d03",
            ),
            (
                "LICENSE.txt",
                "minisearch/LICENSE.txt",
                "70d37354d6395629fb99edb28cb37a5d356ffa24a48cd02a5def5b83a300a899",
            ),
        ],
    ),
}

ENTETE = "nom\tversion\tsource\tchemin_dans_le_paquet\tfichier\tsha256\tlicence"


def _empreinte(donnees: bytes) -> str:
    return hashlib.sha256(donnees).hexdigest()


def _extraire() -> dict[str, bytes]:
    """Télécharge les paquets épinglés et renvoie le contenu de chaque fichier, par chemin sous vendor/."""
    contenus = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for paquet, (version, fichiers) in PAQUETS.items():
            nom = (
                subprocess.run(
                    ["npm", "pack", "--silent", f"{paquet}@{version}"],
                    cwd=tmp,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            extrait = tmp / nom.removesuffix(".tgz")
            with tarfile.open(tmp / nom) as tar:
                tar.extractall(extrait, filter="data")
            for dans_paquet, cible, _ in fichiers:
                contenus[cible] = (extrait / "package" / dans_paquet).read_bytes()
    return contenus


def _ecrire(contenus: dict[str, bytes]) -> None:
    lignes = [ENTETE]
    for paquet, (version, fichiers) in PAQUETS.items():
        for dans_paquet, cible, _ in fichiers:
            dst = DESTINATION / cible
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(contenus[cible])
            lignes.append(
                "\t".join(
                    [
                        paquet,
                        version,
                        f"npm:{paquet}@{version}",
                        dans_paquet,
                        cible,
                        _empreinte(contenus[cible]),
                        LICENCE,
                    ]
                )
            )
    (DESTINATION / "FICHIERS.tsv").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    print(f"{len(lignes) - 1} fichiers écrits dans {DESTINATION}")


def telecharger(mettre_a_jour: bool = False) -> int:
    contenus = _extraire()
    differents = [
        (cible, _empreinte(contenus[cible]))
        for _, fichiers in PAQUETS.values()
        for _, cible, attendue in fichiers
        if _empreinte(contenus[cible]) != attendue
    ]
    if differents and not mettre_a_jour:
        for cible, h in differents:
            print(f"empreinte inattendue pour {cible} : {h}", file=sys.stderr)
        print(
            "rien n'est écrit (version changée ? relancer avec --mettre-a-jour, puis recopier les empreintes)",
            file=sys.stderr,
        )
        return 1
    for cible, h in differents:
        print(f"{cible}\t{h}")
    _ecrire(contenus)
    return 0


def verifier() -> int:
    lignes = (DESTINATION / "FICHIERS.tsv").read_text(encoding="utf-8").splitlines()
    if lignes[0] != ENTETE:
        print("FICHIERS.tsv : en-tête inattendu", file=sys.stderr)
        return 1
    attendues = {cible: h for _, fichiers in PAQUETS.values() for _, cible, h in fichiers}
    fautifs = []
    for ligne in lignes[1:]:
        cible, h = ligne.split("\t")[4:6]
        chemin = DESTINATION / cible
        if not chemin.is_file() or _empreinte(chemin.read_bytes()) != h or attendues.get(cible) != h:
            fautifs.append(cible)
    manquants = sorted(set(attendues) - {ligne.split("\t")[4] for ligne in lignes[1:]})
    print(
        f"{len(lignes) - 1} fichiers, {len(fautifs)} différent(s) des empreintes épinglées"
        + (f" : {fautifs}" if fautifs else "")
        + (f" ; absents de FICHIERS.tsv : {manquants}" if manquants else "")
    )
    return 1 if fautifs or manquants else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--verifier", action="store_true", help="vérifie les empreintes au lieu de télécharger")
    p.add_argument(
        "--mettre-a-jour",
        action="store_true",
        help="écrit les fichiers même si leurs empreintes diffèrent de celles épinglées (et les affiche)",
    )
    args = p.parse_args(argv)
    if args.verifier:
        return verifier()
    return telecharger(args.mettre_a_jour)


if __name__ == "__main__":
    sys.exit(main())
