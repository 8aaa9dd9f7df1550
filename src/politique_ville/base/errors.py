"""Erreurs du projet : messages en français, nommant fichier, ligne et colonne."""

from __future__ import annotations

import re


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


# --------------------------------------------------------------------------------------------- écritures impossibles
#: erreurs du système qui veulent dire « on ne peut pas écrire ici » : disque plein, quota, lecture seule, droits
ERRNOS_ECRITURE = {28: "ENOSPC", 122: "EDQUOT", 30: "EROFS", 13: "EACCES", 1: "EPERM"}


def errno_ecriture(exc: BaseException) -> tuple[int, str | None] | None:
    """Si ``exc`` est une écriture impossible (disque plein, quota, lecture seule, droits) — levée ici ou, dans un
    notebook, rapportée par papermill ou nbclient (``ename``, ``evalue``) —, son numéro d'erreur et le chemin en
    cause quand il est connu ; sinon ``None``."""

    vus = set()
    while exc is not None and id(exc) not in vus:
        vus.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in ERRNOS_ECRITURE:
            return exc.errno, exc.filename if isinstance(exc.filename, str) else None
        texte = f"{getattr(exc, 'ename', '')} {getattr(exc, 'evalue', '')}" if hasattr(exc, "evalue") else ""
        if texte:
            m = re.search(r"\[errno (\d+)\]", texte, flags=re.I)
            numero = int(m.group(1)) if m else (28 if "No space left on device" in texte else None)
            if numero in ERRNOS_ECRITURE:
                chemin = re.search(r"\[errno \d+\][^']*'([^']+)'", texte, flags=re.I)
                return numero, chemin.group(1) if chemin else None
        exc = exc.__cause__ or exc.__context__
    return None


def mo(octets: float) -> str:
    """Une taille en mégaoctets, à la française (« 12,4 Mo »)."""
    if octets < 1e5:
        return f"{octets / 1e3:.0f} ko"
    return f"{octets / 1e6:.1f} Mo".replace(".", ",")


def message_ecriture(numero: int, dossier, manque: float | None = None) -> str:
    """Ce qui empêche d'écrire dans ``dossier``, en français : « disque plein dans … : il manque environ N Mo »,
    « dossier en lecture seule : … », « droits insuffisants pour écrire dans … »."""
    if numero in (28, 122):
        quoi = "disque plein" if numero == 28 else "quota de disque atteint"
        return f"{quoi} dans {dossier}" + (f" : il manque environ {mo(manque)}" if manque else "")
    if numero == 30:
        return f"dossier en lecture seule : {dossier} (système de fichiers monté en lecture seule)"
    return f"droits insuffisants pour écrire dans {dossier}"
