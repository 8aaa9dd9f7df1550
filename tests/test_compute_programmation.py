"""Chapitre 2 (programmation et programmes connexes) : calculs confrontés aux chiffres publiés du rapport.

Les tables nettoyées sont construites en mémoire à partir de data/raw (comme tests/test_donnees_2019.py) : les tests
tournent sur un dépôt neuf. Les valeurs attendues sont lues dans data/reference/chiffres_publies_2019.csv (par id) ;
quand le rapport se contredit, la valeur recalculée attendue est celle de ecarts_documentes_2019.csv.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest

from politique_ville.compute import programmation as prog
from politique_ville.published.concordance import charger_reference


@pytest.fixture(scope="module")
def t(traitees_memoire):
    return traitees_memoire


@pytest.fixture(scope="module")
def reference(catalogue):
    return charger_reference(catalogue)


@pytest.fixture(scope="module")
def chiffres(reference):
    return reference[0]


@pytest.fixture(scope="module")
def ecarts(reference):
    return reference[1]


@pytest.fixture(scope="module")
def publie(chiffres):
    valeurs = dict(zip(chiffres["id"], chiffres["valeur"]))
    return lambda id_: float(valeurs[id_])


@pytest.fixture(scope="module")
def recalcule_documente(ecarts):
    """Valeur recalculée attendue d'un chiffre que le rapport contredit (ecarts_documentes)."""
    valeurs = dict(zip(ecarts["id"], ecarts["valeur_recalculee"]))
    return lambda id_: float(valeurs[id_])


def _ligne(df, colonne, valeur):
    sel = df[df[colonne] == valeur]
    assert len(sel) == 1, f"{colonne} = {valeur!r} : {len(sel)} lignes"
    return sel.iloc[0]


# --------------------------------------------------------------------------------------------- crédits CGET

#: rubrique de la section 2.1 -> chiffre publié que le registre doit retrouver par l'expression de la rubrique
CGET_PUBLIES = {
    "cohesion_sociale": "ch2_prog_cget_cohesion",
    "reussite_educative": "ch2_prog_cget_reussite_educative",
    "emploi": "ch2_prog_cget_emploi",
    "developpement_economique": "ch2_prog_cget_developpement_economique",
    "cadre_de_vie": "ch2_prog_cget_cadre_de_vie",
    "pilotage": "ch2_prog_cget_pilotage",
    "total": "ch2_prog_cget_total_thematiques",
}


@pytest.mark.parametrize("rubrique, id_", list(CGET_PUBLIES.items()))
def test_cget_par_thematique_redonne_chaque_montant_publie(t, chiffres, ecarts, publie, rubrique, id_):
    cget = prog.cget_par_thematique(t["programmation"], t["feuille_de_route"])
    assert "id" not in cget.columns  # aucun identifiant dans le calcul : l'expression suffit
    conf = prog.confronter(cget, chiffres, ecarts)
    assert len(conf) == len(cget)  # une rubrique, un chiffre publié
    ligne = _ligne(conf, "rubrique_code", rubrique)
    assert ligne["id"] == id_
    assert ligne["valeur_recalculee"] == publie(id_) == ligne["valeur_publiee"]


def test_cget_total_et_somme_des_rubriques(t, publie):
    cget = prog.cget_par_thematique(t["programmation"], t["feuille_de_route"])
    total = _ligne(cget, "rubrique_code", "total")
    assert total["valeur_recalculee"] == publie("ch2_prog_cget_total") == publie("ch2_prog_cget_total_thematiques")
    rubriques = cget[~cget["dont"] & (cget["rubrique_code"] != "total")]
    assert rubriques["valeur_recalculee"].sum() == total["valeur_recalculee"]
    assert rubriques["part"].sum() == pytest.approx(100)
    # ordre du rapport : montants décroissants, la réussite éducative juste après la cohésion sociale
    assert list(cget["rubrique_code"][:2]) == ["cohesion_sociale", "reussite_educative"]
    assert rubriques["valeur_recalculee"].is_monotonic_decreasing


def test_reussite_educative_est_la_sous_priorite_de_la_feuille_de_route(t, chiffres):
    calcul = _ligne(chiffres, "id", "ch2_prog_cget_reussite_educative")["calcul"]
    attendue = re.search(r'sous_priorite="([^"]+)"', calcul).group(1)
    assert prog.sous_priorite_reussite_educative(t["feuille_de_route"]) == attendue
    cget = prog.cget_par_thematique(t["programmation"], t["feuille_de_route"])
    assert attendue in _ligne(cget, "rubrique_code", "reussite_educative")["rubrique"]


