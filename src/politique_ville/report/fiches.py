"""Les fiches quartier vues du rapport : quels quartiers ont une fiche (table ``insee_qpv`` publiée), leur
rattachement (région, département, commune, par le Code officiel géographique) et leurs listes HTML (simple, ou
groupée et filtrable au-delà de :data:`SEUIL_FICHES_GROUPEES` fiches), dans l'index et le chapitre 10.

Le runner les lit ici, jamais dans un module de chapitre : il ne connaît aucun chapitre.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from pathlib import Path

import pandas as pd

from politique_ville.formats import nombre_fr
from politique_ville.reference import territoires

#: Au-delà de ce nombre de fiches, la liste des fiches (chapitre 10, index du rapport) est groupée par région,
#: département et commune, avec un champ de recherche ; en deçà, une simple liste.
SEUIL_FICHES_GROUPEES = 50


#: groupe des quartiers dont la commune n'est pas dans le Code officiel géographique (codes locaux « LOC- » sans
#: code commune, code inconnu) : rangés sous leur commune seulement
HORS_COG = "Communes hors du Code officiel géographique"


def rattachement_fiches(qpv_communes: pd.DataFrame, cog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Région, département et commune de chaque quartier, d'après sa première commune (``rang`` 1 de la table
    nettoyée ``insee_qpv_communes``) et le Code officiel géographique (``cog`` : ``territoires.communes(alias=True)``,
    lu par défaut ; un arrondissement ou une commune déléguée a le département de sa commune). Colonnes
    ``code_qp``, ``region``, ``departement`` (noms, « » hors COG), ``commune`` (nom de la table)."""

    if cog is None:
        cog = territoires.communes(alias=True)
    noms_dep = dict(zip(*(territoires.departements()[c] for c in ("code", "nom"))))
    noms_reg = dict(zip(*(territoires.regions()[c] for c in ("code", "nom"))))
    # une commune déléguée peut avoir le code de sa commune nouvelle : la commune actuelle d'abord
    cog = cog.assign(_actuelle=(cog["type"] != "COM").astype(int)).sort_values("_actuelle", kind="stable")
    cog = cog.drop_duplicates("code").set_index("code")
    qc = qpv_communes.sort_values(["code_qp", "rang"] if "rang" in qpv_communes else ["code_qp"], kind="stable")
    premiere = qc.drop_duplicates("code_qp")
    lignes = []
    for code_qp, commune, code_insee in zip(
        premiere["code_qp"], premiere["commune"], premiere.get("code_insee", [None] * len(premiere))
    ):
        dep = reg = ""
        if isinstance(code_insee, str) and code_insee in cog.index:
            dep_code, reg_code = cog.at[code_insee, "departement"], cog.at[code_insee, "region"]
            dep = f"{noms_dep.get(dep_code, dep_code)} ({dep_code})" if dep_code else ""
            reg = noms_reg.get(reg_code, reg_code) if reg_code else ""
        lignes.append(
            (
                code_qp,
                reg,
                dep,
                str(commune) if isinstance(commune, str) and commune.strip() else "Commune non indiquée",
            )
        )
    return pd.DataFrame(lignes, columns=["code_qp", "region", "departement", "commune"])


def _sans_accents(texte: str) -> str:

    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c)).lower()


#: filtre de la liste groupée des fiches : garde les fiches dont le texte (quartier, communes, département, région,
#: sans accents ni majuscules) contient la recherche, ouvre les groupes qui en ont, cache les autres
FILTRE_FICHES = r"""(function () {
  var bloc = document.currentScript.previousElementSibling, champ = bloc.querySelector("input.filtre-fiches");
  var compte = bloc.querySelector(".compte-fiches"), fiches = bloc.querySelectorAll("li.fiche");
  var sans = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  champ.addEventListener("input", function () {
    var q = sans(champ.value.trim()), n = 0;
    fiches.forEach(function (li) { li.hidden = q !== "" && li.dataset.recherche.indexOf(q) < 0; if (!li.hidden) n++; });
    bloc.querySelectorAll("details, .commune-fiches").forEach(function (g) {
      var k = g.querySelectorAll("li.fiche:not([hidden])").length;
      g.hidden = k === 0;
      if (g.tagName === "DETAILS" && q !== "") g.open = k > 0;
    });
    var un = bloc.dataset.un || "fiche", plusieurs = bloc.dataset.plusieurs || "fiches";
    compte.textContent = q === "" ? "" : (n === 0 ? (bloc.dataset.aucun || "aucune fiche ne correspond") : n === 1 ? "1 " + un : n + " " + plusieurs);
  });
})();"""


