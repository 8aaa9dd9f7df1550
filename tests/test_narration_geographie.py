"""Phrases du chapitre 10 (``narration.geographie``) et mise en forme des indicateurs (``present_qpv``), sur de petits
territoires construits ici : chaque comparaison dans les deux sens (plus, moins, égal, nettement, non publié), les
superlatifs, le singulier et le pluriel, un niveau de comparaison manquant, un indicateur absent. Les valeurs
attendues sont calculées à la main dans chaque test (moyenne pondérée par la population : 100 et 300 habitants)."""

import math

import pandas as pd
import pytest

from politique_ville import formats
from politique_ville.compute import qpv as cq
from politique_ville.narration import geographie as ng
from politique_ville.present import qpv as pq

NB = "\u00a0"  # espace insécable avant l'unité
FINE = "\u202f"  # espace fine insécable des milliers


def territoire(
    valeurs: dict | None = None,
    refs: dict | None = None,
    *,
    n: int = 2,
    communes_par_qpv: int = 1,
    provenance: list | None = None,
    manquantes: list | None = None,
    publies: dict | None = None,
    autres: int = 0,
    territoire: str = "",
    rapport: bool = True,
    designation=None,
) -> ng.Faits:
    """``n`` QPV (A : 100 habitants, B : 300, C : 600, D : 1000), chacun sur ``communes_par_qpv`` communes ;
    ``valeurs`` : indicateur -> valeurs par QPV ; ``refs`` : niveau -> {variable: valeur} ; ``autres`` quartiers
    communautaires (non couverts par l'INSEE). ``rapport`` : l'année a un rapport publié (les phrases du premier
    rapport transcrit) ; faux, celles d'un territoire qui n'a que ses fichiers reçus."""
    codes = ["A", "B", "C", "D"][:n]
    qpv = pd.DataFrame(
        {
            "code_qp": codes,
            "nom_qp": ["Alpha", "Bêta", "Gamma", "Delta"][:n],
            "nom_commune": [f"Ville{c}" for c in codes],
            "type_quartier": ["QPV"] * n,
            "pop_mun": pd.array([100, 300, 600, 1000][:n], dtype="Int64"),
            "annee_reconnaissance": pd.array([2014] * n, dtype="Int64"),
        }
    )
    for code, v in (valeurs or {}).items():
        qpv[code] = pd.array(v, dtype="Float64" if code != "pop_mun" else "Int64").astype("float64")
    lignes = [
        {"code_qp": c, "commune": f"Ville{c}" if k == 0 else f"Ville{c}{k}", "rang": k + 1, "perimetre": False}
        for c in codes
        for k in range(communes_par_qpv)
    ]
    for k in range(autres):
        code = f"Q{k}"
        ligne = {
            "code_qp": code,
            "nom_qp": f"Communautaire {k}",
            "nom_commune": "VilleQ",
            "type_quartier": "quartier communautaire" if k else "quartier de veille",
            "pop_mun": pd.NA,
            "annee_reconnaissance": 2015 + (k == autres - 1 and autres > 1) * 3,
        }
        qpv = pd.concat([qpv, pd.DataFrame([ligne]).astype({"annee_reconnaissance": "Int64"})], ignore_index=True)
        lignes.append({"code_qp": code, "commune": "VilleQ", "rang": 1, "perimetre": False})
    references = None
    if refs is not None:
        references = pd.DataFrame([{"niveau": niveau, **cols} for niveau, cols in refs.items()])
    prov = pd.DataFrame(provenance or [], columns=["fichier", "cle", "variable", "provenance", "commentaire"])
    manq = pd.DataFrame(manquantes or [], columns=["code_qp", "variable", "motif"])
    return ng.faits(
        qpv,
        pd.DataFrame(lignes),
        references,
        manq,
        prov if provenance else None,
        publies or {},
        2019,
        territoire,
        designation=designation,
        rapport=rapport,
    )


AGGLO, DEP, HORS = cq.NIVEAU_AGGLO, cq.NIVEAU_QPV_DEPARTEMENT, cq.NIVEAU_HORS_QPV


# --------------------------------------------------------------------------------------------- mise en forme


def test_formats_des_valeurs_et_des_ecarts():
    assert formats.formater("part_moins_25", 38.04) == f"38,0{NB}%"
    assert formats.formater("decuc_q2", 1077.0) == f"1{FINE}077{NB}€ par mois"
    assert formats.formater("ind_jeune", 1.25) == "1,3"  # arrondi des chiffres publiés : 0,5 vers le haut
    assert formats.formater("pop_mun", 36299) == f"36{FINE}299"
    assert formats.formater("pop_mun", 36299, unite=False) == f"36{FINE}299"
    assert formats.formater("part_retard_3e", math.nan, cq.SECRET) == cq.SECRET
    assert formats.formater("part_retard_3e", "secret") == "secret"
    assert formats.formater_nombre(math.nan) == cq.NON_PUBLIE
    assert formats.formater_nombre(1476.4) == f"1{FINE}476" and formats.formater_nombre(45.62) == "45,6"
    assert formats.formater_ecart("part_moins_25", 6.5) == f"+6,5{NB}pts"
    assert formats.formater_ecart("part_moins_25", -1.1) == f"−1,1{NB}pt"
    assert formats.formater_ecart("part_moins_25", 0.0) == f"0,0{NB}pt"  # ni « + » ni « − » pour un écart nul
    assert formats.formater_ecart("decuc_q2", -399.0) == f"−399{NB}€ par mois"
    assert formats.formater_ecart("ind_jeune", 0.4) == "+0,4"
    assert formats.formater_ecart("ind_jeune", math.nan, cq.NON_PUBLIE) == cq.NON_PUBLIE
    assert formats.ecart_court("part_moins_25", 6.5) == "+6,5" and formats.ecart_court("part_moins_25", -1.1) == "−1,1"
    assert formats.unite_ecart("part_moins_25") == "points de %" and formats.unite_ecart("decuc_q2") == "€ par mois"
    assert (
        formats.rang_texte(3.0) == "3" and formats.rang_texte(pd.NA) == "—" and formats.rang_texte("secret") == "secret"
    )
    assert formats.entete("part_moins_25") == "Moins de 25 ans (%)"
    assert (
        formats.chiffre_cle(16) == "16"
        and formats.chiffre_cle(13.004) == "13,0"
        and formats.chiffre_cle(math.nan) == cq.NON_PUBLIE
    )


def test_compute_n_importe_pas_la_mise_en_forme():
    import ast
    import inspect

    arbre = ast.parse(inspect.getsource(cq))
    modules = {n.module for n in ast.walk(arbre) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in modules if m and ("present" in m or "narration" in m or "figures" in m)}
    assert not hasattr(cq, "formater") and not hasattr(cq, "rang_texte")


def test_accord_singulier_pluriel():
    assert ng.accord(0, "quartier") == "0 quartier"
    assert ng.accord(1, "quartier") == "1 quartier"
    assert ng.accord(2, "quartier") == "2 quartiers"
    assert ng.accord(1234, "habitant") == f"1{FINE}234 habitants"
    assert ng.accord(2, "quartier de veille", "quartiers de veille") == "2 quartiers de veille"


# --------------------------------------------------------------------------------------------- briques


