"""Sections du rapport sur le rapport 2019 : premier make report, à froid (et la façon naïve), ré-exécution,
fiches quartier, décomposition."""

from __future__ import annotations

import statistics

from banc.outils import fr, mediane, regression


def premier(res: dict) -> list[str]:
    """Premier ``make report`` d'un clone neuf."""
    L = []
    a = L.append
    pr = res.get("premier_make_report")
    if pr and pr.get("suivants"):
        a("## Premier `make report` d'un clone neuf")
        a("")
        a(
            f"Clone du dépôt (commit `{pr.get('git')}`), installé par `make setup` (non mesuré : "
            f"{fr(pr.get('installation_s'), 0, 's')}), avec des dossiers de configuration de matplotlib et d'IPython "
            f"vides (un nouvel utilisateur) ; puis `make report` à froid dans le même clone (rapport, tables et cache "
            f"effacés), **{len(pr['suivants'])} fois**. Durées murales de la commande `make report`."
        )
        a("")
        a("| | durée |")
        a("| --- | --- |")
        a(f"| premier `make report` | {fr(pr['premier']['duree'], 1, 's')} |")
        a(
            f"| `make report` à froid suivant (médiane ; min–max) | {fr(mediane([r['duree'] for r in pr['suivants']]), 1, 's')}"
            f" ({fr(min(r['duree'] for r in pr['suivants']), 1)}–{fr(max(r['duree'] for r in pr['suivants']), 1, 's')}) |"
        )
        a("")
    return L


def froid(res: dict) -> list[str]:
    """Rapport 2019 à froid, comparé à la façon naïve ; durée de chaque étape."""
    L = []
    a = L.append
    m = res.get("machine", {})
    froid = res.get("froid_2019") or []
    naif = res.get("naif_2019") or []
    fc = res.get("force_cache_2019") or []
    t_froid = mediane([r["mur"] for r in froid])
    t_naif = mediane([r["total"] for r in naif])
    if froid:
        a("## Rapport 2019 à froid, fiches quartier comprises")
        a("")
        a(
            f"Dossier du rapport et dossier des tables neufs, `--force`, `--jobs` par défaut "
            f"({m.get('coeurs_logiques', '?')}) ; durée murale du processus (démarrage de Python compris). "
            f"**{len(froid)} exécutions**."
        )
        a("")
        a("| | médiane | min | max |")
        a("| --- | --- | --- | --- |")
        vals = [r["mur"] for r in froid]
        a(
            f"| Notre pipeline (`executer`) | **{fr(mediane(vals), 1)} s** | {fr(min(vals), 1)} s | {fr(max(vals), 1)} s |"
        )
        if naif:
            vn = [r["total"] for r in naif]
            a(
                f"| Façon naïve : papermill puis nbconvert, un processus par notebook ({naif[0]['notebooks']} "
                f"notebooks), {len(naif)} exécution(s) | **{fr(mediane(vn), 1)} s** | {fr(min(vn), 1)} s | "
                f"{fr(max(vn), 1)} s |"
            )
            a(
                f"| dont papermill (9 notebooks + {naif[0]['quartiers']} fiches) | {fr(mediane([r['papermill'] for r in naif]), 1)} s | | |"
            )
            a(
                f"| dont nbconvert ({naif[0]['notebooks']} exports) | {fr(mediane([r['nbconvert'] for r in naif]), 1)} s | | |"
            )
        a("")
        if naif and t_froid:
            a(
                f"Rapport des durées : **× {fr(t_naif / t_froid, 1)}**. La façon naïve produit un seul HTML par notebook "
                f"(le pipeline en produit deux par chapitre : sans et avec le code), sans index ni manifeste ; elle "
                f"démarre un processus Python, un noyau et refait les imports pour chacun des {naif[0]['notebooks']} "
                f"notebooks, puis un processus nbconvert par export."
            )
            a("")
        a(
            "Durée de chaque étape (médiane, secondes, lignes « ✓ » du runner / manifeste `.execution.json`). Les "
            "chapitres s'exécutent en parallèle : leur somme dépasse la durée murale."
        )
        a("")
        etapes = list(dict.fromkeys(k for r in froid for k in r["etapes"]))
        a("| étape | à froid | forcé (deuxième exécution) | naïf (papermill seul) |")
        a("| --- | --- | --- | --- |")
        for e in etapes:
            v = mediane([r["etapes"].get(e) for r in froid])
            v2 = mediane([r["etapes"].get(e) for r in fc]) if fc else None
            vn = (
                mediane([r["chapitres"].get(e) for r in naif])
                if naif and e != "fiches_quartier"
                else (mediane([sum(r["fiches"]) for r in naif]) if naif else None)
            )
            a(f"| {e} | {fr(v, 1)} | {fr(v2, 1)} | {fr(vn, 1)} |")
        a(
            f"| **durée murale** | **{fr(t_froid, 1)}** | {fr(mediane([r['mur'] for r in fc]), 1)} | "
            f"{fr(mediane([r['papermill'] for r in naif]), 1) if naif else '—'} |"
        )
        a(f"| pic de mémoire (Mio) | {fr(max(r['pic_octets'] for r in froid) / 2**20, 0)} | | |")
        a("")

    return L


