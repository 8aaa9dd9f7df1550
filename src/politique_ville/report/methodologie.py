"""La page de méthodologie du rapport (``methodologie.html``) : provenance des valeurs (la légende, une fois),
règles de reconstruction et de transcription, définitions des indicateurs, glossaire des sigles, sources des données
avec leurs millésimes.

Tout vient des mêmes sources que le reste du rapport : le vocabulaire de :mod:`politique_ville.reference.provenance`, le
registre des indicateurs (``data/reference/indicateurs_qpv.csv``, :mod:`politique_ville.reference.indicateurs`), le dictionnaire
des données brutes (``data/raw/README.md`` : ses sections « Règles de reconstruction », « Règles de transcription »,
« Choix de transcription » et ses lignes « Source : », rendues en HTML). Les tableaux et phrases du rapport renvoient
aux ancres de cette page (``#reconstruction``, ``#provenance-reconstruit``, …, voir ``export.ancre_provenance``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune

from politique_ville.reference import provenance as pv
from politique_ville.report.export import METHODOLOGIE, STYLE_PAGE, ancre_provenance

#: sigles employés par le rapport et ses données, en toutes lettres
GLOSSAIRE = {
    "ANCT": "Agence nationale de la cohésion des territoires : a repris les missions du CGET, dont les crédits "
    "spécifiques de la politique de la ville.",
    "ANRU": "Agence nationale pour la rénovation urbaine : met en œuvre le NPNRU.",
    "BOP 147": "Budget opérationnel du programme 147 « Politique de la ville » de l'État : les crédits spécifiques.",
    "CAF": "Caisse d'allocations familiales.",
    "CGET": "Commissariat général à l'égalité des territoires : crédits spécifiques de la politique de la ville "
    "(programme 147) ; aujourd'hui l'ANCT.",
    "CMU": "Couverture maladie universelle (complémentaire), aujourd'hui la complémentaire santé solidaire.",
    "DC": "Droit commun : crédits des politiques ordinaires de l'État, des collectivités et des organismes, mobilisés "
    "dans les quartiers, par opposition aux crédits spécifiques de la politique de la ville.",
    "EPCI": "Établissement public de coopération intercommunale : métropole, communauté urbaine, communauté "
    "d'agglomération ou communauté de communes.",
    "FCS": "Fonds de cohésion sociale : fonds de l'intercommunalité qui cofinance des actions du contrat de ville.",
    "FDC": "Fonds de concours : participation de l'intercommunalité au financement d'un équipement ou d'une "
    "opération d'une commune.",
    "FEDER": "Fonds européen de développement régional.",
    "INSEE": "Institut national de la statistique et des études économiques.",
    "ITI": "Investissement territorial intégré : enveloppe de fonds européens (FEDER) confiée au territoire pour des "
    "projets urbains intégrés.",
    "NPNRU": "Nouveau programme national de renouvellement urbain, conduit par l'ANRU.",
    "PRE": "Programme de réussite éducative.",
    "QPV": "Quartier prioritaire de la politique de la ville (géographie prioritaire fixée en 2015, révisée en 2024).",
    "QVA": "Quartier de veille active : ancien quartier de la politique de la ville sorti de la géographie prioritaire "
    "de 2015, suivi par le contrat de ville.",
    "REP": "Réseau d'éducation prioritaire.",
    "RSA": "Revenu de solidarité active.",
    "SCDL": "Socle commun des données locales : format national de publication des subventions (données essentielles).",
    "TFPB": "Taxe foncière sur les propriétés bâties : abattement de 30 % de la base d'imposition des logements "
    "sociaux en QPV, en contrepartie d'actions des bailleurs (conventions d'abattement).",
}

#: titres des sections du dictionnaire des données qui décrivent une règle, reprises dans la page
SECTIONS_REGLES = ("Règles de reconstruction", "Règles de transcription", "Choix de transcription")

_TITRE_MD = re.compile(r"^(#{1,6})\s+(.*)$")


def sections_markdown(texte: str) -> list[tuple[int, str, str, str]]:
    """Sections d'un document Markdown : ``(niveau, titre, titre du chapitre de niveau 2 englobant, corps)``."""
    sections, courant, chapitre = [], None, ""
    for ligne in texte.splitlines():
        m = _TITRE_MD.match(ligne)
        if m:
            if courant:
                sections.append(courant)
            niveau, titre = len(m.group(1)), m.group(2).strip()
            if niveau <= 2:
                chapitre = titre
            courant = (niveau, titre, chapitre, [])
        elif courant:
            courant[3].append(ligne)
    if courant:
        sections.append(courant)
    return [(n, t, c, "\n".join(corps).strip()) for n, t, c, corps in sections]


