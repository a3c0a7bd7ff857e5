# The README's commands. Everything a fresh clone needs is installed on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000

.PHONY: run test lint format bench serve-setup screenshots

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve-setup: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) kb reindex

## run: set up, load the demo data and serve on http://127.0.0.1:$(PORT) with the job worker
# Mailed links (built by the web server and by the worker) point at the port actually served.
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: serve-setup
	@echo "Serving on http://127.0.0.1:$(PORT) (mail is written to instance/mail/, links to $$PORTAL_BASE_URL)"
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-debugger --with-threads

## test: install what the tests need and run the whole suite, one worker per core (pytest-xdist)
# TEST_WORKERS=0 runs it in one process. Tests sharing the machine's Redis form one group.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(VENV)/.installed-test
	$(BIN)/ruff check portal tests bench app.py
	$(BIN)/ruff format --check portal tests bench app.py

format: $(VENV)/.installed-test
	$(BIN)/ruff format portal tests bench app.py
	$(BIN)/ruff check --fix portal tests bench app.py

## bench: the benchmarks (never part of make test)
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

## screenshots: the key pages of every role at 1280 and 390 pixels, as PNGs in screenshots/
# The browser screen tests (tests/e2e/test_screens.py) write them while checking each page.
SCREENSHOTS ?= screenshots
screenshots: $(VENV)/.installed-test
	rm -rf $(SCREENSHOTS)
	PORTAL_SCREENSHOTS=$(SCREENSHOTS) PORTAL_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 0 -q \
		tests/e2e/test_screens.py tests/e2e/test_staff_workspace_journey.py
	@echo "Screenshots written to $(SCREENSHOTS)/"