def chaud(res: dict) -> list[str]:
    """Ré-exécution sans changement."""
    L = []
    a = L.append
    chaud = res.get("chaud_2019") or []
    if chaud:
        a("## Ré-exécution sans changement")
        a("")
        v = [r["mur"] for r in chaud]
        vi = [r["interne"] for r in chaud]
        a(
            f"**{len(chaud)} exécutions** après une exécution complète, rien de modifié : durée murale médiane "
            f"**{fr(mediane(v), 2)} s** (min {fr(min(v), 2)}, max {fr(max(v), 2)}), dont {fr(mediane(vi), 2)} s dans "
            f"le processus (imports du runner {fr(mediane([r['t_import'] for r in chaud]), 2)} s, empreintes des "
            f"entrées, lecture du manifeste). Message du runner : « {next((x for x in chaud[0]['lignes'] if 'Rien' in x), '')} »."
        )
        a("")

    return L


def fiches(res: dict) -> list[str]:
    """Coût marginal d'une fiche quartier en 2019."""
    L = []
    a = L.append
    m = res.get("machine", {})
    naif = res.get("naif_2019") or []
    fiches = res.get("fiches_2019") or []
    dec = res.get("decomposition") or {}
    if fiches:
        a("## Fiches quartier : coût marginal d'une fiche")
        a("")
        pts = {}
        for f in fiches:
            pts.setdefault(f["fiches"], []).append(f["duree"])
        xs = sorted(pts)
        ys = [mediane(pts[x]) for x in xs]
        pente, origine, r2 = regression(xs, ys)
        a(
            f"Durée de l'étape « fiches quartier » (mesurée par le runner ; exécution avec `--chapitres 10`, "
            f"`fiches_quartier: n`), {len(fiches) // max(1, len(xs))} exécutions par point. Les fiches avancent en "
            f"même temps que les chapitres, dans les {m.get('coeurs_logiques', 2)} noyaux de l'exécution : la durée "
            f"de l'étape compte aussi ce temps partagé (d'où un R² faible) ; la mesure qui fait foi pour le coût "
            f"d'une fiche est celle de toutes les fiches à la taille nationale (plus bas) :"
        )
        a("")
        a("| fiches | durée de l'étape (médiane) |")
        a("| --- | --- |")
        for x, y in zip(xs, ys):
            a(f"| {x} | {fr(y, 2)} s |")
        a("")
        a(
            f"Régression linéaire : **{fr(pente, 2)} s par fiche supplémentaire** (durée murale, "
            f"{m.get('coeurs_logiques', 2)} noyaux en parallèle), ordonnée à l'origine {fr(origine, 1)} s, "
            f"R² = {fr(r2, 3)}."
        )
        if naif:
            per = mediane([statistics.median(r["fiches"]) for r in naif])
            exp = mediane([statistics.median(r["exports"][-r["quartiers"] :]) for r in naif])
            a(
                f"Façon naïve : {fr(per, 2)} s par fiche pour papermill (processus, noyau, imports, exécution) + "
                f"{fr(exp, 2)} s pour nbconvert, soit **{fr(per + exp, 2)} s par fiche**, "
                f"× {fr((per + exp) / pente, 1) if pente else '—'} le coût marginal du pipeline."
            )
        if dec.get("noyau_s"):
            a(
                f"Pour mémoire, démarrer un noyau coûte {fr(mediane(dec['noyau_s']), 2)} s (et "
                f"{fr(mediane(dec.get('papermill_vide_s', [])), 2)} s un notebook vide par la commande papermill)."
            )
        a("")

    return L


