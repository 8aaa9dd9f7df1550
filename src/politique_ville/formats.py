"""Les formats français : chaque nombre, unité, signe, rang et accord que lit le lecteur, écrit ici et nulle part
ailleurs (séparateurs de Babel, ``fr_FR`` : espace fine insécable des milliers, virgule décimale ; « − » ; « 35,3 % » ;
« 1 712 989 € »).

Deux familles : les nombres seuls (:func:`nombre_fr`, :func:`euros`, :func:`pourcent`, :func:`avec_unite`,
:func:`accord`, :func:`signe`…) et les valeurs d'un indicateur du registre, à sa précision et avec son unité
(:func:`formater`, :func:`formater_ecart`, :func:`entete`, :func:`entete_rang`…).

Étage : juste au-dessus de ``reference`` (il lit l'unité et la précision d'un indicateur dans le registre) : tous les
étages du dessus écrivent leurs nombres par lui, les messages du nettoyage comme les phrases et les tableaux.
``compute`` ne l'importe jamais (contrat « calcul-pur ») : un calcul rend des nombres.
"""

from __future__ import annotations

import functools
import math
import numbers
from decimal import Decimal

import pandas as pd
from babel.numbers import format_decimal

from politique_ville.base.valeurs import arrondi_publie
from politique_ville.reference.indicateurs import definition
from politique_ville.reference.provenance import NON_PUBLIE

ESPACE_MILLIERS = "\u202f"  # espace fine insécable, comme l'INSEE
ESPACE_UNITE = "\u00a0"  # espace insécable avant l'unité
LOCALE = "fr_FR"


def nombre_fr(valeur, decimales: int = 0) -> str:
    """1712989 -> « 1 712 989 » ; 35.25, 1 -> « 35,3 » ; manquant -> « — ».

    Séparateurs français de Babel (``fr_FR`` : espace fine insécable des milliers, virgule décimale) ; l'arrondi
    est celui des chiffres publiés (0,5 vers le haut, :func:`clean.arrondi_publie`), pas l'arrondi au pair de Babel ;
    le signe moins est le vrai « − »."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) or valeur is pd.NA:
        return "—"

    v = arrondi_publie(float(valeur), decimales)
    return ("−" if v < 0 else "") + _babel(f"{abs(v):.{decimales}f}", decimales)


@functools.lru_cache(maxsize=1 << 16)
def _babel(chiffres: str, decimales: int) -> str:
    """« 1712989.0 » -> « 1 712 989,0 » par Babel, gardé en mémoire : les mêmes valeurs (taux à une décimale,
    petits effectifs, valeurs des niveaux de comparaison répétées dans chaque fiche) reviennent des milliers de
    fois dans un rapport, et Babel coûte ~25 µs par nombre."""
    motif = "#,##0" + ("." + "0" * decimales if decimales else "")
    return format_decimal(Decimal(chiffres), format=motif, locale=LOCALE)


def majuscule_initiale(texte: str) -> str:
    """Le texte avec sa première lettre en majuscule, le reste tel quel (« région Occitanie (76) » -> « Région
    Occitanie (76) » ; ``str.capitalize`` mettrait les noms propres en minuscules : « Région occitanie »)."""
    return texte[:1].upper() + texte[1:]


def accord(n, singulier: str, pluriel: str | None = None) -> str:
    """« 1 quartier », « 2 quartiers », « 0 action » : le nombre à la française et le mot accordé (0 et 1 au
    singulier, comme en français ; pluriel ``singulier + s`` par défaut)."""
    mot = singulier if abs(float(n)) < 2 else (pluriel if pluriel is not None else singulier + "s")
    return f"{nombre_fr(n)} {mot}"


def euros(valeur, decimales: int = 0) -> str:
    """« 1 712 989 € »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "€"


def pourcent(valeur, decimales: int = 1) -> str:
    """« 35,3 % »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "%"


def avec_unite(valeur, unite: str, decimales: int | None = None) -> str:
    """Formate une valeur selon son unité (« € », « % », « projets »…)."""
    if decimales is None:
        entier = isinstance(valeur, numbers.Integral) or (
            isinstance(valeur, numbers.Real) and (math.isnan(valeur) or float(valeur).is_integer())
        )
        decimales = 0 if valeur is None or valeur is pd.NA or entier else 1
    if unite == "€":
        return euros(valeur, decimales)
    if unite == "%":
        return pourcent(valeur, decimales)
    t = nombre_fr(valeur, decimales)
    return t if t == "—" or not unite else f"{t}{ESPACE_UNITE}{unite}"


def auto(v) -> str:
    """Nombre sans décimale s'il est entier, sinon à une décimale : « 12 », « 4,3 », « — »."""
    return avec_unite(v, "")


def _avec_signe(v, texte: str) -> str:
    return "+" + texte if pd.notna(v) and v > 0 else texte


def signe(v) -> str:
    """Écart ou évolution avec son signe : « +2 », « −4,3 », « 0 », « — »."""
    return _avec_signe(v, auto(v))


def signe_pct(v) -> str:
    """« +12,5 % », « −3,0 % »."""
    return _avec_signe(v, pourcent(v))


def signe_euros(v) -> str:
    """« +1 200 € », « −35 € »."""
    return _avec_signe(v, euros(v))


