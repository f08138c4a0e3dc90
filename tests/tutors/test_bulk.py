"""Bulk enrolment from CSV: every row checked first; one transaction; a bad row enrols nobody."""

from __future__ import annotations

import io

import pytest

from lms.accounts.models import User
from lms.core.mail import OutboxMail
from lms.courses.models import Enrolment
from lms.extensions import db
from lms.tutors.models import CohortMembership
from lms.tutors.operations import csv_enrolment as bulk
from tests.conftest import login

INSTITUTION = "Correctional Institution Niš"


def _csv(rows: list[str], header: str = "email,full_name,institution,profession,gender,language") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _upload(client, cohort, data: bytes, name: str = "trainees.csv"):
    return client.post(f"/cohorts/{cohort.id}/enrol", data={"csrf_token": client.csrf_token(),
                                                              "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _counts(session):
    return (session.scalar(db.select(db.func.count(User.id))),
            session.scalar(db.select(db.func.count(CohortMembership.id))))


def test_five_hundred_valid_rows_enrol_five_hundred_in_one_transaction(client, app, session, make_cohort,
                                                                      regional_manager, deferred_tasks):
    from sqlalchemy import event

    cohort = make_cohort(capacity=600)
    rows = [f"trainee{n}@example.org,Trainee Number {n},{INSTITUTION},prison_officer,,sr_Latn" for n in range(500)]
    users_before, _ = _counts(session)
    login(client, regional_manager)
    commits = []
    engine = db.engine

    def count_commit(connection):
        commits.append(connection)

    event.listen(engine, "commit", count_commit)
    try:
        response = _upload(client, cohort, _csv(rows))
    finally:
        event.remove(engine, "commit", count_commit)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    users_after, members = _counts(session)
    assert users_after - users_before == 500 and members == 500
    # The request committed once; the test's own session commits around the request. The
    # 500 welcome mails wait in the queue for a worker, none sent inside the request.
    assert len(commits) <= 3
    assert deferred_tasks.pending_count() == 500
    enrolments = session.scalars(db.select(Enrolment).where(Enrolment.course_id == cohort.course_id)).all()
    assert len(enrolments) == 500 and all(e.is_active for e in enrolments)
    user = session.scalar(db.select(User).where(User.email == "trainee7@example.org"))
    assert user.password_hash is None and user.institution.name == INSTITUTION and user.language == "sr_Latn"
    assert user.roles == {"trainee"} and user.beneficiary_id == cohort.beneficiary_id


def test_one_bad_row_at_the_end_of_a_long_file_enrols_nobody(client, session, make_cohort, regional_manager):
    cohort = make_cohort(capacity=600)
    rows = [f"trainee{n}@example.org,Trainee {n},{INSTITUTION},prison_officer,,sr_Latn" for n in range(499)]
    rows.append(f"last@example.org,Last Trainee,{INSTITUTION},prison_officer,,xx")
    users_before, _ = _counts(session)
    login(client, regional_manager)
    response = _upload(client, cohort, _csv(rows))
    assert response.status_code == 422
    assert "<tr><td>501</td><td>unknown language “xx”" in response.get_data(as_text=True)
    assert _counts(session) == (users_before, 0)


def test_each_bad_row_is_named_and_nobody_is_enrolled(client, session, make_cohort, regional_manager):
    cohort = make_cohort()
    rows = [
        f"good@example.org,Good Trainee,{INSTITUTION},prison_officer,female,sr_Latn",          # row 2
        "bad-institution@example.org,Ana Anić,Prison of Nowhere,prison_officer,,sr_Latn",      # row 3
        f"not-an-email,Marko Markić,{INSTITUTION},psychologist,,sr_Latn",                      # row 4
        f"good@example.org,Same Address,{INSTITUTION},Social worker,,en",                      # row 5
        f"lang@example.org,Jovana Jović,{INSTITUTION},prison_officer,,klingon",                # row 6
    ]
    users_before, _ = _counts(session)
    login(client, regional_manager)
    response = _upload(client, cohort, _csv(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "4 problems found; nobody was enrolled." in html
    for row, message in ((3, "unknown institution “Prison of Nowhere”"),
                         (4, "“not-an-email” is not a valid e-mail address."),
                         (5, "the e-mail address good@example.org is also on row 2."),
                         (6, "unknown language “klingon”")):
        assert f"<tr><td>{row}</td><td>{message}" in html, (row, message)
    assert _counts(session) == (users_before, 0)


def test_the_operation_reports_row_numbers_without_the_page(session, make_cohort, regional_manager):
    cohort = make_cohort()
    data = _csv([f"a@example.org,A,{INSTITUTION},astronaut,,", f"b@example.org,,{INSTITUTION},prison_officer,x,"])
    with pytest.raises(bulk.CsvInvalid) as caught:
        bulk.import_members(session, regional_manager, cohort, data)
    assert caught.value.rows == [(2, "unknown profession “astronaut”."), (3, "the full name is missing."),
                                 (3, "unknown gender “x”.")]
    assert caught.value.errors["file"][0] == "Row 2: unknown profession “astronaut”."


def test_labels_semicolons_and_existing_accounts(client, session, make_cohort, make_user, regional_manager):
    cohort = make_cohort()
    existing = make_user(email="known@example.org", full_name="Known Person", language="en")
    data = _csv([f"KNOWN@example.org;Whatever Name;{INSTITUTION.upper()};Prison officer;Woman;",
                 f"new@example.org;New Person;{INSTITUTION};Probation officer;prefer not to say;EN"],
                header="E-mail;Full name;Institution;Profession;Gender;Language")
    login(client, regional_manager)
    response = _upload(client, cohort, data)
    assert response.status_code == 302
    session.expire_all()
    known = session.get(User, existing.id)
    assert known.full_name == "Known Person"  # an existing account is enrolled, not rewritten
    new = session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert new.profession == "probation_officer" and new.gender == "undisclosed" and new.language == "en"
    members = session.scalars(db.select(CohortMembership).where(CohortMembership.cohort_id == cohort.id)).all()
    assert {m.enrolment.user.email for m in members} == {"known@example.org", "new@example.org"}
    assert all(m.via == "import" for m in members)


def test_new_accounts_get_a_set_password_link_and_existing_ones_a_notice(session, make_cohort, make_user,
                                                                         regional_manager):
    cohort = make_cohort()
    make_user(email="known@example.org")
    data = _csv([f"known@example.org,K,{INSTITUTION},prison_officer,,",
                 f"new@example.org,N,{INSTITUTION},prison_officer,,"])
    bulk.import_members(session, regional_manager, cohort, data)
    mails = {mail.recipient: mail for mail in session.scalars(db.select(OutboxMail))}
    assert "/reset-password/" in mails["new@example.org"].text
    assert "enrolled you in the tutored group" in mails["known@example.org"].text
    session.rollback()


def test_existing_accounts_that_cannot_join_are_reported(session, make_cohort, make_user, add_member,
                                                         regional_manager):
    cohort, other = make_cohort(), make_cohort(name="Other group")
    make_user(email="albanian@example.org", beneficiary="AL")
    make_user(email="tutor@example.org", roles=("tutor",))
    add_member(other, email="busy@example.org")
    data = _csv([f"albanian@example.org,A,{INSTITUTION},prison_officer,,",
                 f"tutor@example.org,T,{INSTITUTION},prison_officer,,",
                 f"busy@example.org,B,{INSTITUTION},prison_officer,,"])
    with pytest.raises(bulk.CsvInvalid) as caught:
        bulk.import_members(session, regional_manager, cohort, data)
    messages = dict(caught.value.rows)
    assert "belongs to another beneficiary" in messages[2]
    assert "is not a trainee account" in messages[3]
    assert "already a member of the group “Other group”" in messages[4]


def test_the_file_must_fit_the_groups_capacity(session, make_cohort, regional_manager):
    cohort = make_cohort(capacity=1)
    data = _csv([f"a@example.org,A,{INSTITUTION},prison_officer,,", f"b@example.org,B,{INSTITUTION},prison_officer,,"])
    with pytest.raises(bulk.CsvInvalid) as caught:
        bulk.import_members(session, regional_manager, cohort, data)
    assert caught.value.rows == [(None, "The group has room for 1 more trainee; the file would add 2.")]


@pytest.mark.parametrize(("data", "message"), [
    (b"email,full_name\n", "The header row lacks the column(s): institution, profession."),
    (b"email,full_name,institution,profession,age\n", "Unknown column(s): age."),
    (b"email,full_name,institution,profession\n", "The file has a header but no trainees."),
    ("email,full_name,institution,profession\nš@x.org,Ž,N,prison_officer\n".encode("cp1250"),
     "The file is not UTF-8 text."),
    (b"", "The file is empty."),
])
def test_a_malformed_file_gets_a_clear_message(session, make_cohort, regional_manager, data, message):
    cohort = make_cohort()
    with pytest.raises(bulk.CsvInvalid) as caught:
        bulk.import_members(session, regional_manager, cohort, data)
    assert caught.value.rows[0][1].startswith(message)


def test_withdrawn_members_in_the_file_are_readmitted(session, make_cohort, add_member, regional_manager):
    from lms.tutors.operations import membership as ops

    cohort = make_cohort()
    trainee, enrolment = add_member(cohort, email="back@example.org")
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    ops.withdraw_member(session, regional_manager, membership)
    session.commit()
    report = bulk.import_members(session, regional_manager, cohort,
                                 _csv([f"back@example.org,B,{INSTITUTION},prison_officer,,"]))
    session.commit()
    assert report.readmitted == 1 and report.created == 0
    session.expire_all()
    assert session.get(CohortMembership, membership.id).status == "active"


def test_only_the_groups_managers_import(client, make_cohort, make_user):
    cohort = make_cohort(beneficiary="RS")
    for user in (make_user(roles=("manager",), beneficiary="AL", scope="national"), cohort.tutors[0], make_user()):
        fresh = client.application.test_client()
        login(fresh, user)
        assert _upload(fresh, cohort, _csv([f"a@example.org,A,{INSTITUTION},prison_officer,,"])).status_code == 403
