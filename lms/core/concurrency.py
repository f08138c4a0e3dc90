"""One mechanism for records two people may edit at once: a version counter.

A model that can be edited concurrently declares ``version: Mapped[int]`` and
``__mapper_args__ = {"version_id_col": version}``. SQLAlchemy then adds ``WHERE version =
<the version read>`` to every UPDATE of the row and counts it up: of two concurrent saves,
the second matches no row and raises ``StaleDataError``, which ``lms.core.errors`` answers
with 409 — nothing is overwritten. A form or API body carries the version its author read;
``expect_version`` refuses at once when the record has moved on since.
"""

from __future__ import annotations

from lms.core.errors import Conflict


def expect_version(record, expected: int | None, message=None) -> None:
    """Refuse (409, with the current version) unless ``record`` is still at ``expected``."""
    if expected is not None and expected != record.version:
        raise Conflict(message, payload={"version": record.version})
