"""JSON API of notifications: one's own list, unread count, read state and preferences."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.extensions import db
from lms.notifications import operations as ops
from lms.notifications.rendering import ShownNotification
from lms.notifications.schemas import (
    MarkedSchema,
    NotificationPageSchema,
    NotificationQuerySchema,
    NotificationSchema,
    PreferenceSchema,
    PreferencesInSchema,
    UnreadCountSchema,
)

blp = api_blueprint("notifications_api", __name__,
                    "Your notifications: the list, the unread count, read state and what you are told how.")


@blp.get("/me/notifications")
@authenticated
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def list_notifications(args):
    """Your notifications, unread first, newest first, in the request's language."""
    page = ops.page_of(db.session, current_user, args["page"], unread_only=args["unread"],
                       per_page=args["per_page"])
    return {"items": [ShownNotification.of(n) for n in page.items], "total": page.total, "page": page.page,
            "pages": page.pages, "unread": ops.unread_count(db.session, current_user.id)}


@blp.get("/me/notifications/unread-count")
@authenticated
@blp.response(200, UnreadCountSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def unread_count():
    """How many of your notifications are unread."""
    return {"unread": ops.unread_count(db.session, current_user.id)}


@blp.post("/me/notifications/<int:notification_id>/read")
@authenticated
@blp.response(200, NotificationSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="You have no such notification.")
def mark_read(notification_id: int):
    """Mark one of your notifications read."""
    notification = ops.notification_of(db.session, current_user, notification_id)
    return ShownNotification.of(ops.mark_read(db.session, notification))


@blp.post("/me/notifications/<int:notification_id>/unread")
@authenticated
@blp.response(200, NotificationSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="You have no such notification.")
def mark_unread(notification_id: int):
    """Mark one of your notifications unread again."""
    notification = ops.notification_of(db.session, current_user, notification_id)
    return ShownNotification.of(ops.mark_unread(db.session, notification))


@blp.post("/me/notifications/read-all")
@authenticated
@blp.response(200, MarkedSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def mark_all_read():
    """Mark all your notifications read."""
    return {"marked": ops.mark_all_read(db.session, current_user)}


@blp.get("/me/notification-preferences")
@authenticated
@blp.response(200, PreferenceSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def preferences():
    """For each kind of notification: shown in the app or not, and when it is e-mailed."""
    return ops.preferences_of(db.session, current_user)


@blp.put("/me/notification-preferences")
@authenticated
@blp.arguments(PreferencesInSchema)
@blp.response(200, PreferenceSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(422, description="An unknown kind or choice; `errors` names it.")
def set_preferences(data):
    """Change your choices for the kinds given (the others keep theirs)."""
    wanted = {item["kind"]: {"in_app": item["in_app"], "email": item["email"]} for item in data["preferences"]}
    return ops.set_preferences(db.session, current_user, wanted)
