"""Format national des subventions (SCDL « Subventions » v1.1 et v2) : reconnaissance, SIRET / SIREN (clé de Luhn,
exception de La Poste), vérification d'un fichier, comparaison avec la programmation (« vérification indépendante »).

Le fichier SCDL de l'agglomération fictive (``tests/fixtures/territoire_etranger/raw/2032/``) a des différences
voulues avec la programmation : Association Passerelles Fictives concorde (2 500 + 1 000 = 3 500 €, rapprochée par
SIRET), Compagnie Imaginaire du Théâtre diffère (3 000 € accordés, 2 500 € programmés, rapprochée par son nom),
Association Les Jardins Fictifs est absente de la programmation (1 200 €), l'agglomération elle-même est absente du
fichier SCDL (1 500 + 5 000 = 6 500 € programmés).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.catalog import Catalogue, lire_table
from politique_ville.correspondance import preparer_programmation
from politique_ville.errors import ErreurDonnees
from politique_ville.nettoyage import ErreursNettoyage, Referentiels, nettoyer_financements
from politique_ville.scdl import (
    COLONNES_SCDL_V1,
    COLONNES_SCDL_V2,
    comparer,
    compter_statuts,
    est_scdl,
    lire_scdl,
    luhn_valide,
    siren_valide,
    siret_valide,
    verification_independante,
    verifier_scdl,
    version_scdl,
)

FIXTURE = RACINE / "tests" / "fixtures" / "territoire_etranger"
RAW = FIXTURE / "raw" / "2032"
SCDL = RAW / "subventions_agglomeration_scdl.csv"
AGGLO = "Communauté fictive des Coteaux d'Ailleurs"
SIRET_AGGLO = "99900006000015"
SIRET_PASSERELLES = "99900001100018"


@pytest.fixture(scope="module")
def programmation():
    refs = Referentiels.charger(Catalogue.pour(2032, RACINE, reference_dir=FIXTURE / "reference"))
    r = preparer_programmation(FIXTURE / "reference" / "correspondances" / "programmation_2032.yaml", RAW, refs)
    return r, nettoyer_financements(r.bruts(), refs)["programmation"]


@pytest.fixture(scope="module")
def scdl():
    return lire_scdl(SCDL, financeur="agglomeration", attribuant_siret=SIRET_AGGLO)


def _ecrire(tmp_path, lignes, colonnes=COLONNES_SCDL_V2, sep=",", nom="scdl.csv"):
    chemin = tmp_path / nom
    texte = "\n".join(sep.join(ligne) for ligne in [list(colonnes), *lignes]) + "\n"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def _ligne(
    beneficiaire="Asso",
    siret=SIRET_PASSERELLES,
    montant="100",
    attribuant_siret=SIRET_AGGLO,
    attribuant=AGGLO,
    rna="",
    v2=True,
):
    valeurs = {
        "nomAttribuant": attribuant,
        "idAttribuant": attribuant_siret,
        "dateConvention": "2032-01-10",
        "referenceDecision": "D1",
        "nomBeneficiaire": beneficiaire,
        "idBeneficiaire": siret,
        "rnaBeneficiaire": rna,
        "objet": "Objet",
        "montant": montant,
        "nature": "aide en numéraire",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2032-02-01",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "",
        "dispositifAide": "",
    }
    return [valeurs[c] for c in (COLONNES_SCDL_V2 if v2 else COLONNES_SCDL_V1)]


# --------------------------------------------------------------------------------------------- Luhn


@pytest.mark.parametrize(
    "siren, valide",
    [
        ("552100554", True),
        ("552100555", False),
        ("552 100 554", True),
        ("55210055", False),
        ("55210055A", False),
        ("356000000", True),
    ],
)
def test_siren(siren, valide):
    assert siren_valide(siren) is valide


@pytest.mark.parametrize(
    "siret, valide",
    [
        (SIRET_PASSERELLES, True),
        ("99900001100017", False),  # un chiffre changé : clé fausse
        ("999 000 011 00018", True),
        ("9990000110001", False),  # 13 chiffres
        ("35600000000048", True),  # siège de La Poste : clé de Luhn ordinaire
        ("35600000012346", True),  # établissement de La Poste : somme des chiffres 30, multiple de 5
        ("35600000012345", False),  # somme 29
    ],
)
def test_siret_et_exception_de_la_poste(siret, valide):
    assert siret_valide(siret) is valide


def test_la_poste_valide_sans_la_cle_de_luhn():
    assert not luhn_valide("35600000012346") and siret_valide("35600000012346")
    assert luhn_valide("35600000000048")


# --------------------------------------------------------------------------------------------- reconnaissance


def test_v1_et_v2_reconnues_par_leurs_colonnes(tmp_path):
    v1 = lire_table(_ecrire(tmp_path, [_ligne(v2=False)], COLONNES_SCDL_V1, nom="v1.csv"))
    v2 = lire_table(_ecrire(tmp_path, [_ligne()], nom="v2.csv"))
    assert len(COLONNES_SCDL_V1) == 14 and len(COLONNES_SCDL_V2) == 16
    assert est_scdl(v1) and version_scdl(v1) == "1.1"
    assert est_scdl(v2) and version_scdl(v2) == "2"
    # casse ignorée
    assert version_scdl(v2.rename(columns=str.upper)) == "2"
    # la programmation n'est pas un fichier SCDL ; un fichier sans « montant » non plus
    assert not est_scdl(lire_table(RAW / "programmation_export.csv"))
    assert version_scdl(v2.drop(columns="montant")) is None


def test_lecture_v1_et_v2(tmp_path):
    v1 = lire_scdl(
        _ecrire(tmp_path, [_ligne(v2=False, montant="2500.5")], COLONNES_SCDL_V1, nom="v1.csv"),
        financeur="agglomeration",
    )
    assert v1["montant_num"].tolist() == [2500.5] and v1["version_scdl"].tolist() == ["1.1"]
    # séparateur « ; », en-têtes en capitales et montant écrit à la française
    v2 = lire_scdl(_ecrire(tmp_path, [_ligne(montant="2 500,50")], [c.upper() for c in COLONNES_SCDL_V2], sep=";"))
    assert v2["montant_num"].tolist() == [2500.5] and "nomBeneficiaire" in v2.columns


def test_fichier_non_scdl_est_une_erreur_qui_liste_les_colonnes_absentes():
    with pytest.raises(ErreurDonnees) as exc:
        lire_scdl(RAW / "programmation_export.csv")
    assert exc.value.fichier == "programmation_export.csv" and exc.value.ligne == 1
    assert "ce n'est pas un fichier SCDL « Subventions » : colonne(s) absente(s) nomAttribuant, idAttribuant" in str(
        exc.value
    )


# --------------------------------------------------------------------------------------------- vérification


def test_fichier_de_l_agglomeration_lu(scdl):
    assert len(scdl) == 4 and scdl["version_scdl"].iloc[0] == "2"
    assert scdl["montant_num"].tolist() == [3000.0, 2500.0, 1000.0, 1200.0]
    assert scdl["ligne_source"].tolist() == [2, 3, 4, 5]
    assert set(scdl["financeur"]) == {"agglomeration"}


def test_siret_invalide_nomme_la_ligne(tmp_path):
    chemin = _ecrire(tmp_path, [_ligne(), _ligne(siret="99900001100017"), _ligne(siret="1234")])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin)
    erreurs = exc.value.erreurs
    assert [(e.fichier, e.ligne, e.colonne) for e in erreurs] == [
        ("scdl.csv", 3, "idBeneficiaire"),
        ("scdl.csv", 4, "idBeneficiaire"),
    ]
    assert "SIRET « 99900001100017 » invalide (clé de contrôle (Luhn) fausse" in erreurs[0].message
    assert "4 chiffres au lieu de 14 (SIRET) ou 9 (SIREN)" in erreurs[1].message


def test_attribuant_invalide_et_montant_negatif(tmp_path):
    chemin = _ecrire(tmp_path, [_ligne(attribuant_siret="99900006000016", montant="-5")])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin)
    assert [(e.ligne, e.colonne) for e in exc.value.erreurs] == [(2, "idAttribuant"), (2, "montant")]
    assert "montant négatif (-5)" in str(exc.value)


def test_fichier_d_un_autre_attribuant_nomme_les_deux(tmp_path):
    autre = "Département fictif du Songe"
    chemin = _ecrire(tmp_path, [_ligne(attribuant=autre, attribuant_siret=SIRET_PASSERELLES)])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin, financeur="agglomeration", attribuant_siret=SIRET_AGGLO, attribuant_nom=AGGLO)
    e = exc.value.erreurs[0]
    assert (e.ligne, e.colonne) == (2, "idAttribuant")
    assert (
        f"ce fichier SCDL est celui de « {autre} » (idAttribuant {SIRET_PASSERELLES}), pas de l'attribuant "
        f"déclaré « {AGGLO} » (SIRET {SIRET_AGGLO})" in e.message
    )
    # par le nom seul
    with pytest.raises(ErreursNettoyage, match=f"celui de « {autre} »"):
        lire_scdl(chemin, attribuant_nom=AGGLO)
    # le bon attribuant : aucune erreur (un SIRET d'un autre établissement du même SIREN aussi)
    assert len(lire_scdl(chemin, attribuant_nom=autre)) == 1
    assert len(lire_scdl(SCDL, attribuant_siret="999000060")) == 4


def test_financeur_inconnu():
    with pytest.raises(ErreurDonnees, match="financeur « agglo » inconnu"):
        verifier_scdl(lire_table(SCDL), financeur="agglo")


# --------------------------------------------------------------------------------------------- comparaison


def _par_porteur(comparaison):
    return comparaison.set_index("porteur")


@pytest.mark.parametrize("quelle", ["brute", "nettoyee"])
def test_comparaison_avec_la_programmation(scdl, programmation, quelle):
    prog = programmation[0].tables["programmation"] if quelle == "brute" else programmation[1]
    c = comparer(scdl, prog)
    assert c["statut"].tolist() == ["concorde", "diffère", "absent de la programmation", "absent du fichier SCDL"]
    p = _par_porteur(c)
    assert p.loc["Association Passerelles Fictives", ["montant_scdl", "montant_programmation", "ecart"]].tolist() == [
        3500.0,
        3500.0,
        0.0,
    ]
    assert p.loc["Association Passerelles Fictives", "rapprochement"] == "SIRET"
    assert p.loc["Association Passerelles Fictives", "actions"] == "2032-CV-00006, 2032-CV-00007"
    assert p.loc["Association Passerelles Fictives", "lignes_scdl"] == "3, 4"
    compagnie = p.loc["Compagnie Imaginaire du Théâtre"]
    assert (compagnie["montant_scdl"], compagnie["montant_programmation"], compagnie["ecart"]) == (3000, 2500, 500)
    assert compagnie["rapprochement"] == "nom"
    jardins = p.loc["Association Les Jardins Fictifs"]
    assert jardins["montant_scdl"] == 1200 and pd.isna(jardins["montant_programmation"])
    agglo = p.loc[AGGLO]
    assert agglo["montant_programmation"] == 6500 and pd.isna(agglo["montant_scdl"])
    assert set(c["financeur"]) == {"Agglomération (EPCI)"} and set(c["attribuant"]) == {AGGLO}
    assert compter_statuts(c) == {
        "concorde": 1,
        "diffère": 1,
        "absent de la programmation": 1,
        "absent du fichier SCDL": 1,
    }


def _prog(lignes):
    return pd.DataFrame(lignes, columns=["id_action", "porteur", "siret", "montant_agglomeration"])


def _scdl(tmp_path, lignes):
    return lire_scdl(_ecrire(tmp_path, lignes), financeur="agglomeration")


def test_tolerance_et_sens_de_l_ecart(tmp_path):
    prog = _prog([["A1", "Asso", SIRET_PASSERELLES, "1000"]])
    # 0,40 € de différence : concorde (tolérance 0,50 €) ; 0,60 € : diffère ; l'écart est SCDL − programmation
    assert comparer(_scdl(tmp_path, [_ligne(montant="1000.40")]), prog)["statut"].tolist() == ["concorde"]
    c = comparer(_scdl(tmp_path, [_ligne(montant="999.40")]), prog)
    assert c["statut"].tolist() == ["diffère"] and round(c["ecart"].iloc[0], 2) == -0.6
    assert comparer(_scdl(tmp_path, [_ligne(montant="999.40")]), prog, tolerance=1)["statut"].tolist() == ["concorde"]


def test_rapprochement_par_siren_puis_jamais_par_nom_si_siret_different(tmp_path):
    # même SIREN, autre établissement : rapproché par le SIREN
    prog = _prog([["A1", "Asso", SIRET_PASSERELLES, "1000"]])
    autre_etablissement = "99900001100026"
    assert siret_valide(autre_etablissement)
    c = comparer(_scdl(tmp_path, [_ligne(siret=autre_etablissement, montant="1000")]), prog)
    assert c[["rapprochement", "statut"]].values.tolist() == [["SIREN", "concorde"]]
    # même nom mais SIRET différent dans la programmation : deux porteurs, pas de rapprochement par le nom
    prog2 = _prog([["A1", "Asso", "99900002900010", "1000"]])
    c2 = comparer(_scdl(tmp_path, [_ligne(beneficiaire="Asso", montant="1000")]), prog2)
    assert sorted(c2["statut"]) == ["absent de la programmation", "absent du fichier SCDL"]


def test_porteur_sans_montant_du_financeur_non_liste(tmp_path):
    prog = _prog([["A1", "Asso", SIRET_PASSERELLES, "1000"], ["A2", "Autre", "", ""], ["A3", "Zéro", "", "0"]])
    c = comparer(_scdl(tmp_path, [_ligne(montant="1000")]), prog)
    assert c["porteur"].tolist() == ["Asso"]


def test_verification_independante_pour_la_concordance(scdl, programmation):
    v = verification_independante(comparer(scdl, programmation[1]), SCDL.name)
    assert list(v.columns) == [
        "verification",
        "source",
        "libelle",
        "valeur_independante",
        "valeur_programmation",
        "ecart",
        "statut",
        "explication",
    ]
    assert set(v["verification"]) == {"vérification indépendante"} and set(v["source"]) == {SCDL.name}
    assert v["libelle"].iloc[1] == "Agglomération (EPCI) à Compagnie Imaginaire du Théâtre"
    assert v["explication"].iloc[1] == "le montant accordé publié par l'attribuant n'est pas celui de la programmation"
    assert v["explication"].iloc[3].startswith("montant de la programmation sans subvention correspondante")
