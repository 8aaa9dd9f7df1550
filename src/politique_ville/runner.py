"""Exécution du rapport : notebooks exécutés par papermill dans l'ordre, export HTML, index.

Le rapport est construit dans un dossier de travail puis mis en place d'un coup : une exécution qui échoue laisse
le rapport précédent intact et garde le notebook en échec pour le diagnostic.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import __version__
from .catalog import Catalogue, dossier_travail, empreinte, promouvoir
from .export import ecrire_index, exporter_html, titre_notebook

NOYAU = "politique-ville"


class EchecExecution(RuntimeError):
    pass


#: Paramètres permis dans params/<annee>.yaml, avec leur type et leur rôle.
PARAMETRES = {
    "annee": (int, "année du rapport"),
    "territoire": (str, "nom du territoire, tel qu'il figure en tête du rapport"),
    "territoire_court": (str, "sigle ou nom court du territoire"),
    "departement": (str, "département (niveau de comparaison « QPV du département »)"),
}
OBLIGATOIRES = ("annee", "territoire")


def charger_parametres(racine: Path, annee: int, fichier: Path | None = None) -> dict:
    """Paramètres de l'année (``params/<annee>.yaml``). Un paramètre inconnu ou mal orthographié est une erreur, pas
    un paramètre ignoré ; l'erreur propose le nom le plus proche."""
    import difflib

    chemin = Path(fichier) if fichier else Path(racine) / "params" / f"{annee}.yaml"
    if not chemin.is_file():
        raise EchecExecution(f"Fichier de paramètres introuvable : {chemin}. Créez-le sur le modèle du fichier "
                             f"d'une autre année (dossier params/).")
    try:
        params = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise EchecExecution(f"Fichier de paramètres illisible ({chemin}) : {exc}") from None
    if not isinstance(params, dict):
        raise EchecExecution(f"{chemin} : le fichier doit contenir des lignes « nom: valeur ».")
    erreurs = []
    for nom, valeur in params.items():
        if nom not in PARAMETRES:
            proche = difflib.get_close_matches(str(nom), PARAMETRES, n=1)
            erreurs.append(f"paramètre inconnu « {nom} »" + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
                           + f" ; paramètres permis : {', '.join(PARAMETRES)}")
        elif not isinstance(valeur, PARAMETRES[nom][0]) or isinstance(valeur, bool):
            erreurs.append(f"paramètre « {nom} » : {PARAMETRES[nom][1]} attendu(e), trouvé « {valeur} »")
    erreurs += [f"paramètre obligatoire absent : « {n} » ({PARAMETRES[n][1]})" for n in OBLIGATOIRES if n not in params]
    if erreurs:
        raise EchecExecution(f"{chemin} :\n" + "\n".join(f"  - {e}" for e in erreurs))
    if int(params["annee"]) != int(annee):
        raise EchecExecution(f"{chemin} : annee = {params['annee']} alors que l'année demandée est {annee}.")
    return params


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


def installer_noyau() -> str:
    """Enregistre le noyau « politique-ville » dans l'environnement courant (sys.prefix), journal réduit aux erreurs
    (sans l'avertissement « Kernel is running over TCP » à chaque notebook)."""
    import json
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager

    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python (politique de la ville)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        return KernelSpecManager().install_kernel_spec(d, NOYAU, prefix=sys.prefix, replace=True)


def _noyau() -> str:
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        return NOYAU if NOYAU in KernelSpecManager().find_kernel_specs() else "python3"
    except Exception:
        return "python3"


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


def executer(annee: int, *, racine: Path | None = None, fichier_params: Path | None = None, raw_dir=None,
             out=None, processed_dir=None, chapitres: list[str] | None = None, sortie=print) -> Path:
    """Exécute le rapport d'une année ; renvoie le chemin de ``index.html``. Deux exécutions simultanées sur le même
    rapport ne se corrompent pas : la seconde s'arrête (verrou)."""
    absolu = lambda d: Path(d).resolve() if d else None  # noqa: E731
    cat = Catalogue.pour(annee, absolu(racine), reports_dir=absolu(out))
    with Verrou(cat.reports_dir.parent / f".{cat.reports_dir.name}.verrou"):
        return _executer(annee, racine=racine, fichier_params=fichier_params, raw_dir=raw_dir, out=out,
                         processed_dir=processed_dir, chapitres=chapitres, sortie=sortie)


