"""Évolutions d'une année à l'autre : indicateurs des quartiers et programmation, année par année.

Entrée de chaque fonction : ``annees``, un dictionnaire ``{annee: {table: DataFrame ou None}}`` des tables nettoyées
de chaque année disponible (l'année du rapport et les années antérieures ; ``None`` : table absente cette année-là).
Sortie : des DataFrame (valeurs numériques, jamais de texte à la française ni de phrase : voir
:mod:`politique_ville.narration.evolutions` et :mod:`politique_ville.present.evolutions`). Fonctions pures.

Règles :

- **une lacune reste une lacune** : une année absente (ou une table absente cette année-là) n'a pas de valeur ; rien
  n'est interpolé. L'évolution d'une année est calculée par rapport à l'année civile précédente seulement : si elle
  manque, l'évolution est manquante (« non disponible ») ;
- **évolution** : en points pour une part (unité « % »), en % pour un effectif, un montant, un indice ou un ratio ;
  sens (« hausse », « baisse », « stable ») décidé à la précision affichée : celle de l'indicateur (chapitre 10) pour
  les points, une décimale pour les % ; les valeurs sont arrondies à la précision de l'indicateur avant le calcul ;
- **une seule géographie prioritaire par série** : un quartier de la géographie 2015 (« QP… ») n'est jamais enchaîné
  à un quartier de la géographie 2024 (« QN… ») ; les niveaux qui dépendent du périmètre des QPV (moyenne et ensemble
  des QPV, QPV du département, agglomération hors QPV) forment une série par géographie ; seuls l'agglomération et le
  département sont suivis d'une géographie à l'autre. :func:`changements_geographie` dit où elle change ;
- **montants en euros courants** (non corrigés de l'inflation) ;
- **actions reconduites** (:func:`reconduites`) : même porteur (nom canonique du référentiel des porteurs) et même
  intitulé normalisé (:func:`intitule_normalise`) d'une année à la suivante ; les paires d'un même porteur dont les
  intitulés normalisés diffèrent mais se ressemblent (ratio de ``difflib.SequenceMatcher`` dans
  :data:`BANDE_DOUTEUSE`) sont listées comme douteuses, sans être comptées comme reconduites.

Les fonctions de :mod:`compute.qpv`, :mod:`compute.programmation` et :mod:`compute.contribution` sont réutilisées
telles quelles pour chaque année.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata

import pandas as pd

from .. import contribution as cc
from .. import programmation as cp
from .. import qpv as cq

# --------------------------------------------------------------------------------------------- constantes

#: Taux de pauvreté (variable ``tp60`` des chiffres clés QPV de l'INSEE) : celui du registre du chapitre 10 s'il y
#: est, sinon suivi ici en plus de ses indicateurs.
TAUX_PAUVRETE = next((i for i in cq.INDICATEURS if i.code == "tp60"), None) or cq.Indicateur(
    "tp60",
    "Taux de pauvreté (seuil de 60 % du revenu médian)",
    "Taux de pauvreté",
    "%",
    "taux",
    "Revenus",
    1,
    "pop_mun",
)
INDICATEURS = tuple(cq.INDICATEURS) + (() if TAUX_PAUVRETE in cq.INDICATEURS else (TAUX_PAUVRETE,))
_PAR_CODE = {i.code: i for i in INDICATEURS}

QUARTIER = "quartier"
NIVEAU = "niveau"
#: le niveau des QPV du territoire, année par année : la règle du registre (``compute.qpv.niveau_qpv``), jamais une
#: moyenne de médianes
NIVEAU_MOYENNE_QPV = cq.NIVEAU_QPV_TERRITOIRE
NIVEAU_ENSEMBLE_QPV = "Ensemble des QPV"
#: niveaux dont le périmètre ne dépend pas de la géographie prioritaire : suivis d'une géographie à l'autre
NIVEAUX_TERRITOIRE = (cq.NIVEAU_AGGLO, cq.NIVEAU_DEPARTEMENT)
#: niveaux de comparaison lus dans ``insee_references`` pour un taux (en plus de la moyenne recalculée)
NIVEAUX_TAUX = (cq.NIVEAU_AGGLO, cq.NIVEAU_QPV_DEPARTEMENT, cq.NIVEAU_HORS_QPV)

POINTS = "points"
POURCENT = "%"
HAUSSE, BAISSE, STABLE = "hausse", "baisse", "stable"
#: décimales auxquelles une évolution en % est jugée (sens) et montrée
DECIMALES_POURCENT = 1

#: Bande du ratio de ressemblance (``difflib.SequenceMatcher.ratio``) des intitulés normalisés d'un même porteur qui
#: fait une paire « douteuse » : au moins 0,75 (intitulés très proches), strictement moins que 1 (sinon : reconduite).
BANDE_DOUTEUSE = (0.75, 1.0)
RECONDUITE, DOUTEUSE, NOUVELLE, ARRETEE = "reconduite", "douteuse", "nouvelle", "arrêtée"

TABLES_QPV = ("insee_qpv", "insee_references", "insee_valeurs_manquantes")
TABLES_PROGRAMMATION = ("programmation", "porteurs", "financements_programmation")
#: tables suivies par le chapitre des évolutions
TABLES = (*TABLES_QPV, *TABLES_PROGRAMMATION)

COLONNES_SERIES = [
    "serie",
    "portee",
    "code_qp",
    "quartier",
    "niveau",
    "geographie",
    "code",
    "indicateur",
    "genre",
    "unite",
    "mode",
    "decimales",
    "annee",
    "valeur",
    "marque",
    "evolution",
    "sens",
]


def indicateur(code: str) -> cq.Indicateur:
    try:
        return _PAR_CODE[code]
    except KeyError:
        raise KeyError(f"indicateur inconnu « {code} »") from None


def mode_evolution(ind: cq.Indicateur) -> str:
    """« points » pour une part (unité « % »), « % » pour un effectif, un montant, un indice."""
    return POINTS if ind.unite == "%" else POURCENT


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _somme(serie: pd.Series) -> float:
    """Somme qui reste manquante si toutes les valeurs manquent (jamais un 0 inventé)."""
    return float(pd.to_numeric(serie, errors="coerce").astype("float64").sum(min_count=1))


def _total(financements: pd.DataFrame) -> float:
    """Montant total de la programmation (ligne « total » de ``financements_programmation``)."""
    t = pd.to_numeric(financements.loc[financements["type_ligne"] == "total", "montant"], errors="coerce")
    return float(t.iloc[0]) if len(t) else math.nan


def evolution(avant, apres, mode: str, decimales: int = 1) -> float:
    """Évolution de ``avant`` à ``apres`` : différence en points (valeurs arrondies à ``decimales``) ou variation en
    % ; NaN si l'une manque (ou si ``avant`` est nul, pour un %)."""
    if _manque(avant) or _manque(apres):
        return math.nan
    a, b = float(avant), float(apres)
    if mode == POINTS:
        return round(round(b, decimales) - round(a, decimales), decimales)
    if a == 0:
        return math.nan
    return (b / a - 1) * 100


