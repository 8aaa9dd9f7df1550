"""Le lanceur : paramètres vérifiés, verrou contre deux exécutions simultanées, ligne de commande en français."""

import subprocess
import sys
import time

import pytest

from politique_ville.runner import EchecExecution, Verrou, charger_parametres, executer


def test_parametres_de_l_annee(racine):
    p = charger_parametres(racine, 2019)
    assert p["annee"] == 2019 and p["territoire"]


@pytest.mark.parametrize(
    "contenu, message",
    [
        (
            "annee: 2019\nterritoire: T\nterritoir_court: X\n",
            "paramètre inconnu « territoir_court » (vouliez-vous dire « territoire_court » ?)",
        ),
        ("annee: 2019\n", "paramètre obligatoire absent : « territoire »"),
        ("annee: 2020\nterritoire: T\n", "annee = 2020 alors que l'année demandée est 2019"),
        ("annee: 2019\nterritoire: [a, b]\n", "paramètre « territoire »"),
        ("annee: 2019\nterritoire: 'T\n", "illisible"),
    ],
)
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
            executer(
                2019,
                racine=racine,
                out=sortie,
                processed_dir=tmp_path / "processed" / "2019",
                sortie=lambda *a, **k: None,
            )
    assert (sortie / "index.html").read_text() == "rapport précédent"


def test_ligne_de_commande_en_francais(racine):
    r = subprocess.run([sys.executable, "-m", "politique_ville", "run"], capture_output=True, text=True, cwd=racine)
    assert r.returncode == 2 and "erreur" in r.stderr and "--annee" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "politique_ville", "run", "--annee", "1999"], capture_output=True, text=True, cwd=racine
    )
    assert r.returncode == 1 and "Fichier de paramètres introuvable" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "politique_ville", "run", "--help"], capture_output=True, text=True, cwd=racine
    )
    assert r.returncode == 0 and r.stdout.startswith("utilisation : ")
    for option in ("--params", "--raw-dir", "--out", "--processed-dir", "--chapitres", "--jobs", "--force"):
        assert option in r.stdout, option


def _executer(noyau, code: str) -> tuple[int, str]:
    """Exécute ``code`` dans un noyau du pool, comme le ferait une cellule : (numéro d'exécution, texte affiché)."""
    sorties = []
    rep = noyau.kc.execute_interactive(
        code, output_hook=lambda msg: sorties.append(msg["content"].get("text", "")), timeout=60
    )
    return rep["content"]["execution_count"], "".join(sorties).strip()


def test_les_sorties_des_cellules_sont_celles_de_nbformat_validees_avec_le_notebook():
    """nbclient construit les sorties par ``sortie_du_message`` : le même nœud que ``nbformat.v4.output_from_msg``
    (mêmes champs, même ordre, mêmes types), sans la validation de chaque sortie seule ; le notebook qui les porte
    passe la validation de nbformat (faite à son écriture)."""
    import json

    import nbclient.client
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, output_from_msg

    from politique_ville.runner.execute import _sorties_validees_a_l_ecriture, sortie_du_message

    messages = [
        ("execute_result", {"metadata": {"a": {"b": 1}}, "data": {"text/plain": "3"}, "execution_count": 3}),
        ("display_data", {"metadata": {}, "data": {"text/html": "<b>é</b>", "image/png": "iVBOR"}, "transient": {}}),
        ("stream", {"name": "stderr", "text": "avertissement\n"}),
        ("error", {"ename": "ErreurDonnees", "evalue": "ligne 3", "traceback": ["a", "b"]}),
    ]

    def forme(n):
        return {k: (type(v).__name__, forme(v) if isinstance(v, dict) else v) for k, v in n.items()}

    sorties = []
    for type_, contenu in messages:
        msg = {"header": {"msg_type": type_}, "content": contenu}
        a, b = output_from_msg(msg), sortie_du_message(msg)
        assert json.dumps(a) == json.dumps(b) and forme(a) == forme(b)
        sorties.append(b)
    with pytest.raises(ValueError, match="status"):
        sortie_du_message({"header": {"msg_type": "status"}, "content": {}})
    nb = new_notebook(cells=[new_code_cell("x", outputs=sorties, execution_count=3)])
    nbformat.validate(nb)
    _sorties_validees_a_l_ecriture()
    assert nbclient.client.output_from_msg is sortie_du_message


