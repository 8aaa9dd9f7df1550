"""Partie « fiches » : coût marginal d'une fiche quartier en 2019 (étape des fiches pour 2, 5, 10, 21 fiches)."""

from __future__ import annotations

import re

from banc.outils import ANNEE, journal


def mesurer(banc, args):
    nombres = [int(x) for x in args.fiches.split(",")]
    n = args.repetitions
    journal(f"2019, fiches quartier seules : {nombres} fiches ({n} fois chacune)")
    texte = banc.p19.read_text(encoding="utf-8")
    mesures = []
    for k in nombres:
        p = banc.travail / "params-fiches" / f"{ANNEE}-{k}.yaml"
        p.parent.mkdir(exist_ok=True)
        p.write_text(re.sub(r"(?m)^fiches_quartier:.*\n?", "", texte) + f"\nfiches_quartier: {k}\n", encoding="utf-8")
        for i in range(n):
            r = banc.pipeline(
                racine=banc.r19,
                annee=ANNEE,
                params=p,
                raw=banc.raw19,
                out=banc.travail / "fiches-2019" / "rapport",
                processed=banc.travail / "fiches-2019" / "processed",
                force=True,
                neuf=True,
                chapitres=["10"],
                etiquette=f"fiches-{k}-{i + 1}",
            )
            mesures.append(
                {
                    "demandees": k,
                    "fiches": r["fiches"],
                    "duree": r["etapes"].get("fiches_quartier"),
                    "mur": r["mur"],
                }
            )
    banc.resultats["fiches_2019"] = mesures
