"""Rubriques Démographie (part des moins de 25 ans, jeunes du département en QPV, indice de jeunesse : :func:`demographie`),
Structure des ménages (:func:`menages`) et Éducation (écoles en REP, retard à l'entrée en 3e : :func:`education`)."""

from __future__ import annotations

from politique_ville.compute import qpv as cq
from politique_ville.formats import accord, nombre_fr
from politique_ville.reference import provenance as pv

from .briques import (
    _connu,
    _majuscule,
    _manquante,
    approx,
    au_niveau_qpv,
    avec_legende,
    contre,
    exclus_secret,
    extreme_prov,
    gras,
    nombre,
    parmi,
    publie,
    val,
)
from .constats import _REP, RUBRIQUES, _comparaisons, _departement_pertinent, absents, constat, generique
from .faits import Faits

# --------------------------------------------------------------------------------------------- démographie


def _debut_jeunesse(f: Faits, sens: str) -> str | None:
    return {
        "plus": f"Sur le plan démographique, les quartiers prioritaires se démarquent du reste {f.d.de} par leur "
        "jeunesse.",
        "moins": "Sur le plan démographique, les quartiers prioritaires comptent proportionnellement moins de jeunes "
        f"que {f.d.le}.",
        "égal": "Sur le plan démographique, la part des jeunes est la même dans les quartiers prioritaires et dans "
        f"{f.d.le}.",
    }.get(sens)


JEUNESSE_DEPARTEMENT = {
    "moins": "une proportion qui reste plus faible qu'à l'échelle des QPV du département",
    "plus": "une proportion plus élevée qu'à l'échelle des QPV du département",
    "égal": "comme à l'échelle des QPV du département",
}


DEBUT_INDICE_JEUNESSE = {
    "nettement plus": "Les QPV sont beaucoup moins concernés par le vieillissement à l'œuvre sur le territoire : leur "
    "indice de jeunesse est",
    "plus": "Les QPV sont moins concernés par le vieillissement à l'œuvre sur le territoire : leur indice de jeunesse "
    "est",
    "moins": "Les QPV sont plus concernés par le vieillissement que l'ensemble du territoire : leur indice de jeunesse "
    "est",
    "nettement moins": "Les QPV sont beaucoup plus concernés par le vieillissement que l'ensemble du territoire : leur "
    "indice de jeunesse est",
    "égal": "Le vieillissement touche les QPV autant que le reste du territoire : leur indice de jeunesse est",
}


def _part_moins_25(f: Faits) -> str:
    code = "part_moins_25"
    s = f.synth.loc[code]
    agglo = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO])
    dep = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_QPV_DEPARTEMENT])
    departement = JEUNESSE_DEPARTEMENT.get(dep)
    if _connu(s[cq.NIVEAU_AGGLO]):
        texte = (
            f"{_debut_jeunesse(f, agglo)} {_majuscule(f.d.a_l_echelle)}, {val(code, s[cq.NIVEAU_AGGLO])} des "
            f"habitants ont moins de 25 ans{approx(f.provenance, cq.NIVEAU_AGGLO, code)} ; au sein des QPV, leur part "
            f"est {au_niveau_qpv(f, code)} de "
        )
    else:
        texte = (
            f"Sur le plan démographique, la part des moins de 25 ans {f.d.de} n'est pas "
            f"{'publiée' if f.a_un_rapport else 'connue'} ; au sein des QPV, elle est {au_niveau_qpv(f, code)} de "
        )
    texte += f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))}{publie(code, f.publies)}"
    if _departement_pertinent(f):
        texte += (
            f", {departement} ({val(code, s[cq.NIVEAU_QPV_DEPARTEMENT], provenance=f.p_ref(cq.NIVEAU_QPV_DEPARTEMENT, code))})"
            if departement
            else f" (valeur des QPV du département {_manquante(f)})"
        )
    else:
        texte += _comparaisons(f, code)
    texte += "."
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
        texte += (
            f" Des différences significatives existent entre les quartiers : {parmi(f, code)}le quartier "
            f"**{haut}** est le plus marqué par sa jeunesse, les moins de 25 ans y représentant "
            f"{val(code, v_haut, provenance=p_haut)} de la population ; inversement, la population du quartier "
            f"**{bas}** ne compte que {val(code, v_bas, provenance=p_bas)} de moins de 25 ans."
        )
    return texte


def jeunes_du_departement(n: float, provenance: str | None = None) -> str:
    """« 1 jeune de moins de 25 ans sur 6 vit en quartier prioritaire » ; « » si le ratio n'est pas publié. Ratio de
    deux effectifs reconstruits (``provenance``) : il est exact par construction, et le texte le dit."""
    if not _connu(n):
        return ""
    if pv.normaliser(provenance) in (None, pv.PUBLIE, pv.RECU):
        return (
            f"Dans le département, **1 jeune de moins de 25 ans sur {nombre_fr(n, 0)}** vit en quartier "
            f"prioritaire (ratio exact : {nombre_fr(n, 2)})."
        )
    return (
        f"Dans le département, **1 jeune de moins de 25 ans sur {nombre_fr(n, 0)}** vit en quartier prioritaire "
        f"(ratio des effectifs reconstruits : {nombre(n, provenance, 2)}, égal au chiffre publié par construction : "
        f"les effectifs ont été choisis pour le redonner)."
    )


