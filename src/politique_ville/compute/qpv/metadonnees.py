"""Les indicateurs INSEE du chapitre 1 : :class:`Indicateur` (métadonnées lues dans le registre
:mod:`politique_ville.reference.indicateurs`), :data:`INDICATEURS`, :func:`indicateur`, :func:`indicateurs` ; leur
table pour le lecteur (:func:`table_indicateurs`, règle de calcul dite en clair) ; le chiffre publié de chacun
(:func:`valeurs_publiees`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from politique_ville.published.chiffres import Registre, calcul
from politique_ville.reference.indicateurs import definition as definition_registre
from politique_ville.reference.indicateurs import registre as registre_indicateurs

from .commun import NIVEAU_AGGLO, NIVEAUX_COMPARAISON


@dataclass(frozen=True)
class Indicateur:
    """Métadonnées d'un indicateur INSEE du chapitre 1.

    ``genre`` : « taux » (indicateur comparé par moyennes pondérées : taux, indice, revenu) ou « effectif »
    (comparé par la part des QPV dans le total de l'agglomération). ``poids`` : colonne de pondération de la moyenne
    des QPV (``data/raw/README.md``). ``diviseur`` : 12 pour le revenu annuel montré par mois. ``references`` :
    colonne de ``insee_references`` lue pour chaque niveau de comparaison (par défaut la colonne de même nom).
    :attr:`calculs_publies` : expressions de recalcul (langage de :mod:`politique_ville.published.chiffres`) du chiffre
    publié correspondant, dans l'ordre de préférence (moyenne des QPV d'un taux ; part des QPV dans l'agglomération
    d'un effectif, à défaut total des QPV) : le registre des chiffres publiés le retrouve sans identifiant."""

    code: str
    libelle: str
    court: str
    unite: str
    genre: str
    theme: str
    decimales: int
    poids: str | None = None
    diviseur: float = 1.0
    references: dict = field(default_factory=dict)
    notes_references: dict = field(default_factory=dict)
    #: thème du registre (démographie ; revenus et pauvreté ; emploi ; demandeurs d'emploi ; éducation et
    #: équipements ; activité économique) — ``theme`` garde la rubrique du chapitre 1 du premier rapport transcrit (data/raw/README.md)
    theme_registre: str = ""
    #: une valeur plus élevée est-elle défavorable au quartier ? (None : ni l'un ni l'autre)
    defavorable_si_eleve: bool | None = None
    #: règle d'agrégation du registre (somme, part, moyenne_ponderee, mediane_non_agregeable)
    agregation: str = ""
    note: str = ""

    @property
    def calculs_publies(self) -> tuple[str, ...]:

        qpv = {"type_quartier": "QPV"}
        if self.genre == "taux":
            moyenne = calcul("moyenne_ponderee", "insee_qpv", self.code, self.poids or "pop_mun", **qpv)
            return (moyenne if self.diviseur == 1 else f"{moyenne} / {self.diviseur:g}",)
        total = calcul("somme", "insee_qpv", self.code, **qpv)
        agglo = calcul("valeur", "insee_references", self.code, niveau=NIVEAU_AGGLO)
        return (f"{total} / {agglo} * 100", total)

    def colonne_reference(self, niveau: str) -> str:
        return self.references.get(niveau, self.code)

    @property
    def libelle_poids(self) -> str:
        return {
            "pop_mun": "population municipale",
            "abcde_f": "demandeuses d'emploi (cat. ABCDE)",
            "abcde_h": "demandeurs d'emploi hommes (cat. ABCDE)",
        }.get(self.poids or "", self.poids or "—")


def _depuis_registre(d) -> Indicateur:
    return Indicateur(
        d.variable,
        d.libelle,
        d.court,
        d.unite,
        d.genre,
        d.rubrique,
        d.decimales,
        d.base,
        d.diviseur,
        dict(d.references),
        dict(d.notes_references),
        theme_registre=d.theme,
        defavorable_si_eleve=d.defavorable_si_eleve,
        agregation=d.agregation,
        note=d.note,
    )


#: Les indicateurs du registre ``data/reference/indicateurs_qpv.csv`` (:mod:`politique_ville.reference.indicateurs`), dans
#: son ordre : ceux du premier rapport transcrit (data/raw/README.md) d'abord (dans l'ordre de son chapitre 1), puis les autres variables de l'INSEE.
INDICATEURS: tuple[Indicateur, ...] = tuple(_depuis_registre(d) for d in registre_indicateurs())

_PAR_CODE = {i.code: i for i in INDICATEURS}


def indicateur(code: str) -> Indicateur:
    try:
        return _PAR_CODE[code]
    except KeyError:
        raise KeyError(f"indicateur inconnu « {code} »") from None


def indicateurs(
    genre: str | None = None, qpv: pd.DataFrame | None = None, theme: str | None = None
) -> list[Indicateur]:
    """Les indicateurs (d'un genre, d'un thème), limités à ceux présents dans ``qpv`` si elle est donnée."""
    return [
        i
        for i in INDICATEURS
        if (genre is None or i.genre == genre)
        and (theme is None or i.theme == theme)
        and (qpv is None or i.code in qpv.columns)
    ]


#: la règle d'agrégation du registre, dite au lecteur
REGLES_LISIBLES = {
    "somme": "effectifs additionnés",
    "part": "part recalculée (numérateur / dénominateur) quand le fichier les donne, sinon moyenne pondérée par {base}",
    "moyenne_ponderee": "moyenne des QPV pondérée par {base}",
    "mediane_non_agregeable": "médiane des valeurs des QPV, avec leur étendue (jamais une moyenne de médianes)",
    "contexte": "variable de contexte : montrée par quartier, jamais agrégée ni classée",
}
_BASES = {
    "pop_mun": "la population municipale",
    "abcde_f": "les demandeuses d'emploi (cat. A à E)",
    "abcde_h": "les demandeurs d'emploi hommes (cat. A à E)",
    "pop_mun*tx_f": "la population des femmes (population × part des femmes)",
    "pop_mun*tx_tot_et": "la population étrangère (population × part des étrangers)",
}


def table_indicateurs(qpv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Les métadonnées des indicateurs, pour les montrer : libellé, unité, règle de calcul du niveau des QPV (registre
    des indicateurs), précision, colonnes de comparaison lues dans ``insee_references`` quand elles diffèrent de la
    variable."""
    lignes = []
    for i in indicateurs(qpv=qpv):
        d = definition_registre(i.code)
        calcul = REGLES_LISIBLES.get(d.agregation, d.agregation).format(base=_BASES.get(d.base or "", d.base or "—"))
        autres = [
            f"{n} : {i.colonne_reference(n)}" + (f" ({i.notes_references[n]})" if n in i.notes_references else "")
            for n in NIVEAUX_COMPARAISON
            if i.colonne_reference(n) != i.code
        ]
        lignes.append(
            {
                "Thème": i.theme_registre or i.theme,
                "Indicateur": i.libelle,
                "Variable": i.code,
                "Unité": i.unite + (" (variable annuelle divisée par 12)" if i.diviseur == 12 else ""),
                "Calcul du niveau des QPV": calcul,
                "Décimales affichées": i.decimales,
                "Colonnes de comparaison reçues": "même variable à chaque niveau"
                + (" ; sauf " + " ; ".join(autres) if autres else ""),
            }
        )
    return pd.DataFrame(lignes)


def valeurs_publiees(chiffres: pd.DataFrame | None) -> dict[str, tuple[float, int]]:
    """code de l'indicateur -> (valeur publiée, nombre de décimales publiées) : le chiffre publié de l'année dont
    l'expression est l'une de :attr:`Indicateur.calculs_publies` (absents : dictionnaire vide)."""

    if chiffres is None or chiffres.empty:
        return {}
    registre = Registre.depuis_tables(chiffres)
    sortie = {}
    for i in INDICATEURS:
        for expression in i.calculs_publies:
            c = registre.premier(expression)
            if c is not None:
                sortie[i.code] = (c.valeur, c.decimales)
                break
    return sortie
