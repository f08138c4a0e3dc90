"""The unit of work: one transaction per request (or task, or command), committed in one place.

Handlers and operations never commit or roll back. When a view function returns, the
request boundary commits what it did; when it raises, the error handlers
(``lms.core.errors``) roll back first and then render the error. A request with a safe
method (GET, HEAD, OPTIONS) never writes: it is never committed, and a write attempted
during one is a bug (an error under test, a logged error and a rollback in production).

Side effects that must happen only if the data they describe is saved (an e-mail, a PDF
to render) are registered with ``after_commit`` and run once the outermost transaction
has committed; a rollback drops them. This module holds the platform's only
``after_commit`` listener.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CALLBACKS_KEY = "lms_after_commit"
WROTE_KEY = "lms_wrote"


class WriteDuringSafeRequest(RuntimeError):
    """A GET (HEAD, OPTIONS) request changed the database."""


def _db():
    # extensions imports core modules; reached at call time to keep core → extensions one way.
    from lms.extensions import db

    return db


def _open_session() -> Session | None:
    """The session of this application context, if the request used one (no new one made)."""
    db = _db()
    return db.session() if db.session.registry.has() else None


class LmsFlask(Flask):
    """Flask whose request ends its unit of work before the response leaves the view.

    Committing inside ``dispatch_request`` (not in ``after_request``) means a commit that
    fails — a unique constraint checked at commit, a database gone away — goes through
    the same error handlers as any other error of the request.
    """

    def dispatch_request(self):
        response = super().dispatch_request()
        finish_request()
        return response

    def ensure_sync(self, func):
        """Flask asks, for every view and hook of every request (fourteen on a page), whether it
        is a coroutine function; the answer is kept per function (a bound method is equal to
        itself each time it is taken). A callback made for one request (``after_this_request``)
        is a new function each time: the store starts afresh when it holds a thousand."""
        checked = self.__dict__.setdefault("_lms_sync", {})
        if len(checked) >= 1024:
            checked.clear()
        try:
            return checked[func]
        except KeyError:
            made = checked[func] = super().ensure_sync(func)
            return made
        except TypeError:   # not hashable: asked every time
            return super().ensure_sync(func)


def finish_request() -> None:
    session = _open_session()
    if session is None or g.get("lms_abandoned"):
        return
    if request.method in SAFE_METHODS:
        if session.info.get(WROTE_KEY) or session.new or session.dirty or session.deleted:
            _refuse_write(session)
        return  # nothing to commit: the read transaction ends when the session is closed
    session.commit()


def _refuse_write(session: Session) -> None:
    message = f"{request.method} {request.path} wrote to the database; writes belong in POST"
    session.rollback()
    if current_app.testing:
        raise WriteDuringSafeRequest(message)
    log.error(message)


def abandon() -> None:
    """Give up this request's changes now (an error is being reported to the user); nothing
    it does afterwards is committed."""
    if has_request_context():
        g.lms_abandoned = True
    session = _open_session() if has_app_context() else None
    if session is not None:
        session.rollback()


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work outside a request (a task, a command): commit at the end, or roll back."""
    session = _db().session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def flush_pending(session: Session) -> None:
    """Flush what this unit of work changed, as the ORM's autoflush would before a query: for
    a statement run on ``session.connection()``, which the ORM does not autoflush."""
    if session.new or session.dirty or session.deleted:
        session.flush()


READ_ONCE_KEY = "lms_read_once"


def reads_only() -> bool:
    """Whether this is a safe request (a GET writes nothing): what it reads is what others have
    committed, never this unit of work's own writes, which a rollback could undo."""
    return has_request_context() and request.method in SAFE_METHODS


def read_once_per_request(name: str, key, read: Callable[[], object]):
    """What ``read()`` returns, read once per request when the request is safe (a GET writes
    nothing, so what it read stays true until it ends): for what a page asks several times
    from different features (a course's quizzes, an enrolment's attempts). Any other request,
    or none, reads anew on every call: its writes may have changed the answer."""
    if not reads_only():
        return read()
    kept = g.setdefault(READ_ONCE_KEY, {})
    if (name, key) not in kept:
        kept[name, key] = read()
    return kept[name, key]


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the outermost transaction of ``session`` has committed."""
    session.info.setdefault(CALLBACKS_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    session.info.pop(WROTE_KEY, None)
    for callback in session.info.pop(CALLBACKS_KEY, None) or []:
        try:
            callback()
        except Exception:  # the data is saved; a failed side effect must not turn into an error page
            log.exception("An after-commit action failed: %r", callback)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CALLBACKS_KEY, None)
        session.info.pop(WROTE_KEY, None)


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _flush_context) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE_KEY] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE_KEY] = True
