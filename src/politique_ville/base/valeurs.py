"""Normalisation des valeurs telles qu'on les reçoit (fonctions pures, sans E/S).

Les montants et taux arrivent sous toutes les formes françaises : « 1 712 989 € », « 1 712 989,50 € »,
« 53.387 € », « 1.053.610 € », « 15 000€ », « 35,3% », « 35,3 % », espaces insécables et fines,
cellules vides, « - » ou « n.c. ». Une valeur manquante reste manquante (NaN), jamais zéro.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

#: Textes qui signifient « valeur manquante » (jamais zéro).
MARQUEURS_MANQUANT = {
    "",
    "-",
    "–",
    "—",
    "n.c.",
    "n.c",
    "nc",
    "n.d.",
    "n.d",
    "nd",
    "s",
    "ns",
    "n.s.",
    "n.s",
    "na",
    "nan",
    "none",
    "null",
    "/",
    "?",
    "secret",
    "secret statistique",
    "non communiqué",
    "non disponible",
    "non significatif",
}

MOTIF_SECRET = "secret statistique"
MOTIF_NON_DISPONIBLE = "non disponible"
#: Motif de chaque marqueur de valeur manquante des fichiers de l'INSEE (en minuscules, espaces de bord retirés).
#: « s » et la case vide : secret statistique (convention de l'INSEE) ; « n.s. » (non significatif : effectif trop
#: faible pour être diffusé) est rangé avec le secret ; « nd », « n.d. » et les autres marqueurs (« - », « n.c. »,
#: « / »…) : non disponible.
MOTIFS_MARQUEURS = {
    "": MOTIF_SECRET,
    "s": MOTIF_SECRET,
    "secret": MOTIF_SECRET,
    "secret statistique": MOTIF_SECRET,
    "ns": MOTIF_SECRET,
    "n.s.": MOTIF_SECRET,
    "n.s": MOTIF_SECRET,
    "non significatif": MOTIF_SECRET,
}

_ESPACES = "\u00a0\u202f\u2009\u2007\u200a\u2008 \t"
_MILLIERS_POINT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_MILLIERS_POINT_MULTI = re.compile(r"^\d{1,3}(\.\d{3}){2,}$")
_MILLIERS_VIRGULE = re.compile(r"^\d{1,3}(,\d{3}){2,}$")
_NOMBRE = re.compile(r"^\d+(\.\d+)?$")


class ValeurIllisible(ValueError):
    """Le texte n'est pas un nombre lisible (le message dit pourquoi, en français)."""


def est_manquant(texte) -> bool:
    """Vrai si la cellule signifie « valeur manquante »."""
    if texte is None:
        return True
    if isinstance(texte, float) and math.isnan(texte):
        return True
    if texte is pd.NA:
        return True
    if isinstance(texte, str):
        t = texte.strip(_ESPACES).lower()
        return t in MARQUEURS_MANQUANT
    return False


def motif_manquant(texte) -> str | None:
    """Motif d'une cellule manquante d'après son marqueur : « secret statistique » pour « s », « S », « n.s. » et la
    case vide (convention de l'INSEE), « non disponible » pour « nd », « ND », « n.d. », « - », « n.c. »… ;
    ``None`` si la cellule n'est pas un marqueur de valeur manquante (un nombre, ou un texte illisible)."""
    if not est_manquant(texte):
        return None
    if not isinstance(texte, str):
        return MOTIF_SECRET  # None, NaN : case vide
    return MOTIFS_MARQUEURS.get(texte.strip(_ESPACES).lower(), MOTIF_NON_DISPONIBLE)


def lire_nombre(texte, genre: str = "auto") -> float:
    """Lit un nombre écrit à la française et renvoie un float (NaN si manquant).

    ``genre`` : ``"montant"`` (un point groupe les milliers : « 53.387 € » = 53 387),
    ``"taux"`` ou ``"nombre"`` (le point est décimal : « 45.6% », « 1.2 »), ``"auto"`` (montant si « € »
    figure dans le texte, sinon le point n'est un séparateur de milliers que s'il y en a plusieurs :
    « 1.053.610 »). Lève :class:`ValeurIllisible` si le texte n'est pas un nombre.
    """
    if isinstance(texte, (int, np.integer)) and not isinstance(texte, bool):
        return float(texte)
    if isinstance(texte, (float, np.floating)):
        return float(texte)
    if est_manquant(texte):
        return math.nan
    if not isinstance(texte, str):
        raise ValeurIllisible(f"type inattendu {type(texte).__name__}")
    brut = texte
    t = unicodedata.normalize("NFKC", texte).strip()
    # « 280 000 (dont 35 000 Pol Ville) » : la précision entre parenthèses n'est pas le montant
    t = re.sub(r"\(.*\)\s*$", "", t).strip()
    if "€" in t or "eur" in t.lower():
        genre = "montant" if genre == "auto" else genre
    t = re.sub(r"(?i)\s*(€|euros?|eur)\s*$", "", t)
    t = re.sub(r"\s*%\s*$", "", t)
    negatif = False
    if t.startswith(("-", "−", "–")):
        negatif, t = True, t[1:]
    elif t.startswith("+"):
        t = t[1:]
    for e in _ESPACES:
        t = t.replace(e, "")
    t = t.replace("'", "")
    if not t:
        raise ValeurIllisible(f"« {brut} » ne contient pas de nombre")
    if "," in t and "." in t:
        # 1.712.989,50 (milliers point, décimale virgule) ou 1,712,989.50 (anglais)
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    elif "," in t:
        t = t.replace(",", "") if _MILLIERS_VIRGULE.match(t) else t.replace(",", ".")
    elif "." in t:
        if genre == "montant" and _MILLIERS_POINT.match(t):
            t = t.replace(".", "")
        elif genre == "auto" and _MILLIERS_POINT_MULTI.match(t):
            t = t.replace(".", "")
    if not _NOMBRE.match(t):
        raise ValeurIllisible(f"« {brut} » n'est pas un nombre lisible")
    valeur = float(t)
    return -valeur if negatif else valeur


def lire_nombres(serie: pd.Series, genre: str = "auto") -> pd.Series:
    """Applique :func:`lire_nombre` à une série ; lève :class:`ValeurIllisible` à la première valeur illisible,
    avec l'index de la ligne dans l'attribut ``index``."""
    sortie = []
    for idx, v in serie.items():
        try:
            sortie.append(lire_nombre(v, genre))
        except ValeurIllisible as exc:
            exc.index = idx
            raise
    return pd.Series(sortie, index=serie.index, dtype="float64", name=serie.name)


def arrondi_publie(valeur: float, decimales: int) -> float:
    """Arrondi « commercial » (0,5 vers le haut) à la précision publiée : 35,25 -> 35,3."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return math.nan
    facteur = 10**decimales
    return math.floor(abs(valeur) * facteur + 0.5 + 1e-9) / facteur * (1 if valeur >= 0 else -1)


def decimales_du_texte(texte: str) -> int:
    """Nombre de décimales d'un nombre écrit « 35.3 » -> 1 ; « 1712989 » -> 0."""
    t = str(texte).strip()
    return len(t.split(".", 1)[1]) if "." in t else 0


def texte_normalise(texte: str) -> str:
    """Clé de comparaison : minuscules, sans accents ni ligatures, espaces et tirets unifiés."""
    t = unicodedata.normalize("NFKD", str(texte).replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[\u2010-\u2015\-]", "-", t)
    t = re.sub(r"[\s\u00a0\u202f]+", " ", t)
    return t.strip()
