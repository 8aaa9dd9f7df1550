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
    sortie = tmp_path_factory.mktemp("rapport") / "2019"
    messages = []
    index = executer(2019, racine=racine, out=sortie, sortie=lambda *a, **k: messages.append(" ".join(map(str, a))))
    return {"index": index, "sortie": sortie, "avant": avant, "apres": _empreintes(raw), "messages": messages}


def test_data_raw_inchange_apres_execution(rapport):
    assert rapport["avant"], "data/raw est vide"
    assert rapport["apres"] == rapport["avant"]


def test_index_et_chapitre_html_produits(rapport):
    index = rapport["index"]
    assert index.name == "index.html" and index.is_file()
    page = index.read_text(encoding="utf-8")
    assert "Données brutes et totaux de contrôle" in page
    assert "programmation.csv" in page  # empreintes des entrées
    chap = rapport["sortie"] / "00_donnees_brutes.html"
    html = chap.read_text(encoding="utf-8")
    assert "Traceback" not in html and "Error" not in html.split("</style>")[-1]
    assert "1\u202f712\u202f989\u00a0€" in html  # total CGET publié et recalculé, au format français
    assert (rapport["sortie"] / "notebooks" / "00_donnees_brutes.ipynb").is_file()
    assert any(str(index) in m for m in rapport["messages"]), "le chemin du rapport n'est pas annoncé"
