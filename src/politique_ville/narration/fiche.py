"""Fiche quartier : l'en-tête, les paragraphes et les notes d'une fiche (un quartier, ses indicateurs, les actions de
sa ou ses communes).

Fonctions pures : l'identité du quartier (``compute.qpv.fiche_identite``), des tables d'actions ou des nombres en
entrée, du texte en sortie (Markdown, ou HTML échappé pour l'en-tête).

Provenance (:mod:`politique_ville.reference.provenance`) : un attribut supposé du quartier (statut, commune) est marqué
« (supposé) » dans l'en-tête et le tableau d'identité ; une somme de montants reconstruits porte la marque « \\* »
et sa légende ; une case qui simule le secret statistique n'est jamais attribuée à l'INSEE.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from politique_ville import formats
from politique_ville.base import memo
from politique_ville.formats import accord, euros, nombre_fr
from politique_ville.reference import provenance as pv
from politique_ville.reference.designation import Designation

from ..compute import qpv as cq

e = html.escape

NOTE_SOMMES = "Sommes de montants reconstruits."
NOTE_MONTANTS_ACTIONS = (
    "Montants par action reconstruits (le rapport ne publie que des totaux par thématique ; "
    "règle dans data/raw/README.md) ; « — » : montant non publié."
)
NON_COUVERT = (
    "**L'INSEE ne publie pas de données pour ce quartier.** Les quartiers communautaires et de veille "
    "n'appartiennent pas à la géographie prioritaire réglementaire : aucun indicateur socio-économique n'est "
    "disponible pour eux. Les niveaux des QPV du territoire et du territoire lui-même figurent au chapitre "
    "[Géographie prioritaire et situation socio-économique](../10_geographie_prioritaire.html)."
)


def source(annee: int, reconstruit: bool) -> str:
    """Ligne de source de la figure de la fiche."""
    return (
        f"INSEE et CAF (données par quartier), rapport {annee} ; valeurs par quartier reconstruites"
        if reconstruit
        else f"INSEE (données par quartier), {annee}"
    )


_ATTRIBUTS = {
    "nom_qp": "nom",
    "type_quartier": "statut",
    "nom_commune": "commune",
    "annee_reconnaissance": "année de reconnaissance",
    "pop_mun": "population",
}


def provenances_quartier(provenance: pd.DataFrame | None, code_qp: str) -> dict[str, str]:
    """Attribut (« statut », « commune », « population »…) -> provenance, pour ceux qui ne sont pas publiés."""
    prov = cq.provenances(provenance)
    sortie = {}
    for var, nom in _ATTRIBUTS.items():
        p = pv.normaliser(prov.get((code_qp, var)))
        if p and p != pv.PUBLIE:
            sortie[nom] = p
    return sortie


def supposes(provenances: dict[str, str]) -> list[str]:
    """Les attributs supposés (``provenances`` : :func:`provenances_quartier`)."""
    return [nom for nom, p in provenances.items() if p == pv.SUPPOSE]


def provenance_identite(provenances: dict[str, str], defaut: str = pv.PUBLIE) -> str:
    """Colonne « Provenance » du tableau d'identité : ``defaut`` (« publié », ou « reçu » pour un fichier de l'INSEE
    reçu tel quel), ou « statut : supposé ; population : reconstruit »."""
    return " ; ".join(f"{nom} : {p}" for nom, p in provenances.items()) or defaut


def provenance_par_defaut(provenance: pd.DataFrame | None) -> str:
    """Provenance d'une valeur que le fichier de provenance ne liste pas (``compute.qpv.provenances``)."""
    return cq.provenances(provenance).defaut


def simules(provenance: pd.DataFrame | None, code_qp: str) -> int:
    """Nombre de cases du quartier qui simulent le secret statistique (provenance « simulé »)."""
    return sum(1 for (c, _v), p in cq.provenances(provenance).items() if c == code_qp and pv.normaliser(p) == pv.SIMULE)


def entete(ident: dict, annee: int, suppose: list[str] | tuple = ()) -> str:
    """En-tête HTML de la fiche : liens vers le chapitre 10 et le sommaire, type et communes du quartier ;
    ``suppose`` : attributs supposés (« statut », « commune »), marqués « (supposé : …) ». Le nom du quartier n'y est
    pas : il est dans le titre de la page (« Fiche quartier : … ») et dans le tableau d'identité qui suit ; le redire
    ici le montrait deux fois de suite."""
    marque = f" <em>(supposé : {e(', '.join(suppose))} ; le rapport ne l'écrit pas)</em>" if suppose else ""
    return (
        f'<p><a href="../10_geographie_prioritaire.html">← Géographie prioritaire et situation '
        f'socio-économique</a> · <a href="../index.html">Sommaire du rapport {annee}</a></p>'
        f"<p><strong>{e(ident['type_libelle'])}</strong> — {e(', '.join(ident['communes']))}{marque}</p>"
    )


def note_identite(ident: dict, reconstruit: bool, suppose: list[str] | tuple = ()) -> str:
    """Note du tableau d'identité : nature du code, nom non publié, attributs supposés, population reconstruite ou
    non disponible."""
    return (
        ("Code local (pas un code INSEE). " if str(ident["code_qp"]).startswith("LOC-") else "Code INSEE du quartier. ")
        + (
            ""
            if ident["nom_publie"]
            else "Le rapport ne publie pas le nom de ce quartier. "
            if reconstruit
            else "Le fichier de l'INSEE ne donne pas le nom de ce quartier. "
        )
        + (
            f"Supposé ({', '.join(suppose)}) : déduit du texte du rapport, qui ne l'écrit pas (data/raw/README.md). "
            if suppose
            else ""
        )
        + (
            ("Population reconstruite (data/raw/README.md)." if reconstruit else "")
            if ident["couvert_insee"]
            else "n.d. : non disponible, l'INSEE ne couvre pas ce quartier."
        )
    ).strip()


def sans_comparaison(annee: int, d: Designation | None = None) -> str:
    d = d or Designation()
    return (
        f"**Aucun niveau de comparaison** : aucune valeur {d.de} ni des QPV du département n'a été reçue ou calculée "
        f"pour {annee}. Le quartier est comparé aux autres QPV (rang, niveau des QPV du territoire)."
    )


def note_indicateurs(reconstruit: bool, simules: int = 0, publie: bool | None = None) -> str:
    """Note du tableau des indicateurs ; ``simules`` : cases du quartier qui simulent le secret statistique."""
    secret = (
        "« secret » : secret statistique (non classé)"
        if not simules
        else "« secret » de provenance « simulé » : valeur absente, secret statistique simulé pour éprouver la règle "
        "(le rapport ne publie pas cette valeur, ce n'est pas l'INSEE qui l'a masquée ; non classée)"
    )
    publie = reconstruit if publie is None else publie
    return (
        f"{formats.CONVENTION_RANG}, parmi les QPV ; {secret}"
        + (" ; « non publié » : valeur de comparaison que le rapport ne publie pas" if publie else "")
        + ". QPV du territoire : ses quartiers agrégés selon la règle de chaque indicateur (moyenne pondérée, part "
        "recalculée, médiane des QPV pour une médiane : voir le chapitre). Revenu médian par unité de consommation "
        "en euros par mois (revenu annuel divisé par 12)."
        + (
            " Valeurs du quartier reconstruites, sauf mention « publié » (data/raw/README.md) ; rang calculé sur "
            "des valeurs reconstruites : le rapport ne classe pas les quartiers."
            if reconstruit
            else ""
        )
    )


def note_figure(reconstruit: bool) -> str:
    return (
        "Valeurs du quartier reconstruites (data/raw/README.md) ; niveau des QPV recalculé, agglomération publiée."
        if reconstruit
        else ""
    )


def note_effectifs(reconstruit: bool, sans_comparaison: bool) -> str | None:
    return "Effectifs par quartier reconstruits (data/raw/README.md)." if reconstruit else None


def sans_programmation(annee: int) -> str:
    return (
        f"**Aucune action : pas de données de programmation** pour {annee} (fichier `programmation` non reçu). Les "
        f"actions situées dans la ou les communes du quartier figureront ici quand la programmation de l'année sera "
        f"disponible."
    )


@memo.une_fois
def provenance_montants(actions: pd.DataFrame, *colonnes: str) -> str:
    """Provenance d'une somme de montants par action : la moins sûre des colonnes ``provenance_<colonne>`` (par
    défaut crédits spécifiques et CGET) ; « publié » si la table n'en a pas. Chaque provenance distincte n'est
    examinée qu'une fois ; pour la programmation entière (table marquée), le résultat est gardé d'une fiche à
    l'autre (:mod:`politique_ville.base.memo`)."""
    colonnes = colonnes or ("credits_specifiques", "cget")
    return pv.combiner(
        [
            p
            for c in colonnes
            if f"provenance_{c}" in actions.columns
            for p in pd.unique(actions[f"provenance_{c}"].dropna().to_numpy())
        ]
    )