def _executer(annee: int, *, racine, fichier_params, raw_dir, out, processed_dir, chapitres, sortie) -> Path:
    import papermill as pm

    debut = dt.datetime.now()
    t0 = time.perf_counter()
    absolu = lambda d: Path(d).resolve() if d else None  # noqa: E731 (les notebooks s'exécutent dans notebooks/)
    cat = Catalogue.pour(annee, absolu(racine), raw_dir=absolu(raw_dir), reports_dir=absolu(out),
                         processed_dir=absolu(processed_dir))
    params = charger_parametres(cat.racine, annee, fichier_params)
    if not cat.raw_dir.is_dir():
        raise EchecExecution(f"Dossier des données brutes introuvable : {cat.raw_dir}")
    notebooks = notebooks_du_rapport(cat.racine)
    if chapitres:
        # les étapes de préparation (00 à 09 : lecture, nettoyage, validation) sont toujours exécutées
        notebooks = [n for n in notebooks if int(n.stem[:2]) < 10
                     or any(n.stem.startswith(c) or c in n.stem for c in chapitres)]
    if not notebooks:
        raise EchecExecution("Aucun notebook à exécuter.")
    final = cat.reports_dir
    travail = dossier_travail(final)
    shutil.rmtree(travail, ignore_errors=True)
    shutil.rmtree(dossier_travail(cat.processed_dir), ignore_errors=True)
    (travail / "notebooks").mkdir(parents=True)
    noyau = _noyau()
    parametres_nb = {
        "annee": int(annee),
        "racine": str(cat.racine),
        "raw_dir": str(cat.raw_dir),
        "processed_dir": str(cat.processed_dir),
        # les notebooks écrivent dans le dossier de travail, promu d'un coup à la fin
        "reports_dir": str(travail),
    }
    sortie(f"Rapport {annee} — {params.get('territoire', '')}")

    def echouer(etape: str, execute: Path, exc: Exception):
        echec = final.parent / f"{final.name}.echec"
        shutil.rmtree(echec, ignore_errors=True)
        travail.rename(echec)
        if hasattr(exc, "evalue"):  # PapermillExecutionError : l'exception levée dans le notebook
            cause = f"{exc.evalue}" if exc.ename in ("ErreursNettoyage", "ErreurDonnees", "ValidationEchouee") \
                else f"{exc.ename} : {exc.evalue}"
        else:
            cause = f"{exc.__class__.__name__} : {exc}"
        raise EchecExecution(
            f"Échec de l'étape « {etape} ».\n{cause}\n"
            f"Le notebook exécuté est conservé pour diagnostic : {echec / execute.relative_to(travail)}\n"
            f"Le rapport précédent ({final}) et les tables de {cat.processed_dir} n'ont pas été modifiés.") from None

    chap = []
    for i, nb in enumerate(notebooks, 1):
        t = time.perf_counter()
        execute = travail / "notebooks" / nb.name
        sortie(f"[{i}/{len(notebooks)}] {nb.stem} …", end="", flush=True) if sortie is print else sortie(nb.stem)
        try:
            pm.execute_notebook(str(nb), str(execute), parameters=parametres_nb, kernel_name=noyau,
                                cwd=str(nb.parent), progress_bar=False, log_output=False)
        except Exception as exc:
            if sortie is print:
                print(" échec")
            echouer(nb.stem, execute, exc)
        html_nom = f"{nb.stem}.html"
        exporter_html(execute, travail / html_nom)
        exporter_html(execute, travail / f"{nb.stem}_avec_code.html", avec_code=True)
        chap.append({"titre": titre_notebook(nb), "html": html_nom, "html_code": f"{nb.stem}_avec_code.html"})
        if sortie is print:
            print(f" {time.perf_counter() - t:.1f} s")
    fiches = []
    modele_fiche = cat.racine / "notebooks" / "fiche_quartier.ipynb"
    quartiers = _quartiers(cat)
    if modele_fiche.is_file() and quartiers is not None and not quartiers.empty:
        t = time.perf_counter()
        (travail / "quartiers" / "notebooks").mkdir(parents=True, exist_ok=True)
        sortie(f"Fiches quartier ({len(quartiers)}) …", end="", flush=True) if sortie is print else sortie("fiches")
        for _, q in quartiers.iterrows():
            execute = travail / "quartiers" / "notebooks" / f"{q['code_qp']}.ipynb"
            try:
                pm.execute_notebook(str(modele_fiche), str(execute), parameters={**parametres_nb, "code_qp": q["code_qp"]},
                                    kernel_name=noyau, cwd=str(modele_fiche.parent), progress_bar=False,
                                    log_output=False)
            except Exception as exc:
                if sortie is print:
                    print(" échec")
                echouer(f"fiche quartier {q['code_qp']}", execute, exc)
            exporter_html(execute, travail / "quartiers" / f"{q['code_qp']}.html")
            fiches.append({"titre": q["libelle"], "html": f"quartiers/{q['code_qp']}.html"})
        if sortie is print:
            print(f" {time.perf_counter() - t:.1f} s")
    entrees = []
    for table in cat.tables_brutes():
        f = cat.fichier_brut(table)
        try:
            n = len(cat.lire_brut(table))
        except Exception:
            n = "?"
        entrees.append({"fichier": str(f.relative_to(cat.racine)) if f.is_relative_to(cat.racine) else str(f),
                        "lignes": n, "sha256": empreinte(f)})
    annexes = []
    if (travail / "validation" / "index.html").is_file():
        annexes.append({"titre": "Rapport de validation des données (Great Expectations, Data Docs)",
                        "html": "validation/index.html"})
    for x in sorted((travail / "tableaux").glob("*.xlsx")) if (travail / "tableaux").is_dir() else []:
        annexes.append({"titre": f"Tableaux du chapitre « {x.stem} » (Excel)", "html": f"tableaux/{x.name}"})
    ecrire_index(travail, annee=annee, territoire=params.get("territoire", ""), chapitres=chap, fiches=fiches,
                 annexes=annexes,
                 parametres={k: v for k, v in params.items()}, entrees=entrees, version=version_code(cat.racine),
                 debut=debut)
    promouvoir(travail, final)
    shutil.rmtree(final.parent / f"{final.name}.echec", ignore_errors=True)
    index = final / "index.html"
    sortie(f"Terminé en {time.perf_counter() - t0:.1f} s. Rapport : {index}")
    return index
