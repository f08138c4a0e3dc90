"""Key pages side by side with a bare Flask app, in one run: req/s, p50, p99 and page weight.

    python -m bench.pages                                  # SQLite (a fresh instance)
    python -m bench.pages --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms
    python -m bench.pages --both                           # SQLite, then PostgreSQL
    python -m bench.pages --seconds 3 --pages lesson,dashboard   # a quick look at a few pages
    python -m bench.pages --weight-only                    # the page weight alone (no wrk)

A PostgreSQL URL names a server and a database name to derive from: the benchmark creates
its own database beside it and drops it afterwards (``--both`` without a URL uses
postgresql+psycopg://postgres@127.0.0.1:5432/lms).

For each database: ``lms setup`` with the demo data (its synthetic programme of 300 trainees
feeds the statistics), then the platform and ``bench/bare.py`` (a five-line Flask JSON app)
under the same gunicorn flags (2 sync workers), both on 127.0.0.1. The gettext catalogues
are compiled first, as ``make run`` does: the demo trainee and tutor read Serbian. The demo
trainee enrols in a self-paced course and submits a case study in the demo group, so that
the tutor's queue holds work. Each page is first checked (200, no redirect to the sign-in
page, the content that shows who is reading it), warmed up, then loaded with wrk (2 threads
× 32 connections × 10 s by default); the bare app is measured first and last and the mean
of the two is the baseline.

Reported: req/s and its ratio to the bare app, p50 and p99 in ms and as multiples of the
bare app's, wrk's errors (connect, read, write, timeout) and 4xx/5xx answers; a redirect,
which wrk does not count, is ruled out by checking every page again after the load. Also
the CPU time per request of the gunicorn processes and, on PostgreSQL, of the database's
backends (from /proc), and the bare app's over the page's: throughput moves with whatever
else the machine runs, CPU time per request much less.

Then the page weight of each HTML page as urllib fetches it like a browser
(Accept-Encoding: gzip, br): bytes on the wire (headers and body) for the page and every
stylesheet, script and image it links (and what the stylesheets link), on a first load
with an empty cache and on a repeat load that keeps what Cache-Control (max-age, Expires)
lets it keep and revalidates with If-None-Match / If-Modified-Since what it may not (no
heuristic freshness), with what the same responses would weigh uncompressed. Writes
bench/results/pages-*.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import (
    BIN,
    ROOT,
    Browser,
    bench_env,
    gunicorn,
    lms,
    save,
    scratch_postgres,
    table,
    temporary_instance,
    wrk,
)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/lms"
DEMO = ("trainee@demo.lms", "tutor@demo.lms", "manager@demo.lms")
ACCEPT_ENCODING = "gzip, br"


@dataclass
class Page:
    key: str
    label: str
    who: str  # anonymous, trainee, tutor or manager
    path: str
    marker: str  # present only when the page is the one meant, read by the one meant
    html: bool = True
    headers: dict = field(default_factory=dict)


# --- preparing the demo ----------------------------------------------------------------

def passwords(setup_output: str) -> dict:
    found = {}
    for email in DEMO:
        match = re.search(rf"^\s*{re.escape(email)}\s+(\S+)", setup_output, re.MULTILINE)
        if not match:
            raise SystemExit(f"lms setup printed no password for {email}:\n{setup_output}")
        found[email] = match.group(1)
    return found


def signed_in(base: str, email: str, password: str) -> Browser:
    browser = Browser(base)
    browser.post_form("/login", {"email": email, "password": password})
    if not any(cookie.name == "session" for cookie in browser.jar):
        raise SystemExit(f"signing in as {email} gave no session cookie")
    return browser


def prepare(base: str, secrets: dict) -> list[Page]:
    """Enrol the trainee, submit a case study, find each page's URL; return the pages."""
    courses = json.loads(urllib.request.urlopen(f"{base}/api/v1/courses", timeout=10).read())
    self_paced = next(c["slug"] for c in courses if c["format"] == "self-paced")
    tutored = next(c["slug"] for c in courses if c["format"] == "tutored")
    outline = json.loads(urllib.request.urlopen(f"{base}/api/v1/courses/{self_paced}", timeout=10).read())
    module = outline["modules"][0]
    lesson = f"/courses/{self_paced}/{module['slug']}/{module['lessons'][0]['slug']}"

    trainee = signed_in(base, DEMO[0], secrets[DEMO[0]])
    trainee.post_form(f"/courses/{self_paced}/enrol", {}, token_page=f"/courses/{self_paced}")
    case_studies = sorted(set(re.findall(rf'href="(/courses/{tutored}/assignments/[^"]+)"',
                                         trainee.get(f"/courses/{tutored}"))))
    if not case_studies:
        raise SystemExit(f"the demo trainee sees no case study in {tutored}: is the demo group there?")
    trainee.post_form(case_studies[0], {"body": "The case calls for dynamic security first. " * 12,
                                        "action": "submit"}, token_page=case_studies[0])

    tutor = signed_in(base, DEMO[1], secrets[DEMO[1]])
    groups = re.findall(r'href="/cohorts/(\d+)/progress"', tutor.get("/tutor/groups"))
    if not groups:
        raise SystemExit("the demo tutor has no group")
    manager = signed_in(base, DEMO[2], secrets[DEMO[2]])
    # A returning visitor who is not signed in keeps what the catalogue gave it, as a browser
    # does: the form token's session on the first visit, and on the second that session marked
    # not fresh (Flask-Login's session protection, once, for a session with no user).
    visitor = Browser(base)
    visitor.get("/")
    visitor.get("/")

    cookies = {"anonymous": visitor.headers(), "trainee": trainee.headers(), "tutor": tutor.headers(), "manager": manager.headers()}
    pages = [
        Page("healthz", "healthz", "anonymous", "/healthz", '"ok"', html=False),
        # The least a signed-in request costs: the session check and one small count, no page.
        Page("unread", "unread count API", "trainee", "/api/v1/me/notifications/unread-count", '"unread"',
             html=False),
        Page("catalogue", "catalogue", "anonymous", "/", f'href="/courses/{self_paced}"'),
        Page("course", "course page", "trainee", f"/courses/{self_paced}", f'"/courses/{self_paced}/continue"'),
        Page("lesson", "lesson page", "trainee", lesson, '/done"'),
        Page("dashboard", "trainee dashboard", "trainee", "/dashboard", f'"/courses/{self_paced}/continue"'),
        Page("outline", "course-outline API", "anonymous", f"/api/v1/courses/{self_paced}",
             f'"{module["slug"]}"', html=False),
        Page("queue", "grading queue", "tutor", "/tutor/queue", 'href="/submissions/'),
        Page("progress", "group progress", "tutor", f"/cohorts/{groups[0]}/progress", 'href="/submissions/'),
        Page("statistics", "statistics overview", "manager", "/reports", 'class="report-form"'),
    ]
    for page in pages:
        page.headers = cookies[page.who]
    return pages


