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

    from politique_ville.formats import nombre_fr

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


# --------------------------------------------------------------------------------------------- téléphone et bureau

#: largeurs d'écran : téléphone (390 × 844) et bureau (1366 × 900)
ECRANS = [(390, 844), (1366, 900)]

#: éléments plus larges que l'écran hors d'un cadre qui défile, cellules de tableau qui se chevauchent ou dont le
#: texte déborde
SCRIPT_MISE_EN_PAGE = """() => {
  const W = document.documentElement.clientWidth;
  const dansUnCadre = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll") return true;
    }
    return false;
  };
  const nom = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined
    ? "." + String(e.className).trim().split(/\\s+/).join(".") : "");
  const larges = [], chevauchements = [];
  document.querySelectorAll("body *").forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > W + 1 && !dansUnCadre(e)) larges.push(nom(e) + " " + Math.round(r.right));
  });
  document.querySelectorAll("table tr").forEach(tr => {
    const cellules = Array.from(tr.children).filter(c => getComputedStyle(c).display !== "none" && c.offsetWidth > 0);
    for (let i = 0; i < cellules.length; i++) {
      const c = cellules[i], r = c.getBoundingClientRect();
      if (c.scrollWidth > c.clientWidth + 2) chevauchements.push("texte qui déborde : " + c.textContent.slice(0, 40));
      if (i > 0 && cellules[i - 1].getBoundingClientRect().right > r.left + 1)
        chevauchements.push("cellules superposées : " + c.textContent.slice(0, 40));
    }
  });
  return {larges: larges.slice(0, 10), chevauchements: chevauchements.slice(0, 10),
          largeur: document.documentElement.scrollWidth, W: W};
}"""


def _pages_lecteur(rapport):
    sortie = rapport["sortie"]
    pages = [sortie / n for n in ("index.html", "methodologie.html", "recherche.html")]
    pages += [p for p in sorted(sortie.glob("*.html")) if p.name not in {x.name for x in pages}]
    fiches = sorted((sortie / "quartiers").glob("*.html"))
    return pages + fiches[:2] + fiches[-1:] + [sortie / "validation" / "index.html"]


@pytest.mark.parametrize("largeur, hauteur", ECRANS, ids=["telephone-390", "bureau-1366"])
def test_aucune_page_plus_large_que_l_ecran(rapport, navigateur, largeur, hauteur):
    """À 390 et à 1 366 px : aucun élément ne dépasse l'écran, sauf dans un cadre qui défile (tableau large, figure
    en taille lisible) ; aucune cellule de tableau ne chevauche sa voisine ni ne laisse déborder son texte."""
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur})
    problemes = {}
    for chemin in _pages_lecteur(rapport):
        page = contexte.new_page()
        erreurs = []
        page.on("pageerror", lambda e, erreurs=erreurs: erreurs.append(str(e)))
        page.goto(chemin.as_uri())
        page.wait_for_load_state("load")
        assert page.locator('meta[name="viewport"]').count() >= 1, f"{chemin.name} : pas de meta viewport"
        r = page.evaluate(SCRIPT_MISE_EN_PAGE)
        r["erreurs"] = erreurs
        if r["larges"] or r["chevauchements"] or r["largeur"] > r["W"] or erreurs:
            problemes[str(chemin.relative_to(rapport["sortie"]))] = r
        page.close()
    contexte.close()
    assert not problemes, problemes


def test_tableau_interactif_sur_un_telephone(rapport, navigateur):
    """À 390 px, un tableau interactif tient dans l'écran (extension Responsive : les colonnes qui ne tiennent pas
    passent sous la ligne, qu'un toucher déplie) ; un tableau large défile dans son cadre, avec la mention visible."""
    page = navigateur.new_page(viewport={"width": 390, "height": 844})
    page.goto((rapport["sortie"] / "90_concordance.html").as_uri())
    page.wait_for_selector("div.dt-container table.tableau-interactif")
    tableau = page.locator("table.tableau-interactif").first
    assert tableau.bounding_box()["width"] <= 390
    cachees = page.eval_on_selector(
        "table.tableau-interactif",
        "t => Array.from(t.querySelectorAll('thead th')).filter(th => getComputedStyle(th).display === 'none').length",
    )
    assert cachees > 0  # des colonnes passent sous la ligne
    page.locator("table.tableau-interactif tbody td.dtr-control:not(.dtr-hidden)").first.click()
    page.wait_for_selector("table.tableau-interactif tr.dtr-expanded + tr.child")
    assert "lignes utilisées" in page.inner_text("table.tableau-interactif tr.child")
    page.goto((rapport["sortie"] / "10_geographie_prioritaire.html").as_uri())
    page.wait_for_load_state("load")
    mention = page.evaluate(
        "() => { const d = document.querySelector('.defilement.deborde');"
        " return d ? getComputedStyle(d, '::before').content : null; }"
    )
    assert mention and "faites-le défiler" in mention
    page.close()


# --------------------------------------------------------------------------------------------- recherche


