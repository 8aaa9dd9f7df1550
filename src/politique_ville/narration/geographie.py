"""Chapitre 10 : les phrases de la géographie prioritaire et de la situation socio-économique des QPV.

Tout part de :func:`faits` (les tables nettoyées de l'INSEE et les chiffres publiés, résumés par
:mod:`politique_ville.compute.qpv`). Chaque fonction de section (:func:`demographie`, :func:`revenus`...) renvoie
ses paragraphes (Markdown), dans l'ordre où le chapitre les montre ; les notes de tableaux et de figures sont des
phrases simples. Chaque comparaison suit les données (:func:`compute.qpv.comparer` : plus, moins, égal, inconnu) :
aucune conclusion n'est écrite contre les chiffres, ni à propos d'un niveau de comparaison que le rapport ne publie
pas. Les noms de quartiers et de communes sont échappés (HTML) : le texte est affiché tel quel.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from ..compute import qpv as cq
from ..present import nombre_fr, pourcent
from ..present_qpv import formater

e = html.escape


def _connu(v) -> bool:
    try:
        return not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def accord(n, singulier: str, pluriel: str | None = None) -> str:
    """« 1 quartier », « 2 quartiers » : le nombre (à la française) et le mot accordé (pluriel : ``singulier + s``
    par défaut). 0 et 1 sont au singulier."""
    pluriel = pluriel if pluriel is not None else singulier + "s"
    return f"{nombre_fr(n)} {singulier if abs(float(n)) < 2 else pluriel}"


# --------------------------------------------------------------------------------------------- faits du chapitre

@dataclass(frozen=True, eq=False)
class Faits:
    """Ce que le chapitre raconte, calculé une fois (voir :func:`faits`)."""

    annee: int
    territoire: str
    qpv: pd.DataFrame
    qpv_communes: pd.DataFrame
    refs: pd.DataFrame | None
    manquantes: pd.DataFrame | None
    provenance: pd.DataFrame | None
    publies: dict
    geo: pd.Series            # compute.qpv.geographie, indexé par clé
    synth: pd.DataFrame       # compute.qpv.synthese, indexé par code
    parts: pd.DataFrame       # compute.qpv.parts_agglomeration, indexé par code
    quartiers: pd.DataFrame   # compute.qpv.quartiers
    reconstruit: bool         # valeurs par quartier reconstruites (transcription d'un rapport publié)
    sans_comparaison: bool    # aucun niveau de comparaison reçu (agglomération, département)
    codes_locaux: bool        # codes de quartier locaux (« LOC-... »), pas des codes INSEE

    @property
    def autres(self) -> pd.DataFrame:
        """Les quartiers communautaires et de veille."""
        return self.quartiers[~self.quartiers["est_qpv"]]


def faits(qpv: pd.DataFrame, qpv_communes: pd.DataFrame, refs: pd.DataFrame | None = None,
          manquantes: pd.DataFrame | None = None, provenance: pd.DataFrame | None = None,
          publies: dict | None = None, annee: int = 0, territoire: str = "") -> Faits:
    """Les faits du chapitre à partir des tables nettoyées (``insee_references`` et ``insee_provenance``
    facultatives) et des chiffres publiés (``compute.qpv.valeurs_publiees``)."""
    return Faits(
        annee=int(annee), territoire=territoire or "", qpv=qpv, qpv_communes=qpv_communes, refs=refs,
        manquantes=manquantes, provenance=provenance, publies=dict(publies or {}),
        geo=cq.geographie(qpv, qpv_communes, refs).set_index("cle")["valeur"],
        synth=cq.synthese(qpv, refs, manquantes).set_index("code"),
        parts=cq.parts_agglomeration(qpv, refs).set_index("code"),
        quartiers=cq.quartiers(qpv, qpv_communes),
        reconstruit=cq.a_des_valeurs_reconstruites(provenance), sans_comparaison=refs is None or refs.empty,
        codes_locaux=bool(qpv["code_qp"].astype(str).str.startswith("LOC-").any()),
    )


# --------------------------------------------------------------------------------------------- briques

def source(f: Faits) -> str:
    """Ligne de source des figures."""
    return (f"INSEE et CAF (données par quartier), rapport {f.annee} ; valeurs par quartier reconstruites"
            if f.reconstruit else f"INSEE (données par quartier), {f.annee}")


def note_reconstruit(f: Faits) -> str:
    """Rappel des valeurs reconstruites, sous les tableaux par quartier ; « » sans valeur reconstruite."""
    return ("Valeurs par quartier reconstruites, non publiées par le rapport (les quelques valeurs publiées sont "
            "marquées « publié » dans la colonne Provenance des tableaux par indicateur) : règle de reconstruction "
            "dans data/raw/README.md. Les moyennes des QPV concordent avec les chiffres publiés."
            if f.reconstruit else "")


def si_reconstruit(f: Faits, texte: str) -> str:
    """Mention des valeurs reconstruites, seulement quand il y en a."""
    return texte if f.reconstruit else ""


def val(code: str, v, manquant: str = cq.NON_PUBLIE) -> str:
    """Valeur d'un indicateur dans une phrase, avec son unité (« 38,0 % », « 1 077 € par mois »)."""
    return formater(code, v, manquant)


