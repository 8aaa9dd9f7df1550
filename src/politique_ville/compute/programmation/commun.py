"""Ce que partagent les tableaux du chapitre 2 : ordre des piliers, section du rapport, provenances et statuts ;
:func:`confronter` (valeur recalculée à côté du ou des chiffres publiés de même expression) et
:func:`concordance_sections` ; sommes sans 0 inventé, parts, provenance d'une somme, expression d'un total par
pilier."""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.published.chiffres import Registre, Statut, calcul
from politique_ville.published.concordance import fournisseur_memoire, table_concordance

#: Ordre des piliers dans le rapport (codes de ``data/reference/nomenclature.csv``).
ORDRE_PILIERS = ["emploi", "cohesion_sociale", "cadre_de_vie", "pilotage"]


#: Section du rapport que reproduisent les tableaux 2.1 de ce module (recherche des chiffres publiés).
SECTION_PROGRAMMATION = "2.1"


PROVENANCE_PUBLIE = "publié"


PROVENANCE_RECONSTRUIT = "reconstruit"


PROVENANCE_NON_PUBLIE = "non publié"


STATUT_IDENTIQUE = Statut.IDENTIQUE


STATUT_ECART_DOCUMENTE = Statut.ECART_DOCUMENTE


STATUT_ECART = Statut.ECART_NON_EXPLIQUE


STATUT_NON_PUBLIE = Statut.NON_PUBLIE


# --------------------------------------------------------------------------------------------- outils communs


def confronter(
    recalcules: pd.DataFrame, chiffres: pd.DataFrame | None, ecarts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Place à côté de chaque valeur recalculée le ou les chiffres publiés de même expression et, s'il y a lieu,
    l'explication de l'écart documenté (:meth:`politique_ville.published.chiffres.Registre.confronter`).

    ``recalcules`` : colonnes ``valeur_recalculee`` et ``calcul`` (expression de recalcul ; ``section`` facultative),
    ou, à défaut de ``calcul``, ``id`` (identifiant du registre donné par l'appelant) ; les autres colonnes sont
    gardées. ``chiffres`` : table des chiffres publiés ; ``ecarts`` : écarts documentés (``id``, ``explication``).
    Ajoute ``id``, ``valeur_publiee``, ``unite``, ``ecart`` (recalculée − publiée), ``statut`` (:class:`Statut`),
    ``explication`` et ``nature``. Une valeur sans chiffre publié a le statut « non publié » ; une quantité publiée
    plusieurs fois donne une ligne par chiffre publié."""
    return Registre.depuis_tables(chiffres, ecarts).confronter(recalcules)


def concordance_sections(
    chiffres: pd.DataFrame | None,
    ecarts: pd.DataFrame | None,
    tables: dict[str, pd.DataFrame],
    sections: list[str] | tuple[str, ...],
) -> pd.DataFrame:
    """Chiffres publiés des sections données (« 2.3 », « 2.4.1 »…), recalculés sur les tables nettoyées fournies
    (expressions ``calcul`` de la référence) : statut « identique », « écart » ou « non recalculable »."""
    if chiffres is None or not len(chiffres):
        return pd.DataFrame(
            columns=[
                "id",
                "section",
                "libelle",
                "valeur_publiee",
                "unite",
                "valeur_recalculee",
                "statut",
                "explication",
                "citation",
            ]
        )
    choisis = chiffres[chiffres["section"].astype(str).isin([str(x) for x in sections])]
    return table_concordance(choisis, ecarts, fournisseur_memoire(tables)).reset_index(drop=True)


def _provenance_groupe(valeurs: pd.Series, provenances: pd.Series) -> str:
    """Provenance d'une somme de valeurs par ligne : « publié » si toutes les valeurs présentes le sont,
    sinon le décompte (« reconstruit (62 actions), publié (1) ») ; « non publié » si aucune valeur."""
    presentes = provenances[valeurs.notna()]
    if presentes.empty:
        return PROVENANCE_NON_PUBLIE
    comptes = presentes.fillna(PROVENANCE_NON_PUBLIE).value_counts()
    if len(comptes) == 1:
        return str(comptes.index[0])
    return ", ".join(f"{p} ({n})" for p, n in comptes.items())


def _somme(serie: pd.Series) -> float:
    """Somme qui reste manquante si toutes les valeurs manquent (jamais un 0 inventé)."""
    return float(pd.to_numeric(serie, errors="coerce").astype("float64").sum(min_count=1))


def _part(valeur: float, total: float) -> float:
    if total is None or math.isnan(total) or total == 0 or valeur is None or math.isnan(valeur):
        return math.nan
    return valeur / total * 100


def _piliers(programmation: pd.DataFrame) -> list[str]:
    """Libellés des piliers de la programmation (ordre du rapport)."""
    rang = {c: i for i, c in enumerate(ORDRE_PILIERS)}
    couples = programmation[["pilier_code", "pilier"]].dropna().drop_duplicates()
    couples = couples.assign(_r=couples["pilier_code"].map(rang).fillna(len(rang))).sort_values(["_r", "pilier"])
    return [str(p) for p in couples["pilier"]]


def _calcul_piliers(fonction: str, colonne: str | None, programmation: pd.DataFrame) -> str:
    """Expression du total d'un tableau réparti par pilier : la somme sur ses piliers."""
    return calcul(fonction, "programmation", colonne, pilier=_piliers(programmation))
