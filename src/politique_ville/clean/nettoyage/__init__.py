"""Nettoyage des tables brutes : DataFrame brut (texte) -> DataFrame traité, journal des règles appliquées.

Aucune entrée/sortie ici : les référentiels sont passés en argument (:class:`Referentiels`), les fichiers sont lus et
écrits par ``catalog``. Chaque erreur nomme le fichier, la ligne (``ligne_source``) et la colonne ; les erreurs d'une
table sont toutes rassemblées dans un seul message (:class:`ErreursNettoyage`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import (
    MOTIF_NON_DISPONIBLE,
    MOTIF_SECRET,
    ValeurIllisible,
    est_manquant,
    lire_nombre,
    motif_manquant,
    texte_normalise,
)
from politique_ville.reference import territoires
from politique_ville.reference.etapes import TABLES_FINANCEMENTS, TABLES_INSEE
from politique_ville.reference.indicateurs import colonnes_non_reconnues
from politique_ville.reference.parametres import nom_territoire, territoire_du_referentiel
from politique_ville.reference.schemas import (
    COLONNE_GEOGRAPHIE,
    GENRES_NUMERIQUES,
    INDICATEURS_INSEE,
    PROVENANCES,
    SCHEMAS,
    Colonne,
    Schema,
    genre_implicite,
    geographie_qpv,
    renommages_colonnes,
)

MAX_ERREURS = 20
#: Séparateur des communes d'une cellule : « , », « ; », « / », ou un tiret entouré d'espaces (« Lens - Liévin »,
#: graphie de certains fichiers de l'INSEE). Un tiret sans espaces fait partie du nom (« Saint-Étienne-du-Rouvray »).
SEPARATEUR_COMMUNES = re.compile(r"\s*[,;/]\s*|\s+[-\u2013\u2014]\s+")


class ErreursNettoyage(ErreurDonnees):
    """Plusieurs erreurs dans une table : le message les liste toutes (fichier, ligne, colonne)."""

    def __init__(self, erreurs: list[ErreurDonnees]):
        erreurs = sorted(erreurs, key=lambda e: (e.fichier or "", e.ligne or 0))
        self.erreurs = erreurs
        premiere = erreurs[0]
        super().__init__(premiere.message, fichier=premiere.fichier, ligne=premiere.ligne, colonne=premiere.colonne)

    def __str__(self) -> str:
        if len(self.erreurs) == 1:
            return str(self.erreurs[0])
        lignes = [f"{len(self.erreurs)} erreurs dans les données :"] + [f"  - {e}" for e in self.erreurs[:MAX_ERREURS]]
        if len(self.erreurs) > MAX_ERREURS:
            lignes.append(f"  … et {len(self.erreurs) - MAX_ERREURS} autres")
        return "\n".join(lignes)


def cle(texte: str) -> str:
    """Clé de rapprochement des libellés : minuscules, sans accents, tirets/espaces/apostrophes unifiés."""
    if isinstance(texte, str):  # les mêmes libellés reviennent à chaque ligne : clé calculée une fois par texte
        return _cle_de_texte(texte)
    return _cle(texte)


def _cle(texte) -> str:
    t = texte_normalise(texte).replace("’", "'")
    t = re.sub(r"[-_'\s]+", " ", t)
    return t.strip(" .:")


_cle_de_texte = functools.lru_cache(maxsize=1 << 16)(_cle)


# --------------------------------------------------------------------------------------------- référentiels


@dataclass
class Referentiels:
    """Référentiels du territoire (son dossier, paramètre ``reference_dir`` ; les référentiels communs de
    ``data/reference/``) et de l'année (feuille de route nettoyée).

    ``territoire`` : le territoire du référentiel officiel (``territoires.Territoire``) quand les paramètres le
    désignent par son code (``territoire: {niveau, code}``) ; sans ``communes.csv`` dans le dossier des
    référentiels, les communes viennent alors du Code officiel géographique (:func:`communes_du_cog`).
    ``nom_territoire`` : nom affiché dans les messages d'erreur."""

    communes: pd.DataFrame
    porteurs: pd.DataFrame
    nomenclature: pd.DataFrame
    perimetres: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["nom", "type", "variantes"]))
    feuille_de_route: pd.DataFrame | None = None
    territoire: object | None = None
    nom_territoire: str = ""
    #: dossier des référentiels du territoire (paramètre ``reference_dir``), nommé par les messages d'erreur
    dossier: Path | None = None

    @classmethod
    def charger(cls, catalogue, parametres: dict | None = None) -> Referentiels:
        """Référentiels du territoire (``catalogue.reference_dir``, paramètre ``reference_dir``) ; avec les
        ``parametres`` de l'année, le territoire désigné par son code. Un ``communes.csv`` du dossier du territoire
        l'emporte (graphies, périmètres tapés à la main) ; sans lui, les communes du territoire viennent du Code
        officiel géographique. Sans porteurs ni périmètres (territoire qui n'a que le fichier de l'INSEE), ces
        référentiels sont vides ; la nomenclature des piliers et thématiques est celle du territoire s'il en a une,
        sinon la nomenclature commune (``data/reference/nomenclature.csv``). Aucune table propre à un autre
        territoire n'est jamais lue."""

        propre = catalogue.ref_dir  # dossier du territoire (None : seulement les référentiels communs)
        territoire = territoire_du_referentiel(parametres) if parametres else None

        def du_territoire(nom: str) -> bool:
            return propre is not None and (propre / f"{nom}.csv").is_file()

        if du_territoire("communes"):
            communes = catalogue.lire_reference("communes")
        elif territoire is not None:
            communes = communes_du_cog(territoire)
        else:
            raise ErreurDonnees(
                "territoire donné par son seul nom, sans référentiel de ses communes : désignez-le par son code "
                '(territoire: {niveau: epci, code: "…"}, communes lues dans le Code officiel géographique) ou '
                "donnez le dossier de ses référentiels (paramètre reference_dir) avec un communes.csv",
                fichier=str(propre / "communes.csv") if propre is not None else "params",
            )
        perimetres = catalogue.lire_reference("perimetres") if du_territoire("perimetres") else None
        porteurs = (
            catalogue.lire_reference("porteurs")
            if du_territoire("porteurs")
            else pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"])
        )
        nomenclature = (
            catalogue.lire_reference("nomenclature")
            if catalogue.fichier_reference("nomenclature.csv").is_file()
            else pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"])
        )
        return cls(
            communes=communes,
            porteurs=porteurs,
            nomenclature=nomenclature,
            **({"perimetres": perimetres} if perimetres is not None else {}),
            territoire=territoire,
            nom_territoire=nom_territoire(parametres) if parametres else "",
            dossier=propre,
        )

    def __post_init__(self):
        self._communes = {}
        variantes = self.communes["variantes"] if "variantes" in self.communes.columns else [""] * len(self.communes)
        for nom, var in zip(self.communes["nom_officiel"], variantes):
            for v in [nom, *str(var if isinstance(var, str) else "").split("|")]:
                if v.strip():
                    self._communes[cle(v)] = nom
        self._perimetres = {}
        for _, p in self.perimetres.iterrows():
            for v in [p["nom"], *str(p.get("variantes", "")).split("|")]:
                if v.strip():
                    self._perimetres[cle(v)] = p["nom"]
        self._porteurs_exact = dict(zip(self.porteurs["alias"], self.porteurs["porteur_canonique"]))
        self._porteurs = {}
        for alias, canon in zip(self.porteurs["alias"], self.porteurs["porteur_canonique"]):
            self._porteurs.setdefault(cle(alias), canon)
            self._porteurs.setdefault(cle(canon), canon)
        self._types_porteur = dict(zip(self.porteurs["porteur_canonique"], self.porteurs["type_porteur"]))
        self._codes_insee: dict | None = None  # nom officiel -> position dans ``communes`` (voir ``code_insee``)
        self._nomenclature: dict[str, dict[str, tuple[str, str]]] = {}
        self._parents: dict[tuple[str, str], str] = {}
        for _, n in self.nomenclature.iterrows():
            d = self._nomenclature.setdefault(n["type"], {})
            for v in [n["code"], n["libelle"], *str(n.get("variantes", "")).split("|")]:
                if v.strip():
                    d.setdefault(cle(v), (n["code"], n["libelle"]))
            if str(n.get("parent", "")).strip():
                self._parents[(n["type"], n["code"])] = n["parent"]

    def codes_territoire(self) -> set[str]:
        """Codes INSEE des communes du territoire : celles du territoire officiel s'il est désigné par son code,
        et celles du référentiel des communes qui ont un code."""
        codes = set(self.territoire.communes) if self.territoire is not None else set()
        if "code_insee" in self.communes.columns:
            codes |= {str(c).strip() for c in self.communes["code_insee"] if isinstance(c, str) and c.strip()}
        return codes

    def libelle_territoire(self) -> str:
        if self.territoire is not None:
            return (
                f"« {self.nom_territoire or self.territoire.nom} » ({self.territoire.niveau} {self.territoire.code})"
                if self.territoire.code
                else f"« {self.nom_territoire or self.territoire.nom} »"
            )
        return f"« {self.nom_territoire} »" if self.nom_territoire else "du référentiel des communes"

    def _fichier_du_territoire(self, nom: str) -> str:
        """« communes.csv du dossier des référentiels du territoire (…) » : jamais le fichier d'un autre territoire."""
        if self.dossier is not None:
            return f"{Path(self.dossier) / nom}"
        return f"un {nom} dans le dossier des référentiels du territoire (paramètre reference_dir, à créer)"

    def conseil_commune(self) -> str:
        """Que faire d'une commune inconnue, selon la source des communes du territoire."""
        if self.territoire is not None and not (
            self.dossier is not None and (Path(self.dossier) / "communes.csv").is_file()
        ):
            return (
                f"ni commune du territoire {self.libelle_territoire()} selon le Code officiel géographique, ni "
                f"périmètre connu ; si c'est une autre graphie d'une de ses communes, ajoutez-la à "
                f"{self._fichier_du_territoire('communes.csv')}"
            )
        return (
            f"ni commune du territoire ni périmètre connu : ajoutez-la ou sa graphie à "
            f"{self._fichier_du_territoire('communes.csv')}"
        )

    def conseil_porteur(self) -> str:
        return f"ajoutez sa graphie au référentiel des porteurs du territoire, {self._fichier_du_territoire('porteurs.csv')}"

    # -- recherches (renvoient None si inconnu)
    def commune(self, texte: str) -> str | None:
        return self._communes.get(cle(texte))

    def perimetre(self, texte: str) -> str | None:
        return self._perimetres.get(cle(texte))

    def porteur(self, texte: str) -> str | None:
        return self._porteurs_exact.get(texte) or self._porteurs.get(cle(texte))

    def type_du_porteur(self, canonique: str) -> str | None:
        return self._types_porteur.get(canonique)

    def code(self, type_: str, texte: str) -> tuple[str, str] | None:
        return self._nomenclature.get(type_, {}).get(cle(texte))

    def parent(self, type_: str, code: str) -> str | None:
        return self._parents.get((type_, code))

    def noms_communes(self) -> list[str]:
        return sorted(self.communes["nom_officiel"])

    def code_insee(self, nom_officiel: str) -> str:
        """Code INSEE d'une commune (première ligne de ce nom dans le référentiel), « » si elle est inconnue."""
        if self._codes_insee is None:  # index construit au premier appel : une recherche par dictionnaire ensuite
            self._codes_insee = {}
            for i, nom in enumerate(self.communes["nom_officiel"]):
                self._codes_insee.setdefault(nom, i)
        if nom_officiel not in self._codes_insee:
            return ""
        return str(self.communes["code_insee"].iloc[self._codes_insee[nom_officiel]] or "")


