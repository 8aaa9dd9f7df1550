"""Phrases de la fiche quartier (``narration.fiche``) et vues de ses tableaux (``present_qpv``), sur de petites tables
construites ici : singulier et pluriel des actions, une ou plusieurs communes, aucune action, actions
intercommunales, quartier non couvert par l'INSEE, code local ou INSEE, nom non publié, valeurs reconstruites ou non,
niveau de comparaison absent."""

import math

import pandas as pd
import pytest

from politique_ville.compute import qpv as cq
from politique_ville.narration import fiche as nf
from politique_ville.present import fiche as pf
from politique_ville.reference.designation import designation

NB = "\u00a0"
FINE = "\u202f"


def identite(code="LOC-QP01", nom_publie=True, couvert=True, communes=("Auchel",), pop=2874.0):
    return {
        "code_qp": code,
        "quartier": "Alpha <b>" if nom_publie else f"Quartier sans nom publié ({code})",
        "type_quartier": "QPV",
        "type_libelle": "Quartier prioritaire (QPV)",
        "communes": list(communes),
        "annee_reconnaissance": 2014,
        "pop_mun": pop if couvert else math.nan,
        "est_qpv": couvert,
        "couvert_insee": couvert,
        "nom_publie": nom_publie,
    }


def actions(montants: list[tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id_action": [f"A{k}" for k in range(len(montants))],
            "credits_specifiques": [m[0] for m in montants],
            "cget": [m[1] for m in montants],
        }
    )


# --------------------------------------------------------------------------------------------- en-tête et identité


def test_entete_echappe_et_liens():
    texte = nf.entete(identite(communes=("Auchel", "Burbure")), 2019)
    assert '<a href="../10_geographie_prioritaire.html">← Géographie prioritaire' in texte
    assert '<a href="../index.html">Sommaire du rapport 2019</a>' in texte
    # le nom est dans le titre de la page et le tableau d'identité, pas redit en tête de fiche
    assert "<h2>" not in texte and "Alpha" not in texte and "<b>" not in texte.replace("<strong>", "")
    assert "<strong>Quartier prioritaire (QPV)</strong> — Auchel, Burbure</p>" in texte


@pytest.mark.parametrize(
    "ident, reconstruit, attendu",
    [
        (identite(), True, "Code local (pas un code INSEE). Population reconstruite (data/raw/README.md)."),
        (identite(), False, "Code local (pas un code INSEE)."),
        (identite(code="QP062001"), False, "Code INSEE du quartier."),
        (
            identite(nom_publie=False),
            True,
            "Code local (pas un code INSEE). Le rapport ne publie pas le nom de ce quartier. "
            "Population reconstruite (data/raw/README.md).",
        ),
        (
            identite(code="LOC-QC01", couvert=False),
            True,
            "Code local (pas un code INSEE). n.d. : non disponible, l'INSEE ne couvre pas ce quartier.",
        ),
    ],
)
def test_note_d_identite(ident, reconstruit, attendu):
    assert nf.note_identite(ident, reconstruit) == attendu


def test_vue_identite_population_ou_non_disponible():
    vue = pf.vue_identite(identite())
    assert vue["titre"] == "Identité du quartier"
    assert vue["formats"]["Population (habitants)"](vue["df"].loc[0, "Population (habitants)"]) == f"2{FINE}874"
    vue = pf.vue_identite(identite(couvert=False))
    assert vue["df"].loc[0, "Population (habitants)"] == cq.NON_DISPONIBLE
    assert vue["formats"]["Année de reconnaissance"](pd.NA) == "non précisée"
    assert vue["formats"]["Année de reconnaissance"](2015) == "2015"


# --------------------------------------------------------------------------------------------- indicateurs


