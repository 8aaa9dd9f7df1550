"""L'environnement pip (requirements.lock) et conda (environment.yml) décrivent les mêmes versions."""

import re
import tomllib

import yaml


def _nom(n: str) -> str:
    return re.sub(r"[-_.]+", "-", n).lower()


def _lock(racine):
    pins = {}
    for ligne in (racine / "requirements.lock").read_text().splitlines():
        ligne = ligne.strip()
        if ligne and not ligne.startswith("#"):
            nom, _, version = ligne.partition("==")
            assert version, f"requirements.lock : « {ligne} » n'est pas épinglé (==)"
            pins[_nom(nom)] = version
    return pins


def test_lock_epingle_toutes_les_dependances_directes(racine):
    projet = tomllib.loads((racine / "pyproject.toml").read_text())
    directes = {_nom(d) for d in projet["project"]["dependencies"]}
    pins = _lock(racine)
    manquantes = directes - pins.keys()
    assert not manquantes, f"dépendances directes absentes de requirements.lock : {sorted(manquantes)}"


def test_environment_yml_concorde_avec_le_lock(racine):
    env = yaml.safe_load((racine / "environment.yml").read_text())
    projet = tomllib.loads((racine / "pyproject.toml").read_text())
    directes = {_nom(d) for d in projet["project"]["dependencies"]}
    pins = _lock(racine)
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            nom, _, version = dep.partition("=")
            conda[_nom(nom)] = version
    assert conda.pop("python").startswith("3.11")
    assert set(conda) == directes, f"environment.yml et pyproject.toml diffèrent : {set(conda) ^ directes}"
    differentes = {n: (v, pins[n]) for n, v in conda.items() if pins.get(n) != v}
    assert not differentes, f"versions conda ≠ requirements.lock : {differentes}"


def test_versions_installees_sont_celles_du_lock(racine):
    from importlib.metadata import PackageNotFoundError, version

    pins = _lock(racine)
    for nom in ("pandas", "numpy", "great-expectations", "papermill", "nbconvert", "seaborn", "pyarrow"):
        try:
            assert version(nom) == pins[nom], f"{nom} installé en {version(nom)}, verrouillé en {pins[nom]}"
        except PackageNotFoundError:
            raise AssertionError(f"{nom} n'est pas installé") from None
