"""What a phone sends when it is back online, and what it is answered."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, post_load, validate

from lms.core.web import DATABASE_ID_MAX
from lms.courses.schemas import ProgressSchema
from lms.offline.operations import ALREADY_DONE, MAX_ACTIONS, RECORDED, OfflineCompletion


class OfflineCompletionInSchema(Schema):
    lesson = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=DATABASE_ID_MAX),
                            metadata={"description": "The lesson marked as done."})
    done_at = fields.AwareDateTime(required=True, default_timezone=UTC, metadata={
        "description": "When the trainee marked it as done, by the device's clock (ISO 8601; UTC when no "
                       "offset is given). Not more than 5 minutes ahead of the server; a time before the "
                       "enrolment counts as the enrolment's time."})

    @post_load
    def to_completion(self, data, **kwargs):
        return OfflineCompletion(lesson_id=data["lesson"], done_at=data["done_at"])


class OfflineSyncInSchema(Schema):
    completions = fields.List(fields.Nested(OfflineCompletionInSchema), required=True,
                              validate=validate.Length(min=1, max=MAX_ACTIONS), metadata={
                                  "description": f"The lessons marked as done offline, 1 to {MAX_ACTIONS}."})


class SyncedLessonSchema(Schema):
    lesson = fields.Integer(attribute="lesson_id")
    status = fields.String(metadata={"enum": [RECORDED, ALREADY_DONE], "description":
                                     "recorded: it counts from now; already_done: it had been recorded before "
                                     "(online or by an earlier sync) and still counts once."})
    completed_at = fields.DateTime(metadata={"description": "The completion time kept: the earliest known."})


class SyncResultSchema(Schema):
    """Dumped from a ``SyncResult``."""

    lessons = fields.List(fields.Nested(SyncedLessonSchema))
    progress = fields.Nested(ProgressSchema, attribute="standing")
