"""Administration: users' roles, scope and access; institutions; the reference data."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution, User, UserRole
from lms.accounts.operations.institution_names import fill_default_names
from lms.accounts.operations.profiles import check_profile
from lms.accounts.operations.sessions import withdraw_credentials
from lms.accounts.operations.sign_in import find_user_by_email, normalize_email, queue_password_mail
from lms.accounts.reference import (
    ADMIN,
    BENEFICIARIES,
    DEFAULT_INSTITUTIONS,
    MANAGER,
    MANAGER_SCOPES,
    NATIONAL,
    ROLES,
    TRAINEE,
)
from lms.core import audit
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.core.i18n import _


def _user_snapshot(user: User) -> dict:
    return {"roles": sorted(user.roles), "manager_scope": user.manager_scope,
            "beneficiary": user.beneficiary.code if user.beneficiary else None,
            "active": user.is_active_account}


def find_users(*, text: str | None = None, role: str | None = None, beneficiary: str | None = None) -> Select:
    """The administrators' search: a part of the name or e-mail, a role, a beneficiary code; by name."""
    query = select(User).order_by(User.full_name, User.id)
    if text and text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    if role in ROLES:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if beneficiary:
        query = query.join(Beneficiary, Beneficiary.id == User.beneficiary_id).where(
            Beneficiary.code == beneficiary.upper())
    return query


def _check_roles(roles: set[str], manager_scope: str | None, beneficiary: Beneficiary | None,
                 errors: dict) -> str | None:
    """Roles from the list, a manager's scope, a national manager's beneficiary; the scope to keep."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        errors["roles"] = [_("Choose at least one role from the list.")]
    if MANAGER not in roles:
        return None
    if manager_scope not in MANAGER_SCOPES:
        errors["manager_scope"] = [_("Choose the manager's scope.")]
    elif manager_scope == NATIONAL and beneficiary is None and "beneficiary_id" not in errors:
        errors["beneficiary_id"] = [_("A national manager needs a beneficiary.")]
    return manager_scope


def admin_create_user(session: Session, actor: User, *, email: str, full_name: str, roles: set[str],
                      manager_scope: str | None = None, beneficiary_id: int | None = None,
                      institution_id: int | None = None, profession: str | None = None,
                      gender: str | None = None, language: str = "en") -> User:
    """An administrator opens an account; its owner is e-mailed a link to choose a password. Logged."""
    if not actor.is_admin:
        raise NotAllowed()
    errors: dict = {}
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    profile = None
    try:
        profile = check_profile(session, full_name=full_name, beneficiary_id=beneficiary_id,
                                institution_id=institution_id, profession=profession, gender=gender,
                                language=language, require_trainee_fields=TRAINEE in roles)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    manager_scope = _check_roles(roles, manager_scope, profile["beneficiary"] if profile else None, errors)
    if errors:
        raise ValidationFailed(errors)
    if find_user_by_email(session, email):
        raise ValidationFailed(_("An account with this e-mail address already exists."), field="email")
    user = User(email=email, password_hash=None, full_name=profile["full_name"],
                beneficiary=profile["beneficiary"], institution=profile["institution"],
                profession=profile["profession"], gender=profile["gender"], language=profile["language"],
                manager_scope=manager_scope, role_rows=[UserRole(role=role) for role in sorted(roles)])
    session.add(user)
    session.flush()
    audit.record(session, actor_id=actor.id, action="user.created", subject_type="user", subject_id=user.id,
                 after={**_user_snapshot(user), "email": user.email})
    queue_password_mail(session, user, welcome=True)
    return user


def admin_update_user(session: Session, actor: User, user: User, *, roles: set[str],
                      manager_scope: str | None, beneficiary_id: int | None,
                      active: bool) -> User:
    """Change roles, manager scope, beneficiary and active state; logged."""
    if not user.can_be_administered_by(actor):
        raise NotAllowed()
    errors: dict = {}
    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id else None
    if beneficiary_id and beneficiary is None:
        errors["beneficiary_id"] = [_("Choose a beneficiary from the list.")]
    manager_scope = _check_roles(roles, manager_scope, beneficiary, errors)
    if user.id == actor.id and (not active or ADMIN not in roles):
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
        withdraw_credentials(session, user)
    user.is_active_account = active
    session.flush()
    after = _user_snapshot(user)
    if after != before:
        audit.record(session, actor_id=actor.id, action="user.updated", subject_type="user",
                     subject_id=user.id, before=before, after=after)
    return user


def create_institution(session: Session, actor: User, *, beneficiary_id: int, name: str) -> Institution:
    """Add an institution to a beneficiary: administrators, and managers within their scope."""
    if not (actor.is_admin or actor.is_manager):
        raise NotAllowed()
    beneficiary = session.get(Beneficiary, beneficiary_id) if beneficiary_id is not None else None
    if beneficiary is None:
        raise ValidationFailed(_("Choose a beneficiary from the list."), field="beneficiary_id")
    if not beneficiary.can_be_managed_by(actor):
        raise NotAllowed()
    name = " ".join((name or "").split())
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
    fill_default_names(session)
    return added


def beneficiary_by_code(session: Session, code: str) -> Beneficiary | None:
    return session.scalar(select(Beneficiary).where(Beneficiary.code == code))
