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

.PHONY: run test install install-test lock translations compile-translations lint bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: uv.lock pyproject.toml | $(BIN)/uv
	$(SYNC)
	touch $@

$(VENV)/.installed-test: uv.lock pyproject.toml | $(BIN)/uv
	$(SYNC) --extra test
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

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
