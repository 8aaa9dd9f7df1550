"""Phrases du chapitre 3 (contribution de la programmation aux objectifs) et de l'annexe 1 (grille des priorités).

Fonctions pures : sorties de :mod:`politique_ville.compute.contribution` en entrée, texte Markdown en français en
sortie ; chaîne vide quand il n'y a rien à dire. Un écart n'est signalé que s'il existe ; une valeur non publiée
n'est ni citée ni comparée.
"""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.formats import accord, euros, nombre_fr, pourcent
from politique_ville.published.chiffres import Registre, calcul

from ..compute.contribution import LIBELLES_MESURES, piliers_du_contrat

IDENTIQUE = "identique"

#: Chiffres publiés que citent les phrases, désignés par leur expression de recalcul (jamais par un identifiant) :
#: les crédits CGET de la programmation, comparés au total des crédits spécifiques des tableaux du chapitre 3 ; la
#: part des crédits CGET du pilier cohésion sociale allant aux programmes de réussite éducative (publiée arrondie).
CALCUL_CGET_PROGRAMMATION = calcul("somme", "programmation", "cget")
CALCUL_PART_PRE = (
    f"100 * {calcul('somme', 'programmation', 'cget', intitule='PRE')} / "
    f"{calcul('somme', 'programmation', 'cget', pilier='Cohésion sociale')}"
)

#: Note des listes d'actions : leurs montants sont reconstruits.
NOTE_ACTIONS = (
    "Montants par action reconstruits (le rapport ne publie que les totaux par thématique ou par pilier) : "
    "répartition à parts égales du total publié, voir la colonne « Provenance des montants ». "
    "Les totaux, eux, sont publiés."
)

AUCUNE_ACTION_DU_PILIER = "*Aucune action de ce pilier dans la programmation.*"

