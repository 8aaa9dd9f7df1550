"""Mémoire par processus des calculs sur tout le territoire, pour les fiches quartier exécutées en série dans un même
noyau.

Les fiches quartier d'un lot s'exécutent l'une après l'autre dans le même noyau Jupyter : l'espace de noms de
l'utilisateur est vidé entre deux fiches, mais les modules importés restent. Chaque fiche relit les mêmes tables
nettoyées et refait, sur tout le territoire (1 648 quartiers, 30 000 actions à l'échelle nationale), les mêmes calculs
(quartiers et leurs communes, niveaux de comparaison, rangs parmi les QPV, classement des besoins et des moyens)
avant d'en extraire les lignes de son quartier. Ce module fait ces calculs une fois par noyau.

La règle : **même contenu en entrée, même résultat en sortie**. La mémoire ne change jamais un résultat ; elle évite
seulement de le recalculer.

- :func:`marquer` dit qu'un objet table (``DataFrame``, ``Series``) précis a un contenu identifié par un *jeton*
  (valeur hachable). ``catalog.lire_traitees`` marque chaque table lue d'un fichier Parquet par le chemin, l'inode, la
  taille et les dates du fichier : un fichier réécrit a un autre jeton. Le marquage suit l'objet lui-même (son
  identité, avec une référence faible : un autre objet qui reprendrait la même adresse n'hérite pas du jeton) ; une
  table dérivée (filtrée, triée, copiée hors de ce module) n'est pas marquée ;
- :func:`jeton` donne le jeton d'un argument : celui d'une table marquée, la valeur elle-même pour ``None``, une
  chaîne, un nombre, un booléen ou un tuple de tels arguments ; :data:`AUCUN` sinon (table non marquée, liste...) ;
- :func:`une_fois` décore une fonction pure : quand chaque argument a un jeton, le résultat est gardé sous la clé
  des jetons (seulement les dernières clés : la mémoire reste bornée à l'échelle nationale) ; chaque appel rend une
  **copie** du résultat gardé (tables copiées, dictionnaires et listes recopiés), si bien qu'un résultat modifié par
  celui qui l'a reçu ne change pas l'appel suivant ; les tables rendues sont marquées à leur tour (nom de la fonction
  et clé) et peuvent alimenter une autre fonction décorée. Sinon (un argument sans jeton), la fonction est
  simplement appelée.

Le seul trou de la règle : une table marquée **modifiée en place** après sa lecture (``df.loc[...] = ...``) garde son
jeton, et une fonction décorée rendrait le résultat calculé sur son contenu d'avant. Les notebooks du rapport ne le
font jamais (les fonctions de ``compute`` sont pures : elles ne modifient pas leurs entrées). Un changement de
structure en place (colonne ajoutée ou retirée, index remplacé) est, lui, détecté : la table perd son jeton.

Une table lue (``catalog.lire_traitees``) est reconnue à l'identité de son fichier, pas à son contenu : un fichier
réécrit sur place, à la même taille, dans le même tic d'horloge du système de fichiers (quelques millisecondes) et
sous le même inode garderait son jeton. Les tables nettoyées sont écrites par renommage d'un nouveau fichier
(``catalog.ecrire_atomique``) : nouvel inode.

Couche la plus basse du paquet : n'importe que la bibliothèque standard et pandas (et numpy, sur lequel pandas
repose).
"""

from __future__ import annotations

import functools
import inspect
import threading
import types
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

#: Jeton d'un argument qui n'en a pas (table non marquée, objet quelconque) : pas de mémoire pour cet appel.
AUCUN = object()

#: id(table) -> (référence faible vers la table, jeton, colonnes, index) ; l'entrée disparaît avec la table.
_MARQUES: dict[int, tuple] = {}
_VERROU = threading.RLock()
#: les mémoires des fonctions décorées (pour :func:`oublier`)
_MEMOIRES: list[OrderedDict] = []

_SCALAIRES = (str, int, float, bool, bytes)


def marquer(table, jeton: Hashable):
    """Note que cet objet table (``DataFrame`` ou ``Series``) a le contenu identifié par ``jeton`` ; rend la table."""
    hash(jeton)  # un jeton non hachable est une erreur de programmation : la dire tout de suite
    cle = id(table)

    def oublier(ref, cle=cle):
        with _VERROU:
            entree = _MARQUES.get(cle)
            if entree is not None and entree[0] is ref:
                del _MARQUES[cle]

    with _VERROU:
        _MARQUES[cle] = (weakref.ref(table, oublier), jeton, table.index, getattr(table, "columns", None))
    return table


def _jeton_table(table):
    with _VERROU:
        entree = _MARQUES.get(id(table))
    if entree is None:
        return AUCUN
    ref, jeton_, index, colonnes = entree
    if ref() is not table:
        return AUCUN
    # structure changée en place depuis le marquage (colonne ajoutée ou retirée, lignes retriées) : plus de jeton
    if table.index is not index or getattr(table, "columns", None) is not colonnes:
        return AUCUN
    return ("table", jeton_)


