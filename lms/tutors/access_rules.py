"""What cohorts add to the access rules of courses (``lms.courses.extension_points``): a group's
tutors follow, grade and preview; managers in scope follow; a group's certificates go together."""

from __future__ import annotations

from sqlalchemy import exists, select

from lms.accounts.models import Beneficiary
from lms.courses.extension_points import (
    COHORT_ENROLMENTS,
    COURSE_PREVIEWERS,
    ENROLMENT_BENEFICIARIES,
    ENROLMENT_DETAILS,
    ENROLMENT_GRADERS,
    ENROLMENT_VIEWERS,
)
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership, CohortTutor


def _cohort_for(session, enrolment) -> tuple[Cohort | None, CohortMembership | None]:
    row = session.execute(
        select(Cohort, CohortMembership).join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .where(CohortMembership.enrolment_id == enrolment.id)).first()
    return (row[0], row[1]) if row else (None, None)


def tutor_or_manager_views_enrolment(session, user, enrolment) -> bool:
    """Tutors of the trainee's group, and managers whose scope covers its beneficiary."""
    if not (user.is_tutor or user.is_manager or user.is_admin):
        return False
    cohort, _membership = _cohort_for(session, enrolment)
    return cohort is not None and cohort.can_be_followed_by(user)


def tutor_grades_enrolment(session, user, enrolment) -> bool:
    """Tutors of the trainee's group grade their work while the trainee is a member."""
    if not user.is_tutor:
        return False
    cohort, membership = _cohort_for(session, enrolment)
    return cohort is not None and membership.status == MEMBER_ACTIVE and cohort.has_tutor(user)


def cohort_details(session, enrolment) -> dict:
    """Facts certificates and reports print: the group, its beneficiary, its tutors, its language."""
    cohort, _membership = _cohort_for(session, enrolment)
    if cohort is None:
        return {}
    return {"cohort_id": cohort.id, "cohort": cohort.name, "beneficiary": cohort.beneficiary,
            "tutors": [row.user.full_name for row in cohort.tutor_rows], "language": cohort.language}


def cohort_beneficiaries(session, enrolment) -> set[str]:
    """The beneficiary of the group the course is taken in: its national annex is the trainee's."""
    code = session.scalar(select(Beneficiary.code).join(Cohort, Cohort.beneficiary_id == Beneficiary.id)
                          .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
                          .where(CohortMembership.enrolment_id == enrolment.id))
    return {code} if code else set()


def tutor_previews_course(session, user, course) -> bool:
    """A tutor of any group of the course reads its lessons without being enrolled."""
    if not user.is_tutor:
        return False
    return bool(session.scalar(select(exists().where(
        CohortTutor.user_id == user.id, CohortTutor.cohort_id == Cohort.id, Cohort.course_id == course.id))))


def cohort_members(session, user, cohort_id: int):
    """The enrolments of a group, for those who manage it (certificates' cohort ZIP)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or not cohort.can_be_managed_by(user):
        return None
    return select(CohortMembership.enrolment_id).where(CohortMembership.cohort_id == cohort.id)


def register(app) -> None:
    ENROLMENT_VIEWERS.add(app, tutor_or_manager_views_enrolment)
    ENROLMENT_GRADERS.add(app, tutor_grades_enrolment)
    ENROLMENT_DETAILS.add(app, cohort_details)
    ENROLMENT_BENEFICIARIES.add(app, cohort_beneficiaries)
    COURSE_PREVIEWERS.add(app, tutor_previews_course)
    COHORT_ENROLMENTS.add(app, cohort_members)
