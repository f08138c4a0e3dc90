"""The browser-test harness: the app under gunicorn, Chromium, and the checks run on every page.

A journey is a walk through the site as one role, at one width, in one language. Every
page it reaches is checked (horizontal overflow, axe-core) and photographed; the tests
then assert on what was recorded, one test per page × width × language × check.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or HERE / "artifacts").resolve()
BIN = Path(sys.executable).parent

CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

WIDTHS = (1280, 390)
HEIGHTS = {1280: 800, 390: 844}
LANGUAGES = ("en", "sq", "sr_Cyrl")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 15_000


class JourneyError(Exception):
    """The journey could not go on (a page missing, a form refused, an unexpected status)."""


# --- the application under gunicorn ----------------------------------------------------

@dataclass
class Server:
    base: str
    instance: Path
    passwords: dict[str, str]
    enrolment_key: str
    setup_output: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(instance: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_SECRET_KEY": "browser-tests-only-secret",
        "LMS_LOG_LEVEL": "WARNING",
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_DEMO_ACCOUNTS": "true",
        "LMS_MAIL_SERVER": "",
        # Cheap password hashes, as in the unit tests: sign-ins are not what is measured here.
        "LMS_ARGON2_TIME_COST": "1",
        "LMS_ARGON2_MEMORY_KIB": "8192",
    })
    env.pop("LMS_DATABASE_URL", None)
    return env


def parse_setup(output: str) -> tuple[dict[str, str], str]:
    """Demo passwords and the demo group's enrolment key, as ``lms setup`` prints them."""
    passwords = dict(re.findall(r"^\s+(\S+@demo\.lms)\s+(\S+)", output, flags=re.MULTILINE))
    key = re.search(r"enrolment key (\S+)", output)
    if not passwords or key is None:
        raise RuntimeError(f"lms setup printed no demo accounts or key:\n{output}")
    return passwords, key.group(1)


@contextlib.contextmanager
def running_server(log_dir: Path) -> Iterator[Server]:
    """A throw-away instance folder, ``lms setup`` in it, gunicorn on a free local port."""
    instance = Path(tempfile.mkdtemp(prefix="lms-browser-"))
    env = server_env(instance)
    process = None
    try:
        subprocess.run([sys.executable, "-m", "lms.core.catalogues", "compile"], env=env, cwd=ROOT,
                       check=True, capture_output=True)
        setup = subprocess.run([str(BIN / "lms"), "setup"], env=env, cwd=ROOT, capture_output=True, text=True)
        if setup.returncode != 0:
            raise RuntimeError(f"lms setup failed:\n{setup.stdout}\n{setup.stderr}")
        passwords, key = parse_setup(setup.stdout)
        port = free_port()
        log_dir.mkdir(parents=True, exist_ok=True)
        log = (log_dir / "gunicorn.log").open("w")
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "--access-logfile", "-", "wsgi:app"], env=env, cwd=ROOT, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(150):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log_dir / 'gunicorn.log'}")
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within 15 s")
        yield Server(base=base, instance=instance, passwords=passwords, enrolment_key=key,
                     setup_output=setup.stdout)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(instance, ignore_errors=True)


# --- what is recorded --------------------------------------------------------------------

@dataclass
class PageCheck:
    page_id: str
    url: str
    scroll_width: int
    inner_width: int
    culprits: list[dict]
    violations: list[dict]  # every WCAG A/AA violation axe found, all impacts
    screenshot: str
    console_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    @property
    def overflow_px(self) -> int:
        return max(0, self.scroll_width - self.inner_width)

    def failing_violations(self) -> list[dict]:
        """Violations with at least one serious or critical node, keeping only those nodes."""
        failing = []
        for violation in self.violations:
            nodes = [n for n in violation["nodes"] if (n.get("impact") or violation["impact"]) in FAILING_IMPACTS]
            if nodes:
                failing.append({**violation, "nodes": nodes})
        return failing


