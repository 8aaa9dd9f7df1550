"""Entrées défectueuses ou inhabituelles, fabriquées à partir des vrais fichiers bruts de 2019.

Chaque cas copie un fichier réel de ``data/raw/2019`` dans un dossier temporaire et l'altère (jamais ``data/raw``).
Les variantes réelles (séparateur « ; », cp1252, latin-1, BOM, .xlsx, retour à la ligne dans un champ) doivent donner
exactement le même résultat nettoyé que l'original ; les vraies erreurs doivent échouer avec un message en français qui
nomme le fichier, la ligne (numéro de ligne dans le fichier, en-tête = ligne 1) et la colonne. Les fichiers bruts ne
sont jamais modifiés et, pour le pipeline complet, les sorties précédentes restent intactes.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from politique_ville.base.catalog import COLONNE_LIGNE, Catalogue, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage import (
    ErreursNettoyage,
    Journal,
    Referentiels,
    nettoyer_financements,
    nettoyer_insee,
    nettoyer_table,
)

ANNEE = 2019
N_ACTIONS = 131
MONTANTS = ["droit_commun", "credits_specifiques", "cget"]


# --------------------------------------------------------------------------------------------- outils


def _empreintes(dossier: Path) -> dict[str, str]:
    return {
        p.relative_to(dossier).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dossier.rglob("*"))
        if p.is_file()
    }


def _sha(chemin: Path) -> str:
    return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def raw(racine) -> Path:
    return racine / "data" / "raw" / str(ANNEE)


@pytest.fixture(autouse=True)
def data_raw_intact(racine):
    """Aucun test ne doit écrire dans data/raw."""
    avant = _empreintes(racine / "data" / "raw")
    yield
    assert _empreintes(racine / "data" / "raw") == avant, "data/raw a été modifié"


@pytest.fixture
def refs(catalogue) -> Referentiels:
    """Référentiels frais à chaque test (nettoyer_financements y range la feuille de route nettoyée)."""
    return Referentiels.charger(catalogue)


def _rangees(raw: Path, table: str) -> list[list[str]]:
    """Le fichier réel, rangée par rangée (rangée 0 = en-tête = ligne 1 du fichier)."""
    with open(raw / f"{table}.csv", encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f)]


def _ecrire_csv(chemin: Path, rangees, *, sep=",", encodage="utf-8", **options) -> Path:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with open(chemin, "w", encoding=encodage, newline="") as f:
        csv.writer(f, delimiter=sep, lineterminator="\n", **options).writerows(rangees)
    return chemin


def _modifier(rangees, ligne: int, colonne: str, valeur: str) -> list[list[str]]:
    """Copie des rangées où la cellule (ligne du fichier, colonne) vaut ``valeur`` (sans champ multi-ligne, la ligne
    ``n`` du fichier est la rangée ``n - 1``)."""
    copie = [list(r) for r in rangees]
    copie[ligne - 1][copie[0].index(colonne)] = valeur
    return copie


def _nettoyer_programmation(chemin: Path, raw: Path, refs: Referentiels, journal: Journal | None = None):
    """Nettoie la programmation lue dans ``chemin`` avec la vraie feuille de route (priorités connues)."""
    bruts = {"feuille_de_route": lire_table(raw / "feuille_de_route.csv"), "programmation": lire_table(chemin)}
    return nettoyer_financements(bruts, refs, journal if journal is not None else Journal())


def _echec(appel, *args) -> ErreurDonnees:
    """Exécute ``appel`` qui doit lever une ErreurDonnees ; les fichiers passés en argument ne sont pas modifiés."""
    fichiers = [a for a in args if isinstance(a, Path) and a.is_file()]
    avant = {f: _sha(f) for f in fichiers}
    with pytest.raises(ErreurDonnees) as exc:
        appel(*args)
    assert {f: _sha(f) for f in fichiers} == avant, "le fichier brut a été modifié"
    return exc.value


def _seule_erreur(exc: ErreurDonnees) -> ErreurDonnees:
    assert isinstance(exc, ErreursNettoyage)
    assert len(exc.erreurs) == 1, str(exc)
    return exc.erreurs[0]


def _verifier_lieu(e: ErreurDonnees, fichier: str, ligne: int | None, colonne: str | None):
    """L'erreur nomme fichier, ligne et colonne, dans ses attributs et dans son message en français."""
    assert (e.fichier, e.ligne, e.colonne) == (fichier, ligne, colonne), str(e)
    message = str(e)
    assert f"fichier « {fichier} »" in message
    if ligne is not None:
        assert f"ligne {ligne}" in message
    if colonne is not None:
        assert f"colonne « {colonne} »" in message


