"""Mesure d'un lot de territoires (issue 22) ; écrit ``reports/benchmark_lot.md`` et ``reports/benchmark_lot.json``
(ce n'est pas un test). Appelable seul ou comme partie « lot » de ``scripts/benchmark.py``.

    .venv/bin/python scripts/benchmark_lot.py [--ensemble region:84 | france] [--geographie 2024]
                                              [--repetitions-solo 3] [--solos 3] [--repetitions-parts 1]
                                              [--travail /tmp/bench/lot]

Sur le fichier national fictif sur des communes réelles (``scripts/generer_territoire_synthetique.py
--insee-communes-reelles``, ~1 600 QPV dans ~430 EPCI, écrit hors de ``data/raw``) :

- croissance : le lot à froid (dossiers neufs) pour ¼, ½ et la totalité des EPCI de l'ensemble qui ont un quartier
  (dans un ordre tiré au hasard, graine fixe : chaque part est le début de la suivante) : durée, fiches, mémoire
  maximale de tout l'arbre des processus (lot + noyaux Jupyter, RSS échantillonnée) ;
- coût marginal d'un territoire : pente de la durée du lot sur le nombre de territoires (moindres carrés sur ¼, ½,
  tout ; ``--parts`` ajoute ⅛ et ¾), décomposée aussi en un coût par territoire hors de ses fiches et un coût par
  fiche (avec plus de trois parts, les résidus disent si la croissance est linéaire en territoires et en fiches), rapportée à l'exécution à froid d'un territoire seul (sa propre commande, dossiers neufs, médiane de
  ``--repetitions-solo``) pour ``--solos`` territoires de l'ensemble, mesurés dans la même exécution du banc ; et,
  directement, la différence entre le lot ½ et le lot ½ plus un territoire ; et la pente du calcul (CPU de tout
  l'arbre des processus, échantillonné) : le coût d'un territoire de plus quel que soit le nombre de cœurs, d'où
  une estimation des cœurs qu'il faudrait pour 1/20 ;
- machine, date, charge moyenne au début et à la fin, temps CPU pris par d'autres processus pendant chaque mesure ;
- un hôte partagé dérive (jusqu'à 2 fois plus lent d'une heure à l'autre) : les territoires seuls et les parts sont
  mesurés en alternance (un tour des territoires seuls, une part, etc.), et une sonde (une même boucle Python,
  ``banc.outils.sonde_vitesse``) est relevée avant chaque commande ; le rapport donne aussi le rapport coût marginal
  / territoire seul à vitesse d'hôte égale (estimation) ;
- plancher du protocole de Jupyter (``banc/protocole.py``) : calcul d'une cellule vide exécutée dans un noyau du pool
  (processus client et noyau), fois le nombre de cellules qu'un territoire exécute (chapitres et fiches de la plus
  grande part) : ce qu'un territoire de plus coûte au moins tant que chaque page est un notebook exécuté.

Le code mesuré est un instantané de ``src/`` et ``notebooks/`` (comme ``scripts/benchmark.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchmark as bm  # noqa: E402 (outils du banc principal : instantané, pilote, mémoire de l'arbre)
from banc import protocole  # noqa: E402 (plancher du protocole de Jupyter)

RACINE = bm.RACINE
ANNEE = 2024
NOMS_PARTS = {"huitieme": "⅛", "quart": "¼", "moitie": "½", "trois_quarts": "¾", "tout": "tout"}


def _ensemble(texte: str) -> dict:
    if texte == "france":
        return {"niveau": "epci", "dans": "france"}
    cle, _, code = texte.partition(":")
    return {"niveau": "epci", "dans": {"region" if cle == "region" else "departement": code}}


def _epci_avec_quartiers(banc: bm.Banc, raw: Path, ensemble: dict) -> list[str]:
    code = (
        "import json, sys\nfrom pathlib import Path\nfrom politique_ville.base.catalog import Catalogue\n"
        "from politique_ville.runner.lot import territoires_avec_quartiers\n"
        "cat = Catalogue.pour(2024, Path.cwd(), raw_dir=Path(sys.argv[1]))\n"
        "print(json.dumps([t.code for t in territoires_avec_quartiers(cat, {'territoires': json.loads(sys.argv[2])})]))"
    )
    r = subprocess.run(
        [bm.PY, "-c", code, str(raw), json.dumps(ensemble)], env=banc.env, cwd=RACINE, capture_output=True, text=True
    )
    if r.returncode:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def _params(chemin: Path, contenu: str) -> Path:
    chemin.write_text(f"annee: {ANNEE}\n{contenu}\n", encoding="utf-8")
    return chemin


class BancLot:
    def __init__(self, banc: bm.Banc, args):
        self.banc, self.args = banc, args
        self.travail = banc.travail / "lot"
        self.travail.mkdir(parents=True, exist_ok=True)
        self.res: dict = {"debut": dt.datetime.now().isoformat(timespec="seconds"), "charge_debut": os.getloadavg()}

    def fichier(self) -> Path:
        sortie = self.travail / "synthetique"
        nom = f"insee_qpv_france_communes_reelles_{self.args.geographie}.xlsx"
        if not (sortie / "insee_national" / nom).is_file():
            subprocess.run(
                [
                    bm.PY,
                    str(RACINE / "scripts" / "generer_territoire_synthetique.py"),
                    *("--out", str(sortie), "--insee-communes-reelles", self.args.geographie),
                ],
                check=True,
                capture_output=True,
            )
        raw = self.travail / "raw"
        raw.mkdir(exist_ok=True)
        (raw / "insee_qpv.xlsx").unlink(missing_ok=True)
        os.link(sortie / "insee_national" / nom, raw / "insee_qpv.xlsx")
        return raw

    def executer(self, nom: str, params_texte: str, raw: Path) -> dict:
        racine = self.banc.racine(f"racine-{nom}", {})
        params = _params(racine / "params" / f"{ANNEE}.yaml", params_texte)
        if self.args.attendre_calme_max:
            bm.attendre_calme(maximum=self.args.attendre_calme_max)
        sonde = bm.sonde_vitesse()  # vitesse de l'hôte juste avant la commande
        charge = os.getloadavg()
        r = self.banc.pipeline(
            racine=racine,
            annee=ANNEE,
            params=params,
            raw=raw,
            out=self.travail / f"rapports-{nom}",
            processed=self.travail / f"tables-{nom}",
            force=False,
            neuf=True,
            etiquette=nom,
        )
        fiches = sum(
            int(x.split("fiches quartier : ")[1].split(" ")[0]) for x in r["lignes"] if "✓ fiches quartier : " in x
        )
        publies = next((x for x in r["lignes"] if x.startswith("Lot ") and "publié" in x), "")
        return {
            "rapports": str(self.travail / f"rapports-{nom}"),
            "mur": r["mur"],
            "pic_go": (r["pic_octets"] or 0) / 2**30,
            "processus_max": r["processus_max"],
            "cpu_etrangere": r["cpu_etrangere"],
            "cpu_arbre": r.get("cpu_arbre"),
            "charge": charge,
            "sonde_s": sonde,
            "fiches": fiches,
            "publies": publies,
            "t_import": r["t_import"],
            "interne": r["interne"],
        }

    def mesurer(self) -> dict:
        raw = self.fichier()
        ensemble = _ensemble(self.args.ensemble)
        codes = _epci_avec_quartiers(self.banc, raw, ensemble)
        random.Random(0).shuffle(codes)
        n = len(codes)
        self.res.update(
            {"ensemble": self.args.ensemble, "geographie": self.args.geographie, "epci": n, "coeurs": os.cpu_count()}
        )
        bm.journal(f"Lot : {n} EPCI avec des quartiers dans {self.args.ensemble} ({self.args.geographie})")
        # territoires seuls, à froid, dans leur propre commande, et croissance (¼, ½, tout, à froid) : mesures
        # entrelacées (un tour des territoires seuls, puis une part, et ainsi de suite) pour qu'une dérive de l'hôte
        # pèse autant sur les uns que sur les autres
        codes_seuls = codes[: self.args.solos]
        tailles = (
            ("huitieme", max(1, n // 8)),
            ("quart", max(2, n // 4)),
            ("moitie", max(3, n // 2)),
            ("trois_quarts", max(4, 3 * n // 4)),
            ("tout", n),
        )
        a_mesurer = [(x, k) for x, k in tailles if x in self.args.parts.split(",")]
        repetitions_parts = max(1, getattr(self.args, "repetitions_parts", 1))
        # avec plusieurs répétitions des parts, chacune est mesurée une fois par tour (¼, ½, tout, puis à nouveau)
        calendrier = [(x, k) for _ in range(repetitions_parts) for x, k in a_mesurer]
        mesures_seules: dict[str, list] = {code: [] for code in codes_seuls}
        mesures_parts: dict[str, list] = {}
        parts: dict = {}
        for tour in range(max(self.args.repetitions_solo, len(calendrier))):
            if tour < self.args.repetitions_solo:
                for code in codes_seuls:
                    m = self.executer(f"solo-{code}-{tour}", f'territoire: {{niveau: epci, code: "{code}"}}', raw)
                    mesures_seules[code].append(m)
            if tour < len(calendrier):
                nom, k = calendrier[tour]
                liste = ", ".join(f'"{c}"' for c in codes[:k])
                rang = len(mesures_parts.get(nom, []))
                etiquette = f"lot-{nom}" if repetitions_parts == 1 else f"lot-{nom}-{rang}"
                m = self.executer(etiquette, f"territoires: {{niveau: epci, codes: [{liste}]}}", raw)
                m["territoires"] = k
                mesures_parts.setdefault(nom, []).append(m)
                parts[nom] = mediane_des_mesures(mesures_parts[nom])
                bm.journal(
                    f"  lot {nom} ({k} territoires, {m['fiches']} fiches) : {m['mur']:.1f} s, {m['pic_go']:.2f} Gio"
                )
                self.res["parts"] = parts
                self.sauver()
        solos = {}
        for code, mesures in mesures_seules.items():
            solos[code] = {
                "mur": [m["mur"] for m in mesures],
                "cpu_arbre": [m.get("cpu_arbre") for m in mesures],
                "sonde_s": [m["sonde_s"] for m in mesures],
                "mediane": statistics.median(m["mur"] for m in mesures),
                "fiches": mesures[0]["fiches"],
                "pic_go": max(m["pic_go"] for m in mesures),
            }
            bm.journal(f"  seul {code} : {solos[code]['mediane']:.1f} s ({solos[code]['fiches']} fiches)")
        self.res["solos"] = solos
        self.sauver()
        # plancher du protocole de Jupyter : calcul d'une cellule vide, cellules exécutées par territoire (plus
        # grande part mesurée, dernière exécution)
        if parts:
            nom = max(parts, key=lambda x: parts[x]["territoires"])
            cellules, territoires = protocole.cellules_executees(Path(mesures_parts[nom][-1]["rapports"]))
            notebooks, _ = protocole.notebooks_executes(Path(mesures_parts[nom][-1]["rapports"]))
            if territoires:
                self.res["cellules_par_territoire"] = cellules / territoires
                self.res["notebooks_par_territoire"] = notebooks / territoires
            self.res["protocole"] = protocole.cout_par_cellule(bm.PY, self.banc.env, self.banc.instantane / "notebooks")
            bm.journal(
                f"  protocole de Jupyter : {self.res['protocole']['client_ms']:.2f} + "
                f"{self.res['protocole']['noyau_ms']:.2f} ms de calcul par cellule vide, "
                f"{self.res.get('cellules_par_territoire', 0):.1f} cellules par territoire"
            )
        # un territoire de plus que la moitié : différence directe
        k = parts["moitie"]["territoires"] if "moitie" in parts else n
        if k < n:
            liste = ", ".join(f'"{c}"' for c in codes[: k + 1])
            plus = self.executer("lot-moitie-plus-un", f"territoires: {{niveau: epci, codes: [{liste}]}}", raw)
            plus["territoires"] = k + 1
            plus["territoire_ajoute"] = codes[k]
            self.res["moitie_plus_un"] = plus
        self.res["fin"] = dt.datetime.now().isoformat(timespec="seconds")
        self.res["charge_fin"] = os.getloadavg()
        self.sauver()
        return self.res

    def sauver(self):
        (self.travail / "resultats_lot.json").write_text(
            json.dumps(self.res, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )


def mediane_des_mesures(mesures: list[dict]) -> dict:
    """Une part mesurée plusieurs fois : la mesure de durée médiane (ses champs tels quels : CPU, mémoire, sonde de la
    même commande), avec toutes les durées (``murs``) et tous les calculs (``cpus``) ; la mémoire, la plus haute."""
    if len(mesures) == 1:
        return mesures[0]
    ordre = sorted(mesures, key=lambda m: m["mur"])
    mediane = dict(ordre[(len(ordre) - 1) // 2])
    mediane["mur"] = statistics.median(m["mur"] for m in mesures)
    cpus = [m.get("cpu_arbre") for m in mesures]
    if None not in cpus:
        mediane["cpu_arbre"] = statistics.median(cpus)
    mediane["pic_go"] = max(m["pic_go"] for m in mesures)
    mediane["murs"], mediane["cpus"] = [m["mur"] for m in mesures], cpus
    return mediane


def _pente(xs, ys) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def decomposition(parts: dict, cle: str = "mur") -> dict | None:
    """La durée (ou le calcul, ``cle="cpu_arbre"``) des parts décomposée en ``a + b × territoires + c × fiches``
    (moindres carrés) : ``b`` ce que coûte un territoire hors de ses fiches (son chapitre, ses tables, ses pages
    communes), ``c`` ce que coûte une fiche. Les parts n'ont pas autant de fiches par territoire (l'ordre est tiré au
    hasard) : la pente sur les seuls territoires prête à chacun les fiches moyennes des territoires ajoutés. ``None``
    s'il faut plus de points (trois parts au moins, et pas toutes avec la même part de fiches). Avec trois parts, trois
    équations pour trois inconnues : rien ne contrôle la linéarité (``ecart_type`` vaut alors 0)."""
    points = [(p["territoires"], p["fiches"], p.get(cle)) for p in parts.values()]
    if len(points) < 3 or any(y is None for *_, y in points):
        return None
    import numpy as np

    x = np.array([[1.0, t, f] for t, f, _ in points])
    y = np.array([float(v) for *_, v in points])
    if np.linalg.matrix_rank(x) < 3:
        return None
    (a, b, c), *_ = np.linalg.lstsq(x, y, rcond=None)
    residus = y - x @ np.array([a, b, c])
    ecart = float(np.sqrt((residus**2).sum() / (len(y) - 3))) if len(y) > 3 else 0.0
    return {"fixe_s": float(a), "territoire_s": float(b), "fiche_s": float(c), "ecart_type_s": ecart}


def analyse(res: dict) -> dict:
    parts = res.get("parts", {})
    xs = [p["territoires"] for p in parts.values()]
    ys = [p["mur"] for p in parts.values()]
    pente = _pente(xs, ys) if len(xs) >= 2 else None
    fx = [p["fiches"] for p in parts.values()]
    solos = [s["mediane"] for s in res.get("solos", {}).values()]
    solo = statistics.median(solos) if solos else None
    # pente du calcul (CPU de tout l'arbre des processus) : ce qu'un territoire de plus coûte en calcul, quel que soit
    # le nombre de cœurs ; sur N cœurs libres, la pente murale tend vers pente_cpu / N (le lot répartit ses
    # territoires sur ses noyaux), d'où le nombre de cœurs qu'il faudrait pour 1/20 à durée seule égale (estimation :
    # l'exécution seule, surtout séquentielle, gagne peu à plus de cœurs)
    cpus = [p.get("cpu_arbre") for p in parts.values()]
    pente_cpu = _pente(xs, cpus) if len(xs) >= 2 and all(c is not None for c in cpus) else None
    # part des cœurs de la machine occupée, à la marge, par le calcul d'un territoire de plus (1 : aucune attente)
    coeurs = res.get("coeurs") or os.cpu_count() or 1
    efficacite = min(1.0, pente_cpu / (pente * coeurs)) if pente_cpu and pente else None
    # à vitesse d'hôte égale : chaque durée rapportée à la sonde médiane de la séance (durée × sonde médiane / sonde
    # relevée avant la commande) ; estimation, la sonde mesurant un cœur et le lot en occupant deux
    sondes = [p.get("sonde_s") for p in parts.values()] + [
        x for s in res.get("solos", {}).values() for x in (s.get("sonde_s") or [])
    ]
    corrige = {}
    if sondes and all(x for x in sondes) and len(xs) >= 2:
        reference = statistics.median(sondes)
        ys_c = [p["mur"] * reference / p["sonde_s"] for p in parts.values()]
        solos_c = [
            statistics.median(m * reference / x for m, x in zip(s["mur"], s["sonde_s"])) for s in res["solos"].values()
        ]
        pente_c, solo_c = _pente(xs, ys_c), statistics.median(solos_c) if solos_c else None
        corrige = {
            "sonde_min_s": min(sondes),
            "sonde_max_s": max(sondes),
            "pente_corrigee_s": pente_c,
            "solo_corrige_s": solo_c,
            "ratio_corrige": pente_c / solo_c if pente_c and solo_c else None,
        }
    plancher = _plancher_du_protocole(res, pente_cpu, efficacite, coeurs, solo)
    # chaque territoire seul face à son propre coût marginal : un territoire hors fiches, plus ses fiches
    duree, calcul = decomposition(parts), decomposition(parts, "cpu_arbre")
    par_solo = {}
    if duree:
        for code, s in res.get("solos", {}).items():
            if s.get("fiches") is not None and s.get("mediane"):
                marge = duree["territoire_s"] + duree["fiche_s"] * s["fiches"]
                par_solo[code] = {"fiches": s["fiches"], "marginal_s": marge, "ratio": marge / s["mediane"]}
    direct = None
    if "moitie_plus_un" in res and "moitie" in parts:
        direct = res["moitie_plus_un"]["mur"] - parts["moitie"]["mur"]
    return {
        "pente_s_par_territoire": pente,
        "solo_median_s": solo,
        "ratio_pente": pente / solo if pente and solo else None,
        "pente_cpu_s_par_territoire": pente_cpu,
        "efficacite": efficacite,
        "coeurs_pour_un_vingtieme": math.ceil(20 * pente_cpu / (solo * efficacite)) if efficacite and solo else None,
        "direct_s": direct,
        "fiches_par_territoire": (fx[-1] / xs[-1]) if xs else None,
        "pic_go": max((p["pic_go"] for p in parts.values()), default=None),
        **corrige,
        **plancher,
        "decomposition": duree,
        "decomposition_cpu": calcul,
        "par_solo": par_solo,
    }


def _plancher_du_protocole(res: dict, pente_cpu, efficacite, coeurs: int, solo) -> dict:
    """Ce que les cellules d'un territoire coûtent au moins, par le seul protocole de Jupyter (cellules vides) : en
    calcul, en part de la pente du calcul, en pente murale (aux cœurs occupés comme le lot) et rapporté au territoire
    seul ; vide sans mesure du protocole."""
    proto, cellules = res.get("protocole"), res.get("cellules_par_territoire")
    if not proto or not cellules:
        return {}
    notebook_ms = proto.get("notebook_client_ms", 0.0) + proto.get("notebook_noyau_ms", 0.0)
    notebooks = res.get("notebooks_par_territoire") or 0.0
    cpu = (cellules * (proto["client_ms"] + proto["noyau_ms"]) + notebooks * notebook_ms) / 1000
    sortie = {"plancher_cpu_s": cpu, "cellule_ms": proto["client_ms"] + proto["noyau_ms"], "notebook_ms": notebook_ms}
    if pente_cpu:
        sortie["plancher_part_pente"] = cpu / pente_cpu
    if efficacite and solo:
        sortie["plancher_mur_s"] = cpu / (efficacite * coeurs)
        sortie["plancher_ratio"] = sortie["plancher_mur_s"] / solo
    return sortie


def rapport(res: dict, machine: dict | None = None) -> str:
    a = analyse(res)
    L = [
        "# Lot de territoires : mesure",
        "",
        f"Mesure du {res.get('debut')} au {res.get('fin')} (heure locale de la machine) ; charge moyenne au début "
        f"{_charge(res.get('charge_debut'))}, à la fin {_charge(res.get('charge_fin'))}.",
    ]
    if machine:
        L.append(
            f"Machine : {machine.get('processeur')}, {machine.get('coeurs_logiques')} cœurs logiques, "
            f"{machine.get('memoire_go', 0):.1f} Gio ; Python {machine.get('python')}."
        )
    L += [
        "",
        f"Fichier national fictif sur des communes réelles, géographie {res.get('geographie')} ; ensemble « "
        f"{res.get('ensemble')} » : {res.get('epci')} EPCI qui ont au moins un quartier prioritaire. Chaque mesure à "
        "froid (dossiers neufs), une commande `python -m politique_ville run` ; durée murale de la commande.",
        "",
        "## Croissance",
        "",
        "| part | territoires | fiches | durée | par territoire | calcul de l'arbre (CPU) | mémoire max. de l'arbre | "
        "processus | CPU pris par d'autres | charge (1, 5, 15 min) | sonde de l'hôte |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for nom, p in res.get("parts", {}).items():
        cpu = f"{p['cpu_arbre']:.1f} s" if p.get("cpu_arbre") is not None else "—"
        sonde = f"{p['sonde_s']:.3f} s" if p.get("sonde_s") else "—"
        duree = f"{p['mur']:.1f} s" + (
            f" (médiane de {len(p['murs'])} : {', '.join(f'{x:.1f}' for x in p['murs'])})" if p.get("murs") else ""
        )
        L.append(
            f"| {nom} | {p['territoires']} | {p['fiches']} | {duree} | {p['mur'] / p['territoires']:.2f} s | "
            f"{cpu} | {p['pic_go']:.2f} Gio | {p['processus_max']} | {p['cpu_etrangere'] or 0:.0f} s | "
            f"{_charge(p['charge'])} | {sonde} |"
        )
    L += ["", "## Coût marginal d'un territoire", ""]
    for code, s in res.get("solos", {}).items():
        L.append(
            f"- territoire seul {code} ({s['fiches']} fiches), à froid : médiane {s['mediane']:.1f} s "
            f"({', '.join(f'{x:.1f}' for x in s['mur'])}) ; mémoire max. {s['pic_go']:.2f} Gio"
            + (
                f" ; calcul de l'arbre (médiane) {statistics.median(s['cpu_arbre']):.1f} s"
                if s.get("cpu_arbre") and None not in s["cpu_arbre"]
                else ""
            )
        )
    if a["pente_s_par_territoire"] is not None:
        L.append(
            f"- pente de la durée du lot sur le nombre de territoires ({', '.join(NOMS_PARTS.get(x, x) for x in res['parts'])}) : "
            f"{a['pente_s_par_territoire']:.2f} s par territoire ({a['fiches_par_territoire']:.1f} fiches en moyenne)"
        )
    if a["ratio_pente"] is not None:
        L.append(
            f"- **rapport coût marginal / territoire seul à froid : {a['ratio_pente']:.3f} (1/"
            f"{1 / a['ratio_pente']:.1f})** ; objectif ≤ 1/20"
        )
    if a.get("ratio_corrige") is not None:
        L.append(
            f"- à vitesse d'hôte égale (estimation) : la sonde (une même boucle Python, relevée avant chaque commande) a "
            f"pris de {a['sonde_min_s']:.3f} à {a['sonde_max_s']:.3f} s pendant la séance ; durées rapportées à sa "
            f"médiane : pente {a['pente_corrigee_s']:.2f} s, territoire seul {a['solo_corrige_s']:.1f} s, rapport "
            f"{a['ratio_corrige']:.3f} (1/{1 / a['ratio_corrige']:.1f})"
        )
    if a.get("decomposition"):
        d, c = a["decomposition"], a.get("decomposition_cpu")
        L.append(
            f"- décomposition des durées des parts en territoires et fiches (moindres carrés, durée ≈ fixe + "
            f"territoires × t + fiches × f) : un territoire hors de ses fiches t = {d['territoire_s']:.2f} s, une fiche "
            f"f = {d['fiche_s']:.3f} s"
            + (f" ; en calcul : {c['territoire_s']:.2f} s et {c['fiche_s']:.3f} s" if c else "")
            + (
                f" ; écart type des résidus {d['ecart_type_s']:.1f} s"
                if len(res.get("parts", {})) > 3
                else " ; trois parts, trois inconnues : la linéarité n'est pas contrôlée"
            )
        )
        for code, x in a.get("par_solo", {}).items():
            L.append(
                f"- territoire {code} ({x['fiches']} fiches) : coût marginal estimé t + {x['fiches']} f = "
                f"{x['marginal_s']:.2f} s, **1/{1 / x['ratio']:.1f}** de sa durée seule"
            )
    if a["pente_cpu_s_par_territoire"] is not None:
        L.append(
            f"- pente du calcul (CPU de tout l'arbre des processus) : {a['pente_cpu_s_par_territoire']:.2f} s par "
            f"territoire, {a['efficacite'] * 100:.0f} % des cœurs occupés à la marge ; sur N cœurs libres, la pente murale "
            f"tendrait vers {a['pente_cpu_s_par_territoire']:.2f} / ({a['efficacite']:.2f} × N) s (estimation) : 1/20 "
            f"de la durée seule mesurée ici demanderait {a['coeurs_pour_un_vingtieme']} cœurs"
        )
    if a.get("plancher_cpu_s") is not None:
        proto = res["protocole"]
        par_notebook = (
            f" ; un notebook (une demande au noyau) {a['notebook_ms']:.1f} ms ; un territoire en exécute "
            f"{res['notebooks_par_territoire']:.1f}"
            if proto.get("mode") == "dans le noyau" and res.get("notebooks_par_territoire")
            else ""
        )
        L.append(
            f"- plancher du protocole de Jupyter : une cellule vide coûte {a['cellule_ms']:.1f} ms de calcul "
            f"({proto['client_ms']:.1f} dans le processus du lot, {proto['noyau_ms']:.1f} dans le noyau ; "
            f"{proto['cellules']} cellules"
            + (", exécutées dans le noyau même" if proto.get("mode") == "dans le noyau" else ", par nbclient")
            + f"){par_notebook} ; un territoire exécute {res['cellules_par_territoire']:.1f} cellules en moyenne "
            f"(chapitres et fiches) : {a['plancher_cpu_s']:.2f} s de calcul par territoire"
            + (
                f", {a['plancher_part_pente'] * 100:.0f} % de la pente du calcul"
                if a.get("plancher_part_pente") is not None
                else ""
            )
            + (
                f" ; à lui seul, une pente murale de {a['plancher_mur_s']:.2f} s, 1/{1 / a['plancher_ratio']:.0f} "
                "du territoire seul"
                if a.get("plancher_ratio")
                else ""
            )
        )
    if a["direct_s"] is not None:
        m = res["moitie_plus_un"]
        L.append(
            f"- directement : lot ½ plus un territoire ({m['territoire_ajoute']}) − lot ½ = {a['direct_s']:.1f} s "
            "(une seule mesure de chaque : bruit de quelques secondes)"
        )
    L += ["", f"Mémoire maximale de tout l'arbre des processus : {a['pic_go']:.2f} Gio (objectif ≤ 2 Gio).", ""]
    return "\n".join(L)


def _charge(c) -> str:
    return ", ".join(f"{x:.1f}" for x in c) if c else "?"


def mesurer(banc: bm.Banc, args) -> dict:
    """La partie « lot » (appelée aussi par ``scripts/benchmark.py``) : résultats, analyse comprise."""
    res = BancLot(banc, args).mesurer()
    res["analyse"] = analyse(res)
    return res


def section(res: dict) -> list[str]:
    """Les lignes du rapport du banc pour la partie « lot » (rien si elle n'a pas été mesurée)."""
    return [rapport(res["lot"], res.get("machine"))] if res.get("lot") else []


def arguments(p: argparse.ArgumentParser):
    p.add_argument("--ensemble", default="region:84", help="region:<code>, departement:<code> ou france")
    p.add_argument("--geographie", default="2024", choices=["2015", "2024"])
    p.add_argument("--solos", type=int, default=3, help="territoires mesurés seuls (à froid)")
    p.add_argument("--repetitions-solo", type=int, default=3)
    p.add_argument(
        "--repetitions-parts", type=int, default=1, help="mesures de chaque part (médiane : un hôte qui dérive)"
    )
    p.add_argument(
        "--parts",
        default="quart,moitie,tout",
        help="parts de l'ensemble mesurées, parmi huitieme,quart,moitie,trois_quarts,tout (plus de trois : la "
        "linéarité en territoires et en fiches est contrôlée par les résidus)",
    )
    p.add_argument("--attendre-calme-max", type=float, default=60.0, help="attente maximale d'une machine calme (s)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Mesure d'un lot de territoires (écrit reports/benchmark_lot.md).")
    p.add_argument("--travail", type=Path, default=Path("/tmp/bench/lot-run"))
    p.add_argument("--sortie", type=Path, default=RACINE / "reports" / "benchmark_lot.md")
    p.add_argument("--rapport-seul", type=Path, help="réécrit le rapport à partir d'un resultats_lot.json")
    arguments(p)
    args = p.parse_args(argv)
    if args.rapport_seul:
        res = json.loads(args.rapport_seul.read_text(encoding="utf-8"))
    else:
        args.attendre_calme = False  # attente bornée ici (--attendre-calme-max), pas celle du banc principal
        banc = bm.Banc(args.travail, args)
        banc.preparer()
        banc.machine()
        res = mesurer(banc, args)
        res["machine"] = banc.resultats["machine"]
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(rapport(res, res.get("machine")), encoding="utf-8")
    args.sortie.with_suffix(".json").write_text(
        json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    bm.journal(f"Rapport écrit : {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
