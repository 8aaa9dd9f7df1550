"""Les ouvertures de section des chapitres de la programmation (``narration.sections``) : la version de l'année d'un
rapport publié dit la partie du rapport reprise ; celle d'un territoire qui n'a que ses fichiers reçus ne parle
d'aucun rapport, nomme le territoire selon sa nature et accorde « contrat(s) de ville »."""

import re

import pytest

from politique_ville.narration import sections
from politique_ville.reference.designation import designation


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


def test_phrases_de_la_programmation_sans_rapport_publie():
    """Les phrases du chapitre 20 et 30 qui parlaient du rapport ont leur version sans rapport publié."""
    import math

    import pandas as pd

    from politique_ville.narration import programmation as npg

    iti = pd.DataFrame([{"projets": 3, "feder_total_publie": math.nan}])
    assert npg.resume_iti(iti).endswith("le rapport ne publie pas le montant de FEDER mobilisé.")
    assert npg.resume_iti(iti, publie=False).endswith("le montant de FEDER mobilisé n'est pas reçu.")
    cget = pd.DataFrame({"statut": ["non publié"]})
    assert "reconstruits" in npg.note_cget(cget) and "reçus" in npg.note_cget(cget, publie=False)
    fdc = pd.DataFrame([{"taux": 20.0, "plafond": math.nan}])
    assert npg.regle_fonds_concours(fdc).startswith("Règle publiée : **20")
    assert not re.search(r"publi|rapport", npg.regle_fonds_concours(fdc, publie=False))
