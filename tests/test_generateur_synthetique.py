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
    spec = importlib.util.spec_from_file_location("generer_territoire_synthetique",
                                                  RACINE / "scripts" / "generer_territoire_synthetique.py")
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
