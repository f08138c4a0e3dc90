"""Marshmallow schemas of programme statistics: query arguments in, figures out.

Both doors read a report's query string with the schemas below, once: the pages with
``read`` (the messages go beside the form's fields), the API and the downloads with
``load`` (422 naming each field). The same bad input gets the same message in the
reader's language through either door. Filter values are resolved here, by each
dimension's ``find``: what reaches an operation names things that exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from lms.core.errors import ValidationFailed
from lms.core.i18n import _l
from lms.core.schema_messages import translate_leaves
from lms.extensions import db
from lms.reports.aggregates import PROGRESS_BANDS
from lms.reports.dimensions import DIMENSIONS, FILTERS, Coded, Dimension
from lms.reports.filters import BASES, ENROLMENT, Filters
from lms.reports.measures import HEADLINE, MEASURES
from lms.reports.operations import BENEFICIARY_MEASURES, BREAKDOWN_MEASURES, COHORT_MEASURES
from lms.reports.tables import EXPORTABLE

# --- in ---------------------------------------------------------------------------------------


def _messages(errors: dict) -> dict[str, list[str]]:
    """marshmallow's messages as lists of text in the reader's language, by field."""
    return {name: [str(m) for m in (found if isinstance(found, list | tuple) else [found])]
            for name, found in translate_leaves(errors).items()}


def read(schema: Schema, args: Mapping) -> tuple[object | None, dict[str, list[str]]]:
    """What a query string asks for, and ``{}``; or None and the messages of each wrong field."""
    try:
        return schema.load(args), {}
    except ValidationError as error:
        return None, _messages(error.normalized_messages())


def load(schema: Schema, args: Mapping):
    """What a query string asks for; 422 with the messages of each wrong field otherwise."""
    value, errors = read(schema, args)
    if errors:
        raise ValidationFailed(errors)
    return value


class MemberField(fields.Field):
    """A filter: the code of one value of a dimension (``RS``, an id, a slug), found in the database."""

    def __init__(self, dimension: Dimension, **kwargs):
        metadata = {"type": dimension.code_type}
        if dimension.description:
            metadata["description"] = dimension.description
        if isinstance(dimension, Coded):
            metadata["enum"] = list(dimension.names)
        super().__init__(metadata=metadata, **kwargs)
        self.dimension = dimension

    def _deserialize(self, value, attr, data, **kwargs):
        member = self.dimension.find(db.session, str(value).strip())
        if member is None:
            raise ValidationError([self.dimension.unknown])
        return member


class OwnMessage:
    """A field answering our message, in the reader's language, when it is missing or wrong
    (marshmallow's own messages stay those of the library, for the catalogues)."""

    def __init__(self, *args, message, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def make_error(self, key: str, **kwargs) -> ValidationError:
        if key in ("required", "invalid", "format", "too_large"):
            return ValidationError([self.message])
        return super().make_error(key, **kwargs)


class Choice(OwnMessage, fields.String):
    def __init__(self, choices, *, message, **kwargs):
        super().__init__(message=message, validate=validate.OneOf(list(choices), error=message), **kwargs)


class Day(OwnMessage, fields.Date):
    pass


class Number(OwnMessage, fields.Integer):
    def __init__(self, *, message, **kwargs):
        super().__init__(message=message, validate=validate.Range(min=1, max=2**31 - 1, error=message), **kwargs)


SENSITIVE = frozenset(dimension.key for dimension in FILTERS if dimension.sensitive)


class ReportArgsSchema(Schema):
    """What every report's arguments share: values stripped, empty ones (a form's "Any")
    left out, unknown ones refused (in both doors alike), and a sensitive filter refused with
    its own message (see ``Dimension.refused``)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_kwargs):
        stripped = {}
        for name, value in data.items():
            if name in SENSITIVE and name not in self.fields:
                continue  # refused by _sensitive_filters, which reads the original arguments
            value = value.strip() if isinstance(value, str) else value
            if value not in ("", None):
                stripped[name] = value
        return stripped

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _sensitive_filters(self, _data, original, **_kwargs):
        for dimension in FILTERS:
            asked = str(original.get(dimension.key) or "").strip()
            if asked and dimension.sensitive and dimension.key not in self.fields:
                raise ValidationError([dimension.refused], dimension.key)


class _FilterArgs(ReportArgsSchema):
    """The filters of a report: a value of some dimensions, the period; loaded as ``Filters``."""

    @validates_schema(skip_on_field_errors=False)
    def _period(self, data, **_kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError([_l("The end of the period cannot be before its start.")], "end")

    @post_load
    def _filters(self, data, **_kwargs):
        chosen = {d.key: data[d.key] for d in FILTERS if data.get(d.key) is not None}
        return self.make(Filters(chosen, data.get("start"), data.get("end"), data["basis"]), data)

    def make(self, filters: Filters, data: dict):
        return filters


def _filter_fields(*, sensitive: bool) -> dict[str, fields.Field]:
    made: dict[str, fields.Field] = {d.key: MemberField(d) for d in FILTERS if sensitive or not d.sensitive}
    wrong_date = _l("Enter a date as YYYY-MM-DD.")
    made["start"] = Day(message=wrong_date, metadata={"description": "First day of the period (UTC), inclusive."})
    made["end"] = Day(message=wrong_date, metadata={"description": "Last day of the period (UTC), inclusive."})
    made["basis"] = Choice(BASES, message=_l("Choose the enrolment date or the completion date."),
                           load_default=ENROLMENT,
                           metadata={"description": "Which date the period applies to. `completion` counts "
                                                    "only completed enrolments."})
    return made


# Every filter but the sensitive ones (gender), which only a protected table takes.
FilterArgsSchema = _FilterArgs.from_dict(_filter_fields(sensitive=False), name="ReportFilterArgsSchema")
ProtectedFilterArgsSchema = _FilterArgs.from_dict(_filter_fields(sensitive=True),
                                                  name="ReportProtectedFilterArgsSchema")


@dataclass(frozen=True)
class OverviewArgs:
    filters: Filters
    page: int


class OverviewArgsSchema(FilterArgsSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1),
                          metadata={"description": "Page of the groups list (50 per page)."})

    def make(self, filters, data):
        return OverviewArgs(filters, data["page"])


@dataclass(frozen=True)
class PivotArgs:
    filters: Filters
    measure: str
    rows: str
    columns: str | None

    def query_args(self) -> dict[str, str]:
        args = {**self.filters.query_args(), "measure": self.measure, "rows": self.rows}
        if self.columns:
            args["columns"] = self.columns
        return args


class PivotArgsSchema(ProtectedFilterArgsSchema):
    measure = Choice(MEASURES, message=_l("Choose a measure from the list."), required=True)
    rows = Choice(DIMENSIONS, message=_l("Choose what the rows show from the list."), required=True)
    columns = Choice(DIMENSIONS, message=_l("Choose what the columns show from the list."))

    @validates_schema(skip_on_field_errors=False)
    def _different(self, data, **_kwargs):
        if data.get("columns") and data.get("columns") == data.get("rows"):
            raise ValidationError([_l("Rows and columns must show different things.")], "columns")

    def make(self, filters, data):
        return PivotArgs(filters, data["measure"], data["rows"], data.get("columns"))


class CohortArgsSchema(ReportArgsSchema):
    """A group's page takes no filter: its figures are all its members' (gender is refused)."""

    @post_load
    def _nothing(self, _data, **_kwargs):
        return None


class CohortTableArgsSchema(ReportArgsSchema):
    """A table of a group's page, to download: which group."""

    cohort = Number(message=_l("Say which group: its number."), required=True,
                    metadata={"description": "Group (cohort) id."})

    @post_load
    def _cohort(self, data, **_kwargs):
        return data["cohort"]


class ExportArgsSchema(ProtectedFilterArgsSchema):
    """Documentation only: a download takes the arguments of the page its table is on, and is
    read with that page's schema (``lms.reports.exports.arguments_schema``)."""

    measure = fields.String(validate=validate.OneOf(list(MEASURES)), metadata={"description": "pivot only"})
    rows = fields.String(validate=validate.OneOf(list(DIMENSIONS)), metadata={"description": "pivot only"})
    columns = fields.String(validate=validate.OneOf(list(DIMENSIONS)), metadata={"description": "pivot only"})


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
