"""National annexes: a module limited to some beneficiaries is shown, required and counted only
for trainees of those beneficiaries' groups; staff see every module, each annex labelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses import operations as ops
from lms.courses.annexes import beneficiaries_of
from lms.courses.completion import progress_of
from lms.courses.importer import import_content
from lms.courses.models import Lesson, Module
from lms.extensions import db
from tests.conftest import login

ANNEXES = Path(__file__).resolve().parent.parent / "fixtures" / "annexes"


@pytest.fixture
def annexed(session, reference):
    import_content(session, ANNEXES)
    session.commit()
    return ops.course_by_slug(session, "tutored-annexes")


@pytest.fixture
def members(annexed, make_cohort, add_member):
    """One trainee of an Albanian group and one of a Serbian group, and their groups' tutors."""
    albanian_group = make_cohort(course=annexed, beneficiary="AL", language="sq")
    serbian_group = make_cohort(course=annexed, beneficiary="RS", language="en")
    albanian, albanian_enrolment = add_member(albanian_group)
    serbian, serbian_enrolment = add_member(serbian_group)
    return {"AL": (albanian, albanian_enrolment, albanian_group), "RS": (serbian, serbian_enrolment, serbian_group)}


def _lesson(session, module_slug: str, slug: str) -> Lesson:
    return session.scalar(db.select(Lesson).join(Module, Module.id == Lesson.module_id).where(
        Module.slug == module_slug, Lesson.slug == slug))


def test_a_trainee_of_an_albanian_group_is_shown_the_albanian_annex_and_no_other(session, members):
    _user, enrolment, _group = members["AL"]
    assert beneficiaries_of(session, enrolment) == {"AL"}
    assert [m.slug for m in ops.modules_for(session, enrolment)] == ["core", "annex-al"]
    _user, enrolment, _group = members["RS"]
    assert [m.slug for m in ops.modules_for(session, enrolment)] == ["core", "annex-rs"]


def test_the_group_decides_not_the_account(session, annexed, make_cohort, add_member, make_user):
    """A trainee from Kosovo* admitted to an Albanian group follows that group's annex."""
    group = make_cohort(course=annexed, beneficiary="AL", language="sq", allow_other_beneficiaries=True)
    _user, enrolment = add_member(group, make_user(beneficiary="XK"))
    assert [m.slug for m in ops.modules_for(session, enrolment)] == ["core", "annex-al"]


def test_course_page_and_api_show_a_trainee_only_their_annex(client, members):
    user, _enrolment, _group = members["AL"]
    login(client, user)
    page = client.get("/courses/tutored-annexes").get_data(as_text=True)
    assert "Institutions in Albania" in page and "Institutions in Serbia" not in page
    detail = client.get("/api/v1/courses/tutored-annexes").get_json()
    assert [m["slug"] for m in detail["modules"]] == ["core", "annex-al"]
    assert detail["modules"][1]["beneficiaries"] == ["AL"]


def test_staff_see_every_annex_labelled_with_its_beneficiary(client, members, regional_manager):
    _user, _enrolment, group = members["RS"]
    for viewer in (group.tutors[0], regional_manager):
        login(client, viewer)
        page = client.get("/courses/tutored-annexes").get_data(as_text=True)
        assert "Institutions in Albania" in page and "Institutions in Serbia" in page
        assert "National annex for Albania" in page and "National annex for Serbia" in page
        detail = client.get("/api/v1/courses/tutored-annexes").get_json()
        assert [m["slug"] for m in detail["modules"]] == ["core", "annex-al", "annex-rs"]
        client.form("/logout")


def test_another_beneficiarys_annex_lesson_is_not_there_for_a_trainee(client, session, members):
    """404, not 'readable but not required': the issue wants each annex shown only to its
    beneficiary's trainees, so for anyone else it does not exist, in either door."""
    user, enrolment, _group = members["AL"]
    serbian = _lesson(session, "annex-rs", "institutions")
    login(client, user)
    assert client.get("/courses/tutored-annexes/annex-rs/institutions").status_code == 404
    assert client.get(f"/api/v1/lessons/{serbian.id}").status_code == 404
    assert client.api("PUT", f"/api/v1/lessons/{serbian.id}/completion").status_code == 404
    done = client.form(f"/courses/tutored-annexes/lessons/{serbian.id}/done")
    assert done.status_code == 404
    assert progress_of(session, enrolment).completed_lesson_ids == set()
    assert client.get("/courses/tutored-annexes/annex-al/institutions").status_code == 200


def test_a_tutor_reads_every_annex_lesson(client, members):
    _user, _enrolment, group = members["AL"]
    login(client, group.tutors[0])
    assert client.get("/courses/tutored-annexes/annex-rs/institutions").status_code == 200


