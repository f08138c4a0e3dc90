"""Finding courses, lessons and enrolments (NotFound where there is none)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.core.errors import NotFound
from lms.core.loading import loaded_columns, rows_as_loaded
from lms.core.unit_of_work import flush_pending
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


# Every dashboard's: built once, run on the connection, its rows made into enrolments and
# courses as a query would (lms.core.loading); each enrolment's course is then found in the
# session without a statement. A course's summary and outcomes in every language are not
# read here (no page listing enrolments shows them; they load if used).
_ENROLMENT_COLUMNS = loaded_columns(Enrolment)
_COURSE_COLUMNS = loaded_columns(Course, leave_out=(Course.summary, Course.outcomes, Course.language_completeness))
_ENROLMENTS_OF = (select(*(column for _name, column in _ENROLMENT_COLUMNS + _COURSE_COLUMNS))
                  .join(Course, Course.id == Enrolment.course_id)
                  .where(Enrolment.user_id == bindparam("user_id"))
                  .order_by(Enrolment.status, Enrolment.last_activity_at.desc().nulls_last(), Course.slug))


def enrolments_of(session: Session, user: User) -> list[Enrolment]:
    """The user's enrolments, active first, the most recently used first, each with its course."""
    flush_pending(session)
    rows = session.connection().execute(_ENROLMENTS_OF, {"user_id": user.id}).all()
    courses = rows_as_loaded(session, Course, _COURSE_COLUMNS, rows, offset=len(_ENROLMENT_COLUMNS))
    enrolments = rows_as_loaded(session, Enrolment, _ENROLMENT_COLUMNS, rows)
    for enrolment, course in zip(enrolments, courses, strict=True):
        set_committed_value(enrolment, "course", course)   # as loaded with it (and kept alive by it)
    return enrolments
