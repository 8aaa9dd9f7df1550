"""Recalcul des chiffres publiés à partir des tables, et table de concordance.

Le registre des chiffres publiés, le langage de recalcul (colonne ``calcul``), la règle de comparaison et les
statuts sont ceux de :mod:`politique_ville.published.chiffres` (un seul moteur) ; ce module fournit les tables (brutes,
traitées, en mémoire) et la table de concordance de l'année, chaque chiffre publié avec sa valeur recalculée, son
statut, le genre du résultat (nature de la vérification d'un chiffre identique ; taille d'un écart dépendant ou non
d'un choix de reconstruction) et les lignes des tables utilisées.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import ErreurCalcul
from politique_ville.published.chiffres import (  # noqa: F401 (le langage de recalcul, lu aussi par ce nom)
    FONCTIONS,
    Nature,
    Registre,
    Resultat,
    Statut,
    charger_tables,
    concorde,
    evaluer,
    genre,
)


class FournisseurTables:
    """Donne les tables par nom, avec un cache ; ``chargeur(nom) -> DataFrame``."""

    def __init__(self, chargeur: Callable[[str], pd.DataFrame]):
        self._chargeur = chargeur
        self._cache: dict[str, pd.DataFrame] = {}

    def __call__(self, nom: str) -> pd.DataFrame:
        if nom not in self._cache:
            self._cache[nom] = self._chargeur(nom)
        return self._cache[nom]


def fournisseur_brut(catalogue: Catalogue) -> FournisseurTables:
    """Tables brutes de l'année, enrichies de ``porteur_canonique`` quand la table a une colonne ``porteur``."""
    alias = None
    chemin_alias = catalogue.reference_dir / "porteurs.csv"

    def charger(nom: str) -> pd.DataFrame:
        nonlocal alias
        df = catalogue.lire_brut(nom)
        if "porteur" in df.columns and chemin_alias.is_file():
            if alias is None:
                ref = catalogue.lire_reference("porteurs")
                alias = dict(zip(ref["alias"], ref["porteur_canonique"]))
            df = df.copy()
            df["porteur_canonique"] = df["porteur"].map(lambda p: alias.get(p, alias.get(str(p).strip())))
        return df

    return FournisseurTables(charger)


def fournisseur_memoire(tables: dict[str, pd.DataFrame]) -> FournisseurTables:
    """Tables déjà chargées (par ex. les tables traitées d'une exécution)."""

    def charger(nom: str) -> pd.DataFrame:
        if nom not in tables:
            raise KeyError(f"table « {nom} » absente (tables disponibles : {', '.join(sorted(tables))})")
        return tables[nom]

    return FournisseurTables(charger)


def fournisseur_traite(catalogue: Catalogue) -> FournisseurTables:
    """Tables traitées de l'année (``data/processed/<annee>/*.parquet``)."""

    def charger(nom: str) -> pd.DataFrame:
        chemin = catalogue.processed_dir / f"{nom}.parquet"
        if not chemin.is_file():
            raise FileNotFoundError(f"table traitée absente : {chemin} (lancez d'abord le nettoyage)")
        return pd.read_parquet(chemin)

    return FournisseurTables(charger)


# --------------------------------------------------------------------------------------------- concordance

STATUT_IDENTIQUE = Statut.IDENTIQUE
STATUT_ECART_DOCUMENTE = Statut.ECART_DOCUMENTE
STATUT_ECART_NON_EXPLIQUE = Statut.ECART_NON_EXPLIQUE
STATUT_NON_RECALCULABLE = Statut.NON_RECALCULABLE
#: les deux statuts d'écart (documenté ou non)
STATUTS_ECART = (Statut.ECART_DOCUMENTE, Statut.ECART_NON_EXPLIQUE)


