"""Ce que font les machines sans surveillance : disque plein, dossier en lecture seule, deuxième exécution ailleurs,
exécution tuée, fichier brut remplacé en cours de route, noyau mort ; et les règles d'arrêt de l'exécution.

Tests rapides (hors ``pipeline``) : les décisions du runner (``run.py``) — arrêter, interrompre, nettoyer, ne rien
publier — sont mises à l'épreuve sans noyau Jupyter. Les noyaux et l'exécution des notebooks sont remplacés par des
doublures minimes (:class:`PoolFactice`, :func:`_harnais`) : un notebook « exécuté » écrit ses sorties comme le ferait
le vrai, et une étape qu'on interrompt s'arrête comme le ferait son noyau (``KeyboardInterrupt``). Les écritures
impossibles, elles, sont vraies : un petit système de fichiers (tmpfs de taille limitée, ou monté en lecture seule)
quand le test peut en créer un, sinon l'erreur du système (``OSError`` ENOSPC, EROFS) levée par la couche d'écriture.

Les mêmes pannes sur de vrais noyaux et de vrais notebooks : tests ``pipeline`` en fin de fichier.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import RACINE, empreintes

from politique_ville.base.errors import EchecExecution
from politique_ville.reference.parametres import charger_parametres
from politique_ville.runner import executer
from politique_ville.runner import run as run_module

FICTIF = RACINE / "tests" / "fixtures" / "territoire_fictif"
ANNEE_FICTIVE = 2031


# --------------------------------------------------------------------------------------------- petits disques


@contextmanager
def petit_disque(dossier: Path, taille: str = "4m", lecture_seule: bool = False):
    """Un vrai système de fichiers de taille limitée (tmpfs), éventuellement en lecture seule, monté sur
    ``dossier`` ; ``None`` si la machine ne le permet pas (pas root, pas de ``mount``) : le test injecte alors
    l'erreur du système à la couche d'écriture."""
    dossier.mkdir(parents=True, exist_ok=True)
    options = f"size={taille}" + (",ro" if lecture_seule else "")
    r = (
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(dossier)], capture_output=True)
        if os.geteuid() == 0 and shutil.which("mount")
        else None
    )
    if r is None or r.returncode != 0:
        yield None
        return
    try:
        yield dossier
    finally:
        subprocess.run(["umount", "-l", str(dossier)], capture_output=True)


# --------------------------------------------------------------------------------------------- paramètres (item 5)


@pytest.mark.parametrize(
    "contenu, ligne, colonne, explication",
    [
        ("annee: 2019\nterritoire: 'CA de Béthune\n", 2, 13, "guillemet ouvert et jamais fermé"),
        ("annee: 2019\nterritoire: CA : Béthune: Bruay\n", 2, 16, "« : » inattendu"),
        ("annee: 2019\nterritoire: T\n\tdepartement: X\n", 3, 1, "tabulation : l'indentation se fait avec des espaces"),
        ("annee: 2019\nterritoire: T\nfiches_quartier: [QP1, QP2\nx: 1\n", 4, 2, "liste entre crochets mal fermée"),
        ("annee: 2019\nterritoire: T\nannee: 2019\n", 3, 1, "paramètre écrit deux fois"),
        ("annee: 2019\nterritoire: @T\n", 2, 13, "caractère interdit en début de valeur"),
    ],
)
def test_erreur_yaml_en_francais_avec_fichier_ligne_colonne_et_la_ligne(tmp_path, contenu, ligne, colonne, explication):
    f = tmp_path / "2019.yaml"
    f.write_text(contenu, encoding="utf-8")
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(RACINE, 2019, f)
    message = str(exc.value)
    assert message.startswith(f"Fichier de paramètres illisible : {f}, ligne {ligne}, colonne {colonne} : ")
    assert explication in message
    texte_ligne = contenu.splitlines()[ligne - 1]
    assert f"\n  {texte_ligne}\n  {' ' * (colonne - 1)}^" in message  # la ligne elle-même, et où
    for anglais in ("mapping values", "while scanning", "found character", "expected", "duplicate"):
        assert anglais not in message


@pytest.mark.parametrize(
    "territoire",
    ['{niveau: epci, code: "200072460"}', '"Communauté fictive"'],
    ids=["par-code", "par-nom"],
)
def test_reference_dir_absent_est_une_erreur_qui_nomme_le_chemin(tmp_path, territoire):
    f = tmp_path / "2019.yaml"
    f.write_text(f"annee: 2019\nterritoire: {territoire}\nreference_dir: data/referentiels_absents\n", encoding="utf-8")
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(RACINE, 2019, f)
    assert (
        f"paramètre « reference_dir » : dossier des référentiels introuvable : {RACINE / 'data/referentiels_absents'}"
        f" (« data/referentiels_absents », relatif à la racine du projet {RACINE})"
    ) in str(exc.value)
    # un dossier qui existe est accepté
    f.write_text(f"annee: 2019\nterritoire: {territoire}\nreference_dir: data/reference\n", encoding="utf-8")
    assert charger_parametres(RACINE, 2019, f)["reference_dir"] == "data/reference"


# --------------------------------------------------------------------------------------------- doublures des noyaux


class NoyauFactice:
    """Ce que le runner demande à un noyau : être interrompu (le notebook en cours s'arrête) ou arrêté."""

    def __init__(self):
        self.interrompu = threading.Event()
        self.arrete = False
        self.en_notebook = False


class PoolFactice:
    """Le pool de noyaux sans processus : même interface que ``kernels.PoolNoyaux``."""

    tous: list[NoyauFactice] = []
    _verrou_classe = threading.Lock()

    def __init__(self, *a, **k):
        self._verrou = threading.Lock()

    def demarrer(self, *a, **k):
        pass

    def prendre(self, *a, tant_que=None, **k):
        # comme le vrai pool : plus de noyau quand l'exécution est arrêtée (``tant_que`` faux) ; le test et l'ajout
        # se font sous le verrou de ``interrompre``, sinon un noyau pris juste après l'arrêt, puis rendu sans
        # servir, ne serait jamais interrompu (course du double, pas du runner)
        with PoolFactice._verrou_classe:
            if tant_que is not None and not tant_que():
                return None
            n = NoyauFactice()
            PoolFactice.tous.append(n)
        return n

    def rendre(self, noyau):
        pass

    def interrompre(self, sauf=()):
        with PoolFactice._verrou_classe:
            for n in list(PoolFactice.tous):
                if n not in set(sauf):
                    n.interrompu.set()

    def arreter_pretes(self, sauf=()):
        with PoolFactice._verrou_classe:
            for n in list(PoolFactice.tous):
                if n not in set(sauf):
                    n.arrete = True
                    n.interrompu.set()

    def fermer(self):
        pass


def erreur_notebook(ename: str, evalue: str):
    """L'erreur que papermill lève quand une cellule du notebook échoue."""
    from papermill.exceptions import PapermillExecutionError

    return PapermillExecutionError(0, 1, "cellule", ename, evalue, [])


def ecrire_sorties(execute: Path, parametres: dict):
    """Ce qu'écrit un notebook exécuté : le notebook, et, pour un nettoyage, ses tables dans le transit."""
    import nbformat

    execute.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), str(execute))
    nom = execute.stem
    if nom.startswith(("01_", "02_")):
        import pandas as pd

        dossier = Path(parametres["execution"]["staging_dir"])
        pd.DataFrame({"table": [nom], "annee": [parametres["annee"]]}).to_parquet(dossier / f"table_{nom}.parquet")
    if nom == "03_validation":
        (Path(parametres["execution"]["reports_dir"]) / "validation").mkdir(exist_ok=True)
        (Path(parametres["execution"]["reports_dir"]) / "validation" / "index.html").write_text(
            "validation", encoding="utf-8"
        )