def decomposition(res: dict) -> list[str]:
    """Où va le temps : mesures isolées."""
    L = []
    a = L.append
    froid = res.get("froid_2019") or []
    fc = res.get("force_cache_2019") or []
    dec = res.get("decomposition") or {}
    if dec:
        a("## Où va le temps : décomposition")
        a("")
        a(f"Mesures isolées ({len(dec.get('noyau_s', []))} fois chacune, médianes) :")
        a("")
        a("| poste | durée |")
        a("| --- | --- |")
        a(
            f"| démarrage d'un noyau Jupyter (`KernelManager.start_kernel` → prêt) | {fr(mediane(dec.get('noyau_s', [])), 2)} s |"
        )
        a(
            f"| notebook vide par la commande `papermill` (processus + imports de papermill + noyau) | "
            f"{fr(mediane(dec.get('papermill_vide_s', [])), 2)} s |"
        )
        a(
            f"| notebook vide par la commande `jupyter nbconvert --to html` | {fr(mediane(dec.get('nbconvert_vide_s', [])), 2)} s |"
        )
        a(
            f"| imports d'un chapitre (pandas, matplotlib, `politique_ville.compute`, `figures`…) dans un processus neuf | "
            f"{fr(mediane(dec.get('imports_s', [])), 2)} s |"
        )
        a(f"| import de Great Expectations | {fr(mediane(dec.get('import_gx_s', [])), 2)} s |")
        a(
            f"| import de `politique_ville.runner` (processus parent) | {fr(mediane(dec.get('import_runner_s', [])), 2)} s |"
        )
        gx = None
        if froid and fc:
            gx = (mediane([r["etapes"].get("03_validation") for r in froid]) or 0) - (
                mediane([r["etapes"].get("03_validation") for r in fc]) or 0
            )
            a(f"| étape 03 : à froid − forcé (deuxième exécution) | {fr(gx, 1)} s |")
        exp = dec.get("export_s") or {}
        if exp:
            chap = sum(v for k, v in exp.items() if not k.startswith("fiche:"))
            fi = [v for k, v in exp.items() if k.startswith("fiche:")]
            a(f"| export HTML des 9 notebooks (deux versions chacun) | {fr(chap, 1)} s |")
            if fi:
                a(
                    f"| export HTML d'une fiche quartier | {fr(statistics.median(fi), 2)} s ({len(fi)} fiches : "
                    f"{fr(sum(fi), 1)} s) |"
                )
        a("")
        a(
            "Les noyaux sont partagés : une exécution en démarre autant que de fils (2 ici, dont celui de la "
            "validation), une fois, et les prête à chaque notebook ; le démarrage d'un noyau et les imports ne se "
            "paient donc plus par étape (la durée d'une étape ci-dessus est celle de son notebook dans un noyau déjà "
            "prêt, en concurrence avec les autres étapes). Voir l'analyse en fin de rapport."
        )
        a("")

    return L