def sens(ev, mode: str, decimales: int = 1) -> str | None:
    """« hausse », « baisse » ou « stable » à la précision affichée (``decimales`` pour des points, une décimale pour
    un %) ; ``None`` si l'évolution manque."""
    if _manque(ev):
        return None
    r = round(float(ev), decimales if mode == POINTS else DECIMALES_POURCENT)
    return HAUSSE if r > 0 else BAISSE if r < 0 else STABLE


def _ajouter_evolutions(df: pd.DataFrame) -> pd.DataFrame:
    """Évolution par rapport à l'année civile précédente de la même série (jamais par-dessus une lacune)."""
    if df.empty:
        return df.assign(evolution=pd.Series(dtype=float), sens=pd.Series(dtype=object))
    prec = df[["serie", "annee", "valeur"]].assign(annee=df["annee"] + 1).rename(columns={"valeur": "_avant"})
    df = df.merge(prec, on=["serie", "annee"], how="left")
    df["evolution"] = [
        evolution(a, b, m, d) for a, b, m, d in zip(df["_avant"], df["valeur"], df["mode"], df["decimales"])
    ]
    df["sens"] = [sens(e, m, d) for e, m, d in zip(df["evolution"], df["mode"], df["decimales"])]
    return df.drop(columns="_avant")


