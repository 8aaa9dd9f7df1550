"""Section 2.1, porteurs : les deux tableaux des porteurs (« Associations », « Institutions ») et leur ensemble
(:func:`synthese_porteurs`, :func:`tableau_porteurs`), actions retenues par type de porteur, projets déposés et
retenus par groupe (:func:`porteurs_deposes_et_retenus`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from politique_ville.clean.nettoyage import cle
from politique_ville.published.chiffres import calcul

from .commun import (
    SECTION_PROGRAMMATION,
    _part,
    _provenance_groupe,
    _somme,
)

#: Tableaux des porteurs : « Associations » (type association) et « Institutions » (tous les autres types).
GROUPE_ASSOCIATIONS = "Associations"


GROUPE_INSTITUTIONS = "Institutions"


def synthese_porteurs(porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame) -> pd.DataFrame:
    """Les deux tableaux des porteurs (« Associations », « Institutions ») et leur ensemble : lignes du tableau,
    porteurs distincts (nom canonique), projets (somme des lignes) et projets imprimés dans l'en-tête, montants CGET
    attribués et dépenses subventionnables publiés, part des dépenses couverte par le CGET.

    Colonnes : ``tableau``, ``lignes``, ``porteurs_distincts``, ``projets``, ``projets_entete``, ``projets_concordent``,
    ``montant_cget``, ``depenses_subventionnables``, ``part_cget_depenses`` (%)."""
    synth = porteurs_synthese.set_index("tableau")
    lignes = []
    for tableau, groupe in porteurs.groupby("tableau", sort=False):
        entete = synth.loc[tableau] if tableau in synth.index else None
        lignes.append(
            {
                "tableau": tableau,
                "lignes": int(len(groupe)),
                "porteurs_distincts": int(groupe["porteur_canonique"].nunique()),
                "projets": _somme(groupe["nombre_projets"]),
                "projets_entete": float(entete["nombre_projets"])
                if entete is not None and pd.notna(entete["nombre_projets"])
                else math.nan,
                "montant_cget": float(entete["montant_cget"]) if entete is not None else math.nan,
                "depenses_subventionnables": float(entete["depenses_subventionnables"])
                if entete is not None
                else math.nan,
            }
        )
    ens = synth.loc["Ensemble"] if "Ensemble" in synth.index else None
    lignes.append(
        {
            "tableau": "Ensemble",
            "lignes": int(len(porteurs)),
            "porteurs_distincts": int(porteurs["porteur_canonique"].nunique()),
            "projets": _somme(porteurs["nombre_projets"]),
            "projets_entete": float(ens["projets_deposes"])
            if ens is not None and pd.notna(ens["projets_deposes"])
            else math.nan,
            "montant_cget": _somme(pd.Series([lg["montant_cget"] for lg in lignes])),
            "depenses_subventionnables": _somme(pd.Series([lg["depenses_subventionnables"] for lg in lignes])),
        }
    )
    sortie = pd.DataFrame(lignes)
    sortie["projets_concordent"] = [
        (not math.isnan(a)) and (not math.isnan(b)) and a == b
        for a, b in zip(sortie["projets"], sortie["projets_entete"])
    ]
    sortie["part_cget_depenses"] = [
        _part(m, d) for m, d in zip(sortie["montant_cget"], sortie["depenses_subventionnables"])
    ]
    return sortie[
        [
            "tableau",
            "lignes",
            "porteurs_distincts",
            "projets",
            "projets_entete",
            "projets_concordent",
            "montant_cget",
            "depenses_subventionnables",
            "part_cget_depenses",
        ]
    ]


def groupe_du_type(type_porteur_code: pd.Series) -> pd.Series:
    """« Associations » pour le type association, « Institutions » pour les autres (communes, CCAS, EPCI…),
    comme les deux tableaux de la section 2.1."""
    return pd.Series(
        np.where(type_porteur_code == "association", GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS),
        index=type_porteur_code.index,
    )


def tableau_porteurs(porteurs: pd.DataFrame, tableau: str) -> pd.DataFrame:
    """Un tableau des porteurs (« Associations » ou « Institutions ») regroupé par porteur canonique : projets
    (somme des lignes du tableau), lignes du tableau, type, graphies du rapport.

    Colonnes : ``porteur``, ``type_porteur``, ``projets``, ``lignes``, ``graphies``. Tri : projets décroissants,
    puis nom."""
    t = porteurs[porteurs["tableau"] == tableau]
    if t.empty:
        return pd.DataFrame(columns=["porteur", "type_porteur", "projets", "lignes", "graphies"])

    def graphies(s):
        vues = []
        for v in s.astype(str):
            if v not in vues:
                vues.append(v)
        return " | ".join(vues)

    sortie = (
        t.groupby("porteur_canonique", sort=False)
        .agg(
            type_porteur=("type_porteur", "first"),
            projets=("nombre_projets", "sum"),
            lignes=("ordre", "size"),
            graphies=("porteur_brut", graphies),
        )
        .reset_index()
        .rename(columns={"porteur_canonique": "porteur"})
    )
    sortie["projets"] = sortie["projets"].astype(int)
    sortie["_nom"] = sortie["porteur"].astype(str).map(cle)
    return sortie.sort_values(["projets", "_nom"], ascending=[False, True]).drop(columns="_nom").reset_index(drop=True)


def actions_par_type_porteur(programmation: pd.DataFrame) -> pd.DataFrame:
    """Actions retenues de la programmation par type de porteur, avec la somme de leurs crédits CGET par action
    (reconstruits : voir ``provenance``) et le groupe du tableau des porteurs correspondant.

    Colonnes : ``groupe``, ``type_porteur``, ``actions``, ``porteurs_distincts``, ``cget`` (€), ``provenance``."""
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    p["groupe"] = groupe_du_type(p["type_porteur_code"])
    lignes = []
    for (groupe, type_), g in p.groupby(["groupe", "type_porteur"], sort=False):
        lignes.append(
            {
                "groupe": groupe,
                "type_porteur": type_,
                "actions": int(len(g)),
                "porteurs_distincts": int(g["porteur_canonique"].nunique()),
                "cget": _somme(g["cget"]),
                "provenance": _provenance_groupe(g["cget"], g["provenance_cget"]),
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["_g"] = (sortie["groupe"] != GROUPE_ASSOCIATIONS).astype(int)
    return sortie.sort_values(["_g", "actions"], ascending=[True, False]).drop(columns="_g").reset_index(drop=True)


def porteurs_deposes_et_retenus(
    porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame, programmation: pd.DataFrame
) -> pd.DataFrame:
    """Par groupe de porteurs (Associations, Institutions) : projets déposés (tableaux des porteurs), montants CGET
    publiés, actions retenues et crédits CGET par action additionnés (reconstruits) de la programmation.

    Colonnes : ``groupe``, ``projets_deposes``, ``cget_publie``, ``actions_retenues``, ``cget_actions``,
    ``provenance_cget_actions``, ``ecart_cget`` (actions − publié), ``calcul_projets`` (expression des projets
    déposés du groupe), ``calcul`` (expression des crédits CGET du groupe, à confronter aux montants publiés) et
    ``section``."""
    synth = synthese_porteurs(porteurs, porteurs_synthese).set_index("tableau")
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    p["groupe"] = groupe_du_type(p["type_porteur_code"])
    types = {
        g: sorted(str(x) for x in p.loc[p["groupe"] == g, "type_porteur"].dropna().unique())
        for g in (GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS)
    }
    types = {g: (v[0] if len(v) == 1 else v) for g, v in types.items()}
    lignes = []
    for groupe in (GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS):
        g = p[p["groupe"] == groupe]
        s = synth.loc[groupe] if groupe in synth.index else None
        lignes.append(
            {
                "groupe": groupe,
                "projets_deposes": float(s["projets"]) if s is not None else math.nan,
                "cget_publie": float(s["montant_cget"]) if s is not None else math.nan,
                "actions_retenues": int(len(g)),
                "cget_actions": _somme(g["cget"]),
                "provenance_cget_actions": _provenance_groupe(g["cget"], g["provenance_cget"]),
                "calcul_projets": calcul("somme", "porteurs", "nombre_projets", tableau=groupe),
                "calcul": calcul("somme", "programmation", "cget", type_porteur=types[groupe]),
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["ecart_cget"] = sortie["cget_actions"] - sortie["cget_publie"]
    return sortie.assign(section=SECTION_PROGRAMMATION)
