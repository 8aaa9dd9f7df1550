"""Rapport sur la mise en œuvre de la politique de la ville : logique du pipeline.

Couches (les dépendances ne vont que vers le bas) :

- ``runner`` / ``export`` : exécution papermill des notebooks, export HTML ;
- ``concordance`` : recalcul des chiffres publiés à partir des tables ;
- ``clean`` : normalisation des montants, taux, libellés (fonctions pures) ;
- ``catalog`` : où vivent les données (brutes, traitées, rapports) et lecteurs robustes.
"""

__version__ = "0.1.0"

import pandas as _pd

#: Les textes des tables sont gardés en chaînes Python (``str``, stockage « python ») plutôt que dans des tableaux
#: Arrow (stockage « pyarrow », celui que pandas 3 choisit de lui-même) : même type ``str``, même valeur manquante
#: (``NaN``), mêmes résultats (pages, classeurs et tables d'un lot de 62 territoires identiques, hors identifiants et
#: dates), mais nos tables ont des dizaines à quelques milliers de lignes et sont lues case par case (vues, classeurs,
#: phrases) : chaque accès à un tableau Arrow coûte plus qu'il ne rapporte. Mesuré (docs/performances.md, dixième
#: mesure) : chapitre 10 d'un territoire −18 % de temps de calcul. Un choix déjà fait par l'utilisateur (option
#: ``mode.string_storage`` autre que « auto » avant d'importer le paquet) est respecté. Coût : importer le paquet
#: importe pandas (``python -m politique_ville --help`` : 0,35 s au lieu de 0,03 s).
STOCKAGE_DES_TEXTES = "python"
if _pd.get_option("mode.string_storage") == "auto":
    _pd.set_option("mode.string_storage", STOCKAGE_DES_TEXTES)
