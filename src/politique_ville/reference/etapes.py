"""LA table des étapes du rapport : pour chacune, son notebook, ses entrées déclarées et ses sorties, déclarées ici
une fois pour toutes.

Entrées déclarées : tables brutes lues (``data/raw/<annee>/``), fichiers de référentiels (``reference_dir``),
paramètres de ``params/<annee>.yaml``, tables nettoyées ouvertes (requises, facultatives). Sorties : tables nettoyées
produites, et, dans le rapport, ``<nom>.html``, ``<nom>_avec_code.html``, ``notebooks/<nom>.ipynb`` plus les
sorties propres à l'étape.

Le runner en tire l'ordre, la clé de réutilisation de chaque étape et les tables à préparer
(:mod:`politique_ville.runner.steps`) ; un chapitre en tire les tables qu'il ouvre
(:func:`politique_ville.report.chapitre.ouvrir` : ``ouvrir("20_programmation", annee, execution)``). Ajouter un
chapitre : un notebook, une ligne ici, ses modules de thème (``docs/architecture.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TOUT = ("*",)  # toutes les tables brutes, tous les référentiels, tous les paramètres ou toutes les tables nettoyées


class Groupe(StrEnum):
    PREPARATION = "préparation"  # lecture, nettoyages, validation : toujours faite
    CHAPITRE = "chapitre"  # un chapitre du rapport, indépendant des autres
    FICHES = "fiches"  # un notebook exécuté une fois par quartier


@dataclass(frozen=True)
class Declaration:
    nom: str
    notebook: str  # fichier de notebooks/
    groupe: Groupe
    bruts: tuple[str, ...] = ()  # tables brutes lues
    requises: tuple[str, ...] = ()  # tables brutes sans lesquelles l'étape n'a pas de sens (sinon « ignorée »)
    referentiels: tuple[str, ...] = ()  # fichiers du dossier des référentiels ({annee} : l'année du rapport)
    parametres: tuple[str, ...] = ()  # paramètres de l'année dont le résultat dépend
    # tables nettoyées que le notebook ouvre (``ouvrir``, ``ctx["programmation"]``) : requises, puis lues si présentes ;
    # TOUT : l'étape lit toutes les tables par le catalogue (validation, concordance)
    tables: tuple[str, ...] = ()
    facultatives: tuple[str, ...] = ()
    produit: tuple[str, ...] = ()  # tables nettoyées écrites (dossier de transit)
    valide: bool = False  # valide les tables produites : leur publication en dépend
    anterieures: tuple[str, ...] = ()  # tables nettoyées lues dans chaque année antérieure (évolutions)
    # lit la correspondance de l'export de la programmation (paramètre correspondance_programmation), l'export et les
    # tables qu'elle désigne, et les fichiers SCDL (paramètre scdl) : fichiers_declares
    correspondance: bool = False
    sorties: tuple[str, ...] = ()  # sorties du rapport propres à l'étape (en plus du HTML et du notebook)
    # l'étape n'a de sens qu'avec au moins une de ces entrées : « referentiel:<fichier> » (dossier des référentiels
    # du territoire, {annee} : l'année du rapport) ou « parametre:<nom> » ; sinon « ignorée », avec la raison
    au_moins_un: tuple[str, ...] = ()
    raison_sans: str = ""

    @property
    def lues(self) -> tuple[str, ...]:
        """Les tables nettoyées de sa clé et de son ordre : celles qu'elle ouvre, requises et facultatives."""
        return TOUT if self.tables == TOUT else (*self.tables, *self.facultatives)


NETTOYAGE = ("communes.csv", "porteurs.csv", "nomenclature.csv", "perimetres.csv")
TABLES_FINANCEMENTS = (
    "feuille_de_route",
    "programmation",
    "porteurs",
    "porteurs_synthese",
    "financements_programmation",
    "fonds_cohesion_sociale",
    "fonds_concours",
    "iti_feder",
    "npnru",
    "tfpb_conventions",
    "indicateurs_actions",
)
TABLES_INSEE = ("insee_qpv", "insee_references", "insee_provenance")
FINANCEMENTS = (*TABLES_FINANCEMENTS, "programmation_communes")
#: les tables des quartiers qu'ouvrent le chapitre 10 et les fiches, et leurs facultatives : niveaux de comparaison
#: (reçus, calculés) et provenance des valeurs (un fichier de l'INSEE suffit)
QUARTIERS = ("insee_qpv", "insee_qpv_communes", "insee_valeurs_manquantes")
NIVEAUX_ET_PROVENANCE = ("insee_references", "insee_niveaux", "insee_provenance")
INSEE = (*TABLES_INSEE, "insee_qpv_communes", "insee_valeurs_manquantes", "insee_qpv_comparaison", "insee_niveaux")
#: nettoyage INSEE : aussi le registre des indicateurs (data/reference/indicateurs_qpv.csv : un référentiel commun,
#: que le dossier d'un territoire peut remplacer, voir ``Catalogue.fichier_reference``) ; le territoire et son
#: département désignent les quartiers retenus
REFERENTIELS_INSEE = (*NETTOYAGE, "indicateurs_qpv.csv")
PARAMETRES_TERRITOIRE = ("territoire", "departement")
#: tables suivies d'une année à l'autre (chapitre des évolutions : ``compute.evolutions.TABLES``)
EVOLUTIONS = (
    "insee_qpv",
    "insee_references",
    "insee_niveaux",
    "insee_valeurs_manquantes",
    "programmation",
    "porteurs",
    "financements_programmation",
)
#: raison d'un chapitre des évolutions non produit
SANS_ANTERIEURE = "aucune année antérieure"

