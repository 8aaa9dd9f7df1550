"""L'édition PDF du rapport : ``rapport_<annee>.pdf`` (couverture, sommaire avec les numéros de page, chaque
chapitre, la méthodologie) et, à part, ``fiches_quartier_<annee>.pdf`` (une fiche par quartier).

Rendu par Chromium (le paquet Debian « chromium »), piloté par Playwright, à partir des pages HTML du rapport déjà
produites : les pages sont assemblées en un document (sans leurs scripts : chaque tableau interactif redevient un
tableau simple, toutes ses lignes imprimées, et sans barres de navigation), mis en page par la feuille de style
d'impression du gabarit (``@media print`` : en-têtes de tableau répétés à chaque page, lignes jamais coupées, figures
à la taille de la page A4). Avant l'impression, chaque tableau plus large que la page A4 en portrait passe en petits
caractères ; s'il ne tient toujours pas, sur une page en paysage (page nommée ``paysage``) et, s'il y dépasse encore,
ses mots longs se coupent : aucun tableau n'est coupé, aucune colonne (« Provenance » comprise) n'est perdue. En-tête de chaque page : le territoire et l'année ;
pied : numéro de page. Les signets du PDF suivent les titres des pages ; le sommaire de la couverture donne la page
de chaque chapitre (lue dans les signets d'un premier rendu).

Sans Chromium, rien n'échoue : :func:`produire` le dit en français et indique comment l'installer.
"""

from __future__ import annotations

import contextlib
import html
import re
import shutil
import tempfile
from pathlib import Path

#: options de lancement de Chromium (sans bac à sable ni réseau : machine de CI, conteneur)
ARGUMENTS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: largeur utile d'une page A4 en portrait et en paysage, en pixels CSS (96 par pouce), marges de la feuille de style
#: d'impression déduites (12 mm de chaque côté)
LARGEUR_PORTRAIT = round((210 - 24) / 25.4 * 96)
LARGEUR_PAYSAGE = round((297 - 24) / 25.4 * 96)

