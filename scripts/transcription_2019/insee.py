#!/usr/bin/env python3
"""Transcription 2019, chapitre 1 : géographie prioritaire et situation socio-économique des QPV.

Source : rapport 2019 sur la mise en œuvre de la politique de la ville de la CABBALR, section 1
(« La géographie prioritaire sur la Communauté d'Agglomération » et « Situation socio-économique initiale
des QPV (données Insee 2013 et Fileas-Cnaf 2015) ») et section 2.2 (« 1 jeune sur 6 »).

Le rapport ne publie que des moyennes (QPV, agglomération, QPV du département) et quelques valeurs de quartiers
nommés. Ce script contient :

- la transcription (listes littérales lues dans le rapport : quartiers, communes, chiffres publiés) ;
- la reconstruction des valeurs par quartier (listes littérales choisies à la main, puis VÉRIFIÉES par des
  assertions : moyennes pondérées = moyennes publiées à la précision publiée, quartiers nommés = valeurs publiées
  et extrêmes stricts, sommes et parts publiées respectées) ;
- l'écriture de quatre fichiers : insee_qpv.csv, insee_references.csv, insee_provenance.csv (dans --out) et
  communes.csv (dans --ref-out, si donné).

Aucun hasard : deux exécutions donnent des fichiers identiques à l'octet près.
Codes de quartier : codes LOCAUX « LOC-QP01 ».. / « LOC-QC01 ».. (jamais un code INSEE « QP » + 6 chiffres).

Usage : python scripts/transcription_2019/insee.py --out data/raw/2019 --ref-out data/reference/territoires/cabbalr
"""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path

# =============================================================================================== transcription

#: Les quartiers du Contrat de Ville, dans l'ordre de première mention dans le rapport.
#: (code_qp, nom_qp, nom_commune, type_quartier, annee_reconnaissance)
#: Les graphies sont celles du rapport (« Bruay-La-Buissière » / « Bruay-la-Buissière », « Nœux-les-Mines » /
#: « Noeux-les-Mines », « cités 6 et 30 », « le Haut d’Houdain »...). Nom vide = le rapport ne le donne pas.
QUARTIERS = [
    # section 1 : quartiers cités pour illustrer les écarts entre QPV
    ("LOC-QP01", "Provinces longues trinques", "Auchel, Cauchy-à-la-Tour", "QPV", "2014"),
    (
        "LOC-QP02",
        "Des cités 5, de Marles et du Rond-Point",
        "Marles-les-Mines, Calonne-Ricouart, Auchel",
        "QPV",
        "2014",
    ),
    ("LOC-QP03", "Le Centre", "Bruay-La-Buissière", "QPV", "2014"),
    ("LOC-QP04", "Rimbert", "Auchel, Burbure", "QPV", "2014"),
    # section 2.1 (conseils citoyens) et 2.4.2 (conventions d'abattement de TFPB, réservées aux QPV)
    ("LOC-QP05", "Centre-ville cité 3", "Auchel", "QPV", "2014"),
    ("LOC-QP06", "Regain", "Barlin", "QPV", "2014"),
    ("LOC-QP07", "Renaissance", "Beuvry, Labourse", "QPV", "2014"),
    ("LOC-QP08", "Fosse 7", "Houdain", "QPV", "2014"),
    ("LOC-QP09", "Mont-Liébaut", "Béthune", "QPV", "2014"),
    ("LOC-QP10", "Rue de Lille", "Béthune", "QPV", "2014"),
    ("LOC-QP11", "Centre-Ville", "Lillers", "QPV", "2014"),
    ("LOC-QP12", "cités 6 et 30", "Divion", "QPV", "2014"),
    ("LOC-QP13", "Terre Noeve", "Nœux-les-Mines", "QPV", "2014"),
    ("LOC-QP14", "le Haut d’Houdain", "Houdain", "QPV", "2014"),
    ("LOC-QP15", "Cité des astres", "Divion", "QPV", "2014"),
    # 16e QPV : le rapport annonce 16 QPV mais n'en nomme que 15 ; commune reconstruite
    ("LOC-QP16", "", "Bruay-la-Buissière", "QPV", "2014"),
    # quartiers communautaires (2015) : « situés sur les communes de Divion, Auchy-les-Mines (quartier de veille)
    # et Hersin-Coupigny » ; puis le 5e quartier validé en décembre 2018
    ("LOC-QC01", "", "Divion", "quartier communautaire", "2015"),
    ("LOC-QC02", "", "Auchy-les-Mines", "quartier de veille", "2015"),
    ("LOC-QC03", "Cité Béclet Calvaire", "Hersin-Coupigny", "quartier communautaire", "2015"),
    ("LOC-QC04", "", "Hersin-Coupigny", "quartier communautaire", "2015"),
    ("LOC-QC05", "Cité 10 – Fond de Sains", "Hersin-Coupigny, Noeux-les-Mines", "quartier communautaire", "2018"),
]

