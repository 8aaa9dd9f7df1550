"""Les fichiers SCDL d'un territoire : déclarés par le paramètre ``scdl``, lus (au besoin par leur correspondance)
et vérifiés, puis comparés à la programmation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.correspondance import FINANCEURS
from politique_ville.clean.scdl._communs import _proches
from politique_ville.clean.scdl.comparaison import (
    comparer,
    compter_statuts,
    detail_des_lignes,
    verification_independante,
)
from politique_ville.clean.scdl.schema import COLONNES_SCDL_V2_1, CONCORDE, Subventions
from politique_ville.clean.scdl.verification import lire_scdl


def charger_correspondance_subventions(chemin: Path | str) -> dict[str, str]:
    """Une correspondance de fichier de subventions (YAML) : ``{champ du schéma SCDL: colonne du fichier}``.

    Format, comme la correspondance de la programmation (``clean.correspondance``)::

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
