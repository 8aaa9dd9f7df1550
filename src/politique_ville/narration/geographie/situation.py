"""La situation socio-économique, rubrique par rubrique : les rubriques montrées, dans l'ordre du chapitre
(:func:`rubriques`), et la ligne des rubriques sans indicateur dans le fichier (:func:`rubriques_absentes`)."""

from __future__ import annotations

from dataclasses import dataclass

from politique_ville.compute import qpv as cq

from .activite import economie, emploi
from .briques import (
    _connu,
    _liste,
)
from .constats import _REP, RUBRIQUES
from .faits import Faits
from .habitants import (
    demographie,
    education,
    menages,
)
from .ressources import revenus, social


@dataclass(frozen=True)
class Rubrique:
    """Une rubrique montrée : son titre, ses paragraphes, les indicateurs de taux dont le chapitre montre le tableau
    par QPV et la figure."""

    titre: str
    paragraphes: list[str]
    indicateurs: list[str]


def rubriques(f: Faits) -> list[Rubrique]:
    """Les rubriques qui ont au moins un indicateur dans le fichier de l'année, dans l'ordre du chapitre."""
    fonctions = {
        "Démographie": demographie,
        "Structure des ménages": menages,
        "Éducation": education,
        "Emploi": emploi,
        "Économie": economie,
        "Revenus": revenus,
        "Situation sociale": social,
    }
    return [
        Rubrique(titre, fonctions[titre](f), [c for c in presents if cq.indicateur(c).genre == "taux"])
        for titre, presents in _rubriques_montrees(f)
    ]


def _rubriques_montrees(f: Faits) -> list[tuple[str, list[str]]]:
    """Les rubriques montrées et leurs indicateurs présents dans le fichier : celles qui en ont au moins un (ou, pour
    l'éducation, une valeur de l'agglomération sur l'éducation prioritaire), sans en écrire les paragraphes."""
    sortie = []
    for titre, codes in RUBRIQUES.items():
        presents = [c for c in codes if c in f.qpv.columns]
        rep = titre == "Éducation" and any(_connu(cq.valeur_reference(f.refs, cq.NIVEAU_AGGLO, c)) for c in _REP)
        if presents or rep:
            sortie.append((titre, presents))
    return sortie


def rubriques_absentes(f: Faits) -> str:
    """Une ligne pour les rubriques dont aucun indicateur n'est dans le fichier (« » s'il n'y en a pas) : elles
    ne sont pas montrées, indicateur par indicateur."""
    montrees = {titre for titre, _ in _rubriques_montrees(f)}
    absentes = [t for t in RUBRIQUES if t not in montrees]
    if not absentes:
        return ""
    return (
        f"*{'Rubrique' if len(absentes) == 1 else 'Rubriques'} sans indicateur dans le fichier de l'INSEE de "
        f"{f.annee} : {_liste(absentes).lower()}. Tous les indicateurs que le fichier contient sont montrés plus bas, "
        f"par thème.*"
    )
