"""Les données brutes 2019 redonnent chaque chiffre publié, sauf les écarts documentés, et seulement eux."""

import pandas as pd
import pytest

from politique_ville.base.catalog import lire_table
from politique_ville.published.concordance import (
    STATUT_IDENTIQUE,
    STATUTS_ECART,
    concordance_annee,
    fournisseur_memoire,
)

TABLES_ATTENDUES = {
    "programmation",
    "porteurs",
    "porteurs_synthese",
    "feuille_de_route",
    "financements_programmation",
    "fonds_cohesion_sociale",
    "fonds_concours",
    "iti_feder",
    "npnru",
    "tfpb_conventions",
    "indicateurs_actions",
    "insee_qpv",
    "insee_references",
    "insee_provenance",
}


@pytest.fixture(scope="module")
def traitees(traitees_memoire):
    return traitees_memoire


@pytest.fixture(scope="module")
def concordance(catalogue, traitees):
    """Chaque chiffre publié recalculé à partir des tables nettoyées."""
    return concordance_annee(catalogue, fournisseur_memoire(traitees))


def test_toutes_les_tables_brutes_se_lisent(catalogue):
    assert TABLES_ATTENDUES <= set(catalogue.tables_brutes())
    for t in catalogue.tables_brutes():
        df = catalogue.lire_brut(t)
        assert len(df) > 0, t


def test_reference_bien_formee(catalogue):
    chiffres = lire_table(catalogue.reference_dir / "chiffres_publies_2019.csv")
    assert list(chiffres.columns[:-1]) == [
        "id",
        "section",
        "libelle",
        "valeur",
        "unite",
        "tolerance",
        "citation",
        "calcul",
        "nature",
        "derive",
    ]
    assert chiffres["id"].is_unique
    assert len(chiffres) >= 200
    pd.to_numeric(chiffres["valeur"])  # valeurs lisibles par machine
    assert (chiffres["citation"].str.len() > 0).all()


def test_citations_sont_dans_le_rapport(catalogue, racine):
    """Chaque citation est un extrait du texte du rapport (espaces normalisés)."""
    source = racine.parent / "shared" / "seed" / "000_64e695ba06afb542.txt"
    if not source.is_file():
        pytest.skip("texte du rapport absent (../shared/seed)")
    import re

    texte = re.sub(r"\s+", " ", source.read_text(encoding="utf-8"))
    chiffres = lire_table(catalogue.reference_dir / "chiffres_publies_2019.csv")
    absentes = [
        i
        for i, c in zip(chiffres["id"], chiffres["citation"])
        if re.sub(r"\s+", " ", c.strip(' «»"…')).strip() not in texte
    ]
    assert len(absentes) <= len(chiffres) * 0.1, f"citations introuvables dans le rapport : {absentes}"


def test_chiffres_recalcules_sauf_ecarts_documentes(concordance):
    ecarts = set(concordance.loc[concordance["statut"].isin(STATUTS_ECART), "id"])
    documentes = set(concordance.loc[concordance["ecart_documente"], "id"])
    assert ecarts - documentes == set(), (
        "écarts non documentés :\n"
        + concordance[concordance["id"].isin(ecarts - documentes)][
            ["id", "valeur_publiee", "valeur_recalculee", "explication"]
        ].to_string()
    )
    assert documentes - ecarts == set(), f"écarts documentés qui n'en sont plus : {sorted(documentes - ecarts)}"


def test_l_essentiel_est_recalcule(concordance):
    recalcules = concordance["statut"] == STATUT_IDENTIQUE
    assert recalcules.mean() > 0.8, concordance["statut"].value_counts()


@pytest.mark.parametrize(
    "id_, attendu",
    [
        ("ch2_prog_cget_total", 1712989),
        ("ch3_education_projets", 23),
        ("ch3_education_droit_commun", 295733),
        ("ch3_education_credits_specifiques", 773782),
        ("ch2_fin_montant_total", 5530289),
    ],
)
def test_chiffres_cles(concordance, id_, attendu):
    ligne = concordance.set_index("id").loc[id_]
    assert ligne["valeur_publiee"] == attendu
    assert ligne["valeur_recalculee"] == pytest.approx(attendu)
    assert ligne["statut"] == STATUT_IDENTIQUE


def test_contradictions_connues_du_rapport_sont_signalees(concordance):
    c = concordance.set_index("id")
    ecarts = c[c["statut"].isin(STATUTS_ECART)]
    # 129 projets vs 127 retenus, 25/87/14/1 par pilier, parts des financeurs = 109,2 %, 35,3 % ≠ 31,0 %
    assert len(ecarts) >= 5
    assert (ecarts["explication"].str.len() > 20).all()
