"""L'architecture tient : contrats de couches (import-linter), style (ruff), notebooks qui restent des plans de chapitre.

Les contrats sont dans ``pyproject.toml`` (``[tool.importlinter]``) : les imports descendent (runner > notebook >
narration > figures > present > compute > published > nettoyage > catalog) et ``compute`` ne connaît ni la mise en
forme, ni les figures, ni le texte, ni l'exécution.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent

#: un notebook de chapitre est le plan du chapitre : le code vit dans le paquet, où il est testé
LIGNES_MAX_NOTEBOOK = 150
LIGNES_MAX_CELLULE = 15


def _lancer(*commande, cwd):
    return subprocess.run([str(c) for c in commande], cwd=cwd, capture_output=True, text=True)


def test_contrats_de_couches(racine):
    r = _lancer(BIN / "lint-imports", "--no-cache", cwd=racine)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_ruff(racine):
    r = _lancer(BIN / "ruff", "check", "--no-cache", "src", "scripts", "tests", "notebooks", cwd=racine)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def test_mise_en_forme_ruff(racine):
    r = _lancer(BIN / "ruff", "format", "--check", "--no-cache", "src", "scripts", "tests", cwd=racine)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def _lignes_de_code(cellule) -> int:
    return sum(1 for ligne in "".join(cellule["source"]).splitlines() if ligne.strip())


@pytest.mark.parametrize(
    "nom",
    [
        "10_geographie_prioritaire",
        "20_programmation",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
        "90_concordance",
        "fiche_quartier",
    ],
)
def test_notebooks_de_chapitre_restent_des_plans(racine, nom):
    cellules = [
        c
        for c in json.loads((racine / "notebooks" / f"{nom}.ipynb").read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    ]
    total = sum(_lignes_de_code(c) for c in cellules)
    assert total <= LIGNES_MAX_NOTEBOOK, f"{nom} : {total} lignes de code (au plus {LIGNES_MAX_NOTEBOOK})"
    longues = {i: _lignes_de_code(c) for i, c in enumerate(cellules) if _lignes_de_code(c) > LIGNES_MAX_CELLULE}
    assert not longues, f"{nom} : cellules de plus de {LIGNES_MAX_CELLULE} lignes : {longues}"


def test_notebooks_n_importent_pas_le_runner(racine):
    for nb in sorted((racine / "notebooks").glob("*.ipynb")):
        texte = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
        assert "politique_ville.runner" not in texte, f"{nb.name} importe le runner"
