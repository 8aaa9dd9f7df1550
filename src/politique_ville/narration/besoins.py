"""Les besoins face aux moyens : phrases en français (chapitre 30, fiches quartier) à partir des sorties de
:mod:`politique_ville.compute.besoins`.

Fonctions pures : nombres en entrée, texte (Markdown) en sortie, sans fichier ni affichage. Une valeur qui repose sur
des montants par action reconstruits porte la marque « \\* » (:mod:`politique_ville.reference.provenance`), expliquée par la
légende que rend :func:`legende`.
"""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.formats import accord, euros, nombre_fr, pourcent
from politique_ville.reference import provenance as pv

from ..compute import besoins as cb

#: Sans table des quartiers ou sans table des actions par commune : rien à rapporter aux habitants.
SANS_QUARTIERS = (
    "*Pas de table des quartiers (fichier de l'INSEE) ou des communes des actions : les moyens ne peuvent "
    "pas être mis face aux besoins des quartiers.*"
)

#: Intitulés des indicateurs de besoin.
INDICATEURS = {"tp60": "taux de pauvreté", "tx_tot_empl": "taux d'emploi"}


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _eur(v, provenance, decimales: int = 0) -> str:
    return pv.marquer(euros(v, decimales), provenance, markdown=True)


def _eur2(v, provenance) -> str:
    """Un montant par habitant ou par demandeur : deux décimales sous 100 €, entier au-delà."""
    return _eur(v, provenance, 2 if not _manque(v) and abs(v) < 100 else 0)


def _nom(ligne) -> str:
    nom = str(ligne.get("nom_qp") or "").strip()
    return nom or str(ligne.get("code_qp"))


def regle(bilan: dict) -> str:
    """Le paragraphe qui dit comment les actions sont rattachées aux quartiers, et ce qui reste à part (``bilan`` :
    sortie de ``compute.besoins.bilan``)."""
    texte = (
        "**Règle de rattachement.** Une action compte pour un quartier quand la programmation la situe dans ce "
        "seul quartier prioritaire"
    )
    if bilan.get("rattachement_par_commune"):
        texte += (
            " ; la programmation ne nommant pas les quartiers de ses actions, une action compte pour un quartier "
            "quand ses communes n'en comptent qu'un (rattachement « commune (seul QPV) »)"
        )
    texte += (
        ". Les actions de plusieurs quartiers, d'une commune entière (commune à plusieurs quartiers) ou de "
        "périmètre intercommunal sont comptées **à part** : leurs montants ne sont jamais répartis entre les "
        "quartiers. Financement total = crédits spécifiques + droit commun. Demandeurs d'emploi : catégories A, "
        "B, C, D, E."
    )
    return texte


