"""Figures du chapitre 1 (géographie prioritaire) et des fiches quartier.

Chaque fonction reçoit un DataFrame produit par ``politique_ville.compute.qpv`` et renvoie une figure matplotlib
(seaborn) : titre, axes avec unités, ligne de source et graduations à la française.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from politique_ville import formats
from politique_ville.figures.style import finir_figure, format_axe, style_figures
from politique_ville.formats import nombre_fr, pourcent
from politique_ville.reference.designation import Designation

from ..compute import qpv as cq
from .barres import barres_horizontales, etiquettes_de_valeur, poignees_legende

BLEU = "#2f6497"
ORANGE = "#d9822b"
GRIS = "#5a6b7d"


#: Au-delà de ce nombre de quartiers, une figure par quartier (écarts, population) est résumée : elle ne montre que
#: les ``EXTREMES_FIGURE`` plus grandes et les ``EXTREMES_FIGURE`` plus petites valeurs, et la phrase placée sous la
#: figure (``note_figure_ecarts``, ``note_figure_population``) renvoie au tableau complet. En deçà, tout est montré.
SEUIL_QUARTIERS_FIGURE = 40
EXTREMES_FIGURE = 15


def figure_resumee(n: int) -> bool:
    """Une figure de ``n`` quartiers ne montre-t-elle que les extrêmes ?"""
    return n > SEUIL_QUARTIERS_FIGURE


def _extremes(d: pd.DataFrame, colonne: str, libelle: str) -> pd.DataFrame:
    """``d`` trié par ``colonne`` décroissante (manquants à la fin). Figure résumée (``figure_resumee``) : les
    ``EXTREMES_FIGURE`` premières et dernières valeurs connues, séparées par une ligne sans barre (``_separateur``)
    qui dit combien de quartiers ne sont pas montrés ; sinon ``d`` inchangé."""
    if not figure_resumee(len(d)):
        return d
    connus = d[d[colonne].notna()]
    if len(connus) > 2 * EXTREMES_FIGURE:
        haut, bas = connus.head(EXTREMES_FIGURE), connus.tail(EXTREMES_FIGURE)
    else:
        haut, bas = connus, connus.iloc[0:0]
    caches = len(d) - len(haut) - len(bas)
    separateur = pd.DataFrame(
        {libelle: [f"… {nombre_fr(caches)} autres QPV …"], colonne: [math.nan], "_separateur": [True]}
    )
    return pd.concat([haut.assign(_separateur=False), separateur, bas.assign(_separateur=False)], ignore_index=True)


def note_figure_ecarts(comp: pd.DataFrame) -> str:
    """Phrase à placer sous ``figure_ecarts`` quand elle est résumée ; « » sinon."""
    if not figure_resumee(len(comp)):
        return ""
    return (
        f"La figure ne montre que les {EXTREMES_FIGURE} écarts les plus élevés et les {EXTREMES_FIGURE} plus "
        f"faibles : les {nombre_fr(len(comp))} quartiers, avec leur écart, sont dans le tableau téléchargeable "
        f"(classeur Excel du chapitre)."
    )


def note_figure_population(quartiers: pd.DataFrame) -> str:
    """Phrase à placer sous ``figure_population`` quand elle est résumée ; « » sinon."""
    n = int(quartiers["est_qpv"].sum())
    if not figure_resumee(n):
        return ""
    return (
        f"La figure ne montre que les {EXTREMES_FIGURE} quartiers prioritaires les plus peuplés et les "
        f"{EXTREMES_FIGURE} moins peuplés : les {nombre_fr(n)} quartiers, avec leur population, sont dans le "
        f"tableau téléchargeable (classeur Excel du chapitre)."
    )


def _couleurs_sens(sens) -> list[str]:
    """Couleur de chaque barre : bleu au-dessus de la référence, orange en dessous."""
    return [BLEU if s == "au-dessus" else ORANGE for s in sens]


def _hauteur(n: int, base: float = 1.4, par_ligne: float = 0.34) -> float:
    return max(3.0, base + par_ligne * n)


def _graduations(ax, unite: str = ""):
    """Graduations « rondes » (pas de 1, 2 ou 5 × 10^n) et autant de décimales que le pas en demande."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
    graduations = [g for g in ax.get_xticks()]
    pas = min((abs(b - a) for a, b in zip(graduations, graduations[1:])), default=1)
    decimales = 0 if pas >= 1 else (1 if pas >= 0.1 else 2)
    format_axe(ax, "x", unite, decimales)


