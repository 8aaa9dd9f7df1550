"""Un notebook exécuté cellule par cellule *dans* le noyau qui l'exécute : le runner envoie une seule demande par
notebook au lieu d'une par cellule.

Exécuté par un client Jupyter (nbclient, papermill), chaque cellule est une demande au noyau, et chaque sortie un
message : le noyau sérialise la sortie en JSON, l'envoie, le client la relit, la range, puis écrit le notebook. Un
territoire d'un lot a ~46 cellules et ~140 sorties (chapitre 10 et fiches) ; mesuré sur le lot d'une région, ce
protocole, la machinerie de ``run_cell`` et le client prennent de l'ordre d'un cinquième du calcul d'un territoire de
plus. Ici, le noyau exécute lui-même les cellules, par le même ``run_cell`` d'IPython que pour une demande (mêmes
transformations, magies, crochets ``pre_execute`` / ``post_execute`` — figures de matplotlib affichées en fin de
cellule —, compteur d'exécution, variables ``_`` et ``Out``), et range les sorties là où le client les aurait
rangées : ``display`` (éditeur d'affichage remplacé le temps de la cellule), résultat de la dernière expression
(crochet de ``displayhook``, l'API que ipywidgets emploie), flux ``print`` (``sys.stdout`` et ``sys.stderr``
remplacés), erreur (trace mise en forme par IPython, comme celle qu'il enverrait). Le notebook exécuté est le même
qu'exécuté par nbclient : mêmes sorties, mêmes compteurs, même métadonnée ``execution`` de chaque cellule (vérifié par
les tests) ; il est écrit par le noyau, qui exporte aussi la page HTML d'une fiche.

Une cellule qui dépasse le délai permis est arrêtée par une alarme (``SIGALRM``) : comme l'interruption que ferait
nbclient, elle ne coupe pas un calcul en C avant qu'il rende la main. Le runner (:mod:`.kernels`) surveille toujours le
battement de cœur du noyau pendant l'exécution : un noyau mort ou muet est vu aussitôt.

Ce module est importé dans le noyau (par :meth:`.kernels.Noyau.executer_notebook`) ; il n'importe du paquet que
l'export des pages (``report``), et seulement quand une page est demandée.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import signal
import sys
import time
from pathlib import Path

#: nom de l'erreur d'une cellule arrêtée par le délai (celui de nbclient : le runner la dit ainsi)
DELAI_DEPASSE = "CellTimeoutError"


class DelaiDepasse(Exception):
    """Levée dans une cellule qui dépasse le délai permis (alarme)."""


def _horodatage(secondes: float) -> str:
    """Horodatage des métadonnées d'exécution d'une cellule, au format de nbclient."""
    return dt.datetime.fromtimestamp(secondes, dt.UTC).isoformat().replace("+00:00", "Z")


class _Sorties:
    """Les sorties d'une cellule, rangées comme nbclient les range (flux consécutifs d'un même nom réunis,
    ``clear_output`` qui vide, ou attend la sortie suivante pour vider)."""

    def __init__(self):
        self.liste: list[dict] = []
        self._vider_a_la_prochaine = False

    def ajouter(self, sortie: dict) -> None:
        if self._vider_a_la_prochaine:
            self.liste.clear()
            self._vider_a_la_prochaine = False
        if sortie["output_type"] == "stream" and self.liste:
            derniere = self.liste[-1]
            if derniere["output_type"] == "stream" and derniere["name"] == sortie["name"]:
                derniere["text"] += sortie["text"]
                return
        self.liste.append(sortie)

    def vider(self, attendre: bool) -> None:
        if attendre:
            self._vider_a_la_prochaine = True
        else:
            self.liste.clear()


class _Editeur:
    """L'éditeur d'affichage (``shell.display_pub``) le temps d'une cellule : chaque ``display`` va dans ses sorties,
    son contenu nettoyé comme le noyau le nettoie avant de l'envoyer (images en base64, types JSON)."""

    def __init__(self, sorties: _Sorties):
        self.sorties = sorties
        self.is_publishing = False

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        from ipykernel.jsonutil import encode_images, json_clean  # import différé mesuré : seul le noyau le charge

        if update:  # mise à jour d'un affichage nommé : sans effet sur le notebook écrit (comme nbclient)
            return
        if not isinstance(data, dict) or (metadata is not None and not isinstance(metadata, dict)):
            raise TypeError("data and metadata must be dicts")
        contenu = json_clean({"data": encode_images(data), "metadata": metadata or {}})
        self.sorties.ajouter({"output_type": "display_data", "data": contenu["data"], "metadata": contenu["metadata"]})

    def clear_output(self, wait=False):
        self.sorties.vider(wait)


