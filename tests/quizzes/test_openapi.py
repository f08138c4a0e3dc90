"""The quiz endpoints are in the OpenAPI document, which stays valid OpenAPI 3."""

from __future__ import annotations


def test_the_quiz_endpoints_are_documented(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    paths = document["paths"]
    expected = {
        "/api/v1/courses/{slug}/quizzes": {"get"},
        "/api/v1/quizzes/{quiz_id}": {"get"},
        "/api/v1/quizzes/{quiz_id}/attempts": {"get", "post"},
        "/api/v1/attempts/{attempt_id}": {"get"},
        "/api/v1/attempts/{attempt_id}/answers": {"put"},
        "/api/v1/attempts/{attempt_id}/submit": {"post"},
        "/api/v1/attempts/{attempt_id}/review": {"get"},
        "/api/v1/essay-answers/{answer_id}": {"get"},
        "/api/v1/essay-answers/{answer_id}/grade": {"put"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation.get("summary") or operation.get("description"), (path, method)
    submit = paths["/api/v1/attempts/{attempt_id}/submit"]["post"]["responses"]
    assert {"200", "403", "404", "422"} <= set(submit)
    schemas = document["components"]["schemas"]
    assert "correct" not in schemas["AttemptQuestion"]["properties"]
    assert "correct" in schemas["ReviewedQuestion"]["properties"]