# --------------------------------------------------------------------------------------------- journal


@dataclass
class Journal:
    """Ce que le nettoyage a changé : une ligne par (table, règle, colonne), avec un exemple avant / après."""

    lignes: list[dict] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    def noter(self, table: str, regle: str, colonne: str, avant: pd.Series, apres: pd.Series, exemples: int = 3):
        if avant.dtype == apres.dtype and avant.dtype != object and avant.equals(apres):
            return  # mêmes valeurs, même type : aucun texte ne change (cas le plus fréquent, sans conversion)
        avant_t = avant.map(_texte)
        apres_t = apres.map(_texte)
        change = avant_t != apres_t
        n = int(change.sum())
        if n:
            ex = [f"« {a} » → « {b} »" for a, b in list(zip(avant_t[change], apres_t[change]))[:exemples]]
            self.lignes.append(
                {
                    "table": table,
                    "règle": regle,
                    "colonne": colonne,
                    "valeurs modifiées": n,
                    "exemples": " ; ".join(dict.fromkeys(ex)),
                }
            )

    def renommer(self, table: str, renommages: dict[str, str]):
        """Une ligne par en-tête renommé (fichiers de l'INSEE : « CODGEO » → « code_qp ») ; aucune valeur ne change."""
        for avant, apres in renommages.items():
            self.lignes.append(
                {
                    "table": table,
                    "règle": "en-tête de l'INSEE ramené au nom interne (schemas.py)",
                    "colonne": apres,
                    "valeurs modifiées": 0,
                    "exemples": f"« {avant} » → « {apres} »",
                }
            )

    def avertir(self, message: str):
        self.avertissements.append(message)

    def tableau(self) -> pd.DataFrame:
        return pd.DataFrame(self.lignes, columns=["table", "règle", "colonne", "valeurs modifiées", "exemples"])


