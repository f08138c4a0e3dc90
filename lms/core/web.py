"""Site-wide web plumbing: health check, language switcher, template helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_datetime, format_decimal
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from lms.core.app_cache import app_cache, remembered
from lms.core.extension_points import ExtensionPoint
from lms.core.i18n import (
    LANGUAGES,
    SESSION_KEY,
    _l,
    current_language,
    format_number_value,
    format_percent_value,
    has_language,
    localized,
    one_full_stop,
)
from lms.core.tasks import queue_of

bp = Blueprint("core", __name__)

DATABASE_ID_MAX = 2**63 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs, bounded to what a database id can be: a longer number is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_ID_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    visible: Callable
    order: int
    # The staff menu the entry sits in (one of NAV_GROUPS), or None: on the menu's top level.
    group: str | None = None


@dataclass(frozen=True)
class NavGroup:
    """A drop-down of the main menu: one role's pages, so that a staff header keeps to one row."""

    name: str
    label: object
    items: tuple[NavItem, ...]


# The staff menus, in the order they appear; labels are translated when the page is drawn.
NAV_GROUPS: dict[str, object] = {
    # i18n: main-menu drop-down of a HELP tutor's pages (grading queue, their groups)
    "tutoring": _l("Tutoring"),
    # i18n: main-menu drop-down of a programme manager's pages (groups, statistics, certificates)
    "management": _l("Management"),
    # i18n: main-menu drop-down of an administrator's pages (users, e-mail)
    "administration": _l("Administration"),
    # The signed-in person's own pages, and signing out (the layout adds that button).
    "account": _l("My account"),
}


# The main menu: features add their entries at start-up; the layout shows those visible to the user.
NAVIGATION: ExtensionPoint[NavItem] = ExtensionPoint(
    # One page may sit in two menus (a trainee's top level, a tutor's drop-down): keyed by both.
    "core.navigation", key=lambda item: (item.endpoint, item.group), order=lambda item: item.order)


def register_nav(app: Flask, endpoint: str, label, visible: Callable, order: int = 50,
                 group: str | None = None) -> None:
    """Add a menu entry. ``visible(user)`` reads the signed-in user's roles and nothing else:
    the menu is worked out once per set of roles (``menu_for``)."""
    if group is not None and group not in NAV_GROUPS:
        raise ValueError(f"unknown menu group {group!r} (one of {', '.join(NAV_GROUPS)})")
    NAVIGATION.add(app, NavItem(endpoint, label, visible, order, group))


def nav_for(user) -> list[NavItem]:
    return [item for item in NAVIGATION if item.visible(user)]


def menu_for(user) -> list[NavItem | NavGroup]:
    """The main menu as drawn: entries for everyone first, then one drop-down per staff menu.
    Kept per set of roles (what every entry's ``visible`` reads) for a signed-in user."""
    if not (has_app_context() and getattr(user, "is_authenticated", False)):
        return _menu(user)
    return remembered("menus", frozenset(user.roles), lambda: _menu(user), limit=64)


def _menu(user) -> list[NavItem | NavGroup]:
    visible = nav_for(user)
    entries: list[NavItem | NavGroup] = [item for item in visible if item.group is None]
    for name, label in NAV_GROUPS.items():
        items = tuple(item for item in visible if item.group == name)
        if items:
            entries.append(NavGroup(name, label, items))
    return entries


def fixed_url(endpoint: str, **values) -> str:
    """The address of a page that is the same for everyone (the menu's, a course's lessons in a
    learning path): built once per application instead of on every page. Outside a request,
    where the address is absolute, built each time."""
    if not has_request_context():
        return url_for(endpoint, **values)
    key = (endpoint, *sorted(values.items())) if values else endpoint
    urls = app_cache("fixed_urls", limit=8192)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url


@dataclass(frozen=True)
class PageSlot:
    name: str
    # renderer(**context) -> HTML or ""
    renderer: Callable


# Named places in a page where later features add their part (a join-with-key form on a
# tutored course page, certificate links on the dashboard) without the page's feature
# importing them.
PAGE_SLOTS: ExtensionPoint[PageSlot] = ExtensionPoint("core.page_slots")


def register_slot(app: Flask, name: str, renderer: Callable) -> None:
    PAGE_SLOTS.add(app, PageSlot(name, renderer))


def drawn_once(name: str, key, draw: Callable[[], str], *, limit: int = 1024) -> Markup:
    """A fragment whose HTML depends on ``key`` alone (callers put the language in it when the
    fragment has text), drawn once per application; drawn every time in debug mode, where
    templates reload."""
    if current_app._get_current_object().debug:   # the object, not the proxy: many times a page
        return Markup(draw())
    return remembered(f"fragments.{name}", key, lambda: Markup(draw()), limit=limit)


def kept(name: str, key, caller) -> Markup:
    """A template's part drawn once per ``key`` (which must name all it shows, language
    included): ``{% call kept("courses.lesson_text", page.key) %}…{% endcall %}``."""
    return drawn_once(name, key, caller)


def kept_with_form(name: str, key, caller) -> Markup:
    """``kept`` for a part with a form: it writes ``{{ form_token_placeholder }}`` where the
    form token goes, and each page gets its own session's token there."""
    return Markup(_with_form_token(str(drawn_once(name, key, caller))))


