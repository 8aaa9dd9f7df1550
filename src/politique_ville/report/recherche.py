"""Recherche dans tout le rapport, hors ligne : ``recherche.html`` et son index.

Le rapport s'ouvre depuis le disque (``file://``) ou s'envoie en pièce jointe : une recherche qui charge son index par
``fetch`` ou par un module JavaScript (Pagefind, par exemple) y est bloquée par le navigateur. L'index est donc un
simple script (``recherche/index.js`` : les sections de chaque page, leur titre, leur adresse et leur texte), chargé
par une balise ``<script>``, et la recherche est faite par MiniSearch (bibliothèque de recherche plein texte,
copiée dans ``templates/rapport/vendor/minisearch/`` avec sa licence par ``scripts/vendoriser_datatables.py``) :
recherche par préfixe, tolérante aux fautes de frappe et aux accents.

Une section = un titre de niveau 1 à 3 d'un chapitre et ce qui le suit jusqu'au titre suivant ; une fiche quartier
ou la méthodologie est découpée de même. Le texte d'une section est tronqué (:data:`CARACTERES_MAX`) : l'index reste
petit même à l'échelle nationale.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from politique_ville.report.export import STYLE_PAGE, VENDOR

#: texte gardé par section (caractères) ; une fiche quartier garde moins
CARACTERES_MAX = 6000
CARACTERES_MAX_FICHE = 1500

_RETIRER = re.compile(
    r"<(script|style|nav|svg)\b.*?</\1>|<img\b[^>]*>|<!--.*?-->|<a class=\"anchor-link\"[^>]*>.*?</a>", re.S | re.I
)
_TITRE = re.compile(r'<h([1-3])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_BALISE = re.compile(r"<[^>]+>")
_TITRE_PAGE = re.compile(r"<title>(.*?)</title>", re.S)


def _texte(fragment: str) -> str:
    return " ".join(html.unescape(_BALISE.sub(" ", fragment)).split())


def sections(page: str, url: str, max_caracteres: int = CARACTERES_MAX) -> list[dict]:
    """Les sections d'une page HTML : ``{"titre", "page", "url", "texte"}`` (``url`` : la page et l'ancre)."""
    titre_page = _texte(m.group(1)) if (m := _TITRE_PAGE.search(page)) else url
    debut, fin = page.find("<main"), page.rfind("</main>")
    corps = page[debut:fin] if debut >= 0 and fin > debut else page
    corps = _RETIRER.sub(" ", corps)
    titres = list(_TITRE.finditer(corps))
    resultat = []
    bornes = [(0, None)] + [(t.start(), t) for t in titres]
    for i, (pos, t) in enumerate(bornes):
        suite = bornes[i + 1][0] if i + 1 < len(bornes) else len(corps)
        contenu = corps[(t.end() if t else pos) : suite]
        texte = _texte(contenu)
        if not texte and t is None:
            continue
        resultat.append(
            {
                "titre": _texte(t.group(3)) if t else titre_page,
                "page": titre_page,
                "url": url + (f"#{html.unescape(t.group(2))}" if t and t.group(1) != "1" else ""),
                "texte": texte[:max_caracteres],
            }
        )
    return resultat


def ecrire_recherche(dossier: Path, *, annee: int, territoire: str, pages: list[str]) -> Path:
    """Indexe les ``pages`` (chemins relatifs au dossier du rapport) et écrit ``recherche.html``,
    ``recherche/index.js`` et MiniSearch (avec sa licence) ; renvoie le chemin de ``recherche.html``."""
    dossier = Path(dossier)
    documents = []
    for rel in pages:
        chemin = dossier / rel
        if not chemin.is_file():
            continue
        maxi = CARACTERES_MAX_FICHE if rel.startswith("quartiers/") else CARACTERES_MAX
        for s in sections(chemin.read_text(encoding="utf-8"), rel, maxi):
            documents.append({"id": len(documents), **s})
    cible = dossier / "recherche"
    cible.mkdir(parents=True, exist_ok=True)
    for f in ("minisearch.js", "LICENSE.txt"):
        shutil.copyfile(VENDOR / "minisearch" / f, cible / f)
    donnees = json.dumps(documents, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (cible / "index.js").write_text(f"window.RAPPORT_RECHERCHE = {donnees};\n", encoding="utf-8")
    e = html.escape
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rechercher — Rapport politique de la ville {annee} — {e(territoire)}</title>
<style>
{STYLE_PAGE}
form.recherche input {{ font-size: 1.1rem; padding: .4rem .6rem; width: min(100%, 32rem); box-sizing: border-box; }}
ol.resultats {{ padding-left: 1.2rem; }} ol.resultats li {{ margin: .8rem 0; }}
ol.resultats .page {{ color: #5a6b7d; font-size: .85rem; }} ol.resultats p {{ margin: .2rem 0; font-size: .9rem; }}
mark {{ background: #fde68a; }}
</style>
</head>
<body>
<nav class="navigation-rapport"><a href="index.html">Sommaire du rapport</a> <a href="methodologie.html">Méthodologie</a></nav>
<main>
<h1>Rechercher dans le rapport</h1>
<p class="sous-titre">{e(territoire)} — rapport {annee}</p>
<form class="recherche" role="search" onsubmit="return false">
<label for="q">Un quartier, une commune, un indicateur, un porteur, un montant…</label><br>
<input id="q" name="q" type="search" autocomplete="off" autofocus>
</form>
<p id="etat" aria-live="polite"></p>
<ol class="resultats" id="resultats"></ol>
<noscript><p>La recherche demande JavaScript ; le sommaire du rapport mène à chaque chapitre et chaque fiche.</p></noscript>
</main>
<script src="recherche/minisearch.js"></script>
<script src="recherche/index.js"></script>
<script>
{SCRIPT_RECHERCHE}
</script>
</body>
</html>
"""
    sortie = dossier / "recherche.html"
    sortie.write_text(page, encoding="utf-8")
    return sortie


