"""Small gender groups are hidden, and no shown total gives a hidden figure back."""

from __future__ import annotations

import itertools
import random

from lms.reports.filters import Filters
from lms.reports.operations import pivot
from lms.reports.suppression import TOTAL, _lines, protect
from tests.reports.conftest import NOW


def _one_dimension(counts: dict, **flags):
    positions = {(key, TOTAL): n for key, n in counts.items()}
    positions[(TOTAL, TOTAL)] = sum(counts.values())
    return protect(positions, list(counts), None, threshold=5, **{
        "rows_sensitive": True, "columns_sensitive": False, "filtered_sensitive": False, **flags})


def test_a_small_gender_group_is_hidden_with_the_next_smallest_so_the_total_cannot_reveal_it():
    protection = _one_dimension({"female": 12, "male": 3, "undisclosed": 6})
    assert protection.suppressed == {("male", TOTAL), ("undisclosed", TOTAL)}
    assert protection.complementary == {("undisclosed", TOTAL)}


def test_two_small_groups_protect_each_other():
    protection = _one_dimension({"female": 12, "male": 3, "other": 1})
    assert protection.suppressed == {("male", TOTAL), ("other", TOTAL)}
    assert protection.complementary == set()


def test_when_nothing_else_can_be_hidden_the_total_is():
    protection = _one_dimension({"male": 3})
    assert protection.suppressed == {("male", TOTAL), (TOTAL, TOTAL)}


def test_groups_of_the_threshold_and_above_and_empty_ones_are_shown():
    assert not _one_dimension({"female": 5, "male": 7}).active
    assert not _one_dimension({"female": 9, "male": 0}).active


def test_tables_without_gender_hide_nothing_however_small():
    protection = _one_dimension({"Prison Niš": 1, "Prison Bitola": 2}, rows_sensitive=False)
    assert not protection.active


def test_filtering_by_gender_makes_every_figure_sensitive_totals_included():
    protection = _one_dimension({"Albania": 2, "Serbia": 2}, rows_sensitive=False, filtered_sensitive=True)
    assert protection.suppressed == {("Albania", TOTAL), ("Serbia", TOTAL), (TOTAL, TOTAL)}


def test_no_line_of_a_random_table_has_a_single_hidden_member():
    """The invariant that stops recovery by subtraction, on many random two-way tables."""
    rng = random.Random(20250615)
    for _round in range(300):
        rows = [f"r{i}" for i in range(rng.randint(1, 6))]
        columns = [f"c{j}" for j in range(rng.randint(1, 5))]
        cells = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]) for r in rows for c in columns}
        counts = dict(cells)
        for r in rows:
            counts[(r, TOTAL)] = sum(cells[(r, c)] for c in columns)
        for c in columns:
            counts[(TOTAL, c)] = sum(cells[(r, c)] for r in rows)
        counts[(TOTAL, TOTAL)] = sum(cells.values())
        rows_sensitive, columns_sensitive = rng.choice([(True, False), (False, True), (True, True)])
        filtered = rng.random() < 0.2
        protection = protect(counts, rows, columns, threshold=5, rows_sensitive=rows_sensitive,
                             columns_sensitive=columns_sensitive, filtered_sensitive=filtered)
        for (row, column), n in counts.items():
            sensitive = filtered or (rows_sensitive and row != TOTAL) or (columns_sensitive and column != TOTAL)
            if sensitive and 0 < n < 5:
                assert (row, column) in protection.suppressed
        for members, total in _lines(rows, columns):
            if total not in protection.suppressed:
                assert sum(1 for m in members if m in protection.suppressed) != 1, (members, protection.suppressed)


def test_pivot_by_beneficiary_and_gender_hides_exactly_the_small_cells_and_their_complements(
        session, programme, managers, min_group):
    min_group(5)
    result = pivot(session, managers["regional"], Filters(), measure="enrolled", rows="beneficiary",
                   columns="gender", now=NOW)
    ids = {code: b.id for code, b in programme.beneficiaries.items()}
    hidden = {position for position in itertools.chain(
        ((key, None) for key, v in result.row_totals.items() if v.suppressed),
        ((None, key) for key, v in result.column_totals.items() if v.suppressed),
        (key for key, v in result.cells.items() if v.suppressed))}
    assert hidden == {
        (ids["RS"], "male"), (ids["RS"], "undisclosed"), (ids["RS"], None),
        (ids["AL"], "male"), (ids["AL"], "female"), (ids["AL"], "other"),
        (ids["XK"], "male"), (ids["XK"], "female"),
        (None, "undisclosed"), (None, "other"), (None, None),
    }
    assert result.cells[(ids["RS"], "female")].shown == 6
    assert result.column_totals["female"].shown == 10 and result.column_totals["male"].shown == 8
    assert {key: v.shown for key, v in result.row_totals.items()} == {ids["RS"]: 10, ids["AL"]: 7, ids["XK"]: 4}
    assert result.total.shown == 21
    # Hidden figures are hidden whatever the measure.
    rates = pivot(session, managers["regional"], Filters(), measure="completion_rate", rows="beneficiary",
                  columns="gender", now=NOW)
    assert rates.cells[(ids["AL"], "female")].suppressed and rates.cells[(ids["AL"], "female")].shown is None


def test_the_threshold_is_configurable(session, programme, managers, min_group):
    min_group(2)
    result = pivot(session, managers["regional"], Filters(), measure="enrolled", rows="gender", now=NOW)
    hidden = {key for key, value in result.row_totals.items() if value.suppressed}
    # undisclosed, other and not recorded have one enrolment each; they protect one another.
    assert hidden == {"undisclosed", "other", None}
    min_group(1)
    result = pivot(session, managers["regional"], Filters(), measure="enrolled", rows="gender", now=NOW)
    assert not result.protection.active


def test_a_gender_filter_protects_every_figure(session, programme, managers, min_group):
    min_group(5)
    women = Filters.of(gender="female")
    result = pivot(session, managers["regional"], women, measure="completed", rows="beneficiary", now=NOW)
    ids = {code: b.id for code, b in programme.beneficiaries.items()}
    # women: Serbia 6, Albania 2, Kosovo* 2 — the two small ones hide each other; the total (10) stays.
    assert {key for key, v in result.row_totals.items() if v.suppressed} == {ids["AL"], ids["XK"]}
    assert not result.total.suppressed
    only_albania = pivot(session, managers["regional"], Filters.of(gender="female", beneficiary=ids["AL"]),
                         measure="enrolled", rows="profession", now=NOW)
    assert only_albania.total.suppressed
