"""The grading queue: work awaiting a tutor, from several sources, in one list.

Each source (case studies here; quiz essay answers from ``quizzes``) is a ``QueueSource``
of ``lms.tutors.extension_points``. The queue unions the sources, joins trainee and cohort once, counts for the filters in
one grouped query and reads a page in one more, so the number of queries depends on the
number of sources, never on the number of trainees or items.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.app_cache import remembered
from lms.core.i18n import _l, localized
from lms.core.pagination import Page
from lms.core.urls import path_for
from lms.courses.models import Enrolment, Module
from lms.tutors.extension_points import QUEUE_SOURCES, ItemInfo, QueueSource
from lms.tutors.models import (
    ACCEPTED,
    MEMBER_ACTIVE,
    RETURNED,
    SUBMITTED,
    Assignment,
    Cohort,
    CohortMembership,
    CohortTutor,
    Submission,
)
from lms.tutors.operations.cohorts import tutored_cohort_ids

AWAITING, RESUBMISSION, GRADED = "awaiting", "returned", "graded"
STATUSES = {
    AWAITING: _l("Awaiting review"),
    RESUBMISSION: _l("Resubmission requested"),
    GRADED: _l("Graded"),
}
ALL = "all"


def source_label(kind: str) -> str:
    return next((str(s.label) for s in QUEUE_SOURCES if s.kind == kind), kind)


def _text(value: str):
    """A typed string constant: PostgreSQL must know its type inside a UNION or CASE."""
    return cast(literal(value), String(16))


# --- the assignment source -------------------------------------------------------------

def _assignment_items(enrolment_ids: Select) -> Select:
    status = case((Submission.status == SUBMITTED, _text(AWAITING)),
                  (Submission.status == RETURNED, _text(RESUBMISSION)),
                  else_=_text(GRADED))
    return (select(Submission.id.label("item_id"), Submission.enrolment_id.label("enrolment_id"),
                   Assignment.module_id.label("module_id"), status.label("status"),
                   Submission.submitted_at.label("submitted_at"))
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .where(Submission.enrolment_id.in_(enrolment_ids),
                   Submission.status.in_((SUBMITTED, RETURNED, ACCEPTED))))


def _assignment_describe(session: Session, item_ids: list[int]) -> dict[int, ItemInfo]:
    if not item_ids:
        return {}
    rows = session.execute(select(Submission.id, Assignment.title)
                           .join(Assignment, Assignment.id == Submission.assignment_id)
                           .where(Submission.id.in_(item_ids)))
    return {item_id: ItemInfo(localized(title), path_for("grading.submission", submission_id=item_id))
            for item_id, title in rows}


ASSIGNMENT_SOURCE = QueueSource("assignment", _l("Case study"), _assignment_items, _assignment_describe)


# --- the queue -------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    kind: str
    item_id: int
    enrolment_id: int
    module_id: int | None
    status: str
    submitted_at: datetime | None
    trainee: str
    cohort_id: int
    cohort: str
    title: str = ""
    url: str = ""

    @property
    def kind_label(self) -> str:
        return source_label(self.kind)

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))


@dataclass
class QueueCounts:
    """Numbers of items per value of each filter, each counted under the other filters."""

    by_status: Counter
    by_cohort: Counter
    by_module: Counter
    by_kind: Counter
    total: int


class GradingQueue:
    """The items of the given cohorts (a SELECT of cohort ids), filtered, oldest first.

    Its statements take the filters (and a page's limit and offset) as bound parameters. A
    queue made by ``of_tutor`` or ``of_group`` names the shape of its scope, whose own value
    is bound too: its statements are then built once per application, set of sources and set
    of filters in use, and each view only binds its values (the tutor's main page)."""

    def __init__(self, cohort_ids: Select, *, cohort_id: int | None = None, module_id: int | None = None,
                 status: str | None = AWAITING, kind: str | None = None,
                 submitted_after: datetime | None = None, scope_params: dict | None = None,
                 kept_as: str | None = None):
        self.cohort_ids = cohort_ids
        self.cohort_id = cohort_id
        self.module_id = module_id
        self.status = status if status in STATUSES else None
        self.kind = kind
        self.submitted_after = submitted_after
        self._scope_params = scope_params or {}
        self._kept_as = kept_as

    @classmethod
    def of_tutor(cls, tutor: User, **filters) -> GradingQueue:
        """The queue of the groups ``tutor`` tutors."""
        return cls(select(CohortTutor.cohort_id).where(CohortTutor.user_id == bindparam("queue_tutor_id")),
                   scope_params={"queue_tutor_id": tutor.id}, kept_as="tutor", **filters)

    @classmethod
    def of_group(cls, cohort_id: int, **filters) -> GradingQueue:
        """The queue of one group."""
        return cls(select(Cohort.id).where(Cohort.id == bindparam("queue_group_id")),
                   scope_params={"queue_group_id": cohort_id}, kept_as="group", **filters)

    # Each filter: its bound parameter and the value it takes from the queue.
    _FILTERS = (("queue_cohort_id", "cohort_id"), ("queue_module_id", "module_id"), ("queue_status", "status"),
                ("queue_kind", "kind"), ("queue_submitted_after", "submitted_after"))

    def _params(self, **more) -> dict:
        params = {name: getattr(self, attribute) for name, attribute in self._FILTERS
                  if getattr(self, attribute) is not None}
        return {**self._scope_params, **params, **more}

    def _statement(self, name: str, build):
        """``build()``, kept per application when the queue's scope has a named shape: the key
        names the sources and which filters are in use, all the statement depends on."""
        if self._kept_as is None:
            return build()
        key = (self._kept_as, tuple(id(source) for source in QUEUE_SOURCES),
               tuple(getattr(self, attribute) is not None for _name, attribute in self._FILTERS))
        return remembered(f"grading_queue.{name}", key, build)

    @cached_property
    def _union(self):
        """The sources' items as one subquery, built once per queue: a page both counts and
        lists them."""
        members = select(CohortMembership.enrolment_id).where(
            CohortMembership.cohort_id.in_(self.cohort_ids), CohortMembership.status == MEMBER_ACTIVE)
        parts = [source.items(members).add_columns(_text(source.kind).label("kind"))
                 for source in QUEUE_SOURCES]
        if not parts:
            return None
        return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("queue_items")

    def _joined(self, union, *columns):
        return (select(*columns).select_from(union)
                .join(CohortMembership, CohortMembership.enrolment_id == union.c.enrolment_id)
                .join(Cohort, Cohort.id == CohortMembership.cohort_id)
                .where(CohortMembership.status == MEMBER_ACTIVE,
                       CohortMembership.cohort_id.in_(self.cohort_ids)))

    def _filtered(self, query, union, *, skip: tuple[str, ...] = ()):
        """``query`` with the filters in use, each compared with its bound parameter."""
        compared = {"cohort_id": Cohort.id, "module_id": union.c.module_id, "status": union.c.status,
                    "kind": union.c.kind}
        for name, attribute in self._FILTERS:
            if attribute in skip or getattr(self, attribute) is None:
                continue
            if attribute == "submitted_after":
                query = query.where(union.c.submitted_at > bindparam(name))
            else:
                query = query.where(compared[attribute] == bindparam(name))
        return query

    def _counts_statement(self):
        union = self._union
        if union is None:
            return None
        query = self._joined(union, Cohort.id, union.c.module_id, union.c.status, union.c.kind,
                             func.count()).group_by(Cohort.id, union.c.module_id, union.c.status, union.c.kind)
        # Every filter but the date is applied below, per value: each is counted under the others.
        return self._filtered(query, union, skip=("cohort_id", "module_id", "status", "kind"))

    def counts(self, session: Session) -> QueueCounts:
        query = self._statement("counts", self._counts_statement)
        counts = QueueCounts(Counter(), Counter(), Counter(), Counter(), 0)
        if query is None:
            return counts
        for cohort_id, module_id, status, kind, number in session.execute(query, self._params()):
            match = {"cohort": self.cohort_id in (None, cohort_id), "module": self.module_id in (None, module_id),
                     "status": self.status in (None, status), "kind": self.kind in (None, kind)}
            if all(v for k, v in match.items() if k != "status"):
                counts.by_status[status] += number
            if all(v for k, v in match.items() if k != "cohort"):
                counts.by_cohort[cohort_id] += number
            if all(v for k, v in match.items() if k != "module"):
                counts.by_module[module_id] += number
            if all(v for k, v in match.items() if k != "kind"):
                counts.by_kind[kind] += number
            if all(match.values()):
                counts.total += number
        return counts

    def _page_statement(self):
        union = self._union
        if union is None:
            return None
        query = (self._joined(union, union.c.kind, union.c.item_id, union.c.enrolment_id, union.c.module_id,
                              union.c.status, union.c.submitted_at, User.full_name, Cohort.id, Cohort.name)
                 .join(Enrolment, Enrolment.id == union.c.enrolment_id)
                 .join(User, User.id == Enrolment.user_id))
        return (self._filtered(query, union)
                .order_by(union.c.submitted_at.asc().nulls_last(), union.c.kind, union.c.item_id)
                .limit(bindparam("queue_limit", type_=Integer)).offset(bindparam("queue_offset", type_=Integer)))

    def page(self, session: Session, *, page: int = 1, per_page: int = 50,
             total: int | None = None) -> Page:
        query = self._statement("page", self._page_statement)
        if query is None:
            return Page([], 1, per_page, 0)
        if total is None:
            total = self.counts(session).total
        page = max(1, min(page, max(1, math.ceil(total / per_page))))
        params = self._params(queue_limit=per_page, queue_offset=(page - 1) * per_page)
        items = [QueueItem(*row) for row in session.execute(query, params)]
        by_kind: dict[str, list[int]] = {}
        for item in items:
            by_kind.setdefault(item.kind, []).append(item.item_id)
        info: dict[tuple[str, int], ItemInfo] = {}
        for source in QUEUE_SOURCES:
            if source.kind in by_kind:
                for item_id, described in source.describe(session, by_kind[source.kind]).items():
                    info[(source.kind, item_id)] = described
        described_items = []
        for item in items:
            found = info.get((item.kind, item.item_id))
            described_items.append(replace(item, title=found.title, url=found.url) if found else item)
        return Page(described_items, page, per_page, total)

    def _awaiting_statement(self):
        union = self._union
        if union is None:
            return None
        query = (self._joined(union, union.c.enrolment_id, func.count())
                 .where(union.c.status == AWAITING).group_by(union.c.enrolment_id))
        return self._filtered(query, union, skip=("status",))

    def awaiting_by_enrolment(self, session: Session) -> Counter:
        """How many items await review per trainee (a progress table's flag)."""
        query = self._statement("awaiting", self._awaiting_statement)
        return Counter() if query is None else Counter(dict(session.execute(query, self._params()).all()))


def awaiting_in_group(session: Session, cohort_id: int) -> Counter:
    """How many items await review per trainee of one group (its progress table's flag)."""
    return GradingQueue.of_group(cohort_id).awaiting_by_enrolment(session)


# --- a tutor's queue, as both doors show it --------------------------------------------

@dataclass(frozen=True)
class QueueView:
    """One page of a tutor's grading queue, with the counts of its filters."""

    page: Page
    counts: QueueCounts


def tutor_queue(session: Session, tutor: User, *, cohort_id: int | None = None, module_id: int | None = None,
                status: str = AWAITING, page: int = 1, per_page: int = 50) -> QueueView:
    """The work in the groups ``tutor`` tutors, filtered (``status`` may be ``ALL``), oldest first."""
    queue = GradingQueue.of_tutor(tutor, cohort_id=cohort_id, module_id=module_id,
                                  status=None if status == ALL else status)
    counts = queue.counts(session)
    return QueueView(queue.page(session, page=page, per_page=per_page, total=counts.total), counts)


def awaiting_count(session: Session, tutor: User) -> int:
    """How much work awaits ``tutor`` (the dashboard says it)."""
    return GradingQueue.of_tutor(tutor, status=AWAITING).counts(session).total


def filter_choices(session: Session, tutor: User) -> tuple[list, list]:
    """The groups ``tutor`` tutors (id, name) and the modules of their courses (id, title, position)."""
    scope = tutored_cohort_ids(tutor)
    cohorts = session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(scope))
                              .order_by(Cohort.name)).all()
    modules = session.execute(
        select(Module.id, Module.title, Module.position)
        .where(Module.course_id.in_(select(Cohort.course_id).where(Cohort.id.in_(scope))),
               Module.is_retired.is_(False)).order_by(Module.course_id, Module.position)).all()
    return cohorts, modules
