"""Règles du dépôt : notebooks sans sorties, rien du territoire ni de l'année en dur, sorties non versionnées."""

import json
import re
import subprocess

import pytest
from conftest import REFERENCE_2019

from politique_ville.base.catalog import lire_table


def _notebooks(racine):
    return sorted((racine / "notebooks").glob("*.ipynb"))


def test_notebooks_commites_sans_sorties(racine):
    assert _notebooks(racine), "aucun notebook"
    for nb in _notebooks(racine):
        contenu = json.loads(nb.read_text(encoding="utf-8"))
        for i, cell in enumerate(contenu["cells"]):
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{nb.name}, cellule {i} : sorties à effacer"
                assert cell.get("execution_count") is None, f"{nb.name}, cellule {i} : compteur d'exécution"


def test_chaque_notebook_a_une_cellule_parameters_en_premier_code(racine):
    for nb in _notebooks(racine):
        cells = [c for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        assert "parameters" in cells[0]["metadata"].get("tags", []), (
            f"{nb.name} : première cellule de code sans tag parameters"
        )
        assert "annee" in "".join(cells[0]["source"])


def _termes_du_territoire(racine):
    communes = lire_table(racine / REFERENCE_2019 / "communes.csv")
    termes = set()
    for _, c in communes.iterrows():
        termes.add(c["nom_officiel"])
        termes.update(v.strip() for v in str(c["variantes"]).split("|") if len(v.strip()) > 4)
    return termes | {"CABBALR", "Artois-Lys", "Pas-de-Calais"}


#: les millésimes des deux géographies prioritaires nationales (décrets de 2014 et de 2023, en vigueur en 2015 et en
#: 2024) sont des noms de nomenclature, pas l'année d'un rapport : « géographie 2015 », « QN… (géographie 2024) »
GEOGRAPHIES_NATIONALES = {"2015", "2024"}


def test_rien_du_territoire_ni_de_l_annee_en_dur(racine):
    from politique_ville.reference.schemas import GEOGRAPHIES_QPV

    assert GEOGRAPHIES_NATIONALES <= set(GEOGRAPHIES_QPV)
    termes = _termes_du_territoire(racine)
    annee = re.compile(r"(?<![\w\\])20(1[5-9]|2\d)(?!\d)")
    fautes = []
    for f in sorted((racine / "src").rglob("*.py")):
        texte = f.read_text(encoding="utf-8")
        fautes += [f"{f.name} : « {t} »" for t in termes if t in texte]
        fautes += [
            f"{f.name} : année « {m.group()} »"
            for m in annee.finditer(texte)
            if m.group() not in GEOGRAPHIES_NATIONALES
        ]
    for nb in _notebooks(racine):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            texte = "".join(cell["source"])
            fautes += [f"{nb.name} : « {t} »" for t in termes if t in texte]
            if "parameters" not in cell.get("metadata", {}).get("tags", []):
                fautes += [
                    f"{nb.name} : année « {m.group()} »"
                    for m in annee.finditer(texte)
                    if m.group() not in GEOGRAPHIES_NATIONALES
                ]
    assert not fautes, "valeurs du territoire ou de l'année écrites en dur :\n" + "\n".join(fautes)


def test_sorties_generees_non_versionnees(racine):
    try:
        suivis = subprocess.run(
            ["git", "-C", str(racine), "ls-files", "data/processed", "reports"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("pas un dépôt git")
    assert [f for f in suivis if not f.endswith((".gitkeep", "README.md"))] == []
