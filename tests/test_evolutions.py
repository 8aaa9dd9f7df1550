"""Évolutions d'une année à l'autre : séries des indicateurs (jamais d'une géographie prioritaire à l'autre, lacunes
gardées), programmation année par année, actions reconduites, phrases, années antérieures dans le runner.

Les valeurs attendues sont calculées à la main dans chaque test, à partir de petites tables écrites ici."""

from __future__ import annotations

import difflib
import importlib.util
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.base.catalog import Catalogue
from politique_ville.compute import evolutions as ce
from politique_ville.narration import evolutions as ne
from politique_ville.present import evolutions as pe
from politique_ville.reference import historique

# --------------------------------------------------------------------------------------------- petites tables


def _qpv(lignes, geographie="2015"):
    """lignes : (code, nom, pop_mun, tp60, pmimp)."""
    return pd.DataFrame(
        {
            "code_qp": [x[0] for x in lignes],
            "nom_qp": [x[1] for x in lignes],
            "nom_commune": "Fictiville",
            "type_quartier": "QPV",
            "pop_mun": [float(x[2]) for x in lignes],
            "tp60": [x[3] for x in lignes],
            "pmimp": [x[4] for x in lignes],
            "geographie_qpv": geographie,
        }
    )


def _refs(tp60_agglo):
    return pd.DataFrame({"niveau": ["Agglomération"], "tp60": [tp60_agglo], "pmimp": [40.0]})


def _prog(actions):
    """actions : (porteur, intitulé, crédits spécifiques, droit commun)."""
    return pd.DataFrame(
        {
            "id_action": [f"A{i}" for i in range(len(actions))],
            "intitule": [a[1] for a in actions],
            "porteur": [a[0] for a in actions],
            "porteur_canonique": [a[0] for a in actions],
            "type_porteur": "association",
            "type_porteur_code": "association",
            "pilier": "Cohésion sociale",
            "pilier_code": "cohesion_sociale",
            "thematique": "Sport",
            "thematique_code": "sport",
            "credits_specifiques": [float(a[2]) for a in actions],
            "droit_commun": [float(a[3]) for a in actions],
            "cget": [float(a[2]) / 2 for a in actions],
            "provenance_cget": "publié",
            "provenance_credits_specifiques": "publié",
            "provenance_droit_commun": "publié",
        }
    )


def _annee(qpv=None, refs=None, prog=None, porteurs=None, fin=None):
    return {
        "insee_qpv": qpv,
        "insee_references": refs,
        "insee_valeurs_manquantes": None,
        "programmation": prog,
        "porteurs": porteurs,
        "financements_programmation": fin,
    }


def _ligne(series, **filtres):
    s = series
    for k, v in filtres.items():
        s = s[s[k] == v]
    assert len(s) == 1, s
    return s.iloc[0]


# --------------------------------------------------------------------------------------------- évolutions


def test_evolution_en_points_pour_une_part_en_pourcent_sinon_et_sens_a_la_precision_affichee():
    assert ce.evolution(41.0, 43.5, ce.POINTS, 1) == 2.5
    assert ce.evolution(43.5, 41.0, ce.POINTS, 1) == -2.5
    assert ce.evolution(200, 250, ce.POURCENT) == pytest.approx(25.0)
    assert ce.evolution(250, 200, ce.POURCENT) == pytest.approx(-20.0)
    assert math.isnan(ce.evolution(None, 3.0, ce.POINTS)) and math.isnan(ce.evolution(0, 3.0, ce.POURCENT))
    assert ce.sens(2.5, ce.POINTS, 1) == "hausse" and ce.sens(-2.5, ce.POINTS, 1) == "baisse"
    assert ce.sens(0.04, ce.POINTS, 1) == "stable"  # 0,04 point : 0,0 à une décimale
    assert ce.sens(0.06, ce.POINTS, 1) == "hausse"
    assert ce.sens(math.nan, ce.POURCENT) is None
    assert ce.mode_evolution(ce.indicateur("tp60")) == ce.POINTS
    assert ce.mode_evolution(ce.indicateur("pop_mun")) == ce.POURCENT
    assert ce.mode_evolution(ce.indicateur("decuc_q2")) == ce.POURCENT


