"""Le territoire dans les phrases et les en-têtes, selon sa nature : « la métropole », « l'agglomération », « la
communauté de communes », « le département », « la région », « la France ».

La nature d'un EPCI vient du Code officiel géographique (type ``METRO``, ``MET69``, ``CU``, ``CA``, ``CC`` de
``data/reference/cog/epci.csv``) ; un territoire donné par son seul nom est une agglomération (le cas d'un contrat
de ville intercommunal). Module sans dépendance (chaînes seulement) : ``narration``, ``present`` et ``figures`` s'en
servent ; le niveau de comparaison du territoire garde sa clé interne (« Agglomération », colonne de
``insee_references``), seul son libellé suit la nature.
"""

from __future__ import annotations

from dataclasses import dataclass

#: nature d'un EPCI selon son type dans le COG
NATURES_EPCI = {
    "METRO": "métropole",
    "MET69": "métropole",
    "CU": "communauté urbaine",
    "CA": "agglomération",
    "CC": "communauté de communes",
}
#: nature des autres niveaux de territoire
NATURES_NIVEAUX = {"departement": "département", "region": "région", "france": "France"}
_FEMININ = {"métropole", "communauté urbaine", "agglomération", "communauté de communes", "région", "France"}


@dataclass(frozen=True)
class Designation:
    """Les mots d'un territoire : ``niveau`` (epci, departement, region, france) et ``nature`` (« métropole »…)."""

    niveau: str = "epci"
    nature: str = "agglomération"

    @property
    def le(self) -> str:
        """« l'agglomération », « la métropole », « le département », « la France »."""
        if self.nature == "France":
            return "la France"
        if self.nature[0] in "aeéiou":
            return f"l'{self.nature}"
        return f"la {self.nature}" if self.nature in _FEMININ else f"le {self.nature}"

    @property
    def de(self) -> str:
        """« de l'agglomération », « de la métropole », « du département », « de la France »."""
        le = self.le
        return f"du {le[3:]}" if le.startswith("le ") else f"de {le}"

    @property
    def a(self) -> str:
        """« à l'agglomération », « à la métropole », « au département »."""
        le = self.le
        return f"au {le[3:]}" if le.startswith("le ") else f"à {le}"

    @property
    def a_l_echelle(self) -> str:
        """« à l'échelle de l'agglomération »."""
        return f"à l'échelle {self.de}"

    @property
    def colonne(self) -> str:
        """En-tête de colonne du niveau du territoire : « Agglomération », « Métropole », « Département »."""
        return self.nature[:1].upper() + self.nature[1:]

    @property
    def hors_qpv(self) -> str:
        """« Agglomération hors QPV »."""
        return f"{self.colonne} hors QPV"

    @property
    def du_territoire(self) -> str:
        """« du territoire intercommunal » (un EPCI), « du département », « de la région », « de France »."""
        return {
            "epci": "du territoire intercommunal",
            "departement": "du département",
            "region": "de la région",
            "france": "de France",
        }.get(self.niveau, "du territoire")

    @property
    def intercommunal(self) -> bool:
        return self.niveau == "epci"


def designation(niveau: str | None = "epci", type_epci: str | None = None) -> Designation:
    """La désignation d'un territoire de niveau ``niveau`` ; pour un EPCI, ``type_epci`` (type du COG) donne sa
    nature (agglomération par défaut)."""
    niveau = (niveau or "epci").strip().lower().replace("é", "e")
    if niveau == "epci":
        return Designation("epci", NATURES_EPCI.get(str(type_epci or "").strip().upper(), "agglomération"))
    return Designation(niveau, NATURES_NIVEAUX.get(niveau, "territoire"))


def contrats_de_ville(n: int) -> str:
    """« le contrat de ville » (un) ou « les contrats de ville » (plusieurs) : un département, une région ou la France
    en comptent plusieurs ; un EPCI, un."""
    return "le contrat de ville" if n <= 1 else "les contrats de ville"
