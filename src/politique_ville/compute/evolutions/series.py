"""Les séries des indicateurs INSEE, quartier par quartier et niveau par niveau (:func:`series_qpv`), celles d'un
quartier (:func:`series_quartier`), les indicateurs illustrés et le tableau large par année."""

from __future__ import annotations

import math

import pandas as pd

from .. import qpv as cq
from .annees import geographie_de
from .regles import (
    COLONNES_SERIES,
    INDICATEURS,
    NIVEAU,
    NIVEAU_ENSEMBLE_QPV,
    NIVEAU_MOYENNE_QPV,
    NIVEAUX_TAUX,
    NIVEAUX_TERRITOIRE,
    QUARTIER,
    TAUX_PAUVRETE,
    _ajouter_evolutions,
    mode_evolution,
)

#: la marque d'un niveau de comparaison sans valeur une année qui n'a reçu aucun niveau (ni rapport, ni fichier)
NON_RECU = "non reçu"


def _valeurs(qpv: pd.DataFrame, ind: cq.Indicateur) -> pd.Series:
    return pd.to_numeric(qpv[ind.code], errors="coerce").astype("float64") / ind.diviseur


def _lignes_annee(annee: int, tables: dict) -> list[dict]:
    qpv = tables.get("insee_qpv")
    if qpv is None or qpv.empty:
        return []
    # les niveaux reçus, complétés par ceux calculés sur le fichier national (comme au chapitre 10) ; une valeur
    # qui manque est « non publié » pour une année dont des niveaux ont été reçus (rapport publié, fichier de
    # l'INSEE), « non reçu » pour une année qui n'en a reçu aucun (un territoire qui n'a que le fichier des QPV)
    recus = tables.get("insee_references")
    refs = cq.references_comparaison(recus, tables.get("insee_niveaux"))
    manque = cq.NON_PUBLIE if recus is not None and not recus.empty else NON_RECU
    mot = cq.motifs(tables.get("insee_valeurs_manquantes"))
    geo = geographie_de(qpv)
    q = qpv[qpv["type_quartier"] == cq.TYPE_QPV]
    lignes = []
    for ind in INDICATEURS:
        if ind.code not in qpv.columns:
            continue
        base = {
            "code": ind.code,
            "indicateur": ind.libelle,
            "genre": ind.genre,
            "unite": ind.unite,
            "mode": mode_evolution(ind),
            "decimales": ind.decimales,
            "annee": int(annee),
        }
        for c, n, v in zip(q["code_qp"], q["nom_qp"], _valeurs(q, ind)):
            lignes.append(
                {
                    **base,
                    "serie": f"{QUARTIER}|{c}|{ind.code}",
                    "portee": QUARTIER,
                    "code_qp": c,
                    "quartier": cq.nom_quartier(c, n),
                    "niveau": None,
                    "geographie": geo,
                    "valeur": v,
                    "marque": cq.marque_manquante(mot.get((c, ind.code))) if math.isnan(v) else None,
                }
            )
        if ind.genre == "contexte":  # population de la commune : montrée par quartier, jamais agrégée
            niveaux = {}
        elif ind.genre == "taux":
            niveaux = {NIVEAU_MOYENNE_QPV: cq.valeur_qpv(qpv, ind.code)}
            niveaux |= {n: cq.valeur_reference(refs, n, ind.colonne_reference(n), ind.diviseur) for n in NIVEAUX_TAUX}
        else:
            x = pd.to_numeric(q[ind.code], errors="coerce")
            niveaux = {
                NIVEAU_ENSEMBLE_QPV: float(x.sum()) if x.notna().any() else math.nan,
                cq.NIVEAU_AGGLO: cq.valeur_reference(refs, cq.NIVEAU_AGGLO, ind.code),
            }
        for n, v in niveaux.items():
            g = None if n in NIVEAUX_TERRITOIRE else geo
            lignes.append(
                {
                    **base,
                    "serie": f"{NIVEAU}|{n}|{g or ''}|{ind.code}",
                    "portee": NIVEAU,
                    "code_qp": None,
                    "quartier": None,
                    "niveau": n,
                    "geographie": g,
                    "valeur": v,
                    "marque": manque if math.isnan(v) else None,
                }
            )
    return lignes


