"""Référentiels du territoire (communes, porteurs, nomenclature, périmètres) et de l'année, et les
communes d'un territoire du Code officiel géographique."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from politique_ville.base.errors import ErreurDonnees
from politique_ville.clean.nettoyage._communs import cle
from politique_ville.reference import territoires
from politique_ville.reference.parametres import nom_territoire, territoire_du_referentiel


@dataclass
class Referentiels:
    """Référentiels du territoire (son dossier, paramètre ``reference_dir`` ; les référentiels communs de
    ``data/reference/``) et de l'année (feuille de route nettoyée).

    ``territoire`` : le territoire du référentiel officiel (``territoires.Territoire``) quand les paramètres le
    désignent par son code (``territoire: {niveau, code}``) ; sans ``communes.csv`` dans le dossier des
    référentiels, les communes viennent alors du Code officiel géographique (:func:`communes_du_cog`).
    ``nom_territoire`` : nom affiché dans les messages d'erreur."""

    communes: pd.DataFrame
    porteurs: pd.DataFrame
    nomenclature: pd.DataFrame
    perimetres: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["nom", "type", "variantes"]))
    feuille_de_route: pd.DataFrame | None = None
    territoire: object | None = None
    nom_territoire: str = ""
    #: dossier des référentiels du territoire (paramètre ``reference_dir``), nommé par les messages d'erreur
    dossier: Path | None = None

    @classmethod
    def charger(cls, catalogue, parametres: dict | None = None) -> Referentiels:
        """Référentiels du territoire (``catalogue.reference_dir``, paramètre ``reference_dir``) ; avec les
        ``parametres`` de l'année, le territoire désigné par son code. Un ``communes.csv`` du dossier du territoire
        l'emporte (graphies, périmètres tapés à la main) ; sans lui, les communes du territoire viennent du Code
        officiel géographique. Sans porteurs ni périmètres (territoire qui n'a que le fichier de l'INSEE), ces
        référentiels sont vides ; la nomenclature des piliers et thématiques est celle du territoire s'il en a une,
        sinon la nomenclature commune (``data/reference/nomenclature.csv``). Aucune table propre à un autre
        territoire n'est jamais lue."""

        propre = catalogue.ref_dir  # dossier du territoire (None : seulement les référentiels communs)
        territoire = territoire_du_referentiel(parametres) if parametres else None

        def du_territoire(nom: str) -> bool:
            return propre is not None and (propre / f"{nom}.csv").is_file()

        if du_territoire("communes"):
            communes = catalogue.lire_reference("communes")
        elif territoire is not None:
            communes = communes_du_cog(territoire)
        else:
            raise ErreurDonnees(
                "territoire donné par son seul nom, sans référentiel de ses communes : désignez-le par son code "
                '(territoire: {niveau: epci, code: "…"}, communes lues dans le Code officiel géographique) ou '
                "donnez le dossier de ses référentiels (paramètre reference_dir) avec un communes.csv",
                fichier=str(propre / "communes.csv") if propre is not None else "params",
            )
        perimetres = catalogue.lire_reference("perimetres") if du_territoire("perimetres") else None
        porteurs = (
            catalogue.lire_reference("porteurs")
            if du_territoire("porteurs")
            else pd.DataFrame(columns=["alias", "porteur_canonique", "type_porteur"])
        )
        nomenclature = (
            catalogue.lire_reference("nomenclature")
            if catalogue.fichier_reference("nomenclature.csv").is_file()
            else pd.DataFrame(columns=["type", "code", "libelle", "variantes", "parent"])
        )
        return cls(
            communes=communes,
            porteurs=porteurs,
            nomenclature=nomenclature,
            **({"perimetres": perimetres} if perimetres is not None else {}),
            territoire=territoire,
            nom_territoire=nom_territoire(parametres) if parametres else "",
            dossier=propre,
        )

    def __post_init__(self):
        self._communes = {}
        variantes = self.communes["variantes"] if "variantes" in self.communes.columns else [""] * len(self.communes)
        for nom, var in zip(self.communes["nom_officiel"], variantes):
            for v in [nom, *str(var if isinstance(var, str) else "").split("|")]:
                if v.strip():
                    self._communes[cle(v)] = nom
        self._perimetres = {}
        for _, p in self.perimetres.iterrows():
            for v in [p["nom"], *str(p.get("variantes", "")).split("|")]:
                if v.strip():
                    self._perimetres[cle(v)] = p["nom"]
        self._porteurs_exact = dict(zip(self.porteurs["alias"], self.porteurs["porteur_canonique"]))
        self._porteurs = {}
        for alias, canon in zip(self.porteurs["alias"], self.porteurs["porteur_canonique"]):
            self._porteurs.setdefault(cle(alias), canon)
            self._porteurs.setdefault(cle(canon), canon)
        self._types_porteur = dict(zip(self.porteurs["porteur_canonique"], self.porteurs["type_porteur"]))
        self._codes_insee: dict | None = None  # nom officiel -> position dans ``communes`` (voir ``code_insee``)
        self._nomenclature: dict[str, dict[str, tuple[str, str]]] = {}
        self._parents: dict[tuple[str, str], str] = {}
        for _, n in self.nomenclature.iterrows():
            d = self._nomenclature.setdefault(n["type"], {})
            for v in [n["code"], n["libelle"], *str(n.get("variantes", "")).split("|")]:
                if v.strip():
                    d.setdefault(cle(v), (n["code"], n["libelle"]))
            if str(n.get("parent", "")).strip():
                self._parents[(n["type"], n["code"])] = n["parent"]

    def codes_territoire(self) -> set[str]:
        """Codes INSEE des communes du territoire : celles du territoire officiel s'il est désigné par son code,
        et celles du référentiel des communes qui ont un code."""
        codes = set(self.territoire.communes) if self.territoire is not None else set()
        if "code_insee" in self.communes.columns:
            codes |= {str(c).strip() for c in self.communes["code_insee"] if isinstance(c, str) and c.strip()}
        return codes

    def libelle_territoire(self) -> str:
        if self.territoire is not None:
            return (
                f"« {self.nom_territoire or self.territoire.nom} » ({self.territoire.niveau} {self.territoire.code})"
                if self.territoire.code
                else f"« {self.nom_territoire or self.territoire.nom} »"
            )
        return f"« {self.nom_territoire} »" if self.nom_territoire else "du référentiel des communes"

    def _fichier_du_territoire(self, nom: str) -> str:
        """« communes.csv du dossier des référentiels du territoire (…) » : jamais le fichier d'un autre territoire."""
        if self.dossier is not None:
            return f"{Path(self.dossier) / nom}"
        return f"un {nom} dans le dossier des référentiels du territoire (paramètre reference_dir, à créer)"

    def conseil_commune(self) -> str:
        """Que faire d'une commune inconnue, selon la source des communes du territoire."""
        if self.territoire is not None and not (
            self.dossier is not None and (Path(self.dossier) / "communes.csv").is_file()
        ):
            return (
                f"ni commune du territoire {self.libelle_territoire()} selon le Code officiel géographique, ni "
                f"périmètre connu ; si c'est une autre graphie d'une de ses communes, ajoutez-la à "
                f"{self._fichier_du_territoire('communes.csv')}"
            )
        return (
            f"ni commune du territoire ni périmètre connu : ajoutez-la ou sa graphie à "
            f"{self._fichier_du_territoire('communes.csv')}"
        )

    def conseil_porteur(self) -> str:
        return f"ajoutez sa graphie au référentiel des porteurs du territoire, {self._fichier_du_territoire('porteurs.csv')}"

    # -- recherches (renvoient None si inconnu)
    def commune(self, texte: str) -> str | None:
        return self._communes.get(cle(texte))

    def perimetre(self, texte: str) -> str | None:
        return self._perimetres.get(cle(texte))

    def porteur(self, texte: str) -> str | None:
        return self._porteurs_exact.get(texte) or self._porteurs.get(cle(texte))

    def type_du_porteur(self, canonique: str) -> str | None:
        return self._types_porteur.get(canonique)

    def code(self, type_: str, texte: str) -> tuple[str, str] | None:
        return self._nomenclature.get(type_, {}).get(cle(texte))

    def parent(self, type_: str, code: str) -> str | None:
        return self._parents.get((type_, code))

    def noms_communes(self) -> list[str]:
        return sorted(self.communes["nom_officiel"])

    def code_insee(self, nom_officiel: str) -> str:
        """Code INSEE d'une commune (première ligne de ce nom dans le référentiel), « » si elle est inconnue."""
        if self._codes_insee is None:  # index construit au premier appel : une recherche par dictionnaire ensuite
            self._codes_insee = {}
            for i, nom in enumerate(self.communes["nom_officiel"]):
                self._codes_insee.setdefault(nom, i)
        if nom_officiel not in self._codes_insee:
            return ""
        return str(self.communes["code_insee"].iloc[self._codes_insee[nom_officiel]] or "")


def communes_du_cog(territoire) -> pd.DataFrame:
    """Référentiel des communes d'un territoire du Code officiel géographique (``territoires.Territoire``), aux
    colonnes de ``communes.csv`` : nom officiel, code INSEE, variantes (anciens noms : communes déléguées ou
    associées), ``contrat_de_ville`` et ``qpv`` inconnus (vides)."""

    codes = set(territoire.communes)
    du_territoire = territoires.communes_de(codes, alias=True)  # ses communes et celles qui leur sont rattachées
    actuelles = du_territoire[(du_territoire["type"] == "COM") & du_territoire["code"].isin(codes)]
    anciens = du_territoire[(du_territoire["type"] != "COM") & du_territoire["rattachement"].isin(codes)]
    variantes = anciens.groupby("rattachement")["nom"].agg(lambda s: " | ".join(sorted(set(s))))
    return pd.DataFrame(
        {
            "nom_officiel": actuelles["nom"].values,
            "code_insee": actuelles["code"].values,
            "variantes": [variantes.get(c, "") for c in actuelles["code"]],
            "contrat_de_ville": "",
            "qpv": "",
        }
    )
