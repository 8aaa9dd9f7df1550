"""Présentation : les vues des tableaux, un module par thème (``qpv``, ``fiche``, ``programmation``, ``besoins``,
``evolutions``, ``concordance``), et les tableaux eux-mêmes (``tableaux`` : HTML échappé et interactif, classeur Excel,
:class:`~politique_ville.present.tableaux.Chapitre`).

Règle de l'étage : une vue décide des colonnes, de leurs intitulés et de leurs formats ; les phrases viennent de
``narration``, les nombres de ``compute``, leur écriture de ``formats``.
"""
