"""Reading the glossary: each term in the reader's language and in English, in the reader's
alphabetical order, filtered by what they typed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.core.collation import fold, sort_key
from lms.core.i18n import DEFAULT_LANGUAGE, localized
from lms.glossary.models import GlossaryTerm

MAX_QUERY = 100
# A Serbian reader may type in either script.
_OTHER_SCRIPT = {"sr_Latn": "sr_Cyrl", "sr_Cyrl": "sr_Latn"}


@dataclass(frozen=True)
class Entry:
    slug: str
    term: str
    english: str
    definition: str
    language: str  # of ``term`` and ``definition``: the reader's, or English if it lacks one

    @property
    def in_english(self) -> bool:
        return self.language == DEFAULT_LANGUAGE


def _matches(words: list[str], texts: list[str]) -> bool:
    haystack = " ".join(fold(text) for text in texts)
    return all(word in haystack for word in words)


def glossary(session: Session, language: str, query: str = "") -> list[Entry]:
    rows = session.execute(select(GlossaryTerm.slug, GlossaryTerm.term, GlossaryTerm.definition)).all()
    words = fold(query[:MAX_QUERY]).split()
    entries = []
    for slug, term, definition in rows:
        shown = language if language in term and language in definition else DEFAULT_LANGUAGE
        entry = Entry(slug, localized(term, shown), localized(term, DEFAULT_LANGUAGE),
                      localized(definition, shown), shown)
        if words:
            texts = [entry.term, entry.english, entry.definition]
            other = _OTHER_SCRIPT.get(language)
            if other:
                texts.append(term.get(other, ""))
            if not _matches(words, texts):
                continue
        entries.append(entry)
    entries.sort(key=lambda entry: sort_key(entry.term, entry.language))
    return entries


def term_count(session: Session) -> int:
    return session.scalar(select(func.count(GlossaryTerm.id))) or 0
