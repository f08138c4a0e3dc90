"""Languages of the platform and how one is chosen for each request.

Our language codes (``sr_Latn``, ``cnr``…) name the catalogues in ``translations/``;
each maps to a Babel locale used only for formatting dates and numbers. Babel has
no Montenegrin data of its own (it reads ``cnr`` as Serbian Latin for Montenegro), so
``cnr`` formats as ``sr_Latn_ME``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytz
from babel import support
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, force_locale, format_number, format_percent, get_timezone
from flask_babel import lazy_gettext as _l  # noqa: F401  (re-exported for features)
from flask_login import current_user

from lms.core.app_cache import remembered

# gettext plural rules, written into every catalogue's header. The Slavic languages have
# three forms (1, 21 · 2–4, 22–24 · the rest); Macedonian has two, "one" being every number
# ending in 1 except 11 (CLDR; older Babel data said ``n != 1``, which would print
# "21 часови"); Albanian and English have two.
_ENGLISH_PLURAL = "nplurals=2; plural=(n != 1);"
_SLAVIC_PLURAL = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                  "(n%100<10 || n%100>=20) ? 1 : 2);")
_MACEDONIAN_PLURAL = "nplurals=2; plural=(n%10==1 && n%100!=11 ? 0 : 1);"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # as its speakers write it: the switcher shows this
    babel_locale: str  # formats of dates and numbers only (never the name)
    html_lang: str
    english_name: str
    plural_forms: str


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en", "en", "English", _ENGLISH_PLURAL),
        Language("sq", "shqip", "sq", "sq", "Albanian", _ENGLISH_PLURAL),
        Language("bs", "bosanski", "bs", "bs", "Bosnian", _SLAVIC_PLURAL),
        Language("sr_Latn", "srpski", "sr_Latn", "sr-Latn", "Serbian (Latin script)", _SLAVIC_PLURAL),
        Language("sr_Cyrl", "српски", "sr_Cyrl", "sr-Cyrl", "Serbian (Cyrillic script)", _SLAVIC_PLURAL),
        Language("mk", "македонски", "mk", "mk", "Macedonian", _MACEDONIAN_PLURAL),
        Language("cnr", "crnogorski", "sr_Latn_ME", "cnr", "Montenegrin", _SLAVIC_PLURAL),
    )
}
DEFAULT_LANGUAGE = "en"

# The catalogues that are complete and that the tests hold complete: every string
# translated, no English left on any page. A language joins this list when its
# translators have finished it (``make translations`` then ``make test``); the others are
# kept up to date with the code and fall back to English for what is missing.
SHIPPED: tuple[str, ...] = ("en", "sq", "bs", "sr_Latn", "sr_Cyrl", "mk", "cnr")

# ``sr_Cyrl`` is never translated by hand: ``make translations`` transliterates ``sr_Latn``.
GENERATED_FROM = {"sr_Cyrl": "sr_Latn"}
# The close languages a reader of each language reads before English, nearest first: a text
# missing in Montenegrin is shown in Serbian (Latin), then Bosnian; never in English while a
# close language has it. English ends every chain. ``LMS_LANGUAGE_CHAINS`` overrides a
# language's chain: ``cnr=sr_Latn,bs;mk=sr_Cyrl`` (see docs/translations.md).
CLOSE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": (),
    "sq": (),
    "bs": ("sr_Latn", "cnr", "sr_Cyrl"),
    "sr_Latn": ("sr_Cyrl", "cnr", "bs"),
    "sr_Cyrl": ("sr_Latn", "cnr", "bs"),
    "mk": ("sr_Cyrl", "sr_Latn", "bs", "cnr"),
    "cnr": ("sr_Latn", "bs", "sr_Cyrl"),
}
CHAINS_KEY = "lms_language_chains"
SESSION_KEY = "language"
# Where the language of this request (or of a ``use_language`` block) is kept, on ``g``.
LANGUAGE_KEY = "lms_language"
LOADING_USER_KEY = "lms_loading_user"
# Set by the error handler when the database failed: the language is then chosen without it.
DATABASE_FAILED_KEY = "lms_database_failed"
CATALOGUE_KEY = "lms_catalogue"


def parse_language_chains(setting: str | None) -> dict[str, tuple[str, ...]]:
    """Every language's chain (itself, its close languages, English), with ``setting``'s
    overrides (``cnr=sr_Latn,bs;bs=sr_Latn,cnr``); an unknown code is a configuration error."""
    close = dict(CLOSE_LANGUAGES)
    for part in (setting or "").split(";"):
        if not part.strip():
            continue
        code, equals, rest = part.partition("=")
        code = code.strip()
        others = tuple(item.strip() for item in rest.split(",") if item.strip())
        unknown = [item for item in (code, *others) if item not in LANGUAGES]
        if not equals or unknown:
            raise RuntimeError(f"LMS_LANGUAGE_CHAINS: cannot read {part.strip()!r} "
                               f"(unknown language {', '.join(unknown) or code!r}; write e.g. cnr=sr_Latn,bs)")
        close[code] = others
    return {code: tuple(dict.fromkeys((code, *close.get(code, ()), DEFAULT_LANGUAGE))) for code in LANGUAGES}


def init_language_chains(app) -> None:
    """Read the chains once, when the application is made (a bad setting stops it starting)."""
    app.extensions[CHAINS_KEY] = parse_language_chains(app.config.get("LMS_LANGUAGE_CHAINS"))


_DEFAULT_CHAINS = parse_language_chains(None)


def language_chain(code: str | None) -> tuple[str, ...]:
    """The languages a text is looked for in, for a reader of ``code``: itself, the close
    languages, English last."""
    chains = current_app.extensions.get(CHAINS_KEY, _DEFAULT_CHAINS) if has_app_context() else _DEFAULT_CHAINS
    return chains.get(code) or (DEFAULT_LANGUAGE,)


def first_available(available, *wanted: str | None) -> str | None:
    """The first language ``available`` has, following each wanted language's own choice
    first, then their chains in the same order (English, the end of every chain, last)."""
    seen = tuple(dict.fromkeys(code for code in wanted if code))
    order = dict.fromkeys(seen)
    for code in seen:
        order.update(dict.fromkeys(c for c in language_chain(code) if c != DEFAULT_LANGUAGE))
    order[DEFAULT_LANGUAGE] = None
    return next((code for code in order if code in available), None)


def language_from_tag(tag: str) -> str | None:
    """Map a BCP 47 tag from Accept-Language (``sr-Latn-RS``, ``sq``) to one of ours."""
    parts = tag.replace("_", "-").lower().split("-")
    primary = parts[0]
    if primary == "sr":
        if "latn" in parts:
            return "sr_Latn"
        if "me" in parts:
            return "cnr"
        return "sr_Cyrl"
    return {
        "en": "en", "sq": "sq", "bs": "bs", "mk": "mk", "cnr": "cnr",
    }.get(primary)


def _signed_in_user():
    """The current user, or None while Flask-Login is still loading it (no recursion)."""
    if g.get(LOADING_USER_KEY) or g.get(DATABASE_FAILED_KEY):
        return None  # loading it, or it cannot be loaded: the database is what failed
    setattr(g, LOADING_USER_KEY, True)
    try:
        user = current_user._get_current_object()
    finally:
        setattr(g, LOADING_USER_KEY, False)
    return user if getattr(user, "is_authenticated", False) else None


def _select_language() -> str:
    """User's setting → explicit choice → Accept-Language → the default.

    On the API an explicit Accept-Language comes first, so error messages follow it.
    """
    user = _signed_in_user()
    if request.path.startswith("/api/"):
        for tag, _quality in request.accept_languages:
            code = language_from_tag(tag)
            if code:
                return code
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    for tag, _quality in request.accept_languages:
        code = language_from_tag(tag)
        if code:
            return code
    return current_app.config.get("LMS_DEFAULT_LANGUAGE", DEFAULT_LANGUAGE)


def _context_globals():
    """This application context's ``g`` itself, or None outside one.

    Read through the object, not the proxy: ``g.get`` costs ten times more, and the
    language is asked for by every message of every page.
    """
    return g._get_current_object() if has_app_context() else None


def _language_in(namespace) -> str:
    code = namespace.__dict__.get(LANGUAGE_KEY)
    if code is None:
        if not has_request_context():
            return DEFAULT_LANGUAGE
        loading = namespace.__dict__.get(LOADING_USER_KEY)
        code = _select_language()
        if not loading:  # chosen before the user was known: ask again later
            setattr(namespace, LANGUAGE_KEY, code)
    return code


def current_language() -> str:
    """The language code of this request (or of a ``use_language`` block)."""
    namespace = _context_globals()
    return DEFAULT_LANGUAGE if namespace is None else _language_in(namespace)


def babel_locale_selector() -> str:
    return LANGUAGES[current_language()].babel_locale


@contextlib.contextmanager
def use_language(code: str | None):
    """Render e-mails, PDFs or exports in someone else's language for a while."""
    code = code if code in LANGUAGES else DEFAULT_LANGUAGE
    if not has_app_context():
        yield
        return
    saved = g.get(LANGUAGE_KEY)
    setattr(g, LANGUAGE_KEY, code)
    try:
        with force_locale(LANGUAGES[code].babel_locale):  # dates and numbers
            yield
    finally:
        if saved is None:
            g.pop(LANGUAGE_KEY, None)
        else:
            setattr(g, LANGUAGE_KEY, saved)


