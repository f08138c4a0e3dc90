"""National annexes: a module limited to some beneficiaries (``beneficiaries: [AL]`` in its
module.yaml) is shown only to trainees of those beneficiaries.

A trainee's beneficiaries are those of the groups they take the course in
(``ENROLMENT_BENEFICIARIES``, from ``tutors``), or, outside any group, that of their own
account. What a trainee is not shown is not counted in their progress or completion
(``lms.courses.completion``); their outline, "continue" and the lessons they may open come
from ``lms.courses.operations.annexes.modules_for``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, User
from lms.courses.extension_points import ENROLMENT_BENEFICIARIES
from lms.courses.models import Enrolment, Module


def is_shown_to(limited_to: Iterable[str], codes: frozenset[str] | None) -> bool:
    """A module limited to ``limited_to`` (empty: to no one) is shown to trainees of ``codes``
    (``None``: staff, who see every module)."""
    limited_to = tuple(limited_to or ())
    return codes is None or not limited_to or any(code in codes for code in limited_to)


def beneficiaries_of(session: Session, enrolment: Enrolment) -> frozenset[str]:
    """The beneficiary codes whose annexes this enrolment is shown."""
    codes: set[str] = set()
    for provider in ENROLMENT_BENEFICIARIES:
        codes |= set(provider(session, enrolment) or ())
    if not codes:
        own = session.scalar(select(Beneficiary.code).join(User, User.beneficiary_id == Beneficiary.id)
                             .where(User.id == enrolment.user_id))
        if own:
            codes.add(own)
    return frozenset(codes)


def hidden_modules(session: Session, enrolment: Enrolment) -> dict[int, str]:
    """{module id: slug} of the course's modules this enrolment is not shown (other
    beneficiaries' annexes); empty in a course without annexes."""
    limited = [(module_id, slug, beneficiaries) for module_id, slug, beneficiaries in session.execute(
        select(Module.id, Module.slug, Module.beneficiaries).where(
            Module.course_id == enrolment.course_id, Module.is_retired.is_(False))) if beneficiaries]
    if not limited:
        return {}
    codes = beneficiaries_of(session, enrolment)
    return {module_id: slug for module_id, slug, beneficiaries in limited if not is_shown_to(beneficiaries, codes)}
