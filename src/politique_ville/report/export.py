"""Export HTML des notebooks exécutés (nbconvert) et page d'index du rapport."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import unicodedata
from pathlib import Path

from politique_ville.present.tableaux import CLASSE_INTERACTIF, LIGNES_INTERACTIF
from politique_ville.reference import provenance as pv
from politique_ville.report.exportateur import _exporteur
from politique_ville.report.fiches import SEUIL_FICHES_GROUPEES, fiches_groupees_html

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


def titre_notebook(chemin: Path, nb: dict | None = None) -> str:
    """Premier titre Markdown du notebook (« # Titre »), sinon le nom du fichier ; ``nb`` : son contenu déjà lu."""
    nb = json.loads(Path(chemin).read_text(encoding="utf-8")) if nb is None else nb
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", [])
            for ligne in ("".join(source) if isinstance(source, list) else source).splitlines():
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
    (``present.tableaux.tableau_html``), DataTables intégré (voir :func:`finir_page`). ``navigation`` (facultatif) : liens en
    haut et en bas de la page, ``{"index": "index.html", "precedent": (titre, fichier) ou None,
    "suivant": (titre, fichier) ou None}`` (chemins relatifs à la page)."""
    if isinstance(notebook, (str, Path)):
        import nbformat

        titre = titre or titre_notebook(Path(notebook))
        notebook = nbformat.read(str(notebook), as_version=4)
    exp = _exporteur(avec_code)
    corps, _ = exp.from_notebook_node(notebook, resources={"metadata": {"name": titre or ""}})
    corps = finir_page(corps, vers_racine=vers_racine(navigation))
    corps = _poser(corps, navigation)
    sortie.parent.mkdir(parents=True, exist_ok=True)
    sortie.write_text(corps, encoding="utf-8")
    return sortie


def vers_racine(nav: dict | None) -> str:
    """Chemin relatif de la page vers la racine du rapport, d'après son lien vers l'index (« ../index.html » pour
    une fiche quartier : « ../ ») ; « » pour une page à la racine ou sans navigation."""
    index = (nav or {}).get("index") or ""
    return index.rsplit("/", 1)[0] + "/" if "/" in index else ""


def navigation_html(nav: dict | None, position: str) -> str:
    """Barre de navigation d'une page ; « » sans lien. ``nav`` : ``index`` (lien vers l'index du rapport),
    ``precedent`` et ``suivant`` (``(titre, fichier)`` ou ``None``), ``genre`` (« Chapitre », par défaut, ou
    « Fiche »), ``liste`` (facultatif : ``(texte, lien)`` vers la liste des pages du même genre). Avec l'index, la
    barre mène aussi à la recherche et à la méthodologie (à côté de l'index)."""
    if not nav:
        return ""
    e = html.escape
    genre = nav.get("genre") or "Chapitre"
    morceaux = [
        f'<nav class="navigation-rapport navigation-{position}" aria-label="Navigation entre les '
        f'{"fiches" if genre == "Fiche" else "chapitres"} ({position})">'
    ]
    p, i, s = nav.get("precedent"), nav.get("index"), nav.get("suivant")
    precedent = "Fiche précédente" if genre == "Fiche" else "Chapitre précédent"
    suivant = "Fiche suivante" if genre == "Fiche" else "Chapitre suivant"
    morceaux.append(
        f'<a class="precedent" href="{e(p[1])}" rel="prev"><span class="sens">← {precedent}</span> {e(p[0])}</a>'
        if p
        else '<span class="precedent"></span>'
    )
    if i:
        racine = vers_racine(nav)
        outils = [f'<a class="index" href="{e(i)}">Sommaire du rapport</a>']
        if nav.get("liste"):
            outils.append(f'<a class="liste" href="{e(nav["liste"][1])}">{e(nav["liste"][0])}</a>')
        outils.append(f'<a class="recherche" href="{e(racine)}recherche.html">Rechercher</a>')
        outils.append(f'<a class="methodologie" href="{e(racine)}methodologie.html">Méthodologie</a>')
        morceaux.append('<span class="outils">' + "".join(outils) + "</span>")
    morceaux.append(
        f'<a class="suivant" href="{e(s[1])}" rel="next"><span class="sens">{suivant} →</span> {e(s[0])}</a>'
        if s
        else '<span class="suivant"></span>'
    )
    return "\n".join(morceaux) + "\n</nav>"


_TITRE_PAGE = re.compile(r"<title>.*?</title>", re.S)
_PREMIER_H1 = re.compile(r"(<h1\b[^>]*>)(.*?)(<a class=\"anchor-link\"[^>]*>.*?</a>)?(</h1>)", re.S)
_SOUS_TITRE = re.compile(r"<!-- politique_ville:sous-titre -->.*?<!-- /politique_ville:sous-titre -->\n?", re.S)


def _poser(
    texte: str, nav: dict | None, titre: str | None = None, titre_h1: str | None = None, sous_titre: str | None = None
) -> str:
    """La page avec sa navigation (entre ses marques), et, s'ils sont donnés, son titre (``<title>``), son titre
    visible (premier ``<h1>``) et un sous-titre sous celui-ci (territoire et année)."""
    for position in ("haut", "bas"):
        motif = re.compile(
            rf"(<!-- politique_ville:navigation-{position} -->).*?(<!-- /politique_ville:navigation-{position} -->)",
            re.S,
        )
        barre = navigation_html(nav, position)
        texte = motif.sub(lambda m, barre=barre: m.group(1) + barre + m.group(2), texte, count=1)
    e = html.escape
    if titre is not None:
        texte = _TITRE_PAGE.sub(lambda m: f"<title>{e(titre)}</title>", texte, count=1)
    if titre_h1 is not None:
        texte = _PREMIER_H1.sub(lambda m: m.group(1) + e(titre_h1) + (m.group(3) or "") + m.group(4), texte, count=1)
    if sous_titre is not None:
        texte = _SOUS_TITRE.sub("", texte, count=1)
        fin = texte.find("</h1>")
        if fin >= 0:
            bloc = (
                f'<!-- politique_ville:sous-titre --><p class="sous-titre">{e(sous_titre)}</p>'
                "<!-- /politique_ville:sous-titre -->\n"
            )
            texte = texte[: fin + 5] + "\n" + bloc + texte[fin + 5 :].lstrip("\n")
    return texte


def poser_navigation(
    page: Path,
    nav: dict | None,
    *,
    titre: str | None = None,
    titre_h1: str | None = None,
    sous_titre: str | None = None,
) -> bool:
    """Remplace la navigation d'une page déjà exportée (entre ses marques) : posée à la fin de chaque exécution,
    d'après la liste finale des chapitres (ou des fiches), elle ne pointe jamais vers une page retirée ou absente,
    même quand la page est réutilisée d'une exécution précédente. ``titre``, ``titre_h1``, ``sous_titre`` : voir
    :func:`_poser` (une fiche quartier nomme son quartier, sa commune, le territoire et l'année). Renvoie ``True`` si
    la page a changé."""
    texte = page.read_text(encoding="utf-8")
    nouveau = _poser(texte, nav, titre, titre_h1, sous_titre)
    if nouveau != texte:
        page.write_text(nouveau, encoding="utf-8")
        return True
    return False


MARQUE_SOMMAIRE = "<!-- politique_ville:sommaire -->"
MARQUE_TABLEAUX = "<!-- politique_ville:tableaux-interactifs -->"
MARQUE_SCRIPT = "<!-- politique_ville:script-page -->"

#: mise en page commune des pages écrites par le paquet hors nbconvert (index, méthodologie, recherche)
STYLE_PAGE = """body { font-family: "Segoe UI", Arial, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
  color: #1d2733; line-height: 1.45; }
h1 { color: #14406b; } h2 { color: #14406b; border-bottom: 2px solid #d7e2ee; padding-bottom: .2rem; margin-top: 2rem; }
h3 { color: #1d4f80; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border: 1px solid #c9d3de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
.defilement { overflow-x: auto; max-width: 100%; }
dt { font-weight: bold; margin-top: .6rem; color: #14406b; } dd { margin-left: 1.2rem; }
p.sous-titre { color: #5a6b7d; margin-top: -.5rem; }
nav.navigation-rapport { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .9rem; padding-bottom: .5rem;
  border-bottom: 1px solid #d7e2ee; }
nav.navigation-rapport a, nav.sommaire-page a { color: #14406b; }
nav.sommaire-page { background: #f4f7fb; border-left: 3px solid #14406b; padding: .3rem 1rem; margin: 1rem 0; }
code { overflow-wrap: anywhere; }
@media (max-width: 40rem) { body { margin: .5rem auto; padding: 0 .6rem; } table { font-size: .8rem; } }
@media print { nav.navigation-rapport { display: none; } body { max-width: none; margin: 0; font-size: 10pt; }
  table { font-size: 7.5pt; width: 100%; } thead { display: table-header-group; } tr { break-inside: avoid; } }"""

#: page de méthodologie du rapport (``methodologie.py``) et ses ancres
METHODOLOGIE = "methodologie.html"
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
#: ``present.tableaux.LIGNES_INTERACTIF`` lignes, textes en français (nombres avec l'espace fine des milliers) ; une erreur
#: laisse le tableau tel quel (complet) et s'écrit dans la console, sans fenêtre d'alerte.
INIT_DATATABLES = r"""DataTable.ext.errMode = "throw";  // jamais de fenêtre d'alerte : le tableau reste complet, non interactif
function tableauxInteractifs() { document.querySelectorAll("table.%(classe)s").forEach(function (t) {
  try { new DataTable(t, {
    order: [], pageLength: %(lignes)d, autoWidth: false,
    responsive: true,
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
}); }
tableauxInteractifs();
// à l'impression, chaque tableau est imprimé en entier (toutes ses lignes et colonnes, sans les boutons) : les
// tableaux interactifs redeviennent des tableaux simples le temps de l'impression
window.addEventListener("beforeprint", function () {
  DataTable.tables({api: true}).destroy();
});
window.addEventListener("afterprint", tableauxInteractifs);"""


@functools.cache
def ressources_tableaux_interactifs() -> str:
    """Styles et script de DataTables (copiés par ``scripts/vendoriser_datatables.py``) et leurs réglages, à intégrer
    à une page qui a un tableau interactif."""

    css = "\n".join(
        (VENDOR / "datatables" / f).read_text(encoding="utf-8")
        for f in ("dataTables.dataTables.min.css", "responsive.dataTables.min.css")
    )
    js = "\n".join(
        (VENDOR / "datatables" / f).read_text(encoding="utf-8")
        for f in ("dataTables.min.js", "dataTables.responsive.min.js")
    )
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
        f'{th}[style*="text-align:left"] div.dt-column-header {{ flex-direction: row; }}\n'
        f"table.{CLASSE_INTERACTIF}.dataTable > tbody > tr > td.dtr-control {{ cursor: pointer; }}\n"
        # largeurs des colonnes selon leur contenu (Responsive fait passer sous la ligne celles qui ne tiennent pas) :
        # jamais un texte qui déborde de sa cellule
        f"table.{CLASSE_INTERACTIF}.dataTable {{ table-layout: auto; }}\n"
        "@media print { div.dt-container > div.dt-layout-row:not(.dt-layout-table) { display: none; } }"
    )
    return (
        f'<style type="text/css">\n{css}\n{reglages}\n</style>\n<script>\n{js}\n</script>\n<script>\n{init}\n</script>'
    )


