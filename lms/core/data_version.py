"""A version of the data, shared by every app server through the database, that changes with
every write that can change a statistic: what a cache of derived figures is keyed by.

``data_version`` holds one row per name (``STATISTICS`` for now). A unit of work that wrote to
any table is noted during its flushes (and its bulk ORM statements); just before it commits,
one UPDATE gives the row a new version in the same transaction. The new version is a random
number, not a counter, so that a database restored from a backup or a transaction rolled
back (a test's) never brings an old version back to a cache that knew it. A rolled-back write
takes its new version with it; a write that changes nothing statistics read bumps it anyway
(harmless: one figure computed again), so only the tables a feature declares with
``not_statistical`` (sessions, notifications, read markers, the mail outbox…) are left out.

Writes that go past the session (``COPY``, a driver's ``executemany``, a Core statement on
``session.connection()``) call ``note_change(session)`` themselves.

Reading: ``current(session)`` first, then the data. On PostgreSQL each statement of a READ
COMMITTED transaction sees what was committed when it began, so data read after the version
is at least as new as that version; a figure cached under it may be newer than it (harmless:
the next version recomputes it), never older. A session that has written and not yet
committed sees data no version describes: ``has_written(session)`` tells a cache to stay out.

The UPDATE is the last statement of the transaction, so on PostgreSQL the row's lock is the
last lock a writer takes and is held only for the commit: concurrent writers queue on it
without ever waiting for one another in the other order.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    BigInteger,
    String,
    TextClause,
    bindparam,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from lms.core.models import Base, utcnow
from lms.core.unit_of_work import WROTE_KEY

STATISTICS = "statistics"
NAMES = (STATISTICS,)
CHANGED_KEY = "lms_data_changed"
READY_KEY = "lms_data_version_ready"
STORE = "lms.not_statistical"
# Raw SQL that starts with one of these reads (or tunes the transaction); any other may write.
_READING = ("select", "set", "show", "with", "explain", "analyze", "values", "pragma")


class DataVersion(Base):
    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column()


def _new_version() -> int:
    return secrets.randbits(62)


def initial_rows() -> list[dict]:
    return [{"name": name, "version": _new_version(), "changed_at": utcnow()} for name in NAMES]


@event.listens_for(DataVersion.__table__, "after_create")
def _first_rows(table, connection, **_kwargs) -> None:
    """A schema made from the models (tests) starts with its rows, as the migration makes them."""
    connection.execute(insert(table), initial_rows())


# --- declaring what does not count --------------------------------------------------------------

def not_statistical(app: Flask, *tables: str) -> None:
    """Declare ``tables`` bookkeeping that no statistic reads: writing only them keeps the version."""
    app.extensions.setdefault(STORE, set()).update(tables)


def uncounted_tables() -> frozenset[str] | set[str]:
    if not has_app_context():
        return frozenset()     # outside an application nothing is declared: every write counts
    return current_app.extensions.get(STORE, frozenset())


# --- noting writes --------------------------------------------------------------------------------

def note_change(session: Session) -> None:
    """This unit of work changed data statistics may read: bump the version when it commits."""
    _session(session).info[CHANGED_KEY] = True


def has_written(session: Session) -> bool:
    """Whether ``session`` holds changes no committed version describes yet."""
    session = _session(session)
    return bool(session.info.get(CHANGED_KEY) or session.info.get(WROTE_KEY)
                or session.new or session.dirty or session.deleted)


def _session(session) -> Session:
    return session() if callable(session) and not isinstance(session, Session) else session


def _counts(tables) -> bool:
    uncounted = uncounted_tables()
    return any(table not in uncounted and table != DataVersion.__tablename__ for table in tables)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush_context) -> None:
    if session.info.get(CHANGED_KEY):
        return
    tables = set()
    for records in (session.new, session.dirty, session.deleted):
        for record in records:
            tables.update(table.name for table in inspect(record).mapper.tables)
    if _counts(tables):
        session.info[CHANGED_KEY] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.session.info.get(CHANGED_KEY):
        return
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        name = getattr(table, "name", None)
        if name is None or _counts([name]):
            state.session.info[CHANGED_KEY] = True
    elif isinstance(statement, TextClause) and not statement.text.lstrip().lower().startswith(_READING):
        state.session.info[CHANGED_KEY] = True


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    if session.in_nested_transaction():
        return      # a SAVEPOINT: the enclosing transaction bumps when it commits
    session.flush()     # what the commit would flush next, so that it is noted now
    if not session.info.pop(CHANGED_KEY, False) or not _migrated(session):
        return
    session.execute(update(DataVersion).where(DataVersion.name.in_(NAMES))
                    .values(version=_new_version(), changed_at=utcnow()))


def _migrated(session: Session) -> bool:
    """Whether the database has the table (a schema of an older revision, being migrated, has
    not); known once per pooled connection."""
    connection = session.connection()
    if connection.info.get(READY_KEY):
        return True
    ready = inspect(connection).has_table(DataVersion.__tablename__)
    if ready:
        connection.info[READY_KEY] = True
    return ready


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CHANGED_KEY, None)


# Read before every cached figure: built once, run on the connection.
_CURRENT = select(DataVersion.version).where(DataVersion.name == bindparam("name"))


def current(session: Session, name: str = STATISTICS) -> int | None:
    """The version of ``name`` as committed now (None: no such row, a schema not migrated)."""
    return session.connection().execute(_CURRENT, {"name": name}).scalar()
