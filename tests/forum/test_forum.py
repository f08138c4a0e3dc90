"""The group forum: opened with the course's prompts, read only by the group (404 for anyone
else), threads and replies in sanitised Markdown, moderation, edits with their history."""

from __future__ import annotations

from lms.accounts.operations import create_api_token
from lms.core.audit import entries_for
from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.models import ForumPost, ForumPostRevision, ForumThread
from lms.tutors.models import CohortMembership
from lms.tutors.operations.membership import withdraw_member
from tests.conftest import login


def _threads(session, forum):
    return list(session.scalars(db.select(ForumThread).where(ForumThread.forum_id == forum.id)))


def _token(session, user):
    _row, plain = create_api_token(session, user, "script")
    session.commit()
    return plain


def api_as(app, session, user):
    """Call the API as ``user`` with a personal token, from a client with no session cookie."""
    token, other = _token(session, user), app.test_client()
    return lambda method, url, body=None: other.api(method, url, body, token=token)


def test_a_new_group_has_its_forum_with_a_thread_per_discussion_prompt(session, forum, group):
    [thread] = _threads(session, forum)
    assert thread.prompt.slug == "our-rules" and thread.title_in("sq") == "Rregullat tona"
    # Seeding again (a saved group, an import, ``lms forum seed``) adds nothing.
    ops.ensure_forum(session, cohort=group)
    ops.seed_all(session)
    assert len(_threads(session, forum)) == 1


def test_a_trainee_opens_a_thread_in_sanitised_markdown(client, session, forum, group, add_member):
    trainee, _ = add_member(group)
    login(client, trainee)
    response = client.form(f"/forums/{forum.id}/new", {"title": "Searches at night", "module_id": "",
                                                       "body": "**Who** decides?<script>alert(1)</script>"})
    assert response.status_code == 303
    thread = session.scalar(db.select(ForumThread).where(ForumThread.title == "Searches at night"))
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "<strong>Who</strong> decides?" in page and "<script>alert(1)" not in page
    listing = client.get(f"/forums/{forum.id}").get_data(as_text=True)
    assert "Searches at night" in listing and "Our own rules" in listing


