"""Tableaux affichés des chapitres 2 (programmation), 3 (contribution aux objectifs) et de l'annexe 1 (grille).

Couche de présentation : chaque ``vue_*`` reçoit une sortie de :mod:`politique_ville.compute.programmation` ou de
:mod:`politique_ville.compute.contribution` et renvoie le tableau à montrer, colonnes aux intitulés français du
rapport (valeurs encore numériques) ; :func:`formats_programmation`, :func:`formats_contribution` et
:func:`formats_matrice` donnent la mise en forme française de ces colonnes pour ``Chapitre.tableau``. Les écritures
signées (« +2 », « −4,3 », « +1 200 € ») et les mots « oui » / « non » sont ici aussi.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pandas as pd

from politique_ville import formats
from politique_ville.compute.contribution import SANS_PRIORITE, SANS_SOUS_PRIORITE
from politique_ville.formats import auto, majuscule_initiale, oui_non, signe, signe_euros, signe_pct

#: les intitulés des colonnes des vues du chapitre 20 (vue, colonne du calcul, intitulé montré au lecteur) : une
#: table de libellés, pas du code ; l'ordre des lignes d'une vue est celui des colonnes renommées
LIBELLES = Path(__file__).with_name("libelles_programmation.csv")


@functools.cache
def _table_des_libelles() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    with LIBELLES.open(encoding="utf-8", newline="") as f:
        for ligne in csv.DictReader(f):
            table.setdefault(ligne["vue"], {})[ligne["colonne"]] = ligne["libelle"]
    return table


def libelles(vue: str) -> dict[str, str]:
    """Les intitulés des colonnes d'une vue (colonne du calcul -> intitulé), lus dans :data:`LIBELLES`."""
    try:
        return dict(_table_des_libelles()[vue])
    except KeyError:
        raise KeyError(f"vue sans libellés dans {LIBELLES.name} : « {vue} »") from None


# --------------------------------------------------------------------------------------------- écritures

#: Statut d'une confrontation à un chiffre publié, tel qu'il est écrit dans les tableaux.
STATUTS_FR = {
    "identique": "identique",
    "écart documenté": "écart documenté",
    "écart non expliqué": "écart non expliqué",
    "non publié": "non publié",
}


def statut_fr(s) -> str:
    """Statut d'une confrontation écrit pour le lecteur (un statut inconnu est gardé tel quel)."""
    return STATUTS_FR.get(s, s)


def _renommer(df: pd.DataFrame, colonnes: dict) -> pd.DataFrame:
    """Les colonnes de ``colonnes``, dans cet ordre, renommées."""
    return df[list(colonnes)].rename(columns=colonnes)


def _statuts(vue: pd.DataFrame) -> pd.DataFrame:
    vue["Statut"] = vue["Statut"].map(statut_fr)
    return vue


# --------------------------------------------------------------------------------------------- chapitre 2


def vue_projets(projets: pd.DataFrame) -> pd.DataFrame:
    """Projets déposés et retenus (sortie de ``confronter(projets_deposes_retenus(...))``)."""
    return _statuts(
        _renommer(
            projets.reset_index(),
            libelles("projets"),
        )
    )


def vue_piliers(piliers: pd.DataFrame) -> pd.DataFrame:
    """Projets retenus par pilier (sortie de ``confronter(projets_par_pilier(...))``)."""
    return _statuts(
        _renommer(
            piliers,
            libelles("piliers"),
        )
    )


def vue_financeurs(fin: pd.DataFrame, export: str = "") -> pd.DataFrame:
    """Financement par financeur (sortie de ``financement_par_financeur``). ``export`` : le fichier reçu dont la table
    des financeurs est calculée (``correspondance.export_des_financements``) ; les intitulés disent alors « calculé »
    (somme des montants reçus), jamais « publié »."""
    if export:
        return _renommer(
            fin,
            libelles("financeurs_export"),
        )
    return _renommer(
        fin,
        libelles("financeurs"),
    )