def test_cget_confronte_aux_chiffres_publies(t, chiffres, ecarts):
    conf = prog.confronter(prog.cget_par_thematique(t["programmation"], t["feuille_de_route"]), chiffres, ecarts)
    assert (conf["statut"] == prog.STATUT_IDENTIQUE).all(), conf[["rubrique", "valeur_recalculee", "valeur_publiee"]]


def test_cget_provenance_des_montants_par_action(t):
    cget = prog.cget_par_thematique(t["programmation"], t["feuille_de_route"])
    assert _ligne(cget, "rubrique_code", "cohesion_sociale")["provenance"] == prog.PROVENANCE_RECONSTRUIT
    assert prog.PROVENANCE_RECONSTRUIT in _ligne(cget, "rubrique_code", "total")["provenance"]


def test_cget_montant_manquant_reste_manquant(t):
    p = t["programmation"].copy()
    pilotage = p["pilier_code"] == "pilotage"
    p.loc[pilotage, "cget"] = np.nan
    cget = prog.cget_par_thematique(p, t["feuille_de_route"])
    ligne = _ligne(cget, "rubrique_code", "pilotage")
    assert math.isnan(ligne["valeur_recalculee"])  # jamais un 0 inventé
    assert ligne["actions_sans_montant"] == pilotage.sum()
    assert ligne["provenance"] == prog.PROVENANCE_NON_PUBLIE
    total = _ligne(cget, "rubrique_code", "total")
    assert total["actions_sans_montant"] == pilotage.sum()
    assert total["valeur_recalculee"] == pytest.approx(t["programmation"].loc[~pilotage, "cget"].sum())


# --------------------------------------------------------------------------------------------- projets


def test_projets_par_pilier_suivent_le_chapitre_3(t, publie, recalcule_documente):
    piliers = prog.projets_par_pilier(t["programmation"]).set_index("pilier_code")
    assert list(piliers.index) == prog.ORDRE_PILIERS + ["total"]
    for code, id_ in (
        ("emploi", "ch2_prog_projets_emploi"),
        ("cohesion_sociale", "ch2_prog_projets_cohesion"),
        ("cadre_de_vie", "ch2_prog_projets_cadre_de_vie"),
    ):
        assert piliers.loc[code, "valeur_recalculee"] == recalcule_documente(id_)
    assert piliers.loc["pilotage", "valeur_recalculee"] == publie("ch2_prog_projets_pilotage")
    assert piliers.loc["total", "valeur_recalculee"] == recalcule_documente("ch2_prog_projets_retenus")
    assert piliers.loc[prog.ORDRE_PILIERS, "valeur_recalculee"].sum() == len(t["programmation"])


def test_projets_par_pilier_ecarts_au_texte_documentes(t, chiffres, ecarts, publie):
    conf = prog.confronter(prog.projets_par_pilier(t["programmation"]), chiffres, ecarts).set_index("pilier_code")
    # 25 / 87 / 14 / 1 publiés (somme 127), chacun à côté de sa valeur recalculée
    assert conf.loc[prog.ORDRE_PILIERS, "valeur_publiee"].sum() == publie("ch2_prog_projets_retenus")
    assert list(conf["id"]) == [
        "ch2_prog_projets_emploi",
        "ch2_prog_projets_cohesion",
        "ch2_prog_projets_cadre_de_vie",
        "ch2_prog_projets_pilotage",
        "ch2_prog_projets_retenus",
    ]  # section 2.1, pas 3.x
    for code in ("emploi", "cohesion_sociale", "cadre_de_vie", "total"):
        assert conf.loc[code, "statut"] == prog.STATUT_ECART_DOCUMENTE
        assert len(conf.loc[code, "explication"]) > 20
    assert conf.loc["pilotage", "statut"] == prog.STATUT_IDENTIQUE


