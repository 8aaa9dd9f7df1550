"""L'exécution d'un notebook (papermill) ou d'un lot de fiches quartier (un noyau pour tout le lot), puis l'export
HTML (``export.py`` : version du rapport, code masqué, et version avec le code)."""

from __future__ import annotations

import copy
from pathlib import Path

from ..export import exporter_html
from .kernels import _arreter_noyau, _noyau

#: erreurs dont le message, en français, se suffit (sans le nom de l'exception)
ERREURS_EXPLIQUEES = ("ErreursNettoyage", "ErreurDonnees", "ValidationEchouee")


def executer_notebook(notebook: Path, execute: Path, parametres: dict, *, km=None, barre=None):
    """Exécute ``notebook`` avec ``parametres`` (papermill), écrit le notebook exécuté dans ``execute``. ``km`` :
    un noyau préchauffé prêté (arrêté ensuite), sinon papermill en démarre un."""
    import papermill as pm

    try:
        pm.execute_notebook(
            str(notebook),
            str(execute),
            parameters=parametres,
            kernel_name=_noyau(),
            cwd=str(notebook.parent),
            progress_bar=barre or False,
            log_output=False,
            **({"km": km} if km is not None else {}),
        )
    finally:
        if km is not None:  # noyau prêté par la réserve : papermill ne l'arrête pas
            _arreter_noyau(km)


def exporter(execute: Path, dossier: Path, nom: str):
    """``<nom>.html`` (code masqué) et ``<nom>_avec_code.html``."""
    exporter_html(execute, dossier / f"{nom}.html")
    exporter_html(execute, dossier / f"{nom}_avec_code.html", avec_code=True)


def executer_lot_de_fiches(
    modele_chemin: Path,
    codes: list[str],
    dossier: Path,
    parametres: dict,
    *,
    km=None,
    avancer=lambda: None,
    faite=lambda code: None,
    arret=None,
):
    """Exécute un lot de fiches dans UN noyau (``km`` préchauffé, sinon démarré ici) : le démarrage du noyau et les
    imports sont payés une fois. ``faite(code)`` : appelé quand une fiche est complète (notebook, classeur et page
    écrits). ``arret`` (``threading.Event``, facultatif) : posé, le lot s'arrête après la fiche en cours (exécution
    interrompue). Renvoie ``None``, ou ``(code, notebook exécuté, exception)`` à la première fiche en échec."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from papermill.parameterize import parameterize_notebook

    modele = nbformat.read(str(modele_chemin), as_version=4)
    for c in modele.cells:
        c.metadata.setdefault("tags", [])
    modele.metadata.setdefault("papermill", {})
    if km is None:
        km = KernelManager(kernel_name=_noyau())
        km.start_kernel(cwd=str(modele_chemin.parent))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        for code in codes:
            if arret is not None and arret.is_set():
                break
            nb = parameterize_notebook(copy.deepcopy(modele), {**parametres, "code_qp": code}, kernel_name=_noyau())
            execute = dossier / "notebooks" / f"{code}.ipynb"
            try:
                client = NotebookClient(
                    nb,
                    km=km,
                    timeout=600,
                    kernel_name=_noyau(),
                    resources={"metadata": {"path": str(modele_chemin.parent)}},
                )
                client.kc = kc  # le noyau du lot, déjà démarré
                client.execute()
            except Exception as exc:
                nbformat.write(nb, str(execute))
                return code, execute, exc
            nbformat.write(nb, str(execute))
            exporter_html(execute, dossier / f"{code}.html", navigation={"index": "../index.html"})
            faite(code)
            avancer()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return None


def cause(exc: Exception) -> str:
    """Ce qui a fait échouer une étape, en une ligne : le message de l'erreur levée dans le notebook."""
    if hasattr(exc, "evalue"):  # PapermillExecutionError : l'exception levée dans le notebook
        return f"{exc.evalue}" if exc.ename in ERREURS_EXPLIQUEES else f"{exc.ename} : {exc.evalue}"
    return f"{exc.__class__.__name__} : {exc}"