def test_empty_or_missing_text_is_refused_and_changes_nothing(app, client, session, forum, group, add_member):
    trainee, _ = add_member(group)
    login(client, trainee)
    response = client.form(f"/forums/{forum.id}/new", {"title": "", "module_id": "", "body": "  "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the thread a title." in page and "Write something first." in page
    call = api_as(app, session, trainee)
    response = call("POST", f"/api/v1/forums/{forum.id}/threads", {"title": "T", "body": "x", "module": "nope"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "module" in response.get_json()["errors"]
    assert len(_threads(session, forum)) == 1


def test_a_trainee_of_another_group_gets_404_on_the_thread(app, client, session, forum, group, add_member, make_cohort,
                                                           annexed, make_user):
    trainee, _ = add_member(group)
    thread = ops.create_thread(session, trainee, forum, ops.ThreadFields("Our rota", "Who covers Sunday?"))
    session.commit()
    other_group = make_cohort(course=annexed, beneficiary="AL", language="sq")
    stranger, _ = add_member(other_group)
    other_tutor = other_group.tutors[0]
    national_rs = make_user(roles=("manager",), beneficiary="RS", scope="national")
    post_id = session.scalar(db.select(ForumPost.id).where(ForumPost.thread_id == thread.id))
    for outsider in (stranger, other_tutor, national_rs):
        client.post("/logout", data={"csrf_token": client.csrf_token()})
        login(client, outsider)
        for url in (f"/forums/{forum.id}", f"/forums/threads/{thread.id}", f"/forums/posts/{post_id}/edit",
                    f"/forums/{forum.id}/new"):
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.form(f"/forums/threads/{thread.id}", {"body": "hello"}).status_code == 404
        call = api_as(app, session, outsider)
        for method, url, body in (("GET", f"/api/v1/forum-threads/{thread.id}", None),
                                  ("GET", f"/api/v1/forums/{forum.id}/threads", None),
                                  ("POST", f"/api/v1/forum-threads/{thread.id}/posts", {"body": "hi"}),
                                  ("PATCH", f"/api/v1/forum-posts/{post_id}", {"body": "x", "version": 1}),
                                  ("GET", f"/api/v1/cohorts/{group.id}/forum", None)):
            assert call(method, url, body).status_code == 404, (outsider, url)
        assert forum.id not in [s["forum"]["id"] for s in call("GET", "/api/v1/forums").get_json()]
    assert session.scalar(db.select(db.func.count(ForumPost.id)).where(ForumPost.thread_id == thread.id)) == 1


def test_tutors_and_managers_in_scope_read_the_forum(client, session, forum, group, regional_manager, make_user):
    national_al = make_user(roles=("manager",), beneficiary="AL", scope="national")
    for reader in (group.tutors[0], regional_manager, national_al):
        client.post("/logout", data={"csrf_token": client.csrf_token()})
        login(client, reader)
        assert client.get(f"/forums/{forum.id}").status_code == 200
        assert "Grupi Tiranë" in client.get("/forums").get_data(as_text=True)


def test_a_withdrawn_member_no_longer_reads_the_forum(client, session, forum, group, add_member, regional_manager):
    trainee, enrolment = add_member(group)
    login(client, trainee)
    assert client.get(f"/forums/{forum.id}").status_code == 200
    course_page = f"/courses/{group.course.slug}"
    assert f'href="/forums/{forum.id}"' in client.get(course_page).get_data(as_text=True)
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    withdraw_member(session, regional_manager, membership, None)
    session.commit()
    assert client.get(f"/forums/{forum.id}").status_code == 404
    assert f'href="/forums/{forum.id}"' not in client.get(course_page).get_data(as_text=True)   # nor its button


def test_the_forum_button_shows_the_readers_own_group_forum_and_unread_posts(
        app, client, session, forum, group, add_member, make_cohort, annexed):
    """On the course page each trainee gets their own group's forum, with the posts they have
    not read; on the group's page its tutor gets it too, and another group's tutor does not."""
    trainee, _ = add_member(group)
    writer, _ = add_member(group)
    other_group = make_cohort(course=annexed, beneficiary="AL", language="sq")
    stranger, _ = add_member(other_group)
    other_forum = ops.forum_of_cohort(session, other_group.id)
    thread = ops.create_thread(session, writer, forum, ops.ThreadFields("Our rota", "Who covers Sunday?"))
    ops.reply(session, writer, thread, "Anyone?")
    session.commit()
    course_page = f"/courses/{annexed.slug}"
    login(client, trainee)
    page = client.get(course_page).get_data(as_text=True)
    button = page[page.index(f'href="/forums/{forum.id}"'):]
    assert "2 unread" in button[:button.index("</a>")]
    assert f'href="/forums/{other_forum.id}"' not in page
    other = app.test_client()
    login(other, stranger)
    page = other.get(course_page).get_data(as_text=True)
    assert f'href="/forums/{other_forum.id}"' in page and f'href="/forums/{forum.id}"' not in page
    tutor, other_tutor = app.test_client(), app.test_client()
    login(tutor, group.tutors[0])
    login(other_tutor, other_group.tutors[0])
    assert f'href="/forums/{forum.id}"' in tutor.get(f"/cohorts/{group.id}").get_data(as_text=True)
    assert other_tutor.get(f"/cohorts/{group.id}").status_code in (403, 404)


def test_tutor_pins_locks_and_hides_with_a_reason(app, client, session, forum, group, add_member):
    trainee, _ = add_member(group, full_name="Besa Krasniqi")
    other, _ = add_member(group)
    thread = ops.create_thread(session, trainee, forum, ops.ThreadFields("Visits", "When are visits?"))
    rude = ops.reply(session, other, thread, "An insult to a colleague")
    session.commit()
    tutor = group.tutors[0]
    login(client, tutor)
    assert client.form(f"/forums/threads/{thread.id}/moderation", {"action": "pin"}).status_code == 303
    assert client.form(f"/forums/threads/{thread.id}/moderation", {"action": "lock"}).status_code == 303
    refused = client.form(f"/forums/posts/{rude.id}/hide", {"reason": ""})
    assert refused.status_code == 422 and "Say why the post is hidden" in refused.get_data(as_text=True)
    assert client.form(f"/forums/posts/{rude.id}/hide", {"reason": "Personal attack"}).status_code == 303
    tutor_page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "An insult to a colleague" in tutor_page and "Personal attack" in tutor_page
    session.expire_all()
    assert thread.is_pinned and thread.is_locked and rude.is_hidden
    assert [e.action for e in entries_for(session, "forum_post", rude.id)] == ["forum.post_hidden"]

    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, trainee)
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "An insult to a colleague" not in page and "Personal attack" not in page
    assert "This thread is locked" in page
    call = api_as(app, session, trainee)
    body = call("GET", f"/api/v1/forum-threads/{thread.id}").get_json()
    assert [p["id"] for p in body["posts"]["items"]] == [thread_opening_id(session, thread)]
    assert call("POST", f"/api/v1/forum-threads/{thread.id}/posts", {"body": "me too"}).status_code == 403
    assert call("GET", f"/api/v1/forum-posts/{rude.id}/revisions").status_code == 404
    # Moderation is the moderators': a trainee is refused in both doors.
    assert call("PATCH", f"/api/v1/forum-threads/{thread.id}", {"pinned": False}).status_code == 403
    assert call("PUT", f"/api/v1/forum-posts/{rude.id}/hidden", {"reason": "x"}).status_code == 404
    mine = thread_opening_id(session, thread)
    assert call("PUT", f"/api/v1/forum-posts/{mine}/hidden", {"reason": "x"}).status_code == 403
    assert client.form(f"/forums/threads/{thread.id}/moderation", {"action": "unlock"}).status_code == 403


def thread_opening_id(session, thread) -> int:
    return session.scalar(db.select(ForumPost.id).where(ForumPost.thread_id == thread.id, ForumPost.is_opening))


def test_a_thread_whose_opening_post_is_hidden_is_gone_for_trainees(client, session, forum, group, add_member):
    trainee, _ = add_member(group)
    other, _ = add_member(group)
    thread = ops.create_thread(session, trainee, forum, ops.ThreadFields("Advert", "Buy my book"))
    ops.hide_post(session, group.tutors[0], session.get(ForumPost, thread_opening_id(session, thread)), "Advertising")
    session.commit()
    login(client, other)
    assert client.get(f"/forums/threads/{thread.id}").status_code == 404
    assert "Advert" not in client.get(f"/forums/{forum.id}").get_data(as_text=True)


def test_edits_keep_their_history_and_a_stale_version_is_refused(app, client, session, forum, group, add_member):
    trainee, _ = add_member(group)
    other, _ = add_member(group)
    thread = ops.create_thread(session, trainee, forum, ops.ThreadFields("Rules", "First text"))
    session.commit()
    post = session.get(ForumPost, thread_opening_id(session, thread))
    call = api_as(app, session, trainee)
    response = call("PATCH", f"/api/v1/forum-posts/{post.id}", {"body": "Second text", "version": 1})
    assert response.status_code == 200 and response.get_json()["version"] == 2
    stale = call("PATCH", f"/api/v1/forum-posts/{post.id}", {"body": "Overwrite", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["version"] == 2
    # The tutor corrects it on the page; the trainee's text stays in the history.
    login(client, group.tutors[0])
    form = client.get(f"/forums/posts/{post.id}/edit").get_data(as_text=True)
    assert "First text" in form  # the history
    assert client.form(f"/forums/posts/{post.id}/edit", {"body": "Third text", "version": "2"}).status_code == 303
    revisions = call("GET", f"/api/v1/forum-posts/{post.id}/revisions").get_json()
    assert [r["body"] for r in revisions] == ["Second text", "First text"]
    assert session.scalar(db.select(db.func.count(ForumPostRevision.id))) == 2
    # Another member may not edit it.
    other_call = api_as(app, session, other)
    assert other_call("PATCH", f"/api/v1/forum-posts/{post.id}", {"body": "Mine now", "version": 3}).status_code == 403
