"""Chapitre 1 et fiches quartier : géographie prioritaire, indicateurs INSEE des quartiers, comparaisons et rangs.

Mise en forme (valeurs à la française, écarts signés, rangs) : :mod:`politique_ville.present.qpv` ; phrases :
:mod:`politique_ville.narration.geographie` et :mod:`politique_ville.narration.fiche`. Ce module n'écrit ni nombre
à la française ni phrase.

Entrées : tables nettoyées ``insee_qpv``, ``insee_qpv_communes``, ``insee_references``, ``insee_valeurs_manquantes``,
``insee_provenance`` (et ``programmation``, ``programmation_communes`` pour les fiches quartier). Fonctions pures :
DataFrame en entrée, DataFrame (ou nombre) en sortie, sans lecture de fichier ni figure. Ce qu'une fiche quartier
calcule sur tout le territoire (quartiers et communes, niveaux de comparaison, rangs parmi les QPV, index des actions
par commune) est gardé d'une fiche à l'autre d'un même noyau pour les mêmes tables (:mod:`politique_ville.base.memo`) ;
seul le travail propre au quartier est refait à chaque fiche.

Conventions :

- ``decuc_q2`` est annuel dans les tables nettoyées ; il est montré MENSUEL (divisé par 12), comme le rapport ;
- la moyenne « des QPV » d'un taux est la moyenne des QPV pondérée par le poids documenté dans
  ``data/raw/README.md`` (``pop_mun``, ou le nombre de demandeurs d'emploi de chaque sexe pour l'ancienneté
  d'inscription), calculée sur les QPV dont la valeur n'est pas couverte par le secret statistique ;
- une valeur absente n'est jamais 0 : « secret » (secret statistique), « n.d. » (quartier que l'INSEE ne couvre
  pas), « non publié » (niveau de comparaison que le rapport ne publie pas) ;
- rang 1 = valeur la plus élevée ; les ex aequo (à la précision affichée) partagent le plus petit rang ; les
  valeurs secrètes ne sont pas classées.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.clean.nettoyage import departement_du_code_qp
from politique_ville.published.chiffres import Registre, calcul
from politique_ville.reference.indicateurs import CONTEXTE, colonnes_non_reconnues
from politique_ville.reference.indicateurs import THEMES as THEMES_REGISTRE
from politique_ville.reference.indicateurs import definition as definition_registre
from politique_ville.reference.indicateurs import registre as registre_indicateurs
from politique_ville.reference.parametres import selection_fiches
from politique_ville.reference.provenance import NON_PUBLIE as NON_PUBLIE_PROVENANCE

from .. import niveaux as cn

# --------------------------------------------------------------------------------------------- constantes

TYPE_QPV = "QPV"
TYPES_QUARTIER = {
    "QPV": "Quartier prioritaire (QPV)",
    "quartier communautaire": "Quartier communautaire",
    "quartier de veille": "Quartier de veille",
}

NIVEAU_MOYENNE_QPV = "Moyenne des QPV de l'agglomération"
NIVEAU_AGGLO = "Agglomération"
NIVEAU_QPV_DEPARTEMENT = "QPV du département"
NIVEAU_HORS_QPV = "Hors QPV de l'agglomération"
NIVEAU_DEPARTEMENT = "Département"
NIVEAU_QPV_REGION = cn.NIVEAU_QPV_REGION
NIVEAU_QPV_FRANCE = cn.NIVEAU_QPV_FRANCE
#: les QPV du territoire, agrégés par la règle du registre (médiane des QPV pour une médiane : jamais moyennée)
NIVEAU_QPV_TERRITOIRE = "QPV du territoire"

#: niveaux de comparaison de ``insee_references`` montrés à côté des quartiers, avec le libellé des colonnes
NIVEAUX_COMPARAISON = {
    NIVEAU_MOYENNE_QPV: "Moyenne des QPV (publiée)",
    NIVEAU_AGGLO: "Agglomération",
    NIVEAU_QPV_DEPARTEMENT: "QPV du département",
    NIVEAU_HORS_QPV: "Agglomération hors QPV",
}
#: niveaux calculés à partir d'un fichier de l'INSEE plus large que le territoire, montrés seulement quand ils sont là
#: (« QPV de France » : fichier national seulement)
NIVEAUX_SUPPLEMENTAIRES = {NIVEAU_QPV_REGION: "QPV de la région", NIVEAU_QPV_FRANCE: "QPV de France"}

SECRET = "secret"
NON_DISPONIBLE = "n.d."
NON_PUBLIE = NON_PUBLIE_PROVENANCE  # le mot du vocabulaire des provenances
MOTIF_SECRET = "secret statistique"
MOTIF_NON_DISPONIBLE = "non disponible"
PUBLIE = "publié"
RECU = "reçu"


def _millesime(code: str) -> str:
    """Année de référence écrite à la fin du nom d'une variable (« nb_x_AAAA » -> « AAAA »)."""
    m = re.search(r"_(\d{4})$", code)
    return m.group(1) if m else ""


# --------------------------------------------------------------------------------------------- indicateurs


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


# --------------------------------------------------------------------------------------------- quartiers


def nom_quartier(code_qp: str, nom) -> str:
    """Nom affiché : le nom publié, sinon « Quartier sans nom publié (LOC-QP16) »."""
    if isinstance(nom, str) and nom.strip():
        return nom.strip()
    return f"Quartier sans nom publié ({code_qp})"


@memo.une_fois
def _communes_par_quartier(qpv_communes: pd.DataFrame):
    """code_qp -> communes du quartier (tuple, dans l'ordre de ``rang``), en lecture seule : calculé une fois pour
    les mêmes tables (:mod:`politique_ville.base.memo`), rendu sans copie."""
    c = qpv_communes.sort_values(["code_qp", "rang"])
    return memo.lecture_seule({k: tuple(g["commune"]) for k, g in c.groupby("code_qp", sort=False)})


