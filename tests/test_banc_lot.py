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


def test_plancher_du_protocole_de_jupyter(banc_lot, tmp_path):
    """Le plancher : cellules exécutées par territoire (notebooks des chapitres et des fiches d'un lot publié) fois le
    calcul d'une cellule vide ; sa part de la pente du calcul, sa pente murale aux cœurs occupés comme le lot, son
    rapport au territoire seul."""
    import json

    from banc import protocole

    def notebook(chemin, compteurs):
        chemin.parent.mkdir(parents=True, exist_ok=True)
        cellules = [{"cell_type": "markdown", "source": "# titre"}] + [
            {"cell_type": "code", "execution_count": n, "source": "x = 1", "outputs": []} for n in compteurs
        ]
        chemin.write_text(json.dumps({"cells": cellules}), encoding="utf-8")

    notebook(tmp_path / "A" / "notebooks" / "10_geographie_prioritaire.ipynb", [1, 2, 3, None])  # 3 exécutées
    notebook(tmp_path / "A" / "quartiers" / "notebooks" / "QN1.ipynb", [1, 2])
    notebook(tmp_path / "B" / "notebooks" / "10_geographie_prioritaire.ipynb", [1, 2, 3])
    (tmp_path / "validation").mkdir()
    assert protocole.cellules_executees(tmp_path) == (8, 2)
    assert protocole.cellules_executees(tmp_path / "absent") == (0, 0)  # rien de publié : pas de plancher

    parts = {"quart": _part(10, 20.0, 0.5), "moitie": _part(20, 30.0, 0.5), "tout": _part(40, 50.0, 0.5)}
    solos = {"A": {"mur": [10.0] * 3, "sonde_s": [0.5] * 3, "mediane": 10.0, "fiches": 3, "pic_go": 1}}
    res = {
        "parts": parts,
        "solos": solos,
        "coeurs": 2,
        "protocole": {"client_ms": 1.0, "noyau_ms": 4.0, "cellules": 300},
        "cellules_par_territoire": 40.0,
    }
    a = banc_lot.analyse(res)
    # pente 1 s, pente du calcul 1,8 s, cœurs occupés 0,9 ; 40 cellules × 5 ms = 0,2 s de calcul
    assert a["plancher_cpu_s"] == pytest.approx(0.2) and a["plancher_part_pente"] == pytest.approx(0.2 / 1.8)
    assert a["plancher_mur_s"] == pytest.approx(0.2 / 1.8) and a["plancher_ratio"] == pytest.approx(0.2 / 1.8 / 10)
    texte = banc_lot.rapport(res)
    assert "plancher du protocole de Jupyter : une cellule vide coûte 5.0 ms de calcul" in texte
    assert "40.0 cellules en moyenne" in texte and "11 % de la pente du calcul" in texte
    assert "1/90 du territoire seul" in texte and ", par nbclient" in texte
    assert protocole.notebooks_executes(tmp_path) == (3, 2)
    # notebooks exécutés dans le noyau : une demande par notebook, comptée en plus des cellules
    res["protocole"] |= {"notebook_client_ms": 2.0, "notebook_noyau_ms": 8.0, "notebooks": 40, "mode": "dans le noyau"}
    res["notebooks_par_territoire"] = 4.0
    a = banc_lot.analyse(res)
    assert a["plancher_cpu_s"] == pytest.approx(0.2 + 0.04) and a["notebook_ms"] == pytest.approx(10.0)
    texte = banc_lot.rapport(res)
    assert (
        "exécutées dans le noyau même) ; un notebook (une demande au noyau) 10.0 ms ; un territoire en exécute 4.0"
        in (texte)
    )
    assert "plancher" not in banc_lot.rapport({"parts": parts, "solos": solos, "coeurs": 2})


