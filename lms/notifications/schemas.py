"""Marshmallow schemas of notifications; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.notifications.extension_points import EMAIL_CHOICES

EMAIL_DESCRIPTION = "now: an e-mail at once; digest: in the morning's summary; off: no e-mail."


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "case_study_graded"})
    kind_label = fields.String(metadata={"description": "In the request's language."})
    text = fields.String(metadata={"description": "The notification, written in the request's language."})
    link = fields.String(allow_none=True, metadata={"description": "Path of the object it is about."})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
    unread = fields.Integer(metadata={"description": "How many of all your notifications are unread."})


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread ones."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class UnreadCountSchema(Schema):
    unread = fields.Integer()


class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many notifications were marked read."})


class PreferenceSchema(Schema):
    kind = fields.String()
    label = fields.String(metadata={"description": "In the request's language."})
    in_app = fields.Boolean()
    email = fields.String(metadata={"enum": list(EMAIL_CHOICES), "description": EMAIL_DESCRIPTION})


class PreferenceInSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    in_app = fields.Boolean(required=True)
    email = fields.String(required=True, validate=validate.OneOf(EMAIL_CHOICES),
                          metadata={"description": EMAIL_DESCRIPTION})


class PreferencesInSchema(Schema):
    preferences = fields.List(fields.Nested(PreferenceInSchema), required=True,
                              validate=validate.Length(max=100),
                              metadata={"description": "Kinds left out keep their current choice."})
