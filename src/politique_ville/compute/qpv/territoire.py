"""La géographie prioritaire : une ligne par quartier (:func:`quartiers`, gardée d'une fiche à
l'autre), chiffres clés (:func:`geographie`), quartiers de chaque commune (:func:`communes_de_la_geographie`), liens
vers les fiches quartier (:func:`liens_fiches`)."""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.base import memo
from politique_ville.reference.parametres import selection_fiches

from .commun import NIVEAU_AGGLO, TYPE_QPV, TYPES_QUARTIER, _communes_par_quartier, nom_quartier
from .references import valeur_reference


@memo.une_fois
def quartiers(qpv: pd.DataFrame, qpv_communes: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par quartier (QPV puis quartiers communautaires et de veille, dans l'ordre de la table) : nom
    affiché, type, année de reconnaissance, communes (toutes, pour un quartier sur plusieurs communes),
    population."""
    communes = _communes_par_quartier(qpv_communes)
    q = qpv.copy()
    if "annee_reconnaissance" not in q.columns:  # colonne facultative (absente d'un fichier de l'INSEE)
        q["annee_reconnaissance"] = pd.array([pd.NA] * len(q), dtype="Int64")
    q["quartier"] = [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])]
    q["type_libelle"] = q["type_quartier"].map(lambda t: TYPES_QUARTIER.get(t, t))
    q["communes"] = [", ".join(communes.get(c, [])) for c in q["code_qp"]]
    q["nb_communes"] = [len(communes.get(c, [])) for c in q["code_qp"]]
    q["est_qpv"] = q["type_quartier"] == TYPE_QPV
    q["_ordre"] = (~q["est_qpv"]).astype(int)
    q = q.sort_values(["_ordre", "code_qp"], kind="stable")
    return q[
        [
            "code_qp",
            "quartier",
            "type_quartier",
            "type_libelle",
            "annee_reconnaissance",
            "communes",
            "nb_communes",
            "pop_mun",
            "est_qpv",
        ]
    ].reset_index(drop=True)


def geographie(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, references: pd.DataFrame | None) -> pd.DataFrame:
    """Chiffres clés de la géographie prioritaire (clé, libellé, valeur, unité) : QPV, communes, quartiers
    communautaires et de veille, population des QPV et sa part dans l'agglomération."""
    q = quartiers(qpv, qpv_communes)
    qp = q[q["est_qpv"]]
    autres = q[~q["est_qpv"]]
    communes_qpv = qpv_communes[qpv_communes["code_qp"].isin(qp["code_qp"]) & ~qpv_communes["perimetre"]]
    pop_qpv = float(pd.to_numeric(qp["pop_mun"], errors="coerce").sum())
    pop_agglo = valeur_reference(references, NIVEAU_AGGLO, "pop_mun")
    annees = pd.to_numeric(autres["annee_reconnaissance"], errors="coerce")
    premiere = annees.min() if annees.notna().any() else math.nan
    lignes = [
        ("nb_qpv", "Quartiers prioritaires (QPV)", len(qp), "quartiers"),
        ("nb_communes_qpv", "Communes comptant au moins un QPV", communes_qpv["commune"].nunique(), "communes"),
        (
            "nb_communes_qpv_publie",
            "Communes comptant un QPV (chiffre publié)",
            valeur_reference(references, NIVEAU_AGGLO, "nb_communes_qpv"),
            "communes",
        ),
        (
            "nb_qpv_multicommunes",
            "QPV s'étendant sur plusieurs communes",
            int((qp["nb_communes"] > 1).sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_communautaires",
            "Quartiers communautaires",
            int((autres["type_quartier"] == "quartier communautaire").sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_veille",
            "Quartiers de veille",
            int((autres["type_quartier"] == "quartier de veille").sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_agglomeration",
            "Quartiers communautaires et de veille (géographie d'agglomération)",
            len(autres),
            "quartiers",
        ),
        (
            "annee_premiers_communautaires",
            "Année d'association des premiers quartiers communautaires",
            premiere,
            "année",
        ),
        (
            "nb_premiers_communautaires",
            "Quartiers communautaires et de veille associés cette année-là",
            int((annees == premiere).sum()) if not math.isnan(premiere) else 0,
            "quartiers",
        ),
        (
            "communes_quartiers_agglomeration",
            "Communes des quartiers communautaires et de veille",
            qpv_communes[qpv_communes["code_qp"].isin(autres["code_qp"])]["commune"].nunique(),
            "communes",
        ),
        ("pop_qpv", "Population des QPV", pop_qpv, "habitants"),
        ("pop_agglomeration", "Population de l'agglomération", pop_agglo, "habitants"),
        (
            "part_population_qpv",
            "Part de la population de l'agglomération vivant en QPV",
            pop_qpv / pop_agglo * 100 if pop_agglo and not math.isnan(pop_agglo) else math.nan,
            "%",
        ),
    ]
    return pd.DataFrame(lignes, columns=["cle", "libelle", "valeur", "unite"])


def communes_de_la_geographie(qpv: pd.DataFrame, qpv_communes: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par commune : ses QPV et ses quartiers communautaires ou de veille (un quartier sur plusieurs
    communes apparaît dans chacune)."""
    q = quartiers(qpv, qpv_communes).set_index("code_qp")
    c = qpv_communes[~qpv_communes["perimetre"]].merge(q[["quartier", "est_qpv"]], left_on="code_qp", right_index=True)
    communes = c.groupby("commune", sort=True).size().index  # ordre alphabétique, comme un groupby trié
    est_qpv = c["est_qpv"].astype(bool)

    def par_commune(sel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        g = sel.groupby("commune", sort=True)["quartier"]
        return (
            g.size().reindex(communes, fill_value=0).astype("int64"),
            g.agg(", ".join).reindex(communes, fill_value=""),
        )

    nb_qpv, noms_qpv = par_commune(c[est_qpv])
    nb_autres, noms_autres = par_commune(c[~est_qpv])
    df = pd.DataFrame(
        {
            "commune": list(communes),
            "nb_qpv": nb_qpv.to_list(),
            "qpv": noms_qpv.to_list(),
            "nb_autres": nb_autres.to_list(),
            "autres": noms_autres.to_list(),
        },
        columns=["commune", "nb_qpv", "qpv", "nb_autres", "autres"],
    )
    return df.sort_values(["nb_qpv", "commune"], ascending=[False, True], kind="stable").reset_index(drop=True)


def liens_fiches(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, fiches="toutes") -> pd.DataFrame:
    """Lien relatif (depuis ``reports/<annee>/``) vers la fiche de chaque quartier, ``quartiers/<code_qp>.html``,
    pour les seuls quartiers qui ont une fiche (``fiches`` : valeur du paramètre ``fiches_quartier``, voir
    :func:`selection_fiches`) ; ``lien`` vide pour les autres (pas de lien vers une page qui n'existe pas)."""
    avec_fiche = set(selection_fiches(qpv["code_qp"], fiches))
    q = quartiers(qpv, qpv_communes)
    return pd.DataFrame(
        {
            "code_qp": q["code_qp"],
            "quartier": q["quartier"],
            "type_libelle": q["type_libelle"],
            "communes": q["communes"],
            "lien": [f"quartiers/{c}.html" if c in avec_fiche else None for c in q["code_qp"]],
        }
    )
