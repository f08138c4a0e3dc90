# Everyday commands. Only Python 3.11+ is needed: everything else goes into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCALES_DIR := translations

.PHONY: run test install install-test translations compile-translations lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Compile the gettext catalogues (the .mo files are built, never committed).
compile-translations: install
	@$(BIN)/python -m lms.core.catalogues compile

## Set up the embedded database, import the content, create demo accounts, serve on :5000.
run: install compile-translations
	$(BIN)/lms setup
	$(BIN)/lms run --host 127.0.0.1 --port 5000

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
