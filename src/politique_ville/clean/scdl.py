"""Le format national des données ouvertes de subventions (SCDL « Subventions »), source indépendante.

**Lu comme le schéma le dit.** Un fichier publié par une collectivité au format du socle commun des données locales
est reconnu à ses colonnes (casse ignorée, dans n'importe quel ordre) et **validé contre le schéma officiel de sa
version** (Table Schema, copies dans ``schemas_scdl/``, validation par ``frictionless``, l'outil pour lequel le schéma
est écrit) :

- 1.0 (la première version) : noms en capitales (``ATTRIBUANT_NOM``, ``BENEFICIAIRE_ID``, ``SUBVENTION_MONTANT``…), ramenés aux
  noms de la 1.1 (:data:`NOMS_V1_0`) ;
- 1.1 et 2.0.x : les 14 mêmes colonnes (:data:`COLONNES_SCDL_V1`), validées contre le schéma 2.0.2 ;
- 2.1.x : 16 colonnes (:data:`COLONNES_SCDL_V2_1`), + ``rnaBeneficiaire`` (``idBeneficiaire`` peut alors être vide)
  et ``dispositifAide``.

Un fichier qui a ses propres colonnes (« ATTRIB_NOM, SUB_MONTANT… ») se lit par une correspondance déclarée, comme
l'export de la programmation (:func:`charger_correspondance_subventions`, clé ``correspondance`` du paramètre
``scdl``).

**Ce que font les vrais fichiers.** Chaque écart au schéma relevé par ``frictionless`` (et par les contrôles propres
du schéma : clé de Luhn des SIRET, un identifiant ou un RNA par bénéficiaire) est listé avec ce qui en a été fait
(:attr:`Subventions.ecarts_schema`) : *accepté* (colonnes dans un autre ordre, valeurs en capitales « Aide en
numéraire », « _ » entre les dates d'une période, dates « AAAA/MM/JJ », montants à la française, octets Windows-1252
derrière un BOM UTF-8, pourcentage absent compté 100 %), *réparé* quand c'est sans ambiguïté (SIRET lu comme un
nombre à virgule « 21860194600000.0 » dont les 14 chiffres — ou 13, zéro de tête perdu — ont une clé juste), ou *ligne écartée* avec la raison
(SIRET invalide, ni SIRET ni RNA, montant illisible ou négatif, date illisible). Une ligne écartée reste listée avec
son montant ; elle n'arrête jamais le fichier. Arrêtent le fichier, avec une erreur en français qui nomme fichier,
ligne et colonne : un fichier qui n'est pas SCDL ; un fichier qui mêle deux attribuants (ou qui n'est pas celui de
l'attribuant déclaré) ; un ``pourcentageSubvention`` nul, négatif ou au-delà de 1 ; un montant à virgule dans un
fichier dont les autres lignes ont un point décimal (ambigu).

**Parts, identifiants, années** (:func:`verifier_scdl`). ``montant`` est le total de la subvention avant partage ; la
part d'un bénéficiaire est ``montant × pourcentageSubvention``. Les lignes d'une même subvention (même attribuant,
``referenceDecision``, ``dateConvention``, ``objet`` et ``montant``) portent le même ``id_subvention`` ; des parts
qui dépassent 100 % sont un écart listé avec ses lignes (:attr:`Subventions.subventions_a_verifier`). Avec l'année
du rapport, une ligne dont ``dateConvention`` (ou la période de ``datesPeriodeVersement``) tombe hors de l'année est
« autre exercice » : listée à part, jamais additionnée.

**Comparaison** (:func:`comparer`) : par porteur (rapproché par SIRET, sinon SIREN, RNA, puis nom normalisé) et pour
le financeur déclaré, la somme des parts des lignes comptées face au montant de la programmation (colonne
``montant_<financeur>``) ; statut « concorde », « diffère », « absent de la programmation » ou « absent du fichier
SCDL ». :func:`detail_des_lignes` déplie le montant de chaque porteur en ses lignes.

Niveau « nettoyage » : importe ``catalog``, ``clean``, ``errors``, ``correspondance`` et ``nettoyage`` ;
``frictionless`` n'est importé qu'à la lecture d'un fichier SCDL (jamais à l'import du paquet).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import ValeurIllisible, lire_nombre
from politique_ville.clean.correspondance import (
    FINANCEURS,
    SIREN_LA_POSTE,
    cle_nom_porteur,
    cles_porteurs,
    colonne_financeur,
    identifiant_siret_valide,
    lire_montants,
    luhn_valide,
    nom_affichage,
    normaliser_identifiant,
    rna_valide,
    siren_valide,
    siret_valide,
)
from politique_ville.clean.nettoyage import ErreursNettoyage, cle

__all__ = [
    "COLONNES_SCDL_V1",
    "COLONNES_SCDL_V2",
    "COLONNES_SCDL_V2_1",
    "NOMS_V1_0",
    "STATUTS",
    "SIREN_LA_POSTE",
    "Subventions",
    "comparer",
    "compter_statuts",
    "detail_des_lignes",
    "est_scdl",
    "lire_scdl",
    "luhn_valide",
    "siren_valide",
    "siret_valide",
    "verification_independante",
    "verifier_scdl",
    "version_scdl",
]

COLONNES_SCDL_V1 = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
)
#: colonnes ajoutées par la version 2.1 du schéma
AJOUTS_V2_1 = ("rnaBeneficiaire", "dispositifAide")
#: la version 2.1 : RNA du bénéficiaire après son identifiant, dispositif d'aide à la fin
COLONNES_SCDL_V2_1 = (*COLONNES_SCDL_V1[:6], "rnaBeneficiaire", *COLONNES_SCDL_V1[6:], "dispositifAide")
#: ancien nom, gardé pour les appelants : c'est la version 2.1 (la 2.0 a les 14 colonnes de la 1.1)
COLONNES_SCDL_V2 = COLONNES_SCDL_V2_1
#: la version 1.0.0 (la première) : noms en capitales -> noms de la 1.1
NOMS_V1_0 = {
    "ATTRIBUANT_NOM": "nomAttribuant",
    "ATTRIBUANT_ID": "idAttribuant",
    "CONVENTION_DATE": "dateConvention",
    "DECISION_REF": "referenceDecision",
    "BENEFICIAIRE_NOM": "nomBeneficiaire",
    "BENEFICIAIRE_ID": "idBeneficiaire",
    "SUBVENTION_OBJET": "objet",
    "SUBVENTION_MONTANT": "montant",
    "SUBVENTION_NATURE": "nature",
    "CONDITIONS_VERSEMENT": "conditionsVersement",
    "DATE_PERIODE_VERSEMENT": "datesPeriodeVersement",
    "RAE_NUM": "idRAE",
    "NOTIF_UE": "notificationUE",
    "SUBVENTION_POURCENTAGE": "pourcentageSubvention",
}
#: colonnes sans lesquelles un fichier n'est pas reconnu comme SCDL (et ne peut pas servir à la comparaison) ;
#: ``idBeneficiaire`` peut manquer dans un fichier 2.1 qui a ``rnaBeneficiaire``
COLONNES_ESSENTIELLES = ("nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant")
#: les colonnes reconnues, en minuscules -> nom du schéma (1.1 et 2.x, puis 1.0)
_PAR_MINUSCULES = {c.lower(): c for c in COLONNES_SCDL_V2_1} | {k.lower(): v for k, v in NOMS_V1_0.items()}

#: versions reconnues -> (schéma officiel validé, libellé)
VERSIONS = {
    "1.0": ("schema-1.0.0.json", "1.0 (noms en capitales)"),
    "1.1/2.0": ("schema-2.0.2.json", "1.1 ou 2.0 (14 colonnes)"),
    "2.1": ("schema-2.1.1.json", "2.1 (16 colonnes, avec le RNA)"),
}
DOSSIER_SCHEMAS = Path(__file__).parent / "schemas_scdl"

CONCORDE, DIFFERE = "concorde", "diffère"
ABSENT_PROGRAMMATION, ABSENT_SCDL = "absent de la programmation", "absent du fichier SCDL"
STATUTS = (CONCORDE, DIFFERE, ABSENT_PROGRAMMATION, ABSENT_SCDL)
#: ce qui est fait de chaque ligne d'un fichier SCDL
COMPTEE, AUTRE_EXERCICE, ECARTEE = "comptée", "autre exercice", "écartée"
TRAITEMENTS_LIGNES = (COMPTEE, AUTRE_EXERCICE, ECARTEE)
ACCEPTE, REPARE = "accepté", "réparé"
COLONNES_COMPARAISON = [
    "porteur",
    "siret",
    "rapprochement",
    "attribuant",
    "financeur",
    "montant_scdl",
    "montant_programmation",
    "ecart",
    "statut",
    "lignes_scdl",
    "actions",
]
COLONNES_ECARTS_SCHEMA = ["ligne", "colonne", "valeur", "regle", "traitement"]
COLONNES_A_VERIFIER = ["id_subvention", "referenceDecision", "dateConvention", "objet", "montant", "parts", "lignes"]
TOLERANCE_PARTS = 0.001
NATURES = (
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)


@dataclass
class Subventions:
    """Un fichier de subventions lu et vérifié (:func:`verifier_scdl`).

    ``lignes`` : une ligne par ligne du fichier, colonnes au nom du schéma (2.1) plus ``ligne_source``,
    ``montant_num`` (montant total de la subvention, €), ``pourcentage`` (1 quand absent), ``part`` (montant ×
    pourcentage : ce que reçoit ce bénéficiaire), ``siret_beneficiaire`` (identifiant normalisé, réparé s'il y a
    lieu), ``rna_beneficiaire``, ``date_convention`` (date lue), ``exercice`` (année de la convention),
    ``id_subvention`` (numéro de la subvention dont la ligne est une part), ``traitement`` (« comptée », « autre
    exercice », « écartée »), ``motif`` (pourquoi la ligne n'est pas comptée), ``financeur``, ``version_scdl``."""

    fichier: str
    version: str
    lignes: pd.DataFrame
    ecarts_schema: pd.DataFrame
    subventions_a_verifier: pd.DataFrame
    financeur: str = ""
    annee: int | None = None
    encodage: str = ""
    infos: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lignes)

    @property
    def attribuant(self) -> str:
        return str(self.lignes["nomAttribuant"].iloc[0]) if len(self.lignes) else ""

    @property
    def comptees(self) -> pd.DataFrame:
        """Les lignes comptées dans la comparaison."""
        return self.lignes[self.lignes["traitement"] == COMPTEE]

    @property
    def non_comptees(self) -> pd.DataFrame:
        """Les lignes d'un autre exercice et les lignes écartées, avec leur montant et leur motif."""
        return self.lignes[self.lignes["traitement"] != COMPTEE]

    def comptes(self) -> dict[str, int]:
        """Nombre de lignes par traitement (0 compris)."""
        c = self.lignes["traitement"].value_counts()
        return {t: int(c.get(t, 0)) for t in TRAITEMENTS_LIGNES}


