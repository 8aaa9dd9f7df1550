"""Le moteur des chiffres publiés : langage de recalcul, règle de comparaison, statuts, registre et recherche par
expression, sur de petites tables ; natures des vérifications sur le registre 2019 réel."""

import math

import pandas as pd
import pytest

from politique_ville.base.errors import ErreurCalcul
from politique_ville.published.chiffres import (
    ECART_DEPENDANT,
    ECART_INDEPENDANT,
    Appel,
    Nature,
    Registre,
    Statut,
    analyser,
    appels,
    calcul,
    charger_tables,
    comparer,
    concorde,
    evaluer,
    genre,
    normaliser,
)
from politique_ville.published.concordance import fournisseur_memoire, resume_statuts, table_concordance

T = pd.DataFrame(
    {
        "pilier": ["A", "A", "B", " B ", "C"],
        "porteur": ["P1", "P2", "P1", "P3", None],
        "montant": [100.0, 50.0, 30.0, float("nan"), 20.0],
        "taux": [10.0, 20.0, 40.0, 30.0, 50.0],
        "pop": [1.0, 3.0, 1.0, 0.0, 5.0],
        "ligne_source": [2, 3, 4, 5, 6],
    }
)


def tables(nom):
    if nom == "t":
        return T
    raise KeyError(nom)


# --------------------------------------------------------------------------------------------- langage


@pytest.mark.parametrize(
    "expression, attendu",
    [
        ('nombre("t")', 5),
        ('nombre("t", pilier="B")', 2),  # espaces de bord ignorés (« B »)
        ('nombre("t", pilier=["A", "C"])', 3),  # liste : appartenance
        ('nombre("t", pilier="A", porteur="P2")', 1),  # filtres cumulés
        ('somme("t", "montant")', 200),  # valeur manquante ignorée
        ('somme("t", "montant", pilier="Z")', 0),
        ('distinct("t", "porteur")', 3),  # vide non compté
        ('valeur("t", "montant", porteur="P2")', 50),
        ('moyenne("t", "taux", pilier="A")', 15),
        ('moyenne_ponderee("t", "taux", "pop", pilier="A")', (10 * 1 + 20 * 3) / 4),
        ('maximum("t", "taux")', 50),
        ('minimum("t", "taux", pilier=["B"])', 30),
        ('somme("t", "montant") / nombre("t") * 2 - 10', 70),  # arithmétique, priorités usuelles
        ('-(valeur("t", "taux", porteur="P2") + 5)', -25),
        ("100 * 3 / 4", 75),
    ],
)
def test_chaque_fonction_et_l_arithmetique(expression, attendu):
    assert evaluer(expression, tables).valeur == pytest.approx(attendu)


def test_lignes_sources_des_tables_lues():
    assert evaluer('somme("t", "montant", pilier="A") / nombre("t", pilier="C")', tables).sources == {"t": [2, 3, 6]}


@pytest.mark.parametrize(
    "expression, message",
    [
        ('inconnue("t")', "fonction inconnue « inconnue »"),
        ('__import__("os")', "fonction inconnue"),
        ('somme("t", colonne)', "seules des constantes sont permises"),
        ('nombre("t", pilier=x)', "seules des constantes sont permises"),
        ('nombre("t", pilier=nombre("t"))', "seules des constantes sont permises"),
        ('somme(1, "montant")', "attend le nom de la table"),
        ('somme("t")', "attend une colonne"),
        ('moyenne_ponderee("t", "taux")', "attend une colonne de poids"),
        ('nombre("t") ** 2', "construction non permise"),
        ("(lambda: 1)()", "non permise"),
        ('nombre("t"', "expression illisible"),
        ('somme("t", "absente")', "colonne « absente » absente de la table « t »"),
        ('nombre("t", zone="A")', "colonne de filtre « zone »"),
        ('nombre("autre")', "table « autre » indisponible"),
        ('valeur("t", "montant", pilier="A")', "exactement une ligne, 2 trouvée"),
        ('valeur("t", "montant", pilier="B", porteur="P3")', "valeur manquante"),
        ('nombre("t") / nombre("t", pilier="Z")', "division par zéro"),
        ('somme("t", "porteur")', "ligne 2, colonne « porteur »"),
        ('moyenne("t", "montant", pilier="Z")', "aucune valeur disponible"),
    ],
)
def test_refus_en_francais(expression, message):
    with pytest.raises(ErreurCalcul, match=message):
        evaluer(expression, tables)