# --------------------------------------------------------------------------------------------- années et tables


def annees_de(annees: dict, table: str) -> list[int]:
    """Les années (triées) où ``table`` existe et n'est pas vide."""
    return sorted(int(a) for a, t in annees.items() if t.get(table) is not None and len(t[table]))


def bilan_annees(annee: int, annees: dict, ecartees: dict | None = None, tables=TABLES) -> pd.DataFrame:
    """Une ligne par année civile, de la première année trouvée à ``annee`` : statut (« trouvée », « absente »,
    « écartée ») et raison, puis une colonne booléenne par table (présente cette année-là)."""
    ecartees = {int(a): r for a, r in (ecartees or {}).items()}
    connues = [int(a) for a in annees] + list(ecartees)
    debut = min(connues + [int(annee)])
    lignes = []
    for a in range(debut, int(annee) + 1):
        t = annees.get(a, {})
        statut = "trouvée" if a in annees else "écartée" if a in ecartees else "absente"
        lignes.append(
            {
                "annee": a,
                "statut": statut,
                "raison": ecartees.get(a, ""),
                **{n: t.get(n) is not None and len(t[n]) > 0 for n in tables},
            }
        )
    return pd.DataFrame(lignes, columns=["annee", "statut", "raison", *tables])


def debuts_des_tables(annees: dict, tables=TABLES) -> pd.DataFrame:
    """Pour chaque table : première et dernière année où elle existe, et années (entre les deux ou avant, parmi les
    années trouvées) où elle manque : l'évolution de cette table commence plus tard, ou s'interrompt."""
    trouvees = sorted(int(a) for a in annees)
    lignes = []
    for n in tables:
        presentes = annees_de(annees, n)
        manquantes = [a for a in trouvees if a not in presentes]
        lignes.append(
            {
                "table": n,
                "premiere": presentes[0] if presentes else pd.NA,
                "derniere": presentes[-1] if presentes else pd.NA,
                "annees": presentes,
                "manquantes": manquantes,
            }
        )
    return pd.DataFrame(lignes, columns=["table", "premiere", "derniere", "annees", "manquantes"])


# --------------------------------------------------------------------------------------------- géographie


def geographie_de(qpv: pd.DataFrame | None) -> str | None:
    """Géographie prioritaire des QPV d'une année (« 2015 », « 2024 », « locale », ou plusieurs jointes par
    « + ») ; ``None`` sans table."""
    if qpv is None or qpv.empty:
        return None
    q = qpv[qpv["type_quartier"] == cq.TYPE_QPV] if "type_quartier" in qpv.columns else qpv
    if "geographie_qpv" in q.columns:
        geos = sorted(set(q["geographie_qpv"].dropna().astype(str)))
    else:  # table écrite avant la colonne geographie_qpv : déduite du code
        from politique_ville.reference.schemas import geographie_qpv

        geos = sorted({geographie_qpv(c) for c in q["code_qp"]})
    return "+".join(geos) if geos else None


def geographies(annees: dict) -> pd.DataFrame:
    """Géographie prioritaire de chaque année qui a une table ``insee_qpv``."""
    return pd.DataFrame(
        [{"annee": a, "geographie": geographie_de(annees[a].get("insee_qpv"))} for a in annees_de(annees, "insee_qpv")],
        columns=["annee", "geographie"],
    )


