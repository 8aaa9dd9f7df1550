"""Recalcul des chiffres publiés à partir des tables, et table de concordance.

Chaque chiffre publié (``data/reference/chiffres_publies_<annee>.csv``) porte une expression ``calcul`` écrite dans
un petit langage (syntaxe Python, seules les fonctions ci-dessous, des constantes, ``+ - * /`` et des parenthèses) :

- ``somme("table", "colonne", **filtres)`` ; ``nombre("table", **filtres)`` ;
  ``distinct("table", "colonne", **filtres)`` ; ``valeur("table", "colonne", **filtres)`` (une seule ligne) ;
- ``moyenne(...)``, ``moyenne_ponderee("table", "colonne", "poids", **filtres)``, ``maximum(...)``, ``minimum(...)``.

Les filtres sont des égalités sur le texte de la colonne (espaces de bord ignorés) ou une appartenance à une liste.
Les expressions sont analysées (module ``ast``), jamais exécutées : aucun code arbitraire.
La règle qui décide d'un chiffre vit donc dans les données de référence, pas dans le code.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from .catalog import COLONNE_LIGNE, Catalogue
from .clean import arrondi_publie, decimales_du_texte, lire_nombre, ValeurIllisible
from .errors import ErreurCalcul

FONCTIONS = ("somme", "nombre", "distinct", "valeur", "moyenne", "moyenne_ponderee", "maximum", "minimum")


@dataclass
class Resultat:
    valeur: float
    #: lignes utilisées : {table: [ligne_source, ...]}
    sources: dict[str, list[int]] = field(default_factory=dict)


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


# --------------------------------------------------------------------------------------------- évaluation

def evaluer(expression: str, tables: Callable[[str], pd.DataFrame]) -> Resultat:
    """Évalue une expression de recalcul ; lève :class:`ErreurCalcul` (message en français) si elle est invalide."""
    try:
        arbre = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ErreurCalcul(f"expression illisible « {expression} » : {exc.msg}") from None
    sources: dict[str, set[int]] = {}
    v = _eval(arbre.body, tables, sources, expression)
    return Resultat(float(v), {t: sorted(l) for t, l in sources.items()})


def _constante(noeud, expression):
    if isinstance(noeud, ast.Constant) and isinstance(noeud.value, (str, int, float)):
        return noeud.value
    if isinstance(noeud, (ast.List, ast.Tuple)):
        return [_constante(e, expression) for e in noeud.elts]
    raise ErreurCalcul(f"seules des constantes sont permises comme arguments dans « {expression} »")


def _eval(noeud, tables, sources, expression):
    if isinstance(noeud, ast.Constant) and isinstance(noeud.value, (int, float)) and not isinstance(noeud.value, bool):
        return float(noeud.value)
    if isinstance(noeud, ast.UnaryOp) and isinstance(noeud.op, (ast.USub, ast.UAdd)):
        v = _eval(noeud.operand, tables, sources, expression)
        return -v if isinstance(noeud.op, ast.USub) else v
    if isinstance(noeud, ast.BinOp) and isinstance(noeud.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        a = _eval(noeud.left, tables, sources, expression)
        b = _eval(noeud.right, tables, sources, expression)
        if isinstance(noeud.op, ast.Add):
            return a + b
        if isinstance(noeud.op, ast.Sub):
            return a - b
        if isinstance(noeud.op, ast.Mult):
            return a * b
        if b == 0:
            raise ErreurCalcul(f"division par zéro dans « {expression} »")
        return a / b
    if isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name):
        nom = noeud.func.id
        if nom not in FONCTIONS:
            raise ErreurCalcul(f"fonction inconnue « {nom} » dans « {expression} » (permises : {', '.join(FONCTIONS)})")
        args = [_constante(a, expression) for a in noeud.args]
        filtres = {k.arg: _constante(k.value, expression) for k in noeud.keywords}
        return _agreger(nom, args, filtres, tables, sources, expression)
    raise ErreurCalcul(f"construction non permise dans « {expression} » : {ast.dump(noeud)[:60]}")


def _nombres(df: pd.DataFrame, colonne: str, table: str, expression: str) -> pd.Series:
    if colonne not in df.columns:
        raise ErreurCalcul(f"colonne « {colonne} » absente de la table « {table} » (expression « {expression} »)")
    serie = df[colonne]
    if pd.api.types.is_numeric_dtype(serie):
        return serie.astype(float)
    valeurs = []
    for idx, v in serie.items():
        try:
            valeurs.append(lire_nombre(v))
        except ValeurIllisible as exc:
            ligne = df.loc[idx, COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else idx
            raise ErreurCalcul(f"table « {table} », ligne {ligne}, colonne « {colonne} » : {exc}") from None
    return pd.Series(valeurs, index=serie.index, dtype="float64")


def _filtrer(df: pd.DataFrame, filtres: dict, table: str, expression: str) -> pd.DataFrame:
    masque = pd.Series(True, index=df.index)
    for col, attendu in filtres.items():
        if col not in df.columns:
            raise ErreurCalcul(f"colonne de filtre « {col} » absente de la table « {table} » (expression « {expression} »)")
        texte = df[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
        if isinstance(attendu, list):
            masque &= texte.isin([str(a) for a in attendu])
        else:
            masque &= texte == str(attendu)
    return df[masque]


def _agreger(nom, args, filtres, tables, sources, expression):
    if not args or not isinstance(args[0], str):
        raise ErreurCalcul(f"{nom}() attend le nom de la table en premier argument (« {expression} »)")
    table = args[0]
    try:
        df = tables(table)
    except Exception as exc:
        raise ErreurCalcul(f"table « {table} » indisponible : {exc}") from None
    sel = _filtrer(df, filtres, table, expression)
    if COLONNE_LIGNE in sel.columns:
        sources.setdefault(table, set()).update(int(x) for x in sel[COLONNE_LIGNE])
    if nom == "nombre":
        return float(len(sel))
    if len(args) < 2:
        raise ErreurCalcul(f"{nom}() attend une colonne (« {expression} »)")
    colonne = args[1]
    if nom == "distinct":
        if colonne not in sel.columns:
            raise ErreurCalcul(f"colonne « {colonne} » absente de la table « {table} » (expression « {expression} »)")
        s = sel[colonne].dropna().map(lambda v: str(v).strip())
        return float(s[s != ""].nunique())
    x = _nombres(sel, colonne, table, expression)
    if nom == "somme":
        return float(x.sum(skipna=True))
    if nom == "valeur":
        if len(sel) != 1:
            raise ErreurCalcul(f"valeur() attend exactement une ligne, {len(sel)} trouvée(s) (« {expression} »)")
        v = x.iloc[0]
        if math.isnan(v):
            raise ErreurCalcul(f"valeur manquante (« {expression} »)")
        return float(v)
    x = x.dropna()
    if x.empty:
        raise ErreurCalcul(f"aucune valeur disponible (« {expression} »)")
    if nom == "moyenne":
        return float(x.mean())
    if nom == "maximum":
        return float(x.max())
    if nom == "minimum":
        return float(x.min())
    if nom == "moyenne_ponderee":
        if len(args) < 3:
            raise ErreurCalcul(f"moyenne_ponderee() attend une colonne de poids (« {expression} »)")
        w = _nombres(sel.loc[x.index], args[2], table, expression)
        if w.isna().any() or w.sum() == 0:
            raise ErreurCalcul(f"poids manquants ou nuls (« {expression} »)")
        return float((x * w).sum() / w.sum())
    raise ErreurCalcul(f"fonction non gérée « {nom} »")


# --------------------------------------------------------------------------------------------- concordance

STATUT_IDENTIQUE = "identique"
STATUT_ECART = "écart"
STATUT_NON_RECALCULABLE = "non recalculable"


def concorde(valeur_publiee_texte: str, recalculee: float, tolerance) -> bool:
    """Vrai si la valeur recalculée redonne la valeur publiée à sa précision (ou dans la tolérance déclarée)."""
    publiee = float(valeur_publiee_texte)
    if tolerance is not None and str(tolerance).strip() not in ("", "nan"):
        return abs(recalculee - publiee) <= float(tolerance) + 1e-9
    d = decimales_du_texte(valeur_publiee_texte)
    return abs(arrondi_publie(recalculee, d) - publiee) < 10 ** (-d) / 2


def table_concordance(chiffres: pd.DataFrame, ecarts: pd.DataFrame | None, tables) -> pd.DataFrame:
    """Chaque chiffre publié à côté de sa valeur recalculée, avec un statut et l'explication des écarts documentés."""
    explications = {}
    if ecarts is not None and not ecarts.empty:
        explications = dict(zip(ecarts["id"], ecarts["explication"]))
    lignes = []
    for _, c in chiffres.iterrows():
        calcul = str(c.get("calcul", "") or "").strip()
        recalc, sources, statut, message = math.nan, {}, STATUT_NON_RECALCULABLE, ""
        if calcul:
            try:
                r = evaluer(calcul, tables)
                recalc, sources = r.valeur, r.sources
                statut = STATUT_IDENTIQUE if concorde(str(c["valeur"]), recalc, c.get("tolerance")) else STATUT_ECART
            except ErreurCalcul as exc:
                statut, message = STATUT_ECART, f"recalcul impossible : {exc}"
        lignes.append({
            "id": c["id"], "section": c["section"], "libelle": c["libelle"],
            "valeur_publiee": float(c["valeur"]), "unite": c["unite"],
            "approximatif": str(c.get("tolerance", "") or "").strip() not in ("", "nan"),
            "valeur_recalculee": recalc,
            "ecart": (recalc - float(c["valeur"])) if not math.isnan(recalc) else math.nan,
            "statut": statut,
            "ecart_documente": c["id"] in explications,
            "explication": explications.get(c["id"], message),
            "citation": c.get("citation", ""),
            "calcul": calcul,
            "sources": "; ".join(f"{t} l. {_plages(l)}" for t, l in sources.items()),
        })
    return pd.DataFrame(lignes, columns=COLONNES_CONCORDANCE)


