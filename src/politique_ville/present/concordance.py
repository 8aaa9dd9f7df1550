"""Vues du chapitre de concordance : chaque chiffre publié à côté de sa valeur recalculée, mis en forme à la française.

Entrée : la table de :func:`politique_ville.published.concordance.concordance_annee` (une ligne par chiffre publié). Sortie : des
dictionnaires ``{"df", "titre", "formats", "droite"}`` à passer tels quels à ``ctx.tableau(**vue)`` (HTML échappé et
classeur Excel du chapitre), et les phrases du chapitre.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from politique_ville.clean import scdl
from politique_ville.formats import avec_unite, euros, nombre_fr, pourcent
from politique_ville.published.concordance import STATUTS_ECART
from politique_ville.reference import provenance as pv

#: provenance des tableaux de concordance (note sous le tableau, première ligne de sa feuille Excel)
PROVENANCE_CONCORDANCE = (
    "Provenance : colonne « publié » : publié (imprimé par le rapport ; « ≈ » : approximatif) ; colonne « recalculé » : "
    "recalculé (par le code, à partir des tables nettoyées)."
)


def publie(df: pd.DataFrame) -> list[str]:
    """Valeur publiée avec son unité ; « ≈ » devant un chiffre que le rapport donne lui-même comme approximatif."""
    return [
        ("≈ " if a else "") + avec_unite(v, u) for v, u, a in zip(df["valeur_publiee"], df["unite"], df["approximatif"])
    ]


def recalcule(df: pd.DataFrame) -> list[str]:
    """Valeur recalculée avec son unité (une décimale pour un pourcentage)."""
    return [avec_unite(v, u, 1 if u == "%" else None) for v, u in zip(df["valeur_recalculee"], df["unite"])]


def chiffre(df: pd.DataFrame) -> list[str]:
    """Libellé du chiffre ; « (dérivé) » pour un chiffre que le rapport implique sans l'imprimer."""
    return [lib + (" (dérivé)" if d else "") for lib, d in zip(df["libelle"], df["derive"])]


def vue_resume(resume: pd.DataFrame) -> dict:
    """Le décompte par statut et par genre (sortie de ``resume_statuts``)."""
    return {
        "df": resume.rename(columns={"genre": "vérification ou écart"}),
        "titre": "Chiffres publiés par statut et par nature de la vérification",
        "formats": {"chiffres": nombre_fr},
        "provenance": "recalculé",
    }


def vue_tous(conc: pd.DataFrame) -> dict:
    """Tous les chiffres publiés, avec les lignes des tables nettoyées utilisées pour les recalculer."""
    vue = conc.assign(publié=publie(conc), recalculé=recalcule(conc), chiffre=chiffre(conc))[
        ["section", "chiffre", "publié", "recalculé", "statut", "genre", "sources"]
    ].rename(columns={"genre": "vérification ou écart", "sources": "lignes utilisées (tables nettoyées)"})
    return {
        "df": vue,
        "titre": "Chaque chiffre publié et sa valeur recalculée",
        "droite": ["publié", "recalculé"],
        "provenance": PROVENANCE_CONCORDANCE,
    }


def ecarts(conc: pd.DataFrame) -> pd.DataFrame:
    """Les chiffres publiés que les données ne redonnent pas (écart documenté ou non expliqué)."""
    return conc[conc["statut"].isin(STATUTS_ECART)]


def vue_ecarts(e: pd.DataFrame) -> dict:
    """Les écarts et leur explication ; « taille de l'écart » : dépend ou non d'un choix de reconstruction."""
    vue = e.assign(publié=publie(e), recalculé=recalcule(e), chiffre=chiffre(e))[
        ["chiffre", "publié", "recalculé", "genre", "explication"]
    ].rename(columns={"genre": "taille de l'écart"})
    return {
        "df": vue,
        "titre": "Écarts entre chiffres publiés et valeurs recalculées",
        "droite": ["publié", "recalculé"],
        "provenance": PROVENANCE_CONCORDANCE,
    }


def attention_non_documentes(e: pd.DataFrame) -> str:
    """Avertissement quand des écarts ne sont pas documentés ; « » sinon."""
    n = int((~e["ecart_documente"].astype(bool)).sum()) if len(e) else 0
    if not n:
        return ""
    return f"**Attention : {n} écart non documenté.**" if n == 1 else f"**Attention : {n} écarts non documentés.**"


