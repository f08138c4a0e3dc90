"""The notification centre: one's notifications, read or not, and what one wants to be told."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts.operations import session_fact
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, current_language, ngettext
from lms.core.web import drawn_once, safe_next
from lms.extensions import db
from lms.notifications import operations as ops
from lms.notifications.forms import preferences_form, wanted_of
from lms.notifications.models import Notification
from lms.notifications.rendering import label_of, link_of, text_of

bp = Blueprint("notifications", __name__, template_folder="templates")


def _own(notification_id: int) -> Notification:
    return ops.notification_of(db.session, current_user, notification_id)


def _page_argument() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100000 else 1


@bp.get("/notifications")
@login_required
def centre():
    unread_only = request.args.get("show") == "unread"
    page = ops.page_of(db.session, current_user, _page_argument(), unread_only=unread_only)
    rows = [(n, label_of(n), text_of(n), link_of(n)) for n in page.items]
    return render_template("notifications/centre.html", page=page, rows=rows, unread_only=unread_only,
                           unread=ops.unread_count(db.session, current_user.id))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark it read and go to its object (a link cannot do both: GET never writes)."""
    notification = ops.mark_read(db.session, _own(notification_id))
    return redirect(safe_next(link_of(notification), url_for("notifications.centre")), 303)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    ops.mark_read(db.session, _own(notification_id))
    return redirect(safe_next(request.form.get("next"), url_for("notifications.centre")), 303)


@bp.post("/notifications/<int:notification_id>/unread")
@login_required
def mark_unread(notification_id: int):
    ops.mark_unread(db.session, _own(notification_id))
    return redirect(safe_next(request.form.get("next"), url_for("notifications.centre")), 303)


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    count = ops.mark_all_read(db.session, current_user)
    flash(ngettext("%(num)s notification marked as read.", "%(num)s notifications marked as read.", count),
          "success")
    return redirect(url_for("notifications.centre"), 303)


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    choices = ops.preferences_of(db.session, current_user)
    form = preferences_form(choices, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        with errors_on(form):
            ops.set_preferences(db.session, current_user, wanted_of(form))
            flash(_("Your choices have been saved."), "success")
            return redirect(url_for("notifications.preferences"), 303)
    return render_template("notifications/preferences.html", form=form), status_of(form)


UNREAD = "unread_notifications"


def header_link(user) -> str:
    """The header's link to the centre with the unread count: one indexed COUNT per page."""
    if not getattr(user, "is_authenticated", False):
        return ""
    # Read with the session check (SESSION_FACTS) on a GET, which writes nothing; counted again
    # where the request may have changed it.
    unread = session_fact(user, UNREAD)
    if unread is None:
        try:
            unread = ops.unread_count(db.session, user.id)
        except SQLAlchemyError:  # an error page shown because the database is gone: the link alone
            unread = 0
    return drawn_once("notifications.header_link", (current_language(), unread),
                      lambda: render_template("notifications/_header_link.html", unread=unread))
