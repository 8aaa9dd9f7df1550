"""Formats français, échappement HTML et classeurs Excel : ce qu'un lecteur voit, vérifié sans exécuter de notebook.

Chaque test est écrit pour échouer si une garantie saute : virgule décimale remplacée par un point, séparateur de
milliers oublié, arrondi au pair au lieu de l'arrondi des chiffres publiés, ``html.escape`` retiré d'une cellule ou
d'un titre, un nombre écrit comme texte dans Excel, un texte commençant par ``=`` devenu formule.
"""

import math
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from politique_ville import formats
from politique_ville.present import tableaux

FINE = "\u202f"  # espace fine insécable (milliers)
INSEC = "\u00a0"  # espace insécable (avant l'unité)


@pytest.mark.parametrize(
    "valeur, decimales, attendu",
    [
        (1712989, 0, f"1{FINE}712{FINE}989"),
        (5530289.4, 0, f"5{FINE}530{FINE}289"),
        (35.25, 1, "35,3"),  # arrondi des chiffres publiés : 0,5 vers le haut (Babel arrondirait au pair : 35,2)
        (0.125, 2, "0,13"),
        (35.3, 1, "35,3"),
        (13, 2, "13,00"),
        (999, 0, "999"),
        (1000, 0, f"1{FINE}000"),
        (-4.3, 1, "−4,3"),  # vrai signe moins
        (-1234567.891, 2, f"−1{FINE}234{FINE}567,89"),
        (0.4, 0, "0"),
        (2.5, 0, "3"),
    ],
)
def test_nombre_fr(valeur, decimales, attendu):
    assert formats.nombre_fr(valeur, decimales) == attendu


@pytest.mark.parametrize("manquant", [None, math.nan, float("nan"), pd.NA])
def test_nombre_manquant_jamais_zero(manquant):
    assert formats.nombre_fr(manquant) == "—"
    assert formats.euros(manquant) == "—"
    assert formats.pourcent(manquant) == "—"


def test_unites_separees_par_une_espace_insecable():
    assert formats.euros(1712989) == f"1{FINE}712{FINE}989{INSEC}€"
    assert formats.pourcent(35.25) == f"35,3{INSEC}%"
    assert formats.pourcent(6, 0) == f"6{INSEC}%"
    assert formats.avec_unite(16, "quartiers") == f"16{INSEC}quartiers"
    assert formats.avec_unite(6.0, "") == "6"
    assert formats.avec_unite(6.04, "") == "6,0"
    assert "." not in formats.avec_unite(773782.5, "€", 1)


def test_tableau_html_echappe_cellules_et_en_tetes():
    df = pd.DataFrame({"<b>Porteur</b>": ["<script>alert(1)</script>", 'A & B "cité"'], "Montant": [1.5, 2]})
    html = tableaux.tableau_html(df, {"Montant": formats.euros})
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Porteur&lt;/b&gt;" in html and "<b>" not in html
    assert "A &amp; B &quot;cité&quot;" in html
    assert f"2{INSEC}€" in html  # colonne formatée, alignée à droite
    assert 'style="text-align:right">2' in html


def test_titre_et_note_du_tableau_echappes(tmp_path):
    chap = tableaux.Chapitre("t", tmp_path)
    bloc = chap.tableau(pd.DataFrame({"a": [1]}), "Titre <img src=x onerror=alert(1)>", note="<i>note</i>").data
    assert "<img" not in bloc and "&lt;img src=x onerror=alert(1)&gt;" in bloc
    assert "&lt;i&gt;note&lt;/i&gt;" in bloc


@pytest.mark.parametrize("texte", ["=1+1", "+33 6", "-2", "@SOMME(A1)", "\tcaché", "\rretour"])
def test_classeur_neutralise_les_formules(tmp_path, texte):
    chemin = tableaux.ecrire_classeur(
        [("Feuille", pd.DataFrame({"Porteur": [texte], "Montant": [-12.5]}))], tmp_path / "c.xlsx"
    )
    ws = load_workbook(chemin).active
    cellule = ws.cell(2, 1)
    # un caractère de contrôle est écrit échappé à la manière d'OOXML (« _x000D_ »), qu'Excel lit comme le caractère
    texte_lu = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), cellule.value)
    assert cellule.data_type == "s" and texte_lu == "'" + texte
    montant = ws.cell(2, 2)
    assert montant.data_type == "n" and montant.value == -12.5  # un nombre négatif reste un nombre


