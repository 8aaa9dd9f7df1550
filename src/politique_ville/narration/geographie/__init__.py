"""Chapitre 10 : les phrases de la géographie prioritaire et de la situation socio-économique des QPV.

Tout part de :func:`faits` (les tables nettoyées de l'INSEE et les chiffres publiés, résumés par
:mod:`politique_ville.compute.qpv`). Chaque fonction de section (:func:`demographie`, :func:`revenus`...) renvoie
ses paragraphes (Markdown), dans l'ordre où le chapitre les montre ; les notes de tableaux et de figures sont des
phrases simples. Chaque comparaison suit les données (:func:`compute.qpv.comparer` : plus, moins, égal, inconnu) :
aucune conclusion n'est écrite contre les chiffres, ni à propos d'un niveau de comparaison que le rapport ne publie
pas. Les noms de quartiers et de communes sont échappés (HTML) : le texte est affiché tel quel.

Provenance (:mod:`politique_ville.reference.provenance`) : un nombre tiré d'une valeur non publiée (reconstruite, ou calculée à
partir de valeurs reconstruites) porte la marque « \\* », et la section se termine par la légende ; une identité
supposée est dite « (supposé) » ; un superlatif sur des quartiers (« le plus élevé ») n'est écrit tel quel que si
toutes les valeurs comparées sont publiées, sinon « parmi les valeurs reconstruites, … » ; une case vide qui simule le
secret statistique (provenance « simulé ») n'est jamais attribuée à l'INSEE.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from politique_ville import formats
from politique_ville.formats import accord, formater, nombre_fr, pourcent
from politique_ville.reference import provenance as pv
from politique_ville.reference.designation import Designation, contrats_de_ville
from politique_ville.reference.designation import designation as designer

from ...compute import niveaux as cn
from ...compute import qpv as cq


def e(texte) -> str:
    """Échappe un texte pour le HTML (les apostrophes restent telles quelles : elles sont du texte)."""
    return html.escape(str(texte), quote=False)


def _connu(v) -> bool:
    try:
        return not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


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
    geo: pd.Series  # compute.qpv.geographie, indexé par clé
    synth: pd.DataFrame  # compute.qpv.synthese, indexé par code
    parts: pd.DataFrame  # compute.qpv.parts_agglomeration, indexé par code
    quartiers: pd.DataFrame  # compute.qpv.quartiers
    reconstruit: bool  # valeurs par quartier reconstruites (transcription d'un rapport publié)
    sans_comparaison: bool  # aucun niveau de comparaison reçu (agglomération, département)
    codes_locaux: bool  # codes de quartier locaux (« LOC-... »), pas des codes INSEE
    prov: dict = None  # compute.qpv.provenances : (code_qp, variable) -> provenance
    niveaux: pd.DataFrame | None = None  # insee_niveaux (compute.niveaux, table longue) : None sans niveau calculé
    niveau_territoire: str = "epci"  # epci | departement | region | france (paramètre territoire)
    d: Designation = Designation()  # le territoire dans les phrases : « l'agglomération », « la métropole »…
    fichier_insee: str = ""  # le fichier reçu des valeurs par quartier, nommé par les notes de provenance
    rapport: bool | None = None  # l'année a-t-elle un rapport publié ? (None : si des chiffres publiés sont donnés)

    @property
    def a_un_rapport(self) -> bool:
        """L'année a-t-elle des chiffres publiés par un rapport (registre des chiffres publiés) ? Sinon, aucune phrase
        ne parle d'un rapport, de chiffres publiés ou de leur approximation."""
        return bool(self.publies) if self.rapport is None else bool(self.rapport)

    @property
    def source_recue(self) -> str:
        """Le fichier reçu d'où viennent les valeurs par quartier (« data/raw/2031/insee_qpv.csv »), nommé par les
        notes de provenance « reçu »."""
        return self.fichier_insee or "fichier de l'INSEE"

    @property
    def recu(self) -> bool:
        """Valeurs par quartier reçues telles quelles (aucun fichier de provenance : ni publiées, ni reconstruites)."""
        return getattr(self.prov, "defaut", pv.PUBLIE) == pv.RECU

    @property
    def manquant(self) -> str:
        """Marque d'un niveau de comparaison absent : « non publié » (le rapport ne le donne pas) ou « non reçu »
        (aucun fichier ne l'apporte, sans rapport publié)."""
        return cq.NON_PUBLIE if self.a_un_rapport else NON_RECU

    @property
    def autres(self) -> pd.DataFrame:
        """Les quartiers communautaires et de veille."""
        return self.quartiers[~self.quartiers["est_qpv"]]

    # ------------------------------------------------------------------ provenance des valeurs
    def p_qpv(self, code_qp: str, variable: str) -> str:
        """Provenance d'une valeur d'un quartier : celle listée, sinon celle par défaut (« publié » pour la
        transcription d'un rapport, « reçu » pour un fichier de l'INSEE reçu tel quel : ``compute.qpv.provenances``)."""
        prov = self.prov or {}
        return pv.normaliser(prov.get((code_qp, variable))) or getattr(prov, "defaut", pv.PUBLIE)

    def _codes_renseignes(self, variable: str) -> list[str]:
        q = self.qpv[self.qpv["type_quartier"] == cq.TYPE_QPV]
        if variable not in q.columns:
            return []
        x = pd.to_numeric(q[variable], errors="coerce")
        return list(q.loc[x.notna(), "code_qp"])

    def p_qpv_tous(self, variable: str) -> str:
        """Provenance d'une moyenne, d'une somme ou d'un classement des QPV sur ``variable`` : la moins sûre des
        valeurs des QPV renseignés."""
        return pv.combiner(self.p_qpv(c, variable) for c in self._codes_renseignes(variable))

    def p_moyenne(self, code: str) -> str:
        """Provenance du niveau « QPV du territoire » : valeurs et poids ; « recalculé » à partir de valeurs reçues."""
        poids = [c for c in cq.definition_registre(code).colonnes_base if c in self.qpv.columns] if code in {
            i.code for i in cq.INDICATEURS} else []  # fmt: skip
        p = pv.combiner(self.p_qpv_tous(code), *[self.p_qpv_tous(c) for c in poids])
        return pv.RECALCULE if p == pv.RECU else p

    def p_ref(self, niveau: str, code: str) -> str:
        """Provenance d'une valeur de comparaison : celle de ``insee_references`` (publié, reconstruit… ; « reçu »
        sans fichier de provenance), « recalculé » pour un niveau calculé à partir du fichier de l'INSEE."""
        colonne = cq.indicateur(code).colonne_reference(niveau) if code in {i.code for i in cq.INDICATEURS} else code
        if self.provenance is None and cn.origine(self.niveaux, niveau, colonne) not in (None, cn.RECU):
            return pv.RECALCULE
        return pv.normaliser(cq.provenance_reference(self.provenance, niveau, colonne)) or pv.PUBLIE

    def p_part(self, code: str) -> str:
        """Provenance de la part des QPV dans le total de l'agglomération."""
        return pv.combiner(self.p_qpv_tous(code), self.p_ref(cq.NIVEAU_AGGLO, code))

    def simules(self, variable: str) -> list[str]:
        """QPV dont la case vide de ``variable`` simule le secret statistique (provenance « simulé »)."""
        q = self.qpv[self.qpv["type_quartier"] == cq.TYPE_QPV]
        if variable not in q.columns:
            return []
        vides = q.loc[pd.to_numeric(q[variable], errors="coerce").isna(), "code_qp"]
        return [c for c in vides if self.p_qpv(c, variable) == pv.SIMULE]

    def supposes(self, code_qp: str) -> list[str]:
        """Attributs supposés d'un quartier : « statut », « commune », « année » (provenance « supposé »)."""
        noms = {"type_quartier": "statut", "nom_commune": "commune", "annee_reconnaissance": "année", "nom_qp": "nom"}
        return [nom for var, nom in noms.items() if self.p_qpv(code_qp, var) == pv.SUPPOSE]


#: marque d'un niveau de comparaison qu'aucun fichier n'apporte, pour une année sans rapport publié
NON_RECU = "non reçu"

#: le territoire dans une phrase, selon son niveau (paramètre ``territoire``)
DU_TERRITOIRE = {
    "epci": "du territoire intercommunal",
    "departement": "du département",
    "region": "de la région",
    "france": "de France",
}


