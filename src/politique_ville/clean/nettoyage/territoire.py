"""Les quartiers du territoire dans un fichier de l'INSEE qui en couvre davantage, la table de comparaison de
tous les quartiers, les EPCI qui ont des quartiers, le département d'un code de quartier."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage._communs import SEPARATEUR_COMMUNES, _vide
from politique_ville.clean.nettoyage.journal import Journal
from politique_ville.clean.nettoyage.referentiels import Referentiels
from politique_ville.reference import territoires
from politique_ville.reference.schemas import renommages_colonnes

_SEPARATEUR_CODES = re.compile(r"[\s,;/|]+")


_CODE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def departement_du_code_qp(code) -> str | None:
    """Département écrit dans un code de quartier de l'INSEE (« QP062001 », « QN06201M » -> « 62 » ; « QP971001 »
    -> « 971 » ; « QP02A001 » -> « 2A ») ; None pour un code local."""
    texte = str(code or "").strip().upper()
    if not texte.startswith(("QP", "QN")) or len(texte) < 6:
        return None
    dep = texte[2:5]
    return dep[1:] if dep.startswith("0") else dep


@dataclass
class SelectionTerritoire:
    """Les quartiers du territoire dans un fichier de l'INSEE qui en couvre davantage (national, régional)."""

    brut_territoire: pd.DataFrame  # lignes brutes du territoire (colonnes du fichier)
    brut_autres: pd.DataFrame  # lignes brutes des autres quartiers
    #: ligne_source -> (département, région, code de la première commune) de chaque quartier du fichier
    lieux: dict[int, tuple[str | None, str | None, str | None]]
    colonne: str  # colonne qui a servi à la sélection (code_commune ou nom_commune)
    inconnus: list[str]  # communes du fichier introuvables (ni du territoire ni du COG)


def _codes_cellule(v) -> list[str]:
    if _vide(v):
        return []
    codes = []
    for morceau in _SEPARATEUR_CODES.split(str(v).strip()):
        m = morceau.strip().upper()
        if m.isdigit() and len(m) == 4:
            m = m.zfill(5)  # code lu comme un nombre (« 1001 » pour « 01001 »)
        if m and m not in codes:
            codes.append(m)
    return codes


def selectionner_territoire(
    brut: pd.DataFrame, refs: Referentiels, journal: Journal | None = None
) -> SelectionTerritoire | None:
    """Dans le fichier brut des quartiers, ceux du territoire : par le code INSEE de leur(s) commune(s) si le fichier
    a une colonne de codes (``INSEE_COM``, ``CODE_COM``… : ``schemas.ALIAS_COLONNES``), sinon par le nom de leur(s)
    commune(s) (un quartier sur plusieurs communes est du territoire si l'une d'elles l'est ; graphies du référentiel
    des communes et règles du Code officiel géographique). None si le fichier ne couvre que le territoire (il est
    alors nettoyé tel quel, comme avant) ou si ses colonnes ne permettent pas de choisir (le nettoyage le dira).

    Un quartier dont aucune commune n'est connue (ni du territoire ni du Code officiel géographique) est rangé hors du
    territoire si le fichier en couvre manifestement davantage (communes d'ailleurs, autres départements dans les
    codes des quartiers), et le journal le dit ; sinon il reste dans le territoire, où le nettoyage signale sa commune
    inconnue. Aucun quartier du territoire : :class:`ErreurDonnees` qui nomme le territoire et les communes
    cherchées."""

    fichier = brut.attrs.get("source", {}).get("fichier", "insee_qpv.csv")
    try:
        renommages = renommages_colonnes("insee_qpv", [c for c in brut.columns if c != COLONNE_LIGNE])
    except ValueError:
        return None
    df = brut.rename(columns=renommages)
    if "code_qp" not in df.columns or not ({"code_commune", "nom_commune"} & set(df.columns)) or df.empty:
        return None
    lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    codes_t = refs.codes_territoire()
    if _tout_du_territoire(df, refs, codes_t):
        return None  # le fichier du seul territoire (cas du premier rapport transcrit) : sans lire le Code officiel géographique
    n = len(df)
    colonne = "code_commune" if "code_commune" in df.columns else "nom_commune"
    codes_col = df["code_commune"] if "code_commune" in df.columns else pd.Series([None] * n, index=df.index)
    noms_col = df["nom_commune"] if "nom_commune" in df.columns else pd.Series([None] * n, index=df.index)
    statuts, lieux, inconnus = _statuts_des_quartiers(df, refs, codes_t, codes_col, noms_col, lignes)
    statuts = pd.Series(statuts, index=df.index)
    du_t = statuts == "territoire"
    if not du_t.any():
        _aucun_quartier_du_territoire(refs, codes_t, colonne, codes_col, noms_col, fichier)
    deps_t = {departement_du_code_qp(c) for c in df.loc[du_t, "code_qp"]}
    plus_large = (statuts == "hors").any() or any(
        departement_du_code_qp(c) not in deps_t for c in df.loc[statuts == "inconnu", "code_qp"]
    )
    if not plus_large:
        return None
    garder = du_t
    _noter_selection(journal, fichier, refs, statuts, inconnus, colonne, garder, n)
    territoire_, autres = brut[garder.to_numpy()], brut[(~garder).to_numpy()]
    territoire_.attrs, autres.attrs = dict(brut.attrs), dict(brut.attrs)
    return SelectionTerritoire(territoire_, autres, lieux, colonne, list(dict.fromkeys(inconnus)))


