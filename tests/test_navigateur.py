"""Le rapport vu par un navigateur (Chromium sans tête, piloté par Playwright) : aucune image ni lien cassé, aucune
erreur de console, des chiffres publiés visibles, un intitulé « <script> » affiché comme du texte."""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import INTITULE_PIEGE

pytestmark = pytest.mark.pipeline

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _espaces(texte: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", texte)


@pytest.fixture(scope="module")
def navigateur():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium est requis en CI (paquet Debian « chromium », installé par `make test`)")
        pytest.skip("Chromium absent : `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _visiter(navigateur, chemin: Path, captures: Path | None = None):
    page = navigateur.new_page(viewport={"width": 1280, "height": 900})
    erreurs, dialogues = [], []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto(chemin.as_uri())
    page.wait_for_load_state("load")
    images_cassees = page.evaluate(
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    liens = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    texte = _espaces(page.inner_text("body"))
    if captures is not None:
        captures.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(captures / f"{chemin.stem}.png"), full_page=True)
    page.close()
    liens_casses = []
    for lien in liens:
        url = urlparse(lien)
        if url.scheme == "file":
            if not Path(unquote(url.path)).exists():
                liens_casses.append(lien)
        elif url.scheme in ("http", "https"):
            liens_casses.append(f"lien externe dans un rapport hors ligne : {lien}")
    return {
        "erreurs": erreurs,
        "dialogues": dialogues,
        "images": images_cassees,
        "liens": liens_casses,
        "texte": texte,
        "nb_images": None,
    }


def _pages(rapport):
    sortie = rapport["sortie"]
    pages = [sortie / "index.html"] + sorted(p for p in sortie.glob("*.html") if p.name != "index.html")
    fiches = sorted((sortie / "quartiers").glob("*.html")) if (sortie / "quartiers").is_dir() else []
    return pages + fiches[:3]


def test_aucune_erreur_ni_lien_casse(rapport, navigateur, tmp_path_factory):
    captures = tmp_path_factory.mktemp("captures")
    problemes = {}
    for chemin in _pages(rapport):
        r = _visiter(navigateur, chemin, captures)
        trouves = r["erreurs"] + r["dialogues"] + [f"image cassée {i}" for i in r["images"]] + r["liens"]
        if trouves:
            problemes[chemin.name] = trouves
    print(f"captures d'écran : {captures}")
    assert not problemes, problemes


@pytest.mark.parametrize(
    "page, attendus",
    [
        ("90_concordance.html", ["1 712 989 €", "5 530 289 €", "35,3 %", "109,2 %", "identique", "écart"]),
        ("index.html", ["Rapport sur la mise en œuvre de la politique de la ville", "Fiches quartier"]),
    ],
)
def test_chiffres_publies_visibles(rapport, navigateur, page, attendus):
    r = _visiter(navigateur, rapport["sortie"] / page)
    manquants = [a for a in attendus if a not in r["texte"]]
    assert not manquants, f"{page} : non visibles : {manquants}"


def test_intitule_piege_visible_comme_texte(rapport, navigateur):
    montre = False
    for chemin in _pages(rapport):
        r = _visiter(navigateur, chemin)
        assert not r["dialogues"], f"{chemin.name} : script exécuté ({r['dialogues']})"
        montre = montre or "<script>alert('intrus')</script>" in r["texte"]
    assert montre, f"l'intitulé {INTITULE_PIEGE!r} n'est affiché dans aucune page"


def test_tableau_interactif_de_1600_lignes(navigateur, tmp_path):
    """Une page de taille nationale (1 600 quartiers, page d'essai générée sans le pipeline) : ouverte en moins de 3 s,
    la recherche filtre les lignes, le tri d'une colonne de nombres suit les valeurs et non le texte français ; sans
    JavaScript, le tableau est complet."""
    import time

    from test_tableaux_interactifs import NAVIGATION, page_chapitre, tableau_quartiers

    from politique_ville.present import nombre_fr

    chemin = page_chapitre(tmp_path, 1600, NAVIGATION)
    assert chemin.stat().st_size < 10 * 1024 * 1024
    page = navigateur.new_page(viewport={"width": 1280, "height": 900})
    erreurs, dialogues = [], []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    debut = time.perf_counter()
    page.goto(chemin.as_uri())
    page.wait_for_selector("div.dt-container table.tableau-interactif")
    duree = time.perf_counter() - debut
    assert duree < 3, f"ouverture en {duree:.1f} s"
    info = lambda: _espaces(page.inner_text("div.dt-info"))
    lignes = "table.tableau-interactif tbody tr"
    assert info() == "Lignes 1 à 25 sur 1 600" and page.locator(lignes).count() == 25

    page.fill("div.dt-search input", "Quartier 0042")
    page.wait_for_function("document.querySelectorAll('table.tableau-interactif tbody tr').length === 1")
    assert info() == "Lignes 1 à 1 sur 1 (filtrées parmi 1 600)"
    assert page.inner_text(f"{lignes} td >> nth=0") == "Quartier 0042"
    page.fill("div.dt-search input", "intrus")
    page.wait_for_function("document.querySelectorAll('table.tableau-interactif tbody tr').length === 1")
    assert "<script>alert('intrus')</script>" in page.inner_text(f"{lignes} td >> nth=0")
    page.fill("div.dt-search input", "pas de quartier de ce nom")
    page.wait_for_function("document.querySelector('table.tableau-interactif tbody td.dt-empty') !== null")
    assert _espaces(page.inner_text(lignes)) == "Aucune ligne ne correspond à la recherche"
    page.fill("div.dt-search input", "")

    population = tableau_quartiers(1600)["Population"].tolist()
    valeurs = "els => els.map(e => [Number(e.dataset.order), e.textContent])"
    entete = page.locator("table.tableau-interactif thead th").nth(2)
    assert entete.inner_text().strip() == "Population"
    entete.click()
    page.wait_for_function(
        "document.querySelector('table.tableau-interactif thead th:nth-child(3)').classList.contains('dt-ordering-asc')"
    )
    montrees = page.eval_on_selector_all(f"{lignes} td:nth-child(3)", valeurs)
    attendues = sorted(population)[:25]
    assert [v for v, _ in montrees] == attendues
    assert [t for _, t in montrees] == [nombre_fr(v) for v in attendues]
    # en texte, « 1 034 » viendrait avant « 9 » : l'ordre des valeurs n'est pas celui du texte
    assert sorted(nombre_fr(v) for v in attendues) != [nombre_fr(v) for v in attendues]
    entete.click()
    page.wait_for_function(
        "document.querySelector('table.tableau-interactif thead th:nth-child(3)')"
        ".classList.contains('dt-ordering-desc')"
    )
    assert [v for v, _ in page.eval_on_selector_all(f"{lignes} td:nth-child(3)", valeurs)] == sorted(population)[-25:][
        ::-1
    ]
    page.close()
    assert not erreurs and not dialogues, erreurs + dialogues

    sans_js = navigateur.new_context(java_script_enabled=False)
    page = sans_js.new_page()
    page.goto(chemin.as_uri())
    assert page.locator(lignes).count() == 1600 and page.locator("div.dt-container").count() == 0
    sans_js.close()
