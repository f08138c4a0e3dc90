"""Reminders: choosing trainees of a group, sending them a template in their language, the
group's automatic reminders, and the record of what was sent to whom."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import ValidationFailed
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.pagination import Page
from lms.courses.models import Enrolment
from lms.notifications.operations import notify
from lms.reminders.models import DAYS_MAX, NOTE_MAX, ReminderSent, ReminderSettings
from lms.reminders.templates import BY_KEY
from lms.tutors.models import MEMBER_ACTIVE, RETURNED, Cohort, CohortMembership, Submission
from lms.tutors.operations.progress import TraineeRow, cohort_table

KIND = "reminder"
FILTERS = ("behind", "inactive", "not_started", "case_study_due", "all")
DEFAULT_INACTIVE_DAYS = 7
PER_PAGE = 50


# --- choosing trainees -------------------------------------------------------------------

def _matches(row: TraineeRow, filter_: str, days: int, now: datetime, joined: dict) -> bool:
    if not row.is_active or row.completed_at is not None:
        return False
    if filter_ == "behind":
        return row.behind
    if filter_ == "inactive":
        since = row.last_activity_at or joined.get(row.membership_id)
        return since is not None and now - since > timedelta(days=days)
    if filter_ == "not_started":
        return row.percent == 0 and row.last_activity_at is None
    if filter_ == "case_study_due":
        return any(cell.assignment_status == RETURNED for cell in row.cells.values())
    return True


def candidates(session: Session, cohort: Cohort, filter_: str = "all", days: int = DEFAULT_INACTIVE_DAYS,
               *, now: datetime | None = None) -> list[TraineeRow]:
    """The group's active trainees (not yet completed) matching a filter of its progress table."""
    if filter_ not in FILTERS:
        raise ValidationFailed(_("Choose one of the filters offered."), field="filter")
    if not 1 <= days <= DAYS_MAX:
        raise ValidationFailed(_("Give a number of days from 1 to {max}.").format(max=DAYS_MAX), field="days")
    now = now or utcnow()
    joined = dict(session.execute(select(CohortMembership.id, CohortMembership.joined_at)
                                  .where(CohortMembership.cohort_id == cohort.id)).all())
    return [row for row in cohort_table(session, cohort, now=now).rows if _matches(row, filter_, days, now, joined)]


# --- sending -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    reminders: list[ReminderSent]


def _remind(session: Session, cohort: Cohort, recipient_id: int, template: str, trigger: str, *,
            sender: User | None, note: str | None, extra: dict | None = None) -> ReminderSent | None:
    """Record and tell one reminder; None if this trigger has already reminded this trainee."""
    row = ReminderSent(cohort_id=cohort.id, recipient_id=recipient_id, sender_id=sender.id if sender else None,
                       template=template, note=note, trigger=trigger[:200], sent_at=utcnow())
    try:
        with session.begin_nested():  # the unique (trainee, trigger): a second run stops here
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    params = {"template": template, "course": cohort.course.title, "tutor": sender.full_name if sender else None,
              "note": note, "reminder_id": row.id, **(extra or {})}
    notify(session, recipient_id, KIND, params=params, link_endpoint="courses.course",
           link_params={"slug": cohort.course.slug}, dedupe_key=f"reminder:{row.id}")
    return row


def send_reminders(session: Session, sender: User, cohort: Cohort, *, user_ids: list[int], template: str,
                   note: str | None = None) -> Sent:
    """A tutor's reminder to the chosen trainees of their group, each told in their language."""
    errors = {}
    chosen = BY_KEY.get(template)
    if chosen is None or not chosen.manual:
        errors["template"] = [_("Choose one of the messages offered.")]
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        errors["note"] = [_("The note is too long ({max} characters at most).").format(max=NOTE_MAX)]
    wanted = sorted(set(user_ids))
    if not wanted:
        errors["user_ids"] = [_("Choose at least one trainee.")]
    else:
        members = set(session.scalars(
            select(Enrolment.user_id).join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
            .where(CohortMembership.cohort_id == cohort.id, CohortMembership.status == MEMBER_ACTIVE,
                   Enrolment.user_id.in_(wanted))))
        if members != set(wanted):
            errors["user_ids"] = [_("Only active members of this group can be reminded.")]
    if errors:
        raise ValidationFailed(errors)
    batch = uuid.uuid4().hex  # one sending is one trigger for each trainee it names
    sent = [_remind(session, cohort, user_id, template, f"manual:{batch}", sender=sender, note=note)
            for user_id in wanted]
    return Sent([row for row in sent if row is not None])


# --- automatic reminders -----------------------------------------------------------------

def settings_of(session: Session, cohort: Cohort) -> ReminderSettings:
    return session.get(ReminderSettings, cohort.id) or ReminderSettings(cohort_id=cohort.id)


def save_settings(session: Session, user: User, cohort: Cohort, *, days_before_due: int | None,
                  inactive_days: int | None) -> ReminderSettings:
    errors = {}
    for name, value in (("days_before_due", days_before_due), ("inactive_days", inactive_days)):
        if value is not None and not 1 <= value <= DAYS_MAX:
            errors[name] = [_("Give a number of days from 1 to {max}, or leave it empty.").format(max=DAYS_MAX)]
    if errors:
        raise ValidationFailed(errors)
    settings = session.get(ReminderSettings, cohort.id)
    if settings is None:
        settings = ReminderSettings(cohort_id=cohort.id)
        session.add(settings)
    settings.days_before_due = days_before_due
    settings.inactive_days = inactive_days
    settings.updated_at = utcnow()
    settings.updated_by_id = user.id
    session.flush()
    return settings


def send_automatic(session: Session, now: datetime) -> int:
    """Every group's automatic reminders that are due now, each trigger once; return how many were sent."""
    today = now.date()
    sent = 0
    rows = session.execute(select(ReminderSettings, Cohort).join(Cohort, Cohort.id == ReminderSettings.cohort_id)
                           .where(Cohort.starts_on <= today, Cohort.ends_on >= today)).all()
    for settings, cohort in rows:
        members = session.execute(
            select(Enrolment.id, Enrolment.user_id, Enrolment.last_activity_at, CohortMembership.joined_at)
            .join(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
            .where(CohortMembership.cohort_id == cohort.id, CohortMembership.status == MEMBER_ACTIVE,
                   Enrolment.completed_at.is_(None))).all()
        if settings.inactive_days:
            for enrolment_id, user_id, last_activity, joined_at in members:
                since = last_activity or joined_at
                if since is not None and now - since > timedelta(days=settings.inactive_days):
                    # Once per spell of inactivity: the trigger names the day it began.
                    trigger = f"inactive:{enrolment_id}:{since.date().isoformat()}"
                    sent += _remind(session, cohort, user_id, "inactive_auto", trigger, sender=None, note=None,
                                    extra={"days": (now - since).days}) is not None
        if settings.days_before_due:
            horizon = today + timedelta(days=settings.days_before_due)
            users = {enrolment_id: user_id for enrolment_id, user_id, _last, _joined in members}
            due = session.execute(select(Submission.id, Submission.enrolment_id, Submission.due_on).where(
                Submission.enrolment_id.in_(list(users)), Submission.status == RETURNED,
                Submission.due_on.is_not(None), Submission.due_on >= today, Submission.due_on <= horizon)).all()
            for submission_id, enrolment_id, due_on in due:
                sent += _remind(session, cohort, users[enrolment_id], "due_soon",
                                f"due:submission:{submission_id}:{due_on.isoformat()}", sender=None, note=None,
                                extra={"due": due_on.isoformat()}) is not None
            if cohort.ends_on <= horizon:
                for user_id in users.values():
                    sent += _remind(session, cohort, user_id, "due_soon",
                                    f"due:group-end:{cohort.id}:{cohort.ends_on.isoformat()}", sender=None,
                                    note=None, extra={"due": cohort.ends_on.isoformat()}) is not None
    session.flush()
    return sent


# --- the record --------------------------------------------------------------------------

def sent_page(session: Session, cohort: Cohort, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """What was sent to whom in this group, newest first."""
    page = max(page, 1)
    where = ReminderSent.cohort_id == cohort.id
    total = session.scalar(select(func.count()).select_from(ReminderSent).where(where)) or 0
    items = list(session.scalars(select(ReminderSent).where(where)
                                 .order_by(ReminderSent.sent_at.desc(), ReminderSent.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


