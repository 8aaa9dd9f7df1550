"""Évaluer une expression du langage de recalcul sur des tables, en notant les lignes (``ligne_source``) utilisées."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurCalcul
from politique_ville.base.valeurs import ValeurIllisible, lire_nombre
from politique_ville.published.chiffres.langage import Appel, _appel, _lire, _verifier


@dataclass
class Resultat:
    valeur: float
    #: lignes utilisées : {table: [ligne_source, ...]}
    sources: dict[str, list[int]] = field(default_factory=dict)


def evaluer(expression: str, tables: Callable[[str], pd.DataFrame]) -> Resultat:
    """Évalue une expression de recalcul sur ``tables(nom) -> DataFrame`` ; lève :class:`ErreurCalcul` (message en
    français) si elle est invalide ou inévaluable."""
    arbre = _lire(expression)
    _verifier(arbre, expression)  # tout refus avant toute lecture de table
    sources: dict[str, set[int]] = {}
    v = _eval(arbre, tables, sources, expression)
    return Resultat(float(v), {t: sorted(lignes) for t, lignes in sources.items()})


def _eval(noeud, tables, sources, expression):
    if isinstance(noeud, ast.Constant):
        return float(noeud.value)
    if isinstance(noeud, ast.UnaryOp):
        v = _eval(noeud.operand, tables, sources, expression)
        return -v if isinstance(noeud.op, ast.USub) else v
    if isinstance(noeud, ast.BinOp):
        a = _eval(noeud.left, tables, sources, expression)
        b = _eval(noeud.right, tables, sources, expression)
        if isinstance(noeud.op, ast.Add):
            return a + b
        if isinstance(noeud.op, ast.Sub):
            return a - b
        if isinstance(noeud.op, ast.Mult):
            return a * b
        if b == 0:
            raise ErreurCalcul(f"division par zéro dans « {expression} »")
        return a / b
    return _agreger(_appel(noeud, expression), tables, sources, expression)


def _nombres(df: pd.DataFrame, colonne: str, table: str, expression: str) -> pd.Series:
    if colonne not in df.columns:
        raise ErreurCalcul(f"colonne « {colonne} » absente de la table « {table} » (expression « {expression} »)")
    serie = df[colonne]
    if pd.api.types.is_numeric_dtype(serie):
        return serie.astype(float)
    valeurs = []
    for idx, v in serie.items():
        try:
            valeurs.append(lire_nombre(v))
        except ValeurIllisible as exc:
            ligne = df.loc[idx, COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else idx
            raise ErreurCalcul(f"table « {table} », ligne {ligne}, colonne « {colonne} » : {exc}") from None
    return pd.Series(valeurs, index=serie.index, dtype="float64")


def _filtrer(df: pd.DataFrame, filtres: dict, table: str, expression: str) -> pd.DataFrame:
    masque = pd.Series(True, index=df.index)
    for col, attendu in filtres.items():
        if col not in df.columns:
            raise ErreurCalcul(
                f"colonne de filtre « {col} » absente de la table « {table} » (expression « {expression} »)"
            )
        texte = df[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
        if isinstance(attendu, list):
            masque &= texte.isin([str(a) for a in attendu])
        else:
            masque &= texte == str(attendu)
    return df[masque]


def _agreger(a: Appel, tables, sources, expression):
    try:
        df = tables(a.table)
    except Exception as exc:
        raise ErreurCalcul(f"table « {a.table} » indisponible : {exc}") from None
    sel = _filtrer(df, a.filtres, a.table, expression)
    if COLONNE_LIGNE in sel.columns:
        sources.setdefault(a.table, set()).update(int(x) for x in sel[COLONNE_LIGNE])
    if a.fonction == "nombre":
        return float(len(sel))
    if a.fonction == "distinct":
        if a.colonne not in sel.columns:
            raise ErreurCalcul(
                f"colonne « {a.colonne} » absente de la table « {a.table} » (expression « {expression} »)"
            )
        s = sel[a.colonne].dropna().map(lambda v: str(v).strip())
        return float(s[s != ""].nunique())
    x = _nombres(sel, a.colonne, a.table, expression)
    if a.fonction == "somme":
        if len(x) and x.isna().all():  # comme les chapitres : une somme de valeurs toutes manquantes n'est pas 0
            raise ErreurCalcul(f"aucune valeur disponible : toutes les valeurs sont manquantes (« {expression} »)")
        return float(x.sum(skipna=True))
    if a.fonction == "valeur":
        if len(sel) != 1:
            raise ErreurCalcul(f"valeur() attend exactement une ligne, {len(sel)} trouvée(s) (« {expression} »)")
        if math.isnan(x.iloc[0]):
            raise ErreurCalcul(f"valeur manquante (« {expression} »)")
        return float(x.iloc[0])
    x = x.dropna()
    if x.empty:
        raise ErreurCalcul(f"aucune valeur disponible (« {expression} »)")
    if a.fonction == "moyenne":
        return float(x.mean())
    if a.fonction == "maximum":
        return float(x.max())
    if a.fonction == "minimum":
        return float(x.min())
    w = _nombres(sel.loc[x.index], a.poids, a.table, expression)  # moyenne_ponderee
    if w.isna().any() or w.sum() == 0:
        raise ErreurCalcul(f"poids manquants ou nuls (« {expression} »)")
    return float((x * w).sum() / w.sum())
