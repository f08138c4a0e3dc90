"""The journeys: what each kind of user does, page by page, as a person would in the browser.

Each journey declares the pages it checks and the outcomes it reports, so that the tests
can be listed before anything runs. The journeys of one width and language share a
``state``: the trainee registered in the first is graded by the tutor in the second, given
a completion by the manager in the third, and verifies the certificate in the fourth.
"""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from tests.browser.harness import ARTIFACTS, Journey, JourneyError
from tests.browser.menus_offline import (
    MENU_OUTCOMES,
    MENU_PAGES,
    OFFLINE_OUTCOMES,
    OFFLINE_PAGES,
    menus,
    offline,
)

SELF_PACED = "probation-and-community-sanctions"
TUTORED = "radicalisation-prevention"
TUTOR = "tutor@demo.lms"
MANAGER = "manager@demo.lms"  # regional: every beneficiary
ADMIN = "admin@demo.lms"
PASSWORD = "Browser-journey-2026"

# The person who registers, by width and language: names as they would be printed.
TRAINEE_NAMES = {
    (1280, "en"): "Milica Jovanović", (390, "en"): "Nikola Stanković",
    (1280, "sq"): "Elira Çela", (390, "sq"): "Arta Krasniqi",
    (1280, "sr_Cyrl"): "Јована Ђорђевић", (390, "sr_Cyrl"): "Душан Милошевић",
}


@dataclass(frozen=True)
class JourneySpec:
    name: str
    role: str
    pages: tuple[str, ...]
    outcomes: tuple[str, ...]
    steps: Callable[[Journey], None]
    needs: tuple[str, ...] = ()


def _serbia_id(journey: Journey) -> int:
    """Serbia's row id (the demo group's beneficiary), read from the throw-away database."""
    with sqlite3.connect(journey.server.instance / "lms.sqlite3") as connection:
        return connection.execute("SELECT id FROM beneficiary WHERE code = 'RS'").fetchone()[0]


def _form_with(page, selector: str):
    return page.locator("main form").filter(has=page.locator(selector)).first


def _enrolment(journey: Journey, slug: str) -> dict | None:
    return next((e for e in journey.api("/api/v1/me/enrolments") if e["course"] == slug), None)


# --- trainee: register, enrol, read, quiz, join a group, case study ------------------------

TRAINEE_PAGES = (
    "home", "register", "registered", "catalogue", "course-self-paced", "lesson", "lesson-next", "course-enrolled",
    "quiz", "quiz-attempt", "quiz-summary", "quiz-review", "quiz-result",
    "course-tutored", "course-tutored-joined", "case-study", "case-study-submitted",
    "forums", "group-forum", "forum-thread", "forum-replied",
    "dashboard", "account", "group-sessions", "calendar",
)
TRAINEE_OUTCOMES = ("institutions-filtered", "registered", "enrolled-self-paced", "lesson-done", "quiz-graded", "joined-group",
                    "case-study-submitted", "forum-replied")


def _answer_every_question(page) -> int:
    """Give some answer to each question of the attempt form, whatever its type."""
    answered = 0
    for question in page.locator("form#attempt-form fieldset, form[action*='/attempts/'] fieldset").all():
        radios = question.locator("input[type=radio]")
        boxes = question.locator("input[type=checkbox]")
        texts = question.locator("input[type=text], input[type=number], textarea")
        selects = question.locator("select")
        if radios.count():
            radios.first.check()
        elif boxes.count():
            boxes.first.check()
        elif selects.count():
            for select in selects.all():
                values = [v for v in select.locator("option").evaluate_all(
                    "options => options.map(o => o.value)") if v]
                if values:
                    select.select_option(values[0])
        elif texts.count():
            texts.first.fill("8")
        else:
            continue
        answered += 1
    return answered


