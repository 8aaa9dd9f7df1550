"""Phrases du chapitre des évolutions et de la section « évolutions » des fiches quartier.

Fonctions pures : sorties de :mod:`politique_ville.compute.evolutions` en entrée, texte Markdown en français en
sortie (chaîne vide quand il n'y a rien à dire). « Hausse », « baisse » ou « stable » suit le sens calculé à la
précision affichée (``compute.evolutions.sens``) ; une valeur ou une évolution qui manque est dite « non
disponible », jamais estimée.
"""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.formats import ESPACE_UNITE, accord, avec_unite, nombre_fr

from ..compute import evolutions as ce

NON_DISPONIBLE = "non disponible"
NOTE_EUROS_COURANTS = (
    "Montants en euros courants : ceux de chaque année, non corrigés de l'inflation. Montants "
    "par action reconstruits quand le rapport de l'année ne publie que des totaux."
)
REGLE_RECONDUITES = (
    "Règle de rapprochement : une action est « reconduite » quand l'année précédente compte une action du même "
    "porteur (nom du référentiel des porteurs) au même intitulé, une fois l'intitulé normalisé (minuscules, sans "
    "accents ni ponctuation, sans millésime : « Fête de quartier 2031 » = « FÊTE DE QUARTIER – 2032 »). Une paire "
    "d'actions d'un même porteur aux intitulés proches mais différents (ressemblance de {bas:.0%} à moins de "
    "{haut:.0%}, mesurée par difflib) est « douteuse » : elle est listée pour vérification et n'est pas comptée "
    "comme reconduite."
)
#: libellés des tables pour le lecteur
TABLES = {
    "insee_qpv": "indicateurs INSEE des quartiers",
    "insee_references": "niveaux de comparaison reçus",
    "insee_niveaux": "niveaux de comparaison calculés sur le fichier national",
    "insee_valeurs_manquantes": "valeurs manquantes INSEE",
    "programmation": "programmation",
    "porteurs": "tableaux des porteurs (projets déposés)",
    "financements_programmation": "financement par financeur",
}
GEOGRAPHIES = {
    "2015": "la géographie prioritaire 2015 (codes « QP… »)",
    "2024": "la géographie prioritaire 2024 (codes « QN… »)",
    "locale": "des codes locaux (« LOC-… »)",
}


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def liste(elements) -> str:
    """« 2031 », « 2031 et 2032 », « 2030, 2031 et 2032 »."""
    e = [str(x) for x in elements]
    if not e:
        return ""
    return e[0] if len(e) == 1 else ", ".join(e[:-1]) + " et " + e[-1]


def geographie(g) -> str:
    if _manque(g) or not g:
        return "une géographie inconnue"
    return " et ".join(GEOGRAPHIES.get(x, f"la géographie « {x} »") for x in str(g).split("+"))


def valeur(v, unite: str, decimales: int = 1, marque=None) -> str:
    """« 43,5 % », « 1 234 habitants » ; la marque (« secret »…) ou « non disponible » si la valeur manque."""
    if _manque(v):
        return marque if isinstance(marque, str) and marque else NON_DISPONIBLE
    return avec_unite(v, "" if unite == "indice" else unite, decimales)


def evolution(ev, mode: str, decimales: int = 1) -> str:
    """« +2,5 points », « −3,2 % », « 0,0 point » ; « non disponible » si elle manque."""
    if _manque(ev):
        return NON_DISPONIBLE
    d = decimales if mode == ce.POINTS else ce.DECIMALES_POURCENT
    texte = nombre_fr(ev, d)
    signe = "+" if round(float(ev), d) > 0 else ""
    if mode == ce.POINTS:
        mot = "point" if abs(round(float(ev), d)) < 2 else "points"
        return f"{signe}{texte}{ESPACE_UNITE}{mot}"
    return f"{signe}{texte}{ESPACE_UNITE}%"


def phrase_evolution(
    libelle: str,
    avant,
    apres,
    annee_avant: int,
    annee: int,
    ev,
    mode: str,
    unite: str,
    decimales: int = 1,
    marque_avant=None,
    marque=None,
) -> str:
    """Une évolution d'une année à la suivante, dite dans son sens :

    « Taux de pauvreté : de 41,0 % en 2096 à 43,5 % en 2097, en hausse de 2,5 points. » ; « … stable (41,0 % en
    2096 et en 2097). » ; « … : évolution non disponible (2096 : secret). »"""
    s = ce.sens(ev, mode, decimales)
    a = valeur(avant, unite, decimales, marque_avant)
    b = valeur(apres, unite, decimales, marque)
    if s is None:
        manquantes = [f"{x} : {v}" for x, v, brut in ((annee_avant, a, avant), (annee, b, apres)) if _manque(brut)]
        return f"{libelle} : évolution {NON_DISPONIBLE}" + (f" ({' ; '.join(manquantes)})" if manquantes else "") + "."
    if s == ce.STABLE:
        return f"{libelle} : stable ({a} en {annee_avant}, {b} en {annee})."
    ampleur = evolution(abs(float(ev)), mode, decimales).lstrip("+")
    return f"{libelle} : de {a} en {annee_avant} à {b} en {annee}, en {s} de {ampleur}."


