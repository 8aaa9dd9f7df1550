"""Le style commun des figures et leur image : thème seaborn lisible à l'impression, titre, axes avec unités et ligne
de source en français (:func:`finir_figure`, :func:`format_axe`), mise en page en une mesure, texte alternatif,
image PNG en un seul dessin (palette de 256 couleurs quand elle ne s'écarte pas de plus de :data:`ECART_MAX_PALETTE`
niveaux, sinon couleurs exactes) : ce que chaque module de thème de ``figures`` emploie.
"""

from __future__ import annotations

import contextlib
import functools
import io
from math import cos, radians, sin

from politique_ville.formats import avec_unite, nombre_fr


def style_figures():
    """Thème commun des figures (seaborn), lisible à l'impression ; les mesures et les images de texte sont partagées
    d'une figure à l'autre (:func:`partager_les_mesures_de_texte`, :func:`partager_les_images_de_texte`)."""
    import matplotlib

    partager_les_mesures_de_texte()
    partager_les_images_de_texte()

    matplotlib.use("Agg") if matplotlib.get_backend().lower() not in (
        "agg",
        "module://matplotlib_inline.backend_inline",
    ) else None
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette=_palette())
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.formatter.use_locale": False,
        }
    )


@functools.lru_cache(maxsize=1)
def _palette() -> tuple:
    """Les couleurs de la palette « Blues_d » de seaborn, calculées une fois : :func:`style_figures` est appelé par
    chaque chapitre, chaque fiche et chaque figure, et seaborn recalculait la palette (dégradé, désaturation) à chaque
    fois (0,4 ms, 24 fois par territoire d'un lot) ; la liste de ses couleurs donne les mêmes réglages."""
    import seaborn as sns

    return tuple(sns.color_palette("Blues_d"))


#: mesures de texte gardées d'une figure à l'autre (textes les plus récemment mesurés)
MESURES_GARDEES = 8192


@functools.lru_cache(maxsize=1)
def partager_les_mesures_de_texte() -> bool:
    """Les dimensions d'un texte mesurées par le moteur Agg sont gardées d'une figure à l'autre ; ``False`` si la
    version de matplotlib ne s'y prête pas (rien n'est changé).

    matplotlib garde la mesure d'un texte (largeur, hauteur, jambage) pour le seul moteur de rendu qui l'a faite, et
    chaque figure a le sien : les mêmes libellés (indicateurs, graduations, légende, ligne de source) sont mesurés à
    nouveau à chaque fiche quartier, 10 à 15 % du temps de sa figure. La mesure d'Agg ne dépend que du texte, de la
    police, de la résolution et du lissage des glyphes (``text.hinting``, ``text.hinting_factor``) : c'est la clé
    gardée ici. Les formules (``$…$``) et le texte rendu par LaTeX restent mesurés par matplotlib. Même image au
    pixel près (vérifié par les tests)."""
    import matplotlib
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg

    mesurer = getattr(mtext, "_get_text_metrics_with_cache", None)
    if mesurer is None or not hasattr(RendererAgg, "get_text_width_height_descent"):
        return False

    mesures: dict = {}  # clé -> (largeur, hauteur, jambage) ; les plus anciennes retirées au-delà de la limite

    def mesurer_partage(renderer, text, fontprop, ismath, dpi):
        if type(renderer) is not RendererAgg or ismath is not False:
            return mesurer(renderer, text, fontprop, ismath, dpi)
        rc = matplotlib.rcParams
        cle = (text, fontprop.copy(), dpi, rc["text.hinting"], rc["text.hinting_factor"])
        trouvee = mesures.get(cle)
        if trouvee is None:
            trouvee = mesures[cle] = renderer.get_text_width_height_descent(text, fontprop, False)
            if len(mesures) > MESURES_GARDEES:
                mesures.pop(next(iter(mesures)), None)
        return trouvee

    mesurer_partage.__wrapped__ = mesurer  # la mesure de matplotlib, pour comparer (tests)
    mtext._get_text_metrics_with_cache = mesurer_partage
    return True


#: images de texte gardées d'une figure à l'autre (textes les plus récemment dessinés)
IMAGES_GARDEES = 4096


