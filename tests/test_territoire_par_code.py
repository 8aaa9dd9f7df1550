"""Un territoire désigné par son seul code et un fichier de l'INSEE plus large que lui (issue 10, points 2 et 3).

Fixture ``tests/fixtures/territoire_par_code/`` (voir son README) : aucun ``communes.csv`` ; la CC du Pays des Ecrins
(SIREN 240500462 : 8 communes des Hautes-Alpes) ou le département des Hautes-Alpes (05) ; 12 QPV fictifs de trois
départements, dont QP005901 (L'Argentière-la-Bessée) et QP005902 (Vallouise-Pelvoux et Puy-Saint-Vincent) dans la
CC, QP005903 (Briançon) et QP005904 (Gap) ailleurs dans les Hautes-Alpes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from politique_ville.catalog import COLONNE_LIGNE, Catalogue
from politique_ville.errors import EchecExecution, ErreurDonnees
from politique_ville.nettoyage import (
    ErreursNettoyage,
    Journal,
    Referentiels,
    departement_du_code_qp,
    nettoyer_insee,
    selectionner_territoire,
)
from politique_ville.parametres import charger_parametres
from politique_ville.validate import brut_de_la_table

RACINE = Path(__file__).resolve().parents[1]
FIXTURE = RACINE / "tests" / "fixtures" / "territoire_par_code"
ECRINS = ["Champcella", "Freissinières", "L'Argentière-la-Bessée", "La Roche-de-Rame", "Les Vigneaux",
          "Puy-Saint-Vincent", "Saint-Martin-de-Queyrières", "Vallouise-Pelvoux"]


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


@pytest.mark.parametrize("niveau, gardes", [("epci", ["QP005901", "QP005902"]),
                                            ("departement", ["QP005901", "QP005902", "QP005903", "QP005904"])])
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
    params = {"annee": 2033, "territoire": {"niveau": "epci", "code": "200067320", "nom": "CC Serre-Ponçon Val d'Avance"},
              "reference_dir": str(FIXTURE / "reference")}
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


@pytest.mark.parametrize("code, attendu", [("QP062001", "62"), ("QN06201M", "62"), ("QP971001", "971"),
                                           ("QP02A001", "2A"), ("LOC-QP01", None), ("", None)])
def test_departement_du_code_qp(code, attendu):
    assert departement_du_code_qp(code) == attendu