PAGES_HORS_CHAPITRES = {"index.html", "recherche.html", "methodologie.html"}

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_NAV = re.compile(r'<nav class="(?:navigation-rapport|sommaire-page)[^"]*".*?</nav>', re.S)
_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_HEAD = re.compile(r"<head>(.*?)</head>", re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_BALISE = re.compile(r"<[^>]+>")
_ANCRE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def chromium() -> str | None:
    """Le Chromium du système (paquet Debian « chromium »), ``None`` s'il est absent."""
    for nom in ("chromium", "chromium-browser"):
        chemin = shutil.which(nom)
        if chemin:
            return chemin
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def message_sans_chromium() -> str:
    return (
        "PDF non produit : Chromium est absent de cette machine. Pour l'obtenir : `make navigateur` (paquet Debian "
        "« chromium »), puis `make pdf`."
    )


def ligne_du_resume(dossier: Path, annee: int) -> str:
    """La ligne du résumé d'une exécution sur l'édition PDF : où elle est, ou comment l'obtenir (elle n'est pas faite
    par l'exécution : le rendu par Chromium d'environ 150 pages coûterait autant que le rapport lui-même)."""
    pdf = Path(dossier) / f"rapport_{annee}.pdf"
    if pdf.is_file():
        return f"PDF : {pdf}"
    if chromium() is None:
        return message_sans_chromium()
    return f"PDF : non produit par l'exécution ; `make pdf ANNEE={annee}` le produit (rapport et fiches quartier)."


def chapitres_du_rapport(dossier: Path) -> list[Path]:
    """Les pages des chapitres (sans leur version avec le code), dans l'ordre du rapport (numéro du nom)."""
    return sorted(
        p
        for p in Path(dossier).glob("*.html")
        if p.name not in PAGES_HORS_CHAPITRES and not p.stem.endswith("_avec_code")
    )


def _titre(page: str, defaut: str) -> str:
    m = _H1.search(page)
    return " ".join(html.unescape(_BALISE.sub("", _ANCRE.sub("", m.group(1)))).split()) if m else defaut


def _corps(page: str) -> str:
    """Le contenu d'une page, sans scripts ni barres de navigation."""
    m = _MAIN.search(page)
    corps = m.group(1) if m else page
    return _NAV.sub("", _SCRIPT.sub("", corps))


#: styles propres à l'édition PDF (en plus de ceux du gabarit des chapitres)
STYLE_PDF = """
@page { size: A4; margin: 16mm 12mm 16mm 12mm; }
@page paysage { size: A4 landscape; margin: 14mm 12mm 14mm 12mm; }
@page couverture { size: A4; margin: 0; }
body.jp-Notebook { max-width: none; padding: 0; margin: 0; font-size: 10pt; }
section.page-rapport { break-before: page; }
section.page-rapport:first-child { break-before: auto; }
.paysage { page: paysage; }
.serre table, .reduit table { font-size: 6.3pt !important; }
.serre td, .serre th { overflow-wrap: anywhere; }
section.methodologie table { border-collapse: collapse; font-size: 7.5pt; width: 100%; }
section.methodologie th, section.methodologie td { border: 1px solid #c9d3de; padding: .1rem .25rem;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
section.methodologie th { background: #eef3f8; }
section.methodologie dt { font-weight: bold; margin-top: .4rem; color: #14406b; }
section.methodologie h1, section.methodologie h2 { color: #14406b; }
p.sous-titre { color: #5a6b7d; }
"""

#: marque (``classe``) le bloc de chaque tableau plus large que son cadre, parmi ceux de ``dans`` ; renvoie leur nombre
SCRIPT_LARGEURS = """([classe, dans]) => {
  let n = 0;
  document.querySelectorAll(dans + " table").forEach(t => {
    const bloc = t.closest(".jp-OutputArea-output") || t.closest(".defilement") || t.parentElement;
    const cadre = (t.closest(".defilement") || t.parentElement).clientWidth;
    if (t.scrollWidth > cadre + 1 && !bloc.classList.contains(classe)) { bloc.classList.add(classe); n++; }
  });
  return n;
}"""


#: les tableaux en petits caractères (``reduit``) encore trop larges pour la page portrait passent en paysage ;
#: renvoie leur nombre
SCRIPT_REDUITS_TROP_LARGES = """() => {
  let n = 0;
  document.querySelectorAll(".reduit table").forEach(t => {
    const bloc = t.closest(".reduit");
    if (t.scrollWidth > (t.closest(".defilement") || t.parentElement).clientWidth + 1 && !bloc.classList.contains("paysage")) {
      bloc.classList.remove("reduit"); bloc.classList.add("paysage"); n++;
    }
  });
  return n;
}"""

#: les tableaux d'une page en paysage encore plus larges que leur cadre (en petits caractères) : ils seraient coupés
SCRIPT_DEBORDANTS = """(blocs) => Array.from(document.querySelectorAll(blocs + " table"))
  .filter(t => t.scrollWidth > (t.closest(".defilement") || t.parentElement).clientWidth + 1).length"""


def document_html(pages: list[tuple[str, str, str]], tete: str, *, titre: str) -> str:
    """Un seul document HTML : ``pages`` = ``(identifiant, classe, contenu)``, la tête (styles) d'une page du
    rapport, sans scripts."""
    sections = "\n".join(
        f'<section class="page-rapport {classe}" id="{html.escape(ident)}">\n{contenu}\n</section>'
        for ident, classe, contenu in pages
    )
    tete = _SCRIPT.sub("", tete)
    tete = re.sub(r"<title>.*?</title>", f"<title>{html.escape(titre)}</title>", tete, flags=re.S)
    return (
        f'<!DOCTYPE html>\n<html lang="fr">\n<head>{tete}\n<style>{STYLE_PDF}</style>\n</head>\n'
        f'<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">\n'
        f"<main>\n{sections}\n</main>\n</body>\n</html>\n"
    )


def couverture_html(
    *, titre: str, territoire: str, annee: int, sommaire: list[tuple[str, int]], entete: str = "", note: str = ""
) -> str:
    """Couverture et sommaire (titre de chaque partie et sa page)."""
    e = html.escape
    lignes = "".join(
        f'<li><span class="titre">{e(t)}</span><span class="points"></span><span class="page">{n}</span></li>'
        for t, n in sommaire
    )
    style = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1d2733; margin: 0; }
