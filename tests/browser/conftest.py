"""Browser tests: the real app under gunicorn, driven by Playwright in Debian's Chromium.

Not part of ``make test`` (pyproject's addopts ignore this folder); ``make test-browser``
runs them. Screenshots and reports go to ``tests/browser/artifacts/`` or $BROWSER_ARTIFACTS.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    CHROMIUM,
    JourneyResult,
    run_journey,
    running_server,
    write_reports,
)
from tests.browser.journeys import JOURNEYS

_results: dict[tuple[str, int, str], JourneyResult] = {}
_started = time.perf_counter()


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


class Journeys:
    """Runs each journey once per width × language, when a test first asks for it."""

    def __init__(self, server, playwright):
        self.server = server
        self.playwright = playwright
        self.states: dict[tuple[int, str], dict] = {}

    def result(self, name: str, width: int, language: str) -> JourneyResult:
        key = (name, width, language)
        if key not in _results:
            spec = JOURNEYS[name]
            for earlier in spec.needs:
                self.result(earlier, width, language)
            state = self.states.setdefault((width, language), {})
            _results[key] = run_journey(name, spec.pages, spec.steps, width, language, self.server,
                                        self.playwright, state)
        return _results[key]


@pytest.fixture(scope="session")
def journeys():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test-browser` installs Debian's chromium "
                    "(apt-get install -y chromium); never `playwright install`.")
    from playwright.sync_api import sync_playwright

    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS / "screenshots", ignore_errors=True)
        shutil.rmtree(ARTIFACTS / "downloads", ignore_errors=True)
        shutil.rmtree(ARTIFACTS / "errors", ignore_errors=True)
    with running_server(ARTIFACTS) as server, sync_playwright() as playwright:
        yield Journeys(server, playwright)


def pytest_sessionfinish(session, exitstatus):
    if _results:
        write_reports(list(_results.values()), time.perf_counter() - _started)
