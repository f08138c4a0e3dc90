"""Does a translation use the glossary's term where the English uses the glossary's term?

The rule, for one English text, its translation, and one glossary term:

- The English text uses the term when it contains the English term as whole words, in any
  case, optionally with a plural ending: "Case studies" uses "case study", "tutors" uses
  "tutor" (``-s``, ``-es``, ``y`` → ``-ies``).
- The translation then uses the term when every word of the translated term of four or more
  letters appears in it as the beginning of a word, allowing for grammatical endings: the
  word's first ``len - 2`` letters (at least three) must start a word of the translation.
  "studija slučaja" is found in "studiju slučaja" and "studijama slučaja"; "probacija" in
  "probacione službe"; "nasilni ekstremizam" in "nasilnog ekstremizma". Words of one to
  three letters ("i", "za", "iz") are left out: they are prepositions and conjunctions that a
  sentence may well rephrase.
- A term used only inside a longer term the text also uses is that longer term's business:
  "probation officer" (poverenik) does not ask the translation for "probation" (probacija).
- A translator who has a good reason to phrase it otherwise writes a translator comment
  ``glossary-ok: <term id>`` on the message in the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lms.core.collation import fold
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from lms.courses.yamlfile import LineDict, LineList, YamlProblem, load_yaml

EXEMPTION = re.compile(r"glossary-ok:\s*([\w, -]+)")
# Placeholders are not words of the text: "{tutor}" is someone's name.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]")


@dataclass(frozen=True)
class Mismatch:
    term_id: str
    english_term: str
    wanted: str
    english: str
    translation: str

    def __str__(self) -> str:
        return (f"“{self.english}” uses “{self.english_term}” ({self.term_id}), but its translation "
                f"“{self.translation}” does not use “{self.wanted}”")


@lru_cache(maxsize=512)
def english_pattern(term: str) -> re.Pattern:
    words = term.split()
    last = re.escape(words[-1])
    if words[-1].endswith("y"):
        last = f"(?:{last}|{re.escape(words[-1][:-1])}ies)"
    else:
        last = f"{last}(?:s|es)?"
    body = r"\s+".join([re.escape(word) for word in words[:-1]] + [last])
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def stems(term: str) -> list[str]:
    """The beginnings of the term's words that every use of it keeps (see the module's rule)."""
    words = re.findall(r"[^\W\d_]+", fold(term))
    return [word[:max(3, len(word) - 2)] for word in words if len(word) >= 4]


def uses_term(translation: str, term: str) -> bool:
    words = re.findall(r"[^\W_]+", fold(translation))
    return all(any(word.startswith(stem) for word in words) for stem in stems(term))


def mismatches(terms: list[tuple[str, str, str]], english: str, translation: str,
               exempt: set[str] = frozenset()) -> list[Mismatch]:
    """``terms``: (id, English term, translated term). Every term ``english`` uses that
    ``translation`` does not."""
    found = []
    english, translation = PLACEHOLDER.sub(" ", english), PLACEHOLDER.sub(" ", translation)
    spans = {term_id: [m.span() for m in english_pattern(english_term).finditer(english)]
             for term_id, english_term, _wanted in terms}
    for term_id, english_term, wanted in terms:
        if term_id in exempt or not spans[term_id]:
            continue
        longer = [span for other, other_spans in spans.items() if other != term_id for span in other_spans]
        if all(any(start <= s and e <= end and (end - start) > (e - s) for start, end in longer)
               for s, e in spans[term_id]):
            continue  # only ever part of a longer term
        if not uses_term(translation, wanted):
            found.append(Mismatch(term_id, english_term, wanted, english.strip(), translation.strip()))
    return found


def exemptions(comments: list[str]) -> set[str]:
    """Term ids a translator comment (``glossary-ok: probation, tutor``) exempts."""
    exempt = set()
    for comment in comments:
        for match in EXEMPTION.finditer(comment):
            exempt.update(part.strip() for part in match.group(1).split(",") if part.strip())
    return exempt


def catalogue_mismatches(terms: list[tuple[str, str, str]], catalogue) -> list[Mismatch]:
    """Check every translated message of a Babel catalogue (each plural form against the plural)."""
    found = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        exempt = exemptions(list(message.user_comments) + list(message.auto_comments))
        if isinstance(message.id, tuple | list):
            pairs = [(message.id[0] if index == 0 else message.id[1], form)
                     for index, form in enumerate(message.string) if form]
        else:
            pairs = [(message.id, message.string)]
        for english, translation in pairs:
            found.extend(mismatches(terms, english, translation, exempt))
    return found


def glossary_terms(specs, language: str) -> list[tuple[str, str, str]]:
    """(id, English term, term in ``language``) from the glossary file's terms."""
    return [(spec.slug, spec.term["en"], spec.term[language]) for spec in specs
            if "en" in spec.term and language in spec.term]


def content_mismatches(root: Path, specs) -> list[str]:
    """file:line problems where a course's locale map (a title, a rubric level…) says a glossary
    term in English but not in its translation."""
    terms = {code: glossary_terms(specs, code) for code in LANGUAGES if code != DEFAULT_LANGUAGE}
    found = []

    def walk(node, path):
        if isinstance(node, LineDict):
            english = node.get(DEFAULT_LANGUAGE)
            if isinstance(english, str):
                for code, text in node.items():
                    if code in terms and isinstance(text, str):
                        found.extend(f"{path}:{node.line_of(code)}: {mismatch}"
                                     for mismatch in mismatches(terms[code], english, text))
            for value in node.values():
                walk(value, path)
        elif isinstance(node, LineList):
            for value in node:
                walk(value, path)

    for path in sorted(Path(root).rglob("*.yaml")):
        if path.name == "glossary.yaml" or any(part.startswith(".") for part in path.parts):
            continue
        try:
            walk(load_yaml(path.read_text(encoding="utf-8")), path)
        except (YamlProblem, UnicodeDecodeError):
            continue  # `lms content check` reports it
    return found
