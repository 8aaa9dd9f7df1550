"""Section 2.1, projets : projets déposés et retenus (:func:`projets_deposes_retenus`), actions retenues par
pilier (:func:`projets_par_pilier`)."""

from __future__ import annotations

import pandas as pd

from politique_ville.published.chiffres import calcul

from .commun import (
    ORDRE_PILIERS,
    SECTION_PROGRAMMATION,
    _calcul_piliers,
    _somme,
)


def projets_deposes_retenus(
    porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame, programmation: pd.DataFrame
) -> pd.DataFrame:
    """Projets déposés et retenus : ce que chaque chiffre publié de la section 2.1 devient une fois recalculé.

    Projets déposés = somme de la colonne « Nombre de projets » des deux tableaux des porteurs ; projets retenus =
    lignes de la programmation (une par action). Colonnes : ``libelle``, ``valeur_recalculee``, ``base``, ``calcul``,
    ``section`` ; :func:`confronter` donne une ligne par chiffre publié (le rapport cite plusieurs fois le nombre
    d'actions, avec des valeurs différentes)."""
    n_actions = float(len(programmation))
    deposes = _somme(porteurs["nombre_projets"])
    base = "actions de la programmation (une ligne par action)"
    return pd.DataFrame(
        [
            {
                "libelle": "Projets déposés (en-tête des tableaux des porteurs)",
                "valeur_recalculee": deposes,
                "base": "somme des « nombres de projets » des deux tableaux des porteurs",
                "calcul": calcul("somme", "porteurs", "nombre_projets"),
            },
            {
                "libelle": "Projets retenus ou accompagnés (texte, en-tête des tableaux des porteurs)",
                "valeur_recalculee": n_actions,
                "base": base,
                "calcul": calcul("nombre", "programmation"),
            },
            {
                "libelle": "Projets retenus et accompagnés (répartition par pilier)",
                "valeur_recalculee": n_actions,
                "base": base,
                "calcul": _calcul_piliers("nombre", None, programmation),
            },
        ]
    ).assign(section=SECTION_PROGRAMMATION)


def projets_par_pilier(programmation: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'actions retenues par pilier, dans l'ordre du rapport.

    Colonnes : ``pilier_code``, ``pilier``, ``calcul`` et ``section`` (expression et section du chiffre publié),
    ``valeur_recalculee`` (actions), ``part`` (% des actions). Une dernière ligne « Total » (code ``total``) est confrontée aux « projets retenus et
    accompagnés » que le rapport répartit par pilier."""
    comptes = (
        programmation.groupby(["pilier_code", "pilier"], dropna=False).size().rename("valeur_recalculee").reset_index()
    )
    rang = {c: i for i, c in enumerate(ORDRE_PILIERS)}
    comptes["_rang"] = comptes["pilier_code"].map(rang).fillna(len(rang))
    comptes = comptes.sort_values(["_rang", "pilier"]).drop(columns="_rang").reset_index(drop=True)
    comptes["valeur_recalculee"] = comptes["valeur_recalculee"].astype(float)
    comptes["part"] = comptes["valeur_recalculee"] / comptes["valeur_recalculee"].sum() * 100
    comptes["calcul"] = [calcul("nombre", "programmation", pilier=str(p)) for p in comptes["pilier"]]
    total = pd.DataFrame(
        [
            {
                "pilier_code": "total",
                "pilier": "Total",
                "calcul": _calcul_piliers("nombre", None, programmation),
                "valeur_recalculee": float(comptes["valeur_recalculee"].sum()),
                "part": 100.0,
            }
        ]
    )
    sortie = pd.concat([comptes, total], ignore_index=True).assign(section=SECTION_PROGRAMMATION)
    return sortie[["pilier_code", "pilier", "calcul", "section", "valeur_recalculee", "part"]]