def changements_geographie(annees: dict) -> pd.DataFrame:
    """Chaque changement de géographie prioritaire entre deux années successives trouvées (pas forcément
    consécutives) : ``annee_avant``, ``geographie_avant``, ``annee``, ``geographie``. Les séries des quartiers et des
    niveaux qui dépendent du périmètre des QPV s'arrêtent à ``annee_avant`` et reprennent, nouvelles, à ``annee``."""
    g = geographies(annees)
    lignes = []
    for (a0, g0), (a1, g1) in zip(zip(g["annee"], g["geographie"]), zip(g["annee"][1:], g["geographie"][1:])):
        if g0 != g1:
            lignes.append({"annee_avant": a0, "geographie_avant": g0, "annee": a1, "geographie": g1})
    return pd.DataFrame(lignes, columns=["annee_avant", "geographie_avant", "annee", "geographie"])


# --------------------------------------------------------------------------------------------- indicateurs


def _valeurs(qpv: pd.DataFrame, ind: cq.Indicateur) -> pd.Series:
    return pd.to_numeric(qpv[ind.code], errors="coerce").astype("float64") / ind.diviseur


def _lignes_annee(annee: int, tables: dict) -> list[dict]:
    qpv = tables.get("insee_qpv")
    if qpv is None or qpv.empty:
        return []
    refs = tables.get("insee_references")
    mot = cq.motifs(tables.get("insee_valeurs_manquantes"))
    geo = geographie_de(qpv)
    q = qpv[qpv["type_quartier"] == cq.TYPE_QPV]
    lignes = []
    for ind in INDICATEURS:
        if ind.code not in qpv.columns:
            continue
        base = {
            "code": ind.code,
            "indicateur": ind.libelle,
            "genre": ind.genre,
            "unite": ind.unite,
            "mode": mode_evolution(ind),
            "decimales": ind.decimales,
            "annee": int(annee),
        }
        for c, n, v in zip(q["code_qp"], q["nom_qp"], _valeurs(q, ind)):
            lignes.append(
                {
                    **base,
                    "serie": f"{QUARTIER}|{c}|{ind.code}",
                    "portee": QUARTIER,
                    "code_qp": c,
                    "quartier": cq.nom_quartier(c, n),
                    "niveau": None,
                    "geographie": geo,
                    "valeur": v,
                    "marque": cq.marque_manquante(mot.get((c, ind.code))) if math.isnan(v) else None,
                }
            )
        if ind.genre == "contexte":  # population de la commune : montrée par quartier, jamais agrégée
            niveaux = {}
        elif ind.genre == "taux":
            niveaux = {NIVEAU_MOYENNE_QPV: cq.valeur_qpv(qpv, ind.code)}
            niveaux |= {n: cq.valeur_reference(refs, n, ind.colonne_reference(n), ind.diviseur) for n in NIVEAUX_TAUX}
        else:
            x = pd.to_numeric(q[ind.code], errors="coerce")
            niveaux = {
                NIVEAU_ENSEMBLE_QPV: float(x.sum()) if x.notna().any() else math.nan,
                cq.NIVEAU_AGGLO: cq.valeur_reference(refs, cq.NIVEAU_AGGLO, ind.code),
            }
        for n, v in niveaux.items():
            g = None if n in NIVEAUX_TERRITOIRE else geo
            lignes.append(
                {
                    **base,
                    "serie": f"{NIVEAU}|{n}|{g or ''}|{ind.code}",
                    "portee": NIVEAU,
                    "code_qp": None,
                    "quartier": None,
                    "niveau": n,
                    "geographie": g,
                    "valeur": v,
                    "marque": cq.NON_PUBLIE if math.isnan(v) else None,
                }
            )
    return lignes


