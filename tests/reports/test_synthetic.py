"""``lms demo generate``: a realistic synthetic programme, the same for the same seed."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from lms.accounts.models import Beneficiary, User
from lms.certificates.models import Certificate
from lms.core.errors import Conflict
from lms.courses.models import Enrolment, ProgressEvent
from lms.reports.synthetic import COLUMNS, DOMAIN, generate
from lms.tutors.models import Cohort, CohortMembership, Submission, SubmissionRound

UNTIL = date(2025, 6, 30)


def _digest(session) -> str:
    """A fingerprint of every generated row, ids included."""
    digest = hashlib.sha256()
    for table, columns in COLUMNS.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        for row in session.execute(text(f'SELECT {quoted} FROM "{table}" ORDER BY id')):
            digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_programme(session, imported):
    first = generate(session, trainees=300, seed=42, until=UNTIL)
    fingerprint = _digest(session)
    session.rollback()
    second = generate(session, trainees=300, seed=42, until=UNTIL)
    assert _digest(session) == fingerprint and first.rows == second.rows
    session.rollback()
    generate(session, trainees=300, seed=43, until=UNTIL)
    assert _digest(session) != fingerprint
    session.rollback()


def test_a_database_with_a_programme_is_refused(session, imported):
    generate(session, trainees=50, seed=1, until=UNTIL)
    session.commit()
    with pytest.raises(Conflict):
        generate(session, trainees=50, seed=2, until=UNTIL)


@pytest.fixture
def real_courses(session, reference):
    """The programme's own courses (content/): the tutored one and the self-paced one."""
    from lms.courses.importer import import_content
    from tests.conftest import ROOT

    import_content(session, ROOT / "content")
    session.commit()


def test_the_programme_looks_like_the_real_one(session, real_courses):
    summary = generate(session, trainees=1500, seed=11, until=UNTIL)
    session.commit()
    assert summary.cohorts == 30 and summary.trainees == 1500
    trainees = session.scalar(select(func.count(User.id)).where(User.email.like(f"trainee%@{DOMAIN}")))
    assert trainees == 1500
    # the six beneficiaries, every one with trainees and groups
    codes = dict(session.execute(select(Beneficiary.id, Beneficiary.code)).all())
    by_beneficiary = dict(session.execute(select(User.beneficiary_id, func.count()).where(
        User.email.like(f"trainee%@{DOMAIN}")).group_by(User.beneficiary_id)).all())
    assert {codes[b] for b in by_beneficiary} == {"AL", "BA", "XK", "ME", "MK", "RS"}
    groups = session.execute(select(Cohort.beneficiary_id, Cohort.language)).all()
    assert {codes[b] for b, _language in groups} == {"AL", "BA", "XK", "ME", "MK", "RS"}
    languages = {b.id: set(b.languages) for b in session.scalars(select(Beneficiary))}
    assert all(language in languages[b] for b, language in groups)
    # genders include "prefer not to say"; some profiles leave it out
    genders = set(session.scalars(select(User.gender).where(User.email.like(f"trainee%@{DOMAIN}"))))
    assert {"female", "male", "undisclosed", None} <= genders
    # enrolments spread over two years, with withdrawals and completions
    first, last = session.execute(select(func.min(Enrolment.enrolled_at), func.max(Enrolment.enrolled_at))).one()
    assert (last - first).days > 600
    assert last <= datetime(2025, 6, 30, tzinfo=UTC)
    withdrawn = session.scalar(select(func.count()).where(Enrolment.status == "withdrawn"))
    completed = session.scalar(select(func.count()).where(Enrolment.completed_at.is_not(None)))
    assert withdrawn > 0 and completed > 0
    # every completion has its certificate, a few revoked
    assert session.scalar(select(func.count(Certificate.id))) == completed
    assert session.scalar(select(func.count()).where(Certificate.status == "revoked")) > 0
    # tutored work reviewed by a tutor, some awaiting review at the end
    assert session.scalar(select(func.count()).where(SubmissionRound.reviewed_at.is_not(None))) > 0
    assert session.scalar(select(func.count()).where(Submission.status == "submitted")) > 0
    assert session.scalar(select(func.count()).where(
        SubmissionRound.reviewed_at < SubmissionRound.submitted_at)) == 0
    # every member is enrolled in the group's course
    mismatched = session.scalar(select(func.count()).select_from(CohortMembership)
                                .join(Cohort, Cohort.id == CohortMembership.cohort_id)
                                .join(Enrolment, Enrolment.id == CohortMembership.enrolment_id)
                                .where(Enrolment.course_id != Cohort.course_id))
    assert mismatched == 0
    events = session.scalar(select(func.count(ProgressEvent.id)))
    assert 15 < events / 1500 < 60     # about thirty per trainee: three million for 100,000


def test_the_command_line(app, session, imported):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "generate", "--trainees", "60", "--seed", "3", "--until", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "Synthetic programme: 60 trainees" in result.output and "progress_event" in result.output
    again = runner.invoke(args=["demo", "generate", "--trainees", "60"])
    assert again.exit_code != 0 and "already holds a synthetic programme" in again.output
