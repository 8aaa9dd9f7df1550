"""LA table des étapes du rapport : pour chacune, son notebook, ses entrées déclarées et ses sorties.

Entrées déclarées : tables brutes lues (``data/raw/<annee>/``), fichiers de référentiels (``reference_dir``),
paramètres de ``params/<annee>.yaml``, tables nettoyées lues. Sorties : tables nettoyées produites (dans le dossier
de transit, voir ``commit.py``), et, dans le rapport, ``<nom>.html``, ``<nom>_avec_code.html``,
``notebooks/<nom>.ipynb`` plus les sorties propres à l'étape.

Tout le reste en découle :

- l'ordre : une étape qui lit des tables nettoyées vient après celles qui les produisent et après la validation
  (seules des tables validées sont lues par les chapitres) ; la validation vient après toutes les étapes qui
  produisent des tables ; à égalité, l'ordre de la table ;
- la réutilisation : la clé d'une étape (``cache.py``) est l'empreinte de ses seules entrées déclarées ; un fichier
  brut modifié ne fait refaire que les étapes qui le lisent, puis celles qui lisent une table nettoyée qu'il a
  changée (``npnru.csv`` modifié : lecture, nettoyage des financements, validation, chapitres 20 et 90 ; ni le
  chapitre 10 ni les fiches quartier).

Les noms des fichiers des notebooks ne jouent aucun rôle (leur préfixe numérique sert au seul lecteur, et à
``--chapitres 20``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from politique_ville.base.errors import EchecExecution
from politique_ville.clean.correspondance import fichiers_du_territoire
from politique_ville.reference.etapes import ETAPES, TOUT, Declaration, Groupe


class Statut(StrEnum):
    A_EXECUTER = "à exécuter"
    EXECUTEE = "exécutée"
    REUTILISEE = "réutilisée"
    IGNOREE = "ignorée"  # une table brute requise manque
    NON_DEMANDEE = "non demandée"  # hors de --chapitres


def fichiers_declares(decl: Declaration, cat, params: dict) -> dict[str, Path]:
    """Fichiers lus par une étape au-delà des tables brutes aux noms du dépôt : la correspondance déclarée, l'export et
    les tables qu'elle désigne, les fichiers SCDL (``correspondance.fichiers_du_territoire``) ; vide pour une étape qui
    ne les lit pas. Entrées de sa clé, comme ses fichiers bruts."""
    return fichiers_du_territoire(cat, params) if decl.correspondance else {}


def ordre(declarations=ETAPES) -> list[Declaration]:
    """Les étapes dans l'ordre de leurs dépendances (tables produites, validation), à égalité dans l'ordre donné."""
    produites = {t: d.nom for d in declarations for t in d.produit}
    validation = {d.nom for d in declarations if d.valide}

    def amont(d: Declaration) -> set[str]:
        if d.valide:
            return {p.nom for p in declarations if p.produit}
        if not d.lues:
            return set()
        lues = produites if d.lues == TOUT else {t: produites[t] for t in d.lues if t in produites}
        return set(lues.values()) | validation

    restantes, rangees, faites = list(declarations), [], set()
    while restantes:
        prete = next((d for d in restantes if amont(d) <= faites), None)
        if prete is None:
            raise ValueError(f"dépendances circulaires entre les étapes : {', '.join(d.nom for d in restantes)}")
        restantes.remove(prete)
        rangees.append(prete)
        faites.add(prete.nom)
    return rangees


@dataclass
class Etape:
    """Une étape d'une exécution : sa déclaration et ce que l'exécution en fait."""

    decl: Declaration
    notebook: Path
    cle: str = ""
    statut: Statut | None = None
    demandee: bool = True  # hors de --chapitres : gardée telle quelle si elle est à jour, sinon retirée
    duree: float = 0.0
    detail: str = ""
    tables: dict[str, str] = field(default_factory=dict)  # tables produites -> empreinte

    @property
    def nom(self) -> str:
        return self.decl.nom

    @property
    def groupe(self) -> Groupe:
        return self.decl.groupe

    @property
    def lit_des_tables(self) -> bool:
        return bool(self.decl.lues)

    def sorties(self) -> list[str]:
        """Chemins de ses sorties dans le rapport (relatifs au dossier du rapport), présentes ou non."""
        if self.groupe == Groupe.FICHES:
            return list(self.decl.sorties)
        return [f"{self.nom}.html", f"{self.nom}_avec_code.html", f"notebooks/{self.nom}.ipynb", *self.decl.sorties]


def etapes_du_rapport(racine: Path) -> list[Etape]:
    """Les étapes du rapport dans l'ordre (celles dont le notebook existe)."""
    dossier = Path(racine) / "notebooks"
    return [Etape(d, dossier / d.notebook) for d in ordre() if (dossier / d.notebook).is_file()]


def notebooks_du_rapport(racine: Path) -> list[Path]:
    """Les notebooks du rapport (hors fiche quartier), dans l'ordre des étapes."""
    return [e.notebook for e in etapes_du_rapport(racine) if e.groupe != Groupe.FICHES]


#: autres noms de l'étape des fiches quartier pour --chapitres
NOMS_FICHES = ("fiche", "fiches", "fiche_quartier", "fiches_quartier", "quartier", "quartiers")
#: le chapitre qui fait un lien vers les fiches : les demander, c'est demander les fiches aussi
LIEN_FICHES = "10_geographie_prioritaire"


def _choisir_etapes(etapes: list[Etape], chapitres: list[str]):
    """``--chapitres 10,20`` : seules ces étapes sont demandées ; la préparation l'est toujours, les fiches quartier
    aussi avec le chapitre 10 (qui fait un lien vers elles). Un chapitre est désigné par son numéro (« 20 »), une
    partie de son nom (« programmation ») ou, pour les fiches, « fiches ». Un nom inconnu est une erreur."""
    chapitres = [c.strip() for c in chapitres if c and c.strip()]

    def vise(c: str, e: Etape) -> bool:
        return e.nom.startswith(c) or c in e.nom or (e.groupe == Groupe.FICHES and c.lower() in NOMS_FICHES)

    inconnus = [c for c in chapitres if not any(vise(c, e) for e in etapes)]
    if inconnus:
        noms = [
            e.nom[:2] + " (" + e.nom + ")" if e.groupe != Groupe.FICHES else "fiches (fiches quartier)"
            for e in etapes
            if e.groupe != Groupe.PREPARATION
        ]
        raise EchecExecution(f"Chapitre(s) inconnu(s) : {', '.join(inconnus)}. Chapitres : {', '.join(noms)}.")
    for e in etapes:
        e.demandee = e.groupe == Groupe.PREPARATION or any(vise(c, e) for c in chapitres)
    if any(e.demandee and e.nom == LIEN_FICHES for e in etapes):
        for e in etapes:
            if e.groupe == Groupe.FICHES:
                e.demandee = True
