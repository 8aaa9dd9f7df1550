"""Le format national des données ouvertes de subventions (SCDL « Subventions »), source indépendante.

Un fichier publié par une collectivité au format du socle commun des données locales (schéma « Subventions »,
v1.1 et v2.x) est reconnu à ses colonnes, sans correspondance à écrire (:func:`est_scdl`, :func:`version_scdl`) :

- v1.1 : ``nomAttribuant``, ``idAttribuant``, ``dateConvention``, ``referenceDecision``, ``nomBeneficiaire``,
  ``idBeneficiaire``, ``objet``, ``montant``, ``nature``, ``conditionsVersement``, ``datesPeriodeVersement``,
  ``idRAE``, ``notificationUE``, ``pourcentageSubvention`` ;
- v2.x : les mêmes, plus ``rnaBeneficiaire`` (numéro RNA d'une association) et ``dispositifAide``.

Les noms de colonnes sont comparés sans tenir compte de la casse (« NOMATTRIBUANT » = « nomAttribuant »). Le fichier
est lu par ``catalog.lire_table`` (CSV « , » ou « ; », UTF-8 ou Windows-1252, ou classeur) ; ``montant`` est un
nombre à point décimal (« 2500.50 ») ou écrit à la française (« 2 500,50 »).

Vérifications (:func:`verifier_scdl`), toutes rassemblées dans une seule erreur en français qui nomme fichier, ligne
et colonne : ``idAttribuant`` et ``idBeneficiaire`` sont des SIRET (14 chiffres) ou SIREN (9) dont la clé de Luhn est
juste (exception de La Poste, SIREN 356000000 : somme des chiffres multiple de 5) ; ``rnaBeneficiaire`` a la forme
d'un RNA ; ``montant`` est lisible et positif ; le fichier est bien celui de l'attribuant déclaré (sinon l'erreur
nomme l'attribuant déclaré et celui du fichier).

Comparaison (:func:`comparer`) : par porteur (rapproché par SIRET, sinon SIREN, RNA, puis nom normalisé) et par
attribuant, les montants accordés (SCDL) face aux montants de la programmation pour le même financeur (colonne
``montant_<financeur>`` produite par :mod:`politique_ville.correspondance`) ; statut « concorde », « diffère »,
« absent de la programmation » ou « absent du fichier SCDL ». :func:`verification_independante` la met en forme pour
le chapitre de concordance (« vérification indépendante »).

Niveau « nettoyage » : importe ``catalog``, ``clean``, ``errors``, ``correspondance`` et ``nettoyage``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import COLONNE_LIGNE, lire_table
from .clean import ValeurIllisible, lire_nombre
from .correspondance import (
    FINANCEURS,
    SIREN_LA_POSTE,
    cle_nom_porteur,
    cles_porteurs,
    colonne_financeur,
    identifiant_siret_valide,
    lire_montants,
    luhn_valide,
    nom_affichage,
    normaliser_identifiant,
    rna_valide,
    siren_valide,
    siret_valide,
)
from .errors import ErreurDonnees
from .nettoyage import ErreursNettoyage

__all__ = [
    "COLONNES_SCDL_V1",
    "COLONNES_SCDL_V2",
    "STATUTS",
    "SIREN_LA_POSTE",
    "comparer",
    "compter_statuts",
    "est_scdl",
    "lire_scdl",
    "luhn_valide",
    "siren_valide",
    "siret_valide",
    "verification_independante",
    "verifier_scdl",
    "version_scdl",
]

COLONNES_SCDL_V1 = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
)
#: colonnes ajoutées par la version 2 du schéma
AJOUTS_V2 = ("rnaBeneficiaire", "dispositifAide")
#: la version 2 : RNA du bénéficiaire après son identifiant, dispositif d'aide à la fin
COLONNES_SCDL_V2 = (*COLONNES_SCDL_V1[:6], "rnaBeneficiaire", *COLONNES_SCDL_V1[6:], "dispositifAide")
#: colonnes sans lesquelles un fichier n'est pas reconnu comme SCDL (et ne peut pas servir à la comparaison)
COLONNES_ESSENTIELLES = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
)
#: les colonnes reconnues, en minuscules -> nom du schéma
_PAR_MINUSCULES = {c.lower(): c for c in COLONNES_SCDL_V2}

CONCORDE, DIFFERE = "concorde", "diffère"
ABSENT_PROGRAMMATION, ABSENT_SCDL = "absent de la programmation", "absent du fichier SCDL"
STATUTS = (CONCORDE, DIFFERE, ABSENT_PROGRAMMATION, ABSENT_SCDL)
COLONNES_COMPARAISON = [
    "porteur",
    "siret",
    "rapprochement",
    "attribuant",
    "financeur",
    "montant_scdl",
    "montant_programmation",
    "ecart",
    "statut",
    "lignes_scdl",
    "actions",
]


# --------------------------------------------------------------------------------------------- reconnaissance


def renommages_scdl(colonnes) -> dict[str, str]:
    """En-têtes à ramener au nom du schéma SCDL (différence de casse ou espaces de bord seulement)."""
    sortie = {}
    for c in colonnes:
        nom = _PAR_MINUSCULES.get(str(c).strip().lower())
        if nom is not None and nom != c:
            sortie[c] = nom
    return sortie


def _presentes(df: pd.DataFrame) -> set[str]:
    return {_PAR_MINUSCULES[str(c).strip().lower()] for c in df.columns if str(c).strip().lower() in _PAR_MINUSCULES}


def est_scdl(df: pd.DataFrame) -> bool:
    """Vrai si la table a les colonnes essentielles du schéma SCDL « Subventions » (casse ignorée)."""
    return set(COLONNES_ESSENTIELLES) <= _presentes(df)


def version_scdl(df: pd.DataFrame) -> str | None:
    """« 2 » si la table a une colonne propre à la v2 (``rnaBeneficiaire``, ``dispositifAide``), « 1.1 » sinon ;
    ``None`` si ce n'est pas un fichier SCDL."""
    if not est_scdl(df):
        return None
    return "2" if set(AJOUTS_V2) & _presentes(df) else "1.1"


