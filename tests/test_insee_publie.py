"""Fichiers QPV de l'INSEE tels que l'INSEE les publie (issue 10, point 3) : mise en page des classeurs (titres,
ligne de libellés, notes, colonnes vides des bords), CSV à lignes de titre, noms de variables en capitales ou en
minuscules, marqueurs « s » / « nd » du secret statistique et des valeurs non disponibles (jamais 0), les deux
géographies prioritaires (2015 « QP… », 2024 « QN… ») et les communes multiples des fichiers nationaux.

Chaque fichier est construit dans ``tmp_path`` ; les valeurs attendues sont écrites à la main."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from openpyxl import Workbook

from politique_ville.base.catalog import COLONNE_LIGNE, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import est_manquant, lire_nombre, motif_manquant
from politique_ville.clean.nettoyage import ErreursNettoyage, Journal, Referentiels, nettoyer_insee
from politique_ville.reference.schemas import MOTIF_CODE_QP, geographie_qpv, renommages_colonnes

COMMUNES = [
    "Béthune",
    "Beuvry",
    "Bruay-la-Buissière",
    "Marseille 13e Arrondissement",
    "Marseille 14e Arrondissement",
    "Nice",
]


@pytest.fixture()
def refs() -> Referentiels:
    """Un petit référentiel : six communes, ni porteur ni nomenclature (inutiles aux tables INSEE)."""
    return Referentiels(
        communes=pd.DataFrame(
            {"nom_officiel": COMMUNES, "code_insee": [""] * len(COMMUNES), "variantes": ["BETHUNE", "", "", "", "", ""]}
        ),
        porteurs=pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"]),
        nomenclature=pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"]),
    )


def _classeur(chemin, lignes: list[list], colonne: int = 1):
    """Écrit ``lignes`` à partir de la ligne 1 de la feuille, la première valeur de chaque ligne dans la colonne
    ``colonne`` (1 = A) ; ``None`` = cellule vide, ``[]`` = ligne vide."""
    wb = Workbook()
    ws = wb.active
    for i, ligne in enumerate(lignes, start=1):
        for j, v in enumerate(ligne):
            if v is not None:
                ws.cell(row=i, column=colonne + j, value=v)
    wb.save(chemin)
    return chemin


TITRE = "Quartiers prioritaires de la politique de la ville : chiffres clés (fichier de test, fictif)"
LIBELLES = [
    "Code du quartier",
    "Libellé du QP",
    "Commune(s) englobante(s)",
    "Population municipale",
    "Taux de pauvreté",
]
CODES = ["CODE_QP", "NOM_QP", "LIB_COM", "POP_MUN", "TP60"]


def _mise_en_page_insee(donnees: list[list]) -> list[list]:
    """Mise en page des classeurs de l'INSEE : titre, source, ligne vide, libellés (ligne 4), noms de variables
    (ligne 5), données à partir de la ligne 6, ligne vide, notes."""
    return [
        [TITRE],
        ["Géographie 2024, millésime fictif"],
        [],
        LIBELLES,
        CODES,
        *donnees,
        [],
        ["Source : Insee, fichier fictif"],
        ["Champ : quartiers prioritaires fictifs"],
        ["s : secret statistique ; nd : non disponible"],
    ]


DONNEES = [
    ["QN06201M", "Les Moulins", "Nice", 3120, 41.5],
    ["QN06202M", "L'Ariane", "Nice", 850, "s"],
    ["QN06203M", "Pasteur", "Nice", 2604, "nd"],
]


# --------------------------------------------------------------------------------------------- 1. lecture


def test_classeur_a_la_mise_en_page_de_l_insee_accepte_tel_quel(tmp_path):
    """Colonne A vide, titre et source au-dessus, libellés ligne 4, codes ligne 5, données lignes 6 à 8, notes
    lignes 10 à 12 (après une ligne vide)."""
    df = lire_table(_classeur(tmp_path / "insee_qpv.xlsx", _mise_en_page_insee(DONNEES), colonne=2))
    assert list(df.columns) == [*CODES, COLONNE_LIGNE]
    assert df[COLONNE_LIGNE].tolist() == [6, 7, 8]  # la ligne qu'Excel affiche
    assert df["CODE_QP"].tolist() == ["QN06201M", "QN06202M", "QN06203M"]
    assert df["POP_MUN"].tolist() == ["3120", "850", "2604"]
    assert df["TP60"].tolist() == ["41.5", "s", "nd"]
    assert df.attrs["libelles"] == dict(zip(CODES, LIBELLES))
    assert df.attrs["titres"] == [TITRE, "Géographie 2024, millésime fictif"]
    assert df.attrs["notes"] == [
        "Source : Insee, fichier fictif",
        "Champ : quartiers prioritaires fictifs",
        "s : secret statistique ; nd : non disponible",
    ]
    assert df.attrs["source"]["ligne_entete"] == 5


def test_classeur_sans_ligne_de_libelles_ni_notes(tmp_path):
    """Titre seul au-dessus : l'en-tête est la ligne 3 ; aucun libellé, aucune note."""
    df = lire_table(_classeur(tmp_path / "t.xlsx", [[TITRE], [], CODES, DONNEES[0]]))
    assert list(df.columns) == [*CODES, COLONNE_LIGNE]
    assert df[COLONNE_LIGNE].tolist() == [4]
    assert df.attrs["libelles"] == {} and df.attrs["notes"] == [] and df.attrs["titres"] == [TITRE]


