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
    name = fields.Function(lambda institution: institution.name_in(), metadata={
        "type": "string", "description": "In the request's language, else the closest one that has it."})


class InstitutionNamesSchema(InstitutionSchema):
    """An institution with its names in every language (English is ``english_name``)."""

    beneficiary = fields.Function(lambda institution: institution.beneficiary.code, metadata={"type": "string"})
    english_name = fields.String(attribute="name")
    names = fields.Dict(keys=fields.String(), values=fields.String(), attribute="names", allow_none=True)
    missing_languages = fields.List(fields.String())
    version = fields.Integer()


class InstitutionNamesInSchema(Schema):
    names = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True, metadata={
        "description": "Name by language code (sq, bs, sr_Latn, sr_Cyrl, mk, cnr); an empty name removes one."})
    version = fields.Integer(required=True, metadata={"description": "The version read; a stale one is refused (409)."})


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