def _vide(v) -> bool:
    """Cellule vide (texte) : seul le vide compte, pas les marqueurs « - » ou « n.c. » des colonnes numériques."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _texte(v) -> str:
    if _vide(v):
        return "∅"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------------------------- nettoyage


@dataclass
class TableNettoyee:
    table: str
    fichier: str
    donnees: pd.DataFrame
    brut: pd.DataFrame


class _Erreurs:
    def __init__(self, fichier: str):
        self.fichier = fichier
        self.liste: list[ErreurDonnees] = []

    def __call__(self, message, ligne=None, colonne=None):
        self.liste.append(ErreurDonnees(message, fichier=self.fichier, ligne=ligne, colonne=colonne))

    def lever(self):
        if self.liste:
            raise ErreursNettoyage(self.liste)


def nettoyer_table(
    table: str, brut: pd.DataFrame, refs: Referentiels, journal: Journal | None = None, schema: Schema | None = None
) -> TableNettoyee:
    """Nettoie une table brute selon son schéma. Lève :class:`ErreursNettoyage` (fichier, ligne, colonne)."""
    schema = schema or SCHEMAS[table]
    journal = journal if journal is not None else Journal()
    fichier = brut.attrs.get("source", {}).get("fichier", f"{table}.csv")
    err = _Erreurs(fichier)
    brut_recu = brut
    brut = _renommer_colonnes(table, brut, journal, err)
    colonnes = [c for c in brut.columns if c != COLONNE_LIGNE]
    manquantes = [c for c in schema.obligatoires if c not in colonnes]
    for c in manquantes:
        err(f"colonne obligatoire absente (colonnes trouvées : {', '.join(colonnes)})", ligne=1, colonne=c)
    err.lever()
    connues = {c.nom for c in schema.colonnes}
    inconnues = [c for c in colonnes if c not in connues and genre_implicite(table, c) is None]
    if inconnues:
        journal.avertir(f"{fichier} : colonne(s) non prévue(s) gardée(s) telle(s) quelle(s) : {', '.join(inconnues)}")
    if brut.empty:
        err("le fichier ne contient aucune ligne de données", ligne=2)
        err.lever()

    df = brut.copy()
    lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    df[COLONNE_LIGNE] = lignes.astype(int)
    for colonne in schema.colonnes:  # colonne absente du fichier mais qui a une valeur par défaut
        if colonne.defaut is not None and colonne.nom not in df.columns:
            df[colonne.nom] = colonne.defaut
            journal.noter(
                table,
                f"colonne absente du fichier : valeur par défaut « {colonne.defaut} »",
                colonne.nom,
                pd.Series(None, index=df.index, dtype="object"),
                df[colonne.nom],
            )
    # espaces de bord
    for c in colonnes:
        avant = df[c]
        df[c] = avant.map(lambda v: v.strip() if isinstance(v, str) else v)
        journal.noter(table, "espaces de début et de fin retirés", c, avant, df[c])

    est_total = pd.Series(False, index=df.index)
    if schema.ligne_total:
        col, val = schema.ligne_total
        est_total = df[col].map(lambda v: cle(str(v)) == cle(val))
        df["est_total"] = est_total

    for colonne in schema.colonnes:
        if colonne.nom not in df.columns:
            continue
        _nettoyer_colonne(table, df, colonne.nom, colonne.genre, colonne, refs, journal, err, lignes, est_total)
    for c in colonnes:
        genre = genre_implicite(table, c)
        if c not in connues and genre:
            _nettoyer_colonne(
                table, df, c, genre, Colonne(c, genre, obligatoire=False), refs, journal, err, lignes, est_total
            )
    for colonne in schema.colonnes:
        if colonne.non_vide and colonne.nom in df.columns:
            test = est_manquant if colonne.genre in GENRES_NUMERIQUES else _vide
            vides = df[colonne.nom].map(test) & ~est_total
            for idx in df.index[vides]:
                err("valeur obligatoire manquante", ligne=int(lignes[idx]), colonne=colonne.nom)
    if schema.cle:
        _verifier_cle(df[~est_total], schema.cle, lignes, err)
    _regles_de_table(table, df, refs, journal, err, lignes)
    if schema.ligne_total:
        _verifier_totaux(df, schema, lignes, err)
    err.lever()
    return TableNettoyee(table, fichier, df.reset_index(drop=True), brut_recu)


def _renommer_colonnes(table: str, brut: pd.DataFrame, journal: Journal, err: _Erreurs) -> pd.DataFrame:
    """En-têtes d'un fichier de l'INSEE ramenés aux noms internes (``schemas.renommages_colonnes``), notés au
    journal ; les autres tables sont rendues telles quelles."""
    try:
        renommages = renommages_colonnes(table, [c for c in brut.columns if c != COLONNE_LIGNE])
    except ValueError as exc:
        err(str(exc), ligne=1)
        err.lever()
    if not renommages:
        return brut
    journal.renommer(table, renommages)
    renomme = brut.rename(columns=renommages)
    renomme.attrs = dict(brut.attrs)
    return renomme


def _nettoyer_colonne(table, df, nom, genre, colonne, refs, journal, err, lignes, est_total):
    avant = df[nom].copy()
    if genre in GENRES_NUMERIQUES:
        valeurs = []
        for idx, v in avant.items():
            try:
                x = lire_nombre(v, "montant" if genre == "montant" else ("auto" if genre == "nombre" else "taux"))
            except ValeurIllisible as exc:
                err(f"{exc} (attendu : {_LIBELLE_GENRE[genre]})", ligne=int(lignes[idx]), colonne=nom)
                x = math.nan
            valeurs.append(x)
        serie = pd.Series(valeurs, index=df.index, dtype="float64")
        if genre == "montant":
            # « 280 000 (dont 35 000 Pol Ville) » : la précision « dont » est gardée dans sa propre colonne
            dont = avant.map(lambda v: _montant_dont(v))
            if dont.notna().any():
                df[f"{nom}_dont"] = dont
                journal.noter(
                    table,
                    "montant « dont … » entre parenthèses gardé à part",
                    f"{nom}_dont",
                    avant[dont.notna()],
                    dont[dont.notna()],
                )
        if colonne.unite_brute == "€ par mois":
            serie = serie * 12
            journal.noter(table, "revenu mensuel converti en annuel (× 12)", nom, avant, serie)
        for idx in serie.index[(serie < 0) & ~est_total]:
            if genre != "nombre":
                err(
                    f"valeur négative ({avant[idx]}) : un {_LIBELLE_GENRE[genre]} ne peut pas être négatif",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
        if genre == "taux":
            for idx in serie.index[serie > 100]:
                err(f"taux de {avant[idx]} hors de l'intervalle [0, 100]", ligne=int(lignes[idx]), colonne=nom)
        if genre in ("effectif", "annee"):
            for idx in serie.index[serie.notna() & (serie % 1 != 0)]:
                err(f"« {avant[idx]} » n'est pas un nombre entier", ligne=int(lignes[idx]), colonne=nom)
        if genre == "annee":
            for idx in serie.index[serie.notna() & ((serie < 1900) | (serie > 2100))]:
                err(f"année « {avant[idx]} » invraisemblable", ligne=int(lignes[idx]), colonne=nom)
        if colonne.decimales is not None:
            arrondie = serie.round(colonne.decimales)
            bruit = (arrondie - serie).abs()
            if (bruit > 0).any():
                journal.noter(table, f"bruit de calcul arrondi à {colonne.decimales} décimale(s)", nom, serie, arrondie)
            serie = arrondie
        if genre in ("effectif", "annee"):
            serie = serie.astype("Int64")
        simple = avant.map(lambda v: _vide(v) or bool(re.fullmatch(r"-?\d+(\.\d+)?", str(v).strip())))
        journal.noter(
            table, f"nombre écrit à la française lu comme {_LIBELLE_GENRE[genre]}", nom, avant[~simple], serie[~simple]
        )
        marqueurs = avant.map(lambda v: not _vide(v) and est_manquant(v))
        journal.noter(
            table,
            "marqueur de valeur manquante (« - », « n.c. »…) : manquant, jamais 0",
            nom,
            avant[marqueurs],
            serie[marqueurs],
        )
        df[nom] = serie
        return
    if genre == "communes":
        df[f"{nom}_brut"] = avant
        resultat = []
        for idx, v in avant.items():
            if est_total[idx] or _vide(v):
                resultat.append(v if isinstance(v, str) and v.strip() else None)
                continue
            noms = []
            for morceau in SEPARATEUR_COMMUNES.split(v):
                if not morceau:
                    continue
                trouve = refs.commune(morceau) or refs.perimetre(morceau)
                if trouve is None:
                    err(
                        f"commune inconnue « {morceau} » ({refs.conseil_commune()})",
                        ligne=int(lignes[idx]),
                        colonne=nom,
                    )
                    trouve = morceau
                if trouve not in noms:
                    noms.append(trouve)
            resultat.append(", ".join(noms))
        df[nom] = resultat
        journal.noter(table, "commune ramenée au nom officiel", nom, avant, df[nom])
        return
    if genre == "porteur":
        df[f"{nom}_brut"] = avant
        resultat = []
        for idx, v in avant.items():
            if _vide(v):
                resultat.append(None)
                continue
            canon = refs.porteur(v)
            if canon is None:
                err(
                    f"porteur inconnu « {v} » : {refs.conseil_porteur()}",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
            resultat.append(canon)
        df[nom] = resultat
        df["porteur_canonique"] = df[nom]
        if "type_porteur" not in df.columns:  # tableaux de porteurs : type tiré du référentiel
            df["type_porteur"] = [refs.type_du_porteur(p) if p else None for p in resultat]
        journal.noter(table, "porteur ramené à son nom canonique", nom, avant, df[nom])
        return
    if genre in ("type_porteur", "pilier", "thematique"):
        codes, libelles = [], []
        for idx, v in avant.items():
            if _vide(v):
                codes.append(None)
                libelles.append(None)
                continue
            trouve = refs.code(genre, v)
            if trouve is None:
                permis = sorted({lg for _, lg in refs._nomenclature.get(genre, {}).values()})
                err(
                    f"{_LIBELLE_GENRE[genre]} inconnu(e) « {v} » (valeurs permises : {', '.join(permis)})",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
                codes.append(None)
                libelles.append(None)
            else:
                codes.append(trouve[0])
                libelles.append(trouve[1])
        df[nom] = libelles
        df[f"{nom}_code"] = codes
        journal.noter(table, f"{_LIBELLE_GENRE[genre]} ramené(e) au libellé de la nomenclature", nom, avant, df[nom])
        return
    if genre == "priorite":
        resultat = []
        for idx, v in avant.items():
            if _vide(v):
                resultat.append(pd.NA)
                continue
            m = re.fullmatch(r"(?i)(?:priorit[ée]\s*(?:n\s*°|no|n°)?\s*|p)?\s*(\d{1,2})\.?", str(v).strip())
            if not m:
                err(f"priorité illisible « {v} » (attendu : un numéro, ex. « 7 »)", ligne=int(lignes[idx]), colonne=nom)
                resultat.append(pd.NA)
            else:
                resultat.append(int(m.group(1)))
        df[nom] = pd.array(resultat, dtype="Int64")
        journal.noter(table, "priorité lue comme numéro", nom, avant, df[nom])
        return
    if genre == "sous_priorite":
        resultat = []
        for idx, v in avant.items():
            if _vide(v):
                resultat.append(None)
                continue
            m = re.fullmatch(r"(?i)(?:priorit[ée]\s*|p)?\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\.?", str(v).strip())
            if not m:
                err(f"sous-priorité illisible « {v} » (attendu : « 7.3 »)", ligne=int(lignes[idx]), colonne=nom)
                resultat.append(None)
            else:
                resultat.append(f"{int(m.group(1))}.{int(m.group(2))}")
        df[nom] = resultat
        journal.noter(table, "sous-priorité écrite « n.m »", nom, avant, df[nom])
        return
    if genre == "code_qp":
        geographies = []
        premiers: dict[str, tuple[str, int]] = {}  # géographie -> (premier code, sa ligne)
        for idx, v in avant.items():
            if _vide(v):
                geographies.append(None)
                continue
            try:
                geo = geographie_qpv(str(v))
            except ValueError as exc:
                err(str(exc), ligne=int(lignes[idx]), colonne=nom)
                geographies.append(None)
                continue
            geographies.append(geo)
            premiers.setdefault(geo, (str(v), int(lignes[idx])))
        if "2015" in premiers and "2024" in premiers:
            (c15, l15), (c24, l24) = premiers["2015"], premiers["2024"]
            err(
                f"le fichier mêle les deux géographies prioritaires : « {c15} » (ligne {l15}) est un code de la "
                f"géographie 2015 (« QP… »), « {c24} » (ligne {l24}) un code de la géographie 2024 (« QN… ») ; "
                f"aucune valeur ne se compare d'une géographie à l'autre : un fichier par géographie",
                ligne=max(l15, l24),
                colonne=nom,
            )
        if table in ("insee_qpv", "insee_qpv_comparaison"):
            df[COLONNE_GEOGRAPHIE] = geographies
            journal.noter(
                table,
                "géographie prioritaire du code de quartier (2015 « QP… », 2024 « QN… », locale « LOC-… »)",
                COLONNE_GEOGRAPHIE,
                pd.Series(None, index=df.index, dtype="object"),
                df[COLONNE_GEOGRAPHIE],
            )
        return
    if genre == "provenance":
        for idx, v in avant.items():
            if not _vide(v) and v not in PROVENANCES:
                err(
                    f"provenance « {v} » inconnue (permises : {', '.join(PROVENANCES)})",
                    ligne=int(lignes[idx]),
                    colonne=nom,
                )
        return
    if genre == "id":
        return
    # texte : rien de plus


def _montant_dont(texte) -> float:
    """Le montant d'une précision « (dont 35 000 Pol Ville) », sinon NaN."""
    if not isinstance(texte, str):
        return math.nan
    m = re.search(r"\(\s*dont\s+([\d\s.,\u00a0\u202f]+)", texte)
    if not m:
        return math.nan
    try:
        return lire_nombre(m.group(1).strip(), "montant")
    except ValeurIllisible:
        return math.nan


