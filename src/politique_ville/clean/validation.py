"""Validation des tables brutes et traitées avec Great Expectations (suites écrites en code).

- Une suite par table brute (colonnes présentes, clés renseignées et uniques, au moins une ligne) et par table
  traitée (types, montants ≥ 0, taux dans [0, 100], format des codes de quartier, communes du territoire, piliers,
  thématiques et priorités permis, et rien de perdu ni d'inventé : mêmes nombres de lignes et mêmes totaux que le brut).
- Toutes les tables sont validées dans un seul processus ; les résultats sont publiés en Data Docs.
- Les suites sont construites à partir des schémas (``schemas.py``) et des référentiels : rien du territoire ici.
- Pas de cache ici : la validation est une étape du runner, réutilisée comme les autres quand ses entrées déclarées
  (fichiers bruts, tables nettoyées, référentiels, code) n'ont pas changé (``runner/cache.py``, une seule règle).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from politique_ville.base.catalog import COLONNE_LIGNE
from politique_ville.base.valeurs import ValeurIllisible, lire_nombre
from politique_ville.clean.datadocs import rendre_hors_ligne
from politique_ville.clean.nettoyage import Referentiels
from politique_ville.reference.indicateurs import colonnes_non_reconnues as non_reconnues
from politique_ville.reference.indicateurs import par_variable
from politique_ville.reference.schemas import (
    GENRES_NUMERIQUES,
    MOTIF_CODE_QP,
    PROVENANCES,
    SCHEMAS,
    genre_implicite,
    renommages_colonnes,
)

MAX_LIGNES_FAUTIVES = 10

#: Libellés français des attentes, pour les messages d'erreur.
LIBELLES = {
    "expect_column_to_exist": "la colonne existe",
    "expect_table_row_count_to_be_between": "la table a au moins une ligne",
    "expect_table_row_count_to_equal": "même nombre de lignes que le fichier brut",
    "expect_column_values_to_not_be_null": "valeurs renseignées",
    "expect_column_values_to_be_unique": "valeurs uniques",
    "expect_compound_columns_to_be_unique": "combinaison de valeurs unique",
    "expect_column_values_to_be_between": "valeurs dans l'intervalle permis",
    "expect_column_values_to_be_in_type_list": "type de la colonne",
    "expect_column_values_to_match_regex": "format du code",
    "expect_column_values_to_be_in_set": "valeurs dans la liste permise",
    "expect_column_sum_to_be_between": "même total que le fichier brut",
}


class ValidationEchouee(Exception):
    """Au moins une attente n'est pas satisfaite : le message liste chaque attente en échec (table, colonne,
    jusqu'à 10 lignes fautives du fichier d'origine)."""


@dataclass
class Echec:
    table: str
    etape: str
    attente: str
    colonne: str
    detail: str
    lignes: list[int] = field(default_factory=list)
    #: toutes les lignes fautives (``lignes`` : les 10 premières, pour les messages) : un lot de territoires écarte
    #: chaque territoire qui en a une
    toutes_lignes: list[int] = field(default_factory=list)

    def texte(self) -> str:
        ou = f"colonne « {self.colonne} »" if self.colonne else "table"
        lignes = f" — lignes {', '.join(map(str, self.lignes))}" if self.lignes else ""
        return f"{self.table} ({self.etape}), {ou} : {LIBELLES.get(self.attente, self.attente)} : {self.detail}{lignes}"


@dataclass
class RapportValidation:
    succes: bool
    attentes: int
    echecs: list[Echec]
    par_table: list[dict]
    duree: float = 0.0
    docs: str = ""
    #: (table, colonne) des tables INSEE que le registre des indicateurs ne connaît pas : « colonnes non reconnues »,
    #: gardées telles quelles (aucune attente de type ni d'intervalle ne porte sur elles)
    non_reconnues: list[tuple[str, str]] = field(default_factory=list)

    def colonnes_non_reconnues(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"table": t, "colonne non reconnue": c} for t, c in self.non_reconnues],
            columns=["table", "colonne non reconnue"],
        )

    def resume(self) -> pd.DataFrame:
        return pd.DataFrame(self.par_table, columns=["table", "étape", "attentes", "réussies", "échecs"])

    def echecs_tableau(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "table": e.table,
                    "étape": e.etape,
                    "colonne": e.colonne,
                    "attente": LIBELLES.get(e.attente, e.attente),
                    "détail": e.detail,
                    "lignes du fichier": ", ".join(map(str, e.lignes)),
                }
                for e in self.echecs
            ]
        )

    def message(self) -> str:
        entete = f"Validation échouée : {len(self.echecs)} attente(s) non satisfaite(s) sur {self.attentes}."
        return "\n".join(
            [entete]
            + [f"  - {e.texte()}" for e in self.echecs]
            + ["Aucun chapitre n'a été produit ; les tables traitées précédentes sont intactes."]
        )

    def lever_si_echec(self):
        if not self.succes:
            raise ValidationEchouee(self.message())


# --------------------------------------------------------------------------------------------- suites


@dataclass
class Attente:
    """Une attente à construire en objet Great Expectations (import paresseux)."""

    type: str
    kwargs: dict


def _vers_gx(df: pd.DataFrame) -> pd.DataFrame:
    """Types que Great Expectations sait vérifier : textes en ``object``, entiers nullables en ``float64``."""
    sortie = {}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.StringDtype) or s.dtype == object or str(s.dtype) == "str":
            sortie[c] = s.astype(object).where(s.notna(), None)
        elif str(s.dtype) in ("Int64", "Float64", "boolean"):
            sortie[c] = s.astype("float64") if str(s.dtype) != "boolean" else s.astype(object)
        else:
            sortie[c] = s
    return pd.DataFrame(sortie, index=df.index)


def attentes_brutes(table: str, brut: pd.DataFrame) -> list[Attente]:
    """Attentes d'une table brute, en-têtes de l'INSEE déjà ramenés aux noms internes (:func:`brut_renomme`) ; une
    colonne qui a une valeur par défaut (``type_quartier`` d'un fichier de l'INSEE) n'est exigée que si elle est
    là."""
    schema = SCHEMAS[table]
    a = [Attente("ExpectTableRowCountToBeBetween", {"min_value": 1})]
    for c in schema.colonnes:
        if c.obligatoire and (c.defaut is None or c.nom in brut.columns):
            a.append(Attente("ExpectColumnToExist", {"column": c.nom}))
    filtre = _filtre_total(schema)
    for c in schema.colonnes:
        if c.non_vide and c.genre in ("id",) and c.nom in brut.columns:
            a.append(Attente("ExpectColumnValuesToNotBeNull", {"column": c.nom, **filtre}))
    if len(schema.cle) == 1 and schema.cle[0] in brut.columns:
        a.append(Attente("ExpectColumnValuesToBeUnique", {"column": schema.cle[0], **filtre}))
    return a


def brut_renomme(table: str, brut: pd.DataFrame) -> pd.DataFrame:
    """La table brute avec les en-têtes de l'INSEE ramenés aux noms internes (« CODGEO » -> « code_qp »), comme le
    nettoyage les lit ; les valeurs ne changent pas. Un en-tête ambigu est laissé tel quel : le nettoyage l'a déjà
    signalé."""
    try:
        renommages = renommages_colonnes(table, [c for c in brut.columns if c != COLONNE_LIGNE])
    except ValueError:
        return brut
    return brut.rename(columns=renommages) if renommages else brut


#: Marqueur des attentes qui ne portent que sur les lignes de détail (pas sur les lignes de total imprimées).
SANS_TOTAUX = {"sans_totaux": True}


def _filtre_total(schema) -> dict:
    return dict(SANS_TOTAUX) if schema.ligne_total else {}


def _kwargs_gx(kwargs: dict) -> dict:
    """Traduit le marqueur « sans totaux » en condition de ligne Great Expectations."""
    if not kwargs.get("sans_totaux"):
        return kwargs
    from great_expectations.expectations.row_conditions import Column

    k = {c: v for c, v in kwargs.items() if c != "sans_totaux"}
    k["row_condition"] = Column("est_total") == False  # noqa: E712 (expression de condition GX)
    return k


# Longue : la liste déclarative des attentes de chaque table nettoyée, table après table.
def attentes_traitees(
    table: str, traitee: pd.DataFrame, brut: pd.DataFrame | None, refs: Referentiels, traitees: dict[str, pd.DataFrame]
) -> list[Attente]:
    """Attentes d'une table traitée ; ``brut`` sert aux contrôles « rien de perdu ni d'inventé »."""
    a: list[Attente] = []
    schema = SCHEMAS.get(table)
    if brut is not None:
        a.append(Attente("ExpectTableRowCountToEqual", {"value": int(len(brut))}))
    if schema is None:
        return a + _attentes_derivees(table, traitee, refs)
    filtre = _filtre_total(schema)
    colonnes = [(c.nom, c.genre, c) for c in schema.colonnes if c.nom in traitee.columns]
    colonnes += [
        (c, genre_implicite(table, c), None)
        for c in traitee.columns
        if genre_implicite(table, c) and schema.colonne(c) is None
    ]
    registre = _registre_insee(schema)
    colonnes += [
        (c, registre[c].genre, None)
        for c in traitee.columns
        if c in registre and schema.colonne(c) is None and not genre_implicite(table, c)
    ]
    for nom, genre, col in colonnes:
        if genre in GENRES_NUMERIQUES:
            if nom in registre:  # indicateur du registre (data/reference/indicateurs_qpv.csv) : type et bornes
                a.extend(_attentes_du_registre(registre[nom], nom, filtre))
            else:
                a.append(
                    Attente("ExpectColumnValuesToBeInTypeList", {"column": nom, "type_list": ["float64", "int64"]})
                )
                if genre == "taux":
                    a.append(
                        Attente("ExpectColumnValuesToBeBetween", {"column": nom, "min_value": 0, "max_value": 100})
                    )
                elif genre != "nombre":
                    a.append(Attente("ExpectColumnValuesToBeBetween", {"column": nom, "min_value": 0, **filtre}))
            if genre == "montant" and brut is not None and nom in brut.columns and not (col and col.unite_brute):
                total = _total_brut(brut[nom])
                if total is not None:
                    a.append(
                        Attente(
                            "ExpectColumnSumToBeBetween",
                            {"column": nom, "min_value": total - 0.5, "max_value": total + 0.5},
                        )
                    )
        elif genre == "code_qp":
            a.append(Attente("ExpectColumnValuesToMatchRegex", {"column": nom, "regex": MOTIF_CODE_QP}))
        elif genre in ("pilier", "thematique", "type_porteur"):
            codes = sorted(refs.nomenclature.loc[refs.nomenclature["type"] == genre, "code"])
            a.append(Attente("ExpectColumnValuesToBeInSet", {"column": f"{nom}_code", "value_set": codes}))
        elif genre == "priorite" and refs.feuille_de_route is not None and table != "feuille_de_route":
            a.append(
                Attente(
                    "ExpectColumnValuesToBeInSet",
                    {"column": nom, "value_set": sorted(float(x) for x in refs.feuille_de_route["priorite"].dropna())},
                )
            )
        elif genre == "sous_priorite" and refs.feuille_de_route is not None and table != "feuille_de_route":
            a.append(
                Attente(
                    "ExpectColumnValuesToBeInSet",
                    {"column": nom, "value_set": sorted(refs.feuille_de_route["sous_priorite"].dropna())},
                )
            )
        elif genre == "provenance":
            a.append(Attente("ExpectColumnValuesToBeInSet", {"column": nom, "value_set": list(PROVENANCES)}))
        elif genre == "porteur":
            a.append(
                Attente(
                    "ExpectColumnValuesToBeInSet",
                    {"column": nom, "value_set": sorted(set(refs.porteurs["porteur_canonique"]))},
                )
            )
        if col is not None and col.non_vide:
            a.append(Attente("ExpectColumnValuesToNotBeNull", {"column": nom, **filtre}))
    if len(schema.cle) == 1:
        a.append(Attente("ExpectColumnValuesToBeUnique", {"column": schema.cle[0], **filtre}))
    elif schema.cle:
        a.append(Attente("ExpectCompoundColumnsToBeUnique", {"column_list": list(schema.cle), **filtre}))
    return a


def _registre_insee(schema) -> dict:
    """Le registre des indicateurs (variable -> définition) pour une table de la famille INSEE, sinon vide."""
    if schema is None or schema.famille != "insee":
        return {}

    return par_variable()


def _attentes_du_registre(d, nom: str, filtre: dict) -> list[Attente]:
    """Attentes d'un indicateur d'après le registre : colonne numérique, valeurs dans [minimum, maximum]."""
    a = [Attente("ExpectColumnValuesToBeInTypeList", {"column": nom, "type_list": ["float64", "int64"]})]
    bornes = {k: v for k, v in (("min_value", d.minimum), ("max_value", d.maximum)) if v is not None}
    if bornes:
        a.append(Attente("ExpectColumnValuesToBeBetween", {"column": nom, **bornes, **filtre}))
    return a


def colonnes_non_reconnues(traitees: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(table, colonne) des tables INSEE nettoyées que le registre des indicateurs ne connaît pas."""

    return [
        (t, c)
        for t, df in sorted(traitees.items())
        if t in SCHEMAS and SCHEMAS[t].famille == "insee" and t != "insee_provenance"
        for c in non_reconnues(df.columns)
    ]