# --------------------------------------------------------------------------------------------- années


def annees_trouvees(bilan: pd.DataFrame, annee: int) -> str:
    """Les années trouvées, manquantes et écartées (``bilan`` : ``compute.evolutions.bilan_annees``)."""
    trouvees = [a for a, s in zip(bilan["annee"], bilan["statut"]) if s == "trouvée"]
    absentes = [a for a, s in zip(bilan["annee"], bilan["statut"]) if s == "absente"]
    ecartees = [(a, r) for a, s, r in zip(bilan["annee"], bilan["statut"], bilan["raison"]) if s == "écartée"]
    anterieures = [a for a in trouvees if a != annee]
    if not anterieures:
        texte = f"Aucune année antérieure à {annee} n'a été trouvée pour ce territoire : pas d'évolution à montrer."
    else:
        texte = (
            f"Ce chapitre compare {accord(len(trouvees), 'année')} : {liste(trouvees)} (année du rapport : {annee})."
        )
    if absentes:
        texte += (
            f" {'Année manquante' if len(absentes) == 1 else 'Années manquantes'} (aucune donnée) : "
            f"{liste(absentes)} ; {'elle reste' if len(absentes) == 1 else 'elles restent'} une lacune dans "
            f"les séries, sans valeur estimée."
        )
    for a, r in ecartees:
        texte += f" L'année {a} est écartée des séries : {r}."
    return texte


def debuts_des_tables(debuts: pd.DataFrame) -> str:
    """Une phrase par table absente d'une ou plusieurs années trouvées : son évolution commence plus tard, ou
    s'interrompt (``debuts`` : ``compute.evolutions.debuts_des_tables``)."""
    phrases = []
    for _, r in debuts.iterrows():
        nom = TABLES.get(r["table"], r["table"])
        if not r["annees"]:
            if r["manquantes"]:
                phrases.append(f"Table « {nom} » : absente de toutes les années ; pas d'évolution.")
            continue
        avant = [a for a in r["manquantes"] if a < r["premiere"]]
        pendant = [a for a in r["manquantes"] if a > r["premiere"]]
        if avant:
            phrases.append(f"Table « {nom} » : absente en {liste(avant)} ; son évolution commence en {r['premiere']}.")
        if pendant:
            phrases.append(
                f"Table « {nom} » : absente en {liste(pendant)} ; sa série s'interrompt "
                f"{'cette année-là' if len(pendant) == 1 else 'ces années-là'}."
            )
    return "\n".join(f"- {p}" for p in phrases)


def changements_geographie(changements: pd.DataFrame) -> str:
    """La phrase du changement de géographie prioritaire : où, et pourquoi les séries s'arrêtent ; chaîne vide
    sans changement."""
    phrases = []
    for _, c in changements.iterrows():
        phrases.append(
            f"La géographie prioritaire change entre {c['annee_avant']} et {c['annee']} : les quartiers de "
            f"{c['annee_avant']} sont ceux de {geographie(c['geographie_avant'])}, ceux de {c['annee']} ceux de "
            f"{geographie(c['geographie'])}. Un quartier d'une géographie n'est pas le même territoire que celui de "
            f"l'autre : les séries des quartiers, de la moyenne et de l'ensemble des QPV, des QPV du département et "
            f"de l'agglomération hors QPV ne sont pas enchaînées ; elles s'arrêtent en {c['annee_avant']} et de "
            f"nouvelles séries commencent en {c['annee']}. Seules les séries de l'agglomération et du département "
            f"se poursuivent."
        )
    return "\n\n".join(phrases)


# --------------------------------------------------------------------------------------------- indicateurs


def _lignes_evolution(series: pd.DataFrame, annee: int) -> list[str]:
    """Une ligne par série qui a une ligne en ``annee`` : son évolution depuis l'année précédente de la même série."""
    if len(series) and not (series["annee"] == annee - 1).any():
        return (
            [
                f"- Évolution de {annee - 1} à {annee} {NON_DISPONIBLE} : pas de données en {annee - 1} (lacune, "
                f"sans valeur estimée)."
            ]
            if (series["annee"] == annee).any()
            else []
        )
    lignes = []
    for _, r in series[series["annee"] == annee].iterrows():
        p = series[(series["serie"] == r["serie"]) & (series["annee"] == annee - 1)]
        p = p.iloc[0] if len(p) else None
        lignes.append(
            "- "
            + phrase_evolution(
                r["indicateur"],
                None if p is None else p["valeur"],
                r["valeur"],
                annee - 1,
                annee,
                r["evolution"],
                r["mode"],
                r["unite"],
                int(r["decimales"]),
                None if p is None else p["marque"],
                r["marque"],
            )
        )
    return lignes


