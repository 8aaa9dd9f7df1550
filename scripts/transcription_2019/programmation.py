"""Transcription de la programmation 2019 du Contrat de Ville (actions, porteurs, feuille de route).

Source : rapport 2019 sur la mise en oeuvre de la politique de la ville de la CABBALR,
section 2.1 (contributions CGET par thématique, tableaux « Les Associations » et
« Les Institutions » des porteurs de projets), chapitre 3 (listes d'actions et tableaux
par pilier et par thématique : sections 3.1, 3.2, 3.3) et annexe 1 (« Grille de
répartition des actions au sein des 10 priorités de la feuille de route »).

Fichiers écrits dans --out :
  feuille_de_route.csv    les 10 priorités et leurs sous-priorités (en-têtes de la grille)
  programmation.csv       une ligne par action (le PRE compte une action par commune)
  porteurs.csv            les deux tableaux de porteurs de la section 2.1, ligne à ligne
  porteurs_synthese.csv   les en-têtes de ces deux tableaux
et, si --ref-out est donné, dans ce dossier :
  porteurs.csv            table des graphies (alias) des porteurs -> porteur canonique

Le rapport ne publie pas de montant par action : les montants de programmation.csv sont
reconstruits (règle ci-dessous) de façon à retrouver exactement les totaux publiés, et
chaque valeur porte sa provenance (« publié », « reconstruit », « non publié »).

Règle de reconstruction : un total publié T (euros entiers) est réparti sur les n lignes
de son groupe publié le plus fin, à parts égales arrondies à l'euro inférieur ; les euros
restants sont donnés un par un aux premières lignes dans l'ordre du rapport. Une valeur est
« publié » si le groupe n'a qu'une ligne ou si son total publié est 0 €.

Usage : python scripts/transcription_2019/programmation.py --out data/raw/2019 \
            --ref-out data/reference/territoires/cabbalr
"""

import argparse
import csv
import os

# ---------------------------------------------------------------------------
# Piliers et thématiques (libellés constants dans programmation.csv)
# ---------------------------------------------------------------------------
EMPLOI = "Emploi et développement économique"
COHESION = "Cohésion sociale"
CADRE = "Cadre de vie et renouvellement urbain"
PILOTAGE = "Pilotage"

PILIER_PAR_PRIORITE = {
    "1": EMPLOI,
    "2": EMPLOI,
    "3": EMPLOI,
    "4": COHESION,
    "6": COHESION,
    "7": COHESION,
    "9": COHESION,
    "10": COHESION,
    "5": CADRE,
    "8": CADRE,
}

# ---------------------------------------------------------------------------
# Annexe 1 : en-têtes de la grille (priorités et sous-priorités), tels qu'écrits
# ---------------------------------------------------------------------------
PRIORITES = [
    ("1", "Optimiser la déclinaison de la « Charte Entreprises et Quartiers » dans chaque QPV et son espace vécu"),
    (
        "2",
        "Favoriser et soutenir les nouvelles formes de mise en contact des demandeurs d’emploi "
        "et des employeurs potentiels : les « circuits courts » de l’emploi en QPV",
    ),
    (
        "3",
        "Consolider la dynamique impulsée par la Fabrique à Entreprendre (FAE) en matière de "
        "création d’activités dans les QPV en favorisant la coopération entre les acteurs et "
        "renforcer l’attractivité économique",
    ),
    (
        "4",
        "Soutenir les initiatives favorisant l’inclusion numérique des publics les plus fragiles "
        "pour les démarches du quotidien, pour la E-administration et pour la recherche d’emploi",
    ),
    (
        "5",
        "Définir le cadre d’une politique intercommunale de Gestion Urbaine de Proximité, du "
        "cadre de vie et soutenir les initiatives y concourant",
    ),
    (
        "6",
        "Amorcer des actions de prévention et éducation à la santé à destination des habitants "
        "des QPV en préfiguration au Contrat Local de Santé sur l’Agglomération",
    ),
    (
        "7",
        "Appuyer les actions d’innovation sociale au sein des quartiers prioritaires : pour mieux "
        "faire société, pour favoriser l’inclusion des habitants les plus fragiles, pour favoriser "
        "les comportements citoyens, améliorer l’ambiance des quartiers et prévenir à long terme "
        "la délinquance",
    ),
    (
        "8",
        "Créer les conditions et amorcer les dispositifs favorisant la transformation sociale dans "
        "les quartiers du Programme National de Renouvellement Urbain",
    ),
    (
        "9",
        "Consolider les Conseils Citoyens en leur donnant les moyens d’agir durablement et soutenir "
        "les autres formes de participation des habitants dans les actions",
    ),
    (
        "10",
        "Expérimenter dans le domaine de la lutte contre le décrochage scolaire par une action "
        "« décloisonnée » des acteurs et conforter les Programmes de Réussite Educative",
    ),
]

SOUS_PRIORITES = [
    ("1.1", "Education et orientation scolaire"),
    ("1.2", "Emploi, insertion, formation"),
    ("1.3", "Soutien aux initiatives locales / mécénat solidaire / médiation"),
    ("2.1", "Repérage, mobilisation des demandeurs d’emploi et connaissance des besoins :"),
    ("2.2", "Préparation à l’emploi"),
    ("2.3", "Innovation dans la mise en relation entre employeurs et demandeurs d’emplois :"),
    ("3.1", "Esprit d’initiative et entreprenariat"),
    ("3.2", "Création, reprise d’entreprises commerciales, artisanales ou de services dans les quartiers"),
    ("3.3", "Susciter et accompagner les nouveaux types d’activités"),
    ("3.4", "Faciliter l’accès aux outils de financement :"),
    ("3.5", "Assurer et conforter l’accueil et l’implantation d’activités"),
    ("3.6", "Attractivité économique des quartiers"),
    ("4.1", "Apprentissage des habitants - « les savoirs de base du numérique »"),
    ("4.2", "Actions de médiation numérique au sein des quartiers"),
    ("4.3", "Numérique et employabilité"),
    ("4.4", "Numérique et citoyenneté"),
    ("5.1", "Boîte à outils « gestion urbaine de proximité » :"),
    ("5.2", "Appropriation du quartier par les habitants"),
    ("5.3", "Devenir acteur de son cadre de vie"),
    ("6.1", "Prévention santé"),
    ("6.2", "Education santé"),
    ("6.3", "Accès aux droits à la santé"),
    ("7.1", "Innovation sociale et numérique"),
    ("7.2", "Innovation sociale et sport"),
    ("7.3", "Innovation sociale et culture"),
    ("7.4", "Innovation sociale et environnement - économie circulaire - consommation"),
    ("7.5", "Innovation sociale et mobilité"),
    ("7.6", "Prévention de la délinquance"),
    ("8.1", "Valorisation de la mémoire des quartiers"),
    ("8.2", "Habitants et actions de concertation"),
    ("8.3", "Appropriation du projet par les habitants"),
    ("8.4", "Accompagnement des habitants directement concernés"),
    ("9.1", "Rendre acteurs les habitants"),
    ("9.2", "Appui aux Conseils Citoyens"),
    ("9.3", "Promotion – valorisation des initiatives citoyennes :"),
    ("10.1", "Prévention illettrisme précoce"),
    ("10.2", "Inclusion sociale et professionnelle"),
    ("10.3", "Réussite éducative"),
]