def test_taux_de_pauvrete_d_un_quartier_et_moyenne_des_qpv_recalculee():
    annees = {
        2096: _annee(
            _qpv([("QP990001", "Les Tilleuls", 1000, 41.0, 20.0), ("QP990002", "Le Centre", 4000, 30.0, 25.0)]),
            _refs(18.2),
        ),
        2097: _annee(
            _qpv([("QP990001", "Les Tilleuls", 1000, 43.5, 20.0), ("QP990002", "Le Centre", 4000, 30.0, 25.0)]),
            _refs(18.6),
        ),
    }
    s = ce.series_qpv(annees)
    q = _ligne(s, code_qp="QP990001", code="tp60", annee=2097)
    assert q["valeur"] == 43.5 and q["evolution"] == 2.5 and q["sens"] == "hausse" and q["mode"] == "points"
    assert _ligne(s, code_qp="QP990002", code="tp60", annee=2097)["sens"] == "stable"
    # moyenne pondérée par la population : (41 × 1 000 + 30 × 4 000) / 5 000 = 32,2 ; puis 32,7
    m96 = _ligne(s, niveau=ce.NIVEAU_MOYENNE_QPV, code="tp60", annee=2096)
    m97 = _ligne(s, niveau=ce.NIVEAU_MOYENNE_QPV, code="tp60", annee=2097)
    assert m96["valeur"] == pytest.approx(32.2) and m97["valeur"] == pytest.approx(32.7)
    assert m97["evolution"] == pytest.approx(0.5)
    a = _ligne(s, niveau="Agglomération", code="tp60", annee=2097)
    assert a["evolution"] == pytest.approx(0.4) and pd.isna(a["geographie"])
    # effectif : en % (population 5 000 -> 5 000 : stable)
    assert _ligne(s, niveau=ce.NIVEAU_ENSEMBLE_QPV, code="pop_mun", annee=2097)["sens"] == "stable"
    texte = ne.serie_quartier(ce.series_quartier(annees, "QP990001"), "Les Tilleuls", 2097)
    assert "figure dans les données de 2 années (2096 et 2097)" in texte
    assert "de 41,0\u00a0% en 2096 à 43,5\u00a0% en 2097, en hausse de 2,5\u00a0points" in texte
    assert ne.serie_quartier(ce.series_quartier({2097: annees[2097]}, "QP990001"), "Les Tilleuls", 2097) == ""
    vue = pe.vue_serie_quartier(ce.series_quartier(annees, "QP990001"))["df"]
    ligne = vue[vue["Indicateur"].str.startswith("Taux de pauvreté")].iloc[0]
    assert ligne["2096"] == "41,0\u00a0%" and ligne["2097"] == "43,5\u00a0%"
    assert ligne["Évolution"] == "+2,5\u00a0pts (2096-2097)"


def test_deux_geographies_jamais_enchainees_et_la_phrase_le_dit():
    annees = {
        2098: _annee(_qpv([("QP990001", "Les Tilleuls", 1000, 41.0, 20.0)], "2015"), _refs(18.2)),
        2099: _annee(_qpv([("QN990001F", "Les Tilleuls", 1000, 44.0, 20.0)], "2024"), _refs(19.0)),
    }
    s = ce.series_qpv(annees)
    avant = _ligne(s, code_qp="QP990001", code="tp60")
    apres = _ligne(s, code_qp="QN990001F", code="tp60")
    assert avant["serie"] != apres["serie"] and math.isnan(apres["evolution"]) and pd.isna(apres["sens"])
    m = s[(s["niveau"] == ce.NIVEAU_MOYENNE_QPV) & (s["code"] == "tp60")]
    assert m["serie"].nunique() == 2 and m["evolution"].isna().all()
    # l'agglomération ne dépend pas du périmètre des QPV : elle se poursuit (18,2 -> 19,0 : +0,8 point)
    assert _ligne(s, niveau="Agglomération", code="tp60", annee=2099)["evolution"] == pytest.approx(0.8)
    ch = ce.changements_geographie(annees)
    assert ch.to_dict("records") == [
        {"annee_avant": 2098, "geographie_avant": "2015", "annee": 2099, "geographie": "2024"}
    ]
    texte = ne.changements_geographie(ch)
    assert "change entre 2098 et 2099" in texte and "géographie prioritaire 2015 (codes « QP… »)" in texte
    assert "géographie prioritaire 2024 (codes « QN… »)" in texte and "s'arrêtent en 2098" in texte
    assert ne.changements_geographie(ce.changements_geographie({2099: annees[2099]})) == ""
    assert "évolution non disponible" in ne.evolutions_niveau(s, ce.NIVEAU_MOYENNE_QPV, 2099)


