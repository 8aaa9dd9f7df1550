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
