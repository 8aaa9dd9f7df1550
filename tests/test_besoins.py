"""Les besoins face aux moyens par quartier (compute.besoins, narration.besoins, present_besoins, figures.besoins), et
le branchement de la correspondance et des fichiers SCDL sur les paramètres d'une année.

Petites tables écrites à la main ; chaque ratio est recalculé à la main dans le test."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.compute import besoins as cb
from politique_ville.narration import besoins as nb
from politique_ville.present import besoins as pb

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_etranger"


def _prog(lignes):
    """lignes : (id, qpv, cs, dc, provenance)."""
    return pd.DataFrame(
        [
            {
                "id_action": i,
                "qpv": q,
                "credits_specifiques": cs,
                "droit_commun": dc,
                "provenance_credits_specifiques": p,
                "provenance_droit_commun": p,
            }
            for i, q, cs, dc, p in lignes
        ]
    )


def _pc(lignes):
    """lignes : (id, commune, perimetre)."""
    return pd.DataFrame([{"id_action": i, "commune": c, "perimetre": p} for i, c, p in lignes])


QPV = pd.DataFrame(
    {
        "code_qp": ["QA", "QB", "QC", "QX"],
        "nom_qp": ["Alpha", "Bêta", "Gamma", "Veille"],
        "nom_commune": ["Ville-A", "Ville-B", "Ville-B", "Ville-A"],
        "type_quartier": ["QPV", "QPV", "QPV", "quartier de veille"],
        "pop_mun": [2000, 1000, 0, None],
        "abcde": [400, 100, 50, None],
        "tp60": [40.0, 30.0, 50.0, None],
        "tx_tot_empl": [45.0, 55.0, 40.0, None],
    }
)
QPV_COMMUNES = pd.DataFrame(
    {
        "code_qp": ["QA", "QB", "QC", "QX"],
        "commune": ["Ville-A", "Ville-B", "Ville-B", "Ville-A"],
        "perimetre": [False] * 4,
    }
)


@pytest.fixture
def avec_quartiers():
    prog = _prog(
        [
            ("a1", "QA", 1000.0, 3000.0, "publié"),
            ("a2", "Alpha", 500.0, None, "publié"),
            ("a3", "QB", 2000.0, 2000.0, "publié"),
            ("a4", "QA, QB", 700.0, 300.0, "publié"),
            ("a5", "", 900.0, 100.0, "publié"),
            ("a6", "", 400.0, None, "publié"),
        ]
    )
    pc = _pc(
        [
            ("a1", "Ville-A", False),
            ("a2", "Ville-A", False),
            ("a3", "Ville-B", False),
            ("a4", "Ville-A", False),
            ("a4", "Ville-B", False),
            ("a5", "Intercommunal", True),
            ("a6", "Ville-A", False),
        ]
    )
    return prog, pc


def test_rattachement_quand_la_programmation_nomme_les_quartiers(avec_quartiers):
    prog, pc = avec_quartiers
    r = cb.rattachement_actions(prog, pc, QPV, QPV_COMMUNES).set_index("id_action")
    assert r.loc["a1", "rattachement"] == cb.QUARTIER and r.loc["a1", "code_qp"] == "QA"
    assert r.loc["a2", "code_qp"] == "QA"  # quartier nommé par son nom
    assert (r.loc["a4", "rattachement"], r.loc["a4", "code_qp"], r.loc["a4", "quartiers"]) == (
        cb.PLUSIEURS_QUARTIERS,
        "",
        "QA, QB",
    )
    assert r.loc["a5", "rattachement"] == cb.INTERCOMMUNAL
    # Ville-A n'a qu'un QPV, mais la programmation nomme les quartiers : une action de la commune reste à part
    assert (r.loc["a6", "rattachement"], r.loc["a6", "code_qp"]) == (cb.COMMUNE_ENTIERE, "")


def test_ratios_par_habitant_et_par_demandeur_calcules_a_la_main(avec_quartiers):
    prog, pc = avec_quartiers
    b, a, bilan = cb.vue_besoins_moyens(prog, pc, QPV, QPV_COMMUNES)
    b = b.set_index("code_qp")
    assert list(b.index) == ["QB", "QA", "QC"]  # rangé par financement total par habitant ; le quartier de veille exclu
    qa = b.loc["QA"]
    # QA : a1 (1 000 + 3 000) et a2 (500) ; 2 000 habitants, 400 demandeurs d'emploi
    assert (qa["actions"], qa["credits_specifiques"], qa["financement_total"]) == (2, 1500.0, 4500.0)
    assert qa["cs_par_habitant"] == pytest.approx(1500 / 2000) and qa["total_par_habitant"] == pytest.approx(2.25)
    assert qa["cs_par_demandeur"] == pytest.approx(3.75) and qa["total_par_demandeur"] == pytest.approx(11.25)
    assert qa["actions_pour_1000"] == pytest.approx(1.0)
    qb = b.loc["QB"]  # a3 : 2 000 + 2 000 ; 1 000 habitants, 100 demandeurs
    assert qb["total_par_habitant"] == pytest.approx(4.0) and qb["cs_par_demandeur"] == pytest.approx(20.0)
    assert qb["actions_pour_1000"] == pytest.approx(1.0)
    assert qb["rang_total_par_habitant"] == 1 and qa["rang_total_par_habitant"] == 2
    # QC : aucune action (0 €), population nulle -> ratios par habitant manquants, jamais infinis
    qc = b.loc["QC"]
    assert qc["actions"] == 0 and qc["financement_total"] == 0.0
    assert math.isnan(qc["total_par_habitant"]) and math.isnan(qc["actions_pour_1000"])
    assert qc["total_par_demandeur"] == 0.0 and pd.isna(qc["rang_total_par_habitant"])
    # besoin : taux de pauvreté le plus élevé = rang 1
    assert (b.loc["QC", "rang_besoin"], b.loc["QA", "rang_besoin"], b.loc["QB", "rang_besoin"]) == (1, 2, 3)
    # à part : plusieurs quartiers (a4), commune entière (a6), intercommunal (a5) — jamais répartis
    assert list(a["rattachement"]) == [cb.PLUSIEURS_QUARTIERS, cb.COMMUNE_ENTIERE, cb.INTERCOMMUNAL]
    assert list(a["financement_total"]) == [1000.0, 400.0, 1000.0]
    # rattaché + à part = programmation
    assert bilan["financement_total"] == 4500 + 4000 + 1000 + 1000 + 400
    assert bilan["total_rattache"] + bilan["total_a_part"] == bilan["financement_total"]
    assert (bilan["actions_rattachees"], bilan["actions_a_part"]) == (3, 3)


def test_sans_taux_de_pauvrete_le_besoin_est_le_taux_d_emploi_le_plus_faible(avec_quartiers):
    prog, pc = avec_quartiers
    b = cb.besoins_moyens(prog, cb.rattachement_actions(prog, pc, QPV, QPV_COMMUNES), QPV.drop(columns="tp60"))
    assert cb.indicateur_de_besoin(b)[0] == "tx_tot_empl"
    assert dict(zip(b["code_qp"], b["rang_besoin"])) == {"QA": 2, "QB": 3, "QC": 1}
    vue = pb.vue_besoins(b, "tx_tot_empl")
    assert pb.COL_TP60 not in vue["df"].columns and pb.COL_EMPLOI in vue["df"].columns
    assert "taux d'emploi" in vue["titre"]


def test_rattachement_par_la_commune_quand_aucun_quartier_n_est_nomme():
    # programmation du rapport 2019 : actions situées par commune seulement, montants reconstruits
    prog = _prog([("b1", None, 100.0, 50.0, "reconstruit"), ("b2", None, 300.0, None, "reconstruit")]).drop(
        columns="qpv"
    )
    pc = _pc([("b1", "Ville-A", False), ("b2", "Ville-B", False)])
    r = cb.rattachement_actions(prog, pc, QPV, QPV_COMMUNES).set_index("id_action")
    # Ville-A : un seul QPV (QA ; le quartier de veille QX ne compte pas) ; Ville-B : deux QPV
    assert (r.loc["b1", "rattachement"], r.loc["b1", "code_qp"]) == (cb.COMMUNE_SEUL_QPV, "QA")
    assert (r.loc["b2", "rattachement"], r.loc["b2", "quartiers"]) == (cb.COMMUNES_PLUSIEURS_QPV, "QB, QC")
    b, a, bilan = cb.vue_besoins_moyens(prog, pc, QPV, QPV_COMMUNES)
    qa = b.set_index("code_qp").loc["QA"]
    assert qa["financement_total"] == 150.0 and qa["provenance_total"] == "reconstruit"
    assert (
        b.set_index("code_qp").loc["QB", "provenance_total"] == "publié"
    )  # rien de rattaché : 0 € sans reconstruction
    assert bilan["rattachement_par_commune"] and bilan["provenance_total"] == "reconstruit"
    assert "commune (seul QPV)" in nb.regle(bilan)
    # forcé : pas de rattachement par la commune
    r2 = cb.rattachement_actions(prog, pc, QPV, QPV_COMMUNES, par_commune=False).set_index("id_action")
    assert r2.loc["b1", "rattachement"] == cb.COMMUNE_ENTIERE


# --------------------------------------------------------------------------------------------- phrases


def _ligne(**autres):
    base = {
        "code_qp": "QA",
        "nom_qp": "Alpha",
        "actions": 2,
        "rattachement": cb.QUARTIER,
        "credits_specifiques": 1500.0,
        "financement_total": 4500.0,
        "cs_par_habitant": 0.75,
        "total_par_habitant": 2.25,
        "cs_par_demandeur": 3.75,
        "total_par_demandeur": 11.25,
        "actions_pour_1000": 1.0,
        "provenance_cs": "publié",
        "provenance_total": "publié",
        "rang_total_par_habitant": 2,
        "rang_besoin": 1,
        "tp60": 40.0,
        "tx_tot_empl": 45.0,
    }
    return {**base, **autres}


def test_phrase_fiche_valeurs_rang_et_accords():
    t = nb.phrase_fiche(_ligne(), 3, 2032)
    assert "2 actions de la programmation 2032 rattachées au quartier" in t
    assert "4\u202f500\u00a0€ de financement dont 1\u202f500\u00a0€ de crédits spécifiques" in t
    assert "soit 2,25\u00a0€ par habitant (0,75\u00a0€ de crédits spécifiques)" in t
    assert "11,25\u00a0€ par demandeur d'emploi" in t and "1,00 action pour 1\u202f000 habitants" in t
    assert "Rang 2 sur 3 QPV" in t and "taux de pauvreté 40,0\u00a0%, rang 1 pour le besoin" in t
    assert "\\*" not in t and nb.legende(t) == ""
    un = nb.phrase_fiche(_ligne(actions=1, actions_pour_1000=2.5), 3, 2032)
    assert "1 action de la programmation 2032 rattachée au quartier" in un and "2,50 actions pour" in un


def test_phrase_fiche_reconstruit_par_commune_sans_action_et_hors_qpv():
    t = nb.phrase_fiche(
        _ligne(provenance_total="reconstruit", provenance_cs="reconstruit", rattachement=cb.COMMUNE_SEUL_QPV), 3, 2019
    )
    assert "4\u202f500\u00a0€\\*" in t and "2,25\u00a0€\\* par habitant" in t
    assert "par sa commune, dont il est le seul QPV" in t
    assert nb.legende(t).startswith("\\* valeur reconstruite")
    assert nb.legende(nb.phrase_fiche(_ligne(), 3, 2019)) == ""
    zero = nb.phrase_fiche(_ligne(actions=0), 3, 2019)
    assert "aucune action de la programmation 2019 n'est rattachée" in zero and "€" not in zero
    assert "pas un quartier prioritaire" in nb.phrase_fiche(None, 3, 2019)
    # un seul QPV : pas de rang
    assert "Rang" not in nb.phrase_fiche(_ligne(), 1, 2019)


def test_commentaire_le_plus_pauvre_premier_ou_non(avec_quartiers):
    prog, pc = avec_quartiers
    b, a, bilan = cb.vue_besoins_moyens(prog, pc, QPV.assign(pop_mun=[2000, 1000, 500, None]), QPV_COMMUNES)
    t = nb.commentaire(b, bilan, 2032, "tp60")
    assert "Sur 6 actions de la programmation 2032" in t and "3 actions sont rattachées à un quartier" in t
    assert "Gamma (50,0\u00a0%) : aucune action ne lui est rattachée (les actions de sa commune" in t
    assert "va de 4,00\u00a0€ (Bêta) à 0,00\u00a0€ (Gamma)." in t
    # Alpha le plus pauvre, doté mais pas en tête ; deux quartiers sans action
    sans_a3 = prog[prog["id_action"] != "a3"]
    b3, _, bilan3 = cb.vue_besoins_moyens(
        sans_a3, pc, QPV.assign(pop_mun=[2000, 1000, 500, None], tp60=[60.0, 30.0, 50.0, None]), QPV_COMMUNES
    )
    t3 = nb.commentaire(b3, bilan3, 2032, "tp60")
    assert "va de 2,25\u00a0€ (Alpha) à 0 € pour 2 quartiers sans action rattachée." in t3
    assert "Alpha (60,0\u00a0%) : il est aussi le premier" in t3
    b4, _, bilan4 = cb.vue_besoins_moyens(
        prog, pc, QPV.assign(pop_mun=[2000, 1000, 500, None], tp60=[45.0, 30.0, 20.0, None]), QPV_COMMUNES
    )
    assert (
        "Alpha (45,0\u00a0%) : il n'est que 2e sur 3 pour le financement par habitant (2,25\u00a0€)"
        in nb.commentaire(b4, bilan4, 2032, "tp60")
    )
    # le plus pauvre devient Bêta : premier aussi pour le financement
    b2, _, bilan2 = cb.vue_besoins_moyens(prog, pc, QPV.assign(tp60=[40.0, 60.0, 50.0, None]), QPV_COMMUNES)
    assert "Bêta (60,0\u00a0%) : il est aussi le premier" in nb.commentaire(b2, bilan2, 2032, "tp60")
    assert nb.phrase_a_part(a, 2032).startswith("3 actions de la programmation 2032 ne comptent pour aucun")
    assert nb.phrase_a_part(a.iloc[:1], 2032).startswith("1 action de la programmation 2032 ne compte pour aucun")
    assert "Toutes les actions" in nb.phrase_a_part(a.iloc[:0], 2032)


def test_vues_et_figure(avec_quartiers):
    prog, pc = avec_quartiers
    b, a, _ = cb.vue_besoins_moyens(prog, pc, QPV, QPV_COMMUNES)
    vue = pb.vue_besoins(b)
    assert list(vue["df"][pb.COL_QUARTIER]) == ["Bêta", "Alpha", "Gamma"] and "provenance" not in vue
    assert vue["formats"][pb.COL_TOTAL_HAB](2.25) == "2,25\u00a0€"
    assert vue["formats"][pb.COL_TOTAL_DE](130.0) == "130\u00a0€"
    va = pb.vue_a_part(a, {"QA": "Alpha", "QB": "Bêta"})
    assert va["df"]["Quartiers concernés (montants non répartis)"].iloc[0] == "Alpha, Bêta"
    reconstruit = b.assign(provenance_total="reconstruit", provenance_cs="reconstruit")
    assert pb.vue_besoins(reconstruit)["provenance"].startswith("Provenance : reconstruit")
    mele = b.assign(provenance_total=["reconstruit", "publié", "publié"])
    assert list(pb.vue_besoins(mele)["df"][pb.COL_PROVENANCE]) == ["reconstruit", "publié", "publié"]
    from politique_ville.figures import besoins as fb

    fig = fb.nuage_besoins_moyens(reconstruit, "tp60", 2032, "essai")
    textes = [t.get_text() for t in fig.axes[0].texts]
    assert textes == ["Bêta*", "Alpha*"]  # Gamma : population nulle, pas de point
    assert fb.nuage_besoins_moyens(b.assign(tp60=float("nan")), "tp60", 2032, "essai") is None
    import matplotlib.pyplot as plt

    plt.close("all")


# --------------------------------------------------------------------------------------------- paramètres, branchement


def test_parametres_correspondance_et_scdl(tmp_path):
    from politique_ville.reference.parametres import charger_parametres

    f = tmp_path / "2032.yaml"
    f.write_text(
        "annee: 2032\nterritoire: X\ncorrespondance_programmation: c.yaml\n"
        "scdl:\n  - fichier: s.csv\n    financeur: agglomeration\n",
        encoding="utf-8",
    )
    p = charger_parametres(tmp_path, 2032, f)
    assert p["scdl"][0]["financeur"] == "agglomeration"
    f.write_text(
        "annee: 2032\nterritoire: X\nscdl:\n  - fichier: s.csv\n    financeurr: agglomeration\n", encoding="utf-8"
    )
    with pytest.raises(EchecExecution) as exc:
        charger_parametres(tmp_path, 2032, f)
    assert "clé inconnue « financeurr » (vouliez-vous dire « financeur » ?)" in str(exc.value)
    assert "« financeur » absent" in str(exc.value)


def test_tables_fournies_et_fichiers_suivent_la_correspondance(tmp_path):
    from politique_ville.clean.correspondance import chemin_correspondance, fichiers_du_territoire, tables_fournies
    from politique_ville.reference.parametres import charger_parametres

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE / "raw" / "2032", raw)
    cat = Catalogue.pour(2032, RACINE, raw_dir=raw, reference_dir=FIXTURE / "reference")
    params = charger_parametres(RACINE, 2032, FIXTURE / "params" / "2032.yaml")
    assert "programmation" not in cat.tables_brutes()
    assert {"programmation", "financements_programmation", "feuille_de_route"} <= tables_fournies(cat, params)
    assert "programmation" not in tables_fournies(cat, {})
    fichiers = fichiers_du_territoire(cat, params)
    assert set(fichiers) == {
        "correspondance:programmation_2032.yaml",
        "correspondance:programmation_export.csv",
        "scdl:subventions_agglomeration_scdl.csv",
    }
    # export absent : la programmation n'est pas fournie (les chapitres qui l'exigent seront « ignorés »)
    (raw / "programmation_export.csv").unlink()
    assert "programmation" not in tables_fournies(cat, params)
    with pytest.raises(ErreurDonnees, match="introuvable"):
        chemin_correspondance(cat, {"correspondance_programmation": "absente.yaml"})


def test_bruts_du_territoire_et_verification_scdl(tmp_path):
    from politique_ville.clean.correspondance import bruts_du_territoire, resume_correspondance
    from politique_ville.clean.nettoyage import Journal, Referentiels, nettoyer_financements
    from politique_ville.clean.scdl import phrase_verification, tableau_des_comptes, verifications_du_territoire
    from politique_ville.reference.parametres import charger_parametres

    cat = Catalogue.pour(2032, RACINE, raw_dir=FIXTURE / "raw" / "2032", reference_dir=FIXTURE / "reference")
    params = charger_parametres(RACINE, 2032, FIXTURE / "params" / "2032.yaml")
    refs = Referentiels.charger(cat)
    bruts, r = bruts_du_territoire(cat, params, refs)
    assert r is not None and len(bruts["programmation"]) == 10 and "feuille_de_route" in bruts
    assert "10 actions" in resume_correspondance(r) and (
        "Sur 10 totaux de l'export (par financeur et général), 2 diffèrent de la somme de ses lignes"
        in resume_correspondance(r)
    )
    sans, aucun = bruts_du_territoire(cat, {}, refs)
    assert aucun is None and "programmation" not in sans
    prog = nettoyer_financements(bruts, refs, Journal())["programmation"]
    (v,) = verifications_du_territoire(cat, params, prog)
    assert v["comptes"] == {"concorde": 1, "diffère": 1, "absent de la programmation": 4, "absent du fichier SCDL": 1}
    assert list(tableau_des_comptes(v["comptes"])["porteurs"]) == [1, 1, 4, 1, 7]
    assert len(v["differences"]) == 6 and set(v["differences"]["statut"]) == {
        "diffère",
        "absent de la programmation",
        "absent du fichier SCDL",
    }
    assert (
        "7 porteurs comparés ; 1 concorde, 1 diffère, 4 sont absents de la programmation et 1 est absent du fichier "
        "SCDL. Le fichier (schéma SCDL 2.1 (16 colonnes, avec le RNA)) a 9 lignes : 7 comptées, 1 ligne d'un autre "
        "exercice que 2032"
    ) in phrase_verification(v)
    # chaque montant se déplie en ses lignes : 9 lignes, dont les 7 comptées redonnent les montants comparés
    assert len(v["detail"]) == 9
    assert (
        v["detail"].loc[v["detail"]["traitement"] == "comptée", "part"].sum() == v["comparaison"]["montant_scdl"].sum()
    )
    v2 = {**v, "comptes": {"concorde": 2, "diffère": 0, "absent de la programmation": 0, "absent du fichier SCDL": 3}}
    assert (
        "5 porteurs comparés ; 2 concordent, 0 diffère, 0 est absent de la programmation et 3 sont absents"
        in phrase_verification(v2)
    )
    assert verifications_du_territoire(cat, params, None) == []
    # attribuant déclaré différent : erreur en français qui nomme les deux
    autre = {**params, "scdl": [{**params["scdl"][0], "attribuant_siret": "99900001100018"}]}
    with pytest.raises(ErreurDonnees, match="pas de l'attribuant déclaré"):
        verifications_du_territoire(cat, autre, prog)


def test_section_de_la_fiche(avec_quartiers):
    """La ligne de la fiche : celle du quartier, rangée parmi les quartiers qui ont un ratio ; rien sans programmation."""
    from politique_ville.narration import besoins as nbe

    prog, pc = avec_quartiers
    qa = nbe.section_fiche(prog, pc, QPV, QPV_COMMUNES, "QA", 2031)
    assert len(qa) == 1 and qa[0].startswith("**Besoins et moyens** : 2 actions de la programmation 2031 rattachées")
    assert "1\u202f500\u00a0€ de crédits spécifiques" in qa[0] and "2,25\u00a0€ par habitant" in qa[0]
    veille = nbe.section_fiche(prog, pc, QPV, QPV_COMMUNES, "QX", 2031)
    assert "n'est pas un quartier prioritaire" in veille[0]
    assert nbe.section_fiche(None, pc, QPV, QPV_COMMUNES, "QA", 2031) == []


def test_section_de_la_fiche_calcule_le_classement_une_fois_par_contenu(avec_quartiers, monkeypatch):
    """Les fiches d'un lot partagent un noyau : le classement du territoire n'est refait que si les tables changent
    (tables marquées par leur lecture, ``catalog.lire_traitees`` : voir ``memo``)."""
    from politique_ville.base import memo
    from politique_ville.narration import besoins as nbe

    prog, pc = avec_quartiers
    appels = []
    vrai = cb.rattachement_actions
    monkeypatch.setattr(cb, "rattachement_actions", lambda *a, **k: appels.append(1) or vrai(*a, **k))
    memo.oublier()
    tables = [memo.marquer(t.copy(), ("essai", i)) for i, t in enumerate((prog, pc, QPV, QPV_COMMUNES))]
    a = nbe.section_fiche(*tables, "QA", 2031)
    relue = memo.marquer(prog.copy(), ("essai", 0))  # même fichier relu (même jeton) : même classement
    assert nbe.section_fiche(relue, *tables[1:], "QA", 2031) == a and len(appels) == 1
    autre = memo.marquer(prog.assign(credits_specifiques=prog["credits_specifiques"] * 2), ("essai", "autre"))
    assert nbe.section_fiche(autre, *tables[1:], "QA", 2031) != a and len(appels) == 2
    # tables non marquées : recalculé à chaque appel, même résultat
    assert nbe.section_fiche(prog, pc, QPV, QPV_COMMUNES, "QA", 2031) == a and len(appels) == 3