def test_notes_des_indicateurs_et_des_effectifs():
    assert nf.note_indicateurs(True).endswith(
        " Valeurs du quartier reconstruites, sauf mention « publié » "
        "(data/raw/README.md) ; rang calculé sur des valeurs reconstruites : le "
        "rapport ne classe pas les quartiers."
    )
    assert "« secret » : secret statistique (non classé)" in nf.note_indicateurs(True)
    simule = nf.note_indicateurs(True, simules=1)
    assert "secret statistique simulé pour éprouver la règle" in simule and "ce n'est pas l'INSEE" in simule
    assert "« secret » : secret statistique (non classé)" not in simule
    assert "reconstruites" not in nf.note_indicateurs(False)
    assert nf.note_figure(True).startswith("Valeurs du quartier reconstruites") and nf.note_figure(False) == ""
    assert nf.note_effectifs(True, False) == "Effectifs par quartier reconstruits (data/raw/README.md)."
    assert nf.note_effectifs(False, True) is None and nf.note_effectifs(False, False) is None
    assert nf.sans_comparaison(2031) == (
        "**Aucun niveau de comparaison** : aucune valeur de l'agglomération ni des QPV du département n'a été reçue "
        "ou calculée pour 2031. Le quartier est comparé aux autres QPV (rang, niveau des QPV du territoire)."
    )
    assert "de la métropole" in nf.sans_comparaison(2031, designation("epci", "METRO"))
    # sans rapport publié, la note ne parle pas de « non publié »
    assert "non publié" not in nf.note_indicateurs(False, publie=False) and "« non publié »" in nf.note_indicateurs(
        True
    )
    assert nf.source(2019, True).endswith("valeurs par quartier reconstruites")
    assert nf.source(2031, False) == "INSEE (données par quartier), 2031"
    assert "ne publie pas de données pour ce quartier" in nf.NON_COUVERT


def test_vues_des_indicateurs_et_des_effectifs():
    fiche = pd.DataFrame(
        [
            {
                "code": "pmimp",
                "theme": "Revenus",
                "indicateur": "Ménages imposés",
                "unite": "%",
                "valeur": "secret",
                "rang": pd.NA,
                "nb_classes": 15,
                "qpv_territoire": 24.05,
                "agglomeration": 45.6,
                "qpv_departement": math.nan,
                "provenance": "secret statistique",
            }
        ]
    )
    vue = pf.vue_fiche_indicateurs(fiche)
    f = vue["formats"]
    rang = "Rang parmi les QPV (1 = situation la plus défavorable)"
    assert f["Valeur du quartier"]("secret") == "secret" and f[rang](pd.NA) == "—"
    assert f["QPV du territoire"](24.05) == "24,1" and f["Agglomération"](1476.2) == f"1{FINE}476"
    # un niveau sans aucune valeur n'a pas de colonne ; le territoire est nommé selon sa nature
    assert "QPV du département" not in vue["df"].columns
    assert "Métropole" in pf.vue_fiche_indicateurs(fiche, designation("epci", "METRO"))["df"].columns
    eff = pd.DataFrame(
        [
            {
                "code": "abcde_f",
                "indicateur": "Demandeuses",
                "unite": "personnes",
                "valeur": 180.0,
                "part_qpv": 7.1,
                "part_agglomeration": math.nan,
                "provenance": "reconstruit",
            }
        ]
    )
    f = pf.vue_fiche_effectifs(eff)["formats"]
    assert f["Valeur du quartier"](180.0) == "180" and f["Valeur du quartier"]("secret") == "secret"
    assert (
        f["Part de l'ensemble des QPV (%)"](7.1) == f"7,1{NB}%" and f["Part de l'ensemble des QPV (%)"](math.nan) == "—"
    )
    assert f["Part de l'agglomération (%)"](math.nan) == cq.NON_PUBLIE
    assert f["Part de l'agglomération (%)"](0.594) == f"0,59{NB}%"


# --------------------------------------------------------------------------------------------- actions


def test_une_action_au_singulier_dans_une_commune():
    # 1 action : 1 000 € de crédits spécifiques, 500 € de crédits CGET
    # montants publiés (pas de colonne de provenance) : ni marque ni légende
    assert nf.actions(actions([(1000.0, 500.0)]), ["Auchel"], 2019) == (
        f"**1 action** de la programmation 2019 est située dans la commune du quartier (Auchel), pour 1{FINE}000{NB}€ de "
        f"crédits spécifiques et 500{NB}€ de crédits CGET. Les actions sont "
        f"rattachées à des communes, pas à des quartiers : une action d'une commune qui compte plusieurs quartiers "
        f"figure sur la fiche de chacun d'eux."
    )
    # montants reconstruits : astérisque (échappé pour le Markdown) et légende
    reconstruits = actions([(1000.0, 500.0)]).assign(
        provenance_credits_specifiques="reconstruit", provenance_cget="publié"
    )
    texte = nf.actions(reconstruits, ["Auchel"], 2019)
    assert (
        f"pour 1{FINE}000{NB}€\\* de crédits spécifiques et 500{NB}€ de crédits CGET (sommes de montants par "
        f"action reconstruits)."
    ) in texte
    assert texte.endswith(
        "\n\n\\* valeur reconstruite, non publiée par le rapport (ou calculée à partir de valeurs "
        "reconstruites) : règle dans data/raw/README.md."
    )


