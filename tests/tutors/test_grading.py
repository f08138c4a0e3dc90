"""Rubric grading: outcomes, rounds, completion, conflicts between tutors, corrections, the audit log."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from lms.core.audit import AuditEntry
from lms.core.errors import ValidationFailed
from lms.courses.extension_points import COURSE_COMPLETED
from lms.courses.models import Enrolment, Lesson
from lms.courses.operations import complete_lesson, learning_path
from lms.extensions import db
from lms.tutors.models import Submission
from lms.tutors.operations import grading
from tests.conftest import login


def _grade_form(submission, assignment, levels, *, outcome="accepted", feedback="Well argued.", due_on=""):
    data = {"version": str(submission.version), "feedback": feedback, "outcome": outcome, "due_on": due_on}
    data.update({f"criterion_{slug}": str(points) for slug, points in levels.items()})
    return data


def _audit(session, submission_id):
    return session.scalars(db.select(AuditEntry).where(AuditEntry.subject_type == "submission",
                                                       AuditEntry.subject_id == submission_id)
                           .order_by(AuditEntry.id)).all()


@pytest.fixture
def submitted(make_cohort, add_member, assignments, submit_work):
    """A group, its tutor, a trainee and their submitted first case study."""
    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    case = assignments["assessment-case"]
    return cohort, cohort.tutors[0], trainee, enrolment, case, submit_work(trainee, case)


def test_tutor_grades_with_the_rubric_and_the_score_is_computed(client, session, submitted):
    cohort, tutor, trainee, _enrolment, case, submission = submitted
    login(client, tutor)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Grade this round" in page and 'name="criterion_analysis"' in page
    response = client.form(f"/submissions/{submission.id}", _grade_form(submission, case, {"analysis": 2, "action": 3}))
    assert response.status_code == 303
    session.expire_all()
    graded = session.get(Submission, submission.id)
    assert graded.status == "accepted" and graded.score == 5 and graded.max_score == 7
    round_ = graded.rounds[0]
    assert round_.reviewer_id == tutor.id and round_.feedback == "Well argued."
    assert round_.levels == {"analysis": 2, "action": 3}
    assert round_.scores[0]["level"]["en"] == "Partial"
    entries = _audit(session, submission.id)
    assert [e.action for e in entries] == ["submission.graded"]
    assert entries[0].actor_id == tutor.id and entries[0].before["status"] == "submitted"
    assert entries[0].after["score"] == 5 and entries[0].after["outcome"] == "accepted"


def test_every_missing_part_of_a_grade_is_reported(client, session, submitted):
    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    login(client, tutor)
    response = client.form(f"/submissions/{submission.id}",
                           _grade_form(submission, case, {"analysis": 2}, outcome="returned", feedback=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a level for “Proportionate next steps”." in html
    assert "Write feedback for the trainee." in html
    assert "Give a date by which the trainee should resubmit." in html
    # The errors are summed up above everything else, each a link to its field.
    summary = html[html.index('id="grade-errors"'):html.index("</div>", html.index('id="grade-errors"'))]
    assert html.index('id="grade-errors"') < html.index("<dl class=\"facts\">")
    assert 'href="#grade-action-' in summary and "Choose a level for “Proportionate next steps”." in summary
    assert 'href="#feedback"' in summary and 'href="#due_on"' in summary
    with pytest.raises(ValidationFailed) as caught:
        grading.grade_submission(session, tutor, submission, version=submission.version,
                                 levels={"analysis": 1, "action": 3}, feedback="x", outcome="accepted", due_on=None)
    assert "criterion_analysis" in caught.value.errors  # 1 is not one of the levels' points
    session.expire_all()
    assert session.get(Submission, submission.id).status == "submitted"
    assert _audit(session, submission.id) == []


def test_a_resubmission_round_keeps_the_history(client, session, submitted, full_marks):
    _cohort, tutor, trainee, _enrolment, case, submission = submitted
    due = (date.today() + timedelta(days=10)).isoformat()
    login(client, tutor)
    client.form(f"/submissions/{submission.id}", _grade_form(submission, case, {"analysis": 0, "action": 0},
                                                               outcome="returned", feedback="Add the facts.",
                                                               due_on=due))
    trainee_client = client.application.test_client()
    login(trainee_client, trainee)
    page = f"/courses/{case.course.slug}/assignments/{case.slug}"
    html = trainee_client.get(page).get_data(as_text=True)
    assert "Add the facts." in html and "Resubmission requested" in html and 'name="body"' in html
    trainee_client.form(page, {"body": "Second version with the facts.", "action": "submit"})
    session.expire_all()
    resubmitted = session.get(Submission, submission.id)
    assert resubmitted.status == "submitted" and [r.number for r in resubmitted.rounds] == [1, 2]
    assert resubmitted.rounds[0].outcome == "returned" and resubmitted.rounds[0].feedback == "Add the facts."
    assert resubmitted.rounds[1].body == "Second version with the facts." and not resubmitted.rounds[1].is_reviewed
    client.form(f"/submissions/{submission.id}", _grade_form(resubmitted, case, full_marks(case)))
    session.expire_all()
    final = session.get(Submission, submission.id)
    assert final.status == "accepted" and final.rounds[1].score == 7
    assert [e.action for e in _audit(session, submission.id)] == ["submission.graded", "submission.graded"]
    html = trainee_client.get(page).get_data(as_text=True)
    assert "Earlier rounds" in html and "Add the facts." in html and "Score: 7 of 7" in html


def test_accepting_the_last_requirement_completes_the_course_in_the_same_transaction(
        session, submitted, assignments, submit_work, full_marks):
    _cohort, tutor, trainee, enrolment, case, first = submitted
    for lesson in session.scalars(db.select(Lesson).where(Lesson.course_id == enrolment.course_id)):
        complete_lesson(session, trainee, lesson)
    session.commit()
    second = submit_work(trainee, assignments["release-case"])
    completions = []

    def on_completed(_session, completed):
        completions.append(completed.id)

    with COURSE_COMPLETED.added(on_completed):
        grading.grade_submission(session, tutor, first, version=first.version, levels=full_marks(case),
                                 feedback="Good.", outcome="accepted", due_on=None)
        assert session.get(Enrolment, enrolment.id).completed_at is None
        release = assignments["release-case"]
        grading.grade_submission(session, tutor, second, version=second.version, levels=full_marks(release),
                                 feedback="Good.", outcome="accepted", due_on=None)
        assert session.get(Enrolment, enrolment.id).completed_at is not None  # before any commit
        session.commit()
    assert completions == [enrolment.id]
    assert session.get(Enrolment, enrolment.id).progress_percent == 100


def test_a_review_is_not_the_trainees_activity(session, submitted, full_marks):
    _cohort, tutor, _trainee, enrolment, case, submission = submitted
    before = session.get(Enrolment, enrolment.id).last_activity_at
    grading.grade_submission(session, tutor, submission, version=submission.version, levels=full_marks(case),
                             feedback="Good.", outcome="accepted", due_on=None)
    session.commit()
    assert session.get(Enrolment, enrolment.id).last_activity_at == before


def test_a_tutor_cannot_see_or_grade_another_groups_work(client, session, submitted, make_cohort, full_marks):
    _cohort, _tutor, _trainee, _enrolment, case, submission = submitted
    other = make_cohort(name="Other group")
    stranger = other.tutors[0]
    login(client, stranger)
    assert client.get(f"/submissions/{submission.id}").status_code == 404
    assert client.form(f"/submissions/{submission.id}", _grade_form(submission, case, full_marks(case))).status_code == 404
    assert client.api("GET", f"/api/v1/submissions/{submission.id}").status_code == 404
    response = client.api("POST", f"/api/v1/submissions/{submission.id}/grade", json={
        "version": submission.version, "levels": full_marks(case), "feedback": "x", "outcome": "accepted"})
    assert response.status_code == 404
    for guessed in range(submission.id + 1, submission.id + 5):  # ids that do not exist answer the same
        assert client.api("GET", f"/api/v1/submissions/{guessed}").status_code == 404
    queue = client.api("GET", "/api/v1/tutor/queue").get_json()
    assert queue["items"] == [] and queue["total"] == 0
    session.expire_all()
    assert session.get(Submission, submission.id).status == "submitted"


def test_a_manager_reads_the_work_and_the_log_but_does_not_grade(client, session, submitted, regional_manager,
                                                                 full_marks, make_user):
    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    grading.grade_submission(session, tutor, submission, version=submission.version, levels=full_marks(case),
                             feedback="Good.", outcome="accepted", due_on=None)
    session.commit()
    login(client, regional_manager)
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Grading log" in html and "graded" in html and "Correct the grade" not in html
    log = client.api("GET", f"/api/v1/submissions/{submission.id}/audit").get_json()
    assert [entry["action"] for entry in log] == ["submission.graded"] and log[0]["actor_id"] == tutor.id
    response = client.api("POST", f"/api/v1/submissions/{submission.id}/correction", json={
        "version": submission.version, "levels": full_marks(case), "feedback": "x", "outcome": "accepted",
        "reason": "mine"})
    assert response.status_code == 403
    tutor_client = client.application.test_client()
    login(tutor_client, tutor)
    assert tutor_client.api("GET", f"/api/v1/submissions/{submission.id}/audit").status_code == 403
    assert "Grading log" not in tutor_client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    elsewhere = make_user(roles=("manager",), beneficiary="AL", scope="national")
    other_client = client.application.test_client()
    login(other_client, elsewhere)
    assert other_client.get(f"/submissions/{submission.id}").status_code == 404


def test_the_second_tutor_to_save_is_told_and_overwrites_nothing(client, session, submitted, make_user,
                                                                 regional_manager):
    from lms.tutors.operations import cohorts as ops

    cohort, first_tutor, _trainee, _enrolment, case, submission = submitted
    second_tutor = make_user(roles=("tutor",), full_name="Second Tutor")
    ops.update_cohort(session, regional_manager, cohort, ops.CohortFields(
        course_id=cohort.course_id, beneficiary_id=cohort.beneficiary_id, name=cohort.name,
        language=cohort.language, starts_on=cohort.starts_on, ends_on=cohort.ends_on, capacity=cohort.capacity,
        tutor_ids=[first_tutor.id, second_tutor.id]), version=cohort.version)
    session.commit()
    opened_version = submission.version  # both tutors open the page now

    first = client.application.test_client()
    login(first, first_tutor)
    data = _grade_form(submission, case, {"analysis": 4, "action": 3})
    assert first.form(f"/submissions/{submission.id}", data).status_code == 303

    second = client.application.test_client()
    login(second, second_tutor)
    response = second.form(f"/submissions/{submission.id}",
                           {**_grade_form(submission, case, {"analysis": 0, "action": 0}, outcome="returned",
                                          feedback="Start again.", due_on=date.today().isoformat()),
                            "version": str(opened_version)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Another tutor saved a grade" in html and "Current grade: 7 of 7, accepted, by Tutor" in html
    assert "Start again." in html  # the second tutor's text is kept for a correction
    api = second.api("POST", f"/api/v1/submissions/{submission.id}/grade", json={
        "version": opened_version, "levels": {"analysis": 0, "action": 0}, "feedback": "Start again.",
        "outcome": "returned", "due_on": date.today().isoformat()})
    assert api.status_code == 409
    assert api.get_json()["current"]["score"] == 7 and api.get_json()["current"]["reviewer_id"] == first_tutor.id
    session.expire_all()
    kept = session.get(Submission, submission.id)
    assert kept.status == "accepted" and kept.rounds[0].feedback == "Well argued."
    assert len(_audit(session, submission.id)) == 1


def test_a_correction_needs_a_reason_and_is_logged(client, session, submitted, full_marks):
    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    grading.grade_submission(session, tutor, submission, version=submission.version,
                             levels={"analysis": 2, "action": 0}, feedback="Thin.", outcome="accepted", due_on=None)
    session.commit()
    login(client, tutor)
    url = f"/submissions/{submission.id}/correction"
    data = _grade_form(submission, case, full_marks(case), feedback="On reflection, complete.")
    response = client.form(url, {**data, "reason": ""})
    assert response.status_code == 422 and "Say why the grade is corrected." in response.get_data(as_text=True)
    response = client.form(url, {**data, "reason": "I misread the second criterion."})
    assert response.status_code == 303
    session.expire_all()
    corrected = session.get(Submission, submission.id)
    assert corrected.score == 7 and corrected.rounds[0].corrected_at is not None
    entries = _audit(session, submission.id)
    assert [e.action for e in entries] == ["submission.graded", "submission.grade_corrected"]
    assert entries[1].reason == "I misread the second criterion."
    assert entries[1].before["score"] == 2 and entries[1].after["score"] == 7


def test_a_stale_correction_is_refused(session, submitted, full_marks):
    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    stale = submission.version
    grading.grade_submission(session, tutor, submission, version=stale, levels=full_marks(case), feedback="ok",
                             outcome="accepted", due_on=None)
    session.commit()
    with pytest.raises(grading.SubmissionChanged):
        grading.correct_grade(session, tutor, submission, version=stale, levels=full_marks(case), feedback="x",
                              outcome="accepted", due_on=None, reason="r")


def _needs_postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent grading runs on PostgreSQL (LMS_TEST_DATABASE_URL): SQLite serialises "
                    "writers, so two saves cannot race there")


@pytest.mark.commits
def test_two_tutors_saving_at_once_on_postgresql(app, session, submitted, full_marks):
    _needs_postgresql()
    from lms.accounts.models import User

    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    version = submission.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grade(feedback: str):
        with app.app_context():
            try:
                found = db.session.get(Submission, submission.id)
                grader = db.session.get(User, tutor.id)
                barrier.wait(timeout=10)
                grading.grade_submission(db.session, grader, found, version=version, levels=full_marks(case),
                                         feedback=feedback, outcome="accepted", due_on=None)
                db.session.commit()
                outcomes.append("saved")
            except grading.SubmissionChanged:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=grade, args=(text,)) for text in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    session.expire_all()
    assert len(_audit(session, submission.id)) == 1
    assert session.get(Submission, submission.id).version == version + 1


@pytest.mark.commits
def test_two_grade_requests_with_the_same_version_on_postgresql(app, session, submitted, full_marks):
    """Through the API: one request wins, the other gets 409, and the log has one entry."""
    _needs_postgresql()
    from lms.accounts.operations import create_api_token

    _cohort, tutor, _trainee, _enrolment, case, submission = submitted
    _token, plain = create_api_token(session, tutor, "grading")
    session.commit()
    body = {"version": submission.version, "levels": full_marks(case), "feedback": "Same time.",
            "outcome": "accepted"}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post():
        client = app.test_client()
        barrier.wait(timeout=10)
        response = client.api("POST", f"/api/v1/submissions/{submission.id}/grade", json=body, token=plain)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    session.expire_all()
    assert len(_audit(session, submission.id)) == 1


def test_the_dashboard_asks_for_returned_case_studies_only_when_one_was_returned(client, session, submitted,
                                                                              count_queries):
    """Whether a round was sent back is asked with the dashboard's session check."""
    _cohort, tutor, trainee, _enrolment, case, submission = submitted

    def returned_statements() -> list[str]:
        with count_queries() as counter:
            client.get("/dashboard")
        return [s for s in counter.statements if "submission.status" in s and "user_session" not in s]

    login(client, trainee)
    assert returned_statements() == []
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, tutor)
    assert client.form(f"/submissions/{submission.id}", _grade_form(
        submission, case, {"analysis": 2, "action": 3}, outcome="returned", due_on="2031-01-15")).status_code == 303
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, trainee)
    assert len(returned_statements()) == 1


def test_a_returned_case_study_is_named_on_the_trainees_dashboard(client, session, submitted):
    _cohort, tutor, trainee, _enrolment, case, submission = submitted
    login(client, tutor)
    response = client.form(f"/submissions/{submission.id}", _grade_form(
        submission, case, {"analysis": 2, "action": 3}, outcome="returned", due_on="2031-01-15"))
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, trainee)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Your tutor asked you to revise a case study:" in html
    assert case.title_in("en") in html and "Resubmit by" in html
    # On the learning path it is to do again (it was "awaiting review" while submitted).
    session.expire_all()
    enrolment = session.get(Enrolment, submission.enrolment_id)
    step = next(s for s in learning_path(session, enrolment.course, enrolment).steps if s.id == case.id
                and s.kind == "case_study")
    assert not step.done and not step.waiting
