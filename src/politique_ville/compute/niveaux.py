"""Niveaux de comparaison calculés à partir d'un fichier de l'INSEE qui couvre davantage que le territoire.

Entrée : la table nettoyée ``insee_qpv_comparaison`` (tous les quartiers du fichier, ``dans_territoire``,
``departement``, ``region``, un indicateur par colonne) et, s'il y en a un, ``insee_references`` reçu. Sortie : une
table longue (un niveau × un indicateur par ligne, :data:`COLONNES`) et sa forme large :func:`en_references`, aux
colonnes de ``insee_references`` (``niveau``, ``libelle_territoire``, une colonne par indicateur), que
``compute.qpv.valeur_reference`` lit telle quelle.

Niveaux : « QPV du département » et « QPV de la région » du territoire, « QPV de France » seulement quand le
fichier est national (il a des quartiers dans chacune des 13 régions de métropole) : un fichier régional ne dit
jamais rien de la France, un fichier d'un seul département rien de sa région. Le département (la région) du
territoire est celui de la plupart de ses quartiers, sauf s'il est donné.

Agrégation, selon le registre (:mod:`politique_ville.reference.indicateurs`) :

- ``somme`` : effectifs additionnés (origine « calculé ») ;
- ``part`` : somme des numérateurs / somme des dénominateurs (× 100 pour un pourcentage) quand le fichier a les
  deux colonnes (« calculé ») ; sinon moyenne des QPV pondérée par la base (« approximation pondérée ») ;
- ``moyenne_ponderee`` : moyenne des QPV pondérée par la base, dénominateur exact du taux (« calculé ») ;
- ``mediane_non_agregeable`` : jamais moyennée ; valeur = médiane des valeurs des QPV, avec leur minimum et
  maximum (« médiane des QPV ») ;
- ``contexte`` (population de la commune du quartier…) : jamais agrégée.

Une base de pondération peut être un produit de colonnes : ``pop_mun*tx_f`` (population des femmes) pour un taux
parmi les femmes ; sans ``tx_f`` dans le fichier, la population seule (« approximation pondérée »).

Une valeur manquante (secret statistique, non disponible) est laissée de côté et comptée (``nb_secrets``), jamais
prise pour 0. Une valeur reçue (``insee_references``) l'emporte sur une valeur calculée, case par case ; la colonne
``origine`` dit laquelle : « reçu », « calculé », « approximation pondérée » ou « médiane des QPV ».

Fonctions pures : DataFrame en entrée, DataFrame en sortie ; les noms des départements et régions sont donnés par
l'appelant (``territoires.departements()``…).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.base.errors import ErreurDonnees
from politique_ville.reference import territoires
from politique_ville.reference.indicateurs import CONTEXTE, Definition
from politique_ville.reference.indicateurs import registre as registre_indicateurs

NIVEAU_QPV_DEPARTEMENT = "QPV du département"
NIVEAU_QPV_REGION = "QPV de la région"
NIVEAU_QPV_FRANCE = "QPV de France"
NIVEAUX_CALCULES = (NIVEAU_QPV_DEPARTEMENT, NIVEAU_QPV_REGION, NIVEAU_QPV_FRANCE)

RECU = "reçu"
CALCULE = "calculé"
APPROXIMATION = "approximation pondérée"
MEDIANE = "médiane des QPV"
ORIGINES = (RECU, CALCULE, APPROXIMATION, MEDIANE)

#: les 13 régions de métropole (codes INSEE) : un fichier qui a des quartiers dans chacune est national
REGIONS_METROPOLE = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")

COLONNES = [
    "niveau",
    "libelle_territoire",
    "variable",
    "valeur",
    "origine",
    "regle",
    "base",
    "nb_qpv",
    "nb_qpv_renseignes",
    "nb_secrets",
    "minimum",
    "maximum",
]


# --------------------------------------------------------------------------------------------- périmètres


def _majoritaire(valeurs: pd.Series) -> str | None:
    v = valeurs.dropna().astype(str)
    v = v[v != ""]
    if v.empty:
        return None
    compte = v.value_counts()
    return sorted(compte[compte == compte.max()].index)[0]


def couverture(comparaison: pd.DataFrame) -> str:
    """Étendue du fichier : « nationale » (des quartiers dans les 13 régions de métropole), « pluri-régionale »,
    « régionale » (une région, plusieurs départements), « départementale » (un seul département) ou « territoire »
    (aucun quartier hors du territoire)."""
    if comparaison is None or comparaison.empty or comparaison["dans_territoire"].astype(bool).all():
        return "territoire"
    regions = {str(r) for r in comparaison["region"].dropna() if str(r)}
    departements = {str(d) for d in comparaison["departement"].dropna() if str(d)}
    if set(REGIONS_METROPOLE) <= regions:
        return "nationale"
    if len(regions) > 1:
        return "pluri-régionale"
    if len(departements) > 1:
        return "régionale"
    return "départementale"


def niveau_departement(code: str) -> str:
    """Le niveau « QPV du département » d'un département donné, pour un territoire qui en couvre plusieurs (une
    région, la France) : « QPV du département 05 ». Une fiche quartier le lit comme son « QPV du département »
    (``compute.qpv.references_du_quartier``)."""
    return f"{NIVEAU_QPV_DEPARTEMENT} {code}"


def perimetres(
    comparaison: pd.DataFrame,
    departement: str | None = None,
    region: str | None = None,
    noms_departements: dict | None = None,
    noms_regions: dict | None = None,
    niveau_territoire: str = "epci",
) -> list[tuple[str, str, pd.Series]]:
    """Les niveaux à calculer : (niveau, libellé du territoire, masque des quartiers du niveau). Aucun si le
    fichier ne couvre que le territoire. Un territoire ne se compare pas à lui-même : un département n'a pas de
    niveau « QPV du département », une région pas de « QPV de la région » ; les QPV d'une région (ou de France) ont
    chacun leur département (:func:`niveau_departement`)."""
    etendue = couverture(comparaison)
    if etendue == "territoire":
        return []
    t = comparaison[comparaison["dans_territoire"].astype(bool)]
    departement = departement or _majoritaire(t["departement"])
    region = region or _majoritaire(t["region"])
    if region is None and departement is not None:  # région du département, lue dans le fichier
        region = _majoritaire(comparaison.loc[comparaison["departement"] == departement, "region"])
    noms_departements, noms_regions = noms_departements or {}, noms_regions or {}
    sortie = []
    if niveau_territoire in ("region", "france"):
        for dep in sorted({x for x in t["departement"] if isinstance(x, str) and x}):
            nom = noms_departements.get(dep)
            sortie.append(
                (
                    niveau_departement(dep),
                    f"QPV du département {nom} ({dep})" if nom else f"QPV du département {dep}",
                    comparaison["departement"] == dep,
                )
            )
    if departement is not None and niveau_territoire == "epci":
        nom = noms_departements.get(departement)
        sortie.append(
            (
                NIVEAU_QPV_DEPARTEMENT,
                f"QPV du département {nom} ({departement})" if nom else f"QPV du département {departement}",
                comparaison["departement"] == departement,
            )
        )
    if (
        region is not None
        and etendue in ("nationale", "pluri-régionale", "régionale")
        and niveau_territoire
        in (
            "epci",
            "departement",
        )
    ):
        nom = noms_regions.get(region)
        sortie.append(
            (
                NIVEAU_QPV_REGION,
                f"QPV de la région {nom} ({region})" if nom else f"QPV de la région {region}",
                comparaison["region"] == region,
            )
        )
    if etendue == "nationale" and niveau_territoire != "france":
        sortie.append((NIVEAU_QPV_FRANCE, "QPV de France", pd.Series(True, index=comparaison.index)))
    return sortie


# --------------------------------------------------------------------------------------------- agrégation


def en_nombres(q: pd.DataFrame, colonne: str) -> pd.Series:
    """La colonne ``colonne`` de ``q`` en nombres (``float64``, NaN si absente ou illisible), indexée comme ``q`` :
    telle quelle si elle l'est déjà (tables nettoyées : la conversion coûterait plus que le calcul), convertie en
    une passe sinon (entiers « Int64 », texte)."""
    x = q[colonne]
    if x.dtype == "float64":
        return x
    return pd.Series(
        pd.to_numeric(x, errors="coerce").to_numpy(dtype="float64", na_value=np.nan), index=x.index, name=x.name
    )


class ColonnesNumeriques:
    """Les colonnes d'un ensemble de quartiers en nombres (``float64``, NaN si absente), chacune convertie une fois :
    une agrégation (:func:`agreger`) de chaque indicateur du registre sur les mêmes quartiers calcule sur des
    tableaux numpy, sans refiltrer ni reconvertir la table pour chacun (un niveau de 70 indicateurs sur trois
    quartiers passait l'essentiel de son temps dans pandas)."""

    def __init__(self, q: pd.DataFrame):
        self.table, self.colonnes, self.n, self._tableaux = q, set(q.columns), len(q), {}

    def __contains__(self, colonne) -> bool:
        return colonne in self.colonnes

    def __getitem__(self, colonne: str) -> np.ndarray:
        if colonne not in self._tableaux:
            self._tableaux[colonne] = en_nombres(self.table, colonne).to_numpy()
        return self._tableaux[colonne]


def agreger(q: pd.DataFrame | ColonnesNumeriques, d: Definition) -> dict | None:
    """Valeur d'un ensemble de quartiers ``q`` (table, ou ses :class:`ColonnesNumeriques`) pour l'indicateur ``d``
    (règle du registre) : valeur, origine, nombre de QPV, de QPV renseignés, de valeurs manquantes, minimum et
    maximum des valeurs des QPV. None si la variable n'est pas dans la table."""
    if d.agregation == CONTEXTE:  # variable de contexte : jamais agrégée
        return None
    q = q if isinstance(q, ColonnesNumeriques) else ColonnesNumeriques(q)
    if d.variable not in q and not (d.agregation == "part" and d.numerateur in q and d.denominateur in q):
        return None
    n = q.n
    x = q[d.variable] if d.variable in q else np.full(n, math.nan)
    presentes = ~np.isnan(x)
    res = {
        "regle": d.agregation,
        "base": d.base,
        "nb_qpv": n,
        "minimum": float(x[presentes].min()) if presentes.any() else math.nan,
        "maximum": float(x[presentes].max()) if presentes.any() else math.nan,
    }

    def fin(valeur: float, origine: str, renseignes) -> dict:
        return res | {
            "valeur": valeur,
            "origine": origine,
            "nb_qpv_renseignes": int(renseignes),
            "nb_secrets": int(n - renseignes),
        }

    if d.agregation == "somme":
        return fin(float(x[presentes].sum()) if presentes.any() else math.nan, CALCULE, presentes.sum())
    if d.agregation == "mediane_non_agregeable":
        return fin(float(np.median(x[presentes])) if presentes.any() else math.nan, MEDIANE, presentes.sum())
    if d.agregation == "part" and d.numerateur in q and d.denominateur in q:
        num, den = q[d.numerateur], q[d.denominateur]
        ok = ~np.isnan(num) & ~np.isnan(den)
        total = float(den[ok].sum())
        facteur = 100.0 if d.unite == "%" else 1.0
        res["base"] = d.denominateur
        return fin(float(num[ok].sum()) / total * facteur if total > 0 else math.nan, CALCULE, ok.sum())
    origine = CALCULE if d.agregation == "moyenne_ponderee" else APPROXIMATION
    colonnes = [c for c in d.colonnes_base if c in q]
    if not colonnes or colonnes[0] != d.colonnes_base[0]:  # base absente du fichier : moyenne simple, approximation
        res["base"] = None
        return fin(float(x[presentes].mean()) if presentes.any() else math.nan, APPROXIMATION, presentes.sum())
    if len(colonnes) < len(d.colonnes_base):  # « pop_mun*tx_f » sans tx_f : pondérée par la seule population
        colonnes, origine = colonnes[:1], APPROXIMATION
    w = q[colonnes[0]]
    for c in colonnes[1:]:
        w = w * q[c]
    res["base"] = "*".join(colonnes)
    with np.errstate(invalid="ignore"):
        ok = presentes & ~np.isnan(w) & (w > 0)
    return fin(float((x[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else math.nan, origine, ok.sum())


def niveaux_calcules(
    comparaison: pd.DataFrame | None,
    definitions: Iterable[Definition] | None = None,
    *,
    departement: str | None = None,
    region: str | None = None,
    noms_departements: dict | None = None,
    noms_regions: dict | None = None,
    niveau_territoire: str = "epci",
    memo: dict | None = None,
) -> pd.DataFrame:
    """Les niveaux calculés (table longue, :data:`COLONNES`) pour chaque indicateur du registre présent dans
    ``comparaison`` ; vide si le fichier ne couvre que le territoire. Seuls les QPV comptent (``type_quartier``) ;
    ``niveau_territoire`` : voir :func:`perimetres`.

    ``memo`` (lot de territoires, même fichier et mêmes définitions pour tous) : les lignes d'un niveau déjà calculé
    pour les mêmes quartiers (mêmes ``ligne_source``) sont reprises — le département, la région et la France sont
    calculés une fois pour tous les territoires qui les partagent."""
    if comparaison is None or comparaison.empty:
        return pd.DataFrame(columns=COLONNES)
    c = comparaison
    if "type_quartier" in c.columns:
        c = c[c["type_quartier"].fillna("QPV") == "QPV"]
    definitions = list(definitions) if definitions is not None else list(registre_indicateurs())
    lignes = []
    for niveau, libelle, masque in perimetres(
        c, departement, region, noms_departements, noms_regions, niveau_territoire
    ):
        q = c[masque.reindex(c.index, fill_value=False).astype(bool)]
        cle = (
            (niveau, libelle, tuple(q.columns), tuple(q["ligne_source"].astype(int)))
            if memo is not None and "ligne_source" in q.columns
            else None
        )
        if cle is not None and cle in memo:
            lignes += memo[cle]
            continue
        du_niveau, colonnes = [], ColonnesNumeriques(q)
        for d in definitions:
            r = agreger(colonnes, d)
            if r is not None:
                du_niveau.append({"niveau": niveau, "libelle_territoire": libelle, "variable": d.variable} | r)
        if cle is not None:
            memo[cle] = du_niveau
        lignes += du_niveau
    return pd.DataFrame(lignes, columns=COLONNES)


def references_longues(references: pd.DataFrame | None) -> pd.DataFrame:
    """``insee_references`` reçu en table longue (une ligne par niveau et valeur publiée), origine « reçu »."""
    if references is None or references.empty:
        return pd.DataFrame(columns=COLONNES)
    variables = [
        c
        for c in references.columns
        if c not in ("niveau", "libelle_territoire", "ligne_source") and pd.api.types.is_numeric_dtype(references[c])
    ]
    lignes = []
    for _, r in references.iterrows():
        for v in variables:
            x = pd.to_numeric(pd.Series([r[v]]), errors="coerce").iloc[0]
            if pd.isna(x):
                continue
            lignes.append(
                {
                    "niveau": r["niveau"],
                    "libelle_territoire": r.get("libelle_territoire"),
                    "variable": v,
                    "valeur": float(x),
                    "origine": RECU,
                }
            )
    return pd.DataFrame(lignes, columns=COLONNES)


def combiner(calcules: pd.DataFrame, references: pd.DataFrame | None = None) -> pd.DataFrame:
    """Valeurs reçues et valeurs calculées, une ligne par (niveau, variable) : la valeur reçue l'emporte, case par
    case ; une valeur calculée ne remplit que ce que ``insee_references`` ne publie pas. Ordre : niveaux reçus, puis
    niveaux calculés."""
    recues = references_longues(references)
    if calcules is None or calcules.empty:
        return recues.reset_index(drop=True)
    if recues.empty:
        return calcules.reset_index(drop=True)
    deja = set(zip(recues["niveau"], recues["variable"]))
    garder = [(n, v) not in deja for n, v in zip(calcules["niveau"], calcules["variable"])]
    return pd.concat([recues, calcules[garder]], ignore_index=True)


def en_references(niveaux: pd.DataFrame, variables: Iterable[str] | None = None) -> pd.DataFrame:
    """La forme de ``insee_references`` : une ligne par niveau (``niveau``, ``libelle_territoire``), une colonne
    par variable (NaN = ni reçu ni calculé) ; ``compute.qpv.valeur_reference`` la lit telle quelle."""
    if niveaux is None or niveaux.empty:
        return pd.DataFrame(columns=["niveau", "libelle_territoire", *(variables or [])])
    ordre = list(dict.fromkeys(niveaux["niveau"]))
    large = niveaux.pivot_table(index="niveau", columns="variable", values="valeur", aggfunc="first", dropna=False)
    libelles = niveaux.dropna(subset=["libelle_territoire"]).groupby("niveau", sort=False)["libelle_territoire"].first()
    colonnes = list(variables) if variables is not None else list(dict.fromkeys(niveaux["variable"]))
    large = large.reindex(index=ordre, columns=colonnes)
    large.columns.name = None
    large.insert(0, "libelle_territoire", [libelles.get(n) for n in ordre])
    return large.reset_index().rename(columns={"index": "niveau"})


def origine(niveaux: pd.DataFrame | None, niveau: str, variable: str) -> str | None:
    """Origine d'une valeur de comparaison (« reçu », « calculé », « approximation pondérée », « médiane des
    QPV ») ; None si le niveau ne l'a pas."""
    if niveaux is None or niveaux.empty:
        return None
    return _origines(niveaux).get((niveau, variable))


@memo.une_fois
def _origines(niveaux: pd.DataFrame) -> dict:
    """(niveau, variable) -> origine de la première ligne qui les a : lu en un passage pour tous les appels de
    :func:`origine` sur une même table (un filtre par appel coûtait 0,3 ms, des centaines par chapitre)."""
    origines: dict = {}
    for n, v, o in zip(niveaux["niveau"], niveaux["variable"], niveaux["origine"]):
        origines.setdefault((n, v), o)
    return origines


def niveaux_du_territoire(
    comparaison: pd.DataFrame, references: pd.DataFrame | None, parametres: dict | None = None, memo: dict | None = None
) -> pd.DataFrame:
    """Les niveaux de comparaison du territoire de ``parametres`` (table longue) : calculés à partir du fichier de
    l'INSEE (son département, sa région, la France, chacun selon ce que le territoire n'est pas lui-même ; le
    département donné par le paramètre ``departement`` s'il est connu du Code officiel géographique), puis les
    niveaux reçus (``references``), qui l'emportent."""

    parametres = parametres or {}
    departement = None
    if isinstance(parametres.get("departement"), str):
        try:
            departement = territoires.code_departement(parametres["departement"])
        except ErreurDonnees:
            departement = None  # département inconnu du Code officiel géographique : celui des quartiers
    territoire = parametres.get("territoire")
    niveau = str(territoire.get("niveau") or "epci") if isinstance(territoire, dict) else "epci"
    deps, regs = territoires.departements(), territoires.regions()
    calcules = niveaux_calcules(
        comparaison,
        departement=departement,
        noms_departements=dict(zip(deps["code"], deps["nom"])),
        noms_regions=dict(zip(regs["code"], regs["nom"])),
        niveau_territoire=niveau,
        memo=memo,
    )
    return combiner(calcules, references)
