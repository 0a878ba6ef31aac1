# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# The suite runs on SQLite and then on PostgreSQL. `make test TEST_DATABASE_URL=` skips the
# PostgreSQL pass on a machine that has none (CI always sets it).
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2
# Benchmarks build their own databases (never `test`): $(BENCH_DATABASE_URL) for the national
# preset and $(BENCH_PROVINCE_DATABASE_URL) for the province preset. BENCH_ARGS e.g. --only ranking.
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench
BENCH_PROVINCE_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_province
BENCH_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint format bench browser-deps clean help

help:
	@echo "make run    - set up and serve the app with demo data on http://$(HOST):$(PORT), with its job worker"
	@echo "make test   - set up and run the whole suite (SQLite, PostgreSQL, Chromium)"
	@echo "make lint   - ruff"
	@echo "make bench  - benchmarks against PostgreSQL (docs/PERFORMANCE.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Mở http://$(HOST):$(PORT) trong trình duyệt."
	@# The job worker (Huey, queue in instance/huey.sqlite) runs beside the server and is
	@# stopped with it (Ctrl+C); a background command of a script ignores Ctrl+C by itself.
	@$(FLASK) jobs worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Browser tests need Debian's Chromium, print tests LibreOffice, poppler and the Liberation
# fonts; install them when we may (root), never download a browser.
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-liberation fonts-liberation2 fonts-dejavu-core zbar-tools
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	   || ! command -v zbarimg >/dev/null || [ ! -d /usr/share/fonts/truetype/liberation ] || [ ! -d /usr/share/fonts/truetype/liberation2 ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES)) >/dev/null; \
	  else \
	    echo "The browser and print tests need: sudo apt-get install $(SYSTEM_PACKAGES)"; \
	  fi; \
	fi

test: $(VENV)/.dev browser-deps
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$(TEST_DATABASE_URL)" ]; then $(MAKE) --no-print-directory test-postgres; \
	 else echo "TEST_DATABASE_URL is empty: the PostgreSQL pass was skipped."; fi

test-sqlite: $(VENV)/.dev
	TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; } || echo "HTTP load needs wrk: sudo apt-get install wrk"
	DATABASE_URL=$(BENCH_DATABASE_URL) PROVINCE_DATABASE_URL=$(BENCH_PROVINCE_DATABASE_URL) \
	  $(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
