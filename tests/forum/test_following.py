"""Following threads, what is unread, mentions, the daily digest and the notifications in the
app: a trainee replies in the group forum and hears of the tutor's reply in the app and by digest."""

from __future__ import annotations

from datetime import timedelta

from lms.core.mail import OutboxMail
from lms.core.models import utcnow
from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.models import ForumDigest, ForumPost, ForumRead, ForumSubscription, ForumThread
from lms.forum.operations.lists import forum_summary
from lms.notifications.models import Notification
from tests.conftest import login, run_queued


def _prompt_thread(session, forum):
    return session.scalar(db.select(ForumThread).where(ForumThread.forum_id == forum.id,
                                                       ForumThread.prompt_id.is_not(None)))


def _digests_to(session, email):
    return list(session.scalars(db.select(OutboxMail).where(OutboxMail.recipient == email,
                                                            OutboxMail.subject.contains("Forum"))))


def test_a_trainee_replies_and_hears_of_the_tutors_reply_in_the_app_and_by_digest(client, session, forum, group,
                                                                                   add_member):
    trainee, _ = add_member(group, full_name="Dritan Berisha", email="dritan@example.org", language="en")
    thread = _prompt_thread(session, forum)
    login(client, trainee)
    assert client.form(f"/forums/threads/{thread.id}", {"body": "In our prison the hardest is rule 2."}
                       ).status_code == 303
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    tutor = group.tutors[0]
    login(client, tutor)
    assert client.form(f"/forums/threads/{thread.id}", {"body": "Good point, tell us why."}).status_code == 303
    # In the app: one notification that opens the thread.
    [notice] = session.scalars(db.select(Notification).where(Notification.recipient_id == trainee.id)).all()
    assert notice.kind == "forum_reply" and notice.link_params == {"thread_id": thread.id}
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(client, trainee)
    centre = client.get("/notifications").get_data(as_text=True)
    assert "Arta Hoxha replied in “Our own rules”." in centre
    # By the daily digest: the tutor's reply, not the trainee's own.
    assert ops.send_digests(session, now=utcnow() + timedelta(seconds=1)) >= 1
    [mail] = _digests_to(session, "dritan@example.org")
    assert "Good point, tell us why." in mail.text and "hardest is rule 2" not in mail.text
    assert f"/forums/threads/{thread.id}" in mail.text


def test_the_digest_is_in_the_readers_language_and_never_sent_twice(session, forum, group, add_member):
    trainee, _ = add_member(group, email="ana@example.org", language="sq")
    thread = _prompt_thread(session, forum)
    ops.reply(session, trainee, thread, "Pyetja ime")
    ops.reply(session, group.tutors[0], thread, "Përgjigjja e tutorit")
    session.commit()
    later = utcnow() + timedelta(seconds=1)
    # The trainee (the tutor began following after the trainee wrote: nothing for the tutor).
    assert ops.send_digests(session, now=later) == 1
    session.commit()
    assert ops.send_digests(session, now=later) == 0  # a second run (another worker, a retry)
    [mail] = _digests_to(session, "ana@example.org")
    assert "Rregullat tona" in mail.text and "Përgjigjja e tutorit" in mail.text
    assert session.scalar(db.select(db.func.count(ForumDigest.id)).where(ForumDigest.user_id == trainee.id)) == 1
    # The next day's digest has only what is new since.
    ops.reply(session, group.tutors[0], thread, "Një tjetër").created_at = later + timedelta(hours=1)
    session.commit()
    assert ops.send_digests(session, now=later + timedelta(days=1)) == 1
    newest = _digests_to(session, "ana@example.org")[-1]
    assert "Një tjetër" in newest.text and "Përgjigjja e tutorit" not in newest.text


def test_the_digest_runs_as_a_periodic_task(app, session, forum, group, add_member, deferred_tasks):
    from lms.core.tasks import queue_of
    from lms.forum.tasks import send_forum_digests

    trainee, _ = add_member(group, email="queue@example.org")
    thread = _prompt_thread(session, forum)
    ops.reply(session, trainee, thread, "Question")
    ops.reply(session, group.tutors[0], thread, "Answer")
    session.commit()
    wrapper = queue_of(app).wrapper_of(send_forum_digests)
    assert wrapper.retries == 3  # a failed run (the database gone) is tried again
    deferred_tasks.enqueue(wrapper.s())
    run_queued(deferred_tasks)
    deferred_tasks.enqueue(wrapper.s())
    run_queued(deferred_tasks)
    assert len(_digests_to(session, "queue@example.org")) == 1


def test_writers_follow_and_a_choice_to_stop_sticks(client, session, forum, group, add_member):
    trainee, _ = add_member(group)
    thread = _prompt_thread(session, forum)
    ops.reply(session, trainee, thread, "first")
    session.commit()
    login(client, trainee)
    assert client.form(f"/forums/threads/{thread.id}/subscription", {"follow": "0"}).status_code == 303
    ops.reply(session, trainee, thread, "second")
    session.commit()
    row = session.scalar(db.select(ForumSubscription).where(ForumSubscription.user_id == trainee.id))
    assert row.is_subscribed is False
    response = client.api("PUT", f"/api/v1/forum-threads/{thread.id}/subscription")
    assert response.get_json() == {"thread_id": thread.id, "subscribed": True}


