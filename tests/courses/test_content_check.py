"""`lms content check` finds every problem, says where, and touches nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.courses.content import check_content
from lms.courses.models import Course
from lms.extensions import db
from tests.conftest import FIXTURES

# Content checks use the sections each feature adds to the application.
pytestmark = pytest.mark.usefixtures("ctx")


def _messages(folder: Path) -> list[str]:
    return [str(p) for p in check_content(folder)]


def test_the_test_content_is_clean():
    assert _messages(FIXTURES / "content") == []


def test_every_problem_is_reported_with_file_and_line(content_copy):
    course = content_copy / "self-paced-basics"
    (course / "intro" / "standards.md").unlink()                      # missing lesson file
    yaml_path = course / "course.yaml"
    text = yaml_path.read_text()
    text = text.replace("  - slug: practice", "  - slug: intro")       # duplicate module slug
    yaml_path.write_text(text)
    (course / "intro" / "welcome.sq.md").write_text("Mirë se vini.\n")  # undeclared language
    (content_copy / "tutored-basics" / "course.yaml").write_text("slug: tutored-basics\ntitle: [unclosed\n")
    problems = check_content(content_copy)
    by_file = {(p.path.name, p.line): p.message for p in problems}
    assert any("lesson file intro/standards.md is missing" in m for m in by_file.values())
    duplicate = [p for p in problems if "duplicate module slug 'intro'" in p.message]
    assert duplicate and duplicate[0].path == yaml_path
    assert duplicate[0].line == text.splitlines().index("  - slug: intro", 20) + 1
    undeclared = [p for p in problems if p.path.name == "welcome.sq.md"]
    assert undeclared and "does not declare" in undeclared[0].message and undeclared[0].line == 1
    bad_yaml = [p for p in problems if p.path.parent.name == "tutored-basics"]
    assert bad_yaml and bad_yaml[0].message.startswith("invalid YAML") and bad_yaml[0].line == 3
    for problem in problems:
        rendered = str(problem)
        assert rendered.count(":") >= 2 and rendered.split(":")[1].isdigit()


def test_check_command_exits_nonzero_and_leaves_the_database_alone(app, content_copy, session, reference):
    (content_copy / "self-paced-basics" / "intro" / "welcome.md").unlink()
    result = app.test_cli_runner().invoke(args=["content", "check", str(content_copy)])
    assert result.exit_code != 0
    assert "welcome.md is missing" in result.output
    assert session.scalar(db.select(db.func.count(Course.id))) == 0


def test_check_command_reports_ok_on_good_content(app):
    result = app.test_cli_runner().invoke(args=["content", "check", str(FIXTURES / "content")])
    assert result.exit_code == 0, result.output
    assert re.search(r"OK: \d+ course\(s\), \d+ module\(s\), \d+ lesson\(s\)\.", result.output)


def test_unknown_keys_languages_and_values_are_reported(content_copy):
    yaml_path = content_copy / "self-paced-basics" / "course.yaml"
    text = yaml_path.read_text().replace("format: self-paced", "format: blended\ncolour: blue")
    text = text.replace("languages: [en, sr_Latn]", "languages: [en, sr_Latn, de]")
    text = text.replace("pass_mark: 60", "pass_mark: 150")
    yaml_path.write_text(text)
    messages = _messages(content_copy)
    assert any("format must be 'tutored' or 'self-paced'" in m for m in messages)
    assert any("unknown key 'colour'" in m for m in messages)
    assert any("unknown language code 'de'" in m for m in messages)
    assert any("pass_mark must be a whole percentage" in m for m in messages)


def test_a_declared_language_must_be_complete(content_copy):
    (content_copy / "self-paced-basics" / "practice" / "supervision.sr_Latn.md").unlink()
    messages = _messages(content_copy)
    assert any("has no 'sr_Latn' text" in m and "supervision" in m for m in messages)


def test_stray_files_and_title_headings_are_reported(content_copy):
    (content_copy / "self-paced-basics" / "intro" / "welcom.md").write_text("typo in the name\n")
    (content_copy / "self-paced-basics" / "intro" / "welcome.md").write_text("# Welcome\n\nText.\n")
    messages = _messages(content_copy)
    assert any("welcom.md:1: this file is not referred to" in m for m in messages)
    assert any("welcome.md:1: a lesson must not start a '# ' title" in m for m in messages)