# --------------------------------------------------------------------------------------------- lecture, vérification


def lire_scdl(
    chemin: Path | str,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
) -> pd.DataFrame:
    """Lit un fichier SCDL « Subventions » (``catalog.lire_table``) et le vérifie (:func:`verifier_scdl`)."""
    return verifier_scdl(
        lire_table(chemin), financeur=financeur, attribuant_siret=attribuant_siret, attribuant_nom=attribuant_nom
    )


def verifier_scdl(
    brut: pd.DataFrame,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
) -> pd.DataFrame:
    """Vérifie une table SCDL lue telle quelle et la rend avec ses colonnes au nom du schéma, plus :
    ``montant_num`` (€), ``siret_beneficiaire`` (identifiant normalisé), ``financeur`` (code canonique déclaré,
    :data:`correspondance.FINANCEURS`), ``version_scdl``. ``attribuant_siret`` / ``attribuant_nom`` : l'attribuant
    déclaré (le SIRET l'emporte ; un SIRET et un SIREN se comparent par le SIREN)."""
    nom = brut.attrs.get("source", {}).get("fichier", "fichier SCDL")
    erreurs: list[ErreurDonnees] = []

    def err(message, ligne=None, colonne=None):
        erreurs.append(ErreurDonnees(message, fichier=nom, ligne=ligne, colonne=colonne))

    if financeur is not None and financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu (financeurs permis : {', '.join(FINANCEURS)})", fichier=nom
        )
    if not est_scdl(brut):
        manquantes = [c for c in COLONNES_ESSENTIELLES if c not in _presentes(brut)]
        raise ErreurDonnees(
            f"ce n'est pas un fichier SCDL « Subventions » : colonne(s) absente(s) "
            f"{', '.join(manquantes)} (colonnes trouvées : "
            f"{', '.join(c for c in brut.columns if c != COLONNE_LIGNE)})",
            fichier=nom,
            ligne=1,
        )
    df = brut.rename(columns=renommages_scdl(brut.columns)).copy()
    df.attrs = dict(brut.attrs)
    lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    if df.empty:
        err("le fichier ne contient aucune subvention", ligne=2)
    # identifiants : une vérification par valeur distincte
    for col in ("idAttribuant", "idBeneficiaire"):
        valeurs = df[col].fillna("").map(normaliser_identifiant)
        verdicts = {v: identifiant_siret_valide(v) for v in pd.unique(valeurs)}
        fautifs = ~valeurs.map(verdicts).astype(bool)
        for v, texte, ligne in zip(valeurs[fautifs], df.loc[fautifs, col], lignes[fautifs]):
            err(
                f"{'SIRET' if len(v) != 9 else 'SIREN'} « {texte} » invalide ({_raison(v)})",
                ligne=int(ligne),
                colonne=col,
            )
        df[col + "_normalise"] = valeurs
    if "rnaBeneficiaire" in df.columns:
        rna = df["rnaBeneficiaire"].fillna("").map(normaliser_identifiant)
        for texte, ligne in zip(
            df.loc[(rna != "") & ~rna.map(rna_valide), "rnaBeneficiaire"], lignes[(rna != "") & ~rna.map(rna_valide)]
        ):
            err(
                f"RNA « {texte} » invalide (attendu : « W » suivi de 9 caractères)",
                ligne=int(ligne),
                colonne="rnaBeneficiaire",
            )
    # montants : nombre à point décimal du schéma, ou écriture à la française
    texte = df["montant"].fillna("").map(str)
    simples = texte.str.strip().str.fullmatch(r"-?\d+(\.\d+)?").fillna(False).astype(bool)
    valeurs = pd.to_numeric(texte.where(simples), errors="coerce")
    illisibles = set()
    for v in pd.unique(texte[~simples]):
        try:
            x = lire_nombre(v, "montant")
        except ValeurIllisible as exc:
            illisibles.add(v)
            for ligne in lignes[texte == v]:
                err(f"montant illisible : {exc}", ligne=int(ligne), colonne="montant")
            x = np.nan
        valeurs[texte == v] = x
    for t, ligne in zip(texte[valeurs < 0], lignes[valeurs < 0]):
        err(
            f"montant négatif ({t}) : une subvention accordée ne peut pas être négative",
            ligne=int(ligne),
            colonne="montant",
        )
    for ligne in lignes[valeurs.isna() & ~texte.isin(illisibles)]:
        err("montant manquant : chaque subvention du fichier SCDL a un montant", ligne=int(ligne), colonne="montant")
    # attribuant déclaré
    if attribuant_siret or attribuant_nom:
        attendu = normaliser_identifiant(attribuant_siret) if attribuant_siret else ""
        if attendu:
            ids = df["idAttribuant_normalise"]
            autre = ids.str[:9] != attendu[:9]
        else:
            autre = df["nomAttribuant"].map(cle_nom_porteur) != cle_nom_porteur(attribuant_nom)
        if autre.any():
            i = autre.idxmax()
            declare = " ".join(
                x
                for x in (
                    f"« {attribuant_nom} »" if attribuant_nom else "",
                    f"(SIRET {attribuant_siret})" if attribuant_siret else "",
                )
                if x
            )
            err(
                f"ce fichier SCDL est celui de « {df.at[i, 'nomAttribuant']} » (idAttribuant "
                f"{df.at[i, 'idAttribuant']}), pas de l'attribuant déclaré {declare} "
                f"({int(autre.sum())} ligne(s) sur {len(df)}) : vérifiez le fichier ou la déclaration",
                ligne=int(lignes[i]),
                colonne="idAttribuant" if attendu else "nomAttribuant",
            )
    if erreurs:
        raise ErreursNettoyage(erreurs)
    df["montant_num"] = valeurs.astype("float64")
    df["siret_beneficiaire"] = df["idBeneficiaire_normalise"]
    df["financeur"] = financeur or ""
    df["version_scdl"] = version_scdl(brut)
    df[COLONNE_LIGNE] = lignes.astype("int64")
    return df


