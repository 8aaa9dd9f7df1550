"""Correspondance déclarée : un export de programmation tel qu'il est reçu -> les tables brutes canoniques.

Deux preuves : la correspondance IDENTITÉ de 2019 (``data/reference/correspondances/programmation_2019.yaml``) redonne
exactement les tables brutes de ``data/raw/2019/`` ; l'export ÉTRANGER du territoire fictif
``tests/fixtures/territoire_etranger/`` (disposition longue, autres colonnes, autres libellés, SIRET), une fois passé
par sa correspondance puis par le nettoyage existant (``nettoyer_financements``, inchangé), donne les totaux, les
sommes par pilier et par thématique calculés ici à la main. Puis chaque erreur de correspondance et de données.
"""

from __future__ import annotations

import importlib.util
import shutil

import pandas as pd
import pytest
from conftest import RACINE, REFERENCE_2019, empreintes

from politique_ville.base.catalog import Catalogue, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance import (
    FINANCEURS,
    Resultat,
    appliquer,
    charger_correspondance,
    cles_porteurs,
    correspondance_depuis_dict,
    lire_export,
    nom_affichage,
    noms_par_identifiant,
    porteurs_par_identifiant,
    preparer_programmation,
    resume_correspondance,
    texte_montant,
    valider,
)
from politique_ville.clean.nettoyage import ErreursNettoyage, Journal, Referentiels, nettoyer_financements
from politique_ville.reference.parametres import catalogue_de_l_annee

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_etranger"
ANNEE = 2032
RAW = FIXTURE / "raw" / str(ANNEE)
YAML = FIXTURE / "reference" / "correspondances" / f"programmation_{ANNEE}.yaml"
EXPORT = "programmation_export.csv"


def _refs() -> Referentiels:
    return Referentiels.charger(Catalogue.pour(ANNEE, RACINE, reference_dir=FIXTURE / "reference"))


@pytest.fixture(scope="module")
def refs():
    return _refs()


@pytest.fixture(scope="module")
def resultat(refs) -> Resultat:
    return preparer_programmation(YAML, RAW, refs)


@pytest.fixture(scope="module")
def nettoyees(resultat, refs):
    return nettoyer_financements(resultat.bruts(), refs, Journal())


def _export() -> pd.DataFrame:
    return lire_table(RAW / EXPORT)


def _erreur(corr, brut, refs=None) -> ErreursNettoyage:
    with pytest.raises(ErreursNettoyage) as exc:
        appliquer(corr, brut, refs if refs is not None else _refs())
    return exc.value


# --------------------------------------------------------------------------------------------- 2019 : l'identité


def test_identite_2019_redonne_exactement_les_tables_brutes():
    cat = catalogue_de_l_annee(2019, RACINE)
    refs = Referentiels.charger(cat)
    r = preparer_programmation(
        RACINE / REFERENCE_2019 / "correspondances" / "programmation_2019.yaml", cat.raw_dir, refs
    )
    assert set(r.tables) == {"programmation", "financements_programmation"}
    for table in r.tables:
        pd.testing.assert_frame_equal(r.tables[table], lire_table(cat.raw_dir / f"{table}.csv"))
    assert r.ecarts.empty and r.porteurs_a_verifier.empty


def test_correspondance_2019_est_l_identite_ecrite():
    corr = charger_correspondance(RACINE / REFERENCE_2019 / "correspondances" / "programmation_2019.yaml")
    assert corr.disposition == "large" and corr.fichier == "programmation.csv"
    assert all(champ == col for champ, col in corr.colonnes.items())
    assert len(corr.colonnes) == 16 and not corr.financeurs and not corr.libelles


# --------------------------------------------------------------------------------------------- le jeu fictif


