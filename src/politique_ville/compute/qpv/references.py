"""Les niveaux de comparaison (``insee_references``) : lecture d'une valeur (:func:`valeur_reference`,
index construit une fois), complément par les niveaux calculés (:func:`references_comparaison`), niveaux vus d'un
quartier (celui de son département), niveaux supplémentaires présents, provenance d'une valeur de référence ; jeunes
du département vivant en QPV."""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.base import memo
from politique_ville.clean.nettoyage import departement_du_code_qp

from .. import niveaux as cn
from .commun import NIVEAU_DEPARTEMENT, NIVEAU_QPV_DEPARTEMENT, NIVEAUX_SUPPLEMENTAIRES, PUBLIE, RECU


def valeur_reference(references: pd.DataFrame | None, niveau: str, colonne: str, diviseur: float = 1.0) -> float:
    """Valeur d'un niveau de comparaison ; NaN si le niveau, la colonne ou la valeur manque (« non publié »). La
    valeur est celle de la première ligne du niveau. Une table marquée (:mod:`politique_ville.base.memo`) est lue dans un
    index construit une fois (:func:`_valeurs_references`) ; sinon, par filtrage."""
    if references is None or references.empty or colonne not in references.columns:
        return math.nan
    if memo.memorisable(references):
        v = _valeurs_references(references).get((niveau, colonne), math.nan)
        return math.nan if math.isnan(v) else v / diviseur
    ligne = references[references["niveau"] == niveau]
    if ligne.empty:
        return math.nan
    v = pd.to_numeric(ligne[colonne], errors="coerce").iloc[0]
    return math.nan if pd.isna(v) else float(v) / diviseur


@memo.une_fois
def _valeurs_references(references: pd.DataFrame):
    """(niveau, colonne) -> valeur numérique (float, NaN si absente ou illisible) de la première ligne de chaque
    niveau : ce que :func:`valeur_reference` lit, pour toutes les cases d'un coup (en lecture seule)."""
    premieres: dict = {}
    for position, niveau in enumerate(references["niveau"]):
        premieres.setdefault(niveau, position)
    niveaux_, positions = list(premieres), list(premieres.values())
    sortie = {}
    for colonne in references.columns:
        x = pd.to_numeric(references[colonne].iloc[positions], errors="coerce")
        for niveau, v in zip(niveaux_, x):
            sortie[(niveau, colonne)] = math.nan if pd.isna(v) else float(v)
    return memo.lecture_seule(sortie)


def provenance_reference(provenance: pd.DataFrame | None, niveau: str, variable: str) -> str:
    """Provenance d'une valeur de ``insee_references`` : celle listée par le fichier de provenance, « publié » si
    elle n'y est pas ; « reçu » sans fichier de provenance (niveaux reçus dans un fichier, pas d'un rapport)."""
    if provenance is None:
        return RECU
    if provenance.empty:
        return PUBLIE
    p = provenance[
        provenance["fichier"].str.startswith("insee_references")
        & (provenance["cle"] == niveau)
        & (provenance["variable"] == variable)
    ]
    return p["provenance"].iloc[0] if len(p) else PUBLIE


def jeunes_en_qpv_departement(references: pd.DataFrame | None) -> float:
    """N dans « 1 jeune de moins de 25 ans du département sur N vit en QPV » ; NaN si non publié."""
    tous = valeur_reference(references, NIVEAU_DEPARTEMENT, "pop_moins_25")
    en_qpv = valeur_reference(references, NIVEAU_QPV_DEPARTEMENT, "pop_moins_25")
    return tous / en_qpv if en_qpv and not math.isnan(en_qpv) and not math.isnan(tous) else math.nan


