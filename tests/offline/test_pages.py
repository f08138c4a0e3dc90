"""The installable app and the offline pages: manifest, service worker, icons, saved modules."""

from __future__ import annotations

import json
import struct

from lms.courses.importer import import_content
from lms.courses.models import Course, Enrolment
from lms.courses.operations import ensure_enrolment, withdraw
from lms.extensions import db
from lms.offline.views import ICON_SIZES
from tests.conftest import login
from tests.courses.test_query_counts import _counts, _write_course


def _png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def test_the_manifest_names_the_app_its_icons_and_colours(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == "/dashboard" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#1f4e8c"
    sizes = set()
    for icon in manifest["icons"]:
        assert "?v=" in icon["src"]      # fingerprinted: cached for a year
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width, height = _png_size(image.get_data())
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add(width)
    assert {192, 512} <= sizes and sizes >= set(ICON_SIZES)
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_the_manifest_speaks_the_readers_language(client):
    client.form("/language", {"language": "sq", "next": "/"})
    manifest = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))
    assert manifest["lang"] == "sq" and manifest["short_name"] == "Kurset HELP"


def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert b"addEventListener('fetch'" in response.get_data()


def test_the_service_worker_is_compressed_for_clients_that_accept_gzip(client):
    response = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_every_page_links_the_manifest_and_the_offline_script(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'name="theme-color"' in page and "js/offline.js?v=" in page
    assert '<meta name="lms-offline-user" content="">' in page


def test_the_person_key_differs_between_people_and_is_not_their_id(app, session, imported, make_user):
    keys = []
    for user in (make_user(), make_user()):
        browser = app.test_client()
        login(browser, user)
        page = browser.get("/").get_data(as_text=True)
        key = page.split('name="lms-offline-user" content="', 1)[1].split('"', 1)[0]
        assert len(key) == 24 and str(user.id) != key
        keys.append(key)
    assert keys[0] != keys[1]


def test_an_enrolled_trainee_can_save_a_module_for_offline(client, session, imported, make_user):
    login(client, make_user())
    client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
    page = client.get("/courses/self-paced-basics/modules/intro").get_data(as_text=True)
    assert "data-offline-save" in page and "Save for offline" in page
    assert "/courses/self-paced-basics/intro/welcome" in page and "/courses/self-paced-basics/intro/standards" in page
    lesson = client.get("/courses/self-paced-basics/intro/welcome").get_data(as_text=True)
    assert "data-offline-lesson" in lesson


def test_the_save_button_is_drawn_once_per_module_and_language_for_every_trainee(app, session, imported, make_user):
    """Two trainees in English get the same button; a third, reading Albanian, gets it in
    Albanian, not the English one drawn first; a withdrawn trainee gets none."""
    pages = {}
    for name, language in (("first", "en"), ("second", "en"), ("albanian", "sq"), ("withdrawn", "en")):
        browser, trainee = app.test_client(), make_user(language=language)
        login(browser, trainee)
        browser.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
        if name == "withdrawn":
            withdraw(session, session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id)))
            session.commit()
        page = browser.get("/courses/self-paced-basics").get_data(as_text=True)
        pages[name] = page[page.find('<div class="offline-save"'):page.find("</div>", page.find('<div class="offline-save"'))]
    assert "Save for offline" in pages["first"] and pages["first"] == pages["second"]
    assert "Ruaje për lexim pa internet" in pages["albanian"] and "Save for offline" not in pages["albanian"]
    assert pages["withdrawn"] == ""


def test_no_save_button_for_a_visitor_or_someone_not_enrolled(client, imported, make_user):
    assert "data-offline-save" not in client.get("/courses/self-paced-basics/modules/intro").get_data(as_text=True)
    login(client, make_user())
    assert "data-offline-save" not in client.get("/courses/self-paced-basics/modules/intro").get_data(as_text=True)


def test_the_saved_page_and_the_offline_page(client, imported, make_user):
    assert client.get("/offline/saved").status_code == 302       # sign in first
    offline = client.get("/offline")
    assert offline.status_code == 200 and "Quizzes and case studies need one" in offline.get_data(as_text=True)
    login(client, make_user())
    client.api("POST", "/api/v1/me/enrolments", json={"course": "self-paced-basics"})
    saved = client.get("/offline/saved").get_data(as_text=True)
    assert "data-offline-list" in saved and "/courses/self-paced-basics" in saved


def test_signing_out_tells_the_browser_to_forget_what_it_kept(client, make_user):
    login(client, make_user())
    response = client.form("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/").headers


def test_the_saved_page_costs_the_same_queries_however_many_courses(tmp_path, client, session, reference,
                                                                    make_user, count_queries):
    root = tmp_path / "content"
    for index in range(5):
        _write_course(root, f"course-{index}", modules=2, lessons=2)
    import_content(session, root)
    session.commit()
    trainee = make_user()
    courses = session.scalars(db.select(Course).order_by(Course.slug)).all()
    ensure_enrolment(session, trainee, courses[0])
    session.commit()
    login(client, trainee)
    small = _counts(client, count_queries, ["/offline/saved"])
    for course in courses[1:]:
        ensure_enrolment(session, trainee, course)
    session.commit()
    large = _counts(client, count_queries, ["/offline/saved"])
    assert large == small, (small, large)
