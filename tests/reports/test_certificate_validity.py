"""Statistics count valid, expired and renewed certificates, with suppression and scope."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.certificates.operations import revoke
from lms.core.models import utcnow
from lms.courses.importer import import_content
from lms.courses.models import Course
from tests.certificates.conftest import certificate_of, complete_course
from tests.conftest import FIXTURES, login

CERTIFICATE_MEASURES = ("certificates_issued", "certificates_revoked", "certificates_valid",
                        "certificates_expired", "certificates_renewed")


@pytest.fixture
def small_programme(imported, session, make_user):
    """Serbia (men): one valid, one expired, one expired and renewed (plus its refresher's,
    valid), one revoked. Albania (a woman): one expired."""
    import_content(session, FIXTURES / "recertification")
    session.commit()
    courses = {c.slug: c for c in session.scalars(select(Course).where(Course.slug.like("safety-%")))}
    basics, refresher = courses["safety-basics"], courses["safety-refresher"]
    admin = make_user(roles=("admin",), beneficiary=None)

    def certify(beneficiary, course=basics, *, expired=False):
        trainee = make_user(beneficiary=beneficiary, gender="female" if beneficiary == "AL" else "male")
        certificate = certificate_of(session, complete_course(session, trainee, course))
        if expired:
            session.get(Certificate, certificate.id).expires_at = utcnow() - timedelta(days=10)
            session.commit()
        return trainee, certificate

    certify("RS")
    certify("RS", expired=True)
    renewer, _old = certify("RS", expired=True)
    complete_course(session, renewer, refresher)
    _revoked_holder, revoked = certify("RS")
    revoke(session, admin, revoked, reason="Issued in error.")
    session.commit()
    certify("AL", expired=True)
    return courses


def _headline(client) -> dict:
    body = client.get("/api/v1/reports/overview").get_json()
    return {key: body["headline"][key] for key in CERTIFICATE_MEASURES}


def test_the_statistics_count_valid_expired_and_renewed_certificates(client, small_programme, make_user,
                                                                     min_group):
    min_group(1)
    login(client, make_user(roles=("manager",), beneficiary="MK", scope="regional"))
    figures = {key: figure["value"] for key, figure in _headline(client).items()}
    # issued: RS 4 + the refresher's 1, AL 1; valid: RS valid, RS refresher's; expired: RS 2, AL 1
    assert figures == {"certificates_issued": 6, "certificates_revoked": 1, "certificates_valid": 2,
                       "certificates_expired": 3, "certificates_renewed": 1}
    pivot = client.get("/api/v1/reports/pivot?measure=certificates_expired&rows=beneficiary").get_json()
    assert {cell["row"]: cell["value"] for cell in pivot["row_totals"]} == {"AL": 1, "RS": 2}


def test_a_national_manager_counts_only_their_beneficiary_s_certificates(client, small_programme, make_user,
                                                                        min_group):
    min_group(1)
    login(client, make_user(roles=("manager",), beneficiary="AL", scope="national"))
    figures = {key: figure["value"] for key, figure in _headline(client).items()}
    assert figures == {"certificates_issued": 1, "certificates_revoked": 0, "certificates_valid": 0,
                       "certificates_expired": 1, "certificates_renewed": 0}
    refused = client.get("/api/v1/reports/pivot?measure=certificates_expired&rows=year&beneficiary=RS")
    assert refused.status_code == 403


def test_small_counts_of_expired_certificates_are_suppressed(client, small_programme, make_user, min_group):
    min_group(3)
    login(client, make_user(roles=("manager",), beneficiary="MK", scope="regional"))
    pivot = client.get("/api/v1/reports/pivot?measure=certificates_expired&rows=gender").get_json()
    cells = {cell["row"]: cell for cell in pivot["row_totals"]}
    # one woman's enrolment (under 3): hidden, and the men's figure with it, so that the
    # total does not give hers back by subtraction
    assert cells["female"] == {"row": "female", "column": None, "value": None, "suppressed": True}
    assert cells["male"]["suppressed"] is True
    assert pivot["total"] == {"value": 3, "suppressed": False}


def test_the_per_trainee_export_says_which_certificates_have_expired(client, small_programme, make_user):
    login(client, make_user(roles=("manager",), beneficiary="AL", scope="national"))
    response = client.get("/reports/export/trainees.csv", buffered=True)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))
    header = next(row for row in rows if row and row[0] == "Trainee")
    data = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1:] if len(row) == len(header)]
    assert [row["Certificate status"] for row in data] == ["Expired"]


def test_certificate_figures_equal_those_counted_from_the_certificates_themselves(client, session, small_programme,
                                                                                  make_user, min_group):
    """The fact rows keep each certificate's expiry and renewal: the figures read from them are
    those counted from the certificates directly, and they follow a change of either."""
    min_group(1)
    login(client, make_user(roles=("manager",), beneficiary="MK", scope="regional"))

    def direct() -> dict:
        now = utcnow()
        rows = session.execute(select(Certificate.status, Certificate.expires_at, Certificate.renewed_by_id)).all()
        not_revoked = [row for row in rows if row.status != "revoked"]
        expired = [row for row in not_revoked if row.expires_at is not None and row.expires_at <= now]
        return {"certificates_issued": len(rows), "certificates_revoked": len(rows) - len(not_revoked),
                "certificates_valid": len(not_revoked) - len(expired), "certificates_expired": len(expired),
                "certificates_renewed": sum(row.renewed_by_id is not None for row in not_revoked)}

    def shown() -> dict:
        return {key: figure["value"] for key, figure in _headline(client).items()}

    assert shown() == direct()
    valid = session.scalars(select(Certificate).where(Certificate.status == "valid",
                                                      Certificate.renewed_by_id.is_(None))).first()
    valid.expires_at = utcnow() - timedelta(days=1)                                     # expires
    session.commit()
    assert shown() == direct()
    other = session.scalars(select(Certificate).where(Certificate.id != valid.id,
                                                      Certificate.renewed_by_id.is_(None))).first()
    valid.renewed_by_id = other.id                                                      # renewed
    session.commit()
    assert shown() == direct()
