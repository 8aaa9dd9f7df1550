"""Ce que disent les données, indicateur par indicateur, quand les phrases d'une rubrique ne s'appliquent pas :
sans niveau de comparaison (:func:`constat`), ou sans toutes leurs données (:func:`generique`) ; les indicateurs
absents du fichier (:func:`absents`) ; la table des rubriques et de leurs indicateurs (:data:`RUBRIQUES`)."""

from __future__ import annotations

from politique_ville.compute import qpv as cq
from politique_ville.formats import accord, nombre_fr

from .briques import (
    _connu,
    _liste,
    _manquante,
    au_niveau_qpv,
    avec_legende,
    e,
    exclus_secret,
    extreme_prov,
    gras,
    nombre,
    parmi,
    part,
    publie,
    val,
)
from .faits import Faits

#: Les rubriques de la situation socio-économique (celles du premier rapport transcrit) et leurs indicateurs. Une
#: rubrique dont aucun indicateur n'est dans le fichier de l'année n'est pas montrée : :func:`rubriques` la replie
#: dans une ligne ; les indicateurs absents d'une rubrique montrée sont dits en une ligne (:func:`absents`).
RUBRIQUES = {
    "Démographie": ("part_moins_25", "ind_jeune"),
    "Structure des ménages": ("part_menages_1pers",),
    "Éducation": ("part_retard_3e",),
    "Emploi": (
        "tx_tot_empl",
        "abcde",
        "abcde_f",
        "abcde_h",
        "part_de_plus_2ans_f",
        "part_de_plus_2ans_h",
        "nb_entrees_contrats_aides_2016",
    ),
    "Économie": (
        "nb_etablissements",
        "nbetab",
        "nb_etablissements_commerce_services",
        "nb_creations_transferts_2013",
    ),
    "Revenus": ("pmimp", "decuc_q2"),
    "Situation sociale": ("a", "nb_beneficiaires_rsa", "nb_beneficiaires_cmu"),
}


#: indicateurs de REP (niveau du territoire de ``insee_references``) qui font exister la rubrique Éducation
_REP = ("nb_ecoles_maternelles_rep", "nb_ecoles_primaires_rep", "nb_colleges_rep")


# --------------------------------------------------------------------------------------------- sans comparaison


def constat(f: Faits, *codes: str) -> list[str]:
    """Sans niveau de comparaison publié : ce que disent les quartiers eux-mêmes, indicateur par indicateur
    (moyenne des QPV et quartiers extrêmes pour un taux ; total des QPV pour un effectif)."""
    sortie: list[str] = []
    for code in codes:
        if code not in f.qpv.columns:
            continue
        i = cq.indicateur(code)
        if i.genre == "taux":
            s = f.synth.loc[code]
            if not s["nb_qpv_renseignes"]:
                sortie.append(f"**{i.libelle}** : aucune valeur publiée (secret statistique pour tous les QPV).")
                continue
            haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
            bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
            n = s["nb_secrets"]
            simules = len(f.simules(code))
            secrets = (
                f" ; {accord(n, 'QPV', 'QPV')} en secret statistique"
                + (
                    f" ({'simulé' if n == 1 else 'simulés'} pour éprouver la règle : valeurs non publiées, "
                    f"non masquées par l'INSEE)"
                    if simules == n
                    else f" (dont {nombre_fr(simules)} simulé pour éprouver la règle)"
                    if simules
                    else ""
                )
                + f", {'exclu' if n == 1 else 'exclus'} de la moyenne et du classement"
                if n
                else ""
            )
            qualif = parmi(f, code)
            sortie.append(
                f"**{i.libelle}** : {gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)} "
                f"({s['regle']}) ; {qualif}{val(code, v_bas, provenance=p_bas)} dans le "
                f"quartier {bas}, le plus bas, et {val(code, v_haut, provenance=p_haut)} dans le quartier {haut}, le "
                f"plus haut{secrets}. Valeur {f.d.de} : {_manquante(f)}."
            )
        else:
            p = f.parts.loc[code]
            n = p["nb_qpv_renseignes"]
            sortie.append(
                f"**{i.libelle}** : {nombre(p['total_qpv'], f.p_qpv_tous(code))} {i.unite} dans les QPV "
                f"({accord(n, 'QPV renseigné', 'QPV renseignés')}) ; total {f.d.de} {_manquante(f).replace('ée', 'é')} "
                f": la part des QPV ne peut pas être calculée."
            )
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- indicateur par indicateur


