"""Les chiffres publiés : un registre, un langage de recalcul, une comparaison, un type de statut.

**Le registre** (:class:`Registre`) lit, dans le dossier des référentiels, ``chiffres_publies_<annee>.csv`` (un
chiffre publié par ligne) et ``ecarts_documentes_<annee>.csv`` (l'explication des écarts que le rapport lui-même
contient). Une année sans rapport publié donne un registre vide. Colonnes des chiffres publiés :

- ``id`` (identifiant stable, utile aux humains et aux écarts documentés ; le code n'en dépend pas), ``section``
  (section du rapport), ``libelle``, ``valeur`` (texte, point décimal : sa précision est celle du rapport),
  ``unite``, ``tolerance`` (vide, ou l'écart permis quand le rapport écrit « près de », « environ »), ``citation``
  (extrait du rapport), ``calcul`` (expression de recalcul, ci-dessous ; vide si aucune table ne le permet) ;
- ``nature`` : ce que prouve la comparaison, décidé chiffre par chiffre d'après ``data/raw/README.md`` (règles de
  reconstruction) et les colonnes de provenance des fichiers bruts (``provenance_*`` de ``programmation.csv``,
  ``insee_provenance.csv``), avec cette règle, dans l'ordre :

  1. « par construction » : le calcul lit des valeurs reconstruites (provenance « reconstruit » ou
     « approximatif ») que la transcription a choisies pour redonner CE chiffre (montants par action répartis sur
     le groupe dont le total est ce chiffre, valeurs par quartier et totaux de l'agglomération choisis pour les
     moyennes et les parts publiées, lignes créées pour atteindre un nombre publié : 16e QPV, quartiers non
     nommés, ligne de pilotage) ; l'accord ne prouve que la tenue de la reconstruction ;
  2. « dépend de la reconstruction » : le calcul lit des valeurs reconstruites qui n'ont pas été choisies pour ce
     chiffre (crédits CGET par type de porteur, porteurs des PRE attribués aux CCAS) : un accord serait une
     coïncidence, et la taille d'un écart dépend d'un choix de reconstruction ;
  3. « relecture de la transcription » : le calcul relit la case où le chiffre lui-même a été recopié (valeur
     d'une table de référence, d'un indicateur d'action, d'un montant publié) ; l'accord vérifie la transcription ;
  4. « vérification indépendante » : la valeur résulte d'autres données publiées que le chiffre (comptes d'actions,
     de porteurs, de priorités, de projets listés ; somme des lignes d'un tableau comparée à son total imprimé ;
     règle d'un fonds de concours ; somme de totaux publiés comparée à un autre total) ;
  5. « sans recalcul » : pas d'expression de recalcul.

- ``derive`` : « oui » pour un chiffre que le rapport n'imprime pas mais implique (le total de 100 % d'une
  répartition en parts) ; il reste comparé, et signalé comme tel.

**Le langage de recalcul** (colonne ``calcul``) : syntaxe Python, seules les fonctions ci-dessous, des constantes,
``+ - * /`` et des parenthèses. Les expressions sont analysées (module ``ast``), jamais exécutées.

- ``somme("table", "colonne", **filtres)`` ; ``nombre("table", **filtres)`` ;
  ``distinct("table", "colonne", **filtres)`` ; ``valeur("table", "colonne", **filtres)`` (une seule ligne) ;
- ``moyenne(...)``, ``moyenne_ponderee("table", "colonne", "poids", **filtres)``, ``maximum(...)``, ``minimum(...)``.

Les filtres sont des égalités sur le texte de la colonne (espaces de bord ignorés) ou une appartenance à une liste.
:func:`evaluer` calcule une expression sur des tables ; :func:`analyser` décrit un appel unique
(:class:`Appel` : fonction, table, colonne, filtres) ; :func:`calcul` écrit une expression à partir de ses parties ;
:func:`normaliser` donne sa forme canonique (guillemets, espaces, ordre des filtres et des listes sans effet).

**Une comparaison** (:func:`concorde`, :func:`comparer`) : la valeur recalculée concorde si, arrondie à la précision
du texte publié (« 35.3 » : une décimale), elle redonne la valeur publiée ; quand le rapport donne une
approximation (« ≈ » : colonne ``tolerance`` remplie), si elle est à au plus ``tolerance`` de la valeur publiée.

**Un type de statut** (:class:`Statut`, à valeurs texte : « identique », « écart documenté », « écart non
expliqué », « non recalculable », « non publié »).

**Retrouver le chiffre publié de ce qu'on calcule, sans identifiant.** Un chapitre décrit ce qu'il calcule par son
expression, et le registre le retrouve : ``registre.chercher('nombre("programmation", pilier="Pilotage")')`` ou,
par ses parties, ``registre.chercher(fonction="nombre", table="programmation", pilier="Pilotage")`` (filtres
exactement ceux donnés), éventuellement limité à une section (``section="2.1"`` : la section ou ses
sous-sections). La comparaison se fait sur la forme normalisée. Le total d'un tableau réparti par groupes s'écrit
comme la somme sur ses groupes (filtre liste : ``pilier=["A", "B"]``) : il se distingue ainsi du même total cité
ailleurs dans le texte. :meth:`Registre.confronter` place à côté de chaque ligne d'une table recalculée (colonne
``calcul``, et ``section`` facultative) le ou les chiffres publiés de même expression : une ligne par chiffre
publié quand le rapport imprime plusieurs fois la même quantité.
Le paquet : ``langage`` (analyse et écriture des expressions), ``evaluation`` (:func:`evaluer`), ``statuts``
(:func:`concorde`, :func:`comparer`, :class:`Statut`, :class:`Nature`), ``registre`` (:class:`Registre`,
:func:`charger_tables`) ; chaque nom public est importé ici (``from politique_ville.published.chiffres import
Registre``).
"""

# Les noms publics du paquet, là où les appelants les importent (noqa F401 : importés pour être réexportés).
from politique_ville.published.chiffres.evaluation import Resultat, evaluer  # noqa: F401
from politique_ville.published.chiffres.langage import FONCTIONS, Appel, analyser, appels, calcul, normaliser  # noqa: F401
from politique_ville.published.chiffres.registre import (  # noqa: F401
    COLONNES_CHIFFRES,
    COLONNES_ECARTS,
    ChiffrePublie,
    Registre,
    charger_tables,
)
from politique_ville.published.chiffres.statuts import (  # noqa: F401
    ECART_DEPENDANT,
    ECART_INDEPENDANT,
    Nature,
    Statut,
    comparer,
    concorde,
    genre,
)
