"""Où vivent les données, et lecture robuste des fichiers bruts.

- ``data/raw/<annee>/`` : entrées telles que reçues, **jamais écrites par le code** ;
- ``data/reference/`` : référentiels officiels et communs à tous les territoires (extrait du COG, registre des
  indicateurs, nomenclature des piliers et thématiques) ;
- le dossier des référentiels d'un territoire (paramètre ``reference_dir``, par exemple
  ``data/reference/territoires/<nom>/`` pour un exemple du dépôt) : ses communes et leurs graphies, porteurs,
  périmètres, chiffres publiés ; il n'est lu que pour les années dont les paramètres le nomment ;
- ``data/processed/<annee>/`` : tables nettoyées (Parquet), écrites de façon atomique ;
- ``reports/<annee>/`` : rapports HTML, notebooks exécutés, validation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from politique_ville.base import memo
from politique_ville.base.errors import ErreurDonnees

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
    candidats += [Path(__file__).resolve().parents[3]]
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


def empreinte(chemin: Path) -> str:
    """SHA-256 du contenu d'un fichier."""
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def _decoder(octets: bytes, nom: str) -> tuple[str, str]:
    if octets.startswith(b"\xef\xbb\xbf"):
        try:
            return octets[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:  # un BOM UTF-8 devant des octets Windows-1252 (fichier réenregistré)
            return octets[3:].decode("cp1252", errors="replace"), "cp1252-bom"
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
    guillemets contenant des retours à la ligne, et la mise en page des fichiers de l'INSEE (lignes de titre au-dessus
    du tableau, ligne de libellés au-dessus de la ligne des noms de variables, notes « Source : … » en dessous ; voir
    :func:`_disposition`). Refuse avec une erreur en français (fichier, ligne) : fichier vide, en-tête vide ou
    dupliqué, ligne coupée (moins ou plus de champs que l'en-tête), guillemet non fermé.
    Les cellules restent du texte (``""`` pour une cellule vide) ; la colonne ``ligne_source`` donne la ligne du
    fichier (la ligne de la feuille, pour un classeur) d'où vient chaque enregistrement. ``df.attrs`` garde, à côté
    de ``source``, les lignes de titre (``titres``), les libellés des colonnes (``libelles``, ``{nom: libellé}``,
    vide sans ligne de libellés) et les notes sous le tableau (``notes``).
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
    enregistrements = _enregistrements_csv(texte, sep, nom)
    titre = _lignes_de_titre_csv(enregistrements)
    # un titre qui contient le séparateur d'un autre (« …, fictif » dans un fichier à « ; ») trompe le devineur : un
    # autre séparateur qui découpe plus de lignes en un même nombre de champs, et fait apparaître des lignes de
    # titre, l'emporte
    meilleur = max(",;\t|", key=lambda s: _regularite(texte, s))
    if meilleur != sep and _regularite(texte, meilleur) > _regularite(texte, sep):
        try:
            autres = _enregistrements_csv(texte, meilleur, nom)
        except ErreurDonnees:
            autres = []
        if _lignes_de_titre_csv(autres):
            sep, enregistrements, titre = meilleur, autres, _lignes_de_titre_csv(autres)
    dispo = _disposition(enregistrements, debut_tableau=titre, tableur=False)
    entete_enr = enregistrements[dispo.entete]
    entete = [c.strip() for c in entete_enr.champs]
    _verifier_entete(entete, nom, entete_enr.debut)
    lignes: list[list[str]] = []
    numeros: list[int] = []
    for enr in enregistrements[dispo.entete + 1 : dispo.fin]:
        if enr.vide:
            continue
        champs, num = enr.champs, enr.debut
        if len(champs) != len(entete):
            if len(champs) < len(entete):
                manquante = entete[len(champs)]
                raise ErreurDonnees(
                    f"{len(champs)} champs au lieu de {len(entete)} : la ligne est coupée (ligne tronquée ou séparateur "
                    f"« {sep} » absent)",
                    fichier=nom,
                    ligne=num,
                    colonne=manquante,
                )
            raise ErreurDonnees(
                f"{len(champs)} champs au lieu de {len(entete)} : champ en trop (séparateur « {sep} » "
                f"dans une valeur non protégée par des guillemets ?)",
                fichier=nom,
                ligne=num,
            )
        lignes.append(champs)
        numeros.append(num)
    df = pd.DataFrame(lignes, columns=entete, dtype="object")
    df[COLONNE_LIGNE] = numeros
    df.attrs["source"] = {
        "fichier": nom,
        "chemin": str(chemin),
        "encodage": encodage,
        "separateur": sep,
        "sha256": empreinte(chemin),
        "ligne_entete": entete_enr.debut,
    }
    _attrs_disposition(df, enregistrements, dispo, entete)
    return df


@dataclass(frozen=True)
class _Enregistrement:
    """Une ligne du tableau tel que lu : ses champs, ses lignes de début et de fin dans le fichier (une valeur entre
    guillemets peut tenir sur plusieurs lignes ; pour un classeur, début = fin = ligne de la feuille)."""

    champs: list
    debut: int
    fin: int

    @property
    def remplis(self) -> list[int]:
        return [i for i, c in enumerate(self.champs) if str(c).strip()]

    @property
    def vide(self) -> bool:
        return not self.remplis


@dataclass(frozen=True)
class _Dispo:
    entete: int  # position (dans la liste des enregistrements) de la ligne des noms de colonnes
    fin: int  # position du premier enregistrement qui suit les données (notes), ``len`` sans notes
    libelles: int | None = None  # position de la ligne des libellés, s'il y en a une
    titres: tuple[int, ...] = ()
    colonnes: tuple[int, int] | None = None  # classeur : première et dernière colonne du tableau (base 0)


#: Une note sous le tableau : « Source : … », « Sources : … », « Champ : … », « Note : … », « Lecture : … »,
#: « Définition : … », « Avertissement : … », « Mise à jour : … », « Unité : … », « * … », « (1) … ».
_NOTE = re.compile(
    r"^\s*(?:(?:sources?|champs?|notes?|lecture|cl[ée] de lecture|d[ée]finitions?|avertissements?|"
    r"mises? à jour|unit[ée]s?)\s*:|\*|\(\d+\))",
    re.IGNORECASE,
)
#: Un nom de variable : lettres sans accents, chiffres et « _ », commençant par une lettre (« CODGEO », « pop_mun »).
_CODE_VARIABLE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _enregistrements_csv(texte: str, sep: str, nom: str) -> list[_Enregistrement]:
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep, strict=True)
    sortie: list[_Enregistrement] = []
    debut = 1  # un fichier tronqué dans l'en-tête (guillemet non fermé) échoue dès la ligne 1
    try:
        for champs in lecteur:
            sortie.append(_Enregistrement(champs, debut, lecteur.line_num))
            debut = lecteur.line_num + 1
    except csv.Error as exc:
        raise ErreurDonnees(
            f"fichier mal formé ({_traduire_csv(exc)}) : guillemet non fermé ou fichier tronqué",
            fichier=nom,
            ligne=debut,
        ) from None
    return sortie


