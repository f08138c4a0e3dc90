"""What a reader sees of a forum: the forums they may read with their unread posts, a forum's
threads (pinned first, then by latest activity) with each one's replies and unread posts, a
thread's posts. Each list is a fixed number of queries, whatever the number of threads or posts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, bindparam, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.pagination import Page
from lms.core.unit_of_work import flush_pending
from lms.courses.models import ACTIVE, Enrolment
from lms.forum.models import Forum, ForumPost, ForumRead, ForumSubscription, ForumThread
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership, CohortTutor

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 50


@dataclass(frozen=True)
class ThreadSummary:
    thread: ForumThread
    posts: int  # posts the reader sees (the opening post of a thread opened by someone included)
    unread: int
    last_post_at: datetime | None

    @property
    def last_activity_at(self) -> datetime:
        return self.last_post_at or self.thread.created_at


@dataclass(frozen=True)
class ForumSummary:
    forum: Forum
    threads: int
    unread: int


def _visible(moderator: bool):
    return True if moderator else ForumPost.hidden_at.is_(None)


def _post_counts(user_id, moderator: bool, threads):
    """Per thread of ``threads`` (a SELECT of thread ids): posts seen, unread ones (newer than
    what the reader has read, not their own) and the latest one's time. Only those threads'
    posts are read, however many other forums hold. ``user_id``: the reader's id, or a bound
    parameter for it."""
    read = ForumRead.__table__.alias("reader")
    unread = case((and_(ForumPost.id > func.coalesce(read.c.last_read_post_id, 0),
                        ForumPost.author_id != user_id), 1), else_=0)
    return (select(ForumPost.thread_id.label("thread_id"), func.count(ForumPost.id).label("posts"),
                   func.sum(unread).label("unread"), func.max(ForumPost.created_at).label("last_at"))
            .outerjoin(read, and_(read.c.thread_id == ForumPost.thread_id, read.c.user_id == user_id))
            .where(_visible(moderator), ForumPost.thread_id.in_(threads))
            .group_by(ForumPost.thread_id))


def _hidden_opening():
    return select(ForumPost.thread_id).where(ForumPost.is_opening.is_(True), ForumPost.hidden_at.is_not(None))


def thread_list(session: Session, user: User, forum: Forum, *, page: int = 1,
                per_page: int = THREADS_PER_PAGE) -> Page:
    moderator = forum.can_be_moderated_by(user)
    counts = _post_counts(user.id, moderator, select(ForumThread.id).where(ForumThread.forum_id == forum.id)).subquery()
    where = [ForumThread.forum_id == forum.id]
    if not moderator:
        where.append(ForumThread.id.not_in(_hidden_opening()))
    total = session.scalar(select(func.count(ForumThread.id)).where(*where)) or 0
    last = func.coalesce(counts.c.last_at, ForumThread.created_at)
    rows = session.execute(
        select(ForumThread, counts.c.posts, counts.c.unread, counts.c.last_at)
        .outerjoin(counts, counts.c.thread_id == ForumThread.id)
        .where(*where)
        .order_by(ForumThread.is_pinned.desc(), last.desc(), ForumThread.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page))
    items = [ThreadSummary(thread, posts or 0, int(unread or 0), last_at) for thread, posts, unread, last_at in rows]
    return Page(items=items, page=max(page, 1), per_page=per_page, total=total)


def readable_forums_query(user: User):
    """A SELECT of the forums ``user`` may read (the rules of ``Forum.can_be_read_by``, in SQL)."""
    return _readable_forums(user.id, admin=user.is_admin, tutor=user.is_tutor, scope=_manager_scope(user))


_MANAGES_ALL = object()   # the scope of a manager of every beneficiary


def _manager_scope(user: User):
    """None for a user who manages nothing, ``_MANAGES_ALL``, or the beneficiaries' ids."""
    if not user.is_manager:
        return None
    scope = user.managed_beneficiary_ids()
    return _MANAGES_ALL if scope is None else scope


