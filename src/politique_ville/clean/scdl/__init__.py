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

Le paquet, par ce qu'il fait (chaque nom public est importé ici : ``from politique_ville.clean import scdl``) :

- ``schema`` : versions et colonnes du schéma, statuts, :class:`Subventions`, reconnaissance d'un fichier ;
- ``conformite`` : validation contre le schéma officiel (``frictionless``) ;
- ``valeurs`` : dates, périodes, identifiants, pourcentages ;
- ``verification`` : :func:`lire_scdl`, :func:`verifier_scdl` et leurs étapes ; ``controles`` : les contrôles
  colonne par colonne ;
- ``comparaison`` : :func:`comparer`, :func:`detail_des_lignes`, :func:`verification_independante` ;
- ``territoire`` : les fichiers du paramètre ``scdl`` et leurs correspondances ;
- ``affichage`` : phrases et tables aux intitulés français ;
- ``_communs`` : outils partagés (colonnes proches, relevé d'une vérification).

Niveau « nettoyage » : importe ``base``, ``clean.correspondance`` et ``clean.nettoyage`` ; ``frictionless`` n'est
importé qu'à la lecture d'un fichier SCDL (jamais à l'import du paquet).
"""

# Les noms publics du paquet, là où les appelants les importent (noqa F401 : importés pour être réexportés).
from politique_ville.clean.correspondance import SIREN_LA_POSTE, luhn_valide, siren_valide, siret_valide  # noqa: F401
from politique_ville.clean.scdl.affichage import (  # noqa: F401
    COLONNES_DETAIL_AFFICHEES,
    COLONNES_DIFFERENCES,
    COLONNES_ECARTS_AFFICHEES,
    MONTANTS_DETAIL,
    MONTANTS_DIFFERENCES,
    SANS_SCDL,
    detail_affiche,
    differences_affichees,
    ecarts_schema_affiches,
    phrase_a_verifier,
    phrase_lignes,
    phrase_verification,
    resume_ecarts_schema,
    tableau_des_comptes,
)
from politique_ville.clean.scdl.comparaison import (  # noqa: F401
    COLONNES_DETAIL,
    comparer,
    compter_statuts,
    detail_des_lignes,
    verification_independante,
)
from politique_ville.clean.scdl.conformite import valider_schema  # noqa: F401
from politique_ville.clean.scdl.schema import (  # noqa: F401
    ABSENT_PROGRAMMATION,
    ABSENT_SCDL,
    ACCEPTE,
    AJOUTS_V2_1,
    AUTRE_EXERCICE,
    COLONNES_A_VERIFIER,
    COLONNES_COMPARAISON,
    COLONNES_ECARTS_SCHEMA,
    COLONNES_ESSENTIELLES,
    COLONNES_SCDL_V1,
    COLONNES_SCDL_V2,
    COLONNES_SCDL_V2_1,
    COMPTEE,
    CONCORDE,
    DIFFERE,
    DOSSIER_SCHEMAS,
    ECARTEE,
    NATURES,
    NOMS_V1_0,
    REPARE,
    STATUTS,
    TOLERANCE_PARTS,
    TRAITEMENTS_LIGNES,
    VERSIONS,
    Subventions,
    est_scdl,
    renommages_scdl,
    schema_officiel,
    version_scdl,
)
from politique_ville.clean.scdl.territoire import (  # noqa: F401
    charger_correspondance_subventions,
    chemin_correspondance_subventions,
    lire_scdl_du_territoire,
    verifications_du_territoire,
)
from politique_ville.clean.scdl.valeurs import lire_date, lire_identifiant, lire_periode  # noqa: F401
from politique_ville.clean.scdl.verification import lire_scdl, verifier_scdl  # noqa: F401

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