COLONNES_QPV = [
    "code_qp",
    "nom_qp",
    "nom_commune",
    "type_quartier",
    "annee_reconnaissance",
    "pop_mun",
    "ind_jeune",
    "pmimp",
    "decuc_q2",
    "tx_tot_empl",
    "abcde",
    "abcde_f",
    "abcde_h",
    "a",
    "part_moins_25",
    "part_menages_1pers",
    "part_retard_3e",
    "part_de_plus_2ans_f",
    "part_de_plus_2ans_h",
    "nb_beneficiaires_rsa",
    "nb_beneficiaires_cmu",
    "nb_etablissements",
    "nb_etablissements_commerce_services",
    "nb_creations_transferts_2013",
    "nb_entrees_contrats_aides_2016",
]
INDICATEURS = COLONNES_QPV[5:]

# ----------------------------------------------------------------------- valeurs publiées (section 1 et 2.2)
PUBLIE = {
    "nb_qpv": 16,
    "nb_communes_qpv": 14,
    "nb_quartiers_communautaires_2015": 4,
    "rang_dernier_quartier": 5,
    "part_pop_qpv": 13,
    "part_moins_25_qpv": 38,
    "part_moins_25_qpv_departement": 41,
    "part_moins_25_provinces": 44.5,
    "part_moins_25_cites_5": 33,
    "ind_jeune_agglo": 1.2,
    "ind_jeune_qpv": 1.6,
    "menages_1pers_qpv": 35,
    "menages_1pers_agglo": 28.3,
    "menages_1pers_le_centre_pres_de": 40,
    "menages_1pers_rimbert": 22,
    "ecoles_maternelles_rep": 16,
    "ecoles_primaires_rep": 16,
    "colleges_rep": 6,
    "retard_3e_qpv": 33,
    "retard_3e_agglo": 18,
    "retard_3e_le_centre": 44,
    "tx_emploi_qpv": 56.4,
    "tx_emploi_agglo": 57.5,
    "part_demandeurs_qpv": 19,
    "demandeurs_hommes_qpv": 3078,
    "demandeurs_femmes_qpv": 2533,
    "dell_f_qpv": 30,
    "dell_h_qpv": 32,
    "dell_hors_qpv_environ": 29,
    "part_contrats_aides_2016_qpv": 21,
    "part_etablissements_qpv": 9,
    "part_commerce_services_qpv_pres_de": 10,
    "part_creations_transferts_qpv": 8,
    "pmimp_qpv": 24,
    "pmimp_agglo": 45.6,
    "revenu_median_mensuel_qpv": 1077,
    "revenu_median_mensuel_agglo": 1476,
    "part_allocataires_caf_qpv": 19,
    "part_rsa_qpv": 28,
    "part_cmu_qpv": 31,
    "jeunes_departement_un_sur": 6,
}

# =============================================================================================== reconstruction
# Valeurs par QPV (LOC-QP01 .. LOC-QP16, même ordre que QUARTIERS). None = cellule vide (secret statistique simulé,
# voir SECRETS).
# Méthode : profil de départ choisi à la main (cohérent entre indicateurs : quartiers familiaux = plus de jeunes,
# moins de personnes seules ; centres-villes = l'inverse), puis décalage uniforme des valeurs non publiées pour
# que la moyenne pondérée atteigne la moyenne publiée, arrondi à 0,1 (à l'euro pour decuc_q2). Les effectifs
# (demandeurs d'emploi, allocataires...) sont proportionnels à la population, modulés par la fragilité du quartier
# (taux d'emploi, part de ménages imposés), répartis au plus fort reste pour retomber sur les totaux publiés.
# Les assertions de verifier_reconstruction() garantissent toutes les contraintes.

POP_MUN = [2874, 3412, 4163, 1647, 2236, 1528, 1985, 1274, 4592, 1861, 2058, 1733, 2641, 1042, 1156, 2097]

