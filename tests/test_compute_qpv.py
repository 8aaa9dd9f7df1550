"""Chapitre 1 et fiches quartier (``compute.qpv``) : moyennes des QPV, parts de l'agglomération et quartiers extrêmes
comparés aux chiffres publiés ; rangs, secret statistique, niveaux de comparaison manquants, actions d'un quartier."""

import math
import re

import pandas as pd
import pytest

from politique_ville.base.catalog import lire_table
from politique_ville.base.valeurs import arrondi_publie, decimales_du_texte
from politique_ville.compute import qpv as cq
from politique_ville.published.chiffres import normaliser
from politique_ville.reference import parametres

# --------------------------------------------------------------------------------------------- données


@pytest.fixture(scope="module")
def traitees(traitees_memoire):
    """Tables nettoyées construites en mémoire à partir des fichiers bruts (dépôt neuf : pas de data/processed)."""
    return traitees_memoire


@pytest.fixture(scope="module")
def chiffres(catalogue):
    """Chiffres publiés : id -> ligne (valeur en texte, tolérance, calcul)."""
    return lire_table(catalogue.reference_dir / "chiffres_publies_2019.csv").set_index("id")


@pytest.fixture(scope="module")
def insee(traitees):
    return (
        traitees["insee_qpv"],
        traitees["insee_qpv_communes"],
        traitees["insee_references"],
        traitees["insee_valeurs_manquantes"],
        traitees["insee_provenance"],
    )


def concorde(recalcule: float, ligne) -> bool:
    """Égalité à la précision publiée, ou dans la tolérance déclarée pour un chiffre approximatif."""
    publie = float(ligne["valeur"])
    tol = str(ligne["tolerance"]).strip()
    if tol:
        return abs(recalcule - publie) <= float(tol) + 1e-9
    d = decimales_du_texte(ligne["valeur"])
    return arrondi_publie(recalcule, d) == pytest.approx(publie)


def code_du_calcul(ligne) -> str:
    """Quartier visé par un chiffre publié « valeur(..., code_qp="LOC-QP01") » (colonne calcul)."""
    m = re.search(r'code_qp="([^"]+)"', ligne["calcul"])
    assert m, ligne["calcul"]
    return m.group(1)


# --------------------------------------------------------------------------------------------- golden : moyennes

MOYENNES = [
    ("part_moins_25", "ch1_part_moins_25_qpv"),
    ("ind_jeune", "ch1_indice_jeunesse_qpv"),
    ("part_menages_1pers", "ch1_menages_1pers_qpv"),
    ("part_retard_3e", "ch1_retard_3e_qpv"),
    ("tx_tot_empl", "ch1_taux_emploi_qpv"),
    ("pmimp", "ch1_menages_imposes_qpv"),
    ("decuc_q2", "ch1_revenu_median_qpv"),
    ("part_de_plus_2ans_f", "ch1_part_de_plus_2ans_femmes_qpv"),
    ("part_de_plus_2ans_h", "ch1_part_de_plus_2ans_hommes_qpv"),
]


@pytest.mark.parametrize("code, id_", MOYENNES)
def test_moyennes_des_qpv_redonnent_les_chiffres_publies(insee, chiffres, code, id_):
    """Le rapport 2019 publie des moyennes des QPV pondérées (par la population, ou les demandeurs d'emploi de chaque
    sexe) : recalculées ici à la main, elles redonnent les chiffres publiés. Le niveau « QPV du territoire » du
    produit suit la règle du registre : la même moyenne pour ces taux, mais la médiane des QPV pour le revenu
    médian, que le rapport moyenne (son approximation, montrée à côté, jamais reprise)."""
    qpv, _, refs, manquantes, _ = insee
    ligne = chiffres.loc[id_]
    q = qpv[qpv["type_quartier"] == "QPV"]
    poids = {"part_de_plus_2ans_f": "abcde_f", "part_de_plus_2ans_h": "abcde_h"}.get(code, "pop_mun")
    x, w = pd.to_numeric(q[code], errors="coerce") / cq.indicateur(code).diviseur, pd.to_numeric(q[poids])
    ok = x.notna() & w.notna()
    moyenne = float((x[ok] * w[ok]).sum() / w[ok].sum())
    assert concorde(moyenne, ligne), f"{code} : {moyenne} recalculé, {ligne['valeur']} publié"
    assert abs(moyenne - float(ligne["valeur"])) <= (0.5 if code == "decuc_q2" else 0.05 + 1e-9)
    # la métadonnée de l'indicateur désigne bien ce chiffre publié
    assert normaliser(chiffres.loc[id_, "calcul"]) in [normaliser(e) for e in cq.indicateur(code).calculs_publies]
    # la table de synthèse montre le niveau « QPV du territoire » et la moyenne publiée (niveau « Moyenne des QPV »)
    s = cq.synthese(qpv, refs, manquantes).set_index("code").loc[code]
    assert s[cq.NIVEAU_MOYENNE_QPV] == pytest.approx(float(ligne["valeur"]))
    if code == "decuc_q2":  # une médiane n'est jamais moyennée : médiane des valeurs des QPV, avec leur étendue
        assert s["regle"] == "médiane des QPV"
        assert s["qpv_territoire"] == pytest.approx(float(x[ok].median()))
        assert (s["minimum_qpv"], s["maximum_qpv"]) == (pytest.approx(x.min()), pytest.approx(x.max()))
        assert abs(s["qpv_territoire"] - moyenne) > 10
    else:
        assert s["qpv_territoire"] == pytest.approx(moyenne)


