"""Attendance in the statistics: per beneficiary on the overview, per session on a group's page."""

from __future__ import annotations

from lms.meetings.operations.attendance import record_attendance
from tests.conftest import login


def test_attendance_rates_per_beneficiary_and_per_session(client, session, group, schedule, make_user):
    first = schedule(group["cohort"], title="First webinar")
    second = schedule(group["cohort"], title="Second webinar")
    present, absent = group["enrolments"]
    record_attendance(session, group["tutor"], first, {present.id: "present", absent.id: "absent"},
                      version=first.version)
    record_attendance(session, group["tutor"], second, {present.id: "present", absent.id: "present"},
                      version=second.version)
    session.commit()
    manager = make_user(roles=("manager",), beneficiary="RS", scope="national")
    login(client, manager)
    overview = client.get("/reports").get_data(as_text=True)
    section = overview.split('id="attendance-heading"')[1].split("</section>")[0]
    assert "Serbia" in section and "75%" in section  # 3 present of 4 recorded
    group_page = client.get(f"/reports/cohorts/{group['cohort'].id}").get_data(as_text=True)
    part = group_page.split('id="attendance-heading"')[1]
    assert "First webinar" in part and "50%" in part and "100%" in part and "75%" in part
