"""Account rules: registration, sign-in, passwords, roles and scope, API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.accounts.models import ApiToken, Beneficiary, Institution, User, UserRole
from lms.accounts.reference import (
    BENEFICIARIES,
    DEFAULT_INSTITUTIONS,
    GENDERS,
    MANAGER,
    MANAGER_SCOPES,
    NATIONAL,
    PROFESSIONS,
    ROLES,
    TRAINEE,
)
from lms.core import audit
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import LANGUAGES, _, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "lms_"
_DUMMY_HASH_KEY = "lms_dummy_hash"


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


# --- validation helpers ----------------------------------------------------------------

def normalize_email(email: str, *, field: str = "email") -> str:
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationFailed(_("Enter a valid e-mail address."), field=field) from None
    return result.normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def _check_profile(session: Session, *, full_name, beneficiary_id, institution_id, profession,
                   gender, language, require_trainee_fields: bool) -> dict:
    errors: dict[str, list] = {}
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["full_name"] = [_("Enter your full name as it must appear on a certificate.")]
    elif len(full_name) > 200:
        errors["full_name"] = [_("The name is too long (200 characters at most).")]
    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id else None
    if beneficiary_id and beneficiary is None:
        errors["beneficiary_id"] = [_("Choose a beneficiary from the list.")]
    if require_trainee_fields and beneficiary is None and "beneficiary_id" not in errors:
        errors["beneficiary_id"] = [_("Choose your beneficiary.")]
    institution = session.get(Institution, institution_id) if institution_id else None
    if institution_id and (institution is None or
                           (beneficiary and institution.beneficiary_id != beneficiary.id)):
        errors["institution_id"] = [_("Choose an institution of the selected beneficiary.")]
    if profession and profession not in PROFESSIONS:
        errors["profession"] = [_("Choose a profession from the list.")]
    if require_trainee_fields and not profession:
        errors["profession"] = [_("Choose your profession.")]
    if gender and gender not in GENDERS:
        errors["gender"] = [_("Choose an option from the list.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose a language from the list.")]
    if errors:
        raise ValidationFailed(errors)
    return {"full_name": full_name, "beneficiary": beneficiary, "institution": institution,
            "profession": profession or None, "gender": gender or None, "language": language}


# --- registration and profile ----------------------------------------------------------

def register_trainee(session: Session, *, email: str, password: str, full_name: str,
                     beneficiary_id: int | None, institution_id: int | None, profession: str,
                     gender: str | None, language: str) -> User:
    """Create a trainee account from the public registration form."""
    errors: dict = {}
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        check_new_password(password, email=email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        profile = _check_profile(session, full_name=full_name, beneficiary_id=beneficiary_id,
                                 institution_id=institution_id, profession=profession,
                                 gender=gender, language=language, require_trainee_fields=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    if find_user_by_email(session, email):
        raise ValidationFailed(_("An account with this e-mail address already exists."), field="email")
    user = User(email=email, password_hash=hash_password(password), full_name=profile["full_name"],
                beneficiary=profile["beneficiary"], institution=profile["institution"],
                profession=profile["profession"], gender=profile["gender"],
                language=profile["language"], role_rows=[UserRole(role=TRAINEE)])
    session.add(user)
    session.flush()
    return user


def update_profile(session: Session, user: User, *, full_name: str, beneficiary_id: int | None,
                   institution_id: int | None, profession: str | None, gender: str | None,
                   language: str) -> User:
    profile = _check_profile(session, full_name=full_name, beneficiary_id=beneficiary_id,
                             institution_id=institution_id, profession=profession, gender=gender,
                             language=language, require_trainee_fields=user.has_role(TRAINEE))
    if user.manager_scope == NATIONAL and profile["beneficiary"] != user.beneficiary:
        raise ValidationFailed(
            _("A national manager's beneficiary is changed by an administrator."), field="beneficiary_id")
    user.full_name = profile["full_name"]
    user.beneficiary = profile["beneficiary"]
    user.institution = profile["institution"]
    user.profession = profile["profession"]
    user.gender = profile["gender"]
    user.language = profile["language"]
    session.flush()
    return user


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationFailed(_("Choose a language from the list."), field="language")
    user.language = language


# --- sign-in and passwords -------------------------------------------------------------

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
    user.auth_version += 1
    session.flush()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms-password-reset")


def _password_fingerprint(user: User) -> str:
    # The token stops working as soon as the password changes.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def password_reset_url(user: User) -> str:
    path = url_for("accounts.reset_password", token=password_reset_token(user))
    return current_app.config["LMS_BASE_URL"] + path


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
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise ValidationFailed(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise ValidationFailed(_("This link is not valid. Ask for a new one.")) from None
    user = session.get(User, data.get("u"))
    if user is None or not user.is_active or data.get("p") != _password_fingerprint(user):
        raise ValidationFailed(_("This link has already been used or is no longer valid."))
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    user = user_for_reset_token(session, token)
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.auth_version += 1
    session.flush()
    return user


# --- administration --------------------------------------------------------------------

def _user_snapshot(user: User) -> dict:
    return {"roles": sorted(user.roles), "manager_scope": user.manager_scope,
            "beneficiary": user.beneficiary.code if user.beneficiary else None,
            "active": user.is_active_account}


def admin_update_user(session: Session, actor: User, user: User, *, roles: set[str],
                      manager_scope: str | None, beneficiary_id: int | None,
                      active: bool) -> User:
    """Change roles, manager scope, beneficiary and active state; logged."""
    if not actor.can_manage_users():
        raise NotAllowed()
    errors: dict = {}
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        errors["roles"] = [_("Choose at least one role from the list.")]
    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id else None
    if beneficiary_id and beneficiary is None:
        errors["beneficiary_id"] = [_("Choose a beneficiary from the list.")]
    if MANAGER in roles:
        if manager_scope not in MANAGER_SCOPES:
            errors["manager_scope"] = [_("Choose the manager's scope.")]
        elif manager_scope == NATIONAL and beneficiary is None:
            errors["beneficiary_id"] = [_("A national manager needs a beneficiary.")]
    else:
        manager_scope = None
    if user.id == actor.id and (not active or "admin" not in roles):
        errors["roles"] = [_("You cannot remove your own administrator access.")]
    if errors:
        raise ValidationFailed(errors)
    before = _user_snapshot(user)
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in sorted(roles - user.roles)]
    user.manager_scope = manager_scope
    if beneficiary is not None or beneficiary_id is None:
        user.beneficiary = beneficiary
        if user.institution and user.institution.beneficiary_id != (beneficiary.id if beneficiary else None):
            user.institution = None
    if user.is_active_account and not active:
        user.auth_version += 1
    user.is_active_account = active
    session.flush()
    after = _user_snapshot(user)
    if after != before:
        audit.record(session, actor_id=actor.id, action="user.updated", subject_type="user",
                     subject_id=user.id, before=before, after=after)
    return user


def create_institution(session: Session, actor: User, *, beneficiary_id: int, name: str) -> Institution:
    if not (actor.is_admin or (actor.is_manager and actor.can_manage_beneficiary(beneficiary_id))):
        raise NotAllowed()
    name = " ".join((name or "").split())
    beneficiary = session.get(Beneficiary, beneficiary_id)
    if beneficiary is None:
        raise ValidationFailed(_("Choose a beneficiary from the list."), field="beneficiary_id")
    if not name or len(name) > 200:
        raise ValidationFailed(_("Enter the institution's name (200 characters at most)."), field="name")
    exists = session.scalar(select(Institution).where(
        Institution.beneficiary_id == beneficiary_id, func.lower(Institution.name) == name.lower()))
    if exists:
        raise Conflict(_("This institution already exists."))
    institution = Institution(beneficiary=beneficiary, name=name)
    session.add(institution)
    session.flush()
    return institution


# --- API tokens ------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the plain value is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name (100 characters at most)."), field="name")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=plain[:12], token_hash=_token_hash(plain))
    session.add(token)
    session.flush()
    return token, plain


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or not token.can_be_revoked_by(user):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def user_for_api_token(session: Session, plain: str) -> User | None:
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plain)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now  # written at most every five minutes
    return token.user


# --- reference data --------------------------------------------------------------------

def ensure_reference_data(session: Session) -> int:
    """Create the six beneficiaries and their default institutions; return how many rows were added."""
    added = 0
    existing = {b.code: b for b in session.scalars(select(Beneficiary))}
    for code, (_name, languages) in BENEFICIARIES.items():
        beneficiary = existing.get(code)
        if beneficiary is None:
            beneficiary = Beneficiary(code=code, languages=languages)
            session.add(beneficiary)
            existing[code] = beneficiary
            added += 1
    session.flush()
    names = {(i.beneficiary_id, i.name) for i in session.scalars(select(Institution))}
    for code, institution_names in DEFAULT_INSTITUTIONS.items():
        for name in institution_names:
            if (existing[code].id, name) not in names:
                session.add(Institution(beneficiary=existing[code], name=name))
                added += 1
    session.flush()
    return added


def beneficiary_by_code(session: Session, code: str) -> Beneficiary | None:
    return session.scalar(select(Beneficiary).where(Beneficiary.code == code))
