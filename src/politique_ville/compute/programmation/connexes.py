"""Section 2.4, programmes connexes : ITI et FEDER (:func:`projets_iti`, :func:`synthese_iti`), conventions
d'abattement de TFPB par quartier et par bailleur (:func:`tfpb_par_quartier`, :func:`tfpb_par_bailleur`),
enveloppes du NPNRU (:func:`npnru_enveloppes`)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from politique_ville.clean.nettoyage import cle

from .commun import (
    PROVENANCE_PUBLIE,
    _part,
    _somme,
)

# --------------------------------------------------------------------------------------------- 2.4 ITI


def projets_iti(iti_feder: pd.DataFrame) -> pd.DataFrame:
    """Projets ITI (lignes de total exclues), dans l'ordre du rapport, avec la provenance du montant FEDER par
    projet (le rapport ne publie que le total).

    Colonnes : ``axe``, ``intitule_axe``, ``porteur``, ``projet``, ``commune``, ``logements``, ``montant_feder``,
    ``provenance_feder``."""
    p = iti_feder[~iti_feder["est_total"].astype(bool)].copy().reset_index(drop=True)
    p["montant_feder"] = pd.to_numeric(p["montant_feder"], errors="coerce")
    p["provenance_feder"] = np.where(p["montant_feder"].notna(), PROVENANCE_PUBLIE, "non publié (total seulement)")
    return p[["axe", "intitule_axe", "porteur", "projet", "commune", "logements", "montant_feder", "provenance_feder"]]


def synthese_iti(iti_feder: pd.DataFrame) -> pd.DataFrame:
    """ITI : projets déposés, projets par axe, logements concernés, FEDER mobilisé (total publié) et contrôle.

    Une ligne par axe puis une ligne « Ensemble ». Colonnes : ``axe``, ``intitule_axe``, ``projets``, ``logements``,
    ``feder_par_projet_publie`` (somme des montants par projet publiés, manquante s'il n'y en a pas),
    ``feder_total_publie``."""
    p = projets_iti(iti_feder)
    totaux = iti_feder[iti_feder["est_total"].astype(bool)]
    total_feder = _somme(totaux["montant_feder"]) if len(totaux) else math.nan
    lignes = []
    for (axe, intitule), g in p.groupby(["axe", "intitule_axe"], sort=False):
        lignes.append(
            {
                "axe": axe,
                "intitule_axe": intitule,
                "projets": int(len(g)),
                "logements": _somme(g["logements"]),
                "feder_par_projet_publie": _somme(g["montant_feder"]),
                "feder_total_publie": math.nan,
            }
        )
    lignes.append(
        {
            "axe": "Ensemble",
            "intitule_axe": "",
            "projets": int(len(p)),
            "logements": _somme(p["logements"]),
            "feder_par_projet_publie": _somme(p["montant_feder"]),
            "feder_total_publie": total_feder,
        }
    )
    return pd.DataFrame(lignes)


# --------------------------------------------------------------------------------------------- 2.4 TFPB


def _cle_quartier(texte: str) -> str:
    """Clé de rapprochement des noms de quartier des conventions TFPB (casse, accents, tirets, « / » et « – »)."""
    t = str(texte).replace("–", " ").replace("—", " ").replace("/", " ")
    return re.sub(r"\s+", " ", cle(t)).strip()


def _tfpb_preparee(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Conventions TFPB avec la clé de quartier rapprochée (``_cle``), calculée une fois par graphie distincte."""
    t = tfpb.copy()
    graphies = pd.unique(t["quartier"])
    cles = dict(zip(graphies, (_cle_quartier(q) for q in graphies)))
    t["_cle"] = t["quartier"].map(cles)
    return t


