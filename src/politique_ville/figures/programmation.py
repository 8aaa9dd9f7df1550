"""Figures du chapitre 2 (programmation et programmes connexes).

Chaque fonction reçoit une sortie de :mod:`politique_ville.compute.programmation` (éventuellement passée par
:func:`~politique_ville.compute.programmation.confronter`) et la ligne de source, et renvoie la figure matplotlib :
titre, axes avec unités et source en français, nombres au format français.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from politique_ville import formats
from politique_ville.figures import style

BLEU = "#2f6f9f"
BLEU_CLAIR = "#9cc3e0"
ORANGE = "#d9822b"
GRIS = "#5a6b7d"


def _figure(largeur=9.5, hauteur=4.2):
    import matplotlib.pyplot as plt

    style.style_figures()
    return plt.subplots(figsize=(largeur, hauteur))


def _coupe(texte: str, largeur: int = 34) -> str:
    return "\n".join(textwrap.wrap(str(texte), largeur)) or str(texte)


def figure_projets_par_pilier(piliers: pd.DataFrame, source: str):
    """Barres horizontales groupées : projets par pilier publiés (section 2.1) et actions recalculées (listes du
    chapitre 3). ``piliers`` : sortie de ``confronter(projets_par_pilier(...), ...)``."""
    fig, ax = _figure(9.5, 4.2)
    y = np.arange(len(piliers))
    h = 0.38
    pub = piliers["valeur_publiee"].to_numpy(dtype=float)
    rec = piliers["valeur_recalculee"].to_numpy(dtype=float)
    ax.barh(y - h / 2, pub, height=h, color=BLEU_CLAIR, label="Publié (texte de la section 2.1)")
    ax.barh(y + h / 2, rec, height=h, color=BLEU, label="Recalculé (actions de la programmation)")
    for yi, v in zip(y - h / 2, pub):
        if not math.isnan(v):
            ax.text(v + 0.8, yi, formats.nombre_fr(v), va="center", fontsize=9, color=GRIS)
    for yi, v in zip(y + h / 2, rec):
        ax.text(v + 0.8, yi, formats.nombre_fr(v), va="center", fontsize=9, color="#1d2733", fontweight="bold")
    ax.set_yticks(y, [_coupe(p, 28) for p in piliers["pilier"]])
    ax.invert_yaxis()
    ax.set_xlim(0, np.nanmax(np.concatenate([pub, rec])) * 1.15)
    style.format_axe(ax, "x")
    ax.legend(loc="lower right", frameon=True, fontsize=9)
    return style.finir_figure(
        fig,
        ax,
        "Projets retenus par pilier : chiffres publiés et recalculés",
        "Nombre de projets (actions)",
        "",
        source,
    )


def figure_financeurs(financeurs: pd.DataFrame, somme_parts: float, source: str):
    """Barres horizontales des parts publiées du financement par financeur ; pour un financeur dont le montant est
    publié, un losange marque la part recalculée (montant / total). ``financeurs`` : sortie de
    ``financement_par_financeur``."""
    fig, ax = _figure(9.5, 4.6)
    y = np.arange(len(financeurs))
    parts = financeurs["part_publiee"].to_numpy(dtype=float)
    ax.barh(y, parts, color=BLEU, height=0.6, label="Part publiée")
    for yi, v in zip(y, parts):
        ax.text(v + 0.4, yi, formats.pourcent(v), va="center", fontsize=9)
    recalc = financeurs["part_des_montants"].to_numpy(dtype=float)
    masque = ~np.isnan(recalc)
    if masque.any():
        ax.scatter(
            recalc[masque],
            y[masque],
            marker="D",
            s=60,
            color=ORANGE,
            zorder=3,
            label=_coupe("Part recalculée : montant publié / montant total", 24),
        )
        for yi, v in zip(y[masque], recalc[masque]):
            ax.annotate(
                formats.pourcent(v),
                (v, yi),
                xytext=(0, -15),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                color=ORANGE,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    ax.set_yticks(y, [_coupe(f, 30) for f in financeurs["financeur"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(np.nanmax(parts), np.nanmax(recalc) if masque.any() else 0) * 1.2)
    style.format_axe(ax, "x", "%")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=9,
        frameon=True,
        title=f"Somme des parts publiées :\n{formats.pourcent(somme_parts)}",
        title_fontsize=9,
    )
    return style.finir_figure(
        fig,
        ax,
        "Financement de la programmation par financeur",
        "Part du montant total de la programmation (%)",
        "",
        source,
    )


def figure_cget_thematiques(cget: pd.DataFrame, source: str):
    """Barres horizontales des crédits CGET par rubrique (section 2.1), la réussite éducative dessinée à
    l'intérieur de la cohésion sociale. ``cget`` : sortie de ``cget_par_thematique`` (ligne de total ignorée)."""
    fig, ax = _figure(9.5, 4.0)
    principales = cget[(~cget["dont"]) & (cget["rubrique_code"] != "total")].reset_index(drop=True)
    dont = cget[cget["dont"]]
    y = np.arange(len(principales))
    valeurs = principales["valeur_recalculee"].to_numpy(dtype=float)
    ax.barh(y, valeurs, color=BLEU, height=0.6, label="Crédits CGET")
    if len(dont):
        d = dont.iloc[0]
        parent = principales.index[principales["rubrique_code"] == "cohesion_sociale"]
        if len(parent):
            ax.barh(
                y[parent[0]],
                d["valeur_recalculee"],
                color=BLEU_CLAIR,
                height=0.6,
                hatch="//",
                edgecolor="white",
                label=formats.majuscule_initiale(str(d["rubrique"])),  # « Dont … (sous-priorité PRE-2) »
            )
            ax.text(
                d["valeur_recalculee"] / 2,
                y[parent[0]],
                formats.euros(d["valeur_recalculee"]),
                ha="center",
                va="center",
                fontsize=9,
                color="#1d2733",
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
            )
    maxi = np.nanmax(valeurs)
    for yi, v in zip(y, valeurs):
        ax.text(v + maxi * 0.01, yi, formats.euros(v), va="center", fontsize=9)
    ax.set_yticks(y, [_coupe(r, 26) for r in principales["rubrique"]])
    ax.invert_yaxis()
    ax.set_xlim(0, maxi * 1.22)
    style.format_axe(ax, "x")
    ax.legend(loc="lower right", fontsize=9, frameon=True)
    total = cget.loc[cget["rubrique_code"] == "total", "valeur_recalculee"]
    titre = "Contributions des crédits CGET par thématique"
    if len(total):
        titre += f" ({formats.euros(total.iloc[0])})"
    return style.finir_figure(fig, ax, titre, "Crédits CGET (€)", "", source)