def _regularite(texte: str, sep: str) -> int:
    """Nombre de lignes (parmi les 200 premières) qui ont, avec ce séparateur, le nombre de champs le plus fréquent
    des lignes d'au moins deux champs remplis ; 0 si ce nombre est 1."""
    echantillon = "\n".join(texte.split("\n")[:200])
    try:
        comptes = Counter(
            len(r)
            for r in csv.reader(io.StringIO(echantillon, newline=""), delimiter=sep)
            if sum(1 for c in r if c.strip()) >= 2
        )
    except csv.Error:
        return 0
    if not comptes:
        return 0
    n, frequence = comptes.most_common(1)[0]
    return frequence if n >= 2 else 0


def _lignes_de_titre_csv(enregistrements: list[_Enregistrement]) -> int:
    """Nombre de lignes de titre d'un CSV : seulement si la première ligne a un seul champ rempli (« Quartiers
    prioritaires : chiffres clés » ou, exporté d'un tableur, « Titre;;;; »), les premières lignes d'au plus un champ
    rempli, si une ligne suivante en a au moins deux ; 0 sinon (l'en-tête est la ligne 1, comme toujours)."""
    if not enregistrements or len(enregistrements[0].remplis) != 1:
        return 0
    for i, enr in enumerate(enregistrements):
        if len(enr.remplis) >= 2:
            return i
    return 0


def _ressemble_a_des_codes(champs) -> bool:
    remplis = [str(c).strip() for c in champs if str(c).strip()]
    return bool(remplis) and all(_CODE_VARIABLE.fullmatch(c) for c in remplis)