def _readable_forums(user_id, *, admin: bool, tutor: bool, scope):
    """``readable_forums_query`` of a user's id and scope, given as values or as bound parameters."""
    if admin:
        return select(Forum.id)
    mine = select(Enrolment.id).where(Enrolment.user_id == user_id, Enrolment.status == ACTIVE)
    in_group = select(CohortMembership.enrolment_id)
    member_of = select(CohortMembership.cohort_id).where(
        CohortMembership.status == MEMBER_ACTIVE, CohortMembership.enrolment_id.in_(mine))
    conditions = [
        Forum.cohort_id.in_(member_of),
        and_(Forum.cohort_id.is_(None), Forum.course_id.in_(
            select(Enrolment.course_id).where(Enrolment.id.in_(mine), Enrolment.id.not_in(in_group)))),
    ]
    if tutor:
        conditions.append(Forum.cohort_id.in_(select(CohortTutor.cohort_id).where(CohortTutor.user_id == user_id)))
    if scope is _MANAGES_ALL:
        conditions.append(Forum.id.is_not(None))
    elif scope is not None:
        conditions.append(Forum.cohort_id.in_(select(Cohort.id).where(Cohort.beneficiary_id.in_(scope))))
    return select(Forum.id).where(or_(*conditions))


# The key of the forum an enrolment takes part in (``forums.forum_key``): its group's
# ("group:12"), or, outside any group, its self-paced course's ("course:3").
_KEY_OF_ENROLMENT = func.coalesce(
    literal("group:") + cast(select(CohortMembership.cohort_id)
                             .where(CohortMembership.enrolment_id == bindparam("enrolment_id"))
                             .scalar_subquery(), String),
    literal("course:") + cast(bindparam("course_id"), String))


@functools.cache
def _forum_by_key_if_readable(admin: bool, tutor: bool, manager: str | None, of_enrolment: bool = False):
    """The statement of ``forum_link``, built once per kind of reader (``manager``: None, "all" or
    "some"), the reader's id, scope and the forum's key (or the enrolment whose forum it is)
    bound at each call."""
    scope = {None: None, "all": _MANAGES_ALL, "some": bindparam("reader_scope", expanding=True)}[manager]
    readable = _readable_forums(bindparam("reader_id"), admin=admin, tutor=tutor, scope=scope)
    key = _KEY_OF_ENROLMENT if of_enrolment else bindparam("forum_key")
    return select(Forum.id).where(Forum.key == key, Forum.id.in_(readable))


@dataclass(frozen=True)
class ForumLink:
    """What a button to a forum shows on another feature's page."""
    forum_id: int
    unread: int


def forum_link(session: Session, user: User, key: str) -> ForumLink | None:
    """The forum called ``key`` if ``user`` may read it (``readable_forums_query``), with the
    posts they have not read: two queries, no ORM objects."""
    return _link(session, user, {"forum_key": key})


def enrolment_forum_link(session: Session, user: User, enrolment: Enrolment) -> ForumLink | None:
    """``forum_link`` of the forum ``enrolment`` takes part in (its group's, or its self-paced
    course's), found by the same statement: a course page asks on every view."""
    return _link(session, user, {"enrolment_id": enrolment.id, "course_id": enrolment.course_id})


def _link(session: Session, user: User, params: dict) -> ForumLink | None:
    scope = _manager_scope(user)
    manager = None if scope is None else "all" if scope is _MANAGES_ALL else "some"
    params = {**params, "reader_id": user.id}
    if manager == "some":
        params["reader_scope"] = list(scope)
    statement = _forum_by_key_if_readable(bool(user.is_admin), bool(user.is_tutor), manager,
                                          "enrolment_id" in params)
    flush_pending(session)
    forum_id = session.connection().execute(statement, params).scalar()
    if forum_id is None:
        return None
    return ForumLink(forum_id, _one_forum_counts(session, user, forum_id)[1])


