"""Référentiel administratif officiel : communes, EPCI, départements, régions (Code officiel géographique).

Les données viennent de l'extrait versionné ``data/reference/cog/`` (voir son README et ``PROVENANCE.json``),
fabriqué par ``scripts/extraire_cog.py`` à partir du paquet npm d'Etalab ``@etalab/decoupage-administratif``
(version et empreinte épinglées). Ce module ne télécharge rien : ni npm ni réseau. L'extrait est lu une fois
(cache) ; les fonctions qui rendent une table en rendent une copie.

Tables : :func:`communes` (communes actuelles, et avec ``alias=True`` les communes déléguées, associées et les
arrondissements municipaux, rattachés à leur commune), :func:`epci`, :func:`departements`, :func:`regions`,
:func:`provenance`.

Rapprochement des noms (:func:`trouver_commune`, :func:`communes_d_une_cellule`) : la clé de comparaison ignore
les accents, la casse, les ligatures (œ), les tirets et les espaces (« Saint-Omer » = « SAINT OMER »), les
apostrophes (’ et ') ; « St », « Ste », « Sts », « Stes » valent « Saint », « Sainte »… ; « s/ » vaut « sur » ;
un code postal, « Cedex » (et son numéro) sont ôtés ; un suffixe « (62) » désigne le département ; un article
rejeté « (Le) », « (La) », « (Les) », « (L') » est remis devant. Une commune actuelle est préférée ; sinon un ancien
nom que le paquet connaît (commune déléguée ou associée, arrondissement municipal) mène à sa commune actuelle. Un nom
introuvable ou porté par plusieurs communes est une :class:`~politique_ville.base.errors.ErreurDonnees` qui nomme le nom
cherché et les noms officiels les plus proches (ou les homonymes, avec leur département).

Une cellule peut nommer plusieurs communes (« Lens, Liévin », « Lens - Liévin », « Lens et Liévin »,
« Lens-Liévin ») : beaucoup de noms officiels contiennent des tirets (et parfois « et »), aussi la cellule est-elle
découpée en prenant d'abord les noms officiels les plus longs.

Territoires (:func:`territoire`) : ``epci`` (code SIREN), ``departement``, ``region`` (code INSEE) ou ``france``
(communes de métropole et des départements et régions d'outre-mer) ; nom, codes des communes actuelles, population
(population municipale légale, somme des communes) et son millésime. Un code inconnu est une erreur qui liste les
codes et les noms les plus proches. :func:`population_publiee_et_cog` met côte à côte la population publiée par un
rapport et celle du référentiel.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import racine_projet
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import est_manquant, texte_normalise

NIVEAUX = ("epci", "departement", "region", "france")
#: zones (départements.csv) comptées dans le niveau « france »
ZONES_FRANCE = ("metro", "drom")
COLONNES_NOMBRES = ("population", "nb_communes", "population_municipale_dgcl")
_ABREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = {"le": "le", "la": "la", "les": "les", "l": "l", "l'": "l"}
_SUFFIXE = re.compile(r"\(\s*([^()]*?)\s*\)\s*$")
_DEPARTEMENT = re.compile(r"^(\d{2,3}|2[abAB])$")
_CODE_POSTAL = re.compile(r"(^\d{5}\s+)|(\s+\d{5}$)")
_CEDEX = re.compile(r"\bcedex\b(\s*\d{1,2}\b)?", flags=re.I)
_APOSTROPHES = re.compile(r"[’ʼ‘`´]")
_SEPARATEURS_FORTS = re.compile(r"[,;/\n&+]")
_SEPARATEURS_FAIBLES = re.compile(r"\s+(?:et|-|–|—)\s+", flags=re.I)


# --------------------------------------------------------------------------------------------- chargement


def dossier_cog() -> Path:
    """Dossier de l'extrait : ``data/reference/cog`` de la racine du projet (celui du paquet installé sinon)."""
    candidats = []
    try:
        candidats.append(racine_projet() / "data" / "reference" / "cog")
    except FileNotFoundError:
        pass
    candidats.append(Path(__file__).resolve().parents[3] / "data" / "reference" / "cog")
    for c in candidats:
        if (c / "PROVENANCE.json").is_file():
            return c
    raise ErreurDonnees(
        "extrait du Code officiel géographique introuvable (data/reference/cog/PROVENANCE.json) : "
        "lancez scripts/extraire_cog.py."
    )


