"""Marshmallow schemas for accounts; input and output kept apart."""

from marshmallow import Schema, fields, validate

from lms.accounts.reference import (
    GENDERS,
    KOSOVO,
    KOSOVO_FOOTNOTE,
    MANAGER_SCOPES,
    PROFESSIONS,
    ROLES,
)
from lms.core.i18n import LANGUAGES

ID = validate.Range(min=1, max=2**31 - 1)


class BeneficiarySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    footnote = fields.Method("_footnote", allow_none=True)

    def _footnote(self, beneficiary):
        return str(KOSOVO_FOOTNOTE) if beneficiary.code == KOSOVO else None


class InstitutionSchema(Schema):
    id = fields.Integer()
    name = fields.Function(lambda institution: institution.name_in(), metadata={
        "type": "string", "description": "In the request's language, else the closest one that has it."})
    beneficiary = fields.Function(lambda institution: institution.beneficiary.code, metadata={"type": "string"})


class InstitutionNamesSchema(InstitutionSchema):
    """An institution with its names in every language (English is ``english_name``)."""

    english_name = fields.String(attribute="name")
    names = fields.Dict(keys=fields.String(), values=fields.String(), attribute="names", allow_none=True)
    missing_languages = fields.List(fields.String())
    version = fields.Integer()


class InstitutionNamesInSchema(Schema):
    names = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True, metadata={
        "description": "Name by language code (sq, bs, sr_Latn, sr_Cyrl, mk, cnr); an empty name removes one."})
    version = fields.Integer(required=True, metadata={"description": "The version read; a stale one is refused (409)."})


class RegistrationAcceptedSchema(Schema):
    message = fields.String(metadata={"description": "The same whether or not the address already had an account."})


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


# --- registering and administering accounts --------------------------------------------

class _ProfileInSchema(Schema):
    full_name = fields.String(required=True, validate=validate.Length(max=400),
                              metadata={"description": "As it must appear on a certificate."})
    beneficiary_id = fields.Integer(allow_none=True, validate=ID, metadata={"description": "See GET /beneficiaries."})
    institution_id = fields.Integer(allow_none=True, validate=ID,
                                    metadata={"description": "An institution of that beneficiary; GET /institutions."})
    profession = fields.String(allow_none=True, metadata={"enum": list(PROFESSIONS)})
    gender = fields.String(allow_none=True, metadata={"enum": list(GENDERS),
                                                      "description": "Optional; used only in anonymous statistics."})
    language = fields.String(load_default="en", metadata={"enum": list(LANGUAGES)})


class RegistrationInSchema(_ProfileInSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1000),
                             metadata={"description": "At least 10 characters."})


class UserInSchema(_ProfileInSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    roles = fields.List(fields.String(metadata={"enum": list(ROLES)}), required=True)
    manager_scope = fields.String(allow_none=True, metadata={"enum": list(MANAGER_SCOPES),
                                                             "description": "Managers only."})


class UserPatchSchema(Schema):
    """What an administrator changes; fields left out keep their values."""

    roles = fields.List(fields.String(metadata={"enum": list(ROLES)}))
    manager_scope = fields.String(allow_none=True, metadata={"enum": list(MANAGER_SCOPES)})
    beneficiary_id = fields.Integer(allow_none=True, validate=ID)
    active = fields.Boolean(metadata={"description": "false deactivates the account (signed out everywhere); "
                                                     "true reactivates it."})


class UserQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Part of the name or e-mail."})
    role = fields.String(validate=validate.OneOf(list(ROLES)))
    beneficiary = fields.String(validate=validate.Length(equal=2), metadata={"description": "Beneficiary code."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class UserSchema(MeSchema):
    """An account as administrators see it."""

    active = fields.Boolean(attribute="is_active_account")
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class InstitutionQuerySchema(Schema):
    beneficiary = fields.String(validate=validate.Length(equal=2), metadata={"description": "Beneficiary code."})


class InstitutionInSchema(Schema):
    beneficiary_id = fields.Integer(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(max=400))
