"""The forum's notifications in the app (``lms.notifications``): a reply in a thread one
follows, and being named in a post with @. Their e-mail: a mention at once; a reply only in
the forum's own daily digest (``forum_digest``), so nobody is mailed the same post twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.i18n import _, _l
from lms.forum.extension_points import ForumEvent
from lms.forum.operations.posting import participants
from lms.notifications.extension_points import EMAIL_NOW, EMAIL_OFF, NotificationKind
from lms.notifications.operations import notify

REPLY, MENTION = "forum_reply", "forum_mention"

KINDS = (
    NotificationKind(REPLY, _l("Reply in a forum thread you follow"), default_email=EMAIL_OFF, order=40,
                     render=lambda p: _("{author} replied in “{thread}”.").format(author=p["author"],
                                                                                   thread=p["thread"])),
    NotificationKind(MENTION, _l("Mentioned in the forum"), default_email=EMAIL_NOW, order=41,
                     render=lambda p: _("{author} mentioned you in “{thread}”.").format(author=p["author"],
                                                                                        thread=p["thread"])),
)


def _readers(session: Session, forum, user_ids: tuple[int, ...]) -> list[User]:
    """Those of ``user_ids`` who may still read the forum (a withdrawn trainee is told nothing)."""
    tutors, members = participants(session, forum)
    inside = {u.id for u in [*tutors, *members]}
    users = session.scalars(select(User).where(User.id.in_(list(user_ids)))).all()
    return [u for u in users if u.is_active_account and (u.id in inside or forum.can_be_moderated_by(u))]


def tell(session: Session, event: ForumEvent) -> None:
    """A forum event (``FORUM_EVENTS``) becomes one notification per recipient, once per post."""
    thread = event.thread
    title = dict(thread.prompt.title) if thread.prompt is not None else thread.title
    kind = REPLY if event.kind == "reply" else MENTION
    for user in _readers(session, thread.forum, event.recipient_ids):
        notify(session, user, kind, params={"author": event.post.author.full_name, "thread": title},
               link_endpoint="forum.thread", link_params={"thread_id": thread.id},
               dedupe_key=f"{kind}:{event.post.id}")