def test_fixture_regeneree_a_l_identique(tmp_path):
    spec = importlib.util.spec_from_file_location("gen", RACINE / "scripts" / "generer_programmation_etrangere.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.ecrire(tmp_path, 10, ANNEE, "tests/fixtures/territoire_etranger/reference")
    assert empreintes(tmp_path) == empreintes(FIXTURE)
    # SIRET fictifs à clé de Luhn juste
    from politique_ville.clean.correspondance import siret_valide

    assert all(siret_valide(s) for _, _, s, _ in gen.PORTEURS.values())


def test_export_long_une_ligne_par_action(resultat):
    prog = resultat.tables["programmation"]
    assert len(_export()) == 37  # 27 lignes d'actions + 9 lignes « TOTAL » (une par cofinanceur) + total général
    assert len(prog) == 10 and prog["id_action"].is_unique
    # ligne_source : première ligne de l'action dans le fichier reçu ; lignes_source : toutes ses lignes
    a3 = prog.set_index("id_action").loc["2032-CV-00003"]
    assert a3["ligne_source"] == 7 and a3["lignes_source"] == "7, 8, 9"
    assert prog.attrs["source"]["fichier"] == EXPORT
    # disposition brute canonique : textes, colonnes obligatoires du schéma présentes
    assert prog["ligne_source"].dtype == "int64"
    assert all(t is pd.api.types.pandas_dtype(object) for t in prog.drop(columns="ligne_source").dtypes)


def test_montants_par_action_calcules_a_la_main(resultat):
    prog = resultat.tables["programmation"].set_index("id_action")
    # action 1 : ANCT 8 000, Ville 2 000, CAF 1 500 -> crédits spécifiques 8 000, droit commun 3 500
    assert prog.loc["2032-CV-00001", ["credits_specifiques", "droit_commun", "cget"]].tolist() == [
        "8000",
        "3500",
        "8000",
    ]
    # action 3 : l'agglomération compte en crédits spécifiques (nature déclarée) : 4 000 + 2 500 ; Ville 1 000
    assert prog.loc["2032-CV-00003", ["credits_specifiques", "droit_commun", "cget"]].tolist() == [
        "6500",
        "1000",
        "4000",
    ]
    # action 6 : aucune ligne d'un financeur de droit commun -> 0 € (l'export liste chaque financeur de chaque
    # action : un financeur sans ligne ne la finance pas), le même chiffre dans tous les chapitres
    assert prog.loc["2032-CV-00006", "droit_commun"] == "0"
    assert prog.loc["2032-CV-00006", "montant_agglomeration"] == "2500"
    assert prog.loc["2032-CV-00006", "montant_communes"] == "0"


def test_financements_par_financeur_et_ecart_du_total_fourni(resultat):
    fin = resultat.tables["financements_programmation"]
    montants = dict(zip(fin["financeur"], fin["montant"]))
    # sommes à la main des 10 actions
    assert montants == {
        "Etat - crédits spécifiques": "52000",
        "Etat - Droit commun": "12000",
        "Agglomération (EPCI)": "12500",
        "Communes": "13000",
        "Département": "3000",
        "Région": "10000",
        "CAF": "1500",
        "Bailleurs": "7000",
        "Autres": "1000",
        "Programmation (montant total)": "112000",
    }
    # le total « Conseil régional » de l'export dit 11 000, et son total général (ligne 38, cofinanceur vide)
    # 113 000 = somme des totaux imprimés, pour 112 000 dans les actions : deux écarts listés, pas des erreurs
    assert resultat.ecarts[
        ["financeur", "libelle", "total_fourni", "somme_actions", "ecart", "ligne"]
    ].values.tolist() == [
        ["region", "Région", 11000.0, 10000.0, 1000.0, 34],
        ["ensemble", "Tous financeurs (total général)", 113000.0, 112000.0, 1000.0, 38],
    ]
    assert resultat.ecarts.attrs["totaux_verifies"] == 10  # 9 totaux de cofinanceur + le total général
    assert "total de 11000 (écart 1000)" in fin.loc[fin["financeur"] == "Région", "note"].iloc[0]
    assert "écart" not in fin.loc[fin["financeur"] == "CAF", "note"].iloc[0]
    total = fin.loc[fin["financeur"] == "Programmation (montant total)", "note"].iloc[0]
    assert total.endswith("l'export donne un total général de 113000 (écart 1000)")


def test_nettoyage_existant_inchange_totaux_par_pilier(nettoyees):
    prog = nettoyees["programmation"]
    assert len(prog) == 10 and len(nettoyees["financements_programmation"]) == 10
    # totaux (€) : crédits spécifiques 52 000 (Etat) + 12 500 (agglomération) ; droit commun 47 500 ; CGET 52 000
    assert prog["credits_specifiques"].sum() == 64500
    assert prog["droit_commun"].sum() == 47500
    assert prog["cget"].sum() == 52000
    par_pilier = prog.groupby("pilier")[["credits_specifiques", "droit_commun", "cget"]].sum(min_count=1)
    attendu = {
        "Cohésion sociale": (34500, 11500, 28000),  # actions 1, 2, 3, 6, 8, 9
        "Emploi et développement économique": (17000, 25000, 16000),  # actions 4, 7
        "Cadre de vie et renouvellement urbain": (3000, 11000, 3000),  # action 5
    }
    for pilier, (cs, dc, cget) in attendu.items():
        assert tuple(par_pilier.loc[pilier]) == (cs, dc, cget), pilier
    # le pilotage n'a aucune ligne de droit commun : 0 €
    assert par_pilier.loc["Pilotage", "credits_specifiques"] == 10000
    assert par_pilier.loc["Pilotage", "droit_commun"] == 0
    assert prog.groupby("pilier").size().to_dict() == {
        "Cohésion sociale": 6,
        "Emploi et développement économique": 2,
        "Cadre de vie et renouvellement urbain": 1,
        "Pilotage": 1,
    }


def test_nettoyage_existant_inchange_par_thematique(nettoyees):
    prog = nettoyees["programmation"]
    # libellés étrangers ramenés à la nomenclature par la correspondance (« Parentalité et éducation » -> Education),
    # « Accès au droit », variante de la nomenclature, reconnu sans déclaration
    par_theme = prog.groupby("thematique")[["credits_specifiques", "droit_commun"]].sum(min_count=1)
    attendu = {
        "Education": (8000, 3500),
        "Santé": (5000, 3000),
        "Culture": (6500, 1000),
        "Emploi": (10000, 21000),
        "Cadre de vie": (3000, 11000),
        "Développement économique": (7000, 4000),
        "Prévention": (7000, 4000),
    }
    for theme, valeurs in attendu.items():
        assert tuple(par_theme.loc[theme]) == valeurs, theme
    for theme, cs in {"Accès aux droits": 5000, "Participation des habitants": 3000, "Pilotage": 10000}.items():
        assert par_theme.loc[theme, "credits_specifiques"] == cs
        assert par_theme.loc[theme, "droit_commun"] == 0
    assert set(prog["thematique_code"]) == {
        "education",
        "sante",
        "culture",
        "emploi",
        "cadre_de_vie",
        "acces_aux_droits",
        "developpement_economique",
        "prevention",
        "participation",
        "pilotage",
    }


def test_nettoyage_communes_et_quartiers(nettoyees):
    communes = nettoyees["programmation_communes"]
    # action 8 : deux communes ; actions 6, 9, 10 : le périmètre intercommunal
    a8 = communes[communes["id_action"] == "2032-CV-00008"]
    assert a8["commune"].tolist() == ["Chimère-les-Bains", "Utopie-Saint-Martin"]
    assert communes.loc[communes["perimetre"], "id_action"].tolist() == [
        "2032-CV-00006",
        "2032-CV-00009",
        "2032-CV-00010",
    ]
    prog = nettoyees["programmation"].set_index("id_action")
    assert prog.loc["2032-CV-00008", "qpv"] == "LOC-QP02, LOC-QP03"


def test_erreur_du_nettoyage_nomme_le_fichier_recu_et_sa_ligne(refs):
    brut = _export()
    brut.loc[brut["N° dossier"] == "2032-CV-00005", "Commune(s) d'intervention"] = "Atlantide"
    r = appliquer(charger_correspondance(YAML), brut, refs)
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_financements(r.bruts(), refs)
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == (EXPORT, 14, "communes")
    assert "commune inconnue « Atlantide »" in str(e)


# --------------------------------------------------------------------------------------------- porteurs identifiés


def test_porteurs_rapproches_par_siret_et_rna(resultat):
    prog = resultat.tables["programmation"].set_index("id_action")
    # « Asso. Passerelles » (action 7) : inconnu du référentiel par son nom, reconnu par son SIRET
    assert prog.loc["2032-CV-00007", ["porteur", "porteur_export"]].tolist() == [
        "Association Passerelles Fictives",
        "Asso. Passerelles",
    ]
    # la compagnie (action 3) n'a pas de SIRET dans l'export : reconnue par son RNA, SIRET laissé vide (tel que reçu)
    assert prog.loc["2032-CV-00003", ["porteur", "siret", "rna"]].tolist() == [
        "Compagnie Imaginaire du Théâtre",
        "",
        "W999000044",
    ]
    # type de porteur tiré du référentiel (l'export n'en a pas)
    assert prog.loc["2032-CV-00010", "type_porteur"] == "EPCI"


def test_deux_noms_pour_un_siret_listes_jamais_fusionnes(resultat):
    a = resultat.porteurs_a_verifier
    assert len(a) == 1
    ligne = a.iloc[0]
    # « ASSOCIATION PASSERELLES FICTIVES » a la même clé que « Association Passerelles Fictives » : un seul nom
    assert ligne["identifiant"] == "99900001100018" and ligne["genre"] == "SIRET"
    assert ligne["noms"] == "Association Passerelles Fictives | Asso. Passerelles" and ligne["nombre_de_noms"] == 2
    assert ligne["lignes"] == f"{EXPORT} : 2, 17, 19"


def test_noms_par_identifiant_a_travers_les_annees():
    a = pd.DataFrame(
        {"porteur": ["Les Amis du Quartier", "Régie Nord"], "siret": ["99900001100018", ""], "ligne_source": [2, 3]}
    )
    b = pd.DataFrame(
        {
            "porteur": ["LES AMIS DU QUARTIER", "Amis du quartier (ex-Foyer)"],
            "siret": ["999 000 011 00018", "99900001100018"],
            "ligne_source": [5, 9],
        }
    )
    sortie = noms_par_identifiant({"programmation 2031": a, "programmation 2032": b})
    assert sortie["noms"].tolist() == ["Les Amis du Quartier | Amis du quartier (ex-Foyer)"]
    assert sortie["tables"].tolist() == ["programmation 2031, programmation 2032"]
    assert sortie["lignes"].tolist() == ["programmation 2031 : 2 ; programmation 2032 : 5, 9"]
    # un seul nom (à la casse près) : rien à signaler
    assert noms_par_identifiant({"2031": a, "2032": b.iloc[:1]}).empty


def test_cles_porteurs_siret_puis_rna_puis_nom():
    df = pd.DataFrame(
        {
            "porteur": ["Asso A", "Asso B", "ASSO  C.", "Asso D"],
            "siret": ["99900001100018", "", "", "999000011"],
            "rna": ["", "W999000044", "", ""],
        }
    )
    assert cles_porteurs(df).tolist() == ["siret:99900001100018", "rna:W999000044", "nom:asso c", "siren:999000011"]


def test_porteurs_par_identifiant_siret_siren_rna():
    ref = pd.DataFrame(
        {
            "alias": ["X", "Y"],
            "porteur_canonique": ["Porteur X", "Porteur Y"],
            "siret": ["99900001100018", ""],
            "rna": ["", "W999000044"],
        }
    )
    df = pd.DataFrame(
        {"siret": ["99900001100018", "99900001100026", "", "12345678900000"], "rna": ["", "", "W999000044", ""]}
    )
    # SIRET exact ; autre établissement du même SIREN ; RNA ; inconnu
    assert porteurs_par_identifiant(df, ref).tolist()[:3] == ["Porteur X", "Porteur X", "Porteur Y"]
    assert pd.isna(porteurs_par_identifiant(df, ref).iloc[3])


@pytest.mark.parametrize(
    "brut, affiche",
    [
        ("ASSOCIATION  LES JARDINS DE L'AVENIR", "Association les Jardins de l'Avenir"),
        ("CCAS DE LILLERS", "CCAS de Lillers"),
        ("Compagnie  Imaginaire ", "Compagnie Imaginaire"),  # casse mixte : gardée, espaces unifiés
        ("Ville de Saint-Imaginaire", "Ville de Saint-Imaginaire"),
    ],
)
def test_nom_affichage(brut, affiche):
    assert nom_affichage(brut) == affiche


# --------------------------------------------------------------------------------------------- erreurs de correspondance


def test_champ_canonique_inconnu_nomme_le_yaml_sa_ligne_et_le_plus_proche(tmp_path):
    texte = YAML.read_text(encoding="utf-8").replace("    intitule:", "    intitulee:")
    (tmp_path / "c.yaml").write_text(texte, encoding="utf-8")
    with pytest.raises(ErreursNettoyage) as exc:
        charger_correspondance(tmp_path / "c.yaml")
    messages = [str(e) for e in exc.value.erreurs]
    inconnu = next(e for e in exc.value.erreurs if "champ canonique inconnu" in e.message)
    assert (
        inconnu.fichier == "c.yaml"
        and inconnu.ligne == texte.splitlines().index('    intitulee: "Libellé de l\'action"') + 1
    )
    assert "« intitulee »" in inconnu.message and "les plus proches : intitule" in inconnu.message
    # et le champ obligatoire qu'il devait donner manque
    assert any("champ obligatoire « intitule »" in m for m in messages)


def test_financeur_canonique_inconnu_et_disposition_inconnue():
    with pytest.raises(ErreursNettoyage) as exc:
        correspondance_depuis_dict(
            {
                "programmation": {
                    "fichier": "x.csv",
                    "disposition": "longue",
                    "colonnes": {
                        "id_action": "a",
                        "intitule": "b",
                        "porteur": "c",
                        "pilier": "d",
                        "thematique": "e",
                        "communes": "f",
                    },
                    "financeurs": {"regoin": "Région"},
                }
            }
        )
    texte = str(exc.value)
    assert "disposition « longue » inconnue" in texte
    assert "financeur canonique inconnu « regoin »" in texte and "les plus proches : region" in texte


def test_colonne_absente_de_l_export(refs):
    corr = charger_correspondance(YAML)
    brut = _export().rename(columns={"Thème": "Theme"})
    e = _erreur(corr, brut, refs).erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == (EXPORT, 1, "Thème")
    ligne_yaml = YAML.read_text(encoding="utf-8").splitlines().index('    thematique: "Thème"') + 1
    assert f"champ « thematique », programmation_2032.yaml, ligne {ligne_yaml}" in e.message
    assert "les plus proches : Theme" in e.message


def test_libelle_sans_correspondance_liste_les_canoniques_et_les_plus_proches(refs):
    brut = _export()
    brut.loc[brut["N° dossier"] == "2032-CV-00002", "Thème"] = "Santee"
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == (EXPORT, 5, "Thème")
    assert "thematique « Santee » sans correspondance" in e.message
    assert "libellés canoniques : Accès aux droits, Cadre de vie, Culture" in e.message
    assert e.message.endswith("les plus proches : Santé")


def test_cible_absente_de_la_nomenclature(tmp_path, refs):
    texte = YAML.read_text(encoding="utf-8").replace(
        '"Tranquillité publique": "Prévention"', '"Tranquillité publique": "Tranquillité"'
    )
    (tmp_path / "c.yaml").write_text(texte, encoding="utf-8")
    erreurs = valider(charger_correspondance(tmp_path / "c.yaml"), _export(), refs)
    cible = next(e for e in erreurs if "absent(e) de la nomenclature" in e.message)
    assert (
        cible.fichier == "c.yaml"
        and cible.ligne == texte.splitlines().index('      "Tranquillité publique": "Tranquillité"') + 1
    )
    # et le libellé de l'export n'a plus de correspondance valable... il reste déclaré : une seule erreur de cible
    assert len(erreurs) == 1


def test_financeur_sous_deux_noms(refs):
    brut = _export()
    # « Commune » est une variante reconnue du financeur « communes », déjà présent sous le nom « Ville »
    brut.loc[(brut["N° dossier"] == "2032-CV-00005") & (brut["Cofinanceur"] == "Ville"), "Cofinanceur"] = "Commune"
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.fichier, e.colonne) == (EXPORT, "Cofinanceur") and e.ligne == 15
    assert (
        "le financeur « Communes » apparaît sous deux noms : « Ville » (ligne 3) et « Commune » (ligne 15)" in e.message
    )