def actions(actions: pd.DataFrame, communes: list[str], annee: int) -> str:
    """Les actions de la programmation situées dans la ou les communes du quartier (``compute.qpv.actions_du_quartier``)
    : leur nombre (accordé) et leurs crédits (marqués « \\* » s'ils somment des montants reconstruits, avec la
    légende), ou qu'il n'y en a aucune."""
    communes_txt = e(", ".join(communes))
    if actions.empty:
        return (
            f"Aucune action de la programmation {annee} n'est située dans la commune du quartier ({communes_txt}). "
            f"Le quartier peut bénéficier des actions intercommunales ci-dessous."
        )
    n = len(actions)
    nombre = (
        f"**1 action** de la programmation {annee} est située"
        if n == 1
        else f"**{nombre_fr(n)} actions** de la programmation {annee} sont situées"
    )
    p_cs, p_cget = provenance_montants(actions, "credits_specifiques"), provenance_montants(actions, "cget")
    texte = (
        f"{nombre} dans {'la commune' if len(communes) == 1 else 'les communes'} du quartier ({communes_txt}), pour "
        f"{pv.marquer(euros(actions['credits_specifiques'].sum()), p_cs, markdown=True)} de crédits spécifiques et "
        f"{pv.marquer(euros(actions['cget'].sum()), p_cget, markdown=True)} de crédits CGET"
        + (" (sommes de montants par action reconstruits)" if pv.RECONSTRUIT in (p_cs, p_cget) else "")
        + ". Les actions sont rattachées à des communes, pas à des quartiers : une action d'une commune qui compte "
        "plusieurs quartiers figure sur la fiche de chacun d'eux."
    )
    legende = pv.legende(texte, markdown=True)
    return texte + (f"\n\n{legende}" if legende else "")


def intercommunales(n: int) -> str:
    """Les actions de périmètre intercommunal, comptées à part ; « » s'il n'y en a aucune."""
    if not n:
        return ""
    if n == 1:
        return (
            "En outre, **1 action de périmètre intercommunal** bénéficie à l'ensemble des quartiers du territoire ou "
            "d'une partie de celui-ci ; elle n'est pas rattachée à ce quartier en particulier."
        )
    return (
        f"En outre, **{nombre_fr(n)} actions de périmètre intercommunal** bénéficient à l'ensemble des quartiers du "
        f"territoire ou d'une partie de celui-ci ; elles ne sont pas rattachées à ce quartier en particulier."
    )


# --------------------------------------------------------------------------------------------- tous les indicateurs


def _liste(elements) -> str:
    elements = list(elements)
    return elements[0] if len(elements) == 1 else ", ".join(elements[:-1]) + " et " + elements[-1]


def origine_des_niveaux(fiche: pd.DataFrame) -> str:
    """« Origine des niveaux : QPV du territoire : calculé, médiane des QPV ; QPV du département : calculé » (lue
    dans ``compute.qpv.fiche_par_theme``) ; « » sans niveau de comparaison."""
    morceaux = []
    for c in fiche.columns:
        if c.startswith("origine:"):
            origines = list(dict.fromkeys(o for o in fiche[c] if isinstance(o, str) and o))
            if origines:
                morceaux.append(f"{c.removeprefix('origine:')} : {', '.join(origines)}")
    return ("Origine des niveaux — " + " ; ".join(morceaux) + ".") if morceaux else ""


def colonnes_non_reconnues(valeurs: dict) -> str:
    """Colonnes que le registre ne connaît pas, avec la valeur du quartier telle quelle ; « » s'il n'y en a pas."""
    if not valeurs:
        return ""
    un = len(valeurs) == 1
    detail = _liste(
        [
            f"« {e(str(c))} » = {e(nombre_fr(v, 2) if isinstance(v, (int, float)) and v == v else str(v))}"
            for c, v in valeurs.items()
        ]
    )
    return (
        f"**{'Colonne non reconnue' if un else 'Colonnes non reconnues'}** par le registre des indicateurs "
        f"(`data/reference/indicateurs_qpv.csv`) : {detail}. {'Elle est gardée' if un else 'Elles sont gardées'} "
        f"telle{'' if un else 's'} quelle{'' if un else 's'}, sans unité, rang ni comparaison."
    )


# --------------------------------------------------------------------------------------------- actions


def note_montants_actions(liste: pd.DataFrame) -> str:
    """Note du tableau des actions d'un quartier selon la provenance de leurs montants : reconstruits (la règle de
    reconstruction), reçus (l'export de la programmation), publiés (rien à ajouter)."""
    p = provenance_montants(liste)
    if p == pv.RECONSTRUIT:
        return NOTE_MONTANTS_ACTIONS
    if p == pv.RECU:
        return "Montants par action reçus (export de la programmation de l'année) ; « — » : montant non reçu."
    return "« — » : montant non publié."


