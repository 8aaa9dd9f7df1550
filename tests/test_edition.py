"""Ce qui fait du rapport une édition qu'on imprime, lit sur un téléphone, cherche et transmet (sans exécuter de
notebook) : méthodologie, renvois, navigation qui nomme les pages, chiffres clés, archive, classeurs de nombres, Data
Docs en français, brouillon d'un notebook exécuté à la main, PDF sans Chromium."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import RACINE
from openpyxl import load_workbook

from politique_ville.clean import datadocs
from politique_ville.present import tableaux
from politique_ville.reference import parametres
from politique_ville.reference import provenance as pv
from politique_ville.report import edition, export, methodologie, pdf, recherche

# --------------------------------------------------------------------------------------------- méthodologie


@pytest.fixture(scope="module")
def page_methodologie(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("methodologie")
    chemin = methodologie.ecrire_methodologie(
        dossier,
        annee=2019,
        territoire="Territoire <d'essai>",
        readme=RACINE / "data" / "raw" / "README.md",
        registre=RACINE / "data" / "reference" / "indicateurs_qpv.csv",
        entrees=[{"fichier": "data/raw/2019/insee_qpv.csv", "lignes": 21, "sha256": "ab" * 32}],
    )
    return chemin.read_text(encoding="utf-8")


def test_methodologie_legende_une_fois_avec_une_ancre_par_provenance(page_methodologie):
    for p in pv.VOCABULAIRE:
        ancre = export.ancre_provenance(p)
        assert page_methodologie.count(f'id="{ancre}"') == 1, p
    assert export.ancre_provenance("reçu") == "provenance-recu"
    assert export.ancre_provenance("recalculé") == "provenance-recalcule"
    # la définition de « reconstruit » renvoie aux règles de la page, pas au fichier que le lecteur n'a pas
    assert "data/raw/README.md</dd>" not in page_methodologie
    assert '<a href="#reconstruction">' in page_methodologie


def test_methodologie_regles_indicateurs_glossaire_sources(page_methodologie):
    p = page_methodologie
    for ancre in ("provenance", "reconstruction", "indicateurs", "glossaire", "sources"):
        assert f'id="{ancre}"' in p
    assert "Règles de reconstruction des montants" in p  # repris du dictionnaire des données
    assert "à parts égales arrondies à l'euro" in p
    registre = pd.read_csv(RACINE / "data" / "reference" / "indicateurs_qpv.csv", dtype=str)
    for libelle in registre["libelle"].head(5):
        assert libelle.replace("'", "&#x27;") in p
    for sigle in ("CGET", "ANCT", "TFPB", "FCS", "FDC", "ITI", "NPNRU", "QPV", "QVA", "DC"):
        assert re.search(rf"<dt id=\"sigle-[^\"]+\">{sigle}( \d+)?</dt><dd>[^<]{{20,}}</dd>", p), sigle
    assert "données Insee 2013 et Fileas-Cnaf 2015" in p  # millésimes des sources
    assert "data/raw/2019/insee_qpv.csv" in p
    assert "Territoire &lt;d&#x27;essai&gt;" in p and "<d'essai>" not in p
    assert '<meta name="viewport"' in p


def test_methodologie_sans_dictionnaire_des_donnees(tmp_path):
    texte = methodologie.ecrire_methodologie(
        tmp_path, annee=2031, territoire="T", readme=tmp_path / "absent.md", registre=None
    ).read_text("utf-8")
    assert "Aucune valeur reconstruite n'est décrite" in texte and "Registre des indicateurs absent" in texte


# --------------------------------------------------------------------------------------------- renvois d'une page


def _page(contenu: str) -> str:
    return f"<html><head><title>x</title></head><body><main>{contenu}</main></body></html>"


def test_renvoi_au_dictionnaire_devient_un_lien_vers_la_methodologie():
    page = export.finir_page(
        _page(
            "<p>valeurs reconstruites (règle dans data/raw/README.md) et <code>data/raw/README.md</code> ;"
            " (data/raw/README.md) ; voir le chapitre 2 et la concordance.</p>"
        ),
        vers_racine="../",
    )
    assert "data/raw/README.md" not in page
    assert page.count('href="../methodologie.html#reconstruction">la méthodologie</a>') == 3
    assert "(voir <a" in page
    assert 'voir <a href="../20_programmation.html">le chapitre 2</a> et <a href="../90_concordance.html">' in page


def test_note_de_provenance_en_une_ligne_liee_a_sa_definition():
    note = pv.note("reconstruit", "Effectifs par quartier.")
    recu = pv.note("reçu", source="data/raw/2031/insee_qpv.csv")
    page = export.finir_page(
        _page(
            f'<p class="note provenance">{note}</p><p class="note provenance">{recu}</p>'
            '<p class="note provenance">Provenance : « A » : publié ; « B » : reconstruit.</p>'
        )
    )
    assert (
        '<p class="note provenance">Provenance : <a class="vers-methodologie" '
        'href="methodologie.html#provenance-reconstruit">reconstruit</a>. Effectifs par quartier.</p>'
    ) in page
    assert 'href="methodologie.html#provenance-recu">reçu</a> (data/raw/2031/insee_qpv.csv).</p>' in page
    assert "Provenance : « A » : publié ; « B » : reconstruit.</p>" in page  # note composée : gardée telle quelle
    assert pv.DEFINITIONS["reconstruit"] not in page


def test_tableaux_dans_un_cadre_qui_defile_et_script_de_la_page():
    page = export.finir_page(_page("<table><tr><td>1</td></tr></table>") + export.MARQUE_SCRIPT)
    assert '<div class="defilement" tabindex="0" role="region" aria-label="Tableau">\n<table>' in page
    assert "</table>\n</div>" in page and "deborde" in page and export.MARQUE_SCRIPT not in page


def test_datatables_responsive_et_impression_de_toutes_les_lignes():
    r = export.ressources_tableaux_interactifs()
    assert "Responsive 4.1.0" in r and "responsive:" in r
    assert 'addEventListener("beforeprint"' in r and ".destroy()" in r and 'addEventListener("afterprint"' in r


# --------------------------------------------------------------------------------------------- navigation


def test_navigation_d_une_fiche_et_titres(tmp_path):
    page = tmp_path / "quartiers" / "QP1.html"
    page.parent.mkdir()
    page.write_text(
        "<html><head><title>Fiche quartier</title></head><body><!-- politique_ville:navigation-haut -->"
        '<!-- /politique_ville:navigation-haut --><main><h1 id="Fiche-quartier">Fiche quartier<a class="anchor-link" '
        'href="#Fiche-quartier">¶</a></h1><p>x</p><!-- politique_ville:navigation-bas -->'
        "<!-- /politique_ville:navigation-bas --></main></body></html>",
        encoding="utf-8",
    )
    fiches = [
        {"code_qp": "QP0", "nom": "Avant", "communes": "A", "html": "quartiers/QP0.html"},
        {"code_qp": "QP1", "nom": "Les <Cités>", "communes": "Béthune", "html": "quartiers/QP1.html"},
        {"code_qp": "QP2", "nom": None, "communes": "C", "html": "quartiers/QP2.html"},
    ]
    edition.nommer_fiches(tmp_path, fiches, territoire="CA d'essai", annee=2031)
    texte = page.read_text("utf-8")
    assert "<title>Fiche quartier Les &lt;Cités&gt; (QP1), Béthune — CA d&#x27;essai, rapport 2031</title>" in texte
    assert 'Fiche quartier : Les &lt;Cités&gt;<a class="anchor-link"' in texte
    assert texte.count('<p class="sous-titre">QP1 — Béthune — CA d&#x27;essai, rapport 2031</p>') == 1
    assert texte.count('rel="prev"><span class="sens">← Fiche précédente</span> Avant</a>') == 2
    assert texte.count('href="QP2.html" rel="next"><span class="sens">Fiche suivante →</span> QP2</a>') == 2
    assert texte.count('<a class="liste" href="../index.html#fiches">Liste des fiches</a>') == 2
    assert texte.count('href="../recherche.html">Rechercher</a>') == 2
    assert texte.count('href="../methodologie.html">Méthodologie</a>') == 2
    # posée une deuxième fois : rien ne change (un seul sous-titre)
    assert not export.poser_navigation(
        page,
        {
            "index": "../index.html",
            "genre": "Fiche",
            "liste": ("Liste des fiches", "../index.html#fiches"),
            "precedent": ("Avant", "QP0.html"),
            "suivant": ("QP2", "QP2.html"),
        },
        titre="Fiche quartier Les <Cités> (QP1), Béthune — CA d'essai, rapport 2031",
        titre_h1="Fiche quartier : Les <Cités>",
        sous_titre="QP1 — Béthune — CA d'essai, rapport 2031",
    )


def test_chiffres_cles():
    q = pd.DataFrame(
        {"type_quartier": ["QPV", "QPV", "quartier de veille"], "pop_mun": [1000, 2500, 300], "code_qp": list("abc")}
    )
    p = pd.DataFrame(
        {"porteur_canonique": ["A", "B", "A"], "cget": [1000.0, 2000.0, None], "droit_commun": [None, None, None]}
    )
    conc = pd.DataFrame({"statut": ["identique", "identique", "écart documenté"]})
    cles = {c[0]: c[1:] for c in edition.chiffres_cles({"insee_qpv": q, "programmation": p}, conc)}
    assert cles["Quartiers prioritaires (QPV)"] == ("2",)
    assert cles["Habitants des QPV"] == ("3\u202f500",)
    assert cles["Actions programmées"] == ("3",) and cles["Porteurs d'actions"] == ("2",)
    assert cles["Crédits spécifiques de l'État (CGET)"] == ("3\u202f000\u00a0€",)
    assert "Droit commun mobilisé" not in cles  # aucune valeur : pas de chiffre
    assert cles["Chiffres publiés recalculés (concordance)"] == ("3", "identique : 2 ; écart documenté : 1")
    assert edition.chiffres_cles({}) == []


def test_index_viewport_chiffres_cles_recherche_telechargements(tmp_path):
    import datetime as dt

    export.ecrire_index(
        tmp_path,
        annee=2031,
        territoire="T",
        chapitres=[],
        parametres={},
        entrees=[],
        version="v",
        debut=dt.datetime(2031, 1, 2),
        chiffres_cles=[("Quartiers prioritaires (QPV)", "16"), ("C", "3", "détail")],
        telechargements=[{"titre": "Tout télécharger", "html": "rapport_2031_tableaux_et_donnees.zip"}],
    )
    texte = (tmp_path / "index.html").read_text("utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in texte
    assert "<dt>Quartiers prioritaires (QPV)</dt><dd>16</dd>" in texte and "<small>détail</small>" in texte
    assert '<form class="recherche" role="search" action="recherche.html"' in texte
    assert 'href="methodologie.html"' in texte and 'href="rapport_2031_tableaux_et_donnees.zip"' in texte
    assert pdf.MARQUE_PDF in texte


def test_liens_vers_les_pdf_dans_l_index(tmp_path):
    import datetime as dt

    export.ecrire_index(
        tmp_path,
        annee=2031,
        territoire="T",
        chapitres=[],
        parametres={},
        entrees=[],
        version="v",
        debut=dt.datetime(2031, 1, 2),
    )
    (tmp_path / "rapport_2031.pdf").write_bytes(b"%PDF" + b"0" * 1_500_000)
    pdf.lier_dans_l_index(tmp_path, [tmp_path / "rapport_2031.pdf"])
    pdf.lier_dans_l_index(tmp_path, [tmp_path / "rapport_2031.pdf"])  # une deuxième fois : un seul lien
    texte = (tmp_path / "index.html").read_text("utf-8")
    assert texte.count('<a href="rapport_2031.pdf">Le rapport en PDF (imprimable, A4) — 1,5 Mo</a>') == 1


# --------------------------------------------------------------------------------------------- recherche


def test_index_de_recherche_par_section(tmp_path):
    (tmp_path / "quartiers").mkdir()
    (tmp_path / "10.html").write_text(
        _page(
            '<h1 id="Chap">Chapitre<a class="anchor-link" href="#Chap">¶</a></h1><p>intro</p>'
            '<h2 id="Emploi">Emploi</h2><p>Taux d&#x27;emploi des 15-64 ans</p><img src="data:image/png;base64,AAAA">'
            '<script>var x = "secret";</script><h3 id="Sous">Sous</h3><table><tr><td>Mont-Liébaut</td></tr></table>'
        ),
        encoding="utf-8",
    )
    (tmp_path / "quartiers" / "QP1.html").write_text(_page("<h1>Fiche</h1>" + "mot " * 1000), encoding="utf-8")
    recherche.ecrire_recherche(tmp_path, annee=2031, territoire="T", pages=["10.html", "quartiers/QP1.html", "x.html"])
    index = (tmp_path / "recherche" / "index.js").read_text("utf-8")
    docs = __import__("json").loads(index.removeprefix("window.RAPPORT_RECHERCHE = ").rstrip(";\n"))
    assert [(d["titre"], d["url"]) for d in docs[:3]] == [
        ("Chapitre", "10.html"),
        ("Emploi", "10.html#Emploi"),
        ("Sous", "10.html#Sous"),
    ]
    assert docs[1]["texte"] == "Taux d'emploi des 15-64 ans" and docs[2]["texte"] == "Mont-Liébaut"
    assert "secret" not in index and "base64" not in index
    assert len(docs[-1]["texte"]) <= recherche.CARACTERES_MAX_FICHE
    page = (tmp_path / "recherche.html").read_text("utf-8")
    assert '<script src="recherche/minisearch.js"></script>' in page and "new MiniSearch(" in page
    assert (tmp_path / "recherche" / "LICENSE.txt").is_file()


# --------------------------------------------------------------------------------------------- classeurs


def test_nombres_du_classeur_valeur_unite_ecart_rang():
    df = pd.DataFrame(
        {
            "Quartier": ["A", "B", "C", "D"],
            "Moyenne": [
                "38,0 ; écart +2,3\u00a0pts",
                "32,6 ; écart −0,9\u00a0pt",
                "n.d.",
                "1\u202f103 ; écart +3\u00a0pts",
            ],
            "publié": ["16\u00a0quartiers", "≈ 33,3\u00a0%", "1\u202f712\u202f989\u00a0€", "—"],
            "Rang": ["1 sur 16 (valeur la plus élevée = 1)", "2 sur 16 (valeur la plus élevée = 1)", None, "—"],
            "Revenu": ["1\u202f103 (956–1\u202f205)", "12", "13", "14"],
            "section": ["1", "2.1", "2", "3"],
            "Porteur": ["-2", "=1+1", "x", "y"],
        }
    )
    r = tableaux.nombres_du_classeur(df)
    assert r["Moyenne"].tolist()[:2] == [38.0, 32.6] and pd.isna(r["Moyenne"][2])
    assert r["Moyenne — écart (points)"].tolist()[:2] == [2.3, -0.9]
    assert r["Moyenne — remarque"].tolist()[2] == "n.d."
    assert r["publié"].tolist()[:3] == [16, 33.3, 1712989]
    assert r["publié — unité"].tolist()[:3] == ["quartiers", "%", "€"]
    assert r["publié — approximatif"].tolist()[:2] == ["non", "oui"]
    assert "publié — remarque" not in r  # « — » : sans valeur, rien à remarquer
    assert r["Rang"].tolist()[:2] == [1, 2] and r["Rang — sur"].tolist()[:2] == [16, 16]
    assert r["Rang — convention"][0] == "valeur la plus élevée = 1"
    assert r["Revenu"].tolist() == [1103, 12, 13, 14] and r["Revenu — borne haute"][0] == 1205
    assert r["section"].tolist() == ["1", "2.1", "2", "3"]  # des identifiants, pas des nombres
    assert r["Porteur"].tolist() == ["-2", "=1+1", "x", "y"]  # du texte reste du texte


def test_classeur_de_nombres_lisible_par_tous(tmp_path):
    df = pd.DataFrame(
        {"Indicateur": ["a", "b"], "QPV": ["38,0 ; écart +2,3\u00a0pts", "1\u202f601 ; écart −4\u00a0pts"]}
    )
    chemin = tableaux.ecrire_classeur([("Niveaux", df, "Provenance : publié.")], tmp_path / "c.xlsx")
    ws = load_workbook(chemin).active
    assert ws.cell(1, 1).value == "Provenance : publié."
    assert [c.value for c in ws[2]] == ["Indicateur", "QPV", "QPV — écart (points)"]
    assert [ws.cell(3, 2).value, ws.cell(4, 2).value, ws.cell(4, 3).value] == [38, 1601, -4]
    assert ws.cell(3, 2).data_type == "n" and ws.cell(3, 3).data_type == "n"
    assert stat.S_IMODE(chemin.stat().st_mode) & 0o044 == 0o044  # lisible par le groupe et les autres (0644)


def test_archive_tout_telecharger(tmp_path):
    (tmp_path / "tableaux").mkdir()
    tableaux.ecrire_classeur([("T", pd.DataFrame({"a": [1]}))], tmp_path / "tableaux" / "10.xlsx")
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"code_qp": ["QP1"], "taux": [35.25]}).to_parquet(tables / "insee_qpv.parquet")
    archive = edition.ecrire_archive(tmp_path, tables, 2031)
    assert archive.name == "rapport_2031_tableaux_et_donnees.zip"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o644
    with zipfile.ZipFile(archive) as z:
        assert set(z.namelist()) == {"tableaux/10.xlsx", "tables_nettoyees/insee_qpv.csv", "LISEZMOI.txt"}
        assert z.read("tables_nettoyees/insee_qpv.csv").decode("utf-8-sig").splitlines() == [
            "code_qp;taux",
            "QP1;35,25",
        ]


def _table_nationale(n: int = 1600) -> pd.DataFrame:
    """Une table de la taille de la table de comparaison d'un fichier national, avec ce que pandas formate à part :
    entiers à valeurs manquantes, décimaux (NaN, -0,0, grands nombres), textes à guillemets, séparateur ou vides,
    booléens."""
    import numpy as np

    rng = np.random.default_rng(7)
    taux = rng.uniform(0, 100, n).round(1)
    taux[::13] = np.nan
    taux[5] = -0.0
    noms = [f"Quartier {i}" for i in range(n)]
    noms[3], noms[4], noms[8] = 'Les "Tilleuls"', "Nord ; Sud", ""
    return pd.DataFrame(
        {
            "code_qp": [f"QN{i:07d}" for i in range(n)],
            "nom_qp": pd.array(noms, dtype="string"),
            "pop_mun": pd.array([None if i % 17 == 0 else int(i * 37) for i in range(n)], dtype="Int64"),
            "taux": taux,
            "revenu": rng.uniform(1e3, 1e7, n),
            "ligne_source": np.arange(2, n + 2),
            "dans_territoire": np.arange(n) < 3,
        }
    )


def test_csv_des_tables_identique_a_pandas_colonnes_reprises_d_une_table_a_l_autre():
    from politique_ville.report import csv_francais as cf

    def pandas(df):
        return df.to_csv(index=False, sep=";", decimal=",", lineterminator="\n")

    nationale = _table_nationale()
    assert len(nationale) >= cf.LIGNES_MIN
    assert cf.csv_francais(nationale) == pandas(nationale)
    # un autre territoire : seule « dans_territoire » change ; les autres colonnes sont reprises de la mémoire
    autre = nationale.assign(dans_territoire=nationale.index >= len(nationale) - 2)
    cf._CHAMPS.clear()
    cf.csv_francais(nationale)
    gardees = len(cf._CHAMPS)
    assert cf.csv_francais(autre) == pandas(autre)
    assert len(cf._CHAMPS) == gardees + 1  # une seule colonne mise en texte de plus
    # une valeur changée dans une colonne gardée n'est pas prise pour l'ancienne
    change = autre.copy()
    change.loc[10, "taux"] = 12.5
    assert cf.csv_francais(change) == pandas(change)
    # un texte sur deux lignes (champ entre guillemets) : pandas d'un seul tenant, même texte
    deux_lignes = nationale.astype({"nom_qp": object})
    deux_lignes.loc[1, "nom_qp"] = "Haut\nBas"
    assert cf.csv_francais(deux_lignes) == pandas(deux_lignes)
    # une petite table (celles d'un territoire) et une table vide
    assert cf.csv_francais(nationale.head(3)) == pandas(nationale.head(3))
    assert cf.csv_francais(nationale.head(0)) == pandas(nationale.head(0))


# --------------------------------------------------------------------------------------------- Data Docs


def test_data_docs_en_francais_avec_un_lien_vers_le_rapport():
    page = (
        '<html><body><nav class="navbar x"><div><nav>logo</nav>\n</div>\n</nav><div><th>Status</th>'
        "<td> Observed Value </td><span>0% unexpected</span><p>colonne_inconnue</p>"
        "<script>{'title': 'Run Time'}</script></div></body></html>"
    )
    texte = datadocs.lien_vers_le_rapport(datadocs.franciser(page), "../index.html")
    assert '<html lang="fr">' in texte and "<th>Statut</th>" in texte and "<td> Valeur observée </td>" in texte
    assert "0 % inattendues" in texte and "colonne_inconnue" in texte and "'title': 'Heure'" in texte
    assert texte.index("</nav>\n</div>\n</nav>") < texte.index('<a href="../index.html">← Retour au rapport</a>')
    assert datadocs.lien_vers_le_rapport(texte, "../index.html") == texte  # une seule fois
    # un intitulé de colonne est dans une chaîne JavaScript entre apostrophes : jamais d'apostrophe droite dedans
    script = datadocs.franciser("<script>[{'title': 'Expectation Suite'}, {'title': 'Asset Name'}]</script>")
    assert re.findall(r"'title': '([^']*)'", script) == ["Suite des attentes", "Table"]


def test_validation_sans_boutons_de_tutoriel():
    source = (RACINE / "src" / "politique_ville" / "clean" / "validation.py").read_text("utf-8")
    assert '"show_how_to_buttons": False' in source


# --------------------------------------------------------------------------------------------- analyste


def test_notebook_execute_a_la_main_ecrit_dans_le_brouillon(tmp_path):
    assert parametres.dossier_des_sorties(2031, None, None, tmp_path) == tmp_path / "reports" / "brouillon" / "2031"
    assert parametres.dossier_des_sorties(2031, None, {"annee": 2031}, tmp_path) is None  # le runner : le rapport
    assert parametres.dossier_des_sorties(2031, tmp_path / "x", None, tmp_path) == tmp_path / "x"


def test_make_lab_en_root_seulement_avec_allow_root():
    makefile = (RACINE / "Makefile").read_text("utf-8")
    regle = makefile[makefile.index("\nlab:") :].split("\n\n")[0]
    assert '$$(test "$$(id -u)" = 0 && echo --allow-root)' in regle
    assert "\npdf: setup navigateur" in makefile


def test_pdf_sans_chromium_le_dit_sans_echouer(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    messages = []
    assert pdf.produire(tmp_path, annee=2031, territoire="T", sortie=messages.append) == []
    assert messages == [pdf.message_sans_chromium()]
    assert "Chromium est absent" in messages[0] and "make navigateur" in messages[0] and "make pdf" in messages[0]
    assert pdf.ligne_du_resume(tmp_path, 2031) == messages[0]
    (tmp_path / "rapport_2031.pdf").write_bytes(b"%PDF")
    assert pdf.ligne_du_resume(tmp_path, 2031) == f"PDF : {tmp_path / 'rapport_2031.pdf'}"


def test_commande_pdf_sans_rapport(tmp_path, capsys):
    from politique_ville.__main__ import main

    assert main(["pdf", "--annee", "2019", "--out", str(tmp_path / "absent")]) == 1
    assert "make report ANNEE=2019" in capsys.readouterr().err


def test_pages_des_chapitres_dans_l_ordre(tmp_path):
    for nom in ("index", "recherche", "methodologie", "20_b", "10_a", "10_a_avec_code", "90_c"):
        (tmp_path / f"{nom}.html").write_text("x")
    assert [p.name for p in pdf.chapitres_du_rapport(tmp_path)] == ["10_a.html", "20_b.html", "90_c.html"]
    assert pdf.LARGEUR_PORTRAIT == 703 and pdf.LARGEUR_PAYSAGE == 1032
    assert Path(pdf.__file__).name == "pdf.py"


def test_quartiers_des_fiches_lus_une_fois_par_etat_du_fichier(tmp_path, monkeypatch):
    """Les quartiers d'un territoire (choix des fiches, puis index) : le fichier lu une fois tant qu'il ne change pas,
    relu s'il est réécrit ; chaque appel rend sa propre table."""
    from politique_ville.base.catalog import ecrire_tables
    from politique_ville.report import fiches as rf

    lectures = []
    lire = rf.pd.read_parquet
    monkeypatch.setattr(rf.pd, "read_parquet", lambda *a, **k: lectures.append(a[0]) or lire(*a, **k))
    table = {"code_qp": ["QN06300", "QN06301"], "nom_qp": ["Centre", None], "nom_commune": ["A", "B"]}
    ecrire_tables({"insee_qpv": pd.DataFrame({**table, "type_quartier": ["QPV", "QPV"]})}, tmp_path)
    a = rf.quartiers_des_fiches(tmp_path)
    a.loc[0, "libelle"] = "changé"
    b = rf.quartiers_des_fiches(tmp_path)
    assert len(lectures) == 1 and b["libelle"].tolist() == [
        "Centre (QN06300) — A",
        "Quartier sans nom publié (QN06301) — B",
    ]
    ecrire_tables({"insee_qpv": pd.DataFrame({**table, "type_quartier": ["QPV", "QVA"]})}, tmp_path)
    assert rf.quartiers_des_fiches(tmp_path)["type_quartier"].tolist() == ["QPV", "QVA"] and len(lectures) == 2
    assert rf.quartiers_des_fiches(tmp_path / "absent") is None
