"""Ce qui est reconstruit, supposé ou simulé le dit là où le lecteur le rencontre (issue 11).

Tests unitaires du vocabulaire (:mod:`politique_ville.reference.provenance`), du classeur (note « Provenance : » en première
ligne, nombres gardés comme nombres) et des phrases du chapitre 10 et de la fiche quartier, sur de petits territoires
construits ici, chaque fois avec une entrée publiée ET une entrée reconstruite. Puis, sur une exécution réelle du
rapport 2019 (``rapport``, marqué ``pipeline``) :

- chaque feuille Excel du chapitre 10 et des fiches (sauf la feuille des métadonnées des indicateurs) et chaque
  feuille des chapitres 20 et 30 qui montre des montants par action a une colonne « Provenance… » ou une première
  ligne « Provenance : … » ; chaque provenance écrite est dans le vocabulaire ;
- chaque phrase du chapitre 10 et des fiches qui contient un nombre tiré d'une valeur reconstruite (valeur d'un
  quartier, somme ou total d'agglomération reconstruits) porte la marque « * » juste après ce nombre ;
- aucune phrase du chapitre 10 ni d'une fiche ne contient de superlatif (« le plus », « la plus », « les plus ») sur
  un quartier nommé sans « parmi les valeurs reconstruites » (toutes les valeurs par quartier de 2019 sont en partie
  reconstruites) ;
- le secret statistique simulé de LOC-QP14 n'est jamais attribué à l'INSEE.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from politique_ville import formats
from politique_ville.compute import qpv as cq
from politique_ville.narration import fiche as nf
from politique_ville.narration import geographie as ng
from politique_ville.present import fiche as pf
from politique_ville.present import qpv as pq
from politique_ville.present import tableaux
from politique_ville.reference import provenance as pv
from politique_ville.report import fiches as rf

NB = "\u00a0"
FINE = "\u202f"
AGGLO = cq.NIVEAU_AGGLO
LEGENDE_MD = (
    "\\* valeur reconstruite, non publiée par le rapport (ou calculée à partir de valeurs reconstruites) : "
    "règle dans data/raw/README.md."
)


# --------------------------------------------------------------------------------------------- vocabulaire


def test_combiner_prend_la_provenance_la_moins_sure():
    assert pv.combiner() == "publié"
    assert pv.combiner("publié", "publié") == "publié"
    assert pv.combiner("publié", "reconstruit") == "reconstruit"
    assert pv.combiner(["approximatif", "publié"]) == "approximatif"
    assert pv.combiner("supposé", "publié") == "supposé"
    assert pv.combiner("reconstruit", "supposé") == "reconstruit"
    assert pv.combiner("reconstruit", "simulé") == "simulé"
    # ce qui n'est pas une provenance de valeur est ignoré
    assert pv.combiner("secret statistique", "non disponible", None, "Publié") == "publié"


def test_marque_et_legende():
    assert pv.marquer(f"36{FINE}299", "reconstruit") == f"36{FINE}299*"
    assert pv.marquer(f"36{FINE}299", "reconstruit", markdown=True) == f"36{FINE}299\\*"
    assert pv.marquer(f"36{FINE}299", "publié") == f"36{FINE}299"
    assert pv.marquer("Hersin-Coupigny", "supposé") == "Hersin-Coupigny (supposé)"
    assert pv.marquer("—", "simulé") == "— (simulé)"
    assert pv.marque("secret statistique") == ""
    # légende seulement si une marque est employée ; le gras Markdown n'est pas une marque
    assert pv.legende(["**38 %** en moyenne"], markdown=True) == ""
    assert pv.legende(["**38 %**\\* en moyenne"], markdown=True) == LEGENDE_MD
    assert pv.legende("36 299* habitants").startswith("* valeur reconstruite")
    assert pv.legende("36 299 habitants") == ""
    assert pv.note("reconstruit").startswith("Provenance : reconstruit — valeur reconstruite, non publiée")
    assert (
        pv.note("publié", "Totaux.") == "Provenance : publié — valeur publiée par le rapport (ou imposée par ses "
        "chiffres). Totaux."
    )


def test_classeur_note_de_provenance_en_premiere_ligne_nombres_gardes(tmp_path):
    from openpyxl import load_workbook

    chap = tableaux.Chapitre("essai", tmp_path)
    df = pd.DataFrame({"Quartier": ["A", "B"], "Population": [100, 300]})
    bloc = chap.tableau(df, "Reconstruit", provenance="reconstruit").data
    assert '<p class="note provenance">Provenance : reconstruit — valeur reconstruite' in bloc
    chap.tableau(df, "Publié")  # sans provenance : pas de note
    assert "Provenance" not in chap.tableau(df, "Encore publié").data
    chap.tableau(df, "Mêlé", provenance="Provenance : colonne A : publié ; colonne B : reconstruit.")
    wb = load_workbook(tableaux.ecrire_classeur(chap.tableaux, tmp_path / "c.xlsx"))
    ws = wb["Reconstruit"]
    assert ws["A1"].value.startswith("Provenance : reconstruit")
    assert [c.value for c in ws[2]] == ["Quartier", "Population"]
    assert ws["B3"].value == 100 and isinstance(ws["B4"].value, int)  # nombres stockés comme nombres
    assert [c.value for c in wb["Publié"][1]] == ["Quartier", "Population"]
    assert wb["Publié"]["B2"].value == 100
    assert wb["Mêlé"]["A1"].value == "Provenance : colonne A : publié ; colonne B : reconstruit."


# --------------------------------------------------------------------------------------------- chapitre 10


def territoire(
    valeurs: dict, refs: dict | None = None, provenance: list | None = None, n: int = 2, manquantes: list | None = None
) -> ng.Faits:
    """``n`` QPV (A : 100 habitants, B : 300, C : 600), une commune chacun."""
    codes = ["A", "B", "C"][:n]
    qpv = pd.DataFrame(
        {
            "code_qp": codes,
            "nom_qp": ["Alpha", "Bêta", "Gamma"][:n],
            "nom_commune": [f"Ville{c}" for c in codes],
            "type_quartier": ["QPV"] * n,
            "pop_mun": [100.0, 300.0, 600.0][:n],
            "annee_reconnaissance": [2014] * n,
        }
    )
    for code, v in valeurs.items():
        qpv[code] = pd.array(v, dtype="Float64").astype("float64")
    communes = pd.DataFrame([{"code_qp": c, "commune": f"Ville{c}", "rang": 1, "perimetre": False} for c in codes])
    references = pd.DataFrame([{"niveau": k, **v} for k, v in refs.items()]) if refs else None
    prov = (
        pd.DataFrame(provenance, columns=["fichier", "cle", "variable", "provenance", "commentaire"])
        if provenance
        else None
    )
    manq = pd.DataFrame(manquantes or [], columns=["code_qp", "variable", "motif"])
    return ng.faits(qpv, communes, references, manq, prov, {}, 2019)


def ligne(cle, variable, provenance, fichier="insee_qpv.csv"):
    return {"fichier": fichier, "cle": cle, "variable": variable, "provenance": provenance, "commentaire": ""}


MENAGES = {"part_menages_1pers": [38.0, 34.0]}  # moyenne (3 800 + 10 200) / 400 = 35,0


def test_menages_publies_superlatif_sans_marque():
    texte = ng.menages(territoire(MENAGES, {AGGLO: {"part_menages_1pers": 28.3}}))
    assert texte == [
        f"Les quartiers prioritaires ont un profil plutôt familial, mais la part des ménages composés d'une personne "
        f"seule y reste relativement élevée : **35,0{NB}%** en moyenne à l'échelle des QPV, contre 28,3{NB}% à "
        f"l'échelle de l'agglomération. Le quartier **Alpha (VilleA)** en compte le plus : 38,0{NB}% ; à l'inverse, "
        f"le quartier **Bêta (VilleB)**, avec 34,0{NB}% de ménages d'une personne seule, a le profil le plus "
        f"familial."
    ]


def test_menages_reconstruits_marques_superlatif_parmi_les_valeurs_reconstruites():
    # A publié (38,0), B reconstruit (34,0) : moyenne et minimum reconstruits, maximum publié
    f = territoire(MENAGES, {AGGLO: {"part_menages_1pers": 28.3}}, [ligne("B", "part_menages_1pers", "reconstruit")])
    texte, legende = ng.menages(f)
    assert f"**35,0{NB}%**\\* en moyenne à l'échelle des QPV, contre 28,3{NB}% à l'échelle" in texte
    assert (
        f"Parmi les valeurs reconstruites, le quartier **Alpha (VilleA)** en compte le plus : 38,0{NB}% ; à "
        f"l'inverse, le quartier **Bêta (VilleB)**, avec 34,0{NB}%\\* de ménages"
    ) in texte
    assert "38,0\u00a0%\\*" not in texte  # valeur publiée : pas de marque
    assert legende == LEGENDE_MD


def test_retard_scolaire_le_plus_eleve_publie_ou_reconstruit():
    refs = {AGGLO: {"part_retard_3e": 18.0}}
    valeurs = {"part_retard_3e": [30.0, 40.0]}  # moyenne (3 000 + 12 000) / 400 = 37,5
    publie = ng.education(territoire(valeurs, refs))[0]
    assert f"Il atteint 40,0{NB}% dans le quartier **Bêta (VilleB)**, le plus élevé. " in publie
    f = territoire(valeurs, refs, [ligne("A", "part_retard_3e", "reconstruit")])
    texte = ng.education(f)[0]
    assert f"**37,5{NB}%**\\* à l'échelle des QPV" in texte
    assert (
        f"Il atteint 40,0{NB}% dans le quartier **Bêta (VilleB)**, le plus élevé parmi les valeurs reconstruites. "
    ) in texte


def test_secret_simule_jamais_attribue_a_l_insee():
    refs = {AGGLO: {"part_retard_3e": 18.0}}
    valeurs = {"part_retard_3e": [30.0, 40.0, math.nan]}
    vrai = ng.education(territoire(valeurs, refs, n=3))[0]
    assert "1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne" in vrai
    assert "simulé" not in vrai
    f = territoire(
        valeurs,
        refs,
        [ligne("C", "part_retard_3e", "simulé")],
        n=3,
        manquantes=[{"code_qp": "C", "variable": "part_retard_3e", "motif": cq.MOTIF_SECRET}],
    )
    texte = ng.education(f)[0]
    assert (
        "1 QPV dont la valeur est absente (secret statistique simulé pour éprouver la règle : le rapport ne "
        "publie pas cette valeur, ce n'est pas l'INSEE qui l'a masquée) est exclu de la moyenne et du "
        "classement."
    ) in texte
    assert "couverte par le secret statistique" not in texte
    assert any("Secret statistique simulé" in a for a in ng.avertissements(f))
    # deux cases simulées et une vraie (deux phrases, accordées)
    assert ng.exclus_secret(3, simules=2) == (
        "1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne et du classement. "
        "2 QPV dont la valeur est absente (secret statistique simulé pour éprouver la règle : le rapport ne publie pas "
        "ces valeurs, ce n'est pas l'INSEE qui les a masquées) sont exclus de la moyenne et du classement. "
    )
    secrets, resume = cq.valeurs_secretes(f.qpv, f.manquantes), cq.resume_manquantes(f.qpv, f.manquantes)
    manquantes = ng.valeurs_manquantes(f, secrets, resume)
    assert manquantes.startswith("**1 valeur absente** de QPV, dans 1 quartier (secret statistique simulé")
    assert "couvertes par le secret statistique (petits effectifs)" not in manquantes
    vue = pq.vue_secrets(secrets, ng.cellules_simulees(f))["df"]
    assert vue.loc[0, "Provenance"].startswith("simulé")
    assert pq.vue_secrets(secrets)["df"].loc[0, "Provenance"] == "secret statistique"


def test_population_reconstruite_marquee_publiee_non():
    refs = {AGGLO: {"pop_mun": 4000}}
    publie = ng.geographie_prioritaire(territoire({}, refs))[0]
    assert (
        f"Ils comptent 400 habitants sur 4{FINE}000 : c'est **10{NB}% de la population du territoire** "
        f"(10,00{NB}%) qui" in publie
    )
    f = territoire(
        {}, refs, [ligne("A", "pop_mun", "reconstruit"), ligne(AGGLO, "pop_mun", "reconstruit", "insee_references.csv")]
    )
    sortie = ng.geographie_prioritaire(f)
    assert (
        f"Ils comptent 400\\* habitants sur 4{FINE}000\\* : c'est **10{NB}% de la population du territoire**\\* "
        f"(10,00{NB}%\\*) qui"
    ) in sortie[0]
    assert sortie[-1] == LEGENDE_MD


def test_identites_supposees_dites():
    f = territoire({}, None, [ligne("B", "type_quartier", "supposé"), ligne("B", "nom_commune", "supposé")])
    assert f.supposes("B") == ["statut", "commune"] and f.supposes("A") == []
    assert ng.provenance_identite(f, "B") == "statut : supposé ; commune : supposé"
    assert ng.provenance_identite(f, "A") == "publié"
    assert "- Bêta (VilleB) : statut, commune (supposé)" in ng.identites_supposees(f)
    assert "Alpha" not in ng.identites_supposees(f)
    assert ng.identites_supposees(territoire({}, None)) == ""
    assert ng.marques_supposees(f) == {"B": "(supposé : statut, commune)"}
    liens = pd.DataFrame(
        {
            "code_qp": ["A", "B"],
            "quartier": ["Alpha", "Bêta"],
            "type_libelle": ["QPV", "QPV"],
            "communes": ["VilleA", "VilleB"],
            "lien": ["a.html", "b.html"],
        }
    )
    html = rf.liste_fiches_html(liens, ng.marques_supposees(f))
    assert "VilleB (supposé : statut, commune)</li>" in html and "VilleA</li>" in html


def test_un_jeune_sur_six_exact_par_construction():
    assert ng.jeunes_du_departement(6.0) == (
        "Dans le département, **1 jeune de moins de 25 ans sur 6** vit en quartier prioritaire (ratio exact : 6,00)."
    )
    texte = ng.jeunes_du_departement(6.0, "reconstruit")
    assert "ratio exact" not in texte
    assert "(ratio des effectifs reconstruits : 6,00\\*, égal au chiffre publié par construction" in texte


# --------------------------------------------------------------------------------------------- fiche quartier


def test_fiche_identite_supposee():
    ident = {
        "code_qp": "LOC-QC03",
        "quartier": "Cité",
        "type_libelle": "Quartier communautaire",
        "communes": ["Hersin-Coupigny"],
        "nom_publie": True,
        "couvert_insee": False,
    }
    assert "(supposé" not in nf.entete(ident, 2019)
    assert "Hersin-Coupigny <em>(supposé : statut, commune ; le rapport ne l'écrit pas)</em></p>" in nf.entete(
        ident, 2019, ["statut", "commune"]
    )
    prov = pd.DataFrame(
        [
            ligne("LOC-QC03", "type_quartier", "supposé"),
            ligne("LOC-QC03", "nom_commune", "supposé"),
            ligne("LOC-QP01", "pop_mun", "reconstruit"),
            ligne("LOC-QP14", "decuc_q2", "simulé"),
        ]
    )
    assert nf.provenances_quartier(prov, "LOC-QC03") == {"statut": "supposé", "commune": "supposé"}
    assert nf.supposes(nf.provenances_quartier(prov, "LOC-QP01")) == []
    assert nf.provenance_identite(nf.provenances_quartier(prov, "LOC-QP01")) == "population : reconstruit"
    assert nf.provenance_identite({}) == "publié"
    assert nf.simules(prov, "LOC-QP14") == 1 and nf.simules(prov, "LOC-QP01") == 0
    assert "Supposé (statut, commune) : déduit du texte" in nf.note_identite(ident, True, ["statut", "commune"])
    assert "Supposé" not in nf.note_identite(ident, True)


# --------------------------------------------------------------------------------------------- rapport 2019 réel

pipeline = pytest.mark.pipeline
SUPERLATIF = re.compile(r"\b(le|la|les) plus\b", re.IGNORECASE)


def _paragraphes(chemin) -> list[str]:
    """Le texte de chaque paragraphe et élément de liste hors tableaux d'une page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(chemin.read_text(encoding="utf-8"), "html.parser")
    return [p.get_text(" ", strip=True) for p in soup.find_all(["p", "li"]) if not p.find_parent("table")]


