"""Tous les indicateurs du fichier, par thème du registre : indicateurs de chaque thème, colonnes que
le registre ne connaît pas, :class:`Theme` (valeurs, rangs orientés, niveaux, écarts de chaque QPV à chaque niveau) et
:func:`themes`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from politique_ville.reference.indicateurs import CONTEXTE, colonnes_non_reconnues
from politique_ville.reference.indicateurs import THEMES as THEMES_REGISTRE

from .agregation import niveaux_indicateurs, valeurs
from .commun import _qpv, nom_quartier
from .manquantes import marque_manquante, motifs
from .metadonnees import INDICATEURS, indicateur
from .palmares import rangs_orientes
from .par_quartier import valeurs_par_quartier


def indicateurs_par_theme(qpv: pd.DataFrame) -> dict[str, list[str]]:
    """Thème du registre -> codes des indicateurs présents dans ``qpv`` (ordre du registre) ; les six thèmes dans
    leur ordre, sans ceux dont aucun indicateur n'est dans le fichier."""
    sortie: dict[str, list[str]] = {}
    for theme in THEMES_REGISTRE:
        codes = [i.code for i in INDICATEURS if i.theme_registre == theme and i.code in qpv.columns]
        if codes:
            sortie[theme] = codes
    return sortie


def colonnes_inconnues(qpv: pd.DataFrame) -> list[str]:
    """Colonnes de ``insee_qpv`` que le registre des indicateurs ne connaît pas (gardées, à lister)."""
    return colonnes_non_reconnues(list(qpv.columns))


def valeurs_inconnues(qpv: pd.DataFrame, code_qp: str) -> dict:
    """Colonne non reconnue -> valeur du quartier, telle quelle (fiche quartier)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    return {} if ligne.empty else {c: ligne[c].iloc[0] for c in colonnes_inconnues(qpv)}


@dataclass(frozen=True, eq=False)
class Theme:
    """Les indicateurs d'un thème du registre présents dans le fichier (voir :func:`themes`)."""

    nom: str
    codes: list[str]
    valeurs: pd.DataFrame  # code_qp, quartier, une colonne par code (nombre, ou « secret » / « n.d. »)
    rangs: pd.DataFrame  # code_qp, quartier, une colonne par code (rang orienté, ou « secret » / « n.d. »)
    niveaux: pd.DataFrame  # niveaux_indicateurs des codes du thème
    ecarts: pd.DataFrame  # code_qp, quartier, code, valeur, une colonne par niveau (écart, NaN sans valeur)

    @property
    def taux(self) -> list[str]:
        return [c for c in self.codes if indicateur(c).genre == "taux"]

    @property
    def classes(self) -> list[str]:
        """Les indicateurs classés (tous sauf les variables de contexte)."""
        return [c for c in self.codes if indicateur(c).genre != CONTEXTE]


def ecarts_aux_niveaux(qpv: pd.DataFrame, niveaux_ind: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Écart de chaque QPV à chaque niveau de comparaison (valeur − niveau, unité affichée), pour les indicateurs
    de taux de ``codes`` (un effectif ne se compare pas par écart : voir la part des QPV) ; une ligne par QPV et
    indicateur, une colonne par niveau ; NaN si la valeur du quartier (secret) ou le niveau manque."""
    q = _qpv(qpv)
    taux = [c for c in codes if indicateur(c).genre == "taux"]
    sel = niveaux_ind[niveaux_ind["code"].isin(taux)]
    ordre = list(dict.fromkeys(sel["niveau"]))
    # colonne par colonne (une ligne par QPV et indicateur), sans un dictionnaire par ligne
    codes_qp = q["code_qp"].tolist()
    noms = [nom_quartier(c, n) for c, n in zip(codes_qp, q["nom_qp"])]
    references = {}
    for code, niveau, valeur in zip(sel["code"], sel["niveau"], sel["valeur"]):
        references.setdefault(code, {})[niveau] = valeur  # la dernière valeur d'un niveau, comme un dict(zip(...))
    colonnes: dict = {"code_qp": [], "quartier": [], "code": [], "valeur": [], **{niveau: [] for niveau in ordre}}
    for code in taux:
        x = valeurs(q, code).tolist()
        refs = references.get(code, {})
        colonnes["code_qp"] += codes_qp
        colonnes["quartier"] += noms
        colonnes["code"] += [code] * len(x)
        colonnes["valeur"] += x
        for niveau in ordre:
            r = refs.get(niveau, math.nan)
            colonnes[niveau] += [v - r for v in x]
    return pd.DataFrame(colonnes, columns=["code_qp", "quartier", "code", "valeur", *ordre])


def themes(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    niveaux: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
) -> list[Theme]:
    """Tous les indicateurs du fichier, groupés par thème du registre (:func:`indicateurs_par_theme`) : valeurs
    par QPV (cases vides marquées), rangs orientés (:func:`rangs_orientes`), niveaux de comparaison
    (:func:`niveaux_indicateurs`) et écarts à chacun (:func:`ecarts_aux_niveaux`)."""
    q = _qpv(qpv)
    mot = motifs(manquantes)
    niveaux_ind = niveaux_indicateurs(qpv, references, niveaux, provenance)
    codes_qp = q["code_qp"].tolist()
    quartiers = [nom_quartier(c, n) for c, n in zip(codes_qp, q["nom_qp"])]
    sortie = []
    for nom, codes in indicateurs_par_theme(qpv).items():
        colonnes = {"code_qp": q["code_qp"].values, "quartier": quartiers}
        for c in codes:
            if indicateur(c).genre == CONTEXTE:  # variable de contexte : montrée, jamais classée
                continue
            r = rangs_orientes(valeurs(q, c), c)
            colonnes[c] = pd.Series(
                [marque_manquante(mot.get((k, c))) if pd.isna(x) else int(x) for k, x in zip(codes_qp, r)],
                dtype="object",
            ).values
        sortie.append(
            Theme(
                nom,
                codes,
                valeurs_par_quartier(qpv, manquantes, codes),
                pd.DataFrame(colonnes),
                niveaux_ind[niveaux_ind["code"].isin(codes)].reset_index(drop=True),
                ecarts_aux_niveaux(qpv, niveaux_ind, codes),
            )
        )
    return sortie