def test_chiffre_publie_a_sa_precision_ou_rien():
    publies = {
        "part_moins_25": (38.0, 0),
        "a": (19.0, 0),
        "abcde_h": (3078.0, 0),
        "decuc_q2": (1077.0, 0),
        "ind_jeune": (1.6, 1),
    }
    assert ng.publie("part_moins_25", publies) == f" (chiffre publié : 38{NB}%)"
    assert ng.publie("a", publies) == f" (chiffre publié : 19{NB}%)"  # effectif : la part publiée
    assert ng.publie("abcde_h", publies) == f" (chiffre publié : 3{FINE}078)"  # effectif par sexe : le total
    assert ng.publie("decuc_q2", publies) == f" (chiffre publié : 1{FINE}077 € par mois)"
    assert ng.publie("ind_jeune", publies, parentheses=False) == "chiffre publié : 1,6"
    assert ng.publie("pmimp", publies) == ""  # non publié : rien


def test_contre_ou_non_publie():
    assert ng.contre("part_menages_1pers", 28.3) == f", contre 28,3{NB}% à l'échelle de l'agglomération"
    assert ng.contre("part_menages_1pers", math.nan) == " (valeur de l'agglomération non publiée)"
    assert ng.contre("part_menages_1pers", None) == " (valeur de l'agglomération non publiée)"


# --------------------------------------------------------------------------------------------- démographie

# part des moins de 25 ans : A = 40, B = 36 -> moyenne (100 × 40 + 300 × 36) / 400 = 37,0
MOINS_25 = {"part_moins_25": [40.0, 36.0]}


@pytest.mark.parametrize(
    "agglo, debut",
    [
        (32.6, "les quartiers prioritaires se démarquent du reste de l'agglomération par leur jeunesse."),
        (41.0, "les quartiers prioritaires comptent proportionnellement moins de jeunes que l'agglomération."),
        (37.04, "la part des jeunes est la même dans les quartiers prioritaires et dans l'agglomération."),
    ],
)
def test_jeunesse_des_qpv_comparee_a_l_agglomeration(agglo, debut):
    f = territoire(MOINS_25, {AGGLO: {"part_moins_25": agglo}})
    texte = ng.demographie(f)[0]
    assert texte.startswith(
        f"Sur le plan démographique, {debut} À l'échelle de l'agglomération, "
        f"{formats.formater('part_moins_25', agglo)} des habitants ont moins de 25 ans ;"
    )
    assert f"au sein des QPV, leur part est en moyenne de **37,0{NB}%**" in texte
    assert "(valeur des QPV du département non publiée)" in texte


@pytest.mark.parametrize(
    "dep, attendu",
    [
        (41.0, f", une proportion qui reste plus faible qu'à l'échelle des QPV du département (41,0{NB}%)."),
        (30.0, f", une proportion plus élevée qu'à l'échelle des QPV du département (30,0{NB}%)."),
        (37.0, f", comme à l'échelle des QPV du département (37,0{NB}%)."),
    ],
)
def test_jeunesse_des_qpv_comparee_aux_qpv_du_departement(dep, attendu):
    f = territoire(MOINS_25, {AGGLO: {"part_moins_25": 32.6}, DEP: {"part_moins_25": dep}})
    assert attendu in ng.demographie(f)[0]


def test_jeunesse_quartiers_extremes_et_part_de_l_agglomeration_non_publiee():
    f = territoire(MOINS_25, {AGGLO: {"pmimp": 45.6}}, publies={"part_moins_25": (37.0, 0)})
    texte = ng.demographie(f)[0]
    assert texte.startswith(
        "Sur le plan démographique, la part des moins de 25 ans de l'agglomération n'est pas "
        f"publiée ; au sein des QPV, elle est en moyenne de **37,0{NB}%** (chiffre publié : 37{NB}%)"
    )
    assert "non publié des habitants" not in texte and "se démarquent" not in texte
    assert (
        f"le quartier **Alpha (VilleA)** est le plus marqué par sa jeunesse, les moins de 25 ans y représentant "
        f"40,0{NB}% de la population ; inversement, la population du quartier **Bêta (VilleB)** ne compte que "
        f"36,0{NB}% de moins de 25 ans."
    ) in texte


def test_jeunesse_un_seul_qpv_pas_de_superlatif():
    f = territoire({"part_moins_25": [40.0]}, {AGGLO: {"part_moins_25": 32.6}}, n=1)
    texte = ng.demographie(f)[0]
    assert f"**40,0{NB}%**" in texte and "le plus marqué" not in texte and "Des différences" not in texte


@pytest.mark.parametrize(
    "agglo, debut",
    [
        (1.0, "Les QPV sont beaucoup moins concernés par le vieillissement à l'œuvre sur le territoire"),  # +40 %
        (1.3, "Les QPV sont moins concernés par le vieillissement à l'œuvre sur le territoire"),  # +7,7 %
        (1.6, "Les QPV sont plus concernés par le vieillissement que l'ensemble du territoire"),  # −12,5 %
        (2.0, "Les QPV sont beaucoup plus concernés par le vieillissement que l'ensemble du territoire"),  # −30 %
        (1.4, "Le vieillissement touche les QPV autant que le reste du territoire"),
    ],
)
def test_indice_de_jeunesse_nettement_plus_moins_egal(agglo, debut):
    # A = 2,0, B = 1,2 -> moyenne (100 × 2 + 300 × 1,2) / 400 = 1,4 ; « nettement » au-delà de 25 % d'écart relatif
    f = territoire({"ind_jeune": [2.0, 1.2]}, {AGGLO: {"ind_jeune": agglo}})
    assert ng.demographie(f)[0] == (
        f"{debut} : leur indice de jeunesse est en moyenne de **1,4**, contre {formats.formater('ind_jeune', agglo)} à "
        f"l'échelle de l'agglomération (indice de jeunesse : moins de 20 ans rapportés aux 60 ans et plus)."
    )


def test_indice_de_jeunesse_agglomeration_non_publiee():
    f = territoire({"ind_jeune": [2.0, 1.2]}, {DEP: {"ind_jeune": 1.5}})
    assert ng.demographie(f)[0] == (
        "L'indice de jeunesse des QPV est en moyenne de **1,4** (valeur de l'agglomération non publiée) (indice de "
        "jeunesse : moins de 20 ans rapportés aux 60 ans et plus)."
    )


def test_jeunes_du_departement():
    assert ng.jeunes_du_departement(6.0) == (
        "Dans le département, **1 jeune de moins de 25 ans sur 6** vit en quartier prioritaire (ratio exact : 6,00)."
    )
    assert ng.jeunes_du_departement(math.nan) == ""
    f = territoire(
        MOINS_25,
        {AGGLO: {"part_moins_25": 32.6}, cq.NIVEAU_DEPARTEMENT: {"pop_moins_25": 1000}, DEP: {"pop_moins_25": 160}},
    )
    assert "1 jeune de moins de 25 ans sur 6** vit en quartier prioritaire (ratio exact : 6,25)" in ng.demographie(f)[1]


