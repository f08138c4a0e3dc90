"""`lms content import`: atomic, idempotent, and a new version keeps everyone's progress."""

from __future__ import annotations

import pytest

from lms.core.app_cache import STORE as APP_CACHES
from lms.courses.content import ContentInvalid
from lms.courses.importer import import_content
from lms.courses.models import Course, Enrolment, Lesson, LessonBody, LessonCompletion, Module
from lms.courses.operations import complete_lesson, ensure_enrolment
from lms.extensions import db
from tests.conftest import FIXTURES


def _snapshot(session):
    rows = []
    for model in (Course, Module, Lesson, LessonBody):
        for row in session.scalars(db.select(model).order_by(model.id)):
            rows.append(tuple((c.key, getattr(row, c.key)) for c in model.__mapper__.column_attrs))
    return rows


def _second_version(content_copy, replace=(), write=None, remove=()) -> None:
    """The test content's self-paced-basics as version 2: ``replace`` (old, new) in its
    course.yaml, files (by path in the course's folder) written and removed."""
    folder = content_copy / "self-paced-basics"
    text = (folder / "course.yaml").read_text().replace("version: 1", "version: 2")
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "course.yaml").write_text(text)
    for name, body in (write or {}).items():
        (folder / name).write_text(body)
    for name in remove:
        (folder / name).unlink()


_SUPERVISION = "      - slug: supervision\n        title: {en: Supervision, sr_Latn: Nadzor}\n"


def _second_version_with_breach(content_copy, supervision=_SUPERVISION, replace=(), write=None, remove=()) -> None:
    """``_second_version`` with a new lesson, breach, after supervision (``supervision``: that
    lesson's entry, as version 2 gives it)."""
    _second_version(content_copy, replace=[(_SUPERVISION, supervision + "      - slug: breach\n"
                                            "        title: {en: Breach, sr_Latn: Kršenje}\n"), *replace],
                    write={"practice/breach.md": "What happens when conditions are broken.\n",
                           "practice/breach.sr_Latn.md": "Šta se dešava kada se uslovi prekrše.\n", **(write or {})},
                    remove=remove)


def test_import_creates_courses_modules_lessons_and_bodies(session, imported):
    course = imported["self-paced-basics"]
    assert (course.format, course.version, course.module_count, course.lesson_count) == ("self-paced", 1, 2, 3)
    bodies = session.scalars(db.select(LessonBody).join(Lesson).where(Lesson.slug == "welcome")).all()
    assert {b.language for b in bodies} == {"en", "sr_Latn"}
    english = next(b for b in bodies if b.language == "en")
    assert "<em>support</em>" in english.html and english.words > 5


def test_lesson_html_is_sanitised(session, imported):
    body = session.scalar(db.select(LessonBody).join(Lesson).where(
        Lesson.slug == "standards", LessonBody.language == "en"))
    assert "<script" not in body.html and "<table>" in body.html


def test_reimporting_unchanged_content_changes_nothing(session, imported):
    before = _snapshot(session)
    results = import_content(session, FIXTURES / "content")
    session.commit()
    assert {r.action for r in results} == {"unchanged"}
    assert _snapshot(session) == before


def test_a_new_version_keeps_enrolments_and_progress(session, imported, make_user, content_copy):
    trainee = make_user()
    course = imported["self-paced-basics"]
    enrolment, _ = ensure_enrolment(session, trainee, course)
    welcome = session.scalar(db.select(Lesson).where(Lesson.slug == "welcome"))
    supervision = session.scalar(db.select(Lesson).where(Lesson.slug == "supervision"))
    complete_lesson(session, trainee, welcome)
    complete_lesson(session, trainee, supervision)
    session.commit()

    _second_version_with_breach(
        content_copy, supervision="      - slug: supervision\n        title: {en: Supervision plans, sr_Latn: Planovi nadzora}\n",
        write={"intro/welcome.md": "A rewritten welcome text.\n"})

    results = {r.slug: r.action for r in import_content(session, content_copy)}
    session.commit()
    assert results.pop("self-paced-basics") == "updated"
    assert set(results.values()) == {"unchanged"}
    session.expire_all()
    assert session.get(Course, course.id).version == 2
    kept = set(session.scalars(db.select(LessonCompletion.lesson_id).where(
        LessonCompletion.enrolment_id == enrolment.id)))
    assert kept == {welcome.id, supervision.id}
    refreshed = session.get(Enrolment, enrolment.id)
    assert refreshed.progress_percent == 50  # 2 of 4 lessons now
    assert session.get(Lesson, supervision.id).title["en"] == "Supervision plans"


