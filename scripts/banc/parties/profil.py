"""Profil py-spy (échantillonnage, noyaux compris) de l'exécution nationale de la partie « echelle », et son
analyse (aussi par ``--reanalyser-py-spy``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from banc.outils import ANNEE_SYNTH, PY, journal


def mesurer(banc, args, f: float):
    """Profil py-spy (échantillonnage, noyaux compris) d'une exécution à froid à l'échelle donnée."""
    journal(f"Profil py-spy à l'échelle {f:g}")
    dossier = banc.travail / f"synth-{f:g}"
    racine = banc.travail / f"racine-synth-{f:g}"
    params = dossier / "params" / f"{ANNEE_SYNTH}.yaml"
    shutil.rmtree(racine / ".cache", ignore_errors=True)
    for d in (dossier / "rapport", dossier / "processed"):
        shutil.rmtree(d, ignore_errors=True)
    res_f = banc.travail / "journaux" / "profil.json"
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
    brut = banc.travail / "profil-py-spy.txt"
    r = subprocess.run(
        [
            args.py_spy,
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
            str(banc.pilote),
            json.dumps(a),
        ],
        env=banc.env,
        capture_output=True,
        text=True,
        cwd=racine,
    )
    if r.returncode != 0 or not brut.is_file():
        banc.resultats["profil"] = {"erreur": (r.stderr or r.stdout)[-1500:]}
        return
    banc.resultats["profil"] = analyser_py_spy(brut)


#: Fonctions « feuilles » d'un fil qui attend (py-spy ne les reconnaît pas toutes comme inactives).
ATTENTE = re.compile(
    r"^(\S+\.)?(select|poll|epoll|wait|_wait_for_tstate_lock|join|sleep|acquire|recv|recv_multipart|"
    r"_watch_pipe_fd|device|accept|readinto|read|_recv_bytes|_poll|_read_ready)\b"
)


def analyser_py_spy(brut: Path, n: int = 25) -> dict:
    """Agrège un profil py-spy « raw » (piles repliées) : temps propre et temps inclusif par fonction, et temps par
    processus (chaque ligne commence par « process PID:"commande" »)."""
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
