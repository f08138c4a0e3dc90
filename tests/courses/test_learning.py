"""Self-paced learning in the browser: catalogue, enrolment, lessons, progress, completion."""

from __future__ import annotations

import re

from lms.courses.extension_points import COURSE_COMPLETED
from lms.courses.models import Enrolment, Lesson, ProgressEvent
from lms.extensions import db
from tests.conftest import CSRF_RE, login


def _lesson(session, slug):
    return session.scalar(db.select(Lesson).where(Lesson.slug == slug))


def test_catalogue_lists_both_formats(client, imported):
    html = client.get("/").get_data(as_text=True)
    assert "Probation basics" in html and "Working with violent extremist prisoners" in html
    assert "Self-paced course" in html and "Tutored course" in html
    assert "2 modules" in html and "English" in html and "srpski" in html


def test_course_page_shows_the_outline_to_anyone(client, imported):
    html = client.get("/courses/self-paced-basics").get_data(as_text=True)
    assert "Module 1: <span data-content>Introduction</span>" in html and "Supervision" in html
    assert "Sign in to enrol" in html


def test_trainee_enrols_reads_and_completes_with_progress(client, session, imported, make_user):
    trainee = make_user()
    login(client, trainee)
    response = client.form("/courses/self-paced-basics/enrol")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/courses/self-paced-basics/intro/welcome")
    page = client.get("/courses/self-paced-basics/intro/welcome").get_data(as_text=True)
    assert "Probation officers supervise people" in page and "Mark as done and continue" in page

    received = []

    def receiver(_session, enrolment):
        received.append(enrolment.id)

    with COURSE_COMPLETED.added(receiver, client.application):
        for slug in ("welcome", "standards", "supervision"):
            lesson = _lesson(session, slug)
            client.form(f"/courses/self-paced-basics/lessons/{lesson.id}/done")
            if slug == "welcome":
                course_page = client.get("/courses/self-paced-basics").get_data(as_text=True)
                assert 'aria-valuenow="33"' in course_page
        # marking a lesson done twice changes nothing
        client.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'supervision').id}/done")
    enrolment = session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id))
    assert enrolment.progress_percent == 100 and enrolment.completed_at is not None
    assert enrolment.completed_version == 1 and enrolment.completion_source == "automatic"
    assert received == [enrolment.id]
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Probation basics" in dashboard and "Completed on" in dashboard


def test_double_clicked_enrol_creates_one_enrolment(client, session, imported, make_user):
    login(client, make_user())
    client.form("/courses/self-paced-basics/enrol")
    client.form("/courses/self-paced-basics/enrol")
    assert session.scalar(db.select(db.func.count(Enrolment.id))) == 1


def test_tutored_course_cannot_be_joined_without_a_group(client, session, imported, make_user):
    login(client, make_user())
    response = client.form("/courses/tutored-basics/enrol", follow_redirects=True)
    assert "taken in a tutored group" in response.get_data(as_text=True)
    assert session.scalar(db.select(db.func.count(Enrolment.id))) == 0
    assert client.get("/courses/tutored-basics/only/first").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in_from_a_lesson(client, imported):
    response = client.get("/courses/self-paced-basics/intro/welcome")
    assert response.status_code == 302
    assert "/login?next=/courses/self-paced-basics/intro/welcome" in response.headers["Location"]


def test_signed_in_user_must_enrol_before_reading(client, imported, make_user):
    login(client, make_user())
    response = client.get("/courses/self-paced-basics/intro/welcome")
    assert response.status_code == 403
    assert "Enrol in the course" in response.get_data(as_text=True)


def test_staff_preview_lessons_without_recording_progress(client, session, imported, make_user):
    login(client, make_user(roles=("manager",), scope="regional"))
    html = client.get("/courses/tutored-basics/only/first").get_data(as_text=True)
    assert "You are previewing this lesson" in html
    assert session.scalar(db.select(db.func.count(ProgressEvent.id))) == 0