def test_une_ligne_de_donnees_n_est_jamais_prise_pour_la_ligne_des_codes(tmp_path):
    """Une ligne de données après l'en-tête n'est pas prise pour une ligne de codes : « 3120 » n'est pas un nom de
    variable ; et des en-têtes déjà en forme de codes (« id », « nom ») ne deviennent jamais des libellés."""
    df = lire_table(_classeur(tmp_path / "a.xlsx", [LIBELLES, DONNEES[0]]))
    assert list(df.columns) == [*LIBELLES, COLONNE_LIGNE] and df.attrs["libelles"] == {}
    df = lire_table(_classeur(tmp_path / "b.xlsx", [["id", "nom"], ["abc", "def"]]))
    assert list(df.columns) == ["id", "nom", COLONNE_LIGNE] and df["id"].tolist() == ["abc"]


def test_erreur_de_valeur_nomme_la_ligne_de_la_feuille(tmp_path, refs):
    donnees = [list(DONNEES[0]), ["QN06202M", "L'Ariane", "Nice", "douze", "s"]]
    brut = lire_table(_classeur(tmp_path / "insee_qpv.xlsx", _mise_en_page_insee(donnees), colonne=2))
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_insee({"insee_qpv": brut}, refs, Journal())
    e = exc.value.erreurs[0]
    assert (e.fichier, e.ligne, e.colonne) == ("insee_qpv.xlsx", 7, "pop_mun")
    assert len(exc.value.erreurs) == 1 and "« douze »" in str(e)


def test_colonne_sans_nom_dans_la_mise_en_page_de_l_insee(tmp_path):
    """Nom de variable manquant en D3 (3e colonne du tableau, qui commence en B) : la ligne 3 et la lettre D sont
    citées."""
    codes = ["CODE_QP", "NOM_QP", None, "POP_MUN", "TP60"]
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(_classeur(tmp_path / "x.xlsx", [[TITRE], [], codes, DONNEES[0]], colonne=2))
    assert exc.value.ligne == 3
    assert "la colonne n°3 (colonne D de la feuille) n'a pas de nom" in str(exc.value)


