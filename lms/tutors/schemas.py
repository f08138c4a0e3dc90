"""Marshmallow schemas of tutored groups, assignments and grading; input and output kept apart.

One output schema per resource, dumped from the model (a cohort, a membership, a submission)
or from the dataclass the operation returns (a case study as read, a progress row, a page of
the grading queue).
"""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from lms.courses.schemas import LocalizedField
from lms.tutors.models import ACCEPTED, DRAFT, RETURNED, SUBMITTED
from lms.tutors.operations.grading_queue import ALL, STATUSES

SUBMISSION_STATUSES = [DRAFT, SUBMITTED, RETURNED, ACCEPTED]


# --- cohorts ---------------------------------------------------------------------------

class CohortSchema(Schema):
    """A tutored group, as its tutors and managers see it."""

    id = fields.Integer()
    name = fields.String()
    course = fields.Function(lambda c: c.course.slug, metadata={"type": "string"})
    beneficiary = fields.Function(lambda c: c.beneficiary.code, metadata={"type": "string"})
    beneficiary_name = fields.Function(lambda c: c.beneficiary.name, metadata={"type": "string"})
    language = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    capacity = fields.Integer()
    is_open = fields.Boolean()
    allow_other_beneficiaries = fields.Boolean()
    tutors = fields.Function(lambda c: [{"id": u.id, "full_name": u.full_name} for u in c.tutors],
                             metadata={"type": "array", "items": {"type": "object"}})
    version = fields.Integer()
    enrolment_key = fields.Function(lambda c: c.display_key, metadata={"type": "string"})
    members = fields.Integer(attribute="active_members", metadata={"description": "Active members."})


class TraineeCohortSchema(CohortSchema):
    """A tutored group as its trainees see it: without the enrolment key and the member count."""

    class Meta:
        exclude = ("enrolment_key", "members")


class CohortInSchema(Schema):
    course = fields.String(required=True, validate=validate.Length(min=1, max=100),
                           metadata={"description": "Slug of a tutored course."})
    beneficiary = fields.String(required=True, validate=validate.Length(equal=2),
                                metadata={"description": "Beneficiary code, e.g. RS."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    language = fields.String(required=True, validate=validate.Length(min=2, max=10))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    capacity = fields.Integer(required=True)
    tutor_ids = fields.List(fields.Integer(), required=True)
    is_open = fields.Boolean(load_default=True)
    allow_other_beneficiaries = fields.Boolean(load_default=False)


class CohortPatchSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "The version read; a stale one is refused."})
    course = fields.String(validate=validate.Length(min=1, max=100))
    beneficiary = fields.String(validate=validate.Length(equal=2))
    name = fields.String(validate=validate.Length(min=1, max=200))
    language = fields.String(validate=validate.Length(min=2, max=10))
    starts_on = fields.Date()
    ends_on = fields.Date()
    capacity = fields.Integer()
    tutor_ids = fields.List(fields.Integer())
    is_open = fields.Boolean()
    allow_other_beneficiaries = fields.Boolean()


class JoinInSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=32),
                        metadata={"description": "The group's enrolment key (case and dashes do not matter)."})


class MembershipSchema(Schema):
    cohort = fields.Nested(TraineeCohortSchema)
    enrolment_id = fields.Integer()
    status = fields.String(metadata={"enum": ["active", "withdrawn"]})
    joined_at = fields.DateTime()


class CohortMemberSchema(Schema):
    """A member of a group as its tutors and managers see it; ``id`` is the membership's."""

    id = fields.Integer(attribute="membership.id", metadata={"description": "The membership (for withdraw, re-admit)."})
    enrolment_id = fields.Integer(attribute="membership.enrolment_id")
    user_id = fields.Integer(attribute="user.id")
    full_name = fields.String(attribute="user.full_name")
    email = fields.String(attribute="user.email")
    institution = fields.Function(lambda m: m.user.institution.name if m.user.institution else None,
                                  metadata={"type": "string", "nullable": True})
    status = fields.String(attribute="membership.status", metadata={"enum": ["active", "withdrawn"]})
    via = fields.String(attribute="membership.via", metadata={"enum": ["key", "import", "manager", "demo"]})
    joined_at = fields.DateTime(attribute="membership.joined_at")
    changed_at = fields.DateTime(attribute="membership.changed_at")


class WithdrawalInSchema(Schema):
    reason = fields.String(validate=validate.Length(max=500), metadata={"description": "Optional; kept in the "
                                                                                       "group's history."})


class CsvImportInSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                "description": "CSV (UTF-8) with a header row: email, full_name, "
                                                               "institution, profession, gender, language."})
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "true: check the file and say what each row would do; nothing is changed."})


class RowOutcomeSchema(Schema):
    row = fields.Integer(metadata={"description": "The row as a spreadsheet numbers it (the header is 1)."})
    email = fields.String()
    outcome = fields.String(metadata={"enum": ["created", "enrolled", "readmitted", "unchanged"]})


class ImportReportSchema(Schema):
    dry_run = fields.Boolean(metadata={"description": "true: nothing was changed; the figures are what would happen."})
    rows = fields.Integer()
    created = fields.Integer(metadata={"description": "New accounts (e-mailed a link to choose a password)."})
    enrolled = fields.Integer()
    readmitted = fields.Integer()
    unchanged = fields.Integer(metadata={"description": "Already active members."})
    outcomes = fields.List(fields.Nested(RowOutcomeSchema))


class ModuleProgressSchema(Schema):
    module = fields.String(attribute="module_slug")
    lessons_done = fields.Integer()
    lessons_total = fields.Integer()
    results = fields.Dict(keys=fields.String(), values=fields.String())
    assignment_status = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer(allow_none=True)
    submission_id = fields.Integer(allow_none=True)


class TraineeProgressSchema(Schema):
    enrolment_id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    institution = fields.String()
    status = fields.String(metadata={"enum": ["active", "withdrawn"]})
    percent = fields.Integer()
    completed_at = fields.DateTime(allow_none=True)
    last_activity_at = fields.DateTime(allow_none=True)
    behind_schedule = fields.Boolean(attribute="behind")
    awaiting_review = fields.Integer(attribute="awaiting")
    modules = fields.List(fields.Nested(ModuleProgressSchema), attribute="module_cells")


# --- assignments and submissions -------------------------------------------------------

class LevelSchema(Schema):
    points = fields.Integer()
    title = LocalizedField(metadata={"type": "string"})
    descriptor = LocalizedField(metadata={"type": "string"})


class CriterionSchema(Schema):
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    levels = fields.List(fields.Nested(LevelSchema))


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String(attribute="original_name")
    type = fields.String(attribute="file_type")
    size = fields.Integer()
    uploaded_at = fields.DateTime()
    removed = fields.Function(lambda a: a.removed_at is not None, metadata={
        "type": "boolean", "description": "Removed from the draft; kept for the round that has it."})
    url = fields.Function(lambda a: url_for("case_studies_api.download_attachment", attachment_id=a.id),
                          metadata={"type": "string", "description": "Download address (token or signed-in session)."})


class ScoreSchema(Schema):
    slug = fields.String()
    title = LocalizedField(metadata={"type": "string"})
    level = LocalizedField(metadata={"type": "string"})
    points = fields.Integer()
    max = fields.Integer()


class RoundSchema(Schema):
    number = fields.Integer()
    body = fields.String(metadata={"description": "The response as written (Markdown)."})
    html = fields.String(metadata={"description": "The response as sanitised HTML."})
    submitted_at = fields.DateTime()
    attachment_ids = fields.List(fields.Integer())
    reviewed_at = fields.DateTime(allow_none=True)
    reviewer = fields.Function(lambda r: r.reviewer.full_name if r.reviewer else None,
                               metadata={"type": "string", "nullable": True})
    scores = fields.List(fields.Nested(ScoreSchema), allow_none=True)
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer(allow_none=True)
    feedback = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"enum": [ACCEPTED, RETURNED, None]})
    due_on = fields.Date(allow_none=True)
    corrected_at = fields.DateTime(allow_none=True)


class SubmissionSchema(Schema):
    id = fields.Integer()
    assignment = fields.Function(lambda s: s.assignment.slug, metadata={"type": "string"})
    assignment_id = fields.Integer()
    assignment_title = fields.Function(lambda s: s.assignment.title_in(), metadata={"type": "string"})
    course = fields.Function(lambda s: s.enrolment.course.slug, metadata={"type": "string"})
    enrolment_id = fields.Integer()
    status = fields.String(metadata={"enum": SUBMISSION_STATUSES})
    body = fields.String(metadata={"description": "The working text: the draft, or the last round."})
    rounds_submitted = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    due_on = fields.Date(allow_none=True)
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back when grading: a stale version gets 409."})


