"""Indexes that statistics need on other features' tables (reports has no tables of its own).

Declared here, beside the queries they serve, so that the migration and the models agree.
"""

from __future__ import annotations

from sqlalchemy import Index

from lms.courses.models import Enrolment

# A period by enrolment date (the overview's and the pivot's default) and the trend's
# enrolments of a window: a range scan instead of reading every enrolment.
ENROLLED_AT = Index("ix_enrolment_enrolled_at", Enrolment.enrolled_at)
# A period by completion date, "completed in 2025", and the trend's completions.
COMPLETED_AT = Index("ix_enrolment_completed_at", Enrolment.completed_at)
