"""Choix des étapes (``--chapitres``), échantillon de fiches quartier (``fiches_quartier``) et avancement des étapes.

Les exécutions se font sur le territoire FICTIF de ``tests/fixtures/territoire_fictif`` (seul un fichier INSEE de
5 quartiers : préparation, chapitres 10 et 90, fiches), avec ``fiches_quartier: 2`` : quatre exécutions successives
dans le même dossier de rapport, comme un analyste qui reprend son rapport morceau par morceau.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.runner import EchecExecution, _choisir_etapes, etapes_du_rapport, executer

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_fictif"
ANNEE = 2031
CODES = ["QP999001", "QP999002", "QP999003", "QP999004", "QP999005"]  # ordre du fichier INSEE de la fixture


# --------------------------------------------------------------------------------------------- --chapitres (sans exécuter)


def _demandees(chapitres):
    etapes = etapes_du_rapport(RACINE)
    _choisir_etapes(etapes, chapitres)
    return {e.nom for e in etapes if e.demandee and e.groupe != "préparation"}


@pytest.mark.parametrize(
    "chapitres, attendues",
    [
        (["20"], {"20_programmation"}),
        (["programmation"], {"20_programmation"}),
        (["20", " 30 ", ""], {"20_programmation", "30_contribution_objectifs"}),
        # les fiches se demandent sous plusieurs noms ; le chapitre 10, qui fait un lien vers elles, les emmène
        (["fiche"], {"fiches_quartier"}),
        (["fiches"], {"fiches_quartier"}),
        (["fiches_quartier"], {"fiches_quartier"}),
        (["quartiers"], {"fiches_quartier"}),
        (["10"], {"10_geographie_prioritaire", "fiches_quartier"}),
        (["90", "fiches"], {"90_concordance", "fiches_quartier"}),
    ],
)
def test_choix_des_chapitres(chapitres, attendues):
    assert _demandees(chapitres) == attendues


def test_preparation_toujours_demandee():
    etapes = etapes_du_rapport(RACINE)
    _choisir_etapes(etapes, ["40"])
    prep = [e for e in etapes if e.groupe == "préparation"]
    assert [e.nom[:2] for e in prep] == ["00", "01", "02", "03"] and all(e.demandee for e in prep)


def test_chapitre_inconnu_est_une_erreur_qui_liste_les_choix():
    with pytest.raises(EchecExecution) as exc:
        _choisir_etapes(etapes_du_rapport(RACINE), ["20", "geographie-prioritaire", "fiche"])
    message = str(exc.value)
    assert message.startswith("Chapitre(s) inconnu(s) : geographie-prioritaire.")
    assert "10 (10_geographie_prioritaire)" in message and "fiches (fiches quartier)" in message


# --------------------------------------------------------------------------------------------- exécutions successives


@pytest.fixture(scope="module")
def reprises(tmp_path_factory):
    base = tmp_path_factory.mktemp("selection")
    raw = base / "raw" / str(ANNEE)
    shutil.copytree(FIXTURE / "raw" / str(ANNEE), raw)
    params = base / f"{ANNEE}.yaml"
    texte = (FIXTURE / "params" / f"{ANNEE}.yaml").read_text(encoding="utf-8")
    params.write_text(
        texte.replace('reference_dir: "', f'reference_dir: "{RACINE}/') + "fiches_quartier: 2\n", encoding="utf-8"
    )
    sortie = base / "reports" / str(ANNEE)
    runs = {}

    def run(nom, chapitres=None, **kw):
        messages: list[str] = []
        executer(
            ANNEE,
            racine=RACINE,
            fichier_params=params,
            raw_dir=raw,
            out=sortie,
            processed_dir=base / "processed" / str(ANNEE),
            chapitres=chapitres,
            sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
            **kw,
        )
        runs[nom] = {
            "messages": messages,
            "texte": "\n".join(messages),
            "fichiers": sorted(str(p.relative_to(sortie)) for p in sortie.rglob("*.html")),
        }

    barres = io.StringIO()
    # comme sur un serveur : matplotlib sans affichage, pour les noyaux aussi (les figures restent des images)
    moteur = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        run("fiches", ["fiche"], barres=True, fichier_barres=barres)
    finally:
        os.environ.pop("MPLBACKEND") if moteur is None else os.environ.__setitem__("MPLBACKEND", moteur)
    runs["fiches"]["barres"] = barres.getvalue()
    runs["fiches"]["index"] = html.unescape((sortie / "index.html").read_text(encoding="utf-8"))
    run("chapitre_10", ["10"])
    run("tout")
    run("rien")
    # une exécution d'essai (ou une retouche) a remplacé les tables nettoyées : ce rapport n'en est plus issu
    traitees = base / "processed" / str(ANNEE) / "insee_qpv.parquet"
    pd.read_parquet(traitees).iloc[:3].to_parquet(traitees)
    run("traitees_remplacees")
    # une liste de fiches qui nomme un quartier inconnu : arrêt avant les chapitres, rapport précédent intact
    index_avant = (sortie / "index.html").read_bytes()
    params.write_text(
        params.read_text(encoding="utf-8").replace("fiches_quartier: 2", "fiches_quartier: [QP999002, QP999999]"),
        encoding="utf-8",
    )
    with pytest.raises(EchecExecution) as exc:
        run("code_inconnu")
    runs["code_inconnu"] = {
        "erreur": str(exc.value),
        "index_intact": (sortie / "index.html").read_bytes() == index_avant,
    }
    params.write_text(
        params.read_text(encoding="utf-8").replace("fiches_quartier: [QP999002, QP999999]", "fiches_quartier: 2"),
        encoding="utf-8",
    )
    runs["attente_en_echec"] = _attente_en_echec(params, raw, sortie, base / "processed" / str(ANNEE))
    return {"runs": runs, "sortie": sortie, "base": base}


def _attente_en_echec(params, raw, sortie, traitees) -> dict:
    """Des tables nettoyées qui ne satisfont pas une attente Great Expectations (un taux d'emploi de 140 %).

    Le nettoyage refuse lui-même toutes les fautes de données qu'on a su écrire (taux hors de [0, 100], doublons,
    communes inconnues…) ; la validation est le filet qui rattrape un nettoyage fautif. Pour la mettre à l'épreuve
    de bout en bout, le fichier INSEE change un peu (le nettoyage est refait) et la table qu'écrit le nettoyage dans
    le dossier de transit est altérée dès la fin de l'étape, avant la validation (qui ne commence qu'après toutes
    les étapes de lecture et de nettoyage)."""
    from conftest import empreintes

    from politique_ville.base.catalog import dossier_travail

    texte = (raw / "insee_qpv.csv").read_text(encoding="utf-8")
    (raw / "insee_qpv.csv").write_text(texte.replace(";2450;", ";2451;", 1), encoding="utf-8")
    avant = {"rapport": empreintes(sortie), "traitees": empreintes(traitees)}
    messages: list[str] = []

    def sortie_et_alteration(*a, **k):
        messages.append(" ".join(map(str, a)))
        if messages[-1].startswith("  ✓ 02_nettoyage_insee"):
            table = dossier_travail(traitees) / "insee_qpv.parquet"
            qpv = pd.read_parquet(table)
            qpv.loc[qpv.index[0], "tx_tot_empl"] = 140.0
            qpv.to_parquet(table, index=False)

    with pytest.raises(EchecExecution) as exc:
        executer(
            ANNEE,
            racine=RACINE,
            fichier_params=params,
            raw_dir=raw,
            out=sortie,
            processed_dir=traitees,
            sortie=sortie_et_alteration,
        )
    return {
        "erreur": str(exc.value),
        "messages": messages,
        "avant": avant,
        "apres": {"rapport": empreintes(sortie), "traitees": empreintes(traitees)},
        "echec": sortie.parent / f"{ANNEE}.echec",
        "transit_laisse": dossier_travail(traitees).exists(),
    }


def _statut(texte: str, nom: str) -> str:
    m = re.search(rf"^  (exécutée|réutilisée|ignorée|non demandée)\s+{nom}\b(.*)$", texte, flags=re.M)
    assert m, f"{nom} absent du résumé :\n{texte}"
    return m.group(1) + m.group(2)


@pytest.mark.pipeline
def test_fiches_seules_sans_les_chapitres(reprises):
    r = reprises["runs"]["fiches"]
    assert _statut(r["texte"], "fiches_quartier").startswith("exécutée") and "2 fiches" in r["texte"]
    assert _statut(r["texte"], "10_geographie_prioritaire") == "non demandée — hors de la sélection --chapitres"
    # ni chiffres publiés ni fichier SCDL dans la fixture : la concordance n'a rien à comparer, demandée ou non
    assert _statut(r["texte"], "90_concordance").startswith("ignorée — ni chiffres publiés")
    assert "quartiers/QP999001.html" in r["fichiers"] and "10_geographie_prioritaire.html" not in r["fichiers"]
    assert "non produit (hors de la sélection --chapitres)" in r["index"]


@pytest.mark.pipeline
def test_echantillon_de_fiches_les_premiers_quartiers(reprises):
    fiches = sorted(p.stem for p in (reprises["sortie"] / "quartiers").glob("*.html"))
    assert fiches == CODES[:2]


@pytest.mark.pipeline
def test_figures_en_images_meme_avec_matplotlib_sans_affichage(reprises):
    """Fiches produites avec MPLBACKEND=Agg ; chapitre 10 sans : les figures sont des images PNG, jamais le texte
    « <Figure size …> »."""
    for page in [reprises["sortie"] / "quartiers" / f"{c}.html" for c in CODES[:2]] + [
        reprises["sortie"] / "10_geographie_prioritaire.html"
    ]:
        texte = page.read_text(encoding="utf-8")
        assert "data:image/png;base64," in texte and "Figure size" not in texte, page


@pytest.mark.pipeline
def test_une_barre_par_etape_dans_un_terminal(reprises):
    barres = reprises["runs"]["fiches"]["barres"]
    for nom in ("00_donnees_brutes", "01_nettoyage_financements", "02_nettoyage_insee", "03_validation"):
        assert re.search(rf"{nom}:\s+\d+%\|.*\| \d+/\d+ .*cellule/s", barres), nom
    assert re.search(r"fiches quartier \(2\):\s+\d+%\|.*\| [0-2]/2 .*fiche", barres)
    # les lignes « ✓ » ne passent pas par le fichier des barres, et sans terminal pas de ligne « en cours »
    assert "✓" not in barres and "en cours" not in reprises["runs"]["fiches"]["texte"]


@pytest.mark.pipeline
def test_hors_terminal_une_ligne_au_debut_et_a_la_fin_de_chaque_etape(reprises):
    texte = reprises["runs"]["chapitre_10"]["texte"]
    debut = texte.index("… 10_geographie_prioritaire : en cours")
    assert texte.index("✓ 10_geographie_prioritaire (") > debut


def _statuts(run: dict) -> dict[str, str]:
    """Étape -> statut, lu dans le résumé de fin d'exécution."""
    return dict(
        (nom, statut)
        for statut, nom in re.findall(
            r"^  (exécutée|réutilisée|ignorée|non demandée)\s+(\w+)", run["texte"], flags=re.M
        )
    )


@pytest.mark.pipeline
def test_chapitre_10_reutilise_la_preparation_et_les_fiches(reprises):
    statuts = _statuts(reprises["runs"]["chapitre_10"])
    assert {
        n: statuts[n]
        for n in (
            "00_donnees_brutes",
            "03_validation",
            "10_geographie_prioritaire",
            "fiches_quartier",
            "90_concordance",
        )
    } == {
        "00_donnees_brutes": "réutilisée",
        "03_validation": "réutilisée",
        "10_geographie_prioritaire": "exécutée",
        "fiches_quartier": "réutilisée",
        "90_concordance": "ignorée",
    }


@pytest.mark.pipeline
def test_chapitre_10_ne_fait_de_lien_que_vers_les_fiches_produites(reprises):
    sortie = reprises["sortie"]
    page = (sortie / "10_geographie_prioritaire.html").read_text(encoding="utf-8")
    liens = set(re.findall(r'href="(quartiers/[^"]+)"', page))
    assert liens == {f"quartiers/{c}.html" for c in CODES[:2]}
    assert all((sortie / lien).is_file() for lien in liens)
    assert "Fiches produites pour 2 quartier(s) sur 5" in html.unescape(page)


@pytest.mark.pipeline
def test_execution_complete_garde_ce_qui_est_a_jour(reprises):
    # tout était à jour après les sélections précédentes : rien à refaire ; la concordance (rien à comparer dans la
    # fixture) est dite non produite, avec sa raison
    texte = reprises["runs"]["tout"]["texte"]
    assert "Rien n'a changé" in texte and "6 étapes réutilisées" in texte
    assert "90_concordance (ignorée : ni chiffres publiés" in texte
    assert {"10_geographie_prioritaire.html", "quartiers/QP999002.html"} <= set(reprises["runs"]["tout"]["fichiers"])