def _raison(s: str) -> str:
    if not s:
        return "identifiant vide"
    if not s.isdigit():
        return "attendu : des chiffres seulement"
    if len(s) not in (9, 14):
        return f"{len(s)} chiffres au lieu de 14 (SIRET) ou 9 (SIREN)"
    if len(s) == 14 and not siren_valide(s[:9]) and s[:9] != SIREN_LA_POSTE:
        return "clé de contrôle (Luhn) du SIREN fausse : chiffre mal recopié ?"
    return "clé de contrôle (Luhn) fausse : chiffre mal recopié ?"


# --------------------------------------------------------------------------------------------- comparaison


def _montants_programmation(programmation: pd.DataFrame, financeur: str) -> pd.Series:
    col = colonne_financeur(financeur)
    if col not in programmation.columns:
        return pd.Series(np.nan, index=programmation.index, dtype="float64")
    serie = programmation[col]
    if serie.dtype == object:
        return lire_montants(serie)[0]
    return pd.to_numeric(serie, errors="coerce").astype("float64")


def comparer(
    scdl: pd.DataFrame, programmation: pd.DataFrame, financeur: str | None = None, tolerance: float = 0.5
) -> pd.DataFrame:
    """Montants accordés par l'attribuant (table SCDL vérifiée, :func:`verifier_scdl`) face aux montants de ce
    financeur dans la programmation (colonne ``montant_<financeur>``), par porteur.

    Rapprochement d'un bénéficiaire SCDL avec un porteur de la programmation, dans l'ordre : même SIRET ; même SIREN
    (si un seul porteur de la programmation l'a) ; même RNA ; même nom normalisé (seulement pour un porteur sans
    SIRET dans la programmation). Une ligne par porteur : ``montant_scdl``, ``montant_programmation``, ``ecart``
    (SCDL − programmation), ``statut`` (« concorde » à ``tolerance`` € près, « diffère », « absent de la
    programmation », « absent du fichier SCDL » — un porteur de la programmation sans montant de ce financeur n'est
    pas listé), ``rapprochement`` (SIRET, SIREN, RNA, nom, ou vide), ``lignes_scdl``, ``actions``."""
    financeur = financeur or (str(scdl["financeur"].iloc[0]) if "financeur" in scdl.columns and len(scdl) else "")
    if financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu : dites quel financeur de la programmation "
            f"l'attribuant SCDL représente ({', '.join(FINANCEURS)})"
        )
    libelle = FINANCEURS[financeur][0]
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

    s = scdl.copy()
    sir = (
        s["siret_beneficiaire"]
        if "siret_beneficiaire" in s.columns
        else s["idBeneficiaire"].map(normaliser_identifiant)
    )
    rna = (
        s["rnaBeneficiaire"].fillna("").map(normaliser_identifiant)
        if "rnaBeneficiaire" in s.columns
        else pd.Series("", index=s.index)
    )
    noms = s["nomBeneficiaire"].map(cle_nom_porteur)
    cles, modes = [], []
    for si, r, n in zip(sir, rna, noms):
        if si in par_siret:
            cles.append(par_siret[si]), modes.append("SIRET")
        elif si[:9] in par_siren:
            cles.append(par_siren[si[:9]]), modes.append("SIREN")
        elif r and r in par_rna:
            cles.append(par_rna[r]), modes.append("RNA")
        elif n in par_nom:
            cles.append(par_nom[n]), modes.append("nom")
        else:
            cles.append(f"scdl:{si or n}"), modes.append("")
    s["_cle"], s["_mode"] = cles, modes
    montants = s["montant_num"] if "montant_num" in s.columns else lire_montants(s["montant"].map(str))[0]
    s["_montant"] = montants
    lignes = s[COLONNE_LIGNE] if COLONNE_LIGNE in s.columns else pd.Series(s.index, index=s.index)
    s["_ligne"] = lignes.astype(str)
    gs = s.groupby("_cle", sort=False)
    cote_scdl = pd.DataFrame(
        {
            "montant_scdl": gs["_montant"].sum(),
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
    attribuant = str(s["nomAttribuant"].iloc[0]) if len(s) else ""
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
            "montant_scdl": tout["montant_scdl"].astype("float64").to_numpy(),
            "montant_programmation": tout["montant_programmation"].astype("float64").to_numpy(),
        }
    )
    sortie["ecart"] = sortie["montant_scdl"] - sortie["montant_programmation"]
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