def vue_ecarts_totaux_export(ecarts: pd.DataFrame) -> dict:
    """Les totaux de l'export qui diffèrent de la somme de ses lignes (``compute.programmation.ecarts_des_financements``),
    en vue pour ``ctx.tableau(**vue)`` : les deux montants et l'écart."""
    fichier = ecarts["fichier"].iloc[0] if len(ecarts) else ""
    return {
        "df": ecarts.drop(columns="fichier").rename(columns=libelles("ecarts_totaux_export")),
        "titre": f"Totaux de l'export « {fichier} » qui diffèrent de la somme de ses lignes",
        "formats": dict.fromkeys(
            ["Total imprimé dans l'export (€)", "Somme des lignes des actions (€)", "Écart : export − actions (€)"],
            formats.euros,
        ),
        "note": "Un total qui diffère n'est pas corrigé : les chapitres utilisent la somme des lignes des actions.",
    }


def phrase_ecarts_totaux_export(ecarts: pd.DataFrame, export: str) -> str:
    """Une phrase : les totaux de l'export rapprochés de ses lignes (aucun écart, ou combien), vide sans export."""
    if not export:
        return ""
    if ecarts.empty:
        return f"Les totaux imprimés dans l'export « {export} » (s'il en a) égalent la somme de ses lignes."
    n = len(ecarts)
    if n == 1:
        return (
            f"**1 total** imprimé dans l'export « {export} » diffère de la somme de ses lignes (écart ci-dessous, "
            f"avec les deux montants)."
        )
    return (
        f"**{n} totaux** imprimés dans l'export « {export} » diffèrent de la somme de ses lignes (écarts ci-dessous, "
        f"avec les deux montants)."
    )


def note_financeurs(export: str = "") -> str:
    """La note du tableau des financeurs : calcul de contrôle (rapport publié) ou provenance (table calculée à partir
    de l'export reçu ``export``)."""
    if export:
        return (
            f"Table calculée à partir de l'export reçu « {export} » : montants = sommes des montants reçus par action "
            f"(provenance : recalculé), parts = montant ÷ montant total ; rien n'y est publié."
        )
    return (
        "« Montant qu'impliquerait la part publiée » = part publiée × montant total : calcul de contrôle, pas un "
        "montant publié."
    )


def vue_controles(controles: pd.DataFrame) -> pd.DataFrame:
    """Contrôles de la répartition du financement (sortie de ``confronter(controles_financement(...))``)."""
    return _statuts(
        _renommer(
            controles,
            libelles("controles"),
        )
    )


def vue_cget(cget: pd.DataFrame) -> pd.DataFrame:
    """Crédits CGET par thématique (sortie de ``confronter(cget_par_thematique(...))``)."""
    return _renommer(
        cget,
        libelles("cget"),
    )


def vue_synthese_porteurs(synth: pd.DataFrame) -> pd.DataFrame:
    """Synthèse des deux tableaux des porteurs (sortie de ``synthese_porteurs``)."""
    return _renommer(
        synth.assign(projets_concordent=synth["projets_concordent"].map(oui_non)),
        libelles("synthese_porteurs"),
    )


def vue_groupes_porteurs(groupes: pd.DataFrame) -> pd.DataFrame:
    """Projets déposés et actions retenues par groupe (sortie de ``porteurs_deposes_et_retenus``)."""
    return _renommer(
        groupes,
        libelles("groupes_porteurs"),
    )


def vue_types_porteurs(types: pd.DataFrame) -> pd.DataFrame:
    """Actions retenues par type de porteur (sortie de ``actions_par_type_porteur``)."""
    return types.rename(columns=libelles("types_porteurs"))


def vue_tableau_porteurs(tp: pd.DataFrame) -> pd.DataFrame:
    """Un tableau des porteurs (sortie de ``tableau_porteurs``) ; sans colonne « Type » s'il n'y a qu'un type."""
    if tp["type_porteur"].nunique() == 1:
        tp = tp.drop(columns="type_porteur")
    return tp.rename(columns=libelles("tableau_porteurs"))


