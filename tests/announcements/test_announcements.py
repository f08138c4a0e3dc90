"""Announcements: who posts to whom, who reads, and each reader told once in their language."""

from __future__ import annotations

import pytest

from lms.accounts.operations import create_api_token
from lms.announcements.models import Announcement
from lms.core.mail import OutboxMail
from lms.extensions import db
from lms.notifications.models import Notification
from tests.conftest import login

POST = {"title": "Webinar on Thursday", "body": "We meet on **Thursday** at 10:00.\n\n<script>alert(1)</script>"}


def _token(session, user) -> str:
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def _mails(session, address):
    return list(session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == address)))


def test_a_tutor_announces_to_the_group_each_member_told_once_in_their_language(
        client, session, make_cohort, add_member):
    cohort = make_cohort()
    albanian, _ = add_member(cohort, language="sq")
    serbian, _ = add_member(cohort, language="sr_Cyrl")
    tutor = cohort.tutors[0]
    login(client, tutor)
    response = client.form(f"/cohorts/{cohort.id}/announcements", POST)
    assert response.status_code == 303
    announcement = session.scalar(db.select(Announcement))
    assert "<script>" not in announcement.html and "<strong>Thursday</strong>" in announcement.html
    for member in (albanian, serbian):
        [notification] = session.scalars(db.select(Notification).where(Notification.recipient_id == member.id))
        assert notification.kind == "announcement"
        [mail] = _mails(session, member.email)
        assert "We meet on **Thursday**" in mail.text  # the author's words
        assert "Hello" not in mail.text and "Open it" not in mail.text  # the frame in the reader's language
    assert _mails(session, tutor.email) == []  # the author is not told of their own announcement
    # The task runs again (a retry): nobody is told twice.
    from lms.announcements.operations import tell_readers

    assert tell_readers(session, announcement.id) == 0


def test_members_read_it_on_the_course_page_and_dashboard(client, session, make_cohort, add_member):
    cohort = make_cohort()
    member, _ = add_member(cohort)
    tutor_client = client.application.test_client()
    login(tutor_client, cohort.tutors[0])
    tutor_client.form(f"/cohorts/{cohort.id}/announcements", POST)
    login(client, member)
    assert "Webinar on Thursday" in client.get(f"/courses/{cohort.course.slug}").get_data(as_text=True)
    assert "Webinar on Thursday" in client.get("/dashboard").get_data(as_text=True)
    assert "Webinar on Thursday" in client.get(f"/cohorts/{cohort.id}/announcements").get_data(as_text=True)
    announcement = session.scalar(db.select(Announcement))
    assert client.get(f"/announcements/{announcement.id}").status_code == 200


def test_the_pages_ask_for_the_newest_only_of_someone_with_announcements(client, session, make_cohort, add_member,
                                                                        count_queries):
    """Whether the reader has any is asked with the session check: a member of a group without
    announcements (or of none) costs the dashboard and the course page no statement for them;
    the first announcement shows on both, and is read there."""
    cohort = make_cohort()
    member, _ = add_member(cohort)
    login(client, member)
    pages = ("/dashboard", f"/courses/{cohort.course.slug}")

    def listing(page) -> list[str]:
        with count_queries() as counter:
            client.get(page)
        return [s for s in counter.statements if "FROM announcement" in s and "user_session" not in s]

    assert [listing(page) for page in pages] == [[], []]
    tutor_client = client.application.test_client()
    login(tutor_client, cohort.tutors[0])
    assert tutor_client.form(f"/cohorts/{cohort.id}/announcements", POST).status_code == 303
    for page in pages:
        assert len(listing(page)) == 1, page
        assert "Webinar on Thursday" in client.get(page).get_data(as_text=True), page


