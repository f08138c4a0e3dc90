"""The learning path: every step a course asks of a trainee, in course order.

A module's lessons come first, then what other features add to the module (its quiz from
``quizzes``, its case study from ``tutors``, through ``LEARNING_STEPS``), module after module;
steps of no module (a final assessment) come last, except those marked ``first`` (a pre-test),
which come before the first module. ``next_step`` is the one answer to "where do
I go on from here" for the course page, the dashboard, "Mark as done and continue" and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from sqlalchemy.orm import Session

from lms.core.app_cache import remembered
from lms.core.errors import NotFound
from lms.core.unit_of_work import flush_pending
from lms.core.web import fixed_url
from lms.courses.completion import lessons_done
from lms.courses.extension_points import LEARNING_STEPS
from lms.courses.models import Course, Enrolment
from lms.courses.operations.annexes import outline_for
from lms.courses.operations.outlines import outline_of

LESSON = "lesson"


@dataclass(frozen=True)
class Step:
    """One thing to do: a lesson to read, a quiz to pass, a case study to have accepted."""

    kind: str  # "lesson", "quiz", "case_study"
    id: int  # the lesson's, quiz's or case study's own id
    module_id: int | None  # None: after the last module (a final assessment)
    title: dict  # {language: text}
    url: str | None  # None outside a request
    done: bool = False  # completed: read, passed, accepted
    waiting: bool = False  # not done, but nothing for the trainee to do now (awaiting a tutor)
    position: int = 0  # order among the steps another feature adds to the same module
    first: bool = False  # of no module, and before the first one (a pre-test)

    @property
    def settled(self) -> bool:
        """Nothing left for the trainee to do here for now."""
        return self.done or self.waiting


@dataclass(frozen=True)
class LearningPath:
    steps: tuple[Step, ...]

    def index_of(self, kind: str, step_id: int) -> int | None:
        return next((i for i, step in enumerate(self.steps) if step.kind == kind and step.id == step_id), None)

    def following(self, kind: str, step_id: int) -> Step | None:
        """The step after this one in course order (whatever its state)."""
        index = self.index_of(kind, step_id)
        if index is None or index + 1 >= len(self.steps):
            return None
        return self.steps[index + 1]

    def of_module(self, module_id: int | None) -> list[Step]:
        return [step for step in self.steps if step.module_id == module_id]

    def added_to_module(self, module_id: int | None) -> list[Step]:
        """What other features ask in this module beyond its lessons."""
        return [step for step in self.of_module(module_id) if step.kind != LESSON]

    def module_percent(self, module_id: int) -> int:
        steps = self.of_module(module_id)
        return int(100 * sum(1 for step in steps if step.done) // len(steps)) if steps else 0


def learning_path(session: Session, course: Course, enrolment: Enrolment | None = None,
                  done: frozenset[int] | None = None) -> LearningPath:
    """The course's steps in order, each with ``enrolment``'s state (none done without one).
    An enrolment's path leaves out the national annexes of other beneficiaries, their quizzes
    and case studies included.

    The state is read with plain statements on the session's connection (the providers of
    ``LEARNING_STEPS`` too), so what this unit of work changed is flushed first. ``done``: the
    enrolment's ``lessons_done``, when the caller has just read them."""
    flush_pending(session)
    outline = outline_for(session, enrolment) if enrolment is not None else outline_of(session, course)
    hidden = ({module.id for module in outline_of(session, course).modules}
              - {module.id for module in outline.modules})
    if enrolment is None:
        done = frozenset()
    elif done is None:
        done = lessons_done(session, enrolment.id)
    added: list[Step] = []
    for provider in LEARNING_STEPS:
        added.extend(provider(session, course, enrolment) or ())
    steps: list[Step] = sorted((s for s in added if s.first), key=lambda s: (s.position, s.id))
    for module_id, lessons in _lessons_in_order(course, outline):
        steps.extend(Step(LESSON, lesson_id, module_id, title, url, lesson_id in done)
                     for lesson_id, title, url in lessons)
        steps.extend(sorted((s for s in added if s.module_id == module_id), key=lambda s: (s.position, s.id)))
    known = {module.id for module in outline.modules} | hidden
    steps.extend(sorted((s for s in added if s.module_id not in known and not s.first), key=lambda s: (s.position, s.id)))
    return LearningPath(tuple(steps))


def _lessons_in_order(course: Course, outline) -> tuple:
    """((module id, ((lesson id, title, address), …)), …) of the outline: the same for every
    reader of the same content and modules, so worked out once per process in a request
    (addresses are relative there), each time outside one."""
    def draw():
        links = has_request_context()
        return tuple((module.id, tuple(
            (lesson.id, lesson.title,
             fixed_url("courses.lesson", slug=course.slug, module=module.slug, lesson=lesson.slug) if links else None)
            for lesson in module.lessons)) for module in outline.modules)

    if not has_request_context():
        return draw()
    return remembered("courses.path_lessons", (course.id, course.content_hash,
                                                tuple(module.id for module in outline.modules)), draw, limit=512)


def next_step(session: Session, enrolment: Enrolment) -> Step | None:
    """Where the trainee goes on: the first step not yet settled after the last lesson they
    marked done (from the start of the course if there is none after it); that lesson itself
    if it is unfinished. None when nothing is left to do."""
    path = learning_path(session, enrolment.course, enrolment)
    if not path.steps:
        return None
    last = path.index_of(LESSON, enrolment.last_lesson_id) if enrolment.last_lesson_id else None
    if last is not None and not path.steps[last].done:
        return path.steps[last]
    start = last + 1 if last is not None else 0
    ordered = path.steps[start:] + path.steps[:start]
    return next((step for step in ordered if not step.settled), None)


def next_step_for(session: Session, viewer, enrolment: Enrolment) -> Step | None:
    """``next_step`` for the trainee or whoever may follow them; NotFound for anyone else."""
    if not enrolment.can_be_read_by(viewer):
        raise NotFound()
    return next_step(session, enrolment)


def step_after_lesson(session: Session, enrolment: Enrolment | None, course: Course, lesson_id: int) -> Step | None:
    """The step after a lesson in course order: after a module's last lesson, its quiz or case study."""
    return learning_path(session, course, enrolment).following(LESSON, lesson_id)
