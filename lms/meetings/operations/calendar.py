"""One person's dated events: their groups' sessions, case studies to resubmit by a date, quiz
windows (opening, closing) and the end of their groups; for a tutor, the same for the groups they
tutor. The calendar page, its API and the iCalendar feed show this one list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import has_request_context, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.i18n import _, localized
from lms.core.models import utcnow
from lms.courses.models import ACTIVE, Course, Enrolment
from lms.meetings.models import Meeting
from lms.quizzes.models import Quiz
from lms.tutors.models import (
    MEMBER_ACTIVE,
    RETURNED,
    Assignment,
    Cohort,
    CohortMembership,
    Submission,
)
from lms.tutors.operations.cohorts import tutored_cohort_ids

SESSION, RESUBMISSION, QUIZ_OPENS, QUIZ_CLOSES, GROUP_ENDS = (
    "session", "resubmission", "quiz_opens", "quiz_closes", "group_ends")
# How far back the feed and the page's "past" part reach.
PAST_DAYS = 120


@dataclass(frozen=True)
class Event:
    uid: str  # stable per event, whatever changes in it (RFC 5545 UID)
    kind: str
    label: str  # what it is, in the reader's language ("Webinar", "The quiz closes")
    subject: str  # what it is about, as its author wrote it (a session's or a quiz's title)
    starts_at: datetime | None = None  # a timed event (UTC)…
    ends_at: datetime | None = None
    on: date | None = None  # …or a whole day
    location: str | None = None
    online_url: str | None = None
    url: str | None = None
    details: str | None = None
    group: str | None = None
    changed_at: datetime | None = None

    @property
    def title(self) -> str:
        return f"{self.label}: {self.subject}"

    @property
    def sort_key(self) -> tuple:
        moment = self.starts_at or datetime(self.on.year, self.on.month, self.on.day, tzinfo=utcnow().tzinfo)
        return (moment, self.uid)

    def day(self, zone) -> date:
        """The day the event falls on in ``zone`` (a tzinfo)."""
        return self.starts_at.astimezone(zone).date() if self.starts_at else self.on


def _link(endpoint: str, **values) -> str | None:
    return url_for(endpoint, **values, _external=True) if has_request_context() else None


def _cohort_ids(session: Session, user: User) -> tuple[set[int], set[int]]:
    """(groups ``user`` is an active trainee of, groups ``user`` tutors)."""
    member = set(session.scalars(select(CohortMembership.cohort_id)
                                 .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
                                 .where(Enrolment.user_id == user.id, CohortMembership.status == MEMBER_ACTIVE,
                                        Enrolment.status == ACTIVE)))
    tutored = set(session.scalars(tutored_cohort_ids(user))) if user.is_tutor else set()
    return member, tutored


def events_of(session: Session, user: User, *, since: datetime | None = None) -> list[Event]:
    """Every event of ``user`` from ``since`` (default: ``PAST_DAYS`` ago) on, in time order; a
    fixed number of queries whatever the number of groups, sessions or quizzes."""
    since = since or utcnow() - timedelta(days=PAST_DAYS)
    member, tutored = _cohort_ids(session, user)
    cohort_ids = member | tutored
    events: list[Event] = []
    if cohort_ids:
        for meeting in session.scalars(select(Meeting).where(
                Meeting.cohort_id.in_(cohort_ids), Meeting.ends_at >= since).order_by(Meeting.starts_at)):
            events.append(Event(
                f"session-{meeting.id}", SESSION, meeting.kind_label, meeting.title,
                starts_at=meeting.starts_at, ends_at=meeting.ends_at, location=meeting.place,
                online_url=meeting.online_url, url=_link("meetings.session", meeting_id=meeting.id),
                details=meeting.details, group=meeting.cohort.name,
                changed_at=meeting.attendance_recorded_at or meeting.created_at))
        for cohort in session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids),
                                                           Cohort.ends_on >= since.date())):
            events.append(Event(f"group-end-{cohort.id}", GROUP_ENDS, _("End of the group"), cohort.name,
                                on=cohort.ends_on,
                                url=_link("courses.course", slug=cohort.course.slug), group=cohort.name))
    # Case studies to resubmit by a date: one's own; a tutor's groups' members'.
    due = (select(Submission.id, Submission.due_on, Assignment.title, Course.slug, Assignment.slug, User.full_name,
                  Enrolment.user_id)
           .join(Assignment, Assignment.id == Submission.assignment_id)
           .join(Enrolment, Enrolment.id == Submission.enrolment_id)
           .join(Course, Course.id == Enrolment.course_id)
           .join(User, User.id == Enrolment.user_id)
           .where(Submission.status == RETURNED, Submission.due_on.is_not(None), Submission.due_on >= since.date()))
    owners = [Enrolment.user_id == user.id]
    if tutored:
        owners.append(Enrolment.id.in_(select(CohortMembership.enrolment_id).where(
            CohortMembership.cohort_id.in_(tutored), CohortMembership.status == MEMBER_ACTIVE)))
    for submission_id, due_on, title, course_slug, assignment_slug, name, owner_id in session.execute(
            due.where(or_(*owners))):
        if owner_id == user.id:
            events.append(Event(f"resubmission-{submission_id}", RESUBMISSION, _("Resubmit the case study"),
                                localized(title), on=due_on,
                                url=_link("assignments.assignment", slug=course_slug, assignment=assignment_slug)))
        else:
            events.append(Event(f"resubmission-{submission_id}", RESUBMISSION, _("Resubmission due"),
                                f"{name}, {localized(title)}", on=due_on, url=_link("grading.submission", submission_id=submission_id)))
    # Quiz windows of the courses one takes or tutors.
    course_ids = select(Enrolment.course_id).where(Enrolment.user_id == user.id, Enrolment.status == ACTIVE)
    if tutored:
        course_ids = course_ids.union(select(Cohort.course_id).where(Cohort.id.in_(tutored)))
    for quiz in session.scalars(select(Quiz).where(
            Quiz.course_id.in_(course_ids), Quiz.is_retired.is_(False),
            or_(Quiz.opens_at >= since, Quiz.closes_at >= since)).order_by(Quiz.id)):
        url = _link("quizzes.quiz_page", quiz_id=quiz.id)
        if quiz.opens_at and quiz.opens_at >= since:
            events.append(Event(f"quiz-opens-{quiz.id}", QUIZ_OPENS, _("The quiz opens"), quiz.title_in(),
                                starts_at=quiz.opens_at, ends_at=quiz.opens_at, url=url))
        if quiz.closes_at and quiz.closes_at >= since:
            events.append(Event(f"quiz-closes-{quiz.id}", QUIZ_CLOSES, _("The quiz closes"), quiz.title_in(),
                                starts_at=quiz.closes_at, ends_at=quiz.closes_at, url=url))
    return sorted(events, key=lambda event: event.sort_key)


@dataclass(frozen=True)
class Month:
    first_day: date
    events: list[Event]


def by_month(events: list[Event], zone) -> list[Month]:
    months: dict[date, list[Event]] = {}
    for event in events:
        day = event.day(zone)
        months.setdefault(day.replace(day=1), []).append(event)
    return [Month(first, items) for first, items in months.items()]


def split_upcoming(events: list[Event], zone, now: datetime | None = None) -> tuple[list[Event], list[Event]]:
    """(upcoming, in time order; past, most recent first). An all-day event of today is upcoming."""
    now = now or utcnow()
    today = now.astimezone(zone).date()
    upcoming, past = [], []
    for event in events:
        coming = (event.ends_at >= now) if event.ends_at else (event.on >= today)
        (upcoming if coming else past).append(event)
    return upcoming, list(reversed(past))
