"""Marshmallow schemas of announcements; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.announcements.models import BODY_MAX, TITLE_MAX


class AnnouncementSchema(Schema):
    id = fields.Integer()
    course = fields.Function(lambda a: a.course.slug, metadata={"description": "Course slug."})
    cohorts = fields.Function(lambda a: sorted(a.cohort_ids), metadata={"description": "Ids of the groups it went to."})
    title = fields.String(metadata={"description": "As the author wrote it."})
    body = fields.String(metadata={"description": "Markdown, as the author wrote it."})
    html = fields.String(metadata={"description": "The body as sanitised HTML."})
    author = fields.Function(lambda a: a.author_name)
    created_at = fields.DateTime()


class AnnouncementPageSchema(Schema):
    items = fields.List(fields.Nested(AnnouncementSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class AnnouncementInSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    body = fields.String(required=True, validate=validate.Length(min=1, max=BODY_MAX),
                         metadata={"description": "Markdown; sanitised."})


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
