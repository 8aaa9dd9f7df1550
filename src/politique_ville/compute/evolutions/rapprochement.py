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
    a = pd.DataFrame(
        {
            "porteur": _porteur(avant).values,
            "intitule": avant["intitule"].astype(str).values,
            "id": avant["id_action"].astype(str).values,
        }
    )
    b = pd.DataFrame(
        {
            "porteur": _porteur(apres).values,
            "intitule": apres["intitule"].astype(str).values,
            "id": apres["id_action"].astype(str).values,
        }
    )
    a["cle"] = [intitule_normalise(x) for x in a["intitule"]]
    b["cle"] = [intitule_normalise(x) for x in b["intitule"]]
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
            lignes.append(
                {
                    **base,
                    "statut": RECONDUITE,
                    "porteur": b.at[j, "porteur"],
                    "intitule_avant": a.at[i, "intitule"],
                    "intitule": b.at[j, "intitule"],
                    "id_avant": a.at[i, "id"],
                    "id": b.at[j, "id"],
                    "ratio": 1.0,
                }
            )
    for i in a.index.difference(sorted(pris_a)):
        lignes.append(
            {
                **base,
                "statut": ARRETEE,
                "porteur": a.at[i, "porteur"],
                "intitule_avant": a.at[i, "intitule"],
                "intitule": None,
                "id_avant": a.at[i, "id"],
                "id": None,
                "ratio": math.nan,
            }
        )
    for j in b.index.difference(sorted(pris_b)):
        lignes.append(
            {
                **base,
                "statut": NOUVELLE,
                "porteur": b.at[j, "porteur"],
                "intitule_avant": None,
                "intitule": b.at[j, "intitule"],
                "id_avant": None,
                "id": b.at[j, "id"],
                "ratio": math.nan,
            }
        )
    bas, haut = bande
    for i in a.index.difference(sorted(pris_a)):
        for j in b.index.difference(sorted(pris_b)):
            if a.at[i, "porteur"].casefold() != b.at[j, "porteur"].casefold():
                continue
            r = ratio(a.at[i, "cle"], b.at[j, "cle"])
            if bas <= r < haut:
                lignes.append(
                    {
                        **base,
                        "statut": DOUTEUSE,
                        "porteur": b.at[j, "porteur"],
                        "intitule_avant": a.at[i, "intitule"],
                        "intitule": b.at[j, "intitule"],
                        "id_avant": a.at[i, "id"],
                        "id": b.at[j, "id"],
                        "ratio": r,
                    }
                )
    return pd.DataFrame(
        lignes,
        columns=["annee_avant", "annee", "statut", "porteur", "intitule_avant", "intitule", "id_avant", "id", "ratio"],
    )


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
