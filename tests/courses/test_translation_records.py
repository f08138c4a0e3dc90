"""A translation older than its English source is found, named with the paragraphs that changed."""

from __future__ import annotations

import pytest

from lms.courses.content.translation_records import completeness, stale_translations
from lms.courses.models import Course, LessonBody
from lms.extensions import db

pytestmark = pytest.mark.usefixtures("ctx")

WELCOME = "self-paced-basics/intro/welcome"


def _check(app, folder):
    return app.test_cli_runner().invoke(args=["content", "check", str(folder)])


def test_the_test_content_has_no_stale_translation(app, content_copy):
    result = _check(app, content_copy)
    assert result.exit_code == 0, result.output


def test_a_changed_english_paragraph_makes_its_translation_stale_and_is_named(app, content_copy):
    english = content_copy / f"{WELCOME}.md"
    english.write_text(english.read_text().replace("combines *support* and *control*",
                                                   "combines *support*, *control* and *respect*"))
    result = _check(app, content_copy)
    assert result.exit_code != 0
    assert f"{content_copy / WELCOME}.sr_Latn.md:1: older than its English source welcome.md: " \
           "1 paragraph(s) changed or added" in result.output
    assert f"{english}:5: Good supervision combines *support*, *control* and *respect*." in result.output
    assert "Why it matters" not in result.output  # the paragraphs that did not change are not named
    assert "1 translation(s) older than their English source" in result.output


def test_a_removed_paragraph_and_a_translation_without_a_record_are_reported(content_copy):
    english = content_copy / f"{WELCOME}.md"
    english.write_text(english.read_text().replace("## Why it matters\n\n", ""))
    (content_copy / "self-paced-basics/intro/standards.sr_Latn.md").write_text("Standardi.\n")
    stale = {t.path.name: t for t in stale_translations(content_copy / "self-paced-basics", "en")}
    assert stale["welcome.sr_Latn.md"].removed == 1 and stale["welcome.sr_Latn.md"].changed == []
    assert stale["standards.sr_Latn.md"].record is None


def test_marking_a_translation_reviewed_makes_it_current_and_keeps_its_text(app, content_copy):
    english = content_copy / f"{WELCOME}.md"
    english.write_text(english.read_text() + "\nA new paragraph.\n")
    translation = content_copy / f"{WELCOME}.sr_Latn.md"
    translation.write_text(translation.read_text().replace("\n\n<!--", "\n\nNovi pasus.\n\n<!--"))
    assert _check(app, content_copy).exit_code != 0
    result = app.test_cli_runner().invoke(args=["content", "reviewed", str(translation)])
    assert result.exit_code == 0 and "1 translation(s) marked" in result.output
    assert _check(app, content_copy).exit_code == 0
    text = translation.read_text()
    assert text.count("<!-- source en ") == 1 and text.rstrip().endswith("-->") and "Novi pasus." in text


def test_the_record_is_never_part_of_the_lesson(session, imported):
    bodies = session.scalars(db.select(LessonBody.markdown).where(LessonBody.language == "sr_Latn")).all()
    assert bodies and not any("source en" in body for body in bodies)


def test_stats_show_completeness_per_course_and_language(app, content_copy):
    english = content_copy / f"{WELCOME}.md"
    english.write_text(english.read_text() + "\nA new paragraph.\n")
    shares = completeness(content_copy / "self-paced-basics", "en")
    assert shares["en"].percent == 100
    assert (shares["sr_Latn"].total, shares["sr_Latn"].present, shares["sr_Latn"].current) == (3, 3, 2)
    assert shares["sr_Latn"].percent == 66 and shares["mk"].percent == 0
    result = app.test_cli_runner().invoke(args=["content", "stats", str(content_copy)])
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if line.strip().startswith("sr_Latn"))
    assert row.split() == ["sr_Latn", "3", "3", "2", "66%"]


def test_the_catalogue_lists_the_languages_a_course_is_complete_in(client, session, imported):
    course = session.scalar(db.select(Course).where(Course.slug == "self-paced-basics"))
    assert course.language_completeness == {"en": 100, "sr_Latn": 100}
    body = client.get("/api/v1/courses").get_json()
    listed = next(item for item in body if item["slug"] == "self-paced-basics")
    assert listed["complete_languages"] == ["en", "sr_Latn"]
    assert listed["language_completeness"] == {"en": 100, "sr_Latn": 100}
    html = client.get("/").get_data(as_text=True)
    assert "Complete in:" in html
