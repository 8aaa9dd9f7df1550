"""Nettoyage des tables de la programmation et des financements."""

from __future__ import annotations

import pandas as pd

from politique_ville.clean.nettoyage.derivees import communes_eclatees
from politique_ville.clean.nettoyage.journal import Journal
from politique_ville.clean.nettoyage.referentiels import Referentiels
from politique_ville.clean.nettoyage.tables import _nettoyer_tables
from politique_ville.reference.etapes import TABLES_FINANCEMENTS


def nettoyer_financements(
    bruts: dict[str, pd.DataFrame], refs: Referentiels, journal: Journal | None = None
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables de la programmation et des financements présentes dans ``bruts``.
    Renvoie les tables traitées, dont ``programmation_communes`` (une ligne par action et commune)."""
    sorties = _nettoyer_tables(TABLES_FINANCEMENTS, bruts, refs, journal if journal is not None else Journal())
    if "programmation" in sorties:
        sorties["programmation_communes"] = communes_eclatees(sorties["programmation"], "id_action", "communes", refs)
    return sorties
