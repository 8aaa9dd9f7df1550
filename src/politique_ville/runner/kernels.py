"""Les noyaux Jupyter : le noyau du projet (enregistré au besoin) et les noyaux d'une exécution.

Démarrer un noyau et y importer pandas, matplotlib et le paquet coûte de l'ordre d'une seconde et demie de calcul :
payé pour chaque notebook et chaque fiche, c'est l'essentiel d'une exécution. Une exécution démarre donc quelques
noyaux une fois (:class:`PoolNoyaux`, autant que de tâches en parallèle, en arrière-plan dès le début) et chaque
notebook en emprunte un puis le rend : entre deux notebooks, l'espace de noms est vidé (``reset``), les figures
fermées et le compteur d'exécution remis à 1 (:meth:`Noyau.vierge`) — un notebook exécuté ne voit rien du précédent
que les modules déjà importés (et leurs calculs gardés par ``politique_ville.base.memo``, qui ne changent aucun
résultat). Le noyau de la validation (Great Expectations, plusieurs secondes d'import) est préparé pendant la lecture
et les nettoyages, puis rejoint les autres.
"""

from __future__ import annotations

import ast
import functools
import json
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

from politique_ville.reference.etapes import ETAPES

from .en_noyau import MARQUE_CELLULE

NOYAU = "politique-ville"
#: secondes sans battement de cœur au-delà desquelles un noyau prêté est dit muet et arrêté
DELAI_MUET = 20.0


def _spec_noyau() -> dict:
    # journal du noyau réduit aux erreurs fatales : à l'arrêt d'un noyau, jupyter_client l'interrompt d'abord, ce qui
    # fait écrire « KeyboardInterrupt caught in kernel » (sans conséquence) ; les erreurs des cellules, elles,
    # remontent par le notebook (et arrêtent l'exécution)
    return {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=CRITICAL",
        ],
        "display_name": "Python (politique de la ville)",
        "language": "python",
        "metadata": {"debugger": True},
    }


def installer_noyau() -> str:
    """Enregistre le noyau « politique-ville » dans l'environnement courant (sys.prefix), journal réduit aux erreurs
    fatales (sans l'avertissement « Kernel is running over TCP » à chaque notebook)."""

    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "kernel.json").write_text(json.dumps(_spec_noyau(), indent=1), encoding="utf-8")
        return KernelSpecManager().install_kernel_spec(d, NOYAU, prefix=sys.prefix)


