"""JSON API of the forums: the forums one reads, their threads, posts, moderation,
following, read state and each group's participation.

The same operations and refusals as the pages: a forum, thread or post of a group one is not
a member, tutor or manager of is answered 404 (its existence is private); moderation by a
reader who is not a moderator is 403.
"""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.core.permissions import require
from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.models import ForumPost
from lms.forum.operations.forums import module_of
from lms.forum.operations.lists import forum_summary
from lms.forum.schemas import (
    ForumSummarySchema,
    HideInSchema,
    ModerationInSchema,
    PageArgsSchema,
    ParticipationSchema,
    PostEditSchema,
    PostInSchema,
    PostSchema,
    ReadStateSchema,
    RevisionSchema,
    SubscriptionSchema,
    ThreadInSchema,
    ThreadPageSchema,
    ThreadSchema,
    ThreadViewSchema,
)
from lms.tutors.operations import cohorts

blp = api_blueprint("forum_api", __name__, "Discussion forums of tutored groups and self-paced courses: threads, "
                                           "posts, moderation, following, read state, participation.")

NOT_YOURS = "No such forum, thread or post, or not one of a group you belong to, tutor or manage."
MODERATORS_ONLY = "Only the forum's moderators (the group's tutors, managers in scope, administrators) do this."


def _post(post_id: int) -> ForumPost:
    post = db.session.get(ForumPost, post_id)
    if post is None:
        raise NotFound()
    ops.thread_by_id(db.session, current_user, post.thread_id)  # 404 outside the forum
    if post.is_hidden and not post.thread.forum.can_be_moderated_by(current_user):
        raise NotFound()
    return post


@blp.get("/forums")
@authenticated
@blp.response(200, ForumSummarySchema(many=True))
def list_forums():
    """The forums the caller reads (their groups', their self-paced courses', those they moderate),
    each with its number of threads and of posts not read yet."""
    return ops.my_forums(db.session, current_user)


@blp.get("/forums/<int:forum_id>/threads")
@authenticated
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ThreadPageSchema)
@blp.alt_response(404, description=NOT_YOURS)
def list_threads(args, forum_id: int):
    """A forum's threads, pinned first, then by latest activity, with their posts and unread posts."""
    forum = ops.readable_forum(db.session, current_user, forum_id)
    return ops.thread_list(db.session, current_user, forum, page=args["page"])


@blp.post("/forums/<int:forum_id>/threads")
@authenticated
@blp.arguments(ThreadInSchema)
@blp.response(201, ThreadSchema)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(422, description="A title or text missing or too long, or an unknown module.")
def create_thread(data, forum_id: int):
    """Open a thread (its first post is `body`); the author follows it."""
    forum = ops.readable_forum(db.session, current_user, forum_id)
    module_id = module_of(db.session, forum, data.get("module"))
    return ops.create_thread(db.session, current_user, forum,
                             ops.ThreadFields(title=data["title"], body=data["body"], module_id=module_id))


@blp.get("/forum-threads/<int:thread_id>")
@authenticated
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ThreadViewSchema)
@blp.alt_response(404, description=NOT_YOURS)
def get_thread(args, thread_id: int):
    """A thread and one page of its posts (50 a page). Reading it here records nothing: send
    `POST …/read` to mark it read."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return ops.thread_view(db.session, current_user, thread, page=args["page"])


@blp.post("/forum-threads/<int:thread_id>/posts")
@authenticated
@blp.arguments(PostInSchema)
@blp.response(201, PostSchema)
@blp.alt_response(403, description="The thread is locked (only moderators still reply).")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(422, description="The text is missing or too long.")
def create_post(data, thread_id: int):
    """Reply; the writer follows the thread, its followers and anyone named with @ are told."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return ops.reply(db.session, current_user, thread, data["body"])