def series_qpv(annees: dict) -> pd.DataFrame:
    """Séries des indicateurs INSEE, en long : une ligne par série et par année où elle a une ligne.

    Une série est un quartier (QPV) sur un indicateur — son code ne change pas, et les codes de deux géographies ne
    se ressemblent pas — ou un niveau de comparaison sur un indicateur (une série par géographie, sauf pour
    :data:`NIVEAUX_TERRITOIRE`). Colonnes : :data:`COLONNES_SERIES` ; ``valeur`` dans l'unité affichée (revenu
    mensuel), NaN si elle manque (``marque`` : « secret », « n.d. », « non publié ») ; ``evolution`` par rapport à
    l'année civile précédente (NaN si elle manque : lacune) ; ``sens``."""
    lignes = [x for a in sorted(annees) for x in _lignes_annee(int(a), annees[a])]
    df = pd.DataFrame(lignes, columns=[c for c in COLONNES_SERIES if c not in ("evolution", "sens")])
    df["valeur"] = df["valeur"].astype("float64")
    df = _ajouter_evolutions(df)
    # le nom affiché d'un quartier : celui de la dernière année où il figure
    derniers = df[df["portee"] == QUARTIER].sort_values("annee").groupby("code_qp")["quartier"].last()
    df.loc[df["portee"] == QUARTIER, "quartier"] = df.loc[df["portee"] == QUARTIER, "code_qp"].map(derniers)
    return df[COLONNES_SERIES].reset_index(drop=True)


def codes_illustres(series: pd.DataFrame, nombre_max: int = 6) -> list[str]:
    """Les indicateurs à illustrer : ceux dont les niveaux de comparaison ont le plus d'années de valeurs (au moins
    deux), le taux de pauvreté d'abord s'il est suivi ; au plus ``nombre_max``."""
    n = series[(series["portee"] == NIVEAU) & series["valeur"].notna()].groupby("code", sort=False)["annee"].nunique()
    n = n[n >= 2]
    rang = {i.code: k for k, i in enumerate(INDICATEURS)}
    codes = sorted(n.index, key=lambda c: (c != TAUX_PAUVRETE.code, -n[c], rang.get(c, 99)))
    return codes[:nombre_max]


def series_quartier(annees: dict, code_qp: str) -> pd.DataFrame:
    """Les séries d'un quartier (une ligne par indicateur et par année), avec, à côté, la moyenne des QPV (ou
    l'ensemble des QPV) de la même géographie : ``moyenne_qpv``. Vide si le quartier n'a de valeurs dans aucune
    année."""
    s = series_qpv(annees)
    q = s[(s["portee"] == QUARTIER) & (s["code_qp"] == code_qp)].copy()
    n = s[s["niveau"].isin([NIVEAU_MOYENNE_QPV, NIVEAU_ENSEMBLE_QPV])][["code", "annee", "geographie", "valeur"]]
    q = q.merge(n.rename(columns={"valeur": "moyenne_qpv"}), on=["code", "annee", "geographie"], how="left")
    rang = {i.code: k for k, i in enumerate(INDICATEURS)}
    return q.sort_values(
        ["code", "annee"], key=lambda c: c.map(rang) if c.name == "code" else c, kind="stable"
    ).reset_index(drop=True)


def tableau_series(series: pd.DataFrame, annees: list[int]) -> pd.DataFrame:
    """Tableau large : une ligne par série, une colonne par année civile de ``annees`` (toutes, lacunes comprises :
    NaN), puis la dernière évolution calculable (``evolution``, ``mode``, ``sens``, ``annee_evolution``)."""
    cles = [
        "serie",
        "portee",
        "code_qp",
        "quartier",
        "niveau",
        "geographie",
        "code",
        "indicateur",
        "unite",
        "mode",
        "decimales",
    ]
    if series.empty:
        return pd.DataFrame(columns=[*cles, *annees, "annee_evolution", "evolution", "sens"])
    larges = series.pivot_table(index="serie", columns="annee", values="valeur", aggfunc="first", dropna=False)
    larges = larges.reindex(columns=list(annees))
    meta = series.drop_duplicates("serie").set_index("serie")[cles[1:]]
    derniere = (
        series.dropna(subset=["evolution"])
        .sort_values("annee")
        .groupby("serie")[["annee", "evolution", "sens"]]
        .last()
        .rename(columns={"annee": "annee_evolution"})
    )
    sortie = meta.join(larges).join(derniere).reset_index()
    ordre = {s: i for i, s in enumerate(series["serie"].drop_duplicates())}
    return sortie.sort_values("serie", key=lambda c: c.map(ordre)).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- programmation