def brut_de_la_table(
    table: str, bruts: dict[str, pd.DataFrame], traitees: dict[str, pd.DataFrame]
) -> pd.DataFrame | None:
    """La table brute d'une table traitée, pour « rien de perdu ni d'inventé » (en-têtes ramenés aux noms internes).
    Fichier de l'INSEE plus large que le territoire : ``insee_qpv`` répond des seules lignes du territoire, et
    ``insee_qpv_comparaison`` de tout le fichier."""
    if table == "insee_qpv_comparaison":
        return brut_renomme("insee_qpv", bruts["insee_qpv"]) if "insee_qpv" in bruts else None
    if table not in bruts:
        return None
    brut = brut_renomme(table, bruts[table])
    if (
        table == "insee_qpv"
        and "insee_qpv_comparaison" in traitees
        and COLONNE_LIGNE in brut.columns
        and COLONNE_LIGNE in traitees[table].columns
    ):
        gardees = set(pd.to_numeric(traitees[table][COLONNE_LIGNE]).astype(int))
        brut = brut[pd.to_numeric(brut[COLONNE_LIGNE]).astype(int).isin(gardees)]
    return brut


def _attentes_derivees(table, traitee, refs: Referentiels) -> list[Attente]:
    a = []
    if "commune" in traitee.columns:
        permis = sorted(set(refs.communes["nom_officiel"]) | set(refs.perimetres["nom"]))
        a.append(Attente("ExpectColumnValuesToBeInSet", {"column": "commune", "value_set": permis}))
        a.append(Attente("ExpectColumnValuesToNotBeNull", {"column": "commune"}))
    if "code_qp" in traitee.columns:
        a.append(Attente("ExpectColumnValuesToMatchRegex", {"column": "code_qp", "regex": MOTIF_CODE_QP}))
    if "motif" in traitee.columns:
        a.append(
            Attente(
                "ExpectColumnValuesToBeInSet",
                {"column": "motif", "value_set": ["secret statistique", "non disponible"]},
            )
        )
    return a


