"""Format national des subventions (SCDL « Subventions » 1.0, 1.1/2.0, 2.1) : reconnaissance, validation contre le
schéma officiel, SIRET / SIREN (clé de Luhn, exception de La Poste), parts, exercices, comparaison avec la
programmation (« vérification indépendante »).

Le fichier SCDL de l'agglomération fictive (``tests/fixtures/territoire_etranger/raw/2032/``, 9 lignes) a des cas
voulus, calculés à la main :

- ligne 2 : Compagnie Imaginaire du Théâtre, identifiée par son seul RNA (W999000044), 3 000 € accordés pour 2 500 €
  programmés : diffère de +500 € ;
- lignes 3 à 5 : une subvention de 5 000 € partagée 0,5 / 0,3 / 0,2 : Association Passerelles Fictives 2 500 €,
  Régie de Quartier Fictive 1 500 €, CCAS de Chimère-les-Bains 1 000 € (SIRET « 99900003700013.0 » réparé) ;
- ligne 6 : Association Passerelles Fictives 1 000 € ; avec la ligne 3 : 3 500 € = programmation, concorde (sans
  les parts : 5 000 + 1 000 = 6 000 €, « diffère +2 500 ») ;
- lignes 7 et 8 : une subvention de 2 000 € en deux lignes 0,6 / 0,4, hors programmation : Association Les Jardins
  Fictifs 1 200 €, Ville d'Ailleurs-la-Rivière 800 € ;
- ligne 9 : Association Passerelles Fictives, convention du 20/11/2031 (800 €) : autre exercice, jamais additionnée ;
- ligne 10 : Régie de Quartier Fictive, SIRET « 9.9900005200012E+13 » (notation scientifique) : ligne écartée (700 €) ;
- l'agglomération elle-même est absente du fichier SCDL (1 500 + 5 000 = 6 500 € programmés).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RACINE

from politique_ville.base.catalog import Catalogue, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance import preparer_programmation
from politique_ville.clean.nettoyage import ErreursNettoyage, Referentiels, nettoyer_financements
from politique_ville.clean.scdl import (
    COLONNES_SCDL_V1,
    COLONNES_SCDL_V2,
    NOMS_V1_0,
    charger_correspondance_subventions,
    comparer,
    compter_statuts,
    detail_des_lignes,
    est_scdl,
    lire_date,
    lire_periode,
    lire_scdl,
    luhn_valide,
    phrase_lignes,
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


EXEMPLE = RACINE / "tests" / "fixtures" / "scdl" / "exemple_valide-2.1.1.csv"
SIRET_REGIE = "99900005200012"
SIRET_CCAS = "99900003700013"


@pytest.fixture(scope="module")
def scdl():
    return lire_scdl(SCDL, financeur="agglomeration", attribuant_siret=SIRET_AGGLO, annee=2032)


def _ecrire(tmp_path, lignes, colonnes=COLONNES_SCDL_V2, sep=",", nom="scdl.csv", encodage="utf-8"):
    chemin = tmp_path / nom
    texte = "\n".join(sep.join(ligne) for ligne in [list(colonnes), *lignes]) + "\n"
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def _ligne(
    beneficiaire="Asso",
    siret=SIRET_PASSERELLES,
    montant="100",
    attribuant_siret=SIRET_AGGLO,
    attribuant=AGGLO,
    rna="",
    v2=True,
    pourcentage="",
    date="2032-01-10",
    reference="D1",
    objet="Objet",
    periode="2032-02-01",
    nature="aide en numéraire",
    colonnes=None,
):
    valeurs = {
        "nomAttribuant": attribuant,
        "idAttribuant": attribuant_siret,
        "dateConvention": date,
        "referenceDecision": reference,
        "nomBeneficiaire": beneficiaire,
        "idBeneficiaire": siret,
        "rnaBeneficiaire": rna,
        "objet": objet,
        "montant": montant,
        "nature": nature,
        "conditionsVersement": "unique",
        "datesPeriodeVersement": periode,
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": pourcentage,
        "dispositifAide": "",
    }
    return [valeurs[c] for c in (colonnes or (COLONNES_SCDL_V2 if v2 else COLONNES_SCDL_V1))]


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


def test_versions_reconnues_par_leurs_colonnes(tmp_path):
    v1 = lire_table(_ecrire(tmp_path, [_ligne(v2=False)], COLONNES_SCDL_V1, nom="v1.csv"))
    v2 = lire_table(_ecrire(tmp_path, [_ligne()], nom="v2.csv"))
    v10 = lire_table(_ecrire(tmp_path, [_ligne(v2=False)], list(NOMS_V1_0), nom="v10.csv"))
    assert len(COLONNES_SCDL_V1) == 14 and len(COLONNES_SCDL_V2) == 16 and len(NOMS_V1_0) == 14
    assert est_scdl(v1) and version_scdl(v1) == "1.1/2.0"  # 1.1 et 2.0.x : les mêmes 14 colonnes
    assert est_scdl(v2) and version_scdl(v2) == "2.1"
    assert est_scdl(v10) and version_scdl(v10) == "1.0"
    # casse ignorée
    assert version_scdl(v2.rename(columns=str.upper)) == "2.1"
    # la programmation n'est pas un fichier SCDL ; un fichier sans « montant » non plus
    assert not est_scdl(lire_table(RAW / "programmation_export.csv"))
    assert version_scdl(v2.drop(columns="montant")) is None
    # 2.1 : idBeneficiaire peut manquer quand rnaBeneficiaire est là ; sans l'un ni l'autre, ce n'est pas du SCDL
    assert est_scdl(v2.drop(columns="idBeneficiaire"))
    assert not est_scdl(v2.drop(columns=["idBeneficiaire", "rnaBeneficiaire"]))


def test_lecture_v1_et_v2(tmp_path):
    v1 = lire_scdl(
        _ecrire(tmp_path, [_ligne(v2=False, montant="2500.5")], COLONNES_SCDL_V1, nom="v1.csv"),
        financeur="agglomeration",
    )
    assert v1.lignes["montant_num"].tolist() == [2500.5] and v1.version == "1.1/2.0"
    # séparateur « ; », en-têtes en capitales et montant écrit à la française : acceptés et signalés
    v2 = lire_scdl(_ecrire(tmp_path, [_ligne(montant="2 500,50")], [c.upper() for c in COLONNES_SCDL_V2], sep=";"))
    assert v2.lignes["montant_num"].tolist() == [2500.5] and "nomBeneficiaire" in v2.lignes.columns
    traitements = dict(zip(v2.ecarts_schema["colonne"], v2.ecarts_schema["traitement"]))
    assert traitements["MONTANT"] == "accepté : lu 2\u202f500,50"


def test_fichier_1_0_en_capitales(tmp_path):
    """Version 1.0 : noms en capitales, ramenés à ceux de la 1.1 ; validé contre le schéma 1.0.0."""
    lignes = [
        _ligne(v2=False, montant="1200", pourcentage="1"),
        _ligne(v2=False, beneficiaire="Autre", siret=SIRET_REGIE, montant="800", reference="D2", pourcentage="1"),
    ]
    sub = lire_scdl(_ecrire(tmp_path, lignes, list(NOMS_V1_0)), financeur="agglomeration", annee=2032)
    assert sub.version == "1.0"
    assert sub.lignes["part"].tolist() == [1200.0, 800.0]
    assert sub.lignes["siret_beneficiaire"].tolist() == [SIRET_PASSERELLES, SIRET_REGIE]
    assert sub.comptes() == {"comptée": 2, "autre exercice": 0, "écartée": 0}
    assert sub.ecarts_schema.iloc[0].to_dict() == {
        "ligne": 1,
        "colonne": "",
        "valeur": "",
        "regle": "noms de colonnes de la version 1.0",
        "traitement": "accepté : ramenés aux noms de la 1.1",
    }
    c = comparer(sub, _prog([["A1", "Asso", SIRET_PASSERELLES, "1200"]]))
    assert c[["porteur", "statut"]].values.tolist() == [["Asso", "concorde"], ["Autre", "absent de la programmation"]]


def test_colonnes_dans_un_autre_ordre_et_valeurs_en_capitales(tmp_path):
    """Un fichier de département : colonnes dans un autre ordre, « Aide en numéraire », « _ » entre les dates de la
    période, dates « AAAA/MM/JJ », montants « 26 956,00 » : tout est lu, chaque écart au schéma est signalé."""
    ordre = list(reversed(COLONNES_SCDL_V2))
    lignes = [
        _ligne(
            montant="26 956,00",
            date="2032/09/08",
            periode="2032-10-01_2032-12-31",
            nature="Aide en numéraire",
            pourcentage="1",
            colonnes=ordre,
        ),
        _ligne(
            beneficiaire="Régie",
            siret=SIRET_REGIE,
            montant="1 000,00",
            reference="D2",
            nature="Aide en numéraire",
            pourcentage="1",
            colonnes=ordre,
        ),
    ]
    sub = lire_scdl(_ecrire(tmp_path, lignes, ordre, sep=";"), financeur="departement", annee=2032)
    assert sub.lignes["part"].tolist() == [26956.0, 1000.0]
    assert sub.comptes() == {"comptée": 2, "autre exercice": 0, "écartée": 0}
    e = sub.ecarts_schema
    assert e.iloc[0]["regle"] == "ordre des colonnes du schéma"
    assert e.iloc[0]["traitement"] == "accepté : colonnes rapprochées par leur nom"
    par_cellule = {(r.ligne, r.colonne): (r.regle, r.traitement) for r in e.itertuples()}
    assert par_cellule[(2, "dateConvention")] == ("date AAAA-MM-JJ", "accepté : format AAAA/MM/JJ lu")
    assert par_cellule[(2, "datesPeriodeVersement")][1] == "accepté : « _ » entre les deux dates lu comme « / »"
    assert par_cellule[(2, "nature")] == (
        "une des valeurs : « aide en numéraire » | « aide en nature » | « aide en numéraire;aide en nature » | "
        "« aide en nature;aide en numéraire »",
        "accepté : casse ignorée",
    )
    assert par_cellule[(3, "montant")] == ("nombre à point décimal", "accepté : lu 1\u202f000,00")


def test_fichier_windows_1252_derriere_un_bom(tmp_path):
    chemin = tmp_path / "dep.csv"
    texte = "\n".join(",".join(x) for x in [COLONNES_SCDL_V2, _ligne(beneficiaire="Société d'étude", montant="10")])
    chemin.write_bytes(b"\xef\xbb\xbf" + texte.encode("cp1252"))
    sub = lire_scdl(chemin)
    assert sub.lignes["nomBeneficiaire"].tolist() == ["Société d'étude"]
    assert sub.encodage == "cp1252-bom"
    assert sub.ecarts_schema.iloc[0]["traitement"] == (
        "accepté : octets Windows-1252 derrière un BOM UTF-8, lus en Windows-1252"
    )


def test_exemple_officiel_du_schema_lu_sans_ecart_de_ligne():
    """L'exemple valide du schéma 2.1.1 (28 lignes, dont une identifiée par son seul RNA) : aucune ligne écartée ;
    un seul écart relevé, une période impossible (« 2017-30-05 ») qui n'est pas utilisée."""
    sub = lire_scdl(EXEMPLE, financeur="communes", annee=2017)
    assert len(sub) == 29 and sub.version == "2.1"
    assert sub.comptes()["écartée"] == 0
    rna_seul = sub.lignes[sub.lignes["siret_beneficiaire"] == ""]
    assert rna_seul["rna_beneficiaire"].tolist() == ["W322216459"]
    assert sub.ecarts_schema[["ligne", "colonne", "traitement"]].values.tolist() == [
        [27, "datesPeriodeVersement", "accepté : non utilisée (date « 2017-30-05 » impossible)"]
    ]
    # première ligne : 99 786,57 € × 0,05 = 4 989,33 €
    assert round(sub.lignes["part"].iloc[0], 2) == 4989.33