_NOMBRES_EN_LETTRES = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq"}


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _enumeration(elements: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    elements = [str(e) for e in elements]
    return elements[0] if len(elements) == 1 else ", ".join(elements[:-1]) + " et " + elements[-1]


def _des_piliers(n: int) -> str:
    """« du pilier », « des trois piliers », « des 7 piliers »."""
    return "du pilier" if n == 1 else f"des {_NOMBRES_EN_LETTRES.get(n, nombre_fr(n))} piliers"


def _montants_reconstruits(programmation: pd.DataFrame) -> bool:
    colonnes = [c for c in ("provenance_credits_specifiques", "provenance_droit_commun") if c in programmation]
    return any((programmation[c].astype(str) == "reconstruit").any() for c in colonnes)


def note_actions(programmation: pd.DataFrame) -> str | None:
    """Note d'une liste d'actions : ``NOTE_ACTIONS`` si leurs montants sont reconstruits, rien s'ils sont reçus."""
    return NOTE_ACTIONS if _montants_reconstruits(programmation) else None


def sous_priorites_deduites(actions: pd.DataFrame) -> str:
    """Quand la sous-priorité de certaines actions d'un pilier est déduite (sortie de
    ``compute.contribution.actions_par_priorite``, colonne ``sous_priorite_inferee``), la phrase qui le dit ; « »
    sinon."""
    if "sous_priorite_inferee" not in actions or actions.empty:
        return ""
    deduites = actions["sous_priorite_inferee"].astype(bool)
    if not deduites.any():
        return ""
    return (
        f"Le rapport ne classe pas {accord(int(deduites.sum()), 'action', 'actions')} de ce pilier par "
        "sous-priorité : leur sous-priorité est déduite de l'ordre des colonnes de la grille de l'annexe 1 "
        "(mention « déduite »)."
    )


def publie_ou_reconstruit(programmation: pd.DataFrame) -> str:
    """Ce que le lecteur doit savoir des montants par action avant les tableaux : reconstruits (colonnes de
    provenance ``reconstruit``) ou reçus tels quels. Les totaux par pilier et par thématique sont recalculés."""
    if _montants_reconstruits(programmation):
        return (
            "**Publié ou reconstruit.** Les totaux par pilier et par thématique sont ceux que publie le rapport : ils "
            "sont recalculés ici à l'euro près. Le rapport ne publie en revanche **aucun montant par action** : les "
            "montants affichés action par action sont *reconstruits* (répartition des totaux publiés à parts égales, "
            "règle décrite dans `data/raw/README.md`) et signalés dans la colonne « Provenance des montants ». Ils ne "
            "sont pas les subventions réellement attribuées à chaque action et ne doivent pas être cités comme telles."
        )
    return (
        "**Montants.** Les montants par action sont ceux de la programmation reçue ; les totaux par pilier et par "
        "thématique en sont recalculés."
    )


def valeur_publiee(chiffres: pd.DataFrame | None, expression: str) -> float | None:
    """La valeur du premier chiffre publié (table des chiffres publiés) dont l'expression de recalcul est
    ``expression`` (même calcul, quelle que soit son écriture), ``None`` s'il n'est pas publié."""
    if chiffres is None or chiffres.empty or "calcul" not in chiffres.columns:
        return None
    c = Registre.depuis_tables(chiffres).premier(expression)
    if c is None or not c.valeur_texte.strip():
        return None
    return float(c.valeur_texte)


# --------------------------------------------------------------------------------------------- piliers et thématiques


def resume_groupe(ligne: pd.Series) -> str:
    """Phrase du tableau d'un pilier ou d'une thématique (ligne de ``tableau_avec_publies``) ; les porteurs publiés
    sont cités s'ils diffèrent des porteurs recalculés."""
    porteurs = accord(ligne["porteurs"], "porteur de projets", "porteurs de projets")
    pub = ligne.get("porteurs_publie")
    if not _manque(pub) and round(float(pub)) != int(ligne["porteurs"]):
        porteurs += f" ({nombre_fr(pub)} selon le rapport)"
    projets = accord(ligne["projets"], "projet soutenu", "projets soutenus")
    return (
        f"{projets}, {porteurs}, {euros(ligne['droit_commun'])} de subventions de droit commun et "
        f"{euros(ligne['credits_specifiques'])} de crédits spécifiques Politique de la Ville."
    )


def ecarts_du_groupe(conf: pd.DataFrame, groupe: str) -> str:
    """L'explication de chaque chiffre publié du groupe que les données ne redonnent pas (sortie de
    ``confronter_publies``), un paragraphe cité chacun ; vide si tout concorde."""
    sel = conf[(conf["groupe"] == groupe) & (conf["statut"] != IDENTIQUE)]
    return "\n\n".join(
        f"> **Écart avec le rapport ({LIBELLES_MESURES.get(e['mesure'], e['mesure']).lower()} : "
        f"{nombre_fr(e['valeur_publiee'])} publié, {nombre_fr(e['valeur_recalculee'])} recalculé).** "
        f"{e['explication'] or 'Écart non documenté.'}"
        for _, e in sel.iterrows()
    )


def priorites_sans_action(prio: pd.DataFrame, annee: int) -> str:
    """Les priorités d'un pilier sans action soutenue (sortie de ``priorites_du_pilier``) ; vide s'il n'y en a
    pas."""
    sans = [str(p) for p in prio.loc[prio["actions"] == 0, "priorite"]]
    if not sans:
        return ""
    titre = "de la priorité" if len(sans) == 1 else "des priorités"
    return f"Aucune action soutenue en {annee} au titre {titre} {_enumeration(sans)}."


def _paragraphes(*textes: str) -> str:
    return "\n\n".join(t for t in textes if t)


def commentaire_priorites(prio: pd.DataFrame, conf_priorites: pd.DataFrame, pilier: str, annee: int) -> str:
    """Sous le tableau des priorités d'un pilier : l'écart au nombre de priorités publié s'il y en a un
    (:func:`ecarts_du_groupe`), puis les priorités sans action (:func:`priorites_sans_action`)."""
    return _paragraphes(ecarts_du_groupe(conf_priorites, pilier), priorites_sans_action(prio, annee))


def commentaire_tableau(ligne: pd.Series, conf: pd.DataFrame, groupe: str) -> str:
    """Sous le tableau d'un pilier ou d'une thématique : sa phrase (:func:`resume_groupe`), puis l'explication de
    chaque écart aux chiffres publiés (:func:`ecarts_du_groupe`)."""
    return _paragraphes(resume_groupe(ligne), ecarts_du_groupe(conf, groupe))


def bilan_concordance(conf: pd.DataFrame) -> str:
    """Combien de chiffres publiés des tableaux sont recalculés à l'identique (sortie de ``confronter_publies``) ;
    vide si aucun n'est publié."""
    n = len(conf)
    if n == 0:
        return ""
    ecarts = int((conf["statut"] != IDENTIQUE).sum())
    identiques = n - ecarts
    if ecarts == 0:
        return (
            "Le chiffre publié est recalculé à l'identique."
            if n == 1
            else f"Les {nombre_fr(n)} chiffres publiés sont tous recalculés à l'identique."
        )
    if identiques == 0:
        return (
            "Le chiffre publié n'est pas recalculé à l'identique : l'écart est expliqué ci-dessous."
            if n == 1
            else f"Aucun des {nombre_fr(n)} chiffres publiés n'est recalculé à l'identique : les écarts sont "
            f"expliqués ci-dessous, thématique par thématique."
        )
    debut = (
        f"{nombre_fr(identiques)} chiffre publié sur {nombre_fr(n)} est recalculé"
        if identiques == 1
        else f"{nombre_fr(identiques)} chiffres publiés sur {nombre_fr(n)} sont recalculés"
    )
    fin = (
        "l'autre est un écart expliqué ci-dessous"
        if ecarts == 1
        else f"les {nombre_fr(ecarts)} autres sont des écarts expliqués ci-dessous"
    )
    return f"{debut} à l'identique ; {fin}, thématique par thématique."


def paragraphe_pre(pre: pd.DataFrame, chiffres: pd.DataFrame | None) -> str:
    """Les programmes de réussite éducative (sortie de ``financement_dispositif``) : communes, crédits CGET et leur
    part dans le pilier, et la part publiée si le rapport la donne ; vide s'il n'y a pas d'action PRE."""
    if pre.empty or not pre["actions"].iloc[0]:
        return ""
    p = pre.iloc[0]
    communes = (
        "1 commune dispose d'un PRE"
        if p["communes"] == 1
        else f"{nombre_fr(p['communes'])} communes disposent d'un PRE"
    )
    texte = (
        f"**Programmes de réussite éducative (PRE).** {communes}. Crédits de l'État (CGET) aux PRE : "
        f"{euros(p['cget'])}, soit {pourcent(p['part_pilier'])} des crédits CGET du pilier cohésion sociale "
        f"({euros(p['cget_pilier'])})"
    )
    publie = valeur_publiee(chiffres, CALCUL_PART_PRE)
    if publie is not None:
        texte += f" ; le rapport écrit « environ {pourcent(publie, 0)} »"
    return texte + ". Montants CGET par action reconstruits ; leur total pour les PRE est publié."


# --------------------------------------------------------------------------------------------- comparaison


def note_comparaison(
    comp: pd.DataFrame, programmation: pd.DataFrame, feuille_de_route: pd.DataFrame, publie: bool = True
) -> str:
    """Note du tableau de comparaison (sortie de ``comparaison_thematiques``) : ce que compte « Ensemble » et les
    lignes de la programmation hors piliers du Contrat de Ville."""
    piliers = piliers_du_contrat(feuille_de_route)
    n_ensemble = int(comp.loc[comp["niveau"] == "ensemble", "projets"].iloc[0])
    hors = programmation[~programmation["pilier_code"].isin(piliers)]
    texte = (
        (
            "Ratios calculés sur les totaux publiés des tableaux du chapitre 3."
            if publie
            else "Ratios calculés sur les totaux de la programmation reçue."
        )
        + " « Ensemble » : "
        f"{'le' if n_ensemble < 2 else 'les'} {accord(n_ensemble, 'projet')} {_des_piliers(len(piliers))}, "
        "porteurs comptés une fois"
    )
    if len(hors):
        texte += (
            f" ; hors piliers du contrat de ville, non compté : {', '.join(hors['pilier'].unique())} "
            f"({accord(len(hors), 'ligne')})"
        )
    return texte + "."


def constats_comparaison(comp: pd.DataFrame) -> list[str]:
    """Constats chiffrés de la comparaison des thématiques (sortie de ``comparaison_thematiques``) : l'ensemble,
    l'effet levier le plus fort, les thématiques sans droit commun, le montant moyen par projet le plus élevé."""
    df = comp[comp["niveau"] != "ensemble"].dropna(subset=["effet_levier"])
    ens = comp[comp["niveau"] == "ensemble"]
    out = []
    if not ens.empty:
        e = ens.iloc[0]
        n_piliers = comp.loc[comp["niveau"] != "ensemble", "pilier_code"].nunique()
        out.append(
            f"Ensemble {_des_piliers(n_piliers)} : {euros(e['droit_commun'])} de droit commun pour "
            f"{euros(e['credits_specifiques'])} de crédits spécifiques, soit "
            f"{euros(e['effet_levier'], 2)} de droit commun pour 1 € de crédits spécifiques ; "
            f"{euros(e['moyenne_projet'])} en moyenne par projet soutenu."
        )
    if not df.empty:
        haut = df.loc[df["effet_levier"].idxmax()]
        out.append(
            f"Effet levier le plus fort : {haut['groupe']} ({euros(haut['effet_levier'], 2)} de "
            f"droit commun pour 1 € de crédits spécifiques)."
        )
        nuls = df.loc[df["droit_commun"] == 0, "groupe"].tolist()
        if nuls:
            out.append("Sans aucune subvention de droit commun : " + ", ".join(nuls) + ".")
        m = comp[comp["niveau"] != "ensemble"].dropna(subset=["moyenne_projet"])
        if not m.empty:
            gros = m.loc[m["moyenne_projet"].idxmax()]
            out.append(f"Montant moyen par projet le plus élevé : {gros['groupe']} ({euros(gros['moyenne_projet'])}).")
    return out


def liste_constats(comp: pd.DataFrame) -> str:
    """:func:`constats_comparaison` en liste Markdown."""
    return "\n".join(f"- {c}" for c in constats_comparaison(comp))


def alerte_credits_specifiques(comp: pd.DataFrame, chiffres: pd.DataFrame | None) -> str:
    """Quand le total des crédits spécifiques des tableaux du chapitre 3 diffère des crédits CGET de la
    programmation publiés en section 2.1 : l'avertissement ; vide s'ils sont égaux ou si ce chiffre n'est pas
    publié."""
    cget = valeur_publiee(chiffres, CALCUL_CGET_PROGRAMMATION)
    total = comp.loc[comp["niveau"] == "ensemble", "credits_specifiques"]
    if cget is None or total.empty or _manque(total.iloc[0]) or round(float(total.iloc[0])) == round(cget):
        return ""
    return (
        f"*Attention :* le total des crédits spécifiques des tableaux du chapitre 3 ({euros(total.iloc[0])}) "
        f"n'est pas égal aux crédits CGET de la programmation publiés en section 2.1 ({euros(cget)}) : le "
        f"rapport emploie plusieurs totaux de crédits spécifiques (voir le chapitre 2 et la concordance)."
    )


# --------------------------------------------------------------------------------------------- annexe 1 (grille)


def resume_grille(grille: pd.DataFrame, lignes_programmation: int) -> str:
    """Actions placées dans la grille (sortie de ``grille_priorites``), cases de la feuille de route avec et sans
    action."""
    placees = int(grille["nombre_actions"].sum())
    cases = grille["priorite"].notna()
    avec = int((cases & (grille["nombre_actions"] > 0)).sum())
    sans = int((cases & (grille["nombre_actions"] == 0)).sum())
    texte = (
        f"**{accord(placees, 'action')}** {'placée' if placees < 2 else 'placées'} dans la grille, pour "
        f"{accord(lignes_programmation, 'ligne')} de programmation ; "
    )
    texte += (
        "1 case de la feuille de route a" if avec == 1 else f"{nombre_fr(avec)} cases de la feuille de route ont"
    ) + " au moins une action, "
    texte += (
        "aucune n'en est dépourvue"
        if sans == 0
        else "1 n'en a aucune"
        if sans == 1
        else f"{nombre_fr(sans)} n'en ont aucune"
    )
    return texte + "."


def intro_priorite(g: pd.DataFrame) -> str:
    """Pilier et nombre d'actions d'une priorité (lignes de ``grille_priorites`` d'une priorité)."""
    n = int(g["nombre_actions"].sum())
    return f"Pilier : {g['pilier'].iloc[0]} ; {'aucune action' if n == 0 else accord(n, 'action')}."


def titre_priorite(g: pd.DataFrame) -> str:
    """« Priorité 3 — Intitulé » (lignes de ``grille_priorites`` d'une priorité)."""
    return f"Priorité {int(g['priorite'].iloc[0])} — {g['libelle_priorite'].iloc[0]}"
