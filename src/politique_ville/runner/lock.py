"""Le verrou : un seul rapport à la fois par dossier de sortie (bibliothèque ``filelock``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import EchecExecution


class Verrou:
    """Une deuxième exécution simultanée du même rapport s'arrête aussitôt, avec un message qui dit quelle
    exécution le tient, au lieu de corrompre la première."""

    def __init__(self, chemin: Path):
        self.chemin = Path(chemin)
        self.qui = self.chemin.with_name(self.chemin.name + ".qui")  # processus qui tient le verrou, pour le message
        self._verrou = FileLock(str(self.chemin), thread_local=False)

    def __enter__(self):
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._verrou.acquire(blocking=False)
        except Timeout:
            try:
                qui = self.qui.read_text(encoding="utf-8").strip()
            except OSError:
                qui = ""
            raise EchecExecution(
                f"Une exécution est déjà en cours pour ce rapport ({qui or self.chemin}). Attendez qu'elle se termine."
            ) from None
        self.qui.write_text(
            f"processus {os.getpid()}, démarré le {dt.datetime.now():%d/%m/%Y à %H:%M:%S}", encoding="utf-8"
        )
        return self

    def __exit__(self, *exc):
        # fichiers retirés avant de rendre le verrou (comme avant filelock) : rien ne reste à côté du rapport
        self.qui.unlink(missing_ok=True)
        self.chemin.unlink(missing_ok=True)
        self._verrou.release()
        return False
