"""Un lot de territoires de bout en bout (issue 22), comme un utilisateur le fait : un dépôt comme livré, le fichier de
l'INSEE (extrait régional, Occitanie, du fichier national fictif sur des communes réelles) dans ``data/raw/2024/``, un
fichier de paramètres qui nomme trois EPCI, puis ``make report ANNEE=2024``.

Chaque territoire a son rapport (``reports/2024/<code>-<nom court>/``) et ses tables (``data/processed/2024/<code>/``),
qui ne parlent que de lui ; le fichier de l'INSEE est nettoyé et validé une fois pour le lot ; l'index du lot les range
par région et département, avec leurs chiffres clés ; une nouvelle exécution ne refait rien ; un changement des
paramètres d'un territoire ne refait que lui ; un lot interrompu reprend ce qui manque ; un territoire en échec (dossier
pris, valeur fautive d'un de ses quartiers dans le fichier) est écarté, les autres publiés, le résumé et l'index disent
lequel et pourquoi."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from test_nouveau_territoire import MOTS_2019, RACINE, _pages, _texte, projet  # noqa: F401 (fixture)

from politique_ville.runner.lock import Verrou

pytestmark = pytest.mark.pipeline

#: (SIREN, dossier du rapport, nom, département dans l'index, quartiers du fichier)
LOT = [
    (
        "200066926",
        "200066926-ca-grand-auch-coeur-de-gascogne",
        "CA Grand Auch Coeur de Gascogne",
        "Gers (32)",
        ["QN032001F"],
    ),
    ("243400769", "243400769-ca-de-beziers-mediterranee", "CA de Béziers-Méditerranée", "Hérault (34)", ["QN034001F"]),
    (
        "200027183",
        "200027183-cu-perpignan-mediterranee-metropole",
        "CU Perpignan Méditerranée Métropole",
        "Pyrénées-Orientales (66)",
        ["QN066001F", "QN066002F"],
    ),
]


def _make(racine, *cibles):
    """``make report ANNEE=2024`` (ou ``cibles``) dans le dépôt : (code de retour, journal)."""
    env = {k: v for k, v in os.environ.items() if k not in ("POLITIQUE_VILLE_RACINE", "MAKEFLAGS")}
    r = subprocess.run(
        # -o : l'environnement du dépôt est déjà installé (lien), « make » ne le refait pas
        ["make", "-o", ".venv/.installe", *(cibles or ("report", "ANNEE=2024"))],
        cwd=racine,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    return r.returncode, r.stdout + r.stderr


@pytest.fixture(scope="module")
def lot(projet):  # noqa: F811
    racine, fichier = projet
    (racine / "data" / "raw" / "2024").mkdir()
    shutil.copy(fichier, racine / "data" / "raw" / "2024" / "insee_qpv.xlsx")
    codes = ", ".join(f'"{c}"' for c, *_ in LOT)
    (racine / "params" / "2024.yaml").write_text(
        f"annee: 2024\nterritoires: {{niveau: epci, codes: [{codes}]}}\n", encoding="utf-8"
    )
    return racine, *_make(racine)


def test_un_rapport_par_territoire(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    assert "Lot 2024 : 3 territoires publiés, 0 écarté" in journal
    # le fichier de l'INSEE nettoyé et validé une fois pour le lot ; chaque territoire n'en prend que ses tables
    assert journal.count("Préparation commune du lot : lecture, nettoyage et validation") == 1
    assert journal.count("✓ 02_quartiers_du_lot") == 3
    assert "02_nettoyage_insee" not in journal and "03_validation" not in journal
    assert (racine / "reports" / "2024" / "validation" / "index.html").is_file()
    for siren, dossier, nom, _dep, quartiers in LOT:
        rapport = racine / "reports" / "2024" / dossier
        index = _texte(rapport / "index.html")
        assert nom in index
        # la validation, faite une fois pour le lot, est lue depuis l'index de chaque territoire
        assert 'href="../validation/index.html"' in (rapport / "index.html").read_text(encoding="utf-8")
        assert "commun à tous les territoires du lot" in index
        assert '<a href="../index.html">← Tous les territoires du lot</a>' in (rapport / "index.html").read_text(
            encoding="utf-8"
        )
        # ses fiches, et seulement les siennes ; ses tables, et seulement ses quartiers
        assert sorted(p.stem for p in (rapport / "quartiers").glob("*.html")) == quartiers
        tables = pd.read_parquet(racine / "data" / "processed" / "2024" / siren / "insee_qpv.parquet")
        assert sorted(tables["code_qp"]) == quartiers
        # chaque territoire se lit comme son propre rapport : ni l'exemple 2019, ni les autres territoires du lot
        autres = [n for _, _, n, _, _ in LOT if n != nom]
        for page in _pages(rapport):
            texte = _texte(page)
            assert not [m for m in MOTS_2019 if m in texte], page
            assert not [n for n in autres if n in texte], page
    # le rapport de l'exemple 2019 n'est pas touché, ni data/raw
    assert not (racine / "reports" / "2019").exists()


def test_edition_pdf_de_chaque_territoire(lot):
    """``make pdf`` après un lot : l'édition PDF de chaque territoire publié, dans son dossier, à son nom, liée depuis
    son index (comme pour un territoire seul)."""
    from pypdf import PdfReader

    from politique_ville.report.pdf import chromium

    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium est requis en CI (paquet Debian « chromium », installé par `make test`)")
        pytest.skip("Chromium absent : `apt-get install chromium`")
    racine, code_retour, _ = lot
    assert code_retour == 0
    code_retour, journal = _make(racine, "pdf", "ANNEE=2024")
    assert code_retour == 0, journal
    for _siren, dossier, nom, _dep, quartiers in LOT:
        rapport = racine / "reports" / "2024" / dossier
        assert f"] {nom}" in journal
        couverture = PdfReader(rapport / "rapport_2024.pdf").pages[0].extract_text()
        assert nom in " ".join(couverture.split()), couverture
        autres = [n for _, _, n, _, _ in LOT if n != nom]
        assert not [n for n in autres if n in couverture]
        assert len(PdfReader(rapport / "fiches_quartier_2024.pdf").pages) >= len(quartiers)
        index = (rapport / "index.html").read_text(encoding="utf-8")
        assert 'href="rapport_2024.pdf"' in index and 'href="fiches_quartier_2024.pdf"' in index


def test_index_du_lot(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    page = (racine / "reports" / "2024" / "index.html").read_text(encoding="utf-8")
    texte = " ".join(_texte(racine / "reports" / "2024" / "index.html").split())
    assert "Rechercher un territoire" in page and 'type="search"' in page
    assert "Occitanie" in texte and "3 territoires, par région, département." in texte
    for siren, dossier, nom, dep, quartiers in LOT:
        assert f'href="{dossier}/index.html"' in page
        assert f"{dep} (1 territoire)" in texte
        n = len(quartiers)
        assert f"{nom} — SIREN {siren} — {n} QPV ; " in texte
    # population des QPV : celle des tables nettoyées du territoire
    q = pd.read_parquet(racine / "data" / "processed" / "2024" / "200027183" / "insee_qpv.parquet")
    from politique_ville.formats import nombre_fr

    assert f"{' '.join(nombre_fr(q['pop_mun'].sum()).split())} habitants en QPV" in texte
    assert "Territoires écartés" not in texte


def test_nouvelle_execution_reprise_et_territoire_ecarte(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    # sans changement : rien n'est refait, territoire par territoire
    code_retour, journal = _make(racine)
    assert code_retour == 0, journal
    assert journal.count("Rien n'a changé") == 3
    assert "Préparation commune du lot réutilisée (rien n'a changé)" in journal
    # un lot interrompu (le dernier territoire jamais publié, son dossier de travail laissé) : la suivante ne refait
    # que lui, et retire ce qui restait
    dernier = racine / "reports" / "2024" / LOT[2][1]
    shutil.rmtree(dernier)
    (dernier.parent / f".{dernier.name}.en-cours" / "notebooks").mkdir(parents=True)
    code_retour, journal = _make(racine)
    assert code_retour == 0, journal
    assert journal.count("Rien n'a changé") == 2
    assert f"Rapport : {dernier / 'index.html'}" in journal and (dernier / "quartiers" / "QN066002F.html").is_file()
    assert "Restes d'une exécution interrompue retirés au début" in journal
    assert not (dernier.parent / f".{dernier.name}.en-cours").exists()
    # un territoire en échec (ici, son dossier est pris par une autre exécution) : écarté, les autres publiés
    pris = racine / "reports" / "2024" / LOT[1][1]
    with Verrou.de(pris, rapport=pris):
        code_retour, journal = _make(racine)
    assert code_retour == 0, journal
    assert "Lot 2024 : 2 territoires publiés, 1 écarté" in journal
    assert f"écarté : {LOT[1][2]} ({LOT[1][0]}) — Une exécution est déjà en cours qui écrit dans {pris}" in journal
    page = (racine / "reports" / "2024" / "index.html").read_text(encoding="utf-8")
    assert f'href="{LOT[1][1]}/index.html"' not in page and f'href="{LOT[0][1]}/index.html"' in page
    texte = " ".join(_texte(racine / "reports" / "2024" / "index.html").split())
    assert "Territoires écartés" in texte and f"{LOT[1][2]} (SIREN {LOT[1][0]})" in texte


def test_parametres_d_un_territoire_changes_ne_refont_que_lui(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    codes = ", ".join(f'"{c}"' for c, *_ in LOT)
    siren, dossier, *_ = LOT[2]
    (racine / "params" / "2024.yaml").write_text(
        f"annee: 2024\nterritoires: {{niveau: epci, codes: [{codes}], par_territoire: {{'{siren}': {{fiches_quartier: "
        "1}}}\n",
        encoding="utf-8",
    )
    code_retour, journal = _make(racine)
    assert code_retour == 0, journal
    # les deux autres : rien de refait ; lui : ses chapitres et ses fiches (une seule, désormais)
    assert journal.count("Rien n'a changé") == 2 and "Préparation commune du lot réutilisée" in journal
    assert f"Rapport : {racine / 'reports' / '2024' / dossier / 'index.html'}" in journal
    assert sorted(p.stem for p in (racine / "reports" / "2024" / dossier / "quartiers").glob("*.html")) == ["QN066001F"]


def test_valeur_fautive_d_un_quartier_ecarte_son_territoire(lot):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    import openpyxl

    fichier = racine / "data" / "raw" / "2024" / "insee_qpv.xlsx"
    garde = fichier.read_bytes()
    wb = openpyxl.load_workbook(fichier)
    ws = wb.active
    entetes = [c.value for c in ws[5]]
    ligne = next(r for r in ws.iter_rows(min_row=6) if r[0].value == "QN034001F")  # Béziers
    ligne[entetes.index("TX_TOT_ET")].value = 250
    wb.save(fichier)
    try:
        code_retour, journal = _make(racine)
    finally:
        fichier.write_bytes(garde)
    assert code_retour == 0, journal
    assert "Lot 2024 : 2 territoires publiés, 1 écarté" in journal
    raison = f"écarté : {LOT[1][2]} ({LOT[1][0]}) — ses données ne passent pas la préparation commune du lot"
    assert raison in journal and "QN034001F" in journal and "taux de 250 hors de l'intervalle [0, 100]" in journal
    page = (racine / "reports" / "2024" / "index.html").read_text(encoding="utf-8")
    texte = " ".join(_texte(racine / "reports" / "2024" / "index.html").split())
    assert f'href="{LOT[1][1]}/index.html"' not in page and f'href="{LOT[0][1]}/index.html"' in page
    assert "Territoires écartés" in texte and f"{LOT[1][2]} (SIREN {LOT[1][0]})" in texte
    assert "(QN034001F) : nettoyage, colonne « tx_tot_et »" in texte  # préparation commune : la ligne écartée
    # les deux autres sont refaits : la ligne écartée ne compte plus dans leur niveau « QPV de la région »
    assert journal.count("✓ 10_geographie_prioritaire") == 2 and "Rien n'a changé" not in journal


def test_lot_interrompu_reprend_ce_qui_manque(lot, tmp_path):
    racine, code_retour, journal = lot
    assert code_retour == 0, journal
    commande = [
        sys.executable,
        "-m",
        "politique_ville",
        "run",
        "--annee",
        "2024",
        "--out",
        str(tmp_path / "rapports"),
        "--processed-dir",
        str(tmp_path / "tables"),
    ]
    env = {k: v for k, v in os.environ.items() if k != "POLITIQUE_VILLE_RACINE"}
    # interrompu (Ctrl-C) dès qu'un premier territoire est publié
    # Ctrl-C comme dans un terminal, même quand la suite de tests tourne en arrière-plan (un shell y fait ignorer
    # SIGINT aux commandes lancées avec « & », et Python hérite de ce réglage : l'interruption serait perdue)
    p = subprocess.Popen(
        commande,
        cwd=racine,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lignes = []
    for ligne in p.stdout:
        lignes.append(ligne)
        if ligne.startswith("Rapport : "):
            p.send_signal(signal.SIGINT)
            break
    reste, _ = p.communicate(timeout=120)
    assert p.returncode != 0, "".join(lignes) + reste
    publies = [d for d in (tmp_path / "rapports").iterdir() if (d / "index.html").is_file() and d.name != "validation"]
    assert 1 <= len(publies) < 3 and not (tmp_path / "rapports" / "index.html").exists()
    # l'exécution suivante reprend ce qui manque : les territoires publiés sont réutilisés, les autres faits
    debut = time.perf_counter()
    r = subprocess.run(commande, cwd=racine, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("Rien n'a changé") == len(publies), r.stdout
    assert "Lot 2024 : 3 territoires publiés, 0 écarté" in r.stdout
    assert not [d for d in (tmp_path / "rapports").iterdir() if d.name.startswith(".")], time.perf_counter() - debut
