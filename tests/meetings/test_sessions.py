"""Scheduling a group's sessions and taking their register, in both doors; who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.meetings.models import Meeting
from tests.conftest import login


def test_a_tutor_schedules_a_session_in_their_own_time_zone(client, session, group):
    cohort, tutor = group["cohort"], group["tutor"]  # a tutor of Serbia: Europe/Belgrade
    login(client, tutor)
    page = client.get(f"/cohorts/{cohort.id}/sessions/new")
    assert page.status_code == 200
    answer = client.form(f"/cohorts/{cohort.id}/sessions/new", {
        "kind": "launch", "title": "National launch event", "starts_at": "2027-03-01T10:00",
        "ends_at": "2027-03-01T16:30", "place": "Training centre, Niš", "online_url": "", "key": "launch",
        "details": "Bring your **case notes**."})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    meeting = session.query(Meeting).filter_by(cohort_id=cohort.id).one()
    assert meeting.starts_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # 10:00 in Belgrade, winter time
    assert meeting.key == "launch"
    shown = client.get(f"/sessions/{meeting.id}").get_data(as_text=True)
    assert "10:00" in shown and "Training centre, Niš" in shown and "<strong>case notes</strong>" in shown


def test_bad_session_fields_are_each_named_and_nothing_is_saved(client, session, group, schedule):
    cohort = group["cohort"]
    schedule(cohort, key="launch")
    login(client, group["tutor"])
    answer = client.form(f"/cohorts/{cohort.id}/sessions/new", {
        "kind": "party", "title": "", "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T09:00",
        "place": "", "online_url": "javascript:alert(1)", "key": "launch"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for message in ("Choose a kind of session from the list.", "This field is required.",
                    "The session must end after it starts.", "Enter a full web address starting with https://.",
                    "Another session of this group has the key"):
        assert message in html, message
    assert session.query(Meeting).filter_by(cohort_id=cohort.id).count() == 1
    api = client.api("POST", f"/api/v1/cohorts/{cohort.id}/sessions", json={
        "kind": "webinar", "title": "Webinar", "starts_at": "2027-03-01T10:00:00+01:00",
        "ends_at": "2027-03-01T12:00:00+01:00"})
    assert api.status_code == 422 and "place" in api.get_json()["errors"]
    naive = client.api("POST", f"/api/v1/cohorts/{cohort.id}/sessions", json={
        "kind": "webinar", "title": "Webinar", "starts_at": "2027-03-01T10:00:00",
        "ends_at": "2027-03-01T12:00:00", "place": "Online"})
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["errors"]


def test_sessions_through_the_api(client, session, group):
    cohort, tutor = group["cohort"], group["tutor"]
    login(client, tutor)
    created = client.api("POST", f"/api/v1/cohorts/{cohort.id}/sessions", json={
        "kind": "webinar", "title": "Risk assessment webinar", "starts_at": "2027-04-10T15:00:00+02:00",
        "ends_at": "2027-04-10T16:30:00+02:00", "online_url": "https://meet.example.org/risk"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["starts_at"] == "2027-04-10T13:00:00+00:00"
    changed = client.api("PATCH", f"/api/v1/sessions/{body['id']}", json={"version": body["version"],
                                                                          "title": "Risk webinar"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Risk webinar"
    stale = client.api("PATCH", f"/api/v1/sessions/{body['id']}", json={"version": body["version"], "title": "X"})
    assert stale.status_code == 409
    listed = client.api("GET", f"/api/v1/cohorts/{cohort.id}/sessions").get_json()
    assert [m["title"] for m in listed] == ["Risk webinar"]
    register = client.api("GET", f"/api/v1/sessions/{body['id']}/attendance").get_json()
    assert sorted(r["full_name"] for r in register["rows"]) == ["Ana Present", "Bojan Absent"]
    wrong = client.api("PUT", f"/api/v1/sessions/{body['id']}/attendance", json={
        "version": register["version"], "entries": [{"enrolment_id": 999999, "status": "present"}]})
    assert wrong.status_code == 422 and "attendance.999999" in wrong.get_json()["errors"]
    enrolment = group["enrolments"][0]
    saved = client.api("PUT", f"/api/v1/sessions/{body['id']}/attendance", json={
        "version": register["version"], "entries": [{"enrolment_id": enrolment.id, "status": "excused"}]})
    assert saved.status_code == 200
    grid = client.api("GET", f"/api/v1/cohorts/{cohort.id}/attendance").get_json()
    assert {r["full_name"]: r["statuses"][str(body["id"])] for r in grid} == {
        "Ana Present": "excused", "Bojan Absent": None}
    gone = client.api("DELETE", f"/api/v1/sessions/{body['id']}", json={"version": saved.get_json()["version"]})
    assert gone.status_code == 204
    assert client.api("GET", f"/api/v1/sessions/{body['id']}").status_code == 404


def test_trainees_see_their_groups_sessions_and_nothing_else(client, session, group, schedule, make_cohort,
                                                            add_member):
    cohort = group["cohort"]
    meeting = schedule(cohort, title="Webinar for our group")
    trainee = group["trainees"][0]
    login(client, trainee)
    assert "Webinar for our group" in client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert client.get(f"/sessions/{meeting.id}").status_code == 200
    assert client.api("GET", f"/api/v1/sessions/{meeting.id}").status_code == 200
    assert "Webinar for our group" in client.get(f"/courses/{cohort.course.slug}").get_data(as_text=True)
    # A trainee neither schedules nor takes the register.
    for url in (f"/cohorts/{cohort.id}/sessions/new", f"/sessions/{meeting.id}/edit",
                f"/sessions/{meeting.id}/attendance"):
        assert client.get(url).status_code == 404, url
    assert client.api("GET", f"/api/v1/sessions/{meeting.id}/attendance").status_code == 404
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/attendance").status_code == 404
    # A trainee of another group does not learn the session exists.
    other_cohort = make_cohort()
    outsider, _enrolment = add_member(other_cohort)
    client.form("/logout")
    login(client, outsider)
    assert client.get(f"/sessions/{meeting.id}").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/sessions").status_code == 404
    assert client.api("GET", f"/api/v1/sessions/{meeting.id}").status_code == 404
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/sessions").status_code == 404


def test_another_tutors_group_is_refused_in_both_doors(client, session, group, schedule, make_cohort):
    meeting = schedule(group["cohort"])
    stranger = make_cohort().tutors[0]
    login(client, stranger)
    cohort_id = group["cohort"].id
    for url in (f"/cohorts/{cohort_id}/sessions", f"/cohorts/{cohort_id}/sessions/new", f"/sessions/{meeting.id}",
                f"/sessions/{meeting.id}/edit", f"/sessions/{meeting.id}/attendance"):
        assert client.get(url).status_code == 404, url
    assert client.form(f"/sessions/{meeting.id}/attendance", {"version": meeting.version}).status_code == 404
    assert client.form(f"/sessions/{meeting.id}/delete", {"version": meeting.version}).status_code == 404
    enrolment = group["enrolments"][0]
    refusals = [
        client.api("POST", f"/api/v1/cohorts/{cohort_id}/sessions", json={
            "kind": "webinar", "title": "Mine", "starts_at": "2027-03-01T10:00:00+01:00",
            "ends_at": "2027-03-01T11:00:00+01:00", "place": "Here"}),
        client.api("PATCH", f"/api/v1/sessions/{meeting.id}", json={"version": meeting.version, "title": "Mine"}),
        client.api("PUT", f"/api/v1/sessions/{meeting.id}/attendance", json={
            "version": meeting.version, "entries": [{"enrolment_id": enrolment.id, "status": "present"}]}),
        client.api("DELETE", f"/api/v1/sessions/{meeting.id}", json={"version": meeting.version}),
        client.api("GET", f"/api/v1/cohorts/{cohort_id}/attendance"),
    ]
    assert [r.status_code for r in refusals] == [404] * len(refusals)
    session.expire_all()
    assert session.get(Meeting, meeting.id).title == "Webinar on case work"


def test_a_manager_of_the_beneficiary_schedules_too(client, session, group, make_user):
    manager = make_user(roles=("manager",), beneficiary="RS", scope="national")
    login(client, manager)
    created = client.api("POST", f"/api/v1/cohorts/{group['cohort'].id}/sessions", json={
        "kind": "face_to_face", "title": "Face-to-face day", "starts_at": "2027-05-05T09:00:00+02:00",
        "ends_at": "2027-05-05T17:00:00+02:00", "place": "Belgrade"})
    assert created.status_code == 201


def test_attendance_shows_in_the_groups_progress_page(client, session, group, schedule):
    meeting = schedule(group["cohort"], title="First webinar")
    from lms.meetings.operations.attendance import record_attendance

    record_attendance(session, group["tutor"], meeting, {group["enrolments"][0].id: "present"},
                      version=meeting.version)
    session.commit()
    login(client, group["tutor"])
    html = client.get(f"/cohorts/{group['cohort'].id}/progress").get_data(as_text=True)
    assert "Attendance of sessions" in html and "First webinar" in html and "Present" in html


def test_session_pages_take_as_many_queries_whatever_the_size(app, session, make_cohort, add_member, schedule,
                                                              count_queries):
    counts = []
    for size in (1, 6):
        cohort = make_cohort(capacity=50)
        members = [add_member(cohort)[1] for _ in range(size)]
        meetings = [schedule(cohort, title=f"Session {n}") for n in range(size)]
        from lms.meetings.operations.attendance import record_attendance

        for meeting in meetings:
            record_attendance(session, cohort.tutors[0], meeting, {e.id: "present" for e in members},
                              version=meeting.version)
        session.commit()
        client = app.test_client()
        login(client, cohort.tutors[0])
        numbers = []
        for url in (f"/cohorts/{cohort.id}/sessions", f"/sessions/{meetings[0].id}",
                    f"/sessions/{meetings[0].id}/attendance", f"/cohorts/{cohort.id}/progress", "/calendar",
                    f"/api/v1/cohorts/{cohort.id}/sessions", f"/api/v1/cohorts/{cohort.id}/attendance",
                    "/api/v1/me/calendar"):
            client.get(url)
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            numbers.append(counter.count)
        counts.append(numbers)
    assert counts[0] == counts[1], counts


def test_a_groups_sessions_are_read_in_one_query_each_with_the_group_already_loaded(
        session, group, schedule, count_queries):
    from datetime import timedelta

    from lms.meetings.operations.scheduling import meetings_of
    from lms.tutors.operations.cohorts import cohort_by_id

    cohort = group["cohort"]
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    for day in (3, 1, 2):
        schedule(cohort, starts_at=first + timedelta(days=day), key=f"day-{day}")
    session.expire_all()
    loaded = cohort_by_id(session, cohort.id)
    with count_queries() as counted:
        meetings = meetings_of(session, loaded)
        cohorts = {id(meeting.cohort) for meeting in meetings}
    assert [m.key for m in meetings] == ["day-1", "day-2", "day-3"]
    assert cohorts == {id(loaded)}
    assert counted.count == 1, counted.statements
