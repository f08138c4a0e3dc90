"""Each person's time zone: the beneficiary's by default, their own choice otherwise; every time
shown in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms.accounts.time_zones import BENEFICIARY_ZONES, zone_of
from tests.conftest import login


@pytest.mark.parametrize(("code", "zone"), [("AL", "Europe/Tirane"), ("BA", "Europe/Sarajevo"),
                                            ("XK", "Europe/Belgrade"), ("ME", "Europe/Podgorica"),
                                            ("MK", "Europe/Skopje"), ("RS", "Europe/Belgrade")])
def test_the_zone_follows_the_beneficiary_until_one_is_chosen(make_user, code, zone):
    user = make_user(beneficiary=code)
    assert zone_of(user) == zone == BENEFICIARY_ZONES[code]
    user.time_zone = "Asia/Tokyo"
    assert user.zone_name == "Asia/Tokyo"


def test_someone_without_a_beneficiary_is_shown_utc(make_user):
    assert make_user(roles=("admin",), beneficiary=None).zone_name == "UTC"


def test_times_are_shown_in_the_readers_zone(client, session, group, schedule, make_user):
    meeting = schedule(group["cohort"], starts_at=datetime(2027, 7, 1, 8, 0, tzinfo=UTC), title="Summer webinar")
    trainee = group["trainees"][0]  # Serbia: Europe/Belgrade, summer time (UTC+2)
    login(client, trainee)
    assert "10:00:00\u202fAM Central European Summer Time" in client.get(f"/sessions/{meeting.id}").get_data(
        as_text=True)
    chosen = client.api("PUT", "/api/v1/me/time-zone", json={"time_zone": "Asia/Tokyo"})
    assert chosen.status_code == 200 and chosen.get_json() == {"time_zone": "Asia/Tokyo", "effective": "Asia/Tokyo"}
    shown = client.get(f"/sessions/{meeting.id}").get_data(as_text=True)
    assert "5:00:00\u202fPM Japan Standard Time" in shown  # 08:00 UTC is 17:00 in Tokyo
    back = client.api("PUT", "/api/v1/me/time-zone", json={"time_zone": None})
    assert back.get_json() == {"time_zone": None, "effective": "Europe/Belgrade"}


def test_an_unknown_zone_is_refused_with_a_clear_message_in_both_doors(client, session, make_user):
    user = make_user(beneficiary="MK")
    login(client, user)
    refused = client.api("PUT", "/api/v1/me/time-zone", json={"time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 422
    assert "is not a time zone we know" in refused.get_json()["errors"]["time_zone"][0]
    page = client.form("/account/time-zone", {"time_zone": "Europe/Atlantis"})
    assert page.status_code == 422 and "is not a time zone we know" in page.get_data(as_text=True)
    session.expire_all()
    assert user.time_zone is None
    assert client.api("GET", "/api/v1/me/time-zone").get_json()["effective"] == "Europe/Skopje"


def test_the_account_page_changes_the_zone(client, session, make_user):
    user = make_user(beneficiary="AL")
    login(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert "Time zone and calendar" in page and "Europe/Tirane" in page
    saved = client.form("/account/time-zone", {"time_zone": "Europe/Skopje"})
    assert saved.status_code == 302
    session.expire_all()
    assert user.time_zone == "Europe/Skopje"


def test_an_email_shows_times_in_its_recipients_zone(app):
    from flask_babel import format_datetime

    from lms.core.i18n import use_time_zone

    moment = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        assert "9:30" in format_datetime(moment, "short")
        with use_time_zone("Europe/Skopje"):
            assert "10:30" in format_datetime(moment, "short")
        assert "9:30" in format_datetime(moment, "short")
