"""Chapitre 1 et fiches quartier : géographie prioritaire, indicateurs INSEE des quartiers, comparaisons et rangs.

Mise en forme (valeurs à la française, écarts signés, rangs) : :mod:`politique_ville.present.qpv` ; phrases :
:mod:`politique_ville.narration.geographie` et :mod:`politique_ville.narration.fiche`. Ce module n'écrit ni nombre
à la française ni phrase.

Entrées : tables nettoyées ``insee_qpv``, ``insee_qpv_communes``, ``insee_references``, ``insee_valeurs_manquantes``,
``insee_provenance`` (et ``programmation``, ``programmation_communes`` pour les fiches quartier). Fonctions pures :
DataFrame en entrée, DataFrame (ou nombre) en sortie, sans lecture de fichier ni figure. Ce qu'une fiche quartier
calcule sur tout le territoire (quartiers et communes, niveaux de comparaison, rangs parmi les QPV, index des actions
par commune) est gardé d'une fiche à l'autre d'un même noyau pour les mêmes tables (:mod:`politique_ville.base.memo`) ;
seul le travail propre au quartier est refait à chaque fiche.

Conventions :

- ``decuc_q2`` est annuel dans les tables nettoyées ; il est montré MENSUEL (divisé par 12), comme le rapport ;
- la moyenne « des QPV » d'un taux est la moyenne des QPV pondérée par le poids documenté dans
  ``data/raw/README.md`` (``pop_mun``, ou le nombre de demandeurs d'emploi de chaque sexe pour l'ancienneté
  d'inscription), calculée sur les QPV dont la valeur n'est pas couverte par le secret statistique ;
- une valeur absente n'est jamais 0 : « secret » (secret statistique), « n.d. » (quartier que l'INSEE ne couvre
  pas), « non publié » (niveau de comparaison que le rapport ne publie pas) ;
- rang 1 = valeur la plus élevée ; les ex aequo (à la précision affichée) partagent le plus petit rang ; les
  valeurs secrètes ne sont pas classées.

Sous-modules : :mod:`.commun` (types de quartier, niveaux, marques d'une valeur absente ; outils
partagés) ; :mod:`.metadonnees` (indicateurs du registre, chiffre publié de chacun) ; :mod:`.references` (niveaux de
comparaison reçus et calculés) ; :mod:`.territoire` (quartiers, géographie prioritaire, liens des fiches) ;
:mod:`.manquantes` (cases vides, provenances) ; :mod:`.agregation` (niveau « QPV du territoire », niveaux de chaque
indicateur) ; :mod:`.palmares` (rangs, classement, extrêmes) ; :mod:`.ecarts` (synthèse, comparaisons aux niveaux) ;
:mod:`.par_quartier` (tableaux larges, parts des effectifs) ; :mod:`.par_theme` (indicateurs par thème) ;
:mod:`.fiche` (fiche quartier) ; :mod:`.actions` (actions d'un quartier). Chaque nom public d'un sous-module est repris
ici : les appelants importent le paquet (``from politique_ville.compute import qpv as cq``).
"""

# repris : cq.definition_registre (narration.geographie)
from politique_ville.reference.indicateurs import definition as definition_registre

