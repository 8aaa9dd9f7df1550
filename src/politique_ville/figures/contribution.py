"""Figures du chapitre 3 (contribution de la programmation aux objectifs) et de l'annexe (grille des priorités).

Chaque fonction prend une sortie de :mod:`politique_ville.compute.contribution` et renvoie une figure matplotlib
(titre, axes avec unités, ligne de source en français)."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from politique_ville import formats
from politique_ville.figures import style

from .barres import barres_horizontales, poignees_legende

COULEUR_DROIT_COMMUN = "#1d4f80"
COULEUR_CREDITS = "#e39b2d"
LIBELLE_DROIT_COMMUN = "Subventions droit commun"
LIBELLE_CREDITS = "Subventions crédits spécifiques Pol Ville"


def _libelle_groupe(groupe: str, niveau: str, largeur: int = 30) -> str:
    texte = f"{groupe} (pilier)" if niveau == "pilier" else groupe
    return "\n".join(textwrap.wrap(texte, largeur))


def _groupes(comp: pd.DataFrame) -> pd.DataFrame:
    """Lignes de la comparaison hors « Ensemble », avec un libellé d'axe."""
    df = comp[comp["niveau"] != "ensemble"].copy()
    df["libelle_axe"] = [_libelle_groupe(g, n) for g, n in zip(df["groupe"], df["niveau"])]
    return df


def montants_par_thematique(comp: pd.DataFrame, annee: int, source: str):
    """Barres groupées : subventions de droit commun et crédits spécifiques par thématique (tableaux du chapitre 3).

    ``comp`` : sortie de ``comparaison_thematiques``."""
    style.style_figures()
    df = _groupes(comp)
    montants = [df["droit_commun"].to_numpy(dtype=float), df["credits_specifiques"].to_numpy(dtype=float)]
    libelles, couleurs = [LIBELLE_DROIT_COMMUN, LIBELLE_CREDITS], [COULEUR_DROIT_COMMUN, COULEUR_CREDITS]
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(df) + 1.8))
    conteneurs = barres_horizontales(ax, list(df["libelle_axe"]), list(zip(montants, couleurs)))
    maxi = float(np.nanmax(np.concatenate(montants))) if len(df) else 0
    for conteneur in conteneurs:
        ax.bar_label(conteneur, labels=[formats.euros(v) for v in conteneur.datavalues], padding=3, fontsize=8)
    ax.set_xlim(0, maxi * 1.2 if maxi > 0 else 1)
    style.format_axe(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.legend(handles=poignees_legende(libelles, couleurs), title=None, loc="best", frameon=True)
    return style.finir_figure(
        fig, ax, f"Subventions de la programmation {annee} par thématique", "Montant (€)", "", source
    )


def effet_levier(comp: pd.DataFrame, annee: int, source: str):
    """Barres : euros de droit commun mobilisés pour 1 € de crédits spécifiques, par thématique, avec la valeur de
    l'ensemble en trait vertical. ``comp`` : sortie de ``comparaison_thematiques``."""
    style.style_figures()
    df = _groupes(comp).sort_values("effet_levier", ascending=False, na_position="last")
    ensemble = comp.loc[comp["niveau"] == "ensemble", "effet_levier"]
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(df) + 1.8))
    (barres,) = barres_horizontales(ax, list(df["libelle_axe"]), [(df["effet_levier"], COULEUR_DROIT_COMMUN)])
    textes = ax.bar_label(barres, labels=[formats.euros(v, 2) for v in barres.datavalues], padding=3, fontsize=8)
    for t in textes:
        t.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9})
        t.set_zorder(5)
    if len(ensemble) and not pd.isna(ensemble.iloc[0]):
        v = float(ensemble.iloc[0])
        ax.axvline(v, color=COULEUR_CREDITS, linestyle="--", linewidth=1.5, zorder=1)
        ax.text(v, -0.7, f" Ensemble : {formats.euros(v, 2)}", color="#8a5a00", fontsize=8.5, va="bottom", ha="left")
    maxi = float(np.nanmax(df["effet_levier"].to_numpy(dtype=float))) if len(df) else 1
    ax.set_xlim(0, maxi * 1.18)
    ax.set_ylim(len(df) - 0.5, -1.1)
    style.format_axe(ax, "x", decimales=1)
    return style.finir_figure(
        fig,
        ax,
        f"Effet levier : droit commun mobilisé pour 1 € de crédits spécifiques ({annee})",
        "Subventions droit commun pour 1 € de crédits spécifiques Pol Ville (€)",
        "",
        source,
    )


def montant_moyen_par_projet(comp: pd.DataFrame, annee: int, source: str):
    """Barres empilées : montant moyen par projet soutenu (droit commun + crédits spécifiques), par thématique.
    ``comp`` : sortie de ``comparaison_thematiques``."""
    style.style_figures()
    df = _groupes(comp).sort_values("moyenne_projet", ascending=True, na_position="first")
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(df) + 1.8))
    y = np.arange(len(df))
    dc = df["moyenne_droit_commun"].to_numpy(dtype=float)
    cs = df["moyenne_credits_specifiques"].to_numpy(dtype=float)
    ax.barh(y, dc, color=COULEUR_DROIT_COMMUN, label=LIBELLE_DROIT_COMMUN)
    ax.barh(y, cs, left=np.nan_to_num(dc), color=COULEUR_CREDITS, label=LIBELLE_CREDITS)
    total = df["moyenne_projet"].to_numpy(dtype=float)
    for yi, t in zip(y, total):
        ax.text((0 if np.isnan(t) else t), yi, "  " + formats.euros(t), va="center", fontsize=8)
    ax.set_yticks(y, df["libelle_axe"])
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    maxi = float(np.nanmax(total)) if len(total) else 1
    ax.set_xlim(0, maxi * 1.18)
    style.format_axe(ax, "x")
    ax.legend(loc="lower right", frameon=True)
    return style.finir_figure(
        fig,
        ax,
        f"Montant moyen des subventions par projet soutenu ({annee})",
        "Montant moyen par projet (€)",
        "",
        source,
    )


def grille_heatmap(matrice: pd.DataFrame, libelles: dict[str, str], annee: int, source: str):
    """Carte de chaleur du nombre d'actions par priorité (lignes) et rang de sous-priorité (colonnes) ; les cases
    sans sous-priorité dans la feuille de route restent blanches. ``matrice`` : sortie de ``matrice_grille`` ;
    ``libelles`` : libellé court de chaque ligne (« Priorité 1 » -> « 1. Optimiser la déclinaison… »)."""
    style.style_figures()
    m = matrice.astype(float)
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(m) + 2.2))
    sns.heatmap(
        m,
        mask=m.isna(),
        annot=True,
        fmt=".0f",
        cmap="Blues",
        linewidths=0.6,
        linecolor="white",
        cbar_kws={"label": "Nombre d'actions"},
        ax=ax,
        vmin=0,
    )
    ax.set_facecolor("#f4f4f4")
    ax.grid(False)
    ax.set_yticklabels(
        [textwrap.shorten(libelles.get(i, i), 60, placeholder="…") for i in m.index], rotation=0, fontsize=8.5
    )
    ax.set_xticklabels([c if c.startswith(".") else "\n".join(textwrap.wrap(c, 12)) for c in m.columns], rotation=0)
    ax.tick_params(axis="both", length=0)
    return style.finir_figure(
        fig,
        ax,
        f"Actions de la programmation {annee} par priorité et sous-priorité",
        "Sous-priorité (rang dans la priorité : .1, .2…)",
        "",
        source,
    )
