"""Tutored groups: creating and editing them, their enrolment keys, who sees which group.

A group's number of active members is ``Cohort.active_members`` (one SQL expression, on the
model): lists load it with the groups, ``active_member_count`` counts it afresh.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.attributes import flag_modified

from lms.accounts.models import Beneficiary, User, UserRole
from lms.accounts.reference import TUTOR
from lms.core import audit
from lms.core.concurrency import expect_version
from lms.core.errors import NotAllowed, NotFound, ValidationFailed
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from lms.core.models import utcnow
from lms.courses.models import TUTORED, Course, Enrolment
from lms.courses.operations import set_content_language
from lms.tutors.extension_points import COHORT_SAVED
from lms.tutors.models import Cohort, CohortMembership, CohortTutor

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



def active_member_count(session: Session, cohort_id: int) -> int:
    """The group's number of active members, counted now (a capacity check)."""
    return session.scalar(select(Cohort.active_members).where(Cohort.id == cohort_id)) or 0


def _listed(session: Session, query) -> list[Cohort]:
    """The cohorts of ``query``, newest first, with their numbers of active members."""
    return list(session.scalars(query.options(undefer(Cohort.active_members))
                                .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)).unique())


def followed_cohorts(session: Session, user: User) -> list[Cohort]:
    """The groups ``user`` tutors or manages (``visible_cohorts``), for a list."""
    return _listed(session, visible_cohorts(user))


def tutored_cohorts(session: Session, user: User) -> list[Cohort]:
    """The groups ``user`` tutors, for a list."""
    return _listed(session, select(Cohort).where(Cohort.id.in_(tutored_cohort_ids(user))))


def member_cohorts(session: Session, user: User) -> list[Cohort]:
    """The groups ``user`` is or was a trainee of."""
    return _listed(session, select(Cohort).join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
                   .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
                   .where(Enrolment.user_id == user.id))


def tutored_courses(session: Session) -> list[Course]:
    """The courses a group can be made for."""
    return list(session.scalars(select(Course).where(Course.format == TUTORED).order_by(Course.slug)))


def beneficiaries_in_scope(session: Session, user: User) -> list[Beneficiary]:
    """The beneficiaries ``user`` may make groups for."""
    scope = None if user.is_admin else user.managed_beneficiary_ids()
    return [b for b in session.scalars(select(Beneficiary).order_by(Beneficiary.code))
            if scope is None or b.id in scope]


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
                    tutor_rows=[CohortTutor(user_id=uid) for uid in checked["tutor_ids"]])
    session.add(cohort)
    session.flush()
    audit.record(session, actor_id=actor.id, action="cohort.created", subject_type="cohort",
                 subject_id=cohort.id, after=_snapshot(cohort))
    _saved(session, cohort)
    return cohort


def _saved(session: Session, cohort: Cohort) -> None:
    """Tell the features that keep something per group (its forum) that it was created or changed."""
    for listener in COHORT_SAVED:
        listener(session, cohort)


def update_cohort(session: Session, actor: User, cohort: Cohort, fields: CohortFields, *,
                  version: int) -> Cohort:
    """Change the group; refused (409) if someone saved it since ``version`` was read."""
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    checked = _check_fields(session, actor, fields, cohort)
    expect_version(cohort, version, _("Someone else changed this group in the meantime. Reload the page to "
                                      "see their changes, then make yours again."))
    before = _snapshot(cohort)
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
    # Its tutors are rows of their own: mark the group itself changed, so that every save
    # (a change of tutors only, too) gives it its next version.
    flag_modified(cohort, "name")
    session.flush()
    session.refresh(cohort, ["tutor_rows"])
    after = _snapshot(cohort)
    if after != before:
        audit.record(session, actor_id=actor.id, action="cohort.updated", subject_type="cohort",
                     subject_id=cohort.id, before=before, after=after)
    _saved(session, cohort)
    return cohort


def rotate_key(session: Session, actor: User, cohort: Cohort) -> Cohort:
    """Give the group a new key; the old one stops working at once."""
    if not cohort.can_be_managed_by(actor):
        raise NotAllowed()
    cohort.enrolment_key = new_key(session)
    session.flush()
    audit.record(session, actor_id=actor.id, action="cohort.key_rotated", subject_type="cohort",
                 subject_id=cohort.id)
    return cohort
