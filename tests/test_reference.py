"""Référentiel administratif officiel (extrait du COG, data/reference/cog) : empreintes, rapprochement des noms,
territoires, paramètre ``territoire`` par code. Valeurs attendues lues dans l'extrait (communes.csv, epci.csv)."""

import csv
import hashlib
import importlib.util
import io
import json
import shutil
import tarfile

import pytest
from conftest import REFERENCE_2019

from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.reference import territoires as ref

CABBALR = "200072460"


@pytest.fixture(scope="module")
def script(racine):
    spec = importlib.util.spec_from_file_location("extraire_cog", racine / "scripts" / "extraire_cog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cog(racine):
    return racine / "data" / "reference" / "cog"


# --------------------------------------------------------------------------------------------- extrait et provenance


def test_extrait_conforme_a_ses_empreintes(cog, script):
    prov = json.loads((cog / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert prov["paquet"] == "@etalab/decoupage-administratif" == script.PAQUET
    assert prov["version"] == script.VERSION and prov["sha256_archive"] == script.SHA256_ARCHIVE
    assert prov["licence"]["package_json"] == "MIT" and "Licence Ouverte" in prov["licence"]["readme"]
    assert prov["population"]["millesime"] == script.MILLESIME_POPULATION
    assert sorted(prov["extraits"]) == sorted(script.EXTRAITS)
    for nom, attendu in prov["extraits"].items():
        octets = (cog / nom).read_bytes()
        assert hashlib.sha256(octets).hexdigest() == attendu["sha256"], nom
        assert octets.count(b"\n") - 1 == attendu["lignes"]
        assert not octets.startswith(b"\xef\xbb\xbf") and b"\r" not in octets


def test_extrait_trie_et_complet(cog):
    lignes = list(csv.DictReader(io.StringIO((cog / "communes.csv").read_text(encoding="utf-8"))))
    ordre = {"COM": 0, "ARM": 1, "COMD": 2, "COMA": 3}
    cles = [(r["code"], ordre[r["type"]], r["nom"], r["rattachement"]) for r in lignes]
    assert cles == sorted(cles)
    actuelles = [r for r in lignes if r["type"] == "COM"]
    assert 34000 < len(actuelles) < 36000  # communes de France au 1er janvier (un peu moins de 35 000)
    codes = {r["code"] for r in actuelles}
    assert all(r["rattachement"] in codes for r in lignes if r["type"] != "COM")  # chaque alias mène à une commune


def test_verifier_sans_npm(cog, script, tmp_path, capsys):
    copie = tmp_path / "cog"
    shutil.copytree(cog, copie)
    assert script.main(["--verifier", "--sans-npm", "--dossier", str(copie)]) == 0
    assert "Extrait conforme" in capsys.readouterr().out
    texte = (copie / "communes.csv").read_text(encoding="utf-8")
    (copie / "communes.csv").write_text(texte.replace(",Béthune,", ",Bethune,", 1), encoding="utf-8")
    assert script.main(["--verifier", "--sans-npm", "--dossier", str(copie)]) == 1
    err = capsys.readouterr().err
    assert "ne correspond pas à sa provenance" in err and "communes.csv : empreinte" in err
    assert "epci.csv" not in err  # seul le fichier modifié est signalé


def _paquet_miniature():
    """Un paquet réduit : 2 communes actuelles dans un EPCI, une commune déléguée, une commune sans EPCI."""
    return {
        "sources": {
            "communes": [
                {
                    "code": "99002",
                    "nom": "Bville",
                    "type": "commune-actuelle",
                    "departement": "99",
                    "region": "98",
                    "population": 200,
                    "anciensCodes": ["99009"],
                },
                {
                    "code": "99001",
                    "nom": "Aville",
                    "type": "commune-actuelle",
                    "departement": "99",
                    "region": "98",
                    "population": 1000,
                },
                {
                    "code": "99009",
                    "nom": "Ancienne",
                    "type": "commune-deleguee",
                    "departement": "99",
                    "region": "98",
                    "chefLieu": "99002",
                },
                {
                    "code": "99003",
                    "nom": "Île-Seule",
                    "type": "commune-actuelle",
                    "departement": "99",
                    "region": "98",
                    "population": 50,
                },
            ],
            "epci": [
                {
                    "code": "200000001",
                    "nom": "CC Test",
                    "type": "CC",
                    "modeFinancement": "FPU",
                    "populationMunicipale": 1190,
                    "membres": [{"code": "99001"}, {"code": "99002"}],
                }
            ],
            "departements": [{"code": "99", "nom": "Testdép", "region": "98", "chefLieu": "99001", "zone": "metro"}],
            "regions": [{"code": "98", "nom": "Testrég", "chefLieu": "99001", "zone": "metro"}],
        }
    }


def test_construire_extraits_octets_stables(script):
    lu = _paquet_miniature()
    extraits = script.construire(lu)
    assert extraits == script.construire(lu)  # mêmes données, mêmes octets
    m = script.MILLESIME_POPULATION
    assert extraits["communes.csv"].decode("utf-8").splitlines() == [
        "code,nom,type,rattachement,departement,region,epci,population,millesime_population,anciens_codes",
        f"99001,Aville,COM,,99,98,200000001,1000,{m},",
        f"99002,Bville,COM,,99,98,200000001,200,{m},99009",
        f"99003,Île-Seule,COM,,99,98,,50,{m},",  # sans EPCI
        "99009,Ancienne,COMD,99002,99,98,,,,",  # ancien nom : rattaché, sans population
    ]
    # population de l'EPCI : somme de ses communes (1000 + 200), chiffre DGCL gardé à part
    assert extraits["epci.csv"].decode("utf-8").splitlines()[1] == f"200000001,CC Test,CC,FPU,2,1200,{m},1190"
    assert extraits["departements.csv"].decode("utf-8").splitlines()[1] == f"99,Testdép,98,99001,metro,3,1250,{m}"


def test_construire_refuse_une_commune_dans_deux_epci(script):
    lu = _paquet_miniature()
    lu["sources"]["epci"].append({"code": "200000002", "nom": "CC Autre", "type": "CC", "membres": [{"code": "99001"}]})
    with pytest.raises(script.Echec, match="99001 appartient à deux EPCI"):
        script.construire(lu)


def test_lire_archive_verifie_nom_version_et_sources(script, tmp_path):
    def archive(version, readme):
        chemin = tmp_path / f"p-{version}.tgz"
        fichiers = {
            "package/package.json": json.dumps({"name": script.PAQUET, "version": version, "license": "MIT"}),
            "package/LICENSE": "MIT License\n\nCopyright (c) Etalab\n",
            "package/README.md": readme,
            **{f"package/data/{s}.json": "[]" for s in script.SOURCES},
        }
        with tarfile.open(chemin, "w:gz") as tar:
            for nom, texte in fichiers.items():
                octets = texte.encode("utf-8")
                info = tarfile.TarInfo(nom)
                info.size = len(octets)
                tar.addfile(info, io.BytesIO(octets))
        return chemin

    readme = "x " + " ".join(script.README_ATTENDU) + "\n## Licence\n\nDonnées : Licence Ouverte\\\nCode : MIT\n"
    lu = script.lire_archive(archive(script.VERSION, readme))
    assert script.licence(lu) == {
        "package_json": "MIT",
        "fichier_LICENSE": "MIT License — Copyright (c) Etalab",
        "readme": "Données : Licence Ouverte Code : MIT",
    }
    with pytest.raises(script.Echec, match="attendu @etalab/decoupage-administratif@"):
        script.lire_archive(archive("0.0.1", readme))
    with pytest.raises(script.Echec, match="revoyez MILLESIME_POPULATION"):
        script.lire_archive(archive(script.VERSION, "## Licence\n"))


# --------------------------------------------------------------------------------------------- noms de communes


@pytest.mark.parametrize(
    "graphie, departement, code",
    [
        ("St-Omer", "62", "62765"),
        ("SAINT OMER", "Pas-de-Calais", "62765"),
        ("Saint-Omer (62)", None, "62765"),
        ("saint omer", "pas de calais", "62765"),
        ("Saint-Omer-Capelle", None, "62766"),  # nom plus long : pas coupé
        ("L'Isle-Adam", None, "95313"),
        ("L’Isle-Adam", None, "95313"),
        ("L ISLE ADAM", None, "95313"),
        ("NOEUX LES MINES", None, "62617"),
        ("Nœux-les-Mines", None, "62617"),
        ("Béthune Cedex", None, "62119"),
        ("BETHUNE CEDEX 2", None, "62119"),
        ("62400 Béthune", None, "62119"),
        ("Touquet-Paris-Plage (Le)", None, "62826"),
        ("Ste-Marie-aux-Mines", None, "68298"),
        ("Saint-Aubin", "62", "62742"),
        ("Château-Chinon (Ville)", None, "58062"),
    ],
)
def test_trouver_commune(graphie, departement, code):
    c = ref.trouver_commune(graphie, departement)
    assert c.code == code and c.alias is None and c.graphie == graphie


@pytest.mark.parametrize(
    "ancien, alias_type, code, nom",
    [
        ("Labuissière", "COMD", "62178", "Bruay-la-Buissière"),  # commune déléguée
        ("Berguette", "COMA", "62473", "Isbergues"),  # commune associée
        ("Marseille 3e Arrondissement", "ARM", "13055", "Marseille"),
    ],
)
def test_ancien_nom_mene_a_la_commune_actuelle(ancien, alias_type, code, nom):
    c = ref.trouver_commune(ancien)
    assert (c.code, c.nom, c.alias, c.type_alias) == (code, nom, ancien, alias_type)


def test_commune_actuelle_preferee_a_un_ancien_nom():
    # « Hesdin » n'est plus une commune actuelle (commune déléguée de Hesdin-la-Forêt) ; « Beuvry » en est une
    assert ref.trouver_commune("Hesdin").nom == "Hesdin-la-Forêt"
    assert ref.trouver_commune("Beuvry").alias is None


def test_homonymes_erreur_avec_les_departements():
    with pytest.raises(ErreurDonnees) as exc:
        ref.trouver_commune("St-Omer")
    texte = str(exc.value)
    assert "« St-Omer » désigne 2 communes" in texte
    assert (
        "Saint-Omer (14, 14635)" in texte and "Saint-Omer (62, 62765)" in texte and "précisez le département" in texte
    )


def test_nom_mal_orthographie_erreur_avec_les_noms_proches():
    with pytest.raises(ErreurDonnees) as exc:
        ref.trouver_commune("Bethun")
    texte = str(exc.value)
    assert "commune introuvable" in texte and "« Bethun »" in texte and "Béthune (62)" in texte
    with pytest.raises(ErreurDonnees, match=r"Bruay-la-Buissière \(62\)"):  # nom tronqué
        ref.trouver_commune("Bruay")


def test_mauvais_departement_dit_ou_est_la_commune():
    with pytest.raises(ErreurDonnees) as exc:
        ref.trouver_commune("Béthune", "59")
    assert "département 59" in str(exc.value) and "Béthune (62, 62119)" in str(exc.value)
    with pytest.raises(ErreurDonnees, match="département inconnu : « Pas-de-Calai »"):
        ref.trouver_commune("Béthune", "Pas-de-Calai")


def test_parmi_les_communes_d_un_territoire():
    t = ref.territoire("epci", CABBALR)
    assert ref.trouver_commune("Labourse", parmi=t.communes).code == "62480"
    with pytest.raises(ErreurDonnees, match="parmi les 100 communes du territoire"):
        ref.trouver_commune("Lens", parmi=t.communes)


@pytest.mark.parametrize(
    "cellule",
    [
        "Béthune, Beuvry",
        "Béthune - Beuvry",
        "Béthune et Beuvry",
        "Béthune-Beuvry",
        "Béthune / Beuvry",
        "BETHUNE ; BEUVRY",
        "Béthune, Beuvry, Béthune",
    ],
)
def test_cellule_de_plusieurs_communes(cellule):
    assert [c.code for c in ref.communes_d_une_cellule(cellule)] == ["62119", "62126"]


def test_cellule_noms_a_tirets_et_a_et():
    assert [c.code for c in ref.communes_d_une_cellule("Bruay-la-Buissière et Divion")] == ["62178", "62270"]
    assert [c.code for c in ref.communes_d_une_cellule("Cauchy-à-la-Tour - Auchel")] == ["62217", "62048"]
    # « -et- » dans un nom officiel : le nom entier d'abord
    assert [c.nom for c in ref.communes_d_une_cellule("Andert-et-Condon, Murs-et-Gélignieux")] == [
        "Andert-et-Condon",
        "Murs-et-Gélignieux",
    ]
    assert [c.code for c in ref.communes_d_une_cellule("Saint-Omer (62) - Saint-Omer-Capelle")] == ["62765", "62766"]
    assert ref.communes_d_une_cellule("") == [] and ref.communes_d_une_cellule(None) == []


def test_cellule_avec_une_commune_inconnue():
    with pytest.raises(ErreurDonnees) as exc:
        ref.communes_d_une_cellule("Béthune, Atlantide")
    assert "« Atlantide »" in str(exc.value) and "noms officiels les plus proches" in str(exc.value)
    with pytest.raises(ErreurDonnees, match="« Bethun »"):
        ref.communes_d_une_cellule("Bethun et Beuvry")


# --------------------------------------------------------------------------------------------- territoires


def test_territoire_epci():
    t = ref.territoire("epci", CABBALR)
    # epci.csv : « 200072460,CA de Béthune-Bruay, Artois-Lys Romane,CA,FPU,100,275028,2023,275736 »
    assert t.nom == "CA de Béthune-Bruay, Artois-Lys Romane"
    assert len(t.communes) == 100 and t.communes == tuple(sorted(t.communes))
    assert t.population == 275028 and t.millesime_population == "2023"
    assert {"62119", "62126", "62178", "62401"} <= set(t.communes) and "62498" not in t.communes  # Lens : non
    assert ref.territoire("EPCI", int(CABBALR)) == t


def test_territoire_departement_region_france():
    d = ref.territoire("departement", "62")
    assert (d.nom, len(d.communes), d.population) == ("Pas-de-Calais", 887, 1457905)  # departements.csv
    assert ref.territoire("département", 62) == d
    assert ref.territoire("departement", "2a").nom == "Corse-du-Sud"
    assert ref.territoire("departement", 1).nom == "Ain"  # 1 (YAML sans guillemets) = « 01 »
    r = ref.territoire("region", "32")
    assert r.nom == "Hauts-de-France" and set(d.communes) < set(r.communes)
    f = ref.territoire("france")
    assert f.code == "" and set(r.communes) < set(f.communes)
    assert "97611" in f.communes and "98735" not in f.communes  # Mayotte oui ; Polynésie (COM) non
    assert f.millesime_population == "2023 (Mayotte : 2017)"


def test_territoire_inconnu():
    with pytest.raises(ErreurDonnees) as exc:
        ref.territoire("epci", "200072461")
    assert "SIREN d'EPCI inconnu" in str(exc.value) and "200072460 (CA de Béthune-Bruay" in str(exc.value)
    with pytest.raises(ErreurDonnees, match=r"les plus proches : 62 \(Pas-de-Calais\)"):
        ref.territoire("departement", "Pas de Calais")
    with pytest.raises(ErreurDonnees, match="code de région inconnu.*« 99 »"):
        ref.territoire("region", "99")
    with pytest.raises(
        ErreurDonnees,
        match="niveau de territoire inconnu : « commune » ; niveaux permis : epci, departement, region, france",
    ):
        ref.territoire("commune", "62119")


def test_population_publiee_et_cog():
    p = ref.population_publiee_et_cog("epci", CABBALR, 279236)
    assert (p["population_publiee"], p["population_cog"], p["millesime_cog"]) == (279236, 275028, "2023")
    assert p["ecart"] == -4208 and p["ecart_relatif"] == pytest.approx(-4208 / 279236)
    assert p["population_municipale_dgcl"] == 275736 and p["nb_communes"] == 100
    assert ref.population_publiee_et_cog("departement", "62", None)["ecart"] is None


def test_tables():
    assert len(ref.communes()) == len(ref.communes(alias=True)[lambda d: d["type"] == "COM"])
    assert ref.communes()["population"].dtype == "Int64"
    e = ref.epci()
    assert e.loc[e["siren"] == CABBALR, "nb_communes"].iloc[0] == 100
    ref.epci().drop(columns="nom")  # une copie : le cache n'est pas touché
    assert "nom" in ref.epci() and len(ref.regions()) == 26 and len(ref.departements()) == 109
    assert ref.provenance()["version"]


# --------------------------------------------------------------------------------------------- 2019 et paramètres


def test_communes_2019_ont_leur_code_officiel(racine):
    lignes = list(csv.DictReader(io.StringIO((racine / REFERENCE_2019 / "communes.csv").read_text("utf-8"))))
    t = ref.territoire("epci", CABBALR)
    assert len(lignes) == 17 and all(r["code_insee"] for r in lignes)
    for r in lignes:  # chaque code est celui du référentiel pour ce nom, dans l'agglomération
        assert ref.trouver_commune(r["nom_officiel"], parmi=t.communes).code == r["code_insee"], r["nom_officiel"]


def _params(tmp_path, territoire: str):
    (tmp_path / "params").mkdir(exist_ok=True)
    (tmp_path / "params" / "2030.yaml").write_text(f"annee: 2030\n{territoire}\n", encoding="utf-8")
    from politique_ville.reference.parametres import charger_parametres

    return charger_parametres(tmp_path, 2030)


def test_parametre_territoire_par_code(tmp_path):
    from politique_ville.reference.parametres import nom_territoire, territoire_du_referentiel

    p = _params(tmp_path, f'territoire: {{niveau: epci, code: "{CABBALR}"}}')
    assert p["territoire"] == {"niveau": "epci", "code": CABBALR, "nom": "CA de Béthune-Bruay, Artois-Lys Romane"}
    assert nom_territoire(p) == "CA de Béthune-Bruay, Artois-Lys Romane"
    assert len(territoire_du_referentiel(p).communes) == 100
    p = _params(tmp_path, f"territoire:\n  niveau: epci\n  code: {CABBALR}\n  nom: Mon agglomération")
    assert p["territoire"] == {"niveau": "epci", "code": CABBALR, "nom": "Mon agglomération"}
    assert nom_territoire(p) == "Mon agglomération"
    assert _params(tmp_path, "territoire: {niveau: departement, code: 01}")["territoire"]["nom"] == "Ain"
    assert _params(tmp_path, "territoire: {niveau: france}")["territoire"]["code"] == ""
    p = _params(tmp_path, "territoire: Ma ville")  # un nom : comme avant
    assert p["territoire"] == "Ma ville" and nom_territoire(p) == "Ma ville" and territoire_du_referentiel(p) is None


def test_parametres_2019_designent_le_territoire_par_son_code(racine):
    from politique_ville.reference.parametres import charger_parametres, nom_territoire, territoire_du_referentiel

    p = charger_parametres(racine, 2019)
    t = territoire_du_referentiel(p)
    assert (t.niveau, t.code, len(t.communes)) == ("epci", CABBALR, 100)
    assert nom_territoire(p) == "Communauté d'Agglomération de Béthune-Bruay, Artois-Lys Romane"  # le nom donné


@pytest.mark.parametrize(
    "yaml_territoire, attendu",
    [
        (
            'territoire: {niveau: epci, code: "200072461"}',
            "SIREN d'EPCI inconnu dans le Code officiel géographique : « 200072461 » ; les plus proches : 200072460",
        ),
        ('territoire: {niveau: commune, code: "62119"}', "niveau de territoire inconnu : « commune »"),
        ('territoire: {code: "62"}', "« niveau » absent"),
        ("territoire: {niveau: departement}", "« code » absent"),
        ('territoire: {niveau: region, code: "32", nome: X}', "clé inconnue « nome » (vouliez-vous dire « nom » ?)"),
        ('territoire: {niveau: region, code: "32", nom: ""}', "nom attendu en texte non vide"),
        ("territoire: [epci, 200072460]", "paramètre « territoire » : nom du territoire"),
    ],
)
def test_parametre_territoire_invalide(tmp_path, yaml_territoire, attendu):
    with pytest.raises(EchecExecution) as exc:
        _params(tmp_path, yaml_territoire)
    assert attendu in str(exc.value) and "2030.yaml" in str(exc.value)
