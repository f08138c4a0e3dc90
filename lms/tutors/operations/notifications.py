"""E-mails of tutored groups, each in its recipient's language, sent after the commit.

Trainees hear when their work is graded or returned (a notification, mailed as they choose); tutors hear when work arrives,
at once or in a daily digest (sent each morning by the worker: ``tutors.tasks``).
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import ValidationFailed
from lms.core.i18n import _, localized, ngettext, use_language, use_time_zone
from lms.core.mail import Mail, queue_mail
from lms.core.models import utcnow
from lms.core.urls import absolute_url, origin
from lms.notifications.operations import notify as notify_in_app
from lms.tutors.models import (
    ACCEPTED,
    NOTIFY_DAILY,
    NOTIFY_IMMEDIATE,
    Cohort,
    CohortMembership,
    CohortTutor,
    TutorPreference,
)
from lms.tutors.notification_kinds import GRADED, RETURNED
from lms.tutors.operations.grading_queue import AWAITING, GradingQueue

NOTIFY_CHOICES = (NOTIFY_IMMEDIATE, NOTIFY_DAILY)
DIGEST_ITEMS = 30


# --- preferences -----------------------------------------------------------------------

def preference_of(session: Session, user: User) -> str:
    notify = session.scalar(select(TutorPreference.notify).where(TutorPreference.user_id == user.id))
    return notify or NOTIFY_IMMEDIATE


def set_preference(session: Session, user: User, notify: str) -> TutorPreference:
    if notify not in NOTIFY_CHOICES:
        raise ValidationFailed(_("Choose how you want to be told about new work."), field="notify")
    preference = session.scalar(select(TutorPreference).where(TutorPreference.user_id == user.id))
    if preference is None:
        preference = TutorPreference(user_id=user.id, notify=notify)
        session.add(preference)
    if preference.notify != notify and notify == NOTIFY_DAILY:
        preference.last_digest_at = utcnow()  # the first digest starts from now
    preference.notify = notify
    session.flush()
    return preference


# --- trainees --------------------------------------------------------------------------

def notify_graded(session: Session, submission, round_, *, corrected: bool = False) -> None:
    """Tell the trainee in the app and, as they choose, by e-mail (``lms.notifications``)."""
    trainee = submission.enrolment.user
    assignment = submission.assignment
    course = submission.enrolment.course
    kind = GRADED if round_.outcome == ACCEPTED else RETURNED
    # One notification per review, and one per correction of it.
    trigger = f"case-study-round:{round_.id}" + (f":corrected:{round_.corrected_at.isoformat()}" if corrected else "")
    notify_in_app(session, trainee, kind,
                  params={"title": assignment.title, "course": course.title, "round_id": round_.id, "corrected": corrected},
                  link_endpoint="assignments.assignment", link_params={"slug": course.slug, "assignment": assignment.slug},
                  dedupe_key=trigger)


def notify_enrolled(session: Session, user: User, cohort: Cohort) -> None:
    """Tell an existing account that a manager has enrolled it in a group."""
    url = absolute_url("courses.course", slug=cohort.course.slug)
    with use_language(user.language):
        course_title = cohort.course.title_in(user.language)
        subject = _("You have been enrolled in “{course}”").format(course=course_title)
        text = render_template("tutors/email/enrolled.txt", user=user, cohort=cohort, course_title=course_title,
                               url=url)
    queue_mail(session, Mail(to=user.email, subject=subject, text=text))


# --- tutors ----------------------------------------------------------------------------

def _tutors_of(session: Session, cohort_id: int) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, TutorPreference.notify)
        .join(CohortTutor, CohortTutor.user_id == User.id)
        .outerjoin(TutorPreference, TutorPreference.user_id == User.id)
        .where(CohortTutor.cohort_id == cohort_id, User.is_active_account.is_(True)))
    return [(user, notify or NOTIFY_IMMEDIATE) for user, notify in rows if user.is_tutor]


def notify_new_work(session: Session, submission) -> None:
    """Tell the group's tutors who want to hear at once that work awaits review."""
    cohort = session.scalar(select(Cohort).join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
                            .where(CohortMembership.enrolment_id == submission.enrolment_id))
    if cohort is None:
        return
    trainee = submission.enrolment.user
    url = absolute_url("grading.submission", submission_id=submission.id)
    for tutor, notify in _tutors_of(session, cohort.id):
        if notify != NOTIFY_IMMEDIATE:
            continue
        with use_language(tutor.language):
            title = localized(submission.assignment.title, tutor.language)
            subject = _("New work to review: {trainee}, “{title}”").format(trainee=trainee.full_name, title=title)
            text = render_template("tutors/email/new_work.txt", tutor=tutor, trainee=trainee, title=title,
                                   cohort=cohort, round=submission.rounds_submitted, url=url)
        queue_mail(session, Mail(to=tutor.email, subject=subject, text=text))


def send_digests(session: Session, *, now: datetime | None = None, not_since: datetime | None = None) -> int:
    """Send each daily-digest tutor what arrived since their last digest; return how many were sent.

    ``not_since`` leaves out tutors whose last digest is more recent than that moment."""
    now = now or utcnow()
    sent = 0
    query = (select(TutorPreference, User).join(User, User.id == TutorPreference.user_id)
             .where(TutorPreference.notify == NOTIFY_DAILY, User.is_active_account.is_(True)))
    if not_since is not None:
        query = query.where(or_(TutorPreference.last_digest_at.is_(None), TutorPreference.last_digest_at < not_since))
    if session.get_bind().dialect.name == "postgresql":
        # Another worker sending the same digests skips the tutors this one is writing to.
        query = query.with_for_update(of=TutorPreference, skip_locked=True)
    rows = session.execute(query)
    for preference, tutor in rows.all():
        if not tutor.is_tutor:
            continue
        new = GradingQueue.of_tutor(tutor, status=AWAITING, submitted_after=preference.last_digest_at)
        new_counts = new.counts(session)
        if new_counts.total:
            waiting = GradingQueue.of_tutor(tutor, status=AWAITING).counts(session)
            items = new.page(session, per_page=DIGEST_ITEMS, total=new_counts.total).items
            names = dict(session.execute(select(Cohort.id, Cohort.name).where(
                Cohort.id.in_(list(waiting.by_cohort)))).all())
            with use_language(tutor.language), use_time_zone(tutor.zone_name):  # times in the tutor's zone
                subject = ngettext("Your grading queue: %(num)s new item", "Your grading queue: %(num)s new items",
                                   new_counts.total)
                text = render_template(
                    "tutors/email/digest.txt", tutor=tutor, new_total=new_counts.total, items=items,
                    waiting_total=waiting.total,
                    waiting=sorted(((names.get(cid, ""), n) for cid, n in waiting.by_cohort.items())),
                    queue_url=absolute_url("grading.queue"), site_origin=origin(),
                    more=max(0, new_counts.total - len(items)))
            queue_mail(session, Mail(to=tutor.email, subject=subject, text=text))
            sent += 1
        preference.last_digest_at = now
    session.flush()
    return sent
