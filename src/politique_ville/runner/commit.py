"""La publication des tables nettoyées, en UN seul endroit.

1. le runner ouvre un dossier de transit (``.<annee>.en-cours`` à côté de ``data/processed/<annee>/``) où il reprend
   les tables des nettoyages réutilisés ;
2. les nettoyages (notebooks 01 et 02) y écrivent leurs tables (paramètre ``staging_dir``) ;
3. la validation (notebook 03) lit ce dossier ; les chapitres le lisent ensuite ;
4. à la fin d'une exécution réussie, le runner le publie d'un coup (renommages), en même temps que le rapport ; en
   cas d'échec, il l'abandonne : ``data/processed/<annee>/`` ne contient jamais que des tables validées, celles du
   dernier rapport produit.

Un notebook ouvert à la main (sans ``staging_dir``) écrit et lit directement dans ``data/processed/<annee>/`` ;
l'exécution suivante du rapport s'en aperçoit (empreintes du manifeste) et refait la préparation.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from politique_ville.base.catalog import dossier_travail, promouvoir


class Transit:
    def __init__(self, processed_dir: Path):
        self.final = Path(processed_dir)
        self.dossier = dossier_travail(self.final)
        self.ouvert = False

    @property
    def tables_dir(self) -> Path:
        """Où lire les tables de cette exécution : le transit s'il est ouvert, sinon les tables publiées."""
        return self.dossier if self.ouvert else self.final

    def ouvrir(self, reprises: list[str]):
        """Dossier de transit neuf, avec les tables publiées ``reprises`` (celles des nettoyages réutilisés)."""
        self.abandonner()
        self.dossier.mkdir(parents=True)
        for nom in reprises:
            src = self.final / f"{nom}.parquet"
            if src.is_file():
                try:
                    os.link(src, self.dossier / src.name)  # les tables sont réécrites par remplacement, jamais en place
                except OSError:
                    shutil.copy2(src, self.dossier / src.name)
        self.ouvert = True

    def publier(self):
        if self.ouvert:
            promouvoir(self.dossier, self.final)
            self.ouvert = False

    def abandonner(self):
        shutil.rmtree(self.dossier, ignore_errors=True)
        self.ouvert = False


def publier_ensemble(paires: list[tuple[Path, Path]]):
    """Publie d'un coup plusieurs dossiers de travail (``(travail, final)`` : tables en transit, rapport) : chacun
    remplace son dossier final par deux renommages ; si l'un échoue (dossier en lecture seule, disque retiré…),
    ceux déjà faits sont défaits, et tout est comme avant — jamais des tables nouvelles à côté d'un rapport ancien.
    Les anciens contenus ne sont supprimés qu'une fois tout en place. Une exécution tuée au milieu laisse
    ``.<nom>.ancien`` : l'exécution suivante le remet en place s'il manque le dossier final (``restes.py``)."""
    faits: list[tuple[Path, Path, Path]] = []
    try:
        for travail, final in paires:
            travail, final = Path(travail), Path(final)
            ancien = final.parent / f".{final.name}.ancien"
            shutil.rmtree(ancien, ignore_errors=True)
            if final.exists():
                final.rename(ancien)
            faits.append((travail, final, ancien))
            travail.rename(final)
    except OSError:
        for travail, final, ancien in reversed(faits):
            try:
                if ancien.exists() or not travail.exists():
                    if final.exists() and not travail.exists():
                        final.rename(travail)  # le nouveau contenu redevient le dossier de travail
                    if ancien.exists():
                        ancien.rename(final)
            except OSError:
                pass
        raise
    for _, _, ancien in faits:
        shutil.rmtree(ancien, ignore_errors=True)
