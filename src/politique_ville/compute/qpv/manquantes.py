"""Valeurs absentes et provenance des valeurs par quartier : motif d'une case vide et sa marque
(« secret », « n.d. » : jamais 0), valeurs secrètes et leur décompte, provenance de chaque valeur de ``insee_qpv``
(« publié », « reçu », « reconstruit »…)."""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.base import memo

from .commun import MOTIF_NON_DISPONIBLE, MOTIF_SECRET, NON_DISPONIBLE, PUBLIE, RECU, SECRET, _qpv, nom_quartier
from .metadonnees import INDICATEURS, indicateurs


def motifs(manquantes: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(code_qp, variable) -> motif de la case vide (« secret statistique », « non disponible »)."""
    if manquantes is None or manquantes.empty:
        return {}
    return {(c, v): m for c, v, m in zip(manquantes["code_qp"], manquantes["variable"], manquantes["motif"])}


def marque_manquante(motif: str | None) -> str:
    """« secret » pour le secret statistique (et pour une case vide sans motif : convention INSEE), « n.d. » pour
    un quartier que l'INSEE ne couvre pas."""
    return NON_DISPONIBLE if motif == MOTIF_NON_DISPONIBLE else SECRET


class Provenances(dict):
    """(code_qp, variable) -> provenance des valeurs listées ; ``defaut`` : celle de toute autre valeur."""

    defaut: str = PUBLIE


def provenances(provenance: pd.DataFrame | None) -> Provenances:
    """(code_qp, variable) -> provenance de la valeur (« reconstruit », « approximatif »...) pour ``insee_qpv``.

    Valeur non listée (``defaut``) : « publié » quand l'année a un fichier de provenance (``insee_provenance`` :
    transcription d'un rapport publié, qui liste ce qui n'est PAS publié) ; sinon « reçu » : la valeur est lue telle
    quelle dans le fichier reçu de l'INSEE (``insee_qpv``), ni publiée par un rapport, ni reconstruite."""
    sortie = Provenances()
    sortie.defaut = RECU if provenance is None else PUBLIE
    if provenance is None or provenance.empty:
        return sortie
    p = provenance[provenance["fichier"].str.startswith("insee_qpv")]
    sortie.update({(c, v): x for c, v, x in zip(p["cle"], p["variable"], p["provenance"])})
    return sortie


def provenance_valeur(prov: dict, code_qp: str, variable: str, valeur) -> str:
    """Provenance d'une valeur par quartier : celle du fichier de provenance, sinon celle par défaut
    (:func:`provenances` : « publié » ou « reçu ») ; une case vide sans ligne de provenance est un secret
    statistique."""
    if (code_qp, variable) in prov:
        return prov[(code_qp, variable)]
    if valeur is None or valeur is pd.NA or (isinstance(valeur, float) and math.isnan(valeur)):
        return MOTIF_SECRET
    return getattr(prov, "defaut", PUBLIE)


def resume_manquantes(qpv: pd.DataFrame, manquantes: pd.DataFrame | None) -> pd.DataFrame:
    """Nombre de cases vides par motif et par type de quartier (indicateurs du chapitre seulement)."""
    codes = {i.code for i in INDICATEURS}
    if manquantes is None or manquantes.empty:
        return pd.DataFrame(columns=["type_quartier", "motif", "cases", "quartiers"])
    m = manquantes[manquantes["variable"].isin(codes)].merge(qpv[["code_qp", "type_quartier"]], on="code_qp")
    return (
        m.groupby(["type_quartier", "motif"])
        .agg(cases=("variable", "size"), quartiers=("code_qp", "nunique"))
        .reset_index()
    )


def valeurs_secretes(qpv: pd.DataFrame, manquantes: pd.DataFrame | None) -> pd.DataFrame:
    """Les valeurs des QPV couvertes par le secret statistique (ou vides sans motif, même convention)."""
    mot = motifs(manquantes)
    lignes = []
    for _, lg in _qpv(qpv).iterrows():
        for i in indicateurs(qpv=qpv):
            if pd.isna(lg[i.code]) and mot.get((lg["code_qp"], i.code), MOTIF_SECRET) == MOTIF_SECRET:
                lignes.append(
                    {
                        "code_qp": lg["code_qp"],
                        "quartier": nom_quartier(lg["code_qp"], lg["nom_qp"]),
                        "variable": i.code,
                        "indicateur": i.libelle,
                        "motif": MOTIF_SECRET,
                    }
                )
    return pd.DataFrame(lignes, columns=["code_qp", "quartier", "variable", "indicateur", "motif"])


def avec_marques(valeurs: pd.Series, codes_qp, variable: str, mot: dict) -> pd.Series:
    """Valeurs numériques gardées telles quelles ; case vide remplacée par « secret » ou « n.d. » (jamais 0)."""
    sortie = []
    for v, c in zip(valeurs, codes_qp):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            sortie.append(marque_manquante(mot.get((c, variable))))
        else:
            sortie.append(float(v))
    return pd.Series(sortie, index=valeurs.index, dtype="object")


@memo.une_fois
def a_des_valeurs_reconstruites(provenance: pd.DataFrame | None) -> bool:
    """Des valeurs par quartier de ``insee_qpv`` sont-elles reconstruites (transcription d'un rapport publié) ?"""
    return provenance is not None and bool(
        (provenance["fichier"].str.startswith("insee_qpv") & (provenance["provenance"] == "reconstruit")).any()
    )
