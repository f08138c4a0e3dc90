"""Attendance as a completion requirement: course.yaml ``completion: attendance: [launch]``
makes "present at the group's session of key ``launch``" a requirement of the kind
``attendance`` (ref = the session key). Each group schedules its own session of that key; the
tutor's register decides (``lms.meetings.operations.attendance``)."""

from __future__ import annotations

import re

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.i18n import _
from lms.courses.completion import Requirement, RequirementKind
from lms.courses.content import ContentExtension, CourseSpec, Problems
from lms.courses.models import SELF_PACED, Enrolment
from lms.meetings.models import LAUNCH, PRESENT, Attendance, Meeting

ATTENDANCE_KIND = "attendance"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# Listed first, after "read every lesson" (0) and before any module's steps (100 and on).
FIRST_ORDER = 1


def attended(session: Session, enrolment: Enrolment, requirements: list[Requirement]) -> set[int]:
    by_key = {r.ref: r.id for r in requirements}
    if not by_key:
        return set()
    keys = session.scalars(select(Meeting.key).join(Attendance, Attendance.meeting_id == Meeting.id).where(
        Attendance.enrolment_id == enrolment.id, Attendance.status == PRESENT, Meeting.key.in_(list(by_key))))
    return {by_key[key] for key in keys}


def requirement_label(key: str) -> str:
    if key == LAUNCH:
        return _("Attend the launch event")
    return _("Attend the group’s session “{key}”").format(key=key)


def labels(session: Session, requirements: list[Requirement], language: str | None) -> dict[int, str]:
    return {r.id: requirement_label(r.ref) for r in requirements}


def links(session: Session, requirements: list[Requirement]) -> dict[int, str]:
    if not has_request_context():
        return {}
    url = url_for("meetings.calendar")
    return {r.id: url for r in requirements}


ATTENDANCE_REQUIREMENT = RequirementKind(ATTENDANCE_KIND, attended, labels, links)


class AttendanceContent(ContentExtension):
    """``completion: attendance: [launch, …]``: the keys of the group sessions to attend."""

    name = "attendance"
    completion_keys = ("attendance",)

    def check(self, course: CourseSpec, problems: Problems) -> None:
        if "attendance" not in course.completion:
            return
        rule = course.completion["attendance"]
        line = course.completion_lines.get("attendance", 1)
        if course.format == SELF_PACED:
            problems.add(course.yaml_path, line,
                         "completion: attendance needs tutored groups; a self-paced course has no sessions")
            return
        if not isinstance(rule, list) or not rule:
            problems.add(course.yaml_path, line, "completion: attendance must be a list of session keys, e.g. [launch]")
            return
        for key in rule:
            if not isinstance(key, str) or not KEY_RE.match(key):
                problems.add(course.yaml_path, line, f"completion: attendance: '{key}' is not a session key "
                                                     "(lower-case letters, digits and dashes, e.g. launch)")
        if len(set(map(str, rule))) != len(rule):
            problems.add(course.yaml_path, line, "completion: attendance names a session key twice")

    def requirements(self, course: CourseSpec) -> list[tuple[str, str, int]]:
        rule = course.completion.get("attendance")
        if course.format == SELF_PACED or not isinstance(rule, list):
            return []
        keys = [key for key in rule if isinstance(key, str) and KEY_RE.match(key)]
        return [(ATTENDANCE_KIND, key, FIRST_ORDER) for key in dict.fromkeys(keys)]
