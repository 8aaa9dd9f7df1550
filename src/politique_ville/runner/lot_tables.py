"""Le travail commun d'un lot de territoires, fait une fois pour tous : le fichier de l'INSEE lu, nettoyé et validé
une fois ; les niveaux de comparaison (département, région, France) calculés une fois ; chaque territoire n'en tire
que ses propres tables.

1. :func:`preparer_le_lot` : lecture des fichiers de l'INSEE (``insee_qpv``, et s'il y en a ``insee_references``,
   ``insee_provenance``) ; nettoyage de **tout** le fichier des quartiers (schéma ``insee_qpv_comparaison``, ligne
   par ligne, sans référentiel des communes) ; validation Great Expectations de ces tables (Data Docs dans
   ``<rapports>/validation/``). Une ligne illisible ou qui ne passe pas une attente n'arrête pas le lot : elle est
   écartée (« ligne en défaut », avec la raison), les niveaux de comparaison sont calculés sans elle et le
   territoire qui la contient est écarté. Résultat dans ``<tables>/_lot/`` (tables et manifeste) ; réutilisé tel quel
   par l'exécution suivante si sa clé n'a pas changé (même règle que toute étape : ``cache.cle``, empreintes des
   fichiers bruts lus, du registre des indicateurs, de ce module et du code du paquet) ;
2. :meth:`PreparationDuLot.tables_du_territoire` : les tables d'un territoire, celles que le nettoyage d'un
   territoire seul (notebook ``02_nettoyage_insee``) produirait — ses quartiers choisis et nettoyés avec ses
   communes (``nettoyage.nettoyer_insee``), les autres quartiers repris du fichier déjà nettoyé, les niveaux calculés
   avec un mémo commun (un niveau déjà calculé pour les mêmes quartiers est repris).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE, Catalogue, ecrire_atomique, empreinte
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.clean.nettoyage import (
    TABLES_INSEE,
    ErreursNettoyage,
    Journal,
    Referentiels,
    nettoyer_insee,
    nettoyer_table,
)
from politique_ville.clean.validation import valider
from politique_ville.reference.schemas import renommages_colonnes

from ..compute import niveaux as cn
from .cache import cle, empreinte_code

#: dossier des tables communes du lot, dans celui des tables nettoyées du lot
DOSSIER_COMMUN = "_lot"
MANIFESTE_COMMUN = ".preparation.json"
#: tables nettoyées communes (fichier entier) et référentiels communs dont elles dépendent
TABLE_NATIONALE = "insee_qpv_comparaison"
REFERENTIELS_COMMUNS = ("indicateurs_qpv.csv",)
CE_MODULE = Path(__file__).resolve()


class JournalMuet(Journal):
    """Le journal d'un nettoyage que personne ne lit (celui d'un territoire d'un lot : la préparation commune a le
    sien) : rien n'est calculé pour lui."""

    muet = True

    def noter(self, *args, **kwargs):
        pass


@dataclass
class LigneEnDefaut:
    """Une ligne du fichier de l'INSEE écartée du lot : illisible ou hors des attentes de la validation."""

    ligne: int
    code_qp: str
    raison: str