@pytest.fixture(scope="module")
def reference(raw, catalogue):
    """La programmation réelle, nettoyée : le résultat attendu pour chaque variante de format."""
    refs = Referentiels.charger(catalogue)
    sorties = _nettoyer_programmation(raw / "programmation.csv", raw, refs)
    assert len(sorties["programmation"]) == N_ACTIONS
    assert sorties["programmation"][COLONNE_LIGNE].tolist() == list(range(2, N_ACTIONS + 2))
    return sorties


def _meme_resultat(sorties, reference):
    for table in ("programmation", "programmation_communes"):
        pd.testing.assert_frame_equal(sorties[table], reference[table])


# --------------------------------------------------------------------------------------------- variantes acceptées


def test_separateur_point_virgule(tmp_path, raw, refs, reference):
    chemin = _ecrire_csv(tmp_path / "programmation.csv", _rangees(raw, "programmation"), sep=";")
    assert chemin.read_text(encoding="utf-8").splitlines()[0].startswith("id_action;intitule;porteur;")
    assert lire_table(chemin).attrs["source"]["separateur"] == ";"
    _meme_resultat(_nettoyer_programmation(chemin, raw, refs), reference)


def test_encodage_cp1252(tmp_path, raw, refs, reference):
    texte = (raw / "programmation.csv").read_text(encoding="utf-8")
    assert "’" in texte and "€" in texte  # caractères propres à cp1252 (absents de latin-1)
    chemin = tmp_path / "programmation.csv"
    chemin.write_bytes(texte.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        chemin.read_bytes().decode("utf-8")
    assert lire_table(chemin).attrs["source"]["encodage"] == "cp1252"
    _meme_resultat(_nettoyer_programmation(chemin, raw, refs), reference)


def test_encodage_latin1(tmp_path, raw, refs, reference, catalogue):
    # latin-1 n'a ni « ’ » ni « € » (ni « œ ») : le fichier latin-1 est comparé au même texte en UTF-8.
    texte = (raw / "programmation.csv").read_text(encoding="utf-8").replace("’", "'").replace("€", "EUR")
    octets = texte.encode("latin-1")
    assert any(b >= 0x80 for b in octets)  # des accents (é, è, à…) : pas de l'ASCII pur
    latin1 = tmp_path / "latin1" / "programmation.csv"
    latin1.parent.mkdir()
    latin1.write_bytes(octets)
    utf8 = tmp_path / "utf8" / "programmation.csv"
    utf8.parent.mkdir()
    utf8.write_text(texte, encoding="utf-8")
    brut = lire_table(latin1)
    assert brut.attrs["source"]["encodage"] in ("cp1252", "latin-1")  # cp1252 = latin-1 pour ces caractères
    assert "Béthune" in set(brut["communes"])
    sorties = _nettoyer_programmation(latin1, raw, refs)
    attendu = _nettoyer_programmation(utf8, raw, Referentiels.charger(catalogue))
    _meme_resultat(sorties, attendu)
    # et les montants (« 18 954 EUR ») sont ceux de la programmation réelle (« 18 954 € »)
    pd.testing.assert_frame_equal(sorties["programmation"][MONTANTS], reference["programmation"][MONTANTS])


def test_utf8_avec_bom(tmp_path, raw, refs, reference):
    chemin = tmp_path / "programmation.csv"
    chemin.write_bytes((raw / "programmation.csv").read_text(encoding="utf-8").encode("utf-8-sig"))
    assert chemin.read_bytes().startswith(b"\xef\xbb\xbf")
    brut = lire_table(chemin)
    assert brut.attrs["source"]["encodage"] == "utf-8-sig"
    assert brut.columns[0] == "id_action"  # pas « \ufeffid_action »
    _meme_resultat(_nettoyer_programmation(chemin, raw, refs), reference)


def test_xlsx_meme_resultat(tmp_path, raw, refs, reference, racine):
    rangees = _rangees(raw, "programmation")
    dossier = tmp_path / "raw"
    dossier.mkdir()
    chemin = dossier / "programmation.xlsx"
    pd.DataFrame(rangees[1:], columns=rangees[0], dtype="object").to_excel(chemin, index=False, engine="openpyxl")
    import openpyxl

    feuille = openpyxl.load_workbook(chemin).active
    assert all(c.data_type == "s" for ligne in feuille.iter_rows(min_row=2) for c in ligne if c.value is not None)
    # le catalogue trouve le .xlsx quand il n'y a pas de .csv
    cat = Catalogue.pour(ANNEE, racine, raw_dir=dossier)
    assert cat.fichier_brut("programmation") == chemin
    brut = cat.lire_brut("programmation")
    assert brut.attrs["source"]["encodage"] == "xlsx"
    assert brut[COLONNE_LIGNE].tolist() == list(range(2, N_ACTIONS + 2))
    sorties = _nettoyer_programmation(chemin, raw, refs)
    pd.testing.assert_frame_equal(sorties["programmation"][MONTANTS], reference["programmation"][MONTANTS])
    _meme_resultat(sorties, reference)


def test_colonne_inconnue_gardee_et_signalee(tmp_path, raw, refs, reference):
    rangees = [
        r + [v]
        for r, v in zip(
            _rangees(raw, "programmation"), ["remarque_saisie"] + [f"saisie n°{i}" for i in range(1, N_ACTIONS + 1)]
        )
    ]
    chemin = _ecrire_csv(tmp_path / "programmation.csv", rangees)
    journal = Journal()
    sorties = _nettoyer_programmation(chemin, raw, refs, journal)
    prog = sorties["programmation"]
    assert prog["remarque_saisie"].tolist() == [f"saisie n°{i}" for i in range(1, N_ACTIONS + 1)]
    pd.testing.assert_frame_equal(prog.drop(columns="remarque_saisie"), reference["programmation"])
    signalees = [m for m in journal.avertissements if "remarque_saisie" in m]
    assert len(signalees) == 1, journal.avertissements
    assert "programmation.csv" in signalees[0] and "non prévue" in signalees[0]


def test_retour_a_la_ligne_dans_un_champ(tmp_path, raw, refs, reference):
    # ligne 10 (PV2019-009) : un intitulé sur deux lignes, entre guillemets ; les rangées suivantes descendent d'une ligne
    rangees = _rangees(raw, "programmation")
    intitule = rangees[9][1] + "\n(suite de l'intitulé)"
    chemin = _ecrire_csv(tmp_path / "programmation.csv", _modifier(rangees, 10, "intitule", intitule))
    assert f'"{intitule}"' in chemin.read_text(encoding="utf-8")
    brut = lire_table(chemin)
    assert len(brut) == N_ACTIONS
    assert brut["intitule"].iloc[8] == intitule
    assert brut[COLONNE_LIGNE].tolist() == list(range(2, 11)) + list(range(12, N_ACTIONS + 3))
    prog = _nettoyer_programmation(chemin, raw, refs)["programmation"]
    assert prog["intitule"].iloc[8] == intitule  # le retour à la ligne est gardé
    attendu = reference["programmation"].copy()
    attendu.loc[8, "intitule"] = intitule
    attendu.loc[9:, COLONNE_LIGNE] += 1
    pd.testing.assert_frame_equal(prog, attendu)


def test_retour_a_la_ligne_puis_erreur_nomme_la_vraie_ligne(tmp_path, raw, refs):
    # après un champ sur deux lignes (ligne 10-11), l'action PV2019-050 est à la ligne 52 du fichier, pas 51
    rangees = _rangees(raw, "programmation")
    rangees = _modifier(rangees, 10, "intitule", rangees[9][1] + "\nsuite")
    rangees = _modifier(rangees, 51, "communes", "Springfield")
    assert rangees[50][0] == "PV2019-050"
    chemin = _ecrire_csv(tmp_path / "programmation.csv", rangees)
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 52, "communes")
    assert "Springfield" in str(e)
    assert chemin.read_text(encoding="utf-8").splitlines()[51].startswith("PV2019-050,")  # ligne 52 du fichier