# Longue : le dessin d'une seule figure (barres, étiquettes, légende, axes) : ses gestes se suivent et partagent les
# mêmes axes.
def figure_ecarts(comp: pd.DataFrame, code: str, source: str, designation: Designation | None = None):
    """Écart de chaque QPV au niveau de référence (``comp`` : sortie de ``compute.qpv.comparaison``), barres
    horizontales triées ; les QPV dont la valeur est secrète sont nommés sans barre ; trait pointillé = moyenne des
    QPV. Au-delà de ``SEUIL_QUARTIERS_FIGURE`` QPV, seuls les ``EXTREMES_FIGURE`` plus grands et plus petits écarts
    sont montrés (phrase à placer sous la figure : ``note_figure_ecarts``). Renvoie ``None`` si aucun niveau de
    référence n'est publié."""
    import matplotlib.pyplot as plt

    style_figures()
    t = designation or Designation()
    i = cq.indicateur(code)
    niveau = comp["niveau_ecart"].iloc[0] if len(comp) else None
    if niveau is None or (isinstance(niveau, float) and math.isnan(niveau)):
        return None
    ref = float(comp["reference_ecart"].iloc[0])
    d = comp.copy()
    d["libelle"] = [
        q if m is None or (isinstance(m, float) and math.isnan(m)) else f"{q} ({m})"
        for q, m in zip(d["quartier"], d["marque"])
    ]
    d = d.sort_values("ecart_reference", ascending=False, na_position="last", kind="stable")
    d = _extremes(d, "ecart_reference", "libelle")
    separateur = d["_separateur"].to_numpy(dtype=bool) if "_separateur" in d.columns else [False] * len(d)
    d["sens"] = ["au-dessus" if e >= 0 else "en dessous" for e in d["ecart_reference"].fillna(0)]
    fig, ax = plt.subplots(figsize=(9, _hauteur(len(d))))
    barres_horizontales(ax, list(d["libelle"]), [(d["ecart_reference"], _couleurs_sens(d["sens"]))])
    ax.axvline(0, color="#1d2733", linewidth=1)
    moy = float(d["qpv_territoire"].iloc[0]) - ref
    libelle_niveau = f"{t.le} hors QPV" if niveau == cq.NIVEAU_HORS_QPV else t.le
    etendue = max(abs(d["ecart_reference"].min(skipna=True)), abs(d["ecart_reference"].max(skipna=True)), 1e-9)
    decalage = 0.012 * etendue
    for y, (e, m, sep) in enumerate(zip(d["ecart_reference"], d["marque"], separateur)):
        if sep:  # ligne qui sépare les plus grands écarts des plus faibles (figure résumée) : pas de barre
            continue
        if not math.isnan(e):
            ax.text(
                e + (decalage if e >= 0 else -decalage),
                y,
                formats.ecart_court(code, e),
                va="center",
                ha="left" if e >= 0 else "right",
                fontsize=8,
                color="#1d2733",
            )
        else:
            negatif = d["ecart_reference"].median(skipna=True) < 0
            ax.text(
                -decalage if negatif else decalage,
                y,
                "valeur non publiée (secret statistique)" if m == cq.SECRET else "non disponible",
                va="center",
                ha="right" if negatif else "left",
                fontsize=8,
                color=GRIS,
                style="italic",
            )
    if not math.isnan(moy):
        from matplotlib.lines import Line2D

        ax.axvline(moy, color=GRIS, linestyle="--", linewidth=1.2)
        ax.legend(
            handles=[
                Line2D(
                    [0],
                    [0],
                    color=GRIS,
                    linestyle="--",
                    label=f"QPV du territoire : {formats.formater_ecart(code, moy)}",
                )
            ],
            loc="lower right" if moy >= 0 else "upper left",
            fontsize=8.5,
            frameon=True,
        )
    gauche, droite = ax.get_xlim()
    ax.set_xlim(min(gauche, -0.05 * etendue) - 0.1 * etendue, max(droite, 0.05 * etendue) + 0.1 * etendue)
    u = formats.unite_ecart(code)
    _graduations(ax)
    note = i.notes_references.get(niveau)
    qui = "Écarts extrêmes des QPV" if figure_resumee(len(comp)) else "Écart de chaque QPV"
    finir_figure(
        fig,
        ax,
        f"{i.court}\n{qui} à {libelle_niveau} ({formats.formater(code, ref)})",
        f"Écart à {libelle_niveau} ({u})" + (f"\nRéférence : {note}" if note else ""),
        "",
        source,
    )
    return fig


