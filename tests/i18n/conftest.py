"""Fixtures of the i18n tests: the course and glossary written for them (tests/fixtures/i18n)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def i18n_content(session, reference):
    """tests/fixtures/i18n imported: a course in en, sr_Latn and sr_Cyrl, and six glossary terms."""
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.extensions import db

    import_content(session, FIXTURES / "i18n")
    session.commit()
    return session.scalar(db.select(Course).where(Course.slug == "serbian-scripts"))