def trainee(j: Journey) -> None:
    page = j.page
    email = f"trainee-{j.width}-{j.language.lower()}@browser.example"
    name = TRAINEE_NAMES[(j.width, j.language)]
    j.state.update(trainee_email=email, trainee_password=PASSWORD, trainee_name=name)

    j.goto("/")
    j.switch_language()
    j.check("home")

    j.goto("/register")
    j.check("register")
    form = _form_with(page, "input[name=password]")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=full_name]").fill(name)
    serbia = str(_serbia_id(j))
    form.locator("select[name=beneficiary_id]").select_option(serbia)
    offered = form.locator("select[name=institution_id] option").evaluate_all(
        "options => options.filter(o => o.dataset.beneficiary && !o.hidden && !o.disabled)"
        ".map(o => o.dataset.beneficiary)")
    j.outcome("institutions-filtered", bool(offered) and set(offered) == {serbia},
              f"institutions offered after choosing Serbia ({serbia}) belong to {sorted(set(offered))}")
    institutions = form.locator(f"select[name=institution_id] option[data-beneficiary='{serbia}']")
    if institutions.count():
        form.locator("select[name=institution_id]").select_option(institutions.first.get_attribute("value"))
    professions = [v for v in form.locator("select[name=profession] option").evaluate_all(
        "options => options.map(o => o.value)") if v]
    form.locator("select[name=profession]").select_option(professions[0])
    form.locator("select[name=language]").select_option(j.language)
    j.submit(form.locator("button[type=submit]").last)
    # Registration answers the same whether or not the address had an account (the page
    # says a message was sent); the new trainee then signs in with the password chosen.
    j.check("registered")
    j.sign_in(email, PASSWORD)
    registered = page.locator("form[action$='/logout']").count() > 0
    j.outcome("registered", registered, f"after registering and signing in the browser is on {page.url}")
    if not registered:
        raise JourneyError("the trainee could not sign in after registering")
    j.goto("/")
    j.check("catalogue")

    # A self-paced course: enrol, read the first lesson, mark it done.
    page.locator(f"main a[href$='/courses/{SELF_PACED}']").first.click()
    page.wait_for_url(f"**/courses/{SELF_PACED}")
    j.check("course-self-paced")
    j.submit(page.locator(f"form[action$='/courses/{SELF_PACED}/enrol'] button[type=submit]"))
    enrolment = _enrolment(j, SELF_PACED)
    j.outcome("enrolled-self-paced", enrolment is not None and enrolment["status"] == "active",
              f"enrolments after enrolling: {enrolment}")
    if enrolment is None:
        raise JourneyError("enrolling in the self-paced course made no enrolment")
    j.state["self_paced_enrolment_id"] = enrolment["id"]
    if f"/courses/{SELF_PACED}/" not in page.url:
        page.locator(f"main a[href^='/courses/{SELF_PACED}/']").first.click()
    j.check("lesson")
    j.submit(page.locator("form[action$='/done'] button[type=submit]").first)
    j.check("lesson-next")
    progress = next(p for p in j.api("/api/v1/me/progress") if p["course"] == SELF_PACED)
    j.outcome("lesson-done", progress["lessons_done"] >= 1, f"lessons done: {progress['lessons_done']}")

    # Its first quiz: start, answer, finish, submit, review.
    j.goto(f"/courses/{SELF_PACED}")
    j.check("course-enrolled")
    quiz_href = page.locator("main a[href^='/quizzes/']").first.get_attribute("href")
    quiz_id = int(re.search(r"/quizzes/(\d+)", quiz_href).group(1))
    j.goto(quiz_href)
    j.check("quiz")
    j.submit(page.locator("form[action$='/start'] button[type=submit]"))
    answered = _answer_every_question(page)
    if not answered:
        raise JourneyError("the attempt page shows no question to answer")
    j.check("quiz-attempt")
    j.submit(page.locator("button[name=action][value=finish]"))
    j.check("quiz-summary")
    j.submit(page.locator("form[action$='/submit'] button[type=submit]"))
    j.check("quiz-review")
    attempts = j.api(f"/api/v1/quizzes/{quiz_id}/attempts")
    graded = [a for a in attempts if a["submitted_at"] and a["score"] is not None]
    j.outcome("quiz-graded", bool(graded), f"attempts: {[(a['state'], a['score']) for a in attempts]}")
    j.goto(quiz_href)
    j.check("quiz-result")

    # The tutored course: join the demo group with the printed key, then its first case study.
    j.goto(f"/courses/{TUTORED}")
    j.check("course-tutored")
    join = page.locator("form").filter(has=page.locator("input[name=key]")).first
    join.locator("input[name=key]").fill(j.server.enrolment_key)
    j.submit(join.locator("button[type=submit]"))
    tutored = _enrolment(j, TUTORED)
    j.outcome("joined-group", tutored is not None and tutored["status"] == "active",
              f"enrolment in the tutored course: {tutored}")
    if tutored is None:
        raise JourneyError("joining the group with its key made no enrolment")
    j.check("course-tutored-joined")
    page.locator("main a[href*='/assignments/']").first.click()
    page.wait_for_url("**/assignments/**")
    j.check("case-study")
    form = _form_with(page, "textarea[name=body]")
    form.locator("textarea[name=body]").fill(
        "The officer should record what was observed, without guessing at beliefs, and pass it on "
        "through the agreed channel; the person keeps every right of an ordinary prisoner.")
    j.submit(form.locator("button[name=action][value=submit]"))
    j.check("case-study-submitted")
    submissions = j.api("/api/v1/me/submissions")
    submitted = [s for s in submissions if s.get("status") == "submitted"]
    j.outcome("case-study-submitted", bool(submitted), f"submissions: {submissions}")
    if submitted:
        j.state["submission_id"] = submitted[0]["id"]

    # The group's forum: a thread opened from the course's discussion prompts, a reply.
    j.goto("/forums")
    j.check("forums")
    page.locator("main a.forum-title").first.click()
    page.wait_for_url("**/forums/*")
    j.check("group-forum")
    page.locator("main a.thread-title").first.click()
    page.wait_for_url("**/forums/threads/*")
    j.check("forum-thread")
    thread_id = int(page.url.split("/forums/threads/")[1].split("?")[0].split("#")[0])
    form = _form_with(page, "textarea[name=body]")
    form.locator("textarea[name=body]").fill(
        "In our unit the words in the reports follow the behaviour seen, not what the officer supposes.")
    j.submit(form.locator("button[type=submit]"))
    j.check("forum-replied")
    posts = j.api(f"/api/v1/forum-threads/{thread_id}")["posts"]["items"]
    replied = any(p["author"]["full_name"] == name for p in posts)
    j.outcome("forum-replied", replied, f"posts of thread {thread_id}: {[p['author']['full_name'] for p in posts]}")
    if replied:
        j.state["forum_thread_id"] = thread_id

    j.goto("/dashboard")
    j.check("dashboard")
    j.goto("/account")
    j.check("account")
    # The group's sessions (from the course page) and the trainee's calendar with its private address.
    j.goto(f"/courses/{TUTORED}")
    page.locator("main a[href$='/sessions']").first.click()
    page.wait_for_url("**/sessions")
    j.check("group-sessions")
    j.goto("/calendar")
    j.submit(page.locator("form[action$='/calendar/feed'] button[type=submit]"))
    j.check("calendar")