def test_une_lacune_reste_une_lacune():
    annees = {
        2096: _annee(_qpv([("QP990001", "Q", 1000, 41.0, 20.0)])),
        2098: _annee(_qpv([("QP990001", "Q", 1000, 45.0, 20.0)])),
    }
    s = ce.series_qpv(annees)
    assert math.isnan(_ligne(s, code_qp="QP990001", code="tp60", annee=2098)["evolution"])
    t = ce.tableau_series(s[s["code"] == "tp60"], [2096, 2097, 2098])
    q = t[t["code_qp"] == "QP990001"].iloc[0]
    assert q[2096] == 41.0 and math.isnan(q[2097]) and q[2098] == 45.0 and pd.isna(q["evolution"])
    vue = pe.vue_series(s[s["code"] == "tp60"], [2096, 2097, 2098], ce.QUARTIER)["df"].iloc[0]
    assert vue["2097"].startswith("non disponible") and vue["Évolution"] == "non disponible"
    texte = ne.serie_quartier(ce.series_quartier(annees, "QP990001"), "Q", 2098)
    assert "Pas de données en 2097" in texte and "Évolution de 2097 à 2098 non disponible" in texte
    bilan = ce.bilan_annees(2098, annees, {2095: "ses données ne passent pas la validation"})
    assert list(bilan["statut"]) == ["écartée", "trouvée", "absente", "trouvée"]
    phrase = ne.annees_trouvees(bilan, 2098)
    assert "compare 2 années : 2096 et 2098" in phrase and "Année manquante (aucune donnée) : 2097" in phrase
    assert "L'année 2095 est écartée des séries : ses données ne passent pas la validation." in phrase
    assert "Aucune année antérieure à 2098" in ne.annees_trouvees(ce.bilan_annees(2098, {2098: annees[2098]}), 2098)
    # l'année d'un autre territoire du dépôt (l'exemple à côté d'un nouveau territoire) n'est pas une année du
    # rapport : ni colonne de plus, ni ligne « écartée » (l'exécution, elle, dit qu'elle est ignorée)
    autre = ce.bilan_annees(2098, annees, {2090: "autre territoire, ignorée"})
    assert list(autre["annee"]) == [2096, 2097, 2098] and "2090" not in ne.annees_trouvees(autre, 2098)


def test_une_table_absente_d_une_annee_anterieure_fait_commencer_sa_serie_plus_tard():
    p = _prog([("P1", "Sport", 1000, 500)] * 2)
    annees = {
        2096: _annee(qpv=_qpv([("QP990001", "Q", 1000, 41.0, 20.0)])),
        2097: _annee(qpv=_qpv([("QP990001", "Q", 1000, 42.0, 20.0)]), prog=p),
        2098: _annee(qpv=_qpv([("QP990001", "Q", 1000, 43.0, 20.0)]), prog=p),
    }
    d = ce.debuts_des_tables(annees).set_index("table")
    assert d.loc["programmation", "premiere"] == 2097 and d.loc["programmation", "manquantes"] == [2096]
    assert d.loc["insee_qpv", "premiere"] == 2096 and d.loc["insee_qpv", "manquantes"] == []
    texte = ne.debuts_des_tables(d.reset_index())
    assert "Table « programmation » : absente en 2096 ; son évolution commence en 2097." in texte
    assert "indicateurs INSEE" not in texte
    prog = ce.programmation_par_annee(annees)
    assert sorted(prog["annee"].unique()) == [2097, 2098]


