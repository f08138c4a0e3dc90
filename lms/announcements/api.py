"""JSON API of announcements: a group's and a course's, posting them, reading one."""

from __future__ import annotations

from flask_login import current_user

from lms.announcements import operations as ops
from lms.announcements.schemas import (
    AnnouncementInSchema,
    AnnouncementPageSchema,
    AnnouncementSchema,
    PageQuerySchema,
)
from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotAllowed, NotFound
from lms.courses.operations.lookups import course_by_slug
from lms.extensions import db
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

blp = api_blueprint("announcements_api", __name__,
                    "Announcements of tutors and managers to their groups, e-mailed to each reader in their language.")


def _page(page) -> dict:
    return {"items": page.items, "total": page.total, "page": page.page, "pages": page.pages}


def _readable(cohort_id: int) -> Cohort:
    cohort = cohort_by_id(db.session, cohort_id)
    if not ops.can_read_cohort(db.session, current_user, cohort):
        raise NotFound()
    return cohort


@blp.get("/cohorts/<int:cohort_id>/announcements")
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, AnnouncementPageSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="No such group, or not one you belong to, tutor or manage.")
def cohort_announcements(args, cohort_id: int):
    """A group's announcements, newest first (for its members, tutors and managers)."""
    cohort = _readable(cohort_id)
    return _page(ops.page_for_cohort(db.session, cohort, args["page"], args["per_page"]))


@blp.post("/cohorts/<int:cohort_id>/announcements")
@authenticated
@blp.arguments(AnnouncementInSchema)
@blp.response(201, AnnouncementSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="A member of the group: members read announcements, they do not post them.")
@blp.alt_response(404, description="No such group, or not one you belong to, tutor or manage.")
@blp.alt_response(422, description="An empty or too long title or body.")
def post_to_cohort(data, cohort_id: int):
    """Post an announcement to a group you tutor or manage; each reader is told in their language."""
    cohort = _readable(cohort_id)
    if not ops.may_post_to(current_user, cohort):
        raise NotAllowed()
    return ops.post_to_cohort(db.session, current_user, cohort, ops.Draft(data["title"], data["body"]))


@blp.get("/courses/<slug>/announcements")
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, AnnouncementPageSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="No such course.")
def course_announcements(args, slug: str):
    """The course's announcements you may read (those of your groups), newest first."""
    course = course_by_slug(db.session, slug)
    return _page(ops.page_for_course(db.session, current_user, course, args["page"], args["per_page"]))


@blp.post("/courses/<slug>/announcements")
@authenticated
@blp.arguments(AnnouncementInSchema)
@blp.response(201, AnnouncementSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="Not a manager, or no group of this course in your scope.")
@blp.alt_response(404, description="No such course.")
@blp.alt_response(422, description="An empty or too long title or body.")
def post_to_course(data, slug: str):
    """A manager's announcement to every group of the course in their scope."""
    course = course_by_slug(db.session, slug)
    if not ops.may_post_to_course(current_user):
        raise NotAllowed()
    return ops.post_to_course(db.session, current_user, course, ops.Draft(data["title"], data["body"]))


@blp.get("/announcements/<int:announcement_id>")
@authenticated
@blp.response(200, AnnouncementSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="No such announcement, or not one of your groups'.")
def announcement(announcement_id: int):
    """One announcement."""
    return ops.announcement_for(db.session, current_user, announcement_id)