_LIBELLE_GENRE = {
    "montant": "montant en euros",
    "taux": "taux en %",
    "indice": "indice",
    "effectif": "effectif",
    "annee": "année",
    "nombre": "nombre",
    "type_porteur": "type de porteur",
    "pilier": "pilier",
    "thematique": "thématique",
}


def _verifier_cle(df: pd.DataFrame, colonnes: tuple[str, ...], lignes, err):
    presentes = [c for c in colonnes if c in df.columns]
    if not presentes:
        return
    textes = [df[c].map(_texte) for c in presentes]
    cles = pd.Series([" | ".join(t) for t in zip(*textes)] if len(df) else [], index=df.index, dtype=object)
    doubles = cles.duplicated(keep=False)
    if not doubles.any():
        return
    for valeur, groupe in df[doubles].groupby(cles[doubles], sort=False):
        if len(groupe) > 1:
            nums = [int(lignes[i]) for i in groupe.index]
            err(
                f"identifiant « {valeur} » en double (lignes {', '.join(map(str, nums))})",
                ligne=nums[1],
                colonne=presentes[0] if len(presentes) == 1 else ", ".join(presentes),
            )


def _verifier_totaux(df: pd.DataFrame, schema: Schema, lignes, err):
    """Une ligne de total imprimée doit égaler la somme des lignes de détail qui la précèdent (si elles ont un montant)."""
    montants = [c.nom for c in schema.par_genre("montant") if c.nom in df.columns]
    debut = 0
    for pos, (idx, total) in enumerate(df.iterrows()):
        if not total["est_total"]:
            continue
        detail = df.iloc[debut:pos]
        detail = detail[~detail["est_total"]]
        for m in montants:
            if pd.isna(total[m]) or detail.empty or detail[m].isna().all():
                continue
            somme = detail[m].sum()
            if abs(somme - total[m]) > 0.5:
                err(
                    f"ligne de total incohérente : {_texte(total[m])} imprimé, {_texte(somme)} pour la somme des lignes "
                    f"{int(lignes[detail.index[0]])} à {int(lignes[detail.index[-1]])}",
                    ligne=int(lignes[idx]),
                    colonne=m,
                )
        debut = pos + 1


