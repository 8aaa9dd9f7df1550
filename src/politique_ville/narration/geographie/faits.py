"""Les faits du chapitre 10, calculés une fois : :class:`Faits` (tables nettoyées, chiffres publiés, résumés de
:mod:`politique_ville.compute.qpv`, provenance de chaque valeur) et :func:`faits`, qui les construit."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from politique_ville.compute import niveaux as cn
from politique_ville.compute import qpv as cq
from politique_ville.reference import provenance as pv
from politique_ville.reference.designation import Designation
from politique_ville.reference.designation import designation as designer


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
    #: QPV renseignés de chaque variable, cherchés une fois (les phrases demandent la provenance d'une même variable
    #: plusieurs fois : 19 fois par chapitre, chaque fois en refiltrant la table)
    _renseignes: dict = field(default_factory=dict, repr=False, compare=False)

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
        if variable not in self._renseignes:
            q = self.qpv[self.qpv["type_quartier"] == cq.TYPE_QPV]
            if variable not in q.columns:
                self._renseignes[variable] = ()
            else:
                x = pd.to_numeric(q[variable], errors="coerce")
                self._renseignes[variable] = tuple(q.loc[x.notna(), "code_qp"])
        return list(self._renseignes[variable])

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
