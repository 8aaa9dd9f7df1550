"""Présentation : tableaux HTML échappés, classeurs Excel, chapitre ; figures (style, PNG)."""

from __future__ import annotations

import functools
import html
import math
import numbers
import re
from pathlib import Path

import pandas as pd

from politique_ville.formats import avec_unite, nombre_fr

#: Au-delà de ce nombre de lignes, un tableau du HTML devient interactif (tri par colonne, recherche, pages de
#: ``LIGNES_INTERACTIF`` lignes : DataTables, copié dans ``report/templates/rapport/vendor/`` et intégré à la page par
#: ``export.exporter_html``). Toutes les lignes restent dans la page : sans JavaScript, le tableau est complet.
LIGNES_INTERACTIF = 25

#: Classe HTML des tableaux interactifs : ``export.exporter_html`` n'intègre DataTables qu'aux pages qui en ont une.
CLASSE_INTERACTIF = "tableau-interactif"


#: en-têtes d'une colonne de confrontation à un rapport publié (valeur publiée, écart, statut de la concordance)
_COLONNES_DU_RAPPORT = ("publi", "rapport", "écart", "statut")
#: cases d'une telle colonne quand l'année n'a pas de rapport publié
_VIDES = ("", "—", "non publié", "non publiée", "nan")


def colonne_sans_rapport(colonne):
    """L'en-tête d'une colonne pour une année sans rapport publié : « Recalculé (projets) » -> « Calculé (projets) »."""
    if not isinstance(colonne, str):
        return colonne
    texte = colonne.replace("Chiffre du rapport", "Chiffre").replace("Section du rapport", "Section")
    texte = texte.replace("Graphie(s) du rapport", "Graphie(s) reçue(s)")
    texte = texte.replace("Recalculé", "Calculé").replace("recalculé", "calculé")
    # sans rapport publié, une valeur dite « publiée » vient d'un fichier reçu
    for publie, recu in (("publiées", "reçues"), ("publiés", "reçus"), ("publiée", "reçue"), ("publié", "reçu")):
        texte = re.sub(rf"(?<![a-zé]){publie}(?![a-zé])", recu, texte)
        texte = re.sub(rf"(?<![a-zé]){publie.capitalize()}(?![a-zé])", recu.capitalize(), texte)
    return texte


def sans_rapport(df, titre: str):
    """Un tableau d'une année sans rapport publié : les colonnes qui confrontent à un rapport (valeur publiée, écart,
    statut) et ne tiennent que des cases vides (« — », « non publié ») ne sont pas montrées ; « Recalculé » devient
    « Calculé » (rien n'est recalculé quand rien n'a été publié) ; le titre perd « chiffres publiés et recalculés ».
    Renvoie (tableau, titre)."""
    import pandas as pd

    garder = []
    for c in df.columns:
        nom = str(c).lower()
        vide = all(pd.isna(v) or str(v).strip().lower() in _VIDES for v in df[c])
        if not (vide and any(m in nom for m in _COLONNES_DU_RAPPORT)):
            garder.append(c)
    sortie = df[garder].rename(columns=colonne_sans_rapport)
    titre = titre.replace(" : chiffres publiés et recalculés", "").replace("chiffres publiés et recalculés", "chiffres")
    return sortie, titre


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


# ------------------------------------------------------------------------- nombres du classeur : jamais du texte

_NOMBRE_FR = r"−?(?:\d{1,3}(?:[\u202f\u00a0 ]\d{3})+|\d+)(?:,\d+)?"
#: une cellule mise en forme à la française : « ≈ 33,3 % », « 16 quartiers », « 1 103 (956–1 205) »,
#: « 38,0 ; écart +2,3 pts », « 1 712 989 € »
_CELLULE_NOMBRE = re.compile(
    rf"^(?P<approx>≈\s?)?(?P<valeur>{_NOMBRE_FR})"
    rf"(?:[\s\u00a0\u202f]?(?P<unite>%|€[^;()]{{0,20}}?|[a-zA-Zéèêàâîôûç][^;]{{0,40}}?))?"
    rf"(?:\s?\((?P<bas>{_NOMBRE_FR})\s?[–-]\s?(?P<haut>{_NOMBRE_FR})\))?"
    rf"(?:\s?;\s?écart\s(?P<ecart>[+]?{_NOMBRE_FR})[\s\u00a0\u202f]?(?P<unite_ecart>pts?|%|€[^;]{{0,20}})?)?$"
)
#: un rang : « 2 sur 16 (valeur la plus faible = 1) »
_CELLULE_RANG = re.compile(r"^(?P<rang>\d+) sur (?P<sur>\d+)(?: \((?P<convention>[^)]*)\))?$")
#: textes d'une case sans valeur (gardés dans une colonne « remarque »)
_SANS_VALEUR = re.compile(r"^(?:—|–|-|n\.?d\.?|n\.?c\.?|s|secret.*|non .*|)$", re.I)