def compter_statuts(comparaison: pd.DataFrame) -> dict[str, int]:
    """Nombre de porteurs par statut, dans l'ordre de :data:`STATUTS` (0 compris)."""
    comptes = comparaison["statut"].value_counts()
    return {s: int(comptes.get(s, 0)) for s in STATUTS}


def verification_independante(comparaison: pd.DataFrame, fichier: str = "") -> pd.DataFrame:
    """La comparaison mise en forme pour le chapitre de concordance, section « vérification indépendante » : une
    ligne par porteur, ``verification`` (« vérification indépendante »), ``source`` (fichier SCDL), ``libelle``
    (« <financeur> à <porteur> »), ``valeur_independante`` (SCDL), ``valeur_programmation``, ``ecart``, ``statut``,
    ``explication`` (en français)."""
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
        }
    )


# --------------------------------------------------------------------------------------------- territoire (paramètres)


def lire_scdl_du_territoire(cat, params: dict | None) -> list[tuple[dict, pd.DataFrame]]:
    """Les fichiers SCDL déclarés par le paramètre ``scdl`` (liste de {fichier, financeur, attribuant_siret,
    attribuant_nom}), lus dans le dossier des fichiers bruts et vérifiés (:func:`lire_scdl`) : ``[(entrée,
    table)]``, dans l'ordre des paramètres. Un fichier absent, d'un autre attribuant que celui déclaré, ou fautif :
    erreur en français qui nomme le fichier (et la ligne)."""
    sortie = []
    for entree in (params or {}).get("scdl") or []:
        fichier = str(entree.get("fichier", "")).strip()
        chemin = Path(cat.raw_dir) / fichier
        if not chemin.is_file():
            raise ErreurDonnees(
                f"fichier SCDL « {fichier} » (paramètre « scdl ») absent du dossier des fichiers bruts",
                fichier=str(chemin),
            )
        siret = entree.get("attribuant_siret")
        sortie.append(
            (
                dict(entree),
                lire_scdl(
                    chemin,
                    financeur=str(entree.get("financeur", "")).strip() or None,
                    attribuant_siret=str(siret) if siret not in (None, "") else None,
                    attribuant_nom=entree.get("attribuant_nom") or None,
                ),
            )
        )
    return sortie