from .actions import actions_du_quartier, actions_intercommunales, synthese_actions
from .agregation import _niveaux_indicateurs as _niveaux_indicateurs  # repris : tests/test_memo.py
from .agregation import niveau_qpv, niveaux_indicateurs, origines_par_niveau, valeur_qpv, valeurs
from .commun import (
    MOTIF_NON_DISPONIBLE,
    MOTIF_SECRET,
    NIVEAU_AGGLO,
    NIVEAU_DEPARTEMENT,
    NIVEAU_HORS_QPV,
    NIVEAU_MOYENNE_QPV,
    NIVEAU_QPV_DEPARTEMENT,
    NIVEAU_QPV_FRANCE,
    NIVEAU_QPV_REGION,
    NIVEAU_QPV_TERRITOIRE,
    NIVEAUX_COMPARAISON,
    NIVEAUX_SUPPLEMENTAIRES,
    NON_DISPONIBLE,
    NON_PUBLIE,
    PUBLIE,
    RECU,
    SECRET,
    TYPE_QPV,
    TYPES_QUARTIER,
    nom_quartier,
)
from .ecarts import NIVEAUX_ECART, comparaison, comparer, niveau_ecart, synthese
from .fiche import _rangs_territoire as _rangs_territoire  # repris : tests/test_memo.py
from .fiche import fiche_effectifs, fiche_identite, fiche_indicateurs, fiche_par_theme
from .manquantes import (
    Provenances,
    a_des_valeurs_reconstruites,
    avec_marques,
    marque_manquante,
    motifs,
    provenance_valeur,
    provenances,
    resume_manquantes,
    valeurs_secretes,
)
from .metadonnees import (
    INDICATEURS,
    REGLES_LISIBLES,
    Indicateur,
    indicateur,
    indicateurs,
    table_indicateurs,
    valeurs_publiees,
)
from .palmares import (
    SENS_ELEVE,
    SENS_FAIBLE,
    classement,
    classement_marque,
    extremes,
    rangs,
    rangs_orientes,
    sens_du_rang,
)
from .par_quartier import effectifs_par_quartier, parts_agglomeration, parts_par_quartier, valeurs_par_quartier
from .par_theme import Theme, colonnes_inconnues, ecarts_aux_niveaux, indicateurs_par_theme, themes, valeurs_inconnues
from .references import (
    departement_du_quartier,
    jeunes_en_qpv_departement,
    niveaux_supplementaires,
    provenance_reference,
    references_comparaison,
    references_du_quartier,
    valeur_reference,
)
from .territoire import communes_de_la_geographie, geographie, liens_fiches, quartiers

__all__ = [
    "definition_registre",
    "TYPE_QPV",
    "TYPES_QUARTIER",
    "NIVEAU_MOYENNE_QPV",
    "NIVEAU_AGGLO",
    "NIVEAU_QPV_DEPARTEMENT",
    "NIVEAU_HORS_QPV",
    "NIVEAU_DEPARTEMENT",
    "NIVEAU_QPV_REGION",
    "NIVEAU_QPV_FRANCE",
    "NIVEAU_QPV_TERRITOIRE",
    "NIVEAUX_COMPARAISON",
    "NIVEAUX_SUPPLEMENTAIRES",
    "SECRET",
    "NON_DISPONIBLE",
    "NON_PUBLIE",
    "MOTIF_SECRET",
    "MOTIF_NON_DISPONIBLE",
    "PUBLIE",
    "RECU",
    "Indicateur",
    "INDICATEURS",
    "indicateur",
    "indicateurs",
    "REGLES_LISIBLES",
    "table_indicateurs",
    "nom_quartier",
    "quartiers",
    "valeur_reference",
    "geographie",
    "communes_de_la_geographie",
    "liens_fiches",
    "motifs",
    "marque_manquante",
    "Provenances",
    "provenances",
    "provenance_valeur",
    "resume_manquantes",
    "valeurs_secretes",
    "avec_marques",
    "valeurs",
    "niveau_qpv",
    "valeur_qpv",
    "comparer",
    "rangs",
    "classement",
    "classement_marque",
    "extremes",
    "synthese",
    "NIVEAUX_ECART",
    "niveau_ecart",
    "comparaison",
    "valeurs_par_quartier",
    "parts_agglomeration",
    "parts_par_quartier",
    "valeurs_publiees",
    "provenance_reference",
    "jeunes_en_qpv_departement",
    "effectifs_par_quartier",
    "references_comparaison",
    "departement_du_quartier",
    "references_du_quartier",
    "niveaux_supplementaires",
    "niveaux_indicateurs",
    "origines_par_niveau",
    "SENS_ELEVE",
    "SENS_FAIBLE",
    "sens_du_rang",
    "rangs_orientes",
    "indicateurs_par_theme",
    "colonnes_inconnues",
    "valeurs_inconnues",
    "Theme",
    "ecarts_aux_niveaux",
    "themes",
    "fiche_identite",
    "fiche_indicateurs",
    "fiche_par_theme",
    "fiche_effectifs",
    "actions_du_quartier",
    "actions_intercommunales",
    "synthese_actions",
    "a_des_valeurs_reconstruites",
]
