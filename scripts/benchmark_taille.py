"""Taille des pages du rapport (issue 22, « Output size ») : un chapitre 2019, une fiche quartier, et la taille
projetée de toutes les fiches de France.

    python scripts/benchmark_taille.py [--rapport-2019 reports/2019] [--travail /tmp/bench/taille] [--fiches 20]
                                       [--sortie FICHIER.md] [--json FICHIER.json]

Trois mesures, chacune sur des pages produites par le pipeline (le code du dépôt tel qu'il est) :

1. **le rapport 2019** : exécuté dans ``--travail`` (ou lu dans ``--rapport-2019``, déjà produit par
   ``make report``) ; taille de chaque chapitre (sans et avec le code), de l'index, des fiches quartier, et ce qui
   fait chaque page (styles, scripts, images, le reste) ;
2. **une fiche d'un territoire synthétique** : le fichier national fictif de l'INSEE sur des communes réelles
   (``scripts/generer_territoire_synthetique.py --insee-communes-reelles 2024``, ~1 600 QPV, comme la géographie
   2024), un EPCI qui en a plusieurs (``--territoire``, par défaut Toulouse Métropole), ``--fiches`` fiches : ses
   fiches ont les niveaux de comparaison d'un fichier national (département, région, France) ;
3. **la projection nationale** : nombre de QPV du fichier national × taille médiane d'une fiche synthétique (la page
   seule, cible ≤ 300 Mo ; et tout ce qu'une fiche écrit : page, notebook exécuté, classeur).

Chaque page est aussi vérifiée **autonome** (:func:`ressources_externes` : aucune feuille de style, aucun script,
aucune image chargés d'ailleurs ; liens de navigation permis) : une page envoyée seule par courriel se lit entière.

Écrit un tableau Markdown (sortie standard, et ``--sortie``) et les mesures en JSON (``--json``), avec la machine,
l'heure et la version du code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PY = sys.executable
#: taille maximale d'une fiche quartier (octets) et de toutes les fiches de France (pages seules)
CIBLE_FICHE = 150 * 1024
CIBLE_FRANCE = 300 * 1024 * 1024
#: pages qui chargent des fichiers posés à côté d'elles (la recherche : son index et MiniSearch)
PAGES_A_COTE = ("recherche.html",)

_ATTRIBUT_RESSOURCE = re.compile(
    r"<(script|img|iframe|source|video|audio|embed|track|input)\b[^>]*?\s(src|data)\s*=\s*[\"']?([^\"'\s>]+)", re.I
)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_OBJET = re.compile(r"<object\b[^>]*?\sdata\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_URL_CSS = re.compile(r"url\(\s*[\"']?([^\"')]+)", re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_IMAGE = re.compile(r"data:image/[\w+.-]+;base64,[A-Za-z0-9+/=]*")


def ressources_externes(page: str) -> list[str]:
    """Ce que la page (texte HTML) irait chercher hors d'elle-même pour s'afficher : script, image, cadre, média
    (``src`` autre que ``data:``), ``<link>`` (feuille de style, icône, préchargement…), ``@import`` et ``url()``
    des styles autres que ``data:`` ou une ancre. Liste vide : page autonome. Les liens ``<a href>`` (navigation
    vers les autres pages du rapport) ne sont pas des ressources de la page."""
    trouvees = [f"<{m[0]} {m[1]}={m[2]}>" for m in _ATTRIBUT_RESSOURCE.findall(page) if not m[2].startswith("data:")]
    trouvees += _LINK.findall(page)
    trouvees += [f"<object data={d}>" for d in _OBJET.findall(page) if not d.startswith("data:")]
    styles = "\n".join(_STYLE.findall(page)) + "\n".join(re.findall(r"\sstyle\s*=\s*\"([^\"]*)\"", page))
    trouvees += [f"url({u})" for u in _URL_CSS.findall(styles) if not u.startswith(("data:", "#"))]
    trouvees += ["@import"] * len(re.findall(r"@import\b", styles))
    return trouvees


def composition(page: str) -> dict:
    """Octets de la page (UTF-8) : total, styles, scripts, images intégrées, le reste."""
    octets = lambda s: len(s.encode("utf-8"))  # noqa: E731
    styles = sum(octets(s) for s in _STYLE.findall(page))
    scripts = sum(octets(s) for s in _SCRIPT.findall(page))
    images = sum(octets(s) for s in _IMAGE.findall(page))
    total = octets(page)
    return {
        "total": total,
        "styles": styles,
        "scripts": scripts,
        "images": images,
        "reste": total - styles - scripts - images,
    }


def mesurer_pages(pages: list[Path]) -> dict:
    return {
        p.name: {**composition(t := p.read_text(encoding="utf-8")), "externes": ressources_externes(t)} for p in pages
    }


def _executer(args: list[str], env: dict | None = None) -> None:
    r = subprocess.run(args, cwd=RACINE, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"échec de {' '.join(args[:4])}… :\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")


def rapport_2019(travail: Path, dossier: Path | None) -> Path:
    if dossier is not None:
        if not (dossier / "index.html").is_file():
            raise SystemExit(f"pas de rapport dans {dossier} : `make report` d'abord")
        return dossier
    sortie = travail / "2019" / "reports"
    shutil.rmtree(travail / "2019", ignore_errors=True)
    print("Rapport 2019 (exécution complète dans le dossier de travail)…", file=sys.stderr)
    _executer(
        [PY, "-m", "politique_ville", "run", "--annee", "2019", "--out", str(sortie)]
        + ["--processed-dir", str(travail / "2019" / "processed")]
    )
    return sortie


def territoire_synthetique(travail: Path, territoire: str, fiches: int) -> tuple[Path, int]:
    """Rapport d'un EPCI du fichier national fictif (``fiches`` fiches) et nombre de QPV du fichier national."""
    import pandas as pd

    base = travail / "synthetique"
    shutil.rmtree(base, ignore_errors=True)
    print("Fichier national fictif (communes réelles, géographie 2024)…", file=sys.stderr)
    _executer(
        [PY, str(RACINE / "scripts" / "generer_territoire_synthetique.py"), "--out", str(base / "france")]
        + ["--insee-communes-reelles", "2024"]
    )
    (fichier,) = (base / "france" / "insee_national").glob("insee_qpv_france_*_2024.xlsx")
    cellules = pd.read_excel(fichier, header=None, dtype=str).stack()
    quartiers = int(cellules.str.fullmatch(r"QN[0-9AB]{3}\d{3}F").sum())
    raw = base / "raw" / "2024"
    raw.mkdir(parents=True)
    shutil.copy(fichier, raw / "insee_qpv.xlsx")
    params = base / "params.yaml"
    params.write_text(
        f'annee: 2024\nterritoire: {{niveau: epci, code: "{territoire}"}}\nfiches_quartier: {fiches}\n',
        encoding="utf-8",
    )
    print(f"Rapport du territoire {territoire} ({fiches} fiches)…", file=sys.stderr)
    _executer(
        [PY, "-m", "politique_ville", "run", "--annee", "2024", "--params", str(params), "--raw-dir", str(raw)]
        + ["--out", str(base / "rapport"), "--processed-dir", str(base / "processed")]
    )
    return base / "rapport", quartiers