def jeton(obj):
    """Le jeton d'un argument (voir le module) ; :data:`AUCUN` si l'argument n'en a pas."""
    if obj is None:
        return None
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return _jeton_table(obj)
    if isinstance(obj, _SCALAIRES):
        return (type(obj).__name__, obj)  # 1, 1.0 et True ne se confondent pas
    if isinstance(obj, tuple):
        jetons = tuple(jeton(x) for x in obj)
        return AUCUN if any(j is AUCUN for j in jetons) else ("tuple", jetons)
    return AUCUN


def memorisable(obj) -> bool:
    """L'argument a-t-il un jeton (une fonction décorée par :func:`une_fois` gardera-t-elle son résultat) ?"""
    return jeton(obj) is not AUCUN


def copie(obj, jeton_: Hashable | None = None):
    """Copie d'un résultat gardé : tables copiées (et marquées de ``jeton_`` suivi de leur place dans le résultat),
    dictionnaires, listes, ensembles et tableaux numpy inscriptibles recopiés ; tuples reconstruits autour des copies ; le reste
    (chaînes, nombres, ``MappingProxyType``, objets immuables) rendu tel quel."""
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        # copie légère : la copie à l'écriture de pandas 3 garde le résultat intact de ce qu'on fait de la copie
        c = obj.copy(deep=False)
        return c if jeton_ is None else marquer(c, jeton_)
    if isinstance(obj, dict):
        return type(obj)((k, copie(v, None if jeton_ is None else (jeton_, k))) for k, v in obj.items())
    if isinstance(obj, list):
        return [copie(v, None if jeton_ is None else (jeton_, i)) for i, v in enumerate(obj)]
    if isinstance(obj, tuple):
        elements = [copie(v, None if jeton_ is None else (jeton_, i)) for i, v in enumerate(obj)]
        return type(obj)._make(elements) if hasattr(obj, "_fields") else tuple(elements)
    if isinstance(obj, set):
        return set(obj)
    if isinstance(obj, np.ndarray):
        return obj if not obj.flags.writeable else obj.copy()
    return obj


def une_fois(fonction: Callable | None = None, *, taille: int = 2):
    """Décorateur : le résultat de ``fonction`` est gardé pour les ``taille`` dernières clés de jetons de ses
    arguments (voir le module) ; chaque appel en rend une copie. ``fonction.sans_memoire`` appelle la fonction
    elle-même ; ``fonction.memoire`` est la mémoire (clé -> résultat), pour les tests."""

    def decorer(f: Callable) -> Callable:
        signature = inspect.signature(f)
        nom = f"{f.__module__}.{f.__qualname__}"
        memoire: OrderedDict = OrderedDict()
        with _VERROU:
            _MEMOIRES.append(memoire)

        def cle_de(args, kwargs):
            try:
                lies = signature.bind(*args, **kwargs)
            except TypeError:
                return AUCUN  # appel invalide : la fonction elle-même dira pourquoi
            lies.apply_defaults()
            parties = []
            for nom_arg, valeur in lies.arguments.items():
                if isinstance(valeur, dict):  # **kwargs
                    j = jeton(tuple(sorted(valeur.items())))
                else:
                    j = jeton(valeur)
                if j is AUCUN:
                    return AUCUN
                parties.append((nom_arg, j))
            return tuple(parties)

        @functools.wraps(f)
        def enveloppe(*args, **kwargs):
            cle = cle_de(args, kwargs)
            if cle is AUCUN:
                return f(*args, **kwargs)
            with _VERROU:
                trouve = cle in memoire
                if trouve:
                    memoire.move_to_end(cle)
                    garde = memoire[cle]
            if not trouve:
                # gardé sous forme de copie : un résultat qui serait l'une des entrées (rendue telle quelle) ne suit
                # pas les changements que l'appelant ferait à cette entrée
                garde = copie(f(*args, **kwargs))
                with _VERROU:
                    memoire[cle] = garde
                    memoire.move_to_end(cle)
                    while len(memoire) > taille:
                        memoire.popitem(last=False)
            return copie(garde, (nom, cle))

        enveloppe.sans_memoire = f
        enveloppe.memoire = memoire
        return enveloppe

    return decorer(fonction) if fonction is not None else decorer


def oublier() -> None:
    """Vide la mémoire de toutes les fonctions décorées (les marques des tables restent)."""
    with _VERROU:
        for m in _MEMOIRES:
            m.clear()


def lecture_seule(mapping: dict) -> types.MappingProxyType:
    """Un dictionnaire en lecture seule : rendu tel quel (sans copie) par une fonction décorée. Ses valeurs doivent
    être immuables (nombres, chaînes, tuples, tableaux numpy non inscriptibles)."""
    return types.MappingProxyType(mapping)
