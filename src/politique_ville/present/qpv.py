"""Mise en forme des indicateurs du chapitre 10 et des fiches quartier : valeurs à la française avec leur unité,
écarts signés, rangs, en-têtes de colonnes, et vues des tableaux (colonnes renommées et formats par colonne).

Les calculs sont dans :mod:`politique_ville.compute.qpv` (nombres et tables, sans mise en forme) ; les phrases dans
:mod:`politique_ville.narration.geographie` et :mod:`politique_ville.narration.fiche`. Chaque nombre passe par
:func:`present.nombre_fr` (et ``pourcent``, ``euros``, ``avec_unite``).
"""

from __future__ import annotations

import html
import math

import pandas as pd

from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.present import avec_unite, euros, nombre_fr, pourcent
from politique_ville.reference.designation import Designation


def _manquant(valeur) -> bool:
    return valeur is None or valeur is pd.NA or (isinstance(valeur, float) and math.isnan(valeur))


def formater(code: str, valeur, manquant: str = "—", unite: bool = True) -> str:
    """Une valeur d'indicateur à la française, avec son unité (sans, si ``unite`` est faux : tableaux dont l'en-tête
    donne l'unité) ; un texte (« secret », « non publié ») est gardé."""
    if isinstance(valeur, str):
        return valeur
    if _manquant(valeur):
        return manquant
    i = cq.indicateur(code)
    if not unite:
        return nombre_fr(valeur, i.decimales)
    if i.unite == "%":
        return pourcent(valeur, i.decimales)
    if i.unite.startswith("€"):
        return euros(valeur, i.decimales) + i.unite[1:]
    if i.unite == "indice":
        return nombre_fr(valeur, i.decimales)
    return avec_unite(valeur, "", i.decimales)


def formateur(code: str, manquant: str = "—", unite: bool = True):
    """Fonction de mise en forme d'une colonne de tableau (``Chapitre.tableau(..., formats=...)``)."""
    return lambda v: formater(code, v, manquant, unite)


def entete(code: str, court: bool = True) -> str:
    """En-tête de colonne d'un indicateur, avec son unité : « Moins de 25 ans (%) »."""
    i = cq.indicateur(code)
    return f"{i.court if court else i.libelle} ({i.unite})"


def formater_ecart(code: str, valeur, manquant: str = "—") -> str:
    """Écart signé : « +6,5 pts », « −1,1 pt », « −399 € par mois », « +0,4 »."""
    if isinstance(valeur, str):
        return valeur
    if _manquant(valeur):
        return manquant
    i = cq.indicateur(code)
    texte = nombre_fr(valeur, i.decimales)
    signe = "+" if texte.strip("0,−") != "" and not texte.startswith("−") else ""
    if i.unite == "%":
        return f"{signe}{texte}\u00a0pt" + ("s" if abs(valeur) >= 2 else "")
    if i.unite.startswith("€"):
        return f"{signe}{texte}\u00a0€{i.unite[1:]}"
    return f"{signe}{texte}"


def ecart_court(code: str, valeur: float) -> str:
    """Étiquette de barre : l'écart signé sans unité (« +6,5 », « −1,1 ») ; l'unité est dans le libellé de l'axe."""
    t = nombre_fr(valeur, cq.indicateur(code).decimales)
    return t if t.startswith("−") or t.strip("0,") == "" else "+" + t


def formater_nombre(valeur, manquant: str = cq.NON_PUBLIE) -> str:
    """Valeur d'un tableau où chaque ligne a son unité (colonne « Unité ») : une décimale, sauf au-delà de 100
    (montants en euros, arrondis à l'euro) ; un texte (« secret ») est gardé ; manquant -> ``manquant``."""
    if isinstance(valeur, str):
        return valeur
    if _manquant(valeur):
        return manquant
    return nombre_fr(valeur, 0 if abs(float(valeur)) >= 100 else 1)


def unite_ecart(code: str) -> str:
    """Unité d'un écart, pour un libellé d'axe : « points de % », « € par mois », « indice »."""
    u = cq.indicateur(code).unite
    return "points de %" if u == "%" else u


def rang_texte(valeur) -> str:
    """« 3 » ; un texte (« secret ») est gardé ; manquant -> « — »."""
    if isinstance(valeur, str):
        return valeur
    if _manquant(valeur):
        return "—"
    return str(int(valeur))


def annee_texte(valeur) -> str:
    """Année de reconnaissance d'un quartier : « 2014 », ou « non précisée »."""
    return "non précisée" if _manquant(valeur) else str(valeur)


def nombre_ou(manquant: str, decimales: int | None = None, pour_cent: bool = False):
    """Format de colonne : le nombre à la française (en %, si ``pour_cent``), ``manquant`` s'il manque."""

    def f(v):
        if isinstance(v, str):
            return v
        if _manquant(v):
            return manquant
        if pour_cent:
            return pourcent(v, 1 if decimales is None else decimales)
        return nombre_fr(v, 0 if decimales is None else decimales)

    return f


def chiffre_cle(v) -> str:
    """Valeur d'un chiffre clé : entier sans décimale, sinon une décimale ; « non publié » s'il manque."""
    return cq.NON_PUBLIE if _manquant(v) else nombre_fr(v, 0 if float(v).is_integer() else 1)


# --------------------------------------------------------------------------------------------- vues des tableaux


