"""Tableaux larges et parts des effectifs : valeurs de chaque QPV sur chaque indicateur (cases vides
marquées), part des QPV dans le total de l'agglomération, chaque QPV sur un effectif."""

from __future__ import annotations

import math

import pandas as pd

from .agregation import valeurs
from .commun import NIVEAU_AGGLO, _qpv, nom_quartier
from .manquantes import avec_marques, marque_manquante, motifs, provenance_valeur, provenances
from .metadonnees import indicateur, indicateurs
from .palmares import rangs
from .references import valeur_reference


def valeurs_par_quartier(
    qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """Tableau large : un QPV par ligne, un indicateur par colonne ; valeurs numériques (revenu mensuel), case vide
    marquée « secret » ou « n.d. » (colonnes ``object``)."""
    q = _qpv(qpv)
    mot = motifs(manquantes)
    codes = codes or [i.code for i in indicateurs("taux", qpv)]
    colonnes = {
        "code_qp": q["code_qp"].values,
        "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
    }
    codes_qp = q["code_qp"].tolist()
    for c in codes:  # les colonnes assemblées en une fois (ajoutées une à une, chacune recopiait la table)
        colonnes[c] = avec_marques(valeurs(q, c), codes_qp, c, mot).values
    return pd.DataFrame(colonnes)


def parts_agglomeration(qpv: pd.DataFrame, references: pd.DataFrame | None) -> pd.DataFrame:
    """Une ligne par effectif : total des QPV, total de l'agglomération (NaN = non publié) et part des QPV (%)."""
    q = _qpv(qpv)
    lignes = []
    for i in indicateurs("effectif", qpv):
        x = pd.to_numeric(q[i.code], errors="coerce")
        total_agglo = valeur_reference(references, NIVEAU_AGGLO, i.code)
        total = float(x.sum()) if x.notna().any() else math.nan
        lignes.append(
            {
                "code": i.code,
                "theme": i.theme,
                "indicateur": i.libelle,
                "unite": i.unite,
                "total_qpv": total,
                "nb_qpv_renseignes": int(x.notna().sum()),
                "total_agglomeration": total_agglo,
                "part_qpv": total / total_agglo * 100 if total_agglo and not math.isnan(total_agglo) else math.nan,
            }
        )
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "theme",
            "indicateur",
            "unite",
            "total_qpv",
            "nb_qpv_renseignes",
            "total_agglomeration",
            "part_qpv",
        ],
    )


def parts_par_quartier(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Chaque QPV sur un effectif : valeur, part de l'agglomération (%), rang, provenance."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = pd.to_numeric(q[code], errors="coerce").astype("float64")
    total_agglo = valeur_reference(references, NIVEAU_AGGLO, code)
    mot, prov = motifs(manquantes), provenances(provenance)
    df = pd.DataFrame(
        {
            "code_qp": q["code_qp"].values,
            "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
            "valeur": x.values,
        }
    )
    df["marque"] = [
        None if not math.isnan(v) else marque_manquante(mot.get((c, code))) for c, v in zip(df["code_qp"], df["valeur"])
    ]
    df["part_agglomeration"] = (
        df["valeur"] / total_agglo * 100 if total_agglo and not math.isnan(total_agglo) else math.nan
    )
    df["rang"] = rangs(df["valeur"], i.decimales).values
    df["provenance"] = [provenance_valeur(prov, c, code, v) for c, v in zip(df["code_qp"], df["valeur"])]
    return df


def effectifs_par_quartier(qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tableau large des effectifs : un QPV par ligne, un effectif par colonne (case vide marquée)."""
    return valeurs_par_quartier(qpv, manquantes, [i.code for i in indicateurs("effectif", qpv)])