def _statuts_des_quartiers(df, refs: Referentiels, codes_t: set[str], codes_col, noms_col, lignes):
    """Statut de chaque quartier (« territoire », « hors », « inconnu ») d'après le code INSEE ou le nom de sa
    commune, le lieu de chacun (ligne_source -> département, région, première commune) et les communes inconnues."""
    cles_t: set[str] = set()
    if codes_t:
        du_t = territoires.communes_de(codes_t, alias=True)
        cles_t = {territoires.cle_commune(n)[0] for n in du_t["nom"]}
    cog_ = territoires.cog_courant()
    lieu_commune, region_dep = _lieux(cog_)

    def du_territoire(nom: str) -> bool:
        return refs.commune(nom) is not None or territoires.cle_commune(nom)[0] in cles_t

    statuts, lieux, inconnus = [], {}, []
    for code_qp, codes_v, noms_v, ligne in zip(df["code_qp"], codes_col, noms_col, lignes):
        try:
            lecture = _lecture_de_la_ligne(cog_, code_qp, codes_v, noms_v)
        except TypeError:  # cellule non hachable : lue sans mémoire
            lecture = _lecture_de_la_ligne.__wrapped__(cog_, code_qp, codes_v, noms_v)
        dep_code, dep_cog, codes, morceaux = lecture
        statut, premiere = None, None
        if codes:
            statut = "territoire" if any(c in codes_t for c in codes) else "hors"
            premiere = codes[0]
        else:
            # le département du code du quartier départage les homonymes : « Saint-Denis » d'un QP093… n'est pas
            # celle de La Réunion ; un nom introuvable dans ce département reste cherché dans le territoire
            if any(set(dans_dep) & codes_t if dans_dep else du_territoire(m) for m, dans_dep, _ in morceaux):
                statut = "territoire"
            for _m, _dans_dep, trouves in morceaux:
                if trouves:
                    premiere = premiere or (next((c for c in trouves if c in codes_t), None) or trouves[0])
                    if statut is None:
                        statut = "territoire" if set(trouves) & codes_t else "hors"
            if statut is None:
                statut = "inconnu"
                inconnus.extend(m.strip() for m, _, _ in morceaux)
        dep, reg = lieu_commune.get(premiere, (None, None)) if premiere else (None, None)
        if dep is None:
            dep = dep_code
            reg = region_dep.get(dep_code)
        statuts.append(statut)
        lieux[int(ligne)] = (dep or None, reg or None, premiere)
    return statuts, lieux, inconnus


@functools.lru_cache(maxsize=1 << 16)
def _lecture_de_la_ligne(cog_, code_qp, codes_v, noms_v) -> tuple:
    """Ce qu'une ligne du fichier dit de ses communes, quel que soit le territoire cherché : département du code du
    quartier (et s'il est au Code officiel géographique ``cog_``), codes INSEE de la cellule, et pour chaque nom de
    commune (sans code) les codes des communes qu'il désigne dans ce département, puis partout. Gardé par contenu de
    la ligne : un lot de territoires relit le même fichier national pour chacun (0,08 s par territoire pour 1 600
    lignes, mesuré sur un lot de territoires)."""
    dep_code = departement_du_code_qp(code_qp)
    dep_cog = dep_code if dep_code in _departements(cog_) else None
    codes = tuple(c for c in _codes_cellule(codes_v) if _CODE_COMMUNE.match(c))
    if codes:
        return dep_code, dep_cog, codes, ()
    morceaux = [m for m in SEPARATEUR_COMMUNES.split(str(noms_v)) if m.strip()] if not _vide(noms_v) else []
    lus = []
    for m in morceaux:
        dans_dep = tuple(territoires.codes_par_nom(m, dep_cog)) if dep_cog else ()
        lus.append((m, dans_dep, dans_dep or tuple(territoires.codes_par_nom(m, dep_cog))))
    return dep_code, dep_cog, codes, tuple(lus)


