"""Course rules: enrolment, reading lessons, progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from lms.accounts.models import User
from lms.core.app_cache import app_cache
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import LANGUAGES, _, localized
from lms.core.models import utcnow
from lms.courses.completion import EnrolmentProgress, Progress, progress_of, record_event
from lms.courses.models import (
    ACTIVE,
    WITHDRAWN,
    Course,
    Enrolment,
    Lesson,
    LessonBody,
    LessonCompletion,
    Module,
)

LESSON_COMPLETED = "lesson_completed"


# --- lookups ---------------------------------------------------------------------------

def course_by_slug(session: Session, slug: str) -> Course:
    course = session.scalar(select(Course).where(Course.slug == slug))
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
    return session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course_id))


def catalogue(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.format, Course.slug)))


def enrolments_of(session: Session, user: User) -> list[Enrolment]:
    return list(session.scalars(
        select(Enrolment).join(Course).options(contains_eager(Enrolment.course))
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.status, Enrolment.last_activity_at.desc().nulls_last(), Course.slug)))


# --- outline ---------------------------------------------------------------------------

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


# --- enrolment -------------------------------------------------------------------------

def ensure_enrolment(session: Session, user: User, course: Course) -> tuple[Enrolment, bool]:
    """Enrol ``user`` (or re-admit a withdrawn enrolment); return it and whether it changed.

    Safe against a double click: the unique (user, course) constraint decides.
    """
    enrolment = enrolment_of(session, user, course.id)
    if enrolment is not None:
        if enrolment.status == WITHDRAWN:
            enrolment.status = ACTIVE
            enrolment.withdrawn_at = None
            session.flush()
            return enrolment, True
        return enrolment, False
    try:
        with session.begin_nested():
            enrolment = Enrolment(user_id=user.id, course_id=course.id, status=ACTIVE,
                                  enrolled_at=utcnow(), progress_percent=0)
            session.add(enrolment)
    except IntegrityError:
        enrolment = enrolment_of(session, user, course.id)
        return enrolment, False
    return enrolment, True


def self_enrol(session: Session, user: User, course: Course) -> tuple[Enrolment, bool]:
    """A trainee joins a self-paced course; a tutored one is joined through its group."""
    if course.is_tutored:
        existing = enrolment_of(session, user, course.id)
        if existing is not None and existing.is_active:
            return existing, False
        raise NotAllowed(_("This course is taken in a tutored group. Join it with the enrolment "
                           "key your tutor or programme manager gives you."))
    return ensure_enrolment(session, user, course)


def withdraw(session: Session, enrolment: Enrolment) -> Enrolment:
    """Withdraw keeps every record; re-admission picks up where it stopped."""
    if enrolment.status != WITHDRAWN:
        enrolment.status = WITHDRAWN
        enrolment.withdrawn_at = utcnow()
        session.flush()
    return enrolment


# --- reading ---------------------------------------------------------------------------

# Why a lesson is shown in the language it is shown in.
READER, CHOSEN, GROUP, FALLBACK = "reader", "chosen", "group", "fallback"


@dataclass(frozen=True)
class LessonPage:
    """What a lesson page shows that is the same for every reader with the same preferences.

    Cached per process, keyed by the course's content hash and the languages asked for: a
    re-import (in any worker) changes the hash, so a cached page is never stale and holds
    nothing user-specific.
    """

    course_id: int
    course_slug: str
    course_title: str
    course_is_tutored: bool
    module_id: int
    module_slug: str
    module_title: str
    lesson_id: int
    lesson_slug: str
    lesson_title: str
    language: str  # of the text shown
    reason: str  # READER, CHOSEN, GROUP or FALLBACK
    available: tuple[str, ...]  # every language the lesson's text exists in
    html: str
    previous: OutlineLesson | None
    following: OutlineLesson | None
    module_lessons: tuple[OutlineLesson, ...]
    title_languages: tuple[str, ...] = ()  # the order titles are looked for in
    urls: dict[int, str] = field(default_factory=dict)  # lesson id -> address, built once with the page

    def title_of(self, texts: dict) -> str:
        """Another lesson's title, in the same language as this page's titles."""
        return _first(texts, self.title_languages)

    @property
    def fallback(self) -> bool:
        """The text is not in the language the reader reads or asked for (nor their group's)."""
        return self.reason == FALLBACK


@dataclass(frozen=True)
class LessonView:
    page: LessonPage
    enrolment_id: int | None
    completed: bool

    @property
    def preview(self) -> bool:
        return self.enrolment_id is None


def _first(texts: dict, languages: tuple[str, ...]) -> str:
    for code in languages:
        if texts.get(code):
            return texts[code]
    return localized(texts, languages[-1])


def _build_lesson_page(session: Session, course: Course, module_slug: str, lesson_slug: str,
                       language: str, chosen: str | None, group: str | None) -> LessonPage:
    outline = outline_of(session, course)
    module = next((m for m in outline.modules if m.slug == module_slug), None)
    lesson = next((le for le in module.lessons if le.slug == lesson_slug), None) if module else None
    if lesson is None:
        raise NotFound()
    bodies = dict(session.execute(select(LessonBody.language, LessonBody.html).where(
        LessonBody.lesson_id == lesson.id)).all())
    wanted = tuple(dict.fromkeys(code for code in (chosen, group, language, course.default_language) if code))
    shown = next((code for code in wanted if code in bodies), course.default_language)
    if shown == chosen:
        reason = CHOSEN
    elif shown == language:
        reason = READER
    elif shown == group:
        reason = GROUP
    else:
        reason = FALLBACK
    titles = (*wanted, shown)  # titles are short: in the reader's language whenever it has them
    previous, following = outline.neighbours(lesson.id)
    linked = [item for item in (previous, following, *module.lessons) if item is not None]
    urls = {item.id: url_for("courses.lesson", slug=course.slug, module=item.module_slug, lesson=item.slug)
            for item in linked}
    return LessonPage(
        course_id=course.id, course_slug=course.slug, course_title=_first(course.title, titles),
        course_is_tutored=course.is_tutored, module_id=module.id, module_slug=module.slug,
        module_title=_first(module.title, titles), lesson_id=lesson.id, lesson_slug=lesson.slug,
        lesson_title=_first(lesson.title, titles), language=shown, reason=reason,
        available=tuple(code for code in LANGUAGES if code in bodies), html=bodies.get(shown, ""),
        previous=previous, following=following, module_lessons=module.lessons, title_languages=titles,
        urls=urls)


def _cached_page(session: Session, course_id: int, content_hash: str, module_slug: str, lesson_slug: str,
                 language: str, chosen: str | None = None, group: str | None = None) -> LessonPage:
    cache = app_cache("courses.lesson_pages")
    key = (course_id, content_hash, module_slug, lesson_slug, language, chosen, group)
    page = cache.get(key)
    if page is None:
        course = session.get(Course, course_id)
        page = cache[key] = _build_lesson_page(session, course, module_slug, lesson_slug, language, chosen, group)
    return page


def set_content_language(session: Session, enrolment_ids, language: str | None) -> None:
    """Show these enrolments' course content in ``language`` by default (a tutored group's
    language); ``enrolment_ids`` is a list or a select of ids."""
    session.execute(update(Enrolment).where(Enrolment.id.in_(enrolment_ids))
                    .values(content_language=language).execution_options(synchronize_session="fetch"))


def _refuse_unless_preview(session: Session, user: User, course: Course) -> None:
    if course.can_be_previewed_by(user):
        return
    if course.is_tutored:
        raise NotAllowed(_("This lesson is for the members of a tutored group of this course."))
    raise NotAllowed(_("Enrol in the course to read its lessons."))


# The lesson page's two queries, built once (they run on every page view).
_COURSE_AND_READER = (
    select(Course.id, Course.content_hash, Course.languages, Enrolment.content_language)
    .outerjoin(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == bindparam("user_id")))
    .where(Course.slug == bindparam("slug")))
