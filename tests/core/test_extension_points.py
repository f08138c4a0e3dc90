"""Extension points grouped once, hooks checked once: what every page asks follows every change."""

from __future__ import annotations

from markupsafe import Markup

from lms.core.extension_points import ExtensionPoint
from lms.core.web import PAGE_SLOTS, PageSlot, render_slot

POINT: ExtensionPoint[tuple[str, int]] = ExtensionPoint("tests.grouped")


def _first(item):
    return item[0]


def test_groups_follow_every_add_and_remove(ctx, app):
    POINT.add(app, ("a", 1))
    POINT.add(app, ("b", 2))
    POINT.add(app, ("a", 3))
    assert POINT.grouped(_first) == {"a": (("a", 1), ("a", 3)), "b": (("b", 2),)}
    with POINT.added(("b", 4)):
        assert POINT.grouped(_first)["b"] == (("b", 2), ("b", 4))
    assert POINT.grouped(_first)["b"] == (("b", 2),)
    for item in (("a", 1), ("b", 2), ("a", 3)):
        POINT.remove(app, item)
    assert POINT.grouped(_first) == {}


def test_a_slot_added_later_is_drawn_and_one_removed_is_not(ctx):
    before = render_slot("dashboard.bottom", user=None)   # asked once: its slots grouped
    slot = PageSlot("dashboard.bottom", lambda **_context: "<p>added by a test</p>")
    with PAGE_SLOTS.added(slot):
        assert render_slot("dashboard.bottom", user=None) == before + Markup("<p>added by a test</p>")
    assert render_slot("dashboard.bottom", user=None) == before


def test_hooks_are_checked_for_coroutines_once_and_the_store_stays_bounded(app):
    def hook():
        return "ran"

    assert app.ensure_sync(hook) is hook and app.ensure_sync(hook)() == "ran"
    for number in range(1100):   # callbacks made for one request each
        made = app.ensure_sync(lambda number=number: number)
        assert made() == number
    assert len(app.__dict__["_lms_sync"]) <= 1024