# ---------------------------------------------------------------------------
# Section 2.1 : tableaux des porteurs de projets (une ligne par ligne du tableau)
# ---------------------------------------------------------------------------
PORTEURS_ASSOCIATIONS = [
    ("CONSEIL CITOYEN AUCHEL CENTRE VILLE CITE 3", "1"),
    ("PYRAMIDE", "1"),
    ("CONSEIL CITOYEN QUARTIER DU REGAIN", "2"),
    ("ARTOIS INSERTION MOBILITE EMPLOI", "1"),
    ("ASS FONDATION ETUDIANTE POUR LA VILLE", "1"),
    ("ASSOCIATION D'ÉCOUTE ET D'AIDE AUX MALADES DE L'ALCOOL ET LEUR FAMILLE", "1"),
    ("ASSOCIATION HABITAT INSERTION", "1"),
    ("BOOKKAFE", "2"),
    ("CENTRE D INFORMATION SUR LES DROITS DES FEMMES ET DES FAMILLES DE BETHUNE", "2"),
    ("COMPAGNIE NOUTIQUE", "1"),
    ("LA COMÉDIE DE BÉTHUNE - CENTRE DRAMATIQUE NATIONAL HAUTS- DE-FRANCE", "1"),
    ("L'ENVOL CENTRE D'ART ET DE TRANSFORMATION SOCIALE", "1"),
    ("LES ATELIERS DE TISSE 1 LIEN", "1"),
    ("PASSEPORT FORMA", "1"),
    ("PREVENTION VASCULAIRE ARTOIS", "2"),
    ("SCIENTICLUB", "1"),
    ("CONSEIL CITOYEN DE BEUVRY- RENAISSANCE", "2"),
    ("ADAPEP AFP 2 I", "3"),
    ("ARTOIS INITIATIVE", "2"),
    ("ASS OFFICE DE LA JEUNESSE", "6"),
    ("ASSOCIATION HABITAT INSERTION", "4"),
    ("ASSOCIATION QUILIT-QUILIT", "1"),
    ("LES APARTISTES", "1"),
    ("ACTIONS ET  SERVICES POUR UN AVENIR SOLIDAIRE ET ANIMATION DANS LA CITÉ", "1"),
    ("CONSEIL CITOYEN LA FOSSE 7", "1"),
    ("NE PRENEZ PAS RACINE", "1"),
    ("AIDE AU DEVELOPPEMENT DES ACTIONS D'INSERTION PAR L'ECONOMIQUE", "2"),
    ("ARTOIS INITIATIVE", "2"),
    ("ARTOIS INSERTION MOBILITE EMPLOI", "2"),
    ("ASSOCIATION ALYSSE", "2"),
    ("ASSOCIATION D'ACTION EDUCATIVE DU PAS- DE-CALAIS", "1"),
    ("ASSOCIATION PLAN BETHUNOIS D'INSERTION", "3"),
    ("ASSOCIATION PROFESSION SPORT DANS LE PAS DE CALAIS", "1"),
    ("AU BORD DE LA LIGNE", "1"),
    ("BGE HAUTS DE FRANCE", "1"),
    ("CLUB DES ENTREPRENEURS DE L'ECONOMIE SOCIALE ET SOLIDAIRE DE L'ARTOIS", "1"),
    ("CLUB ET EQUIPE DE PREVENTION RESIDENCE DES PROVINCES", "1"),
    ("COMITE DEPARTEMENTAL UFOLEP PAS DE CALAIS", "1"),
    ("CONSEIL DEP DE L ACCES AU DROIT", "1"),
    ("DECOUVERTE PECHE ET PROTECTION DES MILIEUX", "1"),
    ("ETS PUB DEP PARC NATURE LOISIRS OLHAIN", "1"),
    ("FRANCE MEDIATION RESEAU D'ACTEURS DE LA MEDIATION SOCIALE", "1"),
    ("LA VIE ACTIVE", "1"),
    ("LÉO LAGRANGE NORD ILE DE FRANCE", "1"),
    ("LIGUE ENSEIGNEMENT PAS CALAIS", "3"),
    ("MFPF MOUVEMENT FRANCAIS PLANNING FAMILIAL", "1"),
    ("MISSION LOCALE DE L'ARTOIS", "2"),
    ("PAS DE CALAIS ACTIF", "1"),
    ("PASSEPORT FORMA", "2"),
    ("SOLIHA SOLIDAIRES POUR L HABITAT PAS DE CALAIS", "1"),
    ("ASSOCIATION SOLILLERS CENTRE SOCIAL LA MAISON POUR TOUS", "6"),
    ("ACI - NOEUX ENVIRONNEMENT", "1"),
    ("ASSOCIATION HANDBALL CLUB NOEUX LES MINES", "1"),
    ("FORMAVENIR & RECRUTEMENT", "1"),
    ("OFFICE CULTUREL DE NOEUX LE MINES", "1"),
    ("OFFICE MUNICIPAL DES SPORTS DE NOEUX-LES-MINES", "1"),
    ("UNION SPORTIVE NOEUXOISE", "1"),
]

PORTEURS_INSTITUTIONS = [
    ("CCAS Auchel", "1"),
    ("Ville d'Auchel", "7"),
    ("CCAS de Barlin", "3"),
    ("Ville de Barlin", "2"),
    ("CCAS de Béthune", "1"),
    ("Ville de Béthune", "8"),
    ("Ville de Beuvry", "3"),
    ("CCAS de Bruay-La-Buissière", "1"),
    ("Ville de  Bruay-La-Buissière", "3"),
    ("CCAS de Calonne-Ricouart", "1"),
    ("Ville de Calonne-Ricouart", "5"),
    ("Ville de Cauchy-à-la-Tour", "2"),
    ("CCAS de Divion", "1"),
    ("Ville de Divion", "2"),
    ("CCAS de Houdain", "1"),
    ("Ville de Houdain", "1"),
    ("CA DE BETHUNE- BRUAY ARTOIS-LYS ROMANE", "4"),
    ("SIVOM DE LA COMMUNAUTE DU BRUAYSIS", "1"),
    ("CHAMBRE DE METIERS ET DE L'ARTISANAT HAUTS DE FRANCE", "1"),
    ("CCAS de Lil lers", "2"),
    ("Ville de Lil lers", "4"),
    ("CCAS de Marles-les-Mines", "1"),
    ("Ville de Marles-les-Mines", "6"),
    ("Ville de Noeux-les-Mines", "4"),
]

# En-têtes des tableaux ; la ligne « Ensemble » porte le titre commun
# « LES PORTEURS DE PROJETS (153 déposés / 129 retenus) ».
SYNTHESE_COLONNES = [
    "tableau",
    "nombre_projets",
    "montant_cget",
    "depenses_subventionnables",
    "projets_deposes",
    "projets_retenus",
]
SYNTHESE = [
    ("Associations", "88", "760 351 €", "3 196 631 €", "", ""),
    ("Institutions", "65", "1 168 028 €", "2 727 728 €", "", ""),
    ("Ensemble", "", "", "", "153", "129"),
]

# ---------------------------------------------------------------------------
# Porteurs : table des graphies -> porteur canonique, type
# ---------------------------------------------------------------------------
ASSO, COMMUNE, CCAS, EPCI, AUTRE = "association", "commune", "CCAS", "EPCI", "autre institution"