def _phrases(textes: list[str]) -> list[str]:
    return [ph for t in textes for ph in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý*])", t) if ph]


def _pages(rapport):
    sortie = rapport["sortie"]
    return [sortie / "10_geographie_prioritaire.html"] + sorted((sortie / "quartiers").glob("*.html"))


@pipeline
def test_feuilles_excel_disent_la_provenance(rapport):
    from openpyxl import load_workbook

    sortie = rapport["sortie"]
    classeurs = [sortie / "tableaux" / "10_geographie_prioritaire.xlsx"] + sorted(
        (sortie / "quartiers" / "tableaux").glob("*.xlsx")
    )
    assert len(classeurs) == 22
    sans, vues = [], 0
    for chemin in classeurs:
        for ws in load_workbook(chemin):
            if ws.title.startswith("Indicateurs du chapitre"):  # métadonnées, pas des valeurs
                continue
            vues += 1
            premiere = [c.value for c in ws[1]]
            if isinstance(premiere[0], str) and premiere[0].startswith("Provenance : "):
                assert pv.normaliser(premiere[0].split()[2].strip("«»")) or "«" in premiere[0], premiere[0]
                assert ws.max_row >= 2
                continue
            colonnes = [i for i, c in enumerate(premiere) if isinstance(c, str) and c.startswith("Provenance")]
            if not colonnes:
                sans.append(f"{chemin.name} : {ws.title}")
                continue
            for row in ws.iter_rows(min_row=2, values_only=True):
                for i in colonnes:
                    assert row[i], f"{chemin.name} : {ws.title} : provenance vide"
    assert not sans, f"feuilles sans provenance : {sans}"
    assert vues > 100
    # chapitres 20 et 30 : toute feuille de montants par action (ou de leurs sommes) a sa colonne de provenance
    for cle, motif in (
        (
            "20_programmation",
            r"^(Contributions des crédits CGET|Projets déposés et actions|Actions "
            r"retenues par type)",
        ),
        ("30_contribution_objectifs", r"^Actions"),
    ):
        wb = load_workbook(sortie / "tableaux" / f"{cle}.xlsx")
        feuilles = [ws for ws in wb if re.match(motif, ws.title)]
        assert feuilles, cle
        for ws in feuilles:
            assert any(isinstance(c.value, str) and c.value.startswith("Provenance") for c in ws[1]), ws.title


