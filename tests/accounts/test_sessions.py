"""Sessions the server can end: a stolen copy of a session or remember-me cookie stops working
the moment its owner signs out, changes password, is deactivated or is signed out by an
administrator; one's account page and the API list and end one's sessions."""

from __future__ import annotations

from datetime import timedelta

from lms.accounts.models import ApiToken, UserSession
from lms.core.audit import AuditEntry
from lms.core.models import utcnow
from lms.extensions import db
from tests.conftest import PASSWORD, login, run_queued

SESSION_COOKIE = "session"
REMEMBER_COOKIE = "remember_token"


def _copy_cookies(source, target, names=(SESSION_COOKIE, REMEMBER_COOKIE)) -> None:
    """What a thief does with a copy of the cookies: replay them from another browser."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value, domain=cookie.domain)


def _signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def _thief_of(app, victim_client, names=(SESSION_COOKIE, REMEMBER_COOKIE)):
    thief = app.test_client()
    _copy_cookies(victim_client, thief, names)
    return thief


def _remember_login(client, user):
    return client.form("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})


def test_a_copied_session_cookie_is_refused_once_its_owner_signs_out(app, make_user):
    user = make_user()
    owner = app.test_client()
    login(owner, user)
    thief = _thief_of(app, owner, names=(SESSION_COOKIE,))
    assert _signed_in(thief) and thief.get("/dashboard").status_code == 200
    owner.form("/logout")
    assert not _signed_in(thief)
    assert thief.get("/dashboard").status_code == 302


def test_a_copied_remember_me_cookie_is_refused_once_its_owner_signs_out(app, make_user):
    user = make_user()
    owner = app.test_client()
    _remember_login(owner, user)
    assert owner.get_cookie(REMEMBER_COOKIE) is not None
    thief = _thief_of(app, owner, names=(REMEMBER_COOKIE,))  # a fresh browser: only the remember-me cookie
    assert _signed_in(thief)
    fresh_thief = _thief_of(app, thief, names=(REMEMBER_COOKIE,))
    owner.form("/logout")
    assert not _signed_in(thief) and not _signed_in(fresh_thief)


def test_password_change_refuses_copied_cookies_and_revokes_tokens(app, make_user, session):
    user = make_user()
    owner = app.test_client()
    _remember_login(owner, user)
    created = owner.api("POST", "/api/v1/me/tokens", json={"name": "script"}).get_json()
    thief = _thief_of(app, owner)
    remember_thief = _thief_of(app, owner, names=(REMEMBER_COOKIE,))
    response = owner.form("/account/password", {"current_password": PASSWORD,
                                                "new_password": "a brand new password"})
    assert response.status_code == 302
    assert _signed_in(owner)  # this browser goes on, in a new session
    assert not _signed_in(thief) and not _signed_in(remember_thief)
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {created['token']}"}).status_code == 401
    assert session.get(ApiToken, created["id"]).revoked_at is not None


def test_a_password_reset_ends_every_session(app, make_user, session):
    from lms.accounts.operations import password_reset_token

    user = make_user()
    owner = app.test_client()
    _remember_login(owner, user)
    reset = app.test_client()
    response = reset.form(f"/reset-password/{password_reset_token(user)}", {"password": "a fresh password here"})
    assert response.status_code == 302
    assert not _signed_in(owner) and _signed_in(reset)


def test_deactivation_ends_sessions_and_tokens_and_reactivation_restores_neither(app, make_user, session):
    admin = make_user(roles=("admin",), beneficiary=None)
    user = make_user()
    owner = app.test_client()
    _remember_login(owner, user)
    plain = owner.api("POST", "/api/v1/me/tokens", json={"name": "script"}).get_json()["token"]
    admin_client = app.test_client()
    login(admin_client, admin)
    for active in ("", "y"):  # deactivated, then active again
        admin_client.form(f"/admin/users/{user.id}", {"roles": ["trainee"], "manager_scope": "",
                                                      "beneficiary_id": "", "active": active})
    assert not _signed_in(owner)
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert login(app.test_client(), user).status_code == 302  # the account itself works again


def test_the_account_page_lists_sessions_and_ends_one(app, make_user, session):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    rows = session.scalars(db.select(UserSession).where(UserSession.user_id == user.id)
                           .order_by(UserSession.id)).all()
    assert len(rows) == 2
    page = laptop.get("/account").get_data(as_text=True)
    assert "Where you are signed in" in page and "this device" in page
    assert f"/account/sessions/{rows[0].id}/end" in page
    assert laptop.form(f"/account/sessions/{rows[0].id}/end").status_code == 302
    assert not _signed_in(phone) and _signed_in(laptop)


def test_signing_out_every_other_device_keeps_this_one(app, make_user):
    user = make_user()
    clients = [app.test_client() for _ in range(3)]
    for client in clients:
        login(client, user)
    clients[0].form("/account/sessions/end-others")
    assert [_signed_in(client) for client in clients] == [True, False, False]


def test_nobody_ends_another_persons_session(app, make_user, session):
    victim, other = make_user(), make_user()
    victim_client, other_client = app.test_client(), app.test_client()
    login(victim_client, victim)
    login(other_client, other)
    row = session.scalar(db.select(UserSession).where(UserSession.user_id == victim.id))
    assert other_client.form(f"/account/sessions/{row.id}/end").status_code == 404
    assert other_client.api("DELETE", f"/api/v1/me/sessions/{row.id}").status_code == 404
    assert all(item["id"] != row.id for item in other_client.get("/api/v1/me/sessions").get_json())
    assert _signed_in(victim_client)


def test_the_api_lists_and_ends_sessions(app, make_user):
    user = make_user()
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    for client in (first, second, third):
        login(client, user)
    listed = first.get("/api/v1/me/sessions").get_json()
    assert len(listed) == 3 and sum(item["current"] for item in listed) == 1
    other = next(item for item in listed if not item["current"])
    assert first.api("DELETE", f"/api/v1/me/sessions/{other['id']}").status_code == 204
    assert first.api("DELETE", "/api/v1/me/sessions").get_json() == {"ended": 1}
    assert [_signed_in(client) for client in (first, second, third)] == [True, False, False]


def test_an_administrator_signs_a_user_out_everywhere_on_both_doors(app, make_user, session):
    admin = make_user(roles=("admin",), beneficiary=None)
    user = make_user()
    admin_client = app.test_client()
    login(admin_client, admin)
    devices = [app.test_client(), app.test_client()]
    for device in devices:
        _remember_login(device, user)
    assert "Signed in on 2 devices." in admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert admin_client.form(f"/admin/users/{user.id}/sign-out").status_code == 302
    assert not any(_signed_in(device) for device in devices)
    assert session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.signed_out_everywhere"))
    login(devices[0], user)
    answer = admin_client.api("POST", f"/api/v1/admin/users/{user.id}/sign-out")
    assert answer.status_code == 200 and answer.get_json() == {"ended": 1}
    assert not _signed_in(devices[0])
    assert admin_client.api("POST", "/api/v1/admin/users/999999/sign-out").status_code == 404


def test_only_an_administrator_signs_others_out(app, make_user):
    manager = make_user(roles=("manager",), scope="regional")
    user = make_user()
    device, manager_client = app.test_client(), app.test_client()
    login(device, user)
    login(manager_client, manager)
    assert manager_client.form(f"/admin/users/{user.id}/sign-out").status_code == 403
    assert manager_client.api("POST", f"/api/v1/admin/users/{user.id}/sign-out").status_code == 403
    assert _signed_in(device)


def test_an_expired_session_is_refused(app, make_user, session):
    user = make_user()
    client = app.test_client()
    login(client, user)
    row = session.scalar(db.select(UserSession).where(UserSession.user_id == user.id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert not _signed_in(client)


def test_a_get_writes_nothing_and_last_seen_is_recorded_by_a_task_now_and_then(app, make_user, session,
                                                                              deferred_tasks):
    user = make_user()
    client = app.test_client()
    login(client, user)
    row = session.scalar(db.select(UserSession).where(UserSession.user_id == user.id))
    seen = row.last_seen_at
    assert client.get("/dashboard").status_code == 200  # within the period: nothing asked
    assert run_queued(deferred_tasks) == 0
    row.last_seen_at = seen - timedelta(minutes=10)
    session.commit()
    # A GET that wrote would fail here (WriteDuringSafeRequest); a task writes instead, asked once.
    assert client.get("/dashboard").status_code == 200
    assert client.get("/account").status_code == 200
    session.refresh(row)
    assert row.last_seen_at == seen - timedelta(minutes=10)
    assert run_queued(deferred_tasks) == 1
    session.refresh(row)
    assert row.last_seen_at > seen


def test_the_session_check_is_one_query_and_knows_the_roles(app, make_user, count_queries):
    from lms.accounts.models import User, UserRole
    from lms.accounts.operations import session_for_key, start_session

    user = make_user(roles=("trainee", "tutor"))
    email = user.email
    with app.test_request_context():
        key = start_session(db.session, user)
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as counter:
            live = session_for_key(db.session, key)
            assert live.user.is_tutor and not live.user.is_admin and live.user.roles == {"trainee", "tutor"}
            assert live.user.email == email and live.user.session_key == key
        assert counter.count == 1, counter.statements
        # The user is the session's own: a later look-up finds it, and changing roles counts at once.
        assert db.session.get(User, live.user.id) is live.user
        live.user.role_rows.append(UserRole(role="admin"))
        assert live.user.is_admin and live.user.roles == {"trainee", "tutor", "admin"}
        db.session.rollback()


def test_the_session_check_refuses_a_wrong_secret_an_old_auth_version_and_an_inactive_user(app, make_user):
    from lms.accounts.operations import session_for_key, start_session

    user = make_user()
    with app.test_request_context():
        key = start_session(db.session, user)
        db.session.commit()
        row_id, _, secret = key.partition(".")
        assert session_for_key(db.session, f"{row_id}.{secret[:-1]}x") is None
        assert session_for_key(db.session, f"{row_id}x.{secret}") is None
        assert session_for_key(db.session, key, now=utcnow() + timedelta(days=400)) is None
        user.auth_version += 1
        db.session.commit()
        assert session_for_key(db.session, key) is None
        user.auth_version -= 1
        user.is_active_account = False
        db.session.commit()
        assert session_for_key(db.session, key) is None
        user.is_active_account = True
        db.session.commit()
        assert session_for_key(db.session, key) is not None
