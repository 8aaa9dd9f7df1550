"""Ce que le runner ajoute au rapport quand ses pages sont écrites : titres et navigation qui nomment les pages
(chapitres : territoire et année ; fiches : quartier, commune, territoire, année, fiches précédente et suivante),
chiffres clés de l'index, méthodologie, recherche, archive « tout télécharger ».

Appelé par ``runner.run`` à la fin de chaque exécution qui a produit quelque chose, d'après la liste finale des
chapitres et des fiches (une page réutilisée d'une exécution précédente reçoit la même navigation).
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

from politique_ville.formats import euros, nombre_fr
from politique_ville.published.concordance import concordance_annee
from politique_ville.report.csv_francais import csv_francais
from politique_ville.report.export import poser_navigation


def nommer_chapitres(dossier: Path, chapitres: list[dict], *, territoire: str, annee: int) -> None:
    """Navigation, titre (``<title>``) et sous-titre (territoire, année) de chaque chapitre et de sa version avec le
    code. ``chapitres`` : dicts ``titre``, ``html``, ``html_code`` dans l'ordre du rapport."""
    for i, c in enumerate(chapitres):
        nav = {
            "index": "index.html",
            "precedent": (chapitres[i - 1]["titre"], chapitres[i - 1]["html"]) if i > 0 else None,
            "suivant": (chapitres[i + 1]["titre"], chapitres[i + 1]["html"]) if i + 1 < len(chapitres) else None,
        }
        for page in (c["html"], c.get("html_code")):
            if page and (dossier / page).is_file():
                poser_navigation(
                    dossier / page,
                    nav,
                    titre=f"{c['titre']} — {territoire}, rapport {annee}",
                    sous_titre=f"{territoire} — rapport {annee}",
                )


def titre_fiche(nom, code: str, communes, *, territoire: str, annee: int) -> tuple[str, str, str]:
    """``(titre de la page, titre visible, sous-titre)`` d'une fiche quartier."""
    nom = nom if isinstance(nom, str) and nom.strip() else "quartier sans nom publié"
    communes = communes if isinstance(communes, str) and communes.strip() else "commune non publiée"
    return (
        f"Fiche quartier {nom} ({code}), {communes} — {territoire}, rapport {annee}",
        f"Fiche quartier : {nom}",
        f"{code} — {communes} — {territoire}, rapport {annee}",
    )


def nommer_fiches(dossier: Path, fiches: list[dict], *, territoire: str, annee: int) -> None:
    """Chaque fiche (``quartiers/<code>.html``) nomme son quartier, sa commune, le territoire et l'année, et mène aux
    fiches précédente et suivante (ordre de la liste de l'index) et à la liste des fiches. ``fiches`` : dicts
    ``code_qp``, ``nom``, ``communes``, ``html`` (relatif au dossier du rapport)."""
    noms = [f"{f['nom'] if isinstance(f.get('nom'), str) and f['nom'].strip() else f['code_qp']}" for f in fiches]
    for i, f in enumerate(fiches):
        nav = {
            "index": "../index.html",
            "genre": "Fiche",
            "liste": ("Liste des fiches", "../index.html#fiches"),
            "precedent": (noms[i - 1], Path(fiches[i - 1]["html"]).name) if i > 0 else None,
            "suivant": (noms[i + 1], Path(fiches[i + 1]["html"]).name) if i + 1 < len(fiches) else None,
        }
        titre, h1, sous_titre = titre_fiche(
            f.get("nom"), f["code_qp"], f.get("communes"), territoire=territoire, annee=annee
        )
        page = dossier / f["html"]
        if page.is_file():
            poser_navigation(page, nav, titre=titre, titre_h1=h1, sous_titre=sous_titre)


