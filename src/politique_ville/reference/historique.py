"""Les années antérieures d'un rapport : où sont leurs données, de quel territoire, et lecture de leurs tables.

Règle d'emplacement (:func:`dossier_de_l_annee`) : les dossiers d'une année antérieure se déduisent de ceux de
l'année du rapport en remplaçant l'année dans leur nom — ``data/raw/2032`` -> ``data/raw/2031``,
``params/2032.yaml`` -> ``params/2031.yaml``, ``/tmp/essai/processed-2032`` -> ``/tmp/essai/processed-2031`` ; un
dossier dont le nom ne contient pas l'année (``--out /tmp/essai/rapport``) donne ``/tmp/essai/rapport-2031``, à côté
de lui : un essai ne remplace jamais les tables de ``data/processed/``. Les :data:`HORIZON` années qui précèdent sont
cherchées ; une année est trouvée si elle a des fichiers bruts ou des tables nettoyées.

Le runner prépare les années trouvées (``runner/run.py``) et transmet au chapitre des évolutions et aux fiches
quartier les dossiers des tables nettoyées des années utilisables (paramètre ``annees_anterieures``) ; un notebook
ouvert à la main, sans ce paramètre, lit les tables nettoyées déjà présentes (:func:`charger`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import Catalogue
from politique_ville.base.errors import EchecExecution
from politique_ville.reference.parametres import charger_parametres, nom_territoire

#: nombre d'années antérieures cherchées
HORIZON = 10


def dossier_de_l_annee(dossier: Path, annee: int, autre: int) -> Path:
    """Le dossier de l'année ``autre`` qui correspond à ``dossier`` (celui de l'année ``annee``)."""
    d = Path(dossier)
    if str(annee) in d.name:
        return d.parent / d.name.replace(str(annee), str(autre))
    return d.parent / f"{d.name}-{autre}"


@dataclass(frozen=True)
class Emplacement:
    """Les dossiers d'une année antérieure."""

    annee: int
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    fichier_params: Path

    @property
    def a_des_bruts(self) -> bool:
        return self.raw_dir.is_dir() and bool(
            Catalogue.pour(self.annee, self.raw_dir, raw_dir=self.raw_dir).tables_brutes()
        )

    @property
    def a_des_tables(self) -> bool:
        return self.processed_dir.is_dir() and any(self.processed_dir.glob("*.parquet"))


def emplacement(cat: Catalogue, fichier_params: Path | None, autre: int) -> Emplacement:
    """Les dossiers de l'année ``autre`` déduits de ceux de l'année de ``cat``."""
    fp = Path(fichier_params) if fichier_params else cat.racine / "params" / f"{cat.annee}.yaml"
    params = fp.parent / (fp.name.replace(str(cat.annee), str(autre)) if str(cat.annee) in fp.name else f"{autre}.yaml")
    return Emplacement(
        int(autre),
        dossier_de_l_annee(cat.raw_dir, cat.annee, autre),
        dossier_de_l_annee(cat.processed_dir, cat.annee, autre),
        dossier_de_l_annee(cat.reports_dir, cat.annee, autre),
        params,
    )


def annees_anterieures(cat: Catalogue, fichier_params: Path | None = None, horizon: int = HORIZON) -> list[Emplacement]:
    """Les années antérieures trouvées (fichiers bruts ou tables nettoyées), de la plus ancienne à la plus récente."""
    trouvees = [emplacement(cat, fichier_params, a) for a in range(cat.annee - horizon, cat.annee)]
    return [e for e in trouvees if e.a_des_bruts or e.a_des_tables]


def meme_territoire(params: dict, autres: dict) -> bool:
    """Même territoire : même niveau et même code du référentiel officiel si les deux années le désignent ainsi,
    sinon même nom (casse et espaces de bord ignorés)."""
    a, b = params.get("territoire"), autres.get("territoire")
    if isinstance(a, dict) and isinstance(b, dict):
        return (a.get("niveau"), str(a.get("code"))) == (b.get("niveau"), str(b.get("code")))
    return nom_territoire(params).strip().casefold() == nom_territoire(autres).strip().casefold()


#: début de la raison donnée à une année antérieure d'un autre territoire
AUTRE_TERRITOIRE = "autre territoire"


def autre_territoire() -> str:
    """Raison, en français, d'une année antérieure d'un autre territoire, ignorée par les évolutions (sans son nom :
    le rapport d'un territoire ne parle pas d'un autre ; la ligne de l'exécution, elle, le nomme)."""
    return f"{AUTRE_TERRITOIRE}, ignorée"


def du_meme_territoire(params: dict | None, em: Emplacement) -> bool:
    """L'année ``em`` décrit-elle le territoire de ``params`` ? Sans ``params``, ou si les paramètres de l'année
    manquent ou sont illisibles, oui (le runner, lui, écarte une année sans paramètres valides en le disant)."""
    if params is None or not em.fichier_params.is_file():
        return True
    try:
        autres = charger_parametres(em.fichier_params.parent, em.annee, em.fichier_params)
    except EchecExecution:
        return True
    return meme_territoire(params, autres)


def lire_tables(dossier: Path, tables) -> dict[str, pd.DataFrame | None]:
    """Les tables nettoyées d'un dossier (``None`` : table absente)."""
    d = Path(dossier)
    return {t: pd.read_parquet(d / f"{t}.parquet") if (d / f"{t}.parquet").is_file() else None for t in tables}


def charger(
    cat: Catalogue, courantes: dict, annees_anterieures: dict | None, tables, fichier_params=None, params=None
) -> dict[int, dict[str, pd.DataFrame | None]]:
    """Les tables de chaque année : celles de l'année du rapport (``courantes``, déjà lues par le chapitre ; une
    table absente est lue dans ``cat.processed_dir`` si elle y est) et celles des années antérieures
    (``annees_anterieures`` : ``{annee: dossier des tables nettoyées}``, transmis par le runner ; ``None`` : celles
    déjà préparées, trouvées par :func:`annees_anterieures`, du même territoire que ``params``)."""
    if annees_anterieures is None:
        annees_anterieures = {e.annee: e.processed_dir for e in annees_anterieures_de(cat, fichier_params, params)}
    sortie = {int(a): lire_tables(d, tables) for a, d in sorted(annees_anterieures.items(), key=lambda x: int(x[0]))}
    lues = lire_tables(cat.processed_dir, [t for t in tables if courantes.get(t) is None])
    sortie[int(cat.annee)] = {t: courantes.get(t) if courantes.get(t) is not None else lues.get(t) for t in tables}
    return sortie


def annees_anterieures_de(cat: Catalogue, fichier_params=None, params: dict | None = None) -> list[Emplacement]:
    """Les années antérieures qui ont déjà des tables nettoyées (du territoire de ``params`` s'ils sont donnés)."""
    return [e for e in annees_anterieures(cat, fichier_params) if e.a_des_tables and du_meme_territoire(params, e)]