PAR_QPV = {
    "pop_mun": POP_MUN,
    # indice de jeunesse ; trois lignes écrites comme le flottant brut d'une division (export calculé)
    "ind_jeune": [
        2.3,
        1.2,
        1.3,
        1.9,
        1.5,
        "1.7000000000000002",
        1.6,
        "1.4000000000000001",
        2.0,
        1.4,
        1.3,
        "1.7000000000000002",
        1.8,
        1.3,
        1.6,
        1.4,
    ],
    "pmimp": [20.0, 25.8, 21.6, 29.1, 24.5, 26.3, 27.4, 26.0, 18.9, 25.1, 27.8, 23.7, 24.3, 29.6, 28.1, 22.8],
    # revenu déclaré médian par UC, en euros PAR AN (le rapport publie des moyennes mensuelles : /12)
    "decuc_q2": [
        11742,
        13368,
        12311,
        14459,
        13052,
        13706,
        14081,
        13497,
        11476,
        12961,
        13958,
        13090,
        13239,
        None,
        14178,
        12583,
    ],
    "tx_tot_empl": [53.3, 58.0, 54.2, 60.4, 55.9, 58.5, 59.2, 57.3, 53.0, 57.0, 58.7, 57.6, 56.2, 59.9, 59.0, 55.5],
    "abcde_f": [210, 225, 301, 103, 157, 101, 129, 87, 348, 129, 137, 119, 188, 68, 78, 153],
    "abcde_h": [264, 281, 374, 128, 193, 124, 157, 106, 420, 155, 164, 141, 222, 80, 91, 178],
    "a": [575, 633, 816, 292, 422, 282, 360, 236, 931, 348, 371, 331, 500, 183, 208, 405],
    "part_moins_25": [44.5, 33.0, 35.9, 40.7, 37.3, 39.5, 38.2, 37.0, 40.3, 36.5, 35.2, 38.9, 39.8, 34.7, 38.0, 36.4],
    "part_menages_1pers": [
        30.2,
        37.3,
        39.6,
        22.0,
        37.8,
        33.1,
        34.3,
        35.6,
        35.0,
        38.3,
        38.5,
        32.5,
        33.8,
        36.9,
        32.0,
        36.2,
    ],
    "part_retard_3e": [34.3, 29.6, 44.0, 27.0, 33.1, 29.3, 30.9, 28.4, 35.7, 32.2, 30.0, 31.3, 30.4, None, 26.2, 32.9],
    "part_de_plus_2ans_f": [
        30.9,
        28.1,
        32.3,
        26.6,
        30.5,
        28.8,
        27.5,
        29.9,
        33.1,
        29.4,
        28.3,
        31.2,
        29.0,
        27.1,
        28.5,
        29.8,
    ],
    "part_de_plus_2ans_h": [
        33.1,
        30.2,
        33.7,
        28.8,
        32.3,
        31.0,
        29.9,
        32.5,
        34.8,
        31.2,
        30.4,
        33.4,
        30.7,
        29.4,
        30.6,
        31.8,
    ],
    "nb_beneficiaires_rsa": [264, 280, 371, 126, 188, 124, 158, 104, 430, 155, 162, 148, 223, 79, 90, 182],
    "nb_beneficiaires_cmu": [676, 728, 954, 331, 488, 323, 411, 271, 1099, 402, 424, 383, 578, 208, 237, 471],
    "nb_etablissements": [120, 154, 178, 78, 99, 69, 91, 58, 189, 83, 95, 76, 117, 49, 54, 91],
    "nb_etablissements_commerce_services": [74, 97, 114, 51, 65, 43, 57, 37, 123, 55, 59, 48, 75, 32, 36, 56],
    "nb_creations_transferts_2013": [10, 15, 16, 8, 9, 6, 9, 5, 19, 8, 8, 7, 10, 5, 5, 8],
    "nb_entrees_contrats_aides_2016": [36, 39, 51, 18, 26, 17, 22, 15, 59, 22, 23, 21, 31, 11, 13, 25],
}
PAR_QPV["abcde"] = [f + h for f, h in zip(PAR_QPV["abcde_f"], PAR_QPV["abcde_h"])]

#: Valeurs de quartiers publiées par le rapport (code, variable) -> valeur ; « près de 40% » est approximatif.
VALEURS_QUARTIERS_PUBLIEES = {
    ("LOC-QP01", "part_moins_25"): 44.5,
    ("LOC-QP02", "part_moins_25"): 33.0,
    ("LOC-QP03", "part_retard_3e"): 44.0,
    ("LOC-QP04", "part_menages_1pers"): 22.0,
}
VALEURS_QUARTIERS_APPROXIMATIVES = {
    ("LOC-QP03", "part_menages_1pers"): (
        39.6,
        "le rapport écrit « près de 40% de ménages composés d'une personne "
        "seule » pour le quartier Le Centre à Bruay ; 39.6 retenu, maximum "
        "strict des QPV",
    ),
}
#: Cellules laissées vides pour SIMULER un secret statistique (plus petit QPV, petits effectifs) : le rapport ne
#: publie pas ces valeurs et ne parle d'aucun secret ; la case vide éprouve la règle du pipeline (jamais 0, exclue des
#: moyennes et des rangs). Provenance « simulé » : ce n'est pas l'INSEE qui les a masquées.
SECRETS = {("LOC-QP14", "part_retard_3e"), ("LOC-QP14", "decuc_q2")}

#: Pondération de chaque moyenne « en moyenne à l'échelle des QPV ».
POIDS = {
    "part_moins_25": "pop_mun",
    "ind_jeune": "pop_mun",
    "part_menages_1pers": "pop_mun",
    "part_retard_3e": "pop_mun",
    "tx_tot_empl": "pop_mun",
    "pmimp": "pop_mun",
    "decuc_q2": "pop_mun",
    "part_de_plus_2ans_f": "abcde_f",
    "part_de_plus_2ans_h": "abcde_h",
}

# ----------------------------------------------------------------------- niveaux de comparaison (références)
COLONNES_REF = [
    "niveau",
    "libelle_territoire",
    "pop_mun",
    "pop_moins_25",
    "ind_jeune",
    "pmimp",
    "decuc_q2",
    "tx_tot_empl",
    "abcde",
    "abcde_f",
    "abcde_h",
    "a",
    "part_moins_25",
    "part_menages_1pers",
    "part_retard_3e",
    "part_de_plus_2ans_f",
    "part_de_plus_2ans_h",
    "part_de_plus_2ans",
    "nb_beneficiaires_rsa",
    "nb_beneficiaires_cmu",
    "nb_etablissements",
    "nb_etablissements_commerce_services",
    "nb_creations_transferts_2013",
    "nb_entrees_contrats_aides_2016",
    "nb_communes_qpv",
    "nb_ecoles_maternelles_rep",
    "nb_ecoles_primaires_rep",
    "nb_colleges_rep",
]