def vue_chiffres_cles(
    geographie: pd.DataFrame,
    provenances: dict | None = None,
    d: Designation | None = None,
    sans_manquants: bool = False,
) -> dict:
    """Chiffres clés de la géographie prioritaire (``geographie`` : sortie de ``compute.qpv.geographie``) ;
    ``provenances`` (clé -> provenance) : colonne « Provenance ». Le territoire est nommé selon sa nature (``d``) ;
    ``sans_manquants`` (année sans rapport publié) : un chiffre que rien ne donne n'est pas listé (la population
    officielle du territoire est dite par le texte du chapitre)."""
    d = d or Designation()
    cles = [
        "nb_qpv",
        "nb_communes_qpv",
        "nb_qpv_multicommunes",
        "nb_quartiers_communautaires",
        "nb_quartiers_veille",
        "pop_qpv",
        "pop_agglomeration",
        "part_population_qpv",
    ]
    vue = geographie.set_index("cle").loc[cles].reset_index()
    vue["libelle"] = [
        lib.replace("de l'agglomération", d.de) if c in ("pop_agglomeration", "part_population_qpv") else lib
        for c, lib in zip(vue["cle"], vue["libelle"])
    ]
    if sans_manquants:
        vue = vue[vue["valeur"].notna() | ~vue["cle"].isin(["pop_agglomeration", "part_population_qpv"])]
        # un territoire sans quartier communautaire ni de veille (la géographie de l'INSEE seule) : pas de ligne à 0
        vue = vue[~(vue["cle"].isin(["nb_quartiers_communautaires", "nb_quartiers_veille"]) & (vue["valeur"] == 0))]
    colonnes = ["Chiffre", "Valeur", "Unité"]
    if provenances:
        vue["provenance"] = [provenances.get(c, "publié") for c in vue["cle"]]
        colonnes.append("Provenance")
    vue = vue.rename(columns={"libelle": "Chiffre", "valeur": "Valeur", "unite": "Unité", "provenance": "Provenance"})[
        colonnes
    ]
    return {"df": vue, "titre": "Chiffres clés de la géographie prioritaire", "formats": {"Valeur": chiffre_cle}}


def vue_quartiers(
    quartiers: pd.DataFrame,
    population: pd.DataFrame,
    sans_comparaison: bool,
    identites: dict | None = None,
    d: Designation | None = None,
    defaut: str = "publié",
) -> dict:
    """Quartiers, type, communes et population (``population`` : ``compute.qpv.parts_par_quartier`` sur
    ``pop_mun``, indexée par code) ; ``identites`` (code -> provenance du nom, du statut, de la commune) : colonne
    « Provenance de l'identité » (``defaut`` : celle d'une identité non listée). Sans part de la population du
    territoire connue, la colonne n'est pas montrée."""
    d = d or Designation()
    col_part = f"Part de la population {d.de} (%)"
    vue = quartiers.assign(
        population=[v if v == v else cq.NON_DISPONIBLE for v in quartiers["pop_mun"].astype("float64")],
        part=quartiers["code_qp"].map(population["part_agglomeration"]),
        provenance=[
            population["provenance"].get(c, "non disponible (quartier non couvert par l'INSEE)")
            for c in quartiers["code_qp"]
        ],
    )[["code_qp", "quartier", "type_libelle", "annee_reconnaissance", "communes", "population", "part", "provenance"]]
    vue.columns = [
        "Code",
        "Quartier",
        "Type",
        "Année de reconnaissance",
        "Communes",
        "Population (habitants)",
        col_part,
        "Provenance de la population",
    ]
    if pd.to_numeric(vue[col_part], errors="coerce").isna().all() and defaut != "publié":
        vue = vue.drop(columns=col_part)
    if identites:
        vue["Provenance de l'identité"] = [identites.get(c, defaut) for c in quartiers["code_qp"]]
    part_manquante = cq.NON_PUBLIE if sans_comparaison else "n.d."
    return {
        "df": vue,
        "titre": "Quartiers de la géographie prioritaire et leurs communes",
        "formats": {
            "Population (habitants)": formateur("pop_mun"),
            col_part: nombre_ou(part_manquante, 2, pour_cent=True),
            "Année de reconnaissance": annee_texte,
        },
    }


def vue_communes(communes: pd.DataFrame, supposes: dict | None = None, defaut: str = "publié") -> dict:
    """Communes de la géographie prioritaire (sortie de ``compute.qpv.communes_de_la_geographie``) ; ``supposes``
    (commune -> quartiers dont le rattachement à la commune est supposé) : colonne « Provenance du rattachement »."""
    vue = communes.copy()
    vue.columns = [
        "Commune",
        "Nombre de QPV",
        "QPV",
        "Nombre de quartiers communautaires ou de veille",
        "Quartiers communautaires ou de veille",
    ]
    if supposes is not None:
        vue["Provenance du rattachement"] = [
            f"supposé : {', '.join(supposes[c])}" if c in supposes else defaut for c in vue["Commune"]
        ]
    return {
        "df": vue,
        "titre": "Communes de la géographie prioritaire",
        "formats": {"Nombre de QPV": nombre_fr, "Nombre de quartiers communautaires ou de veille": nombre_fr},
    }


#: Au-delà de ce nombre de fiches, la liste des fiches (chapitre 10, index du rapport) est groupée par région,
#: département et commune, avec un champ de recherche ; en deçà, une simple liste.
SEUIL_FICHES_GROUPEES = 50

#: groupe des quartiers dont la commune n'est pas dans le Code officiel géographique (codes locaux « LOC- » sans
#: code commune, code inconnu) : rangés sous leur commune seulement
HORS_COG = "Communes hors du Code officiel géographique"


