"""A person's profile: registering as a trainee, and keeping one's profile up to date."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution, User, UserRole
from lms.accounts.operations.sign_in import (
    check_new_password,
    find_user_by_email,
    hash_password,
    normalize_email,
)
from lms.accounts.reference import GENDERS, NATIONAL, PROFESSIONS, TRAINEE
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import LANGUAGES, _, use_language
from lms.core.mail import Mail, queue_mail
from lms.core.urls import absolute_url


def beneficiaries_and_institutions(session: Session) -> tuple[list[Beneficiary], list[Institution]]:
    """The choices of a profile form: every beneficiary by code, every institution by name."""
    beneficiaries = list(session.scalars(select(Beneficiary).order_by(Beneficiary.code)))
    institutions = list(session.scalars(select(Institution).order_by(Institution.name)))
    return beneficiaries, institutions


def check_profile(session: Session, *, full_name, beneficiary_id, institution_id, profession,
                   gender, language, require_trainee_fields: bool) -> dict:
    """A profile's fields checked (every wrong one named), the name tidied, ids made records."""
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


def registered_message() -> str:
    """What both doors answer to a registration, whether or not the address had an account."""
    return _("Thank you. We have sent a message to the address you gave: sign in with it and "
             "your password to start.")


def require_open_registration() -> None:
    """Where registration is closed (``LMS_REGISTRATION_OPEN=0``) it does not exist: 404."""
    if not current_app.config["LMS_REGISTRATION_OPEN"]:
        raise NotFound()


def register_trainee(session: Session, *, email: str, password: str, full_name: str,
                     beneficiary_id: int | None, institution_id: int | None, profession: str,
                     gender: str | None, language: str) -> User | None:
    """Create a trainee account from the public registration form, and e-mail its address.

    An address that already has an account answers the same (no one learns from this form
    who has an account): nothing is created, the password is hashed all the same (the same
    time is spent) and the owner of the address is told by e-mail. ``None`` in that case.
    """
    require_open_registration()
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
        profile = check_profile(session, full_name=full_name, beneficiary_id=beneficiary_id,
                                 institution_id=institution_id, profession=profession,
                                 gender=gender, language=language, require_trainee_fields=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    password_hash = hash_password(password)
    owner = find_user_by_email(session, email)
    if owner is not None:
        _queue_registration_mail(session, owner, already=True)
        return None
    user = User(email=email, password_hash=password_hash, full_name=profile["full_name"],
                beneficiary=profile["beneficiary"], institution=profile["institution"],
                profession=profile["profession"], gender=profile["gender"],
                language=profile["language"], role_rows=[UserRole(role=TRAINEE)])
    session.add(user)
    session.flush()
    _queue_registration_mail(session, user, already=False)
    return user


def _queue_registration_mail(session: Session, user: User, *, already: bool) -> None:
    with use_language(user.language):
        subject = _("Your account on the HELP course platform")
        text = render_template("accounts/email/registered.txt", user=user, already=already,
                               sign_in_url=absolute_url("accounts.login"))
    queue_mail(session, Mail(to=user.email, subject=subject, text=text))


def update_profile(session: Session, user: User, *, full_name: str, beneficiary_id: int | None,
                   institution_id: int | None, profession: str | None, gender: str | None,
                   language: str) -> User:
    profile = check_profile(session, full_name=full_name, beneficiary_id=beneficiary_id,
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