@functools.lru_cache(maxsize=1)
def _noyau() -> str:
    """Le noyau du projet, ré-enregistré s'il manque ou s'il date d'une version précédente du projet ; « python3 »
    si l'enregistrement est impossible."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception:
        return "python3"
    try:
        actuel = json.loads((Path(specs[NOYAU]) / "kernel.json").read_text(encoding="utf-8"))
    except (KeyError, OSError, ValueError):
        actuel = None
    if actuel != _spec_noyau():
        try:
            installer_noyau()
        except Exception:  # environnement en lecture seule : le noyau déjà enregistré, à défaut python3
            return NOYAU if actuel else "python3"
    return NOYAU


#: options des noyaux que démarre le runner (pas du noyau enregistré, que JupyterLab emploie aussi) : sans l'historique
#: des cellules d'IPython (base SQLite écrite par un fil du noyau à chaque cellule, inutile à un notebook exécuté
#: d'un bout à l'autre : 1,6 s de calcul des noyaux sur 43 s dans un lot de 15 territoires), et sans la recherche d'un
#: ``await`` au niveau de la cellule (IPython compile chaque cellule deux fois pour la faire, ipykernel puis
#: ``run_cell`` ; aucun notebook du rapport n'en a : 1,6 s de calcul des noyaux sur 160 s dans un lot de 62 territoires)
ARGUMENTS_DU_RUNNER = ("--HistoryManager.enabled=False", "--InteractiveShell.autoawait=False")


#: bibliothèques importées d'avance dans les noyaux d'une exécution (celles des chapitres et des fiches : coût d'import
#: mesuré, docs/architecture.md « Imports différés »)
BIBLIOTHEQUES = ("pandas", "numpy", "pyarrow.parquet", "matplotlib.pyplot", "seaborn", "IPython.display")


def modules_des_notebooks(dossier, notebooks) -> tuple[str, ...]:
    """Les modules du paquet qu'importent ces notebooks (cellules de code, ``import`` et ``from … import``), dans
    l'ordre de leur première apparition : ce qu'un noyau de l'exécution importe d'avance. Lus dans les notebooks
    eux-mêmes : le runner ne nomme aucun module de chapitre."""
    paquet = Path(__file__).resolve().parents[1]

    def existe(nom: str) -> bool:
        chemin = paquet.joinpath(*nom.split(".")[1:])
        return chemin.with_suffix(".py").is_file() or (chemin / "__init__.py").is_file()

    modules: dict[str, None] = {}
    for nom in notebooks:
        chemin = Path(dossier) / nom
        if not chemin.is_file():
            continue
        for cellule in json.loads(chemin.read_text(encoding="utf-8")).get("cells", []):
            if cellule.get("cell_type") != "code":
                continue
            try:
                arbre = ast.parse("".join(cellule.get("source", [])))
            except SyntaxError:  # cellule de magies IPython : rien à importer d'avance
                continue
            for noeud in arbre.body:
                if isinstance(noeud, ast.Import):
                    candidats = [a.name for a in noeud.names]
                elif isinstance(noeud, ast.ImportFrom) and noeud.module and not noeud.level:
                    candidats = [f"{noeud.module}.{a.name}" for a in noeud.names]
                    candidats = [c for c in candidats if c.startswith("politique_ville.") and existe(c)] or [
                        noeud.module
                    ]
                else:
                    continue
                for c in candidats:
                    if c.startswith("politique_ville.") and existe(c):
                        modules[c] = None
    return tuple(modules)


def _notebooks(valide: bool) -> tuple[str, ...]:
    """Les notebooks de la table des étapes : ceux de la validation (``valide``) ou tous les autres."""
    return tuple(d.notebook for d in ETAPES if d.valide == valide)


def modules_d_avance(dossier) -> tuple[str, ...]:
    """Ce qu'importe d'avance un noyau des chapitres, des fiches et des nettoyages : les bibliothèques, puis les
    modules du paquet qu'importent leurs notebooks (la validation a son noyau : Great Expectations est long à
    importer)."""
    return BIBLIOTHEQUES + modules_des_notebooks(dossier, _notebooks(valide=False))


def modules_de_la_validation(dossier) -> tuple[str, ...]:
    """Ce qu'importe d'avance le noyau de la validation, préparé pendant la lecture et les nettoyages."""
    return ("great_expectations", "pandas", "pyarrow.parquet", "IPython.display") + modules_des_notebooks(
        dossier, _notebooks(valide=True)
    )


#: remise à zéro entre deux notebooks : espace de noms vidé, figures fermées, compteur d'exécution remis à 1
_VIERGE = (
    "def _pv_vierge():\n"
    "    import gc, sys\n"
    "    if 'matplotlib.pyplot' in sys.modules:\n"
    "        sys.modules['matplotlib.pyplot'].close('all')\n"
    # comme un noyau neuf : espace de noms vidé, nouvelle session d'historique, compteur d'exécution à 1 ; sans le
    # ramassage complet des objets que fait ``reset`` (0,1 s avec les tables nationales en mémoire, à chaque fiche) :
    # le ramasse-miettes de Python passe de lui-même. Dans une fonction : ``reset`` vide l'espace de noms, pas ses
    # variables locales
    "    collect, gc.collect = gc.collect, (lambda *a, **k: 0)\n"
    "    try:\n"
    "        get_ipython().reset(new_session=True)\n"
    "    finally:\n"
    "        gc.collect = collect\n"
    "_pv_vierge()"
)


#: les cellules d'un notebook reviennent, mot pour mot, à chaque fiche et à chaque territoire d'un lot : la
#: transformation du texte d'une cellule par IPython (lecture des « % » et « ! » par son analyseur lexical, faite deux
#: fois par cellule, par ipykernel puis par ``run_cell``), fonction de ce seul texte, est gardée pour le même texte
_TRANSFORMATIONS_GARDEES = (
    "def _pv_garder_les_transformations(gestionnaire, taille=512):\n"
    "    transformer, gardees = gestionnaire.transform_cell, {}\n"
    "    def transform_cell(cellule):\n"
    "        texte = gardees.get(cellule)\n"
    "        if texte is None:\n"
    "            texte = gardees[cellule] = transformer(cellule)\n"
    "            if len(gardees) > taille:\n"
    "                gardees.pop(next(iter(gardees)))\n"
    "        return texte\n"
    "    transform_cell.gardees = gardees\n"
    "    gestionnaire.transform_cell = transform_cell\n"
    "_pv_garder_les_transformations(get_ipython().input_transformer_manager)\n"
    "del _pv_garder_les_transformations\n"
)


def _code_imports(modules) -> str:
    return (
        _TRANSFORMATIONS_GARDEES + "import importlib as _pv_importlib\nimport os as _pv_os\n"
        "_pv_os.environ.setdefault('GX_ANALYTICS_ENABLED', 'False')\n"
        "_pv_module = None\n"  # défini même sans module à importer (``del`` plus bas)
        f"for _pv_module in {tuple(modules)!r}:\n    _pv_importlib.import_module(_pv_module)\n"
        "del _pv_importlib, _pv_os, _pv_module\n"
        # les objets des modules importés vivent autant que le noyau : mis à part du ramasse-miettes, qui ne les
        # parcourt plus à chaque collecte complète (7 collectes de 50 ms pour 31 fiches, 4 % du temps des fiches)
        "import gc as _pv_gc\n_pv_gc.collect()\n_pv_gc.freeze()\ndel _pv_gc"
    )


class Noyau:
    """Un noyau du projet démarré une fois, modules importés, qui exécute des notebooks l'un après l'autre (son
    client ``kc`` reste ouvert : papermill et nbclient l'utilisent tel quel)."""

    def __init__(self, km, kc, modules: tuple[str, ...]):
        self.km, self.kc, self.modules = km, kc, tuple(modules)
        self.en_notebook = False  # prêté à une étape, qui y exécute son notebook (pas pendant sa remise à zéro)
        self.notebooks = 0  # notebooks exécutés depuis le démarrage
        self.muet_depuis: float | None = None  # depuis quand il ne répond plus au battement de cœur
        for canal in (kc.shell_channel, kc.iopub_channel):
            _attente_surveillee(canal, self)

    def repond(self) -> bool:
        """``False`` si le noyau est mort, ou muet (pas de battement de cœur) depuis :data:`DELAI_MUET` secondes —
        processus suspendu, machine à bout — ; il est alors tué. Un calcul long n'empêche pas le battement de cœur
        (il est rendu par un fil à part du noyau)."""

        if not self.km.is_alive():
            return False
        try:
            bat = self.kc.hb_channel.is_beating()
        except Exception:
            bat = True
        maintenant = time.monotonic()
        if bat:
            self.muet_depuis = None
        elif self.muet_depuis is None:
            self.muet_depuis = maintenant
        elif maintenant - self.muet_depuis > DELAI_MUET:
            _tuer(self.km)
            return False
        return True

    @classmethod
    def demarrer(cls, cwd, modules: tuple[str, ...] | None = None) -> Noyau:
        """Démarre un noyau dans ``cwd`` et y importe ``modules`` (sans rien définir dans l'espace de noms du
        notebook ni compter d'exécution ; par défaut :func:`modules_d_avance`). Une erreur de démarrage est levée
        (l'appelant fait sans)."""
        modules = modules_d_avance(cwd) if modules is None else modules
        from jupyter_client.manager import KernelManager

        km = KernelManager(kernel_name=_noyau())
        km.start_kernel(cwd=str(cwd), extra_arguments=list(ARGUMENTS_DU_RUNNER))
        try:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            noyau = cls(km, kc, modules)
            if not noyau.executer(_code_imports(modules), timeout=300):
                raise RuntimeError("imports du noyau en échec")
        except BaseException:
            _arreter_noyau(km)
            raise
        return noyau

    def executer(self, code: str, timeout: float = 60) -> bool:
        """Exécute ``code`` en silence (hors historique) ; ``False`` si le code échoue ou si le noyau ne répond pas."""

        # comme ``execute_interactive``, mais par les canaux surveillés : un noyau mort ou muet est vu tout de suite
        fin = time.monotonic() + timeout
        try:
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            while True:  # messages de sortie jusqu'à « idle » pour cette exécution
                msg = self.kc.iopub_channel.get_msg(timeout=max(0.0, fin - time.monotonic()))
                if (
                    msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"
                ):
                    break
            while True:
                rep = self.kc.shell_channel.get_msg(timeout=max(0.0, fin - time.monotonic()))
                if rep.get("parent_header", {}).get("msg_id") == msg_id:
                    return rep.get("content", {}).get("status") == "ok"
        except Exception:
            return False

    def executer_notebook(self, entree, sortie, *, delai: float | None = None, suivi=None, **options) -> dict:
        """Exécute le notebook ``entree`` dans ce noyau, cellule par cellule, par une seule demande
        (:func:`.en_noyau.executer_fichier` : le noyau écrit ``sortie``, et la page HTML si ``page`` est donnée) ;
        renvoie son résultat (``statut``, cellule en échec, durées). ``suivi(index)`` (facultatif) : appelé à la fin
        de chaque cellule. Le battement de cœur est surveillé pendant l'attente (noyau mort ou muet :
        ``DeadKernelError``) ; ``delai`` s'applique à chaque cellule, dans le noyau."""
        arguments = {"entree": str(entree), "sortie": str(sortie), "delai": delai, "suivi": suivi is not None}
        code = (
            "_pv_resultat = __import__('politique_ville.runner.en_noyau', fromlist=['_'])"
            f".executer_fichier(**{ {**arguments, **options}!r})"
        )
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions={"r": "_pv_resultat"})
        if suivi is not None:  # les fins de cellules, jusqu'à ce que le noyau ait fini cette demande
            while True:
                msg = self.kc.iopub_channel.get_msg(timeout=None)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    for ligne in msg["content"].get("text", "").splitlines():
                        if ligne.startswith(MARQUE_CELLULE):
                            suivi(int(ligne[len(MARQUE_CELLULE) :]))
                elif msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    break
        while True:  # la réponse à cette demande
            rep = self.kc.shell_channel.get_msg(timeout=None)
            if rep.get("parent_header", {}).get("msg_id") == msg_id:
                break
        self._vider_iopub()
        contenu = rep.get("content", {})
        if contenu.get("status") != "ok":
            raise RuntimeError(
                f"exécution du notebook dans le noyau en échec : {contenu.get('ename')} : {contenu.get('evalue')}"
            )
        return json.loads(ast.literal_eval(contenu["user_expressions"]["r"]["data"]["text/plain"]))

    def _vider_iopub(self) -> None:
        """Les messages IOPub déjà reçus et non lus (états du noyau d'une demande dont seule la réponse compte)."""
        while True:
            try:
                self.kc.iopub_channel.get_msg(timeout=0)
            except queue.Empty:
                return

    def vierge(self) -> bool:
        """Remet le noyau dans l'état d'un noyau neuf pour le notebook suivant ; ``False`` s'il est mort ou ne
        répond plus (il est alors à arrêter)."""
        return self.km.is_alive() and self.executer(_VIERGE)

    def arreter(self):
        try:
            self.kc.stop_channels()
        except Exception:
            pass
        _arreter_noyau(self.km)


