"""Erreurs du projet : messages en français, nommant fichier, ligne et colonne."""

from __future__ import annotations


class ErreurDonnees(Exception):
    """Une donnée d'entrée est invalide ; le message dit où (fichier, ligne, colonne)."""

    def __init__(
        self, message: str, *, fichier: str | None = None, ligne: int | None = None, colonne: str | None = None
    ):
        self.fichier = fichier
        self.ligne = ligne
        self.colonne = colonne
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lieu = []
        if self.fichier:
            lieu.append(f"fichier « {self.fichier} »")
        if self.ligne is not None:
            lieu.append(f"ligne {self.ligne}")
        if self.colonne:
            lieu.append(f"colonne « {self.colonne} »")
        prefixe = (", ".join(lieu) + " : ") if lieu else ""
        return prefixe + self.message


class ErreurCalcul(Exception):
    """Une expression de recalcul d'un chiffre publié est invalide ou inévaluable."""


class EchecExecution(RuntimeError):
    """L'exécution du rapport ne peut pas continuer (paramètres invalides, étape en échec…) ; message en français."""