def test_lesson_navigation_and_continue_where_you_left_off(client, session, imported, make_user):
    login(client, make_user())
    client.form("/courses/self-paced-basics/enrol")
    page = client.get("/courses/self-paced-basics/intro/standards").get_data(as_text=True)
    assert 'rel="prev">← <span data-content>Welcome</span>' in page
    assert 'rel="next"><span data-content>Supervision</span> →' in page
    # Reading a page records nothing (a GET never writes): continue goes to the first lesson
    # after the last one marked done.
    response = client.get("/courses/self-paced-basics/continue")
    assert response.headers["Location"].endswith("/intro/welcome")
    client.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done")
    response = client.get("/courses/self-paced-basics/continue")
    assert response.headers["Location"].endswith("/intro/standards")
    client.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'standards').id}/done")
    response = client.get("/courses/self-paced-basics/continue")
    assert response.headers["Location"].endswith("/practice/supervision")


def _enrolled_readers(app, make_user, count: int) -> list:
    """``count`` trainees signed in on their own browsers, enrolled in the self-paced course."""
    readers = []
    for _ in range(count):
        reader = app.test_client()
        login(reader, make_user())
        reader.form("/courses/self-paced-basics/enrol")
        readers.append(reader)
    return readers


def test_two_readers_at_one_state_share_the_drawn_page_each_with_their_own_form_and_state(
        app, session, imported, make_user):
    """The reader's part of a lesson page is drawn once per lesson and state: a second reader
    gets the same part with their own session's form token, and marking the lesson done
    changes one reader's page only."""
    readers = _enrolled_readers(app, make_user, 2)
    url = "/courses/self-paced-basics/intro/welcome"
    pages = [reader.get(url).get_data(as_text=True) for reader in readers]
    tokens = [CSRF_RE.search(page).group(1) for page in pages]
    # A signed token carries its signing second, so each session's token is compared by the
    # secret it signs: the page's token is the reader's own, and the two readers' differ.
    secrets = [token.split(".")[0] for token in tokens]
    assert secrets == [reader.csrf_token().split(".")[0] for reader in readers]
    assert secrets[0] != secrets[1]
    reader_parts = [page[page.index('<form method="post"'):page.index("</ol>")] for page in pages]
    assert reader_parts[0].replace(tokens[0], "") == reader_parts[1].replace(tokens[1], "")
    assert "You have completed this lesson." not in pages[0]

    first, second = readers
    response = first.post(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done",
                          data={"csrf_token": tokens[0]})   # the token the shared part carried
    assert response.status_code == 302
    assert "You have completed this lesson." in first.get(url).get_data(as_text=True)
    assert "You have completed this lesson." not in second.get(url).get_data(as_text=True)
    assert second.post(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done",
                       data={"csrf_token": tokens[0]}).status_code == 400   # another session's token


def test_dashboard_cards_follow_each_readers_own_progress(app, session, imported, make_user):
    """A card is drawn once per course and state: two trainees at 0 % share it, and a lesson
    marked done moves one card only."""
    readers = _enrolled_readers(app, make_user, 2)
    for reader in readers:
        assert 'aria-valuenow="0"' in reader.get("/dashboard").get_data(as_text=True)
    first, second = readers
    first.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done")
    moved = first.get("/dashboard").get_data(as_text=True)
    assert 'aria-valuenow="0"' not in moved and "aria-valuenow=" in moved
    assert 'aria-valuenow="0"' in second.get("/dashboard").get_data(as_text=True)


def test_rereading_a_lesson_writes_nothing(client, session, imported, make_user):
    login(client, make_user())
    client.form("/courses/self-paced-basics/enrol")
    client.get("/courses/self-paced-basics/intro/welcome")
    events = session.scalar(db.select(db.func.count(ProgressEvent.id)))
    client.get("/courses/self-paced-basics/intro/welcome")
    assert session.scalar(db.select(db.func.count(ProgressEvent.id))) == events