#: petit script de chaque page : un tableau (ou une figure) plus large que son cadre reçoit la classe « deborde »
#: (mention « faites-le défiler » et ombre du bord, voir le gabarit)
SCRIPT_PAGE = r"""<script>
(function () {
  function marquer() {
    document.querySelectorAll(".defilement").forEach(function (d) {
      d.classList.toggle("deborde", d.scrollWidth > d.clientWidth + 1);
    });
  }
  window.addEventListener("load", marquer);
  window.addEventListener("resize", marquer);
})();
</script>"""

_NOTE_PROVENANCE = re.compile(r'(<p class="note provenance">)([^<]*)</p>')
_VOIR_CHAPITRE = re.compile(r"voir le chapitre (\d)( et la concordance)?")


def ancre_provenance(provenance: str) -> str:
    """Ancre de la définition d'une provenance dans la page de méthodologie (« reçu » -> « provenance-recu »)."""

    sans_accent = unicodedata.normalize("NFD", provenance).encode("ascii", "ignore").decode()
    return "provenance-" + re.sub(r"[^a-z]+", "-", sans_accent.lower()).strip("-")


def _liens_methodologie(page: str, racine: str) -> str:
    """Les renvois au dictionnaire des données (« règle dans data/raw/README.md », fichier que le lecteur du rapport
    n'a pas) deviennent des liens vers la méthodologie du rapport ; la note de provenance d'un tableau tient en une
    ligne : la provenance, liée à sa définition, puis ce que la note ajoute (fichier source, précision)."""

    e = html.escape
    lien = f'<a class="vers-methodologie" href="{e(racine)}{METHODOLOGIE}#reconstruction">la méthodologie</a>'

    def note(m: re.Match) -> str:
        texte = html.unescape(m.group(2))
        debut, _, suite = texte.removeprefix(pv.DEBUT_NOTE).partition(" — ")
        p = pv.normaliser(debut)
        if p is None or not suite.startswith(pv.DEFINITIONS[p]):
            return m.group(0)
        reste = suite[len(pv.DEFINITIONS[p]) :]  # « (fichier source). précision » ou « . précision »
        return (
            f'{m.group(1)}{pv.DEBUT_NOTE}<a class="vers-methodologie" href="{e(racine)}{METHODOLOGIE}#'
            f'{ancre_provenance(p)}">{e(p)}</a>{e(reste)}</p>'
        )

    if 'class="note provenance"' in page:
        page = _NOTE_PROVENANCE.sub(note, page)
    if "data/raw/README.md" not in page:
        return page
    page = page.replace("<code>data/raw/README.md</code>", lien).replace("data/raw/README.md", lien)
    return page.replace("(" + lien, "(voir " + lien)


