"""Public verification: anyone may check a code; it tells nothing more, and guessing is stopped."""

from __future__ import annotations

import random

import pytest

from lms.certificates.codes import ALPHABET, format_code, normalise_code
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.certificates.conftest import certificate_of, complete_course


@pytest.fixture
def certificate(session, courses, make_user):
    trainee = make_user(full_name="Jelena Marković", email="jelena@example.org", beneficiary="RS",
                        gender="female", profession="psychologist")
    enrolment = complete_course(session, trainee, courses["self-paced-basics"])
    return certificate_of(session, enrolment)


def test_anyone_can_verify_a_code_without_signing_in(client, certificate):
    response = client.get(f"/verify/{certificate.grouped_code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Valid" in html and "Jelena Marković" in html and "Probation basics" in html
    assert "Statement of accomplishment" in html


@pytest.mark.parametrize("typed", [
    "{grouped}", "{code}", "{lower}", " {spaced} ", "{grouped_lower}",
])
def test_codes_match_ignoring_case_spaces_and_dashes(client, certificate, typed):
    code = certificate.code
    text = typed.format(grouped=format_code(code), code=code, lower=code.lower(),
                        spaced=" ".join(code[i:i + 4] for i in range(0, 16, 4)),
                        grouped_lower=format_code(code).lower())
    assert client.get(f"/api/v1/certificates/{text}").get_json()["holder_name"] == "Jelena Marković"


def test_look_alike_letters_are_read_as_the_digits_they_resemble(client, session, courses, make_user):
    enrolment = complete_course(session, make_user(), courses["self-paced-basics"])
    stored = session.get(Certificate, certificate_of(session, enrolment).id)
    stored.code = "0123456789ABCDEF"
    session.commit()
    assert client.get("/api/v1/certificates/OI23-4567-89ab-cdef").status_code == 200
    assert client.get("/api/v1/certificates/ol23456789abcdef").status_code == 200


def test_the_verification_form_sends_a_typed_code_to_its_page(client, certificate):
    response = client.get(f"/verify?code={certificate.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.grouped_code}")
    html = client.get("/verify?code=not-a-code").get_data(as_text=True)
    assert "16 letters and digits" in html


def test_the_answer_shows_only_what_verifies_the_certificate(client, certificate):
    body = client.get(f"/api/v1/certificates/{certificate.code}").get_json()
    assert set(body) == {"code", "status", "type", "type_label", "holder_name", "course", "hours",
                         "completed_on", "issued_on", "reissued_on", "revision", "revoked_on",
                         "revocation_reason", "expires_on", "renewed_by", "verification_url"}
    assert body["status"] == "valid" and body["type"] == "accomplishment"
    flat = str(body)
    for private in ("jelena@example.org", "psychologist", "female", "Serbia", "user_id", "email"):
        assert private not in flat
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    for private in ("jelena@example.org", "Psychologist", "Woman", "Serbia", "Correctional"):
        assert private not in html


def test_verification_answers_are_neither_cached_nor_indexed(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_an_unknown_code_is_a_plain_404_with_no_hint(client, certificate):
    near = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    unknown = client.get(f"/api/v1/certificates/{near}")
    malformed = client.get("/api/v1/certificates/nonsense")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.get_json() == malformed.get_json() == client.get("/api/v1/no-such-thing").get_json()
    page = client.get(f"/verify/{near}")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert certificate.code not in html
    # The page says what is wrong, and offers the form again with the code typed.
    assert "No certificate has this verification code." in html and "Page not found" not in html
    assert f'value="{near}"' in html


def test_guessed_codes_find_nothing_and_meet_the_rate_limit(client, certificate, rate_limited):
    """A guesser is cut off after a handful of misses, on both doors, and stays cut off."""
    guesser = random.Random(20261121)
    statuses = []
    for attempt in range(400):
        guess = "".join(guesser.choice(ALPHABET) for _ in range(16))
        path = "/verify/" if attempt % 2 else "/api/v1/certificates/"
        statuses.append(client.get(path + format_code(guess)).status_code)
    assert 200 not in statuses
    assert set(statuses) == {404, 429}
    # Only the first few guesses were even looked up; everything after met the limit.
    assert statuses.count(404) <= 10 and set(statuses[10:]) == {429}
    limited = client.get(f"/api/v1/certificates/{certificate.code}")
    assert limited.status_code == 429 and "Retry-After" in limited.headers


def test_checking_many_genuine_certificates_is_not_treated_as_guessing(
        client, session, courses, make_user, rate_limited):
    codes = [certificate_of(session, complete_course(session, make_user(), courses["self-paced-basics"])).code
             for _ in range(3)]
    for _round in range(10):
        for code in codes:
            assert client.get(f"/api/v1/certificates/{code}").status_code == 200


def test_the_guessed_codes_are_sparse_in_the_code_space(session, courses, make_user):
    """Even without any limit, 10,000 random codes hit none of the certificates issued."""
    for _ in range(20):
        complete_course(session, make_user(), courses["self-paced-basics"])
    guesser = random.Random(7)
    guesses = ["".join(guesser.choice(ALPHABET) for _ in range(16)) for _ in range(10_000)]
    assert all(normalise_code(guess) == guess for guess in guesses)  # the form look-ups search for
    found = sum(session.scalar(db.select(db.func.count(Certificate.id)).where(Certificate.code.in_(chunk)))
                for chunk in (guesses[start:start + 1000] for start in range(0, len(guesses), 1000)))
    assert found == 0
