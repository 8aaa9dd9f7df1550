"""Génère un second territoire SYNTHÉTIQUE (données fictives) dont la programmation arrive dans une disposition
ÉTRANGÈRE au dépôt : export « long » (une ligne par action et par cofinanceur), autres noms de colonnes, autres
libellés, porteurs identifiés par leur SIRET ou leur RNA, et un fichier de subventions de l'agglomération au format
national SCDL « Subventions » (2.1).

    python scripts/generer_programmation_etrangere.py --out DOSSIER [--actions 10] [--annee 2032]
        [--reference-dir-param CHEMIN]

Tout est FICTIF : le territoire (« Communauté fictive des Coteaux d'Ailleurs »), ses communes (Ailleurs-la-Rivière,
Chimère-les-Bains, Utopie-Saint-Martin, Songe-sur-Brume), ses quartiers (codes locaux « LOC-QP01 »…), ses porteurs
et leurs numéros : les SIRET sont fabriqués sur des SIREN commençant par 99900 (clé de Luhn juste, pour éprouver la
vérification ; ils ne désignent aucune entreprise connue de ce dépôt), les RNA commencent par « W9990 ».

Écrit dans DOSSIER :

- ``raw/<annee>/programmation_export.csv`` : l'export long (séparateur « ; », montants « 8 000,00 »), avec un bloc de
  lignes « TOTAL » par cofinanceur dont une (Conseil régional) diffère volontairement de la somme des actions, et une
  ligne de total général (cofinanceur vide), somme des totaux imprimés, donc elle aussi 1 000 € au-dessus ;
- ``raw/<annee>/subventions_agglomeration_scdl.csv`` : les subventions de l'agglomération (SCDL 2.1), avec les cas
  qu'un trésorier vérifierait : un montant qui diffère (Compagnie Imaginaire du Théâtre : +500 €, identifiée par son
  seul RNA) ; une subvention de 5 000 € partagée entre trois bénéficiaires (0,5 / 0,3 / 0,2 : Association Passerelles
  Fictives 2 500 €, Régie de Quartier Fictive 1 500 €, CCAS de Chimère-les-Bains 1 000 € dont le SIRET a été lu comme
  un nombre à virgule, « ….0 », réparable) ; une subvention hors programmation en deux lignes (2 000 € à 0,6 / 0,4 :
  Association Les Jardins Fictifs 1 200 €, Ville d'Ailleurs-la-Rivière 800 €) ; une subvention de l'exercice
  précédent (800 €, jamais additionnée) ; une ligne dont le SIRET est en notation scientifique (700 €, écartée) ;
  l'agglomération elle-même absente (elle ne se subventionne pas) ;
- ``raw/<annee>/insee_qpv.csv`` : trois quartiers (population, demandeurs d'emploi, taux de pauvreté et d'emploi) ;
- ``reference/`` : communes, porteurs (avec leurs SIRET et RNA), nomenclature (copie de celle du dépôt), périmètres,
  et ``reference/correspondances/programmation_<annee>.yaml``, la correspondance de l'export ;
- ``params/<annee>.yaml`` et ``README.md``.

Avec ``--actions 10`` (défaut), les actions sont celles, écrites à la main, de la liste ``ACTIONS`` : c'est le jeu de
``tests/fixtures/territoire_etranger/`` (dont les valeurs attendues sont calculées à la main dans les tests). Au-delà,
les actions suivantes reprennent ces modèles avec 5 cofinanceurs chacune (``--actions 30000`` : environ 150 000 lignes,
pour mesurer la vitesse de la correspondance). Déterministe : mêmes options => fichiers identiques à l'octet près.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
from pathlib import Path

from politique_ville.clean.scdl import COLONNES_SCDL_V2

RACINE = Path(__file__).resolve().parents[1]
TERRITOIRE = "Communauté fictive des Coteaux d'Ailleurs"

COMMUNES = [  # nom officiel, variantes
    ("Ailleurs-la-Rivière", "Ailleurs-la-Rivière | Ailleurs la Rivière | AILLEURS-LA-RIVIERE"),
    ("Chimère-les-Bains", "Chimère-les-Bains | Chimere les Bains | CHIMERE-LES-BAINS"),
    ("Utopie-Saint-Martin", "Utopie-Saint-Martin | Utopie-St-Martin | UTOPIE-SAINT-MARTIN"),
    ("Songe-sur-Brume", "Songe-sur-Brume | Songe sur Brume | SONGE-SUR-BRUME"),
]
QUARTIERS = [  # code, nom, commune, population, demandeurs d'emploi (ABCDE), taux de pauvreté, taux d'emploi
    ("LOC-QP01", "Les Hauts d'Ailleurs", "Ailleurs-la-Rivière", 4000, 600, "42.5", "48.0"),
    ("LOC-QP02", "Quartier des Thermes", "Chimère-les-Bains", 2500, 300, "38.0", "52.0"),
    ("LOC-QP03", "Cité du Songe", "Utopie-Saint-Martin", 1500, 250, "45.0", "45.5"),
]


def cle_luhn(prefixe: str) -> str:
    """Le chiffre qui rend juste la clé de Luhn de ``prefixe`` + ce chiffre."""
    for d in "0123456789":
        n = prefixe + d
        total = 0
        for i, ch in enumerate(reversed(n)):
            x = int(ch) * (2 if i % 2 else 1)
            total += x - 9 if x > 9 else x
        if total % 10 == 0:
            return d
    raise AssertionError("impossible")


def siret_fictif(numero: int) -> str:
    siren = f"99900{numero:03d}"
    siren += cle_luhn(siren)
    nic = "0001"
    return siren + nic + cle_luhn(siren + nic)


#: code interne -> (nom canonique, type, SIRET, RNA)
PORTEURS = {
    "A": ("Association Passerelles Fictives", "association", siret_fictif(1), "W999000011"),
    "B": ("Ville d'Ailleurs-la-Rivière", "commune", siret_fictif(2), ""),
    "C": ("CCAS de Chimère-les-Bains", "CCAS", siret_fictif(3), ""),
    "D": ("Compagnie Imaginaire du Théâtre", "association", siret_fictif(4), "W999000044"),
    "E": ("Régie de Quartier Fictive", "association", siret_fictif(5), ""),
    "F": (TERRITOIRE, "EPCI", siret_fictif(6), ""),
    "G": ("Association Les Jardins Fictifs", "association", siret_fictif(7), "W999000077"),
}

#: libellé de l'export pour chaque cofinanceur (code canonique de ``politique_ville.clean.correspondance.FINANCEURS``)
COFINANCEURS = {
    "etat_credits_specifiques": "ANCT (BOP 147)",
    "etat_droit_commun": "Etat - autres ministères",
    "agglomeration": "CA Coteaux d'Ailleurs",
    "communes": "Ville",
    "departement": "Conseil départemental",
    "region": "Conseil régional",
    "caf": "CAF",
    "bailleurs": "Bailleur social",
    "autres": "Autre financeur",
}
AXES = {
    "cohesion": "Axe 1 - Cohésion sociale",
    "cadre": "Axe 2 - Cadre de vie",
    "emploi": "Axe 3 - Développement économique et emploi",
    "pilotage": "Pilotage du contrat",
}

#: Les 10 actions du jeu de test, écrites à la main : (intitulé, porteur tel qu'écrit dans l'export, code porteur,
#: SIRET écrit ?, RNA écrit ?, communes, quartiers, axe, thème, orientation, [(cofinanceur, montant)]).
ACTIONS = [
    (
        "Accompagnement à la scolarité",
        "Association Passerelles Fictives",
        "A",
        True,
        True,
        "Ailleurs-la-Rivière",
        "LOC-QP01",
        "cohesion",
        "Parentalité et éducation",
        "Priorité 1",
        [("etat_credits_specifiques", 8000), ("communes", 2000), ("caf", 1500)],
    ),
    (
        "Ateliers santé ville",
        "CCAS de Chimère-les-Bains",
        "C",
        True,
        False,
        "Chimère-les-Bains",
        "LOC-QP02",
        "cohesion",
        "Santé - accès aux soins",
        "Priorité 2",
        [("etat_credits_specifiques", 5000), ("departement", 3000)],
    ),
    (
        "Théâtre forum",
        "Compagnie Imaginaire du Théâtre",
        "D",
        False,
        True,
        "Ailleurs-la-Rivière",
        "LOC-QP01",
        "cohesion",
        "Culture et pratiques artistiques",
        "",
        [("etat_credits_specifiques", 4000), ("agglomeration", 2500), ("communes", 1000)],
    ),
    (
        "Chantier d'insertion espaces verts",
        "Régie de Quartier Fictive",
        "E",
        True,
        False,
        "Chimère-les-Bains",
        "LOC-QP02",
        "emploi",
        "Insertion professionnelle",
        "Priorité 3",
        [("etat_credits_specifiques", 10000), ("etat_droit_commun", 12000), ("region", 6000), ("bailleurs", 3000)],
    ),
    (
        "Gestion urbaine de proximité",
        "Ville d'Ailleurs-la-Rivière",
        "B",
        True,
        False,
        "Ailleurs-la-Rivière",
        "LOC-QP01",
        "cadre",
        "Habitat et cadre de vie",
        "",
        [("etat_credits_specifiques", 3000), ("communes", 7000), ("bailleurs", 4000)],
    ),
    (
        "Permanences d'accès aux droits",
        "ASSOCIATION PASSERELLES FICTIVES",
        "A",
        True,
        False,
        "Intercommunal",
        "",
        "cohesion",
        "Accès au droit",
        "",
        [("etat_credits_specifiques", 2500), ("agglomeration", 2500)],
    ),
    (
        "Soutien à la création d'entreprise",
        "Asso. Passerelles",
        "A",
        True,
        False,
        "Utopie-Saint-Martin",
        "LOC-QP03",
        "emploi",
        "Création d'activité",
        "",
        [("etat_credits_specifiques", 6000), ("region", 4000), ("agglomeration", 1000)],
    ),
    (
        "Médiation de nuit",
        "Régie de Quartier Fictive",
        "E",
        True,
        False,
        "Chimère-les-Bains / Utopie-Saint-Martin",
        "LOC-QP02, LOC-QP03",
        "cohesion",
        "Tranquillité publique",
        "",
        [("etat_credits_specifiques", 7000), ("communes", 3000), ("autres", 1000)],
    ),
    (
        "Conseil citoyen intercommunal",
        TERRITOIRE,
        "F",
        True,
        False,
        "Intercommunal",
        "",
        "cohesion",
        "Lien social et citoyenneté",
        "",
        [("etat_credits_specifiques", 1500), ("agglomeration", 1500)],
    ),
    (
        "Pilotage et animation du contrat de ville",
        TERRITOIRE,
        "F",
        True,
        False,
        "Intercommunal",
        "",
        "pilotage",
        "Pilotage",
        "",
        [("etat_credits_specifiques", 5000), ("agglomeration", 5000)],
    ),
]
#: écart volontaire du bloc « TOTAL » de l'export : le total du Conseil régional est écrit 1 000 € trop haut
ECART_TOTAL = ("region", 1000)

ENTETE_EXPORT = [
    "N° dossier",
    "Libellé de l'action",
    "Structure porteuse",
    "N° SIRET",
    "N° RNA",
    "Commune(s) d'intervention",
    "Quartier(s) prioritaire(s)",
    "Axe du contrat",
    "Thème",
    "Orientation",
    "Cofinanceur",
    "Montant accordé (€)",
]
#: colonnes d'un fichier SCDL « Subventions » (v2), celles que le paquet reconnaît
COLONNES_SCDL = list(COLONNES_SCDL_V2)

CORRESPONDANCE = """\
# Correspondance de l'export de programmation {annee} de la {territoire} (DONNÉES FICTIVES) avec le schéma
# canonique (voir src/politique_ville/correspondance.py). Export en disposition longue : une ligne par action et
# par cofinanceur. Produit par scripts/generer_programmation_etrangere.py.
source: "Export de programmation {annee}, {territoire} (données fictives)"
programmation:
  fichier: programmation_export.csv
  disposition: long
  colonnes:
    id_action: "N° dossier"
    intitule: "Libellé de l'action"
    porteur: "Structure porteuse"
    siret: "N° SIRET"
    rna: "N° RNA"
    communes: "Commune(s) d'intervention"
    qpv: "Quartier(s) prioritaire(s)"
    pilier: "Axe du contrat"
    thematique: "Thème"
    priorite: "Orientation"
    financeur: "Cofinanceur"
    montant: "Montant accordé (€)"
  financeurs:
    etat_credits_specifiques: "ANCT (BOP 147)"
    etat_droit_commun: "Etat - autres ministères"
    agglomeration: "CA Coteaux d'Ailleurs"
    communes: "Ville"
    departement: "Conseil départemental"
    region: "Conseil régional"
    caf: "CAF"
    bailleurs: "Bailleur social"
    autres: "Autre financeur"
  # l'agglomération finance le contrat de ville sur ses crédits propres de la politique de la ville
  nature_des_financeurs:
    agglomeration: credits_specifiques
  libelles:
    pilier:
      "Axe 1 - Cohésion sociale": "Cohésion sociale"
      "Axe 2 - Cadre de vie": "Cadre de vie et renouvellement urbain"
      "Axe 3 - Développement économique et emploi": "Emploi et développement économique"
      "Pilotage du contrat": "Pilotage"
    thematique:
      "Parentalité et éducation": "Education"
      "Santé - accès aux soins": "Santé"
      "Culture et pratiques artistiques": "Culture"
      "Insertion professionnelle": "Emploi"
      "Habitat et cadre de vie": "Cadre de vie"
      "Création d'activité": "Développement économique"
      "Tranquillité publique": "Prévention"
      "Lien social et citoyenneté": "Participation des habitants"
  ligne_total:
    colonne: "N° dossier"
    valeur: "TOTAL"