def test_indicateur_absent_du_fichier_de_l_annee():
    f = territoire(MOINS_25, {AGGLO: {"part_moins_25": 32.6}})  # pas d'indice de jeunesse dans le fichier
    assert ng.demographie(f)[-1] == (
        "*Absent du fichier de l'INSEE de 2019 : Indice de jeunesse (moins de 20 ans / 60 ans et plus).*"
    )
    assert "Indice de jeunesse (moins de 20 ans / 60 ans et plus)" in ng.avertissements(f)[-1]
    assert ng.menages(f) == ["*Absent du fichier de l'INSEE de 2019 : Part des ménages d'une personne seule.*"]


# --------------------------------------------------------------------------------------------- ménages, éducation


@pytest.mark.parametrize(
    "agglo, debut",
    [
        (
            28.3,
            "Les quartiers prioritaires ont un profil plutôt familial, mais la part des ménages composés d'une personne "
            "seule y reste relativement élevée :",
        ),
        (40.0, "La part des ménages composés d'une personne seule est plus faible dans les quartiers prioritaires :"),
        (
            35.0,
            "La part des ménages composés d'une personne seule est la même dans les quartiers prioritaires et dans "
            "l'agglomération :",
        ),
        (math.nan, "Ménages composés d'une personne seule :"),
    ],
)
def test_menages_d_une_personne(agglo, debut):
    # A = 38, B = 34 -> moyenne (3 800 + 10 200) / 400 = 35,0
    f = territoire({"part_menages_1pers": [38.0, 34.0]}, {AGGLO: {"part_menages_1pers": agglo}})
    contre = ng.contre("part_menages_1pers", agglo)
    assert ng.menages(f) == [
        f"{debut} **35,0{NB}%** en moyenne à l'échelle des QPV{contre}. Le quartier **Alpha (VilleA)** en compte le "
        f"plus : 38,0{NB}% ; à l'inverse, le quartier **Bêta (VilleB)**, avec 34,0{NB}% de ménages d'une personne "
        f"seule, a le profil le plus familial."
    ]


def test_quartiers_ex_aequo_nommes_ensemble():
    f = territoire({"part_menages_1pers": [38.0, 38.04, 30.0]}, {AGGLO: {"part_menages_1pers": 28.3}}, n=3)
    assert "Le quartier **Alpha (VilleA) et Bêta (VilleB)** en compte le plus : 38,0" in ng.menages(f)[0]


def test_nom_de_quartier_echappe():
    f = territoire({"part_menages_1pers": [38.0, 34.0]}, {AGGLO: {"part_menages_1pers": 28.3}})
    f.qpv.loc[0, "nom_qp"] = "<b>Alpha</b>"
    assert "**&lt;b&gt;Alpha&lt;/b&gt; (VilleA)**" in ng.menages(f)[0]


@pytest.mark.parametrize(
    "valeurs, n, exclus",
    [
        (
            [30.0, 40.0, math.nan],
            3,
            "1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne et du classement. ",
        ),
        (
            [30.0, 40.0, math.nan, math.nan],
            4,
            "2 QPV dont la valeur est couverte par le secret statistique sont exclus de la moyenne et du classement. ",
        ),
        ([30.0, 40.0], 2, ""),
    ],
)
def test_retard_scolaire_secrets_au_singulier_et_au_pluriel(valeurs, n, exclus):
    # A = 30, B = 40 (C, D secrets) -> moyenne (3 000 + 12 000) / 400 = 37,5
    f = territoire({"part_retard_3e": valeurs}, {AGGLO: {"part_retard_3e": 18.0}}, n=n)
    assert ng.education(f) == [
        f"Le taux d'élèves en retard d'au moins un an à l'entrée en 3e est en moyenne de **37,5{NB}%** à l'échelle des "
        f"QPV, contre 18,0{NB}% à l'échelle de l'agglomération. Il atteint 40,0{NB}% dans le quartier **Bêta "
        f"(VilleB)**, le plus élevé. {exclus}Le rapport illustre le décrochage des établissements REP par ce taux, qui "
        f"est mesuré à l'échelle des quartiers de résidence des élèves et non des établissements."
    ]


def test_ecoles_en_education_prioritaire_accordees():
    assert ng.ecoles_rep(1, 2, 1) == (
        "Sur le plan éducatif, 1 école maternelle, 2 écoles primaires et 1 collège sont "
        "classés en réseau d'éducation prioritaire (REP)."
    )
    assert ng.ecoles_rep(16, 16, 6).startswith(
        "Sur le plan éducatif, 16 écoles maternelles, 16 écoles primaires et 6 collèges"
    )
    assert ng.ecoles_rep(16, math.nan, 6) == ""
    f = territoire(
        {"part_retard_3e": [30.0, 40.0]},
        {
            AGGLO: {
                "part_retard_3e": math.nan,
                "nb_ecoles_maternelles_rep": 3,
                "nb_ecoles_primaires_rep": 4,
                "nb_colleges_rep": 1,
            }
        },
    )
    textes = ng.education(f)
    assert textes[0].startswith("Sur le plan éducatif, 3 écoles maternelles, 4 écoles primaires et 1 collège")
    assert "(valeur de l'agglomération non publiée). Il atteint" in textes[1] and "contre non publié" not in textes[1]


# --------------------------------------------------------------------------------------------- emploi


@pytest.mark.parametrize(
    "agglo, fin",
    [
        (58.6, f", contre 58,6{NB}% à l'échelle de l'agglomération, soit 1,1 point de moins dans les QPV."),
        (55.0, f", contre 55,0{NB}% à l'échelle de l'agglomération, soit 2,5 points de plus dans les QPV."),
        (57.5, f", contre 57,5{NB}% à l'échelle de l'agglomération."),
        (math.nan, " (valeur de l'agglomération non publiée)."),
    ],
)
def test_taux_d_emploi_ecart_en_points(agglo, fin):
    # A = 50, B = 60 -> moyenne (5 000 + 18 000) / 400 = 57,5
    f = territoire({"tx_tot_empl": [50.0, 60.0]}, {AGGLO: {"tx_tot_empl": agglo}})
    assert ng.emploi(f)[0] == f"Le taux d'emploi des 15-64 ans est en moyenne de **57,5{NB}%** à l'échelle des QPV{fin}"


def _anciennete(refs, provenance=None):
    # poids : demandeuses A = 10, B = 30 ; demandeurs A = 20, B = 20
    return territoire(
        {
            "abcde_f": [10, 30],
            "abcde_h": [20, 20],
            "part_de_plus_2ans_f": [40.0, 20.0],
            "part_de_plus_2ans_h": [30.0, 34.0],
        },
        refs,
        provenance=provenance,
    )


