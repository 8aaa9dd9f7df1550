"""Mise en forme des indicateurs du chapitre 10 et des fiches quartier : valeurs à la française avec leur unité,
écarts signés, rangs, en-têtes de colonnes, et vues des tableaux (colonnes renommées et formats par colonne).

Les calculs sont dans :mod:`politique_ville.compute.qpv` (nombres et tables, sans mise en forme) ; les phrases dans
:mod:`politique_ville.narration.geographie` et :mod:`politique_ville.narration.fiche`. Chaque nombre passe par
:func:`formats.nombre_fr` (et ``pourcent``, ``euros``, ``avec_unite``).
"""

from __future__ import annotations

import pandas as pd

from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.formats import (
    annee_texte,
    avec_unite,
    chiffre_cle,
    entete,
    entete_rang,
    formater,
    formater_ecart,
    formateur,
    nombre_fr,
    nombre_ou,
    rang_texte,
    valeur_absente,
)
from politique_ville.narration import geographie as ng
from politique_ville.reference.designation import Designation

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
        origines = _origines_par_code(niveaux_ind)
        df["Origine du niveau"] = [origines.get(c, "—") for c in synthese["code"]]
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
    if (
        origine == cn.MEDIANE
        and not valeur_absente(valeur)
        and not valeur_absente(minimum)
        and not valeur_absente(maximum)
    ):
        texte += f" ({formater(code, minimum, unite=False)}–{formater(code, maximum, unite=False)})"
    return texte


def _origines_par_code(niveaux_ind: pd.DataFrame) -> dict[str, str]:
    """Pour chaque indicateur, « calculé : QPV du département, QPV de la région ; reçu : Agglomération » : ses niveaux
    (hors « QPV du territoire ») dans l'ordre des lignes, regroupés par origine dans l'ordre où elles apparaissent ;
    en un seul passage sur les lignes (un filtre par indicateur coûtait 2 ms chacun)."""
    par_code: dict[str, dict[str, list[str]]] = {}
    for c, n, o in zip(niveaux_ind["code"], niveaux_ind["niveau"], niveaux_ind["origine"]):
        if n != cq.NIVEAU_QPV_TERRITOIRE:
            par_code.setdefault(c, {}).setdefault(o, []).append(n)
    return {
        c: " ; ".join(f"{o} : {', '.join(n)}" for o, n in par_origine.items()) or "—"
        for c, par_origine in par_code.items()
    }


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
    # colonnes lues une fois en listes ; la ligne de chaque (indicateur, quartier) trouvée dans un dictionnaire
    codes, qps = ecarts["code"].tolist(), ecarts["code_qp"].tolist()
    valeurs = {n: ecarts[n].tolist() for n in niveaux}
    ligne: dict = {}
    for i, cle in enumerate(zip(codes, qps)):
        ligne.setdefault(cle, i)
    colonnes: dict = {"Quartier": quartiers["quartier"].values}
    formats = {}
    for code in dict.fromkeys(codes):
        for n in niveaux:
            if (code, n) in presents:
                colonne = f"{cq.indicateur(code).court} − {n}"
                colonnes[colonne] = [valeurs[n][ligne[(code, c)]] for c in quartiers["code_qp"]]
                formats[colonne] = (lambda k: lambda v: formater_ecart(k, v))(code)
    vue = pd.DataFrame(colonnes)
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


def vues_theme(f: ng.Faits, theme: cq.Theme) -> list[dict]:
    """Les tableaux d'un thème (``compute.qpv.themes``), avec leurs notes : niveaux de comparaison, valeurs par QPV,
    rangs orientés, écarts aux niveaux (indicateurs de taux). Chaque dict se passe à ``ctx.tableau(**vue)``."""
    simules = ng.cellules_simulees(f)
    vues = []
    if len(theme.niveaux):
        vue = vue_niveaux_theme(theme.nom, theme.niveaux) | {"note": ng.NOTE_NIVEAUX_THEME}
        if f.provenance is not None:
            vue["df"]["Provenance"] = [
                ng.provenance_niveau(f, c, n) for c, n in zip(theme.niveaux["code"], theme.niveaux["niveau"])
            ]
        vues.append(vue)
    vues.append(
        vue_valeurs_theme(theme.nom, theme.valeurs, theme.codes, simules)
        | {"note": ng.note_valeurs(f), "provenance": ng.provenance_tableau(f, "valeurs")}
    )
    vues.append(
        vue_rangs_theme(theme.nom, theme.rangs, theme.classes, simules)
        | {
            "note": ng.sens_des_rangs(theme.classes)
            + ng.si_reconstruit(f, " Rangs calculés sur des valeurs reconstruites.")
            + (
                " Population de la commune du quartier : variable de contexte, jamais classée."
                if len(theme.classes) < len(theme.codes)
                else ""
            ),
            "provenance": ng.provenance_tableau(f, "rangs"),
        }
    )
    ecarts = vue_ecarts_theme(theme.nom, theme.ecarts, theme.niveaux)
    if ecarts is not None:
        effectifs = [c for c in theme.codes if c not in theme.taux]
        vues.append(
            ecarts
            | {
                "provenance": ng.pv.note(
                    ng.pv.RECONSTRUIT, "Écarts calculés sur des valeurs par quartier reconstruites."
                )
                if f.reconstruit
                else None,
                "note": "Écart = valeur du quartier − valeur du niveau (en points pour un %) ; « — » : "
                "valeur du quartier couverte par le secret statistique."
                + (
                    " Les effectifs ne se comparent pas par écart : leur part dans le total "
                    f"est au chapitre « Poids des QPV dans {f.d.le} »."
                    if effectifs
                    else ""
                ),
            }
        )
    return vues


def vue_synthese_des_faits(f: ng.Faits) -> dict:
    """Le tableau « Indicateurs des QPV comparés aux niveaux de référence » (``present_qpv.vue_synthese``) : le niveau
    « QPV du territoire » selon la règle du registre, les niveaux qui ont une valeur nommés selon le territoire, et,
    quand des niveaux sont calculés, l'origine de chacun."""
    synth = f.synth.reset_index()  # ``compute.qpv.synthese`` des faits, calculée une fois
    niveaux_ind = (
        cq.niveaux_indicateurs(f.qpv, f.refs, f.niveaux, f.provenance, list(synth["code"]))
        if ng.a_des_niveaux_calcules(f)
        else None
    )
    return vue_synthese(synth, niveaux_ind, f.d, f.manquant)