def check(base: str, page: Page) -> None:
    """The page answers 200 itself (no redirect) with the content only its reader gets, and
    sets no cookie: a page that did so on every request would measure signing the session
    anew, which a returning browser never causes."""
    status, headers, body = fetch(base + page.path, page.headers)
    if status != 200:
        raise SystemExit(f"{page.label} ({page.path}) as {page.who}: status {status} "
                         f"{headers.get('Location') or ''}")
    if headers.get("Set-Cookie"):
        raise SystemExit(f"{page.label} ({page.path}) as {page.who}: sets a cookie on a repeat visit "
                         f"({headers['Set-Cookie'].partition('=')[0]})")
    if page.marker not in decoded(body, headers, base + page.path, page.headers).decode("utf-8", "replace"):
        raise SystemExit(f"{page.label} ({page.path}) as {page.who}: {page.marker} missing")


# --- fetching like a browser, with urllib ----------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict) -> tuple[int, dict, bytes]:
    """GET without following redirects or decoding: (status, headers, body as sent)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING, **headers})
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wire_bytes(status: int, headers, body: bytes) -> int:
    status_line = len(f"HTTP/1.1 {status} XX\r\n")
    return status_line + sum(len(f"{k}: {v}\r\n") for k, v in headers.items()) + 2 + len(body)


def decoded(body: bytes, headers, url: str, request_headers: dict) -> bytes:
    """The body as the browser reads it; an encoding we cannot decode is fetched again plainly."""
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding == "identity":
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        with contextlib.suppress(ImportError):
            import brotli

            return brotli.decompress(body)
    _status, _headers, plain = fetch(url, {**request_headers, "Accept-Encoding": "identity"})
    return plain


class _Links(HTMLParser):
    """Subresources a browser fetches on load: stylesheets, icons, preloads, scripts, images."""

    FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and self.FETCHED_RELS & set((attrs.get("rel") or "").lower().split()):
            self.found.append(attrs.get("href"))
        elif tag in {"script", "img"} or (tag in {"source", "input"} and attrs.get("type") == "image"):
            self.found.append(attrs.get("src"))


def linked(url: str, content_type: str, text: str) -> list[str]:
    if content_type.startswith("text/html"):
        parser = _Links()
        parser.feed(text)
        found = parser.found
    elif content_type.startswith("text/css"):
        found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", text)
        found = [a or b for a, b in found]
    else:
        return []
    origin = urllib.parse.urlsplit(url)
    resolved = []
    for href in found:
        if not href or href.startswith("data:"):
            continue
        absolute = urllib.parse.urljoin(url, href)
        if urllib.parse.urlsplit(absolute).netloc == origin.netloc:  # everything is vendored: same origin
            resolved.append(urllib.parse.urldefrag(absolute).url)
    return resolved


def _freshness(headers) -> float:
    """Seconds the browser may reuse a response without asking; 0 to revalidate, -1 not to keep it."""
    directives = {}
    for part in (headers.get("Cache-Control") or "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip('"')
    if "no-store" in directives:
        return -1
    if "no-cache" in directives:
        return 0
    if "max-age" in directives:
        with contextlib.suppress(ValueError):
            return float(directives["max-age"])
    if headers.get("Expires"):
        with contextlib.suppress(TypeError, ValueError):
            return parsedate_to_datetime(headers["Expires"]).timestamp() - time.time()
        return 0
    return 0  # no heuristic freshness: only what the server says counts


def page_weight(base: str, page: Page) -> dict:
    """A first load with an empty cache, then a repeat load with what it kept."""
    cache: dict[str, dict] = {}
    first = {"requests": 0, "bytes": 0, "html_bytes": 0, "html_encoding": "", "decoded_bytes": 0,
             "html_decoded_bytes": 0, "resources": []}
    queue, seen = [base + page.path], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        status, headers, body = fetch(url, page.headers)
        size = wire_bytes(status, headers, body)
        first["requests"] += 1
        first["bytes"] += size
        content_type = headers.get("Content-Type") or ""
        encoding = headers.get("Content-Encoding") or "identity"
        plain = decoded(body, headers, url, page.headers) if status == 200 else body
        first["decoded_bytes"] += wire_bytes(status, headers, plain)    # what it would weigh uncompressed
        if url == base + page.path:
            first["html_bytes"], first["html_encoding"] = size, encoding
            first["html_decoded_bytes"] = wire_bytes(status, headers, plain)
        else:
            first["resources"].append({"url": url[len(base):], "status": status, "bytes": size,
                                       "encoding": encoding, "cache_control": headers.get("Cache-Control"),
                                       "etag": bool(headers.get("ETag")),
                                       "last_modified": bool(headers.get("Last-Modified"))})
        keep = _freshness(headers)
        if keep >= 0 and status == 200:
            cache[url] = {"until": time.time() + keep, "etag": headers.get("ETag"),
                          "last_modified": headers.get("Last-Modified")}
        if status == 200 and content_type.startswith(("text/html", "text/css")):
            text = plain.decode("utf-8", "replace")
            queue.extend(linked(url, content_type, text))

    repeat = {"requests": 0, "bytes": 0, "full": 0, "not_modified": 0, "cached": 0}
    for url in sorted(seen, key=lambda u: u != base + page.path):
        kept = cache.get(url)
        if kept and kept["until"] > time.time():
            repeat["cached"] += 1
            continue
        conditional = {}
        if kept and kept["etag"]:
            conditional["If-None-Match"] = kept["etag"]
        if kept and kept["last_modified"]:
            conditional["If-Modified-Since"] = kept["last_modified"]
        status, headers, body = fetch(url, {**page.headers, **conditional})
        repeat["requests"] += 1
        repeat["bytes"] += wire_bytes(status, headers, body)
        repeat["not_modified" if status == 304 else "full"] += 1
    return {"first": first, "repeat": repeat}


def server_cpu_seconds(base: str, database: str | None = None) -> float:
    """CPU time (user + system) used so far by the gunicorn serving ``base``, master and workers,
    and by the PostgreSQL backends connected to ``database`` (pooled: they live as long).

    Unlike req/s it hardly depends on what else the machine runs: on a busy machine, compare
    the pages by this. Resolution: one clock tick (10 ms), summed over many requests.
    """
    server = f"127.0.0.1:{urllib.parse.urlsplit(base).port}".encode()
    backend = f" {database} ".encode() if database else None
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            command = (entry / "cmdline").read_bytes()
            if (server in command and b"gunicorn" in command) or (
                    backend and command.startswith(b"postgres:") and backend in command):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


# --- one database ----------------------------------------------------------------------

def run(database_url: str | None, args) -> dict:
    label = "PostgreSQL" if database_url else "SQLite"
    with temporary_instance() as instance, (scratch_postgres(database_url) if database_url
                                            else contextlib.nullcontext()) as scratch:
        env = {**bench_env(instance, scratch), "LMS_LOG_LEVEL": "ERROR"}  # not the tutor's e-mail
        database = make_url(scratch).database if scratch else None
        print(f"[{label}] lms setup with the demo data …", flush=True)
        started = time.perf_counter()
        secrets = passwords(lms(["setup", "--content", args.content], env))
        setup_seconds = time.perf_counter() - started
        with gunicorn(env, app="bench.bare:app", ready="/") as bare, gunicorn(env) as base:
            pages = prepare(base, secrets)
            if args.pages:
                wanted = set(args.pages.split(","))
                unknown = wanted - {p.key for p in pages}
                if unknown:
                    raise SystemExit(f"unknown page(s) {', '.join(sorted(unknown))}; "
                                     f"known: {', '.join(p.key for p in pages)}")
                pages = [p for p in pages if p.key in wanted]
            status, _headers, body = fetch(bare + "/", {})
            if status != 200 or json.loads(body) != {"ok": True}:
                raise SystemExit(f"the bare app answered {status} {body!r}")
            for page in pages:
                check(base, page)

            def load(url: str, headers: dict, seconds: int) -> dict:
                server = (bare, None) if url.startswith(bare + "/") else (base, database)
                cpu = server_cpu_seconds(*server)
                figures = wrk(url, seconds=seconds, connections=args.connections, threads=args.threads,
                              headers=headers, timeout=args.timeout)
                figures["cpu_ms"] = (server_cpu_seconds(*server) - cpu) * 1000 / max(figures["requests"], 1)
                # wrk leaves up to one request per connection queued in gunicorn's backlog: let both
                # servers work it off, so that it is not charged to the next page.
                for either, ready in ((bare, "/"), (base, "/healthz")):
                    for _worker in range(2):
                        fetch(either + ready, {})
                return figures

            if args.weight_only:
                return {"database": label, "setup_seconds": round(setup_seconds, 1), "wrk": None,
                        "pages": [{"key": p.key, "label": p.label, "who": p.who, "path": p.path} for p in pages],
                        "weight": {page.key: page_weight(base, page) for page in pages if page.html}}
            print(f"[{label}] warming up …", flush=True)
            load(bare + "/", {}, args.warmup)
            for page in pages:
                load(base + page.path, page.headers, args.warmup)
            print(f"[{label}] measuring {len(pages) + 2} × {args.seconds} s …", flush=True)
            load_before = os.getloadavg()[0]
            results = {"bare (before)": load(bare + "/", {}, args.seconds)}
            for page in pages:
                results[page.key] = load(base + page.path, page.headers, args.seconds)
            results["bare (after)"] = load(bare + "/", {}, args.seconds)
            load_after = os.getloadavg()[0]
            for page in pages:  # still signed in, still the same page: nothing measured a redirect
                check(base, page)
            weights = {page.key: page_weight(base, page) for page in pages if page.html}
    return {"database": label, "setup_seconds": round(setup_seconds, 1), "wrk": results,
            "load_average": [load_before, load_after],
            "pages": [{"key": p.key, "label": p.label, "who": p.who, "path": p.path} for p in pages],
            "weight": weights}


# --- reporting -------------------------------------------------------------------------

def _kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def report(result: dict, args) -> str:
    return "\n".join(([throughput(result, args)] if result["wrk"] else []) + ([weight(result)] if result["weight"] else []))


def throughput(result: dict, args) -> str:
    wrk_results = result["wrk"]
    before, after = wrk_results["bare (before)"], wrk_results["bare (after)"]
    base = {key: (before[key] + after[key]) / 2 for key in ("rps", "p50_ms", "p99_ms", "cpu_ms")}
    rows = []
    for key, figures in [("bare (before)", before)] + [(p["key"], wrk_results[p["key"]]) for p in result["pages"]] \
            + [("bare (after)", after)]:
        page = next((p for p in result["pages"] if p["key"] == key), None)
        rows.append([page["label"] if page else f"bare Flask {key[5:]}", page["who"] if page else "",
                     f"{figures['rps']:.0f}", f"{figures['rps'] / base['rps']:.3f}",
                     f"{figures['p50_ms']:.1f}", f"{figures['p50_ms'] / base['p50_ms']:.1f}",
                     f"{figures['p99_ms']:.1f}", f"{figures['p99_ms'] / base['p99_ms']:.1f}",
                     f"{figures['cpu_ms']:.2f}", f"{base['cpu_ms'] / figures['cpu_ms']:.3f}",
                     f"{figures['errors']}/{figures['non2xx']}"])
    lines = [f"\n{result['database']}: gunicorn 2 sync workers, wrk {args.threads} threads × {args.connections} "
             f"connections × {args.seconds} s ({args.warmup} s warm-up); baseline = bare Flask, mean of before "
             f"and after ({base['rps']:.0f} req/s, p50 {base['p50_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms); "
             f"load average {result['load_average'][0]:.1f} before, {result['load_average'][1]:.1f} after "
             "(anything above the benchmark's own shares the CPUs)",
             table(rows, ["page", "as", "req/s", "ratio", "p50 ms", "× bare", "p99 ms", "× bare",
                         "CPU ms/req", "CPU ratio", "errors/4xx+5xx"]),
             "CPU ms/req: gunicorn's CPU time (user + system) per answered request, with PostgreSQL's backends "
             "when on PostgreSQL; CPU ratio: the bare app's over the page's, a measure that other work on "
             "the machine hardly moves."]
    return "\n".join(lines)


def weight(result: dict) -> str:
    lines = []
    if result["weight"]:
        rows = []
        for page in result["pages"]:
            weight = result["weight"].get(page["key"])
            if weight is None:
                continue
            first, repeat = weight["first"], weight["repeat"]
            rows.append([page["label"], first["requests"], _kb(first["bytes"]),
                         _kb(first.get("decoded_bytes", first["bytes"])), _kb(first["html_bytes"]),
                         _kb(first.get("html_decoded_bytes", first["html_bytes"])),
                         first["html_encoding"], _kb(repeat["bytes"]),
                         f"{repeat['full']}/{repeat['not_modified']}/{repeat['cached']}"])
        lines += [f"\n{result['database']}: page weight (on the wire, headers included, "
                  f"Accept-Encoding: {ACCEPT_ENCODING}; repeat load right after the first)",
                  table(rows, ["page", "requests", "first load kB", "uncompressed", "HTML kB", "uncompressed",
                               "HTML encoding", "repeat load kB", "repeat full/304/cached"]),
                  "uncompressed: the same responses without Content-Encoding (what compression saves); "
                  "repeat: static files named by their content are kept (cached) without asking."]
    return "\n".join(lines)


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model or "unknown"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up per page, seconds (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--timeout", type=int, default=30,
                        help="wrk's timeout per request, seconds (default 30; wrk's own 2 s drops slow pages)")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server and database name to create a benchmark database beside")
    parser.add_argument("--both", action="store_true", help=f"SQLite, then PostgreSQL (default {DEFAULT_POSTGRES})")
    parser.add_argument("--pages", default=None, help="comma-separated keys of the pages to measure (default all)")
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--weight-only", action="store_true", help="only the page weight (no wrk needed)")
    args = parser.parse_args()
    if args.threads > args.connections:
        parser.error("--threads may not exceed --connections")
    if not args.weight_only and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package). Nothing was measured.")

    databases = [None, args.database_url or DEFAULT_POSTGRES] if args.both else [args.database_url]
    # The pages in their readers' languages, as `make run` serves them (the .mo files are built).
    subprocess.run([str(BIN / "python"), "-m", "lms.core.catalogues", "compile"], cwd=ROOT, check=True,
                   capture_output=True)
    host = machine()
    results = [run(url, args) for url in databases]
    print(f"\nMachine: {host['nproc']} CPU(s), {host['cpu']}")
    for result in results:
        print(report(result, args))
    path = save("pages", {"machine": host, "args": vars(args), "results": results})
    print(f"\nSaved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