class CatalogueDomain(Domain):
    """Load ``translations/<code>/LC_MESSAGES/messages.mo`` by our language code."""

    def __init__(self):
        super().__init__(domain="messages")
        self._catalogues: dict[tuple[str, str], support.NullTranslations] = {}

    def get_translations(self) -> support.NullTranslations:
        namespace = _context_globals()
        if namespace is None:
            return support.NullTranslations()
        code = _language_in(namespace)
        chosen = namespace.__dict__.get(CATALOGUE_KEY)  # (code, catalogue) of this context
        if chosen is None or chosen[0] != code:
            chosen = (code, self._catalogue(current_app.config["LMS_TRANSLATIONS_DIR"], code))
            setattr(namespace, CATALOGUE_KEY, chosen)
        return chosen[1]

    def _catalogue(self, directory: str, code: str) -> support.NullTranslations:
        catalogue = self._catalogues.get((directory, code))
        if catalogue is None:
            mo_file = Path(directory) / code / "LC_MESSAGES" / "messages.mo"
            if mo_file.exists():
                with mo_file.open("rb") as handle:
                    catalogue = support.Translations(handle, domain="messages")
            else:
                catalogue = support.NullTranslations()
            self._catalogues[(directory, code)] = catalogue
        return catalogue


# The one domain of the platform: Flask-Babel's (``lms.extensions.babel``) and ours alike.
CATALOGUES = CatalogueDomain()


