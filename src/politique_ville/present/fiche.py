"""Les tableaux d'une fiche quartier : identité, indicateurs comparés aux niveaux, effectifs, tous les indicateurs
par thème, actions de la programmation du quartier (vues pour ``ctx.tableau(**vue)`` ou listes de blocs pour
``ctx.afficher``). Les phrases viennent de :mod:`politique_ville.narration.fiche` ; les calculs de
:mod:`politique_ville.compute.qpv` ; les vues partagées avec le chapitre 10 de :mod:`politique_ville.present.qpv`.
"""

from __future__ import annotations

import pandas as pd

from politique_ville.compute import qpv as cq
from politique_ville.formats import (
    annee_texte,
    euros,
    formater,
    formater_ecart,
    formater_nombre,
    formateur,
    nombre_fr,
    nombre_ou,
    rang_texte,
    valeur_absente,
)
from politique_ville.narration import fiche as nf
from politique_ville.present.qpv import COL_QPV_TERRITOIRE, valeur_niveau
from politique_ville.reference.designation import Designation


def vue_identite(ident: dict, provenance: str | None = None) -> dict:
    """Identité d'un quartier (``ident`` : ``compute.qpv.fiche_identite``) ; ``provenance`` (« publié », « statut :
    supposé ; population : reconstruit ») : colonne « Provenance »."""
    pop = ident["pop_mun"]
    ligne = {
        "Code": ident["code_qp"],
        "Quartier": ident["quartier"],
        "Type": ident["type_libelle"],
        "Communes": ", ".join(ident["communes"]),
        "Année de reconnaissance": ident["annee_reconnaissance"],
        "Population (habitants)": pop if pop == pop else cq.NON_DISPONIBLE,
    }
    if provenance is not None:
        ligne["Provenance"] = provenance
    vue = pd.DataFrame([ligne])
    return {
        "df": vue,
        "titre": "Identité du quartier",
        "formats": {"Population (habitants)": formateur("pop_mun"), "Année de reconnaissance": annee_texte},
    }


def vue_fiche_indicateurs(fiche: pd.DataFrame, d: Designation | None = None, manquant: str = cq.NON_PUBLIE) -> dict:
    """Indicateurs d'un quartier (``fiche`` : ``compute.qpv.fiche_indicateurs``) : sa valeur, son rang (1 = situation
    la plus défavorable), le niveau des QPV du territoire, le territoire (nommé selon sa nature, ``d``) et les QPV du
    département quand ils ont une valeur."""
    d = d or Designation()
    vue = fiche[
        [
            "theme",
            "indicateur",
            "unite",
            "valeur",
            "rang",
            "nb_classes",
            "qpv_territoire",
            "agglomeration",
            "qpv_departement",
            "provenance",
        ]
    ].copy()
    # une case vide qui imite le secret (provenance « simulé ») le dit à sa place, pas seulement dans la Provenance
    vue["valeur"] = [
        f"{v} (simulé)" if isinstance(v, str) and p == "simulé" else v for v, p in zip(vue["valeur"], vue["provenance"])
    ]
    rang = "Rang parmi les QPV (1 = situation la plus défavorable)"
    vue.columns = [
        "Thème",
        "Indicateur",
        "Unité",
        "Valeur du quartier",
        rang,
        "QPV classés",
        COL_QPV_TERRITOIRE,
        d.colonne,
        "QPV du département",
        "Provenance de la valeur",
    ]
    for c in (d.colonne, "QPV du département"):
        if pd.to_numeric(vue[c], errors="coerce").isna().all() and len(vue):
            vue = vue.drop(columns=c)
    return {
        "df": vue,
        "titre": "Indicateurs du quartier comparés aux niveaux de référence",
        "formats": {
            "Valeur du quartier": formater_nombre,
            rang: rang_texte,
            "QPV classés": nombre_fr,
            COL_QPV_TERRITOIRE: lambda v: formater_nombre(v, manquant),
            d.colonne: lambda v: formater_nombre(v, manquant),
            "QPV du département": lambda v: formater_nombre(v, manquant),
        },
    }