def test_programmation_annee_par_annee_en_euros_courants():
    a = _prog([("P1", "Sport", 1000, 500)] * 4)  # 4 actions, 4 000 € spécifiques, 2 000 € de droit commun
    b = _prog([("P1", "Sport", 1000, 1000)] * 5)  # 5 actions, 5 000 €, 5 000 €
    fin = lambda part: pd.DataFrame(
        {
            "type_ligne": ["financeur", "total"],
            "financeur": ["Etat - CGET", "Total"],  # noqa: E731
            "part": [part, math.nan],
            "montant": [math.nan, 10000.0],
            "note": "",
        }
    )
    annees = {2096: _annee(prog=a, fin=fin(30.0)), 2097: _annee(prog=b, fin=fin(32.5))}
    p = ce.programmation_par_annee(annees)
    actions = _ligne(p, rubrique="Ensemble", mesure="actions", annee=2097)
    assert actions["valeur"] == 5 and actions["evolution"] == pytest.approx(25.0) and actions["mode"] == "%"
    levier96 = _ligne(p, rubrique="Ensemble", mesure="effet_levier", annee=2096)
    levier97 = _ligne(p, rubrique="Ensemble", mesure="effet_levier", annee=2097)
    assert levier96["valeur"] == pytest.approx(0.5) and levier97["valeur"] == pytest.approx(1.0)
    assert levier97["evolution"] == pytest.approx(100.0)
    part = _ligne(p, rubrique="Financeur", mesure="part_publiee", annee=2097)
    assert part["evolution"] == pytest.approx(2.5) and part["mode"] == "points"
    assert _ligne(p, rubrique="Pilier", mesure="credits_specifiques", annee=2097)["evolution"] == pytest.approx(25.0)
    texte = ne.programmation_ensemble(p, 2097)
    assert (
        "Actions retenues (projets retenus) : de 4\u00a0actions en 2096 à 5\u00a0actions en 2097, en hausse de 25,0\u00a0%."
        in texte
    )
    assert "euros courants" in ne.NOTE_EUROS_COURANTS
    assert "pas de programmation en 2096" in ne.programmation_ensemble(
        ce.programmation_par_annee({2097: annees[2097]}), 2097
    )


def test_actions_reconduites_arretees_nouvelles_et_paires_douteuses():
    avant = _prog(
        [
            ("P1", "Fête de quartier 2019", 1, 0),
            ("P1", "Atelier d'écriture", 1, 0),
            ("P2", "Soutien scolaire", 1, 0),
            ("P3", "Jardin", 1, 0),
        ]
    )
    apres = _prog(
        [
            ("P1", "FÊTE DE QUARTIER – 2020", 1, 0),
            ("P1", "Ateliers d’écriture", 1, 0),
            ("P2", "Soutien scolaire", 1, 0),
            ("P4", "Nouveau", 1, 0),
            ("P5", "Jardin", 1, 0),
        ]
    )
    assert ce.intitule_normalise("FÊTE DE QUARTIER – 2020") == "fete de quartier"
    # « atelier d ecriture » (18 caractères) et « ateliers d ecriture » (19) : 18 en commun, 2 × 18 / 37
    attendu = 2 * 18 / 37
    assert difflib.SequenceMatcher(None, "atelier d ecriture", "ateliers d ecriture").ratio() == pytest.approx(attendu)
    paires = ce.reconduites(avant, apres, 2096, 2097)
    statuts = paires.groupby("statut").size().to_dict()
    # reconduites : la fête (intitulé normalisé égal), le soutien ; arrêtées : l'atelier, le jardin de P3 ;
    # nouvelles : les ateliers, « Nouveau », le jardin de P5 (autre porteur : pas une reconduite)
    assert statuts == {"reconduite": 2, "arrêtée": 2, "nouvelle": 3, "douteuse": 1}
    d = paires[paires["statut"] == "douteuse"].iloc[0]
    assert (d["intitule_avant"], d["intitule"], d["ratio"]) == (
        "Atelier d'écriture",
        "Ateliers d’écriture",
        pytest.approx(attendu),
    )
    s = ce.synthese_reconduites(paires)
    texte = ne.reconduites(s)
    assert "De 2096 à 2097 : 2 actions reconduites, 2 arrêtées (présentes en 2096 seulement) et 3 nouvelles." in texte
    assert "1 paire douteuse (même porteur, intitulés proches) est à vérifier" in texte
    un = ne.reconduites(
        pd.DataFrame(
            [{"annee_avant": 2096, "annee": 2097, "reconduite": 1, "arrêtée": 1, "nouvelle": 1, "douteuse": 0}]
        )
    )
    assert "1 action reconduite, 1 arrêtée (présente en 2096 seulement) et 1 nouvelle." in un
    assert "douteuse" not in un
    assert "75\u00a0% à moins de 100\u00a0%" in ne.regle_reconduites()
    # pas de rapprochement par-dessus une lacune
    annees = {2096: _annee(prog=avant), 2098: _annee(prog=apres)}
    assert ce.reconduites_par_annee(annees).empty
    assert "ne se suivent pas" in ne.sans_reconduites(ce.annees_de(annees, "programmation"))


