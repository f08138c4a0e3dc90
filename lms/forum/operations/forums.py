"""Which forums exist and who reads them: a group's forum and a self-paced course's, each
opened with a thread per discussion prompt of the course content.

Forums and their prompt threads are made by writes that already happen — a group created or
saved (``tutors``' ``COHORT_SAVED``), course content imported — or by ``lms forum seed``;
``ensure_forum`` is idempotent, so running it again adds only what is missing. A page
(a GET) never creates one: a group without its forum yet answers 404 until it is seeded.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.models import Course, DiscussionPrompt, Module
from lms.courses.operations import discussion_prompts
from lms.forum.models import Forum, ForumPost, ForumThread
from lms.tutors.models import Cohort


def forum_key(*, cohort_id: int | None = None, course_id: int | None = None) -> str:
    return f"group:{cohort_id}" if cohort_id is not None else f"course:{course_id}"


def _prompts_for(session: Session, course: Course, beneficiary_code: str | None) -> list[DiscussionPrompt]:
    """The prompts a forum opens threads for: a national annex's only in a group of its beneficiary."""
    annexes = dict(session.execute(select(Module.id, Module.beneficiaries).where(Module.course_id == course.id)).all())
    return [p for p in discussion_prompts(session, course)
            if not annexes.get(p.module_id) or beneficiary_code in (annexes.get(p.module_id) or [])]


def ensure_forum(session: Session, *, cohort: Cohort | None = None, course: Course | None = None) -> Forum:
    """The forum of a group (or of a self-paced course), with a thread for each of the
    course's discussion prompts that has none yet; safe to call any number of times."""
    course = cohort.course if cohort is not None else course
    key = forum_key(cohort_id=cohort.id if cohort is not None else None, course_id=course.id)
    forum = session.scalar(select(Forum).where(Forum.key == key))
    if forum is None:
        forum = Forum(key=key, course_id=course.id, cohort_id=cohort.id if cohort is not None else None,
                      created_at=utcnow())
        session.add(forum)
        session.flush()
    elif forum.course_id != course.id:
        forum.course_id = course.id  # the group now follows another course
    seeded = set(session.scalars(select(ForumThread.prompt_id).where(
        ForumThread.forum_id == forum.id, ForumThread.prompt_id.is_not(None))))
    code = cohort.beneficiary.code if cohort is not None else None
    for prompt in _prompts_for(session, course, code):
        if prompt.id not in seeded:
            session.add(ForumThread(forum_id=forum.id, prompt_id=prompt.id, module_id=prompt.module_id,
                                    created_at=utcnow()))
    session.flush()
    return forum


def seed_course(session: Session, course: Course) -> int:
    """After an import: the course's forum (self-paced) and every existing forum of the course
    get a thread for each new prompt. Returns how many forums were brought up to date."""
    done = 0
    if course.is_self_paced:
        ensure_forum(session, course=course)
        done += 1
    for cohort in session.scalars(select(Cohort).where(Cohort.course_id == course.id)):
        ensure_forum(session, cohort=cohort)
        done += 1
    return done


def seed_all(session: Session) -> int:
    """Every group's and every self-paced course's forum (``lms forum seed``)."""
    done = 0
    for course in session.scalars(select(Course).order_by(Course.id)):
        done += seed_course(session, course)
    return done


def forum_by_id(session: Session, forum_id: int) -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise NotFound()
    return forum


def forum_of_cohort(session: Session, cohort_id: int) -> Forum:
    forum = session.scalar(select(Forum).where(Forum.key == forum_key(cohort_id=cohort_id)))
    if forum is None:
        raise NotFound()
    return forum


def forum_of_course(session: Session, course: Course) -> Forum:
    forum = session.scalar(select(Forum).where(Forum.key == forum_key(course_id=course.id)))
    if forum is None:
        raise NotFound()
    return forum


def readable_forum(session: Session, user: User, forum_id: int) -> Forum:
    """The forum, if ``user`` may read it; 404 otherwise (existence is private)."""
    forum = forum_by_id(session, forum_id)
    if not forum.can_be_read_by(user):
        raise NotFound()
    return forum


def thread_by_id(session: Session, user: User, thread_id: int) -> ForumThread:
    """A thread ``user`` may read: 404 for anyone outside its forum, and for a trainee when
    its opening post is hidden."""
    thread = session.get(ForumThread, thread_id)
    if thread is None or not thread.forum.can_be_read_by(user):
        raise NotFound()
    if not thread.forum.can_be_moderated_by(user) and _opening_hidden(session, thread):
        raise NotFound()
    return thread


def _opening_hidden(session: Session, thread: ForumThread) -> bool:
    return bool(session.scalar(select(ForumPost.id).where(
        ForumPost.thread_id == thread.id, ForumPost.is_opening.is_(True), ForumPost.hidden_at.is_not(None))))


def module_of(session: Session, forum: Forum, slug: str | None) -> int | None:
    """The id of the forum's course module named ``slug`` (None for none); 422 for an unknown one."""
    if not slug:
        return None
    module_id = session.scalar(select(Module.id).where(Module.course_id == forum.course_id, Module.slug == slug,
                                                       Module.is_retired.is_(False)))
    if module_id is None:
        raise ValidationFailed(_("Choose a module of this course."), field="module")
    return module_id
