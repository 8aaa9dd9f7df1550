"""Le niveau « QPV du territoire » et les niveaux de comparaison de chaque indicateur : valeurs dans
l'unité affichée (:func:`valeurs`), QPV agrégés par la règle du registre (:func:`niveau_qpv`, :func:`valeur_qpv` :
``compute.niveaux.agreger``, jamais une moyenne de médianes), niveaux reçus et calculés de chaque indicateur
(:func:`niveaux_indicateurs`, calculés une fois pour les mêmes tables) et leurs origines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.reference.indicateurs import definition as definition_registre

from .. import niveaux as cn
from .commun import NIVEAU_QPV_TERRITOIRE, _nan, _qpv
from .metadonnees import indicateur, indicateurs
from .references import _provenances_references, valeur_reference


def valeurs(qpv: pd.DataFrame, code: str) -> pd.Series:
    """Valeurs d'un indicateur (float, NaN si absente), dans l'unité affichée (revenu mensuel), indexées comme
    ``qpv``."""
    return cn.en_nombres(qpv, code) / indicateur(code).diviseur


def niveau_qpv(qpv: pd.DataFrame, code: str) -> dict:
    """Le niveau « QPV du territoire » d'un indicateur : ses QPV agrégés par LA règle du registre
    (``compute.niveaux.agreger`` : somme, part recalculée, moyenne pondérée par la bonne base, médiane des QPV —
    jamais une moyenne de médianes), dans l'unité affichée. Clés : ``valeur``, ``origine`` (« calculé »,
    « approximation pondérée », « médiane des QPV »), ``minimum``, ``maximum`` (étendue des valeurs des QPV),
    ``nb_qpv_renseignes``, ``base``. Valeur NaN (origine None) pour une variable de contexte ou absente."""
    return _niveau_qpv(cn.ColonnesNumeriques(_qpv(qpv)), code)


def _niveau_qpv(colonnes: cn.ColonnesNumeriques, code: str) -> dict:
    """:func:`niveau_qpv` sur les colonnes en nombres des QPV du territoire (converties une fois pour tous les
    indicateurs)."""
    i = indicateur(code)
    r = cn.agreger(colonnes, definition_registre(code))
    if r is None:
        return {"valeur": math.nan, "origine": None, "minimum": math.nan, "maximum": math.nan,
                "nb_qpv": 0, "nb_qpv_renseignes": 0, "nb_secrets": 0, "base": None}  # fmt: skip
    return {
        "valeur": r["valeur"] / i.diviseur,
        "origine": r["origine"],
        "minimum": r["minimum"] / i.diviseur,
        "maximum": r["maximum"] / i.diviseur,
        "nb_qpv": r["nb_qpv"],
        "nb_qpv_renseignes": r["nb_qpv_renseignes"],
        "nb_secrets": r["nb_secrets"],
        "base": r["base"],
    }


def valeur_qpv(qpv: pd.DataFrame, code: str) -> float:
    """La valeur du niveau « QPV du territoire » (:func:`niveau_qpv`)."""
    return _niveau_qpv_garde(qpv, code)["valeur"]


def _niveau_qpv_garde(qpv: pd.DataFrame, code: str):
    """:func:`niveau_qpv`, lu dans ceux de tous les indicateurs d'une table marquée (:func:`_niveaux_qpv`, calculés
    une fois) ; calculé seul pour une table non marquée ou un indicateur hors du registre."""
    if memo.memorisable(qpv):
        r = _niveaux_qpv(qpv).get(code)
        if r is not None:
            return r
    return niveau_qpv(qpv, code)


@memo.une_fois
def _niveaux_qpv(qpv: pd.DataFrame):
    """Le niveau « QPV du territoire » (:func:`niveau_qpv`) de chaque indicateur présent dans ``qpv``, en lecture
    seule : le chapitre et chaque fiche d'un territoire le lisent pour les mêmes QPV (une fiche le recalculait pour
    chaque indicateur : 0,12 s par fiche)."""
    colonnes = cn.ColonnesNumeriques(_qpv(qpv))
    return memo.lecture_seule({i.code: memo.lecture_seule(_niveau_qpv(colonnes, i.code)) for i in indicateurs(qpv=qpv)})


def niveaux_indicateurs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    niveaux: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    codes: list[str] | None = None,
) -> pd.DataFrame:
    """Les niveaux de comparaison de chaque indicateur présent dans ``qpv`` (ou de ``codes``), une ligne par
    indicateur et niveau qui a une valeur : d'abord les « QPV du territoire » (ses QPV agrégés par la règle du
    registre : somme, part recalculée, moyenne pondérée, médiane des QPV — jamais une moyenne de médianes), puis
    chaque niveau de ``references`` (reçu, ou calculé : voir :func:`references_comparaison`), dans son ordre.

    Colonnes : ``code``, ``niveau``, ``libelle_territoire``, ``valeur`` (unité affichée : revenu mensuel),
    ``origine`` (« reçu », « calculé », « approximation pondérée », « médiane des QPV » ; « reçu (approximatif) »
    pour une valeur reçue que la provenance dit approximative), ``minimum`` et ``maximum`` (valeurs des QPV du
    niveau, pour une médiane), ``nb_qpv``, ``nb_secrets`` (valeurs manquantes laissées de côté).

    Le calcul sur tout le territoire (:func:`_niveaux_indicateurs`) est fait une fois pour les mêmes tables
    (:mod:`politique_ville.base.memo`) ; seule la marque « approximatif », lue dans ``provenance`` (que la fiche quartier
    réduit aux lignes de son quartier et des références), est posée à chaque appel."""
    sortie = _niveaux_indicateurs(qpv, references, niveaux, None if codes is None else tuple(codes))
    a_verifier = sortie.pop("_colonne_recue")
    if provenance is not None and not provenance.empty:
        approximatives = _provenances_references(provenance)
        marque = np.array(
            [
                isinstance(c, str) and approximatives.get((n, c)) == "approximatif"
                for n, c in zip(sortie["niveau"], a_verifier)
            ],
            dtype=bool,
        )
        if marque.any():
            sortie.loc[marque, "origine"] = f"{cn.RECU} (approximatif)"
    return sortie


@memo.une_fois
def _niveaux_indicateurs(
    qpv: pd.DataFrame, references: pd.DataFrame | None, niveaux: pd.DataFrame | None, codes: tuple[str, ...] | None
) -> pd.DataFrame:
    """:func:`niveaux_indicateurs` sans la provenance : ``_colonne_recue`` donne, pour une valeur reçue (ni
    calculée ni agrégée), la colonne de ``references`` lue, dont la provenance peut la dire approximative."""
    codes = codes if codes is not None else [i.code for i in indicateurs(qpv=qpv)]
    lignes = []
    ordre = [] if references is None or references.empty else list(dict.fromkeys(references["niveau"]))
    libelles = (
        {}
        if not ordre or "libelle_territoire" not in references.columns
        else dict(zip(references["niveau"], references["libelle_territoire"]))
    )
    calcules = _premieres_lignes(niveaux)
    for code in codes:
        i = indicateur(code)
        r = _niveau_qpv_garde(qpv, code)  # la même règle que partout : jamais une moyenne de médianes
        if not math.isnan(r["valeur"]):
            lignes.append(
                {
                    "code": code,
                    "niveau": NIVEAU_QPV_TERRITOIRE,
                    "libelle_territoire": "QPV du territoire",
                    **{k: r[k] for k in ("valeur", "origine", "minimum", "maximum", "nb_qpv", "nb_secrets")},
                    "_colonne_recue": None,
                }
            )
        for niveau in ordre:
            colonne = i.colonne_reference(niveau)
            v = valeur_reference(references, niveau, colonne, i.diviseur)
            if math.isnan(v):
                continue
            ligne = {
                "code": code,
                "niveau": niveau,
                "libelle_territoire": libelles.get(niveau),
                "valeur": v,
                "origine": cn.RECU,
                "minimum": math.nan,
                "maximum": math.nan,
                "nb_qpv": math.nan,
                "nb_secrets": math.nan,
                "_colonne_recue": None,
            }
            calcul = calcules.get((niveau, colonne))
            if calcul is not None and calcul["origine"] != cn.RECU:
                ligne |= {
                    "origine": calcul["origine"],
                    "minimum": _nan(calcul.get("minimum")) / i.diviseur,
                    "maximum": _nan(calcul.get("maximum")) / i.diviseur,
                    "nb_qpv": _nan(calcul.get("nb_qpv")),
                    "nb_secrets": _nan(calcul.get("nb_secrets")),
                }
            else:
                ligne["_colonne_recue"] = colonne  # provenance lue par niveaux_indicateurs
            lignes.append(ligne)
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "niveau",
            "libelle_territoire",
            "valeur",
            "origine",
            "minimum",
            "maximum",
            "nb_qpv",
            "nb_secrets",
            "_colonne_recue",
        ],
    )


def _premieres_lignes(niveaux: pd.DataFrame | None) -> dict[tuple, dict]:
    """(niveau, variable) -> la première ligne de ``niveaux`` pour ce niveau et cette variable (un dictionnaire) : lue
    une fois, au lieu d'un filtrage de toute la table par indicateur et niveau."""
    if niveaux is None or niveaux.empty:
        return {}
    sortie: dict[tuple, dict] = {}
    for ligne in niveaux.to_dict("records"):
        sortie.setdefault((ligne["niveau"], ligne["variable"]), ligne)
    return sortie


def origines_par_niveau(niveaux_ind: pd.DataFrame) -> dict[str, list[str]]:
    """niveau -> origines de ses valeurs (sans doublon, dans l'ordre) : ce qui est reçu, ce qui est calculé."""
    sortie: dict[str, list[str]] = {}
    for n, o in zip(niveaux_ind["niveau"], niveaux_ind["origine"]):
        if o not in sortie.setdefault(n, []):
            sortie[n].append(o)
    return sortie
