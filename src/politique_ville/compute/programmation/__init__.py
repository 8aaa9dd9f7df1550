"""Chapitre 2 : la programmation et les programmes connexes (sections 2.1 à 2.4 du rapport).

Fonctions pures : tables nettoyées en entrée (``data/processed/<annee>/``), DataFrame en sortie ; ni lecture de
fichier, ni figure. Les montants par action de ``programmation`` sont reconstruits (colonnes ``provenance_*``) :
toute sortie qui les montre ligne par ligne ou par groupe non publié porte une colonne de provenance.

Chaque valeur recalculée confrontable à un chiffre publié porte son expression de recalcul (colonne ``calcul``, langage
de :mod:`politique_ville.published.chiffres`) et la section du rapport (``section``) : :func:`confronter` y retrouve le ou les
chiffres publiés de même expression, sans identifiant, avec l'explication des écarts documentés.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import ValeurIllisible, arrondi_publie, lire_nombre
from politique_ville.clean.correspondance import (  # noqa: F401 (aussi pour le chapitre 20 : table calculée, totaux de l'export)
    ecarts_des_financements,
    export_des_financements,
)
from politique_ville.clean.nettoyage import cle
from politique_ville.published.chiffres import Registre, Statut, calcul
from politique_ville.published.concordance import fournisseur_memoire, table_concordance

#: Ordre des piliers dans le rapport (codes de ``data/reference/nomenclature.csv``).
ORDRE_PILIERS = ["emploi", "cohesion_sociale", "cadre_de_vie", "pilotage"]

#: Section du rapport que reproduisent les tableaux 2.1 de ce module (recherche des chiffres publiés).
SECTION_PROGRAMMATION = "2.1"

#: Libellé de la sous-priorité de la feuille de route qui porte la réussite éducative (PRE).
LIBELLE_REUSSITE_EDUCATIVE = "réussite éducative"

#: Tableaux des porteurs : « Associations » (type association) et « Institutions » (tous les autres types).
GROUPE_ASSOCIATIONS = "Associations"
GROUPE_INSTITUTIONS = "Institutions"

PROVENANCE_PUBLIE = "publié"
PROVENANCE_RECONSTRUIT = "reconstruit"
PROVENANCE_NON_PUBLIE = "non publié"

STATUT_IDENTIQUE = Statut.IDENTIQUE
STATUT_ECART_DOCUMENTE = Statut.ECART_DOCUMENTE
STATUT_ECART = Statut.ECART_NON_EXPLIQUE
STATUT_NON_PUBLIE = Statut.NON_PUBLIE


# --------------------------------------------------------------------------------------------- outils communs


def confronter(
    recalcules: pd.DataFrame, chiffres: pd.DataFrame | None, ecarts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Place à côté de chaque valeur recalculée le ou les chiffres publiés de même expression et, s'il y a lieu,
    l'explication de l'écart documenté (:meth:`politique_ville.published.chiffres.Registre.confronter`).

    ``recalcules`` : colonnes ``valeur_recalculee`` et ``calcul`` (expression de recalcul ; ``section`` facultative),
    ou, à défaut de ``calcul``, ``id`` (identifiant du registre donné par l'appelant) ; les autres colonnes sont
    gardées. ``chiffres`` : table des chiffres publiés ; ``ecarts`` : écarts documentés (``id``, ``explication``).
    Ajoute ``id``, ``valeur_publiee``, ``unite``, ``ecart`` (recalculée − publiée), ``statut`` (:class:`Statut`),
    ``explication`` et ``nature``. Une valeur sans chiffre publié a le statut « non publié » ; une quantité publiée
    plusieurs fois donne une ligne par chiffre publié."""
    return Registre.depuis_tables(chiffres, ecarts).confronter(recalcules)


def concordance_sections(
    chiffres: pd.DataFrame | None,
    ecarts: pd.DataFrame | None,
    tables: dict[str, pd.DataFrame],
    sections: list[str] | tuple[str, ...],
) -> pd.DataFrame:
    """Chiffres publiés des sections données (« 2.3 », « 2.4.1 »…), recalculés sur les tables nettoyées fournies
    (expressions ``calcul`` de la référence) : statut « identique », « écart » ou « non recalculable »."""
    if chiffres is None or not len(chiffres):
        return pd.DataFrame(
            columns=[
                "id",
                "section",
                "libelle",
                "valeur_publiee",
                "unite",
                "valeur_recalculee",
                "statut",
                "explication",
                "citation",
            ]
        )
    choisis = chiffres[chiffres["section"].astype(str).isin([str(x) for x in sections])]
    return table_concordance(choisis, ecarts, fournisseur_memoire(tables)).reset_index(drop=True)


def _provenance_groupe(valeurs: pd.Series, provenances: pd.Series) -> str:
    """Provenance d'une somme de valeurs par ligne : « publié » si toutes les valeurs présentes le sont,
    sinon le décompte (« reconstruit (62 actions), publié (1) ») ; « non publié » si aucune valeur."""
    presentes = provenances[valeurs.notna()]
    if presentes.empty:
        return PROVENANCE_NON_PUBLIE
    comptes = presentes.fillna(PROVENANCE_NON_PUBLIE).value_counts()
    if len(comptes) == 1:
        return str(comptes.index[0])
    return ", ".join(f"{p} ({n})" for p, n in comptes.items())


def _somme(serie: pd.Series) -> float:
    """Somme qui reste manquante si toutes les valeurs manquent (jamais un 0 inventé)."""
    return float(pd.to_numeric(serie, errors="coerce").astype("float64").sum(min_count=1))


def _part(valeur: float, total: float) -> float:
    if total is None or math.isnan(total) or total == 0 or valeur is None or math.isnan(valeur):
        return math.nan
    return valeur / total * 100


