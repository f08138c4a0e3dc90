"""Names of what a dimension's keys stand for: one query per dimension, whatever the table size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution
from lms.accounts.reference import GENDERS, PROFESSIONS
from lms.core.i18n import LANGUAGES, _
from lms.courses.models import TUTORED, Course
from lms.tutors.models import Cohort


@dataclass(frozen=True)
class Member:
    """One value of a dimension: its key in SQL, its identifier in the API, its name."""

    key: object
    code: str | None
    label: str
    order: tuple
    lang: str | None = None      # the language a name is written in (language names)


def _not_recorded(key) -> Member:
    return Member(key, None, _("Not recorded"), (2, ""))


def _period_label(dimension: str, code: str) -> str:
    if dimension == "month":
        year, month = code.split("-")
        return format_date(date(int(year), int(month), 1), "LLLL y")
    if dimension == "quarter":
        year, quarter = code.split("-Q")
        return _("Q{quarter} {year}").format(quarter=quarter, year=year)
    return code


def resolve(session: Session, dimension: str, keys: Iterable) -> dict[object, Member]:
    keys = set(keys)
    known = {key for key in keys if key is not None}
    members: dict[object, Member] = {}
    if None in keys:
        members[None] = {
            "institution": Member(None, None, _("No institution"), (2, "")),
            "cohort": Member(None, None, _("No group (self-paced)"), (2, "")),
            "beneficiary": Member(None, None, _("No beneficiary"), (2, "")),
        }.get(dimension) or _not_recorded(None)
    if dimension == "beneficiary":
        for b in session.scalars(select(Beneficiary).where(Beneficiary.id.in_(known))):
            members[b.id] = Member(b.id, b.code, b.name, (0, b.name.lower()))
    elif dimension == "institution":
        rows = session.execute(select(Institution.id, Institution.name, Beneficiary.code)
                               .join(Beneficiary, Beneficiary.id == Institution.beneficiary_id)
                               .where(Institution.id.in_(known)))
        for institution_id, name, code in rows:
            members[institution_id] = Member(institution_id, str(institution_id), name, (0, code, name.lower()))
    elif dimension == "cohort":
        rows = session.execute(select(Cohort.id, Cohort.name, Cohort.starts_on).where(Cohort.id.in_(known)))
        for cohort_id, name, starts_on in rows:
            members[cohort_id] = Member(cohort_id, str(cohort_id), name, (0, starts_on.isoformat(), name.lower()))
    elif dimension == "course":
        for course in session.scalars(select(Course).where(Course.id.in_(known))):
            title = course.title_in()
            members[course.id] = Member(course.id, course.slug, title, (0, title.lower()))
    elif dimension == "profession":
        order = list(PROFESSIONS)
        for key in known:
            label = str(PROFESSIONS[key]) if key in PROFESSIONS else str(key)
            members[key] = Member(key, key, label, (0, order.index(key) if key in order else 99, label))
    elif dimension == "gender":
        order = list(GENDERS)
        for key in known:
            label = str(GENDERS[key]) if key in GENDERS else str(key)
            members[key] = Member(key, key, label, (0, order.index(key) if key in order else 99, label))
    elif dimension == "format":
        for key in known:
            members[key] = Member(key, key, _("Tutored") if key == TUTORED else _("Self-paced"),
                                  (0, 0 if key == TUTORED else 1))
    elif dimension == "language":
        order = list(LANGUAGES)
        for key in known:
            language = LANGUAGES.get(key)
            members[key] = Member(key, key, language.native_name if language else str(key),
                                  (0, order.index(key) if key in order else 99),
                                  lang=language.html_lang if language else None)
    else:  # month, quarter, year: the key is the period itself
        for key in known:
            members[key] = Member(key, key, _period_label(dimension, key), (0, key))
    return members


def ordered(members: dict[object, Member]) -> list[Member]:
    return sorted(members.values(), key=lambda m: m.order)
