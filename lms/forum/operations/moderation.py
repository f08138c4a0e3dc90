"""A moderator's hand on a thread: pin it, lock it, hide a post with a reason (shown to
moderators; the post is gone for trainees), show it again. Each change is in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core import audit
from lms.core.errors import NotAllowed, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.forum.models import ForumPost, ForumThread

MAX_REASON = 1000


def _require_moderator(user: User, thread: ForumThread) -> None:
    if not thread.forum.can_be_moderated_by(user):
        raise NotAllowed(_("Only the group's tutors and managers moderate its forum."))


def set_thread_state(session: Session, user: User, thread: ForumThread, *, pinned: bool | None = None,
                     locked: bool | None = None) -> ForumThread:
    """Pin or unpin, lock or unlock; asking for the state a thread already has changes nothing."""
    _require_moderator(user, thread)
    before = {"pinned": thread.is_pinned, "locked": thread.is_locked}
    if pinned is not None:
        thread.is_pinned = pinned
    if locked is not None:
        thread.is_locked = locked
    after = {"pinned": thread.is_pinned, "locked": thread.is_locked}
    if after != before:
        audit.record(session, actor_id=user.id, action="forum.thread_moderated", subject_type="forum_thread",
                     subject_id=thread.id, before=before, after=after)
    session.flush()
    return thread


def hide_post(session: Session, user: User, post: ForumPost, reason: str | None) -> ForumPost:
    _require_moderator(user, post.thread)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the post is hidden (its author's moderators read it)."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_("The reason is too long (at most {limit} characters).").format(limit=MAX_REASON),
                               field="reason")
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), user.id, reason
    audit.record(session, actor_id=user.id, action="forum.post_hidden", subject_type="forum_post",
                 subject_id=post.id, reason=reason)
    session.flush()
    return post


def show_post(session: Session, user: User, post: ForumPost) -> ForumPost:
    _require_moderator(user, post.thread)
    if post.is_hidden:
        post.hidden_at = post.hidden_by_id = post.hidden_reason = None
        audit.record(session, actor_id=user.id, action="forum.post_shown", subject_type="forum_post",
                     subject_id=post.id)
        session.flush()
    return post
