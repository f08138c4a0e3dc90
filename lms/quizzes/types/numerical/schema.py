"""Numerical in the API: nothing beyond the question; the response is the number as typed."""

from lms.quizzes.types.base import ApiPart

API = ApiPart(response_example='{"text": "…"}')
