"""Lecture robuste des fichiers bruts (CSV ou classeur), en texte, sans rien interpréter : encodage et séparateur
devinés, tableau situé dans la feuille (:mod:`.disposition`), erreurs en français qui nomment fichier et ligne."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog.disposition import (
    Partage,
    _attrs_disposition,
    _disposition,
    _Enregistrement,
    _lignes_de_titre_csv,
)
from politique_ville.base.errors import ErreurDonnees

#: Colonne ajoutée à chaque table brute : numéro de ligne dans le fichier source (l'en-tête est la ligne 1).
COLONNE_LIGNE = "ligne_source"


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
    if not chemin.is_file():
        raise ErreurDonnees("fichier introuvable", fichier=str(chemin))
    if chemin.suffix.lower() == ".xlsx":
        return _lire_xlsx(chemin)
    return _lire_csv(chemin)


def _lire_csv(chemin: Path) -> pd.DataFrame:
    """Un fichier CSV : encodage et séparateur devinés, tableau situé (:func:`_disposition`), lignes vérifiées."""
    nom = chemin.name
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
    lignes, numeros = _lignes_csv(enregistrements[dispo.entete + 1 : dispo.fin], entete, sep, nom)
    df = pd.DataFrame(lignes, columns=entete, dtype="object")
    df[COLONNE_LIGNE] = numeros
    df.attrs["source"] = Partage(
        {
            "fichier": nom,
            "chemin": str(chemin),
            "encodage": encodage,
            "separateur": sep,
            "sha256": empreinte(chemin),
            "ligne_entete": entete_enr.debut,
        }
    )
    _attrs_disposition(df, enregistrements, dispo, entete)
    return df


def _lignes_csv(enregistrements: list[_Enregistrement], entete: list[str], sep: str, nom: str):
    """Les lignes de données (sans les lignes vides) et leurs numéros ; une ligne coupée ou qui a un champ en trop
    est une erreur."""
    lignes: list[list[str]] = []
    numeros: list[int] = []
    for enr in enregistrements:
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
    return lignes, numeros


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
    # importé ici, pas en tête : openpyxl coûte 60 à 95 ms à l'import (mesuré), pour les seuls classeurs, et chaque
    # noyau d'une exécution importe ce module
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
    df.attrs["source"] = Partage(
        {
            "fichier": nom,
            "chemin": str(chemin),
            "encodage": "xlsx",
            "separateur": "",
            "sha256": empreinte(chemin),
            "ligne_entete": ligne_entete.debut,
        }
    )
    _attrs_disposition(df, enr, dispo, entete)
    return df
