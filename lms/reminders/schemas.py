"""Marshmallow schemas of reminders; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.reminders.models import DAYS_MAX, NOTE_MAX
from lms.reminders.operations import DEFAULT_INACTIVE_DAYS, FILTERS
from lms.reminders.templates import MANUAL


class CandidateQuerySchema(Schema):
    filter = fields.String(load_default="behind", validate=validate.OneOf(FILTERS))
    days = fields.Integer(load_default=DEFAULT_INACTIVE_DAYS, validate=validate.Range(min=1, max=DAYS_MAX),
                          metadata={"description": "For the filter `inactive`: days without activity."})


class CandidateSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    percent = fields.Integer()
    last_activity_at = fields.DateTime(allow_none=True)
    behind = fields.Boolean()


class SendInSchema(Schema):
    user_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1, max=500))
    template = fields.String(required=True, validate=validate.OneOf([t.key for t in MANUAL]))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NOTE_MAX),
                         metadata={"description": "Sent as written, below the message in the trainee's language."})


class ReminderSchema(Schema):
    id = fields.Integer()
    recipient_id = fields.Integer()
    recipient_name = fields.Function(lambda r: r.recipient.full_name)
    sender_id = fields.Integer(allow_none=True, metadata={"description": "None: an automatic reminder."})
    template = fields.String()
    note = fields.String(allow_none=True)
    trigger = fields.String()
    sent_at = fields.DateTime()


class SentSchema(Schema):
    sent = fields.List(fields.Nested(ReminderSchema))


class ReminderPageSchema(Schema):
    items = fields.List(fields.Nested(ReminderSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class SettingsSchema(Schema):
    days_before_due = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=DAYS_MAX),
                                     metadata={"description": "None: no reminder before due dates."})
    inactive_days = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=DAYS_MAX),
                                   metadata={"description": "None: no reminder after inactivity."})


class SettingsInSchema(Schema):
    days_before_due = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1, max=DAYS_MAX))
    inactive_days = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1, max=DAYS_MAX))
