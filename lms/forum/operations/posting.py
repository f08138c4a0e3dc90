"""Writing in a forum: opening a thread, replying, editing (every earlier text kept), naming
people with @. Whoever writes in a thread follows it, unless they chose to stop."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.concurrency import expect_version
from lms.core.errors import NotAllowed, ValidationFailed
from lms.core.i18n import _
from lms.core.markdown import render_markdown
from lms.core.models import utcnow
from lms.courses.models import ACTIVE, Enrolment, Module
from lms.forum.extension_points import FORUM_EVENTS, ForumEvent
from lms.forum.models import (
    Forum,
    ForumMention,
    ForumPost,
    ForumPostRevision,
    ForumSubscription,
    ForumThread,
)
from lms.tutors.models import MEMBER_ACTIVE, CohortMembership, CohortTutor

MAX_TITLE = 200
MAX_BODY = 20_000
# "@tutor" names every tutor of the group, in any language of the platform.
TUTOR_WORDS = ("tutor", "tutorin", "tutori", "тутор", "mentor", "ментор")


@dataclass(frozen=True)
class ThreadFields:
    title: str
    body: str
    module_id: int | None = None


def _checked_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write something first."), field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(_("The text is too long (at most {limit} characters).").format(limit=MAX_BODY),
                               field="body")
    return body


def _check_writer(forum: Forum, user: User) -> None:
    if not forum.can_be_read_by(user):
        raise NotAllowed()


def create_thread(session: Session, user: User, forum: Forum, fields: ThreadFields) -> ForumThread:
    _check_writer(forum, user)
    title = (fields.title or "").strip()
    errors: dict = {}
    if not title:
        errors["title"] = [_("Give the thread a title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("The title is too long (at most {limit} characters).").format(limit=MAX_TITLE)]
    try:
        body = _checked_body(fields.body)
    except ValidationFailed as error:
        errors.update(error.errors)
        body = ""
    if fields.module_id is not None and not session.scalar(select(Module.id).where(
            Module.id == fields.module_id, Module.course_id == forum.course_id, Module.is_retired.is_(False))):
        errors["module"] = [_("Choose a module of this course.")]
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    thread = ForumThread(forum=forum, title=title, module_id=fields.module_id, author_id=user.id, created_at=now)
    session.add(thread)
    session.flush()
    post = ForumPost(thread_id=thread.id, author_id=user.id, is_opening=True, body=body,
                     html=render_markdown(body), created_at=now)
    session.add(post)
    session.flush()
    _follow(session, user, thread)
    _after_writing(session, post, thread, new_mentions=_record_mentions(session, post, forum))
    return thread


def reply(session: Session, user: User, thread: ForumThread, body: str) -> ForumPost:
    forum = thread.forum
    _check_writer(forum, user)
    if thread.is_locked and not forum.can_be_moderated_by(user):
        raise NotAllowed(_("This thread is locked: no new replies."))
    post = ForumPost(thread_id=thread.id, author_id=user.id, body=_checked_body(body), created_at=utcnow())
    post.html = render_markdown(post.body)
    session.add(post)
    session.flush()
    _follow(session, user, thread)
    _after_writing(session, post, thread, new_mentions=_record_mentions(session, post, forum))
    return post


def can_edit(user: User, post: ForumPost) -> bool:
    thread = post.thread
    if thread.forum.can_be_moderated_by(user):
        return True
    return post.author_id == user.id and not thread.is_locked and not post.is_hidden


def edit_post(session: Session, user: User, post: ForumPost, body: str, *, version: int | None) -> ForumPost:
    """Change a post's text (its author, or a moderator); the text it had is kept as a revision."""
    if not can_edit(user, post):
        raise NotAllowed(_("Only its author (while the thread is open) and the forum's moderators edit a post."))
    body = _checked_body(body)
    expect_version(post, version, _("The post was changed in the meantime. Reload the page to see the change, "
                                    "then make yours again."))
    if body == post.body:
        return post
    number = (session.scalar(select(func.max(ForumPostRevision.number)).where(
        ForumPostRevision.post_id == post.id)) or 0) + 1
    now = utcnow()
    session.add(ForumPostRevision(post_id=post.id, number=number, body=post.body, html=post.html,
                                  written_at=post.edited_at or post.created_at,
                                  written_by_id=post.edited_by_id or post.author_id, replaced_at=now))
    post.body, post.html = body, render_markdown(body)
    post.edited_at, post.edited_by_id = now, user.id
    session.flush()
    new = _record_mentions(session, post, post.thread.forum)
    if new:
        _announce(session, ForumEvent("mention", post, post.thread, tuple(new)))
    return post


