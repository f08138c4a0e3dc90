"""Where other features plug into the forum (see ``lms.core.extension_points``).

- ``FORUM_EVENTS``: ``listener(session, event)`` called inside the transaction that wrote a
  post, for each ``ForumEvent``: ``reply`` (to the thread's followers but the writer) and
  ``mention`` (to the people a post names with @, once per post, edits included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lms.core.extension_points import ExtensionPoint


@dataclass(frozen=True)
class ForumEvent:
    kind: str  # "reply" | "mention"
    post: Any  # ForumPost
    thread: Any  # ForumThread
    recipient_ids: tuple[int, ...]


FORUM_EVENTS: ExtensionPoint[Callable] = ExtensionPoint("forum.events")