def test_phrases_dans_les_deux_sens_et_au_singulier():
    f = ne.phrase_evolution
    assert (
        f("Taux", 41.0, 43.5, 2096, 2097, 2.5, "points", "%")
        == "Taux : de 41,0\u00a0% en 2096 à 43,5\u00a0% en 2097, en hausse de 2,5\u00a0points."
    )
    assert (
        f("Taux", 43.5, 41.0, 2096, 2097, -2.5, "points", "%")
        == "Taux : de 43,5\u00a0% en 2096 à 41,0\u00a0% en 2097, en baisse de 2,5\u00a0points."
    )
    assert "en hausse de 1,0\u00a0point." in f("Taux", 41.0, 42.0, 2096, 2097, 1.0, "points", "%")
    assert (
        f("Taux", 41.0, 41.0, 2096, 2097, 0.0, "points", "%")
        == "Taux : stable (41,0\u00a0% en 2096, 41,0\u00a0% en 2097)."
    )
    assert (
        f("Taux", None, 41.0, 2096, 2097, math.nan, "points", "%", marque_avant="secret")
        == "Taux : évolution non disponible (2096 : secret)."
    )
    assert ne.evolution(-3.25, "%") == "−3,3\u00a0%" and ne.evolution(math.nan, "%") == "non disponible"
    assert ne.liste([2096]) == "2096" and ne.liste([2096, 2097, 2099]) == "2096, 2097 et 2099"


# --------------------------------------------------------------------------------------------- années antérieures


def test_dossiers_d_une_annee_anterieure():
    assert historique.dossier_de_l_annee(Path("/d/raw/2099"), 2099, 2097) == Path("/d/raw/2097")
    assert historique.dossier_de_l_annee(Path("/d/processed-2099"), 2099, 2097) == Path("/d/processed-2097")
    assert historique.dossier_de_l_annee(Path("/d/rapport"), 2099, 2097) == Path("/d/rapport-2097")
    cat = Catalogue.pour(2099, RACINE, raw_dir="/d/raw/2099", processed_dir="/e/2099", reports_dir="/f/sortie")
    em = historique.emplacement(cat, Path("/p/2099.yaml"), 2097)
    assert (em.raw_dir, em.processed_dir, em.reports_dir, em.fichier_params) == (
        Path("/d/raw/2097"),
        Path("/e/2097"),
        Path("/f/sortie-2097"),
        Path("/p/2097.yaml"),
    )


def _annees_fictives(tmp_path, territoire_anterieur: str):
    for annee, territoire in ((2099, "Territoire fictif A"), (2098, territoire_anterieur)):
        (tmp_path / "raw" / str(annee)).mkdir(parents=True)
        (tmp_path / "raw" / str(annee) / "porteurs.csv").write_text(
            "tableau,ordre,porteur,nombre_projets\n", encoding="utf-8"
        )
        (tmp_path / "params").mkdir(exist_ok=True)
        (tmp_path / "params" / f"{annee}.yaml").write_text(
            f'annee: {annee}\nterritoire: "{territoire}"\n', encoding="utf-8"
        )


def test_une_annee_d_un_autre_territoire_est_ignoree_et_dite_jamais_bloquante(tmp_path):
    """Un autre territoire du dépôt (l'exemple 2019 à côté d'un nouveau territoire) : son année est ignorée par les
    évolutions, rien n'en est préparé, et la raison nomme l'autre territoire ; la course continue."""
    from politique_ville.runner.display import Progression
    from politique_ville.runner.run import preparer_annees_anterieures

    _annees_fictives(tmp_path, "Territoire fictif B")
    lignes = []
    cat = Catalogue.pour(
        2099,
        RACINE,
        raw_dir=tmp_path / "raw" / "2099",
        processed_dir=tmp_path / "processed" / "2099",
        reports_dir=tmp_path / "reports" / "2099",
    )
    params = {"annee": 2099, "territoire": "Territoire fictif A"}
    utilisables, ecartees = preparer_annees_anterieures(
        cat, params, tmp_path / "params" / "2099.yaml", Progression(lignes.append, False)
    )
    assert utilisables == {}
    assert ecartees == {2098: "autre territoire, ignorée"}  # sans son nom : le rapport ne parle pas d'un autre
    assert any("« Territoire fictif B »" in ligne for ligne in lignes)  # la ligne de l'exécution le nomme
    assert any("2098" in ligne and "autre territoire" in ligne for ligne in lignes)
    assert not (tmp_path / "processed").exists() and not (tmp_path / "reports").exists()  # rien préparé
    # des tables nettoyées déjà là pour 2098 : pas lues par les évolutions d'un autre territoire
    (tmp_path / "processed" / "2098").mkdir(parents=True)
    (tmp_path / "processed" / "2098" / "insee_qpv.parquet").write_bytes(b"")
    assert historique.annees_anterieures_de(cat, tmp_path / "params" / "2099.yaml", params) == []
    memes = historique.annees_anterieures_de(
        cat, tmp_path / "params" / "2099.yaml", {"annee": 2099, "territoire": "Territoire fictif B"}
    )
    assert [e.annee for e in memes] == [2098]
    assert historique.meme_territoire({"territoire": "Territoire fictif A"}, {"territoire": " territoire FICTIF a "})
    assert historique.meme_territoire(
        {"territoire": {"niveau": "epci", "code": "200072", "nom": "X"}},
        {"territoire": {"niveau": "epci", "code": "200072", "nom": "Y"}},
    )
    assert not historique.meme_territoire(
        {"territoire": {"niveau": "epci", "code": "200072"}}, {"territoire": {"niveau": "epci", "code": "200073"}}
    )


def test_sans_annee_anterieure_le_chapitre_est_ignore_avec_sa_raison(tmp_path):
    from politique_ville.reference.etapes import SANS_ANTERIEURE
    from politique_ville.runner import Execution, Statut

    _annees_fictives(tmp_path, "Territoire fictif A")
    cat = Catalogue.pour(
        2099,
        RACINE,
        raw_dir=tmp_path / "raw" / "2099",
        processed_dir=tmp_path / "processed" / "2099",
        reports_dir=tmp_path / "reports" / "2099",
    )
    ex = Execution(cat, {"annee": 2099, "territoire": "Territoire fictif A"}, sortie=lambda *a: None)
    assert ex.entrees.anterieures == {}  # 2098 n'a pas encore de tables nettoyées
    ex._planifier(ex.etapes, cat.processed_dir, {}, {})
    evo = next(e for e in ex.etapes if e.nom == "50_evolutions")
    assert evo.statut == Statut.IGNOREE and evo.detail == SANS_ANTERIEURE
    ex.annees_anterieures({}, {2098: "ses données ne passent pas la validation"})
    ex._planifier(ex.etapes, cat.processed_dir, {}, {})
    assert evo.detail == "aucune année antérieure utilisable (2098 écartée : ses données ne passent pas la validation)"


