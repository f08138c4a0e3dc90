"""Cohort rules: creating and editing groups, enrolment keys, joining, withdrawing, re-admitting.

Joining by key, bulk enrolment and the demo data all go through ``admit``: the course
enrolment (``courses.operations.ensure_enrolment``) plus the membership that links it to
its cohort, in one operation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import Beneficiary, User, UserRole
from lms.accounts.reference import TRAINEE, TUTOR
from lms.core import audit
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from lms.core.models import utcnow
from lms.courses.models import Course, Enrolment
from lms.courses.operations import enrolment_of, ensure_enrolment, set_content_language
from lms.courses.operations import withdraw as withdraw_enrolment
from lms.tutors.models import (
    MEMBER_ACTIVE,
    MEMBER_WITHDRAWN,
    VIA_KEY,
    Cohort,
    CohortMembership,
    CohortTutor,
    MembershipEvent,
)

# Easy to read aloud and to type: no 0/O, 1/I/L.
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_LENGTH = 8
MAX_CAPACITY = 1000


# --- enrolment keys --------------------------------------------------------------------

def normalize_key(raw: str | None) -> str:
    """``abcd-efgh `` → ``ABCDEFGH``: keys compare case-insensitively, separators ignored."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_key(session: Session) -> str:
    for _attempt in range(20):
        key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
        if session.scalar(select(Cohort.id).where(Cohort.enrolment_key == key)) is None:
            return key
    raise RuntimeError("could not find an unused enrolment key")  # 31^8 keys: practically never


# --- lookups ---------------------------------------------------------------------------

def cohort_by_id(session: Session, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound()
    return cohort


def visible_cohorts(user: User):
    """A select of the cohorts ``user`` may follow: their own as tutor, their beneficiaries' as manager."""
    query = select(Cohort)
    if user.is_admin:
        return query
    conditions = []
    if user.is_manager:
        scope = user.managed_beneficiary_ids()
        if scope is None:
            return query
        conditions.append(Cohort.beneficiary_id.in_(scope))
    if user.is_tutor:
        conditions.append(Cohort.id.in_(select(CohortTutor.cohort_id).where(CohortTutor.user_id == user.id)))
    if not conditions:
        return query.where(Cohort.id.is_(None))
    return query.where(or_(*conditions))


def tutored_cohort_ids(user: User):
    """A select of the ids of the cohorts ``user`` tutors."""
    return select(CohortTutor.cohort_id).where(CohortTutor.user_id == user.id)


def membership_of(session: Session, enrolment_id: int) -> CohortMembership | None:
    return session.scalar(select(CohortMembership).where(CohortMembership.enrolment_id == enrolment_id))


def cohort_of_enrolment(session: Session, enrolment_id: int) -> Cohort | None:
    return session.scalar(select(Cohort).join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
                          .where(CohortMembership.enrolment_id == enrolment_id))


def active_member_count(session: Session, cohort_id: int) -> int:
    return session.scalar(select(func.count(CohortMembership.id)).where(
        CohortMembership.cohort_id == cohort_id, CohortMembership.status == MEMBER_ACTIVE)) or 0


def tutor_candidates(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == TUTOR, User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)))


def allowed_languages(beneficiary: Beneficiary | None) -> list[str]:
    """A group is taught in one of its beneficiary's languages, or in English."""
    codes = list(beneficiary.languages or []) if beneficiary else []
    if DEFAULT_LANGUAGE not in codes:
        codes.append(DEFAULT_LANGUAGE)
    return [code for code in codes if code in LANGUAGES]


# --- creating and editing --------------------------------------------------------------

@dataclass
class CohortFields:
    course_id: int | None
    beneficiary_id: int | None
    name: str
    language: str
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    tutor_ids: list[int]
    is_open: bool = True
    allow_other_beneficiaries: bool = False


