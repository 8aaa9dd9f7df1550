"""Lecture et vérification d'une correspondance déclarée (fichier YAML), avant toute confrontation à l'export.

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

Vérification de la forme (:func:`charger_correspondance`), chaque erreur en français nommant le fichier YAML, la
ligne et la clé (:class:`~politique_ville.clean.nettoyage.ErreursNettoyage`, toutes les erreurs d'un coup) : clé
inconnue, champ canonique inconnu, financeur inconnu ou présent sous deux noms, disposition inconnue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance._communs import _proches
from politique_ville.clean.correspondance.canon import (
    CHAMPS,
    CHAMPS_OBLIGATOIRES,
    CLES_PROGRAMMATION,
    DISPOSITIONS,
    FINANCEURS,
    MONTANTS_AGREGES,
    NATURES,
    TYPES_LIBELLES,
)
from politique_ville.clean.nettoyage import ErreursNettoyage, cle
from politique_ville.reference.schemas import SCHEMAS


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


def _depuis_dict(donnees: dict, nom: str, lignes: dict, erreurs: list) -> Correspondance:
    """La correspondance lue dans ``donnees``, vérifiée section par section ; chaque erreur est ajoutée à ``erreurs``
    (fichier ``nom``, ligne du YAML tirée de ``lignes``), dans l'ordre des sections."""

    def err(message, *cles):
        ligne = next((lignes[cles[:n]] for n in range(len(cles), 0, -1) if cles[:n] in lignes), None)
        erreurs.append(ErreurDonnees(message, fichier=nom, ligne=ligne, colonne=".".join(cles) or None))

    _verifier_cles_du_fichier(donnees, err)
    prog = donnees.get("programmation")
    if not isinstance(prog, dict):
        err("section « programmation » absente ou vide (fichier, disposition, colonnes)", "programmation")
        return Correspondance(fichier="", source=str(donnees.get("source", "")), lignes_yaml=lignes)
    _verifier_cles_de_la_programmation(prog, err)
    fichier, disposition = _fichier_et_disposition(prog, err)
    colonnes = _colonnes(prog, err)
    financeurs = _financeurs(prog, err)
    nature = _natures(prog, err)
    _verifier_selon_la_disposition(disposition, colonnes, financeurs, err)
    libelles = _libelles(prog, err)
    ligne_total, colonne_total = _totaux(prog, err)
    tables = _tables_reprises(donnees, err)
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


def _verifier_cles_du_fichier(donnees: dict, err) -> None:
    tables_permises = ("source", "programmation", *[t for t in SCHEMAS if t != "programmation"])
    for cle_ in donnees:
        if cle_ not in tables_permises:
            err(
                f"clé inconnue « {cle_} » (permises : source, programmation, ou une table du schéma : "
                f"{', '.join(t for t in SCHEMAS if t != 'programmation')}){_proches(cle_, tables_permises)}",
                cle_,
            )


def _verifier_cles_de_la_programmation(prog: dict, err) -> None:
    for cle_ in prog:
        if cle_ not in CLES_PROGRAMMATION:
            err(
                f"clé inconnue « {cle_} » (permises : {', '.join(CLES_PROGRAMMATION)})"
                f"{_proches(cle_, CLES_PROGRAMMATION)}",
                "programmation",
                cle_,
            )


def _fichier_et_disposition(prog: dict, err) -> tuple[str, str]:
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
    return fichier, disposition


def _colonnes(prog: dict, err) -> dict[str, str]:
    """``colonnes`` : champ canonique -> colonne de l'export ; champs connus, obligatoires présents, un lieu."""
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
    return colonnes


def _financeurs(prog: dict, err) -> dict[str, list[str]]:
    """``financeurs`` : financeur canonique -> nom(s) dans l'export ; un nom ne désigne qu'un financeur."""
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
    return financeurs


def _natures(prog: dict, err) -> dict[str, str]:
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
    return nature


def _verifier_selon_la_disposition(disposition: str, colonnes: dict, financeurs: dict, err) -> None:
    """Longue : financeur et montant ont leur colonne, les montants agrégés se calculent ; large : ni financeur ni
    montant, un montant agrégé donné d'une seule façon, une seule colonne par financeur."""
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
        return
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


def _libelles(prog: dict, err) -> dict[str, dict[str, str]]:
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
    return libelles


def _totaux(prog: dict, err) -> tuple[tuple[str, str] | None, str | None]:
    """``ligne_total`` (colonne, valeur) et ``colonne_total`` (non encore débarrassée de ses espaces de bord)."""
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
    return ligne_total, colonne_total


def _tables_reprises(donnees: dict, err) -> dict[str, dict]:
    """Les tables déjà canoniques reprises telles quelles : table -> {"fichier": ..., "colonnes": {champ: colonne}}."""
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
    return tables
