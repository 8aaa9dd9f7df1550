"""Le pipeline réel : exécuté par papermill, il produit le rapport HTML et ne touche jamais data/raw."""

import json
import re
import shutil

import pandas as pd
import pytest
from conftest import INTITULE_PIEGE

pytestmark = pytest.mark.pipeline

ETAPES = ("00_donnees_brutes", "01_nettoyage_financements", "02_nettoyage_insee", "03_validation", "90_concordance")


def test_data_raw_inchange_apres_execution(rapport):
    assert rapport["depot_avant"], "data/raw est vide"
    assert rapport["depot_apres"] == rapport["depot_avant"]
    assert rapport["copie_apres"] == rapport["copie_avant"]


def test_index_et_chapitres_html_produits(rapport):
    index = rapport["index"]
    assert index.name == "index.html" and index.is_file()
    page = index.read_text(encoding="utf-8")
    for titre in (
        "Données brutes reçues",
        "Nettoyage de la programmation et des financements",
        "Nettoyage des données INSEE des quartiers",
        "Validation des données",
        "Concordance",
    ):
        assert titre in page
    assert 'href="validation/index.html"' in page and (rapport["sortie"] / "validation" / "index.html").is_file()
    assert "programmation.csv" in page  # empreintes des entrées
    for nb in ETAPES:
        html = (rapport["sortie"] / f"{nb}.html").read_text(encoding="utf-8")
        assert "Traceback" not in html, nb
        assert (rapport["sortie"] / "notebooks" / f"{nb}.ipynb").is_file()
        assert (rapport["sortie"] / f"{nb}_avec_code.html").is_file()
    concordance = (rapport["sortie"] / "90_concordance.html").read_text(encoding="utf-8")
    assert "1\u202f712\u202f989\u00a0€" in concordance  # total CGET publié et recalculé, au format français
    assert any(str(index) in m for m in rapport["messages"]), "le chemin du rapport n'est pas annoncé"


def test_notebooks_executes_gardent_les_parametres_injectes(rapport):
    nb = json.loads((rapport["sortie"] / "notebooks" / "01_nettoyage_financements.ipynb").read_text(encoding="utf-8"))
    injectes = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injectes and "annee = 2019" in "".join(injectes[0]["source"])


def test_html_autonome_sans_ressource_externe(rapport):
    for html in rapport["sortie"].glob("*.html"):
        texte = html.read_text(encoding="utf-8")
        assert 'src="http' not in texte and "<link" not in texte.replace('<link rel="icon"', ""), html.name


def test_intitule_piege_affiche_comme_texte(rapport):
    traitees = pd.read_parquet(rapport["traitees"] / "programmation.parquet")
    assert INTITULE_PIEGE in set(traitees["intitule"])
    for html in rapport["sortie"].glob("*.html"):
        assert "<script>alert(" not in html.read_text(encoding="utf-8"), html.name


def test_tables_traitees_en_parquet(rapport):
    prog = pd.read_parquet(rapport["traitees"] / "programmation.parquet")
    assert len(prog) == 131 and prog["credits_specifiques"].dtype == "float64"
    assert "Ville de Lillers" in set(prog["porteur"])  # « Ville de Lil lers » nettoyé
    assert not any(p.name.startswith(".") for p in rapport["traitees"].parent.iterdir()), "dossier de travail laissé"


def test_classeurs_excel_des_chapitres(rapport):
    from openpyxl import load_workbook

    dossier = rapport["sortie"] / "tableaux"
    classeurs = sorted(dossier.glob("*.xlsx"))
    assert {c.stem for c in classeurs} >= {
        "10_geographie_prioritaire",
        "20_programmation",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
    }
    for c in classeurs:
        html = (rapport["sortie"] / f"{c.stem}.html").read_text(encoding="utf-8")
        assert f'href="tableaux/{c.name}"' in html, f"{c.stem} : pas de lien vers son classeur"
    wb = load_workbook(dossier / "20_programmation.xlsx")
    nombres = [
        cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows(min_row=2)
        for cell in row
        if cell.data_type == "n" and cell.value is not None
    ]
    assert 1712989 in nombres and 5530289 in nombres  # stockés comme nombres, pas comme texte
    # l'intitulé piégé « =1+1 … » ne devient jamais une formule
    trouve = []
    for c in classeurs:
        for ws in load_workbook(c).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "alert('intrus')" in cell.value:
                        trouve.append((c.name, cell.value, cell.data_type))
    assert trouve, "l'intitulé piégé n'apparaît dans aucun classeur"
    assert all(v.startswith("'=") and t == "s" for _, v, t in trouve), trouve


