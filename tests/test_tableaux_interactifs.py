"""Grands tableaux interactifs (DataTables copié dans le dépôt, intégré seulement aux pages qui en ont besoin), sommaire
de chaque page et navigation entre les chapitres. Pages construites à partir d'un petit notebook aux sorties écrites
directement (pas d'exécution) : rapide."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import INTITULE_PIEGE
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from politique_ville import formats
from politique_ville.present import tableaux
from politique_ville.report import export, exportateur

RACINE = Path(__file__).resolve().parents[1]
INSEC = "\u00a0"
FINE = "\u202f"
FORMATS = {"Population": formats.nombre_fr, "Taux": formats.pourcent, "Montant": formats.euros}


def tableau_quartiers(n: int) -> pd.DataFrame:
    """n quartiers ; la ligne 3 porte l'intitulé piégé ; valeurs choisies pour que l'ordre du texte français diffère
    de l'ordre des valeurs (« 9 » avant « 10 000 » en texte, après en valeur)."""
    return pd.DataFrame(
        {
            "Quartier": [INTITULE_PIEGE if i == 3 else f"Quartier {i:04d}" for i in range(n)],
            "Commune": [f"Commune {i % 37}" for i in range(n)],
            "Population": [(i * 7919) % 20000 for i in range(n)],
            "Taux": [((i * 31) % 1000) / 10 for i in range(n)],
            "Montant": [float((i * 104729) % 3_000_000) for i in range(n)],
        }
    )


def page_chapitre(dossier: Path, lignes: int, navigation: dict | None = None, nom: str = "chapitre") -> Path:
    """Exporte un chapitre d'essai : titre, deux sections (dont une avec une sous-section), un petit tableau et un
    tableau de ``lignes`` lignes (interactif au-delà de 25)."""
    chap = tableaux.Chapitre(nom, dossier)
    petit = chap.tableau(tableau_quartiers(5), "Petit tableau", FORMATS).data
    grand = chap.tableau(tableau_quartiers(lignes), "Indicateurs par quartier", FORMATS, note="Source : essai.").data
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Chapitre d'essai\n\nIntroduction."),
            new_markdown_cell("## Première section\n\nTexte."),
            new_code_cell("ctx.tableau(petit)", outputs=[new_output("display_data", data={"text/html": petit})]),
            new_markdown_cell("### Détail par commune\n\nTexte."),
            new_markdown_cell("## Quartiers & communes\n\nTexte."),
            new_code_cell("ctx.tableau(grand)", outputs=[new_output("display_data", data={"text/html": grand})]),
        ]
    )
    chemin_nb = dossier / f"{nom}.ipynb"
    dossier.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(chemin_nb))
    return export.exporter_html(chemin_nb, dossier / f"{nom}.html", navigation=navigation)


