"""All certificates of a tutored group as one ZIP, streamed entry by entry.

These tests stand in for the tutors feature with ``fixture_cohort_provider`` (which cohort
holds which enrolments) and ``fixture_group_details`` (the group printed on the PDF).
"""

from __future__ import annotations

import io
import zipfile

from lms.certificates import operations as ops
from tests.certificates.conftest import enrol, issued_certificate, manager, pdf_text
from tests.conftest import login


def _group(session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider,
           names=("Ilir Berisha", "Ëndrit Çela", "Vjosa Krasniqi")):
    course = courses["tutored-basics"]
    certificates = []
    for name in names:
        trainee = make_user(full_name=name, beneficiary="XK", language="sq")
        enrolment = enrol(session, trainee, course)
        fixture_group_details[enrolment.id] = {"cohort_id": 41, "cohort": "Prishtinë 2026/2",
                                               "beneficiary": reference["XK"], "tutors": ["Arta Berisha"],
                                               "language": "sq"}
        certificates.append(issued_certificate(session, trainee, course))
    fixture_cohort_provider[41] = [c.enrolment_id for c in certificates]
    return certificates


def test_a_manager_downloads_every_valid_certificate_of_a_group_as_one_streamed_zip(
        client, session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider):
    certificates = _group(session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider)
    ops.revoke(session, make_user(roles=("admin",), beneficiary=None), certificates[2], reason="Wrong group.")
    session.commit()
    login(client, manager(make_user, beneficiary="XK"))
    listing = client.get("/manage/certificates?cohort=41").get_data(as_text=True)
    assert "/manage/cohorts/41/certificates.zip" in listing

    response = client.get("/manage/cohorts/41/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = sorted(archive.namelist())
    assert names == sorted([f"Ilir Berisha {certificates[0].grouped_code}.pdf",
                            f"Ëndrit Çela {certificates[1].grouped_code}.pdf"])
    for certificate in certificates[:2]:
        text = pdf_text(archive.read(f"{certificate.holder_name} {certificate.grouped_code}.pdf"))
        assert certificate.holder_name in text and "Prishtinë 2026/2" in text


def test_the_api_door_streams_the_same_zip(client, session, courses, make_user, reference,
                                           fixture_group_details, fixture_cohort_provider):
    _group(session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider)
    login(client, make_user(roles=("manager",), scope="regional"))
    response = client.api("GET", "/api/v1/manage/cohorts/41/certificates")
    assert response.status_code == 200 and response.is_streamed
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 3


def test_an_unknown_group_or_one_no_provider_answers_for_is_not_found(
        client, make_user, fixture_cohort_provider):
    login(client, make_user(roles=("manager",), scope="regional"))
    assert client.get("/manage/cohorts/999/certificates.zip").status_code == 404
    assert client.api("GET", "/api/v1/manage/cohorts/999/certificates").status_code == 404


def test_trainees_and_tutors_cannot_download_a_groups_certificates(
        app, session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider):
    certificates = _group(session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider)
    for user in (certificates[0].user, make_user(roles=("tutor",), beneficiary="XK")):
        other = app.test_client()
        login(other, user)
        assert other.get("/manage/cohorts/41/certificates.zip").status_code == 403
        assert other.api("GET", "/api/v1/manage/cohorts/41/certificates").status_code == 403


def test_a_national_manager_gets_only_the_certificates_of_their_beneficiary(
        client, session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider):
    _group(session, courses, make_user, reference, fixture_group_details, fixture_cohort_provider)
    login(client, manager(make_user, beneficiary="AL"))
    response = client.get("/manage/cohorts/41/certificates.zip")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == []
