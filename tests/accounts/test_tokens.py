"""Personal API tokens: hashed at rest, usable as Bearer, revocable only by their owner."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from lms.accounts import operations
from lms.accounts.models import ApiToken
from lms.core.models import utcnow
from lms.core.tasks import queue_of
from lms.extensions import db
from tests.conftest import login, run_queued


def _create_token(client, name="reporting script"):
    response = client.api("POST", "/api/v1/me/tokens", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_token_is_shown_once_and_stored_only_as_a_hash(client, make_user, session):
    user = make_user()
    login(client, user)
    body = _create_token(client)
    plain = body["token"]
    stored = session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.prefix + stored.name)
    listed = client.get("/api/v1/me/tokens").get_json()
    assert listed[0]["name"] == "reporting script" and "token" not in listed[0]


def test_bearer_token_authenticates_without_a_session(app, make_user):
    user = make_user()
    owner = app.test_client()
    login(owner, user)
    plain = _create_token(owner)["token"]
    stranger = app.test_client()
    assert stranger.get("/api/v1/me").status_code == 401
    response = stranger.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200 and response.get_json()["email"] == user.email


def test_revoked_or_wrong_token_is_refused(app, make_user):
    user = make_user()
    owner = app.test_client()
    login(owner, user)
    created = _create_token(owner)
    assert owner.api("DELETE", f"/api/v1/me/tokens/{created['id']}").status_code == 204
    stranger = app.test_client()
    assert stranger.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"}).status_code == 401
    assert stranger.get("/api/v1/me", headers={"Authorization": "Bearer lms_made_up"}).status_code == 401


def test_nobody_revokes_another_users_token(app, make_user, session):
    owner, other = make_user(), make_user()
    owner_client, other_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(other_client, other)
    created = _create_token(owner_client)
    assert other_client.api("DELETE", f"/api/v1/me/tokens/{created['id']}").status_code == 404
    assert session.get(ApiToken, created["id"]).revoked_at is None


def test_api_writes_with_a_session_cookie_need_the_csrf_header(client, make_user):
    login(client, make_user())
    response = client.post("/api/v1/me/tokens", json={"name": "no csrf header"})
    assert response.status_code == 400
    assert response.is_json


def test_token_creation_from_the_account_page(client, make_user):
    login(client, make_user())
    response = client.form("/account/tokens", {"name": "my laptop"})
    html = response.get_data(as_text=True)
    assert "Copy the token now" in html and 'value="lms_' in html


def test_a_get_with_a_token_writes_nothing_and_a_task_records_its_use(app, make_user, session,
                                                                     deferred_tasks):
    user = make_user()
    owner = app.test_client()
    login(owner, user)
    created = _create_token(owner)
    bearer = {"Authorization": f"Bearer {created['token']}"}
    # A GET that wrote would fail here (WriteDuringSafeRequest); a task writes instead.
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    assert app.test_client().get("/api/v1/me/tokens", headers=bearer).status_code == 200
    session.expire_all()
    assert session.get(ApiToken, created["id"]).last_used_at is None
    assert run_queued(deferred_tasks) == 1  # asked once, not on every request
    session.expire_all()
    first_use = session.get(ApiToken, created["id"]).last_used_at
    assert first_use is not None and utcnow() - first_use < timedelta(minutes=1)


def test_token_use_is_recorded_again_only_after_five_minutes(app, make_user, session, monkeypatch):
    token, _plain = operations.create_api_token(session, make_user(), "script")
    session.commit()
    queued = []
    monkeypatch.setattr(queue_of(app), "enqueue", lambda fn, *args: queued.append(args))
    now = utcnow()
    operations.note_token_use(token, now)
    operations.note_token_use(token, now + timedelta(minutes=4))
    assert queued == [(token.id, now)]
    token.last_used_at = now
    later = now + timedelta(minutes=6)
    operations.note_token_use(token, later)
    assert queued == [(token.id, now), (token.id, later)]


def test_a_token_still_signs_in_when_the_queue_is_unreachable(app, make_user, session, monkeypatch):
    token, plain = operations.create_api_token(session, make_user(), "script")
    session.commit()

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(queue_of(app), "enqueue", unreachable)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200


def test_a_trainee_is_not_offered_api_tokens_but_staff_are(client, make_user):
    login(client, make_user(email="plain-trainee@example.org"))
    assert "Personal API tokens" not in client.get("/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, make_user(roles=("tutor",), email="integrating-tutor@example.org"))
    assert "Personal API tokens" in client.get("/account").get_data(as_text=True)
