"""A manager records a completion achieved offline: with a reason, logged, and certified at once."""

from __future__ import annotations

import pytest

from lms.certificates.models import Certificate
from lms.core.audit import entries_for
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.courses.completion import complete_manually
from lms.courses.models import Enrolment
from lms.courses.operations import complete_lesson, withdraw
from tests.certificates.conftest import certificate_of, enrol, lessons_of, manager
from tests.conftest import login


def test_a_manager_marks_a_completion_and_the_certificate_is_issued_in_the_same_request(
        client, session, courses, make_user):
    trainee = make_user(full_name="Ana Kovač", beneficiary="ME")
    enrolment = enrol(session, trainee, courses["tutored-basics"])
    boss = manager(make_user, beneficiary="ME")
    login(client, boss)
    listing = client.get("/manage/completions").get_data(as_text=True)
    assert "Ana Kovač" in listing
    page = client.get(f"/manage/enrolments/{enrolment.id}/complete").get_data(as_text=True)
    assert "Read every lesson" in page
    response = client.form(f"/manage/enrolments/{enrolment.id}/complete",
                           {"reason": "Completed the course offline at the Podgorica training centre."})
    assert response.status_code == 302

    session.expire_all()
    completed = session.get(Enrolment, enrolment.id)
    assert completed.completion_source == "manual" and completed.completed_version == 1
    certificate = certificate_of(session, completed)
    assert certificate is not None and certificate.kind == "completion"
    assert response.headers["Location"].endswith(f"/manage/certificates/{certificate.id}")
    [entry] = entries_for(session, "enrolment", enrolment.id)
    assert (entry.action, entry.actor_id) == ("enrolment.completed_manually", boss.id)
    assert entry.reason == "Completed the course offline at the Podgorica training centre."
    assert "Ana Kovač" not in client.get("/manage/completions").get_data(as_text=True)


def test_a_reason_is_required(client, session, courses, make_user):
    enrolment = enrol(session, make_user(beneficiary="ME"), courses["tutored-basics"])
    login(client, manager(make_user, beneficiary="ME"))
    response = client.form(f"/manage/enrolments/{enrolment.id}/complete", {"reason": ""})
    assert response.status_code == 422
    assert "Say why you mark this course as completed." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Enrolment, enrolment.id).completed_at is None
    assert certificate_of(session, enrolment) is None


def test_only_managers_in_scope_and_admins_may_mark_a_completion(app, session, courses, make_user):
    enrolment = enrol(session, make_user(beneficiary="ME"), courses["tutored-basics"])
    for user in (enrolment.user, make_user(roles=("tutor",), beneficiary="ME"), manager(make_user, beneficiary="AL")):
        other = app.test_client()
        login(other, user)
        page = other.form(f"/manage/enrolments/{enrolment.id}/complete", {"reason": "Offline."})
        assert page.status_code in (403, 404)
        api = other.api("POST", f"/api/v1/enrolments/{enrolment.id}/manual-completion", json={"reason": "Offline."})
        assert api.status_code in (403, 404)
        with pytest.raises(NotAllowed):
            complete_manually(session, user, enrolment, "Offline.")
    session.rollback()
    assert session.get(Enrolment, enrolment.id).completed_at is None
    national_other = app.test_client()
    login(national_other, manager(make_user, beneficiary="AL"))
    assert "Test User" not in national_other.get("/manage/completions").get_data(as_text=True)

    admin = make_user(roles=("admin",), beneficiary=None)
    complete_manually(session, admin, enrolment, "Recorded from the paper register.")
    session.commit()
    assert certificate_of(session, enrolment) is not None


def test_an_enrolment_is_completed_only_once(client, session, courses, make_user):
    enrolment = enrol(session, make_user(beneficiary="ME"), courses["tutored-basics"])
    boss = manager(make_user, beneficiary="ME")
    complete_manually(session, boss, enrolment, "Offline.")
    session.commit()
    with pytest.raises(Conflict):
        complete_manually(session, boss, enrolment, "Again.")
    session.rollback()
    login(client, boss)
    response = client.api("POST", f"/api/v1/enrolments/{enrolment.id}/manual-completion", json={"reason": "Again."})
    assert response.status_code == 409
    page = client.form(f"/manage/enrolments/{enrolment.id}/complete", {"reason": "Again."})
    assert page.status_code == 303 and page.headers["Location"].endswith("/manage/completions")
    assert "This enrolment is already completed." in client.get("/manage/completions").get_data(as_text=True)
    assert len(entries_for(session, "enrolment", enrolment.id)) == 1


def test_a_withdrawn_trainee_is_re_admitted_first(session, courses, make_user):
    enrolment = enrol(session, make_user(beneficiary="ME"), courses["tutored-basics"])
    withdraw(session, enrolment)
    session.commit()
    with pytest.raises(ValidationFailed):
        complete_manually(session, manager(make_user, beneficiary="ME"), enrolment, "Offline.")


def test_the_api_door_marks_a_completion_and_returns_the_certificate(client, session, courses, make_user):
    enrolment = enrol(session, make_user(beneficiary="RS"), courses["self-paced-basics"])
    login(client, make_user(roles=("manager",), scope="regional"))
    response = client.api("POST", f"/api/v1/enrolments/{enrolment.id}/manual-completion",
                          json={"reason": "Completed on paper during a prison lockdown."})
    assert response.status_code == 201
    body = response.get_json()
    assert body["completion_source"] == "manual" and body["certificate"]["type"] == "accomplishment"
    assert client.api("POST", f"/api/v1/enrolments/{enrolment.id}/manual-completion",
                      json={}).status_code == 422


def test_a_later_lesson_event_after_a_manual_completion_issues_nothing_more(session, courses, make_user):
    trainee = make_user(beneficiary="RS")
    enrolment = enrol(session, trainee, courses["self-paced-basics"])
    complete_manually(session, manager(make_user, beneficiary="RS"), enrolment, "Offline.")
    session.commit()
    for lesson in lessons_of(session, courses["self-paced-basics"]):
        complete_lesson(session, trainee, lesson)
    session.commit()
    assert session.query(Certificate).filter_by(enrolment_id=enrolment.id).count() == 1
    assert session.get(Enrolment, enrolment.id).completion_source == "manual"


def test_the_completions_page_costs_the_same_queries_for_few_or_many_enrolments(
        client, session, courses, make_user, count_queries):
    login(client, make_user(roles=("manager",), scope="regional"))
    for beneficiary in ("RS", "AL"):
        enrol(session, make_user(beneficiary=beneficiary), courses["tutored-basics"])
    with count_queries() as few:
        assert client.get("/manage/completions").status_code == 200
    for beneficiary in ("ME", "MK", "XK", "BA", "RS", "AL"):
        enrol(session, make_user(beneficiary=beneficiary), courses["self-paced-basics"])
    with count_queries() as many:
        html = client.get("/manage/completions").get_data(as_text=True)
    assert html.count("Mark as completed") == 8
    assert many.count == few.count