def test_fichier_non_scdl_est_une_erreur_qui_liste_les_colonnes_absentes():
    with pytest.raises(ErreurDonnees) as exc:
        lire_scdl(RAW / "programmation_export.csv")
    assert exc.value.fichier == "programmation_export.csv" and exc.value.ligne == 1
    assert "ce n'est pas un fichier SCDL « Subventions » : colonne(s) absente(s) nomAttribuant, idAttribuant" in str(
        exc.value
    )
    assert "correspondance" in str(exc.value)


@pytest.mark.parametrize(
    "texte, date_lue, remarque",
    [
        ("2032-03-15", "2032-03-15", ""),
        ("2032/03/15", "2032-03-15", "format AAAA/MM/JJ lu"),
        ("15/03/2032", "2032-03-15", "format JJ/MM/AAAA lu"),
        ("2032-02-30", None, "date « 2032-02-30 » impossible"),
        ("mars 2032", None, "date « mars 2032 » illisible"),
    ],
)
def test_dates(texte, date_lue, remarque):
    d, r = lire_date(texte)
    assert (None if d is None else d.isoformat(), r) == (date_lue, remarque)


def test_periodes():
    (debut, fin), r = lire_periode("2032-01-01_2032-06-30")
    assert (debut.isoformat(), fin.isoformat(), r) == (
        "2032-01-01",
        "2032-06-30",
        "« _ » entre les deux dates lu comme « / »",
    )
    (debut, fin), r = lire_periode("2032/09/08")  # une seule date, écrite avec des « / »
    assert (debut.isoformat(), fin.isoformat()) == ("2032-09-08", "2032-09-08")
    assert lire_periode("") == (None, "période absente")


