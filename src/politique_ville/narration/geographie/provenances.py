"""La provenance dans les tableaux du chapitre 10 : identité de chaque quartier, attributs supposés, chiffres clés,
cases qui simulent le secret statistique, et la note « Provenance : … » d'un tableau (:func:`provenance_tableau`)."""

from __future__ import annotations

from politique_ville.compute import qpv as cq
from politique_ville.reference import provenance as pv

from .faits import Faits

_ATTRIBUTS = {
    "nom_qp": "nom",
    "type_quartier": "statut",
    "nom_commune": "commune",
    "annee_reconnaissance": "année de reconnaissance",
}


def provenance_identite(f: Faits, code_qp: str) -> str:
    """Provenance de l'identité d'un quartier, pour une colonne de tableau : « publié », ou le détail des attributs
    qui ne le sont pas (« statut : supposé ; commune : supposé », « nom : reconstruit »)."""
    defaut = getattr(f.prov, "defaut", pv.PUBLIE)
    details = [f"{nom} : {f.p_qpv(code_qp, var)}" for var, nom in _ATTRIBUTS.items() if f.p_qpv(code_qp, var) != defaut]
    return " ; ".join(details) or defaut


def provenances_identites(f: Faits) -> dict[str, str]:
    """code_qp -> :func:`provenance_identite`, pour chaque quartier ; vide sans fichier de provenance."""
    if not f.prov:
        return {}
    return {c: provenance_identite(f, c) for c in f.quartiers["code_qp"]}


def marques_supposees(f: Faits) -> dict[str, str]:
    """code_qp -> « (supposé : statut, commune) » pour les quartiers dont un attribut est supposé (liste des fiches)."""
    return {c: f"(supposé : {', '.join(f.supposes(c))})" for c in f.quartiers["code_qp"] if f.supposes(c)}


def rattachements_supposes(f: Faits) -> dict[str, list[str]]:
    """commune -> quartiers dont le rattachement à cette commune est supposé (commune supposée)."""
    sortie: dict[str, list[str]] = {}
    noms = dict(zip(f.quartiers["code_qp"], f.quartiers["quartier"]))
    for code, commune in zip(f.qpv_communes["code_qp"], f.qpv_communes["commune"]):
        if f.p_qpv(code, "nom_commune") == pv.SUPPOSE:
            sortie.setdefault(commune, []).append(noms.get(code, code))
    return sortie


def provenances_chiffres_cles(f: Faits) -> dict[str, str] | None:
    """Provenance de chaque chiffre clé (``compute.qpv.geographie``) ; ``None`` sans fichier de provenance."""
    if not f.prov and f.provenance is None:
        return None
    qpv = f.quartiers[f.quartiers["est_qpv"]]
    autres = pv.combiner(f.p_qpv(c, v) for c in f.autres["code_qp"] for v in ("type_quartier", "nom_commune"))
    return {
        "nb_qpv": pv.PUBLIE,
        "nb_communes_qpv": pv.combiner(f.p_qpv(c, "nom_commune") for c in qpv["code_qp"]),
        "nb_qpv_multicommunes": pv.combiner(f.p_qpv(c, "nom_commune") for c in qpv["code_qp"]),
        "nb_quartiers_communautaires": autres,
        "nb_quartiers_veille": autres,
        "pop_qpv": f.p_qpv_tous("pop_mun"),
        "pop_agglomeration": f.p_ref(cq.NIVEAU_AGGLO, "pop_mun"),
        "part_population_qpv": f.p_part("pop_mun"),
    }


def cellules_simulees(f: Faits) -> set[tuple[str, str]]:
    """(code_qp, variable) des cases vides qui simulent le secret statistique."""
    return {(c, v) for (c, v) in (f.prov or {}) if f.p_qpv(c, v) == pv.SIMULE}


def provenance_tableau(f: Faits, tableau: str) -> str | None:
    """Note « Provenance : … » d'un tableau du chapitre dont les valeurs partagent une provenance (ou dont la
    provenance se lit par colonne) ; ``None`` si toutes ses valeurs sont publiées (aucune valeur reconstruite). Valeurs
    reçues (fichier de l'INSEE sans fichier de provenance) : « reçu », le fichier nommé ; ce qui en est calculé :
    « recalculé »."""
    if f.recu:
        recu = pv.note(pv.RECU, source=f.source_recue)
        return {
            "synthese": f"Provenance : « QPV du territoire » et écarts : recalculé (à partir des valeurs reçues, "
            f"{f.source_recue}) ; niveaux de comparaison : recalculé (origine « calculé », « approximation "
            f"pondérée », « médiane des QPV » : à partir du même fichier) ou reçu (origine « reçu » : "
            f"insee_references).",
            "parts": f"Provenance : « Total des QPV » et parts : recalculé (à partir des valeurs reçues, "
            f"{f.source_recue}).",
            "effectifs": recu,
            "valeurs": recu,
            "rangs": pv.note(pv.RECALCULE, "Rangs calculés sur les valeurs reçues.", source=f.source_recue),
        }.get(tableau)
    if not f.reconstruit:
        return None
    simule = (
        " Cases « secret (simulé) » : secret statistique simulé pour éprouver la règle (valeur non publiée, "
        "non masquée par l'INSEE)."
        if cellules_simulees(f)
        else ""
    )
    notes = {
        "synthese": "Provenance : « QPV du territoire » et « Écart » : reconstruit (calculés sur des valeurs "
        "par quartier reconstruites ; ils redonnent les moyennes publiées, sauf le revenu médian : médiane des QPV) ; "
        "« Moyenne des QPV (publiée) », "
        "« Agglomération », « Agglomération hors QPV », « QPV du département » : publié, sauf valeurs "
        "approximatives signalées en note.",
        "parts": "Provenance : « Total des QPV », « Total de l'agglomération » et « Part des QPV » : reconstruit "
        "(effectifs et totaux reconstruits pour redonner les parts publiées) ; « Part publiée » : publié.",
        "effectifs": pv.note(pv.RECONSTRUIT, "Effectifs par quartier." + simule),
        "valeurs": pv.note(
            pv.RECONSTRUIT,
            "Sauf les quelques valeurs publiées par le rapport, marquées « publié » dans "
            "la colonne Provenance des tableaux par indicateur." + simule,
        ),
        "rangs": pv.note(
            pv.RECONSTRUIT,
            "Rangs calculés sur des valeurs par quartier reconstruites : le rapport ne "
            "classe pas les quartiers." + simule,
        ),
        "manquantes": (
            "Provenance : les cases « secret statistique » de ce territoire sont simulées (provenance "
            "« simulé ») pour éprouver la règle ; les cases « non disponible » sont celles des quartiers que "
            "l'INSEE ne couvre pas."
            if cellules_simulees(f)
            else None
        ),
        "concordance": "Provenance : « Publié » : publié (chiffre du rapport) ; « Recalculé » : recalculé à partir des "
        "tables, dont les valeurs par quartier reconstruites (les valeurs « identiques » le sont en "
        "partie par construction).",
    }
    return notes.get(tableau)
