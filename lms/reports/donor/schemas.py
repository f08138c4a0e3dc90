"""The donor report's query arguments (a period) and its JSON."""

from __future__ import annotations

from marshmallow import Schema, fields

from lms.reports.schemas import FigureSchema, _filter_fields, _FilterArgs

_period = {name: field for name, field in _filter_fields(sensitive=False).items() if name in ("start", "end", "basis")}
DonorArgsSchema = _FilterArgs.from_dict(_period, name="DonorReportArgsSchema")


class DonorColumnSchema(Schema):
    label = fields.String()
    kind = fields.String(metadata={"enum": ["text", "count", "percent", "score", "days", "hours"]})


class DonorRowSchema(Schema):
    label = fields.String(metadata={"description": "The row's beneficiary, profession, or 'Total'."})
    key = fields.String(allow_none=True, metadata={"description": "Its code (beneficiary code, profession key); "
                                                                  "null for the total or a value not recorded."})
    figures = fields.List(fields.Nested(FigureSchema), metadata={"description": "One per column after the first."})


class DonorTableSchema(Schema):
    key = fields.String(metadata={"enum": ["trained-beneficiary-gender", "certified-beneficiary-gender",
                                           "trained-profession-gender", "certified-profession-gender",
                                           "completion", "knowledge-gain", "satisfaction", "turnaround",
                                           "certificates"]})
    title = fields.String()
    columns = fields.List(fields.Nested(DonorColumnSchema))
    rows = fields.List(fields.Nested(DonorRowSchema))
    total = fields.Nested(DonorRowSchema)
    note = fields.String(allow_none=True)
    suppressed_count = fields.Integer(metadata={"description": "Figures hidden to protect small groups."})


class DonorReportSchema(Schema):
    filters = fields.Dict(keys=fields.String(), values=fields.String())
    generated_at = fields.DateTime()
    min_group = fields.Integer()
    scope = fields.String(metadata={"description": "The beneficiaries the report covers, in words."})
    tables = fields.List(fields.Nested(DonorTableSchema))
    notes = fields.List(fields.String(), metadata={"description": "The suppression notes."})
    footnote = fields.String(allow_none=True, metadata={"description": "The Kosovo* footnote, when the report "
                                                                        "names Kosovo*."})
    downloads = fields.Dict(keys=fields.String(), values=fields.String(),
                            metadata={"description": "URLs of the PDF and XLSX of the same report."})
