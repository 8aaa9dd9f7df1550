"""Analyse du banc d'un lot de territoires (``scripts/benchmark_lot.py``) : pente, rapport au territoire seul et
rapport à vitesse d'hôte égale (sonde relevée avant chaque commande). Pas de mesure de vitesse ici : l'arithmétique
du rapport, sur des résultats donnés."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import RACINE


@pytest.fixture(scope="module")
def banc_lot():
    sys.path.insert(0, str(RACINE / "scripts"))
    spec = importlib.util.spec_from_file_location("benchmark_lot", RACINE / "scripts" / "benchmark_lot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _part(territoires, mur, sonde, fiches=None):
    return {"territoires": territoires, "mur": mur, "sonde_s": sonde, "fiches": fiches or 3 * territoires,
            "pic_go": 1.2, "cpu_arbre": 1.8 * mur, "processus_max": 3, "cpu_etrangere": 0, "charge": (1, 1, 1)}  # fmt: skip


def test_rapport_a_vitesse_d_hote_egale(banc_lot):
    """Un hôte deux fois plus lent pendant la plus grande part : la pente brute est faussée, la pente rapportée à la
    sonde médiane retrouve celle d'un hôte stable (1 s par territoire, 10 s seul : 1/10)."""
    stable = {"quart": _part(10, 20.0, 0.5), "moitie": _part(20, 30.0, 0.5), "tout": _part(40, 50.0, 0.5)}
    derive = {**stable, "tout": _part(40, 100.0, 1.0)}  # la sonde a pris deux fois plus : l'hôte aussi
    solos = {"A": {"mur": [10.0, 10.0, 20.0], "sonde_s": [0.5, 0.5, 1.0], "mediane": 10.0, "fiches": 3, "pic_go": 1}}
    a = banc_lot.analyse({"parts": derive, "solos": solos, "coeurs": 2})
    assert a["pente_s_par_territoire"] == pytest.approx(2.786, abs=1e-3)  # brute : faussée par la dérive
    assert a["ratio_corrige"] == pytest.approx(0.1)
    assert a["pente_corrigee_s"] == pytest.approx(1.0) and a["solo_corrige_s"] == pytest.approx(10.0)
    assert (a["sonde_min_s"], a["sonde_max_s"]) == (0.5, 1.0)
    texte = banc_lot.rapport({"parts": derive, "solos": solos, "coeurs": 2, "ensemble": "region:84"})
    assert "à vitesse d'hôte égale (estimation)" in texte and "(1/10.0)" in texte
    # sans sonde (résultats d'une version précédente du banc) : pas de rapport corrigé, le reste inchangé
    anciens = {k: {x: y for x, y in p.items() if x != "sonde_s"} for k, p in stable.items()}
    a = banc_lot.analyse({"parts": anciens, "solos": {"A": {"mur": [10.0], "mediane": 10.0}}, "coeurs": 2})
    assert "ratio_corrige" not in a and a["ratio_pente"] == pytest.approx(0.1)
