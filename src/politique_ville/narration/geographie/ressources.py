"""Rubriques Revenus (ménages imposés, revenu médian : :func:`revenus`) et Situation sociale (allocataires de la CAF,
bénéficiaires du RSA et de la CMU : :func:`social`)."""

from __future__ import annotations

from politique_ville.compute import qpv as cq
from politique_ville.formats import nombre_fr, pourcent
from politique_ville.reference import provenance as pv

from .briques import (
    SECRET_SIMULE,
    SECRETS_SIMULES,
    _connu,
    _manquante,
    avec_legende,
    contre,
    gras,
    part,
    publie,
    val,
)
from .constats import RUBRIQUES, constat, generique
from .faits import Faits

DEBUT_IMPOSES = {
    "nettement moins": "La proportion de ménages imposés est beaucoup plus faible dans les QPV",
    "moins": "La proportion de ménages imposés est plus faible dans les QPV",
    "plus": "La proportion de ménages imposés est plus élevée dans les QPV",
    "nettement plus": "La proportion de ménages imposés est beaucoup plus élevée dans les QPV",
}


SUITE_REVENU = {
    "moins": "Le revenu médian y est inférieur",
    "plus": "Le revenu médian y est supérieur",
    "égal": "Le revenu médian y est le même",
}


# --------------------------------------------------------------------------------------------- revenus


def _revenu_median(f: Faits) -> str:
    """La règle du niveau des QPV pour le revenu médian : la médiane des revenus médians des quartiers, avec leur
    étendue, jamais une moyenne de médianes ; l'approximation d'un rapport publié est dite comme telle."""
    r = f.synth.loc["decuc_q2"]
    texte = (
        "Le revenu est le revenu déclaré médian par unité de consommation, publié par l'INSEE en euros par an et "
        "divisé ici par 12 ; le niveau des QPV est la médiane des revenus médians des quartiers"
        + (
            f" (de {val('decuc_q2', r['minimum_qpv'], provenance=f.p_qpv_tous('decuc_q2'))} à "
            f"{val('decuc_q2', r['maximum_qpv'], provenance=f.p_qpv_tous('decuc_q2'))})"
            if _connu(r["minimum_qpv"]) and r["nb_qpv_renseignes"] >= 2
            else ""
        )
        + " : une médiane ne se moyenne pas."
    )
    publiee = r.get(cq.NIVEAU_MOYENNE_QPV)
    if f.a_un_rapport and _connu(publiee):
        texte += (
            f" Le rapport publie une moyenne pondérée de ces médianes ({val('decuc_q2', publiee)}), approximation "
            f"qu'il retient : elle est rappelée dans le tableau, jamais reprise comme niveau des QPV."
        )
    return texte


def revenus(f: Faits) -> list[str]:
    """Ménages imposés et revenu médian des QPV comparés au territoire ; QPV exclus (secret)."""
    codes = RUBRIQUES["Revenus"]
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.synth.index) or not (_connu(f.synth.loc["pmimp", cq.NIVEAU_AGGLO]) or f.a_un_rapport):
        sortie = generique(f, *codes)
        return sortie + ([_revenu_median(f)] if "decuc_q2" in f.synth.index else [])
    s, r = f.synth.loc["pmimp"], f.synth.loc["decuc_q2"]
    imposes = cq.comparer("pmimp", s["qpv_territoire"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    revenu = cq.comparer("decuc_q2", r["qpv_territoire"], r[cq.NIVEAU_AGGLO])
    imposes_txt = (
        f"en moyenne {gras('pmimp', s['qpv_territoire'], f.p_moyenne('pmimp'))} des ménages fiscaux sont "
        f"imposés en QPV{publie('pmimp', f.publies)}"
        f"{contre('pmimp', s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
    )
    revenu_txt = (
        f"{gras('decuc_q2', r['qpv_territoire'], f.p_moyenne('decuc_q2'))} en médiane des QPV"
        f"{contre('decuc_q2', r[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
    )
    if imposes == "nettement moins" and revenu == "moins":  # constat habituel : moins d'imposés, revenus plus bas
        phrase = (
            f"Les QPV se démarquent fortement du reste {f.d.de} par une proportion de ménages imposés "
            f"beaucoup plus faible ({imposes_txt}) et par un revenu médian inférieur : {revenu_txt}."
        )
    else:
        debut = DEBUT_IMPOSES.get(imposes) or (
            f"La proportion de ménages imposés est la même dans les QPV et dans {f.d.le}"
            if imposes == "égal"
            else "Ménages imposés"
        )
        phrase = f"{debut} ({imposes_txt}). {SUITE_REVENU.get(revenu, 'Revenu médian')} : {revenu_txt}."
    n, sim = r["nb_secrets"], len(f.simules("decuc_q2"))
    vrais = n - sim
    exclus = (
        ""
        if not vrais
        else " 1 QPV (revenu couvert par le secret statistique) est laissé de côté."
        if vrais == 1
        else f" {nombre_fr(vrais)} QPV (revenu couvert par le secret statistique) sont laissés de côté."
    )
    exclus += (
        ""
        if not sim
        else f" 1 QPV (revenu absent : {SECRET_SIMULE}) est laissé de côté."
        if sim == 1
        else f" {nombre_fr(sim)} QPV (revenus absents : {SECRETS_SIMULES}) sont laissés de côté."
    )
    return avec_legende([f"{phrase} {_revenu_median(f)}{exclus}"])


# --------------------------------------------------------------------------------------------- situation sociale


def social(f: Faits) -> list[str]:
    """Part des QPV dans les allocataires de la CAF, les bénéficiaires du RSA et de la CMU, rapprochée de leur part
    de la population."""
    codes = RUBRIQUES["Situation sociale"]
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.parts.index) or not all(_connu(f.parts.loc[c, "part_qpv"]) for c in codes):
        return generique(f, *codes)
    p = f.parts["part_qpv"]
    m = {c: pv.marque(f.p_part(c), markdown=True) for c in codes}
    return avec_legende(
        [
            f"Les QPV accueillent une grande partie des habitants les plus fragiles {f.d.de} : "
            f"**{pourcent(p['a'], 0)} des allocataires de la CAF**{m['a']}{publie('a', f.publies)}, "
            f"**{pourcent(p['nb_beneficiaires_rsa'], 0)} des bénéficiaires du RSA**{m['nb_beneficiaires_rsa']}"
            f"{publie('nb_beneficiaires_rsa', f.publies)} et **{pourcent(p['nb_beneficiaires_cmu'], 0)} des "
            f"bénéficiaires de la CMU**{m['nb_beneficiaires_cmu']}{publie('nb_beneficiaires_cmu', f.publies)}, alors "
            f"qu'ils regroupent {part(f.geo['part_population_qpv'], f.p_part('pop_mun'))} de la population."
        ]
    )
