"""A trainee's case-study work: drafts, submitting, rounds, attachments — and who may see it."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import pytest

from lms.accounts.operations import create_api_token
from lms.core.errors import Conflict, NotAllowed, TooLarge, ValidationFailed
from lms.extensions import db
from lms.tutors import uploads
from lms.tutors.models import Attachment, AttachmentContent, Submission, SubmissionRound
from lms.tutors.operations import membership, submissions
from tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


def _page(casework, assignment):
    return f"/courses/{casework.slug}/assignments/{assignment.slug}"


def _post(client, url, body="", action="save", file=None, remove=()):
    data = {"csrf_token": client.csrf_token(), "body": body, "action": action, "remove": list(remove)}
    if file is not None:
        data["file"] = file
    return client.post(url, data=data, content_type="multipart/form-data")


def test_trainee_saves_a_draft_then_submits(client, session, casework, assignments, make_cohort, add_member):
    cohort = make_cohort()
    trainee, enrolment = add_member(cohort)
    case = assignments["assessment-case"]
    login(client, trainee)
    html = client.get(_page(casework, case)).get_data(as_text=True)
    assert "Marko, 24, arrives" in html or "Marko, 24 godine" in html
    assert "Analysis of the situation" in html or "Analiza situacije" in html
    course_page = client.get(f"/courses/{casework.slug}").get_data(as_text=True)
    assert course_page.count('class="module-assignment"') == 2 and "Accepted by your tutor: " in course_page

    response = _post(client, _page(casework, case), body="First thoughts", action="save")
    assert response.status_code == 303
    submission = session.scalar(db.select(Submission))
    assert submission.status == "draft" and submission.body == "First thoughts" and submission.rounds == []

    response = _post(client, _page(casework, case), body="## My answer\n\nFinal text", action="submit")
    assert response.status_code == 303
    session.expire_all()
    submission = session.get(Submission, submission.id)
    assert submission.status == "submitted" and submission.rounds_submitted == 1
    assert submission.rounds[0].body == "## My answer\n\nFinal text"
    assert "<h2>My answer</h2>" in submission.rounds[0].html
    html = client.get(_page(casework, case)).get_data(as_text=True)
    assert "awaiting review" in html and "Final text" in html and 'name="body"' not in html


def test_a_double_submit_makes_one_round(session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    first, changed = submissions.submit(session, trainee, case, body="text")
    again, changed_again = submissions.submit(session, trainee, case, body="text")
    session.commit()
    assert changed and not changed_again and first.id == again.id
    assert session.scalar(db.select(db.func.count(SubmissionRound.id))) == 1


def test_submitted_work_cannot_be_edited_until_returned(session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    submissions.submit(session, trainee, case, body="text")
    with pytest.raises(Conflict, match="awaiting review"):
        submissions.save_draft(session, trainee, case, body="changed")


def test_nothing_to_submit_is_refused(session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    with pytest.raises(ValidationFailed) as caught:
        submissions.submit(session, trainee, assignments["assessment-case"], body="   ")
    assert "body" in caught.value.errors


def test_only_members_of_a_group_submit(session, assignments, make_user, make_cohort, add_member,
                                        regional_manager):
    from lms.tutors.models import CohortMembership
    from lms.tutors.operations import membership as ops

    with pytest.raises(NotAllowed):
        submissions.submit(session, make_user(), assignments["assessment-case"], body="text")
    session.rollback()
    trainee, enrolment = add_member(make_cohort())
    membership = session.scalar(db.select(CohortMembership).where(CohortMembership.enrolment_id == enrolment.id))
    ops.withdraw_member(session, regional_manager, membership)
    session.commit()
    with pytest.raises(NotAllowed):
        submissions.submit(session, trainee, assignments["assessment-case"], body="text")


def test_a_trainee_sees_only_their_own_submissions(client, session, assignments, make_cohort, add_member,
                                                   submit_work):
    cohort = make_cohort()
    alice, _ = add_member(cohort)
    bob, _ = add_member(cohort)
    alices = submit_work(alice, assignments["assessment-case"])
    login(client, bob)
    assert client.get(f"/submissions/{alices.id}").status_code == 404
    assert client.api("GET", f"/api/v1/submissions/{alices.id}").status_code == 404
    assert client.api("GET", "/api/v1/me/submissions").get_json() == []
    assert client.api("GET", f"/api/v1/submissions/{alices.id}/audit").status_code == 404
    fresh = client.application.test_client()
    login(fresh, alice)
    mine = fresh.api("GET", "/api/v1/me/submissions").get_json()
    assert [s["id"] for s in mine] == [alices.id]
    assert fresh.api("GET", f"/api/v1/submissions/{alices.id}").status_code == 200


def test_trainee_submits_through_the_api(client, session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["release-case"]
    login(client, trainee)
    detail = client.api("GET", f"/api/v1/assignments/{case.id}").get_json()
    assert detail["language"] == "sr_Latn" and "Ana izlazi" in detail["scenario_html"]  # the group's language
    assert detail["criteria"][0]["slug"] == "cooperation" and detail["submission"] is None
    assert client.api("PUT", f"/api/v1/assignments/{case.id}/draft", json={"body": "draft"}).status_code == 200
    response = client.api("POST", f"/api/v1/assignments/{case.id}/submission", json={})
    assert response.status_code == 201 and response.get_json()["status"] == "submitted"
    assert client.api("POST", f"/api/v1/assignments/{case.id}/submission", json={}).status_code == 200
    assert client.api("PUT", f"/api/v1/assignments/{case.id}/draft", json={"body": "x"}).status_code == 409


# --- two windows, one draft ------------------------------------------------------------

def test_two_draft_saves_from_the_same_version_give_one_success_and_one_conflict(
        client, session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["release-case"]
    login(client, trainee)
    url = f"/api/v1/assignments/{case.id}/draft"
    read = client.api("PUT", url, json={"body": "first thoughts", "version": 0}).get_json()["version"]
    # Two windows opened on that draft; each saves what it has.
    one = client.api("PUT", url, json={"body": "written in window one", "version": read})
    two = client.api("PUT", url, json={"body": "written in window two", "version": read})
    assert (one.status_code, two.status_code) == (200, 409)
    assert two.get_json()["version"] == one.get_json()["version"]  # the version to reload
    session.expire_all()
    assert session.scalar(db.select(Submission.body)) == "written in window one"
    with pytest.raises(Conflict, match="changed in another window"):
        submissions.save_draft(session, trainee, case, body="from a stale page", version=read)


def test_a_stale_draft_from_the_page_is_refused_and_its_text_kept(client, session, casework, assignments,
                                                                  make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    login(client, trainee)
    assert _post(client, _page(casework, case), body="first thoughts").status_code == 303
    read = str(session.scalar(db.select(Submission.version)))
    data = {"csrf_token": client.csrf_token(), "action": "save", "version": read}
    assert client.post(_page(casework, case), data={**data, "body": "window one"}).status_code == 303
    response = client.post(_page(casework, case), data={**data, "body": "window two"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Your work was changed in another window." in html and "window two</textarea>" in html
    session.expire_all()
    assert session.scalar(db.select(Submission.body)) == "window one"


def _needs_postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent saves run on PostgreSQL (LMS_TEST_DATABASE_URL): SQLite serialises "
                    "writers, so two saves cannot race there")


@pytest.mark.commits
def test_two_draft_saves_at_once_on_postgresql(app, session, assignments, make_cohort, add_member):
    """Two windows save the same draft at the same moment: one is kept, the other gets 409."""
    _needs_postgresql()
    trainee, _ = add_member(make_cohort())
    case = assignments["release-case"]
    draft = submissions.save_draft(session, trainee, case, body="first thoughts")
    _token, plain = create_api_token(session, trainee, "two windows")
    session.commit()
    url, draft_id, version = f"/api/v1/assignments/{case.id}/draft", draft.id, draft.version
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def save(body: str):
        client = app.test_client()
        barrier.wait(timeout=10)
        response = client.api("PUT", url, token=plain, json={"body": body, "version": version})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=save, args=(body,)) for body in ("window one", "window two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    session.expire_all()
    saved = session.get(Submission, draft_id)
    assert saved.body in ("window one", "window two") and saved.version == version + 1


# --- reading a case study: one rule for both doors ---------------------------------------

def test_both_doors_let_the_same_readers_read_in_the_same_language(
        client, session, casework, assignments, make_cohort, add_member, submit_work, regional_manager):
    cohort = make_cohort(language="sr_Latn")
    trainee, enrolment = add_member(cohort)
    worked_on, never_opened = assignments["release-case"], assignments["assessment-case"]
    login(client, trainee)
    html = client.get(_page(casework, worked_on)).get_data(as_text=True)
    assert '<div class="lesson-body" lang="sr-Latn">' in html  # the group's language, not the reader's
    assert client.api("GET", f"/api/v1/assignments/{worked_on.id}").get_json()["language"] == "sr_Latn"

    submit_work(trainee, worked_on)
    membership.withdraw_member(session, regional_manager, membership.membership_of(session, enrolment.id))
    session.commit()
    # Withdrawn: the work they did stays readable, without a form; the rest is closed to them.
    page = client.get(_page(casework, worked_on))
    assert page.status_code == 200 and 'name="body"' not in page.get_data(as_text=True)
    assert client.api("GET", f"/api/v1/assignments/{worked_on.id}").status_code == 200
    assert client.get(_page(casework, never_opened)).status_code == 403
    assert client.api("GET", f"/api/v1/assignments/{never_opened.id}").status_code == 403
    listed = client.api("GET", f"/api/v1/courses/{casework.slug}/assignments").get_json()
    assert [item["slug"] for item in listed] == [worked_on.slug]


# --- attachments -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("report.pdf", PDF, "pdf"), ("notes.docx", _docx(), "docx"), ("notes.odt", _odt(), "odt"),
    ("plan.txt", "Plan: č ć đ š ž".encode(), "txt"), ("diagram.png", PNG, "png"),
    ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpg"),
])
def test_accepted_types_are_recognised_by_content(app, name, data, kind):
    with app.app_context():
        checked = uploads.check_file(name, io.BytesIO(data))
    assert checked.file_type.key == kind and checked.name == name


@pytest.mark.parametrize(("name", "data", "message"), [
    ("report.pdf", PNG, "is not a PDF file"),
    ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "is not a PDF file"),
    ("archive.docx", _odt(), "is not a DOCX file"),
    ("script.exe", b"MZ\x90\x00", "Files of this type are not accepted"),
    ("page.html", b"<html></html>", "Files of this type are not accepted"),
    ("../../etc/passwd.txt", b"root:x:0:0", "is not allowed"),
    ("..\\..\\boot.txt", b"x", "is not allowed"),
    (".hidden.txt", b"x", "is not allowed"),
    ("nul\x00byte.txt", b"x", "is not allowed"),
])
def test_bad_files_are_refused(app, name, data, message):
    with app.app_context(), pytest.raises(ValidationFailed, match=message):
        uploads.check_file(name, io.BytesIO(data))


def test_an_oversize_file_is_refused(app, make_app):
    small = make_app(LMS_UPLOAD_MAX_MB=1)
    with small.app_context(), pytest.raises(TooLarge):
        uploads.check_file("big.pdf", io.BytesIO(PDF + b"0" * (1024 * 1024)))


def test_the_type_list_comes_from_config(make_app):
    only_pdf = make_app(LMS_UPLOAD_TYPES=["pdf"])
    with only_pdf.app_context(), pytest.raises(ValidationFailed, match="Accepted types: pdf"):
        uploads.check_file("diagram.png", io.BytesIO(PNG))


def test_attachments_are_stored_outside_the_web_root_and_served_only_to_their_readers(
        client, app, session, casework, assignments, make_cohort, add_member, make_user, regional_manager):
    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    classmate, _ = add_member(cohort)
    case = assignments["assessment-case"]
    login(client, trainee)
    response = _post(client, _page(casework, case), body="See the file", file=(io.BytesIO(PDF), "my report.pdf"))
    assert response.status_code == 303
    attachment = session.scalar(db.select(Attachment))
    # Kept in the database every app server shares; nothing written under the web root.
    assert session.get(AttachmentContent, attachment.id).data == PDF
    assert not any(Path(app.static_folder).rglob("*.pdf"))
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    for reader in (cohort.tutors[0], regional_manager):
        fresh = client.application.test_client()
        login(fresh, reader)
        assert fresh.get(f"/attachments/{attachment.id}").status_code == 200
    for stranger in (classmate, make_user(roles=("tutor",)), make_user(roles=("manager",), beneficiary="AL",
                                                                        scope="national")):
        fresh = client.application.test_client()
        login(fresh, stranger)
        assert fresh.get(f"/attachments/{attachment.id}").status_code == 404


def test_refused_uploads_change_nothing(client, session, casework, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    login(client, trainee)
    response = _post(client, _page(casework, case), body="text", file=(io.BytesIO(PNG), "fake.pdf"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is not a PDF file" in html and "text</textarea>" in html  # what was typed stays in the form
    response = _post(client, _page(casework, case), body="text", file=(io.BytesIO(b"x"), "../evil.txt"))
    assert response.status_code == 422
    assert session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert session.scalar(db.select(db.func.count(Submission.id))) == 0


def test_a_file_added_by_a_rolled_back_transaction_is_not_kept(app, session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    attachment = submissions.add_attachment(session, trainee, assignments["assessment-case"], filename="a.pdf",
                                            stream=io.BytesIO(PDF))
    attachment_id = attachment.id
    assert session.get(AttachmentContent, attachment_id) is not None
    session.rollback()
    assert session.get(AttachmentContent, attachment_id) is None


def test_removing_a_draft_file_deletes_it_but_a_submitted_one_stays_in_history(
        client, session, casework, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    login(client, trainee)
    _post(client, _page(casework, case), body="text", file=(io.BytesIO(PDF), "draft.pdf"))
    draft = session.scalar(db.select(Attachment))
    _post(client, _page(casework, case), body="text", remove=[str(draft.id)])
    assert session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert session.scalar(db.select(db.func.count(AttachmentContent.attachment_id))) == 0

    _post(client, _page(casework, case), body="text", file=(io.BytesIO(PDF), "kept.pdf"), action="submit")
    kept = session.scalar(db.select(Attachment))
    submission = session.scalar(db.select(Submission))
    assert submission.rounds[0].attachment_ids == [kept.id]


def test_at_most_five_files(session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    for n in range(submissions.MAX_ATTACHMENTS):
        submissions.add_attachment(session, trainee, case, filename=f"f{n}.txt", stream=io.BytesIO(b"text"))
    with pytest.raises(ValidationFailed, match="at most 5 files"):
        submissions.add_attachment(session, trainee, case, filename="more.txt", stream=io.BytesIO(b"text"))
    session.rollback()


def test_api_upload_refuses_a_disguised_file(client, session, assignments, make_cohort, add_member):
    trainee, _ = add_member(make_cohort())
    case = assignments["assessment-case"]
    login(client, trainee)
    response = client.post(f"/api/v1/assignments/{case.id}/attachments",
                           data={"file": (io.BytesIO(b"MZ\x90\x00"), "cv.pdf")}, content_type="multipart/form-data",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 422 and "is not a PDF file" in response.get_json()["errors"]["file"][0]
    response = client.post(f"/api/v1/assignments/{case.id}/attachments",
                           data={"file": (io.BytesIO(PDF), "cv.pdf")}, content_type="multipart/form-data",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 201 and response.get_json()["attachments"][0]["name"] == "cv.pdf"


def test_an_oversize_upload_through_the_page_is_refused(make_app, session, casework, assignments, make_cohort,
                                                        add_member):
    small = make_app(LMS_UPLOAD_MAX_MB=1)
    trainee, _ = add_member(make_cohort())
    client = small.test_client()
    login(client, trainee)
    big = PDF + b"0" * (1024 * 1024)
    response = _post(client, _page(casework, assignments["assessment-case"]), body="kept text",
                     file=(io.BytesIO(big), "big.pdf"))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is larger than 1 MB." in html and "kept text</textarea>" in html
    assert session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_files_through_the_api_with_a_token(client, session, assignments, make_cohort, add_member, make_user):
    from lms.accounts.operations import create_api_token

    cohort = make_cohort()
    trainee, _ = add_member(cohort)
    case = assignments["assessment-case"]
    attachment = submissions.add_attachment(session, trainee, case, filename="plan.txt", stream=io.BytesIO(b"plan"))
    _token, mine = create_api_token(session, trainee, "phone")
    _token, tutors = create_api_token(session, cohort.tutors[0], "laptop")
    _token, strangers = create_api_token(session, make_user(roles=("tutor",)), "other")
    session.commit()
    for token in (mine, tutors):
        response = client.api("GET", f"/api/v1/attachments/{attachment.id}", token=token)
        assert response.status_code == 200 and response.data == b"plan"
    assert client.api("GET", f"/api/v1/attachments/{attachment.id}", token=strangers).status_code == 404
    assert client.api("DELETE", f"/api/v1/attachments/{attachment.id}", token=tutors).status_code == 404
    response = client.api("DELETE", f"/api/v1/attachments/{attachment.id}", token=mine)
    assert response.status_code == 200 and response.get_json()["attachments"] == []