@memo.une_fois
def quartiers(qpv: pd.DataFrame, qpv_communes: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par quartier (QPV puis quartiers communautaires et de veille, dans l'ordre de la table) : nom
    affiché, type, année de reconnaissance, communes (toutes, pour un quartier sur plusieurs communes),
    population."""
    communes = _communes_par_quartier(qpv_communes)
    q = qpv.copy()
    if "annee_reconnaissance" not in q.columns:  # colonne facultative (absente d'un fichier de l'INSEE)
        q["annee_reconnaissance"] = pd.array([pd.NA] * len(q), dtype="Int64")
    q["quartier"] = [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])]
    q["type_libelle"] = q["type_quartier"].map(lambda t: TYPES_QUARTIER.get(t, t))
    q["communes"] = [", ".join(communes.get(c, [])) for c in q["code_qp"]]
    q["nb_communes"] = [len(communes.get(c, [])) for c in q["code_qp"]]
    q["est_qpv"] = q["type_quartier"] == TYPE_QPV
    q["_ordre"] = (~q["est_qpv"]).astype(int)
    q = q.sort_values(["_ordre", "code_qp"], kind="stable")
    return q[
        [
            "code_qp",
            "quartier",
            "type_quartier",
            "type_libelle",
            "annee_reconnaissance",
            "communes",
            "nb_communes",
            "pop_mun",
            "est_qpv",
        ]
    ].reset_index(drop=True)


def _qpv(qpv: pd.DataFrame) -> pd.DataFrame:
    return qpv[qpv["type_quartier"] == TYPE_QPV]


def valeur_reference(references: pd.DataFrame | None, niveau: str, colonne: str, diviseur: float = 1.0) -> float:
    """Valeur d'un niveau de comparaison ; NaN si le niveau, la colonne ou la valeur manque (« non publié »). La
    valeur est celle de la première ligne du niveau. Une table marquée (:mod:`politique_ville.base.memo`) est lue dans un
    index construit une fois (:func:`_valeurs_references`) ; sinon, par filtrage."""
    if references is None or references.empty or colonne not in references.columns:
        return math.nan
    if memo.memorisable(references):
        v = _valeurs_references(references).get((niveau, colonne), math.nan)
        return math.nan if math.isnan(v) else v / diviseur
    ligne = references[references["niveau"] == niveau]
    if ligne.empty:
        return math.nan
    v = pd.to_numeric(ligne[colonne], errors="coerce").iloc[0]
    return math.nan if pd.isna(v) else float(v) / diviseur


@memo.une_fois
def _valeurs_references(references: pd.DataFrame):
    """(niveau, colonne) -> valeur numérique (float, NaN si absente ou illisible) de la première ligne de chaque
    niveau : ce que :func:`valeur_reference` lit, pour toutes les cases d'un coup (en lecture seule)."""
    premieres: dict = {}
    for position, niveau in enumerate(references["niveau"]):
        premieres.setdefault(niveau, position)
    niveaux_, positions = list(premieres), list(premieres.values())
    sortie = {}
    for colonne in references.columns:
        x = pd.to_numeric(references[colonne].iloc[positions], errors="coerce")
        for niveau, v in zip(niveaux_, x):
            sortie[(niveau, colonne)] = math.nan if pd.isna(v) else float(v)
    return memo.lecture_seule(sortie)


def geographie(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, references: pd.DataFrame | None) -> pd.DataFrame:
    """Chiffres clés de la géographie prioritaire (clé, libellé, valeur, unité) : QPV, communes, quartiers
    communautaires et de veille, population des QPV et sa part dans l'agglomération."""
    q = quartiers(qpv, qpv_communes)
    qp = q[q["est_qpv"]]
    autres = q[~q["est_qpv"]]
    communes_qpv = qpv_communes[qpv_communes["code_qp"].isin(qp["code_qp"]) & ~qpv_communes["perimetre"]]
    pop_qpv = float(pd.to_numeric(qp["pop_mun"], errors="coerce").sum())
    pop_agglo = valeur_reference(references, NIVEAU_AGGLO, "pop_mun")
    annees = pd.to_numeric(autres["annee_reconnaissance"], errors="coerce")
    premiere = annees.min() if annees.notna().any() else math.nan
    lignes = [
        ("nb_qpv", "Quartiers prioritaires (QPV)", len(qp), "quartiers"),
        ("nb_communes_qpv", "Communes comptant au moins un QPV", communes_qpv["commune"].nunique(), "communes"),
        (
            "nb_communes_qpv_publie",
            "Communes comptant un QPV (chiffre publié)",
            valeur_reference(references, NIVEAU_AGGLO, "nb_communes_qpv"),
            "communes",
        ),
        (
            "nb_qpv_multicommunes",
            "QPV s'étendant sur plusieurs communes",
            int((qp["nb_communes"] > 1).sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_communautaires",
            "Quartiers communautaires",
            int((autres["type_quartier"] == "quartier communautaire").sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_veille",
            "Quartiers de veille",
            int((autres["type_quartier"] == "quartier de veille").sum()),
            "quartiers",
        ),
        (
            "nb_quartiers_agglomeration",
            "Quartiers communautaires et de veille (géographie d'agglomération)",
            len(autres),
            "quartiers",
        ),
        (
            "annee_premiers_communautaires",
            "Année d'association des premiers quartiers communautaires",
            premiere,
            "année",
        ),
        (
            "nb_premiers_communautaires",
            "Quartiers communautaires et de veille associés cette année-là",
            int((annees == premiere).sum()) if not math.isnan(premiere) else 0,
            "quartiers",
        ),
        (
            "communes_quartiers_agglomeration",
            "Communes des quartiers communautaires et de veille",
            qpv_communes[qpv_communes["code_qp"].isin(autres["code_qp"])]["commune"].nunique(),
            "communes",
        ),
        ("pop_qpv", "Population des QPV", pop_qpv, "habitants"),
        ("pop_agglomeration", "Population de l'agglomération", pop_agglo, "habitants"),
        (
            "part_population_qpv",
            "Part de la population de l'agglomération vivant en QPV",
            pop_qpv / pop_agglo * 100 if pop_agglo and not math.isnan(pop_agglo) else math.nan,
            "%",
        ),
    ]
    return pd.DataFrame(lignes, columns=["cle", "libelle", "valeur", "unite"])


def communes_de_la_geographie(qpv: pd.DataFrame, qpv_communes: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par commune : ses QPV et ses quartiers communautaires ou de veille (un quartier sur plusieurs
    communes apparaît dans chacune)."""
    q = quartiers(qpv, qpv_communes).set_index("code_qp")
    c = qpv_communes[~qpv_communes["perimetre"]].merge(q[["quartier", "est_qpv"]], left_on="code_qp", right_index=True)
    communes = c.groupby("commune", sort=True).size().index  # ordre alphabétique, comme un groupby trié
    est_qpv = c["est_qpv"].astype(bool)

    def par_commune(sel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        g = sel.groupby("commune", sort=True)["quartier"]
        return (
            g.size().reindex(communes, fill_value=0).astype("int64"),
            g.agg(", ".join).reindex(communes, fill_value=""),
        )

    nb_qpv, noms_qpv = par_commune(c[est_qpv])
    nb_autres, noms_autres = par_commune(c[~est_qpv])
    df = pd.DataFrame(
        {
            "commune": list(communes),
            "nb_qpv": nb_qpv.to_list(),
            "qpv": noms_qpv.to_list(),
            "nb_autres": nb_autres.to_list(),
            "autres": noms_autres.to_list(),
        },
        columns=["commune", "nb_qpv", "qpv", "nb_autres", "autres"],
    )
    return df.sort_values(["nb_qpv", "commune"], ascending=[False, True], kind="stable").reset_index(drop=True)


def liens_fiches(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, fiches="toutes") -> pd.DataFrame:
    """Lien relatif (depuis ``reports/<annee>/``) vers la fiche de chaque quartier, ``quartiers/<code_qp>.html``,
    pour les seuls quartiers qui ont une fiche (``fiches`` : valeur du paramètre ``fiches_quartier``, voir
    :func:`selection_fiches`) ; ``lien`` vide pour les autres (pas de lien vers une page qui n'existe pas)."""
    avec_fiche = set(selection_fiches(qpv["code_qp"], fiches))
    q = quartiers(qpv, qpv_communes)
    return pd.DataFrame(
        {
            "code_qp": q["code_qp"],
            "quartier": q["quartier"],
            "type_libelle": q["type_libelle"],
            "communes": q["communes"],
            "lien": [f"quartiers/{c}.html" if c in avec_fiche else None for c in q["code_qp"]],
        }
    )


# --------------------------------------------------------------------------------------------- valeurs manquantes


def motifs(manquantes: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(code_qp, variable) -> motif de la case vide (« secret statistique », « non disponible »)."""
    if manquantes is None or manquantes.empty:
        return {}
    return {(c, v): m for c, v, m in zip(manquantes["code_qp"], manquantes["variable"], manquantes["motif"])}


def marque_manquante(motif: str | None) -> str:
    """« secret » pour le secret statistique (et pour une case vide sans motif : convention INSEE), « n.d. » pour
    un quartier que l'INSEE ne couvre pas."""
    return NON_DISPONIBLE if motif == MOTIF_NON_DISPONIBLE else SECRET


class Provenances(dict):
    """(code_qp, variable) -> provenance des valeurs listées ; ``defaut`` : celle de toute autre valeur."""

    defaut: str = PUBLIE


def provenances(provenance: pd.DataFrame | None) -> Provenances:
    """(code_qp, variable) -> provenance de la valeur (« reconstruit », « approximatif »...) pour ``insee_qpv``.

    Valeur non listée (``defaut``) : « publié » quand l'année a un fichier de provenance (``insee_provenance`` :
    transcription d'un rapport publié, qui liste ce qui n'est PAS publié) ; sinon « reçu » : la valeur est lue telle
    quelle dans le fichier reçu de l'INSEE (``insee_qpv``), ni publiée par un rapport, ni reconstruite."""
    sortie = Provenances()
    sortie.defaut = RECU if provenance is None else PUBLIE
    if provenance is None or provenance.empty:
        return sortie
    p = provenance[provenance["fichier"].str.startswith("insee_qpv")]
    sortie.update({(c, v): x for c, v, x in zip(p["cle"], p["variable"], p["provenance"])})
    return sortie


def provenance_valeur(prov: dict, code_qp: str, variable: str, valeur) -> str:
    """Provenance d'une valeur par quartier : celle du fichier de provenance, sinon celle par défaut
    (:func:`provenances` : « publié » ou « reçu ») ; une case vide sans ligne de provenance est un secret
    statistique."""
    if (code_qp, variable) in prov:
        return prov[(code_qp, variable)]
    if valeur is None or valeur is pd.NA or (isinstance(valeur, float) and math.isnan(valeur)):
        return MOTIF_SECRET
    return getattr(prov, "defaut", PUBLIE)


def resume_manquantes(qpv: pd.DataFrame, manquantes: pd.DataFrame | None) -> pd.DataFrame:
    """Nombre de cases vides par motif et par type de quartier (indicateurs du chapitre seulement)."""
    codes = {i.code for i in INDICATEURS}
    if manquantes is None or manquantes.empty:
        return pd.DataFrame(columns=["type_quartier", "motif", "cases", "quartiers"])
    m = manquantes[manquantes["variable"].isin(codes)].merge(qpv[["code_qp", "type_quartier"]], on="code_qp")
    return (
        m.groupby(["type_quartier", "motif"])
        .agg(cases=("variable", "size"), quartiers=("code_qp", "nunique"))
        .reset_index()
    )


def valeurs_secretes(qpv: pd.DataFrame, manquantes: pd.DataFrame | None) -> pd.DataFrame:
    """Les valeurs des QPV couvertes par le secret statistique (ou vides sans motif, même convention)."""
    mot = motifs(manquantes)
    lignes = []
    for _, lg in _qpv(qpv).iterrows():
        for i in indicateurs(qpv=qpv):
            if pd.isna(lg[i.code]) and mot.get((lg["code_qp"], i.code), MOTIF_SECRET) == MOTIF_SECRET:
                lignes.append(
                    {
                        "code_qp": lg["code_qp"],
                        "quartier": nom_quartier(lg["code_qp"], lg["nom_qp"]),
                        "variable": i.code,
                        "indicateur": i.libelle,
                        "motif": MOTIF_SECRET,
                    }
                )
    return pd.DataFrame(lignes, columns=["code_qp", "quartier", "variable", "indicateur", "motif"])


def avec_marques(valeurs: pd.Series, codes_qp: pd.Series, variable: str, mot: dict) -> pd.Series:
    """Valeurs numériques gardées telles quelles ; case vide remplacée par « secret » ou « n.d. » (jamais 0)."""
    sortie = []
    for v, c in zip(valeurs, codes_qp):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            sortie.append(marque_manquante(mot.get((c, variable))))
        else:
            sortie.append(float(v))
    return pd.Series(sortie, index=valeurs.index, dtype="object")


# --------------------------------------------------------------------------------------------- calculs


def valeurs(qpv: pd.DataFrame, code: str) -> pd.Series:
    """Valeurs d'un indicateur (float, NaN si absente), dans l'unité affichée (revenu mensuel), indexées comme
    ``qpv``."""
    i = indicateur(code)
    return pd.to_numeric(qpv[code], errors="coerce").astype("float64") / i.diviseur


def niveau_qpv(qpv: pd.DataFrame, code: str) -> dict:
    """Le niveau « QPV du territoire » d'un indicateur : ses QPV agrégés par LA règle du registre
    (``compute.niveaux.agreger`` : somme, part recalculée, moyenne pondérée par la bonne base, médiane des QPV —
    jamais une moyenne de médianes), dans l'unité affichée. Clés : ``valeur``, ``origine`` (« calculé »,
    « approximation pondérée », « médiane des QPV »), ``minimum``, ``maximum`` (étendue des valeurs des QPV),
    ``nb_qpv_renseignes``, ``base``. Valeur NaN (origine None) pour une variable de contexte ou absente."""
    i = indicateur(code)
    r = cn.agreger(_qpv(qpv), definition_registre(code))
    if r is None:
        return {"valeur": math.nan, "origine": None, "minimum": math.nan, "maximum": math.nan,
                "nb_qpv": 0, "nb_qpv_renseignes": 0, "nb_secrets": 0, "base": None}  # fmt: skip
    return {
        "valeur": r["valeur"] / i.diviseur,
        "origine": r["origine"],
        "minimum": r["minimum"] / i.diviseur,
        "maximum": r["maximum"] / i.diviseur,
        "nb_qpv": r["nb_qpv"],
        "nb_qpv_renseignes": r["nb_qpv_renseignes"],
        "nb_secrets": r["nb_secrets"],
        "base": r["base"],
    }


def valeur_qpv(qpv: pd.DataFrame, code: str) -> float:
    """La valeur du niveau « QPV du territoire » (:func:`niveau_qpv`)."""
    return niveau_qpv(qpv, code)["valeur"]


def comparer(code: str, valeur, reference, nettement: float | None = None) -> str:
    """Sens de l'écart entre une valeur (moyenne des QPV) et une valeur de comparaison, dans l'unité et à la
    précision affichées de l'indicateur (sorties de :func:`synthese`) : « plus », « moins », « égal », ou « inconnu » si l'une manque (secret, non publié). Avec
    ``nettement`` (écart relatif, ex. 0,25), « nettement plus » ou « nettement moins » au-delà. Le texte d'un
    chapitre se règle sur ce sens : il ne dit jamais « plus faible » quand les données disent le contraire."""
    i = indicateur(code)
    try:
        v, r = float(valeur), float(reference)
    except (TypeError, ValueError):
        return "inconnu"
    if math.isnan(v) or math.isnan(r):
        return "inconnu"
    v_aff, r_aff = round(v, i.decimales), round(r, i.decimales)  # valeurs dans l'unité affichée (revenu mensuel)
    if v_aff == r_aff:
        return "égal"
    sens = "plus" if v_aff > r_aff else "moins"
    if nettement is not None and r != 0 and abs(v - r) / abs(r) >= nettement:
        return f"nettement {sens}"
    return sens


def rangs(valeurs_: pd.Series, decimales: int) -> pd.Series:
    """Rang de chaque valeur (1 = la plus élevée), calculé sur les valeurs arrondies à la précision affichée : des
    valeurs affichées égales sont ex aequo et partagent le plus petit rang (1, 2, 2, 4) ; une valeur manquante
    (secret) n'est pas classée (rang manquant)."""
    x = pd.to_numeric(valeurs_, errors="coerce").astype("float64").round(decimales)
    return x.rank(ascending=False, method="min").astype("Int64")


def classement(qpv: pd.DataFrame, codes: list[str] | None = None) -> pd.DataFrame:
    """Rang de chaque QPV sur chaque indicateur de taux (une colonne par indicateur, ``Int64``, manquant = non
    classé) : rang 1 = situation la plus défavorable (:func:`rangs_orientes`), la convention de tout le rapport."""
    q = _qpv(qpv)
    codes = codes or [i.code for i in indicateurs("taux", qpv)]
    sortie = pd.DataFrame(
        {"code_qp": q["code_qp"].values, "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])]}
    )
    for c in codes:
        sortie[c] = rangs_orientes(valeurs(q, c), c).values  # rang 1 = situation la plus défavorable
    return sortie


def classement_marque(
    qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """``classement`` pour l'affichage : rang entier, ou « secret » / « n.d. » pour une valeur non classée
    (colonnes ``object``)."""
    r = classement(qpv, codes)
    mot = motifs(manquantes)
    for c in r.columns[2:]:
        r[c] = pd.Series(
            [marque_manquante(mot.get((q, c))) if pd.isna(x) else int(x) for q, x in zip(r["code_qp"], r[c])],
            index=r.index,
            dtype="object",
        )
    return r


def extremes(qpv: pd.DataFrame, code: str, qpv_communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Les QPV qui ont la valeur la plus élevée et la plus faible d'un indicateur (à la précision affichée ; tous
    les ex aequo sont rendus). Colonnes : sens (« maximum » / « minimum »), code_qp, quartier, communes, valeur."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = valeurs(q, code)
    arr = x.round(i.decimales)
    communes = _communes_par_quartier(qpv_communes) if qpv_communes is not None else {}
    lignes = []
    if arr.notna().any():
        for sens, cible in (("maximum", arr.max()), ("minimum", arr.min())):
            for idx in arr.index[arr == cible]:
                c = q.at[idx, "code_qp"]
                lignes.append(
                    {
                        "sens": sens,
                        "code_qp": c,
                        "quartier": nom_quartier(c, q.at[idx, "nom_qp"]),
                        "communes": ", ".join(communes.get(c, [])) or q.at[idx, "nom_commune"],
                        "valeur": float(x[idx]),
                    }
                )
    return pd.DataFrame(lignes, columns=["sens", "code_qp", "quartier", "communes", "valeur"])


def synthese(
    qpv: pd.DataFrame, references: pd.DataFrame | None, manquantes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Une ligne par indicateur de taux : niveau « QPV du territoire » (:func:`niveau_qpv` : règle du registre,
    ``regle``, étendue ``minimum_qpv``–``maximum_qpv``) et valeur de chaque niveau de comparaison (NaN = non publié ; « QPV de la région », « QPV de France » seulement quand ``references`` les a),
    écart à l'agglomération, nombre de QPV renseignés et secrets."""
    q = _qpv(qpv)
    mot = motifs(manquantes)
    supplementaires = niveaux_supplementaires(references)
    lignes = []
    for i in indicateurs("taux", qpv):
        x = valeurs(q, i.code)
        ligne = {
            "code": i.code,
            "theme": i.theme,
            "indicateur": i.libelle,
            "unite": i.unite,
        }
        n = niveau_qpv(qpv, i.code)
        ligne |= {
            "qpv_territoire": n["valeur"],
            "regle": n["origine"],
            "minimum_qpv": n["minimum"],
            "maximum_qpv": n["maximum"],
        }
        for niveau in NIVEAUX_COMPARAISON:
            ligne[niveau] = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        for niveau in supplementaires:
            ligne[niveau] = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        ligne["ecart_agglomeration"] = ligne["qpv_territoire"] - ligne[NIVEAU_AGGLO]
        ligne["nb_qpv_renseignes"] = int(x.notna().sum())
        ligne["nb_secrets"] = int(
            sum(
                1
                for c, v in zip(q["code_qp"], x)
                if math.isnan(v) and mot.get((c, i.code), MOTIF_SECRET) == MOTIF_SECRET
            )
        )
        ligne["ponderation"] = i.libelle_poids
        lignes.append(ligne)
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "theme",
            "indicateur",
            "unite",
            "qpv_territoire",
            "regle",
            "minimum_qpv",
            "maximum_qpv",
            *NIVEAUX_COMPARAISON,
            *supplementaires,
            "ecart_agglomeration",
            "nb_qpv_renseignes",
            "nb_secrets",
            "ponderation",
        ],
    )


#: niveaux auxquels l'écart d'un quartier est mesuré, par ordre de préférence (le premier publié est retenu)
NIVEAUX_ECART = (NIVEAU_AGGLO, NIVEAU_HORS_QPV)


def niveau_ecart(references: pd.DataFrame | None, code: str) -> tuple[str | None, float]:
    """Niveau de référence de l'écart d'un quartier : l'agglomération si elle est publiée, sinon l'agglomération
    hors QPV ; (None, NaN) si aucun des deux n'est publié."""
    i = indicateur(code)
    for niveau in NIVEAUX_ECART:
        v = valeur_reference(references, niveau, i.colonne_reference(niveau), i.diviseur)
        if not math.isnan(v):
            return niveau, v
    return None, math.nan


def comparaison(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code: str,
    qpv_communes: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Chaque QPV sur un indicateur de taux : valeur, marque de la case vide (« secret »), rang, écarts au niveau
    « QPV du territoire » (:func:`niveau_qpv`) et à l'agglomération (NaN si elle n'est pas publiée), écart au niveau de référence retenu
    (``niveau_ecart`` : l'agglomération, à défaut l'agglomération hors QPV), provenance de la valeur. Trié par rang
    (non classés à la fin)."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = valeurs(q, code)
    communes = _communes_par_quartier(qpv_communes) if qpv_communes is not None else {}
    mot, prov = motifs(manquantes), provenances(provenance)
    moy = valeur_qpv(qpv, code)
    agglo = valeur_reference(references, NIVEAU_AGGLO, i.colonne_reference(NIVEAU_AGGLO), i.diviseur)
    df = pd.DataFrame(
        {
            "code_qp": q["code_qp"].values,
            "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
            "communes": [", ".join(communes.get(c, [])) or n for c, n in zip(q["code_qp"], q["nom_commune"])],
            "valeur": x.values,
        }
    )
    df["marque"] = [
        None if not math.isnan(v) else marque_manquante(mot.get((c, code))) for c, v in zip(df["code_qp"], df["valeur"])
    ]
    df["rang"] = rangs_orientes(df["valeur"], code).values  # rang 1 = situation la plus défavorable
    df["nb_classes"] = int(df["valeur"].notna().sum())
    df["qpv_territoire"] = moy
    df["ecart_qpv_territoire"] = df["valeur"] - moy
    df["agglomeration"] = agglo
    df["ecart_agglomeration"] = df["valeur"] - agglo
    niveau, ref = niveau_ecart(references, code)
    df["niveau_ecart"] = niveau
    df["reference_ecart"] = ref
    df["ecart_reference"] = df["valeur"] - ref
    df["provenance"] = [provenance_valeur(prov, c, i.code, v) for c, v in zip(df["code_qp"], df["valeur"])]
    df["_ordre"] = df["rang"].astype("Float64").fillna(10**6)
    return df.sort_values(["_ordre", "code_qp"], kind="stable").drop(columns="_ordre").reset_index(drop=True)


def valeurs_par_quartier(
    qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """Tableau large : un QPV par ligne, un indicateur par colonne ; valeurs numériques (revenu mensuel), case vide
    marquée « secret » ou « n.d. » (colonnes ``object``)."""
    q = _qpv(qpv)
    mot = motifs(manquantes)
    codes = codes or [i.code for i in indicateurs("taux", qpv)]
    sortie = pd.DataFrame(
        {"code_qp": q["code_qp"].values, "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])]}
    )
    for c in codes:
        sortie[c] = avec_marques(valeurs(q, c), q["code_qp"], c, mot).values
    return sortie


def parts_agglomeration(qpv: pd.DataFrame, references: pd.DataFrame | None) -> pd.DataFrame:
    """Une ligne par effectif : total des QPV, total de l'agglomération (NaN = non publié) et part des QPV (%)."""
    q = _qpv(qpv)
    lignes = []
    for i in indicateurs("effectif", qpv):
        x = pd.to_numeric(q[i.code], errors="coerce")
        total_agglo = valeur_reference(references, NIVEAU_AGGLO, i.code)
        total = float(x.sum()) if x.notna().any() else math.nan
        lignes.append(
            {
                "code": i.code,
                "theme": i.theme,
                "indicateur": i.libelle,
                "unite": i.unite,
                "total_qpv": total,
                "nb_qpv_renseignes": int(x.notna().sum()),
                "total_agglomeration": total_agglo,
                "part_qpv": total / total_agglo * 100 if total_agglo and not math.isnan(total_agglo) else math.nan,
            }
        )
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "theme",
            "indicateur",
            "unite",
            "total_qpv",
            "nb_qpv_renseignes",
            "total_agglomeration",
            "part_qpv",
        ],
    )


def parts_par_quartier(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Chaque QPV sur un effectif : valeur, part de l'agglomération (%), rang, provenance."""
    i = indicateur(code)
    q = _qpv(qpv)
    x = pd.to_numeric(q[code], errors="coerce").astype("float64")
    total_agglo = valeur_reference(references, NIVEAU_AGGLO, code)
    mot, prov = motifs(manquantes), provenances(provenance)
    df = pd.DataFrame(
        {
            "code_qp": q["code_qp"].values,
            "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
            "valeur": x.values,
        }
    )
    df["marque"] = [
        None if not math.isnan(v) else marque_manquante(mot.get((c, code))) for c, v in zip(df["code_qp"], df["valeur"])
    ]
    df["part_agglomeration"] = (
        df["valeur"] / total_agglo * 100 if total_agglo and not math.isnan(total_agglo) else math.nan
    )
    df["rang"] = rangs(df["valeur"], i.decimales).values
    df["provenance"] = [provenance_valeur(prov, c, code, v) for c, v in zip(df["code_qp"], df["valeur"])]
    return df


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


def provenance_reference(provenance: pd.DataFrame | None, niveau: str, variable: str) -> str:
    """Provenance d'une valeur de ``insee_references`` : celle listée par le fichier de provenance, « publié » si
    elle n'y est pas ; « reçu » sans fichier de provenance (niveaux reçus dans un fichier, pas d'un rapport)."""
    if provenance is None:
        return RECU
    if provenance.empty:
        return PUBLIE
    p = provenance[
        provenance["fichier"].str.startswith("insee_references")
        & (provenance["cle"] == niveau)
        & (provenance["variable"] == variable)
    ]
    return p["provenance"].iloc[0] if len(p) else PUBLIE


def jeunes_en_qpv_departement(references: pd.DataFrame | None) -> float:
    """N dans « 1 jeune de moins de 25 ans du département sur N vit en QPV » ; NaN si non publié."""
    tous = valeur_reference(references, NIVEAU_DEPARTEMENT, "pop_moins_25")
    en_qpv = valeur_reference(references, NIVEAU_QPV_DEPARTEMENT, "pop_moins_25")
    return tous / en_qpv if en_qpv and not math.isnan(en_qpv) and not math.isnan(tous) else math.nan


def effectifs_par_quartier(qpv: pd.DataFrame, manquantes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tableau large des effectifs : un QPV par ligne, un effectif par colonne (case vide marquée)."""
    return valeurs_par_quartier(qpv, manquantes, [i.code for i in indicateurs("effectif", qpv)])


# --------------------------------------------------------------------------------------------- niveaux calculés


@memo.une_fois
def references_comparaison(references: pd.DataFrame | None, niveaux: pd.DataFrame | None) -> pd.DataFrame | None:
    """Les niveaux de comparaison du chapitre : ``insee_references`` reçu, complété par les niveaux calculés de
    ``insee_niveaux`` (``compute.niveaux``, table longue ; absente quand le fichier de l'INSEE ne couvre que le
    territoire). La valeur reçue l'emporte, case par case ; une valeur calculée ne remplit que ce qui n'est pas
    reçu. Même forme que ``insee_references`` (lue par :func:`valeur_reference`) ; ``references`` tel quel sans
    niveaux calculés."""
    if niveaux is None or niveaux.empty:
        return references
    calcules = cn.en_references(niveaux)
    if references is None or references.empty:
        return calcules
    recus = references.drop_duplicates("niveau").set_index("niveau")
    calcules = calcules.drop_duplicates("niveau").set_index("niveau")
    ordre = list(recus.index) + [n for n in calcules.index if n not in recus.index]
    colonnes = list(recus.columns) + [c for c in calcules.columns if c not in recus.columns]
    fusion = recus.combine_first(calcules).reindex(index=ordre, columns=colonnes)
    fusion.index.name = "niveau"
    return fusion.reset_index()


def departement_du_quartier(code_qp: str, qpv_communes: pd.DataFrame | None = None) -> str | None:
    """Le département d'un quartier : celui du code INSEE de sa première commune (``insee_qpv_communes``,
    « 62048 » -> « 62 », « 97411 » -> « 974 », « 2A004 » -> « 2A ») ; à défaut, celui de son code
    (``nettoyage.departement_du_code_qp`` : « QP005901 » -> « 05 ») ; None pour un code local."""
    if qpv_communes is not None and "code_insee" in qpv_communes.columns:
        lignes = qpv_communes[qpv_communes["code_qp"] == code_qp]
        if "rang" in lignes.columns:
            lignes = lignes.sort_values("rang", kind="stable")
        codes = [c for c in lignes["code_insee"] if isinstance(c, str) and len(c) == 5]
        if codes:
            return codes[0][:3] if codes[0].startswith("97") else codes[0][:2]
    return departement_du_code_qp(code_qp)


def references_du_quartier(
    references: pd.DataFrame | None, code_qp: str, qpv_communes: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """Les niveaux de comparaison vus d'un quartier : pour un territoire qui couvre plusieurs départements (région,
    France), le niveau « QPV du département » est celui du département du quartier (:func:`departement_du_quartier`,
    ``compute.niveaux.niveau_departement``) ; les autres départements sont laissés de côté. Inchangé sinon."""
    if references is None or references.empty or "niveau" not in references.columns:
        return references
    propres = references["niveau"].astype(str).str.startswith(f"{NIVEAU_QPV_DEPARTEMENT} ")
    if not propres.any():
        return references
    sien = cn.niveau_departement(departement_du_quartier(code_qp, qpv_communes) or "")
    sortie = references[~propres | (references["niveau"] == sien)].copy()
    sortie.loc[sortie["niveau"] == sien, "niveau"] = NIVEAU_QPV_DEPARTEMENT
    return sortie.reset_index(drop=True)


def niveaux_supplementaires(references: pd.DataFrame | None) -> list[str]:
    """« QPV de la région », « QPV de France » : ceux que ``references`` a (niveaux calculés), dans cet ordre."""
    if references is None or references.empty or "niveau" not in references.columns:
        return []
    presents = set(references["niveau"])
    return [n for n in NIVEAUX_SUPPLEMENTAIRES if n in presents]


def _nan(v) -> float:
    v = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return math.nan if pd.isna(v) else float(v)


def niveaux_indicateurs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    niveaux: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    codes: list[str] | None = None,
) -> pd.DataFrame:
    """Les niveaux de comparaison de chaque indicateur présent dans ``qpv`` (ou de ``codes``), une ligne par
    indicateur et niveau qui a une valeur : d'abord les « QPV du territoire » (ses QPV agrégés par la règle du
    registre : somme, part recalculée, moyenne pondérée, médiane des QPV — jamais une moyenne de médianes), puis
    chaque niveau de ``references`` (reçu, ou calculé : voir :func:`references_comparaison`), dans son ordre.

    Colonnes : ``code``, ``niveau``, ``libelle_territoire``, ``valeur`` (unité affichée : revenu mensuel),
    ``origine`` (« reçu », « calculé », « approximation pondérée », « médiane des QPV » ; « reçu (approximatif) »
    pour une valeur reçue que la provenance dit approximative), ``minimum`` et ``maximum`` (valeurs des QPV du
    niveau, pour une médiane), ``nb_qpv``, ``nb_secrets`` (valeurs manquantes laissées de côté).

    Le calcul sur tout le territoire (:func:`_niveaux_indicateurs`) est fait une fois pour les mêmes tables
    (:mod:`politique_ville.base.memo`) ; seule la marque « approximatif », lue dans ``provenance`` (que la fiche quartier
    réduit aux lignes de son quartier et des références), est posée à chaque appel."""
    sortie = _niveaux_indicateurs(qpv, references, niveaux, None if codes is None else tuple(codes))
    a_verifier = sortie.pop("_colonne_recue")
    if provenance is not None and not provenance.empty:
        approximatives = _provenances_references(provenance)
        marque = np.array(
            [
                isinstance(c, str) and approximatives.get((n, c)) == "approximatif"
                for n, c in zip(sortie["niveau"], a_verifier)
            ],
            dtype=bool,
        )
        if marque.any():
            sortie.loc[marque, "origine"] = f"{cn.RECU} (approximatif)"
    return sortie


def _provenances_references(provenance: pd.DataFrame):
    """(niveau, variable) -> provenance de la valeur de ``insee_references`` (première ligne listée) : ce que
    :func:`provenance_reference` lit, pour toutes les valeurs d'un coup."""
    p = provenance[provenance["fichier"].str.startswith("insee_references", na=False)]
    sortie: dict = {}
    for c, v, x in zip(p["cle"], p["variable"], p["provenance"]):
        sortie.setdefault((c, v), x)
    return sortie


@memo.une_fois
def _niveaux_indicateurs(
    qpv: pd.DataFrame, references: pd.DataFrame | None, niveaux: pd.DataFrame | None, codes: tuple[str, ...] | None
) -> pd.DataFrame:
    """:func:`niveaux_indicateurs` sans la provenance : ``_colonne_recue`` donne, pour une valeur reçue (ni
    calculée ni agrégée), la colonne de ``references`` lue, dont la provenance peut la dire approximative."""
    codes = codes if codes is not None else [i.code for i in indicateurs(qpv=qpv)]
    q = _qpv(qpv)
    lignes = []
    ordre = [] if references is None or references.empty else list(dict.fromkeys(references["niveau"]))
    libelles = (
        {}
        if not ordre or "libelle_territoire" not in references.columns
        else dict(zip(references["niveau"], references["libelle_territoire"]))
    )
    for code in codes:
        i = indicateur(code)
        r = niveau_qpv(q, code)  # la même règle que partout : jamais une moyenne de médianes
        if not math.isnan(r["valeur"]):
            lignes.append(
                {
                    "code": code,
                    "niveau": NIVEAU_QPV_TERRITOIRE,
                    "libelle_territoire": "QPV du territoire",
                    **{k: r[k] for k in ("valeur", "origine", "minimum", "maximum", "nb_qpv", "nb_secrets")},
                    "_colonne_recue": None,
                }
            )
        for niveau in ordre:
            colonne = i.colonne_reference(niveau)
            v = valeur_reference(references, niveau, colonne, i.diviseur)
            if math.isnan(v):
                continue
            ligne = {
                "code": code,
                "niveau": niveau,
                "libelle_territoire": libelles.get(niveau),
                "valeur": v,
                "origine": cn.RECU,
                "minimum": math.nan,
                "maximum": math.nan,
                "nb_qpv": math.nan,
                "nb_secrets": math.nan,
                "_colonne_recue": None,
            }
            calcul = None
            if niveaux is not None and not niveaux.empty:
                sel = niveaux[(niveaux["niveau"] == niveau) & (niveaux["variable"] == colonne)]
                calcul = sel.iloc[0] if len(sel) else None
            if calcul is not None and calcul["origine"] != cn.RECU:
                ligne |= {
                    "origine": calcul["origine"],
                    "minimum": _nan(calcul.get("minimum")) / i.diviseur,
                    "maximum": _nan(calcul.get("maximum")) / i.diviseur,
                    "nb_qpv": _nan(calcul.get("nb_qpv")),
                    "nb_secrets": _nan(calcul.get("nb_secrets")),
                }
            else:
                ligne["_colonne_recue"] = colonne  # provenance lue par niveaux_indicateurs
            lignes.append(ligne)
    return pd.DataFrame(
        lignes,
        columns=[
            "code",
            "niveau",
            "libelle_territoire",
            "valeur",
            "origine",
            "minimum",
            "maximum",
            "nb_qpv",
            "nb_secrets",
            "_colonne_recue",
        ],
    )


def origines_par_niveau(niveaux_ind: pd.DataFrame) -> dict[str, list[str]]:
    """niveau -> origines de ses valeurs (sans doublon, dans l'ordre) : ce qui est reçu, ce qui est calculé."""
    sortie: dict[str, list[str]] = {}
    for n, o in zip(niveaux_ind["niveau"], niveaux_ind["origine"]):
        if o not in sortie.setdefault(n, []):
            sortie[n].append(o)
    return sortie


# --------------------------------------------------------------------------------------------- par thème

#: sens du rang d'un indicateur selon le registre : rang 1 = situation la plus défavorable (valeur la plus élevée ou
#: la plus faible), ou, pour un indicateur ni favorable ni défavorable, valeur la plus élevée
SENS_ELEVE = "la plus élevée"
SENS_FAIBLE = "la plus faible"


def sens_du_rang(code: str) -> str:
    """Valeur qui a le rang 1 : « la plus faible » pour un indicateur dont une valeur élevée est favorable (taux
    d'emploi, revenu), « la plus élevée » sinon (défavorable si élevé, ou ni l'un ni l'autre)."""
    return SENS_FAIBLE if indicateur(code).defavorable_si_eleve is False else SENS_ELEVE


def rangs_orientes(valeurs_: pd.Series, code: str) -> pd.Series:
    """Rang de chaque valeur selon le sens du registre (:func:`sens_du_rang`) : rang 1 = situation la plus
    défavorable ; ex aequo à la précision affichée (plus petit rang partagé) ; valeur manquante non classée."""
    i = indicateur(code)
    x = pd.to_numeric(valeurs_, errors="coerce").astype("float64").round(i.decimales)
    return x.rank(ascending=sens_du_rang(code) == SENS_FAIBLE, method="min").astype("Int64")


def indicateurs_par_theme(qpv: pd.DataFrame) -> dict[str, list[str]]:
    """Thème du registre -> codes des indicateurs présents dans ``qpv`` (ordre du registre) ; les six thèmes dans
    leur ordre, sans ceux dont aucun indicateur n'est dans le fichier."""
    sortie: dict[str, list[str]] = {}
    for theme in THEMES_REGISTRE:
        codes = [i.code for i in INDICATEURS if i.theme_registre == theme and i.code in qpv.columns]
        if codes:
            sortie[theme] = codes
    return sortie


def colonnes_inconnues(qpv: pd.DataFrame) -> list[str]:
    """Colonnes de ``insee_qpv`` que le registre des indicateurs ne connaît pas (gardées, à lister)."""
    return colonnes_non_reconnues(list(qpv.columns))


def valeurs_inconnues(qpv: pd.DataFrame, code_qp: str) -> dict:
    """Colonne non reconnue -> valeur du quartier, telle quelle (fiche quartier)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    return {} if ligne.empty else {c: ligne[c].iloc[0] for c in colonnes_inconnues(qpv)}


@dataclass(frozen=True, eq=False)
class Theme:
    """Les indicateurs d'un thème du registre présents dans le fichier (voir :func:`themes`)."""

    nom: str
    codes: list[str]
    valeurs: pd.DataFrame  # code_qp, quartier, une colonne par code (nombre, ou « secret » / « n.d. »)
    rangs: pd.DataFrame  # code_qp, quartier, une colonne par code (rang orienté, ou « secret » / « n.d. »)
    niveaux: pd.DataFrame  # niveaux_indicateurs des codes du thème
    ecarts: pd.DataFrame  # code_qp, quartier, code, valeur, une colonne par niveau (écart, NaN sans valeur)

    @property
    def taux(self) -> list[str]:
        return [c for c in self.codes if indicateur(c).genre == "taux"]

    @property
    def classes(self) -> list[str]:
        """Les indicateurs classés (tous sauf les variables de contexte)."""
        return [c for c in self.codes if indicateur(c).genre != CONTEXTE]


def ecarts_aux_niveaux(qpv: pd.DataFrame, niveaux_ind: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Écart de chaque QPV à chaque niveau de comparaison (valeur − niveau, unité affichée), pour les indicateurs
    de taux de ``codes`` (un effectif ne se compare pas par écart : voir la part des QPV) ; une ligne par QPV et
    indicateur, une colonne par niveau ; NaN si la valeur du quartier (secret) ou le niveau manque."""
    q = _qpv(qpv)
    taux = [c for c in codes if indicateur(c).genre == "taux"]
    sel = niveaux_ind[niveaux_ind["code"].isin(taux)]
    ordre = list(dict.fromkeys(sel["niveau"]))
    lignes = []
    for code in taux:
        x = valeurs(q, code)
        refs = dict(zip(sel.loc[sel["code"] == code, "niveau"], sel.loc[sel["code"] == code, "valeur"]))
        for c, n, v in zip(q["code_qp"], q["nom_qp"], x):
            lignes.append(
                {"code_qp": c, "quartier": nom_quartier(c, n), "code": code, "valeur": v}
                | {niveau: v - refs.get(niveau, math.nan) for niveau in ordre}
            )
    return pd.DataFrame(lignes, columns=["code_qp", "quartier", "code", "valeur", *ordre])


def themes(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    niveaux: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
) -> list[Theme]:
    """Tous les indicateurs du fichier, groupés par thème du registre (:func:`indicateurs_par_theme`) : valeurs
    par QPV (cases vides marquées), rangs orientés (:func:`rangs_orientes`), niveaux de comparaison
    (:func:`niveaux_indicateurs`) et écarts à chacun (:func:`ecarts_aux_niveaux`)."""
    q = _qpv(qpv)
    mot = motifs(manquantes)
    niveaux_ind = niveaux_indicateurs(qpv, references, niveaux, provenance)
    sortie = []
    for nom, codes in indicateurs_par_theme(qpv).items():
        rangs_ = pd.DataFrame(
            {
                "code_qp": q["code_qp"].values,
                "quartier": [nom_quartier(c, n) for c, n in zip(q["code_qp"], q["nom_qp"])],
            }
        )
        for c in codes:
            if indicateur(c).genre == CONTEXTE:  # variable de contexte : montrée, jamais classée
                continue
            r = rangs_orientes(valeurs(q, c), c)
            rangs_[c] = pd.Series(
                [marque_manquante(mot.get((k, c))) if pd.isna(x) else int(x) for k, x in zip(q["code_qp"], r)],
                dtype="object",
            ).values
        sortie.append(
            Theme(
                nom,
                codes,
                valeurs_par_quartier(qpv, manquantes, codes),
                rangs_,
                niveaux_ind[niveaux_ind["code"].isin(codes)].reset_index(drop=True),
                ecarts_aux_niveaux(qpv, niveaux_ind, codes),
            )
        )
    return sortie


# --------------------------------------------------------------------------------------------- fiche quartier


@memo.une_fois
def _rangs_territoire(qpv: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Ce qu'une fiche quartier lit de tous les QPV, calculé une fois pour les mêmes tables (:mod:`politique_ville.base.memo`)
    : (rangs, par indicateur). ``rangs`` : une ligne par QPV (ordre de la table), ``code_qp``, puis pour chaque
    indicateur du registre présent dans ``qpv`` son rang (:func:`rangs`, colonne ``<code>``) et son rang orienté
    (:func:`rangs_orientes`, colonne ``oriente:<code>``). Par indicateur (lecture seule) : (nombre de QPV classés,
    niveau « QPV du territoire » pour un taux (:func:`valeur_qpv`, NaN sinon), total des QPV pour un effectif (NaN sinon))."""
    q = _qpv(qpv)
    colonnes: dict = {"code_qp": q["code_qp"].array}
    par_code = {}
    for i in indicateurs(qpv=qpv):
        x = valeurs(q, i.code)
        if i.genre != CONTEXTE:  # une variable de contexte n'est jamais classée
            colonnes[i.code] = rangs(x, i.decimales).array
            colonnes[f"oriente:{i.code}"] = rangs_orientes(x, i.code).array
        par_code[i.code] = (
            int(x.notna().sum()),
            valeur_qpv(qpv, i.code) if i.genre == "taux" else math.nan,
            float(pd.to_numeric(q[i.code], errors="coerce").sum()) if i.genre == "effectif" else math.nan,
        )
    return pd.DataFrame(colonnes), memo.lecture_seule(par_code)


@memo.une_fois
def _nombres_territoire(qpv: pd.DataFrame) -> pd.DataFrame:
    """Valeur numérique (float64, NaN si absente ou illisible ; revenu annuel, avant division) de chaque indicateur
    du registre présent dans ``qpv``, pour chaque ligne de ``qpv`` (même ordre) : lue une fois pour toutes les
    fiches (:mod:`politique_ville.base.memo`)."""
    return pd.DataFrame(
        {i.code: pd.to_numeric(qpv[i.code], errors="coerce").astype("float64").to_numpy() for i in indicateurs(qpv=qpv)}
    )


def _nombres_du_quartier(qpv: pd.DataFrame, code_qp: str) -> pd.Series:
    """Les valeurs numériques (:func:`_nombres_territoire`) de la première ligne du quartier dans ``qpv``."""
    position = np.flatnonzero(qpv["code_qp"].to_numpy() == code_qp)[0]
    return _nombres_territoire(qpv).iloc[position]


def _position(rangs_: pd.DataFrame, code_qp: str) -> int | None:
    """Position du quartier (première ligne de son code) dans les rangs de :func:`_rangs_territoire` ; None s'il
    n'est pas un QPV."""
    positions = np.flatnonzero(rangs_["code_qp"].to_numpy() == code_qp)
    return int(positions[0]) if len(positions) else None


def fiche_identite(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, code_qp: str) -> dict:
    """Nom affiché, type, communes, population, année de reconnaissance d'un quartier ; ``couvert_insee`` faux si
    l'INSEE ne publie aucune donnée pour lui. Erreur claire si le code est inconnu."""
    q = quartiers(qpv, qpv_communes)
    ligne = q[q["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} » : codes disponibles {', '.join(q['code_qp'])}")
    lg = ligne.iloc[0]
    brut = qpv[qpv["code_qp"] == code_qp].iloc[0]
    couvert = any(pd.notna(brut[i.code]) for i in indicateurs(qpv=qpv))
    communes = list(_communes_par_quartier(qpv_communes).get(code_qp, ()))
    return {
        "code_qp": code_qp,
        "quartier": lg["quartier"],
        "type_quartier": lg["type_quartier"],
        "type_libelle": lg["type_libelle"],
        "communes": communes,
        "annee_reconnaissance": lg["annee_reconnaissance"],
        "pop_mun": math.nan if pd.isna(lg["pop_mun"]) else float(lg["pop_mun"]),
        "est_qpv": bool(lg["est_qpv"]),
        "couvert_insee": couvert,
        "nom_publie": isinstance(brut["nom_qp"], str) and bool(brut["nom_qp"].strip()),
    }


def fiche_indicateurs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque indicateur de taux : sa valeur (ou « secret » / « n.d. »), son rang parmi les QPV
    (« x sur n »), la moyenne des QPV (recalculée), l'agglomération et les QPV du département (NaN = non publié),
    la provenance de sa valeur."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    tous, par_code = _rangs_territoire(qpv)  # calculés une fois pour toutes les fiches (memo)
    position = _position(tous, code_qp)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for i in indicateurs("taux", qpv):
        v = float(nombres[i.code] / i.diviseur)
        rang = tous[f"oriente:{i.code}"].iloc[position] if position is not None else pd.NA  # 1 = le plus défavorable
        lignes.append(
            {
                "code": i.code,
                "theme": i.theme,
                "indicateur": i.libelle,
                "unite": i.unite,
                "valeur": v if not math.isnan(v) else marque_manquante(mot.get((code_qp, i.code))),
                "rang": rang if not pd.isna(rang) else pd.NA,
                "nb_classes": par_code[i.code][0],
                "qpv_territoire": par_code[i.code][1],
                "agglomeration": valeur_reference(
                    references, NIVEAU_AGGLO, i.colonne_reference(NIVEAU_AGGLO), i.diviseur
                ),
                "qpv_departement": valeur_reference(
                    references, NIVEAU_QPV_DEPARTEMENT, i.colonne_reference(NIVEAU_QPV_DEPARTEMENT), i.diviseur
                ),
                "provenance": provenance_valeur(prov, code_qp, i.code, v),
            }
        )
    df = pd.DataFrame(lignes)
    df["rang"] = df["rang"].astype("Int64")
    return df


def fiche_par_theme(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    niveaux: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque indicateur du fichier, groupé par thème du registre (ordre des thèmes puis du
    registre) : ``theme``, ``code``, ``indicateur``, ``unite``, ``genre``, ``valeur`` (ou « secret » / « n.d. »),
    ``rang`` orienté (rang 1 = situation la plus défavorable, :func:`rangs_orientes`), ``nb_classes``, ``sens``
    (:func:`sens_du_rang`), ``provenance`` ; puis, pour chaque niveau de comparaison (:func:`niveaux_indicateurs`),
    une colonne à son nom (valeur du niveau, NaN s'il ne l'a pas), ``ecart:<niveau>`` (écart du quartier, pour un
    taux seulement), ``origine:<niveau>``, ``minimum:<niveau>`` et ``maximum:<niveau>`` (étendue des valeurs des QPV
    du niveau, pour une médiane des QPV)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    niveaux_ind = niveaux_indicateurs(qpv, references, niveaux, provenance)
    ordre = list(dict.fromkeys(niveaux_ind["niveau"]))
    niveaux_par_code: dict[str, dict] = {}  # code -> niveau -> ligne de niveaux_ind
    for enr in niveaux_ind.to_dict("records"):
        niveaux_par_code.setdefault(enr["code"], {}).setdefault(enr["niveau"], enr)
    tous, par_code = _rangs_territoire(qpv)  # calculés une fois pour toutes les fiches (memo)
    position = _position(tous, code_qp)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for theme, codes in indicateurs_par_theme(qpv).items():
        for code in codes:
            i = indicateur(code)
            v = float(nombres[code] / i.diviseur)
            rang = tous[f"oriente:{code}"].iloc[position] if position is not None and i.genre != CONTEXTE else pd.NA
            refs = niveaux_par_code.get(code, {})
            sortie = {
                "theme": theme,
                "code": code,
                "indicateur": i.libelle,
                "unite": i.unite,
                "genre": i.genre,
                "valeur": v if not math.isnan(v) else marque_manquante(mot.get((code_qp, code))),
                "rang": rang if not pd.isna(rang) else pd.NA,
                "nb_classes": par_code[code][0] if i.genre != CONTEXTE else 0,
                "sens": sens_du_rang(code),
                "provenance": provenance_valeur(prov, code_qp, code, v),
            }
            for niveau in ordre:
                r = refs.get(niveau, {})
                ref = float(r.get("valeur", math.nan))
                sortie |= {
                    niveau: ref,
                    f"ecart:{niveau}": v - ref if i.genre == "taux" else math.nan,
                    f"origine:{niveau}": r.get("origine"),
                    f"minimum:{niveau}": r.get("minimum", math.nan),
                    f"maximum:{niveau}": r.get("maximum", math.nan),
                }
            lignes.append(sortie)
    df = pd.DataFrame(
        lignes,
        columns=[
            "theme",
            "code",
            "indicateur",
            "unite",
            "genre",
            "valeur",
            "rang",
            "nb_classes",
            "sens",
            "provenance",
            *[c for n in ordre for c in (n, f"ecart:{n}", f"origine:{n}", f"minimum:{n}", f"maximum:{n}")],
        ],
    )
    df["rang"] = df["rang"].astype("Int64")
    return df


def fiche_effectifs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque effectif : valeur, part de l'agglomération (%), part de l'ensemble des QPV (%)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    _, par_code = _rangs_territoire(qpv)  # totaux des QPV calculés une fois pour toutes les fiches (memo)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for i in indicateurs("effectif", qpv):
        v = nombres[i.code]
        total_qpv = par_code[i.code][2]
        agglo = valeur_reference(references, NIVEAU_AGGLO, i.code)
        lignes.append(
            {
                "code": i.code,
                "indicateur": i.libelle,
                "unite": i.unite,
                "valeur": float(v) if not math.isnan(v) else marque_manquante(mot.get((code_qp, i.code))),
                "part_qpv": v / total_qpv * 100 if total_qpv else math.nan,
                "part_agglomeration": v / agglo * 100 if agglo and not math.isnan(agglo) else math.nan,
                "provenance": provenance_valeur(prov, code_qp, i.code, v),
            }
        )
    return pd.DataFrame(lignes)


def _provenance_montants(lg) -> str:
    """« reconstruit » si les trois montants ont la même provenance, sinon le détail par montant."""
    p = {
        "crédits spécifiques": lg.get("provenance_credits_specifiques"),
        "CGET": lg.get("provenance_cget"),
        "droit commun": lg.get("provenance_droit_commun"),
    }
    valeurs_ = {v for v in p.values() if isinstance(v, str) and v}
    if len(valeurs_) == 1:
        return valeurs_.pop()
    return " ; ".join(f"{k} : {v}" for k, v in p.items() if isinstance(v, str) and v)


def actions_du_quartier(
    programmation: pd.DataFrame, programmation_communes: pd.DataFrame, qpv_communes: pd.DataFrame, code_qp: str
) -> pd.DataFrame:
    """Actions de la programmation situées dans l'une des communes du quartier (un quartier sur plusieurs communes
    les prend toutes ; une action sur plusieurs communes est retenue si l'une d'elles est une commune du quartier).
    Les actions de périmètre intercommunal ne sont pas comptées ici (voir ``actions_intercommunales``).
    Colonnes : identifiant, intitulé, thématique, pilier, porteur, communes de l'action, communes du quartier
    concernées, montants et leur provenance.

    Tables marquées (:mod:`politique_ville.base.memo`) : les lignes de chaque commune et de chaque action sont indexées
    une fois pour toutes les fiches (:func:`_lignes_par_valeur`) ; mêmes lignes, même ordre qu'un filtrage."""
    communes = set(qpv_communes.loc[(qpv_communes["code_qp"] == code_qp) & ~qpv_communes["perimetre"], "commune"])
    pc = p = None
    if (
        memo.memorisable(programmation_communes)
        and memo.memorisable(programmation)
        and all(isinstance(c, str) for c in communes)
    ):
        pc, p = _actions_indexees(programmation, programmation_communes, communes)
    if pc is None:
        pc = programmation_communes[
            ~programmation_communes["perimetre"] & programmation_communes["commune"].isin(communes)
        ]
        concernees = pc.groupby("id_action")["commune"].agg(lambda s: ", ".join(sorted(set(s))))
        p = programmation[programmation["id_action"].isin(concernees.index)].copy()
    else:
        concernees = pc.groupby("id_action")["commune"].agg(lambda s: ", ".join(sorted(set(s))))
    p["communes_quartier"] = p["id_action"].map(concernees)
    provenances_ = [
        p[c].tolist() if c in p.columns else [None] * len(p)
        for c in ("provenance_credits_specifiques", "provenance_cget", "provenance_droit_commun")
    ]
    p["provenance_montants"] = [
        _provenance_montants(
            {"provenance_credits_specifiques": cs, "provenance_cget": cget, "provenance_droit_commun": dc}
        )
        for cs, cget, dc in zip(*provenances_)
    ]
    colonnes = [
        "id_action",
        "intitule",
        "pilier",
        "thematique",
        "porteur",
        "communes",
        "communes_quartier",
        "credits_specifiques",
        "cget",
        "droit_commun",
        "provenance_credits_specifiques",
        "provenance_cget",
        "provenance_droit_commun",
        "provenance_montants",
    ]
    return p[[c for c in colonnes if c in p.columns]].reset_index(drop=True)


def _actions_indexees(
    programmation: pd.DataFrame, programmation_communes: pd.DataFrame, communes: set
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(lignes hors périmètre de ``programmation_communes`` dans ``communes``, actions de la programmation qui en
    ont une), dans l'ordre des tables, par les index de :func:`_lignes_par_valeur` ; (None, None) si aucune ligne
    (le filtrage ordinaire rend alors les tables vides)."""
    par_commune = _lignes_par_valeur(programmation_communes, "commune", True)
    morceaux = [par_commune[c] for c in communes if c in par_commune]
    if not morceaux:
        return None, None
    pc = programmation_communes.iloc[np.unique(np.concatenate(morceaux))]
    par_action = _lignes_par_valeur(programmation, "id_action", False)
    morceaux = [par_action[a] for a in pd.unique(pc["id_action"].dropna()) if a in par_action]
    if not morceaux:
        return None, None
    return pc, programmation.iloc[np.unique(np.concatenate(morceaux))].copy()


@memo.une_fois(taille=4)
def _lignes_par_valeur(table: pd.DataFrame, colonne: str, hors_perimetre: bool):
    """valeur de ``colonne`` -> positions (triées, en lecture seule) des lignes de ``table`` qui l'ont (valeur
    manquante : aucune entrée) ; ``hors_perimetre`` : seulement les lignes dont ``perimetre`` est faux."""
    positions = np.arange(len(table))
    valeurs_ = table[colonne].to_numpy()
    if hors_perimetre:
        garder = (~table["perimetre"]).to_numpy(dtype=bool)
        positions, valeurs_ = positions[garder], valeurs_[garder]
    index = {}
    for valeur, pos in pd.Series(positions).groupby(valeurs_, sort=False).indices.items():
        t = positions[pos]
        t.flags.writeable = False
        index[valeur] = t
    return memo.lecture_seule(index)


@memo.une_fois
def actions_intercommunales(programmation: pd.DataFrame, programmation_communes: pd.DataFrame) -> pd.DataFrame:
    """Actions de périmètre intercommunal (pseudo-communes marquées ``perimetre`` dans ``programmation_communes`` :
    « Intercommunal »...), comptées par périmètre, avec leurs montants (sommes de montants reconstruits)."""
    pc = programmation_communes[programmation_communes["perimetre"]]
    p = pc[["id_action", "commune"]].drop_duplicates().merge(programmation, on="id_action", how="left")
    g = p.groupby("commune", sort=False).agg(
        actions=("id_action", "nunique"), credits_specifiques=("credits_specifiques", "sum"), cget=("cget", "sum")
    )
    return g.reset_index().rename(columns={"commune": "perimetre"})


def synthese_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions d'un quartier par thématique : nombre et montants (sommes de montants reconstruits)."""
    if actions.empty:
        return pd.DataFrame(columns=["pilier", "thematique", "actions", "credits_specifiques", "cget"])
    return (
        actions.groupby(["pilier", "thematique"], sort=False)
        .agg(actions=("id_action", "size"), credits_specifiques=("credits_specifiques", "sum"), cget=("cget", "sum"))
        .reset_index()
    )


@memo.une_fois
def a_des_valeurs_reconstruites(provenance: pd.DataFrame | None) -> bool:
    """Des valeurs par quartier de ``insee_qpv`` sont-elles reconstruites (transcription d'un rapport publié) ?"""
    return provenance is not None and bool(
        (provenance["fichier"].str.startswith("insee_qpv") & (provenance["provenance"] == "reconstruit")).any()
    )
