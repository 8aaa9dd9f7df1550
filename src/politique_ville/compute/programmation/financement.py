"""Section 2.1, financement : répartition publiée par financeur et ses contrôles (:func:`financement_par_financeur`,
:func:`controles_financement`) ; crédits CGET par thématique, avec la réussite éducative
(:func:`cget_par_thematique`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import arrondi_publie
from politique_ville.clean.correspondance import export_des_financements
from politique_ville.clean.nettoyage import cle
from politique_ville.published.chiffres import calcul

from .commun import (
    SECTION_PROGRAMMATION,
    _calcul_piliers,
    _part,
    _provenance_groupe,
    _somme,
)

# --------------------------------------------------------------------------------------------- 2.1 financements


def _total_programmation(financements: pd.DataFrame) -> float:
    total = financements.loc[financements["type_ligne"] == "total", "montant"]
    return float(total.iloc[0]) if len(total) else math.nan


def financement_par_financeur(financements: pd.DataFrame) -> pd.DataFrame:
    """Répartition publiée du financement de la programmation, par financeur (ordre du rapport).

    Colonnes : ``financeur``, ``part_publiee`` (%), ``montant_publie`` (€, quand le rapport le donne),
    ``part_des_montants`` (montant publié / montant total, %), ``montant_de_la_part`` (part publiée × montant total, €),
    ``note``. Les parts sont gardées telles que publiées, sans être ramenées à 100 %."""
    total = _total_programmation(financements)
    f = financements[financements["type_ligne"] == "financeur"].copy()
    sortie = pd.DataFrame(
        {
            "financeur": f["financeur"].astype(str).str.strip(),
            "part_publiee": pd.to_numeric(f["part"], errors="coerce"),
            "montant_publie": pd.to_numeric(f["montant"], errors="coerce"),
            "note": f["note"].fillna("").astype(str),
        }
    ).reset_index(drop=True)
    sortie["part_des_montants"] = [_part(m, total) for m in sortie["montant_publie"]]
    sortie["montant_de_la_part"] = [
        arrondi_publie(v * total / 100, 0) if pd.notna(v) and not math.isnan(total) else math.nan
        for v in sortie["part_publiee"]
    ]
    return sortie[["financeur", "part_publiee", "montant_publie", "part_des_montants", "montant_de_la_part", "note"]]


def controles_financement(financements: pd.DataFrame) -> pd.DataFrame:
    """Contrôles de la répartition publiée : somme des parts (un partage devrait faire 100 %), part recalculée à partir
    des montants publiés pour chaque financeur dont le montant est donné, et montant total.

    Colonnes : ``calcul`` (expression de recalcul, pour retrouver le chiffre publié), ``libelle``,
    ``valeur_recalculee``, ``unite_calcul``, ``section``. Quand la table est calculée à partir d'un export reçu
    (:func:`export_des_financements`), les intitulés disent « calculé » : rien n'y est publié."""
    total = _total_programmation(financements)
    f = financement_par_financeur(financements)
    qualite = "calculée" if export_des_financements(financements) else "publiée"
    montant_de = "montant" if qualite == "calculée" else "montant publié"
    t = "financements_programmation"
    montant_total = calcul("valeur", t, "montant", type_ligne="total")
    lignes = [
        {
            "calcul": montant_total,
            "libelle": "Montant total de la programmation",
            "valeur_recalculee": total,
            "unite_calcul": "€",
        },
        {
            "calcul": calcul("somme", t, "part", type_ligne="financeur"),
            "libelle": f"Somme des parts {qualite}s des financeurs",
            "valeur_recalculee": float(f["part_publiee"].sum(min_count=1)),
            "unite_calcul": "%",
        },
    ]
    for _, r in f[f["montant_publie"].notna()].iterrows():
        montant = calcul("valeur", t, "montant", financeur=r["financeur"])
        lignes.append(
            {
                "calcul": f"{montant} / {montant_total} * 100",
                "libelle": f"Part « {r['financeur']} » recalculée : {montant_de} / montant total",
                "valeur_recalculee": r["part_des_montants"],
                "unite_calcul": "%",
            }
        )
        lignes.append(
            {
                "calcul": f"{calcul('valeur', t, 'part', financeur=r['financeur'])} * {montant_total} / 100",
                "libelle": f"Montant « {r['financeur']} » qu'impliquerait la part {qualite}",
                "valeur_recalculee": r["montant_de_la_part"],
                "unite_calcul": "€",
            }
        )
    return pd.DataFrame(lignes).assign(section=SECTION_PROGRAMMATION)


# --------------------------------------------------------------------------------------------- 2.1 crédits CGET


#: Libellé de la sous-priorité de la feuille de route qui porte la réussite éducative (PRE).
LIBELLE_REUSSITE_EDUCATIVE = "réussite éducative"