def _nombre(texte: str | None) -> float | None:
    if texte is None:
        return None
    t = texte.replace("−", "-").replace("+", "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    v = float(t.replace(",", "."))
    return int(v) if v.is_integer() and "," not in t else v


def nombres_du_classeur(df: pd.DataFrame) -> pd.DataFrame:
    """Le tableau tel qu'une feuille Excel doit le garder : chaque colonne de texte dont toutes les cellules sont des
    nombres mis en forme (« 38,0 », « 1 601 », « 13 % », « 16 quartiers », « 38,0 ; écart +2,3 pts »,
    « 1 103 (956–1 205) », « 2 sur 16 (…) ») devient des colonnes de nombres : la valeur, son unité (dans l'en-tête
    si elle est la même partout, sinon dans une colonne « unité »), l'écart, les bornes, le rang et son total ; les
    cases sans valeur (« — », « n.d. », « secret statistique ») restent vides, leur texte dans une colonne
    « remarque ». Une colonne qui mêle nombres et texte (« 2.1 Emploi », « 20 novembre ») reste du texte."""
    colonnes: list[tuple] = []  # (en-tête, valeurs) : deux colonnes peuvent avoir le même en-tête

    class _Colonnes:
        def __setitem__(self, nom, valeurs):
            colonnes.append((nom, list(valeurs)))

    sortie = _Colonnes()
    for j, c in enumerate(df.columns):
        serie = df.iloc[:, j]
        texte = serie.dtype == object or pd.api.types.is_string_dtype(serie.dtype)
        if not texte or not serie.map(lambda v: isinstance(v, str)).any():
            sortie[c] = serie
            continue
        textes = [v.strip() if isinstance(v, str) else None for v in serie]
        vides = [t is None or bool(_SANS_VALEUR.match(t)) for t in textes]
        pleins = [t for t, v in zip(textes, vides) if not v]
        rangs = [_CELLULE_RANG.match(t) for t in pleins]
        nombres = [_CELLULE_NOMBRE.match(t) for t in pleins]
        if pleins and all(rangs):
            it = iter(rangs)
            ms = [None if v else next(it) for v in vides]
            sortie[c] = [None if m is None else int(m["rang"]) for m in ms]
            sortie[f"{c} — sur"] = [None if m is None else int(m["sur"]) for m in ms]
            conventions = {m["convention"] for m in rangs if m["convention"]}
            if conventions:
                sortie[f"{c} — convention"] = [None if m is None else m["convention"] for m in ms]
        elif pleins and all(nombres):
            it = iter(nombres)
            ms = [None if v else next(it) for v in vides]
            unites = {(m["unite"] or "").strip() for m in nombres}
            nom = f"{c} ({next(iter(unites))})" if len(unites) == 1 and next(iter(unites)) else str(c)
            sortie[nom] = [None if m is None else _nombre(m["valeur"]) for m in ms]
            if len(unites) > 1:
                sortie[f"{c} — unité"] = [None if m is None else (m["unite"] or "").strip() or None for m in ms]
            if any(m["approx"] for m in nombres):
                sortie[f"{c} — approximatif"] = [None if m is None else ("oui" if m["approx"] else "non") for m in ms]
            if any(m["bas"] for m in nombres):
                sortie[f"{c} — borne basse"] = [None if m is None else _nombre(m["bas"]) for m in ms]
                sortie[f"{c} — borne haute"] = [None if m is None else _nombre(m["haut"]) for m in ms]
            if any(m["ecart"] for m in nombres):
                u = {m["unite_ecart"] for m in nombres if m["ecart"]}
                u = {"pt" if x in ("pt", "pts") else x.strip() if x else x for x in u}
                suffixe = f" ({'points' if u == {'pt'} else next(iter(u))})" if len(u) == 1 and None not in u else ""
                sortie[f"{c} — écart{suffixe}"] = [None if m is None else _nombre(m["ecart"]) for m in ms]
                if not suffixe:
                    sortie[f"{c} — unité de l'écart"] = [
                        None if m is None or not m["ecart"] else (m["unite_ecart"] or "").strip() or None for m in ms
                    ]
        else:
            sortie[c] = serie
            continue
        remarques = [t if v and t and t not in ("—", "–", "-") else None for t, v in zip(textes, vides)]
        if any(remarques):
            sortie[f"{c} — remarque"] = remarques
    resultat = pd.DataFrame({i: v for i, (_, v) in enumerate(colonnes)}, index=df.index)
    resultat.columns = [nom for nom, _ in colonnes]
    return resultat


#: seule cellule du classeur d'un chapitre qui n'a montré aucun tableau cette année
SANS_TABLEAU = "Aucun tableau dans ce chapitre pour cette année (données absentes ou sans objet)."


def ecrire_classeur(tableaux: list[tuple], chemin) -> Path:
    """Un classeur, une feuille par tableau : en-têtes français, nombres stockés comme nombres, textes neutralisés.

    Chaque élément : ``(titre, df)`` ou ``(titre, df, note)`` ; une ``note`` (provenance commune à toute la feuille :
    « Provenance : reconstruit — … », :func:`provenance.note`) est écrite en première ligne, en italique, au-dessus
    des en-têtes ; les nombres restent des nombres, et ceux qu'une vue a mis en forme en texte (« 38,0 ; écart
    +2,3 pts ») redeviennent des nombres, valeur, unité et écart dans des colonnes séparées
    (:func:`nombres_du_classeur`)."""
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from politique_ville.base.catalog import ecrire_atomique

    def cellule(ws, v, police=None):
        """Une cellule de texte : toujours du texte, jamais une formule (en plus de :func:`neutraliser_formule`)."""
        c = WriteOnlyCell(ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"
        if police is not None:
            c.font = police
        return c

    def valeur(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if hasattr(v, "item") and not isinstance(v, str):
            return v.item()  # numpy -> nombre Python
        return neutraliser_formule(v) if isinstance(v, str) else v

    def ecrire(p: Path):
        # classeur en écriture seule (lignes écrites au fil de l'eau : deux fois plus rapide, une fiche quartier en
        # écrit un) ; largeurs des colonnes calculées avant les lignes
        wb = Workbook(write_only=True)
        if not tableaux:  # un classeur a toujours une feuille : celle-ci dit qu'il n'y a rien
            wb.create_sheet("Sans tableau").append([SANS_TABLEAU])
        noms: set[str] = set()
        for titre, df, *reste in tableaux:
            ws = wb.create_sheet(nom_de_feuille(titre, noms))
            note = reste[0] if reste else None
            df = nombres_du_classeur(df)
            entetes = [neutraliser_formule(str(c)) for c in df.columns]
            lignes = [[valeur(v) for v in ligne] for ligne in df.itertuples(index=False)]
            for j, entete in enumerate(entetes):
                largeur = max([len(entete), *(len(str(lg[j] if lg[j] is not None else "")) for lg in lignes)])
                ws.column_dimensions[get_column_letter(j + 1)].width = min(60, max(10, largeur + 2))
            if note:
                ws.append([cellule(ws, neutraliser_formule(str(note)), Font(italic=True))])
            ws.append([cellule(ws, e, Font(bold=True)) for e in entetes])
            for lg in lignes:
                ws.append([cellule(ws, v) if isinstance(v, str) else v for v in lg])
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
            from politique_ville.reference import provenance as pv

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


#: attribut posé sur une figure par :func:`finir_figure` quand sa mise en page est faite et que tout son contenu
#: tient dans la figure : :func:`image_figure` la rend alors en une seule passe, sans recadrage
MISE_EN_PAGE_FAITE = "_politique_ville_mise_en_page"
#: attribut posé avec le précédent : nombre de textes de chaque axe lors de la mise en page
TEXTES_PLACES = "_politique_ville_textes_places"

#: compression zlib des PNG (0 à 9) de :func:`encoder_png` : en RVB, 4 donne des fichiers plus petits que ceux de
#: matplotlib (RGBA, niveau 6) en moins de temps ; 6 gagne encore 1 % de taille, 9 est cinq fois plus lent
NIVEAU_COMPRESSION_PNG = 4


def image_figure(fig, alt: str | None = None):
    """La figure, en PNG, à afficher (``display(image_figure(fig))``) : rendue comme le fait JupyterLab, mais sans
    dépendre du moteur de matplotlib du noyau. Avec ``MPLBACKEND=Agg`` dans l'environnement (fréquent sur un
    serveur), ``display(fig)`` n'écrirait que « <Figure size 900x600 with 1 Axes> » dans le rapport.

    Une figure mise en page par :func:`finir_figure` est dessinée une seule fois, à sa taille (la mise en page a
    déjà réservé la place de chaque texte) ; toute autre figure, ou une figure dont un trait touche le bord (contenu
    ajouté après la mise en page, qui serait coupé), est recadrée sur son contenu comme dans JupyterLab
    (``bbox_inches="tight"``, deux dessins : l'un pour mesurer, l'autre pour l'image).

    ``alt`` : texte alternatif de l'image dans le HTML (par défaut :func:`texte_alternatif`)."""
    from IPython.display import Image

    donnees = _png_une_passe(fig) if getattr(fig, MISE_EN_PAGE_FAITE, False) else None
    if donnees is None:
        from IPython.core.pylabtools import print_figure

        donnees = compacter_png(print_figure(fig, fmt="png", bbox_inches="tight"), dpi=fig.dpi)
    return Image(data=donnees, format="png", metadata={"alt": alt or texte_alternatif(fig)})


def _png_une_passe(fig) -> bytes | None:
    """PNG de la figure entière, en un seul dessin sur sa toile Agg (résolution de la figure, comme JupyterLab) ;
    ``None`` si un pixel du bord n'est pas du fond ou si un texte, une légende est hors du cadre (il faut recadrer),
    ou si la figure n'a pas de toile Agg."""
    import numpy as np

    toile = fig.canvas
    if not hasattr(toile, "buffer_rgba") or getattr(toile, "device_pixel_ratio", 1) != 1:
        return None
    toile.draw()  # moteur Agg, à la résolution de la figure, fond et bord de la figure (comme print_figure)
    pixels = np.asarray(toile.buffer_rgba())
    if pixels.ndim != 3 or pixels.shape[0] < 2 or pixels.shape[1] < 2 or pixels.shape[2] != 4:
        return None
    mots = pixels.view(np.uint32)[..., 0]  # un pixel RGBA = un entier : comparaisons 4 fois moins nombreuses
    fond = mots[0, 0]
    if (mots[0] != fond).any() or (mots[-1] != fond).any() or (mots[:, 0] != fond).any() or (mots[:, -1] != fond).any():
        return None
    # un texte ou une légende tout entier hors du cadre ne laisse pas d'encre au bord (ni un texte qui le franchit
    # entre deux lettres) : mesurés, sauf les textes des axes déjà là lors de la mise en page
    if not _textes_dans_la_figure(fig, toile.get_renderer(), getattr(fig, TEXTES_PLACES, None)):
        return None
    return encoder_png(pixels, dpi=fig.dpi, palette=True)


def _textes_dans_la_figure(fig, renderer, deja_places: dict | None = None) -> bool:
    """Les textes et légendes de la figure et de ses axes sont-ils dans le cadre de la figure ? ``deja_places`` :
    nombre de textes de chaque axe (``id(ax)``) déjà là lors de la mise en page, qui les a fait tenir : seuls les
    suivants, ajoutés depuis, sont mesurés (mesurer les étiquettes de valeur de chaque barre coûte)."""
    cadre = fig.bbox
    artistes = [t for t in fig.texts if t.get_text()] + list(fig.legends)
    for ax in fig.get_axes():
        textes = list(ax.texts)[(deja_places or {}).get(id(ax), 0) :]
        artistes += [t for t in textes if t.get_text()]
        if ax.get_legend() is not None:
            artistes.append(ax.get_legend())  # une légende peut avoir été déplacée depuis
    for artiste in artistes:
        if artiste.get_visible():
            b = artiste.get_window_extent(renderer)
            if b.x0 < cadre.x0 or b.x1 > cadre.x1 or b.y0 < cadre.y0 or b.y1 > cadre.y1:
                return False
    return True


#: écart maximal (sur 255, par canal) entre une figure et son image en palette (:func:`encoder_png`) : au-delà,
#: l'image reste en RVB sans perte. Une figure du rapport (aplats, texte lissé) tient en 256 couleurs à 1 ou 2 près :
#: rien de visible, une image 2 à 3 fois plus légère (la moitié d'une fiche quartier)
ECART_MAX_PALETTE = 3


def encoder_png(
    pixels, dpi: float | None = None, niveau: int = NIVEAU_COMPRESSION_PNG, *, palette: bool = False
) -> bytes:
    """PNG sans perte d'une image RGBA (tableau ``hauteur × largeur × 4`` d'octets), écrit par Pillow : en RVB si
    elle est opaque (même rendu, un quart de données en moins), compression zlib de niveau ``niveau`` (celui de
    matplotlib, 6, coûte plus pour un gain de taille minime sur ces figures). ``dpi`` : résolution inscrite dans
    l'image, comme le fait matplotlib.

    ``palette`` : une image opaque est écrite en 256 couleurs au plus (méthode « couverture maximale » de Pillow,
    sans tramage), si aucun pixel ne s'écarte de plus de :data:`ECART_MAX_PALETTE` de sa couleur (sinon, RVB sans
    perte) : même aspect, un octet par pixel au lieu de trois."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(pixels, dtype=np.uint8)
    opaque = bool((pixels[..., 3] == 255).all())
    image = Image.fromarray(np.ascontiguousarray(pixels[..., :3]) if opaque else pixels, "RGB" if opaque else "RGBA")
    if palette and opaque:
        from PIL import ImageChops

        reduite = image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
        ecart = max(e[1] for e in ImageChops.difference(reduite.convert("RGB"), image).getextrema())
        if ecart <= ECART_MAX_PALETTE:
            image, niveau = reduite, max(niveau, 6)  # un octet par pixel : le niveau 6 coûte peu
    tampon = io.BytesIO()
    image.save(tampon, format="png", compress_level=niveau, **({"dpi": (dpi, dpi)} if dpi else {}))
    return tampon.getvalue()


def compacter_png(png: bytes, dpi: float | None = None) -> bytes:
    """Un PNG (de matplotlib) réécrit par :func:`encoder_png` en palette, s'il y gagne ; sinon tel quel."""
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        pixels = np.asarray(image.convert("RGBA"))
    compact = encoder_png(pixels, dpi=dpi, palette=True)
    return compact if len(compact) < len(png) else png


def format_axe(ax, axe: str = "x", unite: str = "", decimales: int = 0):
    """Graduations au format français (1 712 989, 35,3 %)."""
    from matplotlib.ticker import FuncFormatter

    def f(v, _pos):
        return _graduation(float(v), unite, decimales)

    (ax.xaxis if axe == "x" else ax.yaxis).set_major_formatter(FuncFormatter(f))


@functools.lru_cache(maxsize=4096)
def _graduation(v: float, unite: str, decimales: int) -> str:
    """Texte d'une graduation (:func:`format_axe`), gardé en mémoire : matplotlib formate chaque graduation à chaque
    mesure et à chaque dessin de la figure, et les mêmes valeurs (0, 10 %, 20 %…) reviennent d'une figure à l'autre ;
    le format français (Babel) coûte, lui, une fraction de milliseconde à chaque appel."""
    return avec_unite(v, unite, decimales) if unite else nombre_fr(v, decimales)


def finir_figure(fig, ax, titre: str, axe_x: str, axe_y: str, source: str):
    """Titre, libellés d'axes (avec unités) et ligne de source en bas de la figure, puis mise en page
    (:func:`mettre_en_page`) : chaque texte a sa place dans la figure.

    Le titre d'une figure d'un seul axe est posé juste au-dessus de l'axe (``y=1``), là où matplotlib le mettrait :
    sans graduations ni libellé en haut de l'axe, ni décalage (« 1e6 ») des graduations verticales, rien ne l'en
    écarte, et matplotlib ne refait pas ce calcul (il mesure alors les graduations) à chaque mesure et à chaque
    dessin de la figure."""
    from matplotlib.ticker import ScalarFormatter

    seul = fig.get_axes() == [ax]
    graduations_en_haut = ax.xaxis.majorTicks[0].label2.get_visible() or ax.xaxis.get_label_position() == "top"
    decalage_possible = isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter)
    position = {"y": 1.0} if seul and not graduations_en_haut and not decalage_possible else {}
    ax.set_title(titre, loc="left", **position)
    ax.set_xlabel(axe_x)
    ax.set_ylabel(axe_y)
    fig.text(0.01, 0.005, f"Source : {source}", fontsize=8, color="#5a6b7d", ha="left", va="bottom")
    mettre_en_page(fig, rect=(0, 0.03, 1, 1))
    return fig


def mettre_en_page(fig, rect=(0, 0, 1, 1), pad: float = 1.08):
    """Même mise en page que ``fig.tight_layout(rect=rect, pad=pad)`` (marges juste suffisantes pour les graduations,
    libellés, titre et légende de chaque axe, dans le rectangle ``rect`` en fraction de la figure), en une seule
    mesure pour une figure d'un seul axe : ``tight_layout`` mesure deux fois quand ``rect`` est donné, pour le même
    résultat avec un seul axe. Les autres figures (plusieurs axes, barre de couleur) passent par ``tight_layout``.

    Marque la figure (:data:`MISE_EN_PAGE_FAITE`) quand la mise en page a réussi et que les textes posés sur la figure
    (ligne de source) y tiennent : :func:`image_figure` la dessine alors une seule fois, sans recadrage."""
    import contextlib

    import matplotlib
    from matplotlib.font_manager import FontProperties

    axes = fig.get_axes()
    spec = axes[0].get_subplotspec() if len(axes) == 1 else None
    moteur = getattr(fig.canvas, "get_renderer", None)  # figures de pyplot (Agg, moteur « inline » de Jupyter)
    if moteur is None:
        fig.tight_layout(rect=rect, pad=pad)
        return fig
    renderer = moteur()
    un_seul_axe = (
        spec is not None
        and spec.get_gridspec().get_geometry() == (1, 1)
        and all(getattr(fig, a, None) is None for a in ("_suptitle", "_supxlabel", "_supylabel"))
    )
    reussi = False
    if un_seul_axe:
        ax = axes[0]
        with getattr(renderer, "_draw_disabled", contextlib.nullcontext)():
            contenu = fig.transFigure.inverted().transform_bbox(ax.get_tightbbox(renderer, for_layout_only=True))
        place = spec.get_position(fig)
        largeur, hauteur = fig.get_size_inches()
        marge = pad * FontProperties(size=matplotlib.rcParams["font.size"]).get_size_in_points() / 72
        gauche = max(place.xmin - contenu.xmin, 0) + marge / largeur
        droite = max(contenu.xmax - place.xmax, 0) + marge / largeur
        bas = max(place.ymin - contenu.ymin, 0) + marge / hauteur
        haut = max(contenu.ymax - place.ymax, 0) + marge / hauteur
        r_gauche, r_bas, r_droite, r_haut = rect
        reussi = gauche + droite < 1 and bas + haut < 1  # sinon tight_layout renonce (avec un avertissement)
        if reussi:
            fig.subplots_adjust(left=r_gauche + gauche, right=r_droite - droite, bottom=r_bas + bas, top=r_haut - haut)
    if not reussi:
        p = fig.subplotpars
        avant = (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace)
        fig.tight_layout(rect=rect, pad=pad)
        reussi = (p.left, p.right, p.bottom, p.top, p.wspace, p.hspace) != avant  # sinon : non appliquée
    # les axes, avec leurs textes et légendes, tiennent dans ``rect`` ; restent les textes posés sur la figure
    deja_places = {id(ax): len(ax.texts) for ax in axes}
    setattr(fig, MISE_EN_PAGE_FAITE, bool(reussi and _textes_dans_la_figure(fig, renderer, deja_places)))
    setattr(fig, TEXTES_PLACES, deja_places)
    return fig
