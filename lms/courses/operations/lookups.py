"""Finding courses, lessons and enrolments (NotFound where there is none)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.core.errors import NotFound
from lms.core.loading import loaded_columns, rows_as_loaded
from lms.core.unit_of_work import flush_pending
from lms.courses.completion import lessons_done
from lms.courses.models import Course, Enrolment, Lesson, LessonCompletion

# Run on nearly every page: built once. The course is read as plain columns on the connection
# and made into the object a query would give (lms.core.loading): the ORM's own loading of a
# course with five JSON columns cost as much as the statement.
_WHOLE_COURSE_COLUMNS = loaded_columns(Course)
# A course without its long texts in every language (summary, outcomes, translation shares),
# which no page listing courses, and no lesson page, shows: they load if used.
_COURSE_COLUMNS = loaded_columns(Course, leave_out=(Course.summary, Course.outcomes, Course.language_completeness))
_COURSE_BY_SLUG = select(*(column for _name, column in _WHOLE_COURSE_COLUMNS)).where(Course.slug == bindparam("slug"))
_ENROLMENT_OF = select(Enrolment).where(Enrolment.user_id == bindparam("user_id"),
                                        Enrolment.course_id == bindparam("course_id"))


def course_by_slug(session: Session, slug: str) -> Course:
    flush_pending(session)
    row = session.connection().execute(_COURSE_BY_SLUG, {"slug": slug}).first()
    if row is None:
        raise NotFound()
    [course] = rows_as_loaded(session, Course, _WHOLE_COURSE_COLUMNS, [row])
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


def catalogue(session: Session, *, whole: bool = True) -> list[Course]:
    """Every course, self-paced first. ``whole``: with their summaries, outcomes and
    translation shares in every language; else those load if used (the catalogue page draws
    each course's card once per content and language)."""
    if whole:
        return list(session.scalars(select(Course).order_by(Course.format, Course.slug)))
    flush_pending(session)
    return rows_as_loaded(session, Course, _COURSE_COLUMNS, session.connection().execute(_CATALOGUE).all())


# Every dashboard's: built once, run on the connection, its rows made into enrolments and
# courses as a query would (lms.core.loading); each enrolment's course is then found in the
# session without a statement.
_ENROLMENT_COLUMNS = loaded_columns(Enrolment)
_ENROLMENTS_OF = (select(*(column for _name, column in _ENROLMENT_COLUMNS + _COURSE_COLUMNS))
                  .join(Course, Course.id == Enrolment.course_id)
                  .where(Enrolment.user_id == bindparam("user_id"))
                  .order_by(Enrolment.status, Enrolment.last_activity_at.desc().nulls_last(), Course.slug))


_CATALOGUE = select(*(column for _name, column in _COURSE_COLUMNS)).order_by(Course.format, Course.slug)


def enrolments_of(session: Session, user: User) -> list[Enrolment]:
    """The user's enrolments, active first, the most recently used first, each with its course."""
    flush_pending(session)
    rows = session.connection().execute(_ENROLMENTS_OF, {"user_id": user.id}).all()
    courses = rows_as_loaded(session, Course, _COURSE_COLUMNS, rows, offset=len(_ENROLMENT_COLUMNS))
    enrolments = rows_as_loaded(session, Enrolment, _ENROLMENT_COLUMNS, rows)
    for enrolment, course in zip(enrolments, courses, strict=True):
        set_committed_value(enrolment, "course", course)   # as loaded with it (and kept alive by it)
    return enrolments


@dataclass(frozen=True)
class CourseAndReader:
    """A course, the reader's enrolment in it (None: they have none) and the lessons it has
    marked done, as one statement reads them."""

    course: Course
    enrolment: Enrolment | None
    done: frozenset[int]


def _course_and_enrolment(course_columns):
    """The course called ``slug`` with the enrolment of ``user_id`` in it, and that enrolment's
    lessons done as "12,15,17" (group_concat, string_agg)."""
    return (select(*(column for _name, column in course_columns + _ENROLMENT_COLUMNS),
                   select(func.aggregate_strings(cast(LessonCompletion.lesson_id, String), ","))
                   .where(LessonCompletion.enrolment_id == Enrolment.id).scalar_subquery().label("lessons_done"))
            .outerjoin(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == bindparam("user_id")))
            .where(Course.slug == bindparam("slug")))


# The course page's and the lesson page's, built once (they run on every view): the whole
# course, or the course without its long texts, which a lesson page does not show.
_COURSE_AND_ENROLMENT = {True: _course_and_enrolment(_WHOLE_COURSE_COLUMNS),
                         False: _course_and_enrolment(_COURSE_COLUMNS)}


def course_and_reader(session: Session, user: User, slug: str, *, whole: bool = True) -> CourseAndReader:
    """``course_by_slug`` and ``enrolment_of`` the signed-in ``user``, with the enrolment's
    lessons done, in one statement; the objects are those the two would give (lms.core.loading),
    and the lessons done are what ``lessons_done`` answers for the rest of the request.
    ``whole``: with the course's long texts (summary, outcomes) in every language."""
    if not user.is_authenticated:
        return CourseAndReader(course_by_slug(session, slug), None, frozenset())
    columns = _WHOLE_COURSE_COLUMNS if whole else _COURSE_COLUMNS
    flush_pending(session)
    row = session.connection().execute(_COURSE_AND_ENROLMENT[whole], {"slug": slug, "user_id": user.id}).first()
    if row is None:
        raise NotFound()
    [course] = rows_as_loaded(session, Course, columns, [row])
    if row[len(columns)] is None:   # the enrolment's id: the reader has none
        return CourseAndReader(course, None, frozenset())
    [enrolment] = rows_as_loaded(session, Enrolment, _ENROLMENT_COLUMNS, [row], offset=len(columns))
    set_committed_value(enrolment, "course", course)
    done = frozenset(int(lesson_id) for lesson_id in (row.lessons_done or "").split(",") if lesson_id)
    return CourseAndReader(course, enrolment, lessons_done(session, enrolment.id, known=done))
