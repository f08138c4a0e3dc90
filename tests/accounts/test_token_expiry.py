"""Personal API tokens expire (after 90 days unless their owner chooses otherwise), and the
account page shows when each expires and was last used."""

from __future__ import annotations

from datetime import timedelta

from lms.accounts.models import ApiToken
from lms.core.models import utcnow
from lms.extensions import db
from tests.conftest import login


def _bearer(app, plain):
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})


def test_a_token_expires_after_ninety_days_by_default(app, client, make_user, session):
    login(client, make_user())
    body = client.api("POST", "/api/v1/me/tokens", json={"name": "script"}).get_json()
    expires = session.get(ApiToken, body["id"]).expires_at
    assert timedelta(days=89, hours=23) < expires - utcnow() <= timedelta(days=90)
    assert body["expires_at"] is not None
    assert _bearer(app, body["token"]).status_code == 200


def test_an_expired_token_is_refused(app, client, make_user, session):
    login(client, make_user())
    body = client.api("POST", "/api/v1/me/tokens", json={"name": "script", "expires_in_days": 1}).get_json()
    token = session.get(ApiToken, body["id"])
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert _bearer(app, body["token"]).status_code == 401


def test_the_owner_may_choose_no_expiry_or_a_length_within_bounds(client, make_user):
    login(client, make_user())
    never = client.api("POST", "/api/v1/me/tokens", json={"name": "forever", "expires_in_days": None})
    assert never.status_code == 201 and never.get_json()["expires_at"] is None
    for days in (0, 3651, "ten"):
        refused = client.api("POST", "/api/v1/me/tokens", json={"name": "bad", "expires_in_days": days})
        assert refused.status_code == 422 and "expires_in_days" in refused.get_json()["errors"]


def test_the_account_page_shows_expiry_and_last_use(client, make_user, session):
    user = make_user()
    login(client, user)
    assert client.form("/account/tokens", {"name": "laptop", "expires_in_days": "30"}).status_code == 200
    token = session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    token.last_used_at = utcnow() - timedelta(hours=2)
    session.commit()
    page = client.get("/account").get_data(as_text=True)
    assert "Expires" in page and "Last used" in page and "Never" not in page.split('id="tokens"')[1].split("</table>")[0]
    client.form("/account/tokens", {"name": "forever", "expires_in_days": "never"})
    assert session.scalar(db.select(ApiToken).where(ApiToken.name == "forever")).expires_at is None
