"""The notification centre's pages: one's own notifications only, read state, preferences."""

from __future__ import annotations

from lms.extensions import db
from lms.notifications.models import Notification, NotificationPreference
from lms.notifications.operations import notify
from tests.conftest import login


def _send(session, user, n=1, **extra):
    made = [notify(session, user, "test_greeting", params={"name": f"N{i}", "course": "C"},
                   link_endpoint="notifications.preferences", **extra) for i in range(n)]
    session.commit()
    return made


def test_header_shows_the_unread_count_and_the_centre_lists_them(client, session, make_user, greeting_kind):
    user = make_user()
    _send(session, user, 3)
    login(client, user)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'class="unread-count" aria-hidden="true">3<' in page
    assert page.count('class="notification unread"') == 3


def test_opening_marks_read_and_goes_to_the_object(client, session, make_user, greeting_kind):
    user = make_user()
    [notification] = _send(session, user)
    login(client, user)
    response = client.form(f"/notifications/{notification.id}/open")
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications/preferences")
    session.expire_all()
    assert session.get(Notification, notification.id).read_at is not None
    assert "unread-count" not in client.get("/notifications").get_data(as_text=True)


def test_another_persons_notification_is_not_found(client, session, make_user, greeting_kind):
    owner, other = make_user(), make_user()
    [notification] = _send(session, owner)
    login(client, other)
    for action in ("open", "read", "unread"):
        assert client.form(f"/notifications/{notification.id}/{action}").status_code == 404
    session.expire_all()
    assert session.get(Notification, notification.id).read_at is None


def test_mark_all_read_marks_only_ones_own(client, session, make_user, greeting_kind):
    user, other = make_user(), make_user()
    _send(session, user, 2)
    _send(session, other, 1)
    login(client, user)
    assert client.form("/notifications/read-all").status_code == 303
    unread = session.scalars(db.select(Notification.recipient_id).where(Notification.read_at.is_(None))).all()
    assert unread == [other.id]


def test_unread_come_first_then_newest(client, session, make_user, greeting_kind):
    user = make_user()
    first, second, third = _send(session, user, 3)
    login(client, user)
    client.form(f"/notifications/{third.id}/read")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Hello N1, C") < page.index("Hello N0, C") < page.index("Hello N2, C")


def test_preferences_are_saved_and_bad_choices_refused(client, session, make_user, greeting_kind):
    user = make_user(language="sq")
    login(client, user)
    assert client.get("/notifications/preferences").status_code == 200
    bad = client.form("/notifications/preferences", {"in_app_test_greeting": "y", "email_test_greeting": "hourly"})
    assert bad.status_code == 422
    assert session.scalar(db.select(NotificationPreference)) is None
    good = client.form("/notifications/preferences", {"email_test_greeting": "digest"})
    assert good.status_code == 303
    row = session.scalar(db.select(NotificationPreference).where(NotificationPreference.kind == "test_greeting"))
    assert (row.in_app, row.email) == (False, "digest")


def test_the_centre_pages_need_a_signed_in_user(client):
    assert client.get("/notifications").status_code in (302, 401)


def test_queries_of_the_centre_do_not_grow_with_notifications(client, session, make_user, greeting_kind,
                                                               count_queries):
    user = make_user()
    login(client, user)
    _send(session, user, 2)
    client.get("/notifications")
    with count_queries() as few:
        client.get("/notifications")
    _send(session, user, 25)
    with count_queries() as many:
        client.get("/notifications")
    assert many.count == few.count


def test_a_page_reads_the_unread_count_with_the_session_check(client, session, make_user, greeting_kind,
                                                              count_queries):
    """One statement for who is signed in and how many notifications they have not read."""
    user = make_user()
    _send(session, user, 2)
    login(client, user)
    client.get("/dashboard")
    with count_queries() as counter:
        page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="unread-count" aria-hidden="true">2<' in page
    asking = [s for s in counter.statements if "FROM notification" in s]
    assert len(asking) == 1 and "user_session" in asking[0]
    _send(session, user, 1)
    assert 'class="unread-count" aria-hidden="true">3<' in client.get("/dashboard").get_data(as_text=True)


def test_a_request_that_may_write_counts_the_unread_again(app, session, make_user, greeting_kind):
    """The session check's count is of before the request: a POST's header counts afresh."""
    from lms.notifications.views import UNREAD, header_link

    user = make_user()
    _send(session, user, 2)
    user.session_facts = {UNREAD: 7}
    with app.test_request_context("/", method="GET"):
        assert ">7<" in header_link(user)
    with app.test_request_context("/", method="POST"):
        assert ">2<" in header_link(user)
