"""Who someone is: e-mail addresses, passwords, signing in, and resetting a forgotten password."""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.accounts.operations.sessions import withdraw_credentials
from lms.core.errors import DomainError, ValidationFailed
from lms.core.i18n import _, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow
from lms.core.urls import absolute_url

MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH_KEY = "lms_dummy_hash"


class InvalidResetLink(DomainError):
    """A password link that is expired, tampered with, or already used: the page says so."""

    status = 400


# --- e-mail addresses ------------------------------------------------------------------

def normalize_email(email: str, *, field: str = "email") -> str:
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationFailed(_("Enter a valid e-mail address."), field=field) from None
    return result.normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().lower()))


# --- passwords -------------------------------------------------------------------------

def _hasher() -> PasswordHasher:
    config = current_app.config
    key = ("lms_hasher", config["LMS_ARGON2_TIME_COST"], config["LMS_ARGON2_MEMORY_KIB"])
    hasher = current_app.extensions.get(key)
    if hasher is None:
        hasher = PasswordHasher(time_cost=config["LMS_ARGON2_TIME_COST"],
                                memory_cost=config["LMS_ARGON2_MEMORY_KIB"], parallelism=1)
        current_app.extensions[key] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; costs the same time whether or not the account exists."""
    hasher = _hasher()
    if user is None or not user.password_hash:
        dummy = current_app.extensions.get(_DUMMY_HASH_KEY)
        if dummy is None:
            dummy = current_app.extensions[_DUMMY_HASH_KEY] = hasher.hash(secrets.token_hex(8))
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(dummy, password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def check_new_password(password: str, *, email: str | None = None, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Use at least {count} characters.").format(count=MIN_PASSWORD_LENGTH), field=field)
    if email and password.strip().lower() == email.strip().lower():
        raise ValidationFailed(_("The password must not be your e-mail address."), field=field)


# --- sign-in and password changes ------------------------------------------------------

def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user for these credentials, or None; never says which part was wrong."""
    user = find_user_by_email(session, email)
    if not verify_password(user, password or "") or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not verify_password(user, current or ""):
        raise ValidationFailed(_("The current password is not correct."), field="current_password")
    check_new_password(new, email=user.email, field="new_password")
    user.password_hash = hash_password(new)
    withdraw_credentials(session, user)


# --- forgotten passwords ---------------------------------------------------------------

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms-password-reset")


def _password_fingerprint(user: User) -> str:
    # The token stops working as soon as the password changes.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def password_reset_url(user: User) -> str:
    return absolute_url("accounts.reset_password", token=password_reset_token(user))


def queue_password_mail(session: Session, user: User, *, welcome: bool = False) -> None:
    """E-mail a link to set (``welcome``) or reset the password, in the user's language."""
    with use_language(user.language):
        context = {"user": user, "url": password_reset_url(user), "welcome": welcome,
                   "hours": current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 3600}
        subject = (_("Your account on the HELP course platform") if welcome
                   else _("Reset your password"))
        text = render_template("accounts/email/password.txt", **context)
    queue_mail(session, Mail(to=user.email, subject=subject, text=text))


def request_password_reset(session: Session, email: str) -> None:
    """Send a reset link if the account exists; the caller always answers the same."""
    user = find_user_by_email(session, email)
    if user is not None and user.is_active:
        queue_password_mail(session, user)


def user_for_reset_token(session: Session, token: str) -> User:
    """The user a password link was sent to; ``InvalidResetLink`` if it no longer works."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise InvalidResetLink(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidResetLink(_("This link is not valid. Ask for a new one.")) from None
    user = session.get(User, data.get("u"))
    if user is None or not user.is_active or data.get("p") != _password_fingerprint(user):
        raise InvalidResetLink(_("This link has already been used or is no longer valid."))
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    user = user_for_reset_token(session, token)
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    withdraw_credentials(session, user)
    return user