#: Totaux d'agglomération reconstruits (effectifs) : choisis pour que les parts publiées tiennent.
#: variable -> (total agglomération, part publiée en %, libellé de la part)
TOTAUX_AGGLO = {
    "pop_mun": (279236, 13, "13% de la population du territoire"),
    "abcde": (29587, 19, "19% des demandeurs d'emplois de l'agglomération"),
    "a": (36214, 19, "19% des allocataires de la CAF"),
    "nb_beneficiaires_rsa": (11046, 28, "28% des bénéficiaires du Rsa"),
    "nb_beneficiaires_cmu": (25811, 31, "31% des bénéficiaires de la CMU"),
    "nb_etablissements": (17846, 9, "9% des établissements"),
    "nb_etablissements_commerce_services": (10571, 10, "près de 10% des établissements du commerce et des services"),
    "nb_creations_transferts_2013": (1862, 8, "8% des créations et transferts d'établissements (réf. 2013)"),
    "nb_entrees_contrats_aides_2016": (2051, 21, "21% des entrées en contrats aidés en 2016"),
}
TOLERANCE_PARTS = {"nb_etablissements_commerce_services": 1}  # « près de 10% »

#: Effectifs de jeunes (moins de 25 ans) pour « 1 jeune sur 6 » (section 2.2, département) : reconstruits.
POP_DEPARTEMENT = 1465205
POP_MOINS_25_DEPARTEMENT = 461052
POP_QPV_DEPARTEMENT = 187420
POP_MOINS_25_QPV_DEPARTEMENT = 76842


#: Lignes de insee_references.csv, cellules écrites comme le rapport les écrit (vide = non publié).
def lignes_references() -> list[dict]:
    agglo = {
        "niveau": "Agglomération",
        "libelle_territoire": "Communauté d'Agglomération (CABBALR)",
        "ind_jeune": "1.2",
        "pmimp": "45.6%",
        "decuc_q2": "1 476 €",
        "tx_tot_empl": "57.5%",
        # « près d'un tiers des habitants ont moins de 25 ans » : valeur approchée reconstruite
        "part_moins_25": "32.6%",
        "part_menages_1pers": "28.3%",
        "part_retard_3e": "18%",
        "nb_communes_qpv": "14",
        "nb_ecoles_maternelles_rep": "16",
        "nb_ecoles_primaires_rep": "16",
        "nb_colleges_rep": "6",
    }
    for var, (total, _part, _lib) in TOTAUX_AGGLO.items():
        agglo[var] = milliers(total)
    moyenne_qpv = {
        "niveau": "Moyenne des QPV de l'agglomération",
        "libelle_territoire": "QPV de la Communauté d'Agglomération",
        "ind_jeune": "1.6",
        "pmimp": "24%",
        "decuc_q2": "1 077€",
        "tx_tot_empl": "56.4%",
        "part_moins_25": "38%",
        "part_menages_1pers": "35%",
        "part_retard_3e": "33%",
        "part_de_plus_2ans_f": "30%",
        "part_de_plus_2ans_h": "32%",
    }
    qpv_dep = {
        "niveau": "QPV du département",
        "libelle_territoire": "QPV du Pas-de-Calais",
        "pop_mun": milliers(POP_QPV_DEPARTEMENT),
        "pop_moins_25": milliers(POP_MOINS_25_QPV_DEPARTEMENT),
        "part_moins_25": "41%",
    }
    departement = {
        "niveau": "Département",
        "libelle_territoire": "Pas-de-Calais",
        "pop_mun": milliers(POP_DEPARTEMENT),
        "pop_moins_25": milliers(POP_MOINS_25_DEPARTEMENT),
    }
    hors_qpv = {
        "niveau": "Hors QPV de l'agglomération",
        "libelle_territoire": "Communauté d'Agglomération hors QPV",
        # « contre environ 29% dans le reste de l'agglomération » (femmes et hommes confondus)
        "part_de_plus_2ans": "29%",
    }
    return [agglo, moyenne_qpv, qpv_dep, hors_qpv, departement]