@pytest.fixture
def harnais(monkeypatch, tmp_path):
    """Exécutions du rapport 2019 (chapitres 20 et 90) sans noyau : ``harnais.comportements[nom]`` remplace
    l'exécution du notebook d'une étape (``fonction(execute, parametres, noyau)``), par défaut écrire ses sorties.
    Un rapport et des tables précédents sont en place ; ``harnais.lancer(...)`` renvoie les messages de
    l'exécution."""
    raw = tmp_path / "raw" / "2019"
    shutil.copytree(RACINE / "data" / "raw" / "2019", raw)
    sortie, traitees = tmp_path / "reports" / "2019", tmp_path / "processed" / "2019"
    demarrees: list[str] = []
    comportements: dict = {}

    def executer_notebook(notebook, execute, parametres, *, noyau=None, barre=None, delai=None):
        nom = Path(execute).stem
        demarrees.append(nom)
        comportements.get(nom, lambda x, p, n: ecrire_sorties(x, p))(Path(execute), parametres, noyau)

    def exporter(execute, dossier, nom):
        for page in (f"{nom}.html", f"{nom}_avec_code.html"):
            (Path(dossier) / page).write_text(f"<p>{nom}</p>", encoding="utf-8")

    PoolFactice.tous = []
    monkeypatch.setattr(run_module, "PoolNoyaux", PoolFactice)
    monkeypatch.setattr(run_module, "executer_notebook", executer_notebook)
    monkeypatch.setattr(run_module, "exporter", exporter)

    class Harnais:
        pass

    h = Harnais()
    h.raw, h.sortie, h.traitees, h.base = raw, sortie, traitees, tmp_path
    h.demarrees, h.comportements = demarrees, comportements

    def lancer(chapitres=("20", "90"), jobs=1, **kw):
        messages: list[str] = []
        kw = {"raw_dir": raw, "out": sortie, "processed_dir": traitees, **kw}
        try:
            executer(
                2019,
                racine=RACINE,
                chapitres=list(chapitres),
                jobs=jobs,
                sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
                **kw,
            )
        except EchecExecution as exc:
            h.erreur = str(exc)
        else:
            h.erreur = None
        return messages

    def precedent():
        """Un rapport et des tables précédents, à garder intacts."""
        sortie.mkdir(parents=True, exist_ok=True)
        (sortie / "index.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
        traitees.mkdir(parents=True, exist_ok=True)
        (traitees / "programmation.parquet").write_bytes(b"tables precedentes")
        return {"rapport": empreintes(sortie), "traitees": empreintes(traitees)}

    h.lancer, h.precedent = lancer, precedent
    h.etat = lambda: {"rapport": empreintes(sortie), "traitees": empreintes(traitees)}
    h.voisins = lambda: sorted(
        p.name for d in (tmp_path / "reports", tmp_path / "processed") if d.is_dir() for p in d.iterdir()
    )
    return h


def _bloquer_jusqu_a_interruption(demarre: threading.Event, delai: float = 20):
    """Une étape longue : elle s'arrête quand son noyau est interrompu (comme ``KeyboardInterrupt`` dans une
    cellule), sinon elle finit normalement au bout de ``delai`` secondes."""

    def etape(execute, parametres, noyau):
        demarre.set()
        if noyau.interrompu.wait(delai):
            raise erreur_notebook("KeyboardInterrupt", "")
        ecrire_sorties(execute, parametres)

    return etape


# --------------------------------------------------------------------------------------------- validation (item 6)


def test_un_echec_de_la_validation_arrete_les_chapitres_et_ne_publie_rien(harnais):
    """La règle d'arrêt, dans la série rapide : la validation échoue pendant qu'un chapitre tourne sur les tables du
    transit ; le chapitre est interrompu, celui qui attendait ne commence pas, c'est l'échec de la validation qui
    est dit, et ni le rapport ni les tables précédents ne changent."""
    avant = harnais.precedent()
    chapitre_demarre = threading.Event()
    harnais.comportements["20_programmation"] = _bloquer_jusqu_a_interruption(chapitre_demarre)

    def validation(execute, parametres, noyau):
        assert chapitre_demarre.wait(60)  # les chapitres avancent pendant la validation
        ecrire_sorties(execute, parametres)
        raise erreur_notebook(
            "ValidationEchouee", "Validation échouée : 1 attente(s) non satisfaite(s) sur insee_qpv (traité)"
        )

    harnais.comportements["03_validation"] = validation
    messages = harnais.lancer()
    texte = "\n".join(messages)
    assert harnais.erreur.startswith(
        "Échec de l'étape « 03_validation ».\nValidation échouée : 1 attente(s) non satisfaite(s)"
    )
    assert "n'ont pas été modifiés" in harnais.erreur
    assert (
        "✗ 03_validation : échec ; les chapitres et fiches commencés en même temps sur ces tables sont abandonnés, "
        "aucun n'est publié"
    ) in texte
    # le chapitre en cours a été interrompu (il ne s'est pas terminé), pas dit en échec ; l'autre n'a pas commencé
    assert "20_programmation" in harnais.demarrees and "90_concordance" not in harnais.demarrees
    assert not any(("✓" in m or "✗" in m) and ("20_" in m or "90_" in m) for m in messages)
    assert harnais.etat() == avant
    assert harnais.voisins() == ["2019", "2019", "2019.echec"]  # ni transit ni dossier de travail laissés
    assert (harnais.base / "reports" / "2019.echec" / "notebooks" / "03_validation.ipynb").is_file()


def test_une_validation_reussie_laisse_publier(harnais):
    """Le contraire : la validation réussit, les chapitres aussi, tout est publié (le test précédent ne passe pas
    pour une exécution qui ne publierait jamais rien)."""
    avant = harnais.precedent()
    messages = harnais.lancer()
    assert harnais.erreur is None, harnais.erreur
    assert "✓ 03_validation" in "\n".join(messages) and (harnais.sortie / "20_programmation.html").is_file()
    assert harnais.etat()["traitees"] != avant["traitees"]
    assert (harnais.traitees / "table_02_nettoyage_insee.parquet").is_file()
    assert harnais.voisins() == ["2019", "2019"]


def test_un_chapitre_en_echec_interrompt_les_autres_mais_pas_la_validation(harnais):
    """Un chapitre échoue (erreur ordinaire) : plus rien ne commence, les étapes en cours sont interrompues, mais la
    validation va à son terme (son échec serait celui qui est dit) ; ici elle réussit : c'est le chapitre qui est
    dit en échec."""
    harnais.precedent()
    validation_finie = threading.Event()

    def validation(execute, parametres, noyau):
        time.sleep(0.5)
        assert not noyau.interrompu.is_set()
        ecrire_sorties(execute, parametres)
        validation_finie.set()

    def chapitre(execute, parametres, noyau):
        ecrire_sorties(execute, parametres)
        raise erreur_notebook("ZeroDivisionError", "division by zero")

    harnais.comportements["03_validation"] = validation
    harnais.comportements["20_programmation"] = chapitre
    messages = harnais.lancer()
    assert validation_finie.is_set()
    assert harnais.erreur.startswith("Échec de l'étape « 20_programmation ».\nZeroDivisionError : division by zero")
    assert "Le notebook exécuté est conservé pour diagnostic" in harnais.erreur
    assert "90_concordance" not in harnais.demarrees
    assert "  ✗ 20_programmation : échec" in messages


# --------------------------------------------------------------------------------------------- disque plein (item 1)


def test_disque_plein_dans_un_notebook_arrete_tout_et_retire_ce_qui_a_ete_ecrit(harnais):
    """Un notebook échoue sur ENOSPC (comme papermill le rapporte) : les étapes en cours sont interrompues — la
    validation comprise — puis leurs noyaux arrêtés s'ils ne s'arrêtent pas ; tout ce que l'exécution a écrit est
    retiré (pas de dossier d'échec avec un notebook vide) ; le message dit « disque plein dans … »."""
    avant = harnais.precedent()
    chapitre_demarre = threading.Event()
    harnais.comportements["90_concordance"] = _bloquer_jusqu_a_interruption(chapitre_demarre)
    harnais.comportements["03_validation"] = _bloquer_jusqu_a_interruption(threading.Event())
    chemin = harnais.base / "reports" / ".2019.en-cours" / "tableaux" / "20_programmation.xlsx"

    def chapitre(execute, parametres, noyau):
        assert chapitre_demarre.wait(60)
        raise erreur_notebook("OSError", f"[Errno 28] No space left on device: '{chemin}'")

    harnais.comportements["20_programmation"] = chapitre
    messages = harnais.lancer(jobs=2)
    assert harnais.erreur.startswith("Échec de l'étape « 20_programmation » : disque plein dans ")
    assert (
        " : il manque environ " in harnais.erreur
        and "estimation : le rapport et les tables précédents" in harnais.erreur
    )
    assert f"Fichier en cours d'écriture : {chemin}" in harnais.erreur
    assert "tout ce que l'exécution avait écrit est retiré" in harnais.erreur
    assert "Errno" not in harnais.erreur and "Traceback" not in harnais.erreur
    assert "  ✗ 20_programmation : échec" in messages
    assert not any("✗ 90_" in m or "✗ 03_" in m for m in messages)  # interrompues, pas en échec
    assert all(n.interrompu.is_set() for n in PoolFactice.tous)
    assert harnais.etat() == avant and harnais.voisins() == ["2019", "2019"]


def test_disque_plein_pour_le_runner_lui_meme(harnais):
    """Le runner écrit aussi (notebooks exécutés, pages, index) : un vrai petit disque qui se remplit — ou, à
    défaut, l'erreur ENOSPC du système levée à l'écriture — arrête l'exécution avec le message en français, et
    rien ne reste sur le disque plein que le rapport et les tables précédents."""
    with petit_disque(harnais.base / "petit", "3m") as disque:
        if disque is not None:
            out, traitees = disque / "reports" / "2019", disque / "processed" / "2019"

            def chapitre(execute, parametres, noyau):  # un gros classeur, plus gros que le disque
                ecrire_sorties(execute, parametres)
                (Path(parametres["execution"]["reports_dir"]) / "gros.xlsx").write_bytes(os.urandom(4_000_000))

            harnais.comportements["20_programmation"] = chapitre
        else:  # injection : l'écriture du notebook exécuté lève l'erreur du système
            out, traitees = harnais.sortie, harnais.traitees

            def chapitre(execute, parametres, noyau):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(execute))

            harnais.comportements["20_programmation"] = chapitre
        out.mkdir(parents=True)
        (out / "index.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
        avant = empreintes(out)
        harnais.lancer(out=out, processed_dir=traitees)
        assert harnais.erreur.startswith("Échec de l'étape « 20_programmation » : disque plein dans ")
        assert "Errno" not in harnais.erreur
        assert empreintes(out) == avant
        assert sorted(p.name for p in out.parent.iterdir()) == ["2019"]  # ni travail, ni échec
        assert not (traitees.parent / ".2019.en-cours").exists()


def test_place_insuffisante_refusee_avant_d_ecrire(harnais):
    """Estimation grossière avant d'écrire : un rapport de la taille du précédent ne tient pas dans la place libre
    (vrai petit disque) : refus immédiat, avec le chiffre, rien d'écrit."""
    with petit_disque(harnais.base / "petit", "3m") as disque:
        if disque is None:
            pytest.skip("pas de système de fichiers de taille limitée sur cette machine (tmpfs : root)")
        out = disque / "reports" / "2019"
        out.mkdir(parents=True)
        (out / "index.html").write_text("rapport", encoding="utf-8")
        (out / "gros.bin").write_bytes(os.urandom(2_000_000))  # le rapport précédent occupe 2 Mo sur 3
        avant = empreintes(out)
        harnais.lancer(out=out, processed_dir=disque / "processed" / "2019")
        assert harnais.erreur.startswith(f"Place insuffisante : disque plein dans {disque} : il manque environ ")
        assert "Rien n'a été écrit" in harnais.erreur
        assert harnais.demarrees == [] and empreintes(out) == avant
        assert sorted(p.name for p in out.parent.iterdir()) == ["2019"]


# --------------------------------------------------------------------------------------------- lecture seule (item 5)


def test_dossier_en_lecture_seule_message_en_francais(harnais, monkeypatch):
    with petit_disque(harnais.base / "ro", "1m", lecture_seule=True) as disque:
        if disque is None:  # injection : l'ouverture du verrou lève l'erreur du système
            disque = harnais.base / "ro"
            vrai_open = os.open

            def open_en_lecture_seule(chemin, *a, **k):
                if str(chemin).startswith(str(disque)):
                    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(chemin))
                return vrai_open(chemin, *a, **k)

            monkeypatch.setattr(os, "open", open_en_lecture_seule)
        harnais.lancer(out=disque / "2019")
    assert harnais.erreur.startswith(f"Impossible de poser le verrou de l'exécution ({disque / '.2019.verrou'}) : ")
    assert f"dossier en lecture seule : {disque}" in harnais.erreur
    assert "Rien n'a été écrit" in harnais.erreur and "Read-only" not in harnais.erreur
    assert harnais.demarrees == []


