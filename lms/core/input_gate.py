"""The one gate every text passes on its way to the database.

A text is refused if it holds a NUL character or half of a surrogate pair (neither can be
stored, nor means anything), or is longer than ``LMS_TEXT_MAX_CHARS``; otherwise it is
normalised to NFC, so that "č" typed on two keyboards is one and the same text.

On a request the gate runs before any handler sees the input: every query argument and every
string (and key) of a JSON body before the handler runs, every form field the moment the form
is parsed (``GatedRequest``); a JSON body is also bounded in size
(``LMS_JSON_MAX_KB``, 413) and depth (``LMS_JSON_MAX_DEPTH``, 422) *before* it is parsed,
so no parser recurses a thousand levels. A refusal is a 422 naming every field concerned;
nothing is written. Files (CSV, question files, course content) use ``text_problem`` and
``normalise`` where they are decoded.
"""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Flask, Request, current_app, request
from werkzeug.datastructures import ImmutableMultiDict

from lms.core.errors import TooLarge, ValidationFailed
from lms.core.i18n import _, _l

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# A JSON body as tokens that matter for nesting: whole strings (skipped) and brackets.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
# Fields whose text is kept exactly as typed (a password must match the one it was set with).
_EXACT = ("password", "csrf_token")

FORBIDDEN_MESSAGE = _l("This text contains a character that is not allowed (a NUL character or "
                       "half of a surrogate pair).")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None."""
    if _FORBIDDEN.search(value):
        return str(FORBIDDEN_MESSAGE)
    return None


def first_bad_line(text: str) -> int | None:
    """The line (from 1) of a file's first character that cannot be stored, or None."""
    found = _FORBIDDEN.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def normalise(value: str) -> str:
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def check_text(value: str, field: str, *, max_chars: int | None = None) -> str:
    """``value`` normalised, or ``ValidationFailed`` naming ``field``."""
    problem = text_problem(value)
    if problem is None and max_chars is not None and len(value) > max_chars:
        problem = _("This text is too long ({count} characters at most).").format(count=max_chars)
    if problem:
        raise ValidationFailed(problem, field=field)
    return value if _is_exact(field) else normalise(value)


def _is_exact(field: str) -> bool:
    return any(word in field for word in _EXACT)


class _Gate:
    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.errors: dict[str, list[str]] = {}

    def refuse(self) -> None:
        """Raise the refusal of every field found wrong, if any."""
        if not self.errors:
            return
        refused = ValidationFailed(self.errors)
        # A page shows one message: it names every field concerned.
        refused.message = _("Not accepted in {fields}: {reason}").format(
            fields=", ".join(f"“{name}”" for name in self.errors), reason=refused.message)
        raise refused

    def text(self, value: str, field: str) -> str:
        try:
            return check_text(value, field, max_chars=self.max_chars)
        except ValidationFailed as refused:
            self.errors.setdefault(field, []).extend(str(m) for m in refused.errors[field])
            return value

    def multidict(self, values) -> ImmutableMultiDict | None:
        """The normalised copy of a form or of the query arguments, or None if nothing changed."""
        pairs = list(values.items(multi=True))
        cleaned = [(key, self.text(value, key) if isinstance(value, str) else value) for key, value in pairs]
        return ImmutableMultiDict(cleaned) if cleaned != pairs else None

    def json(self, value, path: str):
        if isinstance(value, str):
            return self.text(value, path or "_general")
        if isinstance(value, list):
            return [self.json(item, f"{path}.{index}" if path else str(index)) for index, item in enumerate(value)]
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                result[self.text(key, where)] = self.json(item, where)
            return result
        return value


def json_depth(raw: str) -> int:
    """How deeply the arrays and objects of a JSON text nest, found without parsing it."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(raw):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def gate_request() -> None:
    """Before any handler: the query arguments and a JSON body (forms: ``GatedRequest``)."""
    config = current_app.config
    gate = _Gate(config["LMS_TEXT_MAX_CHARS"])
    if request.args:
        args = gate.multidict(request.args)
        if args is not None:
            request.__dict__["args"] = args  # werkzeug's cached arguments, replaced by their clean copy
    if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS"):
        _gate_json(gate, config)
    gate.refuse()


class GatedRequest(Request):
    """A request whose form passes the gate the moment it is parsed, whoever asks for it first
    (the CSRF check, a handler): a handler that checks an upload's size before reading the
    body still can."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        gate = _Gate(current_app.config["LMS_TEXT_MAX_CHARS"])
        form = gate.multidict(self.form)
        if gate.errors:
            self.__dict__["form"] = ImmutableMultiDict()  # nothing refused reaches a handler
        elif form is not None:
            self.__dict__["form"] = form
        gate.refuse()


def _gate_json(gate: _Gate, config) -> None:
    limit = config["LMS_JSON_MAX_KB"] * 1024
    if (request.content_length or 0) > limit:
        raise TooLarge(_("The request is too large ({size} KB at most).").format(size=config["LMS_JSON_MAX_KB"]))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise TooLarge(_("The request is too large ({size} KB at most).").format(size=config["LMS_JSON_MAX_KB"]))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The request body is not UTF-8 text.")) from None
    if json_depth(text) > config["LMS_JSON_MAX_DEPTH"]:
        raise ValidationFailed(_("The request nests too deeply ({depth} levels at most).").format(
            depth=config["LMS_JSON_MAX_DEPTH"]))
    try:
        data = json.loads(text)
    except ValueError:
        return  # not JSON after all: the API answers that as for any malformed body
    clean = gate.json(data, "")
    if not gate.errors and clean != data:
        # What the handlers parse (webargs reads the cached body) is the normalised text.
        request._cached_data = json.dumps(clean).encode()


def init_app(app: Flask) -> None:
    app.request_class = GatedRequest
    app.before_request(gate_request)
