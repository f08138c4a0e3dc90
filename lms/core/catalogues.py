"""The gettext catalogues: extract, update, transliterate, compile (``make translations``).

    python -m lms.core.catalogues [all|extract|update|transliterate|compile|stats] [--content DIR …]

``pybabel init -l cnr`` fails (Babel has no Montenegrin), so catalogues are created and
updated here, by our language codes, each with its language's plural rule. Serbian
Cyrillic is never edited by hand: it is written from Serbian Latin, catalogue and course
content alike. ``.mo`` files are built by ``make run``/``make test`` and never committed.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from lms.config import PROJECT_ROOT
from lms.core.i18n import GENERATED_FROM, LANGUAGES
from lms.core.transliteration import CYRILLIC, LATIN, to_cyrillic, transliterate_content

TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
MAPPING = PROJECT_ROOT / "babel.cfg"
PROJECT = "HELP courses"
# The functions that mark text for translation, and their plural arguments.
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
    "lazy_ngettext": (1, 2), "N_": None, "N_plural": (1, 2),
}
COMMENT_TAGS = ("i18n:",)
# Content whose Serbian Latin files get their Cyrillic twins: the courses, and the test
# fixtures written for it (the tests check that each stays in step).
CONTENT_DIRS = ("content", "tests/fixtures/i18n", "tests/fixtures/certificates")
# Header fields that change on every run: ignored when deciding whether a file changed.
_VOLATILE = ("POT-Creation-Date:", "PO-Revision-Date:")


def po_path(code: str, root: Path = TRANSLATIONS) -> Path:
    return root / code / "LC_MESSAGES" / "messages.po"


# --- extract ---------------------------------------------------------------------------

def extract(root: Path = PROJECT_ROOT, mapping: Path = MAPPING) -> Catalog:
    """Every message of the code and templates, with translator comments (``# i18n: …``)."""
    with mapping.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalogue = Catalog(project=PROJECT, version="1", msgid_bugs_address="", copyright_holder="",
                        charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        catalogue.add(message, None, [(filename.replace("\\", "/"), lineno)],
                      auto_comments=comments, context=context)
    return catalogue


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
    """Give a catalogue our language code, name and plural rule (Babel knows no ``cnr``)."""
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


def read_catalogue(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=code, abort_invalid=True)


def update(template: Catalog, root: Path = TRANSLATIONS) -> list[str]:
    """Bring every hand-translated catalogue in step with ``template``; create missing ones."""
    changed = []
    for code in LANGUAGES:
        if code in GENERATED_FROM:
            continue
        path = po_path(code, root)
        if path.is_file():
            catalogue = read_catalogue(path, code)
        else:
            catalogue = Catalog(locale=code, fuzzy=False, charset="utf-8")
        _prepare(catalogue, code)
        catalogue.update(template, no_fuzzy_matching=True, update_header_comment=False,
                         keep_user_comments=True, update_creation_date=True)
        catalogue.obsolete.clear()
        _prepare(catalogue, code)  # update() copies the template's headers
        if _write_if_changed(path, _rendered(catalogue)):
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

def compile_all(root: Path = TRANSLATIONS, *, force: bool = False) -> list[str]:
    """Build ``messages.mo`` beside every ``messages.po`` that is newer (fuzzy entries left out)."""
    built = []
    for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = read_catalogue(po, po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        built.append(po.parent.parent.name)
    return built


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
        template = extract()
        if _write_if_changed(TEMPLATE, _rendered(template, omit_header=False)):
            print(f"{TEMPLATE.relative_to(PROJECT_ROOT)}: {len(template)} messages")
        if args.step != "extract":
            for code in update(template):
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
