"""Section 2.2, indicateurs des actions : valeurs année par année et évolutions (:func:`evolution_indicateurs`),
séries pluriannuelles et celles qui ont une figure (:func:`series_illustrees`), tableau large par année."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _oui(v) -> bool:
    return str(v).strip().lower() in ("oui", "true", "vrai", "1")


def evolution_indicateurs(indicateurs: pd.DataFrame, section: str | None = None) -> pd.DataFrame:
    """Valeurs des indicateurs des actions, année par année, et leur évolution par rapport à l'année précédente
    disponible pour le même indicateur de la même action.

    ``valeur_num`` est la lecture numérique de ``valeur`` ; ``approximatif`` (« une vingtaine ») est gardé et une
    évolution qui part ou arrive sur une valeur approximative est marquée ``variation_approximative``. Une valeur
    manquante reste manquante (évolutions comprises). Pour un indicateur en %, ``variation_absolue`` est en points.

    Colonnes : ``section``, ``action``, ``porteur``, ``indicateur``, ``unite``, ``annee``, ``valeur``, ``valeur_num``,
    ``approximatif``, ``annee_precedente``, ``valeur_precedente``, ``variation_absolue``, ``variation_relative`` (%),
    ``variation_approximative``, ``nombre_annees``."""
    d = indicateurs.copy()
    if section is not None:
        d = d[d["section"].astype(str) == str(section)]
    d["approximatif"] = d["approximatif"].map(_oui)
    d["valeur_num"] = pd.to_numeric(d["valeur_num"], errors="coerce")
    d["annee"] = pd.to_numeric(d["annee"], errors="coerce").astype("Int64")
    d["_ordre"] = np.arange(len(d))
    cles = ["action", "indicateur"]
    premier = d.groupby(cles, sort=False)["_ordre"].transform("min")
    d = d.assign(_premier=premier).sort_values(["_premier", "annee"]).reset_index(drop=True)
    g = d.groupby(cles, sort=False)
    d["annee_precedente"] = g["annee"].shift(1)
    d["valeur_precedente"] = g["valeur_num"].shift(1)
    approx_prec = g["approximatif"].shift(1).astype("boolean").fillna(False).astype(bool)
    d["variation_absolue"] = d["valeur_num"] - d["valeur_precedente"]
    d["variation_relative"] = np.where(
        d["valeur_precedente"].abs() > 0, d["variation_absolue"] / d["valeur_precedente"].abs() * 100, np.nan
    )
    d["variation_relative"] = d["variation_relative"].astype(float)
    d.loc[d["variation_absolue"].isna(), "variation_relative"] = np.nan
    d["variation_approximative"] = d["variation_absolue"].notna() & (d["approximatif"] | approx_prec)
    d["nombre_annees"] = g["annee"].transform("nunique")
    return d[
        [
            "section",
            "action",
            "porteur",
            "indicateur",
            "unite",
            "annee",
            "valeur",
            "valeur_num",
            "approximatif",
            "annee_precedente",
            "valeur_precedente",
            "variation_absolue",
            "variation_relative",
            "variation_approximative",
            "nombre_annees",
        ]
    ]


def series_pluriannuelles(evolution: pd.DataFrame, unite: str | None = None) -> pd.DataFrame:
    """Les indicateurs suivis sur au moins deux années (éventuellement d'une seule unité)."""
    s = evolution[evolution["nombre_annees"] >= 2]
    if unite is not None:
        s = s[s["unite"] == unite]
    return s.reset_index(drop=True)


#: Nombre maximal de séries pluriannuelles illustrées par une figure (section 2.2) : voir :func:`series_illustrees`.
FIGURES_EVOLUTION_MAX = 6


def series_illustrees(series: pd.DataFrame, nombre_max: int = FIGURES_EVOLUTION_MAX) -> pd.DataFrame:
    """Les séries pluriannuelles qui ont une figure et une phrase de commentaire : toutes si elles sont au plus
    ``nombre_max``, sinon les ``nombre_max`` séries suivies sur le plus grand nombre d'années, à égalité les
    premières dans l'ordre du rapport (ordre de la table des indicateurs). Les autres séries restent dans le tableau
    des évolutions et dans le classeur Excel du chapitre.

    ``series`` : sortie de :func:`series_pluriannuelles` ; renvoie ses lignes des séries retenues, dans le même ordre
    (ordre du rapport)."""
    cles = ["action", "indicateur"]
    if series.empty:
        return series.reset_index(drop=True)
    rang = series.groupby(cles, sort=False).ngroup()  # ordre du rapport ; clé manquante : rang manquant, écartée
    par_serie = pd.DataFrame({"rang": rang, "annees": series["nombre_annees"]}).loc[rang >= 0].drop_duplicates("rang")
    retenues = par_serie.sort_values(["annees", "rang"], ascending=[False, True], kind="stable")["rang"].head(
        max(int(nombre_max), 0)
    )
    return series[rang.isin(retenues)].reset_index(drop=True)


def indicateurs_par_annee(evolution: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par action et indicateur, une colonne par année (valeurs numériques), et la liste des années dont
    la valeur est approximative.

    Colonnes : ``action``, ``indicateur``, ``unite``, une colonne par année (texte de l'année), ``approximatif``."""
    cles = ["action", "indicateur", "unite"]
    e = evolution.copy()
    e["_rang"] = e.groupby(cles, sort=False).ngroup()
    large = e.pivot_table(index=["_rang"] + cles, columns="annee", values="valeur_num", aggfunc="first")
    large.columns = [str(int(c)) for c in large.columns]
    large = large.reset_index().sort_values("_rang")
    approx = (
        e[e["approximatif"]].groupby("_rang")["annee"].agg(lambda s: ", ".join(str(int(a)) for a in sorted(s.dropna())))
    )
    large["approximatif"] = large["_rang"].map(approx).fillna("")
    return large.drop(columns="_rang").reset_index(drop=True)
