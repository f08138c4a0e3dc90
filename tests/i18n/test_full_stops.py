"""A sentence ending with a date written with its own full stop ends with one full stop."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from flask_babel import format_date

from lms.core.i18n import one_full_stop, use_language


def test_a_serbian_date_at_the_end_of_a_sentence_has_one_full_stop(app):
    with app.test_request_context(), use_language("sr_Latn"):
        written = format_date(date(2026, 12, 20))
        assert written.endswith(".")
        html = render_template_string('{{ ("Rok je " ~ day ~ ".")|one_full_stop }}', day=written)
        assert html == f"Rok je {written}" and not html.endswith("..")


def test_an_ellipsis_and_an_ordinary_sentence_are_left_alone():
    assert one_full_stop("Wait...") == "Wait..."
    assert one_full_stop("Done.") == "Done."
    assert one_full_stop("20. 12. 2026..") == "20. 12. 2026."
