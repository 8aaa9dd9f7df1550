"""Validation Great Expectations : les tables 2019 passent ; une table altérée échoue avec table, colonne, lignes."""

import re

import pytest

from politique_ville.clean.nettoyage import Referentiels, nettoyer_financements, nettoyer_insee
from politique_ville.clean.validation import MAX_LIGNES_FAUTIVES, ValidationEchouee, attentes_traitees, valider


@pytest.fixture(scope="module")
def donnees(catalogue):
    refs = Referentiels.charger(catalogue)
    bruts = {t: catalogue.lire_brut(t) for t in catalogue.tables_brutes()}
    traitees = {**nettoyer_financements(bruts, refs), **nettoyer_insee(bruts, refs)}
    return refs, bruts, traitees


@pytest.fixture(scope="module")
def valide(donnees, catalogue, tmp_path_factory):
    refs, bruts, traitees = donnees
    base = tmp_path_factory.mktemp("validation")
    rapport = valider(bruts, traitees, refs, docs_dir=base / "docs")
    return rapport, base


def test_donnees_2019_valides_et_data_docs_publiees(valide):
    rapport, base = valide
    assert rapport.succes, rapport.message()
    assert rapport.attentes > 250
    assert (base / "docs" / "index.html").is_file()
    assert len(list((base / "docs" / "validations").rglob("*.html"))) == len(rapport.par_table)
    tables = {(lg["table"], lg["étape"]) for lg in rapport.par_table}
    assert ("programmation", "brut") in tables and ("programmation", "traité") in tables
    assert ("insee_qpv", "traité") in tables


def test_data_docs_lisibles_hors_ligne(valide):
    """Aucune page des Data Docs ne charge de style, de script ni d'image depuis Internet ; chaque fichier local
    qu'elles demandent existe (table de la page d'accueil, affichée par bootstrap-table et jQuery, comprise)."""
    from politique_ville.clean.datadocs import ressources_distantes

    _, base = valide
    pages = list((base / "docs").rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        texte = page.read_text(encoding="utf-8")
        assert ressources_distantes(texte) == [], page
        assert "dataContextId" not in texte and "integrity=" not in texte and "newsletter" not in texte
        for rel in re.findall(r'(?:src|href)="([^"#]+\.(?:css|js|png))"', texte):
            assert (page.parent / rel).resolve().is_file(), (page, rel)
    accueil = (base / "docs" / "index.html").read_text(encoding="utf-8")
    for fichier in (
        "vendor/jquery/jquery.min.js",
        "vendor/bootstrap-table/bootstrap-table.min.js",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/fontawesome/css/all.min.css",
    ):
        assert f'"static/{fichier}"' in accueil, fichier
    assert (base / "docs" / "static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2").is_file()


def test_reecriture_hors_ligne():
    from politique_ville.clean.datadocs import _reecrire, ressources_distantes

    page = (
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" integrity="sha384-x"'
        ' crossorigin="anonymous"></script>\n'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1&'
        'dataContextId=abc"/>\n<a href="https://greatexpectations.io">GX</a>'
    )
    assert len(ressources_distantes(page)) == 4
    sortie = _reecrire(page, "../static")
    assert sortie == (
        '<link rel="stylesheet" href="../static/vendor/bootstrap/bootstrap.min.css"/>\n'
        '<script src="../static/vendor/bootstrap/bootstrap.min.js"></script>\n'
        '<img src="../static/images/logo-long.png"/>\n<a href="https://greatexpectations.io">GX</a>'
    )
    assert ressources_distantes(sortie) == []
    # une adresse inconnue reste telle quelle, et se voit
    inconnue = '<script src="https://exemple.invalid/x.js"></script>'
    assert _reecrire(inconnue, "static") == inconnue and ressources_distantes(inconnue)
    # une page avec un graphique garde Vega
    graphique = '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script><script>vegaEmbed("#c", s)</script>'
    assert _reecrire(graphique, "static") == graphique


def test_ressources_gardees_conformes_a_leur_inventaire():
    import subprocess
    import sys

    from conftest import RACINE

    r = subprocess.run(
        [sys.executable, str(RACINE / "scripts" / "vendoriser_datadocs.py"), "--verifier"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and "21 fichiers, 0 différent(s)" in r.stdout, r.stdout + r.stderr


def test_les_attentes_couvrent_les_regles_demandees(donnees):
    refs, bruts, traitees = donnees
    types = {
        a.type
        for a in attentes_traitees("programmation", traitees["programmation"], bruts["programmation"], refs, traitees)
    }
    assert {
        "ExpectTableRowCountToEqual",
        "ExpectColumnSumToBeBetween",
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToBeUnique",
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToBeInTypeList",
    } <= types
    qpv = {a.type for a in attentes_traitees("insee_qpv", traitees["insee_qpv"], bruts["insee_qpv"], refs, traitees)}
    assert "ExpectColumnValuesToMatchRegex" in qpv


def test_table_alteree_echoue_avec_table_colonne_et_lignes(donnees, catalogue, tmp_path):
    refs, bruts, traitees = donnees
    alteree = dict(traitees)
    prog = traitees["programmation"].copy()
    prog.loc[prog.index[:12], "credits_specifiques"] = -5.0  # montants négatifs (et total changé)
    alteree["programmation"] = prog
    qpv = traitees["insee_qpv"].copy()
    qpv.loc[qpv.index[2], "pmimp"] = 140.0  # taux hors [0, 100]
    qpv.loc[qpv.index[3], "code_qp"] = "QP62"  # code de quartier mal formé
    alteree["insee_qpv"] = qpv
    alteree["porteurs"] = traitees["porteurs"].iloc[:-1]  # une ligne perdue
    communes = traitees["programmation_communes"].copy()
    communes.loc[communes.index[0], "commune"] = "Atlantis"
    alteree["programmation_communes"] = communes
    rapport = valider(bruts, alteree, refs, docs_dir=tmp_path / "docs")
    assert not rapport.succes
    echecs = {(e.table, e.colonne, e.attente): e for e in rapport.echecs}
    negatifs = echecs[("programmation", "credits_specifiques", "expect_column_values_to_be_between")]
    assert negatifs.lignes == list(range(2, 2 + MAX_LIGNES_FAUTIVES))  # lignes du fichier brut, 10 au plus
    assert ("programmation", "credits_specifiques", "expect_column_sum_to_be_between") in echecs
    assert echecs[("insee_qpv", "pmimp", "expect_column_values_to_be_between")].lignes == [4]
    assert echecs[("insee_qpv", "code_qp", "expect_column_values_to_match_regex")].lignes == [5]
    assert ("porteurs", "", "expect_table_row_count_to_equal") in echecs
    assert ("programmation_communes", "commune", "expect_column_values_to_be_in_set") in echecs
    with pytest.raises(ValidationEchouee) as exc:
        rapport.lever_si_echec()
    message = str(exc.value)
    assert message.startswith("Validation échouée")
    assert "programmation (traité), colonne « credits_specifiques »" in message
    assert "lignes 2, 3, 4" in message and "Atlantis" in message