COLONNES_CONCORDANCE = ["id", "section", "libelle", "valeur_publiee", "unite", "approximatif", "valeur_recalculee",
                        "ecart", "statut", "ecart_documente", "explication", "citation", "calcul", "sources"]


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
    """Chiffres publiés de l'année et écarts documentés (``data/reference/``)."""
    from .catalog import lire_table
    ref = catalogue.reference_dir
    chemin = ref / f"chiffres_publies_{catalogue.annee}.csv"
    if not chemin.is_file():  # année sans rapport publié de référence : rien à comparer
        colonnes = ["id", "section", "libelle", "valeur", "unite", "tolerance", "citation", "calcul"]
        return pd.DataFrame(columns=colonnes), pd.DataFrame(columns=["id", "explication"])
    chiffres = lire_table(chemin)
    chemin_ecarts = ref / f"ecarts_documentes_{catalogue.annee}.csv"
    ecarts = lire_table(chemin_ecarts) if chemin_ecarts.is_file() else pd.DataFrame(columns=["id", "explication"])
    return chiffres, ecarts


def concordance_annee(catalogue: Catalogue, tables=None) -> pd.DataFrame:
    """Table de concordance de l'année, recalculée sur les tables traitées (par défaut celles de
    ``data/processed/<annee>/``)."""
    chiffres, ecarts = charger_reference(catalogue)
    return table_concordance(chiffres, ecarts, tables or fournisseur_traite(catalogue))


def resume_statuts(concordance: pd.DataFrame) -> pd.DataFrame:
    """Nombre de chiffres par statut, écarts documentés distingués."""
    c = concordance.copy()
    c["statut détaillé"] = c["statut"]
    c.loc[(c["statut"] == STATUT_ECART) & c["ecart_documente"], "statut détaillé"] = "écart documenté"
    c.loc[(c["statut"] == STATUT_ECART) & ~c["ecart_documente"], "statut détaillé"] = "écart non expliqué"
    return c.groupby("statut détaillé").size().rename("chiffres").reset_index()
