"""Sections du rapport sur les grandes tailles : passage à l'échelle, profil py-spy, toutes les fiches à la taille
nationale."""

from __future__ import annotations

from banc.outils import fr, fraction, mediane, regression


def echelle(res: dict) -> list[str]:
    """Passage à l'échelle : une ligne par taille, puis la croissance."""
    L = []
    a = L.append
    ech = res.get("echelle") or []
    if ech:
        a("## Passage à l'échelle : années synthétiques")
        a("")
        a(
            "Données fictives produites par `scripts/generer_territoire_synthetique.py` (même structure que les "
            "fichiers de 2019, graine 0), hors de `data/raw`. Exécution complète à froid ("
            "`--force`) : préparation, chapitres 10 à 90, **20 fiches quartier** (`fiches_quartier: 20`). Mémoire : "
            "maximum de la somme des RSS du processus et de tous ses descendants (noyaux), échantillonnée toutes les "
            "0,1 s ; la somme des RSS compte plusieurs fois les pages partagées : c'est un majorant."
        )
        a("")
        a(
            "| taille | quartiers | actions | données brutes | génération | exécutions | durée (médiane) | min–max | pic de mémoire | processus simultanés | ré-exécution sans changement | rapport produit | export HTML (mesuré à part) | CPU d'autres processus pendant la mesure (médiane) |"
        )
        a("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for e in ech:
            t = [r["mur"] for r in e["runs"]]
            q = e["taille"]["lignes"].get("insee_qpv", 0)
            nom = "minimale (coût fixe)" if e["minimal"] else fraction(e["facteur"])
            a(
                f"| {nom} | {q} | {e['taille']['lignes'].get('programmation', 0)} | "
                f"{fr(e['taille']['octets'] / 2**20, 1)} Mio | {fr(e['generation_s'], 1)} s | {len(t)} | "
                f"**{fr(mediane(t), 1)} s** | {fr(min(t), 1)}–{fr(max(t), 1)} s | "
                f"{fr(max(r['pic_octets'] for r in e['runs']) / 2**20, 0)} Mio | "
                f"{max(r['processus_max'] or 0 for r in e['runs'])} | {fr(e['chaud']['mur'], 2)} s | "
                f"{fr(e['html_octets'] / 2**20, 1)} Mio | {fr(sum((e.get('export_s') or {}).values()), 1)} s | "
                f"{etranger(e['runs'])} |"
            )
        a("")
        L.extend(_croissance(ech))
    return L


def _croissance(ech: list) -> list[str]:
    """Croissance avec la taille : coût fixe, ajustement linéaire, durée des étapes, export HTML."""
    L = []
    a = L.append
    mini = next((e for e in ech if e["minimal"]), None)
    lad = [e for e in ech if not e["minimal"]]
    if lad:
        xs = [e["facteur"] for e in lad]
        ys = [mediane([r["mur"] for r in e["runs"]]) for e in lad]
        pente, origine, r2 = regression(xs, ys)
        t0 = mediane([r["mur"] for r in mini["runs"]]) if mini else None
        a(
            "**Croissance.** "
            + (
                f"Coût fixe mesuré sur la plus petite exécution (taille minimale, "
                f"{mini['taille']['lignes'].get('insee_qpv', 0)} quartiers, "
                f"{mini['taille']['lignes'].get('programmation', 0)} actions) : "
                f"**{fr(t0, 1)} s**. "
                if mini
                else ""
            )
            + f"Ajustement linéaire sur les trois tailles : durée ≈ {fr(origine, 1)} s + {fr(pente, 1)} s × "
            f"(taille / taille nationale), R² = {fr(r2, 3)}."
        )
        a("")
        a("| taille | durée | durée − coût fixe | rapport à la taille précédente (linéaire : × 4) |")
        a("| --- | --- | --- | --- |")
        prec = None
        for e, y in zip(lad, ys):
            var = y - t0 if t0 is not None else None
            rap = f"× {fr(var / prec, 1)}" if prec and var is not None and prec > 0 else "—"
            a(f"| {fraction(e['facteur'])} | {fr(y, 1)} s | {fr(var, 1)} s | {rap} |")
            prec = var
        a("")
        a("Durée de chaque étape (médiane, secondes) selon la taille :")
        a("")
        etapes = list(dict.fromkeys(k for e in ech for r in e["runs"] for k in r["etapes"]))
        a("| étape | " + " | ".join(("minimale" if e["minimal"] else fraction(e["facteur"])) for e in ech) + " |")
        a("| --- |" + " --- |" * len(ech))
        for k in etapes:
            a(f"| {k} | " + " | ".join(fr(mediane([r["etapes"].get(k) for r in e["runs"]]), 1) for e in ech) + " |")
        a(
            "| **durée murale** | "
            + " | ".join(f"**{fr(mediane([r['mur'] for r in e['runs']]), 1)}**" for e in ech)
            + " |"
        )
        a("")
        chapitres = [k for k in etapes if k[:2].isdigit() and int(k[:2]) >= 10]
        if any(e.get("export_s") for e in ech):
            a(
                "Export HTML (`exporter_html`, deux versions par chapitre), mesuré à part dans un processus seul, "
                "sur les notebooks exécutés de chaque taille (secondes) :"
            )
            a("")
            a(
                "| chapitre | "
                + " | ".join(("minimale" if e["minimal"] else fraction(e["facteur"])) for e in ech)
                + " |"
            )
            a("| --- |" + " --- |" * len(ech))
            for k in chapitres:
                a(f"| {k} | " + " | ".join(fr((e.get("export_s") or {}).get(k), 1) for e in ech) + " |")
            a(
                "| 20 fiches | "
                + " | ".join(
                    fr(sum(v for c, v in (e.get("export_s") or {}).items() if c.startswith("fiche:")), 1) for e in ech
                )
                + " |"
            )
            a("")
    return L


def profil(res: dict) -> list[str]:
    """Profil py-spy de l'exécution nationale."""
    L = []
    a = L.append
    prof = res.get("profil")
    if prof and not prof.get("erreur"):
        a("## Profil de l'exécution nationale (py-spy, noyaux compris)")
        a("")
        tot = prof["echantillons"] or 1
        a(
            f"{prof['echantillons']} échantillons à 50 Hz sur tous les processus (un échantillon par fil actif ; les "
            f"piles des fils en attente — sélecteurs, verrous, tubes — sont retirées ; py-spy ralentit l'exécution "
            f"d'environ 25 %). Répartition : "
            + ", ".join(f"{k} {fr(100 * v / tot, 0)} %" for k, v in prof["par_processus"].items())
            + "."
        )
        a("")
        a("Fonctions du projet et des bibliothèques les plus coûteuses (temps inclusif, part des échantillons) :")
        a("")
        a("| fonction | part |")
        a("| --- | --- |")
        n = 0
        for f, c in prof["inclusif"]:
            if any(
                s in f
                for s in (
                    "<module>",
                    "run_code",
                    "run_cell",
                    "_run_module",
                    "execute_request",
                    "dispatch",
                    "run_ast_nodes",
                    "_run_cell",
                    "run_cell_async",
                    "process_one",
                    "dispatch_queue",
                    "_run_once",
                    "run_forever",
                    "start (",
                    "launch_instance",
                    "_bootstrap",
                    "wrapper (",
                    "_pseudo_sync_runner",
                    "run_until_complete",
                    "main (",
                    "do_execute",
                    "execute_cell",
                    "async_execute",
                    "_run (",
                    "worker (",
                    "run (",
                )
            ):
                continue
            a(f"| `{f[:150]}` | {fr(100 * c / tot, 1)} % |")
            n += 1
            if n >= 25:
                break
        a("")
    elif prof:
        a(f"Profil py-spy impossible : {prof['erreur'][:300]}")
        a("")
    return L


def fiches_national(res: dict) -> list[str]:
    fn = synthese_fiches_national(res.get("fiches_national"))
    return _section_fiches_national(res["fiches_national"], fn) if fn else []


def synthese_fiches_national(d: dict | None) -> dict | None:
    """Synthèse de la partie « toutes les fiches à la taille nationale » : régression de la durée de l'étape sur
    le nombre de fiches (pente = coût marginal d'une fiche), une fiche naïve (médiane), mémoire maximale."""
    if not d or not d.get("tailles"):
        return None
    xs, ys = [], []
    for taille in d["tailles"]:
        for y in taille["etape_s"]:
            if y is not None:
                xs.append(taille["fiches"])
                ys.append(y)
    pente, origine, r2 = regression(xs, ys)
    naif = mediane([x["total_s"] for x in d.get("naif_une_fiche", [])])
    par_fiche = [mediane(t["etape_s"]) / t["fiches"] for t in d["tailles"] if mediane(t["etape_s"])]
    pics = [p for t in d["tailles"] for p in t["pic_octets"] if p]
    return {
        "pente": pente,
        "origine": origine,
        "r2": r2,
        "naif": naif,
        "ratio": naif / pente if naif and pente else None,
        "pic_go": max(pics) / 2**30 if pics else None,
        "n_max": max(t["fiches"] for t in d["tailles"]),
        "par_fiche_rapport": par_fiche[-1] / par_fiche[0] if len(par_fiche) > 1 and par_fiche[0] else None,
    }


def _section_fiches_national(d: dict, fn: dict) -> list[str]:
    L = [
        "## Toutes les fiches à la taille nationale",
        "",
        f"Territoire synthétique national ({fr(d['quartiers'], 0)} quartiers, générateur, données fictives, codes locaux) ; "
        "étape des fiches seule (`--chapitres fiches`), la préparation (lecture, nettoyages, validation : "
        f"{fr(d.get('preparation_s'), 1, 's')}) faite une fois avant et réutilisée ; dossier `quartiers/` du rapport "
        "retiré avant chaque exécution pour que l'étape soit refaite. Fiches prises une à une par les noyaux de l'exécution (un par cœur).",
        "",
        "| fiches | exécutions | étape des fiches (médiane) | par fiche | mémoire maximale (arbre) | CPU d'autres "
        "processus |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in d["tailles"]:
        m = mediane(t["etape_s"])
        pic = max([p for p in t["pic_octets"] if p] or [0])
        L.append(
            f"| {fr(t['fiches'], 0)} ({'toutes' if t['fraction'] >= 1 else fraction(t['fraction'])}) | "
            f"{len(t['etape_s'])} | {fr(m, 1, 's')} | "
            f"{fr(m / t['fiches'] if m else None, 3, 's')} | {fr(pic / 2**20, 0, 'Mio')} | "
            f"{fr(mediane([c for c in t['cpu_etrangere'] if c is not None]), 1, 's')} |"
        )
    naifs = d.get("naif_une_fiche", [])
    L += [
        "",
        f"Une fiche à la façon naïve (papermill puis nbconvert en ligne de commande, même mesure, {len(naifs)} fois "
        f"entre les tailles) : médiane {fr(fn['naif'], 1, 's')} (papermill "
        f"{fr(mediane([x['papermill_s'] for x in naifs]), 1, 's')}, nbconvert "
        f"{fr(mediane([x['nbconvert_s'] for x in naifs]), 1, 's')}).",
        "",
        f"Régression de la durée de l'étape sur le nombre de fiches : {fr(fn['pente'], 3, 's')} par fiche (coût "
        f"marginal, temps mural, deux noyaux en parallèle), {fr(fn['origine'], 1, 's')} à l'origine, R² "
        f"{fr(fn['r2'], 4)} ; coût marginal = 1/{fr(fn['ratio'], 0)} d'une fiche naïve.",
        "",
    ]
    return L


def etranger(runs) -> str:
    """Temps CPU consommé par d'autres processus de la machine pendant les mesures (perturbation), médiane."""
    v = [r.get("cpu_etrangere") for r in runs if r.get("cpu_etrangere") is not None]
    if not v:
        return "non mesuré"
    return f"{fr(mediane(v), 1)} s CPU"
