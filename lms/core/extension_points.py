"""Extension points: the one way a feature lets later features plug into it.

A feature declares its points at module level, the way blinker declares a signal: a
declaration holds no data. What plugs in is kept on the application
(``app.extensions["lms.extension_points"]``), added in the plugging feature's
``init_app``. Two applications never share items, and a test that adds a rule adds it to
its own application only (``with POINT.added(item): …``).

``courses`` declares, for example, the completion requirement kinds; ``quizzes`` adds
"quiz passed" to them; ``courses`` asks ``COMPLETION_KINDS.get("quiz")`` without knowing
that quizzes exist.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from flask import Flask, current_app

T = TypeVar("T")
STORE = "lms.extension_points"
GROUPED = "lms.extension_points.grouped"


class ExtensionPoint(Generic[T]):
    """An ordered, per-application list of items of one kind.

    ``key`` names an item (a completion kind by its name): adding an item whose key is
    taken replaces the old one, and ``get(key)`` finds it. ``order`` sorts the items (a
    menu by position); without it they keep the order they were added in.
    """

    def __init__(self, name: str, *, key: Callable[[T], object] | None = None,
                 order: Callable[[T], object] | None = None):
        self.name = name
        self._key = key
        self._order = order

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}>"

    def _store(self, app: Flask | None) -> list[T]:
        app = app if app is not None else current_app._get_current_object()
        return app.extensions.setdefault(STORE, {}).setdefault(self.name, [])

    def _changed(self, app: Flask) -> None:
        app.extensions.setdefault(GROUPED, {}).pop(self.name, None)

    def grouped(self, by: Callable[[T], object]) -> dict[object, tuple[T, ...]]:
        """The current application's items by ``by(item)``, each group in order: worked out once
        until the next ``add`` or ``remove`` (for a point asked on every page, such as the
        page slots by name)."""
        app = current_app._get_current_object()
        groups = app.extensions.setdefault(GROUPED, {}).setdefault(self.name, {})
        found = groups.get(by)
        if found is None:
            found = {}
            for item in self._store(app):
                found.setdefault(by(item), []).append(item)
            found = groups[by] = {key: tuple(items) for key, items in found.items()}
        return found

    def add(self, app: Flask, item: T) -> T:
        items = self._store(app)
        if self._key is not None:
            key = self._key(item)
            items[:] = [existing for existing in items if self._key(existing) != key]
        elif item in items:
            return item
        items.append(item)
        if self._order is not None:
            items.sort(key=self._order)
        self._changed(app)
        return item

    def remove(self, app: Flask, item: T) -> None:
        items = self._store(app)
        if item in items:
            items.remove(item)
        self._changed(app)

    def items(self, app: Flask | None = None) -> list[T]:
        """The items of the current (or given) application, in order. Do not mutate."""
        return self._store(app)

    def __iter__(self) -> Iterator[T]:
        return iter(self._store(None))

    def get(self, key, app: Flask | None = None) -> T | None:
        if self._key is None:
            raise TypeError(f"{self.name} has no key")
        return next((item for item in self._store(app) if self._key(item) == key), None)

    def send(self, *args, **kwargs) -> list:
        """Call every item (they are callables: listeners of an event) and return the results."""
        return [item(*args, **kwargs) for item in list(self._store(None))]

    @contextlib.contextmanager
    def added(self, item: T, app: Flask | None = None) -> Iterator[T]:
        """Add ``item`` for the duration of a block (tests)."""
        app = app if app is not None else current_app._get_current_object()
        self.add(app, item)
        try:
            yield item
        finally:
            self.remove(app, item)
