"""Figures are written for the reader's locale exactly as Flask-Babel writes them, although the
pattern of each kind is parsed once and each figure written once per locale."""

from __future__ import annotations

from flask_babel import force_locale, format_decimal, format_number, format_percent

from lms.core.i18n import LANGUAGES
from lms.reports.charts import formatter
from lms.reports.measures import COUNT, DAYS, HOURS, PERCENT, SCORE

VALUES = (0, 1, 7, 999, 1000, 12345, 104577, 2.5, 33.333333, 66.66666666, 99.95, 100.0, 0.04, -3.25, 1234567.891)


def test_every_kind_of_figure_is_written_as_flask_babel_writes_it_in_every_language(app):
    with app.test_request_context():
        for code in LANGUAGES:
            with force_locale(code):
                for value in VALUES:
                    expected = {COUNT: format_number(int(value)), PERCENT: format_percent(value / 100, "#,##0.#%"),
                                SCORE: format_decimal(value, "#,##0.#"), DAYS: format_decimal(value, "#,##0.#"),
                                HOURS: format_decimal(value, "#,##0.#")}
                    for kind, written in expected.items():
                        assert formatter(kind)(value) == written, (code, kind, value)
                        assert formatter(kind)(value) == written      # the second time, as remembered
                assert formatter(COUNT)(None) == ""