def publie(code: str, publies: dict, parentheses: bool = True) -> str:
    """« (chiffre publié : 38 %) » si le rapport publie ce chiffre, à sa précision ; « » sinon."""
    if code not in publies:
        return ""
    v, d = publies[code]
    i = cq.indicateur(code)
    if (i.genre == "effectif" and code not in ("abcde_f", "abcde_h")) or i.unite == "%":
        texte = f"chiffre publié : {pourcent(v, d)}"
    elif i.unite.startswith("€"):
        texte = f"chiffre publié : {nombre_fr(v, d)} €{i.unite[1:]}"
    else:
        texte = f"chiffre publié : {nombre_fr(v, d)}"
    return f" ({texte})" if parentheses else texte


def contre(code: str, v, lieu: str = "à l'échelle de l'agglomération", de: str = "de l'agglomération") -> str:
    """« , contre 28,3 % à l'échelle de l'agglomération », ou « (valeur de l'agglomération non publiée) »."""
    return f", contre {val(code, v)} {lieu}" if _connu(v) else f" (valeur {de} non publiée)"


def approx(provenance: pd.DataFrame | None, niveau: str, code: str) -> str:
    """Mention d'une valeur de comparaison que le rapport donne comme approximative ; « » sinon."""
    colonne = cq.indicateur(code).colonne_reference(niveau)
    return (" (valeur approximative : le rapport n'en donne qu'un ordre de grandeur)"
            if cq.provenance_reference(provenance, niveau, colonne) == "approximatif" else "")


def extreme(f: Faits, code: str, sens: str) -> tuple[str, float]:
    """Le ou les QPV (ex aequo) de valeur la plus élevée (``sens`` = « maximum ») ou la plus faible, nommés avec
    leurs communes, et cette valeur ; (« aucun quartier », NaN) si aucune valeur n'est connue."""
    x = cq.extremes(f.qpv, code, f.qpv_communes)
    x = x[x["sens"] == sens]
    if x.empty:
        return "aucun quartier", math.nan
    noms = " et ".join(f"{e(q)} ({e(c)})" for q, c in zip(x["quartier"], x["communes"]))
    return noms, float(x["valeur"].iloc[0])


def absent(code: str, annee: int) -> str:
    """Un indicateur facultatif absent du fichier de l'INSEE de l'année."""
    return f"*{cq.indicateur(code).libelle} : indicateur absent du fichier INSEE de {annee}.*"


def _disponible(f: Faits, code: str, sortie: list[str]) -> bool:
    """L'indicateur est-il dans le fichier de l'année ? Sinon, ``sortie`` reçoit la phrase qui le dit."""
    if code in f.qpv.columns:
        return True
    sortie.append(absent(code, f.annee))
    return False


def exclus_secret(n, suite: str = "de la moyenne et du classement") -> str:
    """« 1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne et du classement. »,
    au pluriel au-delà de 1 ; « » si aucun."""
    if not n:
        return ""
    if n == 1:
        return f"1 QPV dont la valeur est couverte par le secret statistique est exclu {suite}. "
    return f"{nombre_fr(n)} QPV dont la valeur est couverte par le secret statistique sont exclus {suite}. "


# --------------------------------------------------------------------------------------------- sans comparaison

def constat(f: Faits, *codes: str) -> list[str]:
    """Sans niveau de comparaison publié : ce que disent les quartiers eux-mêmes, indicateur par indicateur
    (moyenne des QPV et quartiers extrêmes pour un taux ; total des QPV pour un effectif)."""
    sortie: list[str] = []
    for code in codes:
        if not _disponible(f, code, sortie):
            continue
        i = cq.indicateur(code)
        if i.genre == "taux":
            s = f.synth.loc[code]
            if not s["nb_qpv_renseignes"]:
                sortie.append(f"**{i.libelle}** : aucune valeur publiée (secret statistique pour tous les QPV).")
                continue
            haut, v_haut = extreme(f, code, "maximum")
            bas, v_bas = extreme(f, code, "minimum")
            n = s["nb_secrets"]
            secrets = (f" ; {accord(n, 'QPV', 'QPV')} en secret statistique, "
                       f"{'exclu' if n == 1 else 'exclus'} de la moyenne et du classement" if n else "")
            sortie.append(
                f"**{i.libelle}** : **{val(code, s['moyenne_qpv'])}** en moyenne dans les QPV (moyenne pondérée par : "
                f"{i.libelle_poids}) ; {val(code, v_bas)} dans le quartier {bas}, le plus bas, et {val(code, v_haut)} "
                f"dans le quartier {haut}, le plus haut{secrets}. "
                f"Valeur de l'agglomération : niveau de comparaison non publié.")
        else:
            p = f.parts.loc[code]
            n = p["nb_qpv_renseignes"]
            sortie.append(
                f"**{i.libelle}** : {nombre_fr(p['total_qpv'])} {i.unite} dans les QPV "
                f"({accord(n, 'QPV renseigné', 'QPV renseignés')}) ; total du territoire non publié (niveau de "
                f"comparaison non publié) : la part des QPV ne peut pas être calculée.")
    return sortie


# --------------------------------------------------------------------------------------------- géographie

