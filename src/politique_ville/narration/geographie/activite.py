"""Rubriques Emploi (taux d'emploi, demandeurs d'emploi, ancienneté d'inscription, contrats aidés : :func:`emploi`) et
Économie (établissements, créations et transferts : :func:`economie`)."""

from __future__ import annotations

from politique_ville.compute import qpv as cq
from politique_ville.formats import pourcent
from politique_ville.reference import provenance as pv

from .briques import (
    _connu,
    _manquante,
    approx,
    au_niveau_qpv,
    avec_legende,
    contre,
    gras,
    nombre,
    part,
    publie,
    val,
)
from .constats import RUBRIQUES, _comparaisons, absents, constat, generique
from .faits import Faits

# --------------------------------------------------------------------------------------------- emploi


def _taux_emploi(f: Faits) -> str:
    code = "tx_tot_empl"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO])
    ecart = abs(s["ecart_agglomeration"])
    p_ecart = pv.combiner(f.p_moyenne(code), f.p_ref(cq.NIVEAU_AGGLO, code))
    if not _connu(s[cq.NIVEAU_AGGLO]) and not f.a_un_rapport:
        return generique(f, code)[0]
    return (
        f"Le taux d'emploi des 15-64 ans est {au_niveau_qpv(f, code)} de "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} à l'échelle des QPV{publie(code, f.publies)}"
        f"{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
        + (
            f", soit {nombre(ecart, p_ecart, 1)} point{'s' if round(ecart, 1) >= 2 else ''} de {sens} dans les QPV."
            if sens in ("plus", "moins")
            else "."
        )
    )


def _demandeurs(f: Faits) -> str:
    """Part des QPV dans les demandeurs d'emploi du territoire, et leur nombre par sexe ; sans total du territoire,
    les seuls nombres des QPV (jamais une part vide)."""
    p = f.parts.loc["abcde"]
    par_sexe = (
        f"{nombre(f.parts.loc['abcde_h', 'total_qpv'], f.p_qpv_tous('abcde_h'))} hommes{publie('abcde_h', f.publies)}"
        f" et {nombre(f.parts.loc['abcde_f', 'total_qpv'], f.p_qpv_tous('abcde_f'))} femmes"
        f"{publie('abcde_f', f.publies)}"
    )
    if not _connu(p["part_qpv"]):
        return (
            f"Les QPV comptent {nombre(p['total_qpv'], f.p_qpv_tous('abcde'))} demandeurs d'emploi (catégories A à E) :"
            f" {par_sexe} ; le total {f.d.de} n'est pas {'publié' if f.a_un_rapport else 'connu'}, la part des QPV "
            f"ne peut pas être calculée."
        )
    return (
        f"**{pourcent(p['part_qpv'], 0)} des demandeurs d'emploi**{pv.marque(f.p_part('abcde'), markdown=True)} "
        f"(catégories A à E) {f.d.de} sont des habitants des QPV{publie('abcde', f.publies)}. On y "
        f"recense {par_sexe}."
    )


