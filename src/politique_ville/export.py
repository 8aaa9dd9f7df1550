"""Export HTML des notebooks exécutés (nbconvert) et page d'index du rapport."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import threading
from pathlib import Path

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


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


def exporter_html(
    notebook, sortie: Path, avec_code: bool = False, navigation: dict | None = None, *, titre: str | None = None
) -> Path:
    """Exporte un notebook exécuté en HTML autonome (figures intégrées). Mode rapport : code masqué.

    ``notebook`` : le chemin du notebook exécuté, ou le notebook déjà en mémoire (``nbformat.NotebookNode``, avec
    ``titre`` : il n'est pas relu ni revalidé, une fiche ou les deux versions d'un chapitre l'exportent tel quel).
    La page reçoit le sommaire de ses sections (titres de niveau 2 et 3) et, si elle a un tableau interactif
    (``present.tableau_html``), DataTables intégré (voir :func:`finir_page`). ``navigation`` (facultatif) : liens en
    haut et en bas de la page, ``{"index": "index.html", "precedent": (titre, fichier) ou None,
    "suivant": (titre, fichier) ou None}`` (chemins relatifs à la page)."""
    if isinstance(notebook, (str, Path)):
        import nbformat

        titre = titre or titre_notebook(Path(notebook))
        notebook = nbformat.read(str(notebook), as_version=4)
    exp = _exporteur(avec_code)
    corps, _ = exp.from_notebook_node(
        notebook, resources={"metadata": {"name": titre or ""}, "navigation": navigation or {}}
    )
    corps = finir_page(corps)
    sortie.parent.mkdir(parents=True, exist_ok=True)
    sortie.write_text(corps, encoding="utf-8")
    return sortie


_EXPORTEURS = threading.local()

#: ce qu'ajoute l'exportateur HTML de nbconvert après coup (texte alternatif des images qui n'en ont pas, entrées et
#: sorties des cellules atteignables au clavier), fait ici sur le texte de la page : nbconvert relit pour cela toute
#: la page avec BeautifulSoup (le tiers du temps d'un export)
_IMG_SANS_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
_FOCUS = re.compile(r'<div class="([^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*)"(?![^>]*\btabindex=)')


def _accessible(page: str) -> str:
    page = _IMG_SANS_ALT.sub('<img alt="Image sans description"', page)
    return _FOCUS.sub(r'<div class="\1" tabindex="0"', page)


@functools.cache
def _classe_exportateur():
    """``HTMLExporter`` sans sa relecture de la page par BeautifulSoup ; :func:`_accessible` en fait autant."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ExportateurRapport(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            from nbconvert.filters.highlight import Highlight2HTML
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _accessible(page), resources

    return ExportateurRapport


def _exporteur(avec_code: bool):
    """L'exportateur HTML (gabarit « rapport ») d'un fil d'exécution, créé une fois par version (avec ou sans le
    code) : le gabarit Jinja est chargé et compilé une fois, pas à chaque page. Un par fil (un exportateur n'est pas
    partagé entre fils) ; le runner exporte sur un seul fil (``runner.execute.fil_export``)."""
    exporteurs = _EXPORTEURS.__dict__.setdefault("parversion", {})
    if avec_code not in exporteurs:
        exp = _classe_exportateur()(
            template_name="rapport", extra_template_basedirs=[str(Path(__file__).parent / "templates")]
        )
        exp.language_code = "fr"
        exp.optimistic_validation = True  # le notebook validé une fois, pas après chacun des préprocesseurs
        exp.exclude_input = not avec_code
        exp.exclude_input_prompt = True
        exp.exclude_output_prompt = True
        exporteurs[avec_code] = exp
    return exporteurs[avec_code]


def navigation_html(nav: dict | None, position: str) -> str:
    """Barre de navigation d'une page (même balisage que la macro ``navigation`` du gabarit) ; « » sans lien."""
    if not nav:
        return ""
    e = html.escape
    morceaux = [
        f'<nav class="navigation-rapport navigation-{position}" aria-label="Navigation entre les chapitres '
        f'({position})">'
    ]
    p, i, s = nav.get("precedent"), nav.get("index"), nav.get("suivant")
    morceaux.append(
        f'<a class="precedent" href="{e(p[1])}" rel="prev"><span class="sens">← Chapitre précédent</span> {e(p[0])}</a>'
        if p
        else '<span class="precedent"></span>'
    )
    if i:
        morceaux.append(f'<a class="index" href="{e(i)}">Sommaire du rapport</a>')
    morceaux.append(
        f'<a class="suivant" href="{e(s[1])}" rel="next"><span class="sens">Chapitre suivant →</span> {e(s[0])}</a>'
        if s
        else '<span class="suivant"></span>'
    )
    return "\n".join(morceaux) + "\n</nav>"


def poser_navigation(page: Path, nav: dict | None) -> bool:
    """Remplace la navigation d'une page déjà exportée (entre ses marques) : posée à la fin de chaque exécution,
    d'après la liste finale des chapitres, elle ne pointe jamais vers un chapitre retiré ou absent, même quand la page
    est réutilisée d'une exécution précédente. Renvoie ``True`` si la page a changé."""
    texte = page.read_text(encoding="utf-8")
    nouveau = texte
    for position in ("haut", "bas"):
        motif = re.compile(
            rf"(<!-- politique_ville:navigation-{position} -->).*?(<!-- /politique_ville:navigation-{position} -->)",
            re.S,
        )
        barre = navigation_html(nav, position)
        nouveau = motif.sub(lambda m, barre=barre: m.group(1) + barre + m.group(2), nouveau, count=1)
    if nouveau != texte:
        page.write_text(nouveau, encoding="utf-8")
        return True
    return False


MARQUE_SOMMAIRE = "<!-- politique_ville:sommaire -->"
MARQUE_TABLEAUX = "<!-- politique_ville:tableaux-interactifs -->"
VENDOR = Path(__file__).parent / "templates" / "rapport" / "vendor"
_TITRE_SECTION = re.compile(r'<h([23])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_BALISE = re.compile(r"<[^>]*>")
_LIEN_ANCRE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def sommaire_html(page: str) -> str:
    """Sommaire d'une page : ses titres de niveau 2 et 3 qui ont un identifiant (nbconvert en donne un à chaque titre
    Markdown), liens vers leurs ancres ; vide s'il y a moins de deux sections."""
    titres = []
    for niveau, ident, contenu in _TITRE_SECTION.findall(page):
        texte = html.unescape(_BALISE.sub("", _LIEN_ANCRE.sub("", contenu))).strip()
        if texte:
            titres.append((int(niveau), html.unescape(ident), texte))
    if len(titres) < 2:
        return ""
    e = html.escape
    morceaux, ouvert = [], False
    for niveau, ident, texte in titres:
        lien = f'<a href="#{e(ident)}">{e(texte)}</a>'
        if niveau == 3 and morceaux:
            morceaux.append(("" if ouvert else "<ol>") + f"<li>{lien}</li>")
            ouvert = True
        else:
            if ouvert:
                morceaux.append("</ol>")
                ouvert = False
            morceaux.append(("</li>" if morceaux else "") + f"<li>{lien}")
    morceaux.append(("</ol>" if ouvert else "") + "</li>")
    return (
        '<nav class="sommaire-page" aria-label="Sommaire de la page"><p>Dans cette page</p><ol>'
        + "".join(morceaux)
        + "</ol></nav>"
    )


#: Réglages de DataTables pour les tableaux interactifs : ordre d'origine gardé (pas de tri au chargement), pages de
#: ``present.LIGNES_INTERACTIF`` lignes, textes en français (nombres avec l'espace fine des milliers) ; une erreur
#: laisse le tableau tel quel (complet) et s'écrit dans la console, sans fenêtre d'alerte.
INIT_DATATABLES = r"""DataTable.ext.errMode = "throw";  // jamais de fenêtre d'alerte : le tableau reste complet, non interactif
document.querySelectorAll("table.%(classe)s").forEach(function (t) {
  try { new DataTable(t, {
    order: [], pageLength: %(lignes)d, autoWidth: false,
    lengthMenu: [10, %(lignes)d, 50, 100, {label: "toutes", value: -1}],
    language: {
      decimal: ",", thousands: "\u202f",
      search: "Rechercher\u00a0:", searchPlaceholder: "",
      lengthMenu: "Afficher _MENU_ lignes",
      info: "Lignes _START_ à _END_ sur _TOTAL_", infoEmpty: "Aucune ligne",
      infoFiltered: "(filtrées parmi _MAX_)", emptyTable: "Aucune ligne",
      zeroRecords: "Aucune ligne ne correspond à la recherche",
      entries: {_: "lignes", 1: "ligne"}, lengthLabels: {"-1": "toutes"},
      paginate: {first: "Première", last: "Dernière", next: "Suivant", previous: "Précédent"},
      aria: {orderable: " : trier", orderableReverse: " : inverser le tri", orderableRemove: " : retirer le tri",
             paginate: {first: "Première page", last: "Dernière page", next: "Page suivante",
                        previous: "Page précédente", number: ""}}
    }
  }); } catch (e) { console.error("Tableau interactif impossible : " + e.message); }
});"""


@functools.cache
def ressources_tableaux_interactifs() -> str:
    """Styles et script de DataTables (copiés par ``scripts/vendoriser_datatables.py``) et leurs réglages, à intégrer
    à une page qui a un tableau interactif."""
    from .present import CLASSE_INTERACTIF, LIGNES_INTERACTIF

    css = (VENDOR / "datatables" / "dataTables.dataTables.min.css").read_text(encoding="utf-8")
    js = (VENDOR / "datatables" / "dataTables.min.js").read_text(encoding="utf-8")
    for nom, texte in (("css", css), ("js", js)):
        if re.search(r"</(style|script)", texte, re.I):  # fermerait la balise avant la fin
            raise ValueError(f"DataTables ({nom}) contient une balise fermante : intégration impossible telle quelle")
    init = INIT_DATATABLES % {"classe": CLASSE_INTERACTIF, "lignes": LIGNES_INTERACTIF}
    # flèche de tri collée à l'intitulé, du côté où le texte de la colonne est aligné (à droite pour les nombres)
    th = f"table.{CLASSE_INTERACTIF}.dataTable thead > tr > th"
    reglages = (
        f"div.dt-container {{ margin: .5rem 0 1rem; font-size: .85rem; }}\n"
        f"{th} div.dt-column-header {{ justify-content: flex-start; }}\n"
        f"{th} div.dt-column-header .dt-column-title {{ flex-grow: 0; }}\n"
        f'{th}[style*="text-align:right"] div.dt-column-header {{ flex-direction: row-reverse; }}\n'
        f'{th}[style*="text-align:left"] div.dt-column-header {{ flex-direction: row; }}'
    )
    return (
        f'<style type="text/css">\n{css}\n{reglages}\n</style>\n<script>\n{js}\n</script>\n<script>\n{init}\n</script>'
    )


def finir_page(page: str) -> str:
    """Complète une page exportée : sommaire des sections (après le premier titre, sinon en haut de page) et
    DataTables seulement si la page a un tableau interactif (les autres pages ne grossissent pas)."""
    from .present import CLASSE_INTERACTIF

    sommaire = sommaire_html(page)
    fin_h1 = page.find("</h1>")
    if sommaire and fin_h1 >= 0:
        page = page.replace(MARQUE_SOMMAIRE, "", 1)
        fin_h1 = page.find("</h1>")
        page = page[: fin_h1 + 5] + "\n" + sommaire + page[fin_h1 + 5 :]
    else:
        page = page.replace(MARQUE_SOMMAIRE, sommaire, 1)
    interactif = re.search(r'<table class="[^"]*\b' + re.escape(CLASSE_INTERACTIF) + r"\b", page)
    return page.replace(MARQUE_TABLEAUX, ressources_tableaux_interactifs() if interactif else "", 1)


def valeur_parametre(v) -> str:
    """Valeur d'un paramètre lisible dans l'index : « epci 200072460 (nom) » pour un territoire désigné par son code,
    les éléments d'une liste séparés par des virgules."""
    if isinstance(v, dict):
        nom = v.get("nom")
        code = " ".join(str(v[k]) for k in ("niveau", "code") if v.get(k) not in (None, ""))
        return f"{nom} ({code})" if nom else code
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v)


def ecrire_index(
    dossier: Path,
    *,
    annee: int,
    territoire: str,
    chapitres: list[dict],
    parametres: dict,
    entrees: list[dict],
    version: str,
    debut: dt.datetime,
    fiches: list[dict] = (),
    annexes: list[dict] = (),
    ignores: list[dict] = (),
) -> Path:
    """Page d'accueil du rapport : chapitres, paramètres du run, empreintes des entrées, version du code, date.
    ``fiches`` : dicts ``titre``, ``html`` ; plus de ``present_qpv.SEUIL_FICHES_GROUPEES`` fiches qui ont toutes
    ``region``, ``departement`` et ``commune`` : liste groupée avec un champ de recherche."""
    from .present_qpv import SEUIL_FICHES_GROUPEES, fiches_groupees_html

    e = html.escape
    lignes_chap = "\n".join(
        f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a>'
        + (f' — <a class="code" href="{e(c["html_code"])}">version avec le code</a>' if c.get("html_code") else "")
        + "</li>"
        for c in chapitres
    )
    lignes_fiches = "\n".join(f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a></li>' for c in fiches)
    if len(fiches) > SEUIL_FICHES_GROUPEES and all("commune" in c for c in fiches):
        # beaucoup de fiches : groupées par région, département et commune, avec un champ de recherche
        bloc_fiches = fiches_groupees_html([{**c, "lien": c["html"]} for c in fiches])
    else:
        bloc_fiches = f'<ul class="fiches">{lignes_fiches}</ul>'
    lignes_annexes = "\n".join(f'<li><a href="{e(c["html"])}">{e(c["titre"])}</a></li>' for c in annexes)
    lignes_ignores = "\n".join(f'<li class="ignore">{e(c["titre"])}</li>' for c in ignores)
    lignes_param = "\n".join(
        f"<tr><th>{e(str(k))}</th><td>{e(valeur_parametre(v))}</td></tr>" for k, v in parametres.items()
    )
    lignes_ent = "\n".join(
        f"<tr><td>{e(x['fichier'])}</td><td>{x['lignes']}</td><td><code>{e(x['sha256'][:16])}…</code></td></tr>"
        for x in entrees
    )
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
{f"<h2>Fiches quartier</h2>{bloc_fiches}" if fiches else ""}
{f"<h2>Validation et tableaux téléchargeables</h2><ul>{lignes_annexes}</ul>" if annexes else ""}
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