def test_financeur_inconnu(refs):
    brut = _export()
    brut.loc[6, "Cofinanceur"] = "Fondation Imaginaire"
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.ligne, e.colonne) == (8, "Cofinanceur")
    assert "financeur « Fondation Imaginaire » sans correspondance" in e.message
    assert "etat_credits_specifiques (Etat - crédits spécifiques)" in e.message


# --------------------------------------------------------------------------------------------- mauvaises données


@pytest.mark.parametrize(
    "montant, message",
    [
        ("-500,00", "montant négatif (-500,00)"),
        ("beaucoup", "montant illisible : « beaucoup » n'est pas un nombre lisible"),
    ],
)
def test_montant_negatif_ou_illisible(refs, montant, message):
    brut = _export()
    brut.loc[3, "Montant accordé (€)"] = montant
    erreurs = _erreur(charger_correspondance(YAML), brut, refs).erreurs
    assert [(e.fichier, e.ligne, e.colonne) for e in erreurs] == [(EXPORT, 5, "Montant accordé (€)")]
    assert message in erreurs[0].message


def test_couple_action_financeur_en_double(refs):
    brut = _export()
    brut.loc[4, "Cofinanceur"] = "ANCT (BOP 147)"  # action 2 : deux lignes ANCT (lignes 5 et 6)
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.ligne, e.colonne) == (6, "Cofinanceur")
    assert (
        "l'action « 2032-CV-00002 » a deux lignes pour le financeur « Etat - crédits spécifiques » (lignes 5, 6)"
        in e.message
    )


