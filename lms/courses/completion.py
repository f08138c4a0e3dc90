"""Completion requirements, evaluated on every progress event, and completion recorded once.

``courses`` knows one kind of requirement, "read every lesson", which ``progress_of``
counts itself. ``quizzes`` adds "quiz passed" and ``tutors`` "assignment accepted" to
``COMPLETION_KINDS``; each such kind answers, for one enrolment, which of its
requirements are met. Completion is decided inside the event's transaction, never by a
periodic job, and recorded exactly once (automatically, or by a manager by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.core import audit
from lms.core.app_cache import kept_per_content
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.unit_of_work import flush_pending, read_once_per_request
from lms.courses.annexes import hidden_modules, modules_in_use
from lms.courses.extension_points import COMPLETION_KINDS, COURSE_COMPLETED
from lms.courses.models import (
    ACTIVE,
    CompletionRequirement,
    Course,
    Enrolment,
    LessonCompletion,
    ProgressEvent,
)

# The requirement kind ``courses`` itself knows: every lesson read (course.yaml ``lessons: all``).
LESSONS = "lessons"


@dataclass(frozen=True)
class Requirement:
    """A course's completion requirement (a ``CompletionRequirement`` row), as its content set it."""

    id: int
    course_id: int
    kind: str
    ref: str
    position: int


@dataclass(frozen=True)
class RequirementKind:
    """A kind of completion requirement another feature adds to ``COMPLETION_KINDS``."""

    name: str
    # (session, enrolment, requirements of this kind) -> ids of the requirements met
    met: Callable[[Session, Enrolment, list[Requirement]], set[int]]
    # (session, requirements of this kind, language) -> {requirement id: label}
    labels: Callable[[Session, list[Requirement], str | None], dict[int, str]]
    # (session, requirements of this kind) -> {requirement id: url}; optional
    links: Callable[[Session, list[Requirement]], dict[int, str]] | None = None
    # (session, requirements of this kind) -> {requirement id: slug of its module}, for those
    # that belong to a module (a module's quiz, a case study); optional. A requirement of a module
    # the trainee is not shown (another beneficiary's annex) does not count for them.
    modules: Callable[[Session, list[Requirement]], dict[int, str]] | None = None


@dataclass
class RequirementStatus:
    requirement: Requirement
    met: bool
    label: str
    url: str | None = None