@dataclass
class PreparationDuLot:
    """Le fichier de l'INSEE du lot, lu, nettoyé et validé une fois (voir le module)."""

    cle: str
    bruts: dict[str, pd.DataFrame]
    comparaison: pd.DataFrame  # tout le fichier nettoyé, lignes en défaut retirées
    defauts: list[LigneEnDefaut] = field(default_factory=list)
    validation: dict = field(default_factory=dict)  # attentes, échecs, Data Docs
    reutilisee: bool = False
    duree: float = 0.0
    memo_niveaux: dict = field(default_factory=dict)
    _verrou: threading.Lock = field(default_factory=threading.Lock)

    def defauts_du_territoire(self, lignes) -> list[LigneEnDefaut]:
        lignes = {int(x) for x in lignes}
        return [d for d in self.defauts if d.ligne in lignes]

    def _lever_si_defauts(self, lignes):
        defauts = self.defauts_du_territoire(lignes)
        if defauts:
            fichier = self.bruts["insee_qpv"].attrs.get("source", {}).get("fichier", "insee_qpv")
            raise ErreurDonnees(
                "quartier(s) du territoire écarté(s) par la préparation commune du lot : "
                + " ; ".join(f"ligne {d.ligne} ({d.code_qp}) : {d.raison}" for d in defauts[:5])
                + (f" ; … et {len(defauts) - 5} autre(s)" if len(defauts) > 5 else ""),
                fichier=fichier,
            )

    def tables_du_territoire(self, cat: Catalogue, params: dict) -> dict[str, pd.DataFrame]:
        """Les tables nettoyées du territoire des ``params`` (celles du notebook ``02_nettoyage_insee`` d'un
        territoire seul). Un territoire qui a une ligne en défaut : :class:`ErreurDonnees` qui la nomme."""

        refs = Referentiels.charger(cat, params)
        try:
            tables = nettoyer_insee(self.bruts, refs, JournalMuet(), comparaison_nettoyee=self.comparaison)
        except ErreurDonnees as exc:
            erreurs = getattr(exc, "erreurs", [exc])
            self._lever_si_defauts([e.ligne for e in erreurs if e.ligne is not None])
            raise
        if "insee_qpv" in tables:
            self._lever_si_defauts(tables["insee_qpv"][COLONNE_LIGNE])
        if "insee_qpv_comparaison" in tables:
            tables["insee_niveaux"] = cn.niveaux_du_territoire(
                tables["insee_qpv_comparaison"], tables.get("insee_references"), params, memo=self.memo_niveaux
            )
        return tables


def _lire_bruts(cat: Catalogue) -> dict[str, pd.DataFrame]:
    presentes = set(cat.tables_brutes())
    return {t: cat.lire_brut(t) for t in TABLES_INSEE if t in presentes}


def cle_commune(cat: Catalogue) -> str:
    """Clé de la préparation commune : empreintes des fichiers de l'INSEE, du registre des indicateurs, de ce module
    et du code du paquet (``cache.cle``)."""
    presentes = set(cat.tables_brutes())
    entrees = {f"brut:{t}": empreinte(cat.fichier_brut(t)) for t in TABLES_INSEE if t in presentes}
    for nom in REFERENTIELS_COMMUNS:
        f = cat.fichier_reference(nom)
        if f.is_file():
            entrees[f"referentiel:{nom}"] = empreinte(f)
    return cle(entrees, {"annee": int(cat.annee)}, empreinte(CE_MODULE), empreinte_code())


def _referentiels_vides() -> Referentiels:
    """Aucun territoire : le fichier entier est nettoyé sans référentiel des communes (schéma de comparaison)."""
    return Referentiels(
        communes=pd.DataFrame(columns=["nom_officiel", "code_insee", "variantes"]),
        porteurs=pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"]),
        nomenclature=pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"]),
        nom_territoire="lot de territoires",
    )


def _code_de_la_ligne(brut: pd.DataFrame) -> dict[int, str]:

    try:
        df = brut.rename(columns=renommages_colonnes("insee_qpv", [c for c in brut.columns if c != COLONNE_LIGNE]))
    except ValueError:
        df = brut
    if "code_qp" not in df.columns or COLONNE_LIGNE not in df.columns:
        return {}
    return {int(n): str(c) for n, c in zip(df[COLONNE_LIGNE], df["code_qp"])}


def _nettoyer_le_fichier(brut: pd.DataFrame, refs: Referentiels) -> tuple[pd.DataFrame, list[LigneEnDefaut]]:
    """Tout le fichier nettoyé (schéma de comparaison) ; une ligne illisible est écartée (et dite), le reste nettoyé.
    Une erreur qui ne désigne pas de ligne (colonne obligatoire absente…) arrête le lot."""
    codes = _code_de_la_ligne(brut)
    defauts: list[LigneEnDefaut] = []
    for _ in range(3):
        try:
            return nettoyer_table(TABLE_NATIONALE, brut, refs, Journal()).donnees, defauts
        except ErreursNettoyage as exc:
            sans_ligne = [e for e in exc.erreurs if e.ligne is None or int(e.ligne) not in codes]
            if sans_ligne:
                raise
            fautives = {}
            for e in exc.erreurs:
                fautives.setdefault(int(e.ligne), []).append(
                    f"nettoyage, colonne « {e.colonne} » : {e.message}" if e.colonne else f"nettoyage : {e.message}"
                )
            defauts += [LigneEnDefaut(n, codes[n], " ; ".join(r)) for n, r in sorted(fautives.items())]
            brut = _sans_lignes(brut, set(fautives))
            if brut.empty:
                raise
    return nettoyer_table(TABLE_NATIONALE, brut, refs, Journal()).donnees, defauts