# --------------------------------------------------------------------------------------------- erreurs de structure


def test_colonne_obligatoire_absente(tmp_path, raw, refs):
    rangees = _rangees(raw, "programmation")
    i = rangees[0].index("pilier")
    chemin = _ecrire_csv(tmp_path / "programmation.csv", [r[:i] + r[i + 1 :] for r in rangees])
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 1, "pilier")
    assert "colonne obligatoire absente" in str(e)
    # même chose en nettoyant la table seule
    e2 = _seule_erreur(_echec(lambda: nettoyer_table("programmation", lire_table(chemin), refs)))
    _verifier_lieu(e2, "programmation.csv", 1, "pilier")


def test_fichier_vide_zero_octet(tmp_path):
    chemin = tmp_path / "programmation.csv"
    chemin.write_bytes(b"")
    e = _echec(lire_table, chemin)
    assert str(e) == "fichier « programmation.csv » : le fichier est vide"
    assert chemin.read_bytes() == b""


@pytest.mark.parametrize(
    "octets",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\n\n  \n"],
    ids=["bom-seul", "bom-et-fin-de-ligne", "lignes-blanches"],
)
def test_fichier_vide_avec_bom_ou_blancs(tmp_path, octets):
    # un fichier vide enregistré « UTF-8 avec BOM » par un tableur ou un éditeur est toujours un fichier vide
    chemin = tmp_path / "programmation.csv"
    chemin.write_bytes(octets)
    e = _echec(lire_table, chemin)
    assert str(e) == "fichier « programmation.csv » : le fichier est vide"


