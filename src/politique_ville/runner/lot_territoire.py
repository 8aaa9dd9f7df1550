"""Un territoire d'un lot : l'exécution d'un territoire seul (:class:`run.Execution` : verrous, cache, restes,
publication des tables et du rapport ensemble), dont la préparation est celle du lot.

Ses étapes sont celles du rapport, sauf la préparation (lecture, nettoyages, validation, inventaire des fichiers
reçus), faite une fois pour tout le lot (``lot_tables.py``) ; elle est remplacée par une seule étape,
« 02_quartiers_du_lot », exécutée dans le processus du lot (pas de notebook) : les tables nettoyées du territoire tirées
de celles du lot, écrites dans son dossier de transit. Sa clé suit la règle commune (``cache.py``) avec les entrées du
nettoyage INSEE d'un territoire seul : fichiers de l'INSEE, référentiels, paramètres du territoire, ce module et
``lot_tables.py`` (code du paquet). Les chapitres et fiches s'exécutent ensuite comme pour un territoire seul, dans
les noyaux du lot (:class:`VueDuPool` : un échec n'interrompt que les noyaux de ce territoire).
"""

from __future__ import annotations

import threading
import time

from politique_ville.base.catalog import ecrire_tables
from politique_ville.base.errors import EchecExecution
from politique_ville.reference.etapes import INSEE, PARAMETRES_TERRITOIRE, REFERENTIELS_INSEE, Declaration, Groupe

from .lot_tables import CE_MODULE, PreparationDuLot, ecrire_json
from .run import Echec, Execution
from .steps import Etape, Statut

#: l'étape qui remplace la préparation d'un territoire seul dans un lot
QUARTIERS_DU_LOT = Declaration(
    "02_quartiers_du_lot",
    "",
    Groupe.PREPARATION,
    bruts=("insee_qpv", "insee_references", "insee_provenance"),
    referentiels=REFERENTIELS_INSEE,
    parametres=PARAMETRES_TERRITOIRE,
    produit=INSEE,
    sorties=("quartiers_du_lot.json",),
)


_COMPLETER = threading.Lock()


class VueDuPool:
    """Les noyaux du lot vus par un territoire : il les emprunte et les rend comme à son propre pool, mais
    n'interrompt ni n'arrête que ceux qu'il a empruntés (d'autres territoires s'exécutent en même temps)."""

    def __init__(self, pool):
        self.pool = pool
        self._miens: set = set()
        self._verrou = threading.Lock()

    def prendre(self, *args, **kwargs):
        noyau = self.pool.prendre(*args, **kwargs)
        if noyau is not None:
            with self._verrou:
                self._miens.add(noyau)
        return noyau

    def rendre(self, noyau):
        with self._verrou:
            self._miens.discard(noyau)
        self.pool.rendre(noyau)

    def _autres(self, sauf) -> set:
        with self._verrou:
            miens = set(self._miens)
        return set(sauf) | {n for n in self.pool._pretes() if n not in miens}

    def interrompre(self, sauf=()):
        self.pool.interrompre(sauf=self._autres(sauf))

    def arreter_pretes(self, sauf=()):
        self.pool.arreter_pretes(sauf=self._autres(sauf))

    def nombre(self) -> int:
        return self.pool.nombre()

    def completer(self, nombre: int, modules=None):
        with _COMPLETER:  # deux territoires qui complètent en même temps ne démarrent pas deux fois les mêmes noyaux
            self.pool.completer(nombre, modules)

    def demarrer(self, nombre: int = 1, modules=None, apres_les_autres: bool = False):
        self.pool.demarrer(nombre, modules, apres_les_autres)

    def fermer(self):  # les noyaux sont ceux du lot : il les ferme à la fin
        pass


class ExecutionDuLot(Execution):
    """L'exécution d'un territoire dans un lot (voir le module)."""

    def __init__(self, cat, params, *, preparation: PreparationDuLot, noyaux, **kwargs):
        super().__init__(cat, params, noyaux=VueDuPool(noyaux), **kwargs)
        self.preparation = preparation
        #: raison d'un écart dû à la préparation commune (ligne du fichier en défaut) : dite par le lot
        self.ecart: str = ""
        garder = [e for e in self.etapes if e.groupe != Groupe.PREPARATION]
        self.etapes = [Etape(QUARTIERS_DU_LOT, CE_MODULE), *garder]

    def _executer_notebook(self, e: Etape, lever: bool = True):
        if e.decl is not QUARTIERS_DU_LOT:
            return super()._executer_notebook(e, lever)
        t = time.perf_counter()
        try:
            with self.progression.etape(e.nom):
                tables = self.preparation.tables_du_territoire(self.cat, self.params)
                ecrire_tables(tables, self.transit.dossier)
                ecrire_json(
                    self.travail / "quartiers_du_lot.json",
                    {
                        "preparation_commune": self.preparation.cle,
                        "tables": {n: len(df) for n, df in sorted(tables.items())},
                        "quartiers": sorted(tables["insee_qpv"]["code_qp"]) if "insee_qpv" in tables else [],
                    },
                )
        except Exception as exc:
            if "préparation commune du lot" in str(exc):
                self.ecart = str(exc)
            self._signaler_echec(exc)
            self.sortie(f"  ✗ {e.nom} : échec")
            if not lever:
                return Echec(e.nom, None, exc)
            self._echouer(e.nom, None, exc)
        e.statut, e.duree = Statut.EXECUTEE, time.perf_counter() - t
        self.sortie(f"  ✓ {e.nom} ({e.duree:.1f} s)")
        return None

    def _executer_les_etapes(self, *args, **kwargs):
        # les noyaux du lot : autant que de tâches en parallèle (--jobs), quel que soit ce qui reste à faire à ce
        # territoire (sa seule étape de préparation ne dit rien de ses chapitres et fiches, décidés ensuite)
        self.noyaux_partages.completer(self.jobs)
        super()._executer_les_etapes(*args, **kwargs)
        if getattr(self, "interrompue", False):  # rien de ce qui a été fait n'est publié
            raise EchecExecution("lot interrompu : rien de ce territoire n'est publié")

    def _preparer_fiches(self, e: Etape):
        self._fiches = super()._preparer_fiches(e)
        return self._fiches

    def interrompre(self):
        """Le lot est interrompu (Ctrl-C) : plus rien ne commence, les notebooks en cours sont interrompus dans les
        noyaux de ce territoire ; son exécution échoue sans rien publier."""
        self.interrompue = True
        self.abandon.set()
        self.arret_total.set()
        fiches = getattr(self, "_fiches", None)
        if fiches is not None:
            fiches.arret.set()
        if self.noyaux is not None:
            self.noyaux.interrompre()

    def _page_parente(self) -> tuple[str, str]:
        return ("Tous les territoires du lot", "../index.html")

    def _annexes_communes(self) -> list[dict]:
        # la validation du fichier national est faite une fois pour le lot : son rapport est à côté des territoires
        if (self.final.parent / "validation" / "index.html").is_file():
            return [
                {
                    "titre": "Rapport de validation des données, commun à tous les territoires du lot (Great "
                    "Expectations, Data Docs)",
                    "html": "../validation/index.html",
                }
            ]
        return []

    def _ecrire_index(self):
        # l'étape du lot n'est pas une page du rapport : l'index ne la liste pas parmi les chapitres
        etapes = self.etapes
        self.etapes = [e for e in etapes if e.decl is not QUARTIERS_DU_LOT]
        try:
            super()._ecrire_index()
        finally:
            self.etapes = etapes
