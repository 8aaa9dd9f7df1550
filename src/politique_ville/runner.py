"""Exécution du rapport : notebooks exécutés par papermill dans l'ordre des dépendances, export HTML, index.

- préparation (00 à 09 : lecture, nettoyage, validation), séquentielle ; puis les chapitres (10 et plus), indépendants,
  en parallèle (``jobs``) ; puis les fiches quartier, un notebook paramétré exécuté par quartier dans des noyaux
  partagés (un démarrage de noyau par lot, pas par fiche) ; des noyaux sont préparés d'avance sur le cœur laissé
  libre (:class:`ReserveNoyaux`) : celui de la validation pendant les nettoyages, ceux des chapitres pendant la
  validation ;
- incrémental : une étape n'est ré-exécutée que si ses entrées ont changé (fichiers bruts, référentiels,
  paramètres, notebook, code du paquet) ; sinon son résultat précédent est réutilisé (``force`` ré-exécute tout) ;
- sûr : le rapport est construit dans un dossier de travail puis mis en place d'un coup ; une exécution qui échoue
  laisse le rapport précédent intact et garde le notebook en échec pour le diagnostic ; un verrou empêche deux
  exécutions simultanées du même rapport.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import __version__
from .catalog import Catalogue, dossier_travail, empreinte, promouvoir
from .export import ecrire_index, exporter_html, titre_notebook

NOYAU = "politique-ville"


from .errors import EchecExecution  # noqa: E402  (réexporté : l'API du runner le nomme)
from .parametres import OBLIGATOIRES, PARAMETRES, charger_parametres  # noqa: E402,F401


class Verrou:
    """Un seul rapport à la fois par année et par dossier de sortie : une deuxième exécution simultanée s'arrête
    avec un message clair au lieu de corrompre la première."""

    def __init__(self, chemin: Path):
        self.chemin = Path(chemin)
        self._f = None

    def __enter__(self):
        import fcntl

        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.chemin, "a+")
        try:
            fcntl.flock(self._f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._f.seek(0)
            qui = self._f.read().strip()
            self._f.close()
            raise EchecExecution(f"Une exécution est déjà en cours pour ce rapport ({qui or self.chemin}). "
                                 f"Attendez qu'elle se termine.") from None
        self._f.seek(0)
        self._f.truncate()
        self._f.write(f"processus {os.getpid()}, démarré le {dt.datetime.now():%d/%m/%Y à %H:%M:%S}")
        self._f.flush()
        return self

    def __exit__(self, *exc):
        import fcntl

        try:
            self.chemin.unlink()
        except OSError:
            pass
        fcntl.flock(self._f, fcntl.LOCK_UN)
        self._f.close()
        return False


def version_code(racine: Path) -> str:
    try:
        rev = subprocess.run(["git", "-C", str(racine), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"politique_ville {__version__}" + (f" (git {rev})" if rev else "")


def _spec_noyau() -> dict:
    # journal du noyau réduit aux erreurs fatales : à l'arrêt d'un noyau, jupyter_client l'interrompt d'abord, ce qui
    # fait écrire « KeyboardInterrupt caught in kernel » (sans conséquence) ; les erreurs des cellules, elles,
    # remontent par le notebook (et arrêtent l'exécution)
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=CRITICAL"],
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
MODULES_CHAPITRES = ("pandas", "numpy", "pyarrow.parquet", "matplotlib.pyplot", "seaborn", "IPython.display",
                     "politique_ville.catalog", "politique_ville.present", "politique_ville.concordance",
                     "politique_ville.runner", "politique_ville.compute.qpv", "politique_ville.compute.programmation",
                     "politique_ville.compute.contribution", "politique_ville.figures.qpv",
                     "politique_ville.figures.programmation", "politique_ville.figures.contribution")


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

        self.prets: "queue.Queue" = queue.Queue()
        self._cwd = str(cwd)
        self._modules = tuple(modules)
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._demarrer, args=(max(0, nombre),), daemon=True)
        self._fil.start()

    def _demarrer(self, nombre: int):
        from jupyter_client.manager import KernelManager

        code = ("import importlib as _pv_importlib\nimport os as _pv_os\n"
                "_pv_os.environ.setdefault('GX_ANALYTICS_ENABLED', 'False')\n"
                f"for _pv_module in {self._modules!r}:\n    _pv_importlib.import_module(_pv_module)\n"
                "del _pv_importlib, _pv_os, _pv_module")
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
MODULES_VALIDATION = ("great_expectations", "pandas", "pyarrow.parquet", "IPython.display", "politique_ville.catalog",
                      "politique_ville.nettoyage", "politique_ville.present", "politique_ville.validate")


def _arreter_noyau(km):
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:
        pass


def _quartiers(cat: Catalogue):
    """Quartiers de l'année (table nettoyée, promue par la validation), avec un libellé pour l'index."""
    import pandas as pd

    chemin = cat.processed_dir / "insee_qpv.parquet"
    if not chemin.is_file():
        return None
    q = pd.read_parquet(chemin, columns=["code_qp", "nom_qp", "nom_commune", "type_quartier"])
    q["libelle"] = [f"{n if isinstance(n, str) and n.strip() else 'Quartier sans nom publié'} ({c}) — {communes}"
                    for n, c, communes in zip(q["nom_qp"], q["code_qp"], q["nom_commune"])]
    return q


def notebooks_du_rapport(racine: Path) -> list[Path]:
    return sorted(p for p in (racine / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def etapes_du_rapport(racine: Path) -> list["Etape"]:
    """Les étapes dans l'ordre : préparation (notebooks 00 à 09), chapitres (10 et plus), fiches quartier."""
    etapes = [Etape(n.stem, n, "préparation" if int(n.stem[:2]) < 10 else "chapitre", _tables_requises(n))
              for n in notebooks_du_rapport(racine)]
    fiche = Path(racine) / "notebooks" / "fiche_quartier.ipynb"
    if fiche.is_file():
        etapes.append(Etape("fiches_quartier", fiche, "fiches", _tables_requises(fiche)))
    return etapes