@functools.lru_cache(maxsize=1)
def partager_les_images_de_texte() -> bool:
    """L'image d'un texte dessinée par le moteur Agg (ses glyphes rendus par FreeType) est gardée d'une figure à
    l'autre ; ``False`` si la version de matplotlib ne s'y prête pas (rien n'est changé).

    Pour chaque texte de chaque figure, matplotlib fait rendre ses glyphes par FreeType dans une image en niveaux de
    gris (couverture de chaque pixel), puis la pose sur la toile, tournée, à la couleur du texte. Les mêmes textes
    reviennent à chaque fiche quartier (libellés des indicateurs, graduations, légende, titres d'axes, source ; ~75
    textes par figure) : leur rendu prenait ~13 % du temps de la figure. L'image ne dépend que du texte, de la
    police, de la résolution, du lissage (``text.hinting``) et de l'anticrénelage — c'est la clé ; l'angle et la
    couleur sont appliqués à la pose, comme avant. Les formules (``$…$``) restent rendues par matplotlib. Même image
    au pixel près (vérifié par les tests)."""
    import numpy as np
    from matplotlib.backends import backend_agg

    moteur = backend_agg.RendererAgg
    dessiner = getattr(moteur, "draw_text", None)
    lissage = getattr(backend_agg, "get_hinting_flag", None)
    if dessiner is None or lissage is None or not hasattr(moteur, "_prepare_font"):
        return False

    images: dict = {}  # clé -> (image, jambage, décalage x, décalage y) ; les plus anciennes retirées

    def dessiner_partage(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or type(self) is not moteur:
            return dessiner(self, gc, x, y, s, prop, angle, ismath, mtext)
        anticrenele, drapeaux = gc.get_antialiased(), lissage()
        cle = (s, prop.copy(), self.dpi, drapeaux, anticrenele)
        trouvee = images.get(cle)
        if trouvee is None:  # comme RendererAgg.draw_text : glyphes rendus à l'angle 0 (tournés à la pose)
            police = self._prepare_font(prop)
            police.set_text(s, 0, flags=drapeaux)
            police.draw_glyphs_to_bitmap(antialiased=anticrenele)
            decalage_x, decalage_y = police.get_bitmap_offset()
            image = np.array(police.get_image(), dtype=np.uint8, copy=True)
            trouvee = images[cle] = (image, police.get_descent() / 64.0, decalage_x / 64.0, decalage_y / 64.0)
            if len(images) > IMAGES_GARDEES:
                images.pop(next(iter(images)), None)
        image, jambage, decalage_x, decalage_y = trouvee
        x = round(x + decalage_x + jambage * sin(radians(angle)))
        y = round(y + decalage_y + jambage * cos(radians(angle)))
        self._renderer.draw_text_image(image, x, y + 1, angle, gc)

    dessiner_partage.__wrapped__ = dessiner  # le dessin de matplotlib, pour comparer (tests)
    moteur.draw_text = dessiner_partage
    return True


def texte_alternatif(fig) -> str:
    """Texte alternatif d'une figure, pour un lecteur d'écran et pour qui ne voit pas l'image : son titre, ce que
    montrent ses axes, sa source (lus sur la figure elle-même)."""
    morceaux = []
    titre = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    for ax in fig.get_axes():
        t = ax.get_title(loc="left") or ax.get_title()
        if t and t not in morceaux and t != titre:
            morceaux.append(t)
        axes = [
            f"{nom} : {lib}"
            for nom, lib in (("axe horizontal", ax.get_xlabel()), ("axe vertical", ax.get_ylabel()))
            if lib
        ]
        if axes:
            morceaux.append(" ; ".join(axes))
    sources = [t.get_text() for t in fig.texts if t.get_text().startswith("Source")]
    texte = ". ".join(m.rstrip(".") for m in ([titre] if titre else []) + morceaux + sources)
    return ("Figure : " + texte + ".") if texte else "Figure sans titre."


#: attribut posé sur une figure par :func:`finir_figure` quand sa mise en page est faite et que tout son contenu
#: tient dans la figure : :func:`image_figure` la rend alors en une seule passe, sans recadrage
MISE_EN_PAGE_FAITE = "_politique_ville_mise_en_page"


#: attribut posé avec le précédent : nombre de textes de chaque axe lors de la mise en page
TEXTES_PLACES = "_politique_ville_textes_places"


#: compression zlib des PNG (0 à 9) de :func:`encoder_png` : en RVB, 4 donne des fichiers plus petits que ceux de
#: matplotlib (RGBA, niveau 6) en moins de temps ; 6 gagne encore 1 % de taille, 9 est cinq fois plus lent
NIVEAU_COMPRESSION_PNG = 4


def image_figure(fig, alt: str | None = None):
    """La figure, en PNG, à afficher (``display(image_figure(fig))``) : rendue comme le fait JupyterLab, mais sans
    dépendre du moteur de matplotlib du noyau. Avec ``MPLBACKEND=Agg`` dans l'environnement (fréquent sur un
    serveur), ``display(fig)`` n'écrirait que « <Figure size 900x600 with 1 Axes> » dans le rapport.

    Une figure mise en page par :func:`finir_figure` est dessinée une seule fois, à sa taille (la mise en page a
    déjà réservé la place de chaque texte) ; toute autre figure, ou une figure dont un trait touche le bord (contenu
    ajouté après la mise en page, qui serait coupé), est recadrée sur son contenu comme dans JupyterLab
    (``bbox_inches="tight"``, deux dessins : l'un pour mesurer, l'autre pour l'image).

    ``alt`` : texte alternatif de l'image dans le HTML (par défaut :func:`texte_alternatif`)."""
    from IPython.display import Image

    donnees = _png_une_passe(fig) if getattr(fig, MISE_EN_PAGE_FAITE, False) else None
    if donnees is None:
        from IPython.core.pylabtools import print_figure

        donnees = compacter_png(print_figure(fig, fmt="png", bbox_inches="tight"), dpi=fig.dpi)
    return Image(data=donnees, format="png", metadata={"alt": alt or texte_alternatif(fig)})


def _png_une_passe(fig) -> bytes | None:
    """PNG de la figure entière, en un seul dessin sur sa toile Agg (résolution de la figure, comme JupyterLab) ;
    ``None`` si un pixel du bord n'est pas du fond ou si un texte, une légende est hors du cadre (il faut recadrer),
    ou si la figure n'a pas de toile Agg."""
    import numpy as np

    toile = fig.canvas
    if not hasattr(toile, "buffer_rgba") or getattr(toile, "device_pixel_ratio", 1) != 1:
        return None
    toile.draw()  # moteur Agg, à la résolution de la figure, fond et bord de la figure (comme print_figure)
    pixels = np.asarray(toile.buffer_rgba())
    if pixels.ndim != 3 or pixels.shape[0] < 2 or pixels.shape[1] < 2 or pixels.shape[2] != 4:
        return None
    mots = pixels.view(np.uint32)[..., 0]  # un pixel RGBA = un entier : comparaisons 4 fois moins nombreuses
    fond = mots[0, 0]
    if (mots[0] != fond).any() or (mots[-1] != fond).any() or (mots[:, 0] != fond).any() or (mots[:, -1] != fond).any():
        return None
    # un texte ou une légende tout entier hors du cadre ne laisse pas d'encre au bord (ni un texte qui le franchit
    # entre deux lettres) : mesurés, sauf les textes des axes déjà là lors de la mise en page
    if not _textes_dans_la_figure(fig, toile.get_renderer(), getattr(fig, TEXTES_PLACES, None)):
        return None
    return encoder_png(pixels, dpi=fig.dpi, palette=True)


def _textes_dans_la_figure(fig, renderer, deja_places: dict | None = None) -> bool:
    """Les textes et légendes de la figure et de ses axes sont-ils dans le cadre de la figure ? ``deja_places`` :
    nombre de textes de chaque axe (``id(ax)``) déjà là lors de la mise en page, qui les a fait tenir : seuls les
    suivants, ajoutés depuis, sont mesurés (mesurer les étiquettes de valeur de chaque barre coûte)."""
    cadre = fig.bbox
    artistes = [t for t in fig.texts if t.get_text()] + list(fig.legends)
    for ax in fig.get_axes():
        textes = list(ax.texts)[(deja_places or {}).get(id(ax), 0) :]
        artistes += [t for t in textes if t.get_text()]
        if ax.get_legend() is not None:
            artistes.append(ax.get_legend())  # une légende peut avoir été déplacée depuis
    for artiste in artistes:
        if artiste.get_visible():
            b = artiste.get_window_extent(renderer)
            if b.x0 < cadre.x0 or b.x1 > cadre.x1 or b.y0 < cadre.y0 or b.y1 > cadre.y1:
                return False
    return True


#: écart maximal (sur 255, par canal) entre une figure et son image en palette (:func:`encoder_png`) : au-delà,
#: l'image reste en RVB sans perte. Une figure du rapport (aplats, texte lissé) tient en 256 couleurs à 1 ou 2 près :
#: rien de visible, une image 2 à 3 fois plus légère (la moitié d'une fiche quartier)
ECART_MAX_PALETTE = 3


def encoder_png(
    pixels, dpi: float | None = None, niveau: int = NIVEAU_COMPRESSION_PNG, *, palette: bool = False
) -> bytes:
    """PNG sans perte d'une image RGBA (tableau ``hauteur × largeur × 4`` d'octets), écrit par Pillow : en RVB si
    elle est opaque (même rendu, un quart de données en moins), compression zlib de niveau ``niveau`` (celui de
    matplotlib, 6, coûte plus pour un gain de taille minime sur ces figures). ``dpi`` : résolution inscrite dans
    l'image, comme le fait matplotlib.

    ``palette`` : une image opaque est écrite en 256 couleurs au plus (:func:`_en_palette` ; au-delà de 4 096
    couleurs, méthode « couverture maximale » de Pillow, sans tramage), si aucun pixel ne s'écarte de plus de
    :data:`ECART_MAX_PALETTE` de sa couleur (sinon, RVB sans perte) : même aspect, un octet par pixel au lieu de
    trois."""

    import numpy as np
    from PIL import Image

    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    opaque = bool((pixels[..., 3] == 255).all())
    reduite = None
    if palette and opaque:
        # les couleurs comptées sur les pixels tels quels (RGBA opaques, sans copie) : la copie en RVB n'est faite
        # que si l'image ne tient pas dans une palette (12 ms pour une fiche quartier)
        hauteur, largeur = pixels.shape[:2]
        reduite = _en_palette(pixels, Image.frombuffer("RGBA", (largeur, hauteur), pixels, "raw", "RGBA", 0, 1))
    image = None
    if reduite is None:
        image = Image.fromarray(
            np.ascontiguousarray(pixels[..., :3]) if opaque else pixels, "RGB" if opaque else "RGBA"
        )
        if palette and opaque:
            from PIL import ImageChops

            reduite = image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
            if max(e[1] for e in ImageChops.difference(reduite.convert("RGB"), image).getextrema()) > ECART_MAX_PALETTE:
                reduite = None
    if reduite is not None:  # chaque pixel à ECART_MAX_PALETTE près
        image, niveau = reduite, max(niveau, 6)  # un octet par pixel : le niveau 6 coûte peu
    tampon = io.BytesIO()
    image.save(tampon, format="png", compress_level=niveau, **({"dpi": (dpi, dpi)} if dpi else {}))
    return tampon.getvalue()


def _en_palette(pixels, image):
    """``pixels`` (RGBA opaques, contigus ; ``image`` : l'image Pillow de ces pixels, RVB ou RGBA) en 256 couleurs
    au plus (image « P » de Pillow), chaque pixel à :data:`ECART_MAX_PALETTE` près par canal de sa couleur, ou
    ``None`` : les couleurs de l'image, des plus fréquentes aux plus rares, chacune gardée si aucune couleur déjà
    gardée n'en est assez proche, puis chaque pixel remplacé par la couleur gardée la plus proche. Une figure (aplats,
    texte lissé : ~400 couleurs) y tient ; la quantification « couverture maximale » de Pillow, qui cherche sa palette
    dans les pixels, coûtait 20 ms par figure (et l'association d'un pixel à une palette donnée, chez Pillow, est
    approchée : jusqu'à 6 d'écart)."""
    import numpy as np
    from PIL import Image

    couleurs = image.getcolors(4096)  # None : plus de 4 096 couleurs (une photo), laissée à Pillow
    if couleurs is None:
        return None
    couleurs.sort(key=lambda c: -c[0])  # des plus fréquentes aux plus rares
    rvb = np.array([c[:3] for _, c in couleurs], dtype=np.int16)
    ecarts = np.abs(rvb[:, None, 0] - rvb[None, :, 0])
    for k in (1, 2):
        np.maximum(ecarts, np.abs(rvb[:, None, k] - rvb[None, :, k]), out=ecarts)
    gardees, couvertes = [], np.zeros(len(rvb), dtype=bool)
    for i in range(len(rvb)):
        if not couvertes[i]:
            gardees.append(i)
            if len(gardees) > 256:
                return None
            couvertes |= ecarts[i] <= ECART_MAX_PALETTE
    rang = ecarts[:, gardees].argmin(axis=1).astype(np.uint8)  # couleur -> couleur gardée la plus proche
    # chaque pixel (ses quatre octets lus comme un entier) -> sa couleur, par une table indexée par l'entier modulo
    # un nombre choisi sans collision entre les couleurs de l'image (une recherche triée coûtait 24 ms par figure)
    rvba = np.full((len(rvb), 4), 255, dtype=np.uint8)
    rvba[:, :3] = rvb
    cles = rvba.view(np.uint32)[:, 0]
    mots = np.ascontiguousarray(pixels).view(np.uint32)[..., 0]
    depart = min(max(1024, len(cles) ** 2), 1 << 22)
    modulo = next((m for m in range(depart, depart + 64) if len(np.unique(cles % m)) == len(cles)), None)
    if modulo is None:  # (des milliers de couleurs proches) : laissé à Pillow
        return None
    table = np.zeros(modulo, dtype=np.uint8)
    table[cles % modulo] = rang
    indices = table[mots % np.uint32(modulo)]
    sortie = Image.fromarray(indices, "P")
    sortie.putpalette(rvb[gardees].astype(np.uint8).ravel().tolist())
    return sortie


def compacter_png(png: bytes, dpi: float | None = None) -> bytes:
    """Un PNG (de matplotlib) réécrit par :func:`encoder_png` en palette, s'il y gagne ; sinon tel quel."""

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        pixels = np.asarray(image.convert("RGBA"))
    compact = encoder_png(pixels, dpi=dpi, palette=True)
    return compact if len(compact) < len(png) else png


def format_axe(ax, axe: str = "x", unite: str = "", decimales: int = 0):
    """Graduations au format français (1 712 989, 35,3 %)."""
    from matplotlib.ticker import FuncFormatter

    def f(v, _pos):
        return _graduation(float(v), unite, decimales)

    (ax.xaxis if axe == "x" else ax.yaxis).set_major_formatter(FuncFormatter(f))


@functools.lru_cache(maxsize=4096)
def _graduation(v: float, unite: str, decimales: int) -> str:
    """Texte d'une graduation (:func:`format_axe`), gardé en mémoire : matplotlib formate chaque graduation à chaque
    mesure et à chaque dessin de la figure, et les mêmes valeurs (0, 10 %, 20 %…) reviennent d'une figure à l'autre ;
    le format français (Babel) coûte, lui, une fraction de milliseconde à chaque appel."""
    return avec_unite(v, unite, decimales) if unite else nombre_fr(v, decimales)


def finir_figure(fig, ax, titre: str, axe_x: str, axe_y: str, source: str):
    """Titre, libellés d'axes (avec unités) et ligne de source en bas de la figure, puis mise en page
    (:func:`mettre_en_page`) : chaque texte a sa place dans la figure.

    Le titre d'une figure d'un seul axe est posé juste au-dessus de l'axe (``y=1``), là où matplotlib le mettrait :
    sans graduations ni libellé en haut de l'axe, ni décalage (« 1e6 ») des graduations verticales, rien ne l'en
    écarte, et matplotlib ne refait pas ce calcul (il mesure alors les graduations) à chaque mesure et à chaque
    dessin de la figure."""
    from matplotlib.ticker import ScalarFormatter

    seul = fig.get_axes() == [ax]
    graduations_en_haut = ax.xaxis.majorTicks[0].label2.get_visible() or ax.xaxis.get_label_position() == "top"
    decalage_possible = isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter)
    position = {"y": 1.0} if seul and not graduations_en_haut and not decalage_possible else {}
    ax.set_title(titre, loc="left", **position)
    ax.set_xlabel(axe_x)
    ax.set_ylabel(axe_y)
    fig.text(0.01, 0.005, f"Source : {source}", fontsize=8, color="#5a6b7d", ha="left", va="bottom")
    mettre_en_page(fig, rect=(0, 0.03, 1, 1))
    return fig


