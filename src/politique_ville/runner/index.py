"""La fin d'une exécution qui a produit quelque chose : index, méthodologie, recherche, chiffres clés, résumé.

L'index est écrit d'après la liste finale des étapes (jamais de lien vers un chapitre absent) : chapitres, fiches
groupées (``report.fiches``), annexes, pages non produites et pourquoi, fichiers d'entrée lus (lignes, empreintes du
début). :class:`IndexEtResume` est une part de :class:`run.Execution` : elle lit ses ``cat``, ``params``, ``etapes``,
``travail``, ``transit``, ``bruts``, ``entrees``, ``final``, ``debut``, ``t0`` et ``nettoye``.
"""

from __future__ import annotations

import functools
import subprocess
import time
from pathlib import Path

from politique_ville import __version__
from politique_ville.base.catalog import lire_table
from politique_ville.reference import historique
from politique_ville.reference import provenance as pv
from politique_ville.reference.etapes import Groupe
from politique_ville.reference.parametres import nom_territoire
from politique_ville.report import edition
from politique_ville.report.export import ecrire_index, titre_notebook
from politique_ville.report.fiches import quartiers_des_fiches, rattacher
from politique_ville.report.methodologie import ecrire_methodologie
from politique_ville.report.pdf import ligne_du_resume
from politique_ville.report.recherche import ecrire_recherche

from .display import resume
from .steps import Statut


class IndexEtResume:
    """L'index et le résumé d'une exécution (voir le module)."""

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
        annexes = list(self._annexes_communes())
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
            parent=self._page_parente(),
        )

    def _page_parente(self) -> tuple[str, str] | None:
        """La page qui mène à ce rapport (l'index d'un lot) : aucune pour un territoire seul."""
        return None

    def _annexes_communes(self) -> list[dict]:
        """Pages communes à plusieurs rapports, hors du dossier de celui-ci (la validation d'un lot) : aucune pour
        un territoire seul."""
        return []

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
    """« politique_ville 0.1.0 (git 4e26c3f) » : demandé à git une fois par processus et par racine (le code chargé
    ne change pas pendant une exécution ; un lot de territoires lançait un git par territoire, chaque lancement
    recopiant la table des pages du processus du lot)."""
    return _version_code(str(Path(racine).resolve()))


@functools.lru_cache(maxsize=8)
def _version_code(racine: str) -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(racine), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"politique_ville {__version__}" + (f" (git {rev})" if rev else "")


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
