# Each target works on a fresh machine with python3; `make test` also needs what .ci/run installs
# (Debian's Chromium, Java, Node) for the browser and HTML checks.
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=

.PHONY: run test test-fast lint bench install clean

$(BIN)/activate:
	python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[postgres]' --group dev
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "npm not found: accessibility and HTML checks need it (see .ci/run)"; fi

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check course tests
	$(BIN)/mypy --follow-imports=silent course/pipeline course/catalog.py course/grading.py

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/cohort_bench.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
