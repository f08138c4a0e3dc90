"""Load run against gunicorn (2 workers): lesson page and course-outline API vs /healthz.

    python -m bench.load [--seconds 10] [--connections 16] [--database-url URL] [--content DIR]

Each endpoint's requests per second is reported as a ratio to the health check, measured in
the same run on the same machine (health check before and after, averaged), with its p95.
"""

from __future__ import annotations

import argparse
import json
import re

from bench.common import (
    ROOT,
    Browser,
    bench_env,
    gunicorn,
    lms,
    save,
    table,
    temporary_instance,
    wrk,
)


def _prepare(base: str, course: str) -> tuple[str, str, str]:
    """Sign in as the demo trainee, enrol in ``course``; return cookie, lesson URL, outline URL."""
    import urllib.request

    outline = json.loads(urllib.request.urlopen(f"{base}/api/v1/courses/{course}").read())
    module = outline["modules"][0]
    lesson = module["lessons"][0]
    browser = Browser(base)
    return browser, f"/courses/{course}/{module['slug']}/{lesson['slug']}", f"/api/v1/courses/{course}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--course", default=None, help="slug of a self-paced course (default: the first)")
    args = parser.parse_args()

    with temporary_instance() as instance:
        env = bench_env(instance, args.database_url)
        output = lms(["setup", "--content", args.content], env)
        email, password = re.search(r"(trainee@demo\.lms)\s+(\S+)", output).groups()
        with gunicorn(env) as base:
            import urllib.request

            courses = json.loads(urllib.request.urlopen(f"{base}/api/v1/courses").read())
            course = args.course or next(c["slug"] for c in courses if c["format"] == "self-paced")
            browser, lesson_url, outline_url = _prepare(base, course)
            browser.post_form("/login", {"email": email, "password": password})
            browser.post_form(f"/courses/{course}/enrol", {}, token_page=f"/courses/{course}")
            cookie = browser.headers()
            assert "/done\"" in browser.get(lesson_url), "the trainee should read the lesson as enrolled"

            targets = [("healthz (before)", "/healthz", {}), ("lesson page", lesson_url, cookie),
                       ("course outline API", outline_url, {}), ("healthz (after)", "/healthz", {})]
            for _name, path, headers in targets:  # warm-up: caches, connections, imports
                wrk(base + path, seconds=2, connections=args.connections, headers=headers)
            results = {name: wrk(base + path, seconds=args.seconds, connections=args.connections,
                                 headers=headers) for name, path, headers in targets}

    baseline = (results["healthz (before)"]["rps"] + results["healthz (after)"]["rps"]) / 2
    rows = []
    for name, figures in results.items():
        rows.append([name, f"{figures['rps']:.0f}", f"{figures['rps'] / baseline:.2f}",
                     f"{figures['p50_ms']:.1f}", f"{figures['p95_ms']:.1f}", figures["non2xx"] + figures["errors"]])
    print(f"\nLoad run: gunicorn 2 workers, wrk {args.connections} connections, {args.seconds}s each, "
          f"database {'SQLite' if not args.database_url else args.database_url.split('@')[-1]}")
    print(table(rows, ["endpoint", "req/s", "ratio to healthz", "p50 ms", "p95 ms", "errors"]))
    path = save("load", {"args": vars(args), "baseline_rps": baseline, "results": results})
    print(f"\nSaved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
