"""Les niveaux de comparaison calculés à partir du fichier de l'INSEE (:func:`origine_des_niveaux`), et la section
« Tous les indicateurs du fichier, par thème » (:func:`tous_les_indicateurs`, sens des rangs, colonnes non reconnues,
notes de ses tableaux)."""

from __future__ import annotations

from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.formats import accord

from .briques import (
    _liste,
    _majuscule,
    e,
)
from .faits import Faits

# --------------------------------------------------------------------------------------------- niveaux calculés


def a_des_niveaux_calcules(f: Faits) -> bool:
    """Des niveaux de comparaison sont-ils calculés à partir du fichier de l'INSEE (``insee_niveaux``) ?"""
    return f.niveaux is not None and not f.niveaux.empty and bool((f.niveaux["origine"] != cn.RECU).any())


def origine_des_niveaux(f: Faits) -> str:
    """Quels niveaux de comparaison sont calculés à partir du fichier de l'INSEE, lesquels sont reçus
    (``insee_references``), et comment un niveau est calculé ; « » sans niveau calculé."""
    if not a_des_niveaux_calcules(f):
        return ""
    n = f.niveaux
    calcules = n[n["origine"] != cn.RECU]
    libelles = (
        calcules.dropna(subset=["libelle_territoire"]).groupby("niveau", sort=False)["libelle_territoire"].first()
    )
    noms = [f"« {e(str(libelles.get(x, x)))} »" for x in dict.fromkeys(calcules["niveau"])]
    recus = [x for x in dict.fromkeys(n.loc[n["origine"] == cn.RECU, "niveau"])]
    un = len(noms) == 1
    texte = (
        f"**Niveaux de comparaison calculés.** Le fichier de l'INSEE couvre davantage que le territoire : "
        f"{'le niveau' if un else 'les niveaux'} {_liste(noms)} {'est calculé' if un else 'sont calculés'} à "
        f"partir de ses quartiers, selon la règle de chaque indicateur (registre des indicateurs) : effectifs "
        f"additionnés et parts recalculées par numérateur et dénominateur (« calculé ») ; à défaut, moyenne des "
        f"QPV pondérée par la base de l'indicateur (« approximation pondérée ») ; médianes et déciles jamais "
        f"moyennés : médiane des valeurs des QPV, avec leur étendue (« médiane des QPV »). Les valeurs couvertes "
        f"par le secret statistique sont laissées de côté et comptées."
    )
    if recus:
        texte += (
            f" {_majuscule(_liste([f'« {e(x)} »' for x in recus]))} : valeurs reçues (fichier des niveaux de "
            f"comparaison `insee_references`) ; une valeur reçue l'emporte toujours sur une valeur calculée."
        )
    else:
        texte += (
            f" Aucun niveau de comparaison n'a été reçu (`insee_references`) : les valeurs {f.d.de} restent "
            f"« {f.manquant} »."
        )
    return texte + (
        " La colonne « Origine du niveau » des tableaux de comparaison dit, pour chaque valeur, si elle "
        "est reçue ou calculée."
    )


# --------------------------------------------------------------------------------------------- tous les indicateurs


LIENS_REGISTRE = "`data/reference/indicateurs_qpv.csv`"


def sens_des_rangs(codes) -> str:
    """Le sens du rang 1 pour les indicateurs ``codes``, selon le registre (``defavorable_si_eleve``) : « Rang 1 =
    situation la plus défavorable : valeur la plus élevée pour A ; la plus faible pour B. » et, pour un indicateur
    ni favorable ni défavorable, « rang 1 = valeur la plus élevée, sans jugement ». Texte brut (note de tableau,
    échappée à l'affichage)."""
    groupes = {"eleve": [], "faible": [], "neutre": []}
    for c in codes:
        i = cq.indicateur(c)
        cle = "neutre" if i.defavorable_si_eleve is None else "eleve" if i.defavorable_si_eleve else "faible"
        groupes[cle].append(i.court)
    morceaux = []
    if groupes["eleve"]:
        morceaux.append(f"valeur la plus élevée pour {_liste(groupes['eleve'])}")
    if groupes["faible"]:
        morceaux.append(f"valeur la plus faible pour {_liste(groupes['faible'])}")
    texte = ("Rang 1 = situation la plus défavorable : " + " ; ".join(morceaux) + ".") if morceaux else ""
    if groupes["neutre"]:
        texte += (
            (" " if texte else "") + f"Ni favorable ni défavorable, sans jugement : rang 1 = valeur la plus "
            f"élevée pour {_liste(groupes['neutre'])}."
        )
    return (
        texte + " Ex aequo à la précision affichée ; une valeur couverte par le secret statistique n'est pas classée."
    )


