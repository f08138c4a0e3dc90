"""Low bandwidth: compressed responses, and static files a browser keeps until they change."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

from flask import url_for

from lms.core.static_files import fingerprint

GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_a_page_is_gzipped_for_a_client_that_accepts_it_and_plain_otherwise(client):
    plain = client.get("/login")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]

    packed = client.get("/login", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.data)       # the same page (its form token differs)
    assert page.startswith(b"<!doctype html>") and len(page) == len(plain.data)
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2


def test_json_is_gzipped_and_a_refusal_of_gzip_is_respected(client):
    packed = client.get("/api/v1/openapi.json", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data).startswith(b"{")
    refused = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_compression_can_be_turned_off(tmp_root):
    from tests.conftest import build_app

    application = build_app(tmp_root, LMS_COMPRESS_LEVEL=0)
    response = application.test_client().get("/login", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_static_urls_carry_the_fingerprint_of_the_files_content(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/site.css")
        expected = fingerprint(Path(app.static_folder) / "css" / "site.css")
    assert url == f"/static/css/site.css?v={expected}"
    page = client.get("/login").get_data(as_text=True)
    assert f'/static/css/site.css?v={expected}' in page


def test_a_fingerprinted_static_file_is_kept_for_a_year_and_the_plain_name_still_works(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/site.css")
    kept = client.get(url, headers=GZIP)
    assert kept.status_code == 200
    assert kept.cache_control.max_age == 365 * 24 * 3600 and kept.cache_control.public
    assert "immutable" in kept.headers["Cache-Control"] and "no-cache" not in kept.headers["Cache-Control"]
    assert kept.headers["Content-Encoding"] == "gzip"
    with open(app.static_folder + "/css/site.css", "rb") as source:
        assert gzip.decompress(kept.data) == source.read()

    old = client.get("/static/css/site.css")
    assert old.status_code == 200 and old.cache_control.no_cache and not old.cache_control.max_age
    stale = client.get("/static/css/site.css?v=000000000000")
    assert stale.status_code == 200 and stale.cache_control.no_cache
    assert client.get(url.replace("site.css", "nothing.css")).status_code == 404


def test_a_blueprints_static_files_are_fingerprinted_too(app):
    statics = [rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.endswith(".static")]
    for endpoint in statics:
        folder = app.blueprints[endpoint.rsplit(".", 1)[0]].static_folder
        names = [name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name))]
        if names:
            with app.test_request_context():
                assert re.search(r"\?v=[0-9a-f]{12}$", url_for(endpoint, filename=names[0]))
