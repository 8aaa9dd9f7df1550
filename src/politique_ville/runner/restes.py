"""Ce qu'une exécution laisse quand elle est interrompue (tuée, machine éteinte, disque plein), et la place qu'il faut.

À côté du rapport ``<nom>`` : ``.<nom>.en-cours`` (dossier de travail), ``.<nom>.ancien`` (rapport précédent, le
temps de deux renommages), ``.<nom>.fiches-interrompues`` (fiches terminées d'une exécution interrompue) ; à côté des
tables nettoyées : ``.<nom>.en-cours`` (transit) et ``.<nom>.ancien`` ; dans les deux, les fichiers temporaires des
écritures atomiques (``.<fichier>.<hasard>.tmp``). Chaque exécution, sous ses verrous, retire ces restes dès son
début — même quand rien n'a changé — et le dit dans son résumé ; seules les fiches terminées sont gardées, tant que
la clé de leur étape est la même (:func:`garder_fiches`).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from politique_ville.base.catalog import dossier_travail
from politique_ville.base.errors import mo

#: dans ``quartiers/`` pendant l'exécution : la clé de l'étape des fiches et le journal des fiches terminées
FICHES_CLE, FICHES_FAITES = ".cle-fiches", ".fiches-faites"


def taille(chemin: Path) -> int:
    """Octets occupés par un fichier ou un dossier (0 s'il n'existe pas) ; un fichier lié plusieurs fois (fiches
    reprises) compte une fois."""
    chemin = Path(chemin)
    try:
        if chemin.is_file():
            return chemin.stat().st_size
    except OSError:
        return 0
    total, vus = 0, set()
    for racine, _, fichiers in os.walk(chemin):
        for f in fichiers:
            try:
                st = os.lstat(os.path.join(racine, f))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in vus:
                vus.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def existant(chemin: Path) -> Path:
    """Le premier dossier existant en remontant depuis ``chemin`` (pour mesurer la place libre)."""
    chemin = Path(chemin)
    while not chemin.exists() and chemin != chemin.parent:
        chemin = chemin.parent
    return chemin


def point_de_montage(chemin: Path) -> Path:
    """Le point de montage du système de fichiers de ``chemin`` (« disque plein dans … »)."""
    chemin = existant(Path(chemin).absolute())
    while not os.path.ismount(chemin) and chemin != chemin.parent:
        chemin = chemin.parent
    return chemin


def libre(chemin: Path) -> int:
    """Octets libres sur le système de fichiers de ``chemin`` (pour un utilisateur ordinaire)."""
    try:
        return shutil.disk_usage(existant(chemin)).free
    except OSError:
        return 0


def restes(final: Path, processed: Path) -> list[Path]:
    """Les restes d'exécutions interrompues à côté du rapport ``final`` et des tables ``processed``, sauf les fiches
    terminées (voir :func:`mettre_de_cote_fiches`)."""
    final, processed = Path(final), Path(processed)
    candidats = [
        dossier_travail(final),
        final.parent / f".{final.name}.ancien",
        dossier_travail(processed),
        processed.parent / f".{processed.name}.ancien",
    ]
    trouves = [c for c in candidats if c.exists()]
    maintenant = time.time()
    for dossier in (final, processed):
        if dossier.is_dir():
            for t in dossier.glob(".*.tmp"):  # écriture atomique interrompue (une écriture en cours a moins d'1 min)
                try:
                    if maintenant - t.stat().st_mtime > 60:
                        trouves.append(t)
                except OSError:
                    pass
    return trouves


def mettre_de_cote_fiches(final: Path, reprise: Path) -> Path | None:
    """Les fiches terminées par une exécution interrompue (``quartiers/`` du dossier de travail, avec la clé de leur
    étape) passent dans ``reprise`` (elles remplacent celles d'une interruption plus ancienne)."""
    quartiers = dossier_travail(final) / "quartiers"
    if not (quartiers / FICHES_CLE).is_file():
        return None
    shutil.rmtree(reprise, ignore_errors=True)
    quartiers.rename(reprise)
    return reprise


def retablir_ancien(dossier: Path) -> bool:
    """Une exécution tuée entre les deux renommages de la publication laisse ``.<nom>.ancien`` sans ``<nom>`` : le
    contenu précédent est remis en place (celui du dossier de travail, inachevé ou non vérifié, est retiré)."""
    dossier = Path(dossier)
    ancien = dossier.parent / f".{dossier.name}.ancien"
    if ancien.is_dir() and not dossier.exists():
        ancien.rename(dossier)
        return True
    return False


def retirer(chemins: list[Path], racine: Path) -> list[str]:
    """Retire ``chemins`` ; renvoie, pour le résumé, chacun avec sa taille (« reports/.<annee>.en-cours (13,2 Mo) »)."""
    dits = []
    for c in chemins:
        t = taille(c)
        if c.is_dir() and not c.is_symlink():
            shutil.rmtree(c, ignore_errors=True)
        else:
            try:
                c.unlink()
            except OSError:
                pass
        if not c.exists():
            dits.append(f"{_relatif(c, racine)} ({mo(t)})")
    return dits


def _relatif(chemin: Path, racine: Path) -> str:
    try:
        return str(Path(chemin).relative_to(racine))
    except ValueError:
        return str(chemin)