def test_anciennete_d_inscription_par_sexe_et_reste_de_l_agglomeration():
    # femmes : (10 × 40 + 30 × 20) / 40 = 25,0 ; hommes : (20 × 30 + 20 × 34) / 40 = 32,0
    debut = (
        f"La part des demandeurs d'emploi inscrits depuis plus de 2 ans s'élève en moyenne à **25,0{NB}% pour les "
        f"femmes** et **32,0{NB}% pour les hommes** à l'échelle des QPV (moyennes pondérées par le nombre de "
        f"demandeurs d'emploi de chaque sexe)"
    )
    approximatif = [
        {
            "fichier": "insee_references.csv",
            "cle": HORS,
            "variable": "part_de_plus_2ans",
            "provenance": "approximatif",
            "commentaire": "",
        }
    ]
    f = _anciennete({HORS: {"part_de_plus_2ans": 29.0}}, approximatif)
    assert (
        debut + f", contre environ 29,0{NB}% dans le reste de l'agglomération, femmes et hommes confondus (valeur "
        "donnée comme approximative ; la valeur de l'agglomération entière n'est pas publiée : les écarts ci-dessous "
        "sont mesurés à l'agglomération hors QPV)."
    ) in ng.emploi(f)
    f = _anciennete({HORS: {"part_de_plus_2ans": 29.0}})
    assert (
        debut + f", contre 29,0{NB}% dans le reste de l'agglomération, femmes et hommes confondus (la valeur de "
        "l'agglomération entière n'est pas publiée : les écarts ci-dessous sont mesurés à l'agglomération hors "
        "QPV)."
    ) in ng.emploi(f)
    f = _anciennete({AGGLO: {"part_de_plus_2ans_f": 27.0}})
    assert debut + f", contre 27,0{NB}% à l'échelle de l'agglomération." in ng.emploi(f)
    f = _anciennete({AGGLO: {"pmimp": 45.0}})
    assert debut + " (valeur de l'agglomération non publiée)." in ng.emploi(f)


def test_demandeurs_d_emploi_et_contrats_aides():
    # abcde : 400 dans les QPV (100 + 300) sur 2 000 -> 20 % ; hommes 150 + 50 = 200, femmes 50 + 150 = 200
    f = territoire(
        {"abcde": [100, 300], "abcde_f": [50, 150], "abcde_h": [50, 150], "nb_entrees_contrats_aides_2016": [10, 11]},
        {AGGLO: {"abcde": 2000, "nb_entrees_contrats_aides_2016": 100}},
        publies={"abcde": (20.0, 0), "abcde_h": (200.0, 0)},
    )
    textes = ng.emploi(f)
    assert (
        f"**20{NB}% des demandeurs d'emploi** (catégories A à E) de l'agglomération sont des habitants des QPV "
        f"(chiffre publié : 20{NB}%). On y recense 200 hommes (chiffre publié : 200) et 200 femmes."
    ) in textes
    assert f"Parmi les entrées en contrats aidés (2016), 21{NB}% concernaient des habitants des QPV." in textes


# --------------------------------------------------------------------------------------------- revenus, économie, social

# pmimp : A = 20, B = 24 -> 23,0 ; revenu annuel A = 12 000, B = 13 200 -> mensuel (100 × 1 000 + 300 × 1 100) / 400
# = 1 075 € par mois
# revenu médian : 12 000 et 13 200 € par an -> médiane des QPV (12 000 + 13 200) / 2 = 12 600, soit 1 050 € par mois
# (jamais la moyenne pondérée par la population, (100 × 12 000 + 300 × 13 200) / 400 / 12 = 1 075)
REVENUS = {"pmimp": [20.0, 24.0], "decuc_q2": [12000.0, 13200.0]}


def test_revenus_constat_habituel():
    f = territoire(REVENUS, {AGGLO: {"pmimp": 45.6, "decuc_q2": 17712.0}})  # 1 476 € par mois
    texte = ng.revenus(f)[0]
    assert texte.startswith(
        f"Les QPV se démarquent fortement du reste de l'agglomération par une proportion de ménages imposés beaucoup "
        f"plus faible (en moyenne **23,0{NB}%** des ménages fiscaux sont imposés en QPV, contre 45,6{NB}% à l'échelle "
        f"de l'agglomération) et par un revenu médian inférieur : **1{FINE}050{NB}€ par mois** en médiane des QPV, "
        f"contre 1{FINE}476{NB}€ par mois à l'échelle de l'agglomération."
    )
    assert (
        f"médiane des revenus médians des quartiers (de 1{FINE}000{NB}€ par mois à 1{FINE}100{NB}€ par mois)" in texte
    )
    assert "1 075" not in texte.replace(FINE, " ").replace(NB, " ") and "secret" not in texte
    # l'approximation d'un rapport publié (moyenne pondérée de médianes) est rappelée comme la sienne, jamais reprise
    publie = territoire(
        REVENUS, {AGGLO: {"pmimp": 45.6, "decuc_q2": 17712.0}, cq.NIVEAU_MOYENNE_QPV: {"decuc_q2": 12900.0}}
    )
    assert f"Le rapport publie une moyenne pondérée de ces médianes (1{FINE}075{NB}€ par mois)" in ng.revenus(publie)[0]
    assert "rapport" not in ng.revenus(territoire(REVENUS, {AGGLO: {"pmimp": 45.6}}, rapport=False))[0]


@pytest.mark.parametrize(
    "pmimp, decuc, debut, suite",
    [
        (
            25.0,
            17712.0,
            "La proportion de ménages imposés est plus faible dans les QPV",
            "Le revenu médian y est inférieur",
        ),
        (
            15.0,
            12000.0,
            "La proportion de ménages imposés est beaucoup plus élevée dans les QPV",
            "Le revenu médian y est supérieur",
        ),
        (
            22.0,
            12600.0,
            "La proportion de ménages imposés est plus élevée dans les QPV",
            "Le revenu médian y est le même",
        ),
        (
            23.0,
            math.nan,
            "La proportion de ménages imposés est la même dans les QPV et dans l'agglomération",
            "Revenu médian",
        ),
        (
            10.0,
            17712.0,
            "La proportion de ménages imposés est beaucoup plus élevée dans les QPV",
            "Le revenu médian y est inférieur",
        ),
    ],
)
def test_revenus_dans_chaque_sens(pmimp, decuc, debut, suite):
    f = territoire(REVENUS, {AGGLO: {"pmimp": pmimp, "decuc_q2": decuc}})
    texte = ng.revenus(f)[0]
    assert texte.startswith(f"{debut} (en moyenne **23,0{NB}%** des ménages fiscaux sont imposés en QPV")
    assert f"). {suite} : **1{FINE}050{NB}€ par mois** en médiane des QPV" in texte
    assert "se démarquent fortement" not in texte


def test_revenus_qpv_exclus_au_singulier_et_au_pluriel():
    refs = {AGGLO: {"pmimp": 45.6, "decuc_q2": 17712.0}}
    un = territoire({"pmimp": [20.0, 24.0, 30.0], "decuc_q2": [12000.0, 13200.0, math.nan]}, refs, n=3)
    assert ng.revenus(un)[0].endswith(" 1 QPV (revenu couvert par le secret statistique) est laissé de côté.")
    deux = territoire(
        {"pmimp": [20.0, 24.0, 30.0, 30.0], "decuc_q2": [12000.0, 13200.0, math.nan, math.nan]}, refs, n=4
    )
    assert ng.revenus(deux)[0].endswith(" 2 QPV (revenu couvert par le secret statistique) sont laissés de côté.")


