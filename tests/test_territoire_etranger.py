"""Preuve de bout en bout : un territoire FICTIF dont la programmation arrive dans une disposition étrangère (export
long, autres colonnes, autres libellés, SIRET), lue par sa correspondance déclarée dans ``params/2032.yaml``, avec un
fichier SCDL de l'agglomération, passe par le runner : chapitres 20, 30 (dont les besoins face aux moyens), 40, 90 et
fiches quartier. Les totaux, les chiffres par pilier et par thématique et les ratios par habitant sont calculés à la
main ici, depuis ``scripts/generer_programmation_etrangere.py`` (liste ``ACTIONS``).

Une correspondance fautive arrête l'exécution avant tout chapitre, avec le message en français, et laisse intact le
rapport précédent."""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest
from conftest import RACINE, empreintes

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_etranger"
ANNEE = 2032
PARAMS = FIXTURE / "params" / f"{ANNEE}.yaml"
pipeline = pytest.mark.pipeline

# Montants des 10 actions (crédits spécifiques = Etat BOP 147 + agglomération, déclarée « crédits spécifiques » ;
# droit commun = les autres financeurs), écrits à la main depuis le générateur.
#   1 QP01 Education        CS 8 000   DC 3 500      6 Intercommunal Accès aux droits  CS 5 000  DC —
#   2 QP02 Santé            CS 5 000   DC 3 000      7 QP03 Développement économique CS 7 000  DC 4 000
#   3 QP01 Culture          CS 6 500   DC 1 000      8 QP02+QP03 Prévention          CS 7 000  DC 4 000
#   4 QP02 Emploi           CS 10 000  DC 21 000     9 Intercommunal Participation   CS 3 000  DC —
#   5 QP01 Cadre de vie     CS 3 000   DC 11 000    10 Intercommunal Pilotage        CS 10 000 DC —


def _executer(base, params=PARAMS, raw=None):
    from politique_ville.runner import executer

    messages: list[str] = []
    index = executer(
        ANNEE,
        racine=RACINE,
        fichier_params=params,
        raw_dir=raw or base / "raw",
        out=base / "reports",
        processed_dir=base / "processed",
        sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
    )
    return index, messages


@pytest.fixture(scope="module")
def etranger(tmp_path_factory):
    base = tmp_path_factory.mktemp("etranger")
    shutil.copytree(FIXTURE / "raw" / str(ANNEE), base / "raw")
    avant = empreintes(FIXTURE)
    index, messages = _executer(base)
    return {
        "index": index,
        "sortie": index.parent,
        "base": base,
        "messages": messages,
        "traitees": base / "processed",
        "fixture_avant": avant,
        "fixture_apres": empreintes(FIXTURE),
    }


def _page(chemin) -> str:
    return html.unescape(chemin.read_text(encoding="utf-8")).replace("\u202f", " ").replace("\u00a0", " ")


def _tableau(page: str, titre: str) -> dict[str, list[str]]:
    """Les lignes (première cellule -> cellules suivantes) du tableau qui suit le titre ``<h4>`` donné."""
    m = re.search(rf"<h4>{re.escape(titre)}</h4>\s*(?:<div[^>]*>\s*)?(<table.*?</table>)", page, flags=re.S)
    assert m, f"tableau « {titre} » introuvable"
    lignes = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), flags=re.S):
        cellules = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", td)).strip()
            for td in re.findall(r"<td[^>]*>.*?</td>", tr, flags=re.S)
        ]
        if cellules:
            lignes[cellules[0]] = cellules[1:]
    return lignes


