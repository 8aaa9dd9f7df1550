"""Figures du rapport (seaborn) : titre, axes avec unités et ligne de source en français (``figures.style.finir_figure``)."""