# --------------------------------------------------------------------------------------------- reconnaissance


def renommages_scdl(colonnes) -> dict[str, str]:
    """En-têtes à ramener au nom du schéma SCDL (casse, espaces de bord, noms en capitales de la 1.0)."""
    sortie = {}
    for c in colonnes:
        nom = _PAR_MINUSCULES.get(str(c).strip().lower())
        if nom is not None and nom != c:
            sortie[c] = nom
    return sortie


def _presentes(df: pd.DataFrame) -> set[str]:
    return {_PAR_MINUSCULES[str(c).strip().lower()] for c in df.columns if str(c).strip().lower() in _PAR_MINUSCULES}


def est_scdl(df: pd.DataFrame) -> bool:
    """Vrai si la table a les colonnes essentielles du schéma SCDL « Subventions » (casse ignorée, noms de la 1.0
    compris) et un identifiant du bénéficiaire (``idBeneficiaire`` ou ``rnaBeneficiaire``)."""
    presentes = _presentes(df)
    return set(COLONNES_ESSENTIELLES) <= presentes and bool({"idBeneficiaire", "rnaBeneficiaire"} & presentes)


def version_scdl(df: pd.DataFrame) -> str | None:
    """« 1.0 » (noms en capitales), « 2.1 » (``rnaBeneficiaire`` ou ``dispositifAide``), « 1.1/2.0 » sinon (les 14
    colonnes communes à la 1.1 et à la 2.0.x) ; ``None`` si ce n'est pas un fichier SCDL."""
    if not est_scdl(df):
        return None
    majuscules = {str(c).strip().upper() for c in df.columns}
    if len(majuscules & set(NOMS_V1_0)) >= len(COLONNES_ESSENTIELLES):
        return "1.0"
    return "2.1" if set(AJOUTS_V2_1) & _presentes(df) else "1.1/2.0"


@cache
def schema_officiel(version: str) -> dict:
    """Le Table Schema officiel d'une version (:data:`VERSIONS`), tel que publié."""
    return json.loads((DOSSIER_SCHEMAS / VERSIONS[version][0]).read_text(encoding="utf-8"))


def _champs_validables(descr: dict) -> list[dict]:
    """Les champs du schéma, sans les contraintes « pattern » vides du schéma 1.0.0 (qui n'en imposent aucune, et
    que ``frictionless`` refuse sur un booléen)."""
    champs = []
    for f in descr["fields"]:
        f = json.loads(json.dumps(f))
        contraintes = f.get("constraints", {})
        if contraintes.get("pattern") == "":
            del contraintes["pattern"]
        champs.append(f)
    return champs


# --------------------------------------------------------------------------------------------- validation du schéma


def _regle(type_: str, note: str, champ: dict) -> str:
    """Ce que le schéma demande, en français, à partir d'une erreur de ``frictionless``."""
    if type_ == "type-error":
        return {
            "date": "date AAAA-MM-JJ",
            "number": "nombre à point décimal",
            "boolean": "booléen (vrai/faux, oui/non)",
            "integer": "nombre entier",
        }.get(champ.get("type", ""), f"type {champ.get('type', '?')}")
    contraintes = champ.get("constraints", {})
    if '"required"' in note:
        return "valeur obligatoire"
    if '"enum"' in note:
        return "une des valeurs : " + " | ".join(f"« {v} »" for v in contraintes.get("enum", []))
    if '"pattern"' in note:
        return f"motif {contraintes.get('pattern', '')}"
    if '"minimum"' in note:
        return f"au moins {contraintes.get('minimum')}"
    if '"maximum"' in note:
        return f"au plus {contraintes.get('maximum')}"
    if '"maxLength"' in note:
        return f"au plus {contraintes.get('maxLength')} caractères"
    return note


_SANS_ECART = pd.DataFrame(columns=["ligne", "colonne", "champ", "valeur", "regle"])


def valider_schema(table: pd.DataFrame, version: str, noms_fichier: dict[str, str]) -> pd.DataFrame:
    """Valide les valeurs de ``table`` (colonnes au nom du schéma 1.1/2.x) contre le schéma officiel de ``version``
    avec ``frictionless`` (colonnes rapprochées par leur nom, dans n'importe quel ordre ; une colonne obligatoire
    absente est relevée). Une ligne par cellule en écart : ``ligne`` (du fichier ; 1 pour une colonne absente),
    ``colonne`` (nom dans le fichier), ``champ`` (nom du schéma 2.1), ``valeur``, ``regle`` (ce que dit le schéma, en
    français). ``noms_fichier`` : nom du schéma 2.1 -> nom de la colonne dans le fichier.

    Les contrôles du schéma portent sur chaque cellule seule (type, motif, valeurs permises, bornes, obligation) :
    ``frictionless`` valide donc les valeurs distinctes de chaque colonne, et chaque écart est reporté sur toutes
    les lignes qui ont cette valeur (un fichier de 20 000 lignes ne répète pas 20 000 fois les mêmes valeurs)."""
    from frictionless import Resource, Schema  # coûteux : seulement à la lecture d'un fichier SCDL

    descr = schema_officiel(version)
    vers_1_0 = {v: k for k, v in NOMS_V1_0.items()}
    colonnes = [c for c in table.columns if c in noms_fichier]
    champs = {f["name"]: f for f in _champs_validables(descr)}
    nom_schema = {c: vers_1_0.get(c, c) if version == "1.0" else c for c in colonnes}
    # une colonne obligatoire du schéma absente du fichier
    absentes = [
        NOMS_V1_0.get(nom, nom)
        for nom, f in champs.items()
        if f.get("constraints", {}).get("required") and nom not in nom_schema.values()
    ]
    fautes: dict[tuple[str, str], str] = {}
    for c in colonnes:
        champ = champs.get(nom_schema[c])
        if champ is None:
            continue
        # une colonne témoin toujours remplie : une cellule vide n'est pas une « ligne vide » pour frictionless
        distinctes = [[v, "x"] for v in pd.unique(table[c].fillna("").astype(str))]
        schema = Schema.from_descriptor({"fields": [champ, {"name": "_temoin", "type": "string"}]})
        ressource = Resource(data=[[champ["name"], "_temoin"], *distinctes], schema=schema)
        rapport = ressource.validate(limit_errors=10**7)
        for num, type_, note, cellule in rapport.flatten(["rowNumber", "type", "note", "cell"]):
            if num is not None:
                fautes.setdefault((c, "" if cellule is None else str(cellule)), _regle(type_, note, champ))
    lignes = table[COLONNE_LIGNE] if COLONNE_LIGNE in table.columns else pd.Series(range(2, len(table) + 2))
    morceaux = [
        pd.DataFrame({"ligne": 1, "colonne": c, "champ": c, "valeur": "", "regle": "colonne obligatoire"}, index=[0])
        for c in absentes
    ]
    for champ in dict.fromkeys(ch for ch, _v in fautes):
        regles = {v: r for (ch, v), r in fautes.items() if ch == champ}
        cellules = table[champ].fillna("").astype(str)
        masque = cellules.isin(list(regles))
        if masque.any():
            morceaux.append(
                pd.DataFrame(
                    {
                        "ligne": lignes[masque].astype("int64").to_numpy(),
                        "colonne": noms_fichier.get(champ, champ),
                        "champ": champ,
                        "valeur": cellules[masque].to_numpy(),
                        "regle": cellules[masque].map(regles).to_numpy(),
                    }
                )
            )
    if not morceaux:
        return _SANS_ECART.copy()
    return pd.concat(morceaux, ignore_index=True).sort_values(["ligne", "colonne"], kind="stable")


# --------------------------------------------------------------------------------------------- lecture des valeurs

_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_FR = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")


