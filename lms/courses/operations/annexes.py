"""The modules a trainee is shown (``lms.courses.annexes``): one operation, ``modules_for``,
that the outline, "continue", the lesson pages and the learning path all use."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import NotFound
from lms.courses.annexes import beneficiaries_of
from lms.courses.models import Course, Enrolment
from lms.courses.operations.outlines import Outline, OutlineModule, outline_of


def outline_for(session: Session, enrolment: Enrolment) -> Outline:
    """The course's outline as this enrolment is shown it: without other beneficiaries' annexes."""
    outline = outline_of(session, enrolment.course)
    if not outline.has_annexes:
        return outline
    return outline.limited_to(beneficiaries_of(session, enrolment))


def modules_for(session: Session, enrolment: Enrolment) -> tuple[OutlineModule, ...]:
    """The modules this enrolment is shown and must do, in course order."""
    return outline_for(session, enrolment).modules


def outline_for_viewer(session: Session, user: User, course: Course, enrolment: Enrolment | None) -> Outline:
    """The outline a page shows ``user``: staff and visitors see every module (each annex
    labelled with its beneficiary), an enrolled trainee what ``outline_for`` gives them."""
    if enrolment is None or course.can_be_previewed_by(user):
        return outline_of(session, course)
    return outline_for(session, enrolment)


def module_for_viewer(session: Session, user: User, course: Course, enrolment: Enrolment | None,
                      module_slug: str) -> OutlineModule:
    """A module as ``user`` is shown it; NotFound for another beneficiary's annex (a trainee)."""
    module = outline_for_viewer(session, user, course, enrolment).module(module_slug)
    if module is None:
        raise NotFound()
    return module
