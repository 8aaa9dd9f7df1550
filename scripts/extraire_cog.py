"""Extrait du découpage administratif officiel (COG) depuis le paquet npm d'Etalab, pour toute la France.

Le paquet ``@etalab/decoupage-administratif`` (communes, EPCI, départements, régions du Code officiel géographique
de l'INSEE, composition des EPCI de la DGCL, populations légales) est récupéré dans sa version ÉPINGLÉE par
``npm pack`` dans un dossier temporaire ; l'empreinte SHA-256 de l'archive est comparée à celle épinglée ici. On lit
ses fichiers ``data/communes.json``, ``epci.json``, ``departements.json``, ``regions.json`` et on écrit sous
``data/reference/cog/`` un extrait compact (CSV UTF-8, triés, octets stables : relancer le script redonne des
fichiers identiques) et ``PROVENANCE.json`` (paquet, version, empreinte de l'archive, licence lue dans le paquet,
date d'extraction, empreinte de chaque extrait). L'extrait est versionné : ni ``make report`` ni les tests n'ont
besoin de npm ni du réseau.

Usage ::

    python scripts/extraire_cog.py                     # (re)fabrique l'extrait (npm et le registre npm requis)
    python scripts/extraire_cog.py --verifier          # empreintes des extraits ; avec npm, re-télécharge et compare
    python scripts/extraire_cog.py --verifier --sans-npm
    python scripts/extraire_cog.py --remplir-codes data/reference/territoires/cabbalr/communes.csv --territoire epci:200072460

``--remplir-codes`` remplit la colonne ``code_insee`` d'un référentiel de communes du territoire (colonne
``nom_officiel``) par rapprochement des noms avec l'extrait, parmi les communes du territoire donné : aucun code n'est
saisi à la main. Un nom introuvable ou ambigu arrête le script (code de sortie 1) sans rien écrire.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
DOSSIER = RACINE / "data" / "reference" / "cog"

PAQUET = "@etalab/decoupage-administratif"
VERSION = "6.0.0"  # millésime 2026 du COG selon le README du paquet
SHA256_ARCHIVE = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"

# Millésime des populations (le paquet ne l'écrit pas dans ses données). Son README cite comme source la page INSEE
# des populations légales (statistiques/8680726), celles du millésime 2023, en vigueur au 1er janvier 2026 ; les
# valeurs le confirment (Paris 2 103 778, Lyon 519 127). Mayotte : « population Mayotte INSEE 2017 » (README ;
# Mamoudzou 71 437 = recensement de 2017). Le script vérifie que le README cite toujours ces sources : une nouvelle
# version du paquet impose de revoir ces lignes.
MILLESIME_POPULATION = "2023"
MILLESIMES_PARTICULIERS = {"976": "2017"}  # département -> millésime de sa population
README_ATTENDU = ("statistiques/8680726", "population Mayotte INSEE 2017")

SOURCES = ("communes", "epci", "departements", "regions")
EXTRAITS = ("communes.csv", "epci.csv", "departements.csv", "regions.csv")
#: type de commune du paquet -> code TYPECOM du COG de l'INSEE
TYPES = {
    "commune-actuelle": "COM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
    "arrondissement-municipal": "ARM",
}
ORDRE_TYPES = {"COM": 0, "ARM": 1, "COMD": 2, "COMA": 3}


class Echec(Exception):
    """Erreur du script (message en français)."""


# --------------------------------------------------------------------------------------------- téléchargement


def sha256(octets: bytes) -> str:
    return hashlib.sha256(octets).hexdigest()


def telecharger(dossier: Path) -> Path:
    """``npm pack`` de la version épinglée dans ``dossier`` (cache npm temporaire : vrai téléchargement) ; vérifie
    l'empreinte de l'archive."""
    npm = shutil.which("npm")
    if not npm:
        raise Echec(
            "npm est introuvable : installez Node.js et npm pour télécharger le paquet "
            f"{PAQUET}@{VERSION} (l'extrait versionné, lui, n'en a pas besoin)."
        )
    env = {
        **os.environ,
        "npm_config_cache": str(dossier / ".cache-npm"),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }
    try:
        res = subprocess.run(
            [npm, "pack", f"{PAQUET}@{VERSION}", "--ignore-scripts", "--silent"],
            cwd=dossier,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise Echec(f"npm pack {PAQUET}@{VERSION} n'a pas abouti en 5 minutes (registre npm injoignable ?).") from None
    if res.returncode != 0:
        raise Echec(f"npm pack {PAQUET}@{VERSION} a échoué (code {res.returncode}) :\n{res.stderr.strip()[-2000:]}")
    archives = sorted(dossier.glob("*.tgz"))
    if len(archives) != 1:
        raise Echec(f"npm pack devait produire une archive .tgz, trouvé : {[a.name for a in archives]}")
    empreinte = sha256(archives[0].read_bytes())
    if empreinte != SHA256_ARCHIVE:
        raise Echec(
            f"empreinte SHA-256 inattendue pour {archives[0].name} : {empreinte} ; épinglée : "
            f"{SHA256_ARCHIVE}. L'archive publiée a changé ou a été altérée : rien n'est écrit."
        )
    return archives[0]


def lire_archive(archive: Path) -> dict:
    """Contenu utile de l'archive : données JSON, package.json, LICENSE, README, empreinte de chaque source."""
    lu = {"sources": {}, "empreintes_sources": {}}
    with tarfile.open(archive, "r:gz") as tar:

        def octets(nom: str) -> bytes:
            try:
                f = tar.extractfile(f"package/{nom}")
            except KeyError:
                f = None
            if f is None:
                raise Echec(f"le paquet {PAQUET}@{VERSION} ne contient pas « {nom} ».")
            return f.read()

        for source in SOURCES:
            brut = octets(f"data/{source}.json")
            lu["sources"][source] = json.loads(brut.decode("utf-8"))
            lu["empreintes_sources"][f"data/{source}.json"] = sha256(brut)
        lu["package"] = json.loads(octets("package.json").decode("utf-8"))
        lu["licence_texte"] = octets("LICENSE").decode("utf-8")
        lu["readme"] = octets("README.md").decode("utf-8")
    if lu["package"].get("name") != PAQUET or lu["package"].get("version") != VERSION:
        raise Echec(
            f"l'archive annonce {lu['package'].get('name')}@{lu['package'].get('version')}, attendu {PAQUET}@{VERSION}."
        )
    manquantes = [a for a in README_ATTENDU if a not in lu["readme"]]
    if manquantes:
        raise Echec(
            "le README du paquet ne cite plus les sources de population attendues "
            f"({', '.join(manquantes)}) : revoyez MILLESIME_POPULATION et MILLESIMES_PARTICULIERS."
        )
    return lu


