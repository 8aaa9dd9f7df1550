"""Génère une année SYNTHÉTIQUE (données fictives) de taille nationale, pour mesurer le passage à l'échelle.

    python scripts/generer_territoire_synthetique.py --facteur 1 --out /tmp/bench/synth-1 [--annee 2099] [--graine 0]

Facteur 1 = taille nationale : 1 600 QPV (plus quelques quartiers communautaires ou de veille) et 30 000 actions ;
facteur 0.25 et 0.0625 donnent 1/4 et 1/16 de cette taille. Tout est écrit HORS de ``data/raw/`` :

- ``DIR/raw/<annee>/`` : les mêmes fichiers bruts, avec les mêmes colonnes, que ``data/raw/2019/`` (montants à la
  française « 12 345 € », graphies variables des communes et des porteurs, cases INSEE vides = secret statistique) ;
- ``DIR/reference/`` : communes (toutes leurs graphies), porteurs (toutes leurs graphies), nomenclature (copie de
  ``data/reference/nomenclature.csv``), périmètres ;
- ``DIR/params/<annee>.yaml`` : paramètres de l'année (``reference_dir`` absolu, ``fiches_quartier: 20``) ;
- ``DIR/README.md`` (et un README dans chaque dossier) : ces données sont fictives.

Données fictives, étiquetées comme telles partout : nom du territoire « Territoire synthétique (données fictives,
facteur F) », communes « Fictiville… », porteurs « … fictif(ve) », colonne ``source`` de la programmation, commentaires
du fichier de provenance INSEE. Aucun identifiant officiel : les codes de quartier sont des codes locaux
« LOC-QP0001… » / « LOC-QC0001… » (défaut), qu'on ne peut pas prendre pour des codes INSEE ; ``--codes qp99`` donne des
codes à la forme INSEE « QP99xxxx » (« département » 99x inexistant) pour éprouver cette forme ; les codes INSEE des
communes sont laissés vides.

Option ``--insee-national 2015 2024`` : écrit aussi, pour chaque géographie prioritaire demandée,
``DIR/insee_national/insee_qpv_national_fictif_<géographie>.xlsx``, un fichier NATIONAL fictif tel que l'INSEE publie
ses chiffres clés des QPV : noms de variables de l'INSEE en capitales (``CODE_QP``, ``POP_MUN``, ``TP60``,
``DISP_Q2``… : les 44 variables de sa documentation), mise en page de ses classeurs (lignes de titre, ligne des
libellés au-dessus de la ligne des noms de variables, notes « Source : », « Champ : » sous le tableau), marqueurs
« s » (secret statistique), « nd » (non disponible) et cases vides (secret, convention de l'INSEE). Il contient les
QPV du territoire (mêmes communes, mêmes populations et valeurs de base que ``insee_qpv.csv``) et ceux de communes
fictives hors du territoire, dans deux « départements » qui n'existent pas (99 et 96) : de quoi éprouver la sélection
d'un territoire dans un fichier national et les niveaux de comparaison. Les codes ont la forme de l'INSEE mais ne
désignent aucun quartier : géographie 2015 « QP99xxxx » / « QP96xxxx », géographie 2024 « QN99xxxxF » / « QN96xxxxF »
(« F » pour fictif) ; le titre du classeur, sa feuille et son nom de fichier disent « fictif ».

Option ``--insee-communes-reelles 2015 2024`` (seule : ni l'année synthétique ni ``--facteur`` requis) :

    python scripts/generer_territoire_synthetique.py --out /tmp/france --insee-communes-reelles 2015 2024 [--region 76]

écrit ``DIR/insee_national/insee_qpv_france_communes_reelles_<géographie>.xlsx``, un fichier NATIONAL fictif dont
les quartiers sont situés dans des communes RÉELLES d'EPCI à fiscalité propre réels : de quoi choisir dans un
fichier national un territoire désigné par son code (``territoire: {niveau: epci, code: "200072460"}``), comme le
ferait un nouvel utilisateur, ou passer tous les contrats de ville de France en revue. Même mise en page, mêmes 44
variables, mêmes marqueurs « s », « nd » et cases vides que le fichier de ``--insee-national`` ; titre, feuille et
nom de fichier disent « fictif ». Au facteur 1 (défaut), ~1 600 QPV (1 514 en géographie 2015, 1 600 en 2024) dans
~430 EPCI, les 13 régions de métropole et les 5 départements d'outre-mer, répartis sur les communes d'au moins
5 000 habitants selon leur population (les grandes communes en ont davantage) ; ~5 % des quartiers s'étendent sur
deux communes du même EPCI et du même département (« Commune A, Commune B ») ; voir :class:`QpvCommunesReelles`.
Les communes portent leur nom exact du Code officiel géographique (``data/reference/cog/``, lu par
``politique_ville.reference.territoires``) : ``POP_COM`` est leur population municipale légale, ``POP_COM_QP`` la somme des
populations des QPV de ces communes. Codes à la forme de l'INSEE, dans le vrai département de la commune :
géographie 2015 « QP062001 » (« QP », département sur trois caractères — « 062 », « 971 », « 02A », « 02B » —, trois
chiffres : ``schemas.MOTIF_CODE_QP_2015``, qui n'a pas de place pour une marque, si bien qu'un code peut être celui
d'un vrai quartier, que la ligne ne décrit pas) ; géographie 2024 « QN062001F » (même forme, « F » pour fictif :
``schemas.MOTIF_CODE_QP_2024``). Quartiers, noms (« Les Hauts 62-003 (quartier fictif) »), codes et valeurs sont
fictifs. ``--region 76`` (un ou plusieurs codes INSEE de région) écrit aussi l'extrait régional
``insee_qpv_region_76_communes_reelles_<géographie>.xlsx`` : les lignes de la région, identiques à celles du
fichier national, comme les fichiers régionaux que reçoivent les analystes. ``--facteur`` (0.25…) réduit le nombre
de QPV et d'EPCI.

Déterministe : même facteur, même année, même graine => fichiers identiques à l'octet près (le classeur aussi :
dates internes et horodatages de l'archive fixés).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import heapq
import io
import math
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
REFERENCE_2019 = RACINE / "data" / "reference"
FEUILLE_2019 = RACINE / "data" / "raw" / "2019" / "feuille_de_route.csv"

QPV_NATIONAL = 1600
ACTIONS_NATIONAL = 30000
MENTION = "données fictives (générateur synthétique)"

# --------------------------------------------------------------------------------------------- écriture


def _csv(chemin: Path, entete: list[str], lignes: list[list]) -> int:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    tampon = io.StringIO()
    w = csv.writer(tampon, lineterminator="\n")
    w.writerow(entete)
    for lg in lignes:
        w.writerow(["" if v is None else v for v in lg])
    chemin.write_text(tampon.getvalue(), encoding="utf-8")
    return len(lignes)


def _zip_deterministe(chemin: Path) -> None:
    """Classeur identique à l'octet près d'une exécution à l'autre : la date de modification qu'openpyxl écrit
    (l'heure courante) et les horodatages des membres de l'archive sont fixés."""
    with zipfile.ZipFile(chemin) as z:
        membres = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(chemin, "w") as z:
        for nom, contenu in membres:
            if nom == "docProps/core.xml":
                contenu = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", contenu
                )
            info = zipfile.ZipInfo(nom, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, contenu)


def ecrire_classeur_insee(chemin: Path, feuille: str, titre: str, sous_titre: str, lignes: list, champ: str) -> None:
    """Un classeur à la manière des chiffres clés QPV de l'INSEE : deux lignes de titre et une vide, libellés des 44
    variables, noms des variables en capitales, une ligne par quartier (``lignes``), une ligne vide et les notes
    « Source : », « Champ : » (``champ``), « Note : » ; déterministe (:func:`_zip_deterministe`)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = feuille
    ws.append([titre])
    ws.append([sous_titre])
    ws.append([])
    ws.append([libelle for _, libelle in Generateur.VARIABLES_INSEE])
    ws.append([n.upper() for n, _ in Generateur.VARIABLES_INSEE])
    for ligne in lignes:
        ws.append(ligne)
    ws.append([])
    ws.append([f"Source : fictive ({MENTION}), à la manière des chiffres clés des quartiers prioritaires de l'Insee."])
    ws.append([champ])
    ws.append(
        [
            "Note : s = secret statistique ; nd = non disponible ; case vide = secret statistique "
            "(convention de l'Insee)."
        ]
    )
    wb.properties.creator = "generer_territoire_synthetique.py (données fictives)"
    wb.properties.created = datetime.datetime(2000, 1, 1)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    wb.save(chemin)
    _zip_deterministe(chemin)


def milliers(n: float) -> str:
    """12345 -> « 12 345 » (espace ordinaire, comme les exports reçus)."""
    return f"{int(round(n)):,}".replace(",", " ")


def euros(n: float, rng: random.Random, points: float = 0.04, sans_espace: float = 0.02) -> str:
    """Montant à la française, avec les formats rencontrés en 2019 : « 12 345 € » surtout, parfois « 12.345 € »
    (point des milliers) ou « 12 345€ »."""
    x = rng.random()
    if x < points and n >= 1000:
        return f"{int(round(n)):,}".replace(",", ".") + " €"
    if x < points + sans_espace:
        return milliers(n) + "€"
    return milliers(n) + " €"


# --------------------------------------------------------------------------------------------- noms fictifs

BASES_COMMUNES = [
    "Fictiville",
    "Synthéval",
    "Modèlebourg",
    "Essaimont",
    "Simulac",
    "Maquetteville",
    "Nœuville",
    "Exemplois",
    "Facticourt",
    "Imaginy",
    "Prototypie",
    "Échantillac",
]
COMPLEMENTS_COMMUNES = [
    "",
    "-sur-Donnée",
    "-les-Essais",
    "-la-Maquette",
    "-en-Test",
    "-Saint-Calcul",
    "-lès-Tableaux",
    "-le-Fictif",
]
NOMS_QUARTIERS = [
    "Les Tilleuls",
    "Le Centre",
    "La Cité des Essais",
    "Les Hauts",
    "Le Moulin",
    "Les Peupliers",
    "La Fosse fictive",
    "Le Plateau",
    "Les Jardins",
    "La Gare",
    "Le Val",
    "Les Provinces",
    "La Renaissance",
    "Le Regain",
    "Les Astres",
    "Le Bois fictif",
]
PREFIXES_ASSOCIATIONS = [
    "Association fictive",
    "Amicale fictive",
    "Collectif fictif",
    "Maison fictive",
    "Atelier fictif",
    "Réseau fictif",
    "Centre social fictif",
    "Club fictif",
]
THEMES_ASSOCIATIONS = [
    "des Essais",
    "Horizon",
    "Trait d’Union",
    "Les Échantillons",
    "Passerelle",
    "Solidarité",
    "Cap Emploi",
    "Lien Social",
    "Jeunesse",
    "Les Quartiers",
    "Médiation",
    "Insertion",
]
AUTRES_INSTITUTIONS = [
    "Bailleur fictif",
    "Office fictif de l’habitat",
    "Mission locale fictive",
    "Groupement fictif d’employeurs",
    "Régie fictive de quartier",
]
BAILLEURS = [
    "Habitat fictif",
    "Logis synthétique",
    "Foyer d’essai",
    "Cités modèles",
    "Toit fictif",
    "Résidences d’exemple",
    "Immobilière fictive",
    "Office public fictif",
]


def _sans_accents(t: str) -> str:
    import unicodedata

    t = t.replace("œ", "oe").replace("Œ", "OE")
    return "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))


def nom_commune(i: int) -> str:
    n = len(BASES_COMMUNES) * len(COMPLEMENTS_COMMUNES)
    base = (
        BASES_COMMUNES[i % len(BASES_COMMUNES)]
        + COMPLEMENTS_COMMUNES[(i // len(BASES_COMMUNES)) % len(COMPLEMENTS_COMMUNES)]
    )
    return base if i < n else f"{base} {i // n + 1}"


def variantes_commune(nom: str) -> list[str]:
    """Graphies rencontrées : capitales sans accents, espaces au lieu des tirets, une lettre doublée (faute de
    frappe, comme « Calonnne-Ricouart » en 2019)."""
    majuscules = _sans_accents(nom).upper()
    espaces = nom.replace("-", " ")
    i = next(k for k, c in enumerate(nom) if c in "lnt" and k > 2)
    faute = nom[:i] + nom[i] + nom[i:]
    return list(dict.fromkeys(v for v in [majuscules, espaces, faute] if v != nom))


# --------------------------------------------------------------------------------------------- générateur


class Generateur:
    def __init__(self, facteur: float, annee: int, graine: int, codes: str = "local", insee_national=()):
        if facteur <= 0:
            raise SystemExit("--facteur doit être > 0")
        self.f, self.annee, self.graine, self.codes = facteur, annee, graine, codes
        self.geographies_nationales = tuple(sorted(set(insee_national)))
        self.rng = random.Random(f"{graine}-{facteur}-{annee}")
        self.n_qpv = max(8, round(QPV_NATIONAL * facteur))
        self.n_qc = max(2, round(self.n_qpv * 0.03))
        self.n_actions = max(60, round(ACTIONS_NATIONAL * facteur))
        # communes : ~0,55 commune par QPV (1 600 QPV sur ~ 880 communes), plus 10 % de communes sans QPV
        self.n_communes_qpv = max(5, round(self.n_qpv * 0.55))
        self.n_communes = self.n_communes_qpv + max(2, round(self.n_communes_qpv * 0.10))
        self.territoire = f"Territoire synthétique (données fictives, facteur {facteur:g})"

    # ------------------------------------------------------------------ communes et quartiers
    def communes(self):
        self.noms_communes = [nom_commune(i) for i in range(self.n_communes)]
        self.variantes = {n: variantes_commune(n) for n in self.noms_communes}
        self.communes_qpv = self.noms_communes[: self.n_communes_qpv]

    def graphie(self, commune: str) -> str:
        """Une commune telle qu'un export l'écrit : le nom officiel le plus souvent, sinon une de ses variantes."""
        x = self.rng.random()
        if x < 0.7:
            return commune
        v = self.variantes[commune]
        return v[int((x - 0.7) / 0.3 * len(v)) % len(v)]

    def quartiers(self):
        rng = self.rng
        self.qpv = []
        # chaque commune « qpv » a au moins un quartier ; les autres quartiers vont aux communes déjà dotées
        rattachement = list(self.communes_qpv) + [
            rng.choice(self.communes_qpv) for _ in range(self.n_qpv - len(self.communes_qpv))
        ]
        rng.shuffle(rattachement)
        noms_vus = set()
        for k in range(self.n_qpv + self.n_qc):
            est_qpv = k < self.n_qpv
            principale = rattachement[k] if est_qpv else rng.choice(self.noms_communes)
            communes = [principale]
            if rng.random() < 0.12:  # QPV intercommunal : 2 ou 3 communes
                for _ in range(rng.choice([1, 1, 2])):
                    c = rng.choice(self.noms_communes)
                    if c not in communes:
                        communes.append(c)
            nom = f"{NOMS_QUARTIERS[k % len(NOMS_QUARTIERS)]} {k // len(NOMS_QUARTIERS) + 1}"
            assert nom not in noms_vus
            noms_vus.add(nom)
            if self.codes == "local":  # « LOC-QP0001 » (schemas.MOTIF_CODE_QP : LOC-Q[PC] + 2 à 4 chiffres)
                code = f"LOC-QP{k + 1:04d}" if est_qpv else f"LOC-QC{k - self.n_qpv + 1:04d}"
            else:
                code = f"QP99{k + 1:04d}" if est_qpv else f"QP99{5000 + k - self.n_qpv + 1:04d}"
            self.qpv.append(
                {
                    "code": code,
                    "nom": nom if rng.random() > 0.03 else "",
                    "nom_interne": nom,
                    "communes": communes,
                    "est_qpv": est_qpv,
                    "type": "QPV" if est_qpv else rng.choice(["quartier communautaire", "quartier de veille"]),
                    "annee": 2014 if est_qpv else rng.choice([2015, 2015, 2018]),
                }
            )

    # ------------------------------------------------------------------ INSEE
    INDICATEURS = [
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
    SECRETS = ("decuc_q2", "part_retard_3e", "part_de_plus_2ans_f", "part_de_plus_2ans_h")

    def insee(self, dossier: Path):
        rng = self.rng
        lignes, provenance, valeurs = [], [], []
        self.valeurs_qpv = {}  # code -> valeurs tirées (reprises par le fichier national fictif)
        for q in self.qpv:
            base = [q["code"], q["nom"], ", ".join(self.graphie(c) for c in q["communes"]), q["type"], q["annee"]]
            if not q["est_qpv"]:
                lignes.append(base + [""] * len(self.INDICATEURS))
                for var in self.INDICATEURS:
                    provenance.append(
                        [
                            "insee_qpv.csv",
                            q["code"],
                            var,
                            "non disponible",
                            "quartier hors géographie prioritaire réglementaire : l'INSEE ne le couvre "
                            f"pas ({MENTION})",
                        ]
                    )
                continue
            pop = max(800, int(rng.lognormvariate(8.0, 0.45)))
            fragilite = rng.uniform(0.7, 1.3)
            v = {
                "pop_mun": pop,
                "ind_jeune": round(rng.uniform(0.9, 2.6), 1),
                "pmimp": round(min(60, max(8, rng.gauss(25, 5) / fragilite)), 1),
                "decuc_q2": int(rng.gauss(13000, 1100) / fragilite**0.3),
                "tx_tot_empl": round(min(75, max(35, rng.gauss(55, 4) / fragilite**0.5)), 1),
            }
            v["abcde_f"] = int(pop * 0.07 * fragilite)
            v["abcde_h"] = int(pop * 0.085 * fragilite)
            v["abcde"] = v["abcde_f"] + v["abcde_h"]
            v["a"] = int(pop * 0.2 * fragilite)
            for var, (m, s) in {
                "part_moins_25": (38, 3.5),
                "part_menages_1pers": (35, 4.5),
                "part_retard_3e": (32, 5),
                "part_de_plus_2ans_f": (29, 2.5),
                "part_de_plus_2ans_h": (31, 2.5),
            }.items():
                v[var] = round(min(95, max(5, rng.gauss(m, s))), 1)
            v["nb_beneficiaires_rsa"] = int(pop * 0.09 * fragilite)
            v["nb_beneficiaires_cmu"] = int(pop * 0.23 * fragilite)
            v["nb_etablissements"] = max(3, int(pop * rng.uniform(0.03, 0.05)))
            v["nb_etablissements_commerce_services"] = int(v["nb_etablissements"] * rng.uniform(0.55, 0.7))
            v["nb_creations_transferts_2013"] = int(v["nb_etablissements"] * rng.uniform(0.05, 0.12))
            v["nb_entrees_contrats_aides_2016"] = int(pop * 0.012 * fragilite)
            secret = set()
            if pop < 1300:  # petit quartier : secret statistique sur une ou deux variables, comme l'INSEE
                secret |= set(rng.sample(self.SECRETS, rng.choice([1, 2])))
            elif rng.random() < 0.02:
                secret.add(rng.choice(self.SECRETS))
            cellules = []
            for var in self.INDICATEURS:
                x = v[var]
                if var in secret:
                    cellules.append("")
                    provenance.append(
                        [
                            "insee_qpv.csv",
                            q["code"],
                            var,
                            "secret statistique",
                            f"cellule vide : petit effectif ({MENTION})",
                        ]
                    )
                    continue
                # bruit de calcul des exports (1.7000000000000002), comme en 2019
                texte = repr(x + 1e-15) if isinstance(x, float) and rng.random() < 0.01 else str(x)
                cellules.append(texte)
                provenance.append(["insee_qpv.csv", q["code"], var, "reconstruit", f"valeur fictive ({MENTION})"])
            lignes.append(base + cellules)
            valeurs.append(v | {"secret": secret})
            self.valeurs_qpv[q["code"]] = v | {"secret": secret, "fragilite": fragilite}
        provenance.insert(
            0,
            [
                "insee_qpv.csv",
                self.qpv[0]["code"],
                "code_qp",
                "reconstruit",
                f"codes locaux fictifs, pas des codes INSEE ({MENTION})"
                if self.codes == "local"
                else f"codes « QP99… » fictifs : le « département » 99x n'existe pas ({MENTION})",
            ],
        )
        _csv(
            dossier / "insee_qpv.csv",
            ["code_qp", "nom_qp", "nom_commune", "type_quartier", "annee_reconnaissance"] + self.INDICATEURS,
            lignes,
        )

        def somme(var):
            return sum(v[var] for v in valeurs)

        def moyenne(var, poids="pop_mun"):
            vals = [(v[var], v[poids]) for v in valeurs if var not in v["secret"]]
            return sum(a * b for a, b in vals) / sum(b for _, b in vals)

        pop_qpv = somme("pop_mun")
        parts = {
            "pop_mun": 0.13,
            "abcde": 0.19,
            "a": 0.19,
            "nb_beneficiaires_rsa": 0.28,
            "nb_beneficiaires_cmu": 0.31,
            "nb_etablissements": 0.09,
            "nb_etablissements_commerce_services": 0.097,
            "nb_creations_transferts_2013": 0.08,
            "nb_entrees_contrats_aides_2016": 0.21,
        }
        agglo = {k: somme(k) / p for k, p in parts.items()}
        pourcent = lambda x: f"{x:.1f}%"  # noqa: E731
        entete = [
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
        jeunes_qpv_dep = int(pop_qpv * 2.1 * 0.41)
        refs = [
            [
                "Agglomération",
                f"{self.territoire} — ensemble",
                milliers(agglo["pop_mun"]),
                "",
                "1.2",
                "45.6%",
                f"{milliers(1476)} €",
                "57.5%",
                milliers(agglo["abcde"]),
                "",
                "",
                milliers(agglo["a"]),
                "32.6%",
                "28.3%",
                "18%",
                "",
                "",
                "",
                milliers(agglo["nb_beneficiaires_rsa"]),
                milliers(agglo["nb_beneficiaires_cmu"]),
                milliers(agglo["nb_etablissements"]),
                milliers(agglo["nb_etablissements_commerce_services"]),
                milliers(agglo["nb_creations_transferts_2013"]),
                milliers(agglo["nb_entrees_contrats_aides_2016"]),
                str(len({c for q in self.qpv if q["est_qpv"] for c in q["communes"]})),
                str(round(self.n_qpv * 1.0)),
                str(round(self.n_qpv * 1.0)),
                str(round(self.n_qpv * 0.4)),
            ],
            [
                "Moyenne des QPV de l'agglomération",
                f"QPV du {self.territoire}",
                "",
                "",
                f"{moyenne('ind_jeune'):.1f}",
                f"{moyenne('pmimp'):.0f}%",
                f"{milliers(moyenne('decuc_q2') / 12)}€",
                pourcent(moyenne("tx_tot_empl")),
                "",
                "",
                "",
                "",
                f"{moyenne('part_moins_25'):.0f}%",
                f"{moyenne('part_menages_1pers'):.0f}%",
                f"{moyenne('part_retard_3e'):.0f}%",
                f"{moyenne('part_de_plus_2ans_f', 'abcde_f'):.0f}%",
                f"{moyenne('part_de_plus_2ans_h', 'abcde_h'):.0f}%",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "QPV du département",
                "QPV du département fictif",
                milliers(pop_qpv * 2.1),
                milliers(jeunes_qpv_dep),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "41%",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "Hors QPV de l'agglomération",
                f"{self.territoire} hors QPV",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "29%",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "Département",
                "Département fictif",
                milliers(pop_qpv * 2.1 / 0.128),
                milliers(jeunes_qpv_dep * 6),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
        _csv(dossier / "insee_references.csv", entete, refs)
        for var in ("pop_mun", "abcde", "a", "nb_beneficiaires_rsa", "nb_beneficiaires_cmu"):
            provenance.append(
                [
                    "insee_references.csv",
                    "Agglomération",
                    var,
                    "reconstruit",
                    f"total fictif : la somme des QPV en représente {parts[var]:.0%} ({MENTION})",
                ]
            )
        provenance.append(
            [
                "insee_references.csv",
                "Hors QPV de l'agglomération",
                "part_de_plus_2ans",
                "approximatif",
                f"valeur fictive donnée comme approximative ({MENTION})",
            ]
        )
        _csv(dossier / "insee_provenance.csv", ["fichier", "cle", "variable", "provenance", "commentaire"], provenance)

    # ------------------------------------------------------------------ fichier national fictif, format INSEE
    #: Variables des chiffres clés QPV de l'INSEE (nom, libellé), dans l'ordre de sa documentation.
    VARIABLES_INSEE = [
        ("code_qp", "Code du quartier prioritaire (QP)"),
        ("nom_qp", "Libellé du QP"),
        ("nom_commune", "Libellé géographique de la (des) commune(s) englobante(s)"),
        ("pop_mun", "Population municipale du QP"),
        ("pop_com_qp", "Cumul de la population municipale de tous les QP de la (des) commune(s) englobante(s)"),
        ("pop_com", "Population municipale de la (des) commune(s) englobante(s)"),
        ("ind_jeune", "Indice de jeunesse : population de 0 à 19 ans / population de 60 ans et plus"),
        ("tx_tot_et", "Part des étrangers parmi la population"),
        ("tx_f", "Part des femmes parmi la population"),
        ("tx_f_et", "Part des étrangères parmi les femmes"),
        ("percou", "Nombre de personnes couvertes par au moins une prestation CAF"),
        ("pmimp", "Part des ménages imposés"),
        (
            "part_chomprinc",
            "Part des ménages dont l'origine principale du revenu déclaré repose sur des indemnités de chômage",
        ),
        ("decuc_q2", "Médiane (en euros) du revenu déclaré par unité de consommation"),
        ("decuc_d1", "Premier décile du revenu déclaré par unité de consommation"),
        ("decuc_d9", "Neuvième décile du revenu déclaré par unité de consommation"),
        ("disp_q2", "Médiane (en euros) du revenu disponible par unité de consommation"),
        ("disp_d1", "Premier décile (en euros) du revenu disponible par unité de consommation"),
        ("disp_d9", "Neuvième décile (en euros) du revenu disponible par unité de consommation"),
        ("tp60", "Taux de pauvreté"),
        ("brev", "Taux de bas revenus"),
        ("a", "Nombre total de foyers allocataires percevant au moins une prestation CAF"),
        ("tx_tot_empl", "Part des personnes de 15 à 64 ans actives ayant un emploi parmi les personnes de 15 à 64 ans"),
        ("tx_f_empl", "Part des femmes de 15 à 64 ans actives ayant un emploi parmi les femmes de 15 à 64 ans"),
        ("tx_et_empl", "Part des étrangers de 15 à 64 actifs ayant un emploi parmi les étrangers de 15 à 64 ans"),
        ("tx_tot_eprec", "Part des personnes en emploi précaire parmi les personnes ayant un emploi."),
        ("tx_f_eprec", "Part des femmes en emploi précaire parmi les femmes ayant un emploi."),
        ("tx_et_eprec", "Part des étrangers en emploi précaire parmi les étrangers ayant un emploi."),
        ("abcde", "Nombre total de demandeurs d'emploi en fin de mois"),
        ("abcde_f", "Nombre total de demandeurs d'emploi femmes"),
        ("abcde_h", "Nombre total de demandeurs d'emploi hommes"),
        ("abc_capbep", "Nombre de demandeurs d'emploi de catégorie A, B ou C de niveau de formation CAP-BEP"),
        ("abc_bac", "Nombre de demandeurs d'emploi de catégorie A, B ou C de niveau de formation BAC"),
        ("abc_supbac", "Nombre de demandeurs d'emploi de catégorie A, B ou C de niveau de formation supérieur au BAC"),
        ("ec_mat", "Nombre d'écoles maternelles à moins de 100m du QP"),
        ("ec_elem", "Nombre d'écoles élémentaires à moins de 100m du QP"),
        ("ec_elem_pri", "Nombre d'écoles élémentaires privées à moins de 100m du QP"),
        ("coll", "Nombre de collèges à moins de 300m du QP"),
        ("coll_pri", "Nombre de collèges privés à moins de 300m du QP"),
        ("nbetab", "Nombre d'établissements"),
        ("ens_sante", "Nombre d'établissements de service aux particuliers : enseignement, santé et action sociale"),
        ("serv_par", "Nombre d'établissements de service aux particuliers"),
        ("serv_tot", "Nombre d'établissements de service : services aux entreprise et services aux particuliers"),
        ("auto_ent", "Nombre d'auto-entrepreneurs parmi les créations d'établissements"),
    ]
    #: secret statistique (« s ») des déciles et du taux de pauvreté d'un petit quartier
    SECRETS_NATIONAUX = ("decuc_d1", "decuc_d9", "disp_d1", "disp_d9", "tp60", "brev")
    #: non disponible (« nd ») : emploi des étrangers
    NON_DISPONIBLES_NATIONAUX = ("tx_et_empl", "tx_et_eprec")

    def code_national(self, geographie: str, departement: str, numero: int) -> str:
        """Code à la forme de l'INSEE, dans un « département » qui n'existe pas (99 ou 96) : « QP990001 » (2015),
        « QN990001F » (2024, « F » pour fictif)."""
        return f"QP{departement}{numero:04d}" if geographie == "2015" else f"QN{departement}{numero:04d}F"

    def quartiers_nationaux(self, geographie: str, rng: random.Random) -> list[dict]:
        """Les QPV du territoire (« département » 99), puis d'autres QPV fictifs du 99 et du 96, hors du territoire,
        dans des communes fictives qui ne sont pas celles du territoire."""
        sortie = []
        qpv = [q for q in self.qpv if q["est_qpv"]]
        for k, q in enumerate(qpv, start=1):
            sortie.append(
                {
                    "code": self.code_national(geographie, "99", k),
                    "nom": q["nom_interne"],
                    "communes": list(q["communes"]),
                    "valeurs": self.valeurs_qpv[q["code"]],
                }
            )
        autres = {"99": max(4, len(qpv) // 4), "96": max(4, len(qpv) // 2)}
        i_commune = self.n_communes
        for dep, n in autres.items():
            debut = len(qpv) + 1 if dep == "99" else 1
            communes = []
            for _ in range(max(2, round(n * 0.55))):
                communes.append(nom_commune(i_commune))
                i_commune += 1
            for j in range(n):
                k = debut + j
                choix = [communes[j % len(communes)]]
                if rng.random() < 0.12:
                    autre = rng.choice(communes)
                    if autre not in choix:
                        choix.append(autre)
                nom = f"{NOMS_QUARTIERS[(k + 3) % len(NOMS_QUARTIERS)]} fictif {dep}-{k}"
                sortie.append(
                    {"code": self.code_national(geographie, dep, k), "nom": nom, "communes": choix, "valeurs": None}
                )
        return sortie

    @staticmethod
    def valeurs_nationales(q: dict, rng: random.Random, pop: int | None = None) -> dict:
        """Les 44 variables d'un quartier : celles du territoire (``q["valeurs"]``) reprises, les autres tirées ;
        ``pop`` : population municipale imposée (sinon tirée) d'un quartier qui n'est pas du territoire."""
        base = q["valeurs"]
        if base is None:
            fragilite = rng.uniform(0.7, 1.3)
            pop = pop if pop is not None else max(800, int(rng.lognormvariate(8.0, 0.45)))
            v = {
                "pop_mun": pop,
                "ind_jeune": round(rng.uniform(0.9, 2.6), 1),
                "pmimp": round(min(60, max(8, rng.gauss(25, 5) / fragilite)), 1),
                "decuc_q2": int(rng.gauss(13000, 1100) / fragilite**0.3),
                "tx_tot_empl": round(min(75, max(35, rng.gauss(55, 4) / fragilite**0.5)), 1),
                "abcde_f": int(pop * 0.07 * fragilite),
                "abcde_h": int(pop * 0.085 * fragilite),
                "a": int(pop * 0.2 * fragilite),
            }
            v["abcde"] = v["abcde_f"] + v["abcde_h"]
        else:
            fragilite = base["fragilite"]
            v = {
                k: base[k]
                for k in (
                    "pop_mun",
                    "ind_jeune",
                    "pmimp",
                    "decuc_q2",
                    "tx_tot_empl",
                    "abcde_f",
                    "abcde_h",
                    "abcde",
                    "a",
                )
            }
        pop = v["pop_mun"]
        un = lambda x: round(min(100.0, max(0.0, x)), 1)  # noqa: E731 (taux à une décimale, dans [0, 100])
        v["tx_tot_et"] = un(rng.uniform(3, 35))
        v["tx_f"] = un(rng.gauss(52, 1.5))
        v["tx_f_et"] = un(v["tx_tot_et"] * rng.uniform(0.85, 1.1))
        v["percou"] = min(pop, int(v["a"] * rng.uniform(2.2, 2.8)))
        v["part_chomprinc"] = un(rng.uniform(2, 8) * fragilite)
        v["decuc_d1"] = int(v["decuc_q2"] * rng.uniform(0.15, 0.35))
        v["decuc_d9"] = int(v["decuc_q2"] * rng.uniform(1.9, 2.6))
        v["disp_q2"] = int(v["decuc_q2"] * rng.uniform(1.05, 1.2))
        v["disp_d1"] = int(v["disp_q2"] * rng.uniform(0.5, 0.65))
        v["disp_d9"] = int(v["disp_q2"] * rng.uniform(1.6, 2.0))
        v["tp60"] = un(min(80, max(15, rng.gauss(42, 8) * fragilite)))
        v["brev"] = un(v["tp60"] * rng.uniform(0.9, 1.15))
        v["tx_f_empl"] = un(v["tx_tot_empl"] - rng.uniform(3, 9))
        v["tx_et_empl"] = un(v["tx_tot_empl"] - rng.uniform(2, 12))
        v["tx_tot_eprec"] = un(rng.uniform(15, 30))
        v["tx_f_eprec"] = un(v["tx_tot_eprec"] + rng.uniform(-2, 5))
        v["tx_et_eprec"] = un(v["tx_tot_eprec"] + rng.uniform(0, 10))
        v["abc_capbep"] = int(v["abcde"] * rng.uniform(0.3, 0.4))
        v["abc_bac"] = int(v["abcde"] * rng.uniform(0.2, 0.3))
        v["abc_supbac"] = int(v["abcde"] * rng.uniform(0.08, 0.15))
        v["ec_mat"], v["ec_elem"] = rng.randint(0, 4), rng.randint(0, 4)
        v["ec_elem_pri"], v["coll"], v["coll_pri"] = rng.randint(0, 1), rng.randint(0, 2), rng.randint(0, 1)
        v["nbetab"] = max(3, int(pop * rng.uniform(0.03, 0.05)))
        v["ens_sante"] = int(v["nbetab"] * rng.uniform(0.1, 0.2))
        v["serv_par"] = int(v["nbetab"] * rng.uniform(0.3, 0.45))
        v["serv_tot"] = v["serv_par"] + int(v["nbetab"] * rng.uniform(0.15, 0.3))
        v["auto_ent"] = int(v["nbetab"] * rng.uniform(0.05, 0.15))
        return v

    def insee_national(self, dossier: Path, geographie: str) -> Path:
        """Le fichier national fictif d'une géographie (« 2015 » ou « 2024 »), au format des classeurs de l'INSEE."""
        rng = random.Random(f"{self.graine}-{self.f}-{self.annee}-insee-national-{geographie}")
        quartiers = self.quartiers_nationaux(geographie, rng)
        valeurs = [self.valeurs_nationales(q, rng) for q in quartiers]
        pop_communes: dict[str, int] = {}
        for q, v in zip(quartiers, valeurs):
            for c in q["communes"]:
                pop_communes[c] = pop_communes.get(c, 0) + v["pop_mun"]
        facteurs = {c: rng.uniform(3, 9) for c in sorted(pop_communes)}
        pop_communes = {c: max(5000, round(p * facteurs[c])) for c, p in pop_communes.items()}
        lignes = []
        for k, (q, v) in enumerate(zip(quartiers, valeurs), start=1):
            communes = q["communes"]
            v = v | {
                "pop_com_qp": sum(
                    w["pop_mun"] for r, w in zip(quartiers, valeurs) if set(r["communes"]) & set(communes)
                ),
                "pop_com": sum(pop_communes[c] for c in communes),
            }
            secret_decuc = q["valeurs"] is not None and "decuc_q2" in q["valeurs"]["secret"]
            lignes.append([q["code"], q["nom"], ", ".join(communes)] + self.cellules_insee(k, v, secret_decuc))
        chemin = dossier / f"insee_qpv_national_fictif_{geographie}.xlsx"
        ecrire_classeur_insee(
            chemin,
            feuille="QPV fictifs",
            titre=f"Quartiers prioritaires de la politique de la ville (géographie {geographie}) : chiffres clés — "
            f"FICHIER FICTIF ({MENTION})",
            sous_titre="Mis en forme comme les fichiers de l'Insee ; quartiers, communes, codes et valeurs fictifs : "
            "aucun quartier réel.",
            lignes=lignes,
            champ="Champ : quartiers prioritaires fictifs de deux « départements » fictifs (99 et 96).",
        )
        return chemin

    @classmethod
    def cellules_insee(cls, k: int, v: dict, secret_decuc: bool = False) -> list:
        """Les cellules des variables 4 à 44 (après code, nom et communes) de la k-ième ligne d'un fichier au format
        de l'INSEE : valeurs, ou marqueurs « s » (petit quartier, une ligne sur 7 : déciles et taux de pauvreté),
        « nd » (une ligne sur 11 : emploi des étrangers), case vide (une ligne sur 13 : part des étrangères)."""
        marques = {}
        if v["pop_mun"] < 1300 or k % 7 == 0:
            marques |= {var: "s" for var in cls.SECRETS_NATIONAUX}
        if secret_decuc:
            marques["decuc_q2"] = "s"
        if k % 11 == 0:
            marques |= {var: "nd" for var in cls.NON_DISPONIBLES_NATIONAUX}
        if k % 13 == 0:
            marques["tx_f_et"] = None  # case vide : secret statistique, convention de l'INSEE
        return [marques[var] if var in marques else v[var] for var, _ in cls.VARIABLES_INSEE[3:]]

    # ------------------------------------------------------------------ feuille de route, porteurs
    def feuille_de_route(self, dossier: Path):
        shutil.copyfile(FEUILLE_2019, dossier / "feuille_de_route.csv")
        with open(FEUILLE_2019, encoding="utf-8", newline="") as f:
            fdr = list(csv.DictReader(f))
        self.piliers_priorite = {int(lg["priorite"]): lg["pilier"] for lg in fdr if not lg["sous_priorite"]}
        self.sous_priorites = [(int(lg["priorite"]), lg["sous_priorite"]) for lg in fdr if lg["sous_priorite"]]
        self.sp_reussite = next(
            (lg["sous_priorite"] for lg in fdr if "réussite éducative" in lg["libelle"].lower()), None
        )

    def porteurs(self):
        """Porteurs fictifs : ~0,6 porteur par action (77 porteurs pour 131 actions en 2019), chacun avec 1 à 3
        graphies (référentiel ``porteurs.csv``)."""
        rng = self.rng
        self.liste_porteurs = []  # (canonique, type, [graphies])
        n = max(20, round(self.n_actions * 0.59))
        communes = list(self.noms_communes)
        n_communes_p = min(len(communes), round(n * 0.12))
        n_ccas = min(len(communes), round(n * 0.08))
        n_epci = max(1, round(n * 0.02))
        n_autres = max(2, round(n * 0.08))
        n_assos = n - n_communes_p - n_ccas - n_epci - n_autres
        for i in range(n_assos):
            canon = (
                f"{PREFIXES_ASSOCIATIONS[i % len(PREFIXES_ASSOCIATIONS)]} "
                f"{THEMES_ASSOCIATIONS[(i // len(PREFIXES_ASSOCIATIONS)) % len(THEMES_ASSOCIATIONS)]} {i + 1}"
            )
            sigle = "".join(m[0] for m in canon.split()[:-1] if m[0].isalpha()).upper() + f" {i + 1}"
            graphies = [canon, _sans_accents(canon).upper(), sigle]
            self.liste_porteurs.append((canon, "association", graphies[: rng.choice([1, 2, 3])]))
        for c in communes[:n_communes_p]:
            self.liste_porteurs.append(
                (
                    f"Ville de {c}",
                    "commune",
                    [f"Ville de {c}", f"Ville de  {self.graphie(c)}", f"Mairie de {c}"][: rng.choice([1, 2, 3])],
                )
            )
        for c in communes[:n_ccas]:
            self.liste_porteurs.append(
                (f"CCAS de {c}", "CCAS", [f"CCAS de {c}", f"CCAS {_sans_accents(c).upper()}"][: rng.choice([1, 2])])
            )
        for i in range(n_epci):
            canon = f"Communauté d’agglomération fictive n° {i + 1}"
            self.liste_porteurs.append((canon, "EPCI", [canon, f"CA fictive {i + 1}"]))
        for i in range(n_autres):
            canon = f"{AUTRES_INSTITUTIONS[i % len(AUTRES_INSTITUTIONS)]} {i + 1}"
            self.liste_porteurs.append((canon, "autre institution", [canon, canon.upper()][: rng.choice([1, 2])]))
        # poids : quelques gros porteurs, beaucoup de petits (loi de puissance)
        self.poids_porteurs = [1 / (k + 1) ** 0.6 for k in range(len(self.liste_porteurs))]
        rng.shuffle(self.poids_porteurs)

    # ------------------------------------------------------------------ programmation
    THEMES_COHESION = [
        "Education",
        "Santé",
        "Sport",
        "Culture",
        "Numérique",
        "Environnement - Mobilité",
        "Prévention",
        "Participation des habitants",
    ]
    VARIANTES_PILIER = {
        "Cohésion sociale": ["Pilier Cohésion sociale", "Développement humain – cohésion sociale"],
        "Emploi et développement économique": ["Pilier Emploi Développement économique"],
        "Cadre de vie et renouvellement urbain": ["Pilier Cadre de vie"],
    }
    VARIANTES_THEME = {
        "Education": ["Éducation", "Réussite éducative"],
        "Prévention": ["Prévention de la délinquance"],
        "Environnement - Mobilité": ["Environnement et mobilité"],
    }
    INTITULES = [
        "Accompagnement vers l’emploi",
        "Atelier d’écriture",
        "Soutien scolaire",
        "Médiation sociale",
        "Chantier d’insertion",
        "Permanence d’accès aux droits",
        "Prévention santé",
        "Sport pour tous",
        "Fête de quartier",
        "Jardin partagé",
        "Atelier numérique",
        "Mobilité solidaire",
        "Création d’entreprise",
        "Gestion urbaine de proximité",
        "Conseil citoyen",
    ]

    def programmation(self, dossier: Path):
        rng = self.rng
        lignes, self.actions = [], []
        choix_porteurs = rng.choices(range(len(self.liste_porteurs)), weights=self.poids_porteurs, k=self.n_actions)
        n_pilotage = max(1, round(self.n_actions * 0.004))
        for k in range(self.n_actions):
            id_action = f"SYN{self.annee}-{k + 1:05d}"
            canon, type_p, graphies = self.liste_porteurs[choix_porteurs[k]]
            porteur = graphies[0] if rng.random() < 0.6 else rng.choice(graphies)
            priorite, sous = "", ""
            if k >= self.n_actions - n_pilotage:
                pilier, theme = "Pilotage", "Pilotage"
            elif rng.random() < 0.04:  # accès aux droits : sans priorité, comme en 2019
                pilier, theme = "Cohésion sociale", "Accès aux droits"
            else:
                p, sp = rng.choice(self.sous_priorites)
                pilier = self.piliers_priorite[p]
                priorite, sous = str(p), (sp if rng.random() > 0.03 else "")
                if pilier.startswith("Emploi"):
                    theme = "Développement économique" if p == 3 else "Emploi"
                elif pilier.startswith("Cadre"):
                    theme = "Cadre de vie"
                else:
                    theme = "Education" if sp == self.sp_reussite else rng.choice(self.THEMES_COHESION)
            pilier_ecrit = (
                rng.choice(self.VARIANTES_PILIER[pilier])
                if pilier in self.VARIANTES_PILIER and rng.random() < 0.05
                else pilier
            )
            theme_ecrit = (
                rng.choice(self.VARIANTES_THEME[theme])
                if theme in self.VARIANTES_THEME and rng.random() < 0.05
                else theme
            )
            x = rng.random()
            if x < 0.07:
                communes = "interco"
            elif x < 0.17:
                communes = ", ".join(self.graphie(c) for c in rng.sample(self.communes_qpv, rng.choice([2, 3])))
            else:
                communes = self.graphie(rng.choice(self.communes_qpv))
            dc = None if pilier == "Pilotage" or rng.random() < 0.03 else rng.randint(0, 60000)
            cs = rng.randint(1000, 45000)
            cget = rng.randint(500, int(cs * 0.9) + 500)
            montant = lambda v: "" if v is None else euros(v, rng)  # noqa: E731
            prov = lambda v: "non publié" if v is None else "reconstruit"  # noqa: E731
            lignes.append(
                [
                    id_action,
                    f"{self.INTITULES[k % len(self.INTITULES)]} (action fictive {k + 1})",
                    porteur,
                    type_p,
                    communes,
                    pilier_ecrit,
                    theme_ecrit,
                    priorite,
                    sous,
                    montant(dc),
                    montant(cs),
                    montant(cget),
                    prov(dc),
                    prov(cs),
                    prov(cget),
                    f"{MENTION}, graine {self.graine}",
                ]
            )
            self.actions.append(
                {
                    "id": id_action,
                    "porteur": choix_porteurs[k],
                    "graphie": porteur,
                    "type": type_p,
                    "dc": dc or 0,
                    "cs": cs,
                    "cget": cget,
                    "intitule": lignes[-1][1],
                }
            )
        _csv(
            dossier / "programmation.csv",
            [
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
            ],
            lignes,
        )

    def tableaux_porteurs(self, dossier: Path):
        rng = self.rng
        par_porteur: dict[int, list[dict]] = {}
        for a in self.actions:
            par_porteur.setdefault(a["porteur"], []).append(a)
        lignes = {"Associations": [], "Institutions": []}
        for idx in sorted(par_porteur):
            canon, type_p, graphies = self.liste_porteurs[idx]
            tableau = "Associations" if type_p == "association" else "Institutions"
            deposes = len(par_porteur[idx]) + (1 if rng.random() < 0.15 else 0)
            if deposes >= 4 and rng.random() < 0.2:  # un même porteur sur deux lignes, comme en 2019
                lignes[tableau].append([rng.choice(graphies), deposes // 2])
                lignes[tableau].append([rng.choice(graphies), deposes - deposes // 2])
            else:
                lignes[tableau].append([rng.choice(graphies), deposes])
        sortie = []
        for tableau, ls in lignes.items():
            for ordre, (porteur, n) in enumerate(ls, start=1):
                sortie.append([tableau, ordre, porteur, n])
        _csv(dossier / "porteurs.csv", ["tableau", "ordre", "porteur", "nombre_projets"], sortie)
        synthese = []
        for tableau in ("Associations", "Institutions"):
            acts = [a for a in self.actions if (a["type"] == "association") == (tableau == "Associations")]
            synthese.append(
                [
                    tableau,
                    milliers(sum(n for _, n in lignes[tableau])),
                    euros(sum(a["cget"] for a in acts), rng, 0, 0),
                    euros(sum(a["cs"] + a["dc"] for a in acts), rng, 0, 0),
                    "",
                    "",
                ]
            )
        synthese.append(
            [
                "Ensemble",
                "",
                "",
                "",
                milliers(sum(n for lg in lignes.values() for _, n in lg)),
                milliers(len(self.actions)),
            ]
        )
        _csv(
            dossier / "porteurs_synthese.csv",
            [
                "tableau",
                "nombre_projets",
                "montant_cget",
                "depenses_subventionnables",
                "projets_deposes",
                "projets_retenus",
            ],
            synthese,
        )

    # ------------------------------------------------------------------ financements et programmes connexes
    def financements(self, dossier: Path):
        rng = self.rng
        total = sum(a["cs"] + a["dc"] for a in self.actions)
        cget = sum(a["cget"] for a in self.actions)
        parts = [
            ("Etat - CGET", cget / total * 100),
            ("Etat - Droit commun*", 14.6),
            ("Région", 4.7),
            ("Département", 3.3),
            ("CAF", 6.2),
            ("EPCI – intercommunalités fictives", 6.1),
            ("Communes", 24.4),
        ]
        parts.append(("Autres (Bailleurs, opérateurs…)", max(0.0, 100 - sum(p for _, p in parts))))
        lignes = [
            [
                "financeur",
                nom,
                f"{p:.1f}%".replace(".", ","),
                euros(cget, rng, 0, 0) if nom == "Etat - CGET" else "",
                f"part fictive ({MENTION})",
            ]
            for nom, p in parts
        ]
        lignes.append(
            [
                "total",
                f"Programmation {self.annee} (montant total)",
                "",
                euros(total, rng, 0, 0),
                f"montant total fictif ({MENTION})",
            ]
        )
        _csv(dossier / "financements_programmation.csv", ["type_ligne", "financeur", "part", "montant", "note"], lignes)
        fcs = round(94414 * self.n_actions / 131)
        _csv(
            dossier / "fonds_cohesion_sociale.csv",
            ["section", "annee", "objet", "montant", "nombre_volets", "regle"],
            [
                [
                    "2.1",
                    self.annee,
                    f"attribués au titre du Fonds de Cohésion Sociale ({MENTION})",
                    euros(fcs, rng, 0, 0),
                    "",
                    "",
                ],
                [
                    "2.3",
                    self.annee,
                    f"consacrés aux actions des 4 volets du Fonds intercommunal ({MENTION})",
                    f"{fcs:,}".replace(",", ".") + " €",
                    4,
                    "La participation financière du Fonds de Cohésion Sociale est égale à celle de la commune dans la limite "
                    "de 2000 €",
                ],
            ],
        )

    def fonds_concours(self, dossier: Path):
        rng = self.rng
        regle = "40% des dépenses éligibles avec un montant de fonds de concours plafonné à 70.000 €"
        lignes = []
        n = max(3, round(self.n_communes * 0.15))
        total = 0
        for c in rng.sample(self.noms_communes, min(n, len(self.noms_communes))):
            op = rng.randint(80000, 1200000)
            fdc = min(round(op * 0.4), 70000)
            total += fdc
            lignes.append(
                [
                    "FDC Politique de la Ville",
                    _sans_accents(c).upper(),
                    f"Équipement fictif à {c}",
                    milliers(op),
                    milliers(fdc),
                    regle,
                ]
            )
        lignes.append(["FDC Politique de la Ville", "TOTAL FDC", "", "", milliers(total), regle])
        regle2 = "fonds de concours « classiques » avec majoration de 5%, le projet se situant en QPV"
        total = 0
        for i, c in enumerate(rng.sample(self.communes_qpv, min(max(1, n // 3), len(self.communes_qpv)))):
            op = rng.randint(500000, 3000000)
            fdc = rng.randint(100000, 300000)
            total += fdc
            dont = f" (dont {milliers(round(fdc * 0.125))} Pol Ville)" if i == 0 else ""
            lignes.append(
                [
                    "FDC classique majoré de 5% en QPV",
                    _sans_accents(c).upper(),
                    f"Centre fictif à {c}",
                    milliers(op),
                    milliers(fdc) + dont,
                    regle2,
                ]
            )
        lignes.append(["FDC classique majoré de 5% en QPV", "TOTAL FDC", "", "", milliers(total), regle2])
        _csv(
            dossier / "fonds_concours.csv",
            ["tableau", "commune", "projet", "montant_operation", "montant_fdc", "regle_tableau"],
            lignes,
        )

    def iti_npnru_tfpb(self, dossier: Path):
        rng = self.rng
        axes = {
            "Axe 1": "Favoriser création reprise d’activités dans les QPV",
            "Axe 3": "Améliorer l’efficacité énergétique du logement social",
        }
        lignes = []
        for i in range(max(4, round(self.n_qpv * 0.3))):
            axe = "Axe 1" if i % 3 == 0 else "Axe 3"
            c = rng.choice(self.communes_qpv)
            porteur = rng.choice(BAILLEURS) if axe == "Axe 3" else f"Incubateur fictif {i + 1}"
            logements = rng.randint(10, 120) if axe == "Axe 3" else ""
            projet = f"Résidence fictive {i + 1}" if axe == "Axe 3" else f"Fonds fictif de soutien {i + 1}"
            lignes.append(
                [
                    "projet",
                    axe,
                    axes[axe],
                    porteur,
                    projet,
                    self.graphie(c) if axe == "Axe 3" else "",
                    logements,
                    "",
                    "",
                    f"{porteur} – {projet} ({MENTION})",
                ]
            )
        feder = rng.randint(150000, 400000) * len(lignes)
        lignes.append(
            [
                "total",
                "",
                "",
                "",
                "",
                "",
                "",
                f"total des dossiers déposés ({MENTION})",
                f"{feder:,}".replace(",", ".") + " €",
                "Ces dossiers fictifs mobilisent le FEDER.",
            ]
        )
        _csv(
            dossier / "iti_feder.csv",
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
            lignes,
        )
        qpvs = [q for q in self.qpv if q["est_qpv"]]
        npnru = rng.sample(qpvs, max(2, round(len(qpvs) * 0.28)))
        _csv(
            dossier / "npnru.csv",
            ["quartier", "commune", "enveloppe", "instance", "date_decision"],
            [
                [
                    q["nom_interne"],
                    self.graphie(q["communes"][0]),
                    f"{rng.randint(2_000_000, 60_000_000):,}".replace(",", ".") + " €",
                    "Comité d’engagement fictif",
                    f"20 novembre {self.annee - 1}",
                ]
                for q in npnru
            ],
        )
        bailleurs = [
            f"{BAILLEURS[i % len(BAILLEURS)]}" + (f" {i // len(BAILLEURS) + 1}" if i >= len(BAILLEURS) else "")
            for i in range(max(4, round(self.n_qpv / 80)))
        ]
        lignes = []
        for q in qpvs:
            for b in rng.sample(bailleurs, rng.choice([1, 1, 1, 2])):
                acte = "avenant" if rng.random() < 0.8 else "convention"
                quartier = q["nom_interne"] if rng.random() < 0.6 else f"{q['communes'][0]} {q['nom_interne'].lower()}"
                lignes.append(
                    [
                        b,
                        acte,
                        quartier,
                        " ; ".join(self.graphie(c) for c in q["communes"]),
                        f"{self.annee}-{self.annee + 1}",
                        f"cadre fictif ({MENTION})",
                        f"{acte.capitalize()} {quartier}",
                    ]
                )
        _csv(
            dossier / "tfpb_conventions.csv",
            ["bailleur", "type_acte", "quartier", "communes", "periode", "cadre", "libelle_rapport"],
            lignes,
        )

    def indicateurs(self, dossier: Path):
        """~0,39 ligne d'indicateur par action (51 lignes pour 131 actions en 2019)."""
        rng = self.rng
        lignes = []
        cible = round(self.n_actions * 0.39)
        suivies = rng.sample(self.actions, min(len(self.actions), max(3, cible // 3)))
        mesures = [
            ("participants", "personnes"),
            ("séances", "séances"),
            ("jeunes accompagnés", "jeunes"),
            ("part des habitants des QPV", "%"),
        ]
        for a in suivies:
            if len(lignes) >= cible:
                break
            for indicateur, unite in rng.sample(mesures, rng.choice([1, 2])):
                for an in range(self.annee, self.annee - rng.choice([1, 2, 3]), -1):
                    approx = rng.random() < 0.03
                    if unite == "%":
                        valeur, lecture = f"{rng.randint(40, 95)}{rng.choice(['%', ' %'])}", ""
                    elif approx:
                        valeur, lecture = "une vingtaine", "20"
                    else:
                        valeur, lecture = milliers(rng.randint(5, 3000)), ""
                    lignes.append(
                        [
                            rng.choice(["2.2", "3.1"]),
                            a["intitule"],
                            self.liste_porteurs[a["porteur"]][0],
                            indicateur,
                            an,
                            valeur,
                            unite,
                            lecture,
                            "oui" if approx else "non",
                        ]
                    )
        _csv(
            dossier / "indicateurs_actions.csv",
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
            lignes,
        )

    # ------------------------------------------------------------------ référentiels
    def referentiels(self, dossier: Path):
        dossier.mkdir(parents=True, exist_ok=True)
        avec_qpv = {c for q in self.qpv if q["est_qpv"] for c in q["communes"]}
        dans_cv = {c for q in self.qpv for c in q["communes"]}
        _csv(
            dossier / "communes.csv",
            ["nom_officiel", "code_insee", "variantes", "contrat_de_ville", "qpv"],
            [
                [
                    c,
                    "",
                    " | ".join([c] + self.variantes[c]),
                    "oui" if c in dans_cv else "non",
                    "oui" if c in avec_qpv else "non",
                ]
                for c in self.noms_communes
            ],
        )
        alias = []
        for canon, type_p, graphies in self.liste_porteurs:
            for g in dict.fromkeys(graphies):
                alias.append([g, canon, type_p])
        _csv(dossier / "porteurs.csv", ["alias", "porteur_canonique", "type_porteur"], alias)
        shutil.copyfile(REFERENCE_2019 / "nomenclature.csv", dossier / "nomenclature.csv")
        _csv(
            dossier / "perimetres.csv",
            ["nom", "type", "variantes", "description"],
            [
                [
                    "Intercommunal",
                    "intercommunal",
                    "interco | intercommunal | intercommunale | agglomération",
                    f"action menée sur l'ensemble des communes du territoire ({MENTION})",
                ]
            ],
        )

    # ------------------------------------------------------------------ tout
    def ecrire(self, out: Path) -> dict:
        out = Path(out).resolve()
        if "raw" in out.parts and "data" in out.parts and (RACINE / "data" / "raw") in [out, *out.parents]:
            raise SystemExit(f"Refus d'écrire sous data/raw : {out}")
        brut = out / "raw" / str(self.annee)
        ref = out / "reference"
        for d in (brut, ref, out / "params"):
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
        self.communes()
        self.quartiers()
        self.feuille_de_route(brut)
        self.porteurs()
        self.insee(brut)
        self.programmation(brut)
        self.tableaux_porteurs(brut)
        self.financements(brut)
        self.fonds_concours(brut)
        self.iti_npnru_tfpb(brut)
        self.indicateurs(brut)
        self.referentiels(ref)
        nationaux = out / "insee_national"
        # les fichiers nationaux d'une exécution précédente (pas ceux de --insee-communes-reelles, à côté)
        for ancien in [*nationaux.glob("insee_qpv_national_fictif_*.xlsx"), nationaux / "README.md"]:
            ancien.unlink(missing_ok=True)
        if nationaux.is_dir() and not any(nationaux.iterdir()):
            nationaux.rmdir()
        fichiers_nationaux = [self.insee_national(nationaux, g) for g in self.geographies_nationales]
        (out / "params" / f"{self.annee}.yaml").write_text(
            f"# Paramètres d'une année SYNTHÉTIQUE : {MENTION}, facteur {self.f:g}, graine {self.graine}.\n"
            f"# Produit par scripts/generer_territoire_synthetique.py ; ne décrit aucun territoire réel.\n"
            f"annee: {self.annee}\n"
            f'territoire: "{self.territoire}"\n'
            f'territoire_court: "SYNTH"\n'
            f'departement: "Département fictif"\n'
            f'reference_dir: "{ref}"\n'
            f"fiches_quartier: 20\n",
            encoding="utf-8",
        )
        texte = (
            f"# Données SYNTHÉTIQUES — fictives\n\n"
            f"Produites par `scripts/generer_territoire_synthetique.py --facteur {self.f:g} --annee {self.annee} "
            f"--graine {self.graine}"
            + (" --codes qp99" if self.codes == "qp99" else "")
            + "` pour mesurer les performances du pipeline (`scripts/benchmark.py`). "
            "Elles ne décrivent aucun territoire réel : communes, quartiers, porteurs, montants et indicateurs "
            "sont tirés au hasard (graine fixe). "
            + (
                "Les codes de quartier « LOC-QP0001… » sont des codes locaux fictifs, pas des codes INSEE.\n\n"
                if self.codes == "local"
                else "Les codes de quartier « QP99… » ne sont pas des codes INSEE (le « département » 99x n'existe "
                "pas).\n\n"
            )
            + f"Taille : {self.n_qpv} QPV et {self.n_qc} quartiers communautaires ou de veille, {self.n_actions} "
            f"actions, {self.n_communes} communes, {len(self.liste_porteurs)} porteurs.\n"
        )
        if fichiers_nationaux:
            texte += (
                "\nFichiers nationaux FICTIFS au format de l'INSEE (`insee_national/`, option "
                f"`--insee-national {' '.join(self.geographies_nationales)}`) : QPV du territoire et QPV "
                "fictifs de communes fictives hors du territoire ; codes à la forme de l'INSEE (« QP99… », "
                "« QN99…F ») dans des « départements » 99 et 96 qui n'existent pas.\n"
            )
        for d in (out, brut, ref, *([nationaux] if fichiers_nationaux else [])):
            (d / "README.md").write_text(texte, encoding="utf-8")
        return {
            "qpv": self.n_qpv,
            "quartiers": self.n_qpv + self.n_qc,
            "actions": self.n_actions,
            "communes": self.n_communes,
            "porteurs": len(self.liste_porteurs),
            "raw": str(brut),
            "reference": str(ref),
            "params": str(out / "params" / f"{self.annee}.yaml"),
            "insee_national": [str(f) for f in fichiers_nationaux],
        }


# --------------------------------------------------------------------------------------------- évolutions

#: Option ``--evolutions`` : années A-3, A-2 et A (A-1 manque : une lacune), avec des changements connus.
#: Taux de pauvreté (``tp60``) du premier QPV (« QP990001 ») en A-3, et sa hausse de A-3 à A-2 (points).
PAUVRETE_INITIALE = 41.0
HAUSSE_PAUVRETE = 2.5
#: Taux de pauvreté de l'agglomération en A-3, A-2 et A.
PAUVRETE_AGGLOMERATION = (18.2, 18.6, 19.0)
#: Actions de A-3 (rang dans la programmation) : la 1re est reconduite sous un intitulé en capitales suivi du
#: millésime (même intitulé normalisé), la 2e est arrêtée, la 3e reçoit un intitulé proche (paire douteuse) ; une
#: action nouvelle, du porteur de la 1re, s'ajoute en A-2. A reprend la programmation de A-2.
INTITULE_NOUVEAU = "Action nouvelle fictive (évolutions)"


def _lignes_csv(chemin: Path) -> list[list[str]]:
    with open(chemin, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _ecrire_lignes(chemin: Path, lignes: list[list[str]]) -> None:
    tampon = io.StringIO()
    csv.writer(tampon, lineterminator="\n").writerows(lignes)
    chemin.write_text(tampon.getvalue(), encoding="utf-8")


def ecrire_evolutions(out: Path, facteur: float, annee: int, graine: int) -> dict:
    """Trois années d'un même territoire synthétique, A-3, A-2 et A (A-1 manque), aux changements connus : le taux de
    pauvreté du premier QPV monte de :data:`HAUSSE_PAUVRETE` points de A-3 à A-2 ; une action est reconduite (intitulé
    réécrit), une arrêtée, une nouvelle, une paire douteuse ; en A, la géographie prioritaire change (codes 2015
    « QP99xxxx » -> codes 2024 « QN99xxxxF »). Déterministe ; écrit hors de ``data/raw``."""
    out = Path(out).resolve()
    a0, a1, a2 = annee - 3, annee - 2, annee
    info = Generateur(facteur, a0, graine, codes="qp99").ecrire(out)
    shutil.rmtree(out / "raw" / str(annee - 1), ignore_errors=True)
    rng = random.Random(f"{graine}-{facteur}-{annee}-evolutions")
    brut0 = out / "raw" / str(a0)
    qpv = _lignes_csv(brut0 / "insee_qpv.csv")
    pauvrete = {ligne[0]: ("" if ligne[3] != "QPV" else round(rng.uniform(25, 55), 1)) for ligne in qpv[1:]}
    premier = next(ligne[0] for ligne in qpv[1:] if ligne[3] == "QPV")
    references = _lignes_csv(brut0 / "insee_references.csv")
    programmation = _lignes_csv(brut0 / "programmation.csv")
    for k, a in enumerate((a0, a1, a2)):
        brut = out / "raw" / str(a)
        if a != a0:
            shutil.rmtree(brut, ignore_errors=True)
            shutil.copytree(brut0, brut)
        lignes = [qpv[0] + ["tp60"]]
        for ligne in qpv[1:]:
            v = pauvrete[ligne[0]]
            if ligne[0] == premier:
                v = PAUVRETE_INITIALE + (HAUSSE_PAUVRETE if a != a0 else 0.0) + (0.5 if a == a2 else 0.0)
            lignes.append(ligne + ["" if v == "" else f"{v:.1f}"])
        _ecrire_lignes(brut / "insee_qpv.csv", lignes)
        refs = [references[0] + ["tp60"]] + [
            r + [f"{PAUVRETE_AGGLOMERATION[k]:.1f}%" if r[0] == "Agglomération" else ""] for r in references[1:]
        ]
        _ecrire_lignes(brut / "insee_references.csv", refs)
        if a != a0:
            entete, actions = programmation[0], [list(ligne) for ligne in programmation[1:]]
            i_int, i_id = entete.index("intitule"), entete.index("id_action")
            nouvelle = list(actions[0])
            nouvelle[i_id], nouvelle[i_int] = f"SYN{a1}-NOUV1", INTITULE_NOUVEAU
            actions[0][i_int] = f"{actions[0][i_int].upper()} {a1}"
            actions[2][i_int] = actions[2][i_int].replace("(action fictive", "renforcé (action fictive")
            _ecrire_lignes(brut / "programmation.csv", [entete, actions[0]] + actions[2:] + [nouvelle])
        if a == a2:  # géographie prioritaire 2024
            for nom in ("insee_qpv.csv", "insee_provenance.csv"):
                f = brut / nom
                f.write_text(re.sub(r"QP99(\d{4})", r"QN99\1F", f.read_text(encoding="utf-8")), encoding="utf-8")
        params = (out / "params" / f"{a0}.yaml").read_text(encoding="utf-8")
        (out / "params" / f"{a}.yaml").write_text(params.replace(f"annee: {a0}", f"annee: {a}"), encoding="utf-8")
    texte = (
        f"# Données SYNTHÉTIQUES — fictives, sur plusieurs années\n\nProduites par "
        f"`scripts/generer_territoire_synthetique.py --facteur {facteur:g} --annee {annee} --graine {graine} "
        f"--evolutions` : années {a0}, {a1} et {a2} d'un même territoire fictif ({annee - 1} manque). "
        f"Changements connus : taux de pauvreté du quartier {premier} de {PAUVRETE_INITIALE:.1f} % en {a0} à "
        f"{PAUVRETE_INITIALE + HAUSSE_PAUVRETE:.1f} % en {a1} ; en {a1}, une action reconduite sous un intitulé "
        f"réécrit, une arrêtée, une nouvelle, une paire douteuse ; en {a2}, codes de la géographie 2024.\n"
    )
    (out / "README.md").write_text(texte, encoding="utf-8")
    return {**info, "annees": [a0, a1, a2], "absente": annee - 1, "quartier_pauvrete": premier}


# --------------------------------------------------------------------------------------------- communes réelles

#: Option ``--insee-communes-reelles`` : nombre de QPV au facteur 1, par géographie (1 514 QPV dans la géographie
#: 2015 ; environ 1 600 dans la géographie 2024), et nombre d'EPCI à fiscalité propre qui en ont (environ 430).
QPV_COMMUNES_REELLES = {"2015": 1514, "2024": 1600}
EPCI_COMMUNES_REELLES = 430
#: Une commune a des quartiers en propre à partir de 5 000 habitants (population légale de l'extrait du COG).
POPULATION_MIN_COMMUNE_QPV = 5000
#: Les quartiers d'une commune ne dépassent pas 45 % de sa population ; un quartier a au moins 1 000 habitants, et
#: une commune reçoit au plus un quartier par tranche de 1 200 habitants de cette part.
PART_MAX_QPV_COMMUNE = 0.45
POPULATION_MIN_QPV = 1000
#: Environ 5 % des quartiers s'étendent sur une seconde commune du même EPCI et du même département (celui du code du
#: quartier), d'au moins 1 000 habitants.
PART_QPV_DEUX_COMMUNES = 0.05
POPULATION_MIN_SECONDE_COMMUNE = 1000
#: Extrait officiel du Code officiel géographique (communes, EPCI, départements, régions, populations).
DOSSIER_COG = RACINE / "data" / "reference" / "cog"
#: Un nom de commune que le nettoyage couperait (virgule, point-virgule, barre, tiret entouré d'espaces) n'est pas pris.
_NOM_COUPE = re.compile(r"[,;/]|\s[-\u2013\u2014]\s")


def _reference():
    """Le module ``politique_ville.reference.territoires`` (le paquet installé, sinon celui de ``src/``)."""
    try:
        from politique_ville.reference import territoires
    except ImportError:  # pragma: no cover (script lancé hors de l'environnement du projet)
        sys.path.insert(0, str(RACINE / "src"))
        from politique_ville.reference import territoires
    return territoires


def _departement_sur_trois(departement: str) -> str:
    """Département d'un code de quartier, sur trois caractères : « 62 » -> « 062 », « 2A » -> « 02A », « 971 »."""
    return departement.zfill(3)


def code_quartier_reel(geographie: str, departement: str, numero: int) -> str:
    """Code à la forme de l'INSEE, dans le vrai département de la commune : géographie 2015 « QP062001 » (« QP », le
    département sur trois caractères, trois chiffres : ``schemas.MOTIF_CODE_QP_2015``) ; géographie 2024
    « QN062001F » (même début, « QN », puis « F » pour fictif : ``schemas.MOTIF_CODE_QP_2024`` permet 4 à 6 chiffres
    ou capitales après les deux premiers caractères du département)."""
    dep = _departement_sur_trois(departement)
    return f"QP{dep}{numero:03d}" if geographie == "2015" else f"QN{dep}{numero:03d}F"


def _tirage_pondere(rng: random.Random, elements: list, poids: list[float]):
    return rng.choices(elements, weights=poids, k=1)[0]


class QpvCommunesReelles:
    """Les QPV fictifs d'une géographie, répartis sur des communes réelles d'EPCI réels (option
    ``--insee-communes-reelles``).

    1. EPCI : ceux qui ont au moins une commune de 5 000 habitants (métropole et départements d'outre-mer) ; un par
       région d'abord (les 13 régions de métropole et les 5 départements d'outre-mer, tirés au prorata de la
       population de ces communes), puis les autres au prorata de la même population, jusqu'à ~430 (au facteur 1).
    2. Quartiers : la plus grande commune de chaque EPCI retenu en reçoit un ; les autres quartiers vont, par la
       règle de la plus forte moyenne (D'Hondt), aux communes de 5 000 habitants de ces EPCI, au prorata de leur
       population à la puissance 0,8 (tirée à ± 40 %), une commune ne recevant pas plus d'un quartier par 1 200
       habitants de 45 % de sa population : les grandes communes en ont plus (Paris, Marseille : une vingtaine).
    3. Population d'un quartier : tirée (log-normale, médiane ~3 000), ramenée à 45 % de sa commune au plus ;
       ~5 % des quartiers s'étendent sur une seconde commune du même EPCI (« Commune A, Commune B »).
    4. Codes numérotés par département (« QP062001 »… ; « QN062001F »…), lignes triées par code.
    """

    def __init__(self, geographie: str, facteur: float = 1.0, graine: int = 0):
        if facteur <= 0:
            raise SystemExit("--facteur doit être > 0")
        self.geographie, self.f, self.graine = geographie, facteur, graine
        self.n_qpv = max(40, round(QPV_COMMUNES_REELLES[geographie] * facteur))
        self.n_epci = min(self.n_qpv // 2, max(18, round(EPCI_COMMUNES_REELLES * facteur)))
        self.rng = random.Random(f"{graine}-{facteur}-communes-reelles-{geographie}")

    # ------------------------------------------------------------------ référentiel
    def _communes(self) -> list[dict]:
        ref = _reference()
        deps = ref.departements(dossier=DOSSIER_COG)
        zone = dict(zip(deps["code"], deps["zone"]))
        c = ref.communes(dossier=DOSSIER_COG)
        c = c[c["departement"].map(zone).isin(["metro", "drom"]) & (c["epci"] != "") & c["population"].notna()]
        c = c[~c["nom"].str.contains(_NOM_COUPE)].sort_values("code")
        self.noms_regions = dict(zip(ref.regions(dossier=DOSSIER_COG)["code"], ref.regions(dossier=DOSSIER_COG)["nom"]))
        self.zone_region = dict(zip(deps["region"], deps["zone"]))
        self.millesime = ref.provenance(dossier=DOSSIER_COG)["population"]["millesime"]
        return [
            {"code": code, "nom": nom, "departement": dep, "region": reg, "epci": epci, "population": int(pop)}
            for code, nom, dep, reg, epci, pop in zip(
                c["code"], c["nom"], c["departement"], c["region"], c["epci"], c["population"]
            )
        ]

    # ------------------------------------------------------------------ tirage
    def quartiers(self) -> list[dict]:
        rng = self.rng
        communes = self._communes()
        par_epci: dict[str, list[dict]] = {}
        for c in communes:
            par_epci.setdefault(c["epci"], []).append(c)
        candidates = {  # EPCI -> ses communes d'au moins 5 000 habitants, de la plus peuplée à la moins peuplée
            e: sorted((c for c in cs if c["population"] >= POPULATION_MIN_COMMUNE_QPV), key=lambda c: -c["population"])
            for e, cs in par_epci.items()
        }
        candidates = {e: cs for e, cs in sorted(candidates.items()) if cs}
        poids = {e: sum(c["population"] for c in cs) for e, cs in candidates.items()}
        region = {e: cs[0]["region"] for e, cs in candidates.items()}
        regions = sorted(set(region.values()), key=lambda r: (self.zone_region.get(r) != "metro", r))
        if self.n_epci < len(regions):
            regions = [r for r in regions if self.zone_region.get(r) == "metro"]
        # 1. un EPCI par région, puis les autres au prorata de leur population (Efraimidis et Spirakis)
        retenus: list[str] = []
        for r in regions:
            dans = [e for e in candidates if region[e] == r]
            retenus.append(_tirage_pondere(rng, dans, [poids[e] for e in dans]))
        reste = [e for e in candidates if e not in set(retenus)]
        cles = {e: math.log(1.0 - rng.random()) / poids[e] for e in reste}
        retenus += sorted(reste, key=lambda e: (-cles[e], e))[: self.n_epci - len(retenus)]
        retenus.sort()
        # 2. quartiers par commune : un pour la plus grande commune de chaque EPCI, puis D'Hondt avec plafond
        sieges: dict[str, int] = {}
        infos: dict[str, dict] = {}
        tas = []
        for e in retenus:
            for i, c in enumerate(candidates[e]):
                infos[c["code"]] = c
                sieges[c["code"]] = 1 if i == 0 else 0
                c_poids = c["population"] ** 0.8 * rng.uniform(0.6, 1.4)
                plafond = max(1, int(PART_MAX_QPV_COMMUNE * c["population"] // 1200))
                c["_poids"], c["_plafond"] = c_poids, plafond
                if sieges[c["code"]] < plafond:
                    heapq.heappush(tas, (-c_poids / (sieges[c["code"]] + 1), c["code"]))
        a_placer = self.n_qpv - len(retenus)
        while a_placer > 0:
            if not tas:
                raise SystemExit("trop de quartiers pour les communes retenues : facteur trop grand")
            _, code = heapq.heappop(tas)
            c = infos[code]
            sieges[code] += 1
            a_placer -= 1
            if sieges[code] < c["_plafond"]:
                heapq.heappush(tas, (-c["_poids"] / (sieges[code] + 1), code))
        # 3. population des quartiers, seconde commune de quelques-uns
        quartiers = []
        for code in sorted(c for c, n in sieges.items() if n):
            c = infos[code]
            pops = [max(POPULATION_MIN_QPV, int(rng.lognormvariate(8.0, 0.45))) for _ in range(sieges[code])]
            plafond = PART_MAX_QPV_COMMUNE * c["population"]
            if sum(pops) > plafond:
                pops = [max(POPULATION_MIN_QPV, int(p * plafond / sum(pops))) for p in pops]
            voisines = [  # même EPCI et même département (celui du code du quartier)
                v
                for v in par_epci[c["epci"]]
                if v["code"] != code
                and v["departement"] == c["departement"]
                and v["population"] >= POPULATION_MIN_SECONDE_COMMUNE
            ]
            for p in pops:
                communes_q = [c]
                if voisines and rng.random() < PART_QPV_DEUX_COMMUNES:
                    communes_q.append(_tirage_pondere(rng, voisines, [v["population"] for v in voisines]))
                quartiers.append({"communes": communes_q, "pop_mun": p})
        # 4. codes par département, dans l'ordre des communes
        numeros: dict[str, int] = {}
        for q in quartiers:
            dep = q["communes"][0]["departement"]
            numeros[dep] = numeros.get(dep, 0) + 1
            q["departement"], q["region"], q["epci"] = dep, q["communes"][0]["region"], q["communes"][0]["epci"]
            q["code"] = code_quartier_reel(self.geographie, dep, numeros[dep])
            q["nom"] = (
                f"{NOMS_QUARTIERS[numeros[dep] % len(NOMS_QUARTIERS)]} {dep}-{numeros[dep]:03d} (quartier fictif)"
            )
        quartiers.sort(key=lambda q: q["code"])
        return quartiers

    def lignes(self) -> list[tuple[dict, list]]:
        """Chaque quartier et sa ligne du classeur (44 cellules), dans l'ordre des codes."""
        quartiers = self.quartiers()
        rng = random.Random(f"{self.graine}-{self.f}-communes-reelles-{self.geographie}-valeurs")
        par_commune: dict[str, list[int]] = {}  # commune -> ses quartiers (rangs)
        for i, q in enumerate(quartiers):
            for c in q["communes"]:
                par_commune.setdefault(c["code"], []).append(i)
        sortie = []
        for k, q in enumerate(quartiers, start=1):
            v = Generateur.valeurs_nationales({"valeurs": None}, rng, pop=q["pop_mun"])
            # POP_COM_QP : population des QPV de la (des) commune(s) englobante(s) ; POP_COM : celle des communes (COG)
            rangs = {i for c in q["communes"] for i in par_commune[c["code"]]}
            v["pop_com_qp"] = sum(quartiers[i]["pop_mun"] for i in rangs)
            v["pop_com"] = sum(c["population"] for c in q["communes"])
            noms = ", ".join(c["nom"] for c in q["communes"])
            sortie.append((q, [q["code"], q["nom"], noms] + Generateur.cellules_insee(k, v)))
        return sortie


def ecrire_communes_reelles(out: Path, geographies, facteur: float = 1.0, graine: int = 0, regions=()) -> dict:
    """Option ``--insee-communes-reelles`` : pour chaque géographie, le fichier national fictif
    ``DIR/insee_national/insee_qpv_france_communes_reelles_<géographie>.xlsx`` (QPV fictifs dans des communes réelles
    d'EPCI réels) et, pour chaque région demandée (``--region``), son extrait
    ``insee_qpv_region_<code>_communes_reelles_<géographie>.xlsx`` (mêmes lignes, mêmes valeurs). Déterministe."""
    out = Path(out).resolve()
    if (RACINE / "data" / "raw") in [out, *out.parents]:
        raise SystemExit(f"Refus d'écrire sous data/raw : {out}")
    dossier = out / "insee_national"
    dossier.mkdir(parents=True, exist_ok=True)
    for ancien in sorted(dossier.glob("insee_qpv_*communes_reelles_*.xlsx")):
        ancien.unlink()
    info: dict = {"fichiers": [], "regionaux": [], "geographies": {}}
    for geographie in sorted(set(geographies)):
        gen = QpvCommunesReelles(geographie, facteur, graine)
        lignes = gen.lignes()
        quartiers = [q for q, _ in lignes]
        inconnues = sorted(set(regions) - {q["region"] for q in quartiers})
        if inconnues:
            raise SystemExit(
                f"--region {' '.join(inconnues)} : aucune région de ce code parmi celles du fichier "
                f"({', '.join(sorted({q['region'] for q in quartiers}))})"
            )
        source = (
            f"Mis en forme comme les fichiers de l'Insee ; communes et EPCI réels (Code officiel géographique, "
            f"population municipale {gen.millesime} des communes) ; quartiers, codes et valeurs fictifs : aucun "
            "quartier réel."
        )
        chemin = dossier / f"insee_qpv_france_communes_reelles_{geographie}.xlsx"
        ecrire_classeur_insee(
            chemin,
            feuille="QPV fictifs communes réelles",
            titre=f"Quartiers prioritaires de la politique de la ville (géographie {geographie}) : chiffres clés — "
            f"France — FICHIER FICTIF sur des communes réelles — {MENTION}",
            sous_titre=source,
            lignes=[ligne for _, ligne in lignes],
            champ="Champ : quartiers prioritaires fictifs de France (métropole et départements d'outre-mer), dans "
            "des communes réelles.",
        )
        info["fichiers"].append(chemin)
        for r in sorted(set(regions)):
            nom_region = gen.noms_regions.get(r, r)
            chemin_r = dossier / f"insee_qpv_region_{r}_communes_reelles_{geographie}.xlsx"
            ecrire_classeur_insee(
                chemin_r,
                feuille="QPV fictifs communes réelles",
                titre=f"Quartiers prioritaires de la politique de la ville (géographie {geographie}) : chiffres "
                f"clés — région {nom_region} ({r}) — FICHIER FICTIF sur des communes réelles — {MENTION}",
                sous_titre=source,
                lignes=[ligne for q, ligne in lignes if q["region"] == r],
                champ=f"Champ : quartiers prioritaires fictifs de la région {nom_region}, dans des communes réelles.",
            )
            info["regionaux"].append(chemin_r)
        info["geographies"][geographie] = {
            "qpv": len(quartiers),
            "epci": len({q["epci"] for q in quartiers}),
            "communes": len({c["code"] for q in quartiers for c in q["communes"]}),
            "deux_communes": sum(len(q["communes"]) > 1 for q in quartiers),
            "departements": len({q["departement"] for q in quartiers}),
            "regions": len({q["region"] for q in quartiers}),
        }
    geos = " ".join(sorted(set(geographies)))
    (dossier / "README_communes_reelles.md").write_text(
        "# Fichiers FICTIFS au format de l'INSEE, sur des communes réelles\n\n"
        f"Produits par `scripts/generer_territoire_synthetique.py --out DIR --insee-communes-reelles {geos}"
        + (f" --facteur {facteur:g}" if facteur != 1 else "")
        + (f" --graine {graine}" if graine else "")
        + (f" --region {' '.join(sorted(set(regions)))}" if regions else "")
        + "`. Les communes, leurs départements, régions, EPCI et populations (`POP_COM`) sont ceux du Code officiel "
        "géographique (`data/reference/cog/`) ; les quartiers, leurs noms, leurs codes et toutes leurs valeurs sont "
        f"fictifs : {MENTION}. Les codes ont la forme de ceux de l'INSEE, dans le vrai département de la commune "
        "(« QP062001 », « QN062001F », « F » pour fictif) : un code de la géographie 2015 peut être celui d'un vrai "
        "quartier, mais la ligne ne le décrit pas.\n\n"
        + "".join(
            f"- géographie {g} : {s['qpv']} QPV dans {s['communes']} communes ({s['deux_communes']} sur deux "
            f"communes), {s['epci']} EPCI, {s['departements']} départements, {s['regions']} régions.\n"
            for g, s in info["geographies"].items()
        ),
        encoding="utf-8",
    )
    return info


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Génère une année synthétique (données fictives) hors de data/raw.")
    p.add_argument(
        "--facteur",
        type=float,
        help="1 = taille nationale (1 600 QPV, 30 000 actions) ; obligatoire, sauf avec --insee-communes-reelles "
        "(1 par défaut : ~1 600 QPV dans ~430 EPCI)",
    )
    p.add_argument("--out", type=Path, required=True, help="dossier de sortie (raw/, reference/, params/)")
    p.add_argument("--annee", type=int, default=2099)
    p.add_argument("--graine", type=int, default=0)
    p.add_argument(
        "--codes",
        choices=["local", "qp99"],
        default="local",
        help="codes de quartier : « LOC-QP0001 » (codes locaux, défaut) ou « QP99xxxx » (forme INSEE, "
        "« département » 99x inexistant)",
    )
    p.add_argument(
        "--insee-national",
        nargs="+",
        choices=["2015", "2024"],
        default=[],
        metavar="GEOGRAPHIE",
        help="écrit aussi DIR/insee_national/insee_qpv_national_fictif_<géographie>.xlsx, fichier "
        "national fictif au format de l'INSEE (variables de l'INSEE en capitales, titre, libellés, "
        "notes, marqueurs « s » / « nd ») : 2015 (codes « QP99… ») et/ou 2024 (codes « QN99…F »)",
    )
    p.add_argument(
        "--insee-communes-reelles",
        nargs="+",
        choices=["2015", "2024"],
        default=[],
        metavar="GEOGRAPHIE",
        help="écrit seulement DIR/insee_national/insee_qpv_france_communes_reelles_<géographie>.xlsx : QPV fictifs "
        "(mêmes 44 variables, même mise en page) dans des communes RÉELLES d'EPCI réels de toute la France (noms et "
        "populations du Code officiel géographique) ; codes « QP062001 » (2015) ou « QN062001F » (2024) dans le "
        "vrai département ; sans l'année synthétique",
    )
    p.add_argument(
        "--region",
        nargs="+",
        default=[],
        metavar="CODE",
        help="avec --insee-communes-reelles : écrit aussi l'extrait régional "
        "insee_qpv_region_<code>_communes_reelles_<géographie>.xlsx (code INSEE de la région : 76, 32, 04…)",
    )
    p.add_argument(
        "--evolutions",
        action="store_true",
        help="écrit les années A-3, A-2 et A (A-1 manque) d'un même territoire, aux changements connus "
        "(taux de pauvreté, actions reconduite, arrêtée, nouvelle, géographie 2024 en A)",
    )
    args = p.parse_args(argv)
    if args.region and not args.insee_communes_reelles:
        p.error("--region ne s'emploie qu'avec --insee-communes-reelles")
    if args.insee_communes_reelles:
        if args.evolutions or args.insee_national:
            p.error(
                "--insee-communes-reelles écrit seulement ses fichiers nationaux : lancez à part --evolutions ou "
                "l'année synthétique (--insee-national)"
            )
        facteur = 1.0 if args.facteur is None else args.facteur
        regions = [r.zfill(2) if r.isdigit() and len(r) == 1 else r for r in args.region]
        info = ecrire_communes_reelles(args.out, args.insee_communes_reelles, facteur, args.graine, regions)
        for (geographie, s), chemin in zip(info["geographies"].items(), info["fichiers"]):
            print(
                f"Fichier national FICTIF sur des communes réelles, géographie {geographie} : {s['qpv']} QPV dans "
                f"{s['communes']} communes ({s['deux_communes']} sur deux communes), {s['epci']} EPCI, "
                f"{s['departements']} départements, {s['regions']} régions.\n  {chemin}"
            )
        for chemin in info["regionaux"]:
            print(f"  extrait régional : {chemin}")
        return 0
    if args.facteur is None:
        p.error("--facteur est obligatoire (1 = taille nationale)")
    if args.evolutions:
        info = ecrire_evolutions(args.out, args.facteur, args.annee, args.graine)
        print(
            f"Années synthétiques {', '.join(map(str, info['annees']))} ({info['absente']} manque) : "
            f"{args.out.resolve()}"
        )
        return 0
    info = Generateur(args.facteur, args.annee, args.graine, args.codes, args.insee_national).ecrire(args.out)
    print(
        f"Année synthétique {args.annee} (facteur {args.facteur:g}) : {info['qpv']} QPV, {info['quartiers']} "
        f"quartiers, {info['actions']} actions, {info['communes']} communes, {info['porteurs']} porteurs."
    )
    print(f"  bruts : {info['raw']}\n  référentiels : {info['reference']}\n  paramètres : {info['params']}")
    for f in info["insee_national"]:
        print(f"  fichier national fictif (format INSEE) : {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
