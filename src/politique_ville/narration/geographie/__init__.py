"""Chapitre 10 : les phrases de la géographie prioritaire et de la situation socio-économique des QPV.

Tout part de :func:`faits` (les tables nettoyées de l'INSEE et les chiffres publiés, résumés par
:mod:`politique_ville.compute.qpv`). Chaque fonction de section (:func:`demographie`, :func:`revenus`...) renvoie
ses paragraphes (Markdown), dans l'ordre où le chapitre les montre ; les notes de tableaux et de figures sont des
phrases simples. Chaque comparaison suit les données (:func:`compute.qpv.comparer` : plus, moins, égal, inconnu) :
aucune conclusion n'est écrite contre les chiffres, ni à propos d'un niveau de comparaison que le rapport ne publie
pas. Les noms de quartiers et de communes sont échappés (HTML) : le texte est affiché tel quel.

Provenance (:mod:`politique_ville.reference.provenance`) : un nombre tiré d'une valeur non publiée (reconstruite, ou calculée à
partir de valeurs reconstruites) porte la marque « \\* », et la section se termine par la légende ; une identité
supposée est dite « (supposé) » ; un superlatif sur des quartiers (« le plus élevé ») n'est écrit tel quel que si
toutes les valeurs comparées sont publiées, sinon « parmi les valeurs reconstruites, … » ; une case vide qui simule le
secret statistique (provenance « simulé ») n'est jamais attribuée à l'INSEE.

Sous-modules, du plus simple au plus composé (chacun n'importe que ceux qui le précèdent) :

- :mod:`.faits` : :class:`Faits` et :func:`faits`, ce que le chapitre raconte, calculé une fois ;
- :mod:`.briques` : une valeur dans une phrase (unité, marque de provenance), chiffre publié rappelé, comparaison,
  quartiers extrêmes, QPV exclus pour secret ; petits outils partagés (échappement, listes) ;
- :mod:`.niveaux` : niveaux de comparaison calculés, section « Tous les indicateurs du fichier, par thème » ;
- :mod:`.constats` : table des rubriques, phrases indicateur par indicateur (sans comparaison, génériques), absents ;
- :mod:`.perimetre` : avertissements, géographie prioritaire, population, identités supposées et leurs notes ;
- :mod:`.habitants` (démographie, ménages, éducation), :mod:`.activite` (emploi, économie), :mod:`.ressources`
  (revenus, situation sociale) : les rubriques de la situation socio-économique ;
- :mod:`.situation` : les rubriques montrées, dans l'ordre du chapitre ;
- :mod:`.notes` : notes des tableaux et des figures, valeurs manquantes, concordance ;
- :mod:`.provenances` : provenance dans les tableaux (identités, chiffres clés, note « Provenance : … ») ;
- :mod:`.introductions` : ouvertures du chapitre et de ses sections.

Les appelants (notebook du chapitre 10, :mod:`politique_ville.present.qpv`, tests) importent le paquet
(``from politique_ville.narration import geographie as ng``) : chaque nom public d'un sous-module y est repris.
"""

from politique_ville.formats import accord  # repris : ng.accord (tests)
from politique_ville.reference import provenance as pv  # repris : ng.pv (present.qpv)

from .activite import economie, emploi
from .briques import (
    SECRET_SIMULE,
    SECRETS_SIMULES,
    approx,
    au_niveau_qpv,
    avec_legende,
    contre,
    e,
    exclus_secret,
    extreme,
    extreme_prov,
    gras,
    nombre,
    note_reconstruit,
    parmi,
    part,
    publie,
    si_reconstruit,
    source,
    val,
)
from .constats import RUBRIQUES, absents, constat, generique
from .faits import DU_TERRITOIRE, NON_RECU, Faits, faits
from .habitants import (
    DEBUT_INDICE_JEUNESSE,
    JEUNESSE_DEPARTEMENT,
    demographie,
    ecoles_rep,
    education,
    jeunes_du_departement,
    menages,
)
from .introductions import intro_classement, intro_fiches, intro_poids, intro_situation, introduction, titre_poids
from .niveaux import (
    LIENS_REGISTRE,
    NOTE_INCONNUES,
    NOTE_NIVEAUX_THEME,
    a_des_niveaux_calcules,
    colonnes_non_reconnues,
    origine_des_niveaux,
    provenance_niveau,
    sens_des_rangs,
    titre_theme,
    tous_les_indicateurs,
)
from .notes import (
    NOTE_CONCORDANCE,
    NOTE_INDICATEURS,
    concordance,
    note_effectifs,
    note_figure_indicateur,
    note_figure_parts,
    note_indicateur,
    note_parts,
    note_rangs,
    note_synthese,
    note_valeurs,
    sans_rapport_publie,
    valeurs_manquantes,
)
from .perimetre import (
    avertissements,
    fiches_produites,
    geographie_prioritaire,
    identites_supposees,
    note_chiffres_cles,
    note_population,
    note_quartiers,
    population_officielle,
)
from .provenances import (
    cellules_simulees,
    marques_supposees,
    provenance_identite,
    provenance_tableau,
    provenances_chiffres_cles,
    provenances_identites,
    rattachements_supposes,
)
from .ressources import DEBUT_IMPOSES, SUITE_REVENU, revenus, social
from .situation import Rubrique, rubriques, rubriques_absentes

__all__ = [
    "accord",
    "pv",
    "Faits",
    "NON_RECU",
    "DU_TERRITOIRE",
    "faits",
    "e",
    "source",
    "note_reconstruit",
    "si_reconstruit",
    "val",
    "gras",
    "nombre",
    "part",
    "avec_legende",
    "parmi",
    "publie",
    "contre",
    "au_niveau_qpv",
    "approx",
    "extreme",
    "extreme_prov",
    "SECRET_SIMULE",
    "SECRETS_SIMULES",
    "exclus_secret",
    "a_des_niveaux_calcules",
    "origine_des_niveaux",
    "LIENS_REGISTRE",
    "sens_des_rangs",
    "colonnes_non_reconnues",
    "tous_les_indicateurs",
    "titre_theme",
    "NOTE_NIVEAUX_THEME",
    "provenance_niveau",
    "NOTE_INCONNUES",
    "RUBRIQUES",
    "constat",
    "absents",
    "generique",
    "avertissements",
    "population_officielle",
    "identites_supposees",
    "geographie_prioritaire",
    "note_chiffres_cles",
    "note_quartiers",
    "note_population",
    "fiches_produites",
    "JEUNESSE_DEPARTEMENT",
    "DEBUT_INDICE_JEUNESSE",
    "jeunes_du_departement",
    "demographie",
    "menages",
    "ecoles_rep",
    "education",
    "emploi",
    "economie",
    "DEBUT_IMPOSES",
    "SUITE_REVENU",
    "revenus",
    "social",
    "Rubrique",
    "rubriques",
    "rubriques_absentes",
    "note_synthese",
    "note_indicateur",
    "note_figure_indicateur",
    "note_parts",
    "note_figure_parts",
    "note_effectifs",
    "note_valeurs",
    "note_rangs",
    "valeurs_manquantes",
    "NOTE_CONCORDANCE",
    "NOTE_INDICATEURS",
    "concordance",
    "sans_rapport_publie",
    "provenance_identite",
    "provenances_identites",
    "marques_supposees",
    "rattachements_supposes",
    "provenances_chiffres_cles",
    "cellules_simulees",
    "provenance_tableau",
    "introduction",
    "intro_fiches",
    "intro_situation",
    "titre_poids",
    "intro_poids",
    "intro_classement",
]
