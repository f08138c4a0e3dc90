"""An announcement as a notification: its sentence in the reader's language, its body as written."""

from __future__ import annotations

from lms.announcements.models import Announcement
from lms.core.i18n import _, _l
from lms.notifications.extension_points import NotificationKind


def _text(params: dict) -> str:
    return _("Announcement from {author}: “{title}”").format(author=params.get("author") or "",
                                                             title=params["title"])


def _details(session, notification) -> str | None:
    announcement = session.get(Announcement, (notification.link_params or {}).get("announcement_id"))
    return announcement.body if announcement is not None else None


ANNOUNCEMENT_KIND = NotificationKind("announcement", _l("Announcement"), render=_text, details=_details, order=20)
