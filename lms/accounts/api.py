"""JSON API: who am I, where I am signed in, personal API tokens, the e-mail outbox and signing
a user out everywhere (administrators)."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.models import ApiToken, User
from lms.accounts.reference import ADMIN
from lms.accounts.schemas import (
    InstitutionNamesInSchema,
    InstitutionNamesSchema,
    MeSchema,
    OutboxMailSchema,
    SessionOutSchema,
    SessionsEndedSchema,
    TokenCreatedSchema,
    TokenInSchema,
    TokenOutSchema,
)
from lms.core import mail
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.core.permissions import require
from lms.extensions import db

blp = api_blueprint("accounts_api", __name__, "The signed-in user and their API tokens.")


@blp.get("/me")
@authenticated
@blp.response(200, MeSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def me():
    """The signed-in user's profile."""
    return current_user


@blp.get("/me/tokens")
@authenticated
@blp.response(200, TokenOutSchema(many=True))
def list_tokens():
    """Personal API tokens (their values are never shown again)."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.created_at.desc())).all()


@blp.post("/me/tokens")
@authenticated
@blp.arguments(TokenInSchema)
@blp.response(201, TokenCreatedSchema)
def create_token(data):
    """Create a personal API token; the response carries its value, once."""
    days = data.get("expires_in_days", ops.tokens.CONFIGURED_DAYS)
    token, plain = ops.create_api_token(db.session, current_user, data["name"], expires_in_days=days)
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
            "last_used_at": None, "revoked_at": None, "expires_at": token.expires_at, "token": plain}


@blp.delete("/me/tokens/<int:token_id>")
@authenticated
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke one of your tokens."""
    ops.revoke_api_token(db.session, current_user, token_id)


@blp.get("/me/sessions")
@authenticated
@blp.response(200, SessionOutSchema(many=True))
def list_sessions():
    """The browsers you are signed in on (``current``: the one making this request)."""
    this = g.get("user_session_id")
    return [{"id": row.id, "created_at": row.created_at, "last_seen_at": row.last_seen_at,
             "expires_at": row.expires_at, "user_agent": row.user_agent, "ip_address": row.ip_address,
             "current": row.id == this} for row in ops.active_sessions(db.session, current_user)]


@blp.delete("/me/sessions/<int:session_id>")
@authenticated
@blp.response(204)
@blp.alt_response(404, description="You have no such session.")
def end_session(session_id: int):
    """Sign out one browser (its session and remember-me cookies stop working at once)."""
    ops.end_session(db.session, current_user, session_id)


@blp.delete("/me/sessions")
@authenticated
@blp.response(200, SessionsEndedSchema)
def end_sessions():
    """Sign out every browser but the one making this request (with a token: every browser)."""
    return {"ended": ops.end_all_sessions(db.session, current_user, keep=g.get("user_session_id"))}


@blp.post("/admin/users/<int:user_id>/sign-out")
@authenticated
@blp.response(200, SessionsEndedSchema)
@blp.alt_response(403, description="Administrators only.")
@blp.alt_response(404, description="No such user.")
def sign_out_everywhere(user_id: int):
    """End every session of a user, on every device; their API tokens are left alone."""
    require(current_user.has_role(ADMIN))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return {"ended": ops.sign_out_everywhere(db.session, current_user, user)}


@blp.get("/admin/mail")
@authenticated
@blp.response(200, OutboxMailSchema(many=True))
@blp.alt_response(403, description="Administrators only.")
def list_troubled_mail():
    """E-mail not sent yet after a failed attempt, or given up: recipient, attempts, last error."""
    require(current_user.has_role(ADMIN))
    return mail.troubled_mail(db.session)


@blp.post("/admin/mail/<int:mail_id>/retry")
@authenticated
@blp.response(200, OutboxMailSchema)
@blp.alt_response(403, description="Administrators only.")
@blp.alt_response(404, description="No such e-mail.")
@blp.alt_response(409, description="The e-mail is already sent or being sent.")
def retry_mail(mail_id: int):
    """Send a pending or failed e-mail again now."""
    require(current_user.has_role(ADMIN))
    row = db.session.get(mail.OutboxMail, mail_id)
    if row is None:
        raise NotFound()
    return mail.retry_mail(db.session, row)


@blp.get("/institutions")
@blp.response(200, InstitutionNamesSchema(many=True))
def list_institutions():
    """Every institution (public: registration offers them), named in the request's language."""
    return ops.beneficiaries_and_institutions(db.session)[1]


@blp.put("/admin/institutions/<int:institution_id>/names")
@authenticated
@blp.arguments(InstitutionNamesInSchema)
@blp.response(200, InstitutionNamesSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="Administrators, and the managers of the institution's beneficiary, only.")
@blp.alt_response(404, description="No such institution.")
@blp.alt_response(409, description="Someone changed the names since the version given.")
@blp.alt_response(422, description="An unknown language code or a name that is too long.")
def translate_institution(data, institution_id: int):
    """Set an institution's names in the other languages (English is its own name)."""
    institution = ops.institution_for_translation(db.session, current_user, institution_id)
    return ops.translate_institution(db.session, current_user, institution, data["names"], data["version"])
