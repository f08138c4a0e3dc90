"""notify(): what it stores, what it refuses to do twice, and what each reader sees."""

from __future__ import annotations

import pytest

from lms.core.i18n import use_language
from lms.core.mail import OutboxMail
from lms.extensions import db
from lms.notifications import mailing
from lms.notifications.extension_points import EMAIL_DIGEST
from lms.notifications.models import Notification
from lms.notifications.operations import notify, set_preferences, unread_count
from lms.notifications.rendering import link_of, text_of


def _outbox(session, address):
    return list(session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == address)))


def test_text_is_rendered_when_read_in_the_readers_language(session, make_user, greeting_kind):
    reader = make_user(language="sq")
    notification = notify(session, reader, "test_greeting",
                          params={"name": "Ana", "course": {"en": "Radicalisation", "sq": "Radikalizimi"}},
                          link_endpoint="notifications.centre")
    session.commit()
    assert "Hello" not in str(notification.params)  # nothing rendered is stored
    with use_language("sq"):
        text = text_of(notification)
    assert "Radikalizimi" in text and not text.startswith("Hello")
    with use_language("en"):
        assert text_of(notification) == "Hello Ana, Radicalisation"
    assert link_of(notification) == "/notifications"
    assert unread_count(session, reader.id) == 1


def test_one_trigger_notifies_once(session, make_user, greeting_kind):
    reader = make_user()
    params = {"name": "Ana", "course": "C"}
    first = notify(session, reader, "test_greeting", params=params, dedupe_key="event:1")
    again = notify(session, reader.id, "test_greeting", params=params, dedupe_key="event:1")
    session.commit()
    assert first is not None and again is None
    assert session.scalar(db.select(db.func.count()).select_from(Notification)) == 1
    assert len(_outbox(session, reader.email)) == 1  # mailed once, at once


def test_an_unknown_kind_is_a_programming_error(session, make_user):
    with pytest.raises(ValueError):
        notify(session, make_user(), "no_such_kind")


def test_preferences_decide_the_channels(session, make_user, greeting_kind):
    reader = make_user()
    set_preferences(session, reader, {"test_greeting": {"in_app": False, "email": "off"}})
    assert notify(session, reader, "test_greeting", params={"name": "A", "course": "C"}) is None
    set_preferences(session, reader, {"test_greeting": {"in_app": False, "email": EMAIL_DIGEST}})
    hidden = notify(session, reader, "test_greeting", params={"name": "A", "course": "C"})
    session.commit()
    assert hidden is not None and unread_count(session, reader.id) == 0
    assert _outbox(session, reader.email) == []  # waits for the digest


def test_the_digest_mails_each_notification_once(session, make_user, greeting_kind):
    reader = make_user(language="sr_Latn")
    set_preferences(session, reader, {"test_greeting": {"in_app": True, "email": EMAIL_DIGEST}})
    for n in range(3):
        notify(session, reader, "test_greeting", params={"name": f"N{n}", "course": "C"})
    session.commit()
    from lms.core.models import utcnow

    assert mailing.send_digests(session, utcnow()) == 1
    assert mailing.send_digests(session, utcnow()) == 0
    session.commit()
    [mail] = _outbox(session, reader.email)
    assert "N0" in mail.text and "N2" in mail.text
    assert "Hello" not in mail.text  # in the reader's language
