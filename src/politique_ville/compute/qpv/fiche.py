"""La fiche d'un quartier : identité (:func:`fiche_identite`), indicateurs de taux
(:func:`fiche_indicateurs`), tous les indicateurs par thème (:func:`fiche_par_theme`), effectifs
(:func:`fiche_effectifs`). Ce qu'elle lit de tous les QPV (rangs, niveau des QPV, totaux, valeurs numériques) est
calculé une fois pour les mêmes tables (:mod:`politique_ville.base.memo`) ; seul le travail propre au quartier est
refait à chaque fiche."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from politique_ville.base import memo
from politique_ville.reference.indicateurs import CONTEXTE

from .agregation import niveaux_indicateurs, valeur_qpv, valeurs
from .commun import NIVEAU_AGGLO, NIVEAU_QPV_DEPARTEMENT, _communes_par_quartier, _qpv
from .manquantes import marque_manquante, motifs, provenance_valeur, provenances
from .metadonnees import indicateur, indicateurs
from .palmares import rangs, rangs_orientes, sens_du_rang
from .par_theme import indicateurs_par_theme
from .references import valeur_reference
from .territoire import quartiers


@memo.une_fois
def _rangs_territoire(qpv: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Ce qu'une fiche quartier lit de tous les QPV, calculé une fois pour les mêmes tables (:mod:`politique_ville.base.memo`)
    : (rangs, par indicateur). ``rangs`` : une ligne par QPV (ordre de la table), ``code_qp``, puis pour chaque
    indicateur du registre présent dans ``qpv`` son rang (:func:`rangs`, colonne ``<code>``) et son rang orienté
    (:func:`rangs_orientes`, colonne ``oriente:<code>``). Par indicateur (lecture seule) : (nombre de QPV classés,
    niveau « QPV du territoire » pour un taux (:func:`valeur_qpv`, NaN sinon), total des QPV pour un effectif (NaN sinon))."""
    q = _qpv(qpv)
    colonnes: dict = {"code_qp": q["code_qp"].array}
    par_code = {}
    for i in indicateurs(qpv=qpv):
        x = valeurs(q, i.code)
        if i.genre != CONTEXTE:  # une variable de contexte n'est jamais classée
            colonnes[i.code] = rangs(x, i.decimales).array
            colonnes[f"oriente:{i.code}"] = rangs_orientes(x, i.code).array
        par_code[i.code] = (
            int(x.notna().sum()),
            valeur_qpv(qpv, i.code) if i.genre == "taux" else math.nan,
            float(pd.to_numeric(q[i.code], errors="coerce").sum()) if i.genre == "effectif" else math.nan,
        )
    return pd.DataFrame(colonnes), memo.lecture_seule(par_code)


@memo.une_fois
def _nombres_territoire(qpv: pd.DataFrame) -> pd.DataFrame:
    """Valeur numérique (float64, NaN si absente ou illisible ; revenu annuel, avant division) de chaque indicateur
    du registre présent dans ``qpv``, pour chaque ligne de ``qpv`` (même ordre) : lue une fois pour toutes les
    fiches (:mod:`politique_ville.base.memo`)."""
    return pd.DataFrame(
        {i.code: pd.to_numeric(qpv[i.code], errors="coerce").astype("float64").to_numpy() for i in indicateurs(qpv=qpv)}
    )


def _nombres_du_quartier(qpv: pd.DataFrame, code_qp: str) -> pd.Series:
    """Les valeurs numériques (:func:`_nombres_territoire`) de la première ligne du quartier dans ``qpv``."""
    position = np.flatnonzero(qpv["code_qp"].to_numpy() == code_qp)[0]
    return _nombres_territoire(qpv).iloc[position]


def _position(rangs_: pd.DataFrame, code_qp: str) -> int | None:
    """Position du quartier (première ligne de son code) dans les rangs de :func:`_rangs_territoire` ; None s'il
    n'est pas un QPV."""
    positions = np.flatnonzero(rangs_["code_qp"].to_numpy() == code_qp)
    return int(positions[0]) if len(positions) else None


