"""Vocabulaire de la provenance d'une valeur, le même partout où une valeur est montrée (tableaux HTML, feuilles
Excel, fiches, phrases) : publié, reçu, recalculé, reconstruit, supposé, simulé, approximatif.

- « publié » : un rapport publié imprime la valeur (ou ses chiffres l'imposent) ; seulement pour une année dont un
  rapport publié est décrit (registre des chiffres publiés de ses paramètres) ;
- « reçu » : valeur lue telle quelle dans un fichier reçu nommé (fichier de l'INSEE, export de programmation,
  fichier de subventions) : la note ou la légende nomme le fichier (:func:`note`, ``source=``) ;
- « recalculé » : valeur calculée par le code à partir de valeurs publiées ou reçues (somme, part, niveau de
  comparaison calculé, tableau des financeurs calculé à partir de l'export) ;
- « reconstruit » : valeur non publiée, choisie pour redonner exactement les totaux et moyennes publiés (règle dans
  ``data/raw/README.md``), ou calculée à partir de telles valeurs ;
- « supposé » : identité ou attribut déduit du texte du rapport, qui ne l'écrit pas (commune d'un quartier, statut
  de QPV, regroupement) ;
- « simulé » : valeur inventée pour éprouver une règle (une case vide qui imite le secret statistique) : ni publiée
  par le rapport, ni produite par l'INSEE ;
- « approximatif » : le rapport ne donne qu'un ordre de grandeur (« près de », « environ »).

Dans une phrase, une valeur qui n'est pas « publiée » porte une marque visible (:func:`marquer` : « 36 299* »,
« Saint-Omer (supposé) ») reliée à une légende (:func:`legende`), donnée une fois par section. Dans un tableau :
une colonne « Provenance » quand les provenances se mêlent, sinon une note « Provenance : … » (:func:`note`), reprise
en première ligne de la feuille Excel.

Module sans dépendance (chaînes seulement) : ``compute``, ``present`` et ``narration`` s'en servent.
"""

from __future__ import annotations

PUBLIE = "publié"
RECU = "reçu"
RECALCULE = "recalculé"
RECONSTRUIT = "reconstruit"
SUPPOSE = "supposé"
SIMULE = "simulé"
APPROXIMATIF = "approximatif"

#: une valeur qu'aucun rapport ni fichier reçu ne donne (case d'un tableau, valeur d'un niveau)
NON_PUBLIE = "non publié"

#: Le vocabulaire, du plus sûr au moins sûr : une valeur calculée à partir de plusieurs valeurs prend la provenance
#: la moins sûre (:func:`combiner`).
VOCABULAIRE = (PUBLIE, RECU, RECALCULE, APPROXIMATIF, SUPPOSE, RECONSTRUIT, SIMULE)

DEFINITIONS = {
    PUBLIE: "valeur publiée par le rapport (ou imposée par ses chiffres)",
    RECU: "valeur reçue, lue telle quelle dans le fichier nommé",
    RECALCULE: "valeur calculée par le code à partir des valeurs publiées ou reçues",
    APPROXIMATIF: "le rapport n'en donne qu'un ordre de grandeur (« près de », « environ »)",
    SUPPOSE: "identité ou attribut déduit du texte du rapport, qui ne l'écrit pas",
    RECONSTRUIT: "valeur reconstruite, non publiée par le rapport (choisie pour redonner les totaux et moyennes "
    "publiés ; règle dans data/raw/README.md), ou calculée à partir de telles valeurs",
    SIMULE: "valeur simulée pour éprouver une règle (secret statistique simulé) : ni publiée par le rapport, ni "
    "produite par l'INSEE",
}

#: Marque d'une valeur dans une phrase ou une cellule (texte brut). L'astérisque, fréquent, est court ; les autres
#: provenances, rares, sont écrites en toutes lettres.
MARQUES = {
    PUBLIE: "",
    RECU: "",
    RECALCULE: "",
    RECONSTRUIT: "*",
    SUPPOSE: " (supposé)",
    SIMULE: " (simulé)",
    APPROXIMATIF: " (approximatif)",
}

#: Légende de l'astérisque, une fois par section.
LEGENDE_RECONSTRUIT = (
    "* valeur reconstruite, non publiée par le rapport (ou calculée à partir de valeurs "
    "reconstruites) : règle dans data/raw/README.md"
)


def normaliser(provenance) -> str | None:
    """La provenance dans le vocabulaire (« Publié » -> « publié ») ; ``None`` pour ce qui n'est pas une provenance
    de valeur (case vide, « secret statistique », « non disponible », « non publié »)."""
    if not isinstance(provenance, str):
        return None
    p = provenance.strip().lower()
    return p if p in VOCABULAIRE else None


def combiner(*provenances) -> str:
    """Provenance d'une valeur calculée à partir d'autres (somme, moyenne, part, écart) : la moins sûre
    (:data:`VOCABULAIRE`), « publié » si aucune n'est connue. Accepte des chaînes ou des itérables de chaînes."""
    rang = 0
    for p in provenances:
        for x in [p] if isinstance(p, str) or p is None else p:
            n = normaliser(x)
            if n is not None:
                rang = max(rang, VOCABULAIRE.index(n))
    return VOCABULAIRE[rang]


def marque(provenance, markdown: bool = False) -> str:
    """La marque d'une provenance (« » pour « publié » ou une provenance inconnue) ; ``markdown`` : astérisque échappé
    (« \\* »), pour un paragraphe Markdown."""
    m = MARQUES.get(normaliser(provenance) or PUBLIE, "")
    return m.replace("*", "\\*") if markdown else m


def marquer(texte: str, provenance, markdown: bool = False) -> str:
    """« 36 299 » + « reconstruit » -> « 36 299* » ; texte inchangé pour une valeur publiée."""
    return f"{texte}{marque(provenance, markdown)}"


def est_marque(texte: str) -> bool:
    """Le texte porte-t-il une marque de provenance (astérisque ou provenance en toutes lettres) ?"""
    return "*" in texte or any(m and m.strip() in texte for m in MARQUES.values())


def legende(textes, markdown: bool = False) -> str:
    """La légende des marques employées dans ``textes`` (une chaîne ou une liste) ; « » si aucune. Seul l'astérisque
    a besoin d'une légende (les autres marques sont en toutes lettres)."""
    tout = textes if isinstance(textes, str) else "\n".join(t for t in textes if t)
    employe = "\\*" in tout if markdown else "*" in tout.replace("**", "")
    if not employe:
        return ""
    return "\\" + LEGENDE_RECONSTRUIT + "." if markdown else LEGENDE_RECONSTRUIT + "."


def note(provenance, precision: str = "", source: str | None = None) -> str:
    """Note d'un tableau (ou première ligne d'une feuille Excel) dont toutes les valeurs ont la même provenance :
    « Provenance : reconstruit — valeur reconstruite, non publiée… ». ``precision`` : ce que la note ajoute ;
    ``source`` : le fichier reçu (ou le rapport) d'où viennent les valeurs, nommé dans la note
    (« Provenance : reçu — valeur reçue, lue telle quelle dans le fichier nommé (data/raw/2031/insee_qpv.csv) »)."""
    p = normaliser(provenance) or PUBLIE
    definition = DEFINITIONS[p] + (f" ({source})" if source else "")
    return f"Provenance : {p} — {definition}" + (f". {precision}" if precision else ".")


#: Début de la note de provenance d'un tableau, de la première ligne d'une feuille Excel.
DEBUT_NOTE = "Provenance : "