def test_action_sans_pilier(refs):
    brut = _export()
    brut.loc[brut["N° dossier"] == "2032-CV-00009", "Axe du contrat"] = ""
    erreurs = _erreur(charger_correspondance(YAML), brut, refs).erreurs
    assert [(e.ligne, e.colonne) for e in erreurs] == [(25, "Axe du contrat")]
    assert "l'action « 2032-CV-00009 » n'a pas de pilier" in erreurs[0].message


def test_pilier_different_d_une_ligne_a_l_autre(refs):
    brut = _export()
    brut.loc[4, "Axe du contrat"] = "Axe 2 - Cadre de vie"  # 2e ligne de l'action 2 (ligne 6 du fichier)
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.ligne, e.colonne) == (6, "Axe du contrat")
    assert (
        "l'action « 2032-CV-00002 » a deux valeurs de « pilier » : « Axe 1 - Cohésion sociale » (ligne 5) et "
        "« Axe 2 - Cadre de vie » (ligne 6)"
    ) in e.message


def test_siret_invalide(refs):
    brut = _export()
    brut.loc[brut["N° dossier"] == "2032-CV-00002", "N° SIRET"] = "99900003700014"
    e = _erreur(charger_correspondance(YAML), brut, refs).erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == (EXPORT, 5, "N° SIRET")
    assert "SIRET « 99900003700014 » invalide (clé de contrôle (Luhn) fausse" in e.message


