"""Everything follows the person: e-mails in the recipient's language whoever acts, certificates in
the holder's, exports in the reader's; a tutored group's language is its members' course language."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import format_date

from lms.certificates.pdf import PrintedCertificate, render_certificate
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, SHIPPED, _, use_language
from lms.extensions import db
from tests.certificates.conftest import pdf_text
from tests.conftest import login
from tests.i18n.english import course_texts, english_left

LOCALES = [code for code in SHIPPED if code != DEFAULT_LANGUAGE]


@pytest.fixture
def sent(monkeypatch):
    """The mails sent after each commit, instead of the log."""
    from lms.core.mail import Mail

    mails = []
    monkeypatch.setattr("lms.core.mail._send", lambda row: mails.append(
        Mail(to=row.recipient, subject=row.subject, text=row.text, html=row.html)))
    return mails


def _translated(code: str, message: str) -> str:
    with use_language(code):
        return _(message)


# --- e-mails ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", LOCALES)
def test_every_mail_reaches_its_recipient_in_their_language_whoever_acts(
        app, session, sent, make_user, make_cohort, add_member, imported, code):
    """Staff and trainees who read English set things off; the recipients read ``code``."""
    from lms.accounts.operations import request_password_reset
    from lms.certificates import operations as certificates
    from lms.certificates.models import Certificate
    from lms.courses.completion import complete_enrolment
    from lms.tutors.models import Assignment
    from lms.tutors.operations import csv_enrolment, grading, notifications, submissions

    tutor = make_user(roles=("tutor",), language=code, full_name="Dragana Tutor")
    english_tutor = make_user(roles=("tutor",), language="en", full_name="English Tutor")
    manager = make_user(roles=("manager",), beneficiary="MK", scope="regional", language="en")
    cohort = make_cohort(tutors=[tutor, english_tutor], language="sr_Latn", name="Niš 2026")
    trainee, enrolment = add_member(cohort, language=code, full_name="Đorđe Šćepanović")
    existing = make_user(language=code, email="existing@example.org", full_name="Milica Jovanović")
    with app.test_request_context():
        request_password_reset(session, trainee.email)
        csv_enrolment.import_members(session, manager, cohort, ("email,full_name,institution,profession\n"
                            "existing@example.org,Milica Jovanović,Correctional Institution Niš,"
                            "prison_officer\n").encode())
        session.commit()
        case = session.scalar(db.select(Assignment).where(Assignment.slug == "assessment-case"))
        submission, _ = submissions.submit(session, trainee, case, body="My analysis.")
        session.commit()
        grading.grade_submission(session, english_tutor, submission, version=submission.version,
                                 levels={c["slug"]: c["levels"][0]["points"] for c in case.criteria},
                                 feedback="Please say more.", outcome="returned",
                                 due_on=date.today() + timedelta(days=7))
        complete_enrolment(session, enrolment, source="manual")
        session.commit()
        certificate = session.scalar(db.select(Certificate).where(Certificate.enrolment_id == enrolment.id))
        for action in (certificates.revoke, certificates.reinstate, certificates.reissue):
            action(session, manager, certificate, reason="Checked by the programme", version=certificate.version)
            session.commit()
        notifications.set_preference(session, tutor, "daily")
        session.commit()
        second, _ = add_member(cohort, language="en")
        submissions.submit(session, second, case, body="Another analysis.")
        session.commit()
        notifications.send_digests(session, now=datetime.now(UTC) + timedelta(days=1))
        session.commit()

    to = {trainee.email: [], tutor.email: [], existing.email: []}
    for mail in sent:
        if mail.to in to:
            to[mail.to].append(mail)
    subjects = {mail.subject for mails in to.values() for mail in mails}
    for wanted in ("Reset your password", "Your certificate is ready", "Your certificate has been revoked",
                   "Your certificate is valid again", "Your certificate has been reissued"):
        assert _translated(code, wanted) in subjects, wanted
    assert any(m.subject.startswith(_translated(code, "Please revise and resubmit “{title}”")[:12]) for m in to[trainee.email])
    assert [m.subject for m in to[existing.email]] == [
        _translated(code, "You have been enrolled in “{course}”").format(course=cohort.course.title_in(code))]
    assert any("%(num)s" not in m.subject and m.subject.startswith(_translated(code, "New work to review: {trainee}, “{title}”")[:10])
               for m in to[tutor.email])
    assert len(to[tutor.email]) >= 2  # new work at once, then the digest
    content = course_texts(session)
    for mails in to.values():
        for mail in mails:
            assert english_left(mail.subject + " " + mail.text, code, content) == [], (mail.subject, mail.text)


def test_a_password_mail_received_in_serbian_latin(app, client, session, sent, make_user):
    make_user(language="sr_Latn", email="milan@example.org", full_name="Milan Đukić")
    client.form("/reset-password", {"email": "milan@example.org"}, headers={"Accept-Language": "en"})
    [mail] = sent
    assert mail.subject == "Ponovno postavljanje lozinke"
    assert mail.text.startswith("Dobar dan, Milan Đukić,")
    hours = app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 3600
    assert f"Link se može upotrebiti jednom i ističe za {hours} " in mail.text
    assert english_left(mail.text, "sr_Latn") == []


# --- certificates ----------------------------------------------------------------------

HOLDERS = {
    "en": "Jelena Marković",
    "sq": "Ëndrit Çela",
    "bs": "Amra Hadžić",
    "sr_Latn": "Đorđe Šćepanović",
    "sr_Cyrl": "Ђорђе Шћепановић",
    "mk": "Ѓорѓи Ѕвонко Љубичиќ",
    "cnr": "Šćepan Đurović",
}


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_a_certificate_in_each_language_carries_its_national_characters_as_text(app, code):
    printed = PrintedCertificate(
        code="K7QM3XJD9PRAT2HC", kind="completion", language=code, holder_name=HOLDERS[code],
        course_title="Prevencija radikalizacije", hours=Decimal("12.5"),
        completed_at=datetime(2026, 11, 20, 9, tzinfo=UTC), issued_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
        revision=1, reissued_at=None, cohort_name="Grupa 1", beneficiary_code="RS",
        tutor_names=("Vesna Ćirić",))
    with app.test_request_context():
        text = pdf_text(render_certificate(printed, verify_url="https://lms.example/verify/K7QM", issuer_name="HELP"))
        with use_language(code):
            labels = [_("This is to certify that"), _("has completed the tutored course"), _("Verification code"),
                      _("Certificate of completion")]
            issued = format_date(printed.issued_at, format="long")
    flat = " ".join(text.split())
    assert HOLDERS[code] in flat and "Vesna Ćirić" in flat
    assert " ".join(issued.split()) in flat  # the date as the language writes it, with its month name
    if code in SHIPPED:
        for label in labels:
            assert label in flat, (code, label)
    national = {"sr_Latn": ["Ovim se potvrđuje da je", "Sertifikat o završenom kursu"],
                "sr_Cyrl": ["Овим се потврђује да је", "Сертификат о завршеном курсу", "новембар"]}
    for words in national.get(code, []):
        assert words in flat, (code, words)


# --- exports and formats ---------------------------------------------------------------

@pytest.mark.parametrize("code", LOCALES)
def test_the_progress_export_is_in_the_language_of_whoever_downloads_it(app, session, make_user, make_cohort,
                                                                         add_member, imported, code):
    tutor = make_user(roles=("tutor",), language=code)
    cohort = make_cohort(tutors=[tutor], language="en")
    add_member(cohort, language="en", full_name="Ana Kovač")
    client = app.test_client()
    login(client, tutor)
    response = client.get(f"/cohorts/{cohort.id}/progress.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    with use_language(code):
        assert rows[0][:3] == [_("Name"), _("E-mail address"), _("Institution")]
        assert rows[1][3] == _("active")
    assert english_left(" ".join(rows[0]), code) == []


@pytest.mark.parametrize("code", LOCALES + ["cnr", "mk"])
def test_dates_on_pages_are_written_as_the_language_writes_them(app, session, make_user, make_cohort, imported, code):
    tutor = make_user(roles=("tutor",), language=code)
    cohort = make_cohort(tutors=[tutor], starts_on=date(2026, 3, 2), ends_on=date(2026, 5, 25))
    client = app.test_client()
    login(client, tutor)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    with app.test_request_context(), use_language(code):
        expected = format_date(cohort.starts_on)
    assert expected in html
    assert f'<html lang="{LANGUAGES[code].html_lang}">' in html


def test_montenegrin_uses_the_formats_of_serbian_latin_for_montenegro_but_its_own_name(app, client):
    from flask_babel import get_locale

    with app.test_request_context(), use_language("cnr"):
        assert str(get_locale()) == "sr_Latn_ME"
    html = client.get("/login").get_data(as_text=True)
    assert '<option value="cnr" lang="cnr" >crnogorski</option>' in html or ">crnogorski</option>" in html


def test_counts_use_the_plural_form_of_the_language(app):
    from lms.core.i18n import ngettext

    with app.test_request_context():
        with use_language("sr_Latn"):
            forms = [ngettext("%(num)s point", "%(num)s points", n) for n in (1, 2, 5, 21, 22, 25, 1000)]
        assert forms == ["1 bod", "2 boda", "5 bodova", "21 bod", "22 boda", "25 bodova", "1.000 bodova"]
        with use_language("en"):
            assert ngettext("%(num)s point", "%(num)s points", 1000) == "1,000 points"


# --- a group's language is its members' course language --------------------------------

def _lesson(client, url="/courses/tutored-casework/assessment/indicators"):
    return client.get(url).get_data(as_text=True)


def test_a_member_reads_the_course_in_the_groups_language_with_the_interface_in_their_own(
        app, session, make_user, make_cohort, add_member, imported):
    cohort = make_cohort(language="sr_Latn")
    member, enrolment = add_member(cohort, language="en")
    assert enrolment.content_language == "sr_Latn"
    client = app.test_client()
    login(client, member)
    html = _lesson(client)
    assert "Pokazatelji, a ne profili" in html  # the Serbian text
    assert "This lesson is shown in the language of your group, srpski." in html
    assert '<html lang="en">' in html and "Mark as done and continue" in html
    chosen = _lesson(client, "/courses/tutored-casework/assessment/indicators?language=en")
    assert "Indicators, not profiles" in chosen and "language of your group" not in chosen


def test_without_a_group_or_when_the_course_lacks_its_language_the_readers_language_decides(
        app, session, make_user, make_cohort, add_member, imported):
    from lms.courses.operations import ensure_enrolment

    reader = make_user(language="sr_Latn")
    ensure_enrolment(session, reader, imported["self-paced-basics"])
    session.commit()
    client = app.test_client()
    login(client, reader)
    assert "Službenici za probaciju" in _lesson(client, "/courses/self-paced-basics/intro/welcome")
    albanian_group = make_cohort(course=imported["tutored-basics"], beneficiary="AL", language="sq")
    member, _enrolment = add_member(albanian_group, language="sr_Latn")
    other = app.test_client()
    login(other, member)
    html = _lesson(other, "/courses/tutored-basics/only/first")
    assert "Dynamic security rests" in html  # the course has no Albanian (nor Serbian): English
    assert "još nije prevedena na vaš jezik; prikazuje se na jeziku: English" in html


def test_changing_the_groups_language_changes_its_members_course_language(
        app, session, make_user, make_cohort, add_member, imported, regional_manager):
    from lms.courses.models import Enrolment
    from lms.tutors.operations import cohorts as ops

    cohort = make_cohort(language="sr_Latn")
    member, enrolment = add_member(cohort, language="en")
    client = app.test_client()
    login(client, member)
    assert "Pokazatelji, a ne profili" in _lesson(client)
    ops.update_cohort(session, regional_manager, cohort, ops.CohortFields(
        course_id=cohort.course_id, beneficiary_id=cohort.beneficiary_id, name=cohort.name, language="en",
        starts_on=cohort.starts_on, ends_on=cohort.ends_on, capacity=cohort.capacity,
        tutor_ids=sorted(cohort.tutor_ids)), version=cohort.version)
    session.commit()
    session.expire_all()
    assert session.get(Enrolment, enrolment.id).content_language == "en"
    assert "Indicators, not profiles" in _lesson(client)


def test_the_groups_language_costs_the_lesson_page_no_query(app, session, make_user, make_cohort, add_member,
                                                            imported, count_queries):
    from lms.courses.operations import ensure_enrolment

    cohort = make_cohort(language="sr_Latn")
    member, _enrolment = add_member(cohort, language="en")
    reader = make_user(language="en")
    ensure_enrolment(session, reader, imported["tutored-casework"])  # enrolled without a group
    session.commit()
    counts = {}
    for name, user in (("member", member), ("reader", reader)):
        client = app.test_client()
        login(client, user)
        _lesson(client)  # the first view records progress and fills the page cache
        with count_queries() as counter:
            assert client.get("/courses/tutored-casework/assessment/indicators").status_code == 200
        counts[name] = counter.count
    assert counts["member"] == counts["reader"], counts
