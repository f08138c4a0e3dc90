"""Completions a manager records by hand (achieved offline): which enrolments, and the
certificate that follows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.operations.issuing import certificate_of_enrolment
from lms.certificates.operations.lists import containing, scope_of
from lms.courses.completion import complete_manually
from lms.courses.models import ACTIVE, Course, Enrolment


@dataclass(frozen=True)
class ManualCompletion:
    """A completion a manager recorded by hand, and the certificate it issued."""

    enrolment: Enrolment
    certificate: Certificate | None


def record_manual_completion(session: Session, actor: User, enrolment: Enrolment, reason: str) -> ManualCompletion:
    """Mark the course completed (``lms.courses.completion.complete_manually``): the
    certificate is issued in the same transaction."""
    complete_manually(session, actor, enrolment, reason)
    return ManualCompletion(enrolment, certificate_of_enrolment(session, enrolment.id))


def enrolments_to_complete(user, *, course_id: int | None = None, q: str | None = None) -> Select:
    """Active, uncompleted enrolments in ``user``'s scope that match, by trainee's name."""
    query = (select(Enrolment).join(User, User.id == Enrolment.user_id).join(Course, Course.id == Enrolment.course_id)
             .options(contains_eager(Enrolment.user).joinedload(User.beneficiary),
                      contains_eager(Enrolment.course))
             .where(Enrolment.status == ACTIVE, Enrolment.completed_at.is_(None)))
    scope = scope_of(user)
    if scope is not None:
        query = query.where(User.beneficiary_id.in_(scope))
    if course_id is not None:
        query = query.where(Enrolment.course_id == course_id)
    text = (q or "").strip().lower()
    if text:
        pattern = containing(text)
        query = query.where(or_(func.lower(User.full_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    return query.order_by(User.full_name, Enrolment.id)
