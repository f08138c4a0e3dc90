from __future__ import annotations

import pytest

from lms.core.i18n import _, _l
from lms.notifications.extension_points import EMAIL_NOW, NOTIFICATION_KINDS, NotificationKind


@pytest.fixture
def greeting_kind(app, ctx):
    """A kind of this test's own: its text is a greeting (translated) and the params."""
    kind = NotificationKind("test_greeting", _l("Certificate issued"),
                            render=lambda p: _("Hello {name},").format(name=p["name"]) + " " + p["course"],
                            default_email=EMAIL_NOW)
    with NOTIFICATION_KINDS.added(kind, app):
        yield kind
