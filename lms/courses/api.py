"""JSON API: catalogue, outlines, my enrolments, lesson text and completion, progress."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotFound
from lms.core.i18n import current_language
from lms.courses import operations as ops
from lms.courses.models import Course, Enrolment
from lms.courses.schemas import (
    CourseDetailSchema,
    CourseSummarySchema,
    EnrolInSchema,
    EnrolmentSchema,
    LessonSchema,
    NextStepSchema,
    OutlineModuleSchema,
    ProgressSchema,
    TutorGuideSchema,
)
from lms.extensions import db

blp = api_blueprint("courses_api", __name__, "Courses, enrolments and progress.")

# What a course's detail repeats of its summary: the summary schema's fields, listed once.
_SUMMARY_FIELDS = tuple(CourseSummarySchema().fields)


@blp.get("/courses")
@blp.response(200, CourseSummarySchema(many=True))
def list_courses():
    """The course catalogue (public)."""
    return ops.catalogue(db.session)


@blp.get("/courses/<slug>")
@blp.response(200, CourseDetailSchema)
@blp.alt_response(404, description="No such course.")
def course_detail(slug: str):
    """A course with its learning outcomes and its outline of modules and lessons (public).

    A trainee of the course is given the modules they are shown: their own beneficiary's
    national annex, no other's."""
    course = ops.course_by_slug(db.session, slug)
    enrolment = ops.enrolment_of(db.session, current_user, course.id)
    outline = ops.outline_for_viewer(db.session, current_user, course, enrolment)
    body = {name: getattr(course, name) for name in _SUMMARY_FIELDS}
    body["outcomes"] = course.outcomes
    body["modules"] = outline.modules
    return body


@blp.get("/courses/<slug>/modules/<module>")
@blp.response(200, OutlineModuleSchema)
@blp.alt_response(404, description="No such course or module, or another beneficiary's national annex "
                                   "(to a trainee).")
def module_detail(slug: str, module: str):
    """A module: its learning outcomes, the beneficiaries it is limited to, its lessons (public,
    but a trainee is not shown another beneficiary's national annex)."""
    course = ops.course_by_slug(db.session, slug)
    enrolment = ops.enrolment_of(db.session, current_user, course.id)
    return ops.module_for_viewer(db.session, current_user, course, enrolment, module)


@blp.get("/courses/<slug>/modules/<module>/tutor-guide")
@authenticated
@blp.response(200, TutorGuideSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="Not a tutor or programme manager of the course.")
@blp.alt_response(404, description="No such course or module.")
def tutor_guide(slug: str, module: str):
    """A module's tutor guide in the request's language (else the course's default), with its
    learning outcomes and the prompts for the group's discussion."""
    return ops.tutor_guide(db.session, current_user, slug, module, current_language())


@blp.get("/me/enrolments")
@authenticated
@blp.response(200, EnrolmentSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
def my_enrolments():
    """The signed-in user's enrolments."""
    return ops.enrolments_of(db.session, current_user)


@blp.post("/me/enrolments")
@authenticated
@blp.arguments(EnrolInSchema)
@blp.response(201, EnrolmentSchema)
@blp.alt_response(200, schema=EnrolmentSchema, description="Already enrolled: the existing enrolment.")
@blp.alt_response(403, description="A tutored course is joined through its group.")
@blp.alt_response(404, description="No such course.")
def enrol(data):
    """Enrol in a self-paced course (idempotent)."""
    course = ops.course_by_slug(db.session, data["course"])
    enrolment, changed = ops.self_enrol(db.session, current_user, course)
    return enrolment, 201 if changed else 200


@blp.get("/lessons/<int:lesson_id>")
@authenticated
@blp.response(200, LessonSchema)
@blp.alt_response(403, description="Not enrolled in the lesson's course.")
@blp.alt_response(404, description="No such lesson.")
def lesson(lesson_id: int):
    """A lesson's text in the request's language, falling back to the course's default."""
    found = ops.lesson_by_id(db.session, lesson_id)
    course = db.session.get(Course, found.course_id)
    return ops.open_lesson(db.session, current_user, course.slug, found.module.slug, found.slug,
                           current_language())


@blp.put("/lessons/<int:lesson_id>/completion")
@authenticated
@blp.response(200, ProgressSchema)
@blp.alt_response(403, description="Not enrolled in the lesson's course.")
@blp.alt_response(404, description="No such lesson.")
def complete_lesson(lesson_id: int):
    """Mark a lesson as done (idempotent); returns the course progress."""
    found = ops.lesson_by_id(db.session, lesson_id)
    enrolment, _progress = ops.complete_lesson(db.session, current_user, found)
    return ops.progress_for(db.session, current_user, enrolment)


@blp.get("/me/progress")
@authenticated
@blp.response(200, ProgressSchema(many=True))
def my_progress():
    """Progress in each of the signed-in user's courses."""
    return [ops.progress_for(db.session, current_user, enrolment)
            for enrolment in ops.enrolments_of(db.session, current_user)]


@blp.get("/enrolments/<int:enrolment_id>/progress")
@authenticated
@blp.response(200, ProgressSchema)
@blp.alt_response(404, description="No such enrolment, or not yours to see.")
def enrolment_progress(enrolment_id: int):
    """Progress of one enrolment: the trainee's own, or one a tutor or manager may follow."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound()
    return ops.progress_for(db.session, current_user, enrolment)


@blp.get("/enrolments/<int:enrolment_id>/next-step")
@authenticated
@blp.response(200, NextStepSchema)
@blp.alt_response(404, description="No such enrolment, or not yours to see.")
def enrolment_next_step(enrolment_id: int):
    """Where the trainee goes on: the next lesson, quiz or case study in course order (what
    "Continue where you left off" opens); null when nothing is left to do."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound()
    return {"step": ops.next_step_for(db.session, current_user, enrolment)}
