"""Case studies and rubrics in course folders: validated with file:line problems, imported idempotently."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lms.core.transliteration import transliterate_content
from lms.courses.content import check_content
from lms.courses.importer import import_content
from lms.courses.models import CompletionRequirement
from lms.extensions import db
from lms.tutors.models import Assignment, Submission

# Content checks use the sections each feature adds to the application.
pytestmark = pytest.mark.usefixtures("ctx")

COURSE = "tutored-casework"
REAL_CONTENT = Path("/work/wt-content-en/content")


def _problems(root) -> list[str]:
    return [str(p) for p in check_content(root)]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_fixture_course_with_case_studies_is_valid(app, content_copy):
    with app.app_context():
        assert _problems(content_copy) == []


def test_rubric_levels_must_ascend_and_number_two_to_five(app, content_copy):
    rubric = content_copy / COURSE / "assessment" / "rubric.yaml"
    _edit(rubric, "      - points: 2\n", "      - points: 0\n")
    _edit(rubric, """      - points: 3
        title: {en: Concrete, sr_Latn: Konkretno}""", """      - points: 3
        title: {en: Concrete, sr_Latn: Konkretno}
        descriptor: {en: x}
      - points: 4
        title: {en: a}
        descriptor: {en: b}
      - points: 5
        title: {en: a}
        descriptor: {en: b}
      - points: 6
        title: {en: a}
        descriptor: {en: b}
      - points: 7
        title: {en: a}""")
    with app.app_context():
        problems = _problems(content_copy)
    assert any(re.search(r"assessment/rubric\.yaml:8: criterion 'analysis': levels must be in ascending points "
                         r"\(0 comes after 0\)", p) for p in problems), problems
    assert any("criterion 'action' needs a list of 2 to 5 levels" in p for p in problems), problems


def test_rubric_texts_need_the_default_language_and_known_keys(app, content_copy):
    rubric = content_copy / COURSE / "release" / "rubric.yaml"
    _edit(rubric, "title: {en: Multi-agency cooperation, sr_Latn: Multiagencijska saradnja}",
          "title: {sr_Latn: Multiagencijska saradnja}\n    weight: 2")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("release/rubric.yaml:3: criterion 'cooperation' title has no text in the default language 'en'" in p
               for p in problems), problems
    assert any("release/rubric.yaml:4: unknown key 'weight' in a criterion" in p for p in problems), problems


def test_a_single_criterion_rubric_is_allowed(app, content_copy):
    with app.app_context():
        assert _problems(content_copy) == []  # release/rubric.yaml has one criterion


def test_missing_scenario_and_rubric_files_are_reported_on_the_course_line(app, content_copy):
    (content_copy / COURSE / "release" / "case-study.md").unlink()
    (content_copy / COURSE / "assessment" / "rubric.yaml").unlink()
    with app.app_context():
        problems = _problems(content_copy)
    assert any(re.search(r"course\.yaml:\d+: case study file release/case-study\.md is missing", p) for p in problems)
    assert any(re.search(r"course\.yaml:22: rubric file assessment/rubric\.yaml is missing", p) for p in problems)


def test_translations_only_in_declared_languages(app, content_copy):
    folder = content_copy / COURSE / "assessment"
    shutil.copy(folder / "case-study.md", folder / "case-study.sq.md")
    shutil.copy(folder / "case-study.md", folder / "case-study.xx.md")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("case-study.sq.md:1: case study in language 'sq', which course.yaml does not declare" in p
               for p in problems), problems
    assert any("case-study.xx.md:1: unknown language code 'xx' in the file name" in p for p in problems), problems
    assert not any("not referred to by course.yaml" in p for p in problems), problems


def test_a_declared_language_needs_its_case_study_translation(app, content_copy):
    (content_copy / COURSE / "release" / "case-study.sr_Latn.md").unlink()
    with app.app_context():
        problems = _problems(content_copy)
    assert any("case study 'release/case-study.md' has no 'sr_Latn' text" in p for p in problems), problems


def test_assignment_keys_slugs_and_file_names_are_checked(app, content_copy):
    course_yaml = content_copy / COURSE / "course.yaml"
    _edit(course_yaml, "      slug: release-case", "      slug: assessment-case\n      points: 10")
    _edit(course_yaml, "      file: case-study.md", "      file: ../case-study.md")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("duplicate assignment slug 'assessment-case'" in p for p in problems), problems
    assert any("unknown key 'points' in an assignment" in p for p in problems), problems
    assert any("assignment file must be a file name in the module folder" in p for p in problems), problems


def test_completion_assignments_accepts_all_none_or_module_or_assignment_slugs(app, content_copy):
    course_yaml = content_copy / COURSE / "course.yaml"
    _edit(course_yaml, "  assignments: all", "  assignments: [assessment, nowhere]")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("completion: assignments names 'nowhere', which is neither a module nor an assignment slug" in p for p in problems)
    _edit(course_yaml, "  assignments: [assessment, nowhere]", "  assignments: sometimes")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("completion: assignments must be 'all', 'none' or a list of module or assignment slugs" in p for p in problems)


def test_self_paced_courses_cannot_have_case_studies(app, content_copy):
    course_yaml = content_copy / COURSE / "course.yaml"
    _edit(course_yaml, "format: tutored", "format: self-paced")
    with app.app_context():
        problems = _problems(content_copy)
    assert any("only a tutored course may have one" in p for p in problems), problems


def test_import_creates_assignments_and_requirements(session, casework, assignments):
    assert set(assignments) == {"assessment-case", "release-case"}
    case = assignments["assessment-case"]
    assert case.max_points == 7 and case.title["sr_Latn"] == "Studija slučaja: novi zatvorenik"
    assert set(case.scenario) == {"en", "sr_Latn"} and "<h2>Background</h2>" in case.scenario_html["en"]
    assert [c["slug"] for c in case.criteria] == ["analysis", "action"]
    kinds = {(r.kind, r.ref) for r in session.scalars(db.select(CompletionRequirement).where(
        CompletionRequirement.course_id == casework.id))}
    assert kinds == {("lessons", ""), ("assignment", "assessment-case"), ("assignment", "release-case")}


def test_new_version_updates_assignments_in_place_and_keeps_submissions(
        session, content_copy, reference, make_cohort, add_member, submit_work):
    import_content(session, content_copy)
    session.commit()
    case = session.scalar(db.select(Assignment).where(Assignment.slug == "assessment-case"))
    cohort = make_cohort()
    trainee, _enrolment = add_member(cohort)
    submission = submit_work(trainee, case)

    course_yaml = content_copy / COURSE / "course.yaml"
    _edit(course_yaml, "version: 1", "version: 2")
    _edit(course_yaml, '"Case study: a new arrival"', '"Case study: a new arrival on the wing"')
    _edit(course_yaml, """    assignment:
      slug: release-case
      title: {en: "Case study: the first months", sr_Latn: "Studija slučaja: prvi meseci"}
