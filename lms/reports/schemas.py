"""Marshmallow schemas of programme statistics; query arguments in, figures out."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lms.accounts.reference import GENDERS, PROFESSIONS
from lms.core.i18n import LANGUAGES
from lms.reports.definitions import BASES, DIMENSIONS, HEADLINE, MEASURES
from lms.reports.operations import BENEFICIARY_MEASURES, BREAKDOWN_MEASURES, COHORT_MEASURES
from lms.reports.sql import PROGRESS_BANDS
from lms.reports.tables import EXPORTABLE

# --- in ---------------------------------------------------------------------------------------


class ReportFilterArgsSchema(Schema):
    """Filters every report takes (gender: the pivot table only)."""

    beneficiary = fields.String(validate=validate.Length(equal=2),
                                metadata={"description": "Beneficiary code, e.g. RS. A national manager may "
                                                         "only name their own (403 otherwise)."})
    institution = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Institution id."})
    profession = fields.String(validate=validate.OneOf(list(PROFESSIONS)))
    course = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "Course slug."})
    format = fields.String(validate=validate.OneOf(["tutored", "self-paced"]))
    cohort = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Group (cohort) id."})
    language = fields.String(validate=validate.OneOf(list(LANGUAGES)),
                             metadata={"description": "Language of study: the group's, or the trainee's "
                                                      "preferred language when self-paced."})
    start = fields.Date(metadata={"description": "First day of the period (UTC), inclusive."})
    end = fields.Date(metadata={"description": "Last day of the period (UTC), inclusive."})
    basis = fields.String(validate=validate.OneOf(list(BASES)), load_default="enrolment",
                          metadata={"description": "Which date the period applies to. `completion` counts "
                                                   "only completed enrolments."})


class OverviewArgsSchema(ReportFilterArgsSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1),
                          metadata={"description": "Page of the groups list (50 per page)."})


class PivotArgsSchema(ReportFilterArgsSchema):
    measure = fields.String(required=True, validate=validate.OneOf(list(MEASURES)))
    rows = fields.String(required=True, validate=validate.OneOf(list(DIMENSIONS)))
    columns = fields.String(validate=validate.OneOf(list(DIMENSIONS)))
    gender = fields.String(validate=validate.OneOf(list(GENDERS)),
                           metadata={"description": "Makes every figure one of a gender: all are protected."})

    @validates_schema
    def _different(self, data, **_kwargs):
        if data.get("columns") and data.get("columns") == data.get("rows"):
            raise ValidationError("Rows and columns must show different things.", field_name="columns")


class ExportArgsSchema(ReportFilterArgsSchema):
    """The filters of the table exported; the pivot's measure and dimensions; the group of its tables."""

    measure = fields.String(validate=validate.OneOf(list(MEASURES)), metadata={"description": "pivot only"})
    rows = fields.String(validate=validate.OneOf(list(DIMENSIONS)), metadata={"description": "pivot only"})
    columns = fields.String(validate=validate.OneOf(list(DIMENSIONS)), metadata={"description": "pivot only"})
    gender = fields.String(validate=validate.OneOf(list(GENDERS)), metadata={"description": "pivot only"})


# --- out --------------------------------------------------------------------------------------

NUMBER = {"type": "number", "nullable": True}


class FigureSchema(Schema):
    value = fields.Raw(allow_none=True, metadata={**NUMBER, "description": "null when hidden or undefined."})
    suppressed = fields.Boolean(metadata={"description": "Hidden to protect a small group."})


def _figures(name: str, measures) -> type[Schema]:
    return Schema.from_dict({key: fields.Nested(FigureSchema) for key in measures}, name=name)


HeadlineFiguresSchema = _figures("ReportHeadlineFigures", HEADLINE)
BeneficiaryFiguresSchema = _figures("ReportBeneficiaryFigures", BENEFICIARY_MEASURES)
CohortFiguresSchema = _figures("ReportCohortFigures", COHORT_MEASURES)
BreakdownFiguresSchema = _figures("ReportBreakdownFigures", BREAKDOWN_MEASURES)


class MemberSchema(Schema):
    key = fields.String(allow_none=True, metadata={"description": "Code, slug, id or period ('2025-03', "
                                                                  "'2025-Q1', '2025'); null: not recorded."})
    label = fields.String()


