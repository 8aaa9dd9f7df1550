"""Règles de nettoyage, sur les référentiels réels du territoire et de petites tables."""

import math

import pandas as pd
import pytest

from politique_ville.clean.nettoyage import (
    ErreursNettoyage,
    Journal,
    Referentiels,
    nettoyer_financements,
    nettoyer_insee,
    nettoyer_table,
)


@pytest.fixture(scope="module")
def refs(catalogue):
    return Referentiels.charger(catalogue)


@pytest.fixture(scope="module")
def bruts(catalogue):
    return {t: catalogue.lire_brut(t) for t in catalogue.tables_brutes()}


@pytest.fixture(scope="module")
def traitees(bruts, refs):
    journal = Journal()
    tables = {**nettoyer_financements(bruts, refs, journal), **nettoyer_insee(bruts, refs, journal)}
    return tables, journal


@pytest.mark.parametrize(
    "graphie, officiel",
    [
        ("Noeux-les-Mines", "Nœux-les-Mines"),
        ("Nœux-les-Mines", "Nœux-les-Mines"),
        ("NOEUX LES MINES", "Nœux-les-Mines"),
        ("Noeux-le-Mines", "Nœux-les-Mines"),
        ("Lil lers", "Lillers"),
        ("Calonnne-Ricouart", "Calonne-Ricouart"),
        ("Marles-les Mines", "Marles-les-Mines"),
        ("Cauchy à la Tour", "Cauchy-à-la-Tour"),
        ("Bruay-La-Buissière", "Bruay-la-Buissière"),
        ("BETHUNE", "Béthune"),
    ],
)
def test_communes_ramenees_au_nom_officiel(refs, graphie, officiel):
    assert refs.commune(graphie) == officiel


@pytest.mark.parametrize(
    "graphie, canonique",
    [
        ("AHI", "Association Habitat Insertion"),
        ("ASSOCIATION HABITAT INSERTION", "Association Habitat Insertion"),
        ("Association Habitat Insertion", "Association Habitat Insertion"),
        ("association habitat insertion", "Association Habitat Insertion"),
        ("CCAS de Lil lers", "CCAS de Lillers"),
        ("Ville de  Bruay-La-Buissière", "Ville de Bruay-la-Buissière"),
    ],
)
def test_porteurs_ramenes_au_nom_canonique(refs, graphie, canonique):
    assert refs.porteur(graphie) == canonique


def test_programmation_nettoyee(traitees):
    prog = traitees[0]["programmation"].set_index("id_action")
    assert len(prog) == 131
    # montants : « 12 858 € » et « 10.678 € » lus en euros, manquant jamais zéro
    assert prog["credits_specifiques"].sum() == 2092268
    assert prog["cget"].sum() == 1712989
    pilotage = prog[prog["pilier_code"] == "pilotage"].iloc[0]
    assert math.isnan(pilotage["credits_specifiques"]) and pilotage["provenance_credits_specifiques"] == "non publié"
    acces = prog[prog["thematique_code"] == "acces_aux_droits"]
    assert acces["droit_commun"].sum() == 53387
    assert set(prog["pilier_code"]) == {"emploi", "cohesion_sociale", "cadre_de_vie", "pilotage"}
    assert prog["priorite"].dtype == "Int64"
    assert set(prog["sous_priorite"].dropna()) <= {f"{p}.{s}" for p in range(1, 11) for s in range(1, 7)}
    assert "Calonnne-Ricouart" in set(prog["communes_brut"]) and "Calonnne-Ricouart" not in set(prog["communes"])


def test_programmation_communes_eclatees(traitees):
    pc = traitees[0]["programmation_communes"]
    assert set(pc["commune"]) >= {"Béthune", "Nœux-les-Mines", "Intercommunal", "Bruaysis"}
    assert pc.loc[pc["commune"] == "Intercommunal", "perimetre"].all()
    assert not pc.loc[pc["commune"] == "Béthune", "perimetre"].any()


def test_insee_secret_reste_manquant_et_marque(traitees):
    tables, _ = traitees
    qpv = tables["insee_qpv"].set_index("code_qp")
    manq = tables["insee_valeurs_manquantes"]
    secrets = manq[manq["motif"] == "secret statistique"]
    assert len(secrets) >= 1
    for code, var in zip(secrets["code_qp"], secrets["variable"]):
        assert math.isnan(qpv.loc[code, var])  # jamais 0
    # quartiers communautaires : l'INSEE ne publie rien, motif « non disponible »
    communautaires = qpv[qpv["type_quartier"] != "QPV"].index
    assert set(manq.loc[manq["code_qp"].isin(communautaires), "motif"]) == {"non disponible"}


def test_insee_bruit_de_calcul_arrondi(traitees, bruts):
    tables, journal = traitees
    brut = bruts["insee_qpv"]
    bruites = brut[brut["ind_jeune"].str.len() > 6]
    assert len(bruites) >= 1, "le fichier brut contient du bruit de calcul (1.7000000000000002)"
    qpv = tables["insee_qpv"].set_index("code_qp")
    for code, texte in zip(bruites["code_qp"], bruites["ind_jeune"]):
        assert qpv.loc[code, "ind_jeune"] == round(float(texte), 2)
        assert repr(float(qpv.loc[code, "ind_jeune"])) == repr(round(float(texte), 1))  # plus de bruit
    assert any("bruit de calcul" in r for r in journal.tableau()["règle"])


def test_qpv_multicommunes_gardent_toutes_leurs_communes(traitees):
    qc = traitees[0]["insee_qpv_communes"]
    par_qpv = qc.groupby("code_qp")["commune"].apply(list)
    multi = par_qpv[par_qpv.map(len) > 1]
    assert len(multi) >= 4
    assert any(set(c) == {"Marles-les-Mines", "Calonne-Ricouart", "Auchel"} for c in multi)