@pytest.mark.pipeline
def test_sans_changement_tout_est_reutilise(reprises):
    texte = reprises["runs"]["rien"]["texte"]
    assert "Rien n'a changé" in texte and "6 étapes réutilisées" in texte
    # 20, 30, 40 : pas de programmation dans la fixture, nommés comme non produits
    assert "non produites : 20_programmation (ignorée : entrées manquantes : programmation" in texte


@pytest.mark.pipeline
def test_quartier_inconnu_dans_fiches_quartier_arrete_avant_les_chapitres(reprises):
    r = reprises["runs"]["code_inconnu"]
    assert r["erreur"].endswith(
        f"{ANNEE}.yaml : fiches_quartier : quartier(s) inconnu(s) dans la table des "
        f"quartiers : QP999999. Le rapport précédent ({reprises['sortie']}) n'a pas été "
        f"modifié."
    )
    assert r["index_intact"]


@pytest.mark.pipeline
def test_tables_nettoyees_remplacees_depuis_le_rapport_preparation_refaite(reprises):
    r = reprises["runs"]["traitees_remplacees"]
    assert (
        "ne sont plus celles de ce rapport (remplacées ou modifiées depuis) : la préparation est refaite" in r["texte"]
    )
    statuts = _statuts(r)
    assert statuts["02_nettoyage_insee"] == "exécutée"
    # les tables refaites sont identiques à celles dont le rapport est issu (mêmes fichiers bruts) : la validation,
    # le chapitre 10 et les fiches, dont les entrées n'ont pas changé, sont réutilisés
    assert (
        statuts["03_validation"] == statuts["10_geographie_prioritaire"] == statuts["fiches_quartier"] == "réutilisée"
    )
    assert len(pd.read_parquet(reprises["base"] / "processed" / str(ANNEE) / "insee_qpv.parquet")) == 5


