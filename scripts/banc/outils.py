"""Outils du banc : constantes, médiane, nombres à la française du rapport, journal, mémoire de l'arbre des
processus, attente d'une machine calme, lancement d'une commande mesurée, petites statistiques."""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

RACINE = Path(__file__).resolve().parents[2]
PY = sys.executable
VENV_BIN = Path(PY).parent
NOYAU = "politique-ville"
ANNEE = 2019
ANNEE_SYNTH = 2099


def mediane(valeurs):
    valeurs = [v for v in valeurs if v is not None]
    return statistics.median(valeurs) if valeurs else None


# Pas ``politique_ville.formats.nombre_fr`` : le rapport du banc est un Markdown de développeurs aux espaces
# ordinaires (le paquet met des espaces fines insécables), et le banc n'importe pas le paquet qu'il mesure.
def fr(x, dec=1, unite=""):
    """Nombre à la française : 1 234,5."""
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    texte = f"{x:,.{dec}f}".replace(",", " ").replace(".", ",")
    return f"{texte} {unite}".strip() if unite else texte


def journal(message: str):
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


class Memoire:
    """Échantillonne la RSS de l'arbre des processus (parent + descendants : noyaux Jupyter) toutes les 0,1 s."""

    def __init__(self, pid: int, periode: float = 0.1):
        self.psutil = psutil
        self.racine = psutil.Process(pid)
        self.periode = periode
        self.pic = 0
        self.pic_processus = 0
        self.cpu_arbre: dict[int, float] = {}
        self.cpu_etrangere = None
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._boucle, daemon=True)

    def _boucle(self):
        ps = self.psutil
        while not self._stop.is_set():
            try:
                procs = [self.racine] + self.racine.children(recursive=True)
            except ps.Error:
                break
            total, n = 0, 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu_arbre[p.pid] = max(self.cpu_arbre.get(p.pid, 0.0), t.user + t.system)
                    n += 1
                except ps.Error:
                    pass
            if total > self.pic:
                self.pic = total
            self.pic_processus = max(self.pic_processus, n)
            self._stop.wait(self.periode)

    def _occupe(self) -> float:
        t = self.psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0)

    def _moi(self) -> float:
        t = self.psutil.Process().cpu_times()
        return t.user + t.system

    def __enter__(self):
        self._occ0, self._moi0 = self._occupe(), self._moi()
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        # temps CPU consommé pendant la mesure par des processus étrangers (autres sessions, tests…) : perturbation
        occupe = self._occupe() - self._occ0
        self.cpu_etrangere = max(0.0, occupe - sum(self.cpu_arbre.values()) - (self._moi() - self._moi0))
        return False


def attendre_calme(seuil: float = 0.15, fenetre: float = 3.0, maximum: float = 1200.0) -> float:
    """Attend que la machine soit calme (moins de ``seuil`` × cœurs occupés par d'autres processus sur une fenêtre
    de ``fenetre`` s), au plus ``maximum`` s ; renvoie l'attente. Entre deux mesures, le banc lui-même ne calcule
    pas : toute occupation vient d'ailleurs (autres sessions, tests)."""
    t0 = time.perf_counter()
    annonce = False
    while time.perf_counter() - t0 < maximum:
        occupe = psutil.cpu_percent(interval=fenetre) / 100
        if occupe < seuil:
            return time.perf_counter() - t0
        if not annonce:
            journal(f"  machine occupée par d'autres processus ({occupe:.0%} du CPU) : attente")
            annonce = True
    journal("  la machine ne s'est pas calmée : mesure faite quand même")
    return time.perf_counter() - t0


def sonde_vitesse(repetitions: int = 5, tours: int = 2_000_000) -> float:
    """Durée (s) d'un même calcul Python (une boucle d'entiers sur un cœur), la plus courte de ``repetitions`` : la
    vitesse de l'hôte au moment d'une mesure. Un hôte partagé dérive d'un facteur 1,5 à 2 d'une heure à l'autre ; le
    banc la relève avant chaque commande pour rapporter les durées à une même vitesse (estimation : le lot occupe
    deux cœurs, la sonde un seul)."""
    meilleure = float("inf")
    for _ in range(repetitions):
        t = time.perf_counter()
        total = 0
        for i in range(tours):
            total += i ^ (i >> 3)
        meilleure = min(meilleure, time.perf_counter() - t)
    return meilleure


def executer_commande(
    cmd: list[str], env: dict, cwd: Path | None = None, memoire: bool = False, sortie_fichier: Path | None = None
) -> dict:
    """Lance une commande, mesure sa durée (horloge murale) et, si demandé, le pic de mémoire de son arbre."""
    t0 = time.perf_counter()
    out = open(sortie_fichier, "w") if sortie_fichier else subprocess.DEVNULL
    try:
        p = subprocess.Popen(cmd, env=env, cwd=str(cwd) if cwd else None, stdout=out, stderr=subprocess.STDOUT)
        if memoire:
            with Memoire(p.pid) as m:
                rc = p.wait()
            pic, nproc, etranger, arbre = m.pic, m.pic_processus, m.cpu_etrangere, sum(m.cpu_arbre.values())
        else:
            rc, pic, nproc, etranger, arbre = p.wait(), None, None, None, None
    finally:
        if sortie_fichier:
            out.close()
    return {
        "duree": time.perf_counter() - t0,
        "rc": rc,
        "pic_octets": pic,
        "processus_max": nproc,
        "cpu_etrangere": etranger,
        # calcul (utilisateur + système) de la commande et de ses descendants (noyaux), échantillonné toutes les 0,1 s
        "cpu_arbre": arbre,
    }


def sortie_git(*args) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(RACINE), *args], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def taille_brute(dossier: Path) -> dict:
    lignes = {}
    for p in sorted(dossier.glob("*.csv")):
        with open(p, "rb") as f:
            lignes[p.stem] = sum(1 for _ in f) - 1
    return {"lignes": lignes, "octets": sum(p.stat().st_size for p in dossier.glob("*.csv"))}


def octets_dossier(dossier: Path) -> int:
    return sum(p.stat().st_size for p in Path(dossier).rglob("*") if p.is_file()) if Path(dossier).is_dir() else 0


def fraction(f: float) -> str:
    return {1.0: "nationale (1)", 0.25: "1/4", 0.0625: "1/16"}.get(f, f"{f:g}")


def regression(xs, ys):
    n = len(xs)
    if n < 2:
        return None, None, None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None, None, None
    pente = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    origine = my - pente * mx
    sst = sum((y - my) ** 2 for y in ys)
    sse = sum((y - (origine + pente * x)) ** 2 for x, y in zip(xs, ys))
    return pente, origine, (1 - sse / sst) if sst else 1.0
