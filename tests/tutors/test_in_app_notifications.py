"""Grading tells the trainee in the notification centre, in their language, once per review."""

from __future__ import annotations

from datetime import date, timedelta

from lms.core.mail import OutboxMail
from lms.extensions import db
from lms.notifications.models import Notification
from tests.conftest import login


def _grade(client, submission, outcome, criterion="2"):
    return client.form(f"/submissions/{submission.id}", {
        "version": str(submission.version), "criterion_analysis": criterion, "criterion_action": "0",
        "feedback": "Dodajte činjenice.", "outcome": outcome,
        "due_on": (date.today() + timedelta(days=9)).isoformat()})


def test_a_returned_case_study_is_a_notification_that_opens_it(client, session, make_cohort, add_member,
                                                               assignments, submit_work):
    cohort = make_cohort()
    trainee, _ = add_member(cohort, language="sr_Latn")
    case = assignments["assessment-case"]
    submission = submit_work(trainee, case)
    login(client, cohort.tutors[0])
    assert _grade(client, submission, "returned").status_code == 303
    [notification] = session.scalars(db.select(Notification).where(Notification.recipient_id == trainee.id))
    assert notification.kind == "resubmission_requested"
    assert len(session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == trainee.email)).all()) == 1

    trainee_client = client.application.test_client()
    login(trainee_client, trainee)
    page = trainee_client.get("/notifications").get_data(as_text=True)
    assert "Studija slučaja: novi zatvorenik" in page  # the title in her language
    opened = trainee_client.form(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"].endswith(f"/courses/{case.course.slug}/assignments/{case.slug}")


def test_an_accepted_case_study_notifies_graded(client, session, make_cohort, add_member, assignments, submit_work,
                                                full_marks):
    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    submission = submit_work(trainee, assignments["assessment-case"])
    login(client, cohort.tutors[0])
    fields = {f"criterion_{slug}": str(points) for slug, points in full_marks(submission.assignment).items()}
    response = client.form(f"/submissions/{submission.id}", {
        "version": str(submission.version), "feedback": "Good.", "outcome": "accepted", **fields})
    assert response.status_code == 303
    kinds = session.scalars(db.select(Notification.kind).where(Notification.recipient_id == trainee.id)).all()
    assert "case_study_graded" in kinds
