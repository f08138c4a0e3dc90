"""A reminder as a notification: the template's subject and message in the trainee's language,
and the tutor's personal note as written."""

from __future__ import annotations

from lms.core.i18n import _, _l
from lms.notifications.extension_points import NotificationKind
from lms.notifications.rendering import localized_params
from lms.reminders.templates import BY_KEY


def _text(params: dict) -> str:
    template = BY_KEY.get(params.get("template"))
    return template.subject(params) if template else _("A reminder about your course")


def _details(session, notification) -> str | None:
    params = localized_params(notification.params)
    template = BY_KEY.get(params.get("template"))
    parts = [template.message(params)] if template else []
    if params.get("note"):
        parts.append(_("A note from {tutor}:").format(tutor=params.get("tutor") or "") + "\n" + params["note"])
    return "\n\n".join(parts) or None


REMINDER_KIND = NotificationKind("reminder", _l("Reminder"), render=_text, details=_details, order=40)
