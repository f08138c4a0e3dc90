"""Demo data for ``lms setup --demo``: the demo group's launch event and a webinar."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.models import utcnow
from lms.meetings.models import LAUNCH, WEBINAR, Meeting
from lms.tutors.demo import DEMO_COHORT
from lms.tutors.models import Cohort


def demo_sessions(session: Session) -> list[str]:
    """Schedule (once) the demo group's sessions; return the line to print."""
    cohort = session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None or session.scalar(select(Meeting.id).where(Meeting.cohort_id == cohort.id)) is not None:
        return []
    start = utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
    tutor_id = next(iter(sorted(cohort.tutor_ids)), None)
    session.add_all([
        Meeting(cohort_id=cohort.id, kind=LAUNCH, key="launch", title="Nacionalno predstavljanje kursa",
                starts_at=start + timedelta(days=3), ends_at=start + timedelta(days=3, hours=5),
                place="Centar za obuku, Beograd", created_by_id=tutor_id),
        Meeting(cohort_id=cohort.id, kind=WEBINAR, title="Vebinar: procena rizika",
                starts_at=start + timedelta(days=17), ends_at=start + timedelta(days=17, hours=1, minutes=30),
                online_url="https://meet.example.org/help-demo", created_by_id=tutor_id),
    ])
    session.flush()
    return [f"Demo sessions of “{cohort.name}”: a launch event and a webinar"]
