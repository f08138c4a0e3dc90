"""The dashboard pages: figures in tables beside accessible charts, in the reader's locale."""

from __future__ import annotations

import re

from tests.conftest import login


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_the_overview_shows_headline_beneficiaries_trend_and_groups(client, programme, managers):
    login(client, managers["regional"])
    response = client.get("/reports?start=2024-07-01&end=2025-06-30")
    assert response.status_code == 200
    page = _main(response.get_data(as_text=True))
    for heading in ("Headline figures", "Completion by beneficiary", "Monthly trend", "Tutored groups",
                    "Trainees and their enrolments"):
        assert heading in page
    assert re.search(r"<dt>Enrolled</dt>\s*<dd>21</dd>", page)
    assert re.search(r"<dt>Completed</dt>\s*<dd>11</dd>", page)
    # Completed 11 of 21
    assert re.search(r"<dt>Completion rate</dt>\s*<dd>52\.4%</dd>", page)
    for name in ("Group G1", "Group G2", "Group G3", "Group G4"):
        assert name in page
    assert "Kosovo*" in response.get_data(as_text=True) and 'id="kosovo-footnote"' in response.get_data(as_text=True)
    assert 'href="/reports/cohorts/' in page


def test_every_chart_is_an_accessible_image_with_its_table_beside_it(client, programme, managers):
    login(client, managers["regional"])
    page = _main(client.get("/reports").get_data(as_text=True))
    charts = re.findall(r"<svg[^>]*>", page)
    assert len(charts) == 3
    for opening in charts:
        assert 'role="img"' in opening
        labelled = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', opening)
        assert f'<title id="{labelled.group(1)}">' in page and f'<desc id="{labelled.group(2)}">' in page
    assert "<script" not in page and "http://" not in re.sub(r'xmlns(:\w+)?="http://[^"]+"', "", page)
    # Each chart sits in a figure next to the table of the same figures.
    assert page.count('class="chart-and-table"') == 2
    assert 'id="table-beneficiaries"' in page and 'id="table-trend"' in page


def test_numbers_follow_the_reader_s_locale(client, session, programme, managers):
    manager = managers["regional"]
    manager.language = "sr_Latn"
    session.commit()
    login(client, manager)
    page = _main(client.get("/reports").get_data(as_text=True))
    assert re.search(r"<dd>52,4\s?%</dd>", page)        # decimal comma
    assert "Statistik" in page or "Statistics" in page      # whatever the catalogue has


def test_the_pivot_page_shows_a_two_way_table_with_totals_and_a_chart(client, programme, managers, min_group):
    min_group(1)
    login(client, managers["regional"])
    response = client.get("/reports/pivot?measure=completed&rows=beneficiary&columns=format")
    assert response.status_code == 200
    page = _main(response.get_data(as_text=True))
    table = page[page.index('id="table-pivot"'):]
    table = table[:table.index("</table>")]
    assert "<tfoot>" in table and "Total" in table
    assert re.search(r'<svg[^>]*role="img"', page)
    assert "/reports/export/pivot.csv?" in page and "measure=completed" in page


def test_the_empty_pivot_form_asks_what_to_show(client, programme, managers):
    login(client, managers["RS"])
    page = _main(client.get("/reports/pivot").get_data(as_text=True))
    for label in ('for="f-measure"', 'for="f-rows"', 'for="f-columns"', 'for="f-gender"', 'for="f-start"'):
        assert label in page
    assert "table-pivot" not in page


def test_unknown_choices_are_explained_beside_their_fields(client, programme, managers):
    login(client, managers["regional"])
    response = client.get("/reports/pivot?measure=happiness&rows=beneficiary&columns=beneficiary&start=31.12.2025")
    assert response.status_code == 422
    page = _main(response.get_data(as_text=True))
    assert "Choose a measure from the list." in page
    assert "Rows and columns must show different things." in page and "f-columns-error" in page
    assert "Enter a date as YYYY-MM-DD." in page
    assert 'aria-invalid="true"' in page
    response = client.get("/reports?course=no-such-course")
    assert response.status_code == 422 and "Choose a course from the list." in response.get_data(as_text=True)
    response = client.get("/reports?gender=female")
    assert response.status_code == 422


def test_a_group_s_drill_down(client, programme, managers, min_group):
    min_group(5)
    login(client, managers["RS"])
    group = programme.cohorts["G1"]
    response = client.get(f"/reports/cohorts/{group.id}")
    assert response.status_code == 200
    page = _main(response.get_data(as_text=True))
    assert re.search(r"<dt>Enrolled</dt>\s*<dd>5</dd>", page)
    assert re.search(r"<dt>Awaiting review</dt>\s*<dd>1</dd>", page)
    assert "Where the members stand" in page and re.search(r'<svg[^>]*role="img"', page)
    genders = page[page.index('id="table-genders"'):]
    genders = genders[:genders.index("</table>")]
    # five members: two women, one man, one undisclosed, one not recorded — all under 5: four rows
    # of four figures hidden; the group's total (5) stays
    assert genders.count('class="suppressed"') == 4 * 4
    assert re.search(r'<tfoot>\s*<tr>\s*<th scope="row">Total</th>\s*<td class="num">5</td>', genders)
    assert client.get("/reports/cohorts/999999").status_code == 404


def test_the_charts_own_style_applies_under_the_content_security_policy(client, programme, managers):
    login(client, managers["regional"])
    response = client.get("/reports")
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style[^>]*>", response.get_data(as_text=True))
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)
    assert "nonce-" not in client.get("/account").headers["Content-Security-Policy"]  # no chart, no nonce
