"""JSON API of administrators: finding, opening and changing accounts; the e-mail outbox.

The same operations as the administration pages, with the same refusals: only an
administrator (403 otherwise), never removing one's own administrator access (422).
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, select

from lms.accounts import operations as ops
from lms.accounts.models import User
from lms.accounts.reference import ADMIN
from lms.accounts.schemas import (
    OutboxMailSchema,
    SessionsEndedSchema,
    UserInSchema,
    UserPageSchema,
    UserPatchSchema,
    UserQuerySchema,
    UserSchema,
)
from lms.core import mail
from lms.core.api import api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.core.pagination import Page
from lms.core.permissions import require
from lms.extensions import db

blp = api_blueprint("administration_api", __name__,
                    "Administrators: accounts (find, open, change roles and scope, deactivate, reactivate) "
                    "and the e-mail outbox.")

ADMINS_ONLY = "Administrators only."


def _user(user_id: int) -> User:
    require(current_user.has_role(ADMIN))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@blp.get("/admin/users")
@authenticated
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, UserPageSchema)
@blp.alt_response(403, description=ADMINS_ONLY)
def list_users(args):
    """Find accounts by part of the name or e-mail, role and beneficiary; by name, a page at a time."""
    require(current_user.has_role(ADMIN))
    query = ops.find_users(text=args.get("q"), role=args.get("role"), beneficiary=args.get("beneficiary"))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page, per_page = args["page"], args["per_page"]
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    result = Page(items=list(items), page=page, per_page=per_page, total=total)
    return {"items": result.items, "total": result.total, "page": result.page, "pages": result.pages}


@blp.post("/admin/users")
@authenticated
@blp.arguments(UserInSchema)
@blp.response(201, UserSchema)
@blp.alt_response(403, description=ADMINS_ONLY)
@blp.alt_response(422, description="Invalid fields, or an account with this e-mail exists; `errors` says which.")
def create_user(data):
    """Open an account with its roles; its owner is e-mailed a link to choose a password."""
    return ops.admin_create_user(
        db.session, current_user, email=data["email"], full_name=data["full_name"], roles=set(data["roles"]),
        manager_scope=data.get("manager_scope"), beneficiary_id=data.get("beneficiary_id"),
        institution_id=data.get("institution_id"), profession=data.get("profession"),
        gender=data.get("gender"), language=data["language"])


@blp.get("/admin/users/<int:user_id>")
@authenticated
@blp.response(200, UserSchema)
@blp.alt_response(403, description=ADMINS_ONLY)
@blp.alt_response(404, description="No such account.")
def get_user(user_id: int):
    """One account: profile, roles, manager scope, whether it is active."""
    return _user(user_id)


@blp.patch("/admin/users/<int:user_id>")
@authenticated
@blp.arguments(UserPatchSchema)
@blp.response(200, UserSchema)
@blp.alt_response(403, description=ADMINS_ONLY)
@blp.alt_response(404, description="No such account.")
@blp.alt_response(422, description="Invalid roles, scope or beneficiary, or removing your own administrator "
                                   "access; `errors` says which.")
def update_user(data, user_id: int):
    """Change roles, manager scope and beneficiary; deactivate (`active: false`) or reactivate an account.

    Fields left out keep their values. Deactivating signs the account out of every session."""
    user = _user(user_id)
    return ops.admin_update_user(
        db.session, current_user, user, roles=set(data.get("roles", user.roles)),
        manager_scope=data.get("manager_scope", user.manager_scope),
        beneficiary_id=data.get("beneficiary_id", user.beneficiary_id),
        active=data.get("active", user.is_active_account))


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