def test_la_cle_du_chapitre_depend_des_tables_des_annees_anterieures(tmp_path):
    from politique_ville.runner import Execution

    _annees_fictives(tmp_path, "Territoire fictif A")
    cat = Catalogue.pour(
        2099,
        RACINE,
        raw_dir=tmp_path / "raw" / "2099",
        processed_dir=tmp_path / "processed" / "2099",
        reports_dir=tmp_path / "reports" / "2099",
    )
    ex = Execution(cat, {"annee": 2099, "territoire": "Territoire fictif A"}, sortie=lambda *a: None)
    evo = next(e for e in ex.etapes if e.nom == "50_evolutions")
    dix = next(e for e in ex.etapes if e.nom == "10_geographie_prioritaire")
    anterieure = tmp_path / "processed" / "2098"
    anterieure.mkdir(parents=True)
    pd.DataFrame({"x": [1]}).to_parquet(anterieure / "programmation.parquet")
    ex.annees_anterieures({2098: anterieure})
    cles = (
        ex.entrees.cle(evo.decl, evo.notebook, cat.processed_dir),
        ex.entrees.cle(dix.decl, dix.notebook, cat.processed_dir),
    )
    pd.DataFrame({"x": [2]}).to_parquet(anterieure / "programmation.parquet")
    ex.entrees.oublier(anterieure)
    apres = (
        ex.entrees.cle(evo.decl, evo.notebook, cat.processed_dir),
        ex.entrees.cle(dix.decl, dix.notebook, cat.processed_dir),
    )
    assert apres[0] != cles[0] and apres[1] == cles[1]


# --------------------------------------------------------------------------------------------- bout en bout


def _generateur():
    spec = importlib.util.spec_from_file_location(
        "generer_territoire_synthetique", RACINE / "scripts" / "generer_territoire_synthetique.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.pipeline
def test_trois_annees_synthetiques_dans_le_runner(tmp_path):
    from politique_ville.base.catalog import lire_table
    from politique_ville.runner import executer

    gen = _generateur()
    d = tmp_path / "synth"
    assert gen.main(["--facteur", str(1 / 64), "--out", str(d), "--evolutions"]) == 0
    assert sorted(p.name for p in (d / "raw").iterdir()) == ["2096", "2097", "2099"]  # 2098 manque
    n_2096 = len(lire_table(d / "raw" / "2096" / "programmation.csv"))
    messages: list[str] = []

    def lancer():
        messages.clear()
        return executer(
            2099,
            racine=RACINE,
            fichier_params=d / "params" / "2099.yaml",
            raw_dir=d / "raw" / "2099",
            out=tmp_path / "reports" / "2099",
            processed_dir=tmp_path / "processed" / "2099",
            chapitres=["50"],
            jobs=2,
            sortie=lambda *a: messages.append(" ".join(map(str, a))),
        )

    index = lancer()
    texte = "\n".join(messages)
    assert "Année antérieure 2096 : préparation" in texte and "Année antérieure 2097 : préparation" in texte
    assert (tmp_path / "processed" / "2096" / "programmation.parquet").is_file()
    assert re.search(r"exécutée\s+50_evolutions", texte)
    page = (index.parent / "50_evolutions.html").read_text(encoding="utf-8")
    assert "Traceback" not in page
    assert "compare 3 années : 2096, 2097 et 2099" in page and "Année manquante (aucune donnée) : 2098" in page
    assert "change entre 2097 et 2099" in page and "s&#x27;arrêtent en 2097" in page or "s'arrêtent en 2097" in page
    # taux de pauvreté du premier QPV : 41,0 % puis 43,5 % (+2,5 points), fixés par le générateur
    assert "41,0\u00a0%" in page and "43,5\u00a0%" in page and "+2,5\u00a0pts (2096-2097)" in page
    # une action reconduite sous un intitulé réécrit, une arrêtée, une paire douteuse (comptée arrêtée et nouvelle),
    # une nouvelle : reconduites = n - 2, arrêtées = 2, nouvelles = 2
    assert f"De 2096 à 2097 : {n_2096 - 2:,} actions reconduites".replace(",", "\u202f") in page
    assert "2 arrêtées (présentes en 2096 seulement) et 2 nouvelles" in page and "1 paire douteuse" in page
    # rien n'a changé : les années antérieures et le chapitre sont réutilisés
    lancer()
    texte = "\n".join(messages)
    assert texte.count("Rien n'a changé") == 3, texte
