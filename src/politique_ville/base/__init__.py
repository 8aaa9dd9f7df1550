"""Le socle : ce que tous les étages utilisent (catalogue des fichiers, erreurs en français, mémo, lecture d'une valeur).

Règle de l'étage : n'importe aucun autre étage du paquet.
"""
