"""Les années antérieures d'un rapport : leurs tables nettoyées préparées avant lui.

``executer`` les prépare quand une étape demandée les lit (chapitre des évolutions, fiches quartier) : pour chacune,
une exécution de la seule préparation (lecture, nettoyages, validation), incrémentale par la même règle de clé. Une
année d'un autre territoire est ignorée ; une année dont les données ne passent pas le nettoyage ou la validation est
écartée des évolutions, et dite telle.
"""

from __future__ import annotations

from pathlib import Path

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import EchecExecution
from politique_ville.reference import historique
from politique_ville.reference.parametres import charger_parametres, nom_territoire

from .display import Progression
from .lock import Verrous


def preparer_annees_anterieures(
    cat: Catalogue, params: dict, fichier_params: Path | None, progression: Progression, jobs: int | None = None
) -> tuple[dict[int, Path], dict[int, str]]:
    """Prépare les tables nettoyées des années antérieures trouvées (``historique.annees_anterieures``), de la plus
    ancienne à la plus récente : pour une année qui a des fichiers bruts, exécution de la seule préparation
    (réutilisée si rien n'a changé) ; une année qui n'a que des tables nettoyées les garde. Renvoie les années
    utilisables (année -> dossier des tables) et les années écartées (année -> raison, en français). Une année d'un
    autre territoire (un autre exemple du dépôt) est ignorée, jamais bloquante : « <année> : autre territoire (…),
    ignorée », dans le résumé de l'exécution."""
    from .run import Execution  # import circulaire : l'année antérieure est une Execution (run.py) qui appelle ceci

    utilisables, ecartees = {}, {}
    for em in historique.annees_anterieures(cat, fichier_params):
        try:
            params_a = charger_parametres(cat.racine, em.annee, em.fichier_params)
        except EchecExecution as exc:
            ecartees[em.annee] = f"paramètres absents ou invalides ({str(exc).splitlines()[0]})"
            progression.ecrire(f"Année {em.annee} écartée des évolutions : {ecartees[em.annee]}")
            continue
        if not historique.meme_territoire(params, params_a):  # un autre exemple ou territoire du dépôt : ignoré
            ecartees[em.annee] = historique.autre_territoire()  # sans son nom : rien de lui dans ce rapport
            progression.ecrire(
                f"Année {em.annee} : autre territoire (« {nom_territoire(params_a)} », {em.fichier_params}), ignorée "
                f"par les évolutions"
            )
            continue
        if em.a_des_bruts:
            progression.ecrire(f"Année antérieure {em.annee} : préparation des tables nettoyées ({em.processed_dir})")
            cat_a = Catalogue.pour(
                em.annee,
                cat.racine,
                raw_dir=em.raw_dir,
                reports_dir=em.reports_dir,
                processed_dir=em.processed_dir,
                reference_dir=params_a.get("reference_dir"),
            )
            try:
                with Verrous([cat_a.reports_dir, cat_a.processed_dir], rapport=cat_a.reports_dir):
                    Execution(
                        cat_a,
                        params_a,
                        jobs=jobs,
                        fichier_params=em.fichier_params,
                        progression=progression,
                        preparation_seule=True,
                    ).lancer()
            except EchecExecution as exc:
                texte = str(exc)
                ecartees[em.annee] = (
                    "ses données ne passent pas la validation"
                    if "03_validation" in texte
                    else "ses données ne passent pas le nettoyage"
                    if "nettoyage" in texte
                    else texte.splitlines()[0].rstrip(".")
                )
                progression.ecrire(f"Année {em.annee} écartée des évolutions : {ecartees[em.annee]}.\n{texte}")
                continue
        if em.a_des_tables:
            utilisables[em.annee] = em.processed_dir
        else:
            ecartees[em.annee] = "aucune table nettoyée"
    return utilisables, ecartees
