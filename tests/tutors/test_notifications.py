"""E-mails of tutored groups, read from a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from lms.core.mail import Mail, queue_mail
from lms.extensions import db
from tests.conftest import login


@pytest.fixture
def mail_app(make_app, smtp):
    """The application with SMTP configured, on the same database as the others."""
    return make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=smtp.port, LMS_BASE_URL="https://help.example")


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_trainee_hears_when_work_is_returned_in_their_own_language(mail_app, smtp, session, make_cohort, add_member,
                                                                   assignments, submit_work):
    cohort = make_cohort()
    trainee, _ = add_member(cohort, language="sr_Latn", email="jelena@example.org")
    case = assignments["assessment-case"]
    submission = submit_work(trainee, case)
    due = date.today() + timedelta(days=9)
    client = mail_app.test_client()
    login(client, cohort.tutors[0])
    response = client.form(f"/submissions/{submission.id}", {
        "version": str(submission.version), "criterion_analysis": "2", "criterion_action": "0",
        "feedback": "Dodajte činjenice iz prijema.", "outcome": "returned", "due_on": due.isoformat()})
    assert response.status_code == 303
    smtp.wait_for(1)
    [message] = smtp.to("jelena@example.org")
    assert "Studija slučaja: novi zatvorenik" in message["Subject"]  # the title in her language
    body = _body(message)
    assert format_date(due, format="medium", locale="sr_Latn") in body  # dates in her locale
    assert "Dodajte činjenice iz prijema." in body and "Bodovi: 2 od 7" in body
    assert f"https://help.example/courses/{case.course.slug}/assignments/{case.slug}" in body


def test_tutors_hear_at_once_about_new_work(mail_app, smtp, session, make_cohort, add_member, assignments):
    cohort = make_cohort()
    trainee, _ = add_member(cohort, full_name="Jelena Marković")
    client = mail_app.test_client()
    login(client, trainee)
    case = assignments["assessment-case"]
    response = client.form(f"/courses/{case.course.slug}/assignments/{case.slug}",
                           {"body": "My answer", "action": "submit"})
    assert response.status_code == 303
    smtp.wait_for(1)
    [message] = smtp.to(cohort.tutors[0].email)
    assert message["Subject"] == "New work to review: Jelena Marković, “Case study: a new arrival”"
    from lms.tutors.models import Submission

    submission = session.scalar(db.select(Submission))
    assert f"https://help.example/submissions/{submission.id}" in _body(message)


def test_a_daily_digest_replaces_single_mails(mail_app, smtp, session, make_cohort, add_member, assignments,
                                              submit_work):
    cohort = make_cohort()
    tutor = cohort.tutors[0]
    client = mail_app.test_client()
    login(client, tutor)
    assert client.form("/tutor/notifications", {"notify": "daily"}).status_code == 302
    trainee, _ = add_member(cohort, full_name="Digest Trainee")
    trainee_client = mail_app.test_client()
    login(trainee_client, trainee)
    case = assignments["release-case"]
    trainee_client.form(f"/courses/{case.course.slug}/assignments/{case.slug}", {"body": "text", "action": "submit"})
    assert smtp.to(tutor.email) == []

    runner = mail_app.test_cli_runner()
    with mail_app.app_context():  # the test holds the other app's context; the command uses the current one
        result = runner.invoke(args=["tutors", "send-digests"])
    assert result.exit_code == 0 and "1 digest(s) sent." in result.output, result.output
    smtp.wait_for(1)
    [digest] = smtp.to(tutor.email)
    body = _body(digest)
    assert "1 new piece of work has arrived" in body
    assert "Digest Trainee" in body and "Case study: the first months" in body and "https://help.example/submissions/" in body
    # The time of the work is shown in the tutor's zone (Serbia: Europe/Belgrade), not in UTC.
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    from lms.tutors.models import Submission

    submitted_at = session.scalar(db.select(Submission.submitted_at))
    assert format_datetime(submitted_at, "short", tzinfo=ZoneInfo("Europe/Belgrade"), locale="en") in body
    with mail_app.app_context():
        result = runner.invoke(args=["tutors", "send-digests"])
    assert "0 digest(s) sent." in result.output


def test_no_mail_leaves_before_the_transaction_commits(mail_app, smtp):
    with mail_app.app_context():
        queue_mail(db.session, Mail(to="rolled-back@example.org", subject="x", text="x"))
        with db.session.begin_nested():
            pass  # releasing a savepoint is not a commit
        db.session.rollback()
        queue_mail(db.session, Mail(to="committed@example.org", subject="y", text="y"))
        db.session.commit()
    smtp.wait_for(1)
    assert [m["To"] for m in smtp.messages] == ["committed@example.org"]


def test_without_a_mail_server_messages_go_to_the_log(client, session, caplog, make_cohort, add_member,
                                                      assignments):
    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    login(client, trainee)
    case = assignments["assessment-case"]
    with caplog.at_level("WARNING", logger="lms.mail"):
        client.form(f"/courses/{case.course.slug}/assignments/{case.slug}", {"body": "text", "action": "submit"})
    assert any("New work to review" in record.getMessage() for record in caplog.records)
