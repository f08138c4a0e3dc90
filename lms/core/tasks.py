"""Background work on a task queue (Huey): e-mail, rendering, periodic jobs.

Embedded mode keeps the queue in a SQLite file of the instance folder; production keeps it
in Redis (``LMS_REDIS_URL``), so any number of app servers enqueue and any number of
``lms worker`` processes consume. Tests run tasks at once, in the process
(``LMS_TASK_QUEUE=immediate``).

A feature writes a task as a plain function of plain arguments (ids, not objects), marks it
with ``@task(...)`` or ``@periodic(...)`` and registers it in its ``init_app``
(``register(app, fn)``). Each run is a unit of work of its own: committed when the function
returns, rolled back when it raises (and then retried, if the task allows it).
Enqueueing from a request or another task goes through ``enqueue_after_commit``: the task
is queued only once the transaction that asked for it has committed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from lms.core.unit_of_work import after_commit, transaction

log = logging.getLogger(__name__)

STORE = "lms.tasks"
OPTIONS_ATTRIBUTE = "lms_task_options"
SCHEDULE_ATTRIBUTE = "lms_task_schedule"

__all__ = ["crontab", "enqueue", "enqueue_after_commit", "periodic", "queue_of", "register", "task"]


def task(*, retries: int = 0, retry_delay: int = 0, retry_backoff: float = 0):
    """Mark a function as a task (registered by its feature's ``init_app``)."""

    def mark(fn: Callable) -> Callable:
        setattr(fn, OPTIONS_ATTRIBUTE, {"retries": retries, "retry_delay": retry_delay,
                                        "retry_backoff": retry_backoff})
        return fn

    return mark


def periodic(schedule: Callable, **options):
    """Mark a function as a periodic task; ``schedule`` is a ``crontab(...)`` test.

    Every worker's scheduler may start it, so a periodic task must be safe to run twice
    (each one here records what it has done).
    """

    def mark(fn: Callable) -> Callable:
        task(**options)(fn)
        setattr(fn, SCHEDULE_ATTRIBUTE, schedule)
        return fn

    return mark


def _build(app: Flask) -> Huey:
    config = app.config
    kind = config["LMS_TASK_QUEUE"]
    name = config.get("LMS_TASK_QUEUE_NAME", "lms")
    if kind == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if kind == "memory":
        return MemoryHuey(name, results=False)
    if kind == "redis":
        return RedisHuey(name, url=config["LMS_REDIS_URL"], results=False)
    if kind == "sqlite":
        path = Path(config["LMS_TASK_QUEUE_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    raise RuntimeError(f"LMS_TASK_QUEUE must be sqlite, redis or immediate, not {kind!r}")


class TaskQueue:
    """The application's queue: the Huey instance and the tasks registered on it."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = _build(app)
        self.tasks: dict[str, object] = {}

    def register(self, fn: Callable) -> None:
        name = f"{fn.__module__}.{fn.__name__}"
        if name in self.tasks:
            return
        options = dict(getattr(fn, OPTIONS_ATTRIBUTE, None) or {})
        schedule = getattr(fn, SCHEDULE_ATTRIBUTE, None)
        runner = self._runner(fn)
        if schedule is not None:
            wrapper = self.huey.periodic_task(schedule, name=name, **options)(runner)
        else:
            wrapper = self.huey.task(name=name, **options)(runner)
        self.tasks[name] = wrapper

    def _runner(self, fn: Callable) -> Callable:
        app = self.app

        @functools.wraps(fn)
        def run(*args, **kwargs):
            # A context of its own: its own database session, committed when the task ends.
            with app.app_context(), transaction():
                return fn(*args, **kwargs)

        return run

    def wrapper_of(self, fn: Callable):
        name = f"{fn.__module__}.{fn.__name__}"
        try:
            return self.tasks[name]
        except KeyError:
            raise RuntimeError(f"task {name} is not registered on this application") from None

    def enqueue(self, fn: Callable, *args, **kwargs) -> None:
        wrapper = self.wrapper_of(fn)
        self.huey.enqueue(wrapper.s(*args, **kwargs))

    def ping(self) -> None:
        """Raise if the queue's storage cannot be reached (readiness check)."""
        self.huey.storage.queue_size()


def init_app(app: Flask) -> None:
    app.extensions[STORE] = TaskQueue(app)


def queue_of(app: Flask | None = None) -> TaskQueue:
    app = app if app is not None else current_app._get_current_object()
    return app.extensions[STORE]


def register(app: Flask, *fns: Callable) -> None:
    for fn in fns:
        queue_of(app).register(fn)


def enqueue(fn: Callable, *args, **kwargs) -> None:
    """Queue a task now (from a command or a periodic task that owns no transaction)."""
    queue_of().enqueue(fn, *args, **kwargs)


def enqueue_after_commit(session: Session, fn: Callable, *args, **kwargs) -> None:
    """Queue a task once ``session``'s transaction has committed; never if it rolls back."""
    queue = queue_of()
    queue.wrapper_of(fn)  # an unregistered task fails here, in the request, not after it
    after_commit(session, functools.partial(queue.enqueue, fn, *args, **kwargs))
