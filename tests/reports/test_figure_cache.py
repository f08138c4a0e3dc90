"""The overview is kept until the data changes: a repeated view reads almost nothing, every
event that changes a figure shows on the next view, a rollback hides nothing, and the cache
never serves a page of a scope its reader may not see."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.accounts.operations import start_session
from lms.certificates.models import Certificate
from lms.certificates.operations.manager_actions import revoke
from lms.core import data_version
from lms.courses.models import Enrolment
from lms.courses.operations import complete_lesson, ensure_enrolment
from lms.courses.operations.enrolment import withdraw
from lms.forum.models import ForumThread
from lms.forum.operations.forums import ensure_forum
from lms.forum.operations.posting import reply
from lms.notifications.models import NotificationPreference
from lms.quizzes.models import Quiz, QuizAttempt
from lms.reports import figure_cache
from tests.certificates.conftest import lessons_of
from tests.conftest import login
from tests.reports.conftest import NOW

# What differs from one response to the next: the charts' style nonce, the sign-out form's token.
PER_RESPONSE = re.compile(r'nonce="[^"]+"|name="csrf_token"[^>]*')


def headline(client, url="/api/v1/reports/overview") -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {key: figure["value"] for key, figure in response.json["headline"].items()}


def version(session) -> int:
    return data_version.current(session)


def test_a_repeated_overview_is_served_again_with_fewer_queries(client, session, programme, managers,
                                                               count_queries):
    login(client, managers["regional"])
    for url in ("/reports", "/api/v1/reports/overview", "/reports?basis=completion&start=2024-01-01"):
        with count_queries() as first_count:
            first = client.get(url)
        with count_queries() as second_count:
            second = client.get(url)
        assert first.status_code == second.status_code == 200
        # The same figures, tables and charts; the charts' styles carry each response's own nonce.
        assert PER_RESPONSE.sub("", first.get_data(as_text=True)) == PER_RESPONSE.sub("", second.get_data(as_text=True))
        if first.mimetype == "text/html":   # (so the comparison above is not of empty pages)
            assert "chart-svg" in first.get_data(as_text=True)
        assert second_count.count < first_count.count, url
        assert second_count.count <= 4, (url, second_count.statements)


def test_each_event_shows_on_the_next_view(client, session, programme, managers, imported, make_user, reference):
    login(client, managers["admin"])
    self_paced = imported["self-paced-basics"]
    trainee = make_user(beneficiary="RS", profession="prison_officer", gender="female", language="sr_Latn")
    before = headline(client)

    enrolment, _ = ensure_enrolment(session, trainee, self_paced)                       # an enrolment
    session.commit()
    after = headline(client)
    assert after["enrolled"] == before["enrolled"] + 1
    assert after["trainees"] == before["trainees"] + 1

    lessons = lessons_of(session, self_paced)
    for lesson in lessons:                                                              # lessons, completion
        before = after
        complete_lesson(session, trainee, lesson)
        session.commit()
        after = headline(client)
    assert after["completed"] == before["completed"] + 1
    assert after["certificates_issued"] == before["certificates_issued"] + 1          # a certificate

    before = after
    certificate = session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    revoke(session, managers["admin"], certificate, reason="Issued for the wrong course by mistake.")
    session.commit()
    after = headline(client)
    assert after["certificates_revoked"] == before["certificates_revoked"] + 1

    before = after
    final = session.scalar(select(Quiz).where(Quiz.course_id == self_paced.id, Quiz.key == "final",
                                              Quiz.module_id.is_(None)))
    session.add(QuizAttempt(quiz_id=final.id, enrolment_id=enrolment.id, number=1, state="graded", language="en",
                            started_at=NOW, submitted_at=NOW, graded_at=NOW, marks=0.0, max_marks=10.0, score=0.0,
                            passed=False))                                              # a grade
    session.commit()
    after = headline(client)
    assert after["average_final_score"] < before["average_final_score"]

    before = after
    other = session.scalar(select(Enrolment).where(Enrolment.status == "active", Enrolment.completed_at.is_(None))
                           .order_by(Enrolment.id))
    withdraw(session, other)                                                            # a withdrawal
    session.commit()
    after = headline(client)
    assert after["withdrawn"] == before["withdrawn"] + 1


def cohort_cells(page: str, name: str) -> dict[str, str]:
    """The groups table's row of the group called ``name``: {column heading: cell text}."""
    table = page[page.index('id="table-cohorts"'):]
    table = table[:table.index("</table>")]
    text = lambda cell: re.sub(r"<[^>]+>", "", cell).strip()  # noqa: E731
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.split(r"<tr[^>]*>", table)[1:]]
    headings = [text(cell) for cell in rows[0]]
    row = next(cells for cells in rows[1:] if cells and name in text(cells[0]))
    return dict(zip(headings, (text(cell) for cell in row), strict=True))