def _markdown(texte: str) -> str:
    """Markdown -> HTML (mistune, déjà là pour nbconvert), sans HTML brut du texte source (échappé)."""

    return mistune.create_markdown(escape=True, plugins=["table"])(texte)


def regles_html(readme: Path | None) -> str:
    """Les règles de reconstruction et de transcription du dictionnaire des données, en HTML ; « » sans elles."""
    if readme is None or not Path(readme).is_file():
        return ""
    morceaux = []
    for _, titre, chapitre, corps in sections_markdown(Path(readme).read_text(encoding="utf-8")):
        if any(titre.startswith(s) for s in SECTIONS_REGLES) and corps:
            intitule = f"{titre} — {chapitre}" if chapitre and chapitre != titre else titre
            morceaux.append(f"<h3>{html.escape(intitule)}</h3>\n{_markdown(corps)}")
    return "\n".join(morceaux)


def sources_du_readme(readme: Path | None) -> list[tuple[str, str]]:
    """Les paragraphes « Source : … » du dictionnaire des données (millésimes des données), avec leur chapitre."""
    if readme is None or not Path(readme).is_file():
        return []
    resultat = []
    for _, _titre, chapitre, corps in sections_markdown(Path(readme).read_text(encoding="utf-8")):
        for paragraphe in re.split(r"\n\s*\n", corps):
            if paragraphe.startswith("Source :"):
                resultat.append((chapitre, " ".join(paragraphe.split())))
    return resultat


def _table(entetes: list[str], lignes: list[list[str]], classe: str = "") -> str:
    e = html.escape
    tete = "".join(f"<th>{e(x)}</th>" for x in entetes)
    corps = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in ligne) + "</tr>" for ligne in lignes)
    return (
        f'<div class="defilement" tabindex="0" role="region" aria-label="Tableau"><table class="{classe}">'
        f"<thead><tr>{tete}</tr></thead><tbody>{corps}</tbody></table></div>"
    )


def indicateurs_html(registre: Path | None) -> str:
    """Définitions des indicateurs du registre : libellé, unité, thème, sens, règle d'agrégation, note."""
    import pandas as pd

    if registre is None or not Path(registre).is_file():
        return "<p>Registre des indicateurs absent.</p>"
    r = pd.read_csv(registre, dtype=str, keep_default_na=False)
    sens = {"oui": "plus élevé = plus défavorable", "non": "plus élevé = plus favorable", "": "sans sens établi"}
    lignes = [
        [
            x.get("libelle", ""),
            x.get("variable", ""),
            x.get("unite", ""),
            x.get("theme", ""),
            sens.get(str(x.get("plus_eleve_est_defavorable", "")).strip().lower(), x.get("plus_eleve_est_defavorable")),
            x.get("agregation", ""),
            x.get("note", ""),
        ]
        for x in r.to_dict("records")
    ]
    return _table(
        ["Indicateur", "Variable", "Unité", "Thème", "Sens", "Agrégation entre quartiers", "Note"],
        lignes,
        "indicateurs",
    )


def _sans_readme(texte: str) -> str:
    """Texte échappé ; le renvoi au dictionnaire des données devient un lien vers les règles de cette page."""
    return html.escape(texte).replace(
        "data/raw/README.md", '<a href="#reconstruction">les règles de reconstruction ci-dessous</a>'
    )