# --- tutor: groups, progress, grading queue, grade the trainee's case study --------------

TUTOR_PAGES = ("sign-in", "dashboard", "my-groups", "group", "group-progress", "annex-module", "tutor-guide",
               "grading-queue", "submission", "submission-errors", "submission-graded", "tutor-forum-thread",
               "tutor-forum-pinned", "group-sessions-tutor", "new-session", "session", "session-register",
               "tutor-calendar", "announcements", "announcement-posted", "reminders", "reminder-sent")
TUTOR_OUTCOMES = ("graded", "forum-answered", "session-scheduled", "attendance-recorded", "announced", "reminded")


def _pick_top_rubric_levels(page) -> int:
    names = page.locator("form.grade-form input[type=radio][name^='criterion_']").evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]")
    for name in names:
        radios = page.locator(f"form.grade-form input[type=radio][name='{name}']")
        values = radios.evaluate_all("inputs => inputs.map(i => Number(i.value))")
        radios.nth(values.index(max(values))).check()
    return len(names)


def tutor(j: Journey) -> None:
    page = j.page
    j.goto("/login")
    j.switch_language()
    j.check("sign-in")
    j.sign_in(TUTOR)
    j.switch_language()
    j.goto("/dashboard")
    j.check("dashboard")
    j.goto("/tutor/groups")
    j.check("my-groups")
    group_href = page.locator("main a[href^='/cohorts/']:not([href$='/progress'])").first.get_attribute("href")
    j.goto(group_href)
    j.check("group")
    j.goto(group_href + "/progress")
    j.check("group-progress")
    j.goto(f"/courses/{TUTORED}/modules/annex-al")
    j.check("annex-module")
    j.goto(f"/courses/{TUTORED}/tutor-guide/concepts")
    j.check("tutor-guide")
    j.goto("/tutor/queue")
    j.check("grading-queue")
    submission_id = j.need("submission_id")
    link = page.locator(f"main a[href$='/submissions/{submission_id}']")
    if not link.count():
        raise JourneyError(f"submission {submission_id} is not in the grading queue")
    link.first.click()
    page.wait_for_url(f"**/submissions/{submission_id}")
    j.check("submission")
    # Saved with nothing chosen first: the form comes back with its errors.
    j.submit(page.locator("form.grade-form button[type=submit]").last, allow=(422,))
    j.check("submission-errors")
    if not _pick_top_rubric_levels(page):
        raise JourneyError("the grading form shows no rubric")
    form = page.locator("form.grade-form").first
    form.locator("textarea[name=feedback]").fill("Clear and lawful. Well done.")
    form.locator("input[name=outcome][value=accepted]").check()
    j.submit(form.locator("button[type=submit]").last)
    j.goto(f"/submissions/{submission_id}")
    j.check("submission-graded")
    status = j.api(f"/api/v1/submissions/{submission_id}").get("status")
    j.outcome("graded", status == "accepted", f"submission {submission_id} is {status!r} after grading")

    # The group's sessions: schedule a webinar, take its register, see it in the calendar.
    j.goto(group_href + "/sessions")
    j.check("group-sessions-tutor")
    j.goto(group_href + "/sessions/new")
    form = _form_with(page, "input[name=title]")
    form.locator("select[name=kind]").select_option("webinar")
    form.locator("input[name=title]").fill(f"Webinar {j.width} {j.language}")
    form.locator("input[name=starts_at]").fill("2030-03-04T10:00")
    form.locator("input[name=ends_at]").fill("2030-03-04T11:30")
    form.locator("input[name=online_url]").fill("https://meet.example.org/help-webinar")
    j.check("new-session")
    j.submit(form.locator("button[type=submit]").first)
    scheduled = re.search(r"/sessions/(\d+)$", page.url)
    j.outcome("session-scheduled", scheduled is not None, f"after scheduling the browser is on {page.url}")
    if scheduled is None:
        raise JourneyError("scheduling a session did not lead to its page")
    j.check("session")
    meeting_id = scheduled.group(1)
    j.goto(f"/sessions/{meeting_id}/attendance")
    present = page.locator("main input[type=radio][value=present]")
    for index in range(present.count()):
        present.nth(index).check()
    j.check("session-register")
    j.submit(page.locator("main form button[type=submit]").first)
    register = j.api(f"/api/v1/sessions/{meeting_id}/attendance")
    recorded = [row for row in register["rows"] if row["status"] == "present"]
    j.outcome("attendance-recorded", bool(recorded) and len(recorded) == len(register["rows"]),
              f"register: {register['rows']}")
    j.goto("/calendar")
    j.check("tutor-calendar")
    # An announcement to the group, then a reminder to its trainees, each in their language.
    cohort_id = group_href.rstrip("/").rsplit("/", 1)[1]
    j.goto(group_href + "/announcements")
    j.check("announcements")
    form = _form_with(page, "input[name=title]")
    form.locator("input[name=title]").fill("Webinar on Thursday")
    form.locator("textarea[name=body]").fill("We meet on **Thursday** at 10:00 to discuss the case studies.")
    j.submit(form.locator("button[type=submit]"))
    j.check("announcement-posted")
    posted = j.api(f"/api/v1/cohorts/{cohort_id}/announcements")
    j.outcome("announced", posted.get("total", 0) >= 1, f"announcements of group {cohort_id}: {posted.get('total')}")
    j.goto(group_href + "/reminders?filter=all")
    j.check("reminders")
    form = _form_with(page, "textarea[name=note]")
    form.locator("textarea[name=note]").fill("See you at the webinar.")
    j.submit(form.locator("button[type=submit]"))
    j.check("reminder-sent")
    sent = j.api(f"/api/v1/cohorts/{cohort_id}/reminders")
    j.outcome("reminded", sent.get("total", 0) >= 1, f"reminders of group {cohort_id}: {sent.get('total')}")
    # The trainee's reply in the group forum: answer it, pin the thread.
    thread_id = j.need("forum_thread_id")
    j.goto(f"/forums/threads/{thread_id}")
    j.check("tutor-forum-thread")
    form = _form_with(page, "textarea[name=body]")
    form.locator("textarea[name=body]").fill("Exactly: describe the behaviour, date it, and say who saw it.")
    j.submit(form.locator("button[type=submit]"))
    # Journeys of other widths and languages answer in the same first thread: it may be pinned already.
    pin = page.locator("main button[name=action][value=pin]")
    if pin.count():
        j.submit(pin)
    j.check("tutor-forum-pinned")
    thread = j.api(f"/api/v1/forum-threads/{thread_id}")
    answered = thread["thread"]["is_pinned"] and any(p["author"]["full_name"] != j.need("trainee_name")
                                                     for p in thread["posts"]["items"])
    j.outcome("forum-answered", answered, f"thread {thread_id}: pinned {thread['thread']['is_pinned']}")


