"""Les titres et paragraphes d'ouverture des sections des chapitres de la programmation (20, 30, 40), en deux
versions : celle de l'année d'un rapport publié, qui dit quelle partie du rapport la section reprend et ce que le
rapport publie ou contredit ; celle d'un territoire qui n'a que ses fichiers reçus, qui ne parle d'aucun rapport.

Le territoire y est nommé selon sa nature (``{le}``, ``{de}``, ``{a}`` : « l'agglomération », « de la métropole »,
« au département ») ; les contrats de ville au singulier pour un EPCI (``{contrat}``). Un notebook montre une
section par ``ctx.md(sections.texte("20.intercommunal", ctx.a_des_chiffres_publies, ctx.designation))``.
"""

from __future__ import annotations

from politique_ville.reference.designation import Designation, contrats_de_ville

#: clé -> (version de l'année d'un rapport publié, version sans rapport) ; None : la même pour les deux
TEXTES: dict[str, tuple[str, str | None]] = {
    "20.introduction": (
        "Chapitre 2 du rapport : la programmation de l'année (projets, financements, porteurs), les actions "
        "intercommunales animées par {le}, ses fonds d'aide aux projets des quartiers et les programmes connexes "
        "(ITI, abattement de TFPB, NPNRU). Chaque chiffre est recalculé à partir des tables nettoyées. Quand le "
        "rapport publié se contredit, les deux chiffres sont montrés côte à côte et l'écart est expliqué. Les "
        "montants par action ou par porteur, que le rapport ne publie pas, sont reconstruits : ils sont signalés "
        "comme tels partout où ils apparaissent.",
        "La programmation de l'année (projets, financements, porteurs), les actions intercommunales animées par "
        "{le}, ses fonds d'aide aux projets des quartiers et les programmes connexes (ITI, abattement de TFPB, "
        "NPNRU), à partir des fichiers reçus. Chaque chiffre est calculé à partir des tables nettoyées ; les "
        "montants reçus sont dits « reçu », les totaux qui en sont tirés « calculé ».",
    ),
    "20.programmation": (
        "## 2.1 La programmation – actions et contributions financières des partenaires",
        "## La programmation – actions et contributions financières des partenaires",
    ),
    "20.projets": (
        "### Projets déposés et projets retenus\n\n"
        "Le rapport annonce des projets « déposés » (tableaux des porteurs) et des projets « retenus ». Il donne "
        "lui-même deux nombres différents de projets retenus dans la même section. La programmation détaillée "
        "(listes d'actions du chapitre 3 et grille de l'annexe) en compte un troisième.",
        "### Projets déposés et projets retenus\n\n"
        "Les tableaux des porteurs comptent les projets « déposés » ; la programmation, les projets retenus.",
    ),
    "20.cget": (
        "### Les contributions des financements CGET par thématique\n\n"
        "La répartition suit celle du rapport : la cohésion sociale (pilier entier), dont la réussite éducative "
        "(programmes de réussite éducative, sous-priorité « Réussite éducative » de la feuille de route), l'emploi "
        "et le développement économique (thématiques du pilier emploi), le cadre de vie et le pilotage.",
        "### Les contributions des financements de l'État (crédits spécifiques) par thématique\n\n"
        "Par pilier : la cohésion sociale (pilier entier), dont la réussite éducative (programmes de réussite "
        "éducative, sous-priorité « Réussite éducative » de la feuille de route), l'emploi et le développement "
        "économique (thématiques du pilier emploi), le cadre de vie et le pilotage.",
    ),
    "20.porteurs": (
        "### Les porteurs de projets\n\n"
        "Les deux tableaux du rapport, « Les Associations » et « Les Institutions », donnent pour chaque porteur le "
        "nombre de projets **déposés**, et dans leurs en-têtes les montants CGET attribués et les dépenses "
        "subventionnables.",
        "### Les porteurs de projets\n\n"
        "Les deux tableaux des porteurs, associations et institutions, donnent pour chaque porteur le nombre de "
        "projets **déposés**, les montants de l'État attribués et les dépenses subventionnables.",
    ),
    "20.intercommunal": (
        "## 2.2 Les actions de dimension intercommunale portées, coordonnées ou animées par {le}\n\n"
        "Les indicateurs publiés pour chaque action, par année. Une valeur écrite de façon approximative par le "
        "rapport (« une vingtaine », « la cinquantaine ») est lue comme un nombre rond et marquée « ≈ ».",
        "## Les actions de dimension intercommunale portées, coordonnées ou animées par {le}\n\n"
        "Les indicateurs reçus pour chaque action, par année. Une valeur écrite de façon approximative (« une "
        "vingtaine », « la cinquantaine ») est lue comme un nombre rond et marquée « ≈ ».",
    ),
    "20.soutien": (
        "## 2.3 Un soutien de {le} aux projets dans les quartiers\n\n"
        "Le Fonds de Cohésion Sociale (actions de fonctionnement) est présenté en 2.1 ci-dessus. Les fonds de "
        "concours financent les projets d'équipement et d'aménagement des communes.\n\n"
        "### Les fonds de concours « Politique de la Ville »",
        "## Un soutien de {le} aux projets dans les quartiers\n\n"
        "Le Fonds de Cohésion Sociale (actions de fonctionnement) est présenté avec la programmation ci-dessus. Les "
        "fonds de concours financent les projets d'équipement et d'aménagement des communes.\n\n"
        "### Les fonds de concours « politique de la ville »",
    ),
    "20.connexes": (
        "## 2.4 Les programmes connexes contribuant au contrat de ville\n\n### 2.4.1 L'ITI – Investissement Territorial "
        "Intégré",
        "## Les programmes connexes contribuant {au_contrat}\n\n### L'ITI – Investissement Territorial Intégré",
    ),
    "20.tfpb": (
        "### 2.4.2 L'abattement de TFPB sur le patrimoine des bailleurs sociaux\n\n"
        "Avenants aux conventions d'abattement et nouvelles conventions, par bailleur et par quartier. Les noms de "
        "quartier sont écrits différemment selon les bailleurs ; ils sont rapprochés sans tenir compte de la casse ni "
        "des tirets, et les graphies du rapport sont gardées.",
        "### L'abattement de TFPB sur le patrimoine des bailleurs sociaux\n\n"
        "Avenants aux conventions d'abattement et nouvelles conventions, par bailleur et par quartier. Les noms de "
        "quartier sont écrits différemment selon les bailleurs ; ils sont rapprochés sans tenir compte de la casse ni "
        "des tirets, et les graphies reçues sont gardées.",
    ),
    "20.npnru": (
        "### 2.4.3 Le NPNRU – Nouveau Programme National de Renouvellement Urbain",
        "### Le NPNRU – Nouveau Programme National de Renouvellement Urbain",
    ),
    "30.introduction": (
        "Ce chapitre reprend la partie 3 du rapport. Pour chacun des trois piliers {du_contrat} (3.1 Emploi – "
        "développement économique, 3.2 Cohésion sociale, 3.3 Cadre de vie – renouvellement urbain), il présente les "
        "priorités de la feuille de route, le tableau du rapport (projets soutenus, porteurs de projets, subventions "
        "de droit commun, subventions de crédits spécifiques Politique de la Ville) recalculé à partir de la "
        "programmation, puis les actions soutenues, rangées par priorité et sous-priorité. Une dernière partie compare "
        "les thématiques : effet levier du droit commun et montant moyen par projet.",
        "Pour chacun des trois piliers {du_contrat} (emploi et développement économique, cohésion sociale, cadre de "
        "vie et renouvellement urbain) : les priorités de la feuille de route, le tableau du pilier (projets "
        "soutenus, porteurs de projets, subventions de droit commun, crédits spécifiques de la politique de la ville) "
        "calculé à partir de la programmation reçue, puis les actions soutenues, rangées par priorité et "
        "sous-priorité. Une dernière partie compare les thématiques : effet levier du droit commun et montant moyen "
        "par projet.",
    ),
    "30.emploi": (
        "## 3.1 Pilier Emploi – Développement économique\n\n"
        "Ce pilier vise à réduire les écarts de taux d'emploi entre les quartiers prioritaires et le reste du "
        "territoire, en particulier au bénéfice des jeunes et des femmes. Les intitulés des priorités sont ceux de la "
        "grille de la feuille de route (annexe 1) ; le texte du rapport en résume parfois certains autrement.",
        "## Pilier Emploi – Développement économique\n\n"
        "Ce pilier vise à réduire les écarts de taux d'emploi entre les quartiers prioritaires et le reste du "
        "territoire, en particulier au bénéfice des jeunes et des femmes. Les intitulés des priorités sont ceux de la "
        "feuille de route.",
    ),
    "30.cohesion": (
        "## 3.2 Pilier Cohésion sociale\n\n" + "{cohesion}",
        "## Pilier Cohésion sociale\n\n" + "{cohesion}",
    ),
    "30.thematiques": (
        "### Les tableaux par thématique\n\n"
        "Le rapport publie un tableau par thématique ; leur somme redonne exactement le tableau du pilier pour les "
        "projets et les montants. Les porteurs, eux, ne s'additionnent pas (un porteur peut agir dans plusieurs "
        "thématiques). Suivent, pour chaque thématique, le tableau du rapport résumé en une phrase, l'explication des "
        "écarts éventuels, puis les actions rangées par priorité et sous-priorité, avec leur porteur et leur(s) "
        "commune(s).",
        "### Les tableaux par thématique\n\n"
        "Un tableau par thématique ; leur somme redonne le tableau du pilier pour les projets et les montants. Les "
        "porteurs, eux, ne s'additionnent pas (un porteur peut agir dans plusieurs thématiques). Suivent, pour chaque "
        "thématique, son tableau résumé en une phrase, puis les actions rangées par priorité et sous-priorité, avec "
        "leur porteur et leur(s) commune(s).",
    ),
    "30.cadre_de_vie": (
        "## 3.3 Pilier Cadre de vie – Renouvellement urbain\n\n" + "{cadre_de_vie}",
        "## Pilier Cadre de vie – Renouvellement urbain\n\n" + "{cadre_de_vie}",
    ),
    "30.comparaison": (
        "## Comparaison des thématiques : droit commun, crédits spécifiques et effet levier\n\n"
        "Chaque tableau publié du chapitre 3 côte à côte : les neuf thématiques de la cohésion sociale et les deux "
        "autres piliers, que le rapport ne détaille pas par thématique. **Effet levier** : euros de subventions de "
        "droit commun mobilisés pour 1 € de crédits spécifiques Politique de la Ville (droit commun ÷ crédits "
        "spécifiques). **Montant moyen par projet** : (droit commun + crédits spécifiques) ÷ projets soutenus. Ces "
        "ratios ne reposent que sur des totaux publiés.",
        "## Comparaison des thématiques : droit commun, crédits spécifiques et effet levier\n\n"
        "Les tableaux du chapitre côte à côte : les thématiques de la cohésion sociale et les deux autres piliers. "
        "**Effet levier** : euros de subventions de droit commun mobilisés pour 1 € de crédits spécifiques de la "
        "politique de la ville (droit commun ÷ crédits spécifiques). **Montant moyen par projet** : (droit commun + "
        "crédits spécifiques) ÷ projets soutenus. Ces ratios sont calculés à partir des totaux de la programmation "
        "reçue.",
    ),
    "30.besoins": (
        "## Les besoins face aux moyens, par quartier\n\n"
        "L'argent de la programmation va-t-il là où sont les besoins ? Pour chaque quartier prioritaire : les crédits "
        "spécifiques et le financement total (crédits spécifiques + droit commun) des actions qui lui sont "
        "rattachées, rapportés à ses habitants et à ses demandeurs d'emploi, et le nombre d'actions pour 1 000 "
        "habitants, face à son taux de pauvreté (quand le fichier des quartiers le donne) et à son taux d'emploi. Le "
        "rapport publié ne fait pas cette comparaison : tout ici est calculé par le pipeline.",
        "## Les besoins face aux moyens, par quartier\n\n"
        "L'argent de la programmation va-t-il là où sont les besoins ? Pour chaque quartier prioritaire : les crédits "
        "spécifiques et le financement total (crédits spécifiques + droit commun) des actions qui lui sont "
        "rattachées, rapportés à ses habitants et à ses demandeurs d'emploi, et le nombre d'actions pour 1 000 "
        "habitants, face à son taux de pauvreté (quand le fichier des quartiers le donne) et à son taux d'emploi. "
        "Tout ici est calculé par le pipeline.",
    ),
    "40.introduction": (
        "La grille de l'annexe 1 du rapport répartit les actions de la programmation entre les priorités de la "
        "feuille de route {du_contrat} et leurs sous-priorités. Elle est reconstruite ici à partir de la "
        "programmation : chaque action est placée **une seule fois**, dans sa sous-priorité ; à défaut dans sa "
        "priorité (ligne « sans sous-priorité ») ; à défaut dans une ligne « Hors priorités » de sa thématique. "
        "Aucune action n'est écartée.\n\n"
        "Quand la grille publiée cite une même action sous deux sous-priorités, l'action est placée dans la "
        "sous-priorité où la range le chapitre 3 (voir `data/raw/README.md`). Les sous-priorités des actions du "
        "pilier Emploi sont déduites de l'ordre des colonnes de la grille publiée.",
        "La grille répartit les actions de la programmation entre les priorités de la feuille de route "
        "{du_contrat} et leurs sous-priorités : chaque action est placée **une seule fois**, dans sa sous-priorité ; "
        "à défaut dans sa priorité (ligne « sans sous-priorité ») ; à défaut dans une ligne « Hors priorités » de sa "
        "thématique. Aucune action n'est écartée.",
    ),
    "20.note_cget_actions": (
        "Crédits CGET des actions retenues : somme de montants par action RECONSTRUITS (non publiés) ; ils dépendent "
        "de la règle de répartition.",
        "Crédits de l'État des actions retenues : somme des montants par action reçus.",
    ),
    "20.note_types": (
        "Crédits CGET par type de porteur : sommes de montants par action reconstruits (sauf mention « publié »).",
        "Crédits de l'État par type de porteur : sommes des montants par action reçus.",
    ),
    "20.note_approx": (
        "Valeur approximative : le rapport écrit « une vingtaine » ou « la cinquantaine » ; la valeur est lue comme "
        "20 ou 50.",
        "Valeur approximative : « une vingtaine » ou « la cinquantaine » est lue comme 20 ou 50.",
    ),
    "20.note_fdc_total": (
        "Les lignes « TOTAL FDC » du rapport sont gardées pour ce contrôle et exclues des sommes.",
        "Les lignes de total du fichier reçu sont gardées pour ce contrôle et exclues des sommes.",
    ),
    "20.note_fdc_classique": (
        "Le rapport ne publie pas la règle chiffrée des fonds de concours « classiques » : la ligne n'est pas "
        "contrôlée.",
        "La règle chiffrée des fonds de concours « classiques » n'est pas connue : la ligne n'est pas contrôlée.",
    ),
    "20.note_feder": (
        "FEDER : seul le total est publié (ligne de total du rapport) ; « — » = non publié par projet ni par axe.",
        "FEDER : « — » = montant non reçu par projet ni par axe.",
    ),
}