# --------------------------------------------------------------------------------------------- disposition large


def _large(refs, lignes, financeurs=None, **autres):
    corr = correspondance_depuis_dict(
        {
            "programmation": {
                "fichier": "large.csv",
                "disposition": "large",
                "colonnes": {
                    "id_action": "Code",
                    "intitule": "Action",
                    "porteur": "Porteur",
                    "communes": "Lieu",
                    "pilier": "Pilier",
                    "thematique": "Thème",
                },
                "financeurs": financeurs or {"etat_credits_specifiques": "Etat", "communes": "Villes", "caf": "Caf"},
                "ligne_total": {"colonne": "Code", "valeur": "Total"},
                **autres,
            }
        }
    )
    brut = pd.DataFrame(
        lignes, columns=["Code", "Action", "Porteur", "Lieu", "Pilier", "Thème", "Etat", "Villes", "Caf"], dtype=object
    )
    brut["ligne_source"] = range(2, len(brut) + 2)
    brut.attrs["source"] = {"fichier": "large.csv"}
    return corr, brut


LIGNES_LARGES = [
    [
        "L1",
        "Atelier",
        "Ville d'Ailleurs-la-Rivière",
        "Ailleurs-la-Rivière",
        "Cohésion sociale",
        "Sport",
        "1 000 €",
        "500",
        "",
    ],
    [
        "L2",
        "Jardin",
        "CCAS de Chimère-les-Bains",
        "Chimère-les-Bains",
        "Cadre de vie",
        "Cadre de vie",
        "2 000,50",
        "",
        "300",
    ],
    ["Total", "", "", "", "", "", "3 000,50", "500", "400"],
]


