"""Un nouveau territoire, comme un utilisateur le fait (issue 18) : le dépôt tel qu'il est livré, l'exemple 2019 laissé
en place (``params/2019.yaml``, ``data/raw/2019/``, ses référentiels), un fichier de l'INSEE déposé dans
``data/raw/<annee>/``, un fichier de paramètres qui ne nomme que le territoire, puis ``make report ANNEE=<annee>``.

Le fichier de l'INSEE est l'extrait régional (Occitanie, 76) du fichier national fictif dont les quartiers sont dans
des communes réelles (``scripts/generer_territoire_synthetique.py --insee-communes-reelles``, facteur 0,25). Trois
territoires : Toulouse Métropole (EPCI, une métropole), la Haute-Garonne (31), l'Occitanie (76). Pour chacun : le
rapport est produit sans rien d'autre ; aucun mot de l'exemple 2019 ; la nature du territoire dans les titres ; le
niveau « QPV du territoire » du revenu médian est la médiane des valeurs des QPV (calculée ici, à la main), jamais une
moyenne ; une valeur reçue est dite « reçu » ; l'année 2019, d'un autre territoire, est ignorée et le résumé le dit.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from politique_ville.base.errors import EchecExecution
from politique_ville.formats import nombre_fr
from politique_ville.reference.parametres import charger_parametres

RACINE = Path(__file__).resolve().parents[1]

#: mots qui n'appartiennent qu'à l'exemple 2019 et à son rapport
MOTS_2019 = (
    "Béthune",
    "Bruay",
    "CABBALR",
    "Artois",
    "Pas-de-Calais",
    "section 1 du rapport",
    "le rapport en publie",
    "retenue par le rapport",
    "(publiée)",
    "Contrat de Ville",
    "non publié",
    "chiffre publié",
    "rapport 2019",
    "ici la communauté d'agglomération",
)

#: (année, niveau, code, nature dans les titres)
TERRITOIRES = {
    "epci": (2025, "epci", "243100518", "la métropole"),
    "departement": (2026, "departement", "31", "le département"),
    "region": (2027, "region", "76", "la région"),
}


def _copier(src: Path, dst: Path) -> None:
    """Copie en gardant les dates (``make`` ne réinstalle pas l'environnement d'une copie plus récente que lui)."""
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=shutil.copy2, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copy2(src, dst)


@pytest.fixture(scope="module")
def projet(tmp_path_factory):
    """Un dépôt comme livré (l'exemple 2019 compris) et l'environnement installé du dépôt (lien vers ``.venv``)."""
    if not (RACINE / ".venv" / ".installe").is_file():
        pytest.skip("environnement non installé (make setup)")
    racine = tmp_path_factory.mktemp("nouvel_utilisateur") / "depot"
    racine.mkdir()
    for nom in ("Makefile", "pyproject.toml", "requirements.lock", "notebooks", "params"):
        _copier(RACINE / nom, racine / nom)
    (racine / "data" / "raw").mkdir(parents=True)
    _copier(RACINE / "data" / "raw" / "2019", racine / "data" / "raw" / "2019")
    _copier(RACINE / "data" / "reference", racine / "data" / "reference")
    (racine / ".venv").symlink_to(RACINE / ".venv")
    sortie = tmp_path_factory.mktemp("insee")
    subprocess.run(
        [
            sys.executable,
            str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
            "--out",
            str(sortie),
            "--facteur",
            "0.25",
            "--insee-communes-reelles",
            "2024",
            "--region",
            "76",
        ],
        check=True,
        capture_output=True,
    )
    return racine, sortie / "insee_national" / "insee_qpv_region_76_communes_reelles_2024.xlsx"


@pytest.fixture(scope="module")
def rapports(projet):
    """Chaque territoire produit par ``make report ANNEE=<annee>`` : (code de retour, journal, dossier du rapport)."""
    racine, fichier = projet
    sortie = {}
    env = {k: v for k, v in os.environ.items() if k not in ("POLITIQUE_VILLE_RACINE", "MAKEFLAGS")}
    for cle, (annee, niveau, code, _nature) in TERRITOIRES.items():
        (racine / "data" / "raw" / str(annee)).mkdir()
        shutil.copy(fichier, racine / "data" / "raw" / str(annee) / "insee_qpv.xlsx")
        (racine / "params" / f"{annee}.yaml").write_text(
            f'annee: {annee}\nterritoire:\n  niveau: {niveau}\n  code: "{code}"\n', encoding="utf-8"
        )
        r = subprocess.run(
            # -o : l'environnement du dépôt est déjà installé (lien), « make » ne le refait pas
            ["make", "-o", ".venv/.installe", "report", f"ANNEE={annee}"],
            cwd=racine,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
        sortie[cle] = (r.returncode, r.stdout + r.stderr, racine / "reports" / str(annee))
    return sortie


def _texte(page: Path) -> str:
    t = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


def _pages(dossier: Path) -> list[Path]:
    return [
        p
        for p in sorted(dossier.rglob("*.html"))
        if "avec_code" not in p.name and "validation" not in p.parts and "notebooks" not in p.parts
    ]


@pytest.mark.pipeline
@pytest.mark.parametrize("cle", list(TERRITOIRES))
def test_le_rapport_d_un_nouveau_territoire_se_fait_sans_rien_d_autre(rapports, cle):
    rc, journal, dossier = rapports[cle]
    assert rc == 0, journal[-3000:]
    assert (dossier / "index.html").is_file() and (dossier / "10_geographie_prioritaire.html").is_file()
    # l'exemple 2019 est un autre territoire : ignoré par les évolutions, dit dans le résumé, jamais bloquant
    assert "2019 : autre territoire, ignorée" in journal
    # sans chiffres publiés ni fichier SCDL, la concordance n'a rien à comparer : elle n'est pas produite, et dit pourquoi
    assert not (dossier / "90_concordance.html").exists() and "rien à comparer" in journal


@pytest.mark.pipeline
@pytest.mark.parametrize("cle", list(TERRITOIRES))
def test_aucun_mot_de_l_exemple_2019(rapports, cle):
    _rc, _journal, dossier = rapports[cle]
    fautes = [f"{p.relative_to(dossier)} : {mot}" for p in _pages(dossier) for mot in MOTS_2019 if mot in _texte(p)]
    assert not fautes, "\n".join(fautes[:20])


@pytest.mark.pipeline
@pytest.mark.parametrize("cle", list(TERRITOIRES))
def test_la_nature_du_territoire_dans_les_titres(rapports, cle):
    _rc, _journal, dossier = rapports[cle]
    nature = TERRITOIRES[cle][3]
    texte = _texte(dossier / "10_geographie_prioritaire.html")
    assert f"Poids des QPV dans {nature}" in texte
    assert "agglomération" not in texte
    assert "Quartiers de veille" not in texte  # le territoire n'en a pas : pas de ligne à 0 dans les chiffres clés
    assert "contrats de ville" in texte if cle != "epci" else "le contrat de ville" in texte


@pytest.mark.pipeline
@pytest.mark.parametrize("cle", list(TERRITOIRES))
def test_le_revenu_median_des_qpv_est_leur_mediane(rapports, cle):
    """Niveau « QPV du territoire » du revenu médian : la médiane des valeurs des QPV (revenu annuel / 12), avec
    l'étendue, calculée ici à la main sur la table nettoyée ; jamais la moyenne pondérée par la population."""
    _rc, _journal, dossier = rapports[cle]
    qpv = pd.read_parquet(dossier.parent.parent / "data" / "processed" / dossier.name / "insee_qpv.parquet")
    qpv = qpv[qpv["type_quartier"] == "QPV"]
    x = pd.to_numeric(qpv["decuc_q2"], errors="coerce") / 12
    w = pd.to_numeric(qpv["pop_mun"], errors="coerce")
    ok = x.notna()
    mediane = statistics.median(x[ok])
    moyenne = float((x[ok] * w[ok]).sum() / w[ok].sum())
    assert abs(round(mediane) - round(moyenne)) >= 1  # les deux règles se distinguent sur ce fichier
    texte = _texte(dossier / "10_geographie_prioritaire.html")
    attendu = f"{nombre_fr(mediane, 0)}\u00a0€ par mois ({nombre_fr(x[ok].min(), 0)}–{nombre_fr(x[ok].max(), 0)})"
    assert attendu in texte
    assert f"{nombre_fr(moyenne, 0)}\u00a0€ par mois" not in texte


@pytest.mark.pipeline
def test_valeurs_recues_et_niveaux_selon_le_territoire(rapports):
    # valeurs par quartier : « reçu », le fichier nommé
    _rc, _journal, dossier = rapports["epci"]
    texte = _texte(dossier / "10_geographie_prioritaire.html")
    assert "reçu" in texte and "data/raw/2025/insee_qpv.xlsx" in texte
    assert "QPV du département Haute-Garonne (31)" in texte
    # un département ne se compare pas à lui-même ; une région donne à chaque quartier son département
    assert "QPV du département" not in _texte(rapports["departement"][2] / "10_geographie_prioritaire.html")
    fiches = sorted((rapports["region"][2] / "quartiers").glob("QN*.html"))
    assert fiches
    assert any("QPV du département" in _texte(p) for p in fiches)
    assert "QPV de la région" not in _texte(rapports["region"][2] / "10_geographie_prioritaire.html")


def test_cle_de_parametres_mal_orthographiee_refusee_avec_la_plus_proche(tmp_path):
    (tmp_path / "2025.yaml").write_text('annee: 2025\nteritoire: {niveau: epci, code: "243100518"}\n', "utf-8")
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(tmp_path, 2025, tmp_path / "2025.yaml")
    assert "paramètre inconnu « teritoire » (vouliez-vous dire « territoire » ?)" in str(exc.value)