def test_valeur_hors_du_tableau(tmp_path):
    lignes = [CODES, DONNEES[0], [*DONNEES[1], None, "oubli"]]
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(_classeur(tmp_path / "x.xlsx", lignes))
    # le tableau s'étend jusqu'à la colonne G (la ligne 3 a plusieurs cellules) : F1 et G1 n'ont pas de nom
    assert exc.value.ligne == 1 and "la colonne n°6 (colonne F de la feuille) n'a pas de nom" in str(exc.value)
    lignes = [CODES, DONNEES[0], [], [None, None, None, None, None, None, "oubli"], DONNEES[1]]
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(_classeur(tmp_path / "y.xlsx", lignes))
    assert exc.value.ligne == 4 and "« oubli » hors du tableau (colonne G" in str(exc.value)


def test_csv_a_lignes_de_titre_et_notes(tmp_path):
    texte = (
        f"{TITRE}\nSource : Insee, fichier fictif\n\n"
        "Code du quartier;Libellé du QP;Commune(s);Population;Taux de pauvreté\n"
        "CODE_QP;NOM_QP;LIB_COM;POP_MUN;TP60\n"
        "QN06201M;Les Moulins;Nice;3120;41,5\nQN06202M;L'Ariane;Nice;850;s\n\n"
        "Source : Insee, RP 2020, fichier fictif\n"
    )
    (tmp_path / "q.csv").write_text(texte, encoding="utf-8")
    df = lire_table(tmp_path / "q.csv")
    assert list(df.columns) == [*CODES, COLONNE_LIGNE]
    assert df[COLONNE_LIGNE].tolist() == [6, 7]
    assert df["TP60"].tolist() == ["41,5", "s"]
    assert df.attrs["source"]["separateur"] == ";"
    assert df.attrs["libelles"]["POP_MUN"] == "Population"
    assert df.attrs["titres"] == [TITRE, "Source : Insee, fichier fictif"]
    assert df.attrs["notes"] == ["Source : Insee, RP 2020, fichier fictif"]


def test_csv_exporte_d_un_tableur_titre_suivi_de_separateurs(tmp_path):
    (tmp_path / "q.csv").write_text(
        "Chiffres clés (fictif),,\ncode_qp,nom_qp,pop_mun\nQP062001,A,12\nChamp : fictif,,\n", encoding="utf-8"
    )
    df = lire_table(tmp_path / "q.csv")
    assert list(df.columns) == ["code_qp", "nom_qp", "pop_mun", COLONNE_LIGNE]
    assert df[COLONNE_LIGNE].tolist() == [3] and df.attrs["notes"] == ["Champ : fictif"]


