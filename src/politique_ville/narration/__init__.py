"""Narration : les phrases françaises du rapport, écrites à partir des nombres.

Fonctions pures : des nombres, de petites tables ou des dictionnaires en entrée, du texte français (Markdown ou
note) en sortie ; ni lecture de fichier, ni IPython, ni affichage. Chaque comparaison (plus, moins, égal,
non publié), chaque superlatif et chaque accord (singulier, pluriel) est décidé ici, où un test peut le fixer ; les
nombres sont mis en forme par :mod:`politique_ville.present` (et :mod:`politique_ville.present.qpv`). Un module
par chapitre : :mod:`.geographie` (chapitre 10), :mod:`.fiche` (fiche quartier).
"""