def vue_fonds_cohesion_sociale(fcs: pd.DataFrame) -> pd.DataFrame:
    """Le Fonds de Cohésion Sociale (sortie de ``fonds_cohesion_sociale``)."""
    return _renommer(
        fcs.assign(montants_concordent=fcs["montants_concordent"].map(oui_non)),
        libelles("fonds_cohesion_sociale"),
    )


def vue_indicateurs_par_annee(large: pd.DataFrame) -> pd.DataFrame:
    """Indicateurs des actions, une colonne par année (sortie de ``indicateurs_par_annee``)."""
    return large.rename(columns=libelles("indicateurs_par_annee"))


def vue_evolutions(series: pd.DataFrame) -> pd.DataFrame:
    """Évolutions des indicateurs suivis sur plusieurs années (sortie de ``series_pluriannuelles``)."""
    s = series[series["annee_precedente"].notna()]
    return _renommer(
        s.assign(variation_approximative=s["variation_approximative"].map(oui_non)),
        libelles("evolutions"),
    )


def vue_fonds_concours(fdc: pd.DataFrame) -> pd.DataFrame:
    """Opérations des fonds de concours Politique de la Ville et contrôle de la règle (lignes de
    ``controle_fonds_concours`` qui ont un taux)."""
    pv = fdc[fdc["taux"].notna()]
    return _renommer(
        pv.assign(plafond_atteint=pv["plafond_atteint"].map(oui_non), conforme=pv["conforme"].map(oui_non)),
        libelles("fonds_concours"),
    )


def vue_fonds_concours_classique(fdc: pd.DataFrame) -> pd.DataFrame:
    """Opérations des fonds de concours sans règle chiffrée (lignes de ``controle_fonds_concours`` sans taux)."""
    return _renommer(
        fdc[fdc["taux"].isna()],
        libelles("fonds_concours_classique"),
    )


def vue_totaux_fonds_concours(tot: pd.DataFrame) -> pd.DataFrame:
    """Totaux imprimés et sommes des opérations (sortie de ``totaux_fonds_concours``)."""
    return tot.assign(total_verifie=tot["total_verifie"].map(oui_non)).rename(columns=libelles("totaux_fonds_concours"))


def vue_concordance(conc: pd.DataFrame, section: bool = False) -> pd.DataFrame:
    """Chiffres publiés d'une ou plusieurs sections et leur recalcul (sortie de ``concordance_sections``) ;
    ``section`` : avec la colonne « Section »."""
    colonnes = {"section": "Section"} if section else {}
    colonnes.update(
        {
            "libelle": "Chiffre publié",
            "valeur_publiee": "Publié",
            "unite": "Unité",
            "valeur_recalculee": "Recalculé",
            "statut": "Statut",
        }
    )
    return _renommer(conc, colonnes)


def vue_projets_iti(iti: pd.DataFrame) -> pd.DataFrame:
    """Projets ITI (sortie de ``projets_iti``)."""
    return _renommer(
        iti,
        libelles("projets_iti"),
    )


def vue_synthese_iti(s_iti: pd.DataFrame) -> pd.DataFrame:
    """ITI par axe (sortie de ``synthese_iti``)."""
    return s_iti.rename(columns=libelles("synthese_iti"))


def vue_tfpb_bailleurs(bail: pd.DataFrame) -> pd.DataFrame:
    """Actes d'abattement de TFPB par bailleur (sortie de ``tfpb_par_bailleur``)."""
    return bail.rename(columns=libelles("tfpb_bailleurs"))


def vue_tfpb_quartiers(quart: pd.DataFrame) -> pd.DataFrame:
    """Bailleurs par quartier (sortie de ``tfpb_par_quartier``)."""
    return quart.rename(columns=libelles("tfpb_quartiers"))


def vue_npnru(npnru: pd.DataFrame) -> pd.DataFrame:
    """Enveloppes du NPNRU (sortie de ``npnru_enveloppes``)."""
    return npnru.rename(columns=libelles("npnru"))