MANIFESTE = ".execution.json"
HORS_SELECTION = "hors de la sélection --chapitres"


@dataclass
class Etape:
    nom: str
    notebook: Path
    groupe: str  # « préparation », « chapitre » ou « fiches »
    tables_requises: list[str] = field(default_factory=list)
    cle: str = ""
    statut: str = ""  # exécutée, réutilisée, ignorée, non demandée
    demandee: bool = True  # hors de --chapitres : gardée telle quelle si elle est à jour, sinon retirée
    duree: float = 0.0
    detail: str = ""


#: autres noms de l'étape des fiches quartier pour --chapitres
NOMS_FICHES = ("fiche", "fiches", "fiche_quartier", "fiches_quartier", "quartier", "quartiers")


def _choisir_etapes(etapes: list["Etape"], chapitres: list[str]):
    """``--chapitres 10,20`` : seules ces étapes sont demandées ; la préparation l'est toujours, les fiches quartier
    aussi avec le chapitre 10 (qui fait un lien vers elles). Un chapitre est désigné par son numéro (« 20 »), une
    partie de son nom (« programmation ») ou, pour les fiches, « fiches ». Un nom inconnu est une erreur."""
    chapitres = [c.strip() for c in chapitres if c and c.strip()]

    def vise(c: str, e: Etape) -> bool:
        return e.nom.startswith(c) or c in e.nom or (e.groupe == "fiches" and c.lower() in NOMS_FICHES)

    inconnus = [c for c in chapitres if not any(vise(c, e) for e in etapes)]
    if inconnus:
        noms = [e.nom[:2] + " (" + e.nom + ")" if e.groupe != "fiches" else "fiches (fiches quartier)"
                for e in etapes if e.groupe != "préparation"]
        raise EchecExecution(f"Chapitre(s) inconnu(s) : {', '.join(inconnus)}. Chapitres : {', '.join(noms)}.")
    for e in etapes:
        e.demandee = e.groupe == "préparation" or any(vise(c, e) for c in chapitres)
    chapitre_10 = any(e.demandee and e.groupe == "chapitre" and e.nom.startswith("10") for e in etapes)
    for e in etapes:
        if e.groupe == "fiches" and chapitre_10:
            e.demandee = True