def test_plusieurs_actions_au_pluriel_dans_plusieurs_communes():
    # 3 actions : 1 000 + 2 500 + 0 = 3 500 € ; CGET 500 + 250 + 100 = 850 €
    texte = nf.actions(actions([(1000.0, 500.0), (2500.0, 250.0), (0.0, 100.0)]), ["Auchel", "Burbure <x>"], 2019)
    assert texte.startswith(
        f"**3 actions** de la programmation 2019 sont situées dans les communes du quartier (Auchel, "
        f"Burbure &lt;x&gt;), pour 3{FINE}500{NB}€ de crédits spécifiques et 850{NB}€ de crédits CGET"
    )
    assert "action(s)" not in texte


def test_aucune_action_dans_la_commune():
    assert nf.actions(actions([]), ["Divion"], 2019) == (
        "Aucune action de la programmation 2019 n'est située dans la commune du quartier (Divion). Le quartier peut "
        "bénéficier des actions intercommunales ci-dessous."
    )
    assert nf.sans_programmation(2031).startswith("**Aucune action : pas de données de programmation** pour 2031")


@pytest.mark.parametrize(
    "n, attendu",
    [
        (0, ""),
        (
            1,
            "En outre, **1 action de périmètre intercommunal** bénéficie à l'ensemble des quartiers du territoire ou d'une "
            "partie de celui-ci ; elle n'est pas rattachée à ce quartier en particulier.",
        ),
        (
            33,
            "En outre, **33 actions de périmètre intercommunal** bénéficient à l'ensemble des quartiers du territoire ou "
            "d'une partie de celui-ci ; elles ne sont pas rattachées à ce quartier en particulier.",
        ),
    ],
)
def test_actions_intercommunales_accordees(n, attendu):
    assert nf.intercommunales(n) == attendu


def test_vues_des_actions():
    a = pd.DataFrame(
        {
            "id_action": ["A1"],
            "intitule": ["=SOMME()"],
            "thematique": ["T"],
            "porteur": ["P"],
            "communes_quartier": ["Auchel"],
            "credits_specifiques": [1234.0],
            "cget": [math.nan],
            "droit_commun": [0.0],
            "provenance_montants": ["reconstruit"],
        }
    )
    vue = pf.vue_actions(a)
    assert list(vue["df"].columns)[:2] == ["Action", "Intitulé"]
    assert vue["formats"]["Crédits spécifiques (€)"](1234.0) == f"1{FINE}234{NB}€"
    assert vue["formats"]["Crédits CGET (€)"](math.nan) == "—"
    inter = pf.vue_intercommunales(
        pd.DataFrame({"perimetre": ["Intercommunal"], "actions": [33], "credits_specifiques": [1.0], "cget": [2.0]})
    )
    assert list(inter["df"].columns) == ["Périmètre", "Actions", "Crédits spécifiques (€)", "Crédits CGET (€)"]


# --------------------------------------------------------------------------------------------- tous les indicateurs, par thème


def _quartiers():
    """Deux QPV (A : 100 habitants, B : 300) ; niveau reçu : Agglomération (taux d'emploi 60) ; niveau calculé :
    QPV du département (taux d'emploi 55, approximation pondérée ; revenu : médiane 12 000, de 10 000 à 16 000)."""
    from politique_ville.compute import niveaux as cn

    qpv = pd.DataFrame(
        {
            "code_qp": ["A", "B"],
            "nom_qp": ["Alpha", "Bêta"],
            "nom_commune": ["VilleA", "VilleB"],
            "type_quartier": ["QPV", "QPV"],
            "pop_mun": [100.0, 300.0],
            "tx_tot_empl": [50.0, 60.0],
            "decuc_q2": [12000.0, 14000.0],
            "tp60": [math.nan, 30.0],
            "ma_colonne": ["1,5", "2"],
        }
    )
    refs = pd.DataFrame([{"niveau": cq.NIVEAU_AGGLO, "tx_tot_empl": 60.0}])
    base = {
        "libelle_territoire": "QPV du département Hautes-Alpes (05)",
        "regle": "",
        "base": None,
        "nb_qpv": 4,
        "nb_qpv_renseignes": 4,
        "nb_secrets": 0,
        "minimum": math.nan,
        "maximum": math.nan,
    }
    calcules = pd.DataFrame(
        [
            base
            | {
                "niveau": cq.NIVEAU_QPV_DEPARTEMENT,
                "variable": "tx_tot_empl",
                "valeur": 55.0,
                "origine": cn.APPROXIMATION,
            },
            base
            | {
                "niveau": cq.NIVEAU_QPV_DEPARTEMENT,
                "variable": "decuc_q2",
                "valeur": 12000.0,
                "origine": cn.MEDIANE,
                "minimum": 10000.0,
                "maximum": 16000.0,
            },
        ],
        columns=cn.COLONNES,
    )
    niveaux = cn.combiner(calcules, refs)
    manquantes = pd.DataFrame({"code_qp": ["A"], "variable": ["tp60"], "motif": [cq.MOTIF_SECRET]})
    return qpv, cq.references_comparaison(refs, niveaux), niveaux, manquantes