def load_every_language(app) -> None:
    """Read every language's catalogue and Babel's data for its formats now, as a served worker
    starts, instead of on the first page (or certificate) in that language, which would
    otherwise pay for it (tens of milliseconds each)."""
    from datetime import datetime

    from flask_babel import format_datetime

    with app.app_context():
        for code in LANGUAGES:
            with use_language(code):
                translations()
                format_number(1234.5)
                format_percent(0.5)
                format_datetime(datetime(2026, 1, 1, 12, 0))


def translations() -> support.NullTranslations:
    """The catalogue of the active language."""
    return CATALOGUES.get_translations()


def _(message: str, **variables) -> str:
    """gettext for the active language (``variables`` for %-style placeholders)."""
    text = translations().ugettext(message)
    return text % variables if variables else text


gettext = _


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it (a library's own text)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for the catalogues without translating it."""
    return singular, plural


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The plural form for ``num``; ``%(num)s`` in the message is ``num`` in the locale's digits."""
    if "num" not in variables:
        variables["num"] = format_number_value(num)
    return translations().ungettext(singular, plural, num) % variables


def install_jinja_gettext(app) -> None:
    """Templates call the same fast gettext as Python code (Flask-Babel's goes through
    several proxies per string)."""
    app.jinja_env.install_gettext_callables(
        lambda message: translations().ugettext(message),
        lambda singular, plural, num: translations().ungettext(singular, plural, num),
        newstyle=True)


def localized(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Pick a text from a locale map: the language asked for, else the closest one that has
    it (``language_chain``: English last), else any."""
    if not texts:
        return ""
    for code in language_chain(language or current_language()):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()))


def localized_language(texts: dict[str, str] | None, language: str | None = None) -> str | None:
    """The language ``localized`` picks its text in (None for an empty map)."""
    if not texts:
        return None
    return next((code for code in language_chain(language or current_language()) if texts.get(code)),
                next(iter(texts)))


def has_language(texts: dict[str, str] | None, language: str | None = None) -> bool:
    return bool(texts) and (language or current_language()) in texts


def one_full_stop(text: str) -> str:
    """A sentence that ends with a date or time written with its own full stop (``20. 12. 2026.``
    in Serbian, ``p.d.`` in Albanian) ends with one full stop, not two."""
    text = str(text)
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


def format_number_value(value) -> str:
    """Babel's ``format_number`` for the active locale, kept per language and value in a served
    application: Babel works out the locale's pattern on every call, and a course outline or a
    group's progress table writes dozens of numbers."""
    if not has_request_context():
        return format_number(value)
    return remembered("numbers", (current_language(), type(value), value), lambda: format_number(value))


def format_percent_value(value: float | None) -> str:
    """Format a 0..100 number as a percentage for the active locale (kept per language and
    value in a request: a progress bar's few values are written on every dashboard)."""
    if value is None:
        return "–"
    if not has_request_context():
        return _percent(value)
    return remembered("percents", (current_language(), value), lambda: _percent(value))


def _percent(value: float) -> str:
    return format_percent(value / 100, format="#,##0%" if value == int(value) else "#,##0.#%")


# --- time zones ------------------------------------------------------------------------

def babel_timezone_selector() -> str | None:
    """The signed-in person's zone (``User.zone_name``); UTC for anyone else."""
    if not has_request_context():
        return None
    user = _signed_in_user()
    return getattr(user, "zone_name", None) if user is not None else None


@contextlib.contextmanager
def use_time_zone(name: str | None):
    """Show times in someone else's zone for a while (an e-mail in its recipient's zone)."""
    if not has_app_context() or not name:
        yield
        return
    saved = get_timezone()  # also makes flask-babel's namespace in ``g``
    holder = g._get_current_object().__dict__["_flask_babel"]
    holder.babel_tzinfo = pytz.timezone(name)
    try:
        yield
    finally:
        holder.babel_tzinfo = saved