# --------------------------------------------------------------------------------------------- le fichier fictif


def test_fichier_de_l_agglomeration_lu(scdl):
    lignes = scdl.lignes
    assert len(scdl) == 9 and scdl.version == "2.1"
    assert lignes["ligne_source"].tolist() == list(range(2, 11))
    assert lignes["montant_num"].tolist() == [3000, 5000, 5000, 5000, 1000, 2000, 2000, 800, 700]
    assert lignes["pourcentage"].tolist() == [1, 0.5, 0.3, 0.2, 1, 0.6, 0.4, 1, 1]
    assert lignes["part"].round(2).tolist() == [3000, 2500, 1500, 1000, 1000, 1200, 800, 800, 700]
    assert lignes["traitement"].tolist() == ["comptée"] * 7 + ["autre exercice", "écartée"]
    assert lignes["motif"].iloc[7] == "convention du 20/11/2031 hors de l'exercice 2032"
    assert "notation scientifique" in lignes["motif"].iloc[8]
    # les trois lignes 3 à 5 sont une seule subvention, comme les lignes 7 et 8
    assert lignes["id_subvention"].tolist() == [1, 2, 2, 2, 3, 4, 4, 5, 6]
    assert scdl.subventions_a_verifier.empty
    assert set(lignes["financeur"]) == {"agglomeration"}


