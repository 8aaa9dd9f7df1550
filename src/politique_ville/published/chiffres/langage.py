"""Le langage de recalcul (colonne ``calcul`` du registre) : syntaxe Python, seules les fonctions de
:data:`FONCTIONS`, des constantes, ``+ - * /`` et des parenthèses ; analysé (module ``ast``), jamais exécuté.
:func:`analyser` décrit un appel unique (:class:`Appel`), :func:`calcul` écrit une expression à partir de ses
parties, :func:`normaliser` donne sa forme canonique."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field

from politique_ville.base.errors import ErreurCalcul

FONCTIONS = ("somme", "nombre", "distinct", "valeur", "moyenne", "moyenne_ponderee", "maximum", "minimum")


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
