"""Reminders: a tutor nudges chosen trainees, each told once in their language; the automatic ones
are sent once per trigger however often the scheduler runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.accounts.operations import create_api_token
from lms.courses.models import Enrolment
from lms.extensions import db
from lms.notifications.models import Notification
from lms.reminders.models import ReminderSent
from lms.reminders.operations import send_automatic
from tests.conftest import login


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=smtp.port, LMS_BASE_URL="https://help.example")


def _token(session, user) -> str:
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def _inactive(session, enrolment, days):
    enrolment.last_activity_at = datetime.now(UTC) - timedelta(days=days)
    session.commit()


def test_a_tutor_nudges_three_inactive_trainees_each_once_in_their_language(
        mail_app, smtp, session, make_cohort, add_member):
    cohort = make_cohort()
    trainees = []
    for language, email in (("sq", "arta@example.org"), ("mk", "marija@example.org"), ("sr_Cyrl", "milos@example.org")):
        trainee, enrolment = add_member(cohort, language=language, email=email)
        _inactive(session, enrolment, 20)
        trainees.append(trainee)
    active, _ = add_member(cohort, email="busy@example.org")
    client = mail_app.test_client()
    login(client, cohort.tutors[0])
    page = client.get(f"/cohorts/{cohort.id}/reminders?filter=inactive&days=10").get_data(as_text=True)
    for trainee in trainees:
        assert f'value="{trainee.id}"' in page
    assert f'value="{active.id}"' not in page  # joined today: not inactive
    response = client.form(f"/cohorts/{cohort.id}/reminders", {
        "user_ids": [str(t.id) for t in trainees], "template": "inactive", "note": "Vidimo se u četvrtak."})
    assert response.status_code == 303
    smtp.wait_for(3)
    for trainee in trainees:
        [message] = smtp.to(trainee.email)
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "Vidimo se u četvrtak." in body  # the note as written
        assert "We miss you" not in message["Subject"] and "Hello" not in body  # in their language
        notifications = session.scalars(db.select(Notification).where(Notification.recipient_id == trainee.id)).all()
        assert [n.kind for n in notifications] == ["reminder"]
    assert smtp.to("busy@example.org") == []
    assert session.scalar(db.select(db.func.count()).select_from(ReminderSent)) == 3
    record = client.get(f"/cohorts/{cohort.id}/reminders").get_data(as_text=True)
    assert "Vidimo se u četvrtak." in record


def test_the_scheduler_twice_sends_nothing_more(session, make_cohort, add_member, make_user):
    cohort = make_cohort()
    first, first_enrolment = add_member(cohort, language="bs")
    second, second_enrolment = add_member(cohort, language="sq")
    _inactive(session, first_enrolment, 12)
    _inactive(session, second_enrolment, 2)
    tutor = cohort.tutors[0]
    from lms.reminders.operations import save_settings

    save_settings(session, tutor, cohort, days_before_due=None, inactive_days=7)
    session.commit()
    now = datetime.now(UTC)
    assert send_automatic(session, now) == 1
    session.commit()
    assert send_automatic(session, now) == 0
    assert send_automatic(session, now + timedelta(hours=1)) == 0
    session.commit()
    told = session.scalars(db.select(Notification.recipient_id).where(Notification.kind == "reminder")).all()
    assert told == [first.id]
    # Active again, then inactive again: a new spell, one new reminder.
    enrolment = session.get(Enrolment, first_enrolment.id)
    enrolment.last_activity_at = now + timedelta(days=1)
    session.get(Enrolment, second_enrolment.id).last_activity_at = now + timedelta(days=8)
    session.commit()
    assert send_automatic(session, now + timedelta(days=9)) == 1


def test_a_returned_case_study_due_soon_is_reminded_once(session, make_cohort, add_member):
    from lms.reminders.operations import save_settings

    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    save_settings(session, cohort.tutors[0], cohort, days_before_due=3, inactive_days=None)
    session.commit()
    end = datetime.combine(cohort.ends_on, datetime.min.time(), tzinfo=UTC)
    assert send_automatic(session, end - timedelta(days=2)) == 1  # the group's end is near
    assert send_automatic(session, end - timedelta(days=1)) == 0


def test_refusals_in_both_doors(client, session, make_cohort, add_member, make_user):
    cohort = make_cohort()
    member, _ = add_member(cohort)
    other_tutor = make_cohort().tutors[0]
    out_of_scope = make_user(roles=("manager",), beneficiary="AL", scope="national")
    for user in (member, other_tutor, out_of_scope):
        page_client = client.application.test_client()
        login(page_client, user)
        assert page_client.get(f"/cohorts/{cohort.id}/reminders").status_code == 404
        assert page_client.form(f"/cohorts/{cohort.id}/reminders",
                                {"user_ids": [str(member.id)], "template": "behind"}).status_code == 404
        token = _token(session, user)
        api = client.application.test_client()
        assert api.api("POST", f"/api/v1/cohorts/{cohort.id}/reminders", token=token,
                       json={"user_ids": [member.id], "template": "behind"}).status_code == 404
        assert api.api("GET", f"/api/v1/cohorts/{cohort.id}/reminders", token=token).status_code == 404
    assert session.scalar(db.select(db.func.count()).select_from(ReminderSent)) == 0


def test_bad_choices_are_refused_and_send_nothing(client, session, make_cohort, add_member):
    cohort = make_cohort()
    other, _ = add_member(make_cohort())
    login(client, cohort.tutors[0])
    assert client.form(f"/cohorts/{cohort.id}/reminders", {"template": "behind"}).status_code == 422
    assert client.form(f"/cohorts/{cohort.id}/reminders",
                       {"user_ids": [str(other.id)], "template": "behind"}).status_code == 422
    assert client.form(f"/cohorts/{cohort.id}/reminders/automatic", {"inactive_days": "500"}).status_code == 422
    token = _token(session, cohort.tutors[0])
    api = client.application.test_client()
    response = api.api("POST", f"/api/v1/cohorts/{cohort.id}/reminders", token=token,
                       json={"user_ids": [other.id], "template": "behind"})
    assert response.status_code == 422 and "user_ids" in response.get_json()["errors"]
    assert session.scalar(db.select(db.func.count()).select_from(ReminderSent)) == 0


def test_the_api_sends_lists_and_sets_automatic_reminders(client, session, make_cohort, add_member):
    cohort = make_cohort()
    trainee, _ = add_member(cohort, language="mk")
    token = _token(session, cohort.tutors[0])
    candidates = client.api("GET", f"/api/v1/cohorts/{cohort.id}/reminders/candidates?filter=not_started",
                            token=token).get_json()
    assert [c["user_id"] for c in candidates] == [trainee.id]
    sent = client.api("POST", f"/api/v1/cohorts/{cohort.id}/reminders", token=token,
                      json={"user_ids": [trainee.id], "template": "not_started"})
    assert sent.status_code == 201 and len(sent.get_json()["sent"]) == 1
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/reminders", token=token).get_json()["total"] == 1
    saved = client.api("PUT", f"/api/v1/cohorts/{cohort.id}/reminder-settings", token=token,
                       json={"days_before_due": 3, "inactive_days": None})
    assert saved.get_json() == {"days_before_due": 3, "inactive_days": None}


def test_queries_of_the_reminders_page_do_not_grow(client, session, make_cohort, add_member, count_queries):
    cohort = make_cohort()
    login(client, cohort.tutors[0])
    trainee, _ = add_member(cohort)
    client.form(f"/cohorts/{cohort.id}/reminders", {"user_ids": [str(trainee.id)], "template": "behind"})
    client.get(f"/cohorts/{cohort.id}/reminders?filter=all")
    with count_queries() as few:
        client.get(f"/cohorts/{cohort.id}/reminders?filter=all")
    for _n in range(5):
        more, _ = add_member(cohort)
        client.form(f"/cohorts/{cohort.id}/reminders", {"user_ids": [str(more.id)], "template": "behind"})
    with count_queries() as many:
        client.get(f"/cohorts/{cohort.id}/reminders?filter=all")
    assert many.count == few.count