"""


def _montant_fr(x: int) -> str:
    """« 8 000,00 » (espace fine insécable des milliers, virgule décimale), comme un export de tableur français."""
    return f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")


def _csv(lignes: list[list], sep: str) -> str:
    tampon = io.StringIO()
    w = csv.writer(tampon, delimiter=sep, lineterminator="\r\n")
    w.writerows(lignes)
    return tampon.getvalue()


def actions(n: int) -> list[tuple]:
    """Les ``n`` actions : les 10 modèles, puis des variantes à 5 cofinanceurs."""
    sortie = []
    codes = list(COFINANCEURS)
    for i in range(n):
        modele = ACTIONS[i % len(ACTIONS)]
        if i < len(ACTIONS):
            sortie.append((f"2032-CV-{i + 1:05d}", *modele))
            continue
        facteur = 1 + (i // len(ACTIONS)) % 3
        fin = [(c, m * facteur) for c, m in modele[-1]]
        presents = {c for c, _ in fin}
        k = i
        while len(fin) < 5:
            c = codes[k % len(codes)]
            k += 1
            if c not in presents and c != "agglomeration":
                fin.append((c, 500 * (1 + i % 4)))
                presents.add(c)
        sortie.append((f"2032-CV-{i + 1:05d}", f"{modele[0]} ({i + 1})", *modele[1:-1], fin))
    return sortie


#: Feuille de route du contrat (priorités numérotées comme la colonne « Orientation » de l'export).
FEUILLE_DE_ROUTE = [
    ("1", "", "Réussite éducative et soutien à la parentalité", "Cohésion sociale"),
    ("2", "", "Accès aux soins et prévention santé", "Cohésion sociale"),
    ("3", "", "Insertion par l'activité économique", "Emploi et développement économique"),
    ("4", "", "Gestion urbaine de proximité", "Cadre de vie et renouvellement urbain"),
]


def tables_connexes(liste: list[tuple], annee: int) -> dict[str, list[list]]:
    """Les tables que le territoire fictif fournit déjà au format du dépôt (en-têtes de ``data/raw/2019/``) : feuille
    de route, tableaux des porteurs (projets déposés, dont deux non retenus), programmes connexes (fonds de cohésion
    sociale, fonds de concours, ITI, NPNRU, TFPB) et indicateurs d'actions. Tout est fictif."""
    deposes: dict[str, int] = {}
    cget = {"Associations": 0, "Institutions": 0}
    depenses = {"Associations": 0, "Institutions": 0}
    for _ident, _intitule, _ecrit, code, *_reste, fins in liste:
        deposes[code] = deposes.get(code, 0) + 1
        groupe = "Associations" if PORTEURS[code][1] == "association" else "Institutions"
        cget[groupe] += dict(fins).get("etat_credits_specifiques", 0)
        depenses[groupe] += sum(m for _, m in fins)
    deposes["G"] = deposes.get("G", 0) + 2  # deux projets déposés, non retenus
    porteurs = [["tableau", "ordre", "porteur", "nombre_projets"]]
    for groupe, types in (("Associations", ("association",)), ("Institutions", ("commune", "CCAS", "EPCI"))):
        ordre = 0
        for code, (nom, type_, _siret, _rna) in PORTEURS.items():
            if type_ in types and deposes.get(code):
                ordre += 1
                porteurs.append([groupe, str(ordre), nom.upper(), str(deposes[code])])
    n_assoc = sum(int(r[3]) for r in porteurs[1:] if r[0] == "Associations")
    n_inst = sum(int(r[3]) for r in porteurs[1:] if r[0] == "Institutions")
    return {
        "feuille_de_route": [["priorite", "sous_priorite", "libelle", "pilier"], *map(list, FEUILLE_DE_ROUTE)],
        "porteurs": porteurs,
        "porteurs_synthese": [
            [
                "tableau",
                "nombre_projets",
                "montant_cget",
                "depenses_subventionnables",
                "projets_deposes",
                "projets_retenus",
            ],
            [
                "Associations",
                str(n_assoc),
                _montant_fr(cget["Associations"]),
                _montant_fr(depenses["Associations"]),
                "",
                "",
            ],
            [
                "Institutions",
                str(n_inst),
                _montant_fr(cget["Institutions"]),
                _montant_fr(depenses["Institutions"]),
                "",
                "",
            ],
            ["Ensemble", "", "", "", str(n_assoc + n_inst), str(len(liste))],
        ],
        "fonds_cohesion_sociale": [
            ["section", "annee", "objet", "montant", "nombre_volets", "regle"],
            [
                "2.1",
                str(annee),
                "attribués aux conseils citoyens et associations de quartier (fictif)",
                "6 000 €",
                "",
                "",
            ],
        ],
        "fonds_concours": [
            ["tableau", "commune", "projet", "montant_operation", "montant_fdc", "regle_tableau"],
            [
                "FDC Politique de la Ville",
                "Chimère-les-Bains",
                "Rénovation d'une salle de quartier (fictif)",
                "100 000",
                "40 000",
                "40% des dépenses éligibles avec un montant de fonds de concours plafonné à 70.000 €",
            ],
        ],
        "iti_feder": [
            [
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
            ],
            [
                "projet",
                "Axe 1",
                "Favoriser la création d'activités dans les QPV",
                "Asso. Passerelles",
                "Couveuse d'entreprises (fictif)",
                "Utopie-Saint-Martin",
                "",
                "",
                "",
                "Asso. Passerelles – Couveuse d'entreprises (fictif)",
            ],
        ],
        "npnru": [
            ["quartier", "commune", "enveloppe", "instance", "date_decision"],
            [
                "Les Hauts d'Ailleurs",
                "Ailleurs-la-Rivière",
                "2 500 000 €",
                "Comité d'engagement (fictif)",
                f"15 mars {annee}",
            ],
        ],
        "tfpb_conventions": [
            ["bailleur", "type_acte", "quartier", "communes", "periode", "cadre", "libelle_rapport"],
            [
                "Habitat Fictif",
                "convention",
                "Quartier des Thermes",
                "Chimère-les-Bains",
                f"{annee}-{annee + 1}",
                "convention d'abattement (fictif)",
                "Convention Quartier des Thermes",
            ],
        ],
        "indicateurs_actions": [
            [
                "section",
                "action",
                "porteur",
                "indicateur",
                "annee",
                "valeur",
                "unite",
                "lecture_numerique",
                "approximatif",
            ],
            [
                "2.2",
                "Médiation de nuit",
                "Régie de Quartier Fictive",
                "interventions",
                str(annee),
                "120",
                "interventions",
                "",
                "non",
            ],
            [
                "2.2",
                "Médiation de nuit",
                "Régie de Quartier Fictive",
                "interventions",
                str(annee - 1),
                "95",
                "interventions",
                "",
                "non",
            ],
        ],
    }