def test_refus_avant_toute_lecture_de_table():
    lues = []

    def espion(nom):
        lues.append(nom)
        return T

    with pytest.raises(ErreurCalcul, match="fonction inconnue"):
        evaluer('nombre("t") + ouvrir("t")', espion)
    assert lues == []


def test_analyser_un_appel_unique():
    assert analyser('somme("t", "montant", pilier="A")') == Appel("somme", "t", "montant", {"pilier": "A"})
    assert analyser('nombre("t", pilier=["A", "B"])') == Appel("nombre", "t", None, {"pilier": ["A", "B"]})
    assert analyser('moyenne_ponderee("t", "taux", "pop")') == Appel("moyenne_ponderee", "t", "taux", {}, "pop")
    for pas_un_appel in ('nombre("t") / 2', "", None, 'inconnue("t")', 'nombre("t"', "12"):
        assert analyser(pas_un_appel) is None
    assert [a.fonction for a in appels('somme("t", "x") / valeur("u", "y", k="v") * 100')] == ["somme", "valeur"]


def test_calcul_et_forme_normalisee():
    assert calcul("somme", "t", "montant", pilier="A") == 'somme("t", "montant", pilier="A")'
    assert calcul("nombre", "t", pilier=["B", "A"]) == 'nombre("t", pilier=["A", "B"])'
    assert calcul("moyenne_ponderee", "t", "taux", "pop") == 'moyenne_ponderee("t", "taux", "pop")'
    meme = ['nombre("t", a="1", b=["y", "x"])', "nombre('t',b=['x','y'],a='1')", 'nombre( "t", b=["x", "y"], a=" 1 ")']
    assert len({normaliser(e) for e in meme}) == 1
    assert normaliser('valeur("t", "x") / 12') == normaliser('valeur("t", "x") / 12.0')
    assert normaliser('nombre("t", a="1")') != normaliser('nombre("t", a="2")')
    assert normaliser('nombre("t", a=["1", "2"])') != normaliser('nombre("t", a=["1"])')
    assert normaliser("") == ""
    with pytest.raises(ErreurCalcul, match="fonction inconnue"):
        normaliser('autre("t")')


# --------------------------------------------------------------------------------------------- comparaison


@pytest.mark.parametrize(
    "publie, recalcule, tolerance, attendu",
    [
        ("35.3", 35.25, None, True),  # arrondi à une décimale, 0,5 vers le haut : 35,3
        ("35.3", 35.2499, None, False),  # 35,2 : juste sous la frontière
        ("35.3", 35.3499, None, True),
        ("35.3", 35.35, None, False),  # 35,4
        ("13", 12.5, None, True),  # précision du texte : l'unité
        ("13", 12.49, None, False),
        ("13", 13.49, "", True),  # tolérance vide : précision publiée
        ("13.0", 12.96, None, True),  # « 13.0 » : une décimale
        ("13.0", 12.9, None, False),
        ("40", 39.0, "1", True),  # « ≈ » : à au plus 1 de 40
        ("40", 41.0, "1", True),
        ("40", 38.99, "1", False),
        ("40", 41.01, "1", False),
        ("20", 22.0, "2", True),
        ("20", float("nan"), "2", False),  # rien de recalculé : ne concorde pas
    ],
)
def test_une_seule_regle_de_tolerance(publie, recalcule, tolerance, attendu):
    assert concorde(publie, recalcule, tolerance) is attendu


def test_statuts():
    assert comparer("10", 10.4) == Statut.IDENTIQUE
    assert comparer("10", 10.6) == Statut.ECART_NON_EXPLIQUE
    assert comparer("10", 10.6, documente=True) == Statut.ECART_DOCUMENTE
    assert comparer("10", None) == Statut.NON_RECALCULABLE
    assert comparer(None, 3.0) == comparer("", 3.0) == Statut.NON_PUBLIE
    # valeurs texte : les comparaisons de chaînes et les tables existantes continuent de marcher
    assert Statut.ECART_DOCUMENTE == "écart documenté" and f"{Statut.IDENTIQUE}" == "identique"
    assert Statut("non publié") is Statut.NON_PUBLIE
    assert [s.est_ecart for s in Statut] == [False, True, True, False, False]
    assert (pd.Series(["identique", "écart documenté"]) == Statut.IDENTIQUE).tolist() == [True, False]