def avertissements(f: Faits) -> list[str]:
    """Ce qu'il faut savoir avant de lire : valeurs reconstruites, niveaux de comparaison absents, indicateurs
    absents du fichier de l'année."""
    sortie = []
    if f.reconstruit:
        sortie.append(
            "**À lire avant les tableaux par quartier.** Le rapport ne publie que des moyennes et quelques valeurs de"
            " quartiers : les valeurs par quartier sont **reconstruites** (règle décrite dans `data/raw/README.md`) "
            "de façon à redonner exactement les moyennes et les valeurs publiées. Chaque tableau par quartier porte "
            "une colonne « Provenance » ; chaque figure par quartier le rappelle. Les moyennes des QPV, elles, "
            "concordent avec le rapport.")
    if f.sans_comparaison:
        sortie.append(
            f"**Niveau de comparaison non publié.** Aucun fichier de niveaux de comparaison (`insee_references` : "
            f"agglomération, QPV du département) n'a été reçu pour {f.annee} : les quartiers sont comparés entre eux "
            f"et à la moyenne des QPV ; les colonnes de comparaison indiquent « non publié ».")
    absents = [i.libelle for i in cq.INDICATEURS if i.code not in f.qpv.columns]
    if absents:
        sortie.append(f"Indicateurs absents du fichier INSEE de {f.annee} (facultatifs), non traités dans ce chapitre : "
                      f"{e(', '.join(absents))}.")
    return sortie


def _population(f: Faits) -> str:
    g = f.geo
    ils = "Il compte" if g["nb_qpv"] == 1 else "Ils comptent"
    if _connu(g["pop_agglomeration"]):
        pub = publie("pop_mun", f.publies, False)
        return (f"{ils} {nombre_fr(g['pop_qpv'])} habitants sur {nombre_fr(g['pop_agglomeration'])} : c'est "
                f"**{pourcent(g['part_population_qpv'], 0)} de la population du territoire** "
                f"({pourcent(g['part_population_qpv'], 2)}{f' ; {pub}' if pub else ''}) qui est concernée directement "
                f"par la Politique de la Ville.")
    return (f"{ils} {nombre_fr(g['pop_qpv'])} habitants. La population de l'ensemble du territoire n'est pas "
            f"publiée pour {f.annee} (niveau de comparaison non publié) : la part de la population concernée "
            f"directement par la Politique de la Ville ne peut pas être calculée.")


def _multicommunes(n) -> str:
    if not n:
        return ""
    if n == 1:
        return (" 1 QPV s'étend sur plusieurs communes : il est rattaché à chacune d'elles dans les tableaux "
                "ci-dessous.")
    return (f" {nombre_fr(n)} QPV s'étendent sur plusieurs communes : ils sont rattachés à chacune d'elles dans les "
            f"tableaux ci-dessous.")


def geographie_prioritaire(f: Faits) -> list[str]:
    """Les QPV (nombre, communes, population, QPV sur plusieurs communes), puis les quartiers communautaires et de
    veille de la géographie d'agglomération."""
    g = f.geo
    publiees = g["nb_communes_qpv_publie"]
    controle = ("" if not _connu(publiees) or publiees == g["nb_communes_qpv"]
                else f" **Attention : le rapport annonce {nombre_fr(publiees)} communes.**")
    decret = f.quartiers.loc[f.quartiers["est_qpv"], "annee_reconnaissance"].min()
    territoire = f" ({e(f.territoire)})" if f.territoire else ""
    un = g["nb_qpv"] == 1
    qpv = "quartier prioritaire (QPV)**, réparti" if un else "quartiers prioritaires (QPV)**, répartis"
    sortie = [f"Les contours de la géographie prioritaire ont été arrêtés par décret"
              f"{'' if pd.isna(decret) else f' en {decret}'}. **{nombre_fr(g['nb_qpv'])} {qpv} sur "
              f"**{accord(g['nb_communes_qpv'], 'commune')}** du territoire intercommunal{territoire}, "
              f"{'est concerné' if un else 'sont concernés'} par le Contrat de Ville.{controle} "
              f"{_population(f)}{_multicommunes(g['nb_qpv_multicommunes'])}"]
    autres = f.autres
    if len(autres):
        premiere = g["annee_premiers_communautaires"]
        annees = pd.to_numeric(autres["annee_reconnaissance"], errors="coerce")
        suivants = autres[(annees > premiere).fillna(False).to_numpy(dtype=bool)] if _connu(premiere) else autres.iloc[0:0]
        texte_suivants = "".join(
            f" En {int(a)}, la géographie d'agglomération s'est élargie au quartier {e(q)} ({e(c)})."
            for a, q, c in zip(suivants["annee_reconnaissance"], suivants["quartier"], suivants["communes"]))
        quand = f"En {int(premiere)}, l'agglomération" if _connu(premiere) else "L'agglomération"
        n_veille = g["nb_quartiers_veille"]
        dont = f" (dont {accord(n_veille, 'quartier de veille', 'quartiers de veille')})" if n_veille else ""
        n_premiers = g["nb_premiers_communautaires"] if _connu(premiere) else len(autres)
        sortie.append(
            f"{quand} a également associé à cette géographie "
            f"**{accord(n_premiers, 'quartier prioritaire communautaire', 'quartiers prioritaires communautaires')}**"
            f"{dont}, qu'elle accompagne par ses dispositifs de droit commun et ses crédits dédiés à la Politique de la "
            f"Ville.{texte_suivants} La géographie d'agglomération compte ainsi "
            f"{accord(g['nb_quartiers_agglomeration'], 'quartier communautaire ou de veille', 'quartiers communautaires ou de veille')}, "
            f"sur {accord(g['communes_quartiers_agglomeration'], 'commune')}. L'INSEE ne publie pas de données pour "
            f"ces quartiers, qui n'appartiennent pas à la géographie prioritaire réglementaire.")
    return sortie