def test_parts_repetees_mediane(banc_lot):
    """Une part mesurée trois fois : la durée et le calcul médians, la mémoire la plus haute, toutes les durées dans le
    rapport ; la pente se calcule sur les médianes (un tour lent ne la fausse plus)."""
    lente = _part(40, 80.0, 0.5)
    lente["pic_go"] = 1.5
    tout = banc_lot.mediane_des_mesures([_part(40, 50.0, 0.5), lente, _part(40, 52.0, 0.5)])
    assert tout["mur"] == 52.0 and tout["cpu_arbre"] == pytest.approx(1.8 * 52.0) and tout["pic_go"] == 1.5
    assert tout["murs"] == [50.0, 80.0, 52.0]
    assert banc_lot.mediane_des_mesures([lente]) is lente  # une seule mesure : telle quelle
    parts = {"quart": _part(10, 20.0, 0.5), "moitie": _part(20, 32.0, 0.5), "tout": tout}
    solos = {"A": {"mur": [10.0] * 3, "sonde_s": [0.5] * 3, "mediane": 10.0, "fiches": 3, "pic_go": 1}}
    a = banc_lot.analyse({"parts": parts, "solos": solos, "coeurs": 2})
    assert a["pente_s_par_territoire"] == pytest.approx(1.0571, abs=1e-3)
    assert "52.0 s (médiane de 3 : 50.0, 80.0, 52.0)" in banc_lot.rapport({"parts": parts, "solos": solos, "coeurs": 2})


def test_decomposition_territoires_et_fiches(banc_lot):
    """Parts aux fiches inégales (l'ordre est tiré au hasard) : la durée se décompose en un coût par territoire hors
    fiches et un coût par fiche ; chaque territoire seul est rapporté à son propre coût marginal (ses fiches)."""

    def duree(t, f):  # 5 s fixes, 0,5 s par territoire, 0,2 s par fiche
        return 5.0 + 0.5 * t + 0.2 * f

    parts = {
        n: _part(t, duree(t, f), 0.5, fiches=f)
        for n, t, f in (("quart", 15, 28), ("moitie", 31, 123), ("tout", 62, 182))
    }
    solos = {
        "8F": {"mur": [13.0] * 3, "sonde_s": [0.5] * 3, "mediane": 13.0, "fiches": 8, "pic_go": 1},
        "2F": {"mur": [9.0] * 3, "sonde_s": [0.5] * 3, "mediane": 9.0, "fiches": 2, "pic_go": 1},
    }
    a = banc_lot.analyse({"parts": parts, "solos": solos, "coeurs": 2})
    d = a["decomposition"]
    assert (d["fixe_s"], d["territoire_s"], d["fiche_s"]) == pytest.approx((5.0, 0.5, 0.2))
    assert a["decomposition_cpu"]["fiche_s"] == pytest.approx(1.8 * 0.2)  # le calcul des parts : 1,8 × la durée
    assert a["par_solo"]["8F"]["marginal_s"] == pytest.approx(0.5 + 8 * 0.2)
    assert a["par_solo"]["2F"]["ratio"] == pytest.approx((0.5 + 2 * 0.2) / 9.0)
    texte = banc_lot.rapport({"parts": parts, "solos": solos, "coeurs": 2})
    assert "une fiche f = 0.200 s" in texte and "**1/6.2** de sa durée seule" in texte and "**1/10.0**" in texte
    assert "la linéarité n'est pas contrôlée" in texte
    # la même part de fiches dans chaque part : territoires et fiches ne se séparent pas
    egales = {n: _part(t, duree(t, 3 * t), 0.5) for n, t in (("quart", 10), ("moitie", 20), ("tout", 40))}
    assert banc_lot.decomposition(egales) is None
    assert banc_lot.analyse({"parts": egales, "solos": solos, "coeurs": 2})["par_solo"] == {}
    # une quatrième part : les résidus disent l'écart à la linéarité
    parts["trois_quarts"] = _part(46, duree(46, 150) + 1.0, 0.5, fiches=150)
    ecart = banc_lot.decomposition(parts)["ecart_type_s"]
    assert 0.1 < ecart < 1.0  # un point à 1 s de la droite, réparti sur quatre points et trois inconnues
    assert "sur le nombre de territoires (¼, ½, tout, ¾)" in banc_lot.rapport(
        {"parts": parts, "solos": solos, "coeurs": 2}
    )
    assert f"écart type des résidus {ecart:.1f} s" in banc_lot.rapport({"parts": parts, "solos": solos, "coeurs": 2})
