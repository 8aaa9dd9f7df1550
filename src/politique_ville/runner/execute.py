"""L'exécution d'un notebook (papermill) ou d'un lot de fiches quartier (un noyau pour tout le lot), puis l'export
HTML (``export.py`` : version du rapport, code masqué, et version avec le code)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import queue
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from politique_ville.report.export import exporter_html, titre_notebook

from .kernels import _noyau

# jsonschema (importé par nbformat, donc par papermill et nbconvert) compile à son chargement une grammaire Lark pour
# vérifier le format « iri » (paquet rfc3987_syntax) : 0,7 s de calcul au début de chaque exécution, pour un format
# qu'aucun schéma de notebook n'emploie. Le processus du runner s'en passe ; les noyaux n'en sont pas affectés.
sys.modules.setdefault("rfc3987_syntax", None)

#: erreurs dont le message, en français, se suffit (sans le nom de l'exception)
ERREURS_EXPLIQUEES = ("ErreursNettoyage", "ErreurDonnees", "ValidationEchouee")


#: moteur papermill qui exécute dans un noyau déjà démarré (celui du pool), cellule par cellule dans le noyau même
MOTEUR = "politique_ville"


def _enregistrer_moteur():
    """Le moteur de papermill qui exécute le notebook dans un noyau du pool, par une seule demande
    (:meth:`.kernels.Noyau.executer_notebook`, cellules exécutées par le noyau lui-même : :mod:`.en_noyau`) :
    papermill injecte les paramètres, tient ses métadonnées (début, fin et durée de chaque cellule, celles que le
    noyau a mesurées ; cellule en échec) et signale les erreurs comme d'habitude ; la barre de progression avance à
    chaque cellule. Le noyau, qui ne lui appartient pas, n'est ni démarré ni arrêté."""
    from papermill.engines import Engine, papermill_engines

    class MoteurNoyauPrete(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, execution_timeout=None, **kwargs):
            executer_dans_le_noyau(nb_man, kwargs["noyau"], execution_timeout)

    papermill_engines.register(MOTEUR, MoteurNoyauPrete)


def executer_dans_le_noyau(nb_man, noyau, delai: float | None = None) -> None:
    """Exécute ``nb_man.nb`` (papermill) dans ``noyau`` et y range sorties, compteurs et métadonnées ; lève
    ``CellTimeoutError`` (nbclient) si une cellule a dépassé ``delai``."""

    cellules = nb_man.nb.cells

    def suivre(index: int):
        nb_man.cell_start(cellules[index], index)
        nb_man.cell_complete(cellules[index], index)

    with tempfile.TemporaryDirectory(prefix="pv-notebook-") as d:
        chemin = Path(d) / "notebook.ipynb"
        chemin.write_text(json.dumps(nb_man.nb, ensure_ascii=False), encoding="utf-8")
        resultat = noyau.executer_notebook(chemin, chemin, delai=delai, suivi=suivre)
        execute = lire_sans_valider(chemin)  # écrit et validé par le noyau (nbformat.write)
    if "language_info" in execute.metadata:  # celle du noyau, comme nbclient la pose
        nb_man.nb.metadata.language_info = execute.metadata.language_info
    for index, (cellule, faite) in enumerate(zip(cellules, execute.cells)):
        if cellule.cell_type != "code":
            continue
        cellule.outputs, cellule.execution_count = faite.outputs, faite.execution_count
        if "execution" in faite.metadata:
            cellule.metadata.execution = faite.metadata.execution
        debut_fin = resultat["durees"].get(str(index))
        if debut_fin is None:
            continue
        if resultat["statut"] != "ok" and index == resultat["cellule"]:
            nb_man.cell_exception(cellule, index)
        debut, fin = (dt.datetime.fromtimestamp(t, dt.UTC) for t in debut_fin)
        cellule.metadata.papermill.update(
            start_time=debut.isoformat(), end_time=fin.isoformat(), duration=(fin - debut).total_seconds()
        )
    if resultat["statut"] == "delai":
        from nbclient.exceptions import CellTimeoutError

        raise CellTimeoutError.error_from_timeout_and_cell(
            "Cell execution timed out", delai, cellules[resultat["cellule"]]
        )


