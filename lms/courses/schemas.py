"""Marshmallow schemas for courses, enrolments and progress; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.core.i18n import localized


class LocalizedField(fields.Field):
    """Dump a ``{locale: text}`` map as the text in the request's language."""

    def _serialize(self, value, attr, obj, **kwargs):
        return localized(value) if value else None


class CourseSummarySchema(Schema):
    slug = fields.String()
    version = fields.Integer()
    format = fields.String(metadata={"enum": ["tutored", "self-paced"]})
    title = LocalizedField(metadata={"type": "string"})
    summary = LocalizedField(metadata={"type": "string"})
    hours = fields.Float()
    pass_mark = fields.Integer()
    languages = fields.List(fields.String())
    module_count = fields.Integer()
    lesson_count = fields.Integer()


class OutlineLessonSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    minutes = fields.Integer(allow_none=True)


class OutlineModuleSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    summary = LocalizedField(metadata={"type": "string"}, allow_none=True)
    lessons = fields.List(fields.Nested(OutlineLessonSchema))


class CourseDetailSchema(CourseSummarySchema):
    modules = fields.List(fields.Nested(OutlineModuleSchema))


class EnrolmentSchema(Schema):
    id = fields.Integer()
    course = fields.Function(lambda e: e.course.slug, metadata={"type": "string"})
    status = fields.String(metadata={"enum": ["active", "withdrawn"]})
    progress_percent = fields.Integer()
    enrolled_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    last_activity_at = fields.DateTime(allow_none=True)


class EnrolInSchema(Schema):
    course = fields.String(required=True, validate=validate.Length(min=1, max=100),
                           metadata={"description": "Slug of a self-paced course."})


class RequirementStatusSchema(Schema):
    kind = fields.Function(lambda s: s.requirement.kind, metadata={"type": "string"})
    ref = fields.Function(lambda s: s.requirement.ref, metadata={"type": "string"})
    label = fields.String()
    met = fields.Boolean()


class ProgressSchema(Schema):
    """Dumped from an ``EnrolmentProgress``."""

    enrolment_id = fields.Integer(attribute="enrolment.id")
    course = fields.String(attribute="enrolment.course.slug")
    percent = fields.Integer()
    completed = fields.Boolean(attribute="enrolment.is_completed")
    completed_at = fields.DateTime(attribute="enrolment.completed_at", allow_none=True)
    lessons_done = fields.Integer(attribute="progress.lessons_done")
    lessons_total = fields.Integer(attribute="progress.lessons_total")
    completed_lessons = fields.List(fields.Integer())
    requirements = fields.List(fields.Nested(RequirementStatusSchema), attribute="progress.requirements")


class LessonSchema(Schema):
    """Dumped from a ``LessonView``."""

    id = fields.Integer(attribute="page.lesson_id")
    course = fields.String(attribute="page.course_slug")
    module = fields.String(attribute="page.module_slug")
    slug = fields.String(attribute="page.lesson_slug")
    title = fields.String(attribute="page.lesson_title")
    language = fields.String(attribute="page.language", metadata={"description": "Language of the text returned."})
    fallback = fields.Boolean(attribute="page.fallback",
                              metadata={"description": "True when the text is neither in the language asked for "
                                                       "nor in the language of the reader's tutored group."})
    html = fields.String(attribute="page.html", metadata={"description": "Sanitised HTML of the lesson."})
    completed = fields.Function(lambda view: None if view.preview else view.completed, allow_none=True,
                                metadata={"type": "boolean", "description": "None when previewing (staff)."})


class StepSchema(Schema):
    """Dumped from a ``Step`` of the learning path."""

    kind = fields.String(metadata={"enum": ["lesson", "quiz", "case_study"]})
    id = fields.Integer()
    module_id = fields.Integer(allow_none=True)
    title = LocalizedField(metadata={"type": "string"})
    url = fields.String(allow_none=True)
    done = fields.Boolean()
    waiting = fields.Boolean()


class NextStepSchema(Schema):
    """Where the trainee goes on; ``step`` is null when nothing is left to do."""

    step = fields.Nested(StepSchema, allow_none=True)
