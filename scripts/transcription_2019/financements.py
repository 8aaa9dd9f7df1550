"""Transcription des financements et programmes connexes du chapitre 2 du rapport 2019.

Source : rapport 2019 sur la mise en oeuvre de la politique de la ville de la CABBALR,
sections 2.1 (financement de la programmation, Fonds de Cohésion Sociale), 2.2 (actions
intercommunales), 2.3 (Fonds de Cohésion Sociale, fonds de concours), 2.4 (ITI/FEDER,
abattement de TFPB, NPNRU) et focus de la section 3.1 (PAQTE, Sport Aventure Mobilité,
emplois francs, Club ESS).

Les valeurs sont recopiées telles que le rapport les écrit (formats de nombres, graphies,
doubles espaces). Aucune valeur n'est reconstruite : quand le rapport ne publie qu'un total
(Fonds de Cohésion Sociale, FEDER mobilisé par l'ITI), seul ce total est transcrit.

Usage : python scripts/transcription_2019/financements.py --out data/raw/2019
"""

import argparse
import csv
import os

# ---------------------------------------------------------------------------
# 2.1 Financement de la programmation 2019 (5 530 289 €)
# ---------------------------------------------------------------------------
FINANCEMENTS_COLONNES = ["type_ligne", "financeur", "part", "montant", "note"]

NOTE_CGET = (
    "montant : crédits CGET (Etat) mobilisés pour la programmation 2019, cités en 2.1 "
    "(« 1 712 989 € de crédits CGET ») ; 1 712 989 / 5 530 289 = 31,0 %, "
    "et non la part de 35,3% publiée"
)
NOTE_DROIT_COMMUN = (
    "*Droit commun : toute politique publique de l’État ou de ses opérateurs, "
    "hors les crédits du BOP 147 (politique de la ville)"
)
NOTE_TOTAL = (
    "« La programmation 2019 représente un montant total de 5 530 289 € de dépenses "
    "cumulées au profit des QPV » ; le rapport n'imprime pas de ligne total dans la "
    "répartition ; les parts publiées totalisent 109,2%"
)

FINANCEMENTS = [
    ("financeur", "Etat - CGET", "35,3%", "1 712 989 €", NOTE_CGET),
    ("financeur", "Etat - Droit commun*", "14,6%", "", NOTE_DROIT_COMMUN),
    ("financeur", "Région", "4,7%", "", ""),
    ("financeur", "Département", "3,3%", "", ""),
    ("financeur", "CAF", "6,2%", "", ""),
    ("financeur", "EPCI – CABBALR", "6,1%", "", ""),
    ("financeur", "Communes", "24,4%", "", ""),
    ("financeur", "Autres (Bailleurs, opérateurs…)", "14,6%", "", ""),
    ("total", "Programmation 2019 (montant total)", "", "5 530 289 €", NOTE_TOTAL),
]

# ---------------------------------------------------------------------------
# 2.1 / 2.3 Fonds de Cohésion Sociale : seul le total est publié (deux mentions)
# ---------------------------------------------------------------------------
FCS_COLONNES = ["section", "annee", "objet", "montant", "nombre_volets", "regle"]

FCS = [
    (
        "2.1",
        "2019",
        "attribués par la Communauté d’Agglomération au titre de son Fonds de Cohésion "
        "Sociale aux conseils citoyens, aux associations de quartier porteuses d’un projet "
        "au bénéfice des habitants de la géographie prioritaire et pour les opérateurs "
        "portant des actions de qualification des acteurs du Contrat de Ville",
        "94 414 €",
        "",
        "",
    ),
    (
        "2.3",
        "2019",
        "consacrés aux actions répondant aux 4 volets du Fonds intercommunal",
        "94.414 €",
        "4",
        "La participation financière du Fonds de Cohésion Sociale est égale à celle de "
        "la commune dans la limite de 2000 €",
    ),
]

# ---------------------------------------------------------------------------
# 2.3 Fonds de concours : les deux tableaux tels qu'imprimés (lignes TOTAL comprises)
# ---------------------------------------------------------------------------
FDC_COLONNES = [
    "tableau",
    "commune",
    "projet",
    "montant_operation",
    "montant_fdc",
    "regle_tableau",
]

