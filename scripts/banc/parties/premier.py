"""Partie « premier » : le premier ``make report`` d'un clone neuf, comparé aux ``make report`` à froid suivants."""

from __future__ import annotations

import os
import shutil
import subprocess

from banc.outils import ANNEE, RACINE, attendre_calme, executer_commande, journal, sortie_git


def mesurer(banc, args):
    """Le premier ``make report`` d'un clone neuf du dépôt (code commité), après son installation (``make setup``,
    non mesurée), avec des dossiers de configuration vides (matplotlib, IPython : un nouvel utilisateur),
    comparé aux exécutions à froid suivantes du même clone (rapport, tables et cache effacés)."""
    n = args.repetitions
    clone = banc.travail / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(RACINE), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    for nom, var in (("mpl", "MPLCONFIGDIR"), ("ipython", "IPYTHONDIR")):
        d = banc.travail / f"clone-{nom}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        env[var] = str(d)
    journal("Premier make report d'un clone neuf : installation (make setup, non mesurée)")
    setup = executer_commande(["make", "setup"], env, cwd=clone, sortie_fichier=banc.travail / "clone-setup.log")
    if setup["rc"] != 0:
        raise RuntimeError(f"make setup du clone en échec (voir {banc.travail / 'clone-setup.log'})")
    if args.attendre_calme:
        attendre_calme()
    premier = executer_commande(
        ["make", "report"], env, cwd=clone, memoire=True, sortie_fichier=banc.travail / "clone-premier.log"
    )
    journal(f"  premier make report : {premier['duree']:.1f} s")
    suivants = []
    for i in range(n):
        for d in (clone / "reports" / str(ANNEE), clone / "data" / "processed" / str(ANNEE), clone / ".cache"):
            shutil.rmtree(d, ignore_errors=True)
        if args.attendre_calme:
            attendre_calme()
        suivants.append(
            executer_commande(
                ["make", "report"], env, cwd=clone, sortie_fichier=banc.travail / f"clone-froid-{i + 1}.log"
            )
        )
        journal(f"  make report à froid {i + 1} : {suivants[-1]['duree']:.1f} s")
    banc.resultats["premier_make_report"] = {
        "git": sortie_git("rev-parse", "--short", "HEAD"),
        "installation_s": setup["duree"],
        "premier": premier,
        "suivants": suivants,
    }
