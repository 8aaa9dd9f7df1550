"""Comparer les parts accordées d'un fichier SCDL aux montants de la programmation, par porteur : rapprochement
(SIRET, SIREN, RNA, nom), statut de chaque porteur, détail des lignes, mise en forme pour le chapitre de
concordance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance import (
    FINANCEURS,
    cle_nom_porteur,
    cles_porteurs,
    colonne_financeur,
    lire_montants,
    nom_affichage,
    normaliser_identifiant,
)
from politique_ville.clean.scdl.schema import (
    ABSENT_PROGRAMMATION,
    ABSENT_SCDL,
    COLONNES_COMPARAISON,
    COMPTEE,
    CONCORDE,
    DIFFERE,
    ECARTEE,
    STATUTS,
    TRAITEMENTS_LIGNES,
    Subventions,
)


def _montants_programmation(programmation: pd.DataFrame, financeur: str) -> pd.Series:
    col = colonne_financeur(financeur)
    if col not in programmation.columns:
        return pd.Series(np.nan, index=programmation.index, dtype="float64")
    serie = programmation[col]
    if serie.dtype == object:
        return lire_montants(serie)[0]
    return pd.to_numeric(serie, errors="coerce").astype("float64")


def _lignes(scdl) -> pd.DataFrame:
    return scdl.lignes if isinstance(scdl, Subventions) else scdl


def _financeur(scdl, financeur):
    if financeur:
        return financeur
    if isinstance(scdl, Subventions) and scdl.financeur:
        return scdl.financeur
    lignes = _lignes(scdl)
    return str(lignes["financeur"].iloc[0]) if "financeur" in lignes.columns and len(lignes) else ""


def _rapprocher(scdl, programmation: pd.DataFrame, financeur: str):
    """Les porteurs de la programmation financés par ``financeur`` (une ligne par porteur) et les lignes SCDL avec
    la clé du porteur rapproché (``_cle``) et le mode de rapprochement (``_mode``)."""
    p = programmation.copy()
    p["_montant"] = _montants_programmation(p, financeur)
    p = p[p["_montant"].notna() & (p["_montant"] != 0)]
    p["_cle"] = cles_porteurs(p)
    p["_nom"] = p["porteur"].map(cle_nom_porteur)
    for col in ("siret", "rna"):
        p["_" + col] = p[col].fillna("").map(normaliser_identifiant) if col in p.columns else ""
    g = p.groupby("_cle", sort=False)
    prog = pd.DataFrame(
        {
            "montant_programmation": g["_montant"].sum(),
            "porteur": g["porteur"].first(),
            "siret": g["_siret"].first(),
            "actions": g["id_action"].agg(lambda s: ", ".join(map(str, s))) if "id_action" in p.columns else "",
        }
    )
    par_siret = {s: k for s, k in zip(p["_siret"], p["_cle"]) if len(s) == 14}
    sirens = p.loc[p["_siret"].str.len() >= 9, ["_siret", "_cle"]].assign(siren=lambda d: d["_siret"].str[:9])
    uniques = (
        sirens.drop_duplicates(["siren", "_cle"])
        .groupby("siren")["_cle"]
        .agg(lambda s: s.iloc[0] if len(s) == 1 else None)
    )
    par_siren = {k: v for k, v in uniques.items() if v is not None}
    par_rna = {r: k for r, k in zip(p["_rna"], p["_cle"]) if r}
    sans_siret = p[p["_siret"] == ""]
    par_nom = {n: k for n, k in zip(sans_siret["_nom"], sans_siret["_cle"]) if n}

    s = _lignes(scdl).copy()
    sir = (
        s["siret_beneficiaire"]
        if "siret_beneficiaire" in s.columns
        else s["idBeneficiaire"].map(normaliser_identifiant)
    )
    if "rna_beneficiaire" in s.columns:
        rna = s["rna_beneficiaire"].fillna("")
    elif "rnaBeneficiaire" in s.columns:
        rna = s["rnaBeneficiaire"].fillna("").map(normaliser_identifiant)
    else:
        rna = pd.Series("", index=s.index)
    noms = s["nomBeneficiaire"].map(cle_nom_porteur)
    cles, modes = [], []
    for si, r, n in zip(sir, rna, noms):
        if si and si in par_siret:
            cles.append(par_siret[si]), modes.append("SIRET")
        elif si and si[:9] in par_siren:
            cles.append(par_siren[si[:9]]), modes.append("SIREN")
        elif r and r in par_rna:
            cles.append(par_rna[r]), modes.append("RNA")
        elif n in par_nom:
            cles.append(par_nom[n]), modes.append("nom")
        else:
            cles.append(f"scdl:{si or r or n}"), modes.append("")
    s["_cle"], s["_mode"] = cles, modes
    if "part" not in s.columns:
        montants = s["montant_num"] if "montant_num" in s.columns else lire_montants(s["montant"].map(str))[0]
        s["part"] = montants
    if "traitement" not in s.columns:
        s["traitement"] = COMPTEE
    s["_ligne"] = (s[COLONNE_LIGNE] if COLONNE_LIGNE in s.columns else pd.Series(s.index, index=s.index)).astype(str)
    return prog, s


def comparer(scdl, programmation: pd.DataFrame, financeur: str | None = None, tolerance: float = 0.5) -> pd.DataFrame:
    """Parts accordées par l'attribuant (:class:`Subventions`, lignes comptées seulement) face aux montants de ce
    financeur dans la programmation (colonne ``montant_<financeur>``), par porteur.

    Rapprochement d'un bénéficiaire SCDL avec un porteur de la programmation, dans l'ordre : même SIRET ; même SIREN
    (si un seul porteur de la programmation l'a) ; même RNA (les lignes identifiées par leur seul RNA) ; même nom
    normalisé (seulement pour un porteur sans SIRET dans la programmation). Une ligne par porteur : ``montant_scdl``
    (somme des parts montant × pourcentage), ``montant_programmation``, ``ecart`` (SCDL − programmation),
    ``statut`` (« concorde » à ``tolerance`` € près, « diffère », « absent de la programmation », « absent du fichier
    SCDL » — un porteur de la programmation sans montant de ce financeur n'est pas listé), ``rapprochement``
    (SIRET, SIREN, RNA, nom, ou vide), ``lignes_scdl`` (les lignes comptées), ``actions``."""
    financeur = _financeur(scdl, financeur)
    if financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu : dites quel financeur de la programmation "
            f"l'attribuant SCDL représente ({', '.join(FINANCEURS)})"
        )
    libelle = FINANCEURS[financeur][0]
    prog, s = _rapprocher(scdl, programmation, financeur)
    attribuant = str(s["nomAttribuant"].iloc[0]) if len(s) else ""
    s = s[s["traitement"] == COMPTEE]
    gs = s.groupby("_cle", sort=False)
    cote_scdl = pd.DataFrame(
        {
            "montant_scdl": gs["part"].sum(),
            "nom_scdl": gs["nomBeneficiaire"].first(),
            "siret_scdl": gs["siret_beneficiaire"].first()
            if "siret_beneficiaire" in s.columns
            else gs["idBeneficiaire"].first(),
            "rapprochement": gs["_mode"].first(),
            "attribuant": gs["nomAttribuant"].first(),
            "lignes_scdl": gs["_ligne"].agg(", ".join),
        }
    )
    tout = prog.join(cote_scdl, how="outer", sort=False)
    ordre = list(prog.index) + [k for k in cote_scdl.index if k not in prog.index]
    tout = tout.reindex(ordre)
    sortie = pd.DataFrame(
        {
            "porteur": [
                nom_affichage(a if isinstance(a, str) and a else b) for a, b in zip(tout["porteur"], tout["nom_scdl"])
            ],
            "siret": [
                a if isinstance(a, str) and a else (b if isinstance(b, str) else "")
                for a, b in zip(tout["siret"], tout["siret_scdl"])
            ],
            "rapprochement": tout["rapprochement"].fillna("").to_numpy(),
            "attribuant": tout["attribuant"].fillna(attribuant).to_numpy(),
            "financeur": libelle,
            "montant_scdl": tout["montant_scdl"].astype("float64").round(2).to_numpy(),
            "montant_programmation": tout["montant_programmation"].astype("float64").to_numpy(),
        }
    )
    sortie["ecart"] = (sortie["montant_scdl"] - sortie["montant_programmation"]).round(2)
    sortie["statut"] = np.select(
        [sortie["montant_programmation"].isna(), sortie["montant_scdl"].isna(), sortie["ecart"].abs() <= tolerance],
        [ABSENT_PROGRAMMATION, ABSENT_SCDL, CONCORDE],
        DIFFERE,
    )
    sortie["lignes_scdl"] = tout["lignes_scdl"].fillna("").to_numpy()
    sortie["actions"] = tout["actions"].fillna("").to_numpy()
    rang = {s_: i for i, s_ in enumerate(STATUTS)}
    sortie = sortie.sort_values(
        ["statut", "porteur"], key=lambda c: c.map(rang) if c.name == "statut" else c, kind="stable"
    ).reset_index(drop=True)
    return sortie[COLONNES_COMPARAISON]


COLONNES_DETAIL = [
    "porteur",
    "ligne",
    "subvention",
    "beneficiaire",
    "identifiant",
    "referenceDecision",
    "dateConvention",
    "objet",
    "montant",
    "pourcentage",
    "part",
    "traitement",
    "motif",
]


def detail_des_lignes(scdl: Subventions, programmation: pd.DataFrame, financeur: str | None = None) -> pd.DataFrame:
    """Le montant SCDL de chaque porteur déplié en ses lignes : une ligne par ligne du fichier, ``porteur`` (le
    porteur de la programmation rapproché, ou le bénéficiaire), ``ligne``, ``subvention`` (numéro de la subvention
    dont la ligne est une part : les lignes d'une même subvention ont le même), ``beneficiaire``, ``identifiant``
    (SIRET ou RNA), la subvention (``referenceDecision``, ``dateConvention``, ``objet``), ``montant`` (total de la
    subvention), ``pourcentage``, ``part`` (ce qui est compté pour le porteur), ``traitement`` et ``motif``. Les
    lignes comptées d'abord (par porteur), puis les autres exercices, puis les lignes écartées."""
    financeur = _financeur(scdl, financeur)
    prog, s = _rapprocher(scdl, programmation, financeur)
    noms = prog["porteur"].to_dict()
    porteur = [
        nom_affichage(noms[k]) if k in noms else nom_affichage(n) for k, n in zip(s["_cle"], s["nomBeneficiaire"])
    ]
    sortie = pd.DataFrame(
        {
            "porteur": porteur,
            "ligne": s[COLONNE_LIGNE].astype("int64").to_numpy(),
            "subvention": s["id_subvention"].to_numpy() if "id_subvention" in s.columns else np.arange(1, len(s) + 1),
            "beneficiaire": s["nomBeneficiaire"].to_numpy(),
            "identifiant": [a or b for a, b in zip(s["siret_beneficiaire"], s["rna_beneficiaire"])],
            "referenceDecision": s["referenceDecision"].to_numpy(),
            "dateConvention": s["dateConvention"].to_numpy(),
            "objet": s["objet"].to_numpy(),
            "montant": s["montant_num"].to_numpy(),
            "pourcentage": s["pourcentage"].to_numpy(),
            "part": s["part"].where(s["traitement"] != ECARTEE).to_numpy(),
            "traitement": s["traitement"].to_numpy(),
            "motif": s["motif"].to_numpy(),
        }
    )
    rang = {t: i for i, t in enumerate(TRAITEMENTS_LIGNES)}
    return sortie.sort_values(
        ["traitement", "porteur", "ligne"], key=lambda c: c.map(rang) if c.name == "traitement" else c, kind="stable"
    ).reset_index(drop=True)


def compter_statuts(comparaison: pd.DataFrame) -> dict[str, int]:
    """Nombre de porteurs par statut, dans l'ordre de :data:`STATUTS` (0 compris)."""
    comptes = comparaison["statut"].value_counts()
    return {s: int(comptes.get(s, 0)) for s in STATUTS}


def verification_independante(comparaison: pd.DataFrame, fichier: str = "") -> pd.DataFrame:
    """La comparaison mise en forme pour le chapitre de concordance, section « vérification indépendante » : une
    ligne par porteur, ``verification`` (« vérification indépendante »), ``source`` (fichier SCDL), ``libelle``
    (« <financeur> à <porteur> »), ``valeur_independante`` (SCDL), ``valeur_programmation``, ``ecart``, ``statut``,
    ``explication`` (en français), ``lignes_scdl``."""
    explications = {
        CONCORDE: "le montant accordé publié par l'attribuant est celui de la programmation",
        DIFFERE: "le montant accordé publié par l'attribuant n'est pas celui de la programmation",
        ABSENT_PROGRAMMATION: "subvention publiée par l'attribuant, sans action de ce porteur financée par lui dans "
        "la programmation",
        ABSENT_SCDL: "montant de la programmation sans subvention correspondante dans le fichier de l'attribuant",
    }
    return pd.DataFrame(
        {
            "verification": "vérification indépendante",
            "source": fichier,
            "libelle": [f"{f} à {p}" for f, p in zip(comparaison["financeur"], comparaison["porteur"])],
            "valeur_independante": comparaison["montant_scdl"],
            "valeur_programmation": comparaison["montant_programmation"],
            "ecart": comparaison["ecart"],
            "statut": comparaison["statut"],
            "explication": comparaison["statut"].map(explications),
            "lignes_scdl": comparaison["lignes_scdl"],
        }
    )
