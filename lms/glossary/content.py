"""``content/glossary.yaml``: checked by ``lms content check``, imported by ``lms content import``.

    terms:
      - id: radicalisation
        term: {en: radicalisation, sq: radikalizim, bs: …, sr_Latn: …, sr_Cyrl: …, mk: …, cnr: …}
        definition: {en: …, …}

Every term has its name and definition in every language of the platform (``sr_Cyrl``
is written from ``sr_Latn`` by ``make translations``). The glossary lives in the database
like the rest of the content: imported in the same transaction as the courses, read by
every worker without touching the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from lms.core.i18n import GENERATED_FROM, LANGUAGES
from lms.courses.content import ContentFile, Problems, read_text
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml
from lms.glossary.models import GlossaryTerm

ID_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
TERM_KEYS = ("id", "term", "definition")


@dataclass(frozen=True)
class TermSpec:
    slug: str
    position: int
    term: dict
    definition: dict


def _locale_map(value, *, path: Path, line: int, what: str, problems: Problems) -> dict:
    if not isinstance(value, dict) or not value:
        problems.add(path, line, f"{what} must be a map of language → text, e.g. {{en: …, sq: …}}")
        return {}
    result = {}
    for code, text in value.items():
        code_line = value.line_of(code) if isinstance(value, LineDict) else line
        if code not in LANGUAGES:
            problems.add(path, code_line, f"{what}: unknown language code '{code}' (known: {', '.join(LANGUAGES)})")
        elif not isinstance(text, str) or not text.strip():
            problems.add(path, code_line, f"{what} ({code}) must be non-empty text")
        else:
            result[code] = " ".join(text.split())
    for code in LANGUAGES:
        if code not in value:
            hint = (f" (run `make translations`: it is written from {GENERATED_FROM[code]})"
                    if code in GENERATED_FROM and GENERATED_FROM[code] in result else "")
            problems.add(path, line, f"{what} has no '{code}' text{hint}")
    return result


def check_glossary(path: Path, problems: Problems) -> list[TermSpec]:
    """Read the glossary; add every problem found (file:line); return the terms that are whole."""
    text = read_text(path, problems)
    if text is None:
        return []
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        problems.add(path, exc.line, exc.message)
        return []
    if not isinstance(data, LineDict) or not isinstance(data.get("terms"), LineList) or not data["terms"]:
        problems.add(path, getattr(data, "line", 1), "the glossary must be a mapping with a non-empty list `terms`")
        return []
    for key in data:
        if key != "terms":
            problems.add(path, data.line_of(key), f"unknown key '{key}' in the glossary (allowed: terms)")
    terms: list[TermSpec] = []
    first_line: dict[str, int] = {}
    names: dict[tuple[str, str], tuple[str, int]] = {}
    for index, raw in enumerate(data["terms"]):
        line = data["terms"].line_of(index)
        if not isinstance(raw, LineDict):
            problems.add(path, line, "each glossary entry must be a mapping with id, term and definition")
            continue
        for key in raw:
            if key not in TERM_KEYS:
                problems.add(path, raw.line_of(key), f"unknown key '{key}' in a glossary entry "
                                                     f"(allowed: {', '.join(TERM_KEYS)})")
        slug = raw.get("id")
        if not isinstance(slug, str) or not ID_RE.match(slug):
            problems.add(path, raw.line_of("id"), "id must be lower-case letters and digits joined by _ or -")
            continue
        if slug in first_line:
            problems.add(path, raw.line_of("id"), f"duplicate id '{slug}' (first on line {first_line[slug]})")
            continue
        first_line[slug] = raw.line_of("id")
        before = len(problems)
        term = _locale_map(raw.get("term"), path=path, line=raw.line_of("term"), what=f"term '{slug}'",
                           problems=problems)
        definition = _locale_map(raw.get("definition"), path=path, line=raw.line_of("definition"),
                                 what=f"definition of '{slug}'", problems=problems)
        for code, name in term.items():
            other = names.get((code, name.casefold()))
            if other is not None:
                problems.add(path, raw.line_of("term"), f"term '{slug}' ({code}) has the same text as "
                                                        f"'{other[0]}' (line {other[1]})")
            else:
                names[(code, name.casefold())] = (slug, raw.line_of("id"))
        if len(problems) == before:
            terms.append(TermSpec(slug, index, term, definition))
    return terms


class GlossaryFile(ContentFile):
    name = "glossary.yaml"

    def check(self, path: Path, problems: Problems) -> list[TermSpec]:
        return check_glossary(path, problems)

    def apply(self, session, terms: list[TermSpec]) -> str:
        """Make the stored glossary equal the file's, term by term (by id)."""
        existing = {row.slug: row for row in session.scalars(select(GlossaryTerm))}
        created = not existing
        changed = False
        for spec in terms:
            row = existing.pop(spec.slug, None)
            if row is None:
                session.add(GlossaryTerm(slug=spec.slug, position=spec.position, term=dict(spec.term),
                                         definition=dict(spec.definition)))
                changed = True
            elif (row.position, row.term, row.definition) != (spec.position, spec.term, spec.definition):
                row.position, row.term, row.definition = spec.position, dict(spec.term), dict(spec.definition)
                changed = True
        if existing:
            session.execute(delete(GlossaryTerm).where(GlossaryTerm.id.in_([r.id for r in existing.values()])))
            changed = True
        session.flush()
        if not changed:
            return "unchanged"
        return "created" if created else "updated"