# porteur canonique -> (type, [graphies rencontrées dans programmation.csv ou porteurs.csv])
PORTEURS_CANONIQUES = {
    # --- associations (tableau « Les Associations ») ---
    "Conseil citoyen Auchel Centre-ville Cité 3": (
        ASSO,
        ["CONSEIL CITOYEN AUCHEL CENTRE VILLE CITE 3", "Conseil Citoyen Centre ville"],
    ),
    "Pyramide": (ASSO, ["PYRAMIDE", "Pyramide"]),
    "Conseil citoyen du quartier du Regain": (ASSO, ["CONSEIL CITOYEN QUARTIER DU REGAIN"]),
    "Artois Insertion Mobilité Emploi": (
        ASSO,
        ["ARTOIS INSERTION MOBILITE EMPLOI", "Artois Insertion Mobilité Artois"],
    ),
    "Association de la Fondation Étudiante pour la Ville": (ASSO, ["ASS FONDATION ETUDIANTE POUR LA VILLE"]),
    "Association d'écoute et d'aide aux malades de l'alcool et leur famille (Second Départ)": (
        ASSO,
        ["ASSOCIATION D'ÉCOUTE ET D'AIDE AUX MALADES DE L'ALCOOL ET LEUR FAMILLE", "Second Départ"],
    ),
    "Association Habitat Insertion": (ASSO, ["ASSOCIATION HABITAT INSERTION", "AHI"]),
    "Bookkafé": (ASSO, ["BOOKKAFE", "Bookkafé"]),
    "Centre d'Information sur les Droits des Femmes et des Familles de Béthune": (
        ASSO,
        ["CENTRE D INFORMATION SUR LES DROITS DES FEMMES ET DES FAMILLES DE BETHUNE", "CIDFF"],
    ),
    "Compagnie Noutique": (ASSO, ["COMPAGNIE NOUTIQUE", "Compagnie Noutique"]),
    "La Comédie de Béthune - Centre Dramatique National Hauts-de-France": (
        ASSO,
        ["LA COMÉDIE DE BÉTHUNE - CENTRE DRAMATIQUE NATIONAL HAUTS- DE-FRANCE"],
    ),
    "L'Envol, centre d'art et de transformation sociale": (
        ASSO,
        ["L'ENVOL CENTRE D'ART ET DE TRANSFORMATION SOCIALE", "L'Envol"],
    ),
    "Les Ateliers de Tisse 1 Lien": (ASSO, ["LES ATELIERS DE TISSE 1 LIEN", "Les Ateliers de Tisse 1 Lien"]),
    "Passeport Forma": (ASSO, ["PASSEPORT FORMA", "Passport Forma"]),
    "Prévention Vasculaire Artois": (ASSO, ["PREVENTION VASCULAIRE ARTOIS", "Prévart", "Prevart"]),
    "Scienticlub": (ASSO, ["SCIENTICLUB"]),
    "Conseil citoyen de Beuvry - Renaissance": (
        ASSO,
        ["CONSEIL CITOYEN DE BEUVRY- RENAISSANCE", "Conseil Citoyen Renaissance"],
    ),
    "ADAPEP AFP2I": (ASSO, ["ADAPEP AFP 2 I", "AFP2i"]),
    "Artois Initiative": (ASSO, ["ARTOIS INITIATIVE", "Artois Initiative"]),
    "Office de la Jeunesse": (
        ASSO,
        ["ASS OFFICE DE LA JEUNESSE", "Office de la Jeunesse", "Office de la jeunesse", "Office de la jeunese"],
    ),
    "Association Quilit-Quilit": (ASSO, ["ASSOCIATION QUILIT-QUILIT"]),
    "Les Appartistes": (ASSO, ["LES APARTISTES", "Les Appartistes"]),
    "Actions et Services pour un Avenir Solidaire et Animation dans la Cité": (
        ASSO,
        [
            "ACTIONS ET  SERVICES POUR UN AVENIR SOLIDAIRE ET ANIMATION DANS LA CITÉ",
            "Actions et services pour un avenir solidaire et animation dans la cité",
        ],
    ),
    "Conseil citoyen La Fosse 7": (ASSO, ["CONSEIL CITOYEN LA FOSSE 7", "Conseil citoyen Fosse 7"]),
    "Ne prenez pas racine": (ASSO, ["NE PRENEZ PAS RACINE", "Ne prenez pas racine"]),
    "Aide au Développement des Actions d'Insertion par l'Économique": (
        ASSO,
        ["AIDE AU DEVELOPPEMENT DES ACTIONS D'INSERTION PAR L'ECONOMIQUE", "ADAIE"],
    ),
    "Association Alysse": (ASSO, ["ASSOCIATION ALYSSE", "Alysse"]),
    "Association d'Action Éducative du Pas-de-Calais": (
        ASSO,
        ["ASSOCIATION D'ACTION EDUCATIVE DU PAS- DE-CALAIS", "AAE62"],
    ),
    "Association Plan Béthunois d'Insertion (PLIE)": (ASSO, ["ASSOCIATION PLAN BETHUNOIS D'INSERTION", "PLIE"]),
    "Association Profession Sport dans le Pas-de-Calais": (
        ASSO,
        ["ASSOCIATION PROFESSION SPORT DANS LE PAS DE CALAIS"],
    ),
    "Au Bord de la Ligne": (ASSO, ["AU BORD DE LA LIGNE"]),
    "BGE Hauts-de-France": (ASSO, ["BGE HAUTS DE FRANCE", "BGE"]),
    "Club des Entrepreneurs de l'Économie Sociale et Solidaire de l'Artois": (
        ASSO,
        ["CLUB DES ENTREPRENEURS DE L'ECONOMIE SOCIALE ET SOLIDAIRE DE L'ARTOIS", "Club des Entrepreneurs ESS"],
    ),
    "Club et Équipe de Prévention Résidence des Provinces": (
        ASSO,
        ["CLUB ET EQUIPE DE PREVENTION RESIDENCE DES PROVINCES", "Club de Prév"],
    ),
    "Comité départemental UFOLEP du Pas-de-Calais": (ASSO, ["COMITE DEPARTEMENTAL UFOLEP PAS DE CALAIS", "UFOLEP"]),
    "Conseil Départemental de l'Accès au Droit": (ASSO, ["CONSEIL DEP DE L ACCES AU DROIT", "CDAD"]),
    "Découverte Pêche et Protection des Milieux": (ASSO, ["DECOUVERTE PECHE ET PROTECTION DES MILIEUX", "DDPM"]),
    "Établissement public départemental Parc Nature et Loisirs d'Olhain": (
        ASSO,
        ["ETS PUB DEP PARC NATURE LOISIRS OLHAIN"],
    ),
    "France Médiation, réseau d'acteurs de la médiation sociale": (
        ASSO,
        ["FRANCE MEDIATION RESEAU D'ACTEURS DE LA MEDIATION SOCIALE", "France Médiation"],
    ),
    "La Vie Active": (ASSO, ["LA VIE ACTIVE", "Vie Active"]),
    "Léo Lagrange Nord-Île-de-France": (ASSO, ["LÉO LAGRANGE NORD ILE DE FRANCE", "Léo Lagrange"]),
    "Ligue de l'Enseignement du Pas-de-Calais": (
        ASSO,
        ["LIGUE ENSEIGNEMENT PAS CALAIS", "Ligue de l'Enseignement", "Ligue de l'enseignement"],
    ),
    "Mouvement Français pour le Planning Familial": (ASSO, ["MFPF MOUVEMENT FRANCAIS PLANNING FAMILIAL"]),
    "Mission Locale de l'Artois": (ASSO, ["MISSION LOCALE DE L'ARTOIS", "Mission Locale"]),
    "Pas-de-Calais Actif": (ASSO, ["PAS DE CALAIS ACTIF", "Pas de Calais Actif"]),
    "SOLIHA Solidaires pour l'Habitat Pas-de-Calais": (ASSO, ["SOLIHA SOLIDAIRES POUR L HABITAT PAS DE CALAIS"]),
    "Association Solillers - Centre social La Maison pour Tous": (
        ASSO,
        ["ASSOCIATION SOLILLERS CENTRE SOCIAL LA MAISON POUR TOUS", "Solillers"],
    ),
    "ACI Nœux Environnement": (ASSO, ["ACI - NOEUX ENVIRONNEMENT", "Noeux Environnement"]),
    "Handball Club de Nœux-les-Mines": (ASSO, ["ASSOCIATION HANDBALL CLUB NOEUX LES MINES", "Handball Club"]),
    "Formavenir & Recrutement": (ASSO, ["FORMAVENIR & RECRUTEMENT"]),
    "Office Culturel de Nœux-les-Mines": (ASSO, ["OFFICE CULTUREL DE NOEUX LE MINES", "Office culturel de Noeux"]),
    "Office Municipal des Sports de Nœux-les-Mines": (ASSO, ["OFFICE MUNICIPAL DES SPORTS DE NOEUX-LES-MINES"]),
    "Union Sportive Nœuxoise": (ASSO, ["UNION SPORTIVE NOEUXOISE", "Union sportive Noeuxoise"]),
    # --- institutions (tableau « Les Institutions ») ---
    "CCAS d'Auchel": (CCAS, ["CCAS Auchel"]),
    "Ville d'Auchel": (COMMUNE, ["Ville d'Auchel"]),
    "CCAS de Barlin": (CCAS, ["CCAS de Barlin"]),
    "Ville de Barlin": (COMMUNE, ["Ville de Barlin"]),
    "CCAS de Béthune": (CCAS, ["CCAS de Béthune"]),
    "Ville de Béthune": (COMMUNE, ["Ville de Béthune"]),
    "Ville de Beuvry": (COMMUNE, ["Ville de Beuvry"]),
    "CCAS de Bruay-la-Buissière": (CCAS, ["CCAS de Bruay-La-Buissière"]),
    "Ville de Bruay-la-Buissière": (COMMUNE, ["Ville de  Bruay-La-Buissière"]),
    "CCAS de Calonne-Ricouart": (CCAS, ["CCAS de Calonne-Ricouart"]),
    "Ville de Calonne-Ricouart": (COMMUNE, ["Ville de Calonne-Ricouart"]),
    "Ville de Cauchy-à-la-Tour": (COMMUNE, ["Ville de Cauchy-à-la-Tour"]),
    "CCAS de Divion": (CCAS, ["CCAS de Divion"]),
    "Ville de Divion": (COMMUNE, ["Ville de Divion"]),
    "CCAS de Houdain": (CCAS, ["CCAS de Houdain"]),
    "Ville de Houdain": (COMMUNE, ["Ville de Houdain"]),
    "Communauté d'Agglomération de Béthune-Bruay, Artois-Lys Romane": (
        EPCI,
        ["CA DE BETHUNE- BRUAY ARTOIS-LYS ROMANE", "CABBALR"],
    ),
    "SIVOM de la Communauté du Bruaysis": (EPCI, ["SIVOM DE LA COMMUNAUTE DU BRUAYSIS", "MIPPS"]),
    "Chambre de Métiers et de l'Artisanat Hauts-de-France": (
        AUTRE,
        ["CHAMBRE DE METIERS ET DE L'ARTISANAT HAUTS DE FRANCE", "CMA"],
    ),
    "CCAS de Lillers": (CCAS, ["CCAS de Lil lers"]),
    "Ville de Lillers": (COMMUNE, ["Ville de Lil lers"]),
    "CCAS de Marles-les-Mines": (CCAS, ["CCAS de Marles-les-Mines"]),
    "Ville de Marles-les-Mines": (COMMUNE, ["Ville de Marles-les-Mines"]),
    "Ville de Nœux-les-Mines": (COMMUNE, ["Ville de Noeux-les-Mines"]),
}