def note_chiffres_cles(f: Faits) -> str | None:
    return (si_reconstruit(f, "Population des QPV : somme des populations par quartier (reconstruites) ; leur part "
                              "dans l'agglomération concorde avec le chiffre publié.")
            or ("Population des QPV : somme des populations par quartier. « non publié » : population du territoire "
                "non fournie (niveau de comparaison non publié)." if f.sans_comparaison else None))


def note_quartiers(f: Faits) -> str:
    return (("Codes de quartier locaux (pas des codes INSEE). " if f.codes_locaux else "Codes de quartier de l'INSEE. ")
            + "Un quartier sur plusieurs communes les garde toutes. "
            + ("« n.d. » : l'INSEE ne couvre pas les quartiers communautaires et de veille. " if len(f.autres) else "")
            + ("« non publié » : population du territoire non fournie (niveau de comparaison non publié). "
               if f.sans_comparaison else "")
            + note_reconstruit(f))


def note_population(f: Faits) -> str:
    return si_reconstruit(f, "Populations par quartier reconstruites (data/raw/README.md) ; leur somme redonne la part "
                             "publiée de la population de l'agglomération vivant en QPV.")


def fiches_produites(avec_fiche: int, total: int) -> str:
    """Phrase sous la liste des fiches quand seule une partie des quartiers a une fiche ; « » sinon."""
    if avec_fiche >= total:
        return ""
    return (f"Fiches produites pour {nombre_fr(avec_fiche)} quartier(s) sur {nombre_fr(total)} (paramètre "
            f"`fiches_quartier` du fichier de paramètres de l'année) ; les autres quartiers n'ont pas de fiche dans ce "
            f"rapport. Leurs indicateurs figurent dans les tableaux de ce chapitre et dans son classeur Excel.")


# --------------------------------------------------------------------------------------------- tableaux par indicateur

