"""The calendar in HTML (upcoming first, by month), its private iCalendar feed, and one's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from lms.accounts.forms import EmptyForm
from lms.accounts.time_zones import default_zone, zone_choices
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, use_language
from lms.extensions import db, limiter
from lms.meetings.forms import TimeZoneForm
from lms.meetings.ical import calendar_text
from lms.meetings.operations import calendar, feeds
from lms.meetings.operations.time_zone import set_time_zone
from lms.meetings.views.sessions import bp  # one blueprint for the feature's pages


def _page(feed_url: str | None = None):
    zone = ZoneInfo(current_user.zone_name)
    upcoming, past = calendar.split_upcoming(calendar.events_of(db.session, current_user), zone)
    return render_template("meetings/calendar.html", months=calendar.by_month(upcoming, zone), past=past,
                           zone_name=current_user.zone_name, has_feed=feeds.has_feed(db.session, current_user),
                           feed_url=feed_url, form=EmptyForm())


@bp.get("/calendar", endpoint="calendar")
@login_required
def calendar_page():
    return _page()


@bp.post("/calendar/feed")
@login_required
def new_feed():
    """A new private address (the old one stops working), shown on this page this once."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("meetings.calendar"))
    token = feeds.new_feed_token(db.session, current_user)
    flash(_("Your calendar has a new private address. Any earlier address no longer works."), "success")
    response = Response(_page(url_for("meetings.feed", token=token, _external=True)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/calendar/feed/revoke")
@login_required
def revoke_feed():
    if EmptyForm().validate_on_submit() and feeds.revoke_feed(db.session, current_user):
        flash(_("The private address of your calendar no longer works."), "info")
    return redirect(url_for("meetings.calendar"))


@bp.get("/calendar/feed/<token>.ics")
@limiter.limit("120 per hour")
def feed(token: str):
    """The feed for calendar apps: the secret in the address is the only key (no session)."""
    owner = feeds.owner_of_token(db.session, token)
    with use_language(owner.language):
        events = calendar.events_of(db.session, owner)
        body = calendar_text(events, owner.zone_name, name=_("HELP courses: {name}").format(name=owner.full_name))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="help-calendar.ics"', "Cache-Control": "private, no-store",
        "X-Robots-Tag": "noindex"})


def _fill(form: TimeZoneForm) -> None:
    beneficiary = current_user.beneficiary
    own = default_zone(beneficiary.code if beneficiary else None)
    form.time_zone.choices = [("", _("Of my beneficiary ({zone})").format(zone=own))] + [
        (zone, zone.replace("_", " ")) for zone in zone_choices()]


@bp.route("/account/time-zone", methods=["GET", "POST"])
@login_required
def time_zone():
    form = TimeZoneForm()
    _fill(form)
    if not form.is_submitted():
        form.time_zone.data = current_user.time_zone or ""
    if form.validate_on_submit():
        with errors_on(form):
            set_time_zone(db.session, current_user, form.time_zone.data)
            flash(_("Times are now shown in {zone}.").format(zone=current_user.zone_name), "success")
            return redirect(url_for("accounts.account") + "#time-zone")
    return render_template("meetings/time_zone.html", form=form, zone_name=current_user.zone_name), status_of(form)


def account_slot(user=None, **_context) -> str:
    """On the account page: the time zone one's times are shown in, and the calendar's address."""
    form = TimeZoneForm()
    _fill(form)
    form.time_zone.data = current_user.time_zone or ""
    return render_template("meetings/_account_time_zone.html", form=form, zone_name=current_user.zone_name,
                           has_feed=feeds.has_feed(db.session, current_user))
