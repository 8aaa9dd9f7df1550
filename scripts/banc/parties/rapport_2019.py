"""Parties « froid » et « chaud » : le rapport 2019 à froid (fiches comprises), puis ré-exécuté sans changement
et forcé une deuxième fois (fichiers du système en cache)."""

from __future__ import annotations

from banc.outils import ANNEE, journal


def froid(banc, args):
    n = args.repetitions
    journal(f"2019 à froid ({n} fois)")
    runs = [
        banc.pipeline(
            racine=banc.r19,
            annee=ANNEE,
            params=banc.p19,
            raw=banc.raw19,
            out=banc.out19,
            processed=banc.proc19,
            force=True,
            vider_cache=True,
            neuf=True,
            etiquette=f"froid-2019-{i + 1}",
        )
        for i in range(n)
    ]
    banc.resultats["froid_2019"] = runs


def chaud(banc, args):
    n = max(3, args.repetitions)
    journal(f"2019, ré-exécution sans changement ({n} fois)")
    if not (banc.out19 / ".execution.json").is_file():
        banc.pipeline(
            racine=banc.r19,
            annee=ANNEE,
            params=banc.p19,
            raw=banc.raw19,
            out=banc.out19,
            processed=banc.proc19,
            force=True,
            neuf=True,
            etiquette="amorce-chaud",
        )
    runs = [
        banc.pipeline(
            racine=banc.r19,
            annee=ANNEE,
            params=banc.p19,
            raw=banc.raw19,
            out=banc.out19,
            processed=banc.proc19,
            force=False,
            etiquette=f"chaud-2019-{i + 1}",
        )
        for i in range(n)
    ]
    banc.resultats["chaud_2019"] = runs
    # deuxième exécution forcée (fichiers du système en cache, .pyc écrits) : la différence avec le froid
    n2 = args.repetitions
    journal(f"2019 forcé, deuxième exécution ({n2} fois)")
    banc.resultats["force_cache_2019"] = [
        banc.pipeline(
            racine=banc.r19,
            annee=ANNEE,
            params=banc.p19,
            raw=banc.raw19,
            out=banc.out19,
            processed=banc.proc19,
            force=True,
            neuf=True,
            etiquette=f"force-cache-2019-{i + 1}",
        )
        for i in range(n2)
    ]
