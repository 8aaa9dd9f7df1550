"""Chapitre 3 (contribution aux objectifs) et annexe 1 (grille des priorités) : chiffres publiés retrouvés à l'euro,
écarts de porteurs exactement ceux documentés, ratios et grille vérifiés sur de petits exemples."""

import math
import re

import pandas as pd
import pytest

from politique_ville.base.catalog import lire_table
from politique_ville.compute import contribution as ctb
from politique_ville.present import programmation as pp

MESURES_MONTANTS = ("projets", "droit_commun", "credits_specifiques")


@pytest.fixture(scope="module")
def traitees(traitees_memoire):
    """Tables nettoyées construites en mémoire à partir des fichiers bruts (comme le pipeline)."""
    return traitees_memoire


@pytest.fixture(scope="module")
def prog(traitees):
    return traitees["programmation"]


@pytest.fixture(scope="module")
def fdr(traitees):
    return traitees["feuille_de_route"]


@pytest.fixture(scope="module")
def chiffres(catalogue):
    return lire_table(catalogue.reference_dir / f"chiffres_publies_{catalogue.annee}.csv")


@pytest.fixture(scope="module")
def ecarts(catalogue):
    return lire_table(catalogue.reference_dir / f"ecarts_documentes_{catalogue.annee}.csv")


def _ids_publies(chiffres, niveau):
    """Identifiants ch3_ dont le recalcul porte sur un tableau de la programmation filtré par ``niveau`` (lecture
    indépendante de celle du module : une expression régulière sur la colonne ``calcul``)."""
    motif = re.compile(r'^(nombre|somme|distinct)\("programmation"[^)]*\b' + niveau + r'="[^"]+"\)$')
    return {i for i, c in zip(chiffres["id"], chiffres["calcul"]) if i.startswith("ch3_") and motif.match(c.strip())}


@pytest.fixture(scope="module")
def conf_themes(prog, fdr, chiffres, ecarts):
    return ctb.confronter_publies(ctb.synthese_thematiques(prog, fdr), chiffres, ecarts, "thematique")


@pytest.fixture(scope="module")
def conf_piliers(prog, fdr, chiffres, ecarts):
    piliers = ctb.synthese_piliers(prog, fdr).merge(ctb.nombre_priorites(fdr), on="pilier")
    return ctb.confronter_publies(piliers, chiffres, ecarts, "pilier")


# --------------------------------------------------------------------------------------------- golden


@pytest.mark.parametrize("niveau", ["thematique", "pilier"])
def test_chaque_chiffre_publie_des_tableaux_est_confronte(niveau, chiffres, conf_themes, conf_piliers):
    conf = conf_themes if niveau == "thematique" else conf_piliers
    attendus = _ids_publies(chiffres, niveau)
    assert attendus, "aucun chiffre publié reconnu"
    assert attendus <= set(conf["id"])


def test_tableaux_thematiques_a_l_euro(conf_themes, chiffres, prog):
    publies = chiffres.set_index("id")["valeur"].astype(float)
    sel = conf_themes[conf_themes["mesure"].isin(MESURES_MONTANTS)]
    # les 9 thématiques de la cohésion sociale, 3 chiffres chacune
    themes_cohesion = set(prog.loc[prog["pilier_code"] == "cohesion_sociale", "thematique"])
    assert set(sel["groupe"]) == themes_cohesion
    for _, c in sel.iterrows():
        assert c["valeur_recalculee"] == publies[c["id"]], c["id"]
        assert c["statut"] == "identique"


def test_tableaux_piliers_a_l_euro(conf_piliers, chiffres):
    publies = chiffres.set_index("id")["valeur"].astype(float)
    sel = conf_piliers[conf_piliers["mesure"].isin(MESURES_MONTANTS)]
    assert sel["groupe"].nunique() == 3
    for _, c in sel.iterrows():
        assert c["valeur_recalculee"] == publies[c["id"]], c["id"]
        assert c["statut"] == "identique"