def test_projets_deposes_et_retenus(t, chiffres, ecarts, publie):
    conf = prog.confronter(
        prog.projets_deposes_retenus(t["porteurs"], t["porteurs_synthese"], t["programmation"]), chiffres, ecarts
    ).set_index("id")
    assert conf.loc["ch2_prog_porteurs_projets_deposes", "valeur_recalculee"] == publie(
        "ch2_prog_porteurs_projets_deposes"
    )
    assert conf.loc["ch2_prog_porteurs_projets_deposes", "statut"] == prog.STATUT_IDENTIQUE
    assert conf.index.is_unique and len(conf) == 4  # le nombre d'actions est publié trois fois : trois lignes
    # le rapport dit 129 puis 127 retenus : les deux écarts sont documentés, aucun n'est caché
    assert {
        conf.loc["ch2_prog_projets_accompagnes", "valeur_publiee"],
        conf.loc["ch2_prog_projets_retenus", "valeur_publiee"],
    } == {publie("ch2_prog_projets_accompagnes"), publie("ch2_prog_projets_retenus")}
    for id_ in ("ch2_prog_porteurs_projets_retenus", "ch2_prog_projets_accompagnes", "ch2_prog_projets_retenus"):
        assert conf.loc[id_, "statut"] == prog.STATUT_ECART_DOCUMENTE
        assert conf.loc[id_, "valeur_recalculee"] == len(t["programmation"])


# --------------------------------------------------------------------------------------------- financements


def test_parts_des_financeurs_telles_que_publiees(t, chiffres, publie):
    fin = prog.financement_par_financeur(t["financements_programmation"]).set_index("financeur")
    ids = chiffres[chiffres["calcul"].str.contains('"part", financeur=', regex=False)]
    assert len(ids) == len(fin) == 8
    for _, c in ids.iterrows():
        financeur = re.search(r'financeur="([^"]+)"', c["calcul"]).group(1)
        assert fin.loc[financeur, "part_publiee"] == publie(c["id"])


def test_somme_des_parts_109_2(t, chiffres, ecarts, publie, recalcule_documente):
    controles = prog.confronter(prog.controles_financement(t["financements_programmation"]), chiffres, ecarts)
    somme = _ligne(controles, "id", "ch2_fin_parts_total")
    parts_publiees = chiffres[chiffres["calcul"].str.contains('"part", financeur=', regex=False)]
    attendu = sum(publie(i) for i in parts_publiees["id"])
    assert round(somme["valeur_recalculee"], 1) == pytest.approx(attendu) == recalcule_documente("ch2_fin_parts_total")
    assert somme["valeur_publiee"] == publie("ch2_fin_parts_total")  # 100 % implicite
    assert somme["statut"] == prog.STATUT_ECART_DOCUMENTE


def test_part_cget_recalculee_31_0(t, chiffres, ecarts, publie, recalcule_documente):
    controles = prog.confronter(prog.controles_financement(t["financements_programmation"]), chiffres, ecarts)
    cget = _ligne(controles, "id", "ch2_fin_part_etat_cget_credits")
    attendu = publie("ch2_prog_cget_total") / publie("ch2_fin_montant_total") * 100
    assert cget["valeur_recalculee"] == pytest.approx(attendu)
    assert round(cget["valeur_recalculee"], 1) == recalcule_documente("ch2_fin_part_etat_cget_credits")
    assert cget["valeur_publiee"] == publie("ch2_fin_part_etat_cget")
    assert cget["statut"] == prog.STATUT_ECART_DOCUMENTE
    total = _ligne(controles, "id", "ch2_fin_montant_total")
    assert total["valeur_recalculee"] == publie("ch2_fin_montant_total")
    assert total["statut"] == prog.STATUT_IDENTIQUE


def test_montant_implique_par_la_part_publiee(t, publie):
    fin = prog.financement_par_financeur(t["financements_programmation"])
    ligne = fin.iloc[0]
    assert ligne["montant_publie"] == publie("ch2_prog_cget_total")
    assert ligne["montant_de_la_part"] == round(
        publie("ch2_fin_part_etat_cget") * publie("ch2_fin_montant_total") / 100
    )
    assert fin["montant_publie"].isna().sum() == len(fin) - 1  # les montants non publiés restent manquants


# --------------------------------------------------------------------------------------------- porteurs


def test_synthese_des_tableaux_des_porteurs(t, publie):
    s = prog.synthese_porteurs(t["porteurs"], t["porteurs_synthese"]).set_index("tableau")
    assert s.loc["Associations", "projets"] == publie("ch2_prog_associations_projets")
    assert s.loc["Institutions", "projets"] == publie("ch2_prog_institutions_projets")
    assert s.loc["Ensemble", "projets"] == publie("ch2_prog_porteurs_projets_deposes")
    assert s["projets_concordent"].all()
    assert s.loc["Associations", "montant_cget"] == publie("ch2_prog_associations_cget")
    assert s.loc["Institutions", "montant_cget"] == publie("ch2_prog_institutions_cget")
    assert s.loc["Associations", "depenses_subventionnables"] == publie("ch2_prog_associations_depenses")
    assert s.loc["Institutions", "depenses_subventionnables"] == publie("ch2_prog_institutions_depenses")
    assert s.loc["Ensemble", "montant_cget"] == publie("ch2_prog_associations_cget") + publie(
        "ch2_prog_institutions_cget"
    )
    assert s.loc["Ensemble", "lignes"] == len(t["porteurs"])