def test_la_recherche_trouve_un_quartier_et_un_indicateur(rapport, navigateur):
    """Hors ligne (pages ouvertes depuis le disque) : la recherche de l'index mène à la page de recherche, qui trouve
    la fiche d'un quartier par son nom (sans ses accents) et les pages d'un indicateur."""
    sortie = rapport["sortie"]
    fiche = next(
        p
        for p in sorted((sortie / "quartiers").glob("*.html"))
        if "<title>Fiche quartier Mont-Liébaut" in p.read_text("utf-8")
    )
    page = navigateur.new_page(viewport={"width": 1366, "height": 900})
    erreurs = []
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.goto((sortie / "index.html").as_uri())
    page.fill("form.recherche input", "mont liebaut")
    page.click("form.recherche button")
    page.wait_for_selector("ol.resultats li")
    assert "recherche.html?q=mont+liebaut" in page.url
    liens = page.eval_on_selector_all("ol.resultats li a", "as => as.map(a => a.getAttribute('href'))")
    assert f"quartiers/{fiche.name}" in liens, liens[:10]
    page.fill("#q", "indice de jeunesse")
    page.wait_for_function("document.querySelector('#etat').textContent.includes('résultat')")
    resultats = _espaces(page.inner_text("ol.resultats")).lower()
    assert "indice de jeunesse" in resultats
    liens = page.eval_on_selector_all("ol.resultats li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(lien.startswith("10_geographie_prioritaire.html") for lien in liens)
    assert any(lien.startswith("methodologie.html") for lien in liens)
    page.fill("#q", "aucunmotdecetype")
    page.wait_for_function("document.querySelector('#etat').textContent.startsWith('Aucun résultat')")
    page.close()
    assert not erreurs, erreurs


# --------------------------------------------------------------------------------------------- édition PDF


@pytest.fixture(scope="module")
def editions_pdf(rapport, navigateur):
    from politique_ville.report.pdf import produire

    messages = []
    resultats = produire(
        rapport["sortie"],
        annee=2019,
        territoire="Territoire",
        fiches=True,
        sortie=messages.append,
        navigateur=navigateur,
    )
    return {r["fichier"].name: r for r in resultats}


def test_edition_pdf_a4_sans_tableau_coupe(editions_pdf, rapport):
    """Le rapport et les fiches en PDF : pages A4 (portrait, ou paysage pour un tableau large ; en petits caractères
    pour un tableau à peine trop large), aucun tableau plus large que sa page, en-tête (territoire, année) et numéro de page, signets ; l'index mène aux deux PDF."""
    from pypdf import PdfReader

    assert set(editions_pdf) == {"rapport_2019.pdf", "fiches_quartier_2019.pdf"}
    for nom, r in editions_pdf.items():
        assert r["debordants"] == 0, nom
        lecteur = PdfReader(str(r["fichier"]))
        tailles = {
            tuple(sorted((round(float(p.mediabox.width)), round(float(p.mediabox.height))))) for p in lecteur.pages
        }
        assert tailles == {(595, 842)}, tailles  # A4, en portrait ou en paysage
        assert len(lecteur.pages) == r["pages"] > 10
        if nom == "rapport_2019.pdf":  # les plus larges tableaux du rapport passent en paysage
            assert r["paysage"] > 0 and any(p.mediabox.width > p.mediabox.height for p in lecteur.pages)
        texte = _texte_pdf(lecteur.pages[5])
        assert "Politique de la ville — Territoire — 2019" in texte
        assert re.search(r"\b4 / \d+\b", texte), texte[-200:]
        assert len(lecteur.outline) >= 3
    index = (rapport["sortie"] / "index.html").read_text("utf-8")
    assert 'href="rapport_2019.pdf"' in index and 'href="fiches_quartier_2019.pdf"' in index


def _texte_pdf(page) -> str:
    """Texte d'une page de PDF, ligatures (« ﬁ ») défaites et espaces normalisés."""
    import unicodedata

    return _espaces(unicodedata.normalize("NFKC", page.extract_text()))


def test_edition_pdf_sommaire_et_toutes_les_lignes(editions_pdf, rapport):
    """Le sommaire de la couverture donne la bonne page de chaque chapitre ; un tableau interactif y est imprimé en
    entier (toutes ses lignes, colonnes de provenance comprises), sans les boutons de pages."""
    from pypdf import PdfReader

    r = editions_pdf["rapport_2019.pdf"]
    lecteur = PdfReader(str(r["fichier"]))
    couverture = " ".join(_texte_pdf(lecteur.pages[i]) for i in range(2))
    titres = [t for t, _ in r["sommaire"]]
    assert titres[-1] == "Méthodologie" and "Concordance : chiffres publiés et valeurs recalculées" in titres
    premiere_du_corps = next(i for i, p in enumerate(lecteur.pages) if "Politique de la ville —" in p.extract_text())
    for titre, numero in r["sommaire"]:
        assert titre in couverture
        page = _texte_pdf(lecteur.pages[premiere_du_corps + numero - 1])
        assert re.sub(r"\s", "", titre)[:30] in re.sub(r"\s", "", page), (titre, numero)
    debut = premiere_du_corps + dict(r["sommaire"])["Concordance : chiffres publiés et valeurs recalculées"] - 1
    fin = premiere_du_corps + dict(r["sommaire"])["Méthodologie"] - 1
    texte = " ".join(_texte_pdf(lecteur.pages[i]) for i in range(debut, fin))
    lignes = re.findall(
        r"<tr>(.*?)</tr>",
        re.search(
            r'<table class="tableau tableau-interactif">.*?</table>',
            (rapport["sortie"] / "90_concordance.html").read_text("utf-8"),
            re.S,
        ).group(0),
    )
    assert len(lignes) > 100
    assert texte.count("identique") >= sum("<td" in x and ">identique<" in x for x in lignes)
    assert "Lignes 1 à 25" not in texte and "Suivant" not in texte
    assert "lignes utilisées" in texte  # dernière colonne, gardée
