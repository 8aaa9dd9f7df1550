"""Ce qui garde le rapport précédent intact : échecs, écritures impossibles, restes d'une exécution interrompue.

Une étape en échec arrête l'exécution (plus rien ne commence, :meth:`Echecs._signaler_echec`) ; son notebook est
gardé dans ``<annee>.echec/`` et rien n'est publié (:meth:`Echecs._echouer`). Une écriture impossible (disque plein,
lecture seule) retire tout ce que l'exécution a écrit et dit quoi et où (:meth:`Echecs._echec_ecriture`). Au début,
les restes d'une exécution interrompue sont retirés et la place libre vérifiée ; à la fin, un fichier d'entrée changé
pendant l'exécution empêche la publication. :class:`Echecs` est une part de :class:`run.Execution` : elle lit ses
``cat``, ``final``, ``travail``, ``transit``, ``entrees``, ``reprise_fiches``, ``abandon``, ``arret_total`` et
``nettoye``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from politique_ville.base.errors import EchecExecution, errno_ecriture, message_ecriture, mo

from . import restes
from .execute import cause
from .steps import Etape


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


class Echecs:
    """Échecs, restes et place d'une exécution (voir le module)."""

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