# Longue : le HTML d'une liste groupée (région, département, commune) avec son filtre : un gabarit écrit en Python.
def fiches_groupees_html(
    fiches: list[dict], unite: tuple[str, str] = ("fiche", "fiches"), par_commune: bool = True
) -> str:
    """Liste des fiches groupée par région, département et commune (blocs dépliables, ``<details>``), précédée d'un
    champ de recherche (petit script intégré ; sans JavaScript, la liste reste complète). ``fiches`` : dicts
    ``lien``, ``titre`` (texte du lien), ``detail`` (texte après le lien, facultatif), ``region``, ``departement``,
    ``commune`` ; région et département vides : groupe :data:`HORS_COG`, rangé sous la commune seulement. Tout est
    échappé. ``unite`` : ce que la liste compte (singulier, pluriel ; des territoires pour l'index d'un lot) ;
    ``par_commune=False`` : groupes de région et de département seulement (les éléments n'ont pas de commune)."""
    e = html.escape
    un, plusieurs = unite
    if not par_commune:
        fiches = [{**f, "commune": ""} for f in fiches]

    def compte(n):
        return f"{nombre_fr(n)} {un if n <= 1 else plusieurs}"

    def cle(f):
        hors = not (f.get("region") or f.get("departement"))
        return (hors, _sans_accents(f.get("region") or ""), f.get("departement") or "", _sans_accents(f["commune"]))

    arbre: dict = {}
    for f in sorted(fiches, key=cle):
        hors = not (f.get("region") or f.get("departement"))
        reg = HORS_COG if hors else (f.get("region") or "Région non déterminée")
        dep = None if hors else (f.get("departement") or "Département non déterminé")
        arbre.setdefault(reg, {}).setdefault(dep, {}).setdefault(f["commune"], []).append(f)

    def item(f):
        detail = f" — {e(f['detail'])}" if f.get("detail") else ""
        texte = " ".join(str(f.get(k) or "") for k in ("titre", "detail", "commune", "departement", "region"))
        return (
            f'<li class="fiche" data-recherche="{e(_sans_accents(texte))}"><a href="{e(f["lien"])}">{e(f["titre"])}'
            f"</a>{detail}</li>"
        )

    def communes(par_commune):
        if not par_commune.keys() - {""}:  # sans communes : la liste directement sous le département
            return "".join(f"<ul>{''.join(item(f) for f in fs)}</ul>" for fs in par_commune.values())
        return "".join(
            f'<div class="commune-fiches"><p class="commune">{e(c)} <span class="nb">({compte(len(fs))})</span></p>'
            f"<ul>{''.join(item(f) for f in fs)}</ul></div>"
            for c, fs in par_commune.items()
        )

    seule_region = len(arbre) == 1
    blocs = []
    for reg, par_dep in arbre.items():
        n_reg = sum(len(fs) for d in par_dep.values() for fs in d.values())
        interieur = "".join(
            communes(par_commune)
            if dep is None
            else f'<details{" open" if len(par_dep) == 1 else ""}><summary>{e(dep)} <span class="nb">'
            f"({compte(sum(len(fs) for fs in par_commune.values()))})</span></summary>{communes(par_commune)}</details>"
            for dep, par_commune in par_dep.items()
        )
        blocs.append(
            f'<details{" open" if seule_region else ""}><summary>{e(reg)} <span class="nb">({compte(n_reg)})'
            f"</span></summary>{interieur}</details>"
        )
    recherche = (
        "une fiche (quartier, commune, département, région)"
        if unite[0] == "fiche"
        else f"un {e(un)} (nom, code, département, région)"
    )
    attributs = (
        ""
        if unite[0] == "fiche"
        else (f' data-un="{e(un)}" data-plusieurs="{e(plusieurs)}" data-aucun="aucun {e(un)} ne correspond"')
    )
    style = (
        "<style>.fiches-groupees details { margin: .2rem 0 .2rem 1rem; } .fiches-groupees summary { cursor: pointer; "
        "font-weight: bold; color: #14406b; } .fiches-groupees .nb { font-weight: normal; color: #5a6b7d; } "
        ".fiches-groupees p.commune { margin: .4rem 0 0 1rem; font-style: italic; } .fiches-groupees ul { margin: "
        ".1rem 0 .3rem 1rem; } .fiches-groupees input { font: inherit; padding: .2rem .4rem; min-width: 18rem; }</style>"
    )
    return (
        f'{style}<div class="fiches-groupees"{attributs}><p><label>Rechercher {recherche}\u00a0: '
        f'<input type="search" class="filtre-fiches"></label> <span class="compte-fiches" '
        f'aria-live="polite"></span></p><p class="note">{compte(len(fiches))}, par région, département'
        f"{' et commune' if par_commune else ''}.</p>" + "".join(blocs) + f"</div><script>\n{FILTRE_FICHES}\n</script>"
    )


