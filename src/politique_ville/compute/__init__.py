"""Calculs du rapport : DataFrame en entrée, DataFrame en sortie, sans entrée/sortie de fichiers ni figure.

- ``qpv`` : géographie prioritaire, comparaisons des quartiers (chapitre 1, fiches quartier) ;
- ``programmation`` : programmation et programmes connexes (chapitre 2) ;
- ``contribution`` : contribution aux objectifs du Contrat de Ville, grille des priorités (chapitre 3, annexe).
"""
