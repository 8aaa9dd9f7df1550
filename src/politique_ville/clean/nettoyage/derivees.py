"""Tables dérivées des tables nettoyées : une ligne par commune, valeurs manquantes de l'INSEE et leur motif,
clés du fichier de provenance."""

from __future__ import annotations

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.valeurs import MOTIF_NON_DISPONIBLE, MOTIF_SECRET, motif_manquant
from politique_ville.clean.nettoyage.erreurs import _Erreurs
from politique_ville.clean.nettoyage.referentiels import Referentiels
from politique_ville.reference.schemas import INDICATEURS_INSEE, genre_implicite, renommages_colonnes


def communes_eclatees(df: pd.DataFrame, cle_col: str, colonne: str, refs: Referentiels) -> pd.DataFrame:
    """Une ligne par (clé, commune) : un QPV ou une action sur plusieurs communes les garde toutes."""
    lignes = []
    totaux = df["est_total"] if "est_total" in df.columns else [False] * len(df)
    par_nom: dict[str, tuple[str | None, bool]] = {}  # commune -> (code INSEE, périmètre), cherchés une fois
    for cle_, valeur, total, ligne in zip(df[cle_col], df[colonne], totaux, df[COLONNE_LIGNE]):
        if total or not isinstance(valeur, str):
            continue
        for i, nom in enumerate(valeur.split(", ")):  # cellule nettoyée : noms officiels séparés par « , »
            if nom not in par_nom:
                par_nom[nom] = (refs.code_insee(nom) or None, refs.commune(nom) is None)
            code, perimetre = par_nom[nom]
            lignes.append(
                {
                    cle_col: cle_,
                    "commune": nom,
                    "code_insee": code,
                    "rang": i + 1,
                    "perimetre": perimetre,
                    COLONNE_LIGNE: ligne,
                }
            )
    return pd.DataFrame(lignes, columns=[cle_col, "commune", "code_insee", "rang", "perimetre", COLONNE_LIGNE])


#: Marqueurs explicites de l'INSEE, dont le motif l'emporte sur celui du fichier de provenance.
_MARQUEURS_EXPLICITES = {
    "s": MOTIF_SECRET,
    "n.s.": MOTIF_SECRET,
    "n.s": MOTIF_SECRET,
    "ns": MOTIF_SECRET,
    "nd": MOTIF_NON_DISPONIBLE,
    "n.d.": MOTIF_NON_DISPONIBLE,
    "n.d": MOTIF_NON_DISPONIBLE,
}


def valeurs_manquantes_insee(
    qpv: pd.DataFrame, provenance: pd.DataFrame | None, brut: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Chaque cellule manquante d'un indicateur INSEE, avec son motif, jamais 0 :

    - marqueur de l'INSEE dans le fichier brut (``brut`` : la table telle que lue, reliée par ``ligne_source``) :
      « s », « S », « n.s. » -> « secret statistique » ; « nd », « ND », « n.d. » -> « non disponible » ; ce motif
      l'emporte sur celui du fichier de provenance ;
    - case vide (ou autre marqueur : « - », « n.c. »…) : le motif donné par le fichier de provenance s'il y en a
      un, sinon celui du marqueur (case vide : « secret statistique », convention de l'INSEE ; « - », « n.c. » :
      « non disponible »).

    ``commentaire`` : celui du fichier de provenance, sinon le marqueur lu (« marqueur « nd » du fichier »)."""

    motifs = {}
    if provenance is not None and not provenance.empty:
        p = provenance[provenance["fichier"].str.startswith("insee_qpv")]
        motifs = {(c, v): (m, com) for c, v, m, com in zip(p["cle"], p["variable"], p["provenance"], p["commentaire"])}
    bruts: dict[int, dict] = {}
    if brut is not None and COLONNE_LIGNE in brut.columns:
        try:
            renomme = brut.rename(
                columns=renommages_colonnes("insee_qpv", [c for c in brut.columns if c != COLONNE_LIGNE])
            )
        except ValueError:
            renomme = brut
        bruts = {int(n): rec for n, rec in zip(renomme[COLONNE_LIGNE], renomme.to_dict("records"))}
    lignes = []
    indicateurs = [c.nom for c in INDICATEURS_INSEE if c.nom in qpv.columns] + [
        c for c in qpv.columns if genre_implicite("insee_qpv", c) and c not in {i.nom for i in INDICATEURS_INSEE}
    ]
    for _, q in qpv.iterrows():
        cellules = bruts.get(int(q[COLONNE_LIGNE]), {})
        for var in indicateurs:
            if not pd.isna(q[var]):
                continue
            marqueur = cellules.get(var)
            texte = marqueur.strip().lower() if isinstance(marqueur, str) else ""
            if texte in _MARQUEURS_EXPLICITES:
                motif = _MARQUEURS_EXPLICITES[texte]
                commentaire = (
                    motifs.get((q["code_qp"], var), (None, ""))[1] or f"marqueur « {marqueur.strip()} » du fichier"
                )
            elif (q["code_qp"], var) in motifs:
                motif, commentaire = motifs[(q["code_qp"], var)]
            else:
                motif = motif_manquant(marqueur) or MOTIF_SECRET
                commentaire = f"marqueur « {marqueur.strip()} » du fichier" if texte else ""
            if motif not in (MOTIF_SECRET, MOTIF_NON_DISPONIBLE):
                motif = MOTIF_SECRET
            lignes.append(
                {
                    "code_qp": q["code_qp"],
                    "variable": var,
                    "motif": motif,
                    "commentaire": commentaire,
                    COLONNE_LIGNE: q[COLONNE_LIGNE],
                }
            )
    return pd.DataFrame(lignes, columns=["code_qp", "variable", "motif", "commentaire", COLONNE_LIGNE])


def verifier_provenance_insee(
    provenance: pd.DataFrame, qpv: pd.DataFrame, references: pd.DataFrame, fichier: str = "insee_provenance.csv"
):
    """Les clés du fichier de provenance désignent des quartiers et niveaux qui existent (« code QPV inconnu »)."""
    err = _Erreurs(fichier)
    codes = set(qpv["code_qp"])
    niveaux = set(references["niveau"])
    for fichier_, cle_, ligne in zip(provenance["fichier"], provenance["cle"], provenance[COLONNE_LIGNE]):
        if fichier_.startswith("insee_qpv") and cle_ not in codes:
            err(f"code de quartier inconnu « {cle_} » (absent de insee_qpv)", ligne=int(ligne), colonne="cle")
        elif fichier_.startswith("insee_references") and cle_ not in niveaux:
            err(f"niveau de comparaison inconnu « {cle_} »", ligne=int(ligne), colonne="cle")
    err.lever()