def verifications_du_territoire(cat, params: dict | None, programmation: pd.DataFrame | None) -> list[dict]:
    """Pour chaque fichier SCDL déclaré, la vérification indépendante de la programmation (table nettoyée, avec ses
    colonnes ``montant_<financeur>``) : une entrée par fichier, dans l'ordre des paramètres, avec ``fichier``,
    ``financeur`` (libellé), ``attribuant`` (nom lu dans le fichier), ``comparaison`` (:func:`comparer`), ``vue``
    (:func:`verification_independante`), ``comptes`` (:func:`compter_statuts`) et ``differences`` (les lignes de
    ``vue`` qui ne concordent pas). Sans programmation : liste vide."""
    if programmation is None:
        return []
    sortie = []
    for entree, table in lire_scdl_du_territoire(cat, params):
        comparaison = comparer(table, programmation, table["financeur"].iloc[0] if len(table) else None)
        vue = verification_independante(comparaison, entree["fichier"])
        sortie.append(
            {
                "fichier": entree["fichier"],
                "financeur": FINANCEURS[table["financeur"].iloc[0]][0],
                "attribuant": str(table["nomAttribuant"].iloc[0]) if len(table) else "",
                "comparaison": comparaison,
                "vue": vue,
                "comptes": compter_statuts(comparaison),
                "differences": vue[vue["statut"] != CONCORDE].reset_index(drop=True),
            }
        )
    return sortie


def tableau_des_comptes(comptes: dict[str, int]) -> pd.DataFrame:
    """Les comptes par statut (:func:`compter_statuts`) en table : ``statut``, ``porteurs`` (0 compris), dans l'ordre
    de :data:`STATUTS`, puis une ligne « ensemble »."""
    lignes = [{"statut": s, "porteurs": int(comptes.get(s, 0))} for s in STATUTS]
    lignes.append({"statut": "ensemble", "porteurs": sum(int(comptes.get(s, 0)) for s in STATUTS)})
    return pd.DataFrame(lignes)


def phrase_verification(verif: dict) -> str:
    """Une phrase en français qui résume une vérification indépendante (:func:`verifications_du_territoire`) :
    nombre de porteurs comparés, qui concordent, qui diffèrent, absents d'un côté (singulier et pluriel)."""
    c = verif["comptes"]
    total = sum(c.values())

    def n(k, sing, plur):
        return f"{k} {sing if abs(k) < 2 else plur}"

    if total == 0:
        return (
            f"Le fichier « {verif['fichier']} » ({verif['attribuant']}) ne contient aucune subvention à comparer "
            f"et la programmation n'a aucun montant de ce financeur ({verif['financeur']})."
        )
    morceaux = [
        n(c[CONCORDE], "concorde", "concordent"),
        n(c[DIFFERE], "diffère", "diffèrent"),
        n(c[ABSENT_PROGRAMMATION], "est absent de la programmation", "sont absents de la programmation"),
        n(c[ABSENT_SCDL], "est absent du fichier SCDL", "sont absents du fichier SCDL"),
    ]
    return (
        f"Vérification indépendante par le fichier « {verif['fichier']} » ({verif['attribuant']}, financeur de la "
        f"programmation : {verif['financeur']}) : {n(total, 'porteur comparé', 'porteurs comparés')} ; "
        f"{', '.join(morceaux[:-1])} et {morceaux[-1]}."
    )


#: Colonnes de :func:`verification_independante` montrées dans la liste des différences, et leurs intitulés.
COLONNES_DIFFERENCES = {
    "libelle": "subvention (financeur à porteur)",
    "valeur_independante": "montant SCDL",
    "valeur_programmation": "montant de la programmation",
    "ecart": "écart (SCDL − programmation)",
    "statut": "statut",
    "explication": "explication",
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