def _lire(chemin: Path) -> pd.DataFrame:
    if not chemin.is_file():
        raise ErreurDonnees(
            "fichier de l'extrait du Code officiel géographique absent (lancez scripts/extraire_cog.py)",
            fichier=str(chemin),
        )
    df = pd.read_csv(chemin, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in COLONNES_NOMBRES:
        if col in df:
            df[col] = pd.to_numeric(df[col].replace("", None)).astype("Int64")
    return df


def cle_commune(texte) -> tuple[str, str | None]:
    """Clé de comparaison d'un nom de commune et département indiqué en suffixe (« Saint-Omer (62) » ->
    (« saint omer », « 62 »)). Voir le docstring du module pour les règles."""
    t = _APOSTROPHES.sub("'", str(texte)).strip()
    departement = None
    while (m := _SUFFIXE.search(t)) is not None:
        contenu = m.group(1).strip()
        if _DEPARTEMENT.match(contenu):
            departement = departement or contenu.upper().zfill(2)
        elif contenu.lower() in _ARTICLES:
            t = t[: m.start()].strip()
            t = f"{contenu} {t}"
            continue
        else:
            break
        t = t[: m.start()].strip()
    t = _CEDEX.sub(" ", t)
    t = _CODE_POSTAL.sub(" ", t.strip())
    t = texte_normalise(t)
    t = re.sub(r"\bs/\s*", " sur ", t)
    jetons = [_ABREVIATIONS.get(j, j) for j in re.split(r"[^a-z0-9]+", t) if j]
    return " ".join(jetons), departement


@dataclass(frozen=True)
class Commune:
    """Une commune actuelle trouvée par son nom ; ``alias`` : l'ancien nom (commune déléguée ou associée,
    arrondissement municipal) par lequel elle a été trouvée, le cas échéant."""

    code: str
    nom: str
    departement: str
    region: str
    epci: str
    population: int | None
    graphie: str
    alias: str | None = None
    type_alias: str | None = None
    code_alias: str | None = None

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


@dataclass(frozen=True)
class Territoire:
    """Un territoire du référentiel : ses communes actuelles (codes INSEE), sa population et son millésime."""

    niveau: str
    code: str
    nom: str
    communes: tuple[str, ...]
    population: int
    millesime_population: str
    #: type d'un EPCI dans le COG (METRO, MET69, CU, CA, CC) ; « » pour un autre niveau
    type_epci: str = ""

    def __str__(self) -> str:
        return f"{self.nom} ({self.niveau} {self.code})" if self.code else self.nom


class _Cog:
    """L'extrait chargé, avec l'index des noms (clé -> positions dans la table des communes)."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.provenance = json.loads((dossier / "PROVENANCE.json").read_text(encoding="utf-8"))
        self.toutes = _lire(dossier / "communes.csv")
        self.epci = _lire(dossier / "epci.csv")
        self.departements = _lire(dossier / "departements.csv")
        self.regions = _lire(dossier / "regions.csv")
        t = self.toutes
        self.actuelles = t[t["type"] == "COM"].reset_index(drop=True)
        self._lignes = list(zip(t["code"], t["nom"], t["type"], t["rattachement"], t["departement"]))
        self._actuelle = {r.code: r for r in self.actuelles.itertuples(index=False)}
        self.noms_departements = dict(zip(self.departements["code"], self.departements["nom"]))
        self._cles_par_departement: dict[str | None, list[str]] = {}

    @functools.cached_property
    def positions_par_code(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(code d'une commune actuelle -> ses positions, code de rattachement -> positions des communes déléguées,
        associées et arrondissements qui lui sont rattachés) dans la table des communes : chaque territoire d'un lot y
        cherche ses communes sans parcourir les 37 000 lignes."""
        actuelles: dict[str, list[int]] = {}
        rattachees: dict[str, list[int]] = {}
        for i, (code, _nom, type_, rattachement, _dep) in enumerate(self._lignes):
            if type_ == "COM":
                actuelles.setdefault(code, []).append(i)
            if rattachement:
                rattachees.setdefault(rattachement, []).append(i)
        return actuelles, rattachees

    @functools.cached_property
    def cles(self) -> list[str]:
        """Clé de rapprochement de chaque nom (calculée au premier rapprochement par le nom : un territoire désigné
        par son code n'en a pas besoin)."""
        return [cle_commune(nom)[0] for nom in self.toutes["nom"]]

    @functools.cached_property
    def index(self) -> dict[str, list[int]]:
        """Clé -> positions dans la table des communes."""
        index: dict[str, list[int]] = {}
        for i, cle in enumerate(self.cles):
            index.setdefault(cle, []).append(i)
        return index

    def commune(self, i: int, graphie: str) -> Commune:
        code, nom, type_, rattachement, _ = self._lignes[i]
        cible = code if type_ == "COM" else rattachement
        a = self._actuelle[cible]
        pop = None if pd.isna(a.population) else int(a.population)
        if type_ == "COM":
            return Commune(a.code, a.nom, a.departement, a.region, a.epci, pop, graphie)
        return Commune(
            a.code, a.nom, a.departement, a.region, a.epci, pop, graphie, alias=nom, type_alias=type_, code_alias=code
        )

    def candidats(self, cle: str, departement: str | None, parmi: frozenset | None) -> list[int]:
        """Positions des lignes de clé ``cle`` qui passent les filtres ; communes actuelles d'abord, sinon alias
        (un seul par commune actuelle)."""
        retenus = []
        for i in self.index.get(cle, []):
            code, _, type_, rattachement, dep = self._lignes[i]
            cible = code if type_ == "COM" else rattachement
            if departement and dep != departement:
                continue
            if parmi is not None and cible not in parmi:
                continue
            retenus.append(i)
        actuelles = [i for i in retenus if self._lignes[i][2] == "COM"]
        if actuelles:
            return actuelles
        vus, alias = set(), []
        for i in retenus:
            cible = self._lignes[i][3]
            if cible not in vus:
                vus.add(cible)
                alias.append(i)
        return alias

    def proches(self, cle: str, departement: str | None, parmi: frozenset | None, n: int = 5) -> list[str]:
        """Noms officiels (communes actuelles) les plus proches d'une clé, avec leur département."""
        noms: dict[str, list[str]] = {}
        for (code, nom, type_, _, dep), cle_ in zip(self._lignes, self.cles):
            if type_ != "COM" or (departement and dep != departement) or (parmi is not None and code not in parmi):
                continue
            noms.setdefault(cle_, []).append(f"{nom} ({dep})")
        # un nom tronqué (« Villeneuve ») : d'abord les noms qui commencent par lui, puis les plus ressemblants
        trouves = sorted((k for k in noms if cle and k.startswith(cle + " ")), key=len)[:3]
        trouves += [k for k in difflib.get_close_matches(cle, list(noms), n=n, cutoff=0.6) if k not in trouves]
        return [x for k in trouves for x in noms[k]][:n]


@functools.lru_cache(maxsize=4)
def _cog(dossier: str) -> _Cog:
    return _Cog(Path(dossier))


def _charge(dossier: Path | str | None = None) -> _Cog:
    if dossier:
        return _cog(str(Path(dossier).resolve()))
    return _cog(str(_dossier_cog_de(os.environ.get("POLITIQUE_VILLE_RACINE"), os.getcwd())))


def cog_courant():
    """Le Code officiel géographique que lisent les fonctions de ce module (dossier par défaut) : le même objet d'un
    appel à l'autre tant que son dossier ne change pas ; une clé de mémoire pour ce qui en est tiré."""
    return _charge()


@functools.lru_cache(maxsize=8)
def _dossier_cog_de(_racine: str | None, _cwd: str) -> Path:
    """:func:`dossier_cog` une fois par racine et dossier courant : une recherche de commune par ligne d'un grand
    fichier ne résout plus les chemins à chaque appel."""
    return dossier_cog()


def provenance(dossier: Path | str | None = None) -> dict:
    """Contenu de ``PROVENANCE.json`` : paquet, version, empreintes, licence, millésime des populations."""
    return json.loads(json.dumps(_charge(dossier).provenance))


def communes(alias: bool = False, dossier: Path | str | None = None) -> pd.DataFrame:
    """Communes actuelles (type ``COM``) ; avec ``alias=True``, aussi les communes déléguées (``COMD``), associées
    (``COMA``) et les arrondissements municipaux (``ARM``), rattachés à leur commune (colonne ``rattachement``)."""
    c = _charge(dossier)
    return (c.toutes if alias else c.actuelles).copy()


def communes_de(codes, alias: bool = False, dossier: Path | str | None = None) -> pd.DataFrame:
    """Les lignes de ``communes(alias=True)`` des communes actuelles de ``codes`` (dans l'ordre de la table) ; avec
    ``alias=True``, aussi celles de toute commune rattachée à l'une d'elles (déléguée, associée, arrondissement) :
    ``communes(alias=True)`` filtré par ``(type == "COM" & code in codes) | rattachement in codes``, sans parcourir
    la table entière."""
    c = _charge(dossier)
    actuelles, rattachees = c.positions_par_code
    codes = {str(x) for x in codes}
    positions = {i for code in codes for i in actuelles.get(code, ())}
    if alias:
        positions |= {i for code in codes for i in rattachees.get(code, ())}
    return c.toutes.iloc[sorted(positions)].copy()


def epci(dossier: Path | str | None = None) -> pd.DataFrame:
    """EPCI à fiscalité propre (SIREN, nom, type, nombre de communes, population)."""
    return _charge(dossier).epci.copy()


def departements(dossier: Path | str | None = None) -> pd.DataFrame:
    return _charge(dossier).departements.copy()


def regions(dossier: Path | str | None = None) -> pd.DataFrame:
    return _charge(dossier).regions.copy()


# --------------------------------------------------------------------------------------------- noms de communes


def code_departement(departement, dossier: Path | str | None = None) -> str:
    """Code INSEE d'un département donné par son code (« 62 », 62, « 2a ») ou son nom (accents et casse
    indifférents). Un département inconnu est une erreur qui liste les plus proches."""
    c = _charge(dossier)
    texte = str(departement).strip()
    code = texte.upper().zfill(2) if _DEPARTEMENT.match(texte) else None
    if code in c.noms_departements:
        return code
    par_nom = {cle_commune(n)[0]: k for k, n in c.noms_departements.items()}
    cle = cle_commune(texte)[0]
    if cle in par_nom:
        return par_nom[cle]
    proches = difflib.get_close_matches(cle, list(par_nom), n=3, cutoff=0.6)
    suggestion = ", ".join(f"{c.noms_departements[par_nom[k]]} ({par_nom[k]})" for k in proches)
    raise ErreurDonnees(
        f"département inconnu : « {departement} »" + (f" ; les plus proches : {suggestion}" if suggestion else "")
    )


def _filtres(departement, suffixe: str | None, parmi, dossier) -> tuple[str | None, frozenset | None]:
    dep = code_departement(departement, dossier) if departement not in (None, "") else None
    return _combiner(dep, suffixe), (frozenset(str(p) for p in parmi) if parmi is not None else None)


def _dans(departement: str | None, parmi) -> str:
    morceaux = []
    if departement and departement != "∅":
        morceaux.append(f"département {departement}")
    if parmi is not None:
        morceaux.append(f"parmi les {len(parmi)} communes du territoire")
    return f" ({', '.join(morceaux)})" if morceaux else ""


def _resoudre(c: _Cog, graphie: str, cle: str, dep: str | None, parmi: frozenset | None) -> Commune:
    trouves = c.candidats(cle, dep, parmi)
    if len(trouves) == 1:
        return c.commune(trouves[0], graphie)
    if trouves:
        liste = ", ".join(
            f"{c.commune(i, graphie).nom} ({c.commune(i, graphie).departement}, {c.commune(i, graphie).code})"
            for i in trouves[:10]
        )
        raise ErreurDonnees(
            f"« {graphie} » désigne {len(trouves)} communes du Code officiel géographique : {liste}"
            f"{' …' if len(trouves) > 10 else ''} ; précisez le département (« {graphie} "
            f"({c.commune(trouves[-1], graphie).departement}) » ou paramètre departement)"
        )
    ailleurs = c.candidats(cle, None, None) if (dep or parmi is not None) else []
    message = f"commune introuvable dans le Code officiel géographique : « {graphie} »{_dans(dep, parmi)}"
    if ailleurs:
        message += " ; ce nom est celui de " + ", ".join(
            f"{c.commune(i, graphie).nom} ({c.commune(i, graphie).departement}, {c.commune(i, graphie).code})"
            for i in ailleurs[:5]
        )
    proches = c.proches(cle, dep if dep != "∅" else None, parmi)
    if proches:
        message += " ; noms officiels les plus proches : " + ", ".join(proches)
    raise ErreurDonnees(message)


def trouver_commune(
    nom: str, departement=None, *, parmi: Iterable[str] | None = None, dossier: Path | str | None = None
) -> Commune:
    """La commune actuelle que désigne ``nom`` (graphies tolérées : voir le module). ``departement`` (code ou nom)
    et ``parmi`` (codes INSEE des communes d'un territoire) restreignent la recherche. Erreur en français si le nom
    n'est pas trouvé (avec les noms officiels les plus proches) ou s'il est ambigu (avec les homonymes)."""
    if est_manquant(nom):
        raise ErreurDonnees("nom de commune vide")
    c = _charge(dossier)
    cle, suffixe = cle_commune(nom)
    dep, ens = _filtres(departement, suffixe, parmi, dossier)
    return _resoudre(c, str(nom).strip(), cle, dep, ens)


def communes_d_une_cellule(
    texte: str, departement=None, *, parmi: Iterable[str] | None = None, dossier: Path | str | None = None
) -> list[Commune]:
    """Les communes d'une cellule qui peut en nommer plusieurs (« A, B », « A - B », « A et B », « A-B », « A / B »,
    « A (62) - B (62) »), dans l'ordre, sans doublon ; une cellule vide n'en nomme aucune. Les noms officiels les
    plus longs sont essayés d'abord (un nom à tirets n'est pas coupé). Un morceau introuvable est l'erreur de
    :func:`trouver_commune`."""
    if est_manquant(texte):
        return []
    c = _charge(dossier)
    dep_demande, ens = _filtres(departement, None, parmi, dossier)
    texte = re.sub(r"\b[sS]/\s*", "sur ", str(texte))
    resultat: list[Commune] = []
    for segment in (s.strip() for s in _SEPARATEURS_FORTS.split(texte)):
        if not segment:
            continue
        # « (62) » après un nom : le département de ce nom, gardé comme un jeton à part
        marque = _DEPARTEMENT_DANS_TEXTE.sub(lambda m: f" {_MARQUE}{m.group(1)} ", segment)
        morceaux = _decouper(c, cle_commune(marque)[0].split(), dep_demande, ens)
        if morceaux is None:
            # le morceau fautif, pour un message précis (noms proches)
            for morceau in _SEPARATEURS_FAIBLES.split(segment):
                cle_m, suffixe_m = cle_commune(morceau)
                dep_m, _ = _filtres(departement, suffixe_m, parmi, dossier)
                if not c.candidats(cle_m, dep_m, ens) and _decouper(c, cle_m.split(), dep_m, ens) is None:
                    _resoudre(c, morceau.strip(), cle_m, dep_m, ens)
            cle, suffixe = cle_commune(segment)
            _resoudre(c, segment, cle, _combiner(dep_demande, suffixe), ens)
            raise ErreurDonnees(f"communes introuvables dans « {segment} »")  # pragma: no cover
        for cle, dep in morceaux:
            commune = _resoudre(c, segment if len(morceaux) == 1 else cle, cle, dep, ens)
            if commune.code not in {r.code for r in resultat}:
                resultat.append(commune)
    return resultat


def codes_par_nom(nom: str, departement: str | None = None, dossier: Path | str | None = None) -> list[str]:
    """Codes INSEE des communes actuelles que ``nom`` peut désigner (mêmes règles de graphie que
    :func:`trouver_commune`, ``departement`` : code INSEE), sans erreur ni recherche des noms proches : liste vide si
    aucune, plusieurs codes pour des homonymes. Recherche rapide, pour trier les lignes d'un grand fichier."""
    c = _charge(dossier)
    cle, suffixe = cle_commune(nom)
    dep = _combiner(departement, suffixe)
    codes = []
    for i in c.candidats(cle, dep, None):
        code, _, type_, rattachement, _ = c._lignes[i]
        cible = code if type_ == "COM" else rattachement
        if cible not in codes:
            codes.append(cible)
    return codes


_MARQUE = "zzdepartement"
_DEPARTEMENT_DANS_TEXTE = re.compile(r"\(\s*(\d{2,3}|2[abAB])\s*\)")


def _combiner(dep: str | None, indique: str | None) -> str | None:
    """Département demandé et département indiqué après le nom ; contradictoires : aucun candidat."""
    if dep and indique and dep != indique:
        return "∅"
    return dep or indique


def _decouper(
    c: _Cog, jetons: list[str], dep: str | None, parmi: frozenset | None
) -> list[tuple[str, str | None]] | None:
    """Découpage d'une suite de jetons en clés de communes connues, avec le département de chacune (demandé, ou
    indiqué par un jeton de département après le nom) ; « et » permis entre deux noms ; les noms les plus longs
    d'abord. None si impossible."""
    n = len(jetons)

    @functools.cache
    def depuis(i: int) -> tuple[tuple[str, str | None], ...] | None:
        if i == n:
            return ()
        for j in range(n, i, -1):
            if any(x.startswith(_MARQUE) for x in jetons[i:j]):
                continue
            cle, suite_i, dep_k = " ".join(jetons[i:j]), j, dep
            if j < n and jetons[j].startswith(_MARQUE):
                dep_k, suite_i = _combiner(dep, jetons[j][len(_MARQUE) :].upper().zfill(2)), j + 1
            if c.candidats(cle, dep_k, parmi):
                suite = depuis(suite_i + 1) if suite_i + 1 < n and jetons[suite_i] == "et" else None
                if suite is None:
                    suite = depuis(suite_i)
                if suite is not None:
                    return ((cle, dep_k), *suite)
        return None

    if n == 0:
        return None
    res = depuis(0)
    return list(res) if res is not None else None


# --------------------------------------------------------------------------------------------- territoires


def _millesime(communes_: pd.DataFrame, noms_departements: dict) -> str:
    """Millésime de la population d'un ensemble de communes : « N » s'il est unique, sinon le principal suivi des
    autres avec leurs départements : « N (Mayotte : M) »."""
    avec = communes_[communes_["millesime_population"] != ""]
    compte = Counter(avec["millesime_population"])
    if not compte:
        return ""
    principal = sorted(compte, key=lambda m: (-compte[m], m))[0]
    autres = []
    for m in sorted(set(compte) - {principal}):
        deps = sorted(set(avec.loc[avec["millesime_population"] == m, "departement"]))
        autres.append(f"{', '.join(noms_departements.get(d, d) for d in deps)} : {m}")
    return principal + (f" ({' ; '.join(autres)})" if autres else "")


def _inconnu(niveau: str, code: str, table: pd.DataFrame, col_code: str) -> ErreurDonnees:
    codes = list(table[col_code])
    noms = dict(zip(table[col_code], table["nom"]))
    proches = difflib.get_close_matches(str(code), codes, n=5, cutoff=0.6)
    par_nom = {cle_commune(n)[0]: k for k, n in noms.items()}
    proches += [
        par_nom[k]
        for k in difflib.get_close_matches(cle_commune(code)[0], list(par_nom), n=5, cutoff=0.5)
        if par_nom[k] not in proches
    ]
    liste = ", ".join(f"{k} ({noms[k]})" for k in proches[:8])
    quoi = {"epci": "SIREN d'EPCI", "departement": "code de département", "region": "code de région"}[niveau]
    return ErreurDonnees(
        f"{quoi} inconnu dans le Code officiel géographique : « {code} »"
        + (f" ; les plus proches : {liste}" if liste else "")
        + (
            " (un code écrit sans guillemets dans un fichier YAML perd ses zéros initiaux)"
            if str(code).isdigit() and niveau != "epci"
            else ""
        )
    )


def territoire(niveau: str, code: str | int | None = None, dossier: Path | str | None = None) -> Territoire:
    """Le territoire ``niveau`` (epci, departement, region, france) de code ``code`` (SIREN pour un EPCI, code
    INSEE sinon ; ignoré pour la France) : nom, codes INSEE de ses communes actuelles (triés), population (somme
    des populations municipales de ses communes) et millésime."""
    return _territoire(_charge(dossier), str(niveau), None if code is None else str(code))


@functools.lru_cache(maxsize=1024)
def _territoire(c: _Cog, niveau: str, code: str | None) -> Territoire:
    """:func:`territoire` dans le COG ``c``, gardé en mémoire (un ``Territoire`` est immuable) : chaque chapitre et
    chaque fiche désignent leur territoire, et le chercher parcourt les 35 000 communes (2,4 ms)."""
    niv = str(niveau).strip().lower().replace("é", "e")
    if niv not in NIVEAUX:
        proche = difflib.get_close_matches(niv, NIVEAUX, n=1)
        raise ErreurDonnees(
            f"niveau de territoire inconnu : « {niveau} »"
            + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
            + f" ; niveaux permis : {', '.join(NIVEAUX)}"
        )
    a = c.actuelles
    code_txt = "" if code is None else str(code).strip()
    type_epci = ""
    if niv == "france":
        zones = set(c.departements.loc[c.departements["zone"].isin(ZONES_FRANCE), "code"])
        membres, nom, code_txt = a[a["departement"].isin(zones)], "France (métropole et outre-mer)", ""
    else:
        table, col_code, col_commune = {
            "epci": (c.epci, "siren", "epci"),
            "departement": (c.departements, "code", "departement"),
            "region": (c.regions, "code", "region"),
        }[niv]
        if niv != "epci" and code_txt.isdigit() and len(code_txt) == 1:
            code_txt = code_txt.zfill(2)
        if niv == "departement" and re.fullmatch(r"2[ab]", code_txt, flags=re.I):
            code_txt = code_txt.upper()
        ligne = table[table[col_code] == code_txt]
        if ligne.empty:
            raise _inconnu(niv, code_txt, table, col_code)
        nom = ligne["nom"].iloc[0]
        type_epci = str(ligne["type"].iloc[0]) if niv == "epci" and "type" in ligne.columns else ""
        membres = a[a[col_commune] == code_txt]
    population = int(membres["population"].sum(skipna=True))
    return Territoire(
        niv,
        code_txt,
        nom,
        tuple(sorted(membres["code"])),
        population,
        _millesime(membres, c.noms_departements),
        type_epci if niv == "epci" else "",
    )


def population_publiee_et_cog(
    niveau: str, code: str | int | None, population_publiee: float | int | None, dossier: Path | str | None = None
) -> dict:
    """La population d'un territoire publiée par un rapport à côté de celle du référentiel (somme des populations
    municipales légales de ses communes actuelles, avec son millésime). Aucune des deux n'est corrigée : l'écart
    vient en général du millésime (le rapport cite un recensement plus ancien) et du périmètre (communes entrées ou
    sorties de l'EPCI, communes fusionnées depuis). Pour un EPCI, ``population_municipale_dgcl`` est le chiffre du
    fichier de la DGCL repris par le paquet (autre base)."""
    t = territoire(niveau, code, dossier)
    publiee = None if population_publiee is None or pd.isna(population_publiee) else population_publiee
    res = {
        "territoire": t.nom,
        "niveau": t.niveau,
        "code": t.code,
        "nb_communes": len(t.communes),
        "population_publiee": publiee,
        "population_cog": t.population,
        "millesime_cog": t.millesime_population,
        "ecart": None if publiee is None else t.population - publiee,
        "ecart_relatif": None if not publiee else (t.population - publiee) / publiee,
    }
    if t.niveau == "epci":
        e = _charge(dossier).epci
        dgcl = e.loc[e["siren"] == t.code, "population_municipale_dgcl"].iloc[0]
        res["population_municipale_dgcl"] = None if pd.isna(dgcl) else int(dgcl)
    return res
