"""Institution names in every language: kept by administrators (and the managers of the
beneficiary), filled for the default institutions from ``lms/accounts/data``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Institution, User
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import DEFAULT_LANGUAGE, GENERATED_FROM, LANGUAGES, _
from lms.core.transliteration import to_cyrillic

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "institution_names.yaml"
MAX_NAME = 200
# The languages an institution's name is translated into (English is its ``name``).
TRANSLATED = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


@lru_cache(maxsize=1)
def default_names() -> dict[str, dict[str, str]]:
    """The default institutions' names by English name, with Serbian Cyrillic written from Latin."""
    data = yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8")) or {}
    result = {}
    for english, names in data.items():
        names = {code: " ".join(str(text).split()) for code, text in (names or {}).items() if code in LANGUAGES}
        for target, source in GENERATED_FROM.items():
            if source in names and target not in names:
                names[target] = to_cyrillic(names[source])
        result[english] = names
    return result


def fill_default_names(session: Session) -> int:
    """Give the default institutions their names in the languages that have none yet; never
    overwrite a name someone has written. Return how many institutions changed."""
    changed = 0
    known = default_names()
    for institution in session.scalars(select(Institution).where(Institution.name.in_(list(known)))):
        current = dict(institution.names or {})
        missing = {code: text for code, text in known[institution.name].items() if not current.get(code)}
        if missing:
            institution.names = {**current, **missing}
            changed += 1
    session.flush()
    return changed


def institution_for_translation(session: Session, user: User, institution_id: int) -> Institution:
    """The institution whose names ``user`` may keep; 404 when it does not exist, 403 when not theirs."""
    institution = session.get(Institution, institution_id)
    if institution is None:
        raise NotFound()
    if not institution.can_be_translated_by(user):
        raise NotAllowed()
    return institution


def translate_institution(session: Session, actor: User, institution: Institution, names: dict,
                          version: int | None) -> Institution:
    """Set the institution's names in the other languages: an empty name removes it (the
    reader then sees the closest language's); a Serbian Latin name without a Cyrillic one
    gives the Cyrillic one too."""
    if not institution.can_be_translated_by(actor):
        raise NotAllowed()
    expect_version(institution, version,
                   _("Someone else changed these names since you opened the page. Reload it and try again."))
    if not isinstance(names, dict):
        raise ValidationFailed(_("Give the names as a language code and a name each."), field="names")
    unknown = sorted(str(code) for code in names if code not in TRANSLATED)
    if unknown:
        raise ValidationFailed(_("Unknown language code(s): {codes}.").format(codes=", ".join(unknown)),
                               field="names")
    cleaned = {}
    for code, text in names.items():
        text = " ".join(str(text or "").split())
        if len(text) > MAX_NAME:
            raise ValidationFailed(_("A name has 200 characters at most."), field=f"names.{code}")
        if text:
            cleaned[code] = text
    for target, source in GENERATED_FROM.items():
        if source in cleaned and target not in cleaned:
            cleaned[target] = to_cyrillic(cleaned[source])
    before = dict(institution.names or {})
    if cleaned != before:
        institution.names = cleaned
        session.flush()
        audit.record(session, actor_id=actor.id, action="institution.names", subject_type="institution",
                     subject_id=institution.id, before=before, after=cleaned)
    return institution