def _liens_chapitres(page: str, racine: str, chapitres: dict[str, str] | None) -> str:
    """« voir le chapitre 2 et la concordance » : liens vers les pages du rapport (``chapitres`` : numéro du chapitre
    publié, ou « concordance », -> fichier)."""
    if not chapitres or "voir le chapitre" not in page:
        return page
    e = html.escape

    def lier(m: re.Match) -> str:
        cible = chapitres.get(m.group(1))
        texte = f"voir le chapitre {m.group(1)}"
        if cible:
            texte = f'voir <a href="{e(racine)}{e(cible)}">le chapitre {m.group(1)}</a>'
        if m.group(2):
            conc = chapitres.get("concordance")
            texte += f' et <a href="{e(racine)}{e(conc)}">la concordance</a>' if conc else m.group(2)
        return texte

    return _VOIR_CHAPITRE.sub(lier, page)


#: chapitres du rapport publié cités par le texte (« voir le chapitre 2 ») -> page du rapport
CHAPITRES_CITES = {
    "1": "10_geographie_prioritaire.html",
    "2": "20_programmation.html",
    "3": "30_contribution_objectifs.html",
    "concordance": "90_concordance.html",
}


def finir_page(page: str, vers_racine: str = "") -> str:
    """Complète une page exportée : sommaire des sections (après le premier titre, sinon en haut de page),
    DataTables seulement si la page a un tableau interactif (les autres pages ne grossissent pas), tableaux dans un
    cadre qui défile sur un écran étroit, renvois vers la méthodologie et les chapitres. ``vers_racine`` : chemin
    relatif de la page vers la racine du rapport (« ../ » pour une fiche quartier)."""

    page = _liens_methodologie(page, vers_racine)
    page = _liens_chapitres(page, vers_racine, CHAPITRES_CITES)
    page = page.replace("<table", '<div class="defilement" tabindex="0" role="region" aria-label="Tableau">\n<table')
    page = page.replace("</table>", "</table>\n</div>")
    page = page.replace(MARQUE_SCRIPT, SCRIPT_PAGE, 1)
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