NAVIGATION = {
    "index": "index.html",
    "precedent": ("Géographie <prioritaire>", "10_geographie_prioritaire.html"),
    "suivant": ("Programmation", "30_programmation.html"),
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("pages")
    grand = page_chapitre(dossier, 40, NAVIGATION, nom="grand")
    petit = page_chapitre(dossier, 25, None, nom="petit")
    return {"grand": grand.read_text(encoding="utf-8"), "petit": petit.read_text(encoding="utf-8")}


# --------------------------------------------------------------------------------------------- present


def test_seuil_interactif_documente():
    """25 lignes : tableau simple ; 26 : interactif (classe, valeurs de tri) ; forçable dans les deux sens."""
    assert tableaux.LIGNES_INTERACTIF == 25
    a_25 = tableaux.tableau_html(tableau_quartiers(25), FORMATS)
    a_26 = tableaux.tableau_html(tableau_quartiers(26), FORMATS)
    assert a_25.startswith('<table class="tableau"><thead>') and "data-order" not in a_25
    assert a_26.startswith('<table class="tableau tableau-interactif"><thead>')
    assert a_26.count("data-order=") == 26 * 3  # trois colonnes mises en forme
    force = tableaux.tableau_html(tableau_quartiers(3), FORMATS, interactif=True)
    assert "tableau-interactif" in force and force.count("data-order=") == 9
    assert "tableau-interactif" not in tableaux.tableau_html(tableau_quartiers(40), FORMATS, interactif=False)


def test_valeurs_de_tri_brutes():
    df = pd.DataFrame(
        {
            "Libellé": ["a", "b", "c", "d"],
            "Montant": [1712989, 9.0, -1500.5, float("nan")],
            "Taux": [0.353, 35.25, None, 100],
            "Texte": ["x", "y", "z", "w"],
        }
    )
    h = tableaux.tableau_html(
        df, {"Montant": formats.euros, "Taux": formats.pourcent}, droite=["Texte"], interactif=True
    )
    cellules = re.findall(r'<td style="[^"]*"( data-order="[^"]*")?>([^<]*)</td>', h)
    montants = [c for i, c in enumerate(cellules) if i % 4 == 1]
    taux = [c for i, c in enumerate(cellules) if i % 4 == 2]
    assert montants == [
        (' data-order="1712989"', f"1{FINE}712{FINE}989{INSEC}€"),
        (' data-order="9"', f"9{INSEC}€"),
        (' data-order="-1500.5"', f"−1{FINE}501{INSEC}€"),
        (' data-order=""', "—"),
    ]
    assert taux == [
        (' data-order="0.353"', f"0,4{INSEC}%"),
        (' data-order="35.25"', f"35,3{INSEC}%"),
        (' data-order=""', "—"),
        (' data-order="100"', f"100,0{INSEC}%"),
    ]
    # colonnes sans mise en forme (même alignées à droite) : pas de valeur de tri, le texte suffit
    assert [c for i, c in enumerate(cellules) if i % 4 in (0, 3)] == [
        ("", "a"),
        ("", "x"),
        ("", "b"),
        ("", "y"),
        ("", "c"),
        ("", "z"),
        ("", "d"),
        ("", "w"),
    ]
    assert tableaux.valeur_de_tri(pd.NA) == "" and tableaux.valeur_de_tri(float("inf")) == ""
    assert tableaux.valeur_de_tri(True) == "1" and tableaux.valeur_de_tri("B&<") == "B&<"


def test_interactif_garde_le_meme_texte_echappe():
    """Le tableau interactif ne diffère du tableau simple que par sa classe et ses attributs de tri."""
    df = tableau_quartiers(30)
    df.loc[5, "Commune"] = 'A & B "cité" <b>'
    df.loc[7, "Montant"] = float("nan")
    simple = tableaux.tableau_html(df, FORMATS, interactif=False)
    interactif = tableaux.tableau_html(df, FORMATS)
    assert re.sub(r' data-order="[^"]*"', "", interactif).replace(" tableau-interactif", "") == simple
    assert "&lt;script&gt;alert(&#x27;intrus&#x27;)&lt;/script&gt;" in interactif and "<script>" not in interactif
    assert "A &amp; B &quot;cité&quot; &lt;b&gt;" in interactif


def test_tableau_de_1600_lignes_loin_de_10_mo():
    """Une page nationale (1 600 quartiers) reste loin des ~10 Mo : tableau complet et DataTables intégré."""
    h = tableaux.tableau_html(tableau_quartiers(1600), FORMATS)
    assert h.count("<tr>") == 1601
    taille = len((h + export.ressources_tableaux_interactifs()).encode("utf-8"))
    assert 500_000 < taille < 2_000_000, taille


# --------------------------------------------------------------------------------------------- pages exportées


def test_datatables_integre_seulement_si_tableau_interactif(pages):
    g, p = pages["grand"], pages["petit"]
    assert "DataTables 3.1.2" in g and "new DataTable(" in g and "dt-container" in g  # script, réglages, styles
    assert g.count("new DataTable(") == 1 and g.index("new DataTable(") > g.index("</main>")
    assert "DataTable" not in p and "dt-container" not in p
    for marque in (export.MARQUE_SOMMAIRE, export.MARQUE_TABLEAUX):  # marques remplacées (celles de la navigation
        assert marque not in g and marque not in p  # restent : le runner la pose à chaque exécution)
    assert len(export.ressources_tableaux_interactifs().encode("utf-8")) > 100_000  # ~150 ko épargnés à la petite
    for page in (g, p):  # autonomes : aucune ressource externe
        assert 'src="http' not in page and "<link" not in page


def test_textes_francais_de_datatables(pages):
    g = pages["grand"]
    for texte in [
        'search: "Rechercher\\u00a0:"',
        'lengthMenu: "Afficher _MENU_ lignes"',
        'info: "Lignes _START_ à _END_ sur _TOTAL_"',
        'previous: "Précédent"',
        'next: "Suivant"',
        'emptyTable: "Aucune ligne"',
        'decimal: ","',
        "order: []",
        "pageLength: 25",
    ]:
        assert texte in g, texte


def test_page_echappe_toujours_l_intitule_piege(pages):
    g = pages["grand"]
    assert "<script>alert(" not in g
    # l'apostrophe échappée (&#x27;) dans la page ; les chevrons restent échappés
    assert g.count("=1+1 &lt;script&gt;alert(&#x27;intrus&#x27;)&lt;/script&gt; Lectures à partager") == 2
    assert 'data-order="15838"' in g and 'data-order="314187"' in g  # ligne 2 (population), ligne 3 (montant)
    assert 'DataTable.ext.errMode = "throw"' in g  # jamais de fenêtre d'alerte en cas d'erreur


def test_navigation_entre_chapitres(pages):
    g, p = pages["grand"], pages["petit"]
    navs = re.findall(r'<nav [^>]*class="navigation-rapport navigation-(haut|bas)"[^>]*>(.*?)</nav>', g, re.S)
    assert [n for n, _ in navs] == ["haut", "bas"]
    for _, contenu in navs:
        assert re.search(
            r'<a class="precedent" href="10_geographie_prioritaire.html" rel="prev">'
            r'<span class="sens">← Chapitre précédent</span> Géographie &lt;prioritaire&gt;</a>',
            contenu,
        )
        assert '<a class="index" href="index.html">Sommaire du rapport</a>' in contenu
        assert re.search(
            r'<a class="suivant" href="30_programmation.html" rel="next">'
            r'<span class="sens">Chapitre suivant →</span> Programmation</a>',
            contenu,
        )
    assert "navigation-rapport navigation" not in p  # sans l'argument : pas de barre


def test_premier_et_dernier_chapitre(tmp_path):
    """Premier chapitre : pas de lien « précédent » ; seul l'index : ni précédent ni suivant."""
    premier = page_chapitre(
        tmp_path, 3, {"index": "index.html", "precedent": None, "suivant": ("Programmation", "20.html")}, "premier"
    ).read_text("utf-8")
    assert 'rel="prev"' not in premier and premier.count('rel="next"') == 2 and "Chapitre précédent" not in premier
    seul = page_chapitre(tmp_path, 3, {"index": "../index.html"}, "seul").read_text("utf-8")
    assert seul.count('href="../index.html"') == 2 and 'rel="prev"' not in seul and 'rel="next"' not in seul


def test_sommaire_des_sections(pages):
    g = pages["grand"]
    sommaire = re.search(r'<nav class="sommaire-page"[^>]*>(.*?)</nav>', g, re.S)
    assert sommaire, "pas de sommaire"
    liens = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', sommaire.group(1))
    assert [t for _, t in liens] == ["Première section", "Détail par commune", "Quartiers &amp; communes"]
    for ident, _ in liens:  # chaque lien mène à un titre de la page
        assert re.search(r'<h[23] id="' + re.escape(ident) + '"', g), ident
    # la sous-section est imbriquée sous sa section ; titres des tableaux (h4) et titre du chapitre (h1) exclus
    assert re.search(
        r"<li><a [^>]*>Première section</a><ol><li><a [^>]*>Détail par commune</a></li></ol></li>", sommaire.group(1)
    )
    assert "Indicateurs par quartier" not in sommaire.group(1) and "Chapitre d" not in sommaire.group(1)
    assert g.index("</h1>") < g.index('<nav class="sommaire-page"') < g.index("Introduction.")


def test_sommaire_absent_si_une_seule_section():
    page = '<h1 id="T">T</h1><h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2><h4>Tableau</h4>'
    assert export.sommaire_html(page) == ""
    deux = export.sommaire_html(page + '<h3 id="B-&amp;-C">B &amp; <em>C</em></h3>')
    assert deux == (
        '<nav class="sommaire-page" aria-label="Sommaire de la page"><p>Dans cette page</p><ol>'
        '<li><a href="#A">A</a><ol><li><a href="#B-&amp;-C">B &amp; C</a></li></ol></li></ol></nav>'
    )


# --------------------------------------------------------------------------------------------- copie de DataTables


def test_copie_de_datatables_verifiee():
    vendor = RACINE / "src" / "politique_ville" / "report" / "templates" / "rapport" / "vendor"
    lignes = (vendor / "FICHIERS.tsv").read_text(encoding="utf-8").splitlines()
    assert lignes[0].split("\t") == [
        "nom",
        "version",
        "source",
        "chemin_dans_le_paquet",
        "fichier",
        "sha256",
        "licence",
    ]
    fichiers = {ligne.split("\t")[4] for ligne in lignes[1:]}
    assert fichiers == {
        "datatables/dataTables.min.js",
        "datatables/dataTables.dataTables.min.css",
        "datatables/License.txt",
        # extension Responsive (écrans étroits) et MiniSearch (recherche dans le rapport), avec leurs licences
        "datatables/dataTables.responsive.min.js",
        "datatables/responsive.dataTables.min.css",
        "datatables/License-responsive.txt",
        "minisearch/minisearch.js",
        "minisearch/LICENSE.txt",
    }
    assert "MIT License" in (vendor / "datatables" / "License.txt").read_text(encoding="utf-8")
    assert "MIT License" in (vendor / "datatables" / "License-responsive.txt").read_text(encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in (vendor / "minisearch" / "LICENSE.txt").read_text("utf-8")
    r = subprocess.run(
        [sys.executable, str(RACINE / "scripts" / "vendoriser_datatables.py"), "--verifier"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and "8 fichiers, 0 différent(s)" in r.stdout, r.stdout + r.stderr


def test_navigation_posee_apres_coup_d_apres_la_liste_finale(tmp_path, pages):
    """Le runner pose la navigation à la fin de chaque exécution (``export.poser_navigation``) : une page réutilisée
    d'une exécution précédente ne garde pas un lien vers un chapitre retiré ; même balisage que le gabarit."""
    page = page_chapitre(tmp_path, 30, None, nom="reprise")
    assert '<nav aria-label="Navigation entre les chapitres' not in page.read_text("utf-8")
    assert export.poser_navigation(page, NAVIGATION)
    posee = page.read_text("utf-8")
    attendu = re.findall(r"<nav [^>]*navigation-haut[^>]*>.*?</nav>", pages["grand"], re.S)[0]
    assert (
        re.findall(r"<nav [^>]*navigation-haut[^>]*>.*?</nav>", posee, re.S)[0].split(">", 1)[1]
        == attendu.split(">", 1)[1]
    )
    assert posee.count("30_programmation.html") == 2
    # le chapitre suivant a été retiré : la navigation suivante ne pointe plus vers lui
    assert export.poser_navigation(page, {"index": "index.html", "precedent": NAVIGATION["precedent"], "suivant": None})
    apres = page.read_text("utf-8")
    assert "30_programmation.html" not in apres and apres.count('rel="prev"') == 2
    assert not export.poser_navigation(
        page, {"index": "index.html", "precedent": NAVIGATION["precedent"], "suivant": None}
    )  # rien à changer : page intacte


def test_valeur_des_parametres_dans_l_index():
    assert export.valeur_parametre({"niveau": "epci", "code": "200072460", "nom": "CA d'Essai"}) == (
        "CA d'Essai (epci 200072460)"
    )
    assert export.valeur_parametre({"niveau": "france"}) == "france"
    assert export.valeur_parametre(["QP1", "QP2"]) == "QP1, QP2" and export.valeur_parametre(2031) == "2031"


def test_page_accessible_sans_relecture_par_beautifulsoup():
    """Ce que faisait nbconvert en relisant toute la page (BeautifulSoup), fait sur le texte : une image sans texte
    alternatif en reçoit un (en français), celles qui en ont un le gardent ; entrées et sorties des cellules
    atteignables au clavier, sans doubler un ``tabindex`` déjà là ni toucher aux autres blocs."""
    page = (
        '<img src="a.png"><img alt="Figure : taux" src="b.png">'
        '<div class="jp-Cell-inputWrapper"><div class="jp-RenderedImage jp-OutputArea-output">'
        '<div class="jp-OutputArea-output" tabindex="0"><div class="jp-OutputArea-child">'
    )
    assert exportateur._accessible(page) == (
        '<img alt="Image sans description" src="a.png"><img alt="Figure : taux" src="b.png">'
        '<div class="jp-Cell-inputWrapper" tabindex="0"><div class="jp-RenderedImage jp-OutputArea-output" '
        'tabindex="0"><div class="jp-OutputArea-output" tabindex="0"><div class="jp-OutputArea-child">'
    )


def test_notebook_en_memoire_exporte_sans_etre_modifie_meme_page_que_relu(tmp_path):
    """Un notebook en mémoire (une fiche, les deux versions d'un chapitre) est exporté sans être copié trois fois ni
    revalidé : la page est celle de l'export du même notebook relu (et validé) de son fichier, et le notebook ressort
    intact (l'export travaille sur sa propre copie)."""
    import copy

    chemin = page_chapitre(tmp_path, 40).with_suffix(".ipynb")
    nb = nbformat.read(str(chemin), as_version=4)
    avant = copy.deepcopy(nb)
    for avec_code in (False, True):
        en_memoire = export.exporter_html(
            nb, tmp_path / f"m{avec_code}.html", avec_code=avec_code, titre="Chapitre d'essai"
        )
        relu = export.exporter_html(chemin, tmp_path / f"r{avec_code}.html", avec_code=avec_code)
        assert en_memoire.read_text(encoding="utf-8") == relu.read_text(encoding="utf-8")
    assert nb == avant
