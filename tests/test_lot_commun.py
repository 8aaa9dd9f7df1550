"""Le travail commun d'un lot de territoires (issue 22) : le fichier de l'INSEE lu, nettoyé et validé une fois
(``runner/lot_tables.py``), les tables de chaque territoire tirées des tables du lot — les mêmes, à l'octet près, que
celles du nettoyage d'un territoire seul (notebook ``02_nettoyage_insee``) ; une ligne en défaut (illisible, hors des
bornes) n'écarte que le territoire qui l'a ; les paramètres propres à un territoire du lot. Sans notebook : le fichier
fictif sur des communes réelles (extrait régional, Occitanie), réduit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from politique_ville.base.catalog import Catalogue, lire_table
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.clean.nettoyage import Journal, Referentiels, nettoyer_insee
from politique_ville.compute import niveaux as cn
from politique_ville.reference import territoires as ref
from politique_ville.reference.parametres import charger_parametres
from politique_ville.runner.lot import parametres_du_territoire
from politique_ville.runner.lot_tables import preparer_le_lot

RACINE = Path(__file__).resolve().parents[1]
AUCH, BEZIERS, PERPIGNAN = "200066926", "243400769", "200027183"


@pytest.fixture(scope="module")
def fichier(tmp_path_factory) -> Path:
    sortie = tmp_path_factory.mktemp("insee")
    subprocess.run(
        [
            sys.executable,
            str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
            *("--out", str(sortie), "--facteur", "0.25", "--insee-communes-reelles", "2024", "--region", "76"),
        ],
        check=True,
        capture_output=True,
    )
    return sortie / "insee_national" / "insee_qpv_region_76_communes_reelles_2024.xlsx"


def _lot(tmp_path: Path, fichier: Path, **modifs) -> tuple[Catalogue, object]:
    """Un dossier brut avec le fichier (``modifs`` : code du quartier -> (colonne, valeur) écrite dans la cellule),
    et la préparation commune du lot."""
    raw = tmp_path / "raw"
    raw.mkdir()
    wb = openpyxl.load_workbook(fichier)
    ws = wb.active
    entetes = [c.value for c in ws[5]]
    for row in ws.iter_rows(min_row=6):
        if row[0].value in modifs:
            colonne, valeur = modifs[row[0].value]
            row[entetes.index(colonne)].value = valeur
    wb.save(raw / "insee_qpv.xlsx")
    cat = Catalogue.pour(
        2024, RACINE, raw_dir=raw, reports_dir=tmp_path / "rapports", processed_dir=tmp_path / "tables"
    )
    return cat, preparer_le_lot(cat, tmp_path / "rapports" / "validation", sortie=lambda _: None)


def _params(code: str) -> dict:
    return parametres_du_territoire({"annee": 2024, "territoires": {}}, ref.territoire("epci", code))


def _seul(cat: Catalogue, params: dict) -> dict[str, pd.DataFrame]:
    """Le nettoyage d'un territoire seul, comme le notebook 02_nettoyage_insee le fait."""
    bruts = {"insee_qpv": cat.lire_brut("insee_qpv")}
    tables = nettoyer_insee(bruts, Referentiels.charger(cat, params), Journal())
    tables["insee_niveaux"] = cn.niveaux_du_territoire(tables["insee_qpv_comparaison"], None, params)
    return tables


def test_tables_du_lot_celles_d_un_territoire_seul(tmp_path, fichier):
    cat, prep = _lot(tmp_path, fichier)
    assert prep.defauts == [] and prep.validation["echecs"] == 0 and prep.validation["attentes"] > 50
    assert (tmp_path / "rapports" / "validation" / "index.html").is_file()  # Data Docs, une fois pour le lot
    for code in (AUCH, BEZIERS, PERPIGNAN):
        lot = prep.tables_du_territoire(cat, _params(code))
        seul = _seul(cat, _params(code))
        assert sorted(lot) == sorted(seul)
        for nom in seul:
            pd.testing.assert_frame_equal(lot[nom], seul[nom], obj=f"{code} {nom}")
    # niveaux : chaque département, la région, calculés une fois (mémo commun) et repris pour les autres territoires
    assert {k[0] for k in prep.memo_niveaux} == {"QPV du département", "QPV de la région"}
    assert len([k for k in prep.memo_niveaux if k[0] == "QPV de la région"]) == 1


def test_preparation_commune_reutilisee_puis_refaite(tmp_path, fichier):
    cat, prep = _lot(tmp_path, fichier)
    assert not prep.reutilisee
    lignes = []
    encore = preparer_le_lot(cat, tmp_path / "rapports" / "validation", sortie=lignes.append)
    assert encore.reutilisee and encore.cle == prep.cle and "réutilisée" in lignes[0]
    pd.testing.assert_frame_equal(encore.comparaison, prep.comparaison)
    # le fichier de l'INSEE change : la préparation est refaite (autre clé)
    wb = openpyxl.load_workbook(cat.fichier_brut("insee_qpv"))
    wb.active.cell(6, 4).value = 1234
    wb.save(cat.fichier_brut("insee_qpv"))
    refaite = preparer_le_lot(cat, tmp_path / "rapports" / "validation", sortie=lignes.append)
    assert not refaite.reutilisee and refaite.cle != prep.cle


