"""Partie « fiches_national » : toutes les fiches à la taille nationale (étape des fiches seule pour 1/16, 1/4
et toutes), comparées à une fiche à la façon naïve mesurée dans la même exécution."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from banc.outils import ANNEE_SYNTH, NOYAU, VENV_BIN, attendre_calme, executer_commande, fraction, journal


def mesurer(banc, args):
    """Étape des fiches seule (``--chapitres fiches``, préparation faite une fois avant et réutilisée) sur le
    territoire synthétique national, pour 1/16, 1/4 et toutes les fiches ; une fiche à la façon naïve
    (papermill puis nbconvert en ligne de commande) dans la même mesure, avant et après chaque taille."""
    import pandas as pd  # ici : --help, --lister et --rapport-seul n'importent pas pandas (~0,5 s)

    fractions = [float(f) for f in args.fractions_fiches.split(",")]
    dossier = banc.travail / "synth-fiches"
    shutil.rmtree(dossier, ignore_errors=True)
    g = banc.generer("1", dossier, ANNEE_SYNTH)
    if g.returncode != 0:
        raise RuntimeError(f"générateur : {g.stderr}")
    base_params = (dossier / "params" / f"{ANNEE_SYNTH}.yaml").read_text(encoding="utf-8")
    racine = banc.racine("racine-fiches", {})
    raw, out, processed = dossier / "raw" / str(ANNEE_SYNTH), dossier / "rapport", dossier / "processed"

    def params(n) -> Path:
        chemin = racine / "params" / f"{ANNEE_SYNTH}.yaml"
        chemin.write_text(re.sub(r"(?m)^fiches_quartier:.*$", f"fiches_quartier: {n}", base_params), encoding="utf-8")
        return chemin

    def lancer(n, etiquette, neuf=False):
        shutil.rmtree(out / "quartiers", ignore_errors=True)  # l'étape des fiches est refaite, pas le reste
        return banc.pipeline(
            racine=racine,
            annee=ANNEE_SYNTH,
            params=params(n),
            raw=raw,
            out=out,
            processed=processed,
            force=neuf,
            neuf=neuf,
            chapitres=["fiches"],
            etiquette=etiquette,
        )

    journal("Toutes les fiches à la taille nationale : préparation des tables (hors mesure)")
    preparation = lancer(0, "fiches-national-preparation", neuf=True)
    total = len(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"]))
    naif = [une_fiche_naive(banc, args, racine, raw, processed)]
    tailles = []
    for f in fractions:
        n = total if f >= 1 else max(1, round(f * total))
        reps = args.repetitions_national if f >= 1 else args.repetitions_fiches
        journal(f"  {n} fiches ({fraction(f)}), {reps} fois")
        runs = [lancer("toutes" if f >= 1 else n, f"fiches-national-{n}-{i + 1}") for i in range(reps)]
        tailles.append(
            {
                "fraction": f,
                "fiches": n,
                "etape_s": [r["etapes"].get("fiches_quartier") for r in runs],
                "mur_s": [r["mur"] for r in runs],
                "pic_octets": [r["pic_octets"] for r in runs],
                "cpu_etrangere": [r.get("cpu_etrangere") for r in runs],
                "produites": [r.get("fiches") for r in runs],
            }
        )
        naif.append(une_fiche_naive(banc, args, racine, raw, processed))
        banc.resultats["fiches_national"] = {
            "quartiers": total,
            "preparation_s": preparation["mur"],
            "tailles": tailles,
            "naif_une_fiche": naif,
        }
        banc.sauver()


def une_fiche_naive(banc, args, racine: Path, raw: Path, processed: Path) -> dict:
    """Une fiche à la façon naïve : papermill en ligne de commande (noyau démarré, imports, tables lues), puis
    nbconvert en ligne de commande."""
    if args.attendre_calme:
        attendre_calme()
    import pandas as pd  # ici : --help, --lister et --rapport-seul n'importent pas pandas (~0,5 s)

    d = banc.travail / "naif-fiche"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    code = str(pd.read_parquet(processed / "insee_qpv.parquet", columns=["code_qp"])["code_qp"].iloc[0])
    nbdir = racine / "notebooks"
    pm = executer_commande(
        [str(VENV_BIN / "papermill"), "-k", NOYAU, "--cwd", str(nbdir), "--no-progress-bar"]
        + [str(nbdir / "fiche_quartier.ipynb"), str(d / f"{code}.ipynb")]
        + ["-p", "annee", str(ANNEE_SYNTH), "-p", "code_qp", code]
        + [
            "-y",
            json.dumps(
                {
                    "execution": {
                        "racine": str(racine),
                        "raw_dir": str(raw),
                        "processed_dir": str(processed),
                        "reports_dir": str(d),
                        "fichier_params": str(racine / "params" / f"{ANNEE_SYNTH}.yaml"),
                    }
                }
            ),
        ],
        banc.env,
        cwd=nbdir,
    )
    nbc = executer_commande(
        [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(d / f"{code}.ipynb")], banc.env
    )
    if pm["rc"] != 0 or nbc["rc"] != 0:
        raise RuntimeError(f"fiche naïve : échec (papermill {pm['rc']}, nbconvert {nbc['rc']})")
    journal(f"  une fiche, façon naïve : {pm['duree'] + nbc['duree']:.1f} s")
    return {"papermill_s": pm["duree"], "nbconvert_s": nbc["duree"], "total_s": pm["duree"] + nbc["duree"]}
