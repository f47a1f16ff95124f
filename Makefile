# PSF Helpdesk: `make help` lists the targets. See README.md and docs/architecture.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Optional interpreter for the virtualenv (a version like 3.13 or a path); default: .python-version.
PYTHON ?=
# Port for `make run` and for the web process of `make dev`.
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k outbox -x"`.
PYTEST_ARGS ?=
# pytest-xdist processes for `make test` (auto: one per CPU; 0 runs in this process).
TEST_WORKERS ?= auto
# Interpreter used only to install uv into .tools/ when no working uv is on PATH.
BOOTSTRAP_PYTHON ?= python3
# Bootstrap served from static/vendor/bootstrap (no CDN); `make vendor` re-fetches it from npm.
BOOTSTRAP_VERSION := 5.3.9

VENV := .venv
BIN := $(VENV)/bin
DEV_DATABASE_URL := postgres://postgres@127.0.0.1:5432/psf_helpdesk
DEV_REDIS_URL := redis://127.0.0.1:6379/0

# Use uv from PATH only if it actually runs (a pyenv shim may exist and fail);
# otherwise install it from PyPI into .tools/ (the .tools/bin/uv target below).
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)
UV_DEP := $(filter .tools/bin/uv,$(UV))
# Without PYTHON, uv looks for the .python-version interpreter on PATH; when it is not there
# (no pyenv shims on PATH), fall back to pyenv's own install of that version.
PY_VERSION := $(strip $(shell cat .python-version 2>/dev/null))
ifeq ($(strip $(PYTHON)),)
ifneq ($(PY_VERSION),)
ifneq ($(shell python$(PY_VERSION) --version >/dev/null 2>&1 && echo found),found)
PYTHON := $(lastword $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/$(PY_VERSION)*/bin/python$(PY_VERSION)))
endif
endif
endif
UV_PYTHON_ARG := $(if $(PYTHON),--python $(PYTHON))

# uv must always sync into ./.venv, whatever virtualenv the caller has active.
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
unexport VIRTUAL_ENV

.PHONY: help venv .venv run test dev e2e bench lint audit fmt clean vendor FORCE

help: ## Show this list
	@echo "PSF Helpdesk. Usage: make <target> [PORT=8000] [PYTHON=3.13] [PYTEST_ARGS=...] [TEST_WORKERS=auto]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/bin/uv:
	@echo "No working uv on PATH: installing uv from PyPI into .tools/"
	rm -rf .tools
	$(BOOTSTRAP_PYTHON) -m venv .tools
	.tools/bin/pip install -q --disable-pip-version-check uv
	@.tools/bin/uv --version

# The stamp records PYTHON; it is rebuilt when the lock, the project file or PYTHON changes.
SYNCED_PYTHON := $(strip $(shell cat $(VENV)/.synced 2>/dev/null))
SYNC_FORCE := $(if $(filter-out x$(strip $(PYTHON)),x$(SYNCED_PYTHON)),FORCE)
$(VENV)/.synced: pyproject.toml uv.lock $(SYNC_FORCE) | $(UV_DEP)
	$(UV) sync --frozen --compile-bytecode $(UV_PYTHON_ARG)
	@echo '$(strip $(PYTHON))' > $@

.venv: $(VENV)/.synced

venv: .venv ## Create or update .venv from uv.lock (uv is installed into .tools/ if needed)

var:
	mkdir -p var

# Links in e-mails point at the port actually served, unless SITE_URL says otherwise.
run dev: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: .venv var ## Migrate, load demo data and serve http://127.0.0.1:8000 (PORT= to change; SQLite, eager Celery, console mail)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Each xdist worker has its own test database, and its own Redis database: gw0 the one
# REDIS_URL names, gw1 the one below it, and so on (psf_helpdesk/settings/test.py).
# --dist worksteal: a worker that runs out of tests takes some of the other's queue, so one slow
# file (the property tests, a subprocess) does not leave a core idle at the end.
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (.ci/run sets it): otherwise every
# worker compiles pytest's rewritten tests, faker, hypothesis... afresh on every run (collection
# took 9-11 s of CPU per process instead of 4). The caches are __pycache__/, ignored by git.
test: .venv ## Run the test suite (Postgres/Redis only if DATABASE_URL/REDIS_URL are set)
	env -u DJANGO_SETTINGS_MODULE -u PYTHONDONTWRITEBYTECODE \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

