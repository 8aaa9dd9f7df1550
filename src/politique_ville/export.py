"""Export HTML des notebooks exécutés (nbconvert) et page d'index du rapport."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def date_fr(d: dt.datetime | dt.date) -> str:
    """Date en toutes lettres : « 3 mars AAAA », suivie de « à 09 h 05 » si une heure est donnée."""
    texte = f"{d.day} {MOIS[d.month - 1]} {d.year}"
    if isinstance(d, dt.datetime):
        texte += f" à {d.hour:02d} h {d.minute:02d}"
    return texte


def titre_notebook(chemin: Path) -> str:
    """Premier titre Markdown du notebook (« # Titre »), sinon le nom du fichier."""
    nb = json.loads(Path(chemin).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for ligne in "".join(cell.get("source", [])).splitlines():
                if ligne.startswith("# "):
                    return ligne[2:].strip()
    return Path(chemin).stem


def exporter_html(notebook: Path, sortie: Path, avec_code: bool = False) -> Path:
    """Exporte un notebook exécuté en HTML autonome (figures intégrées). Mode rapport : code masqué."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    exp = HTMLExporter(template_name="rapport", extra_template_basedirs=[str(Path(__file__).parent / "templates")])
    exp.language_code = "fr"
    exp.exclude_input = not avec_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    corps, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": titre_notebook(notebook)}})
    sortie.parent.mkdir(parents=True, exist_ok=True)
    sortie.write_text(corps, encoding="utf-8")
    return sortie


def ecrire_index(dossier: Path, *, annee: int, territoire: str, chapitres: list[dict], parametres: dict,
                 entrees: list[dict], version: str, debut: dt.datetime, fiches: list[dict] = (),
                 annexes: list[dict] = (), ignores: list[dict] = ()) -> Path:
    """Page d'accueil du rapport : chapitres, paramètres du run, empreintes des entrées, version du code, date."""
    e = html.escape
    lignes_chap = "\n".join(
        f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a>'
        + (f' — <a class="code" href="{e(c["html_code"])}">version avec le code</a>' if c.get("html_code") else "")
        + "</li>" for c in chapitres)
    lignes_fiches = "\n".join(f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a></li>' for c in fiches)
    lignes_annexes = "\n".join(f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a></li>' for c in annexes)
    lignes_ignores = "\n".join(f'<li class="ignore">{e(c["titre"])}</li>' for c in ignores)
    lignes_param = "\n".join(f"<tr><th>{e(str(k))}</th><td>{e(str(v))}</td></tr>" for k, v in parametres.items())
    lignes_ent = "\n".join(
        f"<tr><td>{e(x['fichier'])}</td><td>{x['lignes']}</td><td><code>{e(x['sha256'][:16])}…</code></td></tr>"
        for x in entrees)
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Rapport politique de la ville {annee} — {e(territoire)}</title>
<style>
body {{ font-family: "Segoe UI", Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2733; }}
h1 {{ color: #14406b; }} h2 {{ color: #14406b; border-bottom: 2px solid #d7e2ee; padding-bottom: .2rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }} th, td {{ border: 1px solid #c9d3de; padding: .3rem .6rem; text-align: left; }}
th {{ background: #eef3f8; }} li {{ margin: .3rem 0; }} a.code {{ font-size: .9em; color: #5a6b7d; }}
.note {{ color: #5a6b7d; font-size: .9em; }} li.ignore {{ color: #8a5a00; }}
</style>
</head>
<body>
<h1>Rapport sur la mise en œuvre de la politique de la ville — {annee}</h1>
<p><strong>{e(territoire)}</strong></p>
<h2>Chapitres</h2>
<ul>
{lignes_chap}
{lignes_ignores}
</ul>
{f'<h2>Fiches quartier</h2><ul class="fiches">{lignes_fiches}</ul>' if fiches else ''}
{f'<h2>Validation et tableaux téléchargeables</h2><ul>{lignes_annexes}</ul>' if annexes else ''}
<h2>Paramètres de l'exécution</h2>
<table>{lignes_param}
<tr><th>Version du code</th><td>{e(version)}</td></tr>
<tr><th>Date d'exécution</th><td>{e(date_fr(debut))}</td></tr>
</table>
<h2>Fichiers d'entrée</h2>
<table><tr><th>Fichier</th><th>Lignes</th><th>Empreinte SHA-256</th></tr>
{lignes_ent}
</table>
<p class="note">Les notebooks exécutés (trace complète de l'exécution) sont dans le dossier <code>notebooks/</code>.</p>
</body>
</html>
"""
    sortie = dossier / "index.html"
    sortie.write_text(page, encoding="utf-8")
    return sortie
