"""Le langage de recalcul des chiffres publiés, sur de petites tables."""

import math

import pandas as pd
import pytest

from politique_ville.base.errors import ErreurCalcul
from politique_ville.published.concordance import concorde, evaluer, resume_statuts, table_concordance

PROG = pd.DataFrame(
    {
        "thematique": ["Santé", "Santé", "Sport", " Sport "],
        "porteur": ["AHI", "Ville", "AHI", "Club"],
        "montant": ["1 000 €", "53.387 €", "", "n.c."],
        "taux": ["35,3%", "10%", "20%", "30%"],
        "pop": ["100", "300", "0", "100"],
        "ligne_source": [2, 3, 4, 5],
    }
)


def tables(nom):
    if nom == "prog":
        return PROG
    raise KeyError(nom)


def test_fonctions_de_base():
    assert evaluer('somme("prog", "montant")', tables).valeur == 54387
    assert evaluer('somme("prog", "montant", thematique="Santé")', tables).valeur == 54387
    assert evaluer('nombre("prog", thematique="Sport")', tables).valeur == 2  # espaces de bord ignorés
    assert evaluer('distinct("prog", "porteur")', tables).valeur == 3
    assert evaluer('valeur("prog", "montant", porteur="Ville")', tables).valeur == 53387
    assert evaluer('maximum("prog", "taux")', tables).valeur == 35.3
    assert evaluer('minimum("prog", "taux", thematique=["Sport"])', tables).valeur == 20
    assert evaluer('moyenne_ponderee("prog", "taux", "pop", thematique="Santé")', tables).valeur == pytest.approx(
        (35.3 * 100 + 10 * 300) / 400
    )


def test_arithmetique_et_sources():
    r = evaluer('somme("prog", "montant", porteur="AHI") / nombre("prog") * 100', tables)
    assert r.valeur == 25000
    assert r.sources == {"prog": [2, 3, 4, 5]}


@pytest.mark.parametrize(
    "expr, message",
    [
        ('__import__("os")', "fonction inconnue"),
        ('somme("prog", "absente")', "colonne « absente »"),
        ('somme("autre", "montant")', "table « autre »"),
        ('valeur("prog", "montant", thematique="Santé")', "exactement une ligne"),
        ('somme("prog", "montant") / nombre("prog", porteur="X")', "division par zéro"),
        ('somme("prog", "thematique")', "ligne 2, colonne « thematique »"),
        ("(lambda: 1)()", "non permise"),
    ],
)
def test_erreurs_en_francais(expr, message):
    with pytest.raises(ErreurCalcul, match=message):
        evaluer(expr, tables)


def test_concorde_a_la_precision_publiee_ou_dans_la_tolerance():
    assert concorde("35.3", 35.26, None)
    assert not concorde("35.3", 31.0, None)
    assert concorde("1712989", 1712989.4, "")
    assert not concorde("1712989", 1712990, "")
    assert concorde("40", 39.2, "1")
    assert not concorde("40", 38.9, "1")


def test_table_concordance_statuts():
    chiffres = pd.DataFrame(
        [
            {
                "id": "a",
                "section": "1",
                "libelle": "total",
                "valeur": "54387",
                "unite": "€",
                "tolerance": "",
                "citation": "",
                "calcul": 'somme("prog", "montant")',
            },
            {
                "id": "b",
                "section": "1",
                "libelle": "faux",
                "valeur": "12",
                "unite": "projets",
                "tolerance": "",
                "citation": "",
                "calcul": 'nombre("prog")',
            },
            {
                "id": "c",
                "section": "1",
                "libelle": "récit",
                "valeur": "42",
                "unite": "nombre",
                "tolerance": "",
                "citation": "",
                "calcul": "",
            },
        ]
    )
    ecarts = pd.DataFrame([{"id": "b", "explication": "le rapport se contredit"}])
    t = table_concordance(chiffres, ecarts, tables).set_index("id")
    assert t.loc["a", "statut"] == "identique"
    assert t.loc["b", "statut"] == "écart documenté" and t.loc["b", "ecart"] == -8 and t.loc["b", "ecart_documente"]
    assert t.loc["c", "statut"] == "non recalculable" and math.isnan(t.loc["c", "valeur_recalculee"])
    # genre du résultat : nature d'un identique, taille d'un écart, rien pour un non recalculable
    assert t.loc["a", "genre"] == "" and t.loc["c", "genre"] == ""  # pas de colonne nature : genre inconnu
    resume = resume_statuts(t.reset_index()).set_index("statut")["chiffres"]
    assert resume["identique"] == resume["écart documenté"] == resume["non recalculable"] == 1
    assert resume["total"] == 3


def test_table_concordance_genres_et_expression_inevaluable():
    chiffres = pd.DataFrame(
        [
            {
                "id": "a",
                "section": "1",
                "libelle": "total",
                "valeur": "54387",
                "unite": "€",
                "tolerance": "",
                "citation": "",
                "calcul": 'somme("prog", "montant")',
                "nature": "par construction",
                "derive": "",
            },
            {
                "id": "b",
                "section": "1",
                "libelle": "faux",
                "valeur": "12",
                "unite": "projets",
                "tolerance": "",
                "citation": "",
                "calcul": 'nombre("prog")',
                "nature": "dépend de la reconstruction",
                "derive": "oui",
            },
            {
                "id": "c",
                "section": "1",
                "libelle": "cassé",
                "valeur": "1",
                "unite": "",
                "tolerance": "",
                "citation": "",
                "calcul": 'somme("prog", "absente")',
                "nature": "vérification indépendante",
                "derive": "",
            },
        ]
    )
    t = table_concordance(chiffres, None, tables).set_index("id")
    assert t.loc["a", "genre"] == "par construction"
    assert t.loc["b", "statut"] == "écart non expliqué" and t.loc["b", "derive"]
    assert t.loc["b", "genre"] == "taille dépendant d'un choix de reconstruction"
    # une expression que les tables ne permettent pas d'évaluer : « non recalculable » (comme dans les chapitres),
    # jamais un écart ; l'explication dit pourquoi
    assert t.loc["c", "statut"] == "non recalculable" and "recalcul impossible" in t.loc["c", "explication"]
    assert t.loc["c", "genre"] == ""
    resume = resume_statuts(t.reset_index())
    assert list(resume["statut"]) == ["identique", "écart non expliqué", "non recalculable", "total"]
    assert list(resume["chiffres"]) == [1, 1, 1, 3]