def _tables_requises(notebook: Path) -> list[str]:
    """Tables brutes sans lesquelles un chapitre n'a pas de sens (métadonnées du notebook
    ``politique_ville.tables_requises``)."""
    meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return list(meta.get("politique_ville", {}).get("tables_requises", []))


def _est_validation(notebook: Path) -> bool:
    """Étape qui valide et publie les tables nettoyées (métadonnée ``politique_ville.etape = "validation"``)."""
    meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return meta.get("politique_ville", {}).get("etape") == "validation"


def _empreinte_fichiers(*dossiers_ou_fichiers: Path, motif: str = "*") -> list[str]:
    lignes = []
    for d in dossiers_ou_fichiers:
        d = Path(d)
        fichiers = [d] if d.is_file() else sorted(p for p in d.rglob(motif) if p.is_file()) if d.is_dir() else []
        for f in fichiers:
            if "__pycache__" in f.parts:
                continue
            lignes.append(f"{f.name}:{empreinte(f)}")
    return lignes


def _empreinte_traitees(dossier: Path) -> str:
    """Empreinte des tables nettoyées (fichiers Parquet) d'un dossier."""
    return _cle(_empreinte_fichiers(dossier, motif="*.parquet")) if Path(dossier).is_dir() else ""


def _cle(*morceaux) -> str:
    h = hashlib.sha256()
    for m in morceaux:
        h.update(json.dumps(m, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()


class Progression:
    """Avancement des étapes. Dans un terminal : une barre par étape en cours (cellules du notebook exécutées, ou
    fiches produites), une sous l'autre quand des étapes tournent en parallèle, effacées à la fin de l'étape au
    profit de sa ligne « ✓ ». Hors terminal (journal, CI, tests) : une ligne au début et une à la fin de chaque étape.
    ``barres`` force l'un ou l'autre ; ``fichier`` reçoit les barres (défaut : la sortie d'erreur)."""

    def __init__(self, sortie=print, barres: bool | None = None, fichier=None):
        self.sortie = sortie
        self.fichier = fichier if fichier is not None else sys.stderr
        self.barres = bool(barres) if barres is not None else (sortie is print and _est_terminal(self.fichier))
        self._occupees: set[int] = set()
        self._verrou = threading.Lock()
        self._ecriture = threading.RLock()

    def ecrire(self, texte: str):
        with self._ecriture:  # étapes parallèles : une ligne n'en coupe pas une autre
            if self.barres and self.sortie is print:
                from tqdm import tqdm
                tqdm.write(texte)  # au-dessus des barres en cours, sans les couper
            else:
                self.sortie(texte)

    @contextmanager
    def etape(self, nom: str, unite: str = "cellule"):
        """Pendant l'exécution d'une étape : options de sa barre (tqdm ; ``None`` hors terminal)."""
        if not self.barres:
            self.ecrire(f"  … {nom} : en cours")
            yield None
            return
        with self._verrou:
            position = min(set(range(len(self._occupees) + 1)) - self._occupees)
            self._occupees.add(position)
        try:
            yield {"desc": nom, "unit": unite, "position": position, "leave": False, "file": self.fichier,
                   "dynamic_ncols": True, "mininterval": 0.2}
        finally:
            with self._verrou:
                self._occupees.discard(position)


def _est_terminal(fichier) -> bool:
    try:
        return fichier.isatty()
    except (AttributeError, ValueError):
        return False


def executer(annee: int, *, racine: Path | None = None, fichier_params: Path | None = None, raw_dir=None,
             out=None, processed_dir=None, chapitres: list[str] | None = None, jobs: int | None = None,
             force: bool = False, sortie=print, barres: bool | None = None, fichier_barres=None) -> Path:
    """Exécute le rapport d'une année ; renvoie le chemin de ``index.html``. Deux exécutions simultanées sur le même
    rapport ne se corrompent pas : la seconde s'arrête (verrou)."""
    absolu = lambda d: Path(d).resolve() if d else None  # noqa: E731 (les notebooks s'exécutent dans notebooks/)
    cat0 = Catalogue.pour(annee, absolu(racine), reports_dir=absolu(out))
    with Verrou(cat0.reports_dir.parent / f".{cat0.reports_dir.name}.verrou"):
        fichier_params = absolu(fichier_params) or cat0.racine / "params" / f"{int(annee)}.yaml"
        params = charger_parametres(cat0.racine, annee, fichier_params)
        params_source = fichier_params
        cat = Catalogue.pour(annee, cat0.racine, raw_dir=absolu(raw_dir), reports_dir=absolu(out),
                             processed_dir=absolu(processed_dir), reference_dir=params.get("reference_dir"))
        return Execution(cat, params, chapitres=chapitres, jobs=jobs, force=force, sortie=sortie,
                         fichier_params=params_source,
                         progression=Progression(sortie, barres, fichier_barres)).lancer()


class Execution:
    def __init__(self, cat: Catalogue, params: dict, *, chapitres=None, jobs=None, force=False, sortie=print,
                 fichier_params: Path | None = None, progression: Progression | None = None):
        self.cat, self.params, self.force = cat, params, force
        self.progression = progression or Progression(sortie)
        self.reserve: ReserveNoyaux | None = None  # noyaux préchauffés pendant la validation
        self.reserve_validation: ReserveNoyaux | None = None  # celui de la validation, pendant les nettoyages
        self.sortie = self.progression.ecrire
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))
        self.final = cat.reports_dir
        self.travail = dossier_travail(self.final)
        self.debut = dt.datetime.now()
        self.t0 = time.perf_counter()
        if not cat.raw_dir.is_dir():
            raise EchecExecution(f"Dossier des données brutes introuvable : {cat.raw_dir}")
        self.etapes = etapes_du_rapport(cat.racine)
        if chapitres:
            _choisir_etapes(self.etapes, chapitres)
        self.parametres_nb = {
            "annee": int(cat.annee), "racine": str(cat.racine), "raw_dir": str(cat.raw_dir),
            "processed_dir": str(cat.processed_dir),
            # les notebooks écrivent dans le dossier de travail, promu d'un coup à la fin
            "reports_dir": str(self.travail), "reference_dir": str(cat.reference_dir),
            "fichier_params": str(fichier_params) if fichier_params else None,
        }

    # ------------------------------------------------------------------------------------------- clés
    def _calculer_cles(self):
        cat = self.cat
        self.tables = set(cat.tables_brutes())
        paquet = Path(__file__).parent
        base = _cle(
            {k: v for k, v in self.params.items()},
            _empreinte_fichiers(cat.raw_dir), _empreinte_fichiers(cat.reference_dir),
            _empreinte_fichiers(paquet, motif="*.py"), _empreinte_fichiers(paquet / "templates"),
            {k: v for k, v in self.parametres_nb.items() if k != "reports_dir"}, __version__,
        )
        precedent = base
        for e in self.etapes:
            # chaque étape dépend de la base, de son notebook et, pour les chapitres, de toute la préparation
            e.cle = _cle(base, empreinte(e.notebook), precedent if e.groupe != "préparation" else "")
            if e.groupe == "préparation":
                precedent = _cle(precedent, e.cle)
        return base

    def _manifeste(self) -> dict:
        chemin = self.final / MANIFESTE
        try:
            return json.loads(chemin.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    # ------------------------------------------------------------------------------------------- exécution
    def lancer(self) -> Path:
        self._calculer_cles()
        manifeste_precedent = self._manifeste()
        precedent = manifeste_precedent.get("etapes", {})
        ancien = {} if self.force else precedent
        # les tables nettoyées doivent être celles dont ce rapport est issu : une exécution d'essai (autres fichiers
        # bruts, --out ailleurs) a pu les remplacer ; alors la préparation est refaite
        attendues = manifeste_precedent.get("traitees")
        traitees_ok = self.cat.processed_dir.is_dir() and any(self.cat.processed_dir.glob("*.parquet")) and (
            attendues is None or attendues == _empreinte_traitees(self.cat.processed_dir))
        if not traitees_ok and attendues and not self.force:
            self.sortie(f"Les tables nettoyées de {self.cat.processed_dir} ne sont plus celles de ce rapport "
                        f"(remplacées ou modifiées depuis) : la préparation est refaite.")
        for e in self.etapes:
            manquantes = [t for t in e.tables_requises if t not in self.tables]
            if manquantes:
                e.statut, e.detail = "ignorée", f"entrées manquantes : {', '.join(manquantes)}"
            elif ancien.get(e.nom, {}).get("cle") == e.cle and self._sorties_presentes(e, ancien[e.nom]) \
                    and (e.groupe != "préparation" or traitees_ok):
                e.statut, e.duree = "réutilisée", 0.0
            elif not e.demandee:
                e.statut, e.detail = "non demandée", HORS_SELECTION + (
                    "" if e.nom not in precedent else " ; version précédente retirée (--force)" if self.force
                    else " ; version précédente retirée : ses entrées ont changé")
            else:
                e.statut = "à exécuter"
        if any(e.statut == "à exécuter" and e.groupe == "préparation" for e in self.etapes):
            for e in self.etapes:  # nouvelles tables nettoyées : tout ce qui suit est refait (ou retiré du rapport)
                if e.statut == "réutilisée":
                    if e.demandee:
                        e.statut = "à exécuter"
                    else:
                        e.statut, e.detail = "non demandée", (f"{HORS_SELECTION} ; version précédente retirée : les "
                                                              f"tables nettoyées sont refaites")
        a_faire = [e for e in self.etapes if e.statut == "à exécuter"]
        self.sortie(f"Rapport {self.cat.annee} — {self.params.get('territoire', '')}")
        if not a_faire:
            self._resume(rien_de_neuf=True)
            return self.final / "index.html"
        shutil.rmtree(self.travail, ignore_errors=True)
        (self.travail / "notebooks").mkdir(parents=True)
        if self.final.is_dir():  # sorties des étapes réutilisées
            for e in self.etapes:
                if e.statut == "réutilisée":
                    for rel in ancien[e.nom].get("sorties", []):
                        src, dst = self.final / rel, self.travail / rel
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)
        preparation = [e for e in a_faire if e.groupe == "préparation"]
        if preparation:
            shutil.rmtree(dossier_travail(self.cat.processed_dir), ignore_errors=True)
        # lecture et nettoyages sont indépendants (tables différentes) : en parallèle ; la validation (qui lit toutes
        # les tables nettoyées et les publie) vient après eux
        independants = [e for e in preparation if not _est_validation(e.notebook)]
        validation = [e for e in preparation if _est_validation(e.notebook)]
        chapitres = [e for e in a_faire if e.groupe == "chapitre"]
        consommateurs = len(chapitres) + (self.jobs if any(e.groupe == "fiches" for e in a_faire) else 0)
        # le noyau de la validation (Great Expectations : plusieurs secondes d'import) se prépare pendant la lecture
        # et les nettoyages ; pendant la validation (un seul cœur occupé), ceux des chapitres et des fiches
        self.reserve_validation = ReserveNoyaux(1, self.cat.racine / "notebooks", MODULES_VALIDATION) \
            if validation else None
        try:
            if independants:
                self._en_parallele(independants)
            self.reserve = ReserveNoyaux(min(consommateurs, 2 * self.jobs), self.cat.racine / "notebooks") \
                if consommateurs and validation else None
            for e in validation:
                self._executer_notebook(e)
            if self.reserve is not None:
                self.reserve.arreter_prechauffage()
            self._verifier_selection_fiches(a_faire)
            if chapitres:
                self._en_parallele(chapitres)
            for e in a_faire:
                if e.groupe == "fiches":
                    self._executer_fiches(e)
        finally:
            for reserve in (self.reserve, self.reserve_validation):
                if reserve is not None:
                    reserve.fermer()
        self._ecrire_index()
        manifeste = {"annee": self.cat.annee, "traitees": _empreinte_traitees(self.cat.processed_dir), "etapes": {
            e.nom: {"cle": e.cle, "sorties": self._sorties(e), "duree": round(e.duree, 2)}
            for e in self.etapes if e.statut in ("exécutée", "réutilisée")}}
        (self.travail / MANIFESTE).write_text(json.dumps(manifeste, ensure_ascii=False, indent=1), encoding="utf-8")
        promouvoir(self.travail, self.final)
        shutil.rmtree(self.final.parent / f"{self.final.name}.echec", ignore_errors=True)
        self._resume()
        return self.final / "index.html"

    def _sorties(self, e: Etape) -> list[str]:
        if e.groupe == "fiches":
            return ["quartiers"]
        sorties = [f"{e.nom}.html", f"{e.nom}_avec_code.html", f"notebooks/{e.nom}.ipynb"]
        base = self.travail if self.travail.is_dir() else self.final
        if (base / "tableaux" / f"{e.nom}.xlsx").is_file():
            sorties.append(f"tableaux/{e.nom}.xlsx")
        if e.nom.startswith("03") and (base / "validation").is_dir():
            sorties.append("validation")
        return sorties

    def _sorties_presentes(self, e: Etape, ancien: dict) -> bool:
        return all((self.final / rel).exists() for rel in ancien.get("sorties", [])) and bool(ancien.get("sorties"))

    def _echouer(self, etape: str, execute: Path, exc: Exception):
        echec = self.final.parent / f"{self.final.name}.echec"
        shutil.rmtree(echec, ignore_errors=True)
        shutil.rmtree(dossier_travail(self.cat.processed_dir), ignore_errors=True)  # tables non validées
        if self.travail.exists():
            self.travail.rename(echec)
        if hasattr(exc, "evalue"):  # PapermillExecutionError : l'exception levée dans le notebook
            cause = f"{exc.evalue}" if exc.ename in ("ErreursNettoyage", "ErreurDonnees", "ValidationEchouee") \
                else f"{exc.ename} : {exc.evalue}"
        else:
            cause = f"{exc.__class__.__name__} : {exc}"
        raise EchecExecution(
            f"Échec de l'étape « {etape} ».\n{cause}\n"
            f"Le notebook exécuté est conservé pour diagnostic : {echec / execute.relative_to(self.travail)}\n"
            f"Le rapport précédent ({self.final}) et les tables de {self.cat.processed_dir} n'ont pas été modifiés."
        ) from None

    def _en_parallele(self, etapes: list[Etape]):
        """Exécute des étapes indépendantes en parallèle ; en cas d'échec, attend la fin des autres avant de mettre
        le dossier de travail de côté, puis signale la première étape en échec (dans l'ordre du rapport)."""
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            echecs = [f.result() for f in [pool.submit(self._executer_notebook, e, False) for e in etapes]]
        for echec in echecs:
            if echec is not None:
                self._echouer(*echec)

    def _verifier_selection_fiches(self, a_faire: list[Etape]):
        """Un code inconnu dans ``fiches_quartier`` arrête l'exécution dès que les quartiers sont connus (tables
        validées), avant les chapitres, plutôt qu'au milieu du chapitre 10 ; le rapport précédent reste en place."""
        choix = self.params.get("fiches_quartier", "toutes")
        if not any(e.groupe == "fiches" or e.nom.startswith("10") for e in a_faire):
            return
        quartiers = _quartiers(self.cat)
        if quartiers is None:
            return
        try:
            _selection_fiches(list(quartiers["code_qp"]), choix)
        except EchecExecution as exc:
            shutil.rmtree(self.travail, ignore_errors=True)
            fichier = self.parametres_nb.get("fichier_params") or "fichier de paramètres"
            raise EchecExecution(f"{fichier} : {exc}. Le rapport précédent ({self.final}) n'a pas été "
                                 f"modifié.") from None

    def _noyau_prechauffe(self):
        return self.reserve.prendre() if self.reserve is not None else None

    def _executer_notebook(self, e: Etape, lever: bool = True):
        import papermill as pm

        t = time.perf_counter()
        execute = self.travail / "notebooks" / e.notebook.name
        if _est_validation(e.notebook):
            km = self.reserve_validation.prendre(attendre=120) if self.reserve_validation is not None else None
        else:
            km = self._noyau_prechauffe() if e.groupe != "préparation" else None
        try:
            with self.progression.etape(e.nom) as barre:
                pm.execute_notebook(str(e.notebook), str(execute), parameters=self.parametres_nb,
                                    kernel_name=_noyau(), cwd=str(e.notebook.parent), progress_bar=barre or False,
                                    log_output=False, **({"km": km} if km is not None else {}))
        except Exception as exc:
            self.sortie(f"  ✗ {e.nom} : échec")
            if not lever:
                return (e.nom, execute, exc)
            self._echouer(e.nom, execute, exc)
        finally:
            if km is not None:  # noyau prêté par la réserve : papermill ne l'arrête pas
                _arreter_noyau(km)
        exporter_html(execute, self.travail / f"{e.nom}.html")
        exporter_html(execute, self.travail / f"{e.nom}_avec_code.html", avec_code=True)
        e.statut, e.duree = "exécutée", time.perf_counter() - t
        self.sortie(f"  ✓ {e.nom} ({e.duree:.1f} s)")

    def _executer_fiches(self, e: Etape):
        t = time.perf_counter()
        quartiers = _quartiers(self.cat)
        if quartiers is None or quartiers.empty:
            e.statut, e.detail = "ignorée", "aucun quartier dans les tables nettoyées"
            return
        dossier = self.travail / "quartiers"
        shutil.rmtree(dossier, ignore_errors=True)
        (dossier / "notebooks").mkdir(parents=True)
        codes = _selection_fiches(list(quartiers["code_qp"]), self.params.get("fiches_quartier", "toutes"))
        lots = [codes[i::self.jobs] for i in range(min(self.jobs, len(codes)))]
        from concurrent.futures import ThreadPoolExecutor

        from tqdm import tqdm
        with self.progression.etape(f"fiches quartier ({len(codes)})", unite="fiche") as options:
            barre = tqdm(total=len(codes), **(options or {"disable": True}))
            with ThreadPoolExecutor(max_workers=max(1, len(lots))) as pool:
                echecs = [f.result() for f in [pool.submit(self._lot_de_fiches, e.notebook, lot, dossier, barre)
                                               for lot in lots]]
            barre.close()
        for echec in echecs:
            if echec is not None:
                self._echouer(*echec)
        e.statut, e.duree = "exécutée", time.perf_counter() - t
        e.detail = f"{len(codes)} fiches"
        self.sortie(f"  ✓ fiches quartier : {len(codes)} ({e.duree:.1f} s)")

    def _lot_de_fiches(self, modele_chemin: Path, codes: list[str], dossier: Path, barre):
        """Exécute un lot de fiches dans UN noyau : le démarrage du noyau et les imports sont payés une fois."""
        import copy

        import nbformat
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        from papermill.parameterize import parameterize_notebook

        modele = nbformat.read(str(modele_chemin), as_version=4)
        for c in modele.cells:
            c.metadata.setdefault("tags", [])
        modele.metadata.setdefault("papermill", {})
        km = self._noyau_prechauffe()
        if km is None:
            km = KernelManager(kernel_name=_noyau())
            km.start_kernel(cwd=str(modele_chemin.parent))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            for code in codes:
                nb = parameterize_notebook(copy.deepcopy(modele), {**self.parametres_nb, "code_qp": code},
                                           kernel_name=_noyau())
                execute = dossier / "notebooks" / f"{code}.ipynb"
                try:
                    client = NotebookClient(nb, km=km, timeout=600, kernel_name=_noyau(),
                                            resources={"metadata": {"path": str(modele_chemin.parent)}})
                    client.kc = kc  # le noyau du lot, déjà démarré
                    client.execute()
                except Exception as exc:
                    nbformat.write(nb, str(execute))
                    self.sortie(f"  ✗ fiche quartier {code} : échec")
                    return (f"fiche quartier {code}", execute, exc)
                nbformat.write(nb, str(execute))
                exporter_html(execute, dossier / f"{code}.html")
                barre.update(1)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    # ------------------------------------------------------------------------------------------- index, résumé
    def _ecrire_index(self):
        chap = [{"titre": titre_notebook(e.notebook), "html": f"{e.nom}.html", "html_code": f"{e.nom}_avec_code.html"}
                for e in self.etapes if e.groupe != "fiches" and e.statut in ("exécutée", "réutilisée")]
        fiches = []
        if any(e.groupe == "fiches" and e.statut in ("exécutée", "réutilisée") for e in self.etapes):
            q = _quartiers(self.cat)
            fiches = [{"titre": lib, "html": f"quartiers/{c}.html"} for c, lib in zip(q["code_qp"], q["libelle"])
                      if (self.travail / "quartiers" / f"{c}.html").is_file()]
        annexes = []
        if (self.travail / "validation" / "index.html").is_file():
            annexes.append({"titre": "Rapport de validation des données (Great Expectations, Data Docs)",
                            "html": "validation/index.html"})
        for x in sorted((self.travail / "tableaux").glob("*.xlsx")) if (self.travail / "tableaux").is_dir() else []:
            annexes.append({"titre": f"Tableaux du chapitre « {x.stem} » (Excel)", "html": f"tableaux/{x.name}"})
        ignorees = [{"titre": f"{titre_notebook(e.notebook) if e.groupe != 'fiches' else 'Fiches quartier'} — non "
                              f"produit ({e.detail})"}
                    for e in self.etapes if e.statut in ("ignorée", "non demandée")]
        entrees = []
        for table in sorted(self.tables):
            f = self.cat.fichier_brut(table)
            entrees.append({"fichier": str(f.relative_to(self.cat.racine)) if f.is_relative_to(self.cat.racine)
                            else str(f), "lignes": _compter_lignes(f), "sha256": empreinte(f)})
        ecrire_index(self.travail, annee=self.cat.annee, territoire=self.params.get("territoire", ""),
                     chapitres=chap, fiches=fiches, annexes=annexes, ignores=ignorees,
                     parametres=dict(self.params), entrees=entrees, version=version_code(self.cat.racine),
                     debut=self.debut)

    def _resume(self, rien_de_neuf: bool = False):
        total = time.perf_counter() - self.t0
        if rien_de_neuf:
            r = sum(e.statut == "réutilisée" for e in self.etapes)
            autres = [f"{e.nom} ({e.statut} : {e.detail})" for e in self.etapes if e.statut != "réutilisée"]
            self.sortie(f"Rien n'a changé (fichiers bruts, référentiels, paramètres, notebooks, code) : "
                        + (f"les {r} étapes sont réutilisées" if not autres else
                           f"{r} étape(s) réutilisée(s) ; non produites : {' ; '.join(autres)}") + f". ({total:.1f} s)")
        else:
            self.sortie("Résumé :")
            for e in self.etapes:
                d = f" — {e.detail}" if e.detail else ""
                duree = f" ({e.duree:.1f} s)" if e.statut == "exécutée" else ""
                self.sortie(f"  {e.statut:<12} {e.nom}{duree}{d}")
            n = sum(e.statut == "exécutée" for e in self.etapes)
            r = sum(e.statut == "réutilisée" for e in self.etapes)
            self.sortie(f"{n} étape(s) exécutée(s), {r} réutilisée(s), en {total:.1f} s.")
        self.sortie(f"Rapport : {self.final / 'index.html'}")


def _selection_fiches(codes: list[str], choix) -> list[str]:
    """Règle de :func:`politique_ville.compute.qpv.selection_fiches` (partagée avec le chapitre 10, qui ne fait de lien
    que vers les fiches produites)."""
    from .compute.qpv import selection_fiches

    try:
        return selection_fiches(codes, choix)
    except ValueError as exc:
        raise EchecExecution(str(exc)) from None


def _compter_lignes(chemin: Path):
    try:
        from .catalog import lire_table
        return len(lire_table(chemin))
    except Exception:
        return "?"
