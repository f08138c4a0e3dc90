"""Open Badges 2.0: hosted assertions, their BadgeClass and Issuer, checked against the spec.

No network: the JSON-LD context is checked by its URL, and every property against the
terms the Open Badges 2.0 context defines for it, with each type's required properties.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from lms.certificates import operations as ops
from tests.certificates.conftest import issued_certificate

CONTEXT = "https://w3id.org/openbadges/v2"
# Terms of the Open Badges 2.0 context used by the three documents, and what each type requires.
TERMS = {
    "Assertion": {"id", "type", "recipient", "badge", "verification", "issuedOn", "image", "evidence",
                  "narrative", "expires", "revoked", "revocationReason"},
    "BadgeClass": {"id", "type", "name", "description", "image", "criteria", "issuer", "alignment", "tags"},
    "Issuer": {"id", "type", "name", "url", "email", "telephone", "description", "image", "publicKey",
               "verification", "revocationList"},
}
REQUIRED = {
    "Assertion": {"id", "type", "recipient", "badge", "verification", "issuedOn"},
    "BadgeClass": {"id", "type", "name", "description", "image", "criteria", "issuer"},
    "Issuer": {"id", "type", "name", "url"},
}
IDENTITY_TERMS = {"type", "identity", "hashed", "salt"}
CRITERIA_TERMS = {"id", "narrative"}
VERIFICATION_TYPES = {"hosted", "HostedBadge"}


def _check(document: dict, kind: str) -> None:
    assert document["@context"] == CONTEXT
    assert document["type"] == kind
    keys = set(document) - {"@context"}
    assert keys <= TERMS[kind], keys - TERMS[kind]
    assert REQUIRED[kind] <= keys, REQUIRED[kind] - keys
    assert document["id"].startswith("http")


@pytest.fixture
def certificate(session, courses, make_user):
    trainee = make_user(full_name="Arben Hoxha", email="arben.hoxha@example.org", beneficiary="AL")
    return issued_certificate(session, trainee, courses["tutored-basics"])


def test_each_certificate_is_a_hosted_open_badges_assertion(app, client, certificate):
    response = client.get(f"/badges/assertions/{certificate.code}.json")
    assert response.status_code == 200 and response.is_json
    assertion = response.get_json()
    _check(assertion, "Assertion")
    assert assertion["id"] == f"{app.config['LMS_BASE_URL']}/badges/assertions/{certificate.code}.json"
    assert assertion["verification"]["type"] in VERIFICATION_TYPES
    datetime.fromisoformat(assertion["issuedOn"])  # ISO 8601

    recipient = assertion["recipient"]
    assert set(recipient) <= IDENTITY_TERMS and recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256(("arben.hoxha@example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + expected
    assert "arben.hoxha@example.org" not in response.get_data(as_text=True)

    badge_class = client.get(assertion["badge"].removeprefix(app.config["LMS_BASE_URL"])).get_json()
    _check(badge_class, "BadgeClass")
    assert "Certificate of completion" in badge_class["name"]
    assert set(badge_class["criteria"]) <= CRITERIA_TERMS and badge_class["criteria"]["narrative"]
    image = client.get(badge_class["image"].removeprefix(app.config["LMS_BASE_URL"]))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    image.close()

    issuer = client.get(badge_class["issuer"].removeprefix(app.config["LMS_BASE_URL"])).get_json()
    _check(issuer, "Issuer")
    assert issuer["name"] == app.config["LMS_ISSUER_NAME"]


def test_the_issuer_is_configurable(make_app, tmp_root):
    other = make_app(LMS_ISSUER_NAME="Council of Europe HELP Programme", LMS_ISSUER_URL="https://help.example.int",
                     LMS_ISSUER_EMAIL="help@example.int")
    issuer = other.test_client().get("/badges/issuer.json").get_json()
    _check(issuer, "Issuer")
    assert (issuer["name"], issuer["url"], issuer["email"]) == (
        "Council of Europe HELP Programme", "https://help.example.int", "help@example.int")


def test_a_revoked_assertion_is_gone_and_says_why(client, session, certificate, make_user):
    ops.revoke(session, make_user(roles=("admin",), beneficiary=None), certificate, reason="Awarded in error.")
    session.commit()
    response = client.get(f"/badges/assertions/{certificate.code}.json")
    assert response.status_code == 410
    body = response.get_json()
    assert body["@context"] == CONTEXT and body["revoked"] is True
    assert body["revocationReason"] == "Awarded in error."
    assert set(body) - {"@context"} <= TERMS["Assertion"]


def test_an_unknown_assertion_or_badge_class_is_a_json_404(client, certificate):
    assert client.get("/badges/assertions/0000000000000000.json").status_code == 404
    missing = client.get("/badges/classes/no-such-course.json")
    assert missing.status_code == 404 and missing.is_json


def test_a_reissue_follows_a_changed_email_address(client, session, certificate, make_user):
    certificate.user.email = "arben@new.example.org"
    session.commit()
    ops.reissue(session, make_user(roles=("admin",), beneficiary=None), certificate, reason="New e-mail address.")
    session.commit()
    recipient = client.get(f"/badges/assertions/{certificate.code}.json").get_json()["recipient"]
    expected = hashlib.sha256(("arben@new.example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + expected


@pytest.mark.parametrize(("language", "title"), [
    ("mk", "Динамичка безбедност во секојдневната работа во затворот"),
    ("cnr", "Dinamička bezbjednost u svakodnevnom radu u zatvoru"),
    ("sq", "Siguria dinamike në punën e përditshme në burg"),
])
def test_a_certificates_badge_is_described_in_the_certificates_language(
        app, client, session, courses, make_user, language, title):
    certificate = issued_certificate(session, make_user(language=language), courses["seven-languages"])
    assertion = client.get(f"/badges/assertions/{certificate.code}.json").get_json()
    assert assertion["badge"].endswith(f"/badges/classes/seven-languages/{language}.json")
    badge_class = client.get(assertion["badge"].removeprefix(app.config["LMS_BASE_URL"])).get_json()
    _check(badge_class, "BadgeClass")
    assert title in badge_class["name"] and badge_class["id"] == assertion["badge"]


def test_a_badge_class_in_a_language_the_course_lacks_is_not_found(client, courses):
    assert client.get("/badges/classes/self-paced-basics/mk.json").status_code == 404
    assert client.get("/badges/classes/self-paced-basics/xx.json").status_code == 404
    assert client.get("/badges/classes/self-paced-basics/sr_Latn.json").status_code == 200
