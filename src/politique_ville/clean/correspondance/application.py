"""Appliquer une correspondance : l'export tel que reçu -> les tables brutes canoniques (:class:`Resultat`).

:func:`appliquer` valide d'abord (:func:`~.validation.valider`), puis lit les actions et leurs montants selon la
disposition (:mod:`.dispositions`), rapproche les totaux (:mod:`.totaux`), et écrit la table ``programmation`` dans
la disposition brute canonique (textes, colonne ``ligne_source``) : libellés ramenés à la nomenclature, SIRET et
RNA vérifiés et rapprochés du référentiel (:mod:`.porteurs`), type de porteur et communes déduits au besoin,
montants agrégés calculés à partir des financeurs. Toutes les erreurs d'une étape sont levées ensemble
(:class:`~politique_ville.clean.nettoyage.ErreursNettoyage`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance._communs import _Erreurs, _fichier, _masque_total, _proches, par_valeur
from politique_ville.clean.correspondance.canon import (
    COLONNE_LIGNES,
    COLONNE_PORTEUR_EXPORT,
    MONTANTS_AGREGES,
    PROVENANCE_EXPORT,
    colonne_financeur,
)
from politique_ville.clean.correspondance.declaration import Correspondance, charger_correspondance
from politique_ville.clean.correspondance.dispositions import _large, _long
from politique_ville.clean.correspondance.montants import textes_montants
from politique_ville.clean.correspondance.porteurs import (
    COLONNES_NOMS_PAR_IDENTIFIANT,
    _raison_identifiant,
    identifiant_siret_valide,
    noms_par_identifiant,
    normaliser_identifiant,
    porteurs_par_identifiant,
    rna_valide,
)
from politique_ville.clean.correspondance.totaux import _financements
from politique_ville.clean.correspondance.validation import valider
from politique_ville.clean.nettoyage import ErreursNettoyage, Referentiels, cle
from politique_ville.reference.schemas import SCHEMAS


@dataclass
class Resultat:
    """Tables brutes canoniques tirées d'un export, et ce que la correspondance a relevé."""

    #: ``programmation`` (et ``financements_programmation``, et les tables reprises telles quelles)
    tables: dict[str, pd.DataFrame]
    #: total de financeur fourni par l'export qui diffère de la somme des actions : financeur, libelle, total_fourni,
    #: somme_actions, ecart (fourni − somme), fichier, ligne
    ecarts: pd.DataFrame
    #: identifiants (SIRET, RNA) portés par plusieurs noms dans l'export : voir :func:`noms_par_identifiant`
    porteurs_a_verifier: pd.DataFrame
    correspondance: Correspondance

    def bruts(self) -> dict[str, pd.DataFrame]:
        """Les tables à donner à ``nettoyage.nettoyer_financements`` (à fusionner avec les autres tables brutes)."""
        return dict(self.tables)


def lire_export(corr: Correspondance, dossier: Path | str) -> pd.DataFrame:
    """L'export de la programmation, lu tel quel (``catalog.lire_table``) dans le dossier des fichiers bruts."""
    return lire_table(Path(dossier) / corr.fichier)


