"""Feuille de style allégée des pages du rapport : les seules règles de JupyterLab que les pages utilisent.

    python scripts/alleger_feuille_de_style.py [--rapport reports/2019] [--sans-navigateur]
    python scripts/alleger_feuille_de_style.py --verifier   # la feuille écrite est-elle à jour ? (code de sortie 1 sinon)

Le gabarit ``lab`` de nbconvert intègre à chaque page toute la feuille de style de JupyterLab (``index.css``,
~240 Ko, surtout l'interface de JupyterLab : barres d'outils, menus, widgets, éditeur…) et son thème clair
(``theme-light.css``, ~16 Ko de variables) : ~264 Ko identiques dans chaque chapitre et chaque fiche quartier. Ce
script garde, de ces deux feuilles et du style que le gabarit ``lab`` ajoute en ligne, les règles dont un sélecteur
désigne un élément d'une page du rapport, et les variables (``--jp-…``) que ces règles utilisent, puis écrit le
résultat, compacté, dans ``src/politique_ville/report/templates/rapport/feuille_rapport.css`` (le gabarit « rapport »
l'intègre à la place des deux feuilles : ``templates/rapport/index.html.j2``). Même rendu : chaque élément des pages
reçoit les mêmes règles qu'avant ; ce qui ne désigne rien n'est pas écrit.

Pages examinées :

- un **spécimen** exporté par l'exportateur du rapport, avec et sans le code : tout ce qu'un notebook peut montrer
  (titres de tous niveaux, paragraphes, listes, citation, tableau Markdown, code, règle horizontale, sorties texte,
  erreur, tableau HTML d'un DataFrame, image, Markdown affiché par une cellule), pour qu'un futur chapitre qui en
  use soit mis en forme comme aujourd'hui ;
- les pages d'un rapport produit (``--rapport``, par défaut ``reports/2019`` : ``make report`` d'abord) : chapitres,
  avec et sans le code, fiches quartier ;
- ces pages **après leurs scripts** (DataTables crée ses cadres, champs et boutons au chargement), lues par le
  Chromium de Debian (``chromium --headless --dump-dom``) ; ``--sans-navigateur`` s'en passe.

Un sélecteur est gardé s'il désigne un élément, une fois retirés ses états (``:hover``, ``:focus``…) et ses
pseudo-éléments (``::before``…) ; un sélecteur que l'analyseur ne sait pas lire est gardé (prudence). Les règles
``@media`` sont examinées règle par règle, ``@page`` est gardé, ``@keyframes`` seulement si une règle gardée
s'en sert. Aucune ressource externe : la feuille n'a ni ``@import`` ni ``url()`` autre que ``data:``
(vérifié ici et par ``tests/test_pages_legeres.py``).

Les feuilles de JupyterLab sont distribuées sous la licence BSD modifiée (Jupyter Development Team) : la mention
est reprise en tête du fichier écrit.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
SORTIE = RACINE / "src" / "politique_ville" / "report" / "templates" / "rapport" / "feuille_rapport.css"

ENTETE = """/* Feuille de style des pages du rapport : extrait de la feuille de JupyterLab (gabarit « lab » de nbconvert
   {version} : static/index.css, static/theme-light.css et le style en ligne du gabarit), réduit aux règles dont un
   sélecteur désigne un élément des pages du rapport et aux variables qu'elles utilisent. Écrit par
   scripts/alleger_feuille_de_style.py : ne pas modifier à la main (la mise en page propre au rapport est dans
   templates/rapport/index.html.j2).
   Copyright (c) Jupyter Development Team. Distributed under the terms of the Modified BSD License. */