#: Provenance des cellules de insee_references.csv qui ne sont pas « publié » : (niveau, variable) -> (prov, comm.)
def provenance_references() -> list[tuple[str, str, str, str]]:
    lignes = []
    for var, (total, _part, lib) in TOTAUX_AGGLO.items():
        lignes.append(
            (
                "Agglomération",
                var,
                "reconstruit",
                f"total non publié, choisi pour que la somme des QPV en représente {lib} "
                f"(somme QPV = {somme_qpv(var)}, soit {100 * somme_qpv(var) / total:.2f} %)",
            )
        )
    lignes.append(
        (
            "Agglomération",
            "part_moins_25",
            "approximatif",
            "le rapport écrit « près d'un tiers des habitants ont moins de 25 ans » ; 32.6% retenu",
        )
    )
    lignes.append(
        (
            "Hors QPV de l'agglomération",
            "part_de_plus_2ans",
            "approximatif",
            "le rapport écrit « environ 29% dans le reste de l'agglomération », sans distinguer femmes et hommes",
        )
    )
    lignes.append(
        (
            "QPV du département",
            "pop_mun",
            "reconstruit",
            "population des QPV du Pas-de-Calais non publiée ; cohérente avec 41% de moins de 25 ans",
        )
    )
    lignes.append(
        (
            "QPV du département",
            "pop_moins_25",
            "reconstruit",
            "effectif non publié ; choisi pour que « 1 jeune sur 6 » du département vive en QPV (section 2.2)",
        )
    )
    lignes.append(("Département", "pop_mun", "reconstruit", "population du Pas-de-Calais non publiée par le rapport"))
    lignes.append(
        (
            "Département",
            "pop_moins_25",
            "reconstruit",
            "effectif non publié ; 6 fois celui des QPV du département (« 1 jeune sur 6 »)",
        )
    )
    return lignes


# =============================================================================================== communes

#: Communes du territoire rencontrées dans le rapport : (nom_officiel, variantes, contrat_de_ville, qpv).
#: code_insee : rapproché par le nom de l'extrait officiel du COG (data/reference/cog), voir ``codes_insee``.
COMMUNES = [
    ("Auchel", ["Auchel", "AUCHEL"], "oui", "oui"),
    ("Auchy-les-Mines", ["Auchy-les-Mines"], "oui", "non"),
    ("Barlin", ["Barlin"], "oui", "oui"),
    ("Béthune", ["Béthune", "BETHUNE", "BÉTHUNE"], "oui", "oui"),
    ("Beuvry", ["Beuvry", "BEUVRY"], "oui", "oui"),
    ("Bruay-la-Buissière", ["Bruay-la-Buissière", "Bruay-La-Buissière", "Bruay"], "oui", "oui"),
    ("Burbure", ["Burbure"], "oui", "oui"),
    ("Calonne-Ricouart", ["Calonne-Ricouart", "Calonnne-Ricouart", "Calonne"], "oui", "oui"),
    ("Cauchy-à-la-Tour", ["Cauchy-à-la-Tour", "Cauchy à la Tour", "Cauchy"], "oui", "oui"),
    ("Divion", ["Divion", "DIVION"], "oui", "oui"),
    ("Haisnes", ["Haisnes"], "non", "non"),
    ("Hersin-Coupigny", ["Hersin-Coupigny", "HERSIN-COUPIGNY"], "oui", "non"),
    ("Houdain", ["Houdain"], "oui", "oui"),
    ("Labourse", ["Labourse"], "oui", "oui"),
    ("Lillers", ["Lillers", "Lil lers", "LILLERS"], "oui", "oui"),
    ("Marles-les-Mines", ["Marles-les-Mines", "Marles-les Mines", "Marles"], "oui", "oui"),
    (
        "Nœux-les-Mines",
        [
            "Noeux-les-Mines",
            "Nœux-les-Mines",
            "Nœux-Les-Mines",
            "Noeux-le-Mines",
            "NOEUX-LES-MINES",
            "NOEUX LES MINES",
            "NOEUX LE MINES",
            "Noeux",
        ],
        "oui",
        "oui",
    ),
]


# =============================================================================================== outils


def milliers(n: int) -> str:
    """1234567 -> « 1 234 567 » (espace ordinaire, comme le rapport)."""
    return f"{n:,}".replace(",", " ")


def arrondi(v: float, d: int) -> float:
    """Arrondi à la précision publiée, 0,5 vers le haut (même règle que politique_ville.base.valeurs.arrondi_publie)."""
    f = 10**d
    return math.floor(abs(v) * f + 0.5 + 1e-9) / f * (1 if v >= 0 else -1)


def nombre(v) -> float | None:
    if v is None:
        return None
    return float(v)


