"""Finding courses, lessons and enrolments (NotFound where there is none)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager

from lms.accounts.models import User
from lms.core.errors import NotFound
from lms.courses.models import Course, Enrolment, Lesson

# Run on nearly every page: built once.
_COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug"))
_ENROLMENT_OF = select(Enrolment).where(Enrolment.user_id == bindparam("user_id"),
                                        Enrolment.course_id == bindparam("course_id"))


def course_by_slug(session: Session, slug: str) -> Course:
    course = session.scalar(_COURSE_BY_SLUG, {"slug": slug})
    if course is None:
        raise NotFound()
    return course


def lesson_by_id(session: Session, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None or lesson.is_retired:
        raise NotFound()
    return lesson


def enrolment_of(session: Session, user: User, course_id: int) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return session.scalar(_ENROLMENT_OF, {"user_id": user.id, "course_id": course_id})


def catalogue(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.format, Course.slug)))


# Every dashboard's: built once.
_ENROLMENTS_OF = (select(Enrolment).join(Course).options(contains_eager(Enrolment.course))
                  .where(Enrolment.user_id == bindparam("user_id"))
                  .order_by(Enrolment.status, Enrolment.last_activity_at.desc().nulls_last(), Course.slug))


def enrolments_of(session: Session, user: User) -> list[Enrolment]:
    return list(session.scalars(_ENROLMENTS_OF, {"user_id": user.id}))
