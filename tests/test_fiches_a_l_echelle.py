"""Fiches quartier à l'échelle d'une région ou de la France : liste des fiches groupée par région, département et
commune avec un champ de recherche au-delà de 50 fiches (chapitre 10 et index du rapport), simple liste en deçà."""

import datetime as dt
import importlib.util
import re

import pandas as pd
import pytest
from conftest import INTITULE_PIEGE, RACINE

from politique_ville.report import export
from politique_ville.report import fiches as rf

# Auchel (62048) : Pas-de-Calais, Hauts-de-France ; Paris 1er arrondissement (75101, ARM) : Paris, Île-de-France ;
# Lille (59350) : Nord, Hauts-de-France ; un code local sans commune du COG
COMMUNES = pd.DataFrame(
    {
        "code_qp": ["QP062001", "QP062001", "QP075001", "QP059001", "LOC-QP99"],
        "commune": ["Auchel", "Cauchy-à-la-Tour", "Paris", "Lille", "Bourg-Local"],
        "code_insee": ["62048", "62217", "75101", "59350", None],
        "rang": [1, 2, 1, 1, 1],
    }
)


def test_rattachement_par_la_premiere_commune_et_le_cog():
    r = rf.rattachement_fiches(COMMUNES).set_index("code_qp")
    assert r.loc["QP062001"].tolist() == ["Hauts-de-France", "Pas-de-Calais (62)", "Auchel"]
    assert r.loc["QP075001"].tolist() == ["Île-de-France", "Paris (75)", "Paris"]  # arrondissement : sa commune
    assert r.loc["QP059001"].tolist() == ["Hauts-de-France", "Nord (59)", "Lille"]
    assert r.loc["LOC-QP99"].tolist() == ["", "", "Bourg-Local"]  # hors COG : la commune seulement
    # rang 2 donné en premier dans la table : c'est toujours la commune de rang 1 qui compte
    r2 = rf.rattachement_fiches(COMMUNES.iloc[::-1]).set_index("code_qp")
    assert r2.loc["QP062001", "commune"] == "Auchel"


def liens(n: int) -> pd.DataFrame:
    """n quartiers avec fiche : le premier porte l'intitulé piégé ; répartis entre Auchel, Paris, Lille et la commune
    hors COG (un sur quatre chacun)."""
    codes = [["QP062001", "QP075001", "QP059001", "LOC-QP99"][i % 4] + f"-{i:04d}" for i in range(n)]
    return pd.DataFrame(
        {
            "code_qp": codes,
            "quartier": [INTITULE_PIEGE if i == 0 else f"Quartier {i:04d}" for i in range(n)],
            "type_libelle": ["Quartier prioritaire (QPV)"] * n,
            "communes": [["Auchel", "Paris", "Lille", "Bourg-Local"][i % 4] for i in range(n)],
            "lien": [f"quartiers/{c}.html" for c in codes],
        }
    )


def communes_de(li: pd.DataFrame) -> pd.DataFrame:
    base = COMMUNES[COMMUNES["rang"] == 1].set_index(COMMUNES[COMMUNES["rang"] == 1]["code_qp"])
    lignes = [base.loc[c.split("-")[0] if not c.startswith("LOC") else "LOC-QP99"] for c in li["code_qp"]]
    return pd.DataFrame(lignes).assign(code_qp=list(li["code_qp"])).reset_index(drop=True)


def test_jusqu_a_50_fiches_une_simple_liste():
    li = liens(50)
    page = rf.liste_fiches_html(li, qpv_communes=communes_de(li))
    assert page.startswith("<ul>") and page.count("<li>") == 50
    assert "<details" not in page and "filtre-fiches" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;intrus&#x27;)&lt;/script&gt;" in page


def test_au_dela_de_50_fiches_groupees_avec_recherche():
    li = liens(51)
    page = rf.liste_fiches_html(li, {li["code_qp"][1]: "(supposé : QPV, Paris)"}, communes_de(li))
    assert page.count('<li class="fiche"') == 51
    assert 'input type="search" class="filtre-fiches"' in page and "51 fiches, par région" in page
    # groupes : 2 régions du COG + les communes hors COG ; Hauts-de-France : 13 fiches d'Auchel + 13 de Lille
    assert re.search(r"<summary>Hauts-de-France <span class=\"nb\">\(26 fiches\)</span></summary>", page)
    assert re.search(r"<summary>Île-de-France <span class=\"nb\">\(13 fiches\)</span></summary>", page)
    assert re.search(r"<summary>Communes hors du Code officiel géographique <span class=\"nb\">\(12 fiches\)", page)
    assert "<summary>Nord (59) " in page and "<summary>Pas-de-Calais (62) " in page and "<summary>Paris (75) " in page
    # ordre : les régions par nom, le groupe hors COG en dernier
    assert page.index("Hauts-de-France") < page.index("Île-de-France") < page.index("Communes hors du Code")
    # tout est échappé, y compris le texte de recherche ; la marque « supposé » est gardée
    assert "<script>alert" not in page and page.count("&lt;script&gt;alert") == 2
    assert "(supposé : QPV, Paris)" in page
    # recherche sans accents ni majuscules : « ile-de-france », « pas-de-calais »
    assert 'data-recherche="quartier 0002 quartier prioritaire (qpv), lille lille nord (59) hauts-de-france"' in page
    assert 'data-recherche="quartier 0005 quartier prioritaire (qpv), paris paris paris (75) ile-de-france"' in page