def test_revenu_montre_par_mois(insee, chiffres):
    qpv, _, refs, _, _ = insee
    annuel = pd.to_numeric(qpv["decuc_q2"], errors="coerce")
    assert cq.valeurs(qpv, "decuc_q2").equals(annuel / 12)
    agglo = cq.valeur_reference(refs, cq.NIVEAU_AGGLO, "decuc_q2", cq.indicateur("decuc_q2").diviseur)
    assert concorde(agglo, chiffres.loc["ch1_revenu_median_agglomeration"])
    assert cq.indicateur("decuc_q2").unite == "€ par mois"


@pytest.mark.parametrize(
    "code, id_",
    [
        ("part_moins_25", "ch1_part_moins_25_agglomeration"),
        ("ind_jeune", "ch1_indice_jeunesse_agglomeration"),
        ("part_menages_1pers", "ch1_menages_1pers_agglomeration"),
        ("part_retard_3e", "ch1_retard_3e_agglomeration"),
        ("tx_tot_empl", "ch1_taux_emploi_agglomeration"),
        ("pmimp", "ch1_menages_imposes_agglomeration"),
    ],
)
def test_niveau_agglomeration(insee, chiffres, code, id_):
    qpv, _, refs, manquantes, _ = insee
    s = cq.synthese(qpv, refs, manquantes).set_index("code").loc[code]
    assert concorde(s[cq.NIVEAU_AGGLO], chiffres.loc[id_])


def test_ecart_taux_emploi(insee, chiffres):
    qpv, _, refs, manquantes, _ = insee
    s = cq.synthese(qpv, refs, manquantes).set_index("code").loc["tx_tot_empl"]
    assert concorde(-s["ecart_agglomeration"], chiffres.loc["ch1_taux_emploi_ecart_qpv_agglomeration"])


def test_qpv_du_departement_et_jeunes(insee, chiffres):
    qpv, _, refs, manquantes, _ = insee
    s = cq.synthese(qpv, refs, manquantes).set_index("code")
    assert concorde(
        s.loc["part_moins_25", cq.NIVEAU_QPV_DEPARTEMENT], chiffres.loc["ch1_part_moins_25_qpv_departement"]
    )
    assert math.isnan(s.loc["ind_jeune", cq.NIVEAU_QPV_DEPARTEMENT])  # non publié : reste manquant
    assert concorde(cq.jeunes_en_qpv_departement(refs), chiffres.loc["ch1_jeunes_en_qpv_departement"])


# --------------------------------------------------------------------------------------------- golden : géographie


@pytest.mark.parametrize(
    "cle, id_",
    [
        ("nb_qpv", "ch1_nombre_qpv"),
        ("nb_communes_qpv", "ch1_nombre_communes_qpv"),
        ("nb_communes_qpv_publie", "ch1_nombre_communes_qpv"),
        ("part_population_qpv", "ch1_part_population_qpv"),
        ("nb_premiers_communautaires", "ch1_nombre_quartiers_communautaires_2015"),
        ("nb_quartiers_agglomeration", "ch1_rang_cinquieme_quartier_communautaire"),
    ],
)
def test_geographie(insee, chiffres, cle, id_):
    qpv, communes, refs, _, _ = insee
    g = cq.geographie(qpv, communes, refs).set_index("cle")["valeur"]
    assert concorde(float(g[cle]), chiffres.loc[id_]), f"{cle} = {g[cle]}"


def test_quartiers_multicommunes_et_sans_nom(insee):
    qpv, communes, _, _, _ = insee
    q = cq.quartiers(qpv, communes).set_index("code_qp")
    # un quartier sur plusieurs communes les garde toutes, dans l'ordre de la table
    for code, brut in zip(qpv["code_qp"], qpv["nom_commune"]):
        assert q.loc[code, "communes"] == brut
    assert (q["nb_communes"] > 1).sum() == cq.geographie(qpv, communes, None).set_index("cle").loc[
        "nb_qpv_multicommunes", "valeur"
    ] + (q[~q["est_qpv"]]["nb_communes"] > 1).sum()
    sans_nom = qpv[qpv["nom_qp"].fillna("").str.strip() == ""]["code_qp"]
    assert len(sans_nom) > 0
    for code in sans_nom:
        assert q.loc[code, "quartier"] == f"Quartier sans nom publié ({code})"
    assert cq.nom_quartier("X", "  Nom  ") == "Nom"
    # les QPV d'abord, puis les quartiers communautaires et de veille
    assert list(q["est_qpv"]) == sorted(q["est_qpv"], reverse=True)


def test_liens_vers_les_fiches(insee):
    qpv, communes, _, _, _ = insee
    liens = cq.liens_fiches(qpv, communes)
    assert len(liens) == len(qpv) == 21
    assert list(liens["lien"]) == [f"quartiers/{c}.html" for c in liens["code_qp"]]


