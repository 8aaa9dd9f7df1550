"""Phrases du chapitre 2 (la programmation et les programmes connexes).

Fonctions pures : sorties de :mod:`politique_ville.compute.programmation` (éventuellement confrontées aux chiffres
publiés par ``confronter``) en entrée, texte Markdown en français en sortie ; chaîne vide quand il n'y a rien à dire.
Une phrase ne conclut jamais contre les chiffres : « plus », « moins » ou « autant » suit la comparaison des
valeurs, et une valeur non publiée n'est ni citée ni comparée.
"""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.formats import accord, euros, nombre_fr, pourcent
from politique_ville.published.chiffres import calcul, normaliser

#: Statuts de confrontation qui ne sont pas des écarts.
IDENTIQUE = "identique"
NON_PUBLIE = "non publié"

#: Quantités publiées que citent les phrases, désignées par leur expression de recalcul (le registre des chiffres
#: publiés les retrouve quelle que soit l'année ; aucun identifiant de chiffre publié dans le code) :
#: les projets retenus (une ligne de programmation par action) ; les projets déposés (en-tête des tableaux des
#: porteurs), qui ne sont pas un nombre de projets retenus.
CALCUL_PROJETS_RETENUS = calcul("nombre", "programmation")
CALCUL_PROJETS_DEPOSES = calcul("somme", "porteurs", "nombre_projets")


def _de_calcul(p: pd.DataFrame, expression: str) -> pd.Series:
    """Lignes (sortie de ``confronter``) dont l'expression de recalcul est ``expression``."""
    cible = normaliser(expression)
    if "calcul" not in p.columns:
        return pd.Series(False, index=p.index)
    return p["calcul"].map(lambda c: isinstance(c, str) and bool(c.strip()) and normaliser(c) == cible)


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _comparatif(a: float, b: float) -> str:
    """« plus que », « moins que » ou « autant que » (a comparé à b, à l'euro près)."""
    if round(a) > round(b):
        return "plus que"
    if round(a) < round(b):
        return "moins que"
    return "autant que"


def liste_explications(conf: pd.DataFrame) -> list[str]:
    """Les explications des écarts documentés d'une confrontation, dans l'ordre, sans répétition."""
    vues = []
    for statut, explication in zip(conf["statut"], conf["explication"]):
        if statut != IDENTIQUE and explication and explication not in vues:
            vues.append(explication)
    return vues


def explications(conf: pd.DataFrame) -> str:
    """Liste Markdown des explications (:func:`liste_explications`) ; vide s'il n'y en a pas."""
    return "\n".join(f"- {e}" for e in liste_explications(conf))


def _suivi_des_explications(texte: str, conf: pd.DataFrame) -> str:
    """Termine une phrase par un point, suivi de « Explications : » si une liste d'explications la suit."""
    return texte + (". Explications :" if liste_explications(conf) else ".")


# --------------------------------------------------------------------------------------------- 2.1 projets


def points_cles(cget: pd.DataFrame, projets: pd.DataFrame, fcs: pd.DataFrame, annee: int) -> str:
    """Les chiffres clés de la programmation : crédits CGET et actions retenues, Fonds de Cohésion Sociale de l'année.

    ``cget`` : sortie de ``cget_par_thematique`` (ligne ``total``) ; ``projets`` : ``confronter(projets_deposes_
    retenus(...))`` (colonne ou index ``id``) ; ``fcs`` : sortie de ``fonds_cohesion_sociale``."""
    total = cget.loc[cget["rubrique_code"] == "total", "valeur_recalculee"]
    p = projets.reset_index() if "id" not in projets.columns else projets
    acc = p[_de_calcul(p, CALCUL_PROJETS_RETENUS)].head(1)
    lignes = []
    if len(total) and len(acc):
        a = acc.iloc[0]
        texte = (
            f"- **{euros(total.iloc[0])}** de crédits CGET (État) ont été mobilisés pour la programmation "
            f"{annee} du contrat de ville, pour **{accord(a['valeur_recalculee'], 'action')}** "
            f"{'retenue' if a['valeur_recalculee'] < 2 else 'retenues'} dans la programmation détaillée"
        )
        if not _manque(a["valeur_publiee"]):
            texte += f" (le rapport écrit « {accord(a['valeur_publiee'], 'projet')} » : voir ci-dessous)"
        lignes.append(texte + ".")
    f = fcs[fcs["annee"] == annee]
    if len(f) and not _manque(f["montant"].iloc[0]):
        lignes.append(
            f"- **{euros(f['montant'].iloc[0])}** ont été attribués par l'agglomération au titre de son "
            f"Fonds de Cohésion Sociale (conseils citoyens, associations de quartier, qualification des "
            f"acteurs)."
        )
    return "\n".join(lignes)