def test_classeur_garde_les_nombres_en_nombres_et_les_vides_vides(tmp_path):
    import numpy as np

    df = pd.DataFrame(
        {"Quartier": ["A", "B"], "Population": [np.int64(1234), np.int64(5)], "Taux (%)": [35.25, np.nan]}
    )
    ws = load_workbook(tableaux.ecrire_classeur([("=Titre", df)], tmp_path / "c.xlsx")).active
    assert ws.title == "=Titre"  # nom de feuille : jamais évalué par Excel
    assert [c.value for c in ws[1]] == ["Quartier", "Population", "Taux (%)"]
    assert ws.cell(2, 2).value == 1234 and isinstance(ws.cell(2, 2).value, int)
    assert ws.cell(2, 3).value == 35.25 and ws.cell(2, 3).data_type == "n"
    assert ws.cell(3, 3).value is None


def test_en_tete_formule_neutralisee(tmp_path):
    ws = load_workbook(tableaux.ecrire_classeur([("T", pd.DataFrame({"=A1": [1]}))], tmp_path / "c.xlsx")).active
    assert ws.cell(1, 1).value == "'=A1"


def test_noms_de_feuilles_valides_et_uniques():
    deja: set[str] = set()
    noms = [tableaux.nom_de_feuille(t, deja) for t in ["Crédits [2019]: a/b?", "Crédits [2019]: a/b?", "x" * 40]]
    assert noms[0] == "Crédits  2019   a b" and noms[1] == "Crédits  2019   a b (2)"
    assert len(noms[2]) == 31


def test_vues_de_la_concordance():
    from politique_ville.present import concordance as pc

    conc = pd.DataFrame(
        {
            "section": ["2.1", "1"],
            "libelle": ["Crédits CGET", "Part des QPV"],
            "valeur_publiee": [1712989.0, 13.0],
            "valeur_recalculee": [1712989.0, 13.04],
            "unite": ["€", "%"],
            "approximatif": [False, True],
            "derive": [False, True],
            "statut": ["identique", "écart documenté"],
            "genre": ["vérification indépendante", "x"],
            "sources": ["programmation : 2-132", ""],
            "explication": ["", "Le rapport arrondit."],
            "ecart_documente": [False, True],
        }
    )
    vue = pc.vue_tous(conc)["df"]
    assert list(vue["publié"]) == [f"1{FINE}712{FINE}989{INSEC}€", f"≈ 13{INSEC}%"]
    assert list(vue["recalculé"]) == [f"1{FINE}712{FINE}989{INSEC}€", f"13,0{INSEC}%"]
    assert list(vue["chiffre"]) == ["Crédits CGET", "Part des QPV (dérivé)"]
    e = pc.ecarts(conc)
    assert list(e["libelle"]) == ["Part des QPV"] and pc.attention_non_documentes(e) == ""
    deux = pd.concat([e, e.assign(ecart_documente=False), e.assign(ecart_documente=False)])
    assert pc.attention_non_documentes(deux) == "**Attention : 2 écarts non documentés.**"
    assert pc.attention_non_documentes(deux.iloc[:2]) == "**Attention : 1 écart non documenté.**"
    from pathlib import Path

    texte = pc.sans_rapport_publie(2031, Path("/p/data/reference"), Path("/p"))
    assert "`chiffres_publies_2031.csv`" in texte and "`data/reference`" in texte


def test_classeur_sans_tableau_reste_lisible(tmp_path):
    """Un chapitre qui n'a rien montré cette année (pas de chiffres publiés, pas de fichier SCDL) écrit quand même un
    classeur valide, qui le dit (openpyxl refuse un classeur sans feuille)."""
    ws = load_workbook(tableaux.ecrire_classeur([], tmp_path / "vide.xlsx")).active
    assert ws.title == "Sans tableau" and ws.cell(1, 1).value == tableaux.SANS_TABLEAU
