"""Écriture atomique (jamais sous ``data/raw``) et tables nettoyées (``data/processed/<annee>/``) : écrites en
Parquet, promues d'un coup, relues une fois par processus tant que le fichier ne change pas."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from politique_ville.base import memo
from politique_ville.base.errors import ErreurDonnees

if TYPE_CHECKING:
    from politique_ville.base.catalog.chemins import Catalogue


def _masque() -> int:
    """Le masque de création de fichiers du processus (lu sans le changer durablement)."""
    masque = os.umask(0o022)
    os.umask(masque)
    return masque


def ecrire_atomique(chemin: Path, ecrire) -> Path:
    """Écrit ``chemin`` via un fichier temporaire du même dossier puis ``os.replace`` : jamais de fichier à moitié
    écrit. Refuse d'écrire sous ``data/raw``. Le fichier a les droits d'un fichier ordinaire (0644 avec le masque
    habituel, comme les pages HTML), pas ceux d'un fichier temporaire (0600) : un classeur se partage."""
    chemin = Path(chemin).resolve()
    if "raw" in chemin.parts and "data" in chemin.parts and chemin.parts.index("raw") == chemin.parts.index("data") + 1:
        raise PermissionError(f"Écriture interdite dans les données brutes : {chemin}")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    os.close(fd)
    try:
        ecrire(Path(tmp))
        os.chmod(tmp, 0o666 & ~_masque())
        os.replace(tmp, chemin)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return chemin


# --------------------------------------------------------------------------------------------- tables traitées


def dossier_travail(dossier_final: Path) -> Path:
    """Dossier de travail d'une exécution, promu d'un coup à la fin (``.<nom>.en-cours`` à côté du dossier final)."""
    dossier_final = Path(dossier_final)
    return dossier_final.parent / f".{dossier_final.name}.en-cours"


def ecrire_tables(tables: dict[str, pd.DataFrame], dossier: Path) -> list[Path]:
    """Écrit chaque table en Parquet (écriture atomique, fichier par fichier)."""
    chemins = []
    for nom, df in tables.items():
        propre = df.copy()
        propre.attrs = {}
        chemins.append(
            ecrire_atomique(Path(dossier) / f"{nom}.parquet", lambda p, d=propre: d.to_parquet(p, index=False))
        )
    return chemins


def lire_tables(dossier: Path) -> dict[str, pd.DataFrame]:
    """Toutes les tables Parquet d'un dossier."""
    return {p.stem: pd.read_parquet(p) for p in sorted(Path(dossier).glob("*.parquet"))}


def promouvoir(travail: Path, final: Path) -> Path:
    """Remplace ``final`` par ``travail`` (renommages) ; l'ancien contenu n'est supprimé qu'une fois le nouveau en
    place."""
    travail, final = Path(travail), Path(final)
    if not travail.is_dir():
        raise FileNotFoundError(f"dossier de travail absent : {travail}")
    ancien = final.parent / f".{final.name}.ancien"
    shutil.rmtree(ancien, ignore_errors=True)
    if final.exists():
        final.rename(ancien)
    travail.rename(final)
    shutil.rmtree(ancien, ignore_errors=True)
    return final


#: Dernière lecture de chaque table nettoyée, par processus : chemin -> (identité du fichier, table). Les fiches
#: quartier d'un lot, exécutées l'une après l'autre dans un même noyau, relisent les mêmes fichiers : une seule
#: lecture par noyau. Bornée : les tables d'un seul dossier, au plus :data:`TABLES_GARDEES` fichiers.
_LECTURES: dict[str, tuple[tuple, pd.DataFrame]] = {}
_VERROU_LECTURES = threading.Lock()
TABLES_GARDEES = 32


def _identite_fichier(chemin: Path) -> tuple:
    """Ce qui distingue un fichier réécrit de l'ancien : chemin, périphérique, inode, taille, dates de modification
    et de changement (en nanosecondes). Une écriture atomique (``ecrire_atomique`` : nouveau fichier renommé) change
    l'inode et les dates ; une réécriture sur place change les dates."""
    st = os.stat(chemin)
    return (os.path.abspath(chemin), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _lire_parquet_garde(chemin: Path) -> pd.DataFrame:
    """Table d'un fichier Parquet, lue une fois par processus tant que le fichier ne change pas (voir
    :data:`_LECTURES`) : chaque appel rend une copie de la lecture gardée, marquée (:func:`memo.marquer`) de
    l'identité du fichier, si bien que les calculs décorés par :func:`memo.une_fois` la reconnaissent d'une fiche à
    l'autre. Un fichier réécrit (autre identité) est relu."""
    identite = _identite_fichier(chemin)
    cle = identite[0]
    with _VERROU_LECTURES:
        garde = _LECTURES.get(cle)
    if garde is None or garde[0] != identite:
        table = pd.read_parquet(chemin)
        if _identite_fichier(chemin) != identite:  # réécrit pendant la lecture : ni gardé ni marqué
            return table
        garde = (identite, table)
        dossier = os.path.dirname(cle)
        with _VERROU_LECTURES:
            for autre in [c for c in _LECTURES if os.path.dirname(c) != dossier or c == cle]:
                del _LECTURES[autre]  # les tables d'un seul dossier (une année, un territoire)
            while len(_LECTURES) >= TABLES_GARDEES:
                del _LECTURES[next(iter(_LECTURES))]
            _LECTURES[cle] = garde
    # copie légère : avec la copie à l'écriture de pandas 3 (seul mode), une table rendue modifiée par son lecteur
    # recopie ses données à la première écriture et la lecture gardée reste intacte (vérifié par les tests) ; une
    # copie profonde recopiait chaque table à chaque chapitre et à chaque fiche
    return memo.marquer(garde[1].copy(deep=False), ("parquet", identite))


def lire_traitees(
    catalogue: Catalogue, *noms: str, facultatives: tuple[str, ...] = ()
) -> dict[str, pd.DataFrame | None]:
    """Tables nettoyées de l'année (``data/processed/<annee>/``) ; erreur claire si l'une manque. Une table
    ``facultatives`` absente (fichier brut non reçu cette année) vaut ``None`` au lieu d'être une erreur.

    Chaque table est une copie, à soi, de la dernière lecture du fichier gardée par le processus (relu s'il a
    changé : voir :func:`_lire_parquet_garde`), marquée pour la mémoire des calculs (:mod:`politique_ville.base.memo`)."""
    sortie = {}
    for nom in (*noms, *facultatives):
        chemin = catalogue.processed_dir / f"{nom}.parquet"
        if not chemin.is_file() and nom in facultatives:
            sortie[nom] = None
            continue
        if not chemin.is_file():
            raise ErreurDonnees(
                f"table nettoyée « {nom} » absente : exécutez d'abord le nettoyage (make report)", fichier=str(chemin)
            )
        sortie[nom] = _lire_parquet_garde(chemin)
    return sortie
