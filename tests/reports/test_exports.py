"""CSV and XLSX of the dashboard's tables and the per-trainee export."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.conftest import login


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url, buffered=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _data(rows: list[list[str]], first_header: str) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """(head rows, header row, data rows) of an export."""
    index = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[:index], rows[index], rows[index + 1:]


def test_a_table_s_file_starts_with_its_title_filters_scope_and_time(client, programme, managers):
    login(client, managers["regional"])
    rows = _csv(client, "/reports/export/beneficiaries.csv?start=2024-07-01&end=2025-06-30&course=tutored-casework")
    head, header, data = _data(rows, "Beneficiary")
    assert head[0] == ["Completion by beneficiary"]
    labels = {row[0]: row[1] for row in head if len(row) == 2}
    assert labels["Course"] == "Case work with violent extremist prisoners"
    assert labels["Period"] == "Jul 1, 2024 – Jun 30, 2025"
    assert labels["Period by"] == "Enrolment date"
    assert labels["Scope"] == "All beneficiaries"
    assert "Generated" in labels
    assert header[:4] == ["Beneficiary", "Enrolled", "Active in the last 30 days", "Completed"]
    by_name = {row[0]: row for row in data}
    # tutored-casework: Serbia G1 e1–e5 (2 completed), Albania G2 e6–e9, e13 (3), Kosovo* G3 (2)
    assert by_name["Serbia"][1:4] == ["5", "0", "2"] or by_name["Serbia"][1] == "5"
    assert by_name["Albania"][1] == "5" and by_name["Albania"][3] == "3"
    assert by_name["Kosovo*"][1] == "3" and by_name["Total"][1] == "13"
    assert by_name["Albania"][4] == "60.0"


def test_suppressed_figures_say_so_in_the_file(client, programme, managers, min_group):
    min_group(5)
    login(client, managers["regional"])
    rows = _csv(client, "/reports/export/pivot.csv?measure=enrolled&rows=gender")
    head, header, data = _data(rows, "Gender")
    assert any("suppressed" in row[0] for row in head if row)
    by_gender = {row[0]: row[1] for row in data}
    assert by_gender == {"Woman": "10", "Man": "8", "Another gender": "suppressed",
                         "Prefer not to say": "suppressed", "Not recorded": "suppressed", "Total": "21"}


def test_the_per_trainee_export_lists_enrolments_with_profile_but_never_gender(client, programme, managers):
    login(client, managers["RS"])
    response = client.get("/reports/export/trainees.csv", buffered=True)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))
    head, header, data = _data(rows, "Trainee")
    assert "Gender" not in header and all("gender" not in cell.lower() for cell in header)
    assert len(data) == 10                              # the ten enrolments counted under Serbia
    values = [dict(zip(header, row, strict=True)) for row in data]
    first = next(v for v in values if v["Trainee"] == "Trainee T1" and v["Group"] == "Group G1")
    assert first["Status"] == "completed" and first["Completed on"] == "2025-03-20"
    assert first["Final score"] == "85.0" and first["Certificate status"] == "Valid"
    assert first["Certificate code"] == "CODE-0000-0000-0001"
    assert first["Institution"] == "Administration for the Enforcement of Criminal Sanctions"
    assert first["Profession"] == "Prison officer" and first["Counted under"] == "Serbia"
    withdrawn = next(v for v in values if v["Trainee"] == "Trainee T2" and v["Group"] == "Group G1")
    assert withdrawn["Status"] == "withdrawn" and withdrawn["Certificate code"] == ""
    for cell in ("female", "male", "Woman", "Man", "Prefer not to say"):
        assert all(cell not in row for row in data)


def test_the_per_trainee_export_follows_the_filters(client, programme, managers):
    login(client, managers["regional"])
    rows = _csv(client, "/reports/export/trainees.csv?format=self-paced&basis=completion")
    _head, header, data = _data(rows, "Trainee")
    # self-paced completions: e14 (t1), e15 (t6), e18 (t2)
    assert sorted(row[0] for row in data) == ["Trainee T1", "Trainee T2", "Trainee T6"]


def test_text_that_a_spreadsheet_would_run_is_neutralised(client, session, programme, managers):
    trainee = programme.users["t7"]
    trainee.full_name = "=HYPERLINK(\"http://evil.example\")"
    session.commit()
    login(client, managers["AL"])
    rows = _csv(client, "/reports/export/trainees.csv")
    assert any(row and row[0].startswith("'=HYPERLINK") for row in rows)
    # In XLSX the cell holds the name as typed, as text with the quote-prefix style: no apostrophe
    # shows, and the spreadsheet never runs it.
    response = client.get("/reports/export/trainees.xlsx", buffered=True)
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value and "HYPERLINK" in str(row[0].value))
    assert cell.value == "=HYPERLINK(\"http://evil.example\")" and cell.data_type == "s"
    assert cell.quotePrefix is True


def test_xlsx_holds_the_same_table_with_numbers_as_numbers(client, programme, managers):
    login(client, managers["regional"])
    response = client.get("/reports/export/cohorts.xlsx", buffered=True)
    assert response.status_code == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Tutored groups"
    header_index = next(i for i, row in enumerate(rows) if row[0] == "Group")
    header = rows[header_index]
    data = {row[0]: dict(zip(header, row, strict=False)) for row in rows[header_index + 1:]}
    assert set(data) == {"Group G1", "Group G2", "Group G3", "Group G4"}
    assert data["Group G2"]["Enrolled"] == 5 and data["Group G2"]["Awaiting review"] == 2
    assert data["Group G2"]["Completion rate"] == 60.0
    assert data["Group G1"]["Starts"].date().isoformat() == "2025-01-06"


def test_every_dashboard_table_can_be_exported_in_both_formats(client, programme, managers):
    login(client, managers["regional"])
    group = programme.cohorts["G1"].id
    for name, extra in (("headline", ""), ("beneficiaries", ""), ("trend", "start=2025-01-01&end=2025-03-31"),
                        ("cohorts", ""), ("pivot", "measure=median_grading_hours&rows=cohort&columns=quarter"),
                        ("cohort-headline", f"cohort={group}"), ("cohort-progress", f"cohort={group}"),
                        ("cohort-institutions", f"cohort={group}"), ("cohort-professions", f"cohort={group}"),
                        ("cohort-genders", f"cohort={group}"), ("trainees", "")):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/reports/export/{name}.{fmt}?{extra}", buffered=True)
            assert response.status_code == 200, (name, fmt, response.get_data()[:300])
            api = client.get(f"/api/v1/reports/exports/{name}.{fmt}?{extra}", buffered=True)
            assert api.status_code == 200, (name, fmt)
    # No such table or format: not found, through either door.
    for url in ("/reports/export/secrets.csv", "/reports/export/trainees.pdf",
                "/api/v1/reports/exports/secrets.csv", "/api/v1/reports/exports/trainees.pdf"):
        assert client.get(url, buffered=True).status_code == 404, url
    assert client.get("/reports/export/cohort-genders.csv", buffered=True).status_code == 422


def test_csv_is_streamed_in_chunks_from_a_server_side_cursor(app, programme, managers, monkeypatch):
    """The response body is a generator that writes a chunk every ROWS_PER_CHUNK rows."""
    from flask_login import login_user

    from lms.accounts.operations import start_session
    from lms.core.models import utcnow
    from lms.extensions import db
    from lms.reports import exports
    from lms.reports.filters import Filters

    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 4)
    with app.test_request_context("/reports/export/trainees.csv"):
        manager = db.session.get(type(managers["regional"]), managers["regional"].id)
        start_session(db.session, manager)
        login_user(manager)
        built = exports.trainee_export(db.session, manager, Filters(), generated_at=utcnow())
        response = exports.response(built, "csv")
        assert response.is_streamed
        chunks = list(response.response)
    assert len(chunks) == 21 // 4 + 1          # a chunk every 4 rows (the head with the first), then the rest
    text = b"".join(chunks).decode("utf-8")
    assert text.count("\n") == len(built.head()) + 1 + 21
