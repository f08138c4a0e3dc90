"""survey.yaml is checked with the course: every problem named by file, line and item; a good
one is imported, and course.yaml says whether the certificate waits for it."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.content import check_content
from lms.courses.importer import import_content
from lms.courses.models import Course
from lms.surveys.models import Survey

BAD = """\
title: {en: Evaluation, sr_Latn: Evaluacija}
scale:
  - {en: No}
  - {en: Yes}
items:
  - slug: relevance
    kind: likert
    text: {en: Relevant}
  - slug: time
    kind: choice
    text: {en: Time, sr_Latn: Vreme}
    options:
      - {slug: less, label: {en: less, sr_Latn: manje}}
  - slug: mood
    kind: stars
    text: {en: Mood, sr_Latn: Raspoloženje}
  - slug: relevance
    kind: text
    text: {en: Again, sr_Latn: Opet}
    colour: blue
"""


def _problems(root) -> list[str]:
    return [f"{p.path.name}:{p.line}: {p.message}" for p in check_content(root)]


def test_every_problem_names_file_line_and_item(app, content_copy):
    (content_copy / "tutored-casework" / "survey.yaml").write_text(BAD, encoding="utf-8")
    with app.app_context():
        problems = _problems(content_copy)
    expected = [
        "survey.yaml:2: scale must list the labels of the 5 points of the likert items, from 1 to 5",
        "survey.yaml:8: survey item 'relevance' text has no text in sr_Latn, but course.yaml declares these "
        "languages complete in `languages`",
        "survey.yaml:12: survey item 'time': a choice item needs a list of 2 to 10 options",
        "survey.yaml:15: survey item 'mood': kind must be one of likert, choice, text",
        "survey.yaml:17: duplicate survey item slug 'relevance' (first used on line 6)",
        "survey.yaml:20: unknown key 'colour' in a survey item (allowed: kind, options, required, slug, text)",
    ]
    for message in expected:
        assert message in problems, problems


def test_a_section_without_its_file_is_reported(app, content_copy):
    course = content_copy / "tutored-casework"
    (course / "survey.yaml").unlink()
    yaml = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(yaml + "survey:\n  required_for_certificate: yes please\n", encoding="utf-8")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("survey: required_for_certificate must be true or false" in p for p in problems), problems
    assert any("tutored-casework/survey.yaml is missing" in p for p in problems), problems


def test_course_yaml_requires_the_answer_before_the_certificate(session, reference, content_copy):
    course = content_copy / "tutored-casework"
    yaml = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(yaml + "survey:\n  required_for_certificate: true\n", encoding="utf-8")
    import_content(session, content_copy)
    survey = session.scalar(select(Survey).join(Course, Course.id == Survey.course_id)
                            .where(Course.slug == "tutored-casework"))
    assert survey.required_for_certificate
    assert [item["slug"] for item in survey.items] == ["relevance", "tutor", "time", "improve"]
    assert survey.items[1]["required"] is False and survey.items[3]["required"] is False
    assert [label["sr_Latn"] for label in survey.scale][0] == "Uopšte se ne slažem"
