"""Présentation : formats français des nombres, tableaux HTML échappés."""

from __future__ import annotations

import html
import math

import pandas as pd

ESPACE_MILLIERS = "\u202f"   # espace fine insécable, comme l'INSEE
ESPACE_UNITE = "\u00a0"      # espace insécable avant l'unité


def nombre_fr(valeur, decimales: int = 0) -> str:
    """1712989 -> « 1 712 989 » ; 35.25, 1 -> « 35,3 » ; manquant -> « — »."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) or valeur is pd.NA:
        return "—"
    from .clean import arrondi_publie
    v = arrondi_publie(float(valeur), decimales)
    signe = "−" if v < 0 else ""
    entier, _, frac = f"{abs(v):.{decimales}f}".partition(".")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    texte = ESPACE_MILLIERS.join(groupes)
    return signe + texte + ("," + frac if decimales else "")


def euros(valeur, decimales: int = 0) -> str:
    """« 1 712 989 € »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "€"


def pourcent(valeur, decimales: int = 1) -> str:
    """« 35,3 % »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "%"


def avec_unite(valeur, unite: str, decimales: int | None = None) -> str:
    """Formate une valeur selon son unité (« € », « % », « projets »…)."""
    if decimales is None:
        decimales = 0 if valeur is None or (isinstance(valeur, float) and (math.isnan(valeur) or float(valeur).is_integer())) else 1
    if unite == "€":
        return euros(valeur, decimales)
    if unite == "%":
        return pourcent(valeur, decimales)
    t = nombre_fr(valeur, decimales)
    return t if t == "—" or not unite else f"{t}{ESPACE_UNITE}{unite}"


def tableau_html(df: pd.DataFrame, formats: dict | None = None, droite: list[str] | tuple = (),
                 classes: str = "tableau") -> str:
    """Tableau HTML dont chaque cellule est échappée (un intitulé « <script> » s'affiche comme du texte).

    ``formats`` : fonction de mise en forme par colonne (ces colonnes sont alignées à droite, comme ``droite``)."""
    formats = formats or {}
    a_droite = set(formats) | set(droite)

    def style(c):
        return "text-align:right" if c in a_droite else "text-align:left"

    entete = "".join(f'<th style="{style(c)}">{html.escape(str(c))}</th>' for c in df.columns)
    lignes = []
    for _, ligne in df.iterrows():
        cellules = []
        for c in df.columns:
            v = ligne[c]
            texte = formats[c](v) if c in formats else ("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
            cellules.append(f'<td style="{style(c)}">{html.escape(texte)}</td>')
        lignes.append("<tr>" + "".join(cellules) + "</tr>")
    return (f'<table class="{html.escape(classes)}"><thead><tr>{entete}</tr></thead><tbody>'
            + "".join(lignes) + "</tbody></table>")