class SubmissionDetailSchema(SubmissionSchema):
    """A submission with its trainee, group, rounds and files."""

    trainee = fields.String(attribute="trainee_name")
    cohort = fields.String(attribute="cohort_name", allow_none=True)
    rounds = fields.List(fields.Nested(RoundSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))


class AssignmentSchema(Schema):
    """A case study as one reader reads it (``operations.case_studies.CaseStudyReading``)."""

    id = fields.Integer(attribute="assignment.id")
    slug = fields.String(attribute="assignment.slug")
    course = fields.String(attribute="assignment.course.slug")
    module = fields.String(attribute="assignment.module.slug")
    title = LocalizedField(attribute="assignment.title", metadata={"type": "string"})
    max_points = fields.Integer(attribute="assignment.max_points")
    language = fields.String(metadata={"description": "Language of the scenario returned."})
    scenario_html = fields.String()
    criteria = fields.List(fields.Nested(CriterionSchema), attribute="assignment.criteria")
    submission = fields.Nested(SubmissionSchema, allow_none=True)


class DraftInSchema(Schema):
    body = fields.String(required=True, metadata={"description": "The response, in Markdown."})
    version = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "The submission's version as read (0: there was none yet); a draft saved since "
                       "is not overwritten: 409."})


class SubmitInSchema(Schema):
    body = fields.String(metadata={"description": "Optional: replaces the draft's text before submitting."})


class FileInSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


# --- grading ---------------------------------------------------------------------------

class QueueArgsSchema(Schema):
    cohort = fields.Integer(load_default=None)
    module = fields.Integer(load_default=None)
    status = fields.String(load_default="awaiting", validate=validate.OneOf([*STATUSES, ALL]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class QueueItemSchema(Schema):
    kind = fields.String(metadata={"description": "assignment, or essay once quizzes add theirs."})
    item_id = fields.Integer()
    enrolment_id = fields.Integer()
    trainee = fields.String()
    cohort_id = fields.Integer()
    cohort = fields.String()
    module_id = fields.Integer(allow_none=True)
    title = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    submitted_at = fields.DateTime(allow_none=True)
    url = fields.String(metadata={"description": "The grading page."})


class _KeyText(fields.String):
    """A dict key as JSON has it, text: an id, or "None" for the items of no module (a final test)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return str(value)


class QueueSchema(Schema):
    """A page of a tutor's grading queue (``operations.grading_queue.QueueView``)."""

    items = fields.List(fields.Nested(QueueItemSchema), attribute="page.items")
    total = fields.Integer(attribute="page.total")
    page = fields.Integer(attribute="page.page")
    pages = fields.Integer(attribute="page.pages")
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), attribute="counts.by_status")
    by_cohort = fields.Dict(keys=_KeyText(), values=fields.Integer(), attribute="counts.by_cohort")
    by_module = fields.Dict(keys=_KeyText(), values=fields.Integer(), attribute="counts.by_module")
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), attribute="counts.by_kind")


class GradeInSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "The submission's version as read."})
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "Points of the chosen level for every criterion slug."})
    feedback = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf([ACCEPTED, RETURNED]))
    due_on = fields.Date(load_default=None, allow_none=True,
                         metadata={"description": "Required when the outcome is 'returned'."})


class CorrectionInSchema(GradeInSchema):
    reason = fields.String(required=True, metadata={"description": "Why the grade is corrected (logged)."})


class CurrentGradeSchema(Schema):
    status = fields.String()
    version = fields.Integer()
    round = fields.Integer(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    score = fields.Integer(allow_none=True)
    max_score = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    feedback = fields.String(allow_none=True)
    due_on = fields.String(allow_none=True)
    reviewer_id = fields.Integer(allow_none=True)
    reviewer = fields.String(allow_none=True)
    reviewed_at = fields.String(allow_none=True)


class ConflictSchema(Schema):
    errors = fields.Dict()
    status = fields.Integer()
    current = fields.Nested(CurrentGradeSchema, metadata={"description": "The grade someone else saved."})


class AuditEntrySchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    reason = fields.String(allow_none=True)


class NotificationSettingSchema(Schema):
    """How a tutor is told about new work to review; the same setting as their page's."""

    notify = fields.String(required=True, metadata={
        "enum": ["immediate", "daily"],
        "description": "immediate: one e-mail per submission; daily: a digest once a day."})
