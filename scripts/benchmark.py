"""Mesures de performance du pipeline ; écrit ``reports/benchmark.md`` (ce n'est pas un test).

    .venv/bin/python scripts/benchmark.py [--repetitions 3] [--repetitions-naif 3] [--repetitions-echelle 3]
                                          [--facteurs 0.0625,0.25,1] [--travail /tmp/bench/run]
                                          [--parties machine,froid,naif,chaud,fiches,decomposition,echelle,
                                                     fiches_national] [--fractions-fiches 0.0625,0.25,1]
                                          [--copie FICHIER.md] [--rapport-seul resultats.json]

Ce qui est mesuré (médianes de plusieurs exécutions, leur nombre est écrit dans le rapport) :

- exécution à froid du rapport 2019, fiches quartier comprises (dossiers de sortie et des tables neufs, cache de
  validation vidé, ``--force``), comparée à la façon naïve : chaque notebook (00 à 90 puis une fiche par quartier)
  par la commande ``papermill``, puis chaque notebook exécuté par ``jupyter nbconvert --to html``, l'un après
  l'autre ;
- ré-exécution sans changement ;
- coût marginal d'une fiche quartier (régression du temps de l'étape des fiches sur leur nombre) ;
- passage à l'échelle : années synthétiques (``scripts/generer_territoire_synthetique.py``, données fictives
  écrites hors de ``data/raw``) de 1/16, 1/4 et 1 fois la taille nationale : durée, mémoire maximale de l'arbre
  des processus (parent + noyaux, RSS échantillonné avec psutil), croissance ;
- toutes les fiches à la taille nationale (``fiches_national``) : étape des fiches seule pour 1/16, 1/4 et toutes
  les fiches du territoire synthétique national (croissance, coût marginal d'une fiche par régression, mémoire
  maximale de l'arbre des processus), comparée à une fiche à la façon naïve mesurée dans la même exécution ;
- où va le temps : durée de chaque étape (lignes du runner et manifeste), démarrage d'un noyau, imports,
  Great Expectations (étape 03 avec et sans cache), export HTML ; profil py-spy de l'exécution nationale si
  py-spy est disponible (``--py-spy CHEMIN``).

Isolement : le code mesuré est un INSTANTANÉ de ``src/politique_ville`` et ``notebooks/`` copié au début dans le
dossier de travail (``PYTHONPATH``), pour que des modifications faites pendant la mesure ne la faussent pas ; chaque
exécution a sa propre racine de travail (lien vers les notebooks de l'instantané, ``params/``) et son propre cache
de validation : rien n'est écrit dans le dépôt hors de ``reports/benchmark.md``, ni jamais sous ``data/raw``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PY = sys.executable
VENV_BIN = Path(PY).parent
NOYAU = "politique-ville"
ANNEE = 2019
ANNEE_SYNTH = 2099

CIBLES = {
    "froid_s": 30.0,
    "ratio_naif": 12.0,  # la façon naïve / le rapport 2019 à froid, mesurés dans la même exécution du banc
    "chaud_s": 1.0,
    "premier_rapport": 1.3,  # premier make report d'un clone neuf / make report à froid suivant
    "national_s": 90.0,
    "memoire_go": 2.0,
    "ratio_fiche": 50.0,  # une fiche naïve / coût marginal d'une fiche (toutes les fiches, taille nationale)
}


# --------------------------------------------------------------------------------------------- outils


def mediane(valeurs):
    valeurs = [v for v in valeurs if v is not None]
    return statistics.median(valeurs) if valeurs else None


def fr(x, dec=1, unite=""):
    """Nombre à la française : 1 234,5."""
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    texte = f"{x:,.{dec}f}".replace(",", " ").replace(".", ",")
    return f"{texte} {unite}".strip() if unite else texte


def journal(message: str):
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


class Memoire:
    """Échantillonne la RSS de l'arbre des processus (parent + descendants : noyaux Jupyter) toutes les 0,1 s."""

    def __init__(self, pid: int, periode: float = 0.1):
        import psutil

        self.psutil = psutil
        self.racine = psutil.Process(pid)
        self.periode = periode
        self.pic = 0
        self.pic_processus = 0
        self.cpu_arbre: dict[int, float] = {}
        self.cpu_etrangere = None
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._boucle, daemon=True)

    def _boucle(self):
        ps = self.psutil
        while not self._stop.is_set():
            try:
                procs = [self.racine] + self.racine.children(recursive=True)
            except ps.Error:
                break
            total, n = 0, 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu_arbre[p.pid] = max(self.cpu_arbre.get(p.pid, 0.0), t.user + t.system)
                    n += 1
                except ps.Error:
                    pass
            if total > self.pic:
                self.pic = total
            self.pic_processus = max(self.pic_processus, n)
            self._stop.wait(self.periode)

    def _occupe(self) -> float:
        t = self.psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0)

    def _moi(self) -> float:
        t = self.psutil.Process().cpu_times()
        return t.user + t.system

    def __enter__(self):
        self._occ0, self._moi0 = self._occupe(), self._moi()
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        # temps CPU consommé pendant la mesure par des processus étrangers (autres sessions, tests…) : perturbation
        occupe = self._occupe() - self._occ0
        self.cpu_etrangere = max(0.0, occupe - sum(self.cpu_arbre.values()) - (self._moi() - self._moi0))
        return False


def attendre_calme(seuil: float = 0.15, fenetre: float = 3.0, maximum: float = 1200.0) -> float:
    """Attend que la machine soit calme (moins de ``seuil`` × cœurs occupés par d'autres processus sur une fenêtre
    de ``fenetre`` s), au plus ``maximum`` s ; renvoie l'attente. Entre deux mesures, le banc lui-même ne calcule
    pas : toute occupation vient d'ailleurs (autres sessions, tests)."""
    import psutil

    t0 = time.perf_counter()
    annonce = False
    while time.perf_counter() - t0 < maximum:
        occupe = psutil.cpu_percent(interval=fenetre) / 100
        if occupe < seuil:
            return time.perf_counter() - t0
        if not annonce:
            journal(f"  machine occupée par d'autres processus ({occupe:.0%} du CPU) : attente")
            annonce = True
    journal("  la machine ne s'est pas calmée : mesure faite quand même")
    return time.perf_counter() - t0


def executer_commande(
    cmd: list[str], env: dict, cwd: Path | None = None, memoire: bool = False, sortie_fichier: Path | None = None
) -> dict:
    """Lance une commande, mesure sa durée (horloge murale) et, si demandé, le pic de mémoire de son arbre."""
    t0 = time.perf_counter()
    out = open(sortie_fichier, "w") if sortie_fichier else subprocess.DEVNULL
    try:
        p = subprocess.Popen(cmd, env=env, cwd=str(cwd) if cwd else None, stdout=out, stderr=subprocess.STDOUT)
        if memoire:
            with Memoire(p.pid) as m:
                rc = p.wait()
            pic, nproc, etranger = m.pic, m.pic_processus, m.cpu_etrangere
        else:
            rc, pic, nproc, etranger = p.wait(), None, None, None
    finally:
        if sortie_fichier:
            out.close()
    return {
        "duree": time.perf_counter() - t0,
        "rc": rc,
        "pic_octets": pic,
        "processus_max": nproc,
        "cpu_etrangere": etranger,
    }


# --------------------------------------------------------------------------------------------- banc

PILOTE = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
import politique_ville
from politique_ville.runner import executer
t_import = time.perf_counter() - t0
a = json.loads(sys.argv[1])
lignes = []
def sortie(l):
    lignes.append([round(time.perf_counter() - t0, 3), str(l)])
ok, erreur = True, ""
try:
    executer(a["annee"], racine=Path(a["racine"]), fichier_params=Path(a["params"]), raw_dir=Path(a["raw"]),
             out=Path(a["out"]), processed_dir=Path(a["processed"]), force=a["force"], chapitres=a.get("chapitres"),
             jobs=a.get("jobs"), sortie=sortie)
except Exception as exc:
    ok, erreur = False, f"{exc.__class__.__name__}: {exc}"
Path(a["resultat"]).write_text(json.dumps({"ok": ok, "erreur": erreur, "lignes": lignes, "t_import": t_import,
    "paquet": politique_ville.__file__, "total": time.perf_counter() - t0}, ensure_ascii=False))
