"""Un territoire désigné par son seul code et un fichier de l'INSEE plus large que lui (issue 10, points 2 et 3).

Fixture ``tests/fixtures/territoire_par_code/`` (voir son README) : aucun ``communes.csv`` ; la CC du Pays des Ecrins
(SIREN 240500462 : 8 communes des Hautes-Alpes) ou le département des Hautes-Alpes (05) ; 12 QPV fictifs de trois
départements, dont QP005901 (L'Argentière-la-Bessée) et QP005902 (Vallouise-Pelvoux et Puy-Saint-Vincent) dans la
CC, QP005903 (Briançon) et QP005904 (Gap) ailleurs dans les Hautes-Alpes.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from politique_ville.base.catalog import COLONNE_LIGNE, Catalogue
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.clean.nettoyage import (
    ErreursNettoyage,
    Journal,
    Referentiels,
    departement_du_code_qp,
    nettoyer_insee,
    selectionner_territoire,
)
from politique_ville.clean.validation import brut_de_la_table
from politique_ville.reference.parametres import charger_parametres

RACINE = Path(__file__).resolve().parents[1]
FIXTURE = RACINE / "tests" / "fixtures" / "territoire_par_code"
ECRINS = [
    "Champcella",
    "Freissinières",
    "L'Argentière-la-Bessée",
    "La Roche-de-Rame",
    "Les Vigneaux",
    "Puy-Saint-Vincent",
    "Saint-Martin-de-Queyrières",
    "Vallouise-Pelvoux",
]


def _contexte(niveau: str = "epci", params: dict | None = None):
    params = params or charger_parametres(RACINE, 2033, FIXTURE / "params" / f"{niveau}.yaml")
    cat = Catalogue.pour(2033, RACINE, raw_dir=FIXTURE / "raw" / "2033", reference_dir=params["reference_dir"])
    return cat, Referentiels.charger(cat, params)


def _brut(cat, sans: tuple[str, ...] = (), **remplacements) -> pd.DataFrame:
    brut = cat.lire_brut("insee_qpv")
    attrs = brut.attrs
    brut = brut.drop(columns=list(sans))
    for (code, colonne), valeur in remplacements.get("cellules", {}).items():
        brut.loc[brut["CODE_QP"] == code, colonne] = valeur
    brut.attrs = attrs
    return brut


def test_communes_du_referentiel_officiel_sans_communes_csv():
    assert not (FIXTURE / "reference" / "communes.csv").exists()
    _, refs = _contexte("epci")
    assert sorted(refs.communes["nom_officiel"]) == sorted(ECRINS)
    assert len(refs.codes_territoire()) == 8 and {"05006", "05101", "05110"} <= refs.codes_territoire()
    assert refs.territoire.nom == "CC du Pays des Ecrins" and refs.porteurs.empty
    _, refs_dep = _contexte("departement")
    assert len(refs_dep.communes) == 162 and refs_dep.commune("GAP") == "Gap"


@pytest.mark.parametrize(
    "niveau, gardes",
    [("epci", ["QP005901", "QP005902"]), ("departement", ["QP005901", "QP005902", "QP005903", "QP005904"])],
)
@pytest.mark.parametrize("par", ["code", "nom"])
def test_quartiers_du_territoire_par_code_ou_par_nom(niveau, gardes, par):
    cat, refs = _contexte(niveau)
    brut = _brut(cat, sans=("INSEE_COM",) if par == "nom" else ())
    journal = Journal()
    tables = nettoyer_insee({"insee_qpv": brut}, refs, journal)
    qpv = tables["insee_qpv"]
    assert list(qpv["code_qp"]) == gardes
    # quartier sur deux communes : gardé, ses deux communes ramenées au nom officiel
    assert qpv.loc[qpv["code_qp"] == "QP005902", "nom_commune"].iloc[0] == "Vallouise-Pelvoux, Puy-Saint-Vincent"
    qc = tables["insee_qpv_communes"]
    assert set(qc.loc[qc["code_qp"] == "QP005902", "code_insee"]) == {"05101", "05110"}
    comparaison = tables["insee_qpv_comparaison"]
    assert len(comparaison) == 12 and list(comparaison.loc[comparaison["dans_territoire"], "code_qp"]) == gardes
    lieux = dict(zip(comparaison["code_qp"], zip(comparaison["departement"], comparaison["region"])))
    assert lieux["QP004903"] == ("04", "93") and lieux["QP048901"] == ("48", "76") and lieux["QP005902"] == ("05", "93")
    regle = [r for r in journal.lignes if r["règle"].startswith("quartiers du territoire")]
    assert len(regle) == 1 and regle[0]["valeurs modifiées"] == 12 - len(gardes)
    assert regle[0]["colonne"] == ("code_commune" if par == "code" else "nom_commune")
    # « rien de perdu ni d'inventé » : insee_qpv répond de ses lignes, la comparaison de tout le fichier
    tables_ = {"insee_qpv": qpv, "insee_qpv_comparaison": comparaison}
    assert len(brut_de_la_table("insee_qpv", {"insee_qpv": brut}, tables_)) == len(gardes)
    assert len(brut_de_la_table("insee_qpv_comparaison", {"insee_qpv": brut}, tables_)) == 12


def test_fichier_du_seul_territoire_nettoye_comme_avant():
    cat, refs = _contexte("departement")
    brut = cat.lire_brut("insee_qpv")
    seul = brut[brut["CODE_QP"].str.startswith("QP005")]
    seul.attrs = brut.attrs
    assert selectionner_territoire(seul, refs) is None
    tables = nettoyer_insee({"insee_qpv": seul}, refs, Journal())
    assert "insee_qpv_comparaison" not in tables and len(tables["insee_qpv"]) == 4


def test_aucun_quartier_du_territoire():
    params = {
        "annee": 2033,
        "territoire": {"niveau": "epci", "code": "200067320", "nom": "CC Serre-Ponçon Val d'Avance"},
        "reference_dir": str(FIXTURE / "reference"),
    }
    cat, refs = _contexte(params=params)
    for sans in ((), ("INSEE_COM",)):
        with pytest.raises(ErreurDonnees) as exc:
            nettoyer_insee({"insee_qpv": _brut(cat, sans=sans)}, refs, Journal())
        message = str(exc.value)
        assert "aucun quartier du territoire « CC Serre-Ponçon Val d'Avance » (epci 200067320)" in message
        assert "communes cherchées" in message and "(16) : Avançon, Bréziers" in message
        assert "La Bâtie-Neuve" in message and "insee_qpv.csv" in message
        assert ("Manosque" if sans else "05006") in message


def test_code_de_territoire_inconnu(tmp_path):
    fichier = tmp_path / "2033.yaml"
    fichier.write_text('annee: 2033\nterritoire: {niveau: departement, code: "Hautes-Alpe"}\n', encoding="utf-8")
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(RACINE, 2033, fichier)
    assert "code de département inconnu" in str(exc.value) and "Hautes-Alpes" in str(exc.value)


def test_erreurs_hors_du_territoire_nomment_fichier_ligne_colonne():
    cat, refs = _contexte("epci")
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_insee({"insee_qpv": _brut(cat, cellules={("QP048903", "TX_F"): "beaucoup"})}, refs, Journal())
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("insee_qpv.csv", 16, "tx_f") and "beaucoup" in str(e)
    # les deux géographies mêlées, l'une dans le territoire, l'autre au-dehors : erreur, rien d'écrit
    with pytest.raises(ErreurDonnees) as exc:
        nettoyer_insee({"insee_qpv": _brut(cat, cellules={("QP048904", "CODE_QP"): "QN04890AF"})}, refs, Journal())
    assert "mêle les deux géographies" in str(exc.value)


def test_quartiers_de_communes_inconnues_hors_du_territoire():
    """Un fichier manifestement plus large (autres départements) : un quartier dont la commune n'est ni du
    territoire ni du Code officiel géographique est rangé au-dehors, et le journal le dit."""
    cat, refs = _contexte("epci")
    journal = Journal()
    brut = _brut(cat, sans=("INSEE_COM",), cellules={("QP048902", "LIB_COM"): "Fictiville-sur-Test"})
    tables = nettoyer_insee({"insee_qpv": brut}, refs, journal)
    assert list(tables["insee_qpv"]["code_qp"]) == ["QP005901", "QP005902"]
    c = tables["insee_qpv_comparaison"]
    assert c.loc[c["code_qp"] == "QP048902", "departement"].iloc[0] == "48"  # département lu dans le code
    assert any("Fictiville-sur-Test" in m for m in journal.avertissements)
    # le fichier du seul territoire avec une commune inconnue : l'erreur de toujours
    seul = brut[brut["CODE_QP"].isin(["QP005901", "QP005902"])].copy()
    seul.loc[seul["CODE_QP"] == "QP005901", "LIB_COM"] = "Argentière la Besse"
    seul.attrs = brut.attrs
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_insee({"insee_qpv": seul}, refs, Journal())
    assert "commune inconnue « Argentière la Besse »" in str(exc.value)
    assert int(exc.value.erreurs[0].ligne) == int(brut.loc[brut["CODE_QP"] == "QP005901", COLONNE_LIGNE].iloc[0])


@pytest.mark.parametrize(
    "code, attendu",
    [("QP062001", "62"), ("QN06201M", "62"), ("QP971001", "971"), ("QP02A001", "2A"), ("LOC-QP01", None), ("", None)],
)
def test_departement_du_code_qp(code, attendu):
    assert departement_du_code_qp(code) == attendu


# --------------------------------------------------------------------------------------------- chapitre 10 et fiches


@pytest.fixture(scope="module")
def rapport_epci(tmp_path_factory):
    """Le chapitre 10 (et ses fiches) de la CC du Pays des Ecrins, par le runner, hors du dépôt."""
    from politique_ville.runner import executer

    base = tmp_path_factory.mktemp("par_code")
    raw = base / "raw" / "2033"
    shutil.copytree(FIXTURE / "raw" / "2033", raw)
    index = executer(
        2033,
        racine=RACINE,
        fichier_params=FIXTURE / "params" / "epci.yaml",
        raw_dir=raw,
        out=base / "reports" / "2033",
        processed_dir=base / "processed" / "2033",
        chapitres=["10"],
        sortie=lambda *a, **k: None,
    )

    def texte(page: Path) -> str:
        brut = page.read_text(encoding="utf-8")
        assert "Traceback" not in brut, page.name
        sans_balises = re.sub(r"<script.*?</script>|<style.*?</style>", "", brut, flags=re.S)
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", sans_balises)))

    return {
        "chapitre": texte(index.parent / "10_geographie_prioritaire.html"),
        "fiche": texte(index.parent / "quartiers" / "QP005901.html"),
    }


@pytest.mark.pipeline
def test_chapitre_10_niveaux_calcules_avec_leur_origine(rapport_epci):
    """QPV du département (05), calculés à la main dans tests/test_niveaux.py : parts des moins de 25 ans 27,0 %
    (calculé), taux d'emploi 53,0 (approximation pondérée), revenu médian 13 000 € par an = 1 083 € par mois, de
    10 000 à 16 000 (833 à 1 333) : une médiane des QPV, jamais moyennée. Pas de « QPV de France » (fichier
    régional)."""
    t = rapport_epci["chapitre"]
    assert "Niveaux de comparaison calculés." in t
    assert (
        "« QPV du département Hautes-Alpes (05) » et « QPV de la région Provence-Alpes-Côte d'Azur (93) » sont "
        "calculés" in t
    )
    assert "Moins de 25 ans % QPV du département QPV du département Hautes-Alpes (05) 27,0 calculé 4 0" in t
    assert "Taux d'emploi % QPV du département QPV du département Hautes-Alpes (05) 53,0 approximation pondérée" in t
    assert (
        "Revenu médian mensuel € par mois QPV du département QPV du département Hautes-Alpes (05) "
        "1 083 (833–1 333) médiane des QPV"
    ) in t
    assert "QPV de France" not in t and "Origine du niveau" in t
    assert "Niveau de comparaison non publié." not in t  # le fichier couvre davantage : des niveaux sont calculés


@pytest.mark.pipeline
def test_chapitre_10_tous_les_indicateurs_par_theme_et_colonne_inconnue(rapport_epci):
    t = rapport_epci["chapitre"]
    assert (
        "compte 8 indicateurs connus du registre des indicateurs , en 4 thèmes : démographie (4), revenus et "
        "pauvreté (2), emploi (1), demandeurs d'emploi (1)"
    ) in t
    for theme in ("Démographie", "Revenus et pauvreté", "Emploi", "Demandeurs d'emploi"):
        assert f"{theme} : tous les indicateurs" in t and f"{theme} : valeurs par QPV" in t, theme
    assert "Éducation et équipements : tous les indicateurs" not in t
    # rangs orientés : taux d'emploi 50 (Les Sables) < 60 -> rang 1 ; revenu 1 000 < 1 167 -> rang 1
    assert "Quartier Taux d'emploi (1 = le plus faible) Les Sables (fictif) 1 Les Tourelles (fictif) 2" in t
    assert "Revenu médian mensuel (1 = le plus faible) Taux de pauvreté (1 = le plus élevé)" in t
    # écarts au QPV du département : 30 − 27 = +3,0 pts ; 50 − 53 = −3,0 pts
    assert "Les Sables (fictif) +7,5 pts +3,0 pts +2,5 pts" in t and "Les Sables (fictif) −7,5 pts −3,0 pts" in t
    assert "1 colonne non reconnue : « ind_local »" in t
    assert (
        "Colonnes non reconnues par le registre des indicateurs Code Quartier ind_local QP005901 Les Sables "
        "(fictif) 1,5 QP005902 Les Tourelles (fictif) 2" in t
    )


@pytest.mark.pipeline
def test_fiche_tous_les_indicateurs_par_theme(rapport_epci):
    t = rapport_epci["fiche"]
    assert "Les 8 indicateurs du fichier de l'INSEE de 2033 connus du registre, en 4 thèmes" in t
    assert (
        "Taux d'emploi des 15-64 ans % 50,0 1 sur 2 (valeur la plus faible = 1) 57,5 ; écart −7,5 pts 53,0 ; "
        "écart −3,0 pts 52,2 ; écart −2,2 pts"
    ) in t
    assert "« ind_local » = 1,5" in t


def test_communes_de_codes_comme_le_filtre_de_toute_la_table():
    """Les communes d'un ensemble de codes (et celles qui leur sont rattachées), cherchées par l'index des codes :
    les mêmes lignes, dans le même ordre, que le filtre de toute la table des communes."""
    import random

    from politique_ville.reference import territoires as t

    toutes = t.communes(alias=True)
    rattachees = toutes.loc[toutes["type"] != "COM", "rattachement"].tolist()
    tirage = random.Random(7)
    for n in (1, 5, 40, 400):
        codes = set(tirage.sample(toutes["code"].tolist(), n)) | set(tirage.sample(rattachees, 2)) | {"99999"}
        filtre = toutes[((toutes["type"] == "COM") & toutes["code"].isin(codes)) | toutes["rattachement"].isin(codes)]
        assert t.communes_de(codes, alias=True).equals(filtre)
        assert t.communes_de(codes).equals(toutes[(toutes["type"] == "COM") & toutes["code"].isin(codes)])
        assert (t.communes_de(codes, alias=True)["type"] != "COM").any()