def figure_population(quartiers: pd.DataFrame, source: str):
    """Population municipale de chaque QPV (``quartiers`` : sortie de ``compute.qpv.quartiers``) ; ``None`` si aucune
    population n'est connue. Au-delà de ``SEUIL_QUARTIERS_FIGURE`` QPV, seuls les ``EXTREMES_FIGURE`` plus peuplés et
    moins peuplés sont montrés (phrase à placer sous la figure : ``note_figure_population``)."""
    import matplotlib.pyplot as plt

    d = quartiers[quartiers["est_qpv"]].copy()
    d["pop"] = pd.to_numeric(d["pop_mun"], errors="coerce").astype("float64")
    if d["pop"].isna().all():
        return None
    style_figures()
    d = d.sort_values("pop", ascending=False, kind="stable")
    d = _extremes(d, "pop", "quartier")
    separateur = d["_separateur"].to_numpy(dtype=bool) if "_separateur" in d.columns else [False] * len(d)
    fig, ax = plt.subplots(figsize=(9, _hauteur(len(d))))
    barres_horizontales(ax, list(d["quartier"]), [(d["pop"], BLEU)])
    for y, (v, sep) in enumerate(zip(d["pop"], separateur)):
        if not sep:  # la ligne qui sépare les plus peuplés des moins peuplés (figure résumée) n'a pas de barre
            ax.text(v, y, f" {nombre_fr(v)}", va="center", ha="left", fontsize=8)
    ax.set_xlim(0, d["pop"].max() * 1.12)
    _graduations(ax)
    titre = "Population des quartiers prioritaires"
    if "_separateur" in d.columns:
        titre += f" : les plus et les moins peuplés des {nombre_fr(int(quartiers['est_qpv'].sum()))} QPV"
    finir_figure(fig, ax, titre, "Population municipale (habitants)", "", source)
    return fig


def figure_parts(parts: pd.DataFrame, part_population: float, source: str, designation: Designation | None = None):
    """Part des QPV dans le total de l'agglomération de chaque effectif (``parts`` : sortie de
    ``compute.qpv.parts_agglomeration``), comparée à leur part de la population (trait pointillé). Renvoie ``None``
    si aucune part n'est calculable (totaux du territoire non publiés)."""
    import matplotlib.pyplot as plt

    d = parts[parts["part_qpv"].notna() & (parts["code"] != "pop_mun")].copy()
    if d.empty:
        return None
    style_figures()
    d["libelle"] = [cq.indicateur(c).court for c in d["code"]]
    d = d.sort_values("part_qpv", ascending=False, kind="stable")
    d["sens"] = ["au-dessus" if p >= part_population else "en dessous" for p in d["part_qpv"]]
    fig, ax = plt.subplots(figsize=(9, _hauteur(len(d), base=1.8)))
    barres_horizontales(ax, list(d["libelle"]), [(d["part_qpv"], _couleurs_sens(d["sens"]))])
    for y, v in enumerate(d["part_qpv"]):
        ax.text(v, y, f" {pourcent(v)}", va="center", ha="left", fontsize=8.5)
    if not math.isnan(part_population):
        ax.axvline(part_population, color=GRIS, linestyle="--", linewidth=1.2)
        ax.text(
            part_population,
            -0.75,
            f" part de la population : {pourcent(part_population, 0)}",
            color=GRIS,
            fontsize=8.5,
            ha="left",
            va="bottom",
        )
    ax.set_ylim(len(d) - 0.5, -1.1)
    ax.set_xlim(0, max(d["part_qpv"].max(), part_population if not math.isnan(part_population) else 0) * 1.15)
    _graduations(ax, "%")
    t = designation or Designation()
    finir_figure(fig, ax, f"Part des QPV dans le total {t.de}", f"Part des QPV dans {t.le} (%)", "", source)
    return fig


