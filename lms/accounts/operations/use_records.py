"""When a session was last seen or a token last used: written by a task, asked for at most
once per period per record, so that a request (a GET above all) never writes it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from lms.core.tasks import enqueue

log = logging.getLogger(__name__)

_ASKED_KEY = "lms.accounts.use_records_asked"
_ASKED_LIMIT = 10_000


def ask_to_record(task, record_id: int, key: str, last_written: datetime | None, now: datetime,
                  every: timedelta) -> None:
    """Queue ``task(record_id, now)`` unless the record was written, or already asked for,
    within ``every``; ``key`` names the record among all (its secret's hash)."""
    if last_written is not None and now - last_written <= every:
        return
    asked = current_app.extensions.setdefault(_ASKED_KEY, {})
    last = asked.get(key)
    if last is not None and now - last <= every:
        return  # already asked; the task may not have run yet
    if len(asked) >= _ASKED_LIMIT:
        asked.clear()
    asked[key] = now
    try:
        enqueue(task, record_id, now)
    except Exception:  # the queue is unreachable: the request still answers; asked again next time
        asked.pop(key, None)
        log.warning("Could not queue %s for record %s", task.__name__, record_id, exc_info=True)