def commentaire(besoins: pd.DataFrame, bilan: dict, annee: int, indicateur: str) -> str:
    """Les constats du tableau rangé (``besoins`` : sortie de ``compute.besoins.classement``) : part des montants
    rattachée aux quartiers, quartier le mieux et le moins bien doté par habitant, rang du quartier où le besoin est
    le plus fort."""
    if besoins.empty:
        return f"Aucun quartier prioritaire dans la table des quartiers : pas de comparaison pour {annee}."
    pt = bilan["provenance_total"]
    phrases = []
    part = bilan["total_rattache"] / bilan["financement_total"] if bilan["financement_total"] else float("nan")
    phrases.append(
        f"Sur {accord(bilan['actions'], 'action')} de la programmation {annee} "
        f"({_eur(bilan['financement_total'], pt)} de financement total), "
        f"{accord(bilan['actions_rattachees'], 'action est rattachée', 'actions sont rattachées')} à un quartier "
        f"({_eur(bilan['total_rattache'], pt)}"
        + (f", soit {pv.marquer(pourcent(100 * part), pt, markdown=True)}" if not _manque(part) else "")
        + f") ; {accord(bilan['actions_a_part'], 'action est comptée', 'actions sont comptées')} à part "
        f"({_eur(bilan['total_a_part'], pt)})."
    )
    dotes = besoins[besoins["total_par_habitant"].notna()]
    if len(dotes) >= 2:
        haut, bas = dotes.iloc[0], dotes.iloc[-1]
        if haut["total_par_habitant"] == bas["total_par_habitant"]:
            phrases.append(
                f"Tous les quartiers reçoivent le même financement par habitant "
                f"({_eur2(haut['total_par_habitant'], haut['provenance_total'])})."
            )
        else:
            zeros = dotes[dotes["actions"] == 0]
            bas_texte = (
                f"0 € pour {accord(len(zeros), 'quartier')} sans action rattachée"
                if len(zeros) > 1
                else f"{_eur2(bas['total_par_habitant'], bas['provenance_total'])} ({_nom(bas)})"
            )
            phrases.append(
                f"Le financement rattaché par habitant va de {_eur2(haut['total_par_habitant'], haut['provenance_total'])} "
                f"({_nom(haut)}) à {bas_texte}."
            )
    elif len(dotes) == 1:
        q = dotes.iloc[0]
        phrases.append(
            f"Un seul quartier a une population connue : {_nom(q)}, "
            f"{_eur2(q['total_par_habitant'], q['provenance_total'])} par habitant."
        )
    besoin = besoins[besoins["rang_besoin"] == 1]
    if len(besoin) and len(dotes) >= 2:
        q = besoin.iloc[0]
        libelle = INDICATEURS[indicateur]
        valeur = pourcent(q[indicateur])
        extreme = "le plus élevé" if indicateur == "tp60" else "le plus faible"
        rang = q["rang_total_par_habitant"]
        if _manque(rang):
            suite = "sa population n'est pas connue : pas de financement par habitant"
        elif q["actions"] == 0:
            suite = (
                "aucune action ne lui est rattachée (les actions de sa commune, de plusieurs quartiers ou "
                "intercommunales sont comptées à part)"
            )
        elif int(rang) == 1:
            suite = "il est aussi le premier pour le financement par habitant"
        else:
            suite = (
                f"il n'est que {int(rang)}e sur {len(dotes)} pour le financement par habitant "
                f"({_eur2(q['total_par_habitant'], q['provenance_total'])})"
            )
        phrases.append(f"Le quartier où le {libelle} est {extreme}, {_nom(q)} ({valeur}) : {suite}.")
    return " ".join(phrases)


def phrase_a_part(a_part: pd.DataFrame, annee: int) -> str:
    """La phrase qui introduit les actions comptées à part (ou dit qu'il n'y en a pas)."""
    if a_part.empty:
        return f"Toutes les actions de la programmation {annee} sont rattachées à un quartier."
    n = int(a_part["actions"].sum())
    return (
        f"{accord(n, 'action')} de la programmation {annee} "
        f"{'ne compte' if n < 2 else 'ne comptent'} pour aucun quartier en particulier : "
        f"{'elle est montrée' if n < 2 else 'elles sont montrées'} ci-dessous, par périmètre, sans répartition "
        f"de leurs montants entre les quartiers."
    )


def legende(*textes) -> str:
    """La légende de l'astérisque si l'un des textes (ou tableaux) l'emploie ; « » sinon."""
    return pv.legende([t for t in textes if t], markdown=True)


def note_tableau(bilan: dict) -> str:
    """Note sous le tableau rangé."""
    note = (
        "Rangé par financement total rattaché par habitant, décroissant. Un quartier sans action rattachée a 0 € : "
        "les actions de ses communes ou intercommunales sont comptées à part."
    )
    if bilan["provenance_total"] == pv.RECONSTRUIT:
        note += (
            " Montants par action reconstruits (non publiés par le rapport) : les sommes et ratios qui en "
            "dépendent sont marqués « * » (colonne Provenance)."
        )
    return note


