"""What a page asks several times is read once per safe request, and anew in any other."""

from __future__ import annotations

import pytest
from flask import g

from lms.core.unit_of_work import read_once_per_request


@pytest.mark.parametrize(("method", "reads"), [("GET", 1), ("HEAD", 1), ("POST", 3), ("PUT", 3), ("DELETE", 3)])
def test_a_safe_request_reads_once_and_any_other_every_time(app, method, reads):
    calls = []
    with app.test_request_context(method=method):
        answers = [read_once_per_request("test.thing", 7, lambda: calls.append(1) or len(calls)) for _ in range(3)]
    assert len(calls) == reads
    assert answers == ([1, 1, 1] if reads == 1 else [1, 2, 3])


def test_each_key_and_each_request_has_its_own_answer(app):
    with app.test_request_context():
        assert read_once_per_request("test.thing", 1, lambda: "one") == "one"
        assert read_once_per_request("test.thing", 2, lambda: "two") == "two"
        assert read_once_per_request("test.other", 1, lambda: "other") == "other"
        assert read_once_per_request("test.thing", 1, lambda: "changed") == "one"
    with app.test_request_context():
        assert "lms_read_once" not in g
        assert read_once_per_request("test.thing", 1, lambda: "changed") == "changed"


def test_outside_a_request_it_reads_every_time(app):
    calls = []
    with app.app_context():
        for _ in range(2):
            read_once_per_request("test.thing", 1, lambda: calls.append(1))
    assert len(calls) == 2
