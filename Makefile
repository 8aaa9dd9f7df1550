# Les verbes du projet. Deux commandes suffisent sur une machine neuve : `make report` et `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
ANNEE ?= 2019
KERNEL := politique-ville
STAMP := $(VENV)/.installe

.PHONY: setup report pdf test test-rapide lint format lab clean help navigateur

help:
	@echo "make report  : installe l'environnement puis produit le rapport $(ANNEE) (reports/$(ANNEE)/index.html)"
	@echo "make test    : installe l'environnement puis lance tous les tests (ce que fait l'intégration continue)"
	@echo "make test-rapide : les tests rapides seulement (sans exécution de notebooks), pendant le développement"
	@echo "make lint    : ruff (style, erreurs) et contrats de couches (import-linter)"
	@echo "make pdf     : édition PDF du rapport $(ANNEE) déjà produit (rapport et fiches ; demande Chromium : make navigateur)"
	@echo "make lab     : ouvre JupyterLab avec le noyau du projet"
	@echo "make clean   : supprime les sorties générées (data/processed, reports)"

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "==> Création de l'environnement $(VENV) (Python : $(PYTHON))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 est requis, trouvé " + sys.version' 
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m politique_ville noyau
	@touch $(STAMP)
	@echo "==> Environnement prêt."

report: setup
	$(PY) -m politique_ville run --annee $(ANNEE)

# L'édition PDF (Chromium du paquet Debian, piloté par Playwright) du rapport déjà produit ; `make report` d'abord.
pdf: setup navigateur
	@test -f reports/$(ANNEE)/index.html || $(MAKE) --no-print-directory report ANNEE=$(ANNEE)
	$(PY) -m politique_ville pdf --annee $(ANNEE)

# Les tests du navigateur utilisent le Chromium de Debian (jamais un navigateur téléchargé par Playwright).
navigateur:
	@command -v chromium > /dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
	    echo "==> Installation de Chromium (paquet Debian « chromium »)"; \
	    apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	  else \
	    echo "Chromium absent : installez le paquet « chromium » pour les tests du navigateur."; \
	  fi; }

# Les tests n'écrivent rien dans le dépôt (pas de cache pytest) ; les 15 plus lents sont affichés à la fin.
test: setup navigateur
	$(PY) -m pytest -p no:cacheprovider --durations=15

test-rapide: setup
	$(PY) -m pytest -p no:cacheprovider -m "not pipeline" --durations=10 -q

format: setup
	$(VENV)/bin/ruff format src scripts tests
	$(VENV)/bin/ruff check --fix src scripts tests notebooks

lint: setup
	$(VENV)/bin/ruff check src scripts tests notebooks
	$(VENV)/bin/ruff format --check src scripts tests
	$(VENV)/bin/lint-imports --no-cache

# JupyterLab refuse de démarrer en root (conteneurs) sans --allow-root : l'option n'est ajoutée qu'alors.
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$(test "$$(id -u)" = 0 && echo --allow-root)

clean:
	rm -rf data/processed/* reports/*
	@touch data/processed/.gitkeep reports/.gitkeep