def projets_retenus_contradictoires(projets: pd.DataFrame) -> str:
    """Quand le rapport publie plusieurs nombres différents de projets retenus : la contradiction, et le nombre
    d'actions de la programmation détaillée (dernière ligne de ``projets``). Vide sinon."""
    p = projets.reset_index() if "id" not in projets.columns else projets
    deposes = _de_calcul(p, CALCUL_PROJETS_DEPOSES)
    publies = sorted({int(v) for d, v in zip(deposes, p["valeur_publiee"]) if not d and not _manque(v)}, reverse=True)
    if len(publies) < 2:
        return ""
    texte = (
        f"Le rapport se contredit : il annonce successivement "
        f"{' puis '.join(accord(v, 'projet retenu', 'projets retenus') for v in publies)}, alors que la "
        f"programmation détaillée compte {accord(p['valeur_recalculee'].iloc[-1], 'action')}"
    )
    return _suivi_des_explications(texte, p)


def repartition_piliers(piliers: pd.DataFrame) -> str:
    """La répartition par pilier publiée (section 2.1) et celle des actions de la programmation. ``piliers`` :
    ``confronter(projets_par_pilier(...))`` (la ligne ``total`` est ignorée)."""
    p = piliers[piliers["pilier_code"] != "total"]
    if p.empty:
        return ""
    recalc = ", ".join(f"{r['pilier']} {nombre_fr(r['valeur_recalculee'])}" for _, r in p.iterrows())
    if p["valeur_publiee"].isna().all():
        return f"Actions de la programmation par pilier : {recalc}."
    texte = "La section 2.1 répartit les projets ainsi : " + ", ".join(
        f"{r['pilier']} {nombre_fr(r['valeur_publiee'])}" for _, r in p.iterrows()
    )
    if (p["statut"] == IDENTIQUE).all():
        return texte + " : les actions de la programmation donnent exactement la même répartition."
    texte += (
        ". Les listes d'actions du chapitre 3 et la grille de l'annexe donnent "
        + ", ".join(nombre_fr(v) for v in p["valeur_recalculee"])
        + " : c'est cette répartition détaillée, action par action, que suivent les données"
    )
    return _suivi_des_explications(texte, piliers)


# --------------------------------------------------------------------------------------------- 2.1 financement


def notes_financeurs(fin: pd.DataFrame) -> str:
    """Les notes du tableau des financeurs (sortie de ``financement_par_financeur``), en liste."""
    return "\n".join(f"- {n}" for n in fin["note"] if str(n).strip())


def _nom_financeur(financeur: str) -> str:
    """« l'État (CGET) » pour les crédits spécifiques de l'État, « « Région » » sinon."""
    return "l'État (CGET)" if "cget" in str(financeur).lower() else f"« {financeur} »"


def intro_financeurs(export: str = "") -> str:
    """L'introduction de la section « financement par financeur » : ce que le rapport publie, ou, pour une table
    calculée à partir de l'export reçu ``export``, ce qui est calculé."""
    if export:
        return (
            f"La table des financeurs est calculée à partir de l'export de la programmation reçu « {export} » : le "
            f"montant de chaque financeur est la somme de ses montants reçus par action, sa part est ce montant "
            f"rapporté au montant total. Ni ces montants ni ces parts ne sont publiés."
        )
    return (
        "Le rapport publie le montant total de la programmation (dépenses cumulées au profit des QPV) et la part de "
        "chaque financeur. Seul le montant de l'État (CGET) est aussi publié. Les parts sont montrées telles que "
        "publiées ; elles ne sont pas ramenées à 100 %."
    )


def parts_financeurs(fin: pd.DataFrame, controles: pd.DataFrame, export: str = "") -> str:
    """La somme des parts publiées des financeurs comparée à 100 %, puis, pour le premier financeur dont le montant
    est publié, sa part publiée comparée à celle que donnent les montants publiés (montant / montant total).

    ``fin`` : sortie de ``financement_par_financeur`` ; ``controles`` : ``confronter(controles_financement(...))``
    (première ligne : le montant total ; les explications des écarts documentés). ``export`` : le fichier reçu dont
    la table des financeurs est calculée ; la phrase dit alors ce qui est calculé, rien n'étant publié."""
    somme = fin["part_publiee"].sum(min_count=1)
    if _manque(somme):
        return ""
    if export:
        return (
            f"Les montants par financeur sont les sommes des montants reçus dans l'export « {export} », et leurs parts "
            f"sont calculées (montant ÷ montant total, {pourcent(somme)} au total) : aucune n'est un chiffre publié."
        )
    if round(float(somme), 1) == 100:
        texte = f"Les parts publiées totalisent **{pourcent(somme)}** : elles partagent exactement le montant total."
        aussi = ""
    else:
        texte = (
            f"Les parts publiées totalisent **{pourcent(somme)}**, et non 100 % : la répartition ne peut pas "
            f"être un partage exact du montant total."
        )
        aussi = " non plus"
    avec_montant = fin[fin["montant_publie"].notna() & fin["part_publiee"].notna()]
    total = controles["valeur_recalculee"].iloc[0] if len(controles) else math.nan
    if len(avec_montant) and not _manque(total):
        r = avec_montant.iloc[0]
        correspond = round(float(r["part_publiee"]), 1) == round(float(r["part_des_montants"]), 1)
        texte += (
            f" La part de {_nom_financeur(r['financeur'])} publiée, {pourcent(r['part_publiee'])}, "
            f"{'correspond' if correspond else 'ne correspond pas' + aussi} aux montants publiés : "
            f"{euros(r['montant_publie'])} rapportés au total de {euros(total)} font "
            f"**{pourcent(r['part_des_montants'])}**."
        )
    return texte + (" Explications :" if liste_explications(controles) else "")


