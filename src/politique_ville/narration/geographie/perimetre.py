"""La géographie prioritaire : ce qu'il faut savoir avant de lire (:func:`avertissements`), les QPV, leurs communes et
leur population (:func:`geographie_prioritaire`, :func:`population_officielle`), les quartiers communautaires et de
veille, les identités supposées ; les notes des chiffres clés et des tableaux des quartiers."""

from __future__ import annotations

import pandas as pd

from politique_ville.compute import qpv as cq
from politique_ville.formats import accord, nombre_fr, pourcent
from politique_ville.reference import provenance as pv
from politique_ville.reference.designation import contrats_de_ville

from .briques import (
    _connu,
    _majuscule,
    avec_legende,
    e,
    nombre,
    note_reconstruit,
    part,
    publie,
    si_reconstruit,
)
from .faits import Faits
from .niveaux import (
    origine_des_niveaux,
)


def avertissements(f: Faits) -> list[str]:
    """Ce qu'il faut savoir avant de lire : valeurs reconstruites, niveaux de comparaison absents, indicateurs
    absents du fichier de l'année."""
    sortie = []
    if f.reconstruit:
        sortie.append(
            "**À lire avant les tableaux par quartier.** Le rapport ne publie que des moyennes et quelques valeurs de"
            " quartiers : les valeurs par quartier sont **reconstruites** (règle décrite dans `data/raw/README.md`) "
            "de façon à redonner exactement les moyennes et les valeurs publiées. Chaque tableau par quartier porte "
            "une colonne « Provenance » (ou une note « Provenance : » quand toutes ses valeurs ont la même) ; chaque "
            "figure par quartier le rappelle. Les moyennes des QPV, elles, concordent avec le rapport. Dans le texte, "
            "un nombre reconstruit, ou calculé à partir de valeurs reconstruites, porte un astérisque (« 36 299\\* ») ; "
            "un classement des quartiers n'est pas publié par le rapport : il est écrit « parmi les valeurs "
            "reconstruites »."
        )
    simules = sorted({c for c, v in (f.prov or {}) if f.p_qpv(c, v) == pv.SIMULE})
    if simules:
        noms = ", ".join(
            e(cq.nom_quartier(c, f.qpv.set_index("code_qp").at[c, "nom_qp"]))
            for c in simules
            if c in set(f.qpv["code_qp"])
        )
        n = sum(1 for c, v in (f.prov or {}) if f.p_qpv(c, v) == pv.SIMULE)
        sortie.append(
            f"**Secret statistique simulé.** {accord(n, 'case vide', 'cases vides')} ({noms}) "
            f"{'imite' if n == 1 else 'imitent'} le secret statistique pour éprouver la règle (valeur absente : jamais 0, "
            f"ni moyenne ni rang) : le rapport ne publie pas {'cette valeur' if n == 1 else 'ces valeurs'} et ne parle "
            f"d'aucun secret ; ce n'est pas l'INSEE qui {'l’a masquée' if n == 1 else 'les a masquées'} (provenance "
            f"« simulé »)."
        )
    supposes = [c for c in f.quartiers["code_qp"] if f.supposes(c)]
    if supposes:
        sortie.append(
            f"**Identités supposées.** Pour {accord(len(supposes), 'quartier')}, le rapport n'écrit pas le statut, la "
            f"commune ou l'année : {'elle est déduite' if len(supposes) == 1 else 'elles sont déduites'} de son texte "
            f"(conseils citoyens, conventions de TFPB, quartiers cités comme voisins) et marquées « (supposé) » dans "
            f"les tableaux et les fiches (voir « Identités supposées » ci-dessous)."
        )
    if f.sans_comparaison:
        sortie.append(
            f"**Aucun niveau de comparaison.** Aucun fichier de niveaux de comparaison (`insee_references` : "
            f"{f.d.le}, QPV du département) n'a été reçu pour {f.annee}, et le fichier de l'INSEE ne couvre que le "
            f"territoire : les quartiers sont comparés entre eux et au niveau des QPV du territoire ; les colonnes "
            f"de comparaison indiquent « {f.manquant} »."
        )
    sortie.append(origine_des_niveaux(f))
    absents = [i.libelle for i in cq.INDICATEURS if i.code not in f.qpv.columns]
    if absents:
        # la liste (longue : le registre connaît toutes les variables de l'INSEE) est repliée, le nombre est dit
        sortie.append(
            f"<details><summary>{accord(len(absents), 'indicateur du registre absent', 'indicateurs du registre absents')}"
            f" du fichier INSEE de {f.annee} (facultatifs), non traités dans ce chapitre : voir la liste</summary>\n\n"
            f"{e(', '.join(absents))}.\n\n</details>"
        )
    return [p for p in sortie if p]


