"""Contribution de la programmation aux objectifs du Contrat de Ville (chapitre 3) et grille des priorités (annexe 1).

Entrées : les tables nettoyées ``programmation`` (une ligne par action) et ``feuille_de_route`` (priorités et
sous-priorités), et les références ``chiffres_publies_<annee>`` / ``ecarts_documentes_<annee>`` lues par l'appelant.
Toutes les fonctions sont pures : DataFrame en entrée, DataFrame en sortie, sans fichier ni figure.

Règles :

- un « projet soutenu » est une ligne de la programmation (la ligne « PRE » de plusieurs communes compte une action
  par commune, comme le tableau Education du rapport) ; les « porteurs de projets » sont les porteurs canoniques
  distincts (référentiel des porteurs) ;
- les piliers du Contrat de Ville sont ceux de la feuille de route (le pilotage, hors feuille de route, n'en est pas) ;
- une somme de montants entièrement manquants reste manquante (jamais 0) ; un ratio dont le dénominateur est nul ou
  manquant est manquant ;
- les montants par action sont reconstruits (colonnes ``provenance_*``) : ils sont toujours accompagnés de leur
  provenance ; seuls les totaux des tableaux du chapitre 3 sont publiés.
"""

from __future__ import annotations

import math

import pandas as pd

from politique_ville.published.chiffres import Registre, Statut, analyser

#: Mesures des tableaux du chapitre 3 : colonne du résultat -> intitulé du rapport.
MESURES = {
    "projets": "Projets soutenus",
    "porteurs": "Porteurs de projets",
    "droit_commun": "Subventions droit commun",
    "credits_specifiques": "Subventions crédits spécifiques Pol Ville",
}

#: Intitulés de toutes les mesures confrontées aux chiffres publiés.
LIBELLES_MESURES = {**MESURES, "priorites": "Priorités d'intervention retenues"}

#: Piliers que le rapport détaille par thématique (les autres n'ont qu'un tableau de pilier).
PILIERS_DETAILLES = ("cohesion_sociale",)

#: Section du rapport dont les chiffres publiés sont ceux des tableaux du chapitre (« 3 » : 3.1, 3.2, 3.3).
SECTION = "3"
#: Ancien filtre par préfixe d'identifiant : ``None`` = filtre par :data:`SECTION` (aucun identifiant dans le code).
PREFIXE = None

SANS_PRIORITE = "Hors priorités de la feuille de route"
SANS_SOUS_PRIORITE = "sans sous-priorité"


# --------------------------------------------------------------------------------------------- outils


def _somme(serie: pd.Series) -> float:
    """Somme qui reste manquante si toutes les valeurs le sont."""
    return float(serie.sum(min_count=1)) if len(serie) else math.nan


