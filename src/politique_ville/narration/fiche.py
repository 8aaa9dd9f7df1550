"""Fiche quartier : l'en-tête, les paragraphes et les notes d'une fiche (un quartier, ses indicateurs, les actions de
sa ou ses communes).

Fonctions pures : l'identité du quartier (``compute.qpv.fiche_identite``), des tables d'actions ou des nombres en
entrée, du texte en sortie (Markdown, ou HTML échappé pour l'en-tête).
"""

from __future__ import annotations

import html

import pandas as pd

from ..present import euros, nombre_fr

e = html.escape

NOTE_SOMMES = "Sommes de montants reconstruits."
NOTE_MONTANTS_ACTIONS = ("Montants par action reconstruits (le rapport ne publie que des totaux par thématique ; "
                         "règle dans data/raw/README.md) ; « — » : montant non publié.")
NON_COUVERT = ("**L'INSEE ne publie pas de données pour ce quartier.** Les quartiers communautaires et de veille "
               "n'appartiennent pas à la géographie prioritaire réglementaire : aucun indicateur socio-économique n'est "
               "disponible pour eux. Les moyennes des QPV et les valeurs de l'agglomération figurent au chapitre "
               "[Géographie prioritaire et situation socio-économique](../10_geographie_prioritaire.html).")


def source(annee: int, reconstruit: bool) -> str:
    """Ligne de source de la figure de la fiche."""
    return (f"INSEE et CAF (données par quartier), rapport {annee} ; valeurs par quartier reconstruites" if reconstruit
            else f"INSEE (données par quartier), {annee}")


def entete(ident: dict, annee: int) -> str:
    """En-tête HTML de la fiche : liens vers le chapitre 10 et le sommaire, nom du quartier, type et communes."""
    return (f'<p><a href="../10_geographie_prioritaire.html">← Géographie prioritaire et situation '
            f'socio-économique</a> · <a href="../index.html">Sommaire du rapport {annee}</a></p>'
            f'<h2>{e(ident["quartier"])}</h2>'
            f'<p><strong>{e(ident["type_libelle"])}</strong> — {e(", ".join(ident["communes"]))}</p>')


def note_identite(ident: dict, reconstruit: bool) -> str:
    """Note du tableau d'identité : nature du code, nom non publié, population reconstruite ou non disponible."""
    return (("Code local (pas un code INSEE). " if str(ident["code_qp"]).startswith("LOC-")
             else "Code INSEE du quartier. ")
            + ("" if ident["nom_publie"] else "Le rapport ne publie pas le nom de ce quartier. ")
            + (("Population reconstruite (data/raw/README.md)." if reconstruit else "") if ident["couvert_insee"]
               else "n.d. : non disponible, l'INSEE ne couvre pas ce quartier.")).strip()


def sans_comparaison(annee: int) -> str:
    return (f"**Niveau de comparaison non publié** : aucune valeur de l'agglomération ni des QPV du département n'a été "
            f"reçue pour {annee}. Le quartier est comparé aux autres QPV (rang, moyenne des QPV).")


def note_indicateurs(reconstruit: bool) -> str:
    return ("Rang 1 = valeur la plus élevée parmi les QPV ; « secret » : secret statistique (non classé) ; « non publié » "
            ": valeur de comparaison que le rapport ne publie pas. Moyenne des QPV pondérée (voir le chapitre). Revenu "
            "médian par unité de consommation en euros par mois (revenu annuel divisé par 12)."
            + (" Valeurs du quartier reconstruites, sauf mention « publié » (data/raw/README.md)." if reconstruit else ""))


def note_figure(reconstruit: bool) -> str:
    return ("Valeurs du quartier reconstruites (data/raw/README.md) ; moyenne des QPV et agglomération publiées."
            if reconstruit else "")


def note_effectifs(reconstruit: bool, sans_comparaison: bool) -> str | None:
    return ("Effectifs par quartier reconstruits (data/raw/README.md)." if reconstruit
            else "« non publié » : total du territoire non fourni." if sans_comparaison else None)


def sans_programmation(annee: int) -> str:
    return (f"**Aucune action : pas de données de programmation** pour {annee} (fichier `programmation` non reçu). Les "
            f"actions situées dans la ou les communes du quartier figureront ici quand la programmation de l'année sera "
            f"disponible.")


def actions(actions: pd.DataFrame, communes: list[str], annee: int) -> str:
    """Les actions de la programmation situées dans la ou les communes du quartier (``compute.qpv.actions_du_quartier``)
    : leur nombre (accordé) et leurs crédits, ou qu'il n'y en a aucune."""
    communes_txt = e(", ".join(communes))
    if actions.empty:
        return (f"Aucune action de la programmation {annee} n'est située dans la commune du quartier ({communes_txt}). "
                f"Le quartier peut bénéficier des actions intercommunales ci-dessous.")
    n = len(actions)
    nombre = (f"**1 action** de la programmation {annee} est située" if n == 1
              else f"**{nombre_fr(n)} actions** de la programmation {annee} sont situées")
    return (f"{nombre} dans {'la commune' if len(communes) == 1 else 'les communes'} du quartier ({communes_txt}), pour "
            f"{euros(actions['credits_specifiques'].sum())} de crédits spécifiques et {euros(actions['cget'].sum())} de "
            f"crédits CGET (sommes de montants reconstruits). Les actions sont rattachées à des communes, pas à des "
            f"quartiers : une action d'une commune qui compte plusieurs quartiers figure sur la fiche de chacun d'eux.")


def intercommunales(n: int) -> str:
    """Les actions de périmètre intercommunal, comptées à part ; « » s'il n'y en a aucune."""
    if not n:
        return ""
    if n == 1:
        return ("En outre, **1 action de périmètre intercommunal** bénéficie à l'ensemble des quartiers du territoire ou "
                "d'une partie de celui-ci ; elle n'est pas rattachée à ce quartier en particulier.")
    return (f"En outre, **{nombre_fr(n)} actions de périmètre intercommunal** bénéficient à l'ensemble des quartiers du "
            f"territoire ou d'une partie de celui-ci ; elles ne sont pas rattachées à ce quartier en particulier.")
