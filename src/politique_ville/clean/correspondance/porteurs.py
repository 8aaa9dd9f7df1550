"""Porteurs identifiés : SIRET / SIREN (clé de Luhn, exception de La Poste), RNA ; nom d'affichage et clé de nom.

Un porteur de l'export est rapproché du référentiel des porteurs par son SIRET ou son RNA quand le référentiel les
donne (colonnes facultatives ``siret``, ``rna`` de ``porteurs.csv``) ; deux noms pour un même identifiant sont listés
(:func:`noms_par_identifiant`), jamais fusionnés en silence.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.valeurs import texte_normalise
from politique_ville.clean.correspondance._communs import par_valeur


def normaliser_identifiant(texte) -> str:
    """SIRET / SIREN / RNA sans espaces, points ni tirets, en capitales (« 123 456 789 00012 » -> « 12345678900012 »)."""
    if texte is None or (isinstance(texte, float) and np.isnan(texte)):
        return ""
    return re.sub(r"[\s\u00a0\u202f.\-]", "", str(texte)).upper()


def luhn_valide(chiffres: str) -> bool:
    """Clé de Luhn : en partant de la droite, un chiffre sur deux est doublé (moins 9 s'il dépasse 9) ; la somme est
    un multiple de 10."""
    if not chiffres.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(chiffres)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


#: SIREN de La Poste : ses établissements (sauf le siège, :data:`SIRET_SIEGE_LA_POSTE`, qui suit la règle commune) ont
#: des SIRET dont la somme des chiffres est un multiple de 5 (la clé de Luhn ne s'y applique pas).
SIREN_LA_POSTE = "356000000"
SIRET_SIEGE_LA_POSTE = "35600000000048"


def siren_valide(texte) -> bool:
    """SIREN : 9 chiffres, clé de Luhn."""
    s = normaliser_identifiant(texte)
    return len(s) == 9 and luhn_valide(s)


def siret_valide(texte) -> bool:
    """SIRET : 14 chiffres, clé de Luhn sur les 14 chiffres ; pour les établissements de La Poste (SIREN 356000000,
    hors siège), somme des chiffres multiple de 5."""
    s = normaliser_identifiant(texte)
    if len(s) != 14 or not s.isdigit():
        return False
    if s[:9] == SIREN_LA_POSTE and s != SIRET_SIEGE_LA_POSTE:
        return sum(int(c) for c in s) % 5 == 0
    return luhn_valide(s)


def identifiant_siret_valide(texte) -> bool:
    """Un SIRET (14 chiffres) ou, à défaut, un SIREN (9 chiffres) valide."""
    s = normaliser_identifiant(texte)
    return siret_valide(s) if len(s) == 14 else siren_valide(s)


_RNA = re.compile(r"^W[0-9A-Z]\d{8}$")


def rna_valide(texte) -> bool:
    """Numéro RNA d'une association : « W » suivi de 9 caractères (le premier peut être une lettre : « W2B… »)."""
    return bool(_RNA.match(normaliser_identifiant(texte)))


def _raison_identifiant(genre: str, s: str) -> str:
    if genre == "rna":
        return "attendu : « W » suivi de 9 caractères, ex. « W123456789 »"
    if not s.isdigit():
        return "attendu : des chiffres seulement"
    if len(s) not in (9, 14):
        return f"{len(s)} chiffres au lieu de 14 (SIRET) ou 9 (SIREN)"
    return "clé de contrôle (Luhn) fausse : chiffre mal recopié ?"


_ACRONYMES = {
    "ccas",
    "caf",
    "epci",
    "cci",
    "cma",
    "plie",
    "qpv",
    "sivom",
    "mjc",
    "cpam",
    "adil",
    "apf",
    "aci",
    "bge",
    "cdad",
    "ddpm",
    "ehpad",
    "cidff",
    "sa",
    "sas",
    "sarl",
    "scic",
    "scop",
    "gip",
    "oph",
    "esat",
    "afpa",
    "crij",
    "rsa",
    "pre",
    "cget",
    "anct",
    "ccj",
}
_PARTICULES = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "à",
    "au",
    "aux",
    "sur",
    "sous",
    "pour",
    "d",
    "l",
    "par",
}


def nom_affichage(nom) -> str:
    """Nom de porteur à afficher : espaces unifiés ; un nom tout en capitales (« ASSOCIATION  LES JARDINS DE
    L'AVENIR ») passe en casse de titre, particules en minuscules et sigles gardés (« CCAS DE VAL-D'EXEMPLE » ->
    « CCAS de Val-d'Exemple ») ; un nom en casse mixte est gardé tel quel."""
    if nom is None or (isinstance(nom, float) and np.isnan(nom)):
        return ""
    t = re.sub(r"\s+", " ", str(nom).replace("\u00a0", " ")).strip()
    lettres = [c for c in t if c.isalpha()]
    if not lettres or any(c.islower() for c in lettres):
        return t
    mots = re.split(r"(\s+|-|'|’)", t)
    sortie = []
    for i, m in enumerate(mots):
        b = m.lower()
        if not m or not m.strip() or m in ("-", "'", "’"):
            sortie.append(m)
        elif b in _ACRONYMES:
            sortie.append(m.upper())
        elif b in _PARTICULES and i > 0:
            sortie.append(b)
        else:
            sortie.append(b[:1].upper() + b[1:])
    return "".join(sortie)


