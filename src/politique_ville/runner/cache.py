"""Le cache des étapes : UNE règle de clé, un manifeste.

Clé d'une étape = SHA-256 de l'empreinte du *contenu* de chacune de ses entrées déclarées (``steps.py`` : fichiers
bruts, référentiels, tables nettoyées), des *valeurs* de ses paramètres déclarés, de son notebook et du code du
paquet. Rien d'autre : ni chemin, ni date. Deux exécutions qui donnent à une étape les mêmes entrées lui donnent la
même clé.

Le manifeste (``<rapport>/.execution.json``) range, par étape, sa clé, ses sorties dans le rapport et l'empreinte
des tables nettoyées qu'elle a produites. Une étape dont la clé est celle du manifeste, dont les sorties sont là (et,
pour un nettoyage, dont les tables publiées sont encore celles qu'il a produites) est réutilisée. La validation
(Great Expectations) est une étape comme les autres : son résultat (notebook, Data Docs) est réutilisé par cette
même règle ; il n'y a pas d'autre cache, et rien n'est écrit hors des dossiers de l'exécution (rapport, tables).
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from politique_ville.base.catalog import Catalogue, empreinte
from politique_ville.reference.etapes import TOUT, Declaration

from .. import __version__
from .steps import fichiers_declares

MANIFESTE = ".execution.json"
PAQUET = Path(__file__).resolve().parents[1]


#: bibliothèques dont une autre version peut changer un résultat (validation, tables, HTML, figures)
BIBLIOTHEQUES = ("great_expectations", "pandas", "pyarrow", "numpy", "nbconvert", "matplotlib", "seaborn", "babel")


@functools.lru_cache(maxsize=4)
def empreinte_code(paquet: Path = PAQUET) -> str:
    """Empreinte du code du paquet (modules Python, gabarits, tables de libellés et schémas qu'il porte), de sa
    version et de celles des bibliothèques qui font les résultats."""

    h = hashlib.sha256(__version__.encode())
    for nom in BIBLIOTHEQUES:
        try:
            h.update(f"{nom}=={version(nom)}".encode())
        except PackageNotFoundError:
            pass
    for f in sorted(
        p
        for p in paquet.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix in (".py", ".csv", ".json") or "templates" in p.relative_to(paquet).parts)
    ):
        h.update(f"{f.relative_to(paquet).as_posix()}:{empreinte(f)}".encode())
    return h.hexdigest()


def cle(entrees: dict[str, str], valeurs: dict, notebook: str, code: str) -> str:
    """LA règle de clé : ``entrees`` (nom -> empreinte du contenu), ``valeurs`` (paramètres), empreintes du notebook
    et du code."""
    texte = json.dumps(
        {"entrees": entrees, "valeurs": valeurs, "notebook": notebook, "code": code},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(texte.encode()).hexdigest()


class Entrees:
    """Empreintes des entrées d'une exécution (chaque fichier lu une fois) et clés des étapes."""

    def __init__(self, cat: Catalogue, params: dict):
        self.cat, self.params = cat, params
        self._memo: dict[Path, str] = {}
        #: années antérieures utilisables (année -> dossier de leurs tables nettoyées) et écartées (année -> raison)
        self.anterieures: dict[int, Path] = {}
        self.ecartees: dict[int, str] = {}

    def _empreinte(self, chemin: Path) -> str:
        if chemin not in self._memo:
            self._memo[chemin] = empreinte(chemin)
        return self._memo[chemin]

    def empreinte_du_debut(self, chemin: Path) -> str:
        """L'empreinte d'un fichier telle qu'au début de l'exécution (lue une fois)."""
        return self._empreinte(chemin)

    def changees(self, exclure=()) -> list[tuple[Path, str | None]]:
        """Les fichiers lus depuis le début de l'exécution dont le contenu a changé depuis (empreinte relue), hors des
        dossiers ``exclure`` (ceux que l'exécution écrit) : ``(chemin, nouvelle empreinte ou None s'il a disparu)``."""
        exclus = [Path(d) for d in exclure]
        changes = []
        for chemin, avant in list(self._memo.items()):
            if any(chemin.is_relative_to(d) for d in exclus):
                continue
            try:
                apres = empreinte(chemin)
            except OSError:
                apres = None
            if apres != avant:
                changes.append((chemin, apres))
        return changes

    def oublier(self, dossier: Path):
        """Les fichiers d'un dossier ont changé (tables nettoyées réécrites) : leurs empreintes sont à refaire."""
        self._memo = {p: h for p, h in self._memo.items() if p.parent != Path(dossier)}

    def bruts(self, noms) -> dict[str, str]:
        presentes = self.cat.tables_brutes()
        return {f"brut:{t}": self._empreinte(self.cat.fichier_brut(t)) for t in presentes if noms == TOUT or t in noms}

    def referentiels(self, noms) -> dict[str, str]:
        """Empreintes des référentiels lus : ceux du dossier du territoire, et les communs qu'il n'a pas
        (``Catalogue.fichier_reference``)."""
        if noms == TOUT:
            dossiers = dict.fromkeys([self.cat.reference_commune, self.cat.reference_dir])
            noms = sorted(
                {
                    p.name
                    for d in dossiers
                    if d.is_dir()
                    for p in d.iterdir()
                    if p.is_file() and not p.name.startswith(".")
                }
            )
        fichiers = [self.cat.fichier_reference(n.format(annee=self.cat.annee)) for n in noms]
        return {f"referentiel:{f.name}": self._empreinte(f) for f in fichiers if f.is_file()}

    def tables(self, noms, dossier: Path) -> dict[str, str]:
        dossier = Path(dossier)
        presentes = sorted(p for p in dossier.glob("*.parquet")) if dossier.is_dir() else []
        return {f"table:{p.stem}": self._empreinte(p) for p in presentes if noms == TOUT or p.stem in noms}

    def valeurs(self, noms) -> dict:
        v = {k: self.params[k] for k in self.params if noms == TOUT or k in noms}
        return {**v, "annee": int(self.cat.annee)}

    def cle(self, decl: Declaration, notebook: Path, tables_dir: Path | None) -> str:
        """Clé d'une étape ; ``tables_dir`` : où sont les tables nettoyées qu'elle lira (transit ou publiées)."""
        entrees = {**self.bruts(decl.bruts), **self.referentiels(decl.referentiels)}
        entrees.update({k: self._empreinte(f) for k, f in fichiers_declares(decl, self.cat, self.params).items()})
        if decl.lues:
            entrees.update(self.tables(decl.lues, tables_dir))
        if decl.anterieures:  # tables des années antérieures : « 2031:table:programmation »
            for annee, dossier in sorted(self.anterieures.items()):
                entrees.update({f"{annee}:{k}": h for k, h in self.tables(decl.anterieures, dossier).items()})
            entrees.update({f"{annee}:ecartee": raison for annee, raison in sorted(self.ecartees.items())})
        return cle(entrees, self.valeurs(decl.parametres), self._empreinte(notebook), empreinte_code())

    def tables_produites(self, decl: Declaration, dossier: Path) -> dict[str, str]:
        """Empreintes des tables qu'une étape produit, telles qu'elles sont dans ``dossier``."""
        return {k.removeprefix("table:"): h for k, h in self.tables(decl.produit, dossier).items()}


def lire_manifeste(dossier: Path) -> dict:
    try:
        return json.loads((Path(dossier) / MANIFESTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ecrire_manifeste(dossier: Path, annee: int, etapes: dict) -> Path:
    chemin = Path(dossier) / MANIFESTE
    chemin.write_text(json.dumps({"annee": annee, "etapes": etapes}, ensure_ascii=False, indent=1), encoding="utf-8")
    return chemin