def colonnes_non_reconnues(colonnes: list[str]) -> str:
    """Les colonnes du fichier que le registre ne connaît pas, listées (jamais écartées en silence)."""
    if not colonnes:
        return (
            f"Toutes les colonnes d'indicateurs du fichier sont connues du registre des indicateurs ({LIENS_REGISTRE})."
        )
    un = len(colonnes) == 1
    noms = _liste([f"« {e(c)} »" for c in colonnes])
    return (
        f"**{accord(len(colonnes), 'colonne non reconnue', 'colonnes non reconnues')}** : {noms}. Le registre des "
        f"indicateurs ({LIENS_REGISTRE}) ne {'la' if un else 'les'} connaît pas : "
        f"{'elle est gardée telle quelle' if un else 'elles sont gardées telles quelles'} dans la table nettoyée et "
        f"{'montrée' if un else 'montrées'} en fin de section, sans unité, rang ni comparaison."
    )


def tous_les_indicateurs(f: Faits) -> list[str]:
    """Introduction de la section « Tous les indicateurs du fichier, par thème » : combien d'indicateurs, par
    thème ; sens des rangs ; niveaux de comparaison (QPV du territoire, reçus, calculés) ; colonnes non reconnues."""
    groupes = cq.indicateurs_par_theme(f.qpv)
    n = sum(len(c) for c in groupes.values())
    detail = ", ".join(f"{t.lower()} ({len(c)})" for t, c in groupes.items())
    sortie = [
        f"Le fichier de l'INSEE de {f.annee} compte **{accord(n, 'indicateur connu', 'indicateurs connus')} du "
        f"registre des indicateurs**, en {accord(len(groupes), 'thème')} : {e(detail)}. Pour chaque thème : les "
        f"niveaux de comparaison et l'origine de chacun, les valeurs par QPV (à la précision du registre, unité dans "
        f"l'en-tête), le rang des QPV et leurs écarts à chaque niveau.",
        "Rang 1 = situation la plus défavorable, selon le sens que le registre donne à chaque indicateur : valeur la "
        "plus élevée quand une valeur élevée est défavorable (taux de pauvreté, par exemple), la plus faible quand elle "
        "est favorable (taux d'emploi, revenu) ; un indicateur ni favorable ni défavorable (population, indice de "
        "jeunesse) est classé sans jugement, rang 1 = valeur la plus élevée. Le sens est rappelé dans l'en-tête de "
        "chaque colonne de rangs.",
        f"Niveaux de comparaison : « {cq.NIVEAU_QPV_TERRITOIRE} » (les QPV du territoire, agrégés selon la règle de "
        f"chaque indicateur : une médiane n'est jamais moyennée) et "
        + (
            "les niveaux reçus ou calculés (voir ci-dessous)."
            if a_des_niveaux_calcules(f)
            else "les niveaux reçus (`insee_references`)."
            if not f.sans_comparaison
            else "aucun autre : aucun niveau de comparaison n'a été reçu ni calculé."
        ),
        origine_des_niveaux(f),
        colonnes_non_reconnues(cq.colonnes_inconnues(f.qpv)),
    ]
    return [p for p in sortie if p]


def titre_theme(theme: cq.Theme) -> str:
    return f"### {theme.nom} : tous les indicateurs"


NOTE_NIVEAUX_THEME = (
    "Origine du niveau : « reçu » (fichier des niveaux de comparaison), « calculé » (à partir du "
    "fichier de l'INSEE : somme, part recalculée, moyenne pondérée exacte), « approximation "
    "pondérée » (moyenne des QPV pondérée par une base qui n'est pas le dénominateur exact), "
    "« médiane des QPV » (médiane des valeurs des QPV, suivie de leur minimum et maximum : une "
    "médiane ne se moyenne pas). Valeurs manquantes : QPV au secret statistique ou non "
    "renseignés, laissés de côté."
)


def provenance_niveau(f: Faits, code: str, niveau: str) -> str:
    """Provenance d'une valeur de comparaison : celle des valeurs des QPV (et de leur base) pour les « QPV du
    territoire », celle de ``insee_references`` pour un niveau reçu (« publié » pour un niveau calculé à partir du
    fichier de l'INSEE, dont les valeurs ne sont pas listées)."""
    if niveau == cq.NIVEAU_QPV_TERRITOIRE:
        return f.p_moyenne(code)
    return f.p_ref(niveau, code)


NOTE_INCONNUES = (
    "Colonnes gardées telles qu'elles sont lues dans le fichier : le registre des indicateurs ne leur "
    "donne ni libellé, ni unité, ni sens, ni règle d'agrégation."
)