def test_pool_de_noyaux_prete_un_noyau_neuf_a_chaque_notebook(racine):
    """Un noyau du pool arrive les modules des chapitres déjà importés, sans rien dans l'espace de noms du notebook ni
    exécution comptée ; rendu puis repris, il a oublié ce que le notebook précédent avait défini (variables, figures
    ouvertes, compteur d'exécution) mais garde ses modules ; fermé, le pool n'a plus rien à prêter."""
    from politique_ville.runner import PoolNoyaux

    pool = PoolNoyaux(racine / "notebooks")
    pool.demarrer(1)
    try:
        noyau = pool.prendre(attendre=120)
        assert noyau is not None and noyau.km.is_alive()
        compte, texte = _executer(
            noyau,
            "import sys; print(sorted(m for m in ('pandas', 'politique_ville.compute.qpv', "
            "'politique_ville.figures.programmation', 'politique_ville.clean.nettoyage') if m in sys.modules), "
            "[n for n in dir() if n.startswith('_pv')])",
        )
        assert compte == 1  # le préchauffage ne compte pas d'exécution
        assert texte == (
            "['pandas', 'politique_ville.clean.nettoyage', 'politique_ville.compute.qpv', "
            "'politique_ville.figures.programmation'] []"
        )
        # options des noyaux du runner : ni historique des cellules ni recherche d'un « await » dans chaque cellule ;
        # la transformation du texte d'une cellule par IPython gardée pour le même texte, et juste (magie « %time »)
        _, options = _executer(noyau, "ip = get_ipython(); print(ip.history_manager.enabled, ip.autoawait)")
        assert options == "False False"
        _, texte = _executer(noyau, "%time x = 1\nprint(x + 1)")
        assert texte.endswith("2") and "Wall time" in texte
        _executer(noyau, "%time x = 1\nprint(x + 1)")
        _, gardees = _executer(
            noyau,
            "t = get_ipython().input_transformer_manager.transform_cell\n"
            "print([v.splitlines()[0] for k, v in t.gardees.items() if k.startswith('%time')])",
        )
        assert gardees == "[\"get_ipython().run_line_magic('time', 'x = 1')\"]"  # une fois pour deux exécutions
        _executer(noyau, "import matplotlib.pyplot as plt\nfig = plt.figure()\nsecret = 42")
        pool.rendre(noyau)
        repris = pool.prendre(attendre=30)
        assert repris is noyau and noyau.notebooks == 1  # le même processus, remis à zéro
        compte, texte = _executer(
            repris,
            "import gc, sys\nprint('secret' in dir(), 'fig' in dir(), len(sys.modules['matplotlib.pyplot'].get_fignums()), "
            "'politique_ville.compute.qpv' in sys.modules, type(gc.collect).__name__, [n for n in dir() if 'pv' in n])",
        )
        # le ramasse-miettes, écarté le temps de la remise à zéro, est rendu tel quel
        assert (compte, texte) == (1, "False False 0 True builtin_function_or_method []")
        pool.rendre(repris)
    finally:
        pool.fermer()
    debut = time.monotonic()
    assert pool.prendre(attendre=30) is None and time.monotonic() - debut < 5  # fermé : rien à attendre
    assert not noyau.km.is_alive()


