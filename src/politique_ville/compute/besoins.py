"""Les besoins face aux moyens, par quartier : l'argent va-t-il là où sont les besoins ?

Entrées : les tables nettoyées ``programmation`` (une ligne par action, montants ``credits_specifiques`` et
``droit_commun``, provenance des montants), ``programmation_communes`` (une ligne par action et commune, pseudo-communes
de périmètre marquées ``perimetre``), ``insee_qpv`` (population ``pop_mun``, demandeurs d'emploi ``abcde``, taux de
pauvreté ``tp60`` quand le fichier le donne, taux d'emploi ``tx_tot_empl``) et ``insee_qpv_communes``. Fonctions pures :
DataFrame en entrée, DataFrame en sortie.

Règles de rattachement d'une action à un quartier (:func:`rattachement_actions`), sans jamais répartir un montant :

- la programmation nomme les quartiers de l'action (colonne ``qpv``, tirée d'un export par une correspondance) : une
  action d'**un seul** QPV compte pour lui (rattachement « quartier ») ; une action de **plusieurs** QPV est montrée à
  part (« plusieurs quartiers »), avec ses quartiers, jamais divisée entre eux ;
- la programmation ne nomme aucun quartier (fichiers transcrits du rapport publié : actions situées par commune) :
  une action dont les communes ne comptent qu'**un seul** QPV compte pour lui, rattachement « commune (seul QPV) »,
  dit comme tel ; une action de communes à plusieurs QPV est montrée à part (« commune(s) à plusieurs QPV ») ;
- une action de périmètre intercommunal (pseudo-commune « Intercommunal »…) est montrée à part (« intercommunal »), de
  même qu'une action de communes sans QPV (« commune(s) sans QPV ») ou d'une commune quand la programmation nomme les
  quartiers des autres actions (« commune entière »).

Ratios (:func:`besoins_moyens`) : crédits spécifiques et financement total (crédits spécifiques + droit commun) par
habitant du QPV et par demandeur d'emploi (catégories A, B, C, D, E), actions pour 1 000 habitants. Un ratio dont le
dénominateur est nul ou manquant est manquant ; un quartier sans action a 0 action et 0 € (rien ne lui est rattaché).
Provenance : une valeur qui repose sur au moins un montant par action reconstruit est « reconstruit »
(:func:`provenance.combiner`) ; un nombre d'actions est publié.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.reference import provenance as pv

QUARTIER = "quartier"
COMMUNE_SEUL_QPV = "commune (seul QPV)"
PLUSIEURS_QUARTIERS = "plusieurs quartiers"
COMMUNES_PLUSIEURS_QPV = "commune(s) à plusieurs QPV"
COMMUNE_ENTIERE = "commune entière"
COMMUNES_SANS_QPV = "commune(s) sans QPV"
INTERCOMMUNAL = "intercommunal"
#: rattachements qui comptent pour un quartier
RATTACHES = (QUARTIER, COMMUNE_SEUL_QPV)
#: rattachements montrés à part, dans cet ordre
A_PART = (PLUSIEURS_QUARTIERS, COMMUNES_PLUSIEURS_QPV, COMMUNE_ENTIERE, COMMUNES_SANS_QPV, INTERCOMMUNAL)

COLONNES_RATTACHEMENT = ["id_action", "rattachement", "code_qp", "quartiers", "perimetre"]
COLONNES_BESOINS = [
    "code_qp",
    "nom_qp",
    "communes",
    "pop_mun",
    "abcde",
    "tp60",
    "tx_tot_empl",
    "actions",
    "rattachement",
    "credits_specifiques",
    "financement_total",
    "cs_par_habitant",
    "total_par_habitant",
    "cs_par_demandeur",
    "total_par_demandeur",
    "actions_pour_1000",
    "provenance_cs",
    "provenance_total",
    "rang_total_par_habitant",
    "rang_besoin",
]
COLONNES_A_PART = [
    "rattachement",
    "perimetre",
    "quartiers",
    "actions",
    "credits_specifiques",
    "financement_total",
    "provenance_cs",
    "provenance_total",
]


def _texte(v) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v).strip()


def _cle(v) -> str:
    return re.sub(r"\s+", " ", _texte(v)).casefold()


def qpv_seulement(insee_qpv: pd.DataFrame) -> pd.DataFrame:
    """Les quartiers prioritaires de la table des quartiers (hors quartiers communautaires et de veille)."""
    if "type_quartier" not in insee_qpv.columns:
        return insee_qpv
    return insee_qpv[insee_qpv["type_quartier"].fillna("QPV") == "QPV"]


def _quartiers_nommes(texte: str, par_cle: dict[str, str]) -> list[str]:
    codes = []
    for morceau in re.split(r"\s*[,;|/]\s*", _texte(texte)):
        code = par_cle.get(_cle(morceau))
        if morceau and code and code not in codes:
            codes.append(code)
    return codes


def rattachement_actions(
    programmation: pd.DataFrame,
    programmation_communes: pd.DataFrame,
    insee_qpv: pd.DataFrame,
    insee_qpv_communes: pd.DataFrame,
    par_commune: bool | None = None,
) -> pd.DataFrame:
    """Une ligne par action : ``rattachement`` (:data:`RATTACHES` ou :data:`A_PART`), ``code_qp`` (le quartier pour
    lequel elle compte, vide sinon), ``quartiers`` (QPV concernés, « , »), ``perimetre`` (communes ou périmètre de
    l'action). ``par_commune`` : rattacher par la commune (seul QPV de ses communes) ; défaut : seulement si la
    programmation ne nomme aucun quartier (pas de colonne ``qpv``, ou colonne vide)."""
    qpv = qpv_seulement(insee_qpv)
    codes_qpv = set(qpv["code_qp"])
    par_cle = {_cle(c): c for c in qpv["code_qp"]}
    if "nom_qp" in qpv.columns:
        par_cle.update({_cle(n): c for n, c in zip(qpv["nom_qp"], qpv["code_qp"]) if _texte(n)})
    nomme = (
        programmation["qpv"].map(_texte) if "qpv" in programmation.columns else pd.Series("", index=programmation.index)
    )
    if par_commune is None:
        par_commune = not nomme.ne("").any()
    qc = insee_qpv_communes[
        ~insee_qpv_communes["perimetre"].astype(bool) & insee_qpv_communes["code_qp"].isin(codes_qpv)
    ]
    qpv_de_commune = qc.groupby("commune")["code_qp"].agg(lambda s: list(dict.fromkeys(s))).to_dict()
    pc = programmation_communes.copy()
    pc["perimetre"] = pc["perimetre"].astype(bool)
    communes = pc.groupby("id_action", sort=False).agg(
        communes=("commune", lambda s: list(dict.fromkeys(s))), perimetres=("perimetre", "any")
    )
    lignes = []
    for ident, nom in zip(programmation["id_action"], nomme):
        cs = communes.loc[ident, "communes"] if ident in communes.index else []
        perim = bool(communes.loc[ident, "perimetres"]) if ident in communes.index else False
        lieu = ", ".join(cs)
        codes = _quartiers_nommes(nom, par_cle) if nom else []
        if len(codes) == 1:
            ligne = (QUARTIER, codes[0], codes[0], lieu)
        elif len(codes) > 1:
            ligne = (PLUSIEURS_QUARTIERS, "", ", ".join(codes), lieu)
        elif perim:
            ligne = (INTERCOMMUNAL, "", "", lieu)
        else:
            dans = list(dict.fromkeys(c for commune in cs for c in qpv_de_commune.get(commune, [])))
            if not dans:
                ligne = (COMMUNES_SANS_QPV, "", "", lieu)
            elif not par_commune:
                ligne = (COMMUNE_ENTIERE, "", ", ".join(dans), lieu)
            elif len(dans) == 1:
                ligne = (COMMUNE_SEUL_QPV, dans[0], dans[0], lieu)
            else:
                ligne = (COMMUNES_PLUSIEURS_QPV, "", ", ".join(dans), lieu)
        lignes.append((ident, *ligne))
    return pd.DataFrame(lignes, columns=COLONNES_RATTACHEMENT)


def _montants(programmation: pd.DataFrame) -> pd.DataFrame:
    """Par action : crédits spécifiques, financement total (crédits spécifiques + droit commun ; manquant si les deux
    le sont) et leurs provenances."""
    p = programmation
    cs = (
        pd.to_numeric(p["credits_specifiques"], errors="coerce")
        if "credits_specifiques" in p
        else pd.Series(np.nan, index=p.index)
    )
    dc = pd.to_numeric(p["droit_commun"], errors="coerce") if "droit_commun" in p else pd.Series(np.nan, index=p.index)
    total = cs.fillna(0) + dc.fillna(0)
    total = total.where(cs.notna() | dc.notna())
    vide = pd.Series("", index=p.index, dtype=object)
    prov_cs = p["provenance_credits_specifiques"] if "provenance_credits_specifiques" in p else vide
    prov_dc = p["provenance_droit_commun"] if "provenance_droit_commun" in p else vide
    return pd.DataFrame(
        {
            "id_action": p["id_action"].to_numpy(),
            "credits_specifiques": cs.to_numpy(dtype=float),
            "financement_total": total.to_numpy(dtype=float),
            "provenance_cs": [pv.combiner(a) if pd.notna(m) else pv.PUBLIE for a, m in zip(prov_cs, cs)],
            "provenance_total": [
                pv.combiner(*(x for x, m in ((a, c), (b, d)) if pd.notna(m)))
                for a, b, c, d in zip(prov_cs, prov_dc, cs, dc)
            ],
        }
    )


def _ratio(num, den):
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (num / den.where(den > 0)).astype(float)


def besoins_moyens(programmation: pd.DataFrame, rattachement: pd.DataFrame, insee_qpv: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par QPV (ordre de la table des quartiers) : population, demandeurs d'emploi, taux de pauvreté
    (``tp60``, manquant si le fichier ne le donne pas), taux d'emploi ; actions rattachées et leurs montants ; ratios
    par habitant, par demandeur d'emploi, actions pour 1 000 habitants ; provenances ; rangs (1 = financement total
    par habitant le plus élevé ; 1 = besoin le plus fort : taux de pauvreté le plus élevé, à défaut taux d'emploi le
    plus faible). ``rattachement`` : sortie de :func:`rattachement_actions`."""
    qpv = qpv_seulement(insee_qpv)
    m = _montants(programmation).merge(rattachement[["id_action", "rattachement", "code_qp"]], on="id_action")
    m = m[m["rattachement"].isin(RATTACHES)]
    g = m.groupby("code_qp", sort=False)
    par_q = pd.DataFrame(
        {
            "actions": g.size(),
            "rattachement": g["rattachement"].agg(lambda s: ", ".join(dict.fromkeys(s))),
            "credits_specifiques": g["credits_specifiques"].sum(),
            "financement_total": g["financement_total"].sum(),
            "provenance_cs": g["provenance_cs"].agg(pv.combiner),
            "provenance_total": g["provenance_total"].agg(pv.combiner),
        }
    )

    def col(nom):
        return qpv[nom].to_numpy() if nom in qpv.columns else np.full(len(qpv), np.nan)

    b = pd.DataFrame(
        {
            "code_qp": qpv["code_qp"].to_numpy(),
            "nom_qp": col("nom_qp"),
            "communes": col("nom_commune"),
            "pop_mun": pd.to_numeric(pd.Series(col("pop_mun")), errors="coerce").astype(float),
            "abcde": pd.to_numeric(pd.Series(col("abcde")), errors="coerce").astype(float),
            "tp60": pd.to_numeric(pd.Series(col("tp60")), errors="coerce").astype(float),
            "tx_tot_empl": pd.to_numeric(pd.Series(col("tx_tot_empl")), errors="coerce").astype(float),
        }
    )
    b = b.join(par_q, on="code_qp")
    b["actions"] = b["actions"].fillna(0).astype(int)
    b["rattachement"] = b["rattachement"].fillna("")
    for c in ("credits_specifiques", "financement_total"):
        b[c] = b[c].fillna(0.0).astype(float)
    for c in ("provenance_cs", "provenance_total"):
        b[c] = b[c].fillna(pv.PUBLIE)
    b["cs_par_habitant"] = _ratio(b["credits_specifiques"], b["pop_mun"])
    b["total_par_habitant"] = _ratio(b["financement_total"], b["pop_mun"])
    b["cs_par_demandeur"] = _ratio(b["credits_specifiques"], b["abcde"])
    b["total_par_demandeur"] = _ratio(b["financement_total"], b["abcde"])
    b["actions_pour_1000"] = _ratio(b["actions"] * 1000, b["pop_mun"])
    b["rang_total_par_habitant"] = b["total_par_habitant"].rank(ascending=False, method="min").astype("Int64")
    b["rang_besoin"] = indicateur_de_besoin(b)[1].astype("Int64")
    return b[COLONNES_BESOINS]


def indicateur_de_besoin(besoins: pd.DataFrame) -> tuple[str, pd.Series]:
    """L'indicateur de besoin retenu et le rang de chaque quartier (1 = besoin le plus fort) : le taux de pauvreté
    (``tp60``) quand au moins un quartier l'a, sinon le taux d'emploi (le plus faible = besoin le plus fort)."""
    if besoins["tp60"].notna().any():
        return "tp60", besoins["tp60"].rank(ascending=False, method="min")
    return "tx_tot_empl", besoins["tx_tot_empl"].rank(ascending=True, method="min")


def classement(besoins: pd.DataFrame) -> pd.DataFrame:
    """Le tableau rangé : financement total par habitant décroissant (quartiers sans population à la fin)."""
    return besoins.sort_values(
        ["total_par_habitant", "nom_qp"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


def actions_a_part(programmation: pd.DataFrame, rattachement: pd.DataFrame) -> pd.DataFrame:
    """Les actions qui ne comptent pour aucun quartier, par rattachement (ordre :data:`A_PART`) et périmètre :
    nombre d'actions, crédits spécifiques, financement total (sommes, jamais réparties), provenances."""
    m = _montants(programmation).merge(rattachement, on="id_action")
    m = m[m["rattachement"].isin(A_PART)]
    if m.empty:
        return pd.DataFrame(columns=COLONNES_A_PART)
    g = m.groupby(["rattachement", "perimetre"], sort=False)
    sortie = pd.DataFrame(
        {
            "quartiers": g["quartiers"].agg(
                lambda s: ", ".join(dict.fromkeys(q for x in s for q in x.split(", ") if q))
            ),
            "actions": g.size(),
            "credits_specifiques": g["credits_specifiques"].sum(min_count=1),
            "financement_total": g["financement_total"].sum(min_count=1),
            "provenance_cs": g["provenance_cs"].agg(pv.combiner),
            "provenance_total": g["provenance_total"].agg(pv.combiner),
        }
    ).reset_index()
    sortie["_ordre"] = sortie["rattachement"].map({r: i for i, r in enumerate(A_PART)})
    return sortie.sort_values(["_ordre"], kind="stable")[COLONNES_A_PART].reset_index(drop=True)


def bilan(programmation: pd.DataFrame, besoins: pd.DataFrame, a_part: pd.DataFrame) -> dict:
    """Totaux : actions, crédits spécifiques et financement total de la programmation, de ce qui est rattaché aux
    quartiers et de ce qui est montré à part (rattaché + à part = programmation), provenances."""
    m = _montants(programmation)
    return {
        "actions": int(len(programmation)),
        "credits_specifiques": float(m["credits_specifiques"].sum()),
        "financement_total": float(m["financement_total"].sum()),
        "actions_rattachees": int(besoins["actions"].sum()),
        "cs_rattaches": float(besoins["credits_specifiques"].sum()),
        "total_rattache": float(besoins["financement_total"].sum()),
        "actions_a_part": int(a_part["actions"].sum()) if len(a_part) else 0,
        "cs_a_part": float(a_part["credits_specifiques"].sum()) if len(a_part) else 0.0,
        "total_a_part": float(a_part["financement_total"].sum()) if len(a_part) else 0.0,
        "provenance_total": pv.combiner(m["provenance_total"]),
        "provenance_cs": pv.combiner(m["provenance_cs"]),
        "quartiers": int(len(besoins)),
        "quartiers_sans_action": int((besoins["actions"] == 0).sum()),
        "rattachement_par_commune": bool(besoins["rattachement"].str.contains(COMMUNE_SEUL_QPV, regex=False).any()),
    }


@memo.une_fois
def vue_besoins_moyens(
    programmation, programmation_communes, insee_qpv, insee_qpv_communes, par_commune: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Tout en un : (tableau par quartier rangé, actions à part, bilan). Calculé une fois pour les mêmes tables
    (fiches quartier d'un même noyau : :mod:`politique_ville.base.memo`) ; chaque appel rend sa propre copie."""
    r = rattachement_actions(programmation, programmation_communes, insee_qpv, insee_qpv_communes, par_commune)
    b = classement(besoins_moyens(programmation, r, insee_qpv))
    a = actions_a_part(programmation, r)
    return b, a, bilan(programmation, b, a)