#: les objectifs d'un pilier, les mêmes pour tout contrat de ville
OBJECTIFS = {
    "cohesion": "Ce pilier vise à répondre aux problématiques sociales que concentrent les quartiers prioritaires, en "
    "réduisant la pauvreté et en favorisant l'égalité des chances, avec une attention particulière aux jeunes et aux "
    "femmes : soutien à la construction éducative de l'enfant et du jeune, à la fonction parentale, à l'accès aux "
    "droits des habitants.",
    "cadre_de_vie": "Ce pilier vise à répondre aux problématiques de cadre de vie que connaissent les habitants des "
    "quartiers prioritaires : gestion des quartiers au quotidien, accompagnement des habitants dans la rénovation de "
    "leur quartier.",
}


def texte(cle: str, publie: bool, d: Designation | None = None, nb_contrats: int | None = None) -> str:
    """Le texte de la section ``cle`` : celui de l'année d'un rapport publié (``publie``) ou celui d'un territoire
    qui n'a que ses fichiers reçus ; le territoire nommé selon sa nature (``d``), le contrat de ville au singulier
    pour un EPCI, au pluriel sinon (``nb_contrats`` le précise)."""
    d = d or Designation()
    avec, sans = TEXTES[cle]
    modele = avec if publie or sans is None else sans
    n = nb_contrats if nb_contrats is not None else (1 if d.intercommunal else 2)
    contrat = contrats_de_ville(n)
    return modele.format(
        le=d.le,
        de=d.de,
        a=d.a,
        du_contrat=("du " if n <= 1 else "des ") + contrat.split(" ", 1)[1],
        au_contrat=("au " if n <= 1 else "aux ") + contrat.split(" ", 1)[1],
        **OBJECTIFS,
    )


def source(chapitre: str, annee: int, publie: bool) -> str:
    """Ligne de source des figures d'un chapitre de la programmation : la programmation de l'année, et la partie du
    rapport publié qu'elles reprennent quand il y en a un."""
    base = {
        "30": f"programmation {annee} (tables nettoyées)",
        "40": f"programmation {annee} et feuille de route (tables nettoyées)",
    }[chapitre]
    partie = {"30": "tableaux du chapitre 3", "40": "annexe 1"}[chapitre]
    return f"{base} ; {partie} du rapport {annee}" if publie else base


def source_figure(du_rapport: str, annee: int, publie: bool) -> str:
    """Ligne de source d'une figure de la programmation : celle qui cite le rapport publié (``du_rapport``), ou, sans
    rapport, la programmation reçue de l'année."""
    return du_rapport if publie else f"programmation {annee} (fichiers reçus, valeurs calculées)"