def _total_brut(serie: pd.Series) -> float | None:
    total = 0.0
    for v in serie:
        try:
            x = lire_nombre(v, "montant")
        except ValeurIllisible:
            return None
        if not np.isnan(x):
            total += x
    return total


# --------------------------------------------------------------------------------------------- exécution


def valider(
    bruts: dict[str, pd.DataFrame], traitees: dict[str, pd.DataFrame], refs: Referentiels, *, docs_dir: Path
) -> RapportValidation:
    """Valide toutes les tables (brutes puis traitées) en un seul contexte Great Expectations et publie les Data
    Docs dans ``docs_dir``."""
    t0 = time.perf_counter()
    rapport = _valider_gx(bruts, traitees, refs, Path(docs_dir))
    rapport.duree = time.perf_counter() - t0
    return rapport


def _valider_gx(bruts, traitees, refs, docs_dir: Path) -> RapportValidation:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # contexte en mémoire : un contexte sur fichiers réécrit et relit sa configuration YAML à chaque ajout (un
    # tiers du temps de la validation) ; seules les Data Docs vont sur le disque, dans ``docs_dir``
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(docs_dir, ignore_errors=True)
    ctx.add_data_docs_site(
        site_name="rapport",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            # ni boutons ni bandeau de tutoriel de Great Expectations dans un rapport partagé
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_how_to_buttons": False},
        },
    )
    source = ctx.data_sources.add_pandas("politique_ville")
    travaux = []
    for table, brut in sorted(bruts.items()):
        if table in SCHEMAS:
            brut = brut_renomme(table, brut)
            df = brut.replace("", None) if not brut.empty else brut
            if SCHEMAS[table].ligne_total:
                col, val = SCHEMAS[table].ligne_total
                df = df.assign(est_total=df[col].fillna("").str.strip().str.upper() == val.upper())
            travaux.append((table, "brut", df, attentes_brutes(table, brut)))
    for table, traitee in sorted(traitees.items()):
        brut = brut_de_la_table(table, bruts, traitees)
        travaux.append((table, "traité", _vers_gx(traitee), attentes_traitees(table, traitee, brut, refs, traitees)))
    echecs, par_table, n = [], [], 0
    for table, etape, df, attentes in travaux:
        nom = f"{table}_{'brut' if etape == 'brut' else 'traite'}"
        asset = source.add_dataframe_asset(nom)
        definition = asset.add_batch_definition_whole_dataframe("complet")
        suite = gx.ExpectationSuite(name=nom, meta={"table": table, "etape": etape})
        for at in attentes:
            suite.add_expectation(getattr(gx.expectations, at.type)(**_kwargs_gx(at.kwargs)))
        suite = ctx.suites.add(suite)
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=nom, data=definition, suite=suite))
        point = ctx.checkpoints.add(
            gx.Checkpoint(name=f"controle_{nom}", validation_definitions=[vd], result_format="COMPLETE", actions=[])
        )
        resultat = point.run(batch_parameters={"dataframe": df})
        ok = 0
        for res in resultat.run_results.values():
            for r in res.results:
                n += 1
                if r.success:
                    ok += 1
                    continue
                echecs.append(_echec(table, etape, r, df))
        par_table.append(
            {
                "table": table,
                "étape": etape,
                "attentes": len(attentes),
                "réussies": ok,
                "échecs": len(attentes) - ok,
            }
        )
    ctx.build_data_docs(site_names=["rapport"])  # une seule construction des Data Docs, pour toutes les tables
    rendre_hors_ligne(docs_dir)  # styles et scripts copiés à côté des pages : lisibles sans Internet
    rapport = RapportValidation(
        not echecs,
        n,
        echecs,
        par_table,
        docs=str(docs_dir / "index.html"),
        non_reconnues=colonnes_non_reconnues(traitees),
    )
    return rapport


