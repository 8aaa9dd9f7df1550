"""Le pipeline réel : exécuté par papermill, il produit le rapport HTML et ne touche jamais data/raw."""

import hashlib

import pytest

from politique_ville.runner import executer

pytestmark = pytest.mark.pipeline


def _empreintes(dossier):
    return {p.relative_to(dossier).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dossier.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rapport(racine, tmp_path_factory):
    raw = racine / "data" / "raw"
    avant = _empreintes(raw)
    base = tmp_path_factory.mktemp("execution")
    sortie, traitees = base / "reports" / "2019", base / "processed" / "2019"
    messages = []
    index = executer(2019, racine=racine, out=sortie, processed_dir=traitees,
                     sortie=lambda *a, **k: messages.append(" ".join(map(str, a))))
    return {"index": index, "sortie": sortie, "traitees": traitees, "avant": avant, "apres": _empreintes(raw),
            "messages": messages}


def test_data_raw_inchange_apres_execution(rapport):
    assert rapport["avant"], "data/raw est vide"
    assert rapport["apres"] == rapport["avant"]


def test_index_et_chapitre_html_produits(rapport):
    index = rapport["index"]
    assert index.name == "index.html" and index.is_file()
    page = index.read_text(encoding="utf-8")
    for titre in ("Données brutes reçues", "Nettoyage de la programmation et des financements",
                  "Nettoyage des données INSEE des quartiers", "Validation des données", "Concordance"):
        assert titre in page
    assert 'href="validation/index.html"' in page and (rapport["sortie"] / "validation" / "index.html").is_file()
    assert "programmation.csv" in page  # empreintes des entrées
    for nb in ("00_donnees_brutes", "01_nettoyage_financements", "02_nettoyage_insee", "03_validation",
               "90_concordance"):
        html = (rapport["sortie"] / f"{nb}.html").read_text(encoding="utf-8")
        assert "Traceback" not in html, nb
        assert (rapport["sortie"] / "notebooks" / f"{nb}.ipynb").is_file()
    concordance = (rapport["sortie"] / "90_concordance.html").read_text(encoding="utf-8")
    assert "1\u202f712\u202f989\u00a0€" in concordance  # total CGET publié et recalculé, au format français
    assert any(str(index) in m for m in rapport["messages"]), "le chemin du rapport n'est pas annoncé"


def test_tables_traitees_en_parquet(rapport):
    import pandas as pd
    prog = pd.read_parquet(rapport["traitees"] / "programmation.parquet")
    assert len(prog) == 131 and prog["credits_specifiques"].dtype == "float64"
    assert "Ville de Lillers" in set(prog["porteur"])  # « Ville de Lil lers » nettoyé
    assert not any(p.name.startswith(".") for p in rapport["traitees"].parent.iterdir()), "dossier de travail laissé"
