"""Outils partagés par les modules du format SCDL : colonnes proches, et le relevé d'une vérification (erreurs qui
arrêtent le fichier, écarts au schéma constatés avec leur traitement, motif d'écarter chaque ligne)."""

from __future__ import annotations

import difflib

import pandas as pd

from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage import ErreursNettoyage


def _proches(mot, possibles) -> str:
    p = difflib.get_close_matches(str(mot), [str(x) for x in possibles], n=3, cutoff=0.5)
    return f" ; les plus proches : {', '.join(p)}" if p else ""


class _Releve:
    """Ce que relève la vérification d'un fichier (:func:`~.verification.verifier_scdl`), contrôle après contrôle :
    ``erreurs`` (levées ensemble, elles arrêtent le fichier), ``constats`` (écarts de forme du fichier, une ligne
    chacun), ``morceaux`` (écarts relevés sur des colonnes entières, une ligne par cellule), ``motif`` (raison
    d'écarter chaque ligne, la première relevée)."""

    def __init__(self, nom: str, lignes: pd.Series):
        self.nom = nom
        self.lignes = lignes
        self.erreurs: list[ErreurDonnees] = []
        self.constats: list[dict] = []
        self.morceaux: list[pd.DataFrame] = []
        self.motif = pd.Series("", index=lignes.index, dtype=object)

    def err(self, message, ligne=None, colonne=None) -> None:
        self.erreurs.append(ErreurDonnees(message, fichier=self.nom, ligne=ligne, colonne=colonne))

    def lever(self) -> None:
        if self.erreurs:
            raise ErreursNettoyage(self.erreurs)

    def constat(self, ligne, colonne, valeur, regle, traitement) -> None:
        self.constats.append(
            {"ligne": ligne, "colonne": colonne, "valeur": valeur, "regle": regle, "traitement": traitement}
        )

    def ecarter(self, masque: pd.Series, raisons) -> None:
        """Écarte les lignes de ``masque`` (la première raison relevée l'emporte)."""
        libres = masque & self.motif.eq("")
        if libres.any():
            self.motif[libres] = raisons[libres] if isinstance(raisons, pd.Series) else raisons

    def constat_masque(self, masque: pd.Series, colonne: str, valeurs: pd.Series, regle: str, traitement) -> None:
        if masque.any():
            self.morceaux.append(
                pd.DataFrame(
                    {
                        "ligne": self.lignes[masque].astype("int64").to_numpy(),
                        "colonne": colonne,
                        "valeur": valeurs[masque].to_numpy(),
                        "regle": regle,
                        "traitement": traitement[masque].to_numpy()
                        if isinstance(traitement, pd.Series)
                        else traitement,
                    }
                )
            )