dev: export DATABASE_URL ?= $(DEV_DATABASE_URL)
dev: export REDIS_URL ?= $(DEV_REDIS_URL)
dev: .venv var ## Full stack natively: honcho runs web, worker and beat against Postgres and Redis
	@if [ "$$DATABASE_URL" = "$(DEV_DATABASE_URL)" ]; then \
		createdb -h 127.0.0.1 -U postgres psf_helpdesk 2>/dev/null || true; \
	fi
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile -p $(PORT)

e2e: .venv node_modules/.package-lock.json ## Browser tests (pytest -m e2e): Debian's chromium, axe-core from npm
	@command -v chromium >/dev/null 2>&1 || { echo "make e2e needs chromium: apt-get install -y chromium"; exit 1; }
	@mkdir -p var && rm -f var/e2e-test.sqlite3
	env -u DJANGO_SETTINGS_MODULE -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_TASK_ALWAYS_EAGER \
		E2E_TEST_DATABASE=$(CURDIR)/var/e2e-test.sqlite3 $(BIN)/pytest -m e2e $(PYTEST_ARGS)

# axe-core for the browser tests, from package-lock.json (npm writes this file on every install).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# wrk is Debian's load generator: installed here when missing, as root (as .ci/run installs
# chromium); anyone else is told the command.
bench: .venv ## Run the load benchmark (tests/load/bench.py; installs wrk as root if missing)
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -q --no-install-recommends wrk </dev/null; \
	  else echo "make bench needs wrk: sudo apt-get install wrk" >&2; exit 1; fi; \
	fi
	$(BIN)/python -m tests.load.bench

lint: .venv ## ruff check, ruff format --check, mypy, import-linter (the layers), pip-audit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache
	@$(MAKE) audit

# pip-audit asks a vulnerability service (PyPI's JSON API or OSV) about every locked package: a
# known vulnerability, or a package it could not check, fails. Where no service answers at all
# (a closed network), nothing can be checked: that is said plainly, and it is not a pass.
audit: .venv var ## pip-audit the locked dependencies
	@$(UV) export --frozen --no-hashes --no-emit-project --quiet -o var/audit-requirements.txt
	@$(BIN)/pip-audit --no-deps --disable-pip --progress-spinner off -f json \
		-o var/pip-audit.json -r var/audit-requirements.txt 2>/dev/null || true
	@$(BIN)/python scripts/pip_audit_verdict.py var/pip-audit.json

fmt: .venv ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## Remove .venv, .tools, var/ (the SQLite database), staticfiles and caches
	rm -rf .venv .tools var staticfiles .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

vendor: ## Re-fetch Bootstrap (BOOTSTRAP_VERSION) from npm into static/vendor/bootstrap
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npm pack --silent --pack-destination "$$tmp" bootstrap@$(BOOTSTRAP_VERSION) >/dev/null; \
	tar -xzf "$$tmp/bootstrap-$(BOOTSTRAP_VERSION).tgz" -C "$$tmp"; \
	dest=static/vendor/bootstrap; rm -rf "$$dest"; mkdir -p "$$dest"; \
	cp "$$tmp"/package/dist/css/bootstrap.min.css "$$tmp"/package/dist/css/bootstrap.min.css.map \
	   "$$tmp"/package/dist/js/bootstrap.bundle.min.js "$$tmp"/package/dist/js/bootstrap.bundle.min.js.map \
	   "$$tmp"/package/LICENSE "$$dest"/; \
	echo "Bootstrap $(BOOTSTRAP_VERSION) -> $$dest:"; ls -1 "$$dest"

FORCE:
