"""Who sees which figures: regional managers and admins all, a national manager only their
beneficiary's, tutors and trainees none — on the pages, in the exports and through the API."""

from __future__ import annotations

import pytest

from lms.accounts.operations import create_api_token
from lms.extensions import db
from tests.conftest import login

PAGES = ["/reports", "/reports/pivot?measure=enrolled&rows=beneficiary", "/reports/cohorts/{G1}",
         "/reports/export/trainees.csv", "/reports/export/beneficiaries.xlsx",
         "/reports/export/pivot.csv?measure=enrolled&rows=gender"]
API = ["/api/v1/reports/measures", "/api/v1/reports/overview", "/api/v1/reports/pivot?measure=enrolled&rows=beneficiary",
       "/api/v1/reports/cohorts/{G1}", "/api/v1/reports/exports/trainees.csv",
       "/api/v1/reports/exports/cohorts.xlsx"]


def _urls(urls, programme):
    return [url.format(G1=programme.cohorts["G1"].id) for url in urls]


@pytest.mark.parametrize("who", ["tutor", "trainee"])
def test_tutors_and_trainees_are_refused_everywhere(client, session, programme, managers, who):
    login(client, managers[who])
    for url in _urls(PAGES + API, programme):
        assert client.get(url, buffered=True).status_code == 403, url


def test_anonymous_visitors_sign_in_first(client, programme):
    for url in _urls(PAGES, programme):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url in _urls(API, programme):
        assert client.get(url).status_code == 401, url


def test_a_tutor_s_token_is_refused_too(client, session, programme, managers):
    _token, plain = create_api_token(session, managers["tutor"], "scripts")
    session.commit()
    for url in _urls(API, programme):
        assert client.api("GET", url, token=plain, buffered=True).status_code == 403, url


@pytest.mark.parametrize("who", ["regional", "admin"])
def test_regional_managers_and_admins_see_every_beneficiary(client, programme, managers, who):
    login(client, managers[who])
    body = client.get("/api/v1/reports/overview").get_json()
    assert {row["beneficiary"]["key"] for row in body["by_beneficiary"]["rows"]} == {"RS", "AL", "XK"}
    assert body["headline"]["enrolled"]["value"] == 21
    for url in _urls(PAGES + API, programme):
        # Exports stream inside the request's context: read them whole within it.
        assert client.get(url, buffered=True).status_code == 200, url


NATIONAL_REFUSALS = [
    "/reports?beneficiary=AL", "/reports/pivot?measure=enrolled&rows=gender&beneficiary=AL",
    "/reports/cohorts/{G2}", "/reports/export/trainees.csv?beneficiary=AL",
    "/reports/export/beneficiaries.csv?beneficiary=AL", "/reports/export/cohort-headline.xlsx?cohort={G2}",
    "/reports/export/pivot.csv?measure=enrolled&rows=gender&cohort={G2}",
    "/reports?institution={AL0}", "/reports/pivot?measure=enrolled&rows=month&institution={AL0}",
    "/reports/pivot?measure=enrolled&rows=month&cohort={G3}",
    "/api/v1/reports/overview?beneficiary=AL", "/api/v1/reports/pivot?measure=enrolled&rows=year&beneficiary=XK",
    "/api/v1/reports/pivot?measure=enrolled&rows=year&cohort={G2}", "/api/v1/reports/cohorts/{G3}",
    "/api/v1/reports/exports/trainees.csv?beneficiary=AL", "/api/v1/reports/exports/cohort-genders.csv?cohort={G2}",
    "/api/v1/reports/overview?institution={AL0}",
]


def test_a_national_manager_asking_for_another_beneficiary_is_refused(client, programme, managers):
    login(client, managers["RS"])
    values = {"G2": programme.cohorts["G2"].id, "G3": programme.cohorts["G3"].id,
              "AL0": programme.institutions[("AL", 0)].id}
    for url in NATIONAL_REFUSALS:
        url = url.format(**values)
        response = client.get(url, buffered=True)
        assert response.status_code == 403, url
        if url.startswith("/api/"):
            assert response.get_json()["errors"], url


def test_a_national_manager_sees_only_their_beneficiary(client, programme, managers):
    login(client, managers["RS"])
    body = client.get("/api/v1/reports/overview").get_json()
    assert [row["beneficiary"]["key"] for row in body["by_beneficiary"]["rows"]] == ["RS"]
    # e1–e5 (G1), e19, e20 (G4), e14, e17, e18 (self-paced Serbians); not t12's enrolment in the Kosovo* group
    assert body["headline"]["enrolled"]["value"] == 10
    assert {item["name"] for item in body["cohorts"]["items"]} == {"Group G1", "Group G4"}
    assert client.get("/reports?beneficiary=RS").status_code == 200
    pivot = client.get("/api/v1/reports/pivot?measure=enrolled&rows=beneficiary&columns=course").get_json()
    assert [m["key"] for m in pivot["row_members"]] == ["RS"]
    assert client.get(f"/reports/cohorts/{programme.cohorts['G1'].id}").status_code == 200


def test_the_per_trainee_export_holds_only_the_manager_s_scope(client, programme, managers):
    login(client, managers["AL"])
    text = client.get("/reports/export/trainees.csv", buffered=True).get_data(as_text=True)
    for key in ("t6", "t7", "t8", "t9", "t13"):
        assert f"Trainee {key.upper()}," in text
    for key in ("t1", "t2", "t10", "t11", "t12", "t14"):
        assert f"Trainee {key.upper()}," not in text


def test_the_group_statistics_link_shows_on_the_group_s_page_only_to_those_who_may_follow_it(
        client, programme, managers):
    from lms.tutors.models import CohortTutor

    url = f"/cohorts/{programme.cohorts['G1'].id}"
    statistics = f'href="/reports/cohorts/{programme.cohorts["G1"].id}"'
    login(client, managers["RS"])
    assert statistics in client.get(url).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    tutor = managers["tutor"]
    from lms.extensions import db

    db.session.add(CohortTutor(cohort_id=programme.cohorts["G1"].id, user_id=tutor.id))
    db.session.commit()
    tutor_client = client.application.test_client()
    login(tutor_client, tutor)
    page = tutor_client.get(url)
    assert page.status_code == 200 and statistics not in page.get_data(as_text=True)


def test_the_statistics_menu_entry_is_for_managers_and_admins(client, programme, managers):
    for who, shown in (("regional", True), ("RS", True), ("admin", True), ("tutor", False), ("trainee", False)):
        other = client.application.test_client()
        login(other, managers[who])
        page = other.get("/dashboard").get_data(as_text=True)
        assert ('href="/reports"' in page) is shown, who


def test_a_role_granted_or_taken_shows_in_the_menu_on_the_next_page(client, session, make_user):
    """The menu is kept per set of roles: the same person's next page follows a change of theirs."""
    from lms.accounts.models import UserRole

    person = make_user(roles=("trainee",), beneficiary="RS")
    login(client, person)
    assert 'href="/reports"' not in client.get("/dashboard").get_data(as_text=True)
    session.add(UserRole(user_id=person.id, role="admin"))
    session.commit()
    assert 'href="/reports"' in client.get("/dashboard").get_data(as_text=True)
    session.execute(db.delete(UserRole).where(UserRole.user_id == person.id, UserRole.role == "admin"))
    session.commit()
    assert 'href="/reports"' not in client.get("/dashboard").get_data(as_text=True)
