"""Les tableaux du rapport : HTML échappé (interactif au-delà de :data:`LIGNES_INTERACTIF` lignes, DataTables),
classeur Excel de chaque chapitre (nombres gardés comme nombres, formules neutralisées), et :class:`Chapitre`, qui
garde les tableaux d'un chapitre pour son classeur. Une année sans rapport publié ne montre pas les colonnes vides de
confrontation à un rapport (:func:`sans_rapport`).
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from politique_ville.base.catalog import ecrire_atomique
from politique_ville.reference import provenance as pv

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
    return _colonne_sans_rapport(colonne)


@functools.lru_cache(maxsize=4096)
def _colonne_sans_rapport(colonne: str) -> str:
    # les mêmes en-têtes reviennent dans chaque tableau de chaque chapitre et de chaque fiche : huit remplacements par
    # expression régulière, faits une fois par en-tête
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
    for j, c in enumerate(df.columns):
        nom = str(c).lower()
        if not (
            any(m in nom for m in _COLONNES_DU_RAPPORT)
            and all(pd.isna(v) or str(v).strip().lower() in _VIDES for v in df.iloc[:, j])
        ):
            garder.append(j)
    sortie = df.iloc[:, garder] if len(garder) < df.shape[1] else df.copy(deep=False)
    noms = [colonne_sans_rapport(c) for c in sortie.columns]
    if noms != list(sortie.columns):
        sortie.columns = noms
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
    colonnes = list(df.columns)
    # les valeurs de chaque ligne comme les donnait ``iterrows`` (même type commun aux colonnes de la ligne), sans
    # construire une ``Series`` par ligne ni chercher chaque cellule par son nom
    for rangee in df.values:
        cellules = []
        for c, v in zip(colonnes, rangee):
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


CARACTERES_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def neutraliser_formule(valeur):
    """Un texte qui commence par = + - @ (ou tabulation) est préfixé d'une apostrophe : un nom de porteur ne peut pas
    devenir une formule Excel. Les nombres restent des nombres."""
    if isinstance(valeur, str) and valeur.startswith(CARACTERES_FORMULE):
        return "'" + valeur
    return valeur


def nom_de_feuille(titre: str, deja: set[str]) -> str:
    """Nom de feuille Excel valide (31 caractères, sans []:*?/\\) et unique."""

    base = re.sub(r"[\[\]:*?/\\]", " ", titre).strip().strip("'")[:31] or "Tableau"
    nom, i = base, 2
    while nom.lower() in {d.lower() for d in deja}:
        suffixe = f" ({i})"
        nom = base[: 31 - len(suffixe)] + suffixe
        i += 1
    deja.add(nom)
    return nom


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
    colonnes = _colonnes_du_classeur(df)
    resultat = pd.DataFrame(
        {i: df.iloc[:, v.position] if isinstance(v, _Telle) else v for i, (_, v) in enumerate(colonnes)},
        index=df.index,
    )
    resultat.columns = [nom for nom, _ in colonnes]
    return resultat


@dataclass(frozen=True)
class _Telle:
    """Une colonne gardée telle quelle par :func:`_colonnes_du_classeur` : sa position dans la table."""

    position: int


def _colonnes_du_classeur(df: pd.DataFrame, cases=None) -> list[tuple]:
    """Les colonnes de :func:`nombres_du_classeur`, ``(en-tête, valeurs)`` dans l'ordre (deux colonnes peuvent avoir
    le même en-tête) : une colonne gardée telle quelle est sa position dans ``df`` (:class:`_Telle`), une colonne
    convertie une liste. ``cases`` : ``df.to_numpy(dtype=object)`` s'il est déjà calculé (les valeurs telles que
    ``Series.tolist`` les donne) ; les colonnes sont lues dans ce tableau, sans une ``Series`` par colonne (le tiers du
    temps d'écriture d'un classeur de 37 feuilles)."""
    colonnes: list[tuple] = []

    class _Colonnes:
        def __setitem__(self, nom, valeurs):
            colonnes.append((nom, list(valeurs)))

    sortie = _Colonnes()
    types = df.dtypes.tolist()
    for j, (c, type_) in enumerate(zip(df.columns, types)):  # par position : deux colonnes peuvent avoir le même nom
        texte = pd.api.types.is_object_dtype(type_) or pd.api.types.is_string_dtype(type_)
        if texte and cases is None:
            cases = df.to_numpy(dtype=object)
        brutes = cases[:, j].tolist() if texte else None
        if not texte or not any(isinstance(v, str) for v in brutes):
            colonnes.append((c, _Telle(j)))
            continue
        textes = [v.strip() if isinstance(v, str) else None for v in brutes]
        vides = [t is None or bool(_SANS_VALEUR.match(t)) for t in textes]
        pleins = [t for t, v in zip(textes, vides) if not v]
        rangs = [_CELLULE_RANG.match(t) for t in pleins]
        nombres = [_CELLULE_NOMBRE.match(t) for t in pleins] if not (pleins and all(rangs)) else []
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
            colonnes.append((c, _Telle(j)))
            continue
        remarques = [t if v and t and t not in ("—", "–", "-") else None for t, v in zip(textes, vides)]
        if any(remarques):
            sortie[f"{c} — remarque"] = remarques
    return colonnes


#: seule cellule du classeur d'un chapitre qui n'a montré aucun tableau cette année
SANS_TABLEAU = "Aucun tableau dans ce chapitre pour cette année (données absentes ou sans objet)."


def ecrire_classeur(tableaux: list[tuple], chemin) -> Path:
    """Un classeur, une feuille par tableau : en-têtes français, nombres stockés comme nombres, textes neutralisés.

    Chaque élément : ``(titre, df)`` ou ``(titre, df, note)`` ; une ``note`` (provenance commune à toute la feuille :
    « Provenance : reconstruit — … », :func:`provenance.note`) est écrite en première ligne, en italique, au-dessus
    des en-têtes ; les nombres restent des nombres, et ceux qu'une vue a mis en forme en texte (« 38,0 ; écart
    +2,3 pts ») redeviennent des nombres, valeur, unité et écart dans des colonnes séparées
    (:func:`nombres_du_classeur`)."""

    def valeur(v):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            return None
        if hasattr(v, "item") and not isinstance(v, str):
            return v.item()  # numpy -> nombre Python
        return neutraliser_formule(v) if isinstance(v, str) else v

    def ecrire(p: Path):
        # XlsxWriter (le moteur Excel de pandas) : un texte est toujours écrit comme texte, jamais comme formule, lien
        # ou nombre ; 2,5 fois plus rapide qu'openpyxl (0,10 s contre 0,25 s pour les 37 feuilles d'un chapitre 10) ;
        # feuilles assemblées en mémoire plutôt que dans des fichiers temporaires : même classeur, 0,11 -> 0,08 s
        wb = xlsxwriter.Workbook(
            str(p),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": True,
                "default_date_format": "dd/mm/yyyy",
                "remove_timezone": True,
                "in_memory": True,
            },
        )
        gras, italique = wb.add_format({"bold": True}), wb.add_format({"italic": True})
        if not tableaux:  # un classeur a toujours une feuille : celle-ci dit qu'il n'y a rien
            wb.add_worksheet("Sans tableau").write_string(0, 0, SANS_TABLEAU)
        noms: set[str] = set()
        for titre, df, *reste in tableaux:
            ws = wb.add_worksheet(nom_de_feuille(titre, noms))
            note = reste[0] if reste else None
            cases = df.to_numpy(dtype=object)  # les valeurs de ``Series.tolist``, toutes les colonnes en une fois
            colonnes = _colonnes_du_classeur(df, cases)
            entetes = [str(neutraliser_formule(str(c))) for c, _ in colonnes]
            valeurs = [
                [valeur(v) for v in (cases[:, x.position].tolist() if isinstance(x, _Telle) else x)]
                for _, x in colonnes
            ]
            for j, (entete, col) in enumerate(zip(entetes, valeurs)):
                largeur = max([len(entete), *(len(str(v)) for v in col if v is not None)])
                ws.set_column(j, j, min(60, max(10, largeur + 2)))
            ligne = 0
            if note:
                ws.write_string(0, 0, str(neutraliser_formule(str(note))), italique)
                ligne = 1
            for j, entete in enumerate(entetes):
                ws.write_string(ligne, j, entete, gras)
            for j, col in enumerate(valeurs):
                for i, v in enumerate(col, start=ligne + 1):
                    if v is None or v == "":  # une case vide reste vide (pas de texte vide)
                        continue
                    if isinstance(v, str):
                        ws.write_string(i, j, v)
                    elif type(v) is float or type(v) is int:  # le cas courant, sans le test abstrait de ``numbers``
                        ws.write_number(i, j, v)
                    elif isinstance(v, bool):
                        ws.write_boolean(i, j, v)
                    elif isinstance(v, numbers.Real):
                        ws.write_number(i, j, v)
                    else:
                        ws.write(i, j, v if hasattr(v, "year") else str(v))
        wb.close()

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