def cle_nom_porteur(nom) -> str:
    """Clé de rapprochement d'un nom de porteur : minuscules, sans accents, ponctuation et espaces unifiés
    (« Asso. Les  Jardins » et « ASSO LES JARDINS » ont la même clé)."""
    if nom is None or (isinstance(nom, float) and np.isnan(nom)):
        return ""
    t = texte_normalise(str(nom)).replace("’", "'")
    t = re.sub(r"[^0-9a-z]+", " ", t)
    return t.strip()


def cles_porteurs(df: pd.DataFrame, nom: str = "porteur", siret: str = "siret", rna: str = "rna") -> pd.Series:
    """Clé d'identité de chaque porteur d'une table : « siret:<14 chiffres> » si un SIRET valide est donné (« siren:<9> »
    pour un SIREN seul), sinon « rna:<W…> », sinon « nom:<nom normalisé> »."""
    vide = pd.Series("", index=df.index, dtype=object)
    s = par_valeur((df[siret] if siret in df.columns else vide).fillna(""), normaliser_identifiant)
    r = par_valeur((df[rna] if rna in df.columns else vide).fillna(""), normaliser_identifiant)
    n = par_valeur(df[nom] if nom in df.columns else vide, cle_nom_porteur)
    s_ok = par_valeur(s, identifiant_siret_valide).astype(bool)
    r_ok = par_valeur(r, rna_valide).astype(bool)
    prefixe = np.where(s.str.len() == 9, "siren:", "siret:")
    return pd.Series(np.where(s_ok, prefixe + s, np.where(r_ok, "rna:" + r, "nom:" + n)), index=df.index, dtype=object)


def porteurs_par_identifiant(df: pd.DataFrame, porteurs_ref: pd.DataFrame) -> pd.Series:
    """Nom canonique (référentiel des porteurs) de chaque ligne de ``df`` dont le SIRET ou le RNA figure dans le
    référentiel (colonnes facultatives ``siret`` et ``rna`` de ``porteurs.csv``) ; NaN sinon. Le SIRET l'emporte sur
    le RNA ; un SIRET absent du référentiel est cherché par son SIREN s'il ne désigne qu'un porteur."""
    sortie = pd.Series(np.nan, index=df.index, dtype=object)
    if porteurs_ref is None or porteurs_ref.empty:
        return sortie
    for col in ("siret", "rna"):
        if col not in df.columns or col not in porteurs_ref.columns:
            continue
        ref = porteurs_ref[[col, "porteur_canonique"]].copy()
        ref[col] = ref[col].fillna("").map(normaliser_identifiant)
        ref = ref[ref[col] != ""].drop_duplicates()
        table = ref.groupby(col)["porteur_canonique"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan)
        valeurs = df[col].fillna("").map(normaliser_identifiant)
        trouve = valeurs.map(table)
        if col == "siret":
            sirens = (
                ref.assign(siren=ref[col].str[:9])
                .groupby("siren")["porteur_canonique"]
                .agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan)
            )
            trouve = trouve.where(trouve.notna(), valeurs.str[:9].map(sirens))
        sortie = sortie.where(sortie.notna(), trouve)
    return sortie


COLONNES_NOMS_PAR_IDENTIFIANT = ["identifiant", "genre", "noms", "nombre_de_noms", "tables", "lignes"]


def noms_par_identifiant(
    tables: dict[str, pd.DataFrame], nom: str = "porteur", siret: str = "siret", rna: str = "rna"
) -> pd.DataFrame:
    """Les identifiants (SIRET, RNA) portés par plusieurs noms, à travers des tables et des années (``{libellé de la
    table: DataFrame}`` ; par ex. ``{"programmation 2031": p1, "programmation 2032": p2}``). Deux noms de même clé
    normalisée (« ASSO X » / « Asso X ») ne comptent qu'une fois ; les autres sont listés, jamais fusionnés :
    une ligne par identifiant, ``noms`` (noms d'affichage séparés par « | »), ``tables``, ``lignes`` (« table : 3, 7 »)."""
    morceaux = []
    for libelle, df in tables.items():
        if nom not in df.columns:
            continue
        for col, genre in ((siret, "SIRET"), (rna, "RNA")):
            if col not in df.columns:
                continue
            ids = par_valeur(df[col].fillna(""), normaliser_identifiant)
            lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(df.index, index=df.index)
            morceaux.append(
                pd.DataFrame(
                    {
                        "identifiant": ids,
                        "genre": genre,
                        "nom": df[nom].astype(object),
                        "cle": par_valeur(df[nom], cle_nom_porteur),
                        "table": libelle,
                        "ligne": lignes.astype(int),
                    }
                )[ids != ""]
            )
    if not morceaux:
        return pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    tout = pd.concat(morceaux, ignore_index=True)
    nb = tout.groupby(["genre", "identifiant"])["cle"].nunique()
    multiples = nb[nb > 1].index
    if not len(multiples):
        return pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    lignes = []
    tout = tout.set_index(["genre", "identifiant"]).loc[multiples].reset_index()
    for (genre, ident), sel in tout.groupby(["genre", "identifiant"], sort=False):
        noms = list(dict.fromkeys(nom_affichage(n) for n in sel.drop_duplicates("cle")["nom"]))
        par_table = [f"{t} : {', '.join(map(str, g['ligne']))}" for t, g in sel.groupby("table", sort=False)]
        lignes.append(
            {
                "identifiant": ident,
                "genre": genre,
                "noms": " | ".join(noms),
                "nombre_de_noms": len(noms),
                "tables": ", ".join(dict.fromkeys(sel["table"])),
                "lignes": " ; ".join(par_table),
            }
        )
    return pd.DataFrame(lignes, columns=COLONNES_NOMS_PAR_IDENTIFIANT)