def test_disposition_large_avec_colonnes_par_financeur(refs):
    corr, brut = _large(refs, LIGNES_LARGES)
    r = appliquer(corr, brut, refs)
    prog = r.tables["programmation"]
    assert prog["id_action"].tolist() == ["L1", "L2"]
    assert prog["credits_specifiques"].tolist() == ["1000", "2000.50"]
    assert prog["droit_commun"].tolist() == ["500", "300"]
    assert prog["montant_etat_credits_specifiques"].tolist() == ["1 000 €", "2 000,50"]  # texte tel que reçu
    assert prog["type_porteur"].tolist() == ["commune", "CCAS"]
    assert prog["ligne_source"].tolist() == [2, 3]
    # le total de la CAF (400) diffère de la somme (300) : écart ; Etat et Villes concordent
    assert r.ecarts[["financeur", "total_fourni", "somme_actions", "ecart", "ligne"]].values.tolist() == [
        ["caf", 400.0, 300.0, 100.0, 4]
    ]
    propres = nettoyer_financements(r.bruts(), refs)["programmation"]
    assert propres["credits_specifiques"].sum() == 3000.5 and propres["droit_commun"].sum() == 800


def test_disposition_large_colonne_de_total_rapprochee_par_action_et_au_total_general(refs):
    """Une colonne « Total » par action (L1 : 1 000 + 500 = 1 500, l'export dit 1 600 ; L2 : 2 000,50 + 300 =
    2 300,50, juste) et sur la ligne de total (l'export dit 3 900,50 ; la somme des actions est 3 800,50)."""
    lignes = [ligne + [total] for ligne, total in zip(LIGNES_LARGES, ["1 600", "2 300,50", "3 900,50"])]
    corr, brut = _large(refs, [x[:-1] for x in lignes], colonne_total="Total")
    brut.insert(9, "Total", [x[-1] for x in lignes])
    r = appliquer(corr, brut, refs)
    assert r.ecarts[["financeur", "libelle", "total_fourni", "somme_actions", "ecart", "ligne"]].values.tolist() == [
        ["caf", "CAF", 400.0, 300.0, 100.0, 4],
        ["ensemble", "Tous financeurs (total général)", 3900.5, 3800.5, 100.0, 4],
        ["ensemble", "Action L1 : total de l'action (colonne « Total »)", 1600.0, 1500.0, 100.0, 2],
    ]
    assert r.ecarts.attrs["totaux_verifies"] == 6  # 3 financeurs + total général + 2 actions
    # colonne déclarée absente : erreur qui nomme la colonne et propose la plus proche
    corr2, brut2 = _large(refs, LIGNES_LARGES, colonne_total="Totale")
    brut2["Total"] = ""
    with pytest.raises(ErreursNettoyage, match="colonne « Totale » de « colonne_total » absente de l'export"):
        appliquer(corr2, brut2, refs)


