"""Les fiches quartier d'une exécution : un lot de fiches fait par les fils libres, repris après une interruption.

La sélection (paramètre ``fiches_quartier``) est vérifiée dès que les quartiers sont connus ; les fiches à faire
passent par une file partagée par les fils, chacun dans un noyau emprunté au pool ; un journal des fiches terminées
permet à l'exécution suivante, pour les mêmes entrées (même clé), de reprendre celles-ci au lieu de les refaire.
:class:`FichesQuartier` est une part de :class:`run.Execution` : elle lit ses ``cat``, ``params``, ``etapes``,
``travail``, ``transit``, ``reprise_fiches``, ``noyaux``, ``progression``, ``delai_cellule`` et ``nettoye``.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from politique_ville.base.errors import EchecExecution
from politique_ville.reference.etapes import Groupe
from politique_ville.reference.parametres import selection_fiches
from politique_ville.report.fiches import quartiers_des_fiches

from . import restes
from .echecs import Echec
from .execute import executer_fiches
from .kernels import Noyau
from .restes import FICHES_CLE, FICHES_FAITES
from .steps import LIEN_FICHES, Etape, Statut


@dataclass
class LotDeFiches:
    """Les fiches d'une exécution, faites par les fils libres : file des codes à faire, journal des fiches
    terminées (reprise d'une exécution interrompue), barre d'avancement."""

    etape: Etape
    dossier: Path
    codes: list[str]
    reprises: list[str]
    file_codes: object
    a_faire: int
    journal: object
    barre: object
    affichage: object
    t0: float
    arret: threading.Event = field(default_factory=threading.Event)
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def faite(self, code: str):
        with self.verrou:
            self.journal.write(code + "\n")
            self.journal.flush()

    def fermer(self):
        self.journal.close()
        self.barre.close()
        self.affichage.__exit__(None, None, None)


class FichesQuartier:
    """Les fiches quartier d'une exécution (voir le module)."""

    def _verifier_selection_fiches(self, a_faire: list[Etape]):
        """Un code inconnu dans ``fiches_quartier`` arrête l'exécution dès que les quartiers sont connus (tables
        validées), avant les chapitres, plutôt qu'au milieu du chapitre 10 ; le rapport précédent reste en place."""
        if not any(e.groupe == Groupe.FICHES or e.nom == LIEN_FICHES for e in a_faire):
            return
        quartiers = quartiers_des_fiches(self.transit.tables_dir)
        if quartiers is None:
            return
        try:
            _selection_fiches(list(quartiers["code_qp"]), self.params.get("fiches_quartier", "toutes"))
        except EchecExecution as exc:
            shutil.rmtree(self.travail, ignore_errors=True)
            self.transit.abandonner()
            fichier = self.fichier_params or "fichier de paramètres"
            raise EchecExecution(
                f"{fichier} : {exc}. Le rapport précédent ({self.final}) n'a pas été modifié."
            ) from None

    def _preparer_fiches(self, e: Etape) -> LotDeFiches | None:
        """Les fiches à faire : sélection, reprise de celles d'une exécution interrompue, journal des fiches
        terminées, file partagée par les fils qui y travaillent ; ``None`` s'il n'y a aucun quartier."""

        from tqdm import tqdm

        quartiers = quartiers_des_fiches(self.transit.tables_dir)
        if quartiers is None or quartiers.empty:
            e.statut, e.detail = Statut.IGNOREE, "aucun quartier dans les tables nettoyées"
            return None
        dossier = self.travail / "quartiers"
        shutil.rmtree(dossier, ignore_errors=True)
        (dossier / "notebooks").mkdir(parents=True)
        codes = _selection_fiches(list(quartiers["code_qp"]), self.params.get("fiches_quartier", "toutes"))
        reprises = self._reprendre_fiches(e, codes, dossier)
        # journal des fiches terminées : une exécution interrompue laisse de quoi reprendre là où elle s'est arrêtée
        (dossier / FICHES_CLE).write_text(e.cle, encoding="utf-8")
        file_codes: queue.Queue = queue.Queue()
        for code in codes:
            if code not in reprises:
                file_codes.put(code)
        etape = self.progression.etape(f"fiches quartier ({len(codes)})", unite="fiche")
        options = etape.__enter__()
        lot = LotDeFiches(
            etape=e,
            dossier=dossier,
            codes=codes,
            reprises=reprises,
            file_codes=file_codes,
            a_faire=file_codes.qsize(),
            journal=open(dossier / FICHES_FAITES, "a", encoding="utf-8"),  # noqa: SIM115 (fermé par lot.fermer)
            barre=tqdm(total=len(codes), initial=len(reprises), **(options or {"disable": True})),
            affichage=etape,
            t0=time.perf_counter(),
        )
        for code in reprises:
            lot.faite(code)
        return lot

    def _travailler_aux_fiches(self, lot: LotDeFiches):
        """Un fil qui fait des fiches tant qu'il en reste, dans un noyau emprunté au pool (démarré ici sinon)."""
        reste_a_faire = lambda: not lot.file_codes.empty() and not lot.arret.is_set()  # noqa: E731
        try:
            noyau = self.noyaux.prendre(tant_que=reste_a_faire) if self.noyaux is not None else None
            if noyau is None and not reste_a_faire():  # les autres fils ont tout fait en attendant
                return None
            propre = noyau is None
            if propre:
                noyau = Noyau.demarrer(self.cat.racine / "notebooks")
            try:
                echec = executer_fiches(
                    lot.etape.notebook,
                    lot.file_codes,
                    lot.dossier,
                    self.parametres_nb(lot.etape),
                    noyau=noyau,
                    avancer=lambda: lot.barre.update(1),
                    faite=lot.faite,
                    arret=lot.arret,
                    delai=self.delai_cellule,
                )
            finally:
                if propre:
                    noyau.arreter()
                else:
                    self.noyaux.rendre(noyau)
        except Exception as exc:  # écriture impossible, noyau perdu entre deux fiches
            echec = ("", None, exc)
        if echec is None:
            return None
        lot.arret.set()  # plus aucune fiche ne commence
        code, execute, exc = echec
        interrompue = self._interrompue()
        if not interrompue:
            self._signaler_echec(exc)
        nom = f"fiche quartier {code}" if code else "fiches quartier"
        if not interrompue:
            self.sortie(f"  ✗ {nom} : échec")
        return Echec(nom, execute, exc, interrompue)

    def _finir_fiches(self, e: Etape, lot: LotDeFiches):
        e.statut, e.duree = Statut.EXECUTEE, time.perf_counter() - lot.t0
        n, r = len(lot.codes), len(lot.reprises)
        e.detail = f"{n} fiches" + (f" dont {r} reprise{'s' if r > 1 else ''} d'une exécution interrompue" if r else "")
        self.sortie(f"  ✓ fiches quartier : {n} ({e.duree:.1f} s)")

    def _reprendre_fiches(self, e: Etape, codes: list[str], dossier: Path) -> list[str]:
        """Fiches terminées par une exécution interrompue, pour les mêmes entrées (même clé que l'étape) : leur
        notebook, leur classeur et leur page passent dans le dossier de travail, elles ne sont pas refaites. Une
        fiche n'est reprise que si le journal de cette exécution la dit terminée (pas une page à moitié écrite)."""
        r = self.reprise_fiches
        try:
            if (r / FICHES_CLE).read_text(encoding="utf-8") != e.cle:
                return []
            faites = set((r / FICHES_FAITES).read_text(encoding="utf-8").split())
        except OSError:
            return []
        reprises = []
        for code in codes:
            fichiers = [f"{code}.html", f"notebooks/{code}.ipynb"]
            if code not in faites or not all((r / f).is_file() for f in fichiers):
                continue
            for f in [*fichiers, f"tableaux/quartier_{code}.xlsx"]:
                if (r / f).is_file():
                    (dossier / f).parent.mkdir(parents=True, exist_ok=True)
                    _lier(r / f, dossier / f)
            reprises.append(code)
        if reprises:
            n = len(reprises)
            self.sortie(
                f"  fiches quartier : {n} fiche{'s' if n > 1 else ''} d'une exécution interrompue reprise"
                f"{'s' if n > 1 else ''} telle{'s' if n > 1 else ''} quelle{'s' if n > 1 else ''}"
            )
        return reprises

    def _trier_fiches_interrompues(self):
        """Les fiches d'une exécution interrompue ne sont gardées que tant que la clé de leur étape est la même ;
        sans clé connue encore (nettoyages à refaire), elles attendent la décision de :meth:`_reprendre_fiches`."""
        r = self.reprise_fiches
        if not r.exists():
            return
        try:
            cle = (r / FICHES_CLE).read_text(encoding="utf-8")
        except OSError:
            cle = None
        fiches = [e for e in self.etapes if e.groupe == Groupe.FICHES]
        a_faire = [e for e in fiches if e.statut in (None, Statut.A_EXECUTER, Statut.NON_DEMANDEE)]
        # clé encore inconnue (les nettoyages sont à refaire : l'aval se décide après eux) ou la même
        if cle is not None and any(e.statut is None or e.cle == cle for e in a_faire):
            return
        pourquoi = (
            "déjà au rapport"
            if any(e.statut == Statut.REUTILISEE for e in fiches)
            else "leurs entrées ont changé depuis"
            if a_faire
            else "étape non produite"
        )
        self.nettoye += [
            f"{t} (fiches d'une exécution interrompue : {pourquoi})" for t in restes.retirer([r], self.cat.racine)
        ]


def _selection_fiches(codes: list[str], choix) -> list[str]:
    """Règle du paramètre ``fiches_quartier`` (:func:`politique_ville.reference.parametres.selection_fiches`, partagée
    avec le chapitre 10, qui ne fait de lien que vers les fiches produites)."""

    try:
        return selection_fiches(codes, choix)
    except ValueError as exc:
        raise EchecExecution(str(exc)) from None


def _lier(src: Path, dst: Path):
    """Lien physique (les fichiers d'une fiche ne sont jamais réécrits en place), copie à défaut."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