def faits(
    qpv: pd.DataFrame,
    qpv_communes: pd.DataFrame,
    refs: pd.DataFrame | None = None,
    manquantes: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    publies: dict | None = None,
    annee: int = 0,
    territoire: str = "",
    niveaux: pd.DataFrame | None = None,
    niveau_territoire: str = "epci",
    designation: Designation | None = None,
    fichier_insee: str = "",
    rapport: bool | None = None,
) -> Faits:
    """Les faits du chapitre à partir des tables nettoyées (``insee_references``, ``insee_provenance`` et
    ``insee_niveaux`` facultatives) et des chiffres publiés (``compute.qpv.valeurs_publiees``). Les niveaux de
    comparaison sont ceux de ``refs`` (reçus) complétés par les niveaux calculés de ``niveaux``
    (``compute.qpv.references_comparaison`` : la valeur reçue l'emporte)."""
    refs = cq.references_comparaison(refs, niveaux)
    return Faits(
        niveau_territoire=niveau_territoire or "epci",
        d=designation or designer(niveau_territoire),
        fichier_insee=fichier_insee,
        rapport=rapport,
        annee=int(annee),
        territoire=territoire or "",
        qpv=qpv,
        qpv_communes=qpv_communes,
        refs=refs,
        manquantes=manquantes,
        provenance=provenance,
        publies=dict(publies or {}),
        geo=cq.geographie(qpv, qpv_communes, refs).set_index("cle")["valeur"],
        synth=cq.synthese(qpv, refs, manquantes).set_index("code"),
        parts=cq.parts_agglomeration(qpv, refs).set_index("code"),
        quartiers=cq.quartiers(qpv, qpv_communes),
        reconstruit=cq.a_des_valeurs_reconstruites(provenance),
        sans_comparaison=refs is None or refs.empty,
        codes_locaux=bool(qpv["code_qp"].astype(str).str.startswith("LOC-").any()),
        prov=cq.provenances(provenance),
        niveaux=niveaux,
    )


# --------------------------------------------------------------------------------------------- briques


def source(f: Faits) -> str:
    """Ligne de source des figures."""
    return (
        f"INSEE et CAF (données par quartier), rapport {f.annee} ; valeurs par quartier reconstruites"
        if f.reconstruit
        else f"INSEE (données par quartier), {f.annee}"
    )


def note_reconstruit(f: Faits) -> str:
    """Rappel des valeurs reconstruites, sous les tableaux par quartier ; « » sans valeur reconstruite."""
    return (
        "Valeurs par quartier reconstruites, non publiées par le rapport (les quelques valeurs publiées sont "
        "marquées « publié » dans la colonne Provenance des tableaux par indicateur) : règle de reconstruction "
        "dans data/raw/README.md. Les moyennes des QPV concordent avec les chiffres publiés."
        if f.reconstruit
        else ""
    )


def si_reconstruit(f: Faits, texte: str) -> str:
    """Mention des valeurs reconstruites, seulement quand il y en a."""
    return texte if f.reconstruit else ""


def val(code: str, v, manquant: str = cq.NON_PUBLIE, provenance: str | None = None) -> str:
    """Valeur d'un indicateur dans une phrase, avec son unité (« 38,0 % », « 1 077 € par mois ») et la marque de sa
    provenance (« 38,0 %\\* » pour une valeur reconstruite ; rien pour une valeur publiée ou manquante)."""
    texte = formater(code, v, manquant)
    return pv.marquer(texte, provenance, markdown=True) if _connu(v) else texte


def gras(code: str, v, provenance: str | None = None) -> str:
    """Valeur en gras, marque hors du gras : « **38,0 %**\\* »."""
    return f"**{formater(code, v, cq.NON_PUBLIE)}**" + (pv.marque(provenance, markdown=True) if _connu(v) else "")


def nombre(v, provenance: str | None = None, decimales: int = 0) -> str:
    """Un nombre à la française avec la marque de sa provenance (« 36 299\\* »)."""
    return pv.marquer(nombre_fr(v, decimales), provenance, markdown=True) if _connu(v) else nombre_fr(v, decimales)


def part(v, provenance: str | None = None, decimales: int = 0) -> str:
    """Un pourcentage à la française avec la marque de sa provenance (« 19 %\\* »)."""
    return pv.marquer(pourcent(v, decimales), provenance, markdown=True) if _connu(v) else pourcent(v, decimales)


def avec_legende(paragraphes: list[str]) -> list[str]:
    """Les paragraphes d'une section, suivis de la légende des marques qu'ils emploient (une fois par section)."""
    paragraphes = [p for p in paragraphes if p]
    legende = pv.legende(paragraphes, markdown=True)
    return paragraphes + [legende] if legende else paragraphes


def parmi(f: Faits, code: str) -> str:
    """Préfixe d'un superlatif sur les quartiers : « » si toutes les valeurs comparées sont publiées, sinon
    « parmi les valeurs reconstruites, » (le rapport ne classe pas les quartiers : le classement vient de la
    reconstruction)."""
    return "" if f.p_qpv_tous(code) == pv.PUBLIE else "parmi les valeurs reconstruites, "


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


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


def contre(code: str, v, d: Designation | None = None, lieu: str | None = None, manquant: str = "non publiée") -> str:
    """« , contre 28,3 % à l'échelle de l'agglomération », ou « (valeur de l'agglomération non publiée) » ; le
    territoire nommé par sa nature (``d``)."""
    d = d or Designation()
    return f", contre {val(code, v)} {lieu or d.a_l_echelle}" if _connu(v) else f" (valeur {d.de} {manquant})"


def _manquante(f: Faits) -> str:
    """« non publiée » (année d'un rapport publié) ou « non reçue »."""
    return "non publiée" if f.a_un_rapport else "non reçue"


def au_niveau_qpv(f: Faits, code: str) -> str:
    """Comment dire le niveau « QPV du territoire » d'un indicateur selon sa règle : « en moyenne » (moyenne
    pondérée), « dans l'ensemble des QPV » (part recalculée), « en médiane des QPV » (médiane, jamais moyennée)."""
    regle = f.synth.loc[code, "regle"] if code in f.synth.index else None
    if regle == cn.MEDIANE:
        return "en médiane des QPV"
    if regle == cn.CALCULE and cq.definition_registre(code).agregation == "part":
        return "dans l'ensemble des QPV"
    return "en moyenne"


def approx(provenance: pd.DataFrame | None, niveau: str, code: str) -> str:
    """Mention d'une valeur de comparaison que le rapport donne comme approximative ; « » sinon."""
    colonne = cq.indicateur(code).colonne_reference(niveau)
    return (
        " (valeur approximative : le rapport n'en donne qu'un ordre de grandeur)"
        if cq.provenance_reference(provenance, niveau, colonne) == "approximatif"
        else ""
    )


def extreme(f: Faits, code: str, sens: str) -> tuple[str, float]:
    """Le ou les QPV (ex aequo) de valeur la plus élevée (``sens`` = « maximum ») ou la plus faible, nommés avec
    leurs communes, et cette valeur ; (« aucun quartier », NaN) si aucune valeur n'est connue."""
    noms, v, _p = extreme_prov(f, code, sens)
    return noms, v


def extreme_prov(f: Faits, code: str, sens: str) -> tuple[str, float, str]:
    """:func:`extreme`, et la provenance de la valeur extrême (la moins sûre des ex aequo)."""
    x = cq.extremes(f.qpv, code, f.qpv_communes)
    x = x[x["sens"] == sens]
    if x.empty:
        return "aucun quartier", math.nan, pv.PUBLIE
    noms = " et ".join(f"{e(q)} ({e(c)})" for q, c in zip(x["quartier"], x["communes"]))
    prov = pv.combiner(f.p_qpv(c, code) for c in x["code_qp"]) if "code_qp" in x.columns else pv.PUBLIE
    return noms, float(x["valeur"].iloc[0]), prov


SECRET_SIMULE = (
    "secret statistique simulé pour éprouver la règle : le rapport ne publie pas cette valeur, ce n'est "
    "pas l'INSEE qui l'a masquée"
)
SECRETS_SIMULES = (
    "secret statistique simulé pour éprouver la règle : le rapport ne publie pas ces valeurs, ce n'est "
    "pas l'INSEE qui les a masquées"
)


def exclus_secret(n, suite: str = "de la moyenne et du classement", simules: int = 0) -> str:
    """« 1 QPV dont la valeur est couverte par le secret statistique est exclu de la moyenne et du classement. »,
    au pluriel au-delà de 1 ; « » si aucun. ``simules`` : parmi les ``n``, cases vides qui SIMULENT le secret
    (provenance « simulé ») : elles sont dites simulées, jamais attribuées à l'INSEE."""
    if not n:
        return ""
    vrais = n - simules
    sortie = ""
    if vrais == 1:
        sortie += f"1 QPV dont la valeur est couverte par le secret statistique est exclu {suite}. "
    elif vrais > 1:
        sortie += f"{nombre_fr(vrais)} QPV dont la valeur est couverte par le secret statistique sont exclus {suite}. "
    if simules == 1:
        sortie += f"1 QPV dont la valeur est absente ({SECRET_SIMULE}) est exclu {suite}. "
    elif simules > 1:
        sortie += f"{nombre_fr(simules)} QPV dont la valeur est absente ({SECRETS_SIMULES}) sont exclus {suite}. "
    return sortie