@dataclass
class JourneyResult:
    journey: str
    width: int
    language: str
    pages: dict[str, PageCheck] = field(default_factory=dict)
    outcomes: dict[str, tuple[bool, str]] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.journey} at {self.width} px in {self.language}"

    def stopped(self) -> str:
        last = next(reversed(self.pages), None) if self.pages else None
        return (f"the {self.label} journey stopped after page {last!r}: {self.error}"
                if self.error else f"the {self.label} journey never reached it")


# --- in the page -------------------------------------------------------------------------

OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const limit = doc.clientWidth + 0.5;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 6; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(part + '#' + e.id); break; }
      const classes = [...e.classList].slice(0, 2);
      if (classes.length) part += '.' + classes.join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  // Is el cut off by a scrolling or clipping ancestor that itself fits? An absolutely
  // positioned element escapes the clipping of every ancestor below its containing block.
  const clipped = (el) => {
    let mode = getComputedStyle(el).position;
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (mode === 'fixed' && style.transform === 'none') continue;
      if (mode === 'absolute' || mode === 'fixed') {
        if (style.position === 'static' && style.transform === 'none') continue;
        mode = style.position;
        if (mode === 'absolute' || mode === 'fixed') continue;
      } else {
        mode = style.position === 'absolute' || style.position === 'fixed' ? style.position : 'static';
      }
      if (style.overflowX !== 'visible' && e.getBoundingClientRect().right <= limit) return true;
    }
    return false;
  };
  const escapes = new Map();
  const escaping = (el) => {
    if (el === document.body || el === doc) return false;
    if (!escapes.has(el)) {
      const box = el.getBoundingClientRect();
      escapes.set(el, box.right > limit && (box.width > 0 || box.height > 0) && !clipped(el));
    }
    return escapes.get(el);
  };
  let culprits = [];
  if (doc.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      if (escaping(el) && !escaping(el.parentElement)) {
        const box = el.getBoundingClientRect();
        culprits.push({selector: path(el), right: Math.round(box.right), width: Math.round(box.width)});
      }
    }
    if (!culprits.length) {  // text running out of a box that fits
      for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (getComputedStyle(el).overflowX === 'visible' && box.left + el.scrollWidth > limit && !clipped(el)
            && ![...el.children].some(c => c.getBoundingClientRect().left + c.scrollWidth > limit)) {
          culprits.push({selector: path(el) + ' (its text)', right: Math.round(box.left + el.scrollWidth),
                         width: Math.round(el.scrollWidth)});
        }
      }
    }
  }
  const widest = new Map();  // one entry per selector: the one reaching furthest, and how many
  for (const c of culprits) {
    const seen = widest.get(c.selector);
    widest.set(c.selector, {...(seen && seen.right >= c.right ? seen : c), count: (seen ? seen.count : 0) + 1});
  }
  culprits = [...widest.values()].sort((a, b) => b.right - a.right);
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, culprits: culprits.slice(0, 5)};
}"""

AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), impact: n.impact,
                             html: n.html.slice(0, 240), summary: (n.failureSummary || '').slice(0, 400)})),
  }));
}"""


