"""JSON API of a group's members: the list (with the ids the other doors take), withdrawing,
re-admitting, and enrolling a whole group from a CSV file (with a dry run).

The same operations and refusals as the group's page: tutors and managers who follow the
group read its members; only its managers change them (403 for its tutors); anyone else is
told it does not exist (404).
"""

from __future__ import annotations

from flask_login import current_user

from lms.core.api import api_blueprint, authenticated
from lms.core.errors import ValidationFailed
from lms.core.i18n import _
from lms.core.permissions import require
from lms.extensions import db
from lms.tutors.models import Cohort
from lms.tutors.operations import cohorts, csv_enrolment
from lms.tutors.operations.membership import (
    Member,
    members_of,
    membership_in,
    readmit_member,
    withdraw_member,
)
from lms.tutors.schemas import (
    CohortMemberSchema,
    CsvImportInSchema,
    ImportReportSchema,
    WithdrawalInSchema,
)

blp = api_blueprint("members_api", __name__, "Members of tutored groups: the list, withdrawing, re-admitting, "
                                             "enrolling a group from a CSV file.")

NOT_YOURS = "No such group or membership, or not a group you tutor or manage."
MANAGERS_ONLY = "Only the group's managers change its members (its tutors read them)."


def _followed(cohort_id: int) -> Cohort:
    cohort = cohorts.cohort_by_id(db.session, cohort_id)
    require(cohort.can_be_followed_by(current_user), hide=True)
    return cohort


def _member(cohort: Cohort, membership_id: int) -> Member:
    membership = membership_in(db.session, cohort, membership_id)
    return Member(membership, membership.enrolment.user)


@blp.get("/cohorts/<int:cohort_id>/members")
@authenticated
@blp.response(200, CohortMemberSchema(many=True))
@blp.alt_response(404, description=NOT_YOURS)
def list_members(cohort_id: int):
    """Everyone who joined the group, active members first, by name, with their membership ids."""
    return members_of(db.session, _followed(cohort_id))


@blp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/withdrawal")
@authenticated
@blp.arguments(WithdrawalInSchema)
@blp.response(200, CohortMemberSchema)
@blp.alt_response(403, description=MANAGERS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(422, description="The reason is too long.")
def withdraw(data, membership_id: int, cohort_id: int):
    """Withdraw a trainee from the group and the course; their work and progress are kept."""
    member = _member(_followed(cohort_id), membership_id)
    withdraw_member(db.session, current_user, member.membership, data.get("reason"))
    return member


@blp.post("/cohorts/<int:cohort_id>/members/<int:membership_id>/readmission")
@authenticated
@blp.response(200, CohortMemberSchema)
@blp.alt_response(403, description=MANAGERS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(409, description="The group is full.")
def readmit(membership_id: int, cohort_id: int):
    """Re-admit a withdrawn trainee: they continue where they stopped."""
    member = _member(_followed(cohort_id), membership_id)
    readmit_member(db.session, current_user, member.membership)
    return member


@blp.post("/cohorts/<int:cohort_id>/members/import")
@authenticated
@blp.arguments(CsvImportInSchema, location="files")
@blp.response(200, ImportReportSchema)
@blp.alt_response(403, description=MANAGERS_ONLY)
@blp.alt_response(404, description=NOT_YOURS)
@blp.alt_response(422, description="The file cannot be imported: `errors.file` lists every problem, each row's "
                                   "with its number; nothing was changed.")
def import_members(data, cohort_id: int):
    """Enrol a group from a CSV file, all or nothing, as the group's page does (multipart field `file`).

    Missing accounts are created and e-mailed a link to choose a password. With `dry_run=true`
    the file is checked the same way and the answer says what each row would do."""
    cohort = _followed(cohort_id)
    upload = data["file"]
    if not hasattr(upload, "read"):
        raise ValidationFailed(_("Choose a CSV file."), field="file")
    content = upload.read(csv_enrolment.MAX_BYTES + 1)
    if data["dry_run"]:
        return csv_enrolment.preview_members(db.session, current_user, cohort, content)
    return csv_enrolment.import_members(db.session, current_user, cohort, content)