def test_economie_et_social():
    # établissements : 5 + 15 = 20 sur 200 -> 10 % ; commerce 4 + 6 = 10 sur 80 -> 12,5 % ; créations 1 + 2 = 3 sur 60
    # -> 5 % ; allocataires 30 + 90 = 120 sur 400 -> 30 % ; RSA 10 + 30 = 40 sur 100 -> 40 % ; CMU 5 + 15 = 20 sur 40
    # -> 50 % ; population 400 sur 4 000 -> 10 %
    f = territoire(
        {
            "nb_etablissements": [5, 15],
            "nb_etablissements_commerce_services": [4, 6],
            "nb_creations_transferts_2013": [1, 2],
            "a": [30, 90],
            "nb_beneficiaires_rsa": [10, 30],
            "nb_beneficiaires_cmu": [5, 15],
        },
        {
            AGGLO: {
                "nb_etablissements": 200,
                "nb_etablissements_commerce_services": 80,
                "nb_creations_transferts_2013": 60,
                "a": 400,
                "nb_beneficiaires_rsa": 100,
                "nb_beneficiaires_cmu": 40,
                "pop_mun": 4000,
            }
        },
    )
    assert ng.economie(f) == [
        f"Les QPV concentrent **10{NB}% des établissements** présents à l'échelle de l'agglomération, et 12,5{NB}% des "
        f"établissements du commerce et des services. Les créations et transferts d'établissements y restent peu "
        f"nombreux : 5{NB}% seulement concernent les QPV (créations et transferts d'établissements (réf. 2013))."
    ]
    assert ng.social(f) == [
        f"Les QPV accueillent une grande partie des habitants les plus fragiles de l'agglomération : **30{NB}% des "
        f"allocataires de la CAF**, **40{NB}% des bénéficiaires du RSA** et **50{NB}% des bénéficiaires de la CMU**, "
        f"alors qu'ils regroupent 10{NB}% de la population."
    ]


# --------------------------------------------------------------------------------------------- sans comparaison


def test_sans_niveau_de_comparaison_constat_des_quartiers():
    f = territoire({"pmimp": [20.0, 24.0, math.nan], "a": [30, 90, 10]}, None, n=3)
    assert f.sans_comparaison
    assert "**Aucun niveau de comparaison.**" in ng.avertissements(f)[0]
    assert ng.revenus(f) == [
        f"**Part des ménages fiscaux imposés** : **23,0{NB}%** en moyenne (approximation pondérée) ; 20,0{NB}% dans le "
        f"quartier Alpha (VilleA), le plus bas, et 24,0{NB}% dans le quartier Bêta (VilleB), le plus haut ; 1 QPV en "
        f"secret statistique, exclu de la moyenne et du classement. Valeur de l'agglomération : non publiée.",
        "*Absent du fichier de l'INSEE de 2019 : Revenu médian mensuel par unité de consommation.*",
    ]
    assert ng.social(f)[0] == (
        "**Allocataires de la CAF** : 130 allocataires dans les QPV (3 QPV renseignés) ; total "
        "de l'agglomération non publié : la part des QPV ne peut pas être calculée."
    )
    # sans rapport publié (un territoire qui n'a que son fichier de l'INSEE) : « non reçue », jamais « non publiée »
    recu = territoire({"pmimp": [20.0, 24.0, math.nan], "a": [30, 90, 10]}, None, n=3, rapport=False)
    assert ng.revenus(recu)[0].endswith("Valeur de l'agglomération : non reçue.")
    assert "non publi" not in " ".join(ng.revenus(recu) + ng.social(recu) + ng.avertissements(recu))
    deux = territoire({"pmimp": [20.0, 24.0, math.nan, math.nan]}, None, n=4)
    assert "; 2 QPV en secret statistique, exclus de la moyenne" in ng.revenus(deux)[0]
    un = territoire({"a": [30]}, None, n=1)
    assert "(1 QPV renseigné)" in ng.social(un)[0]
    tous_secrets = territoire({"pmimp": [math.nan, math.nan]}, None)
    assert ng.revenus(tous_secrets)[0] == (
        "**Part des ménages fiscaux imposés** : aucune valeur publiée (secret statistique pour tous les QPV)."
    )
    assert ng.note_synthese(f).endswith("Aucun niveau de comparaison n'a été reçu ni calculé pour 2019.")


# --------------------------------------------------------------------------------------------- géographie


def test_geographie_un_qpv_s_etend_deux_qpv_s_etendent():
    un = territoire(None, {AGGLO: {"pop_mun": 4000}}, n=2, communes_par_qpv=1)
    un.qpv_communes.loc[len(un.qpv_communes)] = {"code_qp": "A", "commune": "VilleA2", "rang": 2, "perimetre": False}
    un = ng.faits(un.qpv, un.qpv_communes, un.refs, None, None, {}, 2019)
    texte = ng.geographie_prioritaire(un)[0]
    assert texte.endswith(
        " 1 QPV s'étend sur plusieurs communes : il est rattaché à chacune d'elles dans les tableaux ci-dessous."
    )
    assert (
        "**2 quartiers prioritaires (QPV)**, répartis sur **3 communes** du territoire intercommunal, sont "
        "concernés" in texte
    )
    deux = territoire(None, {AGGLO: {"pop_mun": 4000}}, n=2, communes_par_qpv=2)
    assert ng.geographie_prioritaire(deux)[0].endswith(
        " 2 QPV s'étendent sur plusieurs communes : ils sont rattachés à chacune d'elles dans les tableaux ci-dessous."
    )
    assert "s'étend" not in ng.geographie_prioritaire(territoire(None, {AGGLO: {"pop_mun": 4000}}))[0]


def test_geographie_population_et_territoire():
    f = territoire(
        None,
        {AGGLO: {"pop_mun": 4000, "nb_communes_qpv": 3}},
        publies={"pop_mun": (10.0, 0)},
        territoire="Agglo <fictive>",
    )
    texte = ng.geographie_prioritaire(f)[0]
    # 400 habitants sur 4 000 : 10 %
    assert texte == (
        "Les contours de la géographie prioritaire ont été arrêtés par décret en 2014. **2 quartiers prioritaires "
        "(QPV)**, répartis sur **2 communes** du territoire intercommunal (Agglo &lt;fictive&gt;), sont concernés par "
        "le contrat de ville. **Attention : le rapport annonce 3 communes.** Ils comptent 400 habitants sur "
        f"4{FINE}000 : c'est **10{NB}% de la population du territoire** (10,00{NB}% ; chiffre publié : 10{NB}%) qui "
        "est concernée directement par la politique de la ville."
    )
    seul = territoire(None, None, n=1)
    texte = ng.geographie_prioritaire(seul)[0]
    assert (
        "**1 quartier prioritaire (QPV)**, réparti sur **1 commune** du territoire intercommunal, est concerné" in texte
    )
    assert (
        "Il compte 100 habitants. La population de l'ensemble du territoire n'est pas publiée pour 2019 (niveau de "
        "comparaison non publié)"
    ) in texte
    sans_publie = territoire(None, {AGGLO: {"pop_mun": 4000}})
    assert f"(10,00{NB}%) qui est concernée" in ng.geographie_prioritaire(sans_publie)[0]


