"""Erreurs du nettoyage : toutes celles d'une table rassemblées dans un seul message (fichier, ligne, colonne)."""

from __future__ import annotations

from politique_ville.base.errors import ErreurDonnees

MAX_ERREURS = 20


class ErreursNettoyage(ErreurDonnees):
    """Plusieurs erreurs dans une table : le message les liste toutes (fichier, ligne, colonne)."""

    def __init__(self, erreurs: list[ErreurDonnees]):
        erreurs = sorted(erreurs, key=lambda e: (e.fichier or "", e.ligne or 0))
        self.erreurs = erreurs
        premiere = erreurs[0]
        super().__init__(premiere.message, fichier=premiere.fichier, ligne=premiere.ligne, colonne=premiere.colonne)

    def __str__(self) -> str:
        if len(self.erreurs) == 1:
            return str(self.erreurs[0])
        lignes = [f"{len(self.erreurs)} erreurs dans les données :"] + [f"  - {e}" for e in self.erreurs[:MAX_ERREURS]]
        if len(self.erreurs) > MAX_ERREURS:
            lignes.append(f"  … et {len(self.erreurs) - MAX_ERREURS} autres")
        return "\n".join(lignes)


class _Erreurs:
    def __init__(self, fichier: str):
        self.fichier = fichier
        self.liste: list[ErreurDonnees] = []

    def __call__(self, message, ligne=None, colonne=None):
        self.liste.append(ErreurDonnees(message, fichier=self.fichier, ligne=ligne, colonne=colonne))

    def lever(self):
        if self.liste:
            raise ErreursNettoyage(self.liste)
