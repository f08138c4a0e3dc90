"""The operators' account doors of the API: registration, administrators' accounts, beneficiaries
and institutions; the same rules and refusals as the pages."""

from __future__ import annotations

from lms.accounts.models import Institution, User
from lms.accounts.operations import create_api_token
from lms.core.audit import AuditEntry
from lms.core.mail import OutboxMail
from lms.extensions import db

PROFILE = {"full_name": "Ana Petrović", "profession": "prison_officer", "language": "sr_Latn"}


def _token(session, user) -> str:
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def test_registration_through_the_api_makes_a_trainee_like_the_page(client, session, reference):
    response = client.post("/api/v1/accounts", json={
        **PROFILE, "email": "Ana@Example.org", "password": "a long enough password",
        "beneficiary_id": reference["RS"].id})
    assert response.status_code == 202, response.get_json()
    user = session.scalar(db.select(User).where(User.email == "ana@example.org"))
    assert [role.role for role in user.role_rows] == ["trainee"] and user.beneficiary.code == "RS"


def test_registration_names_each_wrong_field_and_answers_a_taken_address_like_a_fresh_one(client, session, reference, make_user):
    wrong = client.post("/api/v1/accounts", json={"email": "not an address", "password": "short",
                                                  "full_name": " ", "profession": "astronaut"})
    assert wrong.status_code == 422
    errors = wrong.get_json()["errors"]
    assert {"email", "password", "full_name", "profession", "beneficiary_id"} <= set(errors)
    taken = make_user()
    again = client.post("/api/v1/accounts", json={**PROFILE, "email": taken.email, "password": "a long password!",
                                                  "beneficiary_id": reference["RS"].id})
    fresh = client.post("/api/v1/accounts", json={**PROFILE, "email": "new@example.org",
                                                  "password": "a long password!", "beneficiary_id": reference["RS"].id})
    # A taken address is answered exactly as a fresh one (its owner is told by e-mail).
    assert (again.status_code, again.get_json()) == (fresh.status_code, fresh.get_json()) == (
        202, {"message": again.get_json()["message"]})
    assert session.scalar(db.select(db.func.count()).select_from(User).where(User.email == taken.email)) == 1


def test_registration_refuses_an_unknown_field(client, reference):
    response = client.post("/api/v1/accounts", json={**PROFILE, "email": "x@example.org", "password": "long enough pw",
                                                     "beneficiary_id": reference["RS"].id, "roles": ["admin"]})
    assert response.status_code == 422 and "roles" in response.get_json()["errors"]
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_registration_is_not_there_where_it_is_closed(make_app, reference):
    closed = make_app(LMS_REGISTRATION_OPEN=False)
    response = closed.test_client().post("/api/v1/accounts", json={
        **PROFILE, "email": "y@example.org", "password": "long enough pw", "beneficiary_id": reference["RS"].id})
    assert response.status_code == 404


def test_an_administrator_finds_opens_changes_deactivates_and_reactivates_accounts(client, session, make_user,
                                                                                   reference):
    admin = make_user(roles=("admin",), beneficiary=None)
    trainee = make_user(full_name="Marko Jovanović", email="marko@example.org")
    token = _token(session, admin)

    found = client.api("GET", "/api/v1/admin/users?q=jovan", token=token).get_json()
    assert [u["id"] for u in found["items"]] == [trainee.id] and found["total"] == 1
    by_role = client.api("GET", "/api/v1/admin/users?role=admin", token=token).get_json()
    assert [u["id"] for u in by_role["items"]] == [admin.id]

    opened = client.api("POST", "/api/v1/admin/users", token=token, json={
        "email": "manager@example.org", "full_name": "Nada Manager", "roles": ["manager"],
        "manager_scope": "national", "beneficiary_id": reference["ME"].id, "language": "cnr"})
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["manager_scope"] == "national" and opened.get_json()["roles"] == ["manager"]
    assert session.scalar(db.select(OutboxMail).where(OutboxMail.recipient == "manager@example.org"))

    changed = client.api("PATCH", f"/api/v1/admin/users/{trainee.id}", token=token,
                         json={"roles": ["trainee", "tutor"]})
    assert changed.status_code == 200 and changed.get_json()["roles"] == ["trainee", "tutor"]
    off = client.api("PATCH", f"/api/v1/admin/users/{trainee.id}", token=token, json={"active": False})
    assert off.get_json()["active"] is False
    on = client.api("PATCH", f"/api/v1/admin/users/{trainee.id}", token=token, json={"active": True})
    assert on.get_json()["active"] is True and on.get_json()["roles"] == ["trainee", "tutor"]
    actions = session.scalars(db.select(AuditEntry.action).where(AuditEntry.subject_id.in_(
        [trainee.id, opened.get_json()["id"]]), AuditEntry.subject_type == "user")).all()
    assert actions.count("user.updated") == 3 and "user.created" in actions