def lire_sans_valider(chemin: Path):
    """Un notebook (format 4) tel que ``nbformat.read`` le rend (textes en plusieurs lignes réunis, champs
    transitoires retirés), sans le valider à nouveau : pour un notebook que ce processus ou le noyau vient d'écrire
    par ``nbformat.write``, qui l'a validé."""
    from nbformat.v4.nbjson import reads

    return reads(Path(chemin).read_text(encoding="utf-8"))


def sortie_du_message(msg):
    """La sortie d'une cellule tirée d'un message IOPub du noyau : le même nœud que ``nbformat.v4.output_from_msg``,
    sans la validation de chaque sortie contre le schéma des notebooks (``jsonschema``, un schéma par référence :
    ~2 % du calcul d'un lot). Le notebook entier est validé quand il est écrit (``nbformat.write``)."""
    from nbformat import NotebookNode

    msg_type, content = msg["header"]["msg_type"], msg["content"]
    if msg_type not in _CHAMPS_DES_SORTIES:
        raise ValueError(f"Unrecognized output msg type: {msg_type!r}")
    sortie = NotebookNode(output_type=msg_type)
    sortie.update({champ: content[champ] for champ in _CHAMPS_DES_SORTIES[msg_type]})  # dicts -> NotebookNode
    return sortie


#: champs d'une sortie de notebook, dans l'ordre de ``nbformat.v4.new_output``, par type de message
_CHAMPS_DES_SORTIES = {
    "execute_result": ("metadata", "data", "execution_count"),
    "display_data": ("metadata", "data"),
    "stream": ("name", "text"),
    "error": ("ename", "evalue", "traceback"),
}


def _sorties_validees_a_l_ecriture():
    """nbclient (papermill compris) construit chaque sortie par :func:`sortie_du_message` : chacune n'est plus
    validée seule, le notebook l'est en entier à son écriture."""
    import nbclient.client

    nbclient.client.output_from_msg = sortie_du_message


def executer_notebook(notebook: Path, execute: Path, parametres: dict, *, noyau=None, barre=None, delai=None):
    """Exécute ``notebook`` avec ``parametres`` (papermill), écrit le notebook exécuté dans ``execute`` (une fois, à
    la fin : papermill ne le réécrit pas après chaque cellule). ``noyau`` : un noyau du pool (:class:`Noyau`), prêté
    pour ce notebook ; sinon papermill en démarre un. ``delai`` : secondes permises à une cellule (``None`` : sans
    limite)."""
    import papermill as pm
    from papermill.engines import papermill_engines

    if noyau is not None and MOTEUR not in papermill_engines._engines:
        _enregistrer_moteur()
    _sorties_validees_a_l_ecriture()
    pm.execute_notebook(
        str(notebook),
        str(execute),
        parameters=parametres,
        kernel_name=_noyau(),
        cwd=str(notebook.parent),
        progress_bar=barre or False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=delai,
        **({"engine_name": MOTEUR, "noyau": noyau} if noyau is not None else {}),
    )


_FIL_EXPORT = None
_VERROU_EXPORT = threading.Lock()


def fil_export():
    """Le fil des exports HTML du processus : un seul, qui garde un exportateur par version (gabarits compilés une
    fois) ; pendant qu'il exporte une fiche, le noyau qui l'a faite passe à la suivante. Le calcul en Python du
    processus principal ne gagne rien à plusieurs fils (verrou global de l'interpréteur)."""
    global _FIL_EXPORT
    with _VERROU_EXPORT:
        if _FIL_EXPORT is None:
            _FIL_EXPORT = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-html")
        return _FIL_EXPORT


def _exporter_chapitre(execute: Path, dossier: Path, nom: str):
    nb = lire_sans_valider(execute)  # écrit et validé par papermill à l'instant
    titre = titre_notebook(execute, nb)
    exporter_html(nb, dossier / f"{nom}.html", titre=titre)
    exporter_html(nb, dossier / f"{nom}_avec_code.html", avec_code=True, titre=titre)


def exporter(execute: Path, dossier: Path, nom: str):
    """``<nom>.html`` (code masqué) et ``<nom>_avec_code.html`` (le notebook exécuté est lu une fois), par le fil des
    exports ; rend la main quand les deux pages sont écrites."""
    fil_export().submit(_exporter_chapitre, execute, dossier, nom).result()


