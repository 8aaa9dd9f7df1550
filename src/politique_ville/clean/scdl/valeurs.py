"""Lecture des valeurs d'un fichier SCDL : dates et périodes, identifiants (SIRET réparé quand c'est sans
ambiguïté), pourcentages."""

from __future__ import annotations

import re
from datetime import date

from politique_ville.base.valeurs import ValeurIllisible, lire_nombre
from politique_ville.clean.correspondance import (
    SIREN_LA_POSTE,
    identifiant_siret_valide,
    normaliser_identifiant,
    siren_valide,
)

_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_FR = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")


def lire_date(texte: str) -> tuple[date | None, str]:
    """Une date du fichier -> (date, remarque) ; remarque vide au format du schéma (AAAA-MM-JJ), « format … » pour une
    autre écriture acceptée ; (None, raison) si illisible."""
    t = str(texte or "").strip()
    if not t:
        return None, "date absente"
    m = _DATE.match(t)
    if m:
        a, sep, mo, j = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        remarque = "" if sep == "-" and len(t) == 10 else f"format {'AAAA' + sep + 'MM' + sep + 'JJ'} lu"
        if len(t) > 10:
            remarque = "date et heure : la date seule est lue"
    else:
        m = _DATE_FR.match(t)
        if not m:
            return None, f"date « {t} » illisible"
        j, sep, mo, a = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        remarque = f"format JJ{sep}MM{sep}AAAA lu"
    try:
        return date(a, mo, j), remarque
    except ValueError:
        return None, f"date « {t} » impossible"


def lire_periode(texte: str) -> tuple[tuple[date, date] | None, str]:
    """``datesPeriodeVersement`` : une date ou une période « début/fin » (« _ » accepté comme séparateur, comme dans
    le format réglementaire d'origine) -> ((début, fin), remarque) ; (None, raison) si absente ou illisible."""
    t = str(texte or "").strip()
    if not t:
        return None, "période absente"
    m = re.match(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:\s*([/_])\s*(.+))?$", t)
    if not m:
        return None, f"période « {t} » illisible"
    d1, r1 = lire_date(m.group(1))
    d2, r2 = lire_date(m.group(3)) if m.group(3) else (d1, r1)
    if d1 is None or d2 is None:
        return None, r1 if d1 is None else r2
    remarques = [r for r in {r1, r2} if r]
    if m.group(2) == "_":
        remarques.insert(0, "« _ » entre les deux dates lu comme « / »")
    return (min(d1, d2), max(d1, d2)), " ; ".join(remarques)


_FLOTTANT = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIQUE = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")


def lire_identifiant(texte) -> tuple[str, str, str]:
    """Un SIRET (ou SIREN) du fichier -> (identifiant, réparation, raison du refus). Un SIRET écrit comme un nombre à
    virgule (« 21860194600000.0 ») est réparé s'il redonne 14 chiffres à clé juste ; en notation scientifique
    (« 2.18601946E+13 ») des chiffres sont perdus : refusé."""
    brut = str(texte or "").strip()
    s = normaliser_identifiant(brut)
    if not s:
        return "", "", "identifiant vide"
    if _SCIENTIFIQUE.match(brut.replace(" ", "")):
        return (
            "",
            "",
            (
                f"SIRET « {brut} » écrit en notation scientifique par un tableur : des chiffres sont perdus, il ne peut "
                f"pas être réparé"
            ),
        )
    m = _FLOTTANT.match(re.sub(r"[\s\u00a0\u202f]", "", brut))
    if m:
        chiffres = m.group(1)
        if len(chiffres) == 14 and identifiant_siret_valide(chiffres):
            return chiffres, f"SIRET « {brut} » lu comme un nombre à virgule : « {chiffres} » (clé juste)", ""
        if len(chiffres) == 13 and identifiant_siret_valide("0" + chiffres):  # zéro de tête perdu par le tableur
            return (
                "0" + chiffres,
                f"SIRET « {brut} » lu comme un nombre à virgule, zéro de tête perdu : « 0{chiffres} » (clé juste)",
                "",
            )
        return (
            "",
            "",
            (
                f"SIRET « {brut} » lu comme un nombre à virgule par un tableur ; « {chiffres} » n'est pas un SIRET "
                f"({_raison(chiffres)}) : des chiffres ont pu être perdus, aucune réparation sans ambiguïté"
            ),
        )
    if identifiant_siret_valide(s):
        return s, "", ""
    return "", "", f"{'SIRET' if len(s) != 9 else 'SIREN'} « {brut} » invalide ({_raison(s)})"


def _raison(s: str) -> str:
    if not s:
        return "identifiant vide"
    if not s.isdigit():
        return "attendu : des chiffres seulement"
    if len(s) not in (9, 14):
        return f"{len(s)} chiffres au lieu de 14 (SIRET) ou 9 (SIREN)"
    if len(s) == 14 and not siren_valide(s[:9]) and s[:9] != SIREN_LA_POSTE:
        return "clé de contrôle (Luhn) du SIREN fausse : chiffre mal recopié ?"
    return "clé de contrôle (Luhn) fausse : chiffre mal recopié ?"


_POINT = re.compile(r"^-?\d+\.\d+$")
_SIMPLE = re.compile(r"^-?\d+(\.\d+)?$")


def _pourcentage(texte: str) -> tuple[float | None, str]:
    """``pourcentageSubvention`` -> (fraction, remarque) ; None si illisible (la remarque dit pourquoi)."""
    t = str(texte or "").strip()
    if not t:
        return 1.0, "pourcentage absent : la ligne compte pour tout le montant (100 %)"
    pour_cent = t.endswith("%")
    try:
        x = lire_nombre(t.rstrip("%").strip(), "nombre")
    except ValeurIllisible:
        return None, f"pourcentage « {t} » illisible"
    if pour_cent:
        return x / 100, f"« {t} » lu comme {x / 100:g}"
    return x, "" if _SIMPLE.match(t) else f"« {t} » lu comme {x:g}"