def test_geographie_quartiers_communautaires_et_de_veille():
    # trois quartiers : Q0 de veille (2015), Q1 communautaire (2015), Q2 communautaire (2018)
    f = territoire(None, {AGGLO: {"pop_mun": 4000}}, autres=3)
    assert ng.geographie_prioritaire(f)[1] == (
        "En 2015, l'agglomération a également associé à cette géographie **2 quartiers prioritaires communautaires** "
        "(dont 1 quartier de veille), qu'elle accompagne par ses dispositifs de droit commun et ses crédits dédiés à "
        "la politique de la ville. En 2018, cette géographie de l'agglomération s'est élargie au quartier "
        "Communautaire 2 (VilleQ). Cette géographie de l'agglomération compte ainsi 3 quartiers communautaires ou de "
        "veille, sur 1 commune. "
        "L'INSEE ne publie pas de données pour ces quartiers, qui n'appartiennent pas à la géographie prioritaire "
        "réglementaire."
    )
    un = territoire(None, None, autres=1)
    assert "**1 quartier prioritaire communautaire** (dont 1 quartier de veille)" in ng.geographie_prioritaire(un)[1]
    assert len(ng.geographie_prioritaire(territoire(None, None))) == 1


def test_fiches_produites_et_notes():
    assert ng.fiches_produites(21, 21) == ""
    assert ng.fiches_produites(3, 21).startswith("Fiches produites pour 3 quartier(s) sur 21")
    f = territoire(MOINS_25, {AGGLO: {"part_moins_25": 32.6}})
    assert not f.reconstruit and ng.note_reconstruit(f) == "" and ng.note_figure_indicateur(f, "part_moins_25") == ""
    assert ng.source(f) == "INSEE (données par quartier), 2019"
    reconstruit = territoire(
        MOINS_25,
        {AGGLO: {"part_moins_25": 32.6}},
        provenance=[
            {
                "fichier": "insee_qpv.csv",
                "cle": "A",
                "variable": "part_moins_25",
                "provenance": "reconstruit",
                "commentaire": "",
            }
        ],
    )
    assert reconstruit.reconstruit and "reconstruites" in ng.note_reconstruit(reconstruit)
    assert ng.source(reconstruit).endswith("valeurs par quartier reconstruites")
    assert ng.note_indicateur(reconstruit).startswith("Rang 1 = situation la plus défavorable (valeur la plus élevée")


def test_valeurs_manquantes_et_concordance():
    f = territoire(
        {"pmimp": [20.0, math.nan]},
        {AGGLO: {"pmimp": 45.0}},
        autres=1,
        manquantes=[
            {"code_qp": "B", "variable": "pmimp", "motif": cq.MOTIF_SECRET},
            {"code_qp": "Q0", "variable": "pmimp", "motif": cq.MOTIF_NON_DISPONIBLE},
        ],
    )
    secrets, resume = cq.valeurs_secretes(f.qpv, f.manquantes), cq.resume_manquantes(f.qpv, f.manquantes)
    assert ng.valeurs_manquantes(f, secrets, resume) == (
        "**1 valeur(s) de QPV** sont couvertes par le secret statistique (petits effectifs), dans 1 quartier(s) : "
        "elles sont affichées « secret », ne comptent ni dans les moyennes ni dans les classements, et ne sont jamais "
        "remplacées par 0. Par ailleurs, l'INSEE ne publie aucune donnée pour les quartiers communautaires et de veille "
        "(1 cases « n.d. », non disponibles)."
    )
    conc = pd.DataFrame(
        {
            "libelle": ["a", "b"],
            "explication": ["", "x < y"],
            "statut": ["identique", "écart"],
            "ecart_documente": [False, True],
        }
    )
    assert ng.concordance(conc) == "**Contradictions du rapport sur les chiffres de ce chapitre :**\n\n- b : x &lt; y"
    assert ng.concordance(conc.assign(ecart_documente=False)) == (
        "Aucune contradiction du rapport n'est documentée pour les chiffres de ce chapitre (1 chiffres sur 2 "
        "concordent)."
    )


# --------------------------------------------------------------------------------------------- niveaux calculés, thèmes


def _avec_niveaux(valeurs: dict, refs: dict | None, calcules: list[dict] | None, inconnues: dict | None = None):
    """Deux QPV (A : 100 habitants, B : 300) ; ``refs`` reçus (niveau -> {variable: valeur}) ; ``calcules`` : lignes
    de niveaux calculés (``compute.niveaux``), combinées aux reçus comme le fait le nettoyage (insee_niveaux)."""
    from politique_ville.compute import niveaux as cn

    qpv = pd.DataFrame(
        {
            "code_qp": ["A", "B"],
            "nom_qp": ["Alpha", "Bêta"],
            "nom_commune": ["VilleA", "VilleB"],
            "type_quartier": ["QPV", "QPV"],
            "pop_mun": [100.0, 300.0],
        }
    )
    for code, v in valeurs.items():
        qpv[code] = pd.array(v, dtype="Float64").astype("float64")
    for code, v in (inconnues or {}).items():
        qpv[code] = v
    communes = pd.DataFrame(
        {"code_qp": ["A", "B"], "commune": ["VilleA", "VilleB"], "rang": [1, 1], "perimetre": [False, False]}
    )
    references = pd.DataFrame([{"niveau": n, **c} for n, c in refs.items()]) if refs else None
    niveaux = None
    if calcules is not None:
        niveaux = cn.combiner(
            pd.DataFrame(
                [
                    {
                        "regle": "",
                        "base": None,
                        "nb_qpv": 4,
                        "nb_qpv_renseignes": 4,
                        "nb_secrets": 0,
                        "minimum": math.nan,
                        "maximum": math.nan,
                    }
                    | c
                    for c in calcules
                ],
                columns=cn.COLONNES,
            ),
            references,
        )
    return ng.faits(qpv, communes, references, None, None, {}, 2033, "Territoire", niveaux=niveaux)


CALCULES = [
    {
        "niveau": DEP,
        "libelle_territoire": "QPV du département Hautes-Alpes (05)",
        "variable": "part_moins_25",
        "valeur": 30.0,
        "origine": "calculé",
    },
    {
        "niveau": DEP,
        "libelle_territoire": "QPV du département Hautes-Alpes (05)",
        "variable": "tx_tot_empl",
        "valeur": 55.0,
        "origine": "approximation pondérée",
    },
    {
        "niveau": DEP,
        "libelle_territoire": "QPV du département Hautes-Alpes (05)",
        "variable": "decuc_q2",
        "valeur": 12000.0,
        "origine": "médiane des QPV",
        "minimum": 10000.0,
        "maximum": 16000.0,
    },
    {
        "niveau": cq.NIVEAU_QPV_REGION,
        "libelle_territoire": "QPV de la région Provence-Alpes-Côte d'Azur (93)",
        "variable": "tx_tot_empl",
        "valeur": 52.0,
        "origine": "calculé",
    },
]
VALEURS = {
    "part_moins_25": [40.0, 20.0],
    "tx_tot_empl": [50.0, 60.0],
    "decuc_q2": [12000.0, 14000.0],
    "tp60": [40.0, 30.0],
    "ind_jeune": [1.2, 1.5],
    "abcde": [10.0, 30.0],
}


