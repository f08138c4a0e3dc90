"""Who may see statistics, and the filters of a report: a value of some dimensions, a period,
checked against the viewer's scope, described in words for the head of a page or an export.

The query string is read by the schemas (``lms.reports.schemas``), once, for both doors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date

from lms.accounts.models import User
from lms.core.errors import NotAllowed
from lms.core.i18n import _, _l
from lms.reports.dimensions import DIMENSIONS, Dimension, Member

ENROLMENT, COMPLETION = "enrolment", "completion"
BASES = {
    ENROLMENT: _l("Enrolment date"),
    COMPLETION: _l("Completion date"),
}


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


def in_scope(scope: set[int] | None, beneficiary_id: int | None) -> bool:
    """Whether a record of ``beneficiary_id`` (None: of none) is in a viewer's ``scope``."""
    return scope is None or beneficiary_id is None or beneficiary_id in scope


def out_of_scope() -> NotAllowed:
    return NotAllowed(_("You may only see statistics of the beneficiary you are responsible for."))


@dataclass(frozen=True)
class Filters:
    """A report's filters: the value chosen of some dimensions (by dimension key), the period."""

    chosen: dict[str, Member] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    basis: str = ENROLMENT

    @classmethod
    def of(cls, *, start: date | None = None, end: date | None = None, basis: str = ENROLMENT,
           **keys) -> Filters:
        """Filters on values given by their SQL keys: ``Filters.of(cohort=12, gender="female")``."""
        chosen = {}
        for name, key in keys.items():
            if not DIMENSIONS[name].is_filter:
                raise ValueError(f"{name} is not a filter")
            chosen[name] = Member(key, str(key), str(key), ())
        return cls(chosen, start, end, basis)

    def key(self, dimension: str):
        """The SQL key of the value chosen of ``dimension``, or None."""
        member = self.chosen.get(dimension)
        return member.key if member else None

    @property
    def dimensions(self) -> list[Dimension]:
        return [DIMENSIONS[name] for name in self.chosen]

    @property
    def has_period(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def sensitive(self) -> bool:
        """Filtering on gender makes every figure a figure about one gender."""
        return any(dimension.sensitive for dimension in self.dimensions)

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, to link to the same report elsewhere."""
        args = {name: member.code for name, member in self.chosen.items()}
        if self.start:
            args["start"] = self.start.isoformat()
        if self.end:
            args["end"] = self.end.isoformat()
        if self.basis != ENROLMENT:
            args["basis"] = self.basis
        return args

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the head of an export or a page, in the active language."""
        rows = [(str(DIMENSIONS[name].label), member.label) for name, member in self.chosen.items()]
        if self.start or self.end:
            start = format_date(self.start) if self.start else "…"
            end = format_date(self.end) if self.end else "…"
            rows.append((_("Period"), f"{start} – {end}"))
        rows.append((_("Period by"), str(BASES[self.basis])))
        return rows


def scoped_filters(viewer: User, filters: Filters) -> tuple[Filters, set[int] | None]:
    """The filters and the scope a report runs with: a beneficiary, institution or group of
    another beneficiary than the viewer's is refused (403), never shown as an empty table."""
    scope = scope_of(viewer)
    if not all(in_scope(scope, member.beneficiary_id) for member in filters.chosen.values()):
        raise out_of_scope()
    return filters, scope
