"""Sections 2.1 et 2.3 : le Fonds de Cohésion Sociale tel que cité (:func:`fonds_cohesion_sociale`) ; les fonds de
concours, leur règle lue dans le texte du rapport (:func:`regle_fonds_concours`), vérifiée ligne par ligne
(:func:`controle_fonds_concours`), et leurs totaux (:func:`totaux_fonds_concours`)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import ValeurIllisible, arrondi_publie, lire_nombre

from .commun import (
    _part,
    _somme,
)

# --------------------------------------------------------------------------------------------- 2.1 / 2.3 FCS


def fonds_cohesion_sociale(fcs: pd.DataFrame) -> pd.DataFrame:
    """Le Fonds de Cohésion Sociale tel que cité (sections 2.1 et 2.3), avec un contrôle : les montants cités pour une
    même année sont-ils identiques ?

    Colonnes : ``section``, ``annee``, ``objet``, ``montant``, ``nombre_volets``, ``regle``, ``montants_concordent``."""
    sortie = fcs[["section", "annee", "objet", "montant", "nombre_volets", "regle"]].copy().reset_index(drop=True)
    sortie["montant"] = pd.to_numeric(sortie["montant"], errors="coerce")
    sortie["montants_concordent"] = sortie.groupby("annee")["montant"].transform(
        lambda s: s.notna().all() and s.nunique() == 1
    )
    return sortie


# --------------------------------------------------------------------------------------------- 2.3 fonds de concours


def regle_fonds_concours(texte: str) -> tuple[float, float]:
    """Lit la règle d'un fonds de concours écrite comme le rapport l'écrit (« 40% des dépenses éligibles avec un
    montant de fonds de concours plafonné à 70.000 € ») : (taux en %, plafond en €). ``(nan, nan)`` si la règle ne
    donne pas de taux ; plafond ``nan`` si elle n'en donne pas."""
    t = str(texte or "")
    m_taux = re.search(r"(\d+(?:[.,]\d+)?)\s*%\s*des\s+dépenses", t, flags=re.IGNORECASE)
    if not m_taux:
        return math.nan, math.nan
    taux = float(m_taux.group(1).replace(",", "."))
    plafond = math.nan
    m_plaf = re.search(r"plafonn\w*\s+à\s+([\d\s.\u00a0\u202f]+)\s*(?:€|euros?)", t, flags=re.IGNORECASE)
    if m_plaf:
        try:
            plafond = lire_nombre(m_plaf.group(1).strip() + " €", "montant")
        except ValeurIllisible:
            plafond = math.nan
    return taux, plafond


def controle_fonds_concours(fonds_concours: pd.DataFrame) -> pd.DataFrame:
    """Chaque opération aidée, et la règle de son tableau vérifiée ligne par ligne : fonds de concours attendu =
    taux × montant de l'opération, arrondi à l'euro, dans la limite du plafond. Le rapport donne le « montant
    opération » alors que la règle porte sur les dépenses éligibles : une ligne conforme a exactement le montant
    attendu ; une ligne sans règle chiffrée (fonds « classique » majoré) n'est pas contrôlée (``conforme`` manquant).

    Colonnes : ``tableau``, ``commune``, ``projet``, ``montant_operation``, ``montant_fdc``, ``part_operation`` (%),
    ``taux``, ``plafond``, ``fdc_regle``, ``plafond_atteint``, ``ecart_regle``, ``conforme``, ``ligne_source``."""
    f = fonds_concours[~fonds_concours["est_total"].astype(bool)].copy().reset_index(drop=True)
    regles = f["regle_tableau"].map(regle_fonds_concours)
    f["taux"] = [r[0] for r in regles]
    f["plafond"] = [r[1] for r in regles]
    op = pd.to_numeric(f["montant_operation"], errors="coerce")
    fdc = pd.to_numeric(f["montant_fdc"], errors="coerce")
    brut = op * f["taux"] / 100
    arrondi = brut.map(lambda v: arrondi_publie(v, 0) if pd.notna(v) else math.nan)
    f["fdc_regle"] = np.where(f["plafond"].notna(), np.fmin(arrondi, f["plafond"]), arrondi)
    f["fdc_regle"] = f["fdc_regle"].astype(float)
    f["plafond_atteint"] = (f["plafond"].notna() & (arrondi >= f["plafond"])).where(f["fdc_regle"].notna())
    f["ecart_regle"] = fdc - f["fdc_regle"]
    f["conforme"] = (f["ecart_regle"].abs() < 0.5).where(f["ecart_regle"].notna()).astype("boolean")
    f["part_operation"] = [_part(a, b) for a, b in zip(fdc, op)]
    return f[
        [
            "tableau",
            "commune",
            "projet",
            "montant_operation",
            "montant_fdc",
            "part_operation",
            "taux",
            "plafond",
            "fdc_regle",
            "plafond_atteint",
            "ecart_regle",
            "conforme",
            "ligne_source",
        ]
    ]


def totaux_fonds_concours(fonds_concours: pd.DataFrame) -> pd.DataFrame:
    """Par tableau de fonds de concours : somme des opérations (lignes de total exclues) et total imprimé.

    Colonnes : ``tableau``, ``operations``, ``communes``, ``montant_operations``, ``somme_fdc``, ``total_imprime``,
    ``ecart``, ``total_verifie``."""
    lignes = []
    for tableau, g in fonds_concours.groupby("tableau", sort=False):
        est_total = g["est_total"].astype(bool)
        detail, totaux = g[~est_total], g[est_total]
        imprime = _somme(totaux["montant_fdc"]) if len(totaux) else math.nan
        somme = _somme(detail["montant_fdc"])
        lignes.append(
            {
                "tableau": tableau,
                "operations": int(len(detail)),
                "communes": int(detail["commune"].nunique()),
                "montant_operations": _somme(detail["montant_operation"]),
                "somme_fdc": somme,
                "total_imprime": imprime,
                "ecart": somme - imprime,
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["total_verifie"] = sortie["ecart"].abs() < 0.5
    return sortie