def _texte(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pipeline
def test_chapitres_20_30_40_90_et_fiches_produits(etranger):
    texte = "\n".join(etranger["messages"])
    for nom in (
        "01_nettoyage_financements",
        "03_validation",
        "20_programmation",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
        "90_concordance",
    ):
        page = etranger["sortie"] / f"{nom}.html"
        assert page.is_file(), nom
        assert "Traceback" not in page.read_text(encoding="utf-8"), nom
        assert re.search(rf"exécutée\s+{nom}", texte), nom
    assert sorted(p.stem for p in (etranger["sortie"] / "quartiers").glob("*.html")) == [
        "LOC-QP01",
        "LOC-QP02",
        "LOC-QP03",
    ]
    assert etranger["fixture_apres"] == etranger["fixture_avant"]


@pipeline
def test_programmation_nettoyee_totaux_a_la_main(etranger):
    prog = pd.read_parquet(etranger["traitees"] / "programmation.parquet")
    assert len(prog) == 10
    assert prog["credits_specifiques"].sum() == 64500 and prog["droit_commun"].sum() == 47500
    assert prog["cget"].sum() == 52000  # Etat BOP 147 seul
    assert prog["montant_agglomeration"].sum() == 12500 and prog["montant_region"].sum() == 10000
    fin = pd.read_parquet(etranger["traitees"] / "financements_programmation.parquet")
    assert fin.loc[fin["type_ligne"] == "total", "montant"].iloc[0] == 112000


@pipeline
def test_chapitre_20_financeurs_et_total(etranger):
    page = _page(etranger["sortie"] / "20_programmation.html")
    fin = _tableau(page, "Financement de la programmation par financeur")
    # 52 000 / 112 000 = 46,4 % ; 10 000 / 112 000 = 8,9 %
    assert any("52 000 €" in " ".join(v) and "46,4 %" in " ".join(v) for k, v in fin.items() if "crédits" in k)
    assert any("10 000 €" in " ".join(v) and "8,9 %" in " ".join(v) for k, v in fin.items() if k == "Région")
    assert "112 000 €" in _texte(page)


@pipeline
def test_chapitre_30_par_pilier_et_par_thematique(etranger):
    page = _page(etranger["sortie"] / "30_contribution_objectifs.html")
    emploi = _tableau(page, "Tableau du pilier — Emploi et développement économique")
    ligne = " ".join(emploi["Emploi et développement économique"])
    assert ligne.startswith("2 2") and "25 000 €" in ligne and "17 000 €" in ligne
    cohesion = _tableau(page, "Tableau du pilier — Cohésion sociale")
    ligne = " ".join(cohesion["Cohésion sociale"])
    assert "11 500 €" in ligne and "34 500 €" in ligne and ligne.startswith("6 ")
    cadre = _tableau(page, "Tableau du pilier — Cadre de vie et renouvellement urbain")
    assert "11 000 €" in " ".join(cadre["Cadre de vie et renouvellement urbain"])
    themes = _tableau(page, "Tableaux des thématiques de la cohésion sociale")
    assert "3 500 €" in " ".join(themes["Education"]) and "8 000 €" in " ".join(themes["Education"])
    assert "4 000 €" in " ".join(themes["Prévention"]) and "7 000 €" in " ".join(themes["Prévention"])
    assert "6 500 €" in " ".join(themes["Culture"])


@pipeline
def test_besoins_face_aux_moyens_ratios_a_la_main(etranger):
    page = _page(etranger["sortie"] / "30_contribution_objectifs.html")
    t = _tableau(page, "Besoins et moyens par quartier (rang du besoin : taux de pauvreté)")
    # rang -> quartier ; QP02 : 2 500 hab., 300 DE, actions 2 et 4 : CS 15 000, total 39 000
    assert t["1"][:1] == ["Quartier des Thermes"] and t["2"][:1] == ["Les Hauts d'Ailleurs"]
    thermes = " | ".join(t["1"])
    assert "15 000 € | 39 000 € | 6,00 € | 15,60 € | 50,00 € | 130 € | 0,80" in thermes
    # QP01 : 4 000 hab., 600 DE, actions 1, 3, 5 : CS 17 500, total 33 000
    assert "17 500 € | 33 000 € | 4,38 € | 8,25 € | 29,17 € | 55,00 € | 0,75" in " | ".join(t["2"])
    # QP03 : 1 500 hab., 250 DE, action 7 : CS 7 000, total 11 000 ; le taux de pauvreté le plus élevé (rang 1)
    assert "45,0 % | 45,5 % | 1 | 1 | 7 000 € | 11 000 € | 4,67 € | 7,33 € | 28,00 € | 44,00 € | 0,67" in " | ".join(
        t["3"]
    )
    texte = _texte(page)
    assert "Cité du Songe (45,0 %) : il n'est que 3e sur 3 pour le financement par habitant (7,33 €)" in texte
    assert (
        "6 actions sont rattachées à un quartier (83 000 €, soit 74,1 %) ; 4 actions sont comptées à part "
        "(29 000 €)" in texte
    )
    a_part = _tableau(page, "Actions comptées à part (plusieurs quartiers, commune entière, intercommunal)")
    assert " | ".join(a_part["plusieurs quartiers"]) == (
        "Chimère-les-Bains, Utopie-Saint-Martin | Quartier des Thermes, Cité du Songe | 1 | 7 000 € | 11 000 €"
    )
    assert " | ".join(a_part["intercommunal"]).endswith("| 3 | 18 000 € | 18 000 €")
    assert "Financement rattaché par habitant et besoin des quartiers, 2032" in page  # la figure (texte alternatif)
    assert "\\*" not in texte and "valeur reconstruite" not in texte.split("Les besoins face aux moyens")[-1]


@pipeline
def test_verification_independante_scdl_dans_la_concordance(etranger):
    texte = _texte(_page(etranger["sortie"] / "90_concordance.html"))
    assert (
        "7 porteurs comparés ; 1 concorde, 1 diffère, 4 sont absents de la programmation et 1 est absent du fichier "
        "SCDL. Le fichier (schéma SCDL 2.1 (16 colonnes, avec le RNA)) a 9 lignes : 7 comptées, 1 ligne d'un autre "
        "exercice que 2032 (800 €, non additionnés) et 1 ligne écartée (700 € de montants lisibles, non comptés)."
    ) in texte
    assert "Agglomération (EPCI) à Compagnie Imaginaire du Théâtre 3 000 € 2 500 € 500 € diffère" in texte
    # parts d'une subvention partagée : 2 000 € × 0,6 et × 0,4
    assert "Agglomération (EPCI) à Association Les Jardins Fictifs 1 200 €" in texte
    assert "Agglomération (EPCI) à Ville d'Ailleurs-la-Rivière 800 €" in texte
    # chaque montant déplié en ses lignes ; les lignes non comptées avec leur raison et leur montant
    assert "chaque montant déplié en ses lignes" in texte
    assert "convention du 20/11/2031 hors de l'exercice 2032" in texte
    assert "écrit en notation scientifique par un tableur" in texte
    assert "lu comme un nombre à virgule" in texte  # le SIRET réparé, dans les écarts au schéma


@pipeline
def test_correspondance_fautive_arrete_avant_tout_chapitre_rapport_intact(etranger, tmp_path):
    from politique_ville.base.errors import EchecExecution

    rapport = etranger["sortie"]
    avant = empreintes(rapport)
    tables_avant = empreintes(etranger["traitees"])
    yaml_faux = tmp_path / "faux.yaml"
    yaml_faux.write_text(
        (FIXTURE / "reference" / "correspondances" / f"programmation_{ANNEE}.yaml")
        .read_text(encoding="utf-8")
        .replace('    thematique: "Thème"', '    thematique: "Theme"'),
        encoding="utf-8",
    )
    params = tmp_path / f"{ANNEE}.yaml"
    params.write_text(
        PARAMS.read_text(encoding="utf-8").replace(
            f'correspondance_programmation: "correspondances/programmation_{ANNEE}.yaml"',
            f'correspondance_programmation: "{yaml_faux}"',
        ),
        encoding="utf-8",
    )
    messages: list[str] = []
    from politique_ville.runner import executer

    with pytest.raises(EchecExecution) as exc:
        executer(
            ANNEE,
            racine=RACINE,
            fichier_params=params,
            raw_dir=etranger["base"] / "raw",
            out=rapport,
            processed_dir=etranger["traitees"],
            sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
        )
    texte = str(exc.value) + "\n".join(messages)
    assert "01_nettoyage_financements" in texte
    assert "colonne « Theme »" in texte and "absente de l'export" in texte and "les plus proches : Thème" in texte
    assert not any(re.search(r"✓ (20|30|40|90)_", m) for m in messages)
    assert empreintes(rapport) == avant and empreintes(etranger["traitees"]) == tables_avant


@pipeline
def test_fichier_scdl_fautif_arrete_avant_tout_chapitre_rapport_intact(etranger, tmp_path):
    """Un pourcentageSubvention de 1,5 (au-delà du schéma) dans le fichier SCDL : erreur en français qui nomme le
    fichier, la ligne et la colonne ; ni le rapport ni les tables précédents ne changent."""
    from politique_ville.base.errors import EchecExecution

    rapport = etranger["sortie"]
    avant, tables_avant = empreintes(rapport), empreintes(etranger["traitees"])
    raw = tmp_path / "raw"
    shutil.copytree(etranger["base"] / "raw", raw)
    scdl = raw / "subventions_agglomeration_scdl.csv"
    lignes = scdl.read_text(encoding="utf-8").splitlines()
    lignes[3] = lignes[3].replace(",non,0.3,", ",non,1.5,")  # ligne 4 du fichier : la part de la régie
    scdl.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    messages: list[str] = []
    from politique_ville.runner import executer

    with pytest.raises(EchecExecution) as exc:
        executer(
            ANNEE,
            racine=RACINE,
            fichier_params=PARAMS,
            raw_dir=raw,
            out=rapport,
            processed_dir=etranger["traitees"],
            sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
        )
    texte = str(exc.value) + "\n".join(messages)
    assert (
        "fichier « subventions_agglomeration_scdl.csv », ligne 4, colonne « pourcentageSubvention » : "
        "pourcentageSubvention « 1.5 » hors de l'intervalle du schéma (0,01 à 1)"
    ) in texte
    assert not any(re.search(r"✓ (20|30|40|90)_", m) for m in messages)
    assert empreintes(rapport) == avant and empreintes(etranger["traitees"]) == tables_avant