def ecrire(out: Path, n: int = 10, annee: int = 2032, reference_dir_param: str | None = None) -> dict[str, Path]:
    out = Path(out)
    raw = out / "raw" / str(annee)
    ref = out / "reference"
    (ref / "correspondances").mkdir(parents=True, exist_ok=True)
    raw.mkdir(parents=True, exist_ok=True)
    (out / "params").mkdir(parents=True, exist_ok=True)
    liste = actions(n)
    # export long
    lignes = [ENTETE_EXPORT]
    totaux = {c: 0 for c in COFINANCEURS}
    for ident, intitule, ecrit, code, avec_siret, avec_rna, communes, qpv, axe, theme, orientation, fins in liste:
        _, _, siret, rna = PORTEURS[code]
        for c, montant in fins:
            lignes.append(
                [
                    ident,
                    intitule,
                    ecrit,
                    siret if avec_siret else "",
                    rna if avec_rna else "",
                    communes,
                    qpv,
                    AXES[axe],
                    theme,
                    orientation,
                    COFINANCEURS[c],
                    _montant_fr(montant),
                ]
            )
            totaux[c] += montant
    general = 0
    for c, total in totaux.items():
        if total:
            total += ECART_TOTAL[1] if c == ECART_TOTAL[0] else 0
            general += total
            lignes.append(
                ["TOTAL", "Total par cofinanceur", "", "", "", "", "", "", "", "", COFINANCEURS[c], _montant_fr(total)]
            )
    # total général (cofinanceur vide) : la somme des totaux imprimés, donc lui aussi 1 000 € au-dessus des actions
    lignes.append(["TOTAL", "Total général", "", "", "", "", "", "", "", "", "", _montant_fr(general)])
    chemins = {"export": raw / "programmation_export.csv"}
    chemins["export"].write_bytes(_csv(lignes, ";").encode("utf-8-sig"))
    # SCDL de l'agglomération (schéma 2.1), avec les cas qu'un trésorier vérifierait (voir le docstring)
    nom_f, _, siret_f, _ = PORTEURS["F"]
    scdl = [COLONNES_SCDL]

    def ligne_scdl(
        date,
        decision,
        code,
        objet,
        montant,
        *,
        siret=None,
        rna=None,
        pourcentage="",
        periode=None,
        dispositif=None,
        majuscules=True,
    ):
        nom, _, siret_p, rna_p = PORTEURS[code]
        return [
            nom_f,
            siret_f,
            date,
            decision,
            nom.upper() if majuscules else nom,
            siret_p if siret is None else siret,
            rna_p if rna is None else rna,
            objet,
            f"{montant:.2f}",
            "aide en numéraire",
            "unique",
            periode or f"{annee}-04-30",
            "",
            "non",
            pourcentage,
            dispositif or f"Contrat de ville {annee} (fictif)",
        ]

    premier_a = premier_d = True
    for ident, intitule, _ecrit, code, *_reste, fins in liste:
        montant = dict(fins).get("agglomeration")
        if not montant or code == "F":  # l'agglomération ne se subventionne pas elle-même
            continue
        date, decision = f"{annee}-03-15", f"DEL-{annee}-{ident[-5:]}"
        if code == "D" and premier_d:
            # différence volontaire : +500 € dans la délibération ; compagnie identifiée par son seul RNA (2.1)
            premier_d = False
            scdl.append(ligne_scdl(date, decision, "D", intitule, montant + 500, siret=""))
        elif code == "A" and premier_a:
            # subvention partagée entre trois bénéficiaires (0,5 / 0,3 / 0,2) : « montant » est le total avant
            # partage ; le SIRET du CCAS a été lu comme un nombre à virgule par un tableur (réparable)
            premier_a, total = False, 2 * montant
            scdl.append(ligne_scdl(date, decision, "A", intitule, total, pourcentage="0.5"))
            scdl.append(ligne_scdl(date, decision, "E", intitule, total, pourcentage="0.3"))
            scdl.append(
                ligne_scdl(date, decision, "C", intitule, total, siret=PORTEURS["C"][2] + ".0", pourcentage="0.2")
            )
        else:
            scdl.append(ligne_scdl(date, decision, code, intitule, montant))
    # subvention en deux lignes (0,6 / 0,4), hors programmation
    jardins = ("Jardins partagés (hors programmation)", 2000)
    date, decision, fph = f"{annee}-06-01", f"DEL-{annee}-HORS", "Fonds de participation des habitants (fictif)"
    scdl.append(
        ligne_scdl(
            date, decision, "G", *jardins, pourcentage="0.6", periode=f"{annee}-07-01", dispositif=fph, majuscules=False
        )
    )
    scdl.append(
        ligne_scdl(
            date, decision, "B", *jardins, pourcentage="0.4", periode=f"{annee}-07-01", dispositif=fph, majuscules=False
        )
    )
    # une subvention de l'exercice précédent : listée à part, jamais additionnée
    scdl.append(
        ligne_scdl(
            f"{annee - 1}-11-20",
            f"DEL-{annee - 1}-00042",
            "A",
            "Permanences d'accès aux droits (exercice précédent)",
            800,
            periode=f"{annee - 1}-12-15",
        )
    )
    # un SIRET en notation scientifique (chiffres perdus) : ligne écartée, montant montré
    scdl.append(
        ligne_scdl(
            f"{annee}-06-10",
            f"DEL-{annee}-00011",
            "E",
            "Chantier éducatif (été)",
            700,
            siret="9.9900005200012E+13",
            periode=f"{annee}-07-15",
        )
    )
    chemins["scdl"] = raw / "subventions_agglomeration_scdl.csv"
    chemins["scdl"].write_bytes(_csv(scdl, ",").encode("utf-8"))
    # tables déjà au format du dépôt (feuille de route, porteurs, programmes connexes), reprises telles quelles
    for nom, lignes_table in tables_connexes(liste, annee).items():
        chemins[nom] = raw / f"{nom}.csv"
        chemins[nom].write_bytes(_csv(lignes_table, ",").replace("\r\n", "\n").encode("utf-8"))
    # quartiers
    insee = [["CODGEO", "LIBGEO", "LIBCOM", "POP_MUN", "ABCDE", "TP60", "TX_TOT_EMPL"]]
    insee += [[c, nom, commune, str(p), str(d), tp, te] for c, nom, commune, p, d, tp, te in QUARTIERS]
    (raw / "insee_qpv.csv").write_bytes(_csv(insee, ";").encode("utf-8"))
    # référentiels
    (ref / "communes.csv").write_bytes(
        _csv(
            [["nom_officiel", "code_insee", "variantes", "contrat_de_ville", "qpv"]]
            + [[nom, "", var, "oui", "oui" if any(q[2] == nom for q in QUARTIERS) else "non"] for nom, var in COMMUNES],
            ",",
        )
        .replace("\r\n", "\n")
        .encode("utf-8")
    )
    porteurs = [["alias", "porteur_canonique", "type_porteur", "siret", "rna"]]
    for nom, type_, siret, rna in PORTEURS.values():
        porteurs.append([nom, nom, type_, siret, rna])
    (ref / "porteurs.csv").write_bytes(_csv(porteurs, ",").replace("\r\n", "\n").encode("utf-8"))
    shutil.copyfile(RACINE / "data" / "reference" / "nomenclature.csv", ref / "nomenclature.csv")
    (ref / "perimetres.csv").write_text(
        "nom,type,variantes,description\n"
        "Intercommunal,intercommunal,interco | intercommunal | intercommunale,action menée sur l'ensemble des "
        "communes du territoire (fictif)\n",
        encoding="utf-8",
    )
    chemins["correspondance"] = ref / "correspondances" / f"programmation_{annee}.yaml"
    chemins["correspondance"].write_text(CORRESPONDANCE.format(annee=annee, territoire=TERRITOIRE), encoding="utf-8")
    (out / "params" / f"{annee}.yaml").write_text(
        f"# Territoire ENTIÈREMENT FICTIF (scripts/generer_programmation_etrangere.py) : programmation reçue dans une\n"
        f"# disposition étrangère, lue par la correspondance reference/correspondances/programmation_{annee}.yaml.\n"
        f"annee: {annee}\n"
        f'territoire: "{TERRITOIRE} (données synthétiques)"\n'
        f'territoire_court: "CFCA (fictif)"\n'
        f'departement: "Département fictif 999"\n'
        f'reference_dir: "{reference_dir_param or ref}"\n'
        f"# l'export de la programmation, tel que reçu, lu par sa correspondance (relative au dossier des référentiels)\n"
        f'correspondance_programmation: "correspondances/programmation_{annee}.yaml"\n'
        f"# subventions de l'agglomération au format SCDL : vérification indépendante (chapitre de concordance)\n"
        f"scdl:\n"
        f"  - fichier: subventions_agglomeration_scdl.csv\n"
        f"    financeur: agglomeration\n"
        f'    attribuant_siret: "{PORTEURS["F"][2]}"\n'
        f'    attribuant_nom: "{TERRITOIRE}"\n',
        encoding="utf-8",
    )
    (out / "README.md").write_text(
        f"# {TERRITOIRE}, année {annee} : DONNÉES SYNTHÉTIQUES\n\n"
        f"Produit par `scripts/generer_programmation_etrangere.py --actions {n}` : rien ici n'est réel (territoire, "
        f"communes, quartiers, porteurs, SIRET — fabriqués sur des SIREN « 99900… » à clé de Luhn juste —, RNA "
        f"« W9990… », montants).\n\n"
        f"- `raw/{annee}/programmation_export.csv` : export de programmation en disposition LONGUE (une ligne par "
        f"action et cofinanceur), colonnes et libellés étrangers au dépôt, bloc « TOTAL » par cofinanceur (le total "
        f"du Conseil régional diffère volontairement de {ECART_TOTAL[1]} € de la somme des actions) et ligne de total "
        f"général (cofinanceur vide, somme des totaux imprimés : {ECART_TOTAL[1]} € au-dessus des actions) ;\n"
        f"- `raw/{annee}/subventions_agglomeration_scdl.csv` : subventions de l'agglomération au format SCDL 2.1, "
        f"avec des cas voulus : un montant +500 € (compagnie identifiée par son seul RNA), une subvention partagée "
        f"entre trois bénéficiaires (0,5 / 0,3 / 0,2, dont un SIRET lu comme un nombre à virgule), une subvention hors "
        f"programmation en deux lignes (0,6 / 0,4), une subvention de l'exercice précédent, un SIRET en notation "
        f"scientifique (ligne écartée), l'agglomération absente de son propre fichier ;\n"
        f"- `raw/{annee}/insee_qpv.csv` : trois quartiers fictifs (population, demandeurs d'emploi, taux de pauvreté, "
        f"taux d'emploi) ;\n"
        f"- `raw/{annee}/feuille_de_route.csv`, `porteurs.csv`, `porteurs_synthese.csv` et les programmes connexes "
        f"(`fonds_cohesion_sociale.csv`, `fonds_concours.csv`, `iti_feder.csv`, `npnru.csv`, `tfpb_conventions.csv`, "
        f"`indicateurs_actions.csv`) : tables déjà au format du dépôt, petites et fictives ;\n"
        f"- `reference/` : communes, porteurs (avec SIRET et RNA), nomenclature, périmètres, et la correspondance "
        f"`correspondances/programmation_{annee}.yaml` ;\n"
        f"- `params/{annee}.yaml` : déclare la correspondance (`correspondance_programmation`) et le fichier SCDL "
        f"(`scdl`).\n\n"
        f"Ce jeu est régénéré à l'identique par le script (vérifié par `tests/test_correspondance.py`) ; ne le "
        f"modifiez pas à la main.\n",
        encoding="utf-8",
    )
    return chemins


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=Path, help="dossier de sortie (hors de data/raw/)")
    p.add_argument("--actions", type=int, default=10, help="nombre d'actions (défaut 10 : le jeu des tests)")
    p.add_argument("--annee", type=int, default=2032)
    p.add_argument(
        "--reference-dir-param",
        default=None,
        help="valeur de reference_dir écrite dans params/<annee>.yaml (défaut : chemin absolu)",
    )
    a = p.parse_args(argv)
    if "data" in a.out.resolve().parts and "raw" in a.out.resolve().parts:
        p.error("n'écrivez pas dans data/raw/ : ces données sont fictives")
    chemins = ecrire(a.out, a.actions, a.annee, a.reference_dir_param)
    for nom, chemin in chemins.items():
        print(f"{nom} : {chemin}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