def test_fichier_en_tete_seul(tmp_path, raw, refs, racine):
    entete = _rangees(raw, "programmation")[0]
    dossier = tmp_path / "raw"
    chemin = _ecrire_csv(dossier / "programmation.csv", [entete])
    brut = Catalogue.pour(ANNEE, racine, raw_dir=dossier).lire_brut("programmation")
    assert brut.empty and list(brut.columns) == entete + [COLONNE_LIGNE]
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 2, None)
    assert "aucune ligne de données" in str(e)


def test_xlsx_en_tete_seul(tmp_path, raw, refs):
    chemin = tmp_path / "programmation.xlsx"
    pd.DataFrame(columns=_rangees(raw, "programmation")[0]).to_excel(chemin, index=False, engine="openpyxl")
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.xlsx", 2, None)
    assert "aucune ligne de données" in str(e)


def _texte_programmation(raw) -> str:
    return (raw / "programmation.csv").read_text(encoding="utf-8")


def test_fichier_coupe_en_milieu_de_ligne(tmp_path, raw):
    lignes = _texte_programmation(raw).split("\n")
    assert lignes[49].startswith("PV2019-049,")  # ligne 50 du fichier
    coupe = "\n".join(lignes[:49]) + "\n" + lignes[49][:40]  # coupé dans l'intitulé (2e champ)
    chemin = tmp_path / "programmation.csv"
    chemin.write_text(coupe, encoding="utf-8")
    e = _echec(lire_table, chemin)
    _verifier_lieu(e, "programmation.csv", 50, "porteur")  # première colonne manquante
    assert "2 champs au lieu de 16" in str(e) and "coupée" in str(e)


@pytest.mark.parametrize("fin", ["", "\n"], ids=["sans-fin-de-ligne", "avec-fin-de-ligne"])
def test_fichier_coupe_dans_un_champ_entre_guillemets(tmp_path, raw, fin):
    lignes = _texte_programmation(raw).split("\n")
    debut_source = lignes[49].index(',"3.') + 1  # la colonne « source », entre guillemets
    coupe = "\n".join(lignes[:49]) + "\n" + lignes[49][: debut_source + 20] + fin
    chemin = tmp_path / "programmation.csv"
    chemin.write_text(coupe, encoding="utf-8")
    e = _echec(lire_table, chemin)
    _verifier_lieu(e, "programmation.csv", 50, None)
    assert "guillemet non fermé ou fichier tronqué" in str(e) and "fin de fichier inattendue" in str(e)


