"""The JSON door: the same figures as the pages, documented in the OpenAPI document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from lms.core.models import utcnow
from lms.reports.measures import MEASURES
from tests.conftest import login
from tests.reports.conftest import expected_measures, population

PATHS = {
    "/api/v1/reports/measures": "get",
    "/api/v1/reports/overview": "get",
    "/api/v1/reports/pivot": "get",
    "/api/v1/reports/cohorts/{cohort_id}": "get",
    "/api/v1/reports/exports/{name}.{fmt}": "get",
    "/api/v1/reports/donor": "get",
    "/api/v1/reports/donor.pdf": "get",
    "/api/v1/reports/donor.xlsx": "get",
}


def test_every_report_endpoint_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    for path, method in PATHS.items():
        operation = document["paths"][path][method]
        assert operation.get("summary") or operation.get("description"), path
        assert {"401", "403"} <= set(operation["responses"]), path
    pivot = document["paths"]["/api/v1/reports/pivot"]["get"]
    names = {parameter["name"] for parameter in pivot["parameters"]}
    assert {"measure", "rows", "columns", "beneficiary", "gender", "start", "end", "basis"} <= names
    assert "422" in pivot["responses"]


def test_the_catalogue_lists_measures_and_dimensions(client, programme, managers):
    login(client, managers["RS"])
    body = client.get("/api/v1/reports/measures").get_json()
    assert [m["key"] for m in body["measures"]] == list(MEASURES)
    assert {d["key"]: d["sensitive"] for d in body["dimensions"]}["gender"] is True
    assert "trainees" in body["tables"]


def test_the_overview_gives_the_headline_figures_by_the_definitions(client, programme, managers):
    login(client, managers["admin"])
    body = client.get("/api/v1/reports/overview?start=2024-07-01&end=2025-06-30").get_json()
    wanted = expected_measures(population(), now=utcnow())
    for key, figure in body["headline"].items():
        expected = wanted[key]
        assert figure["suppressed"] is False
        assert figure["value"] == (pytest.approx(expected) if expected is not None else None), key
    assert body["filters"] == {"start": "2024-07-01", "end": "2025-06-30"}
    months = [point["month"] for point in body["trend"]]
    assert months[0] == "2024-07" and months[-1] == "2025-06" and len(months) == 12
    # enrolments begun in January 2025: e1, e2, e3, e4, e5
    assert next(p for p in body["trend"] if p["month"] == "2025-01")["enrolments"] == 5
    # completions in January 2025: e10 (20th), e11 (31st), e14 (10th)
    assert next(p for p in body["trend"] if p["month"] == "2025-01")["completions"] == 3
    assert body["cohorts"]["total"] == 4


def test_the_pivot_returns_cells_and_totals(client, programme, managers, min_group):
    min_group(1)
    login(client, managers["regional"])
    body = client.get("/api/v1/reports/pivot?measure=completed&rows=format&columns=year").get_json()
    assert body["measure"]["key"] == "completed" and body["rows"] == "format" and body["columns"] == "year"
    cells = {(c["row"], c["column"]): c["value"] for c in body["cells"]}
    # completed, by enrolment year: 2024 e10, e11, e14, e18; 2025 e1, e4, e6, e7, e13, e15, e19
    assert cells == {("tutored", "2024"): 2, ("tutored", "2025"): 6, ("self-paced", "2024"): 2,
                     ("self-paced", "2025"): 1}
    assert {c["column"]: c["value"] for c in body["column_totals"]} == {"2024": 4, "2025": 7}
    assert body["total"] == {"value": 11, "suppressed": False}
    assert body["suppressed_count"] == 0


@pytest.mark.parametrize("query, field", [
    ("measure=happiness&rows=beneficiary", "measure"),
    ("measure=enrolled&rows=shoe_size", "rows"),
    ("measure=enrolled&rows=gender&columns=gender", "columns"),
    ("rows=gender", "measure"),
    ("measure=enrolled&rows=gender&basis=sometimes", "basis"),
    ("measure=enrolled&rows=gender&start=yesterday", "start"),
    ("measure=enrolled&rows=gender&beneficiary=ZZ", "beneficiary"),
    ("measure=enrolled&rows=gender&course=nothing", "course"),
    ("measure=enrolled&rows=gender&start=2025-02-01&end=2025-01-01", "end"),
])
def test_unknown_measures_dimensions_and_filters_are_422_with_the_field_named(client, programme, managers,
                                                                              query, field):
    login(client, managers["regional"])
    response = client.get(f"/api/v1/reports/pivot?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()


def test_the_overview_and_exports_refuse_a_gender_filter(client, programme, managers):
    login(client, managers["regional"])
    for url in ("/api/v1/reports/overview?gender=female", "/api/v1/reports/exports/trainees.csv?gender=female"):
        response = client.get(url, buffered=True)
        assert response.status_code == 422 and "gender" in response.get_json()["errors"], url


def test_a_group_s_figures(client, programme, managers):
    login(client, managers["AL"])
    group = programme.cohorts["G2"]
    body = client.get(f"/api/v1/reports/cohorts/{group.id}").get_json()
    assert body["cohort"]["name"] == "Group G2" and body["cohort"]["beneficiary"] == "AL"
    assert body["headline"]["enrolled"]["value"] == 5
    assert body["headline"]["awaiting_review"]["value"] == 2
    assert body["progress"] == {"withdrawn": 1, "not_started": 0, "started": 1, "halfway": 0, "nearly": 0,
                                "completed": 3}
    assert client.get("/api/v1/reports/cohorts/999999").status_code == 404
