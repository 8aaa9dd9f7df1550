"""Un autre territoire, une autre année : le pipeline de bout en bout sur un territoire FICTIF (2031).

Fixture ``tests/fixtures/territoire_fictif/`` : paramètres, référentiels inventés (communes « Exempleville »,
« Fictive-sur-Mer »…) et un seul fichier brut, ``insee_qpv.csv``, tel que l'INSEE le publie (en-têtes « CODGEO »,
« LIBGEO », « LIBCOM », « POP_MUN »…, séparateur « ; », cases vides = secret statistique, indicateurs facultatifs
absents). Pas de programmation, pas de niveaux de comparaison, pas de rapport publié : entrées partielles.
"""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest
from conftest import RACINE, empreintes

from politique_ville.base.catalog import Catalogue, lire_table
from politique_ville.clean.nettoyage import ErreursNettoyage, Journal, Referentiels, nettoyer_insee, nettoyer_table
from politique_ville.reference.schemas import SCHEMAS, renommages_colonnes

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_fictif"
ANNEE = 2031
PARAMS = FIXTURE / "params" / f"{ANNEE}.yaml"
TERRITOIRE = "Communauté fictive de Val-d'Exemple (données synthétiques)"
#: chapitres qui exigent la programmation : non produits, avec leurs entrées manquantes nommées
IGNORES = ("20_programmation", "30_contribution_objectifs", "40_annexe_grille_priorites")
pipeline = pytest.mark.pipeline


def _refs_fictives() -> Referentiels:
    return Referentiels.charger(Catalogue.pour(ANNEE, RACINE, reference_dir=FIXTURE / "reference"))


def _brut_insee() -> pd.DataFrame:
    return lire_table(FIXTURE / "raw" / str(ANNEE) / "insee_qpv.csv")


# --------------------------------------------------------------------------------------------- correspondance INSEE


def test_entetes_insee_ramenes_aux_noms_internes():
    entetes = [
        "CODGEO",
        "LIBGEO",
        "LIBCOM",
        "DEP",
        "POP_MUN",
        "IND_JEUNE",
        "PMIMP",
        "DECUC_Q2",
        "TX_TOT_EMPL",
        "ABCDE",
        "A",
    ]
    assert renommages_colonnes("insee_qpv", entetes) == {
        "CODGEO": "code_qp",
        "LIBGEO": "nom_qp",
        "LIBCOM": "nom_commune",
        "DEP": "dep",
        "POP_MUN": "pop_mun",
        "IND_JEUNE": "ind_jeune",
        "PMIMP": "pmimp",
        "DECUC_Q2": "decuc_q2",
        "TX_TOT_EMPL": "tx_tot_empl",
        "ABCDE": "abcde",
        "A": "a",
    }


@pytest.mark.parametrize(
    "entete, interne",
    [
        ("CODE_QP", "code_qp"),
        ("codgeo", "code_qp"),
        ("CodGeo", "code_qp"),
        (" CODGEO ", "code_qp"),
        ("LIB_QP", "nom_qp"),
        ("Libgeo", "nom_qp"),
        ("LIB_COM", "nom_commune"),
        ("COMMUNES", "nom_commune"),
        ("Communes", "nom_commune"),
        ("Pop_Mun", "pop_mun"),
        ("NB_ETABLISSEMENTS", "nb_etablissements"),
        ("PART_MOINS_25", "part_moins_25"),
    ],
)
def test_correspondance_sans_tenir_compte_de_la_casse(entete, interne):
    assert renommages_colonnes("insee_qpv", [entete]) == {entete: interne}


def test_noms_internes_et_autres_tables_inchanges(catalogue):
    # le fichier 2019 (noms internes) et les tables hors famille INSEE ne sont jamais renommés
    assert renommages_colonnes("insee_qpv", list(catalogue.lire_brut("insee_qpv").columns)) == {}
    assert renommages_colonnes("insee_references", list(catalogue.lire_brut("insee_references").columns)) == {}
    assert renommages_colonnes("programmation", ["ID_ACTION", "COMMUNES"]) == {}
    assert renommages_colonnes("insee_qpv", ["Libellé libre"]) == {}  # ni alias ni capitales : gardé tel quel


def test_deux_colonnes_pour_la_meme_colonne_interne_est_une_erreur(tmp_path):
    with pytest.raises(ValueError, match="« CODGEO » et « code_qp »"):
        renommages_colonnes("insee_qpv", ["CODGEO", "code_qp"])
    brut = _brut_insee().assign(code_qp="QP999999")
    brut.attrs = {"source": {"fichier": "insee_qpv.csv"}}
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_table("insee_qpv", brut, _refs_fictives(), Journal())
    assert exc.value.fichier == "insee_qpv.csv" and exc.value.ligne == 1
    assert "désignent toutes deux la colonne « code_qp »" in str(exc.value)


