"""The invitation to evaluate a completed course, on the dashboard and the course page: shown
until answered, and asked of the database only when the session check finds one to show."""

from __future__ import annotations

from lms.surveys.operations import submit_response
from tests.conftest import login
from tests.surveys.conftest import GOOD

PROMPT = "Evaluate the course"


def _survey_statements(counter) -> list[str]:
    """The prompt's own statements: the surveys not answered (the session check aside; the
    course page's learning path reads its required evaluation, a step of the path)."""
    return [s for s in counter.statements if "survey.course_id NOT IN" in s and "user_session" not in s]


def test_a_completer_is_prompted_until_they_answer(client, session, make_cohort, add_member, completer,
                                                   count_queries):
    cohort = make_cohort(beneficiary="ME", language="cnr")
    # Another completer, signed in on their own browser, has answered already: that is theirs.
    other, _ = completer(cohort)
    submit_response(session, other, cohort.course, dict(GOOD))
    session.commit()
    login(client.application.test_client(), other)
    user, _enrolment = completer(cohort)
    login(client, user)
    pages = ("/dashboard", f"/courses/{cohort.course.slug}")
    for page in pages:
        with count_queries() as prompted:
            assert PROMPT in client.get(page).get_data(as_text=True), page
        assert _survey_statements(prompted), page
    submit_response(session, user, cohort.course, dict(GOOD))
    session.commit()
    for page in pages:
        with count_queries() as answered:
            assert PROMPT not in client.get(page).get_data(as_text=True), page
        assert _survey_statements(answered) == [], page


def test_a_trainee_still_learning_is_not_prompted_nor_asked(client, session, make_cohort, add_member,
                                                            count_queries):
    cohort = make_cohort(beneficiary="MK", language="mk")
    user, _enrolment = add_member(cohort)
    login(client, user)
    for page in ("/dashboard", f"/courses/{cohort.course.slug}"):
        client.get(page)
        with count_queries() as counter:
            assert PROMPT not in client.get(page).get_data(as_text=True), page
        assert _survey_statements(counter) == [], page