# --------------------------------------------------------------------------------------------- 2.1 crédits CGET


def note_cget(cget: pd.DataFrame, publie: bool = True) -> str:
    """Note du tableau des crédits CGET par thématique : les montants par action sont reconstruits ; leurs sommes
    redonnent-elles les montants publiés ? ``cget`` : ``confronter(cget_par_thematique(...))``. Sans rapport publié
    (``publie`` faux) : les montants sont reçus, leurs sommes calculées."""
    if not publie:
        return "Sommes par thématique des montants par action reçus (export de la programmation de l'année)."
    note = (
        "Les montants par action sont reconstruits à partir des totaux publiés (règle de répartition décrite dans "
        "data/raw/README.md) : seules leurs sommes par thématique sont des chiffres publiés"
    )
    if (cget["statut"] == NON_PUBLIE).all():
        return note + " ; le rapport de l'année n'en publie aucune."
    if cget["statut"].isin([IDENTIQUE, NON_PUBLIE]).all():
        return note + " ; elles redonnent exactement chaque montant publié."
    return note + " ; voir les écarts ci-dessous."


# --------------------------------------------------------------------------------------------- 2.1 porteurs


def synthese_porteurs(synth: pd.DataFrame, total_cget: float) -> str:
    """Les projets déposés des deux tableaux des porteurs (ligne « Ensemble » de ``synthese_porteurs``), et leurs
    montants CGET comparés aux crédits CGET de la programmation (``total_cget``)."""
    s = synth[synth["tableau"] == "Ensemble"]
    if s.empty:
        return ""
    e = s.iloc[0]
    porteurs = accord(e["porteurs_distincts"], "porteur distinct", "porteurs distincts")
    texte = (
        f"Les deux tableaux totalisent **{accord(e['projets'], 'projet déposé', 'projets déposés')}** "
        f"({accord(e['lignes'], 'ligne')}, {porteurs} une fois les graphies rapprochées)."
    )
    if not _manque(e["montant_cget"]) and not _manque(total_cget):
        texte += (
            f" Leurs en-têtes attribuent {euros(e['montant_cget'])} de crédits CGET, "
            f"{_comparatif(e['montant_cget'], total_cget)} les {euros(total_cget)} de crédits CGET de la "
            f"programmation."
        )
    return texte


def ecarts_porteurs(conf_cget: pd.DataFrame) -> str:
    """Phrase qui introduit les explications quand les montants CGET des en-têtes des tableaux des porteurs ne se
    retrouvent pas dans la programmation (un statut d'écart) ; vide sinon."""
    if not (~conf_cget["statut"].isin([IDENTIQUE, NON_PUBLIE])).any():
        return ""
    return _suivi_des_explications(
        "Les montants CGET des en-têtes des tableaux des porteurs ne se retrouvent pas dans la programmation", conf_cget
    )


def note_tableau_porteurs(tp: pd.DataFrame) -> str:
    """Note d'un tableau des porteurs (sortie de ``tableau_porteurs``)."""
    return (
        f"{accord(len(tp), 'porteur')}, {accord(tp['projets'].sum(), 'projet')}. Un porteur cité sur plusieurs "
        f"lignes du tableau est regroupé sous son nom canonique."
    )


# --------------------------------------------------------------------------------------------- 2.2 indicateurs


def _avec_signe(v, texte: str) -> str:
    return ("+" if v >= 0 else "") + texte


