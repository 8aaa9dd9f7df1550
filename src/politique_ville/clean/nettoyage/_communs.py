"""Outils partagés du nettoyage : clé de rapprochement des libellés, cellule vide, texte d'une valeur,
séparateur des communes d'une cellule."""

from __future__ import annotations

import functools
import math
import re

import pandas as pd

from politique_ville.base.valeurs import texte_normalise

#: Séparateur des communes d'une cellule : « , », « ; », « / », ou un tiret entouré d'espaces (« Lens - Liévin »,
#: graphie de certains fichiers de l'INSEE). Un tiret sans espaces fait partie du nom (« Saint-Étienne-du-Rouvray »).
SEPARATEUR_COMMUNES = re.compile(r"\s*[,;/]\s*|\s+[-\u2013\u2014]\s+")


def cle(texte: str) -> str:
    """Clé de rapprochement des libellés : minuscules, sans accents, tirets/espaces/apostrophes unifiés."""
    if isinstance(texte, str):  # les mêmes libellés reviennent à chaque ligne : clé calculée une fois par texte
        return _cle_de_texte(texte)
    return _cle(texte)


def _cle(texte) -> str:
    t = texte_normalise(texte).replace("’", "'")
    t = re.sub(r"[-_'\s]+", " ", t)
    return t.strip(" .:")


_cle_de_texte = functools.lru_cache(maxsize=1 << 16)(_cle)


def _vide(v) -> bool:
    """Cellule vide (texte) : seul le vide compte, pas les marqueurs « - » ou « n.c. » des colonnes numériques."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _texte(v) -> str:
    if _vide(v):
        return "∅"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