def test_total_general_d_un_export_long_sous_un_libelle_total(resultat):
    """Sur une ligne de total, un cofinanceur « Tous financeurs » (ou vide) désigne le total général : un total changé
    en 3 500 000 est un écart avec les deux montants, jamais « aucun total ne diffère »."""
    from politique_ville.clean.correspondance import _est_total_general

    assert _est_total_general("") and _est_total_general("Tous financeurs") and _est_total_general("TOTAL")
    assert not _est_total_general("CAF")
    corr = resultat.correspondance
    brut = _export()
    brut.loc[brut.index[-1], "Montant accordé (€)"] = "3 500 000,00"
    brut.loc[brut.index[-1], "Cofinanceur"] = "Tous financeurs"
    r = appliquer(corr, brut, _refs())
    general = r.ecarts[r.ecarts["financeur"] == "ensemble"].iloc[0]
    assert (general["total_fourni"], general["somme_actions"], general["ecart"]) == (3500000.0, 112000.0, 3388000.0)
    assert "Aucun" not in resume_correspondance(r) and "2 diffèrent" in resume_correspondance(r)
    # un autre libellé qui n'est pas un financeur, sur la ligne de total : total général aussi (jamais une erreur)
    brut.loc[brut.index[-1], "Cofinanceur"] = "Total programmation 2032"
    assert appliquer(corr, brut, _refs()).ecarts["total_fourni"].tolist() == [11000.0, 3500000.0]


