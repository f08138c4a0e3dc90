"""The dimensions figures are broken down by and filtered on: each one object.

A dimension holds, in one place, everything the generic code asks of it:

- ``expression``: an enrolment's value in SQL, and ``reads``: the tables it needs joined
  to the enrolment (the fact rows derived from the records, the per-trainee export);
  ``fact``: the same value in the fact table, where figures and filters read it (a column
  of ``EnrolmentFact`` named as the key: a new dimension adds one there);
- ``find``: the value a query-string code names, or None (the filter, in the schema);
- ``members``: the names and order of the values found in a table (the label lookup);
- ``sensitive``: small groups of it are hidden (suppression);
- ``choices``: what the filter forms offer; ``groups_where``: how its filter narrows the
  list of groups; ``url``: where a value's name leads in a table.

``DIMENSIONS`` lists them; adding a dimension is adding one object to it (docs/reports.md
defines each). Keys are part of the API (``?rows=beneficiary``, ``?beneficiary=RS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from flask import url_for
from flask_babel import format_date
from sqlalchemy import false, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lms.accounts.models import Beneficiary, Institution, User, institution_name
from lms.accounts.reference import GENDERS, PROFESSIONS
from lms.core.i18n import LANGUAGES, _, _l
from lms.courses.models import SELF_PACED, TUTORED, Course, Enrolment
from lms.reports.models import EnrolmentFact
from lms.reports.sql_dialects import period_key
from lms.tutors.models import Cohort, CohortMembership

# The tables a dimension reads besides the enrolment (``Joins`` in lms.reports.facts).
USER, COHORT, COURSE = "user", "cohort", "course"

MAX_CHOICES = 300   # a longer list of groups is a number to type instead


@dataclass(frozen=True)
class Member:
    """One value of a dimension: its key in SQL, its code in the API, its name."""

    key: object
    code: str | None
    label: str
    order: tuple
    lang: str | None = None               # the language a name is written in (language names)
    beneficiary_id: int | None = None     # the beneficiary it belongs to, for the viewer's scope
    footnote: bool = False                # Kosovo*: a page naming it shows the footnote


def _number(code: str) -> int | None:
    try:
        number = int(code)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


class Dimension:
    """What every dimension has; the subclasses below say how each finds and names its values."""

    key: str
    label: object
    reads: frozenset[str] = frozenset()
    # Small groups of it are hidden (lms.reports.suppression); a filter on it may be used
    # only where every figure is protected (the pivot table).
    sensitive = False
    refused: object = None         # why a filter on a sensitive dimension is refused elsewhere
    period = False                 # derived from the period basis: a breakdown, never a filter
    none_label = _l("Not recorded")
    unknown: object = None         # the message for a filter value that names nothing
    code_type = "string"           # how the API writes a code: "string" or "integer"
    description: object = None     # of the filter, in the API's documentation
    data_names = False             # its names are data (institutions, courses), not interface text
    on_overview = True             # offered as a filter on the overview's form
    narrow = False                 # a filter on it leaves a few enrolments (read them by index)
    input_label: object = None     # when ``choices`` are too many: the number field's label
    input_hint: object = None      # and hint

    def __init__(self, key: str, label):
        self.key, self.label = key, label

    def __repr__(self) -> str:
        return f"<Dimension {self.key}>"

    @property
    def is_filter(self) -> bool:
        return not self.period

    def expression(self, basis=None, dialect: str | None = None) -> ColumnElement:
        """An enrolment's value; ``basis`` (its period date) and ``dialect`` only for periods."""
        raise NotImplementedError

    def fact(self, basis=None, dialect: str | None = None) -> ColumnElement:
        """An enrolment's value in the fact table: its column named as this dimension's key."""
        return EnrolmentFact.__table__.c[self.key]

    def members(self, session: Session, keys: Iterable) -> dict[object, Member]:
        """The values ``keys`` stand for, named; ``None`` (no value recorded) included."""
        keys = set(keys)
        found = self._named(session, {key for key in keys if key is not None})
        if None in keys:
            found[None] = Member(None, None, str(self.none_label), (2, ""))
        return found

    def _named(self, session: Session, keys: set) -> dict[object, Member]:
        raise NotImplementedError

    def find(self, session: Session, code: str) -> Member | None:
        """The value a filter names by its code, or None."""
        raise NotImplementedError

    def choices(self, session: Session, scope: set[int] | None) -> list[Member] | None:
        """What a filter form offers (in the viewer's scope); None: too many, a number to type."""
        raise NotImplementedError

    def groups_where(self, key) -> ColumnElement | None:
        """How a filter on ``key`` narrows the list of groups (None: it does not)."""
        return None

    def url(self, member: Member) -> str | None:
        return None