def _ligne(annee, rubrique, libelle, mesure, unite, valeur) -> dict:
    return {
        "annee": int(annee),
        "rubrique": rubrique,
        "libelle": libelle,
        "mesure": mesure,
        "unite": unite,
        "valeur": math.nan if _manque(valeur) else float(valeur),
    }


def _programmation_annee(annee: int, t: dict) -> list[dict]:
    lignes = []
    prog = t.get("programmation")
    if prog is not None and len(prog):
        total = cc.ajouter_ratios(
            pd.DataFrame(
                [
                    {
                        "projets": len(prog),
                        "droit_commun": _somme(prog["droit_commun"]),
                        "credits_specifiques": _somme(prog["credits_specifiques"]),
                    }
                ]
            )
        )
        e = total.iloc[0]
        lignes += [
            _ligne(annee, "Ensemble", "Actions retenues (projets retenus)", "actions", "actions", len(prog)),
            _ligne(annee, "Ensemble", "Crédits spécifiques", "credits_specifiques", "€", e["credits_specifiques"]),
            _ligne(
                annee,
                "Ensemble",
                "Crédits CGET",
                "cget",
                "€",
                pd.to_numeric(prog["cget"], errors="coerce").sum(min_count=1),
            ),
            _ligne(annee, "Ensemble", "Droit commun", "droit_commun", "€", e["droit_commun"]),
            _ligne(annee, "Ensemble", "Effet levier du droit commun", "effet_levier", "€ pour 1 €", e["effet_levier"]),
        ]
        for niveau, rubrique in (("pilier", "Pilier"), ("thematique", "Thématique")):
            ind = cc.ajouter_ratios(cc.indicateurs(prog, niveau=niveau))
            for _, r in ind.iterrows():
                lib = r["pilier"] if niveau == "pilier" else r["thematique"]
                lignes += [
                    _ligne(annee, rubrique, lib, "actions", "actions", r["projets"]),
                    _ligne(annee, rubrique, lib, "credits_specifiques", "€", r["credits_specifiques"]),
                    _ligne(annee, rubrique, lib, "droit_commun", "€", r["droit_commun"]),
                    _ligne(annee, rubrique, lib, "effet_levier", "€ pour 1 €", r["effet_levier"]),
                ]
        for _, r in cp.actions_par_type_porteur(prog).iterrows():
            lignes += [
                _ligne(annee, "Type de porteur", r["type_porteur"], "actions", "actions", r["actions"]),
                _ligne(annee, "Type de porteur", r["type_porteur"], "cget", "€", r["cget"]),
            ]
    porteurs = t.get("porteurs")
    if porteurs is not None and len(porteurs):
        lignes.append(
            _ligne(
                annee, "Ensemble", "Projets déposés", "projets_deposes", "projets", _somme(porteurs["nombre_projets"])
            )
        )
    fin = t.get("financements_programmation")
    if fin is not None and len(fin):
        lignes.append(_ligne(annee, "Ensemble", "Montant total de la programmation", "montant_total", "€", _total(fin)))
        for _, r in cp.financement_par_financeur(fin).iterrows():
            lignes += [
                _ligne(annee, "Financeur", r["financeur"], "part_publiee", "%", r["part_publiee"]),
                _ligne(annee, "Financeur", r["financeur"], "montant_publie", "€", r["montant_publie"]),
            ]
    return lignes


