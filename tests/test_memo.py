"""La mémoire par noyau des calculs sur tout le territoire (``politique_ville.base.memo``) : même contenu en entrée, même
résultat en sortie ; chaque appel reçoit sa propre copie ; une table non marquée ou un fichier réécrit sont
recalculés ; et les fiches quartier calculées par la mémoire sont celles calculées sans elle."""

from __future__ import annotations

import gc
import math

import pandas as pd
import pytest

from politique_ville.base import catalog, memo
from politique_ville.base.catalog import Catalogue, ecrire_tables, lire_traitees
from politique_ville.compute import qpv as cq
from politique_ville.narration import besoins as nb
from politique_ville.narration import fiche as nf
from politique_ville.present import fiche as pf


def _compteur():
    """Une fonction décorée qui compte ses appels : total de ``colonne``, ajouté à chaque ligne, et un dictionnaire."""
    appels = []

    @memo.une_fois
    def total(df, colonne):
        appels.append(colonne)
        return {"table": df.assign(total=df[colonne].sum()), "liste": [df[colonne].max()]}

    return total, appels


def test_memes_jetons_meme_resultat_et_copie_a_soi():
    total, appels = _compteur()
    df = memo.marquer(pd.DataFrame({"a": [1, 2]}), "t1")
    r1 = total(df, "a")
    assert r1["table"]["total"].tolist() == [3, 3] and r1["liste"] == [2]
    r1["table"].loc[0, "total"] = 99  # l'appelant modifie sa copie...
    r1["liste"].append(7)
    r2 = total(df, "a")
    assert appels == ["a"]  # ...calculé une seule fois
    assert r2["table"]["total"].tolist() == [3, 3] and r2["liste"] == [2]  # ...sans effet sur l'appel suivant
    assert r2["table"] is not r1["table"]
    # une autre table de même jeton (même fichier relu) : même résultat, sans recalcul
    autre = memo.marquer(pd.DataFrame({"a": [1, 2]}), "t1")
    assert total(autre, "a")["table"]["total"].tolist() == [3, 3] and appels == ["a"]
    # un autre argument, un autre jeton : recalculé
    assert total(memo.marquer(pd.DataFrame({"a": [5]}), "t2"), "a")["liste"] == [5]
    assert appels == ["a", "a"]


def test_resultat_marque_alimente_une_autre_fonction():
    total, appels = _compteur()
    vus = []

    @memo.une_fois
    def lignes(df):
        vus.append(1)
        return len(df)

    df = memo.marquer(pd.DataFrame({"a": [1, 2, 3]}), "t")
    table = total(df, "a")["table"]
    assert memo.memorisable(table)
    assert lignes(table) == 3 and lignes(total(df, "a")["table"]) == 3
    assert vus == [1]  # le résultat d'une fonction décorée a le même jeton d'un appel à l'autre


def test_table_non_marquee_ou_derivee_pas_de_memoire():
    total, appels = _compteur()
    brute = pd.DataFrame({"a": [1, 2]})
    assert memo.jeton(brute) is memo.AUCUN
    total(brute, "a")
    total(brute, "a")
    marquee = memo.marquer(pd.DataFrame({"a": [1, 2]}), "t")
    for derivee in (marquee.copy(), marquee[marquee["a"] > 1], marquee.sort_values("a")):
        assert not memo.memorisable(derivee)
        total(derivee, "a")
    assert appels == ["a"] * 5
    # jetons des autres arguments : valeurs simples (1, 1.0 et True distincts), tuples de valeurs ; pas une liste
    assert memo.jeton(1) != memo.jeton(1.0) != memo.jeton(True)
    assert memo.jeton(("x", None, 2)) == memo.jeton(("x", None, 2)) and memo.jeton(["x"]) is memo.AUCUN


def test_structure_modifiee_en_place_perd_son_jeton():
    df = memo.marquer(pd.DataFrame({"a": [1, 2]}), "t")
    assert memo.memorisable(df)
    df["b"] = 0  # colonne ajoutée en place : ce n'est plus le contenu du jeton
    assert not memo.memorisable(df)
    df2 = memo.marquer(pd.DataFrame({"a": [2, 1]}), "t")
    df2.index = [1, 0]  # lignes renumérotées en place
    assert not memo.memorisable(df2)


def test_marque_oubliee_avec_la_table():
    df = memo.marquer(pd.DataFrame({"a": [1]}), "t")
    cle = id(df)
    assert cle in memo._MARQUES
    del df
    gc.collect()
    assert cle not in memo._MARQUES  # une table qui reprendrait son adresse n'hérite pas du jeton


def test_memoire_bornee():
    appels = []

    @memo.une_fois(taille=2)
    def double(df):
        appels.append(1)
        return df * 2

    tables = [memo.marquer(pd.DataFrame({"a": [i]}), f"t{i}") for i in range(3)]
    for t in tables:
        double(t)
    assert len(double.memoire) == 2  # les deux dernières clés seulement
    double(tables[2])
    assert len(appels) == 3
    assert double(tables[0])["a"].tolist() == [0]  # oubliée : recalculée
    assert len(appels) == 4 and len(double.memoire) == 2