@blp.post("/forum-threads/<int:thread_id>/read")
@authenticated
@blp.response(200, ReadStateSchema)
@blp.alt_response(404, description=NOT_YOURS)
def mark_read(thread_id: int):
    """Mark every post of the thread so far as read."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return {"thread_id": thread.id, "last_read_post_id": ops.mark_read(db.session, current_user, thread)}


@blp.put("/forum-threads/<int:thread_id>/subscription")
@authenticated
@blp.response(200, SubscriptionSchema)
@blp.alt_response(404, description=NOT_YOURS)
def subscribe(thread_id: int):
    """Follow the thread: its new posts come in the daily digest."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return ops.set_subscription(db.session, current_user, thread, True)


@blp.delete("/forum-threads/<int:thread_id>/subscription")
@authenticated
@blp.response(200, SubscriptionSchema)
@blp.alt_response(404, description=NOT_YOURS)
def unsubscribe(thread_id: int):
    """Stop following the thread (replying again does not follow it again)."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return ops.set_subscription(db.session, current_user, thread, False)


@blp.patch("/forum-threads/<int:thread_id>")
@authenticated
@blp.arguments(ModerationInSchema)
@blp.response(200, ThreadSchema)
@blp.alt_response(403, description=MODERATORS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
def moderate_thread(data, thread_id: int):
    """Pin or unpin (`pinned`), lock or unlock (`locked`) a thread."""
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    return ops.set_thread_state(db.session, current_user, thread, pinned=data.get("pinned"),
                                locked=data.get("locked"))


@blp.patch("/forum-posts/<int:post_id>")
@authenticated
@blp.arguments(PostEditSchema)
@blp.response(200, PostSchema)
@blp.alt_response(403, description="Only its author (while the thread is open) and the moderators edit a post.")
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="The post was edited since `version` was read; `version` is the current one.")
@blp.alt_response(422, description="The text is missing or too long.")
def edit_post(data, post_id: int):
    """Change a post's text; the text it had is kept in its history."""
    post = _post(post_id)
    return ops.edit_post(db.session, current_user, post, data["body"], version=data["version"])


@blp.get("/forum-posts/<int:post_id>/revisions")
@authenticated
@blp.response(200, RevisionSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def post_revisions(post_id: int):
    """A post's earlier texts, newest first."""
    return ops.revisions_of(db.session, _post(post_id))


@blp.put("/forum-posts/<int:post_id>/hidden")
@authenticated
@blp.arguments(HideInSchema)
@blp.response(200, PostSchema)
@blp.alt_response(403, description=MODERATORS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(422, description="The reason is missing or too long.")
def hide_post(data, post_id: int):
    """Hide a post from trainees, with a reason the moderators read."""
    return ops.hide_post(db.session, current_user, _post(post_id), data["reason"])


@blp.delete("/forum-posts/<int:post_id>/hidden")
@authenticated
@blp.response(200, PostSchema)
@blp.alt_response(403, description=MODERATORS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
def show_post(post_id: int):
    """Show a hidden post again."""
    return ops.show_post(db.session, current_user, _post(post_id))


@blp.get("/cohorts/<int:cohort_id>/forum")
@authenticated
@blp.response(200, ForumSummarySchema)
@blp.alt_response(404, description=NOT_YOURS + " Or the group's forum is not opened yet.")
def cohort_forum(cohort_id: int):
    """The group's forum (its id for the other operations)."""
    forum = ops.forum_of_cohort(db.session, cohort_id)
    require(forum.can_be_read_by(current_user), hide=True)
    return forum_summary(db.session, current_user, forum)


@blp.get("/cohorts/<int:cohort_id>/forum/participation")
@authenticated
@blp.response(200, ParticipationSchema)
@blp.alt_response(404, description="No such group, or not one you tutor or manage.")
def cohort_participation(cohort_id: int):
    """Participation in the group's discussion: posts, and the share of its members who posted."""
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return ops.participation(db.session, [cohort.id]).get(cohort.id) or ops.Participation(cohort.id, 0, 0, 0, 0)