class _Flux(io.TextIOBase):
    """``sys.stdout`` ou ``sys.stderr`` le temps d'une cellule : le texte écrit va dans les sorties (le reste de
    l'interface d'un flux texte est celle d'``io.TextIOBase`` : ``fileno`` lève ``io.UnsupportedOperation``, comme
    pour un ``io.StringIO``)."""

    def __init__(self, nom: str, sorties: _Sorties):
        super().__init__()
        self._nom, self._sorties = nom, sorties

    @property
    def name(self) -> str:
        return self._nom

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, texte: str) -> int:
        if texte:
            self._sorties.ajouter({"output_type": "stream", "name": self._nom, "text": str(texte)})
        return len(texte)


@contextlib.contextmanager
def _sorties_captees(shell, sorties: _Sorties):
    """Le temps d'une cellule, tout ce qu'elle affiche va dans ``sorties`` et rien au client du noyau."""

    ancien_editeur, anciens_flux = shell.display_pub, (sys.stdout, sys.stderr)
    anciennes_traces = shell.__dict__.get("_showtraceback")
    for flux in anciens_flux:
        with contextlib.suppress(Exception):
            flux.flush()  # ce que le noyau avait en attente part avant (ordre des messages)

    def resultat(msg):  # crochet du displayhook : le résultat de la dernière expression
        if msg["msg_type"] != "execute_result":
            return msg
        contenu = msg["content"]
        sorties.ajouter(
            {
                "output_type": "execute_result",
                "data": contenu["data"],
                "metadata": contenu.get("metadata") or {},
                "execution_count": contenu.get("execution_count"),
            }
        )
        return None

    def trace(etype, evalue, stb):  # comme ZMQInteractiveShell._showtraceback, rangée au lieu d'envoyée
        sys.stdout.flush()
        sys.stderr.flush()
        sorties.ajouter({"output_type": "error", "ename": str(etype.__name__), "evalue": str(evalue), "traceback": stb})
        shell._last_traceback = stb

    hook = shell.displayhook
    crochet = hasattr(hook, "register_hook")
    shell.display_pub = _Editeur(sorties)
    sys.stdout, sys.stderr = _Flux("stdout", sorties), _Flux("stderr", sorties)
    shell._showtraceback = trace
    if crochet:
        hook.register_hook(resultat)
    try:
        yield
    finally:
        if crochet:
            hook.unregister_hook(resultat)
        if anciennes_traces is None:
            shell.__dict__.pop("_showtraceback", None)
        else:
            shell._showtraceback = anciennes_traces
        sys.stdout, sys.stderr = anciens_flux
        shell.display_pub = ancien_editeur


@contextlib.contextmanager
def _delai(secondes: float | None):
    """Alarme qui lève :class:`DelaiDepasse` dans la cellule au bout de ``secondes`` (``None`` : sans limite)."""
    if not secondes:
        yield
        return

    def sonner(_signal, _cadre):
        raise DelaiDepasse(f"la cellule a dépassé le délai permis ({secondes:g} s)")

    ancien = signal.signal(signal.SIGALRM, sonner)
    signal.setitimer(signal.ITIMER_REAL, float(secondes))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, ancien)


def _source(cellule) -> str:
    source = cellule.get("source", "")
    return "".join(source) if isinstance(source, list) else source


#: début de la ligne que le noyau écrit au client après chaque cellule, quand il est suivi (barre de progression)
MARQUE_CELLULE = "@@politique_ville:cellule:"


