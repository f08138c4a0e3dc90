"""Each person's time zone: the one they chose, else their beneficiary's, else UTC.

Times are stored in UTC and shown in the reader's zone (Flask-Babel's time zone selector,
``lms.core.i18n.babel_timezone_selector``); e-mails in the recipient's (``use_time_zone``).
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import pytz
from sqlalchemy import inspect

from lms.accounts.reference import KOSOVO
from lms.core.errors import ValidationFailed
from lms.core.i18n import _

UTC_ZONE = "UTC"
# The six beneficiaries' zones (all on Central European Time, UTC+1 / UTC+2 in summer).
BENEFICIARY_ZONES = {
    "AL": "Europe/Tirane",
    "BA": "Europe/Sarajevo",
    KOSOVO: "Europe/Belgrade",
    "ME": "Europe/Podgorica",
    "MK": "Europe/Skopje",
    "RS": "Europe/Belgrade",
}


@cache
def known_zones() -> frozenset[str]:
    """IANA zones both the standard library and Flask-Babel (pytz) know."""
    return frozenset(zoneinfo.available_timezones() & pytz.all_timezones_set)


@cache
def zone_choices() -> list[str]:
    """The zones a person may choose, the beneficiaries' first, then every other by name."""
    first = sorted(set(BENEFICIARY_ZONES.values()))
    return first + [UTC_ZONE] + sorted(z for z in known_zones() if z not in first and z != UTC_ZONE
                                       and "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))


def default_zone(beneficiary_code: str | None) -> str:
    return BENEFICIARY_ZONES.get(beneficiary_code or "", UTC_ZONE)


def zone_of(user) -> str:
    """The zone ``user``'s times are shown in."""
    state = inspect(user, raiseerr=False)
    if state is not None and state.detached and state.identity and ({"time_zone", "beneficiary"} & state.unloaded):
        # A streamed download formats times after its request's session closed: ask the current one.
        from lms.accounts.models import User  # imported here: the models import this module
        from lms.extensions import db  # imported here: extensions load the whole application

        user = db.session.get(User, state.identity[0]) or user
    chosen = getattr(user, "time_zone", None)
    if chosen:
        return chosen
    loaded = getattr(user, "__dict__", {})
    if "beneficiary" not in loaded and loaded.get("beneficiary_code") is not None:
        return default_zone(loaded["beneficiary_code"])  # read with the session check
    beneficiary = getattr(user, "beneficiary", None)
    return default_zone(beneficiary.code if beneficiary is not None else None)


def check_zone(value, field: str = "time_zone") -> str | None:
    """A zone as typed (``None`` or empty: follow the beneficiary); ValidationFailed names the field."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if value not in known_zones():
        raise ValidationFailed(_("“{zone}” is not a time zone we know. Choose one from the list, "
                                 "e.g. Europe/Belgrade.").format(zone=value[:64]), field=field)
    return value