ETAPES = (
    Declaration("00_donnees_brutes", "00_donnees_brutes.ipynb", Groupe.PREPARATION, bruts=TOUT),
    Declaration(
        "01_nettoyage_financements",
        "01_nettoyage_financements.ipynb",
        Groupe.PREPARATION,
        bruts=TABLES_FINANCEMENTS,
        referentiels=NETTOYAGE,
        parametres=("correspondance_programmation", "scdl", *PARAMETRES_TERRITOIRE),
        produit=FINANCEMENTS,
        correspondance=True,
    ),
    Declaration(
        "02_nettoyage_insee",
        "02_nettoyage_insee.ipynb",
        Groupe.PREPARATION,
        bruts=TABLES_INSEE,
        referentiels=REFERENTIELS_INSEE,
        parametres=PARAMETRES_TERRITOIRE,
        produit=INSEE,
    ),
    Declaration(
        "03_validation",
        "03_validation.ipynb",
        Groupe.PREPARATION,
        bruts=TOUT,
        referentiels=REFERENTIELS_INSEE,
        parametres=PARAMETRES_TERRITOIRE,
        tables=TOUT,
        valide=True,
        sorties=("validation",),
    ),
    Declaration(
        "10_geographie_prioritaire",
        "10_geographie_prioritaire.ipynb",
        Groupe.CHAPITRE,
        requises=("insee_qpv",),
        referentiels=TOUT,
        parametres=TOUT,
        tables=QUARTIERS,
        facultatives=NIVEAUX_ET_PROVENANCE,
        sorties=("tableaux/10_geographie_prioritaire.xlsx",),
    ),
    Declaration(
        "20_programmation",
        "20_programmation.ipynb",
        Groupe.CHAPITRE,
        requises=(
            "programmation",
            "porteurs",
            "porteurs_synthese",
            "financements_programmation",
            "fonds_cohesion_sociale",
            "fonds_concours",
            "iti_feder",
            "npnru",
            "tfpb_conventions",
            "indicateurs_actions",
            "feuille_de_route",
        ),
        referentiels=TOUT,
        parametres=TOUT,
        tables=TABLES_FINANCEMENTS,
        sorties=("tableaux/20_programmation.xlsx",),
    ),
    Declaration(
        "30_contribution_objectifs",
        "30_contribution_objectifs.ipynb",
        Groupe.CHAPITRE,
        requises=("programmation", "feuille_de_route"),
        referentiels=TOUT,
        parametres=TOUT,
        tables=("programmation", "feuille_de_route"),
        # les quartiers des actions (communes de la programmation, quartiers de l'INSEE), s'ils sont là
        facultatives=("programmation_communes", "insee_qpv", "insee_qpv_communes"),
        sorties=("tableaux/30_contribution_objectifs.xlsx",),
    ),
    Declaration(
        "40_annexe_grille_priorites",
        "40_annexe_grille_priorites.ipynb",
        Groupe.CHAPITRE,
        requises=("programmation", "feuille_de_route"),
        referentiels=TOUT,
        parametres=TOUT,
        tables=("programmation", "feuille_de_route"),
        facultatives=("programmation_communes",),
        sorties=("tableaux/40_annexe_grille_priorites.xlsx",),
    ),
    # lit les tables de l'année et celles des années antérieures (préparées avant l'exécution, voir run.py) ; sans
    # année antérieure utilisable : « ignorée » (SANS_ANTERIEURE)
    Declaration(
        "50_evolutions",
        "50_evolutions.ipynb",
        Groupe.CHAPITRE,
        referentiels=TOUT,
        parametres=TOUT,
        facultatives=EVOLUTIONS,
        anterieures=EVOLUTIONS,
        sorties=("tableaux/50_evolutions.xlsx",),
    ),
    Declaration(
        "90_concordance",
        "90_concordance.ipynb",
        Groupe.CHAPITRE,
        referentiels=TOUT,
        parametres=TOUT,
        tables=TOUT,
        facultatives=("programmation",),
        correspondance=True,
        sorties=("tableaux/90_concordance.xlsx",),
        au_moins_un=("referentiel:chiffres_publies_{annee}.csv", "parametre:scdl"),
        raison_sans="ni chiffres publiés d'un rapport (chiffres_publies_<annee>.csv du dossier des référentiels) ni "
        "fichier de subventions SCDL (paramètre scdl) : rien à comparer",
    ),
    Declaration(
        "fiches_quartier",
        "fiche_quartier.ipynb",
        Groupe.FICHES,
        requises=("insee_qpv",),
        referentiels=TOUT,
        parametres=TOUT,
        tables=QUARTIERS,
        facultatives=(*NIVEAUX_ET_PROVENANCE, "programmation", "programmation_communes"),
        anterieures=("insee_qpv", "insee_references", "insee_niveaux", "insee_valeurs_manquantes"),
        sorties=("quartiers",),
    ),
)


def declaration(nom: str) -> Declaration:
    """La déclaration d'une étape par son nom (« 20_programmation », « fiches_quartier »)."""
    for d in ETAPES:
        if d.nom == nom:
            return d
    raise KeyError(f"étape inconnue « {nom} » : {', '.join(d.nom for d in ETAPES)}")
