"""Correspondance déclarée : un export de programmation tel qu'il est reçu -> les tables brutes canoniques.

Un fichier YAML par source (``data/reference/correspondances/``) dit quelle colonne de l'export donne quel champ du
schéma canonique de la programmation (``schemas.SCHEMAS["programmation"]``), et quels libellés de l'export désignent
quels libellés de la nomenclature (piliers, thématiques, types de porteur) et quels financeurs. Rien n'est réécrit
à la main : l'export reste tel quel dans ``data/raw/<annee>/`` ; :func:`appliquer` en tire des DataFrames **dans la
disposition brute canonique** (textes, colonne ``ligne_source``), que ``nettoyage.nettoyer_financements`` nettoie
ensuite sans changement. ``ligne_source`` désigne toujours les lignes du fichier reçu.

Deux dispositions :

- ``large`` : une ligne par action, une colonne par financeur (ou, comme les fichiers transcrits du dépôt,
  directement les colonnes ``droit_commun``, ``credits_specifiques``, ``cget``) ;
- ``long`` : une ligne par action et financeur (une colonne « financeur », une colonne « montant ») ; les champs de
  l'action (intitulé, porteur, pilier…) sont pris sur ses lignes (ils doivent concorder d'une ligne à l'autre) ;
  ``ligne_source`` est la première ligne de l'action, ``lignes_source`` la liste de ses lignes (« 3, 4, 9 »).

Format du fichier de correspondance (toutes les clés sont en français ; une clé inconnue est une erreur)::

    source: "Export de la programmation 2032 (logiciel X)"      # description libre
    programmation:
      fichier: export.csv              # dans le dossier des fichiers bruts de l'année
      disposition: long                # « large » ou « long »
      colonnes:                        # champ canonique: colonne de l'export
        id_action: "N° dossier"
        intitule: "Libellé de l'action"
        porteur: "Structure porteuse"
        siret: "N° SIRET"             # facultatif ; rna aussi
        communes: "Commune(s)"         # communes et/ou qpv
        pilier: "Axe"
        thematique: "Thème"
        financeur: "Cofinanceur"       # disposition longue seulement
        montant: "Montant accordé"     # disposition longue seulement
      financeurs:                      # financeur canonique: nom(s) dans l'export (colonne en large, libellé en long)
        etat_credits_specifiques: "ANCT (BOP 147)"
        communes: ["Ville", "Commune"]
      nature_des_financeurs:           # facultatif : où compte chaque financeur (défaut : FINANCEURS)
        agglomeration: credits_specifiques
      libelles:                        # libellé de l'export: libellé (ou code, ou variante) de la nomenclature
        pilier: {"Axe 1 - Cohésion sociale": "Cohésion sociale"}
        thematique: {"Parentalité et éducation": "Education"}
      ligne_total: {colonne: "N° dossier", valeur: "TOTAL"}     # facultatif : lignes de total de l'export
      colonne_total: "Coût total"      # facultatif : colonne du total de chaque action
    financements_programmation:        # facultatif : table déjà canonique, reprise telle quelle
      fichier: financements_programmation.csv

Validation AVANT toute transformation (:func:`valider`), chaque erreur en français nommant fichier, ligne et colonne
(:class:`~politique_ville.clean.nettoyage.ErreursNettoyage`, toutes les erreurs d'un coup) : champ canonique inconnu,
colonne absente de l'export (avec les colonnes les plus proches), libellé sans correspondance (avec les libellés
canoniques et les plus proches), financeur présent sous deux noms, cible inconnue de la nomenclature. Puis les
données : montant négatif ou illisible, identifiant d'action en double (large) ou couple (action, financeur) en double
(long), action sans pilier, champ d'une action qui change d'une ligne à l'autre (long), SIRET ou RNA invalide.

Totaux de l'export rapprochés de ses lignes : chaque ligne de total (``ligne_total``) par financeur (disposition
longue : le financeur de la ligne ; large : chaque colonne de financeur) et au total général (disposition longue :
ligne de total sans financeur, ou dont le libellé n'est pas un financeur, « Total », « Tous financeurs »… ; large : la
``colonne_total`` de la ligne de total),
et la ``colonne_total`` de chaque action (en disposition longue, répétée sur ses lignes) face à la somme de ses
financeurs. Un total qui
diffère n'est pas une erreur : c'est un écart, listé (:attr:`Resultat.ecarts`, avec les deux montants), rappelé dans
la note de la table ``financements_programmation`` (chapitre 20) et dans le journal du nettoyage.

Montants par financeur : les 9 financeurs canoniques (:data:`FINANCEURS`) donnent chacun une colonne
``montant_<code>`` ; ``cget`` = crédits spécifiques de l'État (BOP 147), ``credits_specifiques`` et ``droit_commun``
= sommes des financeurs de cette nature. En disposition longue, un financeur de l'export qui n'a pas de ligne pour une
action y vaut 0 € (l'export liste chaque financeur de chaque action) : le même chiffre dans tous les chapitres ; en
disposition large, une cellule vide reste vide (jamais un 0 inventé), comme une nature sans aucun financeur.

Porteurs identifiés (section en fin de module) : SIRET / SIREN (clé de Luhn, exception de La Poste), RNA ; un porteur
de l'export est rapproché du référentiel des porteurs par son SIRET ou son RNA quand le référentiel les donne
(colonnes facultatives ``siret``, ``rna`` de ``porteurs.csv``) ; deux noms pour un même identifiant sont listés
(:func:`noms_par_identifiant`), jamais fusionnés en silence.

Niveau « nettoyage » : ce module importe ``catalog``, ``clean``, ``errors``, ``schemas`` et ``nettoyage``, jamais
``compute``, ``present`` ni ``runner``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from politique_ville.base.catalog import COLONNE_LIGNE, lire_table
from politique_ville.base.errors import ErreurDonnees
from politique_ville.base.valeurs import ValeurIllisible, lire_nombre, texte_normalise
from politique_ville.clean.nettoyage import ErreursNettoyage, Referentiels, cle
from politique_ville.reference.schemas import SCHEMAS

# --------------------------------------------------------------------------------------------- le schéma canonique

#: Les financeurs canoniques : code -> (libellé, nature par défaut, variantes reconnues sans déclaration).
#: La nature dit dans quel montant agrégé de la programmation le financeur compte : ``credits_specifiques`` (crédits
#: de la politique de la ville) ou ``droit_commun``. Seuls les crédits de l'État (BOP 147) sont spécifiques par défaut ;
#: une correspondance peut en déclarer d'autres (``nature_des_financeurs``).
FINANCEURS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "etat_credits_specifiques": (
        "Etat - crédits spécifiques",
        "credits_specifiques",
        (
            "Etat - CGET",
            "Etat CGET",
            "CGET",
            "ANCT",
            "BOP 147",
            "Etat BOP 147",
            "Etat crédits spécifiques",
            "Etat politique de la ville",
            "Crédits spécifiques",
        ),
    ),
    "etat_droit_commun": (
        "Etat - Droit commun",
        "droit_commun",
        ("Etat - Droit commun*", "Etat droit commun", "Droit commun Etat", "Droit commun"),
    ),
    "agglomeration": (
        "Agglomération (EPCI)",
        "droit_commun",
        ("EPCI", "Agglomération", "Communauté d'agglomération", "Intercommunalité", "Métropole"),
    ),
    "communes": ("Communes", "droit_commun", ("Commune", "Ville", "Villes")),
    "departement": ("Département", "droit_commun", ("Conseil départemental", "Conseil général")),
    "region": ("Région", "droit_commun", ("Conseil régional",)),
    "caf": ("CAF", "droit_commun", ("Caisse d'allocations familiales",)),
    "bailleurs": ("Bailleurs", "droit_commun", ("Bailleur", "Bailleurs sociaux", "Bailleur social")),
    "autres": ("Autres", "droit_commun", ("Autres financeurs", "Autre", "Autre financeur")),
}
NATURES = ("credits_specifiques", "droit_commun")
MONTANTS_AGREGES = ("droit_commun", "credits_specifiques", "cget")
DISPOSITIONS = ("large", "long")
#: Champs canoniques qu'une correspondance peut donner (``colonnes``) et leur rôle.
CHAMPS: dict[str, str] = {
    "id_action": "identifiant de l'action",
    "intitule": "intitulé de l'action",
    "porteur": "nom du porteur",
    "siret": "SIRET (14 chiffres) ou SIREN (9) du porteur",
    "rna": "numéro RNA du porteur (« W » + 9 caractères)",
    "type_porteur": "type de porteur (nomenclature)",
    "communes": "commune(s) de l'action",
    "qpv": "quartier(s) prioritaire(s) de l'action",
    "pilier": "pilier (nomenclature)",
    "thematique": "thématique (nomenclature)",
    "priorite": "priorité de la feuille de route",
    "sous_priorite": "sous-priorité de la feuille de route",
    "droit_commun": "montant de droit commun (disposition large, sans colonnes par financeur)",
    "credits_specifiques": "montant de crédits spécifiques (idem)",
    "cget": "crédits de l'Etat, BOP 147 (idem)",
    "provenance_droit_commun": "provenance du montant",
    "provenance_credits_specifiques": "provenance du montant",
    "provenance_cget": "provenance du montant",
    "source": "source de la ligne",
    "financeur": "financeur (disposition longue)",
    "montant": "montant du financeur (disposition longue)",
}
CHAMPS_OBLIGATOIRES = ("id_action", "intitule", "porteur", "pilier", "thematique")
#: Champs propres à une action (disposition longue : identiques sur toutes ses lignes).
CHAMPS_ACTION = (
    "intitule",
    "porteur",
    "siret",
    "rna",
    "type_porteur",
    "communes",
    "qpv",
    "pilier",
    "thematique",
    "priorite",
    "sous_priorite",
    "provenance_droit_commun",
    "provenance_credits_specifiques",
    "provenance_cget",
    "source",
)
TYPES_LIBELLES = ("pilier", "thematique", "type_porteur")
CLES_PROGRAMMATION = (
    "fichier",
    "disposition",
    "colonnes",
    "financeurs",
    "nature_des_financeurs",
    "libelles",
    "ligne_total",
    "colonne_total",
)
#: Colonnes supplémentaires de la programmation produite (gardées telles quelles par le nettoyage).
COLONNE_LIGNES = "lignes_source"
COLONNE_PORTEUR_EXPORT = "porteur_export"
#: Provenance d'un montant tiré de l'export (donnée reçue d'un fichier nommé, non reconstruite) : voir
#: ``provenance.py`` (« reçu » ; « publié » est réservé aux chiffres d'un rapport publié).
PROVENANCE_EXPORT = "reçu"
#: Code et libellé du total général (tous financeurs) dans :attr:`Resultat.ecarts`.
TOTAL_GENERAL = "ensemble"
LIBELLE_TOTAL_GENERAL = "Tous financeurs (total général)"
#: Libellés de financeur qui, sur une ligne de total, désignent le total général (comparés par ``cle``).
LIBELLES_TOTAL_GENERAL = (
    "",
    "total",
    "total general",
    "tous financeurs",
    "tous cofinanceurs",
    "ensemble",
    "tous",
    "toutes",
    "ensemble des financeurs",
    "total des financements",
    "total general des financements",
)


def colonne_financeur(code: str) -> str:
    """Nom de la colonne du montant d'un financeur canonique : ``montant_<code>``."""
    return f"montant_{code}"


