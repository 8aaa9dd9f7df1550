"""Où vivent les données d'une année : la racine du projet, le :class:`Catalogue` (dossiers des fichiers bruts, des
référentiels, des tables nettoyées, des rapports) et l'inventaire des fichiers bruts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog.lecture import lire_table
from politique_ville.base.errors import ErreurDonnees

EXTENSIONS = (".csv", ".xlsx")


def racine_projet(depart: Path | None = None) -> Path:
    """Racine du dépôt : variable POLITIQUE_VILLE_RACINE, sinon premier parent contenant pyproject.toml et data/."""
    env = os.environ.get("POLITIQUE_VILLE_RACINE")
    if env:
        return Path(env).resolve()
    candidats = [Path(depart or Path.cwd()).resolve()]
    candidats += list(candidats[0].parents)
    candidats += [Path(__file__).resolve().parents[4]]
    for c in candidats:
        if (c / "pyproject.toml").is_file() and (c / "data").is_dir():
            return c
    raise FileNotFoundError("Impossible de trouver la racine du projet (pyproject.toml et data/).")


@dataclass(frozen=True)
class Catalogue:
    """Chemins d'une année du rapport."""

    racine: Path
    annee: int
    raw_dir: Path | None = None
    processed_dir: Path | None = None
    reports_dir: Path | None = None
    ref_dir: Path | None = None

    @classmethod
    def pour(
        cls,
        annee: int,
        racine: Path | None = None,
        *,
        raw_dir=None,
        processed_dir=None,
        reports_dir=None,
        reference_dir=None,
    ):
        """Chemins d'une année ; chaque dossier peut être remplacé (autre territoire, essais). ``reference_dir``
        relatif est pris depuis la racine du projet."""
        r = Path(racine) if racine else racine_projet()
        ref = Path(reference_dir) if reference_dir else None
        if ref is not None and not ref.is_absolute():
            ref = r / ref
        return cls(
            racine=r,
            annee=int(annee),
            raw_dir=Path(raw_dir) if raw_dir else r / "data" / "raw" / str(annee),
            processed_dir=Path(processed_dir) if processed_dir else r / "data" / "processed" / str(annee),
            reports_dir=Path(reports_dir) if reports_dir else r / "reports" / str(annee),
            ref_dir=ref,
        )

    @property
    def reference_commune(self) -> Path:
        """Référentiels officiels et communs à tous les territoires : ``data/reference``."""
        return self.racine / "data" / "reference"

    @property
    def reference_dir(self) -> Path:
        """Référentiels du territoire (paramètre ``reference_dir``) ; sans ce paramètre, les seuls référentiels
        communs (``data/reference``), où ne vit aucune table propre à un territoire."""
        return self.ref_dir or self.reference_commune

    def fichier_reference(self, nom: str) -> Path:
        """Le fichier ``nom`` des référentiels : celui du dossier du territoire s'il l'a (il l'emporte), sinon celui
        des référentiels communs (``nomenclature.csv``, ``indicateurs_qpv.csv``). Le chemin rendu peut ne pas
        exister (référentiel absent)."""
        propre = self.reference_dir / nom
        return propre if propre.is_file() or self.ref_dir is None else self.reference_commune / nom

    def fichier_brut(self, table: str) -> Path:
        """Le fichier brut d'une table (``.csv`` de préférence, sinon ``.xlsx``)."""
        for ext in EXTENSIONS:
            p = self.raw_dir / f"{table}{ext}"
            if p.is_file():
                return p
        raise ErreurDonnees(
            f"table brute « {table} » introuvable (attendu {table}.csv ou {table}.xlsx)", fichier=str(self.raw_dir)
        )

    def tables_brutes(self) -> list[str]:
        """Noms des tables brutes présentes, triés."""
        if not self.raw_dir.is_dir():
            return []
        noms = {p.stem for p in self.raw_dir.iterdir() if p.suffix.lower() in EXTENSIONS and not p.name.startswith(".")}
        return sorted(noms)

    def lire_brut(self, table: str) -> pd.DataFrame:
        return lire_table(self.fichier_brut(table))

    def lire_reference(self, nom: str) -> pd.DataFrame:
        return lire_table(self.fichier_reference(f"{nom}.csv"))


def inventaire(catalogue: Catalogue) -> pd.DataFrame:
    """Une ligne par fichier brut : lignes, colonnes, encodage, séparateur, empreinte."""
    lignes = []
    for table in catalogue.tables_brutes():
        df = catalogue.lire_brut(table)
        src = df.attrs["source"]
        lignes.append(
            {
                "table": table,
                "fichier": src["fichier"],
                "lignes": len(df),
                "colonnes": len(df.columns) - 1,
                "encodage": src["encodage"],
                "séparateur": src["separateur"],
                "sha256": src["sha256"][:12],
            }
        )
    return pd.DataFrame(lignes, columns=["table", "fichier", "lignes", "colonnes", "encodage", "séparateur", "sha256"])
