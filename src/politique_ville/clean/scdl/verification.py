"""Lire et vérifier un fichier SCDL : reconnaître ses colonnes (ou les ramener au schéma par une correspondance),
enchaîner les contrôles (:mod:`.controles`), rassembler les écarts au schéma (:mod:`.conformite`) avec leur
traitement, numéroter les subventions et dire ce qui est fait de chaque ligne (:class:`~.schema.Subventions`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance import FINANCEURS
from politique_ville.clean.nettoyage import cle
from politique_ville.clean.scdl._communs import _proches, _Releve
from politique_ville.clean.scdl.conformite import _SANS_ECART, valider_schema
from politique_ville.clean.scdl.controles import (
    _lire_beneficiaires,
    _lire_dates,
    _lire_montants,
    _lire_parts,
    _verifier_attribuant,
    _verifier_natures,
)
from politique_ville.clean.scdl.schema import (
    ACCEPTE,
    AUTRE_EXERCICE,
    COLONNES_A_VERIFIER,
    COLONNES_ECARTS_SCHEMA,
    COLONNES_ESSENTIELLES,
    COLONNES_SCDL_V2_1,
    COMPTEE,
    ECARTEE,
    TOLERANCE_PARTS,
    VERSIONS,
    Subventions,
    _presentes,
    est_scdl,
    renommages_scdl,
    version_scdl,
)


def lire_scdl(
    chemin: Path | str,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
    annee: int | None = None,
    colonnes: dict[str, str] | None = None,
) -> Subventions:
    """Lit un fichier SCDL « Subventions » (``catalog.lire_table``) et le vérifie (:func:`verifier_scdl`)."""
    return verifier_scdl(
        lire_table(chemin),
        financeur=financeur,
        attribuant_siret=attribuant_siret,
        attribuant_nom=attribuant_nom,
        annee=annee,
        colonnes=colonnes,
    )


def verifier_scdl(
    brut: pd.DataFrame,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
    annee: int | None = None,
    colonnes: dict[str, str] | None = None,
) -> Subventions:
    """Vérifie une table SCDL lue telle quelle (voir le docstring du paquet) et la rend en :class:`Subventions`.

    ``financeur`` : code canonique du financeur de la programmation que l'attribuant représente
    (:data:`correspondance.FINANCEURS`) ; ``attribuant_siret`` / ``attribuant_nom`` : l'attribuant déclaré (le SIRET
    l'emporte ; un SIRET et un SIREN se comparent par le SIREN) ; ``annee`` : l'année du rapport (lignes d'un autre
    exercice mises à part) ; ``colonnes`` : correspondance {champ du schéma: colonne du fichier} d'un fichier qui a
    ses propres colonnes."""
    source = brut.attrs.get("source", {})
    nom = source.get("fichier", "fichier SCDL")
    encodage = source.get("encodage", "")
    if financeur is not None and financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu (financeurs permis : {', '.join(FINANCEURS)})", fichier=nom
        )
    presentes_fichier = [c for c in brut.columns if c != COLONNE_LIGNE]
    if colonnes:
        brut = _selon_la_correspondance(brut, colonnes, presentes_fichier, nom, source)
    _exiger_scdl(brut, presentes_fichier, nom)
    version = "correspondance" if colonnes else version_scdl(brut)
    version_schema = "2.1" if colonnes else version
    renommages = renommages_scdl(brut.columns)
    noms_fichier = {v: k for k, v in renommages.items()} | {
        c: c for c in brut.columns if c in COLONNES_SCDL_V2_1 and c not in renommages
    }
    if colonnes:
        noms_fichier |= dict(colonnes)
    df = _table_au_schema(brut, renommages, nom)
    releve = _Releve(nom, df[COLONNE_LIGNE])
    _constats_de_forme(releve, encodage, version, renommages, noms_fichier, presentes_fichier)
    # les contrôles, colonne par colonne ; leurs erreurs sont levées ensemble
    cles_att = _verifier_attribuant(df, noms_fichier, releve, attribuant_siret, attribuant_nom)
    siret, rna = _lire_beneficiaires(df, noms_fichier, releve, version_schema)
    montants = _lire_montants(df, noms_fichier, releve)
    pourcentage = _lire_parts(df, noms_fichier, releve)
    date_conv, exercice, hors_annee = _lire_dates(df, noms_fichier, releve, annee)
    _verifier_natures(df, noms_fichier, releve)
    releve.lever()
    ecarts_schema = _ecarts_au_schema(df, version_schema, noms_fichier, releve)
    # subventions : les lignes d'une même subvention (une par bénéficiaire)
    df["montant_num"] = montants
    df["pourcentage"] = pourcentage
    df["part"] = montants * pourcentage
    df["siret_beneficiaire"] = siret
    df["rna_beneficiaire"] = rna
    df["date_convention"] = date_conv
    df["exercice"] = exercice
    df["id_subvention"] = _numeros_de_subvention(df, cles_att, date_conv, montants)
    df["traitement"] = _traitements(releve.motif, hors_annee, date_conv, annee)
    df["motif"] = releve.motif
    df["financeur"] = financeur or ""
    df["version_scdl"] = version
    sortie = df[[*COLONNES_SCDL_V2_1, *(c for c in df.columns if c not in COLONNES_SCDL_V2_1)]].copy()
    sortie.attrs = {"source": dict(source)}
    return Subventions(
        fichier=nom,
        version=version,
        lignes=sortie.reset_index(drop=True),
        ecarts_schema=ecarts_schema,
        subventions_a_verifier=_parts_a_verifier(df).reset_index(drop=True),
        financeur=financeur or "",
        annee=annee,
        encodage=encodage,
    )


def _selon_la_correspondance(
    brut: pd.DataFrame, colonnes: dict[str, str], presentes_fichier: list, nom: str, source: dict
) -> pd.DataFrame:
    """Un fichier qui a ses propres colonnes, ramené aux noms du schéma par sa correspondance (champs connus du
    schéma, colonnes présentes dans le fichier)."""
    releve = _Releve(nom, pd.Series(dtype="int64"))
    inconnus = [ch for ch in colonnes if ch not in COLONNES_SCDL_V2_1]
    absentes = [c for c in colonnes.values() if c not in presentes_fichier]
    for ch in inconnus:
        releve.err(
            f"champ « {ch} » de la correspondance inconnu du schéma SCDL (champs : "
            f"{', '.join(COLONNES_SCDL_V2_1)}){_proches(ch, COLONNES_SCDL_V2_1)}",
            ligne=1,
        )
    for c in absentes:
        releve.err(f"colonne « {c} » (correspondance) absente du fichier{_proches(c, presentes_fichier)}", 1, c)
    releve.lever()
    brut = brut.rename(columns={c: ch for ch, c in colonnes.items()})
    brut.attrs = {"source": source}
    return brut


def _exiger_scdl(brut: pd.DataFrame, presentes_fichier: list, nom: str) -> None:
    """Un fichier sans les colonnes essentielles du schéma n'est pas un fichier SCDL : erreur qui dit lesquelles."""
    if est_scdl(brut):
        return
    manquantes = [c for c in COLONNES_ESSENTIELLES if c not in _presentes(brut)]
    if not {"idBeneficiaire", "rnaBeneficiaire"} & _presentes(brut):
        manquantes.append("idBeneficiaire (ou rnaBeneficiaire)")
    raise ErreurDonnees(
        f"ce n'est pas un fichier SCDL « Subventions » : colonne(s) absente(s) "
        f"{', '.join(manquantes)} (colonnes trouvées : {', '.join(presentes_fichier)}) ; un fichier qui a ses "
        f"propres colonnes se lit par une correspondance (clé « correspondance » du paramètre scdl)",
        fichier=nom,
        ligne=1,
    )


