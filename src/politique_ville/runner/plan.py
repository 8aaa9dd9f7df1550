"""Le plan d'une exécution : le statut de chaque étape avant qu'elle ne commence.

Une étape est ignorée (table brute requise absente, aucune des entrées dont il faut au moins une, pas d'année
antérieure utilisable pour un chapitre qui les compare), réutilisée (même clé que le manifeste, sorties présentes,
tables publiées intactes), non demandée (hors de ``--chapitres``) ou à exécuter. :class:`Planification` est une part
de :class:`run.Execution` : elle lit ses ``cat``, ``params``, ``force``, ``final``, ``fournies``, ``entrees`` et
``etapes``.
"""

from __future__ import annotations

from pathlib import Path

from politique_ville.reference import historique
from politique_ville.reference.etapes import SANS_ANTERIEURE, Groupe

from .steps import Etape, Statut

HORS_SELECTION = "hors de la sélection --chapitres"


class Planification:
    """Le plan des étapes d'une exécution (voir le module)."""

    def _planifier(self, etapes: list[Etape], tables_dir: Path | None, ancien: dict, precedent: dict):
        for e in etapes:
            manquantes = [t for t in e.decl.requises if t not in self.fournies]
            if manquantes:
                e.statut, e.detail = Statut.IGNOREE, f"entrées manquantes : {', '.join(manquantes)}"
                continue
            if e.decl.au_moins_un and not any(self._present(x) for x in e.decl.au_moins_un):
                e.statut, e.detail = Statut.IGNOREE, e.decl.raison_sans
                continue
            if e.decl.anterieures and e.groupe == Groupe.CHAPITRE and not self.entrees.anterieures:
                ecartees = "; ".join(
                    f"{a} : {r}" if r.startswith(historique.AUTRE_TERRITOIRE) else f"{a} écartée : {r}"
                    for a, r in sorted(self.entrees.ecartees.items())
                )
                e.statut, e.detail = Statut.IGNOREE, SANS_ANTERIEURE + (f" utilisable ({ecartees})" if ecartees else "")
                continue
            e.cle = self.entrees.cle(e.decl, e.notebook, tables_dir)
            a = ancien.get(e.nom, {})
            if a.get("cle") == e.cle and self._sorties_presentes(a) and self._tables_intactes(e, a):
                e.statut, e.tables = Statut.REUTILISEE, dict(a.get("tables", {}))
            elif not e.demandee:
                e.statut, e.detail = (
                    Statut.NON_DEMANDEE,
                    HORS_SELECTION
                    + (
                        ""
                        if e.nom not in precedent
                        else " ; version précédente retirée (--force)"
                        if self.force
                        else " ; version précédente retirée : ses entrées ont changé"
                    ),
                )
            else:
                e.statut = Statut.A_EXECUTER

    def _present(self, entree: str) -> bool:
        """Une entrée de ``Declaration.au_moins_un`` est-elle là : « referentiel:<fichier> » dans le dossier des
        référentiels du territoire, « parametre:<nom> » non vide dans les paramètres de l'année ?"""
        genre, _, nom = entree.partition(":")
        if genre == "referentiel":
            return (self.cat.reference_dir / nom.format(annee=self.cat.annee)).is_file()
        return bool(self.params.get(nom))

    def _sorties_presentes(self, ancien: dict) -> bool:
        return bool(ancien.get("sorties")) and all((self.final / rel).exists() for rel in ancien["sorties"])

    def _tables_intactes(self, e: Etape, ancien: dict) -> bool:
        """Un nettoyage n'est réutilisé que si les tables publiées sont encore celles qu'il a produites (une
        exécution d'essai ou une retouche à la main a pu les remplacer)."""
        if not e.decl.produit:
            return True
        if self.entrees.tables_produites(e.decl, self.cat.processed_dir) == ancien.get("tables"):
            return True
        self.sortie(
            f"Les tables nettoyées de {self.cat.processed_dir} ne sont plus celles de ce rapport (remplacées "
            f"ou modifiées depuis) : la préparation est refaite ({e.nom})."
        )
        return False

    def _a(self, statut: Statut, groupe: Groupe | None = None, etapes=None) -> list[Etape]:
        return [
            e
            for e in (self.etapes if etapes is None else etapes)
            if e.statut == statut and (groupe is None or e.groupe == groupe)
        ]