def lire_date(texte: str) -> tuple[date | None, str]:
    """Une date du fichier -> (date, remarque) ; remarque vide au format du schéma (AAAA-MM-JJ), « format … » pour une
    autre écriture acceptée ; (None, raison) si illisible."""
    t = str(texte or "").strip()
    if not t:
        return None, "date absente"
    m = _DATE.match(t)
    if m:
        a, sep, mo, j = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        remarque = "" if sep == "-" and len(t) == 10 else f"format {'AAAA' + sep + 'MM' + sep + 'JJ'} lu"
        if len(t) > 10:
            remarque = "date et heure : la date seule est lue"
    else:
        m = _DATE_FR.match(t)
        if not m:
            return None, f"date « {t} » illisible"
        j, sep, mo, a = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        remarque = f"format JJ{sep}MM{sep}AAAA lu"
    try:
        return date(a, mo, j), remarque
    except ValueError:
        return None, f"date « {t} » impossible"


def lire_periode(texte: str) -> tuple[tuple[date, date] | None, str]:
    """``datesPeriodeVersement`` : une date ou une période « début/fin » (« _ » accepté comme séparateur, comme dans
    le format réglementaire d'origine) -> ((début, fin), remarque) ; (None, raison) si absente ou illisible."""
    t = str(texte or "").strip()
    if not t:
        return None, "période absente"
    m = re.match(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:\s*([/_])\s*(.+))?$", t)
    if not m:
        return None, f"période « {t} » illisible"
    d1, r1 = lire_date(m.group(1))
    d2, r2 = lire_date(m.group(3)) if m.group(3) else (d1, r1)
    if d1 is None or d2 is None:
        return None, r1 if d1 is None else r2
    remarques = [r for r in {r1, r2} if r]
    if m.group(2) == "_":
        remarques.insert(0, "« _ » entre les deux dates lu comme « / »")
    return (min(d1, d2), max(d1, d2)), " ; ".join(remarques)


_FLOTTANT = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIQUE = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")


def lire_identifiant(texte) -> tuple[str, str, str]:
    """Un SIRET (ou SIREN) du fichier -> (identifiant, réparation, raison du refus). Un SIRET écrit comme un nombre à
    virgule (« 21860194600000.0 ») est réparé s'il redonne 14 chiffres à clé juste ; en notation scientifique
    (« 2.18601946E+13 ») des chiffres sont perdus : refusé."""
    brut = str(texte or "").strip()
    s = normaliser_identifiant(brut)
    if not s:
        return "", "", "identifiant vide"
    if _SCIENTIFIQUE.match(brut.replace(" ", "")):
        return (
            "",
            "",
            (
                f"SIRET « {brut} » écrit en notation scientifique par un tableur : des chiffres sont perdus, il ne peut "
                f"pas être réparé"
            ),
        )
    m = _FLOTTANT.match(re.sub(r"[\s\u00a0\u202f]", "", brut))
    if m:
        chiffres = m.group(1)
        if len(chiffres) == 14 and identifiant_siret_valide(chiffres):
            return chiffres, f"SIRET « {brut} » lu comme un nombre à virgule : « {chiffres} » (clé juste)", ""
        if len(chiffres) == 13 and identifiant_siret_valide("0" + chiffres):  # zéro de tête perdu par le tableur
            return (
                "0" + chiffres,
                f"SIRET « {brut} » lu comme un nombre à virgule, zéro de tête perdu : « 0{chiffres} » (clé juste)",
                "",
            )
        return (
            "",
            "",
            (
                f"SIRET « {brut} » lu comme un nombre à virgule par un tableur ; « {chiffres} » n'est pas un SIRET "
                f"({_raison(chiffres)}) : des chiffres ont pu être perdus, aucune réparation sans ambiguïté"
            ),
        )
    if identifiant_siret_valide(s):
        return s, "", ""
    return "", "", f"{'SIRET' if len(s) != 9 else 'SIREN'} « {brut} » invalide ({_raison(s)})"


def _raison(s: str) -> str:
    if not s:
        return "identifiant vide"
    if not s.isdigit():
        return "attendu : des chiffres seulement"
    if len(s) not in (9, 14):
        return f"{len(s)} chiffres au lieu de 14 (SIRET) ou 9 (SIREN)"
    if len(s) == 14 and not siren_valide(s[:9]) and s[:9] != SIREN_LA_POSTE:
        return "clé de contrôle (Luhn) du SIREN fausse : chiffre mal recopié ?"
    return "clé de contrôle (Luhn) fausse : chiffre mal recopié ?"


_POINT = re.compile(r"^-?\d+\.\d+$")
_SIMPLE = re.compile(r"^-?\d+(\.\d+)?$")


def _pourcentage(texte: str) -> tuple[float | None, str]:
    """``pourcentageSubvention`` -> (fraction, remarque) ; None si illisible (la remarque dit pourquoi)."""
    t = str(texte or "").strip()
    if not t:
        return 1.0, "pourcentage absent : la ligne compte pour tout le montant (100 %)"
    pour_cent = t.endswith("%")
    try:
        x = lire_nombre(t.rstrip("%").strip(), "nombre")
    except ValeurIllisible:
        return None, f"pourcentage « {t} » illisible"
    if pour_cent:
        return x / 100, f"« {t} » lu comme {x / 100:g}"
    return x, "" if _SIMPLE.match(t) else f"« {t} » lu comme {x:g}"


# --------------------------------------------------------------------------------------------- lecture, vérification


def lire_scdl(
    chemin: Path | str,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
    annee: int | None = None,
    colonnes: dict[str, str] | None = None,
) -> Subventions:
    """Lit un fichier SCDL « Subventions » (``catalog.lire_table``) et le vérifie (:func:`verifier_scdl`)."""
    return verifier_scdl(
        lire_table(chemin),
        financeur=financeur,
        attribuant_siret=attribuant_siret,
        attribuant_nom=attribuant_nom,
        annee=annee,
        colonnes=colonnes,
    )


def _proches(mot, possibles) -> str:
    p = difflib.get_close_matches(str(mot), [str(x) for x in possibles], n=3, cutoff=0.5)
    return f" ; les plus proches : {', '.join(p)}" if p else ""