def _disposition(enr: list[_Enregistrement], debut_tableau: int = 0, tableur: bool = True) -> _Dispo:
    """Où est le tableau dans la feuille (ou le CSV). Règle, dans l'ordre :

    1. classeur : les colonnes du tableau vont de la première à la dernière colonne remplie des lignes qui ont au
       moins deux cellules remplies (les colonnes vides des bords sont ignorées) ; la ligne d'en-tête est la
       première ligne qui remplit au moins deux cellules et au moins la moitié des colonnes du tableau (un titre,
       une source n'occupent qu'une cellule) ; une cellule vide de l'en-tête, entre ses bords ou au-delà, est
       signalée (« la colonne n°3 (colonne D de la feuille) n'a pas de nom »). Les lignes au-dessus (titre,
       source, notes) sont gardées comme titres. CSV : l'en-tête est la ligne 1, ou la première ligne d'au moins
       deux champs remplis quand la ligne 1 n'a qu'un champ rempli (``debut_tableau``) ;
    2. ligne de libellés : si la ligne non vide suivante couvre les mêmes colonnes, que toutes ses cellules ont la
       forme d'un nom de variable (« CODGEO », « pop_mun » : lettres sans accents, chiffres, « _ ») et que la ligne
       d'en-tête trouvée n'a pas cette forme (« Code géographique »), la première est la ligne des libellés et la
       seconde celle des noms de colonnes ;
    3. notes sous le tableau : les dernières lignes qui n'ont qu'une cellule remplie, à partir de la première qui
       commence comme une note (« Source : », « Champ : », « Note : », « Lecture : », « * », « (1) »…) ou, dans un
       classeur (ou un CSV à lignes de titre), qui est séparée des données par une ligne vide.
    """
    pleins = [e for e in enr if not e.vide]
    if not pleins:
        return _Dispo(entete=0, fin=len(enr))
    colonnes = None
    if tableur:
        multi = [i for i, e in enumerate(enr) if len(e.remplis) >= 2]
        if multi:
            g = min(enr[i].remplis[0] for i in multi)
            d = max(enr[i].remplis[-1] for i in multi)
            entete = next((i for i in multi if 2 * len(enr[i].remplis) >= d - g + 1), multi[0])
        else:
            entete = next(i for i, e in enumerate(enr) if not e.vide)
            g, d = enr[entete].remplis[0], enr[entete].remplis[-1]
        colonnes = (g, d)
    else:
        entete = debut_tableau
    titres = tuple(i for i in range(entete) if not enr[i].vide)
    libelles = None
    suivant = next((i for i in range(entete + 1, len(enr)) if not enr[i].vide), None)
    if suivant is not None:
        a, b = enr[entete], enr[suivant]
        memes = (
            (a.remplis[:1] + a.remplis[-1:] == b.remplis[:1] + b.remplis[-1:])
            if tableur
            else (len(a.champs) == len(b.champs) and a.remplis == b.remplis)
        )
        if memes and len(b.remplis) >= 2 and _ressemble_a_des_codes(b.champs) and not _ressemble_a_des_codes(a.champs):
            libelles, entete = entete, suivant
    # notes : dernières lignes d'une seule cellule remplie
    fin = len(enr)
    while fin > entete + 1 and len(enr[fin - 1].remplis) <= 1:
        fin -= 1
    seule_ligne_vide_permise = tableur or bool(titres)
    notes_debut = len(enr)
    precedent = enr[fin - 1] if fin - 1 > entete else enr[entete]
    for i in range(fin, len(enr)):
        e = enr[i]
        if e.vide:
            continue
        apres_vide = e.debut > precedent.fin + 1 or any(enr[j].vide for j in range(fin, i))
        texte = str(e.champs[e.remplis[0]])
        if _NOTE.match(texte) or (seule_ligne_vide_permise and apres_vide):
            notes_debut = i
            break
        precedent = e
    return _Dispo(entete=entete, fin=notes_debut, libelles=libelles, titres=titres, colonnes=colonnes)


def _attrs_disposition(df: pd.DataFrame, enr: list[_Enregistrement], dispo: _Dispo, entete: list[str]) -> None:
    def seul_texte(e: _Enregistrement) -> str:
        return " ".join(str(e.champs[i]).strip() for i in e.remplis)

    g = dispo.colonnes[0] if dispo.colonnes else 0
    df.attrs["titres"] = [seul_texte(enr[i]) for i in dispo.titres]
    libelles = {}
    if dispo.libelles is not None:
        champs = enr[dispo.libelles].champs
        for k, nom_col in enumerate(entete):
            v = champs[g + k] if g + k < len(champs) else ""
            if str(v).strip():
                libelles[nom_col] = str(v).strip()
    df.attrs["libelles"] = libelles
    df.attrs["notes"] = [seul_texte(e) for e in enr[dispo.fin :] if not e.vide]


