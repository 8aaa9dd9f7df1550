"""Les rangs des QPV : rang à la précision affichée (:func:`rangs`), sens du rang selon le registre et
rangs orientés (rang 1 = situation la plus défavorable), classement des QPV sur chaque indicateur de taux, valeurs
extrêmes (:func:`extremes`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .agregation import valeurs
from .commun import _communes_par_quartier, _qpv, nom_quartier
from .manquantes import marque_manquante, motifs
from .metadonnees import indicateur, indicateurs


def rangs(valeurs_: pd.Series, decimales: int) -> pd.Series:
    """Rang de chaque valeur (1 = la plus élevée), calculé sur les valeurs arrondies à la précision affichée : des
    valeurs affichées égales sont ex aequo et partagent le plus petit rang (1, 2, 2, 4) ; une valeur manquante
    (secret) n'est pas classée (rang manquant)."""
    return _rang_min(valeurs_, decimales, plus_eleve_premier=True)


def classement(qpv: pd.DataFrame, codes: list[str] | None = None) -> pd.DataFrame:
    """Rang de chaque QPV sur chaque indicateur de taux (une colonne par indicateur, ``Int64``, manquant = non
    classé) : rang 1 = situation la plus défavorable (:func:`rangs_orientes`), la convention de tout le rapport."""
    q = _qpv(qpv)
    codes = codes or [i.code for i in indicateurs("taux", qpv)]
    sortie = pd.DataFrame(
        {"code_qp": q["code_qp"].values, "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])]}
    )
    for c in codes:
        sortie[c] = rangs_orientes(valeurs(q, c), c).values  # rang 1 = situation la plus défavorable
    return sortie


def classement_marque(
    qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """``classement`` pour l'affichage : rang entier, ou « secret » / « n.d. » pour une valeur non classée
    (colonnes ``object``)."""
    r = classement(qpv, codes)
    mot = motifs(manquantes)
    for c in r.columns[2:]:
        r[c] = pd.Series(
            [marque_manquante(mot.get((q, c))) if pd.isna(x) else int(x) for q, x in zip(r["code_qp"], r[c])],
            index=r.index,
            dtype="object",
        )
    return r


def extremes(qpv: pd.DataFrame, code: str, qpv_communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Les QPV qui ont la valeur la plus élevée et la plus faible d'un indicateur (à la précision affichée ; tous
    les ex aequo sont rendus). Colonnes : sens (« maximum » / « minimum »), code_qp, quartier, communes, valeur."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = valeurs(q, code)
    arr = x.round(i.decimales)
    communes = _communes_par_quartier(qpv_communes) if qpv_communes is not None else {}
    lignes = []
    if arr.notna().any():
        for sens, cible in (("maximum", arr.max()), ("minimum", arr.min())):
            for idx in arr.index[arr == cible]:
                c = q.at[idx, "code_qp"]
                lignes.append(
                    {
                        "sens": sens,
                        "code_qp": c,
                        "quartier": nom_quartier(c, q.at[idx, "nom_qp"]),
                        "communes": ", ".join(communes.get(c, [])) or q.at[idx, "nom_commune"],
                        "valeur": float(x[idx]),
                    }
                )
    return pd.DataFrame(lignes, columns=["sens", "code_qp", "quartier", "communes", "valeur"])


#: sens du rang d'un indicateur selon le registre : rang 1 = situation la plus défavorable (valeur la plus élevée ou
#: la plus faible), ou, pour un indicateur ni favorable ni défavorable, valeur la plus élevée
SENS_ELEVE = "la plus élevée"
SENS_FAIBLE = "la plus faible"


def sens_du_rang(code: str) -> str:
    """Valeur qui a le rang 1 : « la plus faible » pour un indicateur dont une valeur élevée est favorable (taux
    d'emploi, revenu), « la plus élevée » sinon (défavorable si élevé, ou ni l'un ni l'autre)."""
    return SENS_FAIBLE if indicateur(code).defavorable_si_eleve is False else SENS_ELEVE


def rangs_orientes(valeurs_: pd.Series, code: str) -> pd.Series:
    """Rang de chaque valeur selon le sens du registre (:func:`sens_du_rang`) : rang 1 = situation la plus
    défavorable ; ex aequo à la précision affichée (plus petit rang partagé) ; valeur manquante non classée."""
    return _rang_min(valeurs_, indicateur(code).decimales, plus_eleve_premier=sens_du_rang(code) != SENS_FAIBLE)


def _rang_min(valeurs_: pd.Series, decimales: int, *, plus_eleve_premier: bool) -> pd.Series:
    """Le rang de ``Series.rank(method="min")`` (ex aequo au plus petit rang, manquante non classée : ``<NA>``) des
    valeurs arrondies à ``decimales``, calculé sur le tableau numpy trié : 1 + le nombre de valeurs strictement plus
    élevées (ou plus faibles). Quatre fois moins de temps que pandas pour les quelques QPV d'un territoire, et autant
    de fois que d'indicateurs, de chapitres et de fiches."""
    x = np.round(pd.to_numeric(valeurs_, errors="coerce").to_numpy(dtype="float64", na_value=np.nan), decimales)
    classees = ~np.isnan(x)
    tri = np.sort(x[classees])
    if plus_eleve_premier:
        rang = len(tri) - np.searchsorted(tri, x, side="right") + 1
    else:
        rang = np.searchsorted(tri, x, side="left") + 1
    return pd.Series(pd.arrays.IntegerArray(rang.astype("int64"), ~classees), index=valeurs_.index, name=valeurs_.name)
