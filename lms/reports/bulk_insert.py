"""Writing many rows fast, inside the session's transaction, without an ORM object per row.

PostgreSQL: ``COPY … FROM STDIN``, one stream per batch. SQLite: one prepared INSERT run
over the whole batch (``executemany``), values converted to the forms SQLAlchemy itself
stores (UTC timestamps as text, booleans as integers, JSON as text). Ids are assigned by
the caller; ``finish`` moves PostgreSQL's sequences past them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Numeric, func, select, text
from sqlalchemy.orm import Session

from lms.core.data_version import note_change
from lms.core.models import Base, UTCDateTime


def _sqlite_datetime(value: datetime | None):
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_date(value: date | None):
    return None if value is None else value.isoformat()


def _json(value):
    return None if value is None else json.dumps(value)


def _bool(value):
    return None if value is None else int(bool(value))


def _decimal(value):
    return None if value is None else str(Decimal(value))


class BulkWriter:
    """Rows buffered per table and written in dependency order, ``batch`` at a time."""

    def __init__(self, session: Session, columns: dict[str, Sequence[str]], *, batch: int = 20_000):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.columns = {name: tuple(cols) for name, cols in columns.items()}
        self.order = list(columns)            # parents first
        self.batch = batch
        self.buffers: dict[str, list[tuple]] = {name: [] for name in columns}
        self.written: dict[str, int] = dict.fromkeys(columns, 0)
        self.converters = {name: self._converters(name) for name in columns}

    def _converters(self, name: str) -> list[tuple[int, object]]:
        table = Base.metadata.tables[name]
        converters = []
        for index, column_name in enumerate(self.columns[name]):
            kind = table.columns[column_name].type
            if isinstance(kind, JSON) or getattr(kind, "_variant_mapping", None):
                converters.append((index, _json))
            elif self.dialect != "sqlite":
                continue
            elif isinstance(kind, UTCDateTime):
                converters.append((index, _sqlite_datetime))
            elif isinstance(kind, Date):
                converters.append((index, _sqlite_date))
            elif isinstance(kind, Boolean):
                converters.append((index, _bool))
            elif isinstance(kind, Numeric):
                converters.append((index, _decimal))
        return converters

    def next_ids(self) -> dict[str, int]:
        """The first free id of each table."""
        tables = Base.metadata.tables
        return {name: (self.session.scalar(select(func.max(tables[name].c.id))) or 0) + 1 for name in self.order}

    def add(self, name: str, row: tuple) -> None:
        buffer = self.buffers[name]
        buffer.append(row)
        if len(buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        note_change(self.session)   # written past the session's flush: the data version is bumped at commit
        connection = self.session.connection()
        raw = connection.connection.driver_connection
        for name in self.order:
            rows = self.buffers[name]
            if not rows:
                continue
            converters = self.converters[name]
            if converters:
                converted = []
                for row in rows:
                    values = list(row)
                    for index, convert in converters:
                        values[index] = convert(values[index])
                    converted.append(values)
                rows = converted
            columns = self.columns[name]
            quoted = ", ".join(f'"{c}"' for c in columns)
            if self.dialect == "postgresql":
                with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                raw.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', rows)
            self.written[name] += len(rows)
            self.buffers[name] = []

    def finish(self) -> None:
        """Write what is left; on PostgreSQL, move each table's id sequence past the ids used."""
        self.flush()
        if self.dialect == "postgresql":
            for name in self.order:
                self.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"))