# --- manager: statistics, export, groups, record a completion, certificates ---------------

MANAGER_PAGES = ("statistics", "pivot", "pivot-result", "group-statistics", "groups", "group", "new-group", "bulk-enrol",
                 "completions", "record-completion", "certificate", "certificates", "donor-report",
                 "evaluations", "evaluation-results")
MANAGER_OUTCOMES = ("export-xlsx", "export-csv", "completion-recorded", "donor-pdf")


def _download(j: Journey, selector: str) -> tuple[str, bytes]:
    page = j.page
    link = page.locator(selector).first
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = ARTIFACTS / "downloads" / f"{j.name}-{j.width}-{j.language}-{download.suggested_filename}"
    target.parent.mkdir(parents=True, exist_ok=True)
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def manager(j: Journey) -> None:
    page = j.page
    j.sign_in(MANAGER)
    j.switch_language()
    j.goto("/reports")
    j.check("statistics")

    name, body = _download(j, "main a[href$='/reports/export/trend.xlsx']")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            sheets = [n for n in workbook.namelist() if n.startswith("xl/worksheets/")]
        j.outcome("export-xlsx", bool(sheets), f"{name}: {len(body)} bytes, sheets {sheets}")
    except zipfile.BadZipFile:
        j.outcome("export-xlsx", False, f"{name} is not an XLSX workbook ({body[:40]!r})")
    name, body = _download(j, "main a[href$='/reports/export/beneficiaries.csv']")
    rows = body.decode("utf-8-sig", errors="replace").splitlines()
    j.outcome("export-csv", len(rows) >= 2, f"{name}: {len(rows)} lines")

    j.goto(page.locator("main a[href$='/reports/pivot']").first.get_attribute("href"))
    j.check("pivot")
    # Completions by month and beneficiary: the widest table a manager asks for.
    form = page.locator("main form").filter(has=page.locator("select[name=measure]")).first
    form.locator("select[name=measure]").select_option("completed")
    form.locator("select[name=rows]").select_option("month")
    form.locator("select[name=columns]").select_option("beneficiary")
    j.submit(form.locator("button[type=submit]").first)
    j.check("pivot-result")
    j.goto("/reports")
    j.goto(page.locator("main a[href^='/reports/cohorts/']").first.get_attribute("href"))
    j.check("group-statistics")

    # The programme report for donors: its tab on the statistics page, then its PDF.
    j.goto("/reports")
    j.goto(page.locator("main a[href$='/reports/donor']").first.get_attribute("href"))
    j.check("donor-report")
    name, body = _download(j, "main a[href*='/reports/donor.pdf']")
    j.outcome("donor-pdf", body.startswith(b"%PDF"), f"{name}: {len(body)} bytes")

    j.goto("/cohorts")
    j.check("groups")
    group_href = page.locator("main a[href^='/cohorts/']:not([href$='/progress']):not([href$='/new'])"
                              ).first.get_attribute("href")
    j.goto(group_href)
    j.check("group")
    j.goto("/cohorts/new")
    j.check("new-group")
    j.goto(group_href + "/enrol")
    j.check("bulk-enrol")

    # Record the trainee's self-paced course as completed: the certificate is issued at once.
    email = j.need("trainee_email")
    enrolment_id = j.need("self_paced_enrolment_id")
    j.goto("/manage/completions")
    search = page.locator("main form").filter(has=page.locator("input[name=q]")).first
    search.locator("input[name=q]").fill(email)
    j.submit(search.locator("button[type=submit]"))
    j.check("completions")
    link = page.locator(f"main a[href$='/manage/enrolments/{enrolment_id}/complete']")
    if not link.count():
        raise JourneyError(f"the trainee's enrolment {enrolment_id} is not listed for {email}")
    link.first.click()
    page.wait_for_url(f"**/manage/enrolments/{enrolment_id}/complete")
    j.check("record-completion")
    form = page.locator("main form").filter(has=page.locator("[name=reason]")).first
    form.locator("[name=reason]").fill("Completed the course offline in the Belgrade training centre.")
    j.submit(form.locator("button[type=submit]"))
    match = re.search(r"/manage/certificates/(\d+)$", page.url)
    j.outcome("completion-recorded", match is not None, f"after recording the completion: {page.url}")
    if match is None:
        raise JourneyError("recording the completion did not lead to the certificate")
    j.state["certificate_id"] = int(match.group(1))
    j.check("certificate")
    j.goto("/manage/certificates")
    j.check("certificates")
    j.goto("/evaluations")
    j.check("evaluations")
    j.goto(f"/courses/{SELF_PACED}/evaluation/results?by=beneficiary")
    j.check("evaluation-results")


