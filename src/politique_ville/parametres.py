"""Paramètres d'une année du rapport (``params/<annee>.yaml``) : noms permis, types, lecture vérifiée.

Lus une fois par le runner, qui transmet leurs *valeurs* aux notebooks (paramètre papermill ``parametres``) ; un
notebook ouvert à la main dans JupyterLab les relit ici, depuis le fichier de l'année.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .errors import EchecExecution

#: Paramètres permis dans params/<annee>.yaml, avec leur type et leur rôle.
PARAMETRES = {
    "annee": (int, "année du rapport"),
    "territoire": (str, "nom du territoire, tel qu'il figure en tête du rapport"),
    "territoire_court": (str, "sigle ou nom court du territoire"),
    "departement": (str, "département (niveau de comparaison « QPV du département »)"),
    "fiches_quartier": ((str, int, list), "quartiers qui ont une fiche : « toutes » (défaut), un nombre (les n premiers "
                                          "quartiers, pour un échantillon) ou une liste de codes de quartier"),
    "reference_dir": (str, "dossier des référentiels du territoire (communes, porteurs, nomenclature, chiffres "
                           "publiés), relatif à la racine du projet ; défaut : data/reference"),
}
OBLIGATOIRES = ("annee", "territoire")


def chemin_parametres(racine: Path, annee: int, fichier: Path | str | None = None) -> Path:
    return Path(fichier) if fichier else Path(racine) / "params" / f"{annee}.yaml"


def charger_parametres(racine: Path, annee: int, fichier: Path | str | None = None) -> dict:
    """Paramètres de l'année (``params/<annee>.yaml``). Un paramètre inconnu ou mal orthographié est une erreur, pas
    un paramètre ignoré ; l'erreur propose le nom le plus proche."""
    chemin = chemin_parametres(racine, annee, fichier)
    if not chemin.is_file():
        raise EchecExecution(f"Fichier de paramètres introuvable : {chemin}. Créez-le sur le modèle du fichier "
                             f"d'une autre année (dossier params/).")
    try:
        params = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise EchecExecution(f"Fichier de paramètres illisible ({chemin}) : {exc}") from None
    if not isinstance(params, dict):
        raise EchecExecution(f"{chemin} : le fichier doit contenir des lignes « nom: valeur ».")
    erreurs = []
    for nom, valeur in params.items():
        if nom not in PARAMETRES:
            proche = difflib.get_close_matches(str(nom), PARAMETRES, n=1)
            erreurs.append(f"paramètre inconnu « {nom} »" + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
                           + f" ; paramètres permis : {', '.join(PARAMETRES)}")
        elif not isinstance(valeur, PARAMETRES[nom][0]) or isinstance(valeur, bool):
            erreurs.append(f"paramètre « {nom} » : {PARAMETRES[nom][1]} attendu(e), trouvé « {valeur} »")
    erreurs += [f"paramètre obligatoire absent : « {n} » ({PARAMETRES[n][1]})" for n in OBLIGATOIRES if n not in params]
    if erreurs:
        raise EchecExecution(f"{chemin} :\n" + "\n".join(f"  - {e}" for e in erreurs))
    if int(params["annee"]) != int(annee):
        raise EchecExecution(f"{chemin} : annee = {params['annee']} alors que l'année demandée est {annee}.")
    return params