# ---------------------------------------------------------------------------
# Actions de la programmation, dans l'ordre du rapport
# (intitulé, communes, porteur, priorité, sous-priorité, note de source)
# Texte lu dans la grille de l'annexe 1 (« Intitulé - Commune (Porteur) ») ;
# classement (thématique, sous-priorité) lu au chapitre 3 pour les piliers
# Cohésion sociale et Cadre de vie. « (Ville) », « (CCAS) » et « (Conseil
# Citoyen) » sans autre précision sont remplacés par le nom du tableau des porteurs.
# ---------------------------------------------------------------------------
VILLE = "porteur « ({}) » nommé d'après le tableau Les Institutions (2.1)"
CC = "porteur « (Conseil Citoyen) » nommé d'après le tableau Les Associations (2.1)"
GRILLE_EMPLOI = (
    "annexe 1, rangée {r} de la grille ; sous-priorité déduite de l'ordre "
    "des colonnes (inférée) ; 3.1 (tableau du pilier)"
)

# 3.1 Pilier Emploi et développement économique (annexe 1, ordre de la grille aplatie)
ACTIONS_EMPLOI = [
    # rangée 1 (1.1 / 2.1 / 3.1)
    (
        "Le Bus en faveur de l’emploi et de l’insertion",
        "Barlin",
        "CCAS de Barlin",
        "2",
        "2.1",
        "1",
        VILLE.format("CCAS"),
    ),
    (
        'Construire son projet : "Ressources et vous"',
        "Marles-les-Mines",
        "Ville de Marles-les-Mines",
        "2",
        "2.1",
        "1",
        VILLE.format("Ville"),
    ),
    ("Ateliers de dynamisation", "Béthune", "Les Ateliers de Tisse 1 Lien", "2", "2.1", "1", ""),
    ("Lutte contre l'illettrisme", "Béthune", "Ville de Béthune", "2", "2.1", "1", VILLE.format("Ville")),
    ("Renforcement et développement de lentrepreneuriat dans les quartiers", "interco", "BGE", "3", "3.1", "1", ""),
    ("Coopérative Jeunes Majeurs", "Bruay-la-Buissière", "Office de la Jeunesse", "3", "3.1", "1", ""),
    # rangée 2 (1.2 / 2.2 / 3.2)
    ("Business 4", "interco", "Club des Entrepreneurs ESS", "1", "1.2", "2", ""),
    ("Charte Entreprises et Quartiers", "interco", "PLIE", "1", "1.2", "2", ""),
    (
        "Valorisation et Mise en Réseau des entrepreneurs du territoire",
        "Noeux-le-Mines",
        "Artois Initiative",
        "1",
        "1.2",
        "2",
        "",
    ),
    ("Action de mobilisation à destination d'un public féminin", "interco", "PLIE", "2", "2.2", "2", ""),
    ("Une semaine pour un emploi dans le Bâtiment", "interco", "PLIE", "2", "2.2", "2", ""),
    ("Sport Aventure Mobilité", "interco", "Mission Locale", "2", "2.2", "2", ""),
    ("Théâtre entreprises et quartiers", "interco", "Mission Locale", "2", "2.2", "2", ""),
    ("Club Séniors", "interco", "Passport Forma", "2", "2.2", "2", ""),
    (
        "Actions daccompagnement collectif et/ou individuel sur public ciblé/fédéré en QPV "
        '"Savoir Être pour  savoir Faire !! »',
        "interco",
        "Vie Active",
        "2",
        "2.2",
        "2",
        "",
    ),
    ("Booster préparation concours en Bruaysis", "Bruay-la-Buissière", "ADAPEP AFP 2 I", "2", "2.2", "2", ""),
    ("Mobilisation vers l'emploi et accompagnement dans l'emploi", "Béthune", "AHI", "2", "2.2", "2", ""),
    (
        "Consolider et sécuriser l'activité économique au sein des quartiers prioritaires de la ville",
        "interco",
        "ADAIE",
        "3",
        "3.2",
        "2",
        "",
    ),
    ("Ma boutique, Mon quartier : Boutiques à l'essai", "interco", "Artois Initiative", "3", "3.2", "2", ""),
    ("Shop l'Initiative", "Bruay-la-Buissière", "Artois Initiative", "3", "3.2", "2", ""),
    # rangée 3 (1.3 / 2.3 / 3.3)
    ("Découverte des métiers de l'armée de l'air", "interco", "CABBALR", "2", "2.3", "3", ""),
    ("Boutique Partagée : La Maison, Une boutique qui se partage", "interco", "Artois Initiative", "3", "3.3", "3", ""),
    # rangée 4 (3.4), rangée 6 (3.6)
    ("Cap Quartiers", "interco", "Pas de Calais Actif", "3", "3.4", "4", ""),
    (
        "Accompagner à la transformation numérique les entreprises artisanales des QPV",
        "interco",
        "CMA",
        "3",
        "3.6",
        "6",
        "",
    ),
]

