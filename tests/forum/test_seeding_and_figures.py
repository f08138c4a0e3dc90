"""Where forums come from (a group saved, a content import, ``lms forum seed``; never a page),
the self-paced course's forum, participation figures, and queries that do not grow with the data."""

from __future__ import annotations

import shutil

import pytest

from lms.courses.importer import import_content
from lms.courses.operations.enrolment import self_enrol
from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.models import Forum, ForumThread
from tests.conftest import login
from tests.forum.conftest import ANNEXES


def _prompts(session, forum):
    return sorted(t.prompt.slug for t in session.scalars(db.select(ForumThread).where(
        ForumThread.forum_id == forum.id, ForumThread.prompt_id.is_not(None))))


def test_an_import_opens_threads_for_new_prompts_and_annex_prompts_only_for_their_beneficiary(
        session, annexed, make_cohort, tmp_path):
    albanian = make_cohort(course=annexed, beneficiary="AL", language="sq")
    serbian = make_cohort(course=annexed, beneficiary="RS", language="sr_Latn")
    content = tmp_path / "annexes"
    shutil.copytree(ANNEXES, content)
    course_yaml = content / "tutored-annexes" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("version: 1", "version: 2", 1))
    module_yaml = content / "tutored-annexes" / "annex-rs" / "module.yaml"
    module_yaml.write_text(module_yaml.read_text() + (
        "discussion:\n  - slug: our-institutions\n    title: {en: Our institutions, sq: Institucionet tona}\n"
        "    prompt: {en: 'Which institution do you call first?', sq: 'Cilin institucion thërrisni të parin?'}\n"))
    import_content(session, content)
    session.commit()
    assert _prompts(session, ops.forum_of_cohort(session, serbian.id)) == ["our-institutions", "our-rules"]
    assert _prompts(session, ops.forum_of_cohort(session, albanian.id)) == ["our-rules"]


def test_a_page_never_opens_a_forum(client, session, group, add_member):
    session.execute(db.delete(ForumThread))
    session.execute(db.delete(Forum))
    session.commit()
    trainee, _ = add_member(group)
    login(client, trainee)
    assert client.get("/forums").status_code == 200
    assert client.api("GET", f"/api/v1/cohorts/{group.id}/forum").status_code == 404
    assert session.scalar(db.select(db.func.count(Forum.id))) == 0
    result = client.application.test_cli_runner().invoke(args=["forum", "seed"])
    assert "forum(s) up to date" in result.output
    assert client.api("GET", f"/api/v1/cohorts/{group.id}/forum").status_code == 200


def test_the_self_paced_course_forum_is_for_its_trainees_without_a_group(client, session, imported, make_user):
    course = imported["self-paced-basics"]
    forum = ops.forum_of_course(session, course)
    trainee = make_user()
    self_enrol(session, trainee, course)
    session.commit()
    outsider = make_user()
    login(client, trainee)
    assert client.get(f"/forums/{forum.id}").status_code == 200
    assert "Open a thread" in client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert f"/forums/{forum.id}" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, outsider)
    assert client.get(f"/forums/{forum.id}").status_code == 404
    assert client.api("GET", f"/api/v1/forums/{forum.id}/threads").status_code == 404


def test_participation_shows_on_the_progress_page_and_in_the_api(client, session, forum, group, add_member):
    talker, _ = add_member(group)
    add_member(group)
    quiet, _ = add_member(group)
    thread = ops.create_thread(session, talker, forum, ops.ThreadFields("Shifts", "How do you plan?"))
    ops.reply(session, talker, thread, "And weekends?")
    ops.reply(session, group.tutors[0], thread, "Plan by week.")
    session.commit()
    login(client, group.tutors[0])
    page = client.get(f"/cohorts/{group.id}/progress").get_data(as_text=True)
    assert "Participation in discussion" in page and "1 of 3" in page
    body = client.api("GET", f"/api/v1/cohorts/{group.id}/forum/participation").get_json()
    assert body == {"cohort_id": group.id, "posts": 3, "member_posts": 2, "members": 3, "members_who_posted": 1,
                    "share": pytest.approx(100 / 3)}
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, quiet)
    assert client.api("GET", f"/api/v1/cohorts/{group.id}/forum/participation").status_code == 404


def test_forum_pages_use_the_same_number_of_queries_whatever_their_size(app, session, annexed, make_cohort,
                                                                        add_member, count_queries):
    counts = []
    for size in (2, 8):
        cohort = make_cohort(course=annexed, beneficiary="AL", language="sq")
        forum = ops.forum_of_cohort(session, cohort.id)
        members = [add_member(cohort)[0] for _ in range(size)]
        thread = None
        for n, member in enumerate(members):
            thread = ops.create_thread(session, member, forum, ops.ThreadFields(f"Thread {n}", "text"))
            ops.reply(session, cohort.tutors[0], thread, f"@{member.full_name} thanks")
            ops.reply(session, members[0], thread, "more")
        session.commit()
        client = app.test_client()
        login(client, cohort.tutors[0])
        numbers = []
        for url in ("/forums", f"/forums/{forum.id}", f"/forums/threads/{thread.id}", "/api/v1/forums",
                    f"/api/v1/forums/{forum.id}/threads", f"/api/v1/forum-threads/{thread.id}",
                    f"/cohorts/{cohort.id}/progress"):
            client.get(url)
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            numbers.append(counter.count)
        assert client.get(f"/forums/{forum.id}").get_data(as_text=True).count("Thread ") == size
        counts.append(numbers)
    assert counts[0] == counts[1], counts


def test_the_statistics_show_participation_and_hide_a_small_groups_share(client, session, forum, group, add_member,
                                                                         regional_manager):
    talker, _ = add_member(group)
    add_member(group)
    ops.create_thread(session, talker, forum, ops.ThreadFields("Shifts", "How do you plan?"))
    session.commit()
    login(client, regional_manager)
    overview = client.get("/reports").get_data(as_text=True)
    assert "Forum posts" in overview and "Members who posted in the forum" in overview
    assert 'class="suppressed"' in overview  # two members: below the threshold of five
    report = client.get(f"/reports/cohorts/{group.id}").get_data(as_text=True)
    assert "Participation in discussion" in report and "1 of 2" in report