def revisions_of(session: Session, post: ForumPost) -> list[ForumPostRevision]:
    """Earlier texts of a post, newest first."""
    return list(session.scalars(select(ForumPostRevision).where(ForumPostRevision.post_id == post.id)
                                .order_by(ForumPostRevision.number.desc())))


# --- following --------------------------------------------------------------------------

def _follow(session: Session, user: User, thread: ForumThread) -> None:
    """Whoever writes follows the thread, unless they once chose to stop."""
    if session.scalar(select(ForumSubscription.id).where(
            ForumSubscription.thread_id == thread.id, ForumSubscription.user_id == user.id)) is None:
        session.add(ForumSubscription(thread_id=thread.id, user_id=user.id, is_subscribed=True, changed_at=utcnow()))
        session.flush()


def set_subscription(session: Session, user: User, thread: ForumThread, subscribed: bool) -> ForumSubscription:
    row = session.scalar(select(ForumSubscription).where(
        ForumSubscription.thread_id == thread.id, ForumSubscription.user_id == user.id))
    if row is None:
        row = ForumSubscription(thread_id=thread.id, user_id=user.id)
        session.add(row)
    if row.is_subscribed != subscribed or row.id is None:
        row.is_subscribed = subscribed
        row.changed_at = utcnow()
    session.flush()
    return row


# --- mentions ---------------------------------------------------------------------------

def participants(session: Session, forum: Forum) -> tuple[list[User], list[User]]:
    """(tutors, members) of the forum's group; a course forum has members only."""
    if forum.cohort_id is not None:
        tutors = list(session.scalars(select(User).join(CohortTutor, CohortTutor.user_id == User.id)
                                      .where(CohortTutor.cohort_id == forum.cohort_id)))
        members = list(session.scalars(
            select(User).join(Enrolment, Enrolment.user_id == User.id)
            .join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
            .where(CohortMembership.cohort_id == forum.cohort_id, CohortMembership.status == MEMBER_ACTIVE)))
        return tutors, members
    in_group = select(CohortMembership.enrolment_id)
    members = list(session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        Enrolment.course_id == forum.course_id, Enrolment.status == ACTIVE, Enrolment.id.not_in(in_group))))
    return [], members


def mentioned_in(text: str, tutors: list[User], members: list[User]) -> set[int]:
    """Who ``text`` names: ``@Full Name`` of a tutor or member (any case), ``@tutor`` for every tutor."""
    folded = text.casefold()
    found = set()
    if any(re.search(rf"@{word}\b", folded) for word in TUTOR_WORDS):
        found |= {t.id for t in tutors}
    for person in [*tutors, *members]:
        name = (person.full_name or "").casefold().strip()
        if name and re.search(rf"@{re.escape(name)}(?!\w)", folded):
            found.add(person.id)
    return found


def _record_mentions(session: Session, post: ForumPost, forum: Forum) -> list[int]:
    """Record whom the post names; return those it had not named before."""
    tutors, members = participants(session, forum)
    named = mentioned_in(post.body, tutors, members) - {post.author_id}
    known = set(session.scalars(select(ForumMention.user_id).where(ForumMention.post_id == post.id)))
    new = sorted(named - known)
    for user_id in new:
        session.add(ForumMention(post_id=post.id, user_id=user_id))
    session.flush()
    return new


# --- telling other features -------------------------------------------------------------

def _after_writing(session: Session, post: ForumPost, thread: ForumThread, *, new_mentions: list[int]) -> None:
    """Those named hear of the mention; the thread's other followers (its author, those who
    replied and still follow) hear of the reply."""
    if new_mentions:
        _announce(session, ForumEvent("mention", post, thread, tuple(new_mentions)))
    if post.is_opening:
        return
    followers = set(session.scalars(select(ForumSubscription.user_id).where(
        ForumSubscription.thread_id == thread.id, ForumSubscription.is_subscribed.is_(True))))
    recipients = sorted(followers - {post.author_id} - set(new_mentions))
    if recipients:
        _announce(session, ForumEvent("reply", post, thread, tuple(recipients)))


def _announce(session: Session, event: ForumEvent) -> None:
    for listener in FORUM_EVENTS:
        listener(session, event)