def commentaire_serie(serie: pd.DataFrame) -> str:
    """Une ligne de commentaire d'un indicateur suivi sur plusieurs années (lignes de ``evolution_indicateurs``
    d'une action et d'un indicateur) : les valeurs année par année, puis chaque évolution (en points pour un %)."""
    action, indicateur = serie["action"].iloc[0], serie["indicateur"].iloc[0]
    en_pct = (serie["unite"] == "%").all()
    chaine = " → ".join(
        f"{pourcent(v, 0) if en_pct else nombre_fr(v)} ({int(a)})" for a, v in zip(serie["annee"], serie["valeur_num"])
    )
    evols = []
    for _, r in serie[serie["variation_absolue"].notna()].iterrows():
        absolue = _avec_signe(r["variation_absolue"], nombre_fr(r["variation_absolue"]))
        if en_pct:
            evols.append(f"{absolue} points")
        elif _manque(r["variation_relative"]):
            evols.append(absolue)
        else:
            evols.append(f"{absolue} ({_avec_signe(r['variation_relative'], pourcent(r['variation_relative']))})")
    return f"- **{action}**, {indicateur} : {chaine}" + (f" ; soit {' puis '.join(evols)}." if evols else ".")


def commentaires_evolutions(illustrees: pd.DataFrame) -> str:
    """Le commentaire de chaque série illustrée (sortie de ``series_illustrees``), dans l'ordre du rapport."""
    return "\n".join(commentaire_serie(s) for _, s in illustrees.groupby(["action", "indicateur"], sort=False))


def series_non_illustrees(series: pd.DataFrame, illustrees: pd.DataFrame) -> str:
    """Quand toutes les séries ne sont pas illustrées : combien le sont, et selon quelle règle ; vide sinon."""
    n_series = series.groupby(["action", "indicateur"], sort=False).ngroups
    n_illustrees = illustrees.groupby(["action", "indicateur"], sort=False).ngroups
    if n_illustrees >= n_series:
        return ""
    debut = "Seul 1 des" if n_illustrees == 1 else f"Seuls {nombre_fr(n_illustrees)} des"
    verbe = "est commenté" if n_illustrees == 1 else "sont commentés"
    illustre = "illustré" if n_illustrees == 1 else "illustrés"
    return (
        f"{debut} {nombre_fr(n_series)} indicateurs suivis sur plusieurs années {verbe} ci-dessus et {illustre} "
        f"ci-dessous : ceux qui sont suivis sur le plus grand nombre d'années (à égalité, les premiers dans "
        f"l'ordre du rapport). Tous figurent dans le tableau « Évolution des indicateurs suivis sur plusieurs "
        f"années » du classeur Excel du chapitre."
    )


# --------------------------------------------------------------------------------------------- 2.3 fonds de concours


def regle_fonds_concours(fdc: pd.DataFrame, publie: bool = True) -> str:
    """La règle publiée des fonds de concours Politique de la Ville (première ligne de ``controle_fonds_concours``
    qui a un taux) ; vide si aucune règle chiffrée."""
    pv = fdc[fdc["taux"].notna()]
    if pv.empty:
        return ""
    r = pv.iloc[0]
    plafond = "" if _manque(r["plafond"]) else f", fonds de concours plafonné à **{euros(r['plafond'])}**"
    if not publie:
        return (
            f"Règle du fonds : **{pourcent(r['taux'], 0)} des dépenses éligibles**{plafond}. Elle est vérifiée "
            f"ci-dessous opération par opération, en appliquant le taux au montant reçu de l'opération."
        )
    return (
        f"Règle publiée : **{pourcent(r['taux'], 0)} des dépenses éligibles**{plafond}. Elle est vérifiée "
        f"ci-dessous opération par opération, en appliquant le taux au montant de l'opération publié."
    )


# --------------------------------------------------------------------------------------------- 2.4 programmes connexes


def resume_iti(s_iti: pd.DataFrame, publie: bool = True) -> str:
    """Projets ITI et FEDER mobilisé (ligne « Ensemble » de ``synthese_iti``)."""
    if s_iti.empty:
        return ""
    e = s_iti.iloc[-1]
    projets = f"**{accord(e['projets'], 'projet')}** {'déposé' if e['projets'] < 2 else 'déposés'} à la Région"
    if _manque(e["feder_total_publie"]):
        return projets + (
            " ; le rapport ne publie pas le montant de FEDER mobilisé."
            if publie
            else " ; le montant de FEDER mobilisé n'est pas reçu."
        )
    texte = (
        f"{projets}, qui {'mobilise' if e['projets'] < 2 else 'mobilisent'} **{euros(e['feder_total_publie'])} "
        f"de FEDER** au total."
    )
    if _manque(e["feder_par_projet_publie"]):
        texte += " Le rapport ne ventile pas ce montant par projet."
    return texte


def citations_sans_table(conc: pd.DataFrame) -> str:
    """Les chiffres publiés cités sans table pour les recalculer (sortie de ``concordance_sections``), un
    paragraphe chacun."""
    return "\n\n".join(
        f"Le rapport indique aussi : « {r['citation']} » ({nombre_fr(r['valeur_publiee'])} "
        f"{r['unite']}, chiffre sans table pour le recalculer)."
        for _, r in conc.iterrows()
    )
