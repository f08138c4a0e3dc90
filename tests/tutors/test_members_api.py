"""A group's members through the API: the list with ids, withdraw, re-admit, CSV enrolment with a
dry run; the refusals of the group's page (its tutors read, its managers change, others see nothing)."""

from __future__ import annotations

from lms.accounts.models import User
from lms.accounts.operations import create_api_token
from lms.extensions import db
from lms.tutors.models import CohortMembership

INSTITUTION = "Correctional Institution Niš"


def _token(session, user) -> str:
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def _csv(*rows: str) -> bytes:
    return ("email,full_name,institution,profession,gender,language\n" + "\n".join(rows) + "\n").encode()


def _import(client, token, cohort, data: bytes, **fields):
    import io

    return client.post(f"/api/v1/cohorts/{cohort.id}/members/import", headers={"Authorization": f"Bearer {token}"},
                       data={"file": (io.BytesIO(data), "group.csv"), **fields}, content_type="multipart/form-data")


def test_managers_list_withdraw_and_readmit_members_by_their_ids(client, session, make_cohort, add_member,
                                                                 regional_manager):
    cohort = make_cohort(capacity=2)
    trainee, _enrolment = add_member(cohort, full_name="Ana Member")
    token = _token(session, regional_manager)
    members = client.api("GET", f"/api/v1/cohorts/{cohort.id}/members", token=token).get_json()
    assert [(m["user_id"], m["status"], m["full_name"]) for m in members] == [(trainee.id, "active", "Ana Member")]
    membership_id = members[0]["id"]
    out = client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership_id}/withdrawal", token=token,
                     json={"reason": "Moved to another prison"})
    assert out.status_code == 200 and out.get_json()["status"] == "withdrawn"
    back = client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership_id}/readmission", token=token)
    assert back.status_code == 200 and back.get_json()["status"] == "active"


def test_readmission_into_a_full_group_is_a_conflict(client, session, make_cohort, add_member, regional_manager):
    cohort = make_cohort(capacity=1)
    _first, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    token = _token(session, regional_manager)
    client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership.id}/withdrawal", token=token, json={})
    add_member(cohort)
    full = client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership.id}/readmission", token=token)
    assert full.status_code == 409 and full.get_json()["errors"]["_general"]


def test_a_groups_tutor_reads_its_members_but_cannot_change_them(client, session, make_cohort, add_member, make_user):
    tutor = make_user(roles=("tutor",))
    cohort = make_cohort(tutors=[tutor])
    _trainee, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    token = _token(session, tutor)
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/members", token=token).status_code == 200
    refused = client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership.id}/withdrawal", token=token,
                         json={})
    assert refused.status_code == 403
    assert _import(client, token, cohort, _csv(f"t@example.org,T,{INSTITUTION},prison_officer,,")).status_code == 403
    assert session.get(CohortMembership, membership.id).status == "active"


def test_another_tutors_group_and_a_trainee_see_no_members(client, session, make_cohort, add_member, make_user):
    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    for user in (make_user(roles=("tutor",)), trainee):
        token = _token(session, user)
        assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/members", token=token).status_code == 404
        assert client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership.id}/withdrawal",
                          token=token, json={}).status_code == 404


def test_a_national_manager_cannot_change_another_beneficiarys_group(client, session, make_cohort, add_member,
                                                                   make_user):
    cohort = make_cohort(beneficiary="RS")
    _trainee, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    token = _token(session, make_user(roles=("manager",), beneficiary="AL", scope="national"))
    assert client.api("POST", f"/api/v1/cohorts/{cohort.id}/members/{membership.id}/withdrawal", token=token,
                      json={}).status_code == 404
    assert _import(client, token, cohort, _csv(f"t@example.org,T,{INSTITUTION},prison_officer,,")).status_code == 404


def test_a_membership_of_another_group_is_not_found_through_this_one(client, session, make_cohort, add_member,
                                                                     regional_manager):
    first, second = make_cohort(), make_cohort()
    _trainee, enrolment = add_member(second)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    token = _token(session, regional_manager)
    assert client.api("POST", f"/api/v1/cohorts/{first.id}/members/{membership.id}/withdrawal", token=token,
                      json={}).status_code == 404


