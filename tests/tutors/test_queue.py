"""The grading queue and the cohort table: oldest first, filters with counts, flags, CSV, constant queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import literal, select

from lms.core.models import utcnow
from lms.courses.models import Enrolment, Lesson
from lms.courses.operations import complete_lesson
from lms.extensions import db
from lms.tutors.models import Submission
from lms.tutors.operations import grading
from lms.tutors.operations.grading_queue import GradingQueue
from tests.conftest import login


def _age(session, submission, days):
    """Pretend the work was submitted ``days`` ago."""
    found = session.get(Submission, submission.id)
    found.submitted_at = utcnow() - timedelta(days=days)
    session.commit()


def test_queue_lists_the_tutors_groups_oldest_first(client, session, make_cohort, add_member, assignments,
                                                    submit_work):
    cohort, other = make_cohort(name="Mine"), make_cohort(name="Not mine")
    tutor = cohort.tutors[0]
    newer_trainee, _ = add_member(cohort, full_name="Newer Trainee")
    older_trainee, _ = add_member(cohort, full_name="Older Trainee")
    stranger, _ = add_member(other, full_name="Other Group Trainee")
    _age(session, submit_work(newer_trainee, assignments["assessment-case"]), 1)
    _age(session, submit_work(older_trainee, assignments["release-case"]), 3)
    submit_work(stranger, assignments["assessment-case"])
    login(client, tutor)
    html = client.get("/tutor/queue").get_data(as_text=True)
    assert html.index("Older Trainee") < html.index("Newer Trainee")
    assert "Other Group Trainee" not in html
    assert "Case study: the first months" in html and "Awaiting review (2)" in html


def test_filters_by_group_module_and_status_with_counts(client, session, make_cohort, add_member, assignments,
                                                        submit_work, full_marks):
    tutor_cohort = make_cohort(name="Group A")
    tutor = tutor_cohort.tutors[0]
    second = make_cohort(name="Group B", tutors=[tutor])
    a1, _ = add_member(tutor_cohort, full_name="Trainee A1")
    b1, _ = add_member(second, full_name="Trainee B1")
    case, release = assignments["assessment-case"], assignments["release-case"]
    graded = submit_work(a1, case)
    submit_work(a1, release)
    submit_work(b1, case)
    grading.grade_submission(session, tutor, graded, version=graded.version, levels=full_marks(case),
                             feedback="ok", outcome="accepted", due_on=None)
    session.commit()
    login(client, tutor)
    api = client.api("GET", "/api/v1/tutor/queue").get_json()
    assert api["total"] == 2 and api["by_status"] == {"awaiting": 2, "graded": 1}
    assert api["by_cohort"] == {str(tutor_cohort.id): 1, str(second.id): 1}
    filtered = client.api("GET", f"/api/v1/tutor/queue?cohort={second.id}").get_json()
    assert [item["trainee"] for item in filtered["items"]] == ["Trainee B1"]
    by_module = client.api("GET", f"/api/v1/tutor/queue?module={case.module_id}&status=all").get_json()
    assert by_module["total"] == 2 and {i["status"] for i in by_module["items"]} == {"awaiting", "graded"}
    done = client.api("GET", "/api/v1/tutor/queue?status=graded").get_json()
    assert [item["item_id"] for item in done["items"]] == [graded.id]
    assert done["items"][0]["url"] == f"/submissions/{graded.id}"
    html = client.get(f"/tutor/queue?cohort={tutor_cohort.id}").get_data(as_text=True)
    assert "Trainee A1" in html and "Trainee B1" not in html


def test_withdrawn_trainees_leave_the_queue(session, make_cohort, add_member, assignments, submit_work,
                                            regional_manager):
    from lms.tutors.models import CohortMembership
    from lms.tutors.operations import membership as ops

    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    submit_work(trainee, assignments["assessment-case"])
    scope = select(literal(cohort.id))
    assert GradingQueue(scope).counts(session).total == 1
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    ops.withdraw_member(session, regional_manager, membership)
    session.commit()
    assert GradingQueue(scope).counts(session).total == 0


def _submit_release_quiz(client, session, quiz, trainee, essay):
    from tests.quizzes.conftest import questions_by_name

    login(client, trainee)
    body = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    items = questions_by_name(body, session)
    answers = [{"position": items["r-tf"]["position"], "response": {"value": True}},
               {"position": items["r-essay"]["position"], "response": {"text": essay}}]
    response = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", json={"answers": answers})
    assert response.status_code == 200 and response.get_json()["state"] == "awaiting_grading"
    return body["id"]


def test_quiz_essays_wait_in_the_same_queue_and_only_the_groups_tutor_grades_them(
        app, session, make_cohort, add_member, assignments, submit_work, make_user):
    from lms.quizzes.models import AttemptAnswer, Quiz, QuizAttempt

    cohort = make_cohort()
    trainee, enrolment = add_member(cohort, full_name="Essay Writer")
    submit_work(trainee, assignments["assessment-case"])
    quiz = session.scalar(select(Quiz).where(Quiz.course_id == cohort.course_id, Quiz.key == "release"))
    attempt_id = _submit_release_quiz(app.test_client(), session, quiz, trainee,
                                      "Reporting days, the address, and who to call in a crisis.")

    queue = GradingQueue(select(literal(cohort.id)))
    counts = queue.counts(session)
    assert counts.total == 2 and counts.by_kind == {"assignment": 1, "essay": 1}
    essay = next(item for item in queue.page(session).items if item.kind == "essay")
    assert essay.trainee == "Essay Writer" and "/quizzes/answers/" in essay.url

    tutor = cohort.tutor_rows[0].user
    tutor_client = app.test_client()
    login(tutor_client, tutor)
    page = tutor_client.get("/tutor/queue").get_data(as_text=True)
    assert "Quiz essay" in page and "Essay Writer" in page

    answer = session.scalar(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id,
                                                        AttemptAnswer.needs_grading.is_(True)))
    stranger = make_user(roles=("tutor",), full_name="Another Group's Tutor")
    make_cohort(tutors=[stranger])
    stranger_client = app.test_client()
    login(stranger_client, stranger)
    assert "Essay Writer" not in stranger_client.get("/tutor/queue").get_data(as_text=True)
    refused = stranger_client.api("PUT", f"/api/v1/essay-answers/{answer.id}/grade",
                                  json={"fraction": 1, "feedback": "Fine.", "expected_version": answer.version})
    assert refused.status_code in (403, 404)

    graded = tutor_client.api("PUT", f"/api/v1/essay-answers/{answer.id}/grade",
                              json={"fraction": 1, "feedback": "Clear and practical.",
                                    "expected_version": answer.version})
    assert graded.status_code == 200, graded.get_json()
    assert session.get(QuizAttempt, attempt_id).state == "graded"
    assert GradingQueue(select(literal(cohort.id))).counts(session).by_kind == {"assignment": 1}
    table = tutor_client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "100% passed" in table


def _populate(session, cohort, add_member, assignments, submit_work, trainees: int):
    for n in range(trainees):
        trainee, _ = add_member(cohort, full_name=f"Trainee {n:03d}")
        submit_work(trainee, assignments["assessment-case"])
        if n % 2:
            submit_work(trainee, assignments["release-case"])
        lesson = session.scalar(db.select(Lesson).where(Lesson.course_id == cohort.course_id))
        complete_lesson(session, trainee, lesson)
        session.commit()


def test_queue_and_cohort_table_queries_do_not_grow_with_the_data(app, make_cohort, add_member, assignments,
                                                                  submit_work, count_queries, session):
    counts = []
    for size in (3, 12):
        cohort = make_cohort(capacity=50)
        tutor = cohort.tutors[0]
        _populate(session, cohort, add_member, assignments, submit_work, size)
        client = app.test_client()
        login(client, tutor)
        numbers = []
        for url in ("/tutor/queue", "/tutor/queue?status=all", f"/cohorts/{cohort.id}/progress",
                    f"/cohorts/{cohort.id}/progress.csv", f"/api/v1/cohorts/{cohort.id}/progress",
                    "/api/v1/tutor/queue"):
            client.get(url)  # warm caches (the outline) so both sizes are measured alike
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            numbers.append(counter.count)
        html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
        assert html.count("Trainee 0") == size
        counts.append(numbers)
    assert counts[0] == counts[1], counts


def test_cohort_table_shows_progress_flags_and_exports_csv(client, session, make_cohort, add_member, assignments,
                                                           submit_work, regional_manager):
    cohort = make_cohort()
    active, active_enrolment = add_member(cohort, full_name="Active Trainee")
    idle, idle_enrolment = add_member(cohort, full_name="=Idle Trainee")
    lesson = session.scalar(db.select(Lesson).where(Lesson.course_id == cohort.course_id))
    complete_lesson(session, active, lesson)
    session.commit()
    submit_work(active, assignments["assessment-case"])
    quiet = session.get(Enrolment, idle_enrolment.id)
    quiet.last_activity_at = utcnow() - timedelta(days=40)
    session.commit()

    login(client, cohort.tutors[0])
    html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "behind schedule" in html and "1 awaiting review" in html and "Lessons 1/1" in html
    response = client.get(f"/cohorts/{cohort.id}/progress.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    header = rows["Name"]
    active_row, idle_row = rows["Active Trainee"], rows["'=Idle Trainee"]  # no formula injection
    assert active_row[header.index("Awaiting review")] == "1" and active_row[header.index("Behind schedule")] == "no"
    assert idle_row[header.index("Behind schedule")] == "yes"
    assert active_row[header.index("Module 1: lessons done")] == "1/1"
    assert active_row[header.index("Module 1: case study")] == "Awaiting review"
    assert idle_row[header.index("Module 2: case study")] == "Not started"


def test_only_the_groups_tutors_and_managers_see_its_table(client, make_cohort, make_user, add_member):
    cohort = make_cohort(beneficiary="RS")
    member, _ = add_member(cohort)
    for outsider in (make_cohort(name="Other").tutors[0], member,
                     make_user(roles=("manager",), beneficiary="AL", scope="national")):
        fresh = client.application.test_client()
        login(fresh, outsider)
        assert fresh.get(f"/cohorts/{cohort.id}/progress").status_code == 404
        assert fresh.get(f"/cohorts/{cohort.id}/progress.csv").status_code == 404
        assert fresh.api("GET", f"/api/v1/cohorts/{cohort.id}/progress").status_code == 404
    national = make_user(roles=("manager",), beneficiary="RS", scope="national")
    fresh = client.application.test_client()
    login(fresh, national)
    assert fresh.get(f"/cohorts/{cohort.id}/progress").status_code == 200


def test_the_queue_page_is_for_tutors(client, make_user):
    login(client, make_user())
    assert client.get("/tutor/queue").status_code == 403
    assert client.api("GET", "/api/v1/tutor/queue").status_code == 403


def test_tutor_dashboard_says_how_much_awaits(client, session, make_cohort, add_member, assignments, submit_work):
    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    submit_work(trainee, assignments["assessment-case"])
    login(client, cohort.tutors[0])
    html = client.get("/dashboard").get_data(as_text=True)
    assert "1 piece of work awaits your review." in html and "/tutor/queue" in html


def test_each_groups_table_counts_its_own_work_awaiting_review(session, make_cohort, add_member, assignments,
                                                               submit_work):
    """The count per trainee is one statement built once, the group bound at each call: two
    groups asked one after the other each get their own members' work, never the other's."""
    from lms.tutors.operations.grading_queue import awaiting_in_group
    from lms.tutors.operations.progress import cohort_table

    first, second = make_cohort(name="First"), make_cohort(name="Second")
    busy, busy_enrolment = add_member(first, full_name="Busy Trainee")
    add_member(first, full_name="Idle Trainee")
    other, other_enrolment = add_member(second, full_name="Other Trainee")
    submit_work(busy, assignments["assessment-case"])
    submit_work(busy, assignments["release-case"])
    submit_work(other, assignments["assessment-case"])

    assert awaiting_in_group(session, first.id) == {busy_enrolment.id: 2}
    assert awaiting_in_group(session, second.id) == {other_enrolment.id: 1}
    assert awaiting_in_group(session, first.id) == {busy_enrolment.id: 2}
    awaiting = {row.name: row.awaiting for row in cohort_table(session, second).rows}
    assert awaiting == {"Other Trainee": 1}
    awaiting = {row.name: row.awaiting for row in cohort_table(session, first).rows}
    assert awaiting == {"Busy Trainee": 2, "Idle Trainee": 0}


def test_kept_queue_statements_bind_each_tutor_filter_and_page(session, make_cohort, add_member, assignments,
                                                               submit_work):
    """A tutor's queue runs statements built once per set of filters in use: two tutors asked in
    turn each get their own groups' work, a filter then no filter each give their own answer, and
    a page's limit and offset are bound per call."""
    from lms.tutors.operations.grading_queue import ALL, tutor_queue

    first, second = make_cohort(name="First"), make_cohort(name="Second")
    names = {}
    for cohort, count in ((first, 3), (second, 1)):
        for n in range(count):
            trainee, _ = add_member(cohort, full_name=f"{cohort.name} trainee {n}")
            submission = submit_work(trainee, assignments["assessment-case"])
            _age(session, submission, 10 - n)
            names[submission.id] = trainee.full_name
    release = submit_work(session.get(Enrolment, submission.enrolment_id).user, assignments["release-case"])
    module_of_release = assignments["release-case"].module_id

    mine, theirs = first.tutors[0], second.tutors[0]
    assert [i.trainee for i in tutor_queue(session, mine).page.items] == [
        "First trainee 0", "First trainee 1", "First trainee 2"]
    assert [i.trainee for i in tutor_queue(session, theirs).page.items] == ["Second trainee 0", "Second trainee 0"]
    assert [i.item_id for i in tutor_queue(session, theirs, module_id=module_of_release).page.items] == [release.id]
    assert tutor_queue(session, theirs, module_id=module_of_release).counts.total == 1
    assert tutor_queue(session, theirs).counts.total == 2
    assert tutor_queue(session, mine, cohort_id=second.id).page.items == []
    second_page = tutor_queue(session, mine, status=ALL, page=2, per_page=1)
    assert [i.trainee for i in second_page.page.items] == ["First trainee 1"] and second_page.page.total == 3
    assert [i.trainee for i in tutor_queue(session, mine, status=ALL, page=3, per_page=1).page.items] == [
        "First trainee 2"]
