"""Un notebook exécuté dans le noyau même (runner/en_noyau.py) donne le notebook que nbclient aurait écrit : mêmes
sorties (flux réunis, résultat de la dernière expression, ``display``, figure de matplotlib affichée en fin de
cellule, ``clear_output``, erreur), mêmes compteurs ; une cellule trop longue est arrêtée ; le noyau sert encore
après une erreur ; papermill y tient ses métadonnées et signale l'erreur comme d'habitude."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from politique_ville.runner.execute import cause, erreur_de_cellule, executer_notebook, exporter, lire_sans_valider
from politique_ville.runner.kernels import Noyau

pytestmark = pytest.mark.pipeline

CELLULES = [
    new_markdown_cell("# Essai"),
    new_code_cell("print('un')\nprint('deux')\n1 + 1"),
    new_code_cell("import sys\nprint('sortie')\nprint('encore')\nprint('erreur', file=sys.stderr)"),
    new_code_cell(
        "from IPython.display import HTML, Markdown, display, clear_output\n"
        "display(HTML('<b>effacé</b>'))\nclear_output()\n"
        "display(HTML('<b>gras</b>'), Markdown('*texte*'))\n"
        "display({'text/plain': 'brut', 'text/html': '<i>brut</i>'}, raw=True, metadata={'cle': 1})\n"
        "x = 3\nx;"
    ),
    new_code_cell("import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([1, 2])\n_ = 0"),
    new_code_cell("_ + x"),
]


def _sorties(nb) -> list:
    """Ce que le notebook exécuté garde de chaque cellule de code : compteur et sorties."""
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def noyau(tmp_path_factory):
    n = Noyau.demarrer(tmp_path_factory.mktemp("noyau"), modules=("IPython.display", "matplotlib.pyplot"))
    yield n
    n.arreter()


def _ecrire(dossier: Path, nom: str, cellules) -> Path:
    nb = new_notebook(cells=[nbformat.from_dict(json.loads(json.dumps(c))) for c in cellules])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    chemin = dossier / nom
    nbformat.write(nb, str(chemin))
    return chemin


def test_memes_sorties_que_nbclient(noyau, tmp_path):
    from nbclient import NotebookClient

    chemin = _ecrire(tmp_path, "essai.ipynb", CELLULES)
    par_nbclient = nbformat.read(str(chemin), as_version=4)
    assert noyau.vierge()
    client = NotebookClient(par_nbclient, km=noyau.km)
    client.kc = noyau.kc
    client.execute()

    assert noyau.vierge()
    vues = []
    resultat = noyau.executer_notebook(chemin, tmp_path / "sortie.ipynb", suivi=vues.append)
    dans_le_noyau = nbformat.read(str(tmp_path / "sortie.ipynb"), as_version=4)

    assert resultat["statut"] == "ok"
    assert vues == [1, 2, 3, 4, 5]  # chaque cellule de code, dans l'ordre, quand elle finit
    assert _sorties(dans_le_noyau) == _sorties(par_nbclient)
    assert dans_le_noyau.metadata.language_info == par_nbclient.metadata.language_info  # lexer du code : ipython3
    assert dans_le_noyau.metadata.language_info.pygments_lexer == "ipython3"
    # ce qui est vérifié là : le cas de chaque genre de sortie
    sorties = dict(_sorties(dans_le_noyau))
    assert [(o.output_type, o.get("text")) for o in sorties[1]][0] == ("stream", "un\ndeux\n")
    assert sorties[1][1].output_type == "execute_result" and sorties[1][1].data["text/plain"] == "2"
    assert [(o.name, o.text) for o in sorties[2]] == [("stdout", "sortie\nencore\n"), ("stderr", "erreur\n")]
    assert [o.data.get("text/html", o.data.get("text/markdown")) for o in sorties[3]] == [
        "<b>gras</b>",
        "*texte*",
        "<i>brut</i>",
    ]
    assert sorties[3][2].metadata == {"cle": 1}
    assert [o.output_type for o in sorties[4]] == ["display_data"] and "image/png" in sorties[4][0].data
    assert sorties[5][0].data["text/plain"] == "3"  # ``_`` et les variables de la cellule précédente
    assert all("execution" in c.metadata for c in dans_le_noyau.cells if c.cell_type == "code")


def test_flux_dans_l_ordre_ecrit(noyau, tmp_path):
    """Les flux sont rangés dans l'ordre où ils sont écrits (le noyau, lui, tamponne chaque flux à part et les
    envoie à son rythme : nbclient peut recevoir la sortie standard avant une erreur écrite plus tôt)."""
    code = (
        "import io, sys\nprint('a', file=sys.stderr)\nprint('b')\nprint('c', file=sys.stderr)\n"
        "try:\n    sys.stdout.fileno()\nexcept io.UnsupportedOperation:\n    pass\n"
        "assert sys.stdout.writable() and not sys.stdout.isatty() and sys.stdout.name == 'stdout'"
    )
    chemin = _ecrire(tmp_path, "flux.ipynb", [new_code_cell(code)])
    assert noyau.executer_notebook(chemin, chemin, remettre_a_zero=True)["statut"] == "ok"
    sorties = nbformat.read(str(chemin), as_version=4).cells[0].outputs
    assert [(o.name, o.text) for o in sorties] == [("stderr", "a\n"), ("stdout", "b\n"), ("stderr", "c\n")]


def test_erreur_puis_noyau_encore_utilisable(noyau, tmp_path):
    chemin = _ecrire(tmp_path, "erreur.ipynb", [new_code_cell("a = 1"), new_code_cell("1 / 0"), new_code_cell("b")])
    resultat = noyau.executer_notebook(chemin, chemin, remettre_a_zero=True)
    assert resultat["statut"] == "erreur" and resultat["cellule"] == 1
    assert (resultat["ename"], resultat["evalue"]) == ("ZeroDivisionError", "division by zero")
    execute = nbformat.read(str(chemin), as_version=4)
    assert execute.cells[1].outputs[0].output_type == "error"
    assert execute.cells[2].execution_count is None and execute.cells[2].outputs == []  # pas exécutée
    exc = erreur_de_cellule(resultat)
    assert type(exc).__name__ == "CellExecutionError" and cause(exc) == "ZeroDivisionError : division by zero"

    chemin = _ecrire(tmp_path, "apres.ipynb", [new_code_cell("print(1 + 1)")])
    assert noyau.executer_notebook(chemin, chemin, remettre_a_zero=True)["statut"] == "ok"
    assert nbformat.read(str(chemin), as_version=4).cells[0].outputs[0].text == "2\n"


def test_cellule_trop_longue_arretee(noyau, tmp_path):
    chemin = _ecrire(tmp_path, "long.ipynb", [new_code_cell("import time\ntime.sleep(30)")])
    resultat = noyau.executer_notebook(chemin, chemin, delai=0.5, remettre_a_zero=True)
    assert resultat["statut"] == "delai" and resultat["cellule"] == 0
    assert resultat["durees"]["0"][1] - resultat["durees"]["0"][0] < 5
    assert "délai permis" in cause(erreur_de_cellule(resultat, 0.5))
    # l'alarme est retirée : une cellule plus longue que le délai, exécutée ensuite sans délai, va au bout
    chemin = _ecrire(tmp_path, "apres.ipynb", [new_code_cell("import time\ntime.sleep(0.8)\nprint('fini')")])
    assert noyau.executer_notebook(chemin, chemin, remettre_a_zero=True)["statut"] == "ok"


def test_papermill_par_le_moteur_du_noyau(noyau, tmp_path):
    from papermill.exceptions import PapermillExecutionError

    source = _ecrire(
        tmp_path,
        "param.ipynb",
        [
            new_markdown_cell("# Essai de papermill"),
            new_code_cell("n = 1", metadata={"tags": ["parameters"]}),
            new_code_cell("print(n * 10)\nprint(n * 10 + 1)"),
        ],
    )
    assert noyau.vierge()
    executer_notebook(source, tmp_path / "param_execute.ipynb", {"n": 4}, noyau=noyau)
    nb = nbformat.read(str(tmp_path / "param_execute.ipynb"), as_version=4)
    assert nb.cells[-1].outputs[0].text == "40\n41\n"
    # relu sans validation comme nbformat le lit (textes de plusieurs lignes réunis), puis exporté en HTML
    relu = lire_sans_valider(tmp_path / "param_execute.ipynb")
    assert relu.cells[-1].source == "print(n * 10)\nprint(n * 10 + 1)" and relu == nb
    exporter(tmp_path / "param_execute.ipynb", tmp_path, "param")
    for page in ("param.html", "param_avec_code.html"):
        texte = (tmp_path / page).read_text(encoding="utf-8")
        assert "Essai de papermill" in texte and "40\n41" in texte
    meta = nb.cells[-1].metadata.papermill
    assert meta["status"] == "completed" and meta["duration"] >= 0 and meta["start_time"] <= meta["end_time"]
    assert nb.metadata.papermill["parameters"] == {"n": 4}
    assert nb.metadata.language_info.pygments_lexer == "ipython3"  # celle du noyau, comme par nbclient

    source = _ecrire(tmp_path, "echec.ipynb", [new_code_cell("raise ValueError('valeur refusée')")])
    assert noyau.vierge()
    with pytest.raises(PapermillExecutionError) as erreur:
        executer_notebook(source, tmp_path / "echec_execute.ipynb", {}, noyau=noyau)
    assert cause(erreur.value) == "ValueError : valeur refusée"
    nb = nbformat.read(str(tmp_path / "echec_execute.ipynb"), as_version=4)
    assert nb.metadata.papermill["exception"] is True


def test_un_noyau_sans_module_a_importer_demarre(tmp_path):
    """Un noyau démarré sans module à importer d'avance (``modules=()``) démarre et exécute un notebook."""
    n = Noyau.demarrer(tmp_path, modules=())
    try:
        chemin = _ecrire(tmp_path, "vide.ipynb", [new_code_cell("print('ok')")])
        assert n.executer_notebook(chemin, chemin)["statut"] == "ok"
    finally:
        n.arreter()
