"""Générateur d'années synthétiques du benchmark (``scripts/generer_territoire_synthetique.py``) : données fictives,
étiquetées comme telles, déterministes, sans identifiant qui puisse passer pour officiel, et acceptées telles quelles
par le nettoyage (comme le seraient les exports d'un vrai territoire de cette taille)."""

from __future__ import annotations

import importlib.util
import re

import pandas as pd
import pytest
from conftest import RACINE, empreintes

from politique_ville.catalog import Catalogue, lire_table
from politique_ville.nettoyage import Referentiels, nettoyer_financements, nettoyer_insee
from politique_ville.schemas import MOTIF_CODE_QP

FACTEUR = 1 / 16  # 100 QPV, 1 875 actions


def _generateur():
    spec = importlib.util.spec_from_file_location(
        "generer_territoire_synthetique", RACINE / "scripts" / "generer_territoire_synthetique.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthese(tmp_path_factory):
    gen = _generateur()
    a, b = tmp_path_factory.mktemp("synth_a"), tmp_path_factory.mktemp("synth_b")
    assert gen.main(["--facteur", str(FACTEUR), "--out", str(a)]) == 0
    assert gen.main(["--facteur", str(FACTEUR), "--out", str(b)]) == 0
    return {"dossier": a, "autre": b, "annee": 2099}


def test_deterministe_a_l_octet_pres(synthese):
    # les paramètres contiennent le chemin absolu des référentiels : seul fichier qui diffère d'un dossier à l'autre
    a, b = empreintes(synthese["dossier"]), empreintes(synthese["autre"])
    assert set(a) == set(b) and len(a) > 15
    assert {f for f in a if a[f] != b[f]} == {"params/2099.yaml"}


def test_codes_de_quartier_locaux_jamais_pris_pour_des_codes_insee(synthese):
    qpv = lire_table(synthese["dossier"] / "raw" / "2099" / "insee_qpv.csv")
    assert len(qpv) >= 100 and qpv["code_qp"].is_unique
    assert all(re.fullmatch(MOTIF_CODE_QP, c) and c.startswith(("LOC-QP", "LOC-QC")) for c in qpv["code_qp"])
    assert qpv["code_qp"].iloc[0] == "LOC-QP0001"


def test_etiquete_synthetique_partout(synthese):
    d = synthese["dossier"]
    params = (d / "params" / "2099.yaml").read_text(encoding="utf-8")
    assert 'territoire: "Territoire synthétique (données fictives' in params
    for readme in (d / "README.md", d / "raw" / "2099" / "README.md", d / "reference" / "README.md"):
        assert "SYNTHÉTIQUES" in readme.read_text(encoding="utf-8") and "fictives" in readme.read_text(encoding="utf-8")
    prog = lire_table(d / "raw" / "2099" / "programmation.csv")
    communes = lire_table(d / "reference" / "communes.csv")
    assert communes["code_insee"].fillna("").eq("").all()  # aucun code INSEE de commune inventé
    assert len(prog) == 1875
    provenance = lire_table(d / "raw" / "2099" / "insee_provenance.csv")
    # chaque valeur par quartier dit qu'elle est fictive (rien de reconstruit ne passe pour publié)
    assert provenance["commentaire"].str.contains("données fictives", regex=False).all()
    assert "publié" not in set(provenance["provenance"])


def test_accepte_tel_quel_par_le_nettoyage(synthese):
    d = synthese["dossier"]
    cat = Catalogue.pour(synthese["annee"], RACINE, raw_dir=d / "raw" / "2099", reference_dir=d / "reference")
    refs = Referentiels.charger(cat)
    bruts = {t: cat.lire_brut(t) for t in cat.tables_brutes()}
    assert set(bruts) >= {"programmation", "insee_qpv", "insee_references", "feuille_de_route"}
    sorties = {**nettoyer_financements(bruts, refs), **nettoyer_insee(bruts, refs)}
    assert len(sorties["programmation"]) == len(bruts["programmation"])
    assert len(sorties["insee_qpv"]) == len(bruts["insee_qpv"])
    # quartiers sur plusieurs communes éclatés, comme pour l'INSEE
    assert len(sorties["insee_qpv_communes"]) > len(sorties["insee_qpv"])
    assert pd.api.types.is_numeric_dtype(sorties["insee_qpv"]["pop_mun"])


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Option ``--insee-national 2015 2024``, deux fois (déterminisme), à petite taille (25 QPV du territoire)."""
    gen = _generateur()
    a, b = tmp_path_factory.mktemp("national_a"), tmp_path_factory.mktemp("national_b")
    for d in (a, b):
        assert gen.main(["--facteur", str(1 / 64), "--out", str(d), "--insee-national", "2015", "2024"]) == 0
    return a, b


def test_fichier_national_fictif_au_format_de_l_insee(national):
    from politique_ville.schemas import geographie_qpv, renommages_colonnes

    a, b = national
    ea, eb = empreintes(a), empreintes(b)
    assert {f for f in ea if ea[f] != eb[f]} == {"params/2099.yaml"}  # classeurs identiques à l'octet près
    assert {f for f in ea if f.startswith("insee_national/")} == {
        "insee_national/README.md",
        "insee_national/insee_qpv_national_fictif_2015.xlsx",
        "insee_national/insee_qpv_national_fictif_2024.xlsx",
    }
    territoire = lire_table(a / "raw" / "2099" / "insee_qpv.csv")
    qpv_territoire = territoire[territoire["type_quartier"] == "QPV"]
    assert len(qpv_territoire) == 25
    for geographie, prefixe in (("2015", "QP"), ("2024", "QN")):
        df = lire_table(a / "insee_national" / f"insee_qpv_national_fictif_{geographie}.xlsx")
        # mise en page de l'INSEE : 2 lignes de titre et une vide, libellés ligne 4, noms de variables ligne 5
        assert "FICHIER FICTIF" in df.attrs["titres"][0] and f"géographie {geographie}" in df.attrs["titres"][0]
        assert df.attrs["source"]["ligne_entete"] == 5 and df["ligne_source"].iloc[0] == 6
        assert df.attrs["libelles"]["TP60"] == "Taux de pauvreté"
        assert [n.split(" :")[0] for n in df.attrs["notes"]] == ["Source", "Champ", "Note"]
        assert len(df.columns) == 44 + 1 and all(c.isupper() for c in df.columns if c != "ligne_source")
        assert set(renommages_colonnes("insee_qpv", df.columns[:3])) == {"CODE_QP", "NOM_QP", "NOM_COMMUNE"}
        # 25 QPV du territoire (« département » 99), 6 autres dans le 99, 12 dans le 96
        assert len(df) == 25 + 6 + 12 and df["CODE_QP"].is_unique
        assert {geographie_qpv(c) for c in df["CODE_QP"]} == {geographie}
        assert all(c.startswith((f"{prefixe}99", f"{prefixe}96")) for c in df["CODE_QP"])
        assert df["CODE_QP"].iloc[0] == ("QP990001" if geographie == "2015" else "QN990001F")
        # mêmes communes et populations que le fichier du territoire, dans le même ordre
        assert df["POP_MUN"].iloc[:25].tolist() == qpv_territoire["pop_mun"].tolist()
        cellules = set(df.drop(columns=["ligne_source"]).to_numpy().ravel())
        assert {"s", "nd", ""} <= cellules
        communes = set(", ".join(df["NOM_COMMUNE"]).split(", "))
        refs = Referentiels(
            communes=pd.DataFrame({"nom_officiel": sorted(communes), "code_insee": "", "variantes": ""}),
            porteurs=pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"]),
            nomenclature=pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"]),
        )
        sorties = nettoyer_insee({"insee_qpv": df}, refs)
        propre = sorties["insee_qpv"]
        assert set(propre["geographie_qpv"]) == {geographie}
        assert pd.api.types.is_float_dtype(propre["tp60"]) and propre["tp60"].isna().any()
        assert set(sorties["insee_valeurs_manquantes"]["motif"]) == {"secret statistique", "non disponible"}