# Longue : la page d'accueil du rapport, bloc après bloc dans l'ordre où le lecteur les voit (sommaire, fiches,
# validation, méthodologie, résumé) : un gabarit écrit en Python.
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
    chiffres_cles: list[tuple[str, str]] = (),
    telechargements: list[dict] = (),
    parent: tuple[str, str] | None = None,
) -> Path:
    """Page d'accueil du rapport : chapitres, paramètres du run, empreintes des entrées, version du code, date.
    ``parent`` : ``(libellé, lien)`` de la page qui mène à ce rapport (l'index d'un lot de territoires).
    ``fiches`` : dicts ``titre``, ``html`` ; plus de ``present_qpv.SEUIL_FICHES_GROUPEES`` fiches qui ont toutes
    ``region``, ``departement`` et ``commune`` : liste groupée avec un champ de recherche. ``chiffres_cles`` :
    ``(libellé, valeur)`` montrés en tête de page ; ``telechargements`` : dicts ``titre``, ``html`` (édition PDF,
    archive de tous les tableaux et données)."""

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
    bloc_cles = (
        '<dl class="chiffres-cles">'
        + "".join(
            f"<div><dt>{e(c[0])}</dt><dd>{e(c[1])}{f'<small>{e(c[2])}</small>' if len(c) > 2 and c[2] else ''}</dd>"
            "</div>"
            for c in chiffres_cles
        )
        + "</dl>"
        if chiffres_cles
        else ""
    )
    lignes_telechargements = "".join(f'<li><a href="{e(x["html"])}">{e(x["titre"])}</a></li>' for x in telechargements)
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapport politique de la ville {annee} — {e(territoire)}</title>
<style>
{STYLE_PAGE}
li {{ margin: .3rem 0; }} a.code {{ font-size: .9em; color: #5a6b7d; }}
.note {{ color: #5a6b7d; font-size: .9em; }} li.ignore {{ color: #8a5a00; }}
dl.chiffres-cles {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: .6rem;
  margin: 1rem 0 1.5rem; }}
dl.chiffres-cles dd small {{ display: block; font-size: .8rem; font-weight: normal; color: #1d2733; }}
@media (max-width: 40rem) {{ h1 {{ font-size: 1.5rem; }} dl.chiffres-cles {{ grid-template-columns: 1fr 1fr; gap: .4rem; }}
  dl.chiffres-cles dd {{ font-size: 1.05rem; }} }}
dl.chiffres-cles div {{ background: #f4f7fb; border-left: 3px solid #14406b; padding: .4rem .7rem; }}
dl.chiffres-cles dt {{ margin: 0; font-weight: normal; color: #5a6b7d; font-size: .85rem; }}
dl.chiffres-cles dd {{ margin: .1rem 0 0; font-size: 1.25rem; font-weight: bold; color: #14406b; }}
form.recherche input {{ font-size: 1rem; padding: .3rem .5rem; width: min(100%, 24rem); box-sizing: border-box; }}
</style>
</head>
<body>
<main>
{f'<p class="retour"><a href="{e(parent[1])}">← {e(parent[0])}</a></p>' if parent else ""}
<h1>Rapport sur la mise en œuvre de la politique de la ville — {annee}</h1>
<p><strong>{e(territoire)}</strong></p>
{bloc_cles}
<form class="recherche" role="search" action="recherche.html" method="get">
<label for="q">Rechercher dans le rapport</label><br>
<input id="q" name="q" type="search" placeholder="un quartier, un indicateur, un porteur…">
<button type="submit">Rechercher</button>
</form>
<h2>Chapitres</h2>
<ul>
{lignes_chap}
{lignes_ignores}
<li><a href="methodologie.html">Méthodologie : provenance des valeurs, règles de reconstruction, indicateurs,
glossaire des sigles, sources</a></li>
</ul>
{f'<h2 id="fiches">Fiches quartier</h2>{bloc_fiches}' if fiches else ""}
<h2>À télécharger</h2>
<ul>{lignes_telechargements}<!-- politique_ville:pdf --><!-- politique_ville:/pdf --></ul>
{f"<h2>Validation et tableaux téléchargeables</h2><ul>{lignes_annexes}</ul>" if annexes else ""}
<h2>Paramètres de l'exécution</h2>
<div class="defilement"><table>{lignes_param}
<tr><th>Version du code</th><td>{e(version)}</td></tr>
<tr><th>Date d'exécution</th><td>{e(date_fr(debut))}</td></tr>
</table></div>
<h2>Fichiers d'entrée</h2>
<div class="defilement"><table><tr><th>Fichier</th><th>Lignes</th><th>Empreinte SHA-256</th></tr>
{lignes_ent}
</table></div>
<p class="note">Les notebooks exécutés (trace complète de l'exécution) sont dans le dossier <code>notebooks/</code>.</p>
</main>
</body>
</html>
"""
    sortie = dossier / "index.html"
    sortie.write_text(page, encoding="utf-8")
    return sortie
