"""Les chiffres publiés : un registre, un langage de recalcul, une comparaison, un type de statut.

**Le registre** (:class:`Registre`) lit, dans le dossier des référentiels, ``chiffres_publies_<annee>.csv`` (un
chiffre publié par ligne) et ``ecarts_documentes_<annee>.csv`` (l'explication des écarts que le rapport lui-même
contient). Une année sans rapport publié donne un registre vide. Colonnes des chiffres publiés :

- ``id`` (identifiant stable, utile aux humains et aux écarts documentés ; le code n'en dépend pas), ``section``
  (section du rapport), ``libelle``, ``valeur`` (texte, point décimal : sa précision est celle du rapport),
  ``unite``, ``tolerance`` (vide, ou l'écart permis quand le rapport écrit « près de », « environ »), ``citation``
  (extrait du rapport), ``calcul`` (expression de recalcul, ci-dessous ; vide si aucune table ne le permet) ;
- ``nature`` : ce que prouve la comparaison, décidé chiffre par chiffre d'après ``data/raw/README.md`` (règles de
  reconstruction) et les colonnes de provenance des fichiers bruts (``provenance_*`` de ``programmation.csv``,
  ``insee_provenance.csv``), avec cette règle, dans l'ordre :

  1. « par construction » : le calcul lit des valeurs reconstruites (provenance « reconstruit » ou
     « approximatif ») que la transcription a choisies pour redonner CE chiffre (montants par action répartis sur
     le groupe dont le total est ce chiffre, valeurs par quartier et totaux de l'agglomération choisis pour les
     moyennes et les parts publiées, lignes créées pour atteindre un nombre publié : 16e QPV, quartiers non
     nommés, ligne de pilotage) ; l'accord ne prouve que la tenue de la reconstruction ;
  2. « dépend de la reconstruction » : le calcul lit des valeurs reconstruites qui n'ont pas été choisies pour ce
     chiffre (crédits CGET par type de porteur, porteurs des PRE attribués aux CCAS) : un accord serait une
     coïncidence, et la taille d'un écart dépend d'un choix de reconstruction ;
  3. « relecture de la transcription » : le calcul relit la case où le chiffre lui-même a été recopié (valeur
     d'une table de référence, d'un indicateur d'action, d'un montant publié) ; l'accord vérifie la transcription ;
  4. « vérification indépendante » : la valeur résulte d'autres données publiées que le chiffre (comptes d'actions,
     de porteurs, de priorités, de projets listés ; somme des lignes d'un tableau comparée à son total imprimé ;
     règle d'un fonds de concours ; somme de totaux publiés comparée à un autre total) ;
  5. « sans recalcul » : pas d'expression de recalcul.

- ``derive`` : « oui » pour un chiffre que le rapport n'imprime pas mais implique (le total de 100 % d'une
  répartition en parts) ; il reste comparé, et signalé comme tel.

**Le langage de recalcul** (colonne ``calcul``) : syntaxe Python, seules les fonctions ci-dessous, des constantes,
``+ - * /`` et des parenthèses. Les expressions sont analysées (module ``ast``), jamais exécutées.

- ``somme("table", "colonne", **filtres)`` ; ``nombre("table", **filtres)`` ;
  ``distinct("table", "colonne", **filtres)`` ; ``valeur("table", "colonne", **filtres)`` (une seule ligne) ;
- ``moyenne(...)``, ``moyenne_ponderee("table", "colonne", "poids", **filtres)``, ``maximum(...)``, ``minimum(...)``.

Les filtres sont des égalités sur le texte de la colonne (espaces de bord ignorés) ou une appartenance à une liste.
:func:`evaluer` calcule une expression sur des tables ; :func:`analyser` décrit un appel unique
(:class:`Appel` : fonction, table, colonne, filtres) ; :func:`calcul` écrit une expression à partir de ses parties ;
:func:`normaliser` donne sa forme canonique (guillemets, espaces, ordre des filtres et des listes sans effet).

**Une comparaison** (:func:`concorde`, :func:`comparer`) : la valeur recalculée concorde si, arrondie à la précision
du texte publié (« 35.3 » : une décimale), elle redonne la valeur publiée ; quand le rapport donne une
approximation (« ≈ » : colonne ``tolerance`` remplie), si elle est à au plus ``tolerance`` de la valeur publiée.

**Un type de statut** (:class:`Statut`, à valeurs texte : « identique », « écart documenté », « écart non
expliqué », « non recalculable », « non publié »).

**Retrouver le chiffre publié de ce qu'on calcule, sans identifiant.** Un chapitre décrit ce qu'il calcule par son
expression, et le registre le retrouve : ``registre.chercher('nombre("programmation", pilier="Pilotage")')`` ou,
par ses parties, ``registre.chercher(fonction="nombre", table="programmation", pilier="Pilotage")`` (filtres
exactement ceux donnés), éventuellement limité à une section (``section="2.1"`` : la section ou ses
sous-sections). La comparaison se fait sur la forme normalisée. Le total d'un tableau réparti par groupes s'écrit
comme la somme sur ses groupes (filtre liste : ``pilier=["A", "B"]``) : il se distingue ainsi du même total cité
ailleurs dans le texte. :meth:`Registre.confronter` place à côté de chaque ligne d'une table recalculée (colonne
``calcul``, et ``section`` facultative) le ou les chiffres publiés de même expression : une ligne par chiffre
publié quand le rapport imprime plusieurs fois la même quantité.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurCalcul
from politique_ville.base.valeurs import ValeurIllisible, arrondi_publie, decimales_du_texte, lire_nombre

FONCTIONS = ("somme", "nombre", "distinct", "valeur", "moyenne", "moyenne_ponderee", "maximum", "minimum")

COLONNES_CHIFFRES = [
    "id",
    "section",
    "libelle",
    "valeur",
    "unite",
    "tolerance",
    "citation",
    "calcul",
    "nature",
    "derive",
]
COLONNES_ECARTS = ["id", "explication"]


class Statut(StrEnum):
    """Résultat de la comparaison d'une valeur recalculée à un chiffre publié."""

    IDENTIQUE = "identique"
    ECART_DOCUMENTE = "écart documenté"
    ECART_NON_EXPLIQUE = "écart non expliqué"
    NON_RECALCULABLE = "non recalculable"
    NON_PUBLIE = "non publié"

    @property
    def est_ecart(self) -> bool:
        return self in (Statut.ECART_DOCUMENTE, Statut.ECART_NON_EXPLIQUE)


