"""Exporting question banks for Moodle: through the command line, the bank page and the API,
from a category or a whole course; what is exported imports again into the same questions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.core.i18n import LANGUAGES, localized
from lms.quizzes import bank
from lms.quizzes.models import Question, QuestionCategory
from tests.conftest import login
from tests.quizzes.conftest import moodle_fixture


@pytest.fixture
def course(quiz_course):
    return quiz_course["course"]


def in_language(value, language: str):
    """A stored value read in one language, as a trainee reading it sees it."""
    if isinstance(value, dict):
        if value and set(value) <= set(LANGUAGES):
            return localized(value, language)
        return {key: in_language(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [in_language(item, language) for item in value]
    return value


def same_meaning(qtype: str, definition: dict, numbers_as_ranges: bool, gift: bool) -> dict:
    """A definition as a trainee meets it: choices in the order written (they are stored sorted
    by their text in the course's language), matches by their texts; ``numbers_as_ranges``
    compares accepted numbers by their range (Moodle XML keeps a value and a tolerance, not how
    GIFT wrote them); ``gift``: without an essay's Moodle options, which GIFT has no place for."""
    definition = dict(definition)
    if "authored" in definition:
        definition["answers"] = [definition["answers"][k] for k in definition.pop("authored")]
    if qtype == "matching":
        choices = definition["choices"]
        definition = {"stems": [(stem["text"], choices[stem["choice"]]) for stem in definition["stems"]],
                      "choices": sorted(choices)}
    if numbers_as_ranges and qtype.startswith("numerical"):
        definition["answers"] = [{**{k: v for k, v in a.items() if k != "source"},
                                  "low": a["low"] if a["low"] is None else round(a["low"], 9),
                                  "high": a["high"] if a["high"] is None else round(a["high"], 9)}
                                 for a in definition["answers"]]
    if gift:
        definition.pop("moodle", None)
    return definition


def bank_below(session, course_id: int, root: str, language: str, numbers_as_ranges: bool = False,
               gift: bool = False) -> dict:
    """{category path below ``root``: [questions as stored, read in ``language``]}."""
    found: dict[str, list] = {}
    for category in session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course_id)):
        if category.path != root and not category.path.startswith(root + "/"):
            continue
        rows = []
        for q in session.scalars(select(Question).where(Question.category_id == category.id,
                                                        Question.is_retired.is_(False))
                                 .order_by(Question.position, Question.id)):
            definition = same_meaning(q.qtype, in_language(q.definition, language), numbers_as_ranges, gift)
            rows.append((q.qtype, q.name, in_language(q.text, language), in_language(q.general_feedback, language),
                         definition, q.default_mark, q.moodle))
        found[category.path[len(root):]] = rows
    return found


def export_then_import(session, course, fmt: str, root: str, again: str, language: str | None = None):
    from lms.quizzes import bank_export

    category = bank_export.category_by_path(session, course, root)
    exported = bank_export.export_bank(session, course, fmt, category=category, language=language)
    report = bank.import_questions(session, course.id, exported.data, filename=exported.filename,
                                   category=again)
    assert report.ok, report.errors
    return exported, report


@pytest.mark.parametrize("fmt", ["gift", "xml"])
@pytest.mark.parametrize("name", ["questions.gift.txt", "examples.gift.txt", "nested_categories_with_questions.xml"])
def test_moodle_s_fixtures_go_out_and_come_back_as_the_same_bank(session, course, name, fmt):
    path = moodle_fixture(name)
    assert bank.import_questions(session, course.id, path.read_bytes(), filename=path.name, category="Moodle").ok
    exported, report = export_then_import(session, course, fmt, "Moodle", "Again")
    assert exported.questions == report.count(bank.IMPORTED) > 0
    ranges, gift = fmt == "xml" and path.suffix != ".xml", fmt == "gift"
    assert bank_below(session, course.id, "Again/Moodle", "en", ranges, gift) == bank_below(
        session, course.id, "Moodle", "en", ranges, gift)
    if fmt == "xml":   # Moodle XML keeps everything Moodle's import gave, the essay's options too
        assert bank_below(session, course.id, "Again/Moodle", "en", ranges) == bank_below(
            session, course.id, "Moodle", "en", ranges)


@pytest.mark.parametrize("fmt", ["gift", "xml"])
@pytest.mark.parametrize("language", ["en", "sr_Latn"])
def test_the_course_s_own_quizzes_go_out_in_each_language_and_come_back_the_same(session, course, fmt, language):
    roots = {c.path.split("/")[0] for c in session.scalars(select(QuestionCategory).where(
        QuestionCategory.course_id == course.id))}
    assert roots
    for root in sorted(roots):
        export_then_import(session, course, fmt, root, "Again", language)
        assert bank_below(session, course.id, f"Again/{root}", language, fmt == "xml") == bank_below(
            session, course.id, root, language, fmt == "xml")