# 3.2 Pilier Cohésion sociale : (thématique, [actions]) dans l'ordre du chapitre 3
PRE_COMMUNES = [  # « PRE - Béthune, Bruay-La-Buissière, ... » : une action par commune
    ("Béthune", "CCAS de Béthune"),
    ("Bruay-La-Buissière", "CCAS de Bruay-La-Buissière"),
    ("Divion", "CCAS de Divion"),
    ("Barlin", "CCAS de Barlin"),
    ("Marles-les-Mines", "CCAS de Marles-les-Mines"),
    ("Auchel", "CCAS Auchel"),
    ("Calonne-Ricouart", "CCAS de Calonne-Ricouart"),
    ("Lillers", "CCAS de Lil lers"),
]
SANS_PRIORITE = "priorité non indiquée, ni au chapitre 3 ni dans la grille (bloc « Accès aux droits » de l'annexe 1)"
NOTE_PRE = (
    "ligne « PRE » de 8 communes comptée comme 8 actions ; porteur non cité par le "
    "rapport : déduit du tableau Les Institutions (2.1), CCAS de la commune"
)

ACTIONS_COHESION = [
    (
        "Education",
        [
            ("Lectures à partager", "Auchel", "Ville d'Auchel", "10", "10.1", VILLE.format("Ville")),
            ("Actions Educatives Familiales en Bruaysis", "Bruaysis", "AFP2i", "10", "10.1", ""),
            ("La Classe Départ 6", "interco", "L'Envol", "10", "10.2", ""),
            ("Etre parent, être actif!", "Bruay-la-Buissière", "AHI", "10", "10.2", ""),
            (
                "Le savoir au service de l'inclusion",
                "Calonne-Ricouart",
                "Ville de Calonne-Ricouart",
                "10",
                "10.2",
                VILLE.format("Ville"),
            ),
            ("Opération Ville Vie Vacances", "Bruay", "Office de la Jeunesse", "10", "10.2", ""),
            "PRE",
            ("Réussir sa scolarité", "Bruay", "Office de la jeunese", "10", "10.3", ""),
            (
                "Préparation à la première rentrée en maternelle",
                "Lillers",
                "Ville de Lil lers",
                "10",
                "10.3",
                VILLE.format("Ville"),
            ),
            ("Tous au bord de l'eau", "Barlin", "DDPM", "10", "10.3", ""),
            ("Soutien aux jeunes parents", "Barlin", "CCAS de Barlin", "10", "10.3", VILLE.format("CCAS")),
            (
                "Toi-Nous = Toi enfant, et nous parents",
                "Marles-les-Mines",
                "Ville de Marles-les-Mines",
                "10",
                "10.3",
                VILLE.format("Ville"),
            ),
            ("L'école en famille", "Auchel", "Ville d'Auchel", "10", "10.3", VILLE.format("Ville")),
            ("Le Quai des Momes", "Auchel", "Ville d'Auchel", "10", "10.3", VILLE.format("Ville")),
            ("Parentalité et collectif familles Action Familles", "Lillers", "Solillers", "10", "10.3", ""),
            (
                "Séjour collectif vacances familles",
                "Calonne-Ricouart",
                "Ville de Calonne-Ricouart",
                "10",
                "10.3",
                VILLE.format("Ville"),
            ),
        ],
    ),
    (
        "Santé",
        [
            (
                "Conseil Local de Santé Mental",
                "interco",
                "CABBALR",
                "6",
                "",
                "sans sous-priorité au chapitre 3 ; colonne 6 de la rangée 4 de la grille, sans en-tête",
            ),
            (
                "Prévention et promotion de la santé au sein des quartiers politique de la ville",
                "Bruaysis",
                "MIPPS",
                "6",
                "6.1",
                "",
            ),
            ("La prévention, tous concernés", "Béthune", "Second Départ", "6", "6.1", ""),
            ("Jeunes et en bonne santé 2019", "Bruaysis", "AHI", "6", "6.2", ""),
            (
                "Accès à la santé, à la sécurité",
                "Cauchy à la Tour",
                "Ville de Cauchy-à-la-Tour",
                "6",
                "6.2",
                VILLE.format("Ville"),
            ),
            (
                'Sans "T" (Sans Tabou)',
                "Marles-les Mines",
                "Ville de Marles-les-Mines",
                "6",
                "6.2",
                VILLE.format("Ville") + " ; listée deux fois dans la grille (6.1 et 6.2), 6.2 au chapitre 3",
            ),
            ("Manger - Bouger !", "Beuvry", "Ville de Beuvry", "6", "6.2", VILLE.format("Ville")),
            (
                "Prévention et bien-être des adolescents",
                "Béthune",
                "Ville de Béthune",
                "6",
                "6.2",
                VILLE.format("Ville"),
            ),
            (
                "Prévention santé des publics précaires",
                "Béthune",
                "Ville de Béthune",
                "6",
                "6.2",
                VILLE.format("Ville"),
            ),
            ("Mon bien-être au quotidien", "Béthune", "Prévart", "6", "6.2", ""),
            ("Les îlots de la santé", "Noeux-les-Mines", "Noeux Environnement", "6", "6.2", ""),
            ("Cap santé", "Noeux-les-Mines", "Prevart", "6", "6.2", ""),
            ("Action Bien-être", "Lillers", "Solillers", "6", "6.2", ""),
            (
                "Intégration citoyenne et promotion de la santé par l'accès au sport",
                "Noeux-les-Mines",
                "Union sportive Noeuxoise",
                "6",
                "6.2",
                "",
            ),
            (
                "Rendre l'usager acteur et responsable de sa santé",
                "Lillers",
                "CCAS de Lil lers",
                "6",
                "6.3",
                VILLE.format("CCAS"),
            ),
        ],
    ),
    (
        "Sport",
        [
            ("Médicasport", "interco", "UFOLEP", "7", "7.2", ""),
            ("Sport Bien-être", "Auchel", "Ville d'Auchel", "7", "7.2", VILLE.format("Ville")),
            ("J'apprends à nager", "interco", "CABBALR", "7", "7.2", ""),
            (
                "Pars, Cours, Sport !",
                "Bruay-la-Buissière",
                "Ville de  Bruay-La-Buissière",
                "7",
                "7.2",
                VILLE.format("Ville"),
            ),
            ('Cap "Hand\'semble" vers les sports', "Noeux-les-Mines", "Handball Club", "7", "7.2", ""),
        ],
    ),
    (
        "Culture",
        [
            ("Culture et spectacles", "Barlin", "Ville de Barlin", "7", "7.3", VILLE.format("Ville")),
            ("Lire et Bouger dans son quartier", "Barlin", "CONSEIL CITOYEN QUARTIER DU REGAIN", "7", "7.3", CC),
            ("Médiation culturelle et lien social", "Houdain", "Ne prenez pas racine", "7", "7.3", ""),
            ("Créer des liens et prendre un pari pour l'avenir", "Auchel", "Pyramide", "7", "7.3", ""),
            (
                "Insertion par la culture",
                "Calonnne-Ricouart",
                "Ville de Calonne-Ricouart",
                "7",
                "7.3",
                VILLE.format("Ville"),
            ),
            ("Cultures urbaines Street art Acte 4", "Lillers", "Ville de Lil lers", "7", "7.3", VILLE.format("Ville")),
            (
                "Enfants, parents, professionnels, tous lecteurs !",
                "Lillers",
                "Ville de Lil lers",
                "7",
                "7.3",
                VILLE.format("Ville"),
            ),
            ("Résidence d'artistes", "Beuvry", "Ville de Beuvry", "7", "7.3", VILLE.format("Ville")),
            ("Impulsions urbaines", "Béthune", "Ville de Béthune", "7", "7.3", VILLE.format("Ville")),
            (
                "Proximité et Diversité culturelle en Terre Noeve",
                "Noeux-les-Mines",
                "Office culturel de Noeux",
                "7",
                "7.3",
                "",
            ),
            (
                "Paysages sonores en Terre Noeve",
                "Noeux-les-Mines",
                "Ville de Noeux-les-Mines",
                "7",
                "7.3",
                VILLE.format("Ville"),
            ),
            (
                "Passe-moi ta recette ! « Projet culino-solido-culturel »",
                "Bruay-la-Buissière",
                "Bookkafé",
                "7",
                "7.3",
                "",
            ),
            (
                "L'Aoûtopie au Mont Liébaut",
                "Béthune",
                "Compagnie Noutique",
                "7",
                "7.3",
                "texte lu au chapitre 3 (illisible dans l'extraction de la grille)",
            ),
        ],
    ),
    (
        "Numérique",
        [
            (
                "Accès aux cultures artistique et numérique pour les publics en QPV de tous âges",
                "Cauchy-à-la-Tour",
                "Ville de Cauchy-à-la-Tour",
                "7",
                "7.1",
                VILLE.format("Ville") + " ; listée deux fois dans la grille (7.1 et 7.3), 7.1 au chapitre 3",
            ),
            (
                "La dématérialisation accessible à tous",
                "Marles-les-Mines",
                "Ville de Marles-les-Mines",
                "7",
                "7.1",
                VILLE.format("Ville"),
            ),
            (
                "Un centre social connecté. La Maison Pour Tous Numérique et Digitale",
                "Lillers",
                "Solillers",
                "7",
                "7.1",
                "",
            ),
            (
                "Mon avenir numérique",
                "Bruay-La-Buissière",
                "Ville de  Bruay-La-Buissière",
                "7",
                "7.1",
                VILLE.format("Ville"),
            ),
            (
                "E-inclusion : le numérique, une chance pour tous",
                "Noeux-les-Mines",
                "Ville de Noeux-les-Mines",
                "7",
                "7.1",
                VILLE.format("Ville"),
            ),
            ("Kiosqu'info", "Beuvry", "Ville de Beuvry", "7", "7.1", VILLE.format("Ville")),
            ("Citoyenneté Numérique Former et Agir", "interco", "Ligue de l'Enseignement", "4", "4.4", ""),
        ],
    ),
    (
        "Environnement - Mobilité",
        [
            ("Consommons, citoyens !!", "interco", "AHI", "7", "7.4", ""),
            ("Le verger collectif", "Divion", "Ville de Divion", "7", "7.4", VILLE.format("Ville")),
            ("Les cultivateurs populaires", "Calonne-Ricouart", "Les Appartistes", "7", "7.4", ""),
            ("Dévelopement d'ateliers", "Houdain", "CCAS de Houdain", "7", "7.4", VILLE.format("CCAS")),
            (
                "Pour un autre modèle sociétal et/ou économique / Action innovation sociale et solidaire",
                "Lillers",
                "Solillers",
                "7",
                "7.4",
                "",
            ),
            ("De l'Europe à l'Artois pour l'Emploi!", "interco", "Léo Lagrange", "7", "7.5", ""),
            ("Jeunes en action", "Calonne-Ricouart", "Ville de Calonne-Ricouart", "7", "7.5", VILLE.format("Ville")),
            ("Goûter la Fabrique", "Béthune", "Bookkafé", "7", "7.5", ""),
            ("Après-midi jeux de société en famille", "Auchel", "Conseil Citoyen Centre ville", "7", "7.5", ""),
            ("Mobidiag+", "interco", "Artois Insertion Mobilité Artois", "7", "7.5", ""),
            ("Quartier de la mobilité", "Béthune", "Artois Insertion Mobilité Artois", "7", "7.5", ""),
            ("Bourse au permis de Conduire Automobile", "Divion", "Ville de Divion", "7", "7.5", VILLE.format("Ville")),
            (
                "Bourse au permis",
                "Bruay-la-Buissière",
                "Ville de  Bruay-La-Buissière",
                "7",
                "7.5",
                VILLE.format("Ville"),
            ),
            (
                "Bourse au permis de conduire automobile 2019 - Béthune",
                "Béthune",
                "Ville de Béthune",
                "7",
                "7.5",
                VILLE.format("Ville"),
            ),
            (
                "Un permis pour un emploi : en route vers l'autonomie",
                "Noeux-les-Mines",
                "Ville de Noeux-les-Mines",
                "7",
                "7.5",
                VILLE.format("Ville"),
            ),
        ],
    ),
    (
        "Prévention",
        [
            ("Les chantiers mobiles", "Bruay", "Club de Prév", "7", "7.6", ""),
            (
                "Montée en compétences et mise en réseau des médiateurs sociaux l'agglomération",
                "interco",
                "France Médiation",
                "7",
                "7.6",
                "",
            ),
            (
                "Engagement pour l'avenir : les valeurs du CMJ",
                "Noeux-les-Mines",
                "Ville de Noeux-les-Mines",
                "7",
                "7.6",
                VILLE.format("Ville") + " ; listée deux fois dans la grille (rangée 4 et 7.6), 7.6 au chapitre 3",
            ),
        ],
    ),
    (
        "Accès aux droits",
        [
            (
                "Développement de l'accès au droit et mise en place d'un parcours de l'accès aux droit",
                "interco",
                "CDAD",
                "",
                "",
                SANS_PRIORITE,
            ),
            ("Autour des droits humains #2", "Bruay-la-Buissière", "Office de la jeunesse", "", "", SANS_PRIORITE),
            (
                "Pérennisation d'un lieu d'accueil, d'écoute et d'orientation et développement d'une "
                "permanence d'écoute et d'accompagnement psychologique",
                "Noeux-les-Mines",
                "CIDFF",
                "",
                "",
                SANS_PRIORITE,
            ),
            (
                "Accompagnement global des publics visant à prévenir les risques de perte de logement et le "
                "surendettement",
                "Béthune",
                "CIDFF",
                "",
                "",
                SANS_PRIORITE,
            ),
            (
                "Etre une femme aujoud'hui",
                "Auchel",
                "Ville d'Auchel",
                "",
                "",
                SANS_PRIORITE + " ; " + VILLE.format("Ville"),
            ),
        ],
    ),
    (
        "Participation des habitants",
        [
            ("Ca bouge à la MC", "Barlin", "CONSEIL CITOYEN QUARTIER DU REGAIN", "9", "9.1", CC),
            ("Pour le renouveau de notre quartier !", "Houdain", "Conseil citoyen Fosse 7", "9", "9.1", ""),
            ("Ateliers d'échanges de savoirs", "Auchel", "Ville d'Auchel", "9", "9.1", VILLE.format("Ville")),
            ("Bouge avec le quartier renaissance", "Beuvry", "CONSEIL CITOYEN DE BEUVRY- RENAISSANCE", "9", "9.1", CC),
            ("Fêtes et faites", "Beuvry", "Conseil Citoyen Renaissance", "9", "9.1", ""),
            (
                "Co-construction du projet d'animation de la vie sociale avec les habitants",
                "Bruay-la-Buissière",
                "Office de la Jeunesse",
                "9",
                "9.1",
                "",
            ),
            (
                "Captation, dynamisation et accompagnement",
                "Haisnes",
                "Actions et services pour un avenir solidaire et animation dans la cité",
                "9",
                "9.1",
                "",
            ),
            ("Structuration et montée en compétences des conseils citoyens", "interco", "AAE62", "9", "9.2", ""),
            ("Accompagner les Conseils Citoyens", "interco", "Ligue de l'enseignement", "9", "9.2", ""),
            (
                "Hub Interasso concept Learning Efficience d'accompagnement à la dynamique",
                "interco",
                "Alysse",
                "9",
                "9.2",
                "",
            ),
        ],
    ),
]