# --------------------------------------------------------------------------------------------- verrous (item 2)

_TENIR = """
import sys, time
from pathlib import Path
from politique_ville.runner.lock import Verrous
with Verrous([Path(sys.argv[1]), Path(sys.argv[2])], rapport=Path(sys.argv[1])):
    print("tenu", flush=True)
    time.sleep(120)
"""


def test_deux_executions_qui_partagent_les_tables_nettoyees_ne_s_entremelent_pas(harnais):
    """Une première exécution (un autre processus) tient son rapport et les tables nettoyées par défaut ; un essai
    avec ``--out`` ailleurs mais les mêmes tables est refusé avec le processus, l'heure de démarrage de la première
    et le dossier partagé ; le transit de la première n'est pas touché."""
    transit = harnais.traitees.parent / ".2019.en-cours"
    transit.mkdir(parents=True)
    (transit / "insee_qpv.parquet").write_bytes(b"tables de la premiere execution")
    premiere = subprocess.Popen(
        [sys.executable, "-c", _TENIR, str(harnais.base / "reports" / "2019"), str(harnais.traitees)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert premiere.stdout.readline().strip() == "tenu"
        harnais.lancer(out=harnais.base / "essai" / "2019")
        assert harnais.erreur.startswith(f"Une exécution est déjà en cours qui écrit dans {harnais.traitees} ")
        assert f"(processus {premiere.pid}, démarré le " in harnais.erreur
        assert f"rapport {harnais.base / 'reports' / '2019'})" in harnais.erreur
        assert "--processed-dir" in harnais.erreur
        assert (transit / "insee_qpv.parquet").read_bytes() == b"tables de la premiere execution"
        assert harnais.demarrees == [] and not (harnais.base / "essai" / "2019").exists()
    finally:
        premiere.kill()
        premiere.wait()
    # la première partie (même tuée : le système rend le verrou), l'essai passe
    harnais.lancer(out=harnais.base / "essai" / "2019", chapitres=["90"])
    assert harnais.erreur is None, harnais.erreur


# --------------------------------------------------------------------------------------------- restes (item 3)


def test_restes_d_une_execution_tuee_retires_au_debut_meme_sans_changement(harnais):
    """Après une exécution tuée (dossier de travail, transit, fiches interrompues, écriture atomique inachevée), la
    suivante, qui n'a rien à refaire, retire ces restes et le dit dans son résumé ; les fiches interrompues d'une
    autre clé ne sont pas gardées."""
    harnais.lancer()
    assert harnais.erreur is None, harnais.erreur
    reports, processed = harnais.base / "reports", harnais.base / "processed"
    travail = reports / ".2019.en-cours"
    (travail / "quartiers" / "notebooks").mkdir(parents=True)
    (travail / "20_programmation.html").write_bytes(b"x" * 300_000)
    (travail / "quartiers" / ".cle-fiches").write_text("une-autre-cle", encoding="utf-8")
    (travail / "quartiers" / ".fiches-faites").write_text("QP062001\n", encoding="utf-8")
    (processed / ".2019.en-cours").mkdir()
    (processed / ".2019.en-cours" / "insee_qpv.parquet").write_bytes(b"t")
    tmp = harnais.traitees / ".insee_qpv.parquet.abc123.tmp"
    tmp.write_bytes(b"moitie")
    os.utime(tmp, (time.time() - 3600, time.time() - 3600))
    avant = harnais.etat()
    messages = harnais.lancer()
    texte = "\n".join(messages)
    assert harnais.erreur is None and "Rien n'a changé" in texte
    ligne = next(m for m in messages if m.startswith("Restes d'une exécution interrompue retirés au début : "))
    for reste in (travail, processed / ".2019.en-cours", tmp, reports / ".2019.fiches-interrompues"):
        assert str(reste) in ligne, reste
        assert not reste.exists()
    assert "0,3 Mo" in ligne
    assert harnais.voisins() == ["2019", "2019"]
    assert {k: v for k, v in harnais.etat()["traitees"].items()} == {
        k: v for k, v in avant["traitees"].items() if not k.endswith(".tmp")
    }
    # rien à retirer : pas de ligne
    assert not any(m.startswith("Restes") for m in harnais.lancer())


def test_execution_tuee_pendant_la_publication_le_rapport_precedent_est_remis(harnais):
    """Tuée entre les deux renommages de la publication : ``.<nom>.ancien`` sans ``<nom>`` ; l'exécution suivante
    remet le rapport précédent en place (et le dit) avant toute chose."""
    harnais.lancer()
    index = (harnais.sortie / "index.html").read_bytes()
    harnais.sortie.rename(harnais.sortie.parent / ".2019.ancien")
    messages = harnais.lancer()
    assert harnais.erreur is None and "Rien n'a changé" in "\n".join(messages)
    assert any("remis en place (exécution interrompue pendant la publication)" in m for m in messages)
    assert (harnais.sortie / "index.html").read_bytes() == index


def test_publication_tables_et_rapport_ensemble_ou_pas_du_tout(tmp_path):
    """La publication remplace les tables puis le rapport ; si le second renommage échoue (ici : le dossier de
    travail du rapport a disparu, vraie erreur du système), le premier est défait : tables et rapport précédents en
    place, ensemble."""
    from politique_ville.runner.commit import publier_ensemble

    tables, transit = tmp_path / "processed" / "2019", tmp_path / "processed" / ".2019.en-cours"
    rapport, travail = tmp_path / "reports" / "2019", tmp_path / "reports" / ".2019.en-cours"
    for d, contenu in ((tables, "anciennes"), (transit, "nouvelles"), (rapport, "ancien")):
        d.mkdir(parents=True)
        (d / "f.txt").write_text(contenu, encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        publier_ensemble([(transit, tables), (travail, rapport)])
    assert (tables / "f.txt").read_text(encoding="utf-8") == "anciennes"
    assert (transit / "f.txt").read_text(encoding="utf-8") == "nouvelles"
    assert (rapport / "f.txt").read_text(encoding="utf-8") == "ancien"
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [".2019.en-cours", "2019"]
    travail.mkdir()
    (travail / "f.txt").write_text("nouveau", encoding="utf-8")
    publier_ensemble([(transit, tables), (travail, rapport)])
    assert (tables / "f.txt").read_text(encoding="utf-8") == "nouvelles"
    assert (rapport / "f.txt").read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_dir()) == ["2019", "2019", "processed", "reports"]


# --------------------------------------------------------------------------------------------- instantané (item 4)


def test_fichier_brut_modifie_pendant_l_execution_le_rapport_n_est_pas_publie(harnais):
    """Les fichiers bruts sont lus une fois au début (empreintes) ; l'un change pendant l'exécution : le rapport,
    dont l'index donnerait la nouvelle empreinte, n'est pas publié ; le message le dit et nomme le fichier."""
    avant = harnais.precedent()
    npnru = harnais.raw / "npnru.csv"

    def lecture(execute, parametres, noyau):
        ecrire_sorties(execute, parametres)
        if not npnru.read_text(encoding="utf-8").endswith("\n\n"):  # l'export est remplacé, une fois
            npnru.write_text(npnru.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    harnais.comportements["00_donnees_brutes"] = lecture
    harnais.lancer()
    assert harnais.erreur.startswith(f"Des fichiers d'entrée ont changé pendant l'exécution :\n  - {npnru}\n")
    assert "n'est pas publié" in harnais.erreur and "Relancez" in harnais.erreur
    assert harnais.etat() == avant and harnais.voisins() == ["2019", "2019"]
    # relancée, l'exécution publie, et l'index donne l'empreinte du contenu lu
    harnais.lancer()
    assert harnais.erreur is None, harnais.erreur
    import hashlib

    assert hashlib.sha256(npnru.read_bytes()).hexdigest()[:16] in (harnais.sortie / "index.html").read_text("utf-8")


# --------------------------------------------------------------------------------------------- ligne de commande


def test_ligne_de_commande_dossier_en_lecture_seule_sans_trace_anglaise(tmp_path):
    with petit_disque(tmp_path / "ro", "1m", lecture_seule=True) as disque:
        if disque is None:
            pytest.skip("pas de système de fichiers en lecture seule sur cette machine (tmpfs : root)")
        r = subprocess.run(
            [
                *(sys.executable, "-m", "politique_ville", "run", "--annee", "2019", "--out", str(disque / "2019")),
                *("--processed-dir", str(tmp_path / "processed" / "2019")),
            ],
            capture_output=True,
            text=True,
            cwd=RACINE,
        )
    assert r.returncode == 1
    assert "ERREUR : Impossible de poser le verrou" in r.stderr and "dossier en lecture seule" in r.stderr
    assert "Traceback" not in r.stderr and "Read-only" not in r.stderr


# --------------------------------------------------------------------------------------------- vrais noyaux


def _fictif(base: Path, fiches: int = 3) -> dict:
    raw = base / "raw" / str(ANNEE_FICTIVE)
    shutil.copytree(FICTIF / "raw" / str(ANNEE_FICTIVE), raw)
    params = base / f"{ANNEE_FICTIVE}.yaml"
    texte = (FICTIF / "params" / f"{ANNEE_FICTIVE}.yaml").read_text(encoding="utf-8")
    params.write_text(
        texte.replace('reference_dir: "', f'reference_dir: "{RACINE}/') + f"fiches_quartier: {fiches}\n",
        encoding="utf-8",
    )
    return {"raw": raw, "params": params}


def _commande(f: dict, out: Path, traitees: Path, *options) -> list[str]:
    return [
        sys.executable,
        "-m",
        "politique_ville",
        "run",
        "--annee",
        str(ANNEE_FICTIVE),
        "--params",
        str(f["params"]),
        "--raw-dir",
        str(f["raw"]),
        "--out",
        str(out),
        "--processed-dir",
        str(traitees),
        *options,
    ]


@pytest.mark.pipeline
def test_vrai_disque_plein_arrete_vite_et_ne_laisse_rien(tmp_path):
    """Un vrai petit disque (6 Mo) pour le rapport et les tables du territoire fictif : le disque se remplit en
    cours d'exécution (validation, fiches, chapitres) ; l'exécution se termine sur « disque plein dans … » sans
    attendre le délai d'une cellule (réglé court ici : s'il était atteint, le message le dirait), sans trace
    anglaise, et rien ne reste sur le disque."""
    f = _fictif(tmp_path)
    with petit_disque(tmp_path / "petit", "6m") as disque:
        if disque is None:
            pytest.skip("pas de système de fichiers de taille limitée sur cette machine (tmpfs : root)")
        env = {**os.environ, "POLITIQUE_VILLE_DELAI_CELLULE": "120"}
        r = subprocess.run(
            _commande(f, disque / "reports" / "2031", disque / "processed" / "2031"),
            capture_output=True,
            text=True,
            cwd=RACINE,
            env=env,
            timeout=900,
        )
        restes = sorted(str(p.relative_to(disque)) for p in disque.rglob("*"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"disque plein dans {disque} (l'exécution avait écrit " in r.stderr, r.stderr
    assert "premier rapport dans ce dossier : pas d'estimation" in r.stderr
    assert "délai" not in r.stderr  # aucune cellule n'a attendu son délai
    assert "Traceback" not in r.stderr and "Errno" not in r.stderr and "Kernel died" not in r.stderr, r.stderr
    assert restes in ([], ["processed", "reports"]), restes


@pytest.mark.pipeline
def test_execution_tuee_pendant_les_fiches_puis_relancee_sans_changement(tmp_path):
    """Un rapport produit, puis une exécution ``--force`` tuée (SIGKILL, elle et ses noyaux) pendant les fiches ;
    la suivante n'a rien à refaire : elle le dit, retire les restes et le dit aussi ; le rapport est intact."""
    f = _fictif(tmp_path)
    out, traitees = tmp_path / "reports" / "2031", tmp_path / "processed" / "2031"
    r = subprocess.run(_commande(f, out, traitees), capture_output=True, text=True, cwd=RACINE, timeout=900)
    assert r.returncode == 0, r.stderr
    avant = empreintes(out)
    journal = tmp_path / "tuee.log"
    with open(journal, "w") as sortie:
        p = subprocess.Popen(
            _commande(f, out, traitees, "--force"), stdout=sortie, stderr=subprocess.STDOUT, cwd=RACINE,
            start_new_session=True,
        )  # fmt: skip
    try:
        fin = time.monotonic() + 600
        while "fiches quartier (3) : en cours" not in journal.read_text() and time.monotonic() < fin:
            assert p.poll() is None, journal.read_text()
            time.sleep(0.1)
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    assert (tmp_path / "reports" / ".2031.en-cours").exists()  # tuée en plein travail
    r = subprocess.run(_commande(f, out, traitees), capture_output=True, text=True, cwd=RACINE, timeout=900)
    assert r.returncode == 0, r.stderr
    assert "Rien n'a changé" in r.stdout
    ligne = next(m for m in r.stdout.splitlines() if m.startswith("Restes d'une exécution interrompue retirés"))
    assert str(tmp_path / "reports" / ".2031.en-cours") in ligne
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["2031"]
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["2031"]
    assert empreintes(out) == avant


@pytest.mark.pipeline
def test_un_noyau_tue_en_pleine_cellule_fait_echouer_son_etape_aussitot(tmp_path):
    """Un noyau du pool tué pendant une cellule (qui durerait 5 minutes) : l'étape échoue aussitôt sur « noyau
    mort », sans attendre la fin de la cellule ni son délai."""
    import nbformat

    from politique_ville.runner import PoolNoyaux
    from politique_ville.runner.execute import cause, executer_notebook

    nb = tmp_path / "long.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(300)")]), nb)
    pool = PoolNoyaux(RACINE / "notebooks", modules=("json",))
    pool.demarrer(1)
    try:
        noyau = pool.prendre(attendre=120)
        assert noyau is not None
        erreur = {}

        def executer_long():
            try:
                executer_notebook(nb, tmp_path / "long_execute.ipynb", {}, noyau=noyau, delai=600)
            except Exception as exc:
                erreur["exc"] = exc

        fil = threading.Thread(target=executer_long)
        fil.start()
        time.sleep(3)
        assert fil.is_alive()
        pool.arreter_pretes()  # ce que fait le runner quand une étape échoue ; ou un noyau tué de l'extérieur
        fil.join(60)
        assert not fil.is_alive()
        assert type(erreur["exc"]).__name__ == "DeadKernelError"
        assert cause(erreur["exc"]).startswith("le noyau Jupyter de l'étape s'est arrêté ou ne répondait plus")
        pool.rendre(noyau)
    finally:
        pool.fermer()


def _noyaux_fils() -> list[int]:
    """Les processus des noyaux Jupyter démarrés par ce processus (ses enfants ``ipykernel_launcher``)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == os.getpid() and b"ipykernel_launcher" in (d / "cmdline").read_bytes():
                pids.append(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


@pytest.mark.pipeline
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="processus lus dans /proc (Linux)")
def test_des_noyaux_muets_arretent_l_execution_sans_attendre_le_delai_des_cellules(tmp_path, monkeypatch):
    """Les noyaux de l'exécution suspendus (SIGSTOP : ils ne répondent plus, sans être morts) pendant les fiches :
    sans battement de cœur depuis DELAI_MUET secondes (réglé à 3 ici), ils sont arrêtés, l'étape échoue sur « le
    noyau … ne répondait plus » et l'exécution se termine, sans attendre le délai d'une cellule (s'il était atteint,
    le message le dirait) ; le rapport précédent est intact."""
    from politique_ville.runner import kernels

    monkeypatch.setattr(kernels, "DELAI_MUET", 3.0)
    monkeypatch.setenv("POLITIQUE_VILLE_DELAI_CELLULE", "300")
    f = _fictif(tmp_path)
    out, traitees = tmp_path / "reports" / "2031", tmp_path / "processed" / "2031"
    out.mkdir(parents=True)
    (out / "index.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
    suspendus: list[int] = []

    def sortie(*a, **k):
        texte = " ".join(map(str, a))
        if "fiches quartier (3) : en cours" in texte and not suspendus:
            for pid in _noyaux_fils():
                os.kill(pid, signal.SIGSTOP)
                suspendus.append(pid)

    try:
        with pytest.raises(EchecExecution) as exc:
            executer(
                ANNEE_FICTIVE,
                racine=RACINE,
                fichier_params=f["params"],
                raw_dir=f["raw"],
                out=out,
                processed_dir=traitees,
                sortie=sortie,
            )
    finally:
        for pid in suspendus:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert suspendus
    message = str(exc.value)
    assert "le noyau Jupyter de l'étape s'est arrêté ou ne répondait plus" in message, message
    assert "délai" not in message and "Traceback" not in message
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>rapport précédent</p>"
    assert not (tmp_path / "reports" / ".2031.en-cours").exists() and not (traitees.parent / ".2031.en-cours").exists()
