"""Présentation : formats français des nombres, tableaux HTML échappés."""

from __future__ import annotations

import html
import math
import numbers
from pathlib import Path

import pandas as pd

ESPACE_MILLIERS = "\u202f"  # espace fine insécable, comme l'INSEE
ESPACE_UNITE = "\u00a0"  # espace insécable avant l'unité
LOCALE = "fr_FR"


def nombre_fr(valeur, decimales: int = 0) -> str:
    """1712989 -> « 1 712 989 » ; 35.25, 1 -> « 35,3 » ; manquant -> « — ».

    Séparateurs français de Babel (``fr_FR`` : espace fine insécable des milliers, virgule décimale) ; l'arrondi
    est celui des chiffres publiés (0,5 vers le haut, :func:`clean.arrondi_publie`), pas l'arrondi au pair de Babel ;
    le signe moins est le vrai « − »."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) or valeur is pd.NA:
        return "—"
    from decimal import Decimal

    from babel.numbers import format_decimal

    from .clean import arrondi_publie

    v = arrondi_publie(float(valeur), decimales)
    motif = "#,##0" + ("." + "0" * decimales if decimales else "")
    texte = format_decimal(Decimal(f"{abs(v):.{decimales}f}"), format=motif, locale=LOCALE)
    return ("−" if v < 0 else "") + texte


def accord(n, singulier: str, pluriel: str | None = None) -> str:
    """« 1 quartier », « 2 quartiers », « 0 action » : le nombre à la française et le mot accordé (0 et 1 au
    singulier, comme en français ; pluriel ``singulier + s`` par défaut)."""
    mot = singulier if abs(float(n)) < 2 else (pluriel if pluriel is not None else singulier + "s")
    return f"{nombre_fr(n)} {mot}"


def euros(valeur, decimales: int = 0) -> str:
    """« 1 712 989 € »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "€"


def pourcent(valeur, decimales: int = 1) -> str:
    """« 35,3 % »."""
    t = nombre_fr(valeur, decimales)
    return t if t == "—" else t + ESPACE_UNITE + "%"


def avec_unite(valeur, unite: str, decimales: int | None = None) -> str:
    """Formate une valeur selon son unité (« € », « % », « projets »…)."""
    if decimales is None:
        entier = isinstance(valeur, numbers.Integral) or (
            isinstance(valeur, numbers.Real) and (math.isnan(valeur) or float(valeur).is_integer())
        )
        decimales = 0 if valeur is None or valeur is pd.NA or entier else 1
    if unite == "€":
        return euros(valeur, decimales)
    if unite == "%":
        return pourcent(valeur, decimales)
    t = nombre_fr(valeur, decimales)
    return t if t == "—" or not unite else f"{t}{ESPACE_UNITE}{unite}"


#: Au-delà de ce nombre de lignes, un tableau du HTML devient interactif (tri par colonne, recherche, pages de
#: ``LIGNES_INTERACTIF`` lignes : DataTables, copié dans ``templates/rapport/vendor/`` et intégré à la page par
#: ``export.exporter_html``). Toutes les lignes restent dans la page : sans JavaScript, le tableau est complet.
LIGNES_INTERACTIF = 25

#: Classe HTML des tableaux interactifs : ``export.exporter_html`` n'intègre DataTables qu'aux pages qui en ont une.
CLASSE_INTERACTIF = "tableau-interactif"


