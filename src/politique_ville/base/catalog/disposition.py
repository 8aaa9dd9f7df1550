"""Où est le tableau dans la feuille (ou le CSV) : lignes de titre, ligne des libellés au-dessus de celle des noms de
variables, notes sous le tableau (mise en page des fichiers de l'INSEE)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd


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


class Partage(dict):
    """Une valeur de ``df.attrs`` (source, libellés du fichier) recopiée par référence : pandas fait une copie
    profonde de ``attrs`` à chaque opération (chaque colonne lue, chaque sélection), et les 45 libellés d'un fichier
    de l'INSEE copiés à chacune coûtaient plus que le nettoyage du territoire d'un lot (0,12 s sur 0,19 s, mesure
    profilée). À ne pas modifier en place : remplacer la valeur (``df.attrs["source"] = {...}``)."""

    def __deepcopy__(self, memo):
        return self


class ListePartagee(list):
    """Une liste de ``df.attrs`` (titres, notes du fichier) recopiée par référence (voir :class:`Partage`)."""

    def __deepcopy__(self, memo):
        return self


def _attrs_disposition(df: pd.DataFrame, enr: list[_Enregistrement], dispo: _Dispo, entete: list[str]) -> None:
    def seul_texte(e: _Enregistrement) -> str:
        return " ".join(str(e.champs[i]).strip() for i in e.remplis)

    g = dispo.colonnes[0] if dispo.colonnes else 0
    df.attrs["titres"] = ListePartagee(seul_texte(enr[i]) for i in dispo.titres)
    libelles = {}
    if dispo.libelles is not None:
        champs = enr[dispo.libelles].champs
        for k, nom_col in enumerate(entete):
            v = champs[g + k] if g + k < len(champs) else ""
            if str(v).strip():
                libelles[nom_col] = str(v).strip()
    df.attrs["libelles"] = Partage(libelles)
    df.attrs["notes"] = ListePartagee(seul_texte(e) for e in enr[dispo.fin :] if not e.vide)