def verifier_scdl(
    brut: pd.DataFrame,
    *,
    financeur: str | None = None,
    attribuant_siret: str | None = None,
    attribuant_nom: str | None = None,
    annee: int | None = None,
    colonnes: dict[str, str] | None = None,
) -> Subventions:
    """Vérifie une table SCDL lue telle quelle (voir le docstring du module) et la rend en :class:`Subventions`.

    ``financeur`` : code canonique du financeur de la programmation que l'attribuant représente
    (:data:`correspondance.FINANCEURS`) ; ``attribuant_siret`` / ``attribuant_nom`` : l'attribuant déclaré (le SIRET
    l'emporte ; un SIRET et un SIREN se comparent par le SIREN) ; ``annee`` : l'année du rapport (lignes d'un autre
    exercice mises à part) ; ``colonnes`` : correspondance {champ du schéma: colonne du fichier} d'un fichier qui a
    ses propres colonnes."""
    source = brut.attrs.get("source", {})
    nom = source.get("fichier", "fichier SCDL")
    encodage = source.get("encodage", "")
    erreurs: list[ErreurDonnees] = []
    constats: list[dict] = []  # écarts au schéma relevés par la lecture, avec leur traitement

    def err(message, ligne=None, colonne=None):
        erreurs.append(ErreurDonnees(message, fichier=nom, ligne=ligne, colonne=colonne))

    def constat(ligne, colonne, valeur, regle, traitement):
        constats.append(
            {"ligne": ligne, "colonne": colonne, "valeur": valeur, "regle": regle, "traitement": traitement}
        )

    if financeur is not None and financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu (financeurs permis : {', '.join(FINANCEURS)})", fichier=nom
        )
    presentes_fichier = [c for c in brut.columns if c != COLONNE_LIGNE]
    if colonnes:
        inconnus = [ch for ch in colonnes if ch not in COLONNES_SCDL_V2_1]
        absentes = [c for c in colonnes.values() if c not in presentes_fichier]
        for ch in inconnus:
            err(
                f"champ « {ch} » de la correspondance inconnu du schéma SCDL (champs : "
                f"{', '.join(COLONNES_SCDL_V2_1)}){_proches(ch, COLONNES_SCDL_V2_1)}",
                ligne=1,
            )
        for c in absentes:
            err(f"colonne « {c} » (correspondance) absente du fichier{_proches(c, presentes_fichier)}", 1, c)
        if erreurs:
            raise ErreursNettoyage(erreurs)
        brut = brut.rename(columns={c: ch for ch, c in colonnes.items()})
        brut.attrs = {"source": source}
    if not est_scdl(brut):
        manquantes = [c for c in COLONNES_ESSENTIELLES if c not in _presentes(brut)]
        if not {"idBeneficiaire", "rnaBeneficiaire"} & _presentes(brut):
            manquantes.append("idBeneficiaire (ou rnaBeneficiaire)")
        raise ErreurDonnees(
            f"ce n'est pas un fichier SCDL « Subventions » : colonne(s) absente(s) "
            f"{', '.join(manquantes)} (colonnes trouvées : {', '.join(presentes_fichier)}) ; un fichier qui a ses "
            f"propres colonnes se lit par une correspondance (clé « correspondance » du paramètre scdl)",
            fichier=nom,
            ligne=1,
        )
    version = "correspondance" if colonnes else version_scdl(brut)
    version_schema = "2.1" if colonnes else version
    renommages = renommages_scdl(brut.columns)
    noms_fichier = {v: k for k, v in renommages.items()} | {
        c: c for c in brut.columns if c in COLONNES_SCDL_V2_1 and c not in renommages
    }
    if colonnes:
        noms_fichier |= dict(colonnes)
    df = brut.rename(columns=renommages).copy()
    lignes = (
        df[COLONNE_LIGNE].astype("int64")
        if COLONNE_LIGNE in df.columns
        else pd.Series(range(2, len(df) + 2), index=df.index)
    )
    df[COLONNE_LIGNE] = lignes
    if df.empty:
        raise ErreurDonnees("le fichier ne contient aucune subvention", fichier=nom, ligne=2)
    for c in COLONNES_SCDL_V2_1:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str).str.strip()
    # écarts de forme du fichier
    if encodage == "cp1252-bom":
        constat(
            1, "", "", "encodage UTF-8", f"{ACCEPTE} : octets Windows-1252 derrière un BOM UTF-8, lus en Windows-1252"
        )
    elif encodage in ("cp1252", "latin-1"):
        constat(1, "", "", "encodage UTF-8", f"{ACCEPTE} : fichier lu en {encodage}")
    ordre_schema = [c for c in COLONNES_SCDL_V2_1 if c in noms_fichier]
    ordre_fichier = [renommages.get(c, c) for c in presentes_fichier if renommages.get(c, c) in COLONNES_SCDL_V2_1]
    if version not in ("1.0", "correspondance") and ordre_fichier != ordre_schema:
        constat(1, "", "", "ordre des colonnes du schéma", f"{ACCEPTE} : colonnes rapprochées par leur nom")
    if version == "1.0":
        constat(1, "", "", "noms de colonnes de la version 1.0", f"{ACCEPTE} : ramenés aux noms de la 1.1")
    elif version != "correspondance" and any(renommages.get(c, c) != str(c).strip() for c in renommages):
        constat(1, "", "", "noms de colonnes du schéma (casse)", f"{ACCEPTE} : casse ignorée")
    hors_schema = [c for c in presentes_fichier if c not in noms_fichier.values()]
    if hors_schema:
        constat(1, ", ".join(hors_schema), "", "colonnes du schéma seulement", f"{ACCEPTE} : colonnes ignorées")

    n = len(df)
    motif = pd.Series("", index=df.index, dtype=object)  # raison d'écarter la ligne (la première relevée)
    morceaux: list[pd.DataFrame] = []  # constats relevés sur des colonnes entières (une ligne par cellule)

    def ecarter(masque: pd.Series, raisons) -> None:
        """Écarte les lignes de ``masque`` (la première raison relevée l'emporte)."""
        libres = masque & motif.eq("")
        if libres.any():
            motif[libres] = raisons[libres] if isinstance(raisons, pd.Series) else raisons

    def constat_masque(masque: pd.Series, colonne: str, valeurs: pd.Series, regle: str, traitement) -> None:
        if masque.any():
            morceaux.append(
                pd.DataFrame(
                    {
                        "ligne": lignes[masque].astype("int64").to_numpy(),
                        "colonne": colonne,
                        "valeur": valeurs[masque].to_numpy(),
                        "regle": regle,
                        "traitement": traitement[masque].to_numpy()
                        if isinstance(traitement, pd.Series)
                        else traitement,
                    }
                )
            )

    def par_valeur(serie: pd.Series, fonction) -> pd.Series:
        """``fonction`` appliquée une fois par valeur distincte (les mêmes valeurs reviennent à chaque ligne)."""
        lus = {v: fonction(v) for v in pd.unique(serie)}
        return serie.map(lus)

    # --- identifiants de l'attribuant : un seul attribuant par fichier
    col_att = noms_fichier["idAttribuant"]
    lus_att = par_valeur(df["idAttribuant"], lire_identifiant)
    id_att = lus_att.str[0]
    rep_att, raison_att = lus_att.str[1], lus_att.str[2]
    constat_masque(rep_att.ne(""), col_att, df["idAttribuant"], "SIRET de 14 chiffres", REPARE + " : " + rep_att)
    fautifs = raison_att.ne("") & id_att.eq("")
    constat_masque(fautifs, col_att, df["idAttribuant"], "SIRET de 14 chiffres", "ligne écartée : " + raison_att)
    ecarter(fautifs, "identifiant de l'attribuant : " + raison_att)
    cles_att = id_att.str[:9].where(id_att != "", "nom:" + par_valeur(df["nomAttribuant"], cle_nom_porteur))
    distincts = list(dict.fromkeys(cles_att[id_att != ""])) or list(dict.fromkeys(cles_att))
    if len(distincts) > 1:
        premier = df.index[cles_att == distincts[0]][0]
        for autre in distincts[1:]:
            i = df.index[cles_att == autre][0]
            err(
                f"le fichier mêle deux attribuants : « {df.at[premier, 'nomAttribuant']} » (idAttribuant "
                f"{df.at[premier, 'idAttribuant']}, ligne {int(lignes[premier])}) et « {df.at[i, 'nomAttribuant']} » "
                f"(idAttribuant {df.at[i, 'idAttribuant']}, {int((cles_att == autre).sum())} ligne(s)) : un fichier "
                f"SCDL est celui d'un seul attribuant ; séparez-le et déclarez chaque fichier",
                ligne=int(lignes[i]),
                colonne=col_att,
            )
    if attribuant_siret or attribuant_nom:
        attendu = normaliser_identifiant(attribuant_siret) if attribuant_siret else ""
        if attendu:
            autre = (id_att.str[:9] != attendu[:9]) & (id_att != "")
        else:
            autre = par_valeur(df["nomAttribuant"], cle_nom_porteur) != cle_nom_porteur(attribuant_nom)
        if autre.any():
            i = autre.idxmax()
            declare = " ".join(
                x
                for x in (
                    f"« {attribuant_nom} »" if attribuant_nom else "",
                    f"(SIRET {attribuant_siret})" if attribuant_siret else "",
                )
                if x
            )
            err(
                f"ce fichier SCDL est celui de « {df.at[i, 'nomAttribuant']} » (idAttribuant "
                f"{df.at[i, 'idAttribuant']}), pas de l'attribuant déclaré {declare} "
                f"({int(autre.sum())} ligne(s) sur {n}) : vérifiez le fichier ou la déclaration",
                ligne=int(lignes[i]),
                colonne=col_att if attendu else noms_fichier["nomAttribuant"],
            )

    # --- bénéficiaire : SIRET (réparé s'il est sans ambiguïté) ou RNA
    col_id = noms_fichier.get("idBeneficiaire", "idBeneficiaire")
    col_rna = noms_fichier.get("rnaBeneficiaire", "rnaBeneficiaire")
    rna = par_valeur(df["rnaBeneficiaire"], normaliser_identifiant)
    rna_ok = par_valeur(rna, lambda r: bool(r) and rna_valide(r)).astype(bool)
    lus_id = par_valeur(df["idBeneficiaire"], lire_identifiant)
    siret, rep_id, raison_id = lus_id.str[0], lus_id.str[1], lus_id.str[2]
    a_siret, id_ecrit = siret.ne(""), df["idBeneficiaire"].ne("")
    rna_faux = rna.ne("") & ~rna_ok
    regle_rna = "RNA « W » + 9 chiffres"
    constat_masque(
        rna_faux & a_siret,
        col_rna,
        df["rnaBeneficiaire"],
        regle_rna,
        f"{ACCEPTE} : RNA invalide ignoré, ligne identifiée par son SIRET",
    )
    constat_masque(rna_faux & ~a_siret, col_rna, df["rnaBeneficiaire"], regle_rna, "ligne écartée : RNA invalide")
    ecarter(
        rna_faux & ~a_siret,
        "RNA « " + df["rnaBeneficiaire"] + " » invalide (attendu : « W » suivi de 9 caractères)",
    )
    constat_masque(
        a_siret & rep_id.ne(""), col_id, df["idBeneficiaire"], "SIRET de 14 chiffres", REPARE + " : " + rep_id
    )
    fautifs = ~a_siret & id_ecrit
    constat_masque(
        fautifs, col_id, df["idBeneficiaire"], "SIRET de 14 chiffres à clé juste", "ligne écartée : " + raison_id
    )
    ecarter(fautifs, raison_id)
    if version_schema != "2.1":
        constat_masque(
            ~id_ecrit & rna_ok,
            col_id,
            df["idBeneficiaire"],
            "valeur obligatoire (avant la 2.1)",
            f"{ACCEPTE} : bénéficiaire identifié par son RNA",
        )
    sans_rien = ~id_ecrit & ~rna_ok
    constat_masque(
        sans_rien, col_id, df["idBeneficiaire"], "un SIRET ou un RNA du bénéficiaire", "ligne écartée : ni SIRET ni RNA"
    )
    ecarter(sans_rien, "ni SIRET ni RNA du bénéficiaire : la ligne ne peut être rapprochée d'aucun porteur")
    rna = rna.where(rna_ok, "")

    # --- montants : le point décimal du schéma, ou l'écriture à la française dans tout le fichier
    col_mt = noms_fichier["montant"]
    texte = df["montant"]
    a_point = texte.str.fullmatch(_POINT.pattern)
    a_virgule = texte.str.contains(",", regex=False)
    if a_point.any() and a_virgule.any():
        exemple = df.index[a_point][0]
        for i in df.index[a_virgule][:20]:
            err(
                f"montant « {texte.at[i]} » écrit avec une virgule alors que les autres montants du fichier ont un point "
                f"décimal (ligne {int(lignes[exemple])} : « {texte.at[exemple]} ») : lecture ambiguë (virgule décimale "
                f"ou séparateur de milliers ?), corrigez le fichier",
                ligne=int(lignes[i]),
                colonne=col_mt,
            )
    simples = texte.str.fullmatch(_SIMPLE.pattern)
    montants = pd.to_numeric(texte.where(simples), errors="coerce").astype("float64")

    def _montant(v):
        if not v:
            return "montant absent"
        try:
            x = lire_nombre(v, "montant")
        except ValeurIllisible as exc:
            return f"montant illisible : {exc}"
        return "montant absent" if pd.isna(x) else x

    lus_mt = par_valeur(texte.where(~simples, ""), _montant).where(~simples)
    illisibles = ~simples & lus_mt.map(lambda x: isinstance(x, str))
    lisibles = ~simples & ~illisibles
    montants = montants.where(~lisibles, pd.to_numeric(lus_mt.where(lisibles), errors="coerce"))
    regle_mt = "nombre à point décimal"
    constat_masque(illisibles, col_mt, texte, regle_mt, "ligne écartée : " + lus_mt.where(illisibles, "").astype(str))
    ecarter(illisibles, lus_mt.where(illisibles, "").astype(str))
    lu_fr = montants.map(lambda x: f"{ACCEPTE} : lu {x:.2f}".replace(".", ",") if pd.notna(x) else "")
    constat_masque(lisibles, col_mt, texte, regle_mt, lu_fr)
    negatifs = montants < 0
    constat_masque(negatifs, col_mt, texte, "montant accordé positif", "ligne écartée : montant négatif")
    ecarter(negatifs, "montant négatif (" + texte + ") : une subvention accordée ne peut pas être négative")

    # --- parts : pourcentageSubvention entre 0,01 et 1 (absent : 100 %)
    col_pc = noms_fichier.get("pourcentageSubvention", "pourcentageSubvention")
    lus_pc = {v: _pourcentage(v) for v in pd.unique(df["pourcentageSubvention"])}
    for v, (x, remarque) in lus_pc.items():
        fautif = x is None or x <= 0 or x > 1 + 1e-9
        if not fautif:
            continue
        for i in df.index[df["pourcentageSubvention"] == v][:20]:
            if x is None:
                err(
                    f"{remarque} (attendu : une fraction entre 0.01 et 1, par exemple 0.5 pour 50 %)",
                    int(lignes[i]),
                    col_pc,
                )
            else:
                pc = " (un pourcentage écrit sans « % » ? attendu 0.5 pour 50 %)" if x > 1 else ""
                err(
                    f"pourcentageSubvention « {v} » hors de l'intervalle du schéma (0,01 à 1) : la part d'un "
                    f"bénéficiaire est montant × pourcentage{pc}",
                    int(lignes[i]),
                    col_pc,
                )
    pourcentage = (
        df["pourcentageSubvention"]
        .map({v: (x if x is not None and 0 < x <= 1 + 1e-9 else np.nan) for v, (x, _r) in lus_pc.items()})
        .astype("float64")
    )
    remarques_pc = df["pourcentageSubvention"].map({v: r for v, (_x, r) in lus_pc.items()})
    if "pourcentageSubvention" in noms_fichier:
        absent = df["pourcentageSubvention"].eq("")
        constat_masque(
            absent, col_pc, df["pourcentageSubvention"], "valeur obligatoire", ACCEPTE + " : " + remarques_pc
        )
        autre = ~absent & remarques_pc.ne("") & pourcentage.notna()
        constat_masque(
            autre,
            col_pc,
            df["pourcentageSubvention"],
            "nombre à point décimal entre 0.01 et 1",
            ACCEPTE + " : " + remarques_pc,
        )

    # --- dates et exercice
    col_dc = noms_fichier["dateConvention"]
    col_dp = noms_fichier.get("datesPeriodeVersement", "datesPeriodeVersement")
    lues_d = par_valeur(df["dateConvention"], lire_date)
    lues_p = par_valeur(df["datesPeriodeVersement"], lire_periode)
    date_conv, rem_d = lues_d.str[0], lues_d.str[1]
    periode, rem_p = lues_p.str[0], lues_p.str[1]
    sans_date, sans_periode = date_conv.isna(), periode.isna()
    regle_d, regle_p = "date AAAA-MM-JJ", "date ou période AAAA-MM-JJ/AAAA-MM-JJ"
    constat_masque(sans_date, col_dc, df["dateConvention"], regle_d, "date non lue : " + rem_d)
    constat_masque(~sans_date & rem_d.ne(""), col_dc, df["dateConvention"], regle_d, ACCEPTE + " : " + rem_d)
    constat_masque(
        sans_periode & df["datesPeriodeVersement"].ne(""),
        col_dp,
        df["datesPeriodeVersement"],
        regle_p,
        ACCEPTE + " : non utilisée (" + rem_p + ")",
    )
    constat_masque(~sans_periode & rem_p.ne(""), col_dp, df["datesPeriodeVersement"], regle_p, ACCEPTE + " : " + rem_p)
    exercice = date_conv.map(lambda d: d.year if d is not None and not pd.isna(d) else pd.NA).astype("Int64")
    hors_annee = pd.Series(False, index=df.index)
    if annee is not None:
        inconnu = sans_date & sans_periode
        ecarter(inconnu, rem_d + " et pas de période de versement lisible : exercice inconnu")
        autre_annee = ~sans_date & exercice.ne(annee).fillna(False).astype(bool)
        periode_hors = periode.map(
            lambda p: (
                p is not None and not (isinstance(p, float) and pd.isna(p)) and (p[1].year < annee or p[0].year > annee)
            )
        ).astype(bool)
        hors_annee = (autre_annee | (~sans_date & ~autre_annee & periode_hors) | (sans_date & periode_hors)) & ~inconnu
    date_conv = date_conv.where(~sans_date, None)
    # --- autres valeurs du schéma (non utilisées par la comparaison) : capitales acceptées
    col_na = noms_fichier.get("nature", "nature")
    capitales = par_valeur(
        df["nature"], lambda v: bool(v) and v not in NATURES and v.lower().replace("; ", ";") in NATURES
    ).astype(bool)
    constat_masque(capitales, col_na, df["nature"], "valeur en minuscules du schéma", f"{ACCEPTE} : casse ignorée")
    if erreurs:
        raise ErreursNettoyage(erreurs)

    # --- écarts au schéma relevés par frictionless, avec ce que la lecture en a fait
    colonnes_ecarts = ["ligne", "colonne", "valeur", "regle", "traitement"]
    faits = pd.concat([pd.DataFrame(constats, columns=colonnes_ecarts), *morceaux], ignore_index=True).drop_duplicates(
        ["ligne", "colonne"]
    )
    schema = valider_schema(df, version_schema, noms_fichier) if version_schema in VERSIONS else _SANS_ECART
    schema = schema.drop_duplicates(["ligne", "colonne"]).merge(
        faits[["ligne", "colonne", "traitement"]], on=["ligne", "colonne"], how="left"
    )
    # 2.1 : identifiant vide avec un RNA (contrôle « one-of-required » du schéma)
    schema = schema[~(schema["champ"].eq("idBeneficiaire") & schema["valeur"].eq("") & schema["traitement"].isna())]
    defaut = np.where(
        schema["regle"].eq("colonne obligatoire"),
        f"{ACCEPTE} : colonne absente, valeurs vides",
        f"{ACCEPTE} : valeur non utilisée par la vérification",
    )
    schema = schema.assign(traitement=schema["traitement"].fillna(pd.Series(defaut, index=schema.index)))
    cles_schema = set(zip(schema["ligne"], schema["colonne"]))
    restants = faits[
        pd.Series([k not in cles_schema for k in zip(faits["ligne"], faits["colonne"])], index=faits.index, dtype=bool)
    ]
    ecarts_schema = pd.concat([schema[colonnes_ecarts], restants[colonnes_ecarts]], ignore_index=True)
    ecarts_schema = ecarts_schema.sort_values(["ligne", "colonne"], kind="stable").reset_index(drop=True)
    ecarts_schema["ligne"] = ecarts_schema["ligne"].astype("int64")

    # --- subventions : les lignes d'une même subvention (une par bénéficiaire)
    df["montant_num"] = montants
    df["pourcentage"] = pourcentage
    df["part"] = montants * pourcentage
    df["siret_beneficiaire"] = siret
    df["rna_beneficiaire"] = rna
    df["date_convention"] = date_conv
    df["exercice"] = exercice
    cle_sub = pd.DataFrame(
        {
            "a": cles_att,
            "r": df["referenceDecision"].map(cle),
            "d": date_conv.astype(str),
            "o": df["objet"].map(cle),
            "m": montants.round(2).astype(str),
        }
    )
    df["id_subvention"] = cle_sub.groupby(list(cle_sub.columns), sort=False, dropna=False).ngroup() + 1
    traitement = pd.Series(COMPTEE, index=df.index, dtype=object)
    traitement[hors_annee] = AUTRE_EXERCICE
    motif[hors_annee & (motif == "")] = [
        f"convention du {d.strftime('%d/%m/%Y') if d else '?'} hors de l'exercice {annee}"
        if d is not None and d.year != annee
        else f"versement hors de l'exercice {annee}"
        for d in date_conv[hors_annee & (motif == "")]
    ]
    traitement[motif.ne("") & ~hors_annee] = ECARTEE
    df["traitement"] = traitement
    df["motif"] = motif
    df["financeur"] = financeur or ""
    df["version_scdl"] = version
    # parts d'une subvention au-delà de 100 % (au moins une part écrite) : un écart listé avec ses lignes
    g = df.assign(_explicite=df["pourcentageSubvention"].ne("")).groupby("id_subvention", sort=False)
    parts = g.agg(
        parts=("pourcentage", "sum"),
        explicites=("_explicite", "any"),
        referenceDecision=("referenceDecision", "first"),
        dateConvention=("dateConvention", "first"),
        objet=("objet", "first"),
        montant=("montant_num", "first"),
    )
    parts = parts[parts["explicites"] & (parts["parts"] > 1 + TOLERANCE_PARTS)]
    if len(parts):
        sel = df[df["id_subvention"].isin(parts.index)]
        parts["lignes"] = sel.groupby("id_subvention", sort=False)[COLONNE_LIGNE].agg(
            lambda x: ", ".join(str(int(v)) for v in x)
        )
    a_verifier = parts.reset_index().assign(id_subvention=lambda d: d["id_subvention"].astype(int))
    a_verifier = a_verifier.reindex(columns=COLONNES_A_VERIFIER)
    sortie = df[[*COLONNES_SCDL_V2_1, *(c for c in df.columns if c not in COLONNES_SCDL_V2_1)]].copy()
    sortie.attrs = {"source": dict(source)}
    return Subventions(
        fichier=nom,
        version=version,
        lignes=sortie.reset_index(drop=True),
        ecarts_schema=ecarts_schema,
        subventions_a_verifier=a_verifier.reset_index(drop=True),
        financeur=financeur or "",
        annee=annee,
        encodage=encodage,
    )