def test_fichier_insee_tel_que_publie_se_nettoie():
    journal = Journal()
    sorties = nettoyer_insee({"insee_qpv": _brut_insee()}, _refs_fictives(), journal)
    assert set(sorties) == {"insee_qpv", "insee_qpv_communes", "insee_valeurs_manquantes"}
    qpv = sorties["insee_qpv"].set_index("code_qp")
    assert list(qpv.index) == [f"QP99900{i}" for i in range(1, 6)]
    assert not {"CODGEO", "LIBGEO", "LIBCOM", "POP_MUN"} & set(qpv.columns)
    assert set(qpv["type_quartier"]) == {"QPV"}  # un fichier de l'INSEE ne liste que des QPV
    assert qpv.loc["QP999003", "nom_commune"] == "Exempleville, Val-d'Exemple"
    assert qpv["pop_mun"].dtype == "Int64" and qpv["tx_tot_empl"].dtype == "float64"
    # secret statistique : manquant, jamais 0, et listé avec son motif
    assert pd.isna(qpv.loc["QP999005", "pmimp"]) and pd.isna(qpv.loc["QP999005", "decuc_q2"])
    manq = sorties["insee_valeurs_manquantes"]
    assert set(zip(manq["code_qp"], manq["variable"])) == {
        ("QP999004", "tx_tot_empl"),
        ("QP999005", "pmimp"),
        ("QP999005", "decuc_q2"),
        ("QP999005", "a"),
    }
    assert set(manq["motif"]) == {"secret statistique"}
    # indicateurs facultatifs absents : pas inventés
    assert "part_moins_25" not in qpv.columns and "annee_reconnaissance" not in qpv.columns
    # le journal montre les renommages et la valeur par défaut
    j = journal.tableau()
    renommages = j[j["règle"].str.startswith("en-tête de l'INSEE")]
    assert "« CODGEO » → « code_qp »" in set(renommages["exemples"])
    assert "« LIBCOM » → « nom_commune »" in set(renommages["exemples"])
    defaut = j[j["colonne"] == "type_quartier"]
    assert len(defaut) == 1 and defaut["valeurs modifiées"].iloc[0] == 5 and "QPV" in defaut["règle"].iloc[0]


def test_colonne_par_defaut_non_exigee_du_fichier_brut(catalogue):
    from politique_ville.clean.validation import attentes_brutes, brut_renomme

    assert "type_quartier" not in SCHEMAS["insee_qpv"].obligatoires
    colonnes = lambda attentes: {a.kwargs.get("column") for a in attentes if a.type == "ExpectColumnToExist"}  # noqa: E731
    fictif = colonnes(attentes_brutes("insee_qpv", brut_renomme("insee_qpv", _brut_insee())))
    assert {"code_qp", "nom_qp", "nom_commune", "pop_mun"} <= fictif and "type_quartier" not in fictif
    # 2019 : la colonne est dans le fichier, elle reste exigée comme avant
    assert "type_quartier" in colonnes(attentes_brutes("insee_qpv", catalogue.lire_brut("insee_qpv")))


def test_calculs_sans_references_ni_annee_de_reconnaissance():
    from politique_ville.compute import qpv as cq
    from politique_ville.figures import qpv as fq

    sorties = nettoyer_insee({"insee_qpv": _brut_insee()}, _refs_fictives(), Journal())
    qpv, communes = sorties["insee_qpv"], sorties["insee_qpv_communes"]
    q = cq.quartiers(qpv, communes)
    assert len(q) == 5 and q["annee_reconnaissance"].isna().all()
    parts = cq.parts_agglomeration(qpv, None)
    assert parts["part_qpv"].isna().all() and parts.set_index("code").loc["pop_mun", "total_qpv"] == 9260
    assert fq.figure_parts(parts, float("nan"), "source") is None
    fiche = cq.fiche_indicateurs(qpv, None, "QP999005", None, sorties["insee_valeurs_manquantes"])
    assert fiche.set_index("code").loc["pmimp", "valeur"] == "secret"


# --------------------------------------------------------------------------------------------- pipeline complet


