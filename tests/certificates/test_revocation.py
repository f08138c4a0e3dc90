"""Revoking, reinstating and reissuing: managers in scope only, with a logged reason."""

from __future__ import annotations

import re

import pytest

from lms.certificates import operations as ops
from lms.certificates.models import Certificate
from lms.core.audit import entries_for
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.certificates.conftest import certificate_of, complete_course, manager, pdf_text
from tests.conftest import login


@pytest.fixture
def certificate(session, courses, make_user):
    trainee = make_user(full_name="Marko Jovanovic", beneficiary="RS", email="marko@example.org")
    return certificate_of(session, complete_course(session, trainee, courses["self-paced-basics"]))


def _reload(session, certificate) -> Certificate:
    session.expire_all()
    return session.get(Certificate, certificate.id)


def test_a_manager_revokes_with_a_reason_and_the_verification_page_says_revoked(
        client, session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    login(client, boss)
    response = client.form(f"/manage/certificates/{certificate.id}/revoke",
                           {"reason": "Completion recorded for the wrong person.", "version": "1"})
    assert response.status_code == 302
    revoked = _reload(session, certificate)
    assert revoked.is_revoked and revoked.revoked_by_id == boss.id
    assert revoked.revocation_reason == "Completion recorded for the wrong person."
    [entry] = entries_for(session, "certificate", certificate.id)
    assert (entry.action, entry.actor_id, entry.reason) == ("certificate.revoked", boss.id,
                                                            "Completion recorded for the wrong person.")
    assert entry.before["status"] == "valid" and entry.after["status"] == "revoked"
    html = client.application.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoked" in html and "Completion recorded for the wrong person." in html


def test_revoking_without_a_reason_is_refused_and_changes_nothing(client, session, certificate, make_user):
    login(client, manager(make_user, beneficiary="RS"))
    response = client.form(f"/manage/certificates/{certificate.id}/revoke", {"reason": "   ", "version": "1"})
    assert response.status_code == 422
    assert "Give the reason." in response.get_data(as_text=True)
    assert _reload(session, certificate).is_valid
    assert entries_for(session, "certificate", certificate.id) == []


def test_the_holder_and_other_staff_cannot_revoke(client, session, certificate, make_user):
    for user in (certificate.user, make_user(roles=("tutor",)), manager(make_user, beneficiary="AL")):
        other = client.application.test_client()
        login(other, user)
        response = other.form(f"/manage/certificates/{certificate.id}/revoke", {"reason": "Because."})
        assert response.status_code in (403, 404)
        api = other.api("POST", f"/api/v1/manage/certificates/{certificate.id}/revocation",
                        json={"reason": "Because."})
        assert api.status_code in (403, 404)
    with pytest.raises(NotAllowed):
        ops.revoke(session, certificate.user, certificate, reason="Because.")
    assert _reload(session, certificate).is_valid


def test_a_certificate_cannot_be_revoked_twice(session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    ops.revoke(session, boss, certificate, reason="First.")
    session.commit()
    with pytest.raises(Conflict):
        ops.revoke(session, boss, certificate, reason="Second.")


def test_the_second_of_two_managers_acting_on_the_same_version_is_told(client, session, certificate, make_user):
    first, second = manager(make_user, beneficiary="RS"), make_user(roles=("manager",), scope="regional")
    ops.reissue(session, first, certificate, reason="Typo in the name.", version=1)
    session.commit()
    login(client, second)
    response = client.api("POST", f"/api/v1/manage/certificates/{certificate.id}/revocation",
                          json={"reason": "Wrong person.", "version": 1})
    assert response.status_code == 409
    assert response.get_json()["version"] == 2  # the current version, to reload
    assert _reload(session, certificate).is_valid


def test_on_the_page_the_second_manager_is_told_and_shown_the_certificate_as_it_is_now(
        client, session, certificate, make_user):
    first, second = manager(make_user, beneficiary="RS"), make_user(roles=("manager",), scope="regional")
    ops.reissue(session, first, certificate, reason="Typo in the name.", version=1)
    session.commit()
    login(client, second)
    response = client.form(f"/manage/certificates/{certificate.id}/revoke",
                           {"reason": "Wrong person.", "version": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/certificates/{certificate.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Someone else changed this certificate in the meantime." in page
    assert 'name="version" value="2"' in page
    assert _reload(session, certificate).is_valid
    assert [e.action for e in entries_for(session, "certificate", certificate.id)] == ["certificate.reissued"]


def test_revoking_a_revoked_certificate_again_on_the_page_says_so(client, session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    ops.revoke(session, boss, certificate, reason="Wrong person.")
    session.commit()
    login(client, boss)
    response = client.form(f"/manage/certificates/{certificate.id}/revoke", {"reason": "Again."},
                           follow_redirects=True)
    assert "This certificate is already revoked." in response.get_data(as_text=True)
    assert len(entries_for(session, "certificate", certificate.id)) == 1


def test_a_revoked_certificate_can_be_reinstated_with_a_reason(client, session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    ops.revoke(session, boss, certificate, reason="Mistaken revocation.")
    session.commit()
    login(client, boss)
    response = client.api("POST", f"/api/v1/manage/certificates/{certificate.id}/reinstatement",
                          json={"reason": "Revoked the wrong certificate."})
    assert response.status_code == 200 and response.get_json()["status"] == "valid"
    reinstated = _reload(session, certificate)
    assert reinstated.is_valid and reinstated.revocation_reason is None
    assert [e.action for e in entries_for(session, "certificate", certificate.id)] == [
        "certificate.revoked", "certificate.reinstated"]
    assert "Valid" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)


def test_after_a_name_correction_the_reissued_pdf_keeps_the_code_and_the_old_one_still_verifies(
        app, client, session, certificate, make_user):
    holder = certificate.user
    login(client, holder)
    old_pdf = client.get(f"/certificates/{certificate.id}.pdf").data
    assert "Marko Jovanovic" in pdf_text(old_pdf)

    holder.full_name = "Marko Jovanović"
    session.commit()
    boss = manager(make_user, beneficiary="RS")
    staff = app.test_client()
    login(staff, boss)
    page = staff.get(f"/manage/certificates/{certificate.id}").get_data(as_text=True)
    assert "differs: reissue to print it" in page
    response = staff.form(f"/manage/certificates/{certificate.id}/reissue",
                          {"reason": "Name corrected: ć was missing.", "version": "1"})
    assert response.status_code == 302

    reissued = _reload(session, certificate)
    assert (reissued.code, reissued.revision, reissued.holder_name) == (certificate.code, 2, "Marko Jovanović")
    new_pdf = client.get(f"/certificates/{certificate.id}.pdf").data
    assert new_pdf != old_pdf
    assert "Marko Jovanović" in pdf_text(new_pdf) and reissued.grouped_code in pdf_text(new_pdf)

    # The old paper copy carries the same code: it leads to the same record, which now
    # shows the current name and that it was reissued.
    old_code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", pdf_text(old_pdf)).group(0)
    assert old_code == reissued.grouped_code
    html = app.test_client().get(f"/verify/{old_code}").get_data(as_text=True)
    assert "Valid" in html and "Marko Jovanović" in html and "Reissued on" in html
    body = app.test_client().get(f"/api/v1/certificates/{old_code}").get_json()
    assert body["revision"] == 2 and body["reissued_on"] is not None
    [entry] = entries_for(session, "certificate", certificate.id)
    assert entry.action == "certificate.reissued" and entry.reason == "Name corrected: ć was missing."
    assert (entry.before["holder_name"], entry.after["holder_name"]) == ("Marko Jovanovic", "Marko Jovanović")


def test_a_revoked_certificate_is_not_reissued(session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    ops.revoke(session, boss, certificate, reason="Wrong person.")
    session.commit()
    with pytest.raises(ValidationFailed):
        ops.reissue(session, boss, certificate, reason="New name.")


def test_the_holder_cannot_download_a_revoked_certificate_but_its_manager_can(
        app, client, session, certificate, make_user):
    boss = manager(make_user, beneficiary="RS")
    ops.revoke(session, boss, certificate, reason="Wrong person.")
    session.commit()
    login(client, certificate.user)
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 403
    assert client.api("GET", f"/api/v1/certificates/{certificate.id}/pdf").status_code == 403
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "was revoked" in dashboard and f"/certificates/{certificate.id}.pdf" not in dashboard
    staff = app.test_client()
    login(staff, boss)
    assert staff.get(f"/manage/certificates/{certificate.id}.pdf").status_code == 200


def test_the_holder_is_told_by_mail_when_the_certificate_is_revoked(session, certificate, make_user, caplog):
    boss = manager(make_user, beneficiary="RS")
    with caplog.at_level("WARNING", logger="lms.mail"):
        ops.revoke(session, boss, certificate, reason="Wrong person.")
        session.commit()
    assert "Your certificate has been revoked" in caplog.text and "marko@example.org" in caplog.text