@dataclass
class Progress:
    lessons_done: int
    lessons_total: int
    completed_lesson_ids: set[int]
    requirements: list[RequirementStatus] = field(default_factory=list)

    @property
    def items_total(self) -> int:
        counted = self.lessons_total if self._counts_lessons else 0
        return counted + sum(1 for r in self.requirements if r.requirement.kind != LESSONS)

    @property
    def items_done(self) -> int:
        counted = self.lessons_done if self._counts_lessons else 0
        return counted + sum(1 for r in self.requirements if r.requirement.kind != LESSONS and r.met)

    @property
    def _counts_lessons(self) -> bool:
        return any(r.requirement.kind == LESSONS for r in self.requirements)

    @property
    def percent(self) -> int:
        total = self.items_total
        return int(100 * self.items_done // total) if total else 0

    @property
    def all_met(self) -> bool:
        return bool(self.requirements) and all(r.met for r in self.requirements)


@dataclass(frozen=True)
class EnrolmentProgress:
    """An enrolment's progress as both doors show it (the course page and the API)."""

    enrolment: Enrolment
    progress: Progress

    @property
    def percent(self) -> int:
        """As it stood when the course was completed, else as the requirements stand now."""
        enrolment = self.enrolment
        return enrolment.progress_percent if enrolment.is_completed else self.progress.percent

    @property
    def completed_lessons(self) -> list[int]:
        return sorted(self.progress.completed_lesson_ids)


def requirements_of(session: Session, course: Course) -> tuple[Requirement, ...]:
    """The course's completion requirements in order. Only an import writes them, and it gives
    the course a new content hash: read once per process and content."""
    def read() -> tuple[Requirement, ...]:
        return tuple(Requirement(*row) for row in session.execute(
            select(CompletionRequirement.id, CompletionRequirement.course_id, CompletionRequirement.kind,
                   CompletionRequirement.ref, CompletionRequirement.position)
            .where(CompletionRequirement.course_id == course.id)
            .order_by(CompletionRequirement.position, CompletionRequirement.id)))

    return kept_per_content("courses.requirements", course, read)


# Run on every page with a course's progress or learning path: built once, run on the connection.
_LESSONS_DONE = select(LessonCompletion.lesson_id).where(LessonCompletion.enrolment_id == bindparam("enrolment_id"))


def lessons_done(session: Session, enrolment_id: int, *, known: frozenset[int] | None = None) -> frozenset[int]:
    """The lessons an enrolment has marked done, retired ones included (what the request
    changed included); read once per GET, which changes nothing. ``known``: what a statement of
    the request has just read them to be (the rest of a GET then asks no more)."""
    def read() -> frozenset[int]:
        if known is not None:
            return known
        flush_pending(session)
        return frozenset(session.connection().execute(_LESSONS_DONE, {"enrolment_id": enrolment_id}).scalars())

    return read_once_per_request("courses.lessons_done", enrolment_id, read)


def progress_of(session: Session, enrolment: Enrolment, *, language: str | None = None,
                with_labels: bool = False) -> Progress:
    course = enrolment.course
    hidden = hidden_modules(session, enrolment)
    shown = frozenset().union(*(module.lesson_ids for module in modules_in_use(session, course)
                                if module.id not in hidden))
    completed = set(lessons_done(session, enrolment.id) & shown)
    total = len(shown)
    progress = Progress(lessons_done=len(completed), lessons_total=total, completed_lesson_ids=completed)
    by_kind: dict[str, list[Requirement]] = {}
    for requirement in requirements_of(session, course):
        by_kind.setdefault(requirement.kind, []).append(requirement)
    statuses: dict[int, RequirementStatus] = {}
    for kind_name, requirements in by_kind.items():
        if kind_name == LESSONS:  # every lesson the trainee is shown is done: counted above
            met = {r.id for r in requirements} if total and len(completed) >= total else set()
            labels = {r.id: _("Read every lesson") for r in requirements} if with_labels else {}
            links = {}
        else:
            kind = COMPLETION_KINDS.get(kind_name)
            if kind and kind.modules and hidden:
                of_module = kind.modules(session, requirements)
                requirements = [r for r in requirements if of_module.get(r.id) not in hidden.values()]
            met = kind.met(session, enrolment, requirements) if kind else set()
            labels = kind.labels(session, requirements, language) if (kind and with_labels) else {}
            links = kind.links(session, requirements) if (kind and kind.links and with_labels) else {}
        for requirement in requirements:
            statuses[requirement.id] = RequirementStatus(
                requirement, requirement.id in met, labels.get(requirement.id, requirement.kind),
                links.get(requirement.id))
    progress.requirements = [statuses[r.id] for r in sorted(
        (s.requirement for s in statuses.values()), key=lambda r: r.position)]
    return progress


def record_event(session: Session, enrolment: Enrolment, kind: str, subject_id: int | None = None,
                 *, evaluate: bool = True) -> Progress | None:
    """Log what the trainee did and re-evaluate completion in the same transaction."""
    now = utcnow()
    session.add(ProgressEvent(enrolment_id=enrolment.id, kind=kind, subject_id=subject_id, occurred_at=now))
    enrolment.last_activity_at = now
    return evaluate_completion(session, enrolment) if evaluate else None


def evaluate_completion(session: Session, enrolment: Enrolment) -> Progress:
    progress = progress_of(session, enrolment)
    if enrolment.completed_at is None:
        enrolment.progress_percent = progress.percent
        if progress.all_met and enrolment.status == ACTIVE:
            complete_enrolment(session, enrolment, source="automatic")
    return progress


def complete_enrolment(session: Session, enrolment: Enrolment, *, source: str) -> bool:
    """Record completion once; return True if this call completed it.

    A conditional UPDATE decides the winner when several events race: under
    PostgreSQL the loser waits for the winner's commit, then matches no row.
    """
    session.flush()
    course_version = session.scalar(select(Course.version).where(Course.id == enrolment.course_id))
    now = utcnow()
    result = session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=now, completed_version=course_version,
                completion_source=source, progress_percent=100)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(enrolment)
        return False
    for name, value in (("completed_at", now), ("completed_version", course_version),
                        ("completion_source", source), ("progress_percent", 100)):
        set_committed_value(enrolment, name, value)
    COURSE_COMPLETED.send(session, enrolment)
    return True


MAX_REASON_LENGTH = 2000


def enrolment_to_complete(session: Session, actor, enrolment_id: int) -> Enrolment:
    """The enrolment ``actor`` may mark as completed by hand; NotFound for any other."""
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or not enrolment.can_be_completed_manually_by(actor):
        raise NotFound()
    return enrolment


def complete_manually(session: Session, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Record a completion achieved outside the platform (e.g. offline), with its reason; logged.

    It goes through ``complete_enrolment`` like any other completion, so whatever listens
    to ``COURSE_COMPLETED`` (a certificate) happens in this same transaction.
    """
    if not enrolment.can_be_completed_manually_by(actor):
        raise NotAllowed()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why you mark this course as completed."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(_("Keep the reason under {count} characters.").format(count=MAX_REASON_LENGTH),
                               field="reason")
    if enrolment.status != ACTIVE:
        raise ValidationFailed(_("This trainee has been withdrawn from the course. Re-admit them first."))
    if enrolment.completed_at is not None or not complete_enrolment(session, enrolment, source="manual"):
        raise Conflict(_("This enrolment is already completed."))
    audit.record(session, actor_id=actor.id, action="enrolment.completed_manually",
                 subject_type="enrolment", subject_id=enrolment.id,
                 before={"completed_at": None},
                 after={"completed_at": enrolment.completed_at.isoformat(),
                        "completed_version": enrolment.completed_version, "source": "manual"},
                 reason=reason)
    session.flush()
    return enrolment