def figure_fiche(fiche: pd.DataFrame, quartier: str, source: str, designation: Designation | None = None):
    """Fiche quartier : le quartier, la moyenne des QPV et l'agglomération sur les indicateurs exprimés en %
    (``fiche`` : sortie de ``compute.qpv.fiche_indicateurs``). Une valeur secrète ou non publiée n'a pas de barre.
    Renvoie ``None`` si le quartier n'a aucune valeur."""
    import matplotlib.pyplot as plt

    style_figures()
    d = fiche[fiche["unite"] == "%"].copy()
    d["libelle"] = [
        cq.indicateur(c).court + (f" (quartier : {v})" if isinstance(v, str) else "")
        for c, v in zip(d["code"], d["valeur"])
    ]
    d["quartier_num"] = [v if not isinstance(v, str) else math.nan for v in d["valeur"]]
    if d["quartier_num"].isna().all():
        return None
    t = designation or Designation()
    niveaux = [quartier, "QPV du territoire", t.colonne]
    couleurs = [BLEU, "#9bb7d4", "#c9ccd1"]
    valeurs = [d["quartier_num"].to_numpy(dtype=float), d["qpv_territoire"].to_numpy(dtype=float)]
    valeurs.append(d["agglomeration"].to_numpy(dtype=float))
    if np.isnan(valeurs[2]).all():  # territoire sans valeur (non reçue) : pas de série vide dans la légende
        niveaux, couleurs, valeurs = niveaux[:2], couleurs[:2], valeurs[:2]
    fig, ax = plt.subplots(figsize=(9, _hauteur(len(d), base=1.8, par_ligne=0.75)))
    conteneurs = barres_horizontales(ax, list(d["libelle"]), list(zip(valeurs, couleurs)))
    for conteneur in conteneurs:
        etiquettes_de_valeur(
            ax,
            conteneur,
            [pourcent(b.get_width()) if not math.isnan(b.get_width()) else "" for b in conteneur],
            fontsize=7.5,
            padding=2,
        )
    ax.set_xlim(0, max(np.nanmax(np.concatenate(valeurs)), 1) * 1.18)
    from matplotlib.transforms import ScaledTranslation

    ax.legend(
        handles=poignees_legende(niveaux, couleurs),
        title="",
        loc="upper center",
        # à une distance fixe sous les axes (0,5 pouce : sous les graduations et le titre de l'axe), quelle que soit
        # la hauteur de la figure : avec deux indicateurs, une fraction des axes posait la légende sur « Valeur (%) »
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=ax.transAxes + ScaledTranslation(0, -0.5, fig.dpi_scale_trans),
        ncol=3,
        fontsize=8.5,
        frameon=False,
    )
    _graduations(ax, "%")
    finir_figure(
        fig,
        ax,
        f"{quartier}\nIndicateurs en % : " + ", ".join(["quartier", "QPV du territoire", t.nature][: len(niveaux)]),
        "Valeur (%)",
        "",
        source,
    )
    return fig
