"""Les deux dispositions de l'export, lues en actions et en montants par financeur.

- ``large`` : une ligne par action, une colonne par financeur (ou, comme les fichiers transcrits du dépôt,
  directement les colonnes ``droit_commun``, ``credits_specifiques``, ``cget``) ;
- ``long`` : une ligne par action et financeur ; les champs de l'action sont pris sur ses lignes (ils doivent
  concorder d'une ligne à l'autre) ; ``ligne_source`` est la première ligne de l'action, ``lignes_source`` la liste
  de ses lignes (« 3, 4, 9 »).

En disposition longue, un financeur de l'export qui n'a pas de ligne pour une action y vaut 0 € (l'export liste
chaque financeur de chaque action) : le même chiffre dans tous les chapitres ; en disposition large, une cellule vide
reste vide (jamais un 0 inventé). Chacune rend ``(actions, montants, ecarts)`` (:mod:`.totaux` pour les écarts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.clean.correspondance._communs import _Erreurs, _est_total_general, _resoudre_financeur
from politique_ville.clean.correspondance.canon import (
    CHAMPS_ACTION,
    COLONNE_LIGNES,
    FINANCEURS,
    MONTANTS_AGREGES,
    TOTAL_GENERAL,
    colonne_financeur,
)
from politique_ville.clean.correspondance.declaration import Correspondance
from politique_ville.clean.correspondance.montants import _verifier_montants, lire_montants
from politique_ville.clean.correspondance.totaux import COLONNES_ECARTS, _colonne_total_long, _ecarts


def _long(corr: Correspondance, brut: pd.DataFrame, total: pd.Series, nom: str, err: _Erreurs):
    c = corr.colonnes
    col_id, col_fin, col_mt = c["id_action"], c["financeur"], c["montant"]
    ids = brut[col_id].fillna("").map(str).str.strip()
    libelles_fin = brut[col_fin].fillna("").map(str).str.strip()
    codes_par_libelle = {t: _resoudre_financeur(corr, t) for t in pd.unique(libelles_fin) if t}
    codes = libelles_fin.map(codes_par_libelle)
    texte_mt = brut[col_mt].fillna("").map(str)
    valeurs, illisibles = lire_montants(texte_mt)
    lignes = brut[COLONNE_LIGNE]
    _verifier_montants(valeurs, illisibles, texte_mt, lignes, nom, col_mt, err)
    act = ~total
    for ligne in lignes[act & ids.eq("")].head(20):
        err("identifiant d'action vide", fichier=nom, ligne=int(ligne), colonne=col_id)
    # couple (action, financeur) en double
    cles_ = pd.DataFrame({"id": ids, "code": codes})
    doubles = cles_.duplicated(keep=False) & act & ids.ne("")
    if doubles.any():
        for (i, code), groupe in brut[doubles].groupby([ids[doubles], codes[doubles]], sort=False):
            nums = [int(x) for x in groupe[COLONNE_LIGNE]]
            err(
                f"l'action « {i} » a deux lignes pour le financeur « {FINANCEURS[code][0]} » (lignes "
                f"{', '.join(map(str, nums))}) : une seule ligne par action et financeur",
                fichier=nom,
                ligne=nums[1],
                colonne=col_fin,
            )
    # champs de l'action : la première valeur non vide de ses lignes ; deux valeurs différentes sont une erreur
    d = brut[act]
    champs = [ch for ch in CHAMPS_ACTION if ch in c]
    valeurs_champs = pd.DataFrame(
        {ch: d[c[ch]].fillna("").map(str).str.strip().replace("", np.nan) for ch in champs}, index=d.index
    )
    groupes = valeurs_champs.groupby(ids[act], sort=False)
    actions = groupes.first()
    differents = groupes.nunique() > 1
    for ch in champs:
        for i in differents.index[differents[ch]]:
            sel = valeurs_champs.loc[ids[act] == i, ch].dropna()
            v1, v2 = sel.iloc[0], sel[sel != sel.iloc[0]].iloc[0]
            l1, l2 = int(brut.at[sel.index[0], COLONNE_LIGNE]), int(brut.at[sel[sel != v1].index[0], COLONNE_LIGNE])
            err(
                f"l'action « {i} » a deux valeurs de « {ch} » : « {v1} » (ligne {l1}) et « {v2} » (ligne {l2})",
                fichier=nom,
                ligne=l2,
                colonne=c[ch],
            )
    lignes_act = lignes[act].astype(int)
    actions.insert(0, "id_action", actions.index)
    actions[COLONNE_LIGNE] = lignes_act.groupby(ids[act], sort=False).first()
    actions[COLONNE_LIGNES] = _listes_de_lignes(ids[act], lignes_act)
    actions = actions.reset_index(drop=True)
    # montants par action et financeur
    m = pd.DataFrame({"id": ids[act], "code": codes[act], "montant": valeurs[act]})
    m = m[m["code"].notna()]
    g = m.groupby(["id", "code"], sort=False)["montant"]
    montants = g.sum(min_count=1).unstack("code")
    montants = montants.reindex(index=actions["id_action"], columns=[k for k in FINANCEURS if k in montants.columns])
    # un financeur de l'export sans ligne pour une action ne la finance pas : 0 €, le même chiffre dans tous les
    # chapitres (une ligne dont le montant est vide reste vide)
    lignes_par_couple = g.size().unstack("code").reindex(index=montants.index, columns=montants.columns)
    montants = montants.where(lignes_par_couple.notna(), 0.0)
    # totaux fournis : par financeur, et total général (ligne de total sans financeur)
    general = total & (libelles_fin.map(_est_total_general).astype(bool) | codes.isna())
    codes_totaux = codes.where(~general, TOTAL_GENERAL)
    fournis = pd.DataFrame({"code": codes_totaux[total], "montant": valeurs[total], "ligne": lignes[total]})
    ecarts = _ecarts(montants, fournis, nom)
    verifies = int(fournis["montant"].notna().sum())
    if corr.colonne_total:
        ecarts, n = _colonne_total_long(corr.colonne_total, brut, total, ids, montants, nom, err, ecarts)
        verifies += n
    ecarts.attrs["totaux_verifies"] = verifies
    return actions, montants, ecarts


def _listes_de_lignes(ids: pd.Series, lignes: pd.Series) -> list[str]:
    """« 3, 4, 9 » : les lignes de chaque action, dans l'ordre de première apparition des actions (une boucle par
    action, pas par ligne)."""
    codes, _ = pd.factorize(ids, sort=False)
    ordre = np.argsort(codes, kind="stable")
    textes = lignes.to_numpy().astype(str)[ordre]
    bornes = np.cumsum(np.bincount(codes))[:-1]
    return [", ".join(morceau) for morceau in np.split(textes, bornes)]


def _large(corr: Correspondance, brut: pd.DataFrame, total: pd.Series, nom: str, err: _Erreurs):
    c = corr.colonnes
    col_id = c["id_action"]
    act = ~total
    d = brut[act]
    ids = d[col_id].fillna("").map(str).str.strip()
    for ligne in d.loc[ids.eq(""), COLONNE_LIGNE].head(20):
        err("identifiant d'action vide", fichier=nom, ligne=int(ligne), colonne=col_id)
    doubles = ids.duplicated(keep=False) & ids.ne("")
    if doubles.any():
        for i, groupe in d[doubles].groupby(ids[doubles], sort=False):
            nums = [int(x) for x in groupe[COLONNE_LIGNE]]
            err(
                f"identifiant d'action « {i} » en double (lignes {', '.join(map(str, nums))})",
                fichier=nom,
                ligne=nums[1],
                colonne=col_id,
            )
    actions = pd.DataFrame({ch: d[col] for ch, col in c.items() if ch not in ("financeur", "montant")}, index=d.index)
    actions[COLONNE_LIGNE] = d[COLONNE_LIGNE]
    # montants agrégés lus directement (disposition des fichiers transcrits) : vérifiés, gardés tels que reçus
    for ch in MONTANTS_AGREGES:
        if ch in c:
            texte = d[c[ch]].fillna("").map(str)
            valeurs, illisibles = lire_montants(texte)
            _verifier_montants(valeurs, illisibles, texte, d[COLONNE_LIGNE], nom, c[ch], err)
    if not corr.financeurs:
        return actions.reset_index(drop=True), None, pd.DataFrame(columns=COLONNES_ECARTS)
    montants = {}
    fournis = []
    for code, (col,) in ((k, v[:1]) for k, v in corr.financeurs.items()):
        texte = brut[col].fillna("").map(str)
        valeurs, illisibles = lire_montants(texte)
        _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
        montants[code] = valeurs[act].to_numpy()
        for v, ligne in zip(valeurs[total], brut.loc[total, COLONNE_LIGNE]):
            fournis.append({"code": code, "montant": v, "ligne": ligne})
        actions[colonne_financeur(code)] = texte[act]  # texte tel que reçu
    montants = pd.DataFrame(montants, index=ids.to_numpy())[[k for k in FINANCEURS if k in montants]]
    par_action = []
    if corr.colonne_total:
        col = corr.colonne_total
        texte = brut[col].fillna("").map(str)
        valeurs, illisibles = lire_montants(texte)
        _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
        for v, ligne in zip(valeurs[total], brut.loc[total, COLONNE_LIGNE]):
            fournis.append({"code": TOTAL_GENERAL, "montant": v, "ligne": ligne})
        sommes = montants.sum(axis=1, min_count=1).to_numpy()
        for i, v, somme, ligne in zip(ids, valeurs[act], sommes, d[COLONNE_LIGNE]):
            if pd.notna(v) and abs((0.0 if pd.isna(somme) else somme) - v) > 0.5:
                par_action.append(
                    {
                        "financeur": TOTAL_GENERAL,
                        "libelle": f"Action {i} : total de l'action (colonne « {col} »)",
                        "total_fourni": float(v),
                        "somme_actions": 0.0 if pd.isna(somme) else float(somme),
                        "ecart": float(v) - (0.0 if pd.isna(somme) else float(somme)),
                        "fichier": nom,
                        "ligne": int(ligne),
                    }
                )
    ecarts = _ecarts(montants, pd.DataFrame(fournis, columns=["code", "montant", "ligne"]), nom)
    if par_action:
        ecarts = pd.concat([ecarts, pd.DataFrame(par_action, columns=COLONNES_ECARTS)], ignore_index=True)
    ecarts.attrs["totaux_verifies"] = len(fournis) + (int(valeurs[act].notna().sum()) if corr.colonne_total else 0)
    return actions.reset_index(drop=True), montants, ecarts
