"""Issuance: exactly one certificate per completed enrolment, of the right kind, never undone."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.certificates import operations as ops
from lms.certificates.codes import ALPHABET
from lms.certificates.models import Certificate
from lms.courses.importer import import_content
from lms.courses.models import Enrolment, Lesson
from lms.courses.operations import complete_lesson
from tests.certificates.conftest import certificate_of, complete_course, issued_certificate


def test_a_tutored_course_gives_a_certificate_of_completion_a_self_paced_one_a_statement(
        session, courses, make_user):
    trainee = make_user()
    assert issued_certificate(session, trainee, courses["tutored-basics"]).kind == "completion"
    assert issued_certificate(session, trainee, courses["self-paced-basics"]).kind == "accomplishment"


def test_completion_is_recorded_once_with_its_date_and_course_version(session, courses, make_user):
    enrolment = complete_course(session, make_user(), courses["self-paced-basics"])
    session.expire_all()
    completed = session.get(Enrolment, enrolment.id)
    certificate = certificate_of(session, completed)
    assert completed.completed_at is not None and completed.completed_version == 1
    assert completed.completion_source == "automatic"
    assert (certificate.completed_at, certificate.course_version) == (completed.completed_at, 1)


def test_a_second_certificate_for_the_same_enrolment_is_impossible(session, courses, make_user):
    certificate = issued_certificate(session, make_user(), courses["self-paced-basics"])
    assert ops.issue_certificate(session, certificate.enrolment).id == certificate.id
    duplicate = Certificate(
        enrolment_id=certificate.enrolment_id, user_id=certificate.user_id, course_id=certificate.course_id,
        kind=certificate.kind, code="0000000000000000", completed_at=certificate.completed_at,
        course_version=1, language="en", holder_name="x", course_title="x", hours=1,
        badge_salt="x", badge_identity="x")
    session.add(duplicate)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert session.query(Certificate).filter_by(enrolment_id=certificate.enrolment_id).count() == 1


def test_a_content_update_never_uncompletes_anyone(session, courses, make_user, content_copy):
    trainee = make_user()
    enrolment = complete_course(session, trainee, courses["self-paced-basics"])
    certificate = certificate_of(session, enrolment)
    course_yaml = content_copy / "self-paced-basics" / "course.yaml"
    text = course_yaml.read_text().replace("version: 1", "version: 2").replace(
        "      - slug: supervision\n        title: {en: Supervision, sr_Latn: Nadzor}\n",
        "      - slug: supervision\n        title: {en: Supervision, sr_Latn: Nadzor}\n"
        "      - slug: aftercare\n        title: {en: Aftercare, sr_Latn: Postpenalna podrška}\n")
    course_yaml.write_text(text)
    (content_copy / "self-paced-basics" / "practice" / "aftercare.md").write_text("Support after release.\n")
    (content_copy / "self-paced-basics" / "practice" / "aftercare.sr_Latn.md").write_text("Podrška posle otpusta.\n")
    import_content(session, content_copy)
    session.commit()

    # A later event re-evaluates completion against version 2: still completed, same certificate.
    welcome = session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
    complete_lesson(session, trainee, welcome)
    session.commit()
    session.expire_all()
    kept = session.get(Enrolment, enrolment.id)
    assert kept.completed_at is not None and kept.completed_version == 1
    assert session.query(Certificate).filter_by(enrolment_id=enrolment.id).one().id == certificate.id
    assert session.get(Certificate, certificate.id).is_valid


def test_the_language_is_the_holders_then_the_groups_then_the_courses(
        session, courses, make_user, make_cohort, add_member):
    course = courses["multilingual-basics"]
    assert issued_certificate(session, make_user(language="sr_Cyrl"), course).language == "sr_Cyrl"
    trainee = make_user(language="bs", beneficiary="MK")  # the course has no Bosnian
    add_member(make_cohort(course=course, beneficiary="MK", language="mk", name="Skopje"), user=trainee)
    assert issued_certificate(session, trainee, course).language == "mk"
    assert issued_certificate(session, make_user(language="cnr"), courses["tutored-basics"]).language == "en"


def test_verification_codes_are_random_typeable_and_owe_nothing_to_ids(session, courses, make_user):
    course = courses["self-paced-basics"]
    certificates = [issued_certificate(session, make_user(), course) for _ in range(6)]
    codes = [c.code for c in certificates]
    assert len(set(codes)) == len(codes)
    for certificate in certificates:
        assert len(certificate.code) == 16 and set(certificate.code) <= set(ALPHABET)
        assert str(certificate.id) not in certificate.grouped_code.split("-")
        assert len(certificate.grouped_code) == 19 and certificate.grouped_code.count("-") == 3
    # Consecutive certificates share no more leading characters than chance would give.
    shared = [len(os.path.commonprefix([a, b])) for a, b in zip(codes, codes[1:], strict=False)]
    assert max(shared) < 4


def test_the_holder_is_mailed_when_the_certificate_is_issued(session, courses, make_user, caplog):
    trainee = make_user(email="vesna@example.org", full_name="Vesna Popović")
    with caplog.at_level("WARNING", logger="lms.mail"):
        certificate = issued_certificate(session, trainee, courses["self-paced-basics"])
    assert "Your certificate is ready" in caplog.text and "vesna@example.org" in caplog.text
    assert certificate.grouped_code in caplog.text


def test_the_holder_finds_the_certificate_in_the_notification_centre(client, session, courses, make_user):
    from lms.notifications.models import Notification
    from tests.conftest import login

    trainee = make_user(language="mk")
    issued_certificate(session, trainee, courses["self-paced-basics"])
    [notification] = session.scalars(select(Notification).where(Notification.recipient_id == trainee.id))
    assert notification.kind == "certificate_issued"
    login(client, trainee)
    opened = client.form(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"].endswith("/courses/self-paced-basics")
