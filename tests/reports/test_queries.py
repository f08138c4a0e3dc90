"""Every figure is aggregated in SQL: a page costs the same number of queries at any size."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.courses.models import Enrolment
from lms.reports.synthetic import generate
from tests.conftest import login

URLS = [
    "/reports",
    "/reports?start=2024-01-01&end=2025-12-31&basis=completion",
    "/reports/pivot?measure=median_grading_hours&rows=beneficiary&columns=gender",
    "/reports/pivot?measure=completion_rate&rows=cohort&columns=month",
    "/reports/cohorts/{G1}",
    "/api/v1/reports/overview",
    "/api/v1/reports/pivot?measure=median_final_score&rows=institution&columns=quarter",
    "/api/v1/reports/cohorts/{G1}",
    "/reports/export/cohorts.csv",
    "/reports/export/trainees.csv",
    "/reports/donor?start=2024-01-01&end=2025-12-31",
    "/api/v1/reports/donor",
    "/reports/donor.pdf",
    "/api/v1/reports/donor.xlsx",
]


def _counts(client, count_queries, programme) -> dict[str, int]:
    counts = {}
    for url in URLS:
        url = url.format(G1=programme.cohorts["G1"].id)
        with count_queries() as counter:
            response = client.get(url, buffered=True)
        assert response.status_code == 200, url
        counts[url] = counter.count
    return counts


def test_queries_per_page_do_not_grow_with_the_programme(client, session, programme, managers, count_queries):
    login(client, managers["regional"])
    small = _counts(client, count_queries, programme)
    enrolments = session.scalar(select(func.count(Enrolment.id)))
    generate(session, trainees=400, seed=5, until=date(2025, 6, 15))
    session.commit()
    assert session.scalar(select(func.count(Enrolment.id))) > 15 * enrolments
    large = _counts(client, count_queries, programme)
    assert large == small
    # The overview's budget: its figures, tables and charts, plus one query each for the
    # header's unread count, the groups' forum participation, attendance by beneficiary and the
    # data version its cache is keyed by (each pass here follows a write: nothing is cached yet);
    # on PostgreSQL two more, the report transaction's SET LOCAL work_mem and random_page_cost.
    budget = 18 + (2 if session.get_bind().dialect.name == "postgresql" else 0)
    assert max(small.values()) <= budget, small
