"""A course's outline: its modules and lessons in order, cached by the course's content hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.app_cache import app_cache
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


@dataclass(frozen=True)
class Outline:
    course_id: int
    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...]

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        for position, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                previous = self.lessons[position - 1] if position else None
                following = self.lessons[position + 1] if position + 1 < len(self.lessons) else None
                return previous, following
        return None, None


def outline_of(session: Session, course: Course) -> Outline:
    # An outline changes only when content is imported, which changes the course's hash;
    # keyed by that hash, a cached outline is never stale and holds nothing user-specific.
    cache = app_cache("courses.outlines", limit=256)
    key = (course.id, course.content_hash)
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = session.execute(
        select(Module.id, Module.slug, Module.title, Module.summary,
               Lesson.id, Lesson.slug, Lesson.title, Lesson.minutes)
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == course.id, Module.is_retired.is_(False), Lesson.is_retired.is_(False))
        .order_by(Module.position, Lesson.position)).all()
    modules: dict[int, list] = {}
    module_rows: dict[int, tuple] = {}
    flat = []
    for m_id, m_slug, m_title, m_summary, l_id, l_slug, l_title, l_minutes in rows:
        module_rows.setdefault(m_id, (m_slug, m_title, m_summary))
        lesson = OutlineLesson(l_id, l_slug, l_title, l_minutes, m_slug, len(flat))
        flat.append(lesson)
        modules.setdefault(m_id, []).append(lesson)
    outline = Outline(course.id, tuple(
        OutlineModule(m_id, *module_rows[m_id], tuple(items)) for m_id, items in modules.items()),
        tuple(flat))
    cache[key] = outline
    return outline