@pipeline
def test_feuille_avec_note_garde_ses_nombres(rapport):
    from openpyxl import load_workbook

    ws = load_workbook(rapport["sortie"] / "tableaux" / "10_geographie_prioritaire.xlsx")["Indicateurs par QPV"]
    assert ws["A1"].value.startswith("Provenance : reconstruit")
    assert ws["A2"].value == "Quartier"
    nombres = [c for row in ws.iter_rows(min_row=3) for c in row[1:] if isinstance(c.value, (int, float))]
    assert len(nombres) > 100
    assert "secret (simulé)" in [c.value for row in ws.iter_rows(min_row=3) for c in row]


def _nombres_reconstruits(traitees) -> set[str]:
    """Les nombres, mis en forme comme dans le texte, tirés de valeurs reconstruites de 2019 (valeurs des QPV sur
    chaque taux, sommes des effectifs, totaux de l'agglomération), moins ceux qui s'écrivent comme une valeur
    publiée (valeurs de comparaison, valeurs de quartiers publiées)."""
    qpv = pd.read_parquet(traitees / "insee_qpv.parquet")
    refs = pd.read_parquet(traitees / "insee_references.parquet")
    prov = cq.provenances(pd.read_parquet(traitees / "insee_provenance.parquet"))
    q = qpv[qpv["type_quartier"] == "QPV"]
    reconstruits, publies = set(), set()
    for i in cq.indicateurs("taux", qpv):
        for code_qp, v in zip(q["code_qp"], cq.valeurs(q, i.code)):
            if v == v:
                (reconstruits if prov.get((code_qp, i.code)) == "reconstruit" else publies).add(
                    formats.formater(i.code, v)
                )
        for niveau in refs["niveau"]:
            v = cq.valeur_reference(refs, niveau, i.colonne_reference(niveau), i.diviseur)
            if v == v:
                publies.add(formats.formater(i.code, v))
    for i in cq.indicateurs("effectif", qpv):
        reconstruits.add(formats.nombre_fr(pd.to_numeric(q[i.code]).sum()))
        agglo = cq.valeur_reference(refs, AGGLO, i.code)
        if agglo == agglo:
            reconstruits.add(formats.nombre_fr(agglo))
    return reconstruits - publies