# --------------------------------------------------------------------------------------------- lecture du YAML


@dataclass
class Correspondance:
    """Une correspondance déclarée, lue et vérifiée dans sa forme (pas encore confrontée à l'export)."""

    fichier: str
    disposition: str = "large"
    colonnes: dict[str, str] = field(default_factory=dict)
    financeurs: dict[str, list[str]] = field(default_factory=dict)
    nature: dict[str, str] = field(default_factory=dict)
    libelles: dict[str, dict[str, str]] = field(default_factory=dict)
    ligne_total: tuple[str, str] | None = None
    #: colonne du total de chaque action, rapprochée de la somme de ses financeurs
    colonne_total: str | None = None
    #: autres tables déjà canoniques : table -> {"fichier": ..., "colonnes": {champ: colonne}}
    tables: dict[str, dict] = field(default_factory=dict)
    source: str = ""
    chemin: Path | None = None
    #: ligne du YAML de chaque clé (``("programmation", "colonnes", "id_action")`` -> 12), pour les messages
    lignes_yaml: dict[tuple, int] = field(default_factory=dict, repr=False)

    @property
    def nom_yaml(self) -> str:
        return self.chemin.name if self.chemin else "correspondance"

    def ligne(self, *cles) -> int | None:
        for n in range(len(cles), 0, -1):
            if cles[:n] in self.lignes_yaml:
                return self.lignes_yaml[cles[:n]]
        return None

    def nature_de(self, code: str) -> str:
        return self.nature.get(code, FINANCEURS[code][1])


def _noeud_vers_python(noeud, chemin: tuple, lignes: dict, erreurs: list, nom: str):
    lignes[chemin] = noeud.start_mark.line + 1
    if isinstance(noeud, yaml.MappingNode):
        sortie = {}
        for k, v in noeud.value:
            cle_ = str(k.value)
            if cle_ in sortie:
                erreurs.append(
                    ErreurDonnees(
                        f"clé « {cle_} » en double dans « {'.'.join(chemin) or 'racine'} »",
                        fichier=nom,
                        ligne=k.start_mark.line + 1,
                        colonne=cle_,
                    )
                )
            sortie[cle_] = _noeud_vers_python(v, (*chemin, cle_), lignes, erreurs, nom)
        return sortie
    if isinstance(noeud, yaml.SequenceNode):
        return [_noeud_vers_python(v, (*chemin, str(i)), lignes, erreurs, nom) for i, v in enumerate(noeud.value)]
    valeur = yaml.safe_load(yaml.serialize(noeud))
    return "" if valeur is None else valeur


