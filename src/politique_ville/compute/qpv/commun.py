"""Ce que partagent les sous-modules : types de quartier, niveaux de comparaison et leurs libellés, marques
d'une valeur absente (« secret », « n.d. », « non publié ») et provenances par défaut ; nom affiché d'un quartier,
communes de chaque quartier (gardées d'une fiche à l'autre), QPV d'une table, lecture d'un nombre."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.reference.provenance import NON_PUBLIE as NON_PUBLIE_PROVENANCE

from .. import niveaux as cn

TYPE_QPV = "QPV"
TYPES_QUARTIER = {
    "QPV": "Quartier prioritaire (QPV)",
    "quartier communautaire": "Quartier communautaire",
    "quartier de veille": "Quartier de veille",
}

NIVEAU_MOYENNE_QPV = "Moyenne des QPV de l'agglomération"
NIVEAU_AGGLO = "Agglomération"
NIVEAU_QPV_DEPARTEMENT = "QPV du département"
NIVEAU_HORS_QPV = "Hors QPV de l'agglomération"
NIVEAU_DEPARTEMENT = "Département"
NIVEAU_QPV_REGION = cn.NIVEAU_QPV_REGION
NIVEAU_QPV_FRANCE = cn.NIVEAU_QPV_FRANCE
#: les QPV du territoire, agrégés par la règle du registre (médiane des QPV pour une médiane : jamais moyennée)
NIVEAU_QPV_TERRITOIRE = "QPV du territoire"

#: niveaux de comparaison de ``insee_references`` montrés à côté des quartiers, avec le libellé des colonnes
NIVEAUX_COMPARAISON = {
    NIVEAU_MOYENNE_QPV: "Moyenne des QPV (publiée)",
    NIVEAU_AGGLO: "Agglomération",
    NIVEAU_QPV_DEPARTEMENT: "QPV du département",
    NIVEAU_HORS_QPV: "Agglomération hors QPV",
}
#: niveaux calculés à partir d'un fichier de l'INSEE plus large que le territoire, montrés seulement quand ils sont là
#: (« QPV de France » : fichier national seulement)
NIVEAUX_SUPPLEMENTAIRES = {NIVEAU_QPV_REGION: "QPV de la région", NIVEAU_QPV_FRANCE: "QPV de France"}

SECRET = "secret"
NON_DISPONIBLE = "n.d."
NON_PUBLIE = NON_PUBLIE_PROVENANCE  # le mot du vocabulaire des provenances
MOTIF_SECRET = "secret statistique"
MOTIF_NON_DISPONIBLE = "non disponible"
PUBLIE = "publié"
RECU = "reçu"


def _millesime(code: str) -> str:
    """Année de référence écrite à la fin du nom d'une variable (« nb_x_AAAA » -> « AAAA »)."""
    m = re.search(r"_(\d{4})$", code)
    return m.group(1) if m else ""


def nom_quartier(code_qp: str, nom) -> str:
    """Nom affiché : le nom publié, sinon « Quartier sans nom publié (LOC-QP16) »."""
    if isinstance(nom, str) and nom.strip():
        return nom.strip()
    return f"Quartier sans nom publié ({code_qp})"


@memo.une_fois
def _communes_par_quartier(qpv_communes: pd.DataFrame):
    """code_qp -> communes du quartier (tuple, dans l'ordre de ``rang``), en lecture seule : calculé une fois pour
    les mêmes tables (:mod:`politique_ville.base.memo`), rendu sans copie."""
    c = qpv_communes.sort_values(["code_qp", "rang"])
    return memo.lecture_seule({k: tuple(g["commune"]) for k, g in c.groupby("code_qp", sort=False)})


def _qpv(qpv: pd.DataFrame) -> pd.DataFrame:
    return qpv[qpv["type_quartier"] == TYPE_QPV]


def _nan(v) -> float:
    if v is None or isinstance(v, (bool, np.bool_)):
        pass
    elif isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)  # NaN reste NaN
    v = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return math.nan if pd.isna(v) else float(v)