@pytest.mark.parametrize(
    "tableau, id_",
    [("Associations", "ch2_prog_associations_projets"), ("Institutions", "ch2_prog_institutions_projets")],
)
def test_tableau_des_porteurs_noms_canoniques(t, publie, tableau, id_):
    tp = prog.tableau_porteurs(t["porteurs"], tableau)
    lignes = t["porteurs"][t["porteurs"]["tableau"] == tableau]
    assert tp["projets"].sum() == publie(id_)
    assert tp["porteur"].is_unique
    assert tp["lignes"].sum() == len(lignes)
    assert tp["projets"].is_monotonic_decreasing
    # un porteur écrit sur plusieurs lignes est regroupé, ses graphies gardées
    multi = tp[tp["lignes"] > 1]
    if tableau == "Associations":
        assert len(multi) > 0
    for _, r in multi.iterrows():
        assert r["projets"] == lignes.loc[lignes["porteur_canonique"] == r["porteur"], "nombre_projets"].sum()


def test_actions_retenues_par_groupe_de_porteurs(t, chiffres, ecarts, recalcule_documente):
    g = prog.porteurs_deposes_et_retenus(t["porteurs"], t["porteurs_synthese"], t["programmation"])
    assert g["actions_retenues"].sum() == len(t["programmation"])
    assert g["cget_actions"].sum() == t["programmation"]["cget"].sum()
    conf = prog.confronter(g.rename(columns={"id_cget": "id", "cget_actions": "valeur_recalculee"}), chiffres, ecarts)
    for _, r in conf.iterrows():
        assert r["valeur_recalculee"] == recalcule_documente(r["id"])  # 733 008 € / 979 981 €, règle de répartition
        assert r["statut"] == prog.STATUT_ECART_DOCUMENTE
        assert prog.PROVENANCE_RECONSTRUIT in r["provenance_cget_actions"]


def test_actions_par_type_de_porteur(t):
    types = prog.actions_par_type_porteur(t["programmation"])
    assert types["actions"].sum() == len(t["programmation"])
    assert set(types["groupe"]) == {prog.GROUPE_ASSOCIATIONS, prog.GROUPE_INSTITUTIONS}
    assert (types.loc[types["groupe"] == prog.GROUPE_ASSOCIATIONS, "type_porteur"] == "association").all()
    assert types["provenance"].str.len().gt(0).all()
    assert types["provenance"].str.contains(prog.PROVENANCE_RECONSTRUIT).any()


# --------------------------------------------------------------------------------------------- FCS


def test_fonds_de_cohesion_sociale(t, publie):
    fcs = prog.fonds_cohesion_sociale(t["fonds_cohesion_sociale"]).set_index("section")
    assert fcs.loc["2.1", "montant"] == publie("ch2_fcs_montant_2019")
    assert fcs.loc["2.3", "montant"] == publie("ch2_fcs_montant_2019_volets")
    assert fcs.loc["2.3", "nombre_volets"] == publie("ch2_fcs_nombre_volets")
    assert fcs["montants_concordent"].all()


def test_fonds_de_cohesion_sociale_montants_differents_signales(t):
    f = t["fonds_cohesion_sociale"].copy()
    f.loc[f.index[0], "montant"] = 1.0
    assert not prog.fonds_cohesion_sociale(f)["montants_concordent"].any()


# --------------------------------------------------------------------------------------------- 2.2 indicateurs


@pytest.fixture(scope="module")
def seances(t):
    evo = prog.evolution_indicateurs(t["indicateurs_actions"], section="2.2")
    return evo[(evo["action"] == "J'apprends à nager") & (evo["indicateur"] == "séances")].set_index("annee")


