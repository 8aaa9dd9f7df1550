"""Les règles communes des évolutions : indicateurs suivis (ceux du registre du chapitre 10, et le taux de
pauvreté), séries et niveaux, tables suivies ; une évolution en points ou en % (:func:`evolution`), son sens à la
précision affichée (:func:`sens`), l'évolution de chaque série par rapport à l'année civile précédente."""

from __future__ import annotations

import math

import pandas as pd

from .. import qpv as cq

#: Taux de pauvreté (variable ``tp60`` des chiffres clés QPV de l'INSEE) : celui du registre du chapitre 10 s'il y
#: est, sinon suivi ici en plus de ses indicateurs.
TAUX_PAUVRETE = next((i for i in cq.INDICATEURS if i.code == "tp60"), None) or cq.Indicateur(
    "tp60",
    "Taux de pauvreté (seuil de 60 % du revenu médian)",
    "Taux de pauvreté",
    "%",
    "taux",
    "Revenus",
    1,
    "pop_mun",
)


INDICATEURS = tuple(cq.INDICATEURS) + (() if TAUX_PAUVRETE in cq.INDICATEURS else (TAUX_PAUVRETE,))


_PAR_CODE = {i.code: i for i in INDICATEURS}


QUARTIER = "quartier"


NIVEAU = "niveau"


#: le niveau des QPV du territoire, année par année : la règle du registre (``compute.qpv.niveau_qpv``), jamais une
#: moyenne de médianes
NIVEAU_MOYENNE_QPV = cq.NIVEAU_QPV_TERRITOIRE


NIVEAU_ENSEMBLE_QPV = "Ensemble des QPV"


#: niveaux dont le périmètre ne dépend pas de la géographie prioritaire : suivis d'une géographie à l'autre
NIVEAUX_TERRITOIRE = (cq.NIVEAU_AGGLO, cq.NIVEAU_DEPARTEMENT)


#: niveaux de comparaison lus dans ``insee_references`` pour un taux (en plus de la moyenne recalculée)
NIVEAUX_TAUX = (cq.NIVEAU_AGGLO, cq.NIVEAU_QPV_DEPARTEMENT, cq.NIVEAU_HORS_QPV)


POINTS = "points"


POURCENT = "%"


HAUSSE, BAISSE, STABLE = "hausse", "baisse", "stable"


#: décimales auxquelles une évolution en % est jugée (sens) et montrée
DECIMALES_POURCENT = 1


TABLES_QPV = ("insee_qpv", "insee_references", "insee_valeurs_manquantes", "insee_niveaux")


TABLES_PROGRAMMATION = ("programmation", "porteurs", "financements_programmation")


#: tables suivies par le chapitre des évolutions
TABLES = (*TABLES_QPV, *TABLES_PROGRAMMATION)


COLONNES_SERIES = [
    "serie",
    "portee",
    "code_qp",
    "quartier",
    "niveau",
    "geographie",
    "code",
    "indicateur",
    "genre",
    "unite",
    "mode",
    "decimales",
    "annee",
    "valeur",
    "marque",
    "evolution",
    "sens",
]


def indicateur(code: str) -> cq.Indicateur:
    try:
        return _PAR_CODE[code]
    except KeyError:
        raise KeyError(f"indicateur inconnu « {code} »") from None


def mode_evolution(ind: cq.Indicateur) -> str:
    """« points » pour une part (unité « % »), « % » pour un effectif, un montant, un indice."""
    return POINTS if ind.unite == "%" else POURCENT


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def evolution(avant, apres, mode: str, decimales: int = 1) -> float:
    """Évolution de ``avant`` à ``apres`` : différence en points (valeurs arrondies à ``decimales``) ou variation en
    % ; NaN si l'une manque (ou si ``avant`` est nul, pour un %)."""
    if _manque(avant) or _manque(apres):
        return math.nan
    a, b = float(avant), float(apres)
    if mode == POINTS:
        return round(round(b, decimales) - round(a, decimales), decimales)
    if a == 0:
        return math.nan
    return (b / a - 1) * 100


def sens(ev, mode: str, decimales: int = 1) -> str | None:
    """« hausse », « baisse » ou « stable » à la précision affichée (``decimales`` pour des points, une décimale pour
    un %) ; ``None`` si l'évolution manque."""
    if _manque(ev):
        return None
    r = round(float(ev), decimales if mode == POINTS else DECIMALES_POURCENT)
    return HAUSSE if r > 0 else BAISSE if r < 0 else STABLE


def _ajouter_evolutions(df: pd.DataFrame) -> pd.DataFrame:
    """Évolution par rapport à l'année civile précédente de la même série (jamais par-dessus une lacune)."""
    if df.empty:
        return df.assign(evolution=pd.Series(dtype=float), sens=pd.Series(dtype=object))
    prec = df[["serie", "annee", "valeur"]].assign(annee=df["annee"] + 1).rename(columns={"valeur": "_avant"})
    df = df.merge(prec, on=["serie", "annee"], how="left")
    df["evolution"] = [
        evolution(a, b, m, d) for a, b, m, d in zip(df["_avant"], df["valeur"], df["mode"], df["decimales"])
    ]
    df["sens"] = [sens(e, m, d) for e, m, d in zip(df["evolution"], df["mode"], df["decimales"])]
    return df.drop(columns="_avant")
