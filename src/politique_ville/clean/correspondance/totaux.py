"""Totaux de l'export rapprochés de ses lignes, et la table ``financements_programmation`` calculée.

Chaque ligne de total (``ligne_total``) par financeur (disposition longue : le financeur de la ligne ; large : chaque
colonne de financeur) et au total général (disposition longue : ligne de total sans financeur, ou dont le libellé
n'est pas un financeur, « Total », « Tous financeurs »… ; large : la ``colonne_total`` de la ligne de total), et la
``colonne_total`` de chaque action (en disposition longue, répétée sur ses lignes) face à la somme de ses
financeurs. Un total qui diffère n'est pas une erreur : c'est un écart, listé (:attr:`Resultat.ecarts`, avec les deux
montants), rappelé dans la note de la table ``financements_programmation`` (chapitre 20) et dans le journal du
nettoyage ; :func:`ecarts_des_financements` le relit dans ces notes.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.clean.correspondance.canon import FINANCEURS, LIBELLE_TOTAL_GENERAL, TOTAL_GENERAL
from politique_ville.clean.correspondance.montants import _verifier_montants, lire_montants, texte_montant
from politique_ville.formats import pourcent

COLONNES_ECARTS = ["financeur", "libelle", "total_fourni", "somme_actions", "ecart", "fichier", "ligne"]


def _ecarts(montants: pd.DataFrame, fournis: pd.DataFrame, nom: str) -> pd.DataFrame:
    lignes = []
    for code, montant, ligne in zip(fournis["code"], fournis["montant"], fournis["ligne"]):
        if code is None or pd.isna(code) or pd.isna(montant):
            continue
        if code == TOTAL_GENERAL:
            somme = float(montants.sum().sum())
        else:
            somme = float(montants[code].sum()) if code in montants.columns else 0.0
        if abs(somme - montant) > 0.5:
            lignes.append(
                {
                    "financeur": code,
                    "libelle": LIBELLE_TOTAL_GENERAL if code == TOTAL_GENERAL else FINANCEURS[code][0],
                    "total_fourni": float(montant),
                    "somme_actions": somme,
                    "ecart": float(montant) - somme,
                    "fichier": nom,
                    "ligne": int(ligne),
                }
            )
    return pd.DataFrame(lignes, columns=COLONNES_ECARTS)


def _colonne_total_long(col, brut, total, ids, montants, nom, err, ecarts):
    """Disposition longue : la colonne du total de l'action (répétée sur ses lignes ; la première valeur lue compte)
    face à la somme de ses financeurs, et, sur une ligne de total, face à la somme de toutes les actions."""
    texte = brut[col].fillna("").map(str)
    valeurs, illisibles = lire_montants(texte)
    _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
    act = ~total
    par_action = pd.DataFrame({"id": ids[act], "v": valeurs[act], "ligne": brut.loc[act, COLONNE_LIGNE]}).dropna(
        subset=["v"]
    )
    premieres = par_action.drop_duplicates("id").set_index("id")
    sommes = montants.sum(axis=1, min_count=1)
    lignes = []
    for i, r in premieres.iterrows():
        somme = float(sommes.get(i, np.nan)) if pd.notna(sommes.get(i, np.nan)) else 0.0
        if abs(somme - r["v"]) > 0.5:
            lignes.append(
                {
                    "financeur": TOTAL_GENERAL,
                    "libelle": f"Action {i} : total de l'action (colonne « {col} »)",
                    "total_fourni": float(r["v"]),
                    "somme_actions": somme,
                    "ecart": float(r["v"]) - somme,
                    "fichier": nom,
                    "ligne": int(r["ligne"]),
                }
            )
    generaux = pd.DataFrame({"code": TOTAL_GENERAL, "montant": valeurs[total], "ligne": brut.loc[total, COLONNE_LIGNE]})
    generaux = generaux.dropna(subset=["montant"]).drop_duplicates("montant")
    ecarts_generaux = _ecarts(montants, generaux, nom)
    deja = set(zip(ecarts["financeur"], ecarts["total_fourni"]))
    ecarts_generaux = ecarts_generaux[
        [k not in deja for k in zip(ecarts_generaux["financeur"], ecarts_generaux["total_fourni"])]
    ]
    morceaux = [e for e in (ecarts, ecarts_generaux, pd.DataFrame(lignes, columns=COLONNES_ECARTS)) if len(e)]
    sortie = pd.concat(morceaux, ignore_index=True) if morceaux else ecarts
    return sortie, len(premieres) + len(generaux)


#: Ce que la note de chaque ligne de ``financements_programmation`` dit quand la table est calculée à partir d'un
#: export (« … des actions de <fichier> (correspondance) ») : :func:`export_des_financements` le relit.
_NOTE_CALCULEE = re.compile(r"somme des montants (?:des actions|de tous les financeurs) de (.+?) \(correspondance\)")


def export_des_financements(financements: pd.DataFrame | None) -> str:
    """Le fichier de l'export dont la table ``financements_programmation`` est calculée (par :func:`appliquer`), ou
    chaîne vide si la table est celle d'un rapport publié (ou absente)."""
    if financements is None or "note" not in financements.columns:
        return ""
    for note in financements["note"].fillna("").astype(str):
        m = _NOTE_CALCULEE.search(note)
        if m:
            return m.group(1)
    return ""


