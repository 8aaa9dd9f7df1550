"""Les noyaux Jupyter : le noyau du projet (enregistré au besoin) et la réserve de noyaux préchauffés.

Des noyaux sont démarrés d'avance, imports faits, sur le cœur laissé libre : celui de la validation (Great
Expectations, plusieurs secondes d'import) pendant les nettoyages, ceux des chapitres et des fiches pendant la
validation.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from pathlib import Path

NOYAU = "politique-ville"


def _spec_noyau() -> dict:
    # journal du noyau réduit aux erreurs fatales : à l'arrêt d'un noyau, jupyter_client l'interrompt d'abord, ce qui
    # fait écrire « KeyboardInterrupt caught in kernel » (sans conséquence) ; les erreurs des cellules, elles,
    # remontent par le notebook (et arrêtent l'exécution)
    return {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=CRITICAL",
        ],
        "display_name": "Python (politique de la ville)",
        "language": "python",
        "metadata": {"debugger": True},
    }


def installer_noyau() -> str:
    """Enregistre le noyau « politique-ville » dans l'environnement courant (sys.prefix), journal réduit aux erreurs
    fatales (sans l'avertissement « Kernel is running over TCP » à chaque notebook)."""
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "kernel.json").write_text(json.dumps(_spec_noyau(), indent=1), encoding="utf-8")
        return KernelSpecManager().install_kernel_spec(d, NOYAU, prefix=sys.prefix)


@functools.lru_cache(maxsize=1)
def _noyau() -> str:
    """Le noyau du projet, ré-enregistré s'il manque ou s'il date d'une version précédente du projet ; « python3 »
    si l'enregistrement est impossible."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception:
        return "python3"
    try:
        actuel = json.loads((Path(specs[NOYAU]) / "kernel.json").read_text(encoding="utf-8"))
    except (KeyError, OSError, ValueError):
        actuel = None
    if actuel != _spec_noyau():
        try:
            installer_noyau()
        except Exception:  # environnement en lecture seule : le noyau déjà enregistré, à défaut python3
            return NOYAU if actuel else "python3"
    return NOYAU


#: modules importés d'avance dans un noyau préchauffé (ceux des chapitres et des fiches)
MODULES_CHAPITRES = (
    "pandas",
    "numpy",
    "pyarrow.parquet",
    "matplotlib.pyplot",
    "seaborn",
    "IPython.display",
    "politique_ville.catalog",
    "politique_ville.present",
    "politique_ville.concordance",
    "politique_ville.notebook",
    "politique_ville.compute.qpv",
    "politique_ville.compute.programmation",
    "politique_ville.compute.contribution",
    "politique_ville.figures.qpv",
    "politique_ville.figures.programmation",
    "politique_ville.figures.contribution",
    "politique_ville.narration.geographie",
    "politique_ville.narration.fiche",
    "politique_ville.narration.programmation",
    "politique_ville.narration.contribution",
    "politique_ville.present_qpv",
    "politique_ville.present_programmation",
)


class ReserveNoyaux:
    """Noyaux démarrés d'avance, imports des chapitres faits, pour les chapitres et les lots de fiches.

    La validation (Great Expectations) n'occupe qu'un cœur pendant plusieurs secondes ; pendant ce temps, la réserve
    démarre des noyaux un à un sur l'autre cœur et y importe pandas, matplotlib et les modules du paquet (sans
    rien définir dans l'espace de noms du notebook, sans compter d'exécution). Un chapitre prend un noyau prêt s'il
    y en a un (sinon papermill en démarre un, comme d'habitude) ; les noyaux non pris sont arrêtés à la fin.
    ``nombre`` borne la mémoire : un noyau préchauffé occupe environ 150 Mio. ``modules`` : ceux des chapitres par
    défaut ; :data:`MODULES_VALIDATION` pour le noyau de la validation, préparé, lui, pendant les nettoyages."""

    def __init__(self, nombre: int, cwd: Path, modules: tuple[str, ...] = MODULES_CHAPITRES):
        import queue

        self.prets: queue.Queue = queue.Queue()
        self._cwd = str(cwd)
        self._modules = tuple(modules)
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._demarrer, args=(max(0, nombre),), daemon=True)
        self._fil.start()

    def _demarrer(self, nombre: int):
        from jupyter_client.manager import KernelManager

        code = (
            "import importlib as _pv_importlib\nimport os as _pv_os\n"
            "_pv_os.environ.setdefault('GX_ANALYTICS_ENABLED', 'False')\n"
            f"for _pv_module in {self._modules!r}:\n    _pv_importlib.import_module(_pv_module)\n"
            "del _pv_importlib, _pv_os, _pv_module"
        )
        try:
            for _ in range(nombre):
                if self._arret.is_set():
                    return
                self._demarrer_un(KernelManager, code)
        finally:
            self.prets.put(_FIN)  # plus aucun noyau ne viendra : prendre(attendre=…) n'attend pas pour rien

    def _demarrer_un(self, KernelManager, code: str):
        km = KernelManager(kernel_name=_noyau())
        try:
            km.start_kernel(cwd=self._cwd)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
            finally:
                kc.stop_channels()
        except Exception:  # un noyau qui ne démarre pas : l'étape en démarrera un elle-même
            _arreter_noyau(km)
            return
        self.prets.put(km)

    def prendre(self, attendre: float = 0.0):
        """Un noyau préchauffé s'il y en a un de prêt (au besoin en l'attendant ``attendre`` secondes, tant que la
        réserve en prépare encore), sinon ``None``."""
        import queue

        try:
            km = self.prets.get(timeout=attendre) if attendre > 0 else self.prets.get_nowait()
        except queue.Empty:
            return None
        if km is _FIN:
            self.prets.put(_FIN)
            return None
        return km

    def arreter_prechauffage(self):
        self._arret.set()

    def fermer(self):
        self._arret.set()
        self._fil.join(timeout=120)
        while (km := self.prendre()) is not None:
            _arreter_noyau(km)


_FIN = object()  # marque de fin de la file d'une réserve

#: modules importés d'avance dans le noyau de la validation, préparé pendant la lecture et les nettoyages
MODULES_VALIDATION = (
    "great_expectations",
    "pandas",
    "pyarrow.parquet",
    "IPython.display",
    "politique_ville.catalog",
    "politique_ville.nettoyage",
    "politique_ville.present",
    "politique_ville.validate",
)


def _arreter_noyau(km):
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:
        pass