def oui_non(v) -> str:
    """« oui », « non », « — » (manquant)."""
    return "—" if pd.isna(v) else ("oui" if v else "non")


def valeur_absente(valeur) -> bool:
    return valeur is None or valeur is pd.NA or (isinstance(valeur, float) and math.isnan(valeur))


def formater(code: str, valeur, manquant: str = "—", unite: bool = True) -> str:
    """Une valeur d'indicateur à la française, avec son unité (sans, si ``unite`` est faux : tableaux dont l'en-tête
    donne l'unité) ; un texte (« secret », « non publié ») est gardé."""
    if isinstance(valeur, str):
        return valeur
    if valeur_absente(valeur):
        return manquant
    i = definition(code)
    if not unite:
        return nombre_fr(valeur, i.decimales)
    if i.unite == "%":
        return pourcent(valeur, i.decimales)
    if i.unite.startswith("€"):
        return euros(valeur, i.decimales) + i.unite[1:]
    if i.unite == "indice":
        return nombre_fr(valeur, i.decimales)
    return avec_unite(valeur, "", i.decimales)


def formateur(code: str, manquant: str = "—", unite: bool = True):
    """Fonction de mise en forme d'une colonne de tableau (``Chapitre.tableau(..., formats=...)``)."""
    return lambda v: formater(code, v, manquant, unite)


def entete(code: str, court: bool = True) -> str:
    """En-tête de colonne d'un indicateur, avec son unité : « Moins de 25 ans (%) »."""
    i = definition(code)
    return f"{i.court if court else i.libelle} ({i.unite})"


def formater_ecart(code: str, valeur, manquant: str = "—") -> str:
    """Écart signé : « +6,5 pts », « −1,1 pt », « −399 € par mois », « +0,4 »."""
    if isinstance(valeur, str):
        return valeur
    if valeur_absente(valeur):
        return manquant
    i = definition(code)
    texte = nombre_fr(valeur, i.decimales)
    signe = "+" if texte.strip("0,−") != "" and not texte.startswith("−") else ""
    if i.unite == "%":
        return f"{signe}{texte}\u00a0pt" + ("s" if abs(valeur) >= 2 else "")
    if i.unite.startswith("€"):
        return f"{signe}{texte}\u00a0€{i.unite[1:]}"
    return f"{signe}{texte}"


def ecart_court(code: str, valeur: float) -> str:
    """Étiquette de barre : l'écart signé sans unité (« +6,5 », « −1,1 ») ; l'unité est dans le libellé de l'axe."""
    t = nombre_fr(valeur, definition(code).decimales)
    return t if t.startswith("−") or t.strip("0,") == "" else "+" + t


def formater_nombre(valeur, manquant: str = NON_PUBLIE) -> str:
    """Valeur d'un tableau où chaque ligne a son unité (colonne « Unité ») : une décimale, sauf au-delà de 100
    (montants en euros, arrondis à l'euro) ; un texte (« secret ») est gardé ; manquant -> ``manquant``."""
    if isinstance(valeur, str):
        return valeur
    if valeur_absente(valeur):
        return manquant
    return nombre_fr(valeur, 0 if abs(float(valeur)) >= 100 else 1)


def unite_ecart(code: str) -> str:
    """Unité d'un écart, pour un libellé d'axe : « points de % », « € par mois », « indice »."""
    u = definition(code).unite
    return "points de %" if u == "%" else u


def rang_texte(valeur) -> str:
    """« 3 » ; un texte (« secret ») est gardé ; manquant -> « — »."""
    if isinstance(valeur, str):
        return valeur
    if valeur_absente(valeur):
        return "—"
    return str(int(valeur))


def annee_texte(valeur) -> str:
    """Année de reconnaissance d'un quartier : « 2014 », ou « non précisée »."""
    return "non précisée" if valeur_absente(valeur) else str(valeur)


def nombre_ou(manquant: str, decimales: int | None = None, pour_cent: bool = False):
    """Format de colonne : le nombre à la française (en %, si ``pour_cent``), ``manquant`` s'il manque."""

    def f(v):
        if isinstance(v, str):
            return v
        if valeur_absente(v):
            return manquant
        if pour_cent:
            return pourcent(v, 1 if decimales is None else decimales)
        return nombre_fr(v, 0 if decimales is None else decimales)

    return f


def chiffre_cle(v) -> str:
    """Valeur d'un chiffre clé : entier sans décimale, sinon une décimale ; « non publié » s'il manque."""
    return NON_PUBLIE if valeur_absente(v) else nombre_fr(v, 0 if float(v).is_integer() else 1)


#: la convention des rangs, la même partout (chapitre et fiches) : rang 1 = situation la plus défavorable selon le
#: sens du registre des indicateurs
CONVENTION_RANG = (
    "Rang 1 = situation la plus défavorable (valeur la plus élevée d'un indicateur défavorable quand il est élevé, "
    "la plus faible d'un indicateur favorable — taux d'emploi, revenu —, la plus élevée d'un indicateur ni l'un ni "
    "l'autre)"
)


def entete_rang(code: str) -> str:
    """En-tête d'une colonne de rangs orientés : « Taux d'emploi (1 = le plus faible) »."""
    return f"{definition(code).court} (1 = {'le plus faible' if definition(code).defavorable_si_eleve is False else 'le plus élevé'})"