def _sans_lignes(df: pd.DataFrame, lignes: set[int]) -> pd.DataFrame:
    garde = df[~pd.to_numeric(df[COLONNE_LIGNE]).astype(int).isin(lignes)]
    garde.attrs = dict(df.attrs)
    return garde


def preparer_le_lot(
    cat: Catalogue, docs_dir: Path, *, force: bool = False, sortie=print, bruts: dict | None = None
) -> PreparationDuLot:
    """La préparation commune du lot (voir le module), réutilisée si sa clé n'a pas changé. ``cat`` : catalogue du
    lot (données brutes, tables nettoyées du lot) ; ``docs_dir`` : où écrire les Data Docs de la validation."""
    t0 = time.perf_counter()
    dossier = cat.processed_dir / DOSSIER_COMMUN
    bruts = bruts if bruts is not None else _lire_bruts(cat)
    if "insee_qpv" not in bruts:
        raise EchecExecution(f"Lot de territoires : pas de fichier des quartiers de l'INSEE dans {cat.raw_dir}.")
    la_cle = cle_commune(cat)
    prep = _preparation_reutilisable(dossier, la_cle, docs_dir, force, bruts)
    if prep is not None:
        prep.duree = time.perf_counter() - t0
        sortie(f"Préparation commune du lot réutilisée (rien n'a changé) : {dossier}")
        return prep
    sortie("Préparation commune du lot : lecture, nettoyage et validation du fichier de l'INSEE (une fois pour tous)")
    refs = _referentiels_vides()
    comparaison, defauts, autres = _nettoyer_les_tables(bruts, refs)
    lus = set(comparaison[COLONNE_LIGNE].astype(int))
    brut_valide = _sans_lignes(bruts["insee_qpv"], {d.ligne for d in defauts})
    rapport = _valider(
        {**{t: b for t, b in bruts.items() if t != "insee_qpv"}, "insee_qpv": brut_valide},
        {TABLE_NATIONALE: comparaison, **autres},
        refs,
        docs_dir,
    )
    codes = _code_de_la_ligne(bruts["insee_qpv"])
    par_ligne = _echecs_par_ligne(rapport, lus)
    defauts += [LigneEnDefaut(n, codes.get(n, ""), " ; ".join(r)) for n, r in sorted(par_ligne.items())]
    comparaison = _sans_lignes(comparaison, set(par_ligne)).reset_index(drop=True)
    validation = {
        "attentes": rapport.attentes,
        "echecs": len(rapport.echecs),
        "docs": "validation/index.html",
        "duree": round(rapport.duree, 2),
    }
    _ecrire_les_tables_communes(dossier, comparaison, la_cle, defauts, validation)
    prep = PreparationDuLot(la_cle, bruts, comparaison, defauts, validation)
    prep.duree = time.perf_counter() - t0
    sortie(
        f"  ✓ préparation commune : {len(comparaison)} quartiers nettoyés, {rapport.attentes} attentes vérifiées"
        + (f", {len(defauts)} ligne(s) en défaut écartée(s)" if defauts else "")
        + f" ({prep.duree:.1f} s)"
    )
    return prep


def _preparation_reutilisable(
    dossier: Path, la_cle: str, docs_dir: Path, force: bool, bruts: dict
) -> PreparationDuLot | None:
    """La préparation commune déjà écrite, si sa clé, sa table et ses Data Docs sont intactes (sinon ``None``)."""
    manifeste = _lire(dossier / MANIFESTE_COMMUN)
    chemin = dossier / f"{TABLE_NATIONALE}.parquet"
    if (
        not force
        and manifeste.get("cle") == la_cle
        and chemin.is_file()
        and manifeste.get("table") == empreinte(chemin)
        and (not manifeste.get("validation", {}).get("docs") or (docs_dir / "index.html").is_file())
    ):
        return PreparationDuLot(
            la_cle,
            bruts,
            pd.read_parquet(chemin),
            [LigneEnDefaut(**d) for d in manifeste.get("defauts", [])],
            manifeste.get("validation", {}),
            reutilisee=True,
        )
    return None