def test_fiche_par_theme_rangs_orientes_et_ecarts():
    qpv, refs, niveaux, manquantes = _quartiers()
    fiche = cq.fiche_par_theme(qpv, refs, "A", niveaux, None, manquantes).set_index("code")
    assert list(fiche.index) == ["pop_mun", "decuc_q2", "tp60", "tx_tot_empl"]  # thèmes du registre, dans l'ordre
    assert list(fiche["theme"]) == ["Démographie", "Revenus et pauvreté", "Revenus et pauvreté", "Emploi"]
    # taux d'emploi : favorable si élevé -> Alpha (50) a le rang 1 ; écarts : 50 − 57,5 ; 50 − 60 ; 50 − 55
    assert (fiche.at["tx_tot_empl", "rang"], fiche.at["tx_tot_empl", "sens"]) == (1, cq.SENS_FAIBLE)
    assert fiche.at["tx_tot_empl", f"ecart:{cq.NIVEAU_QPV_TERRITOIRE}"] == pytest.approx(-7.5)
    assert fiche.at["tx_tot_empl", f"ecart:{cq.NIVEAU_AGGLO}"] == pytest.approx(-10.0)
    assert fiche.at["tx_tot_empl", f"origine:{cq.NIVEAU_QPV_DEPARTEMENT}"] == "approximation pondérée"
    # revenu : rang 1 = le plus faible (Alpha, 1 000 € par mois) ; écart à la médiane des QPV du département : 0
    assert fiche.at["decuc_q2", "rang"] == 1 and fiche.at["decuc_q2", f"ecart:{cq.NIVEAU_QPV_DEPARTEMENT}"] == 0
    # secret : marqué, non classé, pas d'écart ; population : un effectif, rang sans jugement, pas d'écart
    assert fiche.at["tp60", "valeur"] == cq.SECRET and pd.isna(fiche.at["tp60", "rang"])
    assert fiche.at["pop_mun", "rang"] == 2 and math.isnan(fiche.at["pop_mun", f"ecart:{cq.NIVEAU_QPV_TERRITOIRE}"])
    # pour Bêta, le sens s'inverse : 60 > 50, rang 2 en emploi ; taux de pauvreté seul classé : rang 1
    autre = cq.fiche_par_theme(qpv, refs, "B", niveaux, None, manquantes).set_index("code")
    assert autre.at["tx_tot_empl", "rang"] == 2 and autre.at["tp60", "rang"] == 1
    vue = pf.vue_fiche_theme("Emploi", fiche.reset_index()[fiche.reset_index()["theme"] == "Emploi"])
    ligne = vue["df"].iloc[0]
    assert ligne["Rang parmi les QPV (1 = situation la plus défavorable)"] == "1 sur 2 (valeur la plus faible = 1)"
    assert ligne["QPV du territoire (écart du quartier)"] == f"57,5 ; écart −7,5{NB}pts"
    assert ligne["QPV du département (écart du quartier)"] == f"55,0 ; écart −5,0{NB}pts"
    revenus = pf.vue_fiche_theme("R", fiche.reset_index()[fiche.reset_index()["theme"] == "Revenus et pauvreté"])
    assert revenus["df"].iloc[0]["QPV du département (écart du quartier)"] == (
        f"1{FINE}000 (833–1{FINE}333) ; écart 0{NB}€ par mois"
    )  # médiane et étendue, telles quelles
    assert revenus["df"].iloc[1]["Valeur du quartier"] == cq.SECRET
    assert revenus["df"].iloc[1]["QPV du département (écart du quartier)"] == cq.NON_PUBLIE


