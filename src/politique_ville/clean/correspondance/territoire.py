"""La correspondance d'un territoire : désignée par ses paramètres, les fichiers qu'elle fait lire, les tables qu'elle
fournit, les tables brutes à nettoyer, et la phrase du journal du nettoyage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance.application import Resultat, appliquer, lire_export
from politique_ville.clean.correspondance.declaration import Correspondance, charger_correspondance
from politique_ville.clean.nettoyage import Referentiels
from politique_ville.reference.etapes import TABLES_FINANCEMENTS
from politique_ville.reference.schemas import renommages_colonnes

#: Paramètre de ``params/<annee>.yaml`` qui désigne la correspondance de l'export de la programmation.
PARAMETRE = "correspondance_programmation"


def chemin_correspondance(cat, params: dict | None) -> Path | None:
    """Le fichier de correspondance désigné par le paramètre ``correspondance_programmation`` (``None`` sans ce
    paramètre) : chemin absolu, ou relatif au dossier des référentiels du territoire, sinon à la racine du projet.
    Introuvable : erreur en français qui dit où il a été cherché."""
    valeur = str((params or {}).get(PARAMETRE) or "").strip()
    if not valeur:
        return None
    chemin = Path(valeur)
    candidats = [chemin] if chemin.is_absolute() else [Path(cat.reference_dir) / chemin, Path(cat.racine) / chemin]
    for c in candidats:
        if c.is_file():
            return c
    raise ErreurDonnees(
        f"fichier de correspondance « {valeur} » (paramètre « {PARAMETRE} ») introuvable ; cherché : "
        f"{', '.join(str(c) for c in candidats)}",
        fichier=valeur,
    )


def tables_de_la_correspondance(corr: Correspondance) -> list[str]:
    """Les tables brutes canoniques qu'une correspondance fournit : ``programmation``, ``financements_programmation``
    quand les montants sont donnés par financeur (disposition longue, ou colonnes par financeur), et les tables
    reprises telles quelles."""
    tables = ["programmation"]
    if corr.disposition == "long" or corr.financeurs:
        tables.append("financements_programmation")
    return tables + [t for t in corr.tables if t not in tables]


def fichiers_du_territoire(cat, params: dict | None) -> dict[str, Path]:
    """Les fichiers que lit le nettoyage en plus des fichiers bruts aux noms du dépôt, pour les clés du runner :
    la correspondance, l'export qu'elle désigne et les tables qu'elle reprend (``{"correspondance:<nom>": chemin}`` ;
    plus le fichier des quartiers quand l'export ne situe ses actions que par leur quartier),
    et les fichiers SCDL du paramètre ``scdl`` et leurs correspondances (``{"scdl:<nom>": chemin}``). Seuls les
    fichiers présents sont rendus ; une correspondance illisible ne donne qu'elle-même (le nettoyage dira pourquoi)."""
    sortie: dict[str, Path] = {}
    try:
        chemin = chemin_correspondance(cat, params)
    except ErreurDonnees:
        chemin = None
    if chemin is not None:
        sortie[f"correspondance:{chemin.name}"] = chemin
        try:
            corr = charger_correspondance(chemin)
        except ErreurDonnees:
            corr = None
        if corr is not None:
            for nom in (corr.fichier, *(spec["fichier"] for spec in corr.tables.values())):
                f = Path(cat.raw_dir) / nom
                if nom and f.is_file():
                    sortie[f"correspondance:{nom}"] = f
            if "communes" not in corr.colonnes and "insee_qpv" in cat.tables_brutes():  # communes tirées des quartiers
                sortie["correspondance:insee_qpv"] = cat.fichier_brut("insee_qpv")
    for entree in (params or {}).get("scdl") or []:
        nom = str(entree.get("fichier", "")) if isinstance(entree, dict) else ""
        f = Path(cat.raw_dir) / nom
        if nom and f.is_file():
            sortie[f"scdl:{nom}"] = f
        yaml_scdl = str(entree.get("correspondance", "") or "") if isinstance(entree, dict) else ""
        if yaml_scdl:  # correspondance d'un fichier de subventions qui a ses propres colonnes
            chemin_yaml = Path(yaml_scdl) if Path(yaml_scdl).is_absolute() else Path(cat.reference_dir) / yaml_scdl
            if chemin_yaml.is_file():
                sortie[f"scdl:{chemin_yaml.name}"] = chemin_yaml
    return sortie