def _traduire_csv(exc: csv.Error) -> str:
    msg = str(exc)
    if "unexpected end of data" in msg or "EOF" in msg:
        return "fin de fichier inattendue"
    return msg


def _verifier_entete(entete: list[str], nom: str, ligne: int = 1, lettres: list[str] | None = None) -> None:
    """En-tête non vide, chaque colonne nommée une fois (``lettres`` : lettres des colonnes d'un classeur, citées
    dans le message pour que l'analyste retrouve la colonne dans Excel)."""
    if not any(entete):
        raise ErreurDonnees("l'en-tête est vide", fichier=nom, ligne=ligne)
    for i, c in enumerate(entete):
        if not c:
            ou = f" (colonne {lettres[i]} de la feuille)" if lettres else ""
            raise ErreurDonnees(f"la colonne n°{i + 1}{ou} n'a pas de nom", fichier=nom, ligne=ligne)
    vus = set()
    for c in entete:
        if c in vus:
            raise ErreurDonnees("nom de colonne en double", fichier=nom, ligne=ligne, colonne=c)
        vus.add(c)
    if COLONNE_LIGNE in vus:
        raise ErreurDonnees(
            f"nom de colonne réservé « {COLONNE_LIGNE} »", fichier=nom, ligne=ligne, colonne=COLONNE_LIGNE
        )


