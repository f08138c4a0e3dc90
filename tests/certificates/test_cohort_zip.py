"""All certificates of a tutored group as one ZIP, streamed entry by entry."""

from __future__ import annotations

import io
import zipfile

from lms.certificates import operations as ops
from tests.certificates.conftest import group_certificates, manager, pdf_text
from tests.conftest import login


def _group(session, courses, make_user, make_cohort, add_member,
           names=("Ilir Berisha", "Ëndrit Çela", "Vjosa Krasniqi")):
    return group_certificates(session, make_cohort, add_member, make_user, courses["tutored-basics"],
                              beneficiary="XK", names=names, language="sq", name="Prishtinë 2026/2")


def test_a_manager_downloads_every_valid_certificate_of_a_group_as_one_streamed_zip(
        client, session, courses, make_user, make_cohort, add_member):
    cohort, certificates = _group(session, courses, make_user, make_cohort, add_member)
    ops.revoke(session, make_user(roles=("admin",), beneficiary=None), certificates[2], reason="Wrong group.")
    session.commit()
    login(client, manager(make_user, beneficiary="XK"))
    listing = client.get(f"/manage/certificates?cohort={cohort.id}").get_data(as_text=True)
    assert f"/manage/cohorts/{cohort.id}/certificates.zip" in listing

    response = client.get(f"/manage/cohorts/{cohort.id}/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = sorted(archive.namelist())
    assert names == sorted([f"Ilir Berisha {certificates[0].grouped_code}.pdf",
                            f"Endrit Cela {certificates[1].grouped_code}.pdf"])  # plain Latin file names
    for certificate, plain in zip(certificates[:2], ("Ilir Berisha", "Endrit Cela"), strict=True):
        text = pdf_text(archive.read(f"{plain} {certificate.grouped_code}.pdf"))
        assert certificate.holder_name in text and "Prishtinë 2026/2" in text


def test_the_api_door_streams_the_same_zip(client, session, courses, make_user, reference,
                                           make_cohort, add_member):
    cohort, _certificates = _group(session, courses, make_user, make_cohort, add_member)
    login(client, make_user(roles=("manager",), scope="regional"))
    response = client.api("GET", f"/api/v1/manage/cohorts/{cohort.id}/certificates")
    assert response.status_code == 200 and response.is_streamed
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 3


def test_an_unknown_group_is_not_found(client, make_user):
    login(client, make_user(roles=("manager",), scope="regional"))
    assert client.get("/manage/cohorts/999/certificates.zip").status_code == 404
    assert client.api("GET", "/api/v1/manage/cohorts/999/certificates").status_code == 404


def test_trainees_and_tutors_cannot_download_a_groups_certificates(
        app, session, courses, make_user, make_cohort, add_member):
    cohort, certificates = _group(session, courses, make_user, make_cohort, add_member)
    for user in (certificates[0].user, make_user(roles=("tutor",), beneficiary="XK")):
        other = app.test_client()
        login(other, user)
        assert other.get(f"/manage/cohorts/{cohort.id}/certificates.zip").status_code in (403, 404)
        assert other.api("GET", f"/api/v1/manage/cohorts/{cohort.id}/certificates").status_code in (403, 404)


def test_a_national_manager_cannot_reach_another_beneficiarys_group(
        client, session, courses, make_user, make_cohort, add_member):
    cohort, _certificates = _group(session, courses, make_user, make_cohort, add_member)
    login(client, manager(make_user, beneficiary="AL"))
    assert client.get(f"/manage/cohorts/{cohort.id}/certificates.zip").status_code == 404
    own = client.application.test_client()
    login(own, manager(make_user, beneficiary="XK"))
    response = own.get(f"/manage/cohorts/{cohort.id}/certificates.zip")
    assert response.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 3
