"""Marshmallow schemas for accounts; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.accounts.reference import KOSOVO, KOSOVO_FOOTNOTE


class BeneficiarySchema(Schema):
    code = fields.String()
    name = fields.String()
    footnote = fields.Method("_footnote", allow_none=True)

    def _footnote(self, beneficiary):
        return str(KOSOVO_FOOTNOTE) if beneficiary.code == KOSOVO else None


class InstitutionSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    full_name = fields.String()
    roles = fields.Method("_roles")
    language = fields.String()
    profession = fields.String(allow_none=True)
    beneficiary = fields.Nested(BeneficiarySchema, allow_none=True)
    institution = fields.Nested(InstitutionSchema, allow_none=True)
    manager_scope = fields.String(allow_none=True)

    def _roles(self, user):
        return sorted(user.roles)


class TokenOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "First characters of the token, to recognise it."})
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True, metadata={
        "description": "When the token was last used (recorded at most every few minutes)."})
    revoked_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "null: it never expires."})


class TokenCreatedSchema(TokenOutSchema):
    token = fields.String(metadata={"description": "The token itself: shown once, never again."})


class TokenInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    expires_in_days = fields.Integer(
        allow_none=True, validate=validate.Range(min=1, max=3650),
        metadata={"description": "Days the token works (default LMS_API_TOKEN_DAYS, 90); null: no limit."})


class SessionOutSchema(Schema):
    id = fields.Integer()
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime(metadata={"description": "Recorded at most every few minutes."})
    expires_at = fields.DateTime()
    user_agent = fields.String()
    ip_address = fields.String()
    current = fields.Boolean(metadata={"description": "The session making this request."})


class SessionsEndedSchema(Schema):
    ended = fields.Integer(metadata={"description": "How many sessions were ended."})


class OutboxMailSchema(Schema):
    id = fields.Integer()
    recipient = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"description": "pending, sending, sent or failed"})
    attempts = fields.Integer()
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
