"""The forum in HTML: the forums one reads, a forum's threads, a thread with its posts and
reply form, editing a post with its history, the moderators' buttons; and what the forum adds
to other pages (the group's page and progress table, a self-paced course's page)."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.accounts.forms import EmptyForm
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.permissions import require
from lms.core.tasks import enqueue
from lms.extensions import db
from lms.forum import operations as ops
from lms.forum.forms import BODY_HINT, EditForm, HideForm, ReplyForm, ThreadForm
from lms.forum.models import ForumPost
from lms.forum.operations.forums import forum_key
from lms.forum.operations.lists import enrolment_forum_link, forum_link
from lms.forum.tasks import record_thread_read
from lms.tutors.forms import version_of

bp = Blueprint("forum", __name__, template_folder="templates")
log = logging.getLogger(__name__)


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _post(post_id: int) -> ForumPost:
    post = db.session.get(ForumPost, post_id)
    require(post is not None, hide=True)
    ops.thread_by_id(db.session, current_user, post.thread_id)
    require(not post.is_hidden or post.thread.forum.can_be_moderated_by(current_user), hide=True)
    return post


@bp.get("/forums")
@login_required
def forums():
    return render_template("forum/forums.html", summaries=ops.my_forums(db.session, current_user))


@bp.get("/forums/<int:forum_id>")
@login_required
def forum(forum_id: int):
    forum = ops.readable_forum(db.session, current_user, forum_id)
    page = ops.thread_list(db.session, current_user, forum, page=_page())
    return render_template("forum/forum.html", forum=forum, page=page,
                           moderator=forum.can_be_moderated_by(current_user))


@bp.route("/forums/<int:forum_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(forum_id: int):
    forum = ops.readable_forum(db.session, current_user, forum_id)
    form = ThreadForm()
    form.module_id.choices = [("", _("None"))] + [(str(m.id), m.title_in()) for m in forum.course.modules]
    if form.validate_on_submit():
        with errors_on(form):
            thread = ops.create_thread(db.session, current_user, forum, ops.ThreadFields(
                title=form.title.data or "", body=form.body.data or "", module_id=form.module_id.data))
            flash(_("Your thread has been opened."), "success")
            return redirect(url_for("forum.thread", thread_id=thread.id)), 303
    return render_template("forum/new_thread.html", forum=forum, form=form, hint=BODY_HINT), status_of(form)


def _thread_page(thread, reply_form: ReplyForm, status: int = 200):
    view = ops.thread_view(db.session, current_user, thread, page=_page())
    if request.method == "GET" and view.newest_post_id > view.last_read_post_id:
        # A GET writes nothing: the queue records that the reader has seen these posts.
        try:
            enqueue(record_thread_read, current_user.id, thread.id, view.newest_post_id, utcnow())
        except Exception:  # the queue is unreachable: the page still answers; recorded next time
            log.warning("Could not queue the reading of thread %s", thread.id, exc_info=True)
    editable = {post.id for post in view.posts.items if ops.can_edit(current_user, post)}
    return render_template("forum/thread.html", view=view, thread=thread, forum=thread.forum, form=reply_form,
                           hint=BODY_HINT, editable=editable, hide_form=HideForm(), button=EmptyForm(),
                           may_reply=not thread.is_locked or view.moderator), status


@bp.route("/forums/threads/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread(thread_id: int):
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    form = ReplyForm()
    if form.validate_on_submit():
        with errors_on(form):
            post = ops.reply(db.session, current_user, thread, form.body.data or "")
            flash(_("Your reply has been posted."), "success")
            view = ops.thread_view(db.session, current_user, thread, page=10**6)
            return redirect(url_for("forum.thread", thread_id=thread.id, page=view.posts.page) + f"#post-{post.id}"), 303
    return _thread_page(thread, form, status_of(form))


@bp.post("/forums/threads/<int:thread_id>/read")
@login_required
def mark_read(thread_id: int):
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    ops.mark_read(db.session, current_user, thread)
    return redirect(url_for("forum.forum", forum_id=thread.forum_id)), 303


@bp.post("/forums/threads/<int:thread_id>/subscription")
@login_required
def subscription(thread_id: int):
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    follow = request.form.get("follow") == "1"
    ops.set_subscription(db.session, current_user, thread, follow)
    flash(_("You follow this thread: its new posts come in your daily digest.") if follow
          else _("You no longer follow this thread."), "success")
    return redirect(url_for("forum.thread", thread_id=thread.id)), 303


@bp.post("/forums/threads/<int:thread_id>/moderation")
@login_required
def moderate(thread_id: int):
    thread = ops.thread_by_id(db.session, current_user, thread_id)
    action = request.form.get("action", "")
    states = {"pin": {"pinned": True}, "unpin": {"pinned": False}, "lock": {"locked": True},
              "unlock": {"locked": False}}
    require(action in states)
    ops.set_thread_state(db.session, current_user, thread, **states[action])
    flash(_("The thread has been updated."), "success")
    return redirect(url_for("forum.thread", thread_id=thread.id)), 303


@bp.route("/forums/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _post(post_id)
    require(ops.can_edit(current_user, post))
    form = EditForm(obj=post if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = post.version
    if form.validate_on_submit():
        with errors_on(form):
            ops.edit_post(db.session, current_user, post, form.body.data or "", version=version_of(form.version))
            flash(_("The post has been saved."), "success")
            return redirect(url_for("forum.thread", thread_id=post.thread_id) + f"#post-{post.id}"), 303
    return render_template("forum/edit_post.html", post=post, form=form, hint=BODY_HINT,
                           revisions=ops.revisions_of(db.session, post)), status_of(form)


@bp.post("/forums/posts/<int:post_id>/hide")
@login_required
def hide_post(post_id: int):
    post = _post(post_id)
    form = HideForm()
    if form.validate_on_submit():
        with errors_on(form):
            ops.hide_post(db.session, current_user, post, form.reason.data)
            flash(_("The post is hidden from trainees."), "success")
            return redirect(url_for("forum.thread", thread_id=post.thread_id) + f"#post-{post.id}"), 303
    for message in [*form.reason.errors, *form.form_errors]:
        flash(message, "error")
    return _thread_page(post.thread, ReplyForm(formdata=None), status_of(form))


@bp.post("/forums/posts/<int:post_id>/show")
@login_required
def show_post(post_id: int):
    post = _post(post_id)
    ops.show_post(db.session, current_user, post)
    flash(_("The post is shown again."), "success")
    return redirect(url_for("forum.thread", thread_id=post.thread_id) + f"#post-{post.id}"), 303


# --- slots on other features' pages -----------------------------------------------------

def cohort_actions_slot(cohort=None, **_context) -> str:
    """On the group's page: a button to its forum, with the posts not read yet."""
    link = forum_link(db.session, current_user, forum_key(cohort_id=cohort.id)) if cohort is not None else None
    return render_template("forum/_forum_button.html", link=link) if link else ""


def course_slot(course=None, enrolment=None, **_context) -> str:
    """On a course page: the forum of the reader's group, or of the self-paced course."""
    if course is None or enrolment is None or not current_user.is_authenticated:
        return ""
    link = enrolment_forum_link(db.session, current_user, enrolment)
    return render_template("forum/_forum_button.html", link=link) if link else ""


def participation_slot(cohort=None, **_context) -> str:
    """Under the group's progress table: participation in its discussion."""
    if cohort is None:
        return ""
    figures = ops.participation(db.session, [cohort.id]).get(cohort.id) or ops.Participation(cohort.id, 0, 0, 0, 0)
    return render_template("forum/_participation.html", figures=figures, cohort=cohort)