def texte_insee(v) -> str:
    """Écriture d'un export CSV INSEE : point décimal, pas de séparateur de milliers, vide si manquant."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    return f"{v:.1f}"


def somme_qpv(var: str) -> int:
    return sum(PAR_QPV[var])


def moyenne_ponderee(var: str) -> float:
    x = [nombre(v) for v in PAR_QPV[var]]
    w = PAR_QPV[POIDS[var]]
    paires = [(a, b) for a, b in zip(x, w) if a is not None]
    return sum(a * b for a, b in paires) / sum(b for _, b in paires)


def valeur_qpv(code: str, var: str):
    return nombre(PAR_QPV[var][int(code[-2:]) - 1])


# =============================================================================================== vérifications


def verifier_reconstruction() -> None:
    p = PUBLIE
    n = len(POP_MUN)
    assert n == p["nb_qpv"] == sum(1 for q in QUARTIERS if q[3] == "QPV")
    assert all(len(v) == n for v in PAR_QPV.values()), "listes de longueurs différentes"
    # codes locaux, jamais un code INSEE (QP + 6 chiffres)
    assert all(q[0].startswith("LOC-") for q in QUARTIERS)
    # 14 communes concernées par les QPV
    communes_qpv = {c for q in QUARTIERS if q[3] == "QPV" for c in q[2].split(", ")}
    officiels = {v: nom for nom, variantes, _cv, _q in COMMUNES for v in variantes}
    assert len({officiels[c] for c in communes_qpv}) == p["nb_communes_qpv"]
    assert {officiels[c] for c in communes_qpv} == {nom for nom, _v, _cv, q in COMMUNES if q == "oui"}
    assert sum(1 for q in QUARTIERS if q[3] != "QPV" and q[4] == "2015") == p["nb_quartiers_communautaires_2015"]
    assert sum(1 for q in QUARTIERS if q[3] != "QPV") == p["rang_dernier_quartier"]

    # valeurs plausibles
    for var, vals in PAR_QPV.items():
        for v in vals:
            if v is None:
                continue
            x = float(v)
            assert x >= 0, (var, v)
            if var.startswith(("part_", "tx_", "pmimp")):
                assert 0 <= x <= 100, (var, v)
    assert all(a == f + h for a, f, h in zip(PAR_QPV["abcde"], PAR_QPV["abcde_f"], PAR_QPV["abcde_h"]))
    assert all(cs <= e for cs, e in zip(PAR_QPV["nb_etablissements_commerce_services"], PAR_QPV["nb_etablissements"]))
    assert all(c <= e for c, e in zip(PAR_QPV["nb_creations_transferts_2013"], PAR_QPV["nb_etablissements"]))
    for code, var in SECRETS:
        assert valeur_qpv(code, var) is None
    assert min(POP_MUN) == POP_MUN[13], "les secrets concernent le plus petit QPV"

    # moyennes pondérées = moyennes publiées, à la précision publiée
    cibles = {
        "part_moins_25": (p["part_moins_25_qpv"], 0),
        "ind_jeune": (p["ind_jeune_qpv"], 1),
        "part_menages_1pers": (p["menages_1pers_qpv"], 0),
        "part_retard_3e": (p["retard_3e_qpv"], 0),
        "tx_tot_empl": (p["tx_emploi_qpv"], 1),
        "pmimp": (p["pmimp_qpv"], 0),
        "part_de_plus_2ans_f": (p["dell_f_qpv"], 0),
        "part_de_plus_2ans_h": (p["dell_h_qpv"], 0),
    }
    for var, (cible, d) in cibles.items():
        assert arrondi(moyenne_ponderee(var), d) == cible, (var, moyenne_ponderee(var))
    assert arrondi(moyenne_ponderee("decuc_q2") / 12, 0) == p["revenu_median_mensuel_qpv"]
    # écart de « près d'un point » entre taux d'emploi QPV et EPCI
    assert abs(p["tx_emploi_agglo"] - moyenne_ponderee("tx_tot_empl") - 1) <= 0.2

    # quartiers nommés : valeurs publiées et extrêmes stricts
    for (code, var), v in VALEURS_QUARTIERS_PUBLIEES.items():
        assert valeur_qpv(code, var) == v, (code, var)
    for (code, var), (v, _c) in VALEURS_QUARTIERS_APPROXIMATIVES.items():
        assert valeur_qpv(code, var) == v and abs(v - p["menages_1pers_le_centre_pres_de"]) <= 1

    def extreme(code, var, sens):
        autres = [nombre(v) for i, v in enumerate(PAR_QPV[var]) if i != int(code[-2:]) - 1 and v is not None]
        x = valeur_qpv(code, var)
        assert (x > max(autres)) if sens == "max" else (x < min(autres)), (code, var, sens)

    extreme("LOC-QP01", "part_moins_25", "max")
    extreme("LOC-QP02", "part_moins_25", "min")
    extreme("LOC-QP03", "part_menages_1pers", "max")
    extreme("LOC-QP04", "part_menages_1pers", "min")
    extreme("LOC-QP03", "part_retard_3e", "max")
    # « à peine plus de 20% » : le minimum dépasse à peine 20
    assert 20 < valeur_qpv("LOC-QP04", "part_menages_1pers") <= 22.5

    # sommes publiées
    assert somme_qpv("abcde_h") == p["demandeurs_hommes_qpv"]
    assert somme_qpv("abcde_f") == p["demandeurs_femmes_qpv"]
    # parts publiées
    for var, (total, part, _lib) in TOTAUX_AGGLO.items():
        r = 100 * somme_qpv(var) / total
        tol = TOLERANCE_PARTS.get(var)
        if tol is None:
            assert arrondi(r, 0) == part, (var, r)
        else:
            assert abs(r - part) <= tol and r < part, (var, r)
    # « 1 jeune sur 6 » et 41% de moins de 25 ans dans les QPV du département
    assert arrondi(POP_MOINS_25_DEPARTEMENT / POP_MOINS_25_QPV_DEPARTEMENT, 0) == p["jeunes_departement_un_sur"]
    assert arrondi(100 * POP_MOINS_25_QPV_DEPARTEMENT / POP_QPV_DEPARTEMENT, 0) == p["part_moins_25_qpv_departement"]


# =============================================================================================== provenance

COMMENTAIRES_RECONSTRUIT = {
    "pop_mun": "population du quartier non publiée ; les 16 QPV totalisent 13% de la population de l'agglomération",
    "ind_jeune": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 1.6 (publié)",
    "pmimp": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 24% (publié)",
    "decuc_q2": "valeur annuelle reconstruite ; moyenne pondérée par pop_mun des QPV / 12 = 1 077 € par mois (publié)",
    "tx_tot_empl": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 56.4% (publié)",
    "abcde": "somme abcde_f + abcde_h",
    "abcde_f": "effectif reconstruit ; somme des QPV = 2 533 femmes (publié)",
    "abcde_h": "effectif reconstruit ; somme des QPV = 3 078 hommes (publié)",
    "a": "effectif reconstruit ; les QPV regroupent 19% des allocataires CAF de l'agglomération (publié)",
    "part_moins_25": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 38% (publié)",
    "part_menages_1pers": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 35% (publié)",
    "part_retard_3e": "valeur reconstruite ; moyenne pondérée par pop_mun des QPV = 33% (publié)",
    "part_de_plus_2ans_f": "valeur reconstruite ; moyenne pondérée par abcde_f des QPV = 30% (publié)",
    "part_de_plus_2ans_h": "valeur reconstruite ; moyenne pondérée par abcde_h des QPV = 32% (publié)",
    "nb_beneficiaires_rsa": "effectif reconstruit ; les QPV regroupent 28% des bénéficiaires du Rsa (publié)",
    "nb_beneficiaires_cmu": "effectif reconstruit ; les QPV regroupent 31% des bénéficiaires de la CMU (publié)",
    "nb_etablissements": "effectif reconstruit ; les QPV regroupent 9% des établissements (publié)",
    "nb_etablissements_commerce_services": "effectif reconstruit ; les QPV regroupent près de 10% des établissements "
    "du commerce et des services (publié)",
    "nb_creations_transferts_2013": "effectif reconstruit ; les QPV regroupent 8% des créations et transferts "
    "(réf. 2013) (publié)",
    "nb_entrees_contrats_aides_2016": "effectif reconstruit ; 21% des entrées en contrats aidés 2016 concernent "
    "des habitants des QPV (publié)",
}

#: Provenance des colonnes descriptives (code, variable) -> (provenance, commentaire).
PROVENANCE_DESCRIPTIVE = {
    ("LOC-QP05", "nom_qp"): (
        "reconstruit",
        "nom composé à partir de « CONSEIL CITOYEN AUCHEL CENTRE VILLE CITE 3 » "
        "(2.1) et « quartier centre-ville Auchel » (2.4.2)",
    ),
    ("LOC-QP05", "type_quartier"): (
        "supposé",
        "statut de QPV déduit du conseil citoyen et de la convention d'abattement de TFPB (2.4.2), réservée aux QPV",
    ),
    ("LOC-QP06", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Avenant Barlin Regain » (TFPB, 2.4.2) et du « CONSEIL CITOYEN QUARTIER DU REGAIN »",
    ),
    ("LOC-QP07", "nom_commune"): (
        "supposé",
        "le rapport cite « Beuvry Renaissance » et « Labourse renaissance » "
        "(2.4.2) ; regroupement en un seul QPV intercommunal supposé",
    ),
    ("LOC-QP07", "type_quartier"): ("supposé", "statut de QPV déduit des conventions de TFPB (2.4.2)"),
    ("LOC-QP08", "type_quartier"): ("supposé", "statut de QPV déduit du « Conseil citoyen Fosse 7 » à Houdain (3.2)"),
    ("LOC-QP11", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Avenant Lillers Centre-Ville » (TFPB, 2.4.2)",
    ),
    ("LOC-QP12", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Avenant Divion cités 6 et 30 » (TFPB, 2.4.2)",
    ),
    ("LOC-QP13", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Avenant Noeux-les-Mines Terre Noeve » (TFPB, 2.4.2)",
    ),
    ("LOC-QP14", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Convention le Haut d’Houdain » (TFPB, 2.4.2)",
    ),
    ("LOC-QP15", "type_quartier"): (
        "supposé",
        "statut de QPV déduit de « Avenant Divion Cité des astres » (TFPB, 2.4.2)",
    ),
    ("LOC-QP16", "nom_qp"): ("non disponible", "le rapport annonce 16 QPV mais n'en nomme que 15"),
    ("LOC-QP16", "nom_commune"): ("supposé", "commune du 16e QPV non publiée ; Bruay-la-Buissière supposée"),
    ("LOC-QC01", "nom_qp"): ("non disponible", "le rapport ne nomme pas ce quartier communautaire"),
    ("LOC-QC02", "nom_qp"): ("non disponible", "le rapport ne nomme pas ce quartier de veille"),
    ("LOC-QC03", "nom_commune"): (
        "supposé",
        "commune non précisée par le rapport (« quartier voisin de la Cité "
        "Béclet Calvaire ») ; Hersin-Coupigny supposée",
    ),
    ("LOC-QC03", "type_quartier"): (
        "supposé",
        "statut de quartier communautaire (2015) supposé : quartier cité comme voisin du 5e quartier",
    ),
    ("LOC-QC03", "annee_reconnaissance"): (
        "supposé",
        "année 2015 attribuée avec le statut supposé de quartier communautaire",
    ),
    ("LOC-QC04", "nom_qp"): ("non disponible", "le rapport ne nomme pas ce quartier communautaire"),
    ("LOC-QC04", "nom_commune"): (
        "supposé",
        "4 quartiers sur 3 communes : la commune qui en compte deux n'est pas publiée ; Hersin-Coupigny supposée",
    ),
}


def lignes_provenance() -> list[list[str]]:
    lignes = []
    for code, _nom, _com, typ, _an in QUARTIERS:
        lignes.append(
            [
                "insee_qpv.csv",
                code,
                "code_qp",
                "reconstruit",
                "code local : le rapport ne donne aucun code de quartier (ce n'est pas un code INSEE)",
            ]
        )
        for var in ("nom_qp", "nom_commune", "type_quartier", "annee_reconnaissance"):
            if (code, var) in PROVENANCE_DESCRIPTIVE:
                prov, com = PROVENANCE_DESCRIPTIVE[(code, var)]
                lignes.append(["insee_qpv.csv", code, var, prov, com])
        for var in INDICATEURS:
            if typ != "QPV":
                lignes.append(
                    [
                        "insee_qpv.csv",
                        code,
                        var,
                        "non disponible",
                        "l'INSEE ne publie pas de données pour les quartiers communautaires ou de veille "
                        "(hors géographie prioritaire réglementaire)",
                    ]
                )
                continue
            if (code, var) in VALEURS_QUARTIERS_PUBLIEES:
                continue
            if (code, var) in VALEURS_QUARTIERS_APPROXIMATIVES:
                lignes.append(
                    ["insee_qpv.csv", code, var, "approximatif", VALEURS_QUARTIERS_APPROXIMATIVES[(code, var)][1]]
                )
                continue
            if (code, var) in SECRETS:
                lignes.append(
                    [
                        "insee_qpv.csv",
                        code,
                        var,
                        "simulé",
                        "cellule laissée vide pour simuler un secret statistique et éprouver la règle (plus "
                        "petit QPV) : le rapport ne publie pas cette valeur ; ce n'est pas l'INSEE qui l'a "
                        "masquée",
                    ]
                )
                continue
            com = COMMENTAIRES_RECONSTRUIT[var]
            brut = PAR_QPV[var][int(code[-2:]) - 1]
            if isinstance(brut, str):
                com += f" ; écrit comme le flottant brut d'une division ({brut})"
            lignes.append(["insee_qpv.csv", code, var, "reconstruit", com])
    for niveau, var, prov, com in provenance_references():
        lignes.append(["insee_references.csv", niveau, var, prov, com])
    return lignes


# =============================================================================================== écriture


def ecrire_csv(chemin: Path, entete: list[str], lignes: list[list[str]]) -> None:
    tampon = io.StringIO()
    w = csv.writer(tampon, lineterminator="\n")
    w.writerow(entete)
    w.writerows(lignes)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(tampon.getvalue().encode("utf-8"))


def lignes_qpv() -> list[list[str]]:
    lignes = []
    for i, (code, nom, com, typ, an) in enumerate(QUARTIERS):
        ligne = [code, nom, com, typ, an]
        for var in INDICATEURS:
            ligne.append(texte_insee(PAR_QPV[var][i]) if typ == "QPV" else "")
        lignes.append(ligne)
    return lignes


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", required=True, help="dossier des tables brutes (ex. data/raw/2019)")
    parser.add_argument("--ref-out", help="dossier des tables de référence (ex. data/reference/territoires/cabbalr)")
    args = parser.parse_args(argv)

    verifier_reconstruction()
    out = Path(args.out)
    ecrire_csv(out / "insee_qpv.csv", COLONNES_QPV, lignes_qpv())
    refs = [[r.get(c, "") for c in COLONNES_REF] for r in lignes_references()]
    ecrire_csv(out / "insee_references.csv", COLONNES_REF, refs)
    ecrire_csv(
        out / "insee_provenance.csv", ["fichier", "cle", "variable", "provenance", "commentaire"], lignes_provenance()
    )
    if args.ref_out:
        codes = codes_insee([nom for nom, *_ in COMMUNES])
        ecrire_csv(
            Path(args.ref_out) / "communes.csv",
            ["nom_officiel", "code_insee", "variantes", "contrat_de_ville", "qpv"],
            [[nom, codes[nom], " | ".join(var), cv, q] for nom, var, cv, q in COMMUNES],
        )


#: SIREN de la CA de Béthune-Bruay, Artois-Lys Romane (data/reference/cog/epci.csv).
SIREN_AGGLOMERATION = "200072460"


def codes_insee(noms: list[str]) -> dict[str, str]:
    """Code INSEE de chaque commune, rapproché par son nom de l'extrait officiel du COG, parmi les communes de
    l'agglomération : aucun code n'est saisi à la main (un nom introuvable arrête le script)."""
    from politique_ville.reference.territoires import territoire, trouver_commune

    parmi = territoire("epci", SIREN_AGGLOMERATION).communes
    return {nom: trouver_commune(nom, parmi=parmi).code for nom in noms}


if __name__ == "__main__":
    main()