def test_lire_traitees_copies_egales_et_fichier_reecrit_relu(tmp_path):
    cat = Catalogue.pour(2019, tmp_path, processed_dir=tmp_path / "p")
    ecrire_tables({"t": pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})}, cat.processed_dir)
    a = lire_traitees(cat, "t")["t"]
    b = lire_traitees(cat, "t")["t"]
    pd.testing.assert_frame_equal(a, b)
    assert a is not b
    a.loc[0, "a"] = 100  # une copie à soi : la lecture suivante n'en voit rien
    a.loc[1, "b"] = "z"  # (copie légère : les données ne sont recopiées qu'à la première écriture, pandas 3)
    a["b"] = a["b"].str.upper()
    assert lire_traitees(cat, "t")["t"]["a"].tolist() == [1, 2]
    assert lire_traitees(cat, "t")["t"]["b"].tolist() == ["x", "y"] == b["b"].tolist() and b["a"].tolist() == [1, 2]
    assert a["b"].tolist() == ["X", "Z"]
    assert memo.jeton(b) == memo.jeton(lire_traitees(cat, "t")["t"]) != memo.AUCUN

    appels = []

    @memo.une_fois
    def somme(df):
        appels.append(1)
        return int(df["a"].sum())

    assert somme(b) == 3 and somme(lire_traitees(cat, "t")["t"]) == 3 and len(appels) == 1
    # fichier réécrit (même taille, autre contenu) : autre identité, relu et recalculé
    ecrire_tables({"t": pd.DataFrame({"a": [5, 6], "b": ["x", "y"]})}, cat.processed_dir)
    c = lire_traitees(cat, "t")["t"]
    assert c["a"].tolist() == [5, 6] and memo.jeton(c) != memo.jeton(b)
    assert somme(c) == 11 and len(appels) == 2
    # facultative absente : None (jeton None), comme avant
    assert lire_traitees(cat, facultatives=("absente",)) == {"absente": None}
    # bornée aux tables d'un dossier
    autre = Catalogue.pour(2019, tmp_path, processed_dir=tmp_path / "q")
    ecrire_tables({"t": pd.DataFrame({"a": [7]})}, autre.processed_dir)
    assert lire_traitees(autre, "t")["t"]["a"].tolist() == [7]
    assert all(str(tmp_path / "q") in k for k in catalog._LECTURES)


# --------------------------------------------------------------------------------------------- fiches quartier


def _petit_territoire():
    """Trois QPV (A : 100 habitants, B : 300, C : 100) et un quartier de veille V ; taux d'emploi 50, 60, 40 ;
    Agglomération reçue (taux d'emploi 62), dont la provenance dit la valeur approximative."""
    qpv = pd.DataFrame(
        {
            "code_qp": ["A", "B", "C", "V"],
            "nom_qp": ["Alpha", "Bêta", "Gamma", "Veille"],
            "nom_commune": ["VilleA", "VilleB", "VilleB", "VilleA"],
            "type_quartier": ["QPV", "QPV", "QPV", "quartier de veille"],
            "pop_mun": [100.0, 300.0, 100.0, 50.0],
            "tx_tot_empl": [50.0, 60.0, 40.0, math.nan],
        }
    )
    communes = pd.DataFrame(
        {
            "code_qp": ["A", "B", "C", "V"],
            "commune": ["VilleA", "VilleB", "VilleB", "VilleA"],
            "rang": [1, 1, 1, 1],
            "perimetre": [False] * 4,
        }
    )
    refs = pd.DataFrame([{"niveau": cq.NIVEAU_AGGLO, "libelle_territoire": "Agglo", "tx_tot_empl": 62.0}])
    provenance = pd.DataFrame(
        {
            "fichier": ["insee_references.csv", "insee_qpv.csv"],
            "cle": [cq.NIVEAU_AGGLO, "B"],
            "variable": ["tx_tot_empl", "pop_mun"],
            "provenance": ["approximatif", "reconstruit"],
        }
    )
    return {"insee_qpv": qpv, "insee_qpv_communes": communes, "insee_references": refs, "insee_provenance": provenance}