def test_the_command_writes_a_category_or_the_whole_bank(app, session, course, tmp_path):
    path = moodle_fixture("nested_categories_with_questions.xml")
    bank.import_questions(session, course.id, path.read_bytes(), filename=path.name, category="Moodle")
    session.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "iota.xml"
    done = runner.invoke(args=["quizzes", "export", "--course", course.slug, "--category", "Moodle/Iota",
                               "--format", "xml", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "5 question(s) written" in done.output
    text = out.read_text()
    assert "<text>$course$/top/Moodle/Iota/Kappa</text>" in text and "Kappa Essay Question" in text
    whole = runner.invoke(args=["quizzes", "export", "--course", course.slug, "--format", "gift"])
    assert whole.exit_code == 0 and "$CATEGORY: $course$/top/Moodle/Iota" in whole.output
    assert "::Iota Question::" in whole.output


def test_the_command_names_what_is_wrong(app, course):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["quizzes", "export", "--course", course.slug, "--category", "Nowhere",
                                  "--format", "xml"])
    assert unknown.exit_code != 0 and "category: This category is not in the course's question bank." in \
        unknown.output
    language = runner.invoke(args=["quizzes", "export", "--course", course.slug, "--format", "xml",
                                   "--language", "mk"])
    assert language.exit_code != 0 and "language: The course is not written in this language" in language.output
    course_missing = runner.invoke(args=["quizzes", "export", "--course", "nope", "--format", "gift"])
    assert course_missing.exit_code != 0 and "no course 'nope'" in course_missing.output


# --- the bank page -----------------------------------------------------------------------

def test_staff_download_a_category_or_the_bank_from_the_bank_page(client, session, course, make_user):
    bank.import_questions(session, course.id, moodle_fixture("questions.gift.txt").read_bytes(), filename="q.gift")
    session.commit()
    login(client, make_user(roles=("manager",), scope="regional"))
    page = client.get(f"/quizzes/bank/{course.slug}").get_data(as_text=True)
    imported = session.scalar(select(QuestionCategory).where(QuestionCategory.course_id == course.id,
                                                             QuestionCategory.path == "Imported"))
    link = f"/quizzes/bank/{course.slug}/export?category={imported.id}&amp;format=gift&amp;language=en"
    assert "Export for Moodle" in page and link in page and 'class="table-scroll"' in page
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/plain"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "::colours::" in download.get_data(as_text=True)
    whole = client.get(f"/quizzes/bank/{course.slug}/export?format=xml&language=sr_Latn")
    assert whole.status_code == 200 and whole.mimetype == "application/xml"
    assert b"Standardi" in whole.data or b"<quiz>" in whole.data


def test_a_bad_export_request_is_refused_in_the_user_s_language(client, course, make_user):
    login(client, make_user(roles=("admin",), language="sr_Latn"))
    wrong = client.get(f"/quizzes/bank/{course.slug}/export?format=pdf")
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "Izaberite GIFT ili Moodle XML." in html
    assert client.get(f"/quizzes/bank/{course.slug}/export?format=xml&category=abc").status_code == 422
    assert client.get("/quizzes/bank/nope/export?format=xml").status_code == 404


def test_trainees_and_tutors_may_not_export(app, course, make_user):
    for roles in (("trainee",), ("tutor",)):
        browser = app.test_client()
        login(browser, make_user(roles=roles))
        assert browser.get(f"/quizzes/bank/{course.slug}/export?format=xml").status_code == 403, roles
        assert "Export for Moodle" not in browser.get(f"/quizzes/bank/{course.slug}").get_data(as_text=True)


# --- the API -----------------------------------------------------------------------------

def test_the_api_exports_a_category_of_the_bank(client, session, course, make_user, token_for):
    bank.import_questions(session, course.id, moodle_fixture("nested_categories_with_questions.xml").read_bytes(),
                          filename="n.xml", category="Moodle")
    session.commit()
    kappa = session.scalar(select(QuestionCategory).where(QuestionCategory.path == "Moodle/Iota/Kappa",
                                                          QuestionCategory.course_id == course.id))
    token = token_for(make_user(roles=("manager",), scope="national", beneficiary="ME"))
    response = client.api("GET", f"/api/v1/courses/{course.slug}/question-bank/export?format=xml"
                                 f"&category={kappa.id}", token=token)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b"Kappa Essay Question" in response.data and b"Iota Question" not in response.data
    gift = client.api("GET", f"/api/v1/courses/{course.slug}/question-bank/export?format=gift", token=token)
    assert gift.status_code == 200 and b"::Iota Question::" in gift.data


def test_the_api_names_the_wrong_field_and_refuses_others(client, session, course, make_user, token_for):
    staff = token_for(make_user(roles=("admin",)))
    url = f"/api/v1/courses/{course.slug}/question-bank/export"
    wrong = client.api("GET", f"{url}?format=pdf", token=staff)
    assert wrong.status_code == 422 and "format" in wrong.get_json()["errors"]
    unknown = client.api("GET", f"{url}?format=xml&colour=red", token=staff)
    assert unknown.status_code == 422
    other = client.api("GET", f"{url}?format=xml&category=999999", token=staff)
    assert other.status_code == 422 and "category" in other.get_json()["errors"]
    language = client.api("GET", f"{url}?format=xml&language=mk", token=staff)
    assert language.status_code == 422 and "language" in language.get_json()["errors"]
    assert client.api("GET", "/api/v1/courses/nope/question-bank/export?format=xml", token=staff).status_code == 404
    trainee = token_for(make_user(roles=("trainee",)))
    assert client.api("GET", f"{url}?format=xml", token=trainee).status_code == 403
    assert client.get(f"{url}?format=xml").status_code == 401
