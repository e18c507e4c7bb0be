# CTDC Atlas — two commands on a fresh machine: `make run` and `make test` (and `make check` while you work).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
REPLICAS ?= 2
export PYTHONPATH := $(CURDIR)/src
# What ruff checks and formats (the same paths as tests/test_lint.py)
LINT_PATHS := app.py app_pages src tests scripts

.PHONY: run check test validate refresh-census check-links schema export bench replicas browser nginx screenshots clean

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

## Serve the app on http://localhost:$(PORT) (Arrow and large blocks on the C library's allocator: see SERVER_ENV in scripts/replicas.py)
run: $(VENV)/.installed
	ARROW_DEFAULT_MEMORY_POOL=system MALLOC_MMAP_THRESHOLD_=131072 $(PY) -m streamlit run app.py --server.port $(PORT) --server.address localhost --server.headless true

## The fast loop while you work (under 2 minutes): ruff (lint and format), mypy, then the unit and page
## tests without the browser, deploy and slow ones (pytest markers); `make test` runs everything, as CI does
check: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 --dist worksteal -m "not browser and not deploy and not slow and not lint"

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

## Ask every source's URL whether it still answers (politely: one request per host at a time, bounded rate and time) and write data/link_checks.yaml (needs internet)
check-links: $(VENV)/.installed
	$(PY) -m dashboard check-links $(DATA)

## Write data/schema/*.json and data/README.md's vocabulary table from the schema (after changing it)
schema: $(VENV)/.installed
	$(PY) -m dashboard schema $(DATA)

## Write the dataset's files served at fixed URLs (static/data/: every table as CSV and JSON, datapackage.json, the zip) from data/
export: $(VENV)/.installed
	$(PY) -m dashboard export $(DATA)

## What a visitor waits for on a real server: each page beside a reference page of its own elements, hello-world
## for context, the site brief's build, and where the time goes (py-spy); a benchmark, not a test; about 10 minutes
bench: $(VENV)/.dev-installed browser nginx
	$(PY) -m scripts.bench --profile

## Serve the app as $(REPLICAS) replicas behind nginx on http://localhost:$(PORT), sticky by cookie (deploy/ without containers)
replicas: $(VENV)/.installed nginx
	$(PY) -m scripts.replicas --replicas $(REPLICAS) --port $(PORT)

## Screenshots of every page at desktop and phone sizes, into artifacts/
screenshots: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js browser
	$(PY) -m pytest tests/browser -k screenshots

# $(call apt_install,command,its path,Debian package,what is skipped without it): install the package
# when the command is missing and this user can (root or sudo); otherwise say what will not run.
apt_install = command -v $(1) >/dev/null 2>&1 || test -x $(2) || { \
	  echo "Installing $(1) (Debian package '$(3)')"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(3); \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq $(3); \
	  else echo "Cannot install $(1) here: $(4) will be skipped (or fail when CI=true)"; fi; }

browser:
	@$(call apt_install,chromium,/usr/bin/chromium,chromium,the browser tests)

nginx:
	@$(call apt_install,nginx,/usr/sbin/nginx,nginx,the replica tests)

clean:
	rm -rf $(VENV) node_modules artifacts .pytest_cache
