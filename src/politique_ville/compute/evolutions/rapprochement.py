"""Les actions reconduites d'une année à la suivante (:func:`reconduites`) : même porteur et même intitulé
normalisé (:func:`intitule_normalise`) ; les paires douteuses (intitulés proches, :data:`BANDE_DOUTEUSE`) sont
listées sans être comptées comme reconduites."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata

import pandas as pd

from .annees import annees_de

#: Bande du ratio de ressemblance (``difflib.SequenceMatcher.ratio``) des intitulés normalisés d'un même porteur qui
#: fait une paire « douteuse » : au moins 0,75 (intitulés très proches), strictement moins que 1 (sinon : reconduite).
BANDE_DOUTEUSE = (0.75, 1.0)


RECONDUITE, DOUTEUSE, NOUVELLE, ARRETEE = "reconduite", "douteuse", "nouvelle", "arrêtée"


_ANNEE = re.compile(r"\b(19|20)\d{2}\b")


_NON_MOT = re.compile(r"[^0-9a-z]+")


def intitule_normalise(texte) -> str:
    """Règle de rapprochement des intitulés : minuscules, sans accents, apostrophes, guillemets et ponctuation
    remplacés par des espaces, millésimes (« 2031 ») retirés, espaces réduits. « Fête de quartier 2031 » et
    « FÊTE DE QUARTIER – 2032 » donnent tous deux « fete de quartier »."""
    t = unicodedata.normalize("NFKD", str(texte or "").replace("œ", "oe").replace("Œ", "OE"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = _ANNEE.sub(" ", t)
    return " ".join(_NON_MOT.sub(" ", t).split())


def ratio(a: str, b: str) -> float:
    """Ressemblance de deux intitulés normalisés (``difflib.SequenceMatcher.ratio``, de 0 à 1)."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _porteur(prog: pd.DataFrame) -> pd.Series:
    col = "porteur_canonique" if "porteur_canonique" in prog.columns else "porteur"
    return prog[col].fillna("").astype(str).str.strip()


#: colonnes de :func:`reconduites`
_COLONNES_PAIRES = [
    "annee_avant",
    "annee",
    "statut",
    "porteur",
    "intitule_avant",
    "intitule",
    "id_avant",
    "id",
    "ratio",
]


def _actions(prog: pd.DataFrame) -> pd.DataFrame:
    """Les actions d'une année, dans l'ordre de la programmation : ``porteur``, ``intitule``, ``id`` et ``cle``
    (intitulé normalisé)."""
    t = pd.DataFrame(
        {
            "porteur": _porteur(prog).values,
            "intitule": prog["intitule"].astype(str).values,
            "id": prog["id_action"].astype(str).values,
        }
    )
    t["cle"] = [intitule_normalise(x) for x in t["intitule"]]
    return t


def _paire(base: dict, statut: str, a: pd.DataFrame, i, b: pd.DataFrame, j, r: float = math.nan) -> dict:
    """Une ligne de :func:`reconduites` : l'action ``i`` de ``a`` (année d'avant) et l'action ``j`` de ``b`` (année) ;
    ``i`` (ou ``j``) ``None`` pour une action nouvelle (ou arrêtée). Le porteur est celui de l'année, à défaut celui
    de l'année d'avant."""
    return {
        **base,
        "statut": statut,
        "porteur": b.at[j, "porteur"] if j is not None else a.at[i, "porteur"],
        "intitule_avant": a.at[i, "intitule"] if i is not None else None,
        "intitule": b.at[j, "intitule"] if j is not None else None,
        "id_avant": a.at[i, "id"] if i is not None else None,
        "id": b.at[j, "id"] if j is not None else None,
        "ratio": r,
    }


def reconduites(
    avant: pd.DataFrame, apres: pd.DataFrame, annee_avant: int, annee: int, bande: tuple[float, float] = BANDE_DOUTEUSE
) -> pd.DataFrame:
    """Rapproche les actions de deux années : une ligne par action reconduite (même porteur, même intitulé
    normalisé ; chaque action n'est rapprochée qu'une fois, dans l'ordre de la programmation), arrêtée (de
    ``annee_avant`` seulement), nouvelle (de ``annee`` seulement), et une ligne par paire douteuse (même porteur,
    intitulés normalisés différents de ratio dans ``bande``) entre une action arrêtée et une nouvelle ; les deux
    actions d'une paire douteuse restent comptées comme arrêtée et nouvelle.

    Colonnes : ``annee_avant``, ``annee``, ``statut``, ``porteur``, ``intitule_avant``, ``intitule``,
    ``id_avant``, ``id``, ``ratio``."""
    a, b = _actions(avant), _actions(apres)
    libres: dict[tuple[str, str], list[int]] = {}
    for j, (p, k) in enumerate(zip(b["porteur"], b["cle"])):
        libres.setdefault((p.casefold(), k), []).append(j)
    lignes, pris_a, pris_b = [], set(), set()
    base = {"annee_avant": int(annee_avant), "annee": int(annee)}
    for i, (p, k) in enumerate(zip(a["porteur"], a["cle"])):
        candidats = libres.get((p.casefold(), k))
        if candidats:
            j = candidats.pop(0)
            pris_a.add(i)
            pris_b.add(j)
            lignes.append(_paire(base, RECONDUITE, a, i, b, j, 1.0))
    arretees, nouvelles = a.index.difference(sorted(pris_a)), b.index.difference(sorted(pris_b))
    lignes += [_paire(base, ARRETEE, a, i, b, None) for i in arretees]
    lignes += [_paire(base, NOUVELLE, a, None, b, j) for j in nouvelles]
    bas, haut = bande
    for i in arretees:
        for j in nouvelles:
            if a.at[i, "porteur"].casefold() != b.at[j, "porteur"].casefold():
                continue
            r = ratio(a.at[i, "cle"], b.at[j, "cle"])
            if bas <= r < haut:
                lignes.append(_paire(base, DOUTEUSE, a, i, b, j, r))
    return pd.DataFrame(lignes, columns=_COLONNES_PAIRES)


def reconduites_par_annee(annees: dict) -> pd.DataFrame:
    """:func:`reconduites` pour chaque année qui a une programmation ET dont l'année civile précédente en a une
    (pas de rapprochement par-dessus une lacune)."""
    presentes = annees_de(annees, "programmation")
    morceaux = [
        reconduites(annees[a - 1]["programmation"], annees[a]["programmation"], a - 1, a)
        for a in presentes
        if a - 1 in presentes
    ]
    if not morceaux:
        return reconduites(
            pd.DataFrame(columns=["porteur", "intitule", "id_action"]),
            pd.DataFrame(columns=["porteur", "intitule", "id_action"]),
            0,
            0,
        )
    return pd.concat(morceaux, ignore_index=True)


def synthese_reconduites(paires: pd.DataFrame) -> pd.DataFrame:
    """Par année : actions reconduites, arrêtées, nouvelles et paires douteuses (colonnes ``annee_avant``,
    ``annee``, ``reconduite``, ``arrêtée``, ``nouvelle``, ``douteuse``)."""
    statuts = [RECONDUITE, ARRETEE, NOUVELLE, DOUTEUSE]
    if paires.empty:
        return pd.DataFrame(columns=["annee_avant", "annee", *statuts])
    t = paires.groupby(["annee_avant", "annee", "statut"]).size().unstack("statut", fill_value=0)
    return t.reindex(columns=statuts, fill_value=0).reset_index().rename_axis(columns=None)
