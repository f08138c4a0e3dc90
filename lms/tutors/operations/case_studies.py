"""Reading a case study: finding it, who may read it, and in which language.

Both doors ask ``read_case_study`` (one case study) or ``course_case_studies`` (a course's):
a trainee of the course reads its case studies in their group's language; a trainee who has
been withdrawn still reads the ones they worked on; staff who may preview the course read
them all; anyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _, current_language, first_available
from lms.courses.annexes import hidden_modules
from lms.courses.models import Course, Enrolment
from lms.courses.operations import enrolment_of
from lms.tutors.models import Assignment, Submission


@dataclass(frozen=True)
class CaseStudyReading:
    """A case study as one reader reads it: their enrolment (None for a staff preview), their
    work on it, and the language its scenario is shown in."""

    assignment: Assignment
    enrolment: Enrolment | None
    submission: Submission | None
    language: str

    @property
    def scenario_html(self) -> str:
        return (self.assignment.scenario_html or {}).get(self.language, "")

    @property
    def is_preview(self) -> bool:
        return self.enrolment is None

    @property
    def editable(self) -> bool:
        """The reader may work on it now: an active trainee, and the work is not submitted or accepted."""
        return (self.enrolment is not None and self.enrolment.is_active
                and (self.submission is None or self.submission.is_editable))


# --- lookups ---------------------------------------------------------------------------

def assignment_by_slugs(session: Session, course_slug: str, assignment_slug: str) -> Assignment:
    assignment = session.scalar(
        select(Assignment).join(Course, Course.id == Assignment.course_id)
        .where(Course.slug == course_slug, Assignment.slug == assignment_slug,
               Assignment.is_retired.is_(False)))
    if assignment is None:
        raise NotFound()
    return assignment


def assignment_by_id(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.is_retired:
        raise NotFound()
    return assignment


def course_by_slug(session: Session, slug: str) -> Course:
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    return course


def submission_of(session: Session, enrolment_id: int, assignment_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(
        Submission.enrolment_id == enrolment_id, Submission.assignment_id == assignment_id))


# --- who reads, in which language --------------------------------------------------------

def scenario_language(assignment: Assignment, group_language: str | None, asked: str | None = None) -> str:
    """The language the reader asked for, if the case study has it; else the group's (the course
    runs in it), else the reader's, else the course's default."""
    scenarios = assignment.scenario_html or {}
    found = first_available(scenarios, asked, group_language, current_language())
    if found is None and assignment.course.default_language in scenarios:
        found = assignment.course.default_language
    return found or next(iter(scenarios or {"en": ""}))


def _refused() -> NotAllowed:
    return NotAllowed(_("Case studies are for the members of a tutored group of this course."))


def _as_trainee(assignment: Assignment, enrolment: Enrolment | None, submission: Submission | None,
                asked: str | None) -> CaseStudyReading | None:
    """An active trainee reads every case study; a withdrawn one reads (without changing it) the
    work they did."""
    if enrolment is None or not (enrolment.is_active or submission is not None):
        return None
    return CaseStudyReading(assignment, enrolment, submission,
                            scenario_language(assignment, enrolment.content_language, asked))


def _as_preview(assignment: Assignment, asked: str | None) -> CaseStudyReading:
    return CaseStudyReading(assignment, None, None, scenario_language(assignment, None, asked))


def read_case_study(session: Session, reader: User, assignment: Assignment, *,
                    language: str | None = None) -> CaseStudyReading:
    """The case study as ``reader`` may read it (``language``: one they asked for); refused otherwise."""
    enrolment = enrolment_of(session, reader, assignment.course_id)
    submission = submission_of(session, enrolment.id, assignment.id) if enrolment is not None else None
    if enrolment is not None and assignment.module_id in hidden_modules(session, enrolment):
        # Another beneficiary's national annex: not there for this trainee (staff preview it).
        if assignment.course.can_be_previewed_by(reader):
            return _as_preview(assignment, language)
        raise NotFound()
    reading = _as_trainee(assignment, enrolment, submission, language)
    if reading is not None:
        return reading
    if assignment.course.can_be_previewed_by(reader):
        return _as_preview(assignment, language)
    raise _refused()


def course_case_studies(session: Session, reader: User, course: Course) -> list[CaseStudyReading]:
    """The case studies of ``course`` that ``reader`` may read (``read_case_study``), in course order."""
    enrolment = enrolment_of(session, reader, course.id)
    may_preview = (enrolment is None or not enrolment.is_active) and course.can_be_previewed_by(reader)
    if enrolment is None and not may_preview:
        raise _refused()
    submissions = {s.assignment_id: s for s in session.scalars(select(Submission).where(
        Submission.enrolment_id == enrolment.id))} if enrolment is not None else {}
    hidden = hidden_modules(session, enrolment) if enrolment is not None and not may_preview else {}
    readings = []
    for assignment in session.scalars(select(Assignment).where(
            Assignment.course_id == course.id, Assignment.is_retired.is_(False)).order_by(Assignment.position)):
        if assignment.module_id in hidden:
            continue  # another beneficiary's national annex
        reading = _as_trainee(assignment, enrolment, submissions.get(assignment.id), None)
        if reading is None and may_preview:
            reading = _as_preview(assignment, None)
        if reading is not None:
            readings.append(reading)
    return readings