class Nature(StrEnum):
    """Ce que prouve la comparaison d'un chiffre publié (colonne ``nature`` du registre)."""

    INDEPENDANTE = "vérification indépendante"
    RELECTURE = "relecture de la transcription"
    CONSTRUCTION = "par construction"
    RECONSTRUCTION = "dépend de la reconstruction"
    SANS_RECALCUL = "sans recalcul"


#: Genre d'un écart selon que sa taille dépend ou non d'un choix de reconstruction.
ECART_DEPENDANT = "taille dépendant d'un choix de reconstruction"
ECART_INDEPENDANT = "taille indépendante de la reconstruction"


def genre(statut: str, nature: str) -> str:
    """Le genre d'un résultat : pour un chiffre identique, la nature de la vérification ; pour un écart, si sa taille
    dépend d'un choix de reconstruction ; vide sinon."""
    statut = Statut(statut)
    if statut == Statut.IDENTIQUE:
        return str(nature or "")
    if statut.est_ecart:
        return ECART_DEPENDANT if nature in (Nature.CONSTRUCTION, Nature.RECONSTRUCTION) else ECART_INDEPENDANT
    return ""


# --------------------------------------------------------------------------------------------- analyse


@dataclass(frozen=True)
class Appel:
    """Un appel du langage : ``somme("programmation", "cget", pilier="Pilotage")``."""

    fonction: str
    table: str
    colonne: str | None = None
    filtres: dict = field(default_factory=dict)
    poids: str | None = None