def chiffres_cles(tables: dict, concordance=None) -> list[tuple]:
    """Les chiffres clés du rapport, ``(libellé, valeur)`` ou ``(libellé, valeur, détail)`` : quartiers prioritaires et leur population,
    crédits de la politique de la ville, actions, porteurs, décompte de la concordance. ``tables`` : tables nettoyées
    (``insee_qpv``, ``programmation`` ; absentes : chiffres omis). ``concordance`` : table de
    :func:`politique_ville.published.concordance.concordance_annee` (facultative)."""
    import pandas as pd

    cles = []
    q = tables.get("insee_qpv")
    if q is not None and len(q):
        qpv = q[q["type_quartier"].astype(str).str.upper().str.startswith("QPV")] if "type_quartier" in q else q
        cles.append(("Quartiers prioritaires (QPV)", nombre_fr(len(qpv))))
        if len(q) > len(qpv):
            cles.append(("Autres quartiers suivis (communautaires, de veille)", nombre_fr(len(q) - len(qpv))))
        if "pop_mun" in qpv and qpv["pop_mun"].notna().any():
            cles.append(("Habitants des QPV", nombre_fr(pd.to_numeric(qpv["pop_mun"], errors="coerce").sum())))
    p = tables.get("programmation")
    if p is not None and len(p):
        cles.append(("Actions programmées", nombre_fr(len(p))))
        porteur = "porteur_canonique" if "porteur_canonique" in p else "porteur"
        if porteur in p:
            cles.append(("Porteurs d'actions", nombre_fr(p[porteur].nunique())))
        for colonne, libelle in (
            ("cget", "Crédits spécifiques de l'État (CGET)"),
            ("credits_specifiques", "Crédits spécifiques, tous financeurs"),
            ("droit_commun", "Droit commun mobilisé"),
        ):
            if colonne in p and p[colonne].notna().any():
                cles.append((libelle, euros(pd.to_numeric(p[colonne], errors="coerce").sum())))
    if concordance is not None and len(concordance):
        compte = concordance["statut"].astype(str).value_counts()
        detail = " ; ".join(f"{s} : {nombre_fr(n)}" for s, n in compte.items())
        cles.append(("Chiffres publiés recalculés (concordance)", nombre_fr(len(concordance)), detail))
    return cles


def chiffres_cles_du_rapport(cat, tables_dir: Path, avec_concordance: bool) -> list[tuple[str, str]]:
    """:func:`chiffres_cles` d'après les tables nettoyées de ``tables_dir`` (celles que le rapport vient de lire) ;
    la concordance est recalculée sur ces tables quand le chapitre de concordance est produit. Une table absente ou
    illisible omet ses chiffres, sans faire échouer le rapport."""

    import pandas as pd

    tables = {}
    for nom in ("insee_qpv", "programmation"):
        chemin = Path(tables_dir) / f"{nom}.parquet"
        if chemin.is_file():
            tables[nom] = pd.read_parquet(chemin)
    concordance = None
    if avec_concordance:
        try:
            concordance = concordance_annee(dataclasses.replace(cat, processed_dir=Path(tables_dir)))
        except Exception:  # les chiffres clés ne font jamais échouer le rapport : le chapitre 90 dit le détail
            concordance = None
    return chiffres_cles(tables, concordance)


def ecrire_archive(dossier: Path, tables_dir: Path | None, annee: int) -> Path:
    """« Tout télécharger » : une archive ZIP avec chaque classeur du rapport (chapitres et fiches) et chaque table
    nettoyée en CSV (UTF-8, séparateur « ; », virgule décimale : s'ouvre tel quel dans un tableur français)."""
    import pandas as pd

    dossier = Path(dossier)
    sortie = dossier / f"rapport_{annee}_tableaux_et_donnees.zip"
    temporaire = sortie.with_suffix(".zip.tmp")
    # compression rapide (niveau 3) : les CSV pèsent 10 % de plus qu'au niveau 6, écrits en 7 ms au lieu de 22 pour la
    # table de comparaison nationale (1 600 quartiers) que porte l'archive de chaque territoire d'un lot
    with zipfile.ZipFile(temporaire, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as z:
        for classeur in sorted(dossier.glob("tableaux/*.xlsx")) + sorted(dossier.glob("quartiers/tableaux/*.xlsx")):
            # un classeur est déjà une archive compressée : rangé tel quel (le recompresser ne gagne rien, coûte)
            z.write(classeur, classeur.relative_to(dossier).as_posix(), compress_type=zipfile.ZIP_STORED)
        if tables_dir is not None and Path(tables_dir).is_dir():
            for table in sorted(Path(tables_dir).glob("*.parquet")):
                csv = csv_francais(pd.read_parquet(table))  # colonnes déjà écrites pour un autre territoire : reprises
                z.writestr(f"tables_nettoyees/{table.stem}.csv", csv.encode("utf-8-sig"))
        z.writestr(
            "LISEZMOI.txt",
            f"Rapport politique de la ville {annee} : tableaux et données.\n"
            "tableaux/ : un classeur Excel par chapitre (une feuille par tableau, nombres stockés comme nombres, "
            "provenance en première ligne).\n"
            "quartiers/tableaux/ : un classeur par fiche quartier.\n"
            "tables_nettoyees/ : les tables nettoyées et validées dont sont tirés tous les chiffres (CSV, "
            "séparateur « ; », virgule décimale, UTF-8).\n"
            "Provenance des valeurs et définitions : page « Méthodologie » du rapport (methodologie.html).\n",
        )
    temporaire.chmod(0o644)
    temporaire.replace(sortie)
    return sortie