def test_completion_counts_only_the_annex_a_trainee_is_shown(client, session, members):
    """The Serbian annex's case study is required of Serbian trainees only."""
    user, enrolment, _group = members["AL"]
    login(client, user)
    for module, lesson in (("core", "standards"), ("annex-al", "institutions")):
        client.api("PUT", f"/api/v1/lessons/{_lesson(session, module, lesson).id}/completion")
    body = client.get(f"/api/v1/enrolments/{enrolment.id}/progress").get_json()
    assert "lessons_done" in body, body
    assert (body["lessons_done"], body["lessons_total"]) == (2, 2)
    assert [r["kind"] for r in body["requirements"]] == ["lessons"]
    assert body["completed"] is True and body["percent"] == 100

    user, enrolment, _group = members["RS"]
    client.form("/logout")
    login(client, user)
    for module, lesson in (("core", "standards"), ("annex-rs", "institutions")):
        client.api("PUT", f"/api/v1/lessons/{_lesson(session, module, lesson).id}/completion")
    body = client.get(f"/api/v1/enrolments/{enrolment.id}/progress").get_json()
    assert "lessons_done" in body, body
    assert (body["lessons_done"], body["lessons_total"]) == (2, 2)
    assert [(r["kind"], r["ref"], r["met"]) for r in body["requirements"]] == [
        ("lessons", "", True), ("quiz", "annex-rs", False), ("assignment", "serbian-case", False)]
    assert body["completed"] is False and body["percent"] == 50


def test_continue_and_next_lead_to_the_trainees_own_annex(client, session, members):
    user, _enrolment, _group = members["RS"]
    login(client, user)
    core = _lesson(session, "core", "standards")
    after = client.form(f"/courses/tutored-annexes/lessons/{core.id}/done")
    assert after.headers["Location"].endswith("/courses/tutored-annexes/annex-rs/institutions")
    resumed = client.get("/courses/tutored-annexes/continue")
    assert resumed.headers["Location"].endswith("/courses/tutored-annexes/annex-rs/institutions")
    page = client.get("/courses/tutored-annexes/core/standards").get_data(as_text=True)
    assert "/annex-rs/institutions" in page and "/annex-al/" not in page


def test_outcomes_are_imported_and_shown_in_the_readers_language(client, session, annexed, make_user):
    assert annexed.outcomes[0]["sq"].startswith("Të zbatoni")
    core = session.scalar(db.select(Module).where(Module.slug == "core", Module.course_id == annexed.id))
    assert core.outcomes[0]["en"] == "Name the rules that apply to every prison of the region."
    page = client.get("/courses/tutored-annexes").get_data(as_text=True)
    assert "Apply the common European standards in your own service." in page
    assert "Name the rules that apply to every prison of the region." in page
    login(client, make_user(language="sq"))
    page = client.get("/courses/tutored-annexes").get_data(as_text=True)
    assert "Të emërtoni rregullat që zbatohen në çdo burg të rajonit." in page
    detail = client.get("/api/v1/courses/tutored-annexes", headers={"Accept-Language": "sq"}).get_json()
    assert detail["outcomes"] == ["Të zbatoni standardet e përbashkëta evropiane në shërbimin tuaj."]
    assert detail["modules"][0]["outcomes"] == ["Të emërtoni rregullat që zbatohen në çdo burg të rajonit."]


def test_module_page_shows_outcomes_first_and_refuses_another_annex(client, members):
    user, _enrolment, group = members["AL"]
    login(client, user)
    page = client.get("/courses/tutored-annexes/modules/annex-al")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "National annex for Albania" in text
    assert text.index("Name the General Directorate of Prisons") < text.index("Institutions in Albania")
    assert client.get("/courses/tutored-annexes/modules/annex-rs").status_code == 404
    assert client.get("/api/v1/courses/tutored-annexes/modules/annex-rs").status_code == 404
    body = client.get("/api/v1/courses/tutored-annexes/modules/annex-al").get_json()
    assert body["outcomes"] == ["Name the General Directorate of Prisons and its role."]
    assert [lesson["slug"] for lesson in body["lessons"]] == ["institutions"]
    client.form("/logout")
    login(client, group.tutors[0])
    staff_page = client.get("/courses/tutored-annexes/modules/annex-rs").get_data(as_text=True)
    assert "National annex for Serbia" in staff_page and "Case study: a transfer in Serbia" in staff_page
    assert "/courses/tutored-annexes/tutor-guide/annex-rs" in staff_page


def test_another_annexs_case_study_and_quiz_are_not_there_for_a_trainee(client, session, members):
    from lms.quizzes.models import Quiz
    from lms.tutors.models import Assignment

    serbian_case = session.scalar(db.select(Assignment).where(Assignment.slug == "serbian-case"))
    user, _enrolment, _group = members["AL"]
    login(client, user)
    assert client.get("/courses/tutored-annexes/assignments/serbian-case").status_code == 404
    assert client.get(f"/api/v1/assignments/{serbian_case.id}").status_code == 404
    submitted = client.api("POST", f"/api/v1/assignments/{serbian_case.id}/submission", json={"body": "My answer."})
    assert submitted.status_code == 404
    assert client.get("/api/v1/courses/tutored-annexes/assignments").get_json() == []
    serbian_quiz = session.scalar(db.select(Quiz).where(Quiz.key == "annex-rs"))
    assert client.api("POST", f"/api/v1/quizzes/{serbian_quiz.id}/attempts").status_code == 404
    client.form("/logout")
    user, _enrolment, _group = members["RS"]
    login(client, user)
    assert client.get("/courses/tutored-annexes/assignments/serbian-case").status_code == 200
    listed = client.get("/api/v1/courses/tutored-annexes/assignments").get_json()
    assert [item["slug"] for item in listed] == ["serbian-case"]


def test_a_groups_progress_table_has_only_its_beneficiarys_annex(session, members):
    from lms.tutors.operations.progress import cohort_table

    _user, _enrolment, group = members["AL"]
    assert [module.slug for module in cohort_table(session, group).modules] == ["core", "annex-al"]