def _with_form_token(html: str) -> str:
    """A drawn fragment given this session's form token where it has the placeholder."""
    return html.replace(_CSRF_PLACEHOLDER, str(escape(form_token())))


def _slot_name(slot: PageSlot) -> str:
    return slot.name


def render_slot(name: str, **context) -> Markup:
    return Markup("").join(Markup(slot.renderer(**context) or "")
                           for slot in PAGE_SLOTS.grouped(_slot_name).get(name, ()))


# What differs between two people's headers besides the menu, the language and the header's
# slot: put into the drawn header on every page. Neither can occur in what the template writes.
_CSRF_PLACEHOLDER = "\x00lms-csrf-token\x00"
_NEXT_PLACEHOLDER = "\x00lms-next\x00"


def _menu_key(entries: list[NavItem | NavGroup]) -> tuple:
    return tuple((entry.name, tuple(item.endpoint for item in entry.items)) if isinstance(entry, NavGroup)
                 else entry.endpoint for entry in entries)


def form_token() -> str:
    """The form token of this browser's session, as Flask-WTF's ``generate_csrf`` makes it,
    signed once per session and process: with no time limit on tokens
    (``WTF_CSRF_TIME_LIMIT`` None) a signature made earlier is as valid as a new one, and
    signing on every page cost as much as a query."""
    if "csrf_token" in g:
        return g.csrf_token
    raw = session.get("csrf_token")
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    g.csrf_token = remembered("form_tokens", raw, generate_csrf)   # where a form's hidden field looks first
    return g.csrf_token


def site_header() -> Markup:
    """The header of every page, drawn once per menu, language and header extras (the unread
    count), then given this page's form token and address: the same HTML as drawing it each
    time, for a fraction of the work. Drawn every time in debug mode (templates reload)."""
    signed_in = bool(current_user.is_authenticated)
    menu = menu_for(current_user) if signed_in else []
    extras = render_slot("header.signed_in", user=current_user) if signed_in else Markup("")
    language = current_language()
    key = (language, signed_in, _menu_key(menu), str(extras), bool(current_app.config["LMS_REGISTRATION_OPEN"]))
    html = drawn_once("site_header", key, lambda: render_template(
        "_site_header.html", signed_in=signed_in, menu=menu, signed_in_extras=extras, language=language,
        csrf_placeholder=Markup(_CSRF_PLACEHOLDER), next_placeholder=Markup(_NEXT_PLACEHOLDER)))
    return Markup(_with_form_token(str(html)).replace(_NEXT_PLACEHOLDER, str(escape(request.full_path.rstrip("?")))))


@bp.get("/healthz")
def healthz():
    """What a load balancer polls: the process answers; no database involved."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """What a deploy script waits for: the database and the task queue answer."""
    # At call time: lms.extensions imports core modules; core reaches it only this way.
    from lms.extensions import db

    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means "not ready", whatever the driver raised
        checks["database"] = "unavailable"
    try:
        queue_of().ping()
        checks["queue"] = "ok"
    except Exception:
        checks["queue"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a same-site relative path (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links to: the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.post("/language")
def switch_language():
    code = request.form.get("language", "")
    if code in LANGUAGES:
        session[SESSION_KEY] = code
        if current_user.is_authenticated:
            current_user.language = code  # saved by the request boundary (a POST)
    return redirect(safe_next(request.form.get("next"), url_for("courses.catalogue")))


def content_span(text, language: str | None = None) -> Markup:
    """Course content (a title, a name from the content) inside a sentence of the interface.

    Content is marked ``data-content`` wherever a page shows it, so that the check for
    untranslated interface text skips what the course itself has not translated yet.
    """
    if language in LANGUAGES:
        return Markup('<span data-content lang="{}">{}</span>').format(LANGUAGES[language].html_lang, text)
    return Markup("<span data-content>{}</span>").format(text)


def footnote_for(beneficiaries) -> list:
    """The beneficiaries a page names (in a list or a choice); the layout then adds Kosovo*'s
    footnote if one of them carries it."""
    beneficiaries = list(beneficiaries)
    if has_request_context() and any(getattr(b, "has_footnote", False) for b in beneficiaries):
        g.show_kosovo_footnote = True
    return beneficiaries


def _beneficiary_label(beneficiary) -> str:
    """Name a beneficiary; mark the page so the layout shows Kosovo*'s footnote."""
    if beneficiary is None:
        return ""
    if getattr(beneficiary, "has_footnote", False):
        g.show_kosovo_footnote = True
    return beneficiary.name


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current_language,
        localized=localized,
        has_language=has_language,
        beneficiary_label=_beneficiary_label,
        content=content_span,
        nav_for=nav_for,
        menu_for=menu_for,
        fixed_url=fixed_url,
        slot=render_slot,
        kept=kept,
        kept_with_form=kept_with_form,
        form_token_placeholder=Markup(_CSRF_PLACEHOLDER),
        site_header=site_header,
        csrf_token=form_token,   # in place of Flask-WTF's own, registered before
        format_percent=format_percent_value,
        format_date=format_date,
        format_datetime=format_datetime,
        format_number=format_number_value,
        format_decimal=format_decimal,
    )
    app.add_template_filter(one_full_stop, "one_full_stop")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