# --- the trainee again: certificate download, public verification -------------------------

CERTIFICATE_PAGES = ("dashboard-certificate", "course-certificate", "evaluation", "evaluation-sent",
                     "case-study-feedback", "notifications", "notification-preferences", "verify", "verify-form")
CERTIFICATE_OUTCOMES = ("certificate-pdf", "certificate-verifies", "evaluation-answered", "notified")


def certificate(j: Journey) -> None:
    page = j.page
    j.need("certificate_id")
    j.sign_in(j.need("trainee_email"), j.need("trainee_password"))
    j.switch_language()
    j.goto("/dashboard")
    j.check("dashboard-certificate")
    j.goto(f"/courses/{SELF_PACED}")
    j.check("course-certificate")
    name, body = _download(j, "main a[href^='/certificates/'][href$='.pdf']")
    j.outcome("certificate-pdf", body.startswith(b"%PDF"), f"{name}: {len(body)} bytes, starts {body[:8]!r}")
    verify_href = page.locator("main a[href^='/verify/']").first.get_attribute("href")
    code = verify_href.rsplit("/", 1)[1]
    # The completed course's evaluation: the prompt's link, one answer per question, sent.
    page.locator(f"main a[href$='/courses/{SELF_PACED}/evaluation']").first.click()
    page.wait_for_url(f"**/courses/{SELF_PACED}/evaluation")
    j.check("evaluation")
    form = page.locator("main form.survey-form")
    for question in form.locator("fieldset.survey-item").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            radios.nth(radios.count() - 2).check()
        else:
            question.locator("textarea").fill("More examples from probation offices, please.")
    j.submit(form.locator("button[type=submit]"))
    j.check("evaluation-sent")
    status = j.api(f"/api/v1/courses/{SELF_PACED}/survey").get("status")
    j.outcome("evaluation-answered", status == "answered", f"the evaluation's status after sending: {status!r}")
    # The tutor's feedback on the case study, as the trainee reads it.
    j.goto(f"/courses/{TUTORED}")
    page.locator("main a[href*='/assignments/']").first.click()
    page.wait_for_url("**/assignments/**")
    j.check("case-study-feedback")
    # The notification centre: the grading and the certificate, in the trainee's language.
    j.goto("/notifications")
    j.check("notifications")
    listed = j.api("/api/v1/me/notifications")
    kinds = sorted({item["kind"] for item in listed.get("items", [])})
    j.outcome("notified", "case_study_graded" in kinds, f"notification kinds: {kinds}")
    j.goto("/notifications/preferences")
    j.check("notification-preferences")

    # Someone else, not signed in, checks the code on the public page.
    visitor = j.new_page()
    j.goto(verify_href, visitor)
    j.switch_language(visitor)
    j.check("verify", visitor)
    holder = j.state["trainee_name"]
    shown = holder in visitor.locator("main").inner_text()
    facts = j.api(f"/api/v1/certificates/{code}", visitor)
    valid = facts.get("status") == "valid"
    j.outcome("certificate-verifies", shown and valid,
              f"holder named on the page: {shown}; API status: {facts.get('status')!r}")
    j.goto("/verify", visitor)
    j.check("verify-form", visitor)


