"""Where other features plug into notifications (see ``lms.core.extension_points``).

- ``NOTIFICATION_KINDS``: the kinds of notification a feature sends. A feature adds its
  kinds in its ``init_app``::

      NOTIFICATION_KINDS.add(app, NotificationKind(
          "case_study_graded", _l("Case study graded"),
          render=lambda params: _("Your case study “%(title)s” has been graded.", title=params["title"])))

  ``render(params)`` is called when the notification is shown or mailed, in the READER's
  language (inside ``use_language``), with the params stored by ``notify()``; a param that is
  a dict of texts by language (``{"en": …, "sq": …}``) reaches it already in that language.
  ``details(session, notification)``, if given, adds a longer text to the e-mail (the body of
  an announcement). ``link(params)``, if given, is the notification's address when ``notify()``
  was given none. ``default_email`` is what the recipient gets before choosing for themselves:
  ``"now"`` (an e-mail at once), ``"digest"`` (in the daily digest) or ``"off"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lms.core.extension_points import ExtensionPoint

EMAIL_NOW, EMAIL_DIGEST, EMAIL_OFF = "now", "digest", "off"
EMAIL_CHOICES = (EMAIL_NOW, EMAIL_DIGEST, EMAIL_OFF)


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    label: object
    render: Callable[[dict], str]
    details: Callable[[object, object], str | None] | None = None
    link: Callable[[dict], str | None] | None = None
    default_email: str = EMAIL_NOW
    default_in_app: bool = True
    order: int = 50


NOTIFICATION_KINDS: ExtensionPoint[NotificationKind] = ExtensionPoint(
    "notifications.kinds", key=lambda kind: kind.kind, order=lambda kind: (kind.order, kind.kind))
