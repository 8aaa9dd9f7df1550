"""Registre des indicateurs INSEE des quartiers, tenu comme une donnée : ``data/reference/indicateurs_qpv.csv``.

Une ligne par variable (nom de l'INSEE en minuscules, ou nom explicite des fichiers du premier rapport transcrit (data/raw/README.md)) :

- ``libelle``, ``libelle_court``, ``unite`` (« % », « indice », « € par mois », « € par an », « habitants »…),
  ``theme`` (l'un de :data:`THEMES`), ``plus_eleve_est_defavorable`` (« oui », « non », vide = ni l'un ni l'autre) ;
- ``agregation`` : la règle qui fait la valeur d'un ensemble de QPV (:data:`REGLES`) :

  * ``somme`` : un effectif, additionné ;
  * ``part`` : une part, recalculée par ``numerateur`` / ``denominateur`` (sommes des QPV) quand le fichier a les
    deux colonnes, sinon moyenne des QPV pondérée par ``base`` — une *approximation pondérée*, dite telle ;
  * ``moyenne_ponderee`` : moyenne des QPV pondérée par ``base``, exacte (``base`` est le dénominateur du taux) ;
  * ``mediane_non_agregeable`` : médiane ou décile, qui ne s'additionne ni ne se moyenne : un ensemble de QPV est
    décrit par la médiane et l'étendue des valeurs de ses QPV (``base`` : pondération de la moyenne des QPV que le
    chapitre 1 publie, comme le premier rapport transcrit) ;

- ``decimales`` (précision affichée), ``diviseur`` (12 : variable annuelle montrée par mois), ``type`` (« entier »,
  « décimal »), ``minimum`` et ``maximum`` (bornes des valeurs, suites Great Expectations ; vide = sans borne) ;
- ``rubrique_rapport`` : rubrique sous laquelle le chapitre 1 du premier rapport transcrit (data/raw/README.md) range l'indicateur (vide : le thème) ;
- ``colonnes_reference`` / ``notes_reference`` : « niveau=colonne » (séparés par « | ») quand un niveau de
  comparaison publie l'indicateur sous une autre variable ; ``note`` : précision libre.

Module de la couche des référentiels : il lit le fichier (une fois, cache par chemin et date de modification) et
rend des :class:`Definition` ; ``compute.qpv`` en fait ses objets ``Indicateur``. Une ligne fautive (règle
d'agrégation inconnue, thème inconnu, base absente…) est une :class:`~politique_ville.base.errors.ErreurDonnees` qui
nomme le fichier, la ligne et la colonne.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import racine_projet
from politique_ville.base.errors import ErreurDonnees

NOM_FICHIER = "indicateurs_qpv.csv"
#: règles d'agrégation ; « contexte » : variable de contexte (population de la commune du quartier, répétée pour
#: chacun de ses QPV), montrée par quartier, jamais agrégée, classée ni comparée
REGLES = ("somme", "part", "moyenne_ponderee", "mediane_non_agregeable", "contexte")
#: règle des variables de contexte
CONTEXTE = "contexte"
THEMES = (
    "Démographie",
    "Revenus et pauvreté",
    "Emploi",
    "Demandeurs d'emploi",
    "Éducation et équipements",
    "Activité économique",
)
TYPES = ("entier", "décimal")
COLONNES = (
    "variable",
    "libelle",
    "libelle_court",
    "unite",
    "theme",
    "plus_eleve_est_defavorable",
    "agregation",
    "numerateur",
    "denominateur",
    "base",
    "decimales",
    "diviseur",
    "type",
    "minimum",
    "maximum",
    "rubrique_rapport",
    "colonnes_reference",
    "notes_reference",
    "note",
)
#: colonnes d'une table INSEE qui ne sont pas des indicateurs (identifiants, libellés, colonnes ajoutées)
COLONNES_DESCRIPTIVES = frozenset(
    {
        "code_qp",
        "nom_qp",
        "nom_commune",
        "nom_commune_brut",
        "type_quartier",
        "annee_reconnaissance",
        "code_commune",
        "geographie_qpv",
        "niveau",
        "libelle_territoire",
        "ligne_source",
        "departement",
        "region",
        "dans_territoire",
        "est_total",
    }
)


@dataclass(frozen=True)
class Definition:
    """Une ligne du registre."""

    variable: str
    libelle: str
    court: str
    unite: str
    theme: str
    defavorable_si_eleve: bool | None
    agregation: str
    numerateur: str | None
    denominateur: str | None
    base: str | None
    decimales: int
    diviseur: float
    type: str
    minimum: float | None
    maximum: float | None
    rubrique: str
    references: dict = field(default_factory=dict)
    notes_references: dict = field(default_factory=dict)
    note: str = ""

    @property
    def genre(self) -> str:
        """« effectif » (additionné), « contexte » (montré par quartier seulement) ou « taux » (parts, indices,
        revenus, médianes : comparés niveau à niveau)."""
        return "effectif" if self.agregation == "somme" else CONTEXTE if self.agregation == CONTEXTE else "taux"

    @property
    def colonnes_base(self) -> tuple[str, ...]:
        """Les colonnes de la base de pondération : « pop_mun*tx_f » (population des femmes : population × part
        des femmes) -> (« pop_mun », « tx_f ») ; () sans base."""
        return tuple(c.strip() for c in (self.base or "").split("*") if c.strip())


def chemin_registre() -> Path:
    """``data/reference/indicateurs_qpv.csv`` de la racine du projet (celui du paquet installé sinon)."""
    return _chemin_registre_de(os.environ.get("POLITIQUE_VILLE_RACINE"), os.getcwd())


@functools.lru_cache(maxsize=8)
def _chemin_registre_de(_racine: str | None, _cwd: str) -> Path:
    """:func:`chemin_registre` une fois par racine et dossier courant : le registre est consulté des milliers de fois
    par chapitre (unité, précision, orientation de chaque valeur), la recherche de la racine résout des chemins
    (2,0 s sur 13,5 s d'un chapitre 10 profilé, mesuré sur un lot de territoires)."""
    candidats = []
    try:
        candidats.append(racine_projet() / "data" / "reference" / NOM_FICHIER)
    except FileNotFoundError:
        pass
    candidats.append(Path(__file__).resolve().parents[3] / "data" / "reference" / NOM_FICHIER)
    for c in candidats:
        if c.is_file():
            return c
    raise ErreurDonnees(f"registre des indicateurs introuvable (data/reference/{NOM_FICHIER})")


def _texte(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()


def _paires(texte: str, fichier: str, ligne: int, colonne: str) -> dict:
    sortie = {}
    for morceau in (m for m in texte.split("|") if m.strip()):
        if "=" not in morceau:
            raise ErreurDonnees(
                f"« {morceau.strip()} » : attendu « niveau=valeur »", fichier=fichier, ligne=ligne, colonne=colonne
            )
        cle, valeur = morceau.split("=", 1)
        sortie[cle.strip()] = valeur.strip()
    return sortie


def _nombre(texte: str, fichier: str, ligne: int, colonne: str, entier: bool = False):
    if texte == "":
        return None
    try:
        x = float(texte.replace(",", "."))
    except ValueError:
        raise ErreurDonnees(f"« {texte} » n'est pas un nombre", fichier=fichier, ligne=ligne, colonne=colonne) from None
    if entier and not x.is_integer():
        raise ErreurDonnees(f"« {texte} » n'est pas un nombre entier", fichier=fichier, ligne=ligne, colonne=colonne)
    return int(x) if entier else x


def _choix(valeur: str, permis, quoi: str, fichier: str, ligne: int, colonne: str) -> str:
    if valeur in permis:
        return valeur
    proche = difflib.get_close_matches(valeur, list(permis), n=1, cutoff=0.6)
    raise ErreurDonnees(
        f"{quoi} inconnu(e) « {valeur} »"
        + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
        + f" ; valeurs permises : {', '.join(permis)}",
        fichier=fichier,
        ligne=ligne,
        colonne=colonne,
    )


# Longue : une vérification par colonne du registre, chacune avec son message d'erreur en français (fichier, ligne,
# colonne), dans l'ordre des colonnes.
def lire_registre(chemin: Path | str) -> tuple[Definition, ...]:
    """Lit et vérifie un registre (sans cache). Erreur en français (fichier, ligne, colonne) pour une colonne
    absente, une règle d'agrégation, un thème, un type ou un sens inconnus, une base absente, un nombre illisible,
    une variable en double."""
    chemin = Path(chemin)
    fichier = str(chemin)
    if not chemin.is_file():
        raise ErreurDonnees("registre des indicateurs introuvable", fichier=fichier)
    df = pd.read_csv(chemin, dtype=str, keep_default_na=False, encoding="utf-8")
    manquantes = [
        c
        for c in COLONNES
        if c not in df.columns and c not in ("rubrique_rapport", "colonnes_reference", "notes_reference", "note")
    ]
    if manquantes:
        raise ErreurDonnees(
            f"colonne(s) absente(s) : {', '.join(manquantes)} (colonnes attendues : {', '.join(COLONNES)})",
            fichier=fichier,
            ligne=1,
        )
    definitions, vues = [], {}
    for n, r in enumerate(df.to_dict("records"), start=2):
        t = {c: _texte(r.get(c)) for c in COLONNES}
        var = t["variable"]
        if not var:
            raise ErreurDonnees("variable absente", fichier=fichier, ligne=n, colonne="variable")
        if var in vues:
            raise ErreurDonnees(
                f"variable « {var} » en double (déjà ligne {vues[var]})", fichier=fichier, ligne=n, colonne="variable"
            )
        vues[var] = n
        regle = _choix(t["agregation"], REGLES, "règle d'agrégation", fichier, n, "agregation")
        theme = _choix(t["theme"], THEMES, "thème", fichier, n, "theme")
        type_ = _choix(t["type"], TYPES, "type", fichier, n, "type")
        sens = _choix(
            t["plus_eleve_est_defavorable"],
            ("oui", "non", ""),
            "sens (plus_eleve_est_defavorable)",
            fichier,
            n,
            "plus_eleve_est_defavorable",
        )
        for c in ("libelle", "libelle_court", "unite"):
            if not t[c]:
                raise ErreurDonnees(f"{c} absent(e) pour « {var} »", fichier=fichier, ligne=n, colonne=c)
        if regle not in ("somme", CONTEXTE) and not t["base"]:
            raise ErreurDonnees(
                f"la règle « {regle} » demande une base de pondération (colonne base)",
                fichier=fichier,
                ligne=n,
                colonne="base",
            )
        if regle == "part" and bool(t["numerateur"]) != bool(t["denominateur"]):
            colonne = "denominateur" if t["numerateur"] else "numerateur"
            raise ErreurDonnees(
                "une part se recalcule avec un numérateur ET un dénominateur (ou aucun des deux)",
                fichier=fichier,
                ligne=n,
                colonne=colonne,
            )
        if regle != "part" and (t["numerateur"] or t["denominateur"]):
            raise ErreurDonnees(
                f"numérateur et dénominateur ne servent qu'à la règle « part » (règle : « {regle} »)",
                fichier=fichier,
                ligne=n,
                colonne="numerateur",
            )
        decimales = _nombre(t["decimales"], fichier, n, "decimales", entier=True)
        diviseur = _nombre(t["diviseur"], fichier, n, "diviseur")
        definitions.append(
            Definition(
                variable=var,
                libelle=t["libelle"],
                court=t["libelle_court"],
                unite=t["unite"],
                theme=theme,
                defavorable_si_eleve={"oui": True, "non": False, "": None}[sens],
                agregation=regle,
                numerateur=t["numerateur"] or None,
                denominateur=t["denominateur"] or None,
                base=t["base"] or None,
                decimales=0 if decimales is None else decimales,
                diviseur=1.0 if diviseur is None else diviseur,
                type=type_,
                minimum=_nombre(t["minimum"], fichier, n, "minimum"),
                maximum=_nombre(t["maximum"], fichier, n, "maximum"),
                rubrique=t["rubrique_rapport"] or theme,
                references=_paires(t["colonnes_reference"], fichier, n, "colonnes_reference"),
                notes_references=_paires(t["notes_reference"], fichier, n, "notes_reference"),
                note=t["note"],
            )
        )
    return tuple(definitions)


@functools.lru_cache(maxsize=8)
def _registre(chemin: str, _mtime: float) -> tuple[Definition, ...]:
    return lire_registre(chemin)


@functools.lru_cache(maxsize=8)
def _par_variable(chemin: str, mtime: float) -> dict[str, Definition]:
    return {d.variable: d for d in _registre(chemin, mtime)}


def _version(chemin: Path | str | None) -> tuple[str, float]:
    """Le fichier du registre et sa date de modification : la clé de ce qui en est lu (relu s'il a changé)."""
    p = Path(chemin).resolve() if chemin else chemin_registre()
    try:
        mtime = p.stat().st_mtime
    except OSError:
        mtime = -1.0
    return str(p), mtime


def registre(chemin: Path | str | None = None) -> tuple[Definition, ...]:
    """Les définitions du registre, dans l'ordre du fichier (relu s'il a changé)."""
    return _registre(*_version(chemin))


def par_variable(chemin: Path | str | None = None) -> dict[str, Definition]:
    return dict(_par_variable(*_version(chemin)))


def definition(variable: str, chemin: Path | str | None = None) -> Definition:
    try:
        return _par_variable(*_version(chemin))[variable]
    except KeyError:
        raise KeyError(f"indicateur inconnu du registre « {variable} »") from None


def colonnes_non_reconnues(colonnes, chemin: Path | str | None = None) -> list[str]:
    """Colonnes d'une table INSEE que le registre ne connaît pas (hors identifiants et libellés : code, nom,
    communes, type de quartier…) : gardées telles quelles, à lister comme « colonnes non reconnues »."""
    connues = par_variable(chemin)
    return [
        c
        for c in colonnes
        if c not in connues and c not in COLONNES_DESCRIPTIVES and not str(c).endswith(("_brut", "_dont"))
    ]
