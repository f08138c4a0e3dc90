"""JSON API of one's calendar, its private feed address and one's time zone."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.extensions import db
from lms.meetings.operations import calendar, feeds
from lms.meetings.operations.time_zone import set_time_zone
from lms.meetings.schemas import EventSchema, FeedSchema, TimeZoneInSchema, TimeZoneSchema

blp = api_blueprint("calendar_api", __name__, "Your calendar (sessions, due dates, quiz windows), its private "
                                              "iCalendar address, and the time zone your times are shown in.")


@blp.get("/me/calendar")
@authenticated
@blp.response(200, EventSchema(many=True))
def my_calendar():
    """Your events in time order, from four months ago on (a tutor's include their groups')."""
    return calendar.events_of(db.session, current_user)


@blp.post("/me/calendar-feed")
@authenticated
@blp.response(201, FeedSchema)
def new_feed():
    """A new private iCalendar address (text/calendar, no sign-in); any earlier one stops working.
    The address is in this answer only."""
    token = feeds.new_feed_token(db.session, current_user)
    return {"url": url_for("meetings.feed", token=token, _external=True)}


@blp.delete("/me/calendar-feed")
@authenticated
@blp.response(204)
def revoke_feed():
    """Stop your calendar's private address working (nothing happens if there is none)."""
    feeds.revoke_feed(db.session, current_user)


def _zone() -> dict:
    return {"time_zone": current_user.time_zone, "effective": current_user.zone_name}


@blp.get("/me/time-zone")
@authenticated
@blp.response(200, TimeZoneSchema)
def get_time_zone():
    """The zone your times are shown in, and whether you chose it."""
    return _zone()


@blp.put("/me/time-zone")
@authenticated
@blp.arguments(TimeZoneInSchema)
@blp.response(200, TimeZoneSchema)
@blp.alt_response(422, description="Not a time zone we know; `errors.time_zone` says so.")
def put_time_zone(data):
    """Choose the zone your times are shown in (null: your beneficiary's)."""
    set_time_zone(db.session, current_user, data["time_zone"])
    return _zone()