def test_exemple_education(prog, fdr, chiffres):
    """Le tableau Education, lu directement par identifiant."""
    publies = chiffres.set_index("id")["valeur"].astype(float)
    t = ctb.synthese_thematiques(prog, fdr, "cohesion_sociale").set_index("thematique").loc["Education"]
    assert t["projets"] == publies["ch3_education_projets"]
    assert t["droit_commun"] == publies["ch3_education_droit_commun"]
    assert t["credits_specifiques"] == publies["ch3_education_credits_specifiques"]


def test_porteurs_concordent_sauf_ecarts_documentes(conf_themes, conf_piliers, ecarts):
    conf = pd.concat([conf_themes, conf_piliers])
    porteurs = conf[conf["mesure"] == "porteurs"]
    documentes = set(ecarts["id"]) & set(porteurs["id"])
    en_ecart = set(porteurs.loc[porteurs["valeur_recalculee"] != porteurs["valeur_publiee"], "id"])
    assert en_ecart == documentes
    assert (porteurs.loc[~porteurs["id"].isin(documentes), "statut"] == "identique").all()
    # la valeur recalculée documentée est bien celle que donnent les données
    attendu = ecarts.set_index("id")["valeur_recalculee"].astype(float)
    for _, c in porteurs[porteurs["id"].isin(documentes)].iterrows():
        assert c["valeur_recalculee"] == attendu[c["id"]], c["id"]
        assert c["statut"] == "écart documenté"
        assert len(c["explication"]) > 20


def test_ecarts_du_chapitre_sont_exactement_les_documentes(conf_themes, conf_piliers, ecarts):
    """Tous les chiffres publiés confrontés (projets, porteurs, montants, priorités) : l'ensemble des écarts est
    exactement l'ensemble documenté pour ces chiffres."""
    conf = pd.concat([conf_themes, conf_piliers])
    en_ecart = set(conf.loc[conf["statut"] != "identique", "id"])
    assert en_ecart == set(ecarts["id"]) & set(conf["id"])
    assert "écart non expliqué" not in set(conf["statut"])


def test_priorites_par_pilier(conf_piliers, ecarts):
    prio = conf_piliers[conf_piliers["mesure"] == "priorites"]
    assert len(prio) == 3
    en_ecart = set(prio.loc[prio["statut"] != "identique", "id"])
    assert en_ecart == set(ecarts["id"]) & set(prio["id"])


def test_thematiques_redonnent_le_pilier(prog, fdr):
    themes = ctb.synthese_thematiques(prog, fdr, "cohesion_sociale")
    pilier = ctb.synthese_piliers(prog, fdr).set_index("pilier_code").loc["cohesion_sociale"]
    for m in MESURES_MONTANTS:
        assert themes[m].sum() == pilier[m]


def test_comparaison_ensemble(prog, fdr, chiffres):
    comp = ctb.comparaison_thematiques(prog, fdr)
    ens = comp[comp["niveau"] == "ensemble"].iloc[0]
    groupes = comp[comp["niveau"] != "ensemble"]
    publies = chiffres.set_index("id")["valeur"].astype(float)
    for m in ("droit_commun", "credits_specifiques"):
        assert ens[m] == groupes[m].sum()
        assert ens[m] == sum(publies[f"ch3_{p}_{m}"] for p in ("emploi", "cohesion", "cadre"))
    assert ens["effet_levier"] == pytest.approx(ens["droit_commun"] / ens["credits_specifiques"])
    # pilotage (hors feuille de route) exclu
    assert "pilotage" not in set(comp["pilier_code"])
    assert ens["projets"] == (prog["pilier_code"].isin(ctb.piliers_du_contrat(fdr))).sum()


def test_tableau_avec_publies_signale_les_porteurs(prog, fdr, chiffres, ecarts):
    tab = ctb.tableau_avec_publies(
        ctb.synthese_thematiques(prog, fdr, "cohesion_sociale"), chiffres, ecarts, "thematique"
    ).set_index("thematique")
    publies = chiffres.set_index("id")["valeur"].astype(float)
    assert tab.loc["Education", "porteurs_publie"] == publies["ch3_education_porteurs"]
    assert tab.loc["Education", "concordance"].startswith("écart documenté")
    assert tab.loc["Sport", "concordance"].startswith("identique")


