"""Nettoyage des tables de l'INSEE : quartiers du territoire, niveaux de comparaison, provenance, valeurs
manquantes, colonnes non reconnues."""

from __future__ import annotations

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage.derivees import (
    communes_eclatees,
    valeurs_manquantes_insee,
    verifier_provenance_insee,
)
from politique_ville.clean.nettoyage.erreurs import ErreursNettoyage
from politique_ville.clean.nettoyage.journal import Journal
from politique_ville.clean.nettoyage.referentiels import Referentiels
from politique_ville.clean.nettoyage.tables import _nettoyer_tables, nettoyer_table
from politique_ville.clean.nettoyage.territoire import selectionner_territoire, table_comparaison
from politique_ville.reference.etapes import TABLES_INSEE
from politique_ville.reference.indicateurs import colonnes_non_reconnues
from politique_ville.reference.schemas import COLONNE_GEOGRAPHIE


def nettoyer_insee(
    bruts: dict[str, pd.DataFrame],
    refs: Referentiels,
    journal: Journal | None = None,
    comparaison_nettoyee: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables INSEE : quartiers, niveaux de comparaison, provenance ; ajoute ``insee_qpv_communes`` et
    ``insee_valeurs_manquantes`` (secret statistique marqué comme tel, jamais 0).

    Un fichier des quartiers qui couvre davantage que le territoire (national, régional) est pris tel quel :
    ``insee_qpv`` garde les quartiers du territoire (:func:`selectionner_territoire`) et ``insee_qpv_comparaison``
    tous les quartiers du fichier, avec leur département et leur région, pour les seuls niveaux de comparaison
    calculés (``compute.niveaux``). Une colonne que le registre des indicateurs ne connaît pas est gardée et
    signalée au journal (« colonnes non reconnues »).

    ``comparaison_nettoyee`` (lot de territoires) : le fichier entier déjà nettoyé une fois par le lot (schéma
    ``insee_qpv_comparaison``, ligne par ligne, sans référentiel des communes) ; les autres quartiers en sont pris
    (par ``ligne_source``) au lieu d'être nettoyés à nouveau. Une ligne absente (écartée par le lot) manque aux
    niveaux de comparaison."""
    journal = journal if journal is not None else Journal()
    selection = selectionner_territoire(bruts["insee_qpv"], refs, journal) if "insee_qpv" in bruts else None
    if selection is not None:
        bruts = {**bruts, "insee_qpv": selection.brut_territoire}
    erreurs: list[ErreurDonnees] = []
    try:
        sorties = _nettoyer_tables(TABLES_INSEE, bruts, refs, journal)
    except ErreursNettoyage as exc:
        erreurs += exc.erreurs
        sorties = {}
    autres = None
    if selection is not None and comparaison_nettoyee is not None:
        lignes_autres = set(pd.to_numeric(selection.brut_autres[COLONNE_LIGNE]).astype(int))
        autres = comparaison_nettoyee[comparaison_nettoyee[COLONNE_LIGNE].astype(int).isin(lignes_autres)]
        autres = autres.reset_index(drop=True)
    elif selection is not None:
        try:
            autres = nettoyer_table("insee_qpv_comparaison", selection.brut_autres, refs, journal).donnees
        except ErreursNettoyage as exc:
            erreurs += exc.erreurs
    if erreurs:
        raise ErreursNettoyage(erreurs)
    if "insee_qpv" in sorties:
        qpv = sorties["insee_qpv"]
        if selection is not None and autres is not None:
            comparaison = table_comparaison(selection, qpv, autres)
            _verifier_une_geographie(
                comparaison, bruts["insee_qpv"].attrs.get("source", {}).get("fichier", "insee_qpv")
            )
            sorties["insee_qpv_comparaison"] = comparaison
        if "insee_provenance" in sorties and "insee_references" in sorties:
            verifier_provenance_insee(
                sorties["insee_provenance"],
                qpv,
                sorties["insee_references"],
                bruts["insee_provenance"].attrs.get("source", {}).get("fichier", "insee_provenance.csv"),
            )
        sorties["insee_qpv_communes"] = communes_eclatees(qpv, "code_qp", "nom_commune", refs)
        sorties["insee_valeurs_manquantes"] = valeurs_manquantes_insee(
            qpv, sorties.get("insee_provenance"), bruts["insee_qpv"]
        )
    _signaler_colonnes_non_reconnues(sorties, bruts, journal)
    return sorties


def _verifier_une_geographie(comparaison: pd.DataFrame, fichier: str):
    """Les quartiers du territoire et les autres sont d'une même géographie prioritaire (2015 ou 2024)."""
    geos = comparaison[COLONNE_GEOGRAPHIE].dropna()
    if {"2015", "2024"} <= set(geos):
        l15 = comparaison.loc[geos.index[geos == "2015"][0]]
        l24 = comparaison.loc[geos.index[geos == "2024"][0]]
        raise ErreurDonnees(
            f"le fichier mêle les deux géographies prioritaires : « {l15['code_qp']} » (ligne "
            f"{int(l15[COLONNE_LIGNE])}) est un code de la géographie 2015 (« QP… »), « {l24['code_qp']} » (ligne "
            f"{int(l24[COLONNE_LIGNE])}) un code de la géographie 2024 (« QN… ») ; aucune valeur ne se compare d'une "
            f"géographie à l'autre : un fichier par géographie",
            fichier=fichier,
            colonne="code_qp",
        )


def _signaler_colonnes_non_reconnues(
    sorties: dict[str, pd.DataFrame], bruts: dict[str, pd.DataFrame], journal: Journal
):
    """« colonnes non reconnues » : colonnes des tables INSEE que le registre des indicateurs ne connaît pas,
    gardées telles quelles (jamais retirées en silence)."""

    for table in ("insee_qpv", "insee_references"):
        if table not in sorties:
            continue
        inconnues = colonnes_non_reconnues(sorties[table].columns)
        if inconnues:
            fichier = bruts[table].attrs.get("source", {}).get("fichier", table)
            journal.avertir(
                f"{fichier} : colonne(s) non reconnue(s) par le registre des indicateurs "
                f"(data/reference/indicateurs_qpv.csv), gardée(s) telle(s) quelle(s), sans comparaison : "
                f"{', '.join(inconnues)}"
            )
