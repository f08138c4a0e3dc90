"""The daily digest: to each follower of threads, one e-mail in their language listing the
posts written since their last digest that they have not read, in the threads they follow
and may still read.

Never twice: each digest is first claimed as a ``forum_digest`` row, unique per person per
day, in the transaction that queues its mail; a second worker (or a retry) finds the row and
skips that person. Everything of one run is one transaction: a failure rolls back claims
and mails together, and the retry sends them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import render_template
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.i18n import ngettext, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow
from lms.core.urls import absolute_url, origin
from lms.forum.models import ForumDigest, ForumPost, ForumRead, ForumSubscription, ForumThread
from lms.forum.operations.lists import readable_forums_query

DIGEST_POSTS = 40  # listed in full; the rest are counted


def _pending(session: Session, now: datetime):
    """(user id, post) for every post a follower has not had: newer than their last digest
    (or than when they began following), not theirs, not read, not hidden, up to ``now``."""
    last = (select(ForumDigest.user_id, func.max(ForumDigest.covered_until).label("until"))
            .group_by(ForumDigest.user_id).subquery())
    read = ForumRead.__table__.alias("reader")
    since = func.coalesce(last.c.until, ForumSubscription.changed_at)
    return (select(ForumSubscription.user_id, ForumPost)
            .join(ForumPost, ForumPost.thread_id == ForumSubscription.thread_id)
            .outerjoin(last, last.c.user_id == ForumSubscription.user_id)
            .outerjoin(read, and_(read.c.user_id == ForumSubscription.user_id,
                                  read.c.thread_id == ForumSubscription.thread_id))
            .where(ForumSubscription.is_subscribed.is_(True), ForumPost.created_at > since,
                   ForumPost.created_at <= now, ForumPost.author_id != ForumSubscription.user_id,
                   ForumPost.hidden_at.is_(None), ForumPost.id > func.coalesce(read.c.last_read_post_id, 0))
            .order_by(ForumSubscription.user_id, ForumPost.thread_id, ForumPost.id))


def send_digests(session: Session, *, now: datetime | None = None) -> int:
    """Send today's digests not sent yet; return how many were sent."""
    now = now or utcnow()
    day = now.date()
    by_user: dict[int, list[ForumPost]] = defaultdict(list)
    for user_id, post in session.execute(_pending(session, now)):
        by_user[user_id].append(post)
    already = set(session.scalars(select(ForumDigest.user_id).where(
        ForumDigest.day == day, ForumDigest.user_id.in_(list(by_user)))))
    sent = 0
    for user_id in sorted(set(by_user) - already):
        user = session.get(User, user_id)
        if user is None or not user.is_active_account:
            continue
        readable = set(session.scalars(readable_forums_query(user)))
        posts = [p for p in by_user[user_id] if p.thread.forum_id in readable]
        if not posts:
            continue
        if not _claim(session, user_id, day, now, len(posts)):
            continue
        _mail(session, user, posts)
        sent += 1
    session.flush()
    return sent


def _claim(session: Session, user_id: int, day, now: datetime, count: int) -> bool:
    """Take today's digest of this person; False if another run has (the unique row)."""
    try:
        with session.begin_nested():
            session.add(ForumDigest(user_id=user_id, day=day, covered_until=now, post_count=count, created_at=now))
    except IntegrityError:
        return False
    return True


def _mail(session: Session, user: User, posts: list[ForumPost]) -> None:
    threads: dict[int, tuple[ForumThread, list[ForumPost]]] = {}
    for post in posts[:DIGEST_POSTS]:
        threads.setdefault(post.thread_id, (post.thread, []))[1].append(post)
    with use_language(user.language):
        subject = ngettext("Forum: %(num)s new post in threads you follow",
                           "Forum: %(num)s new posts in threads you follow", len(posts))
        text = render_template(
            "forum/email/digest.txt", user=user, language=user.language, total=len(posts),
            more=max(0, len(posts) - DIGEST_POSTS), site_origin=origin(),
            threads=[(thread, items, absolute_url("forum.thread", thread_id=thread.id))
                     for thread, items in threads.values()],
            forums_url=absolute_url("forum.forums"))
    queue_mail(session, Mail(to=user.email, subject=subject, text=text))