def executer_fiches(
    modele_chemin: Path,
    file_codes,
    dossier: Path,
    parametres: dict,
    *,
    noyau,
    avancer=lambda: None,
    faite=lambda code: None,
    arret=None,
    delai: float | None = 600,
):
    """Exécute des fiches dans le noyau ``noyau`` (:class:`Noyau`, remis à zéro entre deux fiches) : la suivante est
    prise dans ``file_codes`` (``queue.Queue`` partagée par les noyaux qui travaillent aux fiches : celui qui finit
    tôt en prend plus) jusqu'à ce qu'elle soit vide. Chaque fiche est une seule demande au noyau
    (:meth:`Noyau.executer_notebook`) : paramètres injectés ici (papermill), puis le noyau exécute ses cellules,
    écrit le notebook exécuté et la page. ``faite(code)`` : appelé quand une fiche est complète (notebook, classeur
    et page écrits). ``arret`` (``threading.Event``, facultatif) : posé, plus aucune fiche n'est commencée. Renvoie
    ``None``, ou ``(code, notebook exécuté, exception)`` à la première fiche en échec."""

    import nbformat
    from papermill.parameterize import parameterize_notebook

    modele = nbformat.read(str(modele_chemin), as_version=4)
    for c in modele.cells:
        c.metadata.setdefault("tags", [])
    modele.metadata.setdefault("papermill", {})
    options = {"navigation": {"index": "../index.html"}, "titre": titre_notebook(modele_chemin)}
    premiere = True

    while arret is None or not arret.is_set():
        try:
            code = file_codes.get_nowait()
        except queue.Empty:
            break
        nb = parameterize_notebook(copy.deepcopy(modele), {**parametres, "code_qp": code}, kernel_name=_noyau())
        execute = dossier / "notebooks" / f"{code}.ipynb"
        try:
            execute.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")  # relu sans validation
            resultat = noyau.executer_notebook(
                execute,
                execute,
                delai=delai,
                remettre_a_zero=not premiere,
                page=str(dossier / f"{code}.html"),
                page_options=options,
            )
        except Exception as exc:  # noyau mort ou muet, écriture impossible
            return code, None, exc
        premiere = False
        if resultat["statut"] != "ok":
            return code, execute, erreur_de_cellule(resultat, delai)
        faite(code)
        avancer()
    return None


def erreur_de_cellule(resultat: dict, delai: float | None = None) -> Exception:
    """L'exception que nbclient aurait levée pour la cellule en échec d'un notebook exécuté dans le noyau
    (:func:`.en_noyau.executer_cellules`) : ``CellExecutionError`` (nom, message et trace de l'erreur de la
    cellule) ou ``CellTimeoutError``."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    if resultat["statut"] == "delai":
        return CellTimeoutError(f"Cell execution timed out after {delai} seconds")
    trace = "\n".join(resultat.get("traceback") or [])
    return CellExecutionError(trace, resultat["ename"], resultat["evalue"])


class NoyauPerdu(RuntimeError):
    """Le noyau Jupyter d'une étape est mort ou ne répond plus."""


def cause(exc: Exception) -> str:
    """Ce qui a fait échouer une étape, en une ligne : le message de l'erreur levée dans le notebook."""
    nom = type(exc).__name__
    if nom == "DeadKernelError" or isinstance(exc, NoyauPerdu):
        return (
            "le noyau Jupyter de l'étape s'est arrêté ou ne répondait plus (processus tué, mémoire épuisée ?) ; "
            "les autres étapes en cours ont été interrompues"
        )
    if nom == "CellTimeoutError":
        return (
            "une cellule n'a pas fini dans le délai permis (POLITIQUE_VILLE_DELAI_CELLULE) : le noyau ne répondait plus"
        )
    if hasattr(exc, "evalue"):  # PapermillExecutionError : l'exception levée dans le notebook
        return f"{exc.evalue}" if exc.ename in ERREURS_EXPLIQUEES else f"{exc.ename} : {exc.evalue}"
    return f"{exc.__class__.__name__} : {exc}"