# --- admin: the user list, one user, institutions ------------------------------------------

ADMIN_PAGES = ("users", "users-search", "user", "institutions")
ADMIN_OUTCOMES = ("trainee-listed",)


def admin(j: Journey) -> None:
    page = j.page
    j.sign_in(ADMIN)
    j.switch_language()
    j.goto("/admin/users")
    j.check("users")
    email = j.need("trainee_email")
    search = page.locator("main form").filter(has=page.locator("input[name=q]")).first
    search.locator("input[name=q]").fill(email)
    j.submit(search.locator("button[type=submit]"))
    j.check("users-search")
    link = page.locator("main a[href^='/admin/users/']").filter(has_text=j.state["trainee_name"])
    j.outcome("trainee-listed", link.count() == 1, f"links naming the trainee: {link.count()}")
    if not link.count():
        raise JourneyError(f"{email} is not in the user list")
    link.first.click()
    page.wait_for_url("**/admin/users/*")
    j.check("user")
    j.goto("/admin/institutions")
    j.check("institutions")


JOURNEYS: dict[str, JourneySpec] = {spec.name: spec for spec in (
    JourneySpec("trainee", "trainee", TRAINEE_PAGES, TRAINEE_OUTCOMES, trainee),
    JourneySpec("tutor", "tutor", TUTOR_PAGES, TUTOR_OUTCOMES, tutor, needs=("trainee",)),
    JourneySpec("manager", "programme manager", MANAGER_PAGES, MANAGER_OUTCOMES, manager,
                needs=("trainee",)),
    JourneySpec("certificate", "trainee and a visitor", CERTIFICATE_PAGES, CERTIFICATE_OUTCOMES,
                certificate, needs=("trainee", "tutor", "manager")),
    JourneySpec("admin", "administrator", ADMIN_PAGES, ADMIN_OUTCOMES, admin, needs=("trainee",)),
    JourneySpec("menus", "tutor, programme manager and administrator", MENU_PAGES, MENU_OUTCOMES, menus),
    JourneySpec("offline", "trainee on a phone without a connection", OFFLINE_PAGES, OFFLINE_OUTCOMES, offline,
                needs=("trainee",)),
)}