def _regles_de_table(table, df, refs: Referentiels, journal, err, lignes):
    """Règles entre colonnes : cohérence pilier/thématique, priorités connues de la feuille de route."""
    # Chaque règle est évaluée sur les valeurs des colonnes (sans construire une ligne pandas par ligne du fichier) ;
    # seules les lignes fautives sont reprises, dans l'ordre du fichier, pour écrire les messages.
    if {"thematique_code", "pilier_code"} <= set(df.columns):

        def parent_contredit(theme, pilier):
            if _vide(theme) or _vide(pilier):
                return None
            parent = refs.parent("thematique", theme)
            return parent if parent and parent != pilier else None

        parents = [parent_contredit(t, p) for t, p in zip(df["thematique_code"], df["pilier_code"])]
        for idx, parent in zip(df.index, parents):
            if parent is not None:
                err(
                    f"la thématique « {df.at[idx, 'thematique']} » relève du pilier « {parent} », pas de "
                    f"« {df.at[idx, 'pilier']} »",
                    ligne=int(lignes[idx]),
                    colonne="thematique",
                )
    fdr = refs.feuille_de_route
    if table != "feuille_de_route" and fdr is not None and "priorite" in df.columns:
        priorites = set(fdr["priorite"].dropna().astype(int))
        sous = set(fdr["sous_priorite"].dropna())
        prio = df["priorite"]
        sp_col = df["sous_priorite"] if "sous_priorite" in df.columns else pd.Series(None, index=df.index, dtype=object)
        p_faux = prio.map(lambda p: not pd.isna(p) and int(p) not in priorites).astype(bool)
        sp_a_voir = ~sp_col.map(_vide).astype(bool)
        for idx in df.index[(p_faux | sp_a_voir).to_numpy(dtype=bool)]:
            p = prio[idx]
            if p_faux[idx]:
                err(f"priorité {p} absente de la feuille de route", ligne=int(lignes[idx]), colonne="priorite")
            sp = sp_col[idx]
            if sp_a_voir[idx]:
                if sp not in sous:
                    err(
                        f"sous-priorité {sp} absente de la feuille de route",
                        ligne=int(lignes[idx]),
                        colonne="sous_priorite",
                    )
                elif not pd.isna(p) and not sp.startswith(f"{int(p)}."):
                    err(
                        f"sous-priorité {sp} incompatible avec la priorité {p}",
                        ligne=int(lignes[idx]),
                        colonne="sous_priorite",
                    )
    if table == "indicateurs_actions" and "valeur" in df.columns:
        valeurs = []
        for v, lecture in zip(df["valeur"], df.get("lecture_numerique", pd.Series(np.nan, index=df.index))):
            try:
                valeurs.append(lire_nombre(v))
            except ValeurIllisible:
                valeurs.append(lecture if not pd.isna(lecture) else math.nan)
        df["valeur_num"] = pd.Series(valeurs, index=df.index, dtype="float64")
        journal.noter(
            table, "valeur lue comme nombre (texte gardé dans « valeur »)", "valeur", df["valeur"], df["valeur_num"]
        )