def fiche_identite(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, code_qp: str) -> dict:
    """Nom affiché, type, communes, population, année de reconnaissance d'un quartier ; ``couvert_insee`` faux si
    l'INSEE ne publie aucune donnée pour lui. Erreur claire si le code est inconnu."""
    q = quartiers(qpv, qpv_communes)
    ligne = q[q["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} » : codes disponibles {', '.join(q['code_qp'])}")
    lg = ligne.iloc[0]
    brut = qpv[qpv["code_qp"] == code_qp].iloc[0]
    couvert = any(pd.notna(brut[i.code]) for i in indicateurs(qpv=qpv))
    communes = list(_communes_par_quartier(qpv_communes).get(code_qp, ()))
    return {
        "code_qp": code_qp,
        "quartier": lg["quartier"],
        "type_quartier": lg["type_quartier"],
        "type_libelle": lg["type_libelle"],
        "communes": communes,
        "annee_reconnaissance": lg["annee_reconnaissance"],
        "pop_mun": math.nan if pd.isna(lg["pop_mun"]) else float(lg["pop_mun"]),
        "est_qpv": bool(lg["est_qpv"]),
        "couvert_insee": couvert,
        "nom_publie": isinstance(brut["nom_qp"], str) and bool(brut["nom_qp"].strip()),
    }


def fiche_indicateurs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque indicateur de taux : sa valeur (ou « secret » / « n.d. »), son rang parmi les QPV
    (« x sur n »), la moyenne des QPV (recalculée), l'agglomération et les QPV du département (NaN = non publié),
    la provenance de sa valeur."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    tous, par_code = _rangs_territoire(qpv)  # calculés une fois pour toutes les fiches (memo)
    position = _position(tous, code_qp)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for i in indicateurs("taux", qpv):
        v = float(nombres[i.code] / i.diviseur)
        rang = tous[f"oriente:{i.code}"].iloc[position] if position is not None else pd.NA  # 1 = le plus défavorable
        lignes.append(
            {
                "code": i.code,
                "theme": i.theme,
                "indicateur": i.libelle,
                "unite": i.unite,
                "valeur": v if not math.isnan(v) else marque_manquante(mot.get((code_qp, i.code))),
                "rang": rang if not pd.isna(rang) else pd.NA,
                "nb_classes": par_code[i.code][0],
                "qpv_territoire": par_code[i.code][1],
                "agglomeration": valeur_reference(
                    references, NIVEAU_AGGLO, i.colonne_reference(NIVEAU_AGGLO), i.diviseur
                ),
                "qpv_departement": valeur_reference(
                    references, NIVEAU_QPV_DEPARTEMENT, i.colonne_reference(NIVEAU_QPV_DEPARTEMENT), i.diviseur
                ),
                "provenance": provenance_valeur(prov, code_qp, i.code, v),
            }
        )
    df = pd.DataFrame(lignes)
    df["rang"] = df["rang"].astype("Int64")
    return df


def fiche_par_theme(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    niveaux: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque indicateur du fichier, groupé par thème du registre (ordre des thèmes puis du
    registre) : ``theme``, ``code``, ``indicateur``, ``unite``, ``genre``, ``valeur`` (ou « secret » / « n.d. »),
    ``rang`` orienté (rang 1 = situation la plus défavorable, :func:`rangs_orientes`), ``nb_classes``, ``sens``
    (:func:`sens_du_rang`), ``provenance`` ; puis, pour chaque niveau de comparaison (:func:`niveaux_indicateurs`),
    une colonne à son nom (valeur du niveau, NaN s'il ne l'a pas), ``ecart:<niveau>`` (écart du quartier, pour un
    taux seulement), ``origine:<niveau>``, ``minimum:<niveau>`` et ``maximum:<niveau>`` (étendue des valeurs des QPV
    du niveau, pour une médiane des QPV)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    niveaux_ind = niveaux_indicateurs(qpv, references, niveaux, provenance)
    ordre = list(dict.fromkeys(niveaux_ind["niveau"]))
    niveaux_par_code: dict[str, dict] = {}  # code -> niveau -> ligne de niveaux_ind
    for enr in niveaux_ind.to_dict("records"):
        niveaux_par_code.setdefault(enr["code"], {}).setdefault(enr["niveau"], enr)
    tous, par_code = _rangs_territoire(qpv)  # calculés une fois pour toutes les fiches (memo)
    position = _position(tous, code_qp)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for theme, codes in indicateurs_par_theme(qpv).items():
        for code in codes:
            i = indicateur(code)
            v = float(nombres[code] / i.diviseur)
            rang = tous[f"oriente:{code}"].iloc[position] if position is not None and i.genre != CONTEXTE else pd.NA
            refs = niveaux_par_code.get(code, {})
            sortie = {
                "theme": theme,
                "code": code,
                "indicateur": i.libelle,
                "unite": i.unite,
                "genre": i.genre,
                "valeur": v if not math.isnan(v) else marque_manquante(mot.get((code_qp, code))),
                "rang": rang if not pd.isna(rang) else pd.NA,
                "nb_classes": par_code[code][0] if i.genre != CONTEXTE else 0,
                "sens": sens_du_rang(code),
                "provenance": provenance_valeur(prov, code_qp, code, v),
            }
            for niveau in ordre:
                r = refs.get(niveau, {})
                ref = float(r.get("valeur", math.nan))
                sortie |= {
                    niveau: ref,
                    f"ecart:{niveau}": v - ref if i.genre == "taux" else math.nan,
                    f"origine:{niveau}": r.get("origine"),
                    f"minimum:{niveau}": r.get("minimum", math.nan),
                    f"maximum:{niveau}": r.get("maximum", math.nan),
                }
            lignes.append(sortie)
    df = pd.DataFrame(
        lignes,
        columns=[
            "theme",
            "code",
            "indicateur",
            "unite",
            "genre",
            "valeur",
            "rang",
            "nb_classes",
            "sens",
            "provenance",
            *[c for n in ordre for c in (n, f"ecart:{n}", f"origine:{n}", f"minimum:{n}", f"maximum:{n}")],
        ],
    )
    df["rang"] = df["rang"].astype("Int64")
    return df


def fiche_effectifs(
    qpv: pd.DataFrame,
    references: pd.DataFrame | None,
    code_qp: str,
    provenance: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Un quartier sur chaque effectif : valeur, part de l'agglomération (%), part de l'ensemble des QPV (%)."""
    ligne = qpv[qpv["code_qp"] == code_qp]
    if ligne.empty:
        raise KeyError(f"quartier inconnu « {code_qp} »")
    mot, prov = motifs(manquantes), provenances(provenance)
    _, par_code = _rangs_territoire(qpv)  # totaux des QPV calculés une fois pour toutes les fiches (memo)
    nombres = _nombres_du_quartier(qpv, code_qp)
    lignes = []
    for i in indicateurs("effectif", qpv):
        v = nombres[i.code]
        total_qpv = par_code[i.code][2]
        agglo = valeur_reference(references, NIVEAU_AGGLO, i.code)
        lignes.append(
            {
                "code": i.code,
                "indicateur": i.libelle,
                "unite": i.unite,
                "valeur": float(v) if not math.isnan(v) else marque_manquante(mot.get((code_qp, i.code))),
                "part_qpv": v / total_qpv * 100 if total_qpv else math.nan,
                "part_agglomeration": v / agglo * 100 if agglo and not math.isnan(agglo) else math.nan,
                "provenance": provenance_valeur(prov, code_qp, i.code, v),
            }
        )
    return pd.DataFrame(lignes)