def test_fiche_par_la_memoire_valeurs_a_la_main(tmp_path):
    cat = Catalogue.pour(2019, tmp_path, processed_dir=tmp_path / "p")
    ecrire_tables(_petit_territoire(), cat.processed_dir)
    memo.oublier()
    for _ in range(2):  # le second passage lit la mémoire
        t = lire_traitees(cat, "insee_qpv", "insee_qpv_communes", "insee_references", "insee_provenance")
        qpv, refs = t["insee_qpv"], cq.references_comparaison(t["insee_references"], None)
        b = cq.fiche_indicateurs(qpv, refs, "B").set_index("code")
        # B : 60, le taux d'emploi le plus élevé, la situation la plus favorable : rang 3 sur 3 (rang 1 = la plus
        # défavorable) ; QPV du territoire, moyenne pondérée par la population : (50×100 + 60×300 + 40×100) / 500 = 54
        assert (b.at["tx_tot_empl", "rang"], b.at["tx_tot_empl", "nb_classes"]) == (3, 3)
        assert b.at["tx_tot_empl", "qpv_territoire"] == pytest.approx(54.0)
        assert b.at["tx_tot_empl", "agglomeration"] == 62.0
        c = cq.fiche_indicateurs(qpv, refs, "C").set_index("code")
        assert c.at["tx_tot_empl", "rang"] == 1  # le plus faible taux d'emploi : la situation la plus défavorable
        # fiche par thème : taux d'emploi favorable si élevé -> C (40) a le rang orienté 1, B le rang 3
        theme_c = cq.fiche_par_theme(qpv, refs, "C").set_index("code")
        theme_b = cq.fiche_par_theme(qpv, refs, "B").set_index("code")
        assert theme_c.at["tx_tot_empl", "rang"] == 1 and theme_b.at["tx_tot_empl", "rang"] == 3
        assert theme_b.at["tx_tot_empl", f"ecart:{cq.NIVEAU_AGGLO}"] == pytest.approx(-2.0)
        # la provenance de l'appel décide de « approximatif », même quand le reste vient de la mémoire
        avec = cq.fiche_par_theme(qpv, refs, "B", None, t["insee_provenance"]).set_index("code")
        assert avec.at["tx_tot_empl", f"origine:{cq.NIVEAU_AGGLO}"] == "reçu (approximatif)"
        assert theme_b.at["tx_tot_empl", f"origine:{cq.NIVEAU_AGGLO}"] == "reçu"
        # le quartier de veille : pas un QPV, pas de rang
        veille = cq.fiche_identite(qpv, t["insee_qpv_communes"], "V")
        assert (veille["est_qpv"], veille["communes"], veille["couvert_insee"]) == (False, ["VilleA"], True)
        assert pd.isna(cq.fiche_par_theme(qpv, refs, "V").set_index("code").at["tx_tot_empl", "rang"])
    assert cq._rangs_territoire.memoire and cq._niveaux_indicateurs.memoire  # passés par la mémoire


def _comparer(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _comparer(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _comparer(x, y)
    else:
        assert a == b or (a != a and b != b)


def _fiche(t: dict, code_qp: str) -> dict:
    """Les calculs d'une fiche quartier (comme ``notebooks/fiche_quartier.ipynb``) sur les tables ``t``."""
    refs = cq.references_comparaison(t["insee_references"], t.get("insee_niveaux"))
    qpv, communes = t["insee_qpv"], t["insee_qpv_communes"]
    ident = cq.fiche_identite(qpv, communes, code_qp)
    provenance, manquantes = nf.au_quartier(t["insee_provenance"], t["insee_valeurs_manquantes"], code_qp)
    e = (qpv, refs, code_qp, provenance, manquantes)
    return {
        "identite": ident,
        "reconstruit": cq.a_des_valeurs_reconstruites(t["insee_provenance"]),
        "provenance": provenance,
        "indicateurs": cq.fiche_indicateurs(*e),
        "effectifs": cq.fiche_effectifs(*e),
        "themes": cq.fiche_par_theme(qpv, refs, code_qp, t.get("insee_niveaux"), provenance, manquantes),
        "actions": pf.section_actions(t["programmation"], t["programmation_communes"], communes, ident, 2019),
        "besoins": nb.section_fiche(t["programmation"], t["programmation_communes"], qpv, communes, code_qp, 2019),
    }


def test_fiches_2019_identiques_avec_et_sans_memoire(traitees_memoire, tmp_path):
    noms = (
        "insee_qpv",
        "insee_qpv_communes",
        "insee_references",
        "insee_provenance",
        "insee_valeurs_manquantes",
        "programmation",
        "programmation_communes",
    )
    cat = Catalogue.pour(2019, tmp_path, processed_dir=tmp_path / "p")
    ecrire_tables({n: traitees_memoire[n] for n in noms}, cat.processed_dir)
    codes = list(traitees_memoire["insee_qpv"]["code_qp"])
    memo.oublier()
    for code_qp in (codes[0], codes[1], codes[0]):
        t = lire_traitees(cat, *noms)
        assert all(memo.memorisable(df) for df in t.values())
        par_memoire = _fiche(t, code_qp)
        sans = {n: df.copy() for n, df in t.items()}  # copies non marquées : aucun calcul gardé
        assert not any(memo.memorisable(df) for df in sans.values())
        _comparer(par_memoire, _fiche(sans, code_qp))
    assert cq.quartiers.memoire and cq._rangs_territoire.memoire  # le chemin de la mémoire a bien servi
