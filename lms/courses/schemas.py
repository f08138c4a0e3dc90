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
    languages = fields.List(fields.String(), metadata={"description": "The languages the course declares."})
    complete_languages = fields.List(fields.String(), metadata={
        "description": "The languages every text of the course exists in, in step with the English."})
    language_completeness = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Per language, the percentage of the course's texts translated and in step with the English."})
    module_count = fields.Integer()
    lesson_count = fields.Integer()


class OutlineLessonSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    minutes = fields.Integer(allow_none=True)


class LocalizedListField(fields.Field):
    """Dump a list of ``{locale: text}`` maps (learning outcomes) as texts in the request's language."""

    def _serialize(self, value, attr, obj, **kwargs):
        return [localized(item) for item in value or ()]


class OutlineModuleSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    summary = LocalizedField(metadata={"type": "string"}, allow_none=True)
    outcomes = LocalizedListField(metadata={"type": "array", "items": {"type": "string"},
                                            "description": "Learning outcomes, in order."})
    beneficiaries = fields.List(fields.String(), metadata={
        "description": "A national annex: the beneficiary codes whose trainees are shown it; empty for all."})
    lessons = fields.List(fields.Nested(OutlineLessonSchema))


class CourseDetailSchema(CourseSummarySchema):
    outcomes = LocalizedListField(metadata={"type": "array", "items": {"type": "string"},
                                            "description": "Learning outcomes of the whole course."})
    modules = fields.List(fields.Nested(OutlineModuleSchema), metadata={
        "description": "Every module for visitors and staff; a trainee's own modules for a trainee "
                       "(no other beneficiary's national annex)."})


class DiscussionPromptSchema(Schema):
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    prompt = LocalizedField(metadata={"type": "string"})


class TutorGuideSchema(Schema):
    """Dumped from a ``TutorGuide``."""

    course = fields.String(attribute="course.slug")
    module = fields.String(attribute="module.slug")
    title = LocalizedField(attribute="module.title", metadata={"type": "string"})
    beneficiaries = fields.List(fields.String())
    language = fields.String(metadata={"description": "Language of the guide returned; empty when there is none."})
    fallback = fields.Boolean(metadata={"description": "True when the guide is not in the language asked for."})
    html = fields.String(metadata={"description": "Sanitised HTML of the guide."})
    outcomes = fields.List(fields.String())
    discussion = fields.List(fields.Nested(DiscussionPromptSchema))


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
                                                       "nor in the language of the reader's tutored group, but "
                                                       "in the closest language that has it (English last)."})
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
