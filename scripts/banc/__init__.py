"""Le banc de mesure du pipeline, en parties (voir ``scripts/benchmark.py``, le point d'entrée)."""
