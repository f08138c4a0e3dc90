"""The calendar page and its private iCalendar feed, read back by a real iCalendar library."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import select

from lms.meetings.ical import calendar_text, escape_text, fold
from lms.meetings.operations.calendar import Event
from lms.quizzes.models import Quiz
from tests.conftest import login

URL_RE = re.compile(r"(http://[^\s<\"]+/calendar/feed/cal_[^\s<\"]+\.ics)")


def _feed_url(client) -> str:
    page = client.form("/calendar/feed")
    assert page.status_code == 200
    return URL_RE.search(page.get_data(as_text=True)).group(1)


def _events(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    parsed = icalendar.Calendar.from_ical(response.get_data())
    return {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}


def test_the_feed_lists_the_trainees_events_in_their_zone(client, session, casework, group, schedule):
    launch = schedule(group["cohort"], kind="launch", key="launch", title="Launch, Belgrade; day one",
                      starts_at=datetime(2027, 3, 1, 9, 0, tzinfo=UTC), hours=6, place="Palace of Justice, Belgrade")
    quiz = session.scalar(select(Quiz).where(Quiz.course_id == casework.id))
    quiz.opens_at = datetime(2027, 2, 20, 7, 0, tzinfo=UTC)
    quiz.closes_at = datetime(2027, 7, 20, 21, 0, tzinfo=UTC)
    session.commit()
    trainee = group["trainees"][0]
    login(client, trainee)
    url = _feed_url(client)
    anonymous = client.application.test_client()  # a calendar app: no session, the address is the key
    first = anonymous.get(url.removeprefix("http://localhost"))
    events = _events(first)
    session_event = events["Launch event: Launch, Belgrade; day one"]
    starts = session_event["DTSTART"].dt
    assert str(starts.tzinfo) == "Europe/Belgrade" and (starts.hour, starts.minute) == (10, 0)
    assert starts.astimezone(UTC) == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert session_event["DTEND"].dt.astimezone(UTC) == datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    assert "Palace of Justice" in str(session_event["LOCATION"])
    assert session_event["UID"] == f"session-{launch.id}@help-lms" and "DTSTAMP" in session_event
    closes = events["The quiz closes: Release quiz"]["DTSTART"].dt
    assert (closes.hour, str(closes.tzinfo)) == (23, "Europe/Belgrade")  # 21:00 UTC in summer time
    ends = events[f"End of the group: {group['cohort'].name}"]["DTSTART"].dt
    assert ends == group["cohort"].ends_on
    raw = first.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Europe/Belgrade" in raw and "\r\n" in raw
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    # The same event keeps its UID from one fetch to the next.
    again = _events(anonymous.get(url.removeprefix("http://localhost")))
    assert again["Launch event: Launch, Belgrade; day one"]["UID"] == session_event["UID"]
    # The page shows the same in the same zone.
    page = client.get("/calendar").get_data(as_text=True)
    assert "Launch, Belgrade; day one" in page and "10:00" in page and "Europe/Belgrade" in page


def test_a_new_address_ends_the_old_one_and_revoking_ends_both(client, session, group):
    login(client, group["trainees"][0])
    old = _feed_url(client).removeprefix("http://localhost")
    new = _feed_url(client).removeprefix("http://localhost")
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.form("/calendar/feed/revoke").status_code == 302
    assert client.get(new).status_code == 404
    assert client.get("/calendar/feed/cal_wrong.ics").status_code == 404
    assert client.get("/calendar/feed/nothing.ics").status_code == 404


def test_one_trainees_feed_shows_nothing_of_another_group(client, session, group, schedule, make_cohort,
                                                         add_member):
    schedule(group["cohort"], title="Only for group one")
    other = make_cohort()
    outsider, _enrolment = add_member(other)
    schedule(other, title="Only for group two")
    login(client, outsider)
    events = _events(client.get(_feed_url(client).removeprefix("http://localhost")))
    assert "Webinar: Only for group two" in events and "Webinar: Only for group one" not in events
    listed = [e["title"] for e in client.api("GET", "/api/v1/me/calendar").get_json()]
    assert "Webinar: Only for group two" in listed and "Webinar: Only for group one" not in listed


def test_a_tutor_sees_their_groups_sessions(client, session, group, schedule):
    schedule(group["cohort"], title="Tutor's webinar")
    login(client, group["tutor"])
    assert "Tutor&#39;s webinar" in client.get("/calendar").get_data(as_text=True)
    created = client.api("POST", "/api/v1/me/calendar-feed")
    assert created.status_code == 201
    url = created.get_json()["url"].removeprefix("http://localhost")
    assert "Webinar: Tutor's webinar" in _events(client.get(url))
    assert client.api("DELETE", "/api/v1/me/calendar-feed").status_code == 204
    assert client.get(url).status_code == 404


def test_text_is_escaped_and_long_lines_folded_as_rfc_5545_says():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "Ženevska konvencija, član 3; " * 10
    folded = fold(long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long
    start = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the night summer time ends
    title = "Title with, commas; semicolons \\ and a very long tail " + "ćčšž" * 20
    text = calendar_text([Event("x-1", "session", "Webinar", title, starts_at=start,
                                ends_at=start + timedelta(hours=3))],
                         "Europe/Skopje", name="Test")
    parsed = icalendar.Calendar.from_ical(text)
    event = next(iter(parsed.walk("VEVENT")))
    assert str(event["SUMMARY"]) == f"Webinar: {title}"
    assert event["DTSTART"].dt.astimezone(UTC) == start and event["DTEND"].dt.astimezone(UTC) == start + timedelta(hours=3)