def executer_cellules(nb: dict, delai: float | None = None, suivi: bool = False) -> dict:
    """Exécute dans ce noyau les cellules de code de ``nb`` (dictionnaire d'un notebook, modifié en place : sorties,
    compteurs, métadonnée ``execution``), jusqu'à la première erreur. Renvoie ``{"statut": "ok"}``, ou
    ``{"statut": "erreur" | "delai", "cellule": index, "ename", "evalue", "traceback"}`` ; et ``"durees"`` : début et
    fin (secondes depuis l'époque) de chaque cellule exécutée, par index. ``suivi`` : après chaque cellule, une ligne
    :data:`MARQUE_CELLULE` suivie de son index est écrite au client (qui tient une barre de progression)."""
    from nbformat import from_dict

    shell = get_ipython()  # noqa: F821 (défini dans un noyau IPython)
    # comme nbclient, qui la tient de la réponse du noyau à « kernel_info » : la langue du notebook (son lexer
    # ``ipython3`` colore le code des pages « avec le code »)
    langue = getattr(getattr(shell, "kernel", None), "language_info", None)
    if langue:
        nb.setdefault("metadata", {})["language_info"] = from_dict(json.loads(json.dumps(langue)))
    durees: dict[int, tuple[str, str]] = {}
    for index, cellule in enumerate(nb.get("cells", [])):
        if cellule.get("cell_type") != "code":
            continue
        cellule["outputs"], cellule["execution_count"] = [], None
        sorties = _Sorties()
        execution = cellule.setdefault("metadata", {}).setdefault("execution", {})
        debut = time.time()
        execution["iopub.status.busy"] = execution["iopub.execute_input"] = _horodatage(debut)
        compte = shell.execution_count
        with _sorties_captees(shell, sorties), _delai(delai):
            resultat = shell.run_cell(_source(cellule), store_history=True)
        fin = time.time()
        execution["shell.execute_reply"] = execution["iopub.status.idle"] = _horodatage(fin)
        cellule["outputs"], cellule["execution_count"] = [from_dict(s) for s in sorties.liste], compte
        durees[index] = (debut, fin)
        if suivi:
            sys.stdout.write(f"{MARQUE_CELLULE}{index}\n")
            sys.stdout.flush()
        erreur = resultat.error_before_exec or resultat.error_in_exec
        if erreur is not None:
            derniere = next((s for s in reversed(sorties.liste) if s["output_type"] == "error"), None)
            return {
                "statut": "delai" if isinstance(erreur, DelaiDepasse) else "erreur",
                "cellule": index,
                "ename": derniere["ename"] if derniere else type(erreur).__name__,
                "evalue": derniere["evalue"] if derniere else str(erreur),
                "traceback": derniere["traceback"] if derniere else [],
                "durees": durees,
            }
    return {"statut": "ok", "durees": durees}


def vierge() -> None:
    """Ce noyau remis dans l'état d'un noyau neuf (comme ``kernels._VIERGE``) : figures fermées, espace de noms vidé,
    nouvelle session d'historique, compteur à 1, sans le ramassage complet des objets que fait ``reset``."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    collect, gc.collect = gc.collect, (lambda *a, **k: 0)
    try:
        get_ipython().reset(new_session=True)  # noqa: F821
    finally:
        gc.collect = collect


def executer_fichier(
    entree: str,
    sortie: str,
    *,
    delai: float | None = None,
    remettre_a_zero: bool = False,
    suivi: bool = False,
    page: str | None = None,
    page_options: dict | None = None,
) -> str:
    """Lit le notebook ``entree`` (paramètres déjà injectés), l'exécute dans ce noyau (:func:`executer_cellules`),
    écrit le notebook exécuté dans ``sortie`` (même en cas d'erreur : c'est le compte rendu) et, s'il a réussi et
    que ``page`` est donné, sa page HTML (``report.export.exporter_html``, options ``page_options``).
    ``remettre_a_zero`` : le noyau est d'abord remis à neuf (:func:`vierge`) ; ``suivi`` : voir
    :func:`executer_cellules`. Renvoie le résultat de
    :func:`executer_cellules` en JSON, avec la durée de l'écriture et de l'export."""
    import nbformat
    from nbformat.v4 import nbjson

    if remettre_a_zero:
        vierge()
    # écrit par le runner à partir d'un notebook lu et validé : relu sans nouvelle validation
    nb = nbjson.reads(Path(entree).read_text(encoding="utf-8"))
    resultat = executer_cellules(nb, delai, suivi)
    t = time.perf_counter()
    nbformat.write(nb, sortie)
    if page and resultat["statut"] == "ok":
        from politique_ville.report.export import exporter_html  # import différé mesuré : nbconvert, pour une page

        exporter_html(nb, Path(page), **(page_options or {}))
    resultat["ecriture"] = time.perf_counter() - t
    return json.dumps(resultat, ensure_ascii=False)
