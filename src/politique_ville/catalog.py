"""Où vivent les données, et lecture robuste des fichiers bruts.

- ``data/raw/<annee>/`` : entrées telles que reçues, **jamais écrites par le code** ;
- ``data/reference/`` : référentiels du territoire (communes, porteurs) et chiffres publiés ;
- ``data/processed/<annee>/`` : tables nettoyées (Parquet), écrites de façon atomique ;
- ``reports/<annee>/`` : rapports HTML, notebooks exécutés, validation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ErreurDonnees

EXTENSIONS = (".csv", ".xlsx")
#: Colonne ajoutée à chaque table brute : numéro de ligne dans le fichier source (l'en-tête est la ligne 1).
COLONNE_LIGNE = "ligne_source"


def racine_projet(depart: Path | None = None) -> Path:
    """Racine du dépôt : variable POLITIQUE_VILLE_RACINE, sinon premier parent contenant pyproject.toml et data/."""
    env = os.environ.get("POLITIQUE_VILLE_RACINE")
    if env:
        return Path(env).resolve()
    candidats = [Path(depart or Path.cwd()).resolve()]
    candidats += list(candidats[0].parents)
    candidats += [Path(__file__).resolve().parents[2]]
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
    def pour(cls, annee: int, racine: Path | None = None, *, raw_dir=None, processed_dir=None, reports_dir=None,
             reference_dir=None):
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
    def reference_dir(self) -> Path:
        """Référentiels du territoire et chiffres publiés (``data/reference`` par défaut)."""
        return self.ref_dir or self.racine / "data" / "reference"

    def fichier_brut(self, table: str) -> Path:
        """Le fichier brut d'une table (``.csv`` de préférence, sinon ``.xlsx``)."""
        for ext in EXTENSIONS:
            p = self.raw_dir / f"{table}{ext}"
            if p.is_file():
                return p
        raise ErreurDonnees(f"table brute « {table} » introuvable (attendu {table}.csv ou {table}.xlsx)",
                            fichier=str(self.raw_dir))

    def tables_brutes(self) -> list[str]:
        """Noms des tables brutes présentes, triés."""
        if not self.raw_dir.is_dir():
            return []
        noms = {p.stem for p in self.raw_dir.iterdir() if p.suffix.lower() in EXTENSIONS and not p.name.startswith(".")}
        return sorted(noms)

    def lire_brut(self, table: str) -> pd.DataFrame:
        return lire_table(self.fichier_brut(table))

    def lire_reference(self, nom: str) -> pd.DataFrame:
        return lire_table(self.reference_dir / f"{nom}.csv")


def empreinte(chemin: Path) -> str:
    """SHA-256 du contenu d'un fichier."""
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def _decoder(octets: bytes, nom: str) -> tuple[str, str]:
    if octets.startswith(b"\xef\xbb\xbf"):
        return octets[3:].decode("utf-8"), "utf-8-sig"
    try:
        return octets.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return octets.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return octets.decode("latin-1"), "latin-1"


