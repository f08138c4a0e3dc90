"""Who may see statistics, and the filters of a report: read from a query string, checked
against the viewer's scope, described in words for the head of an export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution, User
from lms.accounts.reference import GENDERS, PROFESSIONS
from lms.core.errors import NotAllowed, ValidationFailed
from lms.core.i18n import LANGUAGES, _
from lms.courses.models import SELF_PACED, TUTORED, Course
from lms.reports.definitions import BASES, ENROLMENT
from lms.tutors.models import Cohort

FORMATS = (TUTORED, SELF_PACED)
FILTER_FIELDS = ("beneficiary", "institution", "profession", "gender", "course", "format", "cohort",
                 "language", "start", "end", "basis")
# Gender is a filter of the pivot table only, whose every figure is protected; anywhere else
# (the overview, a group's page, the per-trainee export) it could single people out.
WITHOUT_GENDER = tuple(name for name in FILTER_FIELDS if name != "gender")


def may_view_reports(user) -> bool:
    """Programme managers (regional or national) and administrators; nobody else."""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_admin or user.is_manager)


def scope_of(user: User) -> set[int] | None:
    """The beneficiaries whose figures ``user`` may see: ``None`` means all of them."""
    if not may_view_reports(user):
        raise NotAllowed()
    if user.is_admin:
        return None
    return user.managed_beneficiary_ids()


def _out_of_scope() -> NotAllowed:
    return NotAllowed(_("You may only see statistics of the beneficiary you are responsible for."))


@dataclass(frozen=True)
class Filters:
    """A report's filters, resolved to ids; ``labels`` names each one for people."""

    beneficiary_id: int | None = None
    institution_id: int | None = None
    profession: str | None = None
    gender: str | None = None
    course_id: int | None = None
    format: str | None = None
    cohort_id: int | None = None
    language: str | None = None
    start: date | None = None
    end: date | None = None
    basis: str = ENROLMENT
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def has_period(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def sensitive(self) -> bool:
        """Filtering on gender makes every figure a figure about one gender."""
        return self.gender is not None

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, to link to the same report elsewhere."""
        args = {}
        for name in FILTER_FIELDS:
            value = self.labels.get(f"{name}_arg")
            if value is not None:
                args[name] = value
        return args

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the head of an export or a page, in the active language."""
        rows = []
        names = {
            "beneficiary": _("Beneficiary"), "institution": _("Institution"), "profession": _("Profession"),
            "gender": _("Gender"), "course": _("Course"), "format": _("Course format"), "cohort": _("Group"),
            "language": _("Language"),
        }
        for key, label in names.items():
            text = self.labels.get(key)
            if text is not None:
                rows.append((label, str(text)))
        if self.start or self.end:
            start = format_date(self.start) if self.start else "…"
            end = format_date(self.end) if self.end else "…"
            rows.append((_("Period"), f"{start} – {end}"))
        rows.append((_("Period by"), str(BASES[self.basis])))
        return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return str(value).strip()


def _int(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_filters(session: Session, viewer: User, args: Mapping,
                  allowed: tuple[str, ...] = FILTER_FIELDS) -> Filters:
    """Read the report filters from query arguments; refuse anything outside ``viewer``'s scope.

    Unknown values are 422 with a message per field; a beneficiary, institution or group of
    another beneficiary than a national manager's is 403. Only the ``allowed`` filters are read.
    """
    scope = scope_of(viewer)
    raw = {name: _text(args.get(name)) if name in allowed else "" for name in FILTER_FIELDS}
    errors: dict[str, list] = {}
    if "gender" not in allowed and _text(args.get("gender")):
        errors["gender"] = [_("Gender can only be used in the pivot table, where small groups are hidden.")]
    values: dict = {}
    labels: dict = {}

    def keep(name, value, label):
        values[name] = value
        labels[name.removesuffix("_id")] = label
        labels[f"{name.removesuffix('_id')}_arg"] = raw[name.removesuffix("_id")]

    if raw["beneficiary"]:
        beneficiary = session.scalar(select(Beneficiary).where(Beneficiary.code == raw["beneficiary"].upper()))
        if beneficiary is None:
            errors["beneficiary"] = [_("Choose a beneficiary from the list.")]
        elif scope is not None and beneficiary.id not in scope:
            raise _out_of_scope()
        else:
            keep("beneficiary_id", beneficiary.id, beneficiary.name)
            labels["beneficiary_arg"] = beneficiary.code
    if raw["institution"]:
        number = _int(raw["institution"])
        institution = session.get(Institution, number) if number else None
        if institution is None:
            errors["institution"] = [_("Choose an institution from the list.")]
        elif scope is not None and institution.beneficiary_id not in scope:
            raise _out_of_scope()
        else:
            keep("institution_id", institution.id, institution.name)
    if raw["profession"]:
        if raw["profession"] not in PROFESSIONS:
            errors["profession"] = [_("Choose a profession from the list.")]
        else:
            keep("profession", raw["profession"], PROFESSIONS[raw["profession"]])
    if raw["gender"]:
        if raw["gender"] not in GENDERS:
            errors["gender"] = [_("Choose a gender from the list.")]
        else:
            keep("gender", raw["gender"], GENDERS[raw["gender"]])
    if raw["course"]:
        course = session.scalar(select(Course).where(Course.slug == raw["course"]))
        if course is None:
            errors["course"] = [_("Choose a course from the list.")]
        else:
            keep("course_id", course.id, course.title_in())
    if raw["format"]:
        if raw["format"] not in FORMATS:
            errors["format"] = [_("Choose tutored or self-paced.")]
        else:
            keep("format", raw["format"], _("Tutored") if raw["format"] == TUTORED else _("Self-paced"))
    if raw["cohort"]:
        number = _int(raw["cohort"])
        cohort = session.get(Cohort, number) if number else None
        if cohort is None:
            errors["cohort"] = [_("There is no group with this number.")]
        elif scope is not None and cohort.beneficiary_id not in scope:
            raise _out_of_scope()
        else:
            keep("cohort_id", cohort.id, cohort.name)
    if raw["language"]:
        if raw["language"] not in LANGUAGES:
            errors["language"] = [_("Choose a language from the list.")]
        else:
            keep("language", raw["language"], LANGUAGES[raw["language"]].native_name)
    for name in ("start", "end"):
        if raw[name]:
            parsed = _date(raw[name])
            if parsed is None:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            else:
                values[name] = parsed
                labels[f"{name}_arg"] = parsed.isoformat()
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        errors["end"] = [_("The end of the period cannot be before its start.")]
    if raw["basis"]:
        if raw["basis"] not in BASES:
            errors["basis"] = [_("Choose the enrolment date or the completion date.")]
        else:
            values["basis"] = raw["basis"]
            if raw["basis"] != ENROLMENT:
                labels["basis_arg"] = raw["basis"]
    if errors:
        raise ValidationFailed(errors)
    return Filters(**values, labels=labels)


def scoped_filters(viewer: User, filters: Filters) -> tuple[Filters, set[int] | None]:
    """The filters and the scope a report runs with (checked again: the scope is the rule)."""
    scope = scope_of(viewer)
    if scope is not None and filters.beneficiary_id is not None and filters.beneficiary_id not in scope:
        raise _out_of_scope()
    return filters, scope