def _population(f: Faits) -> str:
    g = f.geo
    ils = "Il compte" if g["nb_qpv"] == 1 else "Ils comptent"
    p_pop, p_agglo, p_part = f.p_qpv_tous("pop_mun"), f.p_ref(cq.NIVEAU_AGGLO, "pop_mun"), f.p_part("pop_mun")
    if _connu(g["pop_agglomeration"]):
        pub = publie("pop_mun", f.publies, False)
        return (
            f"{ils} {nombre(g['pop_qpv'], p_pop)} habitants sur {nombre(g['pop_agglomeration'], p_agglo)} : "
            f"c'est **{pourcent(g['part_population_qpv'], 0)} de la population du territoire**"
            f"{pv.marque(p_part, markdown=True)} ({part(g['part_population_qpv'], p_part, 2)}"
            f"{f' ; {pub}' if pub else ''}) qui est concernée directement par la politique de la ville."
        )
    if not f.a_un_rapport:  # la population officielle (COG) est donnée juste après, avec l'ordre de grandeur
        return f"{ils} {nombre(g['pop_qpv'], p_pop)} habitants."
    return (
        f"{ils} {nombre(g['pop_qpv'], p_pop)} habitants. La population de l'ensemble du territoire n'est pas "
        f"publiée pour {f.annee} (niveau de comparaison non publié) : la part de la population concernée "
        f"directement par la politique de la ville ne peut pas être calculée à partir du fichier de l'INSEE."
    )


def population_officielle(f: Faits, officiel: dict | None) -> str:
    """La population du territoire retenue par le chapitre à côté de celle du Code officiel géographique (sortie de
    ``reference.population_publiee_et_cog`` : ``population_cog``, ``millesime_cog``, ``nb_communes``, ``ecart``).
    Elles diffèrent en général (millésime, périmètre) : la phrase le dit, et n'en corrige aucune. « » sans territoire
    désigné par son code."""
    if not officiel or not _connu(officiel.get("population_cog")):
        return ""
    cog = (
        f"le Code officiel géographique (extrait versionné du paquet `@etalab/decoupage-administratif`) compte "
        f"**{nombre_fr(officiel['population_cog'])} habitants** "
        + (
            "dans la seule commune du territoire"
            if officiel["nb_communes"] == 1
            else f"dans les {nombre_fr(officiel['nb_communes'])} communes actuelles du territoire"
        )
        + f" (populations municipales {officiel['millesime_cog']})"
    )
    retenue = officiel.get("population_publiee")
    if not _connu(retenue):
        texte = f"**Population du territoire.** Le fichier de l'INSEE ne la donne pas ; {cog}"
        pop_qpv = f.geo.get("pop_qpv") if f.geo is not None else None
        if _connu(pop_qpv) and officiel["population_cog"]:
            texte += (
                f" : les QPV en regroupent {nombre(pop_qpv, f.p_qpv_tous('pop_mun'))}, soit environ "
                f"{pourcent(100 * pop_qpv / officiel['population_cog'], 1)} (ordre de grandeur : les deux populations "
                f"ne sont pas du même millésime)"
            )
        return texte + "."
    p = f.p_ref(cq.NIVEAU_AGGLO, "pop_mun")
    origine = {
        pv.PUBLIE: "publiée par le rapport",
        pv.RECONSTRUIT: "reconstruite, non publiée par le rapport",
        pv.RECU: "reçue dans le fichier des niveaux de comparaison, insee_references",
        pv.RECALCULE: "recalculée",
    }.get(p, f"{p}, non publiée par le rapport")
    ecart = officiel["ecart"]
    if ecart == 0:
        suite = "les deux chiffres sont égaux."
    else:
        sens = "de plus" if ecart > 0 else "de moins"
        suite = (
            f"soit {nombre(abs(ecart), p)} habitants {sens} ({part(100 * abs(officiel['ecart_relatif']), p, 1)}). "
            f"L'écart tient au millésime et au périmètre ; aucun des deux chiffres n'est corrigé, et les parts de ce "
            f"chapitre restent calculées sur la population retenue."
        )
    return (
        f"**Population du territoire.** Le chapitre retient {nombre(retenue, p)} habitants ({origine}) ; {cog}, {suite}"
    )


