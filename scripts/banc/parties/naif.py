"""Partie « naif » : le rapport 2019 à la façon naïve, papermill puis nbconvert en ligne de commande, un processus
par notebook et par fiche."""

from __future__ import annotations

import json
import shutil
import time

from banc.outils import ANNEE, NOYAU, VENV_BIN, attendre_calme, executer_commande, journal


def mesurer(banc, args):
    n = args.repetitions_naif
    journal(f"2019, façon naïve : papermill puis nbconvert en ligne de commande ({n} fois)")
    runs = []
    for i in range(n):
        runs.append(un_naif(banc, args))
        journal(f"  naïf {i + 1} : {runs[-1]['total']:.1f} s ({runs[-1]['notebooks']} notebooks)")
    banc.resultats["naif_2019"] = runs


def un_naif(banc, args) -> dict:
    if args.attendre_calme:
        attendre_calme()
    base = banc.travail / "naif-2019"
    shutil.rmtree(base, ignore_errors=True)
    out, processed = base / "rapport", base / "processed"
    (out / "notebooks").mkdir(parents=True)
    (out / "quartiers" / "notebooks").mkdir(parents=True)
    shutil.rmtree(banc.r19 / ".cache", ignore_errors=True)
    nbdir = banc.r19 / "notebooks"
    # les deux paramètres des notebooks : l'année et ce que le runner donnerait (dossiers ; les valeurs des
    # paramètres et le dossier des référentiels du territoire sont lus dans params/<annee>.yaml)
    execution = {"racine": str(banc.r19), "raw_dir": str(banc.raw19), "processed_dir": str(processed)}
    execution["reports_dir"] = str(out)
    params = ["-p", "annee", str(ANNEE), "-y", json.dumps({"execution": execution})]
    papermill = [str(VENV_BIN / "papermill"), "-k", NOYAU, "--cwd", str(nbdir), "--no-progress-bar"]
    durees, executes = {}, []
    t0 = time.perf_counter()
    for nb in sorted(nbdir.glob("[0-9][0-9]_*.ipynb")):
        cible = out / "notebooks" / nb.name
        m = executer_commande(papermill + [str(nb), str(cible)] + params, banc.env, cwd=nbdir)
        if m["rc"] != 0:
            raise RuntimeError(f"naïf : papermill a échoué sur {nb.name}")
        durees[nb.stem] = m["duree"]
        executes.append(cible)
    import pandas as pd  # ici : --help, --lister et --rapport-seul n'importent pas pandas (~0,5 s)

    codes = list(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"])["code_qp"])
    fiches = []
    for code in codes:
        cible = out / "quartiers" / "notebooks" / f"{code}.ipynb"
        m = executer_commande(
            papermill + [str(nbdir / "fiche_quartier.ipynb"), str(cible)] + params + ["-p", "code_qp", code],
            banc.env,
            cwd=nbdir,
        )
        if m["rc"] != 0:
            raise RuntimeError(f"naïf : papermill a échoué sur la fiche {code}")
        fiches.append(m["duree"])
        executes.append(cible)
    t_papermill = time.perf_counter() - t0
    exports = []
    for nb in executes:
        m = executer_commande([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(nb)], banc.env)
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