@pytest.fixture(scope="module")
def fictif(tmp_path_factory):
    from politique_ville.runner import executer

    base = tmp_path_factory.mktemp("fictif")
    raw = base / "raw" / str(ANNEE)
    shutil.copytree(FIXTURE / "raw" / str(ANNEE), raw)
    fixture_avant, copie_avant = empreintes(FIXTURE), empreintes(raw)
    messages: list[str] = []
    index = executer(
        ANNEE,
        racine=RACINE,
        fichier_params=PARAMS,
        raw_dir=raw,
        out=base / "reports" / str(ANNEE),
        processed_dir=base / "processed" / str(ANNEE),
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    return {
        "index": index,
        "sortie": index.parent,
        "base": base,
        "messages": messages,
        "traitees": base / "processed" / str(ANNEE),
        "raw": raw,
        "fixture_avant": fixture_avant,
        "fixture_apres": empreintes(FIXTURE),
        "copie_avant": copie_avant,
        "copie_apres": empreintes(raw),
    }


def _page(chemin) -> str:
    return html.unescape(chemin.read_text(encoding="utf-8"))


@pipeline
def test_execution_reussie_chapitre_10_sans_concordance(fictif):
    assert fictif["index"].is_file()
    texte = "\n".join(fictif["messages"])
    assert "Résumé :" in texte and "Rapport : " in texte
    for nom in (
        "00_donnees_brutes",
        "01_nettoyage_financements",
        "02_nettoyage_insee",
        "03_validation",
        "10_geographie_prioritaire",
    ):
        page = fictif["sortie"] / f"{nom}.html"
        assert page.is_file(), nom
        assert "Traceback" not in page.read_text(encoding="utf-8"), nom
        assert re.search(rf"exécutée\s+{nom}", texte), nom
    for nom in IGNORES:
        assert not (fictif["sortie"] / f"{nom}.html").exists(), nom
    # ni chiffres publiés ni fichier SCDL : la concordance n'a rien à comparer, elle n'est pas produite et le dit
    assert not (fictif["sortie"] / "90_concordance.html").exists()
    assert re.search(r"ignorée\s+90_concordance — ni chiffres publiés .*rien à comparer", texte)


def _tables_requises(nom: str) -> list[str]:
    from politique_ville.reference.etapes import declaration

    return list(declaration(nom).requises)


@pipeline
def test_chapitres_sans_programmation_ignores_avec_entrees_manquantes_nommees(fictif):
    from politique_ville.report.export import titre_notebook

    index = _page(fictif["index"])
    for nom in IGNORES:
        manquantes = _tables_requises(nom)
        assert "programmation" in manquantes
        ligne = [m for m in fictif["messages"] if nom in m]
        assert len(ligne) == 1 and "ignorée" in ligne[0], ligne
        assert f"entrées manquantes : {', '.join(manquantes)}" in ligne[0]
        titre = titre_notebook(RACINE / "notebooks" / f"{nom}.ipynb")
        assert f"{titre} — non produit (entrées manquantes : {', '.join(manquantes)})" in index


@pipeline
def test_une_fiche_par_quartier(fictif):
    codes = list(_brut_insee()["CODGEO"])
    fiches = sorted(p.stem for p in (fictif["sortie"] / "quartiers").glob("*.html"))
    assert fiches == sorted(codes)
    assert f"fiches quartier : {len(codes)}" in "\n".join(fictif["messages"])
    index = fictif["index"].read_text(encoding="utf-8")
    for c in codes:
        assert f'href="quartiers/{c}.html"' in index
    fiche = _page(fictif["sortie"] / "quartiers" / "QP999005.html")
    assert "Bois-Modèle" in fiche and "Aucun niveau de comparaison" in fiche and "non publié" not in fiche
    assert "Aucune action : pas de données de programmation" in fiche


@pipeline
def test_index_au_nom_du_territoire_fictif_sans_rien_de_2019(fictif):
    brut = fictif["index"].read_text(encoding="utf-8")
    page = html.unescape(brut)
    assert TERRITOIRE in page and f"— {ANNEE}" in page
    # hors chemins temporaires, empreintes et version du code (où « 2019 » pourrait paraître par hasard)
    propre = page.replace(str(fictif["base"]), "")
    propre = re.sub(r"<code>.*?</code>|<tr><th>Version du code</th>.*?</tr>", "", propre, flags=re.S)
    for terme in ("Béthune", "CABBALR", "Artois-Lys", "2019"):
        assert terme not in propre, terme


@pipeline
def test_secret_statistique_affiche_secret_jamais_0(fictif):
    page = (fictif["sortie"] / "10_geographie_prioritaire.html").read_text(encoding="utf-8")
    # le tableau est dans son cadre qui défile sur un écran étroit (<div class="defilement">)
    tableau = re.search(
        r"<h4>Indicateurs par QPV</h4>\s*(?:<div class=\"defilement\"[^>]*>\s*)?(<table.*?</table>)", page, flags=re.S
    )
    assert tableau, "tableau « Indicateurs par QPV » introuvable"
    lignes = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", tableau.group(1), flags=re.S):
        cellules = [html.unescape(re.sub(r"<[^>]+>", "", td)) for td in re.findall(r"<td[^>]*>.*?</td>", tr)]
        if cellules:
            lignes[cellules[0]] = cellules[1:]
    # indice de jeunesse, taux d'emploi, ménages imposés (secret), revenu médian (secret)
    assert lignes["Bois-Modèle"] == ["1,5", "50,1", "secret", "secret"]
    assert lignes["Le Port Imaginaire"][1] == "secret"
    texte = _page(fictif["sortie"] / "10_geographie_prioritaire.html")
    assert "Aucun niveau de comparaison." in texte and "non publié" not in texte
    assert "4 valeur(s) de QPV" in texte and "jamais remplacées par 0" in texte
    qpv = pd.read_parquet(fictif["traitees"] / "insee_qpv.parquet").set_index("code_qp")
    assert pd.isna(qpv.loc["QP999005", "pmimp"])


@pipeline
def test_journal_du_nettoyage_insee_montre_les_renommages(fictif):
    page = _page(fictif["sortie"] / "02_nettoyage_insee.html")
    for avant, apres in (
        ("CODGEO", "code_qp"),
        ("LIBGEO", "nom_qp"),
        ("LIBCOM", "nom_commune"),
        ("POP_MUN", "pop_mun"),
        ("DECUC_Q2", "decuc_q2"),
    ):
        assert f"« {avant} » → « {apres} »" in page, avant
    assert "valeur par défaut « QPV »" in page


@pipeline
def test_preparation_avec_le_seul_fichier_insee(fictif):
    assert "Rien à nettoyer" in _page(fictif["sortie"] / "01_nettoyage_financements.html")
    assert "Validation réussie" in _page(fictif["sortie"] / "03_validation.html")
    assert not (fictif["sortie"] / "90_concordance.html").exists()  # rien à comparer : non produit
    assert sorted(p.stem for p in fictif["traitees"].glob("*.parquet")) == [
        "insee_qpv",
        "insee_qpv_communes",
        "insee_valeurs_manquantes",
    ]


@pipeline
def test_fichiers_bruts_inchanges(fictif):
    assert fictif["fixture_avant"] and fictif["fixture_apres"] == fictif["fixture_avant"]
    assert fictif["copie_apres"] == fictif["copie_avant"]


# --------------------------------------------------------------------------------------------- comparaisons partielles


@pytest.fixture(scope="module")
def references_partielles(tmp_path_factory):
    """Le même territoire avec un fichier de niveaux de comparaison partiel : l'agglomération seule, trois
    indicateurs, et un indice de jeunesse de l'agglomération SUPÉRIEUR à celui des QPV (l'inverse de 2019)."""
    from politique_ville.runner import executer

    base = tmp_path_factory.mktemp("fictif_refs")
    raw = base / "raw" / str(ANNEE)
    shutil.copytree(FIXTURE / "raw" / str(ANNEE), raw)
    (raw / "insee_references.csv").write_text(
        "niveau,libelle_territoire,pop_mun,ind_jeune,tx_tot_empl\n"
        "Agglomération,Communauté fictive de Val-d'Exemple,48 210,2.0,61.2%\n",
        encoding="utf-8",
    )
    messages: list[str] = []
    index = executer(
        ANNEE,
        racine=RACINE,
        fichier_params=PARAMS,
        raw_dir=raw,
        out=base / "reports" / str(ANNEE),
        processed_dir=base / "processed" / str(ANNEE),
        chapitres=["10"],
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    page = index.parent / "10_geographie_prioritaire.html"
    texte = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(page)))
    return {"texte": texte, "brut": page.read_text(encoding="utf-8"), "messages": messages}


@pipeline
def test_chapitre_10_avec_des_niveaux_de_comparaison_partiels(references_partielles):
    texte = references_partielles["texte"]
    assert "Traceback" not in references_partielles["brut"]
    # chaque comparaison suit les données : QPV 1,6 contre 2,0 pour l'agglomération
    assert (
        "Les QPV sont plus concernés par le vieillissement que l'ensemble du territoire : leur indice de jeunesse "
        "est en moyenne de 1,6 , contre 2,0 à l'échelle de l'agglomération"
    ) in texte
    assert "moins concernés par le vieillissement" not in texte
    assert "soit 13,0 points de moins dans les QPV" in texte
    # valeurs de l'agglomération absentes : dit, jamais « contre non publié », jamais de conclusion inventée
    # sans rapport publié : ce que disent les niveaux qui existent, jamais « non publiée »
    assert "Part des ménages fiscaux imposés : " in texte and "non publiée" not in texte
    assert "se démarquent fortement" not in texte and "contre non publié" not in texte
    # pas de niveau « hors QPV » : pas de note à son sujet
    assert "Agglomération hors QPV : femmes et hommes confondus" not in texte
