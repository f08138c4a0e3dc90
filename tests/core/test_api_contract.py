"""The API's contract: the error body documented is the one sent, public operations declare no
security, every documented refusal carries the error schema, unknown input is refused everywhere."""

from __future__ import annotations

import io

import marshmallow as ma
from openapi_spec_validator import validate

from lms.accounts.operations import create_api_token
from lms.core.api import StrictParser
from lms.core.errors import ErrorSchema

PUBLIC = {
    ("get", "/api/v1/courses"), ("get", "/api/v1/courses/{slug}"), ("get", "/api/v1/courses/{slug}/modules/{module}"),
    ("get", "/api/v1/certificates/{code}"),
    ("post", "/api/v1/accounts"), ("get", "/api/v1/beneficiaries"), ("get", "/api/v1/institutions"),
}


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_public_operations_declare_no_security_and_the_others_their_schemes_and_401(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "security" not in document
    for method, path, operation in _operations(document):
        if (method, path) in PUBLIC:
            assert not operation.get("security"), (method, path)
            assert "401" not in operation["responses"], (method, path)
        else:
            assert operation["security"] == [{"bearerAuth": []}, {"cookieAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_every_documented_refusal_has_the_error_body_that_is_sent(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"errors", "status"} and error["properties"]["status"]["type"] == "integer"
    for method, path, operation in _operations(document):
        assert "default" not in operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                if "$ref" in response:
                    response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                schema = response["content"]["application/json"]["schema"]
                # The Error schema, or one that adds to it (a 409 of grading carries `current`).
                body = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                assert body["properties"]["status"]["type"] == "integer", (method, path, status)
                assert body["properties"]["errors"]["type"] == "object", (method, path, status)


def test_refusals_are_sent_in_the_documented_shape(client, session, make_user):
    trainee = make_user()
    _row, token = create_api_token(session, trainee, "t")
    session.commit()
    answers = [
        client.get("/api/v1/me"),                                                        # 401
        client.api("GET", "/api/v1/admin/users", token=token),                           # 403
        client.api("GET", "/api/v1/cohorts/999999", token=token),                        # 404
        client.api("POST", "/api/v1/me/tokens", token=token, json={"name": ""}),         # 422
        client.api("POST", "/api/v1/me/tokens", token=token, json={"name": "x", "y": 1}),  # 422, unknown
    ]
    assert [a.status_code for a in answers] == [401, 403, 404, 422, 422]
    for answer in answers:
        body = answer.get_json()
        assert ErrorSchema().validate(body) == {}, body
        assert body["status"] == answer.status_code and body["errors"]
    assert answers[-1].get_json()["errors"] == {"y": ["Unknown field."]}


def _argument_schemas(app):
    for endpoint, view in app.view_functions.items():
        for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            yield endpoint, parameter["schema"], parameter["in"]


def test_every_input_schema_of_the_api_refuses_unknown_fields(app):
    walked = 0
    for endpoint, schema, location in _argument_schemas(app):
        schema = schema() if isinstance(schema, type) else schema
        effective = StrictParser.DEFAULT_UNKNOWN_BY_LOCATION.get(location) or schema.unknown
        assert effective == ma.RAISE, (endpoint, type(schema).__name__, location)
        for field in schema.fields.values():
            nested = getattr(field, "nested", None) or getattr(getattr(field, "inner", None), "nested", None)
            if nested is not None:
                nested = nested() if isinstance(nested, type) else nested
                assert getattr(nested, "unknown", ma.RAISE) == ma.RAISE, (endpoint, field.name)
        walked += 1
    assert walked >= 20  # every body, query and multipart schema of the API was seen


def test_unknown_query_and_multipart_fields_are_refused(client, session, make_user, regional_manager):
    _row, token = create_api_token(session, regional_manager, "t")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for url in ("/api/v1/manage/certificates?colour=red", "/api/v1/institutions?colour=red",
                "/api/v1/admin/users?colour=red", "/api/v1/cohorts?colour=red"):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 422 and "colour" in answer.get_json()["errors"], url
    upload = client.post("/api/v1/assignments/1/attachments", headers=headers, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(b"hello"), "a.txt"), "colour": "red"})
    assert upload.status_code == 422 and "colour" in upload.get_json()["errors"]


def test_a_gender_filter_on_a_groups_figures_is_refused_by_page_and_api(client, session, make_cohort,
                                                                        regional_manager):
    from tests.conftest import login

    cohort = make_cohort()
    _row, token = create_api_token(session, regional_manager, "t")
    session.commit()
    api = client.api("GET", f"/api/v1/reports/cohorts/{cohort.id}?gender=female", token=token)
    assert api.status_code == 422 and "gender" in api.get_json()["errors"]
    login(client, regional_manager)
    assert client.get(f"/reports/cohorts/{cohort.id}?gender=female").status_code == 422


def test_an_operation_that_takes_no_input_refuses_fields_sent_to_it(client, session, make_user):
    trainee = make_user()
    _row, token = create_api_token(session, trainee, "t")
    session.commit()
    query = client.api("GET", "/api/v1/me?colour=red", token=token)
    assert query.status_code == 422 and query.get_json()["errors"] == {"colour": ["Unknown field."]}
    body = client.api("DELETE", "/api/v1/me/tokens/999999", token=token, json={"colour": "red"})
    assert body.status_code == 422 and "colour" in body.get_json()["errors"]
    document = client.get("/api/v1/openapi.json").get_json()
    assert "422" in document["paths"]["/api/v1/me"]["get"]["responses"]


def test_a_body_that_is_not_json_is_refused_with_422(client, reference):
    answer = client.post("/api/v1/accounts", data="{not json", content_type="application/json")
    assert answer.status_code == 422 and answer.get_json() == {"errors": {"json": ["Invalid JSON body."]},
                                                              "status": 422}
