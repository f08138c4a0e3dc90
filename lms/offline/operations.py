"""Lessons marked done on a phone without a connection, recorded once it is back.

The phone keeps each "Mark as done" it could not send, with the time the trainee pressed it,
and sends them together (``sync_lesson_completions``). Sending the same ones twice, or a
lesson done online meanwhile, changes nothing more: a lesson counts once per enrolment (the
unique ``lesson_completion`` row). Conflicts go the trainee's way: done stays done, and the
completion time is the earlier of the two. A time in the future beyond a few minutes of clock
drift is refused; one before the enrolment is taken as the enrolment's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.annexes import hidden_modules
from lms.courses.completion import EnrolmentProgress, evaluate_completion, progress_of, record_event
from lms.courses.models import Enrolment, Lesson, LessonCompletion
from lms.courses.operations import LESSON_COMPLETED

MAX_ACTIONS = 200                      # one phone's backlog: far more than a module's lessons
CLOCK_DRIFT = timedelta(minutes=5)     # a phone's clock may run a little ahead of the server's
RECORDED = "recorded"                  # the lesson was not done before: it counts now
ALREADY_DONE = "already_done"          # it was done already (online, or sent before): counted once


@dataclass(frozen=True)
class OfflineCompletion:
    """One "Mark as done" the phone kept: which lesson, and when the trainee pressed it."""

    lesson_id: int
    done_at: datetime


@dataclass(frozen=True)
class SyncedLesson:
    lesson_id: int
    status: str
    completed_at: datetime


@dataclass(frozen=True)
class SyncResult:
    """What the server made of a phone's backlog, and the enrolment's progress after it."""

    lessons: list[SyncedLesson]
    standing: EnrolmentProgress


def own_enrolment(session: Session, user: User, enrolment_id: int) -> Enrolment:
    """The trainee's own enrolment; another's is not there for them (NotFound)."""
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or not user.is_authenticated or enrolment.user_id != user.id:
        raise NotFound()
    return enrolment


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _when(item: OfflineCompletion, index: int, enrolment: Enrolment, now: datetime) -> datetime:
    done_at = _aware(item.done_at)
    if done_at > now + CLOCK_DRIFT:
        raise ValidationFailed(_("This time is in the future: check the date and time of the device."),
                               field=f"completions.{index}.done_at")
    enrolled_at = _aware(enrolment.enrolled_at)
    return min(max(done_at, enrolled_at), now)


def _lessons(session: Session, enrolment: Enrolment, items: list[OfflineCompletion]) -> dict[int, Lesson]:
    """The lessons named, each checked to be one of the course's lessons shown to this trainee."""
    ids = {item.lesson_id for item in items}
    found = {lesson.id: lesson for lesson in session.scalars(select(Lesson).where(Lesson.id.in_(ids)))}
    hidden = hidden_modules(session, enrolment)
    for index, item in enumerate(items):
        lesson = found.get(item.lesson_id)
        if (lesson is None or lesson.course_id != enrolment.course_id or lesson.is_retired
                or lesson.module_id in hidden):
            raise ValidationFailed(_("There is no such lesson in this course."), field=f"completions.{index}.lesson")
    return found


def sync_lesson_completions(session: Session, user: User, enrolment: Enrolment,
                            items: list[OfflineCompletion]) -> SyncResult:
    """Record the lessons a trainee marked done offline (idempotent); see the module's notes."""
    if enrolment.user_id != user.id:
        raise NotFound()
    if not enrolment.is_active:
        raise NotAllowed(_("Enrol in the course to record your progress."))
    if not items:
        raise ValidationFailed(_("Send at least one lesson."), field="completions")
    if len(items) > MAX_ACTIONS:
        raise ValidationFailed(_("Send at most {count} lessons at a time.").format(count=MAX_ACTIONS),
                               field="completions")
    now = utcnow()
    earliest: dict[int, datetime] = {}
    for index, item in enumerate(items):
        when = _when(item, index, enrolment, now)
        earliest[item.lesson_id] = min(when, earliest.get(item.lesson_id, when))
    _lessons(session, enrolment, items)
    existing = {row.lesson_id: row for row in session.scalars(select(LessonCompletion).where(
        LessonCompletion.enrolment_id == enrolment.id, LessonCompletion.lesson_id.in_(list(earliest))))}
    synced: list[SyncedLesson] = []
    for lesson_id, when in sorted(earliest.items(), key=lambda pair: (pair[1], pair[0])):
        row = existing.get(lesson_id)
        status = ALREADY_DONE
        if row is None:
            row, created = _record(session, enrolment, lesson_id, when)
            status = RECORDED if created else ALREADY_DONE
        if when < _aware(row.completed_at):
            row.completed_at = when      # done earlier offline: the trainee's earlier time stands
        if status == RECORDED:
            record_event(session, enrolment, LESSON_COMPLETED, lesson_id, evaluate=False)
        synced.append(SyncedLesson(lesson_id, status, _aware(row.completed_at)))
    if any(item.status == RECORDED for item in synced):
        enrolment.last_lesson_id = synced[-1].lesson_id
    session.flush()
    evaluate_completion(session, enrolment)
    return SyncResult(synced, EnrolmentProgress(enrolment, progress_of(session, enrolment, with_labels=True)))


def _record(session: Session, enrolment: Enrolment, lesson_id: int,
            when: datetime) -> tuple[LessonCompletion, bool]:
    """A new completion row (True), or the one a concurrent request recorded first (False)."""
    try:
        with session.begin_nested():
            row = LessonCompletion(enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=when)
            session.add(row)
        return row, True
    except IntegrityError:
        return session.scalars(select(LessonCompletion).where(
            LessonCompletion.enrolment_id == enrolment.id, LessonCompletion.lesson_id == lesson_id)).one(), False
