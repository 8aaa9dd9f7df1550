"""Les chiffres publiés par un rapport et leur concordance avec les chiffres recalculés.

Règle de l'étage : un chiffre publié garde sa source (page, tableau) ; n'importe que ``clean``, ``reference`` et
``base``.
"""
