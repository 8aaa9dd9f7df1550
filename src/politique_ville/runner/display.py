"""L'affichage dans le terminal : avancement des étapes (barres tqdm) et résumé de fin d'exécution, en français."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

from .steps import Etape, Statut


class Progression:
    """Avancement des étapes. Dans un terminal : une barre par étape en cours (cellules du notebook exécutées, ou
    fiches produites), une sous l'autre quand des étapes tournent en parallèle, effacées à la fin de l'étape au
    profit de sa ligne « ✓ ». Hors terminal (journal, CI, tests) : une ligne au début et une à la fin de chaque étape.
    ``barres`` force l'un ou l'autre ; ``fichier`` reçoit les barres (défaut : la sortie d'erreur)."""

    def __init__(self, sortie=print, barres: bool | None = None, fichier=None):
        self.sortie = sortie
        self.fichier = fichier if fichier is not None else sys.stderr
        self.barres = bool(barres) if barres is not None else (sortie is print and _est_terminal(self.fichier))
        self._occupees: set[int] = set()
        self._verrou = threading.Lock()
        self._ecriture = threading.RLock()

    def ecrire(self, texte: str):
        with self._ecriture:  # étapes parallèles : une ligne n'en coupe pas une autre
            if self.barres and self.sortie is print:
                from tqdm import tqdm

                tqdm.write(texte)  # au-dessus des barres en cours, sans les couper
            else:
                self.sortie(texte)

    @contextmanager
    def etape(self, nom: str, unite: str = "cellule"):
        """Pendant l'exécution d'une étape : options de sa barre (tqdm ; ``None`` hors terminal)."""
        if not self.barres:
            self.ecrire(f"  … {nom} : en cours")
            yield None
            return
        with self._verrou:
            position = min(set(range(len(self._occupees) + 1)) - self._occupees)
            self._occupees.add(position)
        try:
            yield {
                "desc": nom,
                "unit": unite,
                "position": position,
                "leave": False,
                "file": self.fichier,
                "dynamic_ncols": True,
                "mininterval": 0.2,
            }
        finally:
            with self._verrou:
                self._occupees.discard(position)


def _est_terminal(fichier) -> bool:
    try:
        return fichier.isatty()
    except (AttributeError, ValueError):
        return False


def resume(etapes: list[Etape], total: float, rien_de_neuf: bool = False) -> list[str]:
    """Lignes du résumé : ce qui a été exécuté, réutilisé, ignoré (entrées manquantes) ou non demandé."""
    r = sum(e.statut == Statut.REUTILISEE for e in etapes)
    if rien_de_neuf:
        autres = [f"{e.nom} ({e.statut} : {e.detail})" for e in etapes if e.statut != Statut.REUTILISEE]
        return [
            "Rien n'a changé (fichiers bruts, référentiels, paramètres, notebooks, code) : "
            + (
                f"les {r} étapes sont réutilisées"
                if not autres
                else f"{r} {'étape réutilisée' if r < 2 else 'étapes réutilisées'} ; "
                f"{'non produite' if len(autres) < 2 else 'non produites'} : {' ; '.join(autres)}"
            )
            + f". ({total:.1f} s)"
        ]
    lignes = ["Résumé :"]
    for e in etapes:
        d = f" — {e.detail}" if e.detail else ""
        duree = f" ({e.duree:.1f} s)" if e.statut == Statut.EXECUTEE else ""
        lignes.append(f"  {e.statut:<12} {e.nom}{duree}{d}")
    n = sum(e.statut == Statut.EXECUTEE for e in etapes)
    lignes.append(f"{n} étape(s) exécutée(s), {r} réutilisée(s), en {total:.1f} s.")
    return lignes
