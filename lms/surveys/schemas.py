"""Marshmallow schemas of the evaluation: the results' arguments (both doors), answers in,
the survey, the trainee's state and the results out."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields, post_load, validates_schema
from marshmallow import ValidationError as MarshmallowError
from sqlalchemy.orm import Session

from lms.core.i18n import _l
from lms.reports.dimensions import DIMENSIONS, Member
from lms.reports.filters import Filters, may_view_reports, scope_of
from lms.reports.schemas import Choice, Day, MemberField, ReportArgsSchema
from lms.surveys.operations.results import BREAKDOWNS
from lms.tutors.models import Cohort, CohortTutor

FILTER_NAMES = ("cohort", "beneficiary", "language", "gender")


@dataclass(frozen=True)
class ResultsArgs:
    filters: Filters
    by: str | None

    def query_args(self) -> dict[str, str]:
        args = self.filters.query_args()
        if self.by:
            args["by"] = self.by
        return args


class ResultsArgsSchema(ReportArgsSchema):
    """Filters of the results (a group, a beneficiary, a language of study, a gender, a period of
    months) and a breakdown: the page, its downloads and the API read them alike."""

    cohort = MemberField(DIMENSIONS["cohort"])
    beneficiary = MemberField(DIMENSIONS["beneficiary"])
    language = MemberField(DIMENSIONS["language"])
    gender = MemberField(DIMENSIONS["gender"])
    start = Day(message=_l("Enter a date as YYYY-MM-DD."),
                metadata={"description": "First day of the period: responses of its month onwards."})
    end = Day(message=_l("Enter a date as YYYY-MM-DD."),
              metadata={"description": "Last day of the period: responses up to its month."})
    by = Choice(BREAKDOWNS, message=_l("Choose a group, a beneficiary, a language or gender."),
                metadata={"description": "Break the results down by this dimension."})

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data, **_kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise MarshmallowError([_l("The end of the period cannot be before its start.")], "end")

    @post_load
    def _make(self, data, **_kwargs):
        chosen = {name: data[name] for name in FILTER_NAMES if data.get(name) is not None}
        return ResultsArgs(Filters(chosen, data.get("start"), data.get("end")), data.get("by"))


def results_choices(session: Session, viewer) -> dict[str, list[Member] | None]:
    """What the results form offers: the viewer's groups (a tutor's own), beneficiaries, languages, genders."""
    if may_view_reports(viewer):
        scope = scope_of(viewer)
        return {name: DIMENSIONS[name].choices(session, scope) for name in FILTER_NAMES}
    rows = session.execute(Cohort.__table__.select().with_only_columns(
        Cohort.id, Cohort.name, Cohort.starts_on, Cohort.beneficiary_id)
        .join(CohortTutor, CohortTutor.cohort_id == Cohort.id).where(CohortTutor.user_id == viewer.id)
        .order_by(Cohort.starts_on.desc())).all()
    return {"cohort": [DIMENSIONS["cohort"]._member(tuple(row)) for row in rows]}


# --- out --------------------------------------------------------------------------------------

class OptionSchema(Schema):
    slug = fields.String(required=True)
    label = fields.String(required=True)


class ItemSchema(Schema):
    slug = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["likert", "choice", "text"]})
    required = fields.Boolean(required=True)
    text = fields.String(required=True)
    options = fields.List(fields.Nested(OptionSchema), required=True,
                          metadata={"description": "A likert item's scale points 1–5 with their labels, or a "
                                                   "choice item's options; empty for text."})


class SurveySchema(Schema):
    course = fields.String(required=True, metadata={"description": "Course slug."})
    title = fields.String(required=True)
    intro = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "enum": ["not_yet", "open", "answered"],
        "description": "not_yet: opens once the course is completed; open: may be answered; answered."})
    required_for_certificate = fields.Boolean(required=True)
    certificate_waits = fields.Boolean(required=True, metadata={
        "description": "The certificate is issued when this survey is answered."})
    items = fields.List(fields.Nested(ItemSchema), required=True)


class AnswersSchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True, metadata={
        "description": "By item slug: a scale point 1–5 (likert), an option's slug (choice), or text. "
                       "Optional items may be left out."})


class FiguresSchema(Schema):
    group = fields.String(allow_none=True, required=True, metadata={
        "description": "The group's code (cohort id, beneficiary code, language, gender); null for the total "
                       "or a value not recorded."})
    label = fields.String(required=True)
    answers = fields.Integer(allow_none=True, required=True, metadata={"description": "null when suppressed"})
    suppressed = fields.Boolean(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "Answers per scale point or option slug (empty when suppressed)."})
    mean = fields.Float(allow_none=True, required=True, metadata={"description": "Mean of a likert item, 1–5."})
    texts = fields.List(fields.String(), allow_none=True, required=True, metadata={
        "description": "Free text, sorted; null unless the group has at least min_group responses."})


class ItemResultSchema(Schema):
    slug = fields.String(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    groups = fields.List(fields.Nested(FiguresSchema), required=True)
    total = fields.Nested(FiguresSchema, required=True)


class GroupCountSchema(Schema):
    group = fields.String(allow_none=True, required=True)
    label = fields.String(required=True)
    responses = fields.Integer(allow_none=True, required=True, metadata={"description": "null when suppressed"})


class ResultsSchema(Schema):
    course = fields.String(required=True)
    by = fields.String(allow_none=True, required=True)
    min_group = fields.Integer(required=True, metadata={"description": "LMS_REPORT_MIN_GROUP: smaller groups are hidden."})
    responses = fields.Integer(allow_none=True, required=True)
    groups = fields.List(fields.Nested(GroupCountSchema), required=True)
    items = fields.List(fields.Nested(ItemResultSchema), required=True)
