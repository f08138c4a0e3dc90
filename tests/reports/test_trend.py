"""The monthly trend's months add up to the headline for the same period: no month is left out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lms.reports import operations
from lms.reports.filters import Filters
from tests.conftest import login


def _sums(body):
    return sum(point["enrolments"] for point in body["trend"]), body["headline"]["enrolled"]["value"]


@pytest.mark.parametrize("query", ["", "?start=2024-07-15&end=2025-01-10", "?start=2024-11-01",
                                   "?end=2025-02-14"])
def test_the_trends_enrolments_add_up_to_the_headline(client, programme, managers, query):
    login(client, managers["admin"])
    body = client.get(f"/api/v1/reports/overview{query}").get_json()
    by_month, headline = _sums(body)
    assert headline > 0 and by_month == headline


def test_without_a_period_the_trend_begins_with_the_first_enrolment(client, programme, managers):
    login(client, managers["admin"])
    body = client.get("/api/v1/reports/overview").get_json()
    first = min(point["month"] for point in body["trend"] if point["enrolments"])
    assert body["trend"][0]["month"] <= first
    pivot = client.get("/api/v1/reports/pivot?measure=enrolled&rows=month&columns=format").get_json()
    assert min(cell["row"] for cell in pivot["cells"]) == first


def test_beyond_five_years_the_oldest_months_are_added_up_in_one_row(session, programme):
    later = datetime(2031, 3, 1, tzinfo=UTC)
    trend = operations.trend(session, Filters(), None, now=later)
    assert len(trend.months) == operations.MAX_TREND_MONTHS + 1
    assert trend.months[0].key == operations.EARLIER and trend.months[0].label.startswith("Before ")
    whole = operations.trend(session, Filters(start=date(2020, 1, 1)), None, now=later)
    assert trend.total_enrolments == whole.total_enrolments > 0
    assert trend.enrolments[operations.EARLIER] > 0
