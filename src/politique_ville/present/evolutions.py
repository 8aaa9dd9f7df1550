"""Tableaux du chapitre des évolutions et de la section « évolutions » des fiches quartier, à la française.

Chaque ``vue_*`` prend une sortie de :mod:`politique_ville.compute.evolutions` et renvoie ``{"df", "titre",
"formats", "note"}`` pour ``ctx.tableau(**vue)``. Les unités diffèrent d'une ligne à l'autre : les cellules sont
écrites ici (« 43,5 % », « 12 345 € ») ; une année sans valeur est « non disponible » (ou la marque de la case :
« secret », « n.d. », « non publié »), jamais 0.
"""

from __future__ import annotations

import pandas as pd

from politique_ville.compute import evolutions as ce
from politique_ville.formats import ESPACE_UNITE, avec_unite, nombre_fr

NON_DISPONIBLE = "non disponible"
LIBELLES_MESURES = {
    "actions": "Actions retenues",
    "credits_specifiques": "Crédits spécifiques",
    "cget": "Crédits CGET",
    "droit_commun": "Droit commun",
    "effet_levier": "Effet levier",
    "projets_deposes": "Projets déposés",
    "montant_total": "Montant total",
    "part_publiee": "Part publiée",
    "montant_publie": "Montant publié",
}
ABSENTE = "non disponible (pas de données cette année-là)"


