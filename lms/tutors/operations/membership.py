"""Membership of tutored groups: joining with a key, admitting, withdrawing, re-admitting.

Joining by key, bulk enrolment and the demo data all go through ``admit``: the course
enrolment (``courses.operations.ensure_enrolment``) plus the membership that links it to
its cohort, in one operation.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.accounts.reference import TRAINEE
from lms.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.models import Enrolment
from lms.courses.operations import enrolment_of, ensure_enrolment
from lms.courses.operations import withdraw as withdraw_enrolment
from lms.tutors.models import (
    MEMBER_ACTIVE,
    MEMBER_WITHDRAWN,
    VIA_KEY,
    Cohort,
    CohortMembership,
    MembershipEvent,
)
from lms.tutors.operations.cohorts import active_member_count, normalize_key

# --- lookups ---------------------------------------------------------------------------

def membership_of(session: Session, enrolment_id: int) -> CohortMembership | None:
    return session.scalar(select(CohortMembership).where(CohortMembership.enrolment_id == enrolment_id))


def membership_in(session: Session, cohort: Cohort, membership_id: int) -> CohortMembership:
    membership = session.get(CohortMembership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        raise NotFound()
    return membership


class Member(NamedTuple):
    """A member of a group as its page and the API list them: the membership and its trainee."""

    membership: CohortMembership
    user: User


def members_of(session: Session, cohort: Cohort) -> list[Member]:
    """Everyone who joined the group, active members first, by name."""
    return [Member(*row) for row in session.execute(
        select(CohortMembership, User).join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .join(User, User.id == Enrolment.user_id).where(CohortMembership.cohort_id == cohort.id)
        .order_by(CohortMembership.status, User.full_name, User.id))]


def history_of(session: Session, cohort: Cohort, *, limit: int = 50) -> list[tuple[MembershipEvent, str, int]]:
    """The group's latest membership events: (event, the member's name, the member's user id)."""
    return list(session.execute(
        select(MembershipEvent, User.full_name, User.id)
        .join(CohortMembership, CohortMembership.id == MembershipEvent.membership_id)
        .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .where(MembershipEvent.cohort_id == cohort.id)
        .order_by(MembershipEvent.occurred_at.desc(), MembershipEvent.id.desc()).limit(limit)).all())


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
