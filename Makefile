# Every command a developer needs. `make run` and `make test` set everything up themselves.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install install-dev assets messages messages-update run serve test test-fast lint fmt migrations-check demo clean

help:
	@echo "make run               install, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test              lint, migrations check and the whole suite"
	@echo "make lint              ruff check, format check and the apps' layer contract"
	@echo "make fmt               format and fix what ruff can fix"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make messages-update   collect the marked strings into the English catalogue (locale/en)"

$(PY):
	"$$(./scripts/find-python)" -m venv $(VENV)

# The lock files pin every package; they are written by `uv pip compile` (see README).
$(VENV)/.installed: requirements.lock $(PY)
	$(PY) -m pip install -q -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed assets messages
install-dev: $(VENV)/.installed-dev assets messages

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.copied: node_modules/.package-lock.json scripts/copy-assets scripts/subset-fonts $(VENV)/.installed
	./scripts/copy-assets
	$(PY) scripts/subset-fonts
	@touch $@

assets: static/vendor/.copied

# The portal's German catalogue (locale/, where a package's translation says "du"), compiled
# with GNU gettext's msgfmt; .mo files are generated, not committed.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	msgfmt --check-format -o $@ $<

messages: $(MESSAGES)

# The English catalogue from every marked string (German is the source language, so
# locale/de only holds the portal's own wording for packages' strings and is kept by hand:
# makemessages would drop it as obsolete). New strings arrive untranslated, and
# tests/beweqo/test_translations.py fails until they are translated.
MAKEMESSAGES_ARGS := --no-obsolete --add-location=file --ignore=node_modules --ignore=.venv \
	--ignore=var --ignore=static --ignore=tests --ignore=bench --ignore=scripts
messages-update: $(VENV)/.installed
	$(PY) manage.py makemessages -l en $(MAKEMESSAGES_ARGS)

run: install
	mkdir -p var
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_places
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:8000

test: lint migrations-check messages
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff, and the layer order of the apps (import-linter, [tool.importlinter] in pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules static/vendor var $(MESSAGES)