def _separateur(texte: str) -> str:
    entete = texte.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(texte[:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        comptes = {s: entete.count(s) for s in ",;\t|"}
        return max(comptes, key=comptes.get) if max(comptes.values()) > 0 else ","


def lire_table(chemin: Path | str) -> pd.DataFrame:
    """Lit un fichier brut (CSV ou XLSX) en texte, sans rien interpréter.

    Tolère : séparateur « ; » ou « , » (ou tabulation), UTF-8 avec ou sans BOM, cp1252/latin-1, champs entre
    guillemets contenant des retours à la ligne. Refuse avec une erreur en français (fichier, ligne) : fichier vide,
    en-tête vide ou dupliqué, ligne coupée (moins ou plus de champs que l'en-tête), guillemet non fermé.
    Les cellules restent du texte (``""`` pour une cellule vide) ; la colonne ``ligne_source`` donne la ligne du
    fichier d'où vient chaque enregistrement.
    """
    chemin = Path(chemin)
    nom = chemin.name
    if not chemin.is_file():
        raise ErreurDonnees("fichier introuvable", fichier=str(chemin))
    if chemin.suffix.lower() == ".xlsx":
        return _lire_xlsx(chemin)
    octets = chemin.read_bytes()
    if not octets.strip():
        raise ErreurDonnees("le fichier est vide", fichier=nom)
    texte, encodage = _decoder(octets, nom)
    texte = texte.replace("\r\n", "\n").replace("\r", "\n")
    if not texte.strip():  # BOM seul (fichier vide enregistré en « UTF-8 avec BOM »)
        raise ErreurDonnees("le fichier est vide", fichier=nom)
    sep = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep, strict=True)
    lignes: list[list[str]] = []
    numeros: list[int] = []
    debut = 1  # un fichier tronqué dans l'en-tête (guillemet non fermé) échoue dès la ligne 1
    try:
        entete = next(lecteur)
        debut = lecteur.line_num + 1
        for champs in lecteur:
            if not any(c.strip() for c in champs):
                debut = lecteur.line_num + 1
                continue
            lignes.append(champs)
            numeros.append(debut)
            debut = lecteur.line_num + 1
    except csv.Error as exc:
        raise ErreurDonnees(f"fichier mal formé ({_traduire_csv(exc)}) : guillemet non fermé ou fichier tronqué",
                            fichier=nom, ligne=debut) from None
    entete = [c.strip() for c in entete]
    _verifier_entete(entete, nom)
    for champs, num in zip(lignes, numeros):
        if len(champs) != len(entete):
            if len(champs) < len(entete):
                manquante = entete[len(champs)]
                raise ErreurDonnees(
                    f"{len(champs)} champs au lieu de {len(entete)} : la ligne est coupée (ligne tronquée ou séparateur "
                    f"« {sep} » absent)", fichier=nom, ligne=num, colonne=manquante)
            raise ErreurDonnees(f"{len(champs)} champs au lieu de {len(entete)} : champ en trop (séparateur « {sep} » "
                                f"dans une valeur non protégée par des guillemets ?)", fichier=nom, ligne=num)
    df = pd.DataFrame(lignes, columns=entete, dtype="object")
    df[COLONNE_LIGNE] = numeros
    df.attrs["source"] = {"fichier": nom, "chemin": str(chemin), "encodage": encodage, "separateur": sep,
                          "sha256": empreinte(chemin)}
    return df


def _traduire_csv(exc: csv.Error) -> str:
    msg = str(exc)
    if "unexpected end of data" in msg or "EOF" in msg:
        return "fin de fichier inattendue"
    return msg


def _verifier_entete(entete: list[str], nom: str) -> None:
    if not any(entete):
        raise ErreurDonnees("l'en-tête est vide", fichier=nom, ligne=1)
    for i, c in enumerate(entete):
        if not c:
            raise ErreurDonnees(f"la colonne n°{i + 1} n'a pas de nom", fichier=nom, ligne=1)
    vus = set()
    for c in entete:
        if c in vus:
            raise ErreurDonnees("nom de colonne en double", fichier=nom, ligne=1, colonne=c)
        vus.add(c)
    if COLONNE_LIGNE in vus:
        raise ErreurDonnees(f"nom de colonne réservé « {COLONNE_LIGNE} »", fichier=nom, ligne=1, colonne=COLONNE_LIGNE)


def _lire_xlsx(chemin: Path) -> pd.DataFrame:
    nom = chemin.name
    try:
        brut = pd.read_excel(chemin, dtype=object, header=None, engine="openpyxl")
    except Exception as exc:  # fichier corrompu, pas un xlsx...
        raise ErreurDonnees(f"classeur Excel illisible ({exc.__class__.__name__})", fichier=nom) from None
    brut = brut.dropna(how="all")
    if brut.empty:
        raise ErreurDonnees("le fichier est vide", fichier=nom)
    entete = ["" if pd.isna(c) else str(c).strip() for c in brut.iloc[0]]
    _verifier_entete(entete, nom)
    corps = brut.iloc[1:]

    def texte(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    df = pd.DataFrame([[texte(v) for v in ligne] for ligne in corps.itertuples(index=False)], columns=entete,
                      dtype="object")
    df[COLONNE_LIGNE] = [int(i) + 1 for i in corps.index]
    df.attrs["source"] = {"fichier": nom, "chemin": str(chemin), "encodage": "xlsx", "separateur": "",
                          "sha256": empreinte(chemin)}
    return df


def ecrire_atomique(chemin: Path, ecrire) -> Path:
    """Écrit ``chemin`` via un fichier temporaire du même dossier puis ``os.replace`` : jamais de fichier à moitié
    écrit. Refuse d'écrire sous ``data/raw``."""
    chemin = Path(chemin).resolve()
    if "raw" in chemin.parts and "data" in chemin.parts and chemin.parts.index("raw") == chemin.parts.index("data") + 1:
        raise PermissionError(f"Écriture interdite dans les données brutes : {chemin}")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    os.close(fd)
    try:
        ecrire(Path(tmp))
        os.replace(tmp, chemin)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return chemin


def inventaire(catalogue: Catalogue) -> pd.DataFrame:
    """Une ligne par fichier brut : lignes, colonnes, encodage, séparateur, empreinte."""
    lignes = []
    for table in catalogue.tables_brutes():
        df = catalogue.lire_brut(table)
        src = df.attrs["source"]
        lignes.append({"table": table, "fichier": src["fichier"], "lignes": len(df),
                       "colonnes": len(df.columns) - 1, "encodage": src["encodage"],
                       "séparateur": src["separateur"], "sha256": src["sha256"][:12]})
    return pd.DataFrame(lignes, columns=["table", "fichier", "lignes", "colonnes", "encodage", "séparateur", "sha256"])


# --------------------------------------------------------------------------------------------- tables traitées

def dossier_travail(dossier_final: Path) -> Path:
    """Dossier de travail d'une exécution, promu d'un coup à la fin (``.<nom>.en-cours`` à côté du dossier final)."""
    dossier_final = Path(dossier_final)
    return dossier_final.parent / f".{dossier_final.name}.en-cours"


def ecrire_tables(tables: dict[str, pd.DataFrame], dossier: Path) -> list[Path]:
    """Écrit chaque table en Parquet (écriture atomique, fichier par fichier)."""
    chemins = []
    for nom, df in tables.items():
        propre = df.copy()
        propre.attrs = {}
        chemins.append(ecrire_atomique(Path(dossier) / f"{nom}.parquet",
                                       lambda p, d=propre: d.to_parquet(p, index=False)))
    return chemins


def lire_tables(dossier: Path) -> dict[str, pd.DataFrame]:
    """Toutes les tables Parquet d'un dossier."""
    return {p.stem: pd.read_parquet(p) for p in sorted(Path(dossier).glob("*.parquet"))}


def promouvoir(travail: Path, final: Path) -> Path:
    """Remplace ``final`` par ``travail`` (renommages) ; l'ancien contenu n'est supprimé qu'une fois le nouveau en
    place."""
    travail, final = Path(travail), Path(final)
    if not travail.is_dir():
        raise FileNotFoundError(f"dossier de travail absent : {travail}")
    ancien = final.parent / f".{final.name}.ancien"
    import shutil
    shutil.rmtree(ancien, ignore_errors=True)
    if final.exists():
        final.rename(ancien)
    travail.rename(final)
    shutil.rmtree(ancien, ignore_errors=True)
    return final


def lire_traitees(catalogue: Catalogue, *noms: str, facultatives: tuple[str, ...] = ()
                  ) -> dict[str, pd.DataFrame | None]:
    """Tables nettoyées de l'année (``data/processed/<annee>/``) ; erreur claire si l'une manque. Une table
    ``facultatives`` absente (fichier brut non reçu cette année) vaut ``None`` au lieu d'être une erreur."""
    sortie = {}
    for nom in (*noms, *facultatives):
        chemin = catalogue.processed_dir / f"{nom}.parquet"
        if not chemin.is_file() and nom in facultatives:
            sortie[nom] = None
            continue
        if not chemin.is_file():
            raise ErreurDonnees(f"table nettoyée « {nom} » absente : exécutez d'abord le nettoyage (make report)",
                                fichier=str(chemin))
        sortie[nom] = pd.read_parquet(chemin)
    return sortie