@pipeline
def test_nombres_reconstruits_marques_dans_les_phrases(rapport):
    nombres = _nombres_reconstruits(rapport["traitees"])
    assert f"36{FINE}299" in nombres and f"279{FINE}236" in nombres and f"39,6{NB}%" not in nombres
    fautes, vus = [], set()
    for page in _pages(rapport):
        for phrase in _phrases(_paragraphes(page)):
            for n in nombres:
                for m in re.finditer(r"(?<![\d\u202f,])" + re.escape(n) + r"(?![\d,])", phrase):
                    if phrase[: m.start()].endswith("chiffre publié : "):  # le chiffre du rapport, cité à côté
                        continue
                    if "%" not in n and re.match(r"\s?%", phrase[m.end() :]):  # un pourcentage, pas cet indice
                        continue
                    vus.add(n)
                    if not phrase[m.end() :].lstrip().startswith("*"):
                        fautes.append(f"{page.name} : « {n} » sans marque dans : {phrase}")
    # le chapitre 10 cite bien des nombres reconstruits : population des QPV et de l'agglomération, demandeurs
    assert {f"36{FINE}299", f"279{FINE}236", f"3{FINE}078", f"2{FINE}533"} <= vus, vus
    assert not fautes, "\n".join(fautes[:10])
    # fiches : les sommes de montants par action reconstruits sont marquées
    fiche = " ".join(_paragraphes(rapport["sortie"] / "quartiers" / "LOC-QP01.html"))
    assert re.search(
        r"pour [\d\u202f]+\u00a0€\* de crédits spécifiques et [\d\u202f]+\u00a0€\* de crédits CGET", fiche
    ), fiche


