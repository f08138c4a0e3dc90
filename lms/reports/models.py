"""What statistics keep of their own: one fact row per enrolment, and the indexes they need
on other features' tables.

``EnrolmentFact`` holds, for each enrolment, everything a figure of programme statistics
counts or groups by: its value of each dimension (a column named as the dimension's key),
its state and dates, its final score and pre-test score, its certificate (status, expiry,
renewal) and its submissions awaiting review;
``ReviewFact`` holds the turnaround of each of its reviewed case-study rounds;
``SummaryCount`` how many enrolments (people, rounds) of each beneficiary, and of all, have
each value of what the overview counts or takes a median of (``lms.reports.summaries``).
``lms.reports.fact_rows`` keeps each row current in the same transaction as the change
that alters it, so that a report reads one table instead of joining attempts, submissions,
certificates, groups and accounts on every request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import Base
from lms.courses.models import Enrolment

# A period by enrolment date and the trend's enrolments of a window (the per-trainee export
# reads the enrolments themselves): a range scan instead of reading every enrolment.
ENROLLED_AT = Index("ix_enrolment_enrolled_at", Enrolment.enrolled_at)
# A period by completion date, "completed in 2025", and the trend's completions.
COMPLETED_AT = Index("ix_enrolment_completed_at", Enrolment.completed_at)


class EnrolmentFact(Base):
    """An enrolment as statistics count it. Never edited by hand: derived from the records
    (``lms.reports.fact_rows.truth``) whenever one of them changes."""

    __tablename__ = "enrolment_fact"
    __table_args__ = (
        Index("ix_enrolment_fact_enrolled_at", "enrolled_at"),
        Index("ix_enrolment_fact_completed_at", "completed_at"),
        Index("ix_enrolment_fact_cohort", "cohort"),
        Index("ix_enrolment_fact_user_id", "user_id"),
        # "Active in the last 30 days" and certificates expired by now, counted along the dates
        # (lms.reports.summaries): the recent activity, and the certificates expiring today.
        Index("ix_enrolment_fact_last_activity_at", "last_activity_at"),
        Index("ix_enrolment_fact_certificate_expires_at", "certificate_expires_at"),
    )

    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True,
                                              autoincrement=False)
    user_id: Mapped[int] = mapped_column()
    # The dimensions (lms.reports.dimensions), each under its key.
    beneficiary: Mapped[int | None] = mapped_column()       # counted: the group's, else the trainee's
    institution: Mapped[int | None] = mapped_column()
    profession: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(16))
    course: Mapped[int] = mapped_column()
    format: Mapped[str] = mapped_column(String(16))
    cohort: Mapped[int | None] = mapped_column()
    language: Mapped[str | None] = mapped_column(String(10))
    # The enrolment's state and dates.
    status: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    last_activity_at: Mapped[datetime | None] = mapped_column()
    progress_percent: Mapped[int] = mapped_column()
    # What the measures read from other records.
    final_score: Mapped[float | None] = mapped_column(Float)
    pretest_score: Mapped[float | None] = mapped_column(Float)   # the course's pre-test (knowledge gain)
    certificate_status: Mapped[str | None] = mapped_column(String(16))
    # When its certificate expires (none: never, or no certificate), and whether a refresher's
    # certificate has renewed it (1) or not (0): what "valid", "expired" and "renewed" read,
    # so that no report joins the certificates.
    certificate_expires_at: Mapped[datetime | None] = mapped_column()
    certificate_renewed: Mapped[int] = mapped_column(server_default="0")
    awaiting_review: Mapped[int] = mapped_column()


class ReviewFact(Base):
    """A reviewed case-study round as the grading turnaround counts it: whose enrolment, and
    the whole seconds from its submission to its review. Kept with the enrolment's fact row."""

    __tablename__ = "review_fact"
    __table_args__ = (Index("ix_review_fact_seconds", "seconds"),)    # the median of every round

    submission_round_id: Mapped[int] = mapped_column(ForeignKey("submission_round.id", ondelete="CASCADE"),
                                                     primary_key=True, autoincrement=False)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[int] = mapped_column()


class SummaryCount(Base):
    """How many of a scope's enrolments (people, reviewed rounds) count for ``kind`` with
    ``value``: what the overview's headline, beneficiaries' table and trend add up, without
    reading every fact row. Never edited by hand: kept by ``lms.reports.summaries`` with the
    fact rows it is derived from.

    ``scope``: a beneficiary's id, ``NO_BENEFICIARY`` (-1), or ``EVERY`` (0), every enrolment.
    ``kind``: a count (``enrolled``, ``completed``… with ``value`` 0) or a histogram (``final``:
    the final scores, ``value`` each score; ``days``: days to completion; ``enrolled_month``:
    ``value`` YYYYMM…). ``n`` may fall to 0: such a row counts nothing.
    """

    __tablename__ = "report_summary"

    scope: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[float] = mapped_column(Float, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
