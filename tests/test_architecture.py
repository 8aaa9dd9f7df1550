"""L'architecture tient : contrats de couches (import-linter), style (ruff), notebooks qui restent des plans de chapitre.

Les contrats sont dans ``pyproject.toml`` (``[tool.importlinter]``) : les imports descendent (runner > notebook >
narration > figures > present > compute > published > nettoyage > catalog) et ``compute`` ne connaît ni la mise en
forme, ni les figures, ni le texte, ni l'exécution.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent

#: un notebook de chapitre est le plan du chapitre : le code vit dans le paquet, où il est testé
LIGNES_MAX_NOTEBOOK = 150
LIGNES_MAX_CELLULE = 15


def _lancer(*commande, cwd):
    return subprocess.run([str(c) for c in commande], cwd=cwd, capture_output=True, text=True)


def test_contrats_de_couches(racine):
    r = _lancer(BIN / "lint-imports", "--no-cache", cwd=racine)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_ruff(racine):
    r = _lancer(BIN / "ruff", "check", "--no-cache", "src", "scripts", "tests", "notebooks", cwd=racine)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def test_mise_en_forme_ruff(racine):
    r = _lancer(BIN / "ruff", "format", "--check", "--no-cache", "src", "scripts", "tests", cwd=racine)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def _lignes_de_code(cellule) -> int:
    return sum(1 for ligne in "".join(cellule["source"]).splitlines() if ligne.strip())


@pytest.mark.parametrize(
    "nom",
    [
        "10_geographie_prioritaire",
        "20_programmation",
        "30_contribution_objectifs",
        "40_annexe_grille_priorites",
        "90_concordance",
        "fiche_quartier",
    ],
)
def test_notebooks_de_chapitre_restent_des_plans(racine, nom):
    cellules = [
        c
        for c in json.loads((racine / "notebooks" / f"{nom}.ipynb").read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    ]
    total = sum(_lignes_de_code(c) for c in cellules)
    assert total <= LIGNES_MAX_NOTEBOOK, f"{nom} : {total} lignes de code (au plus {LIGNES_MAX_NOTEBOOK})"
    longues = {i: _lignes_de_code(c) for i, c in enumerate(cellules) if _lignes_de_code(c) > LIGNES_MAX_CELLULE}
    assert not longues, f"{nom} : cellules de plus de {LIGNES_MAX_CELLULE} lignes : {longues}"


def test_notebooks_n_importent_pas_le_runner(racine):
    for nb in sorted((racine / "notebooks").glob("*.ipynb")):
        texte = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
        assert "politique_ville.runner" not in texte, f"{nb.name} importe le runner"


# --------------------------------------------------------------------------------------------- étages et chapitres


def _paquet(racine) -> Path:
    return racine / "src" / "politique_ville"


def test_chaque_etage_du_paquet_est_dans_le_contrat_des_etages(racine):
    """Un module ou un paquet ajouté au sommet du paquet sans place dans les étages échapperait aux contrats : chacun
    y est nommé (un module ajouté dans un étage existant est couvert sans rien écrire)."""
    import tomllib

    config = tomllib.loads((racine / "pyproject.toml").read_text(encoding="utf-8"))
    contrat = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "etages")
    nommes = {nom.strip("() ") for couche in contrat["layers"] for nom in couche.split("|")}
    sommet = {
        p.stem if p.is_file() else p.name
        for p in _paquet(racine).iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and (p / "__init__.py").is_file())
    }
    assert sommet - nommes == set(), f"hors des étages : {sorted(sommet - nommes)}"
    assert nommes - sommet == set(), f"étages sans module : {sorted(nommes - sommet)}"


def _cellules_de_code(nb_path: Path) -> list[dict]:
    return [c for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_la_cellule_parameters_ne_tient_que_ce_que_papermill_donne(racine):
    """Les tables d'un chapitre et ses dossiers ne sont déclarés qu'une fois (table des étapes, runner) : la cellule
    ``parameters`` ne tient que l'année et ``execution`` (et le quartier d'une fiche) ; aucune copie des tables
    requises dans les métadonnées du notebook."""
    for nb in sorted((racine / "notebooks").glob("*.ipynb")):
        contenu = json.loads(nb.read_text(encoding="utf-8"))
        assert "politique_ville" not in contenu["metadata"], nb.name
        cellule = next(c for c in _cellules_de_code(nb) if "parameters" in c["metadata"].get("tags", []))
        noms = {
            ligne.split("=")[0].strip()
            for ligne in "".join(cellule["source"]).splitlines()
            if ligne.strip() and not ligne.lstrip().startswith("#")
        }
        attendus = {"annee", "execution"} | ({"code_qp"} if nb.stem == "fiche_quartier" else set())
        assert noms == attendus, f"{nb.name} : {sorted(noms)}"


def test_chaque_chapitre_ouvre_une_etape_declaree(racine):
    """``ouvrir("20_programmation", annee, execution)`` : les tables ouvertes viennent de la ligne de l'étape ; un
    notebook ne les nomme pas."""
    import re

    from politique_ville.reference.etapes import ETAPES

    notebooks = {d.notebook: d.nom for d in ETAPES}
    for nb in sorted((racine / "notebooks").glob("*.ipynb")):
        source = "\n".join("".join(c["source"]) for c in _cellules_de_code(nb))
        appels = re.findall(r"ouvrir\(([^)]*)\)", source)
        if not appels:
            continue
        assert nb.name in notebooks, f"{nb.name} ouvre un chapitre sans ligne dans la table des étapes"
        for appel in appels:
            assert "tables=" not in appel and "facultatives=" not in appel, f"{nb.name} : {appel}"
            nom = re.search(r'etape="([^"]+)"', appel)
            cle = nom.group(1) if nom else re.match(r'\s*f?"([^"]+)"', appel).group(1)
            assert cle == notebooks[nb.name], f"{nb.name} ouvre « {cle} », déclaré « {notebooks[nb.name]} »"


def _alias_documentes(racine) -> dict[str, str]:
    """La table des alias de docs/architecture.md (module -> alias), la seule qui les fixe."""
    import re

    texte = (racine / "docs" / "architecture.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `politique_ville\.([\w.]+)` \| `(\w+)` \|", texte, re.M))


def test_un_alias_par_module_dans_tous_les_notebooks(racine):
    """Un module du paquet importé par un notebook sous un alias porte partout celui de la table de
    docs/architecture.md (``compute.qpv`` : ``cq``, ``present.programmation`` : ``ppg``…)."""
    import ast

    alias = _alias_documentes(racine)
    assert len(alias) >= 20 and len(set(alias.values())) == len(alias)  # la table existe, un alias par module
    vus = set()
    for nb in sorted((racine / "notebooks").glob("*.ipynb")):
        for cellule in _cellules_de_code(nb):
            for noeud in ast.walk(ast.parse("".join(cellule["source"]))):
                if isinstance(noeud, ast.ImportFrom) and (noeud.module or "").startswith("politique_ville."):
                    for nom in noeud.names:
                        module = f"{noeud.module}.{nom.name}".removeprefix("politique_ville.")
                        if module in alias:
                            vus.add(module)
                            assert nom.asname == alias[module], f"{nb.name} : {module} importé comme {nom.asname}"
    assert len(vus) >= 15


def _differes_documentes(racine) -> set[str]:
    import re

    texte = (racine / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = texte.split("## Imports différés", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, re.M))


def test_aucun_import_dans_une_fonction_sans_raison(racine):
    """Un import se fait en tête de module, sauf une bibliothèque au coût d'import mesuré (table « Imports différés »
    de docs/architecture.md) ou un import dont la ligne dit pourquoi (« import différé mesuré », « circulaire »)."""
    import ast

    differes = _differes_documentes(racine)
    assert {"great_expectations", "papermill", "pandas", "matplotlib"} <= differes
    fautifs = []
    for module in sorted(_paquet(racine).rglob("*.py")):
        lignes = module.read_text(encoding="utf-8").splitlines()
        for fonction in ast.walk(ast.parse("\n".join(lignes))):
            if not isinstance(fonction, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for noeud in ast.walk(fonction):
                if not isinstance(noeud, ast.Import | ast.ImportFrom):
                    continue
                noms = [a.name for a in noeud.names] if isinstance(noeud, ast.Import) else [noeud.module or ""]
                if noeud.level == 0 if isinstance(noeud, ast.ImportFrom) else True:
                    if all(n.split(".")[0] in differes for n in noms):
                        continue
                texte = " ".join(lignes[noeud.lineno - 1 : noeud.end_lineno])
                if "import différé mesuré" in texte or "circulaire" in texte:
                    continue
                fautifs.append(f"{module.relative_to(_paquet(racine))}:{noeud.lineno} {' '.join(noms)}")
    assert not fautifs, "imports dans une fonction sans raison écrite :\n" + "\n".join(fautifs)


#: ce qu'un lecteur peut tenir : un module, une fonction (au-delà, une fonction dit pourquoi par un commentaire
#: « Longue : … » juste au-dessus de sa définition)
LIGNES_MAX_MODULE = 650
LIGNES_MAX_FONCTION = 80


def test_modules_et_fonctions_a_la_taille_d_un_lecteur(racine):
    import ast

    trop_longs, sans_raison = [], []
    for module in sorted(_paquet(racine).rglob("*.py")):
        lignes = module.read_text(encoding="utf-8").splitlines()
        nom = str(module.relative_to(_paquet(racine)))
        if len(lignes) > LIGNES_MAX_MODULE:
            trop_longs.append(f"{nom} : {len(lignes)} lignes")
        for noeud in ast.walk(ast.parse("\n".join(lignes))):
            if isinstance(noeud, ast.FunctionDef | ast.AsyncFunctionDef):
                longueur = noeud.end_lineno - noeud.lineno + 1
                debut = min([noeud.lineno, *(d.lineno for d in noeud.decorator_list)])
                avant = " ".join(lignes[max(0, debut - 6) : debut - 1])
                if longueur > LIGNES_MAX_FONCTION and "Longue :" not in avant:
                    sans_raison.append(f"{nom}:{noeud.lineno} {noeud.name} ({longueur} lignes)")
    assert not trop_longs, f"modules de plus de {LIGNES_MAX_MODULE} lignes : {trop_longs}"
    assert not sans_raison, "fonctions longues sans raison écrite :\n" + "\n".join(sans_raison)
