"""Every measure, exactly, by every dimension and every pair of dimensions, on both period bases.

The expected figures come from ``conftest.expected_measures``: a plain-Python reading of the
programme table by the definitions in docs/reports.md. Suppression is switched off here
(a minimum group of 1); test_suppression.py covers it.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from lms.reports import aggregates
from lms.reports.dimensions import DIMENSIONS
from lms.reports.filters import Filters
from lms.reports.measures import MEASURES
from tests.reports.conftest import NOW, dimension_value, expected_measures, population, spec

ALL_MEASURES = list(MEASURES)
PERIOD = {"month", "quarter", "year"}
PAIRS = [(a, b) for a, b in itertools.combinations(DIMENSIONS, 2) if not ({a, b} <= PERIOD)]


def _close(actual, expected):
    if expected is None:
        return actual is None
    return actual is not None and actual == pytest.approx(expected, abs=1e-9)


def _check(found: dict, specs, where: str):
    wanted = expected_measures(specs)
    for measure in ALL_MEASURES:
        assert _close(found.get(measure), wanted[measure]), (where, measure, found.get(measure), wanted[measure])


def _groups(specs, dims, programme, basis):
    groups = {}
    for item in specs:
        key = tuple(dimension_value(item, d, programme, basis) for d in dims)
        groups.setdefault(key, []).append(item)
    return groups


@pytest.mark.parametrize("basis", ["enrolment", "completion"])
def test_headline_figures_match_the_definitions(session, programme, basis):
    found = aggregates.figures(session, Filters(basis=basis), None, dims=[], groupings=[()], measures=ALL_MEASURES, now=NOW)
    _check(found.total(0), population(basis), "total")


@pytest.mark.parametrize("basis", ["enrolment", "completion"])
@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_every_measure_by_one_dimension(session, programme, dimension, basis):
    found = aggregates.figures(session, Filters(basis=basis), None, dims=[dimension], groupings=[(dimension,), ()],
                        measures=ALL_MEASURES, now=NOW)
    specs = population(basis)
    groups = _groups(specs, [dimension], programme, basis)
    assert set(found.at(0)) == set(groups)
    for key, members in groups.items():
        _check(found.at(0)[key], members, f"{dimension}={key}")
    _check(found.total(1), specs, "total")


@pytest.mark.parametrize("basis", ["enrolment", "completion"])
def test_every_measure_by_every_pair_of_dimensions(session, programme, basis):
    specs = population(basis)
    for rows, columns in PAIRS:
        dims = [rows, columns]
        found = aggregates.figures(session, Filters(basis=basis), None, dims=dims,
                            groupings=[(rows, columns), (rows,), (columns,), ()], measures=ALL_MEASURES, now=NOW)
        cells = _groups(specs, dims, programme, basis)
        assert set(found.at(aggregates.CELLS)) == set(cells), (rows, columns)
        for key, members in cells.items():
            _check(found.at(aggregates.CELLS)[key], members, f"{rows}×{columns}={key}")
        for level, dimension in ((aggregates.ROW_TOTALS, rows), (aggregates.COLUMN_TOTALS, columns)):
            margins = _groups(specs, [dimension], programme, basis)
            assert set(found.at(level)) == set(margins)
            for key, members in margins.items():
                _check(found.at(level)[key], members, f"{rows}×{columns} margin {dimension}={key}")
        _check(found.total(aggregates.GRAND_TOTAL), specs, f"{rows}×{columns} total")


def test_a_tutored_trainee_counts_under_the_group_s_beneficiary_and_language(session, programme):
    """t12 is a Serbian prison manager reading in Serbian, enrolled in the Kosovo* group taught in Albanian."""
    kosovo, serbia = programme.beneficiaries["XK"].id, programme.beneficiaries["RS"].id
    found = aggregates.figures(session, Filters(), None, dims=["beneficiary"], groupings=[("beneficiary",)],
                        measures=["enrolled"], now=NOW)
    assert found.at(0)[(kosovo,)]["enrolled"] == 4     # e10–e12 (G3, t12 among them), e16 (self-paced)
    # Serbia: e1–e5 (G1), e14, e17, e18 (self-paced, profile), e19, e20 (G4)
    assert found.at(0)[(serbia,)]["enrolled"] == 10
    by_language = aggregates.figures(session, Filters.of(cohort=programme.cohorts["G3"].id), None, dims=["language"],
                              groupings=[("language",)], measures=["enrolled"], now=NOW)
    assert by_language.at(0) == {("sq",): {"enrolled": 3}}


def test_a_self_paced_trainee_counts_under_their_profile(session, programme):
    found = aggregates.figures(session, Filters.of(format="self-paced"), None, dims=["beneficiary", "language"],
                        groupings=[("beneficiary", "language")], measures=["enrolled"], now=NOW)
    ids = {code: b.id for code, b in programme.beneficiaries.items()}
    assert {key: cell["enrolled"] for key, cell in found.at(0).items()} == {
        (ids["RS"], "sr_Latn"): 2, (ids["RS"], "en"): 1,      # e14, e18 (t1, t2); e17 (t14)
        (ids["AL"], "sq"): 2,                                  # e15 (t6), e21 (t9)
        (ids["XK"], "sr_Latn"): 1,                             # e16 (t11)
    }


def test_final_score_follows_the_assessment_s_grading_method(session, programme):
    found = aggregates.figures(session, Filters(), None, dims=["course"], groupings=[("course",)],
                        measures=["average_final_score", "median_final_score"], now=NOW)
    by_course = {key[0]: cell for key, cell in found.at(0).items()}
    # highest: e1 85, e3 40, e4 90, e6 75, e7 88, e10 95, e11 78, e13 82
    casework = by_course[programme.courses["tutored-casework"].id]
    assert casework["median_final_score"] == pytest.approx((82 + 85) / 2)
    assert casework["average_final_score"] == pytest.approx((85 + 40 + 90 + 75 + 88 + 95 + 78 + 82) / 8)
    # average, rounded to two decimals: e14 75.5, e15 67.0, e16 62.5
    basics = by_course[programme.courses["self-paced-basics"].id]
    assert basics["median_final_score"] == pytest.approx(67.0)
    # last: e19 72, e20 55
    tutored = by_course[programme.courses["tutored-basics"].id]
    assert tutored["median_final_score"] == pytest.approx((72 + 55) / 2)


def test_first_attempt_grading(session, programme):
    from lms.quizzes.models import Quiz

    quiz = session.scalar(select(Quiz).where(Quiz.course_id == programme.courses["tutored-casework"].id,
                                                 Quiz.key == "final"))
    quiz.grading_method = "first"
    session.commit()
    found = aggregates.figures(session, Filters.of(cohort=programme.cohorts["G3"].id), None, dims=[], groupings=[()],
                        measures=["average_final_score"], now=NOW)
    assert found.total(0)["average_final_score"] == pytest.approx((95 + 78) / 2)


def test_active_means_not_withdrawn_with_activity_in_the_last_30_days(session, programme):
    found = aggregates.figures(session, Filters(), None, dims=[], groupings=[()], measures=["active"], now=NOW)
    # e3 (10 June), e6 (20 May), e8 (14 June), e12 (17 May), e16 (1 June), e17 (5 June), e19, e20
    assert found.total(0)["active"] == 8
    later = aggregates.figures(session, Filters(), None, dims=[], groupings=[()], measures=["active"],
                        now=NOW.replace(month=7, day=11))
    # 30 days before 11 July noon: e8 (14 June) and e20 (12 June) count, e3 (10 June) no longer
    assert later.total(0)["active"] == 2
    assert expected_measures([spec("e8")])["active"] == 1


def test_period_filter_takes_whole_days_of_the_basis_date(session, programme):
    from datetime import date

    january = Filters(start=date(2025, 1, 6), end=date(2025, 1, 7))
    found = aggregates.figures(session, january, None, dims=[], groupings=[()], measures=["enrolled"], now=NOW)
    assert found.total(0)["enrolled"] == 3   # e1, e3 (6 January), e2 (7 January)
    completed = Filters(start=date(2025, 1, 1), end=date(2025, 1, 31), basis="completion")
    found = aggregates.figures(session, completed, None, dims=[], groupings=[()],
                        measures=["enrolled", "completed", "median_days_to_completion"], now=NOW)
    # e10 (20 January), e11 (31 January 23:30), e14 (10 January)
    assert found.total(0)["completed"] == 3
    assert found.total(0)["median_days_to_completion"] == 77   # 26, 77, 87


def test_scope_limits_every_figure_to_the_managed_beneficiaries(session, programme):
    serbia = programme.beneficiaries["RS"].id
    found = aggregates.figures(session, Filters(), {serbia}, dims=["beneficiary"], groupings=[("beneficiary",), ()],
                        measures=list(MEASURES), now=NOW)
    assert set(found.at(0)) == {(serbia,)}
    serbian = [s for s in population() if dimension_value(s, "beneficiary", programme) == serbia]
    _check(found.total(1), serbian, "Serbia")
    nothing = aggregates.figures(session, Filters(), set(), dims=[], groupings=[()], measures=["enrolled"], now=NOW)
    assert nothing.total(0)["enrolled"] == 0


@pytest.mark.parametrize("dimension", [d for d in DIMENSIONS if DIMENSIONS[d].is_filter])
def test_a_filter_on_any_dimension_restricts_every_headline_figure(session, programme, dimension):
    """The headline of a filtered view (the grading turnaround of every round included) is that
    of the matching enrolments only, whichever dimension and value the filter is on."""
    specs = population()
    for value in {dimension_value(s, dimension, programme) for s in specs} - {None}:
        found = aggregates.figures(session, Filters.of(**{dimension: value}), None, dims=["beneficiary"],
                                   now=NOW, parts=[aggregates.Part((), tuple(ALL_MEASURES))])
        matching = [s for s in specs if dimension_value(s, dimension, programme) == value]
        _check(found.total(0), matching, f"{dimension}={value}")