def test_a_forum_post_shows_in_the_groups_table(client, session, programme, managers):
    login(client, managers["admin"])
    cohort = programme.cohorts["G1"]
    forum = ensure_forum(session, cohort=cohort)
    thread = ForumThread(forum_id=forum.id, title="Introductions", author_id=managers["admin"].id)
    session.add(thread)
    session.commit()
    before = cohort_cells(client.get("/reports").get_data(as_text=True), cohort.name)["Forum posts"]
    reply(session, managers["admin"], thread, "Welcome, everyone.")
    session.commit()
    after = cohort_cells(client.get("/reports").get_data(as_text=True), cohort.name)["Forum posts"]
    assert int(after) == int(before or 0) + 1


def test_a_rolled_back_write_leaves_the_version_and_the_figures(client, session, programme, managers):
    login(client, managers["admin"])
    figures = headline(client)
    known = version(session)
    enrolment = session.scalar(select(Enrolment).where(Enrolment.status == "active").order_by(Enrolment.id))
    withdraw(session, enrolment)
    session.flush()
    session.rollback()
    assert version(session) == known
    assert headline(client) == figures
    withdraw(session, session.get(Enrolment, enrolment.id))
    session.commit()
    assert version(session) != known
    assert headline(client)["withdrawn"] == figures["withdrawn"] + 1


def test_bookkeeping_keeps_the_version_and_any_other_write_bumps_it(app, session, programme, managers):
    known = version(session)
    session.add(NotificationPreference(user_id=managers["RS"].id, kind="announcement"))  # a preference
    with app.test_request_context():
        start_session(session, managers["RS"])                                           # a signed-in session
    session.commit()
    assert version(session) == known
    managers["RS"].profession = "psychologist"                                           # a profile statistics read
    session.commit()
    assert version(session) != known


def test_a_cached_page_is_never_served_outside_its_scope(client, session, programme, managers):
    serbia = programme.beneficiaries["RS"].code
    login(client, managers["admin"])
    everyone = client.get("/reports")
    filtered = client.get(f"/reports?beneficiary={serbia}")
    api = client.get(f"/api/v1/reports/overview?beneficiary={serbia}")
    assert everyone.status_code == filtered.status_code == api.status_code == 200

    other = client.application.test_client()
    login(other, managers["AL"])
    assert other.get(f"/reports?beneficiary={serbia}").status_code == 403               # warm, and refused
    assert other.get(f"/api/v1/reports/overview?beneficiary={serbia}").status_code == 403
    own = other.get("/api/v1/reports/overview").json
    assert own["headline"]["enrolled"] != api.json["headline"]["enrolled"]
    assert {row["beneficiary"]["key"] for row in own["by_beneficiary"]["rows"]} == {"AL"}
    assert other.get("/reports").get_data(as_text=True) != everyone.get_data(as_text=True)


def test_a_session_with_uncommitted_writes_neither_reads_nor_fills_the_cache(app, session, programme):
    built = []

    def build():
        built.append(1)
        return len(built)

    with app.test_request_context():
        assert figure_cache.remember(session, "test", (), NOW, build) == 1
        assert figure_cache.remember(session, "test", (), NOW, build) == 1      # kept
        enrolment = session.scalar(select(Enrolment).order_by(Enrolment.id))
        enrolment.progress_percent = 99
        assert figure_cache.remember(session, "test", (), NOW, build) == 2      # not read
        session.rollback()
        assert figure_cache.remember(session, "test", (), NOW, build) == 1      # nor filled
