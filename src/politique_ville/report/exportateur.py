"""L'exportateur HTML de nbconvert pour les pages du rapport (gabarit « rapport ») : un par fil et par version (avec
ou sans le code), sans la relecture de la page par BeautifulSoup, et ce qu'il refait d'une page à l'autre gardé en
mémoire (Markdown rendu, code coloré et nettoyé : les mêmes textes reviennent dans chaque chapitre et chaque fiche
d'un lot de territoires). ``export.exporter_html`` s'en sert."""

from __future__ import annotations

import copy
import functools
import re
import threading
from pathlib import Path

from traitlets.config import Config

_EXPORTEURS = threading.local()

#: ce qu'ajoute l'exportateur HTML de nbconvert après coup (texte alternatif des images qui n'en ont pas, entrées et
#: sorties des cellules atteignables au clavier), fait ici sur le texte de la page : nbconvert relit pour cela toute
#: la page avec BeautifulSoup (le tiers du temps d'un export)
_IMG_SANS_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
_FOCUS = re.compile(r'<div class="([^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*)"(?![^>]*\btabindex=)')


def _accessible(page: str) -> str:
    page = _IMG_SANS_ALT.sub('<img alt="Image sans description"', page)
    return _FOCUS.sub(r'<div class="\1" tabindex="0"', page)


class _CodeColore:
    """Le filtre ``highlight_code`` de nbconvert (Pygments), gardé en mémoire par source : les cellules de code d'un
    chapitre ou d'une fiche sont les mêmes d'un territoire à l'autre (seuls les paramètres changent) ; les colorer
    puis les nettoyer (:func:`_html_nettoye`) coûtait 0,09 s par territoire d'un lot."""

    memoire: dict = {}

    def __init__(self, colorer):
        self.colorer = colorer

    def __call__(self, source, language=None, metadata=None):
        magie = (metadata or {}).get("magics_language")  # seule donnée des métadonnées lue par nbconvert
        cle = (self.colorer.pygments_lexer, source, language, magie)
        if cle not in self.memoire:
            if len(self.memoire) > 2048:
                self.memoire.clear()
            self.memoire[cle] = self.colorer(source, language, metadata)
        return self.memoire[cle]


@functools.lru_cache(maxsize=1024)
def _html_nettoye(element):
    """Le filtre ``clean_html`` de nbconvert (bleach), gardé en mémoire par texte (même texte, même résultat)."""
    from nbconvert.filters.strings import clean_html

    return clean_html(element)


#: Markdown déjà rendu en HTML (voir ``ExportateurRapport.markdown2html``)
_MARKDOWN: dict = {}


@functools.cache
def _classe_exportateur():
    """``HTMLExporter`` sans sa relecture de la page par BeautifulSoup ; :func:`_accessible` en fait autant."""
    from jinja2 import pass_context  # import différé mesuré : jinja2 vient avec nbconvert, importé ici aussi
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ExportateurRapport(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            # un même texte Markdown donne la même page : les titres et les notes reviennent dans chaque chapitre et
            # chaque fiche d'un lot (mistune : 40 % du temps d'un export) ; une cellule à pièces jointes est rendue
            if context.get("cell", {}).get("attachments") or self.embed_images:
                return HTMLExporter.markdown2html(self, context, source)
            chemin = context.get("resources", {}).get("metadata", {}).get("path", "")
            cle = (source, chemin, self.anchor_link_text, self.exclude_anchor_links, repr(self.lexer_options))
            if cle not in _MARKDOWN:
                if len(_MARKDOWN) > 4096:
                    _MARKDOWN.clear()
                _MARKDOWN[cle] = HTMLExporter.markdown2html(self, context, source)
            return _MARKDOWN[cle]

        def _preprocess(self, nb, resources):
            # ``nb`` est déjà la copie privée que ``Exporter.from_notebook_node`` vient de faire : nbconvert en
            # faisait deux autres (une avant les préprocesseurs, une pour la normalisation) et revalidait le
            # notebook, déjà validé quand il a été écrit (``nbformat.write``) ou lu (``nbformat.read``) : 40 % du
            # temps d'export d'un chapitre 10. Mêmes préprocesseurs, dans le même ordre, même page.
            resources = copy.deepcopy(resources)
            for preprocesseur in self._preprocessors:
                nb, resources = preprocesseur(nb, resources)
            return nb, resources

        def from_notebook_node(self, nb, resources=None, **kw):
            from nbconvert.filters.highlight import Highlight2HTML
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code",
                self.filters.get("highlight_code", _CodeColore(Highlight2HTML(pygments_lexer=lexer, parent=self))),
            )
            self.register_filter("clean_html", _html_nettoye)
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
        # sans le code, aucune cellule colorée : pas de styles de Pygments dans la page (ni d'un custom.css local)
        config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": avec_code}})
        exp = _classe_exportateur()(
            template_name="rapport", extra_template_basedirs=[str(Path(__file__).parent / "templates")], config=config
        )
        exp.language_code = "fr"
        exp.exclude_input = not avec_code
        exp.exclude_input_prompt = True
        exp.exclude_output_prompt = True
        exporteurs[avec_code] = exp
    return exporteurs[avec_code]