#: la page de recherche : MiniSearch sur l'index du rapport (sans accents ni majuscules), résultats avec un extrait
SCRIPT_RECHERCHE = r"""(function () {
  var docs = window.RAPPORT_RECHERCHE || [];
  function normaliser(t) { return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var index = new MiniSearch({
    fields: ["titre", "page", "texte"], storeFields: ["id"],
    processTerm: function (t) { var n = normaliser(t); return n.length > 1 ? n : null; },
    searchOptions: {prefix: true, fuzzy: 0.15, combineWith: "AND", boost: {titre: 3, page: 2}}
  });
  index.addAll(docs);
  var champ = document.getElementById("q"), liste = document.getElementById("resultats"),
      etat = document.getElementById("etat");
  function extrait(texte, mots) {
    // autour de l'expression cherchée, sinon de son mot le plus long
    var n = normaliser(texte), pos = n.indexOf(mots.join(" "));
    if (pos < 0) {
      var long = mots.slice().sort(function (a, b) { return b.length - a.length; })[0] || "";
      pos = n.indexOf(long);
    }
    var debut = Math.max(0, pos - 80), bout = texte.slice(debut, debut + 240);
    return (debut > 0 ? "… " : "") + bout + (debut + 240 < texte.length ? " …" : "");
  }
  function chercher() {
    var q = champ.value.trim();
    liste.textContent = "";
    if (!q) { etat.textContent = ""; return; }
    var trouves = index.search(q).slice(0, 50);
    etat.textContent = trouves.length ? trouves.length + (trouves.length > 1 ? " résultats" : " résultat")
      : "Aucun résultat pour « " + q + " »";
    var mots = normaliser(q).split(/\s+/).filter(Boolean);
    trouves.forEach(function (r) {
      var d = docs[r.id], li = document.createElement("li"), a = document.createElement("a");
      a.href = d.url; a.textContent = d.titre; li.appendChild(a);
      var page = document.createElement("div"); page.className = "page"; page.textContent = d.page; li.appendChild(page);
      var p = document.createElement("p"); p.textContent = extrait(d.texte, mots); li.appendChild(p);
      liste.appendChild(li);
    });
  }
  champ.addEventListener("input", chercher);
  var depart = new URLSearchParams(window.location.search).get("q");
  if (depart) { champ.value = depart; chercher(); }
})();"""
