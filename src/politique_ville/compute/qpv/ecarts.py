"""Les QPV comparés aux niveaux de référence : sens d'un écart (:func:`comparer`), synthèse par indicateur
de taux (:func:`synthese`), niveau auquel l'écart d'un quartier est mesuré (:func:`niveau_ecart`), chaque QPV sur un
indicateur de taux (:func:`comparaison`)."""

from __future__ import annotations

import math

import pandas as pd

from .. import niveaux as cn
from .agregation import _niveau_qpv, valeur_qpv, valeurs
from .commun import (
    MOTIF_SECRET,
    NIVEAU_AGGLO,
    NIVEAU_HORS_QPV,
    NIVEAUX_COMPARAISON,
    _communes_par_quartier,
    _qpv,
    nom_quartier,
)
from .manquantes import marque_manquante, motifs, provenance_valeur, provenances
from .metadonnees import indicateur, indicateurs
from .palmares import rangs_orientes
from .references import niveaux_supplementaires, valeur_reference


def comparer(code: str, valeur, reference, nettement: float | None = None) -> str:
    """Sens de l'écart entre une valeur (moyenne des QPV) et une valeur de comparaison, dans l'unité et à la
    précision affichées de l'indicateur (sorties de :func:`synthese`) : « plus », « moins », « égal », ou « inconnu » si l'une manque (secret, non publié). Avec
    ``nettement`` (écart relatif, ex. 0,25), « nettement plus » ou « nettement moins » au-delà. Le texte d'un
    chapitre se règle sur ce sens : il ne dit jamais « plus faible » quand les données disent le contraire."""
    i = indicateur(code)
    try:
        v, r = float(valeur), float(reference)
    except (TypeError, ValueError):
        return "inconnu"
    if math.isnan(v) or math.isnan(r):
        return "inconnu"
    v_aff, r_aff = round(v, i.decimales), round(r, i.decimales)  # valeurs dans l'unité affichée (revenu mensuel)
    if v_aff == r_aff:
        return "égal"
    sens = "plus" if v_aff > r_aff else "moins"
    if nettement is not None and r != 0 and abs(v - r) / abs(r) >= nettement:
        return f"nettement {sens}"
    return sens


def synthese(
    qpv: pd.DataFrame, references: pd.DataFrame | None, manquantes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Une ligne par indicateur de taux : niveau « QPV du territoire » (:func:`niveau_qpv` : règle du registre,
    ``regle``, étendue ``minimum_qpv``–``maximum_qpv``) et valeur de chaque niveau de comparaison (NaN = non publié ; « QPV de la région », « QPV de France » seulement quand ``references`` les a),
    écart à l'agglomération, nombre de QPV renseignés et secrets."""
    q = _qpv(qpv)
    colonnes = cn.ColonnesNumeriques(q)  # les QPV en nombres une fois pour tous les indicateurs (:func:`niveau_qpv`)
    mot = motifs(manquantes)
    supplementaires = niveaux_supplementaires(references)
    lignes = []
    for i in indicateurs("taux", qpv):
        x = valeurs(q, i.code)
        ligne = {
            "code": i.code,
            "theme": i.theme,
            "indicateur": i.libelle,
            "unite": i.unite,
        }
        n = _niveau_qpv(colonnes, i.code)
        ligne |= {
            "qpv_territoire": n["valeur"],
            "regle": n["origine"],
            "minimum_qpv": n["minimum"],
            "maximum_qpv": n["maximum"],
        }
        for niveau in NIVEAUX_COMPARAISON:
            ligne[niveau] = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        for niveau in supplementaires:
            ligne[niveau] = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        ligne["ecart_agglomeration"] = ligne["qpv_territoire"] - ligne[NIVEAU_AGGLO]
        ligne["nb_qpv_renseignes"] = int(x.notna().sum())
        ligne["nb_secrets"] = int(
            sum(
                1
                for c, v in zip(q["code_qp"], x)
                if math.isnan(v) and mot.get((c, i.code), MOTIF_SECRET) == MOTIF_SECRET
            )
        )
        ligne["ponderation"] = i.libelle_poids
        lignes.append(ligne)
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "theme",
            "indicateur",
            "unite",
            "qpv_territoire",
            "regle",
            "minimum_qpv",
            "maximum_qpv",
            *NIVEAUX_COMPARAISON,
            *supplementaires,
            "ecart_agglomeration",
            "nb_qpv_renseignes",
            "nb_secrets",
            "ponderation",
        ],
    )


#: niveaux auxquels l'écart d'un quartier est mesuré, par ordre de préférence (le premier publié est retenu)
NIVEAUX_ECART = (NIVEAU_AGGLO, NIVEAU_HORS_QPV)


def niveau_ecart(references: pd.DataFrame | None, code: str) -> tuple[str | None, float]:
    """Niveau de référence de l'écart d'un quartier : l'agglomération si elle est publiée, sinon l'agglomération
    hors QPV ; (None, NaN) si aucun des deux n'est publié."""
    i = indicateur(code)
    for niveau in NIVEAUX_ECART:
        v = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        if not math.isnan(v):
            return niveau, v
    return None, math.nan


def comparaison(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code: str,
    qpv_communes: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Chaque QPV sur un indicateur de taux : valeur, marque de la case vide (« secret »), rang, écarts au niveau
    « QPV du territoire » (:func:`niveau_qpv`) et à l'agglomération (NaN si elle n'est pas publiée), écart au niveau de référence retenu
    (``niveau_ecart`` : l'agglomération, à défaut l'agglomération hors QPV), provenance de la valeur. Trié par rang
    (non classés à la fin)."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = valeurs(q, code)
    communes = _communes_par_quartier(qpv_communes) if qpv_communes is not None else {}
    mot, prov = motifs(manquantes), provenances(provenance)
    moy = valeur_qpv(qpv, code)
    agglo = valeur_reference(references, NIVEAU_AGGLO, i.colonne_reference(NIVEAU_AGGLO), i.diviseur)
    df = pd.DataFrame(
        {
            "code_qp": q["code_qp"].values,
            "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
            "communes": [", ".join(communes.get(c, [])) or n for c, n in zip(q["code_qp"], q["nom_commune"])],
            "valeur": x.values,
        }
    )
    df["marque"] = [
        None if not math.isnan(v) else marque_manquante(mot.get((c, code))) for c, v in zip(df["code_qp"], df["valeur"])
    ]
    df["rang"] = rangs_orientes(df["valeur"], code).values  # rang 1 = situation la plus défavorable
    df["nb_classes"] = int(df["valeur"].notna().sum())
    df["qpv_territoire"] = moy
    df["ecart_qpv_territoire"] = df["valeur"] - moy
    df["agglomeration"] = agglo
    df["ecart_agglomeration"] = df["valeur"] - agglo
    niveau, ref = niveau_ecart(references, code)
    df["niveau_ecart"] = niveau
    df["reference_ecart"] = ref
    df["ecart_reference"] = df["valeur"] - ref
    df["provenance"] = [provenance_valeur(prov, c, i.code, v) for c, v in zip(df["code_qp"], df["valeur"])]
    df["_ordre"] = df["rang"].astype("Float64").fillna(10**6)
    return df.sort_values(["_ordre", "code_qp"], kind="stable").drop(columns="_ordre").reset_index(drop=True)