def test_pre_financement_publie(prog, chiffres):
    c = chiffres.set_index("id")
    pre = ctb.financement_dispositif(prog, "PRE", "cohesion_sociale").iloc[0]
    assert pre["cget"] == float(c.loc["ch3_pre_cget", "valeur"])
    assert pre["communes"] == float(c.loc["ch3_pre_communes", "valeur"])
    tol = float(c.loc["ch3_pre_part_pilier", "tolerance"])
    assert abs(pre["part_pilier"] - float(c.loc["ch3_pre_part_pilier", "valeur"])) <= tol


# --------------------------------------------------------------------------------------------- ratios (exemple)


def test_ratios_sur_un_exemple():
    df = pd.DataFrame(
        {
            "projets": [4, 2, 3, 0, 5],
            "droit_commun": [100.0, 0.0, math.nan, 50.0, 30.0],
            "credits_specifiques": [200.0, 50.0, 30.0, 0.0, math.nan],
        }
    )
    r = ctb.ajouter_ratios(df)
    assert r["effet_levier"].tolist()[:2] == [0.5, 0.0]
    assert r["effet_levier"].iloc[2:].isna().all()  # droit commun manquant ; crédits nuls ; crédits manquants
    assert r["moyenne_projet"].iloc[0] == 75.0  # (100 + 200) / 4
    assert r["moyenne_projet"].iloc[1] == 25.0
    assert math.isnan(r["moyenne_projet"].iloc[2])  # montant manquant : moyenne manquante, pas 10
    assert math.isnan(r["moyenne_projet"].iloc[3])  # aucun projet : pas de division par zéro
    assert r["moyenne_credits_specifiques"].iloc[2] == 10.0
    assert r["part_droit_commun"].iloc[0] == pytest.approx(100 / 3)
    assert r["part_droit_commun"].iloc[3] == 100.0
    assert r["total"].iloc[0] == 300.0 and math.isnan(r["total"].iloc[4])


def _prog_exemple():
    return pd.DataFrame(
        {
            "id_action": ["A1", "A2", "A3", "A4", "A5"],
            "intitule": ["Un", "Deux", "Trois", "Quatre", "Cinq"],
            "porteur_canonique": ["P1", "P1", None, "P2", "P3"],
            "communes": ["X", "Y", "X", "Z", "Intercommunal"],
            "pilier_code": ["a", "a", "a", "b", "hors"],
            "pilier": ["Pilier A", "Pilier A", "Pilier A", "Pilier B", "Hors"],
            "thematique_code": ["t1", "t1", "t2", "t3", "h"],
            "thematique": ["T1", "T1", "T2", "T3", "H"],
            "priorite": pd.array([1, 1, 1, 2, None], dtype="Int64"),
            "sous_priorite": ["1.1", "1.2", "", "2.9", ""],
            "droit_commun": [10.0, 5.0, math.nan, math.nan, math.nan],
            "credits_specifiques": [1.0, 2.0, 3.0, math.nan, math.nan],
            "cget": [1.0, 1.0, 1.0, 1.0, 1.0],
            "provenance_droit_commun": ["reconstruit", "reconstruit", "non publié", "non publié", "non publié"],
            "provenance_credits_specifiques": ["reconstruit", "publié", "publié", "non publié", "non publié"],
            "source": ["", "sous-priorité inférée", "", "", "ligne reconstruite"],
        }
    )


def _fdr_exemple():
    return pd.DataFrame(
        {
            "priorite": pd.array([1, 1, 1, 2, 2], dtype="Int64"),
            "sous_priorite": [None, "1.1", "1.2", None, "2.1"],
            "libelle": ["Priorité un", "Sous un un :", "Sous un deux", "Priorité deux", "Sous deux un"],
            "pilier": ["Pilier A", "Pilier A", "Pilier A", "Pilier B", "Pilier B"],
            "pilier_code": ["a", "a", "a", "b", "b"],
        }
    )


