"""User administration: find, change roles and scope, deactivate — and who may not."""

from __future__ import annotations

from lms.accounts.models import User
from lms.core.audit import AuditEntry
from lms.extensions import db
from tests.conftest import login


def test_admin_finds_users_by_name_role_and_beneficiary(client, make_user):
    admin = make_user(roles=("admin",), beneficiary=None)
    make_user(full_name="Besnik Gashi", beneficiary="XK")
    make_user(full_name="Marko Jovanović", beneficiary="RS", roles=("tutor",))
    login(client, admin)
    html = client.get("/admin/users?q=gashi").get_data(as_text=True)
    assert "Besnik Gashi" in html and "Marko Jovanović" not in html
    assert "Kosovo*" in html and "without prejudice to positions on status" in html
    html = client.get("/admin/users?role=tutor").get_data(as_text=True)
    assert "Marko Jovanović" in html and "Besnik Gashi" not in html
    html = client.get("/admin/users?beneficiary=XK").get_data(as_text=True)
    assert "Besnik Gashi" in html and "Marko Jovanović" not in html


def test_admin_makes_a_national_manager_and_it_is_audited(client, make_user, session, reference):
    admin = make_user(roles=("admin",), beneficiary=None)
    user = make_user(beneficiary="ME")
    login(client, admin)
    response = client.form(f"/admin/users/{user.id}", {"roles": ["manager"], "manager_scope": "national",
                                                       "beneficiary_id": str(reference["ME"].id), "active": "y"})
    assert response.status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert user.roles == {"manager"} and user.manager_scope == "national"
    assert user.managed_beneficiary_ids() == {reference["ME"].id}
    entry = session.scalar(db.select(AuditEntry).where(AuditEntry.subject_id == user.id))
    assert entry.actor_id == admin.id and entry.before["roles"] == ["trainee"] and entry.after["roles"] == ["manager"]


def test_national_manager_needs_a_beneficiary(client, make_user, session):
    admin = make_user(roles=("admin",), beneficiary=None)
    user = make_user(beneficiary=None)
    login(client, admin)
    html = client.form(f"/admin/users/{user.id}", {"roles": ["manager"], "manager_scope": "national",
                                                   "beneficiary_id": "", "active": "y"}).get_data(as_text=True)
    assert "A national manager needs a beneficiary." in html
    session.expire_all()
    assert session.get(User, user.id).roles == {"trainee"}


def test_deactivating_an_account_signs_it_out(app, make_user, session):
    admin = make_user(roles=("admin",), beneficiary=None)
    user = make_user()
    trainee_client = app.test_client()
    login(trainee_client, user)
    admin_client = app.test_client()
    login(admin_client, admin)
    admin_client.form(f"/admin/users/{user.id}", {"roles": ["trainee"], "manager_scope": "",
                                                  "beneficiary_id": "", "active": ""})
    assert trainee_client.get("/dashboard").status_code == 302


def test_admin_cannot_remove_their_own_admin_role(client, make_user, session):
    admin = make_user(roles=("admin",), beneficiary=None)
    login(client, admin)
    html = client.form(f"/admin/users/{admin.id}", {"roles": ["trainee"], "manager_scope": "",
                                                    "beneficiary_id": "", "active": "y"}).get_data(as_text=True)
    assert "You cannot remove your own administrator access." in html


def test_non_admins_are_refused_the_admin_pages(client, make_user):
    for roles in (("trainee",), ("tutor",), ("manager",)):
        user = make_user(roles=roles, scope="regional" if "manager" in roles else None)
        other = make_user()
        fresh = client.application.test_client()
        login(fresh, user)
        assert fresh.get("/admin/users").status_code == 403
        assert fresh.get(f"/admin/users/{other.id}").status_code == 403
        response = fresh.form(f"/admin/users/{other.id}", {"roles": ["admin"], "manager_scope": "",
                                                          "beneficiary_id": "", "active": "y"})
        assert response.status_code == 403


def test_national_manager_adds_institutions_only_for_their_beneficiary(client, make_user, reference, session):
    from lms.accounts.models import Institution

    manager = make_user(roles=("manager",), scope="national", beneficiary="AL")
    login(client, manager)
    assert client.form("/admin/institutions", {"beneficiary_id": str(reference["AL"].id),
                                               "name": "Prison of Lezhë"}).status_code == 302
    client.form("/admin/institutions", {"beneficiary_id": str(reference["RS"].id), "name": "Somewhere in Serbia"})
    names = set(session.scalars(db.select(Institution.name)))
    assert "Prison of Lezhë" in names and "Somewhere in Serbia" not in names


def test_an_institution_that_exists_is_refused_on_the_form(client, make_user, reference, session):
    from lms.accounts.models import Institution

    admin = make_user(roles=("admin",), beneficiary=None)
    login(client, admin)
    data = {"beneficiary_id": str(reference["AL"].id), "name": "Prison of Lezhë"}
    assert client.form("/admin/institutions", data).status_code == 302
    response = client.form("/admin/institutions", {**data, "name": "prison of  LEZHË"})
    assert response.status_code == 409
    assert "This institution already exists." in response.get_data(as_text=True)
    assert session.scalar(db.select(db.func.count(Institution.id)).where(
        db.func.lower(Institution.name) == "prison of lezhë")) == 1
