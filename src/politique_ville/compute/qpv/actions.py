"""Les actions de la programmation situées dans un quartier (:func:`actions_du_quartier`, par ses
communes ; lignes indexées une fois pour toutes les fiches), les actions de périmètre intercommunal
(:func:`actions_intercommunales`) et la synthèse par thématique (:func:`synthese_actions`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from politique_ville.base import memo


def _provenance_montants(lg) -> str:
    """« reconstruit » si les trois montants ont la même provenance, sinon le détail par montant."""
    p = {
        "crédits spécifiques": lg.get("provenance_credits_specifiques"),
        "CGET": lg.get("provenance_cget"),
        "droit commun": lg.get("provenance_droit_commun"),
    }
    valeurs_ = {v for v in p.values() if isinstance(v, str) and v}
    if len(valeurs_) == 1:
        return valeurs_.pop()
    return " ; ".join(f"{k} : {v}" for k, v in p.items() if isinstance(v, str) and v)


def actions_du_quartier(
    programmation: pd.DataFrame, programmation_communes: pd.DataFrame, qpv_communes: pd.DataFrame, code_qp: str
) -> pd.DataFrame:
    """Actions de la programmation situées dans l'une des communes du quartier (un quartier sur plusieurs communes
    les prend toutes ; une action sur plusieurs communes est retenue si l'une d'elles est une commune du quartier).
    Les actions de périmètre intercommunal ne sont pas comptées ici (voir ``actions_intercommunales``).
    Colonnes : identifiant, intitulé, thématique, pilier, porteur, communes de l'action, communes du quartier
    concernées, montants et leur provenance.

    Tables marquées (:mod:`politique_ville.base.memo`) : les lignes de chaque commune et de chaque action sont indexées
    une fois pour toutes les fiches (:func:`_lignes_par_valeur`) ; mêmes lignes, même ordre qu'un filtrage."""
    communes = set(qpv_communes.loc[(qpv_communes["code_qp"] == code_qp) & ~qpv_communes["perimetre"], "commune"])
    pc = p = None
    if (
        memo.memorisable(programmation_communes)
        and memo.memorisable(programmation)
        and all(isinstance(c, str) for c in communes)
    ):
        pc, p = _actions_indexees(programmation, programmation_communes, communes)
    if pc is None:
        pc = programmation_communes[
            ~programmation_communes["perimetre"] & programmation_communes["commune"].isin(communes)
        ]
        concernees = pc.groupby("id_action")["commune"].agg(lambda s: ", ".join(sorted(set(s))))
        p = programmation[programmation["id_action"].isin(concernees.index)].copy()
    else:
        concernees = pc.groupby("id_action")["commune"].agg(lambda s: ", ".join(sorted(set(s))))
    p["communes_quartier"] = p["id_action"].map(concernees)
    provenances_ = [
        p[c].tolist() if c in p.columns else [None] * len(p)
        for c in ("provenance_credits_specifiques", "provenance_cget", "provenance_droit_commun")
    ]
    p["provenance_montants"] = [
        _provenance_montants(
            {"provenance_credits_specifiques": cs, "provenance_cget": cget, "provenance_droit_commun": dc}
        )
        for cs, cget, dc in zip(*provenances_)
    ]
    colonnes = [
        "id_action",
        "intitule",
        "pilier",
        "thematique",
        "porteur",
        "communes",
        "communes_quartier",
        "credits_specifiques",
        "cget",
        "droit_commun",
        "provenance_credits_specifiques",
        "provenance_cget",
        "provenance_droit_commun",
        "provenance_montants",
    ]
    return p[[c for c in colonnes if c in p.columns]].reset_index(drop=True)


def _actions_indexees(
    programmation: pd.DataFrame, programmation_communes: pd.DataFrame, communes: set
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(lignes hors périmètre de ``programmation_communes`` dans ``communes``, actions de la programmation qui en
    ont une), dans l'ordre des tables, par les index de :func:`_lignes_par_valeur` ; (None, None) si aucune ligne
    (le filtrage ordinaire rend alors les tables vides)."""
    par_commune = _lignes_par_valeur(programmation_communes, "commune", True)
    morceaux = [par_commune[c] for c in communes if c in par_commune]
    if not morceaux:
        return None, None
    pc = programmation_communes.iloc[np.unique(np.concatenate(morceaux))]
    par_action = _lignes_par_valeur(programmation, "id_action", False)
    morceaux = [par_action[a] for a in pd.unique(pc["id_action"].dropna()) if a in par_action]
    if not morceaux:
        return None, None
    return pc, programmation.iloc[np.unique(np.concatenate(morceaux))].copy()


@memo.une_fois(taille=4)
def _lignes_par_valeur(table: pd.DataFrame, colonne: str, hors_perimetre: bool):
    """valeur de ``colonne`` -> positions (triées, en lecture seule) des lignes de ``table`` qui l'ont (valeur
    manquante : aucune entrée) ; ``hors_perimetre`` : seulement les lignes dont ``perimetre`` est faux."""
    positions = np.arange(len(table))
    valeurs_ = table[colonne].to_numpy()
    if hors_perimetre:
        garder = (~table["perimetre"]).to_numpy(dtype=bool)
        positions, valeurs_ = positions[garder], valeurs_[garder]
    index = {}
    for valeur, pos in pd.Series(positions).groupby(valeurs_, sort=False).indices.items():
        t = positions[pos]
        t.flags.writeable = False
        index[valeur] = t
    return memo.lecture_seule(index)


@memo.une_fois
def actions_intercommunales(programmation: pd.DataFrame, programmation_communes: pd.DataFrame) -> pd.DataFrame:
    """Actions de périmètre intercommunal (pseudo-communes marquées ``perimetre`` dans ``programmation_communes`` :
    « Intercommunal »...), comptées par périmètre, avec leurs montants (sommes de montants reconstruits)."""
    pc = programmation_communes[programmation_communes["perimetre"]]
    p = pc[["id_action", "commune"]].drop_duplicates().merge(programmation, on="id_action", how="left")
    g = p.groupby("commune", sort=False).agg(
        actions=("id_action", "nunique"), credits_specifiques=("credits_specifiques", "sum"), cget=("cget", "sum")
    )
    return g.reset_index().rename(columns={"commune": "perimetre"})


def synthese_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions d'un quartier par thématique : nombre et montants (sommes de montants reconstruits)."""
    if actions.empty:
        return pd.DataFrame(columns=["pilier", "thematique", "actions", "credits_specifiques", "cget"])
    return (
        actions.groupby(["pilier", "thematique"], sort=False)
        .agg(actions=("id_action", "size"), credits_specifiques=("credits_specifiques", "sum"), cget=("cget", "sum"))
        .reset_index()
    )