# --------------------------------------------------------------------------------------------- sans comparaison


def constat(f: Faits, *codes: str) -> list[str]:
    """Sans niveau de comparaison publié : ce que disent les quartiers eux-mêmes, indicateur par indicateur
    (moyenne des QPV et quartiers extrêmes pour un taux ; total des QPV pour un effectif)."""
    sortie: list[str] = []
    for code in codes:
        if code not in f.qpv.columns:
            continue
        i = cq.indicateur(code)
        if i.genre == "taux":
            s = f.synth.loc[code]
            if not s["nb_qpv_renseignes"]:
                sortie.append(f"**{i.libelle}** : aucune valeur publiée (secret statistique pour tous les QPV).")
                continue
            haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
            bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
            n = s["nb_secrets"]
            simules = len(f.simules(code))
            secrets = (
                f" ; {accord(n, 'QPV', 'QPV')} en secret statistique"
                + (
                    f" ({'simulé' if n == 1 else 'simulés'} pour éprouver la règle : valeurs non publiées, "
                    f"non masquées par l'INSEE)"
                    if simules == n
                    else f" (dont {nombre_fr(simules)} simulé pour éprouver la règle)"
                    if simules
                    else ""
                )
                + f", {'exclu' if n == 1 else 'exclus'} de la moyenne et du classement"
                if n
                else ""
            )
            qualif = parmi(f, code)
            sortie.append(
                f"**{i.libelle}** : {gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)} "
                f"({s['regle']}) ; {qualif}{val(code, v_bas, provenance=p_bas)} dans le "
                f"quartier {bas}, le plus bas, et {val(code, v_haut, provenance=p_haut)} dans le quartier {haut}, le "
                f"plus haut{secrets}. Valeur {f.d.de} : {_manquante(f)}."
            )
        else:
            p = f.parts.loc[code]
            n = p["nb_qpv_renseignes"]
            sortie.append(
                f"**{i.libelle}** : {nombre(p['total_qpv'], f.p_qpv_tous(code))} {i.unite} dans les QPV "
                f"({accord(n, 'QPV renseigné', 'QPV renseignés')}) ; total {f.d.de} {_manquante(f).replace('ée', 'é')} "
                f": la part des QPV ne peut pas être calculée."
            )
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


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


# --------------------------------------------------------------------------------------------- tableaux par indicateur


def note_synthese(f: Faits) -> str:
    """Note du tableau de synthèse : la règle du niveau des QPV du territoire, et ce que disent les cases vides."""
    texte = (
        "QPV du territoire : ses quartiers agrégés selon la règle du registre des indicateurs — moyenne pondérée par "
        "la population concernée (« approximation pondérée » quand l'INSEE ne publie pas le dénominateur exact ; "
        "demandeurs d'emploi de chaque sexe pour l'ancienneté d'inscription), part recalculée (« calculé »), "
        "médiane des valeurs des quartiers avec leur étendue pour une médiane ou un décile (« médiane des QPV » : "
        "jamais une moyenne de médianes) — sur les QPV dont la valeur n'est pas couverte par le secret statistique. "
        "Écart en points pour les indicateurs en %."
    )
    if f.a_un_rapport:
        texte += " « non publié » : le rapport ne donne pas la valeur de ce niveau."
        if f.synth[cq.NIVEAU_MOYENNE_QPV].notna().any():
            texte += (
                " Moyenne des QPV (publiée) : la valeur imprimée par le rapport, calculée par lui (pour un revenu "
                "médian, une moyenne pondérée de médianes : son approximation)."
            )
    if f.sans_comparaison:
        return texte + f" Aucun niveau de comparaison n'a été reçu ni calculé pour {f.annee}."
    if f.synth[cq.NIVEAU_HORS_QPV].notna().any():
        return (
            texte
            + f" {f.d.hors_qpv} : femmes et hommes confondus"
            + (", valeur approximative." if approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f") else ".")
        )
    return texte


def note_indicateur(f: Faits) -> str:
    """Note du tableau des QPV sur un indicateur."""
    return (
        f"{formats.CONVENTION_RANG} ; ex aequo à la précision affichée ; valeur secrète non classée."
        + (f" {note_reconstruit(f)}" if note_reconstruit(f) else "")
        + (f" « {f.manquant} » : niveau de comparaison {f.manquant}." if f.sans_comparaison else "")
    )


def note_figure_indicateur(f: Faits, code: str) -> str:
    return si_reconstruit(
        f,
        f"{cq.indicateur(code).libelle} : valeurs par quartier reconstruites (data/raw/README.md) ; "
        f"la moyenne des QPV concorde avec le chiffre publié.",
    )


# --------------------------------------------------------------------------------------------- rubriques

#: Les rubriques de la situation socio-économique (celles du premier rapport transcrit) et leurs indicateurs. Une
#: rubrique dont aucun indicateur n'est dans le fichier de l'année n'est pas montrée : :func:`rubriques` la replie
#: dans une ligne ; les indicateurs absents d'une rubrique montrée sont dits en une ligne (:func:`absents`).
RUBRIQUES = {
    "Démographie": ("part_moins_25", "ind_jeune"),
    "Structure des ménages": ("part_menages_1pers",),
    "Éducation": ("part_retard_3e",),
    "Emploi": (
        "tx_tot_empl",
        "abcde",
        "abcde_f",
        "abcde_h",
        "part_de_plus_2ans_f",
        "part_de_plus_2ans_h",
        "nb_entrees_contrats_aides_2016",
    ),
    "Économie": (
        "nb_etablissements",
        "nbetab",
        "nb_etablissements_commerce_services",
        "nb_creations_transferts_2013",
    ),
    "Revenus": ("pmimp", "decuc_q2"),
    "Situation sociale": ("a", "nb_beneficiaires_rsa", "nb_beneficiaires_cmu"),
}
#: indicateurs de REP (niveau du territoire de ``insee_references``) qui font exister la rubrique Éducation
_REP = ("nb_ecoles_maternelles_rep", "nb_ecoles_primaires_rep", "nb_colleges_rep")


@dataclass(frozen=True)
class Rubrique:
    """Une rubrique montrée : son titre, ses paragraphes, les indicateurs de taux dont le chapitre montre le tableau
    par QPV et la figure."""

    titre: str
    paragraphes: list[str]
    indicateurs: list[str]


def rubriques(f: Faits) -> list[Rubrique]:
    """Les rubriques qui ont au moins un indicateur dans le fichier de l'année, dans l'ordre du chapitre."""
    fonctions = {
        "Démographie": demographie,
        "Structure des ménages": menages,
        "Éducation": education,
        "Emploi": emploi,
        "Économie": economie,
        "Revenus": revenus,
        "Situation sociale": social,
    }
    sortie = []
    for titre, codes in RUBRIQUES.items():
        presents = [c for c in codes if c in f.qpv.columns]
        rep = titre == "Éducation" and any(_connu(cq.valeur_reference(f.refs, cq.NIVEAU_AGGLO, c)) for c in _REP)
        if not presents and not rep:
            continue
        taux = [c for c in presents if cq.indicateur(c).genre == "taux"]
        sortie.append(Rubrique(titre, fonctions[titre](f), taux))
    return sortie


def rubriques_absentes(f: Faits) -> str:
    """Une ligne pour les rubriques dont aucun indicateur n'est dans le fichier (« » s'il n'y en a pas) : elles
    ne sont pas montrées, indicateur par indicateur."""
    montrees = {r.titre for r in rubriques(f)}
    absentes = [t for t in RUBRIQUES if t not in montrees]
    if not absentes:
        return ""
    return (
        f"*{'Rubrique' if len(absentes) == 1 else 'Rubriques'} sans indicateur dans le fichier de l'INSEE de "
        f"{f.annee} : {_liste(absentes).lower()}. Tous les indicateurs que le fichier contient sont montrés plus bas, "
        f"par thème.*"
    )


def absents(f: Faits, *codes: str) -> str:
    """Les indicateurs d'une rubrique absents du fichier de l'année, en une ligne ; « » s'il n'en manque aucun."""
    manquants = [cq.indicateur(c).libelle for c in codes if c not in f.qpv.columns]
    if not manquants:
        return ""
    return f"*Absent{'s' if len(manquants) > 1 else ''} du fichier de l'INSEE de {f.annee} : {e(_liste(manquants))}.*"


def _comparaisons(f: Faits, code: str) -> str:
    """« , contre 27,0 % pour les QPV du département et 27,5 % pour les QPV de la région » : les niveaux de
    comparaison qui ont une valeur (reçus ou calculés), nommés selon le territoire ; « » s'il n'y en a aucun."""
    s = f.synth.loc[code]
    morceaux = []
    for niveau, nom in (
        (cq.NIVEAU_AGGLO, f"{f.d.a_l_echelle}"),
        (cq.NIVEAU_HORS_QPV, f"dans le reste {f.d.de}"),
        (cq.NIVEAU_QPV_DEPARTEMENT, "pour les QPV du département"),
        (cq.NIVEAU_QPV_REGION, "pour les QPV de la région"),
        (cq.NIVEAU_QPV_FRANCE, "pour les QPV de France"),
    ):
        if niveau in s.index and _connu(s[niveau]):
            morceaux.append(f"{val(code, s[niveau], provenance=f.p_ref(niveau, code))} {nom}")
    return f", contre {_liste(morceaux)}" if morceaux else ""


def _etendue(f: Faits, code: str) -> str:
    """« ; de 665 € (quartier A) à 1 085 € (quartier B) » : les valeurs extrêmes des QPV."""
    s = f.synth.loc[code]
    if s["nb_qpv_renseignes"] < 2:
        return ""
    haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
    bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
    return (
        f" ; {parmi(f, code)}de {val(code, v_bas, provenance=p_bas)} ({bas}) à "
        f"{val(code, v_haut, provenance=p_haut)} ({haut})"
    )


def generique(f: Faits, *codes: str) -> list[str]:
    """Ce que disent les données, indicateur par indicateur, quand les phrases d'une rubrique n'ont pas toutes leurs
    données : pour un taux, le niveau des QPV du territoire (selon la règle du registre), les niveaux de comparaison
    qui ont une valeur et l'étendue des QPV ; pour un effectif, le total des QPV et leur part du territoire si elle
    est connue. Les indicateurs absents du fichier tiennent en une ligne."""
    sortie: list[str] = []
    for code in codes:
        if code not in f.qpv.columns:
            continue
        i = cq.indicateur(code)
        if i.genre == "taux":
            s = f.synth.loc[code]
            if not s["nb_qpv_renseignes"]:
                sortie.append(f"**{i.libelle}** : aucune valeur (secret statistique pour tous les QPV).")
                continue
            sortie.append(
                f"**{i.libelle}** : {gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)}"
                f"{publie(code, f.publies)}{_comparaisons(f, code)}{_etendue(f, code)}."
                + (
                    f" {exclus_secret(s['nb_secrets'], 'du niveau des QPV et du classement', len(f.simules(code)))}"
                    if s["nb_secrets"]
                    else ""
                )  # fmt: skip
            )
        elif i.genre == "effectif" and code in f.parts.index:
            p = f.parts.loc[code]
            part_txt = (
                f", soit {part(p['part_qpv'], f.p_part(code), 1)} du total {f.d.de}{publie(code, f.publies)}"
                if _connu(p["part_qpv"])
                else ""
            )
            sortie.append(
                f"**{i.libelle}** : {nombre(p['total_qpv'], f.p_qpv_tous(code))} {i.unite} dans les QPV{part_txt}."
            )
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


def _departement_pertinent(f: Faits) -> bool:
    """Les « QPV du département » ne se comparent qu'au territoire d'un EPCI (un département ne se compare pas à
    lui-même ; les QPV d'une région ont chacun leur département : voir les fiches)."""
    return f.d.niveau == "epci"


# --------------------------------------------------------------------------------------------- démographie


def _debut_jeunesse(f: Faits, sens: str) -> str | None:
    return {
        "plus": f"Sur le plan démographique, les quartiers prioritaires se démarquent du reste {f.d.de} par leur "
        "jeunesse.",
        "moins": "Sur le plan démographique, les quartiers prioritaires comptent proportionnellement moins de jeunes "
        f"que {f.d.le}.",
        "égal": "Sur le plan démographique, la part des jeunes est la même dans les quartiers prioritaires et dans "
        f"{f.d.le}.",
    }.get(sens)


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
    agglo = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO])
    dep = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_QPV_DEPARTEMENT])
    departement = JEUNESSE_DEPARTEMENT.get(dep)
    if _connu(s[cq.NIVEAU_AGGLO]):
        texte = (
            f"{_debut_jeunesse(f, agglo)} {_majuscule(f.d.a_l_echelle)}, {val(code, s[cq.NIVEAU_AGGLO])} des "
            f"habitants ont moins de 25 ans{approx(f.provenance, cq.NIVEAU_AGGLO, code)} ; au sein des QPV, leur part "
            f"est {au_niveau_qpv(f, code)} de "
        )
    else:
        texte = (
            f"Sur le plan démographique, la part des moins de 25 ans {f.d.de} n'est pas "
            f"{'publiée' if f.a_un_rapport else 'connue'} ; au sein des QPV, elle est {au_niveau_qpv(f, code)} de "
        )
    texte += f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))}{publie(code, f.publies)}"
    if _departement_pertinent(f):
        texte += (
            f", {departement} ({val(code, s[cq.NIVEAU_QPV_DEPARTEMENT], provenance=f.p_ref(cq.NIVEAU_QPV_DEPARTEMENT, code))})"
            if departement
            else f" (valeur des QPV du département {_manquante(f)})"
        )
    else:
        texte += _comparaisons(f, code)
    texte += "."
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
        texte += (
            f" Des différences significatives existent entre les quartiers : {parmi(f, code)}le quartier "
            f"**{haut}** est le plus marqué par sa jeunesse, les moins de 25 ans y représentant "
            f"{val(code, v_haut, provenance=p_haut)} de la population ; inversement, la population du quartier "
            f"**{bas}** ne compte que {val(code, v_bas, provenance=p_bas)} de moins de 25 ans."
        )
    return texte