def _snapshot(cohort: Cohort) -> dict:
    return {"course": cohort.course.slug if cohort.course else cohort.course_id,
            "beneficiary": cohort.beneficiary.code if cohort.beneficiary else cohort.beneficiary_id,
            "name": cohort.name, "language": cohort.language,
            "starts_on": cohort.starts_on.isoformat() if cohort.starts_on else None,
            "ends_on": cohort.ends_on.isoformat() if cohort.ends_on else None,
            "capacity": cohort.capacity, "tutors": sorted(cohort.tutor_ids),
            "is_open": cohort.is_open, "allow_other_beneficiaries": cohort.allow_other_beneficiaries}


def _check_fields(session: Session, actor: User, fields: CohortFields, cohort: Cohort | None) -> dict:
    """Validate every field at once; refuse a beneficiary outside the actor's scope."""
    errors: dict[str, list] = {}
    beneficiary = session.get(Beneficiary, fields.beneficiary_id) if fields.beneficiary_id else None
    if beneficiary is None:
        errors["beneficiary_id"] = [_("Choose a beneficiary from the list.")]
    elif not actor.can_manage_beneficiary(beneficiary.id) and not actor.is_admin:
        raise NotAllowed(_("You may only manage groups of the beneficiary you are responsible for."))
    course = session.get(Course, fields.course_id) if fields.course_id else None
    if course is None or not course.is_tutored:
        errors["course_id"] = [_("Choose a tutored course.")]
    elif cohort is not None and course.id != cohort.course_id and session.scalar(
            select(CohortMembership.id).where(CohortMembership.cohort_id == cohort.id).limit(1)) is not None:
        errors["course_id"] = [_("The course of a group that has had members cannot be changed.")]
    name = " ".join((fields.name or "").split())
    if not name:
        errors["name"] = [_("Give the group a name.")]
    elif len(name) > 200:
        errors["name"] = [_("The name is too long (200 characters at most).")]
    elif course is not None:
        clash = session.scalar(select(Cohort.id).where(
            Cohort.course_id == course.id, func.lower(Cohort.name) == name.lower(),
            Cohort.id != (cohort.id if cohort else -1)))
        if clash is not None:
            errors["name"] = [_("Another group of this course already has this name.")]
    if beneficiary is not None and fields.language not in allowed_languages(beneficiary):
        errors["language"] = [_("Choose one of the beneficiary's languages, or English.")]
    if fields.starts_on is None:
        errors["starts_on"] = [_("Enter the start date.")]
    if fields.ends_on is None:
        errors["ends_on"] = [_("Enter the end date.")]
    elif fields.starts_on is not None and fields.ends_on < fields.starts_on:
        errors["ends_on"] = [_("The group cannot end before it starts.")]
    capacity = fields.capacity
    if capacity is None or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("The capacity must be a whole number from 1 to {max}.").format(max=MAX_CAPACITY)]
    elif cohort is not None and capacity < active_member_count(session, cohort.id):
        errors["capacity"] = [_("The group already has more members than this capacity.")]
    tutor_ids = sorted(set(fields.tutor_ids or []))
    tutors = list(session.scalars(select(User).where(User.id.in_(tutor_ids)))) if tutor_ids else []
    if not tutors:
        errors["tutor_ids"] = [_("Choose at least one tutor.")]
    elif len(tutors) != len(tutor_ids) or not all(t.is_tutor and t.is_active for t in tutors):
        errors["tutor_ids"] = [_("Choose tutors from the list.")]
    if errors:
        raise ValidationFailed(errors)
    return {"course": course, "beneficiary": beneficiary, "name": name, "tutor_ids": tutor_ids}


def _require_manager(actor: User) -> None:
    if not (actor.is_admin or actor.is_manager):
        raise NotAllowed()


def create_cohort(session: Session, actor: User, fields: CohortFields) -> Cohort:
    _require_manager(actor)
    checked = _check_fields(session, actor, fields, None)
    cohort = Cohort(course=checked["course"], beneficiary=checked["beneficiary"], name=checked["name"],
                    language=fields.language, starts_on=fields.starts_on, ends_on=fields.ends_on,
                    capacity=fields.capacity, is_open=bool(fields.is_open),
                    allow_other_beneficiaries=bool(fields.allow_other_beneficiaries),
                    enrolment_key=new_key(session), created_by_id=actor.id, created_at=utcnow(),
                    version=1, tutor_rows=[CohortTutor(user_id=uid) for uid in checked["tutor_ids"]])
    session.add(cohort)
    session.flush()
    audit.record(session, actor_id=actor.id, action="cohort.created", subject_type="cohort",
                 subject_id=cohort.id, after=_snapshot(cohort))
    return cohort


