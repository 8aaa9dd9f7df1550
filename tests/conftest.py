from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from politique_ville.base.catalog import Catalogue
from politique_ville.reference.parametres import catalogue_de_l_annee

RACINE = Path(__file__).resolve().parents[1]
ANNEE = 2019
#: intitulé piégé injecté dans une copie des données brutes : il doit s'afficher comme du texte partout
INTITULE_PIEGE = "=1+1 <script>alert('intrus')</script> Lectures à partager"


@pytest.fixture(scope="session")
def racine() -> Path:
    return RACINE


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """Le catalogue de l'exemple 2019, avec le dossier de ses référentiels que nomme params/2019.yaml."""
    return catalogue_de_l_annee(ANNEE, RACINE)


@pytest.fixture(scope="session")
def traitees_memoire(catalogue) -> dict:
    """Tables nettoyées construites en mémoire à partir des fichiers bruts, comme le pipeline (un dépôt neuf n'a pas
    encore de data/processed)."""
    from politique_ville.clean.nettoyage import Referentiels, nettoyer_financements, nettoyer_insee

    refs = Referentiels.charger(catalogue)
    bruts = {t: catalogue.lire_brut(t) for t in catalogue.tables_brutes()}
    return {**nettoyer_financements(bruts, refs), **nettoyer_insee(bruts, refs)}


def empreintes(dossier: Path) -> dict[str, str]:
    return {
        p.relative_to(dossier).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dossier.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def rapport(tmp_path_factory):
    """Une exécution complète du rapport 2019 (papermill, export HTML, fiches quartier) dans un dossier temporaire,
    sur une copie des données brutes où une action porte un intitulé piégé (« <script> »)."""
    from politique_ville.base.catalog import lire_table
    from politique_ville.runner import executer

    base = tmp_path_factory.mktemp("execution")
    raw = base / "raw" / str(ANNEE)
    shutil.copytree(RACINE / "data" / "raw" / str(ANNEE), raw)
    prog = lire_table(raw / "programmation.csv")
    cible = prog.index[prog["intitule"] == "Lectures à partager"][0]
    texte = (raw / "programmation.csv").read_text(encoding="utf-8")
    assert texte.count("Lectures à partager,") == 1
    (raw / "programmation.csv").write_text(
        texte.replace("Lectures à partager,", f'"{INTITULE_PIEGE}",'), encoding="utf-8"
    )
    depot_avant = empreintes(RACINE / "data" / "raw")
    copie_avant = empreintes(raw)
    sortie, traitees = base / "reports" / str(ANNEE), base / "processed" / str(ANNEE)
    messages: list[str] = []
    index = executer(
        ANNEE,
        racine=RACINE,
        raw_dir=raw,
        out=sortie,
        processed_dir=traitees,
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    return {
        "index": index,
        "sortie": sortie,
        "traitees": traitees,
        "messages": messages,
        "raw": raw,
        "depot_avant": depot_avant,
        "depot_apres": empreintes(RACINE / "data" / "raw"),
        "copie_avant": copie_avant,
        "copie_apres": empreintes(raw),
        "ligne_piegee": int(prog.loc[cible, "ligne_source"]),
    }


# --------------------------------------------------------------------------------------------- dépôt intact
#: les tests n'écrivent rien dans le dépôt : chaque écriture va dans un dossier temporaire (tmp_path)
_IGNORES = {".venv", ".git", "__pycache__", ".pytest_cache"}


def _instantane(racine: Path) -> dict[str, tuple[int, int]]:
    etat = {}
    for chemin in racine.rglob("*"):
        parties = chemin.relative_to(racine).parts
        if any(p in _IGNORES or p.endswith(".egg-info") for p in parties) or not chemin.is_file():
            continue
        st = chemin.stat()
        etat["/".join(parties)] = (st.st_size, st.st_mtime_ns)
    return etat


def pytest_sessionstart(session):
    session.config._etat_depot = _instantane(RACINE)


def pytest_sessionfinish(session, exitstatus):
    avant = getattr(session.config, "_etat_depot", None)
    if avant is None or session.config.getoption("collectonly"):
        return
    apres = _instantane(RACINE)
    changes = sorted(set(avant) ^ set(apres) | {p for p in set(avant) & set(apres) if avant[p] != apres[p]})
    if changes:
        rapport = session.config.pluginmanager.get_plugin("terminalreporter")
        if rapport is not None:
            rapport.write_line("")
            rapport.write_line(f"ÉCHEC : les tests ont écrit dans le dépôt ({len(changes)} fichier(s)) :", red=True)
            for p in changes[:30]:
                rapport.write_line(f"  {p}", red=True)
        session.exitstatus = 1


#: le dossier des référentiels propres à l'exemple 2019 (nommé par params/2019.yaml) : aucun autre territoire ne le lit
REFERENCE_2019 = Path("data/reference/territoires/cabbalr")
