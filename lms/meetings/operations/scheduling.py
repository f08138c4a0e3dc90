"""Scheduling a group's sessions, and who sees them: the group's members, tutors and managers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, lazyload

from lms.core.concurrency import expect_version
from lms.core.errors import NotFound, ValidationFailed
from lms.core.i18n import _
from lms.courses.models import Enrolment
from lms.meetings.models import KINDS, Attendance, Meeting
from lms.tutors.models import MEMBER_ACTIVE, Cohort, CohortMembership
from lms.tutors.operations.cohorts import visible_cohorts

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TITLE, MAX_PLACE, MAX_URL, MAX_DETAILS = 200, 300, 500, 5000
LONGEST = timedelta(days=14)


@dataclass
class MeetingFields:
    kind: str
    title: str
    starts_at: datetime | None  # aware (any zone): stored in UTC
    ends_at: datetime | None
    place: str | None = None
    online_url: str | None = None
    key: str | None = None
    details: str | None = None


def member_cohort_ids(session: Session, user) -> set[int]:
    """The groups ``user`` is an active trainee of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(session.scalars(select(CohortMembership.cohort_id)
                               .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
                               .where(Enrolment.user_id == user.id, CohortMembership.status == MEMBER_ACTIVE)))


def followed_cohort_ids(session: Session, user) -> set[int]:
    """The groups ``user`` tutors or manages."""
    if not getattr(user, "is_authenticated", False) or not (user.is_tutor or user.is_manager or user.is_admin):
        return set()
    return set(session.scalars(visible_cohorts(user).with_only_columns(Cohort.id)))


def meeting_to_read(session: Session, user, meeting_id: int) -> Meeting:
    """A session ``user`` may see (a member, tutor or manager of its group); NotFound for any other."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not meeting.can_be_read_by(
            user, member=meeting.cohort_id in member_cohort_ids(session, user)):
        raise NotFound()
    return meeting


def meeting_to_manage(session: Session, user, meeting_id: int) -> Meeting:
    """A session ``user`` may change and take the register of; NotFound for any other."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not meeting.can_be_managed_by(user):
        raise NotFound()
    return meeting


def meetings_of(session: Session, cohort: Cohort) -> list[Meeting]:
    """The group's sessions in time order. Each one's ``cohort`` is ``cohort`` itself, taken
    from the session's identity map when asked, not joined and loaded again (with its course,
    beneficiary and tutors) once per session of the group."""
    return list(session.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)
                                .options(lazyload(Meeting.cohort))
                                .order_by(Meeting.starts_at, Meeting.id)))


def _text(value, limit: int, field: str, errors: dict, *, required: bool = False) -> str | None:
    value = " ".join(str(value or "").split()) if field != "details" else str(value or "").strip()
    if not value:
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if len(value) > limit:
        errors[field] = [_("Keep it under {count} characters.").format(count=limit)]
    return value


def check_fields(session: Session, cohort: Cohort, fields: MeetingFields, meeting: Meeting | None = None) -> dict:
    """The fields checked, every wrong one named; the values to store."""
    errors: dict[str, list] = {}
    if fields.kind not in KINDS:
        errors["kind"] = [_("Choose a kind of session from the list.")]
    title = _text(fields.title, MAX_TITLE, "title", errors, required=True)
    place = _text(fields.place, MAX_PLACE, "place", errors)
    details = _text(fields.details, MAX_DETAILS, "details", errors)
    online_url = _text(fields.online_url, MAX_URL, "online_url", errors)
    if online_url and "online_url" not in errors:
        parts = urlsplit(online_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["online_url"] = [_("Enter a full web address starting with https://.")]
    key = (fields.key or "").strip().lower() or None
    if key and not KEY_RE.match(key):
        errors["key"] = [_("A key is lower-case letters, digits and dashes, e.g. launch.")]
    elif key and session.scalar(select(Meeting.id).where(
            Meeting.cohort_id == cohort.id, Meeting.key == key,
            Meeting.id != (meeting.id if meeting else -1))) is not None:
        errors["key"] = [_("Another session of this group has the key “{key}”.").format(key=key)]
    starts_at, ends_at = fields.starts_at, fields.ends_at
    if starts_at is None:
        errors["starts_at"] = [_("Enter when the session starts.")]
    if ends_at is None:
        errors["ends_at"] = [_("Enter when the session ends.")]
    if starts_at is not None and ends_at is not None:
        starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
        if ends_at <= starts_at:
            errors["ends_at"] = [_("The session must end after it starts.")]
        elif ends_at - starts_at > LONGEST:
            errors["ends_at"] = [_("A session lasts two weeks at most.")]
    if not place and not online_url and "place" not in errors and "online_url" not in errors:
        errors["place"] = [_("Give a place or an online link (or both).")]
    if errors:
        raise ValidationFailed(errors)
    return {"kind": fields.kind, "title": title, "starts_at": starts_at, "ends_at": ends_at, "place": place,
            "online_url": online_url, "key": key, "details": details}


def create_meeting(session: Session, actor, cohort: Cohort, fields: MeetingFields) -> Meeting:
    if not cohort.can_be_followed_by(actor):
        raise NotFound()
    values = check_fields(session, cohort, fields)
    meeting = Meeting(cohort_id=cohort.id, created_by_id=actor.id, **values)
    meeting.cohort = cohort
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(session: Session, actor, meeting: Meeting, fields: MeetingFields, *, version: int | None) -> Meeting:
    if not meeting.can_be_managed_by(actor):
        raise NotFound()
    expect_version(meeting, version)
    values = check_fields(session, meeting.cohort, fields, meeting)
    for name, value in values.items():
        setattr(meeting, name, value)
    session.flush()
    return meeting


def delete_meeting(session: Session, actor, meeting: Meeting, *, version: int | None) -> None:
    """Cancel a session, with its register; completions already recorded stay."""
    if not meeting.can_be_managed_by(actor):
        raise NotFound()
    expect_version(meeting, version)
    session.execute(delete(Attendance).where(Attendance.meeting_id == meeting.id))
    session.delete(meeting)
    session.flush()


def upcoming_for_enrolment(session: Session, enrolment: Enrolment, limit: int = 3) -> tuple[Cohort | None, list[Meeting]]:
    """The group an enrolment is an active member of, and its next sessions."""
    cohort = session.scalar(select(Cohort).join(CohortMembership, CohortMembership.cohort_id == Cohort.id).where(
        CohortMembership.enrolment_id == enrolment.id, CohortMembership.status == MEMBER_ACTIVE))
    if cohort is None:
        return None, []
    return cohort, list(session.scalars(select(Meeting).where(
        Meeting.cohort_id == cohort.id, Meeting.ends_at >= datetime.now(UTC))
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))
