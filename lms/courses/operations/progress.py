"""A trainee's progress: lessons marked done, progress as both doors show it, where to continue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.annexes import hidden_modules
from lms.courses.completion import EnrolmentProgress, Progress, progress_of, record_event
from lms.courses.models import Course, Enrolment, Lesson, LessonCompletion
from lms.courses.operations.lookups import enrolment_of

LESSON_COMPLETED = "lesson_completed"


def complete_lesson(session: Session, user: User, lesson: Lesson) -> tuple[Enrolment, Progress]:
    """Mark a lesson done for the trainee (idempotent) and re-evaluate completion."""
    if lesson.is_retired:
        raise NotFound()
    course = session.get(Course, lesson.course_id)
    enrolment = enrolment_of(session, user, course.id)
    if enrolment is None or not enrolment.is_active:
        raise NotAllowed(_("Enrol in the course to record your progress."))
    if lesson.module_id in hidden_modules(session, enrolment):
        raise NotFound()  # another beneficiary's annex: not there for this trainee
    exists = session.scalar(select(LessonCompletion.id).where(
        LessonCompletion.enrolment_id == enrolment.id, LessonCompletion.lesson_id == lesson.id))
    if exists is None:
        try:
            with session.begin_nested():
                session.add(LessonCompletion(enrolment_id=enrolment.id, lesson_id=lesson.id,
                                             completed_at=utcnow()))
        except IntegrityError:
            pass  # a concurrent request recorded it first
    enrolment.last_lesson_id = lesson.id
    progress = record_event(session, enrolment, LESSON_COMPLETED, lesson.id)
    return enrolment, progress


def progress_for(session: Session, viewer: User, enrolment: Enrolment, *,
                 language: str | None = None) -> EnrolmentProgress:
    """An enrolment's progress, for the trainee or whoever may follow them; NotFound otherwise."""
    if not enrolment.can_be_read_by(viewer):
        raise NotFound()
    return EnrolmentProgress(enrolment, progress_of(session, enrolment, language=language, with_labels=True))
