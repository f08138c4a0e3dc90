"""Importing question banks: every Moodle fixture, reports with lines, all-or-nothing, dry runs,
the command line, the managers' upload page, and embedded images."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import func, select

from lms.quizzes import bank
from lms.quizzes.models import Question, QuestionCategory, QuestionFile
from tests.conftest import MOODLE_FIXTURES, login
from tests.quizzes.conftest import moodle_fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
BAD_FILES = {
    "unbalanced braces": ("broken.gift", b"::a:: Fine? {T}\n\n::b:: Broken? {\n=yes\n~no\n", "not closed"),
    "an answer without a question": ("stray.gift", b"::a:: Fine? {T}\n\n~ a stray answer\n", "without a question"),
    "a weight of 150%": ("weight.gift", b"::a:: Fine? {T}\n\n::b:: Q? {\n=yes\n~%150%no\n}\n", "150%"),
    "malformed XML": ("broken.xml", b"<?xml version='1.0'?>\n<quiz>\n<question type='truefalse'>\n</quiz>\n",
                      "malformed"),
    "not UTF-8": ("latin1.gift", "::a:: Caf\u00e9? {T}".encode("latin-1"), "not UTF-8"),
    "no questions": ("empty.gift", b"// only a comment\n", "no questions"),
}


def counts(session):
    return (session.scalar(select(func.count()).select_from(Question)),
            session.scalar(select(func.count()).select_from(QuestionCategory)))


@pytest.fixture
def course(quiz_course):
    return quiz_course["course"]


def test_every_moodle_fixture_imports_each_question_or_names_why_not(session, course):
    before = session.scalar(select(func.count()).select_from(Question))
    moodle_fixture("README.md")
    files = [path for path in sorted(MOODLE_FIXTURES.glob("*.*")) if path.suffix in (".txt", ".xml")]
    assert len(files) == 3
    for path in files:
        report = bank.import_questions(session, course.id, path.read_bytes(), filename=path.name, category="Moodle")
        assert report.ok, (path.name, report.errors)
        assert report.rows and all(row.status in ("imported", "unchanged", "skipped") for row in report.rows)
        assert all(row.reason for row in report.rows if row.status == "skipped")
    session.commit()
    assert session.scalar(select(func.count()).select_from(Question)) > before


def test_the_xml_fixture_builds_its_nested_categories(session, course):
    data = moodle_fixture("nested_categories_with_questions.xml").read_bytes()
    report = bank.import_questions(session, course.id, data, filename="nested.xml", category="From Moodle")
    session.commit()
    assert report.categories == ["From Moodle/Iota", "From Moodle/Iota/Kappa", "From Moodle/Iota/Kappa/Lambda",
                                 "From Moodle/Iota/Mu"]
    categories = {c.path: c for c in session.scalars(select(QuestionCategory).where(
        QuestionCategory.course_id == course.id, QuestionCategory.path.startswith("From Moodle")))}
    assert categories["From Moodle/Iota/Kappa/Lambda"].parent_id == categories["From Moodle/Iota/Kappa"].id
    assert categories["From Moodle/Iota/Kappa"].parent_id == categories["From Moodle/Iota"].id
    assert categories["From Moodle/Iota"].info == "This is Iota category for test"
    stored = {q.name: (q.qtype, categories_by_id(categories)[q.category_id]) for q in session.scalars(
        select(Question).where(Question.category_id.in_([c.id for c in categories.values()])))}
    assert stored == {
        "Iota Question": ("true_false", "From Moodle/Iota"),
        "Kappa Essay Question": ("essay", "From Moodle/Iota/Kappa"),
        "Kappa Question": ("true_false", "From Moodle/Iota/Kappa"),
        "Lambda Question": ("true_false", "From Moodle/Iota/Kappa/Lambda"),
        "Mu Question": ("true_false", "From Moodle/Iota/Mu"),
    }
    assert [(row.line, row.name) for row in report.rows] == [
        (15, "Iota Question"), (55, "Kappa Essay Question"), (83, "Kappa Question"), (123, "Lambda Question"),
        (163, "Mu Question")]


def categories_by_id(categories):
    return {c.id: path for path, c in categories.items()}


def test_the_gift_fixture_is_stored_question_by_question(session, course):
    data = moodle_fixture("questions.gift.txt").read_bytes()
    report = bank.import_questions(session, course.id, data, filename="questions.gift.txt")
    session.commit()
    assert report.count("imported") == 9
    stored = {q.source_line: q for q in session.scalars(select(Question).where(Question.course_id == course.id,
                                                                                Question.source_key.is_(None)))}
    assert stored[22].qtype == "multiple_response"
    answers = stored[22].definition["answers"]
    assert [(answers[k]["text"]["en"], answers[k]["fraction"], answers[k]["feedback"].get("en"))
            for k in stored[22].definition["authored"]] == [
        ("yellow", 0.5, "right; good!"), ("red", -1.0, "wrong"), ("off-beige", 0.5, "right; good!"),
        ("blue", -1.0, "wrong")]
    assert stored[5].definition["choices"] == [{"en": "Chat"}, {"en": "Choice"}, {"en": "Database"},
                                               {"en": "Forum"}, {"en": "Wiki"}]
    assert [s["choice"] for s in stored[5].definition["stems"]] == [3, 1, 2, 4]
    assert stored[41].general_feedback == {"en": "This is, of course, a Hitchiker's Guide to the Galaxy reference."}
    assert stored[2].qtype == "essay" and stored[2].category.path == "Imported"


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gives_a_clear_error_and_imports_nothing(session, course, case):
    filename, data, message = BAD_FILES[case]
    before = counts(session)
    report = bank.import_questions(session, course.id, data, filename=filename)
    assert not report.ok and message in report.errors[0].message and report.errors[0].line >= 1
    session.commit()
    assert counts(session) == before


def test_a_50_mb_file_is_refused(session, course, app):
    from lms.core.errors import TooLarge

    with pytest.raises(TooLarge) as caught:
        bank.import_questions(session, course.id, b"x" * (app.config["LMS_QUESTION_IMPORT_MAX_MB"] * 2 ** 20 + 1),
                              filename="big.gift")
    assert "largest question file accepted is 10 MB" in str(caught.value.message)


def test_unsupported_types_are_reported_by_name_and_line_and_the_rest_imported(session, course):
    data = (b'<?xml version="1.0"?>\n<quiz>\n<question type="calculated"><name><text>Area</text></name>'
            b'</question>\n<question type="truefalse"><name><text>Kept</text></name><questiontext><text>Q'
            b'</text></questiontext><answer fraction="100"><text>true</text></answer>'
            b'<answer fraction="0"><text>false</text></answer></question>\n</quiz>\n')
    report = bank.import_questions(session, course.id, data, filename="mixed.xml")
    assert report.ok
    assert [(r.line, r.name, r.qtype, r.status) for r in report.rows] == [
        (3, "Area", "calculated", "skipped"), (4, "Kept", "true_false", "imported")]


def test_a_dry_run_reports_and_writes_nothing(session, course):
    before = counts(session)
    report = bank.import_questions(session, course.id, moodle_fixture("questions.gift.txt").read_bytes(),
                                   filename="q.gift", dry_run=True)
    session.commit()
    assert report.count("would_import") == 9 and counts(session) == before


def test_importing_the_same_file_again_adds_nothing(session, course):
    data = moodle_fixture("questions.gift.txt").read_bytes()
    bank.import_questions(session, course.id, data, filename="q.gift")
    session.commit()
    before = counts(session)
    again = bank.import_questions(session, course.id, data, filename="q.gift")
    session.commit()
    assert again.count("unchanged") == 9 and counts(session) == before


def test_categories_in_the_file_go_below_the_category_given(session, course):
    data = b"$CATEGORY: $course$/top/Week 1\n\n::a:: A? {T}\n"
    report = bank.import_questions(session, course.id, data, filename="w.gift", category="Moodle//HELP/Imports")
    assert [row.category for row in report.rows] == ["Moodle//HELP/Imports/Week 1"]
    session.commit()
    leaf = session.scalar(select(QuestionCategory).where(QuestionCategory.path == "Moodle//HELP/Imports/Week 1"))
    assert leaf.name == "Week 1"
    assert session.get(QuestionCategory, session.get(QuestionCategory, leaf.parent_id).parent_id).name == "Moodle/HELP"


# --- the command line ------------------------------------------------------------------

def test_the_command_imports_a_file_and_prints_its_report(app, session, course, tmp_path):
    runner = app.test_cli_runner()
    path = moodle_fixture("nested_categories_with_questions.xml")
    dry = runner.invoke(args=["questions", "import", str(path), "--course", course.slug, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would be imported: Iota Question (true_false) → Iota" in dry.output and "Dry run: 5" in dry.output
    assert session.scalar(select(func.count()).select_from(Question).where(Question.name == "Iota Question")) == 0
    done = runner.invoke(args=["questions", "import", str(path), "--course", course.slug, "--category", "M",
                               "--format", "xml"])
    assert done.exit_code == 0 and "5 question(s) imported" in done.output
    assert "nested_categories_with_questions.xml:55: imported: Kappa Essay Question (essay) → M/Iota/Kappa" \
        in done.output


def test_the_command_refuses_a_bad_file_and_imports_nothing(app, session, course, tmp_path):
    path = tmp_path / "broken.gift"
    path.write_bytes(BAD_FILES["a weight of 150%"][1])
    before = counts(session)
    result = app.test_cli_runner().invoke(args=["questions", "import", str(path), "--course", course.slug])
    assert result.exit_code != 0
    assert "broken.gift:5: error: Weight out of range (150%)" in result.output
    assert "nothing imported" in result.output
    assert counts(session) == before


def test_the_command_refuses_a_50_mb_file_without_reading_it(app, course, tmp_path):
    path = tmp_path / "huge.gift"
    with path.open("wb") as handle:
        handle.truncate(50 * 2 ** 20)           # sparse: nothing is written, nothing need be read
    result = app.test_cli_runner().invoke(args=["questions", "import", str(path), "--course", course.slug])
    assert result.exit_code != 0 and "The file is 50.0 MB; the largest question file accepted is 10 MB" in result.output


def test_the_command_needs_an_existing_course(app, tmp_path):
    path = tmp_path / "a.gift"
    path.write_text("Q {T}")
    result = app.test_cli_runner().invoke(args=["questions", "import", str(path), "--course", "nope"])
    assert result.exit_code != 0 and "no course 'nope'" in result.output


# --- the upload page -------------------------------------------------------------------

def upload(client, course, data: bytes, filename: str, **fields):
    form = {"course": course.slug, "file": (io.BytesIO(data), filename), **fields}
    return client.form("/quizzes/import", form, content_type="multipart/form-data")


def test_managers_and_admins_may_import_and_others_may_not(client, make_user, course, app):
    for roles, scope, allowed in ((("trainee",), None, False), (("tutor",), None, False),
                                  (("manager",), "national", True), (("manager",), "regional", True),
                                  (("admin",), None, True)):
        user = make_user(roles=roles, scope=scope)
        browser = app.test_client()
        login(browser, user)
        assert browser.get("/quizzes/import").status_code == (200 if allowed else 403), roles
        posted = upload(browser, course, b"::a:: A? {T}", "a.gift")
        assert (posted.status_code == 200) is allowed, roles


def test_the_upload_page_imports_and_shows_the_report(client, session, make_user, course):
    login(client, make_user(roles=("manager",), scope="national", beneficiary="AL"))
    page = upload(client, course, moodle_fixture("questions.gift.txt").read_bytes(), "questions.gift.txt")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "9 question(s) imported" in html and "colours" in html
    assert session.scalar(select(func.count()).select_from(Question).where(Question.name == "colours")) == 1


def test_the_upload_page_dry_run_imports_nothing(client, session, make_user, course):
    login(client, make_user(roles=("admin",)))
    page = upload(client, course, moodle_fixture("questions.gift.txt").read_bytes(), "q.gift", dry_run="y")
    assert "Dry run: 9 question(s) would be imported" in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Question).where(Question.name == "colours")) == 0


def test_the_upload_page_shows_errors_with_their_lines(client, session, make_user, course):
    login(client, make_user(roles=("admin",)))
    before = counts(session)
    page = upload(client, course, BAD_FILES["unbalanced braces"][1], "broken.gift")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "nothing was imported" in html and "broken.gift, line 3:" in html
    assert counts(session) == before


def test_a_bad_file_is_explained_in_the_reader_s_language_and_imports_nothing(client, session, make_user, course):
    login(client, make_user(roles=("admin",), language="sr_Latn"))
    before = counts(session)
    page = upload(client, course, BAD_FILES["a weight of 150%"][1], "tezine.gift")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "tezine.gift, red 5: Težina je van dozvoljenog opsega (150%)" in " ".join(html.split())
    assert counts(session) == before


def test_the_upload_page_needs_a_course_and_a_file(client, make_user, course):
    login(client, make_user(roles=("admin",)))
    page = client.form("/quizzes/import", {"course": ""}, content_type="multipart/form-data")
    assert page.status_code == 422 and "Choose a file to import." in page.get_data(as_text=True)


class CountingStream:
    """A request body of ``size`` bytes that counts what the server reads of it."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.position
        n = left if n is None or n < 0 else min(n, left)
        self.position += n
        self.read_bytes += n
        return b"x" * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(min(n if n and n > 0 else 1024, 1024))

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position


