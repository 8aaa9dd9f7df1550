"""Le registre des chiffres publiés d'une année (``chiffres_publies_<annee>.csv``) et de leurs écarts documentés
(``ecarts_documentes_<annee>.csv``) : lecture, recherche d'un chiffre par son expression, confrontation d'une table
recalculée."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from politique_ville.base.catalog import lire_table
from politique_ville.base.errors import ErreurCalcul
from politique_ville.base.valeurs import decimales_du_texte
from politique_ville.published.chiffres.langage import analyser, calcul, normaliser
from politique_ville.published.chiffres.statuts import Statut, _rempli, comparer

COLONNES_CHIFFRES = [
    "id",
    "section",
    "libelle",
    "valeur",
    "unite",
    "tolerance",
    "citation",
    "calcul",
    "nature",
    "derive",
]
COLONNES_ECARTS = ["id", "explication"]


@dataclass(frozen=True)
class ChiffrePublie:
    id: str
    section: str
    libelle: str
    valeur_texte: str
    unite: str = ""
    tolerance: str = ""
    citation: str = ""
    calcul: str = ""
    nature: str = ""
    derive: bool = False
    explication: str = ""  # écart documenté ; vide sinon

    @property
    def valeur(self) -> float:
        return float(self.valeur_texte)

    @property
    def decimales(self) -> int:
        return decimales_du_texte(self.valeur_texte)

    @property
    def approximatif(self) -> bool:
        return _rempli(self.tolerance)

    @property
    def documente(self) -> bool:
        return bool(self.explication)

    def comparer(self, recalculee: float | None) -> Statut:
        return comparer(self.valeur_texte, recalculee, self.tolerance, self.documente)


def _str(v) -> str:
    return str(v).strip() if _rempli(v) else ""


class Registre:
    """Les chiffres publiés d'une année et leurs écarts documentés."""

    def __init__(self, chiffres: list[ChiffrePublie]):
        self._chiffres = list(chiffres)
        self._par_id = {c.id: c for c in self._chiffres}
        self._normes: dict[str, str] = {}
        for c in self._chiffres:
            try:
                self._normes[c.id] = normaliser(c.calcul)
            except ErreurCalcul:
                self._normes[c.id] = ""  # expression invalide : l'évaluation le dira, la recherche l'ignore

    # ---- construction
    @classmethod
    def depuis_tables(cls, chiffres: pd.DataFrame | None, ecarts: pd.DataFrame | None = None) -> Registre:
        if chiffres is None or len(chiffres) == 0:
            return cls([])
        expl = {}
        if ecarts is not None and len(ecarts):
            expl = {str(i): _str(e) for i, e in zip(ecarts["id"], ecarts["explication"])}
        out = []
        for _, r in chiffres.iterrows():
            id_ = str(r["id"])
            out.append(
                ChiffrePublie(
                    id=id_,
                    section=_str(r.get("section")),
                    libelle=_str(r.get("libelle")),
                    valeur_texte=_str(r.get("valeur")),
                    unite=_str(r.get("unite")),
                    tolerance=_str(r.get("tolerance")),
                    citation=_str(r.get("citation")),
                    calcul=_str(r.get("calcul")),
                    nature=_str(r.get("nature")),
                    derive=_str(r.get("derive")).lower() in ("oui", "vrai", "true", "1"),
                    explication=expl.get(id_, ""),
                )
            )
        return cls(out)

    @classmethod
    def charger(cls, reference_dir: Path, annee: int) -> Registre:
        return cls.depuis_tables(*charger_tables(reference_dir, annee))

    # ---- lecture
    def __len__(self) -> int:
        return len(self._chiffres)

    def __iter__(self) -> Iterator[ChiffrePublie]:
        return iter(self._chiffres)

    def get(self, id_: str) -> ChiffrePublie | None:
        return self._par_id.get(id_)

    def chercher(
        self,
        calcul_: str | None = None,
        *,
        section: str | None = None,
        fonction: str | None = None,
        table: str | None = None,
        colonne: str | None = None,
        **filtres,
    ) -> list[ChiffrePublie]:
        """Les chiffres publiés (ordre du registre) dont l'expression est ``calcul_`` (forme normalisée) ou, sans
        ``calcul_``, un appel unique de ``fonction`` sur ``table`` (et ``colonne``) avec exactement ces
        ``filtres``. ``section`` : seulement cette section du rapport et ses sous-sections (« 2 » : 2.1, 2.4.3…)."""
        if calcul_ is not None:
            cible = normaliser(calcul_)
            if not cible:
                return []
            choisis = [c for c in self._chiffres if self._normes[c.id] == cible]
        else:
            if fonction is None or table is None:
                raise ValueError("chercher() attend une expression, ou au moins une fonction et une table")
            voulus = normaliser(calcul("nombre", "_", **filtres))
            choisis = []
            for c in self._chiffres:
                a = analyser(c.calcul)
                if a is None or a.fonction != fonction or a.table != table:
                    continue
                if colonne is not None and a.colonne != colonne:
                    continue
                if normaliser(calcul("nombre", "_", **a.filtres)) == voulus:
                    choisis.append(c)
        if section is not None:
            s = str(section)
            choisis = [c for c in choisis if c.section == s or c.section.startswith(s + ".")]
        return choisis

    def premier(self, calcul_: str, section: str | None = None) -> ChiffrePublie | None:
        """Le premier chiffre publié de cette expression (ordre du registre), ou ``None``."""
        trouves = self.chercher(calcul_, section=section)
        return trouves[0] if trouves else None

    # ---- comparaison
    def confronter(self, recalcules: pd.DataFrame) -> pd.DataFrame:
        """Chaque ligne recalculée à côté du ou des chiffres publiés de même expression.

        ``recalcules`` : colonnes ``valeur_recalculee`` et ``calcul`` (expression du langage ; ``section``
        facultative, pour ne chercher que dans cette section du rapport), ou, à défaut, ``id`` (identifiant du
        registre, fourni par l'appelant). Une ligne sans chiffre publié est gardée, statut « non publié » ; une
        ligne dont la quantité est publiée plusieurs fois est répétée, une fois par chiffre publié, avec le libellé
        du chiffre publié. Ajoute ``id``, ``valeur_publiee``, ``unite``, ``ecart`` (recalculée − publiée),
        ``statut``, ``explication`` (de l'écart documenté, vide si identique), ``nature``."""
        lignes = []
        par_calcul = "calcul" in recalcules.columns
        for _, r in recalcules.iterrows():
            if par_calcul:
                section = _str(r.get("section")) or None if "section" in recalcules.columns else None
                trouves = self.chercher(_str(r["calcul"]), section=section) if _str(r["calcul"]) else []
            else:
                c = self.get(_str(r.get("id")))
                trouves = [c] if c is not None else []
            recalc = pd.to_numeric(pd.Series([r["valeur_recalculee"]]), errors="coerce").iloc[0]
            recalc = None if pd.isna(recalc) else float(recalc)
            if not trouves:
                lignes.append(
                    {
                        **r.to_dict(),
                        "id": "" if par_calcul else r.get("id", ""),
                        "valeur_publiee": math.nan,
                        "unite": "",
                        "statut": str(Statut.NON_PUBLIE),
                        "explication": "",
                        "nature": "",
                    }
                )
                continue
            for c in trouves:
                statut = (
                    c.comparer(recalc)
                    if recalc is not None
                    else (Statut.ECART_DOCUMENTE if c.documente else Statut.ECART_NON_EXPLIQUE)
                )
                ligne = {
                    **r.to_dict(),
                    "id": c.id,
                    "valeur_publiee": c.valeur,
                    "unite": c.unite,
                    "statut": str(statut),
                    "explication": "" if statut == Statut.IDENTIQUE else c.explication,
                    "nature": c.nature,
                }
                if len(trouves) > 1 and "libelle" in ligne:
                    ligne["libelle"] = c.libelle
                lignes.append(ligne)
        ajoutees = ["id", "valeur_publiee", "unite", "ecart", "statut", "explication", "nature"]
        colonnes = list(recalcules.columns) + [c for c in ajoutees if c not in recalcules.columns]
        sortie = pd.DataFrame(lignes, columns=[c for c in colonnes if c != "ecart"])
        sortie["valeur_publiee"] = sortie["valeur_publiee"].astype(float)
        sortie["ecart"] = pd.to_numeric(sortie["valeur_recalculee"], errors="coerce") - sortie["valeur_publiee"]
        return sortie[colonnes].reset_index(drop=True)


def charger_tables(reference_dir: Path, annee: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Les tables ``chiffres_publies_<annee>.csv`` et ``ecarts_documentes_<annee>.csv`` du dossier des référentiels
    (tables vides, colonnes comprises, pour une année sans rapport publié)."""
    ref = Path(reference_dir)
    chemin = ref / f"chiffres_publies_{annee}.csv"
    if not chemin.is_file():
        return pd.DataFrame(columns=COLONNES_CHIFFRES), pd.DataFrame(columns=COLONNES_ECARTS)
    chiffres = lire_table(chemin)
    for c in ("nature", "derive"):
        if c not in chiffres.columns:
            chiffres[c] = ""
    chemin_ecarts = ref / f"ecarts_documentes_{annee}.csv"
    ecarts = lire_table(chemin_ecarts) if chemin_ecarts.is_file() else pd.DataFrame(columns=COLONNES_ECARTS)
    return chiffres, ecarts
