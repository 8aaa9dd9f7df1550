"""Montants de l'export : lus en bloc (texte -> nombre, illisibles relevés), écrits pour la table brute, vérifiés
(illisible, négatif)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import ValeurIllisible, lire_nombre

if TYPE_CHECKING:
    from politique_ville.clean.correspondance._communs import _Erreurs

_MONTANT_SIMPLE = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")
_A_RETIRER = re.compile(r"[\s\u00a0\u202f\u2009€]")


def lire_montants(serie: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Montants d'une colonne de texte, lus comme :func:`clean.lire_nombre` (genre « montant ») mais sans boucle
    Python sur les lignes : les écritures simples (« 12 345 », « 1500,50 € ») sont converties en bloc, les autres
    (« 53.387 € », « - », « n.c. ») une fois par valeur distincte. Renvoie (valeurs, ``{texte illisible: raison}``) ;
    manquant = NaN, jamais 0."""
    texte = serie.astype(object).where(serie.notna(), "").map(str) if serie.dtype != object else serie.fillna("")
    net = texte.str.replace(_A_RETIRER, "", regex=True)
    simple = net.str.fullmatch(_MONTANT_SIMPLE).fillna(False).astype(bool)
    valeurs = pd.to_numeric(net.where(simple).str.replace(",", ".", regex=False), errors="coerce")
    reste = ~simple & (net != "")
    illisibles: dict[str, str] = {}
    if reste.any():
        lus = {}
        for v in pd.unique(texte[reste]):
            try:
                lus[v] = lire_nombre(v, "montant")
            except ValeurIllisible as exc:
                lus[v] = np.nan
                illisibles[v] = str(exc)
        valeurs = valeurs.where(~reste, texte[reste].map(lus))
    return valeurs.astype("float64"), illisibles


def texte_montant(x: float) -> str:
    """Un montant calculé, écrit pour la table brute : « 1234 », « 1234.50 » (deux décimales, jamais trois : le
    nettoyage lirait « 1.234 » comme 1 234) ; vide si manquant."""
    if x is None or pd.isna(x):
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}"


def textes_montants(serie: pd.Series) -> pd.Series:
    """:func:`texte_montant` appliqué à toute une colonne, sans boucle sur les montants entiers."""
    v = pd.to_numeric(serie, errors="coerce").to_numpy(dtype="float64")
    sortie = np.full(len(v), "", dtype=object)
    connus = ~np.isnan(v)
    entiers = connus & (v == np.floor(v))
    sortie[entiers] = v[entiers].astype(np.int64).astype(str)
    autres = connus & ~entiers
    sortie[autres] = [f"{x:.2f}" for x in v[autres]]
    return pd.Series(sortie, index=serie.index, dtype=object)


def _verifier_montants(
    valeurs: pd.Series, illisibles: dict, texte: pd.Series, lignes: pd.Series, nom: str, col: str, err: _Erreurs
):
    if illisibles:
        fautifs = texte.isin(list(illisibles))
        for t, ligne in zip(texte[fautifs], lignes[fautifs]):
            err(
                f"montant illisible : {illisibles[t]} (attendu : montant en euros)",
                fichier=nom,
                ligne=int(ligne),
                colonne=col,
            )
    negatifs = valeurs < 0
    for t, ligne in zip(texte[negatifs], lignes[negatifs]):
        err(
            f"montant négatif ({t}) : un montant accordé ne peut pas être négatif",
            fichier=nom,
            ligne=int(ligne),
            colonne=col,
        )
