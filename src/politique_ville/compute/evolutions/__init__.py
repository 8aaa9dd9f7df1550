"""Évolutions d'une année à l'autre : indicateurs des quartiers et programmation, année par année.

Entrée de chaque fonction : ``annees``, un dictionnaire ``{annee: {table: DataFrame ou None}}`` des tables nettoyées
de chaque année disponible (l'année du rapport et les années antérieures ; ``None`` : table absente cette année-là).
Sortie : des DataFrame (valeurs numériques, jamais de texte à la française ni de phrase : voir
:mod:`politique_ville.narration.evolutions` et :mod:`politique_ville.present.evolutions`). Fonctions pures.

Règles :

- **une lacune reste une lacune** : une année absente (ou une table absente cette année-là) n'a pas de valeur ; rien
  n'est interpolé. L'évolution d'une année est calculée par rapport à l'année civile précédente seulement : si elle
  manque, l'évolution est manquante (« non disponible ») ;
- **évolution** : en points pour une part (unité « % »), en % pour un effectif, un montant, un indice ou un ratio ;
  sens (« hausse », « baisse », « stable ») décidé à la précision affichée : celle de l'indicateur (chapitre 10) pour
  les points, une décimale pour les % ; les valeurs sont arrondies à la précision de l'indicateur avant le calcul ;
- **une seule géographie prioritaire par série** : un quartier de la géographie 2015 (« QP… ») n'est jamais enchaîné
  à un quartier de la géographie 2024 (« QN… ») ; les niveaux qui dépendent du périmètre des QPV (moyenne et ensemble
  des QPV, QPV du département, agglomération hors QPV) forment une série par géographie ; seuls l'agglomération et le
  département sont suivis d'une géographie à l'autre. :func:`changements_geographie` dit où elle change ;
- **montants en euros courants** (non corrigés de l'inflation) ;
- **actions reconduites** (:func:`reconduites`) : même porteur (nom canonique du référentiel des porteurs) et même
  intitulé normalisé (:func:`intitule_normalise`) d'une année à la suivante ; les paires d'un même porteur dont les
  intitulés normalisés diffèrent mais se ressemblent (ratio de ``difflib.SequenceMatcher`` dans
  :data:`BANDE_DOUTEUSE`) sont listées comme douteuses, sans être comptées comme reconduites.

Les fonctions de :mod:`compute.qpv`, :mod:`compute.programmation` et :mod:`compute.contribution` sont réutilisées
telles quelles pour chaque année.

Sous-modules : :mod:`.regles` (indicateurs suivis, constantes, évolution et sens) ; :mod:`.annees` (années et tables
trouvées, géographie de chaque année) ; :mod:`.series` (séries des indicateurs INSEE) ;
:mod:`.programmation_annuelle` (la programmation année par année) ; :mod:`.rapprochement` (actions reconduites).
Chaque nom public d'un sous-module est repris ici : les appelants importent le paquet
(``from politique_ville.compute import evolutions as ce``).
"""

from .annees import annees_de, bilan_annees, changements_geographie, debuts_des_tables, geographie_de, geographies
from .programmation_annuelle import programmation_par_annee
from .rapprochement import (
    ARRETEE,
    BANDE_DOUTEUSE,
    DOUTEUSE,
    NOUVELLE,
    RECONDUITE,
    intitule_normalise,
    ratio,
    reconduites,
    reconduites_par_annee,
    synthese_reconduites,
)
from .regles import (
    BAISSE,
    COLONNES_SERIES,
    DECIMALES_POURCENT,
    HAUSSE,
    INDICATEURS,
    NIVEAU,
    NIVEAU_ENSEMBLE_QPV,
    NIVEAU_MOYENNE_QPV,
    NIVEAUX_TAUX,
    NIVEAUX_TERRITOIRE,
    POINTS,
    POURCENT,
    QUARTIER,
    STABLE,
    TABLES,
    TABLES_PROGRAMMATION,
    TABLES_QPV,
    TAUX_PAUVRETE,
    evolution,
    indicateur,
    mode_evolution,
    sens,
)
from .series import codes_illustres, series_qpv, series_quartier, tableau_series

__all__ = [
    "TAUX_PAUVRETE",
    "INDICATEURS",
    "QUARTIER",
    "NIVEAU",
    "NIVEAU_MOYENNE_QPV",
    "NIVEAU_ENSEMBLE_QPV",
    "NIVEAUX_TERRITOIRE",
    "NIVEAUX_TAUX",
    "POINTS",
    "POURCENT",
    "HAUSSE",
    "BAISSE",
    "STABLE",
    "DECIMALES_POURCENT",
    "TABLES_QPV",
    "TABLES_PROGRAMMATION",
    "TABLES",
    "COLONNES_SERIES",
    "indicateur",
    "mode_evolution",
    "evolution",
    "sens",
    "annees_de",
    "bilan_annees",
    "debuts_des_tables",
    "geographie_de",
    "geographies",
    "changements_geographie",
    "series_qpv",
    "codes_illustres",
    "series_quartier",
    "tableau_series",
    "programmation_par_annee",
    "BANDE_DOUTEUSE",
    "RECONDUITE",
    "DOUTEUSE",
    "NOUVELLE",
    "ARRETEE",
    "intitule_normalise",
    "ratio",
    "reconduites",
    "reconduites_par_annee",
    "synthese_reconduites",
]
