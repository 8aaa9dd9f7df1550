"""Un chiffre, une vérité d'un chapitre à l'autre (issue 19, point 4).

- un financeur sans ligne pour une action d'un export long vaut 0 € dans la programmation, donc 0 € au chapitre 30
  (sommes par thème) comme au chapitre 90 (``somme`` du langage de recalcul) ;
- un chiffre que les tables ne donnent pas est « non recalculable » au chapitre 30 comme au chapitre 90 ;
- la table des financeurs calculée à partir d'un export dit « calculé », jamais « publié », et nomme l'export ;
  les montants de l'export sont « reçus » (vocabulaire de ``provenance.py``).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.base.catalog import Catalogue
from politique_ville.clean.correspondance import PROVENANCE_EXPORT, export_des_financements, preparer_programmation
from politique_ville.clean.nettoyage import Referentiels, nettoyer_financements
from politique_ville.compute import contribution as ctb
from politique_ville.compute import programmation as prog
from politique_ville.narration import programmation as narr
from politique_ville.present import programmation as pp
from politique_ville.published.chiffres import evaluer
from politique_ville.published.concordance import table_concordance

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_etranger"


@pytest.fixture(scope="module")
def etranger():
    refs = Referentiels.charger(Catalogue.pour(2032, RACINE, reference_dir=FIXTURE / "reference"))
    r = preparer_programmation(
        FIXTURE / "reference" / "correspondances" / "programmation_2032.yaml", FIXTURE / "raw" / "2032", refs
    )
    return r, nettoyer_financements(r.bruts(), refs)


def test_financeur_sans_ligne_vaut_zero_dans_les_chapitres_30_et_90(etranger):
    _, tables = etranger
    p = tables["programmation"]
    # « Accès aux droits » (action 6 : ANCT 2 500, agglomération 2 500) : aucune ligne de droit commun
    sel = p[p["thematique"] == "Accès aux droits"]
    assert sel["droit_commun"].tolist() == [0.0]
    chapitre_30 = ctb._somme(sel["droit_commun"])
    chapitre_90 = evaluer('somme("programmation", "droit_commun", thematique="Accès aux droits")', tables.get).valeur
    assert chapitre_30 == chapitre_90 == 0.0


def test_non_recalculable_dans_les_chapitres_30_et_90():
    """Le droit commun publié du thème « X » (100 €) quand la table n'a que des valeurs manquantes pour ce thème :
    ni 0 €, ni écart, au chapitre 30 comme au chapitre 90."""
    chiffres = pd.DataFrame(
        [
            {
                "id": "ch3_x_droit_commun",
                "section": "3.2",
                "libelle": "X : droit commun",
                "valeur": "100",
                "unite": "€",
                "tolerance": "",
                "citation": "",
                "calcul": 'somme("programmation", "droit_commun", thematique="X")',
                "nature": "vérification indépendante",
                "derive": "",
            }
        ]
    )
    tables = {"programmation": pd.DataFrame({"thematique": ["X", "Y"], "droit_commun": [math.nan, 5.0]})}
    t = table_concordance(chiffres, None, tables.get)
    assert t["statut"].tolist() == ["non recalculable"]
    assert "toutes les valeurs sont manquantes" in t["explication"].iloc[0]
    recalcules = pd.DataFrame(
        {"thematique": ["X"], "droit_commun": [ctb._somme(tables["programmation"]["droit_commun"][:1])]}
    )
    conf = ctb.confronter_publies(recalcules, chiffres, None, "thematique")
    assert conf[["id", "statut"]].values.tolist() == [["ch3_x_droit_commun", "non recalculable"]]
    # une somme de valeurs présentes reste une somme (0 € compris) ; une sélection vide fait 0
    assert evaluer('somme("programmation", "droit_commun", thematique="Y")', tables.get).valeur == 5.0
    assert evaluer('somme("programmation", "droit_commun", thematique="Z")', tables.get).valeur == 0.0


def test_table_des_financeurs_calculee_dit_calcule_et_nomme_l_export(etranger):
    r, tables = etranger
    fin_brut = r.tables["financements_programmation"]
    assert export_des_financements(fin_brut) == "programmation_export.csv"
    assert export_des_financements(tables["financements_programmation"]) == "programmation_export.csv"
    fin = prog.financement_par_financeur(tables["financements_programmation"])
    vue = pp.vue_financeurs(fin, "programmation_export.csv")
    assert "Part calculée (%)" in vue.columns and "Montant calculé : somme des actions (€)" in vue.columns
    assert not any("publi" in c for c in vue.columns)
    assert "« programmation_export.csv »" in pp.note_financeurs("programmation_export.csv")
    phrase = narr.parts_financeurs(fin, pd.DataFrame({"valeur_recalculee": [112000.0]}), "programmation_export.csv")
    assert phrase.startswith("Les montants par financeur sont les sommes des montants reçus dans l'export")
    assert "publiée" not in phrase and "aucune n'est un chiffre publié" in phrase
    # les montants de l'export sont « reçus » (provenance) ; le rapport publié de 2019 garde « publié »
    assert PROVENANCE_EXPORT == "reçu"
    assert set(r.tables["programmation"]["provenance_credits_specifiques"]) == {"reçu"}


def test_table_des_financeurs_publiee_garde_ses_intitules(traitees_memoire):
    fin_2019 = traitees_memoire["financements_programmation"]
    assert export_des_financements(fin_2019) == ""
    vue = pp.vue_financeurs(prog.financement_par_financeur(fin_2019))
    assert "Part publiée (%)" in vue.columns and "Montant publié (€)" in vue.columns
    assert pp.note_financeurs().startswith("« Montant qu'impliquerait la part publiée »")


def test_ecarts_des_totaux_de_l_export_au_chapitre_20(etranger):
    """Le total « Conseil régional » (11 000 pour 10 000 dans les actions) et le total général (113 000 pour
    112 000) : deux écarts, relus dans la table des financements nettoyée, avec les deux montants."""
    _, tables = etranger
    e = prog.ecarts_des_financements(tables["financements_programmation"])
    assert e.values.tolist() == [
        ["Région", 11000.0, 10000.0, 1000.0, "programmation_export.csv"],
        ["Tous financeurs (total général)", 113000.0, 112000.0, 1000.0, "programmation_export.csv"],
    ]
    vue = pp.vue_ecarts_totaux_export(e)
    assert vue["titre"] == "Totaux de l'export « programmation_export.csv » qui diffèrent de la somme de ses lignes"
    assert list(vue["df"].columns) == [
        "Financeur",
        "Total imprimé dans l'export (€)",
        "Somme des lignes des actions (€)",
        "Écart : export − actions (€)",
    ]
    assert pp.phrase_ecarts_totaux_export(e, "programmation_export.csv").startswith("**2 totaux** imprimés")
    assert pp.phrase_ecarts_totaux_export(e.iloc[:0], "x.csv").startswith("Les totaux imprimés dans l'export")
    assert pp.phrase_ecarts_totaux_export(e, "") == ""


def test_intitules_des_controles_et_introduction_selon_la_table(etranger, traitees_memoire):
    _, tables = etranger
    calcules = prog.controles_financement(tables["financements_programmation"])["libelle"].tolist()
    assert calcules[1] == "Somme des parts calculées des financeurs"
    assert calcules[2] == "Part « Etat - crédits spécifiques » recalculée : montant / montant total"
    assert calcules[3] == "Montant « Etat - crédits spécifiques » qu'impliquerait la part calculée"
    assert not any("publi" in x for x in calcules)
    publies = prog.controles_financement(traitees_memoire["financements_programmation"])["libelle"].tolist()
    assert publies[1] == "Somme des parts publiées des financeurs"
    assert narr.intro_financeurs("programmation_export.csv").endswith("Ni ces montants ni ces parts ne sont publiés.")
    assert narr.intro_financeurs().startswith("Le rapport publie le montant total de la programmation")
