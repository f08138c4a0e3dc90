"""The cohort table: each trainee's progress per module, last activity and flags, and its CSV.

Other features add per-module columns (a quiz result, say) to ``MODULE_RESULT_COLUMNS``
(``lms.tutors.extension_points``); each ``fetch`` answers for all the cohort's enrolments at once.
The table takes a fixed number of queries whatever the number of trainees.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, format_datetime, format_number
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lms.accounts.models import Institution, User, institution_name
from lms.core.i18n import _, _l
from lms.core.models import utcnow
from lms.courses.models import Enrolment, Lesson, LessonCompletion
from lms.courses.operations import OutlineModule, outline_of
from lms.tutors.extension_points import MODULE_RESULT_COLUMNS, ModuleResultColumn
from lms.tutors.models import (
    ACCEPTED,
    DRAFT,
    MEMBER_ACTIVE,
    RETURNED,
    SUBMITTED,
    Assignment,
    Cohort,
    CohortMembership,
    Submission,
)
from lms.tutors.operations.grading_queue import awaiting_in_group

NOT_STARTED = "not_started"
ASSIGNMENT_STATUSES = {
    NOT_STARTED: _l("Not started"),
    DRAFT: _l("Draft"),
    SUBMITTED: _l("Awaiting review"),
    RETURNED: _l("Resubmission requested"),
    ACCEPTED: _l("Accepted"),
}


@dataclass
class ModuleCell:
    module_slug: str
    lessons_done: int
    lessons_total: int
    results: dict[str, str] = field(default_factory=dict)
    assignment_status: str | None = None  # None: the module has no assignment
    score: int | None = None
    max_score: int | None = None
    submission_id: int | None = None

    @property
    def assignment_label(self) -> str:
        return str(ASSIGNMENT_STATUSES.get(self.assignment_status, "")) if self.assignment_status else ""


@dataclass
class TraineeRow:
    membership_id: int
    enrolment_id: int
    user_id: int
    name: str
    email: str
    institution: str
    status: str
    percent: int
    completed_at: datetime | None
    last_activity_at: datetime | None
    behind: bool
    awaiting: int
    cells: dict[int, ModuleCell]

    @property
    def is_active(self) -> bool:
        return self.status == MEMBER_ACTIVE

    @property
    def module_cells(self) -> list[ModuleCell]:
        """The cells in the order of the course's modules."""
        return list(self.cells.values())


@dataclass
class CohortTable:
    cohort: Cohort
    modules: list[OutlineModule]
    assignment_modules: set[int]
    result_columns: list[ModuleResultColumn]
    rows: list[TraineeRow]
    behind_days: int


def _members(cohort_id):
    """A SELECT of the enrolments of a group's members (every membership status); the group's
    id a value or a bound parameter."""
    return select(CohortMembership.enrolment_id).where(CohortMembership.cohort_id == cohort_id)


@functools.cache
def _table_statements():
    """The table's members, their lessons done per module, the course's case studies and the
    members' submissions: built once per process, the group and its course bound at each call."""
    members = _members(bindparam("table_cohort_id"))
    people = (select(CohortMembership.id, CohortMembership.status, CohortMembership.joined_at, Enrolment.id,
                     Enrolment.progress_percent, Enrolment.completed_at, Enrolment.last_activity_at,
                     User.id, User.full_name, User.email, Institution.name, Institution.names)
              .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
              .join(User, User.id == Enrolment.user_id)
              .outerjoin(Institution, Institution.id == User.institution_id)
              .where(CohortMembership.cohort_id == bindparam("table_cohort_id"))
              .order_by(CohortMembership.status, User.full_name, User.id))
    lessons_done = (select(LessonCompletion.enrolment_id, Lesson.module_id, func.count())
                    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
                    .where(LessonCompletion.enrolment_id.in_(members), Lesson.is_retired.is_(False))
                    .group_by(LessonCompletion.enrolment_id, Lesson.module_id))
    assignments = select(Assignment.id, Assignment.module_id).where(
        Assignment.course_id == bindparam("table_course_id"), Assignment.is_retired.is_(False))
    submissions = (select(Submission.enrolment_id, Submission.assignment_id, Submission.status,
                          Submission.score, Submission.max_score, Submission.id)
                   .where(Submission.enrolment_id.in_(members)))
    return people, lessons_done, assignments, submissions