def table_concordance(chiffres: pd.DataFrame, ecarts: pd.DataFrame | None, tables) -> pd.DataFrame:
    """Chaque chiffre publié à côté de sa valeur recalculée, avec son statut (:class:`Statut`), le genre du résultat
    et l'explication des écarts documentés. Une expression que les tables ne permettent pas d'évaluer donne « non
    recalculable », et l'explication dit pourquoi."""
    lignes = []
    for c in Registre.depuis_tables(chiffres, ecarts):
        recalc, sources, message = math.nan, {}, ""
        if not c.calcul:
            statut = Statut.NON_RECALCULABLE
        else:
            try:
                r = evaluer(c.calcul, tables)
                recalc, sources = r.valeur, r.sources
                statut = c.comparer(recalc)
            except ErreurCalcul as exc:
                # les tables ne permettent pas de recalculer le chiffre : « non recalculable » (jamais un écart),
                # comme dans les chapitres ; l'explication dit pourquoi
                statut = Statut.NON_RECALCULABLE
                message = f"recalcul impossible : {exc}"
        lignes.append(
            {
                "id": c.id,
                "section": c.section,
                "libelle": c.libelle,
                "valeur_publiee": c.valeur,
                "unite": c.unite,
                "approximatif": c.approximatif,
                "valeur_recalculee": recalc,
                "ecart": (recalc - c.valeur) if not math.isnan(recalc) else math.nan,
                "statut": str(statut),
                "genre": genre(statut, c.nature),
                "nature": c.nature,
                "derive": c.derive,
                "ecart_documente": c.documente,
                "explication": c.explication or message,
                "citation": c.citation,
                "calcul": c.calcul,
                "sources": "; ".join(f"{t} l. {_plages(n)}" for t, n in sources.items()),
            }
        )
    return pd.DataFrame(lignes, columns=COLONNES_CONCORDANCE)


COLONNES_CONCORDANCE = [
    "id",
    "section",
    "libelle",
    "valeur_publiee",
    "unite",
    "approximatif",
    "valeur_recalculee",
    "ecart",
    "statut",
    "genre",
    "nature",
    "derive",
    "ecart_documente",
    "explication",
    "citation",
    "calcul",
    "sources",
]


def _plages(nums: list[int]) -> str:
    """[2, 3, 4, 7] -> « 2-4, 7 »."""
    if not nums:
        return "aucune"
    morceaux, debut, prec = [], nums[0], nums[0]
    for n in nums[1:]:
        if n == prec + 1:
            prec = n
            continue
        morceaux.append(f"{debut}-{prec}" if debut != prec else str(debut))
        debut = prec = n
    morceaux.append(f"{debut}-{prec}" if debut != prec else str(debut))
    return ", ".join(morceaux)


def charger_reference(catalogue: Catalogue) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chiffres publiés de l'année et écarts documentés (dossier des référentiels) ; tables vides sans rapport
    publié."""
    return charger_tables(catalogue.reference_dir, catalogue.annee)


def registre(catalogue: Catalogue) -> Registre:
    """Le registre des chiffres publiés de l'année."""
    return Registre.depuis_tables(*charger_reference(catalogue))


def concordance_annee(catalogue: Catalogue, tables=None) -> pd.DataFrame:
    """Table de concordance de l'année, recalculée sur les tables traitées (par défaut celles de
    ``data/processed/<annee>/``)."""
    chiffres, ecarts = charger_reference(catalogue)
    return table_concordance(chiffres, ecarts, tables or fournisseur_traite(catalogue))


#: Ordre des lignes du résumé : statut, puis genre.
ORDRE_RESUME = [
    (Statut.IDENTIQUE, Nature.INDEPENDANTE),
    (Statut.IDENTIQUE, Nature.RELECTURE),
    (Statut.IDENTIQUE, Nature.CONSTRUCTION),
]


def resume_statuts(concordance: pd.DataFrame) -> pd.DataFrame:
    """Nombre de chiffres par statut et, dans chaque statut, par genre (nature de la vérification d'un chiffre
    identique ; taille d'un écart dépendant ou non d'un choix de reconstruction). Colonnes ``statut``, ``genre``,
    ``chiffres`` ; une ligne « total » par statut qui a plusieurs genres, et le total général."""
    statuts = [Statut.IDENTIQUE, Statut.ECART_DOCUMENTE, Statut.ECART_NON_EXPLIQUE, Statut.NON_RECALCULABLE]
    c = concordance
    if "genre" not in c.columns:
        c = c.assign(genre="")
    lignes = []
    for s in statuts + sorted(set(c["statut"]) - set(statuts)):
        sel = c[c["statut"] == s]
        if sel.empty:
            continue
        genres = sel["genre"].fillna("").astype(str)
        ordre = [str(g) for st, g in ORDRE_RESUME if st == s]
        for g in ordre + sorted(set(genres) - set(ordre)):
            n = int((genres == g).sum())
            if n:
                lignes.append({"statut": str(s), "genre": g or "—", "chiffres": n})
        if genres.nunique() > 1:
            lignes.append({"statut": f"{s} (total)", "genre": "", "chiffres": len(sel)})
    lignes.append({"statut": "total", "genre": "", "chiffres": len(c)})
    return pd.DataFrame(lignes, columns=["statut", "genre", "chiffres"])
