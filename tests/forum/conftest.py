"""Fixtures of the forum: a tutored course with discussion prompts (the annexes test course),
an Albanian group of it with a tutor and members, and what the forum tells other features."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.importer import import_content
from lms.courses.operations import course_by_slug
from lms.forum.extension_points import FORUM_EVENTS
from lms.forum.operations import forum_of_cohort

ANNEXES = Path(__file__).resolve().parent.parent / "fixtures" / "annexes"


@pytest.fixture
def annexed(session, reference):
    import_content(session, ANNEXES)
    session.commit()
    return course_by_slug(session, "tutored-annexes")


@pytest.fixture
def group(annexed, make_cohort, make_user):
    tutor = make_user(roles=("tutor",), beneficiary="AL", full_name="Arta Hoxha", language="en")
    return make_cohort(course=annexed, beneficiary="AL", language="sq", tutors=[tutor], name="Grupi Tiranë")


@pytest.fixture
def forum(session, group):
    return forum_of_cohort(session, group.id)


@pytest.fixture
def events(app):
    """The forum's events (replies, mentions) as they are announced."""
    seen = []
    with FORUM_EVENTS.added(lambda session, event: seen.append((event.kind, event.post.id, event.recipient_ids)),
                            app):
        yield seen
