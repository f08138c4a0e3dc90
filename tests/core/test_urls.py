"""Absolute addresses: always under LMS_BASE_URL, in a request or outside any."""

from __future__ import annotations

from lms.core.urls import absolute_url


def test_an_address_is_built_outside_any_request(make_app):
    other = make_app(LMS_BASE_URL="https://help.example/lms")
    with other.app_context():
        assert absolute_url("courses.course", slug="probation") == "https://help.example/lms/courses/probation"
        assert absolute_url("courses.catalogue", _anchor="new courses") == "https://help.example/lms/#new%20courses"


def test_an_address_names_the_public_site_whatever_host_the_request_came_in_on(make_app):
    other = make_app(LMS_BASE_URL="https://help.example")
    with other.test_request_context("/", base_url="http://10.0.0.7:8000/"):
        assert absolute_url("courses.course", slug="probation") == "https://help.example/courses/probation"
