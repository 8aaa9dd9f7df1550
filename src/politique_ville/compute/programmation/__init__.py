"""Chapitre 2 : la programmation et les programmes connexes (sections 2.1 à 2.4 du rapport).

Fonctions pures : tables nettoyées en entrée (``data/processed/<annee>/``), DataFrame en sortie ; ni lecture de
fichier, ni figure. Les montants par action de ``programmation`` sont reconstruits (colonnes ``provenance_*``) :
toute sortie qui les montre ligne par ligne ou par groupe non publié porte une colonne de provenance.

Chaque valeur recalculée confrontable à un chiffre publié porte son expression de recalcul (colonne ``calcul``, langage
de :mod:`politique_ville.published.chiffres`) et la section du rapport (``section``) : :func:`confronter` y retrouve le ou les
chiffres publiés de même expression, sans identifiant, avec l'explication des écarts documentés.

Sous-modules : :mod:`.commun` (constantes, :func:`confronter`, :func:`concordance_sections`, outils partagés) ;
:mod:`.projets`, :mod:`.financement` (financeurs, crédits CGET par thématique), :mod:`.porteurs` (section 2.1) ;
:mod:`.indicateurs` (section 2.2) ; :mod:`.fonds` (Fonds de Cohésion Sociale, fonds de concours : sections 2.1 et
2.3) ; :mod:`.connexes` (ITI, TFPB, NPNRU : section 2.4). Chaque nom public d'un sous-module est repris ici : les
appelants importent le paquet (``from politique_ville.compute import programmation as cpg``).
"""

# repris pour le chapitre 20 : table des financements calculée à partir d'un export reçu, totaux de l'export
from politique_ville.clean.correspondance import ecarts_des_financements, export_des_financements

from .commun import (
    ORDRE_PILIERS,
    PROVENANCE_NON_PUBLIE,
    PROVENANCE_PUBLIE,
    PROVENANCE_RECONSTRUIT,
    SECTION_PROGRAMMATION,
    STATUT_ECART,
    STATUT_ECART_DOCUMENTE,
    STATUT_IDENTIQUE,
    STATUT_NON_PUBLIE,
    concordance_sections,
    confronter,
)
from .connexes import npnru_enveloppes, projets_iti, synthese_iti, tfpb_par_bailleur, tfpb_par_quartier
from .financement import (
    LIBELLE_REUSSITE_EDUCATIVE,
    cget_par_thematique,
    controles_financement,
    financement_par_financeur,
    sous_priorite_reussite_educative,
)
from .fonds import controle_fonds_concours, fonds_cohesion_sociale, regle_fonds_concours, totaux_fonds_concours
from .indicateurs import (
    FIGURES_EVOLUTION_MAX,
    evolution_indicateurs,
    indicateurs_par_annee,
    series_illustrees,
    series_pluriannuelles,
)
from .porteurs import (
    GROUPE_ASSOCIATIONS,
    GROUPE_INSTITUTIONS,
    actions_par_type_porteur,
    groupe_du_type,
    porteurs_deposes_et_retenus,
    synthese_porteurs,
    tableau_porteurs,
)
from .projets import projets_deposes_retenus, projets_par_pilier

__all__ = [
    "ecarts_des_financements",
    "export_des_financements",
    "ORDRE_PILIERS",
    "SECTION_PROGRAMMATION",
    "PROVENANCE_PUBLIE",
    "PROVENANCE_RECONSTRUIT",
    "PROVENANCE_NON_PUBLIE",
    "STATUT_IDENTIQUE",
    "STATUT_ECART_DOCUMENTE",
    "STATUT_ECART",
    "STATUT_NON_PUBLIE",
    "confronter",
    "concordance_sections",
    "projets_deposes_retenus",
    "projets_par_pilier",
    "financement_par_financeur",
    "controles_financement",
    "LIBELLE_REUSSITE_EDUCATIVE",
    "sous_priorite_reussite_educative",
    "cget_par_thematique",
    "GROUPE_ASSOCIATIONS",
    "GROUPE_INSTITUTIONS",
    "synthese_porteurs",
    "groupe_du_type",
    "tableau_porteurs",
    "actions_par_type_porteur",
    "porteurs_deposes_et_retenus",
    "evolution_indicateurs",
    "series_pluriannuelles",
    "FIGURES_EVOLUTION_MAX",
    "series_illustrees",
    "indicateurs_par_annee",
    "fonds_cohesion_sociale",
    "regle_fonds_concours",
    "controle_fonds_concours",
    "totaux_fonds_concours",
    "projets_iti",
    "synthese_iti",
    "tfpb_par_quartier",
    "tfpb_par_bailleur",
    "npnru_enveloppes",
]