def _nettoyer_les_tables(
    bruts: dict, refs: Referentiels
) -> tuple[pd.DataFrame, list[LigneEnDefaut], dict[str, pd.DataFrame]]:
    """Le fichier des quartiers nettoyé ligne par ligne (avec ses lignes en défaut), et les tables reçues des
    niveaux et de la provenance."""
    try:
        comparaison, defauts = _nettoyer_le_fichier(bruts["insee_qpv"], refs)
    except ErreurDonnees as exc:
        raise EchecExecution(
            "Lot de territoires : le fichier des quartiers de l'INSEE ne peut pas être nettoyé (erreur qui ne désigne "
            f"aucune ligne de quartier : aucun territoire ne peut être publié) :\n{exc}"
        ) from None
    # les tables reçues des niveaux et de la provenance : nettoyées (et validées) une fois ; chaque territoire les
    # renettoie, petites, avec ses propres tables
    autres: dict[str, pd.DataFrame] = {}
    for t in ("insee_references", "insee_provenance"):
        if t in bruts:
            try:
                autres[t] = nettoyer_table(t, bruts[t], refs, Journal()).donnees
            except ErreursNettoyage as exc:
                raise EchecExecution(f"Lot de territoires : {exc}") from None
    return comparaison, defauts, autres


def _echecs_par_ligne(rapport, lus: set[int]) -> dict[int, list[str]]:
    """Les échecs de la validation rapportés aux lignes de quartier lues ; une attente qui ne désigne aucune ligne
    arrête le lot."""
    non_attribuables = []
    par_ligne: dict[int, list[str]] = {}
    for e in rapport.echecs:
        lignes = [n for n in (e.toutes_lignes or e.lignes) if n in lus]
        if e.table != TABLE_NATIONALE and e.table != "insee_qpv" or not lignes:
            non_attribuables.append(e.texte())
            continue
        for n in lignes:
            par_ligne.setdefault(n, []).append(f"validation, {e.texte().split(' — lignes ')[0]}")
    if non_attribuables:
        raise EchecExecution(
            "Lot de territoires : la validation du fichier de l'INSEE échoue sur des attentes qui ne désignent aucune "
            "ligne (aucun territoire ne peut être publié) :\n" + "\n".join(f"  - {t}" for t in non_attribuables)
        )
    return par_ligne


def _ecrire_les_tables_communes(
    dossier: Path, comparaison: pd.DataFrame, la_cle: str, defauts: list[LigneEnDefaut], validation: dict
) -> None:
    """Les tables communes et leur manifeste : écrits dans un dossier de travail, mis en place d'un coup."""
    travail = dossier.parent / f".{dossier.name}.en-cours"
    shutil.rmtree(travail, ignore_errors=True)
    travail.mkdir(parents=True)
    comparaison.to_parquet(travail / f"{TABLE_NATIONALE}.parquet", index=False)
    (travail / MANIFESTE_COMMUN).write_text(
        json.dumps(
            {
                "cle": la_cle,
                "table": empreinte(travail / f"{TABLE_NATIONALE}.parquet"),
                "defauts": [asdict(d) for d in defauts],
                "validation": validation,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    ancien = dossier.parent / f".{dossier.name}.ancien"
    shutil.rmtree(ancien, ignore_errors=True)
    if dossier.exists():
        dossier.rename(ancien)
    travail.rename(dossier)
    shutil.rmtree(ancien, ignore_errors=True)


def _valider(bruts, traitees, refs, docs_dir: Path):

    travail = docs_dir.parent / f".{docs_dir.name}.en-cours"
    shutil.rmtree(travail, ignore_errors=True)
    rapport = valider(bruts, traitees, refs, docs_dir=travail)
    ancien = docs_dir.parent / f".{docs_dir.name}.ancien"
    shutil.rmtree(ancien, ignore_errors=True)
    if docs_dir.exists():
        docs_dir.rename(ancien)
    travail.rename(docs_dir)
    shutil.rmtree(ancien, ignore_errors=True)
    return rapport


def _lire(chemin: Path) -> dict:
    try:
        return json.loads(chemin.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ecrire_json(chemin: Path, contenu: dict) -> Path:
    return ecrire_atomique(
        chemin, lambda p: p.write_text(json.dumps(contenu, ensure_ascii=False, indent=1), encoding="utf-8")
    )
