"""Un lot de territoires (issue 22), parties rapides : le paramètre ``territoires`` (lecture, erreurs en français,
ensemble des EPCI d'après le Code officiel géographique), les EPCI qui ont au moins un quartier dans un fichier de
l'INSEE (petites tables), l'erreur d'un ensemble sans quartier, le nom de dossier d'un territoire, la liste groupée
de l'index du lot. Codes réels de l'extrait du COG (data/reference/cog)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import EchecExecution
from politique_ville.clean.nettoyage import epci_des_quartiers
from politique_ville.reference import territoires as ref
from politique_ville.reference.parametres import charger_parametres, ensemble_de_territoires
from politique_ville.report.fiches import fiches_groupees_html
from politique_ville.runner.lot import (
    TerritoireDuLot,
    ecrire_index_du_lot,
    nom_court,
    parametres_du_territoire,
    territoires_avec_quartiers,
)

TOULOUSE_METROPOLE = "243100518"
GRAND_AUCH = "200066926"  # CA Grand Auch Cœur de Gascogne (Gers, 32)
PLAINE_COMMUNE = "200054781"  # Saint-Denis (93)
CINOR = "249740119"  # Saint-Denis (La Réunion)
METROPOLE_LYON = "200046977"


def _params(tmp_path, texte: str) -> dict:
    (tmp_path / "params").mkdir(exist_ok=True)
    (tmp_path / "params" / "2024.yaml").write_text("annee: 2024\n" + texte, encoding="utf-8")
    return charger_parametres(tmp_path, 2024)


# ------------------------------------------------------------------------------------------- paramètres


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ('territoires: {niveau: epci, dans: {region: "76"}}', {"niveau": "epci", "dans": {"region": "76"}}),
        ('territoires: {niveau: epci, dans: {departement: "31"}}', {"niveau": "epci", "dans": {"departement": "31"}}),
        ("territoires: {niveau: epci, dans: france}", {"niveau": "epci", "dans": "france"}),
        (
            'territoires: {niveau: epci, codes: ["243100518", 200066926, "243100518"]}',
            {"niveau": "epci", "codes": [TOULOUSE_METROPOLE, GRAND_AUCH]},
        ),
        # un département désigné par son nom, une région écrite sans zéro initial
        (
            "territoires: {niveau: epci, dans: {departement: Haute-Garonne}}",
            {"niveau": "epci", "dans": {"departement": "31"}},
        ),
        ("territoires: {niveau: epci, dans: {region: 1}}", {"niveau": "epci", "dans": {"region": "01"}}),
    ],
)
def test_territoires_lus_et_normalises(tmp_path, texte, attendu):
    params = _params(tmp_path, texte)
    assert params["territoires"] == attendu
    assert "territoire" not in params


@pytest.mark.parametrize(
    ("texte", "morceaux"),
    [
        # clé mal orthographiée : la plus proche est proposée
        ('territoires: {niveau: epci, dnas: {region: "76"}}', ["clé inconnue « dnas »", "vouliez-vous dire « dans »"]),
        ('territoires: {niveau: epci, dans: {regoin: "76"}}', ["clé inconnue « regoin »", "« region »"]),
        ('territoirs: {niveau: epci, dans: {region: "76"}}', ["paramètre inconnu « territoirs »", "« territoires »"]),
        # une région qui n'existe pas : l'erreur liste celles qui existent
        (
            'territoires: {niveau: epci, dans: {region: "99"}}',
            ["code de région inconnu", "76 (Occitanie)", "11 (Île-de-France)"],
        ),
        (
            'territoires: {niveau: epci, dans: {departement: "96"}}',
            ["département", "31 (Haute-Garonne)", "2A (Corse-du-Sud)"],
        ),
        (
            'territoires: {niveau: epci, codes: ["243100519"]}',
            ["SIREN d'EPCI inconnu", "243100518 (Toulouse Métropole)"],
        ),
        ("territoires: {niveau: region, dans: france}", ["niveau « region » non permis", "epci"]),
        ("territoires: {niveau: epci}", ["soit « dans »", "soit « codes »"]),
        ('territoires: {niveau: epci, dans: france, codes: ["243100518"]}', ["pas les deux"]),
        ("territoires: {niveau: epci, codes: []}", ["liste non vide de SIREN"]),
        (
            'territoire: {niveau: epci, code: "243100518"}\nterritoires: {niveau: epci, dans: france}',
            ["« territoire » et « territoires » sont donnés ensemble"],
        ),
    ],
)
def test_territoires_erreurs_en_francais(tmp_path, texte, morceaux):
    with pytest.raises(EchecExecution) as exc:
        _params(tmp_path, texte)
    for m in morceaux:
        assert m in str(exc.value)


def test_ni_territoire_ni_territoires(tmp_path):
    with pytest.raises(EchecExecution, match="« territoire ».*ou « territoires »"):
        _params(tmp_path, "fiches_quartier: toutes\n")


def test_territoire_seul_inchange(tmp_path):
    params = _params(tmp_path, 'territoire: {niveau: epci, code: "243100518"}')
    assert params["territoire"] == {"niveau": "epci", "code": TOULOUSE_METROPOLE, "nom": "Toulouse Métropole"}


def test_ensemble_des_epci_d_un_departement_d_une_region_de_la_france():
    communes = ref.communes()
    dep31 = [t.code for t in ensemble_de_territoires({"niveau": "epci", "dans": {"departement": "31"}})]
    assert TOULOUSE_METROPOLE in dep31 and GRAND_AUCH not in dep31
    # chaque EPCI retenu a au moins une commune en Haute-Garonne, et chaque EPCI d'une commune du 31 est retenu
    assert set(dep31) == set(communes.loc[communes["departement"] == "31", "epci"].dropna())
    reg76 = [t.code for t in ensemble_de_territoires({"niveau": "epci", "dans": {"region": "76"}})]
    assert set(dep31) < set(reg76) and GRAND_AUCH in reg76
    france = ensemble_de_territoires({"niveau": "epci", "dans": "france"})
    assert len(france) == len(ref.epci()) and {t.niveau for t in france} == {"epci"}
    codes = ensemble_de_territoires({"niveau": "epci", "codes": [GRAND_AUCH, TOULOUSE_METROPOLE]})
    assert [t.code for t in codes] == [GRAND_AUCH, TOULOUSE_METROPOLE]  # l'ordre donné
    assert codes[1].nom == "Toulouse Métropole" and "31555" in codes[1].communes


def test_parametres_d_un_territoire_du_lot():
    t = ref.territoire("epci", TOULOUSE_METROPOLE)
    p = parametres_du_territoire(
        {"annee": 2024, "territoires": {"niveau": "epci", "dans": "france"}, "fiches_quartier": 3}, t
    )
    # ceux d'un territoire désigné par son code (charger_parametres), plus les autres paramètres du fichier
    assert p == {
        "annee": 2024,
        "fiches_quartier": 3,
        "territoire": {"niveau": "epci", "code": TOULOUSE_METROPOLE, "nom": "Toulouse Métropole"},
    }


def test_nom_court():
    assert nom_court("Toulouse Métropole") == "toulouse-metropole"
    assert nom_court("CA Grand Auch Coeur de Gascogne") == "ca-grand-auch-coeur-de-gascogne"
    assert nom_court("CC de l'Île d'Oléron") == "cc-de-l-ile-d-oleron"
    assert len(nom_court("x" * 80)) == 40


# ------------------------------------------------------------------------------------------- EPCI avec des quartiers


def test_epci_des_quartiers_par_le_nom_et_le_departement_du_code():
    brut = pd.DataFrame(
        {
            "CODE_QP": ["QN093001F", "QN031001F", "QN031002F", "QN974001F"],
            "NOM_QP": ["a", "b", "c", "d"],
            # Saint-Denis du 93 (Plaine Commune), pas celle de La Réunion : le code du quartier départage
            "NOM_COMMUNE": ["Saint-Denis", "Toulouse", "Colomiers, Tournefeuille", "Saint-Denis"],
        }
    )
    voulus = [CINOR, GRAND_AUCH, PLAINE_COMMUNE, TOULOUSE_METROPOLE]
    assert epci_des_quartiers(brut, voulus) == [CINOR, PLAINE_COMMUNE, TOULOUSE_METROPOLE]
    assert epci_des_quartiers(brut.iloc[:1], voulus) == [PLAINE_COMMUNE]
    assert epci_des_quartiers(brut.iloc[1:3], [GRAND_AUCH]) == []


def test_epci_des_quartiers_par_le_code_insee_arrondissement_et_type():
    nettoye = pd.DataFrame(
        {
            "code_qp": ["QN069001F", "QN032001F", "QN031001F"],
            # un arrondissement : l'EPCI de sa commune ; une cellule de deux codes
            "code_commune": ["69381", "32013", "31555 31149"],
            "nom_commune": ["Lyon", "Auch", "Toulouse"],
            "type_quartier": ["QPV", "quartier de veille", "QPV"],
        }
    )
    voulus = [METROPOLE_LYON, GRAND_AUCH, TOULOUSE_METROPOLE]
    # Auch n'a qu'un quartier de veille : pas de quartier prioritaire
    assert epci_des_quartiers(nettoye, voulus) == [METROPOLE_LYON, TOULOUSE_METROPOLE]
    assert epci_des_quartiers(nettoye.drop(columns="type_quartier"), voulus) == voulus


def test_ensemble_sans_quartier_erreur_qui_liste_ce_qui_existe(tmp_path):
    brut = tmp_path / "raw" / "2024"
    brut.mkdir(parents=True)
    pd.DataFrame(
        {"CODE_QP": ["QN031001F", "QN032001F"], "NOM_QP": ["a", "b"], "NOM_COMMUNE": ["Toulouse", "Auch"]}
    ).to_csv(brut / "insee_qpv.csv", index=False, sep=";")
    cat = Catalogue.pour(2024, tmp_path, raw_dir=brut)
    # la Haute-Garonne a des quartiers ; le Lot (46), pas dans ce fichier
    assert [
        t.code
        for t in territoires_avec_quartiers(cat, {"territoires": {"niveau": "epci", "dans": {"departement": "31"}}})
    ] == [TOULOUSE_METROPOLE]
    with pytest.raises(EchecExecution) as exc:
        territoires_avec_quartiers(cat, {"territoires": {"niveau": "epci", "dans": {"departement": "46"}}})
    message = str(exc.value)
    assert "aucun des" in message and "département Lot (46)" in message and "n'a de quartier prioritaire" in message
    assert f"{TOULOUSE_METROPOLE} Toulouse Métropole — Haute-Garonne (31)" in message
    assert f"{GRAND_AUCH} CA Grand Auch Coeur de Gascogne — Gers (32)" in message


# ------------------------------------------------------------------------------------------- index du lot


def test_liste_groupee_des_territoires():
    page = fiches_groupees_html(
        [
            {
                "lien": "a/index.html",
                "titre": "Toulouse Métropole",
                "detail": "13 QPV",
                "region": "Occitanie",
                "departement": "Haute-Garonne (31)",
            },
            {
                "lien": "b/index.html",
                "titre": "CA Grand Auch",
                "detail": "1 QPV",
                "region": "Occitanie",
                "departement": "Gers (32)",
            },
        ],
        unite=("territoire", "territoires"),
        par_commune=False,
    )
    assert "Rechercher un territoire" in page and "2 territoires, par région, département." in page
    assert 'Haute-Garonne (31) <span class="nb">(1 territoire)</span>' in page
    assert 'class="commune' not in page and 'data-aucun="aucun territoire ne correspond"' in page
    # la liste des fiches, elle, n'a pas changé
    fiches = fiches_groupees_html(
        [{"lien": "q.html", "titre": "Q", "region": "Occitanie", "departement": "Gers (32)", "commune": "Auch"}]
    )
    assert "Rechercher une fiche (quartier, commune, département, région)" in fiches
    assert "1 fiche, par région, département et commune." in fiches and "data-un" not in fiches


@pytest.mark.parametrize(
    "dans, attendu",
    [
        ({"region": "76"}, "Région Occitanie (76) : 1 territoire (EPCI)"),
        ({"departement": "31"}, "Département Haute-Garonne (31) : 1 territoire (EPCI)"),
        ("france", "Toute la France : 1 territoire (EPCI)"),
    ],
)
def test_sous_titre_de_l_index_garde_les_noms_propres(tmp_path, dans, attendu):
    """Le sous-titre de l'index du lot nomme l'ensemble avec ses majuscules (« Région occitanie » avant)."""
    toulouse = TerritoireDuLot(
        TOULOUSE_METROPOLE,
        "Toulouse Métropole",
        "243100518-toulouse-metropole",
        "Occitanie",
        "Haute-Garonne (31)",
        statut="publié",
    )
    ecrire_index_du_lot(
        tmp_path, tmp_path / "tables", 2031, {"niveau": "epci", "dans": dans}, [toulouse], dt.datetime(2031, 1, 2)
    )
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'<p class="sous-titre">{attendu} qui ont au moins un quartier prioritaire' in page