def evolutions_niveau(series: pd.DataFrame, niveau: str, annee: int) -> str:
    """Une ligne par indicateur d'un niveau de comparaison : son évolution de l'année précédente à ``annee``
    (« non disponible » si l'une des deux manque, ou si la géographie a changé entre les deux)."""
    return "\n".join(_lignes_evolution(series[series["niveau"] == niveau], annee))


def serie_quartier(serie: pd.DataFrame, quartier: str, annee: int) -> str:
    """Section « évolutions » d'une fiche quartier (``serie`` : ``compute.evolutions.series_quartier``) : chaîne
    vide si le quartier n'a qu'une année ; sinon les années où il figure, puis l'évolution de chaque indicateur de
    l'année précédente à ``annee`` (« non disponible » par-dessus une lacune), et, s'il ne figure pas dans
    ``annee``, pourquoi sa série s'arrête."""
    if serie.empty or serie["annee"].nunique() < 2:
        return ""
    annees = sorted(serie["annee"].unique())
    geo = serie.sort_values("annee")["geographie"].iloc[-1]
    texte = (
        f"**Évolutions.** {quartier} figure dans les données de {accord(len(annees), 'année')} "
        f"({liste(annees)}), dans {geographie(geo)}."
    )
    if annee not in annees:
        return texte + (
            f" Il n'apparaît pas en {annee} : sa série s'arrête en {annees[-1]} (changement de "
            f"géographie prioritaire ou quartier sorti de la liste) ; elle n'est pas prolongée."
        )
    manquantes = [a for a in range(annees[0], annee) if a not in annees]
    if manquantes:
        texte += f" Pas de données en {liste(manquantes)} : une lacune, sans valeur estimée."
    lignes = _lignes_evolution(serie, annee)
    return texte + "\n\n" + "\n".join(lignes)


# --------------------------------------------------------------------------------------------- programmation


def programmation_ensemble(prog: pd.DataFrame, annee: int) -> str:
    """Les chiffres d'ensemble de la programmation, de l'année précédente à ``annee`` (``prog`` :
    ``compute.evolutions.programmation_par_annee``)."""
    e = prog[(prog["rubrique"] == "Ensemble")]
    if len(e) and not (e["annee"] == annee - 1).any():
        return (
            (
                f"Évolution de {annee - 1} à {annee} {NON_DISPONIBLE} : pas de programmation en {annee - 1} "
                f"(lacune, sans valeur estimée)."
            )
            if (e["annee"] == annee).any()
            else ""
        )
    lignes = []
    for _, r in e[e["annee"] == annee].iterrows():
        p = e[(e["serie"] == r["serie"]) & (e["annee"] == annee - 1)]
        avant = p["valeur"].iloc[0] if len(p) else None
        lignes.append(
            "- "
            + phrase_evolution(
                r["libelle"],
                avant,
                r["valeur"],
                annee - 1,
                annee,
                r["evolution"],
                r["mode"],
                r["unite"],
                int(r["decimales"]),
            )
        )
    return "\n".join(lignes)


def reconduites(synthese: pd.DataFrame) -> str:
    """Une phrase par paire d'années : actions reconduites, arrêtées, nouvelles, paires douteuses (``synthese`` :
    ``compute.evolutions.synthese_reconduites``)."""
    phrases = []
    for _, r in synthese.iterrows():
        n_r, n_a, n_n, n_d = (int(r[ce.RECONDUITE]), int(r[ce.ARRETEE]), int(r[ce.NOUVELLE]), int(r[ce.DOUTEUSE]))
        texte = (
            f"De {r['annee_avant']} à {r['annee']} : {accord(n_r, 'action')} "
            f"{'reconduite' if n_r < 2 else 'reconduites'}, {nombre_fr(n_a)} "
            f"{'arrêtée' if n_a < 2 else 'arrêtées'} (présente{'s' if n_a >= 2 else ''} en {r['annee_avant']} "
            f"seulement) et {nombre_fr(n_n)} {'nouvelle' if n_n < 2 else 'nouvelles'}."
        )
        if n_d:
            texte += (
                f" {accord(n_d, 'paire douteuse', 'paires douteuses')} (même porteur, intitulés proches) "
                f"{'est à vérifier' if n_d < 2 else 'sont à vérifier'} : ses actions sont comptées comme "
                f"arrêtée et nouvelle."
            )
        phrases.append(texte)
    return "\n\n".join(phrases)


def regle_reconduites(bande=ce.BANDE_DOUTEUSE) -> str:
    return REGLE_RECONDUITES.format(bas=bande[0], haut=bande[1]).replace("%", f"{ESPACE_UNITE}%")


def sans_reconduites(prog_annees: list[int]) -> str:
    """Pourquoi aucune action n'est rapprochée : moins de deux années consécutives avec une programmation."""
    if len(prog_annees) < 2:
        return (
            "Une seule année a une programmation : aucune action ne peut être rapprochée de l'année précédente."
            if prog_annees
            else "Aucune année n'a de programmation."
        )
    return (
        f"Les années qui ont une programmation ({liste(prog_annees)}) ne se suivent pas : les actions ne sont "
        f"rapprochées que d'une année à la suivante, jamais par-dessus une lacune."
    )