def _multicommunes(n, supposes: int = 0) -> str:
    """``supposes`` : parmi les ``n``, regroupements de communes supposés (le rapport ne les écrit pas)."""
    if not n:
        return ""
    dont = ""
    if supposes:
        dont = (
            " (regroupement supposé : le rapport ne l'écrit pas)"
            if n == 1
            else f" (dont {accord(supposes, 'regroupement supposé', 'regroupements supposés')} : le rapport ne "
            f"{'l’écrit' if supposes == 1 else 'les écrit'} pas)"
        )
    if n == 1:
        return (
            f" 1 QPV s'étend sur plusieurs communes{dont} : il est rattaché à chacune d'elles dans les tableaux "
            "ci-dessous."
        )
    return (
        f" {nombre_fr(n)} QPV s'étendent sur plusieurs communes{dont} : ils sont rattachés à chacune d'elles dans "
        f"les tableaux ci-dessous."
    )


def identites_supposees(f: Faits) -> str:
    """Les identités et attributs supposés, quartier par quartier (« statut », « commune » : provenance « supposé ») ;
    « » s'il n'y en a aucun."""
    lignes = []
    for code, quartier, communes in zip(f.quartiers["code_qp"], f.quartiers["quartier"], f.quartiers["communes"]):
        attributs = f.supposes(code)
        if attributs:
            lignes.append(f"- {e(quartier)} ({e(communes)}) : {', '.join(attributs)} (supposé)")
    if not lignes:
        return ""
    return (
        "**Identités supposées** (déduites du texte du rapport, qui ne les écrit pas ; règle dans "
        "`data/raw/README.md`) :\n\n" + "\n".join(lignes)
    )


def _regroupements_supposes(f: Faits) -> int:
    qp = f.quartiers[f.quartiers["est_qpv"] & (f.quartiers["nb_communes"] > 1)]
    return sum(1 for c in qp["code_qp"] if f.p_qpv(c, "nom_commune") == pv.SUPPOSE)


