"""Fifty completion events for one enrolment at once: exactly one completion, one certificate."""

from __future__ import annotations

import os
import threading

import pytest

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.core.audit import AuditEntry
from lms.core.errors import Conflict
from lms.courses.completion import complete_manually
from lms.courses.models import Enrolment, Lesson, ProgressEvent
from lms.courses.operations import complete_lesson
from lms.extensions import db
from tests.certificates.conftest import enrol, lessons_of

ON_POSTGRESQL = (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql")
THREADS = 50


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL: SQLite serialises every writer, so "
                                               "nothing here could race (set LMS_TEST_DATABASE_URL)")
@pytest.mark.commits
def test_fifty_concurrent_completion_events_issue_exactly_one_certificate(app, session, courses, make_user):
    course = courses["self-paced-basics"]
    trainee = make_user(beneficiary="RS")
    admin = make_user(roles=("admin",), beneficiary=None)
    enrolment = enrol(session, trainee, course)
    lessons = lessons_of(session, course)
    complete_lesson(session, trainee, lessons[0])
    session.commit()
    # Most threads complete one of the last two lessons; every tenth marks the course
    # completed by hand, as a manager might at the same moment.
    trainee_id, admin_id, enrolment_id = trainee.id, admin.id, enrolment.id
    last_ids = [lesson.id for lesson in lessons[1:]]
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []
    conflicts = []

    def event(number: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                own = db.session
                if number % 10 == 9:
                    try:
                        complete_manually(own, own.get(User, admin_id), own.get(Enrolment, enrolment_id),
                                          "Completed offline.")
                    except Conflict:
                        own.rollback()
                        conflicts.append(number)
                        return
                else:
                    complete_lesson(own, own.get(User, trainee_id), own.get(Lesson, last_ids[number % len(last_ids)]))
                own.commit()
            except BaseException as exc:  # reported below, with the thread's number
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=event, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures

    session.expire_all()
    assert session.query(Certificate).filter_by(enrolment_id=enrolment_id).count() == 1
    completed = session.get(Enrolment, enrolment_id)
    assert completed.completed_at is not None
    certificate = session.query(Certificate).filter_by(enrolment_id=enrolment_id).one()
    assert certificate.completed_at == completed.completed_at
    manual_entries = session.query(AuditEntry).filter_by(action="enrolment.completed_manually").count()
    assert manual_entries == (1 if completed.completion_source == "manual" else 0)
    assert len(conflicts) == THREADS // 10 - manual_entries
    lesson_events = session.query(ProgressEvent).filter_by(enrolment_id=enrolment_id, kind="lesson_completed").count()
    assert lesson_events == 1 + THREADS - THREADS // 10
