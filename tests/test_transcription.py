"""La transcription du rapport 2019 est documentée et reproductible."""

import filecmp
import re
import subprocess
import sys

import pytest
from conftest import REFERENCE_2019

from politique_ville.base.catalog import lire_table

SCRIPTS = ["programmation.py", "insee.py", "financements.py"]


def test_dictionnaire_couvre_chaque_colonne_brute(catalogue, racine):
    dico = (racine / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    manquantes = []
    for table in catalogue.tables_brutes():
        fichier = catalogue.fichier_brut(table).name
        # la section du fichier : du titre qui le nomme au titre suivant de même niveau
        m = re.search(rf"^(#+) .*`{re.escape(fichier)}`.*$", dico, flags=re.M)
        assert m, f"data/raw/README.md ne décrit pas {fichier}"
        niveau = len(m.group(1))
        suite = dico[m.end() :]
        fin = re.search(rf"^#{{1,{niveau}}} ", suite, flags=re.M)
        section = suite[: fin.start()] if fin else suite
        colonnes = [c for c in lire_table(catalogue.fichier_brut(table)).columns if c != "ligne_source"]
        manquantes += [
            f"{fichier}:{c}"
            for c in colonnes
            if not re.search(rf"^\|[^|\n]*`{re.escape(c)}`[^|\n]*\|", section, flags=re.M)
        ]
    assert not manquantes, f"colonnes absentes du dictionnaire : {manquantes}"


@pytest.mark.parametrize("script", SCRIPTS)
def test_transcription_reproduit_les_fichiers_commites(racine, tmp_path, script):
    sortie, ref = tmp_path / "raw", tmp_path / "ref"
    sortie.mkdir()
    ref.mkdir()
    chemin = racine / "scripts" / "transcription_2019" / script
    args = [sys.executable, str(chemin), "--out", str(sortie)]
    if "--ref-out" in chemin.read_text(encoding="utf-8"):
        args += ["--ref-out", str(ref)]
    subprocess.run(args, check=True, capture_output=True, cwd=tmp_path)
    produits = sorted(sortie.iterdir()) + sorted(ref.iterdir())
    assert produits, f"{script} n'a rien produit"
    for p in produits:
        commite = (racine / "data" / "raw/2019" if p.parent == sortie else racine / REFERENCE_2019) / p.name
        assert commite.is_file(), f"{p.name} produit par {script} mais absent du dépôt"
        assert filecmp.cmp(p, commite, shallow=False), f"{commite} diffère de ce que produit {script}"