def _table_au_schema(brut: pd.DataFrame, renommages: dict, nom: str) -> pd.DataFrame:
    """La table aux noms du schéma 2.1 : ``ligne_source`` (lignes du fichier), chaque colonne du schéma présente
    (vide si le fichier ne l'a pas), en texte sans espaces de bord. Un fichier sans ligne est une erreur."""
    df = brut.rename(columns=renommages).copy()
    lignes = (
        df[COLONNE_LIGNE].astype("int64")
        if COLONNE_LIGNE in df.columns
        else pd.Series(range(2, len(df) + 2), index=df.index)
    )
    df[COLONNE_LIGNE] = lignes
    if df.empty:
        raise ErreurDonnees("le fichier ne contient aucune subvention", fichier=nom, ligne=2)
    for c in COLONNES_SCDL_V2_1:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str).str.strip()
    return df


def _constats_de_forme(
    releve: _Releve, encodage: str, version: str, renommages: dict, noms_fichier: dict, presentes_fichier: list
) -> None:
    """Écarts de forme du fichier, acceptés : encodage, ordre, noms et casse des colonnes, colonnes hors schéma."""
    if encodage == "cp1252-bom":
        releve.constat(
            1, "", "", "encodage UTF-8", f"{ACCEPTE} : octets Windows-1252 derrière un BOM UTF-8, lus en Windows-1252"
        )
    elif encodage in ("cp1252", "latin-1"):
        releve.constat(1, "", "", "encodage UTF-8", f"{ACCEPTE} : fichier lu en {encodage}")
    ordre_schema = [c for c in COLONNES_SCDL_V2_1 if c in noms_fichier]
    ordre_fichier = [renommages.get(c, c) for c in presentes_fichier if renommages.get(c, c) in COLONNES_SCDL_V2_1]
    if version not in ("1.0", "correspondance") and ordre_fichier != ordre_schema:
        releve.constat(1, "", "", "ordre des colonnes du schéma", f"{ACCEPTE} : colonnes rapprochées par leur nom")
    if version == "1.0":
        releve.constat(1, "", "", "noms de colonnes de la version 1.0", f"{ACCEPTE} : ramenés aux noms de la 1.1")
    elif version != "correspondance" and any(renommages.get(c, c) != str(c).strip() for c in renommages):
        releve.constat(1, "", "", "noms de colonnes du schéma (casse)", f"{ACCEPTE} : casse ignorée")
    hors_schema = [c for c in presentes_fichier if c not in noms_fichier.values()]
    if hors_schema:
        releve.constat(1, ", ".join(hors_schema), "", "colonnes du schéma seulement", f"{ACCEPTE} : colonnes ignorées")


