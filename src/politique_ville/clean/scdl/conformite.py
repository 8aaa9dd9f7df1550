"""Validation des valeurs contre le schéma officiel de leur version, avec ``frictionless`` (l'outil pour lequel le
schéma est écrit) ; chaque écart dit, en français, ce que le schéma demande."""

from __future__ import annotations

import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.clean.scdl.schema import NOMS_V1_0, _champs_validables, schema_officiel


def _regle(type_: str, note: str, champ: dict) -> str:
    """Ce que le schéma demande, en français, à partir d'une erreur de ``frictionless``."""
    if type_ == "type-error":
        return {
            "date": "date AAAA-MM-JJ",
            "number": "nombre à point décimal",
            "boolean": "booléen (vrai/faux, oui/non)",
            "integer": "nombre entier",
        }.get(champ.get("type", ""), f"type {champ.get('type', '?')}")
    contraintes = champ.get("constraints", {})
    if '"required"' in note:
        return "valeur obligatoire"
    if '"enum"' in note:
        return "une des valeurs : " + " | ".join(f"« {v} »" for v in contraintes.get("enum", []))
    if '"pattern"' in note:
        return f"motif {contraintes.get('pattern', '')}"
    if '"minimum"' in note:
        return f"au moins {contraintes.get('minimum')}"
    if '"maximum"' in note:
        return f"au plus {contraintes.get('maximum')}"
    if '"maxLength"' in note:
        return f"au plus {contraintes.get('maxLength')} caractères"
    return note


_SANS_ECART = pd.DataFrame(columns=["ligne", "colonne", "champ", "valeur", "regle"])


def valider_schema(table: pd.DataFrame, version: str, noms_fichier: dict[str, str]) -> pd.DataFrame:
    """Valide les valeurs de ``table`` (colonnes au nom du schéma 1.1/2.x) contre le schéma officiel de ``version``
    avec ``frictionless`` (colonnes rapprochées par leur nom, dans n'importe quel ordre ; une colonne obligatoire
    absente est relevée). Une ligne par cellule en écart : ``ligne`` (du fichier ; 1 pour une colonne absente),
    ``colonne`` (nom dans le fichier), ``champ`` (nom du schéma 2.1), ``valeur``, ``regle`` (ce que dit le schéma, en
    français). ``noms_fichier`` : nom du schéma 2.1 -> nom de la colonne dans le fichier.

    Les contrôles du schéma portent sur chaque cellule seule (type, motif, valeurs permises, bornes, obligation) :
    ``frictionless`` valide donc les valeurs distinctes de chaque colonne, et chaque écart est reporté sur toutes
    les lignes qui ont cette valeur (un fichier de 20 000 lignes ne répète pas 20 000 fois les mêmes valeurs)."""
    from frictionless import Resource, Schema  # coûteux : seulement à la lecture d'un fichier SCDL

    descr = schema_officiel(version)
    vers_1_0 = {v: k for k, v in NOMS_V1_0.items()}
    colonnes = [c for c in table.columns if c in noms_fichier]
    champs = {f["name"]: f for f in _champs_validables(descr)}
    nom_schema = {c: vers_1_0.get(c, c) if version == "1.0" else c for c in colonnes}
    # une colonne obligatoire du schéma absente du fichier
    absentes = [
        NOMS_V1_0.get(nom, nom)
        for nom, f in champs.items()
        if f.get("constraints", {}).get("required") and nom not in nom_schema.values()
    ]
    fautes: dict[tuple[str, str], str] = {}
    for c in colonnes:
        champ = champs.get(nom_schema[c])
        if champ is None:
            continue
        # une colonne témoin toujours remplie : une cellule vide n'est pas une « ligne vide » pour frictionless
        distinctes = [[v, "x"] for v in pd.unique(table[c].fillna("").astype(str))]
        schema = Schema.from_descriptor({"fields": [champ, {"name": "_temoin", "type": "string"}]})
        ressource = Resource(data=[[champ["name"], "_temoin"], *distinctes], schema=schema)
        rapport = ressource.validate(limit_errors=10**7)
        for num, type_, note, cellule in rapport.flatten(["rowNumber", "type", "note", "cell"]):
            if num is not None:
                fautes.setdefault((c, "" if cellule is None else str(cellule)), _regle(type_, note, champ))
    lignes = table[COLONNE_LIGNE] if COLONNE_LIGNE in table.columns else pd.Series(range(2, len(table) + 2))
    morceaux = [
        pd.DataFrame({"ligne": 1, "colonne": c, "champ": c, "valeur": "", "regle": "colonne obligatoire"}, index=[0])
        for c in absentes
    ]
    for champ in dict.fromkeys(ch for ch, _v in fautes):
        regles = {v: r for (ch, v), r in fautes.items() if ch == champ}
        cellules = table[champ].fillna("").astype(str)
        masque = cellules.isin(list(regles))
        if masque.any():
            morceaux.append(
                pd.DataFrame(
                    {
                        "ligne": lignes[masque].astype("int64").to_numpy(),
                        "colonne": noms_fichier.get(champ, champ),
                        "champ": champ,
                        "valeur": cellules[masque].to_numpy(),
                        "regle": cellules[masque].map(regles).to_numpy(),
                    }
                )
            )
    if not morceaux:
        return _SANS_ECART.copy()
    return pd.concat(morceaux, ignore_index=True).sort_values(["ligne", "colonne"], kind="stable")
