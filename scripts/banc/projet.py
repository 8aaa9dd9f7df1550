"""Le projet mesuré : instantané du code, pilote (le runner lancé dans un processus à part), racines de travail,
une exécution mesurée du pipeline, description de la machine, enregistrement des résultats.

``Banc`` est aussi utilisé par les bancs voisins (``scripts/benchmark_lot.py`` : ``Banc(travail, args)``,
``preparer()``, ``machine()``, ``racine()``, ``pipeline()``, ``resultats``) : son interface ne change pas.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

from banc.outils import ANNEE, PY, RACINE, attendre_calme, executer_commande, journal, sortie_git

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
                sortie_git("describe", "--always", "--dirty")
                + "\n"
                + sortie_git("status", "--short", "--", "src", "notebooks"),
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
            else (sortie_git("describe", "--always", "--dirty"), "", "")
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
        """Une exécution du runner par le pilote, mesurée (durée murale, mémoire de l'arbre, CPU d'autres
        processus) ; refaite (2 fois au plus) si d'autres processus l'ont perturbée."""
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
        m, essais, attente = self._lancer(a, racine, out, processed, res_f, neuf, vider_cache, etiquette)
        detail, etapes = self._lire_resultat(res_f, m, out, etiquette)
        r = {
            "mur": m["duree"],
            "pic_octets": m["pic_octets"],
            "processus_max": m["processus_max"],
            "cpu_etrangere": m.get("cpu_etrangere"),
            "cpu_arbre": m.get("cpu_arbre"),
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

    def _lancer(self, a, racine, out, processed, res_f, neuf, vider_cache, etiquette) -> tuple[dict, int, float]:
        """Lance le pilote (dossiers neufs si demandé) ; le relance, 2 fois au plus, si la mesure a été perturbée."""
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
        return m, essais, attente

    def _lire_resultat(self, res_f: Path, m: dict, out: Path, etiquette: str) -> tuple[dict, dict]:
        """Ce que le pilote a écrit, et la durée de chaque étape (manifeste, sinon lignes du runner)."""
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
        return detail, etapes

    # ------------------------------------------------------------------ machine
    def machine(self):
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

    # ------------------------------------------------------------------ le rapport 2019, partagé par les parties
    def preparer_2019(self):
        self.r19 = self.racine("racine-2019", {ANNEE: RACINE / "params" / f"{ANNEE}.yaml"})
        self.p19 = self.r19 / "params" / f"{ANNEE}.yaml"
        self.raw19 = RACINE / "data" / "raw" / str(ANNEE)
        self.out19 = self.travail / "sorties-2019" / "rapport"
        self.proc19 = self.travail / "sorties-2019" / "processed"

    # ------------------------------------------------------------------ outils des parties
    def generer(self, facteur, dossier: Path, annee: int) -> subprocess.CompletedProcess:
        """Année synthétique (``scripts/generer_territoire_synthetique.py``, données fictives hors de data/raw)."""
        return subprocess.run(
            [
                PY,
                str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
                "--facteur",
                str(facteur),
                "--out",
                str(dossier),
                "--annee",
                str(annee),
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )

    def mesurer_export(self, rapport: Path) -> dict:
        """Durée de ``exporter_html`` (deux versions par chapitre, une par fiche) sur les notebooks exécutés d'un
        rapport, dans un processus neuf."""
        code_export = (
            "import json, sys, time\nfrom pathlib import Path\nfrom politique_ville.report.export import exporter_html\n"
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

    def mesure_python(self, code: str) -> float | None:
        r = subprocess.run([PY, "-c", code], env=self.env, capture_output=True, text=True, cwd=self.travail)
        try:
            return float(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            journal(f"  mesure impossible : {r.stderr[-500:]}")
            return None

    def sauver(self):
        self.resultats["fin"] = dt.datetime.now().isoformat(timespec="seconds")
        self.resultats.setdefault("machine", {})["charge_fin"] = os.getloadavg()
        (self.travail / "resultats.json").write_text(
            json.dumps(self.resultats, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