def test_section_par_theme_de_la_fiche_et_colonnes_inconnues():
    qpv, refs, niveaux, manquantes = _quartiers()
    fiche = cq.fiche_par_theme(qpv, refs, "A", niveaux, None, manquantes)
    blocs = pf.indicateurs_par_theme(fiche, 2033, cq.valeurs_inconnues(qpv, "A"))
    assert blocs[0].startswith("Les 4 indicateurs du fichier de l'INSEE de 2033 connus du registre, en 3 thèmes")
    assert "**rang 1 = situation la plus défavorable**" in blocs[0]
    assert [b for b in blocs if isinstance(b, str) and b.startswith("###")] == [
        "### Démographie",
        "### Revenus et pauvreté",
        "### Emploi",
    ]
    tableaux = [b for b in blocs if isinstance(b, dict)]
    assert [t["titre"] for t in tableaux] == [
        "Démographie : le quartier comparé",
        "Revenus et pauvreté : le quartier comparé",
        "Emploi : le quartier comparé",
    ]
    assert tableaux[2]["note"].startswith(
        "Origine des niveaux — QPV du territoire : approximation pondérée ; "
        "Agglomération : reçu ; QPV du département : approximation pondérée."
    )
    assert blocs[-1] == (
        "**Colonne non reconnue** par le registre des indicateurs (`data/reference/indicateurs_qpv.csv`)"
        " : « ma_colonne » = 1,5. Elle est gardée telle quelle, sans unité, rang ni comparaison."
    )
    assert nf.colonnes_non_reconnues({}) == ""
    deux = nf.colonnes_non_reconnues({"x": 2.0, "y": "n.d."})
    assert (
        "**Colonnes non reconnues**" in deux and "« x » = 2,00 et « y » = n.d." in deux and "Elles sont gardées" in deux
    )
    assert pf.indicateurs_par_theme(fiche.iloc[0:0], 2033) == [
        "Aucun indicateur du registre dans le fichier de l'INSEE de 2033."
    ]


def test_section_des_actions_de_la_fiche():
    ident = identite(communes=("Auchel",))
    qc = pd.DataFrame({"code_qp": ["LOC-QP01"], "commune": ["Auchel"], "rang": [1], "perimetre": [False]})
    assert pf.section_actions(None, None, qc, ident, 2019) == [nf.sans_programmation(2019)]
    prog = pd.DataFrame(
        {
            "id_action": ["A1", "A2"],
            "intitule": ["Atelier", "Réseau"],
            "pilier": ["P1", "P1"],
            "thematique": ["Emploi", "Emploi"],
            "porteur": ["Asso", "Agglo"],
            "communes": ["Auchel", "Intercommunal"],
            "credits_specifiques": [1000.0, 500.0],
            "cget": [400.0, 100.0],
            "droit_commun": [0.0, 0.0],
        }
    )
    pc = pd.DataFrame({"id_action": ["A1", "A2"], "commune": ["Auchel", "Intercommunal"], "perimetre": [False, True]})
    blocs = pf.section_actions(prog, pc, qc, ident, 2019)
    assert [type(b).__name__ for b in blocs] == ["str", "dict", "dict", "str", "dict"]
    assert blocs[0].startswith("**1 action** de la programmation 2019 est située dans la commune du quartier (Auchel)")
    # montants sans colonne de provenance : publiés, rien n'est dit reconstruit
    assert blocs[1]["df"]["Action"].tolist() == ["A1"] and blocs[1]["note"] == "« — » : montant non publié."
    # la note suit la provenance des montants : reconstruits (l'exemple 2019) ou reçus (un export)
    for prov, note in (("reconstruit", nf.NOTE_MONTANTS_ACTIONS), ("reçu", "Montants par action reçus")):
        liste = pd.DataFrame({"provenance_credits_specifiques": [prov], "provenance_cget": [prov]})
        assert nf.note_montants_actions(liste).startswith(note)
    assert blocs[3].startswith("En outre, **1 action de périmètre intercommunal**")
    # aucune action dans la commune : la phrase le dit, pas de tableau des actions
    ailleurs = pd.DataFrame({"code_qp": ["LOC-QP01"], "commune": ["Burbure"], "rang": [1], "perimetre": [False]})
    blocs = pf.section_actions(prog, pc, ailleurs, identite(communes=("Burbure",)), 2019)
    assert blocs[0].startswith("Aucune action de la programmation 2019") and isinstance(blocs[1], str)