def sans_rapport_publie(annee: int, reference_dir: Path, racine: Path | None = None) -> str:
    """Année sans chiffres publiés : rien à comparer, et pourquoi (dossier des référentiels relatif à la racine)."""
    reference_dir = Path(reference_dir)
    if racine is not None and reference_dir.is_relative_to(racine):
        reference_dir = reference_dir.relative_to(racine)
    return (
        f"**Pas de rapport publié pour {annee}** : aucun chiffre publié de référence (fichier "
        f"`chiffres_publies_{annee}.csv` absent du dossier des référentiels `{reference_dir}`). Rien à comparer : "
        f"les chiffres de ce rapport sont ceux que le pipeline calcule à partir des données reçues."
    )


# --------------------------------------------------------------------------------------------- subventions SCDL


def _pourcent_part(x) -> str:

    return "" if pd.isna(x) else pourcent(x, 0 if float(x).is_integer() else 1)


def blocs_verification(verif: dict) -> list:
    """Les blocs (phrases et vues de tableaux, pour ``ctx.afficher``) d'une vérification indépendante par un fichier
    de subventions (``scdl.verifications_du_territoire``) : la phrase de synthèse, les statuts, les différences avec
    les lignes du fichier, les subventions dont les parts dépassent 100 %, les lignes non comptées (autre exercice,
    écartées) avec leur montant, le détail de chaque porteur ligne par ligne (interactif, et dans le classeur) et les
    écarts au schéma officiel avec ce qui en a été fait. Provenance : « reçu » (le fichier nommé) pour les montants
    lus, « recalculé » pour les parts et les sommes."""

    sub = verif["subventions"]
    att = verif["attribuant"]
    blocs: list = [scdl.phrase_verification(verif)]
    blocs.append(
        {
            "df": scdl.tableau_des_comptes(verif["comptes"]),
            "titre": f"Subventions SCDL de {att} : statuts",
            "formats": {"porteurs": nombre_fr},
        }
    )
    if len(verif["differences"]):
        blocs.append(
            {
                "df": scdl.differences_affichees(verif),
                "titre": f"Subventions SCDL de {att} : différences",
                "formats": {c: euros for c in scdl.MONTANTS_DIFFERENCES},
                "provenance": pv.note(
                    pv.RECALCULE,
                    "montant SCDL = somme des parts (montant × pourcentageSubvention) des lignes comptées",
                    source=verif["fichier"],
                ),
            }
        )
    blocs.append(scdl.phrase_a_verifier(sub))
    non_comptees = verif["detail"][verif["detail"]["traitement"] != scdl.COMPTEE]
    if len(non_comptees):
        vue = non_comptees.assign(pourcentage=non_comptees["pourcentage"] * 100)
        vue = vue[list(scdl.COLONNES_DETAIL_AFFICHEES)].rename(columns=scdl.COLONNES_DETAIL_AFFICHEES)
        blocs.append(
            {
                "df": vue.drop(columns=["montant compté"]),
                "titre": f"Subventions SCDL de {att} : lignes non comptées (autre exercice, écartées)",
                "formats": {"montant de la subvention": euros, "part (%)": _pourcent_part},
                "provenance": pv.note(
                    pv.RECU, "montants lus dans le fichier, non additionnés", source=verif["fichier"]
                ),
            }
        )
    blocs.append(
        {
            "df": scdl.detail_affiche(verif),
            "titre": f"Subventions SCDL de {att} : chaque montant déplié en ses lignes",
            "formats": {**{c: euros for c in scdl.MONTANTS_DETAIL}, "part (%)": _pourcent_part},
            "provenance": pv.note(
                pv.RECU,
                "montant de la subvention et part lus dans le fichier ; montant compté = montant × part (recalculé)",
                source=verif["fichier"],
            ),
        }
    )
    resume = scdl.resume_ecarts_schema(sub)
    if len(resume):
        blocs.append(
            f"Écarts au schéma officiel (SCDL {scdl.VERSIONS.get(sub.version, ('', 'correspondance'))[1]}, validé "
            f"avec frictionless) et ce que la lecture en a fait ; le détail, cellule par cellule, suit (et est dans le "
            f"classeur)."
        )
        blocs.append(
            {
                "df": resume,
                "titre": f"Subventions SCDL de {att} : écarts au schéma",
                "formats": {"cellules": nombre_fr},
            }
        )
    return [b for b in blocs if b]
