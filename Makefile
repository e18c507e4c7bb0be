# CTDC Atlas — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
REPLICAS ?= 2
export PYTHONPATH := $(CURDIR)/src

.PHONY: run test validate refresh-census schema bench replicas browser nginx screenshots clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

## Serve the app on http://localhost:$(PORT)
run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address localhost --server.headless true

## Install test tools (and Chromium and nginx when missing), then run every test: unit, page, browser,
## data, schema, Data Package validation, deploy topology, lint (ruff), format and types (mypy)
test: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js browser nginx
	$(PY) -m pytest -n 2 --dist loadfile

## Check the dataset (or another: make validate DATA=path/to/data)
validate: $(VENV)/.installed
	$(PY) -m dashboard validate $(DATA)

## Check data/census.yaml against the Census Bureau's ACS 5-year API, report each figure and rewrite it (needs internet)
refresh-census: $(VENV)/.installed
	$(PY) -m dashboard refresh-census $(DATA)

## Write data/schema/*.json and data/README.md's vocabulary table from the schema (after changing it)
schema: $(VENV)/.installed
	$(PY) -m dashboard schema $(DATA)

## What a visitor waits for on a real server, beside a hello-world app (a benchmark, not a test; about 4 minutes)
bench: $(VENV)/.dev-installed browser nginx
	$(PY) scripts/bench.py

## Serve the app as $(REPLICAS) replicas behind nginx on http://localhost:$(PORT), sticky by cookie (deploy/ without containers)
replicas: $(VENV)/.installed nginx
	$(PY) scripts/replicas.py --replicas $(REPLICAS) --port $(PORT)

## Screenshots of every page at desktop and phone sizes, into artifacts/
screenshots: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js browser
	$(PY) -m pytest tests/browser -k screenshots

browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  echo "Installing Chromium (Debian package 'chromium')"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "Cannot install Chromium here: browser tests will be skipped (or fail when CI=true)"; fi; }

nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing nginx (Debian package 'nginx')"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq nginx; \
	  else echo "Cannot install nginx here: the replica tests will be skipped (or fail when CI=true)"; fi; }

clean:
	rm -rf $(VENV) node_modules artifacts .pytest_cache