def charger_correspondance(chemin: Path | str) -> Correspondance:
    """Lit un fichier de correspondance et vérifie sa forme : clés connues, champs canoniques connus, financeurs
    connus, disposition. Les erreurs (toutes) nomment le fichier YAML, la ligne et la clé."""
    chemin = Path(chemin)
    nom = chemin.name
    if not chemin.is_file():
        raise ErreurDonnees("fichier de correspondance introuvable", fichier=str(chemin))
    try:
        noeud = yaml.compose(chemin.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        raise ErreurDonnees(
            f"fichier YAML illisible ({getattr(exc, 'problem', exc)})",
            fichier=nom,
            ligne=marque.line + 1 if marque else None,
        ) from None
    erreurs: list[ErreurDonnees] = []
    lignes: dict[tuple, int] = {}
    donnees = _noeud_vers_python(noeud, (), lignes, erreurs, nom) if noeud is not None else {}
    if not isinstance(donnees, dict):
        raise ErreurDonnees("le fichier doit contenir des lignes « clé: valeur »", fichier=nom, ligne=1)
    corr = _depuis_dict(donnees, nom, lignes, erreurs)
    corr.chemin = chemin
    if erreurs:
        raise ErreursNettoyage(erreurs)
    return corr


def correspondance_depuis_dict(donnees: dict, nom: str = "correspondance") -> Correspondance:
    """Même chose que :func:`charger_correspondance` pour une correspondance déjà en mémoire (tests, notebooks)."""
    erreurs: list[ErreurDonnees] = []
    corr = _depuis_dict(donnees, nom, {}, erreurs)
    if erreurs:
        raise ErreursNettoyage(erreurs)
    return corr


def _proches(mot: str, possibles, n: int = 3) -> str:
    proches = difflib.get_close_matches(str(mot), list(possibles), n=n, cutoff=0.5)
    return f" ; les plus proches : {', '.join(proches)}" if proches else ""


def _depuis_dict(donnees: dict, nom: str, lignes: dict, erreurs: list) -> Correspondance:
    def err(message, *cles):
        ligne = next((lignes[cles[:n]] for n in range(len(cles), 0, -1) if cles[:n] in lignes), None)
        erreurs.append(ErreurDonnees(message, fichier=nom, ligne=ligne, colonne=".".join(cles) or None))

    tables_permises = ("source", "programmation", *[t for t in SCHEMAS if t != "programmation"])
    for cle_ in donnees:
        if cle_ not in tables_permises:
            err(
                f"clé inconnue « {cle_} » (permises : source, programmation, ou une table du schéma : "
                f"{', '.join(t for t in SCHEMAS if t != 'programmation')}){_proches(cle_, tables_permises)}",
                cle_,
            )
    prog = donnees.get("programmation")
    if not isinstance(prog, dict):
        err("section « programmation » absente ou vide (fichier, disposition, colonnes)", "programmation")
        return Correspondance(fichier="", source=str(donnees.get("source", "")), lignes_yaml=lignes)
    for cle_ in prog:
        if cle_ not in CLES_PROGRAMMATION:
            err(
                f"clé inconnue « {cle_} » (permises : {', '.join(CLES_PROGRAMMATION)})"
                f"{_proches(cle_, CLES_PROGRAMMATION)}",
                "programmation",
                cle_,
            )
    fichier = str(prog.get("fichier", "")).strip()
    if not fichier:
        err("« fichier » absent : nom du fichier de l'export dans le dossier des fichiers bruts", "programmation")
    disposition = str(prog.get("disposition", "large")).strip()
    if disposition not in DISPOSITIONS:
        err(
            f"disposition « {disposition} » inconnue (permises : « large » : une ligne par action et une colonne par "
            f"financeur ; « long » : une ligne par action et par financeur)",
            "programmation",
            "disposition",
        )
    colonnes = prog.get("colonnes") or {}
    if not isinstance(colonnes, dict):
        err("« colonnes » doit associer chaque champ canonique à une colonne de l'export", "programmation", "colonnes")
        colonnes = {}
    colonnes = {str(k): str(v).strip() for k, v in colonnes.items()}
    for champ, col in colonnes.items():
        if champ not in CHAMPS:
            err(
                f"champ canonique inconnu « {champ} »{_proches(champ, CHAMPS)} ; champs permis : {', '.join(CHAMPS)}",
                "programmation",
                "colonnes",
                champ,
            )
        elif not col:
            err(f"colonne de l'export vide pour le champ « {champ} »", "programmation", "colonnes", champ)
    for champ in CHAMPS_OBLIGATOIRES:
        if champ not in colonnes:
            err(
                f"champ obligatoire « {champ} » ({CHAMPS[champ]}) sans colonne de l'export", "programmation", "colonnes"
            )
    if "communes" not in colonnes and "qpv" not in colonnes:
        err("ni « communes » ni « qpv » : une action doit dire où elle a lieu", "programmation", "colonnes")
    financeurs_brut = prog.get("financeurs") or {}
    financeurs: dict[str, list[str]] = {}
    if not isinstance(financeurs_brut, dict):
        err(
            "« financeurs » doit associer chaque financeur canonique à son nom dans l'export",
            "programmation",
            "financeurs",
        )
        financeurs_brut = {}
    noms_vus: dict[str, str] = {}
    for code, noms in financeurs_brut.items():
        if code not in FINANCEURS:
            err(
                f"financeur canonique inconnu « {code} »{_proches(code, FINANCEURS)} ; financeurs permis : "
                f"{', '.join(FINANCEURS)}",
                "programmation",
                "financeurs",
                code,
            )
            continue
        liste = [str(n).strip() for n in (noms if isinstance(noms, list) else [noms]) if str(n).strip()]
        if not liste:
            err(f"aucun nom dans l'export pour le financeur « {code} »", "programmation", "financeurs", code)
        for n in liste:
            k = cle(n)
            if k in noms_vus and noms_vus[k] != code:
                err(
                    f"le nom « {n} » est donné à deux financeurs : « {noms_vus[k]} » et « {code} »",
                    "programmation",
                    "financeurs",
                    code,
                )
            noms_vus[k] = code
        financeurs[code] = liste
    nature = {}
    for code, nat in (prog.get("nature_des_financeurs") or {}).items():
        if code not in FINANCEURS:
            err(
                f"financeur canonique inconnu « {code} »{_proches(code, FINANCEURS)}",
                "programmation",
                "nature_des_financeurs",
                code,
            )
        elif nat not in NATURES:
            err(
                f"nature « {nat} » inconnue (permises : {', '.join(NATURES)})",
                "programmation",
                "nature_des_financeurs",
                code,
            )
        else:
            nature[code] = nat
    if disposition == "long":
        for champ in ("financeur", "montant"):
            if champ not in colonnes:
                err(
                    f"disposition longue : le champ « {champ} » ({CHAMPS[champ]}) doit avoir sa colonne",
                    "programmation",
                    "colonnes",
                )
        for champ in MONTANTS_AGREGES:
            if champ in colonnes:
                err(
                    f"disposition longue : « {champ} » se calcule à partir des financeurs, il ne se lit pas dans une "
                    f"colonne",
                    "programmation",
                    "colonnes",
                    champ,
                )
    else:
        for champ in ("financeur", "montant"):
            if champ in colonnes:
                err(
                    f"disposition large : le champ « {champ} » n'existe qu'en disposition longue (une colonne par "
                    f"financeur : section « financeurs »)",
                    "programmation",
                    "colonnes",
                    champ,
                )
        if financeurs:
            for champ in MONTANTS_AGREGES:
                if champ in colonnes:
                    err(
                        f"« {champ} » donné à la fois par une colonne et par les financeurs : gardez l'un ou l'autre",
                        "programmation",
                        "colonnes",
                        champ,
                    )
            for code, noms in financeurs.items():
                if len(noms) > 1:
                    err(
                        f"disposition large : une seule colonne par financeur (« {code} » : {', '.join(noms)})",
                        "programmation",
                        "financeurs",
                        code,
                    )
    libelles = {}
    for type_, table in (prog.get("libelles") or {}).items():
        if type_ not in TYPES_LIBELLES:
            err(
                f"type de libellé inconnu « {type_} » (permis : {', '.join(TYPES_LIBELLES)})",
                "programmation",
                "libelles",
                type_,
            )
            continue
        if not isinstance(table, dict):
            err(
                "chaque type de libellé associe un libellé de l'export à un libellé de la nomenclature",
                "programmation",
                "libelles",
                type_,
            )
            continue
        libelles[type_] = {str(k).strip(): str(v).strip() for k, v in table.items()}
    total = prog.get("ligne_total")
    ligne_total = None
    if total:
        if not isinstance(total, dict) or set(total) != {"colonne", "valeur"}:
            err(
                "« ligne_total » attend {colonne: <colonne de l'export>, valeur: <texte qui marque un total>}",
                "programmation",
                "ligne_total",
            )
        else:
            ligne_total = (str(total["colonne"]).strip(), str(total["valeur"]).strip())
    colonne_total = prog.get("colonne_total")
    if colonne_total is not None and (not isinstance(colonne_total, str) or not colonne_total.strip()):
        err("« colonne_total » attend le nom de la colonne du total de chaque action", "programmation", "colonne_total")
        colonne_total = None
    tables = {}
    for table, spec in donnees.items():
        if table in ("source", "programmation") or table not in SCHEMAS:
            continue
        if not isinstance(spec, dict) or not str(spec.get("fichier", "")).strip():
            err(f"table « {table} » : « fichier » absent", table)
            continue
        for k in spec:
            if k not in ("fichier", "colonnes"):
                err(f"clé inconnue « {k} » (permises : fichier, colonnes)", table, k)
        cols = {str(k): str(v).strip() for k, v in (spec.get("colonnes") or {}).items()}
        connues = [c.nom for c in SCHEMAS[table].colonnes]
        for champ in cols:
            if champ not in connues:
                err(
                    f"champ canonique inconnu « {champ} » de la table « {table} »{_proches(champ, connues)} ; "
                    f"champs permis : {', '.join(connues)}",
                    table,
                    "colonnes",
                    champ,
                )
        tables[table] = {"fichier": str(spec["fichier"]).strip(), "colonnes": cols}
    return Correspondance(
        fichier=fichier,
        disposition=disposition,
        colonnes=colonnes,
        financeurs=financeurs,
        nature=nature,
        libelles=libelles,
        ligne_total=ligne_total,
        colonne_total=colonne_total.strip() if colonne_total else None,
        tables=tables,
        source=str(donnees.get("source", "")),
        lignes_yaml=lignes,
    )


# --------------------------------------------------------------------------------------------- montants

_MONTANT_SIMPLE = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")
_A_RETIRER = re.compile(r"[\s\u00a0\u202f\u2009€]")


def lire_montants(serie: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Montants d'une colonne de texte, lus comme :func:`clean.lire_nombre` (genre « montant ») mais sans boucle
    Python sur les lignes : les écritures simples (« 12 345 », « 1500,50 € ») sont converties en bloc, les autres
    (« 53.387 € », « - », « n.c. ») une fois par valeur distincte. Renvoie (valeurs, ``{texte illisible: raison}``) ;
    manquant = NaN, jamais 0."""
    texte = serie.astype(object).where(serie.notna(), "").map(str) if serie.dtype != object else serie.fillna("")
    net = texte.str.replace(_A_RETIRER, "", regex=True)
    simple = net.str.fullmatch(_MONTANT_SIMPLE).fillna(False).astype(bool)
    valeurs = pd.to_numeric(net.where(simple).str.replace(",", ".", regex=False), errors="coerce")
    reste = ~simple & (net != "")
    illisibles: dict[str, str] = {}
    if reste.any():
        lus = {}
        for v in pd.unique(texte[reste]):
            try:
                lus[v] = lire_nombre(v, "montant")
            except ValeurIllisible as exc:
                lus[v] = np.nan
                illisibles[v] = str(exc)
        valeurs = valeurs.where(~reste, texte[reste].map(lus))
    return valeurs.astype("float64"), illisibles


def texte_montant(x: float) -> str:
    """Un montant calculé, écrit pour la table brute : « 1234 », « 1234.50 » (deux décimales, jamais trois : le
    nettoyage lirait « 1.234 » comme 1 234) ; vide si manquant."""
    if x is None or pd.isna(x):
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}"


def textes_montants(serie: pd.Series) -> pd.Series:
    """:func:`texte_montant` appliqué à toute une colonne, sans boucle sur les montants entiers."""
    v = pd.to_numeric(serie, errors="coerce").to_numpy(dtype="float64")
    sortie = np.full(len(v), "", dtype=object)
    connus = ~np.isnan(v)
    entiers = connus & (v == np.floor(v))
    sortie[entiers] = v[entiers].astype(np.int64).astype(str)
    autres = connus & ~entiers
    sortie[autres] = [f"{x:.2f}" for x in v[autres]]
    return pd.Series(sortie, index=serie.index, dtype=object)


# --------------------------------------------------------------------------------------------- résultat


@dataclass
class Resultat:
    """Tables brutes canoniques tirées d'un export, et ce que la correspondance a relevé."""

    #: ``programmation`` (et ``financements_programmation``, et les tables reprises telles quelles)
    tables: dict[str, pd.DataFrame]
    #: total de financeur fourni par l'export qui diffère de la somme des actions : financeur, libelle, total_fourni,
    #: somme_actions, ecart (fourni − somme), fichier, ligne
    ecarts: pd.DataFrame
    #: identifiants (SIRET, RNA) portés par plusieurs noms dans l'export : voir :func:`noms_par_identifiant`
    porteurs_a_verifier: pd.DataFrame
    correspondance: Correspondance

    def bruts(self) -> dict[str, pd.DataFrame]:
        """Les tables à donner à ``nettoyage.nettoyer_financements`` (à fusionner avec les autres tables brutes)."""
        return dict(self.tables)


COLONNES_ECARTS = ["financeur", "libelle", "total_fourni", "somme_actions", "ecart", "fichier", "ligne"]


# --------------------------------------------------------------------------------------------- validation


class _Erreurs:
    def __init__(self):
        self.liste: list[ErreurDonnees] = []

    def __call__(self, message, fichier=None, ligne=None, colonne=None):
        self.liste.append(ErreurDonnees(message, fichier=fichier, ligne=ligne, colonne=colonne))

    def lever(self):
        if self.liste:
            raise ErreursNettoyage(self.liste)


def _fichier(brut: pd.DataFrame, defaut: str) -> str:
    return brut.attrs.get("source", {}).get("fichier", defaut)


def par_valeur(serie: pd.Series, fonction) -> pd.Series:
    """``serie.map(fonction)``, mais ``fonction`` n'est appelée qu'une fois par valeur distincte (les mêmes libellés,
    noms et numéros reviennent à chaque ligne d'un export)."""
    valeurs = pd.unique(serie)
    return serie.map(dict(zip(valeurs, map(fonction, valeurs))))


def _masque_total(corr: Correspondance, brut: pd.DataFrame) -> pd.Series:
    if corr.ligne_total is None or corr.ligne_total[0] not in brut.columns:
        return pd.Series(False, index=brut.index)
    col, val = corr.ligne_total
    return par_valeur(brut[col], lambda v: cle(str(v)) == cle(val)).astype(bool)


def _est_total_general(texte) -> bool:
    """Vrai si un libellé de financeur d'une ligne de total désigne le total général (vide, « Total », « Tous
    financeurs »…)."""
    return cle(str(texte)) in {cle(t) for t in LIBELLES_TOTAL_GENERAL}


def _premieres_lignes(valeurs: pd.Series, lignes: pd.Series) -> dict:
    """Première ligne du fichier où apparaît chaque valeur (sans boucle sur les lignes)."""
    prem = pd.DataFrame({"v": valeurs.to_numpy(), "l": lignes.to_numpy()}).drop_duplicates("v")
    return dict(zip(prem["v"], prem["l"]))


def _libelles_nomenclature(refs: Referentiels, type_: str) -> list[str]:
    return sorted({lib for _, lib in refs._nomenclature.get(type_, {}).values()})


def _resoudre_financeur(corr: Correspondance, texte: str) -> str | None:
    """Code canonique d'un nom de financeur : déclaré dans la correspondance, sinon code, libellé ou variante de
    :data:`FINANCEURS` (casse, accents, tirets ignorés)."""
    k = cle(texte)
    for code, noms in corr.financeurs.items():
        if any(cle(n) == k for n in noms):
            return code
    for code, (libelle, _, variantes) in FINANCEURS.items():
        if k in {cle(code), cle(libelle), *(cle(v) for v in variantes)}:
            return code
    return None


def valider(corr: Correspondance, brut: pd.DataFrame, refs: Referentiels | None = None) -> list[ErreurDonnees]:
    """Confronte la correspondance à l'export (sans rien transformer) : colonnes présentes, libellés et financeurs
    reconnus, cibles connues de la nomenclature. Renvoie la liste des erreurs (vide si tout va bien)."""
    err = _Erreurs()
    nom = _fichier(brut, corr.fichier)
    colonnes = [c for c in brut.columns if c != COLONNE_LIGNE]
    mapping = dict(corr.colonnes)
    if corr.disposition == "large":
        mapping.update({f"financeurs.{code}": noms[0] for code, noms in corr.financeurs.items()})
    for champ, col in mapping.items():
        if col not in colonnes:
            cles_yaml = ("programmation", *champ.split(".")) if "." in champ else ("programmation", "colonnes", champ)
            ligne_yaml = corr.ligne(*cles_yaml)
            ou = f"{corr.nom_yaml}, ligne {ligne_yaml}" if ligne_yaml else corr.nom_yaml
            err(
                f"colonne « {col} » (champ « {champ} », {ou}) absente de l'export{_proches(col, colonnes)} ; "
                f"colonnes de l'export : {', '.join(colonnes)}",
                fichier=nom,
                ligne=1,
                colonne=col,
            )
    if corr.colonne_total and corr.colonne_total not in colonnes:
        err(
            f"colonne « {corr.colonne_total} » de « colonne_total » absente de l'export"
            f"{_proches(corr.colonne_total, colonnes)}",
            fichier=nom,
            ligne=1,
            colonne=corr.colonne_total,
        )
    if corr.ligne_total and corr.ligne_total[0] not in colonnes:
        err(
            f"colonne « {corr.ligne_total[0]} » de « ligne_total » absente de l'export{_proches(corr.ligne_total[0], colonnes)}",
            fichier=nom,
            ligne=1,
            colonne=corr.ligne_total[0],
        )
    if err.liste:
        return err.liste
    total = _masque_total(corr, brut)
    donnees = brut[~total]
    lignes = donnees[COLONNE_LIGNE]
    # financeurs (disposition longue) : chaque libellé reconnu, un financeur sous un seul nom
    if corr.disposition == "long":
        col = corr.colonnes["financeur"]
        valeurs = brut[col].fillna("").map(str).str.strip()
        # sur une ligne de total, un libellé qui n'est pas un financeur (vide, « Total », « Tous financeurs »,
        # « Total programmation »…) désigne le total général
        general = total & par_valeur(
            valeurs, lambda t: _est_total_general(t) or _resoudre_financeur(corr, t) is None
        ).astype(bool)
        premieres = _premieres_lignes(valeurs[~general], brut.loc[~general, COLONNE_LIGNE])
        par_code: dict[str, list[str]] = {}
        for texte, ligne in premieres.items():
            if not texte:
                continue
            code = _resoudre_financeur(corr, texte)
            if code is None:
                canon = [v[0] for v in FINANCEURS.values()]
                err(
                    f"financeur « {texte} » sans correspondance : ajoutez-le à « financeurs » dans {corr.nom_yaml} ; "
                    f"financeurs canoniques : {', '.join(f'{c} ({v[0]})' for c, v in FINANCEURS.items())}"
                    f"{_proches(texte, [*canon, *(n for v in FINANCEURS.values() for n in v[2])])}",
                    fichier=nom,
                    ligne=int(ligne),
                    colonne=col,
                )
            else:
                par_code.setdefault(code, []).append(texte)
        for code, noms in par_code.items():
            if len(noms) > 1:
                detail = " et ".join(f"« {n} » (ligne {int(premieres[n])})" for n in noms)
                err(
                    f"le financeur « {FINANCEURS[code][0]} » apparaît sous deux noms : {detail} ; un même financeur "
                    f"doit avoir un seul nom dans l'export (sinon ses montants seraient comptés à part)",
                    fichier=nom,
                    ligne=int(max(premieres[n] for n in noms)),
                    colonne=col,
                )
        vides = valeurs.eq("") & ~total
        for ligne in brut.loc[vides, COLONNE_LIGNE].head(20):
            err("financeur vide", fichier=nom, ligne=int(ligne), colonne=col)
    # libellés de la nomenclature
    if refs is not None:
        for type_, table in corr.libelles.items():
            permis = _libelles_nomenclature(refs, type_)
            for source, cible in table.items():
                if refs.code(type_, cible) is None:
                    err(
                        f"{type_} « {cible} » (cible de « {source} ») absent(e) de la nomenclature ; libellés "
                        f"canoniques : {', '.join(permis)}{_proches(cible, permis)}",
                        fichier=corr.nom_yaml,
                        ligne=corr.ligne("programmation", "libelles", type_, source),
                        colonne=f"libelles.{type_}",
                    )
        for type_ in TYPES_LIBELLES:
            if type_ not in corr.colonnes:
                continue
            col = corr.colonnes[type_]
            declares = {cle(k) for k in corr.libelles.get(type_, {})}
            valeurs = donnees[col].fillna("").map(str).str.strip()
            permis = _libelles_nomenclature(refs, type_)
            for texte, ligne in _premieres_lignes(valeurs, lignes).items():
                if not texte or cle(texte) in declares or refs.code(type_, texte) is not None:
                    continue
                err(
                    f"{type_} « {texte} » sans correspondance : ajoutez-le à « libelles: {type_}: » dans "
                    f"{corr.nom_yaml} ; libellés canoniques : {', '.join(permis)}{_proches(texte, permis)}",
                    fichier=nom,
                    ligne=int(ligne),
                    colonne=col,
                )
    return err.liste


# --------------------------------------------------------------------------------------------- application


def lire_export(corr: Correspondance, dossier: Path | str) -> pd.DataFrame:
    """L'export de la programmation, lu tel quel (``catalog.lire_table``) dans le dossier des fichiers bruts."""
    return lire_table(Path(dossier) / corr.fichier)


def appliquer(
    corr: Correspondance,
    brut: pd.DataFrame,
    refs: Referentiels | None = None,
    *,
    quartiers: pd.DataFrame | None = None,
    autres: dict[str, pd.DataFrame] | None = None,
) -> Resultat:
    """Applique la correspondance à l'export ``brut`` (lu par ``catalog.lire_table``) et renvoie les tables brutes
    canoniques. ``refs`` : référentiels du territoire (nomenclature, porteurs) ; ``quartiers`` : table des quartiers
    (``code_qp``, ``nom_qp``, ``nom_commune``) pour les actions repérées par leur seul quartier ; ``autres`` : les
    fichiers des tables reprises telles quelles (``{table: DataFrame}``), lus par l'appelant.

    La correspondance est validée avant tout (:func:`valider`) ; puis les données ; toutes les erreurs d'une étape
    sont levées ensemble (:class:`ErreursNettoyage`)."""
    nom = _fichier(brut, corr.fichier)
    attrs = dict(brut.attrs)
    brut = brut.copy(deep=False)
    brut.attrs = {"source": {"fichier": nom}}  # les attrs sont recopiés à chaque opération de pandas : le minimum
    erreurs = valider(corr, brut, refs)
    if erreurs:
        raise ErreursNettoyage(erreurs)
    err = _Erreurs()
    total = _masque_total(corr, brut)
    donnees = brut[~total]
    if donnees.empty:
        err("l'export ne contient aucune ligne d'action", fichier=nom, ligne=2)
        err.lever()
    if corr.disposition == "long":
        actions, montants, ecarts = _long(corr, brut, total, nom, err)
    else:
        actions, montants, ecarts = _large(corr, brut, total, nom, err)
    err.lever()
    prog, a_verifier = _programmation(corr, actions, montants, refs, quartiers, nom, err)
    err.lever()
    prog.attrs["source"] = {**attrs.get("source", {}), "correspondance": str(corr.chemin or corr.nom_yaml)}
    tables = {"programmation": prog}
    if montants is not None and "financements_programmation" not in corr.tables:
        tables["financements_programmation"] = _financements(montants, ecarts, nom)
    for table, spec in corr.tables.items():
        if autres is None or table not in autres:
            raise ErreurDonnees(
                f"table « {table} » déclarée dans {corr.nom_yaml} mais non fournie", fichier=spec["fichier"]
            )
        tables[table] = reprendre_table(table, autres[table], spec["colonnes"])
    return Resultat(tables=tables, ecarts=ecarts, porteurs_a_verifier=a_verifier, correspondance=corr)


def reprendre_table(table: str, brut: pd.DataFrame, colonnes: dict[str, str]) -> pd.DataFrame:
    """Une table déjà canonique, reprise telle quelle ; ``colonnes`` (champ: colonne du fichier) renomme ses colonnes
    (vide : mêmes noms). Une colonne déclarée absente du fichier est une erreur."""
    nom = _fichier(brut, f"{table}.csv")
    presentes = [c for c in brut.columns if c != COLONNE_LIGNE]
    err = _Erreurs()
    for champ, col in colonnes.items():
        if col not in presentes:
            err(
                f"colonne « {col} » (champ « {champ} » de la table « {table} ») absente du fichier"
                f"{_proches(col, presentes)}",
                fichier=nom,
                ligne=1,
                colonne=col,
            )
    err.lever()
    renommages = {col: champ for champ, col in colonnes.items() if col != champ}
    sortie = brut.rename(columns=renommages) if renommages else brut.copy()
    sortie.attrs = dict(brut.attrs)
    return sortie


def _verifier_montants(
    valeurs: pd.Series, illisibles: dict, texte: pd.Series, lignes: pd.Series, nom: str, col: str, err: _Erreurs
):
    if illisibles:
        fautifs = texte.isin(list(illisibles))
        for t, ligne in zip(texte[fautifs], lignes[fautifs]):
            err(
                f"montant illisible : {illisibles[t]} (attendu : montant en euros)",
                fichier=nom,
                ligne=int(ligne),
                colonne=col,
            )
    negatifs = valeurs < 0
    for t, ligne in zip(texte[negatifs], lignes[negatifs]):
        err(
            f"montant négatif ({t}) : un montant accordé ne peut pas être négatif",
            fichier=nom,
            ligne=int(ligne),
            colonne=col,
        )


def _long(corr: Correspondance, brut: pd.DataFrame, total: pd.Series, nom: str, err: _Erreurs):
    c = corr.colonnes
    col_id, col_fin, col_mt = c["id_action"], c["financeur"], c["montant"]
    ids = brut[col_id].fillna("").map(str).str.strip()
    libelles_fin = brut[col_fin].fillna("").map(str).str.strip()
    codes_par_libelle = {t: _resoudre_financeur(corr, t) for t in pd.unique(libelles_fin) if t}
    codes = libelles_fin.map(codes_par_libelle)
    texte_mt = brut[col_mt].fillna("").map(str)
    valeurs, illisibles = lire_montants(texte_mt)
    lignes = brut[COLONNE_LIGNE]
    _verifier_montants(valeurs, illisibles, texte_mt, lignes, nom, col_mt, err)
    act = ~total
    for ligne in lignes[act & ids.eq("")].head(20):
        err("identifiant d'action vide", fichier=nom, ligne=int(ligne), colonne=col_id)
    # couple (action, financeur) en double
    cles_ = pd.DataFrame({"id": ids, "code": codes})
    doubles = cles_.duplicated(keep=False) & act & ids.ne("")
    if doubles.any():
        for (i, code), groupe in brut[doubles].groupby([ids[doubles], codes[doubles]], sort=False):
            nums = [int(x) for x in groupe[COLONNE_LIGNE]]
            err(
                f"l'action « {i} » a deux lignes pour le financeur « {FINANCEURS[code][0]} » (lignes "
                f"{', '.join(map(str, nums))}) : une seule ligne par action et financeur",
                fichier=nom,
                ligne=nums[1],
                colonne=col_fin,
            )
    # champs de l'action : la première valeur non vide de ses lignes ; deux valeurs différentes sont une erreur
    d = brut[act]
    champs = [ch for ch in CHAMPS_ACTION if ch in c]
    valeurs_champs = pd.DataFrame(
        {ch: d[c[ch]].fillna("").map(str).str.strip().replace("", np.nan) for ch in champs}, index=d.index
    )
    groupes = valeurs_champs.groupby(ids[act], sort=False)
    actions = groupes.first()
    differents = groupes.nunique() > 1
    for ch in champs:
        for i in differents.index[differents[ch]]:
            sel = valeurs_champs.loc[ids[act] == i, ch].dropna()
            v1, v2 = sel.iloc[0], sel[sel != sel.iloc[0]].iloc[0]
            l1, l2 = int(brut.at[sel.index[0], COLONNE_LIGNE]), int(brut.at[sel[sel != v1].index[0], COLONNE_LIGNE])
            err(
                f"l'action « {i} » a deux valeurs de « {ch} » : « {v1} » (ligne {l1}) et « {v2} » (ligne {l2})",
                fichier=nom,
                ligne=l2,
                colonne=c[ch],
            )
    lignes_act = lignes[act].astype(int)
    actions.insert(0, "id_action", actions.index)
    actions[COLONNE_LIGNE] = lignes_act.groupby(ids[act], sort=False).first()
    actions[COLONNE_LIGNES] = _listes_de_lignes(ids[act], lignes_act)
    actions = actions.reset_index(drop=True)
    # montants par action et financeur
    m = pd.DataFrame({"id": ids[act], "code": codes[act], "montant": valeurs[act]})
    m = m[m["code"].notna()]
    g = m.groupby(["id", "code"], sort=False)["montant"]
    montants = g.sum(min_count=1).unstack("code")
    montants = montants.reindex(index=actions["id_action"], columns=[k for k in FINANCEURS if k in montants.columns])
    # un financeur de l'export sans ligne pour une action ne la finance pas : 0 €, le même chiffre dans tous les
    # chapitres (une ligne dont le montant est vide reste vide)
    lignes_par_couple = g.size().unstack("code").reindex(index=montants.index, columns=montants.columns)
    montants = montants.where(lignes_par_couple.notna(), 0.0)
    # totaux fournis : par financeur, et total général (ligne de total sans financeur)
    general = total & (libelles_fin.map(_est_total_general).astype(bool) | codes.isna())
    codes_totaux = codes.where(~general, TOTAL_GENERAL)
    fournis = pd.DataFrame({"code": codes_totaux[total], "montant": valeurs[total], "ligne": lignes[total]})
    ecarts = _ecarts(montants, fournis, nom)
    verifies = int(fournis["montant"].notna().sum())
    if corr.colonne_total:
        ecarts, n = _colonne_total_long(corr.colonne_total, brut, total, ids, montants, nom, err, ecarts)
        verifies += n
    ecarts.attrs["totaux_verifies"] = verifies
    return actions, montants, ecarts


def _colonne_total_long(col, brut, total, ids, montants, nom, err, ecarts):
    """Disposition longue : la colonne du total de l'action (répétée sur ses lignes ; la première valeur lue compte)
    face à la somme de ses financeurs, et, sur une ligne de total, face à la somme de toutes les actions."""
    texte = brut[col].fillna("").map(str)
    valeurs, illisibles = lire_montants(texte)
    _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
    act = ~total
    par_action = pd.DataFrame({"id": ids[act], "v": valeurs[act], "ligne": brut.loc[act, COLONNE_LIGNE]}).dropna(
        subset=["v"]
    )
    premieres = par_action.drop_duplicates("id").set_index("id")
    sommes = montants.sum(axis=1, min_count=1)
    lignes = []
    for i, r in premieres.iterrows():
        somme = float(sommes.get(i, np.nan)) if pd.notna(sommes.get(i, np.nan)) else 0.0
        if abs(somme - r["v"]) > 0.5:
            lignes.append(
                {
                    "financeur": TOTAL_GENERAL,
                    "libelle": f"Action {i} : total de l'action (colonne « {col} »)",
                    "total_fourni": float(r["v"]),
                    "somme_actions": somme,
                    "ecart": float(r["v"]) - somme,
                    "fichier": nom,
                    "ligne": int(r["ligne"]),
                }
            )
    generaux = pd.DataFrame({"code": TOTAL_GENERAL, "montant": valeurs[total], "ligne": brut.loc[total, COLONNE_LIGNE]})
    generaux = generaux.dropna(subset=["montant"]).drop_duplicates("montant")
    ecarts_generaux = _ecarts(montants, generaux, nom)
    deja = set(zip(ecarts["financeur"], ecarts["total_fourni"]))
    ecarts_generaux = ecarts_generaux[
        [k not in deja for k in zip(ecarts_generaux["financeur"], ecarts_generaux["total_fourni"])]
    ]
    morceaux = [e for e in (ecarts, ecarts_generaux, pd.DataFrame(lignes, columns=COLONNES_ECARTS)) if len(e)]
    sortie = pd.concat(morceaux, ignore_index=True) if morceaux else ecarts
    return sortie, len(premieres) + len(generaux)


def _listes_de_lignes(ids: pd.Series, lignes: pd.Series) -> list[str]:
    """« 3, 4, 9 » : les lignes de chaque action, dans l'ordre de première apparition des actions (une boucle par
    action, pas par ligne)."""
    codes, _ = pd.factorize(ids, sort=False)
    ordre = np.argsort(codes, kind="stable")
    textes = lignes.to_numpy().astype(str)[ordre]
    bornes = np.cumsum(np.bincount(codes))[:-1]
    return [", ".join(morceau) for morceau in np.split(textes, bornes)]


def _large(corr: Correspondance, brut: pd.DataFrame, total: pd.Series, nom: str, err: _Erreurs):
    c = corr.colonnes
    col_id = c["id_action"]
    act = ~total
    d = brut[act]
    ids = d[col_id].fillna("").map(str).str.strip()
    for ligne in d.loc[ids.eq(""), COLONNE_LIGNE].head(20):
        err("identifiant d'action vide", fichier=nom, ligne=int(ligne), colonne=col_id)
    doubles = ids.duplicated(keep=False) & ids.ne("")
    if doubles.any():
        for i, groupe in d[doubles].groupby(ids[doubles], sort=False):
            nums = [int(x) for x in groupe[COLONNE_LIGNE]]
            err(
                f"identifiant d'action « {i} » en double (lignes {', '.join(map(str, nums))})",
                fichier=nom,
                ligne=nums[1],
                colonne=col_id,
            )
    actions = pd.DataFrame({ch: d[col] for ch, col in c.items() if ch not in ("financeur", "montant")}, index=d.index)
    actions[COLONNE_LIGNE] = d[COLONNE_LIGNE]
    # montants agrégés lus directement (disposition des fichiers transcrits) : vérifiés, gardés tels que reçus
    for ch in MONTANTS_AGREGES:
        if ch in c:
            texte = d[c[ch]].fillna("").map(str)
            valeurs, illisibles = lire_montants(texte)
            _verifier_montants(valeurs, illisibles, texte, d[COLONNE_LIGNE], nom, c[ch], err)
    if not corr.financeurs:
        return actions.reset_index(drop=True), None, pd.DataFrame(columns=COLONNES_ECARTS)
    montants = {}
    fournis = []
    for code, (col,) in ((k, v[:1]) for k, v in corr.financeurs.items()):
        texte = brut[col].fillna("").map(str)
        valeurs, illisibles = lire_montants(texte)
        _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
        montants[code] = valeurs[act].to_numpy()
        for v, ligne in zip(valeurs[total], brut.loc[total, COLONNE_LIGNE]):
            fournis.append({"code": code, "montant": v, "ligne": ligne})
        actions[colonne_financeur(code)] = texte[act]  # texte tel que reçu
    montants = pd.DataFrame(montants, index=ids.to_numpy())[[k for k in FINANCEURS if k in montants]]
    par_action = []
    if corr.colonne_total:
        col = corr.colonne_total
        texte = brut[col].fillna("").map(str)
        valeurs, illisibles = lire_montants(texte)
        _verifier_montants(valeurs, illisibles, texte, brut[COLONNE_LIGNE], nom, col, err)
        for v, ligne in zip(valeurs[total], brut.loc[total, COLONNE_LIGNE]):
            fournis.append({"code": TOTAL_GENERAL, "montant": v, "ligne": ligne})
        sommes = montants.sum(axis=1, min_count=1).to_numpy()
        for i, v, somme, ligne in zip(ids, valeurs[act], sommes, d[COLONNE_LIGNE]):
            if pd.notna(v) and abs((0.0 if pd.isna(somme) else somme) - v) > 0.5:
                par_action.append(
                    {
                        "financeur": TOTAL_GENERAL,
                        "libelle": f"Action {i} : total de l'action (colonne « {col} »)",
                        "total_fourni": float(v),
                        "somme_actions": 0.0 if pd.isna(somme) else float(somme),
                        "ecart": float(v) - (0.0 if pd.isna(somme) else float(somme)),
                        "fichier": nom,
                        "ligne": int(ligne),
                    }
                )
    ecarts = _ecarts(montants, pd.DataFrame(fournis, columns=["code", "montant", "ligne"]), nom)
    if par_action:
        ecarts = pd.concat([ecarts, pd.DataFrame(par_action, columns=COLONNES_ECARTS)], ignore_index=True)
    ecarts.attrs["totaux_verifies"] = len(fournis) + (int(valeurs[act].notna().sum()) if corr.colonne_total else 0)
    return actions.reset_index(drop=True), montants, ecarts


def _ecarts(montants: pd.DataFrame, fournis: pd.DataFrame, nom: str) -> pd.DataFrame:
    lignes = []
    for code, montant, ligne in zip(fournis["code"], fournis["montant"], fournis["ligne"]):
        if code is None or pd.isna(code) or pd.isna(montant):
            continue
        if code == TOTAL_GENERAL:
            somme = float(montants.sum().sum())
        else:
            somme = float(montants[code].sum()) if code in montants.columns else 0.0
        if abs(somme - montant) > 0.5:
            lignes.append(
                {
                    "financeur": code,
                    "libelle": LIBELLE_TOTAL_GENERAL if code == TOTAL_GENERAL else FINANCEURS[code][0],
                    "total_fourni": float(montant),
                    "somme_actions": somme,
                    "ecart": float(montant) - somme,
                    "fichier": nom,
                    "ligne": int(ligne),
                }
            )
    return pd.DataFrame(lignes, columns=COLONNES_ECARTS)


def _programmation(
    corr: Correspondance,
    actions: pd.DataFrame,
    montants: pd.DataFrame | None,
    refs: Referentiels | None,
    quartiers: pd.DataFrame | None,
    nom: str,
    err: _Erreurs,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = corr.colonnes
    lignes = actions[COLONNE_LIGNE].astype(int)
    vide = actions.get("pilier", pd.Series(np.nan, index=actions.index)).fillna("").map(str).str.strip().eq("")
    for i, ligne in zip(actions.loc[vide, "id_action"], lignes[vide]):
        err(f"l'action « {i} » n'a pas de pilier", fichier=nom, ligne=int(ligne), colonne=c["pilier"])
    out = pd.DataFrame(index=actions.index)
    # libellés : correspondance déclarée -> libellé de la nomenclature ; libellé déjà reconnu : gardé tel quel
    for ch in actions.columns:
        if ch in (COLONNE_LIGNE, COLONNE_LIGNES) or ch.startswith("montant_"):
            continue
        serie = actions[ch]
        if ch in corr.libelles and refs is not None:
            table = {cle(k): refs.code(ch, v)[1] for k, v in corr.libelles[ch].items() if refs.code(ch, v)}
            serie = par_valeur(serie, lambda v, t=table: t.get(cle(v), v) if isinstance(v, str) else v)
        out[ch] = serie
    a_verifier = pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    # identifiants des porteurs : vérifiés, puis rapprochés du référentiel
    for ch, verifier in (("siret", identifiant_siret_valide), ("rna", rna_valide)):
        if ch not in out.columns:
            continue
        valeurs = par_valeur(out[ch].fillna("").map(str), normaliser_identifiant)
        valides = par_valeur(valeurs, lambda v, f=verifier: not v or f(v))
        for v, brut_, ligne in zip(valeurs[~valides], out.loc[~valides, ch], lignes[~valides]):
            if v:
                err(
                    f"{ch.upper()} « {brut_} » invalide ({_raison_identifiant(ch, v)})",
                    fichier=nom,
                    ligne=int(ligne),
                    colonne=c[ch],
                )
        out[ch] = valeurs.where(valeurs != "", "")
    if "siret" in out.columns or "rna" in out.columns:
        a_verifier = noms_par_identifiant({nom: out.assign(**{COLONNE_LIGNE: lignes})})
        if refs is not None:
            canon = porteurs_par_identifiant(out, refs.porteurs)
            change = canon.notna() & (canon != out["porteur"])
            if change.any():
                out[COLONNE_PORTEUR_EXPORT] = out["porteur"]
                out.loc[change, "porteur"] = canon[change]
    # type de porteur tiré du référentiel quand l'export ne le donne pas
    if "type_porteur" not in out.columns:

        def type_de(p):
            canon = refs.porteur(p) if refs is not None and isinstance(p, str) else None
            return (refs.type_du_porteur(canon) if canon else None) or ""

        types = par_valeur(out["porteur"], type_de)
        if refs is not None:
            for p, ligne in zip(out.loc[types == "", "porteur"], lignes[types == ""]):
                err(
                    f"type de porteur inconnu pour « {p} » : ajoutez le porteur (et son type) à porteurs.csv ou une "
                    f"colonne « type_porteur » à la correspondance",
                    fichier=nom,
                    ligne=int(ligne),
                    colonne=c["porteur"],
                )
        out["type_porteur"] = types
    if "communes" not in out.columns:
        out["communes"] = _communes_des_quartiers(out["qpv"], quartiers, lignes, nom, c["qpv"], err)
    # montants agrégés calculés à partir des financeurs
    if montants is not None:
        m = montants.reset_index(drop=True)
        for nat in ("droit_commun", "credits_specifiques"):
            cols = [k for k in m.columns if corr.nature_de(k) == nat]
            out[nat] = textes_montants(m[cols].sum(axis=1, min_count=1) if cols else pd.Series(np.nan, index=m.index))
        out["cget"] = textes_montants(
            m["etat_credits_specifiques"]
            if "etat_credits_specifiques" in m.columns
            else pd.Series(np.nan, index=m.index)
        )
    # provenance des montants : un montant lu dans l'export (ou calculé à partir de ses montants par financeur) est
    # une donnée reçue, ni reconstruite ni supposée (« publié » du vocabulaire de provenance.py)
    for nat in MONTANTS_AGREGES:
        if nat in out.columns and f"provenance_{nat}" not in out.columns:
            out[f"provenance_{nat}"] = PROVENANCE_EXPORT  # montant vide compris : l'absence est, elle aussi, reçue
    canoniques = [col.nom for col in SCHEMAS["programmation"].colonnes]
    for col in SCHEMAS["programmation"].obligatoires:
        if col not in out.columns:
            out[col] = ""
    extras = [x for x in ("siret", "rna", COLONNE_PORTEUR_EXPORT, "qpv") if x in out.columns and x not in canoniques]
    sortie = out[[x for x in canoniques if x in out.columns and not x.startswith("montant_")] + extras].copy()
    if montants is not None:
        for code in montants.columns:
            col = colonne_financeur(code)
            sortie[col] = (
                actions[col].to_numpy()
                if col in actions.columns
                else (textes_montants(montants[code].reset_index(drop=True)).to_numpy())
            )
    if COLONNE_LIGNES in actions.columns:
        sortie[COLONNE_LIGNES] = actions[COLONNE_LIGNES]
    sortie[COLONNE_LIGNE] = lignes.astype("int64")
    for col in sortie.columns:
        if col != COLONNE_LIGNE:
            sortie[col] = sortie[col].astype(object).where(sortie[col].notna(), "")
    return sortie.reset_index(drop=True), a_verifier


def _communes_des_quartiers(qpv: pd.Series, quartiers: pd.DataFrame | None, lignes, nom, col, err) -> list[str]:
    if quartiers is None:
        err(
            "l'export ne donne pas de communes : fournissez la table des quartiers (code_qp, nom_qp, nom_commune) "
            "pour les déduire des quartiers, ou une colonne « communes »",
            fichier=nom,
            ligne=1,
            colonne=col,
        )
        return [""] * len(qpv)
    table = {}
    for code, nom_qp, commune in zip(
        quartiers["code_qp"], quartiers.get("nom_qp", quartiers["code_qp"]), quartiers["nom_commune"]
    ):
        table[cle(str(code))] = str(commune)
        table[cle(str(nom_qp))] = str(commune)
    sortie = []
    for v, ligne in zip(qpv, lignes):
        communes = []
        for q in re.split(r"\s*[,;|/]\s*", str(v or "").strip()):
            if not q:
                continue
            if cle(q) not in table:
                err(f"quartier « {q} » inconnu de la table des quartiers", fichier=nom, ligne=int(ligne), colonne=col)
                continue
            for commune in re.split(r"\s*,\s*", table[cle(q)]):
                if commune not in communes:
                    communes.append(commune)
        sortie.append(", ".join(communes))
    return sortie


#: Ce que la note de chaque ligne de ``financements_programmation`` dit quand la table est calculée à partir d'un
#: export (« … des actions de <fichier> (correspondance) ») : :func:`export_des_financements` le relit.
_NOTE_CALCULEE = re.compile(r"somme des montants (?:des actions|de tous les financeurs) de (.+?) \(correspondance\)")


def export_des_financements(financements: pd.DataFrame | None) -> str:
    """Le fichier de l'export dont la table ``financements_programmation`` est calculée (par :func:`appliquer`), ou
    chaîne vide si la table est celle d'un rapport publié (ou absente)."""
    if financements is None or "note" not in financements.columns:
        return ""
    for note in financements["note"].fillna("").astype(str):
        m = _NOTE_CALCULEE.search(note)
        if m:
            return m.group(1)
    return ""


_NOTE_ECART = re.compile(r"l'export donne un total (général )?de (-?[\d.]+) \(écart (-?[\d.]+)\)")
COLONNES_ECARTS_FINANCEMENTS = ["financeur", "total_export", "somme_actions", "ecart", "fichier"]


def ecarts_des_financements(financements: pd.DataFrame | None) -> pd.DataFrame:
    """Les totaux de l'export qui diffèrent de la somme de ses lignes, relus dans les notes de la table
    ``financements_programmation`` calculée (:func:`_financements`) : ``financeur`` (« Tous financeurs (total
    général) » pour le total général), ``total_export``, ``somme_actions``, ``ecart`` (export − actions), ``fichier``.
    Vide pour une table publiée ou sans écart."""
    fichier = export_des_financements(financements)
    lignes = []
    if fichier:
        for financeur, type_ligne, note in zip(
            financements["financeur"], financements["type_ligne"], financements["note"].fillna("").astype(str)
        ):
            m = _NOTE_ECART.search(note)
            if not m:
                continue
            fourni, ecart = float(m.group(2)), float(m.group(3))
            lignes.append(
                {
                    "financeur": LIBELLE_TOTAL_GENERAL if type_ligne == "total" else str(financeur),
                    "total_export": fourni,
                    "somme_actions": fourni - ecart,
                    "ecart": ecart,
                    "fichier": fichier,
                }
            )
    return pd.DataFrame(lignes, columns=COLONNES_ECARTS_FINANCEMENTS)


def _financements(montants: pd.DataFrame, ecarts: pd.DataFrame, nom: str) -> pd.DataFrame:
    """Table ``financements_programmation`` canonique : une ligne par financeur présent (somme des actions), puis
    la ligne de total. Un total fourni par l'export qui diffère est rappelé dans la note."""
    lignes = []
    generaux = ecarts[~ecarts["libelle"].str.startswith("Action ")] if len(ecarts) else ecarts
    ecart_de = dict(zip(generaux["financeur"], zip(generaux["total_fourni"], generaux["ecart"])))
    total = montants.sum(min_count=1).sum(min_count=1)
    for code in montants.columns:
        note = f"somme des montants des actions de {nom} (correspondance) ; part : montant ÷ montant total"
        if code in ecart_de:
            fourni, ecart = ecart_de[code]
            note += f" ; l'export donne un total de {texte_montant(fourni)} (écart {texte_montant(ecart)})"
        somme = montants[code].sum(min_count=1)
        part = f"{100 * somme / total:.1f}%".replace(".", ",") if total and pd.notna(somme) else ""
        lignes.append(
            {
                "type_ligne": "financeur",
                "financeur": FINANCEURS[code][0],
                "part": part,
                "montant": texte_montant(montants[code].sum(min_count=1)),
                "note": note,
            }
        )
    lignes.append(
        {
            "type_ligne": "total",
            "financeur": "Programmation (montant total)",
            "part": "",
            "montant": texte_montant(montants.sum(min_count=1).sum(min_count=1)),
            "note": f"somme des montants de tous les financeurs de {nom} (correspondance)"
            + (
                f" ; l'export donne un total général de {texte_montant(ecart_de[TOTAL_GENERAL][0])} (écart "
                f"{texte_montant(ecart_de[TOTAL_GENERAL][1])})"
                if TOTAL_GENERAL in ecart_de
                else ""
            ),
        }
    )
    df = pd.DataFrame(lignes, dtype=object)
    df[COLONNE_LIGNE] = np.arange(2, len(df) + 2, dtype="int64")  # lignes d'une table calculée, pas de l'export
    df.attrs["source"] = {"fichier": f"{nom} (financements calculés)"}
    return df


def preparer_programmation(
    chemin_yaml: Path | str,
    raw_dir: Path | str,
    refs: Referentiels | None = None,
    *,
    quartiers: pd.DataFrame | None = None,
) -> Resultat:
    """Tout en un, pour le notebook de nettoyage : lit la correspondance, l'export et les tables reprises (dans
    ``raw_dir``), valide, applique. ``Resultat.bruts()`` remplace les tables brutes ``programmation`` et
    ``financements_programmation`` avant ``nettoyer_financements``."""
    corr = charger_correspondance(chemin_yaml)
    brut = lire_export(corr, raw_dir)
    autres = {t: lire_table(Path(raw_dir) / spec["fichier"]) for t, spec in corr.tables.items()}
    return appliquer(corr, brut, refs, quartiers=quartiers, autres=autres)


# --------------------------------------------------------------------------------------------- porteurs identifiés


def normaliser_identifiant(texte) -> str:
    """SIRET / SIREN / RNA sans espaces, points ni tirets, en capitales (« 123 456 789 00012 » -> « 12345678900012 »)."""
    if texte is None or (isinstance(texte, float) and np.isnan(texte)):
        return ""
    return re.sub(r"[\s\u00a0\u202f.\-]", "", str(texte)).upper()


def luhn_valide(chiffres: str) -> bool:
    """Clé de Luhn : en partant de la droite, un chiffre sur deux est doublé (moins 9 s'il dépasse 9) ; la somme est
    un multiple de 10."""
    if not chiffres.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(chiffres)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


#: SIREN de La Poste : ses établissements (sauf le siège, :data:`SIRET_SIEGE_LA_POSTE`, qui suit la règle commune) ont
#: des SIRET dont la somme des chiffres est un multiple de 5 (la clé de Luhn ne s'y applique pas).
SIREN_LA_POSTE = "356000000"
SIRET_SIEGE_LA_POSTE = "35600000000048"


def siren_valide(texte) -> bool:
    """SIREN : 9 chiffres, clé de Luhn."""
    s = normaliser_identifiant(texte)
    return len(s) == 9 and luhn_valide(s)


def siret_valide(texte) -> bool:
    """SIRET : 14 chiffres, clé de Luhn sur les 14 chiffres ; pour les établissements de La Poste (SIREN 356000000,
    hors siège), somme des chiffres multiple de 5."""
    s = normaliser_identifiant(texte)
    if len(s) != 14 or not s.isdigit():
        return False
    if s[:9] == SIREN_LA_POSTE and s != SIRET_SIEGE_LA_POSTE:
        return sum(int(c) for c in s) % 5 == 0
    return luhn_valide(s)


def identifiant_siret_valide(texte) -> bool:
    """Un SIRET (14 chiffres) ou, à défaut, un SIREN (9 chiffres) valide."""
    s = normaliser_identifiant(texte)
    return siret_valide(s) if len(s) == 14 else siren_valide(s)


_RNA = re.compile(r"^W[0-9A-Z]\d{8}$")


def rna_valide(texte) -> bool:
    """Numéro RNA d'une association : « W » suivi de 9 caractères (le premier peut être une lettre : « W2B… »)."""
    return bool(_RNA.match(normaliser_identifiant(texte)))


def _raison_identifiant(genre: str, s: str) -> str:
    if genre == "rna":
        return "attendu : « W » suivi de 9 caractères, ex. « W123456789 »"
    if not s.isdigit():
        return "attendu : des chiffres seulement"
    if len(s) not in (9, 14):
        return f"{len(s)} chiffres au lieu de 14 (SIRET) ou 9 (SIREN)"
    return "clé de contrôle (Luhn) fausse : chiffre mal recopié ?"


_ACRONYMES = {
    "ccas",
    "caf",
    "epci",
    "cci",
    "cma",
    "plie",
    "qpv",
    "sivom",
    "mjc",
    "cpam",
    "adil",
    "apf",
    "aci",
    "bge",
    "cdad",
    "ddpm",
    "ehpad",
    "cidff",
    "sa",
    "sas",
    "sarl",
    "scic",
    "scop",
    "gip",
    "oph",
    "esat",
    "afpa",
    "crij",
    "rsa",
    "pre",
    "cget",
    "anct",
    "ccj",
}
_PARTICULES = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "à",
    "au",
    "aux",
    "sur",
    "sous",
    "pour",
    "d",
    "l",
    "par",
}


def nom_affichage(nom) -> str:
    """Nom de porteur à afficher : espaces unifiés ; un nom tout en capitales (« ASSOCIATION  LES JARDINS DE
    L'AVENIR ») passe en casse de titre, particules en minuscules et sigles gardés (« CCAS DE VAL-D'EXEMPLE » ->
    « CCAS de Val-d'Exemple ») ; un nom en casse mixte est gardé tel quel."""
    if nom is None or (isinstance(nom, float) and np.isnan(nom)):
        return ""
    t = re.sub(r"\s+", " ", str(nom).replace("\u00a0", " ")).strip()
    lettres = [c for c in t if c.isalpha()]
    if not lettres or any(c.islower() for c in lettres):
        return t
    mots = re.split(r"(\s+|-|'|’)", t)
    sortie = []
    for i, m in enumerate(mots):
        b = m.lower()
        if not m or not m.strip() or m in ("-", "'", "’"):
            sortie.append(m)
        elif b in _ACRONYMES:
            sortie.append(m.upper())
        elif b in _PARTICULES and i > 0:
            sortie.append(b)
        else:
            sortie.append(b[:1].upper() + b[1:])
    return "".join(sortie)


def cle_nom_porteur(nom) -> str:
    """Clé de rapprochement d'un nom de porteur : minuscules, sans accents, ponctuation et espaces unifiés
    (« Asso. Les  Jardins » et « ASSO LES JARDINS » ont la même clé)."""
    if nom is None or (isinstance(nom, float) and np.isnan(nom)):
        return ""
    t = texte_normalise(str(nom)).replace("’", "'")
    t = re.sub(r"[^0-9a-z]+", " ", t)
    return t.strip()


def cles_porteurs(df: pd.DataFrame, nom: str = "porteur", siret: str = "siret", rna: str = "rna") -> pd.Series:
    """Clé d'identité de chaque porteur d'une table : « siret:<14 chiffres> » si un SIRET valide est donné (« siren:<9> »
    pour un SIREN seul), sinon « rna:<W…> », sinon « nom:<nom normalisé> »."""
    vide = pd.Series("", index=df.index, dtype=object)
    s = par_valeur((df[siret] if siret in df.columns else vide).fillna(""), normaliser_identifiant)
    r = par_valeur((df[rna] if rna in df.columns else vide).fillna(""), normaliser_identifiant)
    n = par_valeur(df[nom] if nom in df.columns else vide, cle_nom_porteur)
    s_ok = par_valeur(s, identifiant_siret_valide).astype(bool)
    r_ok = par_valeur(r, rna_valide).astype(bool)
    prefixe = np.where(s.str.len() == 9, "siren:", "siret:")
    return pd.Series(np.where(s_ok, prefixe + s, np.where(r_ok, "rna:" + r, "nom:" + n)), index=df.index, dtype=object)


def porteurs_par_identifiant(df: pd.DataFrame, porteurs_ref: pd.DataFrame) -> pd.Series:
    """Nom canonique (référentiel des porteurs) de chaque ligne de ``df`` dont le SIRET ou le RNA figure dans le
    référentiel (colonnes facultatives ``siret`` et ``rna`` de ``porteurs.csv``) ; NaN sinon. Le SIRET l'emporte sur
    le RNA ; un SIRET absent du référentiel est cherché par son SIREN s'il ne désigne qu'un porteur."""
    sortie = pd.Series(np.nan, index=df.index, dtype=object)
    if porteurs_ref is None or porteurs_ref.empty:
        return sortie
    for col in ("siret", "rna"):
        if col not in df.columns or col not in porteurs_ref.columns:
            continue
        ref = porteurs_ref[[col, "porteur_canonique"]].copy()
        ref[col] = ref[col].fillna("").map(normaliser_identifiant)
        ref = ref[ref[col] != ""].drop_duplicates()
        table = ref.groupby(col)["porteur_canonique"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan)
        valeurs = df[col].fillna("").map(normaliser_identifiant)
        trouve = valeurs.map(table)
        if col == "siret":
            sirens = (
                ref.assign(siren=ref[col].str[:9])
                .groupby("siren")["porteur_canonique"]
                .agg(lambda s: s.iloc[0] if s.nunique() == 1 else np.nan)
            )
            trouve = trouve.where(trouve.notna(), valeurs.str[:9].map(sirens))
        sortie = sortie.where(sortie.notna(), trouve)
    return sortie


COLONNES_NOMS_PAR_IDENTIFIANT = ["identifiant", "genre", "noms", "nombre_de_noms", "tables", "lignes"]


def noms_par_identifiant(
    tables: dict[str, pd.DataFrame], nom: str = "porteur", siret: str = "siret", rna: str = "rna"
) -> pd.DataFrame:
    """Les identifiants (SIRET, RNA) portés par plusieurs noms, à travers des tables et des années (``{libellé de la
    table: DataFrame}`` ; par ex. ``{"programmation 2031": p1, "programmation 2032": p2}``). Deux noms de même clé
    normalisée (« ASSO X » / « Asso X ») ne comptent qu'une fois ; les autres sont listés, jamais fusionnés :
    une ligne par identifiant, ``noms`` (noms d'affichage séparés par « | »), ``tables``, ``lignes`` (« table : 3, 7 »)."""
    morceaux = []
    for libelle, df in tables.items():
        if nom not in df.columns:
            continue
        for col, genre in ((siret, "SIRET"), (rna, "RNA")):
            if col not in df.columns:
                continue
            ids = par_valeur(df[col].fillna(""), normaliser_identifiant)
            lignes = df[COLONNE_LIGNE] if COLONNE_LIGNE in df.columns else pd.Series(df.index, index=df.index)
            morceaux.append(
                pd.DataFrame(
                    {
                        "identifiant": ids,
                        "genre": genre,
                        "nom": df[nom].astype(object),
                        "cle": par_valeur(df[nom], cle_nom_porteur),
                        "table": libelle,
                        "ligne": lignes.astype(int),
                    }
                )[ids != ""]
            )
    if not morceaux:
        return pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    tout = pd.concat(morceaux, ignore_index=True)
    nb = tout.groupby(["genre", "identifiant"])["cle"].nunique()
    multiples = nb[nb > 1].index
    if not len(multiples):
        return pd.DataFrame(columns=COLONNES_NOMS_PAR_IDENTIFIANT)
    lignes = []
    tout = tout.set_index(["genre", "identifiant"]).loc[multiples].reset_index()
    for (genre, ident), sel in tout.groupby(["genre", "identifiant"], sort=False):
        noms = list(dict.fromkeys(nom_affichage(n) for n in sel.drop_duplicates("cle")["nom"]))
        par_table = [f"{t} : {', '.join(map(str, g['ligne']))}" for t, g in sel.groupby("table", sort=False)]
        lignes.append(
            {
                "identifiant": ident,
                "genre": genre,
                "noms": " | ".join(noms),
                "nombre_de_noms": len(noms),
                "tables": ", ".join(dict.fromkeys(sel["table"])),
                "lignes": " ; ".join(par_table),
            }
        )
    return pd.DataFrame(lignes, columns=COLONNES_NOMS_PAR_IDENTIFIANT)


# --------------------------------------------------------------------------------------------- territoire (paramètres)

#: Paramètre de ``params/<annee>.yaml`` qui désigne la correspondance de l'export de la programmation.
PARAMETRE = "correspondance_programmation"


def chemin_correspondance(cat, params: dict | None) -> Path | None:
    """Le fichier de correspondance désigné par le paramètre ``correspondance_programmation`` (``None`` sans ce
    paramètre) : chemin absolu, ou relatif au dossier des référentiels du territoire, sinon à la racine du projet.
    Introuvable : erreur en français qui dit où il a été cherché."""
    valeur = str((params or {}).get(PARAMETRE) or "").strip()
    if not valeur:
        return None
    chemin = Path(valeur)
    candidats = [chemin] if chemin.is_absolute() else [Path(cat.reference_dir) / chemin, Path(cat.racine) / chemin]
    for c in candidats:
        if c.is_file():
            return c
    raise ErreurDonnees(
        f"fichier de correspondance « {valeur} » (paramètre « {PARAMETRE} ») introuvable ; cherché : "
        f"{', '.join(str(c) for c in candidats)}",
        fichier=valeur,
    )


def tables_de_la_correspondance(corr: Correspondance) -> list[str]:
    """Les tables brutes canoniques qu'une correspondance fournit : ``programmation``, ``financements_programmation``
    quand les montants sont donnés par financeur (disposition longue, ou colonnes par financeur), et les tables
    reprises telles quelles."""
    tables = ["programmation"]
    if corr.disposition == "long" or corr.financeurs:
        tables.append("financements_programmation")
    return tables + [t for t in corr.tables if t not in tables]


def fichiers_du_territoire(cat, params: dict | None) -> dict[str, Path]:
    """Les fichiers que lit le nettoyage en plus des fichiers bruts aux noms du dépôt, pour les clés du runner :
    la correspondance, l'export qu'elle désigne et les tables qu'elle reprend (``{"correspondance:<nom>": chemin}`` ;
    plus le fichier des quartiers quand l'export ne situe ses actions que par leur quartier),
    et les fichiers SCDL du paramètre ``scdl`` et leurs correspondances (``{"scdl:<nom>": chemin}``). Seuls les
    fichiers présents sont rendus ; une correspondance illisible ne donne qu'elle-même (le nettoyage dira pourquoi)."""
    sortie: dict[str, Path] = {}
    try:
        chemin = chemin_correspondance(cat, params)
    except ErreurDonnees:
        chemin = None
    if chemin is not None:
        sortie[f"correspondance:{chemin.name}"] = chemin
        try:
            corr = charger_correspondance(chemin)
        except ErreurDonnees:
            corr = None
        if corr is not None:
            for nom in (corr.fichier, *(spec["fichier"] for spec in corr.tables.values())):
                f = Path(cat.raw_dir) / nom
                if nom and f.is_file():
                    sortie[f"correspondance:{nom}"] = f
            if "communes" not in corr.colonnes and "insee_qpv" in cat.tables_brutes():  # communes tirées des quartiers
                sortie["correspondance:insee_qpv"] = cat.fichier_brut("insee_qpv")
    for entree in (params or {}).get("scdl") or []:
        nom = str(entree.get("fichier", "")) if isinstance(entree, dict) else ""
        f = Path(cat.raw_dir) / nom
        if nom and f.is_file():
            sortie[f"scdl:{nom}"] = f
        yaml_scdl = str(entree.get("correspondance", "") or "") if isinstance(entree, dict) else ""
        if yaml_scdl:  # correspondance d'un fichier de subventions qui a ses propres colonnes
            chemin_yaml = Path(yaml_scdl) if Path(yaml_scdl).is_absolute() else Path(cat.reference_dir) / yaml_scdl
            if chemin_yaml.is_file():
                sortie[f"scdl:{chemin_yaml.name}"] = chemin_yaml
    return sortie


def tables_fournies(cat, params: dict | None) -> set[str]:
    """Tables brutes disponibles pour l'année : les fichiers aux noms du dépôt (``cat.tables_brutes()``) et, si une
    correspondance est déclarée et son export reçu, les tables canoniques qu'elle fournit. C'est ce que le runner
    confronte aux entrées requises d'un chapitre (« programmation présente » suit la correspondance, pas le nom du
    fichier)."""
    presentes = set(cat.tables_brutes())
    try:
        chemin = chemin_correspondance(cat, params)
        corr = charger_correspondance(chemin) if chemin is not None else None
    except ErreurDonnees:
        return presentes
    if corr is not None and corr.fichier and (Path(cat.raw_dir) / corr.fichier).is_file():
        presentes |= set(tables_de_la_correspondance(corr))
    return presentes


def _quartiers_bruts(cat) -> pd.DataFrame | None:
    """La table brute des quartiers, en-têtes de l'INSEE ramenés aux noms internes (code_qp, nom_qp, nom_commune),
    pour les exports qui ne situent leurs actions que par leur quartier."""
    from politique_ville.reference.schemas import renommages_colonnes

    if "insee_qpv" not in cat.tables_brutes():
        return None
    brut = cat.lire_brut("insee_qpv")
    brut = brut.rename(columns=renommages_colonnes("insee_qpv", brut.columns))
    return brut if {"code_qp", "nom_commune"} <= set(brut.columns) else None


def bruts_du_territoire(
    cat, params: dict | None, refs: Referentiels | None, tables: tuple[str, ...] | None = None
) -> tuple[dict[str, pd.DataFrame], Resultat | None]:
    """Les tables brutes à nettoyer (``nettoyage.nettoyer_financements``) : les fichiers aux noms du dépôt présents
    dans ``cat.raw_dir`` (parmi ``tables``, défaut : ``reference.etapes.TABLES_FINANCEMENTS``), puis, si les paramètres
    déclarent une correspondance (``correspondance_programmation``), les tables qu'elle tire de l'export, qui les
    remplacent. Renvoie ``(bruts, resultat)`` ; ``resultat`` (écarts des totaux fournis, porteurs à vérifier) vaut
    ``None`` sans correspondance. Correspondance ou export fautifs : erreurs en français (fichier, ligne, colonne)."""
    from politique_ville.reference.etapes import TABLES_FINANCEMENTS

    tables = TABLES_FINANCEMENTS if tables is None else tables
    presentes = set(cat.tables_brutes())
    bruts = {t: cat.lire_brut(t) for t in tables if t in presentes}
    chemin = chemin_correspondance(cat, params)
    if chemin is None:
        return bruts, None
    corr = charger_correspondance(chemin)
    quartiers = _quartiers_bruts(cat) if "communes" not in corr.colonnes else None
    resultat = appliquer(
        corr,
        lire_export(corr, cat.raw_dir),
        refs,
        quartiers=quartiers,
        autres={t: lire_table(Path(cat.raw_dir) / spec["fichier"]) for t, spec in corr.tables.items()},
    )
    bruts.update(resultat.bruts())
    return bruts, resultat


def resume_correspondance(resultat: Resultat) -> str:
    """Une phrase (Markdown) pour le journal du nettoyage : l'export lu, la correspondance, la disposition, le nombre
    d'actions et de lignes, les écarts de totaux et les identifiants à vérifier (singulier et pluriel)."""
    corr = resultat.correspondance
    prog = resultat.tables["programmation"]
    n = len(prog)
    disposition = (
        "longue : une ligne par action et par financeur"
        if corr.disposition == "long"
        else "large : une ligne par action"
    )
    texte = (
        f"**Programmation lue dans l'export `{corr.fichier}`** par la correspondance `{corr.nom_yaml}` "
        f"(disposition {disposition}) : {n} action{'s' if n > 1 else ''}."
    )
    e = len(resultat.ecarts)
    verifies = int(resultat.ecarts.attrs.get("totaux_verifies", 0))
    if verifies == 0 and e == 0:
        texte += " L'export n'a ni ligne ni colonne de total : aucun total à rapprocher de ses lignes."
    elif e == 0:
        texte += (
            f" {verifies} {'totaux' if verifies > 1 else 'total'} de l'export (par financeur et général) rapproché"
            f"{'s' if verifies > 1 else ''} de la somme de ses lignes : aucun ne diffère."
        )
    else:
        texte += (
            f" Sur {verifies} {'totaux' if verifies > 1 else 'total'} de l'export (par financeur et général), {e} "
            f"diffère{'nt' if e > 1 else ''} de la somme de ses lignes (écart{'s' if e > 1 else ''} listé"
            f"{'s' if e > 1 else ''} ci-dessous avec les deux montants, rappelé{'s' if e > 1 else ''} dans la table "
            f"des financements du chapitre 20 : ce n'est pas une erreur)."
        )
    v = len(resultat.porteurs_a_verifier)
    if v:
        texte += (
            f" {v} identifiant{'s' if v > 1 else ''} (SIRET ou RNA) porte{'nt' if v > 1 else ''} plusieurs noms "
            f"de porteur : listé{'s' if v > 1 else ''} ci-dessous, jamais fusionnés."
        )
    return texte
