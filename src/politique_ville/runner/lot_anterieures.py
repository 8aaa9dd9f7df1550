"""Les années antérieures d'un lot de territoires : le chapitre des évolutions et les séries des fiches de chaque
territoire, comme pour un territoire seul (``anterieures.py``), sans refaire le travail commun par territoire.

Une année antérieure d'un lot est une année dont le dossier des données brutes (``data/raw/<année>/`` à côté de
celui du lot) a un fichier des quartiers de l'INSEE et dont le fichier de paramètres (``params/<année>.yaml``) nomme
lui aussi un ensemble de territoires (``territoires:``). Son fichier national est lu, nettoyé et validé une fois
(``lot_tables.preparer_le_lot``, même clé, réutilisé s'il n'a pas changé ; Data Docs dans ``validation-<année>/`` du
dossier du lot) ; les tables de chaque territoire pour cette année en sont tirées (``data/processed/<année>/<code>/``,
là où les range un lot de cette année-là). Un territoire qui n'a pas de quartier dans le fichier d'une année, ou une
année dont le fichier ne passe pas le nettoyage, est écarté des évolutions de ce territoire, et dit tel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from politique_ville.base.catalog import Catalogue, ecrire_tables
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.reference import historique
from politique_ville.reference.parametres import charger_parametres

from .lot_tables import PreparationDuLot, preparer_le_lot

#: fichier, dans le dossier des tables d'un territoire pour une année antérieure, qui garde la clé de la préparation
#: commune dont elles sont tirées : les mêmes tables ne sont pas réécrites à chaque exécution
MARQUE = ".preparation_commune"


@dataclass
class AnneeAnterieureDuLot:
    """Une année antérieure d'un lot : son catalogue (dossiers du lot cette année-là), ses paramètres, sa préparation
    commune ; ``raison`` (en français) si elle est écartée pour tous les territoires."""

    annee: int
    cat: Catalogue
    params: dict
    preparation: PreparationDuLot | None = None
    raison: str = ""


def preparer_les_annees_anterieures(
    cat: Catalogue, fichier_params: Path | None, base: Path, sortie=print
) -> list[AnneeAnterieureDuLot]:
    """Les années antérieures du lot de ``cat`` (voir le module), de la plus ancienne à la plus récente, leur fichier
    national préparé une fois ; ``base`` : le dossier du lot (Data Docs de chaque année)."""
    annees = []
    for em in historique.annees_anterieures(cat, fichier_params):
        if not em.a_des_bruts:
            continue
        try:
            params_a = charger_parametres(cat.racine, em.annee, em.fichier_params)
        except EchecExecution:
            continue  # une année sans paramètres lisibles n'est pas une année de ce lot
        if "territoires" not in params_a:  # le rapport d'un seul territoire (un exemple du dépôt) : ignoré
            continue
        cat_a = Catalogue.pour(
            em.annee, cat.racine, raw_dir=em.raw_dir, processed_dir=em.processed_dir, reports_dir=em.reports_dir
        )
        annee = AnneeAnterieureDuLot(em.annee, cat_a, params_a)
        if "insee_qpv" not in cat_a.tables_brutes():
            continue
        sortie(f"Année antérieure {em.annee} du lot (évolutions) :")
        try:
            annee.preparation = preparer_le_lot(cat_a, Path(base) / f"validation-{em.annee}", sortie=sortie)
        except (EchecExecution, ErreurDonnees) as exc:
            annee.raison = f"le fichier de l'INSEE de {em.annee} ne passe pas la préparation commune"
            sortie(f"Année {em.annee} écartée des évolutions : {annee.raison}.\n{exc}")
        annees.append(annee)
    return annees


def tables_anterieures(annees: list[AnneeAnterieureDuLot], territoire, parametres) -> tuple[dict, dict]:
    """Les années antérieures d'un territoire du lot : ``(utilisables, écartées)`` comme
    ``anterieures.preparer_annees_anterieures`` (année -> dossier de ses tables ; année -> raison). Ses tables de
    chaque année sont tirées de la préparation commune de l'année (écrites seulement si elles ont changé).
    ``parametres(params_du_lot, territoire)`` : les paramètres du territoire dans le lot d'une année."""
    utilisables, ecartees = {}, {}
    for a in annees:
        if a.raison:
            ecartees[a.annee] = a.raison
            continue
        dossier = a.cat.processed_dir / territoire.code
        marque = dossier / MARQUE
        a_jour = marque.is_file() and marque.read_text(encoding="utf-8") == a.preparation.cle
        if not (a_jour and any(dossier.glob("*.parquet"))):
            cat_t = Catalogue.pour(a.annee, a.cat.racine, raw_dir=a.cat.raw_dir, processed_dir=dossier)
            try:
                tables = a.preparation.tables_du_territoire(
                    cat_t, {**parametres(a.params, territoire), "annee": a.annee}
                )
            except (ErreurDonnees, EchecExecution) as exc:
                ecartees[a.annee] = (
                    f"aucun quartier du territoire dans le fichier de l'INSEE de {a.annee}"
                    if "aucun quartier" in str(exc)
                    else f"ses quartiers ne passent pas la préparation commune du fichier de l'INSEE de {a.annee}"
                )
                continue
            dossier.mkdir(parents=True, exist_ok=True)
            marque.unlink(missing_ok=True)
            for ancienne in dossier.glob("*.parquet"):
                if ancienne.stem not in tables:
                    ancienne.unlink()
            ecrire_tables(tables, dossier)
            marque.write_text(a.preparation.cle, encoding="utf-8")
        utilisables[a.annee] = dossier
    return utilisables, ecartees
