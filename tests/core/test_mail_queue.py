"""E-mail through the outbox and the task queue: nothing sent inside the request, nothing lost
while the mail server is down, nothing sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core import mail
from lms.core.mail import FAILED, MAX_ATTEMPTS, PENDING, SENT, Mail, OutboxMail, queue_mail
from lms.core.models import utcnow
from lms.extensions import db
from tests.conftest import run_queued
from tests.mailbox import free_port, start_smtp


@pytest.fixture
def down_port():
    """A local port where no mail server listens (yet)."""
    return free_port()


@pytest.fixture
def queued_app(make_app, down_port):
    """The application with SMTP on ``down_port`` and tasks waiting for a worker."""
    application = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=down_port, LMS_TASK_QUEUE="memory",
                           LMS_MAIL_TIMEOUT=2)
    return application


def _later(monkeypatch, delta: timedelta) -> None:
    """The clock of the mail module, ``delta`` from now (the next attempt is due)."""
    now = utcnow() + delta
    monkeypatch.setattr(mail, "utcnow", lambda: now)


def _huey(application):
    from lms.core.tasks import queue_of

    return queue_of(application).huey


def test_a_password_reset_succeeds_while_smtp_is_down_and_its_mail_arrives_once_when_it_is_back(
        queued_app, make_user, session, down_port, monkeypatch):
    user = make_user(email="anna@example.org")
    client = queued_app.test_client()
    response = client.form("/reset-password", {"email": "anna@example.org"})
    assert response.status_code == 302  # answered without contacting any mail server
    huey = _huey(queued_app)
    assert huey.pending_count() == 1

    with queued_app.app_context():
        assert run_queued(huey) == 1  # the worker tries: connection refused
        row = db.session.scalar(db.select(OutboxMail).where(OutboxMail.recipient == user.email))
        assert (row.status, row.attempts) == (PENDING, 1) and "Connection refused" in row.last_error
        assert row.next_attempt_at > utcnow()

        controller, inbox = start_smtp(down_port)  # the server comes back; the app is not restarted
        try:
            mail.send_due_mail()  # the scheduler's sweep: not due yet, nothing queued
            assert run_queued(huey) == 0
            _later(monkeypatch, timedelta(minutes=1))
            mail.send_due_mail()
            assert run_queued(huey) == 1
            inbox.wait_for(1)
            _later(monkeypatch, timedelta(hours=3))  # later sweeps find nothing left to send
            mail.send_due_mail()
            run_queued(huey)
        finally:
            controller.stop()
        db.session.expire_all()
        row = db.session.get(OutboxMail, row.id)
        assert (row.status, row.attempts) == (SENT, 2)
    assert [m["To"] for m in inbox.messages] == ["anna@example.org"]
    assert "/reset-password/" in inbox.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert inbox.messages[0]["Message-ID"] == f"<outbox-{row.id}@127.0.0.1>"


def test_a_mail_already_claimed_or_sent_is_not_sent_again(queued_app, monkeypatch):
    sent = []
    monkeypatch.setattr(mail, "_send", lambda row: sent.append(row.id))
    with queued_app.app_context():
        mail_id = queue_mail(db.session, Mail(to="a@example.org", subject="s", text="t")).id
        db.session.commit()
        mail.deliver_mail(mail_id)
        mail.deliver_mail(mail_id)  # the same task delivered twice by the queue
        db.session.commit()
        run_queued(_huey(queued_app))
    assert sent == [mail_id]


def test_a_mail_is_failed_after_its_last_attempt_and_an_administrator_can_send_it_again(
        queued_app, monkeypatch):
    with queued_app.app_context():
        row = queue_mail(db.session, Mail(to="b@example.org", subject="s", text="t"))
        row.attempts = MAX_ATTEMPTS - 1
        db.session.commit()
        mail.deliver_mail(row.id)
        db.session.commit()
        db.session.refresh(row)
        assert row.status == FAILED and row in mail.troubled_mail(db.session)
        mail.retry_mail(db.session, row)
        db.session.commit()
        monkeypatch.setattr(mail, "_send", lambda _row: None)
        run_queued(_huey(queued_app))
        db.session.refresh(row)
        assert row.status == SENT


def test_a_rolled_back_transaction_queues_no_mail(queued_app):
    with queued_app.app_context():
        queue_mail(db.session, Mail(to="c@example.org", subject="s", text="t"))
        db.session.rollback()
        assert _huey(queued_app).pending_count() == 0
        assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 0


def test_administrators_see_failing_mail_and_send_it_again_through_both_doors(
        client, session, make_user, monkeypatch):
    from tests.conftest import login

    row = queue_mail(session, Mail(to="stuck@example.org", subject="Your certificate", text="t"))
    row.status, row.attempts, row.last_error = FAILED, MAX_ATTEMPTS, "ConnectionRefusedError: refused"
    session.commit()
    row_id = row.id
    sent = []
    monkeypatch.setattr(mail, "_send", lambda outbox: sent.append(outbox.recipient))

    login(client, make_user(roles=("admin",)))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "stuck@example.org" in page and "ConnectionRefusedError: refused" in page
    listed = client.api("GET", "/api/v1/admin/mail").get_json()
    assert [(m["id"], m["status"], m["attempts"]) for m in listed] == [(row_id, "failed", MAX_ATTEMPTS)]
    assert client.form(f"/admin/mail/{row_id}/retry").status_code == 302
    assert sent == ["stuck@example.org"]  # sent by the task run once the retry committed
    assert client.api("POST", f"/api/v1/admin/mail/{row_id}/retry").status_code == 409  # already sent
    assert client.api("POST", "/api/v1/admin/mail/999999/retry").status_code == 404


def test_only_administrators_see_the_outbox(client, session, make_user):
    from tests.conftest import login

    row = queue_mail(session, Mail(to="someone@example.org", subject="Private", text="t"))
    row.status = FAILED
    session.commit()
    for roles in (("trainee",), ("tutor",), ("manager",)):
        other = make_user(roles=roles, scope="regional" if "manager" in roles else None)
        fresh = client.application.test_client()
        login(fresh, other)
        assert fresh.get("/admin/mail").status_code == 403
        assert fresh.api("GET", "/api/v1/admin/mail").status_code == 403
        assert fresh.form(f"/admin/mail/{row.id}/retry").status_code == 403
        assert fresh.api("POST", f"/api/v1/admin/mail/{row.id}/retry").status_code == 403
    assert client.get("/admin/mail").status_code == 302  # not signed in: to the sign-in page
    session.refresh(row)
    assert row.status == FAILED