"""

#: états et pseudo-éléments retirés d'un sélecteur avant de chercher les éléments qu'il désigne
_ETATS = re.compile(
    r"::?(?:-webkit-|-moz-|-ms-)[\w-]+(?:\([^)]*\))?"
    r"|::[\w-]+(?:\([^)]*\))?"
    r"|:(?:hover|focus-visible|focus-within|focus|active|visited|link|target|checked|disabled|enabled|"
    r"placeholder-shown|before|after|first-line|first-letter|selection|indeterminate|invalid|valid|"
    r"read-only|read-write|defined)(?![\w-])"
)


def _feuille_lab() -> tuple[str, str]:
    """Le texte des feuilles du gabarit ``lab`` (index.css, theme-light.css, style en ligne) et la version de
    nbconvert."""
    import nbconvert
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("nbconvert", "templates"):
        lab = Path(base) / "lab"
        if (lab / "static" / "index.css").is_file():
            break
    else:
        raise SystemExit("gabarit « lab » de nbconvert introuvable")
    gabarit = (lab / "index.html.j2").read_text(encoding="utf-8")
    bloc = gabarit[gabarit.index("{% block notebook_css %}") : gabarit.index("{% endblock notebook_css %}")]
    en_ligne = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", bloc, re.S))
    textes = [(lab / "static" / f).read_text(encoding="utf-8") for f in ("index.css", "theme-light.css")]
    return "\n".join(textes + [en_ligne]), nbconvert.__version__


def _specimen():
    """Notebook qui montre tout ce qu'un chapitre peut montrer (voir le docstring du module)."""
    import base64

    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    png = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4f40000000049454e44ae426082"
        )
    ).decode()
    markdown = """# Titre du chapitre

Un paragraphe avec du **gras**, de l'*italique*, du `code`, un [lien](#section) et <kbd>Entrée</kbd>,
<sup>exposant</sup> et <sub>indice</sub>.

## Section

### Sous-section

#### Titre de niveau 4

##### Titre de niveau 5

###### Titre de niveau 6

- une liste
  - imbriquée
    - encore

1. une liste numérotée
2. suite

> une citation

| colonne | nombre |
| --- | ---: |
| a | 1 |
| b | 2 |

---

```python
x = 1
```

<dl><dt>terme</dt><dd>définition</dd></dl>

<details><summary>Détails</summary>contenu</details>

<img src="data:image/png;base64,{png}" alt="image">
""".replace("{png}", png)
    tableau = (
        '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>a</th></tr></thead>'
        "<tbody><tr><th>0</th><td>1</td></tr><tr><th>1</th><td>2</td></tr></tbody></table>"
    )
    code = new_code_cell(
        "print('bonjour')",
        execution_count=1,
        outputs=[
            new_output("stream", name="stdout", text="texte\n"),
            new_output("stream", name="stderr", text="avertissement\n"),
            new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
            new_output("display_data", data={"text/html": tableau, "text/plain": "tableau"}),
            new_output("display_data", data={"image/png": png, "text/plain": "figure"}),
            new_output("display_data", data={"text/markdown": "Du *Markdown* affiché par une cellule : `code`."}),
            new_output(
                "error",
                ename="ValueError",
                evalue="exemple",
                traceback=["\x1b[0;31mValueError\x1b[0m: exemple", "\x1b[1;32mligne\x1b[0m"],
            ),
        ],
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell(markdown),
            code,
            new_code_cell("x = 1", execution_count=2, outputs=[]),
            new_code_cell("", metadata={"tags": ["parameters"]}, execution_count=3),
        ],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )
    nbformat.validate(nb)
    return nb


def _pages_specimen(dossier: Path) -> list[Path]:
    sys.path.insert(0, str(RACINE / "src"))
    from politique_ville.report import export

    pages = []
    for avec_code in (False, True):
        sortie = dossier / f"specimen{'_avec_code' if avec_code else ''}.html"
        export.exporter_html(
            _specimen(),
            sortie,
            avec_code=avec_code,
            navigation={"index": "index.html", "precedent": ("a", "a.html"), "suivant": ("b", "b.html")},
            titre="Spécimen",
        )
        pages.append(sortie)
    return pages


def _dom_apres_scripts(page: Path, chromium: str, profil: Path) -> str:
    r = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profil}",
            "--window-size=390,900",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if r.returncode != 0 or "<body" not in r.stdout:
        raise RuntimeError(f"Chromium n'a pas lu {page} : {r.stderr[-500:]}")
    return r.stdout


def _sans_negations(selecteur: str) -> str:
    precedent = None
    while precedent != selecteur:
        precedent, selecteur = selecteur, re.sub(r":not\([^()]*\)", "", selecteur)
    return selecteur