class Coded(Dimension):
    """Values from a fixed list of codes (professions, genders, course formats)."""

    def __init__(self, key: str, label, column, names: dict, *, reads=frozenset(), unknown=None,
                 sensitive=False, refused=None, description=None):
        super().__init__(key, label)
        self.column, self.names, self.reads = column, names, frozenset(reads)
        self.unknown, self.description = unknown, description
        self.sensitive, self.refused = sensitive, refused

    def expression(self, basis=None, dialect=None):
        return self.column

    def _member(self, code) -> Member:
        order = list(self.names)
        label = str(self.names[code]) if code in self.names else str(code)
        return Member(code, code, label, (0, order.index(code) if code in order else 99, label))

    def _named(self, session, keys):
        return {key: self._member(key) for key in keys}

    def find(self, session, code):
        return self._member(code) if code in self.names else None

    def choices(self, session, scope):
        return [self._member(code) for code in self.names]


class Format(Coded):
    def groups_where(self, key):
        return Cohort.id.is_(None) if key == SELF_PACED else None   # every group is tutored


class Language(Coded):
    """The language of study: the group's, or the trainee's preferred one when self-paced."""

    def __init__(self):
        super().__init__("language", _l("Language"), func.coalesce(Cohort.language, User.language), LANGUAGES,
                         reads={USER, COHORT}, unknown=_l("Choose a language from the list."),
                         description="Language of study: the group's, or the trainee's preferred language "
                                     "when self-paced.")

    def _member(self, code) -> Member:
        order = list(LANGUAGES)
        language = LANGUAGES.get(code)
        return Member(code, code, language.native_name if language else str(code),
                      (0, order.index(code) if code in order else 99),
                      lang=language.html_lang if language else None)

    def groups_where(self, key):
        return Cohort.language == key


# An enrolment in a group counts under the group's beneficiary; a self-paced one under the
# trainee's profile. The viewer's scope is a set of these.
COUNTED_BENEFICIARY = func.coalesce(Cohort.beneficiary_id, User.beneficiary_id)


class BeneficiaryDimension(Dimension):
    reads = frozenset({USER, COHORT})
    none_label = _l("No beneficiary")
    unknown = _l("Choose a beneficiary from the list.")
    description = "Beneficiary code, e.g. RS. A national manager may only name their own (403 otherwise)."

    def expression(self, basis=None, dialect=None):
        return COUNTED_BENEFICIARY

    @staticmethod
    def _member(b: Beneficiary) -> Member:
        return Member(b.id, b.code, b.name, (0, b.name.lower()), beneficiary_id=b.id, footnote=b.has_footnote)

    def _named(self, session, keys):
        return {b.id: self._member(b) for b in session.scalars(select(Beneficiary).where(Beneficiary.id.in_(keys)))}

    def find(self, session, code):
        found = session.scalar(select(Beneficiary).where(Beneficiary.code == code.upper()))
        return self._member(found) if found else None

    def choices(self, session, scope):
        return [self._member(b) for b in session.scalars(select(Beneficiary).order_by(Beneficiary.code))
                if scope is None or b.id in scope]

    def groups_where(self, key):
        return Cohort.beneficiary_id == key


class InstitutionDimension(Dimension):
    reads = frozenset({USER})
    none_label = _l("No institution")
    unknown = _l("Choose an institution from the list.")
    code_type = "integer"
    description = "Institution id."
    data_names = True

    def expression(self, basis=None, dialect=None):
        return User.institution_id

    @staticmethod
    def _query():
        return select(Institution.id, Institution.name, Beneficiary.code, Institution.beneficiary_id,
                      Institution.names).join(
            Beneficiary, Beneficiary.id == Institution.beneficiary_id)

    @staticmethod
    def _member(row, label: str | None = None) -> Member:
        institution_id, english, code, beneficiary_id, names = row
        name = institution_name(english, names)  # in the reader's language
        return Member(institution_id, str(institution_id), label or name, (0, code, name.lower()),
                      beneficiary_id=beneficiary_id)

    def _named(self, session, keys):
        return {row[0]: self._member(row) for row in session.execute(self._query().where(Institution.id.in_(keys)))}

    def find(self, session, code):
        number = _number(code)
        row = session.execute(self._query().where(Institution.id == number)).first() if number else None
        return self._member(row) if row else None

    def choices(self, session, scope):
        query = self._query().order_by(Beneficiary.code, Institution.name)
        if scope is not None:
            query = query.where(Institution.beneficiary_id.in_(sorted(scope)))
        # The filter's choices, named in the reader's language, by beneficiary then name.
        members = [self._member(row) for row in session.execute(query)]
        return sorted((replace(member, label=f"{member.label} ({member.order[1]})") for member in members),
                      key=lambda member: member.order)


