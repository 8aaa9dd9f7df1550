"""Les verrous : une exécution tient un verrou par dossier qu'elle écrit (bibliothèque ``filelock``).

Une exécution écrit dans le dossier du rapport et dans celui des tables nettoyées, et à côté de chacun (dossier de
travail ``.<nom>.en-cours``, ``<nom>.echec``, fiches interrompues, transit des tables) : un verrou
``.<nom>.verrou`` à côté de chacun des deux couvre le dossier et ses voisins. Deux exécutions qui partagent l'un
d'eux (un essai avec ``--out`` ailleurs mais les tables nettoyées par défaut) ne s'entremêlent pas : la seconde
s'arrête aussitôt, avec le processus, l'heure de démarrage de la première et le dossier partagé. Les verrous
(``flock``) sont rendus par le système quand un processus meurt, même tué.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from filelock import FileLock, Timeout

from politique_ville.base.errors import EchecExecution, errno_ecriture, message_ecriture


class Verrou:
    """Une deuxième exécution qui écrirait dans le même dossier s'arrête aussitôt, avec un message qui dit quelle
    exécution le tient, au lieu de corrompre la première. ``dossier`` : le dossier protégé (pour le message), par
    défaut déduit du nom du verrou (``.<nom>.verrou`` -> ``<nom>``)."""

    def __init__(self, chemin: Path, dossier: Path | None = None, rapport: Path | None = None):
        self.chemin = Path(chemin)
        nom = self.chemin.name.removeprefix(".").removesuffix(".verrou")
        self.dossier = Path(dossier) if dossier is not None else self.chemin.parent / nom
        self.rapport = rapport
        self.qui = self.chemin.with_name(self.chemin.name + ".qui")  # processus qui tient le verrou, pour le message
        self._verrou = FileLock(str(self.chemin), thread_local=False)

    @classmethod
    def de(cls, dossier: Path, rapport: Path | None = None) -> Verrou:
        """Le verrou du dossier ``dossier`` (et de ses voisins ``.<nom>.*``) : ``.<nom>.verrou`` à côté de lui."""
        dossier = Path(dossier)
        return cls(dossier.parent / f".{dossier.name}.verrou", dossier, rapport)

    def __enter__(self):
        # dossiers créés pour poser le verrou : retirés à la fin s'ils sont restés vides
        self._crees = [d for d in (self.chemin.parent, *self.chemin.parent.parents) if not d.exists()]
        try:
            self.chemin.parent.mkdir(parents=True, exist_ok=True)
            self._verrou.acquire(blocking=False)
        except Timeout:
            try:
                qui = self.qui.read_text(encoding="utf-8").strip()
            except OSError:
                qui = ""
            raise EchecExecution(
                f"Une exécution est déjà en cours qui écrit dans {self.dossier} ({qui or 'verrou ' + str(self.chemin)})"
                ". Attendez qu'elle se termine, ou donnez à cette exécution ses propres dossiers (--out pour le "
                "rapport, --processed-dir pour les tables nettoyées)."
            ) from None
        except OSError as exc:
            ecriture = errno_ecriture(exc)
            cause = (
                message_ecriture(ecriture[0], self.chemin.parent)
                if ecriture
                else f"écriture impossible dans {self.chemin.parent} ({exc.strerror or exc})"
            )
            raise EchecExecution(
                f"Impossible de poser le verrou de l'exécution ({self.chemin}) : {cause}. Rien n'a été écrit ; "
                "choisissez un dossier où l'on peut écrire (--out, --processed-dir)."
            ) from None
        rapport = f", rapport {self.rapport}" if self.rapport else ""
        try:
            self.qui.write_text(
                f"processus {os.getpid()}, démarré le {dt.datetime.now():%d/%m/%Y à %H:%M:%S}{rapport}",
                encoding="utf-8",
            )
        except OSError:  # disque plein : le verrou tient sans le nom de son processus (l'exécution dira pourquoi)
            pass
        return self

    def __exit__(self, *exc):
        # fichiers retirés avant de rendre le verrou (comme avant filelock) : rien ne reste à côté du rapport
        for f in (self.qui, self.chemin):
            try:
                f.unlink(missing_ok=True)
            except OSError:
                pass
        self._verrou.release()
        for d in getattr(self, "_crees", []):
            try:
                d.rmdir()
            except OSError:
                break
        return False


class Verrous:
    """Les verrous de tous les dossiers qu'écrit une exécution (rapport, tables nettoyées), pris ensemble : tous ou
    aucun. Un même dossier nommé deux fois n'a qu'un verrou."""

    def __init__(self, dossiers, rapport: Path | None = None):
        uniques = {Path(d).parent / f".{Path(d).name}.verrou": Path(d) for d in dossiers}
        self.verrous = [Verrou(c, d, rapport) for c, d in sorted(uniques.items())]
        self._pris: list[Verrou] = []

    def __enter__(self):
        try:
            for v in self.verrous:
                self._pris.append(v.__enter__())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        while self._pris:
            self._pris.pop().__exit__(None, None, None)
        return False