def tables_fournies(cat, params: dict | None) -> set[str]:
    """Tables brutes disponibles pour l'année : les fichiers aux noms du dépôt (``cat.tables_brutes()``) et, si une
    correspondance est déclarée et son export reçu, les tables canoniques qu'elle fournit. C'est ce que le runner
    confronte aux entrées requises d'un chapitre (« programmation présente » suit la correspondance, pas le nom du
    fichier)."""
    presentes = set(cat.tables_brutes())
    try:
        chemin = chemin_correspondance(cat, params)
        corr = charger_correspondance(chemin) if chemin is not None else None
    except ErreurDonnees:
        return presentes
    if corr is not None and corr.fichier and (Path(cat.raw_dir) / corr.fichier).is_file():
        presentes |= set(tables_de_la_correspondance(corr))
    return presentes


def _quartiers_bruts(cat) -> pd.DataFrame | None:
    """La table brute des quartiers, en-têtes de l'INSEE ramenés aux noms internes (code_qp, nom_qp, nom_commune),
    pour les exports qui ne situent leurs actions que par leur quartier."""
    if "insee_qpv" not in cat.tables_brutes():
        return None
    brut = cat.lire_brut("insee_qpv")
    brut = brut.rename(columns=renommages_colonnes("insee_qpv", brut.columns))
    return brut if {"code_qp", "nom_commune"} <= set(brut.columns) else None


def bruts_du_territoire(
    cat, params: dict | None, refs: Referentiels | None, tables: tuple[str, ...] | None = None
) -> tuple[dict[str, pd.DataFrame], Resultat | None]:
    """Les tables brutes à nettoyer (``nettoyage.nettoyer_financements``) : les fichiers aux noms du dépôt présents
    dans ``cat.raw_dir`` (parmi ``tables``, défaut : ``reference.etapes.TABLES_FINANCEMENTS``), puis, si les paramètres
    déclarent une correspondance (``correspondance_programmation``), les tables qu'elle tire de l'export, qui les
    remplacent. Renvoie ``(bruts, resultat)`` ; ``resultat`` (écarts des totaux fournis, porteurs à vérifier) vaut
    ``None`` sans correspondance. Correspondance ou export fautifs : erreurs en français (fichier, ligne, colonne)."""
    tables = TABLES_FINANCEMENTS if tables is None else tables
    presentes = set(cat.tables_brutes())
    bruts = {t: cat.lire_brut(t) for t in tables if t in presentes}
    chemin = chemin_correspondance(cat, params)
    if chemin is None:
        return bruts, None
    corr = charger_correspondance(chemin)
    quartiers = _quartiers_bruts(cat) if "communes" not in corr.colonnes else None
    resultat = appliquer(
        corr,
        lire_export(corr, cat.raw_dir),
        refs,
        quartiers=quartiers,
        autres={t: lire_table(Path(cat.raw_dir) / spec["fichier"]) for t, spec in corr.tables.items()},
    )
    bruts.update(resultat.bruts())
    return bruts, resultat


def resume_correspondance(resultat: Resultat) -> str:
    """Une phrase (Markdown) pour le journal du nettoyage : l'export lu, la correspondance, la disposition, le nombre
    d'actions et de lignes, les écarts de totaux et les identifiants à vérifier (singulier et pluriel)."""
    corr = resultat.correspondance
    prog = resultat.tables["programmation"]
    n = len(prog)
    disposition = (
        "longue : une ligne par action et par financeur"
        if corr.disposition == "long"
        else "large : une ligne par action"
    )
    texte = (
        f"**Programmation lue dans l'export `{corr.fichier}`** par la correspondance `{corr.nom_yaml}` "
        f"(disposition {disposition}) : {n} action{'s' if n > 1 else ''}."
    )
    e = len(resultat.ecarts)
    verifies = int(resultat.ecarts.attrs.get("totaux_verifies", 0))
    if verifies == 0 and e == 0:
        texte += " L'export n'a ni ligne ni colonne de total : aucun total à rapprocher de ses lignes."
    elif e == 0:
        texte += (
            f" {verifies} {'totaux' if verifies > 1 else 'total'} de l'export (par financeur et général) rapproché"
            f"{'s' if verifies > 1 else ''} de la somme de ses lignes : aucun ne diffère."
        )
    else:
        texte += (
            f" Sur {verifies} {'totaux' if verifies > 1 else 'total'} de l'export (par financeur et général), {e} "
            f"diffère{'nt' if e > 1 else ''} de la somme de ses lignes (écart{'s' if e > 1 else ''} listé"
            f"{'s' if e > 1 else ''} ci-dessous avec les deux montants, rappelé{'s' if e > 1 else ''} dans la table "
            f"des financements du chapitre 20 : ce n'est pas une erreur)."
        )
    v = len(resultat.porteurs_a_verifier)
    if v:
        texte += (
            f" {v} identifiant{'s' if v > 1 else ''} (SIRET ou RNA) porte{'nt' if v > 1 else ''} plusieurs noms "
            f"de porteur : listé{'s' if v > 1 else ''} ci-dessous, jamais fusionnés."
        )
    return texte
