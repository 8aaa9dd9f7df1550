"""Chaque notebook s'exécute aussi tel quel, sur ses valeurs par défaut, comme l'analyste l'ouvre dans JupyterLab
(``make lab``) : sans paramètre injecté, depuis le dossier ``notebooks/``, avec le noyau du projet.

Pour ne rien écrire dans le dépôt, l'exécution se fait dans une copie du projet (pyproject, notebooks, paramètres,
données brutes et référentiels) : la racine est trouvée depuis le dossier courant, comme dans JupyterLab.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from conftest import ANNEE, RACINE, empreintes
from nbclient import NotebookClient

from politique_ville.runner import _noyau, notebooks_du_rapport

pytestmark = pytest.mark.pipeline


def _executer(chemin):
    nb = nbformat.read(str(chemin), as_version=4)
    NotebookClient(
        nb, kernel_name=_noyau(), timeout=600, resources={"metadata": {"path": str(chemin.parent)}}
    ).execute()
    return nb


@pytest.fixture(scope="module")
def copie(tmp_path_factory):
    racine = tmp_path_factory.mktemp("projet")
    shutil.copy2(RACINE / "pyproject.toml", racine / "pyproject.toml")
    for d in ("notebooks", "params", "data/reference", f"data/raw/{ANNEE}"):
        shutil.copytree(RACINE / d, racine / d)
    avant = empreintes(RACINE / "data")
    notebooks = notebooks_du_rapport(racine)
    preparation = [n for n in notebooks if int(n.stem[:2]) < 10]
    chapitres = [n for n in notebooks if int(n.stem[:2]) >= 10] + [racine / "notebooks" / "fiche_quartier.ipynb"]
    executes = {n.stem: _executer(n) for n in preparation}  # dans l'ordre : 03 publie les tables nettoyées
    with ThreadPoolExecutor(max_workers=2) as pool:
        executes.update(zip((n.stem for n in chapitres), pool.map(_executer, chapitres)))
    return {"racine": racine, "executes": executes, "avant": avant, "apres": empreintes(RACINE / "data")}


def test_tous_les_notebooks_s_executent_sur_leurs_valeurs_par_defaut(copie):
    attendus = {n.stem for n in notebooks_du_rapport(RACINE)} | {"fiche_quartier"}
    assert set(copie["executes"]) == attendus and len(attendus) >= 10
    for nom, nb in copie["executes"].items():
        erreurs = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert not erreurs, (nom, erreurs[:1])


def test_les_valeurs_par_defaut_visent_le_projet_ouvert(copie):
    racine = copie["racine"]
    assert (racine / "data" / "processed" / str(ANNEE) / "programmation.parquet").is_file()
    # exécutés à la main, les notebooks écrivent dans le brouillon, jamais dans le rapport publié (reports/<annee>/)
    brouillon = racine / "reports" / "brouillon" / str(ANNEE)
    assert (brouillon / "tableaux" / "10_geographie_prioritaire.xlsx").is_file()
    assert (brouillon / "validation" / "index.html").is_file()
    assert not (racine / "reports" / str(ANNEE)).exists()
    assert copie["apres"] == copie["avant"]  # rien d'écrit dans le dépôt d'origine
