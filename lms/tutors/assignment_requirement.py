"""The completion requirement "assignment accepted" (kind ``assignment``, ref = assignment slug)."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import select

from lms.core.i18n import _, localized
from lms.courses.completion import RequirementKind
from lms.courses.models import Course, Module
from lms.tutors.content import ASSIGNMENT_KIND
from lms.tutors.models import ACCEPTED, Assignment, Submission


def _assignments(session, requirements) -> dict[str, Assignment]:
    if not requirements:
        return {}
    return {a.slug: a for a in session.scalars(select(Assignment).where(
        Assignment.course_id == requirements[0].course_id,
        Assignment.slug.in_([r.ref for r in requirements])))}


def _met(session, enrolment, requirements) -> set[int]:
    by_ref = {r.ref: r.id for r in requirements}
    accepted = session.scalars(
        select(Assignment.slug).join(Submission, Submission.assignment_id == Assignment.id)
        .where(Submission.enrolment_id == enrolment.id, Submission.status == ACCEPTED,
               Assignment.course_id == enrolment.course_id, Assignment.slug.in_(list(by_ref))))
    return {by_ref[slug] for slug in accepted}


def _labels(session, requirements, language) -> dict[int, str]:
    assignments = _assignments(session, requirements)
    labels = {}
    for requirement in requirements:
        assignment = assignments.get(requirement.ref)
        title = localized(assignment.title, language) if assignment else requirement.ref
        labels[requirement.id] = _("Accepted by your tutor: {title}").format(title=title)
    return labels


def _links(session, requirements) -> dict[int, str]:
    if not requirements or not has_request_context():
        return {}
    slug = session.scalar(select(Course.slug).where(Course.id == requirements[0].course_id))
    return {r.id: url_for("assignments.assignment", slug=slug, assignment=r.ref) for r in requirements}


def _modules(session, requirements) -> dict[int, str]:
    if not requirements:
        return {}
    by_ref = {r.ref: r.id for r in requirements}
    return {by_ref[slug]: module_slug for slug, module_slug in session.execute(
        select(Assignment.slug, Module.slug).join(Module, Module.id == Assignment.module_id).where(
            Assignment.course_id == requirements[0].course_id, Assignment.slug.in_(list(by_ref))))}


ASSIGNMENT_REQUIREMENT = RequirementKind(ASSIGNMENT_KIND, _met, _labels, _links, _modules)