def test_removed_lessons_are_retired_not_deleted(session, imported, make_user, content_copy):
    trainee = make_user()
    enrolment, _ = ensure_enrolment(session, trainee, imported["self-paced-basics"])
    standards = session.scalar(db.select(Lesson).where(Lesson.slug == "standards"))
    complete_lesson(session, trainee, standards)
    session.commit()
    _second_version(content_copy, replace=[("      - slug: standards\n        title: {en: The standards, sr_Latn: Standardi}\n", "")],
                    remove=["intro/standards.md", "intro/standards.sr_Latn.md"])
    import_content(session, content_copy)
    session.commit()
    session.expire_all()
    assert session.get(Lesson, standards.id).is_retired
    assert session.scalar(db.select(db.func.count(LessonCompletion.id))) == 1


def test_changed_content_with_the_same_version_is_refused(session, imported, content_copy):
    (content_copy / "self-paced-basics" / "intro" / "welcome.md").write_text("Quietly changed.\n")
    with pytest.raises(ContentInvalid) as error:
        import_content(session, content_copy)
    assert "raise `version`" in str(error.value.problems[0])


def test_a_broken_course_imports_nothing_at_all(session, reference, content_copy):
    (content_copy / "tutored-basics" / "only" / "second.md").unlink()
    with pytest.raises(ContentInvalid):
        import_content(session, content_copy)
    session.rollback()
    assert session.scalar(db.select(db.func.count(Course.id))) == 0


def test_import_command_reports_and_is_idempotent(app, session, reference):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "import", str(FIXTURES / "content")])
    second = runner.invoke(args=["content", "import", str(FIXTURES / "content")])
    assert first.exit_code == 0 and "self-paced-basics v1: created" in first.output
    assert second.exit_code == 0 and "self-paced-basics v1: unchanged" in second.output
    assert session.scalar(db.select(db.func.count(Course.id))) == len(list((FIXTURES / "content").iterdir()))


def test_a_lesson_page_read_before_a_new_version_shows_the_new_one(client, session, imported, make_user,
                                                                    content_copy):
    """What a lesson page keeps drawn (its text, breadcrumbs and module list) is kept under the
    course's content hash: the first view after an import shows the import."""
    from tests.conftest import login

    trainee = make_user()
    ensure_enrolment(session, trainee, imported["self-paced-basics"])
    session.commit()
    login(client, trainee)
    url = "/courses/self-paced-basics/intro/welcome"
    before = client.get(url).get_data(as_text=True)
    assert "<em>support</em>" in before and ">Introduction<" in before and "Ground rules" not in before

    _second_version(content_copy, replace=[
        ("title: {en: Introduction, sr_Latn: Uvod}", "title: {en: Getting started, sr_Latn: Početak}"),
        ("      - slug: standards\n",
         "      - slug: ground-rules\n        title: {en: Ground rules, sr_Latn: Osnovna pravila}\n"
         "      - slug: standards\n")],
        write={"intro/ground-rules.md": "The rules of the course.\n",
               "intro/ground-rules.sr_Latn.md": "Pravila kursa.\n",
               "intro/welcome.md": "A rewritten welcome text.\n"})
    import_content(session, content_copy)
    session.commit()

    after = client.get(url).get_data(as_text=True)
    assert "A rewritten welcome text." in after and "<em>support</em>" not in after
    assert ">Getting started<" in after and ">Introduction<" not in after
    assert 'href="/courses/self-paced-basics/intro/ground-rules"' in after