def test_genre_d_un_resultat():
    assert genre(Statut.IDENTIQUE, Nature.RELECTURE) == "relecture de la transcription"
    assert genre(Statut.ECART_DOCUMENTE, Nature.CONSTRUCTION) == ECART_DEPENDANT
    assert genre(Statut.ECART_NON_EXPLIQUE, Nature.RECONSTRUCTION) == ECART_DEPENDANT
    assert genre(Statut.ECART_DOCUMENTE, Nature.INDEPENDANTE) == ECART_INDEPENDANT
    assert genre(Statut.ECART_DOCUMENTE, Nature.RELECTURE) == ECART_INDEPENDANT
    assert genre(Statut.NON_RECALCULABLE, Nature.SANS_RECALCUL) == ""


# --------------------------------------------------------------------------------------------- registre

CHIFFRES = pd.DataFrame(
    [
        {
            "id": "x1",
            "section": "2.1",
            "libelle": "projets du pilier A",
            "valeur": "2",
            "unite": "projets",
            "tolerance": "",
            "citation": "",
            "calcul": 'nombre("t", pilier="A")',
            "nature": "vérification indépendante",
        },
        {
            "id": "x2",
            "section": "3.1",
            "libelle": "projets soutenus, pilier A",
            "valeur": "3",
            "unite": "projets",
            "tolerance": "",
            "citation": "",
            "calcul": "nombre('t', pilier='A')",
            "nature": "vérification indépendante",
        },
        {
            "id": "x3",
            "section": "2.1",
            "libelle": "montant",
            "valeur": "200",
            "unite": "€",
            "tolerance": "",
            "citation": "",
            "calcul": 'somme("t", "montant")',
            "nature": "par construction",
        },
        {
            "id": "x4",
            "section": "2.4.1",
            "libelle": "taux",
            "valeur": "20",
            "unite": "%",
            "tolerance": "5",
            "citation": "",
            "calcul": 'valeur("t", "taux", porteur="P2")',
            "nature": "relecture de la transcription",
        },
        {
            "id": "x5",
            "section": "1",
            "libelle": "récit",
            "valeur": "7",
            "unite": "",
            "tolerance": "",
            "citation": "",
            "calcul": "",
            "nature": "sans recalcul",
        },
    ]
)
ECARTS = pd.DataFrame([{"id": "x2", "explication": "le tableau compte 3 projets, la liste 2"}])


def test_registre_et_recherche_par_expression():
    r = Registre.depuis_tables(CHIFFRES, ECARTS)
    assert len(r) == 5 and r.get("x4").approximatif and not r.get("x1").approximatif
    assert r.get("x2").documente and r.get("x2").explication.startswith("le tableau")
    # même expression écrite autrement : les deux chiffres, dans l'ordre du registre
    assert [c.id for c in r.chercher("nombre( 't' , pilier = 'A' )")] == ["x1", "x2"]
    assert [c.id for c in r.chercher('nombre("t", pilier="A")', section="2")] == ["x1"]  # sous-sections
    assert [c.id for c in r.chercher('nombre("t", pilier="A")', section="3.1")] == ["x2"]
    assert r.chercher('nombre("t", pilier="A")', section="2.4") == []
    assert [c.id for c in r.chercher('valeur("t", "taux", porteur="P2")', section="2.4")] == ["x4"]
    assert r.chercher('nombre("t", pilier="B")') == [] and r.chercher("") == []
    # par les parties de l'appel : filtres exactement ceux donnés
    assert [c.id for c in r.chercher(fonction="nombre", table="t", pilier="A")] == ["x1", "x2"]
    assert r.chercher(fonction="nombre", table="t") == []
    assert [c.id for c in r.chercher(fonction="somme", table="t", colonne="montant")] == ["x3"]
    assert r.chercher(fonction="somme", table="t", colonne="taux") == []
    assert r.premier('nombre("t", pilier="A")').id == "x1" and r.premier('nombre("z")') is None
    with pytest.raises(ValueError):
        r.chercher(fonction="nombre")