def jeunes_du_departement(n: float, provenance: str | None = None) -> str:
    """« 1 jeune de moins de 25 ans sur 6 vit en quartier prioritaire » ; « » si le ratio n'est pas publié. Ratio de
    deux effectifs reconstruits (``provenance``) : il est exact par construction, et le texte le dit."""
    if not _connu(n):
        return ""
    if pv.normaliser(provenance) in (None, pv.PUBLIE, pv.RECU):
        return (
            f"Dans le département, **1 jeune de moins de 25 ans sur {nombre_fr(n, 0)}** vit en quartier "
            f"prioritaire (ratio exact : {nombre_fr(n, 2)})."
        )
    return (
        f"Dans le département, **1 jeune de moins de 25 ans sur {nombre_fr(n, 0)}** vit en quartier prioritaire "
        f"(ratio des effectifs reconstruits : {nombre(n, provenance, 2)}, égal au chiffre publié par construction : "
        f"les effectifs ont été choisis pour le redonner)."
    )


def _indice_jeunesse(f: Faits) -> str:
    code = "ind_jeune"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    debut = DEBUT_INDICE_JEUNESSE.get(sens, "L'indice de jeunesse des QPV est")
    return (
        f"{debut} {au_niveau_qpv(f, code)} de {gras(code, s['qpv_territoire'], f.p_moyenne(code))}"
        f"{publie(code, f.publies)}"
        + (
            contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))
            if f.d.intercommunal or _connu(s[cq.NIVEAU_AGGLO])
            else _comparaisons(f, code)
        )
        + " (indice de jeunesse : moins de 20 ans rapportés aux 60 ans et plus)."
    )


def demographie(f: Faits) -> list[str]:
    """Part des moins de 25 ans (comparée au territoire et aux QPV du département, quartiers extrêmes), jeunes du
    département vivant en QPV, indice de jeunesse."""
    codes = RUBRIQUES["Démographie"]
    if f.sans_comparaison:
        return constat(f, *codes)
    sortie: list[str] = []
    if "part_moins_25" in f.qpv.columns:
        sortie.append(_part_moins_25(f))
    if _departement_pertinent(f):
        sortie.append(
            jeunes_du_departement(
                cq.jeunes_en_qpv_departement(f.refs),
                pv.combiner(
                    f.p_ref(cq.NIVEAU_DEPARTEMENT, "pop_moins_25"), f.p_ref(cq.NIVEAU_QPV_DEPARTEMENT, "pop_moins_25")
                ),
            )
        )
    if "ind_jeune" in f.qpv.columns:
        sortie.append(_indice_jeunesse(f))
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- ménages, éducation


def _debut_menages(f: Faits, sens: str) -> str:
    return {
        "plus": "Les quartiers prioritaires ont un profil plutôt familial, mais la part des ménages composés d'une "
        "personne seule y reste relativement élevée :",
        "moins": "La part des ménages composés d'une personne seule est plus faible dans les quartiers prioritaires :",
        "égal": "La part des ménages composés d'une personne seule est la même dans les quartiers prioritaires et "
        f"dans {f.d.le} :",
    }.get(sens, "Ménages composés d'une personne seule :")


