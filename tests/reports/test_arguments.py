"""A report's query arguments are read once, by one schema both doors use: the same bad input
gets the same message, named by its field and in the reader's language, on the page and in
the API."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests.conftest import login

BAD_PIVOTS = [
    ("measure=happiness&rows=beneficiary", "measure"),
    ("rows=beneficiary&measure=", "measure"),
    ("measure=enrolled&rows=shoe_size", "rows"),
    ("measure=enrolled&rows=gender&columns=gender", "columns"),
    ("measure=enrolled&rows=gender&start=yesterday", "start"),
    ("measure=enrolled&rows=gender&start=2025-02-01&end=2025-01-01", "end"),
    ("measure=enrolled&rows=gender&beneficiary=ZZ", "beneficiary"),
    ("measure=enrolled&rows=gender&institution=first", "institution"),
    ("measure=enrolled&rows=gender&gender=unknown", "gender"),
    ("measure=enrolled&rows=gender&basis=sometimes", "basis"),
]
BAD_OVERVIEWS = [
    ("page=0", "page"),
    ("page=last", "page"),
    ("course=no-such-course", "course"),
    ("gender=female", "gender"),
    ("cohort=999999", "cohort"),
]


def _api_errors(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 422, url
    return response.get_json()["errors"]


def _page(client, url: str) -> str:
    response = client.get(url, buffered=True)
    assert response.status_code == 422, url
    return response.get_data(as_text=True)


@pytest.fixture
def albanian_manager(session, managers):
    manager = managers["regional"]
    manager.language = "sq"
    session.commit()
    return manager


@pytest.mark.parametrize("query, field", BAD_PIVOTS)
def test_a_bad_pivot_argument_gets_the_same_message_on_the_page_and_in_the_api(
        client, programme, albanian_manager, query, field):
    login(client, albanian_manager)
    errors = _api_errors(client, f"/api/v1/reports/pivot?{query}")
    assert list(errors) == [field]
    page = _page(client, f"/reports/pivot?{query}")
    for message in errors[field]:
        assert f'<li><a href="#f-{field}">{escape(message)}</a></li>' in page, (message, field)


@pytest.mark.parametrize("query, field", BAD_OVERVIEWS)
def test_a_bad_overview_argument_gets_the_same_message_on_the_page_and_in_the_api(
        client, programme, albanian_manager, query, field):
    login(client, albanian_manager)
    errors = _api_errors(client, f"/api/v1/reports/overview?{query}")
    assert list(errors) == [field]
    page = _page(client, f"/reports?{query}")
    for message in errors[field]:
        assert str(escape(message)) in page, (message, field)


def test_the_messages_are_in_the_reader_s_language(client, programme, albanian_manager):
    login(client, albanian_manager)
    errors = _api_errors(client, "/api/v1/reports/pivot?measure=happiness&rows=gender&start=yesterday&page=1")
    assert errors == {"measure": ["Zgjidhni një tregues nga lista."],
                      "start": ["Shkruani datën në formatin VVVV-MM-DD."],
                      "page": ["Fushë e panjohur."]}  # the pivot has no pages: an unknown argument
    assert _api_errors(client, "/api/v1/reports/overview?page=0") == {
        "page": ["Duhet të jetë më e madhe ose e barabartë me 1."]}


def test_an_unknown_argument_is_refused_by_both_doors_with_the_same_message(client, programme, albanian_manager):
    login(client, albanian_manager)
    errors = _api_errors(client, "/api/v1/reports/overview?colour=blue")
    assert errors == {"colour": ["Fushë e panjohur."]}
    assert "Fushë e panjohur." in _page(client, "/reports?colour=blue")


def test_gender_is_refused_wherever_figures_are_not_all_protected(client, programme, managers):
    """docs/reports.md: the overview, a group's page and the per-trainee export refuse it (422)."""
    login(client, managers["regional"])
    group = programme.cohorts["G1"].id
    message = "Gender can only be used in the pivot table, where small groups are hidden."
    for page, api in (("/reports", "/api/v1/reports/overview"),
                      (f"/reports/cohorts/{group}", f"/api/v1/reports/cohorts/{group}"),
                      ("/reports/export/trainees.csv", "/api/v1/reports/exports/trainees.csv"),
                      (f"/reports/export/cohort-genders.csv?cohort={group}",
                       f"/api/v1/reports/exports/cohort-genders.csv?cohort={group}")):
        separator = "&" if "?" in page else "?"
        assert _api_errors(client, f"{api}{separator}gender=female") == {"gender": [message]}, api
        assert message in _page(client, f"{page}{separator}gender=female"), page
    # An empty choice ("Any" on a form) is no filter.
    assert client.get(f"/reports/cohorts/{group}?gender=").status_code == 200
    assert client.get("/api/v1/reports/overview?gender=&course=").status_code == 200
    assert client.get("/api/v1/reports/pivot?measure=enrolled&rows=beneficiary&gender=female").status_code == 200
