"""Rapport sur la mise en œuvre de la politique de la ville : logique du pipeline.

Couches (les dépendances ne vont que vers le bas) :

- ``runner`` / ``export`` : exécution papermill des notebooks, export HTML ;
- ``concordance`` : recalcul des chiffres publiés à partir des tables ;
- ``clean`` : normalisation des montants, taux, libellés (fonctions pures) ;
- ``catalog`` : où vivent les données (brutes, traitées, rapports) et lecteurs robustes.
"""

__version__ = "0.1.0"