# Longue : la page de méthodologie, section après section dans l'ordre de lecture : un gabarit écrit en Python.
def ecrire_methodologie(
    dossier: Path,
    *,
    annee: int,
    territoire: str,
    readme: Path | None,
    registre: Path | None,
    entrees: list[dict] = (),
    provenances: tuple[str, ...] | None = None,
) -> Path:
    """Écrit ``methodologie.html`` dans le dossier du rapport et renvoie son chemin. ``provenances`` : celles que
    la légende définit (toutes par défaut ; pour un territoire qui n'a que ses fichiers reçus, celles qu'il peut
    avoir : reçu, recalculé, approximatif)."""
    e = html.escape

    def marque(p: str) -> str:
        m = pv.MARQUES.get(p, "").strip()
        return f" — marque dans une phrase : « {e(m)} »" if m else ""

    legende = "".join(
        f'<dt id="{ancre_provenance(p)}">{e(p)}{marque(p)}</dt><dd>{_sans_readme(pv.DEFINITIONS[p])}.</dd>'
        for p in (provenances or pv.VOCABULAIRE)
    )
    regles = regles_html(readme) or (
        "<p>Aucune valeur reconstruite n'est décrite pour ce territoire : les valeurs viennent des fichiers reçus, "
        "telles quelles ou recalculées.</p>"
    )
    glossaire = "".join(
        f'<dt id="sigle-{e(s.split()[0].lower())}">{e(s)}</dt><dd>{e(d)}</dd>' for s, d in GLOSSAIRE.items()
    )
    sources = sources_du_readme(readme)
    bloc_sources = (
        "<ul>"
        + "".join(f"<li><strong>{e(c)}</strong> — {e(s.removeprefix('Source : '))}</li>" for c, s in sources)
        + "</ul>"
        if sources
        else ""
    )
    fichiers = (
        _table(
            ["Fichier reçu", "Lignes", "Empreinte SHA-256 (début)"],
            [[x["fichier"], x["lignes"], x["sha256"][:16] + "…"] for x in entrees],
        )
        if entrees
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Méthodologie — Rapport politique de la ville {annee} — {e(territoire)}</title>
<style>
{STYLE_PAGE}
</style>
</head>
<body>
<nav class="navigation-rapport"><a href="index.html">Sommaire du rapport</a> <a href="recherche.html">Rechercher</a></nav>
<main data-recherche="page">
<h1>Méthodologie</h1>
<p class="sous-titre">{e(territoire)} — rapport {annee}</p>
<nav class="sommaire-page" aria-label="Sommaire de la page"><ol>
<li><a href="#provenance">Provenance des valeurs</a></li><li><a href="#reconstruction">Règles de reconstruction et de
transcription</a></li><li><a href="#indicateurs">Définitions des indicateurs</a></li><li><a href="#glossaire">Glossaire
des sigles</a></li><li><a href="#sources">Sources des données et millésimes</a></li></ol></nav>
<h2 id="provenance">Provenance des valeurs</h2>
<p>Chaque valeur montrée par le rapport a une provenance. Dans un tableau, une colonne « Provenance » quand les
provenances se mêlent, sinon une note « Provenance : … » sous le tableau (et en première ligne de sa feuille Excel).
Dans une phrase, une valeur qui n'est pas publiée porte une marque : l'astérisque pour une valeur reconstruite, la
provenance en toutes lettres pour les autres.</p>
<dl class="legende">{legende}</dl>
<h2 id="reconstruction">Règles de reconstruction et de transcription</h2>
{regles}
<h2 id="indicateurs">Définitions des indicateurs</h2>
<p>Registre des indicateurs des quartiers (<code>data/reference/indicateurs_qpv.csv</code>) : le « sens » dit si une
valeur plus élevée est plus défavorable au quartier ; l'agrégation, comment une valeur est calculée pour un ensemble
de quartiers (somme, part recalculée, moyenne pondérée approximative ; une médiane n'est jamais moyennée).</p>
{indicateurs_html(registre)}
<h2 id="glossaire">Glossaire des sigles</h2>
<dl class="glossaire">{glossaire}</dl>
<h2 id="sources">Sources des données et millésimes</h2>
{bloc_sources}
{fichiers}
</main>
</body>
</html>
"""
    sortie = Path(dossier) / METHODOLOGIE
    sortie.write_text(page, encoding="utf-8")
    return sortie
