"""The forum's part in a content import: once a course's discussion prompts are stored, its
forums (the course's own if it is self-paced, each of its groups') open a thread for each
new prompt, in the import's transaction."""

from __future__ import annotations

from lms.courses.content import ContentExtension
from lms.forum.operations import seed_course


class ForumThreads(ContentExtension):
    name = "forum"

    def apply(self, session, course, spec, modules: dict) -> None:
        seed_course(session, course)