def test_j_apprends_a_nager_seances_et_evolutions(seances, publie):
    v17, v18, v19 = (publie(f"ch2_act_nager_seances_{a}") for a in (2017, 2018, 2019))
    assert list(seances.index) == [2017, 2018, 2019]
    assert list(seances["valeur_num"]) == [v17, v18, v19]
    assert math.isnan(seances.loc[2017, "variation_absolue"])
    assert seances.loc[2018, "variation_absolue"] == v18 - v17 == 1256
    assert seances.loc[2019, "variation_absolue"] == v19 - v18 == 776
    assert round(seances.loc[2018, "variation_relative"], 1) == round((v18 - v17) / v17 * 100, 1) == 223.1
    assert round(seances.loc[2019, "variation_relative"], 1) == round((v19 - v18) / v18 * 100, 1) == 42.7
    assert not seances["variation_approximative"].any()


def test_part_des_enfants_des_quartiers_en_points(t):
    evo = prog.evolution_indicateurs(t["indicateurs_actions"], section="2.2")
    s = evo[(evo["action"] == "J'apprends à nager") & (evo["unite"] == "%")].set_index("annee")
    assert list(s["valeur_num"]) == [73, 86, 90]
    assert list(s["variation_absolue"].dropna()) == [13, 4]


def test_series_pluriannuelles_et_tableau_par_annee(t):
    evo = prog.evolution_indicateurs(t["indicateurs_actions"], section="2.2")
    series = prog.series_pluriannuelles(evo)
    assert (series["nombre_annees"] >= 2).all()
    assert set(zip(series["action"], series["indicateur"])) >= {("J'apprends à nager", "séances")}
    assert len(prog.series_pluriannuelles(evo, unite="séances").groupby(["action", "indicateur"])) == 1
    large = prog.indicateurs_par_annee(evo)
    assert len(large) == evo.groupby(["action", "indicateur"]).ngroups
    ligne = large[(large["action"] == "J'apprends à nager") & (large["indicateur"] == "séances")].iloc[0]
    assert [ligne["2017"], ligne["2018"], ligne["2019"]] == [563, 1819, 2595]


def test_series_illustrees_toutes_en_deca_du_maximum(t):
    evo = prog.evolution_indicateurs(t["indicateurs_actions"], section="2.2")
    series = prog.series_pluriannuelles(evo)
    assert series.groupby(["action", "indicateur"]).ngroups <= prog.FIGURES_EVOLUTION_MAX
    pd.testing.assert_frame_equal(prog.series_illustrees(series), series)


def test_series_illustrees_les_plus_longues_puis_ordre_du_rapport():
    lignes = []
    for k in range(10):  # séries de 2 ans, sauf les 4e et 8e (3 ans)
        annees = [2017, 2018, 2019] if k in (3, 7) else [2018, 2019]
        lignes += [
            {
                "section": "2.2",
                "action": f"A{k}",
                "porteur": "p",
                "indicateur": "x",
                "annee": a,
                "valeur": str(k + a),
                "unite": "u",
                "approximatif": "non",
                "valeur_num": float(k + a),
            }
            for a in annees
        ]
    series = prog.series_pluriannuelles(prog.evolution_indicateurs(pd.DataFrame(lignes)))
    choisies = prog.series_illustrees(series, nombre_max=4)
    # les deux séries de 3 ans, puis les premières de 2 ans ; rendues dans l'ordre du rapport
    assert list(dict.fromkeys(choisies["action"])) == ["A0", "A1", "A3", "A7"]
    assert len(choisies) == 2 + 2 + 3 + 3
    assert list(dict.fromkeys(prog.series_illustrees(series)["action"])) == ["A0", "A1", "A2", "A3", "A4", "A7"]
    assert prog.series_illustrees(series, nombre_max=0).empty
    assert prog.series_illustrees(series.iloc[0:0]).empty


def test_valeurs_approximatives_signalees(t, publie):
    evo = prog.evolution_indicateurs(t["indicateurs_actions"], section="2.2")
    gusp = evo[(evo["action"] == "Boite à outils GUSP") & (evo["indicateur"] == "professionnels participants")]
    assert gusp["approximatif"].all()
    assert gusp["valeur_num"].iloc[0] == publie("ch2_act_gusp_professionnels")
    large = prog.indicateurs_par_annee(evo)
    assert (
        large.loc[
            (large["action"] == "Boite à outils GUSP") & (large["indicateur"] == "professionnels participants"),
            "approximatif",
        ].iloc[0]
        == "2019"
    )