def menages(f: Faits) -> list[str]:
    """Ménages d'une personne seule : niveau des QPV comparé au territoire, quartiers extrêmes."""
    code = "part_menages_1pers"
    if f.sans_comparaison:
        return constat(f, code)
    if code not in f.qpv.columns:
        return [absents(f, code)]
    s = f.synth.loc[code]
    if not _connu(s[cq.NIVEAU_AGGLO]) and not f.a_un_rapport:
        return generique(f, code)
    texte = (
        f"{_debut_menages(f, cq.comparer(code, s['qpv_territoire'], s[cq.NIVEAU_AGGLO]))} "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} {au_niveau_qpv(f, code)} à l'échelle des QPV"
        f"{publie(code, f.publies)}{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}."
    )
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        bas, v_bas, p_bas = extreme_prov(f, code, "minimum")
        texte += (
            f" {_majuscule(parmi(f, code) + 'le')} quartier **{haut}** en compte le plus : "
            f"{val(code, v_haut, provenance=p_haut)} ; à l'inverse, le quartier **{bas}**, avec "
            f"{val(code, v_bas, provenance=p_bas)} de ménages d'une personne seule, a le profil le plus "
            f"familial."
        )
    return avec_legende([texte])


def ecoles_rep(maternelles, primaires, colleges) -> str:
    """Écoles et collèges classés en éducation prioritaire ; « » si l'un des nombres n'est pas publié."""
    if not all(_connu(v) for v in (maternelles, primaires, colleges)):
        return ""
    return (
        f"Sur le plan éducatif, {accord(maternelles, 'école maternelle', 'écoles maternelles')}, "
        f"{accord(primaires, 'école primaire', 'écoles primaires')} et {accord(colleges, 'collège')} sont classés "
        f"en réseau d'éducation prioritaire (REP)."
    )


def education(f: Faits) -> list[str]:
    """Écoles en REP, retard à l'entrée en 3e (niveau des QPV, territoire, quartier le plus touché, secrets)."""
    code = "part_retard_3e"
    if f.sans_comparaison:
        return constat(f, code)
    rep = [cq.valeur_reference(f.refs, cq.NIVEAU_AGGLO, c) for c in _REP]
    sortie = [p for p in [ecoles_rep(*rep)] if p]
    if code not in f.qpv.columns:
        return sortie + [absents(f, code)]
    s = f.synth.loc[code]
    texte = (
        f"Le taux d'élèves en retard d'au moins un an à l'entrée en 3e est {au_niveau_qpv(f, code)} de "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} à l'échelle des QPV{publie(code, f.publies)}"
        f"{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}. "
    )
    if s["nb_qpv_renseignes"] >= 2:
        haut, v_haut, p_haut = extreme_prov(f, code, "maximum")
        qualif = parmi(f, code)
        texte += f"Il atteint {val(code, v_haut, provenance=p_haut)} dans le quartier **{haut}**, " + (
            f"le plus élevé {qualif[:-2]}. " if qualif else "le plus élevé. "
        )
    sortie.append(
        texte
        + exclus_secret(s["nb_secrets"], simules=len(f.simules(code)))
        + (
            "Le rapport illustre le décrochage des établissements REP par ce taux, qui est mesuré à l'échelle "
            "des quartiers de résidence des élèves et non des établissements."
            if f.a_un_rapport
            else "Ce taux est mesuré à l'échelle des quartiers de résidence des élèves, non des établissements."
        )
    )
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- emploi


def _taux_emploi(f: Faits) -> str:
    code = "tx_tot_empl"
    s = f.synth.loc[code]
    sens = cq.comparer(code, s["qpv_territoire"], s[cq.NIVEAU_AGGLO])
    ecart = abs(s["ecart_agglomeration"])
    p_ecart = pv.combiner(f.p_moyenne(code), f.p_ref(cq.NIVEAU_AGGLO, code))
    if not _connu(s[cq.NIVEAU_AGGLO]) and not f.a_un_rapport:
        return generique(f, code)[0]
    return (
        f"Le taux d'emploi des 15-64 ans est {au_niveau_qpv(f, code)} de "
        f"{gras(code, s['qpv_territoire'], f.p_moyenne(code))} à l'échelle des QPV{publie(code, f.publies)}"
        f"{contre(code, s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
        + (
            f", soit {nombre(ecart, p_ecart, 1)} point{'s' if round(ecart, 1) >= 2 else ''} de {sens} dans les QPV."
            if sens in ("plus", "moins")
            else "."
        )
    )


def _demandeurs(f: Faits) -> str:
    """Part des QPV dans les demandeurs d'emploi du territoire, et leur nombre par sexe ; sans total du territoire,
    les seuls nombres des QPV (jamais une part vide)."""
    p = f.parts.loc["abcde"]
    par_sexe = (
        f"{nombre(f.parts.loc['abcde_h', 'total_qpv'], f.p_qpv_tous('abcde_h'))} hommes{publie('abcde_h', f.publies)}"
        f" et {nombre(f.parts.loc['abcde_f', 'total_qpv'], f.p_qpv_tous('abcde_f'))} femmes"
        f"{publie('abcde_f', f.publies)}"
    )
    if not _connu(p["part_qpv"]):
        return (
            f"Les QPV comptent {nombre(p['total_qpv'], f.p_qpv_tous('abcde'))} demandeurs d'emploi (catégories A à E) :"
            f" {par_sexe} ; le total {f.d.de} n'est pas {'publié' if f.a_un_rapport else 'connu'}, la part des QPV "
            f"ne peut pas être calculée."
        )
    return (
        f"**{pourcent(p['part_qpv'], 0)} des demandeurs d'emploi**{pv.marque(f.p_part('abcde'), markdown=True)} "
        f"(catégories A à E) {f.d.de} sont des habitants des QPV{publie('abcde', f.publies)}. On y "
        f"recense {par_sexe}."
    )


def _anciennete(f: Faits) -> str:
    sf, sh = f.synth.loc["part_de_plus_2ans_f"], f.synth.loc["part_de_plus_2ans_h"]
    hors_qpv, agglo = sf[cq.NIVEAU_HORS_QPV], sf[cq.NIVEAU_AGGLO]
    mf, mh = (pv.marque(f.p_moyenne(c), markdown=True) for c in ("part_de_plus_2ans_f", "part_de_plus_2ans_h"))
    texte = (
        f"La part des demandeurs d'emploi inscrits depuis plus de 2 ans s'élève en moyenne à "
        f"**{val('part_de_plus_2ans_f', sf['qpv_territoire'])} pour les femmes**{mf} et "
        f"**{val('part_de_plus_2ans_h', sh['qpv_territoire'])} pour les hommes**{mh} à l'échelle des QPV (moyennes "
        f"pondérées par le nombre de demandeurs d'emploi de chaque sexe)"
    )
    if _connu(hors_qpv) and not _connu(agglo):
        approximatif = bool(approx(f.provenance, cq.NIVEAU_HORS_QPV, "part_de_plus_2ans_f"))
        return (
            texte + f", contre {'environ ' if approximatif else ''}{val('part_de_plus_2ans_f', hors_qpv)} dans le "
            f"reste {f.d.de}, femmes et hommes confondus ("
            + ("valeur donnée comme approximative ; " if approximatif else "")
            + f"la valeur {f.d.de} entière n'est pas publiée : les écarts ci-dessous sont mesurés {f.d.a} "
            "hors QPV)."
        )
    if _connu(agglo):
        return texte + f"{contre('part_de_plus_2ans_f', agglo, f.d)}."
    return texte + (
        f" (valeur {f.d.de} {_manquante(f)})." if f.d.intercommunal else f"{_comparaisons(f, 'part_de_plus_2ans_f')}."
    )


def emploi(f: Faits) -> list[str]:
    """Taux d'emploi, demandeurs d'emploi (part des QPV, hommes et femmes), ancienneté d'inscription, contrats
    aidés."""
    codes = RUBRIQUES["Emploi"]
    if f.sans_comparaison:
        return constat(f, *codes)
    sortie: list[str] = []
    if "tx_tot_empl" in f.qpv.columns:
        sortie.append(_taux_emploi(f))
    if {"abcde", "abcde_f", "abcde_h"} <= set(f.parts.index):
        sortie.append(_demandeurs(f))
    else:
        sortie += generique(f, *[c for c in ("abcde", "abcde_f", "abcde_h") if c in f.qpv.columns])
    if {"part_de_plus_2ans_f", "part_de_plus_2ans_h"} <= set(f.synth.index):
        sortie.append(_anciennete(f))
    else:
        sortie += generique(f, *[c for c in ("part_de_plus_2ans_f", "part_de_plus_2ans_h") if c in f.qpv.columns])
    if "nb_entrees_contrats_aides_2016" in f.parts.index:
        p = f.parts.loc["nb_entrees_contrats_aides_2016"]
        if _connu(p["part_qpv"]):
            sortie.append(
                f"Parmi les {p['indicateur'].lower()}, "
                f"{part(p['part_qpv'], f.p_part('nb_entrees_contrats_aides_2016'))} concernaient des habitants "
                f"des QPV{publie('nb_entrees_contrats_aides_2016', f.publies)}."
            )
        else:
            sortie += generique(f, "nb_entrees_contrats_aides_2016")
    sortie.append(absents(f, *codes))
    return avec_legende(sortie)