def test_indicateurs_valeurs_manquantes_restent_manquantes():
    ind = ctb.indicateurs(_prog_exemple(), "thematique").set_index("thematique")
    assert ind.loc["T1", "projets"] == 2 and ind.loc["T1", "porteurs"] == 1  # P1 compté une fois
    assert ind.loc["T1", "droit_commun"] == 15.0
    assert math.isnan(ind.loc["T2", "droit_commun"])  # jamais 0
    assert ind.loc["T2", "porteurs"] == 0  # porteur manquant non compté
    assert ind.loc["T2", "credits_specifiques"] == 3.0
    piliers = ctb.synthese_piliers(_prog_exemple(), _fdr_exemple())
    assert piliers["pilier_code"].tolist() == ["a", "b"]  # « hors » n'est pas un pilier
    assert math.isnan(piliers.set_index("pilier_code").loc["b", "effet_levier"])


def test_actions_provenance_et_rubriques():
    a = ctb.actions_par_priorite(_prog_exemple(), _fdr_exemple()).set_index("id_action")
    assert a.loc["A1", "provenance_montants"] == "reconstruit"
    assert "crédits spécifiques : publié" in a.loc["A2", "provenance_montants"]
    assert a.loc["A1", "rubrique"] == "1.1 Sous un un"  # « : » final retiré
    assert a.loc["A3", "rubrique"] == f"Priorité 1, {ctb.SANS_SOUS_PRIORITE}"
    assert a.loc["A5", "rubrique"] == ctb.SANS_PRIORITE
    assert a.loc["A2", "sous_priorite_inferee"] and not a.loc["A1", "sous_priorite_inferee"]
    assert a.loc["A5", "ligne_reconstruite"]
    assert list(a.index)[-1] == "A5"  # sans priorité en dernier
    assert list(a.index)[:3] == ["A3", "A1", "A2"]  # priorité seule en tête


# --------------------------------------------------------------------------------------------- grille


def test_grille_couvre_chaque_action_une_fois(prog, fdr):
    grille = ctb.grille_priorites(prog, fdr)
    ids = [i for liste in grille["id_actions"] for i in liste]
    assert len(ids) == len(set(ids)) == len(prog)
    assert set(ids) == set(prog["id_action"])
    assert grille["nombre_actions"].sum() == len(prog)
    # les actions sans sous-priorité ou sans priorité sont listées, pas écartées
    sans_sp = prog.loc[
        prog["sous_priorite"].isna() | (prog["sous_priorite"].astype(str).str.strip() == ""), "id_action"
    ]
    assert len(sans_sp) > 0
    lignes_sans_sp = grille[grille["sous_priorite"] == ""]
    assert set(sans_sp) == {i for liste in lignes_sans_sp["id_actions"] for i in liste}
    assert grille["priorite"].isna().any()  # accès aux droits, pilotage


def test_grille_toutes_les_sous_priorites(prog, fdr):
    grille = ctb.grille_priorites(prog, fdr)
    sp_fdr = set(fdr["sous_priorite"].dropna().astype(str).str.strip()) - {""}
    assert sp_fdr <= set(grille["sous_priorite"])
    assert fdr["priorite"].nunique() == grille["priorite"].dropna().nunique()


def test_matrice_grille(prog, fdr):
    grille = ctb.grille_priorites(prog, fdr)
    m = ctb.matrice_grille(grille)
    assert m.sum().sum() == len(prog)
    sp_fdr = set(fdr["sous_priorite"].dropna().astype(str).str.strip()) - {""}
    # une case par sous-priorité, par priorité ayant des actions sans sous-priorité, et la case « Hors priorités »
    cases = len(sp_fdr) + ((grille["sous_priorite"] == "") & grille["priorite"].notna()).sum() + 1
    assert m.notna().sum().sum() == cases  # case inexistante = NaN
    assert len(m) == fdr["priorite"].nunique() + 1  # + « Hors priorités »
    vue = pp.vue_matrice(m, grille)
    assert vue["Total"].sum() == len(prog)


def test_grille_garde_une_sous_priorite_inconnue():
    """Une action rattachée à une sous-priorité absente de la feuille de route est gardée, pas perdue."""
    grille = ctb.grille_priorites(_prog_exemple(), _fdr_exemple())
    ids = sorted(i for liste in grille["id_actions"] for i in liste)
    assert ids == ["A1", "A2", "A3", "A4", "A5"]
    assert "2.9" in set(grille["sous_priorite"])
    assert grille.loc[grille["sous_priorite"] == "2.1", "nombre_actions"].iloc[0] == 0  # gardée sans action
