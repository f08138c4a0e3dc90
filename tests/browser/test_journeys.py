"""Every page each journey reaches, at each width and in each language: fits, and passes axe.

One test per page × width × language × check, so each failure is reported on its own.
"""

from __future__ import annotations

import pytest

from tests.browser.harness import LANGUAGES, WIDTHS
from tests.browser.journeys import JOURNEYS

VARIANTS = [(width, language) for width in WIDTHS for language in LANGUAGES]
PAGES = [(name, page_id, width, language) for name, spec in JOURNEYS.items() for page_id in spec.pages
         for width, language in VARIANTS]
OUTCOMES = [(name, outcome, width, language) for name, spec in JOURNEYS.items()
            for outcome in spec.outcomes for width, language in VARIANTS]


def _ids(case) -> str:
    name, what, width, language = case
    return f"{name}-{what}-{width}-{language}"


def _page(journeys, name, page_id, width, language):
    result = journeys.result(name, width, language)
    check = result.pages.get(page_id)
    if check is None:
        pytest.fail(f"page {page_id!r} was not checked: {result.stopped()}", pytrace=False)
    return check


@pytest.mark.parametrize("case", PAGES, ids=[_ids(c) for c in PAGES])
def test_page_has_no_horizontal_overflow(journeys, case):
    check = _page(journeys, *case)
    culprits = "; ".join(f"{c['selector']} reaches {c['right']} px" for c in check.culprits) or "?"
    assert check.overflow_px == 0, (
        f"{check.url} is {check.scroll_width} px wide in a {check.inner_width} px window "
        f"({check.overflow_px} px of horizontal scroll): {culprits}. Screenshot: {check.screenshot}")


@pytest.mark.parametrize("case", PAGES, ids=[_ids(c) for c in PAGES])
def test_page_has_no_serious_accessibility_violation(journeys, case):
    check = _page(journeys, *case)
    failing = check.failing_violations()
    lines = [f"{v['id']} [{v['impact']}] {v['help']}: " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
             for v in failing]
    assert not failing, f"{check.url}: axe (WCAG 2.1 A/AA) found\n  " + "\n  ".join(lines)


@pytest.mark.parametrize("case", OUTCOMES, ids=[_ids(c) for c in OUTCOMES])
def test_journey_outcome(journeys, case):
    name, outcome, width, language = case
    result = journeys.result(name, width, language)
    if outcome not in result.outcomes:
        pytest.fail(f"{outcome!r} was not reached: {result.stopped()}", pytrace=False)
    ok, detail = result.outcomes[outcome]
    assert ok, f"{outcome}: {detail}"
