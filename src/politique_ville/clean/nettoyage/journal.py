"""Journal du nettoyage : ce qui a changé, une ligne par (table, règle, colonne), et les avertissements."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from politique_ville.clean.nettoyage._communs import _texte


@dataclass
class Journal:
    """Ce que le nettoyage a changé : une ligne par (table, règle, colonne), avec un exemple avant / après."""

    lignes: list[dict] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    #: un journal que personne ne lit (vrai) : le nettoyage ne calcule pas ce qui ne sert qu'à lui
    muet = False

    def noter(self, table: str, regle: str, colonne: str, avant: pd.Series, apres: pd.Series, exemples: int = 3):
        if avant.dtype == apres.dtype and avant.dtype != object and avant.equals(apres):
            return  # mêmes valeurs, même type : aucun texte ne change (cas le plus fréquent, sans conversion)
        avant_t = avant.map(_texte)
        apres_t = apres.map(_texte)
        change = avant_t != apres_t
        n = int(change.sum())
        if n:
            ex = [f"« {a} » → « {b} »" for a, b in list(zip(avant_t[change], apres_t[change]))[:exemples]]
            self.lignes.append(
                {
                    "table": table,
                    "règle": regle,
                    "colonne": colonne,
                    "valeurs modifiées": n,
                    "exemples": " ; ".join(dict.fromkeys(ex)),
                }
            )

    def renommer(self, table: str, renommages: dict[str, str]):
        """Une ligne par en-tête renommé (fichiers de l'INSEE : « CODGEO » → « code_qp ») ; aucune valeur ne change."""
        for avant, apres in renommages.items():
            self.lignes.append(
                {
                    "table": table,
                    "règle": "en-tête de l'INSEE ramené au nom interne (schemas.py)",
                    "colonne": apres,
                    "valeurs modifiées": 0,
                    "exemples": f"« {avant} » → « {apres} »",
                }
            )

    def avertir(self, message: str):
        self.avertissements.append(message)

    def tableau(self) -> pd.DataFrame:
        return pd.DataFrame(self.lignes, columns=["table", "règle", "colonne", "valeurs modifiées", "exemples"])