@functools.lru_cache(maxsize=4)
def _departements(_cog) -> frozenset:
    return frozenset(territoires.departements()["code"])


@functools.lru_cache(maxsize=4)
def _lieux(_cog) -> tuple[dict, dict]:
    """Département et région de chaque commune, région de chaque département, du Code officiel géographique
    ``_cog`` : lus une fois (35 000 communes), pas à chaque territoire d'un lot."""
    cog = territoires.communes()
    deps = territoires.departements()
    return (
        dict(zip(cog["code"].tolist(), zip(cog["departement"].tolist(), cog["region"].tolist()))),
        dict(zip(deps["code"].tolist(), deps["region"].tolist())),
    )


def _aucun_quartier_du_territoire(refs: Referentiels, codes_t: set[str], colonne, codes_col, noms_col, fichier):
    """:class:`ErreurDonnees` : aucun quartier du territoire dans le fichier ; elle nomme le territoire, les communes
    cherchées et celles du fichier."""
    cherchees = sorted(refs.communes["nom_officiel"]) if len(refs.communes) else sorted(codes_t)
    exemples = list(
        dict.fromkeys(str(v) for v in (noms_col if colonne == "nom_commune" else codes_col) if not _vide(v))
    )
    raise ErreurDonnees(
        f"le fichier des quartiers ne contient aucun quartier du territoire {refs.libelle_territoire()} : "
        f"communes cherchées{' (par leur code INSEE)' if colonne == 'code_commune' else ''} ({len(cherchees)}) : "
        f"{', '.join(cherchees[:15])}{' …' if len(cherchees) > 15 else ''} ; "
        f"{'codes' if colonne == 'code_commune' else 'communes'} du fichier : "
        f"{', '.join(exemples[:8])}{' …' if len(exemples) > 8 else ''}",
        fichier=fichier,
        colonne=colonne,
    )


def _noter_selection(journal, fichier, refs: Referentiels, statuts, inconnus, colonne, garder, n):
    """Au journal : les quartiers sans commune connue rangés hors du territoire, les quartiers retenus."""
    if inconnus and journal is not None:
        journal.avertir(
            f"{fichier} : {int((statuts == 'inconnu').sum())} quartier(s) dont aucune commune n'est connue "
            f"(ni du territoire ni du Code officiel géographique) rangé(s) hors du territoire, pour les "
            f"seuls niveaux de comparaison : {', '.join(list(dict.fromkeys(inconnus))[:10])}"
            f"{' …' if len(set(inconnus)) > 10 else ''}"
        )
    if journal is not None:
        journal.lignes.append(
            {
                "table": "insee_qpv",
                "règle": f"quartiers du territoire {refs.libelle_territoire()} retenus (par "
                f"{'code INSEE' if colonne == 'code_commune' else 'nom'} de commune) ; "
                "les autres servent aux niveaux de comparaison (insee_qpv_comparaison)",
                "colonne": colonne,
                "valeurs modifiées": int((~garder).sum()),
                "exemples": f"{int(garder.sum())} quartier(s) du territoire sur {n} dans le fichier",
            }
        )


def _tout_du_territoire(df: pd.DataFrame, refs: Referentiels, codes_t: set[str]) -> bool:
    """Chaque quartier a une commune du territoire, reconnue par son code ou par le référentiel des communes."""
    codes_col = df["code_commune"] if "code_commune" in df.columns else [None] * len(df)
    noms_col = df["nom_commune"] if "nom_commune" in df.columns else [None] * len(df)
    for codes_v, noms_v in zip(codes_col, noms_col):
        codes = _codes_cellule(codes_v)
        if codes:
            if not any(c in codes_t for c in codes):
                return False
            continue
        if _vide(noms_v) or not any(
            refs.commune(m) is not None for m in SEPARATEUR_COMMUNES.split(str(noms_v)) if m.strip()
        ):
            return False
    return True