def test_siret_lu_comme_un_nombre_a_virgule_repare_ou_refuse(scdl):
    ccas = scdl.lignes.set_index("ligne_source").loc[5]
    assert ccas["siret_beneficiaire"] == SIRET_CCAS and ccas["traitement"] == "comptée"
    e = scdl.ecarts_schema.set_index(["ligne", "colonne"])
    assert e.loc[(5, "idBeneficiaire"), "traitement"] == (
        f"réparé : SIRET « {SIRET_CCAS}.0 » lu comme un nombre à virgule : « {SIRET_CCAS} » (clé juste)"
    )
    assert e.loc[(10, "idBeneficiaire"), "traitement"].startswith(
        "ligne écartée : SIRET « 9.9900005200012E+13 » écrit en notation scientifique"
    )


def test_siret_a_virgule_dont_la_cle_est_fausse_est_refuse(tmp_path):
    sub = lire_scdl(_ecrire(tmp_path, [_ligne(siret="99900001100017.0", montant="250"), _ligne(montant="100")]))
    assert sub.lignes["traitement"].tolist() == ["écartée", "comptée"]
    assert "des chiffres ont pu être perdus, aucune réparation sans ambiguïté" in sub.lignes["motif"].iloc[0]
    assert sub.lignes["montant_num"].iloc[0] == 250  # montant montré


@pytest.mark.parametrize(
    "ecrit, lu, repare",
    [
        ("99900001100018.0", SIRET_PASSERELLES, True),  # 14 chiffres, clé juste
        ("21860194600000.0", "", False),  # l'exemple de l'issue : clé fausse, refusé
        ("1234567800011.0", "", False),  # 13 chiffres dont « 0 » + 13 n'a pas une clé juste
        ("2.18601946E+13", "", False),  # notation scientifique : chiffres perdus
    ],
)
def test_siret_lu_comme_un_nombre(ecrit, lu, repare):
    from politique_ville.clean.scdl import lire_identifiant

    ident, reparation, raison = lire_identifiant(ecrit)
    assert ident == lu and bool(reparation) is repare and bool(raison) is not repare


def test_siret_a_zero_de_tete_perdu_repare():
    from politique_ville.clean.scdl import lire_identifiant

    siret = "0" + "1234567800016"[:12]
    siret = next(siret[:13] + str(k) for k in range(10) if siret_valide(siret[:13] + str(k)))
    assert siret.startswith("0") and siret_valide(siret)
    ident, reparation, raison = lire_identifiant(siret[1:] + ".0")
    assert (ident, raison) == (siret, "") and "zéro de tête perdu" in reparation


def test_comptes_de_statuts_du_fichier_fictif(scdl, programmation):
    """Avant ce fichier (4 lignes, montants comptés en entier) : 1 concorde, 1 diffère, 1 absent de la
    programmation, 1 absent du fichier SCDL. Avec les nouveaux cas : 1, 1, 4, 1."""
    c = comparer(scdl, programmation[1])
    assert compter_statuts(c) == {
        "concorde": 1,
        "diffère": 1,
        "absent de la programmation": 4,
        "absent du fichier SCDL": 1,
    }


