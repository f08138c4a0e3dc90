"""Certificate fixtures: courses to complete, and helpers that read a PDF back (its text with pypdf, its QR code with zxing-cpp)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.courses.completion import complete_enrolment
from lms.courses.importer import import_content
from lms.courses.models import Course, Enrolment, Lesson
from lms.courses.operations import complete_lesson, ensure_enrolment
from tests.conftest import FIXTURES

CERTIFICATE_FIXTURES = FIXTURES / "certificates"


@pytest.fixture(autouse=True)
def certificate_cache(app, tmp_path):
    """Each test renders into its own PDF cache."""
    saved = app.config["LMS_CERTIFICATE_CACHE_DIR"]
    app.config["LMS_CERTIFICATE_CACHE_DIR"] = str(tmp_path / "certificate-cache")
    yield tmp_path / "certificate-cache"
    app.config["LMS_CERTIFICATE_CACHE_DIR"] = saved


@pytest.fixture
def courses(imported, session):
    """The shared test courses plus a tutored course titled in every certificate language."""
    import_content(session, CERTIFICATE_FIXTURES)
    session.commit()
    return {c.slug: c for c in session.scalars(select(Course))}


# --- helpers ---------------------------------------------------------------------------------

def lessons_of(session, course) -> list[Lesson]:
    return list(session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.is_retired.is_(False))
                                .order_by(Lesson.module_id, Lesson.position)))


def enrol(session, user, course) -> Enrolment:
    enrolment, _changed = ensure_enrolment(session, user, course)
    session.commit()
    return enrolment


def complete_course(session, user, course) -> Enrolment:
    """Enrol ``user`` and complete every lesson through the real lesson-completion path."""
    enrolment = enrol(session, user, course)
    for lesson in lessons_of(session, course):
        complete_lesson(session, user, lesson)
    session.commit()
    return enrolment


def certificate_of(session, enrolment):
    return session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # slow to import; only the tests that read a PDF back need it

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_qr_codes(data: bytes) -> list[str]:
    """Decode every QR code among the PDF's images (scaled up, with a white margin)."""
    # Slow to import; only the tests that read a PDF back need them.
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for embedded in page.images:
            image = embedded.image.convert("L")
            framed = Image.new("L", (image.width + 40, image.height + 40), 255)
            framed.paste(image, (20, 20))
            found.extend(result.text for result in zxingcpp.read_barcodes(framed))
    return found


def manager(make_user, beneficiary="RS", scope="national", **kwargs):
    return make_user(roles=("manager",), beneficiary=beneficiary, scope=scope, **kwargs)



def issued_certificate(session, user, course):
    """Enrol ``user`` and complete the enrolment directly (as a quiz or tutor would)."""
    enrolment = enrol(session, user, course)
    complete_enrolment(session, enrolment, source="automatic")
    session.commit()
    return certificate_of(session, enrolment)


def group_certificates(session, make_cohort, add_member, make_user, course, *, beneficiary, names,
                       language, name, tutor_names=("Arta Berisha",)):
    """A real tutored group of ``course`` whose members complete it; their certificates."""
    tutors = [make_user(roles=("tutor",), beneficiary=beneficiary, full_name=tutor) for tutor in tutor_names]
    cohort = make_cohort(course=course, beneficiary=beneficiary, language=language, name=name, tutors=tutors)
    certificates = []
    for holder in names:
        trainee = make_user(full_name=holder, beneficiary=beneficiary, language=language)
        add_member(cohort, user=trainee)
        certificates.append(issued_certificate(session, trainee, course))
    return cohort, certificates
