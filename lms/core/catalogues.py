"""The gettext catalogues (``make translations``): Babel's own commands, and what they leave to us.

    python -m lms.core.catalogues [all|extract|update|transliterate|compile|stats] [--content DIR …]

Babel (the locked 2.19) handles our language codes, ``cnr`` included, so messages are
extracted, catalogues updated and compiled by ``pybabel extract``, ``pybabel update`` and
``pybabel compile``, run here with the project's options. What this module still does is
what Babel does not:

- **Create a missing catalogue by our code.** ``pybabel init -l cnr`` no longer fails, but
  Babel reads ``cnr`` as an alias of ``sr_Latn_ME`` and writes that as the catalogue's
  ``Language``, and it writes each plural rule in its own words; a catalogue created here
  says ``Language: cnr`` and carries our rule (``lms.core.i18n.LANGUAGES``), which
  ``pybabel update`` then keeps.
- **Write Serbian Cyrillic from Serbian Latin**, catalogue and course content alike: it is
  never edited by hand (``lms.core.transliteration``).
- **Leave the template alone when only its date would change**: ``pybabel extract`` dates
  every run, so ``make translations`` would otherwise change files when nothing changed.
- **Count what is translated** (``stats``): ``pybabel compile --statistics`` counts a plural
  message whose forms are all empty as translated, and fuzzy entries too.

``.mo`` files are built by ``make run``/``make test`` and never committed.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from lms.config import PROJECT_ROOT
from lms.core.i18n import GENERATED_FROM, LANGUAGES
from lms.core.transliteration import CYRILLIC, LATIN, to_cyrillic, transliterate_content

TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
MAPPING = PROJECT_ROOT / "babel.cfg"
PROJECT = "HELP courses"
# The functions that mark text for translation, and their plural arguments.
KEYWORDS = ("_", "gettext", "ngettext:1,2", "_l", "lazy_gettext", "lazy_ngettext:1,2", "N_", "N_plural:1,2")
COMMENT_TAG = "i18n:"
# Content whose Serbian Latin files get their Cyrillic twins: the courses, and the test
# fixtures written for it (the tests check that each stays in step).
CONTENT_DIRS = ("content", "tests/fixtures/i18n", "tests/fixtures/certificates")
# Header fields that change on every run: ignored when deciding whether a file changed.
_VOLATILE = ("POT-Creation-Date:", "PO-Revision-Date:")


def po_path(code: str, root: Path = TRANSLATIONS) -> Path:
    return root / code / "LC_MESSAGES" / "messages.po"


def pybabel(*args) -> None:
    """Run a Babel command (``pybabel …``) from the project folder, quietly."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *map(str, args)],
                   cwd=PROJECT_ROOT, check=True)


def read_catalogue(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=code, abort_invalid=True)


def _rendered(catalogue: Catalog, **options) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalogue, sort_by_file=True, ignore_obsolete=True, **options)
    return buffer.getvalue()


def _stable(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n")
                      if not any(line.startswith(b'"' + v.encode()) for v in _VOLATILE))


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless only the dates in its header would change (no churn in git)."""
    if path.is_file() and _stable(path.read_bytes()) == _stable(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --- extract ---------------------------------------------------------------------------

def extracted_template() -> bytes:
    """``pybabel extract``: every message of the code and templates, with translator
    comments (``# i18n: …``), as the text of a ``.pot`` file."""
    keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "messages.pot"
        pybabel("extract", "-F", MAPPING.relative_to(PROJECT_ROOT), "-o", output, "--sort-by-file",
                "--add-comments", COMMENT_TAG, "--strip-comments", "--project", PROJECT,
                "--version", "1", "--no-default-keywords", *keywords, ".")
        return output.read_bytes()


def extract() -> Catalog:
    """The messages of the code and templates as they are now (not the checked-in template)."""
    return read_po(io.BytesIO(extracted_template()))


# --- update ----------------------------------------------------------------------------

def _header_comment(code: str) -> str:
    language = LANGUAGES[code]
    lines = [f"# {language.native_name} — {language.english_name}: messages of the HELP course platform."]
    if code in GENERATED_FROM:
        lines.append(f"# Written from {GENERATED_FROM[code]}/LC_MESSAGES/messages.po by `make translations`: "
                     "do not edit; translate the Latin catalogue.")
    else:
        lines.append("# Translate in any PO editor, then run `make translations` and `make test`.")
    return "\n".join(lines)


def _prepare(catalogue: Catalog, code: str) -> Catalog:
    """Give a catalogue our language code, name and plural rule (see the module's docstring)."""
    language = LANGUAGES[code]
    catalogue.locale = code
    catalogue.project = PROJECT
    catalogue.version = "1"
    catalogue.msgid_bugs_address = ""
    catalogue.copyright_holder = ""
    catalogue.language_team = f"{language.native_name} <>"
    catalogue.last_translator = catalogue.last_translator or ""
    catalogue.mime_headers = [("Plural-Forms", language.plural_forms)]
    catalogue.header_comment = _header_comment(code)
    return catalogue


def update(root: Path = TRANSLATIONS) -> list[str]:
    """``pybabel update`` every hand-translated catalogue from ``messages.pot``, creating a
    missing one first (by our code, with our plural rule); return the codes that changed."""
    changed = []
    for code in LANGUAGES:
        if code in GENERATED_FROM:
            continue
        path = po_path(code, root)
        before = path.read_bytes() if path.is_file() else None
        if before is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_rendered(_prepare(Catalog(locale=code, fuzzy=False, charset="utf-8"), code)))
        pybabel("update", "-i", root / "messages.pot", "-d", root, "-l", code,
                "--no-fuzzy-matching", "--ignore-obsolete")
        if path.read_bytes() != before:
            changed.append(code)
    return changed


