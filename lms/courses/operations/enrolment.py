"""Joining a course, being withdrawn and re-admitted, the language a group reads in."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotAllowed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.models import ACTIVE, WITHDRAWN, Course, Enrolment
from lms.courses.operations.lookups import enrolment_of


def ensure_enrolment(session: Session, user: User, course: Course) -> tuple[Enrolment, bool]:
    """Enrol ``user`` (or re-admit a withdrawn enrolment); return it and whether it changed.

    Safe against a double click: the unique (user, course) constraint decides.
    """
    enrolment = enrolment_of(session, user, course.id)
    if enrolment is not None:
        if enrolment.status == WITHDRAWN:
            enrolment.status = ACTIVE
            enrolment.withdrawn_at = None
            session.flush()
            return enrolment, True
        return enrolment, False
    try:
        with session.begin_nested():
            enrolment = Enrolment(user_id=user.id, course_id=course.id, status=ACTIVE,
                                  enrolled_at=utcnow(), progress_percent=0)
            session.add(enrolment)
    except IntegrityError:
        enrolment = enrolment_of(session, user, course.id)
        return enrolment, False
    return enrolment, True


def self_enrol(session: Session, user: User, course: Course) -> tuple[Enrolment, bool]:
    """A trainee joins a self-paced course; a tutored one is joined through its group."""
    if course.is_tutored:
        existing = enrolment_of(session, user, course.id)
        if existing is not None and existing.is_active:
            return existing, False
        raise NotAllowed(_("This course is taken in a tutored group. Join it with the enrolment "
                           "key your tutor or programme manager gives you."))
    return ensure_enrolment(session, user, course)


def withdraw(session: Session, enrolment: Enrolment) -> Enrolment:
    """Withdraw keeps every record; re-admission picks up where it stopped."""
    if enrolment.status != WITHDRAWN:
        enrolment.status = WITHDRAWN
        enrolment.withdrawn_at = utcnow()
        session.flush()
    return enrolment


def set_content_language(session: Session, enrolment_ids, language: str | None) -> None:
    """Show these enrolments' course content in ``language`` by default (a tutored group's
    language); ``enrolment_ids`` is a list or a select of ids."""
    session.execute(update(Enrolment).where(Enrolment.id.in_(enrolment_ids))
                    .values(content_language=language).execution_options(synchronize_session="fetch"))