@pytest.mark.parametrize("quelle", ["brute", "nettoyee"])
def test_comparaison_avec_la_programmation(scdl, programmation, quelle):
    prog = programmation[0].tables["programmation"] if quelle == "brute" else programmation[1]
    c = comparer(scdl, prog)
    p = c.set_index("porteur")
    # la part de la subvention partagée (5 000 × 0,5) + 1 000 : 3 500 €, comme la programmation
    passerelles = p.loc["Association Passerelles Fictives"]
    assert passerelles[["montant_scdl", "montant_programmation", "ecart", "statut"]].tolist() == [
        3500.0,
        3500.0,
        0.0,
        "concorde",
    ]
    assert passerelles["rapprochement"] == "SIRET" and passerelles["lignes_scdl"] == "3, 6"
    assert passerelles["actions"] == "2032-CV-00006, 2032-CV-00007"
    # identifiée par son seul RNA
    compagnie = p.loc["Compagnie Imaginaire du Théâtre"]
    assert (compagnie["montant_scdl"], compagnie["montant_programmation"], compagnie["ecart"]) == (3000, 2500, 500)
    assert compagnie["rapprochement"] == "RNA" and compagnie["statut"] == "diffère"
    # les parts des autres bénéficiaires, hors programmation
    assert p.loc["Régie de Quartier Fictive", "montant_scdl"] == 1500  # 5 000 × 0,3 ; la ligne 10 est écartée
    assert p.loc["CCAS de Chimère-les-Bains", "montant_scdl"] == 1000  # 5 000 × 0,2
    assert p.loc["Association Les Jardins Fictifs", "montant_scdl"] == 1200  # 2 000 × 0,6
    assert p.loc["Ville d'Ailleurs-la-Rivière", "montant_scdl"] == 800  # 2 000 × 0,4
    agglo = p.loc[AGGLO]
    assert agglo["montant_programmation"] == 6500 and pd.isna(agglo["montant_scdl"])
    assert set(c["financeur"]) == {"Agglomération (EPCI)"} and set(c["attribuant"]) == {AGGLO}


def test_sans_les_parts_ni_l_exercice_le_montant_differerait(scdl, programmation):
    """Ce que la lecture évite : la subvention comptée en entier et l'exercice précédent additionné."""
    naif = scdl.lignes.assign(part=scdl.lignes["montant_num"], traitement="comptée")
    naif = naif[naif["ligne_source"] != 10]
    c = comparer(naif.assign(financeur="agglomeration"), programmation[1]).set_index("porteur")
    assert c.loc["Association Passerelles Fictives", "ecart"] == 5000 + 1000 + 800 - 3500


def test_detail_des_lignes_deplie_chaque_montant(scdl, programmation):
    d = detail_des_lignes(scdl, programmation[1])
    passerelles = d[(d["porteur"] == "Association Passerelles Fictives") & (d["traitement"] == "comptée")]
    assert passerelles[["ligne", "montant", "pourcentage", "part"]].values.tolist() == [
        [3, 5000, 0.5, 2500],
        [6, 1000, 1.0, 1000],
    ]
    assert d["traitement"].tolist()[-2:] == ["autre exercice", "écartée"]
    # les trois parts de la subvention partagée portent le même numéro de subvention
    assert sorted(d.loc[d["ligne"].isin([3, 4, 5]), "subvention"].unique().tolist()) == [2]
    ecartee = d.iloc[-1]
    assert ecartee["montant"] == 700 and pd.isna(ecartee["part"]) and ecartee["porteur"] == "Régie de Quartier Fictive"
    # la somme des parts comptées de chaque porteur est son montant SCDL
    c = comparer(scdl, programmation[1]).set_index("porteur")
    sommes = d[d["traitement"] == "comptée"].groupby("porteur")["part"].sum()
    for porteur, somme in sommes.items():
        assert c.loc[porteur, "montant_scdl"] == somme


def test_phrase_des_lignes(scdl):
    assert phrase_lignes(scdl) == (
        "Le fichier (schéma SCDL 2.1 (16 colonnes, avec le RNA)) a 9 lignes : 7 comptées, 1 ligne d'un autre "
        "exercice que 2032 (800\u00a0€, non additionnés) et 1 ligne écartée (700\u00a0€ de montants lisibles, non "
        "comptés)."
    )


# --------------------------------------------------------------------------------------------- parts, identifiants


def test_subvention_partagee_entre_trois_beneficiaires(tmp_path):
    lignes = [
        _ligne(beneficiaire="Asso", siret=SIRET_PASSERELLES, montant="10000", pourcentage="0.5"),
        _ligne(beneficiaire="Régie", siret=SIRET_REGIE, montant="10000", pourcentage="0.3"),
        _ligne(beneficiaire="CCAS", siret=SIRET_CCAS, montant="10000", pourcentage="0.2"),
    ]
    sub = _scdl(tmp_path, lignes)
    assert sub.lignes["part"].round(2).tolist() == [5000, 3000, 2000]
    assert sub.lignes["id_subvention"].tolist() == [1, 1, 1]
    prog = _prog([["A1", "Asso", SIRET_PASSERELLES, "5000"], ["A2", "Régie", SIRET_REGIE, "3000"]])
    c = comparer(sub, prog).set_index("porteur")
    assert c.loc["Asso", "statut"] == "concorde" and c.loc["Régie", "statut"] == "concorde"
    assert c.loc["CCAS", ["montant_scdl", "statut"]].tolist() == [2000, "absent de la programmation"]