def appliquer(
    corr: Correspondance,
    brut: pd.DataFrame,
    refs: Referentiels | None = None,
    *,
    quartiers: pd.DataFrame | None = None,
    autres: dict[str, pd.DataFrame] | None = None,
) -> Resultat:
    """Applique la correspondance à l'export ``brut`` (lu par ``catalog.lire_table``) et renvoie les tables brutes
    canoniques. ``refs`` : référentiels du territoire (nomenclature, porteurs) ; ``quartiers`` : table des quartiers
    (``code_qp``, ``nom_qp``, ``nom_commune``) pour les actions repérées par leur seul quartier ; ``autres`` : les
    fichiers des tables reprises telles quelles (``{table: DataFrame}``), lus par l'appelant.

    La correspondance est validée avant tout (:func:`valider`) ; puis les données ; toutes les erreurs d'une étape
    sont levées ensemble (:class:`ErreursNettoyage`)."""
    nom = _fichier(brut, corr.fichier)
    attrs = dict(brut.attrs)
    brut = brut.copy(deep=False)
    brut.attrs = {"source": {"fichier": nom}}  # les attrs sont recopiés à chaque opération de pandas : le minimum
    erreurs = valider(corr, brut, refs)
    if erreurs:
        raise ErreursNettoyage(erreurs)
    err = _Erreurs()
    total = _masque_total(corr, brut)
    donnees = brut[~total]
    if donnees.empty:
        err("l'export ne contient aucune ligne d'action", fichier=nom, ligne=2)
        err.lever()
    if corr.disposition == "long":
        actions, montants, ecarts = _long(corr, brut, total, nom, err)
    else:
        actions, montants, ecarts = _large(corr, brut, total, nom, err)
    err.lever()
    prog, a_verifier = _programmation(corr, actions, montants, refs, quartiers, nom, err)
    err.lever()
    prog.attrs["source"] = {**attrs.get("source", {}), "correspondance": str(corr.chemin or corr.nom_yaml)}
    tables = {"programmation": prog}
    if montants is not None and "financements_programmation" not in corr.tables:
        tables["financements_programmation"] = _financements(montants, ecarts, nom)
    for table, spec in corr.tables.items():
        if autres is None or table not in autres:
            raise ErreurDonnees(
                f"table « {table} » déclarée dans {corr.nom_yaml} mais non fournie", fichier=spec["fichier"]
            )
        tables[table] = reprendre_table(table, autres[table], spec["colonnes"])
    return Resultat(tables=tables, ecarts=ecarts, porteurs_a_verifier=a_verifier, correspondance=corr)


def reprendre_table(table: str, brut: pd.DataFrame, colonnes: dict[str, str]) -> pd.DataFrame:
    """Une table déjà canonique, reprise telle quelle ; ``colonnes`` (champ: colonne du fichier) renomme ses colonnes
    (vide : mêmes noms). Une colonne déclarée absente du fichier est une erreur."""
    nom = _fichier(brut, f"{table}.csv")
    presentes = [c for c in brut.columns if c != COLONNE_LIGNE]
    err = _Erreurs()
    for champ, col in colonnes.items():
        if col not in presentes:
            err(
                f"colonne « {col} » (champ « {champ} » de la table « {table} ») absente du fichier"
                f"{_proches(col, presentes)}",
                fichier=nom,
                ligne=1,
                colonne=col,
            )
    err.lever()
    renommages = {col: champ for champ, col in colonnes.items() if col != champ}
    sortie = brut.rename(columns=renommages) if renommages else brut.copy()
    sortie.attrs = dict(brut.attrs)
    return sortie