# --------------------------------------------------------------------------------------------- économie, revenus, social


def economie(f: Faits) -> list[str]:
    """Part des QPV dans les établissements, ceux du commerce et des services, les créations et transferts ; avec
    les établissements tels que l'INSEE les nomme (``nbetab``) quand le fichier les a."""
    codes = ("nb_etablissements", "nb_etablissements_commerce_services", "nb_creations_transferts_2013")
    if f.sans_comparaison:
        return constat(f, *[c for c in RUBRIQUES["Économie"] if c in f.qpv.columns or c in codes])
    complet = set(codes) <= set(f.parts.index) and all(_connu(f.parts.loc[c, "part_qpv"]) for c in codes)
    if not complet:
        presents = [c for c in RUBRIQUES["Économie"] if c in f.qpv.columns]
        return generique(f, *presents) + (
            [] if "nbetab" in f.qpv.columns else [absents(f, *codes)] if not presents else []
        )
    pe, pc, pt = (f.parts.loc[c] for c in codes)
    return avec_legende(
        [
            f"Les QPV concentrent **{pourcent(pe['part_qpv'], 0)} des établissements**"
            f"{pv.marque(f.p_part(codes[0]), markdown=True)} présents {f.d.a_l_echelle}"
            f"{publie(codes[0], f.publies)}, et {part(pc['part_qpv'], f.p_part(codes[1]), 1)} des établissements du "
            f"commerce et des services{publie(codes[1], f.publies)}. Les créations et transferts d'établissements y "
            f"restent peu nombreux : {part(pt['part_qpv'], f.p_part(codes[2]))} seulement concernent les QPV"
            f"{publie(codes[2], f.publies)} ({pt['indicateur'][0].lower() + pt['indicateur'][1:]})."
        ]
    )


DEBUT_IMPOSES = {
    "nettement moins": "La proportion de ménages imposés est beaucoup plus faible dans les QPV",
    "moins": "La proportion de ménages imposés est plus faible dans les QPV",
    "plus": "La proportion de ménages imposés est plus élevée dans les QPV",
    "nettement plus": "La proportion de ménages imposés est beaucoup plus élevée dans les QPV",
}
SUITE_REVENU = {
    "moins": "Le revenu médian y est inférieur",
    "plus": "Le revenu médian y est supérieur",
    "égal": "Le revenu médian y est le même",
}


def _revenu_median(f: Faits) -> str:
    """La règle du niveau des QPV pour le revenu médian : la médiane des revenus médians des quartiers, avec leur
    étendue, jamais une moyenne de médianes ; l'approximation d'un rapport publié est dite comme telle."""
    r = f.synth.loc["decuc_q2"]
    texte = (
        "Le revenu est le revenu déclaré médian par unité de consommation, publié par l'INSEE en euros par an et "
        "divisé ici par 12 ; le niveau des QPV est la médiane des revenus médians des quartiers"
        + (
            f" (de {val('decuc_q2', r['minimum_qpv'], provenance=f.p_qpv_tous('decuc_q2'))} à "
            f"{val('decuc_q2', r['maximum_qpv'], provenance=f.p_qpv_tous('decuc_q2'))})"
            if _connu(r["minimum_qpv"]) and r["nb_qpv_renseignes"] >= 2
            else ""
        )
        + " : une médiane ne se moyenne pas."
    )
    publiee = r.get(cq.NIVEAU_MOYENNE_QPV)
    if f.a_un_rapport and _connu(publiee):
        texte += (
            f" Le rapport publie une moyenne pondérée de ces médianes ({val('decuc_q2', publiee)}), approximation "
            f"qu'il retient : elle est rappelée dans le tableau, jamais reprise comme niveau des QPV."
        )
    return texte


def revenus(f: Faits) -> list[str]:
    """Ménages imposés et revenu médian des QPV comparés au territoire ; QPV exclus (secret)."""
    codes = RUBRIQUES["Revenus"]
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.synth.index) or not (_connu(f.synth.loc["pmimp", cq.NIVEAU_AGGLO]) or f.a_un_rapport):
        sortie = generique(f, *codes)
        return sortie + ([_revenu_median(f)] if "decuc_q2" in f.synth.index else [])
    s, r = f.synth.loc["pmimp"], f.synth.loc["decuc_q2"]
    imposes = cq.comparer("pmimp", s["qpv_territoire"], s[cq.NIVEAU_AGGLO], nettement=0.25)
    revenu = cq.comparer("decuc_q2", r["qpv_territoire"], r[cq.NIVEAU_AGGLO])
    imposes_txt = (
        f"en moyenne {gras('pmimp', s['qpv_territoire'], f.p_moyenne('pmimp'))} des ménages fiscaux sont "
        f"imposés en QPV{publie('pmimp', f.publies)}"
        f"{contre('pmimp', s[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
    )
    revenu_txt = (
        f"{gras('decuc_q2', r['qpv_territoire'], f.p_moyenne('decuc_q2'))} en médiane des QPV"
        f"{contre('decuc_q2', r[cq.NIVEAU_AGGLO], f.d, manquant=_manquante(f))}"
    )
    if imposes == "nettement moins" and revenu == "moins":  # constat habituel : moins d'imposés, revenus plus bas
        phrase = (
            f"Les QPV se démarquent fortement du reste {f.d.de} par une proportion de ménages imposés "
            f"beaucoup plus faible ({imposes_txt}) et par un revenu médian inférieur : {revenu_txt}."
        )
    else:
        debut = DEBUT_IMPOSES.get(imposes) or (
            f"La proportion de ménages imposés est la même dans les QPV et dans {f.d.le}"
            if imposes == "égal"
            else "Ménages imposés"
        )
        phrase = f"{debut} ({imposes_txt}). {SUITE_REVENU.get(revenu, 'Revenu médian')} : {revenu_txt}."
    n, sim = r["nb_secrets"], len(f.simules("decuc_q2"))
    vrais = n - sim
    exclus = (
        ""
        if not vrais
        else " 1 QPV (revenu couvert par le secret statistique) est laissé de côté."
        if vrais == 1
        else f" {nombre_fr(vrais)} QPV (revenu couvert par le secret statistique) sont laissés de côté."
    )
    exclus += (
        ""
        if not sim
        else f" 1 QPV (revenu absent : {SECRET_SIMULE}) est laissé de côté."
        if sim == 1
        else f" {nombre_fr(sim)} QPV (revenus absents : {SECRETS_SIMULES}) sont laissés de côté."
    )
    return avec_legende([f"{phrase} {_revenu_median(f)}{exclus}"])


def social(f: Faits) -> list[str]:
    """Part des QPV dans les allocataires de la CAF, les bénéficiaires du RSA et de la CMU, rapprochée de leur part
    de la population."""
    codes = RUBRIQUES["Situation sociale"]
    if f.sans_comparaison:
        return constat(f, *codes)
    if not set(codes) <= set(f.parts.index) or not all(_connu(f.parts.loc[c, "part_qpv"]) for c in codes):
        return generique(f, *codes)
    p = f.parts["part_qpv"]
    m = {c: pv.marque(f.p_part(c), markdown=True) for c in codes}
    return avec_legende(
        [
            f"Les QPV accueillent une grande partie des habitants les plus fragiles {f.d.de} : "
            f"**{pourcent(p['a'], 0)} des allocataires de la CAF**{m['a']}{publie('a', f.publies)}, "
            f"**{pourcent(p['nb_beneficiaires_rsa'], 0)} des bénéficiaires du RSA**{m['nb_beneficiaires_rsa']}"
            f"{publie('nb_beneficiaires_rsa', f.publies)} et **{pourcent(p['nb_beneficiaires_cmu'], 0)} des "
            f"bénéficiaires de la CMU**{m['nb_beneficiaires_cmu']}{publie('nb_beneficiaires_cmu', f.publies)}, alors "
            f"qu'ils regroupent {part(f.geo['part_population_qpv'], f.p_part('pop_mun'))} de la population."
        ]
    )


# --------------------------------------------------------------------------------------------- poids des QPV, rangs


def note_parts(f: Faits) -> str | None:
    return si_reconstruit(
        f,
        "Totaux des QPV : sommes des effectifs par quartier (reconstruits). Totaux de "
        "l'agglomération reconstruits pour redonner les parts publiées (data/raw/README.md) : "
        "seules les parts et les totaux de demandeurs d'emploi par sexe sont publiés.",
    ) or (
        (
            "Totaux des QPV : sommes des effectifs par quartier. « non publié » : total du territoire non fourni "
            "(niveau de comparaison non publié)."
            if f.a_un_rapport
            else "Totaux des QPV : sommes des effectifs par quartier (total du territoire non reçu)."
        )
        if f.sans_comparaison
        else None
    )