def test_liens_seulement_vers_les_fiches_produites(insee):
    """Échantillon de fiches (« fiches_quartier: 3 ») : les 3 premiers quartiers de la table ont un lien, les autres
    aucun (pas de lien vers une page qui n'est pas produite)."""
    qpv, communes, _, _, _ = insee
    premiers = list(qpv["code_qp"][:3])
    liens = cq.liens_fiches(qpv, communes, 3).set_index("code_qp")
    assert len(liens) == 21
    assert set(liens.index[liens["lien"].notna()]) == set(premiers)
    assert all(liens.loc[c, "lien"] == f"quartiers/{c}.html" for c in premiers)
    liste = cq.liens_fiches(qpv, communes, ["LOC-QC02", "LOC-QP05"]).set_index("code_qp")
    assert set(liste.index[liste["lien"].notna()]) == {"LOC-QC02", "LOC-QP05"}
    assert cq.liens_fiches(qpv, communes, 0)["lien"].isna().all()


@pytest.mark.parametrize(
    "choix, attendu",
    [
        ("toutes", ["b", "a", "c"]),
        (None, ["b", "a", "c"]),
        ("Tous", ["b", "a", "c"]),
        (2, ["b", "a"]),
        (0, []),
        (10, ["b", "a", "c"]),
        (["c", "b"], ["b", "c"]),  # l'ordre est celui de la table, pas celui de la liste
    ],
)
def test_selection_des_fiches(choix, attendu):
    assert parametres.selection_fiches(["b", "a", "c"], choix) == attendu


