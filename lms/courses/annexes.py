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
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, User
from lms.core.app_cache import kept_per_content
from lms.courses.extension_points import ENROLMENT_BENEFICIARIES
from lms.courses.models import Course, Enrolment, Lesson, Module


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


@dataclass(frozen=True)
class ModuleInUse:
    """A module of the course's current content, with the lessons of it in use."""

    id: int
    slug: str
    # The beneficiary codes whose trainees are shown it; () for everyone.
    beneficiaries: tuple[str, ...]
    lesson_ids: frozenset[int]


def modules_in_use(session: Session, course: Course) -> tuple[ModuleInUse, ...]:
    """The course's modules that are not retired, each with its lessons that are not (a module
    may have none). Only an import changes them, and it gives the course a new content hash:
    read once per process and content, like the outline."""
    def read() -> tuple[ModuleInUse, ...]:
        modules: dict[int, tuple[str, tuple[str, ...]]] = {}
        lessons: dict[int, set[int]] = {}
        for module_id, slug, beneficiaries, lesson_id in session.execute(
                select(Module.id, Module.slug, Module.beneficiaries, Lesson.id)
                .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.is_retired.is_(False)))
                .where(Module.course_id == course.id, Module.is_retired.is_(False))
                .order_by(Module.position, Module.id)):
            modules.setdefault(module_id, (slug, tuple(beneficiaries or ())))
            found = lessons.setdefault(module_id, set())
            if lesson_id is not None:
                found.add(lesson_id)
        return tuple(ModuleInUse(module_id, slug, beneficiaries, frozenset(lessons[module_id]))
                     for module_id, (slug, beneficiaries) in modules.items())

    return kept_per_content("courses.modules_in_use", course, read)


def hidden_modules(session: Session, enrolment: Enrolment) -> dict[int, str]:
    """{module id: slug} of the course's modules this enrolment is not shown (other
    beneficiaries' annexes); empty in a course without annexes."""
    limited = [module for module in modules_in_use(session, enrolment.course) if module.beneficiaries]
    if not limited:
        return {}
    codes = beneficiaries_of(session, enrolment)
    return {module.id: module.slug for module in limited if not is_shown_to(module.beneficiaries, codes)}
