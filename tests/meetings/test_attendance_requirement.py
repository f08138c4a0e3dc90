"""Attendance of a named session as a completion requirement (course.yaml ``completion:
attendance: [launch]``): completion, and so the certificate, only for those who attended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.courses.completion import progress_of
from lms.courses.content import Problems, load_course
from lms.courses.importer import import_content
from lms.courses.models import CompletionRequirement, Lesson
from lms.courses.operations import learning_path
from lms.courses.operations.progress import complete_lesson
from lms.meetings.path_steps import SESSION_STEP
from tests.conftest import login


def _require_launch(content_copy, session, *, keep_assignments=False):
    yaml = content_copy / "tutored-casework" / "course.yaml"
    text = yaml.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1)
    rule = "  assignments: all\n  attendance: [launch]" if keep_assignments else "  attendance: [launch]"
    yaml.write_text(text.replace("  assignments: all", rule), encoding="utf-8")
    import_content(session, content_copy)
    session.commit()


def _read_everything(session, user, course):
    for lesson in session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.is_retired.is_(False))):
        complete_lesson(session, user, lesson)
    session.commit()


def test_the_launch_event_required_completes_and_certifies_only_those_who_attended(
        client, session, content_copy, casework, group, schedule):
    _require_launch(content_copy, session)
    assert [r.kind for r in session.scalars(select(CompletionRequirement).where(
        CompletionRequirement.course_id == casework.id).order_by(CompletionRequirement.position))] == [
        "lessons", "attendance"]
    cohort, tutor = group["cohort"], group["tutor"]
    present, absent = group["enrolments"]
    for trainee in group["trainees"]:
        _read_everything(session, trainee, casework)
    assert present.completed_at is None and absent.completed_at is None  # the launch is still to come

    launch = schedule(cohort, key="launch", kind="launch", title="National launch event",
                      starts_at=datetime.now(UTC) - timedelta(days=1), place="Training centre, Belgrade")
    login(client, tutor)
    answer = client.api("PUT", f"/api/v1/sessions/{launch.id}/attendance", json={
        "version": launch.version, "entries": [{"enrolment_id": present.id, "status": "present"},
                                               {"enrolment_id": absent.id, "status": "absent"}]})
    assert answer.status_code == 200, answer.get_json()
    assert {row["enrolment_id"]: row["status"] for row in answer.get_json()["rows"]} == {
        present.id: "present", absent.id: "absent"}

    session.expire_all()
    assert present.completed_at is not None and present.completion_source == "automatic"
    assert absent.completed_at is None and absent.progress_percent < 100
    certificates = {c.enrolment_id for c in session.scalars(select(Certificate))}
    assert present.id in certificates and absent.id not in certificates
    # Each learning path shows the launch event as a step, done only for the one who came.
    steps = {e.id: [s for s in learning_path(session, casework, e).steps if s.kind == SESSION_STEP]
             for e in (present, absent)}
    assert [(s.id, s.done) for s in steps[present.id]] == [(launch.id, True)]
    assert [(s.id, s.done, s.waiting) for s in steps[absent.id]] == [(launch.id, False, True)]
    labels = [r.label for r in progress_of(session, absent, with_labels=True).requirements]
    assert "Attend the launch event" in labels


def test_a_session_without_the_key_required_completes_nobody(client, session, content_copy, casework, group,
                                                             schedule):
    _require_launch(content_copy, session)
    trainee = group["trainees"][0]
    enrolment = group["enrolments"][0]
    _read_everything(session, trainee, casework)
    webinar = schedule(group["cohort"], key="webinar-1")
    login(client, group["tutor"])
    client.api("PUT", f"/api/v1/sessions/{webinar.id}/attendance", json={
        "version": webinar.version, "entries": [{"enrolment_id": enrolment.id, "status": "present"}]})
    session.expire_all()
    assert enrolment.completed_at is None


def test_the_register_taken_in_the_page_completes_the_course(client, session, content_copy, casework, group,
                                                            schedule):
    _require_launch(content_copy, session)
    first, second = group["enrolments"]
    for trainee in group["trainees"]:
        _read_everything(session, trainee, casework)
    launch = schedule(group["cohort"], key="launch", kind="launch", title="Launch")
    login(client, group["tutor"])
    page = client.get(f"/sessions/{launch.id}/attendance")
    assert page.status_code == 200 and "Ana Present" in page.get_data(as_text=True)
    saved = client.form(f"/sessions/{launch.id}/attendance", {
        "version": launch.version, f"status-{first.id}": "present", f"status-{second.id}": "excused"})
    assert saved.status_code == 302
    session.expire_all()
    assert first.completed_at is not None and second.completed_at is None
    # A register saved from a page read before that save is refused, and changes nothing.
    stale = client.form(f"/sessions/{launch.id}/attendance", {
        "version": launch.version - 1, f"status-{first.id}": "absent", f"status-{second.id}": "present"})
    assert stale.status_code == 409
    session.expire_all()
    assert second.completed_at is None


def test_attendance_rules_of_the_content_are_checked(ctx, content_copy):
    yaml = content_copy / "tutored-casework" / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("  assignments: all", "  attendance: [Launch Day]"),
                    encoding="utf-8")
    problems = Problems()
    load_course(content_copy / "tutored-casework", problems)
    assert any("'Launch Day' is not a session key" in p.message for p in problems)