def _bump_version(session: Session, cohort: Cohort, expected: int) -> None:
    """Take the cohort's next version, or refuse: someone else saved since ``expected`` was read."""
    session.flush()
    result = session.execute(
        update(Cohort).where(Cohort.id == cohort.id, Cohort.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this group in the meantime. Reload the page to see "
                         "their changes, then make yours again."))
    set_committed_value(cohort, "version", expected + 1)


def update_cohort(session: Session, actor: User, cohort: Cohort, fields: CohortFields, *,
                  version: int) -> Cohort:
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    checked = _check_fields(session, actor, fields, cohort)
    before = _snapshot(cohort)
    _bump_version(session, cohort, version)
    if fields.language != cohort.language:
        # The members read the course in the group's language from now on.
        set_content_language(session, select(CohortMembership.enrolment_id).where(
            CohortMembership.cohort_id == cohort.id), fields.language)
    cohort.course = checked["course"]
    cohort.beneficiary = checked["beneficiary"]
    cohort.name = checked["name"]
    cohort.language = fields.language
    cohort.starts_on, cohort.ends_on = fields.starts_on, fields.ends_on
    cohort.capacity = fields.capacity
    cohort.is_open = bool(fields.is_open)
    cohort.allow_other_beneficiaries = bool(fields.allow_other_beneficiaries)
    wanted = set(checked["tutor_ids"])
    cohort.tutor_rows = [row for row in cohort.tutor_rows if row.user_id in wanted] + [
        CohortTutor(user_id=uid) for uid in sorted(wanted - cohort.tutor_ids)]
    session.flush()
    session.refresh(cohort, ["tutor_rows"])
    after = _snapshot(cohort)
    if after != before:
        audit.record(session, actor_id=actor.id, action="cohort.updated", subject_type="cohort",
                     subject_id=cohort.id, before=before, after=after)
    return cohort


def rotate_key(session: Session, actor: User, cohort: Cohort) -> Cohort:
    """Give the group a new key; the old one stops working at once."""
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    cohort.enrolment_key = new_key(session)
    cohort.version += 1
    session.flush()
    audit.record(session, actor_id=actor.id, action="cohort.key_rotated", subject_type="cohort",
                 subject_id=cohort.id)
    return cohort


# --- joining ---------------------------------------------------------------------------

def _lock(session: Session, cohort: Cohort) -> None:
    """Serialise admissions to one group (PostgreSQL) so that capacity holds under a rush."""
    session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def _event(session: Session, membership: CohortMembership, action: str, actor: User | None,
           reason: str | None = None) -> None:
    session.add(MembershipEvent(membership_id=membership.id, cohort_id=membership.cohort_id, action=action,
                                occurred_at=utcnow(), actor_id=actor.id if actor else None, reason=reason))


def join_with_key(session: Session, user: User, key: str) -> tuple[CohortMembership, bool]:
    """A trainee joins a tutored group with its enrolment key."""
    if not user.has_role(TRAINEE):
        raise NotAllowed(_("Only trainee accounts join tutored groups."))
    normalized = normalize_key(key)
    if not normalized:
        raise ValidationFailed(_("Enter the enrolment key."), field="key")
    cohort = session.scalar(select(Cohort).where(Cohort.enrolment_key == normalized))
    if cohort is None:
        raise ValidationFailed(_("This enrolment key is not valid. Check it with your tutor or "
                                 "programme manager."), field="key")
    return admit(session, cohort, user, via=VIA_KEY, actor=user)


def check_beneficiary(cohort: Cohort, user: User) -> None:
    if not cohort.allow_other_beneficiaries and user.beneficiary_id != cohort.beneficiary_id:
        raise NotAllowed(_("This group is for trainees of {beneficiary}; your profile names another "
                           "beneficiary. Ask your programme manager.").format(beneficiary=cohort.beneficiary.name))


