"""Correspondance déclarée : un export de programmation tel qu'il est reçu -> les tables brutes canoniques.

Un fichier YAML par source (``data/reference/correspondances/``) dit quelle colonne de l'export donne quel champ du
schéma canonique de la programmation (``schemas.SCHEMAS["programmation"]``), et quels libellés de l'export désignent
quels libellés de la nomenclature (piliers, thématiques, types de porteur) et quels financeurs. Rien n'est réécrit
à la main : l'export reste tel quel dans ``data/raw/<annee>/`` ; :func:`appliquer` en tire des DataFrames **dans la
disposition brute canonique** (textes, colonne ``ligne_source``), que ``nettoyage.nettoyer_financements`` nettoie
ensuite sans changement. ``ligne_source`` désigne toujours les lignes du fichier reçu.

Deux dispositions :

- ``large`` : une ligne par action, une colonne par financeur (ou, comme les fichiers transcrits du dépôt,
  directement les colonnes ``droit_commun``, ``credits_specifiques``, ``cget``) ;
- ``long`` : une ligne par action et financeur (une colonne « financeur », une colonne « montant ») ; les champs de
  l'action (intitulé, porteur, pilier…) sont pris sur ses lignes (ils doivent concorder d'une ligne à l'autre) ;
  ``ligne_source`` est la première ligne de l'action, ``lignes_source`` la liste de ses lignes (« 3, 4, 9 »).

Validation AVANT toute transformation (:func:`valider`), chaque erreur en français nommant fichier, ligne et colonne
(:class:`~politique_ville.clean.nettoyage.ErreursNettoyage`, toutes les erreurs d'un coup) : champ canonique inconnu,
colonne absente de l'export (avec les colonnes les plus proches), libellé sans correspondance (avec les libellés
canoniques et les plus proches), financeur présent sous deux noms, cible inconnue de la nomenclature. Puis les
données : montant négatif ou illisible, identifiant d'action en double (large) ou couple (action, financeur) en double
(long), action sans pilier, champ d'une action qui change d'une ligne à l'autre (long), SIRET ou RNA invalide.

Montants par financeur : les 9 financeurs canoniques (:data:`FINANCEURS`) donnent chacun une colonne
``montant_<code>`` ; ``cget`` = crédits spécifiques de l'État (BOP 147), ``credits_specifiques`` et ``droit_commun``
= sommes des financeurs de cette nature. En disposition longue, un financeur de l'export qui n'a pas de ligne pour une
action y vaut 0 € (l'export liste chaque financeur de chaque action) : le même chiffre dans tous les chapitres ; en
disposition large, une cellule vide reste vide (jamais un 0 inventé), comme une nature sans aucun financeur.

Le paquet, par ce qu'il fait (chaque nom public est importé ici : ``from politique_ville.clean.correspondance
import appliquer``) :

- ``canon`` : le schéma canonique (financeurs, natures, champs, colonnes ajoutées) ;
- ``declaration`` : le fichier YAML lu et vérifié dans sa forme (:class:`Correspondance`, format du fichier) ;
- ``validation`` : la correspondance confrontée à l'export, sans rien transformer (:func:`valider`) ;
- ``montants`` : montants lus en bloc, écrits pour la table brute ;
- ``dispositions`` : les dispositions large et longue, lues en actions et montants par financeur ;
- ``totaux`` : totaux de l'export rapprochés de ses lignes, table ``financements_programmation`` calculée ;
- ``application`` : :func:`appliquer`, la table ``programmation`` canonique, :class:`Resultat` ;
- ``porteurs`` : SIRET, SIREN, RNA, noms des porteurs ;
- ``territoire`` : la correspondance désignée par les paramètres d'un territoire, le journal du nettoyage ;
- ``_communs`` : outils partagés (erreurs rassemblées, libellés proches, fonction appliquée par valeur…).

Niveau « nettoyage » : ce paquet importe ``base``, ``reference`` et ``clean.nettoyage``, jamais ``compute``,
``present`` ni ``runner``.
"""

# Les noms publics du paquet, là où les appelants les importent (noqa F401 : importés pour être réexportés).
from politique_ville.clean.correspondance._communs import _est_total_general, par_valeur  # noqa: F401
from politique_ville.clean.correspondance.application import (  # noqa: F401
    Resultat,
    appliquer,
    lire_export,
    preparer_programmation,
    reprendre_table,
)
from politique_ville.clean.correspondance.canon import (  # noqa: F401
    CHAMPS,
    CHAMPS_ACTION,
    CHAMPS_OBLIGATOIRES,
    CLES_PROGRAMMATION,
    COLONNE_LIGNES,
    COLONNE_PORTEUR_EXPORT,
    DISPOSITIONS,
    FINANCEURS,
    LIBELLE_TOTAL_GENERAL,
    LIBELLES_TOTAL_GENERAL,
    MONTANTS_AGREGES,
    NATURES,
    PROVENANCE_EXPORT,
    TOTAL_GENERAL,
    TYPES_LIBELLES,
    colonne_financeur,
)
from politique_ville.clean.correspondance.declaration import (  # noqa: F401
    Correspondance,
    charger_correspondance,
    correspondance_depuis_dict,
)
from politique_ville.clean.correspondance.montants import lire_montants, texte_montant, textes_montants  # noqa: F401
from politique_ville.clean.correspondance.porteurs import (  # noqa: F401
    COLONNES_NOMS_PAR_IDENTIFIANT,
    SIREN_LA_POSTE,
    SIRET_SIEGE_LA_POSTE,
    cle_nom_porteur,
    cles_porteurs,
    identifiant_siret_valide,
    luhn_valide,
    nom_affichage,
    noms_par_identifiant,
    normaliser_identifiant,
    porteurs_par_identifiant,
    rna_valide,
    siren_valide,
    siret_valide,
)
from politique_ville.clean.correspondance.territoire import (  # noqa: F401
    PARAMETRE,
    bruts_du_territoire,
    chemin_correspondance,
    fichiers_du_territoire,
    resume_correspondance,
    tables_de_la_correspondance,
    tables_fournies,
)
from politique_ville.clean.correspondance.totaux import (  # noqa: F401
    COLONNES_ECARTS,
    COLONNES_ECARTS_FINANCEMENTS,
    ecarts_des_financements,
    export_des_financements,
)
from politique_ville.clean.correspondance.validation import valider  # noqa: F401