def liste_fiches_html(
    liens: pd.DataFrame, supposes: dict | None = None, qpv_communes: pd.DataFrame | None = None, cog=None
) -> str:
    """Liste HTML (échappée) des fiches produites : lien, quartier, type, communes ; « » si aucune. ``supposes``
    (code -> « (supposé : statut, commune) ») : marque des identités supposées. Plus de
    :data:`SEUIL_FICHES_GROUPEES` fiches et ``qpv_communes`` donné : liste groupée par région, département et commune
    avec un champ de recherche (:func:`fiches_groupees_html`, rattachement par :func:`rattachement_fiches`)."""
    avec_fiche = liens[liens["lien"].notna()]
    if avec_fiche.empty:
        return ""
    e = html.escape
    supposes = supposes or {}
    if qpv_communes is not None and len(avec_fiche) > SEUIL_FICHES_GROUPEES:
        ratt = rattachement_fiches(qpv_communes, cog).set_index("code_qp")
        fiches = []
        for lien, q, t, c, k in zip(
            avec_fiche["lien"],
            avec_fiche["quartier"],
            avec_fiche["type_libelle"],
            avec_fiche["communes"],
            avec_fiche["code_qp"],
        ):
            r = ratt.loc[k] if k in ratt.index else None
            fiches.append(
                {
                    "lien": lien,
                    "titre": q,
                    "detail": f"{t}, {c}" + (f" {supposes[k]}" if k in supposes else ""),
                    "region": "" if r is None else r["region"],
                    "departement": "" if r is None else r["departement"],
                    "commune": (c.split(", ")[0] if c else "Commune non indiquée") if r is None else r["commune"],
                }
            )
        return fiches_groupees_html(fiches)
    return (
        "<ul>"
        + "".join(
            f'<li><a href="{e(lien)}">{e(q)}</a> — {e(t)}, {e(c)}{" " + e(supposes[k]) if k in supposes else ""}</li>'
            for lien, q, t, c, k in zip(
                avec_fiche["lien"],
                avec_fiche["quartier"],
                avec_fiche["type_libelle"],
                avec_fiche["communes"],
                avec_fiche["code_qp"],
            )
        )
        + "</ul>"
    )


def quartiers_des_fiches(dossier: Path):
    """Quartiers de l'année (table nettoyée ``insee_qpv`` de ``dossier``), avec un libellé pour l'index."""
    chemin = Path(dossier) / "insee_qpv.parquet"
    if not chemin.is_file():
        return None
    etat = chemin.stat()
    # lus pour choisir les fiches, puis pour l'index : une lecture par état du fichier (un fichier réécrit est relu)
    return _quartiers_du_fichier(str(chemin), etat.st_ino, etat.st_mtime_ns, etat.st_size).copy(deep=False)


@functools.lru_cache(maxsize=8)
def _quartiers_du_fichier(chemin: str, _inode: int, _date: int, _taille: int) -> pd.DataFrame:
    q = pd.read_parquet(chemin, columns=["code_qp", "nom_qp", "nom_commune", "type_quartier"])
    q["libelle"] = [
        f"{n if isinstance(n, str) and n.strip() else 'Quartier sans nom publié'} ({c}) — {communes}"
        for n, c, communes in zip(q["nom_qp"], q["code_qp"], q["nom_commune"])
    ]
    return q


def rattacher(fiches: list[dict], dossier: Path) -> list[dict]:
    """Au-delà de ``SEUIL_FICHES_GROUPEES`` fiches : région, département et commune de chacune (table
    ``insee_qpv_communes`` et Code officiel géographique), pour la liste groupée de l'index ; en deçà, ou sans la
    table des communes, les fiches telles quelles (simple liste)."""
    chemin = Path(dossier) / "insee_qpv_communes.parquet"
    if len(fiches) <= SEUIL_FICHES_GROUPEES or not chemin.is_file():
        return fiches
    ratt = rattachement_fiches(pd.read_parquet(chemin)).set_index("code_qp")
    return [
        {
            **f,
            **(
                ratt.loc[f["code_qp"]].to_dict()
                if f["code_qp"] in ratt.index
                else {"region": "", "departement": "", "commune": "Commune non indiquée"}
            ),
        }
        for f in fiches
    ]