# --------------------------------------------------------------------------------------------- tables dérivées


def communes_eclatees(df: pd.DataFrame, cle_col: str, colonne: str, refs: Referentiels) -> pd.DataFrame:
    """Une ligne par (clé, commune) : un QPV ou une action sur plusieurs communes les garde toutes."""
    lignes = []
    totaux = df["est_total"] if "est_total" in df.columns else [False] * len(df)
    par_nom: dict[str, tuple[str | None, bool]] = {}  # commune -> (code INSEE, périmètre), cherchés une fois
    for cle_, valeur, total, ligne in zip(df[cle_col], df[colonne], totaux, df[COLONNE_LIGNE]):
        if total or not isinstance(valeur, str):
            continue
        for i, nom in enumerate(valeur.split(", ")):  # cellule nettoyée : noms officiels séparés par « , »
            if nom not in par_nom:
                par_nom[nom] = (refs.code_insee(nom) or None, refs.commune(nom) is None)
            code, perimetre = par_nom[nom]
            lignes.append(
                {
                    cle_col: cle_,
                    "commune": nom,
                    "code_insee": code,
                    "rang": i + 1,
                    "perimetre": perimetre,
                    COLONNE_LIGNE: ligne,
                }
            )
    return pd.DataFrame(lignes, columns=[cle_col, "commune", "code_insee", "rang", "perimetre", COLONNE_LIGNE])


#: Marqueurs explicites de l'INSEE, dont le motif l'emporte sur celui du fichier de provenance.
_MARQUEURS_EXPLICITES = {
    "s": MOTIF_SECRET,
    "n.s.": MOTIF_SECRET,
    "n.s": MOTIF_SECRET,
    "ns": MOTIF_SECRET,
    "nd": MOTIF_NON_DISPONIBLE,
    "n.d.": MOTIF_NON_DISPONIBLE,
    "n.d": MOTIF_NON_DISPONIBLE,
}


