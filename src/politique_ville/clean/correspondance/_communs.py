"""Outils partagés par les modules de la correspondance : libellés proches, erreurs rassemblées, fichier d'une table,
fonction appliquée une fois par valeur, lignes de total, financeur reconnu."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import pandas as pd

from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance.canon import FINANCEURS, LIBELLES_TOTAL_GENERAL
from politique_ville.clean.nettoyage import ErreursNettoyage, cle

if TYPE_CHECKING:
    from politique_ville.clean.correspondance.declaration import Correspondance


def _proches(mot: str, possibles, n: int = 3) -> str:
    proches = difflib.get_close_matches(str(mot), list(possibles), n=n, cutoff=0.5)
    return f" ; les plus proches : {', '.join(proches)}" if proches else ""


class _Erreurs:
    def __init__(self):
        self.liste: list[ErreurDonnees] = []

    def __call__(self, message, fichier=None, ligne=None, colonne=None):
        self.liste.append(ErreurDonnees(message, fichier=fichier, ligne=ligne, colonne=colonne))

    def lever(self):
        if self.liste:
            raise ErreursNettoyage(self.liste)


def _fichier(brut: pd.DataFrame, defaut: str) -> str:
    return brut.attrs.get("source", {}).get("fichier", defaut)


def par_valeur(serie: pd.Series, fonction) -> pd.Series:
    """``serie.map(fonction)``, mais ``fonction`` n'est appelée qu'une fois par valeur distincte (les mêmes libellés,
    noms et numéros reviennent à chaque ligne d'un export)."""
    valeurs = pd.unique(serie)
    return serie.map(dict(zip(valeurs, map(fonction, valeurs))))


def _masque_total(corr: Correspondance, brut: pd.DataFrame) -> pd.Series:
    if corr.ligne_total is None or corr.ligne_total[0] not in brut.columns:
        return pd.Series(False, index=brut.index)
    col, val = corr.ligne_total
    return par_valeur(brut[col], lambda v: cle(str(v)) == cle(val)).astype(bool)


def _est_total_general(texte) -> bool:
    """Vrai si un libellé de financeur d'une ligne de total désigne le total général (vide, « Total », « Tous
    financeurs »…)."""
    return cle(str(texte)) in {cle(t) for t in LIBELLES_TOTAL_GENERAL}


def _premieres_lignes(valeurs: pd.Series, lignes: pd.Series) -> dict:
    """Première ligne du fichier où apparaît chaque valeur (sans boucle sur les lignes)."""
    prem = pd.DataFrame({"v": valeurs.to_numpy(), "l": lignes.to_numpy()}).drop_duplicates("v")
    return dict(zip(prem["v"], prem["l"]))


def _resoudre_financeur(corr: Correspondance, texte: str) -> str | None:
    """Code canonique d'un nom de financeur : déclaré dans la correspondance, sinon code, libellé ou variante de
    :data:`FINANCEURS` (casse, accents, tirets ignorés)."""
    k = cle(texte)
    for code, noms in corr.financeurs.items():
        if any(cle(n) == k for n in noms):
            return code
    for code, (libelle, _, variantes) in FINANCEURS.items():
        if k in {cle(code), cle(libelle), *(cle(v) for v in variantes)}:
            return code
    return None
