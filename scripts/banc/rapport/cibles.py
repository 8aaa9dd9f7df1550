"""Le résumé du rapport : chaque cible de l'issue, la valeur mesurée, atteinte ou manquée."""

from __future__ import annotations

from banc.outils import fr, mediane
from banc.rapport.echelle import synthese_fiches_national

CIBLES = {
    "froid_s": 30.0,
    "ratio_naif": 12.0,  # la façon naïve / le rapport 2019 à froid, mesurés dans la même exécution du banc
    "chaud_s": 1.0,
    "premier_rapport": 1.3,  # premier make report d'un clone neuf / make report à froid suivant
    "national_s": 90.0,
    "memoire_go": 2.0,
    "ratio_fiche": 50.0,  # une fiche naïve / coût marginal d'une fiche (toutes les fiches, taille nationale)
}


def resume(res: dict) -> list[str]:
    """La table des cibles, des parties mesurées seulement."""
    lignes_cibles = []

    def cible(nom, mesure, cible_txt, ok):
        lignes_cibles.append(f"| {nom} | {mesure} | {cible_txt} | {'**atteinte**' if ok else '**MANQUÉE**'} |")

    for partie in (_cibles_2019, _cibles_echelle, _cibles_fiches_national, _cible_premier):
        partie(res, cible)
    return [
        "## Résumé : les cibles",
        "",
        "| mesure | valeur | cible | |",
        "| --- | --- | --- | --- |",
        *lignes_cibles,
        "",
    ]


def _cibles_2019(res: dict, cible) -> None:
    froid = res.get("froid_2019") or []
    naif = res.get("naif_2019") or []
    chaud = res.get("chaud_2019") or []
    t_froid = mediane([r["mur"] for r in froid])
    t_naif = mediane([r["total"] for r in naif])
    if froid:
        ratio = t_naif / t_froid if t_naif and t_froid else None
        if t_froid:
            cible("Rapport 2019 à froid, fiches comprises", fr(t_froid, 1, "s"), "≤ 30 s", t_froid <= CIBLES["froid_s"])
        if ratio:
            cible(
                "Gain sur la façon naïve (papermill + nbconvert en ligne de commande)",
                f"× {fr(ratio, 1)}",
                "≥ × 12",
                ratio >= CIBLES["ratio_naif"],
            )
    if chaud:
        t = mediane([r["mur"] for r in chaud])
        cible("Ré-exécution sans changement", fr(t, 2, "s"), "≤ 1 s", t <= CIBLES["chaud_s"])


def _cibles_echelle(res: dict, cible) -> None:
    ech = res.get("echelle") or []
    nat = next((e for e in ech if e["facteur"] == 1.0), None)
    if nat:
        t = mediane([r["mur"] for r in nat["runs"]])
        pic = max(r["pic_octets"] for r in nat["runs"]) / 2**30
        cible(
            "Taille nationale (1 600 QPV, 30 000 actions, 20 fiches) à froid",
            fr(t, 1, "s"),
            "≤ 90 s",
            t <= CIBLES["national_s"],
        )
        cible(
            "Mémoire maximale à l'échelle nationale (arbre des processus)",
            fr(pic, 2, "Gio"),
            "≤ 2 Gio",
            pic <= CIBLES["memoire_go"],
        )


def _cibles_fiches_national(res: dict, cible) -> None:
    fn = synthese_fiches_national(res.get("fiches_national"))
    if fn:
        if fn["ratio"]:
            cible(
                "Toutes les fiches, taille nationale : coût marginal d'une fiche / une fiche à la façon naïve",
                f"1/{fr(fn['ratio'], 0)} ({fr(fn['pente'], 2, 's')} contre {fr(fn['naif'], 1, 's')})",
                "≤ 1/50",
                fn["ratio"] >= CIBLES["ratio_fiche"],
            )
        if fn["pic_go"] is not None:
            cible(
                f"Toutes les fiches ({fr(fn['n_max'], 0)}), mémoire maximale de l'arbre des processus",
                fr(fn["pic_go"], 2, "Gio"),
                "≤ 2 Gio",
                fn["pic_go"] <= CIBLES["memoire_go"],
            )
        if fn["r2"] is not None:
            cible(
                "Toutes les fiches : croissance linéaire (R² de la régression, durée par fiche 1× / 1/16)",
                f"R² {fr(fn['r2'], 3)} ; × {fr(fn['par_fiche_rapport'], 2)}",
                "R² ≥ 0,99, rapport ≤ 1,2",
                fn["r2"] >= 0.99 and (fn["par_fiche_rapport"] or 9) <= 1.2,
            )


def _cible_premier(res: dict, cible) -> None:
    pr = res.get("premier_make_report")
    if pr and pr.get("suivants"):
        t1, tn = pr["premier"]["duree"], mediane([r["duree"] for r in pr["suivants"]])
        cible(
            "Premier `make report` d'un clone neuf (après installation) / `make report` à froid suivant",
            f"× {fr(t1 / tn, 2)} ({fr(t1, 1, 's')} contre {fr(tn, 1, 's')})",
            "≤ × 1,3",
            t1 / tn <= CIBLES["premier_rapport"],
        )
