"""Facts about the reader asked with the session check: every page's, and a page's own."""

from __future__ import annotations

import re

from lms.accounts.operations import session_fact
from lms.accounts.operations.sessions import _check_with_facts
from lms.announcements.views import ANNOUNCED
from lms.certificates.views import HELD
from lms.extensions import db
from lms.notifications.views import UNREAD
from lms.surveys.views import PROMPTED
from lms.tutors.views.case_studies import RETURNED_FACT
from tests.conftest import login


def _asked(app, path: str) -> set[str]:
    with app.test_request_context(path):   # its endpoint matched, as a request's is
        _statement, facts = _check_with_facts()
    return {fact.name for fact in facts}


def test_each_page_asks_every_pages_facts_and_its_own(app):
    assert _asked(app, "/dashboard") == {UNREAD, HELD, RETURNED_FACT, PROMPTED, ANNOUNCED}
    assert _asked(app, "/courses/any-course") == {UNREAD, HELD, PROMPTED, ANNOUNCED}
    assert _asked(app, "/") == {UNREAD}
    assert _asked(app, "/courses/any-course/m1/l1") == {UNREAD}


def test_every_fact_is_about_the_reader_of_the_session_alone(app):
    """Each fact's subqueries, however deep, correlate to the session check's own row: no FROM
    list but the check's names the session table (else a fact would read every session's user)."""
    for path in ("/dashboard", "/courses/any-course", "/"):
        with app.test_request_context(path):
            statement, _facts = _check_with_facts()
            sql = str(statement.compile(dialect=db.engine.dialect))
        from_lists = re.findall(r"\bFROM\b((?:(?!\bWHERE\b|[()]).)*)", sql, flags=re.DOTALL)
        naming = [tables for tables in from_lists if re.search(r"\buser_session\b(?!\.)", tables)]
        assert len(naming) == 1 and naming[0].strip().startswith("user_session JOIN"), (path, naming)


def test_a_page_reads_its_facts_in_the_session_checks_one_statement(client, make_user, count_queries):
    login(client, make_user())
    client.get("/dashboard")
    with count_queries() as counter:
        assert client.get("/dashboard").status_code == 200
    check = [s for s in counter.statements if "user_session" in s]
    assert len(check) == 1
    for table in ("notification", "certificate", "submission", "survey", "announcement_cohort"):
        assert f"FROM {table}" in check[0], table


def test_a_fact_is_not_trusted_where_it_was_not_asked_or_the_request_may_write(app, make_user):
    user = make_user()
    user.session_facts = {HELD: 0, UNREAD: 4}
    with app.test_request_context("/dashboard", method="GET"):
        assert session_fact(user, HELD) == 0 and session_fact(user, UNREAD) == 4
        assert session_fact(user, PROMPTED) is None   # not asked: the caller asks the database
    with app.test_request_context("/dashboard", method="POST"):
        assert session_fact(user, HELD) is None and session_fact(user, UNREAD) is None
    user.session_facts = None   # signed in by an API token: no session check
    with app.test_request_context("/api/v1/me/certificates"):
        assert session_fact(user, HELD) is None