# 3.3 Pilier Cadre de vie – Renouvellement urbain
ACTIONS_CADRE = [
    ("Elaboration d'une boite à outils GUSP", "interco", "CABBALR", "5", "5.1", ""),
    (
        "6T en action : Actions citoyennes dans les quartiers",
        "Marles-les-Mines",
        "Ville de Marles-les-Mines",
        "5",
        "5.2",
        VILLE.format("Ville"),
    ),
    (
        "Bouge dans ton quartier: journées à destination des familles au sein du quartier prioritaire",
        "Marles-les-Mines",
        "Ville de Marles-les-Mines",
        "5",
        "5.2",
        VILLE.format("Ville"),
    ),
    ("Rue aux enfants, un quartier en action", "Bruay-la-Buissière", "Office de la Jeunesse", "5", "5.2", ""),
    ("Mon quartier et moi", "Béthune", "Ville de Béthune", "5", "5.2", VILLE.format("Ville")),
    (
        "Animer le quartier pour une ambiance améliorée et durable / Intervention festive",
        "Auchel",
        "Solillers",
        "5",
        "5.2",
        "",
    ),
    ("Graff ton quartier", "Barlin", "Ville de Barlin", "5", "5.3", VILLE.format("Ville")),
    ('Une jeunesse "plaine" d\'idées', "Houdain", "Ville de Houdain", "5", "5.3", VILLE.format("Ville")),
    (
        "Portrait nature : pour une gestion responsable du cadre de vie",
        "Lillers",
        "Ville de Lil lers",
        "5",
        "5.3",
        VILLE.format("Ville"),
    ),
    ("Bien vivre dans son logement", "Béthune", "Ville de Béthune", "5", "5.3", VILLE.format("Ville")),
]

