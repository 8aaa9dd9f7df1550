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
import functools
import os
import queue
import shutil
import subprocess
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from politique_ville import __version__
from politique_ville.base.catalog import Catalogue, dossier_travail, lire_table
from politique_ville.base.errors import EchecExecution, errno_ecriture, message_ecriture, mo
from politique_ville.clean.correspondance import tables_fournies
from politique_ville.reference import historique
from politique_ville.reference import provenance as pv
from politique_ville.reference.etapes import SANS_ANTERIEURE, Groupe
from politique_ville.reference.parametres import charger_parametres, nom_territoire, selection_fiches
from politique_ville.report import edition
from politique_ville.report.export import ecrire_index, titre_notebook
from politique_ville.report.fiches import quartiers_des_fiches, rattacher
from politique_ville.report.methodologie import ecrire_methodologie
from politique_ville.report.pdf import ligne_du_resume
from politique_ville.report.recherche import ecrire_recherche

from . import restes
from .cache import Entrees, ecrire_manifeste, lire_manifeste
from .commit import Transit, publier_ensemble
from .display import Progression, resume
from .execute import cause, executer_fiches, executer_notebook, exporter
from .kernels import Noyau, PoolNoyaux, modules_de_la_validation
from .lock import Verrous
from .lot import FICHIER_LOT, executer_lot
from .restes import FICHES_CLE, FICHES_FAITES
from .steps import LIEN_FICHES, Etape, Statut, _choisir_etapes, etapes_du_rapport

HORS_SELECTION = "hors de la sélection --chapitres"
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


def preparer_annees_anterieures(
    cat: Catalogue, params: dict, fichier_params: Path | None, progression: Progression, jobs: int | None = None
) -> tuple[dict[int, Path], dict[int, str]]:
    """Prépare les tables nettoyées des années antérieures trouvées (``historique.annees_anterieures``), de la plus
    ancienne à la plus récente : pour une année qui a des fichiers bruts, exécution de la seule préparation
    (réutilisée si rien n'a changé) ; une année qui n'a que des tables nettoyées les garde. Renvoie les années
    utilisables (année -> dossier des tables) et les années écartées (année -> raison, en français). Une année d'un
    autre territoire (un autre exemple du dépôt) est ignorée, jamais bloquante : « <année> : autre territoire (…),
    ignorée », dans le résumé de l'exécution."""
    utilisables, ecartees = {}, {}
    for em in historique.annees_anterieures(cat, fichier_params):
        try:
            params_a = charger_parametres(cat.racine, em.annee, em.fichier_params)
        except EchecExecution as exc:
            ecartees[em.annee] = f"paramètres absents ou invalides ({str(exc).splitlines()[0]})"
            progression.ecrire(f"Année {em.annee} écartée des évolutions : {ecartees[em.annee]}")
            continue
        if not historique.meme_territoire(params, params_a):  # un autre exemple ou territoire du dépôt : ignoré
            ecartees[em.annee] = historique.autre_territoire()  # sans son nom : rien de lui dans ce rapport
            progression.ecrire(
                f"Année {em.annee} : autre territoire (« {nom_territoire(params_a)} », {em.fichier_params}), ignorée "
                f"par les évolutions"
            )
            continue
        if em.a_des_bruts:
            progression.ecrire(f"Année antérieure {em.annee} : préparation des tables nettoyées ({em.processed_dir})")
            cat_a = Catalogue.pour(
                em.annee,
                cat.racine,
                raw_dir=em.raw_dir,
                reports_dir=em.reports_dir,
                processed_dir=em.processed_dir,
                reference_dir=params_a.get("reference_dir"),
            )
            try:
                with Verrous([cat_a.reports_dir, cat_a.processed_dir], rapport=cat_a.reports_dir):
                    Execution(
                        cat_a,
                        params_a,
                        jobs=jobs,
                        fichier_params=em.fichier_params,
                        progression=progression,
                        preparation_seule=True,
                    ).lancer()
            except EchecExecution as exc:
                texte = str(exc)
                ecartees[em.annee] = (
                    "ses données ne passent pas la validation"
                    if "03_validation" in texte
                    else "ses données ne passent pas le nettoyage"
                    if "nettoyage" in texte
                    else texte.splitlines()[0].rstrip(".")
                )
                progression.ecrire(f"Année {em.annee} écartée des évolutions : {ecartees[em.annee]}.\n{texte}")
                continue
        if em.a_des_tables:
            utilisables[em.annee] = em.processed_dir
        else:
            ecartees[em.annee] = "aucune table nettoyée"
    return utilisables, ecartees


