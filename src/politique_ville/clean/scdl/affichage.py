"""Ce que le chapitre de concordance et le journal du nettoyage montrent d'un fichier SCDL : phrases en français
(singulier et pluriel), tables aux intitulés français."""

from __future__ import annotations

import pandas as pd

from politique_ville.clean.scdl.schema import (
    ABSENT_PROGRAMMATION,
    ABSENT_SCDL,
    AUTRE_EXERCICE,
    COMPTEE,
    CONCORDE,
    DIFFERE,
    ECARTEE,
    STATUTS,
    VERSIONS,
    Subventions,
)
from politique_ville.formats import euros


def tableau_des_comptes(comptes: dict[str, int]) -> pd.DataFrame:
    """Les comptes par statut (:func:`compter_statuts`) en table : ``statut``, ``porteurs`` (0 compris), dans l'ordre
    de :data:`STATUTS`, puis une ligne « ensemble »."""
    lignes = [{"statut": s, "porteurs": int(comptes.get(s, 0))} for s in STATUTS]
    lignes.append({"statut": "ensemble", "porteurs": sum(int(comptes.get(s, 0)) for s in STATUTS)})
    return pd.DataFrame(lignes)


def _n(k, sing, plur):
    return f"{k} {sing if abs(k) < 2 else plur}"


def phrase_verification(verif: dict) -> str:
    """Une phrase en français qui résume une vérification indépendante (:func:`verifications_du_territoire`) :
    nombre de porteurs comparés, qui concordent, qui diffèrent, absents d'un côté (singulier et pluriel) ; puis les
    lignes du fichier non comptées (autre exercice, écartées) avec leur montant."""
    c = verif["comptes"]
    total = sum(c.values())
    if total == 0:
        texte = (
            f"Le fichier « {verif['fichier']} » ({verif['attribuant']}) ne contient aucune subvention à comparer "
            f"et la programmation n'a aucun montant de ce financeur ({verif['financeur']})."
        )
    else:
        morceaux = [
            _n(c[CONCORDE], "concorde", "concordent"),
            _n(c[DIFFERE], "diffère", "diffèrent"),
            _n(c[ABSENT_PROGRAMMATION], "est absent de la programmation", "sont absents de la programmation"),
            _n(c[ABSENT_SCDL], "est absent du fichier SCDL", "sont absents du fichier SCDL"),
        ]
        texte = (
            f"Vérification indépendante par le fichier « {verif['fichier']} » ({verif['attribuant']}, financeur de la "
            f"programmation : {verif['financeur']}) : {_n(total, 'porteur comparé', 'porteurs comparés')} ; "
            f"{', '.join(morceaux[:-1])} et {morceaux[-1]}."
        )
    sub = verif.get("subventions")
    if sub is not None:
        texte += " " + phrase_lignes(sub)
    return texte


def _euros(x: float) -> str:
    """« 1 000 € », « 1 234,50 € » : les centimes seulement s'il y en a."""
    return euros(x, 0 if float(x).is_integer() else 2)


def phrase_lignes(sub: Subventions) -> str:
    """Ce qu'il advient des lignes du fichier : comptées, d'un autre exercice (listées à part, jamais additionnées),
    écartées (avec leur montant) ; version du schéma reconnue."""
    k = sub.comptes()
    autres = sub.lignes[sub.lignes["traitement"] == AUTRE_EXERCICE]
    ecartees = sub.lignes[sub.lignes["traitement"] == ECARTEE]
    version = VERSIONS[sub.version][1] if sub.version in VERSIONS else "colonnes propres, lues par une correspondance"
    texte = (
        f"Le fichier (schéma SCDL {version}) a {_n(len(sub), 'ligne', 'lignes')} : "
        f"{_n(k[COMPTEE], 'comptée', 'comptées')}"
    )
    if sub.annee is not None:
        texte += f", {_n(k[AUTRE_EXERCICE], 'ligne', 'lignes')} d'un autre exercice que {sub.annee}" + (
            f" ({_euros(float(autres['part'].sum()))}, non additionnés)" if len(autres) else ""
        )
    texte += f" et {_n(k[ECARTEE], 'ligne écartée', 'lignes écartées')}" + (
        f" ({_euros(float(ecartees['montant_num'].fillna(0).sum()))} de montants lisibles, non comptés)"
        if len(ecartees)
        else ""
    )
    return texte + "."