def _manque(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def cellule(v, unite: str, decimales: int, marque=None) -> str:
    if _manque(v):
        return marque if isinstance(marque, str) and marque else NON_DISPONIBLE
    return avec_unite(v, "" if unite == "indice" else unite, int(decimales))


def evolution(ev, mode: str, decimales: int) -> str:
    """« +2,5 pts », « −3,2 % », « non disponible »."""
    if _manque(ev):
        return NON_DISPONIBLE
    d = int(decimales) if mode == ce.POINTS else ce.DECIMALES_POURCENT
    signe = "+" if round(float(ev), d) > 0 else ""
    return f"{signe}{nombre_fr(ev, d)}{ESPACE_UNITE}{'pts' if mode == ce.POINTS else '%'}"


def _large(long: pd.DataFrame, cles: list[str], annees: list[int]) -> pd.DataFrame:
    """Une ligne par série, une colonne par année (cellules écrites), puis la dernière évolution calculable."""
    lignes = []
    for _, g in long.groupby("serie", sort=False):
        r0 = g.iloc[0]
        ligne = {c: r0[c] for c in cles}
        par_annee = g.set_index("annee")
        for a in annees:
            if a in par_annee.index:
                r = par_annee.loc[a]
                ligne[str(a)] = cellule(r["valeur"], r["unite"], r["decimales"], r.get("marque"))
            else:
                ligne[str(a)] = ABSENTE if a not in set(long["annee"]) else NON_DISPONIBLE
        ev = g.dropna(subset=["evolution"]).sort_values("annee")
        ligne["Évolution"] = (
            (
                f"{evolution(ev['evolution'].iloc[-1], r0['mode'], r0['decimales'])} "
                f"({ev['annee'].iloc[-1] - 1}-{ev['annee'].iloc[-1]})"
            )
            if len(ev)
            else NON_DISPONIBLE
        )
        lignes.append(ligne)
    return pd.DataFrame(lignes, columns=[*cles, *[str(a) for a in annees], "Évolution"])


def vue_bilan_annees(bilan: pd.DataFrame) -> dict:
    """Années trouvées, manquantes, écartées, et tables présentes chaque année."""
    vue = bilan.copy()
    for t in vue.columns[3:]:
        vue[t] = vue[t].map({True: "oui", False: "—"})
    vue = vue.rename(columns={"annee": "Année", "statut": "Statut", "raison": "Raison"})
    return {
        "df": vue,
        "titre": "Années trouvées et tables disponibles",
        "formats": {"Année": str},
        "note": "« — » : table absente cette année-là ; une année absente ou écartée reste une lacune.",
    }


def vue_series(series: pd.DataFrame, annees: list[int], portee: str = ce.NIVEAU, titre: str | None = None) -> dict:
    """Séries des niveaux de comparaison (``portee`` « niveau ») ou des quartiers (« quartier »), une colonne par
    année civile (lacunes comprises)."""
    s = series[series["portee"] == portee].copy()
    s["geographie"] = s["geographie"].fillna("toutes")
    if portee == ce.NIVEAU:
        cles, noms = ["niveau", "geographie", "indicateur"], ["Niveau", "Géographie", "Indicateur"]
        titre = titre or "Indicateurs des quartiers : niveaux de comparaison, année par année"
    else:
        cles, noms = (
            ["quartier", "code_qp", "geographie", "indicateur"],
            ["Quartier", "Code", "Géographie", "Indicateur"],
        )
        titre = titre or "Indicateurs de chaque quartier, année par année"
    vue = _large(s, cles, annees).rename(columns=dict(zip(cles, noms)))
    return {
        "df": vue,
        "titre": titre,
        "formats": {},
        "note": "Évolution : en points pour une part (%), en % pour un effectif, un montant ou un indice, depuis "
        "l'année civile précédente de la même série ; « non disponible » par-dessus une lacune. "
        "Géographie « toutes » : niveau suivi d'une géographie prioritaire à l'autre.",
    }


def vue_programmation(prog: pd.DataFrame, annees: list[int], rubriques=None, titre: str | None = None) -> dict:
    """La programmation année par année (``prog`` : ``compute.evolutions.programmation_par_annee``)."""
    p = prog if rubriques is None else prog[prog["rubrique"].isin(list(rubriques))]
    p = p.assign(mesure=p["mesure"].map(lambda m: LIBELLES_MESURES.get(m, m)))
    vue = _large(p.assign(marque=None), ["rubrique", "libelle", "mesure"], annees)
    vue = vue.rename(columns={"rubrique": "Rubrique", "libelle": "Libellé", "mesure": "Mesure"})
    return {
        "df": vue,
        "titre": titre or "La programmation année par année",
        "formats": {},
        "note": "Montants en euros courants. Effet levier : euros de droit commun pour 1 € de crédits spécifiques.",
    }


def vue_reconduites(paires: pd.DataFrame, statut: str = ce.DOUTEUSE) -> dict:
    """Les paires d'actions d'un statut (par défaut les paires douteuses, à vérifier)."""
    p = paires[paires["statut"] == statut]
    vue = pd.DataFrame(
        {
            "Années": [f"{a}-{b}" for a, b in zip(p["annee_avant"], p["annee"])],
            "Porteur": p["porteur"].values,
            "Intitulé l'année précédente": p["intitule_avant"].values,
            "Intitulé": p["intitule"].values,
            "Ressemblance": [nombre_fr(r * 100, 0) + ESPACE_UNITE + "%" if not _manque(r) else "—" for r in p["ratio"]],
        }
    )
    titres = {
        ce.DOUTEUSE: "Paires douteuses : même porteur, intitulés proches (à vérifier)",
        ce.RECONDUITE: "Actions reconduites",
        ce.ARRETEE: "Actions arrêtées",
        ce.NOUVELLE: "Actions nouvelles",
    }
    return {"df": vue, "titre": titres.get(statut, statut), "formats": {}, "note": None}


def vue_synthese_reconduites(synthese: pd.DataFrame) -> dict:
    vue = synthese.rename(
        columns={
            "annee_avant": "Année précédente",
            "annee": "Année",
            ce.RECONDUITE: "Reconduites",
            ce.ARRETEE: "Arrêtées",
            ce.NOUVELLE: "Nouvelles",
            ce.DOUTEUSE: "Paires douteuses",
        }
    )
    return {
        "df": vue,
        "titre": "Actions reconduites, arrêtées et nouvelles d'une année à la suivante",
        "formats": {"Année précédente": str, "Année": str},
        "note": None,
    }


def vue_serie_quartier(serie: pd.DataFrame) -> dict:
    """Les séries d'un quartier (``compute.evolutions.series_quartier``), une colonne par année."""
    annees = list(range(int(serie["annee"].min()), int(serie["annee"].max()) + 1))
    vue = _large(serie, ["indicateur"], annees).rename(columns={"indicateur": "Indicateur"})
    return {
        "df": vue,
        "titre": "Le quartier année par année",
        "formats": {},
        "note": "« non disponible » : pas de valeur cette année-là (lacune, jamais estimée) ; évolution en points "
        "pour une part, en % sinon.",
    }
