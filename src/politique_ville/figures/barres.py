"""Barres horizontales par catégorie, dessinées directement avec matplotlib, du même aspect que ``sns.barplot``
(``orient="h"``, une valeur par catégorie, sans barre d'erreur) : couleurs atténuées comme celles de seaborn
(saturation 0,75), une catégorie par graduation (la première en haut), barres côte à côte quand il y a plusieurs
séries, pas de quadrillage horizontal. Le thème reste celui de seaborn (:func:`politique_ville.figures.style.style_figures`).

``sns.barplot`` regroupe, trie et agrège ses données (et calcule un intervalle de confiance par bootstrap quand on
ne le lui interdit pas) pour tracer une barre par valeur : autant de temps pris à chaque figure, et à chaque fiche
quartier. Ici, chaque libellé est une ligne, même quand deux quartiers portent le même nom (``sns.barplot`` les
fondrait en une seule barre, leur moyenne).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np

#: saturation des couleurs de remplissage de ``sns.barplot`` (paramètre ``saturation``)
SATURATION = 0.75

#: épaisseur totale des barres d'une catégorie (paramètre ``width`` de ``sns.barplot``)
EPAISSEUR = 0.8


def couleur_barre(couleur) -> tuple:
    """La couleur telle que ``sns.barplot`` la donne à une barre (saturation atténuée)."""
    import seaborn as sns

    return sns.desaturate(couleur, SATURATION)


def barres_horizontales(ax, libelles: Sequence[str], series: Sequence[tuple], *, cote_a_cote: bool = True) -> list:
    """Une ligne par libellé (``libelles``, de haut en bas) et, par série ``(valeurs, couleur)``, une barre par
    valeur connue (valeur manquante : pas de barre). ``couleur`` : une couleur (texte) pour toute la série, ou une
    liste, une couleur par valeur. Plusieurs séries sont côte à côte (``cote_a_cote``, les ``hue`` de
    ``sns.barplot``) ou au même endroit (séries qui ne se recouvrent pas : ``sns.barplot(dodge=False)``). Renvoie
    les conteneurs de barres, un par série (ceux de ``ax.containers``)."""
    n = len(libelles)
    positions = np.arange(n, dtype=float)
    k = len(series) if cote_a_cote else 1
    epaisseur = EPAISSEUR / k
    conteneurs = []
    with _limites_en_une_fois(ax):
        _ajouter_les_barres(ax, positions, series, conteneurs, epaisseur, cote_a_cote)
    ax.set_yticks(positions, list(libelles))
    ax.yaxis.grid(False)
    ax.set_ylim(n - 0.5, -0.5)
    return conteneurs


def _ajouter_les_barres(ax, positions, series, conteneurs: list, epaisseur: float, cote_a_cote: bool) -> None:
    for rang, (valeurs, couleur) in enumerate(series):
        v = np.asarray(valeurs, dtype=float)
        connues = ~np.isnan(v)
        if not connues.any():  # aucune barre : conteneur vide, comme seaborn
            conteneurs.append(ax.barh([], [], height=epaisseur, align="edge", color="none"))
            continue
        if isinstance(couleur, str):
            teintes = couleur_barre(couleur)
        else:
            teintes = [couleur_barre(c) for c, garde in zip(couleur, connues) if garde]
        bord = positions[connues] - EPAISSEUR / 2 + (epaisseur * rang if cote_a_cote else 0)
        conteneurs.append(ax.barh(bord, v[connues], height=epaisseur, align="edge", color=teintes))


@contextlib.contextmanager
def _limites_en_une_fois(ax):
    """Les limites des données de ``ax`` étendues une fois pour toutes les barres ajoutées dans le bloc, au lieu
    d'une fois par barre : matplotlib (``Axes._update_patch_limits``) passe chaque barre par sa transformation et
    ses courbes de Bézier (0,6 ms la barre, 30 barres par fiche quartier). Une barre de ``bar``/``barh`` est un
    rectangle en coordonnées des données, sans rotation : ses coins sont ``(x, y)`` et ``(x + largeur, y +
    hauteur)``, les mêmes nombres que ceux que matplotlib en tire (même image, vérifié par les tests) ; un autre
    patch ajouté dans le bloc passe par matplotlib."""
    from matplotlib.patches import Rectangle

    mise_a_jour = getattr(ax, "_update_patch_limits", None)
    if mise_a_jour is None:  # version de matplotlib sans cette méthode : rien n'est changé
        yield
        return
    ajoutes: list = []
    ax._update_patch_limits = ajoutes.append
    try:
        yield
    finally:
        del ax._update_patch_limits
    coins = []
    for patch in ajoutes:
        simple = type(patch) is Rectangle and patch.angle == 0 and patch.get_data_transform() is ax.transData
        if not simple:
            mise_a_jour(patch)
            continue
        x, y, largeur, hauteur = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
        if largeur or hauteur:  # comme matplotlib : un rectangle vide n'étend pas les limites
            coins += [(x, y), (x + largeur, y + hauteur)]
    if coins:
        ax.update_datalim(coins)


def poignees_legende(libelles: Sequence[str], couleurs: Sequence) -> list:
    """Poignées de légende des séries (rectangles pleins), celles que ``sns.barplot`` place pour ``hue``."""
    from matplotlib.patches import Rectangle

    return [Rectangle((0, 0), 0, 0, facecolor=couleur_barre(c), label=nom) for nom, c in zip(libelles, couleurs)]


def etiquettes_de_valeur(ax, conteneur, textes: Sequence[str], *, padding: float = 0, fontsize=None) -> list:
    """Une étiquette au bout de chaque barre horizontale de ``conteneur`` (texte vide : pas d'étiquette), placée
    comme par ``ax.bar_label`` (à ``padding`` points du bout, centrée sur la barre : même image au pixel près), mais
    en textes simples : une annotation coûte plus à mesurer et à dessiner (7 % du temps d'une figure de fiche
    quartier, qui en porte une par barre)."""
    from matplotlib.transforms import offset_copy

    apres = offset_copy(ax.transData, fig=ax.figure, x=padding, y=0, units="points")
    avant = offset_copy(ax.transData, fig=ax.figure, x=-padding, y=0, units="points")
    sortie = []
    for barre, texte in zip(conteneur, textes):
        if not texte:
            continue
        largeur = barre.get_width()
        x, y = barre.get_x() + largeur, barre.get_y() + barre.get_height() / 2
        negative = largeur < 0
        sortie.append(
            ax.text(
                x,
                y,
                texte,
                transform=avant if negative else apres,
                ha="right" if negative else "left",
                va="center",
                fontsize=fontsize,
            )
        )
    return sortie
