"""Les ouvertures du chapitre 10 et de ses sections : :func:`introduction`, fiches quartier, situation
socio-économique, poids des QPV, classement."""

from __future__ import annotations

from politique_ville import formats
from politique_ville.compute import qpv as cq

from .briques import (
    _liste,
    e,
)
from .faits import Faits


def introduction(f: Faits) -> str:
    """L'ouverture du chapitre : pour l'année d'un rapport publié, la section qu'il reprend et les chiffres publiés
    rappelés ; sinon, ce que le chapitre montre du fichier reçu, sans parler d'aucun rapport."""
    presents = [
        nom
        for niveau, nom in (
            (cq.NIVEAU_AGGLO, f.d.de),
            (cq.NIVEAU_QPV_DEPARTEMENT, "des QPV du département"),
            (cq.NIVEAU_QPV_REGION, "des QPV de la région"),
            (cq.NIVEAU_QPV_FRANCE, "des QPV de France"),
        )
        if niveau in f.synth.columns and f.synth[niveau].notna().any()
    ]
    if f.d.niveau == "region" and f.niveaux is not None and len(f.niveaux):
        if f.niveaux["niveau"].astype(str).str.startswith(f"{cq.NIVEAU_QPV_DEPARTEMENT} ").any():
            presents.append("des QPV de son département pour chaque quartier")
    niveaux = _liste(presents) if presents else "des autres quartiers du territoire"
    if f.a_un_rapport:
        return (
            "Ce chapitre reprend la section 1 du rapport, « Le contrat de ville et ses orientations stratégiques » : "
            f"la géographie prioritaire {f.d.de}, puis la situation socio-économique initiale des quartiers "
            f"prioritaires (QPV), comparée à celle {niveaux}. Chaque chiffre est recalculé à partir des "
            "tables INSEE nettoyées ; les chiffres publiés par le rapport sont rappelés à côté.\n\n"
            "La dernière partie montre **tous les indicateurs du fichier de l'INSEE, par thème**, avec leurs rangs et "
            "leurs écarts à chaque niveau de comparaison, reçu ou calculé."
        )
    return (
        f"La géographie prioritaire {f.d.de} ({e(f.territoire)}), puis la situation socio-économique des quartiers "
        f"prioritaires (QPV) d'après le fichier de l'INSEE reçu ({e(f.source_recue)}), comparée à celle {niveaux}. "
        "Chaque niveau de plusieurs quartiers est calculé selon la règle de son indicateur (registre des "
        "indicateurs) : jamais une moyenne de médianes.\n\n"
        "La dernière partie montre **tous les indicateurs du fichier, par thème**, avec leurs rangs et leurs écarts "
        "à chaque niveau de comparaison, reçu ou calculé."
    )


def intro_fiches(f: Faits) -> str:
    """Le paragraphe au-dessus de la liste des fiches quartier."""
    comparaisons = ["aux autres quartiers", "aux QPV du territoire"]
    if f.synth[cq.NIVEAU_AGGLO].notna().any():
        comparaisons.append(f.d.a)
    if f.d.intercommunal:
        comparaisons.append("aux QPV du département")
    elif f.d.niveau == "region":
        comparaisons.append("aux QPV de son département")
    autres = " (QPV et quartiers communautaires ou de veille)" if len(f.autres) else ""
    return (
        f"Une fiche par quartier{autres} : ses indicateurs comparés {_liste(comparaisons)}, son rang, et les actions "
        "de la programmation situées dans sa ou ses communes quand l'année a une programmation."
    )


def intro_situation(f: Faits) -> str:
    """Le paragraphe qui ouvre la situation socio-économique : les niveaux de comparaison qui existent, nommés."""
    niveaux = ["les **QPV du territoire** (leurs quartiers agrégés selon la règle de chaque indicateur)"]
    if f.synth[cq.NIVEAU_AGGLO].notna().any():
        niveaux.append(f"**{f.d.le}**")
    for niveau, nom in (
        (cq.NIVEAU_QPV_DEPARTEMENT, "les **QPV du département**"),
        (cq.NIVEAU_QPV_REGION, "les **QPV de la région**"),
        (cq.NIVEAU_QPV_FRANCE, "les **QPV de France**"),
    ):
        if niveau in f.synth.columns and f.synth[niveau].notna().any():
            niveaux.append(nom)
    texte = f"Les indicateurs de chaque QPV sont comparés {'à ' if len(niveaux) == 1 else 'à plusieurs niveaux : '}"
    texte += _liste(niveaux) + "."
    if f.a_un_rapport:
        texte += " Le rapport publie la moyenne des QPV de certains indicateurs : elle est rappelée à côté."
    if "decuc_q2" in f.qpv.columns:
        texte += (
            " Le revenu médian par unité de consommation est publié par l'INSEE en euros par an : il est montré "
            "**par mois** (divisé par 12)."
        )
    return texte + " Les règles de calcul de chaque indicateur sont données en fin de chapitre."


def titre_poids(f: Faits) -> str:
    return f"## Poids des QPV dans {f.d.le}"


def intro_poids(f: Faits) -> str:
    if f.parts["part_qpv"].notna().any():
        return (
            f"Pour les effectifs (demandeurs d'emploi, allocataires, établissements…), la comparaison porte sur la "
            f"part des QPV dans le total {f.d.de}, à rapprocher de leur part de la population."
        )
    return (
        f"Pour les effectifs (demandeurs d'emploi, allocataires, établissements…), le total {f.d.de} n'est pas "
        f"{'publié' if f.a_un_rapport else 'reçu'} : les totaux des QPV sont donnés sans leur part."
    )


def intro_classement(f: Faits) -> str:
    return (
        f"Rang de chaque QPV sur chaque indicateur. {formats.CONVENTION_RANG} : le sens de chaque indicateur vient du "
        "registre des indicateurs et figure dans l'en-tête de sa colonne. Des valeurs égales à la précision affichée "
        "sont ex aequo et partagent le même rang ; une valeur couverte par le secret statistique n'est pas classée."
    )
