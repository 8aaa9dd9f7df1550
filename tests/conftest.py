from __future__ import annotations

from pathlib import Path

import pytest

from politique_ville.catalog import Catalogue

RACINE = Path(__file__).resolve().parents[1]
ANNEE = 2019


@pytest.fixture(scope="session")
def racine() -> Path:
    return RACINE


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.pour(ANNEE, RACINE)
