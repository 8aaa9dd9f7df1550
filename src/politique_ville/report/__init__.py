"""Le rapport : ouverture d'un chapitre, export HTML, méthodologie, index et navigation, recherche, édition imprimable.

Règle de l'étage : met en page des chapitres déjà calculés ; ne calcule aucun chiffre.
"""
