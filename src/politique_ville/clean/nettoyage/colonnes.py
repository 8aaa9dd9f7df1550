"""Règles d'une colonne selon son genre : nombres à la française, communes, porteurs, nomenclature, priorités,
codes de quartier, provenances. Une étape nommée par genre."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import ValeurIllisible, est_manquant, lire_nombre
from politique_ville.clean.nettoyage._communs import SEPARATEUR_COMMUNES, _vide
from politique_ville.reference.schemas import COLONNE_GEOGRAPHIE, GENRES_NUMERIQUES, PROVENANCES, geographie_qpv


def _nettoyer_colonne(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total):
    """Nettoie la colonne ``nom`` de ``df`` (en place) selon son genre : une étape par genre ; ``id`` et texte : rien
    de plus que les espaces de bord déjà retirés."""
    avant = df[nom].copy()
    etape = _colonne_nombres if genre in GENRES_NUMERIQUES else _ETAPES_PAR_GENRE.get(genre)
    if etape is not None:
        etape(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant)


def _nombres_lus(table, df, nom, genre, colonne, journal, err, lignes, avant) -> pd.Series:
    """Les nombres de la colonne lus à la française (montant « dont … » gardé à part, revenu mensuel × 12)."""
    valeurs = []
    for idx, v in avant.items():
        try:
            x = lire_nombre(v, "montant" if genre == "montant" else ("auto" if genre == "nombre" else "taux"))
        except ValeurIllisible as exc:
            err(f"{exc} (attendu : {_LIBELLE_GENRE[genre]})", ligne=int(lignes[idx]), colonne=nom)
            x = math.nan
        valeurs.append(x)
    serie = pd.Series(valeurs, index=df.index, dtype="float64")
    if genre == "montant":
        # « 280 000 (dont 35 000 Pol Ville) » : la précision « dont » est gardée dans sa propre colonne
        dont = avant.map(lambda v: _montant_dont(v))
        if dont.notna().any():
            df[f"{nom}_dont"] = dont
            journal.noter(
                table,
                "montant « dont … » entre parenthèses gardé à part",
                f"{nom}_dont",
                avant[dont.notna()],
                dont[dont.notna()],
            )
    if colonne.unite_brute == "€ par mois":
        serie = serie * 12
        journal.noter(table, "revenu mensuel converti en annuel (× 12)", nom, avant, serie)
    return serie


def _verifier_nombres(serie, nom, genre, err, lignes, est_total, avant):
    """Bornes d'un nombre selon son genre : jamais négatif (sauf « nombre »), taux dans [0, 100], effectif et année
    entiers, année vraisemblable. Comparaisons faites sur les tableaux numpy de la colonne (une valeur manquante
    n'est jamais hors bornes) : une colonne d'un territoire de quelques lignes en coûtait surtout les frais de pandas."""
    v = serie.to_numpy(dtype="float64", na_value=np.nan)
    index = serie.index
    with np.errstate(invalid="ignore"):
        if genre != "nombre":
            for idx in index[(v < 0) & ~est_total.to_numpy(dtype=bool)]:
                err(
                    f"valeur négative ({avant[idx]}) : un {_LIBELLE_GENRE[genre]} ne peut pas être négatif",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
        if genre == "taux":
            for idx in index[v > 100]:
                err(f"taux de {avant[idx]} hors de l'intervalle [0, 100]", ligne=int(lignes[idx]), colonne=nom)
        connus = ~np.isnan(v)
        if genre in ("effectif", "annee"):
            for idx in index[connus & (np.mod(v, 1) != 0)]:
                err(f"« {avant[idx]} » n'est pas un nombre entier", ligne=int(lignes[idx]), colonne=nom)
        if genre == "annee":
            for idx in index[connus & ((v < 1900) | (v > 2100))]:
                err(f"année « {avant[idx]} » invraisemblable", ligne=int(lignes[idx]), colonne=nom)


def _colonne_nombres(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Montants, taux, indices, effectifs, années, nombres : lus, vérifiés, arrondis, notés au journal."""
    serie = _nombres_lus(table, df, nom, genre, colonne, journal, err, lignes, avant)
    _verifier_nombres(serie, nom, genre, err, lignes, est_total, avant)
    if colonne.decimales is not None:
        arrondie = serie.round(colonne.decimales)
        if not journal.muet and ((arrondie - serie).abs() > 0).any():
            journal.noter(table, f"bruit de calcul arrondi à {colonne.decimales} décimale(s)", nom, serie, arrondie)
        serie = arrondie
    if genre in ("effectif", "annee"):
        serie = serie.astype("Int64")
    if journal.muet:  # ce qui suit ne sert qu'au journal
        df[nom] = serie
        return
    simple = avant.map(lambda v: _vide(v) or bool(re.fullmatch(r"-?\d+(\.\d+)?", str(v).strip())))
    journal.noter(
        table, f"nombre écrit à la française lu comme {_LIBELLE_GENRE[genre]}", nom, avant[~simple], serie[~simple]
    )
    marqueurs = avant.map(lambda v: not _vide(v) and est_manquant(v))
    journal.noter(
        table,
        "marqueur de valeur manquante (« - », « n.c. »…) : manquant, jamais 0",
        nom,
        avant[marqueurs],
        serie[marqueurs],
    )
    df[nom] = serie


def _colonne_communes(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Chaque commune d'une cellule ramenée à son nom officiel (ou à un périmètre connu)."""
    df[f"{nom}_brut"] = avant
    resultat = []
    for idx, v in avant.items():
        if est_total[idx] or _vide(v):
            resultat.append(v if isinstance(v, str) and v.strip() else None)
            continue
        noms = []
        for morceau in SEPARATEUR_COMMUNES.split(v):
            if not morceau:
                continue
            trouve = refs.commune(morceau) or refs.perimetre(morceau)
            if trouve is None:
                err(
                    f"commune inconnue « {morceau} » ({refs.conseil_commune()})",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
                trouve = morceau
            if trouve not in noms:
                noms.append(trouve)
        resultat.append(", ".join(noms))
    df[nom] = resultat
    journal.noter(table, "commune ramenée au nom officiel", nom, avant, df[nom])


def _colonne_porteur(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Porteur ramené à son nom canonique ; son type tiré du référentiel s'il manque."""
    df[f"{nom}_brut"] = avant
    resultat = []
    for idx, v in avant.items():
        if _vide(v):
            resultat.append(None)
            continue
        canon = refs.porteur(v)
        if canon is None:
            err(
                f"porteur inconnu « {v} » : {refs.conseil_porteur()}",
                ligne=int(lignes[idx]),
                colonne=nom,
            )
        resultat.append(canon)
    df[nom] = resultat
    df["porteur_canonique"] = df[nom]
    if "type_porteur" not in df.columns:  # tableaux de porteurs : type tiré du référentiel
        df["type_porteur"] = [refs.type_du_porteur(p) if p else None for p in resultat]
    journal.noter(table, "porteur ramené à son nom canonique", nom, avant, df[nom])


def _colonne_nomenclature(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Type de porteur, pilier, thématique : libellé et code de la nomenclature."""
    codes, libelles = [], []
    for idx, v in avant.items():
        if _vide(v):
            codes.append(None)
            libelles.append(None)
            continue
        trouve = refs.code(genre, v)
        if trouve is None:
            permis = sorted({lg for _, lg in refs._nomenclature.get(genre, {}).values()})
            err(
                f"{_LIBELLE_GENRE[genre]} inconnu(e) « {v} » (valeurs permises : {', '.join(permis)})",
                ligne=int(lignes[idx]),
                colonne=nom,
            )
            codes.append(None)
            libelles.append(None)
        else:
            codes.append(trouve[0])
            libelles.append(trouve[1])
    df[nom] = libelles
    df[f"{nom}_code"] = codes
    journal.noter(table, f"{_LIBELLE_GENRE[genre]} ramené(e) au libellé de la nomenclature", nom, avant, df[nom])


def _colonne_priorite(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Priorité lue comme numéro (« Priorité n° 7 », « P7 », « 7 »)."""
    resultat = []
    for idx, v in avant.items():
        if _vide(v):
            resultat.append(pd.NA)
            continue
        m = re.fullmatch(r"(?i)(?:priorit[ée]\s*(?:n\s*°|no|n°)?\s*|p)?\s*(\d{1,2})\.?", str(v).strip())
        if not m:
            err(f"priorité illisible « {v} » (attendu : un numéro, ex. « 7 »)", ligne=int(lignes[idx]), colonne=nom)
            resultat.append(pd.NA)
        else:
            resultat.append(int(m.group(1)))
    df[nom] = pd.array(resultat, dtype="Int64")
    journal.noter(table, "priorité lue comme numéro", nom, avant, df[nom])


def _colonne_sous_priorite(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Sous-priorité écrite « n.m »."""
    resultat = []
    for idx, v in avant.items():
        if _vide(v):
            resultat.append(None)
            continue
        m = re.fullmatch(r"(?i)(?:priorit[ée]\s*|p)?\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\.?", str(v).strip())
        if not m:
            err(f"sous-priorité illisible « {v} » (attendu : « 7.3 »)", ligne=int(lignes[idx]), colonne=nom)
            resultat.append(None)
        else:
            resultat.append(f"{int(m.group(1))}.{int(m.group(2))}")
    df[nom] = resultat
    journal.noter(table, "sous-priorité écrite « n.m »", nom, avant, df[nom])


def _colonne_code_qp(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Géographie prioritaire de chaque code de quartier ; jamais deux géographies dans un fichier."""
    geographies = []
    premiers: dict[str, tuple[str, int]] = {}  # géographie -> (premier code, sa ligne)
    for idx, v in avant.items():
        if _vide(v):
            geographies.append(None)
            continue
        try:
            geo = geographie_qpv(str(v))
        except ValueError as exc:
            err(str(exc), ligne=int(lignes[idx]), colonne=nom)
            geographies.append(None)
            continue
        geographies.append(geo)
        premiers.setdefault(geo, (str(v), int(lignes[idx])))
    if "2015" in premiers and "2024" in premiers:
        (c15, l15), (c24, l24) = premiers["2015"], premiers["2024"]
        err(
            f"le fichier mêle les deux géographies prioritaires : « {c15} » (ligne {l15}) est un code de la "
            f"géographie 2015 (« QP… »), « {c24} » (ligne {l24}) un code de la géographie 2024 (« QN… ») ; "
            f"aucune valeur ne se compare d'une géographie à l'autre : un fichier par géographie",
            ligne=max(l15, l24),
            colonne=nom,
        )
    if table in ("insee_qpv", "insee_qpv_comparaison"):
        df[COLONNE_GEOGRAPHIE] = geographies
        journal.noter(
            table,
            "géographie prioritaire du code de quartier (2015 « QP… », 2024 « QN… », locale « LOC-… »)",
            COLONNE_GEOGRAPHIE,
            pd.Series(None, index=df.index, dtype="object"),
            df[COLONNE_GEOGRAPHIE],
        )


def _colonne_provenance(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total, avant):
    """Provenance parmi celles permises."""
    for idx, v in avant.items():
        if not _vide(v) and v not in PROVENANCES:
            err(
                f"provenance « {v} » inconnue (permises : {', '.join(PROVENANCES)})",
                ligne=int(lignes[idx]),
                colonne=nom,
            )


#: L'étape de chaque genre qui n'est pas numérique (``id`` et texte : aucune).
_ETAPES_PAR_GENRE = {
    "communes": _colonne_communes,
    "porteur": _colonne_porteur,
    "type_porteur": _colonne_nomenclature,
    "pilier": _colonne_nomenclature,
    "thematique": _colonne_nomenclature,
    "priorite": _colonne_priorite,
    "sous_priorite": _colonne_sous_priorite,
    "code_qp": _colonne_code_qp,
    "provenance": _colonne_provenance,
}


def _montant_dont(texte) -> float:
    """Le montant d'une précision « (dont 35 000 Pol Ville) », sinon NaN."""
    if not isinstance(texte, str):
        return math.nan
    m = re.search(r"\(\s*dont\s+([\d\s.,\u00a0\u202f]+)", texte)
    if not m:
        return math.nan
    try:
        return lire_nombre(m.group(1).strip(), "montant")
    except ValeurIllisible:
        return math.nan


_LIBELLE_GENRE = {
    "montant": "montant en euros",
    "taux": "taux en %",
    "indice": "indice",
    "effectif": "effectif",
    "annee": "année",
    "nombre": "nombre",
    "type_porteur": "type de porteur",
    "pilier": "pilier",
    "thematique": "thématique",
}