# --------------------------------------------------------------------------------------------- correspondance


def charger_correspondance_subventions(chemin: Path | str) -> dict[str, str]:
    """Une correspondance de fichier de subventions (YAML) : ``{champ du schéma SCDL: colonne du fichier}``.

    Format, comme la correspondance de la programmation (``correspondance.py``)::

        source: "Subventions de la ville (export de son logiciel)"
        subventions:
          colonnes:
            nomAttribuant: ATTRIB_NOM
            idAttribuant: ATTRIB_SIRET
            dateConvention: DATE_CONV
            nomBeneficiaire: BENEF_NOM
            idBeneficiaire: BENEF_SIRET
            objet: OBJET
            montant: SUB_MONTANT

    Une clé inconnue, un champ inconnu du schéma : erreur en français qui nomme le fichier et la clé."""
    import yaml

    chemin = Path(chemin)
    if not chemin.is_file():
        raise ErreurDonnees("correspondance des subventions introuvable", fichier=str(chemin))
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        ligne = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ErreurDonnees(
            f"YAML illisible : {exc}", fichier=chemin.name, ligne=None if ligne is None else ligne + 1
        ) from None
    if not isinstance(donnees, dict) or not isinstance(donnees.get("subventions"), dict):
        raise ErreurDonnees("attendu une section « subventions: » avec « colonnes: »", fichier=chemin.name)
    inconnues = set(donnees) - {"source", "subventions"}
    inconnues |= {f"subventions.{k}" for k in set(donnees["subventions"]) - {"colonnes"}}
    if inconnues:
        raise ErreurDonnees(
            f"clé(s) inconnue(s) : {', '.join(sorted(inconnues))} (clés permises : source, subventions.colonnes)",
            fichier=chemin.name,
        )
    colonnes = donnees["subventions"].get("colonnes") or {}
    if not isinstance(colonnes, dict) or not colonnes:
        raise ErreurDonnees(
            "« subventions: colonnes: » attend {champ du schéma: colonne du fichier}", fichier=chemin.name
        )
    for champ in colonnes:
        if champ not in COLONNES_SCDL_V2_1:
            raise ErreurDonnees(
                f"champ « {champ} » inconnu du schéma SCDL « Subventions »{_proches(champ, COLONNES_SCDL_V2_1)} ; "
                f"champs : {', '.join(COLONNES_SCDL_V2_1)}",
                fichier=chemin.name,
                colonne=f"subventions.colonnes.{champ}",
            )
    return {str(k): str(v) for k, v in colonnes.items()}