FDC_PV = "FDC Politique de la Ville"
FDC_PV_REGLE = "40% des dépenses éligibles avec un montant de fonds de concours plafonné à 70.000 €"
FDC_CL = "FDC classique majoré de 5% en QPV"
FDC_CL_REGLE = (
    "fonds de concours « classiques » avec majoration de 5%, le projet d’investissement "
    "se situant en QPV ou dans la bande des 300 m"
)

FONDS_CONCOURS = [
    (
        FDC_PV,
        "DIVION",
        "Transformation de 3 logements en cantine scolaire et garderie",
        "129 935",
        "51 974",
        FDC_PV_REGLE,
    ),
    (
        FDC_PV,
        "NOEUX-LES-MINES",
        "Rénovation de l’ancien bâtiment FORMA en locaux scolaires et maison des associations",
        "949 145",
        "70 000",
        FDC_PV_REGLE,
    ),
    (
        FDC_PV,
        "HERSIN-COUPIGNY",
        "Travaux de restructuration du pôle enfance – jeunesse (PEJ)",
        "548 159",
        "70 000",
        FDC_PV_REGLE,
    ),
    (FDC_PV, "TOTAL FDC", "", "", "191 974", FDC_PV_REGLE),
    (
        FDC_CL,
        "LILLERS",
        "Centre administratif",
        "2 076 148",
        "280 000 (dont 35 000 Pol Ville)",
        FDC_CL_REGLE,
    ),
    (FDC_CL, "TOTAL FDC", "", "", "280  000", FDC_CL_REGLE),
]

# ---------------------------------------------------------------------------
# 2.4.1 ITI : 7 projets ; FEDER mobilisé publié seulement en total
# ---------------------------------------------------------------------------
ITI_COLONNES = [
    "type_ligne",
    "axe",
    "intitule_axe",
    "porteur",
    "projet",
    "commune",
    "logements",
    "complement",
    "montant_feder",
    "libelle_rapport",
]

AXE1 = ("Axe 1", "Favoriser création reprise d’activités dans les QPV")
AXE3 = ("Axe 3", "Améliorer l’efficacité énergétique du logement social")

ITI = [
    ("projet",)
    + AXE1
    + (
        "PDC Actif",
        "fonds de garantie aux projets de créateurs en QPV",
        "",
        "",
        "",
        "",
        "PDC Actif – fonds de garantie aux projets de créateurs en QPV",
    ),
    ("projet",)
    + AXE1
    + (
        "CABBALR",
        "Initiatives structurantes pour l’entrepreneuriat dans les territoires fragiles",
        "",
        "",
        "",
        "",
        "CABBALR – Initiatives structurantes pour l’entrepreneuriat dans les territoires fragiles",
    ),
    ("projet",)
    + AXE1
    + (
        "BGE Hauts de France",
        "Implantation et consolidation des activités à travers la digitalisation des entrepreneurs",
        "",
        "",
        "",
        "",
        "BGE Hauts de France – Implantation et consolidation des activités à travers la "
        "digitalisation des entrepreneurs",
    ),
    ("projet",)
    + AXE3
    + (
        "SIA Habitat",
        "Rue Moussy",
        "Nœux-les-Mines",
        "60",
        "IP 4c (6c)",
        "",
        "SIA Habitat – Nœux-les-Mines Rue Moussy – 60 logements / IP 4c (6c)",
    ),
    ("projet",)
    + AXE3
    + (
        "PDC Habitat",
        "Bâtiment rue de Turenne",
        "Béthune",
        "56",
        "",
        "",
        "PDC Habitat – Béthune – Bâtiment rue de Turenne – 56 logements",
    ),
    ("projet",)
    + AXE3
    + (
        "PDC Habitat",
        "Bâtiment 9-11-13 Luxembourg",
        "Béthune",
        "30",
        "",
        "",
        "PDC Habitat – Béthune – Bâtiment 9-11-13 Luxembourg – 30 logements",
    ),
    ("projet",)
    + AXE3
    + (
        "PDC Habitat",
        "Résidence Duez – Lillers",
        "Lillers",
        "36",
        "",
        "",
        "PDC Habitat – Lillers – Résidence Duez – Lillers – 36 logements",
    ),
    (
        "total",
        "",
        "",
        "",
        "",
        "",
        "",
        "total des 7 dossiers déposés à la Région Hauts-de-France avant le 30 juin 2019 : "
        "montant FEDER publié pour l'ensemble des dossiers seulement, non ventilé par projet",
        "1.053.610 €",
        "Ces dossiers génèrent une mobilisation du FEDER à hauteur de 1.053.610 €.",
    ),
]