def _indice_jeunesse(f: Faits) -> str:
    code = "ind_jeune"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    debut = DEBUT_INDICE_JEUNESSE.get(sens, "L'indice de jeunesse des QPV est")
    return (
        f"{debut} {au_niveau_qpv(f, code)} de {gras(code, s['qpv_territoire'], f.p_moyenne(code))}"
        f"{publie(code, f.publies)}"
        + (
            contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))
            if f.d.intercommunal or _connu(s[cq.NIVEAU_AGGLO])
            else _comparaisons(f, code)
        )
        + " (indice de jeunesse : moins de 20 ans rapportés aux 60 ans et plus)."
    )


def demographie(f: Faits) -> list[str]:
    """Part des moins de 25 ans (comparée au territoire et aux QPV du département, quartiers extrêmes), jeunes du
    département vivant en QPV, indice de jeunesse."""
    codes = RUBRIQUES["Démographie"]
    if f.sans_comparaison:
        return constat(f, *codes)
    sortie: list[str] = []
    if "part_moins_25" in f.qpv.columns:
        sortie.append(_part_moins_25(f))
    if _departement_pertinent(f):
        sortie.append(
            jeunes_du_departement(
                cq.jeunes_en_qpv_departement(f.refs),
                pv.combiner(
                    f.p_ref(cq.NIVEAU_DEPARTEMENT, "pop_moins_25"), f.p_ref(cq.NIVEAU_QPV_DEPARTEMENT, "pop_moins_25")
                ),
            )
        )
    if "ind_jeune" in f.qpv.columns:
        sortie.append(_indice_jeunesse(f))
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- ménages, éducation


def _debut_menages(f: Faits, sens: str) -> str:
    return {
        "plus": "Les quartiers prioritaires ont un profil plutôt familial, mais la part des ménages composés d'une "
        "personne seule y reste relativement élevée :",
        "moins": "La part des ménages composés d'une personne seule est plus faible dans les quartiers prioritaires :",
        "égal": "La part des ménages composés d'une personne seule est la même dans les quartiers prioritaires et "
        f"dans {f.d.le} :",
    }.get(sens, "Ménages composés d'une personne seule :")


def menages(f: Faits) -> list[str]:
    """Ménages d'une personne seule : niveau des QPV comparé au territoire, quartiers extrêmes."""
    code = "part_menages_1pers"
    if f.sans_comparaison:
        return constat(f, code)
    if code not in f.qpv.columns:
        return [absents(f, code)]
    s = f.synth.loc[code]
    if not _connu(s[cq.NIVEAU_AGGLO]) and not f.a_un_rapport:
        return generique(f, code)
    texte = (
        f"{_debut_menages(f, cq.comparer(code, s['qpv_territoire'], s[cq.NIVEAU_AGGLO]))} "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)} à l'échelle des QPV"
        f"{publie(code, f.publies)}{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}."
    )
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
        texte += (
            f" {_majuscule(parmi(f, code) + 'le')} quartier **{haut}** en compte le plus : "
            f"{val(code, v_haut, provenance=p_haut)} ; à l'inverse, le quartier **{bas}**, avec "
            f"{val(code, v_bas, provenance=p_bas)} de ménages d'une personne seule, a le profil le plus "
            f"familial."
        )
    return avec_legende([texte])


def ecoles_rep(maternelles, primaires, colleges) -> str:
    """Écoles et collèges classés en éducation prioritaire ; « » si l'un des nombres n'est pas publié."""
    if not all(_connu(v) for v in (maternelles, primaires, colleges)):
        return ""
    return (
        f"Sur le plan éducatif, {accord(maternelles, 'école maternelle', 'écoles maternelles')}, "
        f"{accord(primaires, 'école primaire', 'écoles primaires')} et {accord(colleges, 'collège')} sont classés "
        f"en réseau d'éducation prioritaire (REP)."
    )


def education(f: Faits) -> list[str]:
    """Écoles en REP, retard à l'entrée en 3e (niveau des QPV, territoire, quartier le plus touché, secrets)."""
    code = "part_retard_3e"
    if f.sans_comparaison:
        return constat(f, code)
    rep = [cq.valeur_reference(f.refs, cq.NIVEAU_AGGLO, c) for c in _REP]
    sortie = [p for p in [ecoles_rep(*rep)] if p]
    if code not in f.qpv.columns:
        return sortie + [absents(f, code)]
    s = f.synth.loc[code]
    texte = (
        f"Le taux d'élèves en retard d'au moins un an à l'entrée en 3e est {au_niveau_qpv(f, code)} de "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} à l'échelle des QPV{publie(code, f.publies)}"
        f"{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}. "
    )
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        qualif = parmi(f, code)
        texte += f"Il atteint {val(code, v_haut, provenance=p_haut)} dans le quartier **{haut}**, " + (
            f"le plus élevé {qualif[:-2]}. " if qualif else "le plus élevé. "
        )
    sortie.append(
        texte
        + exclus_secret(s["nb_secrets"], simules=len(f.simules(code)))
        + (
            "Le rapport illustre le décrochage des établissements REP par ce taux, qui est mesuré à l'échelle "
            "des quartiers de résidence des élèves et non des établissements."
            if f.a_un_rapport
            else "Ce taux est mesuré à l'échelle des quartiers de résidence des élèves, non des établissements."
        )
    )
    return avec_legende(sortie)