def my_forums(session: Session, user: User) -> list[ForumSummary]:
    """The forums ``user`` reads, with how many threads and unread posts each has (2 queries)."""
    return _summaries(session, user, readable_forums_query(user))


def forum_summary(session: Session, user: User, forum: Forum) -> ForumSummary:
    """One forum's threads and unread posts, for a forum already loaded (one query, its
    statement built once: a course page asks it on every view)."""
    return ForumSummary(forum, *_one_forum_counts(session, user, forum.id))


def _one_forum_counts(session: Session, user: User, forum_id: int) -> tuple[int, int]:
    """(threads, unread posts) of one forum, by the statement built once."""
    flush_pending(session)
    row = session.connection().execute(_ONE_FORUM_COUNTS, {"forum_id": forum_id, "user_id": user.id}).first()
    return (row[1], int(row[2] or 0)) if row else (0, 0)


def _summaries(session: Session, user: User, forum_ids) -> list[ForumSummary]:
    forums = list(session.scalars(select(Forum).where(Forum.id.in_(forum_ids))))
    if not forums:
        return []
    counts = {forum_id: (threads, int(unread or 0)) for forum_id, threads, unread in session.execute(
        _thread_and_unread_counts(ForumThread.forum_id.in_(forum_ids), user.id))}
    forums.sort(key=lambda f: (f.cohort_id is None, f.title_in().casefold(), f.id))
    return [ForumSummary(f, *counts.get(f.id, (0, 0))) for f in forums]


def _thread_and_unread_counts(in_forums, user_id):
    """A SELECT of (forum id, threads, unread posts) for the forums ``in_forums`` picks. Every
    thread is counted; unread posts as a trainee sees the forum, for everyone: hidden posts, and
    the threads whose opening post is hidden, left out."""
    counts = _post_counts(user_id, False, select(ForumThread.id).where(in_forums)).subquery()
    shown_unread = case((ForumThread.id.not_in(_hidden_opening()), counts.c.unread), else_=0)
    return (select(ForumThread.forum_id, func.count(ForumThread.id), func.sum(shown_unread))
            .outerjoin(counts, counts.c.thread_id == ForumThread.id)
            .where(in_forums)
            .group_by(ForumThread.forum_id))


_ONE_FORUM_COUNTS = _thread_and_unread_counts(ForumThread.forum_id == bindparam("forum_id"), bindparam("user_id"))


@dataclass(frozen=True)
class ThreadView:
    thread: ForumThread
    posts: Page
    moderator: bool
    subscribed: bool
    last_read_post_id: int
    newest_post_id: int  # of the posts the reader sees: what "read up to here" records


def thread_view(session: Session, user: User, thread: ForumThread, *, page: int = 1,
                per_page: int = POSTS_PER_PAGE) -> ThreadView:
    moderator = thread.forum.can_be_moderated_by(user)
    where = [ForumPost.thread_id == thread.id, _visible(moderator)]
    total, newest = session.execute(select(func.count(ForumPost.id), func.max(ForumPost.id)).where(*where)).one()
    pages = max(1, -(-(total or 0) // per_page))
    page = min(max(page, 1), pages)
    posts = list(session.scalars(select(ForumPost).where(*where).order_by(ForumPost.created_at, ForumPost.id)
                                 .limit(per_page).offset((page - 1) * per_page)))
    subscribed = bool(session.scalar(select(ForumSubscription.is_subscribed).where(
        ForumSubscription.thread_id == thread.id, ForumSubscription.user_id == user.id)))
    last_read = session.scalar(select(ForumRead.last_read_post_id).where(
        ForumRead.thread_id == thread.id, ForumRead.user_id == user.id)) or 0
    return ThreadView(thread, Page(items=posts, page=page, per_page=per_page, total=total or 0), moderator,
                      subscribed, last_read, newest or 0)