def cohort_table(session: Session, cohort: Cohort, *, now: datetime | None = None) -> CohortTable:
    now = now or utcnow()
    behind_days = int(current_app.config["LMS_BEHIND_SCHEDULE_DAYS"])
    # The group's members are shown their own beneficiary's national annex only: so is the table.
    outline = outline_of(session, cohort.course).limited_to(frozenset({cohort.beneficiary.code}))
    modules = list(outline.modules)
    people_of, lessons_done_of, assignments_of, submissions_of = _table_statements()
    params = {"table_cohort_id": cohort.id, "table_course_id": cohort.course_id}
    people = session.execute(people_of, params).all()
    lessons_done: dict[tuple[int, int], int] = {
        (enrolment_id, module_id): count for enrolment_id, module_id, count in session.execute(lessons_done_of, params)}
    assignment_modules = {module_id: assignment_id
                          for assignment_id, module_id in session.execute(assignments_of, params)}
    submissions = {(enrolment_id, assignment_id): (status, score, max_score, submission_id)
                   for enrolment_id, assignment_id, status, score, max_score, submission_id
                   in session.execute(submissions_of, params)}
    # Other features' columns (quiz results) read the members through a SELECT of their own.
    members = _members(cohort.id)
    results = {column.key: column.fetch(session, members, cohort.course_id) for column in MODULE_RESULT_COLUMNS}
    awaiting = awaiting_in_group(session, cohort.id)

    rows = []
    for (membership_id, status, joined_at, enrolment_id, percent, completed_at, last_activity, user_id, name,
         email, institution, institution_names) in people:
        cells = {}
        for module in modules:
            cell = ModuleCell(module.slug, lessons_done.get((enrolment_id, module.id), 0), len(module.lessons))
            for key, values in results.items():
                if (enrolment_id, module.id) in values:
                    cell.results[key] = values[(enrolment_id, module.id)]
            assignment_id = assignment_modules.get(module.id)
            if assignment_id is not None:
                found = submissions.get((enrolment_id, assignment_id))
                if found is None:
                    cell.assignment_status = NOT_STARTED
                else:
                    cell.assignment_status, cell.score, cell.max_score, cell.submission_id = found
            cells[module.id] = cell
        since = last_activity or joined_at
        behind = (status == MEMBER_ACTIVE and completed_at is None and now.date() >= cohort.starts_on
                  and since is not None and now - since > timedelta(days=behind_days))
        institution = institution_name(institution, institution_names) if institution else ""
        rows.append(TraineeRow(membership_id, enrolment_id, user_id, name, email, institution, status,
                               percent, completed_at, last_activity, behind, awaiting.get(enrolment_id, 0),
                               cells))
    return CohortTable(cohort, modules, set(assignment_modules), list(MODULE_RESULT_COLUMNS), rows, behind_days)


def _safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(table: CohortTable) -> str:
    """The cohort table as CSV (UTF-8 with a byte-order mark, so spreadsheets read č, ć, ë)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # i18n: "Membership": column of the export saying whether the trainee is still in the group
    header = [_("Name"), _("E-mail address"), _("Institution"), _("Membership"), _("Progress (%)"),
              _("Completed on"), _("Last activity"), _("Behind schedule"), _("Awaiting review")]
    for number, module in enumerate(table.modules, start=1):
        prefix = _("Module {number}").format(number=format_number(number))
        header.append(_("{module}: lessons done").format(module=prefix))
        for column in table.result_columns:
            header.append(f"{prefix}: {column.label}")
        if module.id in table.assignment_modules:
            header.append(_("{module}: case study").format(module=prefix))
            header.append(_("{module}: case study score").format(module=prefix))
    writer.writerow(header)
    # i18n: cells of the "Behind schedule" column of the export
    yes, no = _("yes"), _("no")
    for row in table.rows:
        line = [row.name, row.email, row.institution,
                _("active") if row.is_active else _("withdrawn"), format_number(row.percent),
                format_date(row.completed_at) if row.completed_at else "",
                format_datetime(row.last_activity_at) if row.last_activity_at else "",
                yes if row.behind else no, format_number(row.awaiting)]
        for module in table.modules:
            cell = row.cells[module.id]
            line.append(f"{format_number(cell.lessons_done)}/{format_number(cell.lessons_total)}")
            for column in table.result_columns:
                line.append(cell.results.get(column.key, ""))
            if module.id in table.assignment_modules:
                line.append(cell.assignment_label)
                line.append(f"{format_number(cell.score)}/{format_number(cell.max_score)}"
                            if cell.score is not None else "")
        writer.writerow([_safe(value) for value in line])
    return "\ufeff" + buffer.getvalue()