def test_evolution_approximative_manquante_et_ordre():
    ind = pd.DataFrame(
        {
            "section": ["2.2"] * 5,
            "action": ["A", "A", "A", "B", "B"],
            "porteur": ["p"] * 5,
            "indicateur": ["x", "x", "x", "y", "y"],
            "annee": [2019, 2017, 2018, 2018, 2019],
            "valeur": ["25", "une vingtaine", "", "10", "12"],
            "unite": ["u"] * 5,
            "approximatif": ["non", "oui", "non", "non", "non"],
            "valeur_num": [25.0, 20.0, np.nan, 10.0, 12.0],
        }
    )
    evo = prog.evolution_indicateurs(ind)
    a = evo[evo["action"] == "A"].set_index("annee")
    assert list(a.index) == [2017, 2018, 2019]  # trié par année quel que soit l'ordre reçu
    assert math.isnan(a.loc[2018, "variation_absolue"])  # valeur manquante : évolution manquante, pas 0
    assert math.isnan(a.loc[2019, "variation_absolue"])
    assert not a["variation_approximative"].any()
    ind.loc[2, "valeur_num"] = 22.0
    a = prog.evolution_indicateurs(ind).query("action == 'A'").set_index("annee")
    assert a.loc[2018, "variation_absolue"] == 2 and a.loc[2018, "variation_approximative"]  # part d'« une vingtaine »
    b = prog.evolution_indicateurs(ind).query("action == 'B'").set_index("annee")
    assert b.loc[2019, "variation_relative"] == pytest.approx(20.0)
    assert list(prog.evolution_indicateurs(ind)["action"].unique()) == ["A", "B"]  # ordre du fichier gardé


# --------------------------------------------------------------------------------------------- 2.3 fonds de concours


def test_regle_du_fonds_de_concours_lue_dans_le_texte(t, publie):
    texte = t["fonds_concours"]["regle_tableau"].iloc[0]
    assert prog.regle_fonds_concours(texte) == (publie("ch2_fdc_pv_taux"), publie("ch2_fdc_pv_plafond"))
    taux, plafond = prog.regle_fonds_concours("fonds de concours « classiques » avec majoration de 5%")
    assert math.isnan(taux) and math.isnan(plafond)


def test_fonds_de_concours_regle_verifiee_ligne_par_ligne(t, publie):
    fdc = prog.controle_fonds_concours(t["fonds_concours"])
    pv = fdc[fdc["taux"].notna()].set_index("commune")
    assert len(pv) == 3 and pv["conforme"].all()
    assert (
        pv.loc["Divion", "fdc_regle"]
        == publie("ch2_fdc_pv_divion_fdc_40pct")
        == publie("ch2_fdc_pv_divion_montant_fdc")
    )
    assert not pv.loc["Divion", "plafond_atteint"]
    for commune, id_ in (
        ("Nœux-les-Mines", "ch2_fdc_pv_noeux_montant_fdc"),
        ("Hersin-Coupigny", "ch2_fdc_pv_hersin_montant_fdc"),
    ):
        assert pv.loc[commune, "plafond_atteint"]
        assert pv.loc[commune, "fdc_regle"] == publie(id_) == publie("ch2_fdc_pv_plafond")
    classique = fdc[fdc["taux"].isna()]
    assert len(classique) == 1 and classique["conforme"].isna().all()  # pas de règle chiffrée : pas de verdict
    assert classique["montant_fdc"].iloc[0] == publie("ch2_fdc_cl_lillers_montant_fdc")


def test_fonds_de_concours_ligne_non_conforme_detectee(t):
    f = t["fonds_concours"].copy()
    f.loc[(f["commune"] == "Divion"), "montant_fdc"] = 60000.0
    f.loc[(f["commune"] == "Nœux-les-Mines"), "montant_fdc"] = 80000.0  # au-dessus du plafond
    pv = prog.controle_fonds_concours(f).set_index("commune")
    assert not pv.loc["Divion", "conforme"] and not pv.loc["Nœux-les-Mines", "conforme"]
    assert pv.loc["Hersin-Coupigny", "conforme"]
    assert pv.loc["Nœux-les-Mines", "ecart_regle"] == 10000


def test_fonds_de_concours_totaux(t, publie):
    tot = prog.totaux_fonds_concours(t["fonds_concours"]).set_index("tableau")
    assert tot["total_verifie"].all()
    pv = tot.loc["FDC Politique de la Ville"]
    assert pv["somme_fdc"] == pv["total_imprime"] == publie("ch2_fdc_pv_total")
    assert pv["operations"] == 3
    cl = tot.loc["FDC classique majoré de 5% en QPV"]
    assert cl["somme_fdc"] == cl["total_imprime"] == publie("ch2_fdc_cl_total")
    assert cl["operations"] == publie("ch2_fdc_cl_nombre_projets")