def test_progress_read_before_a_new_version_counts_the_new_one(client, session, imported, make_user, content_copy):
    """A course's modules and lessons are kept per content hash for progress: the first reading
    after an import counts the new lessons and no longer the retired one."""
    from tests.conftest import login

    trainee = make_user()
    enrolment, _ = ensure_enrolment(session, trainee, imported["self-paced-basics"])
    for slug in ("welcome", "standards"):
        complete_lesson(session, trainee, session.scalar(db.select(Lesson).where(Lesson.slug == slug)))
    session.commit()
    login(client, trainee)
    url = f"/api/v1/enrolments/{enrolment.id}/progress"
    assert client.get("/courses/self-paced-basics").status_code == 200
    before = client.get(url).get_json()
    assert (before["lessons_done"], before["lessons_total"], before["percent"]) == (2, 3, 66)
    assert [r["kind"] for r in before["requirements"]] == ["lessons"]

    _second_version_with_breach(
        content_copy, replace=[("      - slug: standards\n        title: {en: The standards, sr_Latn: Standardi}\n", "")],
        remove=["intro/standards.md", "intro/standards.sr_Latn.md"])
    import_content(session, content_copy)
    session.commit()

    after = client.get(url).get_json()
    assert (after["lessons_done"], after["lessons_total"], after["percent"]) == (1, 3, 33)
    assert after["completed_lessons"] == [session.scalar(db.select(Lesson.id).where(Lesson.slug == "welcome"))]
    page = client.get("/courses/self-paced-basics").get_data(as_text=True)
    assert 'href="/courses/self-paced-basics/practice/breach"' in page
    assert 'href="/courses/self-paced-basics/intro/standards"' not in page


def test_an_import_rolled_back_leaves_nothing_kept_of_its_content(app, client, session, imported, make_user,
                                                                  content_copy):
    """Content is kept per content hash only from what a safe request read. An import reads its
    new content before it commits (it re-evaluates everyone's progress): rolled back, what it
    read (ids of rows that are gone) is not kept under the hash that the same files give again."""
    from tests.conftest import login

    trainee = make_user()
    course = imported["self-paced-basics"]
    ensure_enrolment(session, trainee, course)
    session.commit()
    _second_version_with_breach(content_copy)

    with app.test_request_context("/admin/content", method="POST"):
        import_content(session, content_copy)
        new_hash = course.content_hash
        session.rollback()
    kept = {name: key for name, cache in app.extensions.get(APP_CACHES, {}).items()
            for key in cache if isinstance(key, tuple) and new_hash in key}
    assert kept == {}

    import_content(session, content_copy)
    session.commit()
    login(client, trainee)
    page = client.get("/courses/self-paced-basics").get_data(as_text=True)
    assert 'href="/courses/self-paced-basics/practice/breach"' in page
    kept = {name for name, cache in app.extensions.get(APP_CACHES, {}).items()
            if (course.id, new_hash) in cache}
    assert {"courses.modules_in_use", "courses.requirements", "courses.outlines"} <= kept


def test_the_catalogue_read_before_a_new_version_shows_the_new_one(client, session, imported, content_copy):
    """Each course's card and facts are drawn once per content hash and language: the first
    view after an import shows the new summary and hours."""
    before = client.get("/").get_data(as_text=True)
    assert "A short self-paced course used by the tests." in before and "about 2 h of study" in before

    _second_version(content_copy, replace=[("hours: 2", "hours: 3"),
                                           ("A short self-paced course used by the tests.", "A longer self-paced course.")])
    import_content(session, content_copy)
    session.commit()

    after = client.get("/").get_data(as_text=True)
    assert "A longer self-paced course." in after and "A short self-paced course" not in after
    assert "about 3 h of study" in after and "version 2" in after
    course = client.get("/courses/self-paced-basics").get_data(as_text=True)
    assert "about 3 h of study" in course and "version 2" in course
