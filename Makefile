# The README's two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test test-fast lint format bench bench-data bench-smoke scan clean restore-check

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

# The demo: DEMO=1 gives every demo account a known authenticator key (refused beside a
# production setting); emailed links follow HOST and PORT; the sign-ins print last, once the
# server answers (demo_sign_ins --wait-for), after runserver's start-up lines.
SITE_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
SERVICE_BASE_URL ?= http://$(SITE_HOST):$(PORT)
run: install
	$(PY) manage.py migrate --no-input
	export DEMO=1 SERVICE_BASE_URL="$(SERVICE_BASE_URL)" && \
	$(PY) manage.py demo_data && \
	$(PY) manage.py demo_pathway && \
	$(PY) manage.py demo_casework && \
	$(PY) manage.py demo_funds && \
	$(PY) manage.py demo_support_plans && \
	$(PY) manage.py demo_attendance && \
	$(PY) manage.py demo_ehc && \
	$(PY) manage.py demo_school_moves && \
	$(PY) manage.py demo_case_reviews && \
	$(PY) manage.py demo_learning && \
	$(PY) manage.py demo_local_offer && \
	$(PY) manage.py demo_providers && \
	$(PY) manage.py demo_training && \
	{ $(PY) manage.py demo_sign_ins --wait-for http://$(SITE_HOST):$(PORT)/healthz/ --server-pid $$$$ & } && \
	DEBUG=true exec $(PY) manage.py runserver $(HOST):$(PORT)

# What production runs, on this machine (docs/deploying.md): collect static files, the release
# step (refuses with DEBUG on or the embedded key; migrations, once), then the Procfile's web
# (gunicorn), worker and beat under honcho, with JSON logs. Needs PostgreSQL and Redis.
SERVE_NEEDS := DATABASE_URL CELERY_BROKER_URL SECRET_KEY ALLOWED_HOSTS
serve: serve-environment install
	export LOG_FORMAT="$${LOG_FORMAT:-json}" HOST="$(HOST)" PATH="$(CURDIR)/$(BIN):$$PATH" && \
	$(PY) manage.py collectstatic --no-input --verbosity 0 && \
	$(PY) manage.py release --verbosity 0 && \
	exec $(BIN)/honcho start --no-prefix --no-colour --port $(PORT) web worker beat

.PHONY: serve-environment
serve-environment:
	@missing="$(strip $(foreach name,$(SERVE_NEEDS),$(if $(value $(name)),,$(name))))"; \
	if [ -n "$$missing" ]; then \
		echo "make serve needs these set in the environment: $$missing" >&2; \
		echo "  DATABASE_URL       PostgreSQL, e.g. postgres://user@host:5432/earlyyears" >&2; \
		echo "  CELERY_BROKER_URL  Redis, e.g. redis://host:6379/0" >&2; \
		echo "  SECRET_KEY         a long random value: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; \
		echo "  ALLOWED_HOSTS      the host names it answers to, e.g. 127.0.0.1,localhost" >&2; \
		echo "See docs/deploying.md." >&2; \
		exit 2; \
	fi; \
	if [ -z "$(value REDIS_URL)" ]; then \
		echo "make serve: REDIS_URL is not set, so each process keeps a cache of its own" \
			"(production sets it, e.g. redis://127.0.0.1:6379/1)." >&2; \
	fi

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

# Every benchmark on PostgreSQL, one table at the end, written to docs/performance.md. The data
# (10x county scale: manage.py bench_data) is kept as a template database, built when missing
# or out of date (a migration or the generator changed) and copied for each run in seconds;
# `make bench-data` (or BENCH_REBUILD=1) builds it again. See docs/performance.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/earlyyears_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/13
BENCH_TEMPLATE ?= earlyyears_bench_template
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_template --name $(BENCH_TEMPLATE)
	DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_BROKER_URL=$(BENCH_BROKER_URL) BENCH_CACHE_URL=$(BENCH_CACHE_URL) BENCH_REPORT=docs/performance.md \
	  BENCH_TEMPLATE=$(BENCH_TEMPLATE) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -o addopts="-p no:cacheprovider" -p no:randomly -s tests/benchmarks $(PYTEST_ARGS)

bench-data: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_template --rebuild --name $(BENCH_TEMPLATE)

# Every benchmark at tiny sizes (tests/benchmarks/__init__.py), to see that none is broken: CI
# runs it on PostgreSQL with a broker, so each one runs; its figures mean nothing.
bench-smoke: install
	BENCH_SCALE=tiny DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -o addopts="-p no:cacheprovider" -p no:randomly -q -rs tests/benchmarks $(PYTEST_ARGS)

# Restore a backup into a fresh database and run the service's integrity checks (issue 28;
# docs/deploying.md). Needs DATABASE_URL (PostgreSQL); BACKUP_FILE to check a given backup.
restore-check:
	PYTHON=$(BIN)/python bash ops/restore_check.sh

# Dependency and code scanning (pip-audit, bandit, npm audit): see .ci/scan.
scan: install
	bash .ci/scan

clean:
	rm -rf $(VENV) node_modules static_build staticfiles