def admit(session: Session, cohort: Cohort, user: User, *, via: str, actor: User | None,
          enforce_capacity: bool = True) -> tuple[CohortMembership, bool]:
    """Enrol ``user`` in the cohort's course and make them a member; return whether anything changed.

    With a key (``via="key"``) every rule applies: open, not ended, same beneficiary,
    capacity, not withdrawn from this group. A manager's bulk enrolment has checked the
    beneficiary and capacity of the whole file and re-admits withdrawn trainees.
    """
    enrolment = enrolment_of(session, user, cohort.course_id)
    membership = membership_of(session, enrolment.id) if enrolment is not None else None
    if membership is not None and membership.cohort_id == cohort.id:
        if membership.is_active and enrolment.is_active:
            return membership, False
        if via == VIA_KEY:
            raise NotAllowed(_("You have been withdrawn from this group. Ask your programme manager "
                               "to re-admit you."))
    elif membership is not None and membership.is_active and enrolment.is_active:
        other = session.get(Cohort, membership.cohort_id)
        message = _("You are already a member of the group “{name}” of this course.") if via == VIA_KEY \
            else _("{person} is already a member of the group “{name}” of this course.")
        raise Conflict(message.format(name=other.name, person=user.full_name))
    if via == VIA_KEY:
        if not cohort.is_open or cohort.has_ended(utcnow().date()):
            raise NotAllowed(_("This group is not accepting new members."))
        check_beneficiary(cohort, user)
    if enforce_capacity:
        _lock(session, cohort)
        if active_member_count(session, cohort.id) >= cohort.capacity:
            raise Conflict(_("This group is full."))
    enrolment, _changed = ensure_enrolment(session, user, cohort.course)
    enrolment.content_language = cohort.language  # the group's language is the member's default
    now = utcnow()
    if membership is None:
        try:
            with session.begin_nested():
                membership = CohortMembership(cohort_id=cohort.id, enrolment_id=enrolment.id,
                                              status=MEMBER_ACTIVE, via=via, joined_at=now, changed_at=now)
                session.add(membership)
        except IntegrityError:
            # A double click: the other request made the membership first.
            membership = membership_of(session, enrolment.id)
            return membership, False
        _event(session, membership, "joined", actor)
    else:
        action = "readmitted" if membership.cohort_id == cohort.id else "moved"
        membership.cohort_id = cohort.id
        membership.status = MEMBER_ACTIVE
        membership.via = via
        membership.changed_at = now
        session.flush()
        _event(session, membership, action, actor)
    session.flush()
    return membership, True


def withdraw_member(session: Session, actor: User, membership: CohortMembership,
                    reason: str | None = None) -> CohortMembership:
    """Withdraw a trainee from the group and the course; every record of their work stays."""
    cohort = session.get(Cohort, membership.cohort_id)
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    if membership.status != MEMBER_WITHDRAWN:
        membership.status = MEMBER_WITHDRAWN
        membership.changed_at = utcnow()
        withdraw_enrolment(session, session.get(Enrolment, membership.enrolment_id))
        session.flush()
        _event(session, membership, "withdrawn", actor, (reason or "").strip() or None)
        session.flush()
    return membership


def readmit_member(session: Session, actor: User, membership: CohortMembership) -> CohortMembership:
    cohort = session.get(Cohort, membership.cohort_id)
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    enrolment = session.get(Enrolment, membership.enrolment_id)
    if membership.is_active and enrolment.is_active:
        return membership
    _lock(session, cohort)
    if active_member_count(session, cohort.id) >= cohort.capacity:
        raise Conflict(_("This group is full."))
    ensure_enrolment(session, enrolment.user, cohort.course)
    enrolment.content_language = cohort.language
    membership.status = MEMBER_ACTIVE
    membership.changed_at = utcnow()
    session.flush()
    _event(session, membership, "readmitted", actor)
    session.flush()
    return membership


def membership_in(session: Session, cohort: Cohort, membership_id: int) -> CohortMembership:
    membership = session.get(CohortMembership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        raise NotFound()
    return membership
