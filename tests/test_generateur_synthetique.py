"""Générateur d'années synthétiques du benchmark (``scripts/generer_territoire_synthetique.py``) : données fictives,
étiquetées comme telles, déterministes, sans identifiant qui puisse passer pour officiel, et acceptées telles quelles
par le nettoyage (comme le seraient les exports d'un vrai territoire de cette taille)."""

from __future__ import annotations

import functools
import importlib.util
import re

import pandas as pd
import pytest
from conftest import RACINE, empreintes

from politique_ville.base.catalog import Catalogue, lire_table
from politique_ville.clean.nettoyage import Referentiels, nettoyer_financements, nettoyer_insee
from politique_ville.reference.schemas import MOTIF_CODE_QP

FACTEUR = 1 / 16  # 100 QPV, 1 875 actions


def _generateur():
    spec = importlib.util.spec_from_file_location(
        "generer_territoire_synthetique", RACINE / "scripts" / "generer_territoire_synthetique.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthese(tmp_path_factory):
    gen = _generateur()
    a, b = tmp_path_factory.mktemp("synth_a"), tmp_path_factory.mktemp("synth_b")
    assert gen.main(["--facteur", str(FACTEUR), "--out", str(a)]) == 0
    assert gen.main(["--facteur", str(FACTEUR), "--out", str(b)]) == 0
    return {"dossier": a, "autre": b, "annee": 2099}


def test_deterministe_a_l_octet_pres(synthese):
    # les paramètres contiennent le chemin absolu des référentiels : seul fichier qui diffère d'un dossier à l'autre
    a, b = empreintes(synthese["dossier"]), empreintes(synthese["autre"])
    assert set(a) == set(b) and len(a) > 15
    assert {f for f in a if a[f] != b[f]} == {"params/2099.yaml"}


def test_codes_de_quartier_locaux_jamais_pris_pour_des_codes_insee(synthese):
    qpv = lire_table(synthese["dossier"] / "raw" / "2099" / "insee_qpv.csv")
    assert len(qpv) >= 100 and qpv["code_qp"].is_unique
    assert all(re.fullmatch(MOTIF_CODE_QP, c) and c.startswith(("LOC-QP", "LOC-QC")) for c in qpv["code_qp"])
    assert qpv["code_qp"].iloc[0] == "LOC-QP0001"


def test_etiquete_synthetique_partout(synthese):
    d = synthese["dossier"]
    params = (d / "params" / "2099.yaml").read_text(encoding="utf-8")
    assert 'territoire: "Territoire synthétique (données fictives' in params
    for readme in (d / "README.md", d / "raw" / "2099" / "README.md", d / "reference" / "README.md"):
        assert "SYNTHÉTIQUES" in readme.read_text(encoding="utf-8") and "fictives" in readme.read_text(encoding="utf-8")
    prog = lire_table(d / "raw" / "2099" / "programmation.csv")
    communes = lire_table(d / "reference" / "communes.csv")
    assert communes["code_insee"].fillna("").eq("").all()  # aucun code INSEE de commune inventé
    assert len(prog) == 1875
    provenance = lire_table(d / "raw" / "2099" / "insee_provenance.csv")
    # chaque valeur par quartier dit qu'elle est fictive (rien de reconstruit ne passe pour publié)
    assert provenance["commentaire"].str.contains("données fictives", regex=False).all()
    assert "publié" not in set(provenance["provenance"])


def test_accepte_tel_quel_par_le_nettoyage(synthese):
    d = synthese["dossier"]
    cat = Catalogue.pour(synthese["annee"], RACINE, raw_dir=d / "raw" / "2099", reference_dir=d / "reference")
    refs = Referentiels.charger(cat)
    bruts = {t: cat.lire_brut(t) for t in cat.tables_brutes()}
    assert set(bruts) >= {"programmation", "insee_qpv", "insee_references", "feuille_de_route"}
    sorties = {**nettoyer_financements(bruts, refs), **nettoyer_insee(bruts, refs)}
    assert len(sorties["programmation"]) == len(bruts["programmation"])
    assert len(sorties["insee_qpv"]) == len(bruts["insee_qpv"])
    # quartiers sur plusieurs communes éclatés, comme pour l'INSEE
    assert len(sorties["insee_qpv_communes"]) > len(sorties["insee_qpv"])
    assert pd.api.types.is_numeric_dtype(sorties["insee_qpv"]["pop_mun"])


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Option ``--insee-national 2015 2024``, deux fois (déterminisme), à petite taille (25 QPV du territoire)."""
    gen = _generateur()
    a, b = tmp_path_factory.mktemp("national_a"), tmp_path_factory.mktemp("national_b")
    for d in (a, b):
        assert gen.main(["--facteur", str(1 / 64), "--out", str(d), "--insee-national", "2015", "2024"]) == 0
    return a, b


def test_fichier_national_fictif_au_format_de_l_insee(national):
    from politique_ville.reference.schemas import geographie_qpv, renommages_colonnes

    a, b = national
    ea, eb = empreintes(a), empreintes(b)
    assert {f for f in ea if ea[f] != eb[f]} == {"params/2099.yaml"}  # classeurs identiques à l'octet près
    assert {f for f in ea if f.startswith("insee_national/")} == {
        "insee_national/README.md",
        "insee_national/insee_qpv_national_fictif_2015.xlsx",
        "insee_national/insee_qpv_national_fictif_2024.xlsx",
    }
    territoire = lire_table(a / "raw" / "2099" / "insee_qpv.csv")
    qpv_territoire = territoire[territoire["type_quartier"] == "QPV"]
    assert len(qpv_territoire) == 25
    for geographie, prefixe in (("2015", "QP"), ("2024", "QN")):
        df = lire_table(a / "insee_national" / f"insee_qpv_national_fictif_{geographie}.xlsx")
        # mise en page de l'INSEE : 2 lignes de titre et une vide, libellés ligne 4, noms de variables ligne 5
        assert "FICHIER FICTIF" in df.attrs["titres"][0] and f"géographie {geographie}" in df.attrs["titres"][0]
        assert df.attrs["source"]["ligne_entete"] == 5 and df["ligne_source"].iloc[0] == 6
        assert df.attrs["libelles"]["TP60"] == "Taux de pauvreté"
        assert [n.split(" :")[0] for n in df.attrs["notes"]] == ["Source", "Champ", "Note"]
        assert len(df.columns) == 44 + 1 and all(c.isupper() for c in df.columns if c != "ligne_source")
        assert set(renommages_colonnes("insee_qpv", df.columns[:3])) == {"CODE_QP", "NOM_QP", "NOM_COMMUNE"}
        # 25 QPV du territoire (« département » 99), 6 autres dans le 99, 12 dans le 96
        assert len(df) == 25 + 6 + 12 and df["CODE_QP"].is_unique
        assert {geographie_qpv(c) for c in df["CODE_QP"]} == {geographie}
        assert all(c.startswith((f"{prefixe}99", f"{prefixe}96")) for c in df["CODE_QP"])
        assert df["CODE_QP"].iloc[0] == ("QP990001" if geographie == "2015" else "QN990001F")
        # mêmes communes et populations que le fichier du territoire, dans le même ordre
        assert df["POP_MUN"].iloc[:25].tolist() == qpv_territoire["pop_mun"].tolist()
        cellules = set(df.drop(columns=["ligne_source"]).to_numpy().ravel())
        assert {"s", "nd", ""} <= cellules
        communes = set(", ".join(df["NOM_COMMUNE"]).split(", "))
        refs = Referentiels(
            communes=pd.DataFrame({"nom_officiel": sorted(communes), "code_insee": "", "variantes": ""}),
            porteurs=pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"]),
            nomenclature=pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"]),
        )
        sorties = nettoyer_insee({"insee_qpv": df}, refs)
        propre = sorties["insee_qpv"]
        assert set(propre["geographie_qpv"]) == {geographie}
        assert pd.api.types.is_float_dtype(propre["tp60"]) and propre["tp60"].isna().any()
        assert set(sorties["insee_valeurs_manquantes"]["motif"]) == {"secret statistique", "non disponible"}


# --------------------------------------------------------------------------------------------- communes réelles

EPCI_BETHUNE = "200072460"  # CA de Béthune-Bruay, Artois-Lys Romane (Pas-de-Calais, région 32)


@pytest.fixture(scope="module")
def communes_reelles(tmp_path_factory):
    """Option ``--insee-communes-reelles`` au facteur 1 (taille nationale : ~1 s par géographie), avec l'extrait de
    la région Hauts-de-France ; une seconde fois (géographie 2015 et son extrait) pour le déterminisme."""
    gen = _generateur()
    a, b = tmp_path_factory.mktemp("reelles_a"), tmp_path_factory.mktemp("reelles_b")
    assert gen.main(["--out", str(a), "--insee-communes-reelles", "2015", "2024", "--region", "32"]) == 0
    assert gen.main(["--out", str(b), "--insee-communes-reelles", "2015", "--region", "32"]) == 0
    fichiers = {
        (geographie, etendue): a / "insee_national" / f"insee_qpv_{etendue}_communes_reelles_{geographie}.xlsx"
        for geographie in ("2015", "2024")
        for etendue in ("france", "region_32")
    }
    return {"a": a, "b": b, "tables": {cle: lire_table(f) for cle, f in fichiers.items()}}


@functools.cache
def _cog_par_nom() -> dict[tuple[str, str], dict]:
    """(nom officiel, département) -> commune actuelle du Code officiel géographique."""
    from politique_ville.reference import territoires

    cog = territoires.communes()
    return {
        (nom, dep): {"code": code, "epci": epci, "region": reg, "population": pop}
        for nom, dep, code, epci, reg, pop in zip(
            cog["nom"], cog["departement"], cog["code"], cog["epci"], cog["region"], cog["population"]
        )
    }


def _communes_des_lignes(df: pd.DataFrame) -> list[list[tuple[str, str]]]:
    """Les (nom, département du code) de chaque quartier du fichier."""
    from politique_ville.clean.nettoyage import departement_du_code_qp

    return [
        [(nom, departement_du_code_qp(code)) for nom in noms.split(", ")]
        for code, noms in zip(df["CODE_QP"], df["NOM_COMMUNE"])
    ]


def test_communes_reelles_deterministe_a_l_octet_pres(communes_reelles):
    a, b = empreintes(communes_reelles["a"]), empreintes(communes_reelles["b"])
    assert set(a) == {
        "insee_national/README_communes_reelles.md",
        *(
            f"insee_national/insee_qpv_{etendue}_communes_reelles_{g}.xlsx"
            for g in ("2015", "2024")
            for etendue in ("france", "region_32")
        ),
    }
    for f in ("insee_qpv_france_communes_reelles_2015.xlsx", "insee_qpv_region_32_communes_reelles_2015.xlsx"):
        assert a[f"insee_national/{f}"] == b[f"insee_national/{f}"], f


@pytest.mark.parametrize("geographie", ["2015", "2024"])
def test_communes_reelles_codes_et_communes_du_cog(communes_reelles, geographie):
    from politique_ville.reference.schemas import geographie_qpv
    from politique_ville.reference.territoires import codes_par_nom

    df = communes_reelles["tables"][(geographie, "france")]
    assert "FICHIER FICTIF" in df.attrs["titres"][0] and f"géographie {geographie}" in df.attrs["titres"][0]
    assert len(df.columns) == 44 + 1 and df.attrs["source"]["ligne_entete"] == 5
    assert {"s", "nd", ""} <= set(df.drop(columns=["ligne_source"]).to_numpy().ravel())
    # codes de la forme que le nettoyage accepte, numérotés dans le vrai département : QP062001, QN062001F
    codes = df["CODE_QP"]
    assert codes.is_unique and list(codes) == sorted(codes)
    assert all(re.fullmatch(MOTIF_CODE_QP, c) and geographie_qpv(c) == geographie for c in codes)
    if geographie == "2015":
        assert all(re.fullmatch(r"QP(\d{3}|02[AB])\d{3}", c) for c in codes)
    else:
        assert all(re.fullmatch(r"QN(\d{3}|02[AB])\d{3}F", c) for c in codes)
    assert {c[2:5] for c in codes} >= {"02A", "02B", "971", "972", "973", "974", "976", "062", "093"}
    # chaque commune : une vraie commune du département du code, que le rapprochement par le nom retrouve
    cog = _cog_par_nom()
    communes = _communes_des_lignes(df)
    for code, liste in zip(codes, communes):
        for nom, dep in liste:
            assert (nom, dep) in cog, (code, nom, dep)
            assert cog[(nom, dep)]["code"] in codes_par_nom(nom, dep), (code, nom)
    # quelques quartiers sur deux communes du même EPCI
    deux = [liste for liste in communes if len(liste) > 1]
    assert 20 <= len(deux) <= 150 and all(len({cog[c]["epci"] for c in liste}) == 1 for liste in deux)
    # POP_COM : population légale des communes ; POP_COM_QP : somme des populations des QPV de ces communes
    pop_qpv: dict[tuple[str, str], int] = {}
    for liste, pop in zip(communes, df["POP_MUN"].astype(int)):
        for c in liste:
            pop_qpv[c] = pop_qpv.get(c, 0) + pop
    for liste, pop_com, pop_com_qp in zip(communes, df["POP_COM"].astype(int), df["POP_COM_QP"].astype(int)):
        assert pop_com == sum(int(cog[c]["population"]) for c in liste)
        assert pop_com_qp <= sum(pop_qpv[c] for c in liste) and pop_com_qp < pop_com
    grandes = df.groupby("NOM_COMMUNE").size()
    assert grandes["Paris"] > grandes["Marseille"] > grandes.median()  # les grandes communes en ont plus


@pytest.mark.parametrize("geographie, qpv", [("2015", 1514), ("2024", 1600)])
def test_communes_reelles_epci_regions_dans_les_cibles(communes_reelles, geographie, qpv):
    df = communes_reelles["tables"][(geographie, "france")]
    cog = _cog_par_nom()
    communes = _communes_des_lignes(df)
    assert len(df) == qpv
    epci = {cog[c]["epci"] for liste in communes for c in liste}
    assert 400 <= len(epci) <= 460  # ~435 EPCI à fiscalité propre ont un QPV (géographie 2015)
    regions = {cog[liste[0]]["region"] for liste in communes}
    assert {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"} <= regions
    assert regions & {"01", "02", "03", "04", "06"}  # et des départements d'outre-mer
    assert len({dep for liste in communes for _, dep in liste}) >= 90


@pytest.mark.parametrize("geographie", ["2015", "2024"])
def test_communes_reelles_extrait_regional(communes_reelles, geographie):
    national = communes_reelles["tables"][(geographie, "france")]
    regional = communes_reelles["tables"][(geographie, "region_32")]
    assert (
        "région Hauts-de-France (32)" in regional.attrs["titres"][0] and "FICHIER FICTIF" in regional.attrs["titres"][0]
    )
    cog = _cog_par_nom()
    dans = [cog[liste[0]]["region"] == "32" for liste in _communes_des_lignes(national)]
    attendu = national[dans].drop(columns=["ligne_source"]).reset_index(drop=True)
    assert len(attendu) >= 50
    pd.testing.assert_frame_equal(regional.drop(columns=["ligne_source"]).reset_index(drop=True), attendu)


def _qpv_de_l_epci(df: pd.DataFrame, siren: str) -> list[str]:
    """Les quartiers du fichier dont une commune (nom et département du code) est de l'EPCI, selon le COG."""
    cog = _cog_par_nom()
    return [
        code
        for code, liste in zip(df["CODE_QP"], _communes_des_lignes(df))
        if any(cog[c]["epci"] == siren for c in liste)
    ]


def _nettoyer_pour_l_epci(df: pd.DataFrame, siren: str):
    from politique_ville.clean.nettoyage import Journal

    params = {"annee": 2099, "territoire": {"niveau": "epci", "code": siren}}
    refs = Referentiels.charger(Catalogue.pour(2099, RACINE), params)
    journal = Journal()
    return nettoyer_insee({"insee_qpv": df}, refs, journal), refs, journal


@pytest.mark.parametrize("geographie, etendue", [("2015", "france"), ("2024", "france"), ("2015", "region_32")])
def test_communes_reelles_nettoyage_choisit_les_qpv_d_un_epci_reel(communes_reelles, geographie, etendue):
    """Le territoire désigné par son code, comme un nouvel utilisateur : le nettoyage garde ses quartiers, et les
    autres servent aux niveaux de comparaison."""
    df = communes_reelles["tables"][(geographie, etendue)]
    attendus = _qpv_de_l_epci(df, EPCI_BETHUNE)
    assert attendus
    tables, refs, journal = _nettoyer_pour_l_epci(df, EPCI_BETHUNE)
    qpv = tables["insee_qpv"]
    assert list(qpv["code_qp"]) == attendus and set(qpv["geographie_qpv"]) == {geographie}
    assert set(tables["insee_qpv_communes"]["code_insee"]) <= set(refs.territoire.communes)
    comparaison = tables["insee_qpv_comparaison"]
    assert len(comparaison) == len(df) and list(comparaison.loc[comparaison["dans_territoire"], "code_qp"]) == attendus
    assert set(comparaison["departement"]) >= {"62", "59"} and comparaison["region"].notna().all()
    regle = [r for r in journal.lignes if r["règle"].startswith("quartiers du territoire")]
    assert len(regle) == 1 and regle[0]["colonne"] == "nom_commune" and not journal.avertissements


def test_communes_reelles_homonyme_d_un_autre_departement_hors_du_territoire(communes_reelles):
    """Un EPCI dont une commune a le nom de la commune d'un QPV d'un autre département : ce QPV n'est pas de l'EPCI
    (au facteur 1, graine 0, géographie 2015 : la CC Le Grésivaudan, dont Revel (38), et un QPV de Revel (31) sur
    deux communes, arrêté par « commune inconnue « Saint-Félix-Lauragais » »)."""
    df = communes_reelles["tables"][("2015", "france")]
    cog = _cog_par_nom()
    communes = _communes_des_lignes(df)
    deps_par_nom: dict[str, set[str]] = {}
    for liste in communes:
        for nom, dep in liste:
            deps_par_nom.setdefault(nom, set()).add(dep)
    avec_qpv = {cog[c]["epci"] for liste in communes for c in liste}
    # un EPCI qui a des QPV et une commune homonyme de la commune d'un QPV d'un autre département
    siren = min(
        info["epci"]
        for (nom, dep), info in cog.items()
        if info["epci"] in avec_qpv and deps_par_nom.get(nom, set()) - {dep}
    )
    tables, _, _ = _nettoyer_pour_l_epci(df, siren)
    assert list(tables["insee_qpv"]["code_qp"]) == _qpv_de_l_epci(df, siren)
