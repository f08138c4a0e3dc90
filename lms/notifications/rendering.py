"""A notification's text and address, made when it is read, in the reader's language."""

from __future__ import annotations

import logging

from werkzeug.routing import BuildError

from lms.core.i18n import LANGUAGES, _, localized
from lms.core.urls import origin, path_for
from lms.notifications.extension_points import NOTIFICATION_KINDS
from lms.notifications.models import Notification

log = logging.getLogger(__name__)


def _is_texts(value) -> bool:
    return isinstance(value, dict) and bool(value) and all(key in LANGUAGES for key in value)


def localized_params(params: dict | None) -> dict:
    """The params with each ``{language: text}`` value put in the active language."""
    return {name: localized(value) if _is_texts(value) else value for name, value in (params or {}).items()}


def text_of(notification: Notification) -> str:
    """The notification's sentence in the active language (call inside ``use_language``)."""
    kind = NOTIFICATION_KINDS.get(notification.kind)
    if kind is None:  # a feature that sent it is no longer installed
        return _("A notification of a kind this platform no longer sends.")
    try:
        return kind.render(localized_params(notification.params))
    except (KeyError, TypeError, ValueError):
        log.exception("Cannot render notification %s of kind %s", notification.id, notification.kind)
        return str(kind.label)


def label_of(notification: Notification) -> str:
    kind = NOTIFICATION_KINDS.get(notification.kind)
    return str(kind.label) if kind is not None else notification.kind


def link_of(notification: Notification) -> str | None:
    """The path of the notification's object (a full address for ``url``), or None."""
    if notification.url:
        return notification.url
    if notification.link_endpoint:
        try:
            return path_for(notification.link_endpoint, **(notification.link_params or {}))
        except BuildError:
            log.warning("Notification %s links to an unknown page %s", notification.id,
                        notification.link_endpoint)
            return None
    kind = NOTIFICATION_KINDS.get(notification.kind)
    if kind is not None and kind.link is not None:
        return kind.link(notification.params or {})
    return None


def absolute_link_of(notification: Notification) -> str | None:
    link = link_of(notification)
    if link and link.startswith("/"):
        return origin() + link
    return link