# ---------------------------------------------------------------------------
# 2.4.3 NPNRU : enveloppes du Comité Local d'Engagement du 20 novembre 2018
# ---------------------------------------------------------------------------
NPNRU_COLONNES = ["quartier", "commune", "enveloppe", "instance", "date_decision"]

NPNRU = [
    ("Mont Liébaut", "Béthune", "4.921.183 €", "Comité Local d’Engagement", "20 novembre 2018"),
    (
        "Centre de Bruay-La-Buissière",
        "Bruay-La-Buissière",
        "6.827.996 €",
        "Comité Local d’Engagement",
        "20 novembre 2018",
    ),
]

# ---------------------------------------------------------------------------
# 2.4.2 Abattement de TFPB : une ligne par bailleur x ligne de quartier
# ---------------------------------------------------------------------------
TFPB_COLONNES = [
    "bailleur",
    "type_acte",
    "quartier",
    "communes",
    "periode",
    "cadre",
    "libelle_rapport",
]

CADRE_AVENANT = (
    "avenant aux conventions d’abattement signées en amont du 31 mars 2017, transmis à la "
    "DDFIP avant le 31 décembre 2018"
)
CADRE_CONV_2019 = (
    "convention signée avant le 1er octobre 2018 par les communes entrées dans le dispositif "
    "(Marles-les-Mines, Houdain et Calonne-Ricouart)"
)
CADRE_CONV_2020 = "abattement activé par la Ville de Béthune avant le 1er octobre 2019 avec Pas-de-Calais Habitat"

# (bailleur, libellé tel qu'imprimé, communes lues dans le libellé)
TFPB_LIGNES = [
    ("Flandre Opale Habitat", "Avenant quartier centre-ville Auchel", "Auchel"),
    ("Pas-de-Calais Habitat", "Avenant Lillers Centre-Ville", "Lillers"),
    ("Pas-de-Calais Habitat", "Avenant Auchel Provinces", "Auchel"),
    ("Pas-de-Calais Habitat", "Avenant Auchel Cité 5 Marles Rond-Point", "Auchel"),
    ("Pas-de-Calais Habitat", "Avenant Divion cités 6 et 30", "Divion"),
    ("Pas-de-Calais Habitat", "Avenant Beuvry Renaissance", "Beuvry"),
    ("Pas-de-Calais Habitat", "Convention Béthune Mont-Liébaut / rue de Lille", "Béthune"),
    ("SIA habitat", "Avenant Barlin Regain", "Barlin"),
    ("SIA habitat", "Avenant Béthune Mont-Liébaut – rue de Lille", "Béthune"),
    ("SIA habitat", "Avenant Beuvry renaissance", "Beuvry"),
    ("SIA habitat", "Avenant Lillers centre-ville", "Lillers"),
    ("SIA habitat", "Avenant Noeux-les-Mines Terre Noeve", "Noeux-les-Mines"),
    ("SIA habitat", "Convention le Haut d’Houdain", "Houdain"),
    ("Maisons & Cités", "Avenant Noeux-les-Mines Terre Noeve", "Noeux-les-Mines"),
    ("Maisons & Cités", "Avenant Labourse renaissance", "Labourse"),
    ("Maisons & Cités", "Avenant Divion Cité des astres", "Divion"),
    ("Maisons & Cités", "Avenant Cauchy Longues Trinques", "Cauchy"),
    ("Maisons & Cités", "Avenant Beuvry renaissance", "Beuvry"),
    ("Maisons & Cités", "Avenant Béthune Mont-Liébaut – rue de Lille", "Béthune"),
    ("Maisons & Cités", "Avenant Barlin Regain", "Barlin"),
    ("Maisons & Cités", "Avenant Auchel Cité 5 Cité 3 centre Rond-Point", "Auchel"),
    (
        "Maisons & Cités",
        "Convention Burbure Houdain Marles Calonne-Ricouart",
        "Burbure ; Houdain ; Marles ; Calonne-Ricouart",
    ),
]


