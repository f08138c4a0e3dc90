"""Suppression of small groups, so that statistics never tell a person's gender.

A table is *protected* when gender is one of its dimensions or one of its filters. In a
protected table every figure that describes one gender (a cell keyed by a gender, a total
over a gender, or any figure at all when the table is filtered by gender) is hidden when
fewer than ``LMS_REPORT_MIN_GROUP`` enrolments (but at least one) make it up.

Totals must not give a hidden figure back by subtraction, so suppression is completed
along every additive line of the table (a row with its total, a column with its total,
the row totals or the column totals with the grand total): a line whose total is shown
never has exactly one hidden member. Where it would, the smallest other non-empty member
is hidden as well; if there is none, the line's total is hidden. This repeats until no
line has a single hidden member.

Positions are ``(row, column)``: ``(r, c)`` a cell, ``(r, TOTAL)`` a row total,
``(TOTAL, c)`` a column total, ``(TOTAL, TOTAL)`` the grand total. A one-dimensional
table has cells ``(r, TOTAL)`` and the grand total only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TOTAL = ("__total__",)


@dataclass
class Protection:
    threshold: int
    suppressed: set[tuple] = field(default_factory=set)
    # Hidden only to protect another hidden figure.
    complementary: set[tuple] = field(default_factory=set)

    def hides(self, position: tuple) -> bool:
        return position in self.suppressed

    @property
    def active(self) -> bool:
        return bool(self.suppressed)


def protect(counts: dict[tuple, int], rows: Sequence, columns: Sequence | None, *, threshold: int,
            rows_sensitive: bool, columns_sensitive: bool, filtered_sensitive: bool) -> Protection:
    """Decide which positions of a table to hide, from its enrolment counts.

    ``counts`` maps every position shown (cells and totals) to the number of enrolments it
    describes; a position missing from it counts as empty. ``columns`` is None for a
    one-dimensional table.
    """
    protection = Protection(threshold)
    if not (rows_sensitive or columns_sensitive or filtered_sensitive):
        return protection

    def sensitive(position: tuple) -> bool:
        row, column = position
        return (filtered_sensitive or (rows_sensitive and row != TOTAL)
                or (columns_sensitive and column != TOTAL))

    positions = _positions(rows, columns)
    for position in positions:
        n = counts.get(position, 0)
        if sensitive(position) and 0 < n < threshold:
            protection.suppressed.add(position)
    if not protection.suppressed:
        return protection

    lines = _lines(rows, columns)
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if total in protection.suppressed:
                continue
            hidden = [m for m in members if m in protection.suppressed]
            if len(hidden) != 1:
                continue
            candidates = [m for m in members if m not in protection.suppressed and counts.get(m, 0) > 0]
            # The smallest other figure of the line, or, when there is none, the line's total.
            chosen = min(candidates, key=lambda m: counts.get(m, 0)) if candidates else total
            protection.suppressed.add(chosen)
            protection.complementary.add(chosen)
            changed = True
    return protection


def _positions(rows: Sequence, columns: Sequence | None) -> list[tuple]:
    positions = [(r, TOTAL) for r in rows] + [(TOTAL, TOTAL)]
    if columns is not None:
        positions += [(r, c) for r in rows for c in columns] + [(TOTAL, c) for c in columns]
    return positions


def _lines(rows: Sequence, columns: Sequence | None) -> list[tuple[list[tuple], tuple]]:
    """Every set of positions that adds up to a shown total, with that total."""
    lines = [([(r, TOTAL) for r in rows], (TOTAL, TOTAL))]
    if columns is not None:
        lines.append(([(TOTAL, c) for c in columns], (TOTAL, TOTAL)))
        lines += [([(r, c) for c in columns], (r, TOTAL)) for r in rows]
        lines += [([(r, c) for r in rows], (TOTAL, c)) for c in columns]
    return lines
