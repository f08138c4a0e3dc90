"""Sign-in and password reset are limited per account as well as per address: many addresses
cannot take turns on one account; the owner of a locked-out account is told by e-mail."""

from __future__ import annotations

from pathlib import Path

from lms.config import load_config
from lms.core.mail import OutboxMail
from lms.extensions import db
from tests.conftest import PASSWORD

LOCKED_OUT_SUBJECT = "Attempts on your account were stopped"


def _from(client, address: str, url: str, data: dict):
    return client.form(url, data, environ_base={"REMOTE_ADDR": address})


def _notices(session, email: str) -> int:
    return session.scalar(db.select(db.func.count(OutboxMail.id)).where(
        OutboxMail.recipient == email, OutboxMail.subject == LOCKED_OUT_SUBJECT))


def test_many_addresses_guessing_one_account_are_stopped_and_its_owner_told_once(
        client, make_user, session, rate_limited):
    owner = make_user(email="target@example.org")
    statuses = [_from(client, f"10.0.{n}.1", "/login",
                      {"email": "Target@example.org", "password": f"guess {n}"}).status_code for n in range(13)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429] * 3
    # Even the right password waits: the account is locked out for a while, whoever asks.
    assert _from(client, "10.9.9.9", "/login", {"email": owner.email, "password": PASSWORD}).status_code == 429
    assert _notices(session, owner.email) == 1
    # Another account is not affected.
    other = make_user(email="other@example.org")
    assert _from(client, "10.0.0.1", "/login", {"email": other.email, "password": PASSWORD}).status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(app, make_user, rate_limited):
    owner = make_user(email="busy@example.org")
    for n in range(12):
        browser = app.test_client()
        assert _from(browser, f"10.1.{n}.1", "/login", {"email": owner.email, "password": PASSWORD}).status_code == 302


def test_password_resets_are_limited_per_account_and_the_owner_told(client, make_user, session, rate_limited):
    owner = make_user(email="reset-me@example.org")
    statuses = [_from(client, f"10.2.{n}.1", "/reset-password", {"email": owner.email}).status_code
                for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert _notices(session, owner.email) == 1


def test_an_unknown_address_locked_out_gets_no_mail(client, session, rate_limited):
    for n in range(11):
        _from(client, f"10.3.{n}.1", "/login", {"email": "nobody@example.org", "password": "x"})
    assert session.scalar(db.select(db.func.count(OutboxMail.id)).where(
        OutboxMail.subject == LOCKED_OUT_SUBJECT)) == 0


def test_several_app_servers_share_the_counters_in_redis(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LMS_REDIS_URL", "redis://cache.internal:6379/0")
    monkeypatch.delenv("LMS_RATELIMIT_STORAGE_URL", raising=False)
    monkeypatch.setenv("LMS_SECRET_KEY", "x" * 32)
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
