"""A course's outline: its modules and lessons in order, cached by the course's content hash;
and the outline one beneficiary's trainees are shown (without other beneficiaries' annexes)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.app_cache import kept_per_content
from lms.courses.annexes import is_shown_to
from lms.courses.models import Course, Lesson, Module


@dataclass(frozen=True)
class OutlineLesson:
    id: int
    slug: str
    title: dict
    minutes: int | None
    module_slug: str
    index: int


@dataclass(frozen=True)
class OutlineModule:
    id: int
    slug: str
    title: dict
    summary: dict
    lessons: tuple[OutlineLesson, ...]
    # A national annex: the beneficiary codes whose trainees are shown it; () for everyone.
    beneficiaries: tuple[str, ...] = ()
    outcomes: tuple[dict, ...] = ()

    def is_shown_to(self, codes: frozenset[str] | None) -> bool:
        """Shown to trainees of these beneficiaries (``None``: to staff, who see every module)."""
        return is_shown_to(self.beneficiaries, codes)


@dataclass(frozen=True)
class Outline:
    course_id: int
    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...]

    @property
    def has_annexes(self) -> bool:
        """Some module is limited to some beneficiaries."""
        return any(module.beneficiaries for module in self.modules)

    def limited_to(self, codes: frozenset[str] | None) -> Outline:
        """The outline trainees of these beneficiaries are shown; ``None``: all of it."""
        if codes is None or not self.has_annexes:
            return self
        modules, flat = [], []
        for module in self.modules:
            if not module.is_shown_to(codes):
                continue
            lessons = tuple(replace(lesson, index=len(flat) + number) for number, lesson in enumerate(module.lessons))
            flat.extend(lessons)
            modules.append(replace(module, lessons=lessons))
        return Outline(self.course_id, tuple(modules), tuple(flat))

    def module(self, slug: str) -> OutlineModule | None:
        return next((module for module in self.modules if module.slug == slug), None)

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        for position, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                previous = self.lessons[position - 1] if position else None
                following = self.lessons[position + 1] if position + 1 < len(self.lessons) else None
                return previous, following
        return None, None


def outline_of(session: Session, course: Course) -> Outline:
    """The course's modules (those with lessons) and lessons in order; kept per content hash,
    so an outline is never stale and holds nothing user-specific."""
    def read() -> Outline:
        rows = session.execute(
            select(Module.id, Module.slug, Module.title, Module.summary, Module.beneficiaries, Module.outcomes,
                   Lesson.id, Lesson.slug, Lesson.title, Lesson.minutes)
            .join(Lesson, Lesson.module_id == Module.id)
            .where(Module.course_id == course.id, Module.is_retired.is_(False), Lesson.is_retired.is_(False))
            .order_by(Module.position, Lesson.position)).all()
        modules: dict[int, list] = {}
        module_rows: dict[int, tuple] = {}
        flat = []
        for m_id, m_slug, m_title, m_summary, m_beneficiaries, m_outcomes, l_id, l_slug, l_title, l_minutes in rows:
            module_rows.setdefault(m_id, (m_slug, m_title, m_summary, tuple(m_beneficiaries or ()),
                                          tuple(m_outcomes or ())))
            lesson = OutlineLesson(l_id, l_slug, l_title, l_minutes, m_slug, len(flat))
            flat.append(lesson)
            modules.setdefault(m_id, []).append(lesson)
        return Outline(course.id, tuple(
            OutlineModule(m_id, *module_rows[m_id][:3], tuple(items), *module_rows[m_id][3:])
            for m_id, items in modules.items()),
            tuple(flat))

    return kept_per_content("courses.outlines", course, read)
