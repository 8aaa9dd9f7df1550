"""La carte des modules du paquet : lignes de Python par étage (ou par module du sommet), modules de plus de 600
lignes, flèches d'import entre étages ; pour l'arbre de travail et, au besoin, une révision git.

    python scripts/carte_des_modules.py                      # l'arbre de travail
    python scripts/carte_des_modules.py --avant e7b2d8b      # une révision, puis l'arbre de travail
    python scripts/carte_des_modules.py --avant e7b2d8b --ecrire docs/architecture.md

``--ecrire`` remplace, dans le fichier, ce qui est entre ``<!-- carte:debut -->`` et ``<!-- carte:fin -->``.
"""

from __future__ import annotations

import argparse
import ast
import collections
import subprocess
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PAQUET = "src/politique_ville"
SEUIL = 600


def _fichiers(revision: str | None) -> dict[str, str]:
    """Chemin relatif au paquet -> source, des modules Python du paquet (à une révision, ou de l'arbre de travail)."""
    if revision is None:
        return {
            str(p.relative_to(RACINE / PAQUET)): p.read_text(encoding="utf-8")
            for p in sorted((RACINE / PAQUET).rglob("*.py"))
            if "__pycache__" not in p.parts
        }
    noms = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", revision, PAQUET],
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {
        n.removeprefix(PAQUET + "/"): subprocess.run(
            ["git", "show", f"{revision}:{n}"], cwd=RACINE, capture_output=True, text=True, check=True
        ).stdout
        for n in noms
        if n.endswith(".py")
    }


def _etage(chemin: str) -> str:
    tete = chemin.split("/")[0]
    return tete.removesuffix(".py")


def _cibles(chemin: str, source: str) -> set[str]:
    """Les étages (ou modules du sommet) qu'importe un module."""
    paquet = ["politique_ville", *chemin.removesuffix(".py").split("/")][:-1]
    if chemin.endswith("__init__.py"):
        paquet = ["politique_ville", *chemin.split("/")[:-1]]
    cibles = set()
    for noeud in ast.walk(ast.parse(source)):
        if isinstance(noeud, ast.ImportFrom):
            if noeud.level:
                base = paquet[: len(paquet) - (noeud.level - 1)]
                nom = ".".join(base + ([noeud.module] if noeud.module else []))
            else:
                nom = noeud.module or ""
            if nom == "politique_ville":
                cibles |= {a.name for a in noeud.names}
            elif nom.startswith("politique_ville."):
                cibles.add(nom.split(".")[1])
        elif isinstance(noeud, ast.Import):
            cibles |= {a.name.split(".")[1] for a in noeud.names if a.name.startswith("politique_ville.")}
    return cibles


def carte(revision: str | None) -> dict:
    fichiers = _fichiers(revision)
    lignes, modules, grands = collections.Counter(), collections.Counter(), []
    fleches = collections.defaultdict(set)
    for chemin, source in fichiers.items():
        e = _etage(chemin)
        n = source.count("\n")
        lignes[e] += n
        modules[e] += 1
        if n > SEUIL:
            grands.append((n, chemin))
        fleches[e] |= {c for c in _cibles(chemin, source) if c != e and c != "__version__"}
    return {"lignes": lignes, "modules": modules, "grands": sorted(grands, reverse=True), "fleches": fleches}


def tableau(titre: str, c: dict) -> str:
    total = sum(c["lignes"].values())
    sortie = [
        f"**{titre}** : {total} lignes, {sum(c['modules'].values())} fichiers, {len(c['lignes'])} entrées au sommet du "
        f"paquet, {len(c['grands'])} modules de plus de {SEUIL} lignes.",
        "",
        "| entrée | fichiers | lignes | importe |",
        "| --- | ---: | ---: | --- |",
    ]
    for e, n in sorted(c["lignes"].items(), key=lambda x: -x[1]):
        sortie.append(f"| `{e}` | {c['modules'][e]} | {n} | {', '.join(sorted(c['fleches'][e])) or '—'} |")
    if c["grands"]:
        sortie += ["", "Plus de 600 lignes : " + ", ".join(f"`{m}` ({n})" for n, m in c["grands"]) + "."]
    return "\n".join(sortie)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--avant", help="révision git à montrer d'abord (la carte d'avant)")
    ap.add_argument("--ecrire", type=Path, help="fichier Markdown où remplacer la carte (entre les marques)")
    a = ap.parse_args(argv)
    parties = []
    if a.avant:
        parties.append(tableau(f"Avant ({a.avant})", carte(a.avant)))
    parties.append(tableau("Après (arbre de travail)", carte(None)))
    texte = "\n\n".join(parties)
    if a.ecrire:
        doc = a.ecrire.read_text(encoding="utf-8")
        debut, fin = "<!-- carte:debut -->", "<!-- carte:fin -->"
        i, j = doc.index(debut) + len(debut), doc.index(fin)
        a.ecrire.write_text(doc[:i] + "\n" + texte + "\n" + doc[j:], encoding="utf-8")
    print(texte)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
