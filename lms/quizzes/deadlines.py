"""When a timed attempt is over: its deadline, plus a few seconds allowed for the network.

The deadline is the server's alone. An attempt open past it accepts no answer; it is
submitted with what was saved by the periodic task ``close_overdue_attempts`` or by the
next POST on it. Until then, pages and the API *show* it as over (read-only).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_app_context

from lms.core.models import utcnow

DEFAULT_GRACE_SECONDS = 5


def grace() -> timedelta:
    seconds = (current_app.config.get("LMS_QUIZ_GRACE_SECONDS", DEFAULT_GRACE_SECONDS) if has_app_context()
               else DEFAULT_GRACE_SECONDS)
    return timedelta(seconds=seconds)


def is_overdue(deadline_at: datetime | None, now: datetime | None = None) -> bool:
    """Past the deadline, beyond the few seconds allowed for the network."""
    return deadline_at is not None and (now or utcnow()) > deadline_at + grace()


def seconds_left(deadline_at: datetime | None, now: datetime | None = None) -> int | None:
    """Whole seconds until the deadline (0 once it has passed); None without one."""
    if deadline_at is None:
        return None
    return max(0, int((deadline_at - (now or utcnow())).total_seconds()))