# --------------------------------------------------------------------------------------------- 2.1 projets


def projets_deposes_retenus(
    porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame, programmation: pd.DataFrame
) -> pd.DataFrame:
    """Projets déposés et retenus : ce que chaque chiffre publié de la section 2.1 devient une fois recalculé.

    Projets déposés = somme de la colonne « Nombre de projets » des deux tableaux des porteurs ; projets retenus =
    lignes de la programmation (une par action). Colonnes : ``libelle``, ``valeur_recalculee``, ``base``, ``calcul``,
    ``section`` ; :func:`confronter` donne une ligne par chiffre publié (le rapport cite plusieurs fois le nombre
    d'actions, avec des valeurs différentes)."""
    n_actions = float(len(programmation))
    deposes = _somme(porteurs["nombre_projets"])
    base = "actions de la programmation (une ligne par action)"
    return pd.DataFrame(
        [
            {
                "libelle": "Projets déposés (en-tête des tableaux des porteurs)",
                "valeur_recalculee": deposes,
                "base": "somme des « nombres de projets » des deux tableaux des porteurs",
                "calcul": calcul("somme", "porteurs", "nombre_projets"),
            },
            {
                "libelle": "Projets retenus ou accompagnés (texte, en-tête des tableaux des porteurs)",
                "valeur_recalculee": n_actions,
                "base": base,
                "calcul": calcul("nombre", "programmation"),
            },
            {
                "libelle": "Projets retenus et accompagnés (répartition par pilier)",
                "valeur_recalculee": n_actions,
                "base": base,
                "calcul": _calcul_piliers("nombre", None, programmation),
            },
        ]
    ).assign(section=SECTION_PROGRAMMATION)


def _piliers(programmation: pd.DataFrame) -> list[str]:
    """Libellés des piliers de la programmation (ordre du rapport)."""
    rang = {c: i for i, c in enumerate(ORDRE_PILIERS)}
    couples = programmation[["pilier_code", "pilier"]].dropna().drop_duplicates()
    couples = couples.assign(_r=couples["pilier_code"].map(rang).fillna(len(rang))).sort_values(["_r", "pilier"])
    return [str(p) for p in couples["pilier"]]


def _calcul_piliers(fonction: str, colonne: str | None, programmation: pd.DataFrame) -> str:
    """Expression du total d'un tableau réparti par pilier : la somme sur ses piliers."""
    return calcul(fonction, "programmation", colonne, pilier=_piliers(programmation))