def test_revenu_mensuel_des_references_converti_en_annuel(traitees):
    ref = traitees[0]["insee_references"].set_index("niveau")
    assert ref.loc["Agglomération", "decuc_q2"] == 1476 * 12


def test_lignes_de_total_gardees_et_verifiees(traitees, refs, bruts):
    fdc = traitees[0]["fonds_concours"]
    assert fdc["est_total"].sum() == 2
    assert fdc.loc[~fdc["est_total"], "montant_fdc"].sum() == 191974 + 280000
    faux = bruts["fonds_concours"].copy()
    faux.loc[faux["commune"] == "TOTAL FDC", "montant_fdc"] = ["191 975", "280 000"]
    with pytest.raises(ErreursNettoyage, match="ligne de total incohérente") as exc:
        nettoyer_table("fonds_concours", faux, refs)
    assert exc.value.colonne == "montant_fdc" and exc.value.ligne == 5


def test_codes_de_la_nomenclature_depuis_tout_libelle(refs):
    assert refs.code("pilier", "Développement humain – cohésion sociale") == ("cohesion_sociale", "Cohésion sociale")
    assert refs.code("pilier", "PILIER 2") == ("cadre_de_vie", "Cadre de vie et renouvellement urbain")
    assert refs.code("thematique", "Éducation")[0] == "education"
    assert refs.code("type_porteur", "Ville")[0] == "commune"


def test_sous_priorite_et_priorite_ecrites_autrement(refs, bruts):
    prog = bruts["programmation"].head(3).copy()
    prog["priorite"] = ["Priorité 2", "P2", "2"]
    prog["sous_priorite"] = ["Priorité 2.1", "2,1", "2.1."]
    refs_fdr = Referentiels(refs.communes, refs.porteurs, refs.nomenclature, refs.perimetres)
    out = nettoyer_table("programmation", prog, refs_fdr).donnees
    assert out["priorite"].tolist() == [2, 2, 2]
    assert out["sous_priorite"].tolist() == ["2.1", "2.1", "2.1"]


def test_thematique_incoherente_avec_le_pilier(refs, bruts):
    prog = bruts["programmation"].head(2).copy()
    prog.loc[prog.index[0], "thematique"] = "Santé"
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_table("programmation", prog, refs)
    assert exc.value.colonne == "thematique" and exc.value.ligne == 2
    assert "relève du pilier" in str(exc.value)


def test_toutes_les_erreurs_d_une_table_dans_un_message(refs, bruts):
    prog = bruts["programmation"].copy()
    prog.loc[prog.index[0], "cget"] = "douze"
    prog.loc[prog.index[5], "communes"] = "Atlantis"
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_financements({"programmation": prog}, refs)
    texte = str(exc.value)
    assert "2 erreurs" in texte and "ligne 2, colonne « cget »" in texte and "ligne 7, colonne « communes »" in texte


def test_regles_entre_colonnes_et_doublons_dans_l_ordre_du_fichier(refs, bruts):
    """Les règles évaluées sur des colonnes entières donnent les messages ligne par ligne, dans l'ordre du fichier :
    priorité puis sous-priorité d'une même ligne, doublons nommés avec toutes leurs lignes."""
    prog = bruts["programmation"].copy()
    prog.loc[1, "priorite"], prog.loc[1, "sous_priorite"] = "42", "9.9"
    prog.loc[4, "sous_priorite"] = "1.1"
    prog.loc[5, "id_action"] = prog.loc[9, "id_action"] = prog.loc[3, "id_action"]
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_financements({"feuille_de_route": bruts["feuille_de_route"], "programmation": prog}, refs)
    messages = [(e.ligne, e.colonne, e.message) for e in exc.value.erreurs]
    id_double = prog.loc[3, "id_action"]
    assert messages == [
        (3, "priorite", "priorité 42 absente de la feuille de route"),
        (3, "sous_priorite", "sous-priorité 9.9 absente de la feuille de route"),
        (6, "sous_priorite", f"sous-priorité 1.1 incompatible avec la priorité {prog.loc[4, 'priorite']}"),
        (7, "id_action", f"identifiant « {id_double} » en double (lignes 5, 7, 11)"),
    ]


def test_code_insee_et_perimetres_des_communes_eclatees():
    from politique_ville.clean.nettoyage import communes_eclatees

    refs_ = Referentiels(
        communes=pd.DataFrame(
            {
                "nom_officiel": ["Aville", "Bville", "Aville"],
                "code_insee": ["99001", "", "99003"],
                "variantes": ["", "", ""],
            }
        ),
        porteurs=pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"]),
        nomenclature=pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"]),
    )
    assert refs_.code_insee("Aville") == "99001"  # première ligne du référentiel
    assert refs_.code_insee("Bville") == "" and refs_.code_insee("Inconnue") == ""
    df = pd.DataFrame(
        {
            "id": ["a1", "a2", "total", "a3"],
            "communes": ["Aville, Intercommunal", "Bville", "Aville", None],
            "est_total": [False, False, True, False],
            "ligne_source": [2, 3, 4, 5],
        }
    )
    ec = communes_eclatees(df, "id", "communes", refs_)
    assert list(zip(ec["id"], ec["commune"], ec["rang"], ec["perimetre"], ec["ligne_source"])) == [
        ("a1", "Aville", 1, False, 2),
        ("a1", "Intercommunal", 2, True, 2),
        ("a2", "Bville", 1, False, 3),
    ]
    assert ec["code_insee"].iloc[0] == "99001" and ec["code_insee"].iloc[1:].isna().all()  # vide : manquant
