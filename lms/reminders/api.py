"""JSON API of reminders: a group's trainees to remind, sending, the record, automatic settings."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.permissions import require
from lms.extensions import db
from lms.reminders import operations as ops
from lms.reminders.schemas import (
    CandidateQuerySchema,
    CandidateSchema,
    PageQuerySchema,
    ReminderPageSchema,
    SendInSchema,
    SentSchema,
    SettingsInSchema,
    SettingsSchema,
)
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

blp = api_blueprint("reminders_api", __name__,
                    "Reminders from a group's tutor to its trainees, each in their language; automatic reminders.")
NOT_FOUND = "No such group, or not one you tutor or manage."


def _followed(cohort_id: int) -> Cohort:
    cohort = cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


@blp.get("/cohorts/<int:cohort_id>/reminders/candidates")
@authenticated
@blp.arguments(CandidateQuerySchema, location="query")
@blp.response(200, CandidateSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_FOUND)
def candidates(args, cohort_id: int):
    """The group's active trainees matching a filter: behind, inactive N days, not started, case study due."""
    return ops.candidates(db.session, _followed(cohort_id), args["filter"], args["days"])


@blp.post("/cohorts/<int:cohort_id>/reminders")
@authenticated
@blp.arguments(SendInSchema)
@blp.response(201, SentSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(422, description="No trainee, one who is not an active member, or an unknown template.")
def send(data, cohort_id: int):
    """Remind the trainees named with a template, each in their language, by e-mail and notification."""
    sent = ops.send_reminders(db.session, current_user, _followed(cohort_id), user_ids=data["user_ids"],
                              template=data["template"], note=data.get("note"))
    return {"sent": sent.reminders}


@blp.get("/cohorts/<int:cohort_id>/reminders")
@authenticated
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, ReminderPageSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_FOUND)
def sent(args, cohort_id: int):
    """What was sent to whom in this group (by tutors and automatically), newest first."""
    page = ops.sent_page(db.session, _followed(cohort_id), args["page"], args["per_page"])
    return {"items": page.items, "total": page.total, "page": page.page, "pages": page.pages}


@blp.get("/cohorts/<int:cohort_id>/reminder-settings")
@authenticated
@blp.response(200, SettingsSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_FOUND)
def settings(cohort_id: int):
    """The group's automatic reminders."""
    return ops.settings_of(db.session, _followed(cohort_id))


@blp.put("/cohorts/<int:cohort_id>/reminder-settings")
@authenticated
@blp.arguments(SettingsInSchema)
@blp.response(200, SettingsSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(422, description="A number of days out of range.")
def save_settings(data, cohort_id: int):
    """Set the group's automatic reminders (None switches one off)."""
    return ops.save_settings(db.session, current_user, _followed(cohort_id),
                             days_before_due=data["days_before_due"], inactive_days=data["inactive_days"])