class Journey:
    """One walk through the site; ``check`` records a page, ``outcome`` a functional result."""

    def __init__(self, name: str, pages: tuple[str, ...], width: int, language: str, server: Server,
                 playwright, state: dict):
        self.name = name
        self.declared = pages
        self.width = width
        self.language = language
        self.server = server
        self.playwright = playwright
        self.state = state  # shared by the journeys of one width × language
        self.result = JourneyResult(name, width, language)
        self._contexts: list[tuple[object, str]] = []
        self._page_errors: dict[int, dict[str, list[str]]] = {}
        self.page = self.new_page()

    # browsers ---------------------------------------------------------------------------
    def new_page(self):
        """A page in a fresh Chromium profile (its own cookies: another person at another desk)."""
        profile = tempfile.mkdtemp(prefix="lms-chromium-")
        context = self.playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": self.width, "height": HEIGHTS[self.width]}, device_scale_factor=1,
            accept_downloads=True, bypass_csp=True, locale="en-GB", timezone_id="Europe/Belgrade")
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append((context, profile))
        page = context.pages[0] if context.pages else context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # confirmations: the user says yes
        errors = self._page_errors[id(page)] = {"console": [], "http": []}
        page.on("console", lambda message: errors["console"].append(
            f"{message.text[:300]} [{message.location.get('url', '')}]") if message.type == "error" else None)
        page.on("pageerror", lambda error: errors["console"].append(f"uncaught: {error}"[:300]))
        page.on("response", lambda response: errors["http"].append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        return page

    def close(self) -> None:
        for context, profile in self._contexts:
            with contextlib.suppress(Exception):
                context.close()
            shutil.rmtree(profile, ignore_errors=True)

    # moving around ----------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.server.base + path

    def goto(self, path: str, page=None):
        page = page or self.page
        response = page.goto(self.url(path))
        self.expect_ok(response, path)
        return response

    def expect_ok(self, response, what: str, allow: tuple[int, ...] = ()) -> None:
        if response is None:
            return
        if response.status >= 400 and response.status not in allow:
            raise JourneyError(f"{what} answered {response.status}")

    def submit(self, button, page=None, allow: tuple[int, ...] = ()):
        """Click a submit button and wait for the page it leads to; fail on an error status
        other than those in ``allow`` (a form sent back with its errors: 422)."""
        page = page or self.page
        with page.expect_navigation() as navigation:
            button.click()
        self.expect_ok(navigation.value, f"submitting on {page.url}", allow)
        return navigation.value

    def sign_in(self, email: str, password: str | None = None, page=None) -> None:
        page = page or self.page
        self.goto("/login", page)
        form = page.locator("main form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=password]").fill(password or self.server.passwords[email])
        self.submit(form.locator("button[type=submit]").first, page)
        if "/login" in page.url:
            raise JourneyError(f"sign-in as {email} was refused")

    def switch_language(self, page=None) -> None:
        """Use the site's language switcher (present on every page)."""
        page = page or self.page
        switcher = page.locator("form[action$='/language']").first
        select = switcher.locator("select[name=language]")
        if select.is_visible():
            select.select_option(self.language)
            self.submit(switcher.locator("button[type=submit], input[type=submit]").first, page)
        else:
            # Collapsed out of sight (a phone menu): open it the way a user would, if there is a toggle.
            toggle = page.locator("header [aria-expanded=false]").first
            if toggle.count() and toggle.is_visible():
                toggle.click()
            if select.is_visible():
                select.select_option(self.language)
                self.submit(switcher.locator("button[type=submit], input[type=submit]").first, page)
            else:
                raise JourneyError("the language switcher is not visible and no menu button shows it")
        expected = {"en": "en", "sq": "sq", "sr_Cyrl": "sr-Cyrl"}[self.language]
        lang = page.locator("html").get_attribute("lang") or ""
        if not lang.startswith(expected):
            raise JourneyError(f"after switching to {self.language} the page says lang={lang!r}")

    def api(self, path: str, page=None) -> dict | list:
        """A GET on the JSON API with this browser's session (to confirm an outcome)."""
        page = page or self.page
        response = page.request.get(self.url(path))
        if not response.ok:
            raise JourneyError(f"GET {path} answered {response.status}")
        return response.json()

    # checks -----------------------------------------------------------------------------
    def check(self, page_id: str, page=None) -> PageCheck:
        """Measure, scan and photograph the page as it is now."""
        if page_id not in self.declared:
            raise JourneyError(f"page {page_id!r} is not declared for the {self.name} journey")
        if page_id in self.result.pages:
            raise JourneyError(f"page {page_id!r} checked twice in the {self.name} journey")
        page = page or self.page
        page.wait_for_load_state("load")
        overflow = page.evaluate(OVERFLOW_JS)
        page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        shot = shots / f"{self.name}-{page_id}-{self.width}-{self.language}.png"
        page.screenshot(path=str(shot), full_page=True)
        errors = self._page_errors[id(page)]
        check = PageCheck(page_id=page_id, url=page.url.removeprefix(self.server.base),
                          scroll_width=overflow["scrollWidth"], inner_width=overflow["innerWidth"],
                          culprits=overflow["culprits"], violations=violations,
                          screenshot=str(shot.relative_to(ARTIFACTS)),
                          console_errors=list(errors["console"]), http_errors=list(errors["http"]))
        errors["console"].clear()
        errors["http"].clear()
        self.result.pages[page_id] = check
        return check

    def outcome(self, name: str, ok: bool, detail: str = "") -> None:
        self.result.outcomes[name] = (bool(ok), detail)

    def need(self, key: str):
        """State left by an earlier journey of the same width and language."""
        if key not in self.state:
            raise JourneyError(f"needs {key!r} from an earlier journey, which did not get that far")
        return self.state[key]


def run_journey(name: str, pages: tuple[str, ...], steps: Callable[[Journey], None], width: int,
                language: str, server: Server, playwright, state: dict) -> JourneyResult:
    started = time.perf_counter()
    journey = Journey(name, pages, width, language, server, playwright, state)
    try:
        steps(journey)
    except Exception as exc:  # noqa: BLE001 - any failure stops this journey, and is reported
        page = journey.page
        where = page.url.removeprefix(server.base) if page else "?"
        journey.result.error = f"{type(exc).__name__} on {where}: {str(exc).splitlines()[0] if str(exc) else ''}"
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shots / f"{name}-ERROR-{width}-{language}.png"), full_page=True)
        (ARTIFACTS / "errors").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "errors" / f"{name}-{width}-{language}.txt").write_text(traceback.format_exc())
    finally:
        journey.close()
    journey.result.seconds = time.perf_counter() - started
    return journey.result