def _diviser(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (num / den.where(den != 0)).astype(float)


def _libelle_propre(texte) -> str:
    """Intitulé de la grille sans le « : » final de certains en-têtes."""
    if texte is None or (isinstance(texte, float) and math.isnan(texte)) or texte is pd.NA:
        return ""
    return str(texte).strip().rstrip(":").strip()


def _vide(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def piliers_du_contrat(feuille_de_route: pd.DataFrame) -> list[str]:
    """Codes des piliers de la feuille de route, dans l'ordre des priorités."""
    return list(dict.fromkeys(feuille_de_route.sort_values("priorite", kind="stable")["pilier_code"].dropna()))


# --------------------------------------------------------------------------------------------- tableaux


def indicateurs(
    programmation: pd.DataFrame, niveau: str = "thematique", piliers: list[str] | tuple | None = None
) -> pd.DataFrame:
    """Les quatre chiffres des tableaux du chapitre 3 par pilier (``niveau="pilier"``) ou par thématique.

    Colonnes : ``pilier_code``, ``pilier`` (et ``thematique_code``, ``thematique``), ``projets``, ``porteurs``,
    ``droit_commun``, ``credits_specifiques`` (€), ``actions_montants_reconstruits`` (actions dont un montant est
    reconstruit). Ordre : celui de la programmation (l'ordre du rapport). ``piliers`` : codes à garder.
    """
    if niveau not in ("pilier", "thematique"):
        raise ValueError(f"niveau « {niveau} » inconnu (attendu « pilier » ou « thematique »)")
    df = programmation
    if piliers is not None:
        df = df[df["pilier_code"].isin(list(piliers))]
    cles = ["pilier_code", "pilier"] + (["thematique_code", "thematique"] if niveau == "thematique" else [])
    reconstruit = df.get("provenance_droit_commun", pd.Series("", index=df.index)).eq("reconstruit") | df.get(
        "provenance_credits_specifiques", pd.Series("", index=df.index)
    ).eq("reconstruit")
    df = df.assign(_reconstruit=reconstruit.astype(int))
    lignes = []
    for cle, g in df.groupby(cles, sort=False, dropna=False):
        porteurs = g["porteur_canonique"].dropna().map(lambda v: str(v).strip())
        lignes.append(
            {
                **dict(zip(cles, cle)),
                "projets": len(g),
                "porteurs": int(porteurs[porteurs != ""].nunique()),
                "droit_commun": _somme(g["droit_commun"]),
                "credits_specifiques": _somme(g["credits_specifiques"]),
                "actions_montants_reconstruits": int(g["_reconstruit"].sum()),
            }
        )
    colonnes = cles + list(MESURES) + ["actions_montants_reconstruits"]
    return pd.DataFrame(lignes, columns=colonnes)


def ajouter_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Ajoute l'effet levier et les montants moyens à un tableau qui a ``projets``, ``droit_commun`` et
    ``credits_specifiques`` :

    - ``effet_levier`` : euros de droit commun pour 1 € de crédits spécifiques (manquant si les crédits
      spécifiques sont nuls ou manquants) ;
    - ``total`` : droit commun + crédits spécifiques (manquant si l'un manque) ;
    - ``part_droit_commun`` : part du droit commun dans ce total (%) ;
    - ``moyenne_projet``, ``moyenne_droit_commun``, ``moyenne_credits_specifiques`` : montants moyens par projet (€).
    """
    out = df.copy()
    dc = pd.to_numeric(out["droit_commun"], errors="coerce").astype(float)
    cs = pd.to_numeric(out["credits_specifiques"], errors="coerce").astype(float)
    total = dc + cs
    out["effet_levier"] = _diviser(dc, cs)
    out["total"] = total
    out["part_droit_commun"] = 100 * _diviser(dc, total)
    out["moyenne_projet"] = _diviser(total, out["projets"])
    out["moyenne_droit_commun"] = _diviser(dc, out["projets"])
    out["moyenne_credits_specifiques"] = _diviser(cs, out["projets"])
    return out


def synthese_piliers(programmation: pd.DataFrame, feuille_de_route: pd.DataFrame) -> pd.DataFrame:
    """Tableau de chaque pilier du Contrat de Ville, avec effet levier et montants moyens."""
    return ajouter_ratios(indicateurs(programmation, "pilier", piliers_du_contrat(feuille_de_route)))


def synthese_thematiques(
    programmation: pd.DataFrame, feuille_de_route: pd.DataFrame, pilier_code: str | None = None
) -> pd.DataFrame:
    """Tableau de chaque thématique (d'un pilier, ou de tous les piliers du contrat), avec ratios."""
    piliers = [pilier_code] if pilier_code else piliers_du_contrat(feuille_de_route)
    return ajouter_ratios(indicateurs(programmation, "thematique", piliers))


def comparaison_thematiques(
    programmation: pd.DataFrame, feuille_de_route: pd.DataFrame, detailles: tuple[str, ...] = PILIERS_DETAILLES
) -> pd.DataFrame:
    """Les tableaux publiés du chapitre 3 côte à côte : une ligne par thématique des piliers ``detailles``, une ligne
    par pilier pour les autres (leur découpage par thématique n'est pas publié : il ne refléterait que la règle de
    reconstruction des montants par action). Colonnes : ``groupe`` (libellé), ``niveau``, ``pilier``, mesures,
    ratios, et la ligne ``Ensemble`` à la fin (``niveau="ensemble"``)."""
    piliers = piliers_du_contrat(feuille_de_route)
    parts = []
    for p in piliers:
        if p in detailles:
            t = indicateurs(programmation, "thematique", [p]).rename(columns={"thematique": "groupe"})
            t["niveau"] = "thematique"
        else:
            t = indicateurs(programmation, "pilier", [p])
            t["groupe"] = t["pilier"]
            t["niveau"] = "pilier"
        parts.append(
            t[["groupe", "niveau", "pilier_code", "pilier"] + list(MESURES) + ["actions_montants_reconstruits"]]
        )
    comp = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            columns=["groupe", "niveau", "pilier_code", "pilier"] + list(MESURES) + ["actions_montants_reconstruits"]
        )
    )
    sel = programmation[programmation["pilier_code"].isin(piliers)]
    porteurs = sel["porteur_canonique"].dropna().map(lambda v: str(v).strip())
    ensemble = {
        "groupe": "Ensemble",
        "niveau": "ensemble",
        "pilier_code": "",
        "pilier": "",
        "projets": len(sel),
        "porteurs": int(porteurs[porteurs != ""].nunique()),
        "droit_commun": _somme(sel["droit_commun"]),
        "credits_specifiques": _somme(sel["credits_specifiques"]),
        "actions_montants_reconstruits": int(comp["actions_montants_reconstruits"].sum()),
    }
    comp = pd.concat([comp, pd.DataFrame([ensemble])], ignore_index=True)
    for c in ("projets", "porteurs", "actions_montants_reconstruits"):
        comp[c] = comp[c].astype(int)
    return ajouter_ratios(comp)


def priorites_du_pilier(programmation: pd.DataFrame, feuille_de_route: pd.DataFrame, pilier_code: str) -> pd.DataFrame:
    """Priorités de la feuille de route d'un pilier, avec leur intitulé et le nombre d'actions soutenues
    (0 pour une priorité sans action : elle reste listée)."""
    fdr = feuille_de_route[
        (feuille_de_route["pilier_code"] == pilier_code) & feuille_de_route["sous_priorite"].map(_vide)
    ]
    prog = programmation[programmation["pilier_code"] == pilier_code]
    comptes = prog["priorite"].dropna().astype(int).value_counts()
    out = pd.DataFrame(
        {"priorite": fdr["priorite"].astype(int).to_numpy(), "libelle": fdr["libelle"].map(_libelle_propre).to_numpy()}
    )
    out["actions"] = out["priorite"].map(comptes).fillna(0).astype(int)
    return out.sort_values("priorite", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------- chiffres publiés


def _analyser_calcul(calcul: str) -> dict | None:
    """« nombre("programmation", thematique="Education") » -> table, fonction, colonne, filtres ; None sinon
    (analyse de :func:`politique_ville.published.chiffres.analyser`)."""
    a = analyser(calcul)
    if a is None:
        return None
    return {"fonction": a.fonction, "table": a.table, "colonne": a.colonne, "filtres": dict(a.filtres)}


def chiffres_publies_groupes(
    chiffres: pd.DataFrame, prefixe: str | None = PREFIXE, section: str = SECTION
) -> pd.DataFrame:
    """Les chiffres publiés des tableaux par pilier et par thématique, reconnus à leur expression de recalcul
    (colonne ``calcul``) : ``nombre`` = projets, ``distinct(porteur_canonique)`` = porteurs, ``somme(droit_commun |
    credits_specifiques)``, ``distinct(feuille_de_route, priorite)`` = priorités ; un seul filtre ``pilier=`` ou
    ``thematique=``. Seuls les chiffres de la ``section`` du rapport (et de ses sous-sections) sont gardés ou, si
    l'appelant donne ``prefixe``, ceux dont l'identifiant commence par ``prefixe``.
    Colonnes : ``id``, ``niveau``, ``groupe``, ``mesure``, ``valeur_publiee``, ``libelle``."""
    lignes = []
    for c in Registre.depuis_tables(chiffres):
        if prefixe is not None:
            if not c.id.startswith(prefixe):
                continue
        elif not (c.section == section or c.section.startswith(section + ".")):
            continue
        a = analyser(c.calcul)
        if a is None or len(a.filtres) != 1:
            continue
        ((niveau, groupe),) = a.filtres.items()
        if niveau not in ("pilier", "thematique") or not isinstance(groupe, str):
            continue
        mesure = None
        if a.table == "programmation":
            if a.fonction == "nombre":
                mesure = "projets"
            elif a.fonction == "distinct" and a.colonne == "porteur_canonique":
                mesure = "porteurs"
            elif a.fonction == "somme" and a.colonne in ("droit_commun", "credits_specifiques"):
                mesure = a.colonne
        elif a.table == "feuille_de_route" and a.fonction == "distinct" and a.colonne == "priorite":
            mesure = "priorites"
        if mesure is None:
            continue
        lignes.append(
            {
                "id": c.id,
                "niveau": niveau,
                "groupe": groupe,
                "mesure": mesure,
                "valeur_publiee": c.valeur,
                "libelle": c.libelle,
            }
        )
    return pd.DataFrame(lignes, columns=["id", "niveau", "groupe", "mesure", "valeur_publiee", "libelle"])


def confronter_publies(
    recalcules: pd.DataFrame,
    chiffres: pd.DataFrame,
    ecarts: pd.DataFrame | None,
    niveau: str,
    prefixe: str | None = PREFIXE,
) -> pd.DataFrame:
    """Chaque chiffre publié d'un tableau (``niveau`` : « pilier » ou « thematique ») à côté de sa valeur
    recalculée dans ``recalcules`` (sortie de :func:`indicateurs` ou d'une synthèse, avec une colonne ``priorites``
    facultative). Comparaison et statut de :mod:`politique_ville.published.chiffres` (précision du chiffre publié).
    Colonnes : ``id``, ``groupe``, ``mesure``, ``valeur_publiee``, ``valeur_recalculee``, ``ecart``,
    ``statut`` (« identique », « écart documenté », « écart non expliqué », « non recalculable » quand les tables
    ne donnent pas la valeur), ``explication``."""
    registre = Registre.depuis_tables(chiffres, ecarts)
    pub = chiffres_publies_groupes(chiffres, prefixe)
    pub = pub[pub["niveau"] == niveau]
    rec = recalcules.set_index(niveau)
    lignes = []
    for _, p in pub.iterrows():
        if p["groupe"] not in rec.index or p["mesure"] not in rec.columns:
            continue
        v = rec.loc[p["groupe"], p["mesure"]]
        v = float(v.iloc[0]) if isinstance(v, pd.Series) else float(v)
        c = registre.get(p["id"])
        # une valeur que les tables ne donnent pas est « non recalculable », comme dans le chapitre de concordance
        statut = c.comparer(None if math.isnan(v) else v)
        lignes.append(
            {
                "id": p["id"],
                "groupe": p["groupe"],
                "mesure": p["mesure"],
                "valeur_publiee": p["valeur_publiee"],
                "valeur_recalculee": v,
                "ecart": v - p["valeur_publiee"],
                "statut": str(statut),
                "explication": "" if statut == Statut.IDENTIQUE else c.explication,
            }
        )
    return pd.DataFrame(
        lignes,
        columns=["id", "groupe", "mesure", "valeur_publiee", "valeur_recalculee", "ecart", "statut", "explication"],
    )


def nombre_priorites(feuille_de_route: pd.DataFrame) -> pd.DataFrame:
    """Nombre de priorités de la feuille de route par pilier (colonnes ``pilier``, ``priorites``), à joindre à
    une synthèse des piliers pour confronter les « priorités d'intervention retenues » publiées."""
    fdr = feuille_de_route.dropna(subset=["priorite"])
    out = fdr.groupby("pilier", sort=False)["priorite"].nunique().rename("priorites").reset_index()
    return out


def tableau_avec_publies(
    recalcules: pd.DataFrame, chiffres: pd.DataFrame, ecarts: pd.DataFrame | None, niveau: str
) -> pd.DataFrame:
    """Le tableau recalculé, avec pour chaque mesure la valeur publiée (colonne ``<mesure>_publie``) et un
    résumé de la concordance par ligne (``concordance`` : « identique » ou « écart documenté : porteurs »...)."""
    conf = confronter_publies(recalcules, chiffres, ecarts, niveau)
    conf = conf[conf["mesure"].isin(list(MESURES))].drop_duplicates(["groupe", "mesure"])
    out = recalcules.copy()
    for m in MESURES:
        sel = conf[conf["mesure"] == m].set_index("groupe")["valeur_publiee"]
        out[f"{m}_publie"] = out[niveau].map(sel)
    resume = []
    for g in out[niveau]:
        c = conf[conf["groupe"] == g]
        if c.empty:
            resume.append(str(Statut.NON_PUBLIE))
            continue
        fautes = c[c["statut"] != Statut.IDENTIQUE]
        if fautes.empty:
            resume.append(f"identique ({len(c)} chiffres sur {len(c)})")
        else:
            resume.append(
                "; ".join(
                    f"{s} : {LIBELLES_MESURES.get(m, m).lower()}" for m, s in zip(fautes["mesure"], fautes["statut"])
                )
            )
    out["concordance"] = resume
    return out


# --------------------------------------------------------------------------------------------- actions


def _provenance_montants(dc: str, cs: str) -> str:
    dc, cs = ("" if _vide(x) else str(x) for x in (dc, cs))
    if dc == cs:
        return dc or "non publié"
    return f"droit commun : {dc or 'non publié'} ; crédits spécifiques : {cs or 'non publié'}"


def actions_par_priorite(programmation: pd.DataFrame, feuille_de_route: pd.DataFrame) -> pd.DataFrame:
    """Une ligne par action, avec l'intitulé de sa priorité et de sa sous-priorité (feuille de route).

    Colonnes : ``id_action``, ``pilier_code``, ``pilier``, ``thematique``, ``priorite``, ``libelle_priorite``,
    ``sous_priorite``, ``libelle_sous_priorite``, ``rubrique`` (« 10.1 Prévention illettrisme précoce »,
    « Priorité 6, sans sous-priorité », « Hors priorités de la feuille de route »), ``intitule``, ``porteur``,
    ``communes``, ``droit_commun``, ``credits_specifiques``, ``provenance_montants``, ``sous_priorite_inferee``
    (la sous-priorité a été déduite de l'ordre de la grille, voir la colonne ``source``), ``ligne_reconstruite``
    (action absente des listes du rapport, ligne reconstruite). Ordre : priorité, sous-priorité, puis l'ordre du
    rapport."""
    fdr = feuille_de_route.copy()
    fdr["_sp"] = fdr["sous_priorite"].map(lambda v: "" if _vide(v) else str(v).strip())
    lib_p = {int(p): _libelle_propre(lg) for p, lg, sp in zip(fdr["priorite"], fdr["libelle"], fdr["_sp"]) if sp == ""}
    lib_sp = {sp: _libelle_propre(lg) for lg, sp in zip(fdr["libelle"], fdr["_sp"]) if sp}
    lignes = []
    for _, a in programmation.iterrows():
        p = None if _vide(a["priorite"]) else int(a["priorite"])
        sp = "" if _vide(a["sous_priorite"]) else str(a["sous_priorite"]).strip()
        if p is None:
            rubrique = SANS_PRIORITE
        elif sp:
            rubrique = f"{sp} {lib_sp.get(sp, '')}".strip()
        else:
            rubrique = f"Priorité {p}, {SANS_SOUS_PRIORITE}"
        source = "" if _vide(a.get("source")) else str(a.get("source"))
        lignes.append(
            {
                "id_action": a["id_action"],
                "pilier_code": a["pilier_code"],
                "pilier": a["pilier"],
                "thematique": a["thematique"],
                "priorite": p,
                "libelle_priorite": lib_p.get(p, "") if p else "",
                "sous_priorite": sp,
                "libelle_sous_priorite": lib_sp.get(sp, ""),
                "rubrique": rubrique,
                "intitule": a["intitule"],
                "porteur": a["porteur_canonique"],
                "communes": a["communes"],
                "droit_commun": a["droit_commun"],
                "credits_specifiques": a["credits_specifiques"],
                "provenance_montants": _provenance_montants(
                    a.get("provenance_droit_commun"), a.get("provenance_credits_specifiques")
                ),
                "sous_priorite_inferee": "inférée" in source,
                "ligne_reconstruite": source.startswith("ligne reconstruite"),
            }
        )
    out = pd.DataFrame(lignes)
    if out.empty:
        return out
    out["priorite"] = out["priorite"].astype("Int64")
    out["droit_commun"] = out["droit_commun"].astype(float)
    out["credits_specifiques"] = out["credits_specifiques"].astype(float)
    # ordre de lecture : priorité, puis rang de sous-priorité (actions de la priorité seule en tête) ; à égalité,
    # l'ordre du rapport. Les actions sans priorité viennent en dernier.
    cle_p = out["priorite"].astype("Float64").fillna(math.inf).astype(float)
    cle_sp = [_rang_numerique(sp, p) for sp, p in zip(out["sous_priorite"], out["priorite"])]
    out = out.assign(_p=cle_p, _sp=cle_sp).sort_values(["_p", "_sp"], kind="stable").drop(columns=["_p", "_sp"])
    return out.reset_index(drop=True)


def _rang_numerique(sp: str, p) -> float:
    if not sp or pd.isna(p):
        return 0.0
    r = _rang(sp, int(p))
    return float(r) if r.replace(".", "", 1).isdigit() else math.inf


# --------------------------------------------------------------------------------------------- grille (annexe 1)


def _rang(sp: str, p) -> str:
    """« 10.3 » -> « 3 » (rang de la sous-priorité dans sa priorité)."""
    prefixe = f"{p}."
    return sp[len(prefixe) :].strip(".") if sp.startswith(prefixe) else sp


def placer_dans_grille(programmation: pd.DataFrame, feuille_de_route: pd.DataFrame) -> pd.DataFrame:
    """Place chaque action dans une case de la grille, une seule fois : sa sous-priorité ; à défaut sa priorité
    (case « sans sous-priorité ») ; à défaut la case « Hors priorités » de sa thématique (ex. accès aux droits,
    pilotage). Colonnes de :func:`actions_par_priorite` plus ``case`` (identifiant de la case) et ``libelle_action``
    (« Intitulé – communes (porteur) », comme la grille du rapport)."""
    a = actions_par_priorite(programmation, feuille_de_route)
    if a.empty:
        return a.assign(case=[], libelle_action=[])
    a["case"] = [
        sp if sp else (f"{p}" if not pd.isna(p) else f"hors:{t}")
        for sp, p, t in zip(a["sous_priorite"], a["priorite"], a["thematique"])
    ]
    a["libelle_action"] = [f"{i} – {c} ({po})" for i, c, po in zip(a["intitule"], a["communes"], a["porteur"])]
    return a


def grille_priorites(programmation: pd.DataFrame, feuille_de_route: pd.DataFrame) -> pd.DataFrame:
    """La grille de l'annexe 1 : une ligne par sous-priorité de la feuille de route (y compris celles sans action),
    plus une ligne « sans sous-priorité » pour une priorité qui a des actions rattachées à la priorité seule, plus
    une ligne par thématique pour les actions sans priorité. Aucune action n'est perdue ni comptée deux fois.

    Colonnes : ``priorite`` (Int64, manquante hors priorités), ``libelle_priorite``, ``sous_priorite``,
    ``libelle_sous_priorite``, ``pilier``, ``nombre_actions``, ``actions`` (libellés séparés par « ; »),
    ``id_actions`` (liste d'identifiants)."""
    placees = placer_dans_grille(programmation, feuille_de_route)
    fdr = feuille_de_route.copy()
    fdr["_sp"] = fdr["sous_priorite"].map(lambda v: "" if _vide(v) else str(v).strip())
    lib_p = {int(p): _libelle_propre(lg) for p, lg, sp in zip(fdr["priorite"], fdr["libelle"], fdr["_sp"]) if sp == ""}
    pil_p = {int(p): pi for p, pi, sp in zip(fdr["priorite"], fdr["pilier"], fdr["_sp"]) if sp == ""}

    def ligne(case, p, sp, lib_sp, pilier):
        sel = placees[placees["case"] == case]
        return {
            "priorite": p,
            "libelle_priorite": lib_p.get(p, SANS_PRIORITE) if p is not None else SANS_PRIORITE,
            "sous_priorite": sp,
            "libelle_sous_priorite": lib_sp,
            "pilier": pilier,
            "nombre_actions": len(sel),
            "actions": " ; ".join(sel["libelle_action"]),
            "id_actions": list(sel["id_action"]),
        }

    lignes = []
    for p in sorted(lib_p):
        if (placees["case"] == f"{p}").any():
            lignes.append(ligne(f"{p}", p, "", f"Priorité {p}, {SANS_SOUS_PRIORITE}", pil_p[p]))
        for _, s in fdr[(fdr["priorite"] == p) & (fdr["_sp"] != "")].iterrows():
            lignes.append(ligne(s["_sp"], p, s["_sp"], _libelle_propre(s["libelle"]), pil_p[p]))
    connues = {lg["sous_priorite"] for lg in lignes} | {str(p) for p in lib_p}
    # sous-priorités ou priorités absentes de la feuille de route : gardées, jamais perdues
    for case in dict.fromkeys(placees["case"]):
        if case.startswith("hors:") or case in connues:
            continue
        sel = placees[placees["case"] == case].iloc[0]
        p = None if pd.isna(sel["priorite"]) else int(sel["priorite"])
        lignes.append(ligne(case, p, sel["sous_priorite"], "(absente de la feuille de route)", sel["pilier"]))
    for case in dict.fromkeys(placees["case"]):
        if case.startswith("hors:"):
            t = case[len("hors:") :]
            pilier = placees.loc[placees["case"] == case, "pilier"].iloc[0]
            lignes.append(ligne(case, None, "", t, pilier))
    out = pd.DataFrame(lignes)
    out["priorite"] = out["priorite"].astype("Int64")
    out["nombre_actions"] = out["nombre_actions"].astype(int)
    return out


def matrice_grille(grille: pd.DataFrame) -> pd.DataFrame:
    """Matrice priorités × sous-priorités du nombre d'actions (sortie de :func:`grille_priorites`).

    Lignes : « Priorité n » puis « Hors priorités » ; colonnes : rang de la sous-priorité (« .1 », « .2 »…) puis
    « sans sous-priorité ». Case manquante (NaN) : la sous-priorité n'existe pas dans la feuille de route ;
    0 : elle existe mais aucune action ne s'y rattache."""
    g = grille.copy()
    g["ligne"] = [f"Priorité {int(p)}" if not pd.isna(p) else "Hors priorités" for p in g["priorite"]]
    g["colonne"] = [
        f".{_rang(sp, int(p))}" if sp and not pd.isna(p) else SANS_SOUS_PRIORITE
        for sp, p in zip(g["sous_priorite"], g["priorite"])
    ]
    rangs = sorted(
        {c for c in g["colonne"] if c != SANS_SOUS_PRIORITE},
        key=lambda c: (int(c[1:]) if c[1:].isdigit() else math.inf, c),
    )
    colonnes = rangs + ([SANS_SOUS_PRIORITE] if (g["colonne"] == SANS_SOUS_PRIORITE).any() else [])
    lignes = list(dict.fromkeys(g["ligne"]))
    m = g.pivot_table(index="ligne", columns="colonne", values="nombre_actions", aggfunc="sum")
    m = m.reindex(index=lignes, columns=colonnes)
    m.index.name = "Priorité"
    m.columns.name = "Sous-priorité"
    return m


# --------------------------------------------------------------------------------------------- dispositif (PRE)


def financement_dispositif(programmation: pd.DataFrame, intitule: str, pilier_code: str) -> pd.DataFrame:
    """Crédits CGET d'un dispositif (actions d'intitulé ``intitule``, ex. les programmes de réussite éducative) et
    leur part dans les crédits CGET de son pilier. Une ligne : ``actions``, ``communes`` (distinctes), ``cget``,
    ``cget_pilier``, ``part_pilier`` (%)."""
    sel = programmation[programmation["intitule"].map(lambda v: str(v).strip()) == intitule]
    pilier = programmation[programmation["pilier_code"] == pilier_code]
    cget, cget_pilier = _somme(sel["cget"]), _somme(pilier["cget"])
    part = 100 * cget / cget_pilier if cget_pilier and not math.isnan(cget_pilier) else math.nan
    communes = sel["communes"].dropna().map(lambda v: str(v).strip())
    return pd.DataFrame(
        [
            {
                "actions": len(sel),
                "communes": int(communes[communes != ""].nunique()),
                "cget": cget,
                "cget_pilier": cget_pilier,
                "part_pilier": part,
            }
        ]
    )
