"""Fixtures of the i18n tests: the course and glossary written for them (tests/fixtures/i18n)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def i18n_content(session, reference):
    """tests/fixtures/i18n imported: a course in en, sr_Latn and sr_Cyrl, and six glossary terms."""
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.extensions import db

    import_content(session, FIXTURES / "i18n")
    session.commit()
    return session.scalar(db.select(Course).where(Course.slug == "serbian-scripts"))


@pytest.fixture
def certificate_cache(app, tmp_path):
    saved = app.config["LMS_CERTIFICATE_CACHE_DIR"]
    app.config["LMS_CERTIFICATE_CACHE_DIR"] = str(tmp_path / "certificate-cache")
    yield
    app.config["LMS_CERTIFICATE_CACHE_DIR"] = saved


@pytest.fixture
def world(session, imported, i18n_content, make_user, make_cohort, add_member, certificate_cache):
    """Everyone and everything the three roles' pages show, with every user reading ``language``:
    a tutored group with a member whose case study was accepted and who holds a certificate, a
    member whose work awaits review, a withdrawn member, the tutor, a regional manager, an admin."""
    from datetime import timedelta

    from lms.accounts.operations import password_reset_token
    from lms.announcements.operations import Draft, post_to_cohort
    from lms.certificates.models import Certificate
    from lms.core.models import utcnow
    from lms.courses.completion import complete_enrolment
    from lms.extensions import db
    from lms.meetings.operations.attendance import record_attendance
    from lms.meetings.operations.scheduling import MeetingFields
    from lms.meetings.operations.scheduling import create_meeting as schedule_meeting
    from lms.quizzes import operations as quiz_operations
    from lms.quizzes.models import AttemptAnswer, Question, Quiz
    from lms.reminders.operations import send_reminders
    from lms.tutors.models import Assignment
    from lms.tutors.operations import grading, submissions
    from lms.tutors.operations import membership as operations

    def build(language: str) -> dict:
        tutor = make_user(roles=("tutor",), language=language, full_name="Dragana Tutor")
        manager = make_user(roles=("manager",), beneficiary="MK", scope="regional", language=language,
                            full_name="Regional Manager")
        admin = make_user(roles=("admin",), language=language, full_name="Site Admin")
        cohort = make_cohort(tutors=[tutor], language="sr_Latn", name="Beograd 2026")
        trainee, enrolment = add_member(cohort, language=language, full_name="Đorđe Šćepanović")
        waiting, waiting_enrolment = add_member(cohort, language=language, full_name="Jelena Marković")
        leaver, _leaver_enrolment = add_member(cohort, language=language, full_name="Petar Petrović")
        operations.withdraw_member(session, manager, operations.membership_of(session, _leaver_enrolment.id),
                                   "Moved to another prison")
        case = session.scalar(db.select(Assignment).where(Assignment.slug == "assessment-case"))
        accepted, _ = submissions.submit(session, trainee, case, body="My analysis.\n\n- first point")
        session.commit()
        levels = {c["slug"]: c["levels"][-1]["points"] for c in case.criteria}
        grading.grade_submission(session, tutor, accepted, version=accepted.version, levels=levels,
                                 feedback="Well argued.", outcome="accepted", due_on=None)
        complete_enrolment(session, enrolment, source="automatic")
        session.commit()
        awaiting, _ = submissions.submit(session, waiting, case, body="Draft analysis of the case.")
        session.commit()
        certificate = session.scalar(db.select(Certificate).where(Certificate.enrolment_id == enrolment.id))
        membership = operations.membership_of(session, waiting_enrolment.id)
        # A quiz attempt with an essay that awaits the tutor: the quiz, attempt, review and
        # essay-grading pages.
        quiz = session.scalar(db.select(Quiz).where(Quiz.course_id == cohort.course_id, Quiz.key == "release"))
        attempt, _new = quiz_operations.start_attempt(session, trainee, quiz, language=language)
        rows = session.execute(db.select(AttemptAnswer.position, Question.qtype).join(Question)
                               .where(AttemptAnswer.attempt_id == attempt.id)).all()
        responses = {position: {"value": True} if kind == "true_false" else {"text": "Reporting days first."}
                     for position, kind in rows}
        quiz_operations.submit_attempt(session, trainee, attempt.id, responses)
        session.commit()
        essay = session.scalar(db.select(AttemptAnswer.id).where(AttemptAnswer.attempt_id == attempt.id,
                                                                 AttemptAnswer.needs_grading.is_(True)))
        open_attempt, _new = quiz_operations.start_attempt(session, trainee, quiz, language=language)
        session.commit()
        # A launch event of the group, its register taken: the session, register and calendar pages.
        launch = schedule_meeting(session, tutor, cohort, MeetingFields(
            kind="launch", title="Nacionalno predstavljanje kursa", starts_at=utcnow() + timedelta(days=5),
            ends_at=utcnow() + timedelta(days=5, hours=4), place="Beograd", key="launch"))
        record_attendance(session, tutor, launch, {enrolment.id: "present"}, version=launch.version)
        announcement = post_to_cohort(session, tutor, cohort, Draft("Webinar", "We meet on **Thursday**."))
        send_reminders(session, tutor, cohort, user_ids=[waiting.id], template="behind", note="See you soon.")
        # The group forum: a thread of the trainee's, the tutor's reply, an edit (its history).
        from lms.forum import operations as forum_operations
        from lms.forum.models import ForumPost

        forum = forum_operations.forum_of_cohort(session, cohort.id)
        thread = forum_operations.create_thread(session, trainee, forum, forum_operations.ThreadFields(
            "Noćne smene", "Ko odlučuje o pretresima noću?"))
        forum_operations.reply(session, tutor, thread, "Upravnik, uz pisani nalog.")
        post = session.scalar(db.select(ForumPost).where(
            ForumPost.thread_id == thread.id, ForumPost.is_opening.is_(True)))
        forum_operations.edit_post(session, trainee, post, "Ko odlučuje o pretresima tokom noći?",
                                   version=post.version)
        session.commit()
        return {
            "users": {"trainee": trainee, "tutor": tutor, "manager": manager, "admin": admin},
            "cohort": cohort, "certificate": certificate, "submission": awaiting, "accepted": accepted,
            "values": {
                "slug": cohort.course.slug, "module": "assessment", "lesson": "indicators",
                "assignment": "assessment-case", "cohort_id": cohort.id, "membership_id": membership.id,
                "submission_id": awaiting.id, "certificate_id": certificate.id,
                "enrolment_id": waiting_enrolment.id, "user_id": trainee.id, "institution_id": trainee.institution_id, "code": certificate.code,
                "token": password_reset_token(waiting),
                "quiz_id": quiz.id, "announcement_id": announcement.id, "attempt_id": open_attempt.id, "answer_id": essay,
                "meeting_id": launch.id, "forum_id": forum.id, "thread_id": thread.id, "post_id": post.id,
                # Review is of a submitted attempt; the attempt page and summary of an open one.
                "for": {"quizzes.review": {"attempt_id": attempt.id}},
            },
        }

    return build
