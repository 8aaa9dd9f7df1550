"""Les briques des phrases du chapitre 10 : une valeur avec son unité et la marque de sa provenance (:func:`val`,
:func:`gras`, :func:`nombre`, :func:`part`), le chiffre publié rappelé (:func:`publie`), la comparaison au territoire
(:func:`contre`), les quartiers extrêmes (:func:`extreme`), les QPV exclus pour secret statistique
(:func:`exclus_secret`), la légende d'une section (:func:`avec_legende`) ; et les petits outils partagés par les autres
sous-modules (échappement HTML :func:`e`, valeur connue, listes « a, b et c »)."""

from __future__ import annotations

import html
import math

import pandas as pd

from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.formats import formater, majuscule_initiale, nombre_fr, pourcent
from politique_ville.reference import provenance as pv
from politique_ville.reference.designation import Designation

from .faits import Faits


def e(texte) -> str:
    """Échappe un texte pour le HTML (les apostrophes restent telles quelles : elles sont du texte)."""
    return html.escape(str(texte), quote=False)


def _connu(v) -> bool:
    try:
        return not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


_majuscule = majuscule_initiale


def _liste(elements) -> str:
    """« a », « a et b », « a, b et c »."""
    elements = list(elements)
    return elements[0] if len(elements) == 1 else ", ".join(elements[:-1]) + " et " + elements[-1]


# --------------------------------------------------------------------------------------------- briques


def source(f: Faits) -> str:
    """Ligne de source des figures."""
    return (
        f"INSEE et CAF (données par quartier), rapport {f.annee} ; valeurs par quartier reconstruites"
        if f.reconstruit
        else f"INSEE (données par quartier), {f.annee}"
    )


def note_reconstruit(f: Faits) -> str:
    """Rappel des valeurs reconstruites, sous les tableaux par quartier ; « » sans valeur reconstruite."""
    return (
        "Valeurs par quartier reconstruites, non publiées par le rapport (les quelques valeurs publiées sont "
        "marquées « publié » dans la colonne Provenance des tableaux par indicateur) : règle de reconstruction "
        "dans data/raw/README.md. Les moyennes des QPV concordent avec les chiffres publiés."
        if f.reconstruit
        else ""
    )


def si_reconstruit(f: Faits, texte: str) -> str:
    """Mention des valeurs reconstruites, seulement quand il y en a."""
    return texte if f.reconstruit else ""


def val(code: str, v, manquant: str = cq.NON_PUBLIE, provenance: str | None = None) -> str:
    """Valeur d'un indicateur dans une phrase, avec son unité (« 38,0 % », « 1 077 € par mois ») et la marque de sa
    provenance (« 38,0 %\\* » pour une valeur reconstruite ; rien pour une valeur publiée ou manquante)."""
    texte = formater(code, v, manquant)
    return pv.marquer(texte, provenance, markdown=True) if _connu(v) else texte


def gras(code: str, v, provenance: str | None = None) -> str:
    """Valeur en gras, marque hors du gras : « **38,0 %**\\* »."""
    return f"**{formater(code, v, cq.NON_PUBLIE)}**" + (pv.marque(provenance, markdown=True) if _connu(v) else "")


def nombre(v, provenance: str | None = None, decimales: int = 0) -> str:
    """Un nombre à la française avec la marque de sa provenance (« 36 299\\* »)."""
    return pv.marquer(nombre_fr(v, decimales), provenance, markdown=True) if _connu(v) else nombre_fr(v, decimales)


def part(v, provenance: str | None = None, decimales: int = 0) -> str:
    """Un pourcentage à la française avec la marque de sa provenance (« 19 %\\* »)."""
    return pv.marquer(pourcent(v, decimales), provenance, markdown=True) if _connu(v) else pourcent(v, decimales)


def avec_legende(paragraphes: list[str]) -> list[str]:
    """Les paragraphes d'une section, suivis de la légende des marques qu'ils emploient (une fois par section)."""
    paragraphes = [p for p in paragraphes if p]
    legende = pv.legende(paragraphes, markdown=True)
    return paragraphes + [legende] if legende else paragraphes


def parmi(f: Faits, code: str) -> str:
    """Préfixe d'un superlatif sur les quartiers : « » si toutes les valeurs comparées sont publiées, sinon
    « parmi les valeurs reconstruites, » (le rapport ne classe pas les quartiers : le classement vient de la
    reconstruction)."""
    return "" if f.p_qpv_tous(code) == pv.PUBLIE else "parmi les valeurs reconstruites, "


