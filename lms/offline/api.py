"""JSON API: the lessons a trainee marked as done offline, sent once the phone is back online."""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.extensions import db
from lms.offline import operations as ops
from lms.offline.schemas import OfflineSyncInSchema, SyncResultSchema

blp = api_blueprint("offline_api", __name__, "Offline reading: progress made without a connection.")


@blp.post("/enrolments/<int:enrolment_id>/offline-completions")
@authenticated
@blp.arguments(OfflineSyncInSchema)
@blp.response(200, SyncResultSchema)
@blp.alt_response(403, description="The enrolment has been withdrawn.")
@blp.alt_response(404, description="No such enrolment, or not yours.")
def sync_offline_completions(data, enrolment_id: int):
    """Record lessons marked as done without a connection (idempotent).

    Sending the same lessons again, or lessons done online meanwhile, counts nothing twice:
    each lesson counts once per enrolment, with the earliest completion time known. Only the
    trainee's own enrolment; a lesson of another course, or another beneficiary's national
    annex, is refused (422) and nothing is recorded."""
    enrolment = ops.own_enrolment(db.session, current_user, enrolment_id)
    return ops.sync_lesson_completions(db.session, current_user, enrolment, data["completions"])