def test_unread_posts_are_counted_and_reading_a_thread_is_recorded_by_the_queue(client, session, forum, group,
                                                                                add_member, deferred_tasks):
    trainee, _ = add_member(group)
    other, _ = add_member(group)
    thread = _prompt_thread(session, forum)
    for text in ("one", "two", "three"):
        ops.reply(session, other, thread, text)
    session.commit()
    login(client, trainee)
    body = client.api("GET", f"/api/v1/forums/{forum.id}/threads").get_json()
    [item] = [i for i in body["items"] if i["thread"]["id"] == thread.id]
    assert item["unread"] == 3 and item["posts"] == 3
    assert client.get(f"/forums/threads/{thread.id}").status_code == 200  # a GET: writes nothing itself
    assert session.scalar(db.select(ForumRead.id)) is None
    assert run_queued(deferred_tasks) == 1  # ... the queue records it
    body = client.api("GET", f"/api/v1/forums/{forum.id}/threads").get_json()
    assert [i["unread"] for i in body["items"] if i["thread"]["id"] == thread.id] == [0]
    ops.reply(session, other, thread, "four")
    session.commit()
    assert client.api("GET", "/api/v1/forums").get_json()[0]["unread"] == 1
    assert client.api("POST", f"/api/v1/forum-threads/{thread.id}/read").status_code == 200
    assert client.api("GET", "/api/v1/forums").get_json()[0]["unread"] == 0


def test_mentioning_the_tutor_and_a_member_notifies_them_once(session, forum, group, add_member, events):
    trainee, _ = add_member(group, full_name="Ilir Gashi")
    colleague, _ = add_member(group, full_name="Mira Dushku")
    thread = ops.create_thread(session, trainee, forum, ops.ThreadFields("Help", "@tutor and @Mira Dushku, look"))
    session.commit()
    opening = [e for e in events if e[0] == "mention"]
    assert opening == [("mention", opening[0][1], tuple(sorted([group.tutors[0].id, colleague.id])))]
    post = thread_post(session, thread)
    ops.edit_post(session, trainee, post, "@tutor and @Mira Dushku, look again", version=post.version)
    session.commit()
    assert len([e for e in events if e[0] == "mention"]) == 1  # an edit names nobody new
    kinds = session.scalars(db.select(Notification.kind).where(Notification.recipient_id == colleague.id)).all()
    assert kinds == ["forum_mention"]


def thread_post(session, thread):
    from lms.forum.models import ForumPost

    return session.scalar(db.select(ForumPost).where(ForumPost.thread_id == thread.id))


def test_a_forums_summary_counts_every_thread_and_only_the_unread_posts_a_trainee_may_see(
        client, session, forum, group, add_member, count_queries):
    """Threads: all of the forum's. Unread: the reader's own posts, hidden replies and the posts
    of a thread whose opening post is hidden are left out, for the trainee and the tutor alike."""
    trainee, _ = add_member(group)
    other, _ = add_member(group)
    tutor = group.tutors[0]
    before = {reader.id: forum_summary(session, reader, forum) for reader in (trainee, tutor)}
    kept = ops.create_thread(session, other, forum, ops.ThreadFields("Visits", "When are visits?"))
    ops.reply(session, other, kept, "Fridays, I think")
    rude = ops.reply(session, other, kept, "An insult")
    ops.reply(session, trainee, kept, "Thank you")
    gone = ops.create_thread(session, other, forum, ops.ThreadFields("Off topic", "Something else"))
    ops.reply(session, other, gone, "More of it")
    ops.hide_post(session, tutor, rude, "Personal attack")
    ops.hide_post(session, tutor, session.scalar(db.select(ForumPost).where(
        ForumPost.thread_id == gone.id, ForumPost.is_opening)), "Off topic")
    session.commit()
    # New to the trainee: the kept thread's opening post and first reply; to the tutor, the
    # trainee's reply too. Neither counts the hidden reply nor the thread whose opening is hidden.
    for reader, new_unread in ((trainee, 2), (tutor, 3)):
        assert forum.id and reader.id    # both loaded again after the commit, before counting
        with count_queries() as queries:
            summary = forum_summary(session, reader, forum)   # of a forum already loaded: one query
        assert queries.count == 1, queries.statements
        assert summary.threads == before[reader.id].threads + 2
        assert summary.unread == before[reader.id].unread + new_unread
    assert [f.unread for f in ops.my_forums(session, trainee) if f.forum.id == forum.id] == [
        before[trainee.id].unread + 2]
    login(client, trainee)
    assert [(f["threads"], f["unread"]) for f in client.api("GET", "/api/v1/forums").get_json()
            if f["forum"]["id"] == forum.id] == [(before[trainee.id].threads + 2, before[trainee.id].unread + 2)]
