"""La programmation année par année (:func:`programmation_par_annee`) : actions, crédits, droit commun et effet
levier, par pilier, thématique, type de porteur et financeur, en euros courants."""

from __future__ import annotations

import math

import pandas as pd

from .. import contribution as cc
from .. import programmation as cp
from ..programmation.commun import _somme  # la somme du chapitre 2 : jamais un 0 inventé
from .regles import (
    POINTS,
    POURCENT,
    _ajouter_evolutions,
    _manque,
)


def _total(financements: pd.DataFrame) -> float:
    """Montant total de la programmation (ligne « total » de ``financements_programmation``)."""
    t = pd.to_numeric(financements.loc[financements["type_ligne"] == "total", "montant"], errors="coerce")
    return float(t.iloc[0]) if len(t) else math.nan


def _ligne(annee, rubrique, libelle, mesure, unite, valeur) -> dict:
    return {
        "annee": int(annee),
        "rubrique": rubrique,
        "libelle": libelle,
        "mesure": mesure,
        "unite": unite,
        "valeur": math.nan if _manque(valeur) else float(valeur),
    }


def _programmation_annee(annee: int, t: dict) -> list[dict]:
    lignes = []
    prog = t.get("programmation")
    if prog is not None and len(prog):
        total = cc.ajouter_ratios(
            pd.DataFrame(
                [
                    {
                        "projets": len(prog),
                        "droit_commun": _somme(prog["droit_commun"]),
                        "credits_specifiques": _somme(prog["credits_specifiques"]),
                    }
                ]
            )
        )
        e = total.iloc[0]
        lignes += [
            _ligne(annee, "Ensemble", "Actions retenues (projets retenus)", "actions", "actions", len(prog)),
            _ligne(annee, "Ensemble", "Crédits spécifiques", "credits_specifiques", "€", e["credits_specifiques"]),
            _ligne(
                annee,
                "Ensemble",
                "Crédits CGET",
                "cget",
                "€",
                pd.to_numeric(prog["cget"], errors="coerce").sum(min_count=1),
            ),
            _ligne(annee, "Ensemble", "Droit commun", "droit_commun", "€", e["droit_commun"]),
            _ligne(annee, "Ensemble", "Effet levier du droit commun", "effet_levier", "€ pour 1 €", e["effet_levier"]),
        ]
        for niveau, rubrique in (("pilier", "Pilier"), ("thematique", "Thématique")):
            ind = cc.ajouter_ratios(cc.indicateurs(prog, niveau=niveau))
            for _, r in ind.iterrows():
                lib = r["pilier"] if niveau == "pilier" else r["thematique"]
                lignes += [
                    _ligne(annee, rubrique, lib, "actions", "actions", r["projets"]),
                    _ligne(annee, rubrique, lib, "credits_specifiques", "€", r["credits_specifiques"]),
                    _ligne(annee, rubrique, lib, "droit_commun", "€", r["droit_commun"]),
                    _ligne(annee, rubrique, lib, "effet_levier", "€ pour 1 €", r["effet_levier"]),
                ]
        for _, r in cp.actions_par_type_porteur(prog).iterrows():
            lignes += [
                _ligne(annee, "Type de porteur", r["type_porteur"], "actions", "actions", r["actions"]),
                _ligne(annee, "Type de porteur", r["type_porteur"], "cget", "€", r["cget"]),
            ]
    porteurs = t.get("porteurs")
    if porteurs is not None and len(porteurs):
        lignes.append(
            _ligne(
                annee, "Ensemble", "Projets déposés", "projets_deposes", "projets", _somme(porteurs["nombre_projets"])
            )
        )
    fin = t.get("financements_programmation")
    if fin is not None and len(fin):
        lignes.append(_ligne(annee, "Ensemble", "Montant total de la programmation", "montant_total", "€", _total(fin)))
        for _, r in cp.financement_par_financeur(fin).iterrows():
            lignes += [
                _ligne(annee, "Financeur", r["financeur"], "part_publiee", "%", r["part_publiee"]),
                _ligne(annee, "Financeur", r["financeur"], "montant_publie", "€", r["montant_publie"]),
            ]
    return lignes


def programmation_par_annee(annees: dict) -> pd.DataFrame:
    """La programmation année par année, en long : ``annee``, ``rubrique`` (« Ensemble », « Pilier »,
    « Thématique », « Type de porteur », « Financeur »), ``libelle``, ``mesure``, ``unite``, ``valeur`` (montants en
    euros courants), ``mode``, ``evolution`` (par rapport à l'année civile précédente : en points pour une part
    publiée, en % sinon ; NaN par-dessus une lacune) et ``sens``. Une année sans une table n'a pas ses lignes."""
    lignes = [x for a in sorted(annees) for x in _programmation_annee(int(a), annees[a])]
    df = pd.DataFrame(lignes, columns=["annee", "rubrique", "libelle", "mesure", "unite", "valeur"])
    df["serie"] = df["rubrique"] + "|" + df["libelle"].astype(str) + "|" + df["mesure"]
    df["mode"] = [POINTS if u == "%" else POURCENT for u in df["unite"]]
    df["decimales"] = [1 if u == "%" else 2 if u == "€ pour 1 €" else 0 for u in df["unite"]]
    return _ajouter_evolutions(df).reset_index(drop=True)