def programmation_par_annee(annees: dict) -> pd.DataFrame:
    """La programmation année par année, en long : ``annee``, ``rubrique`` (« Ensemble », « Pilier »,
    « Thématique », « Type de porteur », « Financeur »), ``libelle``, ``mesure``, ``unite``, ``valeur`` (montants en
    euros courants), ``mode``, ``evolution`` (par rapport à l'année civile précédente : en points pour une part
    publiée, en % sinon ; NaN par-dessus une lacune) et ``sens``. Une année sans une table n'a pas ses lignes."""
    lignes = [x for a in sorted(annees) for x in _programmation_annee(int(a), annees[a])]
    df = pd.DataFrame(lignes, columns=["annee", "rubrique", "libelle", "mesure", "unite", "valeur"])
    df["serie"] = df["rubrique"] + "|" + df["libelle"].astype(str) + "|" + df["mesure"]
    df["mode"] = [POINTS if u == "%" else POURCENT for u in df["unite"]]
    df["decimales"] = [1 if u == "%" else 2 if u == "€ pour 1 €" else 0 for u in df["unite"]]
    return _ajouter_evolutions(df).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- reconduites

_ANNEE = re.compile(r"\b(19|20)\d{2}\b")
_NON_MOT = re.compile(r"[^0-9a-z]+")


