"""Tutor guides (tutors and managers of the course only) and the discussion prompts of each
module, imported from the content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.accounts.operations import create_api_token
from lms.courses import operations as ops
from lms.courses.importer import import_content
from lms.courses.models import DiscussionPrompt, Module
from lms.extensions import db
from tests.conftest import login

ANNEXES = Path(__file__).resolve().parent.parent / "fixtures" / "annexes"
GUIDE = "/courses/tutored-annexes/tutor-guide/core"
GUIDE_API = "/api/v1/courses/tutored-annexes/modules/core/tutor-guide"


@pytest.fixture
def annexed(session, reference):
    import_content(session, ANNEXES)
    session.commit()
    return ops.course_by_slug(session, "tutored-annexes")


@pytest.fixture
def group(annexed, make_cohort):
    return make_cohort(course=annexed, beneficiary="AL", language="sq")


def test_a_tutor_of_the_course_reads_the_guide_with_its_prompts(client, group):
    login(client, group.tutors[0])
    page = client.get(GUIDE).get_data(as_text=True)
    assert "accept two rules of three" in page
    assert "Which rule is hardest to apply in your prison?" in page
    assert "Name the rules that apply to every prison of the region." in page
    assert "/courses/tutored-annexes/tutor-guide/annex-al" in page
    course_page = client.get("/courses/tutored-annexes").get_data(as_text=True)
    assert GUIDE in course_page


def test_the_guide_is_in_the_readers_language(client, group, make_user):
    tutor = group.tutors[0]
    tutor.language = "sq"
    db.session.commit()
    login(client, tutor)
    page = client.get(GUIDE).get_data(as_text=True)
    assert "Përgjigjja model" in page and "Cili rregull zbatohet më vështirë" in page


def test_the_guide_through_the_api(client, session, group, regional_manager):
    _token, plain = create_api_token(session, regional_manager, "script")
    session.commit()
    body = client.api("GET", GUIDE_API, token=plain).get_json()
    assert body["module"] == "core" and body["language"] == "en" and body["fallback"] is False
    assert "accept two rules of three" in body["html"]
    assert body["discussion"] == [{"slug": "our-rules", "title": "Our own rules",
                                   "prompt": "Which rule is hardest to apply in your prison?"}]
    sq = client.api("GET", GUIDE_API, token=plain, headers={"Accept-Language": "sq"}).get_json()
    assert sq["language"] == "sq" and "Përgjigjja model" in sq["html"]
    annex = client.api("GET", "/api/v1/courses/tutored-annexes/modules/annex-al/tutor-guide", token=plain)
    assert annex.get_json()["beneficiaries"] == ["AL"] and annex.get_json()["html"] == ""
    assert client.api("GET", "/api/v1/courses/tutored-annexes/modules/nope/tutor-guide",
                      token=plain).status_code == 404


def test_trainees_are_refused_the_guide_in_both_doors(client, group, add_member):
    trainee, _enrolment = add_member(group)
    login(client, trainee)
    page = client.get(GUIDE)
    assert page.status_code == 403 and "accept two rules" not in page.get_data(as_text=True)
    response = client.api("GET", GUIDE_API)
    assert response.status_code == 403
    assert "tutors and programme managers" in response.get_json()["errors"]["_general"][0]
    assert GUIDE not in client.get("/courses/tutored-annexes").get_data(as_text=True)


def test_a_tutor_of_another_course_is_refused_the_guide(client, annexed, make_cohort):
    other_group = make_cohort(beneficiary="AL", language="sq")  # a group of another course
    login(client, other_group.tutors[0])
    assert client.get(GUIDE).status_code == 403


def test_anonymous_readers_are_asked_to_sign_in(client, annexed):
    assert client.get(GUIDE).status_code == 302
    assert client.get(GUIDE_API).status_code == 401


def test_discussion_prompts_are_stored_per_module_and_retired_when_removed(session, annexed, tmp_path):
    prompts = ops.discussion_prompts(session, annexed)
    assert [(p.module.slug, p.slug, p.title["sq"]) for p in prompts] == [("core", "our-rules", "Rregullat tona")]
    copy = tmp_path / "annexes"
    shutil.copytree(ANNEXES, copy)
    course_yaml = copy / "tutored-annexes" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("version: 1", "version: 2"))
    module_yaml = copy / "tutored-annexes" / "core" / "module.yaml"
    text = module_yaml.read_text()
    module_yaml.write_text(text[:text.index("discussion:")])
    import_content(session, copy)
    session.flush()
    assert ops.discussion_prompts(session, annexed) == []
    kept = session.scalar(db.select(DiscussionPrompt).where(DiscussionPrompt.slug == "our-rules"))
    assert kept is not None and kept.is_retired  # a thread may have been opened from it
    core = session.scalar(db.select(Module).where(Module.course_id == annexed.id, Module.slug == "core"))
    assert ops.discussion_prompts(session, annexed, module_ids=[core.id]) == []
