"""Attendance in the statistics: the rate of members present per beneficiary (over the groups of
a report) and per session of one group. A rate is present ÷ recorded entries. Attendance is not
broken down by gender: under a gender filter the figures are withheld, as the statistics never
describe one gender but through their own small-group suppression."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary
from lms.extensions import db
from lms.meetings.models import PRESENT, Attendance, Meeting
from lms.tutors.models import Cohort


@dataclass(frozen=True)
class Rate:
    label: str
    present: int
    recorded: int
    sessions: int = 0
    starts_at: datetime | None = None

    @property
    def percent(self) -> float | None:
        return 100 * self.present / self.recorded if self.recorded else None


def _present():
    return func.sum(case((Attendance.status == PRESENT, 1), else_=0))


def by_beneficiary(session: Session, cohort_ids: Select) -> list[Rate]:
    """One row per beneficiary with recorded attendance in the given groups; one query."""
    rows = session.execute(
        select(Beneficiary, _present(), func.count(Attendance.id), func.count(func.distinct(Meeting.id)))
        .select_from(Attendance).join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id).join(Beneficiary, Beneficiary.id == Cohort.beneficiary_id)
        .where(Meeting.cohort_id.in_(cohort_ids)).group_by(Beneficiary.id).order_by(Beneficiary.code)).all()
    return [Rate(beneficiary.name, int(present or 0), int(recorded), int(sessions))
            for beneficiary, present, recorded, sessions in rows]


def by_session(session: Session, cohort: Cohort) -> list[Rate]:
    """One row per session of the group, in time order, with what its register says; one query."""
    rows = session.execute(
        select(Meeting.title, Meeting.starts_at, _present(), func.count(Attendance.id))
        .select_from(Meeting).outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Meeting.cohort_id == cohort.id).group_by(Meeting.id, Meeting.title, Meeting.starts_at)
        .order_by(Meeting.starts_at, Meeting.id)).all()
    return [Rate(title, int(present or 0), int(recorded), 1, starts_at) for title, starts_at, present, recorded in rows]


def overview_slot(filters=None, cohort_ids=None, **_context) -> str:
    if filters is None or cohort_ids is None:
        return ""
    gendered = any(dimension.key == "gender" for dimension in filters.dimensions)
    rows = [] if gendered else by_beneficiary(db.session, cohort_ids)
    return render_template("meetings/_statistics_overview.html", rows=rows, gendered=gendered)


def cohort_slot(cohort=None, **_context) -> str:
    if cohort is None:
        return ""
    rows = by_session(db.session, cohort)
    total = Rate("", sum(r.present for r in rows), sum(r.recorded for r in rows), len(rows))
    return render_template("meetings/_statistics_cohort.html", rows=rows, total=total)