def test_reexecution_sans_changement_reutilise_tout(rapport, racine):
    from conftest import ANNEE

    from politique_ville.runner import executer

    index = rapport["index"]
    avant = index.stat().st_mtime_ns
    messages = []
    executer(
        ANNEE,
        racine=racine,
        raw_dir=rapport["raw"],
        out=rapport["sortie"],
        processed_dir=rapport["traitees"],
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    assert any("Rien n'a changé" in m and "réutilisées" in m for m in messages), messages
    assert index.stat().st_mtime_ns == avant


def test_manifeste_des_etapes(rapport):
    manifeste = json.loads((rapport["sortie"] / ".execution.json").read_text(encoding="utf-8"))
    etapes = manifeste["etapes"]
    assert set(ETAPES) <= set(etapes) and "fiches_quartier" in etapes
    assert all(len(e["cle"]) == 64 and e["sorties"] for e in etapes.values())
    assert "validation" in etapes["03_validation"]["sorties"]


def test_resume_final(rapport):
    texte = "\n".join(rapport["messages"])
    assert "Résumé :" in texte and "étape(s) exécutée(s)" in texte
    assert "fiches quartier : 21" in texte


def test_liste_des_fiches_simple_sous_le_seuil(rapport):
    """21 fiches (moins de 50) : une simple liste dans l'index et au chapitre 10, sans groupes ni recherche."""
    index = rapport["index"].read_text(encoding="utf-8")
    chap10 = (rapport["sortie"] / "10_geographie_prioritaire.html").read_text(encoding="utf-8")
    assert '<ul class="fiches">' in index and index.count('<li><a href="quartiers/') == 21
    assert chap10.count('<li><a href="quartiers/') == 21
    for page in (index, chap10):
        assert "filtre-fiches" not in page and "fiches-groupees" not in page


# --------------------------------------------------------------------------------------------- un fichier brut modifié


@pytest.fixture(scope="module")
def npnru_modifie(rapport, tmp_path_factory):
    """Le rapport de la session, copié (fichiers bruts, rapport, tables nettoyées), puis ré-exécuté après une
    modification de ``npnru.csv`` seul."""
    from conftest import ANNEE, RACINE, empreintes

    from politique_ville.runner import executer

    base = tmp_path_factory.mktemp("npnru")
    raw, sortie, traitees = base / "raw" / str(ANNEE), base / "reports" / str(ANNEE), base / "processed" / str(ANNEE)
    for src, dst in ((rapport["raw"], raw), (rapport["sortie"], sortie), (rapport["traitees"], traitees)):
        shutil.copytree(src, dst)
    texte = (raw / "npnru.csv").read_text(encoding="utf-8")
    assert "Comité Local d’Engagement" in texte
    (raw / "npnru.csv").write_text(
        texte.replace("Comité Local d’Engagement", "Comité de pilotage", 1), encoding="utf-8"
    )
    avant = empreintes(traitees)
    messages: list[str] = []
    executer(
        ANNEE,
        racine=RACINE,
        raw_dir=raw,
        out=sortie,
        processed_dir=traitees,
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    return {"texte": "\n".join(messages), "avant": avant, "apres": empreintes(traitees)}


def test_un_fichier_brut_modifie_ne_refait_que_les_etapes_qui_en_dependent(npnru_modifie):
    statuts = dict(
        (nom, statut)
        for statut, nom in re.findall(
            r"^  (exécutée|réutilisée|ignorée|non demandée)\s+(\w+)", npnru_modifie["texte"], flags=re.M
        )
    )
    # npnru est lu par l'inventaire, le nettoyage des financements et la validation ; sa table nettoyée, par les
    # chapitres 20 et 90 seulement
    assert {n for n, s in statuts.items() if s == "exécutée"} == {
        "00_donnees_brutes",
        "01_nettoyage_financements",
        "03_validation",
        "20_programmation",
        "90_concordance",
    }
    assert {n for n, s in statuts.items() if s == "réutilisée"} == {
        "02_nettoyage_insee",
        "10_geographie_prioritaire",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
        "fiches_quartier",
    }
    # seule la table npnru a changé, et elle est publiée
    changees = {f for f in npnru_modifie["apres"] if npnru_modifie["apres"][f] != npnru_modifie["avant"].get(f)}
    assert changees == {"npnru.parquet"}