def valeur_de_tri(valeur) -> str:
    """Valeur brute d'une cellule mise en forme (attribut ``data-order``), pour trier par valeur et non par le texte
    français : 1712989.0 -> « 1712989 », 0.353 -> « 0.353 » ; manquant -> « » (trié en premier)."""
    if valeur is None or valeur is pd.NA or valeur is pd.NaT:
        return ""
    if isinstance(valeur, numbers.Integral):
        return str(int(valeur))
    if isinstance(valeur, numbers.Real) or type(valeur).__name__ == "Decimal":
        v = float(valeur)
        if math.isnan(v) or math.isinf(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(valeur)


def tableau_html(
    df: pd.DataFrame,
    formats: dict | None = None,
    droite: list[str] | tuple = (),
    classes: str = "tableau",
    interactif: bool | None = None,
) -> str:
    """Tableau HTML dont chaque cellule est échappée (un intitulé « <script> » s'affiche comme du texte).

    ``formats`` : fonction de mise en forme par colonne (ces colonnes sont alignées à droite, comme ``droite``).
    ``interactif`` (par défaut : plus de :data:`LIGNES_INTERACTIF` lignes) : classe :data:`CLASSE_INTERACTIF`, et
    chaque cellule d'une colonne mise en forme porte sa valeur brute (``data-order``) pour le tri."""
    formats = formats or {}
    a_droite = set(formats) | set(droite)
    if interactif is None:
        interactif = len(df) > LIGNES_INTERACTIF
    if interactif:
        classes = f"{classes} {CLASSE_INTERACTIF}"

    def style(c):
        return "text-align:right" if c in a_droite else "text-align:left"

    entete = "".join(f'<th style="{style(c)}">{html.escape(str(c))}</th>' for c in df.columns)
    lignes = []
    for _, ligne in df.iterrows():
        cellules = []
        for c in df.columns:
            v = ligne[c]
            texte = (
                formats[c](v)
                if c in formats
                else ("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
            )
            tri = f' data-order="{html.escape(valeur_de_tri(v))}"' if interactif and c in formats else ""
            cellules.append(f'<td style="{style(c)}"{tri}>{html.escape(texte)}</td>')
        lignes.append("<tr>" + "".join(cellules) + "</tr>")
    return (
        f'<table class="{html.escape(classes)}"><thead><tr>{entete}</tr></thead><tbody>'
        + "".join(lignes)
        + "</tbody></table>"
    )


# --------------------------------------------------------------------------------------------- classeur Excel

CARACTERES_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def neutraliser_formule(valeur):
    """Un texte qui commence par = + - @ (ou tabulation) est préfixé d'une apostrophe : un nom de porteur ne peut pas
    devenir une formule Excel. Les nombres restent des nombres."""
    if isinstance(valeur, str) and valeur.startswith(CARACTERES_FORMULE):
        return "'" + valeur
    return valeur


def nom_de_feuille(titre: str, deja: set[str]) -> str:
    """Nom de feuille Excel valide (31 caractères, sans []:*?/\\) et unique."""
    import re

    base = re.sub(r"[\[\]:*?/\\]", " ", titre).strip()[:31] or "Tableau"
    nom, i = base, 2
    while nom.lower() in {d.lower() for d in deja}:
        suffixe = f" ({i})"
        nom = base[: 31 - len(suffixe)] + suffixe
        i += 1
    deja.add(nom)
    return nom


#: seule cellule du classeur d'un chapitre qui n'a montré aucun tableau cette année
SANS_TABLEAU = "Aucun tableau dans ce chapitre pour cette année (données absentes ou sans objet)."


def ecrire_classeur(tableaux: list[tuple], chemin) -> Path:
    """Un classeur, une feuille par tableau : en-têtes français, nombres stockés comme nombres, textes neutralisés.

    Chaque élément : ``(titre, df)`` ou ``(titre, df, note)`` ; une ``note`` (provenance commune à toute la feuille :
    « Provenance : reconstruit — … », :func:`provenance.note`) est écrite en première ligne, en italique, au-dessus
    des en-têtes ; les nombres restent des nombres."""
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .catalog import ecrire_atomique

    def ecrire(p: Path):
        wb = Workbook()
        wb.remove(wb.active)
        if not tableaux:  # un classeur a toujours une feuille : celle-ci dit qu'il n'y a rien
            wb.create_sheet("Sans tableau").append([SANS_TABLEAU])
        noms: set[str] = set()
        for titre, df, *reste in tableaux:
            ws = wb.create_sheet(nom_de_feuille(titre, noms))
            note = reste[0] if reste else None
            if note:
                ws.append([neutraliser_formule(str(note))])
                ws.cell(row=1, column=1).font = Font(italic=True)
            ws.append([neutraliser_formule(str(c)) for c in df.columns])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for ligne in df.itertuples(index=False):
                valeurs = []
                for v in ligne:
                    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                        valeurs.append(None)
                    elif hasattr(v, "item") and not isinstance(v, str):
                        valeurs.append(v.item())  # numpy -> nombre Python
                    else:
                        valeurs.append(neutraliser_formule(v) if isinstance(v, str) else v)
                ws.append(valeurs)
            for col in ws.columns:
                largeur = max(len(str(c.value or "")) for c in col[1 if note else 0 :])
                ws.column_dimensions[col[0].column_letter].width = min(60, max(10, largeur + 2))
            for ligne in ws.iter_rows(min_row=2):
                for cell in ligne:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # jamais une formule
        wb.save(p)

    return ecrire_atomique(Path(chemin), ecrire)


#: Ancienne limite de lignes du HTML, gardée parce que des notebooks la passent encore
#: (``Chapitre.tableau(..., lignes_max=LIGNES_HTML_MAX)``) : le HTML ne coupe plus aucun tableau, un long tableau y est
#: interactif (:data:`LIGNES_INTERACTIF`).
LIGNES_HTML_MAX = 100


class Chapitre:
    """Ce qu'un chapitre montre : chaque tableau affiché est aussi gardé pour le classeur Excel du chapitre.

    ``Chapitre(cle, reports_dir)`` ; ``chap.tableau(df, titre, formats)`` renvoie l'objet HTML à afficher (tableau
    échappé, précédé de son titre) ; ``chap.classeur()`` écrit ``tableaux/<cle>.xlsx`` et renvoie le lien à afficher.
    Un long tableau (plus de :data:`LIGNES_INTERACTIF` lignes) est montré en entier, interactif (tri, recherche,
    pages).
    """

    def __init__(self, cle: str, reports_dir):
        from pathlib import Path

        self.cle = cle
        self.reports_dir = Path(reports_dir)
        self.tableaux: list[tuple[str, pd.DataFrame]] = []

    def tableau(
        self,
        df: pd.DataFrame,
        titre: str,
        formats: dict | None = None,
        droite=(),
        note: str | None = None,
        lignes_max: int | None = None,
        provenance: str | None = None,
    ):
        """Tableau à afficher (en entier), gardé pour le classeur. ``lignes_max`` : accepté pour les notebooks qui le
        passent encore, vérifié, sans effet (le HTML ne coupe plus les longs tableaux, il les rend interactifs).

        ``provenance`` : provenance commune à toutes les valeurs du tableau, quand il n'a pas de colonne
        « Provenance » : une note « Provenance : … » (:func:`provenance.note`, ou le texte donné s'il commence par
        « Provenance : ») sous le tableau et en première ligne de sa feuille Excel."""
        from IPython.display import HTML

        if lignes_max is not None and (
            isinstance(lignes_max, bool) or not isinstance(lignes_max, numbers.Integral) or lignes_max < 1
        ):
            raise ValueError(f"lignes_max doit être un entier positif (reçu : {lignes_max!r})")
        note_provenance = None
        if provenance:
            from . import provenance as pv

            note_provenance = provenance if provenance.startswith(pv.DEBUT_NOTE) else pv.note(provenance)
        self.tableaux.append((titre, df.reset_index(drop=True), note_provenance))
        bloc = f"<h4>{html.escape(titre)}</h4>" + tableau_html(df, formats, droite)
        if note:
            bloc += f'<p class="note">{html.escape(note)}</p>'
        if note_provenance:
            bloc += f'<p class="note provenance">{html.escape(note_provenance)}</p>'
        return HTML(bloc)

    def classeur(self):
        from IPython.display import HTML

        chemin = ecrire_classeur(self.tableaux, self.reports_dir / "tableaux" / f"{self.cle}.xlsx")
        return HTML(
            f'<p class="telechargement">↓ <a href="tableaux/{html.escape(chemin.name)}">Télécharger les {len(self.tableaux)} tableaux '
            f"de ce chapitre (Excel)</a></p>"
        )


# --------------------------------------------------------------------------------------------- figures


def style_figures():
    """Thème commun des figures (seaborn), lisible à l'impression."""
    import matplotlib

    matplotlib.use("Agg") if matplotlib.get_backend().lower() not in (
        "agg",
        "module://matplotlib_inline.backend_inline",
    ) else None
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette="Blues_d")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.formatter.use_locale": False,
        }
    )