def licence(lu: dict) -> dict:
    """Licences lues dans le paquet : champ ``license`` de package.json (code), fichier LICENSE, section « Licence »
    du README (données)."""
    section = re.search(r"^## Licence\s*\n(.*?)(?=^## |\Z)", lu["readme"], flags=re.S | re.M)
    return {
        "package_json": lu["package"].get("license", ""),
        "fichier_LICENSE": lu["licence_texte"].strip().splitlines()[0]
        + " — "
        + next((ligne.strip() for ligne in lu["licence_texte"].splitlines() if ligne.startswith("Copyright")), ""),
        "readme": " ".join(ligne.strip().rstrip("\\").strip() for ligne in section.group(1).strip().splitlines())
        if section
        else "",
    }


# --------------------------------------------------------------------------------------------- extraits


def _csv(entete: list[str], lignes: list[list]) -> bytes:
    tampon = io.StringIO()
    w = csv.writer(tampon, lineterminator="\n")
    w.writerow(entete)
    for ligne in lignes:
        w.writerow(["" if v is None else v for v in ligne])
    return tampon.getvalue().encode("utf-8")


def _millesime(departement: str) -> str:
    return MILLESIMES_PARTICULIERS.get(departement, MILLESIME_POPULATION)


def _millesime_agrege(millesimes: Counter) -> str:
    """« 2023 » si un seul millésime, sinon le majoritaire suivi des autres : « 2023 ; 2017 ».
    (Un département ou une région n'en a qu'un ; seule la France entière en mélange, calculée par reference.py.)"""
    tries = sorted(millesimes, key=lambda m: (-millesimes[m], m))
    return " ; ".join(tries)


