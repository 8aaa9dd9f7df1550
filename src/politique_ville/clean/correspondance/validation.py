"""Confronter une correspondance à l'export, sans rien transformer : colonnes présentes, libellés et financeurs
reconnus, cibles connues de la nomenclature. Chaque erreur en français nomme fichier, ligne et colonne (avec les
colonnes ou libellés les plus proches)."""

from __future__ import annotations

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance._communs import (
    _Erreurs,
    _est_total_general,
    _fichier,
    _masque_total,
    _premieres_lignes,
    _proches,
    _resoudre_financeur,
    par_valeur,
)
from politique_ville.clean.correspondance.canon import FINANCEURS, TYPES_LIBELLES
from politique_ville.clean.correspondance.declaration import Correspondance
from politique_ville.clean.nettoyage import Referentiels, cle


def _libelles_nomenclature(refs: Referentiels, type_: str) -> list[str]:
    return sorted({lib for _, lib in refs._nomenclature.get(type_, {}).values()})


def valider(corr: Correspondance, brut: pd.DataFrame, refs: Referentiels | None = None) -> list[ErreurDonnees]:
    """Confronte la correspondance à l'export (sans rien transformer) : colonnes présentes, libellés et financeurs
    reconnus, cibles connues de la nomenclature. Renvoie la liste des erreurs (vide si tout va bien)."""
    err = _Erreurs()
    nom = _fichier(brut, corr.fichier)
    _verifier_colonnes(corr, brut, nom, err)
    if err.liste:
        return err.liste
    total = _masque_total(corr, brut)
    if corr.disposition == "long":
        _verifier_financeurs_longs(corr, brut, total, nom, err)
    if refs is not None:
        _verifier_libelles(corr, brut[~total], refs, nom, err)
    return err.liste


def _verifier_colonnes(corr: Correspondance, brut: pd.DataFrame, nom: str, err: _Erreurs) -> None:
    """Chaque colonne nommée par la correspondance (champs, financeurs en disposition large, totaux) est dans
    l'export."""
    colonnes = [c for c in brut.columns if c != COLONNE_LIGNE]
    mapping = dict(corr.colonnes)
    if corr.disposition == "large":
        mapping.update({f"financeurs.{code}": noms[0] for code, noms in corr.financeurs.items()})
    for champ, col in mapping.items():
        if col not in colonnes:
            cles_yaml = ("programmation", *champ.split(".")) if "." in champ else ("programmation", "colonnes", champ)
            ligne_yaml = corr.ligne(*cles_yaml)
            ou = f"{corr.nom_yaml}, ligne {ligne_yaml}" if ligne_yaml else corr.nom_yaml
            err(
                f"colonne « {col} » (champ « {champ} », {ou}) absente de l'export{_proches(col, colonnes)} ; "
                f"colonnes de l'export : {', '.join(colonnes)}",
                fichier=nom,
                ligne=1,
                colonne=col,
            )
    if corr.colonne_total and corr.colonne_total not in colonnes:
        err(
            f"colonne « {corr.colonne_total} » de « colonne_total » absente de l'export"
            f"{_proches(corr.colonne_total, colonnes)}",
            fichier=nom,
            ligne=1,
            colonne=corr.colonne_total,
        )
    if corr.ligne_total and corr.ligne_total[0] not in colonnes:
        err(
            f"colonne « {corr.ligne_total[0]} » de « ligne_total » absente de l'export{_proches(corr.ligne_total[0], colonnes)}",
            fichier=nom,
            ligne=1,
            colonne=corr.ligne_total[0],
        )


def _verifier_financeurs_longs(
    corr: Correspondance, brut: pd.DataFrame, total: pd.Series, nom: str, err: _Erreurs
) -> None:
    """Disposition longue : chaque libellé de financeur reconnu, un financeur sous un seul nom, aucun financeur
    vide."""
    col = corr.colonnes["financeur"]
    valeurs = brut[col].fillna("").map(str).str.strip()
    # sur une ligne de total, un libellé qui n'est pas un financeur (vide, « Total », « Tous financeurs »,
    # « Total programmation »…) désigne le total général
    general = total & par_valeur(
        valeurs, lambda t: _est_total_general(t) or _resoudre_financeur(corr, t) is None
    ).astype(bool)
    premieres = _premieres_lignes(valeurs[~general], brut.loc[~general, COLONNE_LIGNE])
    par_code: dict[str, list[str]] = {}
    for texte, ligne in premieres.items():
        if not texte:
            continue
        code = _resoudre_financeur(corr, texte)
        if code is None:
            canon = [v[0] for v in FINANCEURS.values()]
            err(
                f"financeur « {texte} » sans correspondance : ajoutez-le à « financeurs » dans {corr.nom_yaml} ; "
                f"financeurs canoniques : {', '.join(f'{c} ({v[0]})' for c, v in FINANCEURS.items())}"
                f"{_proches(texte, [*canon, *(n for v in FINANCEURS.values() for n in v[2])])}",
                fichier=nom,
                ligne=int(ligne),
                colonne=col,
            )
        else:
            par_code.setdefault(code, []).append(texte)
    for code, noms in par_code.items():
        if len(noms) > 1:
            detail = " et ".join(f"« {n} » (ligne {int(premieres[n])})" for n in noms)
            err(
                f"le financeur « {FINANCEURS[code][0]} » apparaît sous deux noms : {detail} ; un même financeur "
                f"doit avoir un seul nom dans l'export (sinon ses montants seraient comptés à part)",
                fichier=nom,
                ligne=int(max(premieres[n] for n in noms)),
                colonne=col,
            )
    vides = valeurs.eq("") & ~total
    for ligne in brut.loc[vides, COLONNE_LIGNE].head(20):
        err("financeur vide", fichier=nom, ligne=int(ligne), colonne=col)


def _verifier_libelles(
    corr: Correspondance, donnees: pd.DataFrame, refs: Referentiels, nom: str, err: _Erreurs
) -> None:
    """Libellés de la nomenclature : les cibles déclarées existent, et chaque libellé de l'export (lignes d'action
    ``donnees``) est déclaré ou reconnu."""
    lignes = donnees[COLONNE_LIGNE]
    for type_, table in corr.libelles.items():
        permis = _libelles_nomenclature(refs, type_)
        for source, cible in table.items():
            if refs.code(type_, cible) is None:
                err(
                    f"{type_} « {cible} » (cible de « {source} ») absent(e) de la nomenclature ; libellés "
                    f"canoniques : {', '.join(permis)}{_proches(cible, permis)}",
                    fichier=corr.nom_yaml,
                    ligne=corr.ligne("programmation", "libelles", type_, source),
                    colonne=f"libelles.{type_}",
                )
    for type_ in TYPES_LIBELLES:
        if type_ not in corr.colonnes:
            continue
        col = corr.colonnes[type_]
        declares = {cle(k) for k in corr.libelles.get(type_, {})}
        valeurs = donnees[col].fillna("").map(str).str.strip()
        permis = _libelles_nomenclature(refs, type_)
        for texte, ligne in _premieres_lignes(valeurs, lignes).items():
            if not texte or cle(texte) in declares or refs.code(type_, texte) is not None:
                continue
            err(
                f"{type_} « {texte} » sans correspondance : ajoutez-le à « libelles: {type_}: » dans "
                f"{corr.nom_yaml} ; libellés canoniques : {', '.join(permis)}{_proches(texte, permis)}",
                fichier=nom,
                ligne=int(ligne),
                colonne=col,
            )