def texte_alternatif(fig) -> str:
    """Texte alternatif d'une figure, pour un lecteur d'écran et pour qui ne voit pas l'image : son titre, ce que
    montrent ses axes, sa source (lus sur la figure elle-même)."""
    morceaux = []
    titre = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    for ax in fig.get_axes():
        t = ax.get_title(loc="left") or ax.get_title()
        if t and t not in morceaux and t != titre:
            morceaux.append(t)
        axes = [
            f"{nom} : {lib}"
            for nom, lib in (("axe horizontal", ax.get_xlabel()), ("axe vertical", ax.get_ylabel()))
            if lib
        ]
        if axes:
            morceaux.append(" ; ".join(axes))
    sources = [t.get_text() for t in fig.texts if t.get_text().startswith("Source")]
    texte = ". ".join(m.rstrip(".") for m in ([titre] if titre else []) + morceaux + sources)
    return ("Figure : " + texte + ".") if texte else "Figure sans titre."


def image_figure(fig, alt: str | None = None):
    """La figure, en PNG, à afficher (``display(image_figure(fig))``) : rendue comme le fait JupyterLab, mais sans
    dépendre du moteur de matplotlib du noyau. Avec ``MPLBACKEND=Agg`` dans l'environnement (fréquent sur un
    serveur), ``display(fig)`` n'écrirait que « <Figure size 900x600 with 1 Axes> » dans le rapport.

    ``alt`` : texte alternatif de l'image dans le HTML (par défaut :func:`texte_alternatif`)."""
    from IPython.core.pylabtools import print_figure
    from IPython.display import Image

    return Image(
        data=print_figure(fig, fmt="png", bbox_inches="tight"),
        format="png",
        metadata={"alt": alt or texte_alternatif(fig)},
    )


def format_axe(ax, axe: str = "x", unite: str = "", decimales: int = 0):
    """Graduations au format français (1 712 989, 35,3 %)."""
    from matplotlib.ticker import FuncFormatter

    def f(v, _pos):
        return avec_unite(v, unite, decimales) if unite else nombre_fr(v, decimales)

    (ax.xaxis if axe == "x" else ax.yaxis).set_major_formatter(FuncFormatter(f))


def finir_figure(fig, ax, titre: str, axe_x: str, axe_y: str, source: str):
    """Titre, libellés d'axes (avec unités) et ligne de source en bas de la figure."""
    ax.set_title(titre, loc="left")
    ax.set_xlabel(axe_x)
    ax.set_ylabel(axe_y)
    fig.text(0.01, 0.005, f"Source : {source}", fontsize=8, color="#5a6b7d", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