@pytest.mark.pipeline
def test_attente_non_satisfaite_arrete_avant_les_chapitres_et_garde_le_rapport(reprises):
    r = reprises["runs"]["attente_en_echec"]
    assert r["erreur"].startswith(
        "Échec de l'étape « 03_validation ».\nValidation échouée : 1 attente(s) non satisfaite(s) sur "
    )
    assert (
        "insee_qpv (traité), colonne « tx_tot_empl » : valeurs dans l'intervalle permis : 1 valeur(s) fautive(s) "
        ": 140.0 — lignes 2"
    ) in r["erreur"]
    assert "Aucun chapitre n'a été produit" in r["erreur"] and "n'ont pas été modifiés" in r["erreur"]
    assert "Traceback" not in r["erreur"]
    # les chapitres et les fiches avancent pendant la validation, sur les tables du transit : son échec les abandonne
    # et le dit ; aucun n'est publié (rapport et tables nettoyées précédents intacts, octet pour octet) ; pas de
    # transit laissé ; aucun chapitre n'est dit « en échec » (ils ne le sont pas : ils sont abandonnés)
    texte = "\n".join(r["messages"])
    assert (
        "✗ 03_validation : échec ; les chapitres et fiches commencés en même temps sur ces tables sont abandonnés, "
        "aucun n'est publié"
    ) in texte
    assert not any("✗" in m for m in r["messages"] if "03_validation" not in m)
    assert r["apres"] == r["avant"] and not r["transit_laisse"]
    assert (r["echec"] / "notebooks" / "03_validation.ipynb").is_file()