# --------------------------------------------------------------------------------------------- comparaison


def _montants_programmation(programmation: pd.DataFrame, financeur: str) -> pd.Series:
    col = colonne_financeur(financeur)
    if col not in programmation.columns:
        return pd.Series(np.nan, index=programmation.index, dtype="float64")
    serie = programmation[col]
    if serie.dtype == object:
        return lire_montants(serie)[0]
    return pd.to_numeric(serie, errors="coerce").astype("float64")


def _lignes(scdl) -> pd.DataFrame:
    return scdl.lignes if isinstance(scdl, Subventions) else scdl


def _financeur(scdl, financeur):
    if financeur:
        return financeur
    if isinstance(scdl, Subventions) and scdl.financeur:
        return scdl.financeur
    lignes = _lignes(scdl)
    return str(lignes["financeur"].iloc[0]) if "financeur" in lignes.columns and len(lignes) else ""


def _rapprocher(scdl, programmation: pd.DataFrame, financeur: str):
    """Les porteurs de la programmation financés par ``financeur`` (une ligne par porteur) et les lignes SCDL avec
    la clé du porteur rapproché (``_cle``) et le mode de rapprochement (``_mode``)."""
    p = programmation.copy()
    p["_montant"] = _montants_programmation(p, financeur)
    p = p[p["_montant"].notna() & (p["_montant"] != 0)]
    p["_cle"] = cles_porteurs(p)
    p["_nom"] = p["porteur"].map(cle_nom_porteur)
    for col in ("siret", "rna"):
        p["_" + col] = p[col].fillna("").map(normaliser_identifiant) if col in p.columns else ""
    g = p.groupby("_cle", sort=False)
    prog = pd.DataFrame(
        {
            "montant_programmation": g["_montant"].sum(),
            "porteur": g["porteur"].first(),
            "siret": g["_siret"].first(),
            "actions": g["id_action"].agg(lambda s: ", ".join(map(str, s))) if "id_action" in p.columns else "",
        }
    )
    par_siret = {s: k for s, k in zip(p["_siret"], p["_cle"]) if len(s) == 14}
    sirens = p.loc[p["_siret"].str.len() >= 9, ["_siret", "_cle"]].assign(siren=lambda d: d["_siret"].str[:9])
    uniques = (
        sirens.drop_duplicates(["siren", "_cle"])
        .groupby("siren")["_cle"]
        .agg(lambda s: s.iloc[0] if len(s) == 1 else None)
    )
    par_siren = {k: v for k, v in uniques.items() if v is not None}
    par_rna = {r: k for r, k in zip(p["_rna"], p["_cle"]) if r}
    sans_siret = p[p["_siret"] == ""]
    par_nom = {n: k for n, k in zip(sans_siret["_nom"], sans_siret["_cle"]) if n}

    s = _lignes(scdl).copy()
    sir = (
        s["siret_beneficiaire"]
        if "siret_beneficiaire" in s.columns
        else s["idBeneficiaire"].map(normaliser_identifiant)
    )
    if "rna_beneficiaire" in s.columns:
        rna = s["rna_beneficiaire"].fillna("")
    elif "rnaBeneficiaire" in s.columns:
        rna = s["rnaBeneficiaire"].fillna("").map(normaliser_identifiant)
    else:
        rna = pd.Series("", index=s.index)
    noms = s["nomBeneficiaire"].map(cle_nom_porteur)
    cles, modes = [], []
    for si, r, n in zip(sir, rna, noms):
        if si and si in par_siret:
            cles.append(par_siret[si]), modes.append("SIRET")
        elif si and si[:9] in par_siren:
            cles.append(par_siren[si[:9]]), modes.append("SIREN")
        elif r and r in par_rna:
            cles.append(par_rna[r]), modes.append("RNA")
        elif n in par_nom:
            cles.append(par_nom[n]), modes.append("nom")
        else:
            cles.append(f"scdl:{si or r or n}"), modes.append("")
    s["_cle"], s["_mode"] = cles, modes
    if "part" not in s.columns:
        montants = s["montant_num"] if "montant_num" in s.columns else lire_montants(s["montant"].map(str))[0]
        s["part"] = montants
    if "traitement" not in s.columns:
        s["traitement"] = COMPTEE
    s["_ligne"] = (s[COLONNE_LIGNE] if COLONNE_LIGNE in s.columns else pd.Series(s.index, index=s.index)).astype(str)
    return prog, s


