"""Les besoins face aux moyens : tableaux à afficher (intitulés et formats français), à partir des sorties de
:mod:`politique_ville.compute.besoins`.

Chaque ``vue_*`` rend un dictionnaire pour ``ctx.tableau(**vue)`` : ``df`` (colonnes aux intitulés français),
``titre``, ``formats`` et, quand toutes les valeurs ont la même provenance, ``provenance`` (note « Provenance : … »
sous le tableau et en tête de sa feuille Excel) ; quand les provenances se mêlent, une colonne « Provenance des
montants ».
"""

from __future__ import annotations

import pandas as pd

from politique_ville.compute import besoins as cb
from politique_ville.formats import euros, nombre_fr, pourcent
from politique_ville.reference import provenance as pv

COL_QUARTIER = "Quartier"
COL_POP = "Population (habitants)"
COL_DE = "Demandeurs d'emploi (A à E)"
COL_TP60 = "Taux de pauvreté (%)"
COL_EMPLOI = "Taux d'emploi (%)"
COL_ACTIONS = "Actions rattachées"
COL_RATTACHEMENT = "Rattachement"
COL_CS = "Crédits spécifiques (€)"
COL_TOTAL = "Financement total (€)"
COL_CS_HAB = "Crédits spécifiques par habitant (€)"
COL_TOTAL_HAB = "Financement total par habitant (€)"
COL_CS_DE = "Crédits spécifiques par demandeur d'emploi (€)"
COL_TOTAL_DE = "Financement total par demandeur d'emploi (€)"
COL_ACTIONS_1000 = "Actions pour 1 000 habitants"
COL_RANG = "Rang (financement par habitant)"
COL_RANG_BESOIN = "Rang (besoin)"
COL_PROVENANCE = "Provenance des montants"


def _euros_fins(v) -> str:
    """Deux décimales sous 100 €, entier au-delà (montants par habitant ou par demandeur)."""
    return euros(v, 2 if v == v and v is not None and abs(v) < 100 else 0)


def _rang(v) -> str:
    return "—" if v is None or v is pd.NA or v != v else f"{int(v)}"


def _provenance(df: pd.DataFrame) -> tuple[str | None, list[str] | None]:
    """(provenance commune, ou None) et, si elles se mêlent, la colonne des provenances."""
    provs = [pv.combiner(a, b) for a, b in zip(df["provenance_cs"], df["provenance_total"])]
    distinctes = set(provs)
    if len(distinctes) <= 1:
        return (provs[0] if provs else pv.PUBLIE), None
    return None, provs


def vue_besoins(besoins: pd.DataFrame, indicateur: str = "tp60") -> dict:
    """Le tableau rangé par quartier (sortie de ``compute.besoins.classement``). La colonne du taux de pauvreté
    n'est montrée que si le fichier des quartiers le donne."""
    df = pd.DataFrame(
        {
            COL_RANG: besoins["rang_total_par_habitant"].to_numpy(),
            COL_QUARTIER: [
                n if isinstance(n, str) and n.strip() else c for n, c in zip(besoins["nom_qp"], besoins["code_qp"])
            ],
            "Code": besoins["code_qp"].to_numpy(),
            COL_POP: besoins["pop_mun"].to_numpy(dtype=float),
            COL_DE: besoins["abcde"].to_numpy(dtype=float),
        }
    )
    if besoins["tp60"].notna().any():
        df[COL_TP60] = besoins["tp60"].to_numpy(dtype=float)
    df[COL_EMPLOI] = besoins["tx_tot_empl"].to_numpy(dtype=float)
    df[COL_RANG_BESOIN] = besoins["rang_besoin"].to_numpy()
    df[COL_ACTIONS] = besoins["actions"].to_numpy()
    if besoins["rattachement"].str.contains(cb.COMMUNE_SEUL_QPV, regex=False).any():
        df[COL_RATTACHEMENT] = [r or "—" for r in besoins["rattachement"]]
    df[COL_CS] = besoins["credits_specifiques"].to_numpy(dtype=float)
    df[COL_TOTAL] = besoins["financement_total"].to_numpy(dtype=float)
    df[COL_CS_HAB] = besoins["cs_par_habitant"].to_numpy(dtype=float)
    df[COL_TOTAL_HAB] = besoins["total_par_habitant"].to_numpy(dtype=float)
    df[COL_CS_DE] = besoins["cs_par_demandeur"].to_numpy(dtype=float)
    df[COL_TOTAL_DE] = besoins["total_par_demandeur"].to_numpy(dtype=float)
    df[COL_ACTIONS_1000] = besoins["actions_pour_1000"].to_numpy(dtype=float)
    commune, colonne = _provenance(besoins)
    if colonne is not None:
        df[COL_PROVENANCE] = colonne
    besoin = "taux de pauvreté" if indicateur == "tp60" else "taux d'emploi"
    formats = {
        COL_RANG: _rang,
        COL_RANG_BESOIN: _rang,
        COL_POP: nombre_fr,
        COL_DE: nombre_fr,
        COL_TP60: pourcent,
        COL_EMPLOI: pourcent,
        COL_ACTIONS: nombre_fr,
        COL_CS: euros,
        COL_TOTAL: euros,
        COL_CS_HAB: _euros_fins,
        COL_TOTAL_HAB: _euros_fins,
        COL_CS_DE: _euros_fins,
        COL_TOTAL_DE: _euros_fins,
        COL_ACTIONS_1000: lambda v: nombre_fr(v, 2),
    }
    vue = {"df": df, "titre": f"Besoins et moyens par quartier (rang du besoin : {besoin})", "formats": formats}
    if commune is not None and commune != pv.PUBLIE:
        vue["provenance"] = pv.note(commune, "Sommes et ratios calculés à partir des montants par action")
    return vue


def vue_a_part(a_part: pd.DataFrame, noms: dict[str, str] | None = None) -> dict:
    """Les actions comptées à part (sortie de ``compute.besoins.actions_a_part``) ; ``noms`` : code -> nom des
    quartiers, pour les actions de plusieurs quartiers."""
    noms = noms or {}
    quartiers = [", ".join(noms.get(c, c) or c for c in q.split(", ")) if q else "—" for q in a_part["quartiers"]]
    df = pd.DataFrame(
        {
            COL_RATTACHEMENT: a_part["rattachement"].to_numpy(),
            "Communes ou périmètre": a_part["perimetre"].to_numpy(),
            "Quartiers concernés (montants non répartis)": quartiers,
            "Actions": a_part["actions"].to_numpy(),
            COL_CS: a_part["credits_specifiques"].to_numpy(dtype=float),
            COL_TOTAL: a_part["financement_total"].to_numpy(dtype=float),
        }
    )
    vue = {
        "df": df,
        "titre": "Actions comptées à part (plusieurs quartiers, commune entière, intercommunal)",
        "formats": {"Actions": nombre_fr, COL_CS: euros, COL_TOTAL: euros},
    }
    if len(a_part):
        commune, colonne = _provenance(a_part)
        if colonne is not None:
            df[COL_PROVENANCE] = colonne
        elif commune != pv.PUBLIE:
            vue["provenance"] = pv.note(commune)
    return vue