def _lire(expression: str) -> ast.expr:
    try:
        return ast.parse(str(expression).strip(), mode="eval").body
    except SyntaxError as exc:
        raise ErreurCalcul(f"expression illisible « {expression} » : {exc.msg}") from None


def _constante(noeud, expression):
    if (
        isinstance(noeud, ast.Constant)
        and isinstance(noeud.value, (str, int, float))
        and not isinstance(noeud.value, bool)
    ):
        return noeud.value
    if isinstance(noeud, (ast.List, ast.Tuple)):
        return [_constante(e, expression) for e in noeud.elts]
    raise ErreurCalcul(f"seules des constantes sont permises comme arguments dans « {expression} »")


def _appel(noeud: ast.Call, expression: str) -> Appel:
    nom = noeud.func.id if isinstance(noeud.func, ast.Name) else ast.unparse(noeud.func)
    if nom not in FONCTIONS:
        raise ErreurCalcul(f"fonction inconnue « {nom} » dans « {expression} » (permises : {', '.join(FONCTIONS)})")
    args = [_constante(a, expression) for a in noeud.args]
    if any(k.arg is None for k in noeud.keywords):
        raise ErreurCalcul(f"construction non permise dans « {expression} » : **filtres")
    filtres = {k.arg: _constante(k.value, expression) for k in noeud.keywords}
    if not args or not isinstance(args[0], str):
        raise ErreurCalcul(f"{nom}() attend le nom de la table en premier argument (« {expression} »)")
    if nom != "nombre" and (len(args) < 2 or not isinstance(args[1], str)):
        raise ErreurCalcul(f"{nom}() attend une colonne (« {expression} »)")
    if nom == "moyenne_ponderee" and (len(args) < 3 or not isinstance(args[2], str)):
        raise ErreurCalcul(f"moyenne_ponderee() attend une colonne de poids (« {expression} »)")
    return Appel(
        nom,
        args[0],
        args[1] if nom != "nombre" and len(args) > 1 else None,
        filtres,
        args[2] if nom == "moyenne_ponderee" else None,
    )


def _verifier(noeud, expression) -> list[Appel]:
    """Vérifie l'arbre (seules les constructions du langage) et renvoie ses appels, dans l'ordre."""
    if isinstance(noeud, ast.Constant) and isinstance(noeud.value, (int, float)) and not isinstance(noeud.value, bool):
        return []
    if isinstance(noeud, ast.UnaryOp) and isinstance(noeud.op, (ast.USub, ast.UAdd)):
        return _verifier(noeud.operand, expression)
    if isinstance(noeud, ast.BinOp) and isinstance(noeud.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        return _verifier(noeud.left, expression) + _verifier(noeud.right, expression)
    if isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name):
        return [_appel(noeud, expression)]
    raise ErreurCalcul(f"construction non permise dans « {expression} » : {ast.dump(noeud)[:60]}")


def appels(expression: str) -> list[Appel]:
    """Les appels d'une expression, dans l'ordre ; :class:`ErreurCalcul` si elle n'est pas du langage."""
    return _verifier(_lire(expression), expression)


def analyser(expression: str) -> Appel | None:
    """L'appel unique qu'est l'expression (« nombre("programmation", thematique="Education") ») ; ``None`` si
    elle est vide, invalide ou n'est pas un appel seul (arithmétique)."""
    if not str(expression or "").strip():
        return None
    try:
        arbre = _lire(expression)
        if not isinstance(arbre, ast.Call):
            return None
        return _verifier(arbre, expression)[0]
    except ErreurCalcul:
        return None


def _texte(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_texte(x) for x in sorted(v, key=str)) + "]"
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)