def series_qpv(annees: dict) -> pd.DataFrame:
    """Séries des indicateurs INSEE, en long : une ligne par série et par année où elle a une ligne.

    Une série est un quartier (QPV) sur un indicateur — son code ne change pas, et les codes de deux géographies ne
    se ressemblent pas — ou un niveau de comparaison sur un indicateur (une série par géographie, sauf pour
    :data:`NIVEAUX_TERRITOIRE`). Colonnes : :data:`COLONNES_SERIES` ; ``valeur`` dans l'unité affichée (revenu
    mensuel), NaN si elle manque (``marque`` : « secret », « n.d. », « non publié ») ; ``evolution`` par rapport à
    l'année civile précédente (NaN si elle manque : lacune) ; ``sens``."""
    lignes = [x for a in sorted(annees) for x in _lignes_annee(int(a), annees[a])]
    df = pd.DataFrame(lignes, columns=[c for c in COLONNES_SERIES if c not in ("evolution", "sens")])
    df["valeur"] = df["valeur"].astype("float64")
    df = _ajouter_evolutions(df)
    # le nom affiché d'un quartier : celui de la dernière année où il figure
    derniers = df[df["portee"] == QUARTIER].sort_values("annee").groupby("code_qp")["quartier"].last()
    df.loc[df["portee"] == QUARTIER, "quartier"] = df.loc[df["portee"] == QUARTIER, "code_qp"].map(derniers)
    return df[COLONNES_SERIES].reset_index(drop=True)


def codes_illustres(series: pd.DataFrame, nombre_max: int = 6) -> list[str]:
    """Les indicateurs à illustrer : ceux dont les niveaux de comparaison ont le plus d'années de valeurs (au moins
    deux), le taux de pauvreté d'abord s'il est suivi ; au plus ``nombre_max``."""
    n = series[(series["portee"] == NIVEAU) & series["valeur"].notna()].groupby("code", sort=False)["annee"].nunique()
    n = n[n >= 2]
    rang = {i.code: k for k, i in enumerate(INDICATEURS)}
    codes = sorted(n.index, key=lambda c: (c != TAUX_PAUVRETE.code, -n[c], rang.get(c, 99)))
    return codes[:nombre_max]


def series_quartier(annees: dict, code_qp: str) -> pd.DataFrame:
    """Les séries d'un quartier (une ligne par indicateur et par année), avec, à côté, la moyenne des QPV (ou
    l'ensemble des QPV) de la même géographie : ``moyenne_qpv``. Vide si le quartier n'a de valeurs dans aucune
    année."""
    s = series_qpv(annees)
    q = s[(s["portee"] == QUARTIER) & (s["code_qp"] == code_qp)].copy()
    n = s[s["niveau"].isin([NIVEAU_MOYENNE_QPV, NIVEAU_ENSEMBLE_QPV])][["code", "annee", "geographie", "valeur"]]
    q = q.merge(n.rename(columns={"valeur": "moyenne_qpv"}), on=["code", "annee", "geographie"], how="left")
    rang = {i.code: k for k, i in enumerate(INDICATEURS)}
    return q.sort_values(
        ["code", "annee"], key=lambda c: c.map(rang) if c.name == "code" else c, kind="stable"
    ).reset_index(drop=True)


def tableau_series(series: pd.DataFrame, annees: list[int]) -> pd.DataFrame:
    """Tableau large : une ligne par série, une colonne par année civile de ``annees`` (toutes, lacunes comprises :
    NaN), puis la dernière évolution calculable (``evolution``, ``mode``, ``sens``, ``annee_evolution``)."""
    cles = [
        "serie",
        "portee",
        "code_qp",
        "quartier",
        "niveau",
        "geographie",
        "code",
        "indicateur",
        "unite",
        "mode",
        "decimales",
    ]
    if series.empty:
        return pd.DataFrame(columns=[*cles, *annees, "annee_evolution", "evolution", "sens"])
    larges = series.pivot_table(index="serie", columns="annee", values="valeur", aggfunc="first", dropna=False)
    larges = larges.reindex(columns=list(annees))
    meta = series.drop_duplicates("serie").set_index("serie")[cles[1:]]
    derniere = (
        series.dropna(subset=["evolution"])
        .sort_values("annee")
        .groupby("serie")[["annee", "evolution", "sens"]]
        .last()
        .rename(columns={"annee": "annee_evolution"})
    )
    sortie = meta.join(larges).join(derniere).reset_index()
    ordre = {s: i for i, s in enumerate(series["serie"].drop_duplicates())}
    return sortie.sort_values("serie", key=lambda c: c.map(ordre)).reset_index(drop=True)
