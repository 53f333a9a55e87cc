# The two commands of the README, and the steps they share.
#   make demo   set up, start the warehouse, generate the demo county, refresh, serve the dashboard
#   make api    serve the read API of the published figures (after make demo)
#   make test   the same set-up, then lint and the whole test suite (database and browser tests included)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
API_PORT ?= 8000
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test lint bench system system-browser db demo-data refresh dashboard api lock clean

demo: system $(STAMP) db demo-data refresh dashboard

test: system-browser $(STAMP) db lint
	JSNA_REQUIRE_DB=1 $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=25

system:
	@scripts/bootstrap-system.sh

system-browser:
	@scripts/bootstrap-system.sh --browser

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	@# compiled once here: without bytecode (uv writes none, and PYTHONDONTWRITEBYTECODE may be set) every
	@# process compiles its imports again (`jsna export map` 12 s instead of 4 s)
	$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

db: $(STAMP)
	$(BIN)/jsna db up

demo-data: $(STAMP)
	$(BIN)/jsna demo generate --scale county --out data/demo

refresh: $(STAMP)
	$(BIN)/jsna refresh --config data/demo/jsna.toml

dashboard: $(STAMP)
	@echo "The read API of the same figures: make api (http://127.0.0.1:$(API_PORT)/, docs at /docs)"
	$(BIN)/jsna dashboard --port $(PORT)

api: $(STAMP)
	$(BIN)/jsna api --port $(API_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: system $(STAMP) db
	$(BIN)/python -m bench

lock:
	$(BIN)/uv pip compile -q --python-version 3.11 --extra dev pyproject.toml -o requirements.lock

clean:
	-$(BIN)/jsna db down
	rm -rf $(VENV) data/pg data/demo
