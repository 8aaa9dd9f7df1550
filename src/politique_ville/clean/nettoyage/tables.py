"""Une table brute nettoyée selon son schéma : en-têtes, colonnes obligatoires, valeurs par défaut, règles des
colonnes, clé, lignes de total, règles entre colonnes ; plusieurs tables, erreurs rassemblées."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import ValeurIllisible, est_manquant, lire_nombre
from politique_ville.clean.nettoyage._communs import _texte, _vide, cle
from politique_ville.clean.nettoyage.colonnes import _nettoyer_colonne
from politique_ville.clean.nettoyage.erreurs import ErreursNettoyage, _Erreurs
from politique_ville.clean.nettoyage.journal import Journal
from politique_ville.clean.nettoyage.referentiels import Referentiels
from politique_ville.reference.schemas import (
    GENRES_NUMERIQUES,
    SCHEMAS,
    Colonne,
    Schema,
    genre_implicite,
    renommages_colonnes,
)


@dataclass
class TableNettoyee:
    table: str
    fichier: str
    donnees: pd.DataFrame
    brut: pd.DataFrame


def nettoyer_table(
    table: str, brut: pd.DataFrame, refs: Referentiels, journal: Journal | None = None, schema: Schema | None = None
) -> TableNettoyee:
    """Nettoie une table brute selon son schéma. Lève :class:`ErreursNettoyage` (fichier, ligne, colonne)."""
    schema = schema or SCHEMAS[table]
    journal = journal if journal is not None else Journal()
    fichier = brut.attrs.get("source", {}).get("fichier", f"{table}.csv")
    err = _Erreurs(fichier)
    brut_recu = brut
    brut = _renommer_colonnes(table, brut, journal, err)
    colonnes = [c for c in brut.columns if c != COLONNE_LIGNE]
    manquantes = [c for c in schema.obligatoires if c not in colonnes]
    for c in manquantes:
        err(f"colonne obligatoire absente (colonnes trouvées : {', '.join(colonnes)})", ligne=1, colonne=c)
    err.lever()
    connues = {c.nom for c in schema.colonnes}
    inconnues = [c for c in colonnes if c not in connues and genre_implicite(table, c) is None]
    if inconnues:
        journal.avertir(f"{fichier} : colonne(s) non prévue(s) gardée(s) telle(s) quelle(s) : {', '.join(inconnues)}")
    if brut.empty:
        err("le fichier ne contient aucune ligne de données", ligne=2)
        err.lever()

    df = brut.copy()
    lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    df[COLONNE_LIGNE] = lignes.astype(int)
    for colonne in schema.colonnes:  # colonne absente du fichier mais qui a une valeur par défaut
        if colonne.defaut is not None and colonne.nom not in df.columns:
            df[colonne.nom] = colonne.defaut
            journal.noter(
                table,
                f"colonne absente du fichier : valeur par défaut « {colonne.defaut} »",
                colonne.nom,
                pd.Series(None, index=df.index, dtype="object"),
                df[colonne.nom],
            )
    # espaces de bord
    for c in colonnes:
        avant = df[c]
        df[c] = avant.map(lambda v: v.strip() if isinstance(v, str) else v)
        journal.noter(table, "espaces de début et de fin retirés", c, avant, df[c])

    est_total = pd.Series(False, index=df.index)
    if schema.ligne_total:
        col, val = schema.ligne_total
        est_total = df[col].map(lambda v: cle(str(v)) == cle(val))
        df["est_total"] = est_total

    for colonne in schema.colonnes:
        if colonne.nom not in df.columns:
            continue
        _nettoyer_colonne(table, df, colonne.nom, colonne.genre, colonne, refs, journal, err, lignes, est_total)
    for c in colonnes:
        genre = genre_implicite(table, c)
        if c not in connues and genre:
            _nettoyer_colonne(
                table, df, c, genre, Colonne(c, genre, obligatoire=False), refs, journal, err, lignes, est_total
            )
    for colonne in schema.colonnes:
        if colonne.non_vide and colonne.nom in df.columns:
            test = est_manquant if colonne.genre in GENRES_NUMERIQUES else _vide
            vides = df[colonne.nom].map(test) & ~est_total
            for idx in df.index[vides]:
                err("valeur obligatoire manquante", ligne=int(lignes[idx]), colonne=colonne.nom)
    if schema.cle:
        _verifier_cle(df[~est_total], schema.cle, lignes, err)
    _regles_de_table(table, df, refs, journal, err, lignes)
    if schema.ligne_total:
        _verifier_totaux(df, schema, lignes, err)
    err.lever()
    return TableNettoyee(table, fichier, df.reset_index(drop=True), brut_recu)


def _renommer_colonnes(table: str, brut: pd.DataFrame, journal: Journal, err: _Erreurs) -> pd.DataFrame:
    """En-têtes d'un fichier de l'INSEE ramenés aux noms internes (``schemas.renommages_colonnes``), notés au
    journal ; les autres tables sont rendues telles quelles."""
    try:
        renommages = renommages_colonnes(table, [c for c in brut.columns if c != COLONNE_LIGNE])
    except ValueError as exc:
        err(str(exc), ligne=1)
        err.lever()
    if not renommages:
        return brut
    journal.renommer(table, renommages)
    renomme = brut.rename(columns=renommages)
    renomme.attrs = dict(brut.attrs)
    return renomme


def _verifier_cle(df: pd.DataFrame, colonnes: tuple[str, ...], lignes, err):
    presentes = [c for c in colonnes if c in df.columns]
    if not presentes:
        return
    textes = [df[c].map(_texte) for c in presentes]
    cles = pd.Series([" | ".join(t) for t in zip(*textes)] if len(df) else [], index=df.index, dtype=object)
    doubles = cles.duplicated(keep=False)
    if not doubles.any():
        return
    for valeur, groupe in df[doubles].groupby(cles[doubles], sort=False):
        if len(groupe) > 1:
            nums = [int(lignes[i]) for i in groupe.index]
            err(
                f"identifiant « {valeur} » en double (lignes {', '.join(map(str, nums))})",
                ligne=nums[1],
                colonne=presentes[0] if len(presentes) == 1 else ", ".join(presentes),
            )


def _verifier_totaux(df: pd.DataFrame, schema: Schema, lignes, err):
    """Une ligne de total imprimée doit égaler la somme des lignes de détail qui la précèdent (si elles ont un montant)."""
    montants = [c.nom for c in schema.par_genre("montant") if c.nom in df.columns]
    debut = 0
    for pos, (idx, total) in enumerate(df.iterrows()):
        if not total["est_total"]:
            continue
        detail = df.iloc[debut:pos]
        detail = detail[~detail["est_total"]]
        for m in montants:
            if pd.isna(total[m]) or detail.empty or detail[m].isna().all():
                continue
            somme = detail[m].sum()
            if abs(somme - total[m]) > 0.5:
                err(
                    f"ligne de total incohérente : {_texte(total[m])} imprimé, {_texte(somme)} pour la somme des lignes "
                    f"{int(lignes[detail.index[0]])} à {int(lignes[detail.index[-1]])}",
                    ligne=int(lignes[idx]),
                    colonne=m,
                )
        debut = pos + 1


def _regles_de_table(table, df, refs: Referentiels, journal, err, lignes):
    """Règles entre colonnes : cohérence pilier/thématique, priorités connues de la feuille de route."""
    # Chaque règle est évaluée sur les valeurs des colonnes (sans construire une ligne pandas par ligne du fichier) ;
    # seules les lignes fautives sont reprises, dans l'ordre du fichier, pour écrire les messages.
    if {"thematique_code", "pilier_code"} <= set(df.columns):

        def parent_contredit(theme, pilier):
            if _vide(theme) or _vide(pilier):
                return None
            parent = refs.parent("thematique", theme)
            return parent if parent and parent != pilier else None

        parents = [parent_contredit(t, p) for t, p in zip(df["thematique_code"], df["pilier_code"])]
        for idx, parent in zip(df.index, parents):
            if parent is not None:
                err(
                    f"la thématique « {df.at[idx, 'thematique']} » relève du pilier « {parent} », pas de "
                    f"« {df.at[idx, 'pilier']} »",
                    ligne=int(lignes[idx]),
                    colonne="thematique",
                )
    fdr = refs.feuille_de_route
    if table != "feuille_de_route" and fdr is not None and "priorite" in df.columns:
        priorites = set(fdr["priorite"].dropna().astype(int))
        sous = set(fdr["sous_priorite"].dropna())
        prio = df["priorite"]
        sp_col = df["sous_priorite"] if "sous_priorite" in df.columns else pd.Series(None, index=df.index, dtype=object)
        p_faux = prio.map(lambda p: not pd.isna(p) and int(p) not in priorites).astype(bool)
        sp_a_voir = ~sp_col.map(_vide).astype(bool)
        for idx in df.index[(p_faux | sp_a_voir).to_numpy(dtype=bool)]:
            p = prio[idx]
            if p_faux[idx]:
                err(f"priorité {p} absente de la feuille de route", ligne=int(lignes[idx]), colonne="priorite")
            sp = sp_col[idx]
            if sp_a_voir[idx]:
                if sp not in sous:
                    err(
                        f"sous-priorité {sp} absente de la feuille de route",
                        ligne=int(lignes[idx]),
                        colonne="sous_priorite",
                    )
                elif not pd.isna(p) and not sp.startswith(f"{int(p)}."):
                    err(
                        f"sous-priorité {sp} incompatible avec la priorité {p}",
                        ligne=int(lignes[idx]),
                        colonne="sous_priorite",
                    )
    if table == "indicateurs_actions" and "valeur" in df.columns:
        valeurs = []
        for v, lecture in zip(df["valeur"], df.get("lecture_numerique", pd.Series(np.nan, index=df.index))):
            try:
                valeurs.append(lire_nombre(v))
            except ValeurIllisible:
                valeurs.append(lecture if not pd.isna(lecture) else math.nan)
        df["valeur_num"] = pd.Series(valeurs, index=df.index, dtype="float64")
        journal.noter(
            table, "valeur lue comme nombre (texte gardé dans « valeur »)", "valeur", df["valeur"], df["valeur_num"]
        )


def _nettoyer_tables(
    tables: tuple[str, ...], bruts: dict[str, pd.DataFrame], refs: Referentiels, journal: Journal
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables présentes, dans l'ordre donné ; rassemble les erreurs de toutes les tables."""
    sorties: dict[str, pd.DataFrame] = {}
    erreurs: list[ErreurDonnees] = []
    for table in tables:
        if table not in bruts:
            continue
        try:
            sorties[table] = nettoyer_table(table, bruts[table], refs, journal).donnees
        except ErreursNettoyage as exc:
            erreurs += exc.erreurs
            continue
        if table == "feuille_de_route":  # les priorités des autres tables sont vérifiées contre elle
            refs.feuille_de_route = sorties[table]
    if erreurs:
        raise ErreursNettoyage(erreurs)
    return sorties
