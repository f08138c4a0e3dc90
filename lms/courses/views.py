"""Catalogue, course pages, lessons, and the trainee's dashboard."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.accounts.forms import EmptyForm
from lms.accounts.reference import BENEFICIARIES, KOSOVO
from lms.core.i18n import _, current_language
from lms.courses import operations as ops
from lms.extensions import db

bp = Blueprint("courses", __name__, template_folder="templates")


@bp.get("/")
def catalogue():
    courses = ops.catalogue(db.session, whole=False)
    enrolled = {}
    if current_user.is_authenticated:
        enrolled = {enrolment.course_id: enrolment for enrolment in ops.enrolments_of(db.session, current_user)}
    return render_template("courses/catalogue.html", courses=courses, enrolled=enrolled)


@bp.get("/courses/<slug>")
def course(slug: str):
    found = ops.course_and_reader(db.session, current_user, slug)
    course, enrolment = found.course, found.enrolment
    outline = ops.outline_for_viewer(db.session, current_user, course, enrolment)
    standing = None
    if enrolment is not None:
        standing = ops.progress_for(db.session, current_user, enrolment, language=current_language())
    active = enrolment if enrolment is not None and enrolment.is_active else None
    path = ops.learning_path(db.session, course, active) if active is not None else None
    return render_template("courses/course.html", course=course, outline=outline, enrolment=enrolment,
                           standing=standing, path=path, form=EmptyForm(),
                           staff=course.can_be_previewed_by(current_user))


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = ops.course_by_slug(db.session, slug)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("courses.course", slug=slug))
    enrolment, changed = ops.self_enrol(db.session, current_user, course)
    if changed:
        flash(_("You are enrolled. Welcome to the course!"), "success")
    return _go_to(ops.next_step(db.session, enrolment), slug)


def _go_to(step, slug: str):
    """To a step of the learning path, or to the course page when there is none."""
    return redirect(step.url if step is not None and step.url else url_for("courses.course", slug=slug))


@bp.get("/courses/<slug>/continue")
@login_required
def continue_course(slug: str):
    course = ops.course_by_slug(db.session, slug)
    enrolment = ops.enrolment_of(db.session, current_user, course.id)
    return _go_to(ops.next_step(db.session, enrolment) if enrolment else None, slug)


@bp.get("/courses/<slug>/<module>/<lesson>")
@login_required
def lesson(slug: str, module: str, lesson: str):
    view = ops.open_lesson(db.session, current_user, slug, module, lesson, current_language(),
                           chosen=request.args.get("language"))
    path = ops.learning_path(db.session, view.course, view.enrolment, view.done)
    module_steps = path.added_to_module(view.page.module_id)
    following = path.following(ops.LESSON, view.page.lesson_id)

    def shown(step):
        return None if step is None else (step.kind, step.id, step.url, step.done, view.page.title_of(step.title))

    # Everything the reader's part of the page shows (the template's "courses.lesson_reader").
    reader = (view.preview, view.completed, shown(following), tuple(shown(step) for step in module_steps))
    return render_template("courses/lesson.html", view=view, page=view.page, module_steps=module_steps,
                           following=following, reader=reader)


@bp.post("/courses/<slug>/lessons/<int:lesson_id>/done")
@login_required
def complete_lesson(slug: str, lesson_id: int):
    form = EmptyForm()
    lesson = ops.lesson_by_id(db.session, lesson_id)
    course = ops.course_by_slug(db.session, slug)
    if lesson.course_id != course.id:
        return redirect(url_for("courses.course", slug=slug))
    enrolment = None
    if form.validate_on_submit():
        enrolment, _progress = ops.complete_lesson(db.session, current_user, lesson)
        if enrolment.is_completed:
            flash(_("Congratulations: you have completed the course."), "success")
    # After a module's last lesson comes its quiz or case study, then the next module.
    return _go_to(ops.step_after_lesson(db.session, enrolment, course, lesson.id), slug)


@bp.get("/courses/<slug>/modules/<module>")
def module(slug: str, module: str):
    course = ops.course_by_slug(db.session, slug)
    enrolment = ops.enrolment_of(db.session, current_user, course.id)
    found = ops.module_for_viewer(db.session, current_user, course, enrolment, module)
    standing = None
    if enrolment is not None:
        standing = ops.progress_for(db.session, current_user, enrolment, language=current_language())
    return render_template("courses/module.html", course=course, module=found, enrolment=enrolment,
                           standing=standing, staff=course.can_be_previewed_by(current_user))


@bp.get("/courses/<slug>/tutor-guide/<module>")
@login_required
def tutor_guide(slug: str, module: str):
    guide = ops.tutor_guide(db.session, current_user, slug, module, current_language())
    return render_template("courses/tutor_guide.html", guide=guide, course=guide.course, module=guide.module)


@bp.app_template_global()
def annex_label(codes) -> str:
    """The beneficiaries a national annex is for, named; Kosovo* brings its footnote to the page."""
    if KOSOVO in codes:
        g.show_kosovo_footnote = True
    return ", ".join(str(BENEFICIARIES[code][0]) + ("*" if code == KOSOVO else "")
                     for code in codes if code in BENEFICIARIES)


@bp.get("/dashboard")
@login_required
def dashboard():
    enrolments = ops.enrolments_of(db.session, current_user)
    return render_template("courses/dashboard.html", enrolments=enrolments)
