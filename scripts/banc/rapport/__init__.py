"""Le rapport Markdown du banc (``reports/benchmark.md``), écrit à partir des résultats (``resultats.json``).

Une section par partie, dans l'ordre du rapport (qui n'est pas celui des mesures : le premier ``make report``,
mesuré en dernier, vient en tête) ; puis les sections des parties ajoutées au registre (``section(res)`` de leur
module), l'analyse et la remesure après corrections.
"""

from __future__ import annotations

import re

from banc.outils import fr
from banc.parties import PARTIES
from banc.rapport import echelle, r2019
from banc.rapport.cibles import resume
from banc.rapport.entete import entete

#: sections des parties du banc, dans l'ordre du rapport
SECTIONS = (
    resume,
    r2019.premier,
    r2019.froid,
    r2019.chaud,
    r2019.fiches,
    r2019.decomposition,
    echelle.echelle,
    echelle.profil,
    echelle.fiches_national,
)


def rapport(res: dict) -> str:
    L = entete(res)
    for section in SECTIONS:
        L.extend(section(res))
    for partie in PARTIES.values():  # parties ajoutées : leur module définit section(res)
        section = getattr(partie.module(), "section", None)
        if section:
            L.extend(section(res))
    a = L.append
    if res.get("analyse"):
        a("## Analyse")
        a("")
        a(res["analyse"])
        a("")
    apres = res.get("apres")
    if apres:
        L.extend(_apres(apres))
    return "\n".join(L) + "\n"


def _apres(apres: dict) -> list[str]:
    """La remesure après corrections : son propre rapport, à partir du résumé, un niveau de titre plus bas."""
    g = apres.get("instantane", {}).get("git", "?")
    sous = rapport({k: v for k, v in apres.items() if k not in ("analyse", "apres", "complements")})
    corps = sous[sous.index("## Résumé") :]
    corps = re.sub(r"(?m)^## ", "### ", corps)
    return [
        f"## Remesure après les corrections (git `{g}`)",
        "",
        f"Même machine, même script, mesures de {apres.get('debut', '?')[11:16]} à {apres.get('fin', '?')[11:16]} "
        f"(charge au début : {', '.join(fr(x, 2) for x in apres.get('machine', {}).get('charge_debut') or [])}) ; "
        f"parties remesurées : rapport 2019 à froid et ré-exécution, passage à l'échelle (1 exécution pour les "
        f"petites tailles, 3 à la taille nationale). La façon naïve, les fiches et la décomposition ne dépendent "
        f"pas des corrections et n'ont pas été refaites.",
        "",
        corps,
    ]
