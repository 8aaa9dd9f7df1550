"""Rendu des figures en PNG : mise en page en une mesure (``style.mettre_en_page``), image en un seul dessin
(``style.image_figure``), encodeur PNG (``style.encoder_png``), barres dessinées sans ``sns.barplot``
(``figures.barres``). Même image qu'avant, rien de coupé ; ce qui déborde est recadré comme avant."""

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from politique_ville.figures import qpv as fq  # noqa: E402
from politique_ville.figures import style
from politique_ville.figures.barres import barres_horizontales, couleur_barre, poignees_legende  # noqa: E402

BLANC = np.array([255, 255, 255])


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _toile(fig) -> np.ndarray:
    """La figure entière dessinée sur sa toile (référence : ce que donnerait ``savefig`` sans recadrage)."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


def _taille(fig) -> tuple[int, int]:
    return int(fig.bbox.height), int(fig.bbox.width)


def _fiche() -> pd.DataFrame:
    """Sortie de ``compute.qpv.fiche_indicateurs`` réduite : quatre indicateurs en %, une valeur secrète (« s »),
    une valeur de l'agglomération non publiée."""
    return pd.DataFrame(
        {
            "code": ["part_moins_25", "part_menages_1pers", "part_retard_3e", "tx_tot_empl", "ind_jeune"],
            "unite": ["%", "%", "%", "%", "indice"],
            "valeur": [44.5, 30.2, "s", 53.3, 2.3],
            "qpv_territoire": [38.0, 35.0, 33.0, 56.4, 1.6],
            "agglomeration": [32.6, 28.3, 18.0, math.nan, 1.2],
        }
    )


def _lignes(fig, artiste) -> tuple[int, int]:
    """Lignes de pixels (du haut) occupées par un artiste dans l'image de la figure entière."""
    boite = artiste.get_window_extent(fig.canvas.get_renderer())
    hauteur = _taille(fig)[0]
    return int(hauteur - boite.y1), int(math.ceil(hauteur - boite.y0))


def test_fiche_en_un_seul_dessin_legende_et_source_entieres():
    """La figure de la fiche, mise en page par ``finir_figure``, est rendue en une passe à sa taille (9 × 7,3 pouces
    à 100 ppp) : la légende sous l'axe et la ligne de source sont dans l'image, avec du fond tout autour."""
    fig = fq.figure_fiche(_fiche(), "Quartier des Essais", "INSEE 2019")
    assert getattr(fig, style.MISE_EN_PAGE_FAITE) is True
    image = style.image_figure(fig)
    a = _pixels(image.data)
    assert a.shape[:2] == _taille(fig) == (int(fig.get_figheight() * 100), 900)
    # rien ne touche le bord : aucune ligne ni colonne du cadre n'a d'encre
    for bord in (a[0], a[-1], a[:, 0], a[:, -1]):
        assert (bord == BLANC).all()
    ax = fig.axes[0]
    legende = ax.get_legend()
    assert [t.get_text() for t in legende.get_texts()] == ["Quartier des Essais", "QPV du territoire", "Agglomération"]
    haut, bas = _lignes(fig, legende)
    assert 0 < haut < bas < a.shape[0] - 1
    bande = a[haut:bas]
    # les trois carrés de couleur de la légende sont dans l'image (coupée, la légende perdrait le sien ou ses textes)
    for couleur in (fq.BLEU, "#9bb7d4", "#c9ccd1"):
        rgb = np.round(np.array(couleur_barre(couleur)[:3]) * 255).astype(int)
        assert (np.abs(bande - rgb).sum(axis=2) <= 3).any(), couleur
    source = next(t for t in fig.texts if t.get_text().startswith("Source"))
    haut_source, bas_source = _lignes(fig, source)
    assert bas < haut_source < bas_source < a.shape[0]
    assert (a[haut_source:bas_source] != BLANC).any()  # la ligne de source est écrite
    # la valeur secrète n'a pas de barre mais son libellé le dit
    libelles = [t.get_text() for t in ax.get_yticklabels()]
    assert libelles[2].endswith("(quartier : s)") and len(libelles) == 4
    assert image.metadata["alt"].startswith("Figure : Quartier des Essais")
    plt.close(fig)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_fiche_legende_sous_le_titre_de_l_axe_quelle_que_soit_la_hauteur(n):
    """Avec un ou deux indicateurs (figure basse), la légende ne recouvre ni les graduations ni le titre de l'axe
    « Valeur (%) » : elle est à une distance fixe sous les axes, pas à une fraction de leur hauteur."""
    fiche = _fiche().iloc[:n].assign(valeur=[44.5, 30.2, 28.0, 53.3][:n])
    fig = fq.figure_fiche(fiche, "Quartier des Essais", "INSEE 2019")
    style.image_figure(fig)  # mise en page et dessin, comme dans le rapport
    rendu = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legende = ax.get_legend().get_window_extent(rendu)
    titre_axe = ax.xaxis.label.get_window_extent(rendu)
    graduations = [t.get_window_extent(rendu) for t in ax.get_xticklabels() if t.get_text()]
    assert ax.xaxis.label.get_text() == "Valeur (%)"
    assert legende.y1 <= titre_axe.y0  # la légende est entièrement sous le titre de l'axe
    assert all(legende.y1 <= g.y0 for g in graduations)
    assert legende.y0 >= 0  # et dans la figure
    plt.close(fig)