def table_comparaison(selection: SelectionTerritoire, qpv: pd.DataFrame, autres: pd.DataFrame) -> pd.DataFrame:
    """Tous les quartiers du fichier, nettoyés (``qpv`` : ceux du territoire ; ``autres`` : les autres, nettoyés
    sans référentiel des communes), avec ``dans_territoire``, ``departement``, ``region`` et ``code_commune``
    (première commune) d'après le Code officiel géographique, dans l'ordre du fichier."""
    communs = [c for c in autres.columns if c in qpv.columns and c != "nom_commune"]
    t = qpv[communs].copy()
    if "nom_commune_brut" in qpv.columns:
        t["nom_commune"] = qpv["nom_commune_brut"].values
    t["dans_territoire"] = True
    a = autres.copy()
    a["dans_territoire"] = False
    tout = pd.concat([t, a], ignore_index=True, sort=False)
    tout = tout.sort_values(COLONNE_LIGNE, kind="stable").reset_index(drop=True)
    lieux = [selection.lieux.get(int(n), (None, None, None)) for n in tout[COLONNE_LIGNE]]
    tout["departement"] = [d for d, _, _ in lieux]
    tout["region"] = [r for _, r, _ in lieux]
    if "code_commune" not in tout.columns:
        tout["code_commune"] = [c for _, _, c in lieux]
    tout["dans_territoire"] = tout["dans_territoire"].astype(bool)
    return tout


def epci_des_quartiers(brut: pd.DataFrame, codes_epci) -> list[str]:
    """Les EPCI de ``codes_epci`` (SIREN) qui ont au moins un quartier prioritaire dans le fichier des quartiers de
    l'INSEE ``brut`` (brut tel que lu, ou nettoyé : ``code_qp`` et ``code_commune`` et/ou ``nom_commune``, sous leurs
    noms du fichier ou du schéma), dans l'ordre de ``codes_epci``. Commune d'un quartier comme
    :func:`selectionner_territoire` la trouve : par son code INSEE quand le fichier en a un, sinon par son nom (le
    département du code du quartier départage les homonymes) ; un quartier de plusieurs communes compte pour
    l'EPCI de chacune. Les quartiers dont le type n'est pas « QPV » (quartiers de veille, communautaires) ne comptent
    pas. Fonction pure (le Code officiel géographique est lu par ``reference``)."""

    colonnes = [c for c in brut.columns if c != COLONNE_LIGNE]
    try:
        renommages = renommages_colonnes("insee_qpv", colonnes)
    except ValueError:
        renommages = {}
    df = brut.rename(columns=renommages)
    voulus = [str(c) for c in codes_epci]
    if "code_qp" not in df.columns or not ({"code_commune", "nom_commune"} & set(df.columns)) or df.empty:
        return []
    if "type_quartier" in df.columns:
        types = df["type_quartier"].astype(str).str.strip().str.upper()
        df = df[types.str.startswith("QPV") | df["type_quartier"].map(_vide)]
    toutes = territoires.communes(alias=True)
    actuelles = toutes[toutes["type"] == "COM"]
    epci_de = dict(zip(actuelles["code"], actuelles["epci"].astype(str)))
    # une commune déléguée ou un arrondissement : l'EPCI de sa commune
    for code, rattachement in zip(toutes["code"], toutes["rattachement"]):
        if code not in epci_de and isinstance(rattachement, str) and rattachement in epci_de:
            epci_de[code] = epci_de[rattachement]
    departements = set(territoires.departements()["code"])
    n = len(df)
    codes_col = df["code_commune"] if "code_commune" in df.columns else pd.Series([None] * n, index=df.index)
    noms_col = df["nom_commune"] if "nom_commune" in df.columns else pd.Series([None] * n, index=df.index)
    trouves: set[str] = set()
    for code_qp, codes_v, noms_v in zip(df["code_qp"], codes_col, noms_col):
        codes = [c for c in _codes_cellule(codes_v) if _CODE_COMMUNE.match(c)]
        if not codes and not _vide(noms_v):
            dep = departement_du_code_qp(code_qp)
            dep = dep if dep in departements else None
            for morceau in SEPARATEUR_COMMUNES.split(str(noms_v)):
                if morceau.strip():
                    codes += territoires.codes_par_nom(morceau, dep) if dep else []
        trouves.update(epci_de[c] for c in codes if c in epci_de)
    return [c for c in voulus if c in trouves]