def test_an_administrator_cannot_remove_their_own_access_through_the_api(client, session, make_user):
    admin = make_user(roles=("admin",), beneficiary=None)
    token = _token(session, admin)
    response = client.api("PATCH", f"/api/v1/admin/users/{admin.id}", token=token, json={"active": False})
    assert response.status_code == 422 and "roles" in response.get_json()["errors"]


def test_a_national_manager_needs_a_beneficiary_and_a_manager_a_scope(client, session, make_user):
    admin = make_user(roles=("admin",), beneficiary=None)
    token = _token(session, admin)
    response = client.api("POST", "/api/v1/admin/users", token=token, json={
        "email": "m@example.org", "full_name": "M", "roles": ["manager"], "manager_scope": "national"})
    assert response.status_code == 422 and "beneficiary_id" in response.get_json()["errors"]
    response = client.api("POST", "/api/v1/admin/users", token=token, json={
        "email": "m@example.org", "full_name": "M", "roles": ["manager"]})
    assert response.status_code == 422 and "manager_scope" in response.get_json()["errors"]


def test_accounts_are_for_administrators_only(client, session, make_user, regional_manager):
    trainee = make_user()
    token = _token(session, regional_manager)
    assert client.api("GET", "/api/v1/admin/users", token=token).status_code == 403
    assert client.api("GET", f"/api/v1/admin/users/{trainee.id}", token=token).status_code == 403
    assert client.api("PATCH", f"/api/v1/admin/users/{trainee.id}", token=token,
                      json={"roles": ["admin"]}).status_code == 403
    assert client.api("POST", "/api/v1/admin/users", token=token, json={
        "email": "new@example.org", "full_name": "New", "roles": ["admin"]}).status_code == 403
    assert db.session.get(User, trainee.id).roles == {"trainee"}
    assert client.get("/api/v1/admin/users").status_code == 401


def test_beneficiaries_and_institutions_are_listed_for_anyone(client, reference):
    beneficiaries = client.get("/api/v1/beneficiaries").get_json()
    assert [b["code"] for b in beneficiaries] == sorted(reference)
    kosovo = next(b for b in beneficiaries if b["code"] == "XK")
    assert kosovo["footnote"]
    serbian = client.get("/api/v1/institutions?beneficiary=rs").get_json()
    assert serbian and {i["beneficiary"] for i in serbian} == {"RS"}


def test_managers_add_institutions_within_their_scope_only(client, session, make_user, reference):
    national = make_user(roles=("manager",), beneficiary="AL", scope="national")
    trainee = make_user()
    token = _token(session, national)
    added = client.api("POST", "/api/v1/institutions", token=token,
                       json={"beneficiary_id": reference["AL"].id, "name": "  Probation Office   Shkodër "})
    assert added.status_code == 201 and added.get_json()["name"] == "Probation Office Shkodër"
    twice = client.api("POST", "/api/v1/institutions", token=token,
                       json={"beneficiary_id": reference["AL"].id, "name": "probation office shkodër"})
    assert twice.status_code == 409
    elsewhere = client.api("POST", "/api/v1/institutions", token=token,
                           json={"beneficiary_id": reference["RS"].id, "name": "Somewhere"})
    assert elsewhere.status_code == 403
    as_trainee = client.api("POST", "/api/v1/institutions", token=_token(session, trainee),
                            json={"beneficiary_id": reference["RS"].id, "name": "Mine"})
    assert as_trainee.status_code == 403
    assert not session.scalar(db.select(Institution).where(Institution.name.in_(["Somewhere", "Mine"])))


def test_an_administrator_opens_an_account_on_the_page_with_the_same_rules(client, session, make_user, reference):
    from tests.conftest import login

    admin = make_user(roles=("admin",), beneficiary=None)
    login(client, admin)
    assert client.get("/admin/users/new").status_code == 200
    refused = client.form("/admin/users/new", {"email": "tutor@example.org", "full_name": "Tea Tutor",
                                                "roles": ["manager"], "manager_scope": "national",
                                                "language": "en"})
    assert refused.status_code == 422
    assert session.scalar(db.select(User).where(User.email == "tutor@example.org")) is None
    opened = client.form("/admin/users/new", {"email": "tutor@example.org", "full_name": "Tea Tutor",
                                               "roles": ["tutor"], "beneficiary_id": str(reference["BA"].id),
                                               "language": "bs"})
    assert opened.status_code == 302
    user = session.scalar(db.select(User).where(User.email == "tutor@example.org"))
    assert user.roles == {"tutor"} and user.password_hash is None and user.beneficiary.code == "BA"


def test_only_administrators_open_accounts_on_the_page(client, make_user, regional_manager):
    from tests.conftest import login

    login(client, regional_manager)
    assert client.get("/admin/users/new").status_code == 403
    assert client.form("/admin/users/new", {"email": "x@example.org", "full_name": "X", "roles": ["admin"],
                                            "language": "en"}).status_code == 403
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None