# --- transliterate ---------------------------------------------------------------------

def cyrillic_catalogue(latin: Catalog) -> Catalog:
    """The Serbian Cyrillic catalogue: the Latin one, every translation transliterated."""
    cyrillic = Catalog(locale=CYRILLIC, fuzzy=False, charset="utf-8",
                       creation_date=latin.creation_date, revision_date=latin.revision_date)
    _prepare(cyrillic, CYRILLIC)
    cyrillic.last_translator = latin.last_translator
    for message in latin:
        if not message.id:
            continue
        if isinstance(message.string, tuple | list):
            string = tuple(to_cyrillic(form, "po") for form in message.string)
        else:
            string = to_cyrillic(message.string or "", "po")
        cyrillic.add(message.id, string, locations=message.locations, flags=message.flags,
                     auto_comments=message.auto_comments, user_comments=message.user_comments,
                     previous_id=message.previous_id, context=message.context)
    return cyrillic


def rendered_cyrillic(root: Path = TRANSLATIONS) -> bytes:
    return _rendered(cyrillic_catalogue(read_catalogue(po_path(LATIN, root), LATIN)))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def transliterate(root: Path = TRANSLATIONS, content: list[Path] | None = None) -> list[str]:
    """Write sr_Cyrl from sr_Latn: the catalogue, then each content folder's files."""
    report = []
    if _write_if_changed(po_path(CYRILLIC, root), rendered_cyrillic(root)):
        report.append(str(po_path(CYRILLIC, root).relative_to(root.parent)))
    for folder in content or []:
        for change in transliterate_content(folder):
            action = "removed" if change.text is None else "written"
            report.append(f"{_shown(change.path)} {action} ({change.reason})")
    return report


# --- compile ---------------------------------------------------------------------------

def compile_all(root: Path = TRANSLATIONS) -> None:
    """``pybabel compile``: ``messages.mo`` beside every ``messages.po`` (fuzzy entries left out)."""
    pybabel("compile", "-d", root)


# --- stats -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    code: str
    translated: int
    fuzzy: int
    total: int


def progress(root: Path = TRANSLATIONS) -> list[Progress]:
    result = []
    for code in LANGUAGES:
        path = po_path(code, root)
        if not path.is_file():
            result.append(Progress(code, 0, 0, 0))
            continue
        messages = [m for m in read_catalogue(path, code) if m.id]
        done = sum(1 for m in messages if m.string and (not isinstance(m.string, tuple) or all(m.string)))
        result.append(Progress(code, done, sum(1 for m in messages if m.fuzzy), len(messages)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms.core.catalogues", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", default="all",
                        choices=("all", "extract", "update", "transliterate", "compile", "stats"))
    parser.add_argument("--content", action="append", type=Path, default=None,
                        help="a content folder whose sr_Latn files get their sr_Cyrl twins (repeatable; "
                             f"default: {', '.join(CONTENT_DIRS)})")
    args = parser.parse_args(argv)

    if args.step in ("all", "extract", "update"):
        template = extracted_template()
        if _write_if_changed(TEMPLATE, template):
            count = sum(1 for message in read_po(io.BytesIO(template)) if message.id)
            print(f"{TEMPLATE.relative_to(PROJECT_ROOT)}: {count} messages")
        if args.step != "extract":
            for code in update():
                print(f"{po_path(code).relative_to(PROJECT_ROOT)} updated")
    if args.step in ("all", "transliterate"):
        content = args.content or [PROJECT_ROOT / folder for folder in CONTENT_DIRS]
        for line in transliterate(content=content):
            print(line)
    if args.step in ("all", "compile"):
        compile_all()
    if args.step in ("all", "stats"):
        for item in progress():
            share = f"{item.translated}/{item.total}"
            note = " (English: the source)" if item.code == "en" else ""
            fuzzy = f", {item.fuzzy} fuzzy" if item.fuzzy else ""
            print(f"{item.code:8} {share:>9} translated{fuzzy}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
