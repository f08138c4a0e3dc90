"""Marshmallow schemas of group sessions, their register, the calendar and time zones; input and
output kept apart. Times go out in UTC (ISO 8601 with +00:00) and come in with an offset."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.meetings.models import ATTENDANCE, KINDS
from lms.meetings.operations.calendar import (
    GROUP_ENDS,
    QUIZ_CLOSES,
    QUIZ_OPENS,
    RESUBMISSION,
    SESSION,
)
from lms.meetings.operations.scheduling import MAX_DETAILS, MAX_PLACE, MAX_TITLE, MAX_URL


class MeetingSchema(Schema):
    """A session of a group, as its members, tutors and managers see it."""

    id = fields.Integer()
    cohort_id = fields.Integer()
    group = fields.Function(lambda m: m.cohort.name, metadata={"type": "string"})
    kind = fields.String(metadata={"enum": list(KINDS)})
    title = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    place = fields.String(allow_none=True)
    online_url = fields.String(allow_none=True)
    key = fields.String(allow_none=True, metadata={"description": "What a course's `completion: attendance` "
                                                                  "names, e.g. `launch`."})
    details = fields.String(allow_none=True)
    attendance_recorded_at = fields.AwareDateTime(allow_none=True)
    version = fields.Integer()


class MeetingInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TITLE))
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "With its offset, e.g. "
                                                                             "2027-03-01T10:00:00+01:00."})
    ends_at = fields.AwareDateTime(required=True)
    place = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=MAX_PLACE))
    online_url = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=MAX_URL))
    key = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    details = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=MAX_DETAILS))


class MeetingPatchSchema(Schema):
    """Fields left out keep their values; ``version`` is the one read."""

    version = fields.Integer(required=True)
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    title = fields.String(validate=validate.Length(min=1, max=MAX_TITLE))
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    place = fields.String(allow_none=True, validate=validate.Length(max=MAX_PLACE))
    online_url = fields.String(allow_none=True, validate=validate.Length(max=MAX_URL))
    key = fields.String(allow_none=True, validate=validate.Length(max=40))
    details = fields.String(allow_none=True, validate=validate.Length(max=MAX_DETAILS))


class VersionInSchema(Schema):
    version = fields.Integer(required=True)


class RegisterRowSchema(Schema):
    enrolment_id = fields.Integer()
    full_name = fields.String()
    status = fields.String(allow_none=True, metadata={"enum": list(ATTENDANCE),
                                                      "description": "null: not recorded yet."})


class RegisterSchema(Schema):
    """A session's register: each active member of the group, and the session's version."""

    version = fields.Integer()
    rows = fields.List(fields.Nested(RegisterRowSchema))


class AttendanceEntrySchema(Schema):
    enrolment_id = fields.Integer(required=True)
    status = fields.String(required=True, allow_none=True, validate=validate.OneOf(list(ATTENDANCE)),
                           metadata={"description": "present, absent, excused; null clears the entry."})


class AttendanceInSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "The session's version, as read."})
    entries = fields.List(fields.Nested(AttendanceEntrySchema), required=True,
                          validate=validate.Length(max=1000))


class GroupAttendanceSchema(Schema):
    """One member's attendance over the group's sessions: {session id: status or null}."""

    enrolment_id = fields.Integer()
    full_name = fields.String()
    attended = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))


class EventSchema(Schema):
    """One dated event of the calendar: timed (``starts_at``, ``ends_at``, UTC) or a whole day (``on``)."""

    uid = fields.String()
    kind = fields.String(metadata={"enum": [SESSION, RESUBMISSION, QUIZ_OPENS, QUIZ_CLOSES, GROUP_ENDS]})
    title = fields.String(metadata={"description": "`label`: `subject`."})
    label = fields.String(metadata={"description": "What it is, in your language."})
    subject = fields.String(metadata={"description": "What it is about (a session's or a quiz's title)."})
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    on = fields.Date(allow_none=True)
    location = fields.String(allow_none=True)
    online_url = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    group = fields.String(allow_none=True)


class TimeZoneSchema(Schema):
    time_zone = fields.String(allow_none=True, metadata={"description": "The zone chosen; null: the beneficiary's."})
    effective = fields.String(metadata={"description": "The zone times are shown in."})


class TimeZoneInSchema(Schema):
    time_zone = fields.String(required=True, allow_none=True, validate=validate.Length(max=64),
                              metadata={"description": "An IANA zone, e.g. Europe/Skopje; null or empty: "
                                                       "the zone of your beneficiary."})


class FeedSchema(Schema):
    url = fields.String(metadata={"description": "The feed's private address: shown this once."})