def phrase_fiche(ligne, nombre_quartiers: int, annee: int, indicateur: str = "tp60") -> str:
    """La ligne « besoins et moyens » d'une fiche quartier (``ligne`` : la ligne du quartier dans la sortie de
    ``compute.besoins.besoins_moyens``, ``None`` si le quartier n'est pas un QPV de la table)."""
    if ligne is None:
        return (
            "**Besoins et moyens** : ce quartier n'est pas un quartier prioritaire de la table des quartiers ; "
            "pas de financement par habitant."
        )
    ligne = dict(ligne)
    n = int(ligne.get("actions") or 0)
    if n == 0:
        return (
            f"**Besoins et moyens** : aucune action de la programmation {annee} n'est rattachée à ce seul "
            f"quartier ; les actions de ses communes, de plusieurs quartiers ou intercommunales sont comptées à "
            f"part (chapitre 30)."
        )
    pc, pt = ligne["provenance_cs"], ligne["provenance_total"]
    par_commune = cb.COMMUNE_SEUL_QPV in str(ligne.get("rattachement", ""))
    texte = (
        f"**Besoins et moyens** : {accord(n, 'action')} de la programmation {annee} "
        f"{'rattachée' if n < 2 else 'rattachées'} au quartier"
        + (" (par sa commune, dont il est le seul QPV)" if par_commune else "")
        + f", {_eur(ligne['financement_total'], pt)} de financement dont "
        f"{_eur(ligne['credits_specifiques'], pc)} de crédits spécifiques"
    )
    if _manque(ligne.get("total_par_habitant")):
        return texte + " ; population non connue : pas de ratio par habitant."
    texte += (
        f", soit {_eur2(ligne['total_par_habitant'], pt)} par habitant "
        f"({_eur2(ligne['cs_par_habitant'], pc)} de crédits spécifiques)"
    )
    if not _manque(ligne.get("total_par_demandeur")):
        texte += f" et {_eur2(ligne['total_par_demandeur'], pt)} par demandeur d'emploi"
    a = ligne["actions_pour_1000"]
    texte += f" ; {nombre_fr(a, 2)} action{'s' if a >= 2 else ''} pour 1\u202f000 habitants"
    rang = ligne.get("rang_total_par_habitant")
    if not _manque(rang) and nombre_quartiers > 1:
        texte += f". Rang {int(rang)} sur {nombre_quartiers} QPV pour le financement par habitant"
        rb, valeur = ligne.get("rang_besoin"), ligne.get(indicateur)
        if not _manque(rb) and not _manque(valeur):
            texte += (
                f" ; {INDICATEURS[indicateur]} {pourcent(valeur)}, rang {int(rb)} pour le besoin "
                f"(1 = le {INDICATEURS[indicateur]} le {'plus élevé' if indicateur == 'tp60' else 'plus faible'})"
            )
    return texte + "."


def section_fiche(
    programmation, programmation_communes, insee_qpv, insee_qpv_communes, code_qp: str, annee: int
) -> list[str]:
    """Les paragraphes « besoins et moyens » d'une fiche quartier : la phrase du quartier et, s'il y a des valeurs
    non publiées, leur légende ; rien sans programmation. Le classement du territoire (toute la programmation :
    30 000 actions à l'échelle nationale) est calculé une fois pour les mêmes tables, pour toutes les fiches d'un
    noyau (``compute.besoins.vue_besoins_moyens``, :mod:`politique_ville.base.memo`)."""
    if programmation is None or programmation_communes is None:
        return []
    tous = cb.vue_besoins_moyens(programmation, programmation_communes, insee_qpv, insee_qpv_communes)[0]
    ligne = tous[tous["code_qp"] == code_qp]
    phrase = phrase_fiche(
        ligne.iloc[0] if len(ligne) else None,
        int(tous["total_par_habitant"].notna().sum()),
        annee,
        cb.indicateur_de_besoin(tous)[0],
    )
    return [p for p in (phrase, legende(phrase)) if p]