def _attente_plus_stricte(monkeypatch):
    """La validation avec une attente de plus (part des étrangers ≤ 99 %) : une valeur que le nettoyage accepte et
    que seule la validation (Great Expectations) refuse."""
    from politique_ville.clean import validation
    from politique_ville.clean.validation import Attente

    attentes = validation.attentes_traitees

    def plus_stricte(table, *args, **kwargs):
        a = attentes(table, *args, **kwargs)
        if table == "insee_qpv_comparaison":
            a.append(Attente("ExpectColumnValuesToBeBetween", {"column": "tx_tot_et", "min_value": 0, "max_value": 99}))
        return a

    monkeypatch.setattr(validation, "attentes_traitees", plus_stricte)


@pytest.mark.parametrize(
    ("valeur", "raison"),
    [
        (250, "nettoyage, colonne « tx_tot_et » : taux de 250 hors de l'intervalle [0, 100]"),
        ("beaucoup", "nettoyage, colonne « tx_tot_et »"),  # une valeur illisible
        (99.5, "validation, insee_qpv_comparaison (traité), colonne « tx_tot_et » : valeurs dans l'intervalle permis"),
    ],
)
def test_ligne_en_defaut_n_ecarte_que_son_territoire(tmp_path, fichier, valeur, raison, monkeypatch):
    _attente_plus_stricte(monkeypatch)
    cat, prep = _lot(tmp_path, fichier, QN032001F=("TX_TOT_ET", valeur))
    assert [(d.code_qp, raison in d.raison) for d in prep.defauts] == [("QN032001F", True)], prep.defauts
    with pytest.raises(ErreurDonnees) as exc:
        prep.tables_du_territoire(cat, _params(AUCH))
    message = str(exc.value)
    assert "écarté(s) par la préparation commune du lot" in message and "QN032001F" in message
    assert f"ligne {prep.defauts[0].ligne}" in message
    # les autres territoires sont préparés ; la ligne écartée ne compte pas dans leurs niveaux de comparaison
    tables = prep.tables_du_territoire(cat, _params(BEZIERS))
    assert list(tables["insee_qpv"]["code_qp"]) == ["QN034001F"]
    assert "QN032001F" not in set(tables["insee_qpv_comparaison"]["code_qp"])
    region = tables["insee_niveaux"][tables["insee_niveaux"]["niveau"] == "QPV de la région"]
    assert set(region["nb_qpv"]) == {len(prep.comparaison)}
    assert len(prep.comparaison) == len(cat.lire_brut("insee_qpv")) - 1


def test_attente_sans_ligne_arrete_le_lot(tmp_path, fichier):
    # une colonne obligatoire absente du fichier : aucune ligne à écarter, aucun territoire publiable
    raw = tmp_path / "raw"
    raw.mkdir()
    brut = lire_table(fichier)
    pd.DataFrame({"CODE_QP": brut["CODE_QP"], "POP_MUN": brut["POP_MUN"]}).to_csv(
        raw / "insee_qpv.csv", sep=";", index=False
    )
    cat = Catalogue.pour(2024, RACINE, raw_dir=raw, processed_dir=tmp_path / "tables")
    with pytest.raises(EchecExecution, match="(?s)aucun territoire ne peut être publié.*colonne obligatoire absente"):
        preparer_le_lot(cat, tmp_path / "validation", sortie=lambda _: None)


# ------------------------------------------------------------------------------------------- paramètres propres


def test_parametres_propres_a_un_territoire(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "2024.yaml").write_text(
        "annee: 2024\nfiches_quartier: toutes\nterritoires: {niveau: epci, codes: ['200066926', '243400769'], "
        "par_territoire: {'243400769': {fiches_quartier: 1, nom: Béziers}}}\n",
        encoding="utf-8",
    )
    params = charger_parametres(tmp_path, 2024)
    beziers = parametres_du_territoire(params, ref.territoire("epci", BEZIERS))
    auch = parametres_du_territoire(params, ref.territoire("epci", AUCH))
    assert beziers["fiches_quartier"] == 1 and beziers["territoire"]["nom"] == "Béziers"
    assert auch["fiches_quartier"] == "toutes" and auch["territoire"]["nom"] == "CA Grand Auch Coeur de Gascogne"
    (tmp_path / "params" / "2024.yaml").write_text(
        "annee: 2024\nterritoires: {niveau: epci, dans: france, par_territoire: {'243400769': {fiche: 1}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(tmp_path, 2024)
    assert "clé inconnue « fiche »" in str(exc.value) and "fiches_quartier" in str(exc.value)