def test_fichier_tout_entre_guillemets_coupe(tmp_path, raw):
    # export où chaque champ est entre guillemets : coupé dans un champ de la ligne 50, puis dans l'en-tête
    texte = tmp_path / "complet.csv"
    _ecrire_csv(texte, _rangees(raw, "programmation"), quoting=csv.QUOTE_ALL)
    lignes = texte.read_text(encoding="utf-8").split("\n")
    assert lignes[49].startswith('"PV2019-049","')
    chemin = tmp_path / "programmation.csv"
    chemin.write_text("\n".join(lignes[:49]) + "\n" + lignes[49][:30], encoding="utf-8")
    _verifier_lieu(_echec(lire_table, chemin), "programmation.csv", 50, None)
    chemin.write_text(lignes[0][:45], encoding="utf-8")  # « "id_action","intitule","porteur","type_po »
    e = _echec(lire_table, chemin)
    _verifier_lieu(e, "programmation.csv", 1, None)
    assert "guillemet non fermé ou fichier tronqué" in str(e)


# --------------------------------------------------------------------------------------------- erreurs de contenu


def test_montant_negatif(tmp_path, raw, refs):
    rangees = _rangees(raw, "programmation")
    assert rangees[10][0] == "PV2019-010"
    chemin = _ecrire_csv(tmp_path / "programmation.csv", _modifier(rangees, 11, "credits_specifiques", "-1 200 €"))
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 11, "credits_specifiques")
    assert "valeur négative (-1 200 €)" in str(e) and "ne peut pas être négatif" in str(e)


def test_texte_dans_un_montant(tmp_path, raw, refs):
    chemin = _ecrire_csv(
        tmp_path / "programmation.csv", _modifier(_rangees(raw, "programmation"), 40, "cget", "douze euros")
    )
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 40, "cget")
    assert "« douze euros » n'est pas un nombre lisible" in str(e) and "montant en euros" in str(e)


def test_identifiant_en_double(tmp_path, raw, refs):
    rangees = _rangees(raw, "programmation")
    assert rangees[5][0] == "PV2019-005"
    chemin = _ecrire_csv(tmp_path / "programmation.csv", _modifier(rangees, 31, "id_action", "PV2019-005"))
    e = _seule_erreur(_echec(_nettoyer_programmation, chemin, raw, refs))
    _verifier_lieu(e, "programmation.csv", 31, "id_action")  # la ligne du doublon, pas celle de l'original
    assert "identifiant « PV2019-005 » en double (lignes 6, 31)" in str(e)


def test_commune_inconnue(tmp_path, raw, refs):
    rangees = _modifier(_rangees(raw, "programmation"), 77, "communes", "Springfield")
    rangees = _modifier(rangees, 90, "communes", "Béthune, Springfield")
    chemin = _ecrire_csv(tmp_path / "programmation.csv", rangees)
    exc = _echec(_nettoyer_programmation, chemin, raw, refs)
    assert [(e.fichier, e.ligne, e.colonne) for e in exc.erreurs] == [
        ("programmation.csv", 77, "communes"),
        ("programmation.csv", 90, "communes"),
    ]
    for e in exc.erreurs:
        assert "commune inconnue « Springfield »" in str(e) and "Béthune" not in str(e)
    message = str(exc)
    assert message.startswith("2 erreurs dans les données :")
    assert "fichier « programmation.csv », ligne 77, colonne « communes » : commune inconnue « Springfield »" in message
    assert "ligne 90, colonne « communes »" in message


def _bruts_insee(raw: Path, **remplacements: Path) -> dict[str, pd.DataFrame]:
    return {
        t: lire_table(remplacements.get(t, raw / f"{t}.csv"))
        for t in ("insee_qpv", "insee_references", "insee_provenance")
    }


def test_insee_reel_se_nettoie(raw, refs):
    sorties = nettoyer_insee(_bruts_insee(raw), refs, Journal())
    assert len(sorties["insee_qpv"]) == 21


def test_code_qpv_mal_forme(tmp_path, raw, refs):
    rangees = _rangees(raw, "insee_qpv")
    assert rangees[3][0] == "LOC-QP03"
    chemin = _ecrire_csv(tmp_path / "insee_qpv.csv", _modifier(rangees, 4, "code_qp", "QP62012"))
    avant = _sha(chemin)
    exc = _echec(lambda: nettoyer_insee(_bruts_insee(raw, insee_qpv=chemin), refs, Journal()))
    e = _seule_erreur(exc)
    _verifier_lieu(e, "insee_qpv.csv", 4, "code_qp")
    assert "code de quartier « QP62012 » invalide" in str(e)
    assert _sha(chemin) == avant