class Execution:
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

    # ------------------------------------------------------------------------------------------- plan
    def _planifier(self, etapes: list[Etape], tables_dir: Path | None, ancien: dict, precedent: dict):
        for e in etapes:
            manquantes = [t for t in e.decl.requises if t not in self.fournies]
            if manquantes:
                e.statut, e.detail = Statut.IGNOREE, f"entrées manquantes : {', '.join(manquantes)}"
                continue
            if e.decl.au_moins_un and not any(self._present(x) for x in e.decl.au_moins_un):
                e.statut, e.detail = Statut.IGNOREE, e.decl.raison_sans
                continue
            if e.decl.anterieures and e.groupe == Groupe.CHAPITRE and not self.entrees.anterieures:
                ecartees = "; ".join(
                    f"{a} : {r}" if r.startswith(historique.AUTRE_TERRITOIRE) else f"{a} écartée : {r}"
                    for a, r in sorted(self.entrees.ecartees.items())
                )
                e.statut, e.detail = Statut.IGNOREE, SANS_ANTERIEURE + (f" utilisable ({ecartees})" if ecartees else "")
                continue
            e.cle = self.entrees.cle(e.decl, e.notebook, tables_dir)
            a = ancien.get(e.nom, {})
            if a.get("cle") == e.cle and self._sorties_presentes(a) and self._tables_intactes(e, a):
                e.statut, e.tables = Statut.REUTILISEE, dict(a.get("tables", {}))
            elif not e.demandee:
                e.statut, e.detail = (
                    Statut.NON_DEMANDEE,
                    HORS_SELECTION
                    + (
                        ""
                        if e.nom not in precedent
                        else " ; version précédente retirée (--force)"
                        if self.force
                        else " ; version précédente retirée : ses entrées ont changé"
                    ),
                )
            else:
                e.statut = Statut.A_EXECUTER

    def _present(self, entree: str) -> bool:
        """Une entrée de ``Declaration.au_moins_un`` est-elle là : « referentiel:<fichier> » dans le dossier des
        référentiels du territoire, « parametre:<nom> » non vide dans les paramètres de l'année ?"""
        genre, _, nom = entree.partition(":")
        if genre == "referentiel":
            return (self.cat.reference_dir / nom.format(annee=self.cat.annee)).is_file()
        return bool(self.params.get(nom))

    def _sorties_presentes(self, ancien: dict) -> bool:
        return bool(ancien.get("sorties")) and all((self.final / rel).exists() for rel in ancien["sorties"])

    def _tables_intactes(self, e: Etape, ancien: dict) -> bool:
        """Un nettoyage n'est réutilisé que si les tables publiées sont encore celles qu'il a produites (une
        exécution d'essai ou une retouche à la main a pu les remplacer)."""
        if not e.decl.produit:
            return True
        if self.entrees.tables_produites(e.decl, self.cat.processed_dir) == ancien.get("tables"):
            return True
        self.sortie(
            f"Les tables nettoyées de {self.cat.processed_dir} ne sont plus celles de ce rapport (remplacées "
            f"ou modifiées depuis) : la préparation est refaite ({e.nom})."
        )
        return False

    def _a(self, statut: Statut, groupe: Groupe | None = None, etapes=None) -> list[Etape]:
        return [
            e
            for e in (self.etapes if etapes is None else etapes)
            if e.statut == statut and (groupe is None or e.groupe == groupe)
        ]

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

    # ------------------------------------------------------------------------------------------- restes, place
    def _nettoyer_restes(self):
        """Au début de chaque exécution, sous ses verrous : ce qu'une exécution interrompue (tuée, machine éteinte,
        disque plein) a laissé est retiré, et dit dans le résumé ; ses fiches terminées sont mises de côté pour être
        reprises (:meth:`_trier_fiches_interrompues` décide si elles le seront)."""
        racine = self.cat.racine
        for dossier in (self.final, self.cat.processed_dir):
            if restes.retablir_ancien(dossier):
                self.nettoye.append(
                    f"{restes._relatif(dossier, racine)} remis en place (exécution interrompue pendant la publication)"
                )
        restes.mettre_de_cote_fiches(self.final, self.reprise_fiches)
        self.nettoye += restes.retirer(restes.restes(self.final, self.cat.processed_dir), racine)

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

    def _verifier_place(self):
        """Estimation grossière, avant d'écrire : un rapport et des tables de la taille des précédents doivent tenir
        dans la place libre (un disque plein est refusé tout de suite, avec le chiffre)."""
        besoins: dict[int, list] = {}
        for dossier in (self.final, self.cat.processed_dir):
            t = restes.taille(dossier)
            if not t:
                continue
            try:
                dev = restes.existant(dossier.parent).stat().st_dev
            except OSError:
                continue
            b = besoins.setdefault(dev, [dossier, 0])
            b[1] += t
        for dossier, besoin in besoins.values():
            dispo = restes.libre(dossier.parent)
            if dispo < besoin:
                raise EchecExecution(
                    f"Place insuffisante : {message_ecriture(28, restes.point_de_montage(dossier), besoin - dispo)} "
                    f"(le rapport et les tables précédents, que l'exécution réécrit à côté d'eux avant de les "
                    f"remplacer, occupent {mo(besoin)} ; libre : {mo(dispo)}). Rien n'a été écrit ; le rapport "
                    f"précédent ({self.final}) et les tables de {self.cat.processed_dir} sont en place. Libérez de "
                    f"la place ou donnez d'autres dossiers (--out, --processed-dir)."
                )

    def _echec_ecriture(self, etape: str, exc: BaseException, noyaux: bool = True):
        """Une écriture impossible (disque plein, lecture seule, droits) : tout ce que l'exécution a écrit est retiré
        (dossier de travail, transit des tables, notebook d'échec qui serait vide), le message dit quoi et où."""
        numero, chemin = errno_ecriture(exc) or (getattr(exc, "errno", None), getattr(exc, "filename", None))
        chemin = chemin if isinstance(chemin, str) else None
        ecrit = restes.taille(self.travail) + restes.taille(self.transit.dossier)
        lieu = Path(chemin) if chemin else self.travail
        shutil.rmtree(self.travail, ignore_errors=True)
        self.transit.abandonner()
        shutil.rmtree(self.final.parent / f"{self.final.name}.echec", ignore_errors=True)
        if numero in (28, 122):
            dispo = restes.libre(lieu.parent)
            estime = restes.taille(self.final) + (
                restes.taille(self.cat.processed_dir) if self._meme_disque(self.cat.processed_dir, lieu) else 0
            )
            # estimation : le plus grand du rapport précédent et de ce qui était écrit, plus 10 % (au moins 1 Mo) ;
            # sans rapport précédent, pas de chiffre honnête à donner
            manque = max(estime, ecrit) * 1.1 - dispo if estime else None
            manque = max(manque, 1e6) if manque is not None else None
            cause = message_ecriture(numero, restes.point_de_montage(lieu), manque) + (
                f" (estimation : le rapport et les tables précédents occupent {mo(estime)}, l'exécution avait écrit "
                f"{mo(ecrit)} ; libre : {mo(dispo)})"
                if manque
                else f" (l'exécution avait écrit {mo(ecrit)}, libre : {mo(dispo)} ; premier rapport dans ce dossier : "
                "pas d'estimation de la place qu'il lui faut)"
            )
        elif errno_ecriture(exc) is not None:
            cause = message_ecriture(numero, restes.existant(lieu.parent))
        else:  # autre erreur du système (dossier retiré, occupé…)
            cause = f"opération impossible sur {chemin or lieu} ({getattr(exc, 'strerror', None) or exc})"
        raise EchecExecution(
            f"Échec de l'étape « {etape} » : {cause}.\n"
            + (f"Fichier en cours d'écriture : {chemin}\n" if chemin else "")
            + ("Les noyaux en cours ont été arrêtés ; t" if noyaux else "T")
            + "out ce que l'exécution avait écrit est retiré (dossier de travail, tables en transit).\n"
            f"Le rapport précédent ({self.final}) et les tables de {self.cat.processed_dir} n'ont pas été modifiés."
        ) from None

    @staticmethod
    def _meme_disque(a: Path, b: Path) -> bool:
        try:
            return restes.existant(a).stat().st_dev == restes.existant(b).stat().st_dev
        except OSError:
            return False

    def _verifier_instantane(self):
        """Les entrées sont lues une fois, au début (empreintes) : si un fichier a changé depuis (fichier brut
        remplacé pendant l'exécution), le rapport calculé n'est pas publié, son index ne dirait pas ce qu'il a lu."""
        changes = self.entrees.changees(exclure=(self.transit.dossier,))
        if not changes:
            return
        shutil.rmtree(self.travail, ignore_errors=True)
        self.transit.abandonner()
        noms = "\n".join(f"  - {f}" + (" (disparu)" if apres is None else "") for f, apres in changes)
        raise EchecExecution(
            "Des fichiers d'entrée ont changé pendant l'exécution :\n"
            f"{noms}\n"
            "Le rapport, calculé sur leur contenu du début, n'est pas publié (son index en donnerait les nouvelles "
            f"empreintes). Le rapport précédent ({self.final}) et les tables de {self.cat.processed_dir} n'ont pas "
            "été modifiés. Relancez l'exécution une fois les fichiers en place : elle refera les étapes qui les lisent."
        )

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

    def _echouer(self, etape: str, execute: Path | None, exc: BaseException):
        if errno_ecriture(exc) is not None:  # disque plein, lecture seule : rien n'est gardé, le message dit où
            self._echec_ecriture(etape, exc)
        echec = self.final.parent / f"{self.final.name}.echec"
        shutil.rmtree(echec, ignore_errors=True)
        self.transit.abandonner()
        garde = None
        try:
            if self.travail.exists():
                self.travail.rename(echec)
                if execute is not None:
                    garde = echec / execute.relative_to(self.travail)
        except OSError:
            shutil.rmtree(self.travail, ignore_errors=True)
        diagnostic = (
            f"Le notebook exécuté est conservé pour diagnostic : {garde}\n"
            if garde is not None and garde.is_file() and garde.stat().st_size
            else ""
        )
        raise EchecExecution(
            f"Échec de l'étape « {etape} ».\n{cause(exc)}\n{diagnostic}"
            f"Le rapport précédent ({self.final}) et les tables de {self.cat.processed_dir} n'ont pas été modifiés."
        ) from None

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

    def _signaler_echec(self, exc: BaseException, validation: bool = False):
        """Dès qu'une étape échoue, plus rien ne commence (les fils libres le voient avant que l'exécution n'arrête
        ce qui est en cours) ; après un échec qui arrête tout, la validation non plus."""
        self.abandon.set()
        if validation or _fatale(exc):
            self.arret_total.set()

    def _interrompue(self, e: Etape | None = None) -> bool:
        """L'étape a été arrêtée par l'exécution (un autre échec) : la validation ne l'est que par un arrêt total."""
        if e is not None and e.decl.valide:
            return self.arret_total.is_set()
        return self.abandon.is_set()

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

    # ------------------------------------------------------------------------------------------- index, résumé
    def _ecrire_index(self):
        faites = (Statut.EXECUTEE, Statut.REUTILISEE)
        chap = [
            {"titre": titre_notebook(e.notebook), "html": f"{e.nom}.html", "html_code": f"{e.nom}_avec_code.html"}
            for e in self.etapes
            if e.groupe != Groupe.FICHES and e.statut in faites
        ]
        territoire = nom_territoire(self.params)
        # navigation et titres posés d'après la liste finale : jamais vers un chapitre absent
        edition.nommer_chapitres(self.travail, chap, territoire=territoire, annee=self.cat.annee)
        fiches = []
        if any(e.groupe == Groupe.FICHES and e.statut in faites for e in self.etapes):
            q = quartiers_des_fiches(self.transit.tables_dir)
            fiches = [
                {"code_qp": c, "titre": lib, "html": f"quartiers/{c}.html", "nom": nom, "communes": communes}
                for c, lib, nom, communes in zip(q["code_qp"], q["libelle"], q["nom_qp"], q["nom_commune"])
                if (self.travail / "quartiers" / f"{c}.html").is_file()
            ]
            edition.nommer_fiches(self.travail, fiches, territoire=territoire, annee=self.cat.annee)
            fiches = rattacher(fiches, self.transit.tables_dir)
        annexes = []
        if (self.travail / "validation" / "index.html").is_file():
            annexes.append(
                {
                    "titre": "Rapport de validation des données (Great Expectations, Data Docs)",
                    "html": "validation/index.html",
                }
            )
        for x in sorted((self.travail / "tableaux").glob("*.xlsx")) if (self.travail / "tableaux").is_dir() else []:
            annexes.append({"titre": f"Tableaux du chapitre « {x.stem} » (Excel)", "html": f"tableaux/{x.name}"})
        ignorees = [
            {
                "titre": f"{titre_notebook(e.notebook) if e.groupe != Groupe.FICHES else 'Fiches quartier'} — "
                f"non produit ({e.detail})"
            }
            for e in self.etapes
            if e.statut in (Statut.IGNOREE, Statut.NON_DEMANDEE)
        ]
        entrees = []
        for table in sorted(self.bruts):
            f = self.cat.fichier_brut(table)
            entrees.append(
                {
                    "fichier": str(f.relative_to(self.cat.racine)) if f.is_relative_to(self.cat.racine) else str(f),
                    "lignes": _compter_lignes(f),
                    "sha256": self.entrees.empreinte_du_debut(f),  # celle du contenu lu (instantané du début)
                }
            )
        cles, telechargements = self._finir_edition(chap, fiches, entrees, territoire)
        ecrire_index(
            self.travail,
            annee=self.cat.annee,
            territoire=territoire,
            chiffres_cles=cles,
            telechargements=telechargements,
            chapitres=chap,
            fiches=fiches,
            annexes=annexes,
            ignores=ignorees,
            parametres=dict(self.params),
            entrees=entrees,
            version=version_code(self.cat.racine),
            debut=self.debut,
        )

    def _finir_edition(self, chap: list[dict], fiches: list[dict], entrees: list[dict], territoire: str):
        """Méthodologie, archive « tout télécharger », recherche et chiffres clés de l'index (``edition``) ; renvoie
        ``(chiffres clés, téléchargements)``."""

        annee, tables_dir = self.cat.annee, self.transit.tables_dir
        # les règles de transcription du dictionnaire des données (data/raw/README.md) sont celles de l'exemple d'un
        # rapport publié : seulement pour une année qui a un tel rapport, jamais pour un autre territoire
        publie = (self.cat.reference_dir / f"chiffres_publies_{annee}.csv").is_file()
        ecrire_methodologie(
            self.travail,
            annee=annee,
            territoire=territoire,
            readme=self.cat.raw_dir.parent / "README.md" if publie else None,
            registre=self.cat.fichier_reference("indicateurs_qpv.csv"),
            entrees=entrees,
            provenances=None if publie else (pv.RECU, pv.RECALCULE, pv.APPROXIMATIF),
        )
        archive = edition.ecrire_archive(self.travail, tables_dir, annee)
        telechargements = [
            {
                "titre": "Tout télécharger : tous les classeurs Excel et les tables nettoyées en CSV (ZIP)",
                "html": archive.name,
            }
        ]
        pages = [c["html"] for c in chap] + ["methodologie.html"] + [f["html"] for f in fiches]
        ecrire_recherche(self.travail, annee=annee, territoire=territoire, pages=pages)
        avec_concordance = any(c["html"] == "90_concordance.html" for c in chap)
        return edition.chiffres_cles_du_rapport(self.cat, tables_dir, avec_concordance), telechargements

    def _resume(self, rien_de_neuf: bool = False):
        for ligne in resume(self.etapes, time.perf_counter() - self.t0, rien_de_neuf):
            self.sortie(ligne)
        for annee, raison in sorted(self.entrees.ecartees.items()):
            if raison.startswith(historique.AUTRE_TERRITOIRE):
                self.sortie(f"  {annee} : {raison}")
        if self.nettoye:
            self.sortie(f"Restes d'une exécution interrompue retirés au début : {' ; '.join(self.nettoye)}.")
        self.sortie(f"Rapport : {self.final / 'index.html'}")

        self.sortie(ligne_du_resume(self.final, self.cat.annee))


