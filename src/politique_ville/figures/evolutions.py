"""Petites figures en lignes des évolutions (seaborn) : une ligne par série, une graduation par année civile.

Une lacune (année absente, valeur manquante) coupe la ligne : rien n'est tracé par-dessus, rien n'est interpolé.
Deux géographies prioritaires font deux lignes distinctes, jamais reliées.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from politique_ville.figures import style

from ..compute import evolutions as ce

#: au plus ce nombre de séries par figure (les autres restent dans les tableaux)
SERIES_MAX = 6


def _tracer(ax, s: pd.DataFrame, annees: list[int], libelle: str, couleur, style: str = "-"):
    v = s.set_index("annee")["valeur"].reindex(annees).to_numpy(dtype=float)  # NaN : la ligne est coupée
    ax.plot(annees, v, style, marker="o", color=couleur, label=libelle, linewidth=2)


def figure_series(series: pd.DataFrame, code: str, source: str, titre: str | None = None):
    """Un indicateur (``code``) : une ligne par niveau de comparaison (et par géographie) ; ``None`` s'il n'a pas
    au moins deux années."""
    s = series[(series["code"] == code) & (series["portee"] == ce.NIVEAU) & series["valeur"].notna()]
    if s["annee"].nunique() < 2:
        return None
    annees = list(range(int(s["annee"].min()), int(s["annee"].max()) + 1))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    groupes = list(s.groupby("serie", sort=False))[:SERIES_MAX]
    couleurs = sns.color_palette("deep", len(groupes))
    for (_, g), c in zip(groupes, couleurs):
        r = g.iloc[0]
        geo = f" (géographie {r['geographie']})" if isinstance(r["geographie"], str) else ""
        _tracer(ax, g, annees, f"{r['niveau']}{geo}", c)
    r0 = s.iloc[0]
    ax.set_xticks(annees)
    ax.set_xticklabels([str(a) for a in annees])
    style.format_axe(ax, "y", "%" if r0["unite"] == "%" else "", int(r0["decimales"]) if r0["unite"] == "%" else 0)
    ax.legend(fontsize=8, loc="best")
    return style.finir_figure(fig, ax, titre or str(r0["indicateur"]), "Année", str(r0["unite"]), source)


def figure_serie_quartier(serie: pd.DataFrame, quartier: str, source: str):
    """Fiche quartier : les parts (%) du quartier, une ligne par indicateur (au plus :data:`SERIES_MAX`, les plus
    longuement suivis) ; ``None`` si le quartier n'a pas deux années de valeurs."""
    s = serie[(serie["unite"] == "%") & serie["valeur"].notna()]
    if s["annee"].nunique() < 2:
        return None
    annees = list(range(int(s["annee"].min()), int(s["annee"].max()) + 1))
    longueurs = s.groupby("code", sort=False)["annee"].nunique().sort_values(ascending=False, kind="stable")
    codes = list(longueurs[longueurs >= 2].index[:SERIES_MAX])
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for code, c in zip(codes, sns.color_palette("deep", len(codes))):
        g = s[s["code"] == code]
        _tracer(ax, g, annees, str(g["indicateur"].iloc[0]), c)
    ax.set_xticks(annees)
    ax.set_xticklabels([str(a) for a in annees])
    style.format_axe(ax, "y", "%", 0)
    ax.set_ylim(bottom=0, top=max(10.0, float(np.nanmax(s["valeur"])) * 1.15))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return style.finir_figure(fig, ax, f"{quartier} : parts (%) année par année", "Année", "Part (%)", source)