#: Colonnes de :func:`verification_independante` montrées dans la liste des différences, et leurs intitulés.
COLONNES_DIFFERENCES = {
    "libelle": "subvention (financeur à porteur)",
    "valeur_independante": "montant SCDL",
    "valeur_programmation": "montant de la programmation",
    "ecart": "écart (SCDL − programmation)",
    "statut": "statut",
    "explication": "explication",
    "lignes_scdl": "lignes du fichier SCDL",
}
#: Colonnes de montants (intitulés) de la liste des différences.
MONTANTS_DIFFERENCES = ("montant SCDL", "montant de la programmation", "écart (SCDL − programmation)")
#: Phrase du chapitre de concordance quand aucun fichier SCDL n'est déclaré (``{annee}``).
SANS_SCDL = (
    "Aucun fichier de subventions au format SCDL n'est déclaré pour {annee} (paramètre `scdl` des paramètres "
    "de l'année) ou la programmation manque : pas de vérification indépendante par cette voie."
)


def differences_affichees(verif: dict) -> pd.DataFrame:
    """Les différences d'une vérification (:func:`verifications_du_territoire`) avec des intitulés français."""
    return verif["differences"][list(COLONNES_DIFFERENCES)].rename(columns=COLONNES_DIFFERENCES)


#: Intitulés du détail des lignes (:func:`detail_des_lignes`) et de ses colonnes de montants.
COLONNES_DETAIL_AFFICHEES = {
    "porteur": "porteur",
    "ligne": "ligne",
    "subvention": "subvention n°",
    "beneficiaire": "bénéficiaire (fichier)",
    "identifiant": "SIRET ou RNA",
    "referenceDecision": "décision",
    "dateConvention": "date de convention",
    "objet": "objet",
    "montant": "montant de la subvention",
    "pourcentage": "part (%)",
    "part": "montant compté",
    "traitement": "traitement",
    "motif": "motif",
}
MONTANTS_DETAIL = ("montant de la subvention", "montant compté")


def detail_affiche(verif: dict) -> pd.DataFrame:
    """Le détail des lignes (:func:`detail_des_lignes`) avec des intitulés français ; la part en pourcentage."""
    d = verif["detail"].copy()
    d["pourcentage"] = d["pourcentage"] * 100
    return d[list(COLONNES_DETAIL_AFFICHEES)].rename(columns=COLONNES_DETAIL_AFFICHEES)


COLONNES_ECARTS_AFFICHEES = {
    "ligne": "ligne",
    "colonne": "colonne",
    "valeur": "valeur lue",
    "regle": "ce que dit le schéma",
    "traitement": "traitement",
}


def ecarts_schema_affiches(sub: Subventions) -> pd.DataFrame:
    """Les écarts au schéma officiel (:attr:`Subventions.ecarts_schema`) avec des intitulés français."""
    return sub.ecarts_schema.rename(columns=COLONNES_ECARTS_AFFICHEES)


def resume_ecarts_schema(sub: Subventions) -> pd.DataFrame:
    """Les écarts au schéma regroupés : une ligne par (colonne, règle, traitement), le nombre de cellules et les
    premières lignes du fichier concernées."""
    e = sub.ecarts_schema.copy()
    if e.empty:
        return pd.DataFrame(columns=["colonne", "ce que dit le schéma", "traitement", "cellules", "lignes"])
    e["_t"] = e["traitement"].str.replace(r" : .*", "", regex=True)
    g = e.groupby(["colonne", "regle", "_t"], sort=False)
    sortie = g.agg(
        cellules=("ligne", "size"),
        lignes=("ligne", lambda s: ", ".join(map(str, list(s)[:8])) + (" …" if len(s) > 8 else "")),
    ).reset_index()
    return sortie.rename(columns={"regle": "ce que dit le schéma", "_t": "traitement"})


def phrase_a_verifier(sub: Subventions) -> str:
    """Les subventions dont les parts dépassent 100 % (écart listé avec ses lignes), ou chaîne vide."""
    v = sub.subventions_a_verifier
    if v.empty:
        return ""
    morceaux = [
        f"« {r.objet} » ({r.referenceDecision or 'sans référence'}, {_euros(r.montant)}) : parts de "
        f"{str(round(100 * r.parts, 1)).replace('.', ',').removesuffix(',0')} % (lignes {r.lignes})"
        for r in v.itertuples()
    ]
    return (
        f"Écart : {_n(len(v), 'subvention partagée dont les parts dépassent', 'subventions partagées dont les parts dépassent')} "
        f"100 % du montant : " + " ; ".join(morceaux) + "."
    )
