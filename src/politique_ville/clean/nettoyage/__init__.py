"""Nettoyage des tables brutes : DataFrame brut (texte) -> DataFrame traité, journal des règles appliquées.

Aucune entrée/sortie ici : les référentiels sont passés en argument (:class:`Referentiels`), les fichiers sont lus et
écrits par ``catalog``. Chaque erreur nomme le fichier, la ligne (``ligne_source``) et la colonne ; les erreurs d'une
table sont toutes rassemblées dans un seul message (:class:`ErreursNettoyage`).

Le paquet, par ce qu'il fait (chaque nom public est importé ici : ``from politique_ville.clean.nettoyage import
nettoyer_insee``) :

- ``erreurs`` : les erreurs d'une table rassemblées (:class:`ErreursNettoyage`) ;
- ``journal`` : ce que le nettoyage a changé (:class:`Journal`) ;
- ``referentiels`` : référentiels du territoire et de l'année (:class:`Referentiels`), communes du Code officiel
  géographique ;
- ``colonnes`` : les règles d'une colonne selon son genre, une étape par genre ;
- ``tables`` : une table nettoyée selon son schéma (:func:`nettoyer_table`), clé, totaux, règles entre colonnes ;
- ``derivees`` : tables dérivées (une ligne par commune, valeurs manquantes de l'INSEE, clés de la provenance) ;
- ``territoire`` : quartiers du territoire dans un fichier plus large (:func:`selectionner_territoire`), table de
  comparaison, EPCI qui ont des quartiers, département d'un code de quartier ;
- ``financements`` : les tables de la programmation et des financements (:func:`nettoyer_financements`) ;
- ``insee`` : les tables de l'INSEE (:func:`nettoyer_insee`) ;
- ``_communs`` : outils partagés (clé de rapprochement, cellule vide, texte d'une valeur, séparateur des communes).
"""

from politique_ville.clean.nettoyage._communs import SEPARATEUR_COMMUNES, cle
from politique_ville.clean.nettoyage.derivees import (
    communes_eclatees,
    valeurs_manquantes_insee,
    verifier_provenance_insee,
)
from politique_ville.clean.nettoyage.erreurs import MAX_ERREURS, ErreursNettoyage
from politique_ville.clean.nettoyage.financements import nettoyer_financements
from politique_ville.clean.nettoyage.insee import nettoyer_insee
from politique_ville.clean.nettoyage.journal import Journal
from politique_ville.clean.nettoyage.referentiels import Referentiels, communes_du_cog
from politique_ville.clean.nettoyage.tables import TableNettoyee, nettoyer_table
from politique_ville.clean.nettoyage.territoire import (
    SelectionTerritoire,
    departement_du_code_qp,
    epci_des_quartiers,
    selectionner_territoire,
    table_comparaison,
)
from politique_ville.reference.etapes import TABLES_FINANCEMENTS, TABLES_INSEE

__all__ = [
    "MAX_ERREURS",
    "SEPARATEUR_COMMUNES",
    "TABLES_FINANCEMENTS",
    "TABLES_INSEE",
    "ErreursNettoyage",
    "Journal",
    "Referentiels",
    "SelectionTerritoire",
    "TableNettoyee",
    "cle",
    "communes_du_cog",
    "communes_eclatees",
    "departement_du_code_qp",
    "epci_des_quartiers",
    "nettoyer_financements",
    "nettoyer_insee",
    "nettoyer_table",
    "selectionner_territoire",
    "table_comparaison",
    "valeurs_manquantes_insee",
    "verifier_provenance_insee",
]
