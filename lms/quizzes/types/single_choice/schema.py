"""Single choice in the API: the choices shown; the response is the key chosen."""

from lms.quizzes.types.base import ApiPart
from lms.quizzes.types.choices import CHOICES_FIELD

API = ApiPart(fields={"choices": CHOICES_FIELD}, view=lambda public: {"choices": public["choices"]},
              response_example='{"choice": key}')