@memo.une_fois
def references_comparaison(references: pd.DataFrame | None, niveaux: pd.DataFrame | None) -> pd.DataFrame | None:
    """Les niveaux de comparaison du chapitre : ``insee_references`` reçu, complété par les niveaux calculés de
    ``insee_niveaux`` (``compute.niveaux``, table longue ; absente quand le fichier de l'INSEE ne couvre que le
    territoire). La valeur reçue l'emporte, case par case ; une valeur calculée ne remplit que ce qui n'est pas
    reçu. Même forme que ``insee_references`` (lue par :func:`valeur_reference`) ; ``references`` tel quel sans
    niveaux calculés."""
    if niveaux is None or niveaux.empty:
        return references
    calcules = cn.en_references(niveaux)
    if references is None or references.empty:
        return calcules
    recus = references.drop_duplicates("niveau").set_index("niveau")
    calcules = calcules.drop_duplicates("niveau").set_index("niveau")
    ordre = list(recus.index) + [n for n in calcules.index if n not in recus.index]
    colonnes = list(recus.columns) + [c for c in calcules.columns if c not in recus.columns]
    fusion = recus.combine_first(calcules).reindex(index=ordre, columns=colonnes)
    fusion.index.name = "niveau"
    return fusion.reset_index()


def departement_du_quartier(code_qp: str, qpv_communes: pd.DataFrame | None = None) -> str | None:
    """Le département d'un quartier : celui du code INSEE de sa première commune (``insee_qpv_communes``,
    « 62048 » -> « 62 », « 97411 » -> « 974 », « 2A004 » -> « 2A ») ; à défaut, celui de son code
    (``nettoyage.departement_du_code_qp`` : « QP005901 » -> « 05 ») ; None pour un code local."""
    if qpv_communes is not None and "code_insee" in qpv_communes.columns:
        lignes = qpv_communes[qpv_communes["code_qp"] == code_qp]
        if "rang" in lignes.columns:
            lignes = lignes.sort_values("rang", kind="stable")
        codes = [c for c in lignes["code_insee"] if isinstance(c, str) and len(c) == 5]
        if codes:
            return codes[0][:3] if codes[0].startswith("97") else codes[0][:2]
    return departement_du_code_qp(code_qp)


def references_du_quartier(
    references: pd.DataFrame | None, code_qp: str, qpv_communes: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """Les niveaux de comparaison vus d'un quartier : pour un territoire qui couvre plusieurs départements (région,
    France), le niveau « QPV du département » est celui du département du quartier (:func:`departement_du_quartier`,
    ``compute.niveaux.niveau_departement``) ; les autres départements sont laissés de côté. Inchangé sinon."""
    if references is None or references.empty or "niveau" not in references.columns:
        return references
    propres = references["niveau"].astype(str).str.startswith(f"{NIVEAU_QPV_DEPARTEMENT} ")
    if not propres.any():
        return references
    sien = cn.niveau_departement(departement_du_quartier(code_qp, qpv_communes) or "")
    sortie = references[~propres | (references["niveau"] == sien)].copy()
    sortie.loc[sortie["niveau"] == sien, "niveau"] = NIVEAU_QPV_DEPARTEMENT
    return sortie.reset_index(drop=True)


def niveaux_supplementaires(references: pd.DataFrame | None) -> list[str]:
    """« QPV de la région », « QPV de France » : ceux que ``references`` a (niveaux calculés), dans cet ordre."""
    if references is None or references.empty or "niveau" not in references.columns:
        return []
    presents = set(references["niveau"])
    return [n for n in NIVEAUX_SUPPLEMENTAIRES if n in presents]


def _provenances_references(provenance: pd.DataFrame):
    """(niveau, variable) -> provenance de la valeur de ``insee_references`` (première ligne listée) : ce que
    :func:`provenance_reference` lit, pour toutes les valeurs d'un coup."""
    p = provenance[provenance["fichier"].str.startswith("insee_references", na=False)]
    sortie: dict = {}
    for c, v, x in zip(p["cle"], p["variable"], p["provenance"]):
        sortie.setdefault((c, v), x)
    return sortie