class CourseDimension(Dimension):
    unknown = _l("Choose a course from the list.")
    description = "Course slug."
    data_names = True

    def expression(self, basis=None, dialect=None):
        return Enrolment.course_id

    @staticmethod
    def _member(course: Course) -> Member:
        title = course.title_in()
        return Member(course.id, course.slug, title, (0, title.lower()))

    def _named(self, session, keys):
        return {c.id: self._member(c) for c in session.scalars(select(Course).where(Course.id.in_(keys)))}

    def find(self, session, code):
        found = session.scalar(select(Course).where(Course.slug == code))
        return self._member(found) if found else None

    def choices(self, session, scope):
        return [self._member(c) for c in session.scalars(select(Course).order_by(Course.slug))]

    def groups_where(self, key):
        return Cohort.course_id == key


class CohortDimension(Dimension):
    """The group an enrolment is a member of (active or withdrawn)."""

    reads = frozenset({COHORT})
    none_label = _l("No group (self-paced)")
    unknown = _l("There is no group with this number.")
    code_type = "integer"
    description = "Group (cohort) id."
    data_names = True
    on_overview = False            # the overview lists the groups themselves
    narrow = True
    input_label = _l("Group number")
    input_hint = _l("As shown in the address of the group's page.")

    def expression(self, basis=None, dialect=None):
        return CohortMembership.cohort_id

    @staticmethod
    def _member(row) -> Member:
        cohort_id, name, starts_on, beneficiary_id = row
        return Member(cohort_id, str(cohort_id), name, (0, starts_on.isoformat(), name.lower()),
                      beneficiary_id=beneficiary_id)

    @staticmethod
    def _query():
        return select(Cohort.id, Cohort.name, Cohort.starts_on, Cohort.beneficiary_id)

    def member_of(self, cohort: Cohort) -> Member:
        return self._member((cohort.id, cohort.name, cohort.starts_on, cohort.beneficiary_id))

    def _named(self, session, keys):
        return {row[0]: self._member(row) for row in session.execute(self._query().where(Cohort.id.in_(keys)))}

    def find(self, session, code):
        number = _number(code)
        row = session.execute(self._query().where(Cohort.id == number)).first() if number else None
        return self._member(row) if row else None

    def choices(self, session, scope):
        query = self._query().order_by(Cohort.starts_on.desc(), Cohort.name)
        if scope is not None:
            query = query.where(Cohort.beneficiary_id.in_(sorted(scope)) if scope else false())
        found = session.execute(query.limit(MAX_CHOICES + 1)).all()
        return [self._member(row) for row in found] if len(found) <= MAX_CHOICES else None

    def groups_where(self, key):
        return Cohort.id == key

    def url(self, member):
        return url_for("reports.cohort", cohort_id=member.key) if member.key is not None else None


class Period(Dimension):
    """Month, quarter or year of the period basis date (enrolment or completion)."""

    period = True

    def expression(self, basis=None, dialect=None):
        return period_key(basis, self.key, dialect)

    def fact(self, basis=None, dialect=None):
        return period_key(basis, self.key, dialect)

    def _label(self, code: str) -> str:
        if self.key == "month":
            year, month = code.split("-")
            return format_date(date(int(year), int(month), 1), "LLLL y")
        if self.key == "quarter":
            year, quarter = code.split("-Q")
            return _("Q{quarter} {year}").format(quarter=quarter, year=year)
        return code

    def _named(self, session, keys):
        return {key: Member(key, key, self._label(key), (0, key)) for key in keys}


DIMENSIONS: dict[str, Dimension] = {d.key: d for d in (
    BeneficiaryDimension("beneficiary", _l("Beneficiary")),
    InstitutionDimension("institution", _l("Institution")),
    Coded("profession", _l("Profession"), User.profession, PROFESSIONS, reads={USER},
          unknown=_l("Choose a profession from the list.")),
    # Gender is shown only in aggregates, and small groups of it are hidden.
    Coded("gender", _l("Gender"), User.gender, GENDERS, reads={USER}, sensitive=True,
          unknown=_l("Choose a gender from the list."),
          refused=_l("Gender can only be used in the pivot table, where small groups are hidden."),
          description="Makes every figure one of a gender: all are protected. The pivot table only."),
    CourseDimension("course", _l("Course")),
    Format("format", _l("Course format"), Course.format, {TUTORED: _l("Tutored"), SELF_PACED: _l("Self-paced")},
           reads={COURSE}, unknown=_l("Choose tutored or self-paced.")),
    CohortDimension("cohort", _l("Group")),
    Language(),
    Period("month", _l("Month")),
    Period("quarter", _l("Quarter")),
    Period("year", _l("Year")),
)}

FILTERS: tuple[Dimension, ...] = tuple(d for d in DIMENSIONS.values() if d.is_filter)


def ordered(members: dict[object, Member]) -> list[Member]:
    return sorted(members.values(), key=lambda m: m.order)
