"""Niveaux de comparaison calculés (issue 10, point 4) et registre des indicateurs (point 5).

Fixture ``tests/fixtures/territoire_par_code/`` : 12 QPV fictifs de trois départements (Hautes-Alpes 05 et
Alpes-de-Haute-Provence 04, région 93 ; Lozère 48, région 76). Valeurs du fichier :

==========  ====  =======  ==========  ===========  ====  ========  =====  ====
QPV         dép.  pop_mun  pop_m25     part_m25     empl  tx_f      decuc  tp60
==========  ====  =======  ==========  ===========  ====  ========  =====  ====
QP005901    05    1000     300         30           50    50        12000  40
QP005902    05    3000     600         20           60    52        14000  s
QP005903    05    2000     800         s            40    51        10000  50
QP005904    05    4000     1000        25           55    49        16000  30
QP004901    04    2000     500         25           50    50        11000  35
QP004902    04    2000     700         35           45    50        12000  45
QP004903    04    1000     200         20           60    48        15000  25
QP004904    04    1000     300         30           55    52        13000  nd
QP0489xx    48    4 × 5000 (valeurs extrêmes : 2500, 50, 10, 60, 5000, 90 — ne doivent entrer dans aucun niveau)
==========  ====  =======  ==========  ===========  ====  ========  =====  ====

(abcde : 100, 200, 300, 400 ; 150, 250, 50, 100 ; 2000 × 4.)

« QPV du département » (05 : les 4 premiers), à la main :

- pop_mun (somme) : 1000 + 3000 + 2000 + 4000 = 10 000 ; abcde : 100 + 200 + 300 + 400 = 1 000 ;
- part_moins_25 (part, numérateur et dénominateur dans le fichier) : (300 + 600 + 800 + 1000) / 10 000 = 27,0 %
  — « calculé », et le « s » de QP005903 ne gêne pas (une moyenne pondérée des parts publiées, sans lui, donnerait
  (30×1000 + 20×3000 + 25×4000) / 8000 = 23,75) ;
- tx_tot_empl (part sans numérateur : moyenne pondérée par pop_mun, « approximation pondérée ») :
  (50×1000 + 60×3000 + 40×2000 + 55×4000) / 10 000 = 530 000 / 10 000 = 53,0 ;
- tx_f (moyenne pondérée par pop_mun, dénominateur exact : « calculé ») :
  (50×1000 + 52×3000 + 51×2000 + 49×4000) / 10 000 = 504 000 / 10 000 = 50,4 ;
- decuc_q2 (médiane, jamais moyennée) : médiane de 10 000, 12 000, 14 000, 16 000 = 13 000, étendue 10 000 à
  16 000 (« médiane des QPV ») ;
- tp60 (approximation pondérée, secret laissé de côté) : (40×1000 + 50×2000 + 30×4000) / 7000 = 260 000 / 7000
  = 37,142857… ; 1 valeur manquante.

« QPV de la région » (93 : 05 et 04, 8 QPV) :

- pop_mun : 10 000 + 6000 = 16 000 ; abcde : 1000 + 550 = 1550 ;
- part_moins_25 : (2700 + 1700) / 16 000 = 27,5 % ;
- tx_tot_empl : (530 000 + 50×2000 + 45×2000 + 60×1000 + 55×1000) / 16 000 = 835 000 / 16 000 = 52,1875 ;
- tx_f : (504 000 + 100 000 + 100 000 + 48 000 + 52 000) / 16 000 = 804 000 / 16 000 = 50,25 ;
- decuc_q2 : valeurs triées 10 000, 11 000, 12 000, 12 000, 13 000, 14 000, 15 000, 16 000 -> médiane 12 500 ;
- tp60 : (260 000 + 35×2000 + 45×2000 + 25×1000) / (7000 + 5000) = 445 000 / 12 000 = 37,083333… ; 2 manquantes.

Le fichier couvre deux régions sans être national : aucun niveau « QPV de France ».
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage import Journal, Referentiels, nettoyer_insee
from politique_ville.clean.validation import attentes_traitees, colonnes_non_reconnues
from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.reference import indicateurs
from politique_ville.reference.parametres import charger_parametres

RACINE = Path(__file__).resolve().parents[1]
FIXTURE = RACINE / "tests" / "fixtures" / "territoire_par_code"
ATTENDU_DEPARTEMENT = {
    "pop_mun": (10000, cn.CALCULE, 0),
    "abcde": (1000, cn.CALCULE, 0),
    "part_moins_25": (27.0, cn.CALCULE, 0),
    "tx_tot_empl": (53.0, cn.APPROXIMATION, 0),
    "tx_f": (50.4, cn.CALCULE, 0),
    "decuc_q2": (13000, cn.MEDIANE, 0),
    "tp60": (260000 / 7000, cn.APPROXIMATION, 1),
}
ATTENDU_REGION = {
    "pop_mun": (16000, cn.CALCULE, 0),
    "abcde": (1550, cn.CALCULE, 0),
    "part_moins_25": (27.5, cn.CALCULE, 0),
    "tx_tot_empl": (52.1875, cn.APPROXIMATION, 0),
    "tx_f": (50.25, cn.CALCULE, 0),
    "decuc_q2": (12500, cn.MEDIANE, 0),
    "tp60": (445000 / 12000, cn.APPROXIMATION, 2),
}


def _nettoyer(niveau: str):
    params = charger_parametres(RACINE, 2033, FIXTURE / "params" / f"{niveau}.yaml")
    cat = Catalogue.pour(2033, RACINE, raw_dir=FIXTURE / "raw" / "2033", reference_dir=params["reference_dir"])
    refs = Referentiels.charger(cat, params)
    return nettoyer_insee({"insee_qpv": cat.lire_brut("insee_qpv")}, refs, Journal())


@pytest.fixture(scope="module", params=["epci", "departement"])
def nettoyees(request):
    return request.param, _nettoyer(request.param)


def _valeur(niveaux: pd.DataFrame, niveau: str, variable: str) -> pd.Series:
    ligne = niveaux[(niveaux["niveau"] == niveau) & (niveaux["variable"] == variable)]
    assert len(ligne) == 1, (niveau, variable)
    return ligne.iloc[0]


def test_niveaux_calcules_a_la_main(nettoyees):
    niveau_territoire, tables = nettoyees
    comparaison = tables["insee_qpv_comparaison"]
    assert len(comparaison) == 12
    assert int(comparaison["dans_territoire"].sum()) == (2 if niveau_territoire == "epci" else 4)
    assert cn.couverture(comparaison) == "pluri-régionale"
    niveaux = cn.niveaux_calcules(
        comparaison, noms_departements={"05": "Hautes-Alpes"}, noms_regions={"93": "Provence-Alpes-Côte d'Azur"}
    )
    assert set(niveaux["niveau"]) == {cn.NIVEAU_QPV_DEPARTEMENT, cn.NIVEAU_QPV_REGION}  # jamais « de France »
    for niveau, attendus, nb in (
        (cn.NIVEAU_QPV_DEPARTEMENT, ATTENDU_DEPARTEMENT, 4),
        (cn.NIVEAU_QPV_REGION, ATTENDU_REGION, 8),
    ):
        for variable, (valeur, origine, secrets) in attendus.items():
            ligne = _valeur(niveaux, niveau, variable)
            assert ligne["valeur"] == pytest.approx(valeur), (niveau, variable)
            assert ligne["origine"] == origine, (niveau, variable)
            assert ligne["nb_secrets"] == secrets and ligne["nb_qpv"] == nb, (niveau, variable)
    d = _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "decuc_q2")
    assert (d["minimum"], d["maximum"]) == (10000, 16000)
    assert (
        _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "pop_mun")["libelle_territoire"]
        == "QPV du département Hautes-Alpes (05)"
    )
    # la part recalculée n'est pas la moyenne pondérée des parts publiées (23,75 sans le QPV au secret)
    assert _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "part_moins_25")["valeur"] != pytest.approx(23.75)


def test_recu_l_emporte_case_par_case_et_forme_de_insee_references():
    comparaison = _nettoyer("epci")["insee_qpv_comparaison"]
    calcules = cn.niveaux_calcules(comparaison)
    recus = pd.DataFrame(
        {
            "niveau": [cn.NIVEAU_QPV_DEPARTEMENT, "Agglomération"],
            "libelle_territoire": ["QPV des Hautes-Alpes (publié)", "CC du Pays des Ecrins"],
            "pop_mun": [9999.0, 6591.0],
            "tx_f": [math.nan, 51.0],
        }
    )
    niveaux = cn.combiner(calcules, recus)
    assert _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "pop_mun")["valeur"] == 9999
    assert _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "pop_mun")["origine"] == cn.RECU
    # case vide du fichier reçu : la valeur calculée la remplit, et le dit
    assert _valeur(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "tx_f")["valeur"] == pytest.approx(50.4)
    assert cn.origine(niveaux, cn.NIVEAU_QPV_DEPARTEMENT, "tx_f") == cn.CALCULE
    assert cn.origine(niveaux, "Agglomération", "tx_f") == cn.RECU
    assert cn.origine(niveaux, cn.NIVEAU_QPV_FRANCE, "tx_f") is None
    large = cn.en_references(niveaux)
    assert list(large.columns[:2]) == ["niveau", "libelle_territoire"]
    assert list(large["niveau"]) == [cn.NIVEAU_QPV_DEPARTEMENT, "Agglomération", cn.NIVEAU_QPV_REGION]
    # lu tel quel par le chapitre 1 : revenu mensuel (÷ 12) de la médiane des QPV de la région
    assert cq.valeur_reference(large, cn.NIVEAU_QPV_REGION, "decuc_q2", 12) == pytest.approx(12500 / 12)
    assert cq.valeur_reference(large, cn.NIVEAU_QPV_DEPARTEMENT, "pop_mun") == 9999
    assert math.isnan(cq.valeur_reference(large, "Agglomération", "decuc_q2"))


def _comparaison(regions: list[str], departements: list[str]) -> pd.DataFrame:
    n = len(regions)
    return pd.DataFrame(
        {
            "code_qp": [f"QP{i:06d}" for i in range(n)],
            "type_quartier": "QPV",
            "dans_territoire": [True] + [False] * (n - 1),
            "departement": departements,
            "region": regions,
            "pop_mun": [100.0] * n,
        }
    )


def test_fichier_national_regional_departemental():
    nationale = _comparaison(list(cn.REGIONS_METROPOLE), [f"{i:02d}" for i in range(13)])
    assert cn.couverture(nationale) == "nationale"
    n = cn.niveaux_calcules(nationale)
    assert _valeur(n, cn.NIVEAU_QPV_FRANCE, "pop_mun")["valeur"] == 1300
    assert _valeur(n, cn.NIVEAU_QPV_REGION, "pop_mun")["valeur"] == 100
    # 12 régions sur 13 : pas national, donc pas de France
    moins_une = nationale.iloc[:12]
    assert cn.couverture(moins_une) == "pluri-régionale"
    assert cn.NIVEAU_QPV_FRANCE not in set(cn.niveaux_calcules(moins_une)["niveau"])
    regionale = _comparaison(["32"] * 3, ["62", "62", "59"])
    assert cn.couverture(regionale) == "régionale"
    n = cn.niveaux_calcules(regionale)
    assert set(n["niveau"]) == {cn.NIVEAU_QPV_DEPARTEMENT, cn.NIVEAU_QPV_REGION}
    assert _valeur(n, cn.NIVEAU_QPV_DEPARTEMENT, "pop_mun")["valeur"] == 200
    assert _valeur(n, cn.NIVEAU_QPV_REGION, "pop_mun")["valeur"] == 300
    # un seul département : rien sur la région
    departementale = _comparaison(["32"] * 2, ["62", "62"])
    assert cn.couverture(departementale) == "départementale"
    assert set(cn.niveaux_calcules(departementale)["niveau"]) == {cn.NIVEAU_QPV_DEPARTEMENT}
    # le fichier du seul territoire : aucun niveau calculé
    seul = _comparaison(["32"], ["62"])
    assert cn.couverture(seul) == "territoire" and cn.niveaux_calcules(seul).empty


def test_valeurs_toutes_secretes_et_base_absente():
    d = indicateurs.definition("tx_tot_empl")
    q = pd.DataFrame({"tx_tot_empl": [math.nan, math.nan], "pop_mun": [10.0, 20.0]})
    r = cn.agreger(q, d)
    assert math.isnan(r["valeur"]) and r["nb_secrets"] == 2 and r["nb_qpv_renseignes"] == 0
    # base absente du fichier : moyenne simple, dite approximation
    r = cn.agreger(pd.DataFrame({"tx_tot_empl": [40.0, 60.0]}), d)
    assert r["valeur"] == 50 and r["origine"] == cn.APPROXIMATION and r["base"] is None
    assert cn.agreger(pd.DataFrame({"pop_mun": [1.0]}), d) is None  # variable absente : pas de niveau


# --------------------------------------------------------------------------------------------- registre


def test_registre_couvre_les_variables_de_l_insee_et_de_2019():
    reg = indicateurs.par_variable()
    documentation = (
        pd.read_csv(RACINE.parent / "shared" / "docs" / "insee_qpv_variables.csv")["variable"]
        if (RACINE.parent / "shared" / "docs" / "insee_qpv_variables.csv").is_file()
        else None
    )
    insee = [
        "pop_mun",
        "pop_com_qp",
        "pop_com",
        "ind_jeune",
        "tx_tot_et",
        "tx_f",
        "tx_f_et",
        "percou",
        "pmimp",
        "part_chomprinc",
        "decuc_q2",
        "decuc_d1",
        "decuc_d9",
        "disp_q2",
        "disp_d1",
        "disp_d9",
        "tp60",
        "brev",
        "a",
        "tx_tot_empl",
        "tx_f_empl",
        "tx_et_empl",
        "tx_tot_eprec",
        "tx_f_eprec",
        "tx_et_eprec",
        "abcde",
        "abcde_f",
        "abcde_h",
        "abc_capbep",
        "abc_bac",
        "abc_supbac",
        "ec_mat",
        "ec_elem",
        "ec_elem_pri",
        "coll",
        "coll_pri",
        "nbetab",
        "ens_sante",
        "serv_par",
        "serv_tot",
        "auto_ent",
    ]
    assert [v for v in insee if v not in reg] == []
    if documentation is not None:
        assert [v for v in documentation[3:] if v not in reg] == []
    for fichier in ("insee_qpv.csv", "insee_references.csv"):
        colonnes = pd.read_csv(RACINE / "data" / "raw" / "2019" / fichier, nrows=0).columns
        assert indicateurs.colonnes_non_reconnues(colonnes) == [], fichier
    assert {d.theme for d in reg.values()} == set(indicateurs.THEMES)
    assert reg["tp60"].defavorable_si_eleve is True and reg["tx_tot_empl"].defavorable_si_eleve is False
    assert reg["ind_jeune"].defavorable_si_eleve is None
    assert (reg["decuc_d1"].agregation, reg["abcde"].agregation) == ("mediane_non_agregeable", "somme")
    assert (reg["part_moins_25"].numerateur, reg["part_moins_25"].denominateur) == ("pop_moins_25", "pop_mun")


def test_compute_qpv_lit_le_registre_sans_changer_2019():
    i = cq.indicateur("decuc_q2")
    assert (i.libelle, i.unite, i.genre, i.theme, i.poids, i.diviseur, i.decimales) == (
        "Revenu médian mensuel par unité de consommation",
        "€ par mois",
        "taux",
        "Revenus",
        "pop_mun",
        12.0,
        0,
    )
    assert i.theme_registre == "Revenus et pauvreté" and i.agregation == "mediane_non_agregeable"
    d = cq.indicateur("part_de_plus_2ans_f")
    assert d.colonne_reference(cq.NIVEAU_HORS_QPV) == "part_de_plus_2ans" and d.poids == "abcde_f"
    assert d.colonne_reference(cq.NIVEAU_AGGLO) == "part_de_plus_2ans_f"
    assert cq.indicateur("nb_entrees_contrats_aides_2016").libelle == "Entrées en contrats aidés (2016)"
    assert cq.indicateur("tp60").theme == "Revenus et pauvreté"  # hors 2019 : la rubrique est le thème
    assert [i.code for i in cq.INDICATEURS][:3] == ["part_moins_25", "ind_jeune", "part_menages_1pers"]


@pytest.mark.parametrize(
    "colonne, valeur, attendu",
    [
        ("agregation", "moyenne", "règle d'agrégation inconnu(e) « moyenne »"),
        ("theme", "Santé", "thème inconnu(e) « Santé »"),
        ("base", "", "la règle « part » demande une base"),
        ("decimales", "un", "« un » n'est pas un nombre"),
    ],
)
def test_ligne_fautive_du_registre(tmp_path, colonne, valeur, attendu):
    df = pd.read_csv(indicateurs.chemin_registre(), dtype=str, keep_default_na=False)
    ligne = df.index[df["variable"] == "tp60"][0]
    df.loc[ligne, colonne] = valeur
    chemin = tmp_path / "indicateurs_qpv.csv"
    df.to_csv(chemin, index=False)
    with pytest.raises(ErreurDonnees) as exc:
        indicateurs.lire_registre(chemin)
    assert attendu in str(exc.value)
    assert exc.value.fichier == str(chemin) and exc.value.ligne == ligne + 2 and exc.value.colonne == colonne
    # le registre du dépôt, lui, se lit
    assert len(indicateurs.lire_registre(indicateurs.chemin_registre())) == len(df)


def test_suites_suivent_le_registre_et_listent_les_colonnes_inconnues():
    tables = _nettoyer("departement")
    qpv = tables["insee_qpv"].assign(ma_variable=1.0)
    attentes = attentes_traitees("insee_qpv", qpv, None, None, {})
    bornes = {
        a.kwargs["column"]: (a.kwargs.get("min_value"), a.kwargs.get("max_value"))
        for a in attentes
        if a.type == "ExpectColumnValuesToBeBetween"
    }
    assert bornes["tp60"] == (0, 100) and bornes["pop_moins_25"] == (0, None) and bornes["decuc_q2"] == (0, None)
    assert "ma_variable" not in bornes  # non reconnue : ni type ni borne inventés, mais listée
    # ind_local : la colonne inconnue de la fixture elle-même
    assert colonnes_non_reconnues({"insee_qpv": qpv}) == [("insee_qpv", "ind_local"), ("insee_qpv", "ma_variable")]
    journal = Journal()
    params = charger_parametres(RACINE, 2033, FIXTURE / "params" / "departement.yaml")
    cat = Catalogue.pour(2033, RACINE, raw_dir=FIXTURE / "raw" / "2033", reference_dir=params["reference_dir"])
    brut = cat.lire_brut("insee_qpv").assign(MA_VARIABLE="3")
    brut.attrs = cat.lire_brut("insee_qpv").attrs
    nettoyer_insee({"insee_qpv": brut}, Referentiels.charger(cat, params), journal)
    assert any("colonne(s) non reconnue(s)" in m and "ma_variable" in m for m in journal.avertissements)


def test_registre_garde_en_memoire_mais_relu_quand_il_change(tmp_path, monkeypatch):
    """Le registre est consulté des milliers de fois par chapitre : lu une fois, mais relu dès que son fichier
    change ; celui de la racine du projet suit la racine (variable POLITIQUE_VILLE_RACINE)."""
    import os

    df = pd.read_csv(indicateurs.chemin_registre(), dtype=str, keep_default_na=False)
    chemin = tmp_path / "indicateurs_qpv.csv"
    df.to_csv(chemin, index=False)
    assert indicateurs.definition("tp60", chemin).libelle == df.loc[df["variable"] == "tp60", "libelle"].iloc[0]
    df.loc[df["variable"] == "tp60", "libelle"] = "Taux de pauvreté (libellé changé)"
    df.to_csv(chemin, index=False)
    os.utime(chemin, ns=(chemin.stat().st_mtime_ns + 10**9,) * 2)
    assert indicateurs.definition("tp60", chemin).libelle == "Taux de pauvreté (libellé changé)"
    assert indicateurs.par_variable(chemin)["tp60"].libelle == "Taux de pauvreté (libellé changé)"
    # une autre racine de projet : son propre registre
    racine = tmp_path / "projet"
    (racine / "data" / "reference").mkdir(parents=True)
    (racine / "pyproject.toml").write_text("", encoding="utf-8")
    df.to_csv(racine / "data" / "reference" / "indicateurs_qpv.csv", index=False)
    monkeypatch.setenv("POLITIQUE_VILLE_RACINE", str(racine))
    assert indicateurs.chemin_registre() == (racine / "data" / "reference" / "indicateurs_qpv.csv").resolve()
    assert indicateurs.definition("tp60").libelle == "Taux de pauvreté (libellé changé)"