def test_a_50_mb_upload_is_refused_before_its_body_is_read(client, make_user, course):
    login(client, make_user(roles=("admin",)))
    size = 50 * 2 ** 20
    stream = CountingStream(size)
    response = client.post("/quizzes/import", input_stream=stream, content_length=size,
                           content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413
    assert "The file is 50.0 MB; the largest question file accepted is 10 MB" in response.get_data(as_text=True)
    assert stream.read_bytes == 0


# --- images and the bank ---------------------------------------------------------------

def image_question() -> bytes:
    encoded = base64.b64encode(PNG).decode()
    return (f'<?xml version="1.0"?><quiz><question type="truefalse"><name><text>Plan</text></name>'
            f'<questiontext format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/plan.png" alt="Cell plan"></p>]]>'
            f'</text><file name="plan.png" path="/" encoding="base64">{encoded}</file></questiontext>'
            f'<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
            f'</question></quiz>').encode()


def test_embedded_images_are_stored_and_shown_to_signed_in_users(app, client, session, course, make_user):
    bank.import_questions(session, course.id, image_question(), filename="plan.xml")
    session.commit()
    stored = session.scalar(select(QuestionFile))
    assert stored.mime == "image/png" and stored.data == PNG
    question = session.scalar(select(Question).where(Question.name == "Plan"))
    url = f"/quizzes/files/{stored.sha256}/plan.png"
    assert url in question.text["en"]
    assert client.get(url).status_code == 302                       # sign in first
    login(client, make_user())
    shown = client.get(url)
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/quizzes/files/{'0' * 64}/plan.png").status_code == 404
    bank.import_questions(session, course.id, image_question().replace(b"Plan", b"Plan again"), filename="p.xml")
    session.commit()
    assert session.scalar(select(func.count()).select_from(QuestionFile)) == 1     # stored once


def test_the_bank_page_is_for_staff(client, session, course, make_user, app):
    bank.import_questions(session, course.id, moodle_fixture("questions.gift.txt").read_bytes(),
                          filename="q.gift")
    session.commit()
    login(client, make_user())
    assert client.get(f"/quizzes/bank/{course.slug}").status_code == 403
    staff = app.test_client()
    login(staff, make_user(roles=("manager",), scope="regional"))
    page = staff.get(f"/quizzes/bank/{course.slug}").get_data(as_text=True)
    assert "Imported" in page and "basics" in page
    category = session.scalar(select(QuestionCategory).where(QuestionCategory.path == "Imported"))
    listing = staff.get(f"/quizzes/bank/{course.slug}?category={category.id}").get_data(as_text=True)
    assert "colours" in listing and "off-beige" in listing


def test_an_upload_without_the_forms_token_is_refused_and_imports_nothing(client, session, make_user, course):
    login(client, make_user(roles=("admin",)))
    before = counts(session)
    response = client.post("/quizzes/import", data={"course": course.slug, "csrf_token": "forged",
                                                    "file": (io.BytesIO(b"::a:: A? {T}"), "a.gift")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "This form has expired" in response.get_data(as_text=True)
    assert counts(session) == before


def test_every_imported_fixture_question_can_be_taken_and_graded(client, session, quiz_course, trainee, token_for):
    """Moodle's fixtures imported into a category that a quiz draws from, then answered and submitted."""
    from lms.quizzes.models import AttemptAnswer, Quiz, QuizAttempt

    course = quiz_course["course"]
    for path in (moodle_fixture("questions.gift.txt"), moodle_fixture("examples.gift.txt"),
                 moodle_fixture("nested_categories_with_questions.xml")):
        bank.import_questions(session, course.id, path.read_bytes(), filename=path.name, category="Moodle")
    session.commit()
    moodle = session.scalar(select(QuestionCategory).where(QuestionCategory.path == "Moodle"))
    quiz = session.get(Quiz, quiz_course["practice"].id)
    quiz.pool_category_id, quiz.time_limit_minutes, quiz.shuffle_answers = moodle.id, None, True
    session.commit()
    expected = session.scalar(select(func.count()).select_from(Question).join(QuestionCategory).where(
        QuestionCategory.path.startswith("Moodle")))
    token = token_for(trainee)
    body = client.api("POST", f"/api/v1/quizzes/{quiz.id}/attempts", token=token).get_json()
    assert len(body["questions"]) == expected == 9 + 43 + 5

    def answer(item):
        if item["type"] == "single_choice":
            return {"choice": item["choices"][0]["key"]}
        if item["type"] == "multiple_response":
            return {"choices": [c["key"] for c in item["choices"][:2]]}
        if item["type"] == "true_false":
            return {"value": True}
        if item["type"] == "matching":
            return {"matches": {str(s["key"]): item["match_choices"][0]["key"] for s in item["stems"]}}
        return {"text": "1822" if item["type"] == "numerical" else "an answer"}

    submitted = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token, json={"answers": [
        {"position": item["position"], "response": answer(item)} for item in body["questions"]]})
    assert submitted.status_code == 200 and submitted.get_json()["state"] == "awaiting_grading"   # two essays
    graded = session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == body["id"])).all()
    assert all(a.fraction is not None or a.needs_grading for a in graded)
    assert sum(a.needs_grading for a in graded) == 2
    assert session.get(QuizAttempt, body["id"]).marks > 0