class Pages:
    """Les éléments des pages examinées : leurs classes, identifiants et balises (pour écarter vite un sélecteur
    qui nomme ce qu'aucune page n'a), puis la recherche d'un élément désigné (soupsieve)."""

    def __init__(self, soupes):
        self.soupes = soupes
        self.classes, self.ids, self.balises = set(), set(), set()
        for s in soupes:
            for el in s.find_all(True):
                self.balises.add(el.name)
                self.classes.update(el.get("class") or [])
                if el.get("id"):
                    self.ids.add(el["id"])

    def possible(self, selecteur: str) -> bool:
        positif = _sans_negations(selecteur)
        positif = re.sub(r"\[[^\]]*\]", "", positif)  # attributs : leurs valeurs ne sont pas des classes
        if any(c not in self.classes for c in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", positif)):
            return False
        if any(i not in self.ids for i in re.findall(r"#(-?[_a-zA-Z][\w-]*)", positif)):
            return False
        return True

    def designe(self, selecteur: str) -> bool:
        import soupsieve

        try:
            motif = soupsieve.compile(selecteur)
        except Exception:
            return None
        return any(motif.select_one(s) is not None for s in self.soupes)


def _selecteur_utile(selecteur: str, pages: Pages) -> bool:
    simple = _ETATS.sub("", selecteur).strip()
    simple = re.sub(r"(^|[\s>+~])\s*:not\(\s*\)", r"\1*", simple)  # « :not(:hover) » vidé : tout élément
    simple = re.sub(r":not\(\s*\)", "", simple)
    simple = re.sub(r"\s*([>+~])\s*$", "", simple).strip()  # « a > » après retrait d'un pseudo-élément
    if not simple or simple in ("*", ":root", "html", "body"):
        return True
    if not pages.possible(simple):
        return False
    trouve = pages.designe(simple)
    if trouve is None:  # pseudo-classe inconnue de l'analyseur (« :horizontal »…) : sans elles
        trouve = pages.designe(re.sub(r"::?[\w-]+(?:\([^()]*\))?", "", simple) or "*")
    return True if trouve is None else trouve


def _separer(selecteurs: str) -> list[str]:
    """Les sélecteurs d'une liste « a, b:is(c, d) » (virgules hors parenthèses)."""
    morceaux, profondeur, debut = [], 0, 0
    for i, c in enumerate(selecteurs):
        if c == "(":
            profondeur += 1
        elif c == ")":
            profondeur -= 1
        elif c == "," and profondeur == 0:
            morceaux.append(selecteurs[debut:i])
            debut = i + 1
    morceaux.append(selecteurs[debut:])
    return [m.strip() for m in morceaux if m.strip()]


def _compacter_valeur(jetons) -> str:
    import tinycss2

    texte = tinycss2.serialize(jetons)
    texte = re.sub(r"/\*.*?\*/", "", texte, flags=re.S)
    return re.sub(r"\s+", " ", texte).strip()


def _compacter_selecteurs(prelude) -> str:
    texte = _compacter_valeur(prelude)
    texte = re.sub(r"\s*,\s*", ",", texte)
    return re.sub(r"\s*>\s*", ">", texte)


def _declarations(contenu) -> list[tuple[str, str, bool]]:
    import tinycss2

    sortie = []
    for d in tinycss2.parse_declaration_list(contenu, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration":
            sortie.append(
                (d.name if d.name.startswith("--") else d.lower_name, _compacter_valeur(d.value), d.important)
            )
    return sortie


def alleger(css: str, soupes, autres: str = "") -> str:
    """Les règles de ``css`` dont un sélecteur désigne un élément de l'une des ``soupes`` (BeautifulSoup), les
    variables qu'elles utilisent ou qu'utilisent les ``autres`` feuilles des pages (transitivement), compactées."""
    import tinycss2

    pages = Pages(soupes)

    regles = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)

    def garder(liste) -> list:
        """[(prelude compacté, déclarations) ou (at-rule, nom, prelude, sous-liste)]"""
        sortie = []
        for r in liste:
            if r.type == "qualified-rule":
                selecteurs = _separer(_compacter_selecteurs(r.prelude))
                utiles = [s for s in selecteurs if _selecteur_utile(s, pages)]
                if utiles:
                    sortie.append(("regle", ",".join(utiles), _declarations(r.content)))
            elif r.type == "at-rule":
                nom = r.lower_at_keyword
                prelude = _compacter_valeur(r.prelude)
                if nom in ("media", "supports"):
                    dedans = garder(tinycss2.parse_rule_list(r.content, skip_comments=True, skip_whitespace=True))
                    if dedans:
                        sortie.append(("bloc", nom, prelude, dedans))
                elif nom == "page":
                    sortie.append(("regle", "@page" + (" " + prelude if prelude else ""), _declarations(r.content)))
                elif nom == "keyframes":
                    sortie.append(("keyframes", prelude, tinycss2.serialize(r.content)))
                elif nom in ("import", "font-face"):
                    raise SystemExit(f"@{nom} dans la feuille de JupyterLab : ressource externe, à traiter")
                # autres règles @ (@jupyterlab…) : ignorées
        return sortie

    arbre = garder(regles)

    def parcourir(noeuds):
        for n in noeuds:
            if n[0] == "bloc":
                yield from parcourir(n[3])
            else:
                yield n

    # variables utilisées par les règles gardées (hors définitions), puis par les variables utilisées
    definitions: dict[str, list[str]] = {}
    utilisees: set[str] = set(re.findall(r"var\(\s*(--[\w-]+)", autres))
    animations = set()
    for n in parcourir(arbre):
        if n[0] != "regle":
            continue
        for nom, valeur, _ in n[2]:
            if nom.startswith("--"):
                definitions.setdefault(nom, []).append(valeur)
            else:
                utilisees |= set(re.findall(r"var\(\s*(--[\w-]+)", valeur))
                if nom in ("animation", "animation-name"):
                    animations |= set(re.findall(r"[\w-]+", valeur))
    a_voir = list(utilisees)
    while a_voir:
        nom = a_voir.pop()
        for valeur in definitions.get(nom, []):
            for v in re.findall(r"var\(\s*(--[\w-]+)", valeur):
                if v not in utilisees:
                    utilisees.add(v)
                    a_voir.append(v)

    def ecrire(noeuds) -> list[str]:
        lignes = []
        for n in noeuds:
            if n[0] == "bloc":
                dedans = ecrire(n[3])
                if dedans:
                    lignes.append(f"@{n[1]} {n[2]}{{" + "".join(dedans) + "}")
            elif n[0] == "keyframes":
                if n[1] in animations:
                    corps = re.sub(r"\s+", " ", n[2]).strip()
                    lignes.append(f"@keyframes {n[1]}{{{corps}}}")
            else:
                decl = [
                    f"{nom}:{valeur}{'!important' if imp else ''}"
                    for nom, valeur, imp in n[2]
                    if not nom.startswith("--") or nom in utilisees
                ]
                if decl:
                    lignes.append(n[1] + "{" + ";".join(decl) + "}")
        return lignes

    texte = "\n".join(ecrire(arbre)) + "\n"
    externe = re.findall(r"url\(\s*['\"]?(?!data:|#)[^)]*\)|@import", texte)
    if externe:
        raise SystemExit(f"ressource externe dans la feuille allégée : {externe[:3]}")
    return texte


def _autres_feuilles() -> str:
    """Les autres styles des pages (mise en page du rapport, DataTables et ses réglages, couleurs du code des
    versions « avec le code », par Pygments) : les variables de JupyterLab qu'ils utilisent sont gardées."""
    from nbconvert.preprocessors.csshtmlheader import CSSHTMLHeaderPreprocessor
    from pygments.formatters import HtmlFormatter

    sys.path.insert(0, str(RACINE / "src"))
    from politique_ville.report import export

    pygments = CSSHTMLHeaderPreprocessor()

    gabarit = (RACINE / "src" / "politique_ville" / "report" / "templates" / "rapport" / "index.html.j2").read_text(
        encoding="utf-8"
    )
    couleurs_code = HtmlFormatter(style=pygments.style).get_style_defs(pygments.highlight_class)
    return gabarit + export.ressources_tableaux_interactifs() + export.STYLE_PAGE + couleurs_code


def construire(rapport: Path | None, navigateur: bool) -> str:
    from bs4 import BeautifulSoup

    css, version = _feuille_lab()
    with tempfile.TemporaryDirectory(prefix="feuille-") as tmp:
        tmp = Path(tmp)
        pages = _pages_specimen(tmp)
        if rapport is not None:
            if not (rapport / "index.html").is_file():
                raise SystemExit(f"pas de rapport dans {rapport} : `make report` d'abord (ou --rapport)")
            pages += sorted(rapport.glob("*.html")) + sorted((rapport / "quartiers").glob("*.html"))
        textes = [p.read_text(encoding="utf-8") for p in pages]
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if navigateur:
            if not chromium:
                raise SystemExit("Chromium absent (make navigateur), ou --sans-navigateur")
            interactives = [p for p, t in zip(pages, textes, strict=True) if "<script" in t and "DataTable" in t]
            for i, p in enumerate(interactives[:6]):
                textes.append(_dom_apres_scripts(p, chromium, tmp / f"profil-{i}"))
        soupes = [BeautifulSoup(t, "html.parser") for t in textes]
        print(f"{len(soupes)} pages examinées ({len(pages)} fichiers)", file=sys.stderr)
        return ENTETE.format(version=version) + alleger(css, soupes, _autres_feuilles())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rapport", type=Path, default=RACINE / "reports" / "2019")
    p.add_argument("--sans-navigateur", action="store_true")
    p.add_argument("--verifier", action="store_true", help="la feuille écrite est-elle celle que le script écrirait ?")
    args = p.parse_args(argv)
    texte = construire(args.rapport, not args.sans_navigateur)
    if args.verifier:
        actuel = SORTIE.read_text(encoding="utf-8") if SORTIE.is_file() else ""
        if actuel != texte:
            print(f"{SORTIE} n'est pas à jour : relancez le script sans --verifier", file=sys.stderr)
            return 1
        print(f"{SORTIE} à jour ({len(texte.encode())} octets)")
        return 0
    SORTIE.write_text(texte, encoding="utf-8")
    print(f"écrit {SORTIE} ({len(texte.encode())} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