def vue_fiche_effectifs(effectifs: pd.DataFrame, d: Designation | None = None) -> dict:
    """Effectifs d'un quartier (``effectifs`` : ``compute.qpv.fiche_effectifs``) ; la part du territoire seulement
    quand son total est connu."""
    d = d or Designation()
    vue = effectifs[["indicateur", "unite", "valeur", "part_qpv", "part_agglomeration", "provenance"]].copy()
    col = f"Part {d.de} (%)"
    vue.columns = [
        "Effectif",
        "Unité",
        "Valeur du quartier",
        "Part de l'ensemble des QPV (%)",
        col,
        "Provenance de la valeur",
    ]
    if len(vue) and pd.to_numeric(vue[col], errors="coerce").isna().all():
        vue = vue.drop(columns=col)
    return {
        "df": vue,
        "titre": "Effectifs du quartier",
        "formats": {
            "Valeur du quartier": nombre_ou("—"),
            "Part de l'ensemble des QPV (%)": nombre_ou("—", 1, pour_cent=True),
            col: nombre_ou(cq.NON_PUBLIE, 2, pour_cent=True),
        },
    }


def vue_actions(actions: pd.DataFrame) -> dict:
    """Actions de la programmation situées dans la ou les communes d'un quartier."""
    vue = actions[
        [
            "id_action",
            "intitule",
            "thematique",
            "porteur",
            "communes_quartier",
            "credits_specifiques",
            "cget",
            "droit_commun",
            "provenance_montants",
        ]
    ].copy()
    vue.columns = [
        "Action",
        "Intitulé",
        "Thématique",
        "Porteur",
        "Commune",
        "Crédits spécifiques (€)",
        "Crédits CGET (€)",
        "Droit commun (€)",
        "Provenance des montants",
    ]
    return {
        "df": vue,
        "titre": "Actions de la programmation situées dans la ou les communes du quartier",
        "formats": {"Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros, "Droit commun (€)": euros},
    }


def vue_synthese_actions(synthese: pd.DataFrame) -> dict:
    vue = synthese.copy()
    vue.columns = ["Pilier", "Thématique", "Actions", "Crédits spécifiques (€)", "Crédits CGET (€)"]
    return {
        "df": vue,
        "titre": "Actions de la ou des communes du quartier par thématique",
        "formats": {"Actions": nombre_fr, "Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros},
    }


def vue_intercommunales(inter: pd.DataFrame) -> dict:
    vue = inter.copy()
    vue.columns = ["Périmètre", "Actions", "Crédits spécifiques (€)", "Crédits CGET (€)"]
    return {
        "df": vue,
        "titre": "Actions intercommunales (comptées à part)",
        "formats": {"Actions": nombre_fr, "Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros},
    }


def vue_fiche_theme(nom: str, fiche: pd.DataFrame, manquant: str = cq.NON_PUBLIE) -> dict:
    """Un quartier sur les indicateurs d'un thème (lignes de ``compute.qpv.fiche_par_theme``) : valeur, rang orienté
    (rang 1 = situation la plus défavorable), et pour chaque niveau de comparaison sa valeur et l'écart du
    quartier (« 27,0 ; écart +3,0 pts », une médiane des QPV avec son étendue), provenance de la valeur. Une
    variable de contexte (population de la commune) n'a ni rang ni niveau (« — ») ; ``manquant`` : la marque d'un
    niveau sans valeur (« non publié », « non reçu »)."""
    niveaux = [c for c in fiche.columns if f"ecart:{c}" in fiche.columns]
    niveaux = [n for n in niveaux if fiche[n].notna().any()]
    codes = fiche["code"].tolist()
    colonnes = {
        "Indicateur": fiche["indicateur"].values,
        "Unité": fiche["unite"].values,
        "Valeur du quartier": [formater(c, v, "—", unite=False) for c, v in zip(codes, fiche["valeur"])],
        "Rang parmi les QPV (1 = situation la plus défavorable)": [
            "—"
            if valeur_absente(r)
            else f"{int(r)} sur {int(n)} ({'valeur la plus faible' if s == cq.SENS_FAIBLE else 'valeur la plus élevée'} = 1)"
            for r, n, s in zip(fiche["rang"], fiche["nb_classes"], fiche["sens"])
        ],
    }
    genres = fiche["genre"].tolist() if "genre" in fiche.columns else [None] * len(fiche)
    for n in niveaux:  # colonnes assemblées en une fois (ajoutées une à une, chacune recopiait le tableau)
        colonnes[f"{n} (écart du quartier)"] = [
            "—"
            if g == "contexte"
            else manquant
            if valeur_absente(v)
            else valeur_niveau(c, v, o, mi, ma) + ("" if valeur_absente(e) else f" ; écart {formater_ecart(c, e)}")
            for g, c, v, e, o, mi, ma in zip(
                genres,
                codes,
                fiche[n].tolist(),
                fiche[f"ecart:{n}"].tolist(),
                fiche[f"origine:{n}"].tolist(),
                fiche[f"minimum:{n}"].tolist(),
                fiche[f"maximum:{n}"].tolist(),
            )
        ]
    colonnes["Provenance de la valeur"] = fiche["provenance"].values
    vue = pd.DataFrame(colonnes)
    return {
        "df": vue,
        "titre": f"{nom} : le quartier comparé",
        "droite": ["Valeur du quartier", *[f"{n} (écart du quartier)" for n in niveaux]],
    }


def indicateurs_par_theme(
    fiche: pd.DataFrame, annee: int, inconnues: dict | None = None, manquant: str = cq.NON_PUBLIE
) -> list:
    """Section « Tous les indicateurs du quartier, par thème » (``fiche`` : ``compute.qpv.fiche_par_theme``) : une
    phrase, puis pour chaque thème son titre (Markdown) et son tableau (dict pour ``ctx.tableau(**vue)``), enfin
    les colonnes non reconnues (``inconnues`` : colonne -> valeur du quartier)."""
    blocs: list = [nf.intro_indicateurs_par_theme(fiche, annee)]
    if fiche.empty:
        return blocs
    groupes = dict(iter(fiche.groupby("theme", sort=False)))  # lignes de chaque thème, en un passage
    for theme in dict.fromkeys(fiche["theme"]):
        lignes = groupes.get(theme, fiche.iloc[:0])
        blocs.append(f"### {theme}")
        blocs.append(
            vue_fiche_theme(theme, lignes, manquant)
            | {"note": " ".join(x for x in (nf.origine_des_niveaux(lignes), nf.REGLE_NIVEAUX_FICHE) if x)}
        )
    texte = nf.colonnes_non_reconnues(inconnues or {})
    if texte:
        blocs.append(texte)
    return blocs


def section_actions(
    programmation: pd.DataFrame | None,
    programmation_communes: pd.DataFrame | None,
    qpv_communes: pd.DataFrame,
    ident: dict,
    annee: int,
) -> list:
    """Section « Actions de la programmation » d'une fiche : paragraphes (Markdown) et tableaux (dicts pour
    ``ctx.tableau(**vue)``), dans l'ordre : actions de la ou des communes du quartier et leur synthèse par
    thématique, puis actions intercommunales ; ou l'absence de programmation."""
    if programmation is None or programmation_communes is None:
        return [nf.sans_programmation(annee)]
    liste = cq.actions_du_quartier(programmation, programmation_communes, qpv_communes, ident["code_qp"])
    blocs: list = [nf.actions(liste, ident["communes"], annee)]
    if not liste.empty:
        blocs.append(vue_actions(liste) | {"note": nf.note_montants_actions(liste)})
        blocs.append(
            vue_synthese_actions(cq.synthese_actions(liste))
            | {"note": nf.note_sommes(liste), "provenance": nf.provenance_montants(liste)}
        )
    inter = cq.actions_intercommunales(programmation, programmation_communes)
    if len(inter):
        blocs.append(nf.intercommunales(int(inter["actions"].sum())))
        blocs.append(
            vue_intercommunales(inter)
            | {"note": nf.note_sommes(programmation), "provenance": nf.provenance_montants(programmation)}
        )
    return blocs