def test_fonds_de_concours_total_faux_detecte(t):
    f = t["fonds_concours"].copy()
    f.loc[f["est_total"] & (f["tableau"] == "FDC Politique de la Ville"), "montant_fdc"] = 200000.0
    tot = prog.totaux_fonds_concours(f).set_index("tableau")
    assert not tot.loc["FDC Politique de la Ville", "total_verifie"]
    assert tot.loc["FDC Politique de la Ville", "ecart"] == -8026


# --------------------------------------------------------------------------------------------- 2.4 programmes connexes


def test_iti_sept_projets_feder_total_seulement(t, publie):
    iti = prog.projets_iti(t["iti_feder"])
    assert len(iti) == publie("ch2_iti_nombre_projets")
    assert iti["montant_feder"].isna().all()  # non publié par projet : reste manquant
    assert (iti["provenance_feder"] != prog.PROVENANCE_PUBLIE).all()
    s = prog.synthese_iti(t["iti_feder"]).set_index("axe")
    assert s.loc["Ensemble", "projets"] == publie("ch2_iti_nombre_projets")
    assert s.loc["Ensemble", "feder_total_publie"] == publie("ch2_iti_feder_mobilise")
    assert math.isnan(s.loc["Ensemble", "feder_par_projet_publie"])
    logements = sum(publie(i) for i in chiffres_ids_logements())
    assert s.loc["Ensemble", "logements"] == logements


def chiffres_ids_logements():
    return [
        "ch2_iti_logements_rue_moussy",
        "ch2_iti_logements_rue_de_turenne",
        "ch2_iti_logements_luxembourg",
        "ch2_iti_logements_residence_duez",
    ]


def test_tfpb_par_bailleur_et_par_quartier(t):
    tfpb = t["tfpb_conventions"]
    bail = prog.tfpb_par_bailleur(tfpb).set_index("bailleur")
    assert bail.loc["Ensemble", "actes"] == len(tfpb)
    assert bail.drop("Ensemble")["actes"].sum() == len(tfpb)
    assert (bail["avenants"] + bail["conventions"] == bail["actes"]).all()
    assert list(bail.index[:-1]) == list(dict.fromkeys(tfpb["bailleur"]))
    quart = prog.tfpb_par_quartier(tfpb)
    assert quart["actes"].sum() == len(tfpb)
    # graphies rapprochées (« Beuvry Renaissance » / « Beuvry renaissance ») : moins de lignes que de graphies
    assert len(quart) < tfpb["quartier"].nunique()
    assert bail.loc["Ensemble", "quartiers"] == len(quart)
    beuvry = quart[quart["quartier"].str.lower() == "beuvry renaissance"].iloc[0]
    assert beuvry["actes"] == 3


def test_tfpb_graphies_rapprochees_actes_et_communes():
    tfpb = pd.DataFrame(
        {
            "bailleur": ["B1", "B2", "B1", "B3", "B2", "B1"],
            "type_acte": ["avenant", "convention", "avenant", "avenant", "avenant", "avenant"],
            "quartier": ["Cité-Nord", "cité nord", "Gare", "Gare / Sud", "Gare", "Cité-Nord"],
            "communes": ["Aville, Bville", "Bville", "Cville", "Cville ,Dville", "", "Aville, Bville"],
            "periode": ["2018-2020", "2019-2021", "2018-2020", "2020", "2019", "2018-2020"],
        }
    )
    quart = prog.tfpb_par_quartier(tfpb).set_index("quartier")
    assert list(quart.columns) == ["communes", "B1", "B2", "B3", "actes", "graphies"]
    assert quart.loc["Cité-Nord", "B1"] == "avenant (2018-2020)"  # acte répété : écrit une fois
    assert quart.loc["Cité-Nord", "B2"] == "convention (2019-2021)" and quart.loc["Cité-Nord", "B3"] == ""
    assert quart.loc["Cité-Nord", "actes"] == 3 and quart.loc["Cité-Nord", "graphies"] == "Cité-Nord | cité nord"
    assert quart.loc["Gare", "B2"] == "avenant (2019)" and quart.loc["Gare / Sud", "B3"] == "avenant (2020)"
    bail = prog.tfpb_par_bailleur(tfpb).set_index("bailleur")
    assert list(bail.index) == ["B1", "B2", "B3", "Ensemble"]
    assert bail.loc["B1"].to_dict() == {"avenants": 3, "conventions": 0, "actes": 3, "quartiers": 2, "communes": 3}
    assert bail.loc["B2"].to_dict() == {"avenants": 1, "conventions": 1, "actes": 2, "quartiers": 2, "communes": 1}
    assert bail.loc["B3", "communes"] == 2
    assert bail.loc["Ensemble"].to_dict() == {
        "avenants": 5,
        "conventions": 1,
        "actes": 6,
        "quartiers": 3,
        "communes": 4,
    }


