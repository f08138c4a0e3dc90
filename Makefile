# Everyday commands. Only Python 3.11+ is needed: everything else goes into .venv, installed
# from uv.lock (exact versions with hashes). pyproject.toml keeps the compatible ranges;
# `make lock` moves the lock to the newest versions within them, on purpose.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
UV     := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON=$(BIN)/python $(BIN)/uv
SYNC   := $(UV) sync --frozen --inexact --no-progress
LOCALES_DIR := translations

.PHONY: run test test-contract test-browser install install-test install-browser lock translations compile-translations lint bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: uv.lock pyproject.toml | $(BIN)/uv
	$(SYNC)
	touch $@

$(VENV)/.installed-test: uv.lock pyproject.toml | $(BIN)/uv
	$(SYNC) --extra test
	touch $@ $(VENV)/.installed

$(VENV)/.installed-browser: uv.lock pyproject.toml | $(BIN)/uv
	$(SYNC) --extra test --extra browser
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Playwright (from the lock) and Debian's chromium: apt-get runs only when $(CHROMIUM) is
## missing, and says so. Never `playwright install` (no browser download).
CHROMIUM ?= /usr/bin/chromium
install-browser: $(VENV)/.installed-browser
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "$(CHROMIUM) is missing: installing Debian's chromium and fonts with apt-get."; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    chromium fonts-dejavu-core fonts-liberation; \
	fi

## Re-resolve every dependency to the newest version pyproject.toml allows.
lock: | $(BIN)/uv
	$(UV) lock --upgrade

## Compile the gettext catalogues (the .mo files are built, never committed).
compile-translations: install
	@$(BIN)/python -m lms.core.catalogues compile

## Set up the embedded database, import the content, create demo accounts, then serve on :5000
## through gunicorn with the task worker beside it (Ctrl-C stops both).
run: install compile-translations
	$(BIN)/lms setup
	$(BIN)/lms serve --host 127.0.0.1 --port 5000

## Install what the tests need and run them (SQLite; PostgreSQL with LMS_TEST_DATABASE_URL).
test: install-test compile-translations
	$(BIN)/pytest

## Schemathesis against /api/v1/openapi.json as trainee, tutor, manager and admin of the demo data:
## no 5xx, every status, content type and body as documented. EXAMPLES per operation and role.
EXAMPLES ?= 5
test-contract: install-test compile-translations
	$(BIN)/python -m tests.contract.schemathesis_run --examples $(EXAMPLES)

## Browser journeys of every role at 1,280 and 390 px in en, sq and sr_Cyrl: overflow and axe-core
## checks on each page. Screenshots and report.md in tests/browser/artifacts/ (or $BROWSER_ARTIFACTS).
test-browser: install-browser compile-translations
	BROWSER_CHROMIUM=$(CHROMIUM) $(BIN)/pytest tests/browser

## Extract messages, update every catalogue (creating missing ones), write Serbian Cyrillic
## from Serbian Latin (catalogue and course content), compile, and show what is translated.
translations: install
	$(BIN)/python -m lms.core.catalogues all

lint: install-test
	$(BIN)/ruff check lms tests bench

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance
