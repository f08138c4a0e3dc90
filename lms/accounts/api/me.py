"""JSON API: registering, who am I, where I am signed in, personal API tokens."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.models import ApiToken
from lms.accounts.schemas import (
    MeSchema,
    RegistrationAcceptedSchema,
    RegistrationInSchema,
    SessionOutSchema,
    SessionsEndedSchema,
    TokenCreatedSchema,
    TokenInSchema,
    TokenOutSchema,
)
from lms.accounts.views.sign_in import REGISTER_LIMIT
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.extensions import db

blp = api_blueprint("accounts_api", __name__, "Registering, the signed-in user and their API tokens.")


@blp.post("/accounts")
@REGISTER_LIMIT
@blp.arguments(RegistrationInSchema)
@blp.response(202, RegistrationAcceptedSchema)
@blp.alt_response(404, description="Registration is closed on this platform (`LMS_REGISTRATION_OPEN=0`).")
@blp.alt_response(422, description="Invalid fields; `errors` says which.")
@blp.alt_response(429, description="Too many registrations from this address; try again later.")
def register(data):
    """Register as a trainee (public, where registration is open), as the registration page does.

    The answer is the same whether or not the address already had an account (its owner is
    told by e-mail), so no one learns from it who has an account. The new account signs in
    on the sign-in page; a personal token is then made under /me/tokens."""
    ops.register_trainee(
        db.session, email=data["email"], password=data["password"], full_name=data["full_name"],
        beneficiary_id=data.get("beneficiary_id"), institution_id=data.get("institution_id"),
        profession=data.get("profession"), gender=data.get("gender"), language=data["language"])
    return {"message": ops.registered_message()}


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
