"""The signed-cookie session keeps what it verified: same sessions, same refusals."""

from __future__ import annotations

from flask import request, session
from flask.sessions import SecureCookieSessionInterface

from lms.core import cookie_sessions


def _cookie(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def _open(app, cookie: str, interface=None):
    """The session a request with this cookie opens (with the app's interface, as the request
    context opens it; with another, asked directly)."""
    name = app.session_interface.get_cookie_name(app)
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        return interface.open_session(app, request) if interface is not None else session._get_current_object()


DATA = {"_user_id": "41.secret", "csrf_token": "abc", "_flashes": [("info", "Welcome")]}


def test_a_cookie_opens_the_session_flask_would_open_first_and_every_time(app):
    cookie = _cookie(app, DATA)
    plain = _open(app, cookie, SecureCookieSessionInterface())
    assert dict(plain) == DATA
    assert dict(_open(app, cookie)) == DATA and dict(_open(app, cookie)) == DATA


def test_a_change_to_one_requests_session_does_not_reach_the_next(app):
    cookie = _cookie(app, DATA)
    first = _open(app, cookie)
    first["_flashes"].append(("error", "Only this request's"))
    first["csrf_token"] = "changed"
    assert dict(_open(app, cookie)) == DATA


def test_a_tampered_cookie_is_refused_after_the_genuine_one_was_kept(app):
    cookie = _cookie(app, DATA)
    assert dict(_open(app, cookie)) == DATA
    payload, _dot, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert dict(_open(app, forged)) == {}
    other = _cookie(app, {"_user_id": "42.other"})
    assert dict(_open(app, other.rpartition(".")[0] + "." + signature)) == {}


def test_a_kept_cookie_expires_with_its_age(app, monkeypatch):
    cookie = _cookie(app, DATA)
    assert dict(_open(app, cookie)) == DATA   # kept now
    signed_at = cookie_sessions.now()
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    monkeypatch.setattr(cookie_sessions, "now", lambda: signed_at + lifetime - 5)
    assert dict(_open(app, cookie)) == DATA
    monkeypatch.setattr(cookie_sessions, "now", lambda: signed_at + lifetime + 5)
    assert dict(_open(app, cookie)) == {}
    monkeypatch.setattr(cookie_sessions, "now", lambda: signed_at)
    assert dict(_open(app, cookie)) == DATA   # verified in full again: its own age is fine


def test_a_new_secret_key_refuses_the_cookies_of_the_old_one_unless_it_is_a_fallback(app, monkeypatch):
    cookie = _cookie(app, DATA)
    assert dict(_open(app, cookie)) == DATA
    old_key = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-for-this-test")
    assert dict(_open(app, cookie)) == {}
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])   # a key being rotated out
    assert dict(_open(app, cookie)) == DATA
