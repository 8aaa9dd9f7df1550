"""Le schéma SCDL « Subventions » : ses versions et leurs colonnes, les statuts et traitements, le type
:class:`Subventions` (un fichier lu et vérifié), et la reconnaissance d'un fichier (colonnes, version, schéma
officiel)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

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
DOSSIER_SCHEMAS = Path(__file__).parents[1] / "schemas_scdl"

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
