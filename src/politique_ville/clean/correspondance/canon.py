"""Le schéma canonique de la programmation vu par une correspondance : financeurs canoniques, leurs natures, champs
qu'une correspondance peut donner, colonnes ajoutées à la programmation produite, libellés du total général."""

from __future__ import annotations

#: Les financeurs canoniques : code -> (libellé, nature par défaut, variantes reconnues sans déclaration).
#: La nature dit dans quel montant agrégé de la programmation le financeur compte : ``credits_specifiques`` (crédits
#: de la politique de la ville) ou ``droit_commun``. Seuls les crédits de l'État (BOP 147) sont spécifiques par défaut ;
#: une correspondance peut en déclarer d'autres (``nature_des_financeurs``).
FINANCEURS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "etat_credits_specifiques": (
        "Etat - crédits spécifiques",
        "credits_specifiques",
        (
            "Etat - CGET",
            "Etat CGET",
            "CGET",
            "ANCT",
            "BOP 147",
            "Etat BOP 147",
            "Etat crédits spécifiques",
            "Etat politique de la ville",
            "Crédits spécifiques",
        ),
    ),
    "etat_droit_commun": (
        "Etat - Droit commun",
        "droit_commun",
        ("Etat - Droit commun*", "Etat droit commun", "Droit commun Etat", "Droit commun"),
    ),
    "agglomeration": (
        "Agglomération (EPCI)",
        "droit_commun",
        ("EPCI", "Agglomération", "Communauté d'agglomération", "Intercommunalité", "Métropole"),
    ),
    "communes": ("Communes", "droit_commun", ("Commune", "Ville", "Villes")),
    "departement": ("Département", "droit_commun", ("Conseil départemental", "Conseil général")),
    "region": ("Région", "droit_commun", ("Conseil régional",)),
    "caf": ("CAF", "droit_commun", ("Caisse d'allocations familiales",)),
    "bailleurs": ("Bailleurs", "droit_commun", ("Bailleur", "Bailleurs sociaux", "Bailleur social")),
    "autres": ("Autres", "droit_commun", ("Autres financeurs", "Autre", "Autre financeur")),
}
NATURES = ("credits_specifiques", "droit_commun")
MONTANTS_AGREGES = ("droit_commun", "credits_specifiques", "cget")
DISPOSITIONS = ("large", "long")
#: Champs canoniques qu'une correspondance peut donner (``colonnes``) et leur rôle.
CHAMPS: dict[str, str] = {
    "id_action": "identifiant de l'action",
    "intitule": "intitulé de l'action",
    "porteur": "nom du porteur",
    "siret": "SIRET (14 chiffres) ou SIREN (9) du porteur",
    "rna": "numéro RNA du porteur (« W » + 9 caractères)",
    "type_porteur": "type de porteur (nomenclature)",
    "communes": "commune(s) de l'action",
    "qpv": "quartier(s) prioritaire(s) de l'action",
    "pilier": "pilier (nomenclature)",
    "thematique": "thématique (nomenclature)",
    "priorite": "priorité de la feuille de route",
    "sous_priorite": "sous-priorité de la feuille de route",
    "droit_commun": "montant de droit commun (disposition large, sans colonnes par financeur)",
    "credits_specifiques": "montant de crédits spécifiques (idem)",
    "cget": "crédits de l'Etat, BOP 147 (idem)",
    "provenance_droit_commun": "provenance du montant",
    "provenance_credits_specifiques": "provenance du montant",
    "provenance_cget": "provenance du montant",
    "source": "source de la ligne",
    "financeur": "financeur (disposition longue)",
    "montant": "montant du financeur (disposition longue)",
}
CHAMPS_OBLIGATOIRES = ("id_action", "intitule", "porteur", "pilier", "thematique")
#: Champs propres à une action (disposition longue : identiques sur toutes ses lignes).
CHAMPS_ACTION = (
    "intitule",
    "porteur",
    "siret",
    "rna",
    "type_porteur",
    "communes",
    "qpv",
    "pilier",
    "thematique",
    "priorite",
    "sous_priorite",
    "provenance_droit_commun",
    "provenance_credits_specifiques",
    "provenance_cget",
    "source",
)
TYPES_LIBELLES = ("pilier", "thematique", "type_porteur")
CLES_PROGRAMMATION = (
    "fichier",
    "disposition",
    "colonnes",
    "financeurs",
    "nature_des_financeurs",
    "libelles",
    "ligne_total",
    "colonne_total",
)
#: Colonnes supplémentaires de la programmation produite (gardées telles quelles par le nettoyage).
COLONNE_LIGNES = "lignes_source"
COLONNE_PORTEUR_EXPORT = "porteur_export"
#: Provenance d'un montant tiré de l'export (donnée reçue d'un fichier nommé, non reconstruite) : voir
#: ``provenance.py`` (« reçu » ; « publié » est réservé aux chiffres d'un rapport publié).
PROVENANCE_EXPORT = "reçu"
#: Code et libellé du total général (tous financeurs) dans :attr:`Resultat.ecarts`.
TOTAL_GENERAL = "ensemble"
LIBELLE_TOTAL_GENERAL = "Tous financeurs (total général)"
#: Libellés de financeur qui, sur une ligne de total, désignent le total général (comparés par ``cle``).
LIBELLES_TOTAL_GENERAL = (
    "",
    "total",
    "total general",
    "tous financeurs",
    "tous cofinanceurs",
    "ensemble",
    "tous",
    "toutes",
    "ensemble des financeurs",
    "total des financements",
    "total general des financements",
)


def colonne_financeur(code: str) -> str:
    """Nom de la colonne du montant d'un financeur canonique : ``montant_<code>``."""
    return f"montant_{code}"