# Pilotage : ligne reconstruite (le rapport ne la liste nulle part)
ACTION_PILOTAGE = (
    "Pilotage du dispositif",
    "interco",
    "CABBALR",
    "",
    "",
    "ligne reconstruite, absente des listes du rapport : 2.1 « Et sur le pilotage du dispositif : "
    "1 projet », « 15 110 € au titre du pilotage » ; intitulé et porteur choisis (CABBALR)",
)

# ---------------------------------------------------------------------------
# Totaux publiés (euros) servant à la reconstruction
# ---------------------------------------------------------------------------
# Tableaux du chapitre 3 : (droit commun, crédits spécifiques)
TABLEAUX_CH3 = {
    ("Emploi", "Développement économique"): (454883, 406645),  # 3.1, un seul tableau
    ("Education",): (295733, 773782),
    ("Santé",): (110140, 135624),
    ("Sport",): (56540, 63540),
    ("Culture",): (53336, 106028),
    ("Numérique",): (0, 101869),
    ("Environnement - Mobilité",): (60964, 208799),
    ("Prévention",): (0, 33900),
    ("Accès aux droits",): (53387, 26235),
    ("Participation des habitants",): (87169, 145713),
    ("Cadre de vie",): (13005, 90133),
}
SOURCE_TABLEAU = {
    "Emploi": "3.1",
    "Développement économique": "3.1",
    "Cadre de vie": "3.3",
}

# Section 2.1 « contributions des financements CGET par thématique » (1 712 989 €)
CGET_COHESION = 1230586
CGET_REUSSITE_EDUCATIVE = 543640
CGET_PRE = 400809  # 3.2 « Les financements octroyés par l'Etat aux P.R.E. ... 400 809 € »
CGET_EMPLOI = 239939
CGET_DEV_ECO = 114627
CGET_CADRE = 112727
CGET_PILOTAGE = 15110

PROGRAMMATION_COLONNES = [
    "id_action",
    "intitule",
    "porteur",
    "type_porteur",
    "communes",
    "pilier",
    "thematique",
    "priorite",
    "sous_priorite",
    "droit_commun",
    "credits_specifiques",
    "cget",
    "provenance_droit_commun",
    "provenance_credits_specifiques",
    "provenance_cget",
    "source",
]


def repartir(total, n):
    """Parts égales arrondies à l'euro inférieur, le reste un euro par ligne aux premières."""
    base, reste = divmod(total, n)
    return [base + (1 if i < reste else 0) for i in range(n)]


def provenance(total, n):
    return "publié" if n == 1 or total == 0 else "reconstruit"


def euros(montant, style="espace"):
    """12345 -> « 12 345 € » (style du rapport) ou « 12.345 € » (tableau Accès aux droits)."""
    sep = "." if style == "point" else " "
    return f"{montant:,}".replace(",", sep) + " €"


def alias_vers_canonique():
    table = {}
    for canonique, (type_porteur, graphies) in PORTEURS_CANONIQUES.items():
        for graphie in graphies:
            if graphie in table and table[graphie][0] != canonique:
                raise ValueError("graphie ambiguë : " + graphie)
            table[graphie] = (canonique, type_porteur)
    return table


