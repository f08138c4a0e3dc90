"""Institution names in the reader's language: kept on an admin page and through the API, shown
in registration, statistics filters, tables and exports."""

from __future__ import annotations

import pytest

from lms.accounts.models import Institution
from lms.extensions import db
from tests.conftest import login

NIS = "Correctional Institution Niš"


def _institution(session, name=NIS) -> Institution:
    return session.scalar(db.select(Institution).where(Institution.name == name))


def test_every_default_institution_has_a_name_in_every_language(session, reference):
    institutions = session.scalars(db.select(Institution)).all()
    assert len(institutions) == 30
    assert all(not institution.missing_languages for institution in institutions)
    nis = _institution(session)
    assert nis.name_in("sr_Latn") == "Kazneno-popravni zavod Niš"
    assert nis.name_in("sr_Cyrl") == "Казнено-поправни завод Ниш"
    assert nis.name_in("sq") == "Institucioni Ndëshkimor-Korrektues Nish"
    assert nis.name_in("en") == NIS


@pytest.mark.parametrize(("code", "expected"), [
    ("sr_Cyrl", "Казнено-поправни завод Ниш"), ("mk", "Казнено-поправен дом Ниш"),
    ("sq", "Institucioni Ndëshkimor-Korrektues Nish"), ("cnr", "Kazneno-popravni zavod Niš"),
])
def test_registration_offers_the_institutions_in_the_readers_language(client, reference, code, expected):
    html = client.get("/register", headers={"Accept-Language": code.replace("_", "-")}).get_data(as_text=True)
    assert expected in html and NIS not in html


def test_an_administrator_writes_the_names_on_the_page_and_a_close_language_fills_a_gap(
        client, session, make_user):
    login(client, make_user(roles=("admin",), beneficiary=None))
    nis = _institution(session)
    page = client.get(f"/admin/institutions/{nis.id}").get_data(as_text=True)
    assert "Kazneno-popravni zavod Niš" in page
    fields = {"version": str(nis.version), "sq": "KPZ Nish", "bs": "", "sr_Latn": "KPZ Niš", "sr_Cyrl": "",
              "mk": "КПД Ниш", "cnr": ""}
    response = client.form(f"/admin/institutions/{nis.id}", fields)
    assert response.status_code == 302
    session.expire_all()
    nis = _institution(session)
    assert nis.names == {"sq": "KPZ Nish", "sr_Latn": "KPZ Niš", "sr_Cyrl": "КПЗ Ниш", "mk": "КПД Ниш"}
    assert nis.name_in("cnr") == "KPZ Niš"  # no Montenegrin name: the Serbian one, not the English
    assert nis.missing_languages == ["bs", "cnr"]


def test_a_name_that_is_too_long_is_refused_naming_the_field_and_nothing_changes(client, session, make_user):
    login(client, make_user(roles=("admin",), beneficiary=None))
    nis = _institution(session)
    before = dict(nis.names)
    response = client.form(f"/admin/institutions/{nis.id}", {"version": str(nis.version), "sq": "x" * 201})
    assert response.status_code == 422 and "200 characters at most" in response.get_data(as_text=True)
    session.expire_all()
    assert _institution(session).names == before


def test_a_stale_version_is_refused_with_409(client, session, make_user):
    login(client, make_user(roles=("admin",), beneficiary=None))
    nis = _institution(session)
    stale = nis.version
    assert client.api("PUT", f"/api/v1/admin/institutions/{nis.id}/names",
                      json={"names": {"sq": "Një"}, "version": stale}).status_code == 200
    response = client.api("PUT", f"/api/v1/admin/institutions/{nis.id}/names",
                          json={"names": {"sq": "Dy"}, "version": stale})
    assert response.status_code == 409
    session.expire_all()
    assert _institution(session).names["sq"] == "Një"


def test_the_api_sets_names_and_refuses_unknown_languages(client, session, make_user):
    login(client, make_user(roles=("manager",), beneficiary="RS", scope="national"))
    nis = _institution(session)
    response = client.api("PUT", f"/api/v1/admin/institutions/{nis.id}/names",
                          json={"names": {"sr_Latn": "KPZ Niš", "xx": "?"}, "version": nis.version})
    assert response.status_code == 422 and "names" in response.get_json()["errors"]
    response = client.api("PUT", f"/api/v1/admin/institutions/{nis.id}/names",
                          json={"names": {"sr_Latn": "KPZ Niš"}, "version": nis.version})
    assert response.status_code == 200
    body = response.get_json()
    assert body["names"] == {"sr_Latn": "KPZ Niš", "sr_Cyrl": "КПЗ Ниш"} and body["english_name"] == NIS


def test_who_may_not_keep_the_names_is_refused(client, session, make_user):
    nis = _institution(session)
    login(client, make_user(roles=("manager",), beneficiary="AL", scope="national"))
    url = f"/api/v1/admin/institutions/{nis.id}/names"
    assert client.api("PUT", url, json={"names": {}, "version": nis.version}).status_code == 403
    assert client.get(f"/admin/institutions/{nis.id}").status_code == 403
    trainee = client.application.test_client()
    login(trainee, make_user())
    assert trainee.api("PUT", url, json={"names": {}, "version": nis.version}).status_code == 403
    assert trainee.get(f"/admin/institutions/{nis.id}").status_code == 403
    admin = client.application.test_client()
    login(admin, make_user(roles=("admin",), beneficiary=None))
    assert admin.api("PUT", "/api/v1/admin/institutions/999999/names",
                     json={"names": {}, "version": 1}).status_code == 404
    anonymous = client.application.test_client()
    assert anonymous.api("PUT", url, json={"names": {}, "version": nis.version}).status_code == 401


def test_the_institution_list_is_public_and_in_the_requests_language(client, reference):
    body = client.get("/api/v1/institutions", headers={"Accept-Language": "mk"}).get_json()
    nis = next(item for item in body if item["english_name"] == NIS)
    assert nis["name"] == "Казнено-поправен дом Ниш" and nis["beneficiary"] == "RS"
    assert nis["names"]["sr_Latn"] == "Kazneno-popravni zavod Niš" and nis["missing_languages"] == []
