"""A group's grades for Moodle's grade import: the layout it reads, real grades from quizzes and
case studies, the group page's download and the API, and refusals to everyone else."""

from __future__ import annotations

import csv
import io

from lms.extensions import db
from lms.quizzes.models import AttemptAnswer, Question, Quiz
from lms.quizzes.operations import grade_essay_answer, start_attempt, submit_attempt
from lms.tutors.models import CohortMembership
from lms.tutors.operations import grading
from lms.tutors.operations.membership import withdraw_member
from tests.conftest import login


def take_release_quiz(session, trainee, casework, tutor, essay_fraction: float) -> None:
    """The trainee answers the release quiz (true/false right, an essay) and the tutor grades the essay."""
    quiz = session.scalar(db.select(Quiz).where(Quiz.course_id == casework.id, Quiz.key == "release"))
    attempt, _new = start_attempt(session, trainee, quiz)
    rows = session.execute(db.select(AttemptAnswer.position, AttemptAnswer.id, Question.qtype)
                           .join(Question).where(AttemptAnswer.attempt_id == attempt.id)).all()
    responses = {position: ({"value": True} if qtype == "true_false" else {"text": "Conditions, contacts, plan."})
                 for position, _id, qtype in rows}
    submit_attempt(session, trainee, attempt.id, responses)
    session.commit()
    essay = next(answer_id for _position, answer_id, qtype in rows if qtype == "essay")
    answer = session.get(AttemptAnswer, essay)
    grade_essay_answer(session, tutor, essay, fraction=essay_fraction, feedback="Clear.",
                       expected_version=answer.version)
    session.commit()


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_grades_file_has_moodle_s_layout_and_every_grade(client, session, make_cohort, add_member, casework,
                                                             assignments, submit_work, full_marks,
                                                             regional_manager):
    cohort = make_cohort(language="en")
    tutor = cohort.tutors[0]
    ana, _ = add_member(cohort, full_name="Ana Trainee")
    ben, _ = add_member(cohort, full_name="=Ben Trainee")
    _gone, gone_enrolment = add_member(cohort, full_name="Gone Trainee")
    take_release_quiz(session, ana, casework, tutor, essay_fraction=0.5)
    case = assignments["assessment-case"]
    submission = submit_work(ana, case)
    grading.grade_submission(session, tutor, submission, version=submission.version, levels=full_marks(case),
                             feedback="Well argued.", outcome="accepted", due_on=None)
    session.commit()
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == gone_enrolment.id))
    withdraw_member(session, regional_manager, membership, "Moved away")
    session.commit()

    login(client, tutor)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/cohorts/{cohort.id}/moodle-grades.csv" in page and "Grades for Moodle (CSV)" in page
    response = client.get(f"/cohorts/{cohort.id}/moodle-grades.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert not text.startswith("\ufeff")                 # Moodle's import reads plain UTF-8
    header, *rows = read(text)
    assert header[:2] == ["Email address", "Full name"]
    quiz_title = session.scalar(db.select(Quiz).where(Quiz.course_id == casework.id, Quiz.key == "release")).title_in(
        "en")
    assert f"{quiz_title} (out of 100)" in header
    assert f"{case.title_in('en')} (out of {case.max_points})" in header
    by_email = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_email) == {ana.email, ben.email}       # active members only
    assert by_email[ben.email]["Full name"] == "'=Ben Trainee"   # no formula injection
    assert by_email[ana.email][f"{quiz_title} (out of 100)"] == "75"   # true/false right, essay half
    assert by_email[ana.email][f"{case.title_in('en')} (out of {case.max_points})"] == str(case.max_points)
    assert by_email[ben.email][f"{quiz_title} (out of 100)"] == ""     # no grade yet: Moodle leaves it alone
    for row in rows:                                     # numbers with a decimal point, never a comma
        assert all("," not in cell for cell in row[2:])

    api = client.api("GET", f"/api/v1/cohorts/{cohort.id}/moodle-grades")
    assert api.status_code == 200 and api.mimetype == "text/csv" and api.get_data(as_text=True) == text


def test_grade_headers_follow_the_user_s_language_and_titles_the_group_s(client, session, make_cohort, add_member,
                                                                         casework, make_user):
    cohort = make_cohort(language="sr_Latn")
    add_member(cohort)
    manager = make_user(roles=("manager",), beneficiary="RS", scope="national", language="sr_Latn")
    login(client, manager)
    header = read(client.get(f"/cohorts/{cohort.id}/moodle-grades.csv").get_data(as_text=True))[0]
    quiz = session.scalar(db.select(Quiz).where(Quiz.course_id == casework.id, Quiz.key == "release"))
    assert header[0] == "Adresa e-pošte"
    assert any(cell.startswith(quiz.title_in("sr_Latn")) for cell in header)


def test_another_tutor_a_member_and_another_beneficiary_s_manager_get_404(client, make_cohort, make_user,
                                                                          add_member):
    cohort = make_cohort(beneficiary="RS")
    member, _ = add_member(cohort)
    for outsider in (make_cohort(name="Other").tutors[0], member,
                     make_user(roles=("manager",), beneficiary="AL", scope="national")):
        fresh = client.application.test_client()
        login(fresh, outsider)
        assert fresh.get(f"/cohorts/{cohort.id}/moodle-grades.csv").status_code == 404
        assert fresh.api("GET", f"/api/v1/cohorts/{cohort.id}/moodle-grades").status_code == 404
    assert client.application.test_client().api(
        "GET", f"/api/v1/cohorts/{cohort.id}/moodle-grades").status_code == 401