def calcul(fonction: str, table: str, colonne: str | None = None, poids: str | None = None, **filtres) -> str:
    """Écrit un appel du langage : ``calcul("somme", "programmation", "cget", pilier="Pilotage")`` ->
    ``somme("programmation", "cget", pilier="Pilotage")``. Les filtres gardent l'ordre donné."""
    args = [table] + ([colonne] if colonne is not None else []) + ([poids] if poids is not None else [])
    parties = [_texte(a) for a in args] + [f"{k}={_texte(v)}" for k, v in filtres.items()]
    return f"{fonction}({', '.join(parties)})"


class _Canonique(ast.NodeTransformer):
    def visit_Call(self, noeud):
        self.generic_visit(noeud)
        noeud.keywords = sorted(noeud.keywords, key=lambda k: k.arg or "")
        return noeud

    def visit_List(self, noeud):
        self.generic_visit(noeud)
        noeud.elts = sorted(noeud.elts, key=lambda e: repr(getattr(e, "value", ast.dump(e))))
        return noeud

    def visit_Tuple(self, noeud):
        return self.visit_List(ast.List(elts=noeud.elts, ctx=ast.Load()))

    def visit_Constant(self, noeud):
        if isinstance(noeud.value, str):
            return ast.Constant(noeud.value.strip())
        if (
            isinstance(noeud.value, (int, float))
            and not isinstance(noeud.value, bool)
            and float(noeud.value).is_integer()
        ):
            return ast.Constant(int(noeud.value))
        return noeud


def normaliser(expression: str) -> str:
    """Forme canonique d'une expression : même texte pour deux écritures du même calcul (guillemets, espaces,
    ordre des filtres et des éléments d'une liste, « 12 » ou « 12.0 ») ; chaîne vide si l'expression est vide.
    :class:`ErreurCalcul` si elle n'est pas du langage."""
    if not str(expression or "").strip():
        return ""
    arbre = _lire(expression)
    _verifier(arbre, expression)
    return ast.unparse(_Canonique().visit(arbre))


# --------------------------------------------------------------------------------------------- évaluation


@dataclass
class Resultat:
    valeur: float
    #: lignes utilisées : {table: [ligne_source, ...]}
    sources: dict[str, list[int]] = field(default_factory=dict)


def evaluer(expression: str, tables: Callable[[str], pd.DataFrame]) -> Resultat:
    """Évalue une expression de recalcul sur ``tables(nom) -> DataFrame`` ; lève :class:`ErreurCalcul` (message en
    français) si elle est invalide ou inévaluable."""
    arbre = _lire(expression)
    _verifier(arbre, expression)  # tout refus avant toute lecture de table
    sources: dict[str, set[int]] = {}
    v = _eval(arbre, tables, sources, expression)
    return Resultat(float(v), {t: sorted(lignes) for t, lignes in sources.items()})


