"""Numerical with units in the API: the units an answer may be given in; the response is the
number as typed, with or without one of them."""

from marshmallow import fields

from lms.quizzes.types.base import ApiPart

UNITS = fields.List(fields.String(), metadata={
    "description": "Numerical with units: the units accepted after the number (a number alone is in the first)."})

API = ApiPart(fields={"units": UNITS}, view=lambda public: {"units": public["units"]},
              response_example='{"text": "3.5 m"}')
