"""A chart of the same figures, labels and language is drawn once and drawn again as it was; any
change of a figure, a label or the language draws it afresh."""

from __future__ import annotations

from flask_babel import force_locale

from lms.reports import charts
from lms.reports.measures import COUNT, PERCENT


def _bars(values, categories=("AL", "BA"), kind=COUNT):
    return str(charts.bar_chart("c", "Completion", "Bars.", list(categories), [("Enrolled", list(values))],
                                kind=kind))


def test_the_same_figures_give_the_same_chart_and_any_change_a_new_one(app):
    with app.test_request_context():
        first = _bars([1200, 35])
        assert _bars([1200, 35]) == first
        assert "1,200" in first or "1200" in first
        changed = _bars([1200, 36])
        assert changed != first and "36" in changed
        assert _bars([1200, 35], categories=("AL", "ME")) != first
        assert _bars([12.5, 35], kind=PERCENT) != _bars([12.5, 35], kind=COUNT)
        with force_locale("sq"):
            assert _bars([1200, 35]) != first                 # written for another language
        line = str(charts.line_chart("t", "Trend", "Lines.", ["2025-01", "2025-02"], [("Enrolments", [3, 4])]))
        assert line == str(charts.line_chart("t", "Trend", "Lines.", ["2025-01", "2025-02"], [("Enrolments", [3, 4])]))
        assert line != str(charts.line_chart("t", "Trend", "Lines.", ["2025-01", "2025-02"], [("Enrolments", [3, 5])]))