@pytest.mark.parametrize(
    "code, valide",
    [
        ("QP062012", True),
        ("LOC-QP03", True),
        ("LOC-QC05", True),
        ("LOC-QP0001", True),
        ("LOC-QP9999", True),
        ("LOC-QP1", False),
        ("LOC-QP12345", False),
        ("LOC-QX01", False),
        ("loc-qp01", False),
        ("QP62012", False),
    ],
)
def test_codes_de_quartier_insee_ou_locaux_jusqu_a_9999(code, valide):
    """Un territoire sans codes INSEE numérote ses quartiers localement, jusqu'à 9 999 (taille nationale : 1 600)."""
    from politique_ville.reference.schemas import MOTIF_CODE_QP

    assert bool(re.fullmatch(MOTIF_CODE_QP, code)) is valide


def test_provenance_vers_un_qpv_inconnu(tmp_path, raw, refs):
    rangees = _rangees(raw, "insee_provenance")
    assert rangees[9][:3] == ["insee_qpv.csv", "LOC-QP01", "abcde_h"]  # ligne 10 du fichier
    chemin = _ecrire_csv(tmp_path / "insee_provenance.csv", _modifier(rangees, 10, "cle", "QP620999"))
    avant = _sha(chemin)
    exc = _echec(lambda: nettoyer_insee(_bruts_insee(raw, insee_provenance=chemin), refs, Journal()))
    e = _seule_erreur(exc)
    _verifier_lieu(e, "insee_provenance.csv", 10, "cle")
    assert "code de quartier inconnu « QP620999 » (absent de insee_qpv)" in str(e)
    assert _sha(chemin) == avant


# --------------------------------------------------------------------------------------------- pipeline complet


@pytest.mark.pipeline
def test_pipeline_echoue_proprement_et_garde_les_sorties_precedentes(tmp_path, racine, raw):
    from politique_ville.runner import EchecExecution, executer

    brut = tmp_path / "raw" / str(ANNEE)
    shutil.copytree(raw, brut)
    _ecrire_csv(
        brut / "programmation.csv", _modifier(_rangees(raw, "programmation"), 11, "credits_specifiques", "-1 200 €")
    )
    sortie = tmp_path / "reports" / str(ANNEE)
    sortie.mkdir(parents=True)
    (sortie / "index.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
    traitees = tmp_path / "processed" / str(ANNEE)
    traitees.mkdir(parents=True)
    pd.DataFrame({"id_action": ["PV2019-001"]}).to_parquet(traitees / "programmation.parquet", index=False)
    (traitees / "MARQUEUR.txt").write_text("tables précédentes", encoding="utf-8")
    avant = {"brut": _empreintes(brut), "sortie": _empreintes(sortie), "traitees": _empreintes(traitees)}

    messages = []
    with pytest.raises(EchecExecution) as exc:
        executer(
            ANNEE,
            racine=racine,
            raw_dir=brut,
            out=sortie,
            processed_dir=traitees,
            sortie=lambda *a, **k: messages.append(" ".join(map(str, a))),
        )
    message = str(exc.value)
    assert "Échec de l'étape « 01_nettoyage_financements »" in message
    # la programmation est lue à travers sa correspondance déclarée (params/2019.yaml), qui refuse le montant la
    # première, en nommant le fichier, la ligne et la colonne
    assert (
        "fichier « programmation.csv », ligne 11, colonne « credits_specifiques » : montant négatif (-1 200 €)"
        in message
    )
    assert "n'ont pas été modifiés" in message
    assert "Traceback" not in message

    # entrées et sorties précédentes intactes
    assert _empreintes(brut) == avant["brut"]
    assert _empreintes(sortie) == avant["sortie"]
    assert _empreintes(traitees) == avant["traitees"]
    assert (sortie / "index.html").read_text(encoding="utf-8") == "<p>rapport précédent</p>"
    assert (traitees / "MARQUEUR.txt").read_text(encoding="utf-8") == "tables précédentes"
    # notebook en échec conservé, nommé dans le message ; pas de dossier de travail laissé
    echoue = tmp_path / "reports" / f"{ANNEE}.echec" / "notebooks" / "01_nettoyage_financements.ipynb"
    assert echoue.is_file()
    assert str(echoue) in message
    assert "montant négatif (-1 200 €)" in echoue.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [str(ANNEE), f"{ANNEE}.echec"]
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [str(ANNEE)]