def mettre_en_page(fig, rect=(0, 0, 1, 1), pad: float = 1.08):
    """Même mise en page que ``fig.tight_layout(rect=rect, pad=pad)`` (marges juste suffisantes pour les graduations,
    libellés, titre et légende de chaque axe, dans le rectangle ``rect`` en fraction de la figure), en une seule
    mesure pour une figure d'un seul axe : ``tight_layout`` mesure deux fois quand ``rect`` est donné, pour le même
    résultat avec un seul axe. Les autres figures (plusieurs axes, barre de couleur) passent par ``tight_layout``.

    Marque la figure (:data:`MISE_EN_PAGE_FAITE`) quand la mise en page a réussi et que les textes posés sur la figure
    (ligne de source) y tiennent : :func:`image_figure` la dessine alors une seule fois, sans recadrage."""

    import matplotlib
    from matplotlib.font_manager import FontProperties

    axes = fig.get_axes()
    spec = axes[0].get_subplotspec() if len(axes) == 1 else None
    moteur = getattr(fig.canvas, "get_renderer", None)  # figures de pyplot (Agg, moteur « inline » de Jupyter)
    if moteur is None:
        fig.tight_layout(rect=rect, pad=pad)
        return fig
    renderer = moteur()
    un_seul_axe = (
        spec is not None
        and spec.get_gridspec().get_geometry() == (1, 1)
        and all(getattr(fig, a, None) is None for a in ("_suptitle", "_supxlabel", "_supylabel"))
    )
    reussi = False
    if un_seul_axe:
        ax = axes[0]
        with getattr(renderer, "_draw_disabled", contextlib.nullcontext)():
            contenu = fig.transFigure.inverted().transform_bbox(ax.get_tightbbox(renderer, for_layout_only=True))
        place = spec.get_position(fig)
        largeur, hauteur = fig.get_size_inches()
        marge = pad * FontProperties(size=matplotlib.rcParams["font.size"]).get_size_in_points() / 72
        gauche = max(place.xmin - contenu.xmin, 0) + marge / largeur
        droite = max(contenu.xmax - place.xmax, 0) + marge / largeur
        bas = max(place.ymin - contenu.ymin, 0) + marge / hauteur
        haut = max(contenu.ymax - place.ymax, 0) + marge / hauteur
        r_gauche, r_bas, r_droite, r_haut = rect
        reussi = gauche + droite < 1 and bas + haut < 1  # sinon tight_layout renonce (avec un avertissement)
        if reussi:
            fig.subplots_adjust(left=r_gauche + gauche, right=r_droite - droite, bottom=r_bas + bas, top=r_haut - haut)
    if not reussi:
        p = fig.subplotpars
        avant = (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace)
        fig.tight_layout(rect=rect, pad=pad)
        reussi = (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace) != avant  # sinon : non appliquée
    # les axes, avec leurs textes et légendes, tiennent dans ``rect`` ; restent les textes posés sur la figure
    deja_places = {id(ax): len(ax.texts) for ax in axes}
    setattr(fig, MISE_EN_PAGE_FAITE, bool(reussi and _textes_dans_la_figure(fig, renderer, deja_places)))
    setattr(fig, TEXTES_PLACES, deja_places)
    return fig
