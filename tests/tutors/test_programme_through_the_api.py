"""A programme set up through /api/v1 alone: registration, roles and scope, an institution, a
group, its trainees from a CSV file (dry run first), its members withdrawn and re-admitted."""

from __future__ import annotations

import io
from datetime import date, timedelta

from lms.accounts.operations import create_api_token


def test_an_operator_runs_a_programme_through_the_api_alone(client, session, make_user, casework, reference):
    admin = make_user(roles=("admin",), beneficiary=None)
    _row, admin_token = create_api_token(session, admin, "programme")
    session.commit()

    def call(method, url, token=admin_token, **kwargs):
        response = client.api(method, url, token=token, **kwargs)
        assert response.status_code < 400, (method, url, response.status_code, response.get_json())
        return response.get_json()

    montenegro = next(b for b in client.get("/api/v1/beneficiaries").get_json() if b["code"] == "ME")
    institution = call("POST", "/api/v1/institutions", json={"beneficiary_id": montenegro["id"],
                                                             "name": "Zavod za izvršenje krivičnih sankcija"})
    accepted = client.post("/api/v1/accounts", json={
        "email": "tutor.me@example.org", "password": "a long enough password", "full_name": "Milena Tutor",
        "beneficiary_id": montenegro["id"], "institution_id": institution["id"], "profession": "probation_officer",
        "language": "cnr"})
    assert accepted.status_code == 202  # the same answer for a taken address: the account is found by search
    found = call("GET", "/api/v1/admin/users?q=milena")["items"]
    assert [u["email"] for u in found] == ["tutor.me@example.org"]
    registered = found[0]
    call("PATCH", f"/api/v1/admin/users/{registered['id']}", json={"roles": ["trainee", "tutor"]})
    manager = call("POST", "/api/v1/admin/users", json={
        "email": "manager.me@example.org", "full_name": "Nikola Manager", "roles": ["manager"],
        "manager_scope": "national", "beneficiary_id": montenegro["id"], "language": "cnr"})
    assert manager["manager_scope"] == "national"

    starts = date.today() - timedelta(days=3)
    group = call("POST", "/api/v1/cohorts", json={
        "course": casework.slug, "beneficiary": "ME", "name": "Podgorica", "language": "cnr",
        "starts_on": starts.isoformat(), "ends_on": (starts + timedelta(weeks=8)).isoformat(),
        "capacity": 10, "tutor_ids": [registered["id"]]})
    rows = "\n".join(f"trainee{n}@example.org,Polaznik {n},{institution['name']},prison_officer,,cnr" for n in range(4))
    data = f"email,full_name,institution,profession,gender,language\n{rows}\n".encode()

    def upload(**fields):
        response = client.post(f"/api/v1/cohorts/{group['id']}/members/import", content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {admin_token}"},
                               data={"file": (io.BytesIO(data), "podgorica.csv"), **fields})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert upload(dry_run="true")["created"] == 4
    assert call("GET", f"/api/v1/cohorts/{group['id']}/members") == []
    assert upload()["created"] == 4
    members = call("GET", f"/api/v1/cohorts/{group['id']}/members")
    assert len(members) == 4 and {m["status"] for m in members} == {"active"}
    first = members[0]["id"]
    call("POST", f"/api/v1/cohorts/{group['id']}/members/{first}/withdrawal", json={"reason": "Left the service"})
    assert call("GET", f"/api/v1/cohorts/{group['id']}")["members"] == 3
    call("POST", f"/api/v1/cohorts/{group['id']}/members/{first}/readmission")
    assert call("GET", f"/api/v1/cohorts/{group['id']}")["members"] == 4
    progress = call("GET", f"/api/v1/cohorts/{group['id']}/progress")
    assert sorted(row["email"] for row in progress) == [f"trainee{n}@example.org" for n in range(4)]
