"""Un lot de territoires avec une année antérieure (issue 22) : le fichier de l'INSEE de 2023 et celui de 2024 dans
``data/raw/``, un fichier de paramètres par année qui nomme le même ensemble, puis ``make report ANNEE=2024``.

Chaque territoire a son chapitre des évolutions, comme un territoire seul ; le fichier de 2023 est préparé une fois
pour le lot (pas une fois par territoire) ; les tables de chaque territoire en 2023 sont rangées là où un lot de
2023 les aurait mises ; une nouvelle exécution ne refait rien."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from test_lot_pipeline import _make
from test_nouveau_territoire import MOTS_2019, _pages, _texte, projet  # noqa: F401 (fixture)

pytestmark = pytest.mark.pipeline

#: (SIREN, dossier du rapport, nom, quartiers)
LOT = [
    ("243400769", "243400769-ca-de-beziers-mediterranee", "CA de Béziers-Méditerranée", ["QN034001F"]),
    (
        "200027183",
        "200027183-cu-perpignan-mediterranee-metropole",
        "CU Perpignan Méditerranée Métropole",
        ["QN066001F", "QN066002F"],
    ),
]
#: la valeur changée dans le fichier de 2023 : quartier, variable, valeur
CHANGEE = ("QN066001F", "TX_TOT_ET", 3.5)


def _fichier_2023(source, cible):
    """Le fichier de 2024, une valeur changée (celle de :data:`CHANGEE`) : le fichier de l'année d'avant."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    entete = next(r for r in ws.iter_rows() if r[0].value == "CODE_QP")
    colonne = next(c.column for c in entete if c.value == CHANGEE[1])
    ligne = next(r[0].row for r in ws.iter_rows() if r[0].value == CHANGEE[0])
    ws.cell(row=ligne, column=colonne, value=CHANGEE[2])
    wb.save(cible)


@pytest.fixture(scope="module")
def lot(projet):  # noqa: F811
    racine, fichier = projet
    codes = ", ".join(f'"{c}"' for c, *_ in LOT)
    for annee in (2023, 2024):
        (racine / "data" / "raw" / str(annee)).mkdir()
        (racine / "params" / f"{annee}.yaml").write_text(
            f"annee: {annee}\nterritoires: {{niveau: epci, codes: [{codes}]}}\n", encoding="utf-8"
        )
    shutil.copy(fichier, racine / "data" / "raw" / "2024" / "insee_qpv.xlsx")
    _fichier_2023(fichier, racine / "data" / "raw" / "2023" / "insee_qpv.xlsx")
    return racine, *_make(racine)


def test_chapitre_des_evolutions_de_chaque_territoire(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    assert "Lot 2024 : 2 territoires publiés, 0 écarté" in journal
    # le fichier de 2023 est nettoyé et validé une fois pour le lot (et celui de 2024 une fois)
    assert journal.count("Année antérieure 2023 du lot") == 1
    assert journal.count("Préparation commune du lot : lecture, nettoyage et validation") == 2
    assert (racine / "reports" / "2024" / "validation-2023" / "index.html").is_file()
    for siren, dossier, nom, quartiers in LOT:
        rapport = racine / "reports" / "2024" / dossier
        evolutions = rapport / "50_evolutions.html"
        assert evolutions.is_file(), journal
        texte = " ".join(_texte(evolutions).split())
        assert "2023" in texte and "2024" in texte and nom in _texte(rapport / "index.html")
        # ses tables de 2023, là où un lot de 2023 les range, tirées du fichier de 2023
        t2023 = pd.read_parquet(racine / "data" / "processed" / "2023" / siren / "insee_qpv.parquet")
        assert sorted(t2023["code_qp"]) == quartiers
        for page in _pages(rapport):
            assert not [m for m in MOTS_2019 if m in _texte(page)], page
    t2023 = pd.read_parquet(racine / "data" / "processed" / "2023" / LOT[1][0] / "insee_qpv.parquet")
    t2024 = pd.read_parquet(racine / "data" / "processed" / "2024" / LOT[1][0] / "insee_qpv.parquet")
    colonne = CHANGEE[1].lower()
    avant = t2023.loc[t2023["code_qp"] == CHANGEE[0], colonne].iloc[0]
    apres = t2024.loc[t2024["code_qp"] == CHANGEE[0], colonne].iloc[0]
    assert avant == pytest.approx(CHANGEE[2]) and apres != pytest.approx(CHANGEE[2])
    # l'année antérieure n'écrit aucun rapport de 2023 (seulement ses tables) ; data/raw n'est pas touché
    assert not (racine / "reports" / "2023").exists()


def test_nouvelle_execution_ne_refait_rien(lot):
    racine, code_retour, _ = lot
    assert code_retour == 0
    code_retour, journal = _make(racine)
    assert code_retour == 0, journal
    assert journal.count("Préparation commune du lot réutilisée") == 2
    assert "✓ 50_evolutions" not in journal and "✓ 10_geographie_prioritaire" not in journal