def test_npnru_enveloppes(t, publie):
    n = prog.npnru_enveloppes(t["npnru"]).set_index("quartier")
    assert n.loc["Mont Liébaut", "enveloppe"] == publie("ch2_npnru_enveloppe_mont_liebaut")
    assert n.loc["Centre de Bruay-La-Buissière", "enveloppe"] == publie("ch2_npnru_enveloppe_centre_bruay")
    assert n.loc["Total", "enveloppe"] == publie("ch2_npnru_enveloppe_mont_liebaut") + publie(
        "ch2_npnru_enveloppe_centre_bruay"
    )


def test_concordance_des_sections(t, chiffres, ecarts):
    conc = prog.concordance_sections(chiffres, ecarts, t, ["2.3", "2.4.1", "2.4.3"])
    assert len(conc) == chiffres["section"].isin(["2.3", "2.4.1", "2.4.3"]).sum()
    ecarts_non_doc = conc[conc["statut"] == prog.STATUT_ECART]
    assert ecarts_non_doc.empty, ecarts_non_doc[["id", "valeur_publiee", "valeur_recalculee"]]
    assert prog.concordance_sections(None, None, t, ["2.3"]).empty


# --------------------------------------------------------------------------------------------- confronter


def test_confronter_statuts():
    chiffres = pd.DataFrame(
        {"id": ["a", "b", "c"], "valeur": ["10", "35.3", "5"], "unite": ["€", "%", ""], "tolerance": ["", "", "2"]}
    )
    ecarts = pd.DataFrame({"id": ["b"], "explication": ["le rapport se contredit"]})
    rec = pd.DataFrame({"id": ["a", "b", "c", "z", "a"], "valeur_recalculee": [10.4, 31.0, 6.5, 1.0, np.nan]})
    conf = prog.confronter(rec, chiffres, ecarts)
    assert list(conf["statut"]) == [
        prog.STATUT_IDENTIQUE,
        prog.STATUT_ECART_DOCUMENTE,
        prog.STATUT_IDENTIQUE,
        prog.STATUT_NON_PUBLIE,
        prog.STATUT_ECART,
    ]
    assert conf["explication"].iloc[1] == "le rapport se contredit"
    assert math.isnan(conf["valeur_publiee"].iloc[3])
    assert conf["ecart"].iloc[1] == pytest.approx(-4.3)
    sans_reference = prog.confronter(rec, None, None)
    assert (sans_reference["statut"] == prog.STATUT_NON_PUBLIE).all()
    # par expression : même calcul écrit autrement, section respectée, une ligne par chiffre publié
    chiffres = pd.DataFrame(
        {
            "id": ["n21", "n3", "bis"],
            "section": ["2.1", "3.1", "2.1"],
            "valeur": ["4", "5", "5"],
            "unite": ["", "", ""],
            "tolerance": ["", "", ""],
            "calcul": ['nombre("t", pilier="A")', 'nombre("t", pilier="A")', 'nombre("t")'],
            "libelle": ["quatre", "cinq", "bis"],
        }
    )
    rec = pd.DataFrame(
        {
            "calcul": ["nombre('t',  pilier='A')", 'nombre("t")', 'nombre("t", pilier="Z")'],
            "section": ["2.1", "", "2.1"],
            "valeur_recalculee": [4.0, 5.0, 1.0],
            "libelle": ["a", "tout", "z"],
        }
    )
    conf = prog.confronter(rec, chiffres, None)
    assert list(conf["id"]) == ["n21", "bis", ""]
    assert list(conf["statut"]) == [prog.STATUT_IDENTIQUE, prog.STATUT_IDENTIQUE, prog.STATUT_NON_PUBLIE]
    sans_section = prog.confronter(rec.drop(columns="section"), chiffres, None)
    assert list(sans_section["id"]) == ["n21", "n3", "bis", ""]
    assert list(sans_section["statut"])[:2] == [prog.STATUT_IDENTIQUE, prog.STATUT_ECART]
    assert list(sans_section["libelle"])[:2] == ["quatre", "cinq"]  # quantité publiée deux fois : libellés publiés
