"""JSON API: registering, who am I, personal API tokens."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from lms.accounts import operations as ops
from lms.accounts.models import ApiToken
from lms.accounts.schemas import (
    MeSchema,
    RegistrationInSchema,
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
@blp.response(201, MeSchema)
@blp.alt_response(404, description="Registration is closed on this platform (`LMS_REGISTRATION_OPEN=0`).")
@blp.alt_response(422, description="Invalid fields, or an account with this e-mail exists; `errors` says which.")
@blp.alt_response(429, description="Too many registrations from this address; try again later.")
def register(data):
    """Register as a trainee (public, where registration is open), as the registration page does.

    The account signs in on the sign-in page; a personal token is then made under /me/tokens."""
    return ops.register_trainee(
        db.session, email=data["email"], password=data["password"], full_name=data["full_name"],
        beneficiary_id=data.get("beneficiary_id"), institution_id=data.get("institution_id"),
        profession=data.get("profession"), gender=data.get("gender"), language=data["language"])


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
    token, plain = ops.create_api_token(db.session, current_user, data["name"])
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
            "last_used_at": None, "revoked_at": None, "token": plain}


@blp.delete("/me/tokens/<int:token_id>")
@authenticated
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke one of your tokens."""
    ops.revoke_api_token(db.session, current_user, token_id)