def lignes_tfpb():
    lignes = []
    for bailleur, libelle, communes in TFPB_LIGNES:
        mot, quartier = libelle.split(" ", 1)
        type_acte = mot.lower()
        if type_acte == "avenant":
            periode, cadre = "2019-2020", CADRE_AVENANT
        elif bailleur == "Pas-de-Calais Habitat" and quartier.startswith("Béthune"):
            periode, cadre = "2020-2022", CADRE_CONV_2020
        else:
            periode, cadre = "2019-2020", CADRE_CONV_2019
        lignes.append((bailleur, type_acte, quartier, communes, periode, cadre, libelle))
    return lignes


# ---------------------------------------------------------------------------
# 2.2 et 3.1 Indicateurs des actions intercommunales et des actions « focus »
# ---------------------------------------------------------------------------
INDICATEURS_COLONNES = [
    "section",
    "action",
    "porteur",
    "indicateur",
    "annee",
    "valeur",
    "unite",
    "lecture_numerique",
    "approximatif",
]

NAGER = ("2.2", "J'apprends à nager", "CABBALR")
ARMEE = ("2.2", "Découverte des métiers de l'Armée de l'Air", "CABBALR")
NUMERIQUE = ("2.2", "Citoyenneté numérique", "Ligue de l'Enseignement")
GUSP = ("2.2", "Boite à outils GUSP", "CABBALR")
HUB = ("2.2", "Hub Interasso - Digikat", "Alysse")
MEDIATEURS = ("2.2", "Réseau intercommunal des médiateurs sociaux", "France Médiation")
IREV = ("2.2", "Cycle de qualification de l'IREV", "IREV")
PAQTE = ("3.1", "PAQTE", "PLIE")
SAM = ("3.1", "Sport Aventure Mobilité", "Mission Locale")
EMPLOIS_FRANCS = ("3.1", "Emplois francs", "Pôle Emploi")
BUSINESS = ("3.1", "Business #4", "Club des Entrepreneurs ESS")

