"""En-tête du rapport : titre, machine, conditions de mesure, mesures complémentaires fusionnées."""

from __future__ import annotations

from banc.outils import fr


def entete(res: dict) -> list[str]:
    """Titre, machine et conditions de mesure."""
    L = []
    a = L.append
    m = res.get("machine", {})
    a("# Performances du pipeline — mesures")
    a("")
    a(
        f"Produit par `scripts/benchmark.py` le {res.get('debut', '?')[:10]} (mesures de {res.get('debut', '?')[11:16]} "
        f"à {res.get('fin', '?')[11:16]}). Ce n'est pas un test : les chiffres dépendent de la machine et de sa charge. "
        f"Toutes les durées sont des **médianes** ; le nombre d'exécutions est donné pour chacune. Code mesuré : "
        f"instantané de `src/` et `notebooks/` pris au début (git `{res.get('instantane', {}).get('git', '?')}`)."
    )
    a("")
    a("## Machine")
    a("")
    if m:
        a("| | |")
        a("| --- | --- |")
        a(f"| Processeur | {m.get('processeur')} |")
        a(f"| Cœurs | {m.get('coeurs_logiques')} logiques ({m.get('coeurs_physiques')} physiques) |")
        a(f"| Mémoire | {fr(m.get('memoire_go'), 1)} Gio |")
        a(f"| Système | {m.get('systeme')} |")
        a(f"| Python | {m.get('python')} |")
        a(f"| Paquets | {', '.join(f'{k} {v}' for k, v in m.get('paquets', {}).items())} |")
        cd, cf = m.get("charge_debut"), m.get("charge_fin")
        if cd:
            a(
                f"| Charge moyenne (1, 5, 15 min) | début {', '.join(fr(x, 2) for x in cd)} ; fin "
                f"{', '.join(fr(x, 2) for x in (cf or []))} |"
            )
    a("")
    a(
        "**Conditions de mesure.** Le code mesuré est un instantané (git "
        f"`{res.get('instantane', {}).get('git', '?')}`) copié au début : des modifications faites pendant la mesure "
        "n'y entrent pas. Chaque exécution a sa propre racine de travail (lien vers les notebooks de l'instantané, "
        "`params/<annee>.yaml`) sous le dossier de travail ; rien n'est écrit dans le dépôt "
        "hors de ce fichier. La machine est partagée : d'autres sessions (tests, profils) ont pu tourner pendant une "
        "partie des mesures ; le temps CPU pris par les autres processus est mesuré quand c'est possible (colonne "
        "« CPU d'autres processus ») et les médianes limitent l'effet d'une exécution perturbée."
    )
    for c in res.get("complements", []):
        a(
            f"Mesure complémentaire de {c.get('debut', '?')[11:16]} à {c.get('fin', '?')[11:16]} (parties : "
            f"{', '.join(c.get('parties', []))} ; même instantané, git `{c.get('git')}`) ; charge au début "
            f"{', '.join(fr(x, 2) for x in (c.get('charge_debut') or []))}."
        )
    a("")
    return L