_READER_STATE = select(
    Enrolment.id, Enrolment.status,
    select(LessonCompletion.id).where(LessonCompletion.enrolment_id == Enrolment.id,
                                      LessonCompletion.lesson_id == bindparam("lesson_id")).exists()
    .label("completed"),
).where(Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id"))


def open_lesson(session: Session, user: User, course_slug: str, module_slug: str, lesson_slug: str,
                language: str, *, chosen: str | None = None) -> LessonView:
    """Show a lesson to a reader: enrolled trainees, or staff previewing. It records nothing:
    reading is a GET; the trainee's progress is recorded when they mark the lesson done.

    The text is in the language the reader ``chosen`` on the page, else their group's
    (the enrolment's content language) when the course offers it, else ``language``.
    """
    if not user.is_authenticated:
        raise NotAllowed()
    # One query finds the course and the reader's content language (as before, one query).
    row = session.connection().execute(_COURSE_AND_READER, {"slug": course_slug, "user_id": user.id}).first()
    if row is None:
        raise NotFound()
    offered = row.languages or []
    page = _cached_page(session, row.id, row.content_hash, module_slug, lesson_slug, language,
                        chosen if chosen in offered else None,
                        row.content_language if row.content_language in offered else None)
    state = session.connection().execute(_READER_STATE, {
        "user_id": user.id, "course_id": page.course_id, "lesson_id": page.lesson_id}).first()
    if state is None or state.status != ACTIVE:
        _refuse_unless_preview(session, user, session.get(Course, page.course_id))
        return LessonView(page, None, False)
    return LessonView(page, state.id, bool(state.completed))


def complete_lesson(session: Session, user: User, lesson: Lesson) -> tuple[Enrolment, Progress]:
    """Mark a lesson done for the trainee (idempotent) and re-evaluate completion."""
    if lesson.is_retired:
        raise NotFound()
    course = session.get(Course, lesson.course_id)
    enrolment = enrolment_of(session, user, course.id)
    if enrolment is None or not enrolment.is_active:
        raise NotAllowed(_("Enrol in the course to record your progress."))
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


def continue_target(session: Session, enrolment: Enrolment) -> OutlineLesson | None:
    """Where to continue: the first unfinished lesson after the last one marked done (or the
    last lesson itself if it is unfinished, as older enrolments recorded lessons opened)."""
    outline = outline_of(session, enrolment.course)
    if not outline.lessons:
        return None
    done = set(session.scalars(select(LessonCompletion.lesson_id).where(
        LessonCompletion.enrolment_id == enrolment.id)))
    by_id = {lesson.id: lesson for lesson in outline.lessons}
    last = by_id.get(enrolment.last_lesson_id)
    if last is not None and last.id not in done:
        return last
    start = last.index + 1 if last is not None else 0
    for lesson in outline.lessons[start:] + outline.lessons[:start]:
        if lesson.id not in done:
            return lesson
    return last or outline.lessons[0]