def _anciennete(f: Faits) -> str:
    sf, sh = f.synth.loc["part_de_plus_2ans_f"], f.synth.loc["part_de_plus_2ans_h"]
    hors_qpv, agglo = sf[cq.NIVEAU_HORS_QPV], sf[cq.NIVEAU_AGGLO]
    mf, mh = (pv.marque(f.p_moyenne(c), markdown=True) for c in ("part_de_plus_2ans_f", "part_de_plus_2ans_h"))
    texte = (
        f"La part des demandeurs d'emploi inscrits depuis plus de 2 ans s'élève en moyenne à "
        f"**{val('part_de_plus_2ans_f', sf['qpv_territoire'])} pour les femmes**{mf} et "
        f"**{val('part_de_plus_2ans_h', sh['qpv_territoire'])} pour les hommes**{mh} à l'échelle des QPV (moyennes "
        f"pondérées par le nombre de demandeurs d'emploi de chaque sexe)"
    )
    if _connu(hors_qpv) and not _connu(agglo):
        approximatif = bool(approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f"))
        return (
            texte + f", contre {'environ ' if approximatif else ''}{val('part_de_plus_2ans_f', hors_qpv)} dans le "
            f"reste {f.d.de}, femmes et hommes confondus ("
            + ("valeur donnée comme approximative ; " if approximatif else "")
            + f"la valeur {f.d.de} entière n'est pas publiée : les écarts ci-dessous sont mesurés {f.d.a} "
            "hors QPV)."
        )
    if _connu(agglo):
        return texte + f"{contre('part_de_plus_2ans_f', agglo, f.d)}."
    return texte + (
        f" (valeur {f.d.de} {_manquante(f)})." if f.d.intercommunal else f"{_comparaisons(f, 'part_de_plus_2ans_f')}."
    )


def emploi(f: Faits) -> list[str]:
    """Taux d'emploi, demandeurs d'emploi (part des QPV, hommes et femmes), ancienneté d'inscription, contrats
    aidés."""
    codes = RUBRIQUES["Emploi"]
    if f.sans_comparaison:
        return constat(f, *codes)
    sortie: list[str] = []
    if "tx_tot_empl" in f.qpv.columns:
        sortie.append(_taux_emploi(f))
    if {"abcde", "abcde_f", "abcde_h"} <= set(f.parts.index):
        sortie.append(_demandeurs(f))
    else:
        sortie += generique(f, *[c for c in ("abcde", "abcde_f", "abcde_h") if c in f.qpv.columns])
    if {"part_de_plus_2ans_f", "part_de_plus_2ans_h"} <= set(f.synth.index):
        sortie.append(_anciennete(f))
    else:
        sortie += generique(f, *[c for c in ("part_de_plus_2ans_f", "part_de_plus_2ans_h") if c in f.qpv.columns])
    if "nb_entrees_contrats_aides_2016" in f.parts.index:
        p = f.parts.loc["nb_entrees_contrats_aides_2016"]
        if _connu(p["part_qpv"]):
            sortie.append(
                f"Parmi les {p['indicateur'].lower()}, "
                f"{part(p['part_qpv'], f.p_part('nb_entrees_contrats_aides_2016'))} concernaient des habitants "
                f"des QPV{publie('nb_entrees_contrats_aides_2016', f.publies)}."
            )
        else:
            sortie += generique(f, "nb_entrees_contrats_aides_2016")
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- économie


def economie(f: Faits) -> list[str]:
    """Part des QPV dans les établissements, ceux du commerce et des services, les créations et transferts ; avec
    les établissements tels que l'INSEE les nomme (``nbetab``) quand le fichier les a."""
    codes = ("nb_etablissements", "nb_etablissements_commerce_services", "nb_creations_transferts_2013")
    if f.sans_comparaison:
        return constat(f, *[c for c in RUBRIQUES["Économie"] if c in f.qpv.columns or c in codes])
    complet = set(codes) <= set(f.parts.index) and all(_connu(f.parts.loc[c, "part_qpv"]) for c in codes)
    if not complet:
        presents = [c for c in RUBRIQUES["Économie"] if c in f.qpv.columns]
        return generique(f, *presents) + (
            [] if "nbetab" in f.qpv.columns else [absents(f, *codes)] if not presents else []
        )
    pe, pc, pt = (f.parts.loc[c] for c in codes)
    return avec_legende(
        [
            f"Les QPV concentrent **{pourcent(pe['part_qpv'], 0)} des établissements**"
            f"{pv.marque(f.p_part(codes[0]), markdown=True)} présents {f.d.a_l_echelle}"
            f"{publie(codes[0], f.publies)}, et {part(pc['part_qpv'], f.p_part(codes[1]), 1)} des établissements du "
            f"commerce et des services{publie(codes[1], f.publies)}. Les créations et transferts d'établissements y "
            f"restent peu nombreux : {part(pt['part_qpv'], f.p_part(codes[2]))} seulement concernent les QPV"
            f"{publie(codes[2], f.publies)} ({pt['indicateur'][0].lower() + pt['indicateur'][1:]})."
        ]
    )