def comparer(scdl, programmation: pd.DataFrame, financeur: str | None = None, tolerance: float = 0.5) -> pd.DataFrame:
    """Parts accordées par l'attribuant (:class:`Subventions`, lignes comptées seulement) face aux montants de ce
    financeur dans la programmation (colonne ``montant_<financeur>``), par porteur.

    Rapprochement d'un bénéficiaire SCDL avec un porteur de la programmation, dans l'ordre : même SIRET ; même SIREN
    (si un seul porteur de la programmation l'a) ; même RNA (les lignes identifiées par leur seul RNA) ; même nom
    normalisé (seulement pour un porteur sans SIRET dans la programmation). Une ligne par porteur : ``montant_scdl``
    (somme des parts montant × pourcentage), ``montant_programmation``, ``ecart`` (SCDL − programmation),
    ``statut`` (« concorde » à ``tolerance`` € près, « diffère », « absent de la programmation », « absent du fichier
    SCDL » — un porteur de la programmation sans montant de ce financeur n'est pas listé), ``rapprochement``
    (SIRET, SIREN, RNA, nom, ou vide), ``lignes_scdl`` (les lignes comptées), ``actions``."""
    financeur = _financeur(scdl, financeur)
    if financeur not in FINANCEURS:
        raise ErreurDonnees(
            f"financeur « {financeur} » inconnu : dites quel financeur de la programmation "
            f"l'attribuant SCDL représente ({', '.join(FINANCEURS)})"
        )
    libelle = FINANCEURS[financeur][0]
    prog, s = _rapprocher(scdl, programmation, financeur)
    attribuant = str(s["nomAttribuant"].iloc[0]) if len(s) else ""
    s = s[s["traitement"] == COMPTEE]
    gs = s.groupby("_cle", sort=False)
    cote_scdl = pd.DataFrame(
        {
            "montant_scdl": gs["part"].sum(),
            "nom_scdl": gs["nomBeneficiaire"].first(),
            "siret_scdl": gs["siret_beneficiaire"].first()
            if "siret_beneficiaire" in s.columns
            else gs["idBeneficiaire"].first(),
            "rapprochement": gs["_mode"].first(),
            "attribuant": gs["nomAttribuant"].first(),
            "lignes_scdl": gs["_ligne"].agg(", ".join),
        }
    )
    tout = prog.join(cote_scdl, how="outer", sort=False)
    ordre = list(prog.index) + [k for k in cote_scdl.index if k not in prog.index]
    tout = tout.reindex(ordre)
    sortie = pd.DataFrame(
        {
            "porteur": [
                nom_affichage(a if isinstance(a, str) and a else b) for a, b in zip(tout["porteur"], tout["nom_scdl"])
            ],
            "siret": [
                a if isinstance(a, str) and a else (b if isinstance(b, str) else "")
                for a, b in zip(tout["siret"], tout["siret_scdl"])
            ],
            "rapprochement": tout["rapprochement"].fillna("").to_numpy(),
            "attribuant": tout["attribuant"].fillna(attribuant).to_numpy(),
            "financeur": libelle,
            "montant_scdl": tout["montant_scdl"].astype("float64").round(2).to_numpy(),
            "montant_programmation": tout["montant_programmation"].astype("float64").to_numpy(),
        }
    )
    sortie["ecart"] = (sortie["montant_scdl"] - sortie["montant_programmation"]).round(2)
    sortie["statut"] = np.select(
        [sortie["montant_programmation"].isna(), sortie["montant_scdl"].isna(), sortie["ecart"].abs() <= tolerance],
        [ABSENT_PROGRAMMATION, ABSENT_SCDL, CONCORDE],
        DIFFERE,
    )
    sortie["lignes_scdl"] = tout["lignes_scdl"].fillna("").to_numpy()
    sortie["actions"] = tout["actions"].fillna("").to_numpy()
    rang = {s_: i for i, s_ in enumerate(STATUTS)}
    sortie = sortie.sort_values(
        ["statut", "porteur"], key=lambda c: c.map(rang) if c.name == "statut" else c, kind="stable"
    ).reset_index(drop=True)
    return sortie[COLONNES_COMPARAISON]


COLONNES_DETAIL = [
    "porteur",
    "ligne",
    "subvention",
    "beneficiaire",
    "identifiant",
    "referenceDecision",
    "dateConvention",
    "objet",
    "montant",
    "pourcentage",
    "part",
    "traitement",
    "motif",
]


def detail_des_lignes(scdl: Subventions, programmation: pd.DataFrame, financeur: str | None = None) -> pd.DataFrame:
    """Le montant SCDL de chaque porteur déplié en ses lignes : une ligne par ligne du fichier, ``porteur`` (le
    porteur de la programmation rapproché, ou le bénéficiaire), ``ligne``, ``subvention`` (numéro de la subvention
    dont la ligne est une part : les lignes d'une même subvention ont le même), ``beneficiaire``, ``identifiant``
    (SIRET ou RNA), la subvention (``referenceDecision``, ``dateConvention``, ``objet``), ``montant`` (total de la
    subvention), ``pourcentage``, ``part`` (ce qui est compté pour le porteur), ``traitement`` et ``motif``. Les
    lignes comptées d'abord (par porteur), puis les autres exercices, puis les lignes écartées."""
    financeur = _financeur(scdl, financeur)
    prog, s = _rapprocher(scdl, programmation, financeur)
    noms = prog["porteur"].to_dict()
    porteur = [
        nom_affichage(noms[k]) if k in noms else nom_affichage(n) for k, n in zip(s["_cle"], s["nomBeneficiaire"])
    ]
    sortie = pd.DataFrame(
        {
            "porteur": porteur,
            "ligne": s[COLONNE_LIGNE].astype("int64").to_numpy(),
            "subvention": s["id_subvention"].to_numpy() if "id_subvention" in s.columns else np.arange(1, len(s) + 1),
            "beneficiaire": s["nomBeneficiaire"].to_numpy(),
            "identifiant": [a or b for a, b in zip(s["siret_beneficiaire"], s["rna_beneficiaire"])],
            "referenceDecision": s["referenceDecision"].to_numpy(),
            "dateConvention": s["dateConvention"].to_numpy(),
            "objet": s["objet"].to_numpy(),
            "montant": s["montant_num"].to_numpy(),
            "pourcentage": s["pourcentage"].to_numpy(),
            "part": s["part"].where(s["traitement"] != ECARTEE).to_numpy(),
            "traitement": s["traitement"].to_numpy(),
            "motif": s["motif"].to_numpy(),
        }
    )
    rang = {t: i for i, t in enumerate(TRAITEMENTS_LIGNES)}
    return sortie.sort_values(
        ["traitement", "porteur", "ligne"], key=lambda c: c.map(rang) if c.name == "traitement" else c, kind="stable"
    ).reset_index(drop=True)


def compter_statuts(comparaison: pd.DataFrame) -> dict[str, int]:
    """Nombre de porteurs par statut, dans l'ordre de :data:`STATUTS` (0 compris)."""
    comptes = comparaison["statut"].value_counts()
    return {s: int(comptes.get(s, 0)) for s in STATUTS}


def verification_independante(comparaison: pd.DataFrame, fichier: str = "") -> pd.DataFrame:
    """La comparaison mise en forme pour le chapitre de concordance, section « vérification indépendante » : une
    ligne par porteur, ``verification`` (« vérification indépendante »), ``source`` (fichier SCDL), ``libelle``
    (« <financeur> à <porteur> »), ``valeur_independante`` (SCDL), ``valeur_programmation``, ``ecart``, ``statut``,
    ``explication`` (en français), ``lignes_scdl``."""
    explications = {
        CONCORDE: "le montant accordé publié par l'attribuant est celui de la programmation",
        DIFFERE: "le montant accordé publié par l'attribuant n'est pas celui de la programmation",
        ABSENT_PROGRAMMATION: "subvention publiée par l'attribuant, sans action de ce porteur financée par lui dans "
        "la programmation",
        ABSENT_SCDL: "montant de la programmation sans subvention correspondante dans le fichier de l'attribuant",
    }
    return pd.DataFrame(
        {
            "verification": "vérification indépendante",
            "source": fichier,
            "libelle": [f"{f} à {p}" for f, p in zip(comparaison["financeur"], comparaison["porteur"])],
            "valeur_independante": comparaison["montant_scdl"],
            "valeur_programmation": comparaison["montant_programmation"],
            "ecart": comparaison["ecart"],
            "statut": comparaison["statut"],
            "explication": comparaison["statut"].map(explications),
            "lignes_scdl": comparaison["lignes_scdl"],
        }
    )


# --------------------------------------------------------------------------------------------- territoire (paramètres)


def lire_scdl_du_territoire(cat, params: dict | None) -> list[tuple[dict, Subventions]]:
    """Les fichiers SCDL déclarés par le paramètre ``scdl`` (liste de {fichier, financeur, attribuant_siret,
    attribuant_nom, correspondance}), lus dans le dossier des fichiers bruts et vérifiés (:func:`lire_scdl`, avec
    l'année du catalogue) : ``[(entrée, Subventions)]``, dans l'ordre des paramètres. ``correspondance`` (facultatif,
    relatif au dossier des référentiels) : fichier YAML qui relie les colonnes d'un fichier non SCDL au schéma
    (:func:`charger_correspondance_subventions`). Un fichier absent, d'un autre attribuant que celui déclaré, ou
    inutilisable : erreur en français qui nomme le fichier (et la ligne)."""
    sortie = []
    for entree in (params or {}).get("scdl") or []:
        fichier = str(entree.get("fichier", "")).strip()
        chemin = Path(cat.raw_dir) / fichier
        if not chemin.is_file():
            raise ErreurDonnees(
                f"fichier SCDL « {fichier} » (paramètre « scdl ») absent du dossier des fichiers bruts",
                fichier=str(chemin),
            )
        colonnes = None
        if entree.get("correspondance"):
            colonnes = charger_correspondance_subventions(chemin_correspondance_subventions(cat, entree))
        siret = entree.get("attribuant_siret")
        sortie.append(
            (
                dict(entree),
                lire_scdl(
                    chemin,
                    financeur=str(entree.get("financeur", "")).strip() or None,
                    attribuant_siret=str(siret) if siret not in (None, "") else None,
                    attribuant_nom=entree.get("attribuant_nom") or None,
                    annee=int(cat.annee) if getattr(cat, "annee", None) else None,
                    colonnes=colonnes,
                ),
            )
        )
    return sortie


def chemin_correspondance_subventions(cat, entree: dict) -> Path:
    """Le fichier de correspondance d'une entrée du paramètre ``scdl`` (relatif au dossier des référentiels)."""
    chemin = Path(str(entree["correspondance"]))
    return chemin if chemin.is_absolute() else Path(cat.reference_dir) / chemin


