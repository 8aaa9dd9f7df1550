"""Partie « decomposition » : où va le temps (démarrage d'un noyau, notebooks vides par papermill et nbconvert,
imports, export HTML du dernier rapport 2019 à froid)."""

from __future__ import annotations

import json

from banc.outils import NOYAU, VENV_BIN, attendre_calme, executer_commande, journal


def mesurer(banc, args):
    journal("Décomposition : démarrage de noyau, imports, export HTML")
    if args.attendre_calme:
        attendre_calme()
    n = max(3, args.repetitions)
    d = {}
    code_noyau = (
        "import time; t=time.perf_counter()\n"
        "from jupyter_client.manager import KernelManager\n"
        f"km=KernelManager(kernel_name='{NOYAU}'); km.start_kernel(); kc=km.client(); kc.start_channels()\n"
        "kc.wait_for_ready(timeout=120); print(time.perf_counter()-t)\n"
        "kc.stop_channels(); km.shutdown_kernel(now=True)"
    )
    d["noyau_s"] = [banc.mesure_python(code_noyau) for _ in range(n)]
    d.update(_vides(banc, n))
    d.update(_imports(banc, n))
    # export HTML des notebooks exécutés du dernier rapport 2019 à froid (mode rapport et avec le code)
    if (banc.out19 / "notebooks").is_dir():
        d["export_s"] = banc.mesurer_export(banc.out19)
    banc.resultats["decomposition"] = d


def _vides(banc, n: int) -> dict:
    """Un notebook vide par la commande papermill, puis par la commande nbconvert."""
    vide = banc.travail / "vide.ipynb"
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
    d = {}
    d["papermill_vide_s"] = [
        executer_commande(
            [
                str(VENV_BIN / "papermill"),
                "-k",
                NOYAU,
                "--no-progress-bar",
                str(vide),
                str(banc.travail / "vide-sortie.ipynb"),
            ],
            banc.env,
        )["duree"]
        for _ in range(n)
    ]
    d["nbconvert_vide_s"] = [
        executer_commande(
            [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(banc.travail / "vide-sortie.ipynb")],
            banc.env,
        )["duree"]
        for _ in range(n)
    ]
    return d


def _imports(banc, n: int) -> dict:
    """Imports d'un chapitre, de Great Expectations et du runner, chacun dans un processus neuf."""
    d = {}
    imports = (
        "import time; t=time.perf_counter()\n"
        "import pandas, numpy, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot\n"
        "from IPython.display import HTML, Markdown, display\n"
        "from politique_ville.compute import qpv, programmation, contribution\n"
        "from politique_ville.figures import qpv as fq, programmation as fp, contribution as fc\n"
        "from politique_ville import formats, present\n"
        "from politique_ville.published import concordance\n"
        "from politique_ville.clean import nettoyage\n"
        "from politique_ville.base import catalog\n"
        "print(time.perf_counter()-t)"
    )
    d["imports_s"] = [banc.mesure_python(imports) for _ in range(n)]
    d["import_gx_s"] = [
        banc.mesure_python(
            "import os, time; os.environ['GX_ANALYTICS_ENABLED']='False'; t=time.perf_counter()\n"
            "import great_expectations\nprint(time.perf_counter()-t)"
        )
        for _ in range(n)
    ]
    d["import_runner_s"] = [
        banc.mesure_python(
            "import time; t=time.perf_counter()\nimport politique_ville.runner\nprint(time.perf_counter()-t)"
        )
        for _ in range(n)
    ]
    return d