@pipeline
def test_aucun_superlatif_sur_un_quartier_sans_marque(rapport):
    qpv = pd.read_parquet(rapport["traitees"] / "insee_qpv.parquet")
    noms = [n for n in qpv["nom_qp"].dropna() if n.strip()]
    fautes, superlatifs = [], 0
    for page in _pages(rapport):
        for phrase in _phrases(_paragraphes(page)):
            if SUPERLATIF.search(phrase) and any(n in phrase for n in noms):
                superlatifs += 1
                if "parmi les valeurs reconstruites" not in phrase.lower():
                    fautes.append(f"{page.name} : {phrase}")
    assert superlatifs >= 3  # jeunesse, ménages, retard scolaire
    assert not fautes, "\n".join(fautes)


@pipeline
def test_secret_simule_jamais_attribue_a_l_insee_dans_le_rapport(rapport):
    sortie = rapport["sortie"]
    for page in (sortie / "10_geographie_prioritaire.html", sortie / "quartiers" / "LOC-QP14.html"):
        texte = " ".join(_paragraphes(page))
        assert "simulé" in texte, page.name
        assert "couvertes par le secret statistique (petits effectifs)" not in texte
        assert "revenu couvert par le secret statistique" not in texte
        assert "dont la valeur est couverte par le secret statistique" not in texte
    texte = " ".join(_paragraphes(sortie / "10_geographie_prioritaire.html"))
    assert "ce n'est pas l'INSEE qui les a masquées" in texte
    # identités supposées visibles là où le quartier apparaît
    assert "Bruay-la-Buissière (supposé : commune)" in texte
    assert "(supposé : statut, commune, année de reconnaissance" in " ".join(
        _paragraphes(sortie / "quartiers" / "LOC-QC03.html")
    )


def test_case_simulee_de_la_fiche_le_dit_a_sa_place():
    fiche = pd.DataFrame(
        {
            "theme": ["Éducation", "Revenus"],
            "indicateur": ["Retard en 3e", "Revenu médian"],
            "unite": ["%", "€ par mois"],
            "valeur": ["secret", 1077.0],
            "rang": [float("nan"), 3.0],
            "nb_classes": [15, 15],
            "qpv_territoire": [33.0, 1077.0],
            "agglomeration": [18.0, 1476.0],
            "qpv_departement": [float("nan"), float("nan")],
            "provenance": ["simulé", "reconstruit"],
        }
    )
    vue = pf.vue_fiche_indicateurs(fiche)["df"]
    assert list(vue["Valeur du quartier"]) == ["secret (simulé)", 1077.0]
    assert (
        pf.vue_fiche_indicateurs(fiche.assign(provenance=["secret statistique", "publié"]))["df"][
            "Valeur du quartier"
        ].iloc[0]
        == "secret"
    )