def _programmation(
    corr: Correspondance,
    actions: pd.DataFrame,
    montants: pd.DataFrame | None,
    refs: Referentiels | None,
    quartiers: pd.DataFrame | None,
    nom: str,
    err: _Erreurs,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """La table ``programmation`` brute canonique tirée des actions et de leurs montants par financeur, et les
    identifiants portés par plusieurs noms."""
    c = corr.colonnes
    lignes = actions[COLONNE_LIGNE].astype(int)
    out = _champs_des_actions(corr, actions, refs, lignes, nom, err)
    a_verifier = _identifiants_des_porteurs(out, corr, refs, lignes, nom, err)
    if "type_porteur" not in out.columns:
        out["type_porteur"] = _types_de_porteur(out["porteur"], refs, lignes, nom, c["porteur"], err)
    if "communes" not in out.columns:
        out["communes"] = _communes_des_quartiers(out["qpv"], quartiers, lignes, nom, c["qpv"], err)
    if montants is not None:
        _montants_agreges(out, corr, montants)
    # provenance des montants : un montant lu dans l'export (ou calculé à partir de ses montants par financeur) est
    # une donnée reçue, ni reconstruite ni supposée (« publié » du vocabulaire de provenance.py)
    for nat in MONTANTS_AGREGES:
        if nat in out.columns and f"provenance_{nat}" not in out.columns:
            out[f"provenance_{nat}"] = PROVENANCE_EXPORT  # montant vide compris : l'absence est, elle aussi, reçue
    return _colonnes_canoniques(out, actions, montants, lignes), a_verifier


def _champs_des_actions(
    corr: Correspondance, actions: pd.DataFrame, refs: Referentiels | None, lignes: pd.Series, nom: str, err: _Erreurs
) -> pd.DataFrame:
    """Les champs des actions (sans les montants), libellés déclarés ramenés à ceux de la nomenclature ; une action
    sans pilier est une erreur."""
    vide = actions.get("pilier", pd.Series(np.nan, index=actions.index)).fillna("").map(str).str.strip().eq("")
    for i, ligne in zip(actions.loc[vide, "id_action"], lignes[vide]):
        err(f"l'action « {i} » n'a pas de pilier", fichier=nom, ligne=int(ligne), colonne=corr.colonnes["pilier"])
    out = pd.DataFrame(index=actions.index)
    # libellés : correspondance déclarée -> libellé de la nomenclature ; libellé déjà reconnu : gardé tel quel
    for ch in actions.columns:
        if ch in (COLONNE_LIGNE, COLONNE_LIGNES) or ch.startswith("montant_"):
            continue
        serie = actions[ch]
        if ch in corr.libelles and refs is not None:
            table = {cle(k): refs.code(ch, v)[1] for k, v in corr.libelles[ch].items() if refs.code(ch, v)}
            serie = par_valeur(serie, lambda v, t=table: t.get(cle(v), v) if isinstance(v, str) else v)
        out[ch] = serie
    return out


def _identifiants_des_porteurs(
    out: pd.DataFrame, corr: Correspondance, refs: Referentiels | None, lignes: pd.Series, nom: str, err: _Erreurs
) -> pd.DataFrame:
    """SIRET et RNA des porteurs vérifiés et normalisés (dans ``out``), puis rapprochés du référentiel (le nom de
    l'export est gardé dans ``porteur_export`` quand il change) ; rend les identifiants à plusieurs noms."""
    a_verifier = pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    for ch, verifier in (("siret", identifiant_siret_valide), ("rna", rna_valide)):
        if ch not in out.columns:
            continue
        valeurs = par_valeur(out[ch].fillna("").map(str), normaliser_identifiant)
        valides = par_valeur(valeurs, lambda v, f=verifier: not v or f(v))
        for v, brut_, ligne in zip(valeurs[~valides], out.loc[~valides, ch], lignes[~valides]):
            if v:
                err(
                    f"{ch.upper()} « {brut_} » invalide ({_raison_identifiant(ch, v)})",
                    fichier=nom,
                    ligne=int(ligne),
                    colonne=corr.colonnes[ch],
                )
        out[ch] = valeurs.where(valeurs != "", "")
    if "siret" in out.columns or "rna" in out.columns:
        a_verifier = noms_par_identifiant({nom: out.assign(**{COLONNE_LIGNE: lignes})})
        if refs is not None:
            canon = porteurs_par_identifiant(out, refs.porteurs)
            change = canon.notna() & (canon != out["porteur"])
            if change.any():
                out[COLONNE_PORTEUR_EXPORT] = out["porteur"]
                out.loc[change, "porteur"] = canon[change]
    return a_verifier


def _types_de_porteur(
    porteurs: pd.Series, refs: Referentiels | None, lignes: pd.Series, nom: str, col: str, err: _Erreurs
) -> pd.Series:
    """Type de porteur tiré du référentiel quand l'export ne le donne pas ; un porteur sans type est une erreur."""

    def type_de(p):
        canon = refs.porteur(p) if refs is not None and isinstance(p, str) else None
        return (refs.type_du_porteur(canon) if canon else None) or ""

    types = par_valeur(porteurs, type_de)
    if refs is not None:
        for p, ligne in zip(porteurs[types == ""], lignes[types == ""]):
            err(
                f"type de porteur inconnu pour « {p} » : ajoutez le porteur (et son type) à porteurs.csv ou une "
                f"colonne « type_porteur » à la correspondance",
                fichier=nom,
                ligne=int(ligne),
                colonne=col,
            )
    return types


def _montants_agreges(out: pd.DataFrame, corr: Correspondance, montants: pd.DataFrame) -> None:
    """Montants agrégés calculés à partir des financeurs : ``droit_commun`` et ``credits_specifiques`` (selon la
    nature de chaque financeur), ``cget`` (crédits de l'État, BOP 147)."""
    m = montants.reset_index(drop=True)
    for nat in ("droit_commun", "credits_specifiques"):
        cols = [k for k in m.columns if corr.nature_de(k) == nat]
        out[nat] = textes_montants(m[cols].sum(axis=1, min_count=1) if cols else pd.Series(np.nan, index=m.index))
    out["cget"] = textes_montants(
        m["etat_credits_specifiques"] if "etat_credits_specifiques" in m.columns else pd.Series(np.nan, index=m.index)
    )


def _colonnes_canoniques(
    out: pd.DataFrame, actions: pd.DataFrame, montants: pd.DataFrame | None, lignes: pd.Series
) -> pd.DataFrame:
    """Les colonnes du schéma de la programmation (obligatoires ajoutées vides), les colonnes supplémentaires, les
    montants par financeur (texte reçu en disposition large, montant écrit sinon), ``lignes_source`` et
    ``ligne_source`` ; cellules manquantes vides."""
    canoniques = [col.nom for col in SCHEMAS["programmation"].colonnes]
    for col in SCHEMAS["programmation"].obligatoires:
        if col not in out.columns:
            out[col] = ""
    extras = [x for x in ("siret", "rna", COLONNE_PORTEUR_EXPORT, "qpv") if x in out.columns and x not in canoniques]
    sortie = out[[x for x in canoniques if x in out.columns and not x.startswith("montant_")] + extras].copy()
    if montants is not None:
        for code in montants.columns:
            col = colonne_financeur(code)
            sortie[col] = (
                actions[col].to_numpy()
                if col in actions.columns
                else (textes_montants(montants[code].reset_index(drop=True)).to_numpy())
            )
    if COLONNE_LIGNES in actions.columns:
        sortie[COLONNE_LIGNES] = actions[COLONNE_LIGNES]
    sortie[COLONNE_LIGNE] = lignes.astype("int64")
    for col in sortie.columns:
        if col != COLONNE_LIGNE:
            sortie[col] = sortie[col].astype(object).where(sortie[col].notna(), "")
    return sortie.reset_index(drop=True)


def _communes_des_quartiers(qpv: pd.Series, quartiers: pd.DataFrame | None, lignes, nom, col, err) -> list[str]:
    if quartiers is None:
        err(
            "l'export ne donne pas de communes : fournissez la table des quartiers (code_qp, nom_qp, nom_commune) "
            "pour les déduire des quartiers, ou une colonne « communes »",
            fichier=nom,
            ligne=1,
            colonne=col,
        )
        return [""] * len(qpv)
    table = {}
    for code, nom_qp, commune in zip(
        quartiers["code_qp"], quartiers.get("nom_qp", quartiers["code_qp"]), quartiers["nom_commune"]
    ):
        table[cle(str(code))] = str(commune)
        table[cle(str(nom_qp))] = str(commune)
    sortie = []
    for v, ligne in zip(qpv, lignes):
        communes = []
        for q in re.split(r"\s*[,;|/]\s*", str(v or "").strip()):
            if not q:
                continue
            if cle(q) not in table:
                err(f"quartier « {q} » inconnu de la table des quartiers", fichier=nom, ligne=int(ligne), colonne=col)
                continue
            for commune in re.split(r"\s*,\s*", table[cle(q)]):
                if commune not in communes:
                    communes.append(commune)
        sortie.append(", ".join(communes))
    return sortie


def preparer_programmation(
    chemin_yaml: Path | str,
    raw_dir: Path | str,
    refs: Referentiels | None = None,
    *,
    quartiers: pd.DataFrame | None = None,
) -> Resultat:
    """Tout en un, pour le notebook de nettoyage : lit la correspondance, l'export et les tables reprises (dans
    ``raw_dir``), valide, applique. ``Resultat.bruts()`` remplace les tables brutes ``programmation`` et
    ``financements_programmation`` avant ``nettoyer_financements``."""
    corr = charger_correspondance(chemin_yaml)
    brut = lire_export(corr, raw_dir)
    autres = {t: lire_table(Path(raw_dir) / spec["fichier"]) for t, spec in corr.tables.items()}
    return appliquer(corr, brut, refs, quartiers=quartiers, autres=autres)
