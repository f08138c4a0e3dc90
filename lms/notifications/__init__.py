"""In-app notifications, with an e-mail at once or a daily digest, in the reader's language.

The one operation other features call (it flushes, never commits; it is safe to call in the
transaction that causes the event, and its e-mail goes out only if that transaction commits)::

    from lms.notifications.operations import notify

    notify(session, recipient, kind, *, params=None, link_endpoint=None, link_params=None,
           url=None, dedupe_key=None) -> Notification | None

- ``recipient``: a ``User`` or a user id.
- ``kind``: a kind some feature added to ``NOTIFICATION_KINDS``
  (``lms.notifications.extension_points``); an unknown kind raises ``ValueError``.
- ``params``: JSON values the kind's ``render(params)`` turns into a sentence when the
  notification is read or mailed, in the READER's language. Store facts (a title, a name, a
  grade), never rendered text; a title that exists in several languages is stored as
  ``{"en": …, "sq": …}`` and reaches ``render`` in the reader's language.
- ``link_endpoint`` + ``link_params`` (an endpoint of ``url_for``, built when read) or ``url``
  (an address kept as given): the object the notification opens. Without either, the kind's
  ``link(params)`` is used, if it has one.
- ``dedupe_key``: unique per recipient (``"case-graded:round:42"``): a second call with the
  same key notifies no one and returns None, even from two transactions at once.

It returns None, too, when the recipient wants this kind neither in the app nor by e-mail.
The recipient's choices per kind (``NotificationPreference``, their defaults set by the
kind) decide whether it shows in the app and whether it is mailed at once
(``tasks.mail_notification``) or in the morning's digest (``tasks.send_notification_digests``).

A feature registers its kinds in its ``init_app``::

    from lms.notifications.extension_points import NOTIFICATION_KINDS, NotificationKind

    NOTIFICATION_KINDS.add(app, NotificationKind(
        "case_study_graded", _l("Case study graded"),
        render=lambda p: _("Your case study “%(title)s” has been graded.", title=p["title"])))

    notify(session, trainee, "case_study_graded", params={"title": case.titles},
           link_endpoint="tutors.submission", link_params={"submission_id": submission.id},
           dedupe_key=f"case-graded:{round_.id}")
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built (see lms.certificates.init_app).
    from lms.accounts.operations import SESSION_FACTS, SessionFact
    from lms.core.data_version import not_statistical
    from lms.core.tasks import register
    from lms.core.web import register_slot
    from lms.extensions import api as rest_api
    from lms.notifications import api, operations, tasks, views

    # Notifications, their reads and preferences feed no statistic.
    not_statistical(app, "notification", "notification_preference")

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    register(app, tasks.mail_notification, tasks.send_notification_digests)
    register_slot(app, "header.signed_in", views.header_link)
    # The header's unread count, asked with the session check instead of on its own.
    SESSION_FACTS.add(app, SessionFact(views.UNREAD, operations.unread_of))