def test_registre_confronter():
    r = Registre.depuis_tables(CHIFFRES, ECARTS)
    rec = pd.DataFrame(
        {
            "libelle": ["A", "A (3.1)", "montant", "taux", "rien"],
            "calcul": [
                'nombre("t", pilier="A")',
                'nombre("t", pilier="A")',
                'somme("t", "montant")',
                'valeur("t", "taux", porteur="P2")',
                'nombre("t", pilier="Z")',
            ],
            "section": ["2.1", "3", "", "2.4.1", "2.1"],
            "valeur_recalculee": [2.0, 2.0, 199.5, 24.0, 0.0],
        }
    )
    conf = r.confronter(rec)
    assert list(conf["id"]) == ["x1", "x2", "x3", "x4", ""]
    assert list(conf["statut"]) == ["identique", "écart documenté", "identique", "identique", "non publié"]
    assert conf["explication"].tolist()[:2] == ["", "le tableau compte 3 projets, la liste 2"]
    assert conf["ecart"].iloc[1] == -1 and math.isnan(conf["ecart"].iloc[4])
    assert list(conf.columns[:4]) == list(rec.columns)


def test_registre_vide_sans_rapport(tmp_path):
    chiffres, ecarts = charger_tables(tmp_path, 2031)
    assert chiffres.empty and ecarts.empty and "calcul" in chiffres.columns
    r = Registre.charger(tmp_path, 2031)
    assert len(r) == 0 and r.chercher('nombre("t")') == []
    conf = r.confronter(pd.DataFrame({"calcul": ['nombre("t")'], "valeur_recalculee": [1.0]}))
    assert list(conf["statut"]) == ["non publié"]


# --------------------------------------------------------------------------------------------- registre 2019


@pytest.fixture(scope="module")
def reference_2019(catalogue):
    return charger_tables(catalogue.reference_dir, catalogue.annee)


def test_registre_2019_bien_forme(reference_2019):
    chiffres, ecarts = reference_2019
    assert chiffres["id"].is_unique
    assert set(chiffres["nature"]) <= {str(n) for n in Nature}
    assert ((chiffres["nature"] == Nature.SANS_RECALCUL) == (chiffres["calcul"].str.strip() == "")).all()
    assert set(ecarts["id"]) <= set(chiffres["id"])
    # une entrée par chiffre publié : deux chiffres de même citation et même valeur seraient un doublon
    doublons = chiffres[chiffres.duplicated(["citation", "valeur", "libelle"], keep=False)]
    assert doublons.empty, doublons[["id", "citation"]]
    assert not chiffres["citation"].str.contains("1 jeune sur 6").sum() > 1
    derives = chiffres.loc[chiffres["derive"] == "oui", "id"].tolist()
    assert derives == ["ch2_fin_parts_total"]  # le 100 % d'une répartition, implicite, imprimé nulle part


def test_natures_2019_s_additionnent(catalogue, traitees_memoire, reference_2019):
    chiffres, ecarts = reference_2019
    conc = table_concordance(chiffres, ecarts, fournisseur_memoire(traitees_memoire))
    resume = resume_statuts(conc)
    details = resume[~resume["statut"].str.contains("total")]
    assert details["chiffres"].sum() == len(chiffres) == resume.loc[resume["statut"] == "total", "chiffres"].item()
    identiques = details[details["statut"] == "identique"].set_index("genre")["chiffres"]
    assert set(identiques.index) == {Nature.INDEPENDANTE, Nature.RELECTURE, Nature.CONSTRUCTION}
    assert identiques.sum() == (conc["statut"] == Statut.IDENTIQUE).sum() >= 197
    ecarts_conc = conc[conc["statut"].isin([Statut.ECART_DOCUMENTE, Statut.ECART_NON_EXPLIQUE])]
    assert set(ecarts_conc["genre"]) == {ECART_DEPENDANT, ECART_INDEPENDANT}
    # la taille de ces écarts dépend d'un choix de reconstruction (PRE attribués aux CCAS, crédits par action)
    dependants = set(ecarts_conc.loc[ecarts_conc["genre"] == ECART_DEPENDANT, "id"])
    assert dependants == {
        "ch2_prog_associations_cget",
        "ch2_prog_institutions_cget",
        "ch3_cohesion_porteurs",
        "ch3_education_porteurs",
    }
    assert (conc["statut"] == Statut.ECART_NON_EXPLIQUE).sum() == 0