def test_reading_a_lesson_records_nothing_until_it_is_marked_done(client, session, imported, make_user):
    trainee = make_user()
    login(client, trainee)
    client.form("/courses/self-paced-basics/enrol")
    assert client.get("/courses/self-paced-basics/intro/welcome").status_code == 200
    enrolment = session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id))
    assert session.scalar(db.select(db.func.count(ProgressEvent.id))) == 0
    assert enrolment.last_lesson_id is None and enrolment.last_activity_at is None
    welcome = _lesson(session, "welcome")
    client.form(f"/courses/self-paced-basics/lessons/{welcome.id}/done")
    session.expire_all()
    assert session.scalar(db.select(ProgressEvent.kind)) == "lesson_completed"
    enrolment = session.get(Enrolment, enrolment.id)
    assert enrolment.last_lesson_id == welcome.id and enrolment.last_activity_at is not None


def test_missing_translation_falls_back_to_english_and_says_so(client, imported, make_user):
    trainee = make_user(language="sr_Latn")
    login(client, trainee)
    client.form("/courses/self-paced-basics/enrol")
    translated = client.get("/courses/self-paced-basics/intro/welcome").get_data(as_text=True)
    assert "Službenici za probaciju" in translated and "has not been translated" not in translated
    manager = make_user(roles=("manager",), scope="regional", language="sr_Latn")
    other = client.application.test_client()
    login(other, manager)
    fallback = other.get("/courses/tutored-basics/only/first").get_data(as_text=True)
    assert "Dynamic security rests" in fallback
    assert 'lang="en"' in fallback and "Prva lekcija" in fallback


def _done_marks(page: str) -> list[str]:
    """The lessons of a course page's outline marked done, by title."""
    outline = page[page.index('<ol class="outline">'):]
    return re.findall(r'data-content>([^<]+)</(?:a|span)>\s*(?:<span class="meta">[^<]*</span>\s*)?'
                      r'<span class="done-mark"', outline)


def test_the_course_outline_marks_each_readers_own_done_lessons(app, client, session, imported, make_user):
    """The outline's lesson lists are drawn once per module and state: a lesson one reader marks
    done is marked on their page only, two readers at one state get the same lists, and a
    visitor, who cannot open lessons, gets titles without links."""
    url = "/courses/self-paced-basics"
    first, second = _enrolled_readers(app, make_user, 2)
    assert _done_marks(first.get(url).get_data(as_text=True)) == []
    first.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done")
    assert _done_marks(first.get(url).get_data(as_text=True)) == ["Welcome"]
    assert _done_marks(second.get(url).get_data(as_text=True)) == []
    second.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done")
    second.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'standards').id}/done")
    assert _done_marks(second.get(url).get_data(as_text=True)) == ["Welcome", "The standards"]
    assert _done_marks(first.get(url).get_data(as_text=True)) == ["Welcome"]
    visitor = client.get(url).get_data(as_text=True)
    assert '<span data-content>Welcome</span>' in visitor and 'href="/courses/self-paced-basics/intro/welcome"' not in visitor
    assert 'href="/courses/self-paced-basics/intro/welcome"' in first.get(url).get_data(as_text=True)


def test_the_course_page_reads_course_enrolment_and_lessons_done_once(app, client, session, imported, make_user,
                                                                      count_queries):
    """One statement gives the course page its course, the reader's enrolment and the lessons
    done; its progress and learning path ask for none of them again, nor for the course's
    modules or completion requirements (content, kept per content hash). A course that does not
    exist is not found, for a reader as for a visitor."""
    url = "/courses/self-paced-basics"
    [reader] = _enrolled_readers(app, make_user, 1)
    reader.form(f"/courses/self-paced-basics/lessons/{_lesson(session, 'welcome').id}/done")
    assert reader.get(url).status_code == 200   # the kept content is read
    with count_queries() as counter:
        page = reader.get(url).get_data(as_text=True)
    assert _done_marks(page) == ["Welcome"] and "33" in page
    reading = [s for s in counter.statements if re.match(r"\s*SELECT (course|enrolment|lesson_completion)\.", s)]
    assert len(reading) == 1 and "lessons_done" in reading[0], reading
    assert not [s for s in counter.statements
                if re.match(r"\s*SELECT (module\.|completion_requirement\.|count\(lesson\.id\))", s)]
    assert reader.get("/courses/no-such-course").status_code == 404
    assert client.get("/courses/no-such-course").status_code == 404