def _charge(noyau: Noyau) -> bool:
    """Ordre de préférence entre noyaux libres : celui de la validation (Great Expectations) en dernier, pour qu'il
    soit libre quand elle en a besoin."""
    return "great_expectations" in noyau.modules


class PoolNoyaux:
    """Les noyaux d'une exécution, démarrés en arrière-plan, prêtés à une étape puis rendus.

    ``prendre`` attend un noyau libre (démarré ou rendu) ; s'il n'y en a aucun et qu'aucun ne démarre plus (démarrage
    impossible), il rend ``None`` et l'étape démarre le sien, comme papermill le fait d'habitude. ``rendre`` remet le
    noyau à zéro (:meth:`Noyau.vierge`) avant de le reprêter ; un noyau mort est arrêté et retiré."""

    def __init__(self, cwd, modules: tuple[str, ...] | None = None):
        self._cwd = str(cwd)
        self._modules = modules_d_avance(cwd) if modules is None else tuple(modules)
        self._cond = threading.Condition()
        self._libres: list[Noyau] = []
        self._prevus = 0  # noyaux en démarrage ou prêtés (ceux qui peuvent encore devenir libres)
        self._tous: list[Noyau] = []
        self._ferme = False
        self._fils: list[threading.Thread] = []

    def demarrer(self, nombre: int = 1, modules: tuple[str, ...] | None = None, apres_les_autres: bool = False):
        """Démarre ``nombre`` noyaux en arrière-plan (en parallèle), avec ``modules`` (par défaut ceux du pool).
        ``apres_les_autres`` : seulement quand les noyaux déjà en démarrage sont prêts (un noyau utile plus tard,
        comme celui de la validation, ne ralentit pas ceux dont la première étape a besoin tout de suite)."""
        for _ in range(max(0, nombre)):
            with self._cond:
                if self._ferme:
                    return
                avant = self._prevus - len(self._tous) if apres_les_autres else 0  # en démarrage
                self._prevus += 1
            fil = threading.Thread(target=self._demarrer_un, args=(modules or self._modules, avant), daemon=True)
            self._fils.append(fil)
            fil.start()

    def nombre(self) -> int:
        """Noyaux libres, prêtés ou en démarrage."""
        with self._cond:
            return self._prevus

    def completer(self, nombre: int, modules: tuple[str, ...] | None = None):
        """Démarre ce qu'il faut de noyaux pour en avoir ``nombre`` (libres, prêtés ou en démarrage) : un pool
        partagé par plusieurs exécutions (lot de territoires) remplace ainsi les noyaux morts ou arrêtés."""
        with self._cond:
            manque = nombre - self._prevus
        self.demarrer(manque, modules)

    def _demarrer_un(self, modules, attendre: int = 0):
        if attendre:
            with self._cond:
                cible = len(self._tous) + attendre
                self._cond.wait_for(lambda: self._ferme or len(self._tous) >= cible or self._prevus < cible, 120)
        try:
            noyau = Noyau.demarrer(self._cwd, modules)
        except Exception:  # un noyau qui ne démarre pas : l'étape en démarrera un elle-même
            noyau = None
        with self._cond:
            if noyau is not None and not self._ferme:
                self._tous.append(noyau)
                self._libres.append(noyau)
            else:
                self._prevus -= 1
            self._cond.notify_all()
        if noyau is not None and self._ferme:
            noyau.arreter()

    def prendre(self, attendre: float = 300.0, modules: tuple[str, ...] = (), tant_que=None) -> Noyau | None:
        """Un noyau libre, en attendant au plus ``attendre`` secondes qu'un noyau démarre ou soit rendu ; ``None`` s'il
        n'y en a aucun à attendre. ``modules`` : un noyau qui les a déjà importés est préféré (la validation prend
        celui de Great Expectations), à défaut n'importe lequel. ``tant_que`` (facultatif) : l'attente cesse
        (``None``) dès qu'il est faux — plus rien à faire, exécution arrêtée."""

        fin = time.monotonic() + attendre
        with self._cond:
            while True:
                if self._libres:
                    # parmi les noyaux qui ont ``modules``, celui de la validation en dernier (elle le trouve libre)
                    aptes = sorted((n for n in self._libres if set(modules) <= set(n.modules)), key=_charge)
                    if aptes or not self._attendus_avec(modules):
                        choisi = aptes[0] if aptes else self._libres[0]
                        self._libres.remove(choisi)
                        choisi.en_notebook = True
                        return choisi
                elif self._prevus == 0:
                    return None  # plus rien ne démarre ni ne sera rendu
                reste = fin - time.monotonic()
                if reste <= 0 or self._ferme or (tant_que is not None and not tant_que()):
                    return None
                self._cond.wait(min(reste, 1.0))

    def _attendus_avec(self, modules) -> bool:
        """Un noyau qui a ``modules`` démarre encore ou est prêté (il vaut la peine de l'attendre)."""
        return any(set(modules) <= set(n.modules) for n in self._tous if n not in self._libres) or (
            self._prevus > len(self._tous)
        )

    def rendre(self, noyau: Noyau | None):
        if noyau is None:
            return
        noyau.en_notebook = False
        noyau.notebooks += 1
        propre = not self._ferme and noyau.vierge()
        with self._cond:
            if propre and not self._ferme:
                self._libres.append(noyau)
            else:
                self._prevus -= 1
                if noyau in self._tous:
                    self._tous.remove(noyau)
            self._cond.notify_all()
        if not propre:
            noyau.arreter()

    def _pretes(self, sauf=()) -> list[Noyau]:
        with self._cond:
            return [n for n in self._tous if n not in self._libres and n not in set(sauf)]

    def interrompre(self, sauf=()):
        """Interrompt les noyaux prêtés, sauf ceux de ``sauf`` (le notebook en cours s'arrête sur
        ``KeyboardInterrupt``) ; pas ceux qu'on est en train de remettre à zéro."""
        for noyau in self._pretes(sauf):
            if not noyau.en_notebook:
                continue
            try:
                noyau.km.interrupt_kernel()
            except Exception:
                pass

    def arreter_pretes(self, sauf=()):
        """Arrête (processus tué) les noyaux encore prêtés, sauf ceux de ``sauf`` : l'étape qui attendait une réponse
        de l'un d'eux échoue aussitôt (noyau mort) au lieu d'attendre le délai d'une cellule. Ils sont retirés quand
        l'étape les rend."""
        for noyau in self._pretes(sauf):
            _tuer(noyau.km)

    def fermer(self):
        """Arrête tous les noyaux (ceux qui démarrent encore le sont à la fin de leur démarrage)."""
        with self._cond:
            self._ferme = True
            tous, self._libres, self._tous = list(self._tous), [], []
            self._cond.notify_all()
        for noyau in tous:
            noyau.arreter()


