"""Les ouvertures de section des chapitres de la programmation (``narration.sections``) : la version de l'année d'un
rapport publié dit la partie du rapport reprise ; celle d'un territoire qui n'a que ses fichiers reçus ne parle
d'aucun rapport, nomme le territoire selon sa nature et accorde « contrat(s) de ville »."""

import re

import pytest

from politique_ville.designation import designation
from politique_ville.narration import sections


@pytest.mark.parametrize("cle", list(sections.TEXTES))
def test_sans_rapport_aucun_mot_d_un_rapport(cle):
    texte = sections.texte(cle, False, designation("epci", "METRO"))
    assert not re.search(r"\brapport\b|publi", texte) and "CGET" not in texte and "2.1" not in texte
    assert "{" not in texte and "Contrat de Ville" not in texte


def test_le_rapport_publie_garde_sa_partie_et_le_territoire_sa_nature():
    assert sections.texte("30.introduction", True).startswith("Ce chapitre reprend la partie 3 du rapport.")
    assert "du contrat de ville (3.1 Emploi" in sections.texte("30.introduction", True)
    assert "animées par l'agglomération" in sections.texte("20.introduction", True)
    assert "animées par la métropole" in sections.texte("20.introduction", False, designation("epci", "METRO"))
    # un département ou une région compte plusieurs contrats de ville
    assert "des contrats de ville" in sections.texte("30.introduction", False, designation("departement"))
    assert "aux contrats de ville" in sections.texte("20.connexes", False, designation("region"))
    assert "au contrat de ville" in sections.texte("20.connexes", False, designation("epci", "CA"))
    assert sections.source("30", 2032, False) == "programmation 2032 (tables nettoyées)"
    assert sections.source("40", 2019, True).endswith("; annexe 1 du rapport 2019")
