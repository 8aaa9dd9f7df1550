import math

import pandas as pd
import pytest

from politique_ville.base.valeurs import (
    ValeurIllisible,
    arrondi_publie,
    est_manquant,
    lire_nombre,
    lire_nombres,
    texte_normalise,
)


@pytest.mark.parametrize(
    "texte, attendu",
    [
        ("1 712 989 €", 1712989),
        ("1\u00a0712\u00a0989\u00a0€", 1712989),
        ("1\u202f712\u202f989 €", 1712989),
        ("1 712 989,50 €", 1712989.5),
        ("53.387 €", 53387),
        ("1.053.610 €", 1053610),
        ("15 000€", 15000),
        ("70.000 €", 70000),
        ("35,3%", 35.3),
        ("35,3 %", 35.3),
        ("45.6%", 45.6),
        ("1.2", 1.2),
        ("1.7000000000000002", 1.7000000000000002),
        ("0", 0),
        ("280 000 (dont 35 000 Pol Ville)", 280000),
        ("280  000", 280000),
        ("-12,5", -12.5),
    ],
)
def test_lire_nombre_formes_francaises(texte, attendu):
    assert lire_nombre(texte) == pytest.approx(attendu)


@pytest.mark.parametrize("texte", ["", "  ", "-", "n.c.", "N.C.", "nc", None, float("nan")])
def test_manquant_reste_manquant_jamais_zero(texte):
    assert math.isnan(lire_nombre(texte))
    assert est_manquant(texte)


def test_point_isole_decimal_sauf_pour_un_montant():
    assert lire_nombre("53.387") == pytest.approx(53.387)
    assert lire_nombre("53.387", genre="montant") == 53387
    assert lire_nombre("0.125", genre="taux") == pytest.approx(0.125)


@pytest.mark.parametrize("texte", ["douze", "12 abc", "1,2,3,4x", "€"])
def test_texte_illisible_leve_une_erreur_en_francais(texte):
    with pytest.raises(ValeurIllisible, match="nombre"):
        lire_nombre(texte)


def test_lire_nombres_donne_l_index_fautif():
    s = pd.Series(["1 €", "deux", "3 €"], index=[10, 11, 12])
    with pytest.raises(ValeurIllisible) as exc:
        lire_nombres(s)
    assert exc.value.index == 11


def test_arrondi_publie_est_commercial():
    assert arrondi_publie(35.25, 1) == 35.3
    assert arrondi_publie(0.5, 0) == 1
    assert arrondi_publie(31.0, 1) == 31.0


def test_texte_normalise_unifie_accents_ligatures_espaces():
    assert texte_normalise("Nœux-les-Mines") == texte_normalise("NOEUX-LES-MINES") == "noeux-les-mines"
    assert texte_normalise("Ville de  Bruay-La-Buissière") == "ville de bruay-la-buissiere"