@pytest.mark.parametrize(
    "choix, message",
    [
        (["a", "QP999999"], "quartier(s) inconnu(s) dans la table des quartiers : QP999999"),
        ("quelques-unes", "« quelques-unes » n'est ni « toutes », ni un nombre, ni une liste de codes"),
        (True, "n'est ni « toutes »"),
        (-1, "nombre de fiches négatif"),
    ],
)
def test_selection_des_fiches_refusee_en_francais(choix, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parametres.selection_fiches(["a", "b"], choix)


@pytest.mark.parametrize(
    "code, id_",
    [
        ("abcde", "ch1_part_demandeurs_emploi_qpv"),
        ("a", "ch1_part_allocataires_caf_qpv"),
        ("nb_beneficiaires_rsa", "ch1_part_beneficiaires_rsa_qpv"),
        ("nb_beneficiaires_cmu", "ch1_part_beneficiaires_cmu_qpv"),
        ("nb_etablissements", "ch1_part_etablissements_qpv"),
        ("nb_etablissements_commerce_services", "ch1_part_etablissements_commerce_services_qpv"),
        ("nb_creations_transferts_2013", "ch1_part_creations_transferts_qpv"),
        ("nb_entrees_contrats_aides_2016", "ch1_part_contrats_aides_2016_qpv"),
        ("pop_mun", "ch1_part_population_qpv"),
    ],
)
def test_parts_des_qpv_dans_l_agglomeration(insee, chiffres, code, id_):
    qpv, _, refs, _, _ = insee
    p = cq.parts_agglomeration(qpv, refs).set_index("code").loc[code]
    assert concorde(p["part_qpv"], chiffres.loc[id_]), f"{code} : {p['part_qpv']}"
    assert normaliser(chiffres.loc[id_, "calcul"]) in [normaliser(e) for e in cq.indicateur(code).calculs_publies]


@pytest.mark.parametrize(
    "code, id_", [("abcde_h", "ch1_demandeurs_emploi_hommes_qpv"), ("abcde_f", "ch1_demandeurs_emploi_femmes_qpv")]
)
def test_demandeurs_d_emploi_par_sexe(insee, chiffres, code, id_):
    qpv, _, refs, _, _ = insee
    p = cq.parts_agglomeration(qpv, refs).set_index("code").loc[code]
    assert p["total_qpv"] == float(chiffres.loc[id_, "valeur"])
    assert math.isnan(p["total_agglomeration"]) and math.isnan(p["part_qpv"])  # total non publié : pas de part


# --------------------------------------------------------------------------------------------- golden : extrêmes


@pytest.mark.parametrize(
    "code, sens, id_",
    [
        ("part_moins_25", "maximum", "ch1_part_moins_25_provinces"),
        ("part_moins_25", "minimum", "ch1_part_moins_25_cites_5"),
        ("part_menages_1pers", "maximum", "ch1_menages_1pers_le_centre"),
        ("part_menages_1pers", "minimum", "ch1_menages_1pers_rimbert"),
        ("part_retard_3e", "maximum", "ch1_retard_3e_le_centre"),
    ],
)
def test_quartiers_extremes_nommes_par_le_rapport(insee, chiffres, code, sens, id_):
    qpv, communes, _, _, _ = insee
    ligne = chiffres.loc[id_]
    x = cq.extremes(qpv, code, communes)
    x = x[x["sens"] == sens]
    assert list(x["code_qp"]) == [code_du_calcul(ligne)], "le quartier cité par le rapport est l'extrême, seul"
    assert concorde(x["valeur"].iloc[0], ligne)
    assert x["quartier"].iloc[0] == cq.nom_quartier(
        x["code_qp"].iloc[0], qpv.set_index("code_qp").loc[x["code_qp"].iloc[0], "nom_qp"]
    )


def test_minimum_des_menages_d_une_personne(insee, chiffres):
    qpv, communes, _, _, _ = insee
    x = cq.extremes(qpv, "part_menages_1pers", communes)
    assert concorde(x.loc[x["sens"] == "minimum", "valeur"].iloc[0], chiffres.loc["ch1_menages_1pers_minimum_qpv"])


def test_extremes_rendent_les_ex_aequo():
    qpv = pd.DataFrame(
        {
            "code_qp": ["A", "B", "C", "D"],
            "nom_qp": ["a", "b", "", "d"],
            "nom_commune": ["x"] * 4,
            "type_quartier": ["QPV"] * 4,
            "part_moins_25": [40.0, 40.04, 30.0, math.nan],
        }
    )
    x = cq.extremes(qpv, "part_moins_25")
    assert list(x.loc[x["sens"] == "maximum", "code_qp"]) == ["A", "B"]  # égaux à la précision affichée
    assert list(x.loc[x["sens"] == "minimum", "quartier"]) == ["Quartier sans nom publié (C)"]
    vide = qpv.assign(part_moins_25=math.nan)
    assert cq.extremes(vide, "part_moins_25").empty


# --------------------------------------------------------------------------------------------- rangs


def test_rangs_ex_aequo_et_valeurs_manquantes():
    r = cq.rangs(pd.Series([10.0, 20.0, 20.0, math.nan, 5.0, 1.7000000000000002, 1.7]), 1)
    assert r.dtype == "Int64"
    assert list(r[:3]) == [3, 1, 1]
    assert pd.isna(r[3])  # secret : non classé
    assert r[4] == 4
    assert r[5] == r[6] == 5  # flottant brut d'une division : même valeur affichée, même rang


def test_classement_sur_les_donnees(insee, chiffres):
    qpv, communes, _, manquantes, _ = insee
    c = cq.classement(qpv).set_index("code_qp")
    n_qpv = (qpv["type_quartier"] == cq.TYPE_QPV).sum()
    assert len(c) == n_qpv
    # le quartier que le rapport cite pour le retard en 3e est premier
    assert c.loc[code_du_calcul(chiffres.loc["ch1_retard_3e_le_centre"]), "part_retard_3e"] == 1
    # valeurs secrètes : non classées, et le rang le plus grand ne dépasse pas le nombre de QPV classés
    secrets = cq.valeurs_secretes(qpv, manquantes)
    assert len(secrets) > 0
    for code_qp, var in zip(secrets["code_qp"], secrets["variable"]):
        if var in c.columns:
            assert pd.isna(c.loc[code_qp, var])
            assert c[var].max() <= c[var].notna().sum()
    # ex aequo de l'indice de jeunesse (valeurs égales à 0,1 près) : même rang, et le rang suivant est sauté
    v = cq.valeurs(qpv[qpv["type_quartier"] == cq.TYPE_QPV], "ind_jeune").round(1)
    doublons = v[v.duplicated(keep=False)]
    assert len(doublons) > 0
    rangs_doublons = c["ind_jeune"].values[v.duplicated(keep=False).values]
    for valeur in doublons.unique():
        memes = c["ind_jeune"].values[(v == valeur).values]
        assert len(set(memes)) == 1
    assert len(set(rangs_doublons)) < len(rangs_doublons)
    marque = cq.classement_marque(qpv, manquantes).set_index("code_qp")
    for code_qp, var in zip(secrets["code_qp"], secrets["variable"]):
        if var in marque.columns:
            assert marque.loc[code_qp, var] == cq.SECRET


def test_comparaison_triee_par_rang(insee):
    qpv, communes, refs, manquantes, provenance = insee
    comp = cq.comparaison(qpv, refs, "part_retard_3e", communes, provenance, manquantes)
    classes = comp[comp["rang"].notna()]
    assert list(classes["rang"]) == sorted(classes["rang"])
    assert comp["rang"].isna().iloc[-1] and comp["marque"].iloc[-1] == cq.SECRET
    # la case vide de LOC-QP14 imite le secret : sa provenance le dit (« simulé »), jamais « secret statistique » INSEE
    assert comp["code_qp"].iloc[-1] == "LOC-QP14" and comp["provenance"].iloc[-1] == "simulé"
    assert (comp["nb_classes"] == len(classes)).all()
    # un quartier dont le rapport publie la valeur est marqué « publié », les autres « reconstruit »
    assert {"publié", "reconstruit"} <= set(comp["provenance"])


# --------------------------------------------------------------------------------------------- valeurs manquantes


def test_secret_jamais_zero(insee):
    qpv, communes, refs, manquantes, provenance = insee
    secrets = cq.valeurs_secretes(qpv, manquantes)
    assert set(secrets["motif"]) == {cq.MOTIF_SECRET}
    large = cq.valeurs_par_quartier(qpv, manquantes).set_index("code_qp")
    for code_qp, var in zip(secrets["code_qp"], secrets["variable"]):
        if var in large.columns:
            assert large.loc[code_qp, var] == cq.SECRET
        # la moyenne ne compte pas la valeur secrète comme un 0 : elle est celle des autres QPV
        sans = qpv[qpv["code_qp"] != code_qp]
        assert cq.valeur_qpv(qpv, var) == pytest.approx(cq.valeur_qpv(sans, var))
        avec_zero = qpv.copy()
        avec_zero.loc[avec_zero["code_qp"] == code_qp, var] = 0
        assert cq.valeur_qpv(avec_zero, var) < cq.valeur_qpv(qpv, var)
    assert (large.drop(columns="quartier").map(lambda v: v == 0)).sum().sum() == 0
    # le nombre de secrets de la synthèse est celui des valeurs secrètes
    s = cq.synthese(qpv, refs, manquantes)
    assert s["nb_secrets"].sum() == secrets["variable"].isin(s["code"]).sum()
    fiche = cq.fiche_indicateurs(qpv, refs, secrets["code_qp"].iloc[0], provenance, manquantes).set_index("code")
    assert fiche.loc[secrets["variable"].iloc[0], "valeur"] == cq.SECRET
    assert pd.isna(fiche.loc[secrets["variable"].iloc[0], "rang"])


def test_quartier_non_couvert_marque_non_disponible(insee):
    qpv, communes, refs, manquantes, provenance = insee
    autres = qpv[qpv["type_quartier"] != cq.TYPE_QPV]["code_qp"]
    assert len(autres) > 0
    for code_qp in autres:
        ident = cq.fiche_identite(qpv, communes, code_qp)
        assert not ident["couvert_insee"] and not ident["est_qpv"] and math.isnan(ident["pop_mun"])
        fiche = cq.fiche_indicateurs(qpv, refs, code_qp, provenance, manquantes)
        assert (fiche["valeur"] == cq.NON_DISPONIBLE).all()
        assert fiche["rang"].isna().all()
    ligne = qpv[qpv["code_qp"] == autres.iloc[0]]
    marques = cq.avec_marques(cq.valeurs(ligne, "pmimp"), ligne["code_qp"], "pmimp", cq.motifs(manquantes))
    assert list(marques) == [cq.NON_DISPONIBLE]
    # les quartiers non couverts ne sont pas des secrets
    assert not set(cq.valeurs_secretes(qpv, manquantes)["code_qp"]) & set(autres)


def test_case_vide_sans_motif_est_un_secret():
    qpv = pd.DataFrame(
        {
            "code_qp": ["A", "B"],
            "nom_qp": ["a", "b"],
            "nom_commune": ["x", "x"],
            "type_quartier": ["QPV", "QPV"],
            "pop_mun": [100, 300],
            "pmimp": [20.0, math.nan],
        }
    )
    large = cq.valeurs_par_quartier(qpv, None, ["pmimp"]).set_index("code_qp")
    assert large.loc["B", "pmimp"] == cq.SECRET and large.loc["A", "pmimp"] == 20.0
    assert cq.valeur_qpv(qpv, "pmimp") == 20.0


# --------------------------------------------------------------------------------------------- niveaux manquants


def test_niveau_de_comparaison_manquant(insee):
    qpv, communes, refs, manquantes, provenance = insee
    sans = refs[~refs["niveau"].isin([cq.NIVEAU_QPV_DEPARTEMENT, cq.NIVEAU_AGGLO])].drop(columns=["part_retard_3e"])
    s = cq.synthese(qpv, sans, manquantes).set_index("code")
    assert s[cq.NIVEAU_QPV_DEPARTEMENT].isna().all() and s[cq.NIVEAU_AGGLO].isna().all()
    assert math.isnan(s.loc["part_retard_3e", cq.NIVEAU_MOYENNE_QPV])  # colonne absente
    assert s["ecart_agglomeration"].isna().all()
    assert s["qpv_territoire"].notna().all()  # le niveau des QPV du territoire reste calculé
    # l'écart d'un quartier se mesure alors à l'agglomération hors QPV quand elle est publiée, sinon pas du tout
    comp = cq.comparaison(qpv, sans, "part_de_plus_2ans_f", communes, provenance, manquantes)
    assert (comp["niveau_ecart"] == cq.NIVEAU_HORS_QPV).all()
    comp = cq.comparaison(qpv, sans, "pmimp", communes, provenance, manquantes)
    assert comp["niveau_ecart"].isna().all() and comp["ecart_reference"].isna().all()
    assert comp["ecart_agglomeration"].isna().all()
    # aucune table de référence : rien ne casse
    for references in (None, refs.iloc[0:0]):
        assert cq.synthese(qpv, references, manquantes)[cq.NIVEAU_AGGLO].isna().all()
        assert cq.parts_agglomeration(qpv, references)["part_qpv"].isna().all()
        assert math.isnan(
            cq.geographie(qpv, communes, references).set_index("cle").loc["part_population_qpv", "valeur"]
        )
        f = cq.fiche_indicateurs(qpv, references, "LOC-QP01", provenance, manquantes)
        assert f["agglomeration"].isna().all() and f["valeur"].notna().all()
        assert math.isnan(cq.jeunes_en_qpv_departement(references))
    assert math.isnan(cq.valeur_reference(refs, "niveau inconnu", "pmimp"))


def test_figure_des_ecarts_sans_reference(insee):
    import matplotlib

    matplotlib.use("Agg")
    from politique_ville.figures import qpv as fq

    qpv, communes, refs, manquantes, provenance = insee
    comp = cq.comparaison(qpv, refs.iloc[0:0], "pmimp", communes, provenance, manquantes)
    assert fq.figure_ecarts(comp, "pmimp", "test") is None
    comp = cq.comparaison(qpv, refs, "part_retard_3e", communes, provenance, manquantes)
    fig = fq.figure_ecarts(comp, "part_retard_3e", "test")
    ax = fig.axes[0]
    assert "points de %" in ax.get_xlabel() and ax.get_title(loc="left")
    assert any("secret" in t.get_text() for t in ax.get_yticklabels())
    matplotlib.pyplot.close(fig)


def _qpv_nombreux(insee, n):
    """Les QPV de 2019 recopiés jusqu'à ``n`` quartiers (codes et noms distincts, valeurs décalées) : une géographie
    de grande taille pour les figures par quartier."""
    qpv, communes, refs, manquantes, provenance = insee
    base = qpv[qpv["type_quartier"] == cq.TYPE_QPV].reset_index(drop=True)
    copies = []
    for k in range(-(-n // len(base))):
        c = base.copy()
        c["code_qp"] = [f"QP99{k:02d}{i:02d}" for i in range(len(c))]
        c["nom_qp"] = [f"{nom} {k}" for nom in c["nom_qp"].astype(str)]
        c["part_retard_3e"] = pd.to_numeric(c["part_retard_3e"], errors="coerce") + k * 0.1
        copies.append(c)
    grand = pd.concat(copies, ignore_index=True).head(n)
    return grand, refs


def test_figures_par_quartier_resumees_au_dela_du_seuil(insee):
    import matplotlib

    matplotlib.use("Agg")
    from politique_ville.figures import qpv as fq

    qpv, communes, refs, manquantes, provenance = insee
    # en deçà du seuil (le territoire 2019) : tous les quartiers, aucune phrase sous la figure
    comp = cq.comparaison(qpv, refs, "part_retard_3e", communes, provenance, manquantes)
    assert len(comp) <= fq.SEUIL_QUARTIERS_FIGURE and fq.note_figure_ecarts(comp) == ""
    fig = fq.figure_ecarts(comp, "part_retard_3e", "test")
    assert len(fig.axes[0].get_yticklabels()) == len(comp)
    assert "Écart de chaque QPV" in fig.axes[0].get_title(loc="left")
    matplotlib.pyplot.close(fig)
    assert fq.note_figure_population(cq.quartiers(qpv, communes)) == ""
    # au-delà : les EXTREMES_FIGURE plus grands et plus petits écarts, une ligne de séparation, une phrase
    grand, refs = _qpv_nombreux(insee, 100)
    comp = cq.comparaison(grand, refs, "part_retard_3e")
    fig = fq.figure_ecarts(comp, "part_retard_3e", "test")
    ax = fig.axes[0]
    libelles = [t.get_text() for t in ax.get_yticklabels()]
    n = fq.EXTREMES_FIGURE
    assert len(libelles) == 2 * n + 1
    connus = comp[comp["ecart_reference"].notna()].sort_values("ecart_reference", ascending=False, kind="stable")
    assert libelles[:n] == list(connus["quartier"].head(n))
    assert libelles[-n:] == list(connus["quartier"].tail(n))
    assert libelles[n] == f"… {len(comp) - 2 * n} autres QPV …"
    assert "Écarts extrêmes" in ax.get_title(loc="left")
    matplotlib.pyplot.close(fig)
    note = fq.note_figure_ecarts(comp)
    assert f"les {len(comp)} quartiers" in note and "tableau téléchargeable" in note
    q = cq.quartiers(grand, pd.DataFrame(columns=["code_qp", "commune", "rang", "perimetre"]))
    fig = fq.figure_population(q, "test")
    libelles = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    pops = q.assign(p=pd.to_numeric(q["pop_mun"], errors="coerce")).sort_values("p", ascending=False, kind="stable")
    assert len(libelles) == 2 * n + 1 and libelles[0] == pops["quartier"].iloc[0]
    assert libelles[-1] == pops["quartier"].iloc[-1]
    matplotlib.pyplot.close(fig)
    assert "100 quartiers" in fq.note_figure_population(q)


# --------------------------------------------------------------------------------------------- métadonnées


def test_metadonnees_des_indicateurs(insee):
    qpv, _, refs, _, _ = insee
    # le registre (data/reference/indicateurs_qpv.csv) a toutes les variables de l'INSEE ; celles du fichier 2019 :
    assert [i.code for i in cq.indicateurs(qpv=qpv)] == [i.code for i in cq.INDICATEURS[:20]]
    for i in cq.indicateurs(qpv=qpv):
        assert i.code in qpv.columns, i.code
        assert i.genre in ("taux", "effectif")
        if i.genre == "taux":
            assert i.poids in qpv.columns
            for niveau in cq.NIVEAUX_COMPARAISON:
                assert i.colonne_reference(niveau) in refs.columns, (i.code, niveau)
    # pondérations documentées dans data/raw/README.md
    assert cq.indicateur("part_de_plus_2ans_f").poids == "abcde_f"
    assert cq.indicateur("part_de_plus_2ans_h").poids == "abcde_h"
    assert {i.poids for i in cq.indicateurs("taux", qpv)} - {"abcde_f", "abcde_h"} == {"pop_mun"}
    t = cq.table_indicateurs(qpv)
    assert len(t) == len(cq.indicateurs(qpv=qpv)) == 20 and not t.isna().any().any()
    with pytest.raises(KeyError):
        cq.indicateur("variable_inconnue")


# --------------------------------------------------------------------------------------------- fiche quartier


def test_fiche_actions_d_un_quartier_multicommunes(traitees):
    prog, pc, communes = traitees["programmation"], traitees["programmation_communes"], traitees["insee_qpv_communes"]
    nb = communes.groupby("code_qp")["commune"].nunique()
    code = nb[nb >= 3].index[0]  # quartier sur au moins trois communes
    siennes = set(communes.loc[communes["code_qp"] == code, "commune"])
    a = cq.actions_du_quartier(prog, pc, communes, code)
    attendues = set(pc.loc[pc["commune"].isin(siennes) & ~pc["perimetre"], "id_action"])
    assert set(a["id_action"]) == attendues and a["id_action"].is_unique
    assert all(set(c.split(", ")) <= siennes for c in a["communes_quartier"])
    # chacune de ses communes apporte ses actions : plus que n'importe laquelle seule
    par_commune = {c: set(pc.loc[(pc["commune"] == c) & ~pc["perimetre"], "id_action"]) for c in siennes}
    assert all(ids <= set(a["id_action"]) for ids in par_commune.values())
    assert len(a) > max(len(ids) for ids in par_commune.values())
    # les actions intercommunales ne sont pas rattachées au quartier, elles sont comptées à part
    inter = set(pc.loc[pc["perimetre"], "id_action"])
    assert not inter & set(a["id_action"])
    i = cq.actions_intercommunales(prog, pc).set_index("perimetre")
    assert i["actions"].sum() == len(inter)
    assert set(i.index) == set(pc.loc[pc["perimetre"], "commune"])
    # montants gardés avec leur provenance (reconstruits)
    assert a["provenance_credits_specifiques"].notna().all() and "reconstruit" in set(a["provenance_montants"])
    s = cq.synthese_actions(a)
    assert s["actions"].sum() == len(a)
    assert s["credits_specifiques"].sum() == pytest.approx(a["credits_specifiques"].sum())


def test_fiche_actions_cas_limites():
    prog = pd.DataFrame(
        {
            "id_action": ["A1", "A2", "A3", "A4"],
            "intitule": ["a", "b", "c", "d"],
            "pilier": ["P"] * 4,
            "thematique": ["T"] * 4,
            "porteur": ["x"] * 4,
            "communes": ["C1, C3", "Intercommunal", "C3", "C2"],
            "credits_specifiques": [1.0, 2.0, 3.0, 4.0],
            "cget": [1.0, 1.0, 1.0, 1.0],
            "droit_commun": [math.nan] * 4,
            "provenance_credits_specifiques": ["reconstruit"] * 4,
            "provenance_cget": ["publié"] * 4,
            "provenance_droit_commun": ["non publié"] * 4,
        }
    )
    pc = pd.DataFrame(
        {
            "id_action": ["A1", "A1", "A2", "A3", "A4"],
            "commune": ["C1", "C3", "Intercommunal", "C3", "C2"],
            "perimetre": [False, False, True, False, False],
        }
    )
    communes = pd.DataFrame(
        {
            "code_qp": ["Q", "Q", "R"],
            "commune": ["C1", "C2", "C4"],
            "rang": [1, 2, 1],
            "perimetre": [False, False, False],
        }
    )
    a = cq.actions_du_quartier(prog, pc, communes, "Q")
    assert list(a["id_action"]) == ["A1", "A4"]  # une seule fois, même sur deux communes
    assert list(a["communes_quartier"]) == ["C1", "C2"]
    assert "crédits spécifiques : reconstruit" in a["provenance_montants"].iloc[0]
    assert cq.actions_du_quartier(prog, pc, communes, "R").empty  # aucune action dans sa commune
    assert cq.synthese_actions(cq.actions_du_quartier(prog, pc, communes, "R")).empty


def test_fiche_quartier_inconnu(insee):
    qpv, communes, refs, manquantes, provenance = insee
    with pytest.raises(KeyError, match="quartier inconnu"):
        cq.fiche_identite(qpv, communes, "LOC-XX99")
    with pytest.raises(KeyError):
        cq.fiche_indicateurs(qpv, refs, "LOC-XX99", provenance, manquantes)


def test_fiche_effectifs(insee):
    qpv, communes, refs, manquantes, provenance = insee
    code = qpv.loc[qpv["type_quartier"] == cq.TYPE_QPV, "code_qp"].iloc[0]
    e = cq.fiche_effectifs(qpv, refs, code, provenance, manquantes).set_index("code")
    pop = float(qpv.set_index("code_qp").loc[code, "pop_mun"])
    assert e.loc["pop_mun", "valeur"] == pop
    p = cq.parts_agglomeration(qpv, refs).set_index("code")
    assert e.loc["pop_mun", "part_agglomeration"] == pytest.approx(pop / p.loc["pop_mun", "total_agglomeration"] * 100)
    assert math.isnan(e.loc["abcde_f", "part_agglomeration"])  # total non publié


@pytest.mark.parametrize(
    "code, valeur, reference, nettement, attendu",
    [
        ("part_moins_25", 38.0, 32.6, None, "plus"),
        ("part_moins_25", 38.0, 41.0, None, "moins"),
        ("part_moins_25", 38.04, 37.96, None, "égal"),  # égaux à la précision affichée (1 décimale)
        ("ind_jeune", 1.6, 1.2, 0.25, "nettement plus"),
        ("ind_jeune", 1.3, 1.2, 0.25, "plus"),
        ("pmimp", 24.0, 45.6, 0.25, "nettement moins"),
        ("decuc_q2", 1077.0, 1476.0, None, "moins"),
        ("tx_tot_empl", 56.4, float("nan"), None, "inconnu"),
        ("tx_tot_empl", None, 57.5, None, "inconnu"),
        ("tx_tot_empl", "secret", 57.5, None, "inconnu"),
    ],
)
def test_sens_des_ecarts_a_la_precision_affichee(code, valeur, reference, nettement, attendu):
    assert cq.comparer(code, valeur, reference, nettement) == attendu


def test_sens_des_ecarts_2019_conformes_au_rapport(insee):
    """Les phrases du rapport 2019 (« proportion plus faible qu'à l'échelle des QPV du département », « beaucoup moins
    concernés par le vieillissement », « ménages imposés beaucoup plus faible ») découlent des données recalculées."""
    qpv, communes, refs, manquantes, _ = insee
    synth = cq.synthese(qpv, refs, manquantes).set_index("code")
    assert (
        cq.comparer(
            "part_moins_25",
            synth.loc["part_moins_25", "qpv_territoire"],
            synth.loc["part_moins_25", cq.NIVEAU_QPV_DEPARTEMENT],
        )
        == "moins"
    )
    assert (
        cq.comparer(
            "ind_jeune", synth.loc["ind_jeune", "qpv_territoire"], synth.loc["ind_jeune", cq.NIVEAU_AGGLO], 0.25
        )
        == "nettement plus"
    )
    assert (
        cq.comparer("pmimp", synth.loc["pmimp", "qpv_territoire"], synth.loc["pmimp", cq.NIVEAU_AGGLO], 0.25)
        == "nettement moins"
    )
    assert (
        cq.comparer("decuc_q2", synth.loc["decuc_q2", "qpv_territoire"], synth.loc["decuc_q2", cq.NIVEAU_AGGLO])
        == "moins"
    )
    assert (
        cq.comparer(
            "part_menages_1pers",
            synth.loc["part_menages_1pers", "qpv_territoire"],
            synth.loc["part_menages_1pers", cq.NIVEAU_AGGLO],
        )
        == "plus"
    )


@pytest.mark.parametrize("decimales", [0, 1, 2])
def test_rangs_ceux_de_pandas_rank_min_ex_aequo_a_la_precision_affichee(decimales):
    """Les rangs (rang 1 = la plus élevée, ou la plus faible pour un indicateur favorable quand il est élevé) sont
    ceux de ``Series.rank(method="min")`` sur les valeurs arrondies : ex aequo au plus petit rang, valeur manquante
    ou illisible non classée, index et nom gardés ; sur des tirages avec ex aequo, manquantes, négatifs, zéros."""
    import numpy as np

    from politique_ville.compute.qpv import palmares

    rng = np.random.default_rng(decimales)
    for n in (0, 1, 2, 7, 40, 300):
        x = rng.choice([0.0, -0.0, 12.345, 12.35, 7.0, 33.3, np.nan, -4.44], size=n) + rng.integers(0, 3, n) * 0.004
        serie = pd.Series(x, index=np.arange(100, 100 + n), name="part_moins_25", dtype="object")
        if n > 3:
            serie.iloc[2] = "s"  # secret : illisible, non classé
        nombres = pd.to_numeric(serie, errors="coerce").astype("float64").round(decimales)
        attendu = nombres.rank(ascending=False, method="min").astype("Int64")
        pd.testing.assert_series_equal(palmares.rangs(serie, decimales), attendu)
        for code in (
            "part_moins_25",
            "tx_tot_empl",
        ):  # défavorable si élevé ; favorable si élevé (rang 1 = le plus faible)
            i = cq.indicateur(code)
            croissant = palmares.sens_du_rang(code) == palmares.SENS_FAIBLE
            attendu = (
                pd.to_numeric(serie, errors="coerce").astype("float64").round(i.decimales)
                .rank(ascending=croissant, method="min").astype("Int64")
            )  # fmt: skip
            pd.testing.assert_series_equal(palmares.rangs_orientes(serie, code), attendu)