#: Mise en forme des colonnes des vues du chapitre 2 (un même intitulé a partout la même forme).
FORMATS_PROGRAMMATION = {
    **dict.fromkeys(
        [
            "Publié (projets)",
            "Recalculé (projets)",
            "Publié, section 2.1 (projets)",
            "Recalculé, actions de la programmation (projets)",
            "Actions",
            "Lignes du tableau",
            "Porteurs distincts",
            "Projets déposés (somme des lignes)",
            "Projets (en-tête publié)",
            "Projets déposés",
            "Actions retenues",
            "Volets",
            "Opérations",
            "Communes",
            "Logements",
            "Projets",
            "Avenants",
            "Conventions",
            "Actes",
            "Quartiers",
        ],
        formats.nombre_fr,
    ),
    **dict.fromkeys(
        [
            "Part des actions recalculées (%)",
            "Part publiée (%)",
            "Part recalculée : montant publié / total (%)",
            "Part calculée (%)",
            "Part recalculée : montant / total (%)",
            "Part du total (%)",
            "CGET / dépenses (%)",
            "Part de l'opération (%)",
            "Part (%)",
        ],
        formats.pourcent,
    ),
    **dict.fromkeys(
        [
            "Montant publié (€)",
            "Montant qu'impliquerait la part publiée (€)",
            "Montant calculé : somme des actions (€)",
            "Montant qu'impliquerait la part calculée (€)",
            "Crédits CGET recalculés (€)",
            "Publié (€)",
            "Montants CGET attribués (€)",
            "Dépenses subventionnables (€)",
            "Montants CGET publiés (€)",
            "Crédits CGET des actions retenues (€)",
            "Crédits CGET (€)",
            "Montant (€)",
            "Montant opération (€)",
            "Fonds de concours publié (€)",
            "Fonds de concours selon la règle (€)",
            "Montant des opérations (€)",
            "Somme des fonds de concours (€)",
            "Total imprimé (€)",
            "Fonds de concours (€)",
            "FEDER (€)",
            "FEDER publié par projet (€)",
            "FEDER total publié (€)",
            "Enveloppe (€)",
        ],
        formats.euros,
    ),
    **dict.fromkeys(["Publié", "Recalculé", "Valeur de départ", "Valeur"], auto),
    **dict.fromkeys(["Écart (projets)", "Écart", "Évolution (unité de l'indicateur ; points pour un %)"], signe),
    **dict.fromkeys(["Écart (€)", "Écart à la règle (€)"], signe_euros),
    "Évolution (%)": signe_pct,
    "Année de départ": str,
    "Année": str,
}


def formats_programmation(vue: pd.DataFrame) -> dict:
    """Mise en forme des colonnes d'une vue du chapitre 2 ; une colonne d'année (« 2031 ») : :func:`auto`."""
    formats = {c: FORMATS_PROGRAMMATION[c] for c in vue.columns if c in FORMATS_PROGRAMMATION}
    formats.update({c: auto for c in vue.columns if str(c).isdigit()})
    return formats


# --------------------------------------------------------------------------------------------- chapitre 3

COL_PROJETS = "Projets soutenus"
COL_PORTEURS = "Porteurs de projets (recalculé)"
COL_PORTEURS_PUBLIE = "Porteurs de projets (publié)"
COL_DC = "Subventions droit commun (€)"
COL_CS = "Subventions crédits spécifiques Pol Ville (€)"
COL_LEVIER = "Effet levier (€ de droit commun pour 1 € de crédits spécifiques)"
COL_PART_DC = "Part du droit commun (%)"
COL_MOYENNE = "Montant moyen par projet (€)"
COL_MOYENNE_CS = "dont crédits spécifiques par projet (€)"
COL_DC_ACTION = "Droit commun (€)"
COL_CS_ACTION = "Crédits spécifiques (€)"
COL_PROVENANCE = "Provenance des montants"


