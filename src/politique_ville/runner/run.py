"""Une exécution du rapport, de bout en bout.

1. plan de l'amont : les étapes qui ne lisent pas de tables nettoyées (lecture, nettoyages) reçoivent leur clé
   (``cache.py``) et leur statut : ignorée (table brute requise absente), réutilisée (même clé que le manifeste,
   sorties présentes), non demandée (hors de ``--chapitres``) ou à exécuter ;
2. si aucun nettoyage n'est à refaire, plan de l'aval (validation, chapitres, fiches) sur les tables publiées ; rien
   du tout à refaire : « Rien n'a changé », en moins d'une seconde ;
3. sinon : dossier de travail du rapport (``.<annee>.en-cours``, mis en place d'un coup à la fin) et, si des tables
   sont à refaire ou à valider, dossier de transit des tables (``commit.py``) ;
4. lecture et nettoyages, en parallèle ; puis plan de l'aval sur les tables du transit (une table qui n'a pas
   changé ne fait rien refaire) ;
5. validation ; vérification de la liste des fiches ; chapitres en parallèle ; fiches quartier par lots (un journal
   des fiches terminées : une exécution interrompue laisse le rapport précédent en place et la suivante, pour les
   mêmes entrées, reprend ses fiches terminées au lieu de les refaire) ;
6. index, manifeste ; publication des tables nettoyées puis du rapport. Une étape en échec : rien n'est publié, le
   notebook en échec est gardé dans ``<annee>.echec/``.

Avant tout cela, ``executer`` prépare les années antérieures trouvées (``historique.py`` : mêmes dossiers, à l'année
près) quand une étape demandée les lit (chapitre des évolutions, fiches quartier) : pour chacune, une exécution de la
seule préparation (lecture, nettoyages, validation), incrémentale par la même règle de clé — une année dont rien n'a
changé est réutilisée en moins d'une seconde. Une année d'un autre territoire arrête l'exécution (erreur qui nomme
les deux) ; une année dont les données ne passent pas le nettoyage ou la validation est écartée des évolutions, et
dite telle.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from politique_ville.base.catalog import Catalogue, dossier_travail
from politique_ville.base.errors import EchecExecution
from politique_ville.clean.correspondance import tables_fournies
from politique_ville.reference import historique
from politique_ville.reference.etapes import Groupe
from politique_ville.reference.parametres import charger_parametres, nom_territoire

from .anterieures import preparer_annees_anterieures
from .cache import Entrees, ecrire_manifeste, lire_manifeste
from .commit import Transit, publier_ensemble
from .display import Progression
from .echecs import Echec, Echecs, _fatale
from .execute import executer_notebook, exporter
from .fiches import FichesQuartier
from .index import IndexEtResume
from .kernels import PoolNoyaux, modules_de_la_validation
from .lock import Verrous
from .lot import FICHIER_LOT, executer_lot
from .plan import Planification
from .restes import FICHES_CLE, FICHES_FAITES
from .steps import Etape, Statut, _choisir_etapes, etapes_du_rapport

#: délai d'une cellule de notebook, en secondes (au-delà : étape en échec)
DELAI_CELLULE = 600
#: après une interruption des noyaux (échec d'une étape), secondes laissées aux étapes pour s'arrêter d'elles-mêmes
#: avant que leurs noyaux soient arrêtés
DELAI_INTERRUPTION = 3.0


def executer(
    annee: int,
    *,
    racine: Path | None = None,
    fichier_params: Path | None = None,
    raw_dir=None,
    out=None,
    processed_dir=None,
    chapitres: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    sortie=print,
    barres: bool | None = None,
    fichier_barres=None,
) -> Path:
    """Exécute le rapport d'une année ; renvoie le chemin de ``index.html``. Deux exécutions simultanées sur le même
    rapport ne se corrompent pas : la seconde s'arrête (verrou)."""
    absolu = lambda d: Path(d).resolve() if d else None  # noqa: E731 (les notebooks s'exécutent dans notebooks/)
    cat0 = Catalogue.pour(annee, absolu(racine), reports_dir=absolu(out))
    fichier_params = absolu(fichier_params) or cat0.racine / "params" / f"{int(annee)}.yaml"
    params = charger_parametres(cat0.racine, annee, fichier_params)  # ne fait que lire
    if "territoires" in params:  # un ensemble de territoires : un rapport chacun (lot.py)
        return executer_lot(
            annee,
            params,
            racine=cat0.racine,
            fichier_params=fichier_params,
            raw_dir=absolu(raw_dir),
            out=absolu(out),
            processed_dir=absolu(processed_dir),
            chapitres=chapitres,
            jobs=jobs,
            force=force,
            sortie=sortie,
            barres=barres,
            fichier_barres=fichier_barres,
        )
    if (cat0.reports_dir / FICHIER_LOT).is_file():
        raise EchecExecution(
            f"{cat0.reports_dir} contient les rapports d'un lot de territoires ({FICHIER_LOT}) : le rapport d'un seul "
            "territoire ne les remplace pas. Donnez-lui son propre dossier (--out et --processed-dir)."
        )
    cat = Catalogue.pour(
        annee,
        cat0.racine,
        raw_dir=absolu(raw_dir),
        reports_dir=absolu(out),
        processed_dir=absolu(processed_dir),
        reference_dir=params.get("reference_dir"),
    )
    # un verrou par dossier écrit (rapport, tables nettoyées) : deux exécutions qui en partagent un ne s'entremêlent pas
    with Verrous([cat.reports_dir, cat.processed_dir], rapport=cat.reports_dir):
        progression = Progression(sortie, barres, fichier_barres)
        execution = Execution(
            cat,
            params,
            chapitres=chapitres,
            jobs=jobs,
            force=force,
            fichier_params=fichier_params,
            progression=progression,
        )
        if any(e.demandee and e.decl.anterieures for e in execution.etapes):
            execution.annees_anterieures(*preparer_annees_anterieures(cat, params, fichier_params, progression, jobs))
        return execution.lancer()


