"""Le lanceur : paramètres vérifiés, verrou contre deux exécutions simultanées, ligne de commande en français."""

import subprocess
import sys

import pytest

from politique_ville.runner import EchecExecution, Verrou, charger_parametres, executer


def test_parametres_de_l_annee(racine):
    p = charger_parametres(racine, 2019)
    assert p["annee"] == 2019 and p["territoire"]


@pytest.mark.parametrize("contenu, message", [
    ("annee: 2019\nterritoire: T\nterritoir_court: X\n", "paramètre inconnu « territoir_court » (vouliez-vous dire « territoire_court » ?)"),
    ("annee: 2019\n", "paramètre obligatoire absent : « territoire »"),
    ("annee: 2020\nterritoire: T\n", "annee = 2020 alors que l'année demandée est 2019"),
    ("annee: 2019\nterritoire: [a, b]\n", "paramètre « territoire »"),
    ("annee: 2019\nterritoire: 'T\n", "illisible"),
])
def test_parametres_invalides_sont_des_erreurs(racine, tmp_path, contenu, message):
    f = tmp_path / "p.yaml"
    f.write_text(contenu, encoding="utf-8")
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(racine, 2019, f)
    assert message in str(exc.value)


def test_deux_executions_simultanees_ne_se_corrompent_pas(racine, tmp_path):
    sortie = tmp_path / "reports" / "2019"
    sortie.mkdir(parents=True)
    (sortie / "index.html").write_text("rapport précédent")
    with Verrou(tmp_path / "reports" / ".2019.verrou"):
        with pytest.raises(EchecExecution, match="déjà en cours"):
            executer(2019, racine=racine, out=sortie, processed_dir=tmp_path / "processed" / "2019",
                     sortie=lambda *a, **k: None)
    assert (sortie / "index.html").read_text() == "rapport précédent"


def test_ligne_de_commande_en_francais(racine):
    r = subprocess.run([sys.executable, "-m", "politique_ville", "run"], capture_output=True, text=True, cwd=racine)
    assert r.returncode == 2 and "erreur" in r.stderr and "--annee" in r.stderr
    r = subprocess.run([sys.executable, "-m", "politique_ville", "run", "--annee", "1999"], capture_output=True,
                       text=True, cwd=racine)
    assert r.returncode == 1 and "Fichier de paramètres introuvable" in r.stderr
    r = subprocess.run([sys.executable, "-m", "politique_ville", "run", "--help"], capture_output=True, text=True,
                       cwd=racine)
    assert r.returncode == 0 and r.stdout.startswith("utilisation : ")
    for option in ("--params", "--raw-dir", "--out", "--processed-dir", "--chapitres", "--jobs", "--force"):
        assert option in r.stdout, option


def _executer_puis_arreter(km, code: str) -> tuple[int, str]:
    """Exécute ``code`` dans le noyau d'une réserve puis l'arrête : (numéro d'exécution, texte affiché)."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        sorties = []
        rep = kc.execute_interactive(code, output_hook=lambda msg: sorties.append(msg["content"].get("text", "")),
                                     timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return rep["content"]["execution_count"], "".join(sorties).strip()


def test_reserve_de_noyaux_prechauffes(racine):
    """Un noyau de la réserve est prêt, les modules des chapitres déjà importés, sans rien laisser dans l'espace de
    noms du notebook ni compter d'exécution ; les noyaux non pris sont arrêtés à la fermeture."""
    from politique_ville.runner import ReserveNoyaux

    reserve = ReserveNoyaux(2, racine / "notebooks")
    try:
        km = reserve.prendre(attendre=120)
        assert km is not None and km.is_alive()
        compte, texte = _executer_puis_arreter(
            km, "import sys; print(sorted(m for m in ('pandas', 'politique_ville.compute.qpv', "
                "'politique_ville.figures.programmation') if m in sys.modules), "
                "[n for n in dir() if n.startswith('_pv')])")
        assert compte == 1  # le préchauffage ne compte pas d'exécution
        assert texte == "['pandas', 'politique_ville.compute.qpv', 'politique_ville.figures.programmation'] []"
    finally:
        reserve.fermer()
    autre = reserve.prendre()
    assert autre is None  # le second noyau, non pris, a été arrêté et retiré


def test_reserve_de_la_validation_et_attente_bornee(racine):
    """Le noyau de la validation arrive avec Great Expectations déjà importé ; une réserve qui n'a plus rien à
    préparer ne fait pas attendre (« prendre(attendre=…) » rend None aussitôt)."""
    import time

    from politique_ville.runner import MODULES_VALIDATION, ReserveNoyaux

    vide = ReserveNoyaux(0, racine / "notebooks")
    debut = time.monotonic()
    assert vide.prendre(attendre=30) is None and time.monotonic() - debut < 5
    vide.fermer()
    reserve = ReserveNoyaux(1, racine / "notebooks", MODULES_VALIDATION)
    try:
        km = reserve.prendre(attendre=120)
        assert km is not None
        _, texte = _executer_puis_arreter(
            km, "import sys, os; print('great_expectations' in sys.modules, os.environ.get('GX_ANALYTICS_ENABLED'))")
        assert texte == "True False"
        assert reserve.prendre(attendre=30) is None  # un seul noyau demandé : plus rien à attendre
    finally:
        reserve.fermer()