def formats_contribution() -> dict:
    """Mise en forme française des colonnes des vues des chapitres 3 et 4 (pour ``Chapitre.tableau``)."""
    return {
        COL_PROJETS: formats.nombre_fr,
        COL_PORTEURS: formats.nombre_fr,
        COL_PORTEURS_PUBLIE: formats.nombre_fr,
        COL_DC: formats.euros,
        COL_CS: formats.euros,
        COL_LEVIER: lambda v: formats.euros(v, 2),
        COL_PART_DC: formats.pourcent,
        COL_MOYENNE: formats.euros,
        COL_MOYENNE_CS: formats.euros,
        COL_DC_ACTION: formats.euros,
        COL_CS_ACTION: formats.euros,
        "Actions": formats.nombre_fr,
        "Nombre d'actions": formats.nombre_fr,
    }


def vue_tableau(tab: pd.DataFrame, niveau: str) -> pd.DataFrame:
    """Le tableau du chapitre 3 (sortie de ``tableau_avec_publies``) avec les intitulés du rapport ; les
    porteurs publiés sont à côté des porteurs recalculés."""
    entete = "Pilier" if niveau == "pilier" else "Thématique"
    return pd.DataFrame(
        {
            entete: tab[niveau].to_numpy(),
            COL_PROJETS: tab["projets"].to_numpy(),
            COL_PORTEURS: tab["porteurs"].to_numpy(),
            COL_PORTEURS_PUBLIE: tab["porteurs_publie"].to_numpy(dtype=float),
            COL_DC: tab["droit_commun"].to_numpy(dtype=float),
            COL_CS: tab["credits_specifiques"].to_numpy(dtype=float),
            "Concordance avec le rapport": tab["concordance"].to_numpy(),
        }
    )


def vue_priorites(prio: pd.DataFrame) -> pd.DataFrame:
    """Priorités d'un pilier (sortie de ``priorites_du_pilier``)."""
    return pd.DataFrame(
        {
            "Priorité": prio["priorite"].astype(int).to_numpy(),
            "Intitulé (feuille de route)": prio["libelle"].to_numpy(),
            "Actions": prio["actions"].to_numpy(),
        }
    )


