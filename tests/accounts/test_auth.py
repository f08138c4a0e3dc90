"""Registration, sign-in, sign-out, passwords and the CSRF protection of every form."""

from __future__ import annotations

import logging
import re

from lms.accounts.models import User
from lms.core.mail import OutboxMail
from lms.extensions import db
from tests.conftest import PASSWORD, login


def _register(client, reference, **overrides):
    data = {"email": "new.officer@example.org", "password": "a long enough password",
            "full_name": "Ana Nikolić", "beneficiary_id": str(reference["RS"].id),
            "institution_id": "", "profession": "prison_officer", "gender": "", "language": "sr_Latn"}
    data.update(overrides)
    return client.form("/register", data)


def test_registration_creates_a_trainee_who_then_signs_in(client, session, reference):
    response = _register(client, reference)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    user = session.scalar(db.select(User).where(User.email == "new.officer@example.org"))
    assert user.full_name == "Ana Nikolić" and user.roles == {"trainee"}
    assert user.password_hash.startswith("$argon2")
    assert user.language == "sr_Latn"
    mail = session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == user.email)).one()
    assert "/login" in mail.text
    login(client, user, "a long enough password")
    assert client.get("/dashboard").status_code == 200


def test_registration_reports_every_bad_field_and_creates_nothing(client, session, reference):
    response = _register(client, reference, email="not-an-email", password="short", full_name=" ",
                         profession="astronaut", beneficiary_id="999")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in html
    assert "Use at least 10 characters." in html
    assert "Choose a profession from the list." in html
    assert "Choose a beneficiary from the list." in html
    assert session.scalar(db.select(db.func.count(User.id))) == 0


def test_registration_refuses_an_institution_of_another_beneficiary(client, session, reference):
    from lms.accounts.models import Institution

    albanian = session.scalar(db.select(Institution).where(Institution.beneficiary_id == reference["AL"].id))
    html = _register(client, reference, institution_id=str(albanian.id)).get_data(as_text=True)
    assert "Choose an institution of the selected beneficiary." in html
    assert session.scalar(db.select(db.func.count(User.id))) == 0


def test_registration_with_a_taken_address_answers_like_a_fresh_one_and_tells_the_owner(
        client, make_user, reference, session):
    owner = make_user(email="taken@example.org", language="mk")
    fresh = _register(client, reference, email="fresh@example.org")
    taken = _register(client, reference, email="Taken@Example.org", password="another long password")
    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert "We have sent a message" in client.get("/login").get_data(as_text=True)
    assert session.scalar(db.select(db.func.count(User.id))) == 2  # the owner and the fresh one
    session.refresh(owner)
    assert owner.full_name != "Ana Nikolić" and login(client, owner, "another long password").status_code == 200
    mail = session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == "taken@example.org")).one()
    assert "веќе постои сметка" in mail.text and "/login" in mail.text  # in the owner's language


def test_login_failure_says_the_same_whether_or_not_the_account_exists(client, make_user):
    make_user(email="real@example.org")
    wrong_password = login(client, "real@example.org", "not the password").get_data(as_text=True)
    no_account = login(client, "nobody@example.org", "not the password").get_data(as_text=True)
    message = "The e-mail address or password is not correct."
    assert message in wrong_password and message in no_account
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong_password) == strip(no_account).replace("nobody@example.org", "real@example.org")


def test_login_and_logout(client, make_user):
    user = make_user()
    response = login(client, user)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    client.form("/logout")
    assert client.get("/dashboard").status_code == 302


def test_deactivated_account_cannot_sign_in(client, make_user, session):
    user = make_user()
    user.is_active_account = False
    session.commit()
    assert "not correct" in login(client, user).get_data(as_text=True)


def test_login_follows_only_local_next_targets(client, make_user):
    user = make_user()
    response = client.form("/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/")
    other = client.application.test_client()
    response = other.form("/login?next=/courses/x", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/courses/x"


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(client, session, reference):
    response = client.post("/register", data={"email": "x@example.org", "password": "a long enough password",
                                              "full_name": "X", "beneficiary_id": str(reference["RS"].id),
                                              "profession": "other", "language": "en"})
    assert response.status_code == 400
    assert "expired or did not come from this site" in response.get_data(as_text=True)
    assert session.scalar(db.select(db.func.count(User.id))) == 0


def test_a_forged_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_password_change_signs_out_other_sessions(app, make_user, session):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.form("/account/password", {"current_password": PASSWORD,
                                                "new_password": "a brand new password"})
    assert response.status_code == 302
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 302
    assert login(app.test_client(), user, "a brand new password").status_code == 302


def test_password_change_needs_the_current_password(client, make_user):
    user = make_user()
    login(client, user)
    html = client.form("/account/password", {"current_password": "wrong one here",
                                             "new_password": "a brand new password"}).get_data(as_text=True)
    assert "The current password is not correct." in html


def test_password_reset_link_is_logged_without_smtp_and_works_once(client, make_user, caplog):
    user = make_user(email="forgetful@example.org")
    with caplog.at_level(logging.WARNING, logger="lms.mail"):
        response = client.form("/reset-password", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    link = re.search(r"http://\S+/reset-password/(\S+)", caplog.text)
    assert link, caplog.text
    token = link.group(1)
    reader = client.application.test_client()
    assert reader.get(f"/reset-password/{token}").status_code == 200
    assert reader.form(f"/reset-password/{token}", {"password": "my new secret pass"}).status_code == 302
    assert login(client.application.test_client(), user, "my new secret pass").status_code == 302
    again = client.application.test_client().get(f"/reset-password/{token}")
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_password_reset_request_answers_the_same_for_unknown_addresses(client, make_user, caplog):
    make_user(email="known@example.org")
    with caplog.at_level(logging.WARNING, logger="lms.mail"):
        known = client.form("/reset-password", {"email": "known@example.org"}, follow_redirects=True)
        unknown = client.form("/reset-password", {"email": "unknown@example.org"}, follow_redirects=True)
    message = "If an account exists for this address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert caplog.text.count("Subject: Reset your password") == 1


def test_tampered_reset_token_is_refused(client):
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, make_user, rate_limited):
    make_user(email="target@example.org")
    statuses = [login(client, "target@example.org", f"guess number {i}").status_code for i in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429


def test_profile_update_keeps_the_certificate_name_exactly(client, make_user, session, reference):
    user = make_user()
    login(client, user)
    response = client.form("/account", {"full_name": "  Đorđe   Čolić-Šćepanović ", "beneficiary_id": str(reference["RS"].id),
                                        "institution_id": "", "profession": "psychologist", "gender": "undisclosed",
                                        "language": "sr_Cyrl"})
    assert response.status_code == 302
    session.expire_all()
    refreshed = session.get(User, user.id)
    assert refreshed.full_name == "Đorđe Čolić-Šćepanović"
    assert (refreshed.profession, refreshed.gender, refreshed.language) == ("psychologist", "undisclosed", "sr_Cyrl")


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_set_password_page_speaks_the_language_of_its_email(client, make_user):
    from lms.accounts.operations.sign_in import password_reset_token

    user = make_user(email="albanian@example.org", beneficiary="AL", language="sq")
    token = password_reset_token(user)
    reader = client.application.test_client()
    html = reader.get(f"/reset-password/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sq">' in html and "Choose a password" not in html
    # Someone who chose another language on this site keeps it.
    reader.post("/language", data={"language": "en", "csrf_token": reader.csrf_token()})
    html = reader.get(f"/reset-password/{token}").get_data(as_text=True)
    assert '<html lang="en">' in html and "Choose a password" in html
