"""A group's grades as a CSV file that Moodle's grade import (Grades › Import › CSV file) reads,
for programmes that keep Moodle as their record.

The layout is Moodle's: one header row, then one row per active member; the first column,
"Email address", is the one to map to the user's e-mail address on Moodle's import page, and
each graded item (each quiz, then each case study) is a column to map to a grade item. Grades
are plain numbers with a decimal point (quizzes in percent, case studies in points); a cell is
empty where there is no grade yet, which Moodle's import leaves alone. UTF-8, comma-separated,
no byte-order mark. Everything here reads.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.i18n import _
from lms.courses.models import Enrolment, Module
from lms.tutors.extension_points import GRADE_SOURCES
from lms.tutors.models import MEMBER_ACTIVE, Assignment, Cohort, CohortMembership, Submission


def case_study_grades(session: Session, enrolment_ids, course_id: int, language: str
                      ) -> list[tuple[str, float, dict[int, float]]]:
    """Each current case study of the course, in the order of its modules, with the points a
    tutor gave each enrolment of the SELECT."""
    assignments = list(session.scalars(
        select(Assignment).join(Module, Module.id == Assignment.module_id)
        .where(Assignment.course_id == course_id, Assignment.is_retired.is_(False))
        .order_by(Module.position, Assignment.position, Assignment.id)))
    scores: dict[int, dict[int, float]] = {}
    for assignment_id, enrolment_id, score in session.execute(
            select(Submission.assignment_id, Submission.enrolment_id, Submission.score)
            .where(Submission.assignment_id.in_([a.id for a in assignments]), Submission.score.is_not(None),
                   Submission.enrolment_id.in_(enrolment_ids))):
        scores.setdefault(assignment_id, {})[enrolment_id] = float(score)
    return [(a.title_in(language), float(a.max_points), scores.get(a.id, {})) for a in assignments]


def number(value: float) -> str:
    """85.5, 100, 7: a decimal point whatever the language, as Moodle's import reads everywhere."""
    return f"{round(value, 2):.2f}".rstrip("0").rstrip(".")


def _safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(session: Session, cohort: Cohort) -> str:
    members = select(CohortMembership.enrolment_id).where(CohortMembership.cohort_id == cohort.id,
                                                          CohortMembership.status == MEMBER_ACTIVE)
    people = session.execute(
        select(Enrolment.id, User.email, User.full_name)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.id.in_(members)).order_by(User.full_name, User.id)).all()
    columns = [column for source in GRADE_SOURCES
               for column in source.fetch(session, members, cohort.course_id, cohort.language)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # i18n: column headers of the grades file for Moodle; "Email address" is what Moodle maps users by
    header = [_("Email address"), _("Full name")]
    header += [_safe(_("{item} (out of {points})").format(item=title, points=number(highest)))
               for title, highest, _grades in columns]
    writer.writerow(header)
    for enrolment_id, email, name in people:
        row = [email, _safe(name)]
        row += [number(grades[enrolment_id]) if enrolment_id in grades else "" for _title, _highest, grades in columns]
        writer.writerow(row)
    return buffer.getvalue()


def grades_filename(cohort: Cohort) -> str:
    return f"group-{cohort.id}-grades-for-moodle.csv"