""", "")
    _edit(course_yaml, "  assignments: all", "  assignments: [assessment]")
    for name in ("case-study.md", "case-study.sr_Latn.md", "rubric.yaml"):
        (content_copy / COURSE / "release" / name).unlink()
    assert [r.action for r in import_content(session, content_copy) if r.slug == COURSE] == ["updated"]
    session.commit()
    session.expire_all()
    updated = session.get(Assignment, case.id)
    assert updated.title["en"] == "Case study: a new arrival on the wing" and not updated.is_retired
    assert session.scalar(db.select(Assignment).where(Assignment.slug == "release-case")).is_retired
    assert session.get(Submission, submission.id).assignment_id == case.id
    refs = {r.ref for r in session.scalars(db.select(CompletionRequirement).where(
        CompletionRequirement.kind == "assignment"))}
    assert refs == {"assessment-case"}
    assert [r.action for r in import_content(session, content_copy) if r.slug == COURSE] == ["unchanged"]


@pytest.mark.skipif(not REAL_CONTENT.is_dir(), reason="the course content worktree is not on this machine")
def test_real_course_content_leaves_only_quiz_problems(tmp_path):
    """Only sections that belong to the quizzes feature may remain unexplained.

    Checked as ``make translations`` leaves it: with the Serbian Cyrillic text written.
    """
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    transliterate_content(content)
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path / "instance"), "LMS_LOG_LEVEL": "WARNING"}
    result = subprocess.run([str(Path(sys.executable).parent / "lms"), "content", "check", str(content)],
                            capture_output=True, text=True, env=env)
    lines = [line for line in result.stdout.splitlines() if line.strip() and not line.startswith("OK:")]
    quiz_related = re.compile(r"unknown key '(quiz|final_assessment)'|unknown rule '(quizzes|final_assessment)'"
                              r"|(quiz|final)(\.\w+)?\.gift:\d+: this file is not referred to")
    assert [line for line in lines if not quiz_related.search(line)] == []