def note_synthese(f: Faits) -> str:
    texte = ("Moyenne des QPV : moyenne des quartiers pondérée par la population (par le nombre de demandeurs d'emploi "
             "de chaque sexe pour l'ancienneté d'inscription), sur les QPV dont la valeur n'est pas couverte par le "
             "secret statistique. Écart en points pour les indicateurs en %. « non publié » : le rapport ne donne pas "
             "la valeur de ce niveau.")
    if f.sans_comparaison:
        return texte + f" Aucun niveau de comparaison n'a été reçu pour {f.annee} (niveau de comparaison non publié)."
    if f.synth[cq.NIVEAU_HORS_QPV].notna().any():
        return texte + " Agglomération hors QPV : femmes et hommes confondus" + (
            ", valeur approximative." if approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f") else ".")
    return texte


def note_indicateur(f: Faits) -> str:
    """Note du tableau des QPV sur un indicateur."""
    return ("Rang 1 = valeur la plus élevée ; ex aequo à la précision affichée ; valeur secrète non classée."
            + (f" {note_reconstruit(f)}" if note_reconstruit(f) else "")
            + (" « non publié » : niveau de comparaison non publié." if f.sans_comparaison else ""))


def note_figure_indicateur(f: Faits, code: str) -> str:
    return si_reconstruit(f, f"{cq.indicateur(code).libelle} : valeurs par quartier reconstruites (data/raw/README.md) ; "
                             f"la moyenne des QPV concorde avec le chiffre publié.")


# --------------------------------------------------------------------------------------------- démographie

DEBUT_JEUNESSE = {
    "plus": "Sur le plan démographique, les quartiers prioritaires se démarquent du reste de l'agglomération par leur "
            "jeunesse.",
    "moins": "Sur le plan démographique, les quartiers prioritaires comptent proportionnellement moins de jeunes que "
             "l'agglomération.",
    "égal": "Sur le plan démographique, la part des jeunes est la même dans les quartiers prioritaires et dans "
            "l'agglomération.",
}
JEUNESSE_DEPARTEMENT = {
    "moins": "une proportion qui reste plus faible qu'à l'échelle des QPV du département",
    "plus": "une proportion plus élevée qu'à l'échelle des QPV du département",
    "égal": "comme à l'échelle des QPV du département",
}
DEBUT_INDICE_JEUNESSE = {
    "nettement plus": "Les QPV sont beaucoup moins concernés par le vieillissement à l'œuvre sur le territoire : leur "
                      "indice de jeunesse est",
    "plus": "Les QPV sont moins concernés par le vieillissement à l'œuvre sur le territoire : leur indice de jeunesse "
            "est",
    "moins": "Les QPV sont plus concernés par le vieillissement que l'ensemble du territoire : leur indice de jeunesse "
             "est",
    "nettement moins": "Les QPV sont beaucoup plus concernés par le vieillissement que l'ensemble du territoire : leur "
                       "indice de jeunesse est",
    "égal": "Le vieillissement touche les QPV autant que le reste du territoire : leur indice de jeunesse est",
}


def _part_moins_25(f: Faits) -> str:
    code = "part_moins_25"
    s = f.synth.loc[code]
    agglo = cq.comparer(code, s["moyenne_qpv"], s[cq.NIVEAU_AGGLO])
    dep = cq.comparer(code, s["moyenne_qpv"], s[cq.NIVEAU_QPV_DEPARTEMENT])
    departement = JEUNESSE_DEPARTEMENT.get(dep)
    if _connu(s[cq.NIVEAU_AGGLO]):
        texte = (f"{DEBUT_JEUNESSE[agglo]} À l'échelle intercommunale, {val(code, s[cq.NIVEAU_AGGLO])} des habitants "
                 f"ont moins de 25 ans{approx(f.provenance, cq.NIVEAU_AGGLO, code)} ; au sein des QPV, leur part est "
                 f"en moyenne de ")
    else:
        texte = ("Sur le plan démographique, la part des moins de 25 ans de l'agglomération n'est pas publiée ; au sein "
                 "des QPV, elle est en moyenne de ")
    texte += (f"**{val(code, s['moyenne_qpv'])}**{publie(code, f.publies)}"
              + (f", {departement} ({val(code, s[cq.NIVEAU_QPV_DEPARTEMENT])})" if departement
                 else " (valeur des QPV du département non publiée)") + ".")
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut = extreme(f, code, "maximum")
        bas, v_bas = extreme(f, code, "minimum")
        texte += (f" Des différences significatives existent entre les quartiers : le quartier **{haut}** est le plus "
                  f"marqué par sa jeunesse, les moins de 25 ans y représentant {val(code, v_haut)} de la population ; "
                  f"inversement, la population du quartier **{bas}** ne compte que {val(code, v_bas)} de moins de "
                  f"25 ans.")
    return texte


def jeunes_du_departement(n: float) -> str:
    """« 1 jeune de moins de 25 ans sur 6 vit en quartier prioritaire » ; « » si le ratio n'est pas publié."""
    if not _connu(n):
        return ""
    return (f"Dans le département, **1 jeune de moins de 25 ans sur {nombre_fr(n, 0)}** vit en quartier prioritaire "
            f"(ratio exact : {nombre_fr(n, 2)}).")


def _indice_jeunesse(f: Faits) -> str:
    code = "ind_jeune"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["moyenne_qpv"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    debut = DEBUT_INDICE_JEUNESSE.get(sens, "L'indice de jeunesse des QPV est")
    return (f"{debut} en moyenne de **{val(code, s['moyenne_qpv'])}**{publie(code, f.publies)}"
            f"{contre(code, s[cq.NIVEAU_AGGLO])} (indice de jeunesse : moins de 20 ans rapportés aux 60 ans et plus).")


def demographie(f: Faits) -> list[str]:
    """Part des moins de 25 ans (comparée à l'agglomération et aux QPV du département, quartiers extrêmes), jeunes du
    département vivant en QPV, indice de jeunesse."""
    if f.sans_comparaison:
        return constat(f, "part_moins_25", "ind_jeune")
    sortie: list[str] = []
    if _disponible(f, "part_moins_25", sortie):
        sortie.append(_part_moins_25(f))
    sortie.append(jeunes_du_departement(cq.jeunes_en_qpv_departement(f.refs)))
    if _disponible(f, "ind_jeune", sortie):
        sortie.append(_indice_jeunesse(f))
    return [p for p in sortie if p]


# --------------------------------------------------------------------------------------------- ménages, éducation

DEBUT_MENAGES = {
    "plus": "Les quartiers prioritaires ont un profil plutôt familial, mais la part des ménages composés d'une personne "
            "seule y reste relativement élevée :",
    "moins": "La part des ménages composés d'une personne seule est plus faible dans les quartiers prioritaires :",
    "égal": "La part des ménages composés d'une personne seule est la même dans les quartiers prioritaires et dans "
            "l'agglomération :",
}


def menages(f: Faits) -> list[str]:
    """Ménages d'une personne seule : moyenne des QPV comparée à l'agglomération, quartiers extrêmes."""
    code = "part_menages_1pers"
    if f.sans_comparaison:
        return constat(f, code)
    sortie: list[str] = []
    if not _disponible(f, code, sortie):
        return sortie
    s = f.synth.loc[code]
    debut = DEBUT_MENAGES.get(cq.comparer(code, s["moyenne_qpv"], s[cq.NIVEAU_AGGLO]),
                              "Ménages composés d'une personne seule :")
    texte = (f"{debut} **{val(code, s['moyenne_qpv'])}** en moyenne à l'échelle des QPV{publie(code, f.publies)}"
             f"{contre(code, s[cq.NIVEAU_AGGLO])}.")
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut = extreme(f, code, "maximum")
        bas, v_bas = extreme(f, code, "minimum")
        texte += (f" Le quartier **{haut}** en compte le plus ({val(code, v_haut)}) ; à l'inverse, le quartier "
                  f"**{bas}**, avec {val(code, v_bas)} de ménages d'une personne seule, a le profil le plus familial.")
    return [texte]


def ecoles_rep(maternelles, primaires, colleges) -> str:
    """Écoles et collèges classés en éducation prioritaire ; « » si l'un des nombres n'est pas publié."""
    if not all(_connu(v) for v in (maternelles, primaires, colleges)):
        return ""
    return (f"Sur le plan éducatif, {accord(maternelles, 'école maternelle', 'écoles maternelles')}, "
            f"{accord(primaires, 'école primaire', 'écoles primaires')} et {accord(colleges, 'collège')} sont classés "
            f"en réseau d'éducation prioritaire (REP).")


def education(f: Faits) -> list[str]:
    """Écoles en REP, retard à l'entrée en 3e (moyenne, agglomération, quartier le plus touché, secrets)."""
    code = "part_retard_3e"
    if f.sans_comparaison:
        return constat(f, code)
    rep = [cq.valeur_reference(f.refs, cq.NIVEAU_AGGLO, c)
           for c in ("nb_ecoles_maternelles_rep", "nb_ecoles_primaires_rep", "nb_colleges_rep")]
    sortie = [p for p in [ecoles_rep(*rep)] if p]
    if not _disponible(f, code, sortie):
        return sortie
    s = f.synth.loc[code]
    texte = (f"Le taux d'élèves en retard d'au moins un an à l'entrée en 3e est en moyenne de "
             f"**{val(code, s['moyenne_qpv'])}** à l'échelle des QPV{publie(code, f.publies)}"
             f"{contre(code, s[cq.NIVEAU_AGGLO])}. ")
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut = extreme(f, code, "maximum")
        texte += f"Il atteint {val(code, v_haut)} dans le quartier **{haut}**, le plus élevé. "
    sortie.append(texte + exclus_secret(s["nb_secrets"])
                  + "Le rapport illustre le décrochage des établissements REP par ce taux, qui est mesuré à l'échelle "
                    "des quartiers de résidence des élèves et non des établissements.")
    return sortie


# --------------------------------------------------------------------------------------------- emploi

def _taux_emploi(f: Faits) -> str:
    code = "tx_tot_empl"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["moyenne_qpv"], s[cq.NIVEAU_AGGLO])
    ecart = abs(s["ecart_agglomeration"])
    return (f"Le taux d'emploi des 15-64 ans est en moyenne de **{val(code, s['moyenne_qpv'])}** à l'échelle des "
            f"QPV{publie(code, f.publies)}{contre(code, s[cq.NIVEAU_AGGLO])}"
            + (f", soit {nombre_fr(ecart, 1)} point{'s' if round(ecart, 1) >= 2 else ''} de {sens} dans les QPV."
               if sens in ("plus", "moins") else "."))


def _demandeurs(f: Faits) -> str:
    p = f.parts.loc["abcde"]
    return (f"**{pourcent(p['part_qpv'], 0)} des demandeurs d'emploi** (catégories A à E) de l'agglomération sont des "
            f"habitants des QPV{publie('abcde', f.publies)}. On y recense {nombre_fr(f.parts.loc['abcde_h', 'total_qpv'])} "
            f"hommes{publie('abcde_h', f.publies)} et {nombre_fr(f.parts.loc['abcde_f', 'total_qpv'])} "
            f"femmes{publie('abcde_f', f.publies)}.")


def _anciennete(f: Faits) -> str:
    sf, sh = f.synth.loc["part_de_plus_2ans_f"], f.synth.loc["part_de_plus_2ans_h"]
    hors_qpv, agglo = sf[cq.NIVEAU_HORS_QPV], sf[cq.NIVEAU_AGGLO]
    texte = (f"La part des demandeurs d'emploi inscrits depuis plus de 2 ans s'élève en moyenne à "
             f"**{val('part_de_plus_2ans_f', sf['moyenne_qpv'])} pour les femmes** et "
             f"**{val('part_de_plus_2ans_h', sh['moyenne_qpv'])} pour les hommes** à l'échelle des QPV (moyennes "
             f"pondérées par le nombre de demandeurs d'emploi de chaque sexe)")
    if _connu(hors_qpv) and not _connu(agglo):
        approximatif = bool(approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f"))
        return (texte + f", contre {'environ ' if approximatif else ''}{val('part_de_plus_2ans_f', hors_qpv)} dans le "
                f"reste de l'agglomération, femmes et hommes confondus ("
                + ("valeur donnée comme approximative ; " if approximatif else "")
                + "la valeur de l'agglomération entière n'est pas publiée : les écarts ci-dessous sont mesurés à "
                  "l'agglomération hors QPV).")
    if _connu(agglo):
        return texte + f"{contre('part_de_plus_2ans_f', agglo)}."
    return texte + " (valeur de l'agglomération non publiée)."


def emploi(f: Faits) -> list[str]:
    """Taux d'emploi, demandeurs d'emploi (part des QPV, hommes et femmes), ancienneté d'inscription, contrats
    aidés."""
    if f.sans_comparaison:
        return constat(f, "tx_tot_empl", "abcde", "abcde_f", "abcde_h", "part_de_plus_2ans_f", "part_de_plus_2ans_h",
                       "nb_entrees_contrats_aides_2016")
    sortie: list[str] = []
    if _disponible(f, "tx_tot_empl", sortie):
        sortie.append(_taux_emploi(f))
    if {"abcde", "abcde_f", "abcde_h"} <= set(f.parts.index):
        sortie.append(_demandeurs(f))
    else:
        for code in ("abcde", "abcde_f", "abcde_h"):
            _disponible(f, code, sortie)
    if {"part_de_plus_2ans_f", "part_de_plus_2ans_h"} <= set(f.synth.index):
        sortie.append(_anciennete(f))
    else:
        for code in ("part_de_plus_2ans_f", "part_de_plus_2ans_h"):
            _disponible(f, code, sortie)
    if "nb_entrees_contrats_aides_2016" in f.parts.index:
        p = f.parts.loc["nb_entrees_contrats_aides_2016"]
        sortie.append(f"Parmi les {p['indicateur'].lower()}, {pourcent(p['part_qpv'], 0)} concernaient des habitants "
                      f"des QPV{publie('nb_entrees_contrats_aides_2016', f.publies)}.")
    return sortie


# --------------------------------------------------------------------------------------------- économie, revenus, social

def economie(f: Faits) -> list[str]:
    """Part des QPV dans les établissements, ceux du commerce et des services, les créations et transferts."""
    codes = ("nb_etablissements", "nb_etablissements_commerce_services", "nb_creations_transferts_2013")
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.parts.index):
        sortie: list[str] = []
        for code in codes:
            _disponible(f, code, sortie)
        return sortie
    pe, pc, pt = (f.parts.loc[c] for c in codes)
    return [f"Les QPV concentrent **{pourcent(pe['part_qpv'], 0)} des établissements** présents à l'échelle de "
            f"l'agglomération{publie(codes[0], f.publies)}, et {pourcent(pc['part_qpv'], 1)} des établissements du "
            f"commerce et des services{publie(codes[1], f.publies)}. Les créations et transferts d'établissements y "
            f"restent peu nombreux : {pourcent(pt['part_qpv'], 0)} seulement concernent les QPV"
            f"{publie(codes[2], f.publies)} ({pt['indicateur'][0].lower() + pt['indicateur'][1:]})."]


INTERCOMMUNAL = "à l'échelle intercommunale"
DEBUT_IMPOSES = {
    "nettement moins": "La proportion de ménages imposés est beaucoup plus faible dans les QPV",
    "moins": "La proportion de ménages imposés est plus faible dans les QPV",
    "plus": "La proportion de ménages imposés est plus élevée dans les QPV",
    "nettement plus": "La proportion de ménages imposés est beaucoup plus élevée dans les QPV",
    "égal": "La proportion de ménages imposés est la même dans les QPV et dans l'agglomération",
}
SUITE_REVENU = {"moins": "Le revenu médian y est inférieur", "plus": "Le revenu médian y est supérieur",
                "égal": "Le revenu médian y est le même"}


def revenus(f: Faits) -> list[str]:
    """Ménages imposés et revenu médian des QPV comparés à l'agglomération ; QPV exclus (secret)."""
    if f.sans_comparaison:
        return constat(f, "pmimp", "decuc_q2")
    if not {"pmimp", "decuc_q2"} <= set(f.synth.index):
        sortie: list[str] = []
        for code in ("pmimp", "decuc_q2"):
            _disponible(f, code, sortie)
        return sortie
    s, r = f.synth.loc["pmimp"], f.synth.loc["decuc_q2"]
    imposes = cq.comparer("pmimp", s["moyenne_qpv"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    revenu = cq.comparer("decuc_q2", r["moyenne_qpv"], r[cq.NIVEAU_AGGLO])
    imposes_txt = (f"en moyenne **{val('pmimp', s['moyenne_qpv'])}** des ménages fiscaux sont imposés en QPV"
                   f"{publie('pmimp', f.publies)}{contre('pmimp', s[cq.NIVEAU_AGGLO], INTERCOMMUNAL)}")
    revenu_txt = (f"en moyenne **{val('decuc_q2', r['moyenne_qpv'])}** en QPV{publie('decuc_q2', f.publies)}"
                  f"{contre('decuc_q2', r[cq.NIVEAU_AGGLO])}")
    if imposes == "nettement moins" and revenu == "moins":  # constat habituel : moins d'imposés, revenus plus bas
        phrase = (f"Les QPV se démarquent fortement du reste de l'agglomération par une proportion de ménages imposés "
                  f"beaucoup plus faible ({imposes_txt}) et par un revenu médian inférieur : {revenu_txt}.")
    else:
        phrase = (f"{DEBUT_IMPOSES.get(imposes, 'Ménages imposés')} ({imposes_txt}). "
                  f"{SUITE_REVENU.get(revenu, 'Revenu médian')} : {revenu_txt}.")
    n = r["nb_secrets"]
    exclus = ("" if not n else " 1 QPV (revenu couvert par le secret statistique) est exclu de la moyenne." if n == 1
              else f" {nombre_fr(n)} QPV (revenu couvert par le secret statistique) sont exclus de la moyenne.")
    return [f"{phrase} Le revenu est le revenu déclaré médian par unité de consommation, publié par l'INSEE en euros "
            f"par an et divisé ici par 12 ; la moyenne des QPV est une moyenne pondérée de médianes, approximation "
            f"retenue par le rapport.{exclus}"]


def social(f: Faits) -> list[str]:
    """Part des QPV dans les allocataires de la CAF, les bénéficiaires du RSA et de la CMU, rapprochée de leur part
    de la population."""
    codes = ("a", "nb_beneficiaires_rsa", "nb_beneficiaires_cmu")
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.parts.index):
        sortie: list[str] = []
        for code in codes:
            _disponible(f, code, sortie)
        return sortie
    p = f.parts["part_qpv"]
    return [f"Les QPV accueillent une grande partie des habitants les plus fragiles de l'agglomération : "
            f"**{pourcent(p['a'], 0)} des allocataires de la CAF**{publie('a', f.publies)}, "
            f"**{pourcent(p['nb_beneficiaires_rsa'], 0)} des bénéficiaires du RSA**"
            f"{publie('nb_beneficiaires_rsa', f.publies)} et **{pourcent(p['nb_beneficiaires_cmu'], 0)} des "
            f"bénéficiaires de la CMU**{publie('nb_beneficiaires_cmu', f.publies)}, alors qu'ils regroupent "
            f"{pourcent(f.geo['part_population_qpv'], 0)} de la population."]


# --------------------------------------------------------------------------------------------- poids des QPV, rangs

def note_parts(f: Faits) -> str | None:
    return (si_reconstruit(f, "Totaux des QPV : sommes des effectifs par quartier (reconstruits). Totaux de "
                              "l'agglomération reconstruits pour redonner les parts publiées (data/raw/README.md) : "
                              "seules les parts et les totaux de demandeurs d'emploi par sexe sont publiés.")
            or ("Totaux des QPV : sommes des effectifs par quartier. « non publié » : total du territoire non fourni "
                "(niveau de comparaison non publié)." if f.sans_comparaison else None))


def note_figure_parts(f: Faits) -> str:
    return si_reconstruit(f, "Parts calculées sur des effectifs reconstruits ; elles redonnent les parts publiées par "
                             "le rapport.")


def note_effectifs(f: Faits) -> str:
    return (si_reconstruit(f, "Effectifs par quartier reconstruits (data/raw/README.md) : proportionnels à la "
                              "population, modulés par la fragilité du quartier, répartis pour redonner les totaux et "
                              "les parts publiés.")
            or "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0).")


def note_valeurs(f: Faits) -> str:
    return "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0). " + note_reconstruit(f)


def note_rangs(f: Faits) -> str:
    return "Rang 1 = valeur la plus élevée parmi les QPV renseignés." + si_reconstruit(
        f, " Rangs calculés sur des valeurs reconstruites : ils illustrent la méthode et ne décrivent pas des quartiers "
           "réels, sauf pour les valeurs publiées par le rapport.")


# --------------------------------------------------------------------------------------------- valeurs manquantes

def valeurs_manquantes(f: Faits, secrets: pd.DataFrame, resume: pd.DataFrame) -> str:
    """Les valeurs des QPV couvertes par le secret statistique (``compute.qpv.valeurs_secretes``) et les cases
    « n.d. » des quartiers que l'INSEE ne couvre pas (``compute.qpv.resume_manquantes``)."""
    nd = int(resume.loc[resume["motif"] == cq.MOTIF_NON_DISPONIBLE, "cases"].sum()) if len(resume) else 0
    return (f"**{len(secrets)} valeur(s) de QPV** sont couvertes par le secret statistique (petits effectifs), dans "
            f"{secrets['code_qp'].nunique()} quartier(s) : elles sont affichées « secret », ne comptent ni dans les "
            f"moyennes ni dans les classements, et ne sont jamais remplacées par 0."
            + (f" Par ailleurs, l'INSEE ne publie aucune donnée pour les quartiers communautaires et de veille ({nd} "
               f"cases « n.d. », non disponibles)." if len(f.autres) else ""))


# --------------------------------------------------------------------------------------------- concordance

NOTE_CONCORDANCE = ("« ≈ » : chiffre que le rapport donne lui-même comme approximatif (« près de », « environ ») ; il "
                    "concorde s'il est dans la tolérance déclarée.")
NOTE_INDICATEURS = ("Métadonnées tenues dans src/politique_ville/compute/qpv.py (INDICATEURS) ; pondérations "
                    "documentées dans data/raw/README.md.")


def concordance(conc: pd.DataFrame) -> str:
    """Les contradictions du rapport sur les chiffres du chapitre (lignes de la concordance), ou combien concordent."""
    doc = conc[conc["ecart_documente"]]
    if len(doc):
        return "**Contradictions du rapport sur les chiffres de ce chapitre :**\n\n" + "\n".join(
            f"- {e(lib)} : {e(x)}" for lib, x in zip(doc["libelle"], doc["explication"]))
    return ("Aucune contradiction du rapport n'est documentée pour les chiffres de ce chapitre "
            f"({(conc['statut'] == 'identique').sum()} chiffres sur {len(conc)} concordent).")


def sans_rapport_publie(annee: int) -> str:
    return (f"Pas de rapport publié pour {annee} : aucun chiffre publié à comparer (fichier "
            f"`chiffres_publies_{annee}.csv` absent des référentiels du territoire).")
