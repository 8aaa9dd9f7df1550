"""Partie « echelle » : passage à l'échelle sur des années synthétiques (1/256, 1/16, 1/4, 1 fois la taille
nationale) : durée, mémoire de l'arbre des processus, ré-exécution, export HTML ; profil py-spy si demandé."""

from __future__ import annotations

import time
from pathlib import Path

from banc.outils import ANNEE_SYNTH, journal, octets_dossier, taille_brute
from banc.parties import profil


def mesurer(banc, args):
    facteurs = [float(f) for f in args.facteurs.split(",")]
    minimal = args.facteur_minimal
    journal(f"Passage à l'échelle : facteurs {facteurs} (+ {minimal} pour le coût fixe)")
    res = []
    for f in ([minimal] if minimal else []) + facteurs:
        dossier = banc.travail / f"synth-{f:g}"
        t = time.perf_counter()
        g = banc.generer(f, dossier, ANNEE_SYNTH)
        t_gen = time.perf_counter() - t
        if g.returncode != 0:
            raise RuntimeError(f"générateur : {g.stderr}")
        taille = taille_brute(dossier / "raw" / str(ANNEE_SYNTH))
        params = dossier / "params" / f"{ANNEE_SYNTH}.yaml"
        racine = banc.racine(f"racine-synth-{f:g}", {ANNEE_SYNTH: params})
        out, processed = dossier / "rapport", dossier / "processed"
        reps = 1 if f == minimal else (args.repetitions_echelle if f < 1 else args.repetitions_national)
        runs = [
            banc.pipeline(
                racine=racine,
                annee=ANNEE_SYNTH,
                params=params,
                raw=dossier / "raw" / str(ANNEE_SYNTH),
                out=out,
                processed=processed,
                force=True,
                vider_cache=True,
                neuf=True,
                etiquette=f"echelle-{f:g}-{i + 1}",
            )
            for i in range(reps)
        ]
        chaud = banc.pipeline(
            racine=racine,
            annee=ANNEE_SYNTH,
            params=params,
            raw=dossier / "raw" / str(ANNEE_SYNTH),
            out=out,
            processed=processed,
            force=False,
            etiquette=f"echelle-{f:g}-chaud",
        )
        res.append(
            {
                "facteur": f,
                "minimal": f == minimal,
                "generation_s": t_gen,
                "taille": taille,
                "resume_generateur": g.stdout.splitlines()[0] if g.stdout else "",
                "runs": runs,
                "chaud": chaud,
                "html_octets": octets_dossier(out),
                "export_s": banc.mesurer_export(out),
            }
        )
        banc.resultats["echelle"] = res
        banc.sauver()
    if args.py_spy and Path(args.py_spy).is_file():
        profil.mesurer(banc, args, facteurs[-1])