def sous_priorite_reussite_educative(feuille_de_route: pd.DataFrame) -> str | None:
    """Numéro de la sous-priorité de la feuille de route intitulée « Réussite éducative » (programmes de réussite
    éducative), lu dans la feuille de route ; ``None`` si aucune."""
    sp = feuille_de_route[feuille_de_route["sous_priorite"].notna()]
    cible = cle(LIBELLE_REUSSITE_EDUCATIVE)
    trouve = sp[sp["libelle"].astype(str).map(cle) == cible]
    if trouve.empty:
        trouve = sp[sp["libelle"].astype(str).map(cle).str.contains(cible, regex=False)]
    return str(trouve["sous_priorite"].iloc[0]) if len(trouve) else None


def cget_par_thematique(
    programmation: pd.DataFrame, feuille_de_route: pd.DataFrame | None = None, sous_priorite_reussite: str | None = None
) -> pd.DataFrame:
    """Contributions des crédits CGET par thématique, comme la section 2.1 les présente : la cohésion sociale (pilier
    entier, « dont » la réussite éducative = sous-priorité « Réussite éducative » de la feuille de route), l'emploi et
    le développement économique (thématiques du pilier emploi), le cadre de vie, le pilotage, puis le total.

    Colonnes : ``rubrique_code``, ``rubrique``, ``dont`` (ligne incluse dans la précédente), ``calcul`` et
    ``section`` (expression et section du chiffre publié ; le total est la somme sur les piliers),
    ``valeur_recalculee`` (€), ``part`` (% du total), ``actions``, ``actions_sans_montant``, ``provenance`` (des
    montants par action additionnés). Les rubriques sont triées par montant décroissant, le total en dernier."""
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    est_cohesion = p["pilier_code"] == "cohesion_sociale"
    p["rubrique_code"] = np.where(est_cohesion, "cohesion_sociale", p["thematique_code"])
    p["rubrique"] = np.where(est_cohesion, p["pilier"], p["thematique"])
    if sous_priorite_reussite is None and feuille_de_route is not None:
        sous_priorite_reussite = sous_priorite_reussite_educative(feuille_de_route)

    thematiques_du_pilier = p.groupby("pilier", dropna=False)["thematique"].nunique()

    def expression(code, groupe):
        if code == "total":
            return _calcul_piliers("somme", "cget", p)
        if code == "reussite_educative":
            return calcul("somme", "programmation", "cget", sous_priorite=str(sous_priorite_reussite))
        pilier = str(groupe["pilier"].iloc[0])
        if code == "cohesion_sociale" or thematiques_du_pilier.get(pilier, 0) == 1:
            return calcul("somme", "programmation", "cget", pilier=pilier)
        return calcul("somme", "programmation", "cget", thematique=str(groupe["thematique"].iloc[0]))

    def ligne(code, libelle, groupe, dont=False):
        return {
            "rubrique_code": code,
            "rubrique": libelle,
            "dont": dont,
            "calcul": expression(code, groupe),
            "section": SECTION_PROGRAMMATION,
            "valeur_recalculee": _somme(groupe["cget"]),
            "actions": int(len(groupe)),
            "actions_sans_montant": int(groupe["cget"].isna().sum()),
            "provenance": _provenance_groupe(groupe["cget"], groupe["provenance_cget"]),
        }

    rubriques = []
    for (code, libelle), groupe in p.groupby(["rubrique_code", "rubrique"], sort=False):
        rubriques.append((ligne(code, libelle, groupe), groupe))
    rubriques.sort(key=lambda x: -(x[0]["valeur_recalculee"] if not math.isnan(x[0]["valeur_recalculee"]) else -1))
    lignes = []
    for r, groupe in rubriques:
        lignes.append(r)
        if r["rubrique_code"] == "cohesion_sociale" and sous_priorite_reussite:
            pre = groupe[groupe["sous_priorite"].astype(str) == str(sous_priorite_reussite)]
            lignes.append(
                ligne(
                    "reussite_educative",
                    f"dont réussite éducative (sous-priorité {sous_priorite_reussite})",
                    pre,
                    dont=True,
                )
            )
    lignes.append(ligne("total", "Total des crédits CGET", p))
    sortie = pd.DataFrame(lignes)
    total = sortie.loc[sortie["rubrique_code"] == "total", "valeur_recalculee"].iloc[0]
    sortie["part"] = [_part(v, total) for v in sortie["valeur_recalculee"]]
    return sortie[
        [
            "rubrique_code",
            "rubrique",
            "dont",
            "calcul",
            "section",
            "valeur_recalculee",
            "part",
            "actions",
            "actions_sans_montant",
            "provenance",
        ]
    ]
