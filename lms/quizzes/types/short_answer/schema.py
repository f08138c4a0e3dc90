"""Short answer in the API: nothing beyond the question; the response is a text."""

from lms.quizzes.types.base import ApiPart

API = ApiPart(response_example='{"text": "…"}')