def geographie_prioritaire(f: Faits) -> list[str]:
    """Les QPV (nombre, communes, population, QPV sur plusieurs communes), puis les quartiers communautaires et de
    veille associés par le territoire."""
    g = f.geo
    publiees = g["nb_communes_qpv_publie"]
    controle = (
        ""
        if not _connu(publiees) or publiees == g["nb_communes_qpv"]
        else f" **Attention : le rapport annonce {nombre_fr(publiees)} communes.**"
    )
    decret = f.quartiers.loc[f.quartiers["est_qpv"], "annee_reconnaissance"].min()
    territoire = f" ({e(f.territoire)})" if f.territoire else ""
    un = g["nb_qpv"] == 1
    qpv = "quartier prioritaire (QPV)**, réparti" if un else "quartiers prioritaires (QPV)**, répartis"
    sortie = [
        f"Les contours de la géographie prioritaire ont été arrêtés par décret"
        f"{'' if pd.isna(decret) else f' en {decret}'}. **{nombre_fr(g['nb_qpv'])} {qpv} sur "
        f"**{accord(g['nb_communes_qpv'], 'commune')}** {f.d.du_territoire}"
        f"{territoire}, "
        f"{'est concerné' if un else 'sont concernés'} par {contrats_de_ville(1 if f.d.intercommunal else 2)}."
        f"{controle} "
        f"{_population(f)}{_multicommunes(g['nb_qpv_multicommunes'], _regroupements_supposes(f))}"
    ]
    autres = f.autres
    if len(autres):
        premiere = g["annee_premiers_communautaires"]
        annees = pd.to_numeric(autres["annee_reconnaissance"], errors="coerce")
        suivants = (
            autres[(annees > premiere).fillna(False).to_numpy(dtype=bool)] if _connu(premiere) else autres.iloc[0:0]
        )
        texte_suivants = "".join(
            f" En {int(a)}, cette géographie {f.d.de} s'est élargie au quartier {e(q)} ({e(c)})."
            for a, q, c in zip(suivants["annee_reconnaissance"], suivants["quartier"], suivants["communes"])
        )
        quand = f"En {int(premiere)}, {f.d.le}" if _connu(premiere) else _majuscule(f.d.le)
        n_veille = g["nb_quartiers_veille"]
        dont = f" (dont {accord(n_veille, 'quartier de veille', 'quartiers de veille')})" if n_veille else ""
        n_premiers = g["nb_premiers_communautaires"] if _connu(premiere) else len(autres)
        sortie.append(
            f"{quand} a également associé à cette géographie "
            f"**{accord(n_premiers, 'quartier prioritaire communautaire', 'quartiers prioritaires communautaires')}**"
            f"{dont}, qu'{'il' if f.d.le.startswith('le ') else 'elle'} accompagne par ses dispositifs de droit commun "
            f"et ses crédits dédiés à la politique de la ville.{texte_suivants} Cette géographie {f.d.de} compte ainsi "
            f"{accord(g['nb_quartiers_agglomeration'], 'quartier communautaire ou de veille', 'quartiers communautaires ou de veille')}, "
            f"sur {accord(g['communes_quartiers_agglomeration'], 'commune')}{_communes_supposees(f)}. L'INSEE ne "
            f"publie pas de données pour ces quartiers, qui n'appartiennent pas à la géographie prioritaire "
            f"réglementaire."
        )
    sortie.append(identites_supposees(f))
    return avec_legende(sortie)


def _communes_supposees(f: Faits) -> str:
    n = sum(1 for c in f.autres["code_qp"] if f.p_qpv(c, "nom_commune") == pv.SUPPOSE)
    if not n:
        return ""
    return (
        f" (nombre supposé : la commune de {accord(n, 'quartier')} est déduite du texte, que le rapport ne précise pas)"
    )


def note_chiffres_cles(f: Faits) -> str | None:
    return si_reconstruit(
        f,
        f"Population des QPV : somme des populations par quartier (reconstruites) ; leur part "
        f"dans {f.d.le} concorde avec le chiffre publié.",
    ) or (
        "Population des QPV : somme des populations par quartier. « non publié » : population du territoire "
        "non fournie (niveau de comparaison non publié)."
        if f.sans_comparaison and f.a_un_rapport
        else "Population des QPV : somme des populations par quartier."
    )


def note_quartiers(f: Faits) -> str:
    return (
        ("Codes de quartier locaux (pas des codes INSEE). " if f.codes_locaux else "Codes de quartier de l'INSEE. ")
        + "Un quartier sur plusieurs communes les garde toutes. "
        + ("« n.d. » : l'INSEE ne couvre pas les quartiers communautaires et de veille. " if len(f.autres) else "")
        + (
            f"« {f.manquant} » : population du territoire non fournie. "
            if f.sans_comparaison and f.a_un_rapport
            else ""
        )
        + note_reconstruit(f)
    )


def note_population(f: Faits) -> str:
    return si_reconstruit(
        f,
        f"Populations par quartier reconstruites (data/raw/README.md) ; leur somme redonne la part "
        f"publiée de la population {f.d.de} vivant en QPV.",
    )


def fiches_produites(avec_fiche: int, total: int) -> str:
    """Phrase sous la liste des fiches quand seule une partie des quartiers a une fiche ; « » sinon."""
    if avec_fiche >= total:
        return ""
    return (
        f"Fiches produites pour {nombre_fr(avec_fiche)} quartier(s) sur {nombre_fr(total)} (paramètre "
        f"`fiches_quartier` du fichier de paramètres de l'année) ; les autres quartiers n'ont pas de fiche dans ce "
        f"rapport. Leurs indicateurs figurent dans les tableaux de ce chapitre et dans son classeur Excel."
    )