def valeurs_manquantes_insee(
    qpv: pd.DataFrame, provenance: pd.DataFrame | None, brut: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Chaque cellule manquante d'un indicateur INSEE, avec son motif, jamais 0 :

    - marqueur de l'INSEE dans le fichier brut (``brut`` : la table telle que lue, reliée par ``ligne_source``) :
      « s », « S », « n.s. » -> « secret statistique » ; « nd », « ND », « n.d. » -> « non disponible » ; ce motif
      l'emporte sur celui du fichier de provenance ;
    - case vide (ou autre marqueur : « - », « n.c. »…) : le motif donné par le fichier de provenance s'il y en a
      un, sinon celui du marqueur (case vide : « secret statistique », convention de l'INSEE ; « - », « n.c. » :
      « non disponible »).

    ``commentaire`` : celui du fichier de provenance, sinon le marqueur lu (« marqueur « nd » du fichier »)."""

    motifs = {}
    if provenance is not None and not provenance.empty:
        p = provenance[provenance["fichier"].str.startswith("insee_qpv")]
        motifs = {(c, v): (m, com) for c, v, m, com in zip(p["cle"], p["variable"], p["provenance"], p["commentaire"])}
    bruts: dict[int, dict] = {}
    if brut is not None and COLONNE_LIGNE in brut.columns:
        try:
            renomme = brut.rename(
                columns=renommages_colonnes("insee_qpv", [c for c in brut.columns if c != COLONNE_LIGNE])
            )
        except ValueError:
            renomme = brut
        bruts = {int(n): rec for n, rec in zip(renomme[COLONNE_LIGNE], renomme.to_dict("records"))}
    lignes = []
    indicateurs = [c.nom for c in INDICATEURS_INSEE if c.nom in qpv.columns] + [
        c for c in qpv.columns if genre_implicite("insee_qpv", c) and c not in {i.nom for i in INDICATEURS_INSEE}
    ]
    for _, q in qpv.iterrows():
        cellules = bruts.get(int(q[COLONNE_LIGNE]), {})
        for var in indicateurs:
            if not pd.isna(q[var]):
                continue
            marqueur = cellules.get(var)
            texte = marqueur.strip().lower() if isinstance(marqueur, str) else ""
            if texte in _MARQUEURS_EXPLICITES:
                motif = _MARQUEURS_EXPLICITES[texte]
                commentaire = (
                    motifs.get((q["code_qp"], var), (None, ""))[1] or f"marqueur « {marqueur.strip()} » du fichier"
                )
            elif (q["code_qp"], var) in motifs:
                motif, commentaire = motifs[(q["code_qp"], var)]
            else:
                motif = motif_manquant(marqueur) or MOTIF_SECRET
                commentaire = f"marqueur « {marqueur.strip()} » du fichier" if texte else ""
            if motif not in (MOTIF_SECRET, MOTIF_NON_DISPONIBLE):
                motif = MOTIF_SECRET
            lignes.append(
                {
                    "code_qp": q["code_qp"],
                    "variable": var,
                    "motif": motif,
                    "commentaire": commentaire,
                    COLONNE_LIGNE: q[COLONNE_LIGNE],
                }
            )
    return pd.DataFrame(lignes, columns=["code_qp", "variable", "motif", "commentaire", COLONNE_LIGNE])


def verifier_provenance_insee(
    provenance: pd.DataFrame, qpv: pd.DataFrame, references: pd.DataFrame, fichier: str = "insee_provenance.csv"
):
    """Les clés du fichier de provenance désignent des quartiers et niveaux qui existent (« code QPV inconnu »)."""
    err = _Erreurs(fichier)
    codes = set(qpv["code_qp"])
    niveaux = set(references["niveau"])
    for fichier_, cle_, ligne in zip(provenance["fichier"], provenance["cle"], provenance[COLONNE_LIGNE]):
        if fichier_.startswith("insee_qpv") and cle_ not in codes:
            err(f"code de quartier inconnu « {cle_} » (absent de insee_qpv)", ligne=int(ligne), colonne="cle")
        elif fichier_.startswith("insee_references") and cle_ not in niveaux:
            err(f"niveau de comparaison inconnu « {cle_} »", ligne=int(ligne), colonne="cle")
    err.lever()


# --------------------------------------------------------------------------------------------- territoire


def communes_du_cog(territoire) -> pd.DataFrame:
    """Référentiel des communes d'un territoire du Code officiel géographique (``territoires.Territoire``), aux
    colonnes de ``communes.csv`` : nom officiel, code INSEE, variantes (anciens noms : communes déléguées ou
    associées), ``contrat_de_ville`` et ``qpv`` inconnus (vides)."""

    toutes = territoires.communes(alias=True)
    codes = set(territoire.communes)
    actuelles = toutes[(toutes["type"] == "COM") & toutes["code"].isin(codes)]
    anciens = toutes[(toutes["type"] != "COM") & toutes["rattachement"].isin(codes)]
    variantes = anciens.groupby("rattachement")["nom"].agg(lambda s: " | ".join(sorted(set(s))))
    return pd.DataFrame(
        {
            "nom_officiel": actuelles["nom"].values,
            "code_insee": actuelles["code"].values,
            "variantes": [variantes.get(c, "") for c in actuelles["code"]],
            "contrat_de_ville": "",
            "qpv": "",
        }
    )


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
    cles_t: set[str] = set()
    if codes_t:
        toutes = territoires.communes(alias=True)
        du_t = toutes[((toutes["type"] == "COM") & toutes["code"].isin(codes_t)) | toutes["rattachement"].isin(codes_t)]
        cles_t = {territoires.cle_commune(n)[0] for n in du_t["nom"]}
    cog = territoires.communes()
    lieu_commune = dict(zip(cog["code"], zip(cog["departement"], cog["region"])))
    region_dep = dict(zip(territoires.departements()["code"], territoires.departements()["region"]))

    def du_territoire(nom: str) -> bool:
        return refs.commune(nom) is not None or territoires.cle_commune(nom)[0] in cles_t

    n = len(df)
    statuts, lieux, inconnus = [], {}, []
    colonne = "code_commune" if "code_commune" in df.columns else "nom_commune"
    codes_col = df["code_commune"] if "code_commune" in df.columns else pd.Series([None] * n, index=df.index)
    noms_col = df["nom_commune"] if "nom_commune" in df.columns else pd.Series([None] * n, index=df.index)
    for code_qp, codes_v, noms_v, ligne in zip(df["code_qp"], codes_col, noms_col, lignes):
        dep_code = departement_du_code_qp(code_qp)
        dep_cog = dep_code if dep_code in region_dep else None
        codes = [c for c in _codes_cellule(codes_v) if _CODE_COMMUNE.match(c)]
        statut, premiere = None, None
        if codes:
            statut = "territoire" if any(c in codes_t for c in codes) else "hors"
            premiere = codes[0]
        else:
            morceaux = [m for m in SEPARATEUR_COMMUNES.split(str(noms_v)) if m.strip()] if not _vide(noms_v) else []
            # le département du code du quartier départage les homonymes : « Saint-Denis » d'un QP093… n'est pas
            # celle de La Réunion ; un nom introuvable dans ce département reste cherché dans le territoire
            dans_dep = {m: territoires.codes_par_nom(m, dep_cog) if dep_cog else [] for m in morceaux}
            if any(set(dans_dep[m]) & codes_t if dans_dep[m] else du_territoire(m) for m in morceaux):
                statut = "territoire"
            for m in morceaux:
                trouves = dans_dep[m] or territoires.codes_par_nom(m, dep_cog)
                if trouves:
                    premiere = premiere or (next((c for c in trouves if c in codes_t), None) or trouves[0])
                    if statut is None:
                        statut = "territoire" if set(trouves) & codes_t else "hors"
            if statut is None:
                statut = "inconnu"
                inconnus.extend(m.strip() for m in morceaux)
        dep, reg = lieu_commune.get(premiere, (None, None)) if premiere else (None, None)
        if dep is None:
            dep = dep_code
            reg = region_dep.get(dep_code)
        statuts.append(statut)
        lieux[int(ligne)] = (dep or None, reg or None, premiere)
    statuts = pd.Series(statuts, index=df.index)
    du_t = statuts == "territoire"
    if not du_t.any():
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
    deps_t = {departement_du_code_qp(c) for c in df.loc[du_t, "code_qp"]}
    plus_large = (statuts == "hors").any() or any(
        departement_du_code_qp(c) not in deps_t for c in df.loc[statuts == "inconnu", "code_qp"]
    )
    if not plus_large:
        return None
    garder = du_t
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
    territoire_, autres = brut[garder.to_numpy()], brut[(~garder).to_numpy()]
    territoire_.attrs, autres.attrs = dict(brut.attrs), dict(brut.attrs)
    return SelectionTerritoire(territoire_, autres, lieux, colonne, list(dict.fromkeys(inconnus)))


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


# --------------------------------------------------------------------------------------------- par famille


def _nettoyer_tables(
    tables: tuple[str, ...], bruts: dict[str, pd.DataFrame], refs: Referentiels, journal: Journal
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables présentes, dans l'ordre donné ; rassemble les erreurs de toutes les tables."""
    sorties: dict[str, pd.DataFrame] = {}
    erreurs: list[ErreurDonnees] = []
    for table in tables:
        if table not in bruts:
            continue
        try:
            sorties[table] = nettoyer_table(table, bruts[table], refs, journal).donnees
        except ErreursNettoyage as exc:
            erreurs += exc.erreurs
            continue
        if table == "feuille_de_route":  # les priorités des autres tables sont vérifiées contre elle
            refs.feuille_de_route = sorties[table]
    if erreurs:
        raise ErreursNettoyage(erreurs)
    return sorties


def nettoyer_financements(
    bruts: dict[str, pd.DataFrame], refs: Referentiels, journal: Journal | None = None
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables de la programmation et des financements présentes dans ``bruts``.
    Renvoie les tables traitées, dont ``programmation_communes`` (une ligne par action et commune)."""
    sorties = _nettoyer_tables(TABLES_FINANCEMENTS, bruts, refs, journal if journal is not None else Journal())
    if "programmation" in sorties:
        sorties["programmation_communes"] = communes_eclatees(sorties["programmation"], "id_action", "communes", refs)
    return sorties


def nettoyer_insee(
    bruts: dict[str, pd.DataFrame],
    refs: Referentiels,
    journal: Journal | None = None,
    comparaison_nettoyee: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Nettoie les tables INSEE : quartiers, niveaux de comparaison, provenance ; ajoute ``insee_qpv_communes`` et
    ``insee_valeurs_manquantes`` (secret statistique marqué comme tel, jamais 0).

    Un fichier des quartiers qui couvre davantage que le territoire (national, régional) est pris tel quel :
    ``insee_qpv`` garde les quartiers du territoire (:func:`selectionner_territoire`) et ``insee_qpv_comparaison``
    tous les quartiers du fichier, avec leur département et leur région, pour les seuls niveaux de comparaison
    calculés (``compute.niveaux``). Une colonne que le registre des indicateurs ne connaît pas est gardée et
    signalée au journal (« colonnes non reconnues »).

    ``comparaison_nettoyee`` (lot de territoires) : le fichier entier déjà nettoyé une fois par le lot (schéma
    ``insee_qpv_comparaison``, ligne par ligne, sans référentiel des communes) ; les autres quartiers en sont pris
    (par ``ligne_source``) au lieu d'être nettoyés à nouveau. Une ligne absente (écartée par le lot) manque aux
    niveaux de comparaison."""
    journal = journal if journal is not None else Journal()
    selection = selectionner_territoire(bruts["insee_qpv"], refs, journal) if "insee_qpv" in bruts else None
    if selection is not None:
        bruts = {**bruts, "insee_qpv": selection.brut_territoire}
    erreurs: list[ErreurDonnees] = []
    try:
        sorties = _nettoyer_tables(TABLES_INSEE, bruts, refs, journal)
    except ErreursNettoyage as exc:
        erreurs += exc.erreurs
        sorties = {}
    autres = None
    if selection is not None and comparaison_nettoyee is not None:
        lignes_autres = set(pd.to_numeric(selection.brut_autres[COLONNE_LIGNE]).astype(int))
        autres = comparaison_nettoyee[comparaison_nettoyee[COLONNE_LIGNE].astype(int).isin(lignes_autres)]
        autres = autres.reset_index(drop=True)
    elif selection is not None:
        try:
            autres = nettoyer_table("insee_qpv_comparaison", selection.brut_autres, refs, journal).donnees
        except ErreursNettoyage as exc:
            erreurs += exc.erreurs
    if erreurs:
        raise ErreursNettoyage(erreurs)
    if "insee_qpv" in sorties:
        qpv = sorties["insee_qpv"]
        if selection is not None and autres is not None:
            comparaison = table_comparaison(selection, qpv, autres)
            _verifier_une_geographie(
                comparaison, bruts["insee_qpv"].attrs.get("source", {}).get("fichier", "insee_qpv")
            )
            sorties["insee_qpv_comparaison"] = comparaison
        if "insee_provenance" in sorties and "insee_references" in sorties:
            verifier_provenance_insee(
                sorties["insee_provenance"],
                qpv,
                sorties["insee_references"],
                bruts["insee_provenance"].attrs.get("source", {}).get("fichier", "insee_provenance.csv"),
            )
        sorties["insee_qpv_communes"] = communes_eclatees(qpv, "code_qp", "nom_commune", refs)
        sorties["insee_valeurs_manquantes"] = valeurs_manquantes_insee(
            qpv, sorties.get("insee_provenance"), bruts["insee_qpv"]
        )
    _signaler_colonnes_non_reconnues(sorties, bruts, journal)
    return sorties


def _verifier_une_geographie(comparaison: pd.DataFrame, fichier: str):
    """Les quartiers du territoire et les autres sont d'une même géographie prioritaire (2015 ou 2024)."""
    geos = comparaison[COLONNE_GEOGRAPHIE].dropna()
    if {"2015", "2024"} <= set(geos):
        l15 = comparaison.loc[geos.index[geos == "2015"][0]]
        l24 = comparaison.loc[geos.index[geos == "2024"][0]]
        raise ErreurDonnees(
            f"le fichier mêle les deux géographies prioritaires : « {l15['code_qp']} » (ligne "
            f"{int(l15[COLONNE_LIGNE])}) est un code de la géographie 2015 (« QP… »), « {l24['code_qp']} » (ligne "
            f"{int(l24[COLONNE_LIGNE])}) un code de la géographie 2024 (« QN… ») ; aucune valeur ne se compare d'une "
            f"géographie à l'autre : un fichier par géographie",
            fichier=fichier,
            colonne="code_qp",
        )


def _signaler_colonnes_non_reconnues(
    sorties: dict[str, pd.DataFrame], bruts: dict[str, pd.DataFrame], journal: Journal
):
    """« colonnes non reconnues » : colonnes des tables INSEE que le registre des indicateurs ne connaît pas,
    gardées telles quelles (jamais retirées en silence)."""

    for table in ("insee_qpv", "insee_references"):
        if table not in sorties:
            continue
        inconnues = colonnes_non_reconnues(sorties[table].columns)
        if inconnues:
            fichier = bruts[table].attrs.get("source", {}).get("fichier", table)
            journal.avertir(
                f"{fichier} : colonne(s) non reconnue(s) par le registre des indicateurs "
                f"(data/reference/indicateurs_qpv.csv), gardée(s) telle(s) quelle(s), sans comparaison : "
                f"{', '.join(inconnues)}"
            )


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