def test_parts_au_dela_de_100_pour_cent_sont_un_ecart_liste(tmp_path):
    lignes = [
        _ligne(beneficiaire="Asso", siret=SIRET_PASSERELLES, montant="1000", pourcentage="0.7"),
        _ligne(beneficiaire="Régie", siret=SIRET_REGIE, montant="1000", pourcentage="0.5"),
    ]
    sub = _scdl(tmp_path, lignes)
    v = sub.subventions_a_verifier
    assert v[["id_subvention", "montant", "lignes"]].values.tolist() == [[1, 1000.0, "2, 3"]]
    assert round(v["parts"].iloc[0], 2) == 1.2
    from politique_ville.clean.scdl import phrase_a_verifier

    assert phrase_a_verifier(sub) == (
        "Écart : 1 subvention partagée dont les parts dépassent 100 % du montant : « Objet » (D1, 1\u202f000\u00a0€) : parts "
        "de 120 % (lignes 2, 3)."
    )


def test_subvention_en_plusieurs_lignes_et_subventions_distinctes(tmp_path):
    """Même attribuant, décision, date, objet et montant : une subvention ; une autre décision ou un autre montant :
    une autre subvention."""
    lignes = [
        _ligne(beneficiaire="Asso", montant="4000", pourcentage="0.6"),
        _ligne(beneficiaire="Régie", siret=SIRET_REGIE, montant="4000", pourcentage="0.4"),
        _ligne(beneficiaire="Asso", montant="4000", pourcentage="1", reference="D2"),
        _ligne(beneficiaire="Régie", siret=SIRET_REGIE, montant="900", pourcentage="1"),
    ]
    sub = _scdl(tmp_path, lignes)
    assert sub.lignes["id_subvention"].tolist() == [1, 1, 2, 3]
    assert sub.lignes["part"].round(2).tolist() == [2400, 1600, 4000, 900]
    assert sub.subventions_a_verifier.empty


def test_ligne_identifiee_par_son_seul_rna(tmp_path):
    """2.1 : idBeneficiaire vide et rnaBeneficiaire donné : la ligne est gardée et rapprochée par le RNA."""
    sub = _scdl(
        tmp_path, [_ligne(beneficiaire="Compagnie", siret="", rna="W999000044", montant="2500", pourcentage="1")]
    )
    assert sub.lignes["traitement"].tolist() == ["comptée"] and sub.ecarts_schema.empty
    prog = pd.DataFrame(
        [["A1", "Compagnie du théâtre", "", "W999000044", "2500"]],
        columns=["id_action", "porteur", "siret", "rna", "montant_agglomeration"],
    )
    c = comparer(sub, prog)
    assert c[["rapprochement", "statut", "montant_scdl"]].values.tolist() == [["RNA", "concorde", 2500]]


def test_ligne_sans_siret_ni_rna_ecartee_sans_arreter_le_fichier(tmp_path):
    sub = _scdl(tmp_path, [_ligne(siret="", montant="300"), _ligne(montant="100")])
    assert sub.lignes["traitement"].tolist() == ["écartée", "comptée"]
    assert sub.lignes["motif"].iloc[0].startswith("ni SIRET ni RNA du bénéficiaire")


def test_siret_invalide_ecarte_la_ligne_avec_sa_raison(tmp_path):
    chemin = _ecrire(tmp_path, [_ligne(), _ligne(siret="99900001100017"), _ligne(siret="1234")])
    sub = lire_scdl(chemin)
    assert sub.lignes["traitement"].tolist() == ["comptée", "écartée", "écartée"]
    assert sub.lignes["motif"].iloc[1] == (
        "SIRET « 99900001100017 » invalide (clé de contrôle (Luhn) fausse : chiffre mal recopié ?)"
    )
    assert "4 chiffres au lieu de 14 (SIRET) ou 9 (SIREN)" in sub.lignes["motif"].iloc[2]
    e = sub.ecarts_schema.set_index(["ligne", "colonne"])
    assert e.loc[(3, "idBeneficiaire"), "traitement"].startswith("ligne écartée : SIRET « 99900001100017 »")


def test_montant_negatif_ou_illisible_ecarte_la_ligne(tmp_path):
    sub = _scdl(tmp_path, [_ligne(montant="-5"), _ligne(montant="n.c."), _ligne(montant="10")])
    assert sub.lignes["traitement"].tolist() == ["écartée", "écartée", "comptée"]
    assert sub.lignes["motif"].iloc[0].startswith("montant négatif (-5)")
    assert sub.lignes["motif"].iloc[1] == "montant absent"