"""


class Banc:
    def __init__(self, travail: Path, args):
        self.travail = Path(travail).resolve()
        self.args = args
        self.travail.mkdir(parents=True, exist_ok=True)
        self.instantane = self.travail / "instantane"
        self.env = dict(os.environ)
        self.env.pop("POLITIQUE_VILLE_RACINE", None)
        self.env["PYTHONPATH"] = str(self.instantane / "src")
        self.env["PYTHONHASHSEED"] = "0"
        self.env.setdefault("MPLBACKEND", "Agg")
        self.pilote = self.travail / "pilote.py"
        self.resultats: dict = {"debut": dt.datetime.now().isoformat(timespec="seconds")}
        self.compteur = 0

    # ------------------------------------------------------------------ préparation
    def preparer(self, garder: bool = False):
        if garder and (self.instantane / "src" / "politique_ville").is_dir():
            journal(f"Instantané du code réutilisé : {self.instantane}")
        else:
            shutil.rmtree(self.instantane, ignore_errors=True)
            shutil.copytree(
                RACINE / "src", self.instantane / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
            shutil.copytree(
                RACINE / "notebooks", self.instantane / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
            )
            # les référentiels versionnés (registre des indicateurs, extrait officiel des communes) : le paquet de
            # l'instantané les trouve à côté de lui, comme dans le dépôt
            shutil.copytree(RACINE / "data" / "reference", self.instantane / "data" / "reference")
            (self.instantane / "git.txt").write_text(
                _git("describe", "--always", "--dirty") + "\n" + _git("status", "--short", "--", "src", "notebooks"),
                encoding="utf-8",
            )
        self.pilote.write_text(PILOTE, encoding="utf-8")
        r = subprocess.run(
            [PY, "-c", "import politique_ville; print(politique_ville.__file__)"],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if str(self.instantane) not in r.stdout:
            raise SystemExit(f"L'instantané du code n'est pas celui importé : {r.stdout} {r.stderr}")
        git, _, modifies = (
            (self.instantane / "git.txt").read_text(encoding="utf-8").partition("\n")
            if (self.instantane / "git.txt").is_file()
            else (_git("describe", "--always", "--dirty"), "", "")
        )
        self.resultats["instantane"] = {"git": git, "fichiers_modifies": modifies.strip()}

    def racine(self, nom: str, params: dict[str, Path]) -> Path:
        """Racine de travail : lien vers les notebooks de l'instantané, params/ (les chapitres 10 et 20 relisent
        params/<annee>.yaml sous la racine), data/reference (référentiels 2019 par défaut)."""
        r = self.travail / nom
        shutil.rmtree(r, ignore_errors=True)
        (r / "params").mkdir(parents=True)
        (r / "notebooks").symlink_to(self.instantane / "notebooks")
        (r / "data").mkdir()
        (r / "data" / "reference").symlink_to(RACINE / "data" / "reference")
        for annee, chemin in params.items():
            shutil.copyfile(chemin, r / "params" / f"{annee}.yaml")
        return r

    # ------------------------------------------------------------------ une exécution du pipeline
    def pipeline(
        self,
        *,
        racine: Path,
        annee: int,
        params: Path,
        raw: Path,
        out: Path,
        processed: Path,
        force: bool,
        vider_cache: bool = False,
        neuf: bool = False,
        chapitres=None,
        jobs=None,
        etiquette: str = "",
    ) -> dict:
        self.compteur += 1
        res_f = self.travail / "journaux" / f"{self.compteur:03d}-{etiquette or 'run'}.json"
        res_f.parent.mkdir(exist_ok=True)
        a = {
            "annee": annee,
            "racine": str(racine),
            "params": str(params),
            "raw": str(raw),
            "out": str(out),
            "processed": str(processed),
            "force": force,
            "chapitres": chapitres,
            "jobs": jobs,
            "resultat": str(res_f),
        }
        essais = 0
        while True:
            essais += 1
            attente = attendre_calme() if self.args.attendre_calme else 0.0
            if neuf:
                for d in (
                    out,
                    processed,
                    out.parent / f".{out.name}.en-cours",
                    out.parent / f"{out.name}.echec",
                    processed.parent / f".{processed.name}.en-cours",
                ):
                    shutil.rmtree(d, ignore_errors=True)
            if vider_cache:
                shutil.rmtree(racine / ".cache", ignore_errors=True)
            m = executer_commande(
                [PY, str(self.pilote), json.dumps(a)],
                self.env,
                cwd=racine,
                memoire=True,
                sortie_fichier=res_f.with_suffix(".log"),
            )
            etranger = m.get("cpu_etrangere") or 0
            perturbe = etranger > 1.0 and etranger > 0.10 * m["duree"] * (os.cpu_count() or 1)
            if not perturbe or essais >= 3 or not self.args.attendre_calme:
                break
            journal(
                f"  {etiquette} perturbée ({m['cpu_etrangere']:.0f} s de CPU pris par d'autres processus en "
                f"{m['duree']:.0f} s) : refaite"
            )
        try:
            detail = json.loads(res_f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            detail = {
                "ok": False,
                "erreur": f"pas de résultat (code {m['rc']}), voir {res_f.with_suffix('.log')}",
                "lignes": [],
            }
        if not detail.get("ok"):
            raise RuntimeError(f"Échec de l'exécution {etiquette} : {detail.get('erreur')}")
        if str(self.instantane) not in detail.get("paquet", ""):
            raise RuntimeError(f"Le pipeline n'a pas importé l'instantané : {detail.get('paquet')}")
        etapes = {}
        try:
            man = json.loads((out / ".execution.json").read_text(encoding="utf-8"))
            etapes = {k: v.get("duree") for k, v in man.get("etapes", {}).items()}
        except (OSError, ValueError):
            pass
        for _, lg in detail["lignes"]:  # précision du manifeste si présent, sinon les lignes du runner
            mm = re.search(r"✓ (\S+) \((\d+(?:[.,]\d+)?) s\)", lg)
            if mm and mm.group(1) not in etapes:
                etapes[mm.group(1)] = float(mm.group(2).replace(",", "."))
            mm = re.search(r"✓ fiches quartier : (\d+) \((\d+(?:[.,]\d+)?) s\)", lg)
            if mm:
                etapes.setdefault("fiches_quartier", float(mm.group(2).replace(",", ".")))
                detail["fiches"] = int(mm.group(1))
        r = {
            "mur": m["duree"],
            "pic_octets": m["pic_octets"],
            "processus_max": m["processus_max"],
            "cpu_etrangere": m.get("cpu_etrangere"),
            "essais": essais,
            "attente_calme": attente,
            "interne": detail.get("total"),
            "t_import": detail.get("t_import"),
            "etapes": etapes,
            "lignes": [lg for _, lg in detail["lignes"]],
            "fiches": detail.get("fiches"),
        }
        journal(
            f"  {etiquette} : {m['duree']:.1f} s, pic {m['pic_octets'] / 2**20:.0f} Mio, CPU étrangère "
            f"{m.get('cpu_etrangere') or 0:.1f} s"
        )
        return r

    # ------------------------------------------------------------------ machine
    def machine(self):
        import psutil

        modele = ""
        try:
            for lg in Path("/proc/cpuinfo").read_text().splitlines():
                if lg.startswith("model name"):
                    modele = lg.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        if not modele:
            modele = platform.processor()
        paquets = {}
        from importlib.metadata import PackageNotFoundError, version

        for p in (
            "papermill",
            "nbclient",
            "nbconvert",
            "nbformat",
            "jupyter_client",
            "ipykernel",
            "great_expectations",
            "pandas",
            "numpy",
            "pyarrow",
            "matplotlib",
            "seaborn",
            "psutil",
        ):
            try:
                paquets[p] = version(p)
            except PackageNotFoundError:
                paquets[p] = "absent"
        self.resultats["machine"] = {
            "processeur": modele,
            "coeurs_logiques": os.cpu_count(),
            "coeurs_physiques": psutil.cpu_count(False),
            "memoire_go": psutil.virtual_memory().total / 2**30,
            "systeme": platform.platform(),
            "python": platform.python_version(),
            "paquets": paquets,
            "charge_debut": os.getloadavg(),
        }

    # ------------------------------------------------------------------ 2019 : froid, chaud
    def preparer_2019(self):
        self.r19 = self.racine("racine-2019", {ANNEE: RACINE / "params" / f"{ANNEE}.yaml"})
        self.p19 = self.r19 / "params" / f"{ANNEE}.yaml"
        self.raw19 = RACINE / "data" / "raw" / str(ANNEE)
        self.out19 = self.travail / "sorties-2019" / "rapport"
        self.proc19 = self.travail / "sorties-2019" / "processed"

    def froid_2019(self):
        n = self.args.repetitions
        journal(f"2019 à froid ({n} fois)")
        runs = [
            self.pipeline(
                racine=self.r19,
                annee=ANNEE,
                params=self.p19,
                raw=self.raw19,
                out=self.out19,
                processed=self.proc19,
                force=True,
                vider_cache=True,
                neuf=True,
                etiquette=f"froid-2019-{i + 1}",
            )
            for i in range(n)
        ]
        self.resultats["froid_2019"] = runs

    def chaud_2019(self):
        n = max(3, self.args.repetitions)
        journal(f"2019, ré-exécution sans changement ({n} fois)")
        if not (self.out19 / ".execution.json").is_file():
            self.pipeline(
                racine=self.r19,
                annee=ANNEE,
                params=self.p19,
                raw=self.raw19,
                out=self.out19,
                processed=self.proc19,
                force=True,
                neuf=True,
                etiquette="amorce-chaud",
            )
        runs = [
            self.pipeline(
                racine=self.r19,
                annee=ANNEE,
                params=self.p19,
                raw=self.raw19,
                out=self.out19,
                processed=self.proc19,
                force=False,
                etiquette=f"chaud-2019-{i + 1}",
            )
            for i in range(n)
        ]
        self.resultats["chaud_2019"] = runs
        # deuxième exécution forcée (fichiers du système en cache, .pyc écrits) : la différence avec le froid
        n2 = self.args.repetitions
        journal(f"2019 forcé, deuxième exécution ({n2} fois)")
        self.resultats["force_cache_2019"] = [
            self.pipeline(
                racine=self.r19,
                annee=ANNEE,
                params=self.p19,
                raw=self.raw19,
                out=self.out19,
                processed=self.proc19,
                force=True,
                neuf=True,
                etiquette=f"force-cache-2019-{i + 1}",
            )
            for i in range(n2)
        ]

    # ------------------------------------------------------------------ premier make report d'un clone neuf
    def premier_make_report(self):
        """Le premier ``make report`` d'un clone neuf du dépôt (code commité), après son installation (``make setup``,
        non mesurée), avec des dossiers de configuration vides (matplotlib, IPython : un nouvel utilisateur),
        comparé aux exécutions à froid suivantes du même clone (rapport, tables et cache effacés)."""
        n = self.args.repetitions
        clone = self.travail / "clone"
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(RACINE), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        for nom, var in (("mpl", "MPLCONFIGDIR"), ("ipython", "IPYTHONDIR")):
            d = self.travail / f"clone-{nom}"
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
            env[var] = str(d)
        journal("Premier make report d'un clone neuf : installation (make setup, non mesurée)")
        setup = executer_commande(["make", "setup"], env, cwd=clone, sortie_fichier=self.travail / "clone-setup.log")
        if setup["rc"] != 0:
            raise RuntimeError(f"make setup du clone en échec (voir {self.travail / 'clone-setup.log'})")
        if self.args.attendre_calme:
            attendre_calme()
        premier = executer_commande(
            ["make", "report"], env, cwd=clone, memoire=True, sortie_fichier=self.travail / "clone-premier.log"
        )
        journal(f"  premier make report : {premier['duree']:.1f} s")
        suivants = []
        for i in range(n):
            for d in (clone / "reports" / str(ANNEE), clone / "data" / "processed" / str(ANNEE), clone / ".cache"):
                shutil.rmtree(d, ignore_errors=True)
            if self.args.attendre_calme:
                attendre_calme()
            suivants.append(
                executer_commande(
                    ["make", "report"], env, cwd=clone, sortie_fichier=self.travail / f"clone-froid-{i + 1}.log"
                )
            )
            journal(f"  make report à froid {i + 1} : {suivants[-1]['duree']:.1f} s")
        self.resultats["premier_make_report"] = {
            "git": _git("rev-parse", "--short", "HEAD"),
            "installation_s": setup["duree"],
            "premier": premier,
            "suivants": suivants,
        }

    # ------------------------------------------------------------------ façon naïve
    def naif_2019(self):
        n = self.args.repetitions_naif
        journal(f"2019, façon naïve : papermill puis nbconvert en ligne de commande ({n} fois)")
        runs = []
        for i in range(n):
            runs.append(self._un_naif(i))
            journal(f"  naïf {i + 1} : {runs[-1]['total']:.1f} s ({runs[-1]['notebooks']} notebooks)")
        self.resultats["naif_2019"] = runs

    def _un_naif(self, i: int) -> dict:
        if self.args.attendre_calme:
            attendre_calme()
        base = self.travail / "naif-2019"
        shutil.rmtree(base, ignore_errors=True)
        out, processed = base / "rapport", base / "processed"
        (out / "notebooks").mkdir(parents=True)
        (out / "quartiers" / "notebooks").mkdir(parents=True)
        shutil.rmtree(self.r19 / ".cache", ignore_errors=True)
        nbdir = self.r19 / "notebooks"
        params = [
            "-p",
            "annee",
            str(ANNEE),
            "-p",
            "racine",
            str(self.r19),
            "-p",
            "raw_dir",
            str(self.raw19),
            "-p",
            "processed_dir",
            str(processed),
            "-p",
            "reports_dir",
            str(out),
            "-p",
            "reference_dir",
            str(RACINE / "data" / "reference"),
        ]
        papermill = [str(VENV_BIN / "papermill"), "-k", NOYAU, "--cwd", str(nbdir), "--no-progress-bar"]
        durees, executes = {}, []
        t0 = time.perf_counter()
        for nb in sorted(nbdir.glob("[0-9][0-9]_*.ipynb")):
            cible = out / "notebooks" / nb.name
            m = executer_commande(papermill + [str(nb), str(cible)] + params, self.env, cwd=nbdir)
            if m["rc"] != 0:
                raise RuntimeError(f"naïf : papermill a échoué sur {nb.name}")
            durees[nb.stem] = m["duree"]
            executes.append(cible)
        import pandas as pd

        codes = list(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"])["code_qp"])
        fiches = []
        for code in codes:
            cible = out / "quartiers" / "notebooks" / f"{code}.ipynb"
            m = executer_commande(
                papermill + [str(nbdir / "fiche_quartier.ipynb"), str(cible)] + params + ["-p", "code_qp", code],
                self.env,
                cwd=nbdir,
            )
            if m["rc"] != 0:
                raise RuntimeError(f"naïf : papermill a échoué sur la fiche {code}")
            fiches.append(m["duree"])
            executes.append(cible)
        t_papermill = time.perf_counter() - t0
        exports = []
        for nb in executes:
            m = executer_commande([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(nb)], self.env)
            if m["rc"] != 0:
                raise RuntimeError(f"naïf : nbconvert a échoué sur {nb}")
            exports.append(m["duree"])
        total = time.perf_counter() - t0
        return {
            "total": total,
            "papermill": t_papermill,
            "nbconvert": sum(exports),
            "notebooks": len(executes),
            "chapitres": durees,
            "fiches": fiches,
            "exports": exports,
            "quartiers": len(codes),
        }

    # ------------------------------------------------------------------ fiches quartier
    def fiches_2019(self):
        nombres = [int(x) for x in self.args.fiches.split(",")]
        n = self.args.repetitions
        journal(f"2019, fiches quartier seules : {nombres} fiches ({n} fois chacune)")
        texte = self.p19.read_text(encoding="utf-8")
        mesures = []
        for k in nombres:
            p = self.travail / "params-fiches" / f"{ANNEE}-{k}.yaml"
            p.parent.mkdir(exist_ok=True)
            p.write_text(
                re.sub(r"(?m)^fiches_quartier:.*\n?", "", texte) + f"\nfiches_quartier: {k}\n", encoding="utf-8"
            )
            for i in range(n):
                r = self.pipeline(
                    racine=self.r19,
                    annee=ANNEE,
                    params=p,
                    raw=self.raw19,
                    out=self.travail / "fiches-2019" / "rapport",
                    processed=self.travail / "fiches-2019" / "processed",
                    force=True,
                    neuf=True,
                    chapitres=["10"],
                    etiquette=f"fiches-{k}-{i + 1}",
                )
                mesures.append(
                    {
                        "demandees": k,
                        "fiches": r["fiches"],
                        "duree": r["etapes"].get("fiches_quartier"),
                        "mur": r["mur"],
                    }
                )
        self.resultats["fiches_2019"] = mesures

    # ------------------------------------------------------------------ toutes les fiches, taille nationale
    def fiches_national(self):
        """Étape des fiches seule (``--chapitres fiches``, préparation faite une fois avant et réutilisée) sur le
        territoire synthétique national, pour 1/16, 1/4 et toutes les fiches ; une fiche à la façon naïve
        (papermill puis nbconvert en ligne de commande) dans la même mesure, avant et après chaque taille."""
        import pandas as pd

        fractions = [float(f) for f in self.args.fractions_fiches.split(",")]
        dossier = self.travail / "synth-fiches"
        shutil.rmtree(dossier, ignore_errors=True)
        g = subprocess.run(
            [
                PY,
                str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
                "--facteur",
                "1",
                "--out",
                str(dossier),
                "--annee",
                str(ANNEE_SYNTH),
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if g.returncode != 0:
            raise RuntimeError(f"générateur : {g.stderr}")
        base_params = (dossier / "params" / f"{ANNEE_SYNTH}.yaml").read_text(encoding="utf-8")
        racine = self.racine("racine-fiches", {})
        raw, out, processed = dossier / "raw" / str(ANNEE_SYNTH), dossier / "rapport", dossier / "processed"

        def params(n) -> Path:
            chemin = racine / "params" / f"{ANNEE_SYNTH}.yaml"
            chemin.write_text(
                re.sub(r"(?m)^fiches_quartier:.*$", f"fiches_quartier: {n}", base_params), encoding="utf-8"
            )
            return chemin

        def lancer(n, etiquette, neuf=False):
            shutil.rmtree(out / "quartiers", ignore_errors=True)  # l'étape des fiches est refaite, pas le reste
            return self.pipeline(
                racine=racine,
                annee=ANNEE_SYNTH,
                params=params(n),
                raw=raw,
                out=out,
                processed=processed,
                force=neuf,
                neuf=neuf,
                chapitres=["fiches"],
                etiquette=etiquette,
            )

        journal("Toutes les fiches à la taille nationale : préparation des tables (hors mesure)")
        preparation = lancer(0, "fiches-national-preparation", neuf=True)
        total = len(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"]))
        naif = [self._une_fiche_naive(racine, raw, processed)]
        tailles = []
        for f in fractions:
            n = total if f >= 1 else max(1, round(f * total))
            reps = self.args.repetitions_national if f >= 1 else self.args.repetitions_fiches
            journal(f"  {n} fiches ({_fraction(f)}), {reps} fois")
            runs = [lancer("toutes" if f >= 1 else n, f"fiches-national-{n}-{i + 1}") for i in range(reps)]
            tailles.append(
                {
                    "fraction": f,
                    "fiches": n,
                    "etape_s": [r["etapes"].get("fiches_quartier") for r in runs],
                    "mur_s": [r["mur"] for r in runs],
                    "pic_octets": [r["pic_octets"] for r in runs],
                    "cpu_etrangere": [r.get("cpu_etrangere") for r in runs],
                    "produites": [r.get("fiches") for r in runs],
                }
            )
            naif.append(self._une_fiche_naive(racine, raw, processed))
            self.resultats["fiches_national"] = {
                "quartiers": total,
                "preparation_s": preparation["mur"],
                "tailles": tailles,
                "naif_une_fiche": naif,
            }
            self.sauver()

    def _une_fiche_naive(self, racine: Path, raw: Path, processed: Path) -> dict:
        """Une fiche à la façon naïve : papermill en ligne de commande (noyau démarré, imports, tables lues), puis
        nbconvert en ligne de commande."""
        if self.args.attendre_calme:
            attendre_calme()
        import pandas as pd

        d = self.travail / "naif-fiche"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        code = str(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"])["code_qp"].iloc[0])
        nbdir = racine / "notebooks"
        pm = executer_commande(
            [str(VENV_BIN / "papermill"), "-k", NOYAU, "--cwd", str(nbdir), "--no-progress-bar"]
            + [str(nbdir / "fiche_quartier.ipynb"), str(d / f"{code}.ipynb")]
            + ["-p", "annee", str(ANNEE_SYNTH), "-p", "racine", str(racine), "-p", "raw_dir", str(raw)]
            + ["-p", "processed_dir", str(processed), "-p", "reports_dir", str(d), "-p", "code_qp", code]
            + ["-p", "fichier_params", str(racine / "params" / f"{ANNEE_SYNTH}.yaml")],
            self.env,
            cwd=nbdir,
        )
        nbc = executer_commande(
            [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(d / f"{code}.ipynb")], self.env
        )
        if pm["rc"] != 0 or nbc["rc"] != 0:
            raise RuntimeError(f"fiche naïve : échec (papermill {pm['rc']}, nbconvert {nbc['rc']})")
        journal(f"  une fiche, façon naïve : {pm['duree'] + nbc['duree']:.1f} s")
        return {"papermill_s": pm["duree"], "nbconvert_s": nbc["duree"], "total_s": pm["duree"] + nbc["duree"]}

    # ------------------------------------------------------------------ décomposition
    def decomposition(self):
        journal("Décomposition : démarrage de noyau, imports, export HTML")
        if self.args.attendre_calme:
            attendre_calme()
        n = max(3, self.args.repetitions)
        d = {}
        code_noyau = (
            "import time; t=time.perf_counter()\n"
            "from jupyter_client.manager import KernelManager\n"
            f"km=KernelManager(kernel_name='{NOYAU}'); km.start_kernel(); kc=km.client(); kc.start_channels()\n"
            "kc.wait_for_ready(timeout=120); print(time.perf_counter()-t)\n"
            "kc.stop_channels(); km.shutdown_kernel(now=True)"
        )
        d["noyau_s"] = [self._mesure_python(code_noyau) for _ in range(n)]
        vide = self.travail / "vide.ipynb"
        vide.write_text(
            json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "execution_count": None,
                            "metadata": {},
                            "outputs": [],
                            "source": ["pass"],
                        }
                    ],
                    "metadata": {"kernelspec": {"name": NOYAU, "display_name": NOYAU, "language": "python"}},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            ),
            encoding="utf-8",
        )
        d["papermill_vide_s"] = [
            executer_commande(
                [
                    str(VENV_BIN / "papermill"),
                    "-k",
                    NOYAU,
                    "--no-progress-bar",
                    str(vide),
                    str(self.travail / "vide-sortie.ipynb"),
                ],
                self.env,
            )["duree"]
            for _ in range(n)
        ]
        d["nbconvert_vide_s"] = [
            executer_commande(
                [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(self.travail / "vide-sortie.ipynb")],
                self.env,
            )["duree"]
            for _ in range(n)
        ]
        imports = (
            "import time; t=time.perf_counter()\n"
            "import pandas, numpy, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot\n"
            "from IPython.display import HTML, Markdown, display\n"
            "from politique_ville.compute import qpv, programmation, contribution\n"
            "from politique_ville.figures import qpv as fq, programmation as fp, contribution as fc\n"
            "from politique_ville import present, concordance, nettoyage, catalog\n"
            "print(time.perf_counter()-t)"
        )
        d["imports_s"] = [self._mesure_python(imports) for _ in range(n)]
        d["import_gx_s"] = [
            self._mesure_python(
                "import os, time; os.environ['GX_ANALYTICS_ENABLED']='False'; t=time.perf_counter()\n"
                "import great_expectations\nprint(time.perf_counter()-t)"
            )
            for _ in range(n)
        ]
        d["import_runner_s"] = [
            self._mesure_python(
                "import time; t=time.perf_counter()\nimport politique_ville.runner\nprint(time.perf_counter()-t)"
            )
            for _ in range(n)
        ]
        # export HTML des notebooks exécutés du dernier rapport 2019 à froid (mode rapport et avec le code)
        if (self.out19 / "notebooks").is_dir():
            d["export_s"] = self.mesurer_export(self.out19)
        self.resultats["decomposition"] = d

    def mesurer_export(self, rapport: Path) -> dict:
        """Durée de ``exporter_html`` (deux versions par chapitre, une par fiche) sur les notebooks exécutés d'un
        rapport, dans un processus neuf."""
        code_export = (
            "import json, sys, time\nfrom pathlib import Path\nfrom politique_ville.export import exporter_html\n"
            f"base = Path({str(rapport)!r}); tmp = Path({str(self.travail / 'export-essai')!r})\n"
            "res = {}\n"
            "tous = sorted(base.glob('notebooks/*.ipynb')) + sorted(base.glob('quartiers/notebooks/*.ipynb'))\n"
            "exporter_html(tous[0], tmp / 'chauffe.html')  # imports de nbconvert et chargement du gabarit\n"
            "for nb in tous:\n"
            "    fiche = 'quartiers' in nb.parts\n"
            "    t = time.perf_counter(); exporter_html(nb, tmp / (nb.stem + '.html'))\n"
            "    if not fiche: exporter_html(nb, tmp / (nb.stem + '_code.html'), avec_code=True)\n"
            "    res[('fiche:' if fiche else '') + nb.stem] = time.perf_counter() - t\n"
            "print(json.dumps(res))"
        )
        r = subprocess.run([PY, "-c", code_export], env=self.env, capture_output=True, text=True)
        shutil.rmtree(self.travail / "export-essai", ignore_errors=True)
        try:
            return json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            journal(f"  mesure de l'export impossible : {r.stderr[-800:]}")
            return {}

    def _mesure_python(self, code: str) -> float | None:
        r = subprocess.run([PY, "-c", code], env=self.env, capture_output=True, text=True, cwd=self.travail)
        try:
            return float(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            journal(f"  mesure impossible : {r.stderr[-500:]}")
            return None

    # ------------------------------------------------------------------ échelle
    def echelle(self):
        facteurs = [float(f) for f in self.args.facteurs.split(",")]
        minimal = self.args.facteur_minimal
        journal(f"Passage à l'échelle : facteurs {facteurs} (+ {minimal} pour le coût fixe)")
        res = []
        for f in ([minimal] if minimal else []) + facteurs:
            dossier = self.travail / f"synth-{f:g}"
            t = time.perf_counter()
            g = subprocess.run(
                [
                    PY,
                    str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
                    "--facteur",
                    str(f),
                    "--out",
                    str(dossier),
                    "--annee",
                    str(ANNEE_SYNTH),
                ],
                env=self.env,
                capture_output=True,
                text=True,
            )
            t_gen = time.perf_counter() - t
            if g.returncode != 0:
                raise RuntimeError(f"générateur : {g.stderr}")
            taille = _taille(dossier / "raw" / str(ANNEE_SYNTH))
            params = dossier / "params" / f"{ANNEE_SYNTH}.yaml"
            racine = self.racine(f"racine-synth-{f:g}", {ANNEE_SYNTH: params})
            out, processed = dossier / "rapport", dossier / "processed"
            reps = 1 if f == minimal else (self.args.repetitions_echelle if f < 1 else self.args.repetitions_national)
            runs = [
                self.pipeline(
                    racine=racine,
                    annee=ANNEE_SYNTH,
                    params=params,
                    raw=dossier / "raw" / str(ANNEE_SYNTH),
                    out=out,
                    processed=processed,
                    force=True,
                    vider_cache=True,
                    neuf=True,
                    etiquette=f"echelle-{f:g}-{i + 1}",
                )
                for i in range(reps)
            ]
            chaud = self.pipeline(
                racine=racine,
                annee=ANNEE_SYNTH,
                params=params,
                raw=dossier / "raw" / str(ANNEE_SYNTH),
                out=out,
                processed=processed,
                force=False,
                etiquette=f"echelle-{f:g}-chaud",
            )
            res.append(
                {
                    "facteur": f,
                    "minimal": f == minimal,
                    "generation_s": t_gen,
                    "taille": taille,
                    "resume_generateur": g.stdout.splitlines()[0] if g.stdout else "",
                    "runs": runs,
                    "chaud": chaud,
                    "html_octets": _octets(out),
                    "export_s": self.mesurer_export(out),
                }
            )
            self.resultats["echelle"] = res
            self.sauver()
        if self.args.py_spy and Path(self.args.py_spy).is_file():
            self.profil(facteurs[-1])

    def profil(self, f: float):
        """Profil py-spy (échantillonnage, noyaux compris) d'une exécution à froid à l'échelle donnée."""
        journal(f"Profil py-spy à l'échelle {f:g}")
        dossier = self.travail / f"synth-{f:g}"
        racine = self.travail / f"racine-synth-{f:g}"
        params = dossier / "params" / f"{ANNEE_SYNTH}.yaml"
        shutil.rmtree(racine / ".cache", ignore_errors=True)
        for d in (dossier / "rapport", dossier / "processed"):
            shutil.rmtree(d, ignore_errors=True)
        res_f = self.travail / "journaux" / "profil.json"
        a = {
            "annee": ANNEE_SYNTH,
            "racine": str(racine),
            "params": str(params),
            "raw": str(dossier / "raw" / str(ANNEE_SYNTH)),
            "out": str(dossier / "rapport"),
            "processed": str(dossier / "processed"),
            "force": True,
            "resultat": str(res_f),
        }
        brut = self.travail / "profil-py-spy.txt"
        r = subprocess.run(
            [
                self.args.py_spy,
                "record",
                "--subprocesses",
                "--rate",
                "50",
                "--format",
                "raw",
                "--output",
                str(brut),
                "--",
                PY,
                str(self.pilote),
                json.dumps(a),
            ],
            env=self.env,
            capture_output=True,
            text=True,
            cwd=racine,
        )
        if r.returncode != 0 or not brut.is_file():
            self.resultats["profil"] = {"erreur": (r.stderr or r.stdout)[-1500:]}
            return
        self.resultats["profil"] = analyser_py_spy(brut)

    def sauver(self):
        self.resultats["fin"] = dt.datetime.now().isoformat(timespec="seconds")
        self.resultats.setdefault("machine", {})["charge_fin"] = os.getloadavg()
        (self.travail / "resultats.json").write_text(
            json.dumps(self.resultats, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )


def _git(*args) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(RACINE), *args], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _taille(dossier: Path) -> dict:
    lignes = {}
    for p in sorted(dossier.glob("*.csv")):
        with open(p, "rb") as f:
            lignes[p.stem] = sum(1 for _ in f) - 1
    return {"lignes": lignes, "octets": sum(p.stat().st_size for p in dossier.glob("*.csv"))}


def _octets(dossier: Path) -> int:
    return sum(p.stat().st_size for p in Path(dossier).rglob("*") if p.is_file()) if Path(dossier).is_dir() else 0


#: Fonctions « feuilles » d'un fil qui attend (py-spy ne les reconnaît pas toutes comme inactives).
ATTENTE = re.compile(
    r"^(\S+\.)?(select|poll|epoll|wait|_wait_for_tstate_lock|join|sleep|acquire|recv|recv_multipart|"
    r"_watch_pipe_fd|device|accept|readinto|read|_recv_bytes|_poll|_read_ready)\b"
)


def analyser_py_spy(brut: Path, n: int = 25) -> dict:
    """Agrège un profil py-spy « raw » (piles repliées) : temps propre et temps inclusif par fonction, et temps par
    processus (chaque ligne commence par « process PID:"commande" »)."""
    from collections import Counter

    inclusif, propre, par_processus = Counter(), Counter(), Counter()
    total = 0
    for ligne in brut.read_text(encoding="utf-8", errors="replace").splitlines():
        pile, _, compte = ligne.rpartition(" ")
        try:
            c = int(compte)
        except ValueError:
            continue
        cadres = pile.split(";")
        if ATTENTE.search(cadres[-1]):  # fil en attente (sélecteur, verrou, tube) : pas du calcul
            continue
        total += c
        if any(x.startswith("process ") and "ipykernel_launcher" in x for x in cadres):
            par_processus["noyaux Jupyter (notebooks)"] += c
        else:
            par_processus["processus principal (runner, export HTML)"] += c
        fonctions = [
            re.sub(r":\d+\)$", ")", re.sub(r"\s*\(/.*?(site-packages/|src/|lib/python3\.\d+/)", " (", x))
            for x in cadres
            if not x.startswith("process ") and not x.startswith("thread ")
        ]
        for f in dict.fromkeys(fonctions):
            inclusif[f] += c
        if fonctions:
            propre[fonctions[-1]] += c
    return {
        "echantillons": total,
        "par_processus": dict(par_processus),
        "inclusif": inclusif.most_common(n * 4),
        "propre": propre.most_common(n),
    }


# --------------------------------------------------------------------------------------------- rapport


def rapport(res: dict) -> str:
    L = []
    a = L.append
    m = res.get("machine", {})
    a("# Performances du pipeline — mesures")
    a("")
    a(
        f"Produit par `scripts/benchmark.py` le {res.get('debut', '?')[:10]} (mesures de {res.get('debut', '?')[11:16]} "
        f"à {res.get('fin', '?')[11:16]}). Ce n'est pas un test : les chiffres dépendent de la machine et de sa charge. "
        f"Toutes les durées sont des **médianes** ; le nombre d'exécutions est donné pour chacune. Code mesuré : "
        f"instantané de `src/` et `notebooks/` pris au début (git `{res.get('instantane', {}).get('git', '?')}`)."
    )
    a("")
    a("## Machine")
    a("")
    if m:
        a("| | |")
        a("| --- | --- |")
        a(f"| Processeur | {m.get('processeur')} |")
        a(f"| Cœurs | {m.get('coeurs_logiques')} logiques ({m.get('coeurs_physiques')} physiques) |")
        a(f"| Mémoire | {fr(m.get('memoire_go'), 1)} Gio |")
        a(f"| Système | {m.get('systeme')} |")
        a(f"| Python | {m.get('python')} |")
        a(f"| Paquets | {', '.join(f'{k} {v}' for k, v in m.get('paquets', {}).items())} |")
        cd, cf = m.get("charge_debut"), m.get("charge_fin")
        if cd:
            a(
                f"| Charge moyenne (1, 5, 15 min) | début {', '.join(fr(x, 2) for x in cd)} ; fin "
                f"{', '.join(fr(x, 2) for x in (cf or []))} |"
            )
    a("")
    a(
        "**Conditions de mesure.** Le code mesuré est un instantané (git "
        f"`{res.get('instantane', {}).get('git', '?')}`) copié au début : des modifications faites pendant la mesure "
        "n'y entrent pas. Chaque exécution a sa propre racine de travail (lien vers les notebooks de l'instantané, "
        "`params/<annee>.yaml`) sous le dossier de travail ; rien n'est écrit dans le dépôt "
        "hors de ce fichier. La machine est partagée : d'autres sessions (tests, profils) ont pu tourner pendant une "
        "partie des mesures ; le temps CPU pris par les autres processus est mesuré quand c'est possible (colonne "
        "« CPU d'autres processus ») et les médianes limitent l'effet d'une exécution perturbée."
    )
    for c in res.get("complements", []):
        a(
            f"Mesure complémentaire de {c.get('debut', '?')[11:16]} à {c.get('fin', '?')[11:16]} (parties : "
            f"{', '.join(c.get('parties', []))} ; même instantané, git `{c.get('git')}`) ; charge au début "
            f"{', '.join(fr(x, 2) for x in (c.get('charge_debut') or []))}."
        )
    a("")
    lignes_cibles = []

    def cible(nom, mesure, cible_txt, ok):
        lignes_cibles.append(f"| {nom} | {mesure} | {cible_txt} | {'**atteinte**' if ok else '**MANQUÉE**'} |")

    # ---------------- 2019 froid / naïf
    froid = res.get("froid_2019") or []
    naif = res.get("naif_2019") or []
    chaud = res.get("chaud_2019") or []
    fc = res.get("force_cache_2019") or []
    t_froid = mediane([r["mur"] for r in froid])
    t_naif = mediane([r["total"] for r in naif])
    if froid:
        ratio = t_naif / t_froid if t_naif and t_froid else None
        if t_froid:
            cible("Rapport 2019 à froid, fiches comprises", fr(t_froid, 1, "s"), "≤ 30 s", t_froid <= CIBLES["froid_s"])
        if ratio:
            cible(
                "Gain sur la façon naïve (papermill + nbconvert en ligne de commande)",
                f"× {fr(ratio, 1)}",
                "≥ × 12",
                ratio >= CIBLES["ratio_naif"],
            )
    if chaud:
        t = mediane([r["mur"] for r in chaud])
        cible("Ré-exécution sans changement", fr(t, 2, "s"), "≤ 1 s", t <= CIBLES["chaud_s"])
    ech = res.get("echelle") or []
    nat = next((e for e in ech if e["facteur"] == 1.0), None)
    if nat:
        t = mediane([r["mur"] for r in nat["runs"]])
        pic = max(r["pic_octets"] for r in nat["runs"]) / 2**30
        cible(
            "Taille nationale (1 600 QPV, 30 000 actions, 20 fiches) à froid",
            fr(t, 1, "s"),
            "≤ 90 s",
            t <= CIBLES["national_s"],
        )
        cible(
            "Mémoire maximale à l'échelle nationale (arbre des processus)",
            fr(pic, 2, "Gio"),
            "≤ 2 Gio",
            pic <= CIBLES["memoire_go"],
        )
    fn = _fiches_national(res.get("fiches_national"))
    if fn:
        if fn["ratio"]:
            cible(
                "Toutes les fiches, taille nationale : coût marginal d'une fiche / une fiche à la façon naïve",
                f"1/{fr(fn['ratio'], 0)} ({fr(fn['pente'], 2, 's')} contre {fr(fn['naif'], 1, 's')})",
                "≤ 1/50",
                fn["ratio"] >= CIBLES["ratio_fiche"],
            )
        if fn["pic_go"] is not None:
            cible(
                f"Toutes les fiches ({fr(fn['n_max'], 0)}), mémoire maximale de l'arbre des processus",
                fr(fn["pic_go"], 2, "Gio"),
                "≤ 2 Gio",
                fn["pic_go"] <= CIBLES["memoire_go"],
            )
        if fn["r2"] is not None:
            cible(
                "Toutes les fiches : croissance linéaire (R² de la régression, durée par fiche 1× / 1/16)",
                f"R² {fr(fn['r2'], 3)} ; × {fr(fn['par_fiche_rapport'], 2)}",
                "R² ≥ 0,99, rapport ≤ 1,2",
                fn["r2"] >= 0.99 and (fn["par_fiche_rapport"] or 9) <= 1.2,
            )
    pr = res.get("premier_make_report")
    if pr and pr.get("suivants"):
        t1, tn = pr["premier"]["duree"], mediane([r["duree"] for r in pr["suivants"]])
        cible(
            "Premier `make report` d'un clone neuf (après installation) / `make report` à froid suivant",
            f"× {fr(t1 / tn, 2)} ({fr(t1, 1, 's')} contre {fr(tn, 1, 's')})",
            "≤ × 1,3",
            t1 / tn <= CIBLES["premier_rapport"],
        )
    a("## Résumé : les cibles")
    a("")
    a("| mesure | valeur | cible | |")
    a("| --- | --- | --- | --- |")
    L.extend(lignes_cibles)
    a("")

    if pr and pr.get("suivants"):
        a("## Premier `make report` d'un clone neuf")
        a("")
        a(
            f"Clone du dépôt (commit `{pr.get('git')}`), installé par `make setup` (non mesuré : "
            f"{fr(pr.get('installation_s'), 0, 's')}), avec des dossiers de configuration de matplotlib et d'IPython "
            f"vides (un nouvel utilisateur) ; puis `make report` à froid dans le même clone (rapport, tables et cache "
            f"effacés), **{len(pr['suivants'])} fois**. Durées murales de la commande `make report`."
        )
        a("")
        a("| | durée |")
        a("| --- | --- |")
        a(f"| premier `make report` | {fr(pr['premier']['duree'], 1, 's')} |")
        a(
            f"| `make report` à froid suivant (médiane ; min–max) | {fr(mediane([r['duree'] for r in pr['suivants']]), 1, 's')}"
            f" ({fr(min(r['duree'] for r in pr['suivants']), 1)}–{fr(max(r['duree'] for r in pr['suivants']), 1, 's')}) |"
        )
        a("")
    if froid:
        a("## Rapport 2019 à froid, fiches quartier comprises")
        a("")
        a(
            f"Dossier du rapport et dossier des tables neufs, `--force`, `--jobs` par défaut "
            f"({m.get('coeurs_logiques', '?')}) ; durée murale du processus (démarrage de Python compris). "
            f"**{len(froid)} exécutions**."
        )
        a("")
        a("| | médiane | min | max |")
        a("| --- | --- | --- | --- |")
        vals = [r["mur"] for r in froid]
        a(
            f"| Notre pipeline (`executer`) | **{fr(mediane(vals), 1)} s** | {fr(min(vals), 1)} s | {fr(max(vals), 1)} s |"
        )
        if naif:
            vn = [r["total"] for r in naif]
            a(
                f"| Façon naïve : papermill puis nbconvert, un processus par notebook ({naif[0]['notebooks']} "
                f"notebooks), {len(naif)} exécution(s) | **{fr(mediane(vn), 1)} s** | {fr(min(vn), 1)} s | "
                f"{fr(max(vn), 1)} s |"
            )
            a(
                f"| dont papermill (9 notebooks + {naif[0]['quartiers']} fiches) | {fr(mediane([r['papermill'] for r in naif]), 1)} s | | |"
            )
            a(
                f"| dont nbconvert ({naif[0]['notebooks']} exports) | {fr(mediane([r['nbconvert'] for r in naif]), 1)} s | | |"
            )
        a("")
        if naif and t_froid:
            a(
                f"Rapport des durées : **× {fr(t_naif / t_froid, 1)}**. La façon naïve produit un seul HTML par notebook "
                f"(le pipeline en produit deux par chapitre : sans et avec le code), sans index ni manifeste ; elle "
                f"démarre un processus Python, un noyau et refait les imports pour chacun des {naif[0]['notebooks']} "
                f"notebooks, puis un processus nbconvert par export."
            )
            a("")
        a(
            "Durée de chaque étape (médiane, secondes, lignes « ✓ » du runner / manifeste `.execution.json`). Les "
            "chapitres s'exécutent en parallèle : leur somme dépasse la durée murale."
        )
        a("")
        etapes = list(dict.fromkeys(k for r in froid for k in r["etapes"]))
        a("| étape | à froid | forcé (deuxième exécution) | naïf (papermill seul) |")
        a("| --- | --- | --- | --- |")
        for e in etapes:
            v = mediane([r["etapes"].get(e) for r in froid])
            v2 = mediane([r["etapes"].get(e) for r in fc]) if fc else None
            vn = (
                mediane([r["chapitres"].get(e) for r in naif])
                if naif and e != "fiches_quartier"
                else (mediane([sum(r["fiches"]) for r in naif]) if naif else None)
            )
            a(f"| {e} | {fr(v, 1)} | {fr(v2, 1)} | {fr(vn, 1)} |")
        a(
            f"| **durée murale** | **{fr(t_froid, 1)}** | {fr(mediane([r['mur'] for r in fc]), 1)} | "
            f"{fr(mediane([r['papermill'] for r in naif]), 1) if naif else '—'} |"
        )
        a(f"| pic de mémoire (Mio) | {fr(max(r['pic_octets'] for r in froid) / 2**20, 0)} | | |")
        a("")

    if chaud:
        a("## Ré-exécution sans changement")
        a("")
        v = [r["mur"] for r in chaud]
        vi = [r["interne"] for r in chaud]
        a(
            f"**{len(chaud)} exécutions** après une exécution complète, rien de modifié : durée murale médiane "
            f"**{fr(mediane(v), 2)} s** (min {fr(min(v), 2)}, max {fr(max(v), 2)}), dont {fr(mediane(vi), 2)} s dans "
            f"le processus (imports du runner {fr(mediane([r['t_import'] for r in chaud]), 2)} s, empreintes des "
            f"entrées, lecture du manifeste). Message du runner : « {next((x for x in chaud[0]['lignes'] if 'Rien' in x), '')} »."
        )
        a("")

    fiches = res.get("fiches_2019") or []
    dec = res.get("decomposition") or {}
    if fiches:
        a("## Fiches quartier : coût marginal d'une fiche")
        a("")
        pts = {}
        for f in fiches:
            pts.setdefault(f["fiches"], []).append(f["duree"])
        xs = sorted(pts)
        ys = [mediane(pts[x]) for x in xs]
        pente, origine, r2 = _regression(xs, ys)
        a(
            f"Durée de l'étape « fiches quartier » (mesurée par le runner ; exécution avec `--chapitres 10`, "
            f"`fiches_quartier: n`), {len(fiches) // max(1, len(xs))} exécutions par point. Les fiches avancent en "
            f"même temps que les chapitres, dans les {m.get('coeurs_logiques', 2)} noyaux de l'exécution : la durée "
            f"de l'étape compte aussi ce temps partagé (d'où un R² faible) ; la mesure qui fait foi pour le coût "
            f"d'une fiche est celle de toutes les fiches à la taille nationale (plus bas) :"
        )
        a("")
        a("| fiches | durée de l'étape (médiane) |")
        a("| --- | --- |")
        for x, y in zip(xs, ys):
            a(f"| {x} | {fr(y, 2)} s |")
        a("")
        a(
            f"Régression linéaire : **{fr(pente, 2)} s par fiche supplémentaire** (durée murale, "
            f"{m.get('coeurs_logiques', 2)} noyaux en parallèle), ordonnée à l'origine {fr(origine, 1)} s, "
            f"R² = {fr(r2, 3)}."
        )
        if naif:
            per = mediane([statistics.median(r["fiches"]) for r in naif])
            exp = mediane([statistics.median(r["exports"][-r["quartiers"] :]) for r in naif])
            a(
                f"Façon naïve : {fr(per, 2)} s par fiche pour papermill (processus, noyau, imports, exécution) + "
                f"{fr(exp, 2)} s pour nbconvert, soit **{fr(per + exp, 2)} s par fiche**, "
                f"× {fr((per + exp) / pente, 1) if pente else '—'} le coût marginal du pipeline."
            )
        if dec.get("noyau_s"):
            a(
                f"Pour mémoire, démarrer un noyau coûte {fr(mediane(dec['noyau_s']), 2)} s (et "
                f"{fr(mediane(dec.get('papermill_vide_s', [])), 2)} s un notebook vide par la commande papermill)."
            )
        a("")

    if dec:
        a("## Où va le temps : décomposition")
        a("")
        a(f"Mesures isolées ({len(dec.get('noyau_s', []))} fois chacune, médianes) :")
        a("")
        a("| poste | durée |")
        a("| --- | --- |")
        a(
            f"| démarrage d'un noyau Jupyter (`KernelManager.start_kernel` → prêt) | {fr(mediane(dec.get('noyau_s', [])), 2)} s |"
        )
        a(
            f"| notebook vide par la commande `papermill` (processus + imports de papermill + noyau) | "
            f"{fr(mediane(dec.get('papermill_vide_s', [])), 2)} s |"
        )
        a(
            f"| notebook vide par la commande `jupyter nbconvert --to html` | {fr(mediane(dec.get('nbconvert_vide_s', [])), 2)} s |"
        )
        a(
            f"| imports d'un chapitre (pandas, matplotlib, `politique_ville.compute`, `figures`…) dans un processus neuf | "
            f"{fr(mediane(dec.get('imports_s', [])), 2)} s |"
        )
        a(f"| import de Great Expectations | {fr(mediane(dec.get('import_gx_s', [])), 2)} s |")
        a(
            f"| import de `politique_ville.runner` (processus parent) | {fr(mediane(dec.get('import_runner_s', [])), 2)} s |"
        )
        gx = None
        if froid and fc:
            gx = (mediane([r["etapes"].get("03_validation") for r in froid]) or 0) - (
                mediane([r["etapes"].get("03_validation") for r in fc]) or 0
            )
            a(f"| étape 03 : à froid − forcé (deuxième exécution) | {fr(gx, 1)} s |")
        exp = dec.get("export_s") or {}
        if exp:
            chap = sum(v for k, v in exp.items() if not k.startswith("fiche:"))
            fi = [v for k, v in exp.items() if k.startswith("fiche:")]
            a(f"| export HTML des 9 notebooks (deux versions chacun) | {fr(chap, 1)} s |")
            if fi:
                a(
                    f"| export HTML d'une fiche quartier | {fr(statistics.median(fi), 2)} s ({len(fi)} fiches : "
                    f"{fr(sum(fi), 1)} s) |"
                )
        a("")
        a(
            "Les noyaux sont partagés : une exécution en démarre autant que de fils (2 ici, dont celui de la "
            "validation), une fois, et les prête à chaque notebook ; le démarrage d'un noyau et les imports ne se "
            "paient donc plus par étape (la durée d'une étape ci-dessus est celle de son notebook dans un noyau déjà "
            "prêt, en concurrence avec les autres étapes). Voir l'analyse en fin de rapport."
        )
        a("")

    if ech:
        a("## Passage à l'échelle : années synthétiques")
        a("")
        a(
            "Données fictives produites par `scripts/generer_territoire_synthetique.py` (même structure que les "
            "fichiers de 2019, graine 0), hors de `data/raw`. Exécution complète à froid ("
            "`--force`) : préparation, chapitres 10 à 90, **20 fiches quartier** (`fiches_quartier: 20`). Mémoire : "
            "maximum de la somme des RSS du processus et de tous ses descendants (noyaux), échantillonnée toutes les "
            "0,1 s ; la somme des RSS compte plusieurs fois les pages partagées : c'est un majorant."
        )
        a("")
        a(
            "| taille | quartiers | actions | données brutes | génération | exécutions | durée (médiane) | min–max | pic de mémoire | processus simultanés | ré-exécution sans changement | rapport produit | export HTML (mesuré à part) | CPU d'autres processus pendant la mesure (médiane) |"
        )
        a("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for e in ech:
            t = [r["mur"] for r in e["runs"]]
            q = e["taille"]["lignes"].get("insee_qpv", 0)
            nom = "minimale (coût fixe)" if e["minimal"] else _fraction(e["facteur"])
            a(
                f"| {nom} | {q} | {e['taille']['lignes'].get('programmation', 0)} | "
                f"{fr(e['taille']['octets'] / 2**20, 1)} Mio | {fr(e['generation_s'], 1)} s | {len(t)} | "
                f"**{fr(mediane(t), 1)} s** | {fr(min(t), 1)}–{fr(max(t), 1)} s | "
                f"{fr(max(r['pic_octets'] for r in e['runs']) / 2**20, 0)} Mio | "
                f"{max(r['processus_max'] or 0 for r in e['runs'])} | {fr(e['chaud']['mur'], 2)} s | "
                f"{fr(e['html_octets'] / 2**20, 1)} Mio | {fr(sum((e.get('export_s') or {}).values()), 1)} s | "
                f"{_etranger(e['runs'])} |"
            )
        a("")
        mini = next((e for e in ech if e["minimal"]), None)
        lad = [e for e in ech if not e["minimal"]]
        if lad:
            xs = [e["facteur"] for e in lad]
            ys = [mediane([r["mur"] for r in e["runs"]]) for e in lad]
            pente, origine, r2 = _regression(xs, ys)
            t0 = mediane([r["mur"] for r in mini["runs"]]) if mini else None
            a(
                "**Croissance.** "
                + (
                    f"Coût fixe mesuré sur la plus petite exécution (taille minimale, "
                    f"{mini['taille']['lignes'].get('insee_qpv', 0)} quartiers, "
                    f"{mini['taille']['lignes'].get('programmation', 0)} actions) : "
                    f"**{fr(t0, 1)} s**. "
                    if mini
                    else ""
                )
                + f"Ajustement linéaire sur les trois tailles : durée ≈ {fr(origine, 1)} s + {fr(pente, 1)} s × "
                f"(taille / taille nationale), R² = {fr(r2, 3)}."
            )
            a("")
            a("| taille | durée | durée − coût fixe | rapport à la taille précédente (linéaire : × 4) |")
            a("| --- | --- | --- | --- |")
            prec = None
            for e, y in zip(lad, ys):
                var = y - t0 if t0 is not None else None
                rap = f"× {fr(var / prec, 1)}" if prec and var is not None and prec > 0 else "—"
                a(f"| {_fraction(e['facteur'])} | {fr(y, 1)} s | {fr(var, 1)} s | {rap} |")
                prec = var
            a("")
            a("Durée de chaque étape (médiane, secondes) selon la taille :")
            a("")
            etapes = list(dict.fromkeys(k for e in ech for r in e["runs"] for k in r["etapes"]))
            a("| étape | " + " | ".join(("minimale" if e["minimal"] else _fraction(e["facteur"])) for e in ech) + " |")
            a("| --- |" + " --- |" * len(ech))
            for k in etapes:
                a(f"| {k} | " + " | ".join(fr(mediane([r["etapes"].get(k) for r in e["runs"]]), 1) for e in ech) + " |")
            a(
                "| **durée murale** | "
                + " | ".join(f"**{fr(mediane([r['mur'] for r in e['runs']]), 1)}**" for e in ech)
                + " |"
            )
            a("")
            chapitres = [k for k in etapes if k[:2].isdigit() and int(k[:2]) >= 10]
            if any(e.get("export_s") for e in ech):
                a(
                    "Export HTML (`exporter_html`, deux versions par chapitre), mesuré à part dans un processus seul, "
                    "sur les notebooks exécutés de chaque taille (secondes) :"
                )
                a("")
                a(
                    "| chapitre | "
                    + " | ".join(("minimale" if e["minimal"] else _fraction(e["facteur"])) for e in ech)
                    + " |"
                )
                a("| --- |" + " --- |" * len(ech))
                for k in chapitres:
                    a(f"| {k} | " + " | ".join(fr((e.get("export_s") or {}).get(k), 1) for e in ech) + " |")
                a(
                    "| 20 fiches | "
                    + " | ".join(
                        fr(sum(v for c, v in (e.get("export_s") or {}).items() if c.startswith("fiche:")), 1)
                        for e in ech
                    )
                    + " |"
                )
                a("")
    prof = res.get("profil")
    if prof and not prof.get("erreur"):
        a("## Profil de l'exécution nationale (py-spy, noyaux compris)")
        a("")
        tot = prof["echantillons"] or 1
        a(
            f"{prof['echantillons']} échantillons à 50 Hz sur tous les processus (un échantillon par fil actif ; les "
            f"piles des fils en attente — sélecteurs, verrous, tubes — sont retirées ; py-spy ralentit l'exécution "
            f"d'environ 25 %). Répartition : "
            + ", ".join(f"{k} {fr(100 * v / tot, 0)} %" for k, v in prof["par_processus"].items())
            + "."
        )
        a("")
        a("Fonctions du projet et des bibliothèques les plus coûteuses (temps inclusif, part des échantillons) :")
        a("")
        a("| fonction | part |")
        a("| --- | --- |")
        n = 0
        for f, c in prof["inclusif"]:
            if any(
                s in f
                for s in (
                    "<module>",
                    "run_code",
                    "run_cell",
                    "_run_module",
                    "execute_request",
                    "dispatch",
                    "run_ast_nodes",
                    "_run_cell",
                    "run_cell_async",
                    "process_one",
                    "dispatch_queue",
                    "_run_once",
                    "run_forever",
                    "start (",
                    "launch_instance",
                    "_bootstrap",
                    "wrapper (",
                    "_pseudo_sync_runner",
                    "run_until_complete",
                    "main (",
                    "do_execute",
                    "execute_cell",
                    "async_execute",
                    "_run (",
                    "worker (",
                    "run (",
                )
            ):
                continue
            a(f"| `{f[:150]}` | {fr(100 * c / tot, 1)} % |")
            n += 1
            if n >= 25:
                break
        a("")
    elif prof:
        a(f"Profil py-spy impossible : {prof['erreur'][:300]}")
        a("")
    if fn:
        L.extend(_section_fiches_national(res["fiches_national"], fn))
    if res.get("analyse"):
        a("## Analyse")
        a("")
        a(res["analyse"])
        a("")
    apres = res.get("apres")
    if apres:
        g = apres.get("instantane", {}).get("git", "?")
        a(f"## Remesure après les corrections (git `{g}`)")
        a("")
        a(
            f"Même machine, même script, mesures de {apres.get('debut', '?')[11:16]} à {apres.get('fin', '?')[11:16]} "
            f"(charge au début : {', '.join(fr(x, 2) for x in apres.get('machine', {}).get('charge_debut') or [])}) ; "
            f"parties remesurées : rapport 2019 à froid et ré-exécution, passage à l'échelle (1 exécution pour les "
            f"petites tailles, 3 à la taille nationale). La façon naïve, les fiches et la décomposition ne dépendent "
            f"pas des corrections et n'ont pas été refaites."
        )
        a("")
        sous = rapport({k: v for k, v in apres.items() if k not in ("analyse", "apres", "complements")})
        corps = sous[sous.index("## Résumé") :]
        corps = re.sub(r"(?m)^## ", "### ", corps)
        L.append(corps)
    return "\n".join(L) + "\n"


def _fiches_national(d: dict | None) -> dict | None:
    """Synthèse de la partie « toutes les fiches à la taille nationale » : régression de la durée de l'étape sur
    le nombre de fiches (pente = coût marginal d'une fiche), une fiche naïve (médiane), mémoire maximale."""
    if not d or not d.get("tailles"):
        return None
    xs, ys = [], []
    for taille in d["tailles"]:
        for y in taille["etape_s"]:
            if y is not None:
                xs.append(taille["fiches"])
                ys.append(y)
    pente, origine, r2 = _regression(xs, ys)
    naif = mediane([x["total_s"] for x in d.get("naif_une_fiche", [])])
    par_fiche = [mediane(t["etape_s"]) / t["fiches"] for t in d["tailles"] if mediane(t["etape_s"])]
    pics = [p for t in d["tailles"] for p in t["pic_octets"] if p]
    return {
        "pente": pente,
        "origine": origine,
        "r2": r2,
        "naif": naif,
        "ratio": naif / pente if naif and pente else None,
        "pic_go": max(pics) / 2**30 if pics else None,
        "n_max": max(t["fiches"] for t in d["tailles"]),
        "par_fiche_rapport": par_fiche[-1] / par_fiche[0] if len(par_fiche) > 1 and par_fiche[0] else None,
    }


def _section_fiches_national(d: dict, fn: dict) -> list[str]:
    L = [
        "## Toutes les fiches à la taille nationale",
        "",
        f"Territoire synthétique national ({fr(d['quartiers'], 0)} quartiers, générateur, données fictives, codes locaux) ; "
        "étape des fiches seule (`--chapitres fiches`), la préparation (lecture, nettoyages, validation : "
        f"{fr(d.get('preparation_s'), 1, 's')}) faite une fois avant et réutilisée ; dossier `quartiers/` du rapport "
        "retiré avant chaque exécution pour que l'étape soit refaite. Fiches prises une à une par les noyaux de l'exécution (un par cœur).",
        "",
        "| fiches | exécutions | étape des fiches (médiane) | par fiche | mémoire maximale (arbre) | CPU d'autres "
        "processus |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in d["tailles"]:
        m = mediane(t["etape_s"])
        pic = max([p for p in t["pic_octets"] if p] or [0])
        L.append(
            f"| {fr(t['fiches'], 0)} ({'toutes' if t['fraction'] >= 1 else _fraction(t['fraction'])}) | "
            f"{len(t['etape_s'])} | {fr(m, 1, 's')} | "
            f"{fr(m / t['fiches'] if m else None, 3, 's')} | {fr(pic / 2**20, 0, 'Mio')} | "
            f"{fr(mediane([c for c in t['cpu_etrangere'] if c is not None]), 1, 's')} |"
        )
    naifs = d.get("naif_une_fiche", [])
    L += [
        "",
        f"Une fiche à la façon naïve (papermill puis nbconvert en ligne de commande, même mesure, {len(naifs)} fois "
        f"entre les tailles) : médiane {fr(fn['naif'], 1, 's')} (papermill "
        f"{fr(mediane([x['papermill_s'] for x in naifs]), 1, 's')}, nbconvert "
        f"{fr(mediane([x['nbconvert_s'] for x in naifs]), 1, 's')}).",
        "",
        f"Régression de la durée de l'étape sur le nombre de fiches : {fr(fn['pente'], 3, 's')} par fiche (coût "
        f"marginal, temps mural, deux noyaux en parallèle), {fr(fn['origine'], 1, 's')} à l'origine, R² "
        f"{fr(fn['r2'], 4)} ; coût marginal = 1/{fr(fn['ratio'], 0)} d'une fiche naïve.",
        "",
    ]
    return L


def _etranger(runs) -> str:
    """Temps CPU consommé par d'autres processus de la machine pendant les mesures (perturbation), médiane."""
    v = [r.get("cpu_etrangere") for r in runs if r.get("cpu_etrangere") is not None]
    if not v:
        return "non mesuré"
    return f"{fr(mediane(v), 1)} s CPU"


def _fraction(f: float) -> str:
    return {1.0: "nationale (1)", 0.25: "1/4", 0.0625: "1/16"}.get(f, f"{f:g}")


def _regression(xs, ys):
    n = len(xs)
    if n < 2:
        return None, None, None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None, None, None
    pente = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    origine = my - pente * mx
    sst = sum((y - my) ** 2 for y in ys)
    sse = sum((y - (origine + pente * x)) ** 2 for x, y in zip(xs, ys))
    return pente, origine, (1 - sse / sst) if sst else 1.0


# --------------------------------------------------------------------------------------------- main


def _partie_lot(banc, args):
    """La partie « lot de territoires » (``scripts/benchmark_lot.py``) : résultats dans ``resultats["lot"]``."""
    import benchmark_lot

    banc.resultats["lot"] = benchmark_lot.mesurer(banc, args)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Mesures de performance du pipeline (écrit reports/benchmark.md).")
    p.add_argument("--travail", type=Path, default=Path("/tmp/bench/run"), help="dossier de travail (jetable)")
    p.add_argument("--repetitions", type=int, default=3, help="exécutions par mesure du rapport 2019")
    p.add_argument("--repetitions-naif", type=int, default=3)
    p.add_argument("--repetitions-echelle", type=int, default=3, help="exécutions par taille (1/16, 1/4)")
    p.add_argument("--repetitions-national", type=int, default=3, help="exécutions à la taille nationale")
    p.add_argument("--facteurs", default="0.0625,0.25,1")
    p.add_argument(
        "--facteur-minimal",
        type=float,
        default=1 / 256,
        help="taille de l'exécution qui mesure le coût fixe (0 : aucune)",
    )
    p.add_argument("--fiches", default="2,5,10,21", help="nombres de fiches pour la régression")
    p.add_argument(
        "--fractions-fiches",
        default="0.0625,0.25,1",
        help="toutes les fiches à la taille nationale : fractions des quartiers (1 = toutes)",
    )
    p.add_argument("--repetitions-fiches", type=int, default=3, help="exécutions par fraction < 1 des fiches")
    p.add_argument(
        "--parties", default="machine,froid,naif,chaud,fiches,decomposition,echelle,fiches_national,premier,lot"
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import benchmark_lot

    benchmark_lot.arguments(p)  # --ensemble, --geographie, --solos… de la partie « lot »
    p.add_argument("--py-spy", default="", help="chemin de py-spy pour profiler l'exécution nationale")
    p.add_argument("--sortie", type=Path, default=RACINE / "reports" / "benchmark.md")
    p.add_argument("--copie", type=Path, help="copie du rapport (ex. /tmp/bench/benchmark.md)")
    p.add_argument("--analyse", type=Path, help="texte d'analyse (Markdown) ajouté à la fin du rapport")
    p.add_argument("--rapport-seul", type=Path, help="réécrit le rapport à partir d'un resultats.json existant")
    p.add_argument(
        "--garder-instantane",
        action="store_true",
        help="réutilise l'instantané du code déjà présent dans le dossier de travail (mêmes sources que "
        "la mesure précédente)",
    )
    p.add_argument(
        "--attendre-calme",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="avant chaque exécution, attendre que les autres processus libèrent le CPU ; refaire (2 fois "
        "au plus) une exécution perturbée",
    )
    p.add_argument(
        "--fusionner", type=Path, help="resultats.json d'une mesure précédente : les parties mesurées ici le remplacent"
    )
    p.add_argument("--reanalyser-py-spy", type=Path, help="profil py-spy brut déjà enregistré à réanalyser")
    p.add_argument(
        "--apres", type=Path, help="resultats.json d'une remesure après corrections, ajoutée en fin de rapport"
    )
    args = p.parse_args(argv)

    if args.rapport_seul:
        res = json.loads(args.rapport_seul.read_text(encoding="utf-8"))
    else:
        parties = set(args.parties.split(","))
        banc = Banc(args.travail, args)
        banc.preparer(args.garder_instantane)
        banc.machine()
        banc.preparer_2019()
        etapes = [
            ("froid", banc.froid_2019),
            ("naif", banc.naif_2019),
            ("chaud", banc.chaud_2019),
            ("fiches", banc.fiches_2019),
            ("decomposition", banc.decomposition),
            ("echelle", banc.echelle),
            ("fiches_national", banc.fiches_national),
            ("premier", banc.premier_make_report),
            ("lot", lambda: _partie_lot(banc, args)),
        ]
        for nom, f in etapes:
            if nom in parties:
                f()
                banc.sauver()
        banc.sauver()
        res = banc.resultats
        if args.fusionner:
            base = json.loads(args.fusionner.read_text(encoding="utf-8"))
            complement = {
                "parties": sorted(parties),
                "debut": res.get("debut"),
                "fin": res.get("fin"),
                "git": res.get("instantane", {}).get("git"),
                "charge_debut": res.get("machine", {}).get("charge_debut"),
                "charge_fin": res.get("machine", {}).get("charge_fin"),
            }
            for k, v in res.items():
                if k not in ("machine", "debut", "fin", "instantane"):
                    base[k] = v
            base.setdefault("complements", []).append(complement)
            res = banc.resultats = base
            banc.sauver()
        journal(f"Résultats bruts : {banc.travail / 'resultats.json'}")
    if args.reanalyser_py_spy and args.reanalyser_py_spy.is_file():
        res["profil"] = analyser_py_spy(args.reanalyser_py_spy)
        if args.rapport_seul:
            args.rapport_seul.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.apres and args.apres.is_file():
        res["apres"] = json.loads(args.apres.read_text(encoding="utf-8"))
    if args.analyse and args.analyse.is_file():
        res["analyse"] = args.analyse.read_text(encoding="utf-8")
    texte = rapport(res)
    if res.get("lot"):
        texte += "\n\n" + benchmark_lot.rapport(res["lot"], res.get("machine"))
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(texte, encoding="utf-8")
    if args.copie:
        args.copie.parent.mkdir(parents=True, exist_ok=True)
        args.copie.write_text(texte, encoding="utf-8")
    journal(f"Rapport écrit : {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