def test_niveaux_calcules_completent_les_recus_qui_l_emportent():
    f = _avec_niveaux(VALEURS, {AGGLO: {"tx_tot_empl": 60.0}, DEP: {"part_moins_25": 41.0}}, CALCULES)
    refs = f.refs.set_index("niveau")
    assert refs.at[DEP, "part_moins_25"] == 41.0  # reçu : l'emporte sur le calculé (30)
    assert refs.at[DEP, "tx_tot_empl"] == 55.0 and refs.at[cq.NIVEAU_QPV_REGION, "tx_tot_empl"] == 52.0
    assert not f.sans_comparaison and cq.NIVEAU_QPV_FRANCE not in set(refs.index)
    synth = cq.synthese(f.qpv, f.refs).set_index("code")
    assert cq.NIVEAU_QPV_REGION in synth.columns and cq.NIVEAU_QPV_FRANCE not in synth.columns  # jamais « de France »
    texte = ng.origine_des_niveaux(f)
    assert (
        "les niveaux « QPV du département Hautes-Alpes (05) » et « QPV de la région Provence-Alpes-Côte "
        "d'Azur (93) » sont calculés"
    ) in texte
    assert "« Agglomération » et « QPV du département » : valeurs reçues" in texte and "France" not in texte
    assert "médianes et déciles jamais moyennés" in texte and "Origine du niveau" in texte
    # sans niveau calculé : rien, et le tableau du rapport est inchangé
    sans = _avec_niveaux(VALEURS, {AGGLO: {"tx_tot_empl": 60.0}}, None)
    assert (
        ng.origine_des_niveaux(sans) == "" and "Origine du niveau" not in pq.vue_synthese_des_faits(sans)["df"].columns
    )
    assert (
        pq.vue_synthese_des_faits(sans)["df"].columns.tolist()
        == pq.vue_synthese(cq.synthese(sans.qpv, sans.refs))["df"].columns.tolist()
    )


def test_tableau_de_synthese_avec_origine_et_mediane_donnee_telle_quelle():
    f = _avec_niveaux(VALEURS, {AGGLO: {"tx_tot_empl": 60.0}}, CALCULES)
    vue = pq.vue_synthese_des_faits(f)
    df = vue["df"].set_index("Indicateur")
    assert "QPV de la région" in df.columns and "QPV de France" not in df.columns
    # médiane des QPV : 12 000 / 12 = 1 000 par mois, étendue 833 à 1 333 (jamais une moyenne de médianes)
    assert df.at["Revenu médian mensuel", "QPV du département"] == f"1{FINE}000{NB}€ par mois (833–1{FINE}333)"
    assert df.at["Taux d'emploi", "Origine du niveau"] == (
        "reçu : Agglomération ; approximation pondérée : QPV du département ; calculé : QPV de la région"
    )
    assert df.at["Taux d'emploi", "QPV de la région"] == f"52,0{NB}%"
    # un fichier national : « QPV de France » apparaît
    national = _avec_niveaux(
        VALEURS,
        None,
        CALCULES
        + [
            {
                "niveau": cq.NIVEAU_QPV_FRANCE,
                "variable": "tx_tot_empl",
                "libelle_territoire": "QPV de France",
                "valeur": 51.0,
                "origine": "calculé",
            }
        ],
    )
    assert "QPV de France" in pq.vue_synthese_des_faits(national)["df"].columns
    assert "Aucun niveau de comparaison n'a été reçu" in ng.origine_des_niveaux(national)


def test_rangs_orientes_selon_le_registre():
    x = pd.Series([50.0, 60.0, math.nan])
    # taux d'emploi : une valeur élevée est favorable -> rang 1 = la plus faible
    assert cq.rangs_orientes(x, "tx_tot_empl").tolist() == [1, 2, pd.NA]
    # taux de pauvreté : défavorable si élevé -> rang 1 = la plus élevée ; ex aequo à la précision affichée
    assert cq.rangs_orientes(pd.Series([40.0, 30.0, 40.04]), "tp60").tolist() == [1, 3, 1]
    # indice de jeunesse : ni l'un ni l'autre -> rang 1 = la plus élevée, sans jugement
    assert cq.rangs_orientes(pd.Series([1.2, 1.5]), "ind_jeune").tolist() == [2, 1]
    assert formats.entete_rang("tx_tot_empl") == "Taux d'emploi (1 = le plus faible)"
    assert formats.entete_rang("tp60") == "Taux de pauvreté (1 = le plus élevé)"
    assert ng.sens_des_rangs(["tp60", "tx_tot_empl", "ind_jeune"]) == (
        "Rang 1 = situation la plus défavorable : valeur la plus élevée pour Taux de pauvreté ; valeur la plus faible "
        "pour Taux d'emploi. Ni favorable ni défavorable, sans jugement : rang 1 = valeur la plus élevée pour Indice "
        "de jeunesse. Ex aequo à la précision affichée ; une valeur couverte par le secret statistique n'est pas "
        "classée."
    )
    assert ng.sens_des_rangs(["ind_jeune"]).startswith("Ni favorable ni défavorable")


def test_tous_les_indicateurs_groupes_par_theme_et_colonnes_inconnues():
    f = _avec_niveaux(VALEURS, {AGGLO: {"tx_tot_empl": 60.0}}, CALCULES, inconnues={"ma_colonne": ["3", "4"]})
    groupes = cq.indicateurs_par_theme(f.qpv)
    assert groupes == {
        "Démographie": ["part_moins_25", "ind_jeune", "pop_mun"],
        "Revenus et pauvreté": ["decuc_q2", "tp60"],
        "Emploi": ["tx_tot_empl"],
        "Demandeurs d'emploi": ["abcde"],
    }
    themes = {t.nom: t for t in cq.themes(f.qpv, f.refs, f.niveaux)}
    assert list(themes) == list(groupes)
    emploi = themes["Emploi"]
    assert emploi.rangs["tx_tot_empl"].tolist() == [1, 2]  # 50 < 60 : Alpha est le plus défavorable
    assert themes["Revenus et pauvreté"].rangs["tp60"].tolist() == [1, 2]
    # QPV du territoire (part sans numérateur : moyenne pondérée par la population) : (50×100 + 60×300) / 400 = 57,5
    ecarts = emploi.ecarts.set_index("code_qp")
    assert ecarts.at["A", cq.NIVEAU_QPV_TERRITOIRE] == pytest.approx(-7.5)
    assert ecarts.at["A", AGGLO] == pytest.approx(-10.0) and ecarts.at["B", DEP] == pytest.approx(5.0)
    vue = pq.vue_ecarts_theme("Emploi", emploi.ecarts, emploi.niveaux)
    assert vue["formats"]["Taux d'emploi − QPV du territoire"](-7.5) == f"−7,5{NB}pts"
    assert "Taux d'emploi − QPV de France" not in vue["df"].columns
    # médiane du territoire : médiane de 12 000 et 14 000 = 13 000 (1 083 par mois), pas la moyenne pondérée 1 125
    rev = themes["Revenus et pauvreté"].niveaux
    ligne = rev[(rev["code"] == "decuc_q2") & (rev["niveau"] == cq.NIVEAU_QPV_TERRITOIRE)].iloc[0]
    assert ligne["valeur"] == pytest.approx(13000 / 12) and ligne["origine"] == "médiane des QPV"
    niveaux = pq.vue_niveaux_theme("Revenus et pauvreté", rev)["df"]
    assert f"1{FINE}083 (1{FINE}000–1{FINE}167)" in set(niveaux["Valeur"])
    # effectifs : pas d'écart (une part des QPV), mais un rang
    assert (
        themes["Demandeurs d'emploi"].ecarts.empty
        and pq.vue_ecarts_theme("x", themes["Demandeurs d'emploi"].ecarts, themes["Demandeurs d'emploi"].niveaux)
        is None
    )
    textes = ng.tous_les_indicateurs(f)
    assert (
        "compte **7 indicateurs connus du registre des indicateurs**, en 4 thèmes : démographie (3), revenus et "
        "pauvreté (2), emploi (1), demandeurs d'emploi (1)"
    ) in textes[0]
    assert any("**1 colonne non reconnue** : « ma_colonne »" in t for t in textes)
    assert cq.colonnes_inconnues(f.qpv) == ["ma_colonne"]
    vue = pq.vue_colonnes_inconnues(f.qpv, ["ma_colonne"])
    assert vue["df"]["ma_colonne"].tolist() == ["3", "4"] and vue["df"]["Quartier"].tolist() == ["Alpha", "Bêta"]
    vues = pq.vues_theme(f, themes["Emploi"])
    assert [v["titre"] for v in vues] == [
        "Emploi : niveaux de comparaison",
        "Emploi : valeurs par QPV",
        "Emploi : rang des QPV (rang 1 = situation la plus défavorable)",
        "Emploi : écarts des QPV aux niveaux de comparaison",
    ]
    assert vues[2]["note"].startswith(
        "Rang 1 = situation la plus défavorable : valeur la plus faible pour Taux d'emploi."
    )


