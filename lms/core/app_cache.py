"""Caches that live as long as the application: derived data keyed by what it derives from.

What is kept here is rebuilt from the database on a fresh start and never user-specific (an
outline keyed by the course's content hash); each application has its own, so tests and
several apps in one process never see each other's.
"""

from __future__ import annotations

from flask import current_app, has_app_context

from lms.core.unit_of_work import reads_only

STORE = "lms.app_caches"


def app_cache(name: str, *, limit: int = 4096) -> dict:
    """The cache called ``name`` of the current application, emptied when it reaches ``limit``."""
    # The application itself, not its proxy: asked a score of times on every page.
    caches = current_app._get_current_object().extensions.setdefault(STORE, {})
    cache = caches.get(name)
    if cache is None or len(cache) >= limit:
        cache = caches[name] = {}
    return cache


def remembered(name: str, key, make, *, limit: int = 4096):
    """What ``make()`` returns, kept in the cache ``name`` under ``key``: worked out on the
    first ask only. ``key`` must name everything the value depends on."""
    cache = app_cache(name, limit=limit)
    value = cache.get(key)
    if value is None:
        value = cache[key] = make()
    return value


def kept_per_content(name: str, course, read, *, limit: int = 256):
    """What ``read()`` returns of ``course``'s content (its modules, lessons, quizzes,
    requirements, surveys), kept in the cache ``name`` under the course and its content hash.
    Only an import writes content, and it gives the course a new content hash: a kept value is
    never stale. Only a safe request keeps what it read: an import's own request, command or
    task reads its new content before it commits, and a rollback would leave ids kept that no
    row has. Outside an application context, read afresh (nothing to keep it in)."""
    if not has_app_context():
        return read()
    cache = app_cache(name, limit=limit)
    key = (course.id, course.content_hash)
    value = cache.get(key)
    if value is None:
        value = read()
        if reads_only():
            cache[key] = value
    return value
