"""Un lot de territoires : un fichier de paramètres qui nomme un ensemble (``territoires:``) au lieu d'un territoire.

1. les territoires candidats de l'ensemble (``parametres.ensemble_de_territoires``, référentiel officiel) ;
2. ceux qui ont au moins un quartier prioritaire dans le fichier des quartiers de l'INSEE
   (``nettoyage.epci_des_quartiers``, fichier brut lu une fois) ; aucun : erreur qui dit ce que le fichier contient ;
3. pour chacun, l'exécution d'un territoire seul (:class:`run.Execution`, avec ses verrous, son cache, ses restes,
   son instantané des entrées), paramètres ``{annee, territoire: {niveau, code, nom}}`` et les autres paramètres du
   fichier, rapport dans ``<rapports>/<code>-<nom court>/``, tables dans ``<tables>/<code>/`` ; les noyaux Jupyter
   sont démarrés une fois pour tout le lot et prêtés à chaque territoire ;
4. un territoire en échec (nettoyage, validation…) est écarté, les autres publiés ; l'index du lot
   (``<rapports>/index.html``) les range par région et département, avec leurs chiffres clés, et le résumé dit
   lesquels sont écartés et pourquoi.

Les règles d'une exécution s'appliquent territoire par territoire : un territoire dont rien n'a changé est réutilisé
(« Rien n'a changé ») ; un lot interrompu reprend, à l'exécution suivante, là où il s'était arrêté.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from politique_ville.base.catalog import Catalogue, ecrire_atomique
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.clean.nettoyage import TABLES_INSEE, epci_des_quartiers
from politique_ville.formats import majuscule_initiale, nombre_fr
from politique_ville.reference import territoires
from politique_ville.reference.parametres import ensemble_de_territoires
from politique_ville.report.edition import chiffres_cles
from politique_ville.report.export import STYLE_PAGE, date_fr
from politique_ville.report.fiches import fiches_groupees_html

from .cache import MANIFESTE
from .display import Progression
from .kernels import PoolNoyaux
from .lock import Verrou, Verrous
from .lot_anterieures import AnneeAnterieureDuLot, preparer_les_annees_anterieures, tables_anterieures
from .lot_tables import PreparationDuLot, preparer_le_lot

#: fichier du lot à côté de son index : territoires publiés et écartés (et marque d'un dossier de lot)
FICHIER_LOT = "lot.json"


def nom_court(nom: str, longueur: int = 40) -> str:
    """Nom de dossier d'un territoire : son nom officiel en minuscules, sans accents, mots reliés par « - »
    (« Toulouse Métropole » -> « toulouse-metropole »), au plus ``longueur`` caractères."""
    texte = unicodedata.normalize("NFD", str(nom))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    texte = re.sub(r"[^a-z0-9]+", "-", texte).strip("-")
    return texte[:longueur].rstrip("-") or "territoire"


def territoires_publies(base: Path) -> list[tuple[Path, str]]:
    """Les territoires publiés du lot dont ``base`` est le dossier (son ``lot.json``) : dossier du rapport de chacun
    et son nom, dans l'ordre de l'index ; :class:`EchecExecution` si ``base`` ne tient pas de lot."""
    try:
        lot = json.loads((Path(base) / FICHIER_LOT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise EchecExecution(
            f"{base} ne tient pas de lot de territoires ({FICHIER_LOT} absent ou illisible)."
        ) from None
    return [
        (Path(base) / r["dossier"], r["nom"])
        for r in lot.get("resultats", [])
        if r.get("statut") == "publié" and (Path(base) / r["dossier"] / "index.html").is_file()
    ]


def parametres_du_territoire(params: dict, territoire) -> dict:
    """Les paramètres d'un territoire du lot : ceux du fichier, « territoires » remplacé par « territoire » (tel que
    ``charger_parametres`` le normalise pour un territoire donné par son code)."""
    p = {k: v for k, v in params.items() if k not in ("territoires", "territoire")}
    propres = dict((params.get("territoires") or {}).get("par_territoire", {}).get(territoire.code, {}))
    nom = propres.pop("nom", territoire.nom)
    p["territoire"] = {"niveau": territoire.niveau, "code": territoire.code, "nom": nom}
    p.update(propres)
    return p


@dataclass
class TerritoireDuLot:
    code: str
    nom: str
    dossier: str  # nom du dossier du rapport, dans celui du lot
    region: str = ""
    departement: str = ""
    statut: str = ""  # « publié », « écarté »
    raison: str = ""
    duree: float = 0.0


def rattachement_epci(codes: list[str]) -> dict[str, tuple[str, str]]:
    """Région et département (noms, « Haute-Garonne (31) ») de chaque EPCI : ceux de sa commune la plus peuplée
    (un EPCI peut s'étendre sur plusieurs départements)."""

    c = territoires.communes()
    c = c[c["epci"].astype(str).isin(set(codes))].sort_values("population", ascending=False, kind="stable")
    noms_dep = dict(zip(territoires.departements()["code"], territoires.departements()["nom"]))
    noms_reg = dict(zip(territoires.regions()["code"], territoires.regions()["nom"]))
    sortie = {}
    for epci, dep, reg in zip(c["epci"].astype(str), c["departement"], c["region"]):
        if epci not in sortie:
            sortie[epci] = (noms_reg.get(reg, reg), f"{noms_dep.get(dep, dep)} ({dep})")
    return sortie


def territoires_avec_quartiers(cat: Catalogue, params: dict, brut=None) -> list:
    """Les territoires de l'ensemble qui ont au moins un quartier prioritaire dans le fichier de l'INSEE du dossier
    des données brutes ; aucun : :class:`EchecExecution` qui dit ce que le fichier contient."""

    candidats = ensemble_de_territoires(params["territoires"])
    if "insee_qpv" not in cat.tables_brutes():
        raise EchecExecution(
            f"Lot de territoires : pas de fichier des quartiers de l'INSEE (insee_qpv.csv ou .xlsx…) dans "
            f"{cat.raw_dir} ; il désigne les territoires du lot qui ont des quartiers prioritaires."
        )
    brut = brut if brut is not None else cat.lire_brut("insee_qpv")
    retenus = set(epci_des_quartiers(brut, [t.code for t in candidats]))
    if retenus:
        return [t for t in candidats if t.code in retenus]
    tous = territoires.epci()
    presents = epci_des_quartiers(brut, list(tous["siren"]))
    noms = dict(zip(tous["siren"], tous["nom"]))
    ratt = rattachement_epci(presents)
    liste = "\n".join(f"  - {c} {noms[c]} — {ratt.get(c, ('', ''))[1]}" for c in presents[:60])
    reste = f"\n  … et {len(presents) - 60} autres" if len(presents) > 60 else ""
    fichier = brut.attrs.get("source", {}).get("fichier", cat.fichier_brut("insee_qpv").name)
    raise EchecExecution(
        f"Lot de territoires : aucun des {len(candidats)} EPCI demandés ({_decrire(params['territoires'])}) n'a de "
        f"quartier prioritaire dans {fichier}.\n"
        + (
            f"EPCI qui en ont dans ce fichier ({len(presents)}) :\n{liste}{reste}"
            if presents
            else "Aucune commune du fichier n'a été reconnue dans le Code officiel géographique."
        )
    )


def _decrire(valeur: dict) -> str:

    if "codes" in valeur:
        return "codes " + ", ".join(valeur["codes"])
    dans = valeur["dans"]
    if dans == "france":
        return "toute la France"
    ((cle, code),) = dans.items()
    table = territoires.regions() if cle == "region" else territoires.departements()
    nom = dict(zip(table["code"], table["nom"])).get(code, code)
    return f"{'région' if cle == 'region' else 'département'} {nom} ({code})"


def executer_lot(
    annee: int,
    params: dict,
    *,
    racine: Path,
    fichier_params: Path,
    raw_dir: Path | None,
    out: Path | None,
    processed_dir: Path | None,
    chapitres=None,
    jobs=None,
    force: bool = False,
    sortie=print,
    barres=None,
    fichier_barres=None,
) -> Path:
    """Exécute le rapport de chaque territoire du lot ; renvoie le chemin de l'index du lot.

    La préparation (lecture, nettoyage, validation du fichier de l'INSEE ; niveaux de comparaison) est faite une fois
    pour tout le lot (``lot_tables.py``) ; chaque territoire n'exécute ensuite que ses chapitres et ses fiches
    (``lot_territoire.py``), plusieurs territoires à la fois (autant que de cœurs), dans les noyaux du lot."""
    from .lot_territoire import ExecutionDuLot  # import circulaire : un territoire du lot est une Execution (run.py)

    cat = Catalogue.pour(annee, racine, raw_dir=raw_dir, reports_dir=out, processed_dir=processed_dir)
    base, tables = cat.reports_dir, cat.processed_dir
    _refuser_le_rapport_d_un_seul_territoire(base)
    progression = Progression(sortie, barres, fichier_barres)
    t0 = time.perf_counter()
    debut = dt.datetime.now()
    with Verrou.de(base, rapport=base):
        bruts, territoires, resultats = _choisir_les_territoires(cat, annee, params, progression)
        jobs = max(1, int(jobs or os.cpu_count() or 1))
        base.mkdir(parents=True, exist_ok=True)
        preparation = preparer_le_lot(cat, base / "validation", force=force, sortie=progression.ecrire, bruts=bruts)
        anterieures = preparer_les_annees_anterieures(cat, fichier_params, base, sortie=progression.ecrire)
        # les noyaux du lot : démarrés par le premier territoire qui a quelque chose à faire, prêtés aux suivants
        noyaux = PoolNoyaux(racine / "notebooks")
        paralleles = max(1, min(len(territoires), int(os.environ.get("POLITIQUE_VILLE_LOT_PARALLELE") or jobs)))
        _TerritoiresEnParallele(
            ExecutionDuLot,
            annee,
            racine,
            params,
            cat,
            fichier_params,
            chapitres,
            jobs,
            force,
            preparation,
            noyaux,
            progression,
            territoires,
            resultats,
            anterieures,
        ).executer(paralleles)
        publies = _publies(resultats)
        index = ecrire_index_du_lot(base, tables, annee, params["territoires"], resultats, debut, preparation)
    _ecrire_le_bilan(progression, annee, resultats, publies, t0, index)
    return index


def _choisir_les_territoires(cat: Catalogue, annee: int, params: dict, progression: Progression):
    """Les fichiers de l'INSEE du lot, ses territoires (ceux qui ont des quartiers prioritaires) et leurs résultats
    à remplir (avec l'EPCI de rattachement)."""
    bruts = _bruts_insee(cat)
    territoires = territoires_avec_quartiers(cat, params, bruts.get("insee_qpv"))
    ratt = rattachement_epci([t.code for t in territoires])
    progression.ecrire(
        f"Lot {annee} — {_decrire(params['territoires'])} : {len(territoires)} territoire"
        f"{'s' if len(territoires) > 1 else ''} avec des quartiers prioritaires"
    )
    resultats = [
        TerritoireDuLot(t.code, t.nom, f"{t.code}-{nom_court(t.nom)}", *ratt.get(t.code, ("", ""))) for t in territoires
    ]
    return bruts, territoires, resultats


def _publies(resultats: list[TerritoireDuLot]) -> list[TerritoireDuLot]:
    """Les territoires publiés du lot ; aucun publié arrête le lot (avec la raison de chacun)."""
    publies = [r for r in resultats if r.statut == "publié"]
    if not publies:
        raise EchecExecution(
            "Lot de territoires : aucun territoire publié ; "
            + " ; ".join(f"{r.nom} ({r.code}) : {r.raison}" for r in resultats)
        )
    return publies


def _refuser_le_rapport_d_un_seul_territoire(base: Path) -> None:
    """Le lot n'écrase pas le rapport d'un seul territoire écrit dans son dossier."""
    if (base / MANIFESTE).is_file():
        raise EchecExecution(
            f"{base} contient le rapport d'un seul territoire : le lot de territoires ne l'écrase pas. Donnez au lot "
            f"son propre dossier (--out et --processed-dir), ou retirez ce rapport."
        )


@dataclass
class _TerritoiresEnParallele:
    """Les territoires du lot exécutés en parallèle, avec l'état qu'ils partagent : les noyaux du lot, la
    progression (écrite un territoire à la fois), l'arrêt demandé et les exécutions en cours (à interrompre)."""

    classe_execution: type
    annee: int
    racine: Path
    params: dict
    cat: Catalogue
    fichier_params: Path
    chapitres: object
    jobs: int
    force: bool
    preparation: PreparationDuLot
    noyaux: PoolNoyaux
    progression: Progression
    territoires: list
    resultats: list[TerritoireDuLot]
    anterieures: list[AnneeAnterieureDuLot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sortie_commune = threading.Lock()
        self.arret, self.en_cours = threading.Event(), set()

    def executer(self, paralleles: int) -> None:
        """Tous les territoires, ``paralleles`` à la fois ; ferme les noyaux du lot à la fin."""
        pool = ThreadPoolExecutor(max_workers=paralleles)
        try:
            for futur in [pool.submit(self.un_territoire, i) for i in range(len(self.territoires))]:
                futur.result()
        except BaseException:
            # interruption (Ctrl-C) : aucun territoire ne commence plus, ceux en cours sont interrompus (rien d'eux
            # n'est publié) ; leurs restes sont retirés par l'exécution suivante, qui reprend ce qui manque
            with self.sortie_commune:
                self.arret.set()
                for execution in list(self.en_cours):
                    execution.interrompre()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=True)
            self.noyaux.fermer()

    def un_territoire(self, i: int) -> None:
        """Le rapport du territoire ``i`` : publié, ou écarté avec sa raison ; ses lignes écrites d'un bloc."""
        t, r = self.territoires[i], self.resultats[i]
        lignes: list[str] = []
        params_t = parametres_du_territoire(self.params, t)
        debut_t = time.perf_counter()
        try:
            cat_t = Catalogue.pour(
                self.annee,
                self.racine,
                raw_dir=self.cat.raw_dir,
                reports_dir=self.cat.reports_dir / r.dossier,
                processed_dir=self.cat.processed_dir / t.code,
                reference_dir=params_t.get("reference_dir"),
            )
            execution = None
            with Verrous([cat_t.reports_dir, cat_t.processed_dir], rapport=cat_t.reports_dir):
                execution = self.classe_execution(
                    cat_t,
                    params_t,
                    preparation=self.preparation,
                    noyaux=self.noyaux,
                    chapitres=self.chapitres,
                    jobs=self.jobs,
                    force=self.force,
                    fichier_params=self.fichier_params,
                    progression=Progression(lignes.append, False),
                )
                if self.anterieures and any(e.demandee and e.decl.anterieures for e in execution.etapes):
                    # ses tables des années antérieures, tirées de la préparation commune de chaque année
                    execution.annees_anterieures(*tables_anterieures(self.anterieures, t, parametres_du_territoire))
                with self.sortie_commune:
                    if self.arret.is_set():  # lot interrompu : ce territoire ne commence pas
                        raise EchecExecution("lot interrompu avant ce territoire")
                    self.en_cours.add(execution)
                try:
                    execution.lancer()
                finally:
                    with self.sortie_commune:
                        self.en_cours.discard(execution)
            r.statut = "publié"
        except (EchecExecution, ErreurDonnees) as exc:
            ecart = getattr(execution, "ecart", "") if execution is not None else ""
            r.statut = "écarté"
            r.raison = (
                f"ses données ne passent pas la préparation commune du lot : {ecart[:400]}"
                if ecart
                else _raison(str(exc))
            )
            lignes.append(f"Territoire écarté du lot : {t.nom} ({t.code}) — {r.raison}\n{exc}")
        r.duree = time.perf_counter() - debut_t
        with self.sortie_commune:
            self.progression.ecrire(f"\n[{i + 1}/{len(self.territoires)}] {t.nom} ({t.code})")
            for ligne in lignes:
                self.progression.ecrire(ligne)


def _ecrire_le_bilan(progression: Progression, annee: int, resultats: list, publies: list, t0: float, index: Path):
    """Le bilan du lot : publiés, écartés (avec leur raison), durée, chemin de l'index."""
    ecartes = [r for r in resultats if r.statut != "publié"]
    progression.ecrire(
        f"\nLot {annee} : {len(publies)} territoire{'s' if len(publies) > 1 else ''} publié"
        f"{'s' if len(publies) > 1 else ''}, {len(ecartes)} écarté{'s' if len(ecartes) > 1 else ''}, en "
        f"{time.perf_counter() - t0:.1f} s."
    )
    for r in ecartes:
        progression.ecrire(f"  écarté : {r.nom} ({r.code}) — {r.raison}")
    progression.ecrire(f"Index du lot : {index}")


def _bruts_insee(cat: Catalogue) -> dict:
    """Les fichiers de l'INSEE du lot, lus une fois (sélection des territoires, préparation commune)."""

    presentes = set(cat.tables_brutes())
    return {t: cat.lire_brut(t) for t in TABLES_INSEE if t in presentes}


def _raison(message: str) -> str:
    """La raison d'un échec de territoire, en une ligne : l'étape en échec et sa cause."""
    lignes = [x.strip() for x in message.splitlines() if x.strip()]
    if not lignes:
        return "échec"
    etape = re.search(r"Échec de l'étape « ([^»]+) »", lignes[0])
    quoi = (
        "ses données ne passent pas la validation"
        if etape and "validation" in etape.group(1)
        else "ses données ne passent pas le nettoyage"
        if etape and "nettoyage" in etape.group(1)
        else None
    )
    detail = next((x for x in lignes[1:] if not x.startswith(("Le notebook", "Le rapport précédent"))), "")
    if quoi:
        return f"{quoi} (étape {etape.group(1)}{' : ' + detail[:300] if detail else ''})"
    return lignes[0][:300]


def ecrire_index_du_lot(
    base: Path,
    tables: Path,
    annee: int,
    ensemble: dict,
    resultats: list[TerritoireDuLot],
    debut: dt.datetime,
    preparation=None,
) -> Path:
    """L'index du lot (``<base>/index.html``) : territoires publiés groupés par région et département, avec leurs
    chiffres clés (quartiers prioritaires, habitants) et le lien vers leur rapport, un champ de recherche ; les
    territoires écartés et pourquoi. Et ``lot.json`` (même contenu, pour les outils)."""
    import pandas as pd

    e = html.escape
    elements, donnees = [], []
    for r in resultats:
        cles = {}
        chemin = tables / r.code / "insee_qpv.parquet"
        if r.statut == "publié" and chemin.is_file():
            cles = {c[0]: c[1] for c in chiffres_cles({"insee_qpv": pd.read_parquet(chemin)})}
        donnees.append({**r.__dict__, "chiffres_cles": cles})
        if r.statut != "publié":
            continue
        detail = " ; ".join(
            f"{v} {lib}"
            for lib, v in (
                ("QPV", cles.get("Quartiers prioritaires (QPV)")),
                ("habitants en QPV", cles.get("Habitants des QPV")),
            )
            if v
        )
        elements.append(
            {
                "lien": f"{r.dossier}/index.html",
                "titre": r.nom,
                "detail": f"SIREN {r.code}" + (f" — {detail}" if detail else ""),
                "region": r.region,
                "departement": r.departement,
            }
        )
    publies = [r for r in resultats if r.statut == "publié"]
    ecartes = [r for r in resultats if r.statut != "publié"]
    ecartes_html = (
        "<h2>Territoires écartés</h2><p>Leurs données n'ont pas passé le nettoyage ou la validation : pas de rapport "
        "publié par ce lot.</p><ul>"
        + "".join(f"<li><strong>{e(r.nom)}</strong> (SIREN {e(r.code)}) — {e(r.raison)}</li>" for r in ecartes)
        + "</ul>"
        if ecartes
        else ""
    )
    commun_html, commun = _preparation_commune(preparation)
    n = len(publies)
    page = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Rapports {annee} de la politique de la ville — {e(_decrire(ensemble))}</title>"
        f"<style>{STYLE_PAGE}</style></head><body>"
        f"<h1>Rapports {annee} sur la mise en œuvre de la politique de la ville</h1>"
        f'<p class="sous-titre">{e(majuscule_initiale(_decrire(ensemble)))} : {nombre_fr(n)} territoire'
        f"{'s' if n > 1 else ''} (EPCI) qui ont au moins un quartier prioritaire dans le fichier de l'INSEE, un "
        f"rapport chacun.</p>"
        "<h2>Territoires</h2>"
        + fiches_groupees_html(elements, unite=("territoire", "territoires"), par_commune=False)
        + ecartes_html
        + commun_html
        + f'<p class="note">Produit le {e(date_fr(debut))}.</p></body></html>\n'
    )
    ecrire_atomique(
        base / FICHIER_LOT,
        lambda p: p.write_text(
            json.dumps(
                {"annee": annee, "territoires": ensemble, "preparation_commune": commun, "resultats": donnees},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        ),
    )
    return ecrire_atomique(base / "index.html", lambda p: p.write_text(page, encoding="utf-8"))


def _preparation_commune(preparation) -> tuple[str, dict]:
    """La section de l'index du lot sur la préparation commune (fichier lu, nettoyé et validé une fois) et son
    contenu pour ``lot.json`` : lignes du fichier écartées et pourquoi, lien vers les Data Docs de la validation."""
    if preparation is None:
        return "", {}
    e = html.escape
    v = preparation.validation or {}
    commun = {
        "cle": preparation.cle,
        "quartiers_nettoyes": int(len(preparation.comparaison)),
        "validation": v,
        "lignes_en_defaut": [d.__dict__ for d in preparation.defauts],
    }
    defauts = (
        "<p>Lignes du fichier écartées (les niveaux de comparaison sont calculés sans elles, le territoire qui les a "
        "n'est pas publié) :</p><ul>"
        + "".join(f"<li>ligne {d.ligne} ({e(d.code_qp)}) : {e(d.raison)}</li>" for d in preparation.defauts)
        + "</ul>"
        if preparation.defauts
        else "<p>Aucune ligne du fichier n'a été écartée.</p>"
    )
    lien = f' (<a href="{e(v["docs"])}">rapport de validation, Data Docs</a>)' if v.get("docs") else ""
    texte = (
        "<h2>Préparation commune</h2><p>Le fichier de l'INSEE a été lu, nettoyé et validé une fois pour tous les "
        f"territoires du lot : {len(preparation.comparaison)} quartiers, {v.get('attentes', 0)} attentes vérifiées"
        f"{lien}. Les niveaux de comparaison (département, région, France) sont calculés une fois.</p>" + defauts
    )
    return texte, commun
