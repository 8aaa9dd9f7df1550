"""Les notes des tableaux et des figures du chapitre 10 : tableaux par indicateur, poids des QPV et rangs, valeurs
manquantes (:func:`valeurs_manquantes`), concordance avec le rapport publié (:func:`concordance`)."""

from __future__ import annotations

import pandas as pd

from politique_ville import formats
from politique_ville.compute import qpv as cq
from politique_ville.formats import accord
from politique_ville.reference import provenance as pv

from .briques import (
    SECRET_SIMULE,
    SECRETS_SIMULES,
    approx,
    e,
    note_reconstruit,
    si_reconstruit,
)
from .faits import Faits

# --------------------------------------------------------------------------------------------- tableaux par indicateur


def note_synthese(f: Faits) -> str:
    """Note du tableau de synthèse : la règle du niveau des QPV du territoire, et ce que disent les cases vides."""
    texte = (
        "QPV du territoire : ses quartiers agrégés selon la règle du registre des indicateurs — moyenne pondérée par "
        "la population concernée (« approximation pondérée » quand l'INSEE ne publie pas le dénominateur exact ; "
        "demandeurs d'emploi de chaque sexe pour l'ancienneté d'inscription), part recalculée (« calculé »), "
        "médiane des valeurs des quartiers avec leur étendue pour une médiane ou un décile (« médiane des QPV » : "
        "jamais une moyenne de médianes) — sur les QPV dont la valeur n'est pas couverte par le secret statistique. "
        "Écart en points pour les indicateurs en %."
    )
    if f.a_un_rapport:
        texte += " « non publié » : le rapport ne donne pas la valeur de ce niveau."
        if f.synth[cq.NIVEAU_MOYENNE_QPV].notna().any():
            texte += (
                " Moyenne des QPV (publiée) : la valeur imprimée par le rapport, calculée par lui (pour un revenu "
                "médian, une moyenne pondérée de médianes : son approximation)."
            )
    if f.sans_comparaison:
        return texte + f" Aucun niveau de comparaison n'a été reçu ni calculé pour {f.annee}."
    if f.synth[cq.NIVEAU_HORS_QPV].notna().any():
        return (
            texte
            + f" {f.d.hors_qpv} : femmes et hommes confondus"
            + (", valeur approximative." if approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f") else ".")
        )
    return texte


def note_indicateur(f: Faits) -> str:
    """Note du tableau des QPV sur un indicateur."""
    return (
        f"{formats.CONVENTION_RANG} ; ex aequo à la précision affichée ; valeur secrète non classée."
        + (f" {note_reconstruit(f)}" if note_reconstruit(f) else "")
        + (f" « {f.manquant} » : niveau de comparaison {f.manquant}." if f.sans_comparaison else "")
    )


def note_figure_indicateur(f: Faits, code: str) -> str:
    return si_reconstruit(
        f,
        f"{cq.indicateur(code).libelle} : valeurs par quartier reconstruites (data/raw/README.md) ; "
        f"la moyenne des QPV concorde avec le chiffre publié.",
    )


# --------------------------------------------------------------------------------------------- poids des QPV, rangs


def note_parts(f: Faits) -> str | None:
    return si_reconstruit(
        f,
        "Totaux des QPV : sommes des effectifs par quartier (reconstruits). Totaux de "
        "l'agglomération reconstruits pour redonner les parts publiées (data/raw/README.md) : "
        "seules les parts et les totaux de demandeurs d'emploi par sexe sont publiés.",
    ) or (
        (
            "Totaux des QPV : sommes des effectifs par quartier. « non publié » : total du territoire non fourni "
            "(niveau de comparaison non publié)."
            if f.a_un_rapport
            else "Totaux des QPV : sommes des effectifs par quartier (total du territoire non reçu)."
        )
        if f.sans_comparaison
        else None
    )


def note_figure_parts(f: Faits) -> str:
    return si_reconstruit(
        f, "Parts calculées sur des effectifs reconstruits ; elles redonnent les parts publiées par le rapport."
    )


def note_effectifs(f: Faits) -> str:
    return (
        si_reconstruit(
            f,
            "Effectifs par quartier reconstruits (data/raw/README.md) : proportionnels à la "
            "population, modulés par la fragilité du quartier, répartis pour redonner les totaux et "
            "les parts publiés.",
        )
        or "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0)."
    )


def note_valeurs(f: Faits) -> str:
    return "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0). " + note_reconstruit(f)


def note_rangs(f: Faits) -> str:
    return f"{formats.CONVENTION_RANG}, parmi les QPV renseignés." + si_reconstruit(
        f,
        " Rangs calculés sur des valeurs reconstruites : ils illustrent la méthode et ne décrivent pas des quartiers "
        "réels, sauf pour les valeurs publiées par le rapport.",
    )


# --------------------------------------------------------------------------------------------- valeurs manquantes


def valeurs_manquantes(f: Faits, secrets: pd.DataFrame, resume: pd.DataFrame) -> str:
    """Les valeurs des QPV couvertes par le secret statistique (``compute.qpv.valeurs_secretes``) et les cases
    « n.d. » des quartiers que l'INSEE ne couvre pas (``compute.qpv.resume_manquantes``)."""
    nd = int(resume.loc[resume["motif"] == cq.MOTIF_NON_DISPONIBLE, "cases"].sum()) if len(resume) else 0
    simule = [f.p_qpv(c, v) == pv.SIMULE for c, v in zip(secrets["code_qp"], secrets["variable"])]
    n_sim = sum(simule)
    vrais = secrets[pd.Series([not x for x in simule], index=secrets.index, dtype=bool)]
    texte = ""
    if len(vrais) or not n_sim:
        texte = (
            f"**{len(vrais)} valeur(s) de QPV** sont couvertes par le secret statistique (petits effectifs), "
            f"dans {vrais['code_qp'].nunique()} quartier(s) : elles sont affichées « secret », ne comptent ni dans "
            f"les moyennes ni dans les classements, et ne sont jamais remplacées par 0."
        )
    if n_sim:
        sim = secrets[simule]
        texte += (
            (" " if texte else "") + f"**{accord(n_sim, 'valeur absente', 'valeurs absentes')}** de QPV, dans "
            f"{accord(sim['code_qp'].nunique(), 'quartier')} ({SECRETS_SIMULES if n_sim > 1 else SECRET_SIMULE}) : "
            f"{'elle est affichée' if n_sim == 1 else 'elles sont affichées'} « secret », avec la provenance "
            f"« simulé », ne {'compte' if n_sim == 1 else 'comptent'} ni dans les moyennes ni dans les "
            f"classements, et ne {'est' if n_sim == 1 else 'sont'} jamais remplacée{'s' if n_sim > 1 else ''} "
            f"par 0."
        )
    return texte + (
        f" Par ailleurs, l'INSEE ne publie aucune donnée pour les quartiers communautaires et de veille ({nd} "
        f"cases « n.d. », non disponibles)."
        if len(f.autres)
        else ""
    )


# --------------------------------------------------------------------------------------------- concordance


NOTE_CONCORDANCE = (
    "« ≈ » : chiffre que le rapport donne lui-même comme approximatif (« près de », « environ ») ; il "
    "concorde s'il est dans la tolérance déclarée."
)


NOTE_INDICATEURS = (
    "Métadonnées tenues dans le registre des indicateurs (data/reference/indicateurs_qpv.csv) : libellés, unités, "
    "règles de calcul du niveau des QPV et bases de pondération."
)


def concordance(conc: pd.DataFrame) -> str:
    """Les contradictions du rapport sur les chiffres du chapitre (lignes de la concordance), ou combien concordent."""
    doc = conc[conc["ecart_documente"]]
    if len(doc):
        return "**Contradictions du rapport sur les chiffres de ce chapitre :**\n\n" + "\n".join(
            f"- {e(lib)} : {e(x)}" for lib, x in zip(doc["libelle"], doc["explication"])
        )
    return (
        "Aucune contradiction du rapport n'est documentée pour les chiffres de ce chapitre "
        f"({(conc['statut'] == 'identique').sum()} chiffres sur {len(conc)} concordent)."
    )


def sans_rapport_publie(annee: int) -> str:
    return (
        f"Pas de rapport publié pour {annee} : aucun chiffre publié à comparer (fichier "
        f"`chiffres_publies_{annee}.csv` absent des référentiels du territoire)."
    )
