# eventwire: `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install java run test lint eval bench clean

install: $(STAMP)

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

test: install java
	$(BIN)/python -m pytest -q

## A Java runtime for the Spark runner's test (tests/test_spark.py), from Debian, only when
## `java` is missing and we may install packages (CI runs as root); else the test is skipped.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless; \
	else echo "make java: no java found; tests/test_spark.py will be skipped (install default-jre-headless)" >&2; fi

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
	rm -rf $(VENV) eventwire.duckdb build src/*.egg-info
