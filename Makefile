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
	@if ls $(LOCALES_DIR)/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d $(LOCALES_DIR) -D messages >/dev/null; fi

## Set up the embedded database, import the content, create demo accounts, serve on :5000.
run: install compile-translations
	$(BIN)/lms setup
	$(BIN)/lms run --host 127.0.0.1 --port 5000

## Install what the tests need and run them (SQLite; PostgreSQL with LMS_TEST_DATABASE_URL).
test: install-test compile-translations
	$(BIN)/pytest

## Extract messages, update every catalogue, compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 --sort-by-file \
		--msgid-bugs-address="" --copyright-holder="" --project="HELP courses" \
		-c "i18n:" -o $(LOCALES_DIR)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALES_DIR)/messages.pot -d $(LOCALES_DIR) -D messages --no-fuzzy-matching --ignore-obsolete
	$(MAKE) compile-translations

lint: install-test
	$(BIN)/ruff check lms tests bench

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance
