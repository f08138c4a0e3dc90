"""The end-of-course evaluation: a course's survey, its anonymous responses, and who answered.

Anonymity is a property of the tables (docs/surveys.md, "Why the answers cannot be traced"):

- ``SurveyResponse`` and ``SurveyAnswer`` hold what was answered and only the dimensions the
  results are broken down by, as copied values (course, group, beneficiary, language of study,
  gender) and the month it was answered in. No column names the user or the enrolment.
- ``SurveyParticipation`` says that a person answered a course's survey (a second answer is
  refused, a held certificate is released), and nothing about what they answered or when.
- Neither side has what would pair a row with the other: responses have random ids (no
  sequence shared with, or parallel to, the participations' keys), answers are keyed by their
  response's random id, no timestamp is written on either side (a response keeps only its
  month), and on SQLite the tables are WITHOUT ROWID, so their storage order is the random id's.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.i18n import localized
from lms.core.models import Base, JSONType

LIKERT, CHOICE, TEXT = "likert", "choice", "text"
KINDS = (LIKERT, CHOICE, TEXT)
SCALE_POINTS = 5
MAX_TEXT = 4000


def response_id() -> str:
    """128 random bits: says nothing of when, or in which order, the response was written."""
    return secrets.token_hex(16)


def month_of(day: date) -> date:
    """The only date a response keeps: the first day of the month it was answered in."""
    return day.replace(day=1)


class Survey(Base):
    """A course's end-of-course evaluation, as imported from its ``survey.yaml``."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    # course.yaml ``survey: {required_for_certificate: true}``: the certificate waits for an answer.
    required_for_certificate: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[dict] = mapped_column(JSONType, default=dict)
    intro: Mapped[dict] = mapped_column(JSONType, default=dict)
    # The five labels of the Likert scale, 1 to 5, each {language: text}.
    scale: Mapped[list] = mapped_column(JSONType, default=list)
    # [{"slug", "kind", "required", "text": {…}, "options": [{"slug", "label": {…}}]}], in order.
    items: Mapped[list] = mapped_column(JSONType, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    def title_in(self, language: str | None = None) -> str:
        return localized(self.title, language)

    def item(self, slug: str) -> dict | None:
        return next((item for item in self.items if item["slug"] == slug), None)


class SurveyResponse(Base):
    """One anonymous set of answers, with the dimensions of the results and nothing else."""

    __tablename__ = "survey_response"
    __table_args__ = (
        CheckConstraint("length(id) = 32", name="random_id"),
        Index("ix_survey_response_course_month", "course_id", "month"),
        Index("ix_survey_response_cohort", "cohort_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=response_id)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    # Copied values, not references to the person: the group (None: self-paced), the
    # beneficiary counted (the group's, else the trainee's profile), the language of study,
    # the gender (None: not recorded).
    cohort_id: Mapped[int | None] = mapped_column()
    beneficiary_id: Mapped[int | None] = mapped_column()
    language: Mapped[str] = mapped_column(String(10))
    gender: Mapped[str | None] = mapped_column(String(16))
    month: Mapped[date] = mapped_column()

    answers: Mapped[list[SurveyAnswer]] = relationship(cascade="all, delete-orphan", lazy="raise")


class SurveyAnswer(Base):
    """The answer to one item: a point of the scale, an option's slug, or text."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        CheckConstraint("value IS NULL OR value BETWEEN 1 AND 5", name="scale_point"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"),
                                             primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int | None] = mapped_column()
    choice: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)


class SurveyParticipation(Base):
    """That ``user`` answered the survey of ``course``: no time, no answers, no response id."""

    __tablename__ = "survey_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
