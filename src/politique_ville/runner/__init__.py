"""Exécution du rapport : les notebooks exécutés par papermill dans l'ordre de leurs dépendances, export HTML, index.

À lire dans cet ordre (un quart d'heure) :

- ``steps.py`` — LA table des étapes : notebook, entrées déclarées (tables brutes, référentiels, paramètres, tables
  nettoyées), sorties ; l'ordre et la réutilisation en découlent ;
- ``cache.py`` — la clé d'une étape (empreintes du contenu de ses entrées déclarées, de son notebook et du code) et
  le manifeste du rapport ; seules les étapes dont une entrée a changé sont refaites ;
- ``run.py`` — une exécution : plan, lecture et nettoyages en parallèle, validation, chapitres en parallèle, fiches
  quartier par lots dans des noyaux partagés, index, publication ; une étape en échec ne publie rien. Ses parts :
  ``plan.py`` (statut de chaque étape), ``fiches.py`` (lot de fiches, reprise), ``echecs.py`` (échecs, restes,
  place), ``index.py`` (index, méthodologie, recherche, résumé), ``anterieures.py`` (années antérieures) ;
- ``lot.py`` — un lot de territoires (paramètre ``territoires``) : une exécution par territoire, noyaux partagés,
  index du lot ;
- ``commit.py`` — la publication des tables nettoyées (transit, validation, publication d'un coup) ;
- ``execute.py`` — papermill, lots de fiches, export HTML ; ``kernels.py`` — noyau du projet et noyaux d'une exécution (démarrés une fois, prêtés, rendus) ;
  ``lock.py`` — un verrou par dossier écrit (filelock) ; ``restes.py`` — ce qu'une exécution interrompue laisse
  (retiré au début de la suivante) et la place qu'il faut ; ``display.py`` — barres d'avancement (tqdm) et résumé.
"""

from politique_ville.base.errors import EchecExecution
from politique_ville.reference.etapes import ETAPES, Declaration, Groupe
from politique_ville.reference.parametres import OBLIGATOIRES, PARAMETRES, charger_parametres

from .cache import MANIFESTE
from .display import Progression
from .index import version_code
from .kernels import (
    BIBLIOTHEQUES,
    NOYAU,
    Noyau,
    PoolNoyaux,
    _noyau,
    installer_noyau,
    modules_d_avance,
    modules_de_la_validation,
)
from .lock import Verrou, Verrous
from .plan import HORS_SELECTION
from .run import Execution, executer
from .steps import Etape, Statut, _choisir_etapes, etapes_du_rapport, notebooks_du_rapport

__all__ = [
    "EchecExecution",
    "OBLIGATOIRES",
    "PARAMETRES",
    "charger_parametres",
    "MANIFESTE",
    "Progression",
    "BIBLIOTHEQUES",
    "modules_d_avance",
    "NOYAU",
    "modules_de_la_validation",
    "Noyau",
    "PoolNoyaux",
    "_noyau",
    "installer_noyau",
    "Verrou",
    "Verrous",
    "HORS_SELECTION",
    "Execution",
    "executer",
    "version_code",
    "ETAPES",
    "Declaration",
    "Etape",
    "Groupe",
    "Statut",
    "_choisir_etapes",
    "etapes_du_rapport",
    "notebooks_du_rapport",
]