def test_pool_la_validation_prend_le_noyau_de_great_expectations(racine):
    """Le noyau de la validation arrive avec Great Expectations déjà importé et c'est lui que prend la validation,
    même si un autre noyau est libre ; un pool sans noyau à venir ne fait pas attendre ; un noyau mort rendu est
    retiré."""
    from politique_ville.runner import PoolNoyaux, modules_de_la_validation

    vide = PoolNoyaux(racine / "notebooks")
    debut = time.monotonic()
    assert vide.prendre(attendre=30) is None and time.monotonic() - debut < 5
    vide.fermer()
    pool = PoolNoyaux(racine / "notebooks")
    pool.demarrer(1)
    MODULES_VALIDATION = modules_de_la_validation(racine / "notebooks")
    assert "politique_ville.clean.validation" in MODULES_VALIDATION
    pool.demarrer(1, MODULES_VALIDATION)
    try:
        noyau = pool.prendre(attendre=120, modules=MODULES_VALIDATION)
        assert noyau is not None
        _, texte = _executer(
            noyau, "import sys, os; print('great_expectations' in sys.modules, os.environ.get('GX_ANALYTICS_ENABLED'))"
        )
        assert texte == "True False"
        autre = pool.prendre(attendre=120)
        assert autre is not None and autre is not noyau
        autre.km.shutdown_kernel(now=True)  # un noyau mort rendu n'est pas reprêté
        pool.rendre(autre)
        pool.rendre(noyau)
        assert pool.prendre(attendre=30) is noyau
    finally:
        pool.fermer()


# --------------------------------------------------------------------------------------------- table des étapes, clés


def test_l_ordre_des_etapes_vient_de_leurs_dependances():
    """L'ordre découle des tables lues et produites, pas des noms de fichiers : la table à l'envers donne encore
    nettoyages, puis validation, puis chapitres."""
    from politique_ville.reference.etapes import ETAPES
    from politique_ville.runner.steps import ordre

    assert [d.nom for d in ordre()] == [d.nom for d in ETAPES]
    noms = [d.nom for d in ordre(tuple(reversed(ETAPES)))]
    validation = noms.index("03_validation")
    assert validation > max(noms.index("01_nettoyage_financements"), noms.index("02_nettoyage_insee"))
    for chapitre in ("10_geographie_prioritaire", "20_programmation", "90_concordance", "fiches_quartier"):
        assert noms.index(chapitre) > validation, chapitre


def _projet(tmp_path, racine):
    """Fichiers bruts, référentiels et tables nettoyées minuscules (le contenu importe peu : seules les empreintes
    comptent pour les clés)."""
    from politique_ville.base.catalog import Catalogue
    from politique_ville.reference.etapes import FINANCEMENTS, INSEE

    raw, ref, tables = tmp_path / "raw", tmp_path / "ref", tmp_path / "tables"
    for d in (raw, ref, tables):
        d.mkdir()
    for t in ("npnru", "programmation", "feuille_de_route", "insee_qpv"):
        (raw / f"{t}.csv").write_text(f"a,b\n1,{t}\n", encoding="utf-8")
    for f in ("communes.csv", "porteurs.csv", "nomenclature.csv", "chiffres_publies_2019.csv"):
        (ref / f).write_text(f"x\n{f}\n", encoding="utf-8")
    for t in FINANCEMENTS + INSEE:
        (tables / f"{t}.parquet").write_bytes(t.encode())
    return Catalogue.pour(2019, racine, raw_dir=raw, processed_dir=tables, reference_dir=ref)


def _cles(cat, racine, params=None):
    from politique_ville.runner.cache import Entrees
    from politique_ville.runner.steps import etapes_du_rapport

    entrees = Entrees(cat, params or {"annee": 2019, "territoire": "T", "fiches_quartier": "toutes"})
    return {e.nom: entrees.cle(e.decl, e.notebook, cat.processed_dir) for e in etapes_du_rapport(racine)}


def _changees(avant: dict, apres: dict) -> set[str]:
    return {n for n in avant if avant[n] != apres[n]}