# --- reports -------------------------------------------------------------------------------

def write_reports(results: list[JourneyResult], wall_seconds: float) -> None:
    """``report.json`` (everything recorded) and ``report.md`` (what fails, for the people fixing pages)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = {"wall_seconds": round(wall_seconds, 1), "journeys": [{
        "journey": r.journey, "width": r.width, "language": r.language, "error": r.error,
        "seconds": round(r.seconds, 1), "outcomes": {k: list(v) for k, v in r.outcomes.items()},
        "pages": {pid: {**vars(p), "overflow_px": p.overflow_px} for pid, p in r.pages.items()},
    } for r in results]}
    (ARTIFACTS / "report.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))

    lines = [f"# Browser journeys: what fails ({len(results)} journeys, {wall_seconds:.0f} s)", ""]
    for r in results:
        if r.error:
            lines.append(f"- JOURNEY STOPPED: {r.label}: {r.error}")
        for name, (ok, detail) in r.outcomes.items():
            if not ok:
                lines.append(f"- OUTCOME {r.journey}/{name} at {r.width} px in {r.language}: {detail}")
    lines += ["", "## Horizontal overflow", ""]
    for r in results:
        for p in r.pages.values():
            if p.overflow_px:
                where = "; ".join(f"{c['selector']} (right edge {c['right']} px)" for c in p.culprits[:3])
                lines.append(f"- {r.journey}/{p.page_id} {r.width} px {r.language} {p.url}: "
                             f"{p.scroll_width} px wide, {p.overflow_px} px too wide — {where}")
    lines += ["", "## Serious and critical axe violations (WCAG 2.1 A/AA)", ""]
    for r in results:
        for p in r.pages.values():
            for v in p.failing_violations():
                targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:4])
                more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
                lines.append(f"- {r.journey}/{p.page_id} {r.width} px {r.language} {p.url}: "
                             f"{v['id']} [{v['impact']}] {targets}{more}")
    noticed: dict[str, set[str]] = {}
    for r in results:
        for p in r.pages.values():
            for message in p.console_errors + p.http_errors:
                noticed.setdefault(re.sub(r"https?://127\.0\.0\.1:\d+", "", message), set()).add(
                    f"{r.journey}/{p.page_id}")
    lines += ["", "## Noticed, not asserted: console errors and failed requests", ""]
    lines += [f"- {message} (on {len(where)} page visits, e.g. {sorted(where)[0]})"
              for message, where in sorted(noticed.items())]
    (ARTIFACTS / "report.md").write_text("\n".join(lines) + "\n")
