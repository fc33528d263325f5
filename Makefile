# The README's two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format bench bench-smoke scan clean

install: $(VENV)/.installed node_modules/.installed static_build/.built

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static_build/.built: node_modules/.installed frontend/app.scss frontend/app.js frontend/build.mjs
	node frontend/build.mjs
	touch $@

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo_data
	$(PY) manage.py demo_pathway
	$(PY) manage.py demo_casework
	$(PY) manage.py demo_local_offer
	$(PY) manage.py demo_training
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -o addopts="-p no:cacheprovider" -p no:randomly -s tests/benchmarks $(PYTEST_ARGS)

# Every benchmark at tiny sizes (tests/benchmarks/__init__.py), to see that none is broken: CI
# runs it on PostgreSQL with a broker, so each one runs; its figures mean nothing.
bench-smoke: install
	BENCH_SCALE=tiny DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -o addopts="-p no:cacheprovider" -p no:randomly -q -rs tests/benchmarks $(PYTEST_ARGS)

# Dependency and code scanning (pip-audit, bandit, npm audit): see .ci/scan.
scan: install
	bash .ci/scan

clean:
	rm -rf $(VENV) node_modules static_build staticfiles