def test_compte_singulier_et_pluriel():
    fiches = [
        {"lien": f"q{i}.html", "titre": f"Q{i}", "commune": c, "region": r, "departement": d}
        for i, (c, r, d) in enumerate(
            [("Auchel", "Hauts-de-France", "Pas-de-Calais (62)")] * 2 + [("Lille", "Hauts-de-France", "Nord (59)")]
        )
    ]
    page = rf.fiches_groupees_html(fiches)
    assert '<summary>Nord (59) <span class="nb">(1 fiche)</span>' in page
    assert '<summary>Pas-de-Calais (62) <span class="nb">(2 fiches)</span>' in page
    assert "<details open><summary>Hauts-de-France" in page  # une seule région : dépliée


def index(tmp_path, n: int, rattachees: bool = True) -> str:
    fiches = [
        {
            "titre": f"Quartier {i} (QP{i:04d}) — Lille",
            "html": f"quartiers/QP{i:04d}.html",
            **({"region": "Hauts-de-France", "departement": "Nord (59)", "commune": "Lille"} if rattachees else {}),
        }
        for i in range(n)
    ]
    export.ecrire_index(
        tmp_path,
        annee=2019,
        territoire="Essai",
        chapitres=[],
        parametres={},
        entrees=[],
        version="essai",
        debut=dt.datetime(2026, 1, 2, 3, 4),
        fiches=fiches,
    )
    return (tmp_path / "index.html").read_text(encoding="utf-8")


def test_index_groupe_au_dela_de_50_fiches(tmp_path):
    assert '<ul class="fiches">' in index(tmp_path, 50) and "filtre-fiches" not in index(tmp_path, 50)
    page = index(tmp_path, 51)
    assert '<ul class="fiches">' not in page and "filtre-fiches" in page
    assert page.count('<li class="fiche"') == 51 and "(51 fiches)</span></summary>" in page
    # fiches sans rattachement (table des communes absente) : simple liste, même nombreuses
    assert '<ul class="fiches">' in index(tmp_path, 51, rattachees=False)


# --------------------------------------------------------------------------------------------- exécution interrompue


def _generateur():
    spec = importlib.util.spec_from_file_location(
        "generer_territoire_synthetique", RACINE / "scripts" / "generer_territoire_synthetique.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.pipeline
def test_execution_interrompue_au_milieu_des_fiches_puis_reprise(tmp_path, monkeypatch):
    """Petit territoire synthétique : un rapport de 4 fiches, puis une exécution à 8 fiches interrompue après la
    3e fiche terminée (le rapport précédent reste intact), puis l'exécution suivante ne refait que les 5 autres."""
    from politique_ville.runner import executer
    from politique_ville.runner import fiches as module_fiches

    gen = _generateur()
    d = tmp_path / "synth"
    assert gen.main(["--facteur", str(1 / 64), "--out", str(d)]) == 0
    params = d / "params" / "2099.yaml"
    sortie, traitees = tmp_path / "reports" / "2099", tmp_path / "processed" / "2099"
    messages: list[str] = []

    def lancer(n: int):
        params.write_text(
            re.sub(r"(?m)^fiches_quartier:.*$", f"fiches_quartier: {n}", params.read_text(encoding="utf-8")),
            encoding="utf-8",
        )
        messages.clear()
        return executer(
            2099,
            racine=RACINE,
            fichier_params=params,
            raw_dir=d / "raw" / "2099",
            out=sortie,
            processed_dir=traitees,
            chapitres=["fiches"],
            jobs=1,
            sortie=lambda *a: messages.append(" ".join(map(str, a))),
        )

    index = lancer(4)
    avant = {p.relative_to(sortie): p.read_bytes() for p in sortie.rglob("*") if p.is_file()}
    assert len(list((sortie / "quartiers").glob("*.html"))) == 4

    vrai_lot, executees = module_fiches.executer_fiches, []

    def lot_interrompu(modele, file_codes, dossier, parametres, *, faite, **k):
        def faite_puis_arret(code):
            faite(code)
            executees.append(code)
            if len(executees) == 3:
                raise KeyboardInterrupt

        return vrai_lot(modele, file_codes, dossier, parametres, faite=faite_puis_arret, **k)

    monkeypatch.setattr(module_fiches, "executer_fiches", lot_interrompu)
    with pytest.raises(KeyboardInterrupt):
        lancer(8)
    # le rapport précédent est intact, octet pour octet
    assert {p.relative_to(sortie): p.read_bytes() for p in sortie.rglob("*") if p.is_file()} == avant

    def lot_compte(modele, file_codes, dossier, parametres, *, faite, **k):
        def faite_et_comptee(code):
            faite(code)
            executees.append(code)

        return vrai_lot(modele, file_codes, dossier, parametres, faite=faite_et_comptee, **k)

    premieres, executees[:] = list(executees), []
    monkeypatch.setattr(module_fiches, "executer_fiches", lot_compte)
    index = lancer(8)
    texte = "\n".join(messages)
    assert "3 fiches d'une exécution interrompue reprises telles quelles" in texte
    assert "8 fiches dont 3 reprises d'une exécution interrompue" in texte
    assert len(executees) == 5 and not set(executees) & set(premieres)  # seulement ce qui manquait
    pages = sorted(p.stem for p in (sortie / "quartiers").glob("*.html"))
    assert len(pages) == 8 and set(premieres) <= set(pages)
    assert all((sortie / "quartiers" / "notebooks" / f"{c}.ipynb").is_file() for c in pages)
    assert "Traceback" not in (sortie / "quartiers" / f"{premieres[0]}.html").read_text(encoding="utf-8")
    page_index = index.read_text(encoding="utf-8")
    assert all(f"quartiers/{c}.html" in page_index for c in pages)
    # rien de la reprise ne reste : ni journal dans le rapport, ni dossier mis de côté
    assert not list((sortie / "quartiers").glob(".*"))
    assert not (sortie.parent / ".2099.fiches-interrompues").exists()
    assert not (sortie.parent / ".2099.en-cours").exists()
