"""What a statistics page has computed, kept while the data it was computed from is unchanged.

An entry is keyed by the shared data version (``lms.core.data_version``: every write that can
change a statistic gives it a new value when it commits), the kind of page, the viewer's scope
(the beneficiaries they may see: ``None`` for all), the normalised filters and page, the
language and the time zone, and the UTC day (what counts as "active" and the trend's last month
move with the date). Each application keeps its own entries (``lms.core.app_cache``, at most
``LMS_REPORT_CACHE_ENTRIES``, each for ``LMS_REPORT_CACHE_SECONDS`` at most); several app servers
each keep theirs, and all of them read the one version in the database, so none serves figures
older than the last write it can see.

The version is read before any figure, so figures cached under it are never older than it. A
session that has written and not committed (a task, a command) neither reads nor fills the
cache: its own view of the data has no version yet. Permission is the caller's: the scope is
checked, and a filter outside it refused, before the cache is asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar

from flask import current_app
from flask_babel import get_locale, get_timezone
from sqlalchemy.orm import Session

from lms.core import data_version
from lms.core.app_cache import app_cache

T = TypeVar("T")
CACHE = "reports.figures"


def scope_key(scope: set[int] | None) -> tuple[int, ...] | None:
    return None if scope is None else tuple(sorted(scope))


def remember(session: Session, kind: str, parts: tuple[Hashable, ...], now: datetime, build: Callable[[], T]) -> T:
    """``build()``, or what it returned for the same key under the current data version."""
    seconds = int(current_app.config.get("LMS_REPORT_CACHE_SECONDS", 0))
    if seconds <= 0 or data_version.has_written(session):
        return build()
    version = data_version.current(session)     # first: the figures read after it are at least as new
    if version is None:
        return build()
    key = (kind, version, str(get_locale()), str(get_timezone()), now.date(), *parts)
    cache = app_cache(CACHE, limit=max(1, int(current_app.config.get("LMS_REPORT_CACHE_ENTRIES", 64))))
    found = cache.get(key)
    clock = time.monotonic()
    if found is not None and clock - found[0] < seconds:
        return found[1]
    value = build()
    if not data_version.has_written(session):
        cache[key] = (clock, value)
    return value
