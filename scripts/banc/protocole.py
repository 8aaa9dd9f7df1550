"""Le plancher du protocole de Jupyter : ce que coûte en calcul une cellule vide exécutée comme le runner exécute
celles d'un rapport (noyau du pool, client de nbclient), avant toute ligne du rapport ; et combien de cellules un
territoire d'un lot exécute. Le produit des deux est le calcul qu'un territoire de plus coûte au moins tant que chaque
chapitre et chaque fiche restent des notebooks exécutés.

Mesure dans un processus à part (le code de l'instantané du banc) : un noyau du pool, ``n0`` puis ``n0 + n`` cellules
``x = 1`` ; la différence, divisée par ``n``, donne le calcul par cellule du processus client et du noyau (temps CPU
relevés par ``psutil``), sans le démarrage ni la première cellule.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

SCRIPT = r"""
import json, sys
import psutil
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from politique_ville.runner import execute
from politique_ville.runner.kernels import PoolNoyaux

if hasattr(execute, "_sorties_validees_a_l_ecriture"):
    execute._sorties_validees_a_l_ecriture()  # comme le runner (versions qui l'ont)
n0, n, notebooks = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pool = PoolNoyaux(notebooks)
pool.demarrer(1)
noyau = pool.prendre(attendre=300)
moi, lui = psutil.Process(), psutil.Process(noyau.km.provisioner.process.pid)

def cpu(p):
    t = p.cpu_times()
    return t.user + t.system

def executer(k):
    nb = new_notebook(cells=[new_code_cell("x = 1") for _ in range(k)])
    client = NotebookClient(nb, km=noyau.km, timeout=120)
    client.kc = noyau.kc
    a, b = cpu(moi), cpu(lui)
    client.execute()
    return cpu(moi) - a, cpu(lui) - b

executer(n0)  # mise en route
c0, k0 = executer(n0)
c1, k1 = executer(n0 + n)
pool.rendre(noyau)
pool.fermer()
print(json.dumps({"client_ms": (c1 - c0) / n * 1000, "noyau_ms": (k1 - k0) / n * 1000, "cellules": n}))
"""


def cout_par_cellule(py: str, env: dict, notebooks: Path, n0: int = 20, n: int = 300) -> dict:
    """``{"client_ms", "noyau_ms", "cellules"}`` : calcul d'une cellule vide dans le processus client et dans le
    noyau (voir le module)."""
    r = subprocess.run(
        [py, "-c", SCRIPT, str(n0), str(n), str(notebooks)], env=env, capture_output=True, text=True, timeout=600
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
    for dossier in sorted(p for p in Path(rapports).iterdir() if (p / "notebooks").is_dir()):
        territoires += 1
        for nb in [*dossier.glob("notebooks/*.ipynb"), *dossier.glob("quartiers/notebooks/*.ipynb")]:
            contenu = json.loads(nb.read_text(encoding="utf-8"))
            cellules += sum(
                1 for c in contenu["cells"] if c["cell_type"] == "code" and c.get("execution_count") is not None
            )
    return cellules, territoires