# (action, indicateur, année, valeur telle qu'écrite, unité, lecture numérique, approximatif)
INDICATEURS = [
    NAGER + ("séances", "2019", "2 595", "séances", "", "non"),
    NAGER + ("séances", "2018", "1819", "séances", "", "non"),
    NAGER + ("séances", "2017", "563", "séances", "", "non"),
    NAGER + ("enfants inscrits", "2019", "225", "enfants", "", "non"),
    NAGER + ("enfants ayant passé les tests", "2019", "190", "enfants", "", "non"),
    NAGER + ("enfants ayant passé les tests", "2017", "170", "enfants", "", "non"),
    NAGER + ("enfants ayant obtenu le Sauv'Nage", "2019", "59", "enfants", "", "non"),
    NAGER + ("part des enfants issus des quartiers en Contrat de Ville", "2019", "90 %", "%", "", "non"),
    NAGER + ("part des enfants issus des quartiers en Contrat de Ville", "2018", "86%", "%", "", "non"),
    NAGER + ("part des enfants issus des quartiers en Contrat de Ville", "2017", "73%", "%", "", "non"),
    NAGER + ("bassins de natation de l'agglomération", "2019", "9", "bassins", "", "non"),
    NAGER + ("bassins de natation en QPV", "2019", "2", "bassins", "", "non"),
    ARMEE + ("métiers proposés", "2019", "la cinquantaine", "métiers", "50", "oui"),
    ARMEE + ("jeunes mobilisés", "2019", "101", "jeunes", "", "non"),
    ARMEE
    + ("jeunes ayant suivi un parcours vers une filière métier de l'armée de l'Air", "2019", "16", "jeunes", "", "non"),
    ARMEE + ("demi-journées d'information-sensibilisation", "2019", "15", "demi-journées", "", "non"),
    ARMEE + ("jeunes s'étant rendus à la Base Aérienne d'Évreux", "2019", "23", "jeunes", "", "non"),
    ARMEE + ("jeunes ayant déposé un dossier d'engagement au CIRFA", "2019", "16", "jeunes", "", "non"),
    ARMEE + ("jeunes habitant des communes en contrat de ville", "2019", "72", "jeunes", "", "non"),
    ARMEE + ("part des jeunes issus des quartiers prioritaires", "2019", "30%", "%", "", "non"),
    ARMEE + ("participants ne résidant pas sur le territoire de la CABBALR", "2019", "3", "jeunes", "", "non"),
    NUMERIQUE + ("acteurs locaux participants", "2018", "Une vingtaine", "acteurs", "20", "oui"),
    NUMERIQUE + ("jeunes du département pour 1 jeune vivant en QPV", "2019", "1 jeune sur 6", "jeunes", "6", "non"),
    NUMERIQUE + ("étapes de l'action", "2019", "3", "étapes", "", "non"),
    NUMERIQUE + ("volets de l'action 2019", "2019", "3", "volets", "", "non"),
    NUMERIQUE + ("cycles de qualification", "2019", "1", "cycles", "", "non"),
    NUMERIQUE + ("journées par cycle de qualification", "2019", "4", "journées", "", "non"),
    NUMERIQUE + ("porteurs de projets accompagnés", "2019", "10", "porteurs de projets", "", "non"),
    NUMERIQUE + ("heures d'accompagnement par projet", "2019", "20", "heures", "", "non"),
    NUMERIQUE + ("rencontres intercommunales", "2019", "1", "rencontres", "", "non"),
    GUSP + ("séances de formation-action", "2019", "8", "séances", "", "non"),
    GUSP + ("professionnels participants", "2019", "une vingtaine", "professionnels", "20", "oui"),
    GUSP + ("villes représentées", "2019", "9", "villes", "", "non"),
    HUB + ("conseils citoyens et associations de quartier bénéficiaires", "2019", "6", "structures", "", "non"),
    MEDIATEURS + ("médiateurs participants aux sessions", "2019", "13", "médiateurs", "", "non"),
    MEDIATEURS + ("structures d'origine des médiateurs", "2019", "9", "structures", "", "non"),
    MEDIATEURS + ("médiateurs présents à la rencontre du réseau", "2019", "12", "médiateurs", "", "non"),
    MEDIATEURS + ("antennes CAF du territoire", "2019", "2", "antennes", "", "non"),
    MEDIATEURS + ("médiateurs ayant témoigné à la rencontre régionale", "2019", "2", "médiateurs", "", "non"),
    IREV + ("professionnels réunis", "2019", "40", "professionnels", "", "non"),
    PAQTE + ("entreprises démarchées", "2019", "42", "entreprises", "", "non"),
    PAQTE + ("entreprises engagées", "2019", "4", "entreprises", "", "non"),
    PAQTE + ("entreprises ayant validé leur souhait d'adhérer", "2019", "4", "entreprises", "", "non"),
    SAM + ("volets de l'action", "2019", "3", "volets", "", "non"),
    SAM + ("jeunes ayant découvert l'action", "2019", "110", "jeunes", "", "non"),
    SAM + ("jeunes ayant intégré le dispositif", "2019", "80", "jeunes", "", "non"),
    SAM + ("jeunes issus de la géographie prioritaire", "2019", "77", "jeunes", "", "non"),
    SAM + ("part des jeunes femmes parmi les jeunes issus de la géographie prioritaire", "2019", "33%", "%", "", "non"),
    EMPLOIS_FRANCS
    + ("emplois francs signés sur le territoire de la CABBALR", "2019", "71", "emplois francs", "", "non"),
    BUSINESS + ("structures adhérentes au Club", "2019", "une vingtaine", "structures", "20", "oui"),
    BUSINESS + ("heures de bénévolat valorisées", "2019", "650", "heures", "", "non"),
]


def ecrire(dossier, nom, colonnes, lignes):
    chemin = os.path.join(dossier, nom)
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(colonnes)
        for ligne in lignes:
            if len(ligne) != len(colonnes):
                raise ValueError(f"{nom}: ligne de {len(ligne)} champs : {ligne}")
            w.writerow(ligne)
    return chemin


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="dossier de sortie des CSV bruts")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    fichiers = [
        ("financements_programmation.csv", FINANCEMENTS_COLONNES, FINANCEMENTS),
        ("fonds_cohesion_sociale.csv", FCS_COLONNES, FCS),
        ("fonds_concours.csv", FDC_COLONNES, FONDS_CONCOURS),
        ("iti_feder.csv", ITI_COLONNES, ITI),
        ("npnru.csv", NPNRU_COLONNES, NPNRU),
        ("tfpb_conventions.csv", TFPB_COLONNES, lignes_tfpb()),
        ("indicateurs_actions.csv", INDICATEURS_COLONNES, INDICATEURS),
    ]
    for nom, colonnes, lignes in fichiers:
        chemin = ecrire(args.out, nom, colonnes, lignes)
        print(f"{chemin} : {len(lignes)} lignes")


if __name__ == "__main__":
    main()