def intitule_normalise(texte) -> str:
    """Règle de rapprochement des intitulés : minuscules, sans accents, apostrophes, guillemets et ponctuation
    remplacés par des espaces, millésimes (« 2031 ») retirés, espaces réduits. « Fête de quartier 2031 » et
    « FÊTE DE QUARTIER – 2032 » donnent tous deux « fete de quartier »."""
    t = unicodedata.normalize("NFKD", str(texte or "").replace("œ", "oe").replace("Œ", "OE"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = _ANNEE.sub(" ", t)
    return " ".join(_NON_MOT.sub(" ", t).split())


def ratio(a: str, b: str) -> float:
    """Ressemblance de deux intitulés normalisés (``difflib.SequenceMatcher.ratio``, de 0 à 1)."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _porteur(prog: pd.DataFrame) -> pd.Series:
    col = "porteur_canonique" if "porteur_canonique" in prog.columns else "porteur"
    return prog[col].fillna("").astype(str).str.strip()


def reconduites(
    avant: pd.DataFrame, apres: pd.DataFrame, annee_avant: int, annee: int, bande: tuple[float, float] = BANDE_DOUTEUSE
) -> pd.DataFrame:
    """Rapproche les actions de deux années : une ligne par action reconduite (même porteur, même intitulé
    normalisé ; chaque action n'est rapprochée qu'une fois, dans l'ordre de la programmation), arrêtée (de
    ``annee_avant`` seulement), nouvelle (de ``annee`` seulement), et une ligne par paire douteuse (même porteur,
    intitulés normalisés différents de ratio dans ``bande``) entre une action arrêtée et une nouvelle ; les deux
    actions d'une paire douteuse restent comptées comme arrêtée et nouvelle.

    Colonnes : ``annee_avant``, ``annee``, ``statut``, ``porteur``, ``intitule_avant``, ``intitule``,
    ``id_avant``, ``id``, ``ratio``."""
    a = pd.DataFrame(
        {
            "porteur": _porteur(avant).values,
            "intitule": avant["intitule"].astype(str).values,
            "id": avant["id_action"].astype(str).values,
        }
    )
    b = pd.DataFrame(
        {
            "porteur": _porteur(apres).values,
            "intitule": apres["intitule"].astype(str).values,
            "id": apres["id_action"].astype(str).values,
        }
    )
    a["cle"] = [intitule_normalise(x) for x in a["intitule"]]
    b["cle"] = [intitule_normalise(x) for x in b["intitule"]]
    libres: dict[tuple[str, str], list[int]] = {}
    for j, (p, k) in enumerate(zip(b["porteur"], b["cle"])):
        libres.setdefault((p.casefold(), k), []).append(j)
    lignes, pris_a, pris_b = [], set(), set()
    base = {"annee_avant": int(annee_avant), "annee": int(annee)}
    for i, (p, k) in enumerate(zip(a["porteur"], a["cle"])):
        candidats = libres.get((p.casefold(), k))
        if candidats:
            j = candidats.pop(0)
            pris_a.add(i)
            pris_b.add(j)
            lignes.append(
                {
                    **base,
                    "statut": RECONDUITE,
                    "porteur": b.at[j, "porteur"],
                    "intitule_avant": a.at[i, "intitule"],
                    "intitule": b.at[j, "intitule"],
                    "id_avant": a.at[i, "id"],
                    "id": b.at[j, "id"],
                    "ratio": 1.0,
                }
            )
    for i in a.index.difference(sorted(pris_a)):
        lignes.append(
            {
                **base,
                "statut": ARRETEE,
                "porteur": a.at[i, "porteur"],
                "intitule_avant": a.at[i, "intitule"],
                "intitule": None,
                "id_avant": a.at[i, "id"],
                "id": None,
                "ratio": math.nan,
            }
        )
    for j in b.index.difference(sorted(pris_b)):
        lignes.append(
            {
                **base,
                "statut": NOUVELLE,
                "porteur": b.at[j, "porteur"],
                "intitule_avant": None,
                "intitule": b.at[j, "intitule"],
                "id_avant": None,
                "id": b.at[j, "id"],
                "ratio": math.nan,
            }
        )
    bas, haut = bande
    for i in a.index.difference(sorted(pris_a)):
        for j in b.index.difference(sorted(pris_b)):
            if a.at[i, "porteur"].casefold() != b.at[j, "porteur"].casefold():
                continue
            r = ratio(a.at[i, "cle"], b.at[j, "cle"])
            if bas <= r < haut:
                lignes.append(
                    {
                        **base,
                        "statut": DOUTEUSE,
                        "porteur": b.at[j, "porteur"],
                        "intitule_avant": a.at[i, "intitule"],
                        "intitule": b.at[j, "intitule"],
                        "id_avant": a.at[i, "id"],
                        "id": b.at[j, "id"],
                        "ratio": r,
                    }
                )
    return pd.DataFrame(
        lignes,
        columns=["annee_avant", "annee", "statut", "porteur", "intitule_avant", "intitule", "id_avant", "id", "ratio"],
    )


def reconduites_par_annee(annees: dict) -> pd.DataFrame:
    """:func:`reconduites` pour chaque année qui a une programmation ET dont l'année civile précédente en a une
    (pas de rapprochement par-dessus une lacune)."""
    presentes = annees_de(annees, "programmation")
    morceaux = [
        reconduites(annees[a - 1]["programmation"], annees[a]["programmation"], a - 1, a)
        for a in presentes
        if a - 1 in presentes
    ]
    if not morceaux:
        return reconduites(
            pd.DataFrame(columns=["porteur", "intitule", "id_action"]),
            pd.DataFrame(columns=["porteur", "intitule", "id_action"]),
            0,
            0,
        )
    return pd.concat(morceaux, ignore_index=True)


def synthese_reconduites(paires: pd.DataFrame) -> pd.DataFrame:
    """Par année : actions reconduites, arrêtées, nouvelles et paires douteuses (colonnes ``annee_avant``,
    ``annee``, ``reconduite``, ``arrêtée``, ``nouvelle``, ``douteuse``)."""
    statuts = [RECONDUITE, ARRETEE, NOUVELLE, DOUTEUSE]
    if paires.empty:
        return pd.DataFrame(columns=["annee_avant", "annee", *statuts])
    t = paires.groupby(["annee_avant", "annee", "statut"]).size().unstack("statut", fill_value=0)
    return t.reindex(columns=statuts, fill_value=0).reset_index().rename_axis(columns=None)
