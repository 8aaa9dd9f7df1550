"""Comparer une valeur recalculée à un chiffre publié : la règle de concordance (précision du texte publié, ou
tolérance d'une approximation), le type de statut, la nature d'une vérification et le genre d'un écart."""

from __future__ import annotations

import math
from enum import StrEnum

from politique_ville.base.valeurs import arrondi_publie, decimales_du_texte


class Statut(StrEnum):
    """Résultat de la comparaison d'une valeur recalculée à un chiffre publié."""

    IDENTIQUE = "identique"
    ECART_DOCUMENTE = "écart documenté"
    ECART_NON_EXPLIQUE = "écart non expliqué"
    NON_RECALCULABLE = "non recalculable"
    NON_PUBLIE = "non publié"

    @property
    def est_ecart(self) -> bool:
        return self in (Statut.ECART_DOCUMENTE, Statut.ECART_NON_EXPLIQUE)


class Nature(StrEnum):
    """Ce que prouve la comparaison d'un chiffre publié (colonne ``nature`` du registre)."""

    INDEPENDANTE = "vérification indépendante"
    RELECTURE = "relecture de la transcription"
    CONSTRUCTION = "par construction"
    RECONSTRUCTION = "dépend de la reconstruction"
    SANS_RECALCUL = "sans recalcul"


#: Genre d'un écart selon que sa taille dépend ou non d'un choix de reconstruction.
ECART_DEPENDANT = "taille dépendant d'un choix de reconstruction"
ECART_INDEPENDANT = "taille indépendante de la reconstruction"


def genre(statut: str, nature: str) -> str:
    """Le genre d'un résultat : pour un chiffre identique, la nature de la vérification ; pour un écart, si sa taille
    dépend d'un choix de reconstruction ; vide sinon."""
    statut = Statut(statut)
    if statut == Statut.IDENTIQUE:
        return str(nature or "")
    if statut.est_ecart:
        return ECART_DEPENDANT if nature in (Nature.CONSTRUCTION, Nature.RECONSTRUCTION) else ECART_INDEPENDANT
    return ""


def _rempli(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() not in ("", "nan")


def concorde(valeur_publiee_texte: str, recalculee: float, tolerance=None) -> bool:
    """Vrai si la valeur recalculée redonne la valeur publiée à sa précision (« 35.3 » : arrondie à une décimale,
    0,5 vers le haut), ou, pour une approximation du rapport (``tolerance`` remplie), si elle en est à au plus
    ``tolerance``. Une valeur recalculée manquante ne concorde jamais."""
    if recalculee is None or (isinstance(recalculee, float) and math.isnan(recalculee)):
        return False
    publiee = float(valeur_publiee_texte)
    if _rempli(tolerance):
        return abs(float(recalculee) - publiee) <= float(tolerance) + 1e-9
    d = decimales_du_texte(valeur_publiee_texte)
    return abs(arrondi_publie(float(recalculee), d) - publiee) < 10 ** (-d) / 2


def comparer(
    valeur_publiee_texte: str | None, recalculee: float | None, tolerance=None, documente: bool = False
) -> Statut:
    """Le statut d'une valeur recalculée face au chiffre publié (``None`` : rien n'est publié ; valeur recalculée
    ``None`` : non recalculable). ``documente`` : l'écart est expliqué dans les écarts documentés."""
    if not _rempli(valeur_publiee_texte):
        return Statut.NON_PUBLIE
    if recalculee is None:
        return Statut.NON_RECALCULABLE
    if concorde(str(valeur_publiee_texte), recalculee, tolerance):
        return Statut.IDENTIQUE
    return Statut.ECART_DOCUMENTE if documente else Statut.ECART_NON_EXPLIQUE
