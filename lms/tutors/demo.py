"""Demo data for ``lms setup``: a Serbian group of the radicalisation-prevention course."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.operations import beneficiary_by_code, find_user_by_email
from lms.core.errors import DomainError
from lms.core.models import utcnow
from lms.courses.models import Course
from lms.tutors.models import VIA_DEMO, Cohort, CohortTutor
from lms.tutors.operations.cohorts import new_key
from lms.tutors.operations.membership import admit

DEMO_COURSE = "radicalisation-prevention"
DEMO_COHORT = "Demo grupa – Srbija"
DEMO_TUTOR = "tutor@demo.lms"
DEMO_TRAINEE = "trainee@demo.lms"


def demo_cohort(session: Session) -> list[str]:
    """Create (once) the demo group with the demo tutor and trainee; return the line to print."""
    course = session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    serbia = beneficiary_by_code(session, "RS")
    tutor = find_user_by_email(session, DEMO_TUTOR)
    trainee = find_user_by_email(session, DEMO_TRAINEE)
    if course is None or serbia is None or tutor is None or trainee is None:
        return []
    cohort = session.scalar(select(Cohort).where(
        Cohort.course_id == course.id, Cohort.beneficiary_id == serbia.id, Cohort.name == DEMO_COHORT))
    if cohort is None:
        today = utcnow().date()
        cohort = Cohort(course=course, beneficiary=serbia, name=DEMO_COHORT, language="sr_Latn",
                        starts_on=today, ends_on=today + timedelta(weeks=10), capacity=30, is_open=True,
                        allow_other_beneficiaries=False, enrolment_key=new_key(session),
                        created_at=utcnow(), tutor_rows=[CohortTutor(user_id=tutor.id)])
        session.add(cohort)
        session.flush()
    # If the demo trainee was put in another group by hand, leave them there.
    with contextlib.suppress(DomainError):
        admit(session, cohort, trainee, via=VIA_DEMO, actor=None, enforce_capacity=False)
    return [f"Demo tutored group “{cohort.name}” ({DEMO_COURSE}, Serbia, sr_Latn), tutor {DEMO_TUTOR}: "
            f"enrolment key {cohort.display_key}"]
