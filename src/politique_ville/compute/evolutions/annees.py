"""Les années et les tables trouvées (:func:`bilan_annees`, :func:`debuts_des_tables`), et la géographie
prioritaire de chaque année (:func:`geographies`, :func:`changements_geographie`)."""

from __future__ import annotations

import pandas as pd

from politique_ville.reference.historique import AUTRE_TERRITOIRE
from politique_ville.reference.schemas import geographie_qpv

from .. import qpv as cq
from .regles import (
    TABLES,
)

# --------------------------------------------------------------------------------------------- années et tables


def annees_de(annees: dict, table: str) -> list[int]:
    """Les années (triées) où ``table`` existe et n'est pas vide."""
    return sorted(int(a) for a, t in annees.items() if t.get(table) is not None and len(t[table]))


def bilan_annees(annee: int, annees: dict, ecartees: dict | None = None, tables=TABLES) -> pd.DataFrame:
    """Une ligne par année civile, de la première année trouvée à ``annee`` : statut (« trouvée », « absente »,
    « écartée ») et raison, puis une colonne booléenne par table (présente cette année-là)."""
    # l'année d'un autre territoire du dépôt (l'exemple publié, à côté d'un nouveau territoire) n'est pas une année de
    # ce rapport : ni colonne, ni ligne ; l'exécution, elle, dit qu'elle est ignorée
    ecartees = {int(a): r for a, r in (ecartees or {}).items() if not str(r).startswith(AUTRE_TERRITOIRE)}
    connues = [int(a) for a in annees] + list(ecartees)
    debut = min(connues + [int(annee)])
    lignes = []
    for a in range(debut, int(annee) + 1):
        t = annees.get(a, {})
        statut = "trouvée" if a in annees else "écartée" if a in ecartees else "absente"
        lignes.append(
            {
                "annee": a,
                "statut": statut,
                "raison": ecartees.get(a, ""),
                **{n: t.get(n) is not None and len(t[n]) > 0 for n in tables},
            }
        )
    return pd.DataFrame(lignes, columns=["annee", "statut", "raison", *tables])


def debuts_des_tables(annees: dict, tables=TABLES) -> pd.DataFrame:
    """Pour chaque table : première et dernière année où elle existe, et années (entre les deux ou avant, parmi les
    années trouvées) où elle manque : l'évolution de cette table commence plus tard, ou s'interrompt."""
    trouvees = sorted(int(a) for a in annees)
    lignes = []
    for n in tables:
        presentes = annees_de(annees, n)
        manquantes = [a for a in trouvees if a not in presentes]
        lignes.append(
            {
                "table": n,
                "premiere": presentes[0] if presentes else pd.NA,
                "derniere": presentes[-1] if presentes else pd.NA,
                "annees": presentes,
                "manquantes": manquantes,
            }
        )
    return pd.DataFrame(lignes, columns=["table", "premiere", "derniere", "annees", "manquantes"])


# --------------------------------------------------------------------------------------------- géographie


def geographie_de(qpv: pd.DataFrame | None) -> str | None:
    """Géographie prioritaire des QPV d'une année (« 2015 », « 2024 », « locale », ou plusieurs jointes par
    « + ») ; ``None`` sans table."""
    if qpv is None or qpv.empty:
        return None
    q = qpv[qpv["type_quartier"] == cq.TYPE_QPV] if "type_quartier" in qpv.columns else qpv
    if "geographie_qpv" in q.columns:
        geos = sorted(set(q["geographie_qpv"].dropna().astype(str)))
    else:  # table écrite avant la colonne geographie_qpv : déduite du code
        geos = sorted({geographie_qpv(c) for c in q["code_qp"]})
    return "+".join(geos) if geos else None


def geographies(annees: dict) -> pd.DataFrame:
    """Géographie prioritaire de chaque année qui a une table ``insee_qpv``."""
    return pd.DataFrame(
        [{"annee": a, "geographie": geographie_de(annees[a].get("insee_qpv"))} for a in annees_de(annees, "insee_qpv")],
        columns=["annee", "geographie"],
    )


def changements_geographie(annees: dict) -> pd.DataFrame:
    """Chaque changement de géographie prioritaire entre deux années successives trouvées (pas forcément
    consécutives) : ``annee_avant``, ``geographie_avant``, ``annee``, ``geographie``. Les séries des quartiers et des
    niveaux qui dépendent du périmètre des QPV s'arrêtent à ``annee_avant`` et reprennent, nouvelles, à ``annee``."""
    g = geographies(annees)
    lignes = []
    for (a0, g0), (a1, g1) in zip(zip(g["annee"], g["geographie"]), zip(g["annee"][1:], g["geographie"][1:])):
        if g0 != g1:
            lignes.append({"annee_avant": a0, "geographie_avant": g0, "annee": a1, "geographie": g1})
    return pd.DataFrame(lignes, columns=["annee_avant", "geographie_avant", "annee", "geographie"])
