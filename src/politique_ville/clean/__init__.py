"""Le nettoyage : des fichiers bruts aux tables propres et validées (financements, INSEE, correspondances des
exportations, subventions SCDL, attentes Great Expectations et leur rapport).

Règle de l'étage : lit ``data/raw`` sans jamais l'écrire ; n'importe que ``reference`` et ``base``.
"""
