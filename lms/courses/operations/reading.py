"""Reading a lesson: who may, in which language, and the page it shows (cached per content).

Reading records nothing (it is a GET): the trainee's progress is recorded when they mark a
lesson done (``operations.progress``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.app_cache import app_cache
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import LANGUAGES, _, first_available, language_chain, localized
from lms.courses.annexes import beneficiaries_of
from lms.courses.models import ACTIVE, Course, Enrolment, LessonBody
from lms.courses.operations.lookups import course_and_reader
from lms.courses.operations.outlines import OutlineLesson, outline_of

# Why a lesson is shown in the language it is shown in: FALLBACK is a close language from the
# reader's chain (lms.core.i18n.language_chain), or English at its end.
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
    has_annexes: bool = False  # some module of the course is limited to some beneficiaries
    urls: dict[int, str] = field(default_factory=dict)  # lesson id -> address, built once with the page
    # What the page is kept under (course, content hash, lesson, languages asked for): its
    # parts that are the same for every reader are drawn once under it too.
    key: tuple = field(default=(), compare=False)

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
    # Loaded with the page's one query, for the learning path beside the lesson: the course,
    # and the reader's enrolment while it is active (None when previewing).
    course: Course | None = field(default=None, compare=False, repr=False)
    enrolment: Enrolment | None = field(default=None, compare=False, repr=False)
    done: frozenset[int] = field(default=frozenset(), compare=False, repr=False)   # the enrolment's lessons done

    @property
    def preview(self) -> bool:
        return self.enrolment_id is None


def _first(texts: dict, languages: tuple[str, ...]) -> str:
    for code in languages:
        if texts.get(code):
            return texts[code]
    return localized(texts, languages[-1])


def _build_lesson_page(session: Session, course: Course, module_slug: str, lesson_slug: str,
                       language: str, chosen: str | None, group: str | None,
                       codes: frozenset[str] | None) -> LessonPage:
    full = outline_of(session, course)
    outline = full.limited_to(codes)  # the neighbours a trainee of these beneficiaries is shown
    module = outline.module(module_slug)
    lesson = next((le for le in module.lessons if le.slug == lesson_slug), None) if module else None
    if lesson is None:
        raise NotFound()
    bodies = dict(session.execute(select(LessonBody.language, LessonBody.html).where(
        LessonBody.lesson_id == lesson.id)).all())
    shown = first_available(bodies, chosen, group, language) or course.default_language
    if shown not in bodies and bodies:
        shown = next(iter(bodies))
    if shown == chosen:
        reason = CHOSEN
    elif shown == language:
        reason = READER
    elif shown == group:
        reason = GROUP
    else:
        reason = FALLBACK
    # Titles are short: in the reader's language whenever it has them, else as the text.
    titles = tuple(dict.fromkeys(code for code in (chosen, group, language, shown) if code)) + tuple(
        code for code in language_chain(language) if code not in (chosen, group, language, shown))
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
        has_annexes=full.has_annexes, urls=urls)


def _cached_page(session: Session, course: Course, module_slug: str, lesson_slug: str,
                 language: str, chosen: str | None = None, group: str | None = None,
                 codes: frozenset[str] | None = None) -> LessonPage:
    cache = app_cache("courses.lesson_pages")
    key = (course.id, course.content_hash, module_slug, lesson_slug, language, chosen, group,
           tuple(sorted(codes)) if codes is not None else None)
    page = cache.get(key)
    if page is None:
        page = cache[key] = replace(_build_lesson_page(session, course, module_slug, lesson_slug, language, chosen,
                                                       group, codes), key=key)
    return page


def _refuse_unless_preview(session: Session, user: User, course: Course) -> None:
    if course.can_be_previewed_by(user):
        return
    if course.is_tutored:
        raise NotAllowed(_("This lesson is for the members of a tutored group of this course."))
    raise NotAllowed(_("Enrol in the course to read its lessons."))


def open_lesson(session: Session, user: User, course_slug: str, module_slug: str, lesson_slug: str,
                language: str, *, chosen: str | None = None) -> LessonView:
    """Show a lesson to a reader: enrolled trainees, or staff previewing. It records nothing:
    reading is a GET; the trainee's progress is recorded when they mark the lesson done.

    The text is in the language the reader ``chosen`` on the page, else their group's
    (the enrolment's content language) when the course offers it, else ``language``.
    """
    if not user.is_authenticated:
        raise NotAllowed()
    # The course (without its long texts), the reader's enrolment and its lessons done.
    found = course_and_reader(session, user, course_slug, whole=False)
    course, enrolment, done = found.course, found.enrolment, found.done
    offered = course.languages or []
    chosen = chosen if chosen in offered else None
    group = enrolment.content_language if enrolment is not None and enrolment.content_language in offered else None
    page = _cached_page(session, course, module_slug, lesson_slug, language, chosen, group)
    if enrolment is None or enrolment.status != ACTIVE:
        _refuse_unless_preview(session, user, course)
        return LessonView(page, None, False, course)
    if page.has_annexes and not _sees_every_module(user, course):
        # A trainee is shown their own beneficiary's annex only: another's is not there for them.
        page = _cached_page(session, course, module_slug, lesson_slug, language, chosen, group,
                            beneficiaries_of(session, enrolment))
    return LessonView(page, enrolment.id, page.lesson_id in done, course, enrolment, done)


def _sees_every_module(user: User, course: Course) -> bool:
    """Staff enrolled in a course still see all of it (a trainee has no staff role: no query)."""
    if not (user.is_admin or user.is_manager or user.is_tutor):
        return False
    return course.can_be_previewed_by(user)
