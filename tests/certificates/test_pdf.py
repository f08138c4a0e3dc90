"""The certificate PDF: one A4 landscape page, every national character, in the holder's language."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from lms.accounts.reference import BENEFICIARIES, KOSOVO_FOOTNOTE
from lms.certificates import files
from lms.certificates.models import Certificate
from lms.certificates.pdf import PrintedCertificate
from lms.core.i18n import _, use_language
from lms.courses.completion import complete_enrolment
from tests.certificates.conftest import (
    certificate_of,
    complete_course,
    enrol,
    group_certificates,
    pdf_qr_codes,
    pdf_text,
)

# Holder names and the course title as the fixture course gives it in each language.
NATIONAL = [
    ("sq", "Ëndrit Çela", "Parandalimi i radikalizimit në burgje dhe në shërbimin e provës"),
    ("sr_Latn", "Đorđe Šćepanović", "Sprečavanje radikalizacije: uloga službenika za probaciju"),
    ("sr_Cyrl", "Ђорђе Шћепановић", "Спречавање радикализације: улога службеника за пробацију"),
    ("mk", "Јован Ѓорѓиевски", "Спречување на радикализацијата во затворите и пробацијата"),
    ("mk", "Ѕвонко Љубичиќ", "Спречување на радикализацијата во затворите и пробацијата"),
]


def _issue(session, user, course):
    enrolment = enrol(session, user, course)
    complete_enrolment(session, enrolment, source="automatic")
    session.commit()
    return certificate_of(session, enrolment)


def _pdf(certificate) -> bytes:
    return files.pdf_bytes(PrintedCertificate.of(certificate))


@pytest.mark.parametrize(("language", "name", "title"), NATIONAL)
def test_national_characters_of_names_and_titles_come_back_out_of_the_pdf(
        session, courses, make_user, language, name, title):
    certificate = _issue(session, make_user(full_name=name, language=language), courses["multilingual-basics"])
    assert certificate.language == language
    text = pdf_text(_pdf(certificate))
    assert name in text
    assert title in text
    assert certificate.grouped_code in text


def test_the_pdf_is_one_a4_landscape_page_with_its_code_in_its_metadata(app, session, courses, make_user):
    certificate = _issue(session, make_user(full_name="Jelena Marković"), courses["self-paced-basics"])
    reader = PdfReader(io.BytesIO(_pdf(certificate)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape in points
    assert certificate.grouped_code in reader.metadata["/Keywords"]
    assert reader.metadata.title == "Statement of accomplishment"
    assert reader.metadata.author == app.config["LMS_ISSUER_NAME"]


def test_the_qr_code_leads_to_the_public_verification_page(app, session, courses, make_user):
    certificate = _issue(session, make_user(), courses["self-paced-basics"])
    assert pdf_qr_codes(_pdf(certificate)) == [f"{app.config['LMS_BASE_URL']}/verify/{certificate.grouped_code}"]


def test_rendering_the_same_revision_twice_gives_the_same_bytes(session, courses, make_user):
    certificate = _issue(session, make_user(full_name="Arben Hoxha"), courses["self-paced-basics"])
    printed = PrintedCertificate.of(certificate)
    assert files.render(printed) == files.render(printed)


def test_the_pdf_is_in_the_holders_language_when_the_course_has_it_else_a_close_one_else_the_courses(
        session, courses, make_user):
    serbian = _issue(session, make_user(language="sr_Latn"), courses["self-paced-basics"])
    assert serbian.language == "sr_Latn"
    assert "Osnove probacije" in pdf_text(_pdf(serbian))

    montenegrin = _issue(session, make_user(language="cnr"), courses["self-paced-basics"])
    assert montenegrin.language == "sr_Latn"  # no Montenegrin: the closest language, before English
    assert "Osnove probacije" in pdf_text(_pdf(montenegrin))

    albanian = _issue(session, make_user(language="sq"), courses["self-paced-basics"])
    assert albanian.language == "en"  # no Albanian, and no language close to it
    assert "Probation basics" in pdf_text(_pdf(albanian))


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "March 5, 2026"), ("sq", "5 mars 2026"), ("sr_Latn", "5. mart 2026."),
    ("sr_Cyrl", "5. март 2026."), ("mk", "5 март 2026"),
])
def test_the_completion_date_is_formatted_for_the_certificates_language(
        session, courses, make_user, language, expected):

    certificate = _issue(session, make_user(language=language), courses["multilingual-basics"])
    certificate.completed_at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    session.flush()
    assert expected in pdf_text(files.render(PrintedCertificate.of(certificate)))


def test_a_tutored_certificate_names_the_group_beneficiary_and_tutors_with_kosovos_footnote(
        session, courses, make_user, make_cohort, add_member):
    course = courses["multilingual-basics"]
    cohort, (certificate,) = group_certificates(
        session, make_cohort, add_member, make_user, course, beneficiary="XK", names=["Besa Krasniqi"],
        language="sq", name="Prishtinë 2026/1", tutor_names=("Arta Berisha", "Driton Hoxha"))
    assert certificate.kind == "completion"
    assert (certificate.cohort_id, certificate.cohort_name) == (cohort.id, "Prishtinë 2026/1")
    text = " ".join(pdf_text(_pdf(certificate)).split())
    assert certificate.language == "sq"  # the holder's language, which the course offers
    with use_language("sq"):
        labels = (_("Certificate of completion"), str(BENEFICIARIES["XK"][0]) + "*", str(KOSOVO_FOOTNOTE))
    assert labels[0] in text and "Prishtinë 2026/1" in text and labels[1] in text
    assert "Arta Berisha, Driton Hoxha" in text
    assert " ".join(labels[2].split()) in text


def test_a_self_paced_statement_prints_no_group_lines(session, courses, make_user):
    certificate = _issue(session, make_user(beneficiary="XK"), courses["self-paced-basics"])
    text = pdf_text(_pdf(certificate))
    assert "Statement of accomplishment" in text
    assert "Group:" not in text and "Tutor" not in text and "without prejudice" not in text


def test_a_very_long_name_and_title_still_fit_on_one_page(session, courses, make_user):
    name = "Aleksandra-Katarina Đorđević-Šćepanović Petrović-Njegoš " * 3
    certificate = _issue(session, make_user(full_name=name.strip()), courses["self-paced-basics"])
    reader = PdfReader(io.BytesIO(_pdf(certificate)))
    assert len(reader.pages) == 1
    assert " ".join(name.split()) in " ".join(reader.pages[0].extract_text().split())


def test_the_pdf_is_cached_per_revision(session, courses, make_user, certificate_cache):
    certificate = _issue(session, make_user(), courses["self-paced-basics"])
    # Rendered as soon as the issuing transaction committed.
    cached = list(certificate_cache.glob(f"{certificate.code}-r1-*.pdf"))
    assert len(cached) == 1
    assert _pdf(certificate) == cached[0].read_bytes()


def test_completing_through_lessons_issues_one_certificate_per_enrolment(session, courses, make_user):
    trainee = make_user()
    enrolment = complete_course(session, trainee, courses["self-paced-basics"])
    assert session.query(Certificate).filter_by(enrolment_id=enrolment.id).count() == 1