def _eval(noeud, tables, sources, expression):
    if isinstance(noeud, ast.Constant):
        return float(noeud.value)
    if isinstance(noeud, ast.UnaryOp):
        v = _eval(noeud.operand, tables, sources, expression)
        return -v if isinstance(noeud.op, ast.USub) else v
    if isinstance(noeud, ast.BinOp):
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
    return _agreger(_appel(noeud, expression), tables, sources, expression)


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
            raise ErreurCalcul(
                f"colonne de filtre « {col} » absente de la table « {table} » (expression « {expression} »)"
            )
        texte = df[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
        if isinstance(attendu, list):
            masque &= texte.isin([str(a) for a in attendu])
        else:
            masque &= texte == str(attendu)
    return df[masque]


def _agreger(a: Appel, tables, sources, expression):
    try:
        df = tables(a.table)
    except Exception as exc:
        raise ErreurCalcul(f"table « {a.table} » indisponible : {exc}") from None
    sel = _filtrer(df, a.filtres, a.table, expression)
    if COLONNE_LIGNE in sel.columns:
        sources.setdefault(a.table, set()).update(int(x) for x in sel[COLONNE_LIGNE])
    if a.fonction == "nombre":
        return float(len(sel))
    if a.fonction == "distinct":
        if a.colonne not in sel.columns:
            raise ErreurCalcul(
                f"colonne « {a.colonne} » absente de la table « {a.table} » (expression « {expression} »)"
            )
        s = sel[a.colonne].dropna().map(lambda v: str(v).strip())
        return float(s[s != ""].nunique())
    x = _nombres(sel, a.colonne, a.table, expression)
    if a.fonction == "somme":
        if len(x) and x.isna().all():  # comme les chapitres : une somme de valeurs toutes manquantes n'est pas 0
            raise ErreurCalcul(f"aucune valeur disponible : toutes les valeurs sont manquantes (« {expression} »)")
        return float(x.sum(skipna=True))
    if a.fonction == "valeur":
        if len(sel) != 1:
            raise ErreurCalcul(f"valeur() attend exactement une ligne, {len(sel)} trouvée(s) (« {expression} »)")
        if math.isnan(x.iloc[0]):
            raise ErreurCalcul(f"valeur manquante (« {expression} »)")
        return float(x.iloc[0])
    x = x.dropna()
    if x.empty:
        raise ErreurCalcul(f"aucune valeur disponible (« {expression} »)")
    if a.fonction == "moyenne":
        return float(x.mean())
    if a.fonction == "maximum":
        return float(x.max())
    if a.fonction == "minimum":
        return float(x.min())
    w = _nombres(sel.loc[x.index], a.poids, a.table, expression)  # moyenne_ponderee
    if w.isna().any() or w.sum() == 0:
        raise ErreurCalcul(f"poids manquants ou nuls (« {expression} »)")
    return float((x * w).sum() / w.sum())


# --------------------------------------------------------------------------------------------- comparaison


def _rempli(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() not in ("", "nan")


def concorde(valeur_publiee_texte: str, recalculee: float, tolerance=None) -> bool:
    """Vrai si la valeur recalculée redonne la valeur publiée à sa précision (« 35.3 » : arrondie à une décimale,
    0,5 vers le haut), ou, pour une approximation du rapport (``tolerance`` remplie), si elle en est à au plus
    ``tolerance``. Une valeur recalculée manquante ne concorde jamais."""
    if recalculee is None or (isinstance(recalculee, float) and math.isnan(recalculee)):
        return False
    publiee = float(valeur_publiee_texte)
    if _rempli(tolerance):
        return abs(float(recalculee) - publiee) <= float(tolerance) + 1e-9
    d = decimales_du_texte(valeur_publiee_texte)
    return abs(arrondi_publie(float(recalculee), d) - publiee) < 10 ** (-d) / 2


def comparer(
    valeur_publiee_texte: str | None, recalculee: float | None, tolerance=None, documente: bool = False
) -> Statut:
    """Le statut d'une valeur recalculée face au chiffre publié (``None`` : rien n'est publié ; valeur recalculée
    ``None`` : non recalculable). ``documente`` : l'écart est expliqué dans les écarts documentés."""
    if not _rempli(valeur_publiee_texte):
        return Statut.NON_PUBLIE
    if recalculee is None:
        return Statut.NON_RECALCULABLE
    if concorde(str(valeur_publiee_texte), recalculee, tolerance):
        return Statut.IDENTIQUE
    return Statut.ECART_DOCUMENTE if documente else Statut.ECART_NON_EXPLIQUE


# --------------------------------------------------------------------------------------------- registre


@dataclass(frozen=True)
class ChiffrePublie:
    id: str
    section: str
    libelle: str
    valeur_texte: str
    unite: str = ""
    tolerance: str = ""
    citation: str = ""
    calcul: str = ""
    nature: str = ""
    derive: bool = False
    explication: str = ""  # écart documenté ; vide sinon

    @property
    def valeur(self) -> float:
        return float(self.valeur_texte)

    @property
    def decimales(self) -> int:
        return decimales_du_texte(self.valeur_texte)

    @property
    def approximatif(self) -> bool:
        return _rempli(self.tolerance)

    @property
    def documente(self) -> bool:
        return bool(self.explication)

    def comparer(self, recalculee: float | None) -> Statut:
        return comparer(self.valeur_texte, recalculee, self.tolerance, self.documente)


def _str(v) -> str:
    return str(v).strip() if _rempli(v) else ""


class Registre:
    """Les chiffres publiés d'une année et leurs écarts documentés."""

    def __init__(self, chiffres: list[ChiffrePublie]):
        self._chiffres = list(chiffres)
        self._par_id = {c.id: c for c in self._chiffres}
        self._normes: dict[str, str] = {}
        for c in self._chiffres:
            try:
                self._normes[c.id] = normaliser(c.calcul)
            except ErreurCalcul:
                self._normes[c.id] = ""  # expression invalide : l'évaluation le dira, la recherche l'ignore

    # ---- construction
    @classmethod
    def depuis_tables(cls, chiffres: pd.DataFrame | None, ecarts: pd.DataFrame | None = None) -> Registre:
        if chiffres is None or len(chiffres) == 0:
            return cls([])
        expl = {}
        if ecarts is not None and len(ecarts):
            expl = {str(i): _str(e) for i, e in zip(ecarts["id"], ecarts["explication"])}
        out = []
        for _, r in chiffres.iterrows():
            id_ = str(r["id"])
            out.append(
                ChiffrePublie(
                    id=id_,
                    section=_str(r.get("section")),
                    libelle=_str(r.get("libelle")),
                    valeur_texte=_str(r.get("valeur")),
                    unite=_str(r.get("unite")),
                    tolerance=_str(r.get("tolerance")),
                    citation=_str(r.get("citation")),
                    calcul=_str(r.get("calcul")),
                    nature=_str(r.get("nature")),
                    derive=_str(r.get("derive")).lower() in ("oui", "vrai", "true", "1"),
                    explication=expl.get(id_, ""),
                )
            )
        return cls(out)

    @classmethod
    def charger(cls, reference_dir: Path, annee: int) -> Registre:
        return cls.depuis_tables(*charger_tables(reference_dir, annee))

    # ---- lecture
    def __len__(self) -> int:
        return len(self._chiffres)

    def __iter__(self) -> Iterator[ChiffrePublie]:
        return iter(self._chiffres)

    def get(self, id_: str) -> ChiffrePublie | None:
        return self._par_id.get(id_)

    def chercher(
        self,
        calcul_: str | None = None,
        *,
        section: str | None = None,
        fonction: str | None = None,
        table: str | None = None,
        colonne: str | None = None,
        **filtres,
    ) -> list[ChiffrePublie]:
        """Les chiffres publiés (ordre du registre) dont l'expression est ``calcul_`` (forme normalisée) ou, sans
        ``calcul_``, un appel unique de ``fonction`` sur ``table`` (et ``colonne``) avec exactement ces
        ``filtres``. ``section`` : seulement cette section du rapport et ses sous-sections (« 2 » : 2.1, 2.4.3…)."""
        if calcul_ is not None:
            cible = normaliser(calcul_)
            if not cible:
                return []
            choisis = [c for c in self._chiffres if self._normes[c.id] == cible]
        else:
            if fonction is None or table is None:
                raise ValueError("chercher() attend une expression, ou au moins une fonction et une table")
            voulus = normaliser(calcul("nombre", "_", **filtres))
            choisis = []
            for c in self._chiffres:
                a = analyser(c.calcul)
                if a is None or a.fonction != fonction or a.table != table:
                    continue
                if colonne is not None and a.colonne != colonne:
                    continue
                if normaliser(calcul("nombre", "_", **a.filtres)) == voulus:
                    choisis.append(c)
        if section is not None:
            s = str(section)
            choisis = [c for c in choisis if c.section == s or c.section.startswith(s + ".")]
        return choisis

    def premier(self, calcul_: str, section: str | None = None) -> ChiffrePublie | None:
        """Le premier chiffre publié de cette expression (ordre du registre), ou ``None``."""
        trouves = self.chercher(calcul_, section=section)
        return trouves[0] if trouves else None

    # ---- comparaison
    def confronter(self, recalcules: pd.DataFrame) -> pd.DataFrame:
        """Chaque ligne recalculée à côté du ou des chiffres publiés de même expression.

        ``recalcules`` : colonnes ``valeur_recalculee`` et ``calcul`` (expression du langage ; ``section``
        facultative, pour ne chercher que dans cette section du rapport), ou, à défaut, ``id`` (identifiant du
        registre, fourni par l'appelant). Une ligne sans chiffre publié est gardée, statut « non publié » ; une
        ligne dont la quantité est publiée plusieurs fois est répétée, une fois par chiffre publié, avec le libellé
        du chiffre publié. Ajoute ``id``, ``valeur_publiee``, ``unite``, ``ecart`` (recalculée − publiée),
        ``statut``, ``explication`` (de l'écart documenté, vide si identique), ``nature``."""
        lignes = []
        par_calcul = "calcul" in recalcules.columns
        for _, r in recalcules.iterrows():
            if par_calcul:
                section = _str(r.get("section")) or None if "section" in recalcules.columns else None
                trouves = self.chercher(_str(r["calcul"]), section=section) if _str(r["calcul"]) else []
            else:
                c = self.get(_str(r.get("id")))
                trouves = [c] if c is not None else []
            recalc = pd.to_numeric(pd.Series([r["valeur_recalculee"]]), errors="coerce").iloc[0]
            recalc = None if pd.isna(recalc) else float(recalc)
            if not trouves:
                lignes.append(
                    {
                        **r.to_dict(),
                        "id": "" if par_calcul else r.get("id", ""),
                        "valeur_publiee": math.nan,
                        "unite": "",
                        "statut": str(Statut.NON_PUBLIE),
                        "explication": "",
                        "nature": "",
                    }
                )
                continue
            for c in trouves:
                statut = (
                    c.comparer(recalc)
                    if recalc is not None
                    else (Statut.ECART_DOCUMENTE if c.documente else Statut.ECART_NON_EXPLIQUE)
                )
                ligne = {
                    **r.to_dict(),
                    "id": c.id,
                    "valeur_publiee": c.valeur,
                    "unite": c.unite,
                    "statut": str(statut),
                    "explication": "" if statut == Statut.IDENTIQUE else c.explication,
                    "nature": c.nature,
                }
                if len(trouves) > 1 and "libelle" in ligne:
                    ligne["libelle"] = c.libelle
                lignes.append(ligne)
        ajoutees = ["id", "valeur_publiee", "unite", "ecart", "statut", "explication", "nature"]
        colonnes = list(recalcules.columns) + [c for c in ajoutees if c not in recalcules.columns]
        sortie = pd.DataFrame(lignes, columns=[c for c in colonnes if c != "ecart"])
        sortie["valeur_publiee"] = sortie["valeur_publiee"].astype(float)
        sortie["ecart"] = pd.to_numeric(sortie["valeur_recalculee"], errors="coerce") - sortie["valeur_publiee"]
        return sortie[colonnes].reset_index(drop=True)


def charger_tables(reference_dir: Path, annee: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Les tables ``chiffres_publies_<annee>.csv`` et ``ecarts_documentes_<annee>.csv`` du dossier des référentiels
    (tables vides, colonnes comprises, pour une année sans rapport publié)."""
    from politique_ville.base.catalog import lire_table

    ref = Path(reference_dir)
    chemin = ref / f"chiffres_publies_{annee}.csv"
    if not chemin.is_file():
        return pd.DataFrame(columns=COLONNES_CHIFFRES), pd.DataFrame(columns=COLONNES_ECARTS)
    chiffres = lire_table(chemin)
    for c in ("nature", "derive"):
        if c not in chiffres.columns:
            chiffres[c] = ""
    chemin_ecarts = ref / f"ecarts_documentes_{annee}.csv"
    ecarts = lire_table(chemin_ecarts) if chemin_ecarts.is_file() else pd.DataFrame(columns=COLONNES_ECARTS)
    return chiffres, ecarts