def test_a_dry_run_says_what_the_import_then_does_and_changes_nothing(client, session, make_cohort, add_member,
                                                                      make_user, regional_manager):
    cohort = make_cohort(capacity=10)
    member, _enrolment = add_member(cohort, email="member@example.org")
    known = make_user(email="known@example.org")
    data = _csv(f"new@example.org,New Trainee,{INSTITUTION},prison_officer,,sr_Latn",
                f"member@example.org,Member,{INSTITUTION},prison_officer,,",
                f"known@example.org,Known,{INSTITUTION},probation_officer,,")
    token = _token(session, regional_manager)
    users = session.scalar(db.select(db.func.count(User.id)))
    preview = _import(client, token, cohort, data, dry_run="true")
    assert preview.status_code == 200, preview.get_json()
    planned = preview.get_json()
    assert planned["dry_run"] is True and (planned["created"], planned["enrolled"], planned["unchanged"]) == (1, 1, 1)
    assert session.scalar(db.select(db.func.count(User.id))) == users
    done = _import(client, token, cohort, data).get_json()
    assert done["dry_run"] is False
    assert done["outcomes"] == planned["outcomes"]
    assert [o["outcome"] for o in done["outcomes"]] == ["created", "unchanged", "enrolled"]
    assert known.id and member.id


def test_a_bad_file_is_refused_row_by_row_and_enrols_nobody(client, session, make_cohort, regional_manager):
    cohort = make_cohort()
    data = _csv(f"ok@example.org,Fine,{INSTITUTION},prison_officer,,", "not-an-address,,Nowhere,astronaut,,")
    token = _token(session, regional_manager)
    for fields in ({"dry_run": "true"}, {}):
        response = _import(client, token, cohort, data, **fields)
        assert response.status_code == 422
        messages = response.get_json()["errors"]["file"]
        assert any(message.startswith("Row 3") for message in messages)
    assert session.scalar(db.select(User).where(User.email == "ok@example.org")) is None


def test_an_unknown_multipart_field_is_refused(client, session, make_cohort, regional_manager):
    cohort = make_cohort()
    token = _token(session, regional_manager)
    response = _import(client, token, cohort, _csv(f"ok@example.org,Fine,{INSTITUTION},prison_officer,,"),
                       note="hello")
    assert response.status_code == 422 and "note" in response.get_json()["errors"]
    assert session.scalar(db.select(User).where(User.email == "ok@example.org")) is None


def test_a_tutor_reads_and_sets_their_notification_setting_through_the_api(client, session, make_user):
    tutor, trainee = make_user(roles=("tutor",)), make_user()
    token = _token(session, tutor)
    assert client.api("GET", "/api/v1/tutor/notifications", token=token).get_json() == {"notify": "immediate"}
    saved = client.api("PUT", "/api/v1/tutor/notifications", token=token, json={"notify": "daily"})
    assert saved.status_code == 200 and saved.get_json() == {"notify": "daily"}
    assert client.api("GET", "/api/v1/tutor/notifications", token=token).get_json() == {"notify": "daily"}
    wrong = client.api("PUT", "/api/v1/tutor/notifications", token=token, json={"notify": "hourly"})
    assert wrong.status_code == 422 and "notify" in wrong.get_json()["errors"]
    assert client.api("PUT", "/api/v1/tutor/notifications", token=_token(session, trainee),
                      json={"notify": "daily"}).status_code == 403


def test_managers_list_the_enrolments_they_may_complete_within_their_scope(client, session, make_cohort,
                                                                           add_member, make_user, casework):
    cohort = make_cohort(beneficiary="RS")
    trainee, enrolment = add_member(cohort, full_name="Ivana Offline")
    serbian = _token(session, make_user(roles=("manager",), beneficiary="RS", scope="national"))
    found = client.api("GET", f"/api/v1/manage/completions?q=offline&course={casework.slug}", token=serbian).get_json()
    assert [(e["enrolment_id"], e["user_id"]) for e in found["items"]] == [(enrolment.id, trainee.id)]
    albanian = _token(session, make_user(roles=("manager",), beneficiary="AL", scope="national"))
    assert client.api("GET", "/api/v1/manage/completions", token=albanian).get_json()["items"] == []
    assert client.api("GET", "/api/v1/manage/completions", token=_token(session, trainee)).status_code == 403
