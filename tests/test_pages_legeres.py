"""Pages légères et autonomes (issue 22, « Output size ») : chaque page reste lisible seule (envoyée par courriel :
aucune feuille de style, aucun script, aucune image chargés d'ailleurs), mais ne porte plus toute la feuille de style
de JupyterLab (~264 Ko identiques dans chaque page) : une feuille allégée, les seules règles que les pages utilisent
(``templates/rapport/feuille_rapport.css``, écrite par ``scripts/alleger_feuille_de_style.py``), et des figures en
PNG à palette. Une fiche quartier reste sous 150 Ko.

Tests rapides (feuille, pages d'essai, encodeur PNG) et, sur le rapport 2019 exécuté (fixture ``rapport``), la taille
et l'autonomie de chaque page produite."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_tableaux_interactifs import NAVIGATION, page_chapitre

from politique_ville.figures import style

RACINE = Path(__file__).resolve().parents[1]
GABARIT = RACINE / "src" / "politique_ville" / "report" / "templates" / "rapport"
FEUILLE = GABARIT / "feuille_rapport.css"
#: une fiche quartier, page seule (octets)
CIBLE_FICHE = 150 * 1024


def _script(nom: str):
    spec = importlib.util.spec_from_file_location(nom, RACINE / "scripts" / f"{nom}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def taille():
    return _script("benchmark_taille")


@pytest.fixture(scope="module")
def feuille() -> str:
    return FEUILLE.read_text(encoding="utf-8")


def _sans_commentaires(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


# --------------------------------------------------------------------------------------------- la feuille allégée


def test_feuille_legere_et_sans_ressource_externe(feuille):
    """La feuille allégée pèse une vingtaine de Ko au plus (la feuille complète : ~256 Ko), n'importe rien et
    n'appelle aucune ressource hors d'elle-même."""
    assert len(feuille.encode()) < 20 * 1024
    css = _sans_commentaires(feuille)
    assert "@import" not in css and "@font-face" not in css
    assert all(u.startswith(("data:", "#")) for u in re.findall(r"url\(\s*[\"']?([^\"')]+)", css))
    # rien de l'interface de JupyterLab (onglets, menus, barres d'outils, widgets)
    for interface in (".lm-DockPanel", ".lm-Menu", ".jp-Toolbar", ".jp-FileBrowser", ".widget-"):
        assert interface not in css, interface


def test_feuille_garde_les_regles_dont_le_rapport_depend(feuille):
    """Ce dont la mise en page des pages dépend : tableaux (lignes alternées, en-têtes), sorties et figures,
    responsive de JupyterLab (sorties sous 760 px), impression (blocs d'une sortie non coupés, couleurs exactes),
    code des versions « avec le code », titres masqués de leurs ancres, repliage masqué."""
    css = _sans_commentaires(feuille)
    attendues = [
        r"\.jp-RenderedHTMLCommon table\{[^}]*border-collapse:collapse",
        r"\.jp-RenderedHTMLCommon tbody tr:nth-child\(even\)\{background:var\(--jp-rendermime-table-row-background\)",
        r"\.jp-RenderedHTMLCommon th\{font-weight:bold",
        r"\.jp-RenderedHTMLCommon h2\{font-size:var\(--jp-content-font-size4\)",
        r"\.jp-OutputArea-child\{display:table",
        r"\.jp-RenderedHTMLCommon img,\.jp-RenderedImage img\{max-width:100%",
        r"@media only screen and \(max-width: ?760px\)\{\.jp-OutputArea-child \.jp-OutputArea-output\{display:table-row",
        r"@media print\{\.jp-OutputArea-child\{break-inside:avoid-page",
        r"@media print\{\.jp-Cell-inputWrapper,\.jp-Cell-outputWrapper\{display:block",
        r"\*\{-webkit-print-color-adjust:exact",
        r"a\.anchor-link\{display:none",
        r"\.jp-Collapser\{display:none",
        r"\.jp-InputArea-editor\{",
        r"--jp-content-font-family:system-ui",
    ]
    manquantes = [m for m in attendues if not re.search(m, css)]
    assert not manquantes, manquantes


def test_chaque_variable_utilisee_est_definie(feuille):
    """Chaque variable (``var(--jp-…)``) qu'utilisent la feuille allégée, la mise en page du rapport (gabarit) et les
    couleurs du code (Pygments, versions « avec le code ») est définie dans la feuille : une variable retirée à tort
    rendrait une couleur, une police ou une marge par défaut."""
    from nbconvert.preprocessors.csshtmlheader import CSSHTMLHeaderPreprocessor
    from pygments.formatters import HtmlFormatter

    p = CSSHTMLHeaderPreprocessor()
    autres = (GABARIT / "index.html.j2").read_text(encoding="utf-8") + HtmlFormatter(style=p.style).get_style_defs(
        p.highlight_class
    )
    definies = set(re.findall(r"(--[\w-]+):", feuille))
    utilisees = set(re.findall(r"var\(\s*(--[\w-]+)\s*\)", _sans_commentaires(feuille) + autres))
    assert utilisees and not (utilisees - definies), sorted(utilisees - definies)


def test_feuille_ecrite_pour_le_nbconvert_installe(feuille):
    """La feuille est extraite de celle du gabarit « lab » du nbconvert installé (version notée en tête) : une autre
    version de nbconvert demande de la réécrire (``python scripts/alleger_feuille_de_style.py``)."""
    import nbconvert

    version = re.search(r"nbconvert\s+([\d.]+\w*)", feuille)
    assert version and version.group(1) == nbconvert.__version__


def test_alleger_garde_ce_qui_designe_un_element():
    """Le tri des règles : gardée si un sélecteur désigne un élément (états et pseudo-éléments retirés), retirée
    sinon ; dans une liste, seuls les sélecteurs utiles ; ``@media`` examiné règle par règle ; variables gardées
    seulement si une règle gardée (ou une autre feuille) s'en sert."""
    from bs4 import BeautifulSoup

    alleger = _script("alleger_feuille_de_style").alleger
    soupe = BeautifulSoup('<div class="a"><p class="b">x</p></div>', "html.parser")
    css = """:root { --utile: red; --inutile: blue; --autre: 1px; --en-chaine: var(--utile); }
    .a .b:hover::before { color: var(--en-chaine); }
    .absent, .a > .b { margin: 0; }
    .absent .b { color: green; }
    .a:not(:hover) .b { padding: 0; }
    .x:is(.a:hover, .y) { top: 0; }
    @media print { .absent { display: none; } .b { display: block; } }
    @media (max-width: 10px) { .absent { display: none; } }"""
    sortie = alleger(css, [soupe], autres="width: var(--autre)")
    assert ".a .b:hover::before{color:var(--en-chaine)}" in sortie
    assert ".a>.b{margin:0}" in sortie and ".absent," not in sortie and ".absent .b" not in sortie
    assert ".a:not(:hover) .b{padding:0}" in sortie
    assert ".x:is(" not in sortie  # aucun élément de classe « x »
    assert "@media print{.b{display:block}}" in sortie and "max-width: 10px" not in sortie
    assert "--utile:red" in sortie and "--en-chaine:var(--utile)" in sortie and "--autre:1px" in sortie
    assert "--inutile" not in sortie


# --------------------------------------------------------------------------------------------- pages d'essai


@pytest.fixture(scope="module")
def pages_essai(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("pages-legeres")
    return {
        "interactif": page_chapitre(dossier, 40, NAVIGATION, nom="interactif").read_text(encoding="utf-8"),
        "simple": page_chapitre(dossier, 10, NAVIGATION, nom="simple").read_text(encoding="utf-8"),
    }


def test_page_autonome_avec_la_feuille_allegee(pages_essai, feuille, taille):
    """Une page exportée porte la feuille allégée, pas celle de JupyterLab entière, ni les couleurs du code quand le
    code est masqué ; autonome ; DataTables seulement si elle a un tableau interactif."""
    for nom, page in pages_essai.items():
        assert taille.ressources_externes(page) == [], nom
        assert feuille.split("*/", 1)[1].strip() in page
        assert ".lm-DockPanel" not in page and "--jp-layout-color4" not in page  # index.css, theme-light.css
        assert ".highlight .k" not in page  # Pygments : aucune cellule de code dans un rapport
    assert "DataTable" in pages_essai["interactif"] and "DataTable" not in pages_essai["simple"]
    assert taille.composition(pages_essai["simple"])["styles"] < 20 * 1024


def test_ressources_externes_reconnues(taille):
    """Ce qui rendrait une page dépendante d'un autre fichier est reconnu ; les liens de navigation et les données
    intégrées ne le sont pas."""
    autonome = (
        '<a href="../index.html">Sommaire</a><img src="data:image/png;base64,AAAA" alt="">'
        '<style>.a{background:url("data:image/svg+xml;base64,AA")} .b{fill:url(#motif)}</style><script>var a=1;</script>'
    )
    assert taille.ressources_externes(autonome) == []
    for dependante in (
        '<link rel="stylesheet" href="style.css">',
        '<script src="https://cdn.example.org/datatables.js"></script>',
        '<img src="figure.png" alt="">',
        "<style>@import 'lab.css';</style>",
        "<style>.a{background:url(fond.png)}</style>",
        "<div style=\"background: url('fond.png')\"></div>",
        '<iframe src="carte.html"></iframe>',
    ):
        assert taille.ressources_externes(dependante), dependante


# --------------------------------------------------------------------------------------------- figures


def test_figure_en_palette_sans_ecart_visible():
    """Une figure du rapport est écrite en PNG à palette (un octet par pixel) : aucun pixel ne s'écarte de plus de
    ``ECART_MAX_PALETTE`` sur 255, et l'image est bien plus légère qu'en RVB sans perte."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    style.style_figures()
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.barh(
        ["Taux d'emploi", "Ménages imposés", "Étrangers"], [62.8, 31.4, 9.9], color=["#2f6497", "#9bb7d4", "#c9ccd1"]
    )
    ax.set_title("Indicateurs en % : quartier, QPV du territoire")
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    palette = style.encoder_png(pixels, dpi=100, palette=True)
    rvb = style.encoder_png(pixels, dpi=100)
    image = Image.open(io.BytesIO(palette))
    assert image.mode == "P" and image.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    ecart = np.abs(np.asarray(image.convert("RGB")).astype(int) - pixels[..., :3].astype(int)).max()
    assert ecart <= style.ECART_MAX_PALETTE
    assert len(palette) < 0.6 * len(rvb)
    # image_figure (ce que montrent les chapitres et les fiches) l'écrit en palette
    assert Image.open(io.BytesIO(style.image_figure(fig).data)).mode == "P"
    plt.close(fig)


def test_image_sans_palette_fidele_reste_sans_perte():
    """Une image de milliers de couleurs (une photographie, un dégradé) ne tient pas en 256 couleurs sans écart
    visible : elle reste en RVB, sans perte."""
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, size=(60, 80, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    image = Image.open(io.BytesIO(style.encoder_png(pixels, palette=True)))
    assert image.mode == "RGB" and (np.asarray(image) == pixels[..., :3]).all()


# --------------------------------------------------------------------------------------------- le rapport 2019


@pytest.mark.pipeline
def test_fiches_sous_150_ko_et_autonomes(rapport, taille):
    """Chaque fiche quartier du rapport 2019 pèse moins de 150 Ko (figure comprise), sans ressource externe ; sa
    figure est en palette."""
    import base64

    fiches = sorted((rapport["sortie"] / "quartiers").glob("*.html"))
    assert len(fiches) == 21
    avec_figure = 0
    for fiche in fiches:
        page = fiche.read_text(encoding="utf-8")
        assert fiche.stat().st_size < CIBLE_FICHE, (fiche.name, fiche.stat().st_size)
        assert taille.ressources_externes(page) == [], fiche.name
        for donnees in re.findall(r'<img src="data:image/png;base64,([^"]+)"', page):
            avec_figure += 1
            assert Image.open(io.BytesIO(base64.b64decode(donnees))).mode == "P", fiche.name
    assert avec_figure >= 16  # une figure par QPV


@pytest.mark.pipeline
def test_chapitres_autonomes_et_allegees(rapport, taille, feuille):
    """Chaque chapitre (avec et sans le code), l'index et la méthodologie sont autonomes ; un chapitre porte la
    feuille allégée une fois, pas la feuille de JupyterLab entière."""
    sortie = rapport["sortie"]
    pages = sorted(sortie.glob("*.html"))
    assert len(pages) > 15
    corps = feuille.split("*/", 1)[1].strip()
    for chemin in pages:
        if chemin.name == "recherche.html":  # charge son index et MiniSearch, posés à côté d'elle
            continue
        page = chemin.read_text(encoding="utf-8")
        assert taille.ressources_externes(page) == [], chemin.name
        if chemin.name[:2].isdigit():
            assert page.count(corps) == 1 and ".lm-DockPanel" not in page, chemin.name
            assert taille.composition(page)["styles"] < (60 if "DataTable" in page else 25) * 1024, chemin.name