def _fichiers_d_une_fiche(quartiers: Path, code: str) -> int:
    """Octets écrits pour une fiche : sa page, son notebook exécuté, son classeur (s'il y en a un)."""
    return sum(p.stat().st_size for p in [quartiers / f"{code}.html", *quartiers.glob(f"*/{code}.*")] if p.is_file())


def mesurer(args) -> dict:
    travail = args.travail
    travail.mkdir(parents=True, exist_ok=True)
    r2019 = rapport_2019(travail, args.rapport_2019)
    synth, n_qpv = territoire_synthetique(travail, args.territoire, args.fiches)
    resultat = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} — {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs",
        "charge": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "version": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=RACINE, capture_output=True, text=True
        ).stdout.strip(),
    }
    resultat["2019"] = {
        "pages": mesurer_pages(sorted(r2019.glob("*.html"))),
        "fiches": mesurer_pages(sorted((r2019 / "quartiers").glob("*.html"))),
        "dossier_octets": sum(p.stat().st_size for p in r2019.rglob("*") if p.is_file()),
    }
    fiches = sorted((synth / "quartiers").glob("*.html"))
    resultat["synthetique"] = {
        "territoire": args.territoire,
        "pages": mesurer_pages(sorted(synth.glob("*.html"))),
        "fiches": mesurer_pages(fiches),
        "fiches_tout_octets": {p.stem: _fichiers_d_une_fiche(synth / "quartiers", p.stem) for p in fiches},
    }
    mediane = statistics.median(v["total"] for v in resultat["synthetique"]["fiches"].values())
    mediane_tout = statistics.median(resultat["synthetique"]["fiches_tout_octets"].values())
    resultat["france"] = {
        "qpv": n_qpv,
        "fiche_mediane": mediane,
        "pages_octets": n_qpv * mediane,
        "tout_octets": n_qpv * mediane_tout,
    }
    return resultat


def _ko(n: float) -> str:
    return f"{n / 1024:,.0f} Ko".replace(",", " ")


def _mo(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} Mo".replace(",", " ")


