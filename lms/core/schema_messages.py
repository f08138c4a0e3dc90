"""marshmallow's and webargs' own messages, answered in the API caller's language.

marshmallow formats its English messages while it validates ("Longer than maximum length
200."), before we see them. The one place that renders API errors (``core/errors.py``)
recognises each such message by its template and gives the translation, formatted with
the same values. Our own messages are translated already and pass through unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lms.core.i18n import N_, _

SCHEMA_MESSAGES = (
    # fields
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Invalid input."),
    N_("Invalid JSON body."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid datetime."),
    N_("Not a valid date."),
    N_("Not a valid time."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware datetime."),
    N_('"{input}" cannot be formatted as a datetime.'),
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a time.'),
    N_("Not a valid period of time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    # validate.Length
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    # validate.Range, as its three templates come out with its four comparisons
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
)

_FIELD = re.compile(r"\\\{(\w+)\\\}")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    patterns = []
    for template in SCHEMA_MESSAGES:
        regex = _FIELD.sub(lambda match: f"(?P<{match.group(1)}>.+?)", re.escape(template))
        patterns.append((re.compile(regex, re.DOTALL), template))
    return tuple(patterns)


def template_of(message: str) -> str | None:
    """The English template ``message`` was formatted from, if it is one of the library's."""
    for regex, template in _patterns():
        if regex.fullmatch(message):
            return template
    return None


def translate_schema_message(message: str) -> str:
    for regex, template in _patterns():
        match = regex.fullmatch(message)
        if match:
            return _(template).format(**match.groupdict())
    return message


def translate_leaves(errors):
    """Translate every library message in a nested dict/list of error messages."""
    if isinstance(errors, dict):
        return {key: translate_leaves(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_leaves(item) for item in errors]
    if isinstance(errors, str):
        return translate_schema_message(errors)
    return errors
