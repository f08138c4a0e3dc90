"""The installable app (manifest, service worker), the page of modules saved on this device,
the page shown offline, and the "Save for offline" panel of a module."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from lms.core.app_cache import remembered
from lms.core.i18n import LANGUAGES, _, current_language, localized
from lms.core.web import drawn_once
from lms.courses import operations as courses
from lms.extensions import db

bp = Blueprint("offline", __name__, template_folder="templates")

SERVICE_WORKER = Path(__file__).resolve().parents[1] / "static" / "js" / "service-worker.js"
THEME_COLOUR = "#1f4e8c"
BACKGROUND = "#ffffff"
ICON_SIZES = (72, 96, 128, 144, 152, 192, 384, 512)
# What a browser forgets on sign-out: its cached pages and its stored data (saved modules,
# unsent progress, the service worker itself). The page script sends unsent progress first.
CLEAR_ON_SIGN_OUT = '"cache", "storage"'


def user_key(user) -> str:
    """A name for the signed-in person's offline pages on this device, not guessable from their id:
    another person signing in on the same phone uses other caches and never sees these."""
    if not user.is_authenticated:
        return ""
    secret = current_app.config["SECRET_KEY"]
    # Worked out once per person and key (every signed-in page's head names it).
    return remembered("offline.user_keys", (user.id, secret), lambda: hmac.new(
        secret.encode(), f"offline:{user.id}".encode(), hashlib.sha256).hexdigest()[:24])


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is the whole site."""
    response = Response(SERVICE_WORKER.read_bytes(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: the site installed on a phone's home screen, in the reader's language."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in ICON_SIZES]
    icons.append({"src": url_for("static", filename="icons/icon-maskable-512.png"), "sizes": "512x512",
                  "type": "image/png", "purpose": "maskable"})
    body = {
        "id": "/",
        "name": _("HELP courses") + " · " + _("prison and probation staff training"),
        "short_name": _("HELP courses"),
        "description": _("Training for prison and probation professionals of the Western Balkans."),
        "lang": LANGUAGES[current_language()].html_lang,
        "dir": "ltr",
        "start_url": url_for("courses.dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


@bp.get("/offline")
def offline():
    """What a page not saved on this device shows when there is no connection."""
    return render_template("offline/offline.html")


@bp.get("/offline/saved")
@login_required
def saved():
    """The modules saved on this device (the page script lists them), and the courses to save from."""
    enrolments = [e for e in courses.enrolments_of(db.session, current_user) if e.is_active]
    return render_template("offline/saved.html", enrolments=enrolments)


def module_slot(course=None, module=None, enrolment=None, **_context) -> Markup:
    """"Save for offline" under a module, for its enrolled trainee."""
    if (module is None or enrolment is None or not enrolment.is_active or not current_user.is_authenticated
            or enrolment.user_id != current_user.id or not module.lessons):
        return Markup("")
    # The same for every trainee of the course: drawn once per module, content and language.
    return drawn_once("offline.save_module", (course.id, course.content_hash, module.id, current_language()),
                      lambda: _save_module(course, module))


def _save_module(course, module) -> str:
    pages = [url_for("courses.lesson", slug=course.slug, module=module.slug, lesson=lesson.slug)
             for lesson in module.lessons]
    module_url = url_for("courses.module", slug=course.slug, module=module.slug)
    return render_template("offline/_save_module.html", course=course, module=module,
                           title=localized(module.title), module_url=module_url,
                           pages=[module_url, *pages, url_for("offline.offline"), url_for("offline.saved")])


def lesson_slot(view=None, page=None, **_context) -> Markup:
    """What the page script needs to keep "Mark as done" when there is no connection."""
    if view is None or view.preview or not view.enrolment_id:
        return Markup("")
    # Written directly, its translated part once per language: this is on the hottest page.
    messages = drawn_once("offline.lesson_status", current_language(), lambda: Markup(
        'data-msg-queued="{}"\n   data-msg-sent="{}"').format(
        _("Marked as done on this device. It will be recorded when you are back online."),
        _("Your progress made offline has been recorded.")))
    return Markup('<p class="offline-lesson-status" role="status" aria-live="polite" data-offline-lesson="{}"\n'
                  '   data-enrolment="{}"\n   {}></p>').format(page.lesson_id, view.enrolment_id, messages)


def head_links() -> Markup:
    key = user_key(current_user)
    return drawn_once("offline.head", key, lambda: render_template("offline/_head.html", theme_colour=THEME_COLOUR,
                                                                    user_key=key))


def note_sign_out(_app, user=None) -> None:
    g.offline_signed_out = True


def clear_site_data(response: Response) -> Response:
    """The response that signs a browser out tells it to forget what it kept for offline reading."""
    if g.get("offline_signed_out") and request.method == "POST":
        response.headers["Clear-Site-Data"] = CLEAR_ON_SIGN_OUT
    return response