def test_csv_sans_titre_inchange_et_ligne_coupee_toujours_une_erreur(tmp_path):
    (tmp_path / "a.csv").write_text("id,montant\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(tmp_path / "a.csv")
    assert (exc.value.ligne, exc.value.colonne) == (3, "montant") and "coupée" in str(exc.value)
    (tmp_path / "b.csv").write_text("id,montant\n1,2\n", encoding="utf-8")
    df = lire_table(tmp_path / "b.csv")
    assert df.attrs["titres"] == [] and df.attrs["notes"] == [] and df[COLONNE_LIGNE].tolist() == [2]


# --------------------------------------------------------------------------------------------- 2. noms


def test_noms_de_variables_en_capitales_ou_minuscules():
    colonnes = ["CODGEO", "libgeo", "Lib_Com", "POP_MUN", "Tp60", "disp_q2", "A", "Population municipale"]
    assert renommages_colonnes("insee_qpv", colonnes) == {
        "CODGEO": "code_qp",
        "libgeo": "nom_qp",
        "Lib_Com": "nom_commune",
        "POP_MUN": "pop_mun",
        "Tp60": "tp60",
        "A": "a",
    }
    assert renommages_colonnes("insee_qpv", ["code_qp", "nom_qp", "pop_mun"]) == {}
    assert renommages_colonnes("insee_qpv", ["CODE_QPV", "NOM_QPV", "NOM_COMMUNE"]) == {
        "CODE_QPV": "code_qp",
        "NOM_QPV": "nom_qp",
        "NOM_COMMUNE": "nom_commune",
    }
    assert renommages_colonnes("programmation", ["ID_ACTION"]) == {}  # hors famille INSEE : rien ne change
    with pytest.raises(ValueError, match="« CODGEO » et « code_qp »"):
        renommages_colonnes("insee_qpv", ["CODGEO", "code_qp"])


# --------------------------------------------------------------------------------------------- 3. marqueurs


@pytest.mark.parametrize(
    "texte, motif",
    [
        ("s", "secret statistique"),
        ("S", "secret statistique"),
        (" s ", "secret statistique"),
        ("", "secret statistique"),
        (None, "secret statistique"),
        (float("nan"), "secret statistique"),
        ("n.s.", "secret statistique"),
        ("nd", "non disponible"),
        ("ND", "non disponible"),
        ("n.d.", "non disponible"),
        ("N.D.", "non disponible"),
        ("-", "non disponible"),
        ("n.c.", "non disponible"),
        ("12", None),
        ("0", None),
        ("douze", None),
    ],
)
def test_motif_du_marqueur(texte, motif):
    assert motif_manquant(texte) == motif
    assert est_manquant(texte) is (motif is not None)
    if motif is not None:
        assert math.isnan(lire_nombre(texte))  # jamais 0


def _fichier_marqueurs(tmp_path):
    """Ligne 2 : tout publié ; ligne 3 : « s » et « ND » ; ligne 4 : vide et « n.d. » ; ligne 5 : « n.s. » et « S »."""
    texte = (
        "CODGEO,LIBGEO,LIBCOM,POP_MUN,TP60,DISP_Q2\n"
        'QP062001,Les Moulins,Nice,3120,"41,5",13450\n'
        "QP062002,L'Ariane,Nice,850,s,ND\n"
        "QP062003,Pasteur,Nice,2604,,n.d.\n"
        "QP062004,Saint-Roch,Nice,1990,n.s.,S\n"
    )
    (tmp_path / "insee_qpv.csv").write_text(texte, encoding="utf-8")
    return lire_table(tmp_path / "insee_qpv.csv")


def test_marqueurs_jamais_zero_jamais_erreur_motif_garde(tmp_path, refs):
    sorties = nettoyer_insee({"insee_qpv": _fichier_marqueurs(tmp_path)}, refs, Journal())
    qpv = sorties["insee_qpv"].set_index("code_qp")
    assert qpv.loc["QP062001", "tp60"] == 41.5 and qpv.loc["QP062001", "disp_q2"] == 13450
    assert qpv[["tp60", "disp_q2"]].isna().sum().tolist() == [3, 3]
    assert qpv["pop_mun"].tolist() == [3120, 850, 2604, 1990]
    manq = sorties["insee_valeurs_manquantes"]
    motifs = {(c, v): m for c, v, m in zip(manq["code_qp"], manq["variable"], manq["motif"])}
    assert motifs == {
        ("QP062002", "tp60"): "secret statistique",
        ("QP062002", "disp_q2"): "non disponible",
        ("QP062003", "tp60"): "secret statistique",
        ("QP062003", "disp_q2"): "non disponible",
        ("QP062004", "tp60"): "secret statistique",
        ("QP062004", "disp_q2"): "secret statistique",
    }
    commentaires = dict(zip(zip(manq["code_qp"], manq["variable"]), manq["commentaire"]))
    assert commentaires[("QP062002", "disp_q2")] == "marqueur « ND » du fichier"
    assert commentaires[("QP062003", "tp60")] == ""  # case vide : convention de l'INSEE, rien à citer
    assert manq.set_index(["code_qp", "variable"]).loc[("QP062003", "disp_q2"), COLONNE_LIGNE] == 4


def test_marqueur_explicite_l_emporte_sur_la_provenance(tmp_path, refs):
    """La provenance dit « secret statistique » pour une case « nd » (le fichier a raison) et « non disponible »
    pour une case vide (la provenance explique la case vide : elle est suivie)."""
    brut = _fichier_marqueurs(tmp_path)
    (tmp_path / "insee_provenance.csv").write_text(
        "fichier,cle,variable,provenance,commentaire\n"
        "insee_qpv.csv,QP062003,disp_q2,secret statistique,contredit par le fichier\n"
        "insee_qpv.csv,QP062003,tp60,non disponible,quartier non couvert\n",
        encoding="utf-8",
    )
    (tmp_path / "insee_references.csv").write_text(
        "niveau,libelle_territoire,pop_mun\nFrance,France,100\n", encoding="utf-8"
    )
    sorties = nettoyer_insee(
        {
            "insee_qpv": brut,
            "insee_provenance": lire_table(tmp_path / "insee_provenance.csv"),
            "insee_references": lire_table(tmp_path / "insee_references.csv"),
        },
        refs,
        Journal(),
    )
    manq = sorties["insee_valeurs_manquantes"].set_index(["code_qp", "variable"])
    assert manq.loc[("QP062003", "disp_q2"), "motif"] == "non disponible"
    assert manq.loc[("QP062003", "tp60"), "motif"] == "non disponible"
    assert manq.loc[("QP062003", "tp60"), "commentaire"] == "quartier non couvert"
    assert manq.loc[("QP062002", "tp60"), "motif"] == "secret statistique"


def test_texte_dans_une_colonne_d_indicateur_reste_une_erreur(tmp_path, refs):
    (tmp_path / "insee_qpv.csv").write_text(
        "CODGEO,LIBGEO,LIBCOM,POP_MUN,TP60\nQP062001,A,Nice,3120,secretissime\nQP062002,B,Nice,850,s\n",
        encoding="utf-8",
    )
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_insee({"insee_qpv": lire_table(tmp_path / "insee_qpv.csv")}, refs, Journal())
    e = exc.value.erreurs[0]
    assert len(exc.value.erreurs) == 1
    assert (e.fichier, e.ligne, e.colonne) == ("insee_qpv.csv", 2, "tp60")
    assert "« secretissime » n'est pas un nombre lisible (attendu : taux en %)" in str(e)


# --------------------------------------------------------------------------------------------- 4. géographies


@pytest.mark.parametrize(
    "code, geographie",
    [
        ("QP062001", "2015"),
        ("QP971002", "2015"),
        ("QP02A001", "2015"),
        ("QN06201M", "2024"),
        ("QN0620001", "2024"),
        ("QN06200001", "2024"),
        ("QN2A0001", "2024"),
        ("QN97101A", "2024"),
        ("LOC-QP01", "locale"),
        ("LOC-QC0005", "locale"),
    ],
)
def test_geographie_qpv(code, geographie):
    assert geographie_qpv(code) == geographie
    assert re.fullmatch(MOTIF_CODE_QP, code)


@pytest.mark.parametrize(
    "code",
    [
        "QP62012",
        "QP0620011",
        "qp062001",
        "QN06201",
        "QN062000001",
        "qn06201m",
        "QNAB0001",
        "QN06201m",
        "QX062001",
        "QN",
        "LOC-QP1",
        "Q062001",
        " QN06201M",
    ],
)
def test_code_de_quartier_refuse(code):
    with pytest.raises(ValueError, match=f"code de quartier « {re.escape(code)} » invalide"):
        geographie_qpv(code)
    assert not re.fullmatch(MOTIF_CODE_QP, code)


def test_geographie_2024_enregistree_et_gardee_en_parquet(tmp_path, refs):
    brut = lire_table(_classeur(tmp_path / "insee_qpv.xlsx", _mise_en_page_insee(DONNEES)))
    sorties = nettoyer_insee({"insee_qpv": brut}, refs, Journal())
    qpv = sorties["insee_qpv"]
    assert qpv["geographie_qpv"].tolist() == ["2024", "2024", "2024"]
    assert qpv["pop_mun"].tolist() == [3120, 850, 2604]
    manq = sorties["insee_valeurs_manquantes"]
    assert list(zip(manq["code_qp"], manq["variable"], manq["motif"], manq[COLONNE_LIGNE])) == [
        ("QN06202M", "tp60", "secret statistique", 7),
        ("QN06203M", "tp60", "non disponible", 8),
    ]
    qpv.to_parquet(tmp_path / "insee_qpv.parquet", index=False)
    assert pd.read_parquet(tmp_path / "insee_qpv.parquet")["geographie_qpv"].tolist() == ["2024"] * 3


def test_codes_locaux_avec_une_geographie_insee(tmp_path, refs):
    (tmp_path / "insee_qpv.csv").write_text(
        "code_qp,nom_qp,nom_commune,pop_mun\nQP062001,A,Nice,1\nLOC-QC01,B,Nice,\n", encoding="utf-8"
    )
    qpv = nettoyer_insee({"insee_qpv": lire_table(tmp_path / "insee_qpv.csv")}, refs)["insee_qpv"]
    assert qpv["geographie_qpv"].tolist() == ["2015", "locale"]


def test_fichier_melant_les_deux_geographies(tmp_path, refs):
    (tmp_path / "insee_qpv.csv").write_text(
        "code_qp,nom_qp,nom_commune,pop_mun\nQP062001,A,Nice,1\nQP062002,B,Nice,2\n"
        "QN06201M,A,Nice,1\nQN06202M,B,Nice,2\n",
        encoding="utf-8",
    )
    with pytest.raises(ErreursNettoyage) as exc:
        nettoyer_insee({"insee_qpv": lire_table(tmp_path / "insee_qpv.csv")}, refs, Journal())
    e = exc.value.erreurs[0]
    assert len(exc.value.erreurs) == 1 and (e.fichier, e.ligne, e.colonne) == ("insee_qpv.csv", 4, "code_qp")
    assert "« QP062001 » (ligne 2) est un code de la géographie 2015" in str(e)
    assert "« QN06201M » (ligne 4) un code de la géographie 2024" in str(e)


# --------------------------------------------------------------------------------------------- 5. communes


def test_communes_multiples_des_fichiers_nationaux(tmp_path, refs):
    texte = (
        "CODGEO,LIBGEO,LIBCOM,POP_MUN\n"
        'QP013001,Quartier A,"Marseille 13e Arrondissement, Marseille 14e Arrondissement",1\n'
        "QP062001,Quartier B,Béthune - Beuvry,2\n"
        "QP062002,Quartier C,Bruay-la-Buissière,3\n"
        "QP062003,Quartier D,BETHUNE ; Beuvry,4\n"
    )
    (tmp_path / "insee_qpv.csv").write_text(texte, encoding="utf-8")
    sorties = nettoyer_insee({"insee_qpv": lire_table(tmp_path / "insee_qpv.csv")}, refs, Journal())
    assert sorties["insee_qpv"]["nom_commune"].tolist() == [
        "Marseille 13e Arrondissement, Marseille 14e Arrondissement",
        "Béthune, Beuvry",
        "Bruay-la-Buissière",
        "Béthune, Beuvry",
    ]
    qc = sorties["insee_qpv_communes"]
    assert list(zip(qc["code_qp"], qc["commune"], qc["rang"])) == [
        ("QP013001", "Marseille 13e Arrondissement", 1),
        ("QP013001", "Marseille 14e Arrondissement", 2),
        ("QP062001", "Béthune", 1),
        ("QP062001", "Beuvry", 2),
        ("QP062002", "Bruay-la-Buissière", 1),
        ("QP062003", "Béthune", 1),
        ("QP062003", "Beuvry", 2),
    ]