def note_figure_parts(f: Faits) -> str:
    return si_reconstruit(
        f, "Parts calculées sur des effectifs reconstruits ; elles redonnent les parts publiées par le rapport."
    )


def note_effectifs(f: Faits) -> str:
    return (
        si_reconstruit(
            f,
            "Effectifs par quartier reconstruits (data/raw/README.md) : proportionnels à la "
            "population, modulés par la fragilité du quartier, répartis pour redonner les totaux et "
            "les parts publiés.",
        )
        or "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0)."
    )


def note_valeurs(f: Faits) -> str:
    return "« secret » : valeur couverte par le secret statistique (jamais remplacée par 0). " + note_reconstruit(f)


def note_rangs(f: Faits) -> str:
    return f"{formats.CONVENTION_RANG}, parmi les QPV renseignés." + si_reconstruit(
        f,
        " Rangs calculés sur des valeurs reconstruites : ils illustrent la méthode et ne décrivent pas des quartiers "
        "réels, sauf pour les valeurs publiées par le rapport.",
    )


# --------------------------------------------------------------------------------------------- valeurs manquantes


def valeurs_manquantes(f: Faits, secrets: pd.DataFrame, resume: pd.DataFrame) -> str:
    """Les valeurs des QPV couvertes par le secret statistique (``compute.qpv.valeurs_secretes``) et les cases
    « n.d. » des quartiers que l'INSEE ne couvre pas (``compute.qpv.resume_manquantes``)."""
    nd = int(resume.loc[resume["motif"] == cq.MOTIF_NON_DISPONIBLE, "cases"].sum()) if len(resume) else 0
    simule = [f.p_qpv(c, v) == pv.SIMULE for c, v in zip(secrets["code_qp"], secrets["variable"])]
    n_sim = sum(simule)
    vrais = secrets[pd.Series([not x for x in simule], index=secrets.index, dtype=bool)]
    texte = ""
    if len(vrais) or not n_sim:
        texte = (
            f"**{len(vrais)} valeur(s) de QPV** sont couvertes par le secret statistique (petits effectifs), "
            f"dans {vrais['code_qp'].nunique()} quartier(s) : elles sont affichées « secret », ne comptent ni dans "
            f"les moyennes ni dans les classements, et ne sont jamais remplacées par 0."
        )
    if n_sim:
        sim = secrets[simule]
        texte += (
            (" " if texte else "") + f"**{accord(n_sim, 'valeur absente', 'valeurs absentes')}** de QPV, dans "
            f"{accord(sim['code_qp'].nunique(), 'quartier')} ({SECRETS_SIMULES if n_sim > 1 else SECRET_SIMULE}) : "
            f"{'elle est affichée' if n_sim == 1 else 'elles sont affichées'} « secret », avec la provenance "
            f"« simulé », ne {'compte' if n_sim == 1 else 'comptent'} ni dans les moyennes ni dans les "
            f"classements, et ne {'est' if n_sim == 1 else 'sont'} jamais remplacée{'s' if n_sim > 1 else ''} "
            f"par 0."
        )
    return texte + (
        f" Par ailleurs, l'INSEE ne publie aucune donnée pour les quartiers communautaires et de veille ({nd} "
        f"cases « n.d. », non disponibles)."
        if len(f.autres)
        else ""
    )


# --------------------------------------------------------------------------------------------- concordance

NOTE_CONCORDANCE = (
    "« ≈ » : chiffre que le rapport donne lui-même comme approximatif (« près de », « environ ») ; il "
    "concorde s'il est dans la tolérance déclarée."
)
NOTE_INDICATEURS = (
    "Métadonnées tenues dans le registre des indicateurs (data/reference/indicateurs_qpv.csv) : libellés, unités, "
    "règles de calcul du niveau des QPV et bases de pondération."
)


def concordance(conc: pd.DataFrame) -> str:
    """Les contradictions du rapport sur les chiffres du chapitre (lignes de la concordance), ou combien concordent."""
    doc = conc[conc["ecart_documente"]]
    if len(doc):
        return "**Contradictions du rapport sur les chiffres de ce chapitre :**\n\n" + "\n".join(
            f"- {e(lib)} : {e(x)}" for lib, x in zip(doc["libelle"], doc["explication"])
        )
    return (
        "Aucune contradiction du rapport n'est documentée pour les chiffres de ce chapitre "
        f"({(conc['statut'] == 'identique').sum()} chiffres sur {len(conc)} concordent)."
    )


def sans_rapport_publie(annee: int) -> str:
    return (
        f"Pas de rapport publié pour {annee} : aucun chiffre publié à comparer (fichier "
        f"`chiffres_publies_{annee}.csv` absent des référentiels du territoire)."
    )


# --------------------------------------------------------------------------------------------- provenance des tableaux

_ATTRIBUTS = {
    "nom_qp": "nom",
    "type_quartier": "statut",
    "nom_commune": "commune",
    "annee_reconnaissance": "année de reconnaissance",
}


def provenance_identite(f: Faits, code_qp: str) -> str:
    """Provenance de l'identité d'un quartier, pour une colonne de tableau : « publié », ou le détail des attributs
    qui ne le sont pas (« statut : supposé ; commune : supposé », « nom : reconstruit »)."""
    defaut = getattr(f.prov, "defaut", pv.PUBLIE)
    details = [f"{nom} : {f.p_qpv(code_qp, var)}" for var, nom in _ATTRIBUTS.items() if f.p_qpv(code_qp, var) != defaut]
    return " ; ".join(details) or defaut


def provenances_identites(f: Faits) -> dict[str, str]:
    """code_qp -> :func:`provenance_identite`, pour chaque quartier ; vide sans fichier de provenance."""
    if not f.prov:
        return {}
    return {c: provenance_identite(f, c) for c in f.quartiers["code_qp"]}


def marques_supposees(f: Faits) -> dict[str, str]:
    """code_qp -> « (supposé : statut, commune) » pour les quartiers dont un attribut est supposé (liste des fiches)."""
    return {c: f"(supposé : {', '.join(f.supposes(c))})" for c in f.quartiers["code_qp"] if f.supposes(c)}


def rattachements_supposes(f: Faits) -> dict[str, list[str]]:
    """commune -> quartiers dont le rattachement à cette commune est supposé (commune supposée)."""
    sortie: dict[str, list[str]] = {}
    noms = dict(zip(f.quartiers["code_qp"], f.quartiers["quartier"]))
    for code, commune in zip(f.qpv_communes["code_qp"], f.qpv_communes["commune"]):
        if f.p_qpv(code, "nom_commune") == pv.SUPPOSE:
            sortie.setdefault(commune, []).append(noms.get(code, code))
    return sortie


def provenances_chiffres_cles(f: Faits) -> dict[str, str] | None:
    """Provenance de chaque chiffre clé (``compute.qpv.geographie``) ; ``None`` sans fichier de provenance."""
    if not f.prov and f.provenance is None:
        return None
    qpv = f.quartiers[f.quartiers["est_qpv"]]
    autres = pv.combiner(f.p_qpv(c, v) for c in f.autres["code_qp"] for v in ("type_quartier", "nom_commune"))
    return {
        "nb_qpv": pv.PUBLIE,
        "nb_communes_qpv": pv.combiner(f.p_qpv(c, "nom_commune") for c in qpv["code_qp"]),
        "nb_qpv_multicommunes": pv.combiner(f.p_qpv(c, "nom_commune") for c in qpv["code_qp"]),
        "nb_quartiers_communautaires": autres,
        "nb_quartiers_veille": autres,
        "pop_qpv": f.p_qpv_tous("pop_mun"),
        "pop_agglomeration": f.p_ref(cq.NIVEAU_AGGLO, "pop_mun"),
        "part_population_qpv": f.p_part("pop_mun"),
    }


def cellules_simulees(f: Faits) -> set[tuple[str, str]]:
    """(code_qp, variable) des cases vides qui simulent le secret statistique."""
    return {(c, v) for (c, v) in (f.prov or {}) if f.p_qpv(c, v) == pv.SIMULE}