def rapport(res: dict) -> str:
    lignes = [
        "# Taille des pages du rapport",
        "",
        f"Mesuré le {res['date']} sur {res['machine']} (charge {res['charge']:.2f}), code {res['version']}.",
        "",
        "| page | total | styles | scripts | images | reste | autonome |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]

    def ligne(nom, m):
        autonome = "oui" if not m["externes"] else "**non** : " + ", ".join(m["externes"][:3])
        return (
            f"| {nom} | {_ko(m['total'])} | {_ko(m['styles'])} | {_ko(m['scripts'])} | {_ko(m['images'])} "
            f"| {_ko(m['reste'])} | {autonome} |"
        )

    for nom, m in res["2019"]["pages"].items():
        if nom.startswith(("1", "2", "3", "4", "9", "index")):
            lignes.append(ligne(f"2019 {nom}", m))
    for origine in ("2019", "synthetique"):
        fiches = res[origine]["fiches"]
        if fiches:
            nom_max = max(fiches, key=lambda k: fiches[k]["total"])
            mediane = statistics.median(v["total"] for v in fiches.values())
            lignes.append(ligne(f"{origine} fiche la plus lourde ({nom_max})", fiches[nom_max]))
            lignes.append(f"| {origine} : médiane des {len(fiches)} fiches | {_ko(mediane)} | | | | | |")
    externes = [
        n
        for o in ("2019", "synthetique")
        for g in ("pages", "fiches")
        for n, m in res[o][g].items()
        if m["externes"] and n not in PAGES_A_COTE
    ]
    fr = res["france"]
    plus_lourde = max(v["total"] for o in ("2019", "synthetique") for v in res[o]["fiches"].values())
    lignes += [
        "",
        f"- Rapport 2019 entier (tout son dossier) : {_mo(res['2019']['dossier_octets'])}.",
        f"- Fiche la plus lourde : {_ko(plus_lourde)} (cible ≤ {_ko(CIBLE_FICHE)} : "
        f"{'atteinte' if plus_lourde <= CIBLE_FICHE else 'NON atteinte'}).",
        f"- Toutes les fiches de France, projetées : {fr['qpv']} QPV (fichier national fictif, géographie 2024) × "
        f"{_ko(fr['fiche_mediane'])} (médiane des fiches du territoire synthétique {res['synthetique']['territoire']}) "
        f"= **{_mo(fr['pages_octets'])}** de pages (cible ≤ {_mo(CIBLE_FRANCE)} : "
        f"{'atteinte' if fr['pages_octets'] <= CIBLE_FRANCE else 'NON atteinte'}) ; avec le notebook exécuté et le "
        f"classeur de chaque fiche : {_mo(fr['tout_octets'])}.",
        f"- Pages non autonomes : {', '.join(externes) if externes else 'aucune'} (hors {', '.join(PAGES_A_COTE)}, qui "
        "charge son index et MiniSearch à côté d'elle : elle ne s'envoie pas seule).",
    ]
    return "\n".join(lignes) + "\n"


def arguments(p: argparse.ArgumentParser, travail: Path = Path("/tmp/bench/taille")):
    """Les options de la mesure des tailles (seule, ou partie « taille » de ``scripts/benchmark.py``)."""
    p.add_argument("--travail-taille", dest="travail", type=Path, default=travail, help="dossier de travail (jetable)")
    p.add_argument("--rapport-2019", type=Path, default=None, help="rapport 2019 déjà produit (sinon exécuté)")
    p.add_argument("--territoire", default="243100518", help="SIREN de l'EPCI synthétique (fichier national fictif)")
    p.add_argument("--fiches-taille", dest="fiches", type=int, default=20, help="fiches du territoire synthétique")


def partie(banc, args) -> dict:
    """La partie « taille » du banc (``scripts/benchmark.py --parties taille``) : mêmes mesures, rangées sous
    ``resultats["taille"]``."""
    return mesurer(args)


def section(res: dict) -> list[str]:
    """Les lignes du rapport du banc pour la partie « taille » (rien si elle n'a pas été mesurée)."""
    return [rapport(res["taille"])] if res.get("taille") else []


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Taille des pages du rapport (chapitre 2019, fiche, France).")
    arguments(p)
    p.add_argument("--sortie", type=Path, default=None, help="écrit aussi le tableau Markdown dans ce fichier")
    p.add_argument("--json", type=Path, default=None, help="écrit les mesures en JSON dans ce fichier")
    args = p.parse_args(argv)
    res = mesurer(args)
    texte = rapport(res)
    print(texte)
    if args.sortie:
        args.sortie.write_text(texte, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    fiches_ok = all(v["total"] <= CIBLE_FICHE for o in ("2019", "synthetique") for v in res[o]["fiches"].values())
    return 0 if fiches_ok and res["france"]["pages_octets"] <= CIBLE_FRANCE else 1


if __name__ == "__main__":
    sys.exit(main())