def _echec(table, etape, r, df) -> Echec:
    cfg = r.expectation_config
    kw = cfg.kwargs
    res = r.result or {}
    colonne = kw.get("column") or ", ".join(kw.get("column_list", []) or [])
    index = res.get("unexpected_index_list") or []
    lignes = []
    if COLONNE_LIGNE in df.columns:
        for i in index:
            i = i.get(COLONNE_LIGNE, i) if isinstance(i, dict) else i
            try:
                lignes.append(int(df.loc[i, COLONNE_LIGNE]))
            except (KeyError, TypeError, ValueError):
                pass
    if "observed_value" in res:
        detail = f"observé {res['observed_value']}"
        for borne in ("value", "min_value", "max_value"):
            if borne in kw and kw[borne] is not None:
                detail += f", attendu {borne.replace('_value', '').replace('value', '=')} {kw[borne]}"
    elif res.get("unexpected_count"):
        valeurs = ", ".join(map(str, (res.get("partial_unexpected_list") or [])[:MAX_LIGNES_FAUTIVES]))
        detail = f"{res['unexpected_count']} valeur(s) fautive(s) : {valeurs}"
    elif getattr(r, "exception_info", None) and r.exception_info.get("raised_exception"):
        detail = f"erreur : {r.exception_info.get('exception_message')}"
    else:
        detail = "non satisfaite"
    return Echec(table, etape, cfg.type, colonne, detail, lignes[:MAX_LIGNES_FAUTIVES], lignes)