def construire(lu: dict) -> dict[str, bytes]:
    """Les quatre extraits CSV (octets) à partir des données du paquet."""
    s = lu["sources"]
    epci_de: dict[str, str] = {}
    for e in s["epci"]:
        for m in e["membres"]:
            if m["code"] in epci_de:
                raise Echec(f"la commune {m['code']} appartient à deux EPCI ({epci_de[m['code']]} et {e['code']}).")
            epci_de[m["code"]] = e["code"]

    lignes, actuelles = [], {}
    for c in s["communes"]:
        if c["type"] not in TYPES:
            raise Echec(f"type de commune inconnu dans le paquet : « {c['type']} » ({c['code']} {c['nom']}).")
        t = TYPES[c["type"]]
        pop = c.get("population")
        rattachement = c.get("chefLieu") or c.get("commune") or ""
        lignes.append(
            [
                c["code"],
                c["nom"],
                t,
                rattachement if t != "COM" else "",
                c["departement"],
                c["region"],
                epci_de.get(c["code"], "") if t == "COM" else "",
                "" if pop is None else int(pop),
                _millesime(c["departement"]) if pop is not None else "",
                " ".join(sorted(c.get("anciensCodes", []))) if t == "COM" else "",
            ]
        )
        if t == "COM":
            actuelles[c["code"]] = c
    inconnues = sorted(set(epci_de) - set(actuelles))
    if inconnues:
        raise Echec(f"membres d'EPCI absents des communes actuelles : {', '.join(inconnues[:10])}")
    lignes.sort(key=lambda x: (x[0], ORDRE_TYPES[x[2]], x[1], x[3]))
    communes = _csv(
        [
            "code",
            "nom",
            "type",
            "rattachement",
            "departement",
            "region",
            "epci",
            "population",
            "millesime_population",
            "anciens_codes",
        ],
        lignes,
    )

    def agreger(codes):
        pops = [actuelles[c]["population"] for c in codes if actuelles[c].get("population") is not None]
        mill = Counter(
            _millesime(actuelles[c]["departement"]) for c in codes if actuelles[c].get("population") is not None
        )
        return len(codes), (sum(pops) if pops else ""), _millesime_agrege(mill)

    l_epci = []
    for e in sorted(s["epci"], key=lambda e: e["code"]):
        n, pop, mill = agreger([m["code"] for m in e["membres"]])
        l_epci.append(
            [
                e["code"],
                e["nom"],
                e["type"],
                e.get("modeFinancement", ""),
                n,
                pop,
                mill,
                e.get("populationMunicipale", ""),
            ]
        )
    epci = _csv(
        [
            "siren",
            "nom",
            "type",
            "financement",
            "nb_communes",
            "population",
            "millesime_population",
            "population_municipale_dgcl",
        ],
        l_epci,
    )

    par_dep, par_reg = {}, {}
    for code, c in actuelles.items():
        par_dep.setdefault(c["departement"], []).append(code)
        par_reg.setdefault(c["region"], []).append(code)
    l_dep = []
    for d in sorted(s["departements"], key=lambda d: d["code"]):
        n, pop, mill = agreger(par_dep.get(d["code"], []))
        l_dep.append([d["code"], d["nom"], d["region"], d["chefLieu"], d["zone"], n, pop, mill])
    departements = _csv(
        ["code", "nom", "region", "chef_lieu", "zone", "nb_communes", "population", "millesime_population"], l_dep
    )
    l_reg = []
    for r in sorted(s["regions"], key=lambda r: r["code"]):
        n, pop, mill = agreger(par_reg.get(r["code"], []))
        l_reg.append([r["code"], r["nom"], r["chefLieu"], r["zone"], n, pop, mill])
    regions = _csv(["code", "nom", "chef_lieu", "zone", "nb_communes", "population", "millesime_population"], l_reg)
    return {"communes.csv": communes, "epci.csv": epci, "departements.csv": departements, "regions.csv": regions}