def absents(f: Faits, *codes: str) -> str:
    """Les indicateurs d'une rubrique absents du fichier de l'année, en une ligne ; « » s'il n'en manque aucun."""
    manquants = [cq.indicateur(c).libelle for c in codes if c not in f.qpv.columns]
    if not manquants:
        return ""
    return f"*Absent{'s' if len(manquants) > 1 else ''} du fichier de l'INSEE de {f.annee} : {e(_liste(manquants))}.*"


def _comparaisons(f: Faits, code: str) -> str:
    """« , contre 27,0 % pour les QPV du département et 27,5 % pour les QPV de la région » : les niveaux de
    comparaison qui ont une valeur (reçus ou calculés), nommés selon le territoire ; « » s'il n'y en a aucun."""
    s = f.synth.loc[code]
    morceaux = []
    for niveau, nom in (
        (cq.NIVEAU_AGGLO, f"{f.d.a_l_echelle}"),
        (cq.NIVEAU_HORS_QPV, f"dans le reste {f.d.de}"),
        (cq.NIVEAU_QPV_DEPARTEMENT, "pour les QPV du département"),
        (cq.NIVEAU_QPV_REGION, "pour les QPV de la région"),
        (cq.NIVEAU_QPV_FRANCE, "pour les QPV de France"),
    ):
        if niveau in s.index and _connu(s[niveau]):
            morceaux.append(f"{val(code, s[niveau], provenance=f.p_ref(niveau, code))} {nom}")
    return f", contre {_liste(morceaux)}" if morceaux else ""


def _etendue(f: Faits, code: str) -> str:
    """« ; de 665 € (quartier A) à 1 085 € (quartier B) » : les valeurs extrêmes des QPV."""
    s = f.synth.loc[code]
    if s["nb_qpv_renseignes"] < 2:
        return ""
    haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
    bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
    return (
        f" ; {parmi(f, code)}de {val(code, v_bas, provenance=p_bas)} ({bas}) à "
        f"{val(code, v_haut, provenance=p_haut)} ({haut})"
    )


def generique(f: Faits, *codes: str) -> list[str]:
    """Ce que disent les données, indicateur par indicateur, quand les phrases d'une rubrique n'ont pas toutes leurs
    données : pour un taux, le niveau des QPV du territoire (selon la règle du registre), les niveaux de comparaison
    qui ont une valeur et l'étendue des QPV ; pour un effectif, le total des QPV et leur part du territoire si elle
    est connue. Les indicateurs absents du fichier tiennent en une ligne."""
    sortie: list[str] = []
    for code in codes:
        if code not in f.qpv.columns:
            continue
        i = cq.indicateur(code)
        if i.genre == "taux":
            s = f.synth.loc[code]
            if not s["nb_qpv_renseignes"]:
                sortie.append(f"**{i.libelle}** : aucune valeur (secret statistique pour tous les QPV).")
                continue
            sortie.append(
                f"**{i.libelle}** : {gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)}"
                f"{publie(code, f.publies)}{_comparaisons(f, code)}{_etendue(f, code)}."
                + (
                    f" {exclus_secret(s['nb_secrets'], 'du niveau des QPV et du classement', len(f.simules(code)))}"
                    if s["nb_secrets"]
                    else ""
                )  # fmt: skip
            )
        elif i.genre == "effectif" and code in f.parts.index:
            p = f.parts.loc[code]
            part_txt = (
                f", soit {part(p['part_qpv'], f.p_part(code), 1)} du total {f.d.de}{publie(code, f.publies)}"
                if _connu(p["part_qpv"])
                else ""
            )
            sortie.append(
                f"**{i.libelle}** : {nombre(p['total_qpv'], f.p_qpv_tous(code))} {i.unite} dans les QPV{part_txt}."
            )
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


def _departement_pertinent(f: Faits) -> bool:
    """Les « QPV du département » ne se comparent qu'au territoire d'un EPCI (un département ne se compare pas à
    lui-même ; les QPV d'une région ont chacun leur département : voir les fiches)."""
    return f.d.niveau == "epci"