def test_colonnes_non_reconnues_singulier_pluriel_aucune():
    assert ng.colonnes_non_reconnues([]).startswith("Toutes les colonnes d'indicateurs du fichier sont connues")
    un = ng.colonnes_non_reconnues(["x"])
    assert un.startswith("**1 colonne non reconnue** : « x ».") and "elle est gardée telle quelle" in un
    deux = ng.colonnes_non_reconnues(["x", "y <b>"])
    assert deux.startswith("**2 colonnes non reconnues** : « x » et « y &lt;b&gt; ».")
    assert "elles sont gardées telles quelles" in deux


def test_population_officielle_a_cote_de_la_population_retenue():
    """La population retenue (reconstruite en 2019 : seule la part de 13 % est publiée) et celle du Code officiel
    géographique sont montrées côte à côte ; aucune n'est corrigée ; rien sans territoire désigné par son code."""
    from types import SimpleNamespace

    reconstruite = SimpleNamespace(p_ref=lambda niveau, variable: "reconstruit")
    officiel = {
        "population_publiee": 279236,
        "population_cog": 275028,
        "millesime_cog": "2023",
        "nb_communes": 100,
        "ecart": 275028 - 279236,
        "ecart_relatif": (275028 - 279236) / 279236,
    }
    texte = ng.population_officielle(reconstruite, officiel)
    assert texte.startswith(
        "**Population du territoire.** Le chapitre retient 279\u202f236\\* habitants (reconstruite, non publiée par "
        "le rapport)"
    )
    assert (
        "**275\u202f028 habitants** dans les 100 communes actuelles du territoire (populations municipales 2023)"
        in texte
    )
    assert (
        "soit 4\u202f208\\* habitants de moins (1,5\u00a0%\\*)" in texte
        and "aucun des deux chiffres n'est corrigé" in texte
    )
    publiee = SimpleNamespace(p_ref=lambda niveau, variable: "publié")
    plus = ng.population_officielle(
        publiee, {**officiel, "population_cog": 280000, "ecart": 764, "ecart_relatif": 764 / 279236, "nb_communes": 1}
    )
    assert "279\u202f236 habitants (publiée par le rapport)" in plus and "764 habitants de plus (0,3\u00a0%)" in plus
    assert "dans la seule commune du territoire (populations municipales 2023)" in plus
    egal = ng.population_officielle(publiee, {**officiel, "population_cog": 279236, "ecart": 0, "ecart_relatif": 0.0})
    assert egal.endswith("les deux chiffres sont égaux.")
    assert ng.population_officielle(publiee, None) == ""


def test_population_officielle_sans_population_dans_le_fichier_donne_un_ordre_de_grandeur():
    """Territoire désigné par son code dont le fichier de l'INSEE ne donne pas la population : celle du Code officiel
    géographique (10 000 habitants en QPV sur 143 467 : 7,0 %), dite d'un autre millésime."""
    from types import SimpleNamespace

    f = SimpleNamespace(geo=pd.Series({"pop_qpv": 10000.0}), p_qpv_tous=lambda variable: "publié")
    officiel = {
        "population_publiee": None,
        "population_cog": 143467,
        "millesime_cog": "2023",
        "nb_communes": 162,
        "ecart": None,
        "ecart_relatif": None,
    }
    texte = ng.population_officielle(f, officiel)
    assert texte.startswith("**Population du territoire.** Le fichier de l'INSEE ne la donne pas ; le Code officiel")
    assert "**143\u202f467 habitants** dans les 162 communes actuelles du territoire" in texte
    assert texte.endswith(
        "les QPV en regroupent 10\u202f000, soit environ 7,0\u00a0% (ordre de grandeur : les deux "
        "populations ne sont pas du même millésime)."
    )


def test_le_territoire_est_nomme_selon_son_niveau():
    t = territoire(None, {AGGLO: {"pop_mun": 4000}}, n=2, communes_par_qpv=1)
    for niveau, attendu in (
        ("epci", "du territoire intercommunal"),
        ("departement", "du département"),
        ("region", "de la région"),
        ("france", "de France"),
    ):
        f = ng.faits(t.qpv, t.qpv_communes, t.refs, None, None, {}, 2031, niveau_territoire=niveau)
        assert f"**2 communes** {attendu}, sont concernés" in ng.geographie_prioritaire(f)[0]


def test_la_synthese_et_les_rubriques_absentes_ne_refont_pas_le_travail_du_chapitre(monkeypatch):
    """Le tableau de synthèse reprend la synthèse des faits (calculée une fois) ; la ligne des rubriques absentes ne
    fait que compter les rubriques montrées, sans en écrire les paragraphes (le chapitre les écrit une fois)."""
    from politique_ville.narration.geographie import situation

    f = _avec_niveaux(VALEURS, {AGGLO: {"tx_tot_empl": 60.0}}, CALCULES)
    attendu = pq.vue_synthese(
        cq.synthese(f.qpv, f.refs, f.manquantes),
        cq.niveaux_indicateurs(f.qpv, f.refs, f.niveaux, f.provenance, list(f.synth.index)),
        f.d,
        f.manquant,
    )
    absentes = ng.rubriques_absentes(f)

    def refait(*args, **kwargs):
        raise AssertionError("travail refait")

    monkeypatch.setattr(cq, "synthese", refait)
    for nom in ("demographie", "menages", "education", "emploi", "economie", "revenus", "social"):
        monkeypatch.setattr(situation, nom, refait)
    vue = pq.vue_synthese_des_faits(f)
    pd.testing.assert_frame_equal(vue["df"], attendu["df"])
    assert ng.rubriques_absentes(f) == absentes
    with pytest.raises(AssertionError, match="travail refait"):
        ng.rubriques(f)  # les paragraphes, eux, sont écrits par les fonctions des rubriques