def provenance(lu: dict, extraits: dict[str, bytes], date: str) -> dict:
    return {
        "paquet": PAQUET,
        "version": VERSION,
        "archive": f"{PAQUET.lstrip('@').replace('/', '-')}-{VERSION}.tgz",
        "sha256_archive": SHA256_ARCHIVE,
        "obtenu_par": f"npm pack {PAQUET}@{VERSION} (scripts/extraire_cog.py)",
        "licence": licence(lu),
        "date_extraction": date,
        "sources": lu["empreintes_sources"],
        "population": {
            "nature": "population municipale (populations légales de l'INSEE) ; pour un EPCI, un département, une "
            "région : somme des populations de ses communes actuelles",
            "millesime": MILLESIME_POPULATION,
            "millesimes_particuliers": MILLESIMES_PARTICULIERS,
            "fondement": "millésime non écrit dans les données du paquet ; déduit de la source citée par son README "
            "(page INSEE des populations légales, statistiques/8680726 ; Mayotte : « population Mayotte "
            "INSEE "
            + MILLESIMES_PARTICULIERS["976"]
            + " ») et cohérent avec les valeurs (Paris 2 103 778 ; Mamoudzou 71 437)",
            "population_municipale_dgcl": "colonne de epci.csv : population municipale de l'EPCI donnée par le "
            "fichier de la DGCL repris par le paquet (autre base, non sommée ici)",
        },
        "extraits": {
            nom: {
                "sha256": sha256(o),
                "lignes": o.count(b"\n") - 1,
                "colonnes": o.split(b"\n", 1)[0].decode("utf-8").split(","),
            }
            for nom, o in sorted(extraits.items())
        },
    }