def vue_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Liste d'actions (sortie de ``actions_par_priorite``) comme les listes du rapport, avec les montants
    par action et leur provenance."""
    rubrique = [
        r + (" (déduite)" if inf else "") for r, inf in zip(actions["rubrique"], actions["sous_priorite_inferee"])
    ]
    return pd.DataFrame(
        {
            "Priorité / sous-priorité": rubrique,
            "Action": actions["intitule"].to_numpy(),
            "Porteur": actions["porteur"].to_numpy(),
            "Commune(s)": actions["communes"].to_numpy(),
            COL_DC_ACTION: actions["droit_commun"].to_numpy(dtype=float),
            COL_CS_ACTION: actions["credits_specifiques"].to_numpy(dtype=float),
            COL_PROVENANCE: actions["provenance_montants"].to_numpy(),
        }
    )


def vue_comparaison(comp: pd.DataFrame) -> pd.DataFrame:
    """Comparaison des thématiques (sortie de ``comparaison_thematiques``)."""
    groupe = [f"{g} (pilier)" if n == "pilier" else g for g, n in zip(comp["groupe"], comp["niveau"])]
    return pd.DataFrame(
        {
            "Thématique ou pilier": groupe,
            COL_PROJETS: comp["projets"].to_numpy(),
            COL_DC: comp["droit_commun"].to_numpy(dtype=float),
            COL_CS: comp["credits_specifiques"].to_numpy(dtype=float),
            COL_LEVIER: comp["effet_levier"].to_numpy(dtype=float),
            COL_PART_DC: comp["part_droit_commun"].to_numpy(dtype=float),
            COL_MOYENNE: comp["moyenne_projet"].to_numpy(dtype=float),
            COL_MOYENNE_CS: comp["moyenne_credits_specifiques"].to_numpy(dtype=float),
        }
    )


# --------------------------------------------------------------------------------------------- annexe 1 (grille)


def vue_grille(grille: pd.DataFrame) -> pd.DataFrame:
    """La grille (sortie de ``grille_priorites``) : une ligne par sous-priorité et ses actions."""
    sp = [s if s else "—" for s in grille["sous_priorite"]]
    return pd.DataFrame(
        {
            "Sous-priorité": sp,
            "Intitulé": grille["libelle_sous_priorite"].to_numpy(),
            "Nombre d'actions": grille["nombre_actions"].to_numpy(),
            "Actions (intitulé – commune(s) (porteur))": grille["actions"].to_numpy(),
        }
    )


def vue_matrice(matrice: pd.DataFrame, grille: pd.DataFrame) -> pd.DataFrame:
    """La matrice priorités × sous-priorités (sortie de ``matrice_grille``) avec l'intitulé de chaque priorité
    et un total par ligne ; les cases inexistantes restent manquantes (affichées « — »)."""
    intitules = {}
    for p, lib in zip(grille["priorite"], grille["libelle_priorite"]):
        if not pd.isna(p):
            intitules.setdefault(f"Priorité {int(p)}", lib)
    hors = grille.loc[grille["priorite"].isna(), "libelle_sous_priorite"].tolist()
    out = pd.DataFrame(
        {
            "Priorité": [i[len("Priorité ") :] if i.startswith("Priorité ") else i for i in matrice.index],
            "Intitulé de la priorité": [intitules.get(i, ", ".join(hors)) for i in matrice.index],
        }
    )
    for c in matrice.columns:
        nom = f"Sous-priorité {c}" if str(c).startswith(".") else majuscule_initiale(str(c))
        out[nom] = matrice[c].to_numpy(dtype=float)
    out["Total"] = matrice.sum(axis=1, min_count=1).to_numpy(dtype=float)
    return out


def libelles_matrice(grille: pd.DataFrame) -> dict[str, str]:
    """Libellé de chaque ligne de la matrice (``matrice_grille``), pour la figure : « Priorité 1 » ->
    « 1. Optimiser la déclinaison… » ; « Hors priorités » -> « Hors priorités (Accès aux droits, Pilotage) »."""
    out = {}
    for p, lib in zip(grille["priorite"], grille["libelle_priorite"]):
        if not pd.isna(p):
            out.setdefault(f"Priorité {int(p)}", f"{int(p)}. {lib}")
    hors = grille.loc[grille["priorite"].isna(), "libelle_sous_priorite"].tolist()
    if hors:
        out["Hors priorités"] = f"Hors priorités ({', '.join(hors)})"
    return out


def formats_matrice(vue: pd.DataFrame) -> dict:
    """Mise en forme de :func:`vue_matrice` : chaque colonne de nombres d'actions (case inexistante : « — »)."""
    return {c: formats.nombre_fr for c in vue.columns if c not in ("Priorité", "Intitulé de la priorité")}


def vue_hors_grille(placees: pd.DataFrame) -> pd.DataFrame:
    """Les actions sans sous-priorité (rattachées à leur seule priorité, ou à aucune priorité), listées
    explicitement (sortie de ``placer_dans_grille``)."""
    hors = placees[placees["sous_priorite"] == ""]
    vue = pd.DataFrame(
        {
            "Rattachement": [
                f"Priorité {int(p)}, {SANS_SOUS_PRIORITE}" if not pd.isna(p) else SANS_PRIORITE
                for p in hors["priorite"]
            ],
            "Thématique": hors["thematique"].to_numpy(),
            "Action": hors["intitule"].to_numpy(),
            "Porteur": hors["porteur"].to_numpy(),
            "Commune(s)": hors["communes"].to_numpy(),
            "Origine de la ligne": [
                "reconstruite (absente des listes du rapport)" if r else "listée par le rapport"
                for r in hors["ligne_reconstruite"]
            ],
        }
    )
    # aucune ligne reconstruite (une programmation reçue telle quelle) : la colonne n'a rien à dire
    return vue if hors["ligne_reconstruite"].astype(bool).any() else vue.drop(columns="Origine de la ligne")


#: provenance des tableaux de la grille des priorités (annexe) : note sous chaque tableau et première ligne de sa
#: feuille Excel
PROVENANCE_GRILLE = (
    "Provenance : nombres d'actions : recalculé (comptées par le code dans la programmation) ; intitulés, communes, "
    "porteurs, priorités : reçu (lus tels quels dans l'export de programmation)."
)
