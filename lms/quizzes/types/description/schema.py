"""Description in the API: nothing beyond its text; nothing is sent for it."""

from lms.quizzes.types.base import ApiPart

API = ApiPart(response_example="nothing")
