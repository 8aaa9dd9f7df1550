"""Le registre des parties du banc : nom -> fonction qui mesure, description.

Une partie est une fonction ``mesurer(banc, args)`` (``banc`` : ``banc.projet.Banc``, ``args`` : les options de la
ligne de commande). Elle range ses résultats dans ``banc.resultats`` elle-même, ou les renvoie (un ``dict``, rangé
alors sous le nom de la partie). Le module de la partie peut aussi définir :

- ``arguments(parser)`` : ses options de ligne de commande (ajoutées à celles de ``scripts/benchmark.py``) ;
- ``section(res) -> list[str]`` : ses lignes du rapport (Markdown, à partir de tous les résultats ; rien si la
  partie n'a pas été mesurée), placées après les sections du banc et avant l'analyse (les sections des parties du
  banc sont dans ``banc.rapport``, dans l'ordre du rapport, pas dans leurs modules).

Ajouter une partie = une ligne dans ``PARTIES`` (module importé au moment de s'en servir : un module du dossier
``scripts/`` ou de ``banc.parties``), par exemple :

    Partie("lot", "benchmark_lot:mesurer", "lot de territoires (issue 22)", par_defaut=False),

Les parties s'exécutent dans l'ordre de ``PARTIES`` ; ``--parties`` choisit lesquelles, ``--lister`` les montre.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Partie:
    nom: str
    #: « module:fonction » (fonction ``mesurer`` si omise), importé au premier usage
    fonction: str
    description: str
    #: mesurée quand ``--parties`` n'est pas donné
    par_defaut: bool = True

    def module(self) -> ModuleType:
        return importlib.import_module(self.fonction.partition(":")[0])

    def mesurer(self) -> Callable:
        return getattr(self.module(), self.fonction.partition(":")[2] or "mesurer")


PARTIES: dict[str, Partie] = {
    p.nom: p
    for p in (
        Partie("froid", "banc.parties.rapport_2019:froid", "rapport 2019 à froid, fiches comprises (--repetitions)"),
        Partie("naif", "banc.parties.naif", "rapport 2019 à la façon naïve : papermill puis nbconvert, en commandes"),
        Partie("chaud", "banc.parties.rapport_2019:chaud", "rapport 2019 ré-exécuté sans changement, puis forcé"),
        Partie("fiches", "banc.parties.fiches", "coût marginal d'une fiche quartier en 2019 (--fiches)"),
        Partie("decomposition", "banc.parties.decomposition", "démarrage d'un noyau, imports, export HTML"),
        Partie("echelle", "banc.parties.echelle", "années synthétiques 1/256 à 1 (--facteurs), profil (--py-spy)"),
        Partie("fiches_national", "banc.parties.fiches_national", "toutes les fiches à la taille nationale"),
        Partie("premier", "banc.parties.premier", "premier make report d'un clone neuf / make report suivant"),
        Partie(
            "lot", "benchmark_lot:mesurer", "lot de territoires : coût marginal, croissance, mémoire", par_defaut=False
        ),
        Partie(
            "taille", "benchmark_taille:partie", "taille des pages : chapitre, fiche, France projetée", par_defaut=False
        ),
    )
}

#: toujours mesurée (décrit la machine), acceptée dans ``--parties`` pour les commandes déjà écrites
MACHINE = "machine"


def choisies(texte: str) -> list[Partie]:
    """Les parties nommées dans ``--parties`` (« a,b »), dans l'ordre du registre ; erreur si un nom est inconnu."""
    noms = set(texte.split(",")) - {MACHINE, ""}
    inconnues = noms - set(PARTIES)
    if inconnues:
        raise SystemExit(f"Parties inconnues : {', '.join(sorted(inconnues))} (connues : {', '.join(PARTIES)})")
    return [p for p in PARTIES.values() if p.nom in noms]


def par_defaut() -> str:
    return ",".join([MACHINE] + [p.nom for p in PARTIES.values() if p.par_defaut])


def liste() -> str:
    return "\n".join(f"{p.nom:<16} {p.description}{'' if p.par_defaut else ' (sur demande)'}" for p in PARTIES.values())