def rattachement_fiches(qpv_communes: pd.DataFrame, cog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Région, département et commune de chaque quartier, d'après sa première commune (``rang`` 1 de la table
    nettoyée ``insee_qpv_communes``) et le Code officiel géographique (``cog`` : ``territoires.communes(alias=True)``,
    lu par défaut ; un arrondissement ou une commune déléguée a le département de sa commune). Colonnes
    ``code_qp``, ``region``, ``departement`` (noms, « » hors COG), ``commune`` (nom de la table)."""
    from politique_ville.reference import territoires

    if cog is None:
        cog = territoires.communes(alias=True)
    noms_dep = dict(zip(*(territoires.departements()[c] for c in ("code", "nom"))))
    noms_reg = dict(zip(*(territoires.regions()[c] for c in ("code", "nom"))))
    # une commune déléguée peut avoir le code de sa commune nouvelle : la commune actuelle d'abord
    cog = cog.assign(_actuelle=(cog["type"] != "COM").astype(int)).sort_values("_actuelle", kind="stable")
    cog = cog.drop_duplicates("code").set_index("code")
    qc = qpv_communes.sort_values(["code_qp", "rang"] if "rang" in qpv_communes else ["code_qp"], kind="stable")
    premiere = qc.drop_duplicates("code_qp")
    lignes = []
    for code_qp, commune, code_insee in zip(
        premiere["code_qp"], premiere["commune"], premiere.get("code_insee", [None] * len(premiere))
    ):
        dep = reg = ""
        if isinstance(code_insee, str) and code_insee in cog.index:
            dep_code, reg_code = cog.at[code_insee, "departement"], cog.at[code_insee, "region"]
            dep = f"{noms_dep.get(dep_code, dep_code)} ({dep_code})" if dep_code else ""
            reg = noms_reg.get(reg_code, reg_code) if reg_code else ""
        lignes.append(
            (
                code_qp,
                reg,
                dep,
                str(commune) if isinstance(commune, str) and commune.strip() else "Commune non indiquée",
            )
        )
    return pd.DataFrame(lignes, columns=["code_qp", "region", "departement", "commune"])


def _sans_accents(texte: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c)).lower()


#: filtre de la liste groupée des fiches : garde les fiches dont le texte (quartier, communes, département, région,
#: sans accents ni majuscules) contient la recherche, ouvre les groupes qui en ont, cache les autres
FILTRE_FICHES = r"""(function () {
  var bloc = document.currentScript.previousElementSibling, champ = bloc.querySelector("input.filtre-fiches");
  var compte = bloc.querySelector(".compte-fiches"), fiches = bloc.querySelectorAll("li.fiche");
  var sans = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  champ.addEventListener("input", function () {
    var q = sans(champ.value.trim()), n = 0;
    fiches.forEach(function (li) { li.hidden = q !== "" && li.dataset.recherche.indexOf(q) < 0; if (!li.hidden) n++; });
    bloc.querySelectorAll("details, .commune-fiches").forEach(function (g) {
      var k = g.querySelectorAll("li.fiche:not([hidden])").length;
      g.hidden = k === 0;
      if (g.tagName === "DETAILS" && q !== "") g.open = k > 0;
    });
    var un = bloc.dataset.un || "fiche", plusieurs = bloc.dataset.plusieurs || "fiches";
    compte.textContent = q === "" ? "" : (n === 0 ? (bloc.dataset.aucun || "aucune fiche ne correspond") : n === 1 ? "1 " + un : n + " " + plusieurs);
  });
})();"""


def fiches_groupees_html(
    fiches: list[dict], unite: tuple[str, str] = ("fiche", "fiches"), par_commune: bool = True
) -> str:
    """Liste des fiches groupée par région, département et commune (blocs dépliables, ``<details>``), précédée d'un
    champ de recherche (petit script intégré ; sans JavaScript, la liste reste complète). ``fiches`` : dicts
    ``lien``, ``titre`` (texte du lien), ``detail`` (texte après le lien, facultatif), ``region``, ``departement``,
    ``commune`` ; région et département vides : groupe :data:`HORS_COG`, rangé sous la commune seulement. Tout est
    échappé. ``unite`` : ce que la liste compte (singulier, pluriel ; des territoires pour l'index d'un lot) ;
    ``par_commune=False`` : groupes de région et de département seulement (les éléments n'ont pas de commune)."""
    e = html.escape
    un, plusieurs = unite
    if not par_commune:
        fiches = [{**f, "commune": ""} for f in fiches]

    def compte(n):
        return f"{nombre_fr(n)} {un if n <= 1 else plusieurs}"

    def cle(f):
        hors = not (f.get("region") or f.get("departement"))
        return (hors, _sans_accents(f.get("region") or ""), f.get("departement") or "", _sans_accents(f["commune"]))

    arbre: dict = {}
    for f in sorted(fiches, key=cle):
        hors = not (f.get("region") or f.get("departement"))
        reg = HORS_COG if hors else (f.get("region") or "Région non déterminée")
        dep = None if hors else (f.get("departement") or "Département non déterminé")
        arbre.setdefault(reg, {}).setdefault(dep, {}).setdefault(f["commune"], []).append(f)

    def item(f):
        detail = f" — {e(f['detail'])}" if f.get("detail") else ""
        texte = " ".join(str(f.get(k) or "") for k in ("titre", "detail", "commune", "departement", "region"))
        return (
            f'<li class="fiche" data-recherche="{e(_sans_accents(texte))}"><a href="{e(f["lien"])}">{e(f["titre"])}'
            f"</a>{detail}</li>"
        )

    def communes(par_commune):
        if not par_commune.keys() - {""}:  # sans communes : la liste directement sous le département
            return "".join(f"<ul>{''.join(item(f) for f in fs)}</ul>" for fs in par_commune.values())
        return "".join(
            f'<div class="commune-fiches"><p class="commune">{e(c)} <span class="nb">({compte(len(fs))})</span></p>'
            f"<ul>{''.join(item(f) for f in fs)}</ul></div>"
            for c, fs in par_commune.items()
        )

    seule_region = len(arbre) == 1
    blocs = []
    for reg, par_dep in arbre.items():
        n_reg = sum(len(fs) for d in par_dep.values() for fs in d.values())
        interieur = "".join(
            communes(par_commune)
            if dep is None
            else f'<details{" open" if len(par_dep) == 1 else ""}><summary>{e(dep)} <span class="nb">'
            f"({compte(sum(len(fs) for fs in par_commune.values()))})</span></summary>{communes(par_commune)}</details>"
            for dep, par_commune in par_dep.items()
        )
        blocs.append(
            f'<details{" open" if seule_region else ""}><summary>{e(reg)} <span class="nb">({compte(n_reg)})'
            f"</span></summary>{interieur}</details>"
        )
    recherche = (
        "une fiche (quartier, commune, département, région)"
        if unite[0] == "fiche"
        else f"un {e(un)} (nom, code, département, région)"
    )
    attributs = (
        ""
        if unite[0] == "fiche"
        else (f' data-un="{e(un)}" data-plusieurs="{e(plusieurs)}" data-aucun="aucun {e(un)} ne correspond"')
    )
    style = (
        "<style>.fiches-groupees details { margin: .2rem 0 .2rem 1rem; } .fiches-groupees summary { cursor: pointer; "
        "font-weight: bold; color: #14406b; } .fiches-groupees .nb { font-weight: normal; color: #5a6b7d; } "
        ".fiches-groupees p.commune { margin: .4rem 0 0 1rem; font-style: italic; } .fiches-groupees ul { margin: "
        ".1rem 0 .3rem 1rem; } .fiches-groupees input { font: inherit; padding: .2rem .4rem; min-width: 18rem; }</style>"
    )
    return (
        f'{style}<div class="fiches-groupees"{attributs}><p><label>Rechercher {recherche}\u00a0: '
        f'<input type="search" class="filtre-fiches"></label> <span class="compte-fiches" '
        f'aria-live="polite"></span></p><p class="note">{compte(len(fiches))}, par région, département'
        f"{' et commune' if par_commune else ''}.</p>" + "".join(blocs) + f"</div><script>\n{FILTRE_FICHES}\n</script>"
    )


def liste_fiches_html(
    liens: pd.DataFrame, supposes: dict | None = None, qpv_communes: pd.DataFrame | None = None, cog=None
) -> str:
    """Liste HTML (échappée) des fiches produites : lien, quartier, type, communes ; « » si aucune. ``supposes``
    (code -> « (supposé : statut, commune) ») : marque des identités supposées. Plus de
    :data:`SEUIL_FICHES_GROUPEES` fiches et ``qpv_communes`` donné : liste groupée par région, département et commune
    avec un champ de recherche (:func:`fiches_groupees_html`, rattachement par :func:`rattachement_fiches`)."""
    avec_fiche = liens[liens["lien"].notna()]
    if avec_fiche.empty:
        return ""
    e = html.escape
    supposes = supposes or {}
    if qpv_communes is not None and len(avec_fiche) > SEUIL_FICHES_GROUPEES:
        ratt = rattachement_fiches(qpv_communes, cog).set_index("code_qp")
        fiches = []
        for lien, q, t, c, k in zip(
            avec_fiche["lien"],
            avec_fiche["quartier"],
            avec_fiche["type_libelle"],
            avec_fiche["communes"],
            avec_fiche["code_qp"],
        ):
            r = ratt.loc[k] if k in ratt.index else None
            fiches.append(
                {
                    "lien": lien,
                    "titre": q,
                    "detail": f"{t}, {c}" + (f" {supposes[k]}" if k in supposes else ""),
                    "region": "" if r is None else r["region"],
                    "departement": "" if r is None else r["departement"],
                    "commune": (c.split(", ")[0] if c else "Commune non indiquée") if r is None else r["commune"],
                }
            )
        return fiches_groupees_html(fiches)
    return (
        "<ul>"
        + "".join(
            f'<li><a href="{e(lien)}">{e(q)}</a> — {e(t)}, {e(c)}{" " + e(supposes[k]) if k in supposes else ""}</li>'
            for lien, q, t, c, k in zip(
                avec_fiche["lien"],
                avec_fiche["quartier"],
                avec_fiche["type_libelle"],
                avec_fiche["communes"],
                avec_fiche["code_qp"],
            )
        )
        + "</ul>"
    )


#: la convention des rangs, la même partout (chapitre et fiches) : rang 1 = situation la plus défavorable selon le
#: sens du registre des indicateurs
CONVENTION_RANG = (
    "Rang 1 = situation la plus défavorable (valeur la plus élevée d'un indicateur défavorable quand il est élevé, "
    "la plus faible d'un indicateur favorable — taux d'emploi, revenu —, la plus élevée d'un indicateur ni l'un ni "
    "l'autre)"
)

#: en-tête de la colonne du niveau « QPV du territoire » (règle du registre : jamais une moyenne de médianes)
COL_QPV_TERRITOIRE = "QPV du territoire"
COL_REGLE = "Calcul des QPV du territoire"


def vue_synthese(
    synthese: pd.DataFrame, niveaux_ind: pd.DataFrame | None = None, d: Designation | None = None, manquant: str = ""
) -> dict:
    """Indicateurs des QPV comparés aux niveaux de référence (sortie de ``compute.qpv.synthese``) : le niveau
    « QPV du territoire » (règle du registre, une médiane avec l'étendue des QPV), puis seulement les niveaux qui
    ont au moins une valeur — la moyenne des QPV publiée par un rapport, le territoire nommé par sa nature (``d`` :
    « Agglomération », « Métropole », « Département »…), le territoire hors QPV, les QPV du département, de la région,
    de France —, l'écart au territoire quand il est connu, les secrets, et l'origine de chaque niveau quand des
    niveaux sont calculés (``niveaux_ind`` : ``compute.qpv.niveaux_indicateurs``). ``manquant`` : marque d'une case
    vide d'un niveau montré (« non publié », « non reçu »)."""
    d = d or Designation()
    manquant = manquant or cq.NON_PUBLIE
    index = None if niveaux_ind is None or niveaux_ind.empty else niveaux_ind.set_index(["code", "niveau"])

    def cellule(code, niveau, v):
        if index is not None and (code, niveau) in index.index:
            r = index.loc[(code, niveau)]
            r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
            return valeur_niveau(code, r["valeur"], r["origine"], r["minimum"], r["maximum"], manquant, unite=True)
        return formater(code, v, manquant)

    df = pd.DataFrame(
        {
            "Indicateur": [cq.indicateur(c).court for c in synthese["code"]],
            "Unité": synthese["unite"].to_numpy(),
            COL_QPV_TERRITOIRE: [
                valeur_niveau(c, v, o, mi, ma, manquant, unite=True)
                for c, v, o, mi, ma in zip(
                    synthese["code"],
                    synthese["qpv_territoire"],
                    synthese["regle"],
                    synthese["minimum_qpv"],
                    synthese["maximum_qpv"],
                )
            ],
            COL_REGLE: [o or "—" for o in synthese["regle"]],
        }
    )
    libelles = {
        cq.NIVEAU_MOYENNE_QPV: "Moyenne des QPV (publiée)",
        cq.NIVEAU_AGGLO: d.colonne,
        cq.NIVEAU_HORS_QPV: d.hors_qpv,
        cq.NIVEAU_QPV_DEPARTEMENT: "QPV du département",
        cq.NIVEAU_QPV_REGION: "QPV de la région",
        cq.NIVEAU_QPV_FRANCE: "QPV de France",
    }
    for niveau, libelle in libelles.items():
        if niveau in synthese.columns and synthese[niveau].notna().any():
            df[libelle] = [cellule(c, niveau, v) for c, v in zip(synthese["code"], synthese[niveau])]
    if synthese["ecart_agglomeration"].notna().any():
        df[f"Écart QPV − {d.nature}"] = [
            formater_ecart(c, v, manquant) for c, v in zip(synthese["code"], synthese["ecart_agglomeration"])
        ]
    df["QPV en secret statistique"] = synthese["nb_secrets"].to_numpy()
    if index is not None:
        df["Origine du niveau"] = [_origines(niveaux_ind, c) for c in synthese["code"]]
    return {
        "df": df,
        "titre": "Indicateurs des QPV comparés aux niveaux de référence",
        "formats": {"QPV en secret statistique": nombre_fr},
    }


def vue_comparaison(
    comp: pd.DataFrame,
    code: str,
    manquantes: pd.DataFrame | None,
    d: Designation | None = None,
    manquant: str = cq.NON_PUBLIE,
) -> dict:
    """Les QPV sur un indicateur (``comp`` : sortie de ``compute.qpv.comparaison``) : rang (1 = situation la plus
    défavorable), valeur (ou « secret »), écarts au niveau des QPV du territoire et au territoire (nommé selon sa
    nature, ``d``) quand il est connu, provenance."""
    d = d or Designation()
    i = cq.indicateur(code)
    niveau = comp["niveau_ecart"].iloc[0]
    col_ecart = f"Écart {d.a}" + (" hors QPV" if niveau == cq.NIVEAU_HORS_QPV else "")
    secret = comp["marque"].notna()
    vue = comp.assign(
        valeur=cq.avec_marques(comp["valeur"], comp["code_qp"], code, cq.motifs(manquantes)),
        ecart_qpv_territoire=[("—" if m else x) for m, x in zip(secret, comp["ecart_qpv_territoire"])],
        ecart_reference=[("—" if m else x if x == x else manquant) for m, x in zip(secret, comp["ecart_reference"])],
    )[["rang", "quartier", "communes", "valeur", "ecart_qpv_territoire", "ecart_reference", "provenance"]]
    col_rang = entete_rang(code).replace(i.court, "Rang")
    vue.columns = [
        col_rang,
        "Quartier",
        "Communes",
        entete(code),
        "Écart aux QPV du territoire",
        col_ecart,
        "Provenance",
    ]
    if comp["ecart_reference"].isna().all():  # aucun niveau du territoire : pas de colonne vide
        vue = vue.drop(columns=col_ecart)
    return {
        "df": vue,
        "titre": f"{i.libelle} par QPV",
        "formats": {
            col_rang: rang_texte,
            entete(code): formateur(code),
            "Écart aux QPV du territoire": lambda v: formater_ecart(code, v),
            col_ecart: lambda v: formater_ecart(code, v, manquant),
        },
    }


def vue_parts(parts: pd.DataFrame, publies: dict, d: Designation | None = None, manquant: str = cq.NON_PUBLIE) -> dict:
    """Part des QPV dans le total du territoire (``parts`` : ``compute.qpv.parts_agglomeration``), avec la part
    publiée par un rapport (``publies`` : ``compute.qpv.valeurs_publiees``) quand il y en a une ; le territoire nommé
    selon sa nature (``d``)."""
    d = d or Designation()
    vue = parts.copy()
    vue["publie"] = [
        publies[c][0] if c in publies and c not in ("abcde_f", "abcde_h") else float("nan") for c in vue["code"]
    ]
    total, part_ = f"Total {d.de}", "Part des QPV (%)"
    vue = vue[["theme", "indicateur", "unite", "total_qpv", "total_agglomeration", "part_qpv", "publie"]]
    vue.columns = ["Thème", "Effectif", "Unité", "Total des QPV", total, part_, "Part publiée (%)"]
    if not publies:
        vue = vue.drop(columns="Part publiée (%)")
        if vue[total].isna().all():  # ni total du territoire ni part : le total des QPV seul
            vue = vue.drop(columns=[total, part_])
    return {
        "df": vue,
        "titre": f"Part des QPV dans le total {d.de}",
        "formats": {
            "Total des QPV": nombre_fr,
            total: nombre_ou(manquant),
            part_: nombre_ou(manquant, 1, pour_cent=True),
            "Part publiée (%)": nombre_ou(cq.NON_PUBLIE, 0, pour_cent=True),
        },
    }


def vues_effectifs(effectifs: pd.DataFrame, qpv: pd.DataFrame, simules: set | None = None) -> list[dict]:
    """Effectifs par QPV, en deux tableaux (population et emploi ; économie et situation sociale), sans ceux dont
    aucun effectif n'est dans le fichier de l'année (``effectifs`` : ``compute.qpv.effectifs_par_quartier``)."""
    vues = []
    for titre, themes in (
        ("Effectifs par QPV : population et emploi", ("Démographie", "Emploi")),
        ("Effectifs par QPV : économie et situation sociale", ("Économie", "Social")),
    ):
        codes = [i.code for i in cq.indicateurs("effectif", qpv) if i.theme in themes]
        if codes:
            vue = marquer_simules(effectifs, codes, simules)[["quartier"] + codes].rename(
                columns={"quartier": "Quartier"} | {c: entete(c) for c in codes}
            )
            vues.append({"df": vue, "titre": titre, "formats": {entete(c): formateur(c, unite=False) for c in codes}})
    return vues


SECRET_SIMULE = "secret (simulé)"


def marquer_simules(df: pd.DataFrame, codes: list[str], simules: set | None) -> pd.DataFrame:
    """Cases « secret » dont la valeur simule le secret statistique (``simules`` : (code_qp, variable)) écrites
    « secret (simulé) » ; ``df`` a une colonne ``code_qp``."""
    if not simules:
        return df
    df = df.copy()
    for c in codes:
        if c in df.columns:
            df[c] = [SECRET_SIMULE if v == cq.SECRET and (q, c) in simules else v for q, v in zip(df["code_qp"], df[c])]
    return df


def vue_valeurs(valeurs: pd.DataFrame, codes: list[str], simules: set | None = None) -> dict:
    """Indicateurs par QPV (``valeurs`` : ``compute.qpv.valeurs_par_quartier``) ; ``simules`` : cases qui simulent le
    secret statistique (:func:`marquer_simules`)."""
    entetes = {c: entete(c) for c in codes}
    vue = (
        marquer_simules(valeurs, codes, simules)
        .drop(columns="code_qp")
        .rename(columns={"quartier": "Quartier"} | entetes)
    )
    return {
        "df": vue,
        "titre": "Indicateurs par QPV",
        "formats": {entetes[c]: formateur(c, unite=False) for c in codes},
    }


def vue_rangs(rangs: pd.DataFrame, codes: list[str], simules: set | None = None) -> dict:
    """Rang des QPV sur chaque indicateur (``rangs`` : ``compute.qpv.classement_marque``)."""
    courts = {c: entete_rang(c) for c in codes}  # la convention dans chaque en-tête : « (1 = le plus élevé) »
    vue = (
        marquer_simules(rangs, codes, simules).drop(columns="code_qp").rename(columns={"quartier": "Quartier"} | courts)
    )
    return {
        "df": vue,
        "titre": "Rang des QPV sur chaque indicateur (1 = situation la plus défavorable)",
        "formats": {courts[c]: rang_texte for c in codes},
    }


def vue_secrets(secrets: pd.DataFrame, simules: set | None = None) -> dict:
    """Valeurs des QPV couvertes par le secret statistique ; colonne « Provenance » : « simulé » pour une case qui
    simule le secret (``simules``), « secret statistique » sinon."""
    vue = secrets[["code_qp", "quartier", "indicateur", "motif"]].copy()
    vue["provenance"] = [
        "simulé (secret statistique simulé pour éprouver la règle : valeur non publiée par le "
        "rapport, non masquée par l'INSEE)"
        if (c, v) in (simules or set())
        else "secret statistique"
        for c, v in zip(secrets["code_qp"], secrets["variable"])
    ]
    vue.columns = ["Code", "Quartier", "Indicateur", "Motif", "Provenance"]
    return {"df": vue, "titre": "Valeurs des QPV couvertes par le secret statistique"}


def vue_resume_manquantes(resume: pd.DataFrame) -> dict:
    vue = resume.assign(type_quartier=resume["type_quartier"].map(lambda t: cq.TYPES_QUARTIER.get(t, t)))
    vue.columns = ["Type de quartier", "Motif", "Cases vides", "Quartiers concernés"]
    return {
        "df": vue,
        "titre": "Cases vides des indicateurs par motif",
        "formats": {"Cases vides": nombre_fr, "Quartiers concernés": nombre_fr},
    }


def vue_concordance(conc: pd.DataFrame) -> dict:
    """Chiffres publiés du chapitre et valeurs recalculées (lignes de la concordance)."""
    vue = conc.assign(
        publie=[
            ("≈ " if a else "") + avec_unite(v, u)
            for v, u, a in zip(conc["valeur_publiee"], conc["unite"], conc["approximatif"])
        ],
        recalcule=[avec_unite(v, u, 2 if u == "%" else None) for v, u in zip(conc["valeur_recalculee"], conc["unite"])],
    )[["section", "libelle", "publie", "recalcule", "statut", "explication"]]
    vue.columns = ["Section", "Chiffre", "Publié", "Recalculé", "Statut", "Explication de l'écart"]
    return {
        "df": vue,
        "titre": "Chiffres publiés du chapitre et valeurs recalculées",
        "droite": ["Publié", "Recalculé"],
    }


# --------------------------------------------------------------------------------------------- fiche quartier


def vue_identite(ident: dict, provenance: str | None = None) -> dict:
    """Identité d'un quartier (``ident`` : ``compute.qpv.fiche_identite``) ; ``provenance`` (« publié », « statut :
    supposé ; population : reconstruit ») : colonne « Provenance »."""
    pop = ident["pop_mun"]
    ligne = {
        "Code": ident["code_qp"],
        "Quartier": ident["quartier"],
        "Type": ident["type_libelle"],
        "Communes": ", ".join(ident["communes"]),
        "Année de reconnaissance": ident["annee_reconnaissance"],
        "Population (habitants)": pop if pop == pop else cq.NON_DISPONIBLE,
    }
    if provenance is not None:
        ligne["Provenance"] = provenance
    vue = pd.DataFrame([ligne])
    return {
        "df": vue,
        "titre": "Identité du quartier",
        "formats": {"Population (habitants)": formateur("pop_mun"), "Année de reconnaissance": annee_texte},
    }


def vue_fiche_indicateurs(fiche: pd.DataFrame, d: Designation | None = None, manquant: str = cq.NON_PUBLIE) -> dict:
    """Indicateurs d'un quartier (``fiche`` : ``compute.qpv.fiche_indicateurs``) : sa valeur, son rang (1 = situation
    la plus défavorable), le niveau des QPV du territoire, le territoire (nommé selon sa nature, ``d``) et les QPV du
    département quand ils ont une valeur."""
    d = d or Designation()
    vue = fiche[
        [
            "theme",
            "indicateur",
            "unite",
            "valeur",
            "rang",
            "nb_classes",
            "qpv_territoire",
            "agglomeration",
            "qpv_departement",
            "provenance",
        ]
    ].copy()
    # une case vide qui imite le secret (provenance « simulé ») le dit à sa place, pas seulement dans la Provenance
    vue["valeur"] = [
        f"{v} (simulé)" if isinstance(v, str) and p == "simulé" else v for v, p in zip(vue["valeur"], vue["provenance"])
    ]
    rang = "Rang parmi les QPV (1 = situation la plus défavorable)"
    vue.columns = [
        "Thème",
        "Indicateur",
        "Unité",
        "Valeur du quartier",
        rang,
        "QPV classés",
        COL_QPV_TERRITOIRE,
        d.colonne,
        "QPV du département",
        "Provenance de la valeur",
    ]
    for c in (d.colonne, "QPV du département"):
        if pd.to_numeric(vue[c], errors="coerce").isna().all() and len(vue):
            vue = vue.drop(columns=c)
    return {
        "df": vue,
        "titre": "Indicateurs du quartier comparés aux niveaux de référence",
        "formats": {
            "Valeur du quartier": formater_nombre,
            rang: rang_texte,
            "QPV classés": nombre_fr,
            COL_QPV_TERRITOIRE: lambda v: formater_nombre(v, manquant),
            d.colonne: lambda v: formater_nombre(v, manquant),
            "QPV du département": lambda v: formater_nombre(v, manquant),
        },
    }


def vue_fiche_effectifs(effectifs: pd.DataFrame, d: Designation | None = None) -> dict:
    """Effectifs d'un quartier (``effectifs`` : ``compute.qpv.fiche_effectifs``) ; la part du territoire seulement
    quand son total est connu."""
    d = d or Designation()
    vue = effectifs[["indicateur", "unite", "valeur", "part_qpv", "part_agglomeration", "provenance"]].copy()
    col = f"Part {d.de} (%)"
    vue.columns = [
        "Effectif",
        "Unité",
        "Valeur du quartier",
        "Part de l'ensemble des QPV (%)",
        col,
        "Provenance de la valeur",
    ]
    if len(vue) and pd.to_numeric(vue[col], errors="coerce").isna().all():
        vue = vue.drop(columns=col)
    return {
        "df": vue,
        "titre": "Effectifs du quartier",
        "formats": {
            "Valeur du quartier": nombre_ou("—"),
            "Part de l'ensemble des QPV (%)": nombre_ou("—", 1, pour_cent=True),
            col: nombre_ou(cq.NON_PUBLIE, 2, pour_cent=True),
        },
    }


def vue_actions(actions: pd.DataFrame) -> dict:
    """Actions de la programmation situées dans la ou les communes d'un quartier."""
    vue = actions[
        [
            "id_action",
            "intitule",
            "thematique",
            "porteur",
            "communes_quartier",
            "credits_specifiques",
            "cget",
            "droit_commun",
            "provenance_montants",
        ]
    ].copy()
    vue.columns = [
        "Action",
        "Intitulé",
        "Thématique",
        "Porteur",
        "Commune",
        "Crédits spécifiques (€)",
        "Crédits CGET (€)",
        "Droit commun (€)",
        "Provenance des montants",
    ]
    return {
        "df": vue,
        "titre": "Actions de la programmation situées dans la ou les communes du quartier",
        "formats": {"Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros, "Droit commun (€)": euros},
    }


def vue_synthese_actions(synthese: pd.DataFrame) -> dict:
    vue = synthese.copy()
    vue.columns = ["Pilier", "Thématique", "Actions", "Crédits spécifiques (€)", "Crédits CGET (€)"]
    return {
        "df": vue,
        "titre": "Actions de la ou des communes du quartier par thématique",
        "formats": {"Actions": nombre_fr, "Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros},
    }


def vue_intercommunales(inter: pd.DataFrame) -> dict:
    vue = inter.copy()
    vue.columns = ["Périmètre", "Actions", "Crédits spécifiques (€)", "Crédits CGET (€)"]
    return {
        "df": vue,
        "titre": "Actions intercommunales (comptées à part)",
        "formats": {"Actions": nombre_fr, "Crédits spécifiques (€)": euros, "Crédits CGET (€)": euros},
    }


# --------------------------------------------------------------------------------------------- niveaux et thèmes


def valeur_niveau(
    code: str,
    valeur,
    origine: str | None = None,
    minimum=None,
    maximum=None,
    manquant: str = cq.NON_PUBLIE,
    unite: bool = False,
) -> str:
    """Valeur d'un niveau de comparaison ; une médiane des QPV (origine « médiane des QPV ») avec l'étendue des
    valeurs des QPV, telle quelle : « 1 083 (833–1 333) » (jamais une moyenne de médianes)."""
    texte = formater(code, valeur, manquant, unite)
    if origine == cn.MEDIANE and not _manquant(valeur) and not _manquant(minimum) and not _manquant(maximum):
        texte += f" ({formater(code, minimum, unite=False)}–{formater(code, maximum, unite=False)})"
    return texte


def _origines(niveaux_ind: pd.DataFrame, code: str) -> str:
    """« calculé : QPV du département, QPV de la région ; reçu : Agglomération » pour un indicateur."""
    sel = niveaux_ind[(niveaux_ind["code"] == code) & (niveaux_ind["niveau"] != cq.NIVEAU_QPV_TERRITOIRE)]
    par_origine: dict[str, list[str]] = {}
    for n, o in zip(sel["niveau"], sel["origine"]):
        par_origine.setdefault(o, []).append(n)
    return " ; ".join(f"{o} : {', '.join(n)}" for o, n in par_origine.items()) or "—"


def vue_niveaux_theme(nom: str, niveaux_ind: pd.DataFrame) -> dict:
    """Niveaux de comparaison des indicateurs d'un thème (``compute.qpv.Theme.niveaux``), une ligne par indicateur
    et niveau : valeur (médiane des QPV avec son étendue), origine du niveau, QPV agrégés, valeurs manquantes."""
    vue = pd.DataFrame(
        {
            "Indicateur": [cq.indicateur(c).court for c in niveaux_ind["code"]],
            "Unité": [cq.indicateur(c).unite for c in niveaux_ind["code"]],
            "Niveau": niveaux_ind["niveau"].values,
            "Territoire": [
                t if isinstance(t, str) and t else n
                for t, n in zip(niveaux_ind["libelle_territoire"], niveaux_ind["niveau"])
            ],
            "Valeur": [
                valeur_niveau(c, v, o, mi, ma)
                for c, v, o, mi, ma in zip(
                    niveaux_ind["code"],
                    niveaux_ind["valeur"],
                    niveaux_ind["origine"],
                    niveaux_ind["minimum"],
                    niveaux_ind["maximum"],
                )
            ],
            "Origine du niveau": niveaux_ind["origine"].values,
            "QPV agrégés": niveaux_ind["nb_qpv"].values,
            "Valeurs manquantes laissées de côté": niveaux_ind["nb_secrets"].values,
        }
    )
    return {
        "df": vue,
        "titre": f"{nom} : niveaux de comparaison",
        "droite": ["Valeur"],
        "formats": {"QPV agrégés": nombre_ou("—"), "Valeurs manquantes laissées de côté": nombre_ou("—")},
    }


def vue_valeurs_theme(nom: str, valeurs: pd.DataFrame, codes: list[str], simules: set | None = None) -> dict:
    """Valeurs des QPV sur les indicateurs d'un thème (``compute.qpv.Theme.valeurs``), à la précision du registre,
    unité dans l'en-tête ; « secret », « secret (simulé) », « n.d. » gardés."""
    vue = vue_valeurs(valeurs, codes, simules)
    return vue | {"titre": f"{nom} : valeurs par QPV"}


def entete_rang(code: str) -> str:
    """En-tête d'une colonne de rangs orientés : « Taux d'emploi (1 = le plus faible) »."""
    return f"{cq.indicateur(code).court} (1 = {'le plus faible' if cq.sens_du_rang(code) == cq.SENS_FAIBLE else 'le plus élevé'})"


def vue_rangs_theme(nom: str, rangs: pd.DataFrame, codes: list[str], simules: set | None = None) -> dict:
    """Rangs orientés des QPV (``compute.qpv.Theme.rangs``) : rang 1 = situation la plus défavorable (sens du
    registre, dans l'en-tête de chaque colonne)."""
    entetes = {c: entete_rang(c) for c in codes}
    vue = (
        marquer_simules(rangs, codes, simules)
        .drop(columns="code_qp")
        .rename(columns={"quartier": "Quartier"} | entetes)
    )
    return {
        "df": vue,
        "titre": f"{nom} : rang des QPV (rang 1 = situation la plus défavorable)",
        "formats": {entetes[c]: rang_texte for c in codes},
    }


def vue_ecarts_theme(nom: str, ecarts: pd.DataFrame, niveaux_ind: pd.DataFrame) -> dict | None:
    """Écarts de chaque QPV à chaque niveau de comparaison (``compute.qpv.Theme.ecarts``), une colonne par
    indicateur de taux et niveau qui a une valeur (``niveaux_ind`` : ``compute.qpv.Theme.niveaux``) : « Taux
    d'emploi − QPV du département » ; None si le thème n'a pas de taux."""
    if ecarts.empty:
        return None
    presents = set(zip(niveaux_ind["code"], niveaux_ind["niveau"]))
    niveaux = [c for c in ecarts.columns if c not in ("code_qp", "quartier", "code", "valeur")]
    quartiers = ecarts.drop_duplicates("code_qp")[["code_qp", "quartier"]].reset_index(drop=True)
    vue = pd.DataFrame({"Quartier": quartiers["quartier"].values})
    formats = {}
    for code in dict.fromkeys(ecarts["code"]):
        e = ecarts[ecarts["code"] == code].set_index("code_qp")
        for n in niveaux:
            if (code, n) in presents:
                colonne = f"{cq.indicateur(code).court} − {n}"
                vue[colonne] = [e.at[c, n] for c in quartiers["code_qp"]]
                formats[colonne] = (lambda k: lambda v: formater_ecart(k, v))(code)
    return {"df": vue, "titre": f"{nom} : écarts des QPV aux niveaux de comparaison", "formats": formats}


def vue_colonnes_inconnues(qpv: pd.DataFrame, colonnes: list[str]) -> dict:
    """Les colonnes que le registre ne connaît pas, telles quelles, par quartier (jamais écartées en silence)."""
    vue = qpv[["code_qp", "nom_qp", *colonnes]].copy()
    vue.insert(1, "Quartier", [cq.nom_quartier(c, n) for c, n in zip(vue["code_qp"], vue.pop("nom_qp"))])
    vue = vue.rename(columns={"code_qp": "Code"})
    return {
        "df": vue,
        "titre": "Colonnes non reconnues par le registre des indicateurs",
        "formats": {c: nombre_ou("—", 2) if pd.api.types.is_numeric_dtype(qpv[c]) else str for c in colonnes},
    }


def vue_fiche_theme(nom: str, fiche: pd.DataFrame, manquant: str = cq.NON_PUBLIE) -> dict:
    """Un quartier sur les indicateurs d'un thème (lignes de ``compute.qpv.fiche_par_theme``) : valeur, rang orienté
    (rang 1 = situation la plus défavorable), et pour chaque niveau de comparaison sa valeur et l'écart du
    quartier (« 27,0 ; écart +3,0 pts », une médiane des QPV avec son étendue), provenance de la valeur. Une
    variable de contexte (population de la commune) n'a ni rang ni niveau (« — ») ; ``manquant`` : la marque d'un
    niveau sans valeur (« non publié », « non reçu »)."""
    niveaux = [c for c in fiche.columns if f"ecart:{c}" in fiche.columns]
    niveaux = [n for n in niveaux if fiche[n].notna().any()]
    vue = pd.DataFrame(
        {
            "Indicateur": fiche["indicateur"].values,
            "Unité": fiche["unite"].values,
            "Valeur du quartier": [formater(c, v, "—", unite=False) for c, v in zip(fiche["code"], fiche["valeur"])],
            "Rang parmi les QPV (1 = situation la plus défavorable)": [
                "—"
                if _manquant(r)
                else f"{int(r)} sur {int(n)} ({'valeur la plus faible' if s == cq.SENS_FAIBLE else 'valeur la plus élevée'} = 1)"
                for r, n, s in zip(fiche["rang"], fiche["nb_classes"], fiche["sens"])
            ],
        }
    )
    for n in niveaux:
        vue[f"{n} (écart du quartier)"] = [
            "—"
            if g == "contexte"
            else manquant
            if _manquant(v)
            else valeur_niveau(c, v, o, mi, ma) + ("" if _manquant(e) else f" ; écart {formater_ecart(c, e)}")
            for g, c, v, e, o, mi, ma in zip(
                fiche["genre"] if "genre" in fiche.columns else [None] * len(fiche),
                fiche["code"],
                fiche[n],
                fiche[f"ecart:{n}"],
                fiche[f"origine:{n}"],
                fiche[f"minimum:{n}"],
                fiche[f"maximum:{n}"],
            )
        ]
    vue["Provenance de la valeur"] = fiche["provenance"].values
    return {
        "df": vue,
        "titre": f"{nom} : le quartier comparé",
        "droite": ["Valeur du quartier", *[f"{n} (écart du quartier)" for n in niveaux]],
    }