def _texte_cellule(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _lire_xlsx(chemin: Path) -> pd.DataFrame:
    """Première feuille d'un classeur, à la mise en page de l'INSEE ou non (voir :func:`_disposition`) ;
    ``ligne_source`` est la ligne de la feuille, telle qu'Excel la numérote."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    nom = chemin.name
    try:
        classeur = load_workbook(chemin, read_only=True, data_only=True)
        try:
            feuille = classeur.worksheets[0]
            enr = [
                _Enregistrement([_texte_cellule(v) for v in ligne], n, n)
                for n, ligne in enumerate(feuille.iter_rows(min_row=1, min_col=1, values_only=True), start=1)
            ]
        finally:
            classeur.close()
    except Exception as exc:  # fichier corrompu, pas un xlsx...
        raise ErreurDonnees(f"classeur Excel illisible ({exc.__class__.__name__})", fichier=nom) from None
    if all(e.vide for e in enr):
        raise ErreurDonnees("le fichier est vide", fichier=nom)
    dispo = _disposition(enr)
    g, d = dispo.colonnes
    largeur = d - g + 1

    def cellules(e: _Enregistrement) -> list[str]:
        c = e.champs[g : d + 1]
        return c + [""] * (largeur - len(c))

    ligne_entete = enr[dispo.entete]
    entete = [c.strip() for c in cellules(ligne_entete)]
    _verifier_entete(entete, nom, ligne_entete.debut, [get_column_letter(g + k + 1) for k in range(largeur)])
    lignes, numeros = [], []
    for e in enr[dispo.entete + 1 : dispo.fin]:
        if e.vide:
            continue
        dehors = [i for i in e.remplis if i < g or i > d]
        if dehors:
            raise ErreurDonnees(
                f"valeur « {e.champs[dehors[0]]} » hors du tableau (colonne "
                f"{get_column_letter(dehors[0] + 1)}, sans nom de colonne au-dessus)",
                fichier=nom,
                ligne=e.debut,
            )
        lignes.append(cellules(e))
        numeros.append(e.debut)
    df = pd.DataFrame(lignes, columns=entete, dtype="object")
    df[COLONNE_LIGNE] = numeros
    df.attrs["source"] = {
        "fichier": nom,
        "chemin": str(chemin),
        "encodage": "xlsx",
        "separateur": "",
        "sha256": empreinte(chemin),
        "ligne_entete": ligne_entete.debut,
    }
    _attrs_disposition(df, enr, dispo, entete)
    return df


def _masque() -> int:
    """Le masque de création de fichiers du processus (lu sans le changer durablement)."""
    masque = os.umask(0o022)
    os.umask(masque)
    return masque


def ecrire_atomique(chemin: Path, ecrire) -> Path:
    """Écrit ``chemin`` via un fichier temporaire du même dossier puis ``os.replace`` : jamais de fichier à moitié
    écrit. Refuse d'écrire sous ``data/raw``. Le fichier a les droits d'un fichier ordinaire (0644 avec le masque
    habituel, comme les pages HTML), pas ceux d'un fichier temporaire (0600) : un classeur se partage."""
    chemin = Path(chemin).resolve()
    if "raw" in chemin.parts and "data" in chemin.parts and chemin.parts.index("raw") == chemin.parts.index("data") + 1:
        raise PermissionError(f"Écriture interdite dans les données brutes : {chemin}")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    os.close(fd)
    try:
        ecrire(Path(tmp))
        os.chmod(tmp, 0o666 & ~_masque())
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
        chemins.append(
            ecrire_atomique(Path(dossier) / f"{nom}.parquet", lambda p, d=propre: d.to_parquet(p, index=False))
        )
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


#: Dernière lecture de chaque table nettoyée, par processus : chemin -> (identité du fichier, table). Les fiches
#: quartier d'un lot, exécutées l'une après l'autre dans un même noyau, relisent les mêmes fichiers : une seule
#: lecture par noyau. Bornée : les tables d'un seul dossier, au plus :data:`TABLES_GARDEES` fichiers.
_LECTURES: dict[str, tuple[tuple, pd.DataFrame]] = {}
_VERROU_LECTURES = threading.Lock()
TABLES_GARDEES = 32


def _identite_fichier(chemin: Path) -> tuple:
    """Ce qui distingue un fichier réécrit de l'ancien : chemin, périphérique, inode, taille, dates de modification
    et de changement (en nanosecondes). Une écriture atomique (``ecrire_atomique`` : nouveau fichier renommé) change
    l'inode et les dates ; une réécriture sur place change les dates."""
    st = os.stat(chemin)
    return (os.path.abspath(chemin), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _lire_parquet_garde(chemin: Path) -> pd.DataFrame:
    """Table d'un fichier Parquet, lue une fois par processus tant que le fichier ne change pas (voir
    :data:`_LECTURES`) : chaque appel rend une copie de la lecture gardée, marquée (:func:`memo.marquer`) de
    l'identité du fichier, si bien que les calculs décorés par :func:`memo.une_fois` la reconnaissent d'une fiche à
    l'autre. Un fichier réécrit (autre identité) est relu."""
    identite = _identite_fichier(chemin)
    cle = identite[0]
    with _VERROU_LECTURES:
        garde = _LECTURES.get(cle)
    if garde is None or garde[0] != identite:
        table = pd.read_parquet(chemin)
        if _identite_fichier(chemin) != identite:  # réécrit pendant la lecture : ni gardé ni marqué
            return table
        garde = (identite, table)
        dossier = os.path.dirname(cle)
        with _VERROU_LECTURES:
            for autre in [c for c in _LECTURES if os.path.dirname(c) != dossier or c == cle]:
                del _LECTURES[autre]  # les tables d'un seul dossier (une année, un territoire)
            while len(_LECTURES) >= TABLES_GARDEES:
                del _LECTURES[next(iter(_LECTURES))]
            _LECTURES[cle] = garde
    return memo.marquer(garde[1].copy(deep=True), ("parquet", identite))


def lire_traitees(
    catalogue: Catalogue, *noms: str, facultatives: tuple[str, ...] = ()
) -> dict[str, pd.DataFrame | None]:
    """Tables nettoyées de l'année (``data/processed/<annee>/``) ; erreur claire si l'une manque. Une table
    ``facultatives`` absente (fichier brut non reçu cette année) vaut ``None`` au lieu d'être une erreur.

    Chaque table est une copie, à soi, de la dernière lecture du fichier gardée par le processus (relu s'il a
    changé : voir :func:`_lire_parquet_garde`), marquée pour la mémoire des calculs (:mod:`politique_ville.base.memo`)."""
    sortie = {}
    for nom in (*noms, *facultatives):
        chemin = catalogue.processed_dir / f"{nom}.parquet"
        if not chemin.is_file() and nom in facultatives:
            sortie[nom] = None
            continue
        if not chemin.is_file():
            raise ErreurDonnees(
                f"table nettoyée « {nom} » absente : exécutez d'abord le nettoyage (make report)", fichier=str(chemin)
            )
        sortie[nom] = _lire_parquet_garde(chemin)
    return sortie