def publie(code: str, publies: dict, parentheses: bool = True) -> str:
    """« (chiffre publié : 38 %) » si le rapport publie ce chiffre, à sa précision ; « » sinon."""
    if code not in publies:
        return ""
    v, d = publies[code]
    i = cq.indicateur(code)
    if (i.genre == "effectif" and code not in ("abcde_f", "abcde_h")) or i.unite == "%":
        texte = f"chiffre publié : {pourcent(v, d)}"
    elif i.unite.startswith("€"):
        texte = f"chiffre publié : {nombre_fr(v, d)} €{i.unite[1:]}"
    else:
        texte = f"chiffre publié : {nombre_fr(v, d)}"
    return f" ({texte})" if parentheses else texte


def contre(code: str, v, d: Designation | None = None, lieu: str | None = None, manquant: str = "non publiée") -> str:
    """« , contre 28,3 % à l'échelle de l'agglomération », ou « (valeur de l'agglomération non publiée) » ; le
    territoire nommé par sa nature (``d``)."""
    d = d or Designation()
    return f", contre {val(code, v)} {lieu or d.a_l_echelle}" if _connu(v) else f" (valeur {d.de} {manquant})"


def _manquante(f: Faits) -> str:
    """« non publiée » (année d'un rapport publié) ou « non reçue »."""
    return "non publiée" if f.a_un_rapport else "non reçue"


def au_niveau_qpv(f: Faits, code: str) -> str:
    """Comment dire le niveau « QPV du territoire » d'un indicateur selon sa règle : « en moyenne » (moyenne
    pondérée), « dans l'ensemble des QPV » (part recalculée), « en médiane des QPV » (médiane, jamais moyennée)."""
    regle = f.synth.loc[code, "regle"] if code in f.synth.index else None
    if regle == cn.MEDIANE:
        return "en médiane des QPV"
    if regle == cn.CALCULE and cq.definition_registre(code).agregation == "part":
        return "dans l'ensemble des QPV"
    return "en moyenne"


def approx(provenance: pd.DataFrame | None, niveau: str, code: str) -> str:
    """Mention d'une valeur de comparaison que le rapport donne comme approximative ; « » sinon."""
    colonne = cq.indicateur(code).colonne_reference(niveau)
    return (
        " (valeur approximative : le rapport n'en donne qu'un ordre de grandeur)"
        if cq.provenance_reference(provenance, niveau, colonne) == "approximatif"
        else ""
    )


def extreme(f: Faits, code: str, sens: str) -> tuple[str, float]:
    """Le ou les QPV (ex aequo) de valeur la plus élevée (``sens`` = « maximum ») ou la plus faible, nommés avec
    leurs communes, et cette valeur ; (« aucun quartier », NaN) si aucune valeur n'est connue."""
    noms, v, _p = extreme_prov(f, code, sens)
    return noms, v


def extreme_prov(f: Faits, code: str, sens: str) -> tuple[str, float, str]:
    """:func:`extreme`, et la provenance de la valeur extrême (la moins sûre des ex aequo)."""
    x = cq.extremes(f.qpv, code, f.qpv_communes)
    x = x[x["sens"] == sens]
    if x.empty:
        return "aucun quartier", math.nan, pv.PUBLIE
    noms = " et ".join(f"{e(q)} ({e(c)})" for q, c in zip(x["quartier"], x["communes"]))
    prov = pv.combiner(f.p_qpv(c, code) for c in x["code_qp"]) if "code_qp" in x.columns else pv.PUBLIE
    return noms, float(x["valeur"].iloc[0]), prov


SECRET_SIMULE = (
    "secret statistique simulé pour éprouver la règle : le rapport ne publie pas cette valeur, ce n'est "
    "pas l'INSEE qui l'a masquée"
)


SECRETS_SIMULES = (
    "secret statistique simulé pour éprouver la règle : le rapport ne publie pas ces valeurs, ce n'est "
    "pas l'INSEE qui les a masquées"
)


def exclus_secret(n, suite: str = "de la moyenne et du classement", simules: int = 0) -> str:
    """« 1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne et du classement. »,
    au pluriel au-delà de 1 ; « » si aucun. ``simules`` : parmi les ``n``, cases vides qui SIMULENT le secret
    (provenance « simulé ») : elles sont dites simulées, jamais attribuées à l'INSEE."""
    if not n:
        return ""
    vrais = n - simules
    sortie = ""
    if vrais == 1:
        sortie += f"1 QPV dont la valeur est couverte par le secret statistique est exclu {suite}. "
    elif vrais > 1:
        sortie += f"{nombre_fr(vrais)} QPV dont la valeur est couverte par le secret statistique sont exclus {suite}. "
    if simules == 1:
        sortie += f"1 QPV dont la valeur est absente ({SECRET_SIMULE}) est exclu {suite}. "
    elif simules > 1:
        sortie += f"{nombre_fr(simules)} QPV dont la valeur est absente ({SECRETS_SIMULES}) sont exclus {suite}. "
    return sortie