def _attente_surveillee(canal, noyau: Noyau, tranche: float = 1.0):
    """Les clients « bloquants » de jupyter_client attendent un message sans limite : nbclient, qui les interroge
    ainsi, ne verrait jamais un noyau mort ou muet (sa surveillance ne tourne qu'entre deux attentes). L'attente est
    faite par tranches d'une seconde ; entre deux, un noyau mort ou muet (:meth:`Noyau.repond`) lève
    ``DeadKernelError`` : l'étape échoue aussitôt, au lieu d'attendre le délai d'une cellule."""

    attendre = canal.get_msg

    def get_msg(timeout=None, **kw):
        fin = None if timeout is None else time.monotonic() + timeout
        while True:
            reste = tranche if fin is None else max(0.0, min(tranche, fin - time.monotonic()))
            try:
                return attendre(timeout=reste, **kw)
            except queue.Empty:
                if fin is not None and time.monotonic() >= fin:
                    raise
                if not noyau.repond():
                    from nbclient.exceptions import DeadKernelError

                    raise DeadKernelError("Kernel died") from None

    canal.get_msg = get_msg


def _tuer(km):
    """Tue le processus d'un noyau (signal KILL, sans lui demander de s'arrêter : il ne répond peut-être plus) ; le
    client qui attendait sa réponse le voit mort aussitôt. Ses ressources sont libérées quand il est rendu."""
    try:
        km.provisioner.process.kill()
    except Exception:
        _arreter_noyau(km)


def _arreter_noyau(km):
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:
        pass
