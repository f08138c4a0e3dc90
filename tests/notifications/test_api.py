"""The notifications' JSON door: the same rules as the pages."""

from __future__ import annotations

from lms.accounts.operations import create_api_token
from lms.extensions import db
from lms.notifications.models import NotificationPreference
from lms.notifications.operations import notify


def _token(session, user) -> str:
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def _send(session, user, n=1):
    made = [notify(session, user, "test_greeting", params={"name": f"N{i}", "course": "C"},
                   link_endpoint="notifications.centre") for i in range(n)]
    session.commit()
    return made


def test_list_count_and_mark_read_in_the_readers_language(client, session, make_user, greeting_kind):
    user = make_user()
    first, second = _send(session, user, 2)
    token = _token(session, user)
    listed = client.api("GET", "/api/v1/me/notifications", token=token, headers={"Accept-Language": "sq"})
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2 and body["unread"] == 2
    assert [item["id"] for item in body["items"]] == [second.id, first.id]
    assert body["items"][0]["link"] == "/notifications"
    assert client.api("GET", "/api/v1/me/notifications/unread-count", token=token).get_json() == {"unread": 2}
    read = client.api("POST", f"/api/v1/me/notifications/{first.id}/read", token=token)
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert client.api("GET", "/api/v1/me/notifications?unread=true", token=token).get_json()["total"] == 1
    assert client.api("POST", "/api/v1/me/notifications/read-all", token=token).get_json() == {"marked": 1}


def test_another_persons_notification_is_404(client, session, make_user, greeting_kind):
    owner, other = make_user(), make_user()
    [notification] = _send(session, owner)
    token = _token(session, other)
    for action in ("read", "unread"):
        response = client.api("POST", f"/api/v1/me/notifications/{notification.id}/{action}", token=token)
        assert response.status_code == 404
    assert client.api("GET", "/api/v1/me/notifications", token=token).get_json()["total"] == 0


def test_preferences_through_the_api(client, session, make_user, greeting_kind):
    user = make_user()
    token = _token(session, user)
    kinds = client.api("GET", "/api/v1/me/notification-preferences", token=token).get_json()
    assert {"kind": "test_greeting", "label": "Certificate issued", "in_app": True, "email": "now"} in kinds
    bad = client.api("PUT", "/api/v1/me/notification-preferences", token=token,
                     json={"preferences": [{"kind": "nonsense", "in_app": True, "email": "now"}]})
    assert bad.status_code == 422 and "nonsense" in bad.get_json()["errors"]
    assert session.scalar(db.select(NotificationPreference)) is None
    good = client.api("PUT", "/api/v1/me/notification-preferences", token=token,
                      json={"preferences": [{"kind": "test_greeting", "in_app": False, "email": "digest"}]})
    assert good.status_code == 200
    assert {"kind": "test_greeting", "label": "Certificate issued", "in_app": False, "email": "digest"} in good.get_json()


def test_the_api_needs_a_user(client):
    assert client.api("GET", "/api/v1/me/notifications").status_code == 401