def figure_porteurs(porteurs: pd.DataFrame, source: str):
    """Par groupe de porteurs : projets déposés (tableaux des porteurs) et actions retenues (programmation).
    ``porteurs`` : sortie de ``porteurs_deposes_et_retenus``."""
    fig, ax = _figure(9.5, 3.4)
    y = np.arange(len(porteurs))
    h = 0.38
    dep = porteurs["projets_deposes"].to_numpy(dtype=float)
    ret = porteurs["actions_retenues"].to_numpy(dtype=float)
    ax.barh(y - h / 2, dep, height=h, color=BLEU_CLAIR, label="Projets déposés (tableaux des porteurs)")
    ax.barh(y + h / 2, ret, height=h, color=BLEU, label="Actions retenues (programmation)")
    for yi, v in list(zip(y - h / 2, dep)) + list(zip(y + h / 2, ret)):
        if not math.isnan(v):
            ax.text(v + 0.8, yi, formats.nombre_fr(v), va="center", fontsize=9)
    ax.set_yticks(y, list(porteurs["groupe"]))
    ax.invert_yaxis()
    ax.set_xlim(0, np.nanmax(np.concatenate([dep, ret])) * 1.45)
    style.format_axe(ax, "x")
    ax.legend(loc="lower right", fontsize=9, frameon=True)
    return style.finir_figure(
        fig, ax, "Projets déposés et actions retenues, par type de porteur", "Nombre de projets", "", source
    )


def figure_evolution_indicateur(serie: pd.DataFrame, source: str):
    """Un indicateur d'une action année par année (barres), avec l'évolution par rapport à l'année précédente
    disponible (absolue et en %). ``serie`` : lignes de ``evolution_indicateurs`` d'une seule action et d'un seul
    indicateur. Une valeur approximative est hachurée et précédée de « ≈ »."""
    serie = serie.sort_values("annee").reset_index(drop=True)
    unite = str(serie["unite"].iloc[0])
    en_pourcent = unite == "%"
    fig, ax = _figure(8.5, 3.8)
    x = np.arange(len(serie))
    valeurs = serie["valeur_num"].to_numpy(dtype=float)
    approx = serie["approximatif"].to_numpy(dtype=bool)
    barres = ax.bar(x, valeurs, color=BLEU, width=0.55)
    for b, a in zip(barres, approx):
        if a:
            b.set_hatch("//")
            b.set_facecolor(BLEU_CLAIR)
    maxi = np.nanmax(valeurs)
    for xi, v, a in zip(x, valeurs, approx):
        texte = formats.pourcent(v, 0) if en_pourcent else formats.nombre_fr(v)
        ax.text(
            xi, v + maxi * 0.02, ("≈ " if a else "") + texte, ha="center", va="bottom", fontsize=10, fontweight="bold"
        )
    for i in range(1, len(serie)):
        r = serie.iloc[i]
        if pd.isna(r["variation_absolue"]):
            continue
        signe = "+" if r["variation_absolue"] >= 0 else ""
        absolu = (
            f"{signe}{formats.nombre_fr(r['variation_absolue'])} pt"
            if en_pourcent
            else f"{signe}{formats.nombre_fr(r['variation_absolue'])}"
        )
        relatif = (
            ""
            if pd.isna(r["variation_relative"])
            else f"\n({'+' if r['variation_relative'] >= 0 else ''}{formats.pourcent(r['variation_relative'])})"
        )
        ax.annotate(
            ("≈ " if r["variation_approximative"] else "") + absolu + relatif,
            xy=(i - 0.5, maxi * 1.16),
            ha="center",
            va="center",
            fontsize=9,
            color=ORANGE,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": ORANGE, "alpha": 0.95},
        )
    ax.grid(axis="x", visible=False)
    ax.set_xticks(x, [str(int(a)) for a in serie["annee"]])
    ax.set_ylim(0, maxi * 1.32)
    style.format_axe(ax, "y", "%" if en_pourcent else "")
    titre = f"{serie['action'].iloc[0]} : {serie['indicateur'].iloc[0]}"
    axe_y = "Part (%)" if en_pourcent else f"Nombre ({unite})"
    return style.finir_figure(fig, ax, _coupe(titre, 80), "Année", axe_y, source)