def _json(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def extraire(dossier: Path) -> dict[str, bytes]:
    """Télécharge, vérifie, construit ; renvoie les octets des extraits et de PROVENANCE.json (sans rien écrire)."""
    with tempfile.TemporaryDirectory(prefix="cog-") as tmp:
        lu = lire_archive(telecharger(Path(tmp)))
    extraits = construire(lu)
    date = dt.date.today().isoformat()
    ancienne = dossier / "PROVENANCE.json"
    if ancienne.is_file():  # même paquet, mêmes extraits : on garde la date, les octets restent identiques
        avant = json.loads(ancienne.read_text(encoding="utf-8"))
        if provenance(lu, extraits, avant.get("date_extraction", date)) == avant:
            date = avant["date_extraction"]
    return {**extraits, "PROVENANCE.json": _json(provenance(lu, extraits, date))}


def ecrire(dossier: Path, fichiers: dict[str, bytes]) -> None:
    dossier.mkdir(parents=True, exist_ok=True)
    for nom, octets in fichiers.items():
        tmp = dossier / f".{nom}.tmp"
        tmp.write_bytes(octets)
        os.replace(tmp, dossier / nom)


# --------------------------------------------------------------------------------------------- vérification


def verifier(dossier: Path, avec_npm: bool) -> list[str]:
    """Écarts entre l'extrait et ses empreintes (et, avec npm, avec un extrait refait du paquet). Vide si conforme."""
    fautes = []
    chemin = dossier / "PROVENANCE.json"
    if not chemin.is_file():
        return [f"{chemin} est absent : lancez scripts/extraire_cog.py."]
    prov = json.loads(chemin.read_text(encoding="utf-8"))
    if prov.get("version") != VERSION or prov.get("sha256_archive") != SHA256_ARCHIVE:
        fautes.append(
            f"PROVENANCE.json décrit {prov.get('paquet')}@{prov.get('version')} "
            f"({prov.get('sha256_archive')}), le script épingle {PAQUET}@{VERSION} ({SHA256_ARCHIVE})."
        )
    for nom in EXTRAITS:
        f = dossier / nom
        attendu = prov.get("extraits", {}).get(nom, {}).get("sha256")
        if not f.is_file():
            fautes.append(f"extrait absent : {f}")
        elif attendu is None:
            fautes.append(f"{nom} : pas d'empreinte dans PROVENANCE.json")
        elif sha256(f.read_bytes()) != attendu:
            fautes.append(
                f"{nom} : empreinte {sha256(f.read_bytes())}, PROVENANCE.json indique {attendu} "
                "(fichier modifié à la main ?)"
            )
    if avec_npm:
        refait = extraire(dossier)
        for nom in EXTRAITS:
            f = dossier / nom
            if f.is_file() and f.read_bytes() != refait[nom]:
                fautes.append(f"{nom} diffère de l'extrait refait à partir de {PAQUET}@{VERSION}")
    return fautes


# --------------------------------------------------------------------------------------------- codes d'un territoire


def remplir_codes(fichier: Path, niveau: str, code: str) -> list[tuple[str, str]]:
    """Remplit la colonne ``code_insee`` de ``fichier`` (colonne ``nom_officiel``) par rapprochement des noms avec
    l'extrait, parmi les communes du territoire ``niveau``/``code`` ; seule cette colonne change."""
    sys.path.insert(0, str(RACINE / "src"))
    from politique_ville.base.errors import ErreurDonnees
    from politique_ville.reference.territoires import territoire, trouver_commune

    texte = fichier.read_text(encoding="utf-8")
    lignes = list(csv.reader(io.StringIO(texte)))
    entete = lignes[0]
    if "nom_officiel" not in entete or "code_insee" not in entete:
        raise Echec(f"{fichier} : colonnes « nom_officiel » et « code_insee » attendues, trouvé {entete}.")
    i_nom, i_code = entete.index("nom_officiel"), entete.index("code_insee")
    try:
        terr = territoire(niveau, code)
    except ErreurDonnees as exc:
        raise Echec(str(exc)) from None
    trouves, fautes = [], []
    for n, ligne in enumerate(lignes[1:], start=2):
        try:
            c = trouver_commune(ligne[i_nom], parmi=terr.communes)
        except ErreurDonnees as exc:
            fautes.append(f"ligne {n} : {exc}")
            continue
        if c.nom != ligne[i_nom]:
            fautes.append(
                f"ligne {n} : « {ligne[i_nom]} » n'est pas le nom officiel « {c.nom} » ({c.code}) ; "
                "corrigez nom_officiel (l'ancienne graphie va dans variantes)"
            )
            continue
        ligne[i_code] = c.code
        trouves.append((c.nom, c.code))
    if fautes:
        raise Echec(
            f"{fichier} : {len(fautes)} commune(s) non rapprochée(s) de {terr.nom} ({terr.code}) :\n"
            + "\n".join(f"  - {f}" for f in fautes)
        )
    tampon = io.StringIO()
    csv.writer(tampon, lineterminator="\n").writerows(lignes)
    nouveau = tampon.getvalue()
    if nouveau != texte:
        tmp = fichier.with_name(f".{fichier.name}.tmp")
        tmp.write_text(nouveau, encoding="utf-8")
        os.replace(tmp, fichier)
    return trouves


# --------------------------------------------------------------------------------------------- ligne de commande


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=f"Extrait du découpage administratif (COG) depuis le paquet npm {PAQUET}@{VERSION}."
    )
    p.add_argument(
        "--dossier",
        type=Path,
        default=DOSSIER,
        metavar="DOSSIER",
        help="dossier de l'extrait (défaut : data/reference/cog)",
    )
    p.add_argument(
        "--verifier",
        action="store_true",
        help="vérifie les empreintes de l'extrait ; avec npm, re-télécharge le paquet et compare",
    )
    p.add_argument("--sans-npm", action="store_true", help="avec --verifier : empreintes seulement, sans réseau")
    p.add_argument(
        "--remplir-codes",
        type=Path,
        metavar="FICHIER",
        help="remplit la colonne code_insee d'un référentiel de communes du territoire",
    )
    p.add_argument("--territoire", metavar="NIVEAU:CODE", help="avec --remplir-codes : ex. epci:200072460")
    a = p.parse_args(argv)
    try:
        if a.remplir_codes:
            if not a.territoire or ":" not in a.territoire:
                raise Echec("--remplir-codes demande --territoire NIVEAU:CODE (ex. epci:200072460).")
            niveau, code = a.territoire.split(":", 1)
            trouves = remplir_codes(a.remplir_codes, niveau, code)
            print(f"{len(trouves)} code(s) INSEE rapproché(s) dans {a.remplir_codes} :")
            for nom, code_ in trouves:
                print(f"  {code_}  {nom}")
            return 0
        if a.verifier:
            avec_npm = not a.sans_npm and shutil.which("npm") is not None
            if not a.sans_npm and not avec_npm:
                print("npm est introuvable : seules les empreintes de l'extrait sont vérifiées.")
            fautes = verifier(a.dossier, avec_npm)
            if fautes:
                print(f"L'extrait {a.dossier} ne correspond pas à sa provenance :", file=sys.stderr)
                for f in fautes:
                    print(f"  - {f}", file=sys.stderr)
                return 1
            print(
                f"Extrait conforme : {a.dossier} ({PAQUET}@{VERSION}"
                + (", comparé à un extrait refait du paquet)" if avec_npm else ", empreintes)")
            )
            return 0
        fichiers = extraire(a.dossier)
        ecrire(a.dossier, fichiers)
        for nom, octets in fichiers.items():
            print(f"{a.dossier / nom} : {len(octets):,} octets, sha256 {sha256(octets)[:16]}…".replace(",", " "))
        return 0
    except Echec as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