# --------------------------------------------------------------------------------------------- exercice


def test_subvention_d_un_autre_exercice_listee_a_part(tmp_path):
    lignes = [
        _ligne(montant="1000"),
        _ligne(montant="3000", date="2031-12-01", reference="D0", periode="2031-12-20"),
        # convention de l'année, versement entièrement l'année suivante : autre exercice aussi
        _ligne(montant="500", reference="D3", periode="2033-02-01/2033-03-01"),
        # convention de décembre de l'année précédente... non : la date de convention fait l'exercice
        _ligne(montant="200", reference="D4", date="2032-12-20", periode="2032-12-28/2033-01-15"),
    ]
    sub = lire_scdl(_ecrire(tmp_path, lignes), financeur="agglomeration", annee=2032)
    assert sub.lignes["traitement"].tolist() == ["comptée", "autre exercice", "autre exercice", "comptée"]
    assert sub.lignes["motif"].tolist()[1:3] == [
        "convention du 01/12/2031 hors de l'exercice 2032",
        "versement hors de l'exercice 2032",
    ]
    c = comparer(sub, _prog([["A1", "Asso", SIRET_PASSERELLES, "1200"]]))
    assert c[["montant_scdl", "statut"]].values.tolist() == [[1200, "concorde"]]  # 1 000 + 200, jamais + 3 000
    # sans année : tout est compté
    assert lire_scdl(_ecrire(tmp_path, lignes)).comptes()["comptée"] == 4


# --------------------------------------------------------------------------------------------- mauvaises entrées


@pytest.mark.parametrize("pourcentage", ["0", "1.5", "50", "-0.2"])
def test_pourcentage_nul_ou_au_dela_de_1_est_une_erreur(tmp_path, pourcentage):
    chemin = _ecrire(tmp_path, [_ligne(pourcentage="0.5"), _ligne(pourcentage=pourcentage)])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin)
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("scdl.csv", 3, "pourcentageSubvention")
    assert f"pourcentageSubvention « {pourcentage} » hors de l'intervalle du schéma (0,01 à 1)" in e.message


def test_pourcentage_ecrit_avec_le_signe_pour_cent_accepte(tmp_path):
    sub = _scdl(tmp_path, [_ligne(montant="1000", pourcentage="25 %")])
    assert sub.lignes["part"].tolist() == [250.0]
    assert sub.ecarts_schema["traitement"].tolist() == ["accepté : « 25 % » lu comme 0.25"]


def test_montant_a_virgule_dans_un_fichier_a_point_est_une_erreur(tmp_path):
    chemin = _ecrire(tmp_path, [_ligne(montant="2500.50"), _ligne(montant='"1,500"')])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin)
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("scdl.csv", 3, "montant")
    assert "montant « 1,500 » écrit avec une virgule alors que les autres montants du fichier ont un point" in e.message
    assert "(ligne 2 : « 2500.50 »)" in e.message


def test_fichier_qui_mele_deux_attribuants_est_une_erreur(tmp_path):
    chemin = _ecrire(tmp_path, [_ligne(), _ligne(attribuant="Département fictif", attribuant_siret=SIRET_PASSERELLES)])
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin)
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("scdl.csv", 3, "idAttribuant")
    assert e.message.startswith(f"le fichier mêle deux attribuants : « {AGGLO} » (idAttribuant {SIRET_AGGLO}, ligne 2)")


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
    assert len(lire_scdl(SCDL, attribuant_siret="999000060")) == 9


def test_financeur_inconnu():
    with pytest.raises(ErreurDonnees, match="financeur « agglo » inconnu"):
        verifier_scdl(lire_table(SCDL), financeur="agglo")


# --------------------------------------------------------------------------------------------- correspondance