def _ecarts_au_schema(df: pd.DataFrame, version_schema: str, noms_fichier: dict, releve: _Releve) -> pd.DataFrame:
    """Écarts au schéma relevés par frictionless, avec ce que la lecture en a fait ; puis les écarts constatés par la
    lecture seule. Une ligne par cellule, triées par ligne et colonne."""
    colonnes_ecarts = COLONNES_ECARTS_SCHEMA
    faits = pd.concat(
        [pd.DataFrame(releve.constats, columns=colonnes_ecarts), *releve.morceaux], ignore_index=True
    ).drop_duplicates(["ligne", "colonne"])
    schema = valider_schema(df, version_schema, noms_fichier) if version_schema in VERSIONS else _SANS_ECART
    schema = schema.drop_duplicates(["ligne", "colonne"]).merge(
        faits[["ligne", "colonne", "traitement"]], on=["ligne", "colonne"], how="left"
    )
    # 2.1 : identifiant vide avec un RNA (contrôle « one-of-required » du schéma)
    schema = schema[~(schema["champ"].eq("idBeneficiaire") & schema["valeur"].eq("") & schema["traitement"].isna())]
    defaut = np.where(
        schema["regle"].eq("colonne obligatoire"),
        f"{ACCEPTE} : colonne absente, valeurs vides",
        f"{ACCEPTE} : valeur non utilisée par la vérification",
    )
    schema = schema.assign(traitement=schema["traitement"].fillna(pd.Series(defaut, index=schema.index)))
    cles_schema = set(zip(schema["ligne"], schema["colonne"]))
    restants = faits[
        pd.Series([k not in cles_schema for k in zip(faits["ligne"], faits["colonne"])], index=faits.index, dtype=bool)
    ]
    ecarts_schema = pd.concat([schema[colonnes_ecarts], restants[colonnes_ecarts]], ignore_index=True)
    ecarts_schema = ecarts_schema.sort_values(["ligne", "colonne"], kind="stable").reset_index(drop=True)
    ecarts_schema["ligne"] = ecarts_schema["ligne"].astype("int64")
    return ecarts_schema


def _numeros_de_subvention(
    df: pd.DataFrame, cles_att: pd.Series, date_conv: pd.Series, montants: pd.Series
) -> pd.Series:
    """Les lignes d'une même subvention (même attribuant, ``referenceDecision``, ``dateConvention``, ``objet`` et
    ``montant``) portent le même numéro, à partir de 1 dans l'ordre du fichier."""
    cle_sub = pd.DataFrame(
        {
            "a": cles_att,
            "r": df["referenceDecision"].map(cle),
            "d": date_conv.astype(str),
            "o": df["objet"].map(cle),
            "m": montants.round(2).astype(str),
        }
    )
    return cle_sub.groupby(list(cle_sub.columns), sort=False, dropna=False).ngroup() + 1


def _traitements(motif: pd.Series, hors_annee: pd.Series, date_conv: pd.Series, annee: int | None) -> pd.Series:
    """Ce qui est fait de chaque ligne : comptée, autre exercice (motif ajouté dans ``motif``), écartée (un motif)."""
    traitement = pd.Series(COMPTEE, index=motif.index, dtype=object)
    traitement[hors_annee] = AUTRE_EXERCICE
    motif[hors_annee & (motif == "")] = [
        f"convention du {d.strftime('%d/%m/%Y') if d else '?'} hors de l'exercice {annee}"
        if d is not None and d.year != annee
        else f"versement hors de l'exercice {annee}"
        for d in date_conv[hors_annee & (motif == "")]
    ]
    traitement[motif.ne("") & ~hors_annee] = ECARTEE
    return traitement


def _parts_a_verifier(df: pd.DataFrame) -> pd.DataFrame:
    """Parts d'une subvention au-delà de 100 % (au moins une part écrite) : un écart listé avec ses lignes."""
    g = df.assign(_explicite=df["pourcentageSubvention"].ne("")).groupby("id_subvention", sort=False)
    parts = g.agg(
        parts=("pourcentage", "sum"),
        explicites=("_explicite", "any"),
        referenceDecision=("referenceDecision", "first"),
        dateConvention=("dateConvention", "first"),
        objet=("objet", "first"),
        montant=("montant_num", "first"),
    )
    parts = parts[parts["explicites"] & (parts["parts"] > 1 + TOLERANCE_PARTS)]
    if len(parts):
        sel = df[df["id_subvention"].isin(parts.index)]
        parts["lignes"] = sel.groupby("id_subvention", sort=False)[COLONNE_LIGNE].agg(
            lambda x: ", ".join(str(int(v)) for v in x)
        )
    a_verifier = parts.reset_index().assign(id_subvention=lambda d: d["id_subvention"].astype(int))
    return a_verifier.reindex(columns=COLONNES_A_VERIFIER)
