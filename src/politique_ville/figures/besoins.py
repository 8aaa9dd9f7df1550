"""Les besoins face aux moyens : nuage de points étiqueté, un point par quartier prioritaire.

Entrée : la sortie de :func:`politique_ville.compute.besoins.classement` (ou ``besoins_moyens``). En abscisse,
l'indicateur de besoin (taux de pauvreté quand le fichier des quartiers le donne, sinon taux d'emploi) ; en ordonnée,
le financement total rattaché par habitant ; aire du point proportionnelle à la population ; chaque point porte le
nom de son quartier ; un quartier sans action rattachée est un repère gris, sans étiquette. Un quartier dont le financement repose sur des montants par action reconstruits a un point
creux et un astérisque après son nom (légende sous la figure).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from politique_ville.figures import style
from politique_ville.reference import provenance as pv

COULEUR = "#1d4f80"
LIBELLES_BESOIN = {"tp60": "Taux de pauvreté (%)", "tx_tot_empl": "Taux d'emploi (%)"}


def nuage_besoins_moyens(besoins: pd.DataFrame, indicateur: str, annee: int, source: str):
    """Nuage étiqueté : besoin (abscisse) face au financement total par habitant (ordonnée). ``None`` si aucun
    quartier n'a à la fois l'indicateur et une population."""
    style.style_figures()
    df = besoins[besoins[indicateur].notna() & besoins["total_par_habitant"].notna()].copy()
    if df.empty:
        return None
    df["reconstruit"] = df["provenance_total"].map(lambda p: pv.normaliser(p) == pv.RECONSTRUIT)
    pop = df["pop_mun"].fillna(0).to_numpy(dtype=float)
    tailles = 40 + 360 * (pop / pop.max() if pop.max() > 0 else 0)
    fig, ax = plt.subplots(figsize=(9, 6))
    sans = (df["actions"] == 0).to_numpy()
    if sans.any():  # aucune action rattachée : un repère gris, sans étiquette (les noms sont dans le tableau)
        ax.scatter(
            df[indicateur][sans],
            df["total_par_habitant"][sans],
            s=30,
            marker="x",
            color="#8a96a3",
            label="aucune action rattachée",
        )
    pleins = ~df["reconstruit"].to_numpy() & ~sans
    ax.scatter(
        df[indicateur][pleins],
        df["total_par_habitant"][pleins],
        s=tailles[pleins],
        color=COULEUR,
        alpha=0.75,
        edgecolor="white",
        linewidth=0.8,
        label="montants de la programmation",
    )
    creux = df["reconstruit"].to_numpy() & ~sans
    if creux.any():
        ax.scatter(
            df[indicateur][creux],
            df["total_par_habitant"][creux],
            s=tailles[creux],
            facecolor="none",
            edgecolor=COULEUR,
            linewidth=1.5,
            label="montants reconstruits*",
        )
    for x, y, nom, code, r, n in zip(
        df[indicateur], df["total_par_habitant"], df["nom_qp"], df["code_qp"], df["reconstruit"], df["actions"]
    ):
        if n == 0:
            continue
        etiquette = (nom if isinstance(nom, str) and nom.strip() else code) + ("*" if r else "")
        ax.annotate(etiquette, (x, y), xytext=(6, 4), textcoords="offset points", fontsize=8, color="#1b2733")
    maxi = float(np.nanmax(df["total_par_habitant"].to_numpy(dtype=float)))
    ax.set_ylim(0, maxi * 1.15 if maxi > 0 else 1)
    xs = df[indicateur].to_numpy(dtype=float)
    marge = max(1.0, (xs.max() - xs.min()) * 0.15)
    ax.set_xlim(xs.min() - marge, xs.max() + marge)
    style.format_axe(ax, "x", "%", 1)
    style.format_axe(ax, "y", "€", 0)
    if creux.any() or sans.any():
        ax.legend(loc="best", frameon=True, fontsize=8)
    sens = "à droite : pauvreté plus forte" if indicateur == "tp60" else "à gauche : emploi plus faible"
    fig = style.finir_figure(
        fig,
        ax,
        f"Financement rattaché par habitant et besoin des quartiers, {annee}",
        f"{LIBELLES_BESOIN[indicateur]} — {sens}",
        "Financement total par habitant (€)",
        source + (" ; * montants par action reconstruits, non publiés" if creux.any() else ""),
    )
    sns.despine(fig)
    return fig
