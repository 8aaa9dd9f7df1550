"""Les référentiels : paramètres d'une année, territoires du COG et leur désignation, registre des indicateurs, schémas
des tables, historique des années, vocabulaire des provenances.

Règle de l'étage : décrit le monde (officiel ou déclaré) sans transformer de données brutes ; n'importe que ``base``.
"""
