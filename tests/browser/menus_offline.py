"""Two journeys of issue 18's last part: the staff header (one row on a wide screen, a Menu
button on a phone) and offline reading (a module saved, read with the network off, a lesson
marked done offline counted once after reconnecting, everything forgotten on sign-out)."""

from __future__ import annotations

from tests.browser.harness import Journey, JourneyError

# --- the header of each staff role: one row on a wide screen, a Menu button on a phone ------

MENU_PAGES = ("menu-tutor", "menu-manager", "menu-admin")
MENU_OUTCOMES = ("header-one-row", "menu-button")

HEADER_ROWS_JS = """() => {
  const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().height > 0;
  const row = document.querySelector('.site-header .header-row');
  const items = [...row.querySelectorAll(':scope > .brand, :scope > .menu-button, .main-nav > ul > li, .language-switcher')]
    .filter(visible).map((el) => el.getBoundingClientRect());
  const top = Math.max(...items.map((b) => b.top)), bottom = Math.min(...items.map((b) => b.bottom));
  return {items: items.length, oneRow: top < bottom, height: Math.round(row.parentElement.getBoundingClientRect().height)};
}"""


def _menu_button_works(j: Journey, page) -> tuple[bool, str]:
    button = page.locator("header button.menu-button")
    menu = page.locator("#site-menu")
    if j.width >= 1280:
        ok = not button.is_visible() and menu.is_visible()
        return ok, f"wide screen: menu button shown {button.is_visible()}, menu shown {menu.is_visible()}"
    before = (button.get_attribute("aria-expanded"), menu.is_visible(), button.get_attribute("aria-controls"))
    button.click()
    opened = (button.get_attribute("aria-expanded"), menu.is_visible())
    page.keyboard.press("Escape")
    closed = (button.get_attribute("aria-expanded"), menu.is_visible())
    button.click()  # open again for the page check
    ok = before == ("false", False, "site-menu") and opened == ("true", True) and closed == ("false", False)
    return ok, f"before {before}, after a click {opened}, after Escape {closed}"


def menus(j: Journey) -> None:
    from tests.browser.journeys import (  # at call time: journeys imports this module
        ADMIN,
        MANAGER,
        TUTOR,
    )
    rows, buttons = [], []
    for page_id, email in (("menu-tutor", TUTOR), ("menu-manager", MANAGER), ("menu-admin", ADMIN)):
        page = j.new_page()
        j.page = page
        j.sign_in(email, page=page)
        j.switch_language(page)
        j.goto("/dashboard", page)
        header = page.evaluate(HEADER_ROWS_JS)
        rows.append((page_id, header))
        ok, detail = _menu_button_works(j, page)
        buttons.append((page_id, ok, detail))
        # A staff drop-down open, as a user would leave it: checked with the rest of the page.
        page.locator("details.nav-group > summary").first.click()
        j.check(page_id, page)
    j.outcome("header-one-row", all(h["oneRow"] for _p, h in rows),
              "; ".join(f"{p}: {h['items']} items, one row {h['oneRow']}, header {h['height']} px" for p, h in rows))
    j.outcome("menu-button", all(ok for _p, ok, _d in buttons), "; ".join(f"{p}: {d}" for p, _ok, d in buttons))


# --- the trainee reads offline: save a module, read with the network off, sync ---------------

OFFLINE_PAGES = ("offline-module", "offline-lesson", "offline-saved")
OFFLINE_OUTCOMES = ("module-saved", "lesson-opens-offline", "done-offline-counted-once", "sign-out-forgets")


def _progress(j: Journey) -> dict:
    from tests.browser.journeys import SELF_PACED  # at call time: journeys imports this module
    return next(p for p in j.api("/api/v1/me/progress") if p["course"] == SELF_PACED)


def offline(j: Journey) -> None:
    from tests.browser.journeys import SELF_PACED  # at call time: journeys imports this module
    page = j.page
    j.sign_in(j.need("trainee_email"), j.need("trainee_password"))
    j.switch_language()
    done = set(_progress(j)["completed_lessons"])
    module = next(m for m in j.api(f"/api/v1/courses/{SELF_PACED}")["modules"]
                  if any(lesson["id"] not in done for lesson in m["lessons"]))
    lesson = next(lesson for lesson in module["lessons"] if lesson["id"] not in done)
    lesson_url = f"/courses/{SELF_PACED}/{module['slug']}/{lesson['slug']}"
    j.goto(f"/courses/{SELF_PACED}/modules/{module['slug']}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.locator("[data-offline-save]").first.click()
    page.wait_for_selector(".offline-save.is-saved", timeout=60_000)
    j.outcome("module-saved", True, page.locator("[data-offline-state]").first.inner_text())
    j.check("offline-module")

    before = _progress(j)["lessons_done"]
    context = page.context
    context.set_offline(True)
    try:
        j.goto(lesson_url)
        shown = page.locator("[data-offline-lesson]").count() == 1 and page.locator("main h1").count() == 1
        j.outcome("lesson-opens-offline", shown, f"with the network off {lesson_url} shows: {page.title()!r}")
        if not shown:
            raise JourneyError("the saved lesson did not open with the network off")
        page.locator(f"form[action$='/lessons/{lesson['id']}/done'] button[type=submit]").click()
        page.wait_for_function("document.querySelector('[data-offline-lesson]').textContent.length > 0")
        j.check("offline-lesson")
        j.goto("/offline/saved")
        page.wait_for_selector("[data-offline-list] li")
        j.check("offline-saved")
    finally:
        context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    counted = None
    for _attempt in range(40):
        progress = _progress(j)
        if lesson["id"] in progress["completed_lessons"]:
            counted = progress
            break
        page.wait_for_timeout(250)
    # Marked done online as well, and sent again: it still counts once.
    j.goto(lesson_url)
    j.submit(page.locator(f"form[action$='/lessons/{lesson['id']}/done'] button[type=submit]"))
    after = _progress(j)["lessons_done"]
    j.outcome("done-offline-counted-once", counted is not None and counted["lessons_done"] == before + 1
              and after == before + 1,
              f"lessons done before {before}, after reconnecting {counted and counted['lessons_done']}, "
              f"after marking it done online too {after}")

    # Signing out forgets the saved pages: with the network off they are gone.
    menu_button = page.locator("header button.menu-button")
    if menu_button.is_visible():
        menu_button.click()
    page.locator("details.nav-group").last.locator("summary").click()
    j.submit(page.locator("form[data-sign-out] button[type=submit]").first)
    left = page.evaluate("caches.keys()")
    context.set_offline(True)
    try:
        try:
            page.goto(j.url(lesson_url))
            still_shown = page.locator("[data-offline-lesson]").count() > 0
        except Exception:  # noqa: BLE001 - the browser's own "no connection" error: nothing kept
            still_shown = False
    finally:
        context.set_offline(False)
    j.outcome("sign-out-forgets", not still_shown and not any(n.startswith("lms-pages-") for n in left),
              f"caches after signing out: {left}; the lesson still opens offline: {still_shown}")
