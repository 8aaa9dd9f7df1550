"""Où vivent les données, et lecture robuste des fichiers bruts.

- ``data/raw/<annee>/`` : entrées telles que reçues, **jamais écrites par le code** ;
- ``data/reference/`` : référentiels officiels et communs à tous les territoires (extrait du COG, registre des
  indicateurs, nomenclature des piliers et thématiques) ;
- le dossier des référentiels d'un territoire (paramètre ``reference_dir``, par exemple
  ``data/reference/territoires/<nom>/`` pour un exemple du dépôt) : ses communes et leurs graphies, porteurs,
  périmètres, chiffres publiés ; il n'est lu que pour les années dont les paramètres le nomment ;
- ``data/processed/<annee>/`` : tables nettoyées (Parquet), écrites de façon atomique ;
- ``reports/<annee>/`` : rapports HTML, notebooks exécutés, validation.

Le paquet : ``chemins`` (:class:`Catalogue`, racine du projet, inventaire), ``lecture`` (:func:`lire_table` : CSV et
classeurs) et ``disposition`` (où est le tableau dans la feuille), ``traitees`` (écriture atomique, tables
nettoyées) ; chaque nom public est importé ici (``from politique_ville.base.catalog import Catalogue``).
"""

# Les noms publics du paquet, là où les appelants les importent (noqa F401 : importés pour être réexportés).
from politique_ville.base.catalog.chemins import EXTENSIONS, Catalogue, inventaire, racine_projet  # noqa: F401
from politique_ville.base.catalog.lecture import COLONNE_LIGNE, empreinte, lire_table  # noqa: F401
from politique_ville.base.catalog.traitees import (  # noqa: F401
    _LECTURES,
    TABLES_GARDEES,
    dossier_travail,
    ecrire_atomique,
    ecrire_tables,
    lire_tables,
    lire_traitees,
    promouvoir,
)
