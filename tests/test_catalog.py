"""Lecture robuste des fichiers bruts : variantes réelles acceptées, erreurs en français (fichier, ligne, colonne)."""

import pandas as pd
import pytest

from politique_ville.base.catalog import COLONNE_LIGNE, ecrire_atomique, lire_table
from politique_ville.base.errors import ErreurDonnees

CONTENU = 'id,intitule,montant\n1,Lectures à partager,"12 345 €"\n2,Nœux-les-Mines,53.387 €\n'


def _ecrire(tmp_path, nom, octets):
    p = tmp_path / nom
    p.write_bytes(octets)
    return p


def _attendu(df):
    assert list(df.columns) == ["id", "intitule", "montant", COLONNE_LIGNE]
    assert df["intitule"].tolist() == ["Lectures à partager", "Nœux-les-Mines"]
    assert df["montant"].tolist() == ["12 345 €", "53.387 €"]
    assert df[COLONNE_LIGNE].tolist() == [2, 3]


def test_csv_utf8(tmp_path):
    _attendu(lire_table(_ecrire(tmp_path, "t.csv", CONTENU.encode("utf-8"))))


def test_csv_point_virgule_bom_cp1252(tmp_path):
    _attendu(lire_table(_ecrire(tmp_path, "a.csv", CONTENU.replace(",", ";").encode("utf-8-sig"))))
    contenu_latin = CONTENU.replace("Nœux", "Noeux").replace(",", ";")
    df = lire_table(_ecrire(tmp_path, "b.csv", contenu_latin.encode("cp1252")))
    assert df.attrs["source"]["encodage"] == "cp1252"
    assert df["intitule"].iloc[0] == "Lectures à partager"


def test_champ_entre_guillemets_avec_retour_a_la_ligne(tmp_path):
    df = lire_table(_ecrire(tmp_path, "t.csv", b'id,intitule\n1,"sur deux\nlignes"\n2,suite\n'))
    assert df["intitule"].tolist() == ["sur deux\nlignes", "suite"]
    assert df[COLONNE_LIGNE].tolist() == [2, 4]


def test_xlsx(tmp_path):
    p = tmp_path / "t.xlsx"
    pd.DataFrame(
        {"id": [1, 2], "intitule": ["Lectures à partager", "Nœux-les-Mines"], "montant": ["12 345 €", "53.387 €"]}
    ).to_excel(p, index=False)
    df = lire_table(p)
    _attendu(df.assign(id=df["id"]))


def test_fichier_vide(tmp_path):
    with pytest.raises(ErreurDonnees, match=r"fichier « vide.csv » : le fichier est vide"):
        lire_table(_ecrire(tmp_path, "vide.csv", b""))


def test_ligne_coupee_nomme_fichier_ligne_colonne(tmp_path):
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(_ecrire(tmp_path, "coupe.csv", b"id,intitule,montant\n1,a,3\n2,b\n"))
    assert (exc.value.fichier, exc.value.ligne, exc.value.colonne) == ("coupe.csv", 3, "montant")
    assert "coupée" in str(exc.value)


def test_guillemet_non_ferme(tmp_path):
    with pytest.raises(ErreurDonnees) as exc:
        lire_table(_ecrire(tmp_path, "tronque.csv", b'id,intitule\n1,a\n2,"b sans fin\n'))
    assert exc.value.ligne == 3 and "guillemet" in str(exc.value)


def test_colonne_en_double(tmp_path):
    with pytest.raises(ErreurDonnees, match="colonne « id »"):
        lire_table(_ecrire(tmp_path, "double.csv", b"id,id\n1,2\n"))


def test_ecriture_atomique_refuse_data_raw(tmp_path):
    cible = tmp_path / "data" / "raw" / "2019" / "x.csv"
    with pytest.raises(PermissionError):
        ecrire_atomique(cible, lambda p: p.write_text("x"))
    assert not cible.exists()


def test_ecriture_atomique_ne_laisse_rien_en_cas_d_echec(tmp_path):
    cible = tmp_path / "sortie" / "t.parquet"
    cible.parent.mkdir()
    cible.write_text("ancien")

    def echoue(p):
        p.write_text("moitié")
        raise RuntimeError("panne")

    with pytest.raises(RuntimeError):
        ecrire_atomique(cible, echoue)
    assert cible.read_text() == "ancien"
    assert [p.name for p in cible.parent.iterdir()] == ["t.parquet"]


def test_metadonnees_du_fichier_suivent_les_operations_sans_copie_profonde(tmp_path):
    """Les libellés, titres et notes d'un fichier (``attrs``) suivent chaque table tirée de la table lue, avec les mêmes
    valeurs ; pandas recopie ``attrs`` à chaque opération, ces valeurs-là le sont par référence (un fichier de l'INSEE
    a des dizaines de libellés : les recopier en profondeur coûtait plus que le nettoyage d'un territoire de lot)."""
    contenu = (
        "Quartiers prioritaires : chiffres clés\n\n"
        "Code du quartier;Libellé du quartier;Population\n"
        "CODE_QP;NOM_QP;POP_MUN\n"
        "QN001001F;Le Centre;1717\n"
        "QN001002F;Les Tilleuls;2500\n\n"
        "Source : Insee.\n"
    )
    df = lire_table(_ecrire(tmp_path, "q.csv", contenu.encode("utf-8")))
    assert df.attrs["libelles"]["POP_MUN"] == "Population" and df.attrs["notes"] == ["Source : Insee."]
    assert df.attrs["source"]["fichier"] == "q.csv"
    derivee = df[df["CODE_QP"] == "QN001002F"]["POP_MUN"]
    for cle in ("libelles", "titres", "notes", "source"):
        assert derivee.attrs[cle] == df.attrs[cle] and derivee.attrs[cle] is df.attrs[cle], cle


def test_textes_des_tables_en_chaines_python_meme_type_str(tmp_path):
    """Le paquet garde les textes en chaînes Python (stockage « python ») : même type ``str`` et même valeur manquante
    que le stockage Arrow de pandas 3, à l'écriture comme à la relecture d'une table nettoyée."""
    import politique_ville
    from politique_ville.base.catalog.traitees import ecrire_tables

    assert politique_ville.STOCKAGE_DES_TEXTES == "python"
    df = pd.DataFrame({"code_qp": ["QN06300", None], "population": [1200, 800]})
    assert df["code_qp"].dtype == "str" and df["code_qp"].dtype.storage == "python"
    assert df["code_qp"].isna().tolist() == [False, True] and df["code_qp"].dtype.na_value is not pd.NA
    ecrire_tables({"insee_qpv": df}, tmp_path)
    relu = pd.read_parquet(tmp_path / "insee_qpv.parquet")
    assert relu["code_qp"].dtype == "str" and relu["code_qp"].dtype.storage == "python"
    assert relu["code_qp"].tolist()[0] == "QN06300" and pd.isna(relu["code_qp"].tolist()[1])


def test_choix_du_stockage_des_textes_par_l_utilisateur_respecte():
    """Un stockage choisi avant d'importer le paquet (option ``mode.string_storage``) n'est pas changé."""
    import subprocess
    import sys

    code = (
        "import pandas as pd; pd.set_option('mode.string_storage', 'pyarrow'); import politique_ville; "
        "print(pd.Series(['a']).dtype.storage)"
    )
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert sortie.strip() == "pyarrow"
    code = "import politique_ville, pandas as pd; print(pd.Series(['a']).dtype.storage)"
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert sortie.strip() == "python"