def version_code(racine: Path) -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(racine), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"politique_ville {__version__}" + (f" (git {rev})" if rev else "")


def _selection_fiches(codes: list[str], choix) -> list[str]:
    """Règle du paramètre ``fiches_quartier`` (:func:`politique_ville.reference.parametres.selection_fiches`, partagée
    avec le chapitre 10, qui ne fait de lien que vers les fiches produites)."""

    try:
        return selection_fiches(codes, choix)
    except ValueError as exc:
        raise EchecExecution(str(exc)) from None


@dataclass
class Echec:
    """Une étape (ou une fiche) en échec : son nom, son notebook exécuté, l'erreur ; ``interrompue`` : arrêtée par
    l'exécution après un autre échec (ce n'est pas elle qui est dite en échec)."""

    etape: str
    execute: Path | None
    exc: BaseException
    interrompue: bool = False


def _fatale(exc: BaseException) -> bool:
    """Un échec après lequel rien ne vaut d'être attendu, pas même la validation : écriture impossible (disque
    plein, lecture seule, droits), noyau mort ou qui ne répond plus."""
    return errno_ecriture(exc) is not None or type(exc).__name__ in (
        "DeadKernelError",
        "NoyauPerdu",
        "CellTimeoutError",
    )


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


def _lier(src: Path, dst: Path):
    """Lien physique (les fichiers d'une fiche ne sont jamais réécrits en place), copie à défaut."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _compter_lignes(chemin: Path):
    try:
        etat = Path(chemin).stat()
        return _lignes_du_fichier(str(chemin), etat.st_mtime_ns, etat.st_size)
    except Exception:
        return "?"


@functools.lru_cache(maxsize=32)
def _lignes_du_fichier(chemin: str, _mtime: int, _taille: int) -> int:
    """Lignes d'un fichier lu une fois par processus tant qu'il ne change pas (le fichier national d'un lot de
    territoires est nommé par l'index de chacun)."""
    return len(lire_table(Path(chemin)))