def projets_par_pilier(programmation: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'actions retenues par pilier, dans l'ordre du rapport.

    Colonnes : ``pilier_code``, ``pilier``, ``calcul`` et ``section`` (expression et section du chiffre publié),
    ``valeur_recalculee`` (actions), ``part`` (% des actions). Une dernière ligne « Total » (code ``total``) est confrontée aux « projets retenus et
    accompagnés » que le rapport répartit par pilier."""
    comptes = (
        programmation.groupby(["pilier_code", "pilier"], dropna=False).size().rename("valeur_recalculee").reset_index()
    )
    rang = {c: i for i, c in enumerate(ORDRE_PILIERS)}
    comptes["_rang"] = comptes["pilier_code"].map(rang).fillna(len(rang))
    comptes = comptes.sort_values(["_rang", "pilier"]).drop(columns="_rang").reset_index(drop=True)
    comptes["valeur_recalculee"] = comptes["valeur_recalculee"].astype(float)
    comptes["part"] = comptes["valeur_recalculee"] / comptes["valeur_recalculee"].sum() * 100
    comptes["calcul"] = [calcul("nombre", "programmation", pilier=str(p)) for p in comptes["pilier"]]
    total = pd.DataFrame(
        [
            {
                "pilier_code": "total",
                "pilier": "Total",
                "calcul": _calcul_piliers("nombre", None, programmation),
                "valeur_recalculee": float(comptes["valeur_recalculee"].sum()),
                "part": 100.0,
            }
        ]
    )
    sortie = pd.concat([comptes, total], ignore_index=True).assign(section=SECTION_PROGRAMMATION)
    return sortie[["pilier_code", "pilier", "calcul", "section", "valeur_recalculee", "part"]]


# --------------------------------------------------------------------------------------------- 2.1 financements


def _total_programmation(financements: pd.DataFrame) -> float:
    total = financements.loc[financements["type_ligne"] == "total", "montant"]
    return float(total.iloc[0]) if len(total) else math.nan


def financement_par_financeur(financements: pd.DataFrame) -> pd.DataFrame:
    """Répartition publiée du financement de la programmation, par financeur (ordre du rapport).

    Colonnes : ``financeur``, ``part_publiee`` (%), ``montant_publie`` (€, quand le rapport le donne),
    ``part_des_montants`` (montant publié / montant total, %), ``montant_de_la_part`` (part publiée × montant total, €),
    ``note``. Les parts sont gardées telles que publiées, sans être ramenées à 100 %."""
    total = _total_programmation(financements)
    f = financements[financements["type_ligne"] == "financeur"].copy()
    sortie = pd.DataFrame(
        {
            "financeur": f["financeur"].astype(str).str.strip(),
            "part_publiee": pd.to_numeric(f["part"], errors="coerce"),
            "montant_publie": pd.to_numeric(f["montant"], errors="coerce"),
            "note": f["note"].fillna("").astype(str),
        }
    ).reset_index(drop=True)
    sortie["part_des_montants"] = [_part(m, total) for m in sortie["montant_publie"]]
    sortie["montant_de_la_part"] = [
        arrondi_publie(v * total / 100, 0) if pd.notna(v) and not math.isnan(total) else math.nan
        for v in sortie["part_publiee"]
    ]
    return sortie[["financeur", "part_publiee", "montant_publie", "part_des_montants", "montant_de_la_part", "note"]]


def controles_financement(financements: pd.DataFrame) -> pd.DataFrame:
    """Contrôles de la répartition publiée : somme des parts (un partage devrait faire 100 %), part recalculée à partir
    des montants publiés pour chaque financeur dont le montant est donné, et montant total.

    Colonnes : ``calcul`` (expression de recalcul, pour retrouver le chiffre publié), ``libelle``,
    ``valeur_recalculee``, ``unite_calcul``, ``section``. Quand la table est calculée à partir d'un export reçu
    (:func:`export_des_financements`), les intitulés disent « calculé » : rien n'y est publié."""
    total = _total_programmation(financements)
    f = financement_par_financeur(financements)
    qualite = "calculée" if export_des_financements(financements) else "publiée"
    montant_de = "montant" if qualite == "calculée" else "montant publié"
    t = "financements_programmation"
    montant_total = calcul("valeur", t, "montant", type_ligne="total")
    lignes = [
        {
            "calcul": montant_total,
            "libelle": "Montant total de la programmation",
            "valeur_recalculee": total,
            "unite_calcul": "€",
        },
        {
            "calcul": calcul("somme", t, "part", type_ligne="financeur"),
            "libelle": f"Somme des parts {qualite}s des financeurs",
            "valeur_recalculee": float(f["part_publiee"].sum(min_count=1)),
            "unite_calcul": "%",
        },
    ]
    for _, r in f[f["montant_publie"].notna()].iterrows():
        montant = calcul("valeur", t, "montant", financeur=r["financeur"])
        lignes.append(
            {
                "calcul": f"{montant} / {montant_total} * 100",
                "libelle": f"Part « {r['financeur']} » recalculée : {montant_de} / montant total",
                "valeur_recalculee": r["part_des_montants"],
                "unite_calcul": "%",
            }
        )
        lignes.append(
            {
                "calcul": f"{calcul('valeur', t, 'part', financeur=r['financeur'])} * {montant_total} / 100",
                "libelle": f"Montant « {r['financeur']} » qu'impliquerait la part {qualite}",
                "valeur_recalculee": r["montant_de_la_part"],
                "unite_calcul": "€",
            }
        )
    return pd.DataFrame(lignes).assign(section=SECTION_PROGRAMMATION)


# --------------------------------------------------------------------------------------------- 2.1 crédits CGET


def sous_priorite_reussite_educative(feuille_de_route: pd.DataFrame) -> str | None:
    """Numéro de la sous-priorité de la feuille de route intitulée « Réussite éducative » (programmes de réussite
    éducative), lu dans la feuille de route ; ``None`` si aucune."""
    sp = feuille_de_route[feuille_de_route["sous_priorite"].notna()]
    cible = cle(LIBELLE_REUSSITE_EDUCATIVE)
    trouve = sp[sp["libelle"].astype(str).map(cle) == cible]
    if trouve.empty:
        trouve = sp[sp["libelle"].astype(str).map(cle).str.contains(cible, regex=False)]
    return str(trouve["sous_priorite"].iloc[0]) if len(trouve) else None


def cget_par_thematique(
    programmation: pd.DataFrame, feuille_de_route: pd.DataFrame | None = None, sous_priorite_reussite: str | None = None
) -> pd.DataFrame:
    """Contributions des crédits CGET par thématique, comme la section 2.1 les présente : la cohésion sociale (pilier
    entier, « dont » la réussite éducative = sous-priorité « Réussite éducative » de la feuille de route), l'emploi et
    le développement économique (thématiques du pilier emploi), le cadre de vie, le pilotage, puis le total.

    Colonnes : ``rubrique_code``, ``rubrique``, ``dont`` (ligne incluse dans la précédente), ``calcul`` et
    ``section`` (expression et section du chiffre publié ; le total est la somme sur les piliers),
    ``valeur_recalculee`` (€), ``part`` (% du total), ``actions``, ``actions_sans_montant``, ``provenance`` (des
    montants par action additionnés). Les rubriques sont triées par montant décroissant, le total en dernier."""
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    est_cohesion = p["pilier_code"] == "cohesion_sociale"
    p["rubrique_code"] = np.where(est_cohesion, "cohesion_sociale", p["thematique_code"])
    p["rubrique"] = np.where(est_cohesion, p["pilier"], p["thematique"])
    if sous_priorite_reussite is None and feuille_de_route is not None:
        sous_priorite_reussite = sous_priorite_reussite_educative(feuille_de_route)

    thematiques_du_pilier = p.groupby("pilier", dropna=False)["thematique"].nunique()

    def expression(code, groupe):
        if code == "total":
            return _calcul_piliers("somme", "cget", p)
        if code == "reussite_educative":
            return calcul("somme", "programmation", "cget", sous_priorite=str(sous_priorite_reussite))
        pilier = str(groupe["pilier"].iloc[0])
        if code == "cohesion_sociale" or thematiques_du_pilier.get(pilier, 0) == 1:
            return calcul("somme", "programmation", "cget", pilier=pilier)
        return calcul("somme", "programmation", "cget", thematique=str(groupe["thematique"].iloc[0]))

    def ligne(code, libelle, groupe, dont=False):
        return {
            "rubrique_code": code,
            "rubrique": libelle,
            "dont": dont,
            "calcul": expression(code, groupe),
            "section": SECTION_PROGRAMMATION,
            "valeur_recalculee": _somme(groupe["cget"]),
            "actions": int(len(groupe)),
            "actions_sans_montant": int(groupe["cget"].isna().sum()),
            "provenance": _provenance_groupe(groupe["cget"], groupe["provenance_cget"]),
        }

    rubriques = []
    for (code, libelle), groupe in p.groupby(["rubrique_code", "rubrique"], sort=False):
        rubriques.append((ligne(code, libelle, groupe), groupe))
    rubriques.sort(key=lambda x: -(x[0]["valeur_recalculee"] if not math.isnan(x[0]["valeur_recalculee"]) else -1))
    lignes = []
    for r, groupe in rubriques:
        lignes.append(r)
        if r["rubrique_code"] == "cohesion_sociale" and sous_priorite_reussite:
            pre = groupe[groupe["sous_priorite"].astype(str) == str(sous_priorite_reussite)]
            lignes.append(
                ligne(
                    "reussite_educative",
                    f"dont réussite éducative (sous-priorité {sous_priorite_reussite})",
                    pre,
                    dont=True,
                )
            )
    lignes.append(ligne("total", "Total des crédits CGET", p))
    sortie = pd.DataFrame(lignes)
    total = sortie.loc[sortie["rubrique_code"] == "total", "valeur_recalculee"].iloc[0]
    sortie["part"] = [_part(v, total) for v in sortie["valeur_recalculee"]]
    return sortie[
        [
            "rubrique_code",
            "rubrique",
            "dont",
            "calcul",
            "section",
            "valeur_recalculee",
            "part",
            "actions",
            "actions_sans_montant",
            "provenance",
        ]
    ]


# --------------------------------------------------------------------------------------------- 2.1 porteurs


def synthese_porteurs(porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame) -> pd.DataFrame:
    """Les deux tableaux des porteurs (« Associations », « Institutions ») et leur ensemble : lignes du tableau,
    porteurs distincts (nom canonique), projets (somme des lignes) et projets imprimés dans l'en-tête, montants CGET
    attribués et dépenses subventionnables publiés, part des dépenses couverte par le CGET.

    Colonnes : ``tableau``, ``lignes``, ``porteurs_distincts``, ``projets``, ``projets_entete``, ``projets_concordent``,
    ``montant_cget``, ``depenses_subventionnables``, ``part_cget_depenses`` (%)."""
    synth = porteurs_synthese.set_index("tableau")
    lignes = []
    for tableau, groupe in porteurs.groupby("tableau", sort=False):
        entete = synth.loc[tableau] if tableau in synth.index else None
        lignes.append(
            {
                "tableau": tableau,
                "lignes": int(len(groupe)),
                "porteurs_distincts": int(groupe["porteur_canonique"].nunique()),
                "projets": _somme(groupe["nombre_projets"]),
                "projets_entete": float(entete["nombre_projets"])
                if entete is not None and pd.notna(entete["nombre_projets"])
                else math.nan,
                "montant_cget": float(entete["montant_cget"]) if entete is not None else math.nan,
                "depenses_subventionnables": float(entete["depenses_subventionnables"])
                if entete is not None
                else math.nan,
            }
        )
    ens = synth.loc["Ensemble"] if "Ensemble" in synth.index else None
    lignes.append(
        {
            "tableau": "Ensemble",
            "lignes": int(len(porteurs)),
            "porteurs_distincts": int(porteurs["porteur_canonique"].nunique()),
            "projets": _somme(porteurs["nombre_projets"]),
            "projets_entete": float(ens["projets_deposes"])
            if ens is not None and pd.notna(ens["projets_deposes"])
            else math.nan,
            "montant_cget": _somme(pd.Series([lg["montant_cget"] for lg in lignes])),
            "depenses_subventionnables": _somme(pd.Series([lg["depenses_subventionnables"] for lg in lignes])),
        }
    )
    sortie = pd.DataFrame(lignes)
    sortie["projets_concordent"] = [
        (not math.isnan(a)) and (not math.isnan(b)) and a == b
        for a, b in zip(sortie["projets"], sortie["projets_entete"])
    ]
    sortie["part_cget_depenses"] = [
        _part(m, d) for m, d in zip(sortie["montant_cget"], sortie["depenses_subventionnables"])
    ]
    return sortie[
        [
            "tableau",
            "lignes",
            "porteurs_distincts",
            "projets",
            "projets_entete",
            "projets_concordent",
            "montant_cget",
            "depenses_subventionnables",
            "part_cget_depenses",
        ]
    ]


def groupe_du_type(type_porteur_code: pd.Series) -> pd.Series:
    """« Associations » pour le type association, « Institutions » pour les autres (communes, CCAS, EPCI…),
    comme les deux tableaux de la section 2.1."""
    return pd.Series(
        np.where(type_porteur_code == "association", GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS),
        index=type_porteur_code.index,
    )


def tableau_porteurs(porteurs: pd.DataFrame, tableau: str) -> pd.DataFrame:
    """Un tableau des porteurs (« Associations » ou « Institutions ») regroupé par porteur canonique : projets
    (somme des lignes du tableau), lignes du tableau, type, graphies du rapport.

    Colonnes : ``porteur``, ``type_porteur``, ``projets``, ``lignes``, ``graphies``. Tri : projets décroissants,
    puis nom."""
    t = porteurs[porteurs["tableau"] == tableau]
    if t.empty:
        return pd.DataFrame(columns=["porteur", "type_porteur", "projets", "lignes", "graphies"])

    def graphies(s):
        vues = []
        for v in s.astype(str):
            if v not in vues:
                vues.append(v)
        return " | ".join(vues)

    sortie = (
        t.groupby("porteur_canonique", sort=False)
        .agg(
            type_porteur=("type_porteur", "first"),
            projets=("nombre_projets", "sum"),
            lignes=("ordre", "size"),
            graphies=("porteur_brut", graphies),
        )
        .reset_index()
        .rename(columns={"porteur_canonique": "porteur"})
    )
    sortie["projets"] = sortie["projets"].astype(int)
    sortie["_nom"] = sortie["porteur"].astype(str).map(cle)
    return sortie.sort_values(["projets", "_nom"], ascending=[False, True]).drop(columns="_nom").reset_index(drop=True)


def actions_par_type_porteur(programmation: pd.DataFrame) -> pd.DataFrame:
    """Actions retenues de la programmation par type de porteur, avec la somme de leurs crédits CGET par action
    (reconstruits : voir ``provenance``) et le groupe du tableau des porteurs correspondant.

    Colonnes : ``groupe``, ``type_porteur``, ``actions``, ``porteurs_distincts``, ``cget`` (€), ``provenance``."""
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    p["groupe"] = groupe_du_type(p["type_porteur_code"])
    lignes = []
    for (groupe, type_), g in p.groupby(["groupe", "type_porteur"], sort=False):
        lignes.append(
            {
                "groupe": groupe,
                "type_porteur": type_,
                "actions": int(len(g)),
                "porteurs_distincts": int(g["porteur_canonique"].nunique()),
                "cget": _somme(g["cget"]),
                "provenance": _provenance_groupe(g["cget"], g["provenance_cget"]),
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["_g"] = (sortie["groupe"] != GROUPE_ASSOCIATIONS).astype(int)
    return sortie.sort_values(["_g", "actions"], ascending=[True, False]).drop(columns="_g").reset_index(drop=True)


def porteurs_deposes_et_retenus(
    porteurs: pd.DataFrame, porteurs_synthese: pd.DataFrame, programmation: pd.DataFrame
) -> pd.DataFrame:
    """Par groupe de porteurs (Associations, Institutions) : projets déposés (tableaux des porteurs), montants CGET
    publiés, actions retenues et crédits CGET par action additionnés (reconstruits) de la programmation.

    Colonnes : ``groupe``, ``projets_deposes``, ``cget_publie``, ``actions_retenues``, ``cget_actions``,
    ``provenance_cget_actions``, ``ecart_cget`` (actions − publié), ``calcul_projets`` (expression des projets
    déposés du groupe), ``calcul`` (expression des crédits CGET du groupe, à confronter aux montants publiés) et
    ``section``."""
    synth = synthese_porteurs(porteurs, porteurs_synthese).set_index("tableau")
    p = programmation.copy()
    p["cget"] = pd.to_numeric(p["cget"], errors="coerce")
    p["groupe"] = groupe_du_type(p["type_porteur_code"])
    types = {
        g: sorted(str(x) for x in p.loc[p["groupe"] == g, "type_porteur"].dropna().unique())
        for g in (GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS)
    }
    types = {g: (v[0] if len(v) == 1 else v) for g, v in types.items()}
    lignes = []
    for groupe in (GROUPE_ASSOCIATIONS, GROUPE_INSTITUTIONS):
        g = p[p["groupe"] == groupe]
        s = synth.loc[groupe] if groupe in synth.index else None
        lignes.append(
            {
                "groupe": groupe,
                "projets_deposes": float(s["projets"]) if s is not None else math.nan,
                "cget_publie": float(s["montant_cget"]) if s is not None else math.nan,
                "actions_retenues": int(len(g)),
                "cget_actions": _somme(g["cget"]),
                "provenance_cget_actions": _provenance_groupe(g["cget"], g["provenance_cget"]),
                "calcul_projets": calcul("somme", "porteurs", "nombre_projets", tableau=groupe),
                "calcul": calcul("somme", "programmation", "cget", type_porteur=types[groupe]),
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["ecart_cget"] = sortie["cget_actions"] - sortie["cget_publie"]
    return sortie.assign(section=SECTION_PROGRAMMATION)


# --------------------------------------------------------------------------------------------- 2.1 / 2.3 FCS


def fonds_cohesion_sociale(fcs: pd.DataFrame) -> pd.DataFrame:
    """Le Fonds de Cohésion Sociale tel que cité (sections 2.1 et 2.3), avec un contrôle : les montants cités pour une
    même année sont-ils identiques ?

    Colonnes : ``section``, ``annee``, ``objet``, ``montant``, ``nombre_volets``, ``regle``, ``montants_concordent``."""
    sortie = fcs[["section", "annee", "objet", "montant", "nombre_volets", "regle"]].copy().reset_index(drop=True)
    sortie["montant"] = pd.to_numeric(sortie["montant"], errors="coerce")
    sortie["montants_concordent"] = sortie.groupby("annee")["montant"].transform(
        lambda s: s.notna().all() and s.nunique() == 1
    )
    return sortie


# --------------------------------------------------------------------------------------------- 2.2 indicateurs


def _oui(v) -> bool:
    return str(v).strip().lower() in ("oui", "true", "vrai", "1")


def evolution_indicateurs(indicateurs: pd.DataFrame, section: str | None = None) -> pd.DataFrame:
    """Valeurs des indicateurs des actions, année par année, et leur évolution par rapport à l'année précédente
    disponible pour le même indicateur de la même action.

    ``valeur_num`` est la lecture numérique de ``valeur`` ; ``approximatif`` (« une vingtaine ») est gardé et une
    évolution qui part ou arrive sur une valeur approximative est marquée ``variation_approximative``. Une valeur
    manquante reste manquante (évolutions comprises). Pour un indicateur en %, ``variation_absolue`` est en points.

    Colonnes : ``section``, ``action``, ``porteur``, ``indicateur``, ``unite``, ``annee``, ``valeur``, ``valeur_num``,
    ``approximatif``, ``annee_precedente``, ``valeur_precedente``, ``variation_absolue``, ``variation_relative`` (%),
    ``variation_approximative``, ``nombre_annees``."""
    d = indicateurs.copy()
    if section is not None:
        d = d[d["section"].astype(str) == str(section)]
    d["approximatif"] = d["approximatif"].map(_oui)
    d["valeur_num"] = pd.to_numeric(d["valeur_num"], errors="coerce")
    d["annee"] = pd.to_numeric(d["annee"], errors="coerce").astype("Int64")
    d["_ordre"] = np.arange(len(d))
    cles = ["action", "indicateur"]
    premier = d.groupby(cles, sort=False)["_ordre"].transform("min")
    d = d.assign(_premier=premier).sort_values(["_premier", "annee"]).reset_index(drop=True)
    g = d.groupby(cles, sort=False)
    d["annee_precedente"] = g["annee"].shift(1)
    d["valeur_precedente"] = g["valeur_num"].shift(1)
    approx_prec = g["approximatif"].shift(1).astype("boolean").fillna(False).astype(bool)
    d["variation_absolue"] = d["valeur_num"] - d["valeur_precedente"]
    d["variation_relative"] = np.where(
        d["valeur_precedente"].abs() > 0, d["variation_absolue"] / d["valeur_precedente"].abs() * 100, np.nan
    )
    d["variation_relative"] = d["variation_relative"].astype(float)
    d.loc[d["variation_absolue"].isna(), "variation_relative"] = np.nan
    d["variation_approximative"] = d["variation_absolue"].notna() & (d["approximatif"] | approx_prec)
    d["nombre_annees"] = g["annee"].transform("nunique")
    return d[
        [
            "section",
            "action",
            "porteur",
            "indicateur",
            "unite",
            "annee",
            "valeur",
            "valeur_num",
            "approximatif",
            "annee_precedente",
            "valeur_precedente",
            "variation_absolue",
            "variation_relative",
            "variation_approximative",
            "nombre_annees",
        ]
    ]


def series_pluriannuelles(evolution: pd.DataFrame, unite: str | None = None) -> pd.DataFrame:
    """Les indicateurs suivis sur au moins deux années (éventuellement d'une seule unité)."""
    s = evolution[evolution["nombre_annees"] >= 2]
    if unite is not None:
        s = s[s["unite"] == unite]
    return s.reset_index(drop=True)


#: Nombre maximal de séries pluriannuelles illustrées par une figure (section 2.2) : voir :func:`series_illustrees`.
FIGURES_EVOLUTION_MAX = 6


def series_illustrees(series: pd.DataFrame, nombre_max: int = FIGURES_EVOLUTION_MAX) -> pd.DataFrame:
    """Les séries pluriannuelles qui ont une figure et une phrase de commentaire : toutes si elles sont au plus
    ``nombre_max``, sinon les ``nombre_max`` séries suivies sur le plus grand nombre d'années, à égalité les
    premières dans l'ordre du rapport (ordre de la table des indicateurs). Les autres séries restent dans le tableau
    des évolutions et dans le classeur Excel du chapitre.

    ``series`` : sortie de :func:`series_pluriannuelles` ; renvoie ses lignes des séries retenues, dans le même ordre
    (ordre du rapport)."""
    cles = ["action", "indicateur"]
    if series.empty:
        return series.reset_index(drop=True)
    rang = series.groupby(cles, sort=False).ngroup()  # ordre du rapport ; clé manquante : rang manquant, écartée
    par_serie = pd.DataFrame({"rang": rang, "annees": series["nombre_annees"]}).loc[rang >= 0].drop_duplicates("rang")
    retenues = par_serie.sort_values(["annees", "rang"], ascending=[False, True], kind="stable")["rang"].head(
        max(int(nombre_max), 0)
    )
    return series[rang.isin(retenues)].reset_index(drop=True)


def indicateurs_par_annee(evolution: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par action et indicateur, une colonne par année (valeurs numériques), et la liste des années dont
    la valeur est approximative.

    Colonnes : ``action``, ``indicateur``, ``unite``, une colonne par année (texte de l'année), ``approximatif``."""
    cles = ["action", "indicateur", "unite"]
    e = evolution.copy()
    e["_rang"] = e.groupby(cles, sort=False).ngroup()
    large = e.pivot_table(index=["_rang"] + cles, columns="annee", values="valeur_num", aggfunc="first")
    large.columns = [str(int(c)) for c in large.columns]
    large = large.reset_index().sort_values("_rang")
    approx = (
        e[e["approximatif"]].groupby("_rang")["annee"].agg(lambda s: ", ".join(str(int(a)) for a in sorted(s.dropna())))
    )
    large["approximatif"] = large["_rang"].map(approx).fillna("")
    return large.drop(columns="_rang").reset_index(drop=True)


# --------------------------------------------------------------------------------------------- 2.3 fonds de concours


def regle_fonds_concours(texte: str) -> tuple[float, float]:
    """Lit la règle d'un fonds de concours écrite comme le rapport l'écrit (« 40% des dépenses éligibles avec un
    montant de fonds de concours plafonné à 70.000 € ») : (taux en %, plafond en €). ``(nan, nan)`` si la règle ne
    donne pas de taux ; plafond ``nan`` si elle n'en donne pas."""
    t = str(texte or "")
    m_taux = re.search(r"(\d+(?:[.,]\d+)?)\s*%\s*des\s+dépenses", t, flags=re.IGNORECASE)
    if not m_taux:
        return math.nan, math.nan
    taux = float(m_taux.group(1).replace(",", "."))
    plafond = math.nan
    m_plaf = re.search(r"plafonn\w*\s+à\s+([\d\s.\u00a0\u202f]+)\s*(?:€|euros?)", t, flags=re.IGNORECASE)
    if m_plaf:
        try:
            plafond = lire_nombre(m_plaf.group(1).strip() + " €", "montant")
        except ValeurIllisible:
            plafond = math.nan
    return taux, plafond


def controle_fonds_concours(fonds_concours: pd.DataFrame) -> pd.DataFrame:
    """Chaque opération aidée, et la règle de son tableau vérifiée ligne par ligne : fonds de concours attendu =
    taux × montant de l'opération, arrondi à l'euro, dans la limite du plafond. Le rapport donne le « montant
    opération » alors que la règle porte sur les dépenses éligibles : une ligne conforme a exactement le montant
    attendu ; une ligne sans règle chiffrée (fonds « classique » majoré) n'est pas contrôlée (``conforme`` manquant).

    Colonnes : ``tableau``, ``commune``, ``projet``, ``montant_operation``, ``montant_fdc``, ``part_operation`` (%),
    ``taux``, ``plafond``, ``fdc_regle``, ``plafond_atteint``, ``ecart_regle``, ``conforme``, ``ligne_source``."""
    f = fonds_concours[~fonds_concours["est_total"].astype(bool)].copy().reset_index(drop=True)
    regles = f["regle_tableau"].map(regle_fonds_concours)
    f["taux"] = [r[0] for r in regles]
    f["plafond"] = [r[1] for r in regles]
    op = pd.to_numeric(f["montant_operation"], errors="coerce")
    fdc = pd.to_numeric(f["montant_fdc"], errors="coerce")
    brut = op * f["taux"] / 100
    arrondi = brut.map(lambda v: arrondi_publie(v, 0) if pd.notna(v) else math.nan)
    f["fdc_regle"] = np.where(f["plafond"].notna(), np.fmin(arrondi, f["plafond"]), arrondi)
    f["fdc_regle"] = f["fdc_regle"].astype(float)
    f["plafond_atteint"] = (f["plafond"].notna() & (arrondi >= f["plafond"])).where(f["fdc_regle"].notna())
    f["ecart_regle"] = fdc - f["fdc_regle"]
    f["conforme"] = (f["ecart_regle"].abs() < 0.5).where(f["ecart_regle"].notna()).astype("boolean")
    f["part_operation"] = [_part(a, b) for a, b in zip(fdc, op)]
    return f[
        [
            "tableau",
            "commune",
            "projet",
            "montant_operation",
            "montant_fdc",
            "part_operation",
            "taux",
            "plafond",
            "fdc_regle",
            "plafond_atteint",
            "ecart_regle",
            "conforme",
            "ligne_source",
        ]
    ]


def totaux_fonds_concours(fonds_concours: pd.DataFrame) -> pd.DataFrame:
    """Par tableau de fonds de concours : somme des opérations (lignes de total exclues) et total imprimé.

    Colonnes : ``tableau``, ``operations``, ``communes``, ``montant_operations``, ``somme_fdc``, ``total_imprime``,
    ``ecart``, ``total_verifie``."""
    lignes = []
    for tableau, g in fonds_concours.groupby("tableau", sort=False):
        est_total = g["est_total"].astype(bool)
        detail, totaux = g[~est_total], g[est_total]
        imprime = _somme(totaux["montant_fdc"]) if len(totaux) else math.nan
        somme = _somme(detail["montant_fdc"])
        lignes.append(
            {
                "tableau": tableau,
                "operations": int(len(detail)),
                "communes": int(detail["commune"].nunique()),
                "montant_operations": _somme(detail["montant_operation"]),
                "somme_fdc": somme,
                "total_imprime": imprime,
                "ecart": somme - imprime,
            }
        )
    sortie = pd.DataFrame(lignes)
    sortie["total_verifie"] = sortie["ecart"].abs() < 0.5
    return sortie


# --------------------------------------------------------------------------------------------- 2.4 programmes connexes


def projets_iti(iti_feder: pd.DataFrame) -> pd.DataFrame:
    """Projets ITI (lignes de total exclues), dans l'ordre du rapport, avec la provenance du montant FEDER par
    projet (le rapport ne publie que le total).

    Colonnes : ``axe``, ``intitule_axe``, ``porteur``, ``projet``, ``commune``, ``logements``, ``montant_feder``,
    ``provenance_feder``."""
    p = iti_feder[~iti_feder["est_total"].astype(bool)].copy().reset_index(drop=True)
    p["montant_feder"] = pd.to_numeric(p["montant_feder"], errors="coerce")
    p["provenance_feder"] = np.where(p["montant_feder"].notna(), PROVENANCE_PUBLIE, "non publié (total seulement)")
    return p[["axe", "intitule_axe", "porteur", "projet", "commune", "logements", "montant_feder", "provenance_feder"]]


def synthese_iti(iti_feder: pd.DataFrame) -> pd.DataFrame:
    """ITI : projets déposés, projets par axe, logements concernés, FEDER mobilisé (total publié) et contrôle.

    Une ligne par axe puis une ligne « Ensemble ». Colonnes : ``axe``, ``intitule_axe``, ``projets``, ``logements``,
    ``feder_par_projet_publie`` (somme des montants par projet publiés, manquante s'il n'y en a pas),
    ``feder_total_publie``."""
    p = projets_iti(iti_feder)
    totaux = iti_feder[iti_feder["est_total"].astype(bool)]
    total_feder = _somme(totaux["montant_feder"]) if len(totaux) else math.nan
    lignes = []
    for (axe, intitule), g in p.groupby(["axe", "intitule_axe"], sort=False):
        lignes.append(
            {
                "axe": axe,
                "intitule_axe": intitule,
                "projets": int(len(g)),
                "logements": _somme(g["logements"]),
                "feder_par_projet_publie": _somme(g["montant_feder"]),
                "feder_total_publie": math.nan,
            }
        )
    lignes.append(
        {
            "axe": "Ensemble",
            "intitule_axe": "",
            "projets": int(len(p)),
            "logements": _somme(p["logements"]),
            "feder_par_projet_publie": _somme(p["montant_feder"]),
            "feder_total_publie": total_feder,
        }
    )
    return pd.DataFrame(lignes)


def _cle_quartier(texte: str) -> str:
    """Clé de rapprochement des noms de quartier des conventions TFPB (casse, accents, tirets, « / » et « – »)."""
    t = str(texte).replace("–", " ").replace("—", " ").replace("/", " ")
    return re.sub(r"\s+", " ", cle(t)).strip()


def _tfpb_preparee(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Conventions TFPB avec la clé de quartier rapprochée (``_cle``), calculée une fois par graphie distincte."""
    t = tfpb.copy()
    graphies = pd.unique(t["quartier"])
    cles = dict(zip(graphies, (_cle_quartier(q) for q in graphies)))
    t["_cle"] = t["quartier"].map(cles)
    return t


def tfpb_par_quartier(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Conventions et avenants d'abattement de TFPB : une ligne par quartier (noms rapprochés sans tenir compte de la
    casse ni des tirets), une colonne par bailleur (« avenant (période) », « convention (période) », vide), les
    communes et les graphies du rapport.

    Colonnes : ``quartier``, ``communes``, une colonne par bailleur (ordre du rapport), ``actes``, ``graphies``."""
    t = _tfpb_preparee(tfpb)
    bailleurs = list(dict.fromkeys(t["bailleur"]))
    t["_acte"] = [f"{a} ({p})" for a, p in zip(t["type_acte"], t["periode"])]
    t["_graphie"] = [str(q) for q in t["quartier"]]
    # première ligne de chaque quartier rapproché (ordre du rapport) : nom et communes affichés
    premiers = t.drop_duplicates("_cle", keep="first").set_index("_cle")
    ordre = premiers.index
    sortie = pd.DataFrame(
        {
            "quartier": premiers["quartier"].to_numpy(dtype=object),
            "communes": premiers["communes"].to_numpy(dtype=object),
        },
        index=ordre,
    )
    # actes de chaque bailleur dans chaque quartier, sans répétition, dans l'ordre du rapport
    actes = (
        t.drop_duplicates(["_cle", "bailleur", "_acte"])
        .groupby(["_cle", "bailleur"], sort=False)["_acte"]
        .agg(", ".join)
    )
    par_bailleur = actes.unstack("bailleur") if len(actes) else pd.DataFrame(index=ordre)
    for b in bailleurs:
        colonne = par_bailleur[b] if b in par_bailleur.columns else pd.Series(dtype=object)
        sortie[b] = colonne.reindex(ordre).fillna("").to_numpy(dtype=object)
    sortie["actes"] = t.groupby("_cle", sort=False).size().reindex(ordre).astype(int).to_numpy()
    sortie["graphies"] = (
        t.drop_duplicates(["_cle", "_graphie"])
        .groupby("_cle", sort=False)["_graphie"]
        .agg(" | ".join)
        .reindex(ordre)
        .to_numpy(dtype=object)
    )
    sortie = sortie.reset_index(drop=True)
    sortie["_tri"] = sortie["communes"].astype(str).map(cle) + " " + sortie["quartier"].astype(str).map(cle)
    return sortie.sort_values("_tri").drop(columns="_tri").reset_index(drop=True)


def tfpb_par_bailleur(tfpb: pd.DataFrame) -> pd.DataFrame:
    """Par bailleur : avenants, conventions, total des actes, quartiers (rapprochés) et communes couverts.

    Colonnes : ``bailleur``, ``avenants``, ``conventions``, ``actes``, ``quartiers``, ``communes``. Une ligne
    « Ensemble » termine la table."""
    t = _tfpb_preparee(tfpb)
    t["_avenant"] = (t["type_acte"] == "avenant").fillna(False).astype(int)
    t["_convention"] = (t["type_acte"] == "convention").fillna(False).astype(int)
    communes = t[["bailleur"]].assign(_commune=t["communes"].astype(str).str.split(r"\s*,\s*")).explode("_commune")
    communes = communes[communes["_commune"].notna() & (communes["_commune"] != "")]
    g = t.groupby("bailleur", sort=False)
    par = pd.DataFrame(
        {
            "avenants": g["_avenant"].sum(),
            "conventions": g["_convention"].sum(),
            "actes": g.size(),
            "quartiers": g["_cle"].nunique(),
        }
    )
    par["communes"] = communes.groupby("bailleur", sort=False)["_commune"].nunique().reindex(par.index).fillna(0)
    ensemble = pd.DataFrame(
        {
            "avenants": [t["_avenant"].sum()],
            "conventions": [t["_convention"].sum()],
            "actes": [len(t)],
            "quartiers": [t["_cle"].nunique()],
            "communes": [communes["_commune"].nunique()],
        },
        index=["Ensemble"],
    )
    sortie = pd.concat([par, ensemble]).astype(int)
    sortie.index.name = "bailleur"
    return sortie.reset_index()[["bailleur", "avenants", "conventions", "actes", "quartiers", "communes"]]


def npnru_enveloppes(npnru: pd.DataFrame) -> pd.DataFrame:
    """Enveloppes du NPNRU par quartier, puis leur total.

    Colonnes : ``quartier``, ``commune``, ``enveloppe`` (€), ``part`` (% du total), ``instance``, ``date_decision``."""
    n = npnru[["quartier", "commune", "enveloppe", "instance", "date_decision"]].copy().reset_index(drop=True)
    n["enveloppe"] = pd.to_numeric(n["enveloppe"], errors="coerce")
    total = _somme(n["enveloppe"])
    n["part"] = [_part(v, total) for v in n["enveloppe"]]
    total_ligne = pd.DataFrame(
        [
            {
                "quartier": "Total",
                "commune": "",
                "enveloppe": total,
                "part": _part(total, total),
                "instance": "",
                "date_decision": "",
            }
        ]
    )
    return pd.concat([n, total_ligne], ignore_index=True)[
        ["quartier", "commune", "enveloppe", "part", "instance", "date_decision"]
    ]
