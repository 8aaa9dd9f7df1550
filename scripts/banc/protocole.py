"""Le plancher du protocole de Jupyter : ce que coûte en calcul une cellule vide exécutée comme le runner exécute
celles d'un rapport, avant toute ligne du rapport, et un notebook (une demande au noyau) ; et combien de cellules et
de notebooks un territoire d'un lot exécute. Le produit est le calcul qu'un territoire de plus coûte au moins tant que
chaque chapitre et chaque fiche restent des notebooks exécutés.

Le runner exécute un notebook dans le noyau même, par une seule demande (``runner/en_noyau.py``) ; un instantané plus
ancien, cellule par cellule par nbclient : le banc mesure comme le code de son instantané.

Mesure dans un processus à part (le code de l'instantané du banc) : un noyau du pool, un notebook de ``n0`` puis de
``n0 + n`` cellules ``x = 1`` ; la différence, divisée par ``n``, donne le calcul par cellule du processus client et du
noyau (temps CPU relevés par ``psutil``), sans le démarrage ni la première cellule ; puis ``m`` notebooks d'une
cellule : leur calcul, moins celui d'une cellule, est celui d'un notebook.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

SCRIPT = r"""
import json, sys, tempfile
from pathlib import Path
import psutil
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from politique_ville.runner import execute
from politique_ville.runner.kernels import PoolNoyaux

if hasattr(execute, "_sorties_validees_a_l_ecriture"):
    execute._sorties_validees_a_l_ecriture()  # comme le runner (versions qui l'ont)
n0, n, m, notebooks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
pool = PoolNoyaux(notebooks)
pool.demarrer(1)
noyau = pool.prendre(attendre=300)
moi, lui = psutil.Process(), psutil.Process(noyau.km.provisioner.process.pid)

def cpu(p):
    t = p.cpu_times()
    return t.user + t.system

dans_le_noyau = hasattr(noyau, "executer_notebook")
chemin = Path(tempfile.mkdtemp()) / "vide.ipynb"

def executer(k):
    nb = new_notebook(cells=[new_code_cell("x = 1") for _ in range(k)])
    a, b = cpu(moi), cpu(lui)
    if dans_le_noyau:
        chemin.write_text(json.dumps(nb), encoding="utf-8")
        noyau.executer_notebook(chemin, chemin, remettre_a_zero=True)
    else:
        client = NotebookClient(nb, km=noyau.km, timeout=120)
        client.kc = noyau.kc
        client.execute()
    return cpu(moi) - a, cpu(lui) - b

executer(n0)  # mise en route
c0, k0 = executer(n0)
c1, k1 = executer(n0 + n)
client_ms, noyau_ms = (c1 - c0) / n * 1000, (k1 - k0) / n * 1000
un = [executer(1) for _ in range(m)]
pool.rendre(noyau)
pool.fermer()
print(json.dumps({
    "client_ms": client_ms, "noyau_ms": noyau_ms, "cellules": n, "notebooks": m,
    "notebook_client_ms": max(0.0, sum(c for c, _ in un) / m * 1000 - client_ms),
    "notebook_noyau_ms": max(0.0, sum(k for _, k in un) / m * 1000 - noyau_ms),
    "mode": "dans le noyau" if dans_le_noyau else "nbclient",
}))
"""


def cout_par_cellule(py: str, env: dict, notebooks: Path, n0: int = 20, n: int = 300, m: int = 40) -> dict:
    """``{"client_ms", "noyau_ms", "cellules", "notebook_client_ms", "notebook_noyau_ms", "notebooks", "mode"}`` :
    calcul d'une cellule vide et d'un notebook dans le processus client et dans le noyau (voir le module)."""
    r = subprocess.run(
        [py, "-c", SCRIPT, str(n0), str(n), str(m), str(notebooks)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if r.returncode:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def cellules_executees(rapports: Path) -> tuple[int, int]:
    """(cellules de code exécutées, territoires) d'un lot publié dans ``rapports`` : les notebooks exécutés de ses
    chapitres et de ses fiches (une cellule de code qui a un compteur d'exécution)."""
    cellules, territoires = 0, 0
    if not Path(rapports).is_dir():
        return 0, 0
    for dossier in _territoires(rapports):
        territoires += 1
        for nb in _notebooks(dossier):
            contenu = json.loads(nb.read_text(encoding="utf-8"))
            cellules += sum(
                1 for c in contenu["cells"] if c["cell_type"] == "code" and c.get("execution_count") is not None
            )
    return cellules, territoires


def _territoires(rapports: Path) -> list[Path]:
    return sorted(p for p in Path(rapports).iterdir() if (p / "notebooks").is_dir())


def _notebooks(dossier: Path) -> list[Path]:
    return [*dossier.glob("notebooks/*.ipynb"), *dossier.glob("quartiers/notebooks/*.ipynb")]


def notebooks_executes(rapports: Path) -> tuple[int, int]:
    """(notebooks exécutés, territoires) d'un lot publié dans ``rapports`` : chapitres et fiches."""
    if not Path(rapports).is_dir():
        return 0, 0
    territoires = _territoires(rapports)
    return sum(len(_notebooks(d)) for d in territoires), len(territoires)
