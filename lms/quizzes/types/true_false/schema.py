"""True/false in the API: nothing beyond the question; the response is true or false."""

from lms.quizzes.types.base import ApiPart

API = ApiPart(response_example='{"value": true|false}')