class Execution(Planification, FichesQuartier, Echecs, IndexEtResume):
    """Une exécution du rapport d'une année (voir le module) : ici l'état de l'exécution, son déroulement
    (:meth:`lancer`) et l'exécution des étapes en parallèle ; ses parts sont le plan des étapes (``plan.py``), les
    fiches quartier (``fiches.py``), les échecs, restes et place (``echecs.py``), l'index et le résumé
    (``index.py``)."""

    def __init__(
        self,
        cat: Catalogue,
        params: dict,
        *,
        chapitres=None,
        jobs=None,
        force=False,
        sortie=print,
        fichier_params: Path | None = None,
        progression: Progression | None = None,
        preparation_seule: bool = False,
        noyaux: PoolNoyaux | None = None,
    ):
        self.cat, self.params, self.force = cat, params, force
        #: noyaux prêtés par un lot de territoires (``lot.py``) : utilisés, complétés au besoin, jamais fermés ici
        self.noyaux_partages = noyaux
        self.fichier_params = fichier_params
        self.progression = progression or Progression(sortie)
        self.sortie = self.progression.ecrire
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))
        self.final = cat.reports_dir
        self.travail = dossier_travail(self.final)
        # fiches terminées d'une exécution interrompue (arrêt demandé, machine éteinte) : reprises par la suivante
        self.reprise_fiches = self.final.parent / f".{self.final.name}.fiches-interrompues"
        self.transit = Transit(cat.processed_dir)
        self.noyaux: PoolNoyaux | None = None  # noyaux de l'exécution, prêtés aux étapes puis rendus
        self.abandon = threading.Event()  # une étape a échoué : ce qui est en cours ne sera pas publié
        # écriture impossible, noyau mort : tout s'arrête, validation comprise (sinon elle va à son terme, son échec
        # éventuel étant celui qui est dit)
        self.arret_total = threading.Event()
        self.pretes: dict[str, object] = {}  # étape -> noyau qu'elle a emprunté (pour l'arrêter)
        self.nettoye: list[str] = []  # restes d'exécutions interrompues retirés au début (pour le résumé)
        #: délai d'une cellule (secondes) : au-delà, l'étape est en échec (un noyau qui ne répond plus n'arrête pas
        #: l'exécution au-delà) ; POLITIQUE_VILLE_DELAI_CELLULE le change (essais)
        try:
            self.delai_cellule = float(os.environ.get("POLITIQUE_VILLE_DELAI_CELLULE") or DELAI_CELLULE)
        except ValueError:
            raise EchecExecution(
                "POLITIQUE_VILLE_DELAI_CELLULE : un nombre de secondes est attendu, trouvé "
                f"« {os.environ['POLITIQUE_VILLE_DELAI_CELLULE']} »"
            ) from None
        self.durees_precedentes: dict[str, float] = {}  # durées au manifeste précédent : les plus longues d'abord
        self.debut = dt.datetime.now()
        self.t0 = time.perf_counter()
        if not cat.raw_dir.is_dir():
            raise EchecExecution(f"Dossier des données brutes introuvable : {cat.raw_dir}")
        self.bruts = set(cat.tables_brutes())
        # tables brutes disponibles, y compris celles qu'une correspondance tire d'un export
        self.fournies = tables_fournies(cat, params)
        self.entrees = Entrees(cat, params)
        self.etapes = etapes_du_rapport(cat.racine)
        if chapitres or preparation_seule:
            _choisir_etapes(self.etapes, [] if preparation_seule else chapitres)
        # années antérieures : par défaut celles qui ont déjà des tables nettoyées (executer les prépare d'abord)
        self.annees_anterieures(
            {e.annee: e.processed_dir for e in historique.annees_anterieures_de(cat, fichier_params, params)}
        )

    def annees_anterieures(self, utilisables: dict[int, Path], ecartees: dict[int, str] | None = None):
        """Les années antérieures que lisent les étapes qui les déclarent (``anterieures``), et celles écartées."""
        self.entrees.anterieures, self.entrees.ecartees = dict(utilisables), dict(ecartees or {})

    def _modules_validation(self) -> tuple[str, ...]:
        """Ce qu'importe d'avance le noyau de la validation (lu dans son notebook)."""
        return modules_de_la_validation(self.cat.racine / "notebooks")

    def parametres_nb(self, e: Etape) -> dict:
        """Paramètres papermill d'une étape : l'année et ``execution`` (``reference.parametres.CLES_EXECUTION``) :
        les valeurs des paramètres de l'année (``parametres``) et les dossiers ; ``staging_dir`` (dossier de transit)
        pour les nettoyages et la validation ; les tables nettoyées lues là où elles sont pour cette exécution ; les
        années antérieures pour les étapes qui les lisent."""
        ex = {
            "racine": str(self.cat.racine),
            "raw_dir": str(self.cat.raw_dir),
            "processed_dir": str(self.transit.tables_dir if e.lit_des_tables else self.cat.processed_dir),
            # les notebooks écrivent dans le dossier de travail, promu d'un coup à la fin
            "reports_dir": str(self.travail),
            "reference_dir": str(self.cat.reference_dir),
            "fichier_params": str(self.fichier_params) if self.fichier_params else None,
            "parametres": dict(self.params),
        }
        if e.decl.produit or e.decl.valide:
            ex["staging_dir"] = str(self.transit.dossier)
        if e.decl.anterieures:
            ex["annees_anterieures"] = {str(a): str(d) for a, d in sorted(self.entrees.anterieures.items())}
            ex["annees_ecartees"] = {str(a): r for a, r in sorted(self.entrees.ecartees.items())}
        return {"annee": int(self.cat.annee), "execution": ex}

    # ------------------------------------------------------------------------------------------- exécution
    def lancer(self) -> Path:
        self._nettoyer_restes()
        precedent = lire_manifeste(self.final).get("etapes", {})
        self.durees_precedentes = {n: float(v.get("duree") or 0.0) for n, v in precedent.items()}
        ancien = {} if self.force else precedent
        amont = [e for e in self.etapes if not e.lit_des_tables]
        aval = [e for e in self.etapes if e.lit_des_tables]
        self._planifier(amont, None, ancien, precedent)
        nettoyages = [e for e in self._a(Statut.A_EXECUTER, etapes=amont) if e.decl.produit]
        if not nettoyages:
            self._planifier(aval, self.cat.processed_dir, ancien, precedent)
        self._trier_fiches_interrompues()
        self.sortie(f"Rapport {self.cat.annee} — {nom_territoire(self.params)}")
        if not self._a(Statut.A_EXECUTER):
            self._resume(rien_de_neuf=True)
            return self.final / "index.html"
        self._verifier_place()
        try:
            shutil.rmtree(self.travail, ignore_errors=True)
            (self.travail / "notebooks").mkdir(parents=True)
            self._executer_les_etapes(amont, aval, nettoyages, ancien, precedent)
            self._ecrire_index()
            ecrire_manifeste(
                self.travail,
                self.cat.annee,
                {
                    e.nom: {
                        "cle": e.cle,
                        "sorties": [s for s in e.sorties() if (self.travail / s).exists()],
                        "duree": round(e.duree, 2),
                        **({"tables": e.tables} if e.decl.produit else {}),
                    }
                    for e in self.etapes
                    if e.statut in (Statut.EXECUTEE, Statut.REUTILISEE)
                },
            )
            for marque in (FICHES_CLE, FICHES_FAITES):  # utiles seulement à la reprise d'une exécution interrompue
                (self.travail / "quartiers" / marque).unlink(missing_ok=True)
            self._verifier_instantane()
        except EchecExecution:
            self.transit.abandonner()  # tables non validées, ou d'un rapport qui n'est pas publié
            raise
        except OSError as exc:
            self._echec_ecriture("écriture du rapport", exc, noyaux=False)
        except BaseException:
            # interruption (Ctrl-C) : le dossier de travail reste, ses fiches terminées seront reprises
            self.transit.abandonner()
            raise
        try:  # tables et rapport ensemble : tous deux, ou ni l'un ni l'autre
            publier_ensemble(
                [
                    *([(self.transit.dossier, self.cat.processed_dir)] if self.transit.ouvert else []),
                    (self.travail, self.final),
                ]
            )
            self.transit.ouvert = False
        except OSError as exc:
            self._echec_ecriture("publication", exc, noyaux=False)
        shutil.rmtree(self.final.parent / f"{self.final.name}.echec", ignore_errors=True)
        shutil.rmtree(self.reprise_fiches, ignore_errors=True)
        self._resume()
        return self.final / "index.html"

    def _executer_les_etapes(self, amont, aval, nettoyages, ancien, precedent):
        tables_a_refaire = nettoyages or any(e.decl.valide and e.statut == Statut.A_EXECUTER for e in aval)
        if tables_a_refaire:  # à refaire ou à revalider : dans le transit, publiées à la fin
            self.transit.ouvrir(
                reprises=[t for e in amont if e.decl.produit and e.statut == Statut.REUTILISEE for t in e.tables]
            )
        # les noyaux de l'exécution démarrent tout de suite, en arrière-plan : autant que de tâches en parallèle, et
        # celui de la validation (Great Expectations) qui se prépare pendant la lecture et les nettoyages
        validation = tables_a_refaire and any(e.decl.valide and e.statut != Statut.IGNOREE for e in aval)
        # autant de noyaux que de tâches en parallèle (les fiches en occupent autant qu'il y a de fils), dont celui de
        # la validation s'il y en a une (au moins un autre)
        taches = len(self._a(Statut.A_EXECUTER)) + (self.jobs if self._a(Statut.A_EXECUTER, Groupe.FICHES) else 0)
        partages = self.noyaux_partages
        deja = partages is not None and partages.nombre() > 0
        if deja:  # noyaux d'un lot, déjà démarrés par un territoire précédent : complétés si certains sont morts
            self.noyaux = partages
            self.noyaux.completer(max(1, min(self.jobs, taches)))
        else:  # un seul territoire, ou le premier d'un lot qui ait quelque chose à faire
            self.noyaux = partages or PoolNoyaux(self.cat.racine / "notebooks")
            self.noyaux.demarrer(max(1, min(self.jobs, taches) - (1 if validation else 0)))
        if validation and not deja:
            # Great Expectations seulement : prêt plus tôt pour la validation ; les chapitres et fiches qu'il fera
            # ensuite importeront le reste à leur première cellule
            self.noyaux.demarrer(1, self._modules_validation(), apres_les_autres=self.jobs > 2)
        try:
            independants = self._a(Statut.A_EXECUTER, etapes=amont)
            if independants:  # lecture et nettoyages : tables différentes, en parallèle
                self._en_parallele(independants)
            if nettoyages:  # l'aval se décide sur les tables refaites : une table inchangée ne fait rien refaire
                for e in nettoyages:
                    e.tables = self.entrees.tables_produites(e.decl, self.transit.dossier)
                self._planifier(aval, self.transit.tables_dir, ancien, precedent)
            self._reprendre_sorties(ancien)
            validation = [e for e in self._a(Statut.A_EXECUTER, etapes=aval) if e.decl.valide]
            chapitres = self._a(Statut.A_EXECUTER, Groupe.CHAPITRE)
            fiches = self._a(Statut.A_EXECUTER, Groupe.FICHES)
            self._verifier_selection_fiches(chapitres + fiches)
            for e in validation[1:]:
                self._executer_notebook(e)
            if chapitres or fiches or validation:  # la validation avance en même temps que chapitres et fiches
                self._en_parallele(chapitres, fiches[0] if fiches else None, validation[0] if validation else None)
        finally:
            if self.noyaux_partages is None:
                self.noyaux.fermer()

    def _reprendre_sorties(self, ancien: dict):
        """Les sorties des étapes réutilisées passent du rapport précédent au dossier de travail."""
        for e in self._a(Statut.REUTILISEE):
            for rel in ancien[e.nom].get("sorties", []):
                src, dst = self.final / rel, self.travail / rel
                if dst.exists():
                    continue
                dst.parent.mkdir(parents=True, exist_ok=True)
                (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)

    # Longue : la boucle d'ordonnancement des étapes en parallèle (soumission, fin d'une étape, premier échec,
    # minuterie d'arrêt), dont les branches partagent le même état.
    def _en_parallele(self, etapes: list[Etape], fiches: Etape | None = None, validation: Etape | None = None):
        """Exécute des étapes indépendantes en parallèle (``jobs`` à la fois), puis, dans les mêmes fils et dès
        qu'un fil se libère, les fiches quartier (``fiches``).

        ``validation`` : la validation des tables, exécutée dans son propre fil pendant que les chapitres et les
        fiches avancent déjà sur les tables du transit. Rien n'est publié avant qu'elle ait réussi : si elle échoue,
        les noyaux au travail sont interrompus, plus rien ne commence, et c'est son échec qui est signalé (aucun
        chapitre n'est produit, le rapport et les tables précédents restent en place).

        Au premier échec, plus rien ne commence et les étapes en cours sont interrompues (leurs noyaux arrêtés s'ils
        ne s'arrêtent pas d'eux-mêmes en quelques secondes) : une exécution qui ne publiera rien se termine tout de
        suite. La validation va à son terme (son échec éventuel est celui qui est dit), sauf si l'échec est une
        écriture impossible (disque plein, lecture seule) ou un noyau mort ou muet : alors tout s'arrête. Un noyau
        qui ne répond plus (plus de battement de cœur) est arrêté, ce qui met son étape en échec."""

        # Plus de 80 lignes, docstring comprise : le lancement des fils, l'attente et l'arrêt au premier échec
        # partagent un état (premier échec, échec de la validation, minuteur d'arrêt) qu'une découpe disperserait.
        # les plus longues d'abord (durée de la dernière exécution, au manifeste), pour finir ensemble
        ordre = sorted(etapes, key=lambda e: -self.durees_precedentes.get(e.nom, 0.0))
        lot = self._preparer_fiches(fiches) if fiches is not None else None
        fils = self.jobs + (1 if validation is not None else 0)
        echec_validation, premier, minuteur = None, None, None

        def noyau_de_la_validation():
            return {self.pretes.get(validation.nom)} - {None} if validation is not None else set()

        def arreter(total: bool):
            nonlocal minuteur
            self.abandon.set()
            if total:
                self.arret_total.set()
            if lot is not None:
                lot.arret.set()
            garder = (lambda: set()) if total else noyau_de_la_validation  # noqa: E731
            self.noyaux.interrompre(sauf=garder())
            if minuteur is not None:
                minuteur.cancel()
            minuteur = threading.Timer(DELAI_INTERRUPTION, lambda: self.noyaux.arreter_pretes(sauf=garder()))
            minuteur.daemon = True
            minuteur.start()

        try:
            with ThreadPoolExecutor(max_workers=fils) as pool:
                fv = pool.submit(self._executer_notebook, validation, False) if validation is not None else None
                futurs = [pool.submit(self._executer_notebook, e, False) for e in ordre]
                if lot is not None:
                    futurs += [pool.submit(self._travailler_aux_fiches, lot) for _ in range(min(fils, lot.a_faire))]
                try:
                    pendants = set(futurs) | ({fv} if fv is not None else set())
                    while pendants:
                        faits, pendants = wait(pendants, return_when=FIRST_COMPLETED)
                        for f in faits:
                            r = f.result()
                            if r is None or r.interrompue:
                                continue
                            if f is fv:  # rien de ce qui a été fait sur ces tables ne sera publié
                                echec_validation = r
                                self.sortie(
                                    f"  ✗ {validation.nom} : échec ; les chapitres et fiches commencés en même temps sur "
                                    "ces tables sont abandonnés, aucun n'est publié"
                                )
                                arreter(total=True)
                            elif premier is None:
                                premier = r
                                total = _fatale(r.exc)
                                if pendants:
                                    self.sortie(
                                        "  les étapes en cours sont interrompues, aucune n'est publiée"
                                        + (
                                            ""
                                            if total or fv is None or fv not in pendants
                                            else " (la validation continue)"
                                        )
                                    )
                                arreter(total=total)
                except BaseException:  # interruption (Ctrl-C) : plus rien ne commence, ce qui tourne est interrompu
                    arreter(total=True)
                    raise
                finally:
                    if lot is not None:
                        lot.fermer()
        finally:  # après la fin de tous les fils : les noyaux qui ne s'arrêtent pas d'eux-mêmes l'auront été
            if minuteur is not None:
                minuteur.cancel()
        for r in (echec_validation, premier):
            if r is not None:
                self._echouer(r.etape, r.execute, r.exc)
        if lot is not None:
            self._finir_fiches(fiches, lot)

    def _executer_notebook(self, e: Etape, lever: bool = True):
        if self._interrompue(e):  # une étape a échoué : celle-ci ne commence pas
            return None
        t = time.perf_counter()
        execute = self.travail / "notebooks" / f"{e.nom}.ipynb"
        noyau = (
            self.noyaux.prendre(
                modules=self._modules_validation() if e.decl.valide else (), tant_que=lambda: not self._interrompue(e)
            )
            if self.noyaux
            else None
        )
        if self._interrompue(e):  # arrêtée pendant qu'elle attendait un noyau
            if noyau is not None:
                self.noyaux.rendre(noyau)
            return None
        self.pretes[e.nom] = noyau
        try:
            try:
                with self.progression.etape(e.nom) as barre:
                    executer_notebook(
                        e.notebook, execute, self.parametres_nb(e), noyau=noyau, barre=barre, delai=self.delai_cellule
                    )
            finally:
                self.pretes.pop(e.nom, None)
                if self.noyaux is not None:
                    self.noyaux.rendre(noyau)
            exporter(execute, self.travail, e.nom)
        except Exception as exc:
            interrompue = self._interrompue(e)
            if not interrompue:
                self._signaler_echec(exc, validation=e.decl.valide)
            # pas après un autre échec (étape interrompue, pas en échec), ni pour la validation (dit plus loin)
            if not interrompue and not (e.decl.valide and not lever):
                self.sortie(f"  ✗ {e.nom} : échec")
            if not lever:
                return Echec(e.nom, execute, exc, interrompue)
            self._echouer(e.nom, execute, exc)
        e.statut, e.duree = Statut.EXECUTEE, time.perf_counter() - t
        self.sortie(f"  ✓ {e.nom} ({e.duree:.1f} s)")
        return None