def verifications_du_territoire(cat, params: dict | None, programmation: pd.DataFrame | None) -> list[dict]:
    """Pour chaque fichier SCDL déclaré, la vérification indépendante de la programmation (table nettoyée, avec ses
    colonnes ``montant_<financeur>``) : une entrée par fichier, dans l'ordre des paramètres, avec ``fichier``,
    ``financeur`` (libellé), ``attribuant`` (nom lu dans le fichier), ``subventions`` (:class:`Subventions`),
    ``comparaison`` (:func:`comparer`), ``vue`` (:func:`verification_independante`), ``comptes``
    (:func:`compter_statuts`), ``differences`` (les lignes de ``vue`` qui ne concordent pas) et ``detail``
    (:func:`detail_des_lignes`). Sans programmation : liste vide."""
    if programmation is None:
        return []
    sortie = []
    for entree, sub in lire_scdl_du_territoire(cat, params):
        comparaison = comparer(sub, programmation)
        vue = verification_independante(comparaison, entree["fichier"])
        sortie.append(
            {
                "fichier": entree["fichier"],
                "financeur": FINANCEURS[sub.financeur][0],
                "attribuant": sub.attribuant,
                "subventions": sub,
                "comparaison": comparaison,
                "vue": vue,
                "comptes": compter_statuts(comparaison),
                "differences": vue[vue["statut"] != CONCORDE].reset_index(drop=True),
                "detail": detail_des_lignes(sub, programmation),
            }
        )
    return sortie


def tableau_des_comptes(comptes: dict[str, int]) -> pd.DataFrame:
    """Les comptes par statut (:func:`compter_statuts`) en table : ``statut``, ``porteurs`` (0 compris), dans l'ordre
    de :data:`STATUTS`, puis une ligne « ensemble »."""
    lignes = [{"statut": s, "porteurs": int(comptes.get(s, 0))} for s in STATUTS]
    lignes.append({"statut": "ensemble", "porteurs": sum(int(comptes.get(s, 0)) for s in STATUTS)})
    return pd.DataFrame(lignes)


def _n(k, sing, plur):
    return f"{k} {sing if abs(k) < 2 else plur}"


def phrase_verification(verif: dict) -> str:
    """Une phrase en français qui résume une vérification indépendante (:func:`verifications_du_territoire`) :
    nombre de porteurs comparés, qui concordent, qui diffèrent, absents d'un côté (singulier et pluriel) ; puis les
    lignes du fichier non comptées (autre exercice, écartées) avec leur montant."""
    c = verif["comptes"]
    total = sum(c.values())
    if total == 0:
        texte = (
            f"Le fichier « {verif['fichier']} » ({verif['attribuant']}) ne contient aucune subvention à comparer "
            f"et la programmation n'a aucun montant de ce financeur ({verif['financeur']})."
        )
    else:
        morceaux = [
            _n(c[CONCORDE], "concorde", "concordent"),
            _n(c[DIFFERE], "diffère", "diffèrent"),
            _n(c[ABSENT_PROGRAMMATION], "est absent de la programmation", "sont absents de la programmation"),
            _n(c[ABSENT_SCDL], "est absent du fichier SCDL", "sont absents du fichier SCDL"),
        ]
        texte = (
            f"Vérification indépendante par le fichier « {verif['fichier']} » ({verif['attribuant']}, financeur de la "
            f"programmation : {verif['financeur']}) : {_n(total, 'porteur comparé', 'porteurs comparés')} ; "
            f"{', '.join(morceaux[:-1])} et {morceaux[-1]}."
        )
    sub = verif.get("subventions")
    if sub is not None:
        texte += " " + phrase_lignes(sub)
    return texte


def _euros(x: float) -> str:
    """« 1 000 € » (espace fine insécable des milliers, insécable avant l'unité, comme ``present.euros``)."""
    entier = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    return (entier[:-3] if entier.endswith(",00") else entier) + "\u00a0€"


def phrase_lignes(sub: Subventions) -> str:
    """Ce qu'il advient des lignes du fichier : comptées, d'un autre exercice (listées à part, jamais additionnées),
    écartées (avec leur montant) ; version du schéma reconnue."""
    k = sub.comptes()
    autres = sub.lignes[sub.lignes["traitement"] == AUTRE_EXERCICE]
    ecartees = sub.lignes[sub.lignes["traitement"] == ECARTEE]
    version = VERSIONS[sub.version][1] if sub.version in VERSIONS else "colonnes propres, lues par une correspondance"
    texte = (
        f"Le fichier (schéma SCDL {version}) a {_n(len(sub), 'ligne', 'lignes')} : "
        f"{_n(k[COMPTEE], 'comptée', 'comptées')}"
    )
    if sub.annee is not None:
        texte += f", {_n(k[AUTRE_EXERCICE], 'ligne', 'lignes')} d'un autre exercice que {sub.annee}" + (
            f" ({_euros(float(autres['part'].sum()))}, non additionnés)" if len(autres) else ""
        )
    texte += f" et {_n(k[ECARTEE], 'ligne écartée', 'lignes écartées')}" + (
        f" ({_euros(float(ecartees['montant_num'].fillna(0).sum()))} de montants lisibles, non comptés)"
        if len(ecartees)
        else ""
    )
    return texte + "."


#: Colonnes de :func:`verification_independante` montrées dans la liste des différences, et leurs intitulés.
COLONNES_DIFFERENCES = {
    "libelle": "subvention (financeur à porteur)",
    "valeur_independante": "montant SCDL",
    "valeur_programmation": "montant de la programmation",
    "ecart": "écart (SCDL − programmation)",
    "statut": "statut",
    "explication": "explication",
    "lignes_scdl": "lignes du fichier SCDL",
}
#: Colonnes de montants (intitulés) de la liste des différences.
MONTANTS_DIFFERENCES = ("montant SCDL", "montant de la programmation", "écart (SCDL − programmation)")
#: Phrase du chapitre de concordance quand aucun fichier SCDL n'est déclaré (``{annee}``).
SANS_SCDL = (
    "Aucun fichier de subventions au format SCDL n'est déclaré pour {annee} (paramètre `scdl` des paramètres "
    "de l'année) ou la programmation manque : pas de vérification indépendante par cette voie."
)


def differences_affichees(verif: dict) -> pd.DataFrame:
    """Les différences d'une vérification (:func:`verifications_du_territoire`) avec des intitulés français."""
    return verif["differences"][list(COLONNES_DIFFERENCES)].rename(columns=COLONNES_DIFFERENCES)


#: Intitulés du détail des lignes (:func:`detail_des_lignes`) et de ses colonnes de montants.
COLONNES_DETAIL_AFFICHEES = {
    "porteur": "porteur",
    "ligne": "ligne",
    "subvention": "subvention n°",
    "beneficiaire": "bénéficiaire (fichier)",
    "identifiant": "SIRET ou RNA",
    "referenceDecision": "décision",
    "dateConvention": "date de convention",
    "objet": "objet",
    "montant": "montant de la subvention",
    "pourcentage": "part (%)",
    "part": "montant compté",
    "traitement": "traitement",
    "motif": "motif",
}
MONTANTS_DETAIL = ("montant de la subvention", "montant compté")


def detail_affiche(verif: dict) -> pd.DataFrame:
    """Le détail des lignes (:func:`detail_des_lignes`) avec des intitulés français ; la part en pourcentage."""
    d = verif["detail"].copy()
    d["pourcentage"] = d["pourcentage"] * 100
    return d[list(COLONNES_DETAIL_AFFICHEES)].rename(columns=COLONNES_DETAIL_AFFICHEES)


COLONNES_ECARTS_AFFICHEES = {
    "ligne": "ligne",
    "colonne": "colonne",
    "valeur": "valeur lue",
    "regle": "ce que dit le schéma",
    "traitement": "traitement",
}


def ecarts_schema_affiches(sub: Subventions) -> pd.DataFrame:
    """Les écarts au schéma officiel (:attr:`Subventions.ecarts_schema`) avec des intitulés français."""
    return sub.ecarts_schema.rename(columns=COLONNES_ECARTS_AFFICHEES)


def resume_ecarts_schema(sub: Subventions) -> pd.DataFrame:
    """Les écarts au schéma regroupés : une ligne par (colonne, règle, traitement), le nombre de cellules et les
    premières lignes du fichier concernées."""
    e = sub.ecarts_schema.copy()
    if e.empty:
        return pd.DataFrame(columns=["colonne", "ce que dit le schéma", "traitement", "cellules", "lignes"])
    e["_t"] = e["traitement"].str.replace(r" : .*", "", regex=True)
    g = e.groupby(["colonne", "regle", "_t"], sort=False)
    sortie = g.agg(
        cellules=("ligne", "size"),
        lignes=("ligne", lambda s: ", ".join(map(str, list(s)[:8])) + (" …" if len(s) > 8 else "")),
    ).reset_index()
    return sortie.rename(columns={"regle": "ce que dit le schéma", "_t": "traitement"})


def phrase_a_verifier(sub: Subventions) -> str:
    """Les subventions dont les parts dépassent 100 % (écart listé avec ses lignes), ou chaîne vide."""
    v = sub.subventions_a_verifier
    if v.empty:
        return ""
    morceaux = [
        f"« {r.objet} » ({r.referenceDecision or 'sans référence'}, {_euros(r.montant)}) : parts de "
        f"{str(round(100 * r.parts, 1)).replace('.', ',').removesuffix(',0')} % (lignes {r.lignes})"
        for r in v.itertuples()
    ]
    return (
        f"Écart : {_n(len(v), 'subvention partagée dont les parts dépassent', 'subventions partagées dont les parts dépassent')} "
        f"100 % du montant : " + " ; ".join(morceaux) + "."
    )
