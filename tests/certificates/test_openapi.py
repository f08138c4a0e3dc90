"""The certificate endpoints are documented in the OpenAPI document, which stays valid."""

from __future__ import annotations

from openapi_spec_validator import validate

PATHS = {
    "/api/v1/certificates/{code}": {"get"},
    "/api/v1/certificates/{certificate_id}/pdf": {"get"},
    "/api/v1/me/certificates": {"get"},
    "/api/v1/manage/certificates": {"get"},
    "/api/v1/manage/certificates/{certificate_id}": {"get"},
    "/api/v1/manage/certificates/{certificate_id}/revocation": {"post"},
    "/api/v1/manage/certificates/{certificate_id}/reinstatement": {"post"},
    "/api/v1/manage/certificates/{certificate_id}/reissue": {"post"},
    "/api/v1/manage/cohorts/{cohort_id}/certificates": {"get"},
    "/api/v1/enrolments/{enrolment_id}/manual-completion": {"post"},
}


def test_every_certificate_endpoint_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    for path, methods in PATHS.items():
        assert path in document["paths"], path
        for method in methods:
            operation = document["paths"][path][method]
            assert operation.get("summary") or operation.get("description"), (path, method)
            assert operation["responses"], (path, method)
    pdf = document["paths"]["/api/v1/certificates/{certificate_id}/pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
    verification = document["paths"]["/api/v1/certificates/{code}"]["get"]["responses"]
    assert {"200", "404", "429"} <= set(verification)