def _graphique(ancienne_facon: bool):
    """Un graphique de barres avec ce qui prend de la place autour de l'axe : libellés longs, titre sur deux lignes,
    libellé d'axe sur deux lignes, légende sous l'axe, ligne de source."""
    style.style_figures()
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh([0, 1, 2], [12.5, 40.0, 27.3], color=["#2f6497", "#9bb7d4", "#c9ccd1"], label="Valeur")
    ax.set_yticks([0, 1, 2], ["Un libellé assez long", "Court", "Un autre libellé, plus long encore"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=1, frameon=False)
    style.format_axe(ax, "x", "%")
    titre, axe_x, source = "Titre\nSur deux lignes", "Valeur (%)\nRéférence : moyenne", "INSEE 2019, calculs"
    if ancienne_facon:  # finir_figure avant : titre placé par matplotlib, tight_layout (deux mesures)
        ax.set_title(titre, loc="left")
        ax.set_xlabel(axe_x)
        ax.set_ylabel("")
        fig.text(0.01, 0.005, f"Source : {source}", fontsize=8, color="#5a6b7d", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
    else:
        style.finir_figure(fig, ax, titre, axe_x, "", source)
    return fig


def test_mise_en_page_et_image_identiques_a_tight_layout():
    """La mise en page en une mesure donne les marges de ``tight_layout`` et l'image, pixel pour pixel, celle de
    l'ancienne mise en page (titre placé par matplotlib) ; ``image_figure`` la rend telle quelle, sans recadrage."""
    avant, apres = _graphique(True), _graphique(False)
    pa, pb = avant.subplotpars, apres.subplotpars
    assert (pa.left, pa.right, pa.bottom, pa.top) == pytest.approx((pb.left, pb.right, pb.bottom, pb.top), abs=1e-12)
    assert pb.bottom > 0.2  # place faite à la légende sous l'axe (sans elle : ~0,15)
    reference = _toile(avant)
    image = _pixels(style.image_figure(apres).data)
    # pixel pour pixel, à l'écart près de l'image en palette (invisible : au plus ECART_MAX_PALETTE sur 255)
    assert image.shape == reference.shape and np.abs(image - reference).max() <= style.ECART_MAX_PALETTE
    plt.close(avant)
    plt.close(apres)


def test_plusieurs_axes_par_tight_layout():
    """Deux axes : la mise en page est celle de ``tight_layout`` (espacement entre les axes compris)."""
    style.style_figures()
    figures = []
    for faire in (lambda f: f.tight_layout(rect=(0, 0.03, 1, 1)), lambda f: style.mettre_en_page(f, (0, 0.03, 1, 1))):
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
        ax1.set_ylabel("Un libellé vertical")
        ax2.set_title("Titre")
        faire(fig)
        figures.append(fig)
    a, b = (f.subplotpars for f in figures)
    assert (a.left, a.right, a.bottom, a.top, a.wspace) == pytest.approx((b.left, b.right, b.bottom, b.top, b.wspace))
    assert getattr(figures[1], style.MISE_EN_PAGE_FAITE) is True
    for f in figures:
        plt.close(f)


def test_ce_qui_deborde_est_recadre_comme_avant():
    """Ce qui ne tient pas dans la figure n'est pas coupé : l'image est recadrée sur tout le contenu
    (``bbox_inches="tight"``), comme avant."""
    largeur = 900
    # une ligne de source plus longue que la figure : pas de rendu en une passe, l'image s'élargit
    fig = fq.figure_fiche(_fiche(), "Quartier des Essais", "INSEE 2019 ; " * 30)
    assert getattr(fig, style.MISE_EN_PAGE_FAITE) is False
    a = _pixels(style.image_figure(fig).data)
    assert a.shape[1] > largeur + 200 and (a[:, -1] == BLANC).all()
    plt.close(fig)
    # un texte ajouté après la mise en page, hors du cadre : l'encre au bord le trahit, l'image s'élargit
    fig = fq.figure_fiche(_fiche(), "Quartier des Essais", "INSEE 2019")
    fig.axes[0].text(1.02, 0.5, "Note ajoutée après coup, hors du cadre", transform=fig.axes[0].transAxes)
    assert getattr(fig, style.MISE_EN_PAGE_FAITE) is True
    a = _pixels(style.image_figure(fig).data)
    assert a.shape[1] > largeur and (a[:, -1] == BLANC).all()
    plt.close(fig)
    # un texte ajouté après la mise en page, tout entier hors du cadre (pas d'encre au bord) : mesuré, recadré
    fig = fq.figure_fiche(_fiche(), "Quartier des Essais", "INSEE 2019")
    fig.axes[0].text(1.6, 0.5, "Tout entier hors du cadre", transform=fig.axes[0].transAxes)
    a = _pixels(style.image_figure(fig).data)
    assert a.shape[1] > largeur + 300 and (a[:, -1] == BLANC).all()
    plt.close(fig)
    # une légende déplacée après la mise en page, tout entière sous la figure (pas d'encre au bord) : recadrée aussi
    fig = fq.figure_fiche(_fiche(), "Quartier des Essais", "INSEE 2019")
    hauteur = _taille(fig)[0]
    ax = fig.axes[0]
    ax.get_legend().set_bbox_to_anchor((0.5, -0.6), transform=ax.transAxes)
    a = _pixels(style.image_figure(fig).data)
    assert a.shape[0] > hauteur + 50 and (a[-1] == BLANC).all()
    plt.close(fig)
    # une figure sans mise en page : recadrée sur son contenu (marges par défaut retirées), comme dans JupyterLab
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b"], [1, 2])
    assert not getattr(fig, style.MISE_EN_PAGE_FAITE, False)
    a = _pixels(style.image_figure(fig).data)
    assert a.shape[1] < 400 and a.shape[0] < 300
    plt.close(fig)


@pytest.mark.parametrize("opaque", [True, False])
def test_encoder_png_sans_perte(opaque):
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(23, 41, 4), dtype=np.uint8)
    pixels[5:9] = 255  # des lignes identiques (filtre « Up » : des zéros)
    if opaque:
        pixels[..., 3] = 255
    image = Image.open(io.BytesIO(style.encoder_png(pixels, dpi=100)))
    image.load()
    assert image.size == (41, 23) and image.mode == ("RGB" if opaque else "RGBA")
    assert image.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    relu = np.asarray(image.convert("RGBA"))
    assert (relu == pixels).all()
    assert not (relu[..., 3] == 255).all() or opaque


def test_palette_a_l_ecart_permis_pres_et_photo_sans_perte():
    """Une figure (aplats, texte lissé : des centaines de couleurs) s'écrit en palette, chaque pixel à
    ``ECART_MAX_PALETTE`` près de sa couleur (la palette de Pillow, appliquée par lui, s'en écartait jusqu'à 6) ;
    une image aux couleurs trop éloignées pour 256 reste en RVB, sans perte."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.barh(["Taux de chômage", "Part des jeunes"], [35.3, 12.1], color=["#4c72b0", "#dd8452"])
    for i, v in enumerate([35.3, 12.1]):
        ax.text(v, i, f"{v:.1f} %".replace(".", ","), va="center")
    fig.canvas.draw()
    toile = np.asarray(fig.canvas.buffer_rgba()).copy()
    plt.close(fig)
    assert len(np.unique(toile.reshape(-1, 4), axis=0)) > 100  # texte lissé : bien plus que les aplats
    image = Image.open(io.BytesIO(style.encoder_png(toile, palette=True)))
    assert image.mode == "P" and len(image.getpalette()) // 3 <= 256
    assert (
        np.abs(np.asarray(image.convert("RGB")).astype(int) - toile[..., :3].astype(int)).max()
        <= style.ECART_MAX_PALETTE
    )
    rng = np.random.default_rng(3)
    photo = rng.integers(0, 256, size=(40, 40, 4), dtype=np.uint8)
    photo[..., 3] = 255
    image = Image.open(io.BytesIO(style.encoder_png(photo, palette=True)))
    assert image.mode == "RGB" and (np.asarray(image) == photo[..., :3]).all()


def test_etiquettes_de_valeur_comme_bar_label():
    """Les étiquettes des barres de la fiche quartier (textes simples) tombent au pixel près là où ``ax.bar_label``
    les mettait (annotations), barres négatives comprises ; un texte vide ne fait pas d'étiquette."""
    from politique_ville.figures.barres import etiquettes_de_valeur

    def dessin(avec_bar_label: bool):
        fig, ax = plt.subplots(figsize=(5, 3))
        barres = ax.barh([0, 1, 2], [35.3, -12.1, 20.0], height=0.4)
        textes = ["35,3 %", "−12,1 %", ""]
        if avec_bar_label:
            ax.bar_label(barres, labels=textes, fontsize=7.5, padding=2)
        else:
            assert len(etiquettes_de_valeur(ax, barres, textes, fontsize=7.5, padding=2)) == 2
        ax.set_xlim(-20, 45)
        pixels = _toile(fig)
        plt.close(fig)
        return pixels

    reference, image = dessin(True), dessin(False)
    assert (reference != 255).any() and np.array_equal(reference, image)


def test_barres_comme_sns_barplot():
    """``barres_horizontales`` dessine les barres de ``sns.barplot`` (couleurs atténuées, barres côte à côte, une
    valeur manquante sans barre, axe des catégories, légende) : même image, pixel pour pixel."""
    import seaborn as sns

    style.style_figures()
    libelles = ["Premier", "Deuxième", "Troisième"]
    series = {"Quartier": [44.5, math.nan, 53.3], "Moyenne des QPV": [38.0, 35.0, 56.4]}
    couleurs = ["#2f6497", "#9bb7d4"]
    images = []
    for seaborn in (True, False):
        fig, ax = plt.subplots(figsize=(6, 3))
        if seaborn:
            long = pd.DataFrame(
                [(lib, niv, v) for niv, vals in series.items() for lib, v in zip(libelles, vals)],
                columns=["libelle", "niveau", "valeur"],
            )
            sns.barplot(
                data=long, y="libelle", x="valeur", hue="niveau", palette=couleurs, ax=ax, orient="h", errorbar=None
            )
            ax.legend(title="", loc="lower right")
        else:
            conteneurs = barres_horizontales(ax, libelles, list(zip(series.values(), couleurs)))
            assert [len(c) for c in conteneurs] == [2, 3]  # la valeur manquante n'a pas de barre
            ax.legend(handles=poignees_legende(list(series), couleurs), title="", loc="lower right")
        ax.set_xlabel("")
        ax.set_ylabel("")
        images.append(_toile(fig))
        plt.close(fig)
    assert images[0].shape == images[1].shape and (images[0] == images[1]).all()


def test_deux_quartiers_du_meme_nom_ont_chacun_leur_barre():
    """Deux QPV de même nom (communes différentes) : deux lignes, deux barres (``sns.barplot`` les fondait en une
    seule barre, leur moyenne, et décalait les étiquettes de valeur)."""
    quartiers = pd.DataFrame(
        {"est_qpv": [True, True, True], "pop_mun": [3000, 2000, 1000], "quartier": ["Centre", "Gare", "Centre"]}
    )
    fig = fq.figure_population(quartiers, "INSEE 2019")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Centre", "Gare", "Centre"]
    barres = ax.containers[0]
    assert sorted(b.get_width() for b in barres) == [1000, 2000, 3000]
    assert sorted(round(b.get_y() + b.get_height() / 2) for b in barres) == [0, 1, 2]
    plt.close(fig)


def test_graduations_a_la_francaise():
    """Graduations en pourcentage et en euros au format français (gardées en mémoire d'une figure à l'autre)."""
    style.style_figures()
    for unite, maxi, attendu in (("%", 60, "60\u00a0%"), ("€", 3000, "3\u202f000\u00a0€")):
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.barh([0], [maxi])
        ax.set_xlim(0, maxi)
        style.format_axe(ax, "x", unite)
        fig.canvas.draw()
        textes = [t.get_text() for t in ax.get_xticklabels()]
        assert textes[0] == f"0\u00a0{unite}" and attendu in textes
        plt.close(fig)
    assert style._graduation(-1.5, "%", 1) == "−1,5\u00a0%" and style._graduation(1.5, "", 0) == "2"


def test_palette_de_milliers_de_couleurs_proches():
    """Un dégradé de milliers de couleurs voisines tient en 256 à l'écart permis près, ou reste en RVB sans perte :
    jamais d'erreur ni de pixel trop écarté."""
    for pas in (1, 4):  # 4 096 couleurs à 1 d'écart (tiennent en palette), ou à 4 (trop éloignées pour 256)
        x = (np.arange(64) * pas).astype(np.uint8)
        pixels = np.zeros((64, 64, 4), dtype=np.uint8)
        pixels[..., 0], pixels[..., 1] = x[:, None], x[None, :]
        pixels[..., 2], pixels[..., 3] = 128, 255
        image = Image.open(io.BytesIO(style.encoder_png(pixels, palette=True)))
        ecart = np.abs(np.asarray(image.convert("RGB")).astype(int) - pixels[..., :3].astype(int)).max()
        assert ecart <= style.ECART_MAX_PALETTE and image.mode == ("P" if pas == 1 else "RGB")


def test_legende_du_dont_garde_les_majuscules_de_la_sous_priorite():
    """La barre « dont » (réussite éducative) est nommée dans la légende avec une initiale en majuscule, sans mettre
    en minuscules le code de sous-priorité d'une autre feuille de route (« PRE-2 », pas « pre-2 »)."""
    from politique_ville.figures import programmation as fpg

    cget = pd.DataFrame(
        {
            "rubrique_code": ["cohesion_sociale", "reussite_educative", "emploi", "total"],
            "rubrique": [
                "Cohésion sociale",
                "dont réussite éducative (sous-priorité PRE-2)",
                "Emploi et développement économique",
                "Total des crédits CGET",
            ],
            "dont": [False, True, False, False],
            "valeur_recalculee": [300000.0, 120000.0, 90000.0, 390000.0],
        }
    )
    fig = fpg.figure_cget_thematiques(cget, "essai")
    try:
        legende = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    finally:
        plt.close(fig)
    assert "Dont réussite éducative (sous-priorité PRE-2)" in legende


def test_mesures_de_texte_partagees_d_une_figure_a_l_autre_sans_rien_changer(monkeypatch):
    """Un texte déjà mesuré pour une figure ne l'est pas à nouveau pour la suivante (autre moteur Agg), à la même
    résolution et au même lissage ; la mesure est celle du moteur, et l'image d'une fiche est la même, au pixel
    près, qu'avec la mesure de matplotlib figure par figure."""
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    assert style.partager_les_mesures_de_texte()
    style.style_figures()
    mesurer = mtext._get_text_metrics_with_cache
    assert mesurer.__wrapped__ is not mesurer
    premier, second = RendererAgg(300, 200, 100), RendererAgg(500, 400, 100)
    for texte, taille in [("Part des moins de 25 ans", 10), ("35,3 %", 7.5), ("Qj, gÉ", 12)]:
        police = FontProperties(size=taille)
        assert mesurer(premier, texte, police, False, 100) == premier.get_text_width_height_descent(
            texte, police, False
        )
    appels = []
    moteur = RendererAgg.get_text_width_height_descent
    monkeypatch.setattr(
        RendererAgg, "get_text_width_height_descent", lambda self, *a: appels.append(a) or moteur(self, *a)
    )
    assert mesurer(second, "Part des moins de 25 ans", FontProperties(size=10), False, 100) == moteur(
        premier, "Part des moins de 25 ans", FontProperties(size=10), False
    )
    assert appels == []  # gardée de la première figure
    mesurer(second, "Part des moins de 25 ans", FontProperties(size=10), False, 173)  # autre résolution
    with matplotlib.rc_context({"text.hinting_factor": 3}):  # autre lissage des glyphes
        mesurer(second, "Part des moins de 25 ans", FontProperties(size=10), False, 100)
    assert len(appels) == 2
    monkeypatch.undo()

    def image(mesure):
        monkeypatch.setattr(mtext, "_get_text_metrics_with_cache", mesure)
        fig = fq.figure_fiche(_fiche(), "Quartier essai", "INSEE, essai")
        try:
            return style.image_figure(fig).data
        finally:
            plt.close(fig)
            monkeypatch.undo()

    partagee = image(mesurer)
    assert image(mesurer) == partagee == image(mesurer.__wrapped__)


def test_images_de_texte_partagees_d_une_figure_a_l_autre_sans_rien_changer(monkeypatch):
    """Un texte déjà rendu (glyphes de FreeType) pour une figure n'est pas rendu à nouveau pour la suivante, à la même
    police, résolution, lissage et anticrénelage ; l'image de chaque figure est la même, au pixel près, qu'avec le
    dessin de matplotlib texte par texte, y compris un texte tourné et une formule."""
    from matplotlib.backends.backend_agg import RendererAgg

    assert style.partager_les_images_de_texte()
    style.style_figures()
    dessin = RendererAgg.draw_text
    assert dessin.__wrapped__ is not dessin

    def figures():
        images = []
        for quartier in ("Quartier essai", "Autre quartier"):  # la seconde reprend les textes de la première
            fig = fq.figure_fiche(_fiche(), quartier, "INSEE, essai")
            ax = fig.axes[0]
            ax.text(0.5, 0.5, "Texte tourné, ÉÇ gj", rotation=33, transform=ax.transAxes)
            ax.text(0.2, 0.2, r"$\alpha^2$ formule", transform=ax.transAxes)
            fig.canvas.draw()
            images.append(np.asarray(fig.canvas.buffer_rgba()).copy())
            plt.close(fig)
        return images

    rendus = []
    monkeypatch.setattr(RendererAgg, "draw_text", lambda self, *a, **k: rendus.append(a[3]) or dessin(self, *a, **k))
    partagees = figures()
    monkeypatch.undo()
    assert "Quartier essai" in rendus and "Autre quartier" in rendus
    monkeypatch.setattr(RendererAgg, "draw_text", dessin.__wrapped__)
    de_matplotlib = figures()
    monkeypatch.undo()
    assert all(np.array_equal(a, b) for a, b in zip(partagees, de_matplotlib))
    assert (partagees[0] != partagees[1]).any()  # deux figures différentes (le titre)

    # la seconde figure n'a rendu que ses textes nouveaux
    rendus_par_freetype = []
    from matplotlib.ft2font import FT2Font

    monkeypatch.setattr(FT2Font, "draw_glyphs_to_bitmap", lambda self, **k: rendus_par_freetype.append(1))
    fig = fq.figure_fiche(_fiche(), "Quartier essai", "INSEE, essai")
    fig.canvas.draw()
    plt.close(fig)
    assert rendus_par_freetype == []  # tout était déjà rendu


def test_theme_des_figures_avec_la_palette_gardee_identique_a_celui_de_seaborn():
    """La palette « Blues_d » calculée une fois donne exactement les réglages que seaborn pose en la recalculant."""
    import matplotlib
    import seaborn as sns

    matplotlib.rcdefaults()
    sns.set_theme(style="whitegrid", context="notebook", palette="Blues_d")
    attendus = dict(matplotlib.rcParams)
    matplotlib.rcdefaults()
    style.style_figures()
    obtenus = dict(matplotlib.rcParams)
    differents = {k for k in attendus if attendus[k] != obtenus[k]}
    assert differents == {"axes.titleweight", "savefig.dpi"}  # les deux réglages propres au rapport, posés après
    assert obtenus["axes.prop_cycle"] == attendus["axes.prop_cycle"]
    assert len(obtenus["axes.prop_cycle"]) == 6
