"""Marshmallow schemas of the forum; input and output kept apart. Titles and prompts are in
the reader's language (the ``Accept-Language`` of the request, or their preference)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.core.i18n import current_language
from lms.core.pagination import page_count
from lms.forum.operations.posting import MAX_BODY, MAX_TITLE


def _author(user) -> dict | None:
    return {"id": user.id, "full_name": user.full_name} if user is not None else None


PERSON = {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"},
                                                              "full_name": {"type": "string"}}}


class ForumSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`group` (a tutored group's) or `course` (a self-paced "
                                                  "course's, for its trainees without a group)."})
    title = fields.Function(lambda f: f.title_in(current_language()), metadata={"type": "string"})
    course = fields.Function(lambda f: f.course.slug, metadata={"type": "string"})
    cohort_id = fields.Integer(allow_none=True)


class ForumSummarySchema(Schema):
    forum = fields.Nested(ForumSchema)
    threads = fields.Integer()
    unread = fields.Integer(metadata={"description": "Posts by others not read yet."})


class ThreadSchema(Schema):
    id = fields.Integer()
    forum_id = fields.Integer()
    title = fields.Function(lambda t: t.title_in(current_language()), metadata={"type": "string"})
    prompt = fields.Function(lambda t: t.prompt_in(current_language()) or None,
                             metadata={"type": "string", "nullable": True,
                                       "description": "The discussion prompt the thread was opened with "
                                                      "(threads seeded from the course content)."})
    module = fields.Function(lambda t: t.module.slug if t.module is not None else None,
                             metadata={"type": "string", "nullable": True})
    author = fields.Function(lambda t: _author(t.author), metadata=PERSON)
    created_at = fields.DateTime()
    is_pinned = fields.Boolean()
    is_locked = fields.Boolean()


class ThreadSummarySchema(Schema):
    thread = fields.Nested(ThreadSchema)
    posts = fields.Integer()
    unread = fields.Integer()
    last_activity_at = fields.DateTime()


class PageMixin(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Function(lambda p: page_count(p.total, p.per_page), metadata={"type": "integer"})


class ThreadPageSchema(PageMixin):
    items = fields.List(fields.Nested(ThreadSummarySchema))


class PostSchema(Schema):
    id = fields.Integer()
    thread_id = fields.Integer()
    author = fields.Function(lambda p: _author(p.author), metadata=PERSON)
    is_opening = fields.Boolean()
    body = fields.String(metadata={"description": "Markdown, as written."})
    html = fields.String(metadata={"description": "The Markdown as sanitised HTML."})
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back when editing: a stale version gets 409."})
    is_hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True, metadata={
        "description": "Why a moderator hid the post (hidden posts are shown to moderators only)."})


class PostPageSchema(PageMixin):
    items = fields.List(fields.Nested(PostSchema))


class ThreadViewSchema(Schema):
    thread = fields.Nested(ThreadSchema)
    posts = fields.Nested(PostPageSchema)
    moderator = fields.Boolean(metadata={"description": "Whether the reader moderates this forum."})
    subscribed = fields.Boolean()
    last_read_post_id = fields.Integer()


class RevisionSchema(Schema):
    number = fields.Integer()
    body = fields.String()
    html = fields.String()
    written_at = fields.DateTime()
    written_by = fields.Function(lambda r: _author(r.written_by), metadata=PERSON)
    replaced_at = fields.DateTime()


class ReadStateSchema(Schema):
    thread_id = fields.Integer()
    last_read_post_id = fields.Integer()


class SubscriptionSchema(Schema):
    thread_id = fields.Integer()
    subscribed = fields.Boolean(attribute="is_subscribed")


class ParticipationSchema(Schema):
    cohort_id = fields.Integer()
    posts = fields.Integer(metadata={"description": "Posts in the group's forum (tutors' too), hidden ones left out."})
    member_posts = fields.Integer(metadata={"description": "Of them, those written by active members."})
    members = fields.Integer(metadata={"description": "Active members."})
    members_who_posted = fields.Integer()
    share = fields.Float(allow_none=True, metadata={"description": "Percent of active members who posted."})


# --- input ------------------------------------------------------------------------------

class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class ThreadInSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TITLE))
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY),
                         metadata={"description": "Markdown; @Full Name or @tutor names someone."})
    module = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                           metadata={"description": "Slug of a module of the course the thread is about."})


class PostInSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY),
                         metadata={"description": "Markdown; @Full Name or @tutor names someone."})


class PostEditSchema(PostInSchema):
    version = fields.Integer(required=True, metadata={"description": "The post's version as read."})


class ModerationInSchema(Schema):
    pinned = fields.Boolean()
    locked = fields.Boolean()


class HideInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