def test_disposition_large_identifiant_en_double(refs):
    lignes = [LIGNES_LARGES[0], [*LIGNES_LARGES[1][:1]] + LIGNES_LARGES[1][1:]]
    lignes[1][0] = "L1"
    corr, brut = _large(refs, lignes)
    e = _erreur(corr, brut, refs).erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("large.csv", 3, "Code")
    assert "identifiant d'action « L1 » en double (lignes 2, 3)" in e.message


def test_disposition_large_deux_colonnes_pour_un_financeur():
    with pytest.raises(ErreursNettoyage, match="une seule colonne par financeur"):
        _large(None, LIGNES_LARGES, financeurs={"communes": ["Villes", "Caf"]})


def test_communes_deduites_des_quartiers(refs):
    corr = correspondance_depuis_dict(
        {
            "programmation": {
                "fichier": "q.csv",
                "disposition": "large",
                "colonnes": {
                    "id_action": "id",
                    "intitule": "t",
                    "porteur": "p",
                    "qpv": "q",
                    "pilier": "pi",
                    "thematique": "th",
                    "credits_specifiques": "cs",
                },
            }
        }
    )
    brut = pd.DataFrame(
        [["Q1", "Action", "Régie de Quartier Fictive", "LOC-QP02 ; Cité du Songe", "Cohésion sociale", "Sport", "100"]],
        columns=["id", "t", "p", "q", "pi", "th", "cs"],
        dtype=object,
    )
    brut["ligne_source"] = [2]
    quartiers = lire_table(RAW / "insee_qpv.csv").rename(
        columns={"CODGEO": "code_qp", "LIBGEO": "nom_qp", "LIBCOM": "nom_commune"}
    )
    prog = appliquer(corr, brut, refs, quartiers=quartiers).tables["programmation"]
    assert prog["communes"].tolist() == ["Chimère-les-Bains, Utopie-Saint-Martin"]
    with pytest.raises(ErreursNettoyage, match="fournissez la table des quartiers"):
        appliquer(corr, brut, refs)


# --------------------------------------------------------------------------------------------- divers


def test_texte_montant():
    assert [texte_montant(x) for x in (1234.0, 1234.5, 0.125, float("nan"))] == ["1234", "1234.50", "0.12", ""]


def test_lire_export_lit_le_fichier_recu():
    brut = lire_export(charger_correspondance(YAML), RAW)
    assert brut.attrs["source"]["fichier"] == EXPORT and brut.attrs["source"]["separateur"] == ";"
    assert len(FINANCEURS) == 9


def test_l_export_n_est_pas_modifie(tmp_path, refs):
    copie = tmp_path / "raw"
    shutil.copytree(RAW, copie)
    avant = empreintes(copie)
    preparer_programmation(YAML, copie, refs)
    assert empreintes(copie) == avant


def test_erreur_donnees_est_en_francais():
    with pytest.raises(ErreurDonnees, match="fichier de correspondance introuvable"):
        charger_correspondance(FIXTURE / "absent.yaml")


def test_colonne_de_total_d_un_export_long(resultat):
    """Une colonne « Total action » répétée sur les lignes de chaque action : l'action 1 (8 000 + 2 000 + 1 500 =
    11 500) est dite 12 000 ; sur la ligne de total général, 112 000 (juste, mais 113 000 dans la colonne du montant)."""
    import dataclasses

    corr = dataclasses.replace(resultat.correspondance, colonne_total="Total action")
    brut = _export()
    sommes = {"2032-CV-00001": "12 000,00"}
    ids = brut["N° dossier"]
    brut["Total action"] = [sommes.get(i, "") for i in ids]
    brut.loc[brut.index[-1], "Total action"] = "112 000,00"
    r = appliquer(corr, brut, _refs())
    assert r.ecarts[["libelle", "total_fourni", "somme_actions", "ecart", "ligne"]].values.tolist() == [
        ["Région", 11000.0, 10000.0, 1000.0, 34],
        ["Tous financeurs (total général)", 113000.0, 112000.0, 1000.0, 38],
        ["Action 2032-CV-00001 : total de l'action (colonne « Total action »)", 12000.0, 11500.0, 500.0, 2],
    ]
    assert r.ecarts.attrs["totaux_verifies"] == 12  # 10 lignes de total, 1 action, 1 total général de la colonne