def construire_actions():
    """Liste ordonnée de dicts (sans montants)."""
    lignes = []
    for intitule, communes, porteur, prio, sous, rangee, note in ACTIONS_EMPLOI:
        thematique = "Développement économique" if prio == "3" else "Emploi"
        source = f"3.1 Emploi et développement économique, priorité {prio} ; {GRILLE_EMPLOI.format(r=rangee)}"
        if note:
            source += " ; " + note
        lignes.append(
            dict(
                intitule=intitule,
                communes=communes,
                porteur=porteur,
                pilier=EMPLOI,
                thematique=thematique,
                priorite=prio,
                sous_priorite=sous,
                source=source,
            )
        )
    for thematique, actions in ACTIONS_COHESION:
        for action in actions:
            if action == "PRE":
                for commune, porteur in PRE_COMMUNES:
                    lignes.append(
                        dict(
                            intitule="PRE",
                            communes=commune,
                            porteur=porteur,
                            pilier=COHESION,
                            thematique=thematique,
                            priorite="10",
                            sous_priorite="10.3",
                            source="3.2 Education, priorité 10.3 ; annexe 1 (10.3) ; " + NOTE_PRE,
                        )
                    )
                continue
            intitule, communes, porteur, prio, sous, note = action
            ou = ", priorité " + (sous or prio) if prio else ""
            source = "3.2 {}{} ; annexe 1{}".format(thematique, ou, " (" + sous + ")" if sous else "")
            if note:
                source += " ; " + note
            lignes.append(
                dict(
                    intitule=intitule,
                    communes=communes,
                    porteur=porteur,
                    pilier=COHESION,
                    thematique=thematique,
                    priorite=prio,
                    sous_priorite=sous,
                    source=source,
                )
            )
    for intitule, communes, porteur, prio, sous, note in ACTIONS_CADRE:
        source = f"3.3 Cadre de vie, priorité {sous} ; annexe 1 ({sous})"
        if note:
            source += " ; " + note
        lignes.append(
            dict(
                intitule=intitule,
                communes=communes,
                porteur=porteur,
                pilier=CADRE,
                thematique="Cadre de vie",
                priorite=prio,
                sous_priorite=sous,
                source=source,
            )
        )
    intitule, communes, porteur, prio, sous, note = ACTION_PILOTAGE
    lignes.append(
        dict(
            intitule=intitule,
            communes=communes,
            porteur=porteur,
            pilier=PILOTAGE,
            thematique="Pilotage",
            priorite=prio,
            sous_priorite=sous,
            source=note,
        )
    )
    return lignes


def affecter(lignes, indices, cle, total):
    parts = repartir(total, len(indices))
    prov = provenance(total, len(indices))
    for i, montant in zip(indices, parts):
        lignes[i][cle] = montant
        lignes[i]["provenance_" + cle] = prov


def construire_programmation():
    lignes = construire_actions()
    alias = alias_vers_canonique()
    for i, ligne in enumerate(lignes):
        ligne["id_action"] = f"PV2019-{i + 1:03d}"
        ligne["type_porteur"] = alias[ligne["porteur"]][1]

    # droit commun et crédits spécifiques : groupes = tableaux du chapitre 3
    for thematiques, (dc, cs) in TABLEAUX_CH3.items():
        idx = [i for i, lg in enumerate(lignes) if lg["thematique"] in thematiques]
        affecter(lignes, idx, "droit_commun", dc)
        affecter(lignes, idx, "credits_specifiques", cs)

    # crédits CGET : groupes de la section 2.1 (et 3.2 pour les PRE)
    def idx(cond):
        return [i for i, lg in enumerate(lignes) if cond(lg)]

    pre = idx(lambda lg: lg["intitule"] == "PRE")
    reussite = idx(lambda lg: lg["sous_priorite"] == "10.3" and lg["intitule"] != "PRE")
    reste_cohesion = idx(lambda lg: lg["pilier"] == COHESION and lg["sous_priorite"] != "10.3")
    affecter(lignes, pre, "cget", CGET_PRE)
    affecter(lignes, reussite, "cget", CGET_REUSSITE_EDUCATIVE - CGET_PRE)
    affecter(lignes, reste_cohesion, "cget", CGET_COHESION - CGET_REUSSITE_EDUCATIVE)
    affecter(lignes, idx(lambda lg: lg["thematique"] == "Emploi"), "cget", CGET_EMPLOI)
    affecter(lignes, idx(lambda lg: lg["thematique"] == "Développement économique"), "cget", CGET_DEV_ECO)
    affecter(lignes, idx(lambda lg: lg["pilier"] == CADRE), "cget", CGET_CADRE)
    affecter(lignes, idx(lambda lg: lg["pilier"] == PILOTAGE), "cget", CGET_PILOTAGE)

    sortie = []
    for ligne in lignes:
        style = "point" if ligne["thematique"] == "Accès aux droits" else "espace"
        for cle in ("droit_commun", "credits_specifiques", "cget"):
            if cle in ligne:
                ligne[cle] = euros(ligne[cle], style)
            else:
                ligne[cle] = ""
                ligne["provenance_" + cle] = "non publié"
        sortie.append([ligne[c] for c in PROGRAMMATION_COLONNES])
    return sortie


def construire_feuille_de_route():
    sous_par_prio = {}
    for code, libelle in SOUS_PRIORITES:
        sous_par_prio.setdefault(code.split(".")[0], []).append((code, libelle))
    lignes = []
    for prio, libelle in PRIORITES:
        pilier = PILIER_PAR_PRIORITE[prio]
        lignes.append([prio, "", libelle, pilier])
        for code, lib in sous_par_prio[prio]:
            lignes.append([prio, code, lib, pilier])
    return lignes


def construire_porteurs():
    lignes = []
    for tableau, liste in (("Associations", PORTEURS_ASSOCIATIONS), ("Institutions", PORTEURS_INSTITUTIONS)):
        for ordre, (porteur, nombre) in enumerate(liste, start=1):
            lignes.append([tableau, str(ordre), porteur, nombre])
    return lignes


def construire_reference():
    lignes = []
    for canonique, (type_porteur, graphies) in PORTEURS_CANONIQUES.items():
        for graphie in graphies:
            lignes.append([graphie, canonique, type_porteur])
    return sorted(lignes, key=lambda lg: (lg[1], lg[0]))


def ecrire(chemin, entete, lignes):
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(entete)
        w.writerows(lignes)


def verifier(programmation, porteurs, reference):
    alias = {lg[0] for lg in reference}
    for lg in programmation:
        assert lg[2] in alias, lg[2]
    for lg in porteurs:
        assert lg[2] in alias, lg[2]
    nb = {"Associations": 0, "Institutions": 0}
    for lg in porteurs:
        nb[lg[0]] += int(lg[3])
    assert nb == {"Associations": 88, "Institutions": 65}, nb
    assert len(programmation) == 131, len(programmation)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="dossier des fichiers bruts (data/raw/2019)")
    parser.add_argument("--ref-out", help="dossier du référentiel des porteurs (data/reference/territoires/cabbalr)")
    args = parser.parse_args()

    programmation = construire_programmation()
    porteurs = construire_porteurs()
    reference = construire_reference()
    verifier(programmation, porteurs, reference)

    os.makedirs(args.out, exist_ok=True)
    ecrire(
        os.path.join(args.out, "feuille_de_route.csv"),
        ["priorite", "sous_priorite", "libelle", "pilier"],
        construire_feuille_de_route(),
    )
    ecrire(os.path.join(args.out, "programmation.csv"), PROGRAMMATION_COLONNES, programmation)
    ecrire(os.path.join(args.out, "porteurs.csv"), ["tableau", "ordre", "porteur", "nombre_projets"], porteurs)
    ecrire(os.path.join(args.out, "porteurs_synthese.csv"), SYNTHESE_COLONNES, SYNTHESE)
    if args.ref_out:
        os.makedirs(args.ref_out, exist_ok=True)
        ecrire(os.path.join(args.ref_out, "porteurs.csv"), ["alias", "porteur_canonique", "type_porteur"], reference)


if __name__ == "__main__":
    main()