_NOTE_ECART = re.compile(r"l'export donne un total (général )?de (-?[\d.]+) \(écart (-?[\d.]+)\)")
COLONNES_ECARTS_FINANCEMENTS = ["financeur", "total_export", "somme_actions", "ecart", "fichier"]


def ecarts_des_financements(financements: pd.DataFrame | None) -> pd.DataFrame:
    """Les totaux de l'export qui diffèrent de la somme de ses lignes, relus dans les notes de la table
    ``financements_programmation`` calculée (:func:`_financements`) : ``financeur`` (« Tous financeurs (total
    général) » pour le total général), ``total_export``, ``somme_actions``, ``ecart`` (export − actions), ``fichier``.
    Vide pour une table publiée ou sans écart."""
    fichier = export_des_financements(financements)
    lignes = []
    if fichier:
        for financeur, type_ligne, note in zip(
            financements["financeur"], financements["type_ligne"], financements["note"].fillna("").astype(str)
        ):
            m = _NOTE_ECART.search(note)
            if not m:
                continue
            fourni, ecart = float(m.group(2)), float(m.group(3))
            lignes.append(
                {
                    "financeur": LIBELLE_TOTAL_GENERAL if type_ligne == "total" else str(financeur),
                    "total_export": fourni,
                    "somme_actions": fourni - ecart,
                    "ecart": ecart,
                    "fichier": fichier,
                }
            )
    return pd.DataFrame(lignes, columns=COLONNES_ECARTS_FINANCEMENTS)


def _financements(montants: pd.DataFrame, ecarts: pd.DataFrame, nom: str) -> pd.DataFrame:
    """Table ``financements_programmation`` canonique : une ligne par financeur présent (somme des actions), puis
    la ligne de total. Un total fourni par l'export qui diffère est rappelé dans la note."""
    lignes = []
    generaux = ecarts[~ecarts["libelle"].str.startswith("Action ")] if len(ecarts) else ecarts
    ecart_de = dict(zip(generaux["financeur"], zip(generaux["total_fourni"], generaux["ecart"])))
    total = montants.sum(min_count=1).sum(min_count=1)
    for code in montants.columns:
        note = f"somme des montants des actions de {nom} (correspondance) ; part : montant ÷ montant total"
        if code in ecart_de:
            fourni, ecart = ecart_de[code]
            note += f" ; l'export donne un total de {texte_montant(fourni)} (écart {texte_montant(ecart)})"
        somme = montants[code].sum(min_count=1)
        part = pourcent(100 * somme / total) if total and pd.notna(somme) else ""
        lignes.append(
            {
                "type_ligne": "financeur",
                "financeur": FINANCEURS[code][0],
                "part": part,
                "montant": texte_montant(montants[code].sum(min_count=1)),
                "note": note,
            }
        )
    lignes.append(
        {
            "type_ligne": "total",
            "financeur": "Programmation (montant total)",
            "part": "",
            "montant": texte_montant(montants.sum(min_count=1).sum(min_count=1)),
            "note": f"somme des montants de tous les financeurs de {nom} (correspondance)"
            + (
                f" ; l'export donne un total général de {texte_montant(ecart_de[TOTAL_GENERAL][0])} (écart "
                f"{texte_montant(ecart_de[TOTAL_GENERAL][1])})"
                if TOTAL_GENERAL in ecart_de
                else ""
            ),
        }
    )
    df = pd.DataFrame(lignes, dtype=object)
    df[COLONNE_LIGNE] = np.arange(2, len(df) + 2, dtype="int64")  # lignes d'une table calculée, pas de l'export
    df.attrs["source"] = {"fichier": f"{nom} (financements calculés)"}
    return df