def test_fichier_non_scdl_lu_par_une_correspondance(tmp_path):
    """Le fichier d'une ville dans ses propres colonnes (« ATTRIB_NOM, SUB_MONTANT… ») : refusé tel quel, lu par
    sa correspondance déclarée."""
    colonnes = ["ATTRIB_NOM", "ATTRIB_SIRET", "DATE_CONV", "BENEF_NOM", "BENEF_SIRET", "OBJET", "SUB_MONTANT"]
    lignes = [
        [AGGLO, SIRET_AGGLO, "15/03/2032", "Asso", SIRET_PASSERELLES, "Objet", "1 500,00"],
        [AGGLO, SIRET_AGGLO, "15/03/2031", "Asso", SIRET_PASSERELLES, "Objet", "700,00"],
    ]
    chemin = _ecrire(tmp_path, lignes, colonnes, sep=";", nom="subventions_ville.csv")
    with pytest.raises(ErreurDonnees, match="ce n'est pas un fichier SCDL"):
        lire_scdl(chemin)
    yaml_ = tmp_path / "subventions_ville.yaml"
    yaml_.write_text(
        "source: Subventions de la ville\nsubventions:\n  colonnes:\n    nomAttribuant: ATTRIB_NOM\n"
        "    idAttribuant: ATTRIB_SIRET\n    dateConvention: DATE_CONV\n    nomBeneficiaire: BENEF_NOM\n"
        "    idBeneficiaire: BENEF_SIRET\n    objet: OBJET\n    montant: SUB_MONTANT\n",
        encoding="utf-8",
    )
    colonnes_lues = charger_correspondance_subventions(yaml_)
    sub = lire_scdl(chemin, financeur="communes", annee=2032, colonnes=colonnes_lues)
    assert sub.version == "correspondance"
    assert sub.lignes["part"].tolist() == [1500.0, 700.0]
    assert sub.lignes["traitement"].tolist() == ["comptée", "autre exercice"]
    # une colonne déclarée absente du fichier ; un champ inconnu du schéma
    with pytest.raises(ErreursNettoyage) as exc:
        lire_scdl(chemin, colonnes={**colonnes_lues, "montant": "MONTANT"})
    assert (exc.value.erreurs[0].ligne, exc.value.erreurs[0].colonne) == (1, "MONTANT")
    assert "les plus proches : SUB_MONTANT" in str(exc.value)
    yaml_.write_text("subventions:\n  colonnes:\n    montantt: SUB_MONTANT\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="champ « montantt » inconnu du schéma SCDL « Subventions » ; les plus"):
        charger_correspondance_subventions(yaml_)


# --------------------------------------------------------------------------------------------- comparaison


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


def test_rapprochement_par_le_nom_pour_un_porteur_sans_identifiant(tmp_path):
    prog = _prog([["A1", "Compagnie Imaginaire du Théâtre", "", "2500"]])
    c = comparer(_scdl(tmp_path, [_ligne(beneficiaire="COMPAGNIE IMAGINAIRE DU THÉÂTRE", montant="2500")]), prog)
    assert c[["rapprochement", "statut"]].values.tolist() == [["nom", "concorde"]]


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
        "lignes_scdl",
    ]
    assert set(v["verification"]) == {"vérification indépendante"} and set(v["source"]) == {SCDL.name}
    assert v["libelle"].iloc[1] == "Agglomération (EPCI) à Compagnie Imaginaire du Théâtre"
    assert v["explication"].iloc[1] == "le montant accordé publié par l'attribuant n'est pas celui de la programmation"
    assert v["explication"].iloc[-1].startswith("montant de la programmation sans subvention correspondante")


def test_fichier_de_subventions_du_territoire_lu_par_sa_correspondance(tmp_path):
    """Le paramètre « scdl » accepte « correspondance » (relatif au dossier des référentiels) ; le runner la compte
    parmi les entrées du nettoyage."""
    from politique_ville.base.catalog import Catalogue
    from politique_ville.clean.correspondance import fichiers_du_territoire
    from politique_ville.clean.scdl import lire_scdl_du_territoire
    from politique_ville.reference.parametres import verifier_scdl as verifier_parametre

    raw, ref = tmp_path / "raw", tmp_path / "ref"
    raw.mkdir(), ref.mkdir()
    colonnes = ["ATTRIB_NOM", "ATTRIB_SIRET", "DATE_CONV", "BENEF_NOM", "BENEF_SIRET", "OBJET", "SUB_MONTANT"]
    _ecrire(
        raw, [[AGGLO, SIRET_AGGLO, "2032-03-15", "Asso", SIRET_PASSERELLES, "Objet", "1500"]], colonnes, nom="v.csv"
    )
    (ref / "v.yaml").write_text(
        "subventions:\n  colonnes:\n"
        + "".join(
            f"    {champ}: {col}\n"
            for champ, col in zip(
                [
                    "nomAttribuant",
                    "idAttribuant",
                    "dateConvention",
                    "nomBeneficiaire",
                    "idBeneficiaire",
                    "objet",
                    "montant",
                ],
                colonnes,
            )
        ),
        encoding="utf-8",
    )
    entree = {"fichier": "v.csv", "financeur": "communes", "correspondance": "v.yaml"}
    assert verifier_parametre([entree]) == []
    cat = Catalogue.pour(2032, RACINE, raw_dir=raw, reference_dir=ref)
    ((_, sub),) = lire_scdl_du_territoire(cat, {"scdl": [entree]})
    assert sub.version == "correspondance" and sub.lignes["part"].tolist() == [1500.0] and sub.annee == 2032
    assert set(fichiers_du_territoire(cat, {"scdl": [entree]})) == {"scdl:v.csv", "scdl:v.yaml"}