def test_un_fichier_brut_modifie_ne_change_que_les_cles_des_etapes_qui_le_lisent(tmp_path, racine):
    cat = _projet(tmp_path, racine)
    depart = _cles(cat, racine)
    assert len(set(depart.values())) == len(depart) and _cles(cat, racine) == depart  # distinctes, stables
    # npnru.csv : l'inventaire, le nettoyage des financements et la validation, pas le nettoyage INSEE
    (cat.raw_dir / "npnru.csv").write_text("a,b\n2,npnru\n", encoding="utf-8")
    brut_change = _cles(cat, racine)
    assert _changees(depart, brut_change) == {"00_donnees_brutes", "01_nettoyage_financements", "03_validation"}
    # la table nettoyée npnru a changé : les chapitres qui la lisent (20, 90), ni le 10 ni les fiches
    (cat.processed_dir / "npnru.parquet").write_bytes(b"npnru refait")
    table_changee = _cles(cat, racine)
    assert _changees(brut_change, table_changee) == {"03_validation", "20_programmation", "90_concordance"}
    # le fichier INSEE : inventaire, nettoyage INSEE, validation
    (cat.raw_dir / "insee_qpv.csv").write_text("a,b\n2,insee\n", encoding="utf-8")
    assert _changees(table_changee, _cles(cat, racine)) == {"00_donnees_brutes", "02_nettoyage_insee", "03_validation"}


def test_parametres_et_referentiels_dans_les_cles_des_etapes_qui_les_declarent(tmp_path, racine):
    cat = _projet(tmp_path, racine)
    depart = _cles(cat, racine)
    chapitres = {
        "10_geographie_prioritaire",
        "20_programmation",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
        "50_evolutions",
        "90_concordance",
        "fiches_quartier",
    }
    # une valeur de paramètre (pas le chemin du fichier) : les chapitres, pas la préparation
    assert _changees(depart, _cles(cat, racine, {"annee": 2019, "territoire": "T", "fiches_quartier": 3})) == chapitres
    # les chiffres publiés : les chapitres seulement ; les communes : nettoyages et validation aussi
    (cat.reference_dir / "chiffres_publies_2019.csv").write_text("x\nautre\n", encoding="utf-8")
    publies = _cles(cat, racine)
    assert _changees(depart, publies) == chapitres
    (cat.reference_dir / "communes.csv").write_text("x\nautre\n", encoding="utf-8")
    assert _changees(publies, _cles(cat, racine)) == chapitres | {
        "01_nettoyage_financements",
        "02_nettoyage_insee",
        "03_validation",
    }


def test_publication_des_tables_nettoyees(tmp_path):
    """Transit : les tables reprises y sont ; abandonné, rien ne change ; publié, il remplace les tables d'un coup."""
    from politique_ville.runner.commit import Transit

    final = tmp_path / "processed" / "2019"
    final.mkdir(parents=True)
    (final / "a.parquet").write_bytes(b"a")
    (final / "b.parquet").write_bytes(b"b")
    transit = Transit(final)
    assert transit.tables_dir == final
    transit.ouvrir(reprises=["a", "absente"])
    assert transit.tables_dir == transit.dossier and sorted(p.name for p in transit.dossier.iterdir()) == ["a.parquet"]
    (transit.dossier / "c.parquet").write_bytes(b"c")
    transit.abandonner()
    assert not transit.dossier.exists() and transit.tables_dir == final
    assert sorted(p.name for p in final.iterdir()) == ["a.parquet", "b.parquet"]
    transit.ouvrir(reprises=["a"])
    (transit.dossier / "c.parquet").write_bytes(b"c")
    transit.publier()
    assert sorted(p.name for p in final.iterdir()) == ["a.parquet", "c.parquet"]
    assert (final / "a.parquet").read_bytes() == b"a" and sorted(p.name for p in final.parent.iterdir()) == ["2019"]


def test_verrou_ne_laisse_rien_a_cote_du_rapport(tmp_path):
    with Verrou(tmp_path / ".2019.verrou") as v:
        assert "processus" in v.qui.read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == []
    with Verrou(tmp_path / ".2019.verrou"):  # libéré : reprenable
        pass


def test_statuts_et_groupes_sont_des_enumerations():
    from enum import Enum

    from politique_ville.runner import Groupe, Statut

    assert issubclass(Statut, Enum) and issubclass(Groupe, Enum)
    assert [s.value for s in Statut] == ["à exécuter", "exécutée", "réutilisée", "ignorée", "non demandée"]
