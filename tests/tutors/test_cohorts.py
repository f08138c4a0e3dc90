"""Tutored groups: who creates and edits them, joining with a key, withdrawing and re-admitting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.core.audit import AuditEntry
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.courses.extension_points import details_of
from lms.courses.models import Enrolment
from lms.extensions import db
from lms.tutors.models import Cohort, CohortMembership, MembershipEvent
from lms.tutors.operations import cohorts as ops
from lms.tutors.operations import membership as joining
from tests.conftest import login


def _form(casework, reference, tutor, **overrides):
    data = {"course_id": str(casework.id), "beneficiary_id": str(reference["AL"].id), "name": "Albania spring",
            "language": "sq", "starts_on": "2026-03-02", "ends_on": "2026-05-25", "capacity": "25",
            "tutor_ids": [str(tutor.id)], "is_open": "y"}
    data.update(overrides)
    return data


def test_national_manager_creates_a_group_for_their_beneficiary(client, session, casework, reference, make_user):
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    tutor = make_user(roles=("tutor",), beneficiary="AL")
    login(client, manager)
    response = client.form("/cohorts/new", _form(casework, reference, tutor))
    assert response.status_code == 302
    cohort = session.scalar(db.select(Cohort))
    assert cohort.name == "Albania spring" and cohort.beneficiary.code == "AL" and cohort.language == "sq"
    assert cohort.tutor_ids == {tutor.id} and cohort.capacity == 25
    assert len(cohort.enrolment_key) == 8 and cohort.display_key[4] == "-"
    entry = session.scalar(db.select(AuditEntry).where(AuditEntry.action == "cohort.created"))
    assert entry.actor_id == manager.id and entry.after["name"] == "Albania spring"


def test_national_manager_cannot_create_a_group_for_another_beneficiary(client, session, casework, reference,
                                                                       make_user):
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    tutor = make_user(roles=("tutor",), beneficiary="RS")
    login(client, manager)
    response = client.form("/cohorts/new", _form(casework, reference, tutor, beneficiary_id=str(reference["RS"].id),
                                                 language="sr_Latn"))
    assert response.status_code == 403
    token_response = client.api("POST", "/api/v1/cohorts", json={
        "course": casework.slug, "beneficiary": "RS", "name": "Serbia", "language": "sr_Latn",
        "starts_on": "2026-03-02", "ends_on": "2026-05-25", "capacity": 20, "tutor_ids": [tutor.id]})
    assert token_response.status_code == 403
    assert session.scalar(db.select(db.func.count(Cohort.id))) == 0


def test_national_manager_cannot_edit_or_see_another_beneficiarys_group(client, make_cohort, make_user):
    cohort = make_cohort(beneficiary="RS")
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    login(client, manager)
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}").status_code == 404
    assert client.form(f"/cohorts/{cohort.id}/key").status_code == 403


def test_trainees_and_tutors_cannot_create_groups(client, casework, reference, make_user):
    tutor = make_user(roles=("tutor",))
    for roles in (("trainee",), ("tutor",)):
        fresh = client.application.test_client()
        login(fresh, make_user(roles=roles))
        assert fresh.form("/cohorts/new", _form(casework, reference, tutor)).status_code == 403


def test_every_invalid_field_is_reported_at_once(client, session, casework, reference, make_user,
                                                 regional_manager):
    student = make_user()
    login(client, regional_manager)
    html = client.form("/cohorts/new", _form(casework, reference, student, name="", language="mk",
                                             starts_on="2026-05-01", ends_on="2026-04-01",
                                             capacity="0")).get_data(as_text=True)
    for message in ("Give the group a name.", "Choose one of the beneficiary&#39;s languages, or English.",
                    "The group cannot end before it starts.", "The capacity must be a whole number from 1 to 1000.",
                    "Choose tutors from the list."):
        assert message in html, message
    assert session.scalar(db.select(db.func.count(Cohort.id))) == 0


def test_self_paced_courses_have_no_groups(session, imported, reference, make_user, regional_manager):
    tutor = make_user(roles=("tutor",))
    with pytest.raises(ValidationFailed) as caught:
        ops.create_cohort(session, regional_manager, ops.CohortFields(
            course_id=imported["self-paced-basics"].id, beneficiary_id=reference["RS"].id, name="x",
            language="sr_Latn", starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 1), capacity=5,
            tutor_ids=[tutor.id]))
    assert "course_id" in caught.value.errors


def test_a_stale_edit_is_refused(client, session, make_cohort, regional_manager, casework, reference):
    cohort = make_cohort()
    login(client, regional_manager)
    data = _form(casework, reference, cohort.tutors[0], beneficiary_id=str(reference["RS"].id),
                 language="sr_Latn", name="Renamed", version=str(cohort.version))
    assert client.form(f"/cohorts/{cohort.id}/edit", data).status_code == 302
    response = client.form(f"/cohorts/{cohort.id}/edit", {**data, "name": "Renamed again"})
    assert response.status_code == 409
    session.expire_all()
    assert session.get(Cohort, cohort.id).name == "Renamed"


def test_a_stale_change_of_tutors_alone_is_refused(session, make_cohort, make_user, regional_manager):
    cohort = make_cohort()
    read = cohort.version
    first, second = cohort.tutors[0], make_user(roles=("tutor",))

    def fields(tutor_ids):
        return ops.CohortFields(
            course_id=cohort.course_id, beneficiary_id=cohort.beneficiary_id, name=cohort.name,
            language=cohort.language, starts_on=cohort.starts_on, ends_on=cohort.ends_on, capacity=cohort.capacity,
            tutor_ids=tutor_ids)

    ops.update_cohort(session, regional_manager, cohort, fields([first.id, second.id]), version=read)
    session.commit()
    assert cohort.version == read + 1
    with pytest.raises(Conflict, match="Someone else changed this group"):
        ops.update_cohort(session, regional_manager, cohort, fields([second.id]), version=read)
    session.rollback()
    assert session.get(Cohort, cohort.id).tutor_ids == {first.id, second.id}


def test_every_door_counts_the_same_members(client, session, make_cohort, add_member, regional_manager):
    cohort = make_cohort()
    add_member(cohort)
    _leaver, enrolment = add_member(cohort)
    joining.withdraw_member(session, regional_manager, joining.membership_of(session, enrolment.id))
    session.commit()
    login(client, regional_manager)
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}").get_json()["members"] == 1
    assert [c["members"] for c in client.api("GET", "/api/v1/cohorts").get_json()] == [1]
    assert "1 / 30" in client.get("/cohorts").get_data(as_text=True)
    assert "1 of 30" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert ops.active_member_count(session, cohort.id) == 1


def test_rotating_the_key_retires_the_old_one(client, session, make_cohort, make_user, regional_manager):
    cohort = make_cohort()
    old_key = cohort.enrolment_key
    login(client, regional_manager)
    assert client.form(f"/cohorts/{cohort.id}/key").status_code == 302
    session.expire_all()
    new_key = session.get(Cohort, cohort.id).enrolment_key
    assert new_key != old_key
    trainee = make_user()
    with pytest.raises(ValidationFailed):
        joining.join_with_key(session, trainee, old_key)
    membership, changed = joining.join_with_key(session, trainee, new_key)
    assert changed


def test_keys_compare_case_insensitively_and_ignore_dashes(session, make_cohort, make_user):
    cohort = make_cohort()
    trainee = make_user()
    typed = f" {cohort.display_key.lower()} "
    membership, changed = joining.join_with_key(session, trainee, typed)
    assert changed and membership.cohort_id == cohort.id


def test_trainee_joins_from_the_course_page(client, session, casework, make_cohort, make_user):
    cohort = make_cohort()
    trainee = make_user()
    login(client, trainee)
    html = client.get(f"/courses/{casework.slug}").get_data(as_text=True)
    assert 'action="/join"' in html and "Enrolment key" in html
    response = client.form("/join", {"key": cohort.display_key})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{casework.slug}")
    enrolment = session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id))
    assert enrolment.is_active
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    assert membership.cohort_id == cohort.id and membership.via == "key"
    again = client.form("/join", {"key": cohort.display_key})  # a double click
    assert again.status_code == 302
    assert session.scalar(db.select(db.func.count(CohortMembership.id))) == 1


def test_wrong_key_is_refused_with_a_field_error(client, session, make_cohort, make_user):
    make_cohort()
    login(client, make_user())
    response = client.form("/join", {"key": "ZZZZ-ZZZZ"})
    assert response.status_code == 422
    assert "This enrolment key is not valid." in response.get_data(as_text=True)
    api = client.api("POST", "/api/v1/cohorts/join", json={"key": "ZZZZ-ZZZZ"})
    assert api.status_code == 422 and "key" in api.get_json()["errors"]
    assert session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_a_full_group_refuses_the_next_trainee(session, make_cohort, make_user, add_member):
    cohort = make_cohort(capacity=1)
    add_member(cohort)
    with pytest.raises(Conflict, match="This group is full."):
        joining.join_with_key(session, make_user(), cohort.enrolment_key)


def test_a_closed_or_ended_group_refuses_new_members(session, make_cohort, make_user):
    closed = make_cohort(is_open=False)
    with pytest.raises(NotAllowed, match="not accepting new members"):
        joining.join_with_key(session, make_user(), closed.enrolment_key)
    session.rollback()
    ended = make_cohort(starts_on=date.today() - timedelta(days=100), ends_on=date.today() - timedelta(days=1))
    with pytest.raises(NotAllowed, match="not accepting new members"):
        joining.join_with_key(session, make_user(), ended.enrolment_key)


def test_another_beneficiarys_trainee_needs_the_managers_permission(client, session, make_cohort, make_user):
    strict = make_cohort(beneficiary="RS")
    albanian = make_user(beneficiary="AL")
    login(client, albanian)
    response = client.api("POST", "/api/v1/cohorts/join", json={"key": strict.enrolment_key})
    assert response.status_code == 403
    open_to_all = make_cohort(beneficiary="RS", allow_other_beneficiaries=True)
    response = client.api("POST", "/api/v1/cohorts/join", json={"key": open_to_all.enrolment_key})
    assert response.status_code == 201 and response.get_json()["cohort"]["id"] == open_to_all.id


def test_only_trainees_join_with_a_key(session, make_cohort, make_user):
    cohort = make_cohort()
    with pytest.raises(NotAllowed):
        joining.join_with_key(session, make_user(roles=("tutor",)), cohort.enrolment_key)


def test_a_trainee_is_in_one_group_per_course(session, make_cohort, make_user, add_member):
    first, second = make_cohort(), make_cohort()
    trainee, _ = add_member(first)
    with pytest.raises(Conflict, match="already a member of the group"):
        joining.join_with_key(session, trainee, second.enrolment_key)


def test_withdraw_and_readmit_keep_the_history(client, session, make_cohort, add_member, regional_manager):
    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    login(client, regional_manager)
    client.form(f"/cohorts/{cohort.id}/members/{membership.id}/withdraw", {"reason": "changed jobs"})
    session.expire_all()
    assert session.get(CohortMembership, membership.id).status == "withdrawn"
    assert session.get(Enrolment, enrolment.id).status == "withdrawn"
    with pytest.raises(NotAllowed, match="withdrawn from this group"):
        joining.join_with_key(session, trainee, cohort.enrolment_key)
    session.rollback()
    client.form(f"/cohorts/{cohort.id}/members/{membership.id}/readmit")
    session.expire_all()
    assert session.get(CohortMembership, membership.id).status == "active"
    assert session.get(Enrolment, enrolment.id).id == enrolment.id and session.get(Enrolment, enrolment.id).is_active
    events = session.execute(db.select(MembershipEvent.action, MembershipEvent.reason)
                             .where(MembershipEvent.membership_id == membership.id)
                             .order_by(MembershipEvent.id)).all()
    assert [tuple(e) for e in events] == [("joined", None), ("withdrawn", "changed jobs"), ("readmitted", None)]
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "changed jobs" in html and "re-admitted" in html


def test_tutors_cannot_withdraw_members(client, session, make_cohort, add_member):
    cohort = make_cohort()
    _trainee, enrolment = add_member(cohort)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    login(client, cohort.tutors[0])
    assert client.form(f"/cohorts/{cohort.id}/members/{membership.id}/withdraw").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200


def test_registries_know_the_group_of_an_enrolment(session, make_cohort, add_member, make_user, casework):
    cohort = make_cohort(language="sr_Latn")
    trainee, enrolment = add_member(cohort)
    tutor = cohort.tutors[0]
    details = details_of(session, enrolment)
    assert details == {"cohort_id": cohort.id, "cohort": cohort.name, "beneficiary": cohort.beneficiary,
                       "tutors": [tutor.full_name], "language": "sr_Latn"}
    assert enrolment.can_be_read_by(tutor) and enrolment.can_be_graded_by(tutor)
    national = make_user(roles=("manager",), beneficiary="RS", scope="national")
    elsewhere = make_user(roles=("manager",), beneficiary="AL", scope="national")
    assert enrolment.can_be_read_by(national) and not enrolment.can_be_graded_by(national)
    assert not enrolment.can_be_read_by(elsewhere)
    other_tutor = make_user(roles=("tutor",))
    assert not enrolment.can_be_read_by(other_tutor) and not enrolment.can_be_graded_by(other_tutor)
    assert casework.can_be_previewed_by(tutor) and not casework.can_be_previewed_by(other_tutor)


def test_the_list_pages_show_each_role_their_groups(client, make_cohort, make_user, add_member, regional_manager):
    mine, _other = make_cohort(name="Mine"), make_cohort(name="Theirs")
    add_member(mine)
    login(client, mine.tutors[0])
    html = client.get("/tutor/groups").get_data(as_text=True)
    assert "Mine" in html and "Theirs" not in html
    assert client.get("/cohorts").status_code == 403
    fresh = client.application.test_client()
    login(fresh, regional_manager)
    html = fresh.get("/cohorts").get_data(as_text=True)
    assert "Mine" in html and "Theirs" in html


def test_demo_hook_creates_the_serbian_group_once(session, content_copy, reference):
    import shutil

    from lms.accounts.demo import ensure_demo_accounts
    from lms.courses.importer import import_content
    from lms.tutors.demo import DEMO_COURSE, demo_cohort

    shutil.move(content_copy / "tutored-casework", content_copy / DEMO_COURSE)
    course_yaml = content_copy / DEMO_COURSE / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("slug: tutored-casework", f"slug: {DEMO_COURSE}"))
    import_content(session, content_copy)
    ensure_demo_accounts(session)
    first = demo_cohort(session)
    session.commit()
    second = demo_cohort(session)
    session.commit()
    cohort = session.scalar(db.select(Cohort))
    assert session.scalar(db.select(db.func.count(Cohort.id))) == 1
    assert cohort.language == "sr_Latn" and cohort.beneficiary.code == "RS"
    assert [t.email for t in cohort.tutors] == ["tutor@demo.lms"]
    assert first == second and cohort.display_key in first[0]
    members = session.scalars(db.select(CohortMembership)).all()
    assert len(members) == 1 and members[0].enrolment.user.email == "trainee@demo.lms"


def test_guessing_keys_is_rate_limited_across_page_and_api(client, make_cohort, make_user, rate_limited):
    make_cohort()
    login(client, make_user())
    statuses = [client.form("/join", {"key": f"WRONG{n:03d}"}).status_code for n in range(20)]
    statuses += [client.api("POST", "/api/v1/cohorts/join", json={"key": f"WRONG{n:03d}"}).status_code
                 for n in range(20)]
    assert statuses[:30] == [422] * 30
    assert statuses[30:] == [429] * 10


def test_two_tutors_of_the_same_name_are_told_apart_in_the_group_form(client, casework, make_user):
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    for email in ("arben.hoxha@example.org", "arben.hoxha2@example.org"):
        make_user(roles=("tutor",), beneficiary="AL", email=email, full_name="Arben Hoxha")
    login(client, manager)
    html = client.get("/cohorts/new").get_data(as_text=True)
    assert "Arben Hoxha (Albania, arben.hoxha@example.org)" in html
    assert "Arben Hoxha (Albania, arben.hoxha2@example.org)" in html