def provenance_tableau(f: Faits, tableau: str) -> str | None:
    """Note « Provenance : … » d'un tableau du chapitre dont les valeurs partagent une provenance (ou dont la
    provenance se lit par colonne) ; ``None`` si toutes ses valeurs sont publiées (aucune valeur reconstruite). Valeurs
    reçues (fichier de l'INSEE sans fichier de provenance) : « reçu », le fichier nommé ; ce qui en est calculé :
    « recalculé »."""
    if f.recu:
        recu = pv.note(pv.RECU, source=f.source_recue)
        return {
            "synthese": f"Provenance : « QPV du territoire » et écarts : recalculé (à partir des valeurs reçues, "
            f"{f.source_recue}) ; niveaux de comparaison : recalculé (origine « calculé », « approximation "
            f"pondérée », « médiane des QPV » : à partir du même fichier) ou reçu (origine « reçu » : "
            f"insee_references).",
            "parts": f"Provenance : « Total des QPV » et parts : recalculé (à partir des valeurs reçues, "
            f"{f.source_recue}).",
            "effectifs": recu,
            "valeurs": recu,
            "rangs": pv.note(pv.RECALCULE, "Rangs calculés sur les valeurs reçues.", source=f.source_recue),
        }.get(tableau)
    if not f.reconstruit:
        return None
    simule = (
        " Cases « secret (simulé) » : secret statistique simulé pour éprouver la règle (valeur non publiée, "
        "non masquée par l'INSEE)."
        if cellules_simulees(f)
        else ""
    )
    notes = {
        "synthese": "Provenance : « QPV du territoire » et « Écart » : reconstruit (calculés sur des valeurs "
        "par quartier reconstruites ; ils redonnent les moyennes publiées, sauf le revenu médian : médiane des QPV) ; "
        "« Moyenne des QPV (publiée) », "
        "« Agglomération », « Agglomération hors QPV », « QPV du département » : publié, sauf valeurs "
        "approximatives signalées en note.",
        "parts": "Provenance : « Total des QPV », « Total de l'agglomération » et « Part des QPV » : reconstruit "
        "(effectifs et totaux reconstruits pour redonner les parts publiées) ; « Part publiée » : publié.",
        "effectifs": pv.note(pv.RECONSTRUIT, "Effectifs par quartier." + simule),
        "valeurs": pv.note(
            pv.RECONSTRUIT,
            "Sauf les quelques valeurs publiées par le rapport, marquées « publié » dans "
            "la colonne Provenance des tableaux par indicateur." + simule,
        ),
        "rangs": pv.note(
            pv.RECONSTRUIT,
            "Rangs calculés sur des valeurs par quartier reconstruites : le rapport ne "
            "classe pas les quartiers." + simule,
        ),
        "manquantes": (
            "Provenance : les cases « secret statistique » de ce territoire sont simulées (provenance "
            "« simulé ») pour éprouver la règle ; les cases « non disponible » sont celles des quartiers que "
            "l'INSEE ne couvre pas."
            if cellules_simulees(f)
            else None
        ),
        "concordance": "Provenance : « Publié » : publié (chiffre du rapport) ; « Recalculé » : recalculé à partir des "
        "tables, dont les valeurs par quartier reconstruites (les valeurs « identiques » le sont en "
        "partie par construction).",
    }
    return notes.get(tableau)


# --------------------------------------------------------------------------------------------- niveaux calculés


def _liste(elements) -> str:
    """« a », « a et b », « a, b et c »."""
    elements = list(elements)
    return elements[0] if len(elements) == 1 else ", ".join(elements[:-1]) + " et " + elements[-1]


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


# --------------------------------------------------------------------------------------------- textes des sections


def introduction(f: Faits) -> str:
    """L'ouverture du chapitre : pour l'année d'un rapport publié, la section qu'il reprend et les chiffres publiés
    rappelés ; sinon, ce que le chapitre montre du fichier reçu, sans parler d'aucun rapport."""
    presents = [
        nom
        for niveau, nom in (
            (cq.NIVEAU_AGGLO, f.d.de),
            (cq.NIVEAU_QPV_DEPARTEMENT, "des QPV du département"),
            (cq.NIVEAU_QPV_REGION, "des QPV de la région"),
            (cq.NIVEAU_QPV_FRANCE, "des QPV de France"),
        )
        if niveau in f.synth.columns and f.synth[niveau].notna().any()
    ]
    if f.d.niveau == "region" and f.niveaux is not None and len(f.niveaux):
        if f.niveaux["niveau"].astype(str).str.startswith(f"{cq.NIVEAU_QPV_DEPARTEMENT} ").any():
            presents.append("des QPV de son département pour chaque quartier")
    niveaux = _liste(presents) if presents else "des autres quartiers du territoire"
    if f.a_un_rapport:
        return (
            "Ce chapitre reprend la section 1 du rapport, « Le contrat de ville et ses orientations stratégiques » : "
            f"la géographie prioritaire {f.d.de}, puis la situation socio-économique initiale des quartiers "
            f"prioritaires (QPV), comparée à celle {niveaux}. Chaque chiffre est recalculé à partir des "
            "tables INSEE nettoyées ; les chiffres publiés par le rapport sont rappelés à côté.\n\n"
            "La dernière partie montre **tous les indicateurs du fichier de l'INSEE, par thème**, avec leurs rangs et "
            "leurs écarts à chaque niveau de comparaison, reçu ou calculé."
        )
    return (
        f"La géographie prioritaire {f.d.de} ({e(f.territoire)}), puis la situation socio-économique des quartiers "
        f"prioritaires (QPV) d'après le fichier de l'INSEE reçu ({e(f.source_recue)}), comparée à celle {niveaux}. "
        "Chaque niveau de plusieurs quartiers est calculé selon la règle de son indicateur (registre des "
        "indicateurs) : jamais une moyenne de médianes.\n\n"
        "La dernière partie montre **tous les indicateurs du fichier, par thème**, avec leurs rangs et leurs écarts "
        "à chaque niveau de comparaison, reçu ou calculé."
    )


def intro_fiches(f: Faits) -> str:
    """Le paragraphe au-dessus de la liste des fiches quartier."""
    comparaisons = ["aux autres quartiers", "aux QPV du territoire"]
    if f.synth[cq.NIVEAU_AGGLO].notna().any():
        comparaisons.append(f.d.a)
    if f.d.intercommunal:
        comparaisons.append("aux QPV du département")
    elif f.d.niveau == "region":
        comparaisons.append("aux QPV de son département")
    autres = " (QPV et quartiers communautaires ou de veille)" if len(f.autres) else ""
    return (
        f"Une fiche par quartier{autres} : ses indicateurs comparés {_liste(comparaisons)}, son rang, et les actions "
        "de la programmation situées dans sa ou ses communes quand l'année a une programmation."
    )


def intro_situation(f: Faits) -> str:
    """Le paragraphe qui ouvre la situation socio-économique : les niveaux de comparaison qui existent, nommés."""
    niveaux = ["les **QPV du territoire** (leurs quartiers agrégés selon la règle de chaque indicateur)"]
    if f.synth[cq.NIVEAU_AGGLO].notna().any():
        niveaux.append(f"**{f.d.le}**")
    for niveau, nom in (
        (cq.NIVEAU_QPV_DEPARTEMENT, "les **QPV du département**"),
        (cq.NIVEAU_QPV_REGION, "les **QPV de la région**"),
        (cq.NIVEAU_QPV_FRANCE, "les **QPV de France**"),
    ):
        if niveau in f.synth.columns and f.synth[niveau].notna().any():
            niveaux.append(nom)
    texte = f"Les indicateurs de chaque QPV sont comparés {'à ' if len(niveaux) == 1 else 'à plusieurs niveaux : '}"
    texte += _liste(niveaux) + "."
    if f.a_un_rapport:
        texte += " Le rapport publie la moyenne des QPV de certains indicateurs : elle est rappelée à côté."
    if "decuc_q2" in f.qpv.columns:
        texte += (
            " Le revenu médian par unité de consommation est publié par l'INSEE en euros par an : il est montré "
            "**par mois** (divisé par 12)."
        )
    return texte + " Les règles de calcul de chaque indicateur sont données en fin de chapitre."


def titre_poids(f: Faits) -> str:
    return f"## Poids des QPV dans {f.d.le}"


def intro_poids(f: Faits) -> str:
    if f.parts["part_qpv"].notna().any():
        return (
            f"Pour les effectifs (demandeurs d'emploi, allocataires, établissements…), la comparaison porte sur la "
            f"part des QPV dans le total {f.d.de}, à rapprocher de leur part de la population."
        )
    return (
        f"Pour les effectifs (demandeurs d'emploi, allocataires, établissements…), le total {f.d.de} n'est pas "
        f"{'publié' if f.a_un_rapport else 'reçu'} : les totaux des QPV sont donnés sans leur part."
    )


def intro_classement(f: Faits) -> str:
    return (
        f"Rang de chaque QPV sur chaque indicateur. {formats.CONVENTION_RANG} : le sens de chaque indicateur vient du "
        "registre des indicateurs et figure dans l'en-tête de sa colonne. Des valeurs égales à la précision affichée "
        "sont ex aequo et partagent le même rang ; une valeur couverte par le secret statistique n'est pas classée."
    )
