"""The forum's rules, one module per use case."""

from lms.forum.operations.digest import send_digests
from lms.forum.operations.forums import (
    ensure_forum,
    forum_by_id,
    forum_of_cohort,
    forum_of_course,
    readable_forum,
    seed_all,
    seed_course,
    thread_by_id,
)
from lms.forum.operations.lists import (
    ThreadSummary,
    ThreadView,
    my_forums,
    thread_list,
    thread_view,
)
from lms.forum.operations.moderation import hide_post, set_thread_state, show_post
from lms.forum.operations.participation import Participation, participation
from lms.forum.operations.posting import (
    ThreadFields,
    can_edit,
    create_thread,
    edit_post,
    reply,
    revisions_of,
    set_subscription,
)
from lms.forum.operations.reading import mark_read, record_read

__all__ = [
    "send_digests", "ensure_forum", "forum_by_id", "forum_of_cohort", "forum_of_course", "readable_forum",
    "seed_all", "seed_course", "thread_by_id", "ThreadSummary", "ThreadView", "my_forums", "thread_list",
    "thread_view", "hide_post", "set_thread_state", "show_post", "Participation", "participation",
    "ThreadFields", "can_edit", "create_thread", "edit_post", "reply", "revisions_of", "set_subscription",
    "mark_read", "record_read",
]
