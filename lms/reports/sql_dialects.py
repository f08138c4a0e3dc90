"""SQL expressions that PostgreSQL and SQLite write differently: periods of a timestamp,
days and seconds between two, a rounded average."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Date, Float, Integer, Numeric, String, cast, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

UTC_NAME = literal_column("'UTC'")


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def period_key(column, unit: str, dialect: str) -> ColumnElement:
    """'2025-03', '2025-Q1' or '2025' for a timestamp, in UTC."""
    # Literal SQL, not bound parameters: PostgreSQL must see the same expression wherever
    # it is grouped by.
    if dialect == "postgresql":
        pattern = {"month": "'YYYY-MM'", "quarter": """'YYYY-"Q"Q'""", "year": "'YYYY'"}[unit]
        return func.to_char(func.timezone(UTC_NAME, column), literal_column(pattern), type_=String)
    if unit == "month":
        return func.strftime(literal_column("'%Y-%m'"), column, type_=String)
    year = func.strftime(literal_column("'%Y'"), column, type_=String)
    if unit == "year":
        return year
    month = cast(func.strftime(literal_column("'%m'"), column), Integer)
    return year + literal_column("'-Q'", String) + cast((month + 2) // 3, String)


@dataclass(frozen=True)
class MonthOf:
    """A timestamp's UTC month: ``grouped``, an expression to group rows by (cheap per row), and
    ``written(grouped)``, the month as 'YYYY-MM' (once per group)."""

    grouped: ColumnElement
    written: Callable[[ColumnElement], ColumnElement]


def month_of(column, dialect: str) -> MonthOf:
    if dialect == "postgresql":
        return MonthOf(func.date_trunc(literal_column("'month'"), func.timezone(UTC_NAME, column)),
                       lambda grouped: func.to_char(grouped, literal_column("'YYYY-MM'"), type_=String))
    return MonthOf(period_key(column, "month", dialect), lambda grouped: grouped)


def utc_day(column, dialect: str) -> ColumnElement:
    """A timestamp's UTC date as 'YYYY-MM-DD' text."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(UTC_NAME, column), literal_column("'YYYY-MM-DD'"), type_=String)
    return func.date(column, type_=String)


def days_between(start, end, dialect: str) -> ColumnElement:
    """Whole calendar days (UTC dates) from ``start`` to ``end``."""
    if dialect == "postgresql":
        return cast(func.timezone(UTC_NAME, end), Date) - cast(func.timezone(UTC_NAME, start), Date)
    return cast(func.julianday(func.date(end)) - func.julianday(func.date(start)), Integer)


def seconds_between(start, end, dialect: str) -> ColumnElement:
    """Whole seconds from ``start`` to ``end`` (both truncated to the second)."""
    if dialect == "postgresql":
        epoch = literal_column("'epoch'")
        return cast(func.floor(func.date_part(epoch, end)) - func.floor(func.date_part(epoch, start)), Integer)
    seconds = literal_column("'%s'")
    return cast(func.strftime(seconds, end), Integer) - cast(func.strftime(seconds, start), Integer)


def round2(value, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return cast(func.round(cast(value, Numeric), 2), Float)
    return func.round(value, 2)