def note_sommes(table: pd.DataFrame) -> str:
    """Note d'un tableau de sommes de montants par action, selon leur provenance."""
    p = provenance_montants(table)
    return NOTE_SOMMES if p == pv.RECONSTRUIT else "Sommes des montants par action reçus." if p == pv.RECU else ""


# --------------------------------------------------------------------------------------------- besoins et moyens
def au_quartier(provenance: pd.DataFrame | None, manquantes: pd.DataFrame | None, code_qp: str):
    """(provenance, valeurs manquantes) réduites à ce que lit une fiche : les lignes de provenance des tables par
    quartier (``insee_qpv…``) du seul quartier — les autres (références, niveaux) gardées —, les valeurs manquantes
    du seul quartier. Les tableaux de la fiche ne cherchent que ``(code_qp, variable)`` : mêmes valeurs, sans
    reparcourir à chaque fiche les tables de tout le territoire (1 600 quartiers à l'échelle nationale). Ce qui se
    dit du territoire entier (``cq.a_des_valeurs_reconstruites``) se calcule sur les tables complètes.

    Pour une table de provenance marquée (:mod:`politique_ville.base.memo`), les positions des lignes de chaque quartier
    sont indexées une fois pour toutes les fiches (:func:`_lignes_par_quartier`) ; mêmes lignes, même ordre."""
    if provenance is not None:
        if memo.memorisable(provenance):
            autres, par_quartier = _lignes_par_quartier(provenance)
            provenance = provenance.iloc[np.union1d(autres, par_quartier.get(code_qp, autres[:0]))]
        else:
            par_quartier = provenance["fichier"].str.startswith("insee_qpv")
            provenance = provenance[~par_quartier | (provenance["cle"] == code_qp)]
    if manquantes is not None:
        manquantes = manquantes[manquantes["code_qp"] == code_qp]
    return provenance, manquantes


@memo.une_fois
def _lignes_par_quartier(provenance: pd.DataFrame):
    """(positions des lignes qui ne sont pas d'une table par quartier, {code_qp: positions de ses lignes}) dans
    ``provenance`` : tableaux triés en lecture seule (rendus sans copie)."""
    par_quartier = provenance["fichier"].str.startswith("insee_qpv", na=False).to_numpy(dtype=bool)
    autres = np.flatnonzero(~par_quartier)
    positions = pd.Series(np.flatnonzero(par_quartier))
    groupes = positions.groupby(provenance["cle"].to_numpy()[par_quartier], sort=False).indices
    index = {}
    for cle, pos in groupes.items():
        t = np.sort(positions.to_numpy()[pos])
        t.flags.writeable = False
        index[cle] = t
    autres.flags.writeable = False
    return autres, memo.lecture_seule(index)


def manquant(publie: bool) -> str:
    """La marque d'un niveau de comparaison sans valeur dans une fiche : « non publié » pour l'année d'un rapport
    publié, « non reçu » sinon."""
    return cq.NON_PUBLIE if publie else "non reçu"


def intro_indicateurs_par_theme(fiche: pd.DataFrame, annee: int) -> str:
    """La phrase qui ouvre la section « Tous les indicateurs du quartier, par thème » (``fiche`` :
    ``compute.qpv.fiche_par_theme``), ou l'absence d'indicateur du registre."""
    if fiche.empty:
        return f"Aucun indicateur du registre dans le fichier de l'INSEE de {annee}."
    themes = list(dict.fromkeys(fiche["theme"]))
    return (
        f"Les {accord(len(fiche), 'indicateur')} du fichier de l'INSEE de {annee} connus du registre, en "
        f"{accord(len(themes), 'thème')} : valeur du quartier, rang parmi les QPV (**rang 1 = situation la plus "
        f"défavorable**, selon le sens de l'indicateur : valeur la plus élevée, ou la plus faible pour un indicateur "
        f"dont une valeur élevée est favorable ; sans jugement, valeur la plus élevée, pour un indicateur ni favorable "
        f"ni défavorable), et chaque niveau de comparaison avec l'écart du quartier (taux seulement)."
    )


#: note des tableaux par thème d'une fiche : la règle des niveaux de plusieurs quartiers
REGLE_NIVEAUX_FICHE = (
    "« médiane des QPV » : médiane des valeurs des QPV du niveau (minimum–maximum), jamais une moyenne de "
    "médianes ; « secret » : secret statistique, non classé."
)