def tfpb_par_quartier(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Conventions et avenants d'abattement de TFPB : une ligne par quartier (noms rapprochés sans tenir compte de la
    casse ni des tirets), une colonne par bailleur (« avenant (période) », « convention (période) », vide), les
    communes et les graphies du rapport.

    Colonnes : ``quartier``, ``communes``, une colonne par bailleur (ordre du rapport), ``actes``, ``graphies``."""
    t = _tfpb_preparee(tfpb)
    bailleurs = list(dict.fromkeys(t["bailleur"]))
    t["_acte"] = [f"{a} ({p})" for a, p in zip(t["type_acte"], t["periode"])]
    t["_graphie"] = [str(q) for q in t["quartier"]]
    # première ligne de chaque quartier rapproché (ordre du rapport) : nom et communes affichés
    premiers = t.drop_duplicates("_cle", keep="first").set_index("_cle")
    ordre = premiers.index
    sortie = pd.DataFrame(
        {
            "quartier": premiers["quartier"].to_numpy(dtype=object),
            "communes": premiers["communes"].to_numpy(dtype=object),
        },
        index=ordre,
    )
    # actes de chaque bailleur dans chaque quartier, sans répétition, dans l'ordre du rapport
    actes = (
        t.drop_duplicates(["_cle", "bailleur", "_acte"])
        .groupby(["_cle", "bailleur"], sort=False)["_acte"]
        .agg(", ".join)
    )
    par_bailleur = actes.unstack("bailleur") if len(actes) else pd.DataFrame(index=ordre)
    for b in bailleurs:
        colonne = par_bailleur[b] if b in par_bailleur.columns else pd.Series(dtype=object)
        sortie[b] = colonne.reindex(ordre).fillna("").to_numpy(dtype=object)
    sortie["actes"] = t.groupby("_cle", sort=False).size().reindex(ordre).astype(int).to_numpy()
    sortie["graphies"] = (
        t.drop_duplicates(["_cle", "_graphie"])
        .groupby("_cle", sort=False)["_graphie"]
        .agg(" | ".join)
        .reindex(ordre)
        .to_numpy(dtype=object)
    )
    sortie = sortie.reset_index(drop=True)
    sortie["_tri"] = sortie["communes"].astype(str).map(cle) + " " + sortie["quartier"].astype(str).map(cle)
    return sortie.sort_values("_tri").drop(columns="_tri").reset_index(drop=True)


def tfpb_par_bailleur(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Par bailleur : avenants, conventions, total des actes, quartiers (rapprochés) et communes couverts.

    Colonnes : ``bailleur``, ``avenants``, ``conventions``, ``actes``, ``quartiers``, ``communes``. Une ligne
    « Ensemble » termine la table."""
    t = _tfpb_preparee(tfpb)
    t["_avenant"] = (t["type_acte"] == "avenant").fillna(False).astype(int)
    t["_convention"] = (t["type_acte"] == "convention").fillna(False).astype(int)
    communes = t[["bailleur"]].assign(_commune=t["communes"].astype(str).str.split(r"\s*,\s*")).explode("_commune")
    communes = communes[communes["_commune"].notna() & (communes["_commune"] != "")]
    g = t.groupby("bailleur", sort=False)
    par = pd.DataFrame(
        {
            "avenants": g["_avenant"].sum(),
            "conventions": g["_convention"].sum(),
            "actes": g.size(),
            "quartiers": g["_cle"].nunique(),
        }
    )
    par["communes"] = communes.groupby("bailleur", sort=False)["_commune"].nunique().reindex(par.index).fillna(0)
    ensemble = pd.DataFrame(
        {
            "avenants": [t["_avenant"].sum()],
            "conventions": [t["_convention"].sum()],
            "actes": [len(t)],
            "quartiers": [t["_cle"].nunique()],
            "communes": [communes["_commune"].nunique()],
        },
        index=["Ensemble"],
    )
    sortie = pd.concat([par, ensemble]).astype(int)
    sortie.index.name = "bailleur"
    return sortie.reset_index()[["bailleur", "avenants", "conventions", "actes", "quartiers", "communes"]]


# --------------------------------------------------------------------------------------------- 2.4 NPNRU


def npnru_enveloppes(npnru: pd.DataFrame) -> pd.DataFrame:
    """Enveloppes du NPNRU par quartier, puis leur total.

    Colonnes : ``quartier``, ``commune``, ``enveloppe`` (€), ``part`` (% du total), ``instance``, ``date_decision``."""
    n = npnru[["quartier", "commune", "enveloppe", "instance", "date_decision"]].copy().reset_index(drop=True)
    n["enveloppe"] = pd.to_numeric(n["enveloppe"], errors="coerce")
    total = _somme(n["enveloppe"])
    n["part"] = [_part(v, total) for v in n["enveloppe"]]
    total_ligne = pd.DataFrame(
        [
            {
                "quartier": "Total",
                "commune": "",
                "enveloppe": total,
                "part": _part(total, total),
                "instance": "",
                "date_decision": "",
            }
        ]
    )
    return pd.concat([n, total_ligne], ignore_index=True)[
        ["quartier", "commune", "enveloppe", "part", "instance", "date_decision"]
    ]
