"""Background work of accounts: recording when a personal API token was last used."""

from __future__ import annotations

from datetime import datetime

from lms.accounts.models import ApiToken
from lms.core.tasks import task
from lms.extensions import db


@task()
def record_token_use(token_id: int, used_at: datetime) -> None:
    """Write ``last_used_at`` of a token (asked by a request, which never writes it itself)."""
    token = db.session.get(ApiToken, token_id)
    if token is not None and (token.last_used_at is None or token.last_used_at < used_at):
        token.last_used_at = used_at