class BeneficiaryRowSchema(Schema):
    beneficiary = fields.Nested(MemberSchema)
    figures = fields.Nested(BeneficiaryFiguresSchema)


class BeneficiaryBreakdownSchema(Schema):
    rows = fields.List(fields.Nested(BeneficiaryRowSchema))
    total = fields.Nested(BeneficiaryFiguresSchema)


class TrendPointSchema(Schema):
    month = fields.String(metadata={"example": "2025-03"})
    label = fields.String()
    enrolments = fields.Integer()
    completions = fields.Integer()


class ReportCohortSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    course = fields.String(metadata={"description": "Course slug."})
    beneficiary = fields.String(metadata={"description": "Beneficiary code."})
    language = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()


class CohortRowSchema(ReportCohortSchema):
    figures = fields.Nested(CohortFiguresSchema)


class CohortListSchema(Schema):
    items = fields.List(fields.Nested(CohortRowSchema))
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()


class AppliedSchema(Schema):
    filters = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "The filters applied, as query arguments."})
    generated_at = fields.DateTime()
    min_group = fields.Integer(metadata={"description": "LMS_REPORT_MIN_GROUP: smaller gender figures are hidden."})


class OverviewSchema(AppliedSchema):
    headline = fields.Nested(HeadlineFiguresSchema)
    by_beneficiary = fields.Nested(BeneficiaryBreakdownSchema)
    trend = fields.List(fields.Nested(TrendPointSchema))
    cohorts = fields.Nested(CohortListSchema)


class PivotMeasureSchema(Schema):
    key = fields.String()
    label = fields.String()
    kind = fields.String(metadata={"enum": ["count", "percent", "score", "days", "hours"]})


class PivotCellSchema(FigureSchema):
    row = fields.String(allow_none=True, metadata={"description": "Key of the row member."})
    column = fields.String(allow_none=True, metadata={"description": "Key of the column member."})


class PivotSchema(AppliedSchema):
    measure = fields.Nested(PivotMeasureSchema)
    rows = fields.String(metadata={"description": "The rows' dimension."})
    columns = fields.String(allow_none=True)
    row_members = fields.List(fields.Nested(MemberSchema))
    column_members = fields.List(fields.Nested(MemberSchema))
    cells = fields.List(fields.Nested(PivotCellSchema), metadata={"description": "Non-empty cells (two dimensions)."})
    row_totals = fields.List(fields.Nested(PivotCellSchema))
    column_totals = fields.List(fields.Nested(PivotCellSchema))
    total = fields.Nested(FigureSchema)
    suppressed_count = fields.Integer()


class BreakdownRowSchema(Schema):
    member = fields.Nested(MemberSchema)
    figures = fields.Nested(BreakdownFiguresSchema)


class BreakdownSchema(Schema):
    dimension = fields.String()
    rows = fields.List(fields.Nested(BreakdownRowSchema))
    total = fields.Nested(BreakdownFiguresSchema)


class CohortReportSchema(AppliedSchema):
    cohort = fields.Nested(ReportCohortSchema)
    headline = fields.Nested(HeadlineFiguresSchema)
    progress = fields.Dict(keys=fields.String(metadata={"enum": list(PROGRESS_BANDS)}), values=fields.Integer(),
                           metadata={"description": "Members per stage: withdrawn, not started, under half, "
                                                    "half or more, at least 90%, completed."})
    by_institution = fields.Nested(BreakdownSchema)
    by_profession = fields.Nested(BreakdownSchema)
    by_gender = fields.Nested(BreakdownSchema)


class MeasureInfoSchema(Schema):
    key = fields.String()
    label = fields.String()
    kind = fields.String()
    description = fields.String()


class DimensionInfoSchema(Schema):
    key = fields.String()
    label = fields.String()
    sensitive = fields.Boolean(metadata={"description": "Shown only in protected aggregates (gender)."})


class CatalogueSchema(Schema):
    measures = fields.List(fields.Nested(MeasureInfoSchema))
    dimensions = fields.List(fields.Nested(DimensionInfoSchema))
    tables = fields.List(fields.String(), metadata={"description": f"Exportable: {', '.join(EXPORTABLE)}"})
    min_group = fields.Integer()