def test_refusals_in_both_doors(client, session, make_cohort, add_member, make_user):
    cohort = make_cohort()
    other_group = make_cohort()
    member, _ = add_member(cohort)
    outsider, _ = add_member(other_group)
    other_tutor = other_group.tutors[0]
    out_of_scope = make_user(roles=("manager",), beneficiary="AL", scope="national")
    for user, status in ((member, 403), (other_tutor, 404), (out_of_scope, 404), (outsider, 404)):
        page_client = client.application.test_client()
        login(page_client, user)
        assert page_client.form(f"/cohorts/{cohort.id}/announcements", POST).status_code == status, user
        token = _token(session, user)
        assert client.api("POST", f"/api/v1/cohorts/{cohort.id}/announcements", json=POST,
                          token=token).status_code == status, user
    assert session.scalar(db.select(db.func.count()).select_from(Announcement)) == 0
    # Reading: another group's announcement does not exist for a trainee of another group.
    tutor_client = client.application.test_client()
    login(tutor_client, cohort.tutors[0])
    tutor_client.form(f"/cohorts/{cohort.id}/announcements", POST)
    announcement = session.scalar(db.select(Announcement))
    token = _token(session, outsider)
    assert client.api("GET", f"/api/v1/announcements/{announcement.id}", token=token).status_code == 404
    assert client.api("GET", f"/api/v1/cohorts/{cohort.id}/announcements", token=token).status_code == 404
    outsider_client = client.application.test_client()
    login(outsider_client, outsider)
    assert outsider_client.get(f"/announcements/{announcement.id}").status_code == 404


def test_a_manager_announces_to_all_groups_of_a_course_in_scope(client, session, make_cohort, add_member,
                                                                 make_user, casework):
    in_scope_a, in_scope_b = make_cohort(), make_cohort()
    elsewhere = make_cohort(beneficiary="AL", language="sq")
    a, _ = add_member(in_scope_a)
    b, _ = add_member(in_scope_b)
    c, _ = add_member(elsewhere)
    manager = make_user(roles=("manager",), beneficiary="RS", scope="national")
    token = _token(session, manager)
    response = client.api("POST", f"/api/v1/courses/{casework.slug}/announcements", json=POST, token=token)
    assert response.status_code == 201
    assert response.get_json()["cohorts"] == sorted([in_scope_a.id, in_scope_b.id])
    told = set(session.scalars(db.select(Notification.recipient_id).where(Notification.kind == "announcement")))
    assert {a.id, b.id} <= told and c.id not in told
    trainee_token = _token(session, a)
    assert client.api("POST", f"/api/v1/courses/{casework.slug}/announcements", json=POST,
                      token=trainee_token).status_code == 403
    assert client.api("GET", f"/api/v1/courses/{casework.slug}/announcements",
                      token=trainee_token).get_json()["total"] == 1


@pytest.mark.parametrize("fields", [{"title": "", "body": "x"}, {"title": "x" * 201, "body": "x"},
                                    {"title": "T", "body": ""}])
def test_bad_input_is_refused_and_changes_nothing(client, session, make_cohort, fields):
    cohort = make_cohort()
    login(client, cohort.tutors[0])
    assert client.form(f"/cohorts/{cohort.id}/announcements", fields).status_code == 422
    token = _token(session, cohort.tutors[0])
    assert client.application.test_client().api("POST", f"/api/v1/cohorts/{cohort.id}/announcements", json=fields,
                      token=token).status_code == 422
    assert session.scalar(db.select(db.func.count()).select_from(Announcement)) == 0


def test_queries_of_the_group_list_do_not_grow(client, session, make_cohort, count_queries):
    cohort = make_cohort()
    login(client, cohort.tutors[0])
    client.form(f"/cohorts/{cohort.id}/announcements", POST)
    client.get(f"/cohorts/{cohort.id}/announcements")
    with count_queries() as few:
        client.get(f"/cohorts/{cohort.id}/announcements")
    for n in range(6):
        client.form(f"/cohorts/{cohort.id}/announcements", {"title": f"T{n}", "body": "b"})
    with count_queries() as many:
        client.get(f"/cohorts/{cohort.id}/announcements")
    assert many.count == few.count