.couverture { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.couverture h1 { color: #14406b; font-size: 24pt; line-height: 1.2; margin: 0 0 8mm; }
.couverture .territoire { font-size: 15pt; font-weight: bold; margin: 0 0 4mm; }
.couverture .annee { font-size: 40pt; color: #14406b; font-weight: bold; margin: 10mm 0; }
.couverture .note { color: #5a6b7d; font-size: 9pt; margin-top: 20mm; }
h2 { color: #14406b; border-bottom: 2px solid #d7e2ee; }
ol.sommaire { list-style: none; padding: 0; font-size: 11pt; }
ol.sommaire li { display: flex; align-items: baseline; margin: 3mm 0; }
ol.sommaire .points { flex: 1; border-bottom: 1px dotted #8a99a8; margin: 0 2mm; }
"""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(titre)}</title><style>{style}</style></head>
<body>
<div class="couverture">
<h1>{e(entete or "Rapport sur la mise en œuvre de la politique de la ville")}</h1>
<p class="territoire">{e(territoire)}</p>
<p class="annee">{annee}</p>
<p class="note">{e(note or NOTE_COUVERTURE)}</p>
</div>
<h2>Sommaire</h2>
<ol class="sommaire">{lignes}</ol>
</body></html>
"""


NOTE_COUVERTURE = (
    "Édition imprimable du rapport HTML : mêmes chapitres, mêmes tableaux (chaque ligne de chaque tableau), mêmes "
    "figures. Les classeurs Excel et les tables nettoyées sont dans l'archive « tout télécharger » du rapport."
)


def _imprimer(navigateur, source: Path, sortie: Path, *, entete: str | None, marquer: bool) -> tuple[int, int, int]:
    """Imprime ``source`` en PDF (A4, tailles de page du CSS) ; ``entete`` : texte de l'en-tête de chaque page
    (avec le numéro de page en pied), ``None`` : ni en-tête ni pied. Renvoie le nombre de tableaux mis en paysage,
    en petits caractères, et encore trop larges pour la page en paysage (0 attendu)."""
    page = navigateur.new_page(viewport={"width": LARGEUR_PORTRAIT, "height": 1000})
    try:
        page.emulate_media(media="print")
        page.goto(source.as_uri(), wait_until="load")
        larges = [0, 0, 0]
        if marquer:  # mesurés à la largeur utile de la page portrait, puis de la page paysage
            # un tableau à peine trop large reste en portrait, en petits caractères ; les autres passent en paysage
            page.evaluate(SCRIPT_LARGEURS, ["reduit", ""])
            larges[0] = page.evaluate(SCRIPT_REDUITS_TROP_LARGES)
            debordants_portrait = page.evaluate(SCRIPT_DEBORDANTS, ".reduit")
            page.set_viewport_size({"width": LARGEUR_PAYSAGE, "height": 1000})
            larges[1] = page.evaluate(SCRIPT_LARGEURS, ["serre", ".paysage"])
            larges[2] = debordants_portrait + page.evaluate(SCRIPT_DEBORDANTS, ".paysage")
        options = {
            "path": str(sortie),
            "prefer_css_page_size": True,
            "print_background": True,
            "outline": True,
            "tagged": True,
        }
        if entete is not None:
            style = "font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7pt; color: #5a6b7d; width: 100%;"
            options.update(
                display_header_footer=True,
                header_template=f'<div style="{style} padding: 0 12mm; text-align: right;">{html.escape(entete)}</div>',
                footer_template=f'<div style="{style} text-align: center;"><span class="pageNumber"></span> / '
                '<span class="totalPages"></span></div>',
            )
        page.pdf(**options)
        return tuple(larges)
    finally:
        page.close()


def _pages_des_signets(chemin: Path) -> list[tuple[str, int]]:
    """Les signets de premier niveau d'un PDF et leur page (1 = première page)."""
    from pypdf import PdfReader

    lecteur = PdfReader(str(chemin))
    resultat = []
    for item in lecteur.outline:
        if isinstance(item, list):
            continue
        try:
            resultat.append((str(item.title), lecteur.get_destination_page_number(item) + 1))
        except Exception:
            continue
    return resultat


def _sans_espaces(texte: str) -> str:
    return re.sub(r"\s+", "", texte)


_TITRES = re.compile(r"<h([1-3])\b[^>]*>(.*?)</h\1>", re.S)


def _titres_du_document(page: str) -> list[str]:
    return [
        " ".join(html.unescape(_BALISE.sub("", _ANCRE.sub("", m.group(2)))).split()) for m in _TITRES.finditer(page)
    ]


def _corriger_signets(ecrivain, titres: dict[str, str]) -> None:
    """Les signets de Chromium collent les mots d'un titre coupé en fin de ligne : le titre exact leur est rendu."""
    from pypdf.generic import NameObject, TextStringObject

    racine = ecrivain._root_object.get("/Outlines")
    pile = [racine.get_object().get("/First")] if racine is not None else []
    while pile:
        noeud = pile.pop()
        while noeud is not None:
            noeud = noeud.get_object()
            titre = str(noeud.get("/Title", ""))
            exact = titres.get(_sans_espaces(titre))
            if exact and exact != titre:
                noeud[NameObject("/Title")] = TextStringObject(exact)
            if noeud.get("/First") is not None:
                pile.append(noeud["/First"])
            noeud = noeud.get("/Next")


def _assembler(couverture: Path, corps: Path, sortie: Path, titres: dict[str, str]) -> int:
    """Couverture puis corps, en un PDF, avec les signets du corps (titres rétablis) ; renvoie le nombre de pages."""
    from pypdf import PdfReader, PdfWriter

    ecrivain = PdfWriter()
    ecrivain.append(PdfReader(str(couverture)), import_outline=False)
    ecrivain.append(PdfReader(str(corps)), import_outline=True)
    _corriger_signets(ecrivain, titres)
    ecrivain.add_metadata({"/Title": sortie.stem, "/Creator": "politique_ville (Chromium)"})
    ecrivain.page_mode = "/UseOutlines"
    temporaire = sortie.with_suffix(".pdf.tmp")
    with open(temporaire, "wb") as f:
        ecrivain.write(f)
    temporaire.chmod(0o644)
    temporaire.replace(sortie)
    return len(ecrivain.pages)


def _edition(
    navigateur,
    parties: list[tuple[str, Path, str]],
    sortie: Path,
    *,
    titre: str,
    territoire: str,
    annee: int,
    tmp: Path,
    entete: str = "",
) -> dict:
    """Une édition PDF : ``parties`` = ``(titre, page HTML, classe)`` dans l'ordre. Renvoie un résumé."""
    textes = [(t, p.read_text(encoding="utf-8"), c) for t, p, c in parties]
    tete = _HEAD.search(textes[0][1]).group(1) if _HEAD.search(textes[0][1]) else '<meta charset="utf-8">'
    # la méthodologie n'a pas la tête des chapitres : la tête d'un chapitre sert à tout le document
    for _t, texte, c in textes:
        if "methodologie" not in c and _HEAD.search(texte):
            tete = _HEAD.search(texte).group(1)
            break
    sections = [(f"partie-{i}", c, _corps(texte)) for i, (_t, texte, c) in enumerate(textes)]
    source = tmp / f"{sortie.stem}.html"
    source.write_text(document_html(sections, tete, titre=titre), encoding="utf-8")
    corps = tmp / f"{sortie.stem}-corps.pdf"
    larges = _imprimer(
        navigateur, source, corps, entete=f"Politique de la ville — {territoire} — {annee}", marquer=True
    )
    # page de début de chaque partie : son premier titre de niveau 1 (signets de Chromium), dans l'ordre ; Chromium
    # colle les mots d'un titre coupé en fin de ligne : titres comparés sans leurs espaces
    signets = _pages_des_signets(corps)
    debuts, k = [], 0
    for t, texte, _c in textes:
        h1 = _sans_espaces(_titre(texte, t))
        while k < len(signets) and _sans_espaces(signets[k][0]) != h1:
            k += 1
        debuts.append((t, signets[k][1] if k < len(signets) else None))
        k += 1 if k < len(signets) else 0
    # pages manquantes (titre introuvable) : celle de la partie précédente
    precedente = 1
    sommaire = []
    for t, n in debuts:
        precedente = n or precedente
        sommaire.append((t, precedente))
    couverture = tmp / f"{sortie.stem}-couverture.pdf"
    source_couverture = tmp / f"{sortie.stem}-couverture.html"
    source_couverture.write_text(
        couverture_html(titre=titre, territoire=territoire, annee=annee, sommaire=sommaire, entete=entete),
        encoding="utf-8",
    )
    _imprimer(navigateur, source_couverture, couverture, entete=None, marquer=False)
    titres = {_sans_espaces(x): x for x in _titres_du_document(source.read_text(encoding="utf-8"))}
    pages = _assembler(couverture, corps, sortie, titres)
    return {
        "fichier": sortie,
        "pages": pages,
        "paysage": larges[0],
        "serres": larges[1],
        "debordants": larges[2],
        "sommaire": sommaire,
    }


def produire(
    dossier: Path,
    *,
    annee: int,
    territoire: str,
    fiches: bool = True,
    sortie=print,
    navigateur=None,
) -> list[dict]:
    """Produit l'édition PDF du rapport du dossier ``dossier`` (et celle des fiches si ``fiches``). Sans Chromium :
    rien, un message (renvoie ``[]``). ``navigateur`` : un Chromium déjà lancé par Playwright (sinon lancé ici)."""
    dossier = Path(dossier)
    navigateur_exe = chromium()
    if navigateur_exe is None:
        sortie(message_sans_chromium())
        return []
    parties = []
    for p in chapitres_du_rapport(dossier):
        texte = p.read_text(encoding="utf-8")
        parties.append((_titre(texte, p.stem), p, "chapitre"))
    if (dossier / "methodologie.html").is_file():
        parties.append(("Méthodologie", dossier / "methodologie.html", "methodologie"))
    fiches_pages = sorted((dossier / "quartiers").glob("*.html")) if fiches else []
    resultats = []

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="politique_ville_pdf_") as tmp, contextlib.ExitStack() as pile:
        lance = navigateur is None
        if lance:
            pw = pile.enter_context(sync_playwright())
            navigateur = pw.chromium.launch(executable_path=navigateur_exe, args=ARGUMENTS_CHROMIUM)
        try:
            if parties:
                r = _edition(
                    navigateur,
                    parties,
                    dossier / f"rapport_{annee}.pdf",
                    titre=f"Rapport politique de la ville {annee} — {territoire}",
                    territoire=territoire,
                    annee=annee,
                    tmp=Path(tmp),
                )
                resultats.append(r)
            if fiches_pages:
                parties_fiches = [(_titre(p.read_text(encoding="utf-8"), p.stem), p, "fiche") for p in fiches_pages]
                resultats.append(
                    _edition(
                        navigateur,
                        parties_fiches,
                        dossier / f"fiches_quartier_{annee}.pdf",
                        titre=f"Fiches quartier {annee} — {territoire}",
                        entete="Politique de la ville : fiches quartier",
                        territoire=territoire,
                        annee=annee,
                        tmp=Path(tmp),
                    )
                )
        finally:
            if lance:
                navigateur.close()
    for r in resultats:
        sortie(
            f"PDF : {r['fichier']} ({r['pages']} pages A4"
            + (f", {r['paysage']} tableau{'x' if r['paysage'] > 1 else ''} en paysage" if r["paysage"] else "")
            + ")"
        )
    lier_dans_l_index(dossier, [r["fichier"] for r in resultats])
    return resultats


def produire_lot(territoires: list[tuple[Path, str]], *, annee: int, fiches: bool = True, sortie=print) -> list[dict]:
    """L'édition PDF de chaque territoire d'un lot (``territoires`` : dossier de son rapport et son nom), dans un seul
    Chromium ; sans Chromium : rien, un message (renvoie ``[]``). Chaque rapport a ses PDF dans son dossier, liés
    depuis son index, comme pour un territoire seul."""
    navigateur_exe = chromium()
    if navigateur_exe is None:
        sortie(message_sans_chromium())
        return []
    from playwright.sync_api import sync_playwright

    resultats = []
    with sync_playwright() as pw:
        navigateur = pw.chromium.launch(executable_path=navigateur_exe, args=ARGUMENTS_CHROMIUM)
        try:
            for i, (dossier, nom) in enumerate(territoires, 1):
                sortie(f"[{i}/{len(territoires)}] {nom}")
                resultats += produire(
                    dossier, annee=annee, territoire=nom, fiches=fiches, sortie=sortie, navigateur=navigateur
                )
        finally:
            navigateur.close()
    return resultats


MARQUE_PDF = "<!-- politique_ville:pdf -->"


def lier_dans_l_index(dossier: Path, pdfs: list[Path]) -> None:
    """Ajoute les liens vers les éditions PDF à la liste « À télécharger » de l'index (entre ses marques)."""
    index = Path(dossier) / "index.html"
    if not index.is_file() or not pdfs:
        return
    texte = index.read_text(encoding="utf-8")
    libelles = {"rapport": "Le rapport en PDF (imprimable, A4)", "fiches": "Les fiches quartier en PDF (A4)"}
    liens = "".join(
        f'<li><a href="{html.escape(p.name)}">{libelles["fiches" if p.name.startswith("fiches") else "rapport"]}'
        f" — {f'{p.stat().st_size / 1e6:.1f}'.replace('.', ',')} Mo</a></li>"
        for p in pdfs
    )
    motif = re.compile(re.escape(MARQUE_PDF) + r".*?" + re.escape(MARQUE_PDF.replace(":pdf", ":/pdf")), re.S)
    bloc = MARQUE_PDF + liens + MARQUE_PDF.replace(":pdf", ":/pdf")
    if motif.search(texte):
        index.write_text(motif.sub(lambda _m: bloc, texte, count=1), encoding="utf-8")
