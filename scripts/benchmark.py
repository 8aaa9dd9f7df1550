"""Mesures de performance du pipeline ; écrit ``reports/benchmark.md`` (ce n'est pas un test).

    .venv/bin/python scripts/benchmark.py [--repetitions 3] [--repetitions-naif 3] [--repetitions-echelle 3]
                                          [--facteurs 0.0625,0.25,1] [--travail /tmp/bench/run]
                                          [--parties machine,froid,naif,chaud,fiches,decomposition,echelle,
                                                     fiches_national] [--fractions-fiches 0.0625,0.25,1]
                                          [--copie FICHIER.md] [--rapport-seul resultats.json]

Ce qui est mesuré (médianes de plusieurs exécutions, leur nombre est écrit dans le rapport) :

- exécution à froid du rapport 2019, fiches quartier comprises (dossiers de sortie et des tables neufs, cache de
  validation vidé, ``--force``), comparée à la façon naïve : chaque notebook (00 à 90 puis une fiche par quartier)
  par la commande ``papermill``, puis chaque notebook exécuté par ``jupyter nbconvert --to html``, l'un après
  l'autre ;
- ré-exécution sans changement ;
- coût marginal d'une fiche quartier (régression du temps de l'étape des fiches sur leur nombre) ;
- passage à l'échelle : années synthétiques (``scripts/generer_territoire_synthetique.py``, données fictives
  écrites hors de ``data/raw``) de 1/16, 1/4 et 1 fois la taille nationale : durée, mémoire maximale de l'arbre
  des processus (parent + noyaux, RSS échantillonné avec psutil), croissance ;
- toutes les fiches à la taille nationale (``fiches_national``) : étape des fiches seule pour 1/16, 1/4 et toutes
  les fiches du territoire synthétique national (croissance, coût marginal d'une fiche par régression, mémoire
  maximale de l'arbre des processus), comparée à une fiche à la façon naïve mesurée dans la même exécution ;
- où va le temps : durée de chaque étape (lignes du runner et manifeste), démarrage d'un noyau, imports,
  Great Expectations (étape 03 avec et sans cache), export HTML ; profil py-spy de l'exécution nationale si
  py-spy est disponible (``--py-spy CHEMIN``).

Isolement : le code mesuré est un INSTANTANÉ de ``src/politique_ville`` et ``notebooks/`` copié au début dans le
dossier de travail (``PYTHONPATH``), pour que des modifications faites pendant la mesure ne la faussent pas ; chaque
exécution a sa propre racine de travail (lien vers les notebooks de l'instantané, ``params/``) et son propre cache
de validation : rien n'est écrit dans le dépôt hors de ``reports/benchmark.md``, ni jamais sous ``data/raw``.

Organisation (``scripts/banc/``) : ``outils`` (mesure du temps et de la mémoire, attente d'une machine calme,
commandes, nombres à la française du rapport), ``projet`` (``Banc`` : instantané, pilote, racines de travail, une
exécution mesurée du pipeline, machine), ``parties/`` (une partie mesurée par module, et leur registre),
``rapport/`` (le Markdown, une section par partie).

Ajouter une partie : une ligne dans ``PARTIES`` (``scripts/banc/parties/__init__.py``), par exemple
``Partie("lot", "benchmark_lot:mesurer", "lot de territoires", par_defaut=False)`` : une fonction
``mesurer(banc, args)`` qui range ses résultats dans ``banc.resultats`` ou les renvoie (rangés sous le nom de la
partie) ; son module peut définir ``arguments(parser)`` (ses options) et ``section(res)`` (ses lignes du rapport).
``--lister`` montre les parties, ``--parties a,b`` en choisit (dans l'ordre du registre ; « machine » est toujours
mesurée).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # le paquet du banc, scripts/banc/, quel que soit l'appel

# noms repris par les bancs voisins (scripts/benchmark_lot.py : « import benchmark as bm ») et par les habitudes
from banc.outils import (  # noqa: E402, F401
    ANNEE,
    ANNEE_SYNTH,
    NOYAU,
    PY,
    RACINE,
    VENV_BIN,
    Memoire,
    attendre_calme,
    executer_commande,
    fr,
    journal,
    mediane,
    sonde_vitesse,
)
from banc.parties import PARTIES, choisies, liste, par_defaut  # noqa: E402
from banc.parties.profil import analyser_py_spy  # noqa: E402
from banc.projet import PILOTE, Banc  # noqa: E402, F401
from banc.rapport import rapport  # noqa: E402
from banc.rapport.cibles import CIBLES  # noqa: E402, F401


def options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Mesures de performance du pipeline (écrit reports/benchmark.md).")
    p.add_argument("--travail", type=Path, default=Path("/tmp/bench/run"), help="dossier de travail (jetable)")
    p.add_argument("--repetitions", type=int, default=3, help="exécutions par mesure du rapport 2019")
    p.add_argument("--repetitions-naif", type=int, default=3)
    p.add_argument("--repetitions-echelle", type=int, default=3, help="exécutions par taille (1/16, 1/4)")
    p.add_argument("--repetitions-national", type=int, default=3, help="exécutions à la taille nationale")
    p.add_argument("--facteurs", default="0.0625,0.25,1")
    p.add_argument(
        "--facteur-minimal",
        type=float,
        default=1 / 256,
        help="taille de l'exécution qui mesure le coût fixe (0 : aucune)",
    )
    p.add_argument("--fiches", default="2,5,10,21", help="nombres de fiches pour la régression")
    p.add_argument(
        "--fractions-fiches",
        default="0.0625,0.25,1",
        help="toutes les fiches à la taille nationale : fractions des quartiers (1 = toutes)",
    )
    p.add_argument("--repetitions-fiches", type=int, default=3, help="exécutions par fraction < 1 des fiches")
    p.add_argument("--parties", default=par_defaut(), help="parties mesurées, dans l'ordre du registre (voir --lister)")
    p.add_argument("--lister", action="store_true", help="montre les parties et ce qu'elles mesurent, puis s'arrête")
    p.add_argument("--py-spy", default="", help="chemin de py-spy pour profiler l'exécution nationale")
    p.add_argument("--sortie", type=Path, default=RACINE / "reports" / "benchmark.md")
    p.add_argument("--copie", type=Path, help="copie du rapport (ex. /tmp/bench/benchmark.md)")
    p.add_argument("--analyse", type=Path, help="texte d'analyse (Markdown) ajouté à la fin du rapport")
    p.add_argument("--rapport-seul", type=Path, help="réécrit le rapport à partir d'un resultats.json existant")
    p.add_argument(
        "--garder-instantane",
        action="store_true",
        help="réutilise l'instantané du code déjà présent dans le dossier de travail (mêmes sources que "
        "la mesure précédente)",
    )
    p.add_argument(
        "--attendre-calme",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="avant chaque exécution, attendre que les autres processus libèrent le CPU ; refaire (2 fois "
        "au plus) une exécution perturbée",
    )
    p.add_argument(
        "--fusionner", type=Path, help="resultats.json d'une mesure précédente : les parties mesurées ici le remplacent"
    )
    p.add_argument("--reanalyser-py-spy", type=Path, help="profil py-spy brut déjà enregistré à réanalyser")
    p.add_argument(
        "--apres", type=Path, help="resultats.json d'une remesure après corrections, ajoutée en fin de rapport"
    )
    for partie in PARTIES.values():  # options propres à une partie ajoutée (arguments(parser) de son module)
        arguments = getattr(partie.module(), "arguments", None)
        if arguments:
            arguments(p)
    return p


def mesurer(args) -> dict:
    """Les parties choisies, l'une après l'autre ; résultats enregistrés après chacune."""
    parties = choisies(args.parties)
    banc = Banc(args.travail, args)
    banc.preparer(args.garder_instantane)
    banc.machine()
    banc.preparer_2019()
    for partie in parties:
        resultat = partie.mesurer()(banc, args)
        if resultat is not None:
            banc.resultats[partie.nom] = resultat
        banc.sauver()
    banc.sauver()
    if args.fusionner:
        banc.resultats = fusionner(json.loads(args.fusionner.read_text(encoding="utf-8")), banc.resultats, args)
        banc.sauver()
    journal(f"Résultats bruts : {banc.travail / 'resultats.json'}")
    return banc.resultats


def fusionner(base: dict, res: dict, args) -> dict:
    """Les parties mesurées ici remplacent celles d'une mesure précédente, notée comme complément."""
    complement = {
        "parties": sorted(set(args.parties.split(","))),
        "debut": res.get("debut"),
        "fin": res.get("fin"),
        "git": res.get("instantane", {}).get("git"),
        "charge_debut": res.get("machine", {}).get("charge_debut"),
        "charge_fin": res.get("machine", {}).get("charge_fin"),
    }
    for k, v in res.items():
        if k not in ("machine", "debut", "fin", "instantane"):
            base[k] = v
    base.setdefault("complements", []).append(complement)
    return base


def main(argv=None) -> int:
    args = options().parse_args(argv)
    if args.lister:
        print(liste())
        return 0
    if args.rapport_seul:
        res = json.loads(args.rapport_seul.read_text(encoding="utf-8"))
    else:
        res = mesurer(args)
    if args.reanalyser_py_spy and args.reanalyser_py_spy.is_file():
        res["profil"] = analyser_py_spy(args.reanalyser_py_spy)
        if args.rapport_seul:
            args.rapport_seul.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.apres and args.apres.is_file():
        res["apres"] = json.loads(args.apres.read_text(encoding="utf-8"))
    if args.analyse and args.analyse.is_file():
        res["analyse"] = args.analyse.read_text(encoding="utf-8")
    texte = rapport(res)
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(texte, encoding="utf-8")
    if args.copie:
        args.copie.parent.mkdir(parents=True, exist_ok=True)
        args.copie.write_text(texte, encoding="utf-8")
    journal(f"Rapport écrit : {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
